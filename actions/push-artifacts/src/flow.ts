/**
 * push-artifacts' run, as named phases over a validated plan (config.ts):
 *
 *   1. Read the sources   load every image (and compress uncompressed layers), list the S3 files:
 *                         an unreadable image or an empty S3 source fails before anything changes
 *   2. Log in             the registry of each target (and of each of `registries`), the ECR or
 *                         ECR Public login for the hosts it may go to, a docker config for later steps
 *   3. Repositories       ECR repositories checked, created when asked
 *   4. Push / Promote / Push with docker
 *   5. Upload to S3
 *
 * Each phase runs under a log group and records its outcome for the step summary. Every outside
 * service comes in `deps` (registry client, ECR, S3, docker CLI and config files, clock, log), so the
 * orchestration is unit-tested with fakes (flow.test.ts). Every side effect goes through
 * `changes.apply` (core's dry-run switch): in a dry run it is logged and listed instead of done,
 * while the read-only checks (sources hashed, login, tags in place, objects identical) still run.
 */
import { tmpdir } from 'node:os';
import { ActionError, Changes, errorMessage, formatSeconds, inheritedEnvironment, type PhaseReport } from '@deploy-kit/core';
import { awsEndpointFromEnv } from '@deploy-kit/core/aws';
import type { EcrPublicApi } from '@deploy-kit/core/ecr-public';
import {
  ecrHost,
  ecrPublicRepository,
  formatReference,
  parseEcrHost,
  registryBaseUrl,
  type Login,
  type RegistryAddress,
} from '@deploy-kit/core/oci';
import type { RegistryCredentials } from '@deploy-kit/core/oci/client';
import { LayerCompressor, type CompressionReport } from './compress.js';
import type { PushConfig } from './config.js';
import { dockerPush, type Runner } from './docker.js';
import { promote, type EcrApi, type EcrLogin } from './ecr.js';
import { SourceError, loadImage, verifyBlobs, type LoadedImage } from './layout.js';
import { ecrTokenMayGo, loginPlan, type LoginPlan } from './logins.js';
import { formatBytes, pool, pushImages, type PushJob, type RegistryApi } from './push.js';
import { explainRegistryError, type RegistryContext } from './registry-errors.js';
import { planUpload, uploadFiles, type LocalFile, type S3Api, type UploadReport } from './s3.js';
import { expandTemplate, resolveTargets, type ImageTarget } from './targets.js';

export interface FlowDeps {
  env: NodeJS.ProcessEnv;
  ecr(region: string): Promise<EcrApi>;
  /** ECR Public's API (us-east-1): the public.ecr.aws login and repositories. */
  ecrPublic(): Promise<EcrPublicApi>;
  s3(region: string): Promise<S3Api>;
  registry(baseUrl: string, credentials: RegistryCredentials | undefined): FlowRegistry;
  dockerConfig: {
    /** A docker config with `logins` for later steps of the job (exported as DOCKER_CONFIG; the post step removes it). */
    writeForJob(runnerTemp: string, logins: Login[]): Promise<string>;
    /** A docker config for this step's own docker CLI only (`mode: docker`); removed with `remove` when the push ends. */
    writeForStep(base: string, logins: Login[]): Promise<string>;
    remove(dir: string): Promise<void>;
  };
  /** Runs the docker CLI (`mode: docker`). */
  docker: Runner;
  clock: { now(): number };
  log: {
    info(message: string): void;
    warning(message: string): void;
    /** Runs `fn` inside a collapsible log group (core.group). */
    group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  };
}

export type { PhaseReport } from '@deploy-kit/core';

/** What the flow asks of a registry: a push, a reachability check, and a manifest read (promotion by the registry API). */
export type FlowRegistry = RegistryApi & {
  ping(): Promise<void>;
  getManifest(repository: string, reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string } | undefined>;
};

/** One registry of the run, for the `registries` output. */
export interface RegistryReport {
  registry: string;
  /** The login it got: `ecr`, `ecr-public`, `loopback` (the ECR token, local testing) or `none` (anonymous). */
  login: LoginPlan['kind'];
  username?: string;
  /** When the login expires (ISO 8601). */
  expiresAt?: string;
}

export interface Outcome {
  registry: string;
  /** Every registry of the run, in order: the login each got. */
  registries: RegistryReport[];
  digests: Record<string, string>;
  images: string[];
  s3Uris: string[];
  dockerConfig: string;
  /** Step summary rows: image, digest, result, blobs. */
  rows: string[][];
  changes: Changes;
  s3?: UploadReport & { bucket: string; prefix: string };
  /** Images whose uncompressed layers were gzip-compressed before the push (`compress-layers`). */
  compressed: Array<CompressionReport & { source: string }>;
  phases: PhaseReport[];
}

