import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, InputError, readInputs, renderSummary, type StepSummary } from '@deploy-kit/core';
import { loadBackend } from '../src/backends/index.js';
import type { BackendContext, MigrationBackend } from '../src/backends/types.js';
import { configFrom, logFilePath, type MigrationConfig } from '../src/config.js';
import { describePlan, fenced, runMigration, type FlowDeps } from '../src/flow.js';
import type { ImageReference as ImageRef } from '@deploy-kit/core/oci';
import { inputs, type Backend } from '../src/io.js';
import type { Values } from '../src/plan.js';
import type { MigrationResult } from '../src/result.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const context = { repository: 'example-org/orders', refType: 'tag', refName: 'v1.2.3' };

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mj-flow-'));
  mkdirSync(join(dir, 'ws', 'db'), { recursive: true });
  env = { GITHUB_WORKSPACE: join(dir, 'ws'), RUNNER_TEMP: join(dir, 'tmp') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function values(raw: Record<string, string>): Promise<Values> {
  return readInputs(inputs, (name) => raw[name] ?? '') as Promise<Values>;
}

async function config(raw: Record<string, string>, startedAt = 1_000_000): Promise<MigrationConfig> {
  return configFrom(await values(raw), context, env, startedAt, () => undefined);
}

/** The flow's services as fakes that record what the flow did with them. */
function fakeDeps(options: { backend?: MigrationBackend; digest?: string | Error; now?: () => number; signal?: AbortSignal } = {}) {
  const record = {
    groups: [] as string[],
    info: [] as string[],
    outputs: [] as Record<string, string | number>[],
    summaries: [] as StepSummary[],
    resolved: [] as { ref: ImageRef; signal: AbortSignal }[],
    deadlines: [] as number[],
    contexts: [] as BackendContext[],
  };
  let clock = 1_000_000;
  const deps: FlowDeps = {
    loadBackend: async (name: Backend) => {
      const real = options.backend ?? (await loadBackend(name));
      return { ...real, run: (context: BackendContext) => (record.contexts.push(context), real.run(context)) };
    },
    resolveDigest: async (ref, signal) => {
      record.resolved.push({ ref, signal });
      if (options.digest instanceof Error) throw options.digest;
      return options.digest ?? DIGEST;
    },
    group: async (title, fn) => {
      record.groups.push(title);
      return fn();
    },
    info: (message) => record.info.push(message),
    writeOutputs: (values) => record.outputs.push(values),
    writeSummary: (summary) => record.summaries.push(summary),
    deadline: (ms) => {
      record.deadlines.push(ms);
      return new AbortController().signal;
    },
    now: options.now ?? (() => (clock += 250)),
    signal: options.signal ?? new AbortController().signal,
  };
  return { deps, record };
}

const fake = (name: Backend, pinsImage: boolean, result: MigrationResult | Error): MigrationBackend => ({
  name,
  pinsImage,
  run: async () => {
    if (result instanceof Error) throw result;
    return result;
  },
});

describe('getInputs → config', () => {
  test('the files the step writes, resolved against the workspace and RUNNER_TEMP', async () => {
    const c = await config({ image: `r.io/app@${DIGEST}` });
    expect(c.files).toEqual({
      log: join(dir, 'tmp', 'migrate-job', 'orders-migrate-v1-2-3.log'),
      manifest: join(dir, 'tmp', 'migrate-job', 'orders-migrate-v1-2-3.yaml'),
      cwd: join(dir, 'ws'),
    });
    const given = await config({ backend: 'command', command: 'migrate up', 'log-file': 'logs/m.log', 'working-directory': 'db' });
    expect(given.files).toMatchObject({ log: join(dir, 'ws', 'logs', 'm.log'), cwd: join(dir, 'ws', 'db') });
    expect(logFilePath({ ...given.values, logFile: '' }, { ...given.plan, jobName: '' }, env)).toBe(
      join(dir, 'tmp', 'migrate-job', 'migration.log'),
    );
  });

  test.each([
    [{ backend: 'render', image: 'r.io/app:v1', 'output-file': 'db' }, 'Input "output-file": is the folder'],
    [{ backend: 'command', command: 'x', 'working-directory': 'nope' }, 'Input "working-directory": the folder'],
    [{ backend: 'kubernetes' }, 'Input "image": is required with backend "kubernetes"'],
  ])('%j fails before anything happens', async (raw, message) => {
    await expect(config(raw)).rejects.toThrow(InputError);
    await expect(config(raw)).rejects.toThrow(message);
  });
});

describe('runMigration: the phases', () => {
  test("a backend that runs an image: plan, image (a tag resolved within the step's deadline), migration; outputs and a summary with every phase", async () => {
    const backend = fake('kubernetes', true, {
      status: 'succeeded',
      exitCode: 0,
      jobName: 'orders-migrate-v1-2-3',
      detail: 'Job orders-migrate-v1-2-3 completed',
      rows: [['namespace', 'apps']],
    });
    const { deps, record } = fakeDeps({ backend });
    const c = await config({ image: 'r.io/app:v1.2.3', timeout: '10m' });
    const { result, phases, image } = await runMigration(c, deps);

    expect(record.groups).toEqual(['Plan', 'Image: r.io/app:v1.2.3', 'Migration (kubernetes): orders-migrate-v1-2-3']);
    expect(record.resolved.map((r) => r.ref.raw)).toEqual(['r.io/app:v1.2.3']);
    expect(image).toBe(`r.io/app@${DIGEST}`);
    expect(record.info).toContain(`Resolved r.io/app:v1.2.3 to ${DIGEST}`);
    // The step's budget (timeout + the Job's grace of a minute) counted from the step's start, not from now.
    expect(record.deadlines).toEqual([600_000 + 60_000 - 250]);
    expect(phases.map((p) => [p.name, p.outcome, p.failed ?? false])).toEqual([
      ['plan', 'kubernetes, Job orders-migrate-v1-2-3', false],
      ['image', `resolved to ${DIGEST}`, false],
      ['migration', 'succeeded: Job orders-migrate-v1-2-3 completed', false],
    ]);
    expect(result.status).toBe('succeeded');
    expect(record.outputs).toEqual([
      {
        status: 'succeeded',
        'exit-code': 0,
        'job-name': 'orders-migrate-v1-2-3',
        duration: expect.any(Number),
        'log-file': '',
        'manifest-file': '',
        'task-arn': '',
      },
    ]);
    const summary = renderSummary(record.summaries[0]);
    expect(summary).toContain('### migrate-job (kubernetes): succeeded');
    expect(summary).toContain('| namespace | apps |');
    expect(summary).toContain('| phase | outcome | time |');
    expect(summary).toContain(`| image | resolved to ${DIGEST} |`);
    expect(record.info.at(-1)).toBe('Migration succeeded: Job orders-migrate-v1-2-3 completed');
  });

  test('an image by digest is not looked up; a backend that runs no image has no image phase', async () => {
    const pinned = fakeDeps({ backend: fake('kubernetes', true, { status: 'already-complete', exitCode: 0, detail: 'ran before' }) });
    await runMigration(await config({ image: `r.io/app@${DIGEST}` }), pinned.deps);
    expect(pinned.record.resolved).toEqual([]);
    expect(pinned.record.contexts[0].image).toBe(`r.io/app@${DIGEST}`);

    const ecs = fakeDeps({
      backend: fake('ecs', false, { status: 'succeeded', exitCode: 0, detail: 'ok', taskArn: 'arn:aws:ecs:task/1' }),
    });
    await runMigration(await config({ backend: 'ecs', 'task-definition': 'app-migrate', image: 'r.io/app:v1' }), ecs.deps);
    expect(ecs.record.groups).toEqual(['Plan', 'Migration (ecs): orders-migrate-v1']);
    expect(ecs.record.resolved).toEqual([]);
    expect(ecs.record.outputs[0]['task-arn']).toBe('arn:aws:ecs:task/1');
  });

  test("the backend gets the plan, the files, the step's deadline and the cancellation signal", async () => {
    const cancel = new AbortController();
    const { deps, record } = fakeDeps({ backend: fake('ecs', false, { status: 'succeeded', detail: 'ok' }), signal: cancel.signal });
    const c = await config({ backend: 'ecs', 'task-definition': 'app-migrate', timeout: '1m' });
    await runMigration(c, deps);
    const given = record.contexts[0];
    expect(given.plan).toBe(c.plan);
    expect(given.files).toBe(c.files);
    expect(given.signal).toBe(cancel.signal);
    expect(given.step.at).toBe(c.startedAt + 60_000);
  });

  test('a failed migration: outputs and the summary (with the last log lines in a fence no line can close), then the step fails', async () => {
    const tail = ['1/u add_column', 'error: ```` not a fence end', 'exit 3'];
    const { deps, record } = fakeDeps({
      backend: fake('command', false, {
        status: 'failed',
        exitCode: 3,
        detail: 'the migration command exited with code 3',
        check: ['its output'],
        logFile: '/tmp/m.log',
        tail,
      }),
    });
    const error = (await runMigration(await config({ backend: 'command', command: 'migrate up' }), deps).catch(
      (e: unknown) => e,
    )) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe('Migration failed: the migration command exited with code 3');
    expect(error.check).toEqual(['its output', 'the full log is in /tmp/m.log (log-file output)']);
    expect(record.outputs[0]).toMatchObject({ status: 'failed', 'exit-code': 3, 'log-file': '/tmp/m.log' });
    const summary = renderSummary(record.summaries[0]);
    expect(summary).toContain('Last 3 log lines:\n\n`````\n1/u add_column');
    expect(summary).toContain('| migration | ❌ failed: the migration command exited with code 3 |');
  });

  test.each([
    ['timed-out', 'Migration timed out (orders-migrate-v1-2-3): waited'],
    ['cancelled', 'Migration cancelled (orders-migrate-v1-2-3): waited'],
  ] as const)('%s is a failure too', async (status, message) => {
    const { deps } = fakeDeps({ backend: fake('kubernetes', true, { status, jobName: 'orders-migrate-v1-2-3', detail: 'waited' }) });
    await expect(runMigration(await config({ image: `r.io/app@${DIGEST}` }), deps)).rejects.toThrow(message);
  });

  test('a phase that throws: no outputs, a summary naming the phase, the error as it was', async () => {
    const refused = new ActionError('Cannot resolve r.io/app:v9 to a digest', { why: 'manifest unknown' });
    const { deps, record } = fakeDeps({ backend: fake('render', true, { status: 'rendered', detail: 'x' }), digest: refused });
    await expect(runMigration(await config({ backend: 'render', image: 'r.io/app:v9' }), deps)).rejects.toBe(refused);
    expect(record.outputs).toEqual([]);
    expect(record.groups).toEqual(['Plan', 'Image: r.io/app:v9']);
    expect(record.summaries).toHaveLength(1);
    expect(record.summaries[0].title).toBe('migrate-job (render): failed in image');
    expect(renderSummary(record.summaries[0])).toContain('| image | ❌ failed: Cannot resolve r.io/app:v9 to a digest |');
  });

  test("the backend's refusal (a Job of another image) fails the migration phase", async () => {
    const { deps, record } = fakeDeps({ backend: fake('kubernetes', true, new ActionError('Migration not run: Job x already exists')) });
    await expect(runMigration(await config({ image: `r.io/app@${DIGEST}` }), deps)).rejects.toThrow('Migration not run');
    expect(record.summaries[0].title).toBe('migrate-job (kubernetes): failed in migration');
  });
});

describe('runMigration with the real render and command backends', () => {
  test('render: the Helm hook written where output-file says, by digest', async () => {
    const { deps, record } = fakeDeps();
    const { result } = await runMigration(
      await config({ backend: 'render', image: 'r.io/app:v1.2.3', 'output-file': 'charts/templates/migrate.yaml', command: 'migrate up' }),
      deps,
    );
    const file = join(dir, 'ws', 'charts', 'templates', 'migrate.yaml');
    expect(result).toMatchObject({ status: 'rendered', manifestFile: file });
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toContain(`image: r.io/app@${DIGEST}`);
    expect(yaml).toContain('helm.sh/hook: pre-install,pre-upgrade');
    expect(record.outputs[0]['manifest-file']).toBe(file);
  });

  test('render, dry run: the hook is printed, nothing written', async () => {
    const { deps, record } = fakeDeps();
    const { result } = await runMigration(
      await config({ backend: 'render', image: `r.io/app@${DIGEST}`, 'output-file': 'dry/hook.yaml', 'dry-run': 'true' }),
      deps,
    );
    expect(result.status).toBe('planned');
    expect(existsSync(join(dir, 'ws', 'dry'))).toBe(false);
    expect(record.info[0]).toBe('backend: render (dry run: nothing is changed)');
  });

  test("render: an output-file that cannot be written is the step's error", async () => {
    writeFileSync(join(dir, 'ws', 'blocker'), '');
    const c = await config({ backend: 'render', image: `r.io/app@${DIGEST}` });
    const { deps } = fakeDeps();
    await expect(runMigration({ ...c, files: { ...c.files, manifest: join(dir, 'ws', 'blocker', 'hook.yaml') } }, deps)).rejects.toThrow(
      `Could not write the Helm hook to ${join(dir, 'ws', 'blocker', 'hook.yaml')}`,
    );
  });

  test('command: the tool runs in the working directory with its log kept', async () => {
    const { deps } = fakeDeps({ now: Date.now });
    const c = await config(
      {
        backend: 'command',
        command: JSON.stringify(['node', '-e', 'console.log("1/u create_users"); console.log(process.cwd())']),
        'working-directory': 'db',
        'log-file': 'logs/command.log',
      },
      Date.now(),
    );
    const { result } = await runMigration(c, deps);
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0, logFile: join(dir, 'ws', 'logs', 'command.log') });
    expect(readFileSync(join(dir, 'ws', 'logs', 'command.log'), 'utf8')).toBe(`1/u create_users\n${join(dir, 'ws', 'db')}\n`);
  });

  test('command: a failing tool fails the step; a dry run only says what it would do; a cancelled run starts nothing', async () => {
    const failing = fakeDeps({ now: Date.now });
    await expect(
      runMigration(
        await config({ backend: 'command', command: JSON.stringify(['node', '-e', 'process.exit(4)']) }, Date.now()),
        failing.deps,
      ),
    ).rejects.toThrow('Migration failed: the migration command exited with code 4');

    const dry = fakeDeps({ now: Date.now });
    const planned = await runMigration(
      await config({ backend: 'command', command: 'migrate up', tool: 'golang-migrate@v4.19.1', 'dry-run': 'true' }, Date.now()),
      dry.deps,
    );
    expect(planned.result.detail).toBe(
      `install golang-migrate v4.19.1 (checksum verified), then run \`migrate up\` in ${join(dir, 'ws')} (timeout 10m)`,
    );

    const cancel = new AbortController();
    cancel.abort('SIGINT');
    const cancelled = fakeDeps({ now: Date.now, signal: cancel.signal });
    await expect(runMigration(await config({ backend: 'command', command: 'migrate up' }, Date.now()), cancelled.deps)).rejects.toThrow(
      'Migration cancelled: the workflow run was cancelled before the migration command started; nothing ran',
    );
  });
});

describe('pieces of the summary', () => {
  test('describePlan: what runs where', async () => {
    expect(describePlan(await config({ image: `r.io/app@${DIGEST}`, timeout: '90s' }))).toEqual([
      'backend: kubernetes',
      'release orders, tag v1.2.3: Job orders-migrate-v1-2-3',
      `image: r.io/app@${DIGEST}`,
      'timeout: 1m30s',
      `log file: ${join(dir, 'tmp', 'migrate-job', 'orders-migrate-v1-2-3.log')}`,
    ]);
    expect(describePlan(await config({ backend: 'command', command: 'migrate up', tool: 'atlas@v0.30.0' }))).toContain(
      'tool: atlas v0.30.0',
    );
  });

  test.each([
    [['plain'], '```\nplain\n```'],
    [['a ``` b'], '````\na ``` b\n````'],
    [['`````'], '``````\n`````\n``````'],
  ])('fenced(%j)', (lines, expected) => {
    expect(fenced(lines)).toBe(expected);
  });
});
