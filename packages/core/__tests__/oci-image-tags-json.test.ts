// The schema of image-tags' `json` output and its validator.
import { describe, expect, test } from '@jest/globals';
import { InputError } from '@deploy-kit/core';
import { imageTagsJsonProblem, looksLikeImageTagsJson, readImageTagsJson, type ImageTagsJson } from '@deploy-kit/core/oci';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const written: ImageTagsJson = {
  tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`],
  'tag-names': ['v1.2.3', 'sha-abc1234'],
  labels: { 'org.opencontainers.image.version': 'v1.2.3' },
  annotations: ['manifest:org.opencontainers.image.version=v1.2.3'],
  version: 'v1.2.3',
  tag: 'v1.2.3',
  pin: 'sha-abc1234',
  services: [
    {
      service: 'core',
      image: `${ECR}/ms_core`,
      tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-abc1234`],
      pin: `${ECR}/ms_core:sha-abc1234`,
    },
  ],
};

describe('readImageTagsJson', () => {
  test("a reader of the services' names only (serviceTags: false) accepts services without tags, not tags of the wrong type", () => {
    const names = { services: [{ service: 'core', image: 'r.io/ms_core' }] };
    expect(readImageTagsJson(names, 'projects', undefined, { serviceTags: false })).toEqual(names);
    expect(() => readImageTagsJson(names, 'images')).toThrow('Input "images": services[0] has no `tags` list');
    expect(imageTagsJsonProblem({ services: [{ tags: 'r.io/a:1' }] }, { serviceTags: false })).toBe('services[0] has no `tags` list');
    expect(imageTagsJsonProblem({ services: [{ tags: [1] }] }, { serviceTags: false })).toBe(
      'services[0].tags[0] is number 1, not a string',
    );
  });

  test("image-tags' own output, as text or parsed", () => {
    expect(readImageTagsJson(JSON.stringify(written), 'images')).toEqual(written);
    expect(readImageTagsJson(written, 'images')).toEqual(written);
  });

  test('a hand-written one: only services with their tags are needed', () => {
    const minimal = { services: [{ service: 'core', tags: ['r.io/ms_core:v1'] }] };
    expect(readImageTagsJson(minimal, 'images')).toEqual(minimal);
    expect(readImageTagsJson({ version: 'v2', services: [] }, 'images').version).toBe('v2');
  });

  test.each<[unknown, string]>([
    [[], 'is a list, not an object'],
    ['"text"', 'is string "text", not an object'],
    [{}, 'has no `services` list'],
    [{ services: {} }, 'has `services` that is an object, not a list'],
    [{ services: ['r.io/a:1'] }, 'services[0] is not an object'],
    [{ services: [{ service: 'x' }] }, 'services[0] has no `tags` list'],
    [{ services: [{ tags: 'r.io/a:1' }] }, 'services[0] has no `tags` list'],
    [{ services: [{ tags: ['r.io/a:1'] }, { tags: ['r.io/b:1', 7] }] }, 'services[1].tags[1] is number 7, not a string'],
    [{ services: [{ service: 1, tags: [] }] }, 'services[0].service is number 1, not a string'],
    [{ services: [{ pin: null, tags: [] }] }, 'services[0].pin is null, not a string'],
    [{ version: 1, services: [] }, '`version` is number 1, not a string'],
    [{ tag: 1, services: [] }, '`tag` is number 1, not a string'],
    [{ tags: 'a', services: [] }, '`tags` is not a list of strings'],
    [{ labels: [], services: [] }, '`labels` is not an object'],
  ])('%j: %s', (value, problem) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    expect(imageTagsJsonProblem(JSON.parse(text))).toBe(problem);
    expect(() => readImageTagsJson(text, 'images')).toThrow(InputError);
    expect(() => readImageTagsJson(text, 'images')).toThrow(`Input "images": ${problem}; expected image-tags' \`json\` output`);
  });

  test('text that is not JSON', () => {
    expect(() => readImageTagsJson('{"services": [', 'images')).toThrow(/^Input "images": is not valid JSON/);
  });

  test('looksLikeImageTagsJson: an object with services', () => {
    expect(looksLikeImageTagsJson(written)).toBe(true);
    expect(looksLikeImageTagsJson({ include: [] })).toBe(false);
    expect(looksLikeImageTagsJson(['a'])).toBe(false);
    expect(looksLikeImageTagsJson(null)).toBe(false);
  });
});
