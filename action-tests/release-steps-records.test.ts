// The release-steps bundle (dist/release-steps/index.js) reading the deployment records, run as the
// release composite and the rollback workflow run it: against the GitHub API contract fake (every
// request and answer checked against @octokit/openapi, auto_inactive as GitHub does it) and moto's ECR.
//
//   gate, require-staging: deployment   refused while the rc's staging deployment failed; allowed after
//                                        a successful one, also once a newer release superseded it
//                                        (auto_inactive); refused when an image is gone or its rc tag
//                                        moved; a token without deployments: read is told what it needs
//   rollback-target                      the previous successful production release, its images by
//                                        digest, and the schema version that stays
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { BatchDeleteImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitHubFake, startGitHubFake } from './fakes/github/index.mjs';
import { DEFAULT_REPOSITORY, REPO_ROOT, actionNode, parseFileCommand } from './harness.js';
import { startMoto } from './lib/services.mjs';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const ECR_HOST = `123456789012.dkr.ecr.${REGION}.amazonaws.com`;
const AWS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITTEST',
  AWS_SECRET_ACCESS_KEY: 'ReleaseStepsSecretKey0123456789',
  AWS_REGION: REGION,
};
const WRITER = 'ghp_DeploymentsWriter0123456789abcdefghij';
const READER = 'ghs_DeploymentsReader0123456789abcdefghij';
const NO_DEPLOYMENTS = 'ghs_NoDeployments0123456789abcdefghijkl';
const TAGS = ['v1.3.0', 'v1.4.0-rc.1', 'v1.4.0-rc.2', 'v1.4.0', 'v1.5.0-rc.1', 'v1.6.0-rc.1'];

let github: GitHubFake;
let moto: Awaited<ReturnType<typeof startMoto>>;
let ecr: ECRClient;
let work: string;
let checkoutDir: string;
const digests: Record<string, string> = {};

