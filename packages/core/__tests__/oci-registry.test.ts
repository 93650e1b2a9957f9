// The `registry` input's one rule (push-artifacts' and image-tags'), registry URLs and ECR hosts.
import { describe, expect, test } from '@jest/globals';
import { InputError, isLoopbackHost } from '@deploy-kit/core';
import { ecrHost, parseEcrHost, parseRegistry, registryApiHost, registryBaseUrl, registryPrefix } from '@deploy-kit/core/oci';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('parseRegistry', () => {
  test.each<[string, ReturnType<typeof parseRegistry>]>([
    [ECR, { host: ECR, scheme: undefined, namespace: '' }],
    ['http://127.0.0.1:5000', { host: '127.0.0.1:5000', scheme: 'http', namespace: '' }],
    ['http://localhost:5000/team', { host: 'localhost:5000', scheme: 'http', namespace: 'team' }],
    ['http://[::1]:5000', { host: '[::1]:5000', scheme: 'http', namespace: '' }],
    ['https://Registry.Example.com/team/', { host: 'registry.example.com', scheme: 'https', namespace: 'team' }],
    [`https://${ECR}`, { host: ECR, scheme: 'https', namespace: '' }],
    ['ghcr.io/example-org/backend', { host: 'ghcr.io', scheme: undefined, namespace: 'example-org/backend' }],
    ['registry:5000', { host: 'registry:5000', scheme: undefined, namespace: '' }],
    ['', undefined],
    ['  ', undefined],
  ])('parseRegistry(%j)', (raw, expected) => {
    expect(parseRegistry(raw)).toEqual(expected);
  });

  test.each<[string, string]>([
    ['http://registry.example.com', 'Input "registry": uses plain http:// for a host that is not loopback'],
    ['http://0.0.0.0:5000', 'uses plain http:// for a host that is not loopback'],
    ['ftp://x', 'has the scheme "ftp://"'],
    ['not a host', '"not a host" is not a registry host'],
    ['exa_mple.com', '"exa_mple.com" is not a registry host'],
    ['host/Bad', 'namespace "Bad" is not a valid repository path component (try "bad")'],
    ['ghcr.io/Example_Org', 'Input "registry": namespace "Example_Org" is not a valid repository path component (try "example_org")'],
    ['ghcr.io/my org', 'namespace "my org" is not a valid repository path component (try "my-org")'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseRegistry(raw)).toThrow(InputError);
    expect(() => parseRegistry(raw)).toThrow(message);
  });

  test('the input is named as the caller reads it', () => {
    expect(() => parseRegistry('ftp://x', 'registry-url')).toThrow(/^Input "registry-url": /);
  });

  test('registryPrefix: host and namespace, no scheme', () => {
    expect(registryPrefix(parseRegistry('http://127.0.0.1:5000/team')!)).toBe('127.0.0.1:5000/team');
    expect(registryPrefix(parseRegistry(`https://${ECR}`)!)).toBe(ECR);
  });
});

describe('registry URLs', () => {
  test.each([
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.3.2.1:80', true],
    ['[::1]:5000', true],
    ['10.0.0.1:5000', false],
    ['localhost.example.com', false],
  ])("isLoopbackHost(%s) = %s (core's trust rule, which the registry rule uses)", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  test('registryBaseUrl: http by default only for loopback', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('127.0.0.1:5000', 'https')).toBe('https://127.0.0.1:5000');
    expect(registryBaseUrl(ECR)).toBe(`https://${ECR}`);
    expect(() => registryBaseUrl(ECR, 'http')).toThrow(/only allowed for loopback/);
  });

  test('registryApiHost: Docker Hub is served by registry-1.docker.io', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost(ECR)).toBe(ECR);
  });
});

describe('ECR hosts', () => {
  test.each<[string, ReturnType<typeof parseEcrHost>]>([
    [ECR, { account: '123456789012', region: 'eu-west-1', host: ECR }],
    [
      '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
      { account: '123456789012', region: 'us-gov-west-1', host: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com' },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
      { account: '123456789012', region: 'cn-north-1', host: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn' },
    ],
    ['public.ecr.aws', undefined],
    ['127.0.0.1:5000', undefined],
    [`${ECR}.example.com`, undefined],
  ])('parseEcrHost(%s)', (host, expected) => {
    expect(parseEcrHost(host)).toEqual(expected);
  });

  test('ecrHost builds the registry of an account and region', () => {
    expect(ecrHost('123456789012', 'eu-west-1')).toBe(ECR);
    expect(ecrHost('123456789012', 'cn-north-1')).toBe('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn');
  });
});
