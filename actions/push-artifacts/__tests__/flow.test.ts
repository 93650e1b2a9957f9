// push-artifacts' orchestration through its injected services: which phases run, in which order and
// under which log group; where the login goes; that a dry run changes nothing; that a failure stops the
// phases after it and is recorded; what the outputs and the summary say. The fakes keep the rules a
// real service has (an ECR token for its proxyEndpoint, repositories that must exist, a registry that
// stores what it is sent); the images are real OCI layouts on disk.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ActionError, InputError, renderSummary } from '@deploy-kit/core';
import type { Login } from '@deploy-kit/core/oci';
import type { RegistryCredentials, UploadResult } from '@deploy-kit/core/oci/client';
import { makeOciLayout } from '../../../action-tests/lib/oci-images.mjs';
import { getInputs, type PushConfig } from '../src/config.js';
import type { CommandResult } from '../src/docker.js';
import type { EcrApi, EcrImage, EcrLogin, EcrRepository } from '../src/ecr.js';
import type { EcrPublicApi } from '@deploy-kit/core/ecr-public';
import { runFlow, type FlowDeps, type FlowRegistry } from '../src/flow.js';
import type { ObjectParams, RemoteObject, S3Api } from '../src/s3.js';
import { mainOutputs, outputsJson, perRegistryOutputs, registriesOutput, summary } from '../src/summary.js';

const ACCOUNT = '123456789012';
const ECR = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const ENV = { AWS_REGION: 'eu-west-1', GITHUB_REF: 'refs/tags/v1.2.3' };

let work: string;
let layout: string;
let bins: string;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pa-flow-'));
  layout = (await makeOciLayout(join(work, 'oci'), { layers: [600, 900] })).layout;
  bins = join(work, 'bin');
  mkdirSync(bins);
  writeFileSync(join(bins, 'ms_core'), 'core binary');
  writeFileSync(join(bins, 'ms_chat'), 'chat binary');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The plan exactly as main.ts makes it from action.yml-style raw inputs. */
async function plan(raw: Record<string, string>, env: NodeJS.ProcessEnv = ENV): Promise<PushConfig> {
  return getInputs((name) => raw[name] ?? '', env);
}

/** ECR as AWS answers: a token for the registry of the account asked for; repositories that exist or not. */
class FakeEcr implements EcrApi {
  constructor(readonly region = 'eu-west-1') {}
  calls: string[] = [];
  repositories = new Map<string, EcrRepository>();
  images = new Map<string, EcrImage>();
  async callerAccount() {
    this.calls.push('GetCallerIdentity');
    return ACCOUNT;
  }
  async login(registryId?: string): Promise<EcrLogin> {
    this.calls.push(`GetAuthorizationToken ${registryId ?? ''}`);
    return {
      username: 'AWS',
      password: 'ecr-password',
      proxyEndpoint: `https://${registryId ?? ACCOUNT}.dkr.ecr.${this.region}.amazonaws.com`,
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    };
  }
  /** The default account's repositories by name, another account's as `<account>/<name>`. */
  private repositoryKey(name: string, registryId?: string) {
    return registryId && registryId !== ACCOUNT ? `${registryId}/${name}` : name;
  }
  async describeRepository(name: string, registryId?: string) {
    this.calls.push(`DescribeRepositories ${name}`);
    return this.repositories.get(this.repositoryKey(name, registryId));
  }
  async createRepository(name: string, settings: { scanOnPush: boolean; mutability: 'MUTABLE' | 'IMMUTABLE' }, registryId?: string) {
    this.calls.push(`CreateRepository ${name} ${settings.mutability}`);
    const repo = { name, uri: `${ECR}/${name}`, mutability: settings.mutability };
    this.repositories.set(this.repositoryKey(name, registryId), repo);
    return repo;
  }
  async getImage(repository: string, id: { tag?: string; digest?: string }) {
    return this.images.get(`${repository}:${id.tag ?? id.digest}`);
  }
  async putImage(repository: string, image: { tag: string; manifest: string; mediaType?: string; digest: string }) {
    this.calls.push(`PutImage ${repository}:${image.tag}`);
    this.images.set(`${repository}:${image.tag}`, {
      digest: image.digest,
      manifest: image.manifest,
      mediaType: image.mediaType,
      tag: image.tag,
    });
  }
}

/** ECR Public as AWS answers: a token for public.ecr.aws; the account's public repositories. */
class FakeEcrPublic implements EcrPublicApi {
  calls: string[] = [];
  repositories = new Set<string>();
  async login(): Promise<EcrLogin> {
    this.calls.push('GetAuthorizationToken');
    return {
      username: 'AWS',
      password: 'public-password',
      proxyEndpoint: 'https://public.ecr.aws',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    };
  }
  async describeRepository(name: string) {
    this.calls.push(`DescribeRepositories ${name}`);
    return this.repositories.has(name) ? { name, uri: `public.ecr.aws/dkalias/${name}`, mutability: 'MUTABLE' } : undefined;
  }
  async createRepository(name: string) {
    this.calls.push(`CreateRepository ${name}`);
    this.repositories.add(name);
    return { name, uri: `public.ecr.aws/dkalias/${name}`, mutability: 'MUTABLE' };
  }
}

