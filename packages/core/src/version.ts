/**
 * Release version resolution: from a git ref to the version, its channel and the environment it
 * deploys to. Pure logic (no I/O, no environment variables) shared by parse-version and image-tags.
 *
 * Tags follow the deployment guide's strategy (`vX.Y.Z-alpha.N`, `vX.Y.Z-beta.N` → development,
 * `vX.Y.Z-rc.N` → staging, `vX.Y.Z` → production); the channel → environment rules are data so
 * teams can change them. Branch and pull-request refs get a Docker-tag-safe `<slug>-<sha7>`.
 *
 * Versions are read by node-semver (`semver`, the reader image-tags' rules use too), with SemVer
 * 2.0's strictness checked around it (readSemver). Loading it costs ~6 ms of cold start (measured:
 * a dynamic import of semver/classes/semver.js in an ncc bundle, 5.7–6.1 ms on an idle core); only
 * the bundles that resolve releases (parse-version, image-tags) load it, since the core package
 * declares `sideEffects: false` and the others drop this module.
 */

import SemVer from 'semver/classes/semver.js';
import { ActionError, InputError } from './errors.js';
import { globToRegExp } from './glob.js';

/** The deployment guide's rules, in the `environments` input's multiline `channel=environment` form. */
export const DEFAULT_ENVIRONMENT_RULES = 'alpha=development\nbeta=development\nrc=staging\nrelease=production';

export type RefType = 'tag' | 'branch' | 'pr';

/** `alpha` | `beta` | `rc` | `release` | `branch` | `pr` | a custom prerelease channel | `''` (unknown). */
export type Channel = string;

/**
 * Channel → environment. `release` is the channel of a version without a prerelease part.
 * `fallback` (the `*` key) applies to any prerelease channel without a rule of its own; it never
 * applies to `release`.
 */
export interface EnvironmentRules {
  byChannel: Map<string, string>;
  fallback?: string;
}

/**
 * Branch → environment. `pattern` is an exact branch name or a glob where `*` matches within one
 * path segment and `**` across segments (GitHub's branch-filter semantics: `release/*`, `**`).
 * The pattern `pull-request` is special: it maps pull-request refs, and only those.
 */
export interface BranchRule {
  pattern: string;
  environment: string;
}

export interface ReleaseInfo {
  /** The full ref (`refs/tags/v1.2.3`; a bare tag name is normalised to `refs/tags/<name>`). */
  ref: string;
  refType: RefType;
  /** The short ref name, as GITHUB_REF_NAME gives it (`v1.2.3`, `main`, `42/merge`). */
  refName: string;
  /** The tag name, `''` unless refType is `tag`. */
  tag: string;
  /** Tag minus prefix (full SemVer incl. prerelease and +build), or `<slug>-<sha7>` for branch/pr. */
  version: string;
  major: string;
  minor: string;
  patch: string;
  prerelease: string;
  build: string;
  channel: Channel;
  channelNumber: string;
  /** `''` when no rule maps the ref (strict=false, or a branch/pr without a rule). */
  environment: string;
  isPrerelease: boolean;
  isProduction: boolean;
  shortSha: string;
}

export interface ResolveOptions {
  /** `refs/tags/X`, `refs/heads/X`, `refs/pull/N/merge|head`, or a bare tag name. */
  ref: string;
  sha: string;
  /** Prefix in front of the SemVer part of a tag (`v`, `orders/v`, or `''`). */
  tagPrefix: string;
  rules: EnvironmentRules;
  branchRules: BranchRule[];
  /** Fail (rather than return an empty environment) on a tag that is not a release or matches no rule. */
  strict: boolean;
  /**
   * The pull request number from the event payload (pull_request / pull_request_target events).
   * When given, a `refs/heads/...` ref is treated as that pull request: pull_request_target runs
   * on the base branch's ref, and it must never be mistaken for a push to that branch. A
   * `refs/pull/N/...` ref keeps its own N; tag refs ignore it.
   */
  prNumber?: number;
}

