/**
 * push-artifacts' inputs as one validated plan: every input, and every combination of inputs, is
 * checked here, before anything is read, logged in to, created or sent (SECURITY.md rule 12). Pure
 * (the environment is passed in); the flow (flow.ts) only carries the plan out.
 */
import { InputError, readInputs, readRawInput, runReleaseTag, type InputValues, type RawInputReader } from '@deploy-kit/core';
import { resolveAwsRegion } from '@deploy-kit/core/aws';
import {
  REGISTRY_FORMS,
  ecrHost,
  isEcrPublicHost,
  parseEcrHost,
  parseRegistry,
  readRegistry,
  type RegistryAddress,
} from '@deploy-kit/core/oci';
import { parseGlobRules, type GlobRule } from './globs.js';
import { inputs } from './io.js';
import { loginPlan } from './logins.js';
import { keyPrefix, keySegmentProblem } from './s3.js';
import { parseSize } from './size.js';
import { parseImages, type ImageTarget } from './targets.js';

export type Values = InputValues<typeof inputs>;
export type Mode = Values['mode'];

export interface S3Config {
  bucket: string;
  /** `s3-path/tag/`. */
  prefix: string;
  sources: string[];
  concurrency: number;
  checksums: Values['s3Checksums'];
  partSize: number;
  multipartThreshold: number;
  contentTypes: GlobRule[];
  cacheControl: GlobRule[];
}

export interface PushConfig {
  mode: Mode;
  dryRun: boolean;
  registryAuth: Values['registryAuth'];
  /** The `registry` input, parsed; undefined when empty. */
  registry?: RegistryAddress;
  /** The `registry` input as given, for messages. */
  registryInput: string;
  /**
   * The `registries` input: more registries that get every image (and, in `mode: login`, the login),
   * in input order, without the `registry` input's own and without repeats. Each ECR host carries
   * its own region (other regions allowed); an account id is that account's registry in `region`.
   */
  registries: RegistryAddress[];
  /** `images`, parsed; a target's host is '' until the registry is known (flow.ts). */
  targets: ImageTarget[];
  /** The `source` template (`build/{service}.oci`). */
  source: string;
  promoteFrom: string;
  /** The AWS region (resolved when an AWS call needs one, else the input as given). */
  region: string;
  createRepositories: boolean;
  scanOnPush: boolean;
  tagMutability: 'MUTABLE' | 'IMMUTABLE';
  /** Write a docker config with the login for later steps. */
  dockerConfig: boolean;
  compressLayers: Values['compressLayers'];
  /** Undefined (the default): each blob in one request. */
  chunkSize?: number;
  concurrency: number;
  s3?: S3Config;
  /** Inputs that have no effect in this combination, for the log. */
  warnings: string[];
}

const CHUNK_BOUNDS = { min: 5 * 1024 * 1024, max: 1024 * 1024 * 1024 };
const PART_BOUNDS = { min: 5 * 1024 * 1024, max: 5 * 1024 * 1024 * 1024 };

/** The S3 version folder: the `tag` input, the `tag` of image-tags' `json` in `images`, or this run's tag (core). */
export function resolveS3Folder(values: Pick<Values, 'tag' | 'images'>, env: NodeJS.ProcessEnv): string {
  return s3FolderAndOrigin(values, env).tag;
}

/** The tag and where it came from (`input`, `images` JSON's `tag`, or `GITHUB_REF`), for messages. */
export function s3FolderAndOrigin(
  values: Pick<Values, 'tag' | 'images'>,
  env: NodeJS.ProcessEnv,
): { tag: string; origin: 'input' | 'images' | 'GITHUB_REF' } {
  if (values.tag) return { tag: values.tag, origin: 'input' };
  try {
    const parsed = JSON.parse(values.images) as { tag?: unknown };
    if (typeof parsed.tag === 'string' && parsed.tag.trim() !== '') return { tag: parsed.tag.trim(), origin: 'images' };
  } catch {
    /* not JSON */
  }
  const tag = runReleaseTag(env);
  if (tag !== '') return { tag, origin: 'GITHUB_REF' };
  throw new InputError(
    'tag',
    `is empty and the run was not started by a tag (GITHUB_REF is ${env.GITHUB_REF || 'empty'})`,
    'the release tag, e.g. `${{ steps.v.outputs.tag }}`',
    '',
  );
}

