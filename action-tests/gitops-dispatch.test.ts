// gitops-dispatch, run from its bundle (dist/gitops-dispatch/index.js) exactly as the runner runs it,
// against the GitHub API contract fake (action-tests/fakes/github): every request the action sends and
// every answer the fake gives is checked against GitHub's OpenAPI description (@octokit/openapi,
// api.github.com.json, and ghes-3.17.json for the server without run details). A contract violation
// fails the test that caused it (afterEach).
//
// Scenarios (issue 7): each way of naming a workflow, each pre-flight error, each run-finding strategy,
// concurrent dispatches, wait success/failure/cancelled/timeout/started, rate limits, 5xx retries,
// GitHub App auth, extra dispatches, the seed's three environments, dry run, step cancellation.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { type AddressInfo, type Socket, createServer as createTcpServer } from 'node:net';
import {
  CI_WORKFLOW,
  type GitHubFake,
  UPDATE_PROJECT_LIST,
  UPDATE_PROJECT_LIST_PLAIN,
  UPDATE_PROJECT_LIST_STEP_ID,
  seedRepos,
  startGitHubFake,
} from './fakes/github/index.mjs';
import { expectFailure, expectSuccess, findLeaks, runAction, type RunActionOptions, type RunResult } from './harness.js';
import { parseWorkflowCommand } from './lib/runner.mjs';

jest.setTimeout(60_000);

const ACTION = 'gitops-dispatch';
const PAT = 'ghp_GitopsDispatchTestToken0123456789abcd';
const PAT_LIMITED = 'ghp_OnlyStagingToken0123456789abcdefghij';
const PAT_NO_ACTIONS = 'github_pat_NoActionsWrite0123456789abcdefgh';
const PAT_CLASSIC = 'ghp_ClassicNoRepoScope0123456789abcdefghij';
const PAT_READ_ROLE = 'ghp_ReadRoleOnly0123456789abcdefghijklmno';
const PAT_SMALL = 'ghp_SmallBudget0123456789abcdefghijklmnop';
const APP_ID = 313131;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_KEY = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const CHOICE_WORKFLOW = `name: Deploy
on:
  workflow_dispatch:
    inputs:
      newVersion: {required: true}
      strategy: {type: choice, options: [rolling, recreate], default: rolling}
      updatesRoutes: {type: boolean, default: false}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
`;

const gitops = (workflow: string, extra: object = {}) => ({
  files: { '.github/workflows/update.yml': workflow, '.github/workflows/ci.yml': CI_WORKFLOW },
  ...extra,
});

let dotcom: GitHubFake;
let ghes: GitHubFake;

beforeAll(async () => {
  const tokens = {
    [PAT]: { login: 'deploy-bot' },
    [PAT_LIMITED]: { login: 'staging-bot', repos: ['example-org/gitops-staging'] },
    [PAT_NO_ACTIONS]: { login: 'reader', permissions: { actions: 'read' as const } },
    [PAT_CLASSIC]: { login: 'classic', scopes: 'read:org, workflow' },
    [PAT_READ_ROLE]: { login: 'viewer', role: 'read' as const },
  };
  dotcom = await startGitHubFake({
    repos: {
      ...seedRepos(UPDATE_PROJECT_LIST),
      'example-org/gitops-failing': gitops(UPDATE_PROJECT_LIST, { lifecycle: { conclusion: 'failure', failStep: 'Commit' } }),
      'example-org/gitops-cancelled': gitops(UPDATE_PROJECT_LIST, { lifecycle: { conclusion: 'cancelled' } }),
      'example-org/gitops-slow': gitops(UPDATE_PROJECT_LIST, { lifecycle: { queuedMs: 100, runningMs: 120_000 } }),
      'example-org/gitops-queued': gitops(UPDATE_PROJECT_LIST, { lifecycle: { queuedMs: 120_000 } }),
      'example-org/gitops-disabled': gitops(UPDATE_PROJECT_LIST, { workflows: { 'update.yml': { state: 'disabled_manually' } } }),
      'example-org/gitops-push-only': gitops(
        UPDATE_PROJECT_LIST.replace(/on:\n {2}workflow_dispatch:[\s\S]*?(?=\njobs:)/, 'on:\n  push:\n    branches: [main]\n'),
      ),
      'example-org/gitops-choice': gitops(CHOICE_WORKFLOW),
      'example-org/gitops-public': gitops(UPDATE_PROJECT_LIST, { private: false }),
      'example-org/gitops-tagged': {
        branches: { main: { '.github/workflows/update.yml': UPDATE_PROJECT_LIST } },
        tags: { 'v2.0.0': { '.github/workflows/update.yml': UPDATE_PROJECT_LIST } },
      },
    },
    tokens,
    apps: [
      {
        id: APP_ID,
        slug: 'deploy-kit-test',
        publicKey: keys.publicKey,
        installations: [
          { id: 901, account: 'example-org', repositories: '*', permissions: { actions: 'write', contents: 'read', metadata: 'read' } },
        ],
      },
    ],
  });
  ghes = await startGitHubFake({
    flavor: 'ghes-3.17',
    repos: {
      'example-org/gitops-staging': gitops(UPDATE_PROJECT_LIST),
      'example-org/gitops-steps': gitops(UPDATE_PROJECT_LIST_STEP_ID),
      'example-org/gitops-plain': gitops(UPDATE_PROJECT_LIST_PLAIN),
      'example-org/gitops-plain-twin': gitops(UPDATE_PROJECT_LIST_PLAIN, { lifecycle: { twinDispatch: true } }),
      'example-org/gitops-late': gitops(UPDATE_PROJECT_LIST, { lifecycle: { appearAfterMs: 1500, queuedMs: 1600, runningMs: 300 } }),
    },
    tokens,
  });
});

afterAll(async () => {
  await dotcom?.close();
  await ghes?.close();
});

// A contract violation anywhere fails the test that caused it.
afterEach(() => {
  const problems = `${dotcom.describeViolations()}\n${ghes.describeViolations()}`.trim();
  dotcom.clearLog();
  ghes.clearLog();
  if (problems) throw new Error(`GitHub API contract violations (@octokit/openapi):\n${problems}`);
});

const SECRETS = [PAT, PAT_LIMITED, PAT_NO_ACTIONS, PAT_CLASSIC, PAT_READ_ROLE, PAT_SMALL, APP_KEY];