const CHANNEL_NAME = /^[a-z0-9-]+$/;
const MAX_ENVIRONMENT_LENGTH = 255;
const MAX_DOCKER_TAG = 128;
const MAX_SUFFIX = 100;
const PULL_REQUEST_RULE = 'pull-request';
const SUPPORTED_REFS =
  'refs/tags/<tag>, refs/heads/<branch>, refs/pull/<number>/merge, refs/pull/<number>/head, or a bare tag name such as v1.2.3';

// ---------------------------------------------------------------------------------------------
// Rule parsing
// ---------------------------------------------------------------------------------------------

function checkEnvironment(inputName: string, key: string, value: string, expected: string): string {
  const environment = value.trim();
  if (environment === '') {
    throw new InputError(inputName, `"${key}" has an empty environment`, expected, `${key}=${value}`);
  }
  if (environment.length > MAX_ENVIRONMENT_LENGTH) {
    throw new InputError(
      inputName,
      `the environment for "${key}" is longer than ${MAX_ENVIRONMENT_LENGTH} characters`,
      expected,
      `${key}=${environment}`,
    );
  }
  if (/[\u0000-\u001f\u007f]/.test(environment)) {
    throw new InputError(inputName, `the environment for "${key}" contains control characters`, expected, `${key}=${environment}`);
  }
  return environment;
}

/**
 * Validates the `environments` map (`channel=environment`). Channel names are matched
 * case-insensitively (stored lowercased) and must be `[a-z0-9-]+`, or `*` for the fallback of
 * any prerelease channel.
 */
export function parseEnvironmentRules(map: Record<string, string>, inputName = 'environments'): EnvironmentRules {
  const expected =
    'one "channel=environment" per line, channel of a-z, 0-9 and "-" (release for a plain vX.Y.Z, * for any prerelease), e.g. rc=staging';
  const byChannel = new Map<string, string>();
  let fallback: string | undefined;
  const entries = Object.entries(map);
  if (entries.length === 0) {
    throw new InputError(inputName, 'no rules were given', expected, '', {
      check: `Remove the input to use the defaults (${DEFAULT_ENVIRONMENT_RULES.replaceAll('\n', ', ')})`,
    });
  }
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of entries) {
    const key = rawKey.trim().toLowerCase();
    const shown = `${rawKey}=${String(rawValue)}`;
    if (key === '') throw new InputError(inputName, 'a rule has an empty channel', expected, shown);
    if (key !== '*' && !CHANNEL_NAME.test(key)) {
      throw new InputError(inputName, `"${rawKey.trim()}" is not a valid channel name`, expected, shown);
    }
    if (seen.has(key)) throw new InputError(inputName, `channel "${key}" is given more than once`, expected, shown);
    seen.add(key);
    if (typeof rawValue !== 'string') {
      throw new InputError(inputName, `the environment for "${key}" is not a string`, expected, shown);
    }
    const environment = checkEnvironment(inputName, key, rawValue, expected);
    if (key === '*') fallback = environment;
    else byChannel.set(key, environment);
  }
  return fallback === undefined ? { byChannel } : { byChannel, fallback };
}

/**
 * Validates the `branch-environments` map (`pattern=environment`), keeping its order (the first
 * matching rule wins). A leading `refs/heads/` on a pattern is dropped. An empty map is no rules.
 */
export function parseBranchRules(map: Record<string, string>, inputName = 'branch-environments'): BranchRule[] {
  const expected =
    'one "branch=environment" per line, the branch an exact name or a glob with * (one path segment) or ** (any depth), or pull-request for pull requests, e.g. main=staging';
  const rules: BranchRule[] = [];
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of Object.entries(map)) {
    const shown = `${rawKey}=${String(rawValue)}`;
    let pattern = rawKey.trim();
    if (pattern.startsWith('refs/heads/')) pattern = pattern.slice('refs/heads/'.length);
    if (pattern === '') throw new InputError(inputName, 'a rule has an empty branch pattern', expected, shown);
    if (/[\s\u0000-\u001f\u007f~^:?[\\]/.test(pattern)) {
      throw new InputError(
        inputName,
        `"${pattern}" is not a valid branch pattern (no spaces or ~ ^ : ? [ \\; only * and ** wildcards)`,
        expected,
        shown,
      );
    }
    if (seen.has(pattern)) throw new InputError(inputName, `branch pattern "${pattern}" is given more than once`, expected, shown);
    seen.add(pattern);
    if (typeof rawValue !== 'string') {
      throw new InputError(inputName, `the environment for "${pattern}" is not a string`, expected, shown);
    }
    rules.push({ pattern, environment: checkEnvironment(inputName, pattern, rawValue, expected) });
  }
  return rules;
}

