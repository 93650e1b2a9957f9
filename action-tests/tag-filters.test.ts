// Environment protection that a tag cannot sidestep (issue 20, item 2). A caller workflow brings its
// own trigger (`on.push.tags`) and its own credentials (role, kubeconfig, token); release.yml runs the
// release job in the environment parse-version resolves the tag to. So:
//
// 1. GitHub's filter-pattern semantics, implemented exactly as the workflow syntax reference documents
//    them (action-tests/lib/filter-pattern.mjs), checked against the reference's own examples;
// 2. the example callers' `on.push.tags` are derived from parse-version's rules (tagFilters) and each
//    caller declares the `environment` it deploys to;
// 3. over a generated set of tricky tags (prerelease chains, build metadata, `+`, several hyphens,
//    uppercase `V`, monorepo and ref-like prefixes), every tag that starts a caller resolves, by
//    core's resolveRelease (what parse-version runs), to exactly that caller's environment or is
//    refused; under case-sensitive and case-insensitive matching alike;
// 4. release/environment-check.sh, the plan job's refusal, refuses what the previous filters let through.
import { describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ActionError, DEFAULT_ENVIRONMENT_RULES, parseEnvironmentRules, resolveRelease } from '@deploy-kit/core';
import { REPO_ROOT } from './harness.js';
import { channelsByEnvironment, filterPatternToRegExp, tagFilters, tagMatches } from './lib/filter-pattern.mjs';

const EXAMPLES = join(REPO_ROOT, 'examples/.github/workflows');
const RULES = parseEnvironmentRules(Object.fromEntries(DEFAULT_ENVIRONMENT_RULES.split('\n').map((l) => l.split('=') as [string, string])));
const SHA = '0123456789abcdef0123456789abcdef01234567';

type Caller = { file: string; environment: string; tags: string[] };
const callers: Caller[] = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .flatMap((file) => {
    const wf = parseYaml(readFileSync(join(EXAMPLES, file), 'utf8')) as {
      on: { push?: { tags?: string[] } };
      jobs: Record<string, { with?: Record<string, unknown> }>;
    };
    const tags = wf.on.push?.tags;
    if (!tags) return [];
    const job = Object.values(wf.jobs)[0]!;
    return [{ file, environment: String(job.with?.environment ?? ''), tags }];
  });

/** What the plan job makes of a tag: the environment it deploys to, or `refused` (parse-version fails, or no environment). */
const resolved = new Map<string, string>();
function resolution(ref: string): string {
  if (!resolved.has(ref)) resolved.set(ref, resolveOnce(ref));
  return resolved.get(ref)!;
}
function resolveOnce(ref: string): string {
  try {
    const info = resolveRelease({ ref, sha: SHA, tagPrefix: 'v', rules: RULES, branchRules: [], strict: true });
    return info.refType === 'tag' && info.environment !== '' ? info.environment : 'refused';
  } catch (error) {
    if (error instanceof ActionError) return 'refused';
    throw error;
  }
}

