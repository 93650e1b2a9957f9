/**
 * The release gate (release/action.yml's `gate` step) as tables: every case release/gate.sh handled,
 * through readGateConfig → decideGate with the checkout's tags faked, the step's outputs, log line and
 * summary through runStep, and the git reader against a real repository.
 */
import { describe, expect, test } from '@jest/globals';
import { ActionError, InputError, renderSummary, type StepSummary } from '@deploy-kit/core';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { decideGate, newestReleaseCandidate, readGateConfig, type CheckoutTags } from '../src/gate.js';
import { gitCheckoutTags } from '../src/git.js';
import { runStep, STEPS, type StepIo } from '../src/steps.js';

/** The env the composite gives the gate step, for a tag parse-version read as `tag`. */
function stepEnv(tag: string, over: Record<string, string> = {}): Record<string, string> {
  const m = /^(.*?)(\d+)\.(\d+)\.(\d+)(?:-([a-z]+)\.\d+)?$/.exec(tag);
  const channel = !m ? 'branch' : (m[5] ?? 'release');
  return {
    PROMOTE: 'auto',
    PROMOTE_FROM: '',
    MODE: 'push',
    SKIP_PUSH: 'false',
    CHECKOUT_PATH: '/checkout',
    TAG_PREFIX: m?.[1] ?? 'v',
    TAG: tag,
    CHANNEL: channel,
    MAJOR: m?.[2] ?? '',
    MINOR: m?.[3] ?? '',
    PATCH: m?.[4] ?? '',
    ...over,
  };
}

/** A checkout holding `tags` (undefined: not a git checkout); records the patterns asked for. */
function checkout(tags: string[] | undefined): CheckoutTags & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    isCheckout: async () => tags !== undefined,
    // git's own filtering: a glob over the whole name (only `*` is used by the gate)
    list: async (_dir, pattern) => {
      asked.push(pattern);
      const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      return (tags ?? []).filter((t) => re.test(t));
    },
  };
}

const SHA = `sha256:${'a'.repeat(64)}`;