// Branch patterns allow only `*` and `**` (parseBranchRules refuses `?` and `[`); `{` is a literal
// character of a branch name, and `**` is GitHub's "any characters" (no optional directory).
const BRANCH_GLOB = { braces: false, optionalGlobstarDirectory: false } as const;

function matchBranch(branch: string, rules: BranchRule[]): BranchRule | undefined {
  return rules.find((rule) => rule.pattern !== PULL_REQUEST_RULE && globToRegExp(rule.pattern, BRANCH_GLOB).test(branch));
}

// ---------------------------------------------------------------------------------------------
// Docker-safe slug
// ---------------------------------------------------------------------------------------------

function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/-{2,}/g, '-');
}

function trimEdges(text: string): string {
  return text.replace(/^[.-]+/, '').replace(/[.-]+$/, '');
}

/**
 * A Docker-tag-safe `<slug>-<suffix>` (just `<slug>` when the suffix is empty) for a branch or
 * pull-request name: lowercased, characters outside `[a-z0-9._-]` replaced by `-`, runs of `-`
 * collapsed, leading and trailing `.`/`-` trimmed, and the slug shortened so the whole fits in 128
 * characters. The result always matches `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`; an empty slug becomes
 * `branch`. The suffix (a short SHA) gets the same character treatment.
 */
export function slugForTag(name: string, suffix: string): string {
  const tail = trimEdges(sanitize(suffix)).slice(0, MAX_SUFFIX);
  const room = MAX_DOCKER_TAG - (tail === '' ? 0 : tail.length + 1);
  let slug = trimEdges(trimEdges(sanitize(name)).slice(0, room));
  if (slug === '') slug = 'branch';
  return tail === '' ? slug : `${slug}-${tail}`;
}

// ---------------------------------------------------------------------------------------------
// Ref parsing
// ---------------------------------------------------------------------------------------------

interface ParsedRef {
  ref: string;
  refType: RefType;
  refName: string;
  prNumber?: number;
}

function unsupportedRef(ref: string): ActionError {
  return new ActionError(`Unsupported git ref "${ref}": expected ${SUPPORTED_REFS}.`, {
    why: 'Only tags (releases), branches and pull requests have a version.',
    check: ['Run this step on a tag push, a branch push or a pull request', 'or set the `ref` input to one of the forms above'],
  });
}

