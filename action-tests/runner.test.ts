// Self-tests of the harness (lib/runner.mjs + harness.ts) against a fake action copied into a temp
// root, so they do not depend on any real action being built.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_REPOSITORY,
  DEFAULT_SHA,
  DEFAULT_TOKEN,
  SecretLeakError,
  discoverActions,
  expectFailure,
  expectSuccess,
  findLeaks,
  listActions,
  listCompositeActions,
  parseFileCommand,
  processCommands,
  readActionYml,
  runAction,
  type RunActionOptions,
  type RunResult,
} from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
let root: string;
const run = (mode: string, options: RunActionOptions = {}): Promise<RunResult> =>
  runAction('fake', { root, ...options, env: { MODE: mode, ...options.env } });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'deploy-kit-runner-test-'));
  cpSync(join(here, 'fixtures', 'fake-action'), join(root, 'fake'), { recursive: true });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('file commands', () => {
  test('outputs (name=value and heredoc), env, path, state and summary are parsed back', async () => {
    const r = await run('files');
    expectSuccess(r);
    expect(r.outputs).toEqual({
      simple: 'a=b=c',
      multi: 'line one\nname=not-a-key\nx<<EOF\n\nlast line',
      empty: '',
      json: '{"simple":"a=b=c","n":1}',
    });
    expect(r.json).toEqual({ simple: 'a=b=c', n: 1 });
    expect(r.env).toEqual({ DEPLOY_NOTE: 'first\nsecond', PLAIN: '1' });
    expect(r.path).toEqual(['/opt/fake/bin']);
    expect(r.state).toEqual({ pid: '4711' });
    expect(r.summary).toBe('| key | value |\n|---|---|\n| simple | a=b=c |\n');
    expect(r.stdout).toBe('done\n');
    expect(r.log).toBe('done');
    expect(r.exitCode).toBe(0);
    expect(r.timedOut).toBe(false);
  });

  test('a heredoc without its closing delimiter is a problem, and expectSuccess says so', async () => {
    const r = await run('bad-heredoc');
    expect(r.exitCode).toBe(0);
    expect(r.problems).toEqual(["GITHUB_OUTPUT: Invalid value. Matching delimiter not found 'EOF'"]);
    expect(() => expectSuccess(r)).toThrow(/1 runner problem.*\n[\s\S]*Matching delimiter not found/);
  });

  test.each<[string, string, Array<[string, string]>]>([
    ['name=value', 'a=1\n', [['a', '1']]],
    ['value keeps later = signs', 'a=b=c\n', [['a', 'b=c']]],
    ['= before << is name=value', 'a=x<<y\n', [['a', 'x<<y']]],
    ['<< before = is a heredoc', 'a<<E=\nv\nE=\n', [['a', 'v']]],
    [
      'CRLF lines',
      'a=1\r\nb<<E\r\nl1\r\nl2\r\nE\r\n',
      [
        ['a', '1'],
        ['b', 'l1\r\nl2'],
      ],
    ],
    ['empty heredoc', 'a<<E\nE\n', [['a', '']]],
    [
      'blank lines skipped, last wins later',
      '\na=1\n\na=2\n',
      [
        ['a', '1'],
        ['a', '2'],
      ],
    ],
    ['no trailing newline', 'a=1', [['a', '1']]],
  ])('parseFileCommand: %s', (_label, text, expected) => {
    expect(parseFileCommand(text)).toEqual(expected);
  });

  test.each([
    ['no = or <<', 'justtext\n', "Invalid format 'justtext'"],
    ['empty name', '=v\n', 'Name must not be empty'],
    ['empty delimiter', 'a<<\nx\n', 'delimiter must not be empty'],
    ['missing delimiter', 'a<<E\nv\n', "Matching delimiter not found 'E'"],
  ])('parseFileCommand rejects %s', (_label, text, message) => {
    expect(() => parseFileCommand(text)).toThrow(message);
  });
});

