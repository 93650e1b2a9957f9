import { describe, expect, test } from '@jest/globals';
import {
  type CreateDeployment,
  type CreateStatus,
  type Deployment,
  type DeploymentsApi,
  type DeploymentStatus,
  type Repository,
  describeApiError,
  shortDescription,
} from '../src/api.js';
import { type ActionInputs, buildConfig } from '../src/config.js';
import { type FlowDeps, type OpenDeployment, runFlow } from '../src/flow.js';
import { closeUnfinished } from '../src/post-flow.js';

/** An in-memory Deployments API that records every call. */
class MemoryApi implements DeploymentsApi {
  requests = 0;
  deployments = new Map<number, Deployment & { statuses: CreateStatus[] }>();
  calls: string[] = [];
  fail?: { op: string; error: Error };
  private next = 100;
  private guard(op: string) {
    this.requests++;
    this.calls.push(op);
    if (this.fail?.op === op) throw this.fail.error;
  }
  async createDeployment(repository: Repository, body: CreateDeployment): Promise<Deployment> {
    this.guard('create');
    const d = {
      id: this.next++,
      url: `https://api.github.com/repos/${repository.owner}/${repository.repo}/deployments/${this.next - 1}`,
      sha: 'f'.repeat(40),
      ref: body.ref,
      environment: body.environment,
      payload: body.payload,
      description: body.description,
      statuses: [],
    };
    this.deployments.set(d.id, d);
    return d;
  }
  async getDeployment(_: Repository, id: number): Promise<Deployment> {
    this.guard('get');
    const d = this.deployments.get(id);
    if (!d) throw new Error('404');
    return d;
  }
  async createStatus(_: Repository, id: number, body: CreateStatus): Promise<DeploymentStatus> {
    this.guard(`status ${body.state}`);
    this.deployments.get(id)!.statuses.push(body);
    return { id: 1, state: body.state, description: body.description };
  }
  async latestStatus(_: Repository, id: number): Promise<DeploymentStatus | undefined> {
    this.guard('latest');
    const s = this.deployments.get(id)!.statuses.at(-1);
    return s && { id: 1, state: s.state, description: s.description };
  }
}

const context = { repository: 'example-org/orders', sha: 'a'.repeat(40), serverUrl: 'https://github.com', runId: '77', runAttempt: '1' };
const inputs: ActionInputs = {
  step: 'record',
  environment: 'staging',
  tag: 'v1.4.0-rc.1',
  ref: '',
  repository: '',
  deploymentId: undefined,
  status: 'success',
  description: '',
  environmentUrl: 'https://staging.example.com',
  logUrl: '',
  productionEnvironment: '',
  transientEnvironment: '',
  autoInactive: true,
  images: '',
  artifacts: '',
  migration: '',
  schemaVersion: '',
  gitops: 'https://github.com/example-org/gitops-staging/actions/runs/5',
  verifyUrl: [],
  verifyVersionFrom: '',
  verifyVersion: '',
  verifyInterval: 1000,
  verifyTimeout: 3000,
};

function deps(api: MemoryApi, answers: Array<{ status: number; body?: string }> = [{ status: 200 }], abort?: AbortController) {
  const opened: OpenDeployment[] = [];
  const log: string[] = [];
  const groups: string[] = [];
  let clock = 0;
  let calls = 0;
  const d: FlowDeps = {
    api,
    fetch: (async () =>
      new Response(answers[Math.min(calls++, answers.length - 1)]!.body ?? null, {
        status: answers[Math.min(calls - 1, answers.length - 1)]!.status,
      })) as typeof fetch,
    sleep: async (ms) => {
      clock += ms;
      abort?.abort('SIGINT');
    },
    now: () => clock,
    log: (l) => log.push(l),
    signal: abort?.signal,
    saveOpen: (o) => opened.push({ ...o }),
    group: async (name, fn) => {
      groups.push(name);
      return fn();
    },
  };
  return { d, opened, log, groups };
}

