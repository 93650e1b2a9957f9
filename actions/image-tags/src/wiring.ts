/**
 * What main.ts does between reading the inputs and writing the outputs, as pure functions: the
 * engine's inputs from the action's inputs, the default tag and release info from the ref, the
 * repository facts from the API's answer, the outputs with the bake-file paths, the warnings
 * metadata-action prints, and the step summary with the explain table.
 */
import {
  type BranchRule,
  type EnvironmentRules,
  type ReleaseInfo,
  type StepSummary,
  errorMessage,
  markdownTable,
  classifyRef,
  releaseTagOf,
  resolveRelease,
} from '@deploy-kit/core';

import type { RepoInfo } from './context.js';
import type { BakeFile, ExplainReport, ImageTagsInputs, ImageTagsResult } from './engine.js';
import { parseListInput } from './list.js';
import type { OptionalModule } from './optional.js';

/** The action's input values main.ts hands to the engine (camelCase, as readInputs returns them). */
export interface WiringValues {
  services: string[];
  kind: string;
  registry: string;
  tag: string;
  pin: string;
  pinInTags: boolean;
  images: string;
  tags: string;
  flavor: string;
  labels: string;
  annotations: string;
  bakeTarget: string;
}

/** The separators exactly as given (metadata-action reads them untrimmed; empty means newline). */
export interface Separators {
  tags: string;
  labels: string;
  annotations: string;
}

/**
 * The engine's inputs. `discovered` are the names `services-from` found; `defaultTag` (this run's
 * tag) is used in seed naming mode when the `tag` input is empty.
 */
export function engineInputs(values: WiringValues, seps: Separators, discovered: string[], defaultTag: string): ImageTagsInputs {
  const services = mergeServices(values.services, discovered);
  const seed = services.length > 0;
  return {
    images: parseListInput(values.images, 'images'),
    tags: parseListInput(values.tags, 'tags'),
    flavor: parseListInput(values.flavor, 'flavor'),
    labels: parseListInput(values.labels, 'labels'),
    annotations: parseListInput(values.annotations, 'annotations'),
    sepTags: seps.tags,
    sepLabels: seps.labels,
    sepAnnotations: seps.annotations,
    bakeTarget: values.bakeTarget,
    services,
    kind: values.kind,
    registry: values.registry,
    // The default only applies to seed naming (the engine warns about a tag without services).
    tag: values.tag || (seed ? defaultTag : ''),
    pin: values.pin,
    pinInTags: values.pinInTags,
  };
}

/** The listed services, then the discovered ones not already listed (first occurrence wins). */
export function mergeServices(listed: readonly string[], discovered: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of [...listed, ...discovered]) {
    const trimmed = name.trim();
    if (trimmed !== '' && !out.includes(trimmed)) out.push(trimmed);
  }
  return out;
}

export interface ReleaseDefaults {
  /** parse-version's view of the ref; undefined when the ref has no version (an odd ref). */
  release?: ReleaseInfo;
  /** The default `tag`: this run's release tag (core's releaseTagOf: the tag name for a tag ref, '' otherwise). */
  tag: string;
  /** Why there is no release info, for the debug log. */
  note?: string;
}

/**
 * parse-version's rules applied to the ref, leniently (strict: false): a tag that is not a release
 * version still gives its name as the version, and a ref with no version at all is not an error
 * here (metadata-action works on any ref).
 */
export function releaseDefaults(
  ref: string,
  sha: string,
  rules: { tagPrefix: string; environments: EnvironmentRules; branches: BranchRule[] },
): ReleaseDefaults {
  try {
    const release = resolveRelease({
      ref,
      sha,
      tagPrefix: rules.tagPrefix,
      rules: rules.environments,
      branchRules: rules.branches,
      strict: false,
    });
    return { release, tag: releaseTagOf(classifyRef(ref)) };
  } catch (error) {
    return { tag: '', note: `no release info for ref "${ref}": ${errorMessage(error).split('\n')[0]}` };
  }
}

function str(value: unknown): string | null | undefined {
  return typeof value === 'string' ? value : value === null ? null : undefined;
}

/** The repository facts the labels need, from `GET /repos/{owner}/{repo}`'s answer. */
export function repoInfoFromApi(data: unknown): RepoInfo {
  if (data === null || typeof data !== 'object') return {};
  const r = data as Record<string, unknown>;
  const license = r.license;
  return {
    name: str(r.name),
    description: str(r.description),
    html_url: str(r.html_url),
    default_branch: str(r.default_branch),
    license: license !== null && typeof license === 'object' ? { spdx_id: str((license as Record<string, unknown>).spdx_id) } : null,
  };
}

/**
 * The optional modules this run will most likely need, to load them up front (a module missed here
 * is still loaded on demand, at the price of computing twice): csv-parse for list inputs with
 * quotes or carriage returns, pep440 for `type=pep440`, `type=match`/`value=` rules, or a pushed
 * tag that holds no X.Y.Z, semver for version rules, `known-versions` and tags that are not known
 * prereleases, datefmt for `{{date}}`/`{{commit_date}}`/`tz=`.
 */