function run(fake: GitHubFake, inputs: Record<string, string>, options: RunActionOptions = {}): Promise<RunResult> {
  return runAction(ACTION, {
    inputs: { token: PAT, 'poll-interval': '100ms', timeout: '20s', ...inputs },
    env: { GITHUB_API_URL: fake.apiUrl, GITHUB_SERVER_URL: fake.serverUrl, ...options.env },
    secrets: SECRETS,
    timeoutMs: 40_000,
    ...options,
  });
}

interface Dispatch {
  label: string;
  repository: string;
  state: string;
  'run-id': number | null;
  'run-url': string | null;
  status: string | null;
  conclusion: string | null;
  'found-by': string | null;
  inputs: Record<string, string>;
  'failed-jobs': Array<{ name: string; failedSteps: string[] }>;
  'remote-cancelled': boolean;
  request: { method: string; url: string; body: Record<string, unknown> } | null;
}
const dispatches = (r: RunResult) => (r.json as { dispatches: Dispatch[] }).dispatches;
const runsOf = (fake: GitHubFake, repository: string) => fake.runs().filter((x) => x.repository === repository);
const newRuns = (fake: GitHubFake, before: number) => fake.runs().filter((x) => x.id > before);
const lastRunId = (fake: GitHubFake) => Math.max(0, ...fake.runs().map((x) => x.id));

const SEED = { tag: 'v1.4.0', projects: 'ms_core ms_payments', 'update-routes': 'true' };

describe("the seed's three environments (deployment guide section 8)", () => {
  test.each([
    ['development', 'v1.4.0-alpha.1'],
    ['staging', 'v1.4.0-rc.1'],
    ['production', 'v1.4.0'],
  ])('%s (%s): example-org/gitops-<environment>, run found from the dispatch answer and followed to success', async (environment, tag) => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, { environment, ...SEED, tag });
    expectSuccess(r);
    const [made] = newRuns(dotcom, before);
    expect(made).toMatchObject({
      repository: `example-org/gitops-${environment}`,
      workflowName: 'Update Project List Version',
      headBranch: 'main',
      actor: 'deploy-bot',
      status: 'completed',
      conclusion: 'success',
    });
    expect(made!.inputs).toEqual({
      newVersion: tag,
      projectNames: 'ms_core ms_payments',
      updatesRoutes: 'true',
      distinct_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(r.outputs).toEqual({
      'run-id': String(made!.id),
      'run-url': `https://github.com/example-org/gitops-${environment}/actions/runs/${made!.id}`,
      conclusion: 'success',
      json: expect.any(String),
    });
    expect(dispatches(r)[0]).toMatchObject({ 'found-by': 'run-details', state: 'dispatched', conclusion: 'success' });
    expect(r.summary).toContain(
      `| main | example-org/gitops-${environment} | Update Project List Version (update.yml) | main | [${made!.id}](https://github.com/example-org/gitops-${environment}/actions/runs/${made!.id}) | ✓ success | dispatch answer |`,
    );
  });

  test('production with the API gateway extra dispatch: both dispatched, both followed, both in the summary', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, {
      environment: 'production',
      ...SEED,
      'extra-dispatches':
        '- repository: "{owner}/terraform-apps-{environment}"\n  workflow: Update API Gateway Routes\n  environments: [production]',
    });
    expectSuccess(r);
    expect(newRuns(dotcom, before).map((x) => [x.repository, x.workflowName, x.conclusion])).toEqual([
      ['example-org/gitops-production', 'Update Project List Version', 'success'],
      ['example-org/terraform-apps-production', 'Update API Gateway Routes', 'success'],
    ]);
    expect(dispatches(r).map((d) => [d.label, d.repository, d.conclusion])).toEqual([
      ['main', 'example-org/gitops-production', 'success'],
      ['extra 1', 'example-org/terraform-apps-production', 'success'],
    ]);
    expect(r.summary).toMatch(
      /\| extra 1 \| example-org\/terraform-apps-production \| Update API Gateway Routes \(routes.yml\) \| main \| \[\d+\]/,
    );
  });

  test('the same step on staging skips the production-only extra', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, {
      environment: 'staging',
      ...SEED,
      'extra-dispatches':
        '[{"repository": "example-org/terraform-apps-production", "workflow": "routes.yml", "environments": ["production"]}]',
    });
    expectSuccess(r);
    expect(newRuns(dotcom, before).map((x) => x.repository)).toEqual(['example-org/gitops-staging']);
    expect(r.log).toMatch(/extra dispatch 1 \(example-org\/terraform-apps-production\) is for production, not "staging": skipped/);
  });
});

describe('naming the workflow', () => {
  test.each([
    ['by name', 'Update Project List Version'],
    ['by file name', 'update.yml'],
    ['by path', '.github/workflows/update.yml'],
  ])('%s', async (_, workflow) => {
    const r = await run(dotcom, { environment: 'staging', ...SEED, workflow, wait: 'none' });
    expectSuccess(r);
    expect(dispatches(r)[0]!.request!.url).toMatch(/\/repos\/example-org\/gitops-staging\/actions\/workflows\/\d+\/dispatches$/);
  });

  test('by numeric id', async () => {
    const response = await fetch(`${dotcom.apiUrl}/repos/example-org/gitops-staging/actions/workflows/update.yml`, {
      headers: { authorization: `token ${PAT}` },
    });
    const id = ((await response.json()) as { id: number }).id;
    const r = await run(dotcom, { environment: 'staging', ...SEED, workflow: String(id), wait: 'none' });
    expectSuccess(r);
    expect(dispatches(r)[0]!.request!.url).toBe(`${dotcom.apiUrl}/repos/example-org/gitops-staging/actions/workflows/${id}/dispatches`);
  });

  test('an explicit repository and a tag ref', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, { repository: 'example-org/gitops-tagged', ref: 'v2.0.0', ...SEED, wait: 'none' });
    expectSuccess(r);
    expect(newRuns(dotcom, before)[0]).toMatchObject({ repository: 'example-org/gitops-tagged', ref: 'v2.0.0', headBranch: 'v2.0.0' });
  });
});