function parseRef(rawRef: string): ParsedRef {
  const ref = rawRef.trim();
  if (ref === '') {
    throw new ActionError('No git ref was given, so there is no version to parse.', {
      why: 'The `ref` input is empty and GITHUB_REF is not set for this event.',
      check: ['Run this step on a push or tag event (GITHUB_REF is set then)', 'or set the `ref` input, e.g. `ref: refs/tags/v1.2.3`'],
    });
  }
  if (!ref.startsWith('refs/')) return { ref: `refs/tags/${ref}`, refType: 'tag', refName: ref };
  if (ref.startsWith('refs/tags/')) {
    const name = ref.slice('refs/tags/'.length);
    if (name === '') throw unsupportedRef(ref);
    return { ref, refType: 'tag', refName: name };
  }
  if (ref.startsWith('refs/heads/')) {
    const name = ref.slice('refs/heads/'.length);
    if (name === '') throw unsupportedRef(ref);
    return { ref, refType: 'branch', refName: name };
  }
  const pull = /^refs\/pull\/([1-9][0-9]*)\/(merge|head)$/.exec(ref);
  if (pull && Number.isSafeInteger(Number(pull[1]))) {
    return { ref, refType: 'pr', refName: `${pull[1]}/${pull[2]}`, prNumber: Number(pull[1]) };
  }
  throw unsupportedRef(ref);
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

/** The example tags the rules accept, e.g. `v1.2.3-alpha.1, v1.2.3-rc.1, v1.2.3`. */
function expectedForms(prefix: string, rules: EnvironmentRules): string[] {
  const forms: string[] = [];
  for (const channel of rules.byChannel.keys()) {
    forms.push(channel === 'release' ? `${prefix}1.2.3` : `${prefix}1.2.3-${channel}.1`);
  }
  if (rules.fallback !== undefined) forms.push(`${prefix}1.2.3-<channel>.1`);
  return forms;
}

function ruleLines(rules: EnvironmentRules): string[] {
  const lines = [...rules.byChannel].map(([channel, environment]) => `${channel}=${environment}`);
  if (rules.fallback !== undefined) lines.push(`*=${rules.fallback}`);
  return lines;
}

/** The "what is accepted" part of a tag error: expected forms and the rules, one per line. */
function formsAndRules(prefix: string, rules: EnvironmentRules): string {
  const forms = expectedForms(prefix, rules);
  const lines = ruleLines(rules);
  return [
    `Expected forms (tag-prefix "${prefix}"): ${forms.length > 0 ? forms.join(', ') : '(none: no rules)'}`,
    'Rules (input "environments"):',
    ...lines.map((line) => `  ${line}`),
  ].join('\n');
}

export interface SemverParts {
  major: number;
  minor: number;
  patch: number;
  /** Numeric identifiers as numbers, as the `semver` package gives them. */
  prerelease: Array<string | number>;
  build: string[];
}

/** node-semver's limit on a version's length. */
const MAX_SEMVER_LENGTH = 256;
const CORE_NAMES = ['MAJOR', 'MINOR', 'PATCH'] as const;
const SAFE_LIMIT = `${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), the largest number versions can be compared by exactly`;

type SemverReading = { parts: SemverParts } | { limit: string } | { invalid: true };

/**
 * A version read by node-semver (the `semver` package, strict: not `loose`), with the strictness
 * SemVer 2.0 asks for checked around it: node-semver's strict reading still accepts a leading `v`
 * and surrounding spaces, and keeps a numeric prerelease identifier beyond Number.MAX_SAFE_INTEGER
 * as text where it refuses such a MAJOR, MINOR or PATCH. Here those are not SemVer (the `v`,
 * spaces) or valid SemVer that cannot be used (numbers too large to compare exactly, more than
 * 256 characters), each with its reason.
 */
function readSemver(text: string): SemverReading {
  if (!/^[0-9]/.test(text) || text.trim() !== text) return { invalid: true };
  // node-semver refuses a longer version before reading it, so its form is not known here.
  if (text.length > MAX_SEMVER_LENGTH)
    return { limit: `it is ${text.length} characters long, more than the ${MAX_SEMVER_LENGTH} a version may have` };
  let version: SemVer;
  try {
    version = new SemVer(text);
  } catch (error) {
    // After its grammar matched, node-semver refuses a MAJOR, MINOR or PATCH beyond MAX_SAFE_INTEGER.
    const part = /^Invalid (major|minor|patch) version$/.exec((error as Error).message)?.[1];
    if (part === undefined) return { invalid: true };
    const index = ['major', 'minor', 'patch'].indexOf(part);
    return { limit: `its ${CORE_NAMES[index]} ${text.split(/[-+]/, 1)[0]!.split('.')[index]} is larger than ${SAFE_LIMIT}` };
  }
  // node-semver makes numbers of numeric identifiers below MAX_SAFE_INTEGER; MAX_SAFE_INTEGER itself is exact too.
  const numeric = (id: string | number): id is string => typeof id === 'string' && /^[0-9]+$/.test(id);
  const tooBig = version.prerelease.find((id) => numeric(id) && !Number.isSafeInteger(Number(id)));
  if (tooBig !== undefined) return { limit: `its numeric prerelease identifier ${tooBig} is larger than ${SAFE_LIMIT}` };
  const prerelease = version.prerelease.map((id) => (numeric(id) ? Number(id) : id));
  return { parts: { major: version.major, minor: version.minor, patch: version.patch, prerelease, build: [...version.build] } };
}

/** Strict SemVer 2.0 (node-semver, checked as {@link readSemver} says), or null; numbers beyond Number.MAX_SAFE_INTEGER are refused. */
export function parseSemver(text: string): SemverParts | null {
  const reading = readSemver(text);
  return 'parts' in reading ? reading.parts : null;
}

/**
 * Why a version that is valid SemVer 2.0 is still refused, or undefined when it is not refused (or
 * not SemVer at all): a number beyond Number.MAX_SAFE_INTEGER, which cannot be compared exactly
 * (node-semver refuses it too), or more than 256 characters.
 */
export function semverLimitProblem(text: string): string | undefined {
  const reading = readSemver(text);
  return 'limit' in reading ? reading.limit : undefined;
}

/** A short reason why `text` is not SemVer 2.0, for the error message. */
function semverProblem(text: string): string {
  if (text === '') return 'there is no version after the prefix';
  const core = text.split(/[-+]/, 1)[0]!;
  const parts = core.split('.');
  if (!/^[0-9]/.test(text)) return 'it must start with a digit (MAJOR.MINOR.PATCH)';
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    return `it has ${parts.length} numeric part${parts.length === 1 ? '' : 's'} where SemVer needs exactly three (MAJOR.MINOR.PATCH)`;
  }
  if (parts.some((p) => !/^[0-9]+$/.test(p))) return 'MAJOR.MINOR.PATCH must be numbers';
  if (parts.some((p) => /^0[0-9]/.test(p))) return 'numbers must not have leading zeros';
  const pre = /^[^-+]*-([^+]*)/.exec(text)?.[1];
  if (pre !== undefined && pre.split('.').some((id) => /^0[0-9]+$/.test(id))) {
    return 'numeric prerelease identifiers must not have leading zeros';
  }
  return 'it is not MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with identifiers of [0-9A-Za-z-]';
}

