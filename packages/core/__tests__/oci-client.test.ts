import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { RegistryClient, RegistryError, parseChallenge, parseRange, receivedBytes } from '@deploy-kit/core/oci/client';
import { fetchTransport } from '@deploy-kit/core/oci/transport';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * A small distribution server with the protocol's rules: Bearer challenge and a token service that
 * wants basic credentials; PATCH ranges must continue where the upload is; the closing PUT checks
 * the digest; manifests need their blobs. `cutNextPatchAt` keeps only part of one PATCH and drops
 * the connection (what a reset mid-chunk leaves behind).
 */
class MiniRegistry {
  server!: Server;
  url = '';
  blobs = new Map<string, Buffer>();
  uploads = new Map<string, Buffer>();
  manifests = new Map<string, Buffer>();
  requests: string[] = [];
  /** Each PATCH's Content-Range header (null when it had none). */
  patchRanges: (string | null)[] = [];
  tokenRequests: string[] = [];
  cutNextPatchAt: number | undefined;
  /** The next PATCH is answered 503 without reading it into the upload (a fault before the chunk lands). */
  failNextPatch503 = false;
  fail503 = 0;
  private next = 0;

  async start() {
    // A request the client cuts short (a withheld last piece) ends its handler with 'aborted'.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }
  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
  private async body(req: IncomingMessage, limit?: number, res?: ServerResponse): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req) {
      const chunk = c as Buffer;
      if (limit !== undefined && n + chunk.length >= limit) {
        chunks.push(chunk.subarray(0, limit - n));
        res?.destroy();
        req.destroy();
        return Buffer.concat(chunks);
      }
      chunks.push(chunk);
      n += chunk.length;
    }
    return Buffer.concat(chunks);
  }
  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/token') {
      this.tokenRequests.push(url.searchParams.getAll('scope').join(' '));
      if (req.headers.authorization !== `Basic ${Buffer.from('AWS:pw').toString('base64')}`) return void res.writeHead(401).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok-123' }));
    }
    if (req.headers.authorization !== 'Bearer tok-123') {
      await this.body(req);
      return void res.writeHead(401, { 'www-authenticate': `Bearer realm="${this.url}/token",service="mini"` }).end();
    }
    if (this.fail503 > 0) {
      this.fail503--;
      await this.body(req);
      return void res.writeHead(503, { 'retry-after': '0' }).end();
    }
    let m: RegExpExecArray | null;
    if (url.pathname === '/v2/') return void res.writeHead(200).end();
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/(\w*)$/.exec(url.pathname))) {
      const id = m[2]!;
      if (req.method === 'POST') {
        const mount = url.searchParams.get('mount');
        if (mount && this.blobs.has(`${url.searchParams.get('from')}@${mount}`)) {
          this.blobs.set(`${m[1]}@${mount}`, this.blobs.get(`${url.searchParams.get('from')}@${mount}`)!);
          return void res.writeHead(201).end();
        }
        const upload = String(++this.next);
        this.uploads.set(upload, Buffer.alloc(0));
        return void res.writeHead(202, { location: `/v2/${m[1]}/blobs/uploads/${upload}` }).end();
      }
      const have = this.uploads.get(id);
      if (!have) return void res.writeHead(404).end(JSON.stringify({ errors: [{ code: 'BLOB_UPLOAD_UNKNOWN' }] }));
      // As the distribution registry answers: `0-0` for an empty upload (and for a one-byte one).
      if (req.method === 'GET')
        return void res.writeHead(204, { range: `0-${Math.max(0, have.length - 1)}`, location: `/v2/${m[1]}/blobs/uploads/${id}` }).end();
      if (req.method === 'PATCH' && this.failNextPatch503) {
        this.failNextPatch503 = false;
        await this.body(req);
        return void res.writeHead(503).end();
      }
      if (req.method === 'PATCH') {
        this.patchRanges.push(req.headers['content-range'] ?? null);
        // Without Content-Range a PATCH streams on from where the upload is (docker's and crane's form).
        const [start] =
          req.headers['content-range'] === undefined ? [have.length] : String(req.headers['content-range']).split('-').map(Number);
        if (start !== have.length) {
          await this.body(req);
          return void res.writeHead(416).end();
        }
        const cut = this.cutNextPatchAt;
        this.cutNextPatchAt = undefined;
        const data = await this.body(req, cut, res);
        this.uploads.set(id, Buffer.concat([have, data!]));
        if (cut !== undefined) return;
        return void res
          .writeHead(202, { range: `0-${this.uploads.get(id)!.length - 1}`, location: `/v2/${m[1]}/blobs/uploads/${id}` })
          .end();
      }
      if (req.method === 'PUT') {
        const all = Buffer.concat([have, (await this.body(req))!]);
        const digest = url.searchParams.get('digest')!;
        if (sha(all) !== digest) return void res.writeHead(400).end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID' }] }));
        this.blobs.set(`${m[1]}@${digest}`, all);
        this.uploads.delete(id);
        return void res.writeHead(201, { 'docker-content-digest': digest }).end();
      }
      if (req.method === 'DELETE') return void res.writeHead(204).end();
    }
    if ((m = /^\/v2\/(.+)\/blobs\/(sha256:\w+)$/.exec(url.pathname)))
      return void res.writeHead(this.blobs.has(`${m[1]}@${m[2]}`) ? 200 : 404).end();
    if ((m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname))) {
      const key = `${m[1]}:${m[2]}`;
      if (req.method === 'HEAD') {
        const found = this.manifests.get(key);
        return void res.writeHead(found ? 200 : 404, found ? { 'docker-content-digest': sha(found) } : {}).end();
      }
      const bytes = (await this.body(req))!;
      const doc = JSON.parse(bytes.toString()) as { layers?: Array<{ digest: string }> };
      for (const l of doc.layers ?? [])
        if (!this.blobs.has(`${m[1]}@${l.digest}`))
          return void res.writeHead(400).end(JSON.stringify({ errors: [{ code: 'MANIFEST_BLOB_UNKNOWN' }] }));
      this.manifests.set(key, bytes);
      this.manifests.set(`${m[1]}:${sha(bytes)}`, bytes);
      return void res.writeHead(201, { 'docker-content-digest': sha(bytes) }).end();
    }
    res.writeHead(404).end();
  }
}

