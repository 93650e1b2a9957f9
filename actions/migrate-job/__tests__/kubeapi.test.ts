import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Agent } from 'node:http';
import type { Credentials } from '../src/kube/credentials.js';
import { DeadlineError, KubeApi, KubeApiError, type WatchEvent } from '../src/kube/kubeapi.js';
import { kubeError, kubeRetryability } from '../src/kube/errors.js';

/** A loopback server whose answer per request is decided by the test. */
let server: Server;
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void;
const seen: { method?: string; url?: string; auth?: string; body: string; groups?: string | string[] }[] = [];
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        body,
        groups: req.headersDistinct['impersonate-group'],
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function credentials(tokens: string[] = ['t1']): Credentials & { invalidations: number } {
  let index = 0;
  const agent = new Agent({ keepAlive: true });
  return {
    method: 'token',
    invalidations: 0,
    async prepare() {
      return {
        agent,
        headers: { authorization: `Bearer ${tokens[Math.min(index, tokens.length - 1)]}`, 'impersonate-group': ['dev', 'ops'] },
      };
    },
    invalidate() {
      this.invalidations++;
      index++;
      return index < tokens.length;
    },
  };
}

describe('KubeApi.request', () => {
  test('JSON in and out, the query encoded, one header line per impersonated group', async () => {
    seen.length = 0;
    handler = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"kind":"Job"}');
    const api = new KubeApi(base, credentials());
    expect(
      await api.request('POST', '/apis/batch/v1/namespaces/a/jobs', {
        body: { a: 1 },
        query: { fieldSelector: 'metadata.name=x', empty: '' },
      }),
    ).toEqual({ kind: 'Job' });
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/apis/batch/v1/namespaces/a/jobs?fieldSelector=metadata.name%3Dx',
      auth: 'Bearer t1',
      body: '{"a":1}',
      groups: ['dev', 'ops'],
    });
  });
  test('an error answer: status, the Status message, and what the callers make of it', async () => {
    handler = (_req, res) =>
      res
        .writeHead(403, { 'content-type': 'application/json' })
        .end(JSON.stringify({ kind: 'Status', message: 'jobs.batch is forbidden: User "ci" cannot create resource "jobs"' }));
    const error = await new KubeApi(base, credentials())
      .request('POST', '/apis/batch/v1/namespaces/a/jobs', { body: {} })
      .catch((e: any) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({
      code: 403,
      statusCode: 403,
      message: 'Forbidden from POST /apis/batch/v1/namespaces/a/jobs: jobs.batch is forbidden: User "ci" cannot create resource "jobs"',
    });
    expect(kubeRetryability(error).retryable).toBe(false);
    expect(kubeError(error, 'create', 'jobs in namespace a', base).message).toBe(
      'Not allowed to create jobs in namespace a (403 Forbidden)',
    );
  });
  test("429 with Retry-After: retryable after the server's wait", async () => {
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '3' }).end('slow down');
    const error = await new KubeApi(base, credentials()).request('GET', '/api/v1/pods').catch((e: any) => e);
    expect(kubeRetryability(error)).toMatchObject({ retryable: true, reason: 'HTTP 429', retryAfterMs: 3000 });
  });
  test('a 401 renews the credentials once (an expired exec token), then gives up', async () => {
    seen.length = 0;
    handler = (req, res) =>
      req.headers.authorization === 'Bearer t2' ? res.writeHead(200).end('{}') : res.writeHead(401).end('{"message":"Unauthorized"}');
    const renewing = credentials(['t1', 't2']);
    expect(await new KubeApi(base, renewing).request('GET', '/api/v1/pods')).toEqual({});
    expect(seen.map((s) => s.auth)).toEqual(['Bearer t1', 'Bearer t2']);
    const fixed = credentials(['t1']);
    await expect(new KubeApi(base, fixed).request('GET', '/api/v1/pods')).rejects.toMatchObject({ code: 401 });
    expect(fixed.invalidations).toBe(1);
  });
  test('unreachable: the socket error, retryable', async () => {
    const error: any = await new KubeApi('http://127.0.0.1:9', credentials()).request('GET', '/api').catch((e: any) => e);
    expect(error.code).toBe('ECONNREFUSED');
    expect(kubeRetryability(error).retryable).toBe(true);
  });
});