describe('pre-flight errors: clear messages, nothing dispatched', () => {
  const cases: Array<[string, Record<string, string>, string | RegExp, RegExp | null]> = [
    [
      'workflow not found by name: the workflows that exist are listed',
      { environment: 'staging', workflow: 'Update Projects' },
      'The workflow "Update Projects" was not found in example-org/gitops-staging',
      /its workflows are: "Update Project List Version" \(update.yml, id \d+\), "CI" \(ci.yml, id \d+\)/,
    ],
    [
      'workflow file not found',
      { environment: 'staging', workflow: 'deploy.yml' },
      'The workflow file deploy.yml was not found in example-org/gitops-staging',
      null,
    ],
    ['a disabled workflow', { repository: 'example-org/gitops-disabled' }, /is disabled manually/, /gh workflow enable/],
    ['no workflow_dispatch trigger', { repository: 'example-org/gitops-push-only' }, /has no workflow_dispatch trigger on "main"/, null],
    [
      'an unknown input',
      { environment: 'staging', inputs: 'newVersoin=v1' },
      'Input "inputs": the workflow "Update Project List Version" (.github/workflows/update.yml) in example-org/gitops-staging declares no input "newVersoin"',
      null,
    ],
    [
      'a missing required input',
      { environment: 'staging', tag: 'v1', projects: '', 'update-routes': '' },
      /requires the input "projectNames" \(Space-separated MS names\), and it has no default/,
      null,
    ],
    [
      'a value outside a choice',
      {
        repository: 'example-org/gitops-choice',
        workflow: 'Deploy',
        tag: 'v1',
        projects: '',
        'update-routes': '',
        inputs: 'strategy=blue-green',
      },
      /Input "inputs": "blue-green" is not one of the choices of the workflow input "strategy"; expected one of `rolling`, `recreate`/,
      null,
    ],
    [
      'a non-boolean for a boolean input',
      {
        repository: 'example-org/gitops-choice',
        workflow: 'Deploy',
        tag: 'v1',
        projects: '',
        'update-routes': '',
        inputs: '{"updatesRoutes": "yes"}',
      },
      /the workflow input "updatesRoutes" is a boolean; expected `true` or `false`. Got: yes/,
      null,
    ],
    [
      'a ref that does not exist',
      { environment: 'staging', ref: 'release/9' },
      'The ref "release/9" does not exist in example-org/gitops-staging',
      null,
    ],
    [
      'a repository that does not exist (404)',
      { environment: 'qa' },
      'Could not read example-org/gitops-qa: HTTP 404 Not Found',
      /does not exist, or the token cannot see it/,
    ],
  ];
  test.each(cases)('%s', async (_, inputs, message, detail) => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, { ...SEED, ...inputs });
    expectFailure(r, message);
    if (detail) expect(r.errors.join('\n')).toMatch(detail);
    expect(newRuns(dotcom, before)).toEqual([]);
    expect(dotcom.requests.some((q) => q.operationId === 'actions/create-workflow-dispatch')).toBe(false);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test.each<[string, string, string | RegExp, RegExp]>([
    [
      'a revoked or wrong token (401)',
      'ghp_NotAKnownToken000000000000000000000',
      'Could not read example-org/gitops-production: HTTP 401 Bad credentials',
      /WORKFLOW_PAT/,
    ],
    [
      'a token that cannot see the repository (404)',
      PAT_LIMITED,
      'Could not read example-org/gitops-production: HTTP 404 Not Found',
      /The token's owner has access to example-org\/gitops-production/,
    ],
    [
      'a classic token without the repo scope (private repository: invisible)',
      PAT_CLASSIC,
      'Could not read example-org/gitops-production: HTTP 404 Not Found',
      /A classic token needs the `repo` scope/,
    ],
    ['a user with read access only', PAT_READ_ROLE, 'The token can read example-org/gitops-production but not write to it', /write access/],
  ])('%s', async (_, token, message, detail) => {
    const r = await run(dotcom, { environment: 'production', ...SEED, token });
    expectFailure(r, message);
    expect(r.errors.join('\n')).toMatch(detail);
    expect(r.outputs).toEqual({});
  });

  test('a token without Actions: write passes the reads and fails at the dispatch (403) with what to grant', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, { environment: 'staging', ...SEED, token: PAT_NO_ACTIONS });
    expectFailure(
      r,
      'Could not dispatch "Update Project List Version" (.github/workflows/update.yml) in example-org/gitops-staging on "main": HTTP 403 Resource not accessible by personal access token',
    );
    expect(r.errors.join('\n')).toMatch(/"Actions: Read and write"/);
    expect(newRuns(dotcom, before)).toEqual([]);
  });

  test('a classic token without the repo scope on a public repository: refused before dispatching, naming its scopes', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-public', ...SEED, token: PAT_CLASSIC });
    expectFailure(r, 'The classic personal access token lacks the `repo` scope');
    expect(r.errors[0]).toMatch(/It has `read:org`, `workflow`/);
    expect(dotcom.requests.map((q) => q.operationId)).toEqual(['repos/get']);
  });

  test.each<[string, Record<string, string>, string]>([
    [
      'bad update-routes',
      { 'update-routes': 'yes' },
      'Input "update-routes": has the wrong form; expected `true`, `false`, or empty to leave `updatesRoutes` out. Got: yes',
    ],
    ['no environment and no repository', { environment: '' }, 'Input "environment": is required when `repository` is not given'],
    [
      'token and app together',
      { 'app-id': '1', 'private-key': 'not-a-real-private-key' },
      'Input "token": is given together with `app-id`/`private-key`',
    ],
    [
      'a commit SHA as ref',
      { ref: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567' },
      'Input "ref": is a commit SHA; workflow_dispatch runs only on a branch or tag',
    ],
    [
      'more than 25 inputs',
      { inputs: JSON.stringify(Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`in${i}`, 'x']))) },
      'Input "inputs": gives 26 workflow inputs, but the workflow_dispatch API accepts at most 25',
    ],
    [
      'a bad wait',
      { wait: 'forever' },
      'Input "wait": not one of the allowed values; expected one of `none`, `started`, `completed`. Got: forever',
    ],
    ['a bad private key', { token: '', 'app-id': '1', 'private-key': 'not a key' }, 'Input "private-key": is not a PEM private key'],
  ])('input error, before any request: %s', async (_, inputs, message) => {
    const r = await run(dotcom, { environment: 'staging', ...SEED, ...inputs });
    expectFailure(r, message);
    expect(dotcom.requests).toEqual([]);
  });
});

