import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { fakeClock } from '../src/clock.js';
import { DISPATCH_ROUTE } from '../src/dispatch.js';
import { type FlowConfig, runFlow } from '../src/flow.js';
import type { TargetSpec } from '../src/preflight.js';
import { mainOutputs, outputsJson, summarySections, summaryTable } from '../src/summary.js';
import { parseRepository, parseWorkflowRef } from '../src/target.js';
import { type Handler, httpError, memoryLog, run, scriptedApi } from './helpers.js';

const FILE = `
name: W
run-name: W [\${{ inputs.distinct_id }}]
on: {workflow_dispatch: {inputs: {newVersion: {required: true}, distinct_id: {}}}}
`;

function repoHandlers(name: string, over: Record<string, Handler> = {}): Record<string, Handler> {
  const wf = {
    id: 7,
    name: 'W',
    path: '.github/workflows/w.yml',
    state: 'active',
    html_url: `https://github.com/${name}/actions/workflows/w.yml`,
  };
  return {
    'GET /repos/{owner}/{repo}': () => ({ data: { default_branch: 'main' } }),
    'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}': () => ({ data: wf }),
    'GET /repos/{owner}/{repo}/contents/{path}': () => ({
      data: { type: 'file', encoding: 'base64', content: Buffer.from(FILE).toString('base64') },
    }),
    [DISPATCH_ROUTE]: () => ({
      status: 200,
      data: {
        workflow_run_id: name.length * 1000,
        run_url: `https://api/${name}/runs/1`,
        html_url: `https://github.com/${name}/actions/runs/${name.length * 1000}`,
      },
    }),
    'GET /repos/{owner}/{repo}/actions/runs/{run_id}': (p) => ({
      data: run(p.run_id as number, {
        status: 'completed',
        conclusion: 'success',
        html_url: `https://github.com/${name}/actions/runs/${p.run_id}`,
      }),
    }),
    ...over,
  };
}

function target(label: string, repository: string): TargetSpec {
  return {
    label,
    repository: parseRepository(repository, 'r'),
    workflow: parseWorkflowRef('w.yml', 'w'),
    ref: '',
    inputs: { newVersion: 'v1' },
    sources: {},
    workflowInput: label === 'main' ? 'workflow' : 'extra-dispatches',
  };
}

function config(over: Partial<FlowConfig> = {}): FlowConfig {
  return {
    targets: [target('main', 'example-org/gitops-production'), target('extra 1', 'example-org/terraform-apps-production')],
    wait: 'completed',
    timeoutMs: 600_000,
    pollIntervalMs: 5_000,
    cancelOnAbort: false,
    dryRun: false,
    distinctIdInput: 'distinct_id',
    apiUrl: 'https://api.github.com',
    ...over,
  };
}

function deps(apis: Record<string, ReturnType<typeof scriptedApi>>, signal?: AbortSignal, clock = fakeClock()) {
  let n = 0;
  return {
    apiFor: async (r: { fullName: string }) => apis[r.fullName]!,
    parseYaml: (t: string) => parse(t),
    clock,
    log: memoryLog(),
    newId: () => `id-${++n}`,
    signal,
    retry: { sleep: async () => undefined, log: () => undefined },
  };
}