describe('KubeApi.watch', () => {
  test('events split across chunks, then the end of the stream', async () => {
    seen.length = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const lines = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } })}\n${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '6' } } })}\n`;
      res.write(lines.slice(0, 30));
      setTimeout(() => res.end(lines.slice(30)), 20);
    };
    const events: WatchEvent[] = [];
    const ended = new Promise<unknown>(
      (resolve) =>
        void new KubeApi(base, credentials()).watch(
          '/api/v1/namespaces/a/pods',
          { labelSelector: 'x=y', resourceVersion: '4' },
          (e) => events.push(e),
          resolve,
        ),
    );
    expect(await ended).toBeUndefined();
    expect(events.map((e) => `${e.type} ${(e.object as { metadata: { resourceVersion: string } }).metadata.resourceVersion}`)).toEqual([
      'ADDED 5',
      'MODIFIED 6',
    ]);
    expect(seen[0].url).toBe('/api/v1/namespaces/a/pods?watch=true&labelSelector=x%3Dy&resourceVersion=4');
  });
  test('refused: rejects with the status; cut: ends with an error; aborted by us: no end is reported', async () => {
    handler = (_req, res) => res.writeHead(410, { 'content-type': 'application/json' }).end('{"message":"too old resource version"}');
    await expect(
      new KubeApi(base, credentials()).watch(
        '/api/v1/pods',
        {},
        () => {},
        () => {},
      ),
    ).rejects.toMatchObject({ code: 410 });
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{}}\n');
      setTimeout(() => res.destroy(), 20);
    };
    const cut = await new Promise<unknown>((resolve) => void new KubeApi(base, credentials()).watch('/api/v1/pods', {}, () => {}, resolve));
    expect(String((cut as Error)?.message)).toMatch(/aborted|cut|socket hang up|ECONNRESET/);
    handler = (_req, res) => res.writeHead(200).write('\n');
    let endCalls = 0;
    const controller = await new KubeApi(base, credentials()).watch(
      '/api/v1/pods',
      {},
      () => {},
      () => endCalls++,
    );
    controller.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect(endCalls).toBe(0);
  });
});

describe('KubeApi.log', () => {
  test('the stream is copied and the writable ended with it', async () => {
    seen.length = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('line 1\n');
      setTimeout(() => res.end('line 2\n'), 20);
    };
    let text = '';
    const done = new Promise<void>((resolve) => {
      const out = new Writable({
        write(chunk, _e, cb) {
          text += chunk;
          cb();
        },
        final(cb) {
          resolve();
          cb();
        },
      });
      void new KubeApi(base, credentials()).log('apps', 'pod-1', 'migrate', out, { follow: true });
    });
    await done;
    expect(text).toBe('line 1\nline 2\n');
    expect(seen[0].url).toBe('/api/v1/namespaces/apps/pods/pod-1/log?container=migrate&follow=true');
  });
});

describe('every request ends (a server that accepts and never answers)', () => {
  const silent = () => {
    handler = () => undefined;
  };
  test('a JSON request: ended by the per-request limit, retryable', async () => {
    silent();
    const started = Date.now();
    const error: any = await new KubeApi(base, credentials(), { timeoutMs: 200 }).request('GET', '/api/v1/pods').catch((e: any) => e);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(error.message).toMatch(/^no answer from 127\.0\.0\.1:\d+ within 0\.2 s$/);
    expect(kubeRetryability(error).retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
  test("a JSON request: ended by the step's deadline, not retried, and said so", async () => {
    silent();
    const error: any = await new KubeApi(base, credentials(), { timeoutMs: 30_000, deadline: AbortSignal.timeout(200) })
      .request('GET', '/api/v1/pods')
      .catch((e: any) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect(kubeRetryability(error).retryable).toBe(false);
    expect(kubeError(error, 'get', 'jobs/x in namespace a', base).message).toBe(
      `No answer from the Kubernetes API server at ${base} to get jobs/x in namespace a before the step's timeout ran out`,
    );
    // After the deadline nothing more is sent.
    const count = seen.length;
    await expect(new KubeApi(base, credentials(), { deadline: AbortSignal.abort() }).request('GET', '/api/v1/pods')).rejects.toBeInstanceOf(
      DeadlineError,
    );
    expect(seen.length).toBe(count);
  });
  test('a watch and a log follow must get their headers within the limit (their streams then run on)', async () => {
    silent();
    const started = Date.now();
    await expect(
      new KubeApi(base, credentials(), { timeoutMs: 200 }).watch(
        '/api/v1/pods',
        {},
        () => {},
        () => {},
      ),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    await expect(
      new KubeApi(base, credentials(), { timeoutMs: 200 }).log('a', 'p', 'c', new Writable({ write: (_c, _e, cb) => cb() }), {
        follow: true,
      }),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(5_000);
    // A stream that has answered is not cut by the limit.
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"type":"ADDED","object":{}}\n');
      setTimeout(() => res.end('{"type":"MODIFIED","object":{}}\n'), 400);
    };
    const events: string[] = [];
    const ended = await new Promise<unknown>(
      (resolve) => void new KubeApi(base, credentials(), { timeoutMs: 200 }).watch('/api/v1/pods', {}, (e) => events.push(e.type), resolve),
    );
    expect(ended).toBeUndefined();
    expect(events).toEqual(['ADDED', 'MODIFIED']);
  });
});
