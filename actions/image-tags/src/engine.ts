/**
 * The image-tags action's whole computation from plain values: metadata-action mode (the `tags`
 * DSL over `images`) or seed naming mode (`services` → `{registry}/{kind}{name}:{version}`),
 * always with a pin tag, plus every output value, the bake definitions and the explain report.
 * main.ts reads the inputs, fetches the repository info and commit date, calls
 * `computeImageTags`, writes `bakeFiles` to the runner's temp dir and sets `outputs`.
 */
import { classifyRef, releaseTagOf } from '@deploy-kit/core';
import type { ImageTagsService } from '@deploy-kit/core/oci/image-tags-json';

import { TagInputError } from './errors.js';
import type { EventContext } from './context.js';
import { parseToolkitBool } from './context.js';
import { normalizeList } from './list.js';
import {
  annotationLevels,
  computeMeta,
  labelsObject,
  leveledAnnotations,
  metaTags,
  shortSha,
  tagNames,
  DEFAULT_SHORT_SHA_LENGTH,
  type LatestReport,
  type Meta,
  type MetaInputs,
  type MetaOptions,
  type RuleReport,
} from './meta.js';
import { checkTag, DEFAULT_PIN_TEMPLATE, normalizeServiceName, parseRegistry, renderPin, repositoryFor, resolveKind } from './naming.js';

export const DEFAULT_BAKE_TARGET = 'docker-metadata-action';

/** docker/metadata-action's inputs (MetaInputs: lists already split, e.g. with parseListInput), then deploy-kit's. */
export interface ImageTagsInputs extends MetaInputs {
  /** Output separators; an empty value means "\n" (metadata-action reads them untrimmed). */
  sepTags?: string;
  sepLabels?: string;
  sepAnnotations?: string;
  bakeTarget?: string;
  // deploy-kit's inputs
  /** Service names: the `services` list plus what `discoverServices` found for `services-from`. */
  services?: string[];
  /** `ms` (default), `cli`, or a template containing `{name}`. */
  kind?: string;
  registry?: string;
  /** The release tag every service image gets in seed naming (parse-version's `tag` output). */
  tag?: string;
  /** Pin tag template (default `sha-{sha7}`). */
  pin?: string;
  /** Add the pin tag to `tags` in metadata-action mode (always added in seed mode). */
  pinInTags?: boolean;
}

/** The environment variables metadata-action reads (raw values). */
export interface MetadataEnv {
  DOCKER_METADATA_ANNOTATIONS_LEVELS?: string;
  DOCKER_METADATA_SHORT_SHA_LENGTH?: string;
  DOCKER_METADATA_PR_HEAD_SHA?: string;
  DOCKER_METADATA_SET_OUTPUT_ENV?: string;
}

export interface ImageTagsOptions extends Omit<MetaOptions, 'shortShaLength'> {
  env?: MetadataEnv;
}

/** One service of the `json` output: core's schema, which push-artifacts, migrate-job and the release steps read. */
export type ServiceImage = ImageTagsService;

export interface MatrixEntry {
  service: string;
  image: string;
  /** Full references, newline-separated (usable as build-push-action's `tags`). */
  tags: string;
  pin: string;
}

export interface BakeFile {
  /** Output name: bake-file-tags, bake-file-labels, bake-file-annotations or bake-file. */
  output: 'bake-file-tags' | 'bake-file-labels' | 'bake-file-annotations' | 'bake-file';
  /** metadata-action's file name, to be written in the runner's temp directory. */
  fileName: string;
  content: string;
}

export interface ExplainReport {
  mode: 'seed' | 'metadata';
  rules: RuleReport[];
  latest: LatestReport;
  pin: { tag: string; template: string; inTags: boolean };
  services: Array<{ input: string; name: string; image: string }>;
  warnings: string[];
}