describe('finding the run', () => {
  test('github.com: the dispatch answer names the run — no polling to find it; polls after the first are 304', async () => {
    const r = await run(dotcom, { environment: 'staging', ...SEED });
    expectSuccess(r);
    const ops = dotcom.requests.map((q) => q.operationId);
    expect(ops.slice(0, 4)).toEqual(['repos/get', 'actions/list-repo-workflows', 'repos/get-content', 'actions/create-workflow-dispatch']);
    expect(ops).not.toContain('actions/list-workflow-runs');
    const polls = dotcom.requests.filter((q) => q.operationId === 'actions/get-workflow-run');
    expect(polls[0]!.notModified).toBe(false);
    // Changes (in_progress, completed) cost a counted 200; every other poll is a free 304.
    expect(polls.filter((q) => !q.notModified).length).toBeLessThanOrEqual(3);
    expect(polls.slice(1).every((q) => q.conditional)).toBe(true);
    expect(polls.filter((q) => q.notModified).every((q) => !q.counted)).toBe(true);
    expect(r.log).toMatch(/\d+ GitHub API request\(s\), [1-9]\d* answered 304 Not Modified/);
  });

  test('GHES 3.17 (known from X-GitHub-Enterprise-Version): no run details asked; the run found by the distinct id in its run-name', async () => {
    const before = lastRunId(ghes);
    const r = await run(ghes, { environment: 'staging', ...SEED });
    expectSuccess(r);
    const dispatchCalls = ghes.requests.filter((q) => q.operationId === 'actions/create-workflow-dispatch');
    expect(dispatchCalls.map((q) => q.status)).toEqual([204]);
    const [made] = newRuns(ghes, before);
    expect(made!.displayTitle).toBe(`Update ms_core ms_payments to v1.4.0 [${made!.inputs.distinct_id}]`);
    expect(dispatches(r)[0]).toMatchObject({ 'run-id': made!.id, 'found-by': 'run-name', conclusion: 'success' });
    expect(r.outputs['run-url']).toBe(`${ghes.serverUrl}/example-org/gitops-staging/actions/runs/${made!.id}`);
    expect(r.log).toMatch(
      /GitHub Enterprise Server 3.17.3 does not return run details \(3.21 and later do\); finding the run by its distinct id \(run-name\)/,
    );
    expect(r.warnings).toEqual([]);
  });

  test('GHES 3.19 (its description): no run details asked, the run found by its distinct id, the run URL under GITHUB_SERVER_URL', async () => {
    const ghes319 = await startGitHubFake({
      flavor: 'ghes-3.19',
      repos: { 'example-org/gitops-staging': gitops(UPDATE_PROJECT_LIST) },
      tokens: { [PAT]: { login: 'deploy-bot' } },
      apps: [
        {
          id: APP_ID,
          slug: 'deploy-kit-test',
          publicKey: keys.publicKey,
          installations: [
            { id: 902, account: 'example-org', repositories: '*', permissions: { actions: 'write', contents: 'read', metadata: 'read' } },
          ],
        },
      ],
    });
    try {
      const r = await run(ghes319, { environment: 'staging', ...SEED });
      expectSuccess(r);
      const dispatchCalls = ghes319.requests.filter((q) => q.operationId === 'actions/create-workflow-dispatch');
      expect(dispatchCalls.map((q) => q.status)).toEqual([204]);
      const [made] = ghes319.runs();
      expect(dispatches(r)[0]).toMatchObject({ 'run-id': made!.id, 'found-by': 'run-name', conclusion: 'success' });
      expect(r.outputs['run-url']).toBe(`${ghes319.serverUrl}/example-org/gitops-staging/actions/runs/${made!.id}`);
      expect(r.log).toMatch(/GitHub Enterprise Server 3.19.3 does not return run details \(3.21 and later do\)/);
      expect(ghes319.requests.filter((q) => !q.path.startsWith('/api/v3/'))).toEqual([]);
      expect(ghes319.describeViolations()).toBe('');
      // The App token exchange goes to GHES's /api/v3 too, and the token is revoked there.
      ghes319.clearLog();
      const app = await run(ghes319, { environment: 'staging', ...SEED, token: '', 'app-id': String(APP_ID), 'private-key': APP_KEY });
      expectSuccess(app);
      expect(ghes319.requests.map((q) => q.operationId)).toEqual(
        expect.arrayContaining(['apps/get-repo-installation', 'apps/create-installation-access-token', 'actions/create-workflow-dispatch']),
      );
      expect(ghes319.requests.at(-1)!.operationId).toBe('apps/revoke-installation-access-token');
      expect(ghes319.requests.filter((q) => !q.path.startsWith('/api/v3/'))).toEqual([]);
      expect(ghes319.describeViolations()).toBe('');
    } finally {
      await ghes319.close();
    }
  });

  test('GHES whose version header is hidden: the 400 on return_run_details is detected and the dispatch resent without it — never a failure', async () => {
    const proxied = await startGitHubFake({
      flavor: 'ghes-3.17',
      enterpriseVersion: null,
      repos: { 'example-org/gitops-staging': gitops(UPDATE_PROJECT_LIST) },
      tokens: { [PAT]: {} },
    });
    try {
      const r = await run(proxied, { environment: 'staging', ...SEED });
      expectSuccess(r);
      expect(proxied.requests.filter((q) => q.operationId === 'actions/create-workflow-dispatch').map((q) => q.status)).toEqual([400, 204]);
      expect(proxied.runs()).toHaveLength(1); // the refused request started nothing
      expect(dispatches(r)[0]).toMatchObject({ 'found-by': 'run-name', conclusion: 'success' });
      expect(r.log).toMatch(/does not return run details \(HTTP 400: Invalid request\.\s+"return_run_details" is not a permitted key\.\)/);
      expect(proxied.describeViolations()).toBe('');
    } finally {
      await proxied.close();
    }
  });

  test('GHES: the distinct id in a step name (found once the job started)', async () => {
    const r = await run(ghes, { repository: 'example-org/gitops-steps', ...SEED });
    expectSuccess(r);
    expect(dispatches(r)[0]).toMatchObject({ 'found-by': 'job-or-step-name', conclusion: 'success' });
    expect(ghes.requests.some((q) => q.operationId === 'actions/list-jobs-for-workflow-run')).toBe(true);
  });

  test('GHES: no distinct id input — a time-window match on event, branch and actor', async () => {
    const before = lastRunId(ghes);
    const r = await run(ghes, { repository: 'example-org/gitops-plain', ...SEED });
    expectSuccess(r);
    const [made] = newRuns(ghes, before);
    expect(dispatches(r)[0]).toMatchObject({ 'run-id': made!.id, 'found-by': 'time-window' });
    expect(made!.inputs).not.toHaveProperty('distinct_id');
    const lists = ghes.requests.filter((q) => q.operationId === 'actions/list-workflow-runs');
    expect(lists.at(-1)!.path).toMatch(/event=workflow_dispatch/);
    expect(lists.at(-1)!.path).toMatch(/actor=deploy-bot/);
    expect(lists.at(-1)!.path).toMatch(/branch=main/);
  });

  test('GHES: a run that appears late is looked for again with backoff, not reported missing', async () => {
    const r = await run(ghes, { repository: 'example-org/gitops-late', ...SEED });
    expectSuccess(r);
    const lists = ghes.requests.filter((q) => q.operationId === 'actions/list-workflow-runs');
    expect(lists.length).toBeGreaterThan(2);
    expect(r.log).toMatch(/Run not visible yet \(distinct id [0-9a-f-]+ in the run name\); looking again in/);
  });

  test('two dispatches at the same moment each find their own run (GHES, distinct id)', async () => {
    const before = lastRunId(ghes);
    const [a, b] = await Promise.all([
      run(ghes, { environment: 'staging', ...SEED, tag: 'v1.0.0-a' }),
      run(ghes, { environment: 'staging', ...SEED, tag: 'v1.0.0-b' }),
    ]);
    expectSuccess(a);
    expectSuccess(b);
    const made = newRuns(ghes, before);
    expect(made).toHaveLength(2);
    const byVersion = Object.fromEntries(made.map((x) => [x.inputs.newVersion, x.id]));
    expect(a.outputs['run-id']).toBe(String(byVersion['v1.0.0-a']));
    expect(b.outputs['run-id']).toBe(String(byVersion['v1.0.0-b']));
  });

  test('two dispatches at the same moment each get their own run (github.com, run details)', async () => {
    const before = lastRunId(dotcom);
    const [a, b] = await Promise.all([
      run(dotcom, { environment: 'staging', ...SEED, tag: 'v2.0.0-a' }),
      run(dotcom, { environment: 'staging', ...SEED, tag: 'v2.0.0-b' }),
    ]);
    expectSuccess(a);
    expectSuccess(b);
    const byVersion = Object.fromEntries(newRuns(dotcom, before).map((x) => [x.inputs.newVersion, x.id]));
    expect([a.outputs['run-id'], b.outputs['run-id']]).toEqual([String(byVersion['v2.0.0-a']), String(byVersion['v2.0.0-b'])]);
  });

  test('time window with two dispatches at once: refuses to guess instead of picking the wrong run', async () => {
    // The fake starts a twin run (same actor, inputs and moment) with ours: two candidates, always.
    const before = lastRunId(ghes);
    const r = await run(ghes, { repository: 'example-org/gitops-plain-twin', ...SEED });
    expect(newRuns(ghes, before)).toHaveLength(2);
    expectFailure(r, 'The workflow was dispatched, but 2 new runs match it and the action will not guess which is its own');
    expect(r.errors.join('\n')).toMatch(/run-name: Deploy \$\{\{ inputs.distinct_id \}\}/);
    expect(r.outputs['run-id'] ?? '').toBe('');
  });
});

