// record-deployment, run from its bundles (dist/record-deployment{,-post}/index.js) exactly as the runner
// runs them, against the GitHub API contract fake (every request and answer checked against
// @octokit/openapi; a violation fails the test that caused it) and a real HTTP server on loopback that
// answers the verification: with the new version after a delay, with the old version, or with a failure.
// Every wait is bounded: the action's verify-timeout is seconds, each run has a process time limit.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type GitHubFake, startGitHubFake } from './fakes/github/index.mjs';
import {
  DEFAULT_REPOSITORY,
  DEFAULT_TOKEN,
  expectFailure,
  expectSuccess,
  runAction,
  type RunActionOptions,
  type RunResult,
} from './harness.js';

jest.setTimeout(60_000);

const ACTION = 'record-deployment';
const PAT_READ_ONLY = 'ghp_DeploymentsReadOnly0123456789abcdefgh';
const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

let fake: GitHubFake;
let site: Server;
let siteUrl = '';
/** When /delayed starts answering the new version (epoch ms); set by the test that uses it. */
let readyAt = 0;
const hits = new Map<string, number>();

/** The application's health endpoints, as a rollout looks from outside. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
  const json = (status: number, body: object, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const version = url.searchParams.get('version') ?? 'v1.4.0-rc.1';
  switch (url.pathname) {
    case '/delayed':
      if (Date.now() < readyAt) return json(503, { status: 'starting' });
      return json(200, { status: 'ok', build: { version } });
    case '/old':
      return json(200, { status: 'ok', build: { version: 'v1.3.0' } });
    case '/fail':
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('::error::injected by the server\n##[warning]also injected\npanic: nil pointer');
      return;
    case '/header':
      res.writeHead(200, { 'x-app-version': '1.4.0-rc.1' });
      res.end('ok');
      return;
    case '/health':
      res.writeHead(204);
      res.end();
      return;
    default:
      res.writeHead(404);
      res.end('not found');
  }
}

beforeAll(async () => {
  fake = await startGitHubFake({
    repos: { [DEFAULT_REPOSITORY]: { tags: { 'v1.4.0-alpha.1': {}, 'v1.4.0-rc.1': {}, 'v1.4.0-rc.2': {} } } },
    tokens: {
      [DEFAULT_TOKEN]: { login: 'github-actions[bot]' },
      [PAT_READ_ONLY]: { login: 'reader', permissions: { deployments: 'read' } },
    },
  });
  site = createServer(answer);
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await fake?.close();
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
});

afterEach(() => {
  const problems = fake.describeViolations();
  fake.clearLog();
  if (problems) throw new Error(`GitHub API contract violations (@octokit/openapi):\n${problems}`);
});

function run(inputs: Record<string, string>, options: RunActionOptions = {}): Promise<RunResult> {
  return runAction(ACTION, {
    inputs: { 'verify-interval': '100ms', 'verify-timeout': '5s', ...inputs },
    env: { GITHUB_API_URL: fake.apiUrl, ...options.env },
    secrets: [PAT_READ_ONLY],
    timeoutMs: 30_000,
    ...options,
  });
}

const latest = () => fake.deployments(DEFAULT_REPOSITORY).at(-1)!;
const GITOPS_URL = 'https://github.com/example-org/gitops-staging/actions/runs/30000123';
const gitopsJson = JSON.stringify({
  'run-id': '30000123',
  'run-url': GITOPS_URL,
  conclusion: 'success',
  dispatches: [{ repository: 'example-org/gitops-staging' }],
});
const imagesJson = JSON.stringify({
  version: 'v1.4.0-rc.1',
  services: [
    {
      service: 'core',
      image: `${REG}/ms_core`,
      tags: [`${REG}/ms_core:v1.4.0-rc.1`, `${REG}/ms_core:sha-0a1b2c3`],
      pin: `${REG}/ms_core:sha-0a1b2c3`,
    },
    {
      service: 'payments',
      image: `${REG}/ms_payments`,
      tags: [`${REG}/ms_payments:v1.4.0-rc.1`, `${REG}/ms_payments:sha-0a1b2c3`],
      pin: `${REG}/ms_payments:sha-0a1b2c3`,
    },
  ],
});
const artifactsJson = JSON.stringify({
  digests: {
    [`${REG}/ms_core:v1.4.0-rc.1`]: D1,
    [`${REG}/ms_core:sha-0a1b2c3`]: D1,
    [`${REG}/ms_payments:v1.4.0-rc.1`]: D2,
    [`${REG}/ms_payments:sha-0a1b2c3`]: D2,
  },
  s3: {
    bucket: 'app-artifacts',
    prefix: 'binaries/v1.4.0-rc.1/',
    uploaded: 1,
    skipped: 0,
    objects: [{ key: 'binaries/v1.4.0-rc.1/ms_core', sha256: 'c'.repeat(64) }],
  },
});

describe('step: record', () => {
  test('rc → staging: the release recorded with every image by digest, the S3 sums, the migration and the GitOps run; verified once the new version answers', async () => {
    readyAt = Date.now() + 800;
    hits.clear();
    const r = await run(
      {
        environment: 'staging',
        images: imagesJson,
        artifacts: artifactsJson,
        migration: '{"status":"succeeded","exit-code":"0","job-name":"sample-service-migrate-v1-4-0-rc-1"}',
        'schema-version': '20251201090000',
        gitops: gitopsJson,
        'environment-url': 'https://staging.example.com',
        'verify-url': `${siteUrl}/delayed`,
        'verify-version-from': 'json:build.version',
      },
      { ref: 'refs/tags/v1.4.0-rc.1' },
    );
    expectSuccess(r);
    const d = latest();
    expect(d).toMatchObject({
      ref: 'v1.4.0-rc.1',
      environment: 'staging',
      transient: false,
      production: false,
      description: 'v1.4.0-rc.1 to staging',
    });
    expect(d.payload).toEqual({
      'deploy-kit': 1,
      tag: 'v1.4.0-rc.1',
      version: '1.4.0-rc.1',
      environment: 'staging',
      images: [
        { service: 'core', image: `${REG}/ms_core`, digest: D1, tags: ['v1.4.0-rc.1', 'sha-0a1b2c3'] },
        { service: 'payments', image: `${REG}/ms_payments`, digest: D2, tags: ['v1.4.0-rc.1', 'sha-0a1b2c3'] },
      ],
      s3: { bucket: 'app-artifacts', objects: [{ key: 'binaries/v1.4.0-rc.1/ms_core', sha256: 'c'.repeat(64) }] },
      migration: { status: 'succeeded', job: 'sample-service-migrate-v1-4-0-rc-1', 'exit-code': 0, 'schema-version': '20251201090000' },
      gitops: { repository: 'example-org/gitops-staging', 'run-id': 30000123, 'run-url': GITOPS_URL, conclusion: 'success' },
      run: {
        url: expect.stringMatching(/^https:\/\/github.com\/example-org\/sample-service\/actions\/runs\/\d+$/),
        id: expect.any(String),
        attempt: expect.any(String),
      },
    });
    expect(d.statuses).toEqual([
      {
        state: 'in_progress',
        description: 'Deploying v1.4.0-rc.1 to staging',
        environment: 'staging',
        logUrl: GITOPS_URL,
        environmentUrl: 'https://staging.example.com',
      },
      {
        state: 'success',
        description: 'v1.4.0-rc.1 to staging: deployed and verified (1 URL)',
        environment: 'staging',
        logUrl: GITOPS_URL,
        environmentUrl: 'https://staging.example.com',
      },
    ]);
    expect(hits.get('/delayed')).toBeGreaterThan(1);
    expect(r.log).toMatch(/\/delayed answered HTTP 503 \(attempt 1\); next look in 100ms/);
    expect(r.outputs).toMatchObject({
      'deployment-id': String(d.id),
      environment: 'staging',
      state: 'success',
      verified: 'true',
      sha: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(r.json).toMatchObject({
      requests: 3,
      verification: [{ url: `${siteUrl}/delayed`, ok: true, status: 200, version: 'v1.4.0-rc.1' }],
    });
    expect(fake.stats().byOperation).toEqual({ 'repos/create-deployment': 1, 'repos/create-deployment-status': 2 });
    expect(r.summary).toContain(`| image core | ${REG}/ms_core@${D1} |`);
  });

  test('alpha → development: a transient deployment; a plain health check (any 2xx) passes', async () => {
    const r = await run({ environment: 'development', 'verify-url': `${siteUrl}/health` }, { ref: 'refs/tags/v1.4.0-alpha.1' });
    expectSuccess(r);
    expect(latest()).toMatchObject({ ref: 'v1.4.0-alpha.1', environment: 'development', transient: true, production: false });
    expect(latest().statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    // No GitOps run given: the log URL is this workflow run.
    expect(latest().statuses[0]!.logUrl).toMatch(/^https:\/\/github.com\/example-org\/sample-service\/actions\/runs\/\d+$/);
  });

  test('the old version keeps answering: the deployment is marked failure and the step fails naming the URL', async () => {
    const r = await run({
      environment: 'staging',
      tag: 'v1.4.0-rc.2',
      'verify-url': `${siteUrl}/old`,
      'verify-version-from': 'json:build.version',
      'verify-timeout': '1s',
      'verify-interval': '200ms',
    });
    expectFailure(r, `Verification failed: ${siteUrl}/old`);
    expect(r.errors[0]).toMatch(
      /answered HTTP 200 with version v1\.3\.0, not v1\.4\.0-rc\.2 or 1\.4\.0-rc\.2 \([2-6] attempts in \d+m?s\)\. Last body: \{"status":"ok","build":\{"version":"v1\.3\.0"\}\}/,
    );
    expect(latest()).toMatchObject({ ref: 'v1.4.0-rc.2' });
    expect(latest().statuses.map((s) => [s.state, s.description])).toEqual([
      ['in_progress', 'Deploying v1.4.0-rc.2 to staging'],
      [
        'failure',
        `v1.4.0-rc.2 to staging: verification failed, ${siteUrl}/old answered HTTP 200 with version v1.3.0, not v1.4.0-rc.2 or 1.4.0-rc.2`,
      ],
    ]);
    expect(r.outputs).toMatchObject({ state: 'failure', verified: 'false' });
  });

  test('a failing endpoint: status and a body excerpt that cannot start a workflow command', async () => {
    const r = await run({
      environment: 'staging',
      tag: 'v1.4.0-rc.1',
      'verify-url': `${siteUrl}/fail ${siteUrl}/health`,
      'verify-timeout': '1s',
      'verify-interval': '300ms',
    });
    expectFailure(r, `Verification failed: ${siteUrl}/fail\n`);
    expect(r.errors).toHaveLength(1);
    expect(r.warnings).toEqual([]);
    expect(r.errors[0]).toMatch(
      /answered HTTP 500 \([2-4] attempts in \d+m?s\)\. Last body: \u200b::error::injected by the server ##\u200b\[warning\]also injected panic: nil pointer/,
    );
    expect(latest().statuses.at(-1)!.state).toBe('failure');
    expect(r.json).toMatchObject({
      verification: [
        { url: `${siteUrl}/fail`, ok: false, status: 500 },
        { url: `${siteUrl}/health`, ok: true, status: 204 },
      ],
    });
  });

  test('cancelled while verifying: the deployment is marked error', async () => {
    readyAt = Date.now() + 60_000;
    const r = await run(
      { environment: 'staging', tag: 'v1.4.0-rc.1', 'verify-url': `${siteUrl}/delayed`, 'verify-timeout': '20s' },
      { onSpawn: (child) => setTimeout(() => child.kill('SIGINT'), 1500) },
    );
    expectFailure(r, /The step was cancelled; deployment \d+ is marked error/);
    expect(r.log).toContain('Received SIGINT: stopping the verification; the deployment is marked error.');
    expect(latest().statuses.map((s) => [s.state, s.description])).toEqual([
      ['in_progress', 'Deploying v1.4.0-rc.1 to staging'],
      ['error', 'v1.4.0-rc.1 to staging: cancelled during verification'],
    ]);
  });

  test('a token that may not write deployments: the refusal says what the token needs', async () => {
    const before = fake.deployments().length;
    const r = await run({ environment: 'staging', tag: 'v1.4.0-rc.1', token: PAT_READ_ONLY });
    expectFailure(r, `Could not create a deployment of v1.4.0-rc.1 to staging in ${DEFAULT_REPOSITORY}`);
    expect(r.errors[0]).toMatch(/HTTP 403: Resource not accessible by personal access token[\s\S]*deployments: write/);
    expect(fake.deployments().length).toBe(before);
  });

  test('a bad input fails before any request', async () => {
    const r = await run({ environment: 'staging', tag: 'v1.4.0-rc.1', 'verify-url': 'staging.example.com/health' });
    expectFailure(r, 'Input "verify-url": is not a URL');
    expect(fake.requests).toEqual([]);
  });

  test('an empty token (a composite that passed none) is refused, not sent as the literal default', async () => {
    const r = await run({ environment: 'staging', tag: 'v1.4.0-rc.1', token: '' });
    expectFailure(r, 'Input "token": is empty');
    expect(fake.requests).toEqual([]);
  });

  test('dry run: prints the deployment, sends nothing', async () => {
    const r = await run({ environment: 'production', tag: 'v1.4.0-rc.1', 'verify-url': `${siteUrl}/health`, 'dry-run': 'true' });
    expectSuccess(r);
    expect(fake.requests).toEqual([]);
    expect(r.log).toContain(`[dry-run] would send POST /repos/${DEFAULT_REPOSITORY}/deployments`);
    expect(r.json).toMatchObject({
      'dry-run': true,
      requests: 0,
      'would-send': [
        {
          method: 'POST',
          body: { ref: 'v1.4.0-rc.1', environment: 'production', production_environment: true, auto_merge: false, required_contexts: [] },
        },
        { method: 'POST' },
      ],
    });
  });
});

describe('step: start / finish, and the post step', () => {
  test('start → finish (header version) in later steps; a later success marks the earlier staging deployment inactive; post leaves a finished deployment alone', async () => {
    const previous = fake
      .deployments(DEFAULT_REPOSITORY)
      .filter((d) => d.environment === 'staging' && d.statuses.at(-1)?.state === 'success')
      .at(-1);
    const start = await run({
      step: 'start',
      environment: 'staging',
      tag: 'v1.4.0-rc.1',
      'environment-url': 'https://staging.example.com',
    });
    expectSuccess(start);
    expect(start.outputs).toMatchObject({ state: 'in_progress', verified: '' });
    const id = start.outputs['deployment-id']!;
    expect(latest().statuses.map((s) => s.state)).toEqual(['in_progress']);

    const finish = await run(
      {
        step: 'finish',
        'deployment-id': id,
        status: 'success',
        gitops: GITOPS_URL,
        'environment-url': 'https://staging.example.com',
        'verify-url': `${siteUrl}/header`,
        'verify-version-from': 'header:X-App-Version',
      },
      { ref: 'refs/heads/main' },
    );
    expectSuccess(finish);
    expect(finish.outputs).toMatchObject({ 'deployment-id': id, state: 'success', verified: 'true' });
    expect(latest().statuses.map((s) => [s.state, s.logUrl])).toEqual([
      ['in_progress', expect.stringMatching(/actions\/runs\/\d+$/)],
      ['success', GITOPS_URL],
    ]);
    expect(fake.stats().byOperation).toMatchObject({ 'repos/get-deployment': 1 });
    if (previous)
      expect(
        fake
          .deployments(DEFAULT_REPOSITORY)
          .find((d) => d.id === previous.id)!
          .statuses.at(-1)!.state,
      ).toBe('inactive');

    fake.clearLog();
    const post = await runAction(ACTION, { entry: 'post', state: start.state, env: { GITHUB_API_URL: fake.apiUrl } });
    expectSuccess(post);
    expect(post.log).toContain(`Deployment ${id} is success; nothing to do.`);
    expect(fake.stats().byOperation).toEqual({ 'repos/list-deployment-statuses': 1 });
  });

  test('start, then the job ends without finish: the post step marks the deployment error', async () => {
    const start = await run({ step: 'start', environment: 'staging', tag: 'v1.4.0-rc.1' });
    expectSuccess(start);
    const post = await runAction(ACTION, { entry: 'post', state: start.state, env: { GITHUB_API_URL: fake.apiUrl } });
    expectSuccess(post);
    expect(post.log).toContain(`Deployment ${start.outputs['deployment-id']} was still in_progress when the job ended: marked error.`);
    expect(latest().statuses.map((s) => [s.state, s.description])).toEqual([
      ['in_progress', 'Deploying v1.4.0-rc.1 to staging'],
      ['error', 'The job ended before the deployment was finished'],
    ]);
  });

  test('error-if-unfinished: false leaves it open for a later job; a cleanup failure is a warning', async () => {
    const start = await run({ step: 'start', environment: 'staging', tag: 'v1.4.0-rc.1', 'error-if-unfinished': 'false' });
    const post = await runAction(ACTION, {
      entry: 'post',
      inputs: { 'error-if-unfinished': 'false' },
      state: start.state,
      env: { GITHUB_API_URL: fake.apiUrl },
    });
    expectSuccess(post);
    expect(latest().statuses.map((s) => s.state)).toEqual(['in_progress']);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await runAction(ACTION, { entry: 'post', state: start.state, env: { GITHUB_API_URL: `http://127.0.0.1:${port}` } });
    expect(unreachable.exitCode).toBe(0);
    expect(unreachable.warnings[0]).toMatch(
      /^Could not mark deployment \d+ of example-org\/sample-service as error: GitHub API request GET 127.0.0.1:\d+\/repos\/.* failed: the connection was refused/,
    );
  });

  test('finish of a deployment that does not exist fails before any verification', async () => {
    hits.clear();
    const r = await run({ step: 'finish', 'deployment-id': '12345', 'verify-url': `${siteUrl}/health` });
    expectFailure(r, `Could not find deployment 12345 in ${DEFAULT_REPOSITORY}`);
    expect(hits.size).toBe(0);
  });
});

test('GitHub Enterprise Server (3.17 description, /api/v3): the same record, within its contract', async () => {
  const ghes = await startGitHubFake({
    flavor: 'ghes-3.17',
    repos: { [DEFAULT_REPOSITORY]: { tags: { 'v1.4.0-rc.1': {} } } },
    tokens: { [DEFAULT_TOKEN]: {} },
  });
  try {
    const r = await run(
      { environment: 'staging', tag: 'v1.4.0-rc.1', 'verify-url': `${siteUrl}/health` },
      { env: { GITHUB_API_URL: ghes.apiUrl, GITHUB_SERVER_URL: ghes.serverUrl } },
    );
    expectSuccess(r);
    expect(ghes.deployments()[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(ghes.requests.every((q) => q.path.startsWith('/api/v3/repos/'))).toBe(true);
    expect(ghes.describeViolations()).toBe('');
  } finally {
    await ghes.close();
  }
});

test('GitHub Enterprise Server 3.19 (its description, /api/v3): the record within its contract, links under GITHUB_SERVER_URL', async () => {
  const ghes = await startGitHubFake({
    flavor: 'ghes-3.19',
    repos: { [DEFAULT_REPOSITORY]: { tags: { 'v1.4.0-rc.1': {} } } },
    tokens: { [DEFAULT_TOKEN]: {} },
  });
  try {
    const r = await run(
      { environment: 'staging', tag: 'v1.4.0-rc.1', 'verify-url': `${siteUrl}/health` },
      { env: { GITHUB_API_URL: ghes.apiUrl, GITHUB_SERVER_URL: ghes.serverUrl } },
    );
    expectSuccess(r);
    const [deployment] = ghes.deployments();
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    // The run's page: GITHUB_SERVER_URL, never github.com.
    expect(deployment!.statuses.map((s) => s.logUrl)).toEqual([
      expect.stringMatching(new RegExp(`^${ghes.serverUrl}/${DEFAULT_REPOSITORY}/actions/runs/\\d+`)),
      expect.stringMatching(new RegExp(`^${ghes.serverUrl}/${DEFAULT_REPOSITORY}/actions/runs/\\d+`)),
    ]);
    expect(r.outputs['deployment-url']).toMatch(new RegExp(`^${ghes.apiUrl}/repos/`));
    expect(ghes.requests.every((q) => q.path.startsWith('/api/v3/repos/'))).toBe(true);
    expect(ghes.describeViolations()).toBe('');
  } finally {
    await ghes.close();
  }
});
