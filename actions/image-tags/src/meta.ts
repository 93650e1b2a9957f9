/**
 * The tag engine: docker/metadata-action's meta.ts ported to pure functions (same version, tags,
 * labels, annotations, JSON and bake definitions for the same inputs and event), plus deploy-kit's
 * `type=channel`, the `latest` policy for prereleases and an explanation of every rule.
 */
import { valueAt } from '@deploy-kit/core';
import { TAG_PATTERN } from '@deploy-kit/core/oci/reference';
import type SemVer from 'semver/classes/semver.js';

import { refTypeOf, repoInfoFromPayload, type EventContext, type RepoInfo } from './context.js';
import { inputError, type Origin } from './errors.js';
import { checkTemplate, GLOBAL_EXPRESSIONS } from './expressions.js';
import { parseFlavor, type Flavor } from './flavor.js';
import { enabledImageNames, parseImages, type Image } from './image.js';
import { normalizeList, type ListInput } from './list.js';
import { datefmt, isDateFormatError, pep440 as loadedPep440, semver as loadedSemver } from './optional.js';
import { parseTagRules, ruleToString, type TagRule } from './tag.js';
import {
  isRawStatement,
  parseTemplate,
  render,
  renderTemplate,
  TemplateError,
  type HelperOptions,
  type TemplateContext,
} from './template.js';

export const DEFAULT_SHORT_SHA_LENGTH = 7;

/** What deploy-kit's parse-version computes for the ref (a structural subset of core's ReleaseInfo). */
export interface ReleaseInfoLike {
  channel: string;
  environment: string;
  isPrerelease: boolean;
  version: string;
  tag?: string;
  shortSha: string;
}

/**
 * `stable-only` (default): with `flavor latest=auto`, a prerelease never gets `latest` whatever the
 * rule type, and a `latest` value from a rule (`type=raw,value=latest`) is dropped on a
 * prerelease. `metadata-action`: exactly metadata-action's behaviour (`type=ref,event=tag` and
 * `type=match` give `latest` to prereleases too).
 */
export type LatestPolicy = 'stable-only' | 'metadata-action';

export interface MetaInputs {
  images?: ListInput;
  tags?: ListInput;
  flavor?: ListInput;
  labels?: ListInput;
  annotations?: ListInput;
}

export interface MetaOptions {
  /** The clock: `{{date}}`, `org.opencontainers.image.created`, and the commit date fallback. */
  now: Date;
  /** Repository facts from the API (metadata-action's repoData); falls back to payload.repository. */
  repo?: RepoInfo;
  /** DOCKER_METADATA_SHORT_SHA_LENGTH (default 7). */
  shortShaLength?: number;
  releaseInfo?: ReleaseInfoLike;
  latestPolicy?: LatestPolicy;
  /**
   * Versions already released (e.g. the repository's tags). With latest=auto, a version lower
   * than the highest stable one does not get `latest`. Omitted: no such check (metadata-action).
   */
  knownVersions?: string[];
  /** `skip`: a pattern made only of {{major}} (e.g. `v{{major}}`) produces nothing for 0.x. Default `keep`. */
  majorZero?: 'keep' | 'skip';
}

export interface Version {
  main: string | undefined;
  partial: string[];
  latest: boolean;
}

export interface RuleReport {
  rule: string;
  type: string;
  priority: number;
  line?: number;
  fired: boolean;
  /** The tag values this rule produced (sanitized, without image name). */
  tags: string[];
  /** Why the rule produced nothing, or notes on what it did. */
  reason?: string;
  /** Whether this rule, with the flavor, asks for `latest` (only the first firing rule decides). */
  latest?: boolean;
  latestReason?: string;
}

export interface LatestReport {
  emitted: boolean;
  reason: string;
}

export interface Meta {
  version: Version;
  images: Image[];
  /** Enabled image names, lowercased. */
  imageNames: string[];
  flavor: Flavor;
  rules: RuleReport[];
  latest: LatestReport;
  labels: string[];
  annotations: string[];
  warnings: string[];
  /** The date used for `created` and `{{date}}`. */
  date: Date;
}

