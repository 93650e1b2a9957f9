/**
 * push-artifacts' flow, with every outside service behind a factory so it can run against fakes:
 * validate the combination of inputs, log in to ECR, create repositories, push or promote images,
 * upload binaries to S3, and return the outputs and summary rows.
 */
import { tmpdir } from 'node:os';
import { ActionError, Changes, InputError, errorMessage, formatSeconds, inheritedEnvironment, runReleaseTag } from '@deploy-kit/core';
import { awsEndpointFromEnv, resolveAwsRegion } from '@deploy-kit/core/aws';
import type { InputValues } from '@deploy-kit/core';
import { LayerCompressor, type CompressionReport } from './compress.js';
import type { EcrApi, EcrLogin } from './ecr.js';
import { promote } from './ecr.js';
import { dockerPush, type Login, type Runner } from './docker.js';
import { parseGlobRules } from './globs.js';
import { SourceError, loadImage, verifyBlobs, type LoadedImage } from './layout.js';
import { ecrTokenMayGo, loginPlan, type LoginPlan } from './logins.js';
import { describeRegistryNetworkError } from './network.js';
import { formatBytes, pushImages, type PushJob, type RegistryApi } from './push.js';
import {
  ecrHost,
  expandTemplate,
  formatReference,
  parseEcrHost,
  parseImages,
  parseRegistry,
  registryBaseUrl,
  resolveTargets,
  type ImageTarget,
} from './refs.js';
import { RegistryError, SourceReadError, type RegistryCredentials } from './registry.js';
import type { LocalFile, S3Api, UploadReport } from './s3.js';
import { keyPrefix, keySegmentProblem, planUpload, uploadFiles } from './s3.js';
import { parseSize } from './size.js';
import type { inputs } from './io.js';

export type Values = InputValues<typeof inputs>;

export interface Deps {
  env: NodeJS.ProcessEnv;
  ecr: (region: string) => Promise<EcrApi>;
  s3: (region: string) => Promise<S3Api>;
  registry: (baseUrl: string, credentials: RegistryCredentials | undefined) => RegistryApi & { ping(): Promise<void> };
  /** A docker config with `logins` for later steps of the job (exported as DOCKER_CONFIG; the post step removes it). */
  writeDockerConfig: (runnerTemp: string, logins: Login[]) => Promise<string>;
  /** A docker config with `logins` for this step's own docker CLI only (`mode: docker`); removed by `remove` when the step ends. */
  stepDockerConfig: { write: (base: string, logins: Login[]) => Promise<string>; remove: (dir: string) => Promise<void> };
  runCommand: Runner;
  log: (message: string) => void;
  warn: (message: string) => void;
}

export interface Outcome {
  registry: string;
  digests: Record<string, string>;
  images: string[];
  s3Uris: string[];
  dockerConfig: string;
  rows: string[][];
  sections: string[];
  changes: Changes;
  s3?: UploadReport & { bucket: string; prefix: string };
  /** Images whose uncompressed layers were gzip-compressed before the push (`compress-layers`). */
  compressed: Array<CompressionReport & { source: string }>;
}

const CHUNK_BOUNDS = { min: 5 * 1024 * 1024, max: 1024 * 1024 * 1024 };
const PART_BOUNDS = { min: 5 * 1024 * 1024, max: 5 * 1024 * 1024 * 1024 };

/** The version segment of the S3 prefix: the input, image-tags' version, or the pushed tag. */
export function resolveS3Version(values: Pick<Values, 's3Version' | 'images'>, env: NodeJS.ProcessEnv): string {
  return s3VersionAndOrigin(values, env).version;
}