export function optionalModulesFor(
  values: Pick<WiringValues, 'images' | 'tags' | 'flavor' | 'labels' | 'annotations'> & { knownVersions?: readonly string[] },
  ref: string,
  release?: Pick<ReleaseInfo, 'isPrerelease'>,
): OptionalModule[] {
  const modules: OptionalModule[] = [];
  if ([values.images, values.tags, values.flavor, values.labels, values.annotations].some((raw) => /["\r]/.test(raw)))
    modules.push('csv-parse');
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  if (/pep440|match|value=/.test(values.tags) || (tag !== undefined && !/\d+\.\d+\.\d+/.test(tag))) modules.push('pep440');
  if (
    /semver|pep440|match|value=/.test(values.tags) ||
    (values.knownVersions ?? []).length > 0 ||
    (tag !== undefined && !release?.isPrerelease)
  )
    modules.push('semver');
  if ([values.tags, values.flavor, values.labels, values.annotations].some((raw) => /date|tz=/.test(raw))) modules.push('datefmt');
  return modules;
}

/** Whether any input holds a template (only then is Handlebars loaded). */
export function usesTemplates(...raws: string[]): boolean {
  return raws.some((raw) => raw.includes('{{'));
}

/** Whether any input uses `{{commit_date}}` (only then is the commit date worth an API call). */
export function usesCommitDate(...raws: string[]): boolean {
  return raws.some((raw) => /commit_date/.test(raw));
}

/** The engine's outputs with the `bake-file-*` outputs set to the files main.ts wrote. */
export function outputsWithBakePaths(
  result: Pick<ImageTagsResult, 'outputs'>,
  paths: ReadonlyMap<BakeFile['output'], string>,
): Record<string, string> {
  const outputs = { ...result.outputs };
  for (const [name, path] of paths) outputs[name] = path;
  return outputs;
}

/** The warnings metadata-action prints when nothing was generated, plus the engine's own. */
export function resultWarnings(result: Pick<ImageTagsResult, 'version' | 'tags' | 'warnings'>): string[] {
  const warnings: string[] = [];
  if (result.version === '') warnings.push('No Docker image version has been generated. Check tags input.');
  if (result.tags.length === 0) warnings.push('No Docker tag has been generated. Check tags input.');
  return [...warnings, ...result.warnings];
}

export const EXPLAIN_HEADER = ['rule', 'fired?', 'tags', 'why not'] as const;

/**
 * Whether the tag rules gave the tags: always in metadata-action mode; in seed naming only when
 * `tags` is given or there is no version (then metadata-action's default rules apply).
 */
export function rulesApply(result: Pick<ImageTagsResult, 'mode'>, inputs: Pick<ImageTagsInputs, 'tags' | 'tag'>): boolean {
  return result.mode === 'metadata' || (inputs.tags ?? []).length > 0 || (inputs.tag ?? '').trim() === '';
}

/**
 * The explain report as table rows: one per tag rule (with its line in the `tags` input), then the
 * `latest` decision and the pin. When the rules do not apply (seed naming with a version and no
 * `tags`), one row says where the tag came from instead.
 */
export function explainRows(report: ExplainReport, options: { rulesApply: boolean; version: string }): string[][] {
  const rows: string[][] = [];
  if (options.rulesApply) {
    for (const r of report.rules) {
      rows.push([
        `${r.rule}${r.line !== undefined ? ` (line ${r.line})` : ' (default)'}`,
        r.fired ? 'yes' : 'no',
        r.tags.join(', '),
        r.fired ? (r.reason ?? '') : (r.reason ?? 'produced nothing'),
      ]);
    }
    rows.push(['latest', report.latest.emitted ? 'yes' : 'no', report.latest.emitted ? 'latest' : '', report.latest.reason]);
  } else {
    rows.push(['tag', 'yes', options.version, 'seed naming: the `tag` input (or the pushed tag) is the tag; add `tags` rules for more']);
  }
  rows.push([
    `pin (${report.pin.template})`,
    report.pin.tag ? 'yes' : 'no',
    report.pin.tag,
    report.pin.tag === ''
      ? 'no pin tag for this run'
      : report.pin.inTags
        ? ''
        : 'not added to tags (set pin-in-tags: true); see the pin output',
  ]);
  return rows;
}

export interface SummaryExtras {
  /** See rulesApply(). */
  rulesApply: boolean;
  /** Where the repository facts came from: `api`, or `payload` (with the reason). */
  repoSource: string;
  warnings: readonly string[];
}

/** The step summary: the images and their tags, then the explain table and the warnings. */
export function buildSummary(result: ImageTagsResult, extras: SummaryExtras): StepSummary {
  const code = (s: string) => (s === '' ? '' : `\`${s}\``);
  const rows =
    result.services.length > 0
      ? result.services.map((s) => [s.service, code(s.image), s.tags.map((t) => code(t.slice(s.image.length + 1))).join(' '), code(s.pin)])
      : [['', '', result.tagNames.map(code).join(' '), code(result.pin.tag)]];
  const sections = [
    `**Mode:** ${result.mode === 'seed' ? 'seed naming (`services`)' : 'docker/metadata-action (`images`/`tags`)'} · **version:** ${code(result.version) || '(none)'} · **repository facts:** ${extras.repoSource}`,
    `#### Tag rules (explain)\n\n${markdownTable([...EXPLAIN_HEADER], explainRows(result.explain, { rulesApply: extras.rulesApply, version: result.version }))}`,
  ];
  if (extras.warnings.length > 0) sections.push(`#### Warnings\n\n${extras.warnings.map((w) => `- ${w}`).join('\n')}`);
  return { title: 'image-tags', table: { header: ['service', 'image', 'tags', 'pin'], rows }, sections };
}