describe('GitHub filter patterns, as the workflow syntax reference documents them', () => {
  // The reference's cheat sheet examples, then the rules one by one.
  test.each([
    [['feature/*'], 'feature/my-branch', true],
    [['feature/*'], 'feature/beta-a/my-branch', false],
    [['feature/**'], 'feature/mona/the/octocat', true],
    [['*'], 'releases', true],
    [['*'], 'all/the/branches', false],
    [['**'], 'every/tag', true],
    [['*feature'], 'ver-10-feature', true],
    [['v2*'], 'v2', true],
    [['v2*'], 'v2.9', true],
    [['v[12].[0-9]+.[0-9]+'], 'v1.10.1', true],
    [['v[12].[0-9]+.[0-9]+'], 'v2.0.0', true],
    [['v[12].[0-9]+.[0-9]+'], 'v3.0.0', false],
    [['v[12].[0-9]+.[0-9]+'], 'v1.x.1', false],
    [['*.jsx?'], 'page.js', true],
    [['*.jsx?'], 'page.jsx', true],
    [['*.jsx?'], 'page.jsxx', false],
    [['[CB]at'], 'Cat', true],
    [['[1-2]00'], '200', true],
    [['[1-2]00'], '300', false],
    [['[0-9a-z]'], 'Z', false],
    [['*.md', '!README.md'], 'README.md', false],
    [['*.md', '!README.md'], 'hello.md', true],
    [['*.md', '!README.md', 'README*'], 'README.md', true],
    [['!v1'], 'v1', false], // only a negation: nothing was included
    [['v1!'], 'v1!', true], // `!` is special only first
    [['v1+'], 'v111', true],
    [['v1+'], 'v', false],
    [['a.b'], 'axb', false], // `.` is literal
    [['v\\+*'], 'v+x', true], // escaped: a literal `+`
    [['v\\+*'], 'vvv', false],
    [['v\\*'], 'v*', true],
    [['v\\*'], 'v1', false],
    [['v[0-9]+.[0-9]+.[0-9]+\\+*'], 'v1.2.3+x-alpha.1', true],
    [['v[0-9]+.[0-9]+.[0-9]+\\+*'], 'v1.2.3+x/y', false],
  ])('%j on %s → %s', (patterns, name, expected) => {
    expect(tagMatches(patterns, name)).toBe(expected);
  });

  test('letters are compared exactly, or case-insensitively when asked (the reference does not say which GitHub does)', () => {
    expect([tagMatches(['v*-rc.*'], 'V1.2.3-RC.1'), tagMatches(['v*-rc.*'], 'V1.2.3-RC.1', { ignoreCase: true })]).toEqual([false, true]);
  });

  test.each([
    ['+v', 'no preceding character'],
    ['v*+', 'no preceding character'],
    ['v**?', 'no preceding character'],
    ['v[]', 'empty'],
    ['v[.]', 'letters, digits and ranges'],
    ['v[!a]', 'letters, digits and ranges'],
    ['v[a-9]', 'range'],
    ['v[0-9', 'unclosed'],
    ['v]', 'without'],
    ['v\\', 'escapes nothing'],
  ])('%s is not defined by the reference and is refused (%s)', (pattern, message) => {
    expect(() => filterPatternToRegExp(pattern)).toThrow(message);
  });
});

// --- the example callers -------------------------------------------------------------------------
const BUILDS = ['', '+x', '+build.7', '+x-alpha.1', '+rc.1', '+x.beta.1', '+a+b', '+', '+x/y', '+-alpha.1'];
const IDS = [
  'alpha',
  'beta',
  'rc',
  'RC',
  'Alpha',
  'BETA',
  'release',
  'preview',
  'x',
  'rc1',
  'rc-1',
  'alpha-rc',
  'rc-alpha',
  '1',
  '01',
  '0',
  '1-rc',
  'beta-',
  '-rc',
  '',
];
const PREFIXES = ['v', 'V', '', 'vv', 'v-', 'orders/v', 'orders/V', 'release/v', 'refs/tags/v', 'refs/heads/v'];
const CORES = ['1.2.3', '10.20.30', '0.0.0', '01.2.3', '1.02.3', '1.2', '1.2.3.4', '1.2.3x', '99999999999999999999.0.0', '1..3'];

/** Prerelease parts: none, or one identifier with an optional number (`-rc`, `-rc.1`, `-RC.01`, `-rc.1.2`). */
const SINGLES = ['', ...IDS.flatMap((id) => ['', '.1', '.01', '.10', '.1.2', '.x'].map((n) => `-${id}${n}`))];
/** Prerelease chains: two of those joined by `-`, `.` or `--` (`-beta.1-rc.2`, `-rc.1.alpha`, `-alpha--rc.2`). */
const CHAINS = IDS.flatMap((a) =>
  ['', '.1'].flatMap((n) => ['-', '.', '--'].flatMap((sep) => IDS.flatMap((b) => ['', '.2'].map((m) => `-${a}${n}${sep}${b}${m}`)))),
);

