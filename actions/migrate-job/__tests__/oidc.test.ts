import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionError, registeredSecrets } from '@deploy-kit/core';
import { credentialsFor, unsupportedAuthProvider } from '../src/kube/credentials.js';
import { KubeApi, KubeApiError } from '../src/kube/kubeapi.js';
import { KubeconfigError, type KubeTarget } from '../src/kube/kubeconfig.js';
import { EXPIRY_MARGIN_MS, OidcTokenSource, idTokenExpired, idTokenExpiry, type OidcConfig } from '../src/kube/oidc.js';
import { TestIssuer, jwt, testCertificates } from './oidc-issuer.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');
const at = (ms: number) => Math.floor(ms / 1000);

describe("the id-token's expiry (client-go's idTokenExpired)", () => {
  test.each([
    ['exp an hour away', jwt({ exp: at(NOW + 3_600_000) }), false],
    ['exp 11 s away', jwt({ exp: at(NOW + EXPIRY_MARGIN_MS + 1_000) }), false],
    ['exp 10 s away: within the margin', jwt({ exp: at(NOW + EXPIRY_MARGIN_MS) }), true],
    ['exp in the past', jwt({ exp: at(NOW - 1_000) }), true],
    ['no exp claim', jwt({ sub: 'x' }), true],
    ['exp that is not a number', jwt({ exp: '2100-01-01' }), true],
  ])('%s', (_name, token, expired) => {
    expect(idTokenExpired(token, NOW)).toBe(expired);
  });

  test.each([
    ['two parts', 'a.b', 'its oidc id-token is not a JWT (three dot-separated parts)'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c', 'its oidc id-token is not a JWT (the payload is not base64url-encoded JSON)'],
  ])('%s is an error that never quotes the token', (_name, token, message) => {
    expect(() => idTokenExpiry(token)).toThrow(new KubeconfigError(message));
  });
});

describe('OidcTokenSource against a loopback issuer', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await new TestIssuer({ clientSecret: 'client-secret-9f2c' }).start();
  });
  afterAll(() => issuer.stop());
  afterEach(() => {
    issuer.requests.length = 0;
    issuer.discovery = undefined;
    issuer.token = undefined;
  });
  const config = (extra: OidcConfig = {}): OidcConfig => ({
    'client-id': 'deploy-kit',
    'client-secret': 'client-secret-9f2c',
    'idp-issuer-url': issuer.url,
    'refresh-token': issuer.refreshToken,
    ...extra,
  });

  test('a valid id-token is sent as it is: the issuer is not asked', async () => {
    const idToken = issuer.idToken(3600);
    const source = new OidcTokenSource(config({ 'id-token': idToken }));
    expect(await source.token()).toBe(idToken);
    expect(issuer.requests).toEqual([]);
  });

  test('an expired id-token is refreshed: discovery, then the refresh_token grant with the client in Basic auth; the new id-token is used and cached, the rotated refresh-token kept', async () => {
    const stale = issuer.idToken(-60);
    const firstRefresh = issuer.refreshToken;
    const source = new OidcTokenSource(config({ 'id-token': stale }));
    const fresh = await source.token();
    expect(fresh).not.toBe(stale);
    expect(issuer.issued).toContain(fresh);
    expect(issuer.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /.well-known/openid-configuration', 'POST /token']);
    const grant = issuer.requests[1];
    expect(grant.form).toEqual({ grant_type: 'refresh_token', refresh_token: firstRefresh });
    expect(Buffer.from(grant.authorization!.replace('Basic ', ''), 'base64').toString()).toBe('deploy-kit:client-secret-9f2c');
    // Cached while valid; every token involved is masked.
    expect(await source.token()).toBe(fresh);
    expect(issuer.requests).toHaveLength(2);
    expect(registeredSecrets()).toEqual(expect.arrayContaining([stale, firstRefresh, 'client-secret-9f2c', fresh, issuer.refreshToken]));
  });

  test('a 401 from the API server refreshes once more, with the rotated refresh-token', async () => {
    const source = new OidcTokenSource(config({ 'id-token': issuer.idToken(3600) }));
    await source.token();
    expect(source.invalidate()).toBe(true);
    const rotated = issuer.refreshToken;
    const again = await source.token();
    expect(issuer.requests.at(-1)?.form.refresh_token).toBe(rotated);
    expect(issuer.issued.at(-1)).toBe(again);
  });

  test('concurrent requests share one refresh', async () => {
    const source = new OidcTokenSource(config({ 'id-token': issuer.idToken(-1) }));
    const tokens = await Promise.all([source.token(), source.token(), source.token()]);
    expect(new Set(tokens).size).toBe(1);
    expect(issuer.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  test("a provider that takes the client in the form only: Basic is refused, the form is tried and remembered (oauth2's auto-detection)", async () => {
    const strict = await new TestIssuer({ clientAuth: 'params', clientSecret: 's3cr3t-form' }).start();
    try {
      const source = new OidcTokenSource({
        'client-id': 'deploy-kit',
        'client-secret': 's3cr3t-form',
        'idp-issuer-url': strict.url,
        'refresh-token': strict.refreshToken,
      });
      await source.token();
      const grants = strict.requests.filter((r) => r.path === '/token');
      expect(grants.map((g) => [Boolean(g.authorization), g.form.client_id, g.form.client_secret])).toEqual([
        [true, undefined, undefined],
        [false, 'deploy-kit', 's3cr3t-form'],
      ]);
      source.invalidate();
      await source.token();
      expect(strict.requests.filter((r) => r.path === '/token')).toHaveLength(3);
      expect(strict.requests.at(-1)?.authorization).toBeUndefined();
    } finally {
      await strict.stop();
    }
  });

  test("a refused refresh-token is reported as such: the client's authentication was accepted, so the form is not tried", async () => {
    const strict = await new TestIssuer({ clientAuth: 'header' }).start();
    try {
      const error = (await new OidcTokenSource({ 'client-id': 'deploy-kit', 'idp-issuer-url': strict.url, 'refresh-token': 'rt-unknown' })
        .token()
        .catch((e: unknown) => e)) as ActionError;
      expect(error.why).toBe(
        `the token endpoint ${new URL(strict.url).host} refused the refresh (invalid_grant: refresh token is invalid or expired)`,
      );
      expect(strict.requests.filter((r) => r.path === '/token')).toHaveLength(1);
    } finally {
      await strict.stop();
    }
  });

  test.each<[string, (source: TestIssuer) => void, OidcConfig, string]>([
    [
      'an expired id-token and no refresh-token',
      () => undefined,
      { 'refresh-token': '' },
      'its id-token has expired, and it has no refresh-token',
    ],
    [
      'a refresh-token the provider no longer knows',
      () => undefined,
      { 'refresh-token': 'rt-revoked' },
      'refused the refresh (invalid_grant: refresh token is invalid or expired)',
    ],
    [
      'a wrong client secret',
      () => undefined,
      { 'client-secret': 'wrong' },
      'refused the refresh (invalid_client: client authentication failed)',
    ],
    [
      'no discovery document',
      (i) => (i.discovery = () => ({ status: 404, body: '{}' })),
      {},
      '/.well-known/openid-configuration answered HTTP 404 Not Found',
    ],
    [
      'a discovery document without token_endpoint',
      (i) => (i.discovery = () => ({ status: 200, body: '{"issuer":"x"}' })),
      {},
      'names no token_endpoint',
    ],
    [
      'a discovery document that is not JSON',
      (i) => (i.discovery = () => ({ status: 200, body: '<html>' })),
      {},
      'openid-configuration is not JSON',
    ],
    [
      'a token answer without id_token',
      (i) => (i.token = () => ({ status: 200, body: '{"access_token":"a","token_type":"Bearer"}' })),
      {},
      'the token response has no id_token: the scope "openid" was not requested at login',
    ],
  ])('%s: a clear error', async (_name, arrange, extra, why) => {
    arrange(issuer);
    const source = new OidcTokenSource(config({ 'id-token': issuer.idToken(-60), ...extra }));
    const error = (await source.token().catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe("The kubeconfig's oidc auth-provider could not refresh its id-token");
    expect(error.why).toContain(why);
    expect(error.describe()).not.toContain('rt-revoked');
  });

  test('credentials over https only: a token_endpoint on plain http that is not loopback is refused before anything is sent to it', async () => {
    issuer.discovery = () => ({ status: 200, body: JSON.stringify({ token_endpoint: 'http://idp.example.com/token' }) });
    const error = (await new OidcTokenSource(config({ 'id-token': issuer.idToken(-60) })).token().catch((e: unknown) => e)) as ActionError;
    expect(error.why).toBe(
      "the issuer's token_endpoint http://idp.example.com/token would get the refresh-token and client secret, and idp.example.com would receive it over plain http (credentials go over https only; http is allowed for loopback hosts)",
    );
    expect(issuer.requests.map((r) => r.path)).toEqual(['/.well-known/openid-configuration']);
  });

  test('an issuer on plain http that is not loopback is not even asked for its discovery document', async () => {
    const error = (await new OidcTokenSource({ 'client-id': 'c', 'idp-issuer-url': 'http://idp.example.com', 'refresh-token': 'rt' })
      .token()
      .catch((e: unknown) => e)) as ActionError;
    expect(error.why).toContain(
      'its idp-issuer-url http://idp.example.com cannot be used to send the refresh-token: idp.example.com would receive it over plain http',
    );
  });

  test('every request is bounded: a token endpoint that never answers fails within the limit', async () => {
    issuer.token = () => 'hang';
    const started = Date.now();
    const error = (await new OidcTokenSource(config({ 'id-token': issuer.idToken(-60) }), { timeoutMs: 300 })
      .token()
      .catch((e: unknown) => e)) as ActionError;
    expect(error.why).toBe(`the token endpoint at ${new URL(issuer.url).host} did not answer within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("…and ends with the step's deadline", async () => {
    issuer.token = () => 'hang';
    const deadline = AbortSignal.timeout(200);
    const error = (await new OidcTokenSource(config({ 'id-token': issuer.idToken(-60) }), { deadline })
      .token()
      .catch((e: unknown) => e)) as ActionError;
    expect(error.why).toBe(`the step's timeout ran out while waiting for the token endpoint at ${new URL(issuer.url).host}`);
  });

  test.each([
    [{ 'client-id': 'c' }, 'its oidc auth-provider has no idp-issuer-url'],
    [{ 'idp-issuer-url': 'https://idp.example.com' }, 'its oidc auth-provider has no client-id'],
  ])('%j: a kubeconfig error, as client-go requires both', (cfg, message) => {
    expect(() => new OidcTokenSource(cfg)).toThrow(new KubeconfigError(message));
  });
});

describe('an https issuer with its own CA (idp-certificate-authority-data)', () => {
  let certs: ReturnType<typeof testCertificates>;
  let issuer: TestIssuer;
  beforeAll(async () => {
    certs = testCertificates();
    issuer = await new TestIssuer({ tls: { cert: certs.cert, key: certs.key } }).start();
  });
  afterAll(async () => {
    await issuer.stop();
    certs.cleanup();
  });

  test('verified against the CA: the refresh goes through', async () => {
    const source = new OidcTokenSource({
      'client-id': 'deploy-kit',
      'idp-issuer-url': issuer.url,
      'refresh-token': issuer.refreshToken,
      'idp-certificate-authority-data': certs.ca.toString('base64'),
    });
    expect(issuer.issued).toContain(await source.token());
  });

  test("without the CA the issuer's certificate is not trusted, and nothing is sent", async () => {
    const before = issuer.requests.length;
    const error = (await new OidcTokenSource({
      'client-id': 'deploy-kit',
      'idp-issuer-url': issuer.url,
      'refresh-token': issuer.refreshToken,
    })
      .token()
      .catch((e: unknown) => e)) as ActionError;
    expect(error.why).toMatch(
      /the discovery document at 127\.0\.0\.1:\d+ could not be reached: .*(self-signed|unable to verify|certificate)/,
    );
    expect(issuer.requests.length).toBe(before);
  });
});

describe('credentials of an auth-provider user, against a token-checking API server', () => {
  let issuer: TestIssuer;
  let api: Server;
  let server = '';
  /** The id-tokens the API server accepts: those the issuer issued, minus the revoked ones. */
  const revoked = new Set<string>();
  const seen: string[] = [];
  beforeAll(async () => {
    issuer = await new TestIssuer().start();
    api = createServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen.push(token);
      const ok = issuer.issued.includes(token) && !revoked.has(token);
      res
        .writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
        .end(ok ? '{"kind":"JobList","items":[]}' : '{"kind":"Status","message":"Unauthorized"}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    server = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await issuer.stop();
  });
  const target = (provider: { name: string; config?: Record<string, string> }): KubeTarget => ({
    context: 'c',
    server,
    cluster: { server },
    user: { 'auth-provider': provider },
    userName: 'oidc-user',
    config: { clusters: [], users: [], contexts: [] },
  });

  test('an expired id-token: refreshed before the first request, and the API server accepts the new one', async () => {
    const credentials = await credentialsFor(
      target({
        name: 'oidc',
        config: {
          'client-id': 'deploy-kit',
          'idp-issuer-url': issuer.url,
          'id-token': issuer.idToken(-60),
          'refresh-token': issuer.refreshToken,
        },
      }),
      {},
    );
    expect(credentials.method).toBe('auth-provider oidc');
    await credentials.prepare();
    const list = await new KubeApi(server, credentials).request<{ kind: string }>('GET', '/apis/batch/v1/namespaces/apps/jobs');
    expect(list.kind).toBe('JobList');
    expect(seen.at(-1)).toBe(issuer.issued.at(-1));
  });

  test('a revoked id-token that has not expired: the 401 refreshes it and the request is sent once more', async () => {
    const current = issuer.idToken(3600);
    issuer.issued.push(current);
    revoked.add(current);
    const credentials = await credentialsFor(
      target({
        name: 'oidc',
        config: { 'client-id': 'deploy-kit', 'idp-issuer-url': issuer.url, 'id-token': current, 'refresh-token': issuer.refreshToken },
      }),
      {},
    );
    seen.length = 0;
    await new KubeApi(server, credentials).request('GET', '/apis/batch/v1/namespaces/apps/jobs');
    expect(seen).toEqual([current, issuer.issued.at(-1)]);
  });

  test('without a refresh-token a refused id-token stays a 401', async () => {
    const current = issuer.idToken(3600);
    revoked.add(current);
    const credentials = await credentialsFor(
      target({ name: 'oidc', config: { 'client-id': 'deploy-kit', 'idp-issuer-url': issuer.url, 'id-token': current } }),
      {},
    );
    const error = await new KubeApi(server, credentials).request('GET', '/api/v1/namespaces').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).code).toBe(401);
  });

  test.each([
    ['gcp', 'gke-gcloud-auth-plugin'],
    ['azure', 'kubelogin convert-kubeconfig'],
    ['openstack', 'switch the user to an exec credential plugin (client.authentication.k8s.io/v1), e.g. kubelogin'],
  ])('auth-provider %s: refused before any request, pointing to its exec plugin', async (name, hint) => {
    const error = (await credentialsFor(target({ name, config: { 'access-token': 'ya29.secret' } }), {}).catch(
      (e: unknown) => e,
    )) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe(`The kubeconfig's user "oidc-user" uses the auth-provider "${name}", which deploy-kit does not support`);
    expect(error.why).toBe(
      'auth-providers were removed from kubectl in 1.26, except oidc; deploy-kit supports oidc (with its refresh-token) and exec credential plugins',
    );
    expect(error.describe()).toContain(hint);
    expect(error.describe()).not.toContain('ya29.secret');
    expect(unsupportedAuthProvider('u', name).message).toContain(`"${name}"`);
  });
});