/**
 * The S3 key prefix `s3-path/tag/`; a bad part is reported against the input it came from (for a
 * tag taken from image-tags' `json` or the run's ref, against `tag`, saying so).
 */
export function s3KeyPrefix(values: Pick<Values, 's3Path' | 'tag' | 'images'>, env: NodeJS.ProcessEnv): string {
  const pathProblem = keySegmentProblem(values.s3Path);
  if (pathProblem) throw new InputError('s3-path', pathProblem, 'a key prefix such as `binaries`', values.s3Path);
  const { tag, origin } = s3FolderAndOrigin(values, env);
  const tagProblem = keySegmentProblem(tag);
  if (tagProblem) {
    if (origin === 'input') throw new InputError('tag', tagProblem, 'a tag such as `v1.2.3`', values.tag);
    const from = origin === 'images' ? 'the `tag` of input "images"' : 'the tag (GITHUB_REF)';
    throw new InputError(
      'tag',
      `is empty, and the tag it defaults to, from ${from}, ${tagProblem}`,
      'a tag such as `v1.2.3` (set `tag`)',
      tag,
    );
  }
  return keyPrefix(values.s3Path, tag);
}

/** Checks the inputs that only make sense together, before any side effect. */
export function validateCombination(values: Values): void {
  const hasImages = values.images.trim() !== '';
  const hasS3 = values.s3Bucket !== '' || values.s3Source.length > 0;
  if (values.mode === 'login') {
    if (hasImages)
      throw new InputError(
        'images',
        'is set, but mode `login` only logs in',
        'no `images` with `mode: login` (use `mode: push` to push them)',
        values.images,
      );
    if (values.registryAuth !== 'ecr')
      throw new InputError('registry-auth', 'is `none`, but mode `login` logs in to ECR', '`ecr`', values.registryAuth);
  } else if (!hasImages && !hasS3) {
    throw new InputError(
      'images',
      'is empty and so is s3-bucket: there is nothing to publish',
      'image references to push, and/or `s3-bucket` with `s3-source`',
      '',
    );
  }
  if (values.s3Bucket !== '' && values.s3Source.length === 0)
    throw new InputError(
      's3-source',
      'is empty but s3-bucket is set',
      'the directory (or directories) of binaries to upload, e.g. `bin_arm64/ms`',
      '',
    );
  if (values.s3Bucket === '' && values.s3Source.length > 0)
    throw new InputError('s3-bucket', 'is empty but s3-source is set', 'the bucket name, e.g. `app-artifacts`', '');
  if (hasImages && values.mode === 'push' && values.source === '') {
    throw new InputError(
      'source',
      'is empty, so there is no image to push',
      'an OCI layout directory or `docker save` archive, e.g. `build/{service}.oci` (`{service}` is replaced per service)',
      '',
    );
  }
  if (values.mode === 'promote') {
    if (!hasImages)
      throw new InputError(
        'images',
        'is empty in promote mode',
        "the references to promote to, e.g. image-tags' `json` output for the release tag",
        '',
      );
    if (values.promoteFrom === '')
      throw new InputError('promote-from', 'is empty in promote mode', 'the tag (or digest) that was tested, e.g. `v1.2.3-rc.2`', '');
    if (values.registryAuth === 'none')
      throw new InputError('registry-auth', 'is `none`, but promote mode works through the ECR API', '`ecr`', 'none');
  }
  if (values.mode !== 'promote' && values.promoteFrom !== '')
    throw new InputError(
      'promote-from',
      `is set but mode is \`${values.mode}\``,
      '`mode: promote` with `promote-from`',
      values.promoteFrom,
    );
}

