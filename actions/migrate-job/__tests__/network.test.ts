// network.ts: which URLs migrate-job fetches, how redirects and credentials travel, and that every request
// ends — a loopback server that accepts and never answers, or stops mid-body, cannot hold a request.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { NetworkError, boundedFetch, networkReason, readBody, transportProblem } from '../src/network.js';

describe('transportProblem', () => {
  test.each([
    ['https://github.com/golang-migrate/migrate/releases/download', undefined],
    ['http://127.0.0.1:8080/x', undefined],
    ['http://localhost/x', undefined],
    ['http://[::1]:5000/x', undefined],
    ['http://127.5.6.7/x', undefined],
    ['http://mirror.example.com/x', 'mirror.example.com is plain http'],
    ['http://0.0.0.0:8080/x', '0.0.0.0:8080 is plain http'],
    ['http://10.0.0.1/x', '10.0.0.1 is plain http'],
    ['http://localhost.example.com/x', 'localhost.example.com is plain http'],
    ['ftp://mirror/x', 'ftp:// is not https'],
    ['not a url', 'is not a URL'],
  ])('%s → %s', (url, problem) => {
    const found = transportProblem(url);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('networkReason', () => {
  const wrapped = (code: string, message = `connect ${code} 127.0.0.1:1`) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
  test.each([
    [wrapped('ECONNREFUSED'), 'connection refused (ECONNREFUSED)'],
    [wrapped('ENOTFOUND'), 'the host name does not resolve (ENOTFOUND)'],
    [wrapped('ECONNRESET'), 'the connection was reset (ECONNRESET)'],
    [wrapped('CERT_HAS_EXPIRED'), 'its TLS certificate has expired (CERT_HAS_EXPIRED)'],
    [wrapped('EWHATEVER', 'something odd'), 'something odd (EWHATEVER)'],
    [Object.assign(new TypeError('fetch failed'), { cause: new Error('other side closed') }), 'other side closed'],
    [new Error('plain'), 'plain'],
  ])('%#: %s', (error, reason) => expect(networkReason(error)).toBe(reason));
});

/** A loopback server whose behaviour per path the tests pick; it records what each request carried. */
let server: Server;
let base = '';
const sockets = new Set<Socket>();
const seen: { path: string; authorization?: string }[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': (_req, res) => res.writeHead(200).end('hello'),
  // Accepts and never answers: the request's own limit must end it.
  '/silent': () => undefined,
  // Answers, sends part of the body, then nothing more.
  '/stall': (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('x'.repeat(10));
  },
  '/to-plain-http': (_req, res) => res.writeHead(302, { location: 'http://mirror.example.com/file' }).end(),
  '/to-other-host': (_req, res) => res.writeHead(307, { location: `${base.replace('127.0.0.1', 'localhost')}/ok` }).end(),
  '/to-same-host': (_req, res) => res.writeHead(301, { location: '/ok' }).end(),
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
  '/big': (_req, res) => res.writeHead(200).end('y'.repeat(5000)),
};
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.push({ path, authorization: req.headers.authorization });
    (routes[path] ?? ((_q, r: ServerResponse) => r.writeHead(404).end()))(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('boundedFetch and readBody', () => {
  test('a plain answer, read in full', async () => {
    const answer = await boundedFetch(`${base}/ok`);
    expect((await readBody(answer)).toString()).toBe('hello');
  });

  test('a server that accepts and never answers: ended by the request limit, named as such', async () => {
    const started = Date.now();
    const error = await boundedFetch(`${base}/silent`, { answerMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).reason).toBe('no answer within 300ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("the step's deadline ends a request before its own limit", async () => {
    const started = Date.now();
    const error = await boundedFetch(`${base}/silent`, { answerMs: 30_000, outer: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((error as NetworkError).reason).toContain("the step's timeout ran out");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('a body that stops coming: ended after the no-progress limit', async () => {
    const started = Date.now();
    const answer = await boundedFetch(`${base}/stall`, { answerMs: 300, totalMs: 60_000 });
    const error = await readBody(answer).catch((e: unknown) => e);
    expect((error as NetworkError).reason).toBe('the transfer stopped: nothing arrived for 300ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('plain http is refused before any request; so is a redirect to it', async () => {
    seen.length = 0;
    await expect(boundedFetch('http://mirror.example.com/file')).rejects.toMatchObject({
      reason: expect.stringContaining('mirror.example.com is plain http'),
    });
    const error = (await boundedFetch(`${base}/to-plain-http`).catch((e: unknown) => e)) as NetworkError;
    expect(error.reason).toContain('it redirected to http://mirror.example.com/file: mirror.example.com is plain http');
    expect(seen.map((s) => s.path)).toEqual(['/to-plain-http']);
  });

  test('credentials go to their own host only: kept on a same-host redirect, dropped on a redirect to another host', async () => {
    const host = new URL(base).host;
    const credentials = { host, headers: { authorization: 'Basic c2VjcmV0' } };
    seen.length = 0;
    await readBody(await boundedFetch(`${base}/to-same-host`, { credentials }));
    await readBody(await boundedFetch(`${base}/to-other-host`, { credentials }));
    expect(seen).toEqual([
      { path: '/to-same-host', authorization: 'Basic c2VjcmV0' },
      { path: '/ok', authorization: 'Basic c2VjcmV0' },
      { path: '/to-other-host', authorization: 'Basic c2VjcmV0' },
      { path: '/ok', authorization: undefined },
    ]);
  });

  test('redirects are bounded; so is the size of a body read with maxBytes', async () => {
    await expect(boundedFetch(`${base}/loop`, { maxRedirects: 3 })).rejects.toMatchObject({ reason: 'more than 3 redirects' });
    await expect(readBody(await boundedFetch(`${base}/big`), { maxBytes: 1000 })).rejects.toMatchObject({
      reason: 'the answer is larger than 1000 bytes',
    });
  });

  test('connection refused reads as such', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(boundedFetch(`http://127.0.0.1:${port}/x`)).rejects.toMatchObject({ reason: 'connection refused (ECONNREFUSED)' });
  });
});