describe('runFlow: the phases, each in its log group', () => {
  /** deps whose group records its title and where the log lines fell. */
  function grouped(apis: Record<string, ReturnType<typeof scriptedApi>>) {
    const d = deps(apis);
    const events: string[] = [];
    const group = async <T>(title: string, fn: () => Promise<T>): Promise<T> => {
      events.push(`group ${title} (${d.log.lines.length} lines before)`);
      try {
        return await fn();
      } finally {
        events.push('endgroup');
      }
    };
    return { value: { ...d, group }, events };
  }
  const both = () => ({
    'example-org/gitops-production': scriptedApi(repoHandlers('gitops-production')),
    'example-org/terraform-apps-production': scriptedApi(repoHandlers('terraform-apps-production')),
  });

  test.each<[string, Partial<FlowConfig>, string[]]>([
    ['check, dispatch, follow', {}, ['Check the target workflows', 'Dispatch', 'Follow the runs (until completed)']],
    ['wait: started', { wait: 'started' }, ['Check the target workflows', 'Dispatch', 'Follow the runs (until started)']],
    ['wait: none has no follow phase', { wait: 'none' }, ['Check the target workflows', 'Dispatch']],
    [
      'one target',
      { targets: [target('main', 'example-org/gitops-production')] },
      ['Check the target workflow', 'Dispatch', 'Follow the run (until completed)'],
    ],
    ['a dry run', { dryRun: true }, ['Check the target workflows', 'Dry run: the dispatch requests']],
  ])('%s', async (_what, over, phases) => {
    const g = grouped(both());
    const result = await runFlow(config(over), g.value);
    expect(result.failure).toBeUndefined();
    expect(g.events.filter((e) => e.startsWith('group ')).map((e) => e.replace(/^group (.*) \(\d+ lines before\)$/, '$1'))).toEqual(phases);
    expect(g.events.filter((e) => e === 'endgroup')).toHaveLength(phases.length);
    expect(g.events[0]).toBe(`group ${phases[0]} (0 lines before)`); // every line is inside a phase
  });

  test('a failed check closes its group and dispatches nothing', async () => {
    const apis = both();
    apis['example-org/terraform-apps-production'] = scriptedApi(
      repoHandlers('terraform-apps-production', { 'GET /repos/{owner}/{repo}': () => Promise.reject(httpError(404, 'Not Found')) }),
    );
    const g = grouped(apis);
    await expect(runFlow(config(), g.value)).rejects.toThrow('Could not read example-org/terraform-apps-production');
    expect(g.events).toEqual(['group Check the target workflows (0 lines before)', 'endgroup']);
  });

  test('a failed dispatch has no follow phase', async () => {
    const apis = {
      'example-org/gitops-production': scriptedApi(
        repoHandlers('gitops-production', { [DISPATCH_ROUTE]: () => Promise.reject(httpError(422, 'No ref found for: main')) }),
      ),
    };
    const g = grouped(apis);
    const result = await runFlow(config({ targets: [target('main', 'example-org/gitops-production')] }), g.value);
    expect(result.failure).toBeDefined();
    expect(g.events.filter((e) => e.startsWith('group ')).map((e) => e.split(' (')[0])).toEqual([
      'group Check the target workflow',
      'group Dispatch',
    ]);
  });
});