const fast = { sleep: async () => undefined, log: () => undefined };
let registry: MiniRegistry;
beforeAll(async () => {
  registry = new MiniRegistry();
  await registry.start();
});
afterAll(() => registry.stop());
afterEach(() => {
  registry.cutNextPatchAt = undefined;
  registry.failNextPatch503 = false;
  registry.fail503 = 0;
  registry.requests = [];
  registry.patchRanges = [];
});

const client = (password = 'pw') => new RegistryClient({ baseUrl: registry.url, credentials: { username: 'AWS', password }, retry: fast });
const blobOf = (data: Buffer) => ({
  digest: sha(data),
  size: data.length,
  where: 'test',
  open: (s: number, e: number) => Readable.from([data.subarray(s, e)]),
});

describe('RegistryClient', () => {
  test('Bearer challenge → token with basic credentials and repository scope, then a monolithic upload', async () => {
    const data = randomBytes(1000);
    const c = client();
    expect(await c.hasBlob('app', sha(data))).toBe(false);
    expect(await c.uploadBlob('app', blobOf(data), 4096)).toEqual({ how: 'uploaded', bytes: 1000, chunks: 1 });
    expect(await c.hasBlob('app', sha(data))).toBe(true);
    expect(registry.tokenRequests).toContain('repository:app:pull,push');
  });

  test('chunked upload resumes from the offset the registry kept after a cut mid-chunk', async () => {
    const data = randomBytes(5 * 64 * 1024 + 123);
    registry.cutNextPatchAt = 40_000; // first PATCH: the registry keeps 40000 bytes, the connection drops
    const result = await client().uploadBlob('app', blobOf(data), 64 * 1024);
    expect(result.how).toBe('uploaded');
    expect(registry.blobs.get(`app@${sha(data)}`)!.equals(data)).toBe(true);
    // It asked where the upload stood and went on from there (one session, no restart).
    expect(registry.requests.filter((r) => /^GET \/v2\/app\/blobs\/uploads\/\d+$/.test(r))).toHaveLength(1);
  });

  test('a fault before the first chunk lands: Range 0-0 cannot tell 0 bytes from 1, so a fresh session starts from byte 0', async () => {
    const data = randomBytes(3 * 64 * 1024 + 7);
    registry.failNextPatch503 = true;
    const result = await client().uploadBlob('app', blobOf(data), 64 * 1024);
    expect(result.how).toBe('uploaded');
    expect(registry.blobs.get(`app@${sha(data)}`)!.equals(data)).toBe(true);
    const uploads = registry.requests.filter((r) => /blobs\/uploads/.test(r));
    expect(uploads.slice(0, 5)).toEqual([
      'POST /v2/app/blobs/uploads/',
      expect.stringMatching(/^PATCH /),
      expect.stringMatching(/^GET /),
      expect.stringMatching(/^DELETE /),
      'POST /v2/app/blobs/uploads/',
    ]);
  });

  test('503 answers are retried', async () => {
    registry.fail503 = 2;
    const data = randomBytes(10);
    await client().uploadBlob('app', blobOf(data), 4096);
    expect(registry.blobs.has(`app@${sha(data)}`)).toBe(true);
  });

  // SECURITY.md rule 8: the client hashes a blob as it sends it and withholds the bytes that would
  // complete one that does not match; the registry's own check is never what stops it.
  test.each([
    ['one PUT (up to 8 MiB, no chunk size)', 300_000, undefined],
    ['one streamed PATCH (over 8 MiB, no chunk size)', 9 * 1024 * 1024, undefined],
    ['PATCH chunks (a chunk size)', 300_000, 64 * 1024],
  ])('bytes that do not match the digest never complete an upload: %s', async (_, size, chunkSize) => {
    const data = randomBytes(size);
    const wrong = { ...blobOf(data), digest: sha(randomBytes(8)) };
    await expect(client().uploadBlob('app', wrong, chunkSize)).rejects.toMatchObject({
      name: 'BlobDigestMismatch',
      message: expect.stringMatching(/is corrupted: its content hashes to sha256:[0-9a-f]{64} \(\d+ bytes, expected \d+\)$/),
    });
    expect(registry.blobs.has(`app@${wrong.digest}`)).toBe(false);
    expect(registry.requests.filter((r) => r.startsWith('PUT')).length).toBeLessThanOrEqual(
      chunkSize === undefined && size < 8 << 20 ? 1 : 0,
    );
    expect(registry.requests.at(-1)).toMatch(/^DELETE \/v2\/app\/blobs\/uploads\/\d+$/); // the session is cancelled
    for (const held of registry.uploads.values()) expect(held.length).toBeLessThan(size); // never all of it
    expect(registry.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1); // not retried
  });

  test('no chunk size: up to 8 MiB in one PUT, larger in one PATCH without Content-Range and a closing PUT', async () => {
    const small = randomBytes(8 * 1024 * 1024);
    const big = randomBytes(8 * 1024 * 1024 + 1);
    expect(await client().uploadBlob('app', blobOf(small))).toEqual({ how: 'uploaded', bytes: small.length, chunks: 1 });
    expect(registry.requests.filter((r) => /blobs\/uploads/.test(r)).map((r) => r.split(' ')[0])).toEqual(['POST', 'PUT']);
    registry.requests = [];
    expect(await client().uploadBlob('app', blobOf(big))).toEqual({ how: 'uploaded', bytes: big.length, chunks: 1 });
    expect(registry.requests.filter((r) => /blobs\/uploads/.test(r)).map((r) => r.split(' ')[0])).toEqual(['POST', 'PATCH', 'PUT']);
    expect(registry.patchRanges).toEqual([null]);
    expect(registry.blobs.get(`app@${sha(big)}`)!.equals(big)).toBe(true);
  });

  test('no chunk size: a cut inside the one PATCH resumes from what the registry kept, hashing the bytes it skips from the file', async () => {
    const data = randomBytes(9 * 1024 * 1024);
    registry.cutNextPatchAt = 3 * 1024 * 1024 + 17;
    const result = await client().uploadBlob('app', blobOf(data));
    expect(result).toEqual({ how: 'uploaded', bytes: data.length, chunks: 2 });
    expect(registry.patchRanges).toEqual([null, `${3 * 1024 * 1024 + 17}-${data.length - 1}`]);
    expect(registry.blobs.get(`app@${sha(data)}`)!.equals(data)).toBe(true);
  });

  test('a file that ends early is a read failure, not retried, and completes nothing', async () => {
    const data = randomBytes(200_000);
    const short = { ...blobOf(data), open: (s: number, e: number) => Readable.from([data.subarray(s, Math.min(e, 150_000))]) };
    await expect(client().uploadBlob('app', short, 64 * 1024)).rejects.toMatchObject({
      name: 'SourceReadError',
      message: expect.stringContaining('ended at byte 150000, expected 196608'),
    });
    expect(registry.blobs.has(`app@${sha(data)}`)).toBe(false);
  });

  test('cross-repository mount, and a manifest put with its digest checked', async () => {
    const data = randomBytes(64);
    const c = client();
    await c.uploadBlob('one', blobOf(data), 4096);
    expect(await c.mountBlob('two', sha(data), 'one')).toBe(true);
    expect(await c.mountBlob('three', sha(randomBytes(4)), 'one')).toBe(false);
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [{ digest: sha(data) }] }));
    await c.putManifest('two', 'v1', { bytes: manifest, mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest) });
    expect(await c.manifestDigest('two', 'v1')).toBe(sha(manifest));
    expect(await c.manifestDigest('two', 'v2')).toBeUndefined();
    expect(registry.tokenRequests).toContain('repository:two:pull,push repository:one:pull');
  });

  test('wrong credentials end in a RegistryError, not a loop', async () => {
    const error = await client('wrong')
      .hasBlob('app', sha(Buffer.from('x')))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
  });

  test('plain http to a non-loopback host is refused', () => {
    expect(() => new RegistryClient({ baseUrl: 'http://registry.example.com' })).toThrow(/only allowed for loopback/);
  });
});