/** Pushes a small manifest as ms_core:<tag> through the ECR API; its digest. */
async function putImage(tag: string, seed: string): Promise<string> {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${seed.repeat(64)}`, size: 2 },
    layers: [],
  });
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  await ecr.send(
    new PutImageCommand({
      repositoryName: 'ms_core',
      imageTag: tag,
      imageManifest: body,
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      imageDigest: digest,
    }),
  );
  return digest;
}

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${github.apiUrl}${path}`, {
    method,
    headers: { authorization: `token ${WRITER}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A deployment as record-deployment makes it, with its statuses in order. */
async function deploy(tag: string, environment: string, states: string[], schema?: string): Promise<number> {
  const payload = {
    'deploy-kit': 1,
    tag,
    version: tag.slice(1),
    environment,
    images: [{ service: 'core', image: `${ECR_HOST}/ms_core`, digest: digests[tag], tags: [tag] }],
    s3: null,
    migration: schema ? { status: 'succeeded', job: null, 'exit-code': 0, 'schema-version': schema } : null,
    gitops: null,
    run: null,
  };
  const d = await api('POST', `/repos/${DEFAULT_REPOSITORY}/deployments`, {
    ref: tag,
    environment,
    payload,
    auto_merge: false,
    required_contexts: [],
    production_environment: environment === 'production',
    description: `${tag} to ${environment}`,
  });
  for (const state of states)
    await api('POST', `/repos/${DEFAULT_REPOSITORY}/deployments/${d.id}/statuses`, {
      state,
      description: `${tag} to ${environment}: ${state}`,
      log_url: 'https://github.com/example-org/sample-service/actions/runs/1',
    });
  return d.id;
}

interface StepRun {
  status: number | null;
  outputs: Record<string, string>;
  out: string;
}

/** Runs a step of the bundle (asynchronously: the GitHub fake answers from this process). */
async function step(name: string, env: Record<string, string>, token = READER): Promise<StepRun> {
  const dir = mkdtempSync(join(work, 'step-'));
  const output = join(dir, 'output');
  writeFileSync(output, '');
  writeFileSync(join(dir, 'summary'), '');
  const child = spawn(actionNode(), [join(REPO_ROOT, 'dist/release-steps/index.js'), name], {
    env: {
      PATH: process.env.PATH,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_API_URL: github.apiUrl,
      GITHUB_REPOSITORY: DEFAULT_REPOSITORY,
      TOKEN: token,
      ...AWS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    status,
    outputs: Object.fromEntries(parseFileCommand(readFileSync(output, 'utf8'))),
    out: `${out}${readFileSync(join(dir, 'summary'), 'utf8')}`,
  };
}

/** The gate step's env for the production tag v1.4.0, as release/action.yml gives it. */
const gate = (over: Record<string, string> = {}, token?: string): Promise<StepRun> =>
  step(
    'gate',
    {
      PROMOTE: 'auto',
      PROMOTE_FROM: '',
      MODE: 'push',
      SKIP_PUSH: 'false',
      CHECKOUT_PATH: checkoutDir,
      REQUIRE_STAGING: 'deployment',
      STAGING_ENVIRONMENT: 'staging',
      REGION: '',
      TAG_PREFIX: 'v',
      TAG: 'v1.4.0',
      CHANNEL: 'release',
      MAJOR: '1',
      MINOR: '4',
      PATCH: '0',
      ...over,
    },
    token,
  );

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deploy-kit-release-steps-'));
  [github, moto] = await Promise.all([
    startGitHubFake({
      repos: { [DEFAULT_REPOSITORY]: { tags: Object.fromEntries(TAGS.map((t) => [t, {}])) } },
      tokens: {
        [WRITER]: { login: 'deployer' },
        [READER]: { login: 'github-actions[bot]', permissions: { deployments: 'read' } },
        [NO_DEPLOYMENTS]: { login: 'github-actions[bot]', permissions: { deployments: 'none' } },
      },
    }),
    startMoto(),
  ]);
  AWS.AWS_ENDPOINT_URL = moto.url;
  ecr = new ECRClient({
    region: REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: AWS.AWS_ACCESS_KEY_ID!, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY! },
  });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ms_core' }));
  for (const [i, tag] of TAGS.entries()) digests[tag] = await putImage(tag, String(i + 1));
  checkoutDir = mkdtempSync(join(work, 'checkout-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: checkoutDir,
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });
  git('init', '-q');
  writeFileSync(join(checkoutDir, 'README'), 'sample\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'sample');
  for (const t of TAGS) git('tag', t);
}, 120_000);

afterAll(async () => {
  await Promise.all([github?.close(), moto?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  const problems = github.describeViolations();
  github.clearLog();
  if (problems) throw new Error(`GitHub API contract violations (@octokit/openapi):\n${problems}`);
});

describe('gate, require-staging: deployment (v1.4.0 promotes v1.4.0-rc.2)', () => {
  test('no deployment of the rc recorded: refused, naming what is missing and the fix', async () => {
    const r = await gate();
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(
      'Production release v1.4.0 is blocked: v1.4.0-rc.2 has no successful deployment to staging (none of the 0 newest staging deployments of this repository records v1.4.0-rc.2); deploy v1.4.0-rc.2 to staging (its release records the deployment), or set require-staging: tag to gate on the rc tag alone.',
    );
    expect(r.outputs).toEqual({});
  });

  let failed = 0;
  test('its staging deployment failed: refused, naming the deployment and how it ended', async () => {
    await deploy('v1.4.0-rc.1', 'staging', ['in_progress', 'success']);
    failed = await deploy('v1.4.0-rc.2', 'staging', ['in_progress', 'failure']);
    const before = github.stats().total;
    const r = await gate();
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `v1\\.4\\.0-rc\\.2 has no successful deployment to staging \\(its deployment ${failed} ended failure at \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z: v1\\.4\\.0-rc\\.2 to staging: failure\\); deploy v1\\.4\\.0-rc\\.2 to staging`,
      ),
    );
    expect(r.outputs).toEqual({});
    expect(github.stats(before).byOperation).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 1 });
  });

  test('after a successful one, also once a newer release superseded it (inactive): promoted, with the digests staging ran', async () => {
    const good = await deploy('v1.4.0-rc.2', 'staging', ['in_progress', 'success']);
    await deploy('v1.5.0-rc.1', 'staging', ['in_progress', 'success']);
    expect(
      github
        .deployments(DEFAULT_REPOSITORY)
        .find((d) => d.id === good)!
        .statuses.map((s) => s.state),
    ).toEqual(['in_progress', 'success', 'inactive']);
    const before = github.stats().total;
    const r = await gate();
    expect([r.status, r.out]).toEqual([0, expect.stringContaining(`Evidence: v1.4.0-rc.2 succeeded in staging (deployment ${good})`)]);
    expect(r.outputs).toEqual({
      mode: 'promote',
      'promote-from': 'v1.4.0-rc.2',
      'staging-deployment': String(good),
      digests: JSON.stringify({ [`${ECR_HOST}/ms_core`]: digests['v1.4.0-rc.2'] }),
    });
    // the list, then the statuses of the rc's deployments down to the newest success
    expect(github.stats(before).byOperation).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 1 });
  });

  test('require-staging: tag ignores the records; another staging environment has none', async () => {
    expect((await gate({ REQUIRE_STAGING: 'tag' }, NO_DEPLOYMENTS)).outputs).toEqual({ mode: 'promote', 'promote-from': 'v1.4.0-rc.2' });
    expect((await gate({ STAGING_ENVIRONMENT: 'preprod' })).out).toContain('has no successful deployment to preprod');
  });

  test('a token without deployments: read is told what it needs', async () => {
    const r = await gate({}, NO_DEPLOYMENTS);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`Could not list the staging deployments of ${DEFAULT_REPOSITORY}`);
    expect(r.out).toContain('permissions: deployments: read');
    expect(
      r.out
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(NO_DEPLOYMENTS);
  });

  test('the rc tag moved to another image: refused; the recorded image deleted: refused', async () => {
    // moto, unlike ECR, drops an image whose last tag moves: a second tag keeps it
    expect(await putImage('kept', String(TAGS.indexOf('v1.4.0-rc.2') + 1))).toBe(digests['v1.4.0-rc.2']);
    await putImage('v1.4.0-rc.2', '9');
    expect((await gate()).out).toContain(
      `the tag it promotes from does not name what staging ran (${ECR_HOST}/ms_core:v1.4.0-rc.2 now names`,
    );
    await ecr.send(new BatchDeleteImageCommand({ repositoryName: 'ms_core', imageIds: [{ imageDigest: digests['v1.4.0-rc.2'] }] }));
    expect((await gate()).out).toContain(`the images deployment`);
    expect((await gate()).out).toContain(`are gone from the registry: ${ECR_HOST}/ms_core@${digests['v1.4.0-rc.2']}`);
  });
});

describe('rollback-target', () => {
  test('production: back to the previous successful release, its images by digest, the schema that stays', async () => {
    await deploy('v1.3.0', 'production', ['in_progress', 'success'], '20260101000000');
    const current = await deploy('v1.4.0', 'production', ['in_progress', 'success'], '20260201000000');
    const before = github.stats().total;
    const r = await step('rollback-target', { ENVIRONMENT: 'production', VERSION: '', REGION: '' });
    expect([r.status, r.out]).toEqual([0, expect.any(String)]);
    expect(r.outputs).toMatchObject({
      tag: 'v1.3.0',
      version: '1.3.0',
      from: 'v1.4.0',
      projects: 'ms_core',
      artifacts: JSON.stringify({ digests: { [`${ECR_HOST}/ms_core:v1.3.0`]: digests['v1.3.0'] } }),
      'schema-version': '20260201000000',
      description: 'Rollback of production from v1.4.0 to v1.3.0; schema 20260201000000 stays, no migration',
    });
    expect(r.out).toContain(`| from | v1.4.0 (deployment ${current}, success) |`);
    expect(github.stats(before).byOperation).toEqual({ 'repos/list-deployments': 1, 'repos/list-deployment-statuses': 2 });
  });

  test('a version never deployed there is refused, naming what runs', async () => {
    const r = await step('rollback-target', { ENVIRONMENT: 'production', VERSION: 'v1.2.0', REGION: '' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(
      'Rollback of production to v1.2.0 refused: none of the 2 newest production deployments records v1.2.0; production runs v1.4.0',
    );
    expect(r.outputs).toEqual({});
  });
});

describe('GitHub Enterprise Server 3.19 (its description, /api/v3)', () => {
  let dotcom: GitHubFake;
  beforeAll(async () => {
    dotcom = github;
    github = await startGitHubFake({
      flavor: 'ghes-3.19',
      repos: { [DEFAULT_REPOSITORY]: { tags: Object.fromEntries(TAGS.map((t) => [t, {}])) } },
      tokens: { [WRITER]: { login: 'deployer' }, [READER]: { login: 'github-actions[bot]', permissions: { deployments: 'read' } } },
    });
  });
  afterAll(async () => {
    await github.close();
    github = dotcom;
  });

  test('the gate reads the staging records there (v1.5.0 promotes v1.5.0-rc.1)', async () => {
    const good = await deploy('v1.5.0-rc.1', 'staging', ['in_progress', 'success']);
    const r = await gate({ TAG: 'v1.5.0', MINOR: '5' });
    expect([r.status, r.out]).toEqual([0, expect.stringContaining(`Evidence: v1.5.0-rc.1 succeeded in staging (deployment ${good})`)]);
    expect(r.outputs).toMatchObject({ mode: 'promote', 'promote-from': 'v1.5.0-rc.1', 'staging-deployment': String(good) });
    expect(github.requests.filter((q) => !q.path.startsWith('/api/v3/'))).toEqual([]);
  });

  test('rollback-target reads the production records there', async () => {
    await deploy('v1.3.0', 'production', ['in_progress', 'success']);
    await deploy('v1.5.0-rc.1', 'production', ['in_progress', 'success']);
    const r = await step('rollback-target', { ENVIRONMENT: 'production', VERSION: '', REGION: '' });
    expect([r.status, r.out]).toEqual([0, expect.any(String)]);
    expect(r.outputs).toMatchObject({ tag: 'v1.3.0', from: 'v1.5.0-rc.1' });
    expect(github.requests.filter((q) => !q.path.startsWith('/api/v3/'))).toEqual([]);
  });
});