interface Channelled {
  channel: Channel;
  channelNumber: string;
}

/**
 * The channel of a prerelease: its first identifier lowercased (`rc.10` → rc / 10, `alpha` →
 * alpha / ''). An identifier with a rule of its own is taken whole (`preview2=...`); otherwise
 * trailing digits are the number (`rc1`, `rc-1` → rc / 1). A first identifier that is not a name
 * (`1.2.3-1`, `2fa`) or that is `release` (reserved for plain versions, so a prerelease can never
 * pick up the production rule) gives the unknown channel ''.
 */
function channelOf(prerelease: ReadonlyArray<string | number>, rules: EnvironmentRules): Channelled {
  if (prerelease.length === 0) return { channel: 'release', channelNumber: '' };
  const first = String(prerelease[0]).toLowerCase();
  const second = prerelease[1];
  const next = second !== undefined && /^[0-9]+$/.test(String(second)) ? String(second) : '';
  let result: Channelled;
  if (rules.byChannel.has(first) || /^[a-z][a-z-]*$/.test(first)) {
    result = { channel: first, channelNumber: next };
  } else {
    const m = /^([a-z][a-z-]*?)-?([0-9]+)$/.exec(first);
    result = m ? { channel: m[1]!, channelNumber: m[2]! } : { channel: '', channelNumber: '' };
  }
  return result.channel === 'release' ? { channel: '', channelNumber: '' } : result;
}

/**
 * Strips `prefix` from `tag`. Letters compare case-insensitively, so `V1.2.3` matches the prefix
 * `v` (and `Orders/V1.2.3` matches `orders/v`): people type both, and git tags are case-sensitive
 * only by accident of the file system. Returns undefined when the tag lacks the prefix.
 */
function stripPrefix(tag: string, prefix: string): string | undefined {
  if (tag.length < prefix.length) return undefined;
  return tag.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? tag.slice(prefix.length) : undefined;
}

const EMPTY_SEMVER = { major: '', minor: '', patch: '', prerelease: '', build: '' };