function needsRegion(values: Values): boolean {
  if (values.mode === 'login') return true;
  if (values.registries.some((entry) => ACCOUNT_ID.test(entry.trim()))) return true;
  const hasImages = values.images.trim() !== '';
  return values.s3Bucket !== '' || (hasImages && values.registryAuth === 'ecr');
}

const ACCOUNT_ID = /^\d{12}$/;
const REGISTRIES_FORMS = `12-digit AWS account ids (their ECR registry in \`region\`), ${REGISTRY_FORMS}, or \`public.ecr.aws/<alias>\` (ECR Public)`;

/**
 * The `registries` input by core's one registry rule (an account id stands for its ECR host in
 * `region`); the `registry` input's own registry and repeats are dropped. ECR Public needs its
 * registry alias except in `mode: login` (the login is for the host).
 */
export function parseRegistries(
  entries: readonly string[],
  context: { region: string; mode: Mode; registry?: RegistryAddress; raw: string },
): RegistryAddress[] {
  const out: RegistryAddress[] = [];
  const seen = new Set([context.registry ? `${context.registry.host}/${context.registry.namespace}` : '']);
  for (const raw of entries) {
    const entry = raw.trim();
    let address: RegistryAddress;
    if (ACCOUNT_ID.test(entry)) {
      address = { host: ecrHost(entry, context.region), namespace: '' };
    } else {
      const read = readRegistry(entry);
      if (read.problem !== undefined || !read.address)
        throw new InputError('registries', `entry "${entry}" ${read.problem ?? 'is empty'}`, REGISTRIES_FORMS, context.raw);
      address = read.address;
    }
    if (isEcrPublicHost(address.host) && address.namespace === '' && context.mode !== 'login') {
      throw new InputError(
        'registries',
        `entry "${entry}" names ECR Public without the registry alias its repositories live under`,
        '`public.ecr.aws/<alias>` (the alias is in the ECR Public console, Settings)',
        context.raw,
      );
    }
    const key = `${address.host}/${address.namespace}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(address);
  }
  return out;
}

/** The validated plan of a run (see the module header). */
export function buildConfig(values: Values, env: NodeJS.ProcessEnv): PushConfig {
  validateCombination(values);
  const warnings: string[] = [];
  if (values.mode !== 'push' && values.compressLayers !== 'auto')
    warnings.push(
      `compress-layers: ${values.compressLayers} has no effect in mode ${values.mode} (only mode push reads and compresses layers).`,
    );
  const chunkSize = values.chunkSize === '' ? undefined : parseSize('chunk-size', values.chunkSize, CHUNK_BOUNDS);
  const partSize = parseSize('s3-part-size', values.s3PartSize, PART_BOUNDS);
  const multipartThreshold = parseSize('s3-multipart-threshold', values.s3MultipartThreshold, PART_BOUNDS);
  const contentTypes = parseGlobRules(values.contentTypes, 'content-types', 'lines of `glob=type`, e.g. `*.txt=text/plain`');
  const cacheControl = parseGlobRules(
    values.cacheControl,
    'cache-control',
    'a Cache-Control value for every file, or lines of `glob=value`',
  );
  const registry = parseRegistry(values.registry);
  const targets = parseImages(values.images, 'images');
  // A bad s3-path / tag fails here, before anything is read.
  const s3Prefix = values.s3Bucket !== '' ? s3KeyPrefix(values, env) : undefined;
  const region = needsRegion(values) ? resolveAwsRegion(values.region, env) : values.region;

  // Region mismatch: an ECR registry named in the inputs lives in one region.
  if (values.registryAuth === 'ecr') {
    for (const host of [registry?.host, ...targets.map((t) => t.host)]) {
      const ecr = host ? parseEcrHost(host) : undefined;
      if (ecr && ecr.region !== region) {
        throw new InputError(
          'region',
          `is ${region}, but the registry ${host} is in ${ecr.region} (Region mismatch)`,
          `\`${ecr.region}\`, the registry's region (or a registry in ${region})`,
          region,
        );
      }
    }
  }
  const registries = parseRegistries(values.registries, { region, mode: values.mode, registry, raw: values.registries.join('\n') });
  if (chunkSize !== undefined && values.mode === 'push') {
    // ECR answers a chunked upload's PATCH with 201 and keeps only the first one's bytes
    // (aws/containers-roadmap#2831): a chunk size would fail there, or worse.
    const hosts = [registry?.host, ...registries.map((r) => r.host), ...targets.map((t) => t.host || registry?.host || '')];
    const ecr = hosts.find((host) => host !== undefined && (host === '' || parseEcrHost(host) || isEcrPublicHost(host)));
    if (ecr !== undefined) {
      throw new InputError(
        'chunk-size',
        `is set, but ${ecr === '' ? "the account's ECR registry" : ecr} is an ECR registry, which keeps only the first part of a chunked upload (aws/containers-roadmap#2831)`,
        'empty for ECR (each blob is sent in one request, as docker push and crane send it); a chunk size only for a registry or proxy that limits the size of a request',
        values.chunkSize,
      );
    }
  }
  if (registry && isEcrPublicHost(registry.host) && registry.namespace === '' && values.mode !== 'login') {
    throw new InputError(
      'registry',
      'names ECR Public without the registry alias its repositories live under',
      '`public.ecr.aws/<alias>` (the alias is in the ECR Public console, Settings)',
      values.registry,
    );
  }
  // `mode: login` writes the ECR login, which goes only to the registry it was issued for.
  for (const address of values.mode === 'login' ? registries : []) {
    const plan = loginPlan(address.host, 'ecr', [registry, ...registries]);
    if (plan.kind === 'none') {
      throw new InputError(
        'registries',
        `names ${address.host}, but mode \`login\` writes the ECR login, which only goes to the ECR registry it was issued for (${plan.reason})`,
        REGISTRIES_FORMS,
        values.registries.join('\n'),
      );
    }
  }
  if (values.mode === 'login' && registry) {
    const plan = loginPlan(registry.host, 'ecr', registry);
    if (plan.kind === 'none') {
      throw new InputError(
        'registry',
        `names ${registry.host}, but mode \`login\` writes the ECR login, which only goes to the ECR registry it was issued for (${plan.reason})`,
        "an ECR registry `<account>.dkr.ecr.<region>.amazonaws.com`, or empty for the account's own",
        values.registry,
      );
    }
  }

  return {
    mode: values.mode,
    dryRun: values.dryRun,
    registryAuth: values.registryAuth,
    registry,
    registryInput: values.registry,
    registries,
    targets,
    source: values.source,
    promoteFrom: values.promoteFrom,
    region,
    createRepositories: values.createRepositories,
    scanOnPush: values.scanOnPush,
    tagMutability: values.tagMutability === 'immutable' ? 'IMMUTABLE' : 'MUTABLE',
    dockerConfig: values.dockerConfig,
    compressLayers: values.compressLayers,
    chunkSize,
    concurrency: values.concurrency ?? 4,
    s3:
      s3Prefix === undefined
        ? undefined
        : {
            bucket: values.s3Bucket,
            prefix: s3Prefix,
            sources: values.s3Source,
            concurrency: values.s3Concurrency ?? 16,
            checksums: values.s3Checksums,
            partSize,
            multipartThreshold,
            contentTypes,
            cacheControl,
          },
    warnings,
  };
}

/** Every input read and checked into one plan, before anything else happens. */
export async function getInputs(read: RawInputReader = readRawInput, env: NodeJS.ProcessEnv = process.env): Promise<PushConfig> {
  return buildConfig(await readInputs(inputs, read), env);
}
