import { describe, expect, test } from '@jest/globals';
import { type GitHubClient, GitHubRequestError } from '@deploy-kit/core/github';
import { CLEANUP_TIMEOUT_MS, REQUEST_TIMEOUT_MS, StepTimeoutError, octokitApi, pageUrl, serverMessage, versionBelow } from '../src/api.js';
import { httpError } from './helpers.js';

type Request = (
  route: string,
  params: Record<string, unknown>,
) => Promise<{ status: number; data: unknown; headers: Record<string, string> }>;

function client(request: Request): GitHubClient & { seen: Array<[string, Record<string, unknown>]> } {
  const seen: Array<[string, Record<string, unknown>]> = [];
  return {
    seen,
    request: async (route: string, params: Record<string, unknown>) => (seen.push([route, params]), request(route, params)),
  } as never;
}

const quiet = { sleep: async () => undefined, log: () => undefined, random: () => 0 };

describe('octokitApi', () => {
  test('sends If-None-Match and turns a 304 into a result; counts requests and 304s', async () => {
    const c = client(async (_r, p) => {
      if ((p.headers as Record<string, string>)['if-none-match'] === 'W/"1"')
        throw Object.assign(httpError(304, 'Not modified'), { response: { status: 304, headers: { etag: 'W/"1"' }, data: '' } });
      return { status: 200, data: { id: 1 }, headers: { etag: 'W/"1"' } };
    });
    const api = octokitApi(c, { auth: 'token', retry: quiet });
    const first = await api.call('get', 'GET /x', { a: 1 });
    expect(first).toMatchObject({ status: 200, data: { id: 1 }, etag: 'W/"1"' });
    const second = await api.call('get', 'GET /x', { a: 1 }, { etag: first.etag });
    expect(second).toMatchObject({ status: 304, etag: 'W/"1"' });
    expect(api.stats).toEqual({ requests: 2, notModified: 1 });
    expect(c.seen[1]![1]).toMatchObject({ a: 1, headers: { 'if-none-match': 'W/"1"' } });
  });

  test('retries a 5xx with core’s policy; retry: false does not', async () => {
    let n = 0;
    const api = octokitApi(
      client(async () => (++n === 1 ? Promise.reject(httpError(503, 'x')) : { status: 200, data: 'ok', headers: {} })),
      { auth: 'token', retry: quiet },
    );
    expect((await api.call('get', 'GET /x')).data).toBe('ok');
    n = 0;
    await expect(api.call('get', 'GET /x', {}, { retry: false })).rejects.toMatchObject({ status: 503 });
  });

  test('an aborted request is not retried', async () => {
    const controller = new AbortController();
    controller.abort();
    let n = 0;
    const api = octokitApi(
      client(async () => (n++, Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError', status: 500 })))),
      { auth: 'token', retry: quiet },
    );
    await expect(api.call('get', 'GET /x', {}, { signal: controller.signal })).rejects.toThrow('aborted');
    expect(n).toBe(1);
  });

  test('remembers X-GitHub-Enterprise-Version', async () => {
    const api = octokitApi(
      client(async () => ({ status: 200, data: {}, headers: { 'x-github-enterprise-version': '3.17.3' } })),
      { auth: 'token' },
    );
    await api.call('get', 'GET /x');
    expect(api.enterpriseVersion).toBe('3.17.3');
  });

  test('actor: given for Apps, else GET /user once', async () => {
    expect(
      await octokitApi(
        client(async () => Promise.reject(new Error('no'))),
        { auth: 'app', actor: 'deployer[bot]' },
      ).actor(),
    ).toBe('deployer[bot]');
    const c = client(async () => ({ status: 200, data: { login: 'deploy-bot' }, headers: {} }));
    const api = octokitApi(c, { auth: 'token' });
    expect(await api.actor()).toBe('deploy-bot');
    expect(await api.actor()).toBe('deploy-bot');
    expect(c.seen.map((s) => s[0])).toEqual(['GET /user']);
  });
});

describe("the step's deadline (the `timeout` input) bounds every request and retry", () => {
  /** A server that never answers: the request ends only when its signal does, as the real client's does. */
  function neverAnswers(limits: number[]): GitHubClient & { seen: Array<[string, Record<string, unknown>]> } {
    return client(
      (_route, params) =>
        new Promise((_resolve, reject) => {
          const signal = (params.request as { signal: AbortSignal }).signal;
          const started = Date.now();
          signal.addEventListener('abort', () => {
            limits.push(Date.now() - started);
            reject(
              new GitHubRequestError('GitHub API request GET 127.0.0.1:9/repos/o/r failed: no answer', {
                code: 'ETIMEDOUT',
                method: 'GET',
                endpoint: '127.0.0.1:9/repos/o/r',
                why: '',
                check: [],
                timedOut: true,
              }),
            );
          });
        }),
    );
  }

  test('a request that outlives the deadline ends at it, as a StepTimeoutError naming the endpoint; not retried', async () => {
    const limits: number[] = [];
    const c = neverAnswers(limits);
    const api = octokitApi(c, { auth: 'token', retry: quiet, deadline: { at: Date.now() + 200, timeoutMs: 200 } });
    const started = Date.now();
    const error = await api.call('read o/r', 'GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(StepTimeoutError);
    expect((error as Error).message).toBe(
      "gitops-dispatch's timeout (200ms) ran out waiting for the GitHub API: GET 127.0.0.1:9/repos/o/r had no answer",
    );
    expect(c.seen).toHaveLength(1);
  });

  test('after the deadline nothing is sent, except clean-up calls (bounded on their own)', async () => {
    const c = client(async () => ({ status: 202, data: {}, headers: {} }));
    const api = octokitApi(c, { auth: 'token', retry: quiet, deadline: { at: Date.now() - 1, timeoutMs: 60_000 } });
    await expect(api.call('list', 'GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner: 'o', repo: 'r', run_id: 7 })).rejects.toThrow(
      "gitops-dispatch's timeout (1m) ran out waiting for the GitHub API: GET /repos/o/r/actions/runs/7 had no answer",
    );
    expect(c.seen).toHaveLength(0);
    await expect(api.call('cancel', 'POST /x', {}, { cleanup: true })).resolves.toMatchObject({ status: 202 });
    expect(c.seen).toHaveLength(1);
    expect(CLEANUP_TIMEOUT_MS).toBeLessThanOrEqual(10_000);
  });

  test('no retry wait outlives the deadline: a 503 with Retry-After beyond it is not waited for', async () => {
    const slept: number[] = [];
    let n = 0;
    const c = client(
      async () => (
        n++,
        Promise.reject(Object.assign(httpError(503, 'x'), { response: { status: 503, headers: { 'retry-after': '30' }, data: {} } }))
      ),
    );
    const api = octokitApi(c, {
      auth: 'token',
      retry: { ...quiet, sleep: async (ms: number) => void slept.push(ms) },
      deadline: { at: Date.now() + 5_000, timeoutMs: 5_000 },
    });
    await expect(api.call('get', 'GET /x')).rejects.toMatchObject({ status: 503 });
    expect(n).toBe(1);
    expect(slept).toEqual([]);
  });

  test('without a deadline each request still has REQUEST_TIMEOUT_MS', () => {
    expect(REQUEST_TIMEOUT_MS).toBe(30_000);
  });
});

test('serverMessage drops the documentation URL', () => {
  expect(serverMessage(httpError(400, '"return_run_details" is not a permitted key.'))).toBe(
    '"return_run_details" is not a permitted key.',
  );
});

test.each([
  ['3.17.2', true],
  ['3.20.0', true],
  ['3.21.0', false],
  ['4.0', false],
  ['garbage', false],
])('versionBelow(%s, 3.21)', (v, below) => expect(versionBelow(v, 3, 21)).toBe(below));

// A run's html_url from the API goes to outputs, summary links and messages: as a URL, one line.
test.each<[unknown, string]>([
  ['https://github.com/o/r/actions/runs/1', 'https://github.com/o/r/actions/runs/1'],
  ['https://github.com/o/r\n::add-mask::x/actions/runs/1', 'https://github.com/o/r::add-mask::x/actions/runs/1'],
  ['https://github.com/o/r/a b"`c', 'https://github.com/o/r/a%20b%22%60c'],
  ['http://127.0.0.1:8080/o/r', 'http://127.0.0.1:8080/o/r'],
  ['javascript:alert(1)', ''],
  ['not a url', ''],
  [null, ''],
  [42, ''],
])('pageUrl(%j) → %j', (value, expected) => expect(pageUrl(value)).toBe(expected));
