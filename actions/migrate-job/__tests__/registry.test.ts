// Where the registry login goes when a tag is resolved to its digest (SECURITY.md): the Docker config's Basic
// credentials for registry R go to R, and to R's token service only over https (plain http for loopback);
// a redirect never carries them to another host; every request ends.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageReference as parseImageRef } from '@deploy-kit/core/oci';
import { manifestUrl, resolveDigest } from '../src/registry.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const BASIC = Buffer.from('ci:registry-password').toString('base64');
let dockerConfig: string;
beforeAll(() => {
  dockerConfig = mkdtempSync(join(tmpdir(), 'mj-dockercfg-'));
  writeFileSync(
    join(dockerConfig, 'config.json'),
    JSON.stringify({ auths: { 'registry.example.com': { auth: BASIC }, '127.0.0.1:5000': { auth: BASIC } } }),
  );
});
afterAll(() => rmSync(dockerConfig, { recursive: true, force: true }));

interface Sent {
  method: string;
  url: string;
  authorization?: string;
}

/** A fetch that answers from `answer(url, n)` and records what each request carried. */
function fakeFetch(answer: (url: URL, authorization: string | undefined) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch = (async (input: URL, init: RequestInit) => {
    const headers = new Headers(init.headers);
    sent.push({ method: init.method ?? 'GET', url: input.toString(), authorization: headers.get('authorization') ?? undefined });
    return answer(input, headers.get('authorization') ?? undefined);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, sent };
}

const challenge = (realm: string) =>
  new Response(null, {
    status: 401,
    headers: { 'www-authenticate': `Bearer realm="${realm}",service="registry.example.com",scope="repository:orders:pull"` },
  });
const digestAnswer = () => new Response(null, { status: 200, headers: { 'docker-content-digest': DIGEST } });
const env = () => ({ DOCKER_CONFIG: dockerConfig });

describe('resolveDigest: where the registry login goes', () => {
  test('https registry, token service on another https host: Basic to R and to its realm; the token to R only', async () => {
    const { fetch, sent } = fakeFetch((url, auth) => {
      if (url.host === 'auth.example.com') return new Response(JSON.stringify({ token: 'pull-token' }), { status: 200 });
      return auth === 'Bearer pull-token' ? digestAnswer() : challenge('https://auth.example.com/token');
    });
    expect(await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch })).toBe(DIGEST);
    expect(sent).toEqual([
      { method: 'HEAD', url: 'https://registry.example.com/v2/orders/manifests/v1', authorization: `Basic ${BASIC}` },
      {
        method: 'GET',
        url: 'https://auth.example.com/token?service=registry.example.com&scope=repository%3Aorders%3Apull',
        authorization: `Basic ${BASIC}`,
      },
      { method: 'HEAD', url: 'https://registry.example.com/v2/orders/manifests/v1', authorization: 'Bearer pull-token' },
    ]);
  });

  test.each([
    ['http://auth.example.com/token', 'auth.example.com would receive it over plain http'],
    ['http://0.0.0.0:5001/token', '0.0.0.0:5001 would receive it over plain http'],
    ['ftp://auth.example.com/token', 'ftp:// is not http or https'],
  ])('a token service on %s is refused: the login is never sent there', async (realm, why) => {
    const { fetch, sent } = fakeFetch(() => challenge(realm));
    const error = await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch }).catch((e: any) => e);
    expect(error.message).toBe(
      'Refused to ask the token service of registry.example.com for a token with the registry login from the Docker config',
    );
    expect(error.why).toContain(why);
    expect(sent.map((s) => s.url)).toEqual(['https://registry.example.com/v2/orders/manifests/v1']);
  });

  test('a loopback registry may name a loopback token service on plain http (local tests)', async () => {
    const { fetch, sent } = fakeFetch((url, auth) => {
      if (url.port === '5001') return new Response(JSON.stringify({ access_token: 'local-token' }), { status: 200 });
      return auth === 'Bearer local-token' ? digestAnswer() : challenge('http://127.0.0.1:5001/token');
    });
    expect(await resolveDigest(parseImageRef('127.0.0.1:5000/orders:v1'), { env: env(), fetch })).toBe(DIGEST);
    expect(sent.map((s) => [s.url.replace(/\?.*/, ''), s.authorization])).toEqual([
      ['http://127.0.0.1:5000/v2/orders/manifests/v1', `Basic ${BASIC}`],
      ['http://127.0.0.1:5001/token', `Basic ${BASIC}`],
      ['http://127.0.0.1:5000/v2/orders/manifests/v1', 'Bearer local-token'],
    ]);
  });

  test('a redirect to another host does not carry the login; a redirect to plain http is not followed', async () => {
    const { fetch, sent } = fakeFetch((url) => {
      if (url.host === 'registry.example.com')
        return new Response(null, { status: 307, headers: { location: 'https://cdn.example.net/v2/orders/manifests/v1' } });
      return digestAnswer();
    });
    expect(await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch })).toBe(DIGEST);
    expect(sent.map((s) => [s.url, s.authorization])).toEqual([
      ['https://registry.example.com/v2/orders/manifests/v1', `Basic ${BASIC}`],
      ['https://cdn.example.net/v2/orders/manifests/v1', undefined],
    ]);
    const downgrade = fakeFetch(
      () => new Response(null, { status: 302, headers: { location: 'http://registry.example.com/v2/orders/manifests/v1' } }),
    );
    const error = await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch: downgrade.fetch }).catch(
      (e: any) => e,
    );
    expect(error.why).toContain('it redirected to http://registry.example.com/v2/orders/manifests/v1: registry.example.com is plain http');
    expect(downgrade.sent).toHaveLength(1);
  });
});