describe('waiting', () => {
  test('a failed run fails the step with the run URL and the failed job and step', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-failing', ...SEED });
    const id = runsOf(dotcom, 'example-org/gitops-failing').at(-1)!.id;
    expectFailure(
      r,
      `The run of "Update Project List Version" (.github/workflows/update.yml) in example-org/gitops-failing concluded failure: https://github.com/example-org/gitops-failing/actions/runs/${id}`,
    );
    expect(r.errors[0]).toMatch(/Failed jobs: update \(failure; step "Commit"\)/);
    expect(r.outputs).toMatchObject({ 'run-id': String(id), conclusion: 'failure' });
    expect(dispatches(r)[0]!['failed-jobs']).toEqual([expect.objectContaining({ name: 'update', failedSteps: ['Commit'] })]);
    expect(r.summary).toMatch(/\*\*main\*\* failed jobs: \[update\]\(.*\) \(Commit\)/);
  });

  test('a cancelled run fails the step', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-cancelled', ...SEED });
    expectFailure(r, /concluded cancelled/);
    expect(r.outputs.conclusion).toBe('cancelled');
  });

  test('timeout: fails naming the last status, leaves the remote run running by default', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-slow', ...SEED, timeout: '2s' });
    expectFailure(
      r,
      /^Run \d+ of "Update Project List Version" \(.github\/workflows\/update.yml\) in example-org\/gitops-slow did not complete within 2s \(last status: in_progress\)/,
    );
    expect(r.errors[0]).toMatch(/The remote run was left running \(`cancel-on-abort: false`\)/);
    expect(runsOf(dotcom, 'example-org/gitops-slow').at(-1)).toMatchObject({ status: 'in_progress', cancelled: false });
  });

  test('timeout with cancel-on-abort: the remote run is cancelled', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-slow', ...SEED, timeout: '2s', 'cancel-on-abort': 'true' });
    expectFailure(r, /did not complete within 2s/);
    expect(r.errors[0]).toMatch(/The remote run was cancelled/);
    expect(runsOf(dotcom, 'example-org/gitops-slow').at(-1)).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      cancelled: true,
    });
  });

  test('the step cancelled (SIGTERM) with cancel-on-abort: the remote run is cancelled; without: it keeps running', async () => {
    for (const cancelOnAbort of ['true', 'false']) {
      const before = lastRunId(dotcom);
      const r = await run(
        dotcom,
        { repository: 'example-org/gitops-slow', ...SEED, 'cancel-on-abort': cancelOnAbort },
        { timeoutMs: 3_000 },
      );
      expect(r.timedOut).toBe(true);
      const [made] = newRuns(dotcom, before);
      if (cancelOnAbort === 'true') {
        expect(r.stdout).toMatch(/Received SIGTERM: stopping and cancelling the remote run\(s\)/);
        expect(made).toMatchObject({ status: 'completed', conclusion: 'cancelled', cancelled: true });
      } else {
        expect(r.stdout).toMatch(/the remote run\(s\) keep running/);
        expect(made).toMatchObject({ status: 'in_progress', cancelled: false });
      }
    }
  });

  test('wait: started returns once the run is in progress', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-slow', ...SEED, wait: 'started' });
    expectSuccess(r);
    expect(dispatches(r)[0]).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(r.outputs.conclusion).toBe('');
  });

  test('wait: started times out while the run stays queued', async () => {
    const r = await run(dotcom, { repository: 'example-org/gitops-queued', ...SEED, wait: 'started', timeout: '1s' });
    expectFailure(r, /did not start within 1s \(last status: queued\)/);
  });

  test('wait: none on GHES dispatches and stops, without looking for the run', async () => {
    const r = await run(ghes, { environment: 'staging', ...SEED, wait: 'none' });
    expectSuccess(r);
    expect(r.outputs['run-id']).toBe('');
    expect(ghes.requests.some((q) => q.operationId === 'actions/list-workflow-runs' || q.operationId === 'actions/get-workflow-run')).toBe(
      false,
    );
  });
});

