import { describe, expect, test } from '@jest/globals';
import { ActionError, InputError } from '@deploy-kit/core';
import { parse } from 'yaml';
import { checkDeclaredInputs, distinctIdPlacement, inputProblemsError, readWorkflowFile, referencesInput } from '../src/workflow-file.js';

const GITOPS = `
name: Update Project List Version
run-name: Update \${{ inputs.projectNames }} to \${{ inputs.newVersion }} [\${{ inputs.distinct_id || 'manual' }}]
on:
  workflow_dispatch:
    inputs:
      newVersion: { description: Git tag version, required: true }
      projectNames: { description: Space-separated MS names, required: true }
      updatesRoutes: { type: boolean, default: false }
      strategy: { type: choice, options: [rolling, recreate], default: rolling }
      replicas: { type: number, required: false }
      distinct_id: { required: false }
  push:
    branches: [main]
jobs:
  update:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Bump \${{ inputs.projectNames }}
        run: ./bump.sh
`;

const file = readWorkflowFile(parse(GITOPS), '.github/workflows/update.yml', 'example-org/gitops-staging@main');
const label = 'the workflow "Update Project List Version"';

describe('readWorkflowFile', () => {
  test('triggers, inputs, run-name and names', () => {
    expect(file.dispatchable).toBe(true);
    expect(file.triggers).toEqual(['workflow_dispatch', 'push']);
    expect(file.name).toBe('Update Project List Version');
    expect(file.inputs.map((i) => [i.name, i.type, i.required, i.default])).toEqual([
      ['newVersion', 'string', true, undefined],
      ['projectNames', 'string', true, undefined],
      ['updatesRoutes', 'boolean', false, 'false'],
      ['strategy', 'choice', false, 'rolling'],
      ['replicas', 'number', false, undefined],
      ['distinct_id', 'string', false, undefined],
    ]);
    expect(file.inputs.find((i) => i.name === 'strategy')!.options).toEqual(['rolling', 'recreate']);
    expect(file.jobAndStepNames).toEqual(['Bump ${{ inputs.projectNames }}']);
  });

  test.each([
    ['on: workflow_dispatch', true, ['workflow_dispatch']],
    ['on: [push, workflow_dispatch]', true, ['push', 'workflow_dispatch']],
    ['on: {workflow_dispatch: null}', true, ['workflow_dispatch']],
    ['on: push', false, ['push']],
    ['on: {push: {branches: [main]}}', false, ['push']],
    ['name: x', false, []],
  ])('%s', (yaml, dispatchable, triggers) => {
    const f = readWorkflowFile(parse(yaml), 'w.yml', 'o/r@main');
    expect(f.dispatchable).toBe(dispatchable);
    expect(f.triggers).toEqual(triggers);
    expect(f.inputs).toEqual([]);
  });

  test('a YAML 1.1 reading of `on` as true is accepted', () => {
    expect(readWorkflowFile({ true: ['workflow_dispatch'] }, 'w.yml', 'o/r').dispatchable).toBe(true);
  });

  test('not a mapping', () => {
    expect(() => readWorkflowFile('just a string', 'w.yml', 'o/r@main')).toThrow(
      'The workflow file w.yml in o/r@main is not a YAML mapping',
    );
  });
});