describe('helpers', () => {
  test.each<[string, ReturnType<typeof parseChallenge>]>([
    [
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"',
      { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a:pull' } },
    ],
    ['Basic realm="ecr"', { scheme: 'basic', params: { realm: 'ecr' } }],
    ['Bearer realm=plain', { scheme: 'bearer', params: { realm: 'plain' } }],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/postgres:pull"',
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/postgres:pull' },
      },
    ],
    ['Basic realm="x"', { scheme: 'basic', params: { realm: 'x' } }],
    ['', undefined],
  ])('parseChallenge(%s)', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  test.each<[string | null, number | undefined]>([
    ['0-1023', 1023],
    ['bytes=0-5', 5],
    ['junk', undefined],
    [null, undefined],
  ])('parseRange(%j)', (header, expected) => {
    expect(parseRange(header)).toBe(expected);
  });

  test.each<[string | null, number | undefined]>([
    ['0-1023', 1024],
    ['bytes=0-5', 6],
    // An empty upload and a one-byte upload both answer 0-0 (distribution): it cannot tell.
    ['0-0', undefined],
    [null, undefined],
    ['junk', undefined],
  ])('receivedBytes(%j)', (header, expected) => {
    expect(receivedBytes(header)).toBe(expected);
  });
});

/**
 * A scripted transport: each request is answered by the first rule whose test matches; every request
 * is recorded with its Authorization header, to check where the login went.
 */