/** A registry that stores what it is sent (blobs per repository, tags). */
class MemoryRegistry implements FlowRegistry {
  blobs = new Set<string>();
  tags = new Map<string, string>();
  manifests = new Map<string, { bytes: Buffer; mediaType: string; digest: string }>();
  events: string[] = [];
  reachable = true;
  constructor(
    readonly host: string,
    readonly credentials: RegistryCredentials | undefined,
  ) {}
  /** What every request meets when the registry is unreachable. */
  private answer() {
    if (!this.reachable) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async ping() {
    this.answer();
  }
  async hasBlob(repository: string, digest: string) {
    this.answer();
    return this.blobs.has(`${repository}@${digest}`);
  }
  async mountBlob(repository: string, digest: string, from: string) {
    if (!this.blobs.has(`${from}@${digest}`)) return false;
    this.blobs.add(`${repository}@${digest}`);
    return true;
  }
  async uploadBlob(
    repository: string,
    blob: { digest: string; size: number; open: (start: number, end: number) => Readable },
  ): Promise<UploadResult> {
    for await (const _ of blob.open(0, blob.size)) void _;
    this.blobs.add(`${repository}@${blob.digest}`);
    this.events.push(`upload ${repository}`);
    return { how: 'uploaded', bytes: blob.size, chunks: 1 };
  }
  async manifestDigest(repository: string, reference: string) {
    this.answer();
    return this.tags.get(`${repository}:${reference}`);
  }
  async getManifest(repository: string, reference: string) {
    return this.manifests.get(`${repository}:${reference}`);
  }
  async putManifest(repository: string, reference: string, manifest: { bytes: Buffer; mediaType: string; digest: string }) {
    this.manifests.set(`${repository}:${reference}`, manifest);
    this.tags.set(`${repository}:${reference}`, manifest.digest);
    this.events.push(`put ${repository}:${reference}`);
    return manifest.digest;
  }
}

class MemoryS3 implements S3Api {
  objects = new Map<string, { size: number; sha: string }>();
  async list(_bucket: string, prefix: string) {
    return new Map([...this.objects].filter(([k]) => k.startsWith(prefix)).map(([k, o]) => [k, o.size]));
  }
  async head(_bucket: string, key: string): Promise<RemoteObject | undefined> {
    const o = this.objects.get(key);
    return o && { size: o.size, metaSha256: o.sha };
  }
  async putObject(object: ObjectParams, _body: unknown, size: number) {
    this.objects.set(object.key, { size, sha: object.sha256Hex });
  }
  async createMultipart(): Promise<string> {
    throw new Error('not used');
  }
  async uploadPart(): Promise<string> {
    throw new Error('not used');
  }
  async completeMultipart() {}
  async abortMultipart() {}
}

interface World {
  deps: FlowDeps;
  ecr: FakeEcr;
  /** ECR of other regions than eu-west-1. */
  ecrs: Map<string, FakeEcr>;
  ecrPublic: FakeEcrPublic;
  s3: MemoryS3;
  registries: Map<string, MemoryRegistry>;
  log: string[];
  warnings: string[];
  groups: string[];
  configs: Array<{ kind: 'job' | 'step'; logins: Login[] }>;
  removed: string[];
  docker: Array<{ args: string[]; env: NodeJS.ProcessEnv }>;
  used: string[];
}

function world(options: { env?: NodeJS.ProcessEnv; unreachable?: string[] } = {}): World {
  const w: World = {
    ecr: new FakeEcr(),
    ecrs: new Map(),
    ecrPublic: new FakeEcrPublic(),
    s3: new MemoryS3(),
    registries: new Map(),
    log: [],
    warnings: [],
    groups: [],
    configs: [],
    removed: [],
    docker: [],
    used: [],
  } as unknown as World;
  let now = 1_000;
  w.deps = {
    env: { ...ENV, RUNNER_TEMP: work, ...options.env },
    ecr: async (region) => {
      w.used.push(`ecr ${region}`);
      if (region === 'eu-west-1') return w.ecr;
      if (!w.ecrs.has(region)) w.ecrs.set(region, new FakeEcr(region));
      return w.ecrs.get(region)!;
    },
    ecrPublic: async () => {
      w.used.push('ecr-public us-east-1');
      return w.ecrPublic;
    },
    s3: async (region) => {
      w.used.push(`s3 ${region}`);
      return w.s3;
    },
    registry: (baseUrl, credentials) => {
      const host = new URL(baseUrl).host;
      w.used.push(`registry ${baseUrl} ${credentials ? `as ${credentials.username}` : 'anonymous'}`);
      const registry = w.registries.get(host) ?? new MemoryRegistry(host, credentials);
      registry.reachable = !(options.unreachable ?? []).includes(host);
      w.registries.set(host, registry);
      return registry;
    },
    dockerConfig: {
      writeForJob: async (_temp, logins) => (w.configs.push({ kind: 'job', logins }), join(work, 'deploy-kit-docker-job')),
      writeForStep: async (_base, logins) => (w.configs.push({ kind: 'step', logins }), join(work, 'deploy-kit-docker-step')),
      remove: async (dir) => void w.removed.push(dir),
    },
    docker: async (_command, args, { env }): Promise<CommandResult> => {
      w.docker.push({ args, env });
      return { code: 0, stdout: args[0] === 'push' ? `v1: digest: sha256:${'d'.repeat(64)} size: 528\n` : '27.0.0\n', stderr: '' };
    },
    clock: { now: () => (now += 250) },
    log: {
      info: (m) => void w.log.push(m),
      warning: (m) => void w.warnings.push(m),
      group: async (name, fn) => {
        w.groups.push(name);
        w.log.push(`::group::${name}`);
        try {
          return await fn();
        } finally {
          w.log.push('::endgroup::');
        }
      },
    },
  };
  return w;
}

const images = (host: string, ...names: string[]) =>
  JSON.stringify({
    tag: 'v1.2.3',
    services: names.map((n) => ({ service: n, image: `${host}/ms_${n}`, tags: [`${host}/ms_${n}:v1.2.3`, `${host}/ms_${n}:sha-abc1234`] })),
  });

describe('push mode', () => {
  test('phases in order, each in a group; the ECR login for the ECR host; missing repositories created; outputs and summary', async () => {
    const w = world();
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    const config = await plan({
      images: images(ECR, 'core', 'chat'),
      source: layout,
      'create-repositories': 'true',
      'tag-mutability': 'immutable',
    });
    const { outcome, failure } = await runFlow(config, w.deps);
    expect(failure).toBeUndefined();
    expect(w.groups).toEqual(['Read the sources', 'Log in', 'Repositories', 'Push images']);
    expect(outcome.phases.map((p) => [p.name, p.outcome, p.ms])).toEqual([
      ['Read the sources', expect.stringMatching(/^1 image, 3 blobs \(.+\), hashed before the first write$/), 250],
      ['Log in', `${ECR}: ECR login`, 250],
      ['Repositories', '1 exist, 1 created', 250],
      ['Push images', '4 tags pushed, 0 already there', 250],
    ]);
    expect(w.ecr.calls).toEqual([
      `GetAuthorizationToken ${ACCOUNT}`,
      'DescribeRepositories ms_core',
      'DescribeRepositories ms_chat',
      'CreateRepository ms_chat IMMUTABLE',
    ]);
    expect(w.used).toEqual(['ecr eu-west-1', `registry https://${ECR} as AWS`]);
    const registry = w.registries.get(ECR)!;
    expect(registry.credentials).toEqual({ username: 'AWS', password: 'ecr-password' });
    // One upload of each blob: the second repository mounts them from the first.
    expect(registry.events.filter((e) => e.startsWith('upload'))).toHaveLength(3);
    const digest = registry.tags.get('ms_core:v1.2.3')!;
    expect(mainOutputs(outcome)).toEqual({
      registry: ECR,
      digests: {
        [`${ECR}/ms_core:v1.2.3`]: digest,
        [`${ECR}/ms_core:sha-abc1234`]: digest,
        [`${ECR}/ms_chat:v1.2.3`]: digest,
        [`${ECR}/ms_chat:sha-abc1234`]: digest,
      },
      images: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`, `${ECR}/ms_chat:v1.2.3`, `${ECR}/ms_chat:sha-abc1234`],
      's3-uris': [],
      'docker-config': '',
    });
    expect(outputsJson(outcome, config)).toMatchObject({ 'dry-run': false, 'compressed-layers': [], s3: null });
    const text = renderSummary(summary(outcome, config));
    expect(text).toContain(`| ${ECR}/ms_core:v1.2.3 | ${digest} | pushed |`);
    expect(text).toContain('| Repositories | 1 exist, 1 created | 250 ms |');
    expect(text).not.toContain('Dry run');
  });

  test('ECR is asked about every repository at once (`concurrency` at a time); a missing one fails in target order, before anything is created', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const asked = async (missing: string[], extra: Record<string, string> = {}) => {
      const w = world();
      for (const n of names)
        if (!missing.includes(n)) w.ecr.repositories.set(`ms_${n}`, { name: `ms_${n}`, uri: '', mutability: 'MUTABLE' });
      let inFlight = 0;
      let most = 0;
      const describe = w.ecr.describeRepository.bind(w.ecr);
      w.ecr.describeRepository = async (name: string, registryId?: string) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return describe(name, registryId);
      };
      const result = await runFlow(await plan({ images: images(ECR, ...names), source: layout, concurrency: '4', ...extra }), w.deps);
      return { w, result, most };
    };
    const fine = await asked([]);
    expect(fine.result.failure).toBeUndefined();
    expect(fine.most).toBe(4);
    expect(fine.w.ecr.calls.filter((c) => c.startsWith('Describe'))).toHaveLength(10);
    expect(fine.result.outcome.phases.find((p) => p.name === 'Repositories')?.outcome).toBe('10 exist');

    // h and c are missing: the message names c, the first in the order of the targets; nothing is created or pushed.
    const failed = await asked(['h', 'c']);
    expect((failed.result.failure as ActionError).message).toBe(`ECR repository "ms_c" does not exist in registry ${ACCOUNT}.`);
    expect(failed.w.ecr.calls.filter((c) => c.startsWith('Create'))).toEqual([]);
    expect(failed.w.registries.get(ECR)?.events ?? []).toEqual([]);

    // With create-repositories, each missing one is created once, in order.
    const created = await asked(['h', 'c'], { 'create-repositories': 'true' });
    expect(created.result.failure).toBeUndefined();
    expect(created.w.ecr.calls.filter((c) => c.startsWith('Create'))).toEqual([
      'CreateRepository ms_c MUTABLE',
      'CreateRepository ms_h MUTABLE',
    ]);
    expect(created.result.outcome.phases.find((p) => p.name === 'Repositories')?.outcome).toBe('8 exist, 2 created');
  });

  test('a re-push finds every tag in place: nothing uploaded, nothing hashed', async () => {
    const w = world();
    const config = await plan({ images: images(ECR, 'core'), source: layout, 'create-repositories': 'true' });
    await runFlow(config, w.deps);
    const again = await runFlow(config, w.deps);
    expect(again.outcome.rows.map((r) => r[2])).toEqual(['already there', 'already there']);
    expect(again.outcome.phases.at(-1)!.outcome).toBe('0 tags pushed, 2 already there');
  });

  test('bare references go to the account registry from STS; a plain-http loopback registry named in `registry` gets the ECR login', async () => {
    const w = world();
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    await runFlow(await plan({ images: 'ms_core:v1', source: layout }), w.deps);
    expect(w.log).toContain(`Registry ${ECR} (account ${ACCOUNT}, from STS GetCallerIdentity)`);
    expect(w.used).toContain(`registry https://${ECR} as AWS`);

    const local = world();
    local.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' }); // the ECR API stands beside the local registry
    const { failure } = await runFlow(await plan({ registry: 'http://127.0.0.1:5000', images: 'ms_core:v1', source: layout }), local.deps);
    expect(failure).toBeUndefined();
    expect(local.used).toEqual(['ecr eu-west-1', 'registry http://127.0.0.1:5000 as AWS']);
    expect(local.log.join('\n')).toContain(
      '127.0.0.1:5000 is the loopback registry the `registry` input names, which gets it for local testing',
    );
  });

  test('another host (ghcr.io) never gets the ECR login, and no ECR repository check', async () => {
    const w = world();
    const { failure, outcome } = await runFlow(await plan({ images: 'ghcr.io/example-org/app:v1', source: layout }), w.deps);
    expect(failure).toBeUndefined();
    expect(w.used).toEqual(['ecr eu-west-1', 'registry https://ghcr.io anonymous']);
    expect(w.ecr.calls).toEqual([]);
    expect(w.log.join('\n')).toContain('ghcr.io: no ECR login and no ECR repository check (ghcr.io is not an ECR registry');
    expect(outcome.phases.map((p) => [p.name, p.outcome])).toEqual([
      ['Read the sources', expect.any(String)],
      ['Log in', 'ghcr.io: anonymous'],
      ['Repositories', '0 exist, 1 not in ECR'],
      ['Push images', '1 tag pushed, 0 already there'],
    ]);
  });

  test('docker-config: true writes the login for later steps, and only for the hosts it may go to', async () => {
    const w = world();
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    const { outcome } = await runFlow(
      await plan({ images: `${ECR}/ms_core:v1\nghcr.io/org/app:v1`, source: layout, 'docker-config': 'true' }),
      w.deps,
    );
    expect(w.configs).toEqual([{ kind: 'job', logins: [{ host: ECR, username: 'AWS', password: 'ecr-password' }] }]);
    expect(outcome.dockerConfig).toBe(join(work, 'deploy-kit-docker-job'));
  });
});

describe('one way to a dry run', () => {
  test('every read-only check runs, nothing is created, pushed, written or uploaded; the summary lists what would be', async () => {
    const w = world();
    const config = await plan({
      images: images(ECR, 'core'),
      source: layout,
      'create-repositories': 'true',
      'docker-config': 'true',
      's3-bucket': 'app-artifacts',
      's3-source': bins,
      'dry-run': 'true',
    });
    const { outcome, failure } = await runFlow(config, w.deps);
    expect(failure).toBeUndefined();
    expect(w.groups).toEqual(['Read the sources', 'Log in', 'Repositories', 'Push images', 'Upload to S3']);
    expect(w.ecr.calls).toEqual([`GetAuthorizationToken ${ACCOUNT}`, 'DescribeRepositories ms_core']);
    expect(w.registries.get(ECR)!.events).toEqual([]);
    expect(w.s3.objects.size).toBe(0);
    expect(w.configs).toEqual([]);
    expect(outcome.rows.map((r) => r[2])).toEqual(['would push', 'would push']);
    expect(outcome.changes.list.every((c) => !c.applied)).toBe(true);
    expect(outcome.changes.list.map((c) => c.description.split(' ')[0])).toEqual(['write', 'create', 'push', 'upload', 'upload']);
    expect(w.log.filter((l) => l.startsWith('[dry-run] would '))).toHaveLength(5);
    expect(outcome.phases.map((p) => p.outcome)).toEqual([
      expect.stringMatching(/^1 image, 3 blobs \(.+\), hashed; 2 files for S3 \(22 B\)$/),
      `${ECR}: ECR login; docker config not written (dry run)`,
      '0 exist, 1 would be created',
      '2 tags to push, 0 already there',
      's3://app-artifacts/v1.2.3/: 2 to upload (22 B), 0 already identical',
    ]);
    const text = renderSummary(summary(outcome, config));
    expect(text).toContain('### push-artifacts (dry run)');
    expect(text).toMatch(
      /\*\*Dry run\*\*: nothing was changed\. Would:\n- write a docker config for .*\n- create ECR repository ms_core .*\n- push sha256:/,
    );
  });

  test('an unreachable registry is a warning in a dry run, and a failure in a real one', async () => {
    const dry = world({ unreachable: ['ghcr.io'] });
    const result = await runFlow(await plan({ images: 'ghcr.io/org/app:v1', source: layout, 'dry-run': 'true' }), dry.deps);
    expect(result.failure).toBeUndefined();
    expect(dry.warnings.join('\n')).toContain('dry-run: the registry ghcr.io did not answer');
    const real = world({ unreachable: ['ghcr.io'] });
    const failed = await runFlow(await plan({ images: 'ghcr.io/org/app:v1', source: layout }), real.deps);
    expect((failed.failure as ActionError).message).toBe(
      'Push to ghcr.io/org/app failed: the registry ghcr.io (https://ghcr.io) could not be reached (ECONNREFUSED).',
    );
    // A real run asks no `/v2/` first: its first request (the tag's HEAD) is the one that fails.
    expect(real.registries.get('ghcr.io')!.events).toEqual([]);
  });

  test('the summary lists at most 30 changes a dry run would make', () => {
    const outcome = {
      registry: '',
      digests: {},
      images: [],
      s3Uris: [],
      dockerConfig: '',
      rows: [],
      compressed: [],
      phases: [],
      changes: { dryRun: true, list: Array.from({ length: 45 }, (_, i) => ({ description: `upload f${i}`, applied: false })) },
    } as never;
    const text = renderSummary(summary(outcome, { dryRun: true, compressLayers: 'auto' }));
    expect(text).toContain('- upload f29\n- … and 15 more (see the log)');
    expect(text).not.toContain('- upload f30');
  });
});

describe('failures stop the phases after them, and are recorded', () => {
  test('an unreadable source fails in the first phase, before any AWS call', async () => {
    const w = world();
    const { failure, outcome } = await runFlow(
      await plan({ images: images(ECR, 'core'), source: join(work, 'missing-{service}') }),
      w.deps,
    );
    expect(failure).toBeInstanceOf(ActionError);
    expect((failure as ActionError).message).toMatch(/^Cannot read the image for ms_core: /);
    expect(w.used).toEqual([]);
    expect(outcome.phases).toEqual([
      expect.objectContaining({
        name: 'Read the sources',
        failed: true,
        outcome: expect.stringMatching(/^failed: Cannot read the image for ms_core/),
      }),
    ]);
    const text = renderSummary(summary(outcome, { dryRun: false, compressLayers: 'auto' }, failure as Error));
    expect(text).toContain('**Failed:** Cannot read the image for ms_core');
    expect(text).toContain('| Read the sources (failed) |');
  });

  test('a missing repository without create-repositories: nothing is pushed', async () => {
    const w = world();
    const { failure, outcome } = await runFlow(await plan({ images: images(ECR, 'core'), source: layout }), w.deps);
    expect((failure as ActionError).message).toBe(`ECR repository "ms_core" does not exist in registry ${ACCOUNT}.`);
    expect((failure as ActionError).check.join('\n')).toContain('aws ecr create-repository --repository-name ms_core --region eu-west-1');
    expect(outcome.phases.map((p) => [p.name, !!p.failed])).toEqual([
      ['Read the sources', false],
      ['Log in', false],
      ['Repositories', true],
    ]);
    expect(w.registries.size).toBe(0);
  });

  test('an ECR token issued for another registry is not sent', async () => {
    const w = world();
    w.ecr.login = async () => ({ username: 'AWS', password: 'x', proxyEndpoint: 'https://210987654321.dkr.ecr.eu-west-1.amazonaws.com' });
    const { failure } = await runFlow(await plan({ images: images(ECR, 'core'), source: layout }), w.deps);
    expect((failure as ActionError).message).toBe(
      `ECR issued its login for https://210987654321.dkr.ecr.eu-west-1.amazonaws.com, not for ${ECR}, so it is not sent to ${ECR}.`,
    );
    expect(w.registries.size).toBe(0);
  });
});

describe('promote, docker and login modes; S3 alone', () => {
  test('promote: the ECR API only, no registry login', async () => {
    const w = world();
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    w.ecr.images.set('ms_core:v1.2.3-rc.2', {
      digest: 'sha256:rc',
      manifest: '{"mediaType":"application/vnd.oci.image.index.v1+json"}',
      tag: 'v1.2.3-rc.2',
    });
    const { outcome, failure } = await runFlow(
      await plan({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images: `${ECR}/ms_core:v1.2.3` }),
      w.deps,
    );
    expect(failure).toBeUndefined();
    expect(w.groups).toEqual(['Log in', 'Promote images']);
    expect(w.used).toEqual(['ecr eu-west-1']);
    expect(w.ecr.calls).toContain('PutImage ms_core:v1.2.3');
    expect(outcome.rows).toEqual([
      [`${ECR}/ms_core:v1.2.3`, 'sha256:rc', 'promoted', 'from v1.2.3-rc.2 (application/vnd.oci.image.index.v1+json)'],
    ]);
    expect(outcome.phases.map((p) => p.outcome)).toEqual([
      `ECR API for ${ECR} (no registry login)`,
      '1 tag promoted from v1.2.3-rc.2, 0 already there',
    ]);
  });

  test('docker: the CLI gets a private config with the login (never `docker login`), removed after the push', async () => {
    const w = world();
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    const { outcome, failure } = await runFlow(await plan({ mode: 'docker', images: `${ECR}/ms_core:v1`, source: 'ms_core:dev' }), w.deps);
    expect(failure).toBeUndefined();
    expect(w.docker.map((c) => c.args[0])).toEqual(['info', 'tag', 'push']);
    expect(w.docker.every((c) => c.env.DOCKER_CONFIG === join(work, 'deploy-kit-docker-step'))).toBe(true);
    expect(w.configs).toEqual([{ kind: 'step', logins: [{ host: ECR, username: 'AWS', password: 'ecr-password' }] }]);
    expect(w.removed).toEqual([join(work, 'deploy-kit-docker-step')]);
    expect(outcome.digests).toEqual({ [`${ECR}/ms_core:v1`]: `sha256:${'d'.repeat(64)}` });
  });

  test('login: a docker config for later steps and a row for the registry', async () => {
    const w = world();
    const { outcome } = await runFlow(await plan({ mode: 'login' }), w.deps);
    expect(w.groups).toEqual(['Log in']);
    expect(w.configs).toEqual([{ kind: 'job', logins: [{ host: ECR, username: 'AWS', password: 'ecr-password' }] }]);
    expect(outcome.rows).toEqual([[ECR, '', 'logged in', 'token valid until 2030-01-01T00:00:00.000Z']]);
    expect(outcome.registry).toBe(ECR);
  });

  test('S3 alone: no login; identical objects are skipped on the second run', async () => {
    const w = world();
    const config = await plan({ 's3-bucket': 'app-artifacts', 's3-path': 'binaries', 's3-source': bins, 's3-checksums': 'none' });
    const first = await runFlow(config, w.deps);
    expect(first.failure).toBeUndefined();
    expect(w.groups).toEqual(['Read the sources', 'Upload to S3']);
    expect(first.outcome.s3Uris).toEqual(['s3://app-artifacts/binaries/v1.2.3/ms_chat', 's3://app-artifacts/binaries/v1.2.3/ms_core']);
    const second = await runFlow(config, w.deps);
    expect(second.outcome.phases.at(-1)!.outcome).toBe('s3://app-artifacts/binaries/v1.2.3/: 0 uploaded (0 B), 2 already identical');
  });
});

describe('buildConfig: every input checked before anything happens', () => {
  test.each<[string, Record<string, string>, string]>([
    [
      'region mismatch',
      { images: `${ECR}/ms_core:v1`, source: 'x', region: 'us-east-1' },
      `Input "region": is us-east-1, but the registry ${ECR} is in eu-west-1 (Region mismatch)`,
    ],
    [
      'login to a registry the ECR login never goes to',
      { mode: 'login', registry: 'ghcr.io' },
      'Input "registry": names ghcr.io, but mode `login` writes the ECR login',
    ],
    ['a bad chunk size', { images: 'a:1', source: 'x', 'chunk-size': '1KiB' }, 'Input "chunk-size": '],
    [
      'a chunk size for ECR, which keeps only the first chunk',
      { images: `${ECR}/ms_core:v1`, source: 'x', 'chunk-size': '64MiB' },
      `Input "chunk-size": is set, but ${ECR} is an ECR registry, which keeps only the first part of a chunked upload (aws/containers-roadmap#2831)`,
    ],
    [
      "a chunk size for the account's ECR registry (images without a host)",
      { images: 'ms_core:v1', source: 'x', 'chunk-size': '64MiB' },
      'Input "chunk-size": is set, but the account\'s ECR registry is an ECR registry',
    ],
    [
      'a chunk size for ECR Public among the registries',
      { images: 'ms_core:v1', source: 'x', registry: 'registry.example.com', registries: 'public.ecr.aws/acme', 'chunk-size': '64MiB' },
      'Input "chunk-size": is set, but public.ecr.aws is an ECR registry',
    ],
    [
      'plain http to a remote registry',
      { images: 'a:1', source: 'x', registry: 'http://registry.example.com' },
      'Input "registry": uses plain http://',
    ],
    [
      "image-tags' json off its schema",
      { images: '{"services":[{"service":"core","tags":"r.io/a:1"}]}', source: 'x' },
      'Input "images": services[0] has no `tags` list',
    ],
    [
      'an S3 version from a tag that is not a key segment',
      { 's3-bucket': 'app-artifacts', 's3-source': 'bin' },
      'Input "tag": is empty, and the tag it defaults to, from the tag (GITHUB_REF), contains a ".." path segment',
    ],
  ])('%s', async (_, raw, message) => {
    await expect(plan(raw, { ...ENV, GITHUB_REF: raw['s3-bucket'] ? 'refs/tags/v1/../x' : ENV.GITHUB_REF })).rejects.toThrow(InputError);
    await expect(plan(raw, { ...ENV, GITHUB_REF: raw['s3-bucket'] ? 'refs/tags/v1/../x' : ENV.GITHUB_REF })).rejects.toThrow(message);
  });

  test('inputs that have no effect are warned about', async () => {
    const config = await plan({ mode: 'promote', 'promote-from': 'v1-rc.1', images: `${ECR}/ms_core:v1`, 'compress-layers': 'gzip' });
    expect(config.warnings).toEqual(['compress-layers: gzip has no effect in mode promote (only mode push reads and compresses layers).']);
    const w = world();
    await runFlow({ ...config, targets: [] }, w.deps);
    expect(w.warnings).toEqual(config.warnings);
  });

  test('the plan', async () => {
    expect(
      await plan({
        images: images(ECR, 'core'),
        source: 'build/{service}',
        'tag-mutability': 'immutable',
        's3-bucket': 'app-artifacts',
        's3-source': 'bin',
        's3-path': 'binaries',
      }),
    ).toMatchObject({
      mode: 'push',
      region: 'eu-west-1',
      tagMutability: 'IMMUTABLE',
      chunkSize: undefined, // each blob in one request
      targets: [{ host: ECR, repository: 'ms_core', tags: ['v1.2.3', 'sha-abc1234'], service: 'core' }],
      s3: { bucket: 'app-artifacts', prefix: 'binaries/v1.2.3/', sources: ['bin'], concurrency: 16 },
    });
  });
});

describe('several registries in one step, ECR Public', () => {
  const WEST2 = '210987654321.dkr.ecr.us-west-2.amazonaws.com';
  const OTHER = '345678901234.dkr.ecr.eu-west-1.amazonaws.com';
  const PUBLIC = 'public.ecr.aws';

  test('push: every image to each registry (another region, another account, ECR Public), each with the login issued for it', async () => {
    const w = world();
    w.ecrPublic.repositories.add('ms_core');
    const config = await plan({
      images: images(ECR, 'core'),
      source: layout,
      registries: `${WEST2}, ${PUBLIC}/dkalias\n345678901234`,
      'create-repositories': 'true',
    });
    expect(config.registries).toEqual([
      { host: WEST2, namespace: '' },
      { host: PUBLIC, namespace: 'dkalias' },
      { host: OTHER, namespace: '' },
    ]);
    const { outcome, failure } = await runFlow(config, w.deps);
    expect(failure).toBeUndefined();
    // ECR of each region once; ECR Public's API (us-east-1) once; each registry with its own login.
    expect(w.used).toEqual([
      'ecr eu-west-1',
      'ecr us-west-2',
      'ecr-public us-east-1',
      `registry https://${ECR} as AWS`,
      `registry https://${WEST2} as AWS`,
      `registry https://${PUBLIC} as AWS`,
      `registry https://${OTHER} as AWS`,
    ]);
    expect(w.ecr.calls).toEqual([
      `GetAuthorizationToken ${ACCOUNT}`,
      'GetAuthorizationToken 345678901234',
      // Both accounts are asked first, then both repositories are created: the fake holds none.
      'DescribeRepositories ms_core',
      'DescribeRepositories ms_core',
      'CreateRepository ms_core MUTABLE',
      'CreateRepository ms_core MUTABLE',
    ]);
    expect([...w.ecr.repositories.keys()]).toEqual(['ms_core', '345678901234/ms_core']);
    expect(w.ecrs.get('us-west-2')!.calls).toEqual([
      'GetAuthorizationToken 210987654321',
      'DescribeRepositories ms_core',
      'CreateRepository ms_core MUTABLE',
    ]);
    expect(w.ecrPublic.calls).toEqual(['GetAuthorizationToken', 'DescribeRepositories ms_core']);
    expect(w.registries.get(PUBLIC)!.credentials).toEqual({ username: 'AWS', password: 'public-password' });
    expect(w.registries.get(PUBLIC)!.tags.get('dkalias/ms_core:v1.2.3')).toBe(w.registries.get(ECR)!.tags.get('ms_core:v1.2.3'));
    expect(outcome.images).toEqual(
      [ECR, WEST2, `${PUBLIC}/dkalias`, OTHER].flatMap((prefix) => [`${prefix}/ms_core:v1.2.3`, `${prefix}/ms_core:sha-abc1234`]),
    );
    expect(outcome.phases[1]!.outcome).toBe(`${ECR}: ECR login; ${WEST2}: ECR login; ${PUBLIC}: ECR Public login; ${OTHER}: ECR login`);
    expect(mainOutputs(outcome).registry).toBe(ECR);
    expect(registriesOutput(outcome)).toEqual([
      { registry: ECR, login: 'ecr', username: 'AWS', 'expires-at': '2030-01-01T00:00:00.000Z', images: outcome.images.slice(0, 2) },
      { registry: WEST2, login: 'ecr', username: 'AWS', 'expires-at': '2030-01-01T00:00:00.000Z', images: outcome.images.slice(2, 4) },
      {
        registry: PUBLIC,
        login: 'ecr-public',
        username: 'AWS',
        'expires-at': '2030-01-01T00:00:00.000Z',
        images: outcome.images.slice(4, 6),
      },
      { registry: OTHER, login: 'ecr', username: 'AWS', 'expires-at': '2030-01-01T00:00:00.000Z', images: outcome.images.slice(6, 8) },
    ]);
    expect(perRegistryOutputs(outcome)).toEqual({
      docker_username_123456789012_dkr_ecr_eu_west_1_amazonaws_com: 'AWS',
      docker_username_210987654321_dkr_ecr_us_west_2_amazonaws_com: 'AWS',
      docker_username_public_ecr_aws: 'AWS',
      docker_username_345678901234_dkr_ecr_eu_west_1_amazonaws_com: 'AWS',
    });
    expect(JSON.stringify(outputsJson(outcome, config))).not.toContain('password');
  });

  test('a missing ECR Public repository: refused without create-repositories, created with it', async () => {
    const w = world();
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    const inputs = { images: images(ECR, 'core'), source: layout, registries: `${PUBLIC}/dkalias` };
    const refused = await runFlow(await plan(inputs), w.deps);
    expect(String(refused.failure)).toContain(
      'ECR Public repository "ms_core" does not exist in this account\'s public registry (public.ecr.aws/dkalias/ms_core).',
    );
    expect(w.registries.get(ECR)?.tags.size ?? 0).toBe(0);
    const created = await runFlow(await plan({ ...inputs, 'create-repositories': 'true' }), w.deps);
    expect(created.failure).toBeUndefined();
    expect(w.ecrPublic.calls).toContain('CreateRepository ms_core');
  });

  test('the ECR Public token goes to public.ecr.aws only', async () => {
    const w = world();
    w.ecrPublic.login = async () => ({ username: 'AWS', password: 'public-password', proxyEndpoint: 'https://elsewhere.example.com' });
    w.ecrPublic.repositories.add('ms_core');
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    const { failure } = await runFlow(await plan({ images: images(ECR, 'core'), source: layout, registries: `${PUBLIC}/dkalias` }), w.deps);
    expect(String(failure)).toContain('ECR issued its login for https://elsewhere.example.com, not for public.ecr.aws');
    expect(w.registries.has(PUBLIC)).toBe(false);
  });

  test('promote: ECR through its API, ECR Public (no BatchGetImage) through the registry API, same digest', async () => {
    const w = world();
    const manifest = {
      bytes: Buffer.from('{"schemaVersion":2}'),
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: 'sha256:rc',
    };
    w.ecr.repositories.set('ms_core', { name: 'ms_core', uri: '', mutability: 'MUTABLE' });
    w.ecr.images.set('ms_core:v1.2.3-rc.2', { digest: 'sha256:rc', manifest: manifest.bytes.toString(), tag: 'v1.2.3-rc.2' });
    const publicRegistry = w.deps.registry(`https://${PUBLIC}`, undefined) as unknown as { manifests: Map<string, typeof manifest> };
    publicRegistry.manifests.set('dkalias/ms_core:v1.2.3-rc.2', manifest);
    w.used.length = 0;
    const { outcome, failure } = await runFlow(
      await plan({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images: `${ECR}/ms_core:v1.2.3`, registries: `${PUBLIC}/dkalias` }),
      w.deps,
    );
    expect(failure).toBeUndefined();
    expect(w.used).toEqual(['ecr eu-west-1', 'ecr-public us-east-1', `registry https://${PUBLIC} as AWS`]);
    expect(w.registries.get(PUBLIC)!.tags.get('dkalias/ms_core:v1.2.3')).toBe('sha256:rc');
    expect(outcome.digests).toEqual({ [`${ECR}/ms_core:v1.2.3`]: 'sha256:rc', [`${PUBLIC}/dkalias/ms_core:v1.2.3`]: 'sha256:rc' });
    expect(outcome.phases.map((p) => p.outcome)).toEqual([
      `${PUBLIC}: ECR Public login; ECR API for ${ECR} (no registry login)`,
      '2 tags promoted from v1.2.3-rc.2, 0 already there',
    ]);
    expect(registriesOutput(outcome).map((r) => [r.registry, r.login, r.images])).toEqual([
      [ECR, 'ecr', [`${ECR}/ms_core:v1.2.3`]],
      [PUBLIC, 'ecr-public', [`${PUBLIC}/dkalias/ms_core:v1.2.3`]],
    ]);
    // Again: both already there.
    const again = await runFlow(
      await plan({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images: `${ECR}/ms_core:v1.2.3`, registries: `${PUBLIC}/dkalias` }),
      w.deps,
    );
    expect(again.outcome.phases.at(-1)!.outcome).toBe('0 tags promoted from v1.2.3-rc.2, 2 already there');
  });

  test('login: each of `registries` (and no STS call when `registry` is empty), one docker config with every login', async () => {
    const w = world();
    const { outcome } = await runFlow(await plan({ mode: 'login', registries: `${PUBLIC} 345678901234 ${WEST2}` }), w.deps);
    expect(w.ecr.calls).toEqual(['GetAuthorizationToken 345678901234']);
    expect(w.configs).toEqual([
      {
        kind: 'job',
        logins: [
          { host: PUBLIC, username: 'AWS', password: 'public-password' },
          { host: OTHER, username: 'AWS', password: 'ecr-password' },
          { host: WEST2, username: 'AWS', password: 'ecr-password' },
        ],
      },
    ]);
    expect(outcome.rows.map((r) => r.slice(0, 3))).toEqual([
      [PUBLIC, '', 'logged in'],
      [OTHER, '', 'logged in'],
      [WEST2, '', 'logged in'],
    ]);
    expect(outcome.registry).toBe(PUBLIC);
  });

  test.each<[string, Record<string, string>, string]>([
    [
      'ECR Public without its alias',
      { images: 'ms_core:v1', source: 'x', registries: PUBLIC },
      'Input "registries": entry "public.ecr.aws" names ECR Public without the registry alias its repositories live under',
    ],
    [
      'ECR Public without its alias in `registry`',
      { images: 'ms_core:v1', source: 'x', registry: PUBLIC },
      'Input "registry": names ECR Public without the registry alias',
    ],
    [
      'a bad entry',
      { images: 'ms_core:v1', source: 'x', registries: 'ftp://x' },
      'Input "registries": entry "ftp://x" has the scheme "ftp://"',
    ],
    [
      'login to a registry no ECR login goes to',
      { mode: 'login', registries: 'ghcr.io' },
      'Input "registries": names ghcr.io, but mode `login`',
    ],
  ])('%s', async (_, raw, message) => {
    await expect(plan(raw)).rejects.toThrow(message);
  });

  test('public.ecr.aws/<alias>/<repository> names pass the one registry rule; the namespace of `registry` is not repeated', async () => {
    const config = await plan({
      images: 'ms_core:v1',
      source: layout,
      registry: `${ECR}/team`,
      registries: `${PUBLIC}/dkalias, ${ECR}/team`,
    });
    expect(config.registries).toEqual([{ host: PUBLIC, namespace: 'dkalias' }]);
    const w = world();
    w.ecr.repositories.set('team/ms_core', { name: 'team/ms_core', uri: '', mutability: 'MUTABLE' });
    w.ecrPublic.repositories.add('ms_core');
    const { outcome, failure } = await runFlow({ ...config, dryRun: true }, w.deps);
    expect(failure).toBeUndefined();
    expect(w.ecrPublic.calls).toContain('DescribeRepositories ms_core');
    expect(outcome.images).toEqual([`${ECR}/team/ms_core:v1`, `${PUBLIC}/dkalias/ms_core:v1`]);
  });
});
