// The trust rules of push-artifacts as tables of their pure logic: where the ECR login may go, which
// paths stay inside their source, how a network failure is named, which input a bad S3 key came from.
import { describe, expect, test } from '@jest/globals';
import { ActionError } from '@deploy-kit/core';
import { describeRegistryNetworkError, networkFailure, parseRegistry } from '@deploy-kit/core/oci';
import { s3KeyPrefix, type Values } from '../src/config.js';
import { isInside } from '../src/local-files.js';
import { ecrTokenMayGo, loginPlan, type LoginPlan } from '../src/logins.js';
import { awsEndpointDescription, describeAwsNetworkError } from '../src/network.js';
import { transferTimeoutMs } from '../src/s3.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('loginPlan: which host gets the ECR login', () => {
  test.each<[string, string, 'ecr' | 'none', string, LoginPlan['kind']]>([
    ['an ECR registry', ECR, 'ecr', '', 'ecr'],
    ['an ECR registry also named in `registry`', ECR, 'ecr', ECR, 'ecr'],
    ['the loopback registry `registry` names', '127.0.0.1:5000', 'ecr', '127.0.0.1:5000', 'loopback'],
    ['localhost named by `registry`', 'localhost:5000', 'ecr', 'http://localhost:5000', 'loopback'],
    ['a loopback registry `registry` does not name', '127.0.0.1:5001', 'ecr', '127.0.0.1:5000', 'none'],
    ['a loopback registry with no `registry` at all', '127.0.0.1:5000', 'ecr', '', 'none'],
    ['ghcr.io', 'ghcr.io', 'ecr', '', 'none'],
    ['ghcr.io, even when `registry` names it', 'ghcr.io', 'ecr', 'ghcr.io/org', 'none'],
    ['a look-alike of an ECR host', '123456789012.dkr.ecr.eu-west-1.amazonaws.com.example.com', 'ecr', '', 'none'],
    ['anything with registry-auth none', ECR, 'none', '', 'none'],
  ])('%s', (_, host, auth, registry, kind) => {
    expect(loginPlan(host, auth, parseRegistry(registry)).kind).toBe(kind);
  });

  test('the reason says why a host gets no login', () => {
    expect(loginPlan('ghcr.io', 'ecr', undefined)).toEqual({
      kind: 'none',
      reason: 'ghcr.io is not an ECR registry, and the ECR login is only sent to the registry it was issued for',
    });
    expect(loginPlan('127.0.0.1:5001', 'ecr', parseRegistry('127.0.0.1:5000'))).toMatchObject({
      reason: expect.stringContaining('the `registry` input does not name'),
    });
  });
});