/** The tricky tags: every prefix × core × single prerelease × build, and every chain (with and without build metadata) on v1.2.3 and V1.2.3. */
function trickyTags(): string[] {
  const all = new Set<string>([
    'v1.2.3-beta.1-rc.2',
    'v1.2.3+x-alpha.1',
    'v1.2.3-rc.1+build-alpha.1',
    'v1.2.3--rc.1',
    'v1.2.3-rc..1',
    'v1.2.3-rc.1-',
    'v1.2.3-rc.1/x',
    'v1.2.3-rc.1.2',
    'v1.2.3-alpha.1-rc.2',
    'v1.2.3-rc.1-alpha.1',
    'v1.2.3-rc.1.alpha.1',
  ]);
  for (const prefix of PREFIXES)
    for (const core of CORES) for (const pre of SINGLES) for (const build of BUILDS) all.add(`${prefix}${core}${pre}${build}`);
  for (const prefix of ['v', 'V'])
    for (const pre of CHAINS) for (const build of ['', '+x', '+x-alpha.1', '+rc.1']) all.add(`${prefix}1.2.3${pre}${build}`);
  return [...all];
}

describe("the example callers: triggers derived from parse-version's rules", () => {
  const byEnvironment = channelsByEnvironment(DEFAULT_ENVIRONMENT_RULES);

  test("dev, staging and production declare their environment, and their on.push.tags are tagFilters of that environment's channels", () => {
    expect(callers.map((c) => [c.file, c.environment])).toEqual([
      ['dev.yml', 'development'],
      ['production.yml', 'production'],
      ['staging.yml', 'staging'],
    ]);
    for (const c of callers)
      expect([c.file, c.tags]).toEqual([c.file, tagFilters({ tagPrefix: 'v', channels: byEnvironment.get(c.environment)! })]);
  });

  test.each([
    ['v1.2.3-alpha.1', 'dev.yml', 'development'],
    ['v1.2.3-beta.2+build.5', 'dev.yml', 'development'],
    ['v1.2.3-rc.10', 'staging.yml', 'staging'],
    ['v1.2.3', 'production.yml', 'production'],
    ['v1.2.3+x-alpha.1', 'production.yml', 'production'], // build metadata, not a prerelease: production
  ])('%s starts only %s and deploys to %s', (tag, file, environment) => {
    for (const ignoreCase of [false, true])
      expect(callers.filter((c) => tagMatches(c.tags, tag, { ignoreCase })).map((c) => c.file)).toEqual([file]);
    expect(resolution(`refs/tags/${tag}`)).toBe(environment);
  });

  const tags = trickyTags();
  test.each([false, true])(
    `every one of ${tags.length} tricky tags that starts a caller resolves to that caller's environment or is refused (ignoreCase: %s)`,
    (ignoreCase) => {
      const wrong: string[] = [];
      let deployed = 0;
      let refused = 0;
      for (const tag of tags) {
        for (const c of callers) {
          if (!tagMatches(c.tags, tag, { ignoreCase })) continue;
          // GITHUB_REF for a tag push, and the bare name a caller might pass as `ref`.
          for (const ref of [`refs/tags/${tag}`, tag]) {
            const outcome = resolution(ref);
            if (outcome === 'refused') refused++;
            else if (outcome === c.environment) deployed++;
            else wrong.push(`${tag} (as ${ref}) starts ${c.file} (${c.environment}) but resolves to ${outcome}`);
          }
        }
      }
      expect(wrong).toEqual([]);
      // Not vacuous: the release tags among them do start their callers.
      expect(deployed).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(10); // e.g. v01.2.3-rc.1: started, refused by parse-version in plan
    },
  );

  test("the previous filters let issue 20's tags start another environment's caller, and the plan's environment check refuses each one", () => {
    const previous: Caller[] = [
      { file: 'dev.yml', environment: 'development', tags: ['v*-alpha.*', 'v*-beta.*'] },
      { file: 'staging.yml', environment: 'staging', tags: ['v*-rc.*'] },
      { file: 'production.yml', environment: 'production', tags: ['v[0-9]*.[0-9]*.[0-9]*', '!v*-*'] },
    ];
    const crossed: Array<[string, Caller, string]> = [];
    for (const tag of tags) {
      for (const c of previous) {
        const outcome = resolution(`refs/tags/${tag}`);
        if (tagMatches(c.tags, tag) && outcome !== 'refused' && outcome !== c.environment) crossed.push([tag, c, outcome]);
      }
    }
    const shown = crossed.map(([tag, c, outcome]) => `${tag}: ${c.file} → ${outcome}`);
    expect(shown).toEqual(
      expect.arrayContaining(['v1.2.3-beta.1-rc.2: staging.yml → development', 'v1.2.3+x-alpha.1: dev.yml → production']),
    );
    // The check depends on the declared and the resolved environment: run it for issue 20's two tags
    // and for the first tag of every other (caller, resolved environment) pair.
    const issueTags = ['v1.2.3-beta.1-rc.2', 'v1.2.3+x-alpha.1'];
    const samples = new Map<string, [string, Caller, string]>();
    for (const x of crossed) {
      const key = issueTags.includes(x[0]) ? x[0] : `${x[1].file}→${x[2]}`;
      if (!samples.has(key)) samples.set(key, x);
    }
    expect(samples.size).toBeGreaterThanOrEqual(4);
    for (const [tag, c, outcome] of samples.values()) {
      const r = checkEnvironment({ EXPECTED: c.environment, TAG: tag, ENVIRONMENT: outcome });
      expect([tag, r.status, r.out]).toEqual([
        tag,
        1,
        expect.stringContaining(`but this caller declared environment: ${c.environment}. Refusing to run`),
      ]);
    }
  });
});

