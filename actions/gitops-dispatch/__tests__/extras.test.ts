import { describe, expect, test } from '@jest/globals';
import { extrasFor, parseExtraDispatches } from '../src/extras.js';

const tv = { owner: 'example-org', environment: 'production', repo: 'sample-service' };

describe('parseExtraDispatches', () => {
  test("the guide's production API gateway dispatch", () => {
    const [e] = parseExtraDispatches([{ repository: 'example-org/terraform-apps-production', workflow: 'Update API Gateway Routes' }], tv);
    expect(e).toMatchObject({
      index: 1,
      repository: { fullName: 'example-org/terraform-apps-production' },
      workflow: { kind: 'name', name: 'Update API Gateway Routes' },
      ref: '',
      inputs: {},
      environments: [],
    });
  });

  test('templated repository, ref, inputs stringified, environments', () => {
    const [e] = parseExtraDispatches(
      {
        repository: '{owner}/terraform-apps-{environment}',
        workflow: 'routes.yml',
        ref: 'main',
        inputs: { version: 'v1', apply: true, count: 2 },
        environments: 'production, staging',
      },
      tv,
    );
    expect(e).toMatchObject({
      repository: { fullName: 'example-org/terraform-apps-production' },
      workflow: { kind: 'file', file: 'routes.yml' },
      ref: 'main',
      inputs: { version: 'v1', apply: 'true', count: '2' },
      environments: ['production', 'staging'],
    });
  });

  test('empty is none', () => {
    expect(parseExtraDispatches(undefined, tv)).toEqual([]);
    expect(parseExtraDispatches('', tv)).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    ['not a mapping', ['x'], 'entry 1 is not a mapping'],
    ['no repository', [{ workflow: 'w' }], 'entry 1 has no `repository`'],
    ['no workflow', [{ repository: 'o/r' }], 'entry 1 has no `workflow`'],
    [
      'unknown key',
      [{ repository: 'o/r', workflow: 'w', wait: 'none' }],
      'entry 1 has unknown key "wait"; expected only repository, workflow, ref, inputs, environments',
    ],
    ['bad repository', [{ repository: 'nope', workflow: 'w' }], 'is not an `owner/name` repository'],
    ['nested input', [{ repository: 'o/r', workflow: 'w', inputs: { a: { b: 1 } } }], 'the value of "a" is a map'],
    ['inputs not a map', [{ repository: 'o/r', workflow: 'w', inputs: 'a=1' }], 'the `inputs` of entry 1 is not a mapping'],
    ['second entry', [{ repository: 'o/r', workflow: 'w' }, {}], 'entry 2 has no `repository`'],
    // `extra-dispatches: repository=o/other` (issue 20, item 13): YAML reads one string.
    [
      'a key=value line',
      'repository=o/other',
      'entry 1 is a `key=value` line, which this input does not take (it is a list of YAML mappings: `key: value`); expected a YAML or JSON list of mappings `{repository, workflow, ref?, inputs?, environments?}`, e.g. `- repository: example-org/terraform-apps-production`',
    ],
    ['key=value lines in a list', ['repository=o/other workflow=w'], 'entry 1 is a `key=value` line'],
  ])('%s', (_, value, problem) => {
    expect(() => parseExtraDispatches(value, tv)).toThrow(problem);
    expect(() => parseExtraDispatches(value, tv)).toThrow(/^Input "extra-dispatches": /);
  });
});

test('extrasFor filters by environment', () => {
  const extras = parseExtraDispatches(
    [
      { repository: 'o/a', workflow: 'w' },
      { repository: 'o/b', workflow: 'w', environments: ['production'] },
    ],
    tv,
  );
  expect(extrasFor(extras, 'production').map((e) => e.repository.repo)).toEqual(['a', 'b']);
  expect(extrasFor(extras, 'staging').map((e) => e.repository.repo)).toEqual(['a']);
  expect(extrasFor(extras, '').map((e) => e.repository.repo)).toEqual(['a']);
});
