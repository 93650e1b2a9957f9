/**
 * runner.ts stands in for @actions/core on the hot path (see its header for the measured reason), so
 * it is checked against @actions/core itself: each call made through both, the environment files
 * read back the way the runner reads them and stdout compared byte for byte. Where they differ on
 * purpose (neutralised log lines, no fallback to disabled workflow commands outside a runner) the
 * test says so.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import * as realFs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { EOL, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// runner.ts writes log lines straight to fd 1 (writeSync); @actions/core through process.stdout.
const stdout: Buffer[] = [];
let eagainLeft = 0;
jest.unstable_mockModule('node:fs', () => {
  const writeSync = (fd: number, data: Uint8Array, ...rest: unknown[]): number => {
    if (fd !== 1) return (realFs.writeSync as (...args: unknown[]) => number)(fd, data, ...rest);
    if (eagainLeft > 0) {
      eagainLeft--;
      throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    }
    // A pipe may take part of a write; take at most 64 bytes at a time so the rest is retried.
    const taken = Math.min(data.length, 64);
    stdout.push(Buffer.from(data.subarray(0, taken)));
    return taken;
  };
  return { ...realFs, default: { ...realFs, writeSync }, writeSync };
});

const ours = await import('../src/runner.js');
const actions = await import('@actions/core');

type Runner = typeof ours | typeof actions;

let dir: string;
const FILES = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'] as const;
const saved = { ...process.env };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-protocol-'));
  stdout.length = 0;
  eagainLeft = 0;
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(Buffer.from(chunk));
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Fresh environment files, the call, then what the runner would read: each file's commands, and stdout. */
function observe(
  call: () => void,
  withFiles = true,
): { files: Record<string, unknown>; stdout: string; exitCode: typeof process.exitCode } {
  const sub = mkdtempSync(join(dir, 'run-'));
  for (const name of FILES) {
    if (withFiles) {
      process.env[name] = join(sub, name);
      writeFileSync(join(sub, name), '');
    } else delete process.env[name];
  }
  stdout.length = 0;
  process.exitCode = undefined;
  call();
  const files: Record<string, unknown> = {};
  if (withFiles) for (const name of FILES) files[name] = readEnvironmentFile(readFileSync(join(sub, name), 'utf8'), name);
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  return { files, stdout: Buffer.concat(stdout).toString('utf8'), exitCode };
}

/**
 * The runner's reading of an environment file: `name<<delimiter` heredocs (the delimiter must close
 * the value on a line of its own) for OUTPUT/ENV/STATE, one path per line for PATH, raw Markdown for
 * the summary.
 */
function readEnvironmentFile(text: string, name: string): unknown {
  if (name === 'GITHUB_PATH') return text.split(EOL).filter((line) => line !== '');
  if (name === 'GITHUB_STEP_SUMMARY') return text;
  const values: Array<[string, string]> = [];
  const lines = text.split(EOL);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!heredoc) throw new Error(`line ${i + 1} is not name<<delimiter: ${lines[i]}`);
    const end = lines.indexOf(heredoc[2]!, i + 1);
    if (end < 0) throw new Error(`no closing delimiter for ${heredoc[1]}`);
    expect(heredoc[2]).toMatch(/^ghadelimiter_[0-9a-f-]{36}$/);
    values.push([heredoc[1]!, lines.slice(i + 1, end).join(EOL)]);
    i = end;
  }
  return values;
}

/** The same call through runner.ts and through @actions/core: the same files and stdout. */
function expectSame(call: (runner: Runner) => void): ReturnType<typeof observe> {
  const mine = observe(() => call(ours));
  const reference = observe(() => call(actions));
  expect(mine).toEqual(reference);
  return mine;
}

