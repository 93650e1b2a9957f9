import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, readInputs } from '@deploy-kit/core';
import type { BackendContext } from '../src/backends/types.js';
import { configFrom } from '../src/config.js';
import { inputs } from '../src/io.js';
import type { Values } from '../src/plan.js';

/** The AWS SDK's ECS and CloudWatch Logs clients, answering what each test says; every command sent is recorded. */
const sent: { name: string; input: any }[] = [];
let answer: (name: string, input: any) => unknown = () => ({});
const command = (name: string) =>
  class {
    readonly name = name;
    constructor(readonly input: unknown) {}
  };
const client = () =>
  class {
    async send(cmd: { name: string; input: unknown }) {
      sent.push({ name: cmd.name, input: cmd.input });
      const result = answer(cmd.name, cmd.input);
      if (result instanceof Error) throw result;
      return result;
    }
  };
jest.unstable_mockModule('@aws-sdk/client-ecs', () => ({
  ECSClient: client(),
  DescribeTaskDefinitionCommand: command('DescribeTaskDefinition'),
  ListTasksCommand: command('ListTasks'),
  DescribeTasksCommand: command('DescribeTasks'),
  RunTaskCommand: command('RunTask'),
  StopTaskCommand: command('StopTask'),
}));
jest.unstable_mockModule('@aws-sdk/client-cloudwatch-logs', () => ({
  CloudWatchLogsClient: client(),
  GetLogEventsCommand: command('GetLogEvents'),
}));
const { backend } = await import('../src/backends/ecs.js');

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_orders:v1.0.0';
const TASK = 'arn:aws:ecs:eu-west-1:123456789012:task/default/0123abcd';
const definition = {
  family: 'orders-migrate',
  revision: 7,
  taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders-migrate:7',
  containerDefinitions: [
    { name: 'sidecar', essential: false, image: 'envoy' },
    {
      name: 'migrate',
      essential: true,
      image: IMAGE,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/orders', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': 'eu-west-1' },
      },
    },
  ],
};
const stopped = (exitCode: number | undefined) => ({
  tasks: [
    {
      taskArn: TASK,
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'migrate', exitCode },
        { name: 'sidecar', exitCode: 0 },
      ],
    },
  ],
});

