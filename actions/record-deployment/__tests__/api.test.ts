import { expect, test } from '@jest/globals';
import { createGitHubClient } from '@deploy-kit/core/github';
import { octokitDeploymentsApi } from '../src/api.js';

/** A GitHub API that records each request and answers from a script; retries sleep for real, so the script fails once at most. */
function server(answers: Array<{ status: number; body?: unknown }>) {
  const seen: Array<{ method: string; url: string; body: unknown }> = [];
  const fetch = (async (input: string | URL, init: RequestInit = {}) => {
    seen.push({ method: init.method ?? 'GET', url: String(input), body: init.body ? JSON.parse(String(init.body)) : undefined });
    const a = answers.shift()!;
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), {
      status: a.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof globalThis.fetch;
  return { seen, fetch };
}

const repo = { owner: 'example-org', repo: 'orders' };
const deployment = {
  id: 7,
  url: 'https://api.github.com/repos/example-org/orders/deployments/7',
  sha: 'f'.repeat(40),
  ref: 'v1.4.0',
  environment: 'production',
  payload: {},
  description: '',
};

test('create sends auto_merge: false and required_contexts: [], statuses their body, latest asks for one', async () => {
  const s = server([
    { status: 201, body: deployment },
    { status: 201, body: { id: 1, state: 'success', description: 'd' } },
    { status: 200, body: [{ id: 2, state: 'in_progress', description: '' }] },
    { status: 200, body: [] },
  ]);
  const api = octokitDeploymentsApi(await createGitHubClient({ token: 'ghs_test', apiUrl: 'https://api.github.com', fetch: s.fetch }));
  await api.createDeployment(repo, {
    ref: 'v1.4.0',
    environment: 'production',
    description: 'v1.4.0 to production',
    production_environment: true,
    transient_environment: false,
    payload: { tag: 'v1.4.0' },
  });
  await api.createStatus(repo, 7, {
    state: 'success',
    description: 'x'.repeat(200),
    log_url: 'https://github.com/o/r/actions/runs/1',
    auto_inactive: true,
  });
  expect((await api.latestStatus(repo, 7))?.state).toBe('in_progress');
  expect(await api.latestStatus(repo, 7)).toBeUndefined();
  expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
    'POST https://api.github.com/repos/example-org/orders/deployments',
    'POST https://api.github.com/repos/example-org/orders/deployments/7/statuses',
    'GET https://api.github.com/repos/example-org/orders/deployments/7/statuses?per_page=1',
    'GET https://api.github.com/repos/example-org/orders/deployments/7/statuses?per_page=1',
  ]);
  expect(s.seen[0]!.body).toEqual({
    ref: 'v1.4.0',
    environment: 'production',
    description: 'v1.4.0 to production',
    production_environment: true,
    transient_environment: false,
    payload: { tag: 'v1.4.0' },
    auto_merge: false,
    required_contexts: [],
  });
  expect((s.seen[1]!.body as { description: string }).description).toHaveLength(140);
  expect(api.requests).toBe(4);
});

test('a 202 without a deployment (an auto-merge) and a 403 are clear errors', async () => {
  const s = server([
    { status: 202, body: { message: 'Auto-merged main into v1.4.0 on deployment.' } },
    { status: 403, body: { message: 'Resource not accessible by integration' } },
  ]);
  const api = octokitDeploymentsApi(await createGitHubClient({ token: 'ghs_test', apiUrl: 'https://api.github.com', fetch: s.fetch }));
  const body = {
    ref: 'v1.4.0',
    environment: 'staging',
    description: '',
    production_environment: false,
    transient_environment: false,
    payload: {},
  };
  await expect(api.createDeployment(repo, body)).rejects.toThrow(
    'Could not create a deployment of v1.4.0: GitHub answered without one (Auto-merged main into v1.4.0 on deployment.)',
  );
  await expect(api.getDeployment(repo, 7)).rejects.toMatchObject({
    message: 'Could not find deployment 7 in example-org/orders',
    why: 'GitHub answered HTTP 403: Resource not accessible by integration',
  });
});