function resolveTag(parsed: ParsedRef, options: ResolveOptions, shortSha: string): ReleaseInfo {
  const { tagPrefix: prefix, rules, strict } = options;
  const tag = parsed.refName;
  const base = { ref: parsed.ref, refType: 'tag' as const, refName: tag, tag, shortSha };
  const rest = stripPrefix(tag, prefix);
  const parsedVersion = rest === undefined ? null : parseSemver(rest);
  const valid = parsedVersion !== null;

  if (!valid || parsedVersion === null || rest === undefined) {
    if (strict) {
      const shownPrefix = prefix === '' ? 'no prefix' : `the prefix "${prefix}"`;
      // Valid SemVer that cannot be used (a number too large to compare) says so, not "not SemVer".
      const limit = rest === undefined ? undefined : semverLimitProblem(rest);
      const reason =
        rest === undefined
          ? `it does not start with the tag prefix "${prefix}"`
          : limit !== undefined
            ? `after ${shownPrefix}, "${rest}" is SemVer 2.0 but cannot be used: ${limit}`
            : `after ${shownPrefix}, "${rest}" is not a SemVer 2.0 version: ${semverProblem(rest)}`;
      throw new ActionError(`Tag "${tag}" is not a release version: ${reason}.\n${formsAndRules(prefix, rules)}`, {
        why: 'Release tags are <tag-prefix>MAJOR.MINOR.PATCH with an optional -<channel>.N prerelease and +build metadata.',
        check: [
          rest === undefined
            ? 'Set the `tag-prefix` input to the prefix your tags use (e.g. `orders/v`, or empty for 1.2.3)'
            : limit !== undefined
              ? `Tag the release with numbers up to ${Number.MAX_SAFE_INTEGER}, e.g. \`git tag ${prefix}1.2.3-rc.1\``
              : 'Tag the release with a valid version, e.g. `git tag ' + prefix + '1.2.3-rc.1`',
          'or set `strict: false` to continue with an empty environment',
        ],
      });
    }
    return {
      ...base,
      version: rest ?? tag,
      ...EMPTY_SEMVER,
      channel: '',
      channelNumber: '',
      environment: '',
      isPrerelease: false,
      isProduction: false,
    };
  }

  const { channel, channelNumber } = channelOf(parsedVersion.prerelease, rules);
  const isPrerelease = parsedVersion.prerelease.length > 0;
  let environment = rules.byChannel.get(channel) ?? (isPrerelease ? rules.fallback : undefined);
  if (environment === undefined) {
    if (strict) {
      const shownChannel = channel === '' ? `prerelease "${parsedVersion.prerelease.join('.')}"` : `channel "${channel}"`;
      throw new ActionError(
        `Tag "${tag}" matches no environment rule: its ${shownChannel} has no rule${isPrerelease ? ' and there is no "*" fallback' : ''}.\n${formsAndRules(prefix, rules)}`,
        {
          why:
            String(parsedVersion.prerelease[0] ?? '').toLowerCase() === 'release'
              ? '"release" names plain versions without a prerelease; a prerelease tag never uses that rule.'
              : 'The environment comes from the rule for the tag\'s channel (the first prerelease identifier, or "release" for a plain version).',
          check: [
            'Tag the release in one of the expected forms',
            channel === '' || !isPrerelease
              ? 'or add a rule for it to the `environments` input'
              : `or add a rule such as \`${channel}=development\` (or \`*=development\` for any prerelease) to the \`environments\` input`,
            'or set `strict: false` to continue with an empty environment',
          ],
        },
      );
    }
    environment = '';
  }
  return {
    ...base,
    version: rest,
    major: String(parsedVersion.major),
    minor: String(parsedVersion.minor),
    patch: String(parsedVersion.patch),
    prerelease: parsedVersion.prerelease.join('.'),
    build: parsedVersion.build.join('.'),
    channel,
    channelNumber,
    environment,
    isPrerelease,
    isProduction: isProductionEnvironment(environment, rules),
  };
}