/** The version and where it came from (`input`, `images` JSON's `version`, or `GITHUB_REF`), for messages. */
export function s3VersionAndOrigin(values: Pick<Values, 's3Version' | 'images'>, env: NodeJS.ProcessEnv): { version: string; origin: 'input' | 'images' | 'GITHUB_REF' } {
  if (values.s3Version) return { version: values.s3Version, origin: 'input' };
  try {
    const parsed = JSON.parse(values.images) as { version?: unknown };
    if (typeof parsed.version === 'string' && parsed.version.trim() !== '') return { version: parsed.version.trim(), origin: 'images' };
  } catch {
    /* not JSON */
  }
  const tag = runReleaseTag(env);
  if (tag !== '') return { version: tag, origin: 'GITHUB_REF' };
  throw new InputError('s3-version', `is empty and the run was not started by a tag (GITHUB_REF is ${env.GITHUB_REF || 'empty'})`, 'the release version, e.g. `${{ steps.v.outputs.tag }}`', '');
}

/**
 * The S3 key prefix `s3-path/version/`; a bad part is reported against the input it came from (for a
 * version taken from image-tags' `version` or the tag, against `s3-version`, saying so).
 */
export function s3KeyPrefix(values: Pick<Values, 's3Path' | 's3Version' | 'images'>, env: NodeJS.ProcessEnv): string {
  const pathProblem = keySegmentProblem(values.s3Path);
  if (pathProblem) throw new InputError('s3-path', pathProblem, 'a key prefix such as `binaries`', values.s3Path);
  const { version, origin } = s3VersionAndOrigin(values, env);
  const versionProblem = keySegmentProblem(version);
  if (versionProblem) {
    if (origin === 'input') throw new InputError('s3-version', versionProblem, 'a version such as `v1.2.3`', values.s3Version);
    const from = origin === 'images' ? "the `version` of input \"images\"" : 'the tag (GITHUB_REF)';
    throw new InputError('s3-version', `is empty, and the version it defaults to, from ${from}, ${versionProblem}`, 'a version such as `v1.2.3` (set `s3-version`)', version);
  }
  return keyPrefix(values.s3Path, version);
}

/** Checks the inputs that only make sense together, before any side effect. */
export function validateCombination(values: Values): void {
  const hasImages = values.images.trim() !== '';
  const hasS3 = values.s3Bucket !== '' || values.s3Source.length > 0;
  if (values.mode === 'login') {
    if (hasImages) throw new InputError('images', 'is set, but mode `login` only logs in', 'no `images` with `mode: login` (use `mode: push` to push them)', values.images);
    if (values.registryAuth !== 'ecr') throw new InputError('registry-auth', 'is `none`, but mode `login` logs in to ECR', '`ecr`', values.registryAuth);
  } else if (!hasImages && !hasS3) {
    throw new InputError('images', 'is empty and so is s3-bucket: there is nothing to publish', 'image references to push, and/or `s3-bucket` with `s3-source`', '');
  }
  if (values.s3Bucket !== '' && values.s3Source.length === 0) throw new InputError('s3-source', 'is empty but s3-bucket is set', 'the directory (or directories) of binaries to upload, e.g. `bin_arm64/ms`', '');
  if (values.s3Bucket === '' && values.s3Source.length > 0) throw new InputError('s3-bucket', 'is empty but s3-source is set', 'the bucket name, e.g. `app-artifacts`', '');
  if (hasImages && values.mode === 'push' && values.source === '') {
    throw new InputError('source', 'is empty, so there is no image to push', 'an OCI layout directory or `docker save` archive, e.g. `build/{service}.oci` (`{service}` is replaced per service)', '');
  }
  if (values.mode === 'promote') {
    if (!hasImages) throw new InputError('images', 'is empty in promote mode', 'the references to promote to, e.g. image-tags\' `json` output for the release tag', '');
    if (values.promoteFrom === '') throw new InputError('promote-from', 'is empty in promote mode', 'the tag (or digest) that was tested, e.g. `v1.2.3-rc.2`', '');
    if (values.registryAuth === 'none') throw new InputError('registry-auth', 'is `none`, but promote mode works through the ECR API', '`ecr`', 'none');
  }
  if (values.mode !== 'promote' && values.promoteFrom !== '') throw new InputError('promote-from', `is set but mode is \`${values.mode}\``, '`mode: promote` with `promote-from`', values.promoteFrom);
}

