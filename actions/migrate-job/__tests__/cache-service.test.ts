// The Actions cache service client (cache-service.ts) against an in-process server speaking both
// protocols: v2 (Twirp + a signed blob URL, github.com) and v1 (`_apis/artifactcache`, GHES and act).
// act's real v1 server is exercised end to end by action-tests/migrate-job-cache-act.test.ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CACHE_ENTRY_VERSION, CacheServiceError, cacheServiceFromEnv, isGhes } from '../src/cache-service.js';

interface Seen {
  method: string;
  path: string;
  authorization?: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** What the fake holds: key → bytes (one version only: ours). */
const entries = new Map<string, Buffer>();
const pending = new Map<string, { key: string; parts: Buffer[] }>();
let nextId = 1;
let failNext: number | undefined;

function send(res: import('node:http').ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, headers: req.headers, body });
      if (failNext) {
        const status = failNext;
        failNext = undefined;
        return send(res, status, { msg: 'boom' });
      }
      const json = () => JSON.parse(body.toString('utf8')) as Record<string, string>;
      // v2: Twirp
      const twirp = url.pathname.match(/^\/results\/twirp\/github\.actions\.results\.api\.v1\.CacheService\/(\w+)$/);
      if (twirp) {
        const request = json();
        if (request.version !== CACHE_ENTRY_VERSION) return send(res, 400, { msg: 'version' });
        if (twirp[1] === 'GetCacheEntryDownloadURL')
          return entries.has(request.key)
            ? send(res, 200, { ok: true, signed_download_url: `${base}/blob/${request.key}?sig=download-secret`, matched_key: request.key })
            : send(res, 200, { ok: false });
        if (twirp[1] === 'CreateCacheEntry') {
          if (entries.has(request.key)) return send(res, 200, { ok: false });
          pending.set(request.key, { key: request.key, parts: [] });
          return send(res, 200, { ok: true, signed_upload_url: `${base}/blob/${request.key}?sig=upload-secret` });
        }
        if (twirp[1] === 'FinalizeCacheEntryUpload') {
          const entry = pending.get(request.key);
          if (!entry || Number(request.size_bytes) !== Buffer.concat(entry.parts).length) return send(res, 200, { ok: false });
          entries.set(request.key, Buffer.concat(entry.parts));
          return send(res, 200, { ok: true, entry_id: '7' });
        }
      }
      const blob = url.pathname.match(/^\/blob\/(.+)$/);
      if (blob) {
        const key = decodeURIComponent(blob[1]);
        if (req.method === 'PUT') {
          if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return send(res, 400);
          pending.get(key)?.parts.push(body);
          return send(res, 201);
        }
        const bytes = entries.get(key);
        res.writeHead(bytes ? 200 : 404);
        return res.end(bytes ?? '');
      }
      // v1: _apis/artifactcache
      if (url.pathname === '/v1/_apis/artifactcache/cache') {
        const key = url.searchParams.get('keys') ?? '';
        if (url.searchParams.get('version') !== CACHE_ENTRY_VERSION || !entries.has(key)) return send(res, 204);
        return send(res, 200, { result: 'hit', archiveLocation: `${base}/blob/${key}`, cacheKey: key });
      }
      if (url.pathname === '/v1/_apis/artifactcache/caches' && req.method === 'POST') {
        const request = json();
        if (entries.has(request.key)) return send(res, 409, { message: 'exists' });
        const id = String(nextId++);
        pending.set(id, { key: request.key, parts: [] });
        return send(res, 200, { cacheId: Number(id) });
      }
      const entry = url.pathname.match(/^\/v1\/_apis\/artifactcache\/caches\/(\d+)$/);
      if (entry) {
        const upload = pending.get(entry[1]);
        if (!upload) return send(res, 400);
        if (req.method === 'PATCH') {
          upload.parts.push(body);
          return send(res, 200);
        }
        const size = Number(json().size);
        const bytes = Buffer.concat(upload.parts);
        if (size !== bytes.length) return send(res, 400, { message: 'size' });
        entries.set(upload.key, bytes);
        return send(res, 200);
      }
      send(res, 404, { msg: `no route ${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const transfer = { totalMs: 10_000 };

describe.each([
  ['v2', () => ({ ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: `${base}/results/`, ACTIONS_RUNTIME_TOKEN: 'runtime-token' })],
  ['v1', () => ({ ACTIONS_CACHE_URL: `${base}/v1/`, ACTIONS_RUNTIME_TOKEN: 'runtime-token' })],
])('the %s service', (protocol, env) => {
  test('a miss, a save, a hit with the same bytes; a second save finds the entry there', async () => {
    const service = cacheServiceFromEnv(env())!;
    expect(service.protocol).toBe(protocol);
    const key = `deploy-kit-migrate-tool-${protocol}-release`;
    expect(await service.restore(key, transfer)).toBeUndefined();
    const bytes = Buffer.from(`release file ${protocol}`);
    expect(await service.save(key, bytes, transfer)).toBe('saved');
    expect(await service.restore(key, transfer)).toEqual(bytes);
    expect(await service.save(key, bytes, transfer)).toBe('exists');
  });

  test('the runtime token goes to the service only, never to the transfer URL', async () => {
    seen.length = 0;
    const service = cacheServiceFromEnv(env())!;
    const key = `token-${protocol}`;
    await service.save(key, Buffer.from('x'), transfer);
    await service.restore(key, transfer);
    const service_ = seen.filter((s) => !s.path.startsWith('/blob/'));
    const transfers = seen.filter((s) => s.path.startsWith('/blob/'));
    expect(transfers.length).toBeGreaterThan(0);
    for (const s of service_) expect(s.authorization).toBe('Bearer runtime-token');
    for (const s of transfers) expect(s.authorization).toBeUndefined();
  });

  test('an error answer is a CacheServiceError naming the call and the status', async () => {
    const service = cacheServiceFromEnv(env())!;
    failNext = 500;
    await expect(service.restore('anything', transfer)).rejects.toThrow(CacheServiceError);
    failNext = 503;
    await expect(service.restore('anything', transfer)).rejects.toThrow(/answered 503/);
  });
});

test('v1 uploads in 32 MB chunks with Content-Range, then commits the size', async () => {
  seen.length = 0;
  const service = cacheServiceFromEnv({ ACTIONS_CACHE_URL: `${base}/v1/` })!;
  const bytes = Buffer.alloc(40 * 1024 * 1024, 7);
  expect(await service.save('big', bytes, { totalMs: 60_000 })).toBe('saved');
  const patches = seen.filter((s) => s.method === 'PATCH');
  expect(patches.map((s) => s.headers['content-range'])).toEqual([
    `bytes 0-${32 * 1024 * 1024 - 1}/*`,
    `bytes ${32 * 1024 * 1024}-${bytes.length - 1}/*`,
  ]);
  // No token set (act's server asks for none): no Authorization header at all.
  expect(seen.every((s) => s.authorization === undefined)).toBe(true);
  expect((await service.restore('big', { totalMs: 60_000 }))?.length).toBe(bytes.length);
});

test.each([
  [{}, undefined],
  [{ ACTIONS_CACHE_URL: 'https://cache.example/' }, 'v1'],
  [{ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_CACHE_URL: 'https://cache.example/' }, undefined],
  [{ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'https://results.example/' }, 'v2'],
  // GitHub Enterprise Server speaks v1 even when the variable says v2 (as @actions/cache decides).
  [
    {
      GITHUB_SERVER_URL: 'https://ghes.corp.example',
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: 'https://r/',
      ACTIONS_CACHE_URL: 'https://c/',
    },
    'v1',
  ],
])('the service for %j: %s', (env, protocol) => {
  expect(cacheServiceFromEnv(env)?.protocol).toBe(protocol);
});

test.each([
  ['https://github.com', false],
  ['https://octo.ghe.com', false],
  ['http://github.localhost', false],
  ['https://github.corp.example', true],
])('GITHUB_SERVER_URL %s is GHES: %s', (url, ghes) => {
  expect(isGhes({ GITHUB_SERVER_URL: url })).toBe(ghes);
});