function scripted(rules: Array<[RegExp, (url: URL) => { status: number; headers?: Record<string, string>; body?: string }]>) {
  const seen: Array<{ method: string; url: string; authorization?: string }> = [];
  const fetch = async (input: string, init: { method: string; headers: Record<string, string> }) => {
    const url = new URL(input);
    seen.push({ method: init.method, url: input, authorization: init.headers.authorization });
    const rule = rules.find(([pattern]) => pattern.test(`${init.method} ${input}`));
    if (!rule) throw new Error(`unexpected ${init.method} ${input}`);
    const answer = rule[1](url);
    const headers = new Map(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      status: answer.status,
      ok: answer.status >= 200 && answer.status < 300,
      headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
      json: async () => JSON.parse(answer.body ?? '{}') as unknown,
      text: async () => answer.body ?? '',
      arrayBuffer: async () => new ArrayBuffer(0),
      body: { cancel: async () => undefined },
    };
  };
  return { fetch, seen };
}

describe('the login is bound to the registry host', () => {
  const basic = `Basic ${Buffer.from('AWS:pw').toString('base64')}`;
  const data = Buffer.from('layer bytes');

  test('an upload Location on another host gets no Authorization header; the registry itself does', async () => {
    const t = scripted([
      [/^GET https:\/\/registry\.example\/v2\/$/, () => ({ status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })],
      [
        /^POST https:\/\/registry\.example\/v2\/app\/blobs\/uploads\/$/,
        () => ({ status: 202, headers: { location: 'https://uploads.elsewhere.example/session/1' } }),
      ],
      [
        /^PUT https:\/\/uploads\.elsewhere\.example\/session\/1\?digest=/,
        () => ({ status: 201, headers: { 'docker-content-digest': sha(data) } }),
      ],
    ]);
    const c = new RegistryClient({
      baseUrl: 'https://registry.example',
      credentials: { username: 'AWS', password: 'pw' },
      fetch: t.fetch as never,
      retry: fast,
    });
    await c.uploadBlob('app', blobOf(data), 4096);
    expect(t.seen.map((r) => [r.method, new URL(r.url).host, r.authorization])).toEqual([
      ['GET', 'registry.example', undefined],
      ['POST', 'registry.example', basic],
      ['PUT', 'uploads.elsewhere.example', undefined],
    ]);
  });

  test('a token service on another host is asked for an anonymous token; the token goes to the registry only', async () => {
    const t = scripted([
      [
        /^GET https:\/\/registry\.example\/v2\/$/,
        () => ({
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="https://auth.other.example/token",service="registry.example"' },
        }),
      ],
      [/^GET https:\/\/auth\.other\.example\/token\?/, () => ({ status: 200, body: '{"token":"anon-1"}' })],
      [/^HEAD https:\/\/registry\.example\/v2\/app\/blobs\//, () => ({ status: 404 })],
    ]);
    const logs: string[] = [];
    const c = new RegistryClient({
      baseUrl: 'https://registry.example',
      credentials: { username: 'AWS', password: 'pw' },
      fetch: t.fetch as never,
      retry: fast,
      log: (m) => logs.push(m),
    });
    expect(await c.hasBlob('app', sha(data))).toBe(false);
    expect(t.seen.map((r) => [new URL(r.url).host, r.authorization])).toEqual([
      ['registry.example', undefined],
      ['auth.other.example', undefined],
      ['registry.example', 'Bearer anon-1'],
    ]);
    expect(logs.join('\n')).toContain(
      'names the token service auth.other.example, another host: the login for registry.example is not sent there',
    );
  });

  test('a token service on the same host gets the login', async () => {
    const t = scripted([
      [
        /^GET https:\/\/registry\.example\/v2\/$/,
        () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://registry.example/token"' } }),
      ],
      [/^GET https:\/\/registry\.example\/token\?/, () => ({ status: 200, body: '{"token":"t-2"}' })],
      [/^HEAD https:\/\/registry\.example\/v2\/app\/blobs\//, () => ({ status: 200 })],
    ]);
    const c = new RegistryClient({
      baseUrl: 'https://registry.example',
      credentials: { username: 'AWS', password: 'pw' },
      fetch: t.fetch as never,
      retry: fast,
    });
    expect(await c.hasBlob('app', sha(data))).toBe(true);
    expect(t.seen.map((r) => r.authorization)).toEqual([undefined, basic, 'Bearer t-2']);
  });

  test('a token service over plain http (not loopback) is refused before anything is sent to it', async () => {
    const t = scripted([
      [
        /^GET https:\/\/registry\.example\/v2\/$/,
        () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example/token"' } }),
      ],
    ]);
    const c = new RegistryClient({
      baseUrl: 'https://registry.example',
      credentials: { username: 'AWS', password: 'pw' },
      fetch: t.fetch as never,
      retry: fast,
    });
    const error = await c.hasBlob('app', sha(data)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      message: 'Refused to send a login to the token service auth.example that registry registry.example named',
      why: expect.stringContaining('plain http'),
    });
    expect(t.seen.map((r) => new URL(r.url).host)).toEqual(['registry.example']);
  });
});

test('a token service that does not answer is named as such, not as the registry', async () => {
  const t = scripted([
    [
      /^GET https:\/\/registry\.example\/v2\/$/,
      () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.other.example/token"' } }),
    ],
  ]);
  const refusing = async (input: string, init: { method: string; headers: Record<string, string> }) => {
    if (input.startsWith('https://auth.other.example/'))
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:443'), { code: 'ECONNREFUSED' });
    return t.fetch(input, init);
  };
  const c = new RegistryClient({ baseUrl: 'https://registry.example', fetch: refusing as never, retry: { ...fast, attempts: 1 } });
  await expect(c.hasBlob('app', sha(Buffer.from('x')))).rejects.toThrow(
    'Login to the token service of registry registry.example failed: the token service auth.other.example (https://auth.other.example/token) could not be reached (ECONNREFUSED).',
  );
});

// What the one client does for a lookup (migrate-job's tag → digest): no probe, the Docker config
// login as Basic first, pull-only scopes, a token service on another host that may get that login,
// redirects under the transport and credential rules, and the step's deadline.
describe('a lookup with a Docker config login', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const basic = `Basic ${Buffer.from('ci:pw').toString('base64')}`;
  const dockerLogin = { username: 'ci', password: 'pw', tokenServiceElsewhere: true };
  const lookup = (fetch: unknown, extra: Partial<ConstructorParameters<typeof RegistryClient>[0]> = {}) =>
    new RegistryClient({
      baseUrl: 'https://registry.example',
      credentials: dockerLogin,
      fetch: fetch as never,
      retry: { ...fast, attempts: 1 },
      probe: false,
      access: 'pull',
      ...extra,
    });

  test('no probe: the first request carries the login; a Bearer 401 names the token service, which gets it too; pull scope', async () => {
    const t = scripted([
      [
        /^HEAD https:\/\/registry\.example\/v2\/orders\/manifests\/v1$/,
        (url) => ({
          status: 200,
          headers: { 'docker-content-digest': digest, 'content-type': 'application/vnd.oci.image.index.v1+json' },
          body: url.toString(),
        }),
      ],
      [/^GET https:\/\/auth\.example\/token\?/, () => ({ status: 200, body: '{"access_token":"pull-1"}' })],
    ]);
    let first = true;
    const challenging = async (input: string, init: { method: string; headers: Record<string, string> }) => {
      if (first && input.startsWith('https://registry.example/')) {
        first = false;
        t.seen.push({ method: init.method, url: input, authorization: init.headers.authorization });
        return {
          status: 401,
          ok: false,
          headers: {
            get: (n: string) => (n === 'www-authenticate' ? 'Bearer realm="https://auth.example/token",service="registry.example"' : null),
          },
          json: async () => ({}),
          text: async () => '',
          arrayBuffer: async () => new ArrayBuffer(0),
          body: null,
        };
      }
      return t.fetch(input, init);
    };
    expect(await lookup(challenging).headManifest('orders', 'v1')).toEqual({
      digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    expect(t.seen.map((r) => [r.method, r.url, r.authorization])).toEqual([
      ['HEAD', 'https://registry.example/v2/orders/manifests/v1', basic],
      ['GET', 'https://auth.example/token?service=registry.example&scope=repository%3Aorders%3Apull', basic],
      ['HEAD', 'https://registry.example/v2/orders/manifests/v1', 'Bearer pull-1'],
    ]);
  });

  test('a redirect to another host does not carry the login; a redirect to plain http is refused before it is followed', async () => {
    const t = scripted([
      [
        /^HEAD https:\/\/registry\.example\//,
        () => ({ status: 307, headers: { location: 'https://cdn.example.net/v2/orders/manifests/v1' } }),
      ],
      [/^HEAD https:\/\/cdn\.example\.net\//, () => ({ status: 200, headers: { 'docker-content-digest': digest } })],
    ]);
    expect(await lookup(t.fetch).manifestDigest('orders', 'v1')).toBe(digest);
    expect(t.seen.map((r) => [new URL(r.url).host, r.authorization])).toEqual([
      ['registry.example', basic],
      ['cdn.example.net', undefined],
    ]);
    const downgrade = scripted([
      [
        /^HEAD https:\/\/registry\.example\//,
        () => ({ status: 302, headers: { location: 'http://registry.example/v2/orders/manifests/v1' } }),
      ],
    ]);
    await expect(lookup(downgrade.fetch).manifestDigest('orders', 'v1')).rejects.toMatchObject({
      name: 'RegistryTransportError',
      hop: 1,
      url: 'http://registry.example/v2/orders/manifests/v1',
      problem: expect.stringContaining('registry.example is plain http'),
    });
    expect(downgrade.seen).toHaveLength(1);
  });

  test('an ECR-style login (bound to the registry host) is not sent to a token service elsewhere, even in a lookup', async () => {
    const t = scripted([
      [
        /^HEAD https:\/\/registry\.example\//,
        () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token"' } }),
      ],
      [/^GET https:\/\/auth\.example\/token\?/, () => ({ status: 200, body: '{"token":"anon"}' })],
    ]);
    await expect(lookup(t.fetch, { credentials: { username: 'AWS', password: 'pw' } }).headManifest('orders', 'v1')).rejects.toBeInstanceOf(
      RegistryError,
    );
    expect(t.seen.map((r) => [new URL(r.url).host, r.authorization])).toEqual([
      ['registry.example', `Basic ${Buffer.from('AWS:pw').toString('base64')}`],
      ['auth.example', undefined],
      ['registry.example', 'Bearer anon'],
    ]);
  });

  test('a token service answer that is not JSON, or has no token, is a protocol error naming the registry', async () => {
    for (const body of ['<html>', '{"token":""}']) {
      const t = scripted([
        [
          /^HEAD https:\/\/registry\.example\//,
          () => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token"' } }),
        ],
        [/^GET https:\/\/auth\.example\/token\?/, () => ({ status: 200, body })],
      ]);
      await expect(lookup(t.fetch).headManifest('orders', 'v1')).rejects.toMatchObject({
        name: 'RegistryProtocolError',
        message: expect.stringMatching(
          /^the token service of registry\.example answered (with something that is not JSON|without a token)$/,
        ),
      });
    }
  });

  test('nothing is retried once the step has ended; every request carries the step signal', async () => {
    const step = new AbortController();
    const signals: AbortSignal[] = [];
    let calls = 0;
    const failing = async (_input: string, init: { signal?: AbortSignal }) => {
      calls++;
      signals.push(init.signal!);
      step.abort();
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    };
    const client = new RegistryClient({
      baseUrl: 'https://registry.example',
      fetch: failing as never,
      retry: fast,
      signal: step.signal,
      probe: false,
    });
    await expect(client.manifestDigest('orders', 'v1')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(calls).toBe(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  test('404 is "no such manifest"; a 200 without a digest header says so', async () => {
    const t = scripted([
      [/manifests\/missing$/, () => ({ status: 404 })],
      [
        /manifests\/nodigest$/,
        () => ({ status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8' } }),
      ],
    ]);
    const client = lookup(t.fetch);
    expect(await client.headManifest('orders', 'missing')).toBeUndefined();
    expect(await client.headManifest('orders', 'nodigest')).toEqual({
      digest: undefined,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
  });
});

describe('fetchTransport: the client over a WHATWG fetch', () => {
  test('redirects come back to the client (redirect: manual), URLs are URL objects, answers are Responses', async () => {
    const calls: Array<{ url: unknown; redirect?: string; authorization?: string | null }> = [];
    const fetchImpl = (async (input: URL, init: RequestInit) => {
      calls.push({ url: input, redirect: init.redirect, authorization: new Headers(init.headers).get('authorization') });
      return new Response(null, { status: 200, headers: { 'docker-content-digest': `sha256:${'e'.repeat(64)}` } });
    }) as unknown as typeof fetch;
    const client = new RegistryClient({
      baseUrl: 'http://127.0.0.1:5999',
      fetch: fetchTransport(fetchImpl),
      probe: false,
      credentials: { username: 'u', password: 'p' },
    });
    expect(await client.manifestDigest('app', 'v1')).toBe(`sha256:${'e'.repeat(64)}`);
    expect(calls).toEqual([
      {
        url: new URL('http://127.0.0.1:5999/v2/app/manifests/v1'),
        redirect: 'manual',
        authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
      },
    ]);
  });

  test('a streamed body is sent as a web stream', async () => {
    let received = '';
    const fetchImpl = (async (_input: URL, init: RequestInit & { duplex?: string }) => {
      expect(init.duplex).toBe('half');
      received = await new Response(init.body).text();
      return new Response(null, { status: 201, headers: { 'docker-content-digest': sha(Buffer.from('blob')) } });
    }) as unknown as typeof fetch;
    await fetchTransport(fetchImpl)('http://127.0.0.1:5999/x', { method: 'PUT', headers: {}, body: Readable.from([Buffer.from('blob')]) });
    expect(received).toBe('blob');
  });
});

// push-artifacts' client: no `GET /v2/` first. The first request learns the auth scheme, and the
// requests that start while it is out wait for its answer, so a Bearer registry sees one 401 and
// issues one token however many blob checks start at once.
describe('a push without a probe', () => {
  const blobs = ['a', 'b', 'c', 'd'].map((x) => sha(Buffer.from(x)));
  const basic = `Basic ${Buffer.from('ci:pw').toString('base64')}`;
  const pushClient = (fetch: unknown, credentials?: { username: string; password: string }) =>
    new RegistryClient({
      baseUrl: 'https://registry.example',
      credentials,
      fetch: fetch as never,
      retry: { ...fast, attempts: 1 },
      probe: false,
    });

  test('a Bearer registry: one 401, one token, then every HEAD with it', async () => {
    const t = scripted([
      [/^HEAD https:\/\/registry\.example\/v2\/app\/blobs\//, () => ({ status: 404 })],
      [/^GET https:\/\/registry\.example\/token\?/, () => ({ status: 200, body: '{"token":"push-1"}' })],
    ]);
    const bearer = async (input: string, init: { method: string; headers: Record<string, string> }) => {
      if (input.includes('/v2/') && init.headers.authorization !== 'Bearer push-1') {
        t.seen.push({ method: init.method, url: input, authorization: init.headers.authorization });
        // Answered a little later, so the other checks are already waiting.
        await new Promise((resolve) => setTimeout(resolve, 5));
        return {
          status: 401,
          ok: false,
          headers: {
            get: (n: string) =>
              n === 'www-authenticate' ? 'Bearer realm="https://registry.example/token",service="registry.example"' : null,
          },
          text: async () => '',
          body: { cancel: async () => undefined },
        };
      }
      return t.fetch(input, init);
    };
    const client = pushClient(bearer, { username: 'ci', password: 'pw' });
    expect(await Promise.all(blobs.map((digest) => client.hasBlob('app', digest)))).toEqual([false, false, false, false]);
    expect(t.seen.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.authorization}`)).toEqual([
      `HEAD /v2/app/blobs/${blobs[0]} ${basic}`,
      `GET /token ${basic}`,
      ...blobs.map((digest) => `HEAD /v2/app/blobs/${digest} Bearer push-1`),
    ]);
  });

  test('an anonymous registry: no /v2/ at all, and the checks go out together once the first has its answer', async () => {
    const t = scripted([[/^HEAD https:\/\/registry\.example\/v2\/app\/blobs\//, () => ({ status: 200 })]]);
    const client = pushClient(t.fetch);
    expect(await Promise.all(blobs.map((digest) => client.hasBlob('app', digest)))).toEqual([true, true, true, true]);
    expect(t.seen.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.authorization}`)).toEqual(
      blobs.map((digest) => `HEAD /v2/app/blobs/${digest} undefined`),
    );
  });

  test('a first request that fails does not hold the others', async () => {
    let calls = 0;
    const t = scripted([[/^HEAD https:\/\/registry\.example\/v2\/app\/blobs\//, () => ({ status: 404 })]]);
    const flaky = async (input: string, init: { method: string; headers: Record<string, string> }) => {
      if (calls++ === 0) throw Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' });
      return t.fetch(input, init);
    };
    const client = pushClient(flaky);
    const answers = await Promise.allSettled(blobs.map((digest) => client.hasBlob('app', digest)));
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(t.seen).toHaveLength(3);
  });
});