export interface FlowResult {
  outcome: Outcome;
  /** Set when a phase failed; `outcome` then holds what was done before. */
  failure?: unknown;
}

/** What the phases share. */
interface Run {
  config: PushConfig;
  deps: FlowDeps;
  changes: Changes;
  outcome: Outcome;
  compressor: LayerCompressor;
  /** The targets, with their registry once it is known (phase 2). */
  targets: ImageTarget[];
  /** Loaded images by source path, and the first target each was loaded for (for messages). */
  loaded: Map<string, LoadedImage>;
  sourceOf: Map<string, ImageTarget>;
  /** Hashes every blob, once, before the first write anywhere. */
  verify: () => Promise<void>;
  s3Files?: LocalFile[];
  /** ECR in `config.region` (set by the login phase when `registry-auth` is `ecr`). */
  ecr?: EcrApi;
  /** ECR clients of other regions (`registries` in other regions), made on first need. */
  ecrs: Map<string, Promise<EcrApi>>;
  ecrPublic?: Promise<EcrPublicApi>;
  logins: Map<string, Login>;
  plans: Map<string, LoginPlan>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function runFlow(config: PushConfig, deps: FlowDeps): Promise<FlowResult> {
  const changes = new Changes(config.dryRun, (m) => deps.log.info(m));
  const outcome: Outcome = {
    registry: '',
    registries: [],
    digests: {},
    images: [],
    s3Uris: [],
    dockerConfig: '',
    rows: [],
    changes,
    compressed: [],
    phases: [],
  };
  // Compressed layers live in a private temporary directory until the push has read them; it is
  // removed at the end, also when the step fails (and the runner empties RUNNER_TEMP after the job).
  const compressor = new LayerCompressor({ tempBase: deps.env.RUNNER_TEMP || tmpdir(), write: !config.dryRun });
  const run: Run = {
    config,
    deps,
    changes,
    outcome,
    compressor,
    targets: config.targets,
    loaded: new Map(),
    sourceOf: new Map(),
    verify: async () => undefined,
    ecrs: new Map(),
    logins: new Map(),
    plans: new Map(),
  };
  for (const warning of config.warnings) deps.log.warning(warning);
  for (const endpoint of ['ECR', 'ECR PUBLIC', 'STS', 'S3']) {
    const url = awsEndpointFromEnv(endpoint, deps.env);
    if (url) deps.log.info(`AWS ${endpoint} endpoint: ${url}`);
  }
  const hasTargets = config.targets.length > 0;
  try {
    if ((hasTargets && config.mode === 'push') || config.s3) await phase(run, 'Read the sources', () => readSources(run));
    if (hasTargets || config.mode === 'login') await phase(run, 'Log in', () => logIn(run));
    if (run.ecr && hasTargets && config.mode !== 'promote') await phase(run, 'Repositories', () => repositories(run));
    if (hasTargets && config.mode === 'push') await phase(run, 'Push images', () => pushPhase(run));
    if (hasTargets && config.mode === 'promote') await phase(run, 'Promote images', () => promotePhase(run));
    if (hasTargets && config.mode === 'docker') await phase(run, 'Push images with docker', () => dockerPhase(run));
    if (config.s3) await phase(run, 'Upload to S3', () => s3Phase(run));
    return { outcome };
  } catch (error) {
    return { outcome, failure: error };
  } finally {
    await compressor.dispose();
  }
}

/** Runs one phase in a log group and records its outcome (or its failure) and duration. */
async function phase(run: Run, name: string, body: () => Promise<string>): Promise<void> {
  const { clock, log } = run.deps;
  const started = clock.now();
  try {
    const outcome = await log.group(name, body);
    run.outcome.phases.push({ name, outcome, ms: clock.now() - started });
  } catch (error) {
    run.outcome.phases.push({ name, outcome: `failed: ${errorMessage(error).split('\n')[0]}`, ms: clock.now() - started, failed: true });
    throw error;
  }
}

// --- 1. Read the sources ---------------------------------------------------------------------------
// An unreadable image or an empty S3 source fails the step before a repository is created or an
// image pushed: nothing is half-published.
async function readSources(run: Run): Promise<string> {
  const { config, outcome, loaded, sourceOf } = run;
  const parts: string[] = [];
  if (config.mode === 'push') {
    for (const target of config.targets) {
      const path = expandTemplate(config.source, target);
      if (loaded.has(path)) continue;
      sourceOf.set(path, target);
      const image = await loadOne(run, path, target);
      loaded.set(path, image);
    }
    // Every blob is hashed before a repository is created for it (once, on first need), and as it is
    // uploaded (the registry client withholds the bytes that would complete a blob that does not
    // match): a re-push that finds every tag in place reads no blob at all. A dry run hashes them
    // here: it checks what a real run would.
    let verification: Promise<void> | undefined;
    run.verify = () => (verification ??= verifyAll(run));
    if (config.dryRun && loaded.size > 0) await run.verify();
    const blobs = new Map<string, number>();
    for (const image of loaded.values()) for (const [digest, blob] of image.blobs) blobs.set(digest, blob.size);
    const bytes = [...blobs.values()].reduce((n, b) => n + b, 0);
    parts.push(
      `${plural(loaded.size, 'image')}, ${plural(blobs.size, 'blob')} (${formatBytes(bytes)})${config.dryRun ? ', hashed' : ', hashed before the first write'}`,
    );
    if (outcome.compressed.length > 0)
      parts.push(
        `${plural(
          outcome.compressed.reduce((n, c) => n + c.layers, 0),
          'layer',
        )} compressed`,
      );
  }
  if (config.s3) {
    const files = await planUpload({
      sources: config.s3.sources,
      prefix: config.s3.prefix,
      contentTypes: config.s3.contentTypes,
      cacheControl: config.s3.cacheControl,
      sourceInput: 's3-source',
    });
    run.s3Files = files;
    parts.push(`${plural(files.length, 'file')} for S3 (${formatBytes(files.reduce((n, f) => n + f.size, 0))})`);
  }
  return parts.join('; ');
}

async function loadOne(run: Run, path: string, target: ImageTarget): Promise<LoadedImage> {
  const { config, deps, outcome, compressor } = run;
  const unreadable = (error: unknown) =>
    error instanceof SourceError
      ? new ActionError(`Cannot read the image for ${target.repository}: ${error.message}.`, {
          why: `input "source" (${config.source}) gives ${path} for service ${target.service}`,
          check: error.check ?? 'the build step wrote an OCI layout or docker save archive there',
        })
      : error;
  let image: LoadedImage;
  let report: CompressionReport | undefined;
  try {
    image = await loadImage(path);
  } catch (error) {
    throw unreadable(error);
  }
  // Uncompressed layers (docker save) are gzip-compressed here, before any registry change, so the
  // digests are known and a corrupted layer fails the step before anything is pushed.
  try {
    ({ image, report } = await compressor.compress(image, config.compressLayers));
  } catch (error) {
    if (error instanceof SourceError) throw unreadable(error);
    throw new ActionError(`Cannot compress the layers of ${path}: ${errorMessage(error)}.`, {
      why: `compress-layers is ${config.compressLayers}: uncompressed layers are gzip-compressed into ${deps.env.RUNNER_TEMP ? 'RUNNER_TEMP' : 'the temporary directory'} before the push`,
      check: ['there is free disk space for the compressed layers there', 'or set `compress-layers: none` to push the layers as they are'],
      cause: error,
    });
  }
  const platforms = image.root.children.map((c) => c.platform).filter(Boolean);
  if (report) {
    outcome.compressed.push({ source: path, ...report });
    const what = `${report.layers} layer${report.layers === 1 ? '' : 's'}: ${formatBytes(report.bytesBefore)} → ${formatBytes(report.bytesAfter)} in ${formatSeconds(report.ms)}`;
    deps.log.info(
      report.written
        ? `${path}: compressed ${what} (gzip level ${report.level})`
        : `[dry-run] ${path}: would compress ${what} (gzip level ${report.level}; compressed in memory to measure, nothing written)`,
    );
  }
  deps.log.info(
    `${path}: ${image.kind}, ${image.root.digest}${platforms.length ? ` (${platforms.join(', ')})` : ''}, ${image.blobs.size} blobs`,
  );
  return image;
}

async function verifyAll(run: Run): Promise<void> {
  for (const [path, image] of run.loaded) {
    try {
      await verifyBlobs([image]);
    } catch (error) {
      const target = run.sourceOf.get(path)!;
      if (!(error instanceof SourceError)) throw error;
      throw new ActionError(`Cannot read the image for ${target.repository}: ${error.message}.`, {
        why: `input "source" (${run.config.source}) gives ${path} for service ${target.service}; every blob is hashed before anything is created or pushed`,
        check: error.check ?? 'the build step wrote an OCI layout or docker save archive there',
      });
    }
  }
}

// --- 2. Log in -------------------------------------------------------------------------------------
// The ECR login goes only to the registry it was issued for (logins.ts): an ECR host, checked
// against GetAuthorizationToken's proxyEndpoint, or the loopback registry the `registry` input
// names. Every other host gets no login, and no ECR repository check: it is pushed to anonymously.
function namedRegistries(config: PushConfig): RegistryAddress[] {
  return config.registry ? [config.registry, ...config.registries] : config.registries;
}

function baseUrlOf(run: Run, host: string): string {
  const named = namedRegistries(run.config).find((address) => address.host === host);
  return registryBaseUrl(host, named?.scheme);
}

/** The ECR API of the region `host` is in (the run's region for a loopback stand-in). */
async function ecrFor(run: Run, host: string): Promise<EcrApi> {
  const region = parseEcrHost(host)?.region ?? run.config.region;
  if (region === run.config.region) return (run.ecr ??= await run.deps.ecr(region));
  let api = run.ecrs.get(region);
  if (!api) run.ecrs.set(region, (api = run.deps.ecr(region)));
  return api;
}

function ecrPublicApi(run: Run): Promise<EcrPublicApi> {
  return (run.ecrPublic ??= run.deps.ecrPublic());
}

async function ecrLoginFor(run: Run, host: string, plan: LoginPlan): Promise<EcrLogin> {
  const login =
    plan.kind === 'ecr-public'
      ? await (await ecrPublicApi(run)).login()
      : await (await ecrFor(run, host)).login(plan.kind === 'ecr' ? plan.account : undefined);
  if (!ecrTokenMayGo(plan, login.proxyEndpoint, baseUrlOf(run, host))) {
    throw new ActionError(
      `ECR issued its login for ${login.proxyEndpoint || '(no registry named)'}, not for ${host}, so it is not sent to ${host}.`,
      {
        why: "a credential goes only to the registry it was issued for (GetAuthorizationToken's proxyEndpoint)",
        check: [
          'the registry host in `images` / `registry` is the one GetAuthorizationToken names for this account and region',
          'AWS_ENDPOINT_URL_ECR, when set, points at the ECR API of that registry',
        ],
      },
    );
  }
  const issuedFor =
    plan.kind === 'loopback'
      ? `ECR token; ${host} is the loopback registry the \`registry\` input names, which gets it for local testing`
      : plan.kind === 'ecr-public'
        ? `ECR Public token for ${host}, from ECR Public's API in us-east-1`
        : `ECR token for ${host}`;
  run.deps.log.info(
    `Obtained the ECR login for ${host} as ${login.username} (${issuedFor}${login.expiresAt ? `; valid until ${login.expiresAt.toISOString()}` : ''}); not checked yet: the registry checks it on first use`,
  );
  run.logins.set(host, { host, username: login.username, password: login.password });
  run.outcome.registries.push({
    registry: host,
    login: plan.kind,
    username: login.username,
    ...(login.expiresAt ? { expiresAt: login.expiresAt.toISOString() } : {}),
  });
  return login;
}

/**
 * The targets once more for each of `registries`: the same repository path (without the `registry`
 * input's namespace) under that registry's namespace, with the same tags and source.
 */
export function targetsForRegistries(targets: ImageTarget[], config: Pick<PushConfig, 'registry' | 'registries'>): ImageTarget[] {
  const out = [...targets];
  const keys = new Set(targets.map((t) => `${t.host}/${t.repository}`));
  for (const address of config.registries) {
    for (const target of targets) {
      const namespace = config.registry && config.registry.host === target.host ? config.registry.namespace : '';
      const path =
        namespace && target.repository.startsWith(`${namespace}/`) ? target.repository.slice(namespace.length + 1) : target.repository;
      const repository = address.namespace ? `${address.namespace}/${path}` : path;
      const key = `${address.host}/${repository}`;
      if (keys.has(key)) continue;
      keys.add(key);
      out.push({ ...target, host: address.host, repository });
    }
  }
  return out;
}

async function logIn(run: Run): Promise<string> {
  const { config, deps, outcome, changes } = run;
  const said: string[] = [];
  if (config.targets.length > 0) {
    let registry = config.registry;
    if (config.registryAuth === 'ecr') {
      run.ecr = await deps.ecr(config.region);
      if (!registry && config.targets.some((t) => t.host === '')) {
        const account = await run.ecr.callerAccount();
        registry = { host: ecrHost(account, config.region), namespace: '' };
        deps.log.info(`Registry ${registry.host} (account ${account}, from STS GetCallerIdentity)`);
      }
    }
    const resolved = resolveTargets(config.targets, registry);
    run.targets = targetsForRegistries(resolved, { registry: registry ?? config.registry, registries: config.registries });
    outcome.registry = registry?.host ?? run.targets[0]!.host;
    for (const host of new Set(run.targets.map((t) => t.host))) {
      const plan = loginPlan(host, config.registryAuth, namedRegistries(config));
      run.plans.set(host, plan);
      // Promotion goes through the ECR API (no registry login), except on ECR Public, which has no
      // BatchGetImage: there the registry API reads the manifest and tags it.
      if (config.mode === 'promote' && plan.kind !== 'ecr-public') {
        outcome.registries.push({ registry: host, login: plan.kind });
        continue;
      }
      if (plan.kind === 'none') {
        outcome.registries.push({ registry: host, login: 'none' });
        if (config.registryAuth === 'ecr')
          deps.log.info(`${host}: no ECR login and no ECR repository check (${plan.reason}); pushing to it anonymously.`);
        said.push(`${host}: anonymous`);
        continue;
      }
      await ecrLoginFor(run, host, plan);
      said.push(`${host}: ${plan.kind === 'ecr-public' ? 'ECR Public login' : 'ECR login'}`);
    }
    const byApi = [...run.plans].filter(([, plan]) => plan.kind !== 'ecr-public').map(([host]) => host);
    if (config.mode === 'promote' && byApi.length > 0) said.push(`ECR API for ${byApi.join(', ')} (no registry login)`);
  }
  if (config.mode === 'login') {
    // amazon-ecr-login's job: a login for later steps and nothing else (the registries were checked
    // in config.ts): `registry` (or, with no `registries`, the account's own), then each of `registries`.
    run.ecr = await deps.ecr(config.region);
    const hosts = [
      ...(config.registry || config.registries.length === 0
        ? [config.registry?.host ?? ecrHost(await run.ecr.callerAccount(), config.region)]
        : []),
      ...config.registries.map((address) => address.host),
    ];
    for (const host of new Set(hosts)) {
      const plan = loginPlan(host, 'ecr', namedRegistries(config));
      if (plan.kind === 'none') {
        throw new ActionError(`The account's ECR registry ${host} is not one the ECR login may go to (${plan.reason}).`, {
          check: 'AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL point at ECR',
        });
      }
      const login = await ecrLoginFor(run, host, plan);
      outcome.registry ||= host;
      outcome.rows.push([host, '', 'logged in', login.expiresAt ? `token valid until ${login.expiresAt.toISOString()}` : '']);
      said.push(
        `${host}: ${plan.kind === 'ecr-public' ? 'ECR Public login' : 'ECR login'}${login.expiresAt ? ` until ${login.expiresAt.toISOString()}` : ''}`,
      );
    }
  }

  if ((config.dockerConfig || config.mode === 'login') && run.logins.size > 0) {
    const runnerTemp = deps.env.RUNNER_TEMP;
    if (!runnerTemp)
      throw new ActionError('docker-config: RUNNER_TEMP is not set, so there is no private place for the docker config.', {
        check: 'run this on a GitHub Actions runner',
      });
    await changes.apply(`write a docker config for ${[...run.logins.keys()].join(', ')} and set DOCKER_CONFIG`, async () => {
      outcome.dockerConfig = await deps.dockerConfig.writeForJob(runnerTemp, [...run.logins.values()]);
    });
    said.push(config.dryRun ? 'docker config not written (dry run)' : 'docker config written (DOCKER_CONFIG)');
  } else if (config.dockerConfig && config.registryAuth === 'none') {
    deps.log.warning('docker-config: true has no effect with registry-auth: none (there is no login to write).');
  } else if (config.dockerConfig && config.mode !== 'promote') {
    deps.log.warning(
      'docker-config: true wrote nothing: none of the registries is one the ECR login goes to (an ECR registry, or the loopback registry `registry` names).',
    );
  }
  return said.join('; ') || 'no login (registry-auth: none)';
}

// --- 3. Repositories -------------------------------------------------------------------------------
async function repositories(run: Run): Promise<string> {
  const { config, deps, changes } = run;
  let existing = 0;
  let created = 0;
  let skipped = 0;
  // ECR is asked about every repository first, `concurrency` at a time (read-only): a release of ten
  // services waits for about one round trip to ECR instead of ten. What each answer leads to (go on,
  // fail, create) is then decided target by target, in order, as before.
  const key = (target: ImageTarget) => `${target.host}\n${target.repository}`;
  const inEcr = new Map<string, ImageTarget>();
  for (const target of run.targets) {
    const kind = run.plans.get(target.host)?.kind;
    if (kind !== 'none' && kind !== 'ecr-public' && !inEcr.has(key(target))) inEcr.set(key(target), target);
  }
  const described = new Map<string, Promise<unknown>>();
  await pool([...inEcr], config.concurrency, async ([k, target]) => {
    const answer = ecrFor(run, target.host).then((ecr) => ecr.describeRepository(target.repository, parseEcrHost(target.host)?.account));
    described.set(k, answer);
    // A failure is thrown below, when its target's turn comes.
    await answer.catch(() => undefined);
  });
  const createdHere = new Set<string>();
  for (const target of run.targets) {
    const plan = run.plans.get(target.host);
    if (plan?.kind === 'none') {
      skipped++; // not an ECR registry (see the login)
      continue;
    }
    if (plan?.kind === 'ecr-public') {
      const outcome = await publicRepository(run, target);
      if (outcome === 'created') created++;
      else existing++;
      continue;
    }
    const ecr = await ecrFor(run, target.host);
    const registryId = parseEcrHost(target.host)?.account;
    if (createdHere.has(key(target)) || (await described.get(key(target)))) {
      existing++;
      continue;
    }
    if (!config.createRepositories) {
      throw new ActionError(`ECR repository "${target.repository}" does not exist${registryId ? ` in registry ${registryId}` : ''}.`, {
        why: 'pushing to a missing repository fails',
        check: [
          'Repository not found: set `create-repositories: true`, or create it first: ' +
            `aws ecr create-repository --repository-name ${target.repository} --region ${config.region}`,
          'the image name is right (image-tags `kind` and prefix)',
        ],
      });
    }
    await run.verify();
    await changes.apply(
      `create ECR repository ${target.repository} (scan on push ${config.scanOnPush ? 'on' : 'off'}, tags ${config.tagMutability})`,
      async () => {
        await ecr.createRepository(target.repository, { scanOnPush: config.scanOnPush, mutability: config.tagMutability }, registryId);
        deps.log.info(`Created ECR repository ${target.repository}`);
      },
    );
    createdHere.add(key(target));
    created++;
  }
  const parts = [`${existing} exist`];
  if (created > 0) parts.push(`${created} ${config.dryRun ? 'would be created' : 'created'}`);
  if (skipped > 0) parts.push(`${skipped} not in ECR`);
  return parts.join(', ');
}

/** An ECR Public repository (`<alias>/<name>`): checked through ECR Public's API, created when asked. */
async function publicRepository(run: Run, target: ImageTarget): Promise<'exists' | 'created'> {
  const { config, deps, changes } = run;
  const name = ecrPublicRepository(target.repository)?.repository ?? target.repository;
  const api = await ecrPublicApi(run);
  if (await api.describeRepository(name)) return 'exists';
  if (!config.createRepositories) {
    throw new ActionError(
      `ECR Public repository "${name}" does not exist in this account's public registry (${target.host}/${target.repository}).`,
      {
        why: 'pushing to a missing repository fails',
        check: [
          `Repository not found: set \`create-repositories: true\`, or create it first: aws ecr-public create-repository --repository-name ${name} --region us-east-1`,
          'the registry alias in `registries` / `registry` (public.ecr.aws/<alias>) is the one of this account',
        ],
      },
    );
  }
  await run.verify();
  await changes.apply(`create ECR Public repository ${name}`, async () => {
    await api.createRepository(name);
    deps.log.info(`Created ECR Public repository ${name}`);
  });
  return 'created';
}

// --- 4. Images -------------------------------------------------------------------------------------
async function pushPhase(run: Run): Promise<string> {
  const { config, deps, outcome, changes } = run;
  const jobsByHost = new Map<string, PushJob[]>();
  for (const target of run.targets) {
    // Loaded in phase 1, before any change; the path does not depend on the registry.
    const image = run.loaded.get(expandTemplate(config.source, target))!;
    const jobs = jobsByHost.get(target.host) ?? [];
    jobs.push({ repository: target.repository, tags: target.tags, image });
    jobsByHost.set(target.host, jobs);
  }
  const counts = { pushed: 0, unchanged: 0 };
  for (const [host, jobs] of jobsByHost) {
    const login = run.logins.get(host);
    const plan = run.plans.get(host);
    const context: RegistryContext = {
      host,
      url: baseUrlOf(run, host),
      withheld: plan?.kind === 'none' && config.registryAuth === 'ecr' ? plan.reason : undefined,
    };
    const client = deps.registry(context.url, login ? { username: login.username, password: login.password } : undefined);
    // A real run's first request is the HEAD of the first tag (the client learns the auth scheme from
    // it, one round trip less than a `GET /v2/` first); its failure is explained like any other below.
    // A dry run changes nothing, so it asks `/v2/` to tell whether the registry answers at all.
    let reachable = true;
    if (config.dryRun) {
      try {
        await client.ping();
      } catch (error) {
        reachable = false;
        deps.log.warning(`dry-run: the registry ${host} did not answer (${errorMessage(error)}); a real run would fail here.`);
      }
    }
    const description = jobs
      .map(
        (job) =>
          `push ${job.image.root.digest} (${job.image.blobs.size} blobs, ${formatBytes([...job.image.blobs.values()].reduce((n, b) => n + b.size, 0))}) to ${host}/${job.repository}:${job.tags.join(',')}`,
      )
      .join('; ');
    const results = await changes.apply(description, () =>
      pushImages(client, jobs, {
        chunkSize: config.chunkSize,
        concurrency: config.concurrency,
        log: (m) => deps.log.info(m),
      }).catch((error: unknown) => {
        throw explainRegistryError(error, context, jobs.map((j) => j.repository).join(', '));
      }),
    );
    if (results) {
      for (const result of results) {
        for (const tag of result.tags) {
          const reference = formatReference(host, result.repository, tag.tag);
          outcome.digests[reference] = result.digest;
          outcome.images.push(reference);
          counts[tag.status === 'unchanged' ? 'unchanged' : 'pushed']++;
          outcome.rows.push([
            reference,
            result.digest,
            tag.status === 'unchanged' ? 'already there' : 'pushed',
            `${result.blobs.uploaded} up (${formatBytes(result.blobs.bytesUploaded)}), ${result.blobs.mounted} mounted, ${result.blobs.existing} existing`,
          ]);
        }
      }
      continue;
    }
    // Dry run: read-only checks (the login works, and which tags already point at this image).
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
        const there = current === job.image.root.digest;
        counts[there ? 'unchanged' : 'pushed']++;
        outcome.digests[reference] = job.image.root.digest;
        outcome.images.push(reference);
        outcome.rows.push([reference, job.image.root.digest, there ? 'already there' : 'would push', `${job.image.blobs.size} blobs`]);
      }
    }
  }
  return `${plural(counts.pushed, 'tag')} ${config.dryRun ? 'to push' : 'pushed'}, ${counts.unchanged} already there`;
}

