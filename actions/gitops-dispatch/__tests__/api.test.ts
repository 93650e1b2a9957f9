import { describe, expect, test } from '@jest/globals';
import type { GitHubClient } from '@deploy-kit/core/github';
import { octokitApi, serverMessage, versionBelow } from '../src/api.js';
import { httpError } from './helpers.js';

type Request = (route: string, params: Record<string, unknown>) => Promise<{ status: number; data: unknown; headers: Record<string, string> }>;

function client(request: Request): GitHubClient & { seen: Array<[string, Record<string, unknown>]> } {
  const seen: Array<[string, Record<string, unknown>]> = [];
  return { seen, request: async (route: string, params: Record<string, unknown>) => (seen.push([route, params]), request(route, params)) } as never;
}

const quiet = { sleep: async () => undefined, log: () => undefined, random: () => 0 };

describe('octokitApi', () => {
  test('sends If-None-Match and turns a 304 into a result; counts requests and 304s', async () => {
    const c = client(async (_r, p) => {
      if ((p.headers as Record<string, string>)['if-none-match'] === 'W/"1"') throw Object.assign(httpError(304, 'Not modified'), { response: { status: 304, headers: { etag: 'W/"1"' }, data: '' } });
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
    const api = octokitApi(client(async () => (++n === 1 ? Promise.reject(httpError(503, 'x')) : { status: 200, data: 'ok', headers: {} })), { auth: 'token', retry: quiet });
    expect((await api.call('get', 'GET /x')).data).toBe('ok');
    n = 0;
    await expect(api.call('get', 'GET /x', {}, { retry: false })).rejects.toMatchObject({ status: 503 });
  });

  test('an aborted request is not retried', async () => {
    const controller = new AbortController();
    controller.abort();
    let n = 0;
    const api = octokitApi(client(async () => (n++, Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError', status: 500 })))), { auth: 'token', retry: quiet });
    await expect(api.call('get', 'GET /x', {}, { signal: controller.signal })).rejects.toThrow('aborted');
    expect(n).toBe(1);
  });

  test('remembers X-GitHub-Enterprise-Version', async () => {
    const api = octokitApi(client(async () => ({ status: 200, data: {}, headers: { 'x-github-enterprise-version': '3.17.3' } })), { auth: 'token' });
    await api.call('get', 'GET /x');
    expect(api.enterpriseVersion).toBe('3.17.3');
  });

  test('actor: given for Apps, else GET /user once', async () => {
    expect(await octokitApi(client(async () => Promise.reject(new Error('no'))), { auth: 'app', actor: 'deployer[bot]' }).actor()).toBe('deployer[bot]');
    const c = client(async () => ({ status: 200, data: { login: 'deploy-bot' }, headers: {} }));
    const api = octokitApi(c, { auth: 'token' });
    expect(await api.actor()).toBe('deploy-bot');
    expect(await api.actor()).toBe('deploy-bot');
    expect(c.seen.map((s) => s[0])).toEqual(['GET /user']);
  });
});

test('serverMessage drops the documentation URL', () => {
  expect(serverMessage(httpError(400, '"return_run_details" is not a permitted key.'))).toBe('"return_run_details" is not a permitted key.');
});

test.each([
  ['3.17.2', true],
  ['3.20.0', true],
  ['3.21.0', false],
  ['4.0', false],
  ['garbage', false],
])('versionBelow(%s, 3.21)', (v, below) => expect(versionBelow(v, 3, 21)).toBe(below));