describe('readGateConfig: the step env, checked before git is asked', () => {
  test('defaults: auto, push, the workspace as the checkout', () => {
    expect(readGateConfig({ GITHUB_WORKSPACE: '/ws', TAG: 'v1.2.3' })).toEqual({
      promote: 'auto',
      promoteFrom: '',
      mode: 'push',
      skipPush: false,
      checkoutPath: '/ws',
      tagPrefix: '',
      tag: 'v1.2.3',
      channel: '',
      major: '',
      minor: '',
      patch: '',
    });
    expect(readGateConfig({}).checkoutPath).toBe('.');
    expect(readGateConfig({ PROMOTE: '', MODE: '', CHECKOUT_PATH: '/c', GITHUB_WORKSPACE: '/ws' })).toMatchObject({
      promote: 'auto',
      mode: 'push',
      checkoutPath: '/c',
    });
  });

  test.each<[string, Record<string, string>, string]>([
    [
      'an unknown promote',
      { PROMOTE: 'sometimes' },
      'Input "promote": is not a known value; expected one of `auto`, `always`, `never`. Got: sometimes',
    ],
    ['promote in another case', { PROMOTE: 'AUTO' }, 'Input "promote": is not a known value'],
    [
      'mode promote (the gate decides that)',
      { MODE: 'promote' },
      'Input "mode": is not a known value; expected one of `push`, `docker` (promotion is decided by `promote`). Got: promote',
    ],
    [
      'a newline in promote-from',
      { PROMOTE_FROM: 'v1.2.2-rc.1\nmode=push' },
      'Input "promote-from": is not an image tag or digest; expected the tested tag (`v1.2.3-rc.2`, Docker\'s tag grammar [A-Za-z0-9_][A-Za-z0-9._-]{0,127}) or a digest (`sha256:` and 64 lowercase hex digits). Got: v1.2.2-rc.1\nmode=push',
    ],
    ['a digest with uppercase hex', { PROMOTE_FROM: `sha256:${'A'.repeat(64)}` }, 'Input "promote-from": is not an image tag or digest'],
    ['a tag starting with a dot', { PROMOTE_FROM: '.v1' }, 'Input "promote-from": is not an image tag or digest'],
    ['a tag of 129 characters', { PROMOTE_FROM: `v${'1'.repeat(128)}` }, 'Input "promote-from": is not an image tag or digest'],
    ['promote checked first', { PROMOTE: 'x', MODE: 'y', PROMOTE_FROM: ' ' }, 'Input "promote"'],
    ['then mode', { MODE: 'y', PROMOTE_FROM: ' ' }, 'Input "mode"'],
  ])('refuses %s', (_what, env, message) => {
    let error: unknown;
    try {
      readGateConfig(stepEnv('v1.2.3', env));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });

  test.each([['v1.2.3-rc.2'], ['_tag'], [SHA], [`v${'1'.repeat(127)}`]])('accepts promote-from %s', (from) => {
    expect(readGateConfig(stepEnv('v1.2.3', { PROMOTE_FROM: from })).promoteFrom).toBe(from);
  });
});

describe('newestReleaseCandidate', () => {
  test.each<[string, string[], string | undefined]>([
    ['v1.2.3', ['v1.2.3-rc.2', 'v1.2.3-rc.10', 'v1.2.3-rc.9', 'v1.2.4-rc.11'], 'v1.2.3-rc.10'],
    ['v1.2.3', ['v1.2.2-rc.1', 'v1.2.3-alpha.1', 'v1.2.3-rc.x'], undefined],
    ['v1.2.3', ['v1.2.3-rc.01', 'v1.2.3-rc.', 'v1.2.3-rc.1.1', 'v1.2.3-rc.-1'], undefined],
    ['v1.2.3', ['v1.2.3-rc.0'], 'v1.2.3-rc.0'],
    ['v1.2.3', ['v1.2.3-rc.99999999999999999999', 'v1.2.3-rc.99999999999999999998'], 'v1.2.3-rc.99999999999999999999'],
    ['orders/v2.0.0', ['orders/v2.0.0-rc.1', 'v2.0.0-rc.5'], 'orders/v2.0.0-rc.1'],
    ['v1.2.3', [], undefined],
  ])('%s among %j', (base, tags, expected) => {
    expect(newestReleaseCandidate(base, tags)).toBe(expected);
  });
});

describe('decideGate: every case of the gate', () => {
  test.each<[string, string, Record<string, string>, string[] | undefined, { mode: string; promoteFrom: string; reason: string }]>([
    ['an rc tag pushes', 'v1.2.3-rc.1', {}, [], { mode: 'push', promoteFrom: '', reason: 'promote: auto' }],
    ['an rc tag with mode docker', 'v1.2.3-rc.1', { MODE: 'docker' }, [], { mode: 'docker', promoteFrom: '', reason: 'promote: auto' }],
    [
      'a release tag promotes its newest rc (numerically)',
      'v1.2.3',
      {},
      ['v1.2.3-rc.2', 'v1.2.3-rc.10', 'v1.2.3-rc.9', 'v1.2.4-rc.11'],
      { mode: 'promote', promoteFrom: 'v1.2.3-rc.10', reason: 'newest release candidate of v1.2.3' },
    ],
    [
      'promote: always on a release tag is the same',
      'v1.2.3',
      { PROMOTE: 'always' },
      ['v1.2.3-rc.1'],
      { mode: 'promote', promoteFrom: 'v1.2.3-rc.1', reason: 'newest release candidate of v1.2.3' },
    ],
    [
      'another tag prefix',
      'orders/v2.0.0',
      { TAG_PREFIX: 'orders/v' },
      ['orders/v2.0.0-rc.3'],
      { mode: 'promote', promoteFrom: 'orders/v2.0.0-rc.3', reason: 'newest release candidate of orders/v2.0.0' },
    ],
    [
      'promote-from wins over the rc tags',
      'v1.2.3',
      { PROMOTE_FROM: 'v1.2.3-rc.1' },
      ['v1.2.3-rc.2'],
      { mode: 'promote', promoteFrom: 'v1.2.3-rc.1', reason: 'promote-from given' },
    ],
    [
      'promote-from on an rc tag',
      'v1.2.3-rc.2',
      { PROMOTE_FROM: SHA },
      [],
      { mode: 'promote', promoteFrom: SHA, reason: 'promote-from given' },
    ],
    [
      'promote: always with promote-from on a branch',
      'main',
      { PROMOTE: 'always', PROMOTE_FROM: 'v1.2.3-rc.1' },
      [],
      { mode: 'promote', promoteFrom: 'v1.2.3-rc.1', reason: 'promote-from given' },
    ],
    [
      'promote: never pushes a rebuild of a release tag',
      'v1.2.3',
      { PROMOTE: 'never' },
      undefined,
      { mode: 'push', promoteFrom: '', reason: 'promote: never (pushes a rebuild, no gate)' },
    ],
    [
      'promote: never ignores promote-from',
      'v1.2.3',
      { PROMOTE: 'never', PROMOTE_FROM: 'v1.2.3-rc.1' },
      undefined,
      { mode: 'push', promoteFrom: '', reason: 'promote: never (pushes a rebuild, no gate)' },
    ],
    [
      'skip-push gates nothing, even a release tag outside a checkout',
      'v1.2.3',
      { SKIP_PUSH: 'true' },
      undefined,
      { mode: 'push', promoteFrom: '', reason: 'skip-push: nothing is pushed or promoted' },
    ],
    [
      'skip-push is only the exact `true`',
      'v1.2.3-rc.1',
      { SKIP_PUSH: 'True' },
      [],
      { mode: 'push', promoteFrom: '', reason: 'promote: auto' },
    ],
    ['a branch pushes', 'main', {}, undefined, { mode: 'push', promoteFrom: '', reason: 'promote: auto' }],
  ])('%s', async (_what, tag, env, tags, expected) => {
    await expect(decideGate(readGateConfig(stepEnv(tag, env)), checkout(tags))).resolves.toEqual(expected);
  });

  test.each<[string, string, Record<string, string>, string[] | undefined, string]>([
    [
      'a release tag with no rc',
      'v1.2.3',
      {},
      ['v1.2.2-rc.1', 'v1.2.3-alpha.1', 'v1.2.3-rc.x'],
      "Production release v1.2.3 is blocked: no release candidate v1.2.3-rc.N was found (git tag --list 'v1.2.3-rc.*' is empty in /checkout). Release v1.2.3-rc.1 to staging first, so production runs the image staging tested. Check that the checkout fetched tags (actions/checkout with fetch-depth: 0), or give promote-from; promote: never skips this gate.",
    ],
    [
      'a release tag outside a git checkout',
      'v1.2.3',
      {},
      undefined,
      'Production release v1.2.3 is blocked: it must promote a tested release candidate v1.2.3-rc.N, but /checkout is not a git checkout, so its tags cannot be listed. Run actions/checkout with fetch-depth: 0 (or fetch-tags: true) before this action, or give promote-from; promote: never skips this gate.',
    ],
    [
      'promote: always on an rc tag without promote-from',
      'v1.2.3-rc.1',
      { PROMOTE: 'always' },
      [],
      'promote: always, but v1.2.3-rc.1 (channel rc) is not a release tag and no promote-from was given; say which tag or digest to promote from.',
    ],
    [
      'promote: always with no tag at all',
      '',
      { PROMOTE: 'always', CHANNEL: '' },
      [],
      'promote: always, but this ref (channel none) is not a release tag',
    ],
  ])('refuses %s', async (_what, tag, env, tags, message) => {
    const error = await decideGate(readGateConfig(stepEnv(tag, env)), checkout(tags)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toContain(message);
  });

  test('git is asked for the rc tags of this release only', async () => {
    const tags = checkout(['v1.2.3-rc.1']);
    await decideGate(readGateConfig(stepEnv('v1.2.3')), tags);
    expect(tags.asked).toEqual(['v1.2.3-rc.*']);
  });
});

describe('runStep: the step as the composite runs it', () => {
  function io(env: Record<string, string>, tags: string[] | undefined) {
    const written: Array<[string, string]> = [];
    const lines: string[] = [];
    const summaries: StepSummary[] = [];
    const value: StepIo = {
      env,
      tags: checkout(tags),
      setOutput: (n, v) => void written.push([n, v]),
      info: (l) => void lines.push(l),
      summary: (s) => void summaries.push(s),
    };
    return { value, written, lines, summaries };
  }

  test.each<[string, Record<string, string>, string[] | undefined, Array<[string, string]>, string, string]>([
    [
      'rc tag',
      stepEnv('v1.2.3-rc.1'),
      [],
      [
        ['mode', 'push'],
        ['promote-from', ''],
      ],
      'Release gate: mode push (promote: auto).',
      '| v1.2.3-rc.1 | rc | auto | push |  |',
    ],
    [
      'release tag',
      stepEnv('v1.2.3'),
      ['v1.2.3-rc.10', 'v1.2.3-rc.9'],
      [
        ['mode', 'promote'],
        ['promote-from', 'v1.2.3-rc.10'],
      ],
      'Release gate: promoting v1.2.3-rc.10 by digest (newest release candidate of v1.2.3); no rebuild is pushed.',
      '| v1.2.3 | release | auto | promote | v1.2.3-rc.10 |',
    ],
  ])('gate, %s: outputs, the log line and the summary table', async (_what, env, tags, outputs, line, row) => {
    const r = io(env, tags);
    await runStep(['gate'], r.value);
    expect(r.written).toEqual(outputs);
    expect(r.lines).toEqual([line]);
    expect(renderSummary(r.summaries[0]!)).toContain(
      `### release gate\n\n| tag | channel | promote | push-artifacts mode | from |\n| --- | --- | --- | --- | --- |\n${row}`,
    );
  });

  test('a refused gate writes no output', async () => {
    const r = io(stepEnv('v1.2.3'), []);
    await expect(runStep(['gate'], r.value)).rejects.toThrow('Production release v1.2.3 is blocked');
    expect([r.written, r.lines, r.summaries]).toEqual([[], [], []]);
  });

  test.each<[string[], string]>([
    [[], 'release-steps: no step was named'],
    [['gates'], 'release-steps: there is no step "gates"'],
    [['toString'], 'release-steps: there is no step "toString"'],
  ])('%j is refused, naming the steps there are', async (argv, message) => {
    const error = await runStep(argv, io({}, []).value).catch((e: unknown) => e);
    expect((error as Error).message).toBe(message);
    expect((error as ActionError).check).toEqual([
      `Run it as release/action.yml does: node dist/release-steps/index.js <step>, with <step> one of ${Object.keys(STEPS).join(', ')}`,
    ]);
  });
});

const hasGit = spawnSync('git', ['--version']).status === 0;
(hasGit ? describe : describe.skip)('gitCheckoutTags (a real git repository)', () => {
  test('lists the matching tags of a checkout; a plain directory is not a checkout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-kit-gate-'));
    try {
      const env = {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      };
      const plain = join(dir, 'plain');
      execFileSync('mkdir', [plain]);
      expect(await gitCheckoutTags.isCheckout(plain)).toBe(false);
      const repo = join(dir, 'repo');
      execFileSync('git', ['init', '-q', repo], { env });
      writeFileSync(join(repo, 'README'), 'x\n');
      execFileSync('git', ['-C', repo, 'add', 'README'], { env });
      execFileSync('git', ['-C', repo, 'commit', '-q', '-m', 'x'], { env });
      for (const t of ['v1.2.3-rc.2', 'v1.2.3-rc.10', 'v1.2.4-rc.1', 'v1.2.3']) execFileSync('git', ['-C', repo, 'tag', t], { env });
      expect(await gitCheckoutTags.isCheckout(repo)).toBe(true);
      expect((await gitCheckoutTags.list(repo, 'v1.2.3-rc.*')).sort()).toEqual(['v1.2.3-rc.10', 'v1.2.3-rc.2']);
      expect(await gitCheckoutTags.list(repo, 'v9.9.9-rc.*')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