async function promotePhase(run: Run): Promise<string> {
  const { config, deps, outcome, changes } = run;
  const counts = { promoted: 0, unchanged: 0 };
  for (const target of run.targets) {
    if (run.plans.get(target.host)?.kind === 'ecr-public') {
      const byRegistry = await promoteByRegistry(run, target);
      counts.promoted += byRegistry.promoted;
      counts.unchanged += byRegistry.unchanged;
      continue;
    }
    const result = await promote(
      await ecrFor(run, target.host),
      { repository: target.repository, registryId: parseEcrHost(target.host)?.account, from: config.promoteFrom, tags: target.tags },
      (what, effect) => changes.apply(what, effect),
    );
    for (const tag of result.tags) {
      const reference = formatReference(target.host, target.repository, tag.tag);
      outcome.digests[reference] = result.digest;
      outcome.images.push(reference);
      counts[tag.status === 'unchanged' ? 'unchanged' : 'promoted']++;
      const status = config.dryRun && tag.status === 'pushed' ? 'would promote' : tag.status === 'unchanged' ? 'already there' : 'promoted';
      outcome.rows.push([reference, result.digest, status, `from ${config.promoteFrom} (${result.mediaType})`]);
    }
    deps.log.info(`${target.host}/${target.repository}: ${config.promoteFrom} (${result.digest}) → ${target.tags.join(', ')}`);
  }
  return `${plural(counts.promoted, 'tag')} ${config.dryRun ? 'to promote' : 'promoted'} from ${config.promoteFrom}, ${counts.unchanged} already there`;
}