describe('inputs', () => {
  test('declared inputs become INPUT_<NAME> with defaults and ${{ github.* }} expressions', async () => {
    const r = await run('inputs', { inputs: { count: 3, 'dry run': true }, ref: 'refs/tags/v1.2.3' });
    expectSuccess(r);
    expect(JSON.parse(r.outputs.inputs!)).toEqual({
      'INPUT_TAG-PREFIX': 'v',
      INPUT_DRY_RUN: 'true',
      INPUT_COUNT: '3',
      INPUT_REF: 'refs/tags/v1.2.3',
      INPUT_SHA: DEFAULT_SHA,
      INPUT_REPOSITORY: DEFAULT_REPOSITORY,
      INPUT_HEAD: 'no-head',
    });
    expect(r.outputs['token-sha256']).toBe(createHash('sha256').update(DEFAULT_TOKEN).digest('hex'));
    expect(r.inputs).toMatchObject({ 'dry run': 'true', count: '3', 'tag-prefix': 'v' });
  });

  test('defaults: YAML false becomes "false", a missing default becomes "", || falls through to github.event', async () => {
    const r = await run('inputs', {
      sha: 'f'.repeat(40),
      repository: 'acme/api',
      event: { head_commit: { id: 'abc123' } },
      token: 'ghs_OtherToken_9876543210',
    });
    expectSuccess(r);
    expect(JSON.parse(r.outputs.inputs!)).toMatchObject({
      INPUT_DRY_RUN: 'false',
      INPUT_COUNT: '',
      INPUT_SHA: 'f'.repeat(40),
      INPUT_REPOSITORY: 'acme/api',
      INPUT_HEAD: 'abc123',
    });
    expect(r.outputs['token-sha256']).toBe(createHash('sha256').update('ghs_OtherToken_9876543210').digest('hex'));
  });

  test('an input that action.yml does not declare is a test bug and throws', async () => {
    await expect(run('inputs', { inputs: { tag_prefix: 'x' } })).rejects.toThrow(
      /Unexpected input\(s\) 'tag_prefix' for action "fake"; valid inputs are \['tag-prefix', 'dry run'/,
    );
  });

  test('an input value of the wrong type throws', async () => {
    await expect(run('inputs', { inputs: { count: null as unknown as string } })).rejects.toThrow(
      'options.inputs["count"] must be a string, boolean or number, got null',
    );
  });

  test('an expression the harness cannot evaluate throws instead of running with a wrong default', async () => {
    mkdirSync(join(root, 'uses-secret'), { recursive: true });
    writeFileSync(
      join(root, 'uses-secret', 'action.yml'),
      'name: x\ndescription: x\ninputs:\n  key:\n    description: k\n    default: ${{ secrets.KEY }}\nruns:\n  using: node24\n  main: ../fake/index.mjs\n',
    );
    await expect(runAction('uses-secret', { root })).rejects.toThrow(/Cannot evaluate \$\{\{ secrets\.KEY \}\}/);
    // ...but given explicitly it runs (the default is not evaluated)
    const r = await runAction('uses-secret', { root, inputs: { key: 'k' }, env: { MODE: 'files' } });
    expectSuccess(r);
  });
});

describe('environment', () => {
  test('starts from a clean environment: nothing from the test process leaks in', async () => {
    process.env.DEPLOY_KIT_SHOULD_NOT_LEAK = 'x';
    try {
      const r = await run('env');
      expectSuccess(r);
      const keys: string[] = JSON.parse(r.outputs.keys!);
      expect(keys).not.toContain('DEPLOY_KIT_SHOULD_NOT_LEAK');
      expect(keys).not.toContain('NODE_OPTIONS');
      expect(keys).not.toContain('JEST_WORKER_ID');
      expect(keys).not.toContain('GITHUB_TOKEN');
      const unexpected = keys.filter((k) => !/^(PATH|HOME|LANG|TZ|CI|MODE|GITHUB_[A-Z_]+|RUNNER_[A-Z_]+|INPUT_.+)$/.test(k));
      expect(unexpected).toEqual([]);
      expect(keys).not.toContain('RUNNER_DEBUG');
      expect(keys).not.toContain('ACTIONS_STEP_DEBUG');
    } finally {
      delete process.env.DEPLOY_KIT_SHOULD_NOT_LEAK;
    }
  });

  test('sets the runner variables, derives GITHUB_REF_NAME/TYPE and writes the event payload', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'deploy-kit-ws-'));
    try {
      const r = await run('env', {
        ref: 'refs/tags/api/v2.0.0-rc.1',
        eventName: 'push',
        cwd: workspace,
        debug: true,
        state: { pid: '7' },
        env: { GITHUB_API_URL: 'http://127.0.0.1:9999/api/v3' },
      });
      expectSuccess(r);
      const vars: Record<string, string> = JSON.parse(r.outputs.vars!);
      expect(vars).toMatchObject({
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REF: 'refs/tags/api/v2.0.0-rc.1',
        GITHUB_REF_NAME: 'api/v2.0.0-rc.1',
        GITHUB_REF_TYPE: 'tag',
        GITHUB_SHA: DEFAULT_SHA,
        GITHUB_REPOSITORY: 'example-org/sample-service',
        GITHUB_REPOSITORY_OWNER: 'example-org',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_API_URL: 'http://127.0.0.1:9999/api/v3',
        GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
        GITHUB_WORKSPACE: workspace,
        GITHUB_ACTION_PATH: join(root, 'fake'),
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
        RUNNER_DEBUG: '1',
        ACTIONS_STEP_DEBUG: 'true',
        STATE_pid: '7',
      });
      for (const k of [
        'GITHUB_RUN_ID',
        'GITHUB_RUN_NUMBER',
        'GITHUB_RUN_ATTEMPT',
        'GITHUB_ACTOR',
        'GITHUB_WORKFLOW',
        'GITHUB_JOB',
        'GITHUB_ACTION',
        'RUNNER_NAME',
      ]) {
        expect(vars[k]).toMatch(/\S/);
      }
      for (const k of [
        'GITHUB_OUTPUT',
        'GITHUB_ENV',
        'GITHUB_PATH',
        'GITHUB_STATE',
        'GITHUB_STEP_SUMMARY',
        'GITHUB_EVENT_PATH',
        'RUNNER_TEMP',
        'RUNNER_TOOL_CACHE',
      ]) {
        expect(vars[k]).toMatch(/^\//);
        expect(vars[k]!.startsWith(workspace)).toBe(false);
      }
      expect(r.outputs.cwd).toBe(workspace);
      expect(JSON.parse(r.outputs.event!)).toMatchObject({
        ref: 'refs/tags/api/v2.0.0-rc.1',
        after: DEFAULT_SHA,
        repository: { full_name: 'example-org/sample-service', owner: { login: 'example-org' } },
      });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test.each([
    ['refs/heads/feature/x', 'feature/x', 'branch'],
    ['refs/pull/12/merge', '12/merge', 'branch'],
    ['refs/tags/v1', 'v1', 'tag'],
  ])('ref %s -> GITHUB_REF_NAME %s, GITHUB_REF_TYPE %s', async (ref, name, type) => {
    const r = await run('env', {
      ref,
      eventName: 'pull_request',
      event: { pull_request: { head: { ref: 'feat' }, base: { ref: 'main' } } },
    });
    const vars: Record<string, string> = JSON.parse(r.outputs.vars!);
    expect([vars.GITHUB_REF_NAME, vars.GITHUB_REF_TYPE, vars.GITHUB_HEAD_REF, vars.GITHUB_BASE_REF]).toEqual([name, type, 'feat', 'main']);
  });
});

describe('workflow commands', () => {
  test('annotations, groups, debug and escapes are decoded; ::set-output is reported', async () => {
    const r = await run('commands');
    expect(r.exitCode).toBe(0);
    expect(r.errors).toEqual(['bad % value']);
    expect(r.warnings).toEqual(['first\nsecond']);
    expect(r.notices).toEqual(['note with %3A and %2C kept literal in data', 'after resume']);
    expect(r.debug).toEqual(['looking at 3 files']);
    expect(r.groups).toEqual(['Resolve % things']);
    expect(r.annotations).toEqual([
      { level: 'warning', message: 'first\nsecond', properties: { title: 'Heads up', file: 'src/a.ts', line: '3' } },
      { level: 'error', message: 'bad % value', properties: { file: 'src/b,c.ts', line: '10', col: '2' } },
    ]);
    expect(r.outputs).toEqual({ legacy: 'old-style' });
    expect(r.problems).toEqual(['deprecated ::set-output command used (name=legacy); write to $GITHUB_OUTPUT instead']);
    expect(r.log.split('\n')).toEqual(
      [
        'plain line',
        '##[group]Resolve % things',
        '##[warning]Heads up: src/a.ts:3: first\nsecond',
        '##[notice]note with %3A and %2C kept literal in data',
        '##[endgroup]',
        '##[error]src/b,c.ts:10:2: bad % value',
        '::unknown-command::stays in log',
        '::error::not a command while stopped',
        '##[notice]after resume',
      ]
        .join('\n')
        .split('\n'),
    );
    expect(() => expectSuccess(r)).toThrow(/::error:: annotation.*runner problem/);
  });

  test('debug lines appear in the log only with debug: true', async () => {
    const r = await run('commands', { debug: true });
    expect(r.log).toContain('##[debug]looking at 3 files');
  });

  test('processCommands works on text directly (stderr lines are commands too)', () => {
    const p = processCommands('::add-mask::abc\n::add-mask::  \n::save-state name=a::1\n::set-env name=X::y\n');
    expect(p.masked).toEqual(['abc']);
    expect(p.warnings).toEqual(["Can't add secret mask for empty string in ##[add-mask] command."]);
    expect(p.state).toEqual({ a: '1' });
    expect(p.problems).toHaveLength(2);
    expect(p.errors).toEqual(["Unable to process command '::set-env name=X::y' successfully."]);
    expect(p.log).toBe("##[error]Unable to process command '::set-env name=X::y' successfully.");
  });
});

describe('secret leak check', () => {
  test('a value registered with ::add-mask:: and never printed is fine; log hides the mask line', async () => {
    const r = await run('mask-only');
    expectSuccess(r);
    expect(r.masked).toEqual(['s3cr3t-value-123']);
    expect(r.log).toBe('working with the secret, not printing it');
    expect(r.outputs).toEqual({ ok: 'yes' });
  });

  test('printing a masked value rejects, naming the stream and showing the secret redacted', async () => {
    const err = await run('leak-stdout').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SecretLeakError);
    const leak = err as SecretLeakError;
    expect(leak.message).toBe('Secret leak: stdout contains secret s3***(16 chars)');
    expect(leak.message).not.toContain('s3cr3t-value-123');
    expect(leak.leaks.map((l) => l.where)).toEqual(['stdout']);
    // the runner's own log would have masked it
    expect(leak.result.log).toBe('the password is ***');
  });

  test.each([
    ['leak-stderr', { API_KEY: 'AKIAFAKEKEY000111' }, 'stderr'],
    ['leak-summary', { API_KEY: 'AKIAFAKEKEY000111' }, 'summary'],
    // a multi-line secret inside a JSON output appears JSON-escaped; still a leak
    ['leak-json', { PRIVATE_KEY: '-----BEGIN KEY-----\nMIIfake\n-----END KEY-----' }, 'outputs.json'],
  ])('options.secrets: %s is detected', async (mode, env, where) => {
    const secret = Object.values(env)[0]!;
    await expect(run(mode, { env, secrets: [secret] })).rejects.toThrow(
      `Secret leak: ${where} contains secret ${secret.slice(0, 2)}***(${secret.length} chars)`,
    );
  });

  test('the same runs pass when the value is not declared secret (the check is what fails them)', async () => {
    const r = await run('leak-stderr', { env: { API_KEY: 'AKIAFAKEKEY000111' } });
    expect(r.stderr).toContain('AKIAFAKEKEY000111');
  });

  test('findLeaks checks stdout (except ::add-mask:: lines), stderr, outputs, env, state, path and summary', () => {
    const s = 'hunter2hunter2';
    expect(findLeaks({ stdout: `::add-mask::${s}\nok\n`, stderr: '' }, [s])).toEqual([]);
    const leaks = findLeaks(
      {
        stdout: `x ${s}`,
        stderr: s,
        outputs: { a: s, [s]: 'name is secret' },
        env: { E: s },
        state: { S: `pre${s}post` },
        path: [`/bin/${s}`],
        summary: s,
      },
      [s, '', '   '],
    );
    expect(leaks.map((l) => l.where)).toEqual(['stdout', 'stderr', 'summary', 'outputs.a', `outputs.${s}`, 'env.E', 'state.S', 'path[0]']);
    expect(leaks.every((l) => l.redacted === 'hu***(14 chars)')).toBe(true);
  });
});

describe('exit codes, failures and timeouts', () => {
  test('a failing action resolves with exit 1 and its ::error::; expectFailure accepts it', async () => {
    const r = await run('fail');
    expectFailure(r, 'Could not parse ref "refs/heads/x"\nCheck: the tag-prefix input');
    expectFailure(r, /tag-prefix/);
    expect(() => expectFailure(r, 'something else')).toThrow(/no ::error:: annotation contains "something else"/);
    let message = '';
    try {
      expectSuccess(r);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('exit code 1 (expected 0)');
    expect(message).toContain('stack-free failure detail on stderr');
    expect(message).toContain('##[error]Could not parse ref');
  });

  test('expectFailure rejects a successful run and a failure without an ::error::', async () => {
    const ok = await run('files');
    expect(() => expectFailure(ok, 'x')).toThrow(/exit code 0 \(expected 1\).*there was no ::error:: annotation/);
    const other = await run('no-such-mode');
    expect(other.exitCode).toBe(2);
    expect(() => expectFailure(other, 'unknown MODE')).toThrow(/exit code 2 \(expected 1\)/);
  });

  test('a hanging action is killed at timeoutMs and reported', async () => {
    const r = await run('hang', { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe('SIGTERM');
    expect(r.durationMs).toBeGreaterThanOrEqual(300);
    expect(r.durationMs).toBeLessThan(5000);
    expect(r.problems).toEqual(['timed out after 300 ms and was killed']);
    expect(() => expectSuccess(r)).toThrow(/timed out/);
  });

  test('an action that ignores SIGTERM is SIGKILLed', async () => {
    const r = await run('hang-ignore-term', { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(r.log).toContain('ignoring SIGTERM');
  }, 15000);
});

describe('entries and action.yml', () => {
  test('entry: post runs runs.post (resolved next to action.yml) with STATE_ variables', async () => {
    const r = await run('files', { entry: 'post', state: { pid: '4711', token_file: '/tmp/x' } });
    expectSuccess(r);
    expect(JSON.parse(r.outputs.state!)).toEqual({ STATE_pid: '4711', STATE_token_file: '/tmp/x' });
    expect(r.log).toBe('cleaned up');
  });

  test('missing action, missing bundle and undeclared post entry are reported clearly', async () => {
    await expect(runAction('nope', { root })).rejects.toThrow(/No action.yml for action "nope"/);
    mkdirSync(join(root, 'unbuilt'), { recursive: true });
    writeFileSync(join(root, 'unbuilt', 'action.yml'), 'name: u\nruns:\n  using: node24\n  main: ../dist/unbuilt/index.js\n');
    await expect(runAction('unbuilt', { root })).rejects.toThrow(/runs.main points at .*dist\/unbuilt\/index.js, which does not exist/);
    await expect(runAction('unbuilt', { root, entry: 'post' })).rejects.toThrow(/runs.post is not declared/);
  });

  test('discovery lists node and composite actions separately and skips folders without action.yml', () => {
    const r = mkdtempSync(join(tmpdir(), 'deploy-kit-discover-'));
    try {
      const put = (dir: string, file: string, text: string) => {
        mkdirSync(join(r, dir), { recursive: true });
        writeFileSync(join(r, dir, file), text);
      };
      put('b-node', 'action.yml', 'name: b\nruns:\n  using: node24\n  main: x.js\n');
      put('a-node', 'action.yaml', 'name: a\nruns:\n  using: node20\n  main: x.js\n');
      put('release', 'action.yml', 'name: r\nruns:\n  using: composite\n  steps: []\n');
      put('img', 'action.yml', "name: i\nruns:\n  using: docker\n  image: 'Dockerfile'\n");
      put('docs', 'README.md', '# not an action\n');
      put('.hidden', 'action.yml', 'name: h\nruns:\n  using: node24\n  main: x.js\n');
      put('node_modules/pkg', 'action.yml', 'name: p\nruns:\n  using: node24\n  main: x.js\n');
      expect(listActions(r)).toEqual(['a-node', 'b-node']);
      expect(listCompositeActions(r)).toEqual(['release']);
      expect(discoverActions(r).map((a) => [a.name, a.kind, a.using])).toEqual([
        ['a-node', 'node', 'node20'],
        ['b-node', 'node', 'node24'],
        ['img', 'docker', 'docker'],
        ['release', 'composite', 'composite'],
      ]);
      expect(readActionYml('release', r).runs.using).toBe('composite');
    } finally {
      rmSync(r, { recursive: true, force: true });
    }
  });
});