describe('rate limits and server errors', () => {
  test('5xx on the dispatch is retried (one run started); 502s while polling are backed off', async () => {
    const before = lastRunId(dotcom);
    dotcom.inject({ operationId: 'actions/create-workflow-dispatch', status: 502, times: 1 });
    dotcom.inject({ operationId: 'actions/get-workflow-run', status: 503, times: 2 });
    const r = await run(dotcom, { environment: 'staging', ...SEED });
    expectSuccess(r);
    expect(newRuns(dotcom, before)).toHaveLength(1);
    expect(r.log).toMatch(/Retry dispatch Update Project List Version: attempt 1 of 5 failed \(HTTP 502/);
    expect(r.log).toMatch(/Polling run \d+ failed \(HTTP 503: Server Error\); retry 1 of 8/);
  });

  test('secondary rate limit (403 + retry-after) and 429 while polling are waited out', async () => {
    dotcom.inject({ operationId: 'actions/get-workflow-run', kind: 'secondary-rate-limit', retryAfter: 1, times: 1 });
    dotcom.inject({ operationId: 'actions/get-workflow-run', kind: 'too-many-requests', retryAfter: 1, times: 1 });
    const started = Date.now();
    const r = await run(dotcom, { environment: 'staging', ...SEED });
    expectSuccess(r);
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(r.log).toMatch(/Rate limited while polling run \d+ \(HTTP 403: You have exceeded a secondary rate limit.*\); waiting 1 s/);
    expect(r.log).toMatch(/Rate limited while polling run \d+ \(HTTP 429: Too many requests\); waiting 1 s/);
  });

  test('secondary rate limit during pre-flight is retried by the client policy', async () => {
    dotcom.inject({ operationId: 'repos/get', kind: 'secondary-rate-limit', retryAfter: 1, times: 1 });
    const r = await run(dotcom, { environment: 'staging', ...SEED, wait: 'none' });
    expectSuccess(r);
    expect(r.log).toMatch(/Retry read example-org\/gitops-staging: attempt 1 of 5 failed \(HTTP 403 \(rate limited\)/);
  });

  test('a primary rate limit that runs out is waited for until its reset', async () => {
    // 5 requests per 3 s: pre-flight (3) and the dispatch (1) leave one; the run changes twice more.
    const fake = await startGitHubFake({
      repos: { 'example-org/gitops-staging': gitops(UPDATE_PROJECT_LIST, { lifecycle: { queuedMs: 200, runningMs: 2500 } }) },
      tokens: { [PAT_SMALL]: { rateLimit: 5 } },
      rateLimit: { windowMs: 3000 },
    });
    try {
      const r = await run(fake, { environment: 'staging', ...SEED, token: PAT_SMALL, 'poll-interval': '100ms' });
      expectSuccess(r);
      expect(fake.requests.some((q) => q.status === 403)).toBe(false); // it waited instead of hitting the wall
      expect(fake.requests.filter((q) => q.counted).length).toBeGreaterThan(5); // so it used a second window
      expect(r.log).toMatch(/Rate limit: 0 request\(s\) left until .*; next look at run \d+ in [1-5] s/);
      expect(fake.describeViolations()).toBe('');
    } finally {
      await fake.close();
    }
  });
});

describe('GitHub App authentication', () => {
  test('app-id + private-key: JWT → installation token scoped to the targets → dispatch as the App; token masked and revoked', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, {
      environment: 'production',
      ...SEED,
      token: '',
      'app-id': String(APP_ID),
      'private-key': APP_KEY,
      'extra-dispatches': '- {repository: example-org/terraform-apps-production, workflow: routes.yml}',
    });
    expectSuccess(r);
    const made = newRuns(dotcom, before);
    expect(made.map((x) => x.actor)).toEqual(['deploy-kit-test[bot]', 'deploy-kit-test[bot]']);
    const tokenCalls = dotcom.requests.filter((q) => q.operationId === 'apps/create-installation-access-token');
    expect(tokenCalls).toHaveLength(1); // one token for both repositories of the owner
    expect(dotcom.requests.filter((q) => q.operationId === 'apps/get-repo-installation')).toHaveLength(1);
    expect(dotcom.requests.at(-1)!.operationId).toBe('apps/revoke-installation-access-token');
    expect(r.masked.some((m) => m.startsWith('ghs_'))).toBe(true);
    const issued = r.masked.filter((m) => m.startsWith('ghs_'));
    expect(findLeaks(r, issued)).toEqual([]);
    expect(dotcom.token(issued[0]!)).toMatchObject({
      kind: 'installation',
      revoked: true,
      repositories: ['example-org/gitops-production', 'example-org/terraform-apps-production'],
      permissions: { actions: 'write', contents: 'read', metadata: 'read' },
    });
  });

  test('an App that is not installed on the target says so', async () => {
    const fake = await startGitHubFake({
      repos: seedRepos(),
      apps: [{ id: APP_ID, publicKey: keys.publicKey, installations: [{ id: 1, account: 'other-org' }] }],
    });
    try {
      const r = await run(fake, { environment: 'staging', ...SEED, token: '', 'app-id': String(APP_ID), 'private-key': APP_KEY });
      expectFailure(r, `The GitHub App ${APP_ID} is not installed on example-org/gitops-staging`);
      expect(fake.describeViolations()).toBe('');
    } finally {
      await fake.close();
    }
  });

  test('a key that does not belong to the App (401) is explained', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const r = await run(
      dotcom,
      { environment: 'staging', ...SEED, token: '', 'app-id': String(APP_ID), 'private-key': other },
      { secrets: [...SECRETS, other] },
    );
    expectFailure(r, /HTTP 401 A JSON web token could not be decoded/);
    expect(r.errors[0]).toMatch(/`app-id` and `private-key` belong to the same GitHub App/);
  });
});