/**
 * Promotion on ECR Public, whose API has no BatchGetImage: the manifest `promote-from` names is read
 * from the registry and put under each tag (the same bytes, so the same digest); a tag already there
 * is left. Counted by tags promoted or unchanged, as the ECR path counts them.
 */
async function promoteByRegistry(run: Run, target: ImageTarget): Promise<{ promoted: number; unchanged: number }> {
  const { config, deps, outcome, changes } = run;
  const login = run.logins.get(target.host);
  const context: RegistryContext = { host: target.host, url: baseUrlOf(run, target.host) };
  const client = deps.registry(context.url, login ? { username: login.username, password: login.password } : undefined);
  const explain = (error: unknown) => explainRegistryError(error, context, target.repository);
  const source = await client.getManifest(target.repository, config.promoteFrom).catch((error: unknown) => {
    throw explain(error);
  });
  if (!source) {
    throw new ActionError(
      `Promote failed: ${target.host}/${target.repository}:${config.promoteFrom} does not exist, so there is nothing to promote.`,
      {
        check: ['`promote-from` names the tag (or digest) that was tested, e.g. v1.2.3-rc.2', 'that build pushed to this repository too'],
      },
    );
  }
  let promoted = 0;
  for (const tag of target.tags) {
    const reference = formatReference(target.host, target.repository, tag);
    const current = await client.manifestDigest(target.repository, tag).catch((error: unknown) => {
      throw explain(error);
    });
    const status = current === source.digest ? 'already there' : config.dryRun ? 'would promote' : 'promoted';
    if (current !== source.digest) {
      await changes.apply(`tag ${target.host}/${target.repository}@${source.digest} as ${tag} (registry API)`, async () => {
        await client.putManifest(target.repository, tag, source).catch((error: unknown) => {
          throw explain(error);
        });
      });
      promoted++;
    }
    outcome.digests[reference] = source.digest;
    outcome.images.push(reference);
    outcome.rows.push([reference, source.digest, status, `from ${config.promoteFrom} (${source.mediaType})`]);
  }
  deps.log.info(`${target.host}/${target.repository}: ${config.promoteFrom} (${source.digest}) → ${target.tags.join(', ')} (registry API)`);
  return { promoted, unchanged: target.tags.length - promoted };
}

