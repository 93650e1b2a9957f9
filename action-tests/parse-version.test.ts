// parse-version, run from its bundle (dist/parse-version/index.js) exactly as the runner runs it:
// every release channel, prefixes, the three forms of custom rules, branch and pull-request refs,
// and every expected failure (exit 1, one clear ::error::, no outputs, no stack trace).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_REPOSITORY,
  DEFAULT_SHA,
  REPO_ROOT,
  expectFailure,
  expectSuccess,
  readActionYml,
  runAction,
  type RunActionOptions,
  type RunResult,
} from './harness.js';

const ACTION = 'parse-version';
const SHA7 = DEFAULT_SHA.slice(0, 7);
const DEFAULT_RULES_TEXT = '  alpha=development\n  beta=development\n  rc=staging\n  release=production';
const DEFAULT_FORMS = 'Expected forms (tag-prefix "v"): v1.2.3-alpha.1, v1.2.3-beta.1, v1.2.3-rc.1, v1.2.3';
/** A Docker tag: https://docs.docker.com/reference/cli/docker/image/tag/ */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const BOOLEAN_OUTPUTS = new Set(['is-prerelease', 'is-production']);
/** Output names as action.yml declares them (json included). */
const DECLARED_OUTPUTS = Object.keys(readActionYml(ACTION).outputs ?? {}).sort();

type Outputs = Record<string, string>;

const run = (options: RunActionOptions = {}): Promise<RunResult> => runAction(ACTION, options);

/** Every output except `json`, with the values a branch/PR/tag run leaves empty defaulted to ''. */
function outputs(values: Partial<Outputs>): Outputs {
  return {
    tag: '',
    version: '',
    major: '',
    minor: '',
    patch: '',
    prerelease: '',
    channel: '',
    'channel-number': '',
    build: '',
    environment: '',
    'is-prerelease': 'false',
    'is-production': 'false',
    'short-sha': SHA7,
    'ref-type': '',
    ...values,
  };
}

/** All declared outputs are written; `json` holds exactly the single outputs, booleans as booleans. */
function expectOutputs(result: RunResult, expected: Outputs): void {
  expectSuccess(result);
  expect(Object.keys(result.outputs).sort()).toEqual(DECLARED_OUTPUTS);
  const { json: rawJson, ...singles } = result.outputs;
  expect(singles).toEqual(expected);
  expect(rawJson).toBeDefined();
  const json = JSON.parse(rawJson!) as Record<string, unknown>;
  expect(result.json).toEqual(json);
  expect(Object.keys(json).sort()).toEqual(Object.keys(singles).sort());
  for (const [name, value] of Object.entries(json)) {
    if (BOOLEAN_OUTPUTS.has(name)) {
      expect([name, typeof value]).toEqual([name, 'boolean']);
      expect([name, String(value)]).toEqual([name, singles[name]]);
    } else {
      expect([name, value]).toEqual([name, singles[name]]);
    }
  }
  expect(result.problems).toEqual([]);
  expect(result.stderr).toBe('');
}

/** The step summary is one Markdown table with the ref, version, channel, environment and production. */
function expectSummary(result: RunResult, ref: string): void {
  const o = result.outputs;
  const row = `| ${ref} | ${o.version} | ${o.channel} | ${o.environment || '—'} | ${o['is-production'] === 'true' ? 'yes' : 'no'} |`;
  expect(result.summary).toBe(
    `### parse-version\n\n| ref | version | channel | environment | production |\n| --- | --- | --- | --- | --- |\n${row}\n`,
  );
}

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/** Exit 1, one ::error:: with every part, no outputs, no summary, no stack trace anywhere. */
function expectCleanFailure(result: RunResult, parts: readonly string[]): void {
  expectFailure(result, parts[0]!);
  expect(result.errors).toHaveLength(1);
  for (const part of parts) expect(result.errors[0]).toContain(part);
  expect(result.outputs).toEqual({});
  expect(result.json).toBeUndefined();
  expect(result.summary).toBe('');
  expect(result.stdout).not.toMatch(STACK_FRAME);
  expect(result.stderr).toBe('');
  expect(result.log).not.toContain('Unexpected error');
}