function needsRegion(values: Values): boolean {
  if (values.mode === 'login') return true;
  const hasImages = values.images.trim() !== '';
  return values.s3Bucket !== '' || (hasImages && values.registryAuth === 'ecr');
}

/** What the push knew about the registry, for its errors. */
interface RegistryContext {
  host: string;
  url: string;
  /** Why the ECR login was not given to this host (it is bound to another), when that is so. */
  withheld?: string;
}

function explainRegistryError(error: unknown, registry: RegistryContext, repository: string): unknown {
  const { host } = registry;
  if (error instanceof SourceReadError) {
    return new ActionError(`Push to ${host}/${repository} stopped: ${error.message}.`, { check: 'the image files stay in place, unchanged and readable until the step ends' });
  }
  const unreachable = describeRegistryNetworkError(error, { what: `Push to ${host}/${repository}`, host, url: registry.url });
  if (unreachable) return unreachable;
  if (!(error instanceof RegistryError)) return error;
  if (error.status === 401 && registry.withheld) {
    return new ActionError(`Push to ${host}/${repository} failed: the registry wants a login and was sent none (HTTP 401).`, {
      why: `${registry.withheld}, so ${host} was asked anonymously`,
      check: [
        'push to the ECR registry the login is for (`<account>.dkr.ecr.<region>.amazonaws.com`), or name a local test registry in `registry`',
        'for another registry, log in with its own credentials in a step of your own (e.g. docker/login-action) and push with them; the ECR password is never sent to it',
      ],
      cause: error,
    });
  }
  if (error.status === 401) {
    return new ActionError(`Push to ${host}/${repository} failed: the registry rejected the login (HTTP 401).`, {
      why: error.message,
      check: ['Authentication fails: AWS credentials configured and allowed ecr:GetAuthorizationToken', 'the registry is the one of this account and region'],
      cause: error,
    });
  }
  if (error.code === 'DIGEST_INVALID') {
    return new ActionError(`Push to ${host}/${repository} stopped: the registry refused a blob whose bytes do not match its digest (DIGEST_INVALID).`, {
      why: `${error.message}; every blob was hashed before the push, so its file changed while the step ran (or the registry received other bytes)`,
      check: 'nothing else writes into the image while this step runs',
      cause: error,
    });
  }
  if (error.status === 403) {
    return new ActionError(`Push to ${host}/${repository} failed: permission denied (HTTP 403).`, {
      why: error.message,
      check: 'Permission denied: IAM permissions ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage on the repository',
      cause: error,
    });
  }
  if (error.status === 404 && (error.code === 'NAME_UNKNOWN' || /NAME_UNKNOWN|repository/i.test(error.message))) {
    return new ActionError(`Push to ${host}/${repository} failed: repository ${repository} does not exist.`, {
      why: error.message,
      check: ['Repository not found: create it, or set `create-repositories: true`'],
      cause: error,
    });
  }
  if (error.code === 'TAG_INVALID' || /immutable/i.test(error.message)) {
    return new ActionError(`Push to ${host}/${repository} refused: a tag already exists and the repository's tags are immutable.`, { why: error.message, check: 'the version was not already released from another build', cause: error });
  }
  return new ActionError(`Push to ${host}/${repository} failed: ${error.message}`, { cause: error });
}

export async function runPushArtifacts(values: Values, deps: Deps): Promise<Outcome> {
  // Compressed layers live in a private temporary directory until the push has read them; it is
  // removed at the end, also when the step fails (and the runner empties RUNNER_TEMP after the job).
  const compressor = new LayerCompressor({ tempBase: deps.env.RUNNER_TEMP || tmpdir(), write: !values.dryRun });
  try {
    return await publish(values, deps, compressor);
  } finally {
    await compressor.dispose();
  }
}

