import { describe, expect, test } from '@jest/globals';
import { InputError, isLoopbackHost } from '@deploy-kit/core';
import {
  ecrHost,
  expandTemplate,
  parseEcrHost,
  parseImages,
  parseReference,
  parseRegistry,
  registryBaseUrl,
  resolveTargets,
} from '../src/refs.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('parseReference', () => {
  test.each<[string, { host: string; repository: string; tag?: string; digest?: string }]>([
    [`${ECR}/ms_core:v1.2.3`, { host: ECR, repository: 'ms_core', tag: 'v1.2.3' }],
    ['localhost:5000/team/app:sha-abc1234', { host: 'localhost:5000', repository: 'team/app', tag: 'sha-abc1234' }],
    ['127.0.0.1:5000/app', { host: '127.0.0.1:5000', repository: 'app' }],
    ['ms_core:v1', { host: '', repository: 'ms_core', tag: 'v1' }],
    ['library/app:1.0', { host: '', repository: 'library/app', tag: '1.0' }],
    [`app@sha256:${'a'.repeat(64)}`, { host: '', repository: 'app', digest: `sha256:${'a'.repeat(64)}` }],
  ])('%s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });

  test.each([
    ['', /empty/],
    ['https://host/app:1', /no scheme/],
    ['Host.example/App:1', /not a valid repository name/],
    ['app:-bad', /not a valid tag/],
    ['app@sha256:zz', /not a sha256 digest/],
    ['a b', /no spaces/],
  ])('rejects %j', (text, message) => {
    expect(() => parseReference(text)).toThrow(message);
  });
});

describe('parseImages', () => {
  const imageTagsJson = JSON.stringify({
    tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`, `${ECR}/ms_chat:v1.2.3`],
    version: 'v1.2.3',
    services: [
      { service: 'core', image: `${ECR}/ms_core`, tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`], pin: `${ECR}/ms_core:sha-abc1234` },
      { service: 'chat', image: `${ECR}/ms_chat`, tags: [`${ECR}/ms_chat:v1.2.3`], pin: '' },
    ],
  });
  const expected = [
    { host: ECR, repository: 'ms_core', tags: ['v1.2.3', 'sha-abc1234'], service: 'core' },
    { host: ECR, repository: 'ms_chat', tags: ['v1.2.3'], service: 'chat' },
  ];

  test("image-tags' json output", () => {
    expect(parseImages(imageTagsJson)).toEqual(expected);
  });

  test("image-tags' matrix output (tags newline-joined)", () => {
    const matrix = JSON.stringify({ include: [
      { service: 'core', image: `${ECR}/ms_core`, tags: `${ECR}/ms_core:v1.2.3\n${ECR}/ms_core:sha-abc1234`, pin: '' },
      { service: 'chat', image: `${ECR}/ms_chat`, tags: `${ECR}/ms_chat:v1.2.3`, pin: '' },
    ] });
    expect(parseImages(matrix)).toEqual(expected);
  });

  test('one matrix entry (toJSON(matrix))', () => {
    expect(parseImages(JSON.stringify({ service: 'chat', image: `${ECR}/ms_chat`, tags: `${ECR}/ms_chat:v1.2.3` }))).toEqual([expected[1]]);
  });

  test("metadata-action's json (tags only): service is the repository's last component", () => {
    expect(parseImages(JSON.stringify({ tags: [`${ECR}/team/ms_core:v1`], labels: {} }))).toEqual([{ host: ECR, repository: 'team/ms_core', tags: ['v1'], service: 'ms_core' }]);
  });

  test('a list of references, newline/comma separated, duplicates merged', () => {
    expect(parseImages(`ms_core:v1\nms_core:v1, ms_core:sha-1 ms_chat:v1`)).toEqual([
      { host: '', repository: 'ms_core', tags: ['v1', 'sha-1'], service: 'ms_core' },
      { host: '', repository: 'ms_chat', tags: ['v1'], service: 'ms_chat' },
    ]);
  });

  test('a JSON array of references', () => {
    expect(parseImages('["a:1","b:2"]').map((t) => t.repository)).toEqual(['a', 'b']);
  });

  test('empty is no images', () => {
    expect(parseImages('  ')).toEqual([]);
  });

  test.each<[string, RegExp]>([
    ['{"tags":', /Input "images": is not valid JSON/],
    ['{"foo":1}', /without `services`, `include` or `tags`/],
    ['{"services":[{"service":"x"}]}', /services\[0\] has no `tags` list/],
    ['ms_core', /reference "ms_core" has no tag/],
    [`ms_core@sha256:${'b'.repeat(64)}`, /has a digest/],
    ['Bad/Name:1', /bad image reference "Bad\/Name:1"/],
  ])('rejects %j naming the input', (raw, message) => {
    expect(() => parseImages(raw)).toThrow(InputError);
    expect(() => parseImages(raw)).toThrow(message);
  });
});