/** GitHub environment names are case-insensitive, so the comparison is too. */
function sameEnvironment(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isProductionEnvironment(environment: string, rules: EnvironmentRules): boolean {
  const production = rules.byChannel.get('release');
  return environment !== '' && production !== undefined && sameEnvironment(environment, production);
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/** Resolves a git ref to its version, channel and environment. Throws ActionError on a bad ref. */
export function resolveRelease(options: ResolveOptions): ReleaseInfo {
  const shortSha = options.sha.trim().slice(0, 7);
  let parsed = parseRef(options.ref);
  if (options.prNumber !== undefined) {
    if (!Number.isSafeInteger(options.prNumber) || options.prNumber <= 0) {
      throw new ActionError(`Invalid pull request number ${String(options.prNumber)}: expected a positive integer.`, {
        check: 'Check the event payload of this run (pull_request.number)',
      });
    }
    if (parsed.refType === 'branch') parsed = { ...parsed, refType: 'pr', prNumber: options.prNumber };
  }
  if (parsed.refType === 'tag') return resolveTag(parsed, options, shortSha);

  const base = {
    ref: parsed.ref,
    refType: parsed.refType,
    refName: parsed.refName,
    tag: '',
    ...EMPTY_SEMVER,
    channelNumber: '',
    isPrerelease: false,
    shortSha,
  };
  if (parsed.refType === 'branch') {
    const environment = matchBranch(parsed.refName, options.branchRules)?.environment ?? '';
    return {
      ...base,
      version: slugForTag(parsed.refName, shortSha),
      channel: 'branch',
      environment,
      isProduction: isProductionEnvironment(environment, options.rules),
    };
  }

  const number = parsed.prNumber!;
  const environment = options.branchRules.find((rule) => rule.pattern === PULL_REQUEST_RULE)?.environment ?? '';
  const production = options.rules.byChannel.get('release');
  if (environment !== '' && production !== undefined && sameEnvironment(environment, production)) {
    throw new ActionError(
      `Pull request #${number} maps to "${environment}", the production environment: pull requests never deploy to production.`,
      {
        why: `The \`branch-environments\` rule "${PULL_REQUEST_RULE}=${environment}" names the environment of the release rule (release=${production}).`,
        check: `Map \`${PULL_REQUEST_RULE}\` to a preview or development environment in the \`branch-environments\` input, or remove that rule`,
      },
    );
  }
  return {
    ...base,
    version: slugForTag(`pr-${number}`, shortSha),
    channel: 'pr',
    environment,
    isProduction: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Release tags in order (github-release: the notes' starting point, and which release is the latest)
// ---------------------------------------------------------------------------------------------

function releaseVersionOf(tag: string, prefix: string): SemVer | undefined {
  const rest = stripPrefix(tag, prefix);
  if (rest === undefined || parseSemver(rest) === null) return undefined;
  return new SemVer(rest);
}

/**
 * The release before `tag`: among `tags`, the highest `<prefix>X.Y.Z` without a prerelease part
 * whose version is lower than `tag`'s by SemVer precedence (so `v1.3.0`'s and `v1.3.0-rc.2`'s are
 * both the newest `v1.2.x`, and a backport `v1.2.5` after `v1.3.0` gets `v1.2.4`). Other tags, and
 * tags that are not SemVer after the prefix, are ignored. Undefined when there is none (the first
 * release) or `tag` itself is not a version.
 */
export function previousReleaseTag(tags: readonly string[], tag: string, prefix: string): string | undefined {
  const current = releaseVersionOf(tag, prefix);
  if (current === undefined) return undefined;
  let best: { tag: string; version: SemVer } | undefined;
  for (const candidate of tags) {
    const version = releaseVersionOf(candidate, prefix);
    if (version === undefined || version.prerelease.length > 0 || version.compare(current) >= 0) continue;
    if (best === undefined || version.compare(best.version) > 0) best = { tag: candidate, version };
  }
  return best?.tag;
}

/**
 * Whether `tag` is a release (no prerelease part) at least as high as every other release tag in
 * `tags` by SemVer precedence: a GitHub Release for it should be the repository's "latest", and one
 * for a backport (`v1.2.5` after `v1.3.0`) should not.
 */
export function isNewestReleaseTag(tags: readonly string[], tag: string, prefix: string): boolean {
  const current = releaseVersionOf(tag, prefix);
  if (current === undefined || current.prerelease.length > 0) return false;
  return tags.every((candidate) => {
    const version = releaseVersionOf(candidate, prefix);
    return version === undefined || version.prerelease.length > 0 || version.compare(current) <= 0;
  });
}
