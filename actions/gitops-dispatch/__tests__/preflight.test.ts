import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import type { Handler } from './helpers.js';
import { httpError, memoryLog, scriptedApi } from './helpers.js';
import { type TargetSpec, preflight } from '../src/preflight.js';
import { parseRepository, parseWorkflowRef } from '../src/target.js';

const WORKFLOW_FILE = `
name: Update Project List Version
run-name: Update \${{ inputs.newVersion }} [\${{ inputs.distinct_id }}]
on:
  workflow_dispatch:
    inputs:
      newVersion: { required: true }
      projectNames: { required: true }
      updatesRoutes: { type: boolean, default: false }
      distinct_id: {}
`;
const UPDATE = {
  id: 77,
  name: 'Update Project List Version',
  path: '.github/workflows/update.yml',
  state: 'active',
  html_url: 'https://github.com/x',
};
const OTHER = { id: 78, name: 'CI', path: '.github/workflows/ci.yml', state: 'active', html_url: 'https://github.com/y' };

function handlers(over: Record<string, Handler> = {}, file = WORKFLOW_FILE): Record<string, Handler> {
  return {
    'GET /repos/{owner}/{repo}': () => ({
      data: { full_name: 'example-org/gitops-staging', default_branch: 'main', permissions: { push: true } },
    }),
    'GET /repos/{owner}/{repo}/actions/workflows': () => ({ data: { total_count: 2, workflows: [UPDATE, OTHER] } }),
    'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}': (p) =>
      p.workflow_id === 77 || p.workflow_id === 'update.yml' ? { data: UPDATE } : Promise.reject(httpError(404, 'Not Found')),
    'GET /repos/{owner}/{repo}/contents/{path}': () => ({
      data: { type: 'file', encoding: 'base64', content: Buffer.from(file).toString('base64') },
    }),
    'GET /repos/{owner}/{repo}/git/ref/{ref}': () => Promise.reject(httpError(404, 'Not Found')),
    ...over,
  };
}

function target(
  workflow = 'Update Project List Version',
  inputs: Record<string, string> = { newVersion: 'v1.2.3', projectNames: 'ms_core' },
  ref = '',
): TargetSpec {
  return {
    label: 'main',
    repository: parseRepository('example-org/gitops-staging', 'repository'),
    workflow: parseWorkflowRef(workflow, 'workflow'),
    ref,
    inputs,
    sources: { newVersion: 'tag', projectNames: 'projects' },
    workflowInput: 'workflow',
  };
}

const deps = () => ({ parseYaml: (t: string) => parse(t), distinctIdInput: 'distinct_id', log: memoryLog() });