describe('extra dispatches and partial failure', () => {
  test('an extra target that fails its pre-flight stops everything before the main dispatch', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, {
      environment: 'production',
      ...SEED,
      'extra-dispatches': '- {repository: example-org/terraform-apps-production, workflow: Update Gateway Routes}',
    });
    expectFailure(r, 'The workflow "Update Gateway Routes" was not found in example-org/terraform-apps-production');
    expect(newRuns(dotcom, before)).toEqual([]);
  });

  test('an extra dispatch that fails fails the step; the summary says the main one succeeded', async () => {
    const before = lastRunId(dotcom);
    dotcom.inject({
      operationId: 'actions/create-workflow-dispatch',
      when: (q) => q.path.includes('terraform-apps-production'),
      status: 403,
      message: 'Resource not accessible by personal access token',
      times: 1,
    });
    const r = await run(dotcom, {
      environment: 'production',
      ...SEED,
      'extra-dispatches': '- {repository: example-org/terraform-apps-production, workflow: routes.yml}',
    });
    expectFailure(r, '1 of 2 dispatches did not succeed (main did):');
    expect(r.errors[0]).toMatch(/✓ main: "Update Project List Version" in example-org\/gitops-production: dispatched, run \d+ success/);
    expect(r.errors[0]).toMatch(
      /✗ extra 1: "Update API Gateway Routes" in example-org\/terraform-apps-production: dispatch failed — Could not dispatch .* HTTP 403/,
    );
    expect(newRuns(dotcom, before).map((x) => x.repository)).toEqual(['example-org/gitops-production']);
    expect(r.outputs['run-id']).toBe(String(newRuns(dotcom, before)[0]!.id));
    expect(r.summary).toMatch(/\| extra 1 \| example-org\/terraform-apps-production \| .* \| ✗ dispatch failed: Could not dispatch/);
    expect(r.summary).toMatch(/\*\*Failed:\*\* 1 of 2 dispatches did not succeed/);
  });
});

