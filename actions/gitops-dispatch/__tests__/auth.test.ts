import { beforeAll, describe, expect, test } from '@jest/globals';
import { type KeyObject, createVerify, generateKeyPairSync } from 'node:crypto';
import { registeredSecrets } from '@deploy-kit/core';
import { INSTALLATION_PERMISSIONS, appSession, createAppJwt, normalizePrivateKey, parsePrivateKey } from '../src/auth.js';
import { parseRepository } from '../src/target.js';
import { httpError, scriptedApi } from './helpers.js';

let privatePem: string;
let pkcs8Pem: string;
let publicKey: KeyObject;
const NOW = Date.parse('2026-03-01T12:00:00Z');

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privatePem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  pkcs8Pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  publicKey = pair.publicKey;
});

function decode(jwt: string) {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
    signature: s!,
    signingInput: `${h}.${p}`,
  };
}

describe('App JWT', () => {
  test('RS256, verifiable with the public key; iat 60 s back, exp within 10 minutes; numeric iss', () => {
    const jwt = createAppJwt('123456', parsePrivateKey(privatePem), NOW);
    const { header, payload, signature, signingInput } = decode(jwt);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({ iat: NOW / 1000 - 60, exp: NOW / 1000 + 540, iss: 123456 });
    expect(payload.exp - payload.iat).toBeLessThanOrEqual(600);
    expect(createVerify('RSA-SHA256').update(signingInput).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    // A changed payload does not verify: the signature is real.
    expect(createVerify('RSA-SHA256').update(`${signingInput}x`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
  });

  test('a client ID stays a string; PKCS#8 keys work too', () => {
    expect(decode(createAppJwt('Iv23liAbc', parsePrivateKey(pkcs8Pem), NOW)).payload.iss).toBe('Iv23liAbc');
  });

  test('a key pasted with literal \\n is repaired', () => {
    const flat = privatePem.trim().split('\n').join('\\n');
    expect(normalizePrivateKey(flat)).toBe(privatePem.trim());
    expect(() => parsePrivateKey(flat)).not.toThrow();
  });

  test.each([
    ['not PEM', 'hello', 'is not a PEM private key'],
    ['broken PEM', '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----', 'cannot be read as a private key'],
  ])('%s → InputError without echoing the key', (_, key, problem) => {
    expect(() => parsePrivateKey(key)).toThrow(problem);
    expect(() => parsePrivateKey(key)).toThrow(/^Input "private-key": .*Got: \*\*\*$/);
  });

  test('a non-RSA key is refused', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parsePrivateKey(ec)).toThrow('is a ec key; GitHub App keys are RSA');
  });
});

describe('appSession', () => {
  const targets = [
    parseRepository('example-org/gitops-production', 'r'),
    parseRepository('example-org/terraform-apps-production', 'r'),
    parseRepository('other-org/x', 'r'),
  ];

  function setup(handlers: Parameters<typeof scriptedApi>[0]) {
    const app = scriptedApi(handlers);
    const clients: Array<{ token: string; kind: string; actor?: string }> = [];
    const installationApis: ReturnType<typeof scriptedApi>[] = [];
    const session = appSession('123456', parsePrivateKey(privatePem), targets, {
      client: async (token, kind, actor) => {
        clients.push({ token, kind, actor });
        if (kind === 'app-jwt') return app;
        const api = scriptedApi({ 'DELETE /installation/token': () => ({ status: 204 }) });
        installationApis.push(api);
        return api;
      },
      now: () => NOW,
      log: () => undefined,
    });
    return { app, clients, installationApis, session };
  }

  test('one installation token per owner, scoped to its target repositories and the needed permissions; masked; revoked', async () => {
    const { app, clients, installationApis, session } = setup({
      'GET /repos/{owner}/{repo}/installation': (p) => ({ data: { id: p.owner === 'example-org' ? 11 : 22, app_slug: 'deployer' } }),
      'POST /app/installations/{installation_id}/access_tokens': (p) => ({
        status: 201,
        data: { token: `ghs_token_for_${p.installation_id}`, expires_at: '2026-03-01T13:00:00Z' },
      }),
    });
    const a = await session.apiFor(targets[0]!);
    const b = await session.apiFor(targets[1]!);
    expect(a).toBe(b);
    await session.apiFor(targets[2]!);
    const tokenCalls = app.calls.filter((c) => c.route.startsWith('POST'));
    expect(tokenCalls.map((c) => c.params)).toEqual([
      { installation_id: 11, repositories: ['gitops-production', 'terraform-apps-production'], permissions: INSTALLATION_PERMISSIONS },
      { installation_id: 22, repositories: ['x'], permissions: INSTALLATION_PERMISSIONS },
    ]);
    expect(clients.filter((c) => c.kind === 'app-jwt')).toHaveLength(1);
    expect(clients.filter((c) => c.kind === 'installation')).toEqual([
      { token: 'ghs_token_for_11', kind: 'installation', actor: 'deployer[bot]' },
      { token: 'ghs_token_for_22', kind: 'installation', actor: 'deployer[bot]' },
    ]);
    // Masked (::add-mask::) before the client that uses it exists.
    expect(registeredSecrets()).toEqual(expect.arrayContaining(['ghs_token_for_11', 'ghs_token_for_22']));
    expect(await session.revoke()).toEqual([]);
    expect(installationApis.map((api) => api.calls.map((c) => c.route))).toEqual([
      ['DELETE /installation/token'],
      ['DELETE /installation/token'],
    ]);
  });

  test('not installed on the repository: says so', async () => {
    const { session } = setup({ 'GET /repos/{owner}/{repo}/installation': () => Promise.reject(httpError(404, 'Not Found')) });
    await expect(session.apiFor(targets[0]!)).rejects.toThrow('The GitHub App 123456 is not installed on example-org/gitops-production');
  });

  test('permissions not granted (422): names the permissions', async () => {
    const { session } = setup({
      'GET /repos/{owner}/{repo}/installation': () => ({ data: { id: 11 } }),
      'POST /app/installations/{installation_id}/access_tokens': () =>
        Promise.reject(httpError(422, 'The permissions requested are not granted to this installation.')),
    });
    const error = await session.apiFor(targets[0]!).catch((e: Error & { check: string[] }) => e);
    expect((error as Error).message).toBe(
      'The GitHub App 123456 cannot get a token for example-org/gitops-production, example-org/terraform-apps-production',
    );
    expect((error as { check: string[] }).check.join(' ')).toMatch(/Actions: Read and write/);
  });

  test('a bad JWT (401) is explained as App credentials', async () => {
    const { session } = setup({
      'GET /repos/{owner}/{repo}/installation': () => Promise.reject(httpError(401, 'A JSON web token could not be decoded')),
    });
    const error = (await session.apiFor(targets[0]!).catch((e) => e)) as { message: string; why: string; check: string[] };
    expect(error.why).toBe('GitHub rejected the GitHub App credentials.');
    expect(error.check[0]).toMatch(/`app-id` and `private-key` belong to the same GitHub App/);
  });
});
