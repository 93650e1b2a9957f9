/**
 * parse-version's orchestration through its injected deps: getInputs (inputs and the run's context
 * into the resolve options, refused before anything is written) and runParseVersion (the phase in its
 * log group, the log line, the notice, the outputs and the summary, in that order; nothing written
 * when the ref is refused).
 */
import { describe, expect, test } from '@jest/globals';
import { InputError, parseEnvironmentRules, renderSummary, type StepSummary } from '@deploy-kit/core';

import { getInputs, type ParseVersionConfig } from '../src/config.js';
import { runParseVersion, type FlowDeps, type ParseVersionOutputs } from '../src/flow.js';
import { inputs } from '../src/io.js';

const SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
/** The inputs as the runner gives them: the declared default where the workflow gives none. */
const reader = (values: Record<string, string>) => (name: string) =>
  (values[name] ?? (inputs as Record<string, { default?: string }>)[name]?.default ?? '').trim();

describe('getInputs', () => {
  test('the defaults and the run context', async () => {
    const config = await getInputs(reader({}), { GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: SHA });
    expect(config).toEqual({
      ref: 'refs/tags/v1.2.3',
      sha: SHA,
      tagPrefix: 'v',
      rules: parseEnvironmentRules({ alpha: 'development', beta: 'development', rc: 'staging', release: 'production' }),
      branchRules: [],
      strict: true,
      prNumber: undefined,
    });
  });

  test('the ref input wins over GITHUB_REF; an empty tag-prefix stays empty; branch rules and strict are read', async () => {
    const config = await getInputs(
      reader({ ref: 'refs/heads/main', 'tag-prefix': '', 'branch-environments': 'main=dev', strict: 'false' }),
      { GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: SHA },
    );
    expect(config).toMatchObject({
      ref: 'refs/heads/main',
      tagPrefix: '',
      branchRules: [{ pattern: 'main', environment: 'dev' }],
      strict: false,
    });
  });

  test.each<[string, Record<string, string>, string]>([
    ['a bad boolean', { strict: 'maybe' }, 'Input "strict"'],
    ['a bad channel name', { environments: 'rc_1=staging' }, 'Input "environments"'],
    ['a bad branch pattern', { 'branch-environments': 'feat?=dev' }, 'Input "branch-environments"'],
  ])('refuses %s before anything runs', async (_what, values, message) => {
    const error = await getInputs(reader(values), { GITHUB_REF: 'refs/tags/v1.2.3', GITHUB_SHA: SHA }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });
});

function deps() {
  const events: string[] = [];
  const outputs: ParseVersionOutputs[] = [];
  const summaries: StepSummary[] = [];
  const value: FlowDeps = {
    group: async (title, fn) => {
      events.push(`group ${title}`);
      try {
        return await fn();
      } finally {
        events.push('endgroup');
      }
    },
    info: (line) => void events.push(`info ${line}`),
    notice: (line) => void events.push(`notice ${line}`),
    writeOutputs: (values) => {
      events.push('outputs');
      outputs.push(values);
    },
    writeSummary: (summary) => {
      events.push('summary');
      summaries.push(summary);
    },
  };
  return { value, events, outputs, summaries };
}

const config = async (ref: string, values: Record<string, string> = {}): Promise<ParseVersionConfig> =>
  getInputs(reader({ ref, ...values }), { GITHUB_SHA: SHA });

describe('runParseVersion', () => {
  test.each<[string, string, Record<string, string>, string[], Partial<ParseVersionOutputs>, string]>([
    [
      'an rc tag',
      'refs/tags/v1.2.3-rc.1',
      {},
      [
        'group Resolve refs/tags/v1.2.3-rc.1',
        'info tag v1.2.3-rc.1 → version 1.2.3-rc.1, channel rc, environment staging',
        'endgroup',
        'outputs',
        'summary',
      ],
      { tag: 'v1.2.3-rc.1', version: '1.2.3-rc.1', channel: 'rc', environment: 'staging', 'is-production': false, 'ref-type': 'tag' },
      '| refs/tags/v1.2.3-rc.1 | 1.2.3-rc.1 | rc | staging | no |',
    ],
    [
      'a release tag',
      'refs/tags/v2.0.0',
      {},
      [
        'group Resolve refs/tags/v2.0.0',
        'info tag v2.0.0 → version 2.0.0, channel release, environment production',
        'endgroup',
        'outputs',
        'summary',
      ],
      { tag: 'v2.0.0', major: '2', channel: 'release', environment: 'production', 'is-production': true },
      '| refs/tags/v2.0.0 | 2.0.0 | release | production | yes |',
    ],
    [
      'a branch with no rule: a notice, no environment',
      'refs/heads/main',
      {},
      [
        'group Resolve refs/heads/main',
        `info branch main → version main-${SHA.slice(0, 7)}, channel branch, environment (none)`,
        'notice No environment for refs/heads/main: no rule in "branch-environments" matches it.',
        'endgroup',
        'outputs',
        'summary',
      ],
      { environment: '', channel: 'branch', 'ref-type': 'branch' },
      `| refs/heads/main | main-${SHA.slice(0, 7)} | branch | — | no |`,
    ],
    [
      'an unknown channel, not strict: a notice naming "environments"',
      'refs/tags/v1.0.0-preview.1',
      { strict: 'false' },
      [
        'group Resolve refs/tags/v1.0.0-preview.1',
        'info tag v1.0.0-preview.1 → version 1.0.0-preview.1, channel preview, environment (none)',
        'notice No environment for refs/tags/v1.0.0-preview.1: no rule in "environments" matches it.',
        'endgroup',
        'outputs',
        'summary',
      ],
      { channel: 'preview', environment: '' },
      '| refs/tags/v1.0.0-preview.1 | 1.0.0-preview.1 | preview | — | no |',
    ],
  ])('%s', async (_what, ref, values, events, outputs, row) => {
    const d = deps();
    await runParseVersion(await config(ref, values), d.value);
    expect(d.events).toEqual(events);
    expect(d.outputs[0]).toMatchObject(outputs);
    expect(renderSummary(d.summaries[0]!)).toBe(
      `### parse-version\n\n| ref | version | channel | environment | production |\n| --- | --- | --- | --- | --- |\n${row}\n`,
    );
  });

  test.each<[string, string, Record<string, string>, string]>([
    ['a tag that is not a release (strict)', 'refs/tags/v1.2', {}, 'v1.2'],
    ['an unknown channel (strict)', 'refs/tags/v1.0.0-preview.1', {}, 'preview'],
  ])('refuses %s: the group closes, no output, no summary', async (_what, ref, values, message) => {
    const d = deps();
    await expect(runParseVersion(await config(ref, values), d.value)).rejects.toThrow(message);
    expect(d.events).toEqual([`group Resolve ${ref}`, 'endgroup']);
    expect([d.outputs, d.summaries]).toEqual([[], []]);
  });
});