async function dockerPhase(run: Run): Promise<string> {
  const { config, deps, outcome, changes } = run;
  const requests = run.targets.map((t) => ({
    source: config.source ? expandTemplate(config.source, t) : '',
    references: t.tags.map((tag) => formatReference(t.host, t.repository, tag)),
  }));
  const references = requests.flatMap((r) => r.references);
  const digests = await changes.apply(`docker push ${references.join(', ')}`, async () => {
    // The docker CLI gets the login through a docker config of its own: the one exported for later
    // steps (`docker-config: true`), else a private one for this step, removed when it ends, also on
    // failure. Never `docker login`, which would leave it in ~/.docker/config.json (or a keyring).
    // Without a login of ours (every host anonymous), docker keeps the user's own configuration.
    let stepConfig: string | undefined;
    if (!outcome.dockerConfig && run.logins.size > 0)
      stepConfig = await deps.dockerConfig.writeForStep(deps.env.RUNNER_TEMP || tmpdir(), [...run.logins.values()]);
    const configDir = outcome.dockerConfig || stepConfig;
    const env = { ...inheritedEnvironment(deps.env), ...(configDir ? { DOCKER_CONFIG: configDir } : {}) };
    try {
      return await dockerPush(deps.docker, env, requests, (m) => deps.log.info(m));
    } finally {
      if (stepConfig) {
        const dir = stepConfig;
        await deps.dockerConfig.remove(dir).then(
          () => deps.log.info(`Removed the docker config ${dir} that held the login for docker push.`),
          (error: unknown) =>
            deps.log.warning(
              `Could not remove the docker config ${dir} that holds the registry login: ${errorMessage(error)}. The post step tries again, and the runner empties RUNNER_TEMP when the job ends.`,
            ),
        );
      }
    }
  });
  if (!digests) return `${plural(references.length, 'reference')} to push with docker`;
  for (const ref of references) {
    outcome.images.push(ref);
    if (digests.has(ref)) outcome.digests[ref] = digests.get(ref)!;
    outcome.rows.push([ref, digests.get(ref) ?? '', 'pushed (docker)', '']);
  }
  return `${plural(references.length, 'reference')} pushed with docker`;
}