describe('dry run, outputs, secrets', () => {
  test('dry run: checks everything, dispatches nothing, prints and summarises the request', async () => {
    const before = lastRunId(dotcom);
    const r = await run(dotcom, { environment: 'production', ...SEED, 'dry-run': 'true' });
    expectSuccess(r);
    expect(newRuns(dotcom, before)).toEqual([]);
    expect(dotcom.requests.map((q) => q.operationId)).toEqual(['repos/get', 'actions/list-repo-workflows', 'repos/get-content']);
    expect(r.log).toMatch(
      /\[dry-run\] would send POST http:\/\/127.0.0.1:\d+\/repos\/example-org\/gitops-production\/actions\/workflows\/\d+\/dispatches/,
    );
    expect(dispatches(r)[0]!.request!.body).toEqual({
      ref: 'main',
      inputs: { newVersion: 'v1.4.0', projectNames: 'ms_core ms_payments', updatesRoutes: 'true', distinct_id: '<distinct id>' },
      return_run_details: true,
    });
    expect(r.outputs['run-id']).toBe('');
    expect(r.summary).toMatch(/### gitops-dispatch \(dry run\)/);
  });

  test("projects from image-tags' json output; inputs as YAML; json output holds every dispatch", async () => {
    const imageTags = JSON.stringify({
      services: [
        { service: 'core', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core' },
        { service: 'chat', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_chat' },
      ],
    });
    const before = lastRunId(dotcom);
    const r = await run(dotcom, {
      repository: 'example-org/gitops-choice',
      workflow: 'Deploy',
      tag: 'v3',
      projects: '',
      'update-routes': 'false',
      inputs: 'strategy: recreate',
    });
    expectSuccess(r);
    expect(newRuns(dotcom, before)[0]!.inputs).toEqual({ newVersion: 'v3', updatesRoutes: 'false', strategy: 'recreate' });
    const r2 = await run(dotcom, { environment: 'staging', tag: 'v3', projects: imageTags, wait: 'none' });
    expectSuccess(r2);
    expect(dispatches(r2)[0]!.inputs.projectNames).toBe('ms_core ms_chat');
    expect(r2.json).toMatchObject({ 'run-id': r2.outputs['run-id'], 'dry-run': false, requests: { total: 4, 'not-modified': 0 } });
  });

  test('the token never appears in logs, outputs or summary (even with debug logging)', async () => {
    const r = await run(dotcom, { environment: 'staging', ...SEED }, { debug: true });
    expectSuccess(r);
    expect(r.masked).toContain(PAT);
    expect(findLeaks(r, [PAT])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Trust (issue 20): unbounded requests (5), workflow commands forged from API text and input values
// (7), bad input and network failures named clearly (13).

/** A loopback TCP server that accepts connections and never answers (the sockets are held, then destroyed). */
async function silentServer(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was just free and is closed again: connections are refused. */
async function closedPortUrl(): Promise<string> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('trust: every request has a timeout, and no wait outlives `timeout`', () => {
  test('a server that accepts and never answers: the step ends near its 2s timeout, naming the API endpoint', async () => {
    const silent = await silentServer();
    try {
      const r = await runAction(ACTION, {
        inputs: { token: PAT, environment: 'staging', ...SEED, timeout: '2s', 'poll-interval': '100ms' },
        env: { GITHUB_API_URL: silent.url },
        secrets: SECRETS,
        timeoutMs: 20_000, // the bound of this test: the old code waited for undici's 300 s header timeout
      });
      const host = new URL(silent.url).host;
      expectFailure(
        r,
        `gitops-dispatch's timeout (2s) ran out waiting for the GitHub API: GET ${host}/repos/example-org/gitops-staging had no answer`,
      );
      expect(r.durationMs).toBeLessThan(2000 + 6000);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('Check:');
      expect(r.errors[0]).toContain('GITHUB_API_URL');
      expect(silent.connections()).toBeGreaterThanOrEqual(1);
    } finally {
      await silent.close();
    }
  });

  test('a refused connection names the API, the endpoint and what to check — not "HTTP 500", not "Unexpected error"', async () => {
    const url = await closedPortUrl();
    const r = await runAction(ACTION, {
      inputs: { token: PAT, environment: 'staging', ...SEED, timeout: '20s' },
      env: { GITHUB_API_URL: url },
      secrets: SECRETS,
      timeoutMs: 40_000,
    });
    expectFailure(
      r,
      `Could not read example-org/gitops-staging: GitHub API request GET ${new URL(url).host}/repos/example-org/gitops-staging failed: the connection was refused (ECONNREFUSED)`,
    );
    expect(r.errors[0]).toContain(`GITHUB_API_URL (${url}) is the GitHub API`);
    expect(r.errors[0]).not.toMatch(/Unexpected error|HTTP 500|server error/);
    expect(r.log).toMatch(/Retry read example-org\/gitops-staging: attempt 1 of 5 failed \(ECONNREFUSED/);
  });

  test('plain http to a remote GITHUB_API_URL: the token is not sent, and the error says why', async () => {
    const r = await runAction(ACTION, {
      inputs: { token: PAT, environment: 'staging', ...SEED },
      env: { GITHUB_API_URL: 'http://ghes.example.invalid/api/v3' },
      secrets: SECRETS,
    });
    expectFailure(r, 'Refused to send the GitHub token to http://ghes.example.invalid/api/v3 (GITHUB_API_URL)');
    expect(r.errors[0]).toContain('would receive it over plain http');
  });
});

describe('trust: API text and input values cannot forge workflow commands', () => {
  // Each surface gets its own tag, so a failure says which one leaked.
  const forged = (tag: string) => `\n::add-mask::forged-${tag}\r::error::fake-${tag}\r\n::stop-commands::t${tag}\n##[error]v1-${tag}`;
  const FORGED_WORKFLOW = `name: ${JSON.stringify(`Deploy${forged('name')}`)}
run-name: ${JSON.stringify(`Deploy \${{ inputs.newVersion }}${forged('title')}`)}
on:
  workflow_dispatch:
    inputs:
      newVersion: {required: true}
      note: {required: false}
jobs:
  deploy:
    name: ${JSON.stringify(`Deploy job${forged('job')}`)}
    runs-on: ubuntu-latest
    steps:
      - name: ${JSON.stringify(`Apply${forged('step')}`)}
        run: ./apply.sh
`;

  /** Every workflow command in the output, read line by line as the runner reads it. */
  function commands(r: RunResult): Array<{ command: string; data: string }> {
    return `${r.stdout}\n${r.stderr}`
      .split(/\r\n|\r|\n/)
      .map((line) => parseWorkflowCommand(line))
      .filter((c): c is NonNullable<typeof c> => c !== undefined)
      .map((c) => ({ command: c.command, data: c.data }));
  }

  test('workflow name, run URL, job and step names, an input value and API error bodies: no mask, no stop-commands, no extra annotation', async () => {
    // The run and workflow URLs (html_url) come from the server URL; GitHub's URI format still
    // accepts them, as a URL parser drops CR and LF.
    const fake = await startGitHubFake({
      serverUrl: `https://github.com/forged${forged('url')}`,
      repos: {
        'example-org/gitops-forged': {
          files: { '.github/workflows/update.yml': FORGED_WORKFLOW },
          lifecycle: { conclusion: 'failure', failStep: `Apply${forged('step')}` },
        },
      },
      tokens: { [PAT]: { login: 'deploy-bot' } },
    });
    try {
      fake.inject({
        operationId: 'actions/create-workflow-dispatch',
        status: 502,
        message: `Bad gateway${forged('dispatch-body')}`,
        times: 1,
      });
      fake.inject({ operationId: 'actions/get-workflow-run', status: 502, message: `Bad gateway${forged('poll-body')}`, times: 1 });
      const r = await runAction(ACTION, {
        inputs: {
          token: PAT,
          repository: 'example-org/gitops-forged',
          workflow: 'update.yml',
          tag: 'v1.4.0',
          inputs: JSON.stringify({ note: `x${forged('input')}` }),
          'poll-interval': '100ms',
          timeout: '20s',
        },
        env: { GITHUB_API_URL: fake.apiUrl },
        secrets: SECRETS,
        timeoutMs: 40_000,
      });
      expect(fake.describeViolations()).toBe('');
      // The one failure, as one annotation (its CR/LF escaped), naming the run and the failed step.
      expectFailure(r, /The run of "Deploy[\s\S]*forged-name[\s\S]*concluded failure/);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('forged-step');
      expect(r.warnings).toEqual([]);
      expect(r.notices).toEqual([]);
      expect(r.masked).toEqual([PAT]);
      expect(r.problems).toEqual([]);
      const found = commands(r);
      expect(found.filter((c) => c.command === 'stop-commands')).toEqual([]);
      expect(found.filter((c) => c.command === 'add-mask').map((c) => c.data)).toEqual([PAT]);
      expect(found.filter((c) => ['error', 'warning', 'notice'].includes(c.command))).toHaveLength(1);
      // Every surface was printed (so the test really exercised it), as plain text.
      for (const tag of ['name', 'url', 'input', 'dispatch-body', 'poll-body'])
        expect([tag, r.log.includes(`::add-mask::forged-${tag}`)]).toEqual([tag, true]);
      // The outputs hold the values (heredoc form), and the summary has them too.
      expect(r.outputs['run-url']).toContain('forged-url');
    } finally {
      await fake.close();
    }
  });
});

describe('trust: bad input gives one clear error (issue 20, item 13)', () => {
  test('`extra-dispatches: repository=o/other`: names the input, what was wrong, the expected form with an example', async () => {
    const r = await run(dotcom, { environment: 'staging', ...SEED, 'extra-dispatches': 'repository=o/other' });
    expectFailure(
      r,
      'Input "extra-dispatches": entry 1 is a `key=value` line, which this input does not take (it is a list of YAML mappings: `key: value`); expected a YAML or JSON list of mappings `{repository, workflow, ref?, inputs?, environments?}`, e.g. `- repository: example-org/terraform-apps-production`',
    );
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).not.toContain('Unexpected error');
    expect(dotcom.requests).toEqual([]);
  });

  test('`extra-dispatches` that is not YAML shows the expected form too', async () => {
    const r = await run(dotcom, { environment: 'staging', ...SEED, 'extra-dispatches': '- repository: [o/other' });
    expectFailure(
      r,
      /^Input "extra-dispatches": not valid JSON or YAML \(.*\); expected a YAML or JSON list of mappings `\{repository, workflow, ref\?, inputs\?, environments\?\}`, e\.g\./,
    );
    expect(dotcom.requests).toEqual([]);
  });
});