describe('preflight', () => {
  test.each([
    ['by name', 'Update Project List Version', 'GET /repos/{owner}/{repo}/actions/workflows'],
    ['by file', 'update.yml', 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}'],
    ['by id', '77', 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}'],
  ])('resolves a workflow %s, reads its file on the default branch, checks the inputs', async (_, workflow, route) => {
    const api = scriptedApi(handlers());
    const r = await preflight(api, target(workflow), deps());
    expect(r.workflow.id).toBe(77);
    expect(r.ref).toBe('main');
    expect(r.distinctId).toEqual({ input: 'distinct_id', placement: 'run-name' });
    expect(api.calls.map((c) => c.route)).toEqual(['GET /repos/{owner}/{repo}', route, 'GET /repos/{owner}/{repo}/contents/{path}']);
    expect(api.calls[2]!.params).toEqual({
      owner: 'example-org',
      repo: 'gitops-staging',
      path: '.github/workflows/update.yml',
      ref: 'main',
    });
  });

  test('workflow name not found: lists the workflows that exist, with a case hint', async () => {
    const error = await preflight(scriptedApi(handlers()), target('update project list version'), deps()).catch((e) => e);
    expect(error.message).toBe(
      'The workflow "update project list version" was not found in example-org/gitops-staging (did you mean "Update Project List Version"? names are case-sensitive)',
    );
    expect(error.why).toBe(
      'example-org/gitops-staging has no such workflow; its workflows are: "Update Project List Version" (update.yml, id 77), "CI" (ci.yml, id 78).',
    );
  });

  test('workflow file not found (404): lists the workflows too', async () => {
    const error = await preflight(scriptedApi(handlers()), target('deploy.yml'), deps()).catch((e) => e);
    expect(error.message).toBe('The workflow file deploy.yml was not found in example-org/gitops-staging');
    expect(error.why).toMatch(/"Update Project List Version" \(update.yml, id 77\)/);
  });

  test('two workflows with the same name: ambiguous, name the file instead', async () => {
    const api = scriptedApi(
      handlers({
        'GET /repos/{owner}/{repo}/actions/workflows': () => ({
          data: { total_count: 2, workflows: [UPDATE, { ...OTHER, name: UPDATE.name }] },
        }),
      }),
    );
    await expect(preflight(api, target(), deps())).rejects.toThrow(
      '2 workflows in example-org/gitops-staging are named "Update Project List Version"',
    );
  });

  test('a disabled workflow', async () => {
    const api = scriptedApi(
      handlers({
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}': () => ({ data: { ...UPDATE, state: 'disabled_manually' } }),
      }),
    );
    const error = await preflight(api, target('update.yml'), deps()).catch((e) => e);
    expect(error.message).toBe(
      'The workflow "Update Project List Version" (.github/workflows/update.yml) in example-org/gitops-staging is disabled manually',
    );
    expect(error.check[0]).toMatch(/gh workflow enable 77 -R example-org\/gitops-staging/);
  });

  test('no workflow_dispatch trigger', async () => {
    const api = scriptedApi(handlers({}, 'on: {push: {branches: [main]}}'));
    const error = await preflight(api, target('update.yml', {}), deps()).catch((e) => e);
    expect(error.message).toBe(
      'The workflow "Update Project List Version" (.github/workflows/update.yml) in example-org/gitops-staging has no workflow_dispatch trigger on "main"',
    );
    expect(error.why).toMatch(/Its `on:` lists `push`/);
  });

  test('input mismatch: unknown input, clear message before any dispatch', async () => {
    const error = await preflight(
      scriptedApi(handlers()),
      target('update.yml', { newVersion: 'v1', projectNames: 'x', updateRoutes: 'true' }),
      deps(),
    ).catch((e) => e);
    expect(error.message).toMatch(
      /^Input "inputs": the workflow "Update Project List Version" .* declares no input "updateRoutes"; expected one of its declared inputs: `newVersion`, `projectNames`, `updatesRoutes`, `distinct_id`/,
    );
  });

  test('the distinct id set by hand is refused', async () => {
    await expect(
      preflight(scriptedApi(handlers()), target('update.yml', { newVersion: 'v1', projectNames: 'x', distinct_id: 'mine' }), deps()),
    ).rejects.toThrow('The input "distinct_id" is set by the action itself');
  });

  test('a ref that does not exist: looked up as branch and tag, then explained', async () => {
    const api = scriptedApi(handlers({ 'GET /repos/{owner}/{repo}/contents/{path}': () => Promise.reject(httpError(404, 'Not Found')) }));
    const error = await preflight(api, target('update.yml', undefined, 'nope'), deps()).catch((e) => e);
    expect(error.message).toBe('The ref "nope" does not exist in example-org/gitops-staging');
    expect(api.calls.filter((c) => c.route.includes('git/ref')).map((c) => c.params.ref)).toEqual(['heads/nope', 'tags/nope']);
  });

  test('a ref that exists but lacks the file', async () => {
    const api = scriptedApi(
      handlers({
        'GET /repos/{owner}/{repo}/contents/{path}': () => Promise.reject(httpError(404, 'Not Found')),
        'GET /repos/{owner}/{repo}/git/ref/{ref}': () => ({ data: {} }),
      }),
    );
    await expect(preflight(api, target('update.yml', undefined, 'old'), deps())).rejects.toThrow(
      'The workflow file .github/workflows/update.yml does not exist on "old" in example-org/gitops-staging',
    );
  });

  test('no Contents permission (403 on the file): a warning, inputs unchecked, time window later', async () => {
    const d = deps();
    const api = scriptedApi(
      handlers({
        'GET /repos/{owner}/{repo}/contents/{path}': () =>
          Promise.reject(httpError(403, 'Resource not accessible by personal access token')),
      }),
    );
    const r = await preflight(api, target('update.yml', { anything: 'x' }), d);
    expect(r.file).toBeUndefined();
    expect(r.distinctId).toBeUndefined();
    expect(d.log.warnings[0]).toMatch(/lacks "Contents: Read"/);
  });

  test('invalid YAML in the workflow file', async () => {
    await expect(preflight(scriptedApi(handlers({}, 'on: [unclosed')), target('update.yml'), deps())).rejects.toThrow(
      'The workflow file .github/workflows/update.yml on "main" in example-org/gitops-staging is not valid YAML',
    );
  });

  test.each<[string, number, string, RegExp]>([
    ['401', 401, 'Bad credentials', /token: it is invalid, expired or revoked/],
    ['403', 403, 'Resource not accessible by integration', /lacks a permission/],
    ['404', 404, 'Not Found', /does not exist, or the token cannot see it/],
  ])('repository %s is explained', async (_, status, message, why) => {
    const api = scriptedApi(handlers({ 'GET /repos/{owner}/{repo}': () => Promise.reject(httpError(status, message)) }));
    const error = await preflight(api, target(), deps()).catch((e) => e);
    expect(error.message).toBe(`Could not read example-org/gitops-staging: HTTP ${status} ${message}`);
    expect(error.why).toMatch(why);
    expect(error.check.length).toBeGreaterThan(0);
  });

  test('read-only access and a classic token without `repo` are refused before dispatching', async () => {
    const ro = scriptedApi(
      handlers({ 'GET /repos/{owner}/{repo}': () => ({ data: { default_branch: 'main', permissions: { push: false, pull: true } } }) }),
    );
    await expect(preflight(ro, target(), deps())).rejects.toThrow('The token can read example-org/gitops-staging but not write to it');
    const classic = scriptedApi(
      handlers({
        'GET /repos/{owner}/{repo}': () => ({ data: { default_branch: 'main' }, headers: { 'x-oauth-scopes': 'read:org, workflow' } }),
      }),
    );
    const error = await preflight(classic, target(), deps()).catch((e) => e);
    expect(error.message).toBe('The classic personal access token lacks the `repo` scope');
    expect(error.why).toMatch(/It has `read:org`, `workflow`/);
  });

  test('GitHub Enterprise Server 3.17 accepts at most 10 inputs (its OpenAPI description), the distinct id included', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `i${i}`);
    const file = `on: {workflow_dispatch: {inputs: {${names.map((k) => `${k}: {}`).join(', ')}, distinct_id: {}}}}\nrun-name: x \${{ inputs.distinct_id }}`;
    const inputs = (n: number) => Object.fromEntries(names.slice(0, n).map((k) => [k, 'x']));
    const ghes = scriptedApi(handlers({}, file), { enterpriseVersion: '3.17.2' });
    await expect(preflight(ghes, { ...target('update.yml', inputs(9)), sources: {} }, deps())).resolves.toBeDefined();
    await expect(preflight(ghes, { ...target('update.yml', inputs(10)), sources: {} }, deps())).rejects.toThrow(
      /^Input "inputs": gives 11 workflow inputs, but counting the distinct id input "distinct_id", GitHub Enterprise Server 3.17.2 accepts at most 10/,
    );
    // github.com takes 25.
    await expect(
      preflight(scriptedApi(handlers({}, file)), { ...target('update.yml', inputs(10)), sources: {} }, deps()),
    ).resolves.toBeDefined();
  });
});
