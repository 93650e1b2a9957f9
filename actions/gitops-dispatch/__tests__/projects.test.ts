import { describe, expect, test } from '@jest/globals';
import { parseProjects, projectFromImage } from '../src/projects.js';

const imageTagsJson = JSON.stringify({
  tags: ['123.dkr.ecr.eu-west-1.amazonaws.com/ms_core:v1.2.3'],
  version: 'v1.2.3',
  pin: 'sha-0a1b2c3',
  services: [
    { service: 'core', image: '123.dkr.ecr.eu-west-1.amazonaws.com/ms_core', tags: ['…:v1.2.3'], pin: '…:sha-0a1b2c3' },
    { service: 'payments', image: '123.dkr.ecr.eu-west-1.amazonaws.com/ms_payments', tags: [], pin: '' },
  ],
});
const matrix = JSON.stringify({
  include: [
    { service: 'core', image: 'reg/ms_core', tags: 'x', pin: 'y' },
    { service: 'chat', image: 'reg/ms_chat' },
  ],
});

describe('parseProjects', () => {
  test.each<[string, string, string[]]>([
    ['empty', '', []],
    ["space separated (the guide's MS_NAMES_K8S)", 'ms_core ms_payments', ['ms_core', 'ms_payments']],
    ['commas and newlines', 'ms_core,\nms_payments\n# comment\n ms_chat ', ['ms_core', 'ms_payments', 'ms_chat']],
    ['duplicates kept once', 'ms_core ms_core', ['ms_core']],
    ['JSON array', '["ms_core", "ms_payments"]', ['ms_core', 'ms_payments']],
    ['JSON array of image references', '["reg.io/ns/ms_core:v1", "reg.io/ms_chat@sha256:abc"]', ['ms_core', 'ms_chat']],
    ["image-tags' json output", imageTagsJson, ['ms_core', 'ms_payments']],
    ["image-tags' matrix output", matrix, ['ms_core', 'ms_chat']],
    [
      "image-tags' json without the services' tags (only the images are needed here)",
      '{"services": [{"image": "reg/ms_core"}, {"service": "chat", "image": "reg/ms_chat"}]}',
      ['ms_core', 'ms_chat'],
    ],
  ])('%s', (_, raw, expected) => {
    expect(parseProjects(raw)).toEqual(expected);
  });

  test.each([
    ['bad JSON', '{"services": [', 'looks like JSON but does not parse'],
    ['an object without services', '{"a": 1}', 'without `services` or `include`'],
    ['an entry without image or name', '{"services": [{"x": 1}]}', 'holds no image or name'],
    ['a name with a bad character', 'ms_core ms$pay', '"ms$pay" is not a valid project name'],
    // image-tags' json is read by core's schema, as push-artifacts and the release steps read it
    [
      "image-tags' json with services that are not a list",
      '{"services": {"core": "reg/ms_core"}}',
      'has `services` that is an object, not a list',
    ],
    [
      "image-tags' json with tags that are not a list",
      '{"services": [{"service": "core", "image": "reg/ms_core", "tags": "reg/ms_core:v1"}]}',
      'services[0] has no `tags` list',
    ],
    [
      "image-tags' json with a tag that is a number",
      '{"tag": 1, "services": [{"image": "reg/ms_core", "tags": []}]}',
      '`tag` is number 1, not a string',
    ],
  ])('%s fails naming the input', (_, raw, problem) => {
    expect(() => parseProjects(raw)).toThrow(problem);
    expect(() => parseProjects(raw)).toThrow(/^Input "projects": /);
  });

  test('projectFromImage', () => {
    expect(projectFromImage('localhost:5000/ms_core:v1')).toBe('ms_core');
    expect(projectFromImage('ms_core')).toBe('ms_core');
  });
});