export interface ImageTagsResult {
  mode: 'seed' | 'metadata';
  /** metadata-action's `version` output (seed mode: the `tag` input when given). */
  version: string;
  /** Full references (metadata-action's `tags` output, plus the pin where it applies). */
  tags: string[];
  tagNames: string[];
  labels: string[];
  /** Annotations with their level prefix (`manifest:...`). */
  annotations: string[];
  annotationLevels: string[];
  pin: { tag: string; refs: string[] };
  services: ServiceImage[];
  matrix: { include: MatrixEntry[] };
  json: Record<string, unknown>;
  bakeFiles: BakeFile[];
  /** Output name → value, ready for setOutput; bake-file-* outputs are the paths main.ts writes. */
  outputs: Record<string, string>;
  meta: Meta;
  explain: ExplainReport;
  warnings: string[];
}

/** DOCKER_METADATA_SHORT_SHA_LENGTH (metadata-action: any number; here a positive integer). */
export function parseShortShaLength(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SHORT_SHA_LENGTH;
  const n = Number(value);
  if (isNaN(n) || !Number.isInteger(n) || n < 1) {
    throw new TagInputError(
      'DOCKER_METADATA_SHORT_SHA_LENGTH',
      undefined,
      'not a valid number',
      'a positive integer such as 7 or 12',
      value,
    );
  }
  return n;
}

/** DOCKER_METADATA_PR_HEAD_SHA: metadata-action tests it with /true/i. */
export function prHeadShaEnabled(env: MetadataEnv): boolean {
  return /true/i.test(env.DOCKER_METADATA_PR_HEAD_SHA || '');
}

/** DOCKER_METADATA_SET_OUTPUT_ENV: default true. */
export function outputEnvEnabled(env: MetadataEnv): boolean {
  return env.DOCKER_METADATA_SET_OUTPUT_ENV ? parseToolkitBool('DOCKER_METADATA_SET_OUTPUT_ENV', env.DOCKER_METADATA_SET_OUTPUT_ENV) : true;
}

/** The outputs metadata-action also exports as DOCKER_METADATA_OUTPUT_* environment variables. */
export const METADATA_OUTPUTS = [
  'version',
  'tags',
  'tag-names',
  'labels',
  'annotations',
  'json',
  'bake-file-tags',
  'bake-file-labels',
  'bake-file-annotations',
  'bake-file',
] as const;

export function metadataEnvName(output: string): string {
  return `DOCKER_METADATA_OUTPUT_${output.replace(/\W/g, '_').toUpperCase()}`;
}

/** DOCKER_METADATA_OUTPUT_* values for the metadata-action outputs present in `outputs`. */
export function metadataOutputEnv(outputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of METADATA_OUTPUTS) {
    if (outputs[name] !== undefined) env[metadataEnvName(name)] = outputs[name]!;
  }
  return env;
}

function dedupe(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}

function lastComponent(image: string): string {
  return image.slice(image.lastIndexOf('/') + 1);
}

function bakeContent(target: string, dt: unknown): string {
  return JSON.stringify({ target: { [target]: dt } }, null, 2);
}

