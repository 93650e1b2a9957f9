import { describe, expect, test } from '@jest/globals';
import { InputError } from '@deploy-kit/core';
import { expandTemplate, parseImages, resolveTargets } from '../src/targets.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('parseImages', () => {
  const imageTagsJson = JSON.stringify({
    tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`, `${ECR}/ms_chat:v1.2.3`],
    version: 'v1.2.3',
    services: [
      {
        service: 'core',
        image: `${ECR}/ms_core`,
        tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`],
        pin: `${ECR}/ms_core:sha-abc1234`,
      },
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
    const matrix = JSON.stringify({
      include: [
        { service: 'core', image: `${ECR}/ms_core`, tags: `${ECR}/ms_core:v1.2.3\n${ECR}/ms_core:sha-abc1234`, pin: '' },
        { service: 'chat', image: `${ECR}/ms_chat`, tags: `${ECR}/ms_chat:v1.2.3`, pin: '' },
      ],
    });
    expect(parseImages(matrix)).toEqual(expected);
  });

  test('one matrix entry (toJSON(matrix))', () => {
    expect(parseImages(JSON.stringify({ service: 'chat', image: `${ECR}/ms_chat`, tags: `${ECR}/ms_chat:v1.2.3` }))).toEqual([expected[1]]);
  });

  test("metadata-action's json (tags only): service is the repository's last component", () => {
    expect(parseImages(JSON.stringify({ tags: [`${ECR}/team/ms_core:v1`], labels: {} }))).toEqual([
      { host: ECR, repository: 'team/ms_core', tags: ['v1'], service: 'ms_core' },
    ]);
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

  test.each<[string, string, ReturnType<typeof parseImages>]>([
    ['alone', '[::1]:5000/app:1', [{ host: '[::1]:5000', repository: 'app', tags: ['1'], service: 'app' }]],
    [
      'first of a comma list',
      '[::1]:5000/app:1,example.com/x:1',
      [
        { host: '[::1]:5000', repository: 'app', tags: ['1'], service: 'app' },
        { host: 'example.com', repository: 'x', tags: ['1'], service: 'x' },
      ],
    ],
    [
      'first of lines, and again',
      '[fe80::1]/app:1\n[::1]:5000/team/b:2',
      [
        { host: '[fe80::1]', repository: 'app', tags: ['1'], service: 'app' },
        { host: '[::1]:5000', repository: 'team/b', tags: ['2'], service: 'b' },
      ],
    ],
  ])('a bracketed IPv6 registry host in the first reference, %s: a list, not JSON', (_what, raw, expected) => {
    expect(parseImages(raw)).toEqual(expected);
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

// The reference grammar, the `registry` rule and ECR hosts are core's (packages/core/__tests__/oci-*.test.ts).
describe('targets', () => {
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