// --- 5. S3 -----------------------------------------------------------------------------------------
async function s3Phase(run: Run): Promise<string> {
  const { config, deps, outcome, changes } = run;
  const s3Config = config.s3!;
  const files = run.s3Files!;
  const api = await deps.s3(config.region);
  const report = await uploadFiles(api, files, {
    bucket: s3Config.bucket,
    prefix: s3Config.prefix,
    concurrency: s3Config.concurrency,
    partSize: s3Config.partSize,
    multipartThreshold: s3Config.multipartThreshold,
    checksums: s3Config.checksums,
    apply: (what, effect) => changes.apply(what, effect),
    log: (m) => deps.log.info(m),
  });
  const keys = [...report.uploaded, ...report.skipped].map((o) => o.key).sort();
  outcome.s3Uris = keys.map((k) => `s3://${s3Config.bucket}/${k}`);
  outcome.s3 = { ...report, bucket: s3Config.bucket, prefix: s3Config.prefix };
  const summary = `${report.uploaded.length} ${config.dryRun ? 'to upload' : 'uploaded'} (${formatBytes(report.bytesUploaded)}), ${report.skipped.length} already identical`;
  deps.log.info(`s3://${s3Config.bucket}/${s3Config.prefix}: ${summary}, ${formatBytes(report.bytesTotal)} in ${files.length} files`);
  return `s3://${s3Config.bucket}/${s3Config.prefix}: ${summary}`;
}