/** metadata-action's sanitizeTag: invalid character runs become '-'. */
export function sanitizeTag(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

export function shortSha(sha: string, length = DEFAULT_SHORT_SHA_LENGTH): string {
  if (!sha) return '';
  if (length >= sha.length) return sha;
  return sha.substring(0, length);
}

/** The semver in a version string: `1.2.3`, `v1.2.3-rc.1`, `orders/v1.2.3`, `p1-v1.0.0`. */
function looseSemver(value: string): SemVer | null {
  const semverParse = loadedSemver().parse;
  const direct = semverParse(value, { loose: true });
  if (direct) return direct;
  const m = /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(value);
  return m ? semverParse(m[1]!, { loose: true }) : null;
}

/** True for `1.2.3-rc.1`, `v2.0.8-beta.67`, `1.2.3rc2`, `1.0dev4`, `orders/v1.0.0-rc.1`. */
export function isPrereleaseVersion(value: string): boolean {
  const sv = looseSemver(value);
  if (sv) return sv.prerelease.length > 0;
  const pep440 = loadedPep440();
  try {
    if (pep440.valid(value)) {
      const e = pep440.explain(value);
      return !!e && (e.is_prerelease || e.is_devrelease);
    }
  } catch {
    // not PEP 440 either
  }
  return false;
}

interface ProcResult {
  /** Value before sanitizing; undefined when skipped. */
  value?: string;
  latest?: boolean;
  latestReason?: string;
  reason?: string;
}

class Engine {
  readonly version: Version = { main: undefined, partial: [], latest: false };
  private latestDecided: boolean | undefined;
  readonly reports: RuleReport[] = [];
  readonly warnings: string[] = [];
  private firstFired?: { rule: string; latest: boolean; reason?: string };

  constructor(
    private readonly ctx: EventContext,
    readonly flavor: Flavor,
    private readonly repo: RepoInfo,
    private readonly options: MetaOptions,
  ) {}

  get policy(): LatestPolicy {
    return this.options.latestPolicy ?? 'stable-only';
  }

  short(sha: string): string {
    return shortSha(sha, this.options.shortShaLength ?? DEFAULT_SHORT_SHA_LENGTH);
  }

  private dateHelper(date: Date) {
    return (...args: unknown[]): string => {
      const options = args[args.length - 1] as HelperOptions | undefined;
      const format = args.length > 1 ? args[0] : undefined;
      let tz = 'UTC';
      for (const [key, value] of Object.entries(options?.hash ?? {})) {
        if (key === 'tz') tz = String(value);
        else throw new TemplateError(`Unknown ${key} attribute`);
      }
      return datefmt().formatDate(date, format, tz);
    };
  }

  globals(): TemplateContext {
    const ctx = this.ctx;
    const short = (s: string) => this.short(s);
    const commitDate = this.ctx.commitDate ?? this.options.now;
    const g: TemplateContext = {
      branch: () => (/^refs\/heads\//.test(ctx.ref) ? ctx.ref.replace(/^refs\/heads\//g, '') : ''),
      tag: () => (/^refs\/tags\//.test(ctx.ref) ? ctx.ref.replace(/^refs\/tags\//g, '') : ''),
      sha: () => short(ctx.sha),
      base_ref: () => {
        const baseRef = valueAt(ctx.payload, 'base_ref');
        if (/^refs\/tags\//.test(ctx.ref) && baseRef != undefined) return String(baseRef).replace(/^refs\/heads\//g, '');
        const prBase = valueAt(ctx.payload, 'pull_request', 'base', 'ref');
        if (/^refs\/pull\//.test(ctx.ref) && prBase != undefined) return String(prBase);
        return '';
      },
      commit_date: this.dateHelper(commitDate),
      is_default_branch: () => {
        const branch = ctx.ref.replace(/^refs\/heads\//g, '');
        if (branch.length === 0) return 'false';
        if (valueAt(ctx.payload, 'repository', 'default_branch') == branch) return 'true';
        if (
          /create/.test(ctx.eventName) ||
          /discussion/.test(ctx.eventName) ||
          /issues/.test(ctx.eventName) ||
          /schedule/.test(ctx.eventName)
        )
          return 'true';
        return 'false';
      },
      is_not_default_branch: () => ((g.is_default_branch as () => string)() === 'false' ? 'true' : 'false'),
      date: this.dateHelper(this.options.now),
    };
    return g;
  }

  /** Renders a global-expression template, mapping evaluation failures to an input error. */
  exp(value: string, origin: Origin, attribute: string): string {
    try {
      return renderTemplate(value, this.globals());
    } catch (error) {
      if (error instanceof TemplateError || isDateFormatError(error)) {
        throw inputError(
          origin,
          `${attribute} "${value}" cannot be evaluated (${error.message})`,
          `a value using ${GLOBAL_EXPRESSIONS.map((n) => `{{${n}}}`).join(', ')}`,
        );
      }
      throw error;
    }
  }

  private setValue(val: string, rule: TagRule): string {
    const a = rule.attrs;
    if (Object.prototype.hasOwnProperty.call(a, 'prefix')) val = `${this.exp(a['prefix']!, rule.origin, 'prefix')}${val}`;
    else if (this.flavor.prefix.length > 0)
      val = `${this.exp(this.flavor.prefix, { input: 'flavor', text: `prefix=${this.flavor.prefix}` }, 'prefix')}${val}`;
    if (Object.prototype.hasOwnProperty.call(a, 'suffix')) val = `${val}${this.exp(a['suffix']!, rule.origin, 'suffix')}`;
    else if (this.flavor.suffix.length > 0)
      val = `${val}${this.exp(this.flavor.suffix, { input: 'flavor', text: `suffix=${this.flavor.suffix}` }, 'suffix')}`;
    return val;
  }

  private fixedLatest(): boolean | undefined {
    return this.flavor.latest === 'auto' ? undefined : this.flavor.latest === 'true';
  }

  /**
   * The latest decision of a rule: metadata-action's `candidate` for latest=auto, adjusted by the
   * stable-only policy and the known-versions check.
   */
  private latestFor(candidate: boolean, source: string | undefined, typeReason: string): { latest: boolean; reason: string } {
    const fixed = this.fixedLatest();
    if (fixed !== undefined) return { latest: fixed, reason: `flavor latest=${this.flavor.latest}` };
    if (!candidate) return { latest: false, reason: typeReason };
    if (this.policy === 'stable-only') {
      const info = this.options.releaseInfo;
      if (info?.isPrerelease) return { latest: false, reason: `prerelease ${info.tag || info.version} never becomes latest` };
      if (source !== undefined && isPrereleaseVersion(source))
        return { latest: false, reason: `prerelease ${source} never becomes latest` };
    }
    const known = this.options.knownVersions;
    if (known && known.length > 0 && source !== undefined) {
      const current = looseSemver(source);
      if (current) {
        const higher = known
          .map((k) => ({ k, v: looseSemver(k) }))
          .filter((x) => x.v && x.v.prerelease.length === 0 && loadedSemver().gt(x.v, current))
          .sort((a, b) => loadedSemver().rcompare(a.v!, b.v!))[0];
        if (higher) return { latest: false, reason: `not the highest version (${higher.k} is higher than ${source}) so no latest` };
      }
    }
    return { latest: true, reason: typeReason };
  }

  private procSchedule(rule: TagRule): ProcResult {
    if (!/schedule/.test(this.ctx.eventName)) return { reason: `event "${this.ctx.eventName}" is not schedule` };
    const commitDate = this.ctx.commitDate ?? this.options.now;
    let rendered: string;
    try {
      rendered = render(parseTemplate(rule.attrs['pattern']!), {
        date: this.dateHelper(this.options.now),
        commit_date: this.dateHelper(commitDate),
      });
    } catch (error) {
      if (error instanceof TemplateError || isDateFormatError(error))
        throw inputError(rule.origin, `pattern cannot be evaluated (${error.message})`, "a pattern such as nightly or {{date 'YYYYMMDD'}}");
      throw error;
    }
    const l = this.latestFor(false, undefined, 'type=schedule never produces latest with latest=auto');
    return { value: this.setValue(rendered, rule), latest: l.latest, latestReason: l.reason };
  }

  private versionSource(rule: TagRule, stripSlash: boolean): { vraw?: string; reason?: string } {
    const value = rule.attrs['value'] ?? '';
    if (!/^refs\/tags\//.test(this.ctx.ref) && value.length === 0) {
      return { reason: `ref ${this.ctx.ref || '(none)'} is not a tag (and no value= is given)` };
    }
    let vraw = value.length > 0 ? this.exp(value, rule.origin, 'value') : this.ctx.ref.replace(/^refs\/tags\//g, '');
    const match = rule.attrs['match'] ?? '';
    if (match.length > 0) {
      const m = vraw.match(match);
      if (!m) this.warnings.push(`${ruleToString(rule)}: ${match} does not match ${vraw}.`);
      else vraw = m[1] ?? '';
    }
    if (stripSlash) vraw = vraw.replace(/\//g, '-');
    return { vraw };
  }

  private majorOnly(pattern: string): boolean {
    try {
      const names = parseTemplate(pattern)
        .body.filter((n) => n.type === 'mustache')
        .map((n) => (n.type === 'mustache' ? n.path[0] : ''));
      return names.includes('major') && !names.some((n) => n === 'minor' || n === 'patch' || n === 'version' || n === 'raw');
    } catch {
      return false;
    }
  }

  private procSemver(rule: TagRule): ProcResult {
    const src = this.versionSource(rule, true);
    if (src.vraw === undefined) return { reason: src.reason };
    let vraw = src.vraw;
    const { valid: semverValid, parse: semverParse, prerelease: semverPrerelease } = loadedSemver();
    if (!semverValid(vraw)) {
      this.warnings.push(`${vraw} is not a valid semver. More info: https://semver.org/`);
      return { reason: `${vraw || '(empty)'} is not a valid semver` };
    }
    const sver = semverParse(vraw, { loose: true })!;
    const hctx: TemplateContext = {
      raw: sver.raw,
      version: sver.version,
      major: sver.major,
      minor: sver.minor,
      patch: sver.patch,
      prerelease: sver.prerelease,
      build: sver.build,
    };
    const pattern = rule.attrs['pattern']!;
    let candidate = false;
    let note: string | undefined;
    if (semverPrerelease(vraw)) {
      const usePattern = isRawStatement(pattern) ? pattern : '{{version}}';
      if (usePattern !== pattern) note = `prerelease ${vraw}: only {{version}} is produced`;
      vraw = this.setValue(render(parseTemplate(usePattern), hctx), rule);
    } else {
      if (this.options.majorZero === 'skip' && sver.major === 0 && this.majorOnly(pattern)) {
        return { reason: `pattern ${pattern} skipped for 0.x version ${sver.version}` };
      }
      vraw = this.setValue(render(parseTemplate(pattern), hctx), rule);
      candidate = true;
    }
    const l = this.latestFor(
      candidate,
      src.vraw,
      candidate ? 'type=semver on a release version' : `prerelease ${src.vraw} never becomes latest`,
    );
    return { value: vraw, latest: l.latest, latestReason: l.reason, reason: note };
  }

  private procPep440(rule: TagRule): ProcResult {
    const pep440 = loadedPep440();
    const src = this.versionSource(rule, true);
    if (src.vraw === undefined) return { reason: src.reason };
    const vraw = src.vraw;
    if (!pep440.valid(vraw)) {
      this.warnings.push(`${vraw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
      return { reason: `${vraw || '(empty)'} does not conform to PEP 440` };
    }
    const pver = pep440.explain(vraw)!;
    const pattern = rule.attrs['pattern']!;
    if (pver.is_prerelease || pver.is_postrelease || pver.is_devrelease) {
      const value = this.setValue(isRawStatement(pattern) ? vraw : pep440.clean(vraw)!, rule);
      const l = this.latestFor(false, vraw, `pre/post/dev release ${vraw} never becomes latest`);
      return {
        value,
        latest: l.latest,
        latestReason: l.reason,
        reason: isRawStatement(pattern) ? undefined : `pre/post/dev release ${vraw}: only {{version}} is produced`,
      };
    }
    const major = pep440.major(vraw);
    if (this.options.majorZero === 'skip' && Number(major) === 0 && this.majorOnly(pattern)) {
      return { reason: `pattern ${pattern} skipped for 0.x version ${vraw}` };
    }
    const hctx: TemplateContext = {
      raw: () => vraw,
      version: () => pep440.clean(vraw),
      major: () => pep440.major(vraw),
      minor: () => pep440.minor(vraw),
      patch: () => pep440.patch(vraw),
    };
    const value = this.setValue(render(parseTemplate(pattern), hctx), rule);
    const l = this.latestFor(true, vraw, 'type=pep440 on a final release');
    return { value, latest: l.latest, latestReason: l.reason };
  }

  private procMatch(rule: TagRule): ProcResult {
    const value = rule.attrs['value'] ?? '';
    if (!/^refs\/tags\//.test(this.ctx.ref) && value.length === 0) {
      return { reason: `ref ${this.ctx.ref || '(none)'} is not a tag (and no value= is given)` };
    }
    const vraw = value.length > 0 ? this.exp(value, rule.origin, 'value') : this.ctx.ref.replace(/^refs\/tags\//g, '');
    const pattern = rule.attrs['pattern']!;
    const slashed = /^\/(.+)\/(.*)$/.exec(pattern);
    const tmatch = slashed ? vraw.match(new RegExp(slashed[1]!, slashed[2])) : vraw.match(pattern);
    if (!tmatch) {
      this.warnings.push(`${pattern} does not match ${vraw}.`);
      return { reason: `pattern ${pattern} does not match ${vraw}` };
    }
    const group = (tmatch as unknown as Record<string, string | undefined>)[rule.attrs['group']!];
    if (typeof group === 'undefined') {
      this.warnings.push(`Group ${rule.attrs['group']} does not exist for ${pattern} pattern.`);
      return { reason: `group ${rule.attrs['group']} does not exist for pattern ${pattern}` };
    }
    const l = this.latestFor(true, vraw, 'type=match');
    return { value: this.setValue(group, rule), latest: l.latest, latestReason: l.reason };
  }

  private procRef(rule: TagRule): ProcResult {
    const ref = this.ctx.ref;
    switch (rule.attrs['event']) {
      case 'branch': {
        if (!/^refs\/heads\//.test(ref)) return { reason: `ref ${ref || '(none)'} is not a branch` };
        const l = this.latestFor(false, undefined, 'type=ref,event=branch never produces latest with latest=auto');
        return { value: this.setValue(ref.replace(/^refs\/heads\//g, ''), rule), latest: l.latest, latestReason: l.reason };
      }
      case 'tag': {
        if (!/^refs\/tags\//.test(ref)) return { reason: `ref ${ref || '(none)'} is not a tag` };
        const tag = ref.replace(/^refs\/tags\//g, '');
        const l = this.latestFor(true, tag, 'type=ref,event=tag');
        return { value: this.setValue(tag, rule), latest: l.latest, latestReason: l.reason };
      }
      default: {
        if (!/^refs\/pull\//.test(ref)) return { reason: `ref ${ref || '(none)'} is not a pull request` };
        const l = this.latestFor(false, undefined, 'type=ref,event=pr never produces latest with latest=auto');
        return {
          value: this.setValue(ref.replace(/^refs\/pull\//g, '').replace(/\/merge$/g, ''), rule),
          latest: l.latest,
          latestReason: l.reason,
        };
      }
    }
  }

  private procEdge(rule: TagRule): ProcResult {
    if (!/^refs\/heads\//.test(this.ctx.ref)) return { reason: `ref ${this.ctx.ref || '(none)'} is not a branch` };
    const val = this.ctx.ref.replace(/^refs\/heads\//g, '');
    const branch = rule.attrs['branch']!.length === 0 ? (this.repo.default_branch ?? '') : rule.attrs['branch']!;
    if (branch !== val) return { reason: `branch ${val} is not the edge branch ${branch || '(unknown default branch)'}` };
    const l = this.latestFor(false, undefined, 'type=edge never produces latest with latest=auto');
    return { value: this.setValue('edge', rule), latest: l.latest, latestReason: l.reason };
  }

  private procRaw(rule: TagRule): ProcResult {
    const l = this.latestFor(false, undefined, 'type=raw never produces latest with latest=auto');
    return { value: this.setValue(this.exp(rule.attrs['value']!, rule.origin, 'value'), rule), latest: l.latest, latestReason: l.reason };
  }

  private procSha(rule: TagRule): ProcResult {
    if (!this.ctx.sha) return { reason: 'no commit SHA in the context' };
    const val = rule.attrs['format'] === 'short' ? this.short(this.ctx.sha) : this.ctx.sha;
    const l = this.latestFor(false, undefined, 'type=sha never produces latest with latest=auto');
    return { value: this.setValue(val, rule), latest: l.latest, latestReason: l.reason };
  }

  private procChannel(rule: TagRule): ProcResult {
    const info = this.options.releaseInfo;
    if (!info) return { reason: 'no release info (parse-version output) was given' };
    const sha7 = (info.shortSha || shortSha(this.ctx.sha, 7)).slice(0, 7);
    const format = rule.attrs['format']!;
    let val: string;
    if (format === 'env' || format === 'env-sha') {
      if (!info.environment) return { reason: `the release has no environment (channel "${info.channel || 'unknown'}")` };
      val = format === 'env' ? info.environment : `${info.environment}-${sha7}`;
    } else {
      if (!info.channel) return { reason: 'the release has no channel' };
      val = format === 'channel' ? info.channel : `${info.channel}-${sha7}`;
    }
    if (format.endsWith('-sha') && !sha7) return { reason: 'no commit SHA for the -sha format' };
    const l = this.latestFor(false, undefined, 'type=channel never produces latest with latest=auto');
    return { value: this.setValue(val, rule), latest: l.latest, latestReason: l.reason };
  }

  private latestTagName(): string {
    return sanitizeTag(`${this.flavor.prefixLatest ? this.flavor.prefix : ''}latest${this.flavor.suffixLatest ? this.flavor.suffix : ''}`);
  }

  private refIsPrerelease(): string | undefined {
    const info = this.options.releaseInfo;
    if (info?.isPrerelease) return info.tag || info.version;
    // Same rule as latestFor: the release info OR the tag itself (a PEP 440 `20200110-RC2` is no
    // SemVer prerelease for parse-version, but it is a prerelease).
    if (refTypeOf(this.ctx.ref) === 'tag') {
      const tag = this.ctx.ref.replace(/^refs\/tags\//, '');
      return isPrereleaseVersion(tag) ? tag : undefined;
    }
    return undefined;
  }

  process(rules: TagRule[]): void {
    for (const rule of rules) {
      const report: RuleReport = {
        rule: ruleToString(rule),
        type: rule.type,
        priority: Number(rule.attrs['priority']),
        line: rule.origin.line,
        fired: false,
        tags: [],
      };
      this.reports.push(report);
      const enabled = this.exp(rule.attrs['enable']!, rule.origin, 'enable');
      if (enabled !== 'true' && enabled !== 'false') {
        throw inputError(
          rule.origin,
          `enable evaluated to "${enabled}"`,
          'enable=true, enable=false or an expression giving one of them, e.g. enable={{is_default_branch}}',
        );
      }
      if (enabled === 'false') {
        report.reason = rule.attrs['enable'] === 'false' ? 'enable=false' : `enable=${rule.attrs['enable']} evaluated to false`;
        continue;
      }
      let res: ProcResult;
      switch (rule.type) {
        case 'schedule':
          res = this.procSchedule(rule);
          break;
        case 'semver':
          res = this.procSemver(rule);
          break;
        case 'pep440':
          res = this.procPep440(rule);
          break;
        case 'match':
          res = this.procMatch(rule);
          break;
        case 'ref':
          res = this.procRef(rule);
          break;
        case 'edge':
          res = this.procEdge(rule);
          break;
        case 'raw':
          res = this.procRaw(rule);
          break;
        case 'sha':
          res = this.procSha(rule);
          break;
        case 'channel':
          res = this.procChannel(rule);
          break;
      }
      report.reason = res.reason;
      if (res.value === undefined) continue;
      if (res.value.length === 0) {
        report.reason = 'the rule produced an empty value';
        continue;
      }
      const val = sanitizeTag(res.value);
      if (this.policy === 'stable-only' && this.flavor.latest === 'auto' && val === this.latestTagName()) {
        const pre = this.refIsPrerelease();
        if (pre !== undefined) {
          report.reason = `value ${val} dropped: prerelease ${pre} never becomes latest`;
          continue;
        }
      }
      if (!TAG_PATTERN.test(val))
        this.warnings.push(
          `${report.rule}: "${val}" is not a valid Docker tag (it must start with a letter, digit or _ and have at most 128 characters)`,
        );
      report.fired = true;
      report.tags.push(val);
      report.latest = res.latest;
      report.latestReason = res.latestReason;
      if (this.version.main === undefined) this.version.main = val;
      else if (val !== this.version.main) this.version.partial.push(val);
      if (this.latestDecided === undefined) {
        this.latestDecided = res.latest ?? false;
        this.firstFired = { rule: report.rule, latest: this.latestDecided, reason: res.latestReason };
      }
    }
    this.version.partial = this.version.partial.filter((item, index) => this.version.partial.indexOf(item) === index);
    this.version.latest = this.latestDecided ?? false;
  }

  latestReport(): LatestReport {
    if (!this.firstFired) return { emitted: false, reason: 'no rule produced a tag' };
    const f = this.firstFired;
    if (this.flavor.latest !== 'auto') return { emitted: f.latest, reason: `flavor latest=${this.flavor.latest}` };
    return {
      emitted: f.latest,
      reason: f.latest
        ? `latest=auto: the first rule that produced a tag (${f.rule}) gives latest`
        : `latest=auto: the first rule that produced a tag (${f.rule}) gives no latest: ${f.reason ?? 'not a release rule'}`,
    };
  }

  ociLabels(extra: ListInput | undefined, inputName: string, versionOverride?: string): string[] {
    const repo = this.repo;
    // The repository's facts come from the API or the event payload: a line break in them would
    // add a label line of its own to the newline-separated output (deploy-kit: one line each).
    const res: string[] = [
      `org.opencontainers.image.title=${oneLine(repo.name)}`,
      `org.opencontainers.image.description=${oneLine(repo.description)}`,
      `org.opencontainers.image.url=${oneLine(repo.html_url)}`,
      `org.opencontainers.image.source=${oneLine(repo.html_url)}`,
      `org.opencontainers.image.version=${versionOverride ?? this.version.main ?? ''}`,
      `org.opencontainers.image.created=${this.options.now.toISOString()}`,
      `org.opencontainers.image.revision=${this.ctx.sha || ''}`,
      `org.opencontainers.image.licenses=${repo.license?.spdx_id || ''}`,
    ];
    for (const entry of normalizeList(extra)) {
      const origin = { input: inputName, line: entry.line, text: entry.value };
      checkTemplate(entry.value, GLOBAL_EXPRESSIONS, origin, 'the value');
      res.push(this.exp(entry.value, origin, 'the value'));
    }
    return Array.from(
      new Map<string, string>(
        res
          .map((label) => label.split('='))
          .filter(([, ...values]) => values.length > 0)
          .map(([key, ...values]) => [key!, values.join('=')] as [string, string]),
      ),
    )
      .sort((a, b) => compareKeys(a[0], b[0]))
      .map(([key, value]) => `${key}=${value}`);
  }
}

/**
 * metadata-action sorts labels with `localeCompare`, whose first call loads ICU's collator (10-20 ms
 * of cold start). For keys made of [a-z0-9.] only (every org.opencontainers.image.* key) the order
 * of the root and English collations is the code-point order, so the collator is skipped for them;
 * any other key, or another collation locale, goes through localeCompare as upstream.
 */
const PLAIN_KEY = /^[a-z0-9.]*$/;

function rootCollation(env: Record<string, string | undefined> = process.env): boolean {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale === '' || /^(?:C|POSIX|en)(?:[_.@-]|$)/i.test(locale);
}

export function compareKeys(a: string, b: string, env?: Record<string, string | undefined>): number {
  if (PLAIN_KEY.test(a) && PLAIN_KEY.test(b) && rootCollation(env)) return a < b ? -1 : a > b ? 1 : 0;
  return a.localeCompare(b);
}

export interface ComputeMetaOverrides {
  /** Seed naming mode: the version to put in the version label instead of the computed one. */
  labelVersion?: string;
  /**
   * Seed naming with a version and no `tags`: the version is the tag, so the default rules would
   * be evaluated for nothing (and listed in the explain report as if they mattered). Skip them.
   */
  skipRules?: boolean;
}

/** Computes everything metadata-action computes for these inputs and this event. */
export function computeMeta(inputs: MetaInputs, ctx: EventContext, options: MetaOptions, overrides: ComputeMetaOverrides = {}): Meta {
  const images = parseImages(inputs.images);
  const flavor = parseFlavor(inputs.flavor);
  const flavorOrigin = (attr: string, v: string) => ({ input: 'flavor', text: `${attr}=${v}` });
  checkTemplate(flavor.prefix, GLOBAL_EXPRESSIONS, flavorOrigin('prefix', flavor.prefix), 'prefix');
  checkTemplate(flavor.suffix, GLOBAL_EXPRESSIONS, flavorOrigin('suffix', flavor.suffix), 'suffix');
  const rules = overrides.skipRules ? [] : parseTagRules(inputs.tags);
  const repo = options.repo ?? repoInfoFromPayload(ctx.payload);
  const engine = new Engine(ctx, flavor, repo, options);
  engine.process(rules);
  return {
    version: engine.version,
    images,
    imageNames: enabledImageNames(images),
    flavor,
    rules: engine.reports,
    latest: engine.latestReport(),
    labels: engine.ociLabels(inputs.labels, 'labels', overrides.labelVersion),
    annotations: engine.ociLabels(inputs.annotations, 'annotations', overrides.labelVersion),
    warnings: engine.warnings,
    date: options.now,
  };
}

/** metadata-action's latest tag name for this flavor. */
export function latestTagName(flavor: Flavor): string {
  return sanitizeTag(`${flavor.prefixLatest ? flavor.prefix : ''}latest${flavor.suffixLatest ? flavor.suffix : ''}`);
}

/** The tag names (without image): main, partials, then latest (metadata-action's generateTags). */
export function tagNames(meta: Pick<Meta, 'version' | 'flavor'>): string[] {
  if (!meta.version.main) return [];
  const tags = [meta.version.main, ...meta.version.partial];
  if (meta.version.latest) tags.push(latestTagName(meta.flavor));
  return tags;
}

/** metadata-action's getTags(): every enabled image × every tag name (or bare names without images). */
export function metaTags(meta: Pick<Meta, 'version' | 'flavor' | 'imageNames'>, namesOnly = false): string[] {
  const names = tagNames(meta);
  if (namesOnly || meta.imageNames.length === 0) return names;
  return meta.imageNames.flatMap((image) => names.map((tag) => `${image}:${tag}`));
}

/** A repository fact as one label value: line breaks and other control characters become spaces. */
export function oneLine(value: string | null | undefined): string {
  return (value || '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** `key=value` lines to an object, as metadata-action builds the JSON/bake labels. */
export function labelsObject(labels: string[]): Record<string, string> {
  const res: Record<string, string> = {};
  for (const label of labels) {
    const m = /([^=]*)=(.*)/.exec(label);
    if (m) res[m[1]!] = m[2]!;
  }
  return res;
}

/** Annotations prefixed by each level (`manifest:org.opencontainers...`). */
export function leveledAnnotations(annotations: string[], levels: string[]): string[] {
  return levels.flatMap((level) => annotations.map((a) => `${level}:${a}`));
}

/** Parses DOCKER_METADATA_ANNOTATIONS_LEVELS (default `manifest`). */
export function annotationLevels(value: string | undefined): string[] {
  return (value || 'manifest')
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