describe('distinct id', () => {
  test.each([
    ['${{ inputs.distinct_id }}', true],
    ["Deploy [${{ inputs.distinct_id || 'N/A' }}]", true],
    ['${{ github.event.inputs.distinct_id }}', true],
    ["${{ inputs['distinct_id'] }}", true],
    ['${{ inputs.distinct_id_other }}', false],
    ['${{ inputs.other }} distinct_id', false],
    ['inputs.distinct_id (not an expression)', false],
    ['${{ xinputs.distinct_id }}', false],
  ])('referencesInput(%j)', (text, expected) => {
    expect(referencesInput(text, 'distinct_id')).toBe(expected);
  });

  test('placement: run-name, step name, unused, undeclared', () => {
    expect(distinctIdPlacement(file, 'distinct_id')).toBe('run-name');
    const steps = readWorkflowFile(
      parse('on: {workflow_dispatch: {inputs: {distinct_id: {}}}}\njobs: {a: {steps: [{name: "echo ${{ inputs.distinct_id }}"}]}}'),
      'w',
      'r',
    );
    expect(distinctIdPlacement(steps, 'distinct_id')).toBe('job-or-step-name');
    const job = readWorkflowFile(
      parse('on: {workflow_dispatch: {inputs: {id: {}}}}\njobs: {a: {name: "deploy ${{ inputs.id }}"}}'),
      'w',
      'r',
    );
    expect(distinctIdPlacement(job, 'id')).toBe('job-or-step-name');
    const unused = readWorkflowFile(parse('on: {workflow_dispatch: {inputs: {distinct_id: {}}}}'), 'w', 'r');
    expect(distinctIdPlacement(unused, 'distinct_id')).toBe('unused');
    expect(distinctIdPlacement(unused, 'other')).toBe('undeclared');
  });
});

describe('checkDeclaredInputs', () => {
  const sources = { newVersion: 'tag', projectNames: 'projects', updatesRoutes: 'update-routes' };
  const ok = { newVersion: 'v1.2.3', projectNames: 'ms_core ms_payments' };

  test('valid inputs pass; booleans are normalised', () => {
    const r = checkDeclaredInputs(file, { ...ok, updatesRoutes: 'TRUE', strategy: 'recreate', replicas: '3' }, sources, label);
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({ ...ok, updatesRoutes: 'true', strategy: 'recreate', replicas: '3' });
  });

  test.each<[string, Record<string, string>, string, RegExp]>([
    [
      'unknown input',
      { ...ok, newVerison: 'x' },
      'inputs',
      /declares no input "newVerison"; expected one of its declared inputs: `newVersion`, `projectNames`/,
    ],
    ['case mismatch', { ...ok, newversion: 'x' }, 'inputs', /did you mean "newVersion"\? names are case-sensitive/],
    [
      'non-boolean',
      { ...ok, updatesRoutes: 'yes' },
      'update-routes',
      /the workflow input "updatesRoutes" is a boolean; expected `true` or `false`. Got: yes/,
    ],
    [
      'not a choice',
      { ...ok, strategy: 'Rolling' },
      'inputs',
      /"Rolling" is not one of the choices of the workflow input "strategy" \(did you mean "rolling"\?\); expected one of `rolling`, `recreate`/,
    ],
    ['not a number', { ...ok, replicas: 'three' }, 'inputs', /"replicas" is a number/],
    [
      'missing required',
      { newVersion: 'v1' },
      'inputs',
      /requires the input "projectNames" \(Space-separated MS names\), and it has no default/,
    ],
  ])('%s', (_, values, source, message) => {
    const r = checkDeclaredInputs(file, values, sources, label);
    expect(r.problems).toHaveLength(1);
    const error = inputProblemsError(r.problems, label);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message.startsWith(`Input "${source}": `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  test('several problems become one error listing all', () => {
    const r = checkDeclaredInputs(file, { newVersion: 'v1', bogus: 'x', updatesRoutes: 'maybe' }, sources, label);
    expect(r.problems).toHaveLength(3);
    const error = inputProblemsError(r.problems, label);
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(
      /^The inputs do not match what the workflow "Update Project List Version" declares \(3 problems\):\n- Input "inputs": .*bogus/,
    );
    expect(error.why).toMatch(/422/);
  });

  test('a workflow with no inputs refuses any', () => {
    const bare = readWorkflowFile(parse('on: workflow_dispatch'), 'w.yml', 'r');
    const r = checkDeclaredInputs(bare, { newVersion: 'v1' }, sources, label);
    expect(r.problems[0]).toMatchObject({ source: 'tag', expected: 'no inputs at all (the workflow declares none)' });
  });
});