// A pull_request event payload as GitHub sends it (trimmed to the fields anything reads).
function pullRequestEvent(number: number, headRef = 'feature/login'): object {
  const [owner, name] = DEFAULT_REPOSITORY.split('/');
  const repository = {
    id: 700000001,
    name,
    full_name: DEFAULT_REPOSITORY,
    private: true,
    owner: { login: owner, type: 'Organization' },
    html_url: `https://github.com/${DEFAULT_REPOSITORY}`,
    default_branch: 'main',
  };
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      title: 'Login form',
      html_url: `https://github.com/${DEFAULT_REPOSITORY}/pull/${number}`,
      head: { ref: headRef, sha: 'f'.repeat(40), repo: repository },
      base: { ref: 'main', sha: 'e'.repeat(40), repo: repository },
      merged: false,
      draft: false,
    },
    repository,
    sender: { login: 'octo-deployer', type: 'User' },
  };
}

// ---------------------------------------------------------------------------------------------

describe('release tags on the default rules', () => {
  const semver = (major: string, minor: string, patch: string) => ({ major, minor, patch });
  test.each<[string, RunActionOptions, Partial<Outputs>]>([
    [
      'alpha',
      { ref: 'refs/tags/v1.2.3-alpha.1' },
      {
        tag: 'v1.2.3-alpha.1',
        version: '1.2.3-alpha.1',
        ...semver('1', '2', '3'),
        prerelease: 'alpha.1',
        channel: 'alpha',
        'channel-number': '1',
        environment: 'development',
        'is-prerelease': 'true',
      },
    ],
    [
      'beta',
      { ref: 'refs/tags/v4.5.6-beta.2' },
      {
        tag: 'v4.5.6-beta.2',
        version: '4.5.6-beta.2',
        ...semver('4', '5', '6'),
        prerelease: 'beta.2',
        channel: 'beta',
        'channel-number': '2',
        environment: 'development',
        'is-prerelease': 'true',
      },
    ],
    [
      'rc',
      { ref: 'refs/tags/v1.2.3-rc.1' },
      {
        tag: 'v1.2.3-rc.1',
        version: '1.2.3-rc.1',
        ...semver('1', '2', '3'),
        prerelease: 'rc.1',
        channel: 'rc',
        'channel-number': '1',
        environment: 'staging',
        'is-prerelease': 'true',
      },
    ],
    [
      'release',
      { ref: 'refs/tags/v10.0.7' },
      {
        tag: 'v10.0.7',
        version: '10.0.7',
        ...semver('10', '0', '7'),
        channel: 'release',
        environment: 'production',
        'is-production': 'true',
      },
    ],
    [
      'rc.10 (two-digit channel number)',
      { ref: 'refs/tags/v1.2.3-rc.10' },
      {
        tag: 'v1.2.3-rc.10',
        version: '1.2.3-rc.10',
        ...semver('1', '2', '3'),
        prerelease: 'rc.10',
        channel: 'rc',
        'channel-number': '10',
        environment: 'staging',
        'is-prerelease': 'true',
      },
    ],
    [
      'release with +build.5 metadata',
      { ref: 'refs/tags/v1.2.3+build.5' },
      {
        tag: 'v1.2.3+build.5',
        version: '1.2.3+build.5',
        ...semver('1', '2', '3'),
        build: 'build.5',
        channel: 'release',
        environment: 'production',
        'is-production': 'true',
      },
    ],
    [
      'uppercase V prefix',
      { ref: 'refs/tags/V2.0.0-rc.3' },
      {
        tag: 'V2.0.0-rc.3',
        version: '2.0.0-rc.3',
        ...semver('2', '0', '0'),
        prerelease: 'rc.3',
        channel: 'rc',
        'channel-number': '3',
        environment: 'staging',
        'is-prerelease': 'true',
      },
    ],
    [
      'monorepo tag-prefix orders/v',
      { ref: 'refs/tags/orders/v3.1.4-beta.7', inputs: { 'tag-prefix': 'orders/v' } },
      {
        tag: 'orders/v3.1.4-beta.7',
        version: '3.1.4-beta.7',
        ...semver('3', '1', '4'),
        prerelease: 'beta.7',
        channel: 'beta',
        'channel-number': '7',
        environment: 'development',
        'is-prerelease': 'true',
      },
    ],
    [
      'monorepo release with tag-prefix orders/v',
      { ref: 'refs/tags/orders/v3.1.4', inputs: { 'tag-prefix': 'orders/v' } },
      {
        tag: 'orders/v3.1.4',
        version: '3.1.4',
        ...semver('3', '1', '4'),
        channel: 'release',
        environment: 'production',
        'is-production': 'true',
      },
    ],
    [
      'empty tag-prefix',
      { ref: 'refs/tags/1.2.3-alpha.4', inputs: { 'tag-prefix': '' } },
      {
        tag: '1.2.3-alpha.4',
        version: '1.2.3-alpha.4',
        ...semver('1', '2', '3'),
        prerelease: 'alpha.4',
        channel: 'alpha',
        'channel-number': '4',
        environment: 'development',
        'is-prerelease': 'true',
      },
    ],
  ])('%s', async (_name, options, expected) => {
    const result = await run(options);
    expectOutputs(result, outputs({ 'ref-type': 'tag', ...expected }));
    expectSummary(result, options.ref!);
    expect(result.notices).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

describe('the ref input', () => {
  test.each<[string, string, Partial<Outputs>]>([
    ['a full tag ref', 'refs/tags/v2.0.0-rc.3', { tag: 'v2.0.0-rc.3', version: '2.0.0-rc.3', channel: 'rc', environment: 'staging' }],
    ['a bare tag name', 'v2.0.0', { tag: 'v2.0.0', version: '2.0.0', channel: 'release', environment: 'production' }],
  ])('overrides GITHUB_REF (a branch push) with %s', async (_name, ref, expected) => {
    const result = await run({ ref: 'refs/heads/main', inputs: { ref, 'branch-environments': 'main=staging' } });
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ 'ref-type': 'tag', ...expected });
    expectSummary(result, ref);
  });
});

// ---------------------------------------------------------------------------------------------

const CUSTOM_RULES: Array<[string, string]> = [
  ['key=value lines', 'preview=development\nrc=staging\nrelease=prod\n*=sandbox'],
  ['a JSON object', '{"preview": "development", "rc": "staging", "release": "prod", "*": "sandbox"}'],
  ['a YAML mapping', '# channel: environment\npreview: development\nrc: staging\nrelease: prod\n"*": sandbox\n'],
];

describe('custom environments', () => {
  const cases = CUSTOM_RULES.flatMap(([form, rules]) =>
    (
      [
        [
          'v1.2.3-preview.3',
          { channel: 'preview', 'channel-number': '3', environment: 'development', 'is-prerelease': 'true', 'is-production': 'false' },
        ],
        ['v1.2.3', { channel: 'release', 'channel-number': '', environment: 'prod', 'is-prerelease': 'false', 'is-production': 'true' }],
        [
          'v1.2.3-foo.1',
          { channel: 'foo', 'channel-number': '1', environment: 'sandbox', 'is-prerelease': 'true', 'is-production': 'false' },
        ],
      ] as Array<[string, Partial<Outputs>]>
    ).map(([tag, expected]) => [form, tag, rules, expected] as [string, string, string, Partial<Outputs>]),
  );

  test.each(cases)('given as %s: %s', async (_form, tag, environments, expected) => {
    const result = await run({ ref: `refs/tags/${tag}`, inputs: { environments } });
    const prerelease = tag.includes('-') ? tag.slice(tag.indexOf('-') + 1) : '';
    expectOutputs(
      result,
      outputs({ tag, version: tag.slice(1), major: '1', minor: '2', patch: '3', prerelease, 'ref-type': 'tag', ...expected }),
    );
    expectSummary(result, `refs/tags/${tag}`);
  });

  test('the * fallback never applies to a plain release: without a release rule v1.2.3 fails', async () => {
    const result = await run({ ref: 'refs/tags/v1.2.3', inputs: { environments: 'rc=staging\n*=development' } });
    expectCleanFailure(result, [
      'Tag "v1.2.3" matches no environment rule: its channel "release" has no rule.',
      'Expected forms (tag-prefix "v"): v1.2.3-rc.1, v1.2.3-<channel>.1',
      'Rules (input "environments"):\n  rc=staging\n  *=development',
    ]);
  });

  test('a "release" prerelease never picks up the production rule', async () => {
    const result = await run({ ref: 'refs/tags/v1.2.3-release.1' });
    expectCleanFailure(result, ['Tag "v1.2.3-release.1" matches no environment rule', DEFAULT_FORMS, DEFAULT_RULES_TEXT]);
  });
});

describe('the YAML parser is a lazily loaded chunk of the bundle', () => {
  const bundleDir = join(REPO_ROOT, 'dist', ACTION);
  let root: string;

  beforeAll(() => {
    // A copy of the action whose bundle lacks its split chunks: what runs without them was not lazy.
    root = mkdtempSync(join(tmpdir(), 'deploy-kit-parse-version-nochunk-'));
    mkdirSync(join(root, ACTION));
    cpSync(join(REPO_ROOT, ACTION, 'action.yml'), join(root, ACTION, 'action.yml'));
    mkdirSync(join(root, 'dist', ACTION), { recursive: true });
    for (const file of ['index.js', 'package.json']) cpSync(join(bundleDir, file), join(root, 'dist', ACTION, file));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('the bundle has a split chunk next to index.js', () => {
    const chunks = readdirSync(bundleDir).filter((f) => f.endsWith('.js') && f !== 'index.js');
    expect(chunks.length).toBeGreaterThan(0);
  });

  test('key=value and JSON rules do not need the chunk; YAML rules do, and load it from the real bundle', async () => {
    const [, keyValue] = CUSTOM_RULES[0]!;
    const [, json] = CUSTOM_RULES[1]!;
    const [, yaml] = CUSTOM_RULES[2]!;
    for (const environments of [keyValue, json]) {
      const result = await runAction(ACTION, { root, ref: 'refs/tags/v1.2.3-foo.1', inputs: { environments } });
      expectSuccess(result);
      expect(result.outputs.environment).toBe('sandbox');
    }
    const withoutChunk = await runAction(ACTION, { root, ref: 'refs/tags/v1.2.3-foo.1', inputs: { environments: yaml } });
    expect(withoutChunk.exitCode).not.toBe(0);
    expect(withoutChunk.outputs).toEqual({});

    // From the repository's bundle, run from an unrelated working directory (the runner's workspace).
    const withChunk = await run({ ref: 'refs/tags/v1.2.3-foo.1', inputs: { environments: yaml } });
    expectSuccess(withChunk);
    expect(withChunk.outputs.environment).toBe('sandbox');
  });
});

// ---------------------------------------------------------------------------------------------

describe('branch refs', () => {
  const BRANCH_RULES = 'main=staging\nrelease/*=staging\nhotfix/**=development';
  test.each<[string, string, string, string]>([
    // ref, branch-environments, version, environment
    ['refs/heads/main', BRANCH_RULES, `main-${SHA7}`, 'staging'],
    ['refs/heads/release/2.4', BRANCH_RULES, `release-2.4-${SHA7}`, 'staging'],
    ['refs/heads/hotfix/payments/timeout', BRANCH_RULES, `hotfix-payments-timeout-${SHA7}`, 'development'],
    ['refs/heads/main', 'refs/heads/main=staging', `main-${SHA7}`, 'staging'],
  ])('%s with %j → %s in %s', async (ref, branchEnvironments, version, environment) => {
    const result = await run({ ref, inputs: { 'branch-environments': branchEnvironments } });
    expectOutputs(result, outputs({ version, channel: 'branch', environment, 'ref-type': 'branch' }));
    expectSummary(result, ref);
    expect(result.notices).toEqual([]);
  });

  test.each<[string, string]>([
    ['refs/heads/feature/login', 'main=staging\nrelease/*=staging'],
    ['refs/heads/release/2.4/extra', 'main=staging\nrelease/*=staging'], // * stays within one path segment
    ['refs/heads/main', ''],
  ])('an unmapped branch (%s, rules %j) succeeds with an empty environment and a notice', async (ref, rules) => {
    const result = await run({ ref, inputs: { 'branch-environments': rules } });
    const branch = ref.slice('refs/heads/'.length);
    expectOutputs(result, outputs({ version: `${branch.replaceAll('/', '-')}-${SHA7}`, channel: 'branch', 'ref-type': 'branch' }));
    expect(result.notices).toEqual([`No environment for ${ref}: no rule in "branch-environments" matches it.`]);
    expect(result.summary).toContain(`| ${ref} | ${result.outputs.version} | branch | — | no |`);
  });

  test.each<[string, string]>([
    ['Feature/ÜBER__Login@@Form!!', `feature-ber__login-form-${SHA7}`],
    ['..dots/and--dashes/-x-', `dots-and-dashes-x-${SHA7}`],
    ['Dependabot/npm_and_yarn/@types/node-20.19.1', `dependabot-npm_and_yarn-types-node-20.19.1-${SHA7}`],
    ['ÜÜÜ', `branch-${SHA7}`],
    ['a'.repeat(300), `${'a'.repeat(128 - 8)}-${SHA7}`],
  ])('branch %j gives a valid Docker tag as version (%s)', async (branch, version) => {
    const result = await run({ ref: `refs/heads/${branch}` });
    expectSuccess(result);
    expect(result.outputs.version).toBe(version);
    expect(result.outputs.version).toMatch(DOCKER_TAG);
    expect(result.outputs.tag).toBe('');
    expect(result.outputs['ref-type']).toBe('branch');
  });
});

describe('pull requests', () => {
  test.each<[string, string, string]>([
    ['no rule', '', ''],
    ['pull-request=preview', 'main=staging\npull-request=preview', 'preview'],
  ])('refs/pull/42/merge on a pull_request event, %s', async (_name, rules, environment) => {
    const result = await run({
      eventName: 'pull_request',
      ref: 'refs/pull/42/merge',
      event: pullRequestEvent(42),
      inputs: { 'branch-environments': rules },
    });
    expectOutputs(result, outputs({ version: `pr-42-${SHA7}`, channel: 'pr', environment, 'ref-type': 'pr' }));
    expectSummary(result, 'refs/pull/42/merge');
    expect(result.notices).toEqual(
      environment === '' ? ['No environment for refs/pull/42/merge: no rule in "branch-environments" matches it.'] : [],
    );
  });

  test('pull_request_target runs on the base branch ref, and still is pull request #42, not a push to main', async () => {
    const result = await run({
      eventName: 'pull_request_target',
      ref: 'refs/heads/main',
      event: pullRequestEvent(42),
      inputs: { 'branch-environments': 'main=staging\npull-request=preview' },
    });
    expectOutputs(result, outputs({ version: `pr-42-${SHA7}`, channel: 'pr', environment: 'preview', 'ref-type': 'pr' }));
  });

  test.each<[string, string]>([
    ['production', 'production'],
    ['Production (environment names are case-insensitive)', 'Production'],
  ])('pull-request=%s is refused', async (_name, environment) => {
    const result = await run({
      eventName: 'pull_request',
      ref: 'refs/pull/42/merge',
      event: pullRequestEvent(42),
      inputs: { 'branch-environments': `pull-request=${environment}` },
    });
    expectCleanFailure(result, [
      `Pull request #42 maps to "${environment}", the production environment: pull requests never deploy to production.`,
      'release=production',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('failures', () => {
  const notSemver = (tag: string, rest: string, problem: string) => [
    `Tag "${tag}" is not a release version: after the prefix "v", "${rest}" is not a SemVer 2.0 version: ${problem}.`,
    DEFAULT_FORMS,
    `Rules (input "environments"):\n${DEFAULT_RULES_TEXT}`,
  ];
  test.each<[string, RunActionOptions, string[]]>([
    [
      'v1.2',
      { ref: 'refs/tags/v1.2' },
      notSemver('v1.2', '1.2', 'it has 2 numeric parts where SemVer needs exactly three (MAJOR.MINOR.PATCH)'),
    ],
    [
      'v1.2.3.4',
      { ref: 'refs/tags/v1.2.3.4' },
      notSemver('v1.2.3.4', '1.2.3.4', 'it has 4 numeric parts where SemVer needs exactly three (MAJOR.MINOR.PATCH)'),
    ],
    ['v01.2.3', { ref: 'refs/tags/v01.2.3' }, notSemver('v01.2.3', '01.2.3', 'numbers must not have leading zeros')],
    [
      'v1.2.3-rc.01',
      { ref: 'refs/tags/v1.2.3-rc.01' },
      notSemver('v1.2.3-rc.01', '1.2.3-rc.01', 'numeric prerelease identifiers must not have leading zeros'),
    ],
    // Valid SemVer, refused because the number cannot be compared exactly (issue 20, item 13): the
    // error says which number and the limit, not "not MAJOR.MINOR.PATCH".
    [
      'v99999999999999999999999.0.0',
      { ref: 'refs/tags/v99999999999999999999999.0.0' },
      [
        'Tag "v99999999999999999999999.0.0" is not a release version: after the prefix "v", "99999999999999999999999.0.0" is SemVer 2.0 but cannot be used: its MAJOR 99999999999999999999999 is larger than 9007199254740991 (Number.MAX_SAFE_INTEGER), the largest number versions can be compared by exactly.',
        DEFAULT_FORMS,
        'numbers up to 9007199254740991',
      ],
    ],
    [
      'v1.2.3-foo.1 (strict)',
      { ref: 'refs/tags/v1.2.3-foo.1' },
      [
        'Tag "v1.2.3-foo.1" matches no environment rule: its channel "foo" has no rule and there is no "*" fallback.',
        DEFAULT_FORMS,
        `Rules (input "environments"):\n${DEFAULT_RULES_TEXT}`,
        'foo=development',
      ],
    ],
    [
      'a tag without the prefix',
      { ref: 'refs/tags/release-1.2.3' },
      [
        'Tag "release-1.2.3" is not a release version: it does not start with the tag prefix "v".',
        DEFAULT_FORMS,
        DEFAULT_RULES_TEXT,
        '`tag-prefix`',
      ],
    ],
    [
      'a plain tag where the monorepo prefix is expected',
      { ref: 'refs/tags/v1.2.3', inputs: { 'tag-prefix': 'orders/v' } },
      [
        'Tag "v1.2.3" is not a release version: it does not start with the tag prefix "orders/v".',
        'Expected forms (tag-prefix "orders/v"): orders/v1.2.3-alpha.1',
      ],
    ],
    [
      'an empty ref (no GITHUB_REF, no ref input)',
      { env: { GITHUB_REF: undefined } },
      ['No git ref was given, so there is no version to parse.', 'GITHUB_REF is not set', 'set the `ref` input'],
    ],
    [
      'strict: maybe',
      { ref: 'refs/tags/v1.2.3', inputs: { strict: 'maybe' } },
      ['Input "strict": not a boolean; expected `true` or `false`. Got: maybe'],
    ],
    [
      'a malformed environments line',
      { ref: 'refs/tags/v1.2.3', inputs: { environments: 'alpha=development\nrc staging\nrelease=production' } },
      [
        'Input "environments": line "rc staging" is not key=value; expected one `key=value` per line, a JSON object or a YAML mapping. Got: rc staging',
      ],
    ],
    [
      'an environments rule with a bad channel name',
      { ref: 'refs/tags/v1.2.3', inputs: { environments: 'rc candidate=staging' } },
      ['Input "environments": "rc candidate" is not a valid channel name'],
    ],
    [
      'refs/notes/x',
      { ref: 'refs/notes/x' },
      ['Unsupported git ref "refs/notes/x": expected refs/tags/<tag>, refs/heads/<branch>, refs/pull/<number>/merge'],
    ],
  ])('%s', async (_name, options, parts) => {
    const result = await run(options);
    expectCleanFailure(result, parts);
  });

  test('the README error example is what the action prints for v1.2', async () => {
    const readme = readFileSync(join(REPO_ROOT, ACTION, 'README.md'), 'utf8');
    const example = /## Errors[\s\S]*?```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const result = await run({ ref: 'refs/tags/v1.2' });
    const shown = example!.split('\n').filter((line) => line.trim() !== '' && line.trim() !== '...');
    for (const line of shown) expect(result.errors[0]).toContain(line);
  });

  test('strict: false turns an unknown channel into success with an empty environment', async () => {
    const result = await run({ ref: 'refs/tags/v1.2.3-foo.1', inputs: { strict: false } });
    expectOutputs(
      result,
      outputs({
        tag: 'v1.2.3-foo.1',
        version: '1.2.3-foo.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'foo.1',
        channel: 'foo',
        'channel-number': '1',
        'is-prerelease': 'true',
        'ref-type': 'tag',
      }),
    );
    expect(result.notices).toEqual(['No environment for refs/tags/v1.2.3-foo.1: no rule in "environments" matches it.']);
    expectSummary(result, 'refs/tags/v1.2.3-foo.1');
  });

  test('strict: false turns a non-SemVer tag into success with an empty environment', async () => {
    const result = await run({ ref: 'refs/tags/v1.2', inputs: { strict: 'false' } });
    expectOutputs(result, outputs({ tag: 'v1.2', version: '1.2', 'ref-type': 'tag' }));
    expect(result.notices).toHaveLength(1);
  });

  test('with ACTIONS_STEP_DEBUG an expected failure still has no stack trace', async () => {
    const result = await run({ ref: 'refs/tags/v1.2', debug: true });
    expectCleanFailure(result, ['Tag "v1.2" is not a release version']);
    expect(result.debug.join('\n')).not.toMatch(STACK_FRAME);
  });
});

// ---------------------------------------------------------------------------------------------

describe('README Outputs table', () => {
  // The README's three example columns, checked against real runs with sha 0123abc….
  const README_SHA = `0123abc${'0'.repeat(33)}`;
  const readme = readFileSync(join(REPO_ROOT, ACTION, 'README.md'), 'utf8');
  const section = /## Outputs\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, line.endsWith('|') ? -1 : undefined)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  const [header = [], , ...body] = rows;
  const columns = header.slice(1).map((cell) => cell.replace(/^`|`$/g, ''));

  /** `a` / `b` → ['a', 'b']; an empty cell → all empty; descriptive text → undefined (not checked). */
  const values = (cell: string, count: number): string[] | undefined => {
    if (cell === '') return Array.from({ length: count }, () => '');
    const parts = cell.split(' / ');
    return parts.every((p) => /^`[^`]*`$/.test(p)) ? parts.map((p) => p.slice(1, -1)) : undefined;
  };

  test('has the three example columns', () => {
    expect(columns).toEqual(['v1.2.3-rc.10+build.5', 'refs/heads/feature/Login_Form', 'refs/pull/42/merge']);
    const documented = body.flatMap((row) => row[0]!.split(' / ').map((name) => name.replace(/`/g, ''))).sort();
    expect(documented).toEqual(DECLARED_OUTPUTS);
  });

  test.each(columns.map((column, index) => [column, index] as [string, number]))('column %s matches a real run', async (column, index) => {
    const options: RunActionOptions = column.startsWith('refs/pull/')
      ? { eventName: 'pull_request', ref: column, event: pullRequestEvent(Number(column.split('/')[2])) }
      : column.startsWith('refs/')
        ? { ref: column }
        : { ref: 'refs/heads/main', inputs: { ref: column } };
    const result = await run({ ...options, sha: README_SHA });
    expectSuccess(result);
    let checked = 0;
    for (const row of body) {
      const names = row[0]!.split(' / ').map((name) => name.replace(/`/g, ''));
      if (names[0] === 'json') {
        // "all of the above as one JSON object": the json output holds the single outputs.
        expect(result.json).toEqual(JSON.parse(result.outputs.json!));
        continue;
      }
      const expected = values(row[index + 1] ?? '', names.length);
      if (expected === undefined) continue;
      expect(names.map((name) => [name, result.outputs[name]])).toEqual(names.map((name, i) => [name, expected[i]]));
      checked += names.length;
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });
});
