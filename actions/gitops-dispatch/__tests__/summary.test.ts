import { describe, expect, test } from '@jest/globals';
import { ActionError } from '@deploy-kit/core';
import type { TargetReport } from '../src/flow.js';
import { mainOutputs, outputsJson, reportJson, stepSummary, summarySections, summaryTable } from '../src/summary.js';

const base: TargetReport = {
  label: 'main',
  repository: 'example-org/gitops-staging',
  workflow: { id: 7, name: 'Update Project List Version', path: '.github/workflows/update.yml', html_url: 'x' },
  ref: 'main',
  inputs: { newVersion: 'v1' },
  state: 'dispatched',
  runId: 42,
  runUrl: 'https://github.com/example-org/gitops-staging/actions/runs/42',
  status: 'completed',
  conclusion: 'success',
  foundBy: 'run-name',
};

test.each<[string, Partial<TargetReport>, string]>([
  ['success', {}, '✓ success'],
  ['skipped passes with a mark', { conclusion: 'skipped' }, '⚠ skipped'],
  ['a failed run', { conclusion: 'failure', error: new ActionError('The run … concluded failure') }, '✗ failure'],
  [
    'a timeout with the remote run cancelled',
    { conclusion: undefined, status: 'in_progress', cancelled: true, error: new ActionError('Run 42 did not complete within 1m\nWhy: …') },
    '✗ Run 42 did not complete within 1m (remote run cancelled)',
  ],
  ['started only', { conclusion: undefined, status: 'in_progress' }, '✓ dispatched (in_progress)'],
  ['not dispatched', { state: 'not-dispatched', runId: undefined, runUrl: undefined, conclusion: undefined }, '– not dispatched'],
  ['dry run', { state: 'would-dispatch', runId: undefined, runUrl: undefined, conclusion: undefined }, 'dry run: not dispatched'],
])('result cell: %s', (_, over, cell) => {
  expect(summaryTable([{ ...base, ...over }]).rows[0]![5]).toBe(cell);
});

test('the row: linked run, file name, how it was found', () => {
  expect(summaryTable([base]).rows[0]).toEqual([
    'main',
    'example-org/gitops-staging',
    'Update Project List Version (update.yml)',
    'main',
    '[42](https://github.com/example-org/gitops-staging/actions/runs/42)',
    '✓ success',
    'distinct id (run name)',
  ]);
});

test('outputs describe the main dispatch; json holds all of them without Error objects', () => {
  const extra: TargetReport = { ...base, label: 'extra 1', runId: 43, error: new ActionError('boom\nWhy: x'), conclusion: 'failure' };
  expect(mainOutputs([base, extra])).toEqual({ 'run-id': '42', 'run-url': base.runUrl, conclusion: 'success' });
  expect(mainOutputs([])).toEqual({ 'run-id': '', 'run-url': '', conclusion: '' });
  const json = outputsJson([base, extra], { dryRun: false, stats: { requests: 9, notModified: 4 } });
  expect(json).toMatchObject({ 'run-id': '42', 'dry-run': false, requests: { total: 9, 'not-modified': 4 } });
  expect(reportJson(extra).error).toBe('boom\nWhy: x');
  expect(JSON.parse(JSON.stringify(json))).toEqual(json);
});

test('sections: the request in a dry run, and the request count', () => {
  const dry: TargetReport = {
    ...base,
    state: 'would-dispatch',
    request: { method: 'POST', url: 'https://api.github.com/repos/o/r/actions/workflows/7/dispatches', body: { ref: 'main' } },
  };
  const sections = summarySections([dry], { dryRun: true, stats: { requests: 3, notModified: 0 } });
  expect(sections[0]).toBe(
    '**main** would send `POST https://api.github.com/repos/o/r/actions/workflows/7/dispatches`:\n\n```json\n{\n  "ref": "main"\n}\n```',
  );
  expect(sections.at(-1)).toBe('3 GitHub API request(s), 0 answered 304 Not Modified (free of rate limit).');
});

describe('stepSummary', () => {
  test('the failure first, then the details; the title says a dry run', () => {
    const stats = { requests: 3, notModified: 0 };
    const ok = stepSummary([], undefined, { dryRun: true, stats });
    expect(ok.title).toBe('gitops-dispatch (dry run)');
    expect(ok.sections?.some((s) => s.startsWith('**Failed:**'))).toBe(false);
    const failed = stepSummary([], new Error('one\ntwo'), { dryRun: false, stats });
    expect(failed.title).toBe('gitops-dispatch');
    expect(failed.sections?.[0]).toBe('**Failed:** one  \ntwo');
  });
});