/** A cluster where RunTask starts the task and the first DescribeTasks finds it stopped with `exitCode`. */
function cluster(exitCode: number | undefined, overrides: Record<string, (input: any) => unknown> = {}) {
  sent.length = 0;
  answer = (name, input) => {
    if (overrides[name]) return overrides[name](input);
    switch (name) {
      case 'DescribeTaskDefinition':
        return { taskDefinition: definition };
      case 'ListTasks':
        return { taskArns: [] };
      case 'RunTask':
        return { tasks: [{ taskArn: TASK }], failures: [] };
      case 'DescribeTasks':
        return stopped(exitCode);
      case 'GetLogEvents':
        return input.nextToken
          ? { events: [], nextForwardToken: input.nextToken }
          : { events: [{ message: '1/u create_users' }, { message: 'migrate: done' }], nextForwardToken: 'f1' };
      case 'StopTask':
        return {};
      default:
        throw new Error(`unexpected ${name}`);
    }
  };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mj-ecs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function context(raw: Record<string, string> = {}, signal = new AbortController().signal): Promise<BackendContext> {
  const values = (await readInputs(
    inputs,
    (name) =>
      ({
        backend: 'ecs',
        region: 'eu-west-1',
        'task-definition': 'orders-migrate',
        release: 'orders',
        tag: 'v1.0.0',
        command: 'migrate up',
        env: 'LOG_LEVEL=debug',
        ...raw,
      })[name] ?? '',
  )) as Values;
  const config = configFrom(
    values,
    { repository: 'o/orders', refType: 'tag', refName: 'v1.0.0' },
    { RUNNER_TEMP: dir, GITHUB_WORKSPACE: dir },
    Date.now(),
    () => undefined,
  );
  return { plan: config.plan, values, files: config.files, step: { at: Date.now() + 20_000, signal: AbortSignal.timeout(20_000) }, signal };
}

describe('the ecs backend against a fake ECS', () => {
  test("RunTask with the command and environment override, startedBy the Job's hash; the container's exit code decides; awslogs kept", async () => {
    cluster(0);
    const result = await backend.run(await context());
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0, taskArn: TASK, detail: 'container "migrate" exited with code 0' });
    const run = sent.find((c) => c.name === 'RunTask')!.input;
    expect(run).toMatchObject({
      cluster: 'default',
      taskDefinition: definition.taskDefinitionArn,
      count: 1,
      overrides: {
        containerOverrides: [{ name: 'migrate', command: ['migrate', 'up'], environment: [{ name: 'LOG_LEVEL', value: 'debug' }] }],
      },
    });
    expect(run.startedBy).toMatch(/^deploy-kit-migrate-[0-9a-f]+$/);
    expect(sent.find((c) => c.name === 'GetLogEvents')!.input).toMatchObject({
      logGroupName: '/ecs/orders',
      logStreamName: 'ecs/migrate/0123abcd',
    });
    expect(readFileSync(result.logFile!, 'utf8')).toBe('1/u create_users\nmigrate: done\n');
    expect(result.rows).toEqual([
      ['task', TASK],
      ['container', 'migrate'],
      ['stopped', 'EssentialContainerExited'],
    ]);
  });

  test('a failed migration: its exit code and the log to read', async () => {
    cluster(2);
    const result = await backend.run(await context({ tag: 'v1.0.1' }));
    expect(result).toMatchObject({
      status: 'failed',
      exitCode: 2,
      detail: 'container "migrate" exited with code 2; the task stopped with stopCode EssentialContainerExited',
    });
    expect(result.check).toEqual(["the migration's log above (CloudWatch /ecs/orders / ecs/migrate/0123abcd)"]);
  });

  test("a container that never ran: the task's reasons and where to look", async () => {
    cluster(undefined);
    const result = await backend.run(await context({ tag: 'v1.0.2' }));
    expect(result.status).toBe('failed');
    expect(result.check?.[0]).toContain('the task execution role can pull it');
  });

  test('a task of this migration still running is followed, not started again', async () => {
    let describes = 0;
    cluster(0, {
      ListTasks: () => ({ taskArns: [TASK] }),
      DescribeTasks: () =>
        ++describes === 1 ? { tasks: [{ taskArn: TASK, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }] } : stopped(0),
    });
    const result = await backend.run(await context({ tag: 'v1.0.3' }));
    expect(result.status).toBe('succeeded');
    expect(sent.some((c) => c.name === 'RunTask')).toBe(false);
  });

  test('dry run: the RunTask request is printed, nothing started; cancelled before the start: nothing started', async () => {
    cluster(0);
    const planned = await backend.run(await context({ 'dry-run': 'true' }));
    expect(planned).toMatchObject({ status: 'planned', detail: 'would run orders-migrate:7 on default' });
    const cancel = new AbortController();
    cancel.abort('SIGINT');
    const cancelled = await backend.run(await context({}, cancel.signal));
    expect(cancelled.status).toBe('cancelled');
    expect(sent.some((c) => c.name === 'RunTask')).toBe(false);
  });

  test("an image that is not the task definition's is refused: RunTask cannot change it", async () => {
    cluster(0);
    const error = (await backend.run(await context({ image: `${IMAGE}-other` })).catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe(`Task definition orders-migrate:7 runs ${IMAGE} in container "migrate", not ${IMAGE}-other`);
  });

  test("RunTask failures are the step's error, with their reasons", async () => {
    cluster(0, { RunTask: () => ({ tasks: [], failures: [{ arn: 'arn:ci', reason: 'RESOURCE:MEMORY' }] }) });
    await expect(backend.run(await context({ tag: 'v1.0.4' }))).rejects.toThrow(
      'ECS could not start the migration task: arn:ci: RESOURCE:MEMORY',
    );
  });

  test('a task definition that does not exist', async () => {
    cluster(0, {
      DescribeTaskDefinition: () => Object.assign(new Error('Unable to describe task definition.'), { name: 'ClientException' }),
    });
    await expect(backend.run(await context({ tag: 'v1.0.5' }))).rejects.toThrow(
      'The task definition "orders-migrate" does not exist in eu-west-1',
    );
  });
});