describe('runner.ts speaks the protocol exactly as @actions/core does', () => {
  test.each([
    ['a one-line value', 'v1.2.3'],
    ['an empty value', ''],
    ['several lines', 'a\nb\r\nc'],
    ['text that looks like a command', '::add-mask::x'],
    ['a JSON document', JSON.stringify({ tags: ['x:1', 'x:2'] })],
  ])('setOutput, exportVariable and saveState with %s', (_, value) => {
    const seen = expectSame((runner) => {
      runner.setOutput('out', value);
      runner.exportVariable('DEPLOY_KIT_VAR', value);
      runner.saveState('state', value);
    });
    expect(seen.files.GITHUB_OUTPUT).toEqual([['out', value]]);
    expect(seen.files.GITHUB_ENV).toEqual([['DEPLOY_KIT_VAR', value]]);
    expect(seen.files.GITHUB_STATE).toEqual([['state', value]]);
    expect(process.env.DEPLOY_KIT_VAR).toBe(value);
  });

  test('setOutputs: one append, read back as the same outputs as one @actions/core setOutput each', () => {
    const entries: Array<[string, string]> = [
      ['tag', 'v1.2.3'],
      ['tags', 'a:1\na:2'],
      ['empty', ''],
      ['json', JSON.stringify({ tag: 'v1.2.3' })],
    ];
    const mine = observe(() => ours.setOutputs(entries));
    const reference = observe(() => entries.forEach(([name, value]) => actions.setOutput(name, value)));
    expect(mine).toEqual(reference);
    expect(mine.files.GITHUB_OUTPUT).toEqual(entries);
  });

  test('exportVariables: one append, the same GITHUB_ENV and process.env as one exportVariable each', () => {
    const entries: Array<[string, string]> = [
      ['DEPLOY_KIT_A', 'a'],
      ['DEPLOY_KIT_B', 'line 1\nline 2'],
    ];
    const mine = observe(() => ours.exportVariables(entries));
    expect([process.env.DEPLOY_KIT_A, process.env.DEPLOY_KIT_B]).toEqual(['a', 'line 1\nline 2']);
    delete process.env.DEPLOY_KIT_A;
    delete process.env.DEPLOY_KIT_B;
    const reference = observe(() => entries.forEach(([name, value]) => actions.exportVariable(name, value)));
    expect(mine).toEqual(reference);
    expect(mine.files.GITHUB_ENV).toEqual(entries);
  });

  test('a value that contains the delimiter first drawn gets another one, not a failure', () => {
    const draws = [0.1, 0.1, 0.1];
    let i = 0;
    const fixed = () => draws[i++ % draws.length]!;
    const first = ours.heredocDelimiter('out', '', fixed);
    expect(first).toMatch(/^ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The same draws again would give `first`; a value holding it makes the next draw count.
    let n = 0;
    const thenOther = () => (n++ < 33 ? 0.1 : 0.9);
    const second = ours.heredocDelimiter('out', `x\n${first}\ny`, thenOther);
    expect(second).not.toBe(first);
    expect(`x\n${first}\ny`.includes(second)).toBe(false);
    // A random source that always repeats itself is refused after a bounded number of draws.
    expect(() => ours.heredocDelimiter('out', first, fixed)).toThrow(
      'Unexpected input: the value of out contains every delimiter drawn for it',
    );
  });

  test('delimiters drawn for the same value differ (no fixed delimiter to aim at)', () => {
    const seen = new Set(Array.from({ length: 200 }, () => ours.heredocDelimiter('out', 'v')));
    expect(seen.size).toBe(200);
  });

  test('addPath: the file, and PATH for this process joined with the platform delimiter', () => {
    process.env.PATH = '/usr/bin';
    const seen = observe(() => ours.addPath('/opt/tool/bin'));
    const mine = process.env.PATH;
    process.env.PATH = '/usr/bin';
    const reference = observe(() => actions.addPath('/opt/tool/bin'));
    expect(seen).toEqual(reference);
    expect(seen.files.GITHUB_PATH).toEqual(['/opt/tool/bin']);
    expect(mine).toBe(process.env.PATH);
    expect(mine).toBe(`/opt/tool/bin${delimiter}/usr/bin`);
  });

  test.each([
    ['a plain secret', 'hunter2'],
    ['a secret with a percent sign and line breaks', 'p%ss\nword\r'],
  ])('setSecret with %s', (_, secret) => {
    expect(expectSame((runner) => runner.setSecret(secret)).stdout).toMatch(/^::add-mask::/);
  });

  test.each([
    ['debug', 'a %25 debug line\nand a second'],
    ['error', 'Push failed: x\nWhy: y\nCheck: z'],
    ['warning', 'careful: 50% done'],
    ['notice', 'No environment for refs/heads/main'],
  ] as const)('%s', (kind, message) => {
    const seen = expectSame((runner) => runner[kind](message));
    expect(seen.stdout.split(EOL)).toHaveLength(2);
  });

  test.each(['error', 'warning', 'notice'] as const)('%s with annotation properties: the names the runner reads (line, col)', (kind) => {
    const properties = { title: 'a: b, c', file: 'src/x.ts', startLine: 3, endLine: 4, startColumn: 5, endColumn: 6 };
    const seen = expectSame((runner) => runner[kind]('bad', properties));
    expect(seen.stdout).toBe(`::${kind} title=a%3A b%2C c,file=src/x.ts,line=3,endLine=4,col=5,endColumn=6::bad${EOL}`);
  });

  test('setFailed: exit code 1 and an error annotation', () => {
    const seen = expectSame((runner) => runner.setFailed('Migration failed'));
    expect(seen.exitCode).toBe(1);
    expect(seen.stdout).toBe(`::error::Migration failed${EOL}`);
  });

  test('startGroup, endGroup', () => {
    expectSame((runner) => {
      runner.startGroup('Push ms_core\nnext');
      runner.endGroup();
    });
  });

  test('group: the same commands around the function, its result, and endgroup even when it throws', async () => {
    const run = async (runner: Runner) => {
      stdout.length = 0;
      const value = await runner.group('phase', async () => 42);
      const error = await runner.group('failing', async () => Promise.reject(new Error('x'))).catch((e: Error) => e.message);
      return { value, error, stdout: Buffer.concat(stdout).toString('utf8') };
    };
    const mine = await run(ours);
    expect(mine).toEqual(await run(actions));
    expect(mine.stdout).toBe(['::group::phase', '::endgroup::', '::group::failing', '::endgroup::', ''].join(EOL));
  });

  test.each([
    ['INPUT_REGISTRY', 'registry', {}, '  ecr.example  ', 'ecr.example'],
    ['INPUT_S3-PATH', 's3-path', { trimWhitespace: false }, ' binaries ', ' binaries '],
    ['INPUT_DRY_RUN', 'dry run', {}, 'true', 'true'],
    ['INPUT_MISSING', 'missing', {}, undefined, ''],
  ])('getInput reads %s', (variable, name, options, value, expected) => {
    if (value === undefined) delete process.env[variable];
    else process.env[variable] = value;
    expect(ours.getInput(name, options)).toBe(expected);
    expect(actions.getInput(name, options)).toBe(expected);
  });

  test('getInput required and not given: the same error', () => {
    delete process.env.INPUT_TOKEN;
    expect(() => ours.getInput('token', { required: true })).toThrow('Input required and not supplied: token');
    expect(() => actions.getInput('token', { required: true })).toThrow('Input required and not supplied: token');
  });

  test('getState and isDebug', () => {
    process.env.STATE_dir = '/tmp/x';
    delete process.env.STATE_none;
    for (const runner of [ours, actions]) {
      expect(runner.getState('dir')).toBe('/tmp/x');
      expect(runner.getState('none')).toBe('');
    }
    for (const value of ['1', 'true', undefined]) {
      if (value === undefined) delete process.env.RUNNER_DEBUG;
      else process.env.RUNNER_DEBUG = value;
      expect(ours.isDebug()).toBe(actions.isDebug());
    }
  });

  test('info: ordinary text is written as @actions/core writes it', () => {
    expectSame((runner) => runner.info('Pushed ms_core:v1.2.3 (sha256:abc) in 1.2s\nsecond line'));
  });

  test('appendSummary: the Markdown appended as @actions/core summary.addRaw().write() appends it', async () => {
    const markdown = '### push-artifacts\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n';
    const mine = observe(() => {
      expect(ours.appendSummary(markdown)).toBe(true);
      expect(ours.appendSummary(markdown)).toBe(true);
    });
    const path = join(dir, 'summary.md');
    writeFileSync(path, '');
    process.env.GITHUB_STEP_SUMMARY = path;
    await actions.summary.addRaw(markdown).write();
    await actions.summary.addRaw(markdown).write();
    expect(mine.files.GITHUB_STEP_SUMMARY).toBe(readFileSync(path, 'utf8'));
  });
});

describe('where runner.ts differs from @actions/core on purpose', () => {
  test('info neutralises text that would be a workflow command; @actions/core writes it as it is', () => {
    const text = 'description\n::add-mask::hunter2\n##[error]fake';
    const mine = observe(() => ours.info(text));
    const reference = observe(() => actions.info(text));
    expect(reference.stdout).toBe(`${text}${EOL}`);
    expect(mine.stdout).toBe(`${ours.neutraliseLog(text)}${EOL}`);
    expect(mine.stdout.split(EOL).some((line) => /^\s*::/.test(line) || line.includes('##['))).toBe(false);
  });

  test('outside a runner (no environment files): no disabled workflow command; the output is shown, the variable set here', () => {
    const mine = observe(() => {
      ours.setOutput('tag', 'v1');
      ours.exportVariable('DEPLOY_KIT_OUTSIDE', 'x');
      ours.saveState('s', 'y');
      ours.addPath('/opt/bin');
    }, false);
    expect(mine.stdout).toBe(`tag=v1${EOL}`);
    expect(process.env.DEPLOY_KIT_OUTSIDE).toBe('x');
    expect(process.env.PATH?.startsWith(`/opt/bin${delimiter}`)).toBe(true);
    expect(ours.appendSummary('x')).toBe(false);
    const reference = observe(() => {
      actions.setOutput('tag', 'v1');
      actions.exportVariable('DEPLOY_KIT_OUTSIDE', 'x');
      actions.saveState('s', 'y');
      actions.addPath('/opt/bin');
    }, false);
    expect(reference.stdout.trim().split(EOL)).toEqual([
      '::set-output name=tag::v1',
      '::set-env name=DEPLOY_KIT_OUTSIDE::x',
      '::save-state name=s::y',
      '::add-path::/opt/bin',
    ]);
  });
});

describe("runner.ts' own additions", () => {
  test('foreignLines: one region between stop-commands markers with a fresh token, every line neutralised', () => {
    const first = observe(() => ours.foreignLines(['migrating 1/2', '::error::from the pod', '##[warning]v1 form']));
    const lines = first.stdout.split(EOL);
    const token = /^::stop-commands::([0-9a-f]{32})$/.exec(lines[0]!)?.[1];
    expect(token).toBeDefined();
    expect(lines.slice(1, 4)).toEqual(['migrating 1/2', ...['::error::from the pod', '##[warning]v1 form'].map(ours.neutraliseLog)]);
    expect(lines[4]).toBe(`::${token}::`);
    expect(lines[5]).toBe('');
    const second = observe(() => ours.foreignLines(['x']));
    expect(second.stdout).not.toContain(token);
    expect(observe(() => ours.foreignLines([])).stdout).toBe('');
  });

  test('groups: several groups in one write, titles escaped as startGroup escapes them, lines neutralised', () => {
    const seen = observe(() =>
      ours.groups([
        { title: 'Tags 100%', lines: ['a', '::set-output name=x::y'] },
        { title: 'Labels\nsecond', lines: [] },
      ]),
    );
    const startGroups = observe(() => {
      actions.startGroup('Tags 100%');
      actions.info('a');
      actions.info(ours.neutraliseLog('::set-output name=x::y'));
      actions.endGroup();
      actions.startGroup('Labels\nsecond');
      actions.endGroup();
    });
    expect(seen.stdout).toBe(startGroups.stdout);
    expect(observe(() => ours.groups([])).stdout).toBe('');
  });

  test('writeStdout: a partial write continues with the rest, EAGAIN is retried', () => {
    const text = `${'x'.repeat(200)}é${EOL}`;
    eagainLeft = 3;
    expect(observe(() => ours.writeStdout(text)).stdout).toBe(text);
  });

  test('writeStdout: a pipe that stays full hands the rest to process.stdout', () => {
    eagainLeft = Number.POSITIVE_INFINITY;
    expect(observe(() => ours.writeStdout('still written\n')).stdout).toBe('still written\n');
  });

  test('issueCommand: empty and undefined properties are left out', () => {
    expect(observe(() => ours.issueCommand('warning', { title: '', file: undefined, line: 2 }, 'm')).stdout).toBe(
      `::warning line=2::m${EOL}`,
    );
  });
});