describe('resolveDigest: failures name the registry and the reason', () => {
  test('connection refused', async () => {
    const { fetch } = fakeFetch(() => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' }),
      });
    });
    const error = await resolveDigest(parseImageRef('127.0.0.1:5000/orders:v1'), { env: env(), fetch }).catch((e: any) => e);
    expect(error.message).toBe('Could not resolve 127.0.0.1:5000/orders:v1 to a digest');
    expect(error.why).toBe(
      'the registry http://127.0.0.1:5000/v2/orders/manifests/v1 could not be reached: connection refused (ECONNREFUSED)',
    );
  });

  test("a registry that never answers: ended by the per-request limit, or by the step's deadline", async () => {
    const hang = fakeFetch(() => new Promise<Response>(() => undefined));
    const never = (async (input: URL, init: RequestInit) => {
      void hang.fetch(input, init);
      return new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }) as unknown as typeof globalThis.fetch;
    const own = await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch: never, timeoutMs: 100 }).catch(
      (e: any) => e,
    );
    expect(own.why).toBe('the registry https://registry.example.com/v2/orders/manifests/v1 could not be reached: no answer within 100ms');
    const step = await resolveDigest(parseImageRef('registry.example.com/orders:v1'), {
      env: env(),
      fetch: never,
      signal: AbortSignal.timeout(100),
    }).catch((e: any) => e);
    expect(step.why).toContain("the step's timeout ran out");
  });

  test('docker.io images are read from registry-1.docker.io over https; loopback registries over http', () => {
    expect(manifestUrl(parseImageRef('postgres:17'))).toBe('https://registry-1.docker.io/v2/library/postgres/manifests/17');
    expect(manifestUrl(parseImageRef('localhost:5000/app:v1'))).toBe('http://localhost:5000/v2/app/manifests/v1');
    expect(manifestUrl(parseImageRef('[::1]:5000/app:v1'))).toBe('http://[::1]:5000/v2/app/manifests/v1');
    expect(manifestUrl(parseImageRef('registry.example.com:5000/app:v1'))).toBe('https://registry.example.com:5000/v2/app/manifests/v1');
  });
});

describe('resolveDigest: every other answer is worded for the user', () => {
  const bearer = () => challenge('https://auth.example.com/token');
  test.each<[string, (url: URL, auth: string | undefined) => Response, string]>([
    [
      'a token service that refuses',
      (url) => (url.host === 'auth.example.com' ? new Response('denied', { status: 403 }) : bearer()),
      "the registry's token service answered 403",
    ],
    [
      'a token service that answers no JSON',
      (url) => (url.host === 'auth.example.com' ? new Response('<html>', { status: 200 }) : bearer()),
      'the token service of registry.example.com answered with something that is not JSON',
    ],
    [
      'a registry that refuses the token',
      (url) => (url.host === 'auth.example.com' ? new Response('{"token":"t"}', { status: 200 }) : bearer()),
      'the registry refused access (401)',
    ],
    ['a registry that forbids', () => new Response(null, { status: 403 }), 'the registry refused access (403)'],
    ['a registry error', () => new Response(null, { status: 500 }), 'the registry answered 500'],
    ['no tag', () => new Response(null, { status: 404 }), 'the registry has no tag "v1" in orders (404)'],
    ['no digest header', () => new Response(null, { status: 200 }), 'the registry sent no Docker-Content-Digest header'],
  ])('%s', async (_, answer, why) => {
    const { fetch } = fakeFetch(answer);
    const error = await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch }).catch((e: any) => e);
    expect(error.message).toBe('Could not resolve registry.example.com/orders:v1 to a digest');
    expect(error.why).toBe(why);
  });

  test('a reference with a digest needs no lookup', async () => {
    const { fetch, sent } = fakeFetch(() => digestAnswer());
    expect(await resolveDigest(parseImageRef(`registry.example.com/orders@${DIGEST}`), { env: env(), fetch })).toBe(DIGEST);
    expect(sent).toEqual([]);
  });

  test('a token service that cannot be reached is named as such', async () => {
    const { fetch } = fakeFetch((url) => {
      if (url.host === 'auth.example.com')
        throw Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('getaddrinfo ENOTFOUND auth.example.com'), { code: 'ENOTFOUND' }),
        });
      return challenge('https://auth.example.com/token');
    });
    const error = await resolveDigest(parseImageRef('registry.example.com/orders:v1'), { env: env(), fetch }).catch((e: any) => e);
    expect(error.why).toBe(
      "the registry's token service https://auth.example.com/token?*** could not be reached: the host name does not resolve (ENOTFOUND)",
    );
  });
});