// --- release/environment-check.sh -----------------------------------------------------------------
function checkEnvironment(env: Record<string, string>) {
  const r = spawnSync('bash', [join(REPO_ROOT, 'release/environment-check.sh')], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("release/environment-check.sh (the plan job's last step)", () => {
  test.each([
    [
      { EXPECTED: 'staging', TAG: 'v1.2.3-rc.1', ENVIRONMENT: 'staging' },
      0,
      'Tag v1.2.3-rc.1 deploys to staging, the environment this caller declared.',
    ],
    [{ EXPECTED: 'Production', TAG: 'v1.2.3', ENVIRONMENT: 'production' }, 0, 'deploys to production'], // environment names are case-insensitive
    [
      { EXPECTED: 'staging', TAG: 'v1.2.3-beta.1-rc.2', ENVIRONMENT: 'development' },
      1,
      '::error title=environment::Tag v1.2.3-beta.1-rc.2 deploys to development (parse-version with the "environments" rules), but this caller declared environment: staging. Refusing to run',
    ],
    [
      { EXPECTED: 'development', TAG: 'v1.2.3+x-alpha.1', ENVIRONMENT: 'production' },
      1,
      "development's credentials would deploy to production",
    ],
    [{ EXPECTED: '', TAG: 'v1.2.3', ENVIRONMENT: 'production' }, 1, 'Input "environment": is empty'],
    [{ EXPECTED: 'staging', TAG: '', ENVIRONMENT: '' }, 1, "release.yml releases tags only; this ref has tag '' and environment ''."],
    [{ EXPECTED: 'production', TAG: '', ENVIRONMENT: '', WORKFLOW: 'promote.yml' }, 1, 'promote makes releases from tags only'],
    [{ EXPECTED: 'staging\n::add-mask::x', TAG: 'v1.2.3', ENVIRONMENT: 'production' }, 1, 'declared environment: staging%0A::add-mask::x.'], // one line: no command of its own
  ])('%j → exit %i: %s', (env, status, message) => {
    const r = checkEnvironment(env);
    expect([r.status, r.out]).toEqual([status, expect.stringContaining(message)]);
    expect(r.out.split('\n').filter((l) => l.startsWith('::')).length).toBeLessThanOrEqual(1);
  });

  test("both reusable workflows run it as the plan's last step, after parse-version, with the caller's environment input", () => {
    for (const file of ['release.yml', 'promote.yml']) {
      const wf = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as {
        on: { workflow_call: { inputs: Record<string, { required?: boolean }> } };
        jobs: Record<string, { steps: Array<Record<string, any>> }>;
      };
      expect([file, wf.on.workflow_call.inputs.environment?.required]).toEqual([file, true]);
      const steps = wf.jobs.plan!.steps;
      const last = steps.at(-1)!;
      expect([file, last.run, last.env]).toEqual([
        file,
        'bash .deploy-kit/release/environment-check.sh',
        {
          EXPECTED: '${{ inputs.environment }}',
          TAG: '${{ steps.v.outputs.tag }}',
          ENVIRONMENT: '${{ steps.v.outputs.environment }}',
          WORKFLOW: file,
        },
      ]);
      expect(steps.at(-2)!.id).toBe('v');
    }
    execFileSync('bash', ['-n', join(REPO_ROOT, 'release/environment-check.sh')]);
  });
});