export function computeImageTags(inputs: ImageTagsInputs, ctx: EventContext, options: ImageTagsOptions): ImageTagsResult {
  const env = options.env ?? {};
  const shortShaLength = parseShortShaLength(env.DOCKER_METADATA_SHORT_SHA_LENGTH);
  const levels = annotationLevels(env.DOCKER_METADATA_ANNOTATIONS_LEVELS);
  const sepTags = inputs.sepTags || '\n';
  const sepLabels = inputs.sepLabels || '\n';
  const sepAnnotations = inputs.sepAnnotations || '\n';
  const bakeTarget = inputs.bakeTarget?.trim() || DEFAULT_BAKE_TARGET;
  const warnings: string[] = [];

  const rawServices = (inputs.services ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const seed = rawServices.length > 0;
  const tagInput = (inputs.tag ?? '').trim();
  if (seed && normalizeList(inputs.images).length > 0) {
    throw new TagInputError(
      'images',
      undefined,
      'images cannot be combined with services/services-from',
      'either images (metadata-action mode) or services (seed naming: {registry}/{kind}{name}), not both',
      normalizeList(inputs.images)
        .map((e) => e.value)
        .join(', '),
    );
  }
  if (!seed && (tagInput || (inputs.registry ?? '').trim())) {
    warnings.push('tag and registry are only used with services or services-from; they were ignored');
  }

  const metaOptions: MetaOptions = { ...options, shortShaLength };
  const labelVersion = seed && tagInput ? tagInput : undefined;
  const rulesUsed = !seed || normalizeList(inputs.tags).length > 0 || !tagInput;
  const meta = computeMeta(seed ? { ...inputs, images: [] } : inputs, ctx, metaOptions, { labelVersion, skipRules: !rulesUsed });
  warnings.push(...meta.warnings);

  // pin
  const pinTemplate = (inputs.pin ?? '').trim() || DEFAULT_PIN_TEMPLATE;
  const info = options.releaseInfo;
  const refTag = releaseTagOf(classifyRef(ctx.ref));
  let pinTag = '';
  try {
    pinTag = renderPin(pinTemplate, {
      sha: ctx.sha,
      sha7: shortSha(ctx.sha, 7),
      // deploy-kit's vocabulary: {version} is the bare SemVer (parse-version's `version`, `1.2.3-rc.1`),
      // {tag} the release tag the images get (`v1.2.3-rc.1`).
      version: info?.version || meta.version.main || '',
      tag: (seed ? tagInput : '') || info?.tag || refTag,
      environment: info?.environment ?? '',
      channel: info?.channel ?? '',
    });
  } catch (error) {
    if (seed || inputs.pinInTags || (inputs.pin ?? '').trim() !== '') throw error;
    warnings.push(`no pin tag: ${(error as Error).message}`);
  }

  let services: ServiceImage[];
  let tags: string[];
  let names: string[];
  let version: string;
  let imageNames: string[];
  const explainServices: ExplainReport['services'] = [];

  if (seed) {
    const kind = resolveKind(inputs.kind);
    const registry = parseRegistry(inputs.registry);
    const seedNames: string[] = [];
    if (tagInput) seedNames.push(checkTag(tagInput, 'tag', 'the tag'));
    if (normalizeList(inputs.tags).length > 0 || !tagInput) seedNames.push(...tagNames(meta));
    if (pinTag) seedNames.push(pinTag);
    names = dedupe(seedNames);
    const seen = new Set<string>();
    services = [];
    for (const raw of rawServices) {
      const name = normalizeServiceName(raw, kind.stripPrefix);
      if (seen.has(name)) continue;
      seen.add(name);
      const image = repositoryFor(registry, kind, name);
      explainServices.push({ input: raw, name, image });
      services.push({ service: name, image, tags: names.map((t) => `${image}:${t}`), pin: pinTag ? `${image}:${pinTag}` : '' });
    }
    tags = services.flatMap((s) => s.tags);
    version = tagInput || meta.version.main || '';
    imageNames = services.map((s) => s.image);
  } else {
    const addPin = !!inputs.pinInTags && pinTag !== '';
    names = tagNames(meta);
    if (addPin && names.length > 0) names = dedupe([...names, pinTag]);
    else if (addPin) names = [pinTag];
    imageNames = meta.imageNames;
    services = imageNames.map((image) => ({
      service: lastComponent(image),
      image,
      tags: names.map((t) => `${image}:${t}`),
      pin: pinTag ? `${image}:${pinTag}` : '',
    }));
    tags = addPin ? (imageNames.length > 0 ? services.flatMap((s) => s.tags) : names) : metaTags(meta);
    version = meta.version.main || '';
  }

  const pinRefs = services.length > 0 ? services.map((s) => s.pin).filter((p) => p !== '') : pinTag ? [pinTag] : [];
  const labels = meta.labels;
  const annotations = leveledAnnotations(meta.annotations, levels);
  const matrix = { include: services.map((s) => ({ service: s.service, image: s.image, tags: s.tags.join('\n'), pin: s.pin })) };
  const labelsObj = labelsObject(labels);
  const json: Record<string, unknown> = {
    tags,
    'tag-names': names,
    labels: labelsObj,
    annotations,
    version,
    // The release tag (deploy-kit's vocabulary; `version` above is metadata-action's): what
    // push-artifacts' S3 folder defaults to. Seed naming: the `tag` input (or the run's tag).
    tag: seed ? tagInput : info?.tag || refTag,
    pin: pinTag,
    services,
  };
  const metaVersion = seed ? version || undefined : meta.version.main;
  const args = { DOCKER_META_IMAGES: imageNames.join(','), DOCKER_META_VERSION: metaVersion };
  const bakeFiles: BakeFile[] = [
    { output: 'bake-file-tags', fileName: 'docker-metadata-action-bake-tags.json', content: bakeContent(bakeTarget, { tags, args }) },
    {
      output: 'bake-file-labels',
      fileName: 'docker-metadata-action-bake-labels.json',
      content: bakeContent(bakeTarget, { labels: labelsObj }),
    },
    {
      output: 'bake-file-annotations',
      fileName: 'docker-metadata-action-bake-annotations.json',
      content: bakeContent(bakeTarget, { annotations: leveledAnnotations(meta.annotations, levels) }),
    },
    {
      output: 'bake-file',
      fileName: 'docker-metadata-action-bake.json',
      content: bakeContent(bakeTarget, { tags, labels: labelsObj, args }),
    },
  ];
  const pinOutput = pinRefs.length === 1 ? pinRefs[0]! : pinRefs.length === 0 ? pinTag : pinRefs.join(sepTags);
  const outputs: Record<string, string> = {
    version,
    tags: tags.join(sepTags),
    'tag-names': names.join(sepTags),
    labels: labels.join(sepLabels),
    annotations: annotations.join(sepAnnotations),
    json: JSON.stringify(json),
    pin: pinOutput,
    matrix: JSON.stringify(matrix),
  };
  const explain: ExplainReport = {
    mode: seed ? 'seed' : 'metadata',
    rules: meta.rules,
    latest: meta.latest,
    pin: { tag: pinTag, template: pinTemplate, inTags: seed || (!!inputs.pinInTags && pinTag !== '') },
    services: explainServices,
    warnings,
  };
  return {
    mode: seed ? 'seed' : 'metadata',
    version,
    tags,
    tagNames: names,
    labels,
    annotations,
    annotationLevels: levels,
    pin: { tag: pinTag, refs: pinRefs },
    services,
    matrix,
    json,
    bakeFiles,
    outputs,
    meta,
    explain,
    warnings,
  };
}

/** The explain report as log lines. */
export function formatExplain(report: ExplainReport): string[] {
  const lines: string[] = [`mode: ${report.mode === 'seed' ? 'seed naming (services)' : 'metadata-action (images/tags)'}`];
  for (const r of report.rules) {
    const where = r.line !== undefined ? ` (line ${r.line})` : '';
    if (r.fired) lines.push(`✓ ${r.rule}${where} → ${r.tags.join(', ')}${r.reason ? ` (${r.reason})` : ''}`);
    else lines.push(`✗ ${r.rule}${where}: ${r.reason ?? 'produced nothing'}`);
  }
  lines.push(`latest: ${report.latest.emitted ? 'yes' : 'no'} — ${report.latest.reason}`);
  lines.push(
    report.pin.tag
      ? `pin: ${report.pin.tag} (template ${report.pin.template})${report.pin.inTags ? ', added to tags' : ''}`
      : `pin: none (template ${report.pin.template})`,
  );
  for (const s of report.services) lines.push(`service ${s.input}${s.input !== s.name ? ` → ${s.name}` : ''}: ${s.image}`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  return lines;
}
