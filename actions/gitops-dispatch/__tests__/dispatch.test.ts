import { describe, expect, test } from '@jest/globals';
import { DISPATCH_ROUTE, type ServerCapabilities, dispatch, isoSeconds, rejectsRunDetails } from '../src/dispatch.js';
import type { Resolved } from '../src/preflight.js';
import { parseRepository, parseWorkflowRef } from '../src/target.js';
import { httpError, memoryLog, scriptedApi } from './helpers.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const details = {
  workflow_run_id: 9001,
  run_url: 'https://api.github.com/repos/o/r/actions/runs/9001',
  html_url: 'https://github.com/o/r/actions/runs/9001',
};

function resolved(api: ReturnType<typeof scriptedApi>, distinct?: Resolved['distinctId']): Resolved {
  return {
    target: {
      label: 'main',
      repository: parseRepository('example-org/gitops-staging', 'r'),
      workflow: parseWorkflowRef('update.yml', 'w'),
      ref: '',
      inputs: {},
      sources: {},
      workflowInput: 'workflow',
    },
    api,
    defaultBranch: 'main',
    ref: 'main',
    workflow: { id: 77, name: 'Update Project List Version', path: '.github/workflows/update.yml', state: 'active', html_url: 'x' },
    inputs: { newVersion: 'v1.2.3' },
    distinctId: distinct,
    description: '"Update Project List Version" in example-org/gitops-staging',
  };
}

function deps(capabilities: ServerCapabilities = {}) {
  let n = 0;
  return {
    capabilities,
    newId: () => `id-${++n}`,
    now: () => NOW,
    log: memoryLog(),
    retry: { sleep: async () => undefined, random: () => 0, log: () => undefined },
    snapshot: async () => [1, 2],
  };
}

describe('dispatch', () => {
  test('github.com: asks for run details and gets the run in one request', async () => {
    const api = scriptedApi({ [DISPATCH_ROUTE]: () => ({ status: 200, data: details, headers: { date: new Date(NOW).toUTCString() } }) });
    const d = deps();
    const result = await dispatch(resolved(api, { input: 'distinct_id', placement: 'run-name' }), d);
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]!.params).toEqual({
      owner: 'example-org',
      repo: 'gitops-staging',
      workflow_id: 77,
      ref: 'main',
      inputs: { newVersion: 'v1.2.3', distinct_id: 'id-1' },
      return_run_details: true,
    });
    expect(result.run).toEqual({ id: 9001, url: details.run_url, htmlUrl: details.html_url });
    expect(d.capabilities.runDetails).toBe(true);
    expect(result.since).toBe('2026-03-01T11:59:00Z');
  });

  test('GHES 3.17–3.19: the 400 "not a permitted key" falls back to a plain dispatch (204), never fails', async () => {
    const api = scriptedApi({
      [DISPATCH_ROUTE]: (p) =>
        p.return_run_details
          ? Promise.reject(httpError(400, 'Invalid request.\n\n"return_run_details" is not a permitted key.'))
          : { status: 204 },
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': () => ({ data: { total_count: 0, workflow_runs: [] } }),
    });
    const d = deps();
    const result = await dispatch(resolved(api), d);
    expect(api.calls.map((c) => [c.route, c.params.return_run_details])).toEqual([
      [DISPATCH_ROUTE, true],
      [DISPATCH_ROUTE, undefined],
    ]);
    expect(result.run).toBeUndefined();
    expect(result.before).toEqual([1, 2]); // time window needs the runs that existed before
    expect(d.capabilities.runDetails).toBe(false);
    expect(d.log.lines.join('\n')).toMatch(
      /does not return run details \(HTTP 400: Invalid request.*not a permitted key.*\) — GitHub Enterprise Server before 3.21/s,
    );
  });

  test('a known GHES version skips the probe', async () => {
    const api = scriptedApi({ [DISPATCH_ROUTE]: () => ({ status: 204 }) }, { enterpriseVersion: '3.17.4' });
    const result = await dispatch(resolved(api, { input: 'distinct_id', placement: 'run-name' }), deps());
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]!.params.return_run_details).toBeUndefined();
    expect(result.distinctId).toBe('id-1');
    expect(result.before).toBeUndefined(); // no snapshot needed with a distinct id
  });

  test('the second target on the same server does not probe again', async () => {
    const caps: ServerCapabilities = { runDetails: false };
    const api = scriptedApi({ [DISPATCH_ROUTE]: () => ({ status: 204 }) });
    await dispatch(resolved(api, { input: 'distinct_id', placement: 'run-name' }), deps(caps));
    expect(api.calls.map((c) => c.params.return_run_details)).toEqual([undefined]);
  });

  test('a 204 despite asking is accepted (no details); a 422 about inputs is not mistaken for it', async () => {
    const api204 = scriptedApi({ [DISPATCH_ROUTE]: () => ({ status: 204 }) });
    const d = deps();
    expect((await dispatch(resolved(api204), d)).run).toBeUndefined();
    expect(d.capabilities.runDetails).toBe(false);
    const api422 = scriptedApi({ [DISPATCH_ROUTE]: () => Promise.reject(httpError(422, 'Unexpected inputs provided: ["x"]')) });
    await expect(dispatch(resolved(api422), deps())).rejects.toThrow(
      'Could not dispatch "Update Project List Version" in example-org/gitops-staging on "main": HTTP 422 Unexpected inputs provided',
    );
    expect(api422.calls).toHaveLength(1);
  });

  test('a 5xx is retried with a fresh distinct id per attempt', async () => {
    const api = scriptedApi({
      [DISPATCH_ROUTE]: (_p, _o, n) => (n === 1 ? Promise.reject(httpError(502, 'Bad Gateway')) : { status: 200, data: details }),
    });
    const d = deps();
    const result = await dispatch(resolved(api, { input: 'distinct_id', placement: 'run-name' }), d);
    expect(api.calls.map((c) => (c.params.inputs as Record<string, string>).distinct_id)).toEqual(['id-1', 'id-2']);
    expect(result.distinctId).toBe('id-2');
    expect(d.log.lines.join('\n')).toMatch(/new distinct id \(id-2\)/);
  });

  test('a 200 that is not run details is an error, not a guess', async () => {
    const api = scriptedApi({ [DISPATCH_ROUTE]: () => ({ status: 200, data: { id: 1 } }) });
    await expect(dispatch(resolved(api), deps())).rejects.toThrow('the answer is not the run details GitHub documents');
  });

  test('401/403/404 on dispatch are explained', async () => {
    for (const [status, why] of [
      [401, /token: it is invalid, expired or revoked/],
      [403, /lacks a permission|not allowed/],
      [404, /does not exist, or the token cannot see it/],
    ] as const) {
      const api = scriptedApi({
        [DISPATCH_ROUTE]: () =>
          Promise.reject(httpError(status, status === 403 ? 'Resource not accessible by personal access token' : 'x')),
      });
      const error = (await dispatch(resolved(api), deps()).catch((e) => e)) as { why: string };
      expect(error.why).toMatch(why);
    }
  });
});

test('rejectsRunDetails', () => {
  expect(rejectsRunDetails(httpError(400, 'Invalid request'))).toBe(true);
  expect(rejectsRunDetails(httpError(422, '"return_run_details" is not a permitted key.'))).toBe(true);
  expect(rejectsRunDetails(httpError(422, 'No ref found for: nope'))).toBe(false);
  expect(rejectsRunDetails(httpError(404, 'Not Found'))).toBe(false);
});

test('isoSeconds', () => expect(isoSeconds(NOW + 1234)).toBe('2026-03-01T12:00:01Z'));
