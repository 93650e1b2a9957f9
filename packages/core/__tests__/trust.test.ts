import { describe, expect, test } from '@jest/globals';
import {
  assertCredentialTransport,
  childEnvironment,
  credentialBoundTo,
  githubUploadsHost,
  credentialTransportProblem,
  inheritedEnvironment,
  isLoopbackHost,
  requestSignal,
} from '../src/trust.js';

describe('isLoopbackHost', () => {
  test.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['LOCALHOST.', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['::1', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['128.0.0.1', false],
    ['localhost.evil.com', false],
    ['127.0.0.1.nip.io', false],
    ['ghcr.io', false],
    ['[::2]:5000', false],
    ['0.0.0.0', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('credentialTransportProblem', () => {
  test.each([
    ['https://123.dkr.ecr.eu-west-1.amazonaws.com/v2/', undefined],
    ['http://127.0.0.1:5000/v2/', undefined],
    ['http://[::1]:5000/token', undefined],
    ['http://localhost/token', undefined],
  ])('%s may carry a credential', (url, expected) => {
    expect(credentialTransportProblem(url)).toBe(expected);
  });
  test.each([
    ['http://auth.example.com/token', /auth\.example\.com would receive it over plain http/],
    ['ftp://example.com/x', /ftp:\/\/ is not http or https/],
    ['not a url', /is not a URL/],
  ])('%s may not', (url, expected) => {
    expect(credentialTransportProblem(url)).toMatch(expected);
  });
  test('assertCredentialTransport names the credential and what to check', () => {
    expect(() => assertCredentialTransport('http://auth.example.com/token', 'the registry login for ghcr.io (token realm)')).toThrow(
      /Refused to send the registry login for ghcr\.io \(token realm\)/,
    );
  });
});

describe('credentialBoundTo', () => {
  const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  test.each([
    [ecr, `https://${ecr}/v2/ms_core/blobs/uploads/`, true],
    [`https://${ecr}`, `https://${ecr}:443/v2/`, true],
    [ecr, 'https://ghcr.io/v2/org/app/manifests/v1', false],
    [ecr, `https://${ecr}.evil.com/v2/`, false],
    [ecr, `http://${ecr}/v2/`, false],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000/v2/', true],
    ['127.0.0.1:5000', 'http://127.0.0.1:5001/v2/', false],
  ])('issued for %s, sent to %s → %s', (issuedFor, url, expected) => {
    expect(credentialBoundTo(issuedFor, url)).toBe(expected);
  });
});

describe('requestSignal', () => {
  test('aborts after its own limit', async () => {
    const signal = requestSignal(5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(signal.aborted).toBe(true);
  });
  test('aborts with the outer signal first', () => {
    const outer = new AbortController();
    const signal = requestSignal(60_000, outer.signal);
    outer.abort(new Error('step deadline'));
    expect(signal.aborted).toBe(true);
  });
});

describe('child environments', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    LC_ALL: 'C.UTF-8',
    HTTPS_PROXY: 'http://proxy:3128',
    INPUT_KUBECONFIG: 'apiVersion: v1…',
    INPUT_TOKEN: 'ghp_secret',
    STATE_cleanup: 'x',
    ACTIONS_RUNTIME_TOKEN: 'runtime',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
    GITHUB_TOKEN: 'ghs_x',
    AWS_ACCESS_KEY_ID: 'AKIA…',
    DATABASE_URL: 'postgres://…',
  };
  test('childEnvironment: the basics, what is passed by name and what is set; never inputs or tokens', () => {
    expect(childEnvironment({ pass: ['DATABASE_URL', 'INPUT_TOKEN', 'GITHUB_TOKEN'], set: { MODE: 'up' } }, parent)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LC_ALL: 'C.UTF-8',
      HTTPS_PROXY: 'http://proxy:3128',
      DATABASE_URL: 'postgres://…',
      MODE: 'up',
    });
  });
  test('inheritedEnvironment: everything but inputs, state and the runner tokens', () => {
    const env = inheritedEnvironment(parent);
    expect(Object.keys(env).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'DATABASE_URL', 'HOME', 'HTTPS_PROXY', 'LC_ALL', 'PATH']);
  });
});

describe('githubUploadsHost', () => {
  test.each([
    ['https://api.github.com', 'uploads.github.com'],
    ['https://api.github.com/', 'uploads.github.com'],
    ['https://api.octocorp.ghe.com', 'uploads.octocorp.ghe.com'],
    ['https://ghes.example.com/api/v3', 'ghes.example.com'],
    ['https://ghes.example.com:8443/api/v3', 'ghes.example.com:8443'],
    ['http://127.0.0.1:4010', '127.0.0.1:4010'],
    ['https://api.github.com.evil.com', 'api.github.com.evil.com'],
    ['https://api.evil.ghe.com.example.org', 'api.evil.ghe.com.example.org'],
  ])('%s → %s', (apiUrl, uploads) => {
    expect(githubUploadsHost(apiUrl)).toBe(uploads);
  });
});