describe('runFlow', () => {
  test('production: main and extra dispatched, both runs named by the dispatch answer, both followed to success', async () => {
    const apis = {
      'example-org/gitops-production': scriptedApi(repoHandlers('gitops-production')),
      'example-org/terraform-apps-production': scriptedApi(repoHandlers('terraform-apps-production')),
    };
    const result = await runFlow(config(), deps(apis));
    expect(result.failure).toBeUndefined();
    expect(result.reports.map((r) => [r.label, r.state, r.runId, r.conclusion, r.foundBy])).toEqual([
      ['main', 'dispatched', 17000, 'success', 'run-details'],
      ['extra 1', 'dispatched', 25000, 'success', 'run-details'],
    ]);
    expect(mainOutputs(result.reports)).toEqual({
      'run-id': '17000',
      'run-url': 'https://github.com/gitops-production/actions/runs/17000',
      conclusion: 'success',
    });
    // Pre-flight (3) + dispatch (1) + one poll: five requests for a run found straight from the dispatch answer.
    expect(apis['example-org/gitops-production'].calls.map((c) => c.route)).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}',
      'GET /repos/{owner}/{repo}/contents/{path}',
      DISPATCH_ROUTE,
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
    ]);
  });

  test('every target is checked before any is dispatched', async () => {
    const apis = {
      'example-org/gitops-production': scriptedApi(repoHandlers('gitops-production')),
      'example-org/terraform-apps-production': scriptedApi(
        repoHandlers('terraform-apps-production', { 'GET /repos/{owner}/{repo}': () => Promise.reject(httpError(404, 'Not Found')) }),
      ),
    };
    await expect(runFlow(config(), deps(apis))).rejects.toThrow('Could not read example-org/terraform-apps-production: HTTP 404 Not Found');
    expect(apis['example-org/gitops-production'].calls.some((c) => c.route === DISPATCH_ROUTE)).toBe(false);
  });

  test('a failing extra dispatch fails the flow, and the failure says which dispatch succeeded', async () => {
    const apis = {
      'example-org/gitops-production': scriptedApi(repoHandlers('gitops-production')),
      'example-org/terraform-apps-production': scriptedApi(
        repoHandlers('terraform-apps-production', {
          [DISPATCH_ROUTE]: () => Promise.reject(httpError(403, 'Resource not accessible by personal access token')),
        }),
      ),
    };
    const result = await runFlow(config(), deps(apis));
    expect(result.reports.map((r) => r.state)).toEqual(['dispatched', 'dispatch-failed']);
    expect(result.reports[0]!.conclusion).toBe('success');
    expect(result.failure!.message).toBe(
      '1 of 2 dispatches did not succeed (main did):\n' +
        '✓ main: "W" in example-org/gitops-production: dispatched, run 17000 success\n' +
        '✗ extra 1: "W" in example-org/terraform-apps-production: dispatch failed — Could not dispatch "W" (.github/workflows/w.yml) in example-org/terraform-apps-production on "main": HTTP 403 Resource not accessible by personal access token',
    );
    const table = summaryTable(result.reports);
    expect(table.rows.map((r) => r[5])).toEqual(['✓ success', expect.stringMatching(/^✗ dispatch failed: Could not dispatch/)]);
  });

  test('after a failed dispatch the next targets are not attempted', async () => {
    const cfg = config({ targets: [target('main', 'o/a'), target('extra 1', 'o/b'), target('extra 2', 'o/c')] });
    const apis = {
      'o/a': scriptedApi(repoHandlers('a', { [DISPATCH_ROUTE]: () => Promise.reject(httpError(422, 'No ref found for: main')) })),
      'o/b': scriptedApi(repoHandlers('b')),
      'o/c': scriptedApi(repoHandlers('c')),
    };
    const result = await runFlow(cfg, deps(apis));
    expect(result.reports.map((r) => r.state)).toEqual(['dispatch-failed', 'not-dispatched', 'not-dispatched']);
    expect(apis['o/b'].calls.some((c) => c.route === DISPATCH_ROUTE)).toBe(false);
    expect(result.failure!.message).toMatch(/^3 of 3 dispatches did not succeed:\n✗ main/);
    expect(result.failure!.message).toMatch(/– extra 2: "W" in o\/c: not dispatched \(an earlier dispatch failed\)/);
  });

  test('a failed run fails with its URL and the failed jobs', async () => {
    const apis = {
      'o/a': scriptedApi(
        repoHandlers('a', {
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}': () => ({
            data: run(1000, { status: 'completed', conclusion: 'failure', html_url: 'https://github.com/o/a/actions/runs/1000' }),
          }),
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs': () => ({
            data: {
              total_count: 1,
              jobs: [
                {
                  name: 'update',
                  conclusion: 'failure',
                  html_url: 'https://github.com/o/a/job/1',
                  steps: [{ name: 'commit', conclusion: 'failure' }],
                },
              ],
            },
          }),
        }),
      ),
    };
    const result = await runFlow(config({ targets: [target('main', 'o/a')] }), deps(apis));
    expect(result.failure!.message).toBe(
      'The run of "W" (.github/workflows/w.yml) in o/a concluded failure: https://github.com/o/a/actions/runs/1000',
    );
    expect(result.failure!.why).toBe('Failed jobs: update (failure; step "commit").');
    expect(summarySections(result.reports, { dryRun: false, stats: { requests: 6, notModified: 0 } })[0]).toBe(
      '**main** failed jobs: [update](https://github.com/o/a/job/1) (commit)',
    );
  });

  test('GHES: falls back to the distinct id in the run name and finds the run', async () => {
    const caps = { calls: 0 };
    const apis = {
      'o/a': scriptedApi(
        repoHandlers('a', {
          [DISPATCH_ROUTE]: (p) =>
            p.return_run_details ? Promise.reject(httpError(400, '"return_run_details" is not a permitted key.')) : { status: 204 },
          'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs': () => {
            caps.calls++;
            return {
              data: {
                total_count: 1,
                workflow_runs:
                  caps.calls < 2
                    ? []
                    : [run(555, { display_title: `W [id-2]`, created_at: new Date(Date.parse('2026-03-01T12:00:00Z')).toISOString() })],
              },
              headers: {},
            };
          },
        }),
      ),
    };
    const result = await runFlow(config({ targets: [target('main', 'o/a')] }), deps(apis));
    expect(result.failure).toBeUndefined();
    expect(result.reports[0]).toMatchObject({ runId: 555, foundBy: 'run-name', distinctId: 'id-2', conclusion: 'success' });
  });

  test('wait: none stops after the dispatch', async () => {
    const apis = { 'o/a': scriptedApi(repoHandlers('a')) };
    const result = await runFlow(config({ targets: [target('main', 'o/a')], wait: 'none' }), deps(apis));
    expect(result.reports[0]).toMatchObject({ state: 'dispatched', runId: 1000 });
    expect(apis['o/a'].calls.at(-1)!.route).toBe(DISPATCH_ROUTE);
  });

  test('dry run: checks everything, sends nothing, shows the request', async () => {
    const apis = { 'o/a': scriptedApi(repoHandlers('a')) };
    const result = await runFlow(config({ targets: [target('main', 'o/a')], dryRun: true }), deps(apis));
    expect(apis['o/a'].calls.map((c) => c.route)).not.toContain(DISPATCH_ROUTE);
    expect(result.reports[0]!.request).toEqual({
      method: 'POST',
      url: 'https://api.github.com/repos/o/a/actions/workflows/7/dispatches',
      body: { ref: 'main', inputs: { newVersion: 'v1', distinct_id: '<distinct id>' }, return_run_details: true },
    });
    expect(outputsJson(result.reports, { dryRun: true, stats: { requests: 3, notModified: 0 } })).toMatchObject({
      'run-id': '',
      'dry-run': true,
      dispatches: [{ state: 'would-dispatch' }],
    });
  });

  test.each([
    [false, undefined, 'The remote run was left running (`cancel-on-abort: false`).'],
    [true, 'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel', 'The remote run was cancelled (`cancel-on-abort: true`).'],
  ])('timeout with cancel-on-abort %s', async (cancelOnAbort, cancelRoute, why) => {
    const apis = {
      'o/a': scriptedApi(
        repoHandlers('a', {
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}': () => ({ data: run(1000, { status: 'in_progress' }) }),
          'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel': () => ({ status: 202, data: {} }),
        }),
      ),
    };
    const result = await runFlow(config({ targets: [target('main', 'o/a')], timeoutMs: 60_000, cancelOnAbort }), deps(apis));
    expect(result.failure!.message).toBe(
      'Run 1000 of "W" (.github/workflows/w.yml) in o/a did not complete within 1m (last status: in_progress)',
    );
    expect(result.failure!.why).toBe(why);
    expect(apis['o/a'].calls.at(-1)!.route).toBe(cancelRoute ?? 'GET /repos/{owner}/{repo}/actions/runs/{run_id}');
    expect(result.reports[0]!.cancelled ?? false).toBe(cancelOnAbort);
  });

  test('the step cancelled (signal) with cancel-on-abort: the remote run is cancelled too', async () => {
    const controller = new AbortController();
    const apis = {
      'o/a': scriptedApi(
        repoHandlers('a', {
          'GET /repos/{owner}/{repo}/actions/runs/{run_id}': () => {
            controller.abort();
            return { data: run(1000, { status: 'in_progress' }) };
          },
          'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel': () => ({ status: 202, data: {} }),
        }),
      ),
    };
    const result = await runFlow(config({ targets: [target('main', 'o/a')], cancelOnAbort: true }), deps(apis, controller.signal));
    expect(result.failure!.message).toBe('The step was cancelled while waiting for run 1000 of "W" (.github/workflows/w.yml) in o/a');
    expect(result.reports[0]!.cancelled).toBe(true);
  });
});