describe('ecrTokenMayGo: the token goes to the host it was issued for, over https', () => {
  const ecr: LoginPlan = { kind: 'ecr', account: '123456789012' };
  test.each<[string, LoginPlan, string, string, boolean]>([
    ['its own proxyEndpoint', ecr, `https://${ECR}`, `https://${ECR}`, true],
    ['proxyEndpoint without a scheme', ecr, ECR, `https://${ECR}`, true],
    ['the default https port written out', ecr, `https://${ECR}:443`, `https://${ECR}`, true],
    ['another account', ecr, 'https://210987654321.dkr.ecr.eu-west-1.amazonaws.com', `https://${ECR}`, false],
    ['another region', ecr, 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', `https://${ECR}`, false],
    ['plain http to the right host', ecr, `https://${ECR}`, `http://${ECR}`, false],
    ['no proxyEndpoint', ecr, '', `https://${ECR}`, false],
    ['the loopback registry over http', { kind: 'loopback' }, `https://${ECR}`, 'http://127.0.0.1:5000', true],
    ['a plan without a login', { kind: 'none', reason: 'x' }, `https://${ECR}`, `https://${ECR}`, false],
  ])('%s', (_, plan, proxyEndpoint, baseUrl, expected) => {
    expect(ecrTokenMayGo(plan, proxyEndpoint, baseUrl)).toBe(expected);
  });
});

describe('isInside: a path below its root', () => {
  test.each<[string, string, boolean]>([
    ['/w/bin', '/w/bin', true],
    ['/w/bin', '/w/bin/ms_core', true],
    ['/w/bin', '/w/bin/tools/x', true],
    ['/w/bin', '/w/bin/..hidden', true],
    ['/w/bin', '/w/binaries/x', false],
    ['/w/bin', '/w/other', false],
    ['/w/bin', '/etc/passwd', false],
    ['/w/bin', '/w', false],
  ])('isInside(%s, %s) = %s', (root, path, expected) => {
    expect(isInside(root, path)).toBe(expected);
  });
});

describe('network failures', () => {
  const err = (code: string, message = `connect ${code} 127.0.0.1:1`) => Object.assign(new Error(message), { code });
  test.each<[string, unknown, string | undefined]>([
    ['connection refused', err('ECONNREFUSED'), 'ECONNREFUSED'],
    ['no such host', err('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.example'), 'ENOTFOUND'],
    ['a cause chain (fetch)', Object.assign(new TypeError('fetch failed'), { cause: err('ECONNRESET') }), 'ECONNRESET'],
    [
      'the SDK request timeout',
      Object.assign(new Error('request has exceeded the configured 120000 ms requestTimeout'), { name: 'TimeoutError' }),
      'timed out',
    ],
    ['AbortSignal.timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timed out'],
    [
      'a TLS certificate',
      err('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    ],
    ['an HTTP answer', Object.assign(new Error('HTTP 403'), { status: 403 }), undefined],
    ['a local error', err('ENOENT', 'no such file'), undefined],
  ])('%s', (_, error, reason) => {
    expect(networkFailure(error)).toBe(reason);
  });

  test.each<[string, Record<string, string>, string]>([
    [
      'the service endpoint variable',
      { AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9', AWS_ENDPOINT_URL: 'http://127.0.0.1:8' },
      'http://127.0.0.1:9',
    ],
    ['the global endpoint variable', { AWS_ENDPOINT_URL: 'http://127.0.0.1:8' }, 'http://127.0.0.1:8'],
    ["AWS's own", {}, "https://api.ecr.eu-west-1.amazonaws.com (AWS's ECR endpoint for eu-west-1)"],
  ])('the ECR endpoint named: %s', (_, env, expected) => {
    expect(awsEndpointDescription('ECR', 'eu-west-1', env)).toBe(expected);
  });

  test('an unreachable AWS endpoint names the call, the service, the endpoint and what to check', () => {
    const error = describeAwsNetworkError(err('ECONNREFUSED'), {
      what: 'S3 ListObjectsV2 s3://b/v1/',
      service: 'S3',
      region: 'cn-north-1',
      env: {},
    })!;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe(
      "S3 ListObjectsV2 s3://b/v1/ failed: the S3 endpoint https://s3.cn-north-1.amazonaws.com.cn (AWS's S3 endpoint for cn-north-1) could not be reached (ECONNREFUSED).",
    );
    expect(error.check.join('\n')).toMatch(/the region cn-north-1 is right[\s\S]*HTTPS_PROXY/);
    expect(describeAwsNetworkError(new Error('AccessDenied'), { what: 'x', service: 'S3', region: 'eu-west-1', env: {} })).toBeUndefined();
  });

  test('a registry that does not answer in time', () => {
    const error = describeRegistryNetworkError(Object.assign(new Error('aborted'), { name: 'TimeoutError' }), {
      what: 'Push to r.example/app',
      host: 'r.example',
      url: 'https://r.example',
    })!;
    expect(error.message).toBe('Push to r.example/app failed: the registry r.example (https://r.example) did not answer in time.');
  });

  test.each<[number, number]>([
    [0, 120_000],
    [256 * 1024, 121_000],
    [64 * 1024 * 1024, 376_000],
  ])('an S3 upload of %d bytes may take %d ms', (bytes, ms) => {
    expect(transferTimeoutMs(120_000, bytes)).toBe(ms);
  });
});

describe('s3KeyPrefix: a bad part names the input it came from', () => {
  const values = (v: Partial<Values>) => ({ s3Path: 'binaries', tag: '', images: '', ...v }) as Values;
  test.each<[string, Partial<Values>, Record<string, string>, string]>([
    ['tag given', { tag: '../v1' }, {}, 'Input "tag": contains a ".." path segment'],
    ['s3-path given', { s3Path: 'bin/../..', tag: 'v1' }, {}, 'Input "s3-path": contains a ".." path segment'],
    [
      'the tag from image-tags',
      { images: '{"tag":"v1/../../x","services":[]}' },
      {},
      'Input "tag": is empty, and the tag it defaults to, from the `tag` of input "images", contains a ".." path segment',
    ],
    [
      'the tag from the run',
      {},
      { GITHUB_REF: 'refs/tags/v1/../../x' },
      'Input "tag": is empty, and the tag it defaults to, from the tag (GITHUB_REF), contains a ".." path segment',
    ],
  ])('%s', (_, given, env, message) => {
    expect(() => s3KeyPrefix(values(given), env)).toThrow(message);
  });

  test('good parts', () => {
    expect(s3KeyPrefix(values({ tag: 'v1.2.3' }), {})).toBe('binaries/v1.2.3/');
    expect(s3KeyPrefix(values({ s3Path: '', images: '{"tag":"v2"}' }), {})).toBe('v2/');
  });
});

describe('ECR Public and `registries`: where their logins may go', () => {
  test.each<[string, string, Parameters<typeof loginPlan>[2], LoginPlan['kind']]>([
    ['public.ecr.aws gets ECR Public login', 'public.ecr.aws', undefined, 'ecr-public'],
    ['a look-alike of public.ecr.aws does not', 'public.ecr.aws.example.com', undefined, 'none'],
    [
      'a loopback registry `registries` names',
      '127.0.0.1:5001',
      [parseRegistry('127.0.0.1:5000'), parseRegistry('127.0.0.1:5001')],
      'loopback',
    ],
    ['a loopback registry neither names', '127.0.0.1:5002', [parseRegistry('127.0.0.1:5000'), parseRegistry('127.0.0.1:5001')], 'none'],
  ])('%s', (_, host, named, kind) => {
    expect(loginPlan(host, 'ecr', named).kind).toBe(kind);
  });

  test.each<[string, string, string, boolean]>([
    ['public.ecr.aws over https', 'https://public.ecr.aws', 'https://public.ecr.aws', true],
    ['issued for public.ecr.aws, sent elsewhere', 'https://public.ecr.aws', `https://${ECR}`, false],
    ['issued for another host, sent to public.ecr.aws', 'https://elsewhere.example.com', 'https://public.ecr.aws', false],
    ['an ECR proxyEndpoint under an ECR Public plan', `https://${ECR}`, `https://${ECR}`, false],
  ])('ecr-public: %s', (_, proxyEndpoint, baseUrl, expected) => {
    expect(ecrTokenMayGo({ kind: 'ecr-public' }, proxyEndpoint, baseUrl)).toBe(expected);
  });
});