async function publish(values: Values, deps: Deps, compressor: LayerCompressor): Promise<Outcome> {
  validateCombination(values);
  if (values.mode !== 'push' && values.compressLayers !== 'auto') deps.warn(`compress-layers: ${values.compressLayers} has no effect in mode ${values.mode} (only mode push reads and compresses layers).`);
  const chunkSize = parseSize('chunk-size', values.chunkSize, CHUNK_BOUNDS);
  const partSize = parseSize('s3-part-size', values.s3PartSize, PART_BOUNDS);
  const multipartThreshold = parseSize('s3-multipart-threshold', values.s3MultipartThreshold, PART_BOUNDS);
  const contentTypes = parseGlobRules(values.contentTypes, 'content-types', 'lines of `glob=type`, e.g. `*.txt=text/plain`');
  const cacheControl = parseGlobRules(values.cacheControl, 'cache-control', 'a Cache-Control value for every file, or lines of `glob=value`');
  const registryAddress = parseRegistry(values.registry);
  let targets: ImageTarget[] = parseImages(values.images, 'images');
  if (values.s3Bucket !== '') s3KeyPrefix(values, deps.env); // a bad s3-path / s3-version fails before anything is read
  const region = needsRegion(values) ? resolveAwsRegion(values.region, deps.env) : values.region;
  const changes = new Changes(values.dryRun, deps.log);
  const outcome: Outcome = { registry: '', digests: {}, images: [], s3Uris: [], dockerConfig: '', rows: [], sections: [], changes, compressed: [] };

  // Region mismatch: an ECR registry named in the inputs lives in one region.
  const hostsNamed = [registryAddress?.host, ...targets.map((t) => t.host)].filter((h): h is string => !!h);
  for (const host of hostsNamed) {
    const ecr = parseEcrHost(host);
    if (ecr && values.registryAuth === 'ecr' && ecr.region !== region) {
      throw new InputError('region', `is ${region}, but the registry ${host} is in ${ecr.region} (Region mismatch)`, `\`${ecr.region}\`, the registry's region (or a registry in ${region})`, region);
    }
  }

  // --- local inputs, read before anything is changed ------------------------------------------------
  // An unreadable image or an empty S3 source must fail the step before a repository is created or an
  // image pushed: nothing is half-published.
  const loaded = new Map<string, LoadedImage>();
  /** The first target each source path was loaded for (for messages). */
  const sourceOf = new Map<string, ImageTarget>();
  if (targets.length > 0 && values.mode === 'push') {
    for (const target of targets) {
      const path = expandTemplate(values.source, target);
      if (loaded.has(path)) continue;
      sourceOf.set(path, target);
      let image: LoadedImage;
      let report: CompressionReport | undefined;
      const unreadable = (error: unknown) =>
        error instanceof SourceError
          ? new ActionError(`Cannot read the image for ${target.repository}: ${error.message}.`, {
              why: `input "source" (${values.source}) gives ${path} for service ${target.service}`,
              check: error.check ?? 'the build step wrote an OCI layout or docker save archive there',
            })
          : error;
      try {
        image = await loadImage(path);
      } catch (error) {
        throw unreadable(error);
      }
      // Uncompressed layers (docker save) are gzip-compressed here, before any registry change, so the
      // digests are known and a corrupted layer fails the step before anything is pushed.
      try {
        ({ image, report } = await compressor.compress(image, values.compressLayers));
      } catch (error) {
        if (error instanceof SourceError) throw unreadable(error);
        throw new ActionError(`Cannot compress the layers of ${path}: ${errorMessage(error)}.`, {
          why: `compress-layers is ${values.compressLayers}: uncompressed layers are gzip-compressed into ${deps.env.RUNNER_TEMP ? 'RUNNER_TEMP' : 'the temporary directory'} before the push`,
          check: ['there is free disk space for the compressed layers there', 'or set `compress-layers: none` to push the layers as they are'],
          cause: error,
        });
      }
      loaded.set(path, image);
      const platforms = image.root.children.map((c) => c.platform).filter(Boolean);
      if (report) {
        outcome.compressed.push({ source: path, ...report });
        const what = `${report.layers} layer${report.layers === 1 ? '' : 's'}: ${formatBytes(report.bytesBefore)} → ${formatBytes(report.bytesAfter)} in ${formatSeconds(report.ms)}`;
        deps.log(report.written ? `${path}: compressed ${what} (gzip level ${report.level})` : `[dry-run] ${path}: would compress ${what} (gzip level ${report.level}; compressed in memory to measure, nothing written)`);
      }
      deps.log(`${path}: ${image.kind}, ${image.root.digest}${platforms.length ? ` (${platforms.join(', ')})` : ''}, ${image.blobs.size} blobs`);
    }
  }
  // Every blob is hashed before the first write anywhere (a repository created, a blob or manifest
  // sent): once, on first need, so a re-push that finds every tag in place reads no blob at all. A
  // dry run hashes them too: it checks what a real run would.
  let verification: Promise<void> | undefined;
  const verifyBeforeWrite = (): Promise<void> =>
    (verification ??= (async () => {
      for (const [path, image] of loaded) {
        try {
          await verifyBlobs([image]);
        } catch (error) {
          const target = sourceOf.get(path)!;
          if (!(error instanceof SourceError)) throw error;
          throw new ActionError(`Cannot read the image for ${target.repository}: ${error.message}.`, {
            why: `input "source" (${values.source}) gives ${path} for service ${target.service}; every blob is hashed before anything is created or pushed`,
            check: error.check ?? 'the build step wrote an OCI layout or docker save archive there',
          });
        }
      }
    })());
  if (values.dryRun && loaded.size > 0) await verifyBeforeWrite();

  let s3Plan: { prefix: string; files: LocalFile[] } | undefined;
  if (values.s3Bucket !== '') {
    const prefix = s3KeyPrefix(values, deps.env);
    s3Plan = { prefix, files: await planUpload({ sources: values.s3Source, prefix, contentTypes, cacheControl, sourceInput: 's3-source' }) };
  }

  for (const endpoint of ['ECR', 'STS', 'S3']) {
    const url = awsEndpointFromEnv(endpoint, deps.env);
    if (url) deps.log(`AWS ${endpoint} endpoint: ${url}`);
  }

  // --- registry and login -------------------------------------------------------------------------
  // The ECR login goes only to the registry it was issued for (logins.ts): an ECR host, checked
  // against GetAuthorizationToken's proxyEndpoint, or the loopback registry the `registry` input
  // names. Every other host gets no login, and no ECR repository check: it is pushed to anonymously.
  let ecrApi: EcrApi | undefined;
  const logins = new Map<string, Login>();
  const plans = new Map<string, LoginPlan>();
  const accountOf = new Map<string, string | undefined>();
  const baseUrlOf = (host: string) => registryBaseUrl(host, registryAddress && registryAddress.host === host ? registryAddress.scheme : undefined);
  const loginTo = async (host: string, plan: LoginPlan): Promise<EcrLogin> => {
    const login = await ecrApi!.login(plan.kind === 'ecr' ? plan.account : undefined);
    if (!ecrTokenMayGo(plan, login.proxyEndpoint, baseUrlOf(host))) {
      throw new ActionError(`ECR issued its login for ${login.proxyEndpoint || '(no registry named)'}, not for ${host}, so it is not sent to ${host}.`, {
        why: "a credential goes only to the registry it was issued for (GetAuthorizationToken's proxyEndpoint)",
        check: ['the registry host in `images` / `registry` is the one GetAuthorizationToken names for this account and region', 'AWS_ENDPOINT_URL_ECR, when set, points at the ECR API of that registry'],
      });
    }
    const issuedFor = plan.kind === 'loopback' ? `ECR token; ${host} is the loopback registry the \`registry\` input names, which gets it for local testing` : `ECR token for ${host}`;
    deps.log(`Obtained the ECR login for ${host} as ${login.username} (${issuedFor}${login.expiresAt ? `; valid until ${login.expiresAt.toISOString()}` : ''}); not checked yet: the registry checks it on first use`);
    return login;
  };
  if (targets.length > 0) {
    let registry = registryAddress;
    if (values.registryAuth === 'ecr') {
      ecrApi = await deps.ecr(region);
      if (!registry && targets.some((t) => t.host === '')) {
        const account = await ecrApi.callerAccount();
        registry = { host: ecrHost(account, region), namespace: '' };
        deps.log(`Registry ${registry.host} (account ${account}, from STS GetCallerIdentity)`);
      }
    }
    targets = resolveTargets(targets, registry);
    outcome.registry = registry?.host ?? targets[0]!.host;
    for (const host of new Set(targets.map((t) => t.host))) {
      const plan = loginPlan(host, values.registryAuth, registryAddress);
      plans.set(host, plan);
      accountOf.set(host, parseEcrHost(host)?.account);
      if (values.mode === 'promote') continue; // the ECR API only: no registry login
      if (plan.kind === 'none') {
        if (values.registryAuth === 'ecr') deps.log(`${host}: no ECR login and no ECR repository check (${plan.reason}); pushing to it anonymously.`);
        continue;
      }
      const login = await loginTo(host, plan);
      logins.set(host, { host, username: login.username, password: login.password });
    }
  }

  if (values.mode === 'login') {
    // amazon-ecr-login's job: a login for later steps and nothing else.
    ecrApi = await deps.ecr(region);
    const host = registryAddress?.host ?? ecrHost(await ecrApi.callerAccount(), region);
    const plan = loginPlan(host, 'ecr', registryAddress);
    if (plan.kind === 'none') {
      throw new InputError('registry', `names ${host}, but mode \`login\` writes the ECR login, which only goes to the ECR registry it was issued for (${plan.reason})`, 'an ECR registry `<account>.dkr.ecr.<region>.amazonaws.com`, or empty for the account\'s own', values.registry);
    }
    const login = await loginTo(host, plan);
    logins.set(host, { host, username: login.username, password: login.password });
    outcome.registry = host;
    outcome.rows.push([host, '', 'logged in', login.expiresAt ? `token valid until ${login.expiresAt.toISOString()}` : '']);
  }

  if ((values.dockerConfig || values.mode === 'login') && logins.size > 0) {
    const runnerTemp = deps.env.RUNNER_TEMP;
    if (!runnerTemp) throw new ActionError('docker-config: RUNNER_TEMP is not set, so there is no private place for the docker config.', { check: 'run this on a GitHub Actions runner' });
    await changes.apply(`write a docker config for ${[...logins.keys()].join(', ')} and set DOCKER_CONFIG`, async () => {
      outcome.dockerConfig = await deps.writeDockerConfig(runnerTemp, [...logins.values()]);
    });
  } else if (values.dockerConfig && values.registryAuth === 'none') {
    deps.warn('docker-config: true has no effect with registry-auth: none (there is no login to write).');
  } else if (values.dockerConfig && values.mode !== 'promote') {
    deps.warn('docker-config: true wrote nothing: none of the registries is one the ECR login goes to (an ECR registry, or the loopback registry `registry` names).');
  }

  // --- repositories -------------------------------------------------------------------------------
  if (ecrApi && targets.length > 0 && values.mode !== 'promote') {
    for (const target of targets) {
      if (plans.get(target.host)?.kind === 'none') continue; // not an ECR registry (see the login)
      const registryId = accountOf.get(target.host);
      const existing = await ecrApi.describeRepository(target.repository, registryId);
      if (existing) continue;
      if (!values.createRepositories) {
        throw new ActionError(`ECR repository "${target.repository}" does not exist${registryId ? ` in registry ${registryId}` : ''}.`, {
          why: 'pushing to a missing repository fails',
          check: [
            'Repository not found: set `create-repositories: true`, or create it first: ' + `aws ecr create-repository --repository-name ${target.repository} --region ${region}`,
            'the image name is right (image-tags `kind` and prefix)',
          ],
        });
      }
      const mutability = values.tagMutability === 'immutable' ? 'IMMUTABLE' : 'MUTABLE';
      await verifyBeforeWrite();
      await changes.apply(`create ECR repository ${target.repository} (scan on push ${values.scanOnPush ? 'on' : 'off'}, tags ${mutability})`, async () => {
        await ecrApi!.createRepository(target.repository, { scanOnPush: values.scanOnPush, mutability }, registryId);
        deps.log(`Created ECR repository ${target.repository}`);
      });
    }
  }

  // --- images ---------------------------------------------------------------------------------------
  if (targets.length > 0 && values.mode === 'push') {
    const jobsByHost = new Map<string, PushJob[]>();
    for (const target of targets) {
      // Loaded above, before any change; the path does not depend on the registry.
      const image = loaded.get(expandTemplate(values.source, target))!;
      const jobs = jobsByHost.get(target.host) ?? [];
      jobs.push({ repository: target.repository, tags: target.tags, image });
      jobsByHost.set(target.host, jobs);
    }
    for (const [host, jobs] of jobsByHost) {
      const login = logins.get(host);
      const plan = plans.get(host);
      const context: RegistryContext = { host, url: baseUrlOf(host), withheld: plan?.kind === 'none' && values.registryAuth === 'ecr' ? plan.reason : undefined };
      const client = deps.registry(context.url, login ? { username: login.username, password: login.password } : undefined);
      let reachable = true;
      try {
        await client.ping();
      } catch (error) {
        if (!values.dryRun) {
          throw (
            describeRegistryNetworkError(error, { what: `Push to ${host}`, host, url: `${context.url}/v2/` }) ??
            new ActionError(`Cannot reach the registry ${host} (${context.url}/v2/): ${errorMessage(error)}`, { check: ['the registry address is right', 'the runner can reach it (network, proxy)'], cause: error })
          );
        }
        reachable = false;
        deps.warn(`dry-run: the registry ${host} did not answer (${errorMessage(error)}); a real run would fail here.`);
      }
      for (const job of jobs) {
        const bytes = [...job.image.blobs.values()].reduce((n, b) => n + b.size, 0);
        const description = `push ${job.image.root.digest} (${job.image.blobs.size} blobs, ${formatBytes(bytes)}) to ${host}/${job.repository}:${job.tags.join(',')}`;
        if (values.dryRun) changes.list.push({ description, applied: false }), deps.log(`[dry-run] would ${description}`);
      }
      if (!values.dryRun) {
        let results;
        try {
          results = await pushImages(client, jobs, { chunkSize, concurrency: values.concurrency ?? 4, log: deps.log, beforeWrite: verifyBeforeWrite });
        } catch (error) {
          throw explainRegistryError(error, context, jobs.map((j) => j.repository).join(', '));
        }
        for (const result of results) {
          changes.list.push({ description: `push ${result.digest} to ${host}/${result.repository}`, applied: true });
          for (const tag of result.tags) {
            const reference = formatReference(host, result.repository, tag.tag);
            outcome.digests[reference] = result.digest;
            outcome.images.push(reference);
            outcome.rows.push([reference, result.digest, tag.status === 'unchanged' ? 'already there' : 'pushed', `${result.blobs.uploaded} up (${formatBytes(result.blobs.bytesUploaded)}), ${result.blobs.mounted} mounted, ${result.blobs.existing} existing`]);
          }
        }
      } else {
        // Read-only checks: the login works, and which tags already point at this image.
        for (const job of jobs) {
          for (const tag of job.tags) {
            const reference = formatReference(host, job.repository, tag);
            let current: string | undefined;
            if (reachable) {
              try {
                current = await client.manifestDigest(job.repository, tag);
              } catch (error) {
                throw explainRegistryError(error, context, job.repository);
              }
            }
            outcome.digests[reference] = job.image.root.digest;
            outcome.images.push(reference);
            outcome.rows.push([reference, job.image.root.digest, current === job.image.root.digest ? 'already there' : 'would push', `${job.image.blobs.size} blobs`]);
          }
        }
      }
    }
  } else if (targets.length > 0 && values.mode === 'promote') {
    for (const target of targets) {
      const result = await promote(ecrApi!, { repository: target.repository, registryId: accountOf.get(target.host), from: values.promoteFrom, tags: target.tags }, (what, effect) => changes.apply(what, effect));
      for (const tag of result.tags) {
        const reference = formatReference(target.host, target.repository, tag.tag);
        outcome.digests[reference] = result.digest;
        outcome.images.push(reference);
        const status = values.dryRun && tag.status === 'pushed' ? 'would promote' : tag.status === 'unchanged' ? 'already there' : 'promoted';
        outcome.rows.push([reference, result.digest, status, `from ${values.promoteFrom} (${result.mediaType})`]);
      }
      deps.log(`${target.host}/${target.repository}: ${values.promoteFrom} (${result.digest}) → ${target.tags.join(', ')}`);
    }
  } else if (targets.length > 0 && values.mode === 'docker') {
    const requests = targets.map((t) => ({ source: values.source ? expandTemplate(values.source, t) : '', references: t.tags.map((tag) => formatReference(t.host, t.repository, tag)) }));
    if (values.dryRun) {
      for (const r of requests) for (const ref of r.references) changes.list.push({ description: `docker push ${ref}`, applied: false });
    } else {
      // The docker CLI gets the login through a docker config of its own: the one exported for later
      // steps (`docker-config: true`), else a private one for this step, removed when it ends, also on
      // failure. Never `docker login`, which would leave it in ~/.docker/config.json (or a keyring).
      // Without a login of ours (every host anonymous), docker keeps the user's own configuration.
      let stepConfig: string | undefined;
      if (!outcome.dockerConfig && logins.size > 0) stepConfig = await deps.stepDockerConfig.write(deps.env.RUNNER_TEMP || tmpdir(), [...logins.values()]);
      const config = outcome.dockerConfig || stepConfig;
      const env = { ...inheritedEnvironment(deps.env), ...(config ? { DOCKER_CONFIG: config } : {}) };
      let digests: Map<string, string>;
      try {
        digests = await dockerPush(deps.runCommand, env, requests, deps.log);
      } finally {
        if (stepConfig) {
          const dir = stepConfig;
          await deps.stepDockerConfig.remove(dir).then(
            () => deps.log(`Removed the docker config ${dir} that held the login for docker push.`),
            (error: unknown) => deps.warn(`Could not remove the docker config ${dir} that holds the registry login: ${errorMessage(error)}. The post step tries again, and the runner empties RUNNER_TEMP when the job ends.`),
          );
        }
      }
      for (const r of requests) {
        for (const ref of r.references) {
          outcome.images.push(ref);
          if (digests.has(ref)) outcome.digests[ref] = digests.get(ref)!;
          outcome.rows.push([ref, digests.get(ref) ?? '', 'pushed (docker)', '']);
        }
      }
    }
  }

  // --- S3 ---------------------------------------------------------------------------------------------
  if (s3Plan) {
    const { prefix, files } = s3Plan;
    const s3 = await deps.s3(region);
    const report = await uploadFiles(s3, files, {
      bucket: values.s3Bucket,
      prefix,
      concurrency: values.s3Concurrency ?? 16,
      partSize,
      multipartThreshold,
      checksums: values.s3Checksums,
      apply: (what, effect) => (values.dryRun ? (deps.log(`[dry-run] would ${what}`), Promise.resolve(undefined)) : effect()),
      log: deps.log,
    });
    const keys = [...report.uploaded, ...report.skipped].map((o) => o.key).sort();
    outcome.s3Uris = keys.map((k) => `s3://${values.s3Bucket}/${k}`);
    outcome.s3 = { ...report, bucket: values.s3Bucket, prefix };
    if (values.dryRun) changes.list.push({ description: `upload ${report.uploaded.length} objects (${formatBytes(report.bytesUploaded)}) to s3://${values.s3Bucket}/${prefix}`, applied: false });
    else changes.list.push({ description: `upload ${report.uploaded.length} objects to s3://${values.s3Bucket}/${prefix}`, applied: true });
    deps.log(
      `s3://${values.s3Bucket}/${prefix}: ${report.uploaded.length} ${values.dryRun ? 'to upload' : 'uploaded'} (${formatBytes(report.bytesUploaded)}), ${report.skipped.length} already identical, ${formatBytes(report.bytesTotal)} in ${files.length} files`,
    );
  }
  return outcome;
}