describe('registries', () => {
  test.each<[string, ReturnType<typeof parseRegistry>]>([
    [ECR, { host: ECR, scheme: undefined, namespace: '' }],
    ['http://127.0.0.1:5000', { host: '127.0.0.1:5000', scheme: 'http', namespace: '' }],
    ['https://Registry.Example.com/team/', { host: 'registry.example.com', scheme: 'https', namespace: 'team' }],
    ['', undefined],
  ])('parseRegistry(%j)', (raw, expected) => {
    expect(parseRegistry(raw)).toEqual(expected);
  });

  test.each([
    ['http://registry.example.com', /plain http:\/\/ for a host that is not loopback/],
    ['ftp://x', /has the scheme "ftp:\/\/"/],
    ['not a host', /is not a registry host/],
    ['host/Bad', /bad namespace component "Bad"/],
  ])('parseRegistry rejects %j', (raw, message) => {
    expect(() => parseRegistry(raw)).toThrow(/^Input "registry": /);
    expect(() => parseRegistry(raw)).toThrow(message);
  });

  test.each([
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.3.2.1:80', true],
    ['[::1]:5000', true],
    ['10.0.0.1:5000', false],
    ['localhost.example.com', false],
  ])('isLoopbackHost(%s) = %s (core\'s, which push-artifacts uses)', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  test('registryBaseUrl: http by default only for loopback', () => {
    expect(registryBaseUrl('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl('127.0.0.1:5000', 'https')).toBe('https://127.0.0.1:5000');
    expect(registryBaseUrl(ECR)).toBe(`https://${ECR}`);
    expect(() => registryBaseUrl(ECR, 'http')).toThrow(/only allowed for loopback/);
  });

  test.each<[string, ReturnType<typeof parseEcrHost>]>([
    [ECR, { account: '123456789012', region: 'eu-west-1', host: ECR }],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', { account: '123456789012', region: 'us-gov-west-1', host: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com' }],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', { account: '123456789012', region: 'cn-north-1', host: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn' }],
    ['public.ecr.aws', undefined],
    ['127.0.0.1:5000', undefined],
  ])('parseEcrHost(%s)', (host, expected) => {
    expect(parseEcrHost(host)).toEqual(expected);
  });

  test('ecrHost builds the registry of an account and region', () => {
    expect(ecrHost('123456789012', 'eu-west-1')).toBe(ECR);
    expect(ecrHost('123456789012', 'cn-north-1')).toBe('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn');
  });

  test('resolveTargets fills in the registry and namespace for bare references only', () => {
    const targets = parseImages(`ms_core:v1\nother.example/x:1`);
    expect(resolveTargets(targets, { host: 'localhost:5000', namespace: 'team' })).toEqual([
      { host: 'localhost:5000', repository: 'team/ms_core', tags: ['v1'], service: 'ms_core' },
      { host: 'other.example', repository: 'x', tags: ['1'], service: 'x' },
    ]);
    expect(() => resolveTargets(targets, undefined)).toThrow(/Input "images": reference "ms_core" names no registry/);
  });

  test('expandTemplate', () => {
    const target = { host: ECR, repository: 'team/ms_core', tags: ['v1', 'sha-1'], service: 'core' };
    expect(expandTemplate('build/{service}/{repository}-{tag}.tar', target)).toBe('build/core/ms_core-v1.tar');
  });
});