describe('runFlow', () => {
  test('record without checks: create → in_progress → success (auto_inactive), log URL the GitOps run; post then has nothing to do', async () => {
    const api = new MemoryApi();
    const w = deps(api);
    const result = await runFlow(buildConfig(inputs, context), w.d);
    expect(api.calls).toEqual(['create', 'status in_progress', 'status success']);
    const d = [...api.deployments.values()][0]!;
    expect(d.statuses).toEqual([
      {
        state: 'in_progress',
        description: 'Deploying v1.4.0-rc.1 to staging',
        log_url: 'https://github.com/example-org/gitops-staging/actions/runs/5',
        environment_url: 'https://staging.example.com',
        auto_inactive: false,
      },
      {
        state: 'success',
        description: 'v1.4.0-rc.1 to staging: deployed',
        log_url: 'https://github.com/example-org/gitops-staging/actions/runs/5',
        environment_url: 'https://staging.example.com',
        auto_inactive: true,
      },
    ]);
    expect(result).toMatchObject({ state: 'success', deployment: { id: d.id, environment: 'staging' }, failure: undefined });
    expect(w.opened.map((o) => o.finished)).toEqual([false, true]);
    expect(w.groups).toEqual(['Create the deployment', 'Record the outcome']);
  });

  test('record with a check that passes after the old version: verified', async () => {
    const api = new MemoryApi();
    const w = deps(api, [
      { status: 200, body: '{"version":"v1.3.0"}' },
      { status: 200, body: '{"version":"1.4.0-rc.1"}' },
    ]);
    const result = await runFlow(
      buildConfig({ ...inputs, verifyUrl: ['https://staging.example.com/health'], verifyVersionFrom: 'json:version' }, context),
      w.d,
    );
    expect(result.verification).toMatchObject([{ ok: true, attempts: 2 }]);
    expect(result.statuses.at(-1)).toEqual({ state: 'success', description: 'v1.4.0-rc.1 to staging: deployed and verified (1 URL)' });
  });

  test('a failed verification marks the deployment failure (no auto_inactive) and returns the failure', async () => {
    const api = new MemoryApi();
    const w = deps(api, [{ status: 503, body: 'down' }]);
    const result = await runFlow(buildConfig({ ...inputs, verifyUrl: ['https://staging.example.com/health'] }, context), w.d);
    const last = [...api.deployments.values()][0]!.statuses.at(-1)!;
    expect(last).toMatchObject({
      state: 'failure',
      auto_inactive: false,
      description: 'v1.4.0-rc.1 to staging: verification failed, https://staging.example.com/health answered HTTP 503',
    });
    expect(result.failure?.message).toMatch(
      /^Verification failed: https:\/\/staging.example.com\/health\n.*answered HTTP 503 \(3 attempts in 2s\)\. Last body: down/,
    );
  });

  test.each([
    ['failure', 'failure', 'v1.4.0-rc.1 to staging: the deploy failed'],
    ['cancelled', 'error', 'v1.4.0-rc.1 to staging: cancelled'],
    ['error', 'error', 'v1.4.0-rc.1 to staging: the deploy errored'],
  ] as const)('status %s → %s, without verification', async (status, state, description) => {
    const api = new MemoryApi();
    const w = deps(api, [{ status: 500 }]);
    const result = await runFlow(buildConfig({ ...inputs, status, verifyUrl: ['https://staging.example.com/health'] }, context), w.d);
    expect(result.verification).toEqual([]);
    expect(result.statuses.at(-1)).toEqual({ state, description });
    expect(result.failure).toBeUndefined();
  });

  test('start, then finish in a later step: the finish reads the tag from the payload for the version check', async () => {
    const api = new MemoryApi();
    const started = await runFlow(buildConfig({ ...inputs, step: 'start' }, context), deps(api).d);
    expect(started).toMatchObject({ state: 'in_progress' });
    expect(api.calls).toEqual(['create', 'status in_progress']);
    const w = deps(api, [{ status: 200, body: 'orders 1.4.0-rc.1' }]);
    const finished = await runFlow(
      buildConfig(
        {
          ...inputs,
          step: 'finish',
          tag: '',
          environment: '',
          deploymentId: started.deployment!.id,
          verifyUrl: ['https://staging.example.com/'],
          verifyVersionFrom: 'body',
        },
        context,
      ),
      w.d,
    );
    expect(api.calls.slice(2)).toEqual(['get', 'status success']);
    expect(finished.verification).toMatchObject([{ ok: true, last: { version: '1.4.0-rc.1' } }]);
    expect(w.opened).toEqual([
      { owner: 'example-org', repo: 'orders', id: started.deployment!.id, finished: false },
      { owner: 'example-org', repo: 'orders', id: started.deployment!.id, finished: true },
    ]);
  });

  test('cancelled during verification: error, and the step fails', async () => {
    const api = new MemoryApi();
    const w = deps(api, [{ status: 503 }], new AbortController());
    const result = await runFlow(buildConfig({ ...inputs, verifyUrl: ['https://staging.example.com/health'] }, context), w.d);
    expect(result.statuses.at(-1)).toEqual({ state: 'error', description: 'v1.4.0-rc.1 to staging: cancelled during verification' });
    expect(result.failure?.message).toMatch(/cancelled; deployment 100 is marked error/);
  });

  test('dry run: nothing is called; the requests are returned', async () => {
    const api = new MemoryApi();
    const result = await runFlow(buildConfig({ ...inputs, verifyUrl: ['https://staging.example.com/health'] }, context), {
      ...deps(api).d,
      dryRun: true,
    });
    expect(api.calls).toEqual([]);
    expect(result.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/example-org/orders/deployments',
      'POST /repos/example-org/orders/deployments/0/statuses',
    ]);
    expect(result.requests[0]!.body).toMatchObject({
      ref: 'v1.4.0-rc.1',
      auto_merge: false,
      required_contexts: [],
      production_environment: false,
    });
  });

  test('an API failure after the creation leaves the deployment open for the post step, which marks it error', async () => {
    const api = new MemoryApi();
    api.fail = { op: 'status success', error: new Error('HTTP 502') };
    const w = deps(api);
    await expect(runFlow(buildConfig(inputs, context), w.d)).rejects.toThrow('HTTP 502');
    expect(w.opened.at(-1)!.finished).toBe(false);
    api.fail = undefined;
    expect(await closeUnfinished(api, w.opened.at(-1)!, 'https://github.com/example-org/orders/actions/runs/77')).toMatch(
      /was still in_progress when the job ended: marked error/,
    );
    expect([...api.deployments.values()][0]!.statuses.at(-1)).toEqual({
      state: 'error',
      description: 'The job ended before the deployment was finished',
      log_url: 'https://github.com/example-org/orders/actions/runs/77',
      auto_inactive: false,
    });
    expect(await closeUnfinished(api, w.opened.at(-1)!, '')).toBe(`Deployment 100 is error; nothing to do.`);
  });
});

describe('describeApiError', () => {
  const repo = { owner: 'example-org', repo: 'orders' };
  test.each([
    [403, 'Resource not accessible by integration', /deployments: write/],
    [404, 'Not Found', /`repository` names the application repository/],
    [422, 'No ref found for: v9', /`ref` \(or `tag`\) names a branch, tag or commit/],
    [401, 'Bad credentials', /a valid token/],
  ])('HTTP %i', (status, message, check) => {
    const error = describeApiError(
      'create a deployment',
      repo,
      Object.assign(new Error(message), { status, response: { data: { message } } }),
    );
    expect(error.message).toBe('Could not create a deployment in example-org/orders');
    expect(error.why).toBe(`GitHub answered HTTP ${status}: ${message}`);
    expect(error.check.join('\n')).toMatch(check);
  });
  test('shortDescription keeps GitHub’s 140-character limit', () => {
    expect(shortDescription(`a\n${'b'.repeat(200)}`)).toHaveLength(140);
  });
});
