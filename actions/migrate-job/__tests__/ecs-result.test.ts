import { describe, expect, test } from '@jest/globals';
import { awslogsLocation, describeFailures, failureHints, interpretTask, pickContainer, type EcsTaskView } from '../src/ecs-result.js';

const ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0123456789abcdef0';
const defs = [
  { name: 'log-router', essential: false },
  {
    name: 'app',
    essential: true,
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/app', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': 'eu-west-1' },
    },
  },
];
// Shapes as DescribeTasks returns them for a STOPPED task.
const stopped = (containers: EcsTaskView['containers'], extra: Partial<EcsTaskView> = {}): EcsTaskView => ({
  taskArn: ARN,
  lastStatus: 'STOPPED',
  desiredStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: 'Essential container in task exited',
  containers,
  ...extra,
});

describe('interpretTask', () => {
  test('not stopped yet → running', () => {
    expect(interpretTask({ ...stopped([]), lastStatus: 'PENDING' }, defs)).toEqual({ state: 'running', detail: 'task is PENDING' });
  });
  test('the essential container, not containers[0] (a sidecar first)', () => {
    const task = stopped([
      { name: 'log-router', exitCode: 0, lastStatus: 'STOPPED' },
      { name: 'app', exitCode: 2, lastStatus: 'STOPPED', reason: undefined },
    ]);
    expect(interpretTask(task, defs)).toEqual({
      state: 'failed',
      kind: 'exit-code',
      container: 'app',
      exitCode: 2,
      message:
        'container "app" exited with code 2; the task stopped with stopCode EssentialContainerExited, stoppedReason "Essential container in task exited"',
    });
  });
  test('exit 0 of the named container → succeeded', () => {
    expect(
      interpretTask(
        stopped([
          { name: 'log-router', exitCode: 1 },
          { name: 'app', exitCode: 0 },
        ]),
        defs,
        'app',
      ),
    ).toEqual({ state: 'succeeded', container: 'app', exitCode: 0 });
  });
  test('null exit code → never started, with stoppedReason and the container reason', () => {
    const task = stopped(
      [{ name: 'app', exitCode: null, reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found' }],
      {
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      },
    );
    expect(interpretTask(task, defs)).toMatchObject({
      state: 'failed',
      kind: 'not-started',
      message:
        'container "app" never ran (no exit code): the task stopped with stopCode TaskFailedToStart, stoppedReason "CannotPullContainerError: pull image manifest has been retried 5 time(s)"; container reason "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found"',
    });
  });
  test('ResourceInitializationError (secrets) without any container exit code', () => {
    const task = stopped([{ name: 'app' }], {
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth',
    });
    expect(interpretTask(task, defs)).toMatchObject({
      kind: 'not-started',
      message: expect.stringContaining('ResourceInitializationError'),
    });
  });
  test('OOM: exit 137 with the container reason', () => {
    expect(
      interpretTask(stopped([{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }]), defs),
    ).toMatchObject({
      exitCode: 137,
      message: expect.stringContaining('exited with code 137 (OutOfMemoryError: Container killed due to memory usage)'),
    });
  });
  test('stopped by the scheduler / a user', () => {
    const task = stopped([{ name: 'app', exitCode: 143 }], { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' });
    expect(interpretTask(task, defs)).toMatchObject({
      exitCode: 143,
      message: expect.stringContaining('stopCode UserInitiated, stoppedReason "Task stopped by user"'),
    });
  });
  test('a named container that is not in the task', () => {
    expect(interpretTask(stopped([{ name: 'app', exitCode: 0 }]), defs, 'migrate')).toMatchObject({
      state: 'failed',
      kind: 'no-container',
      message: expect.stringContaining('no container named "migrate" (it has "app")'),
    });
  });
});

describe('pickContainer', () => {
  test.each([
    [['a'], [], undefined, { name: 'a' }],
    [['a', 'b'], [{ name: 'a', essential: false }, { name: 'b' }], undefined, { name: 'b' }],
    [
      ['a', 'b'],
      [{ name: 'a' }, { name: 'b' }],
      undefined,
      { error: 'the task has 2 essential containers ("a", "b"), so which one is the migration is ambiguous' },
    ],
    [['a', 'b'], [], undefined, { error: 'the task has 2 containers ("a", "b"), so which one is the migration is ambiguous' }],
    [['a', 'b'], [], 'a', { name: 'a' }],
  ])('%j %j %j', (names, definitions, wanted, expected) => expect(pickContainer(names, definitions, wanted)).toEqual(expected));
});

describe('RunTask failures', () => {
  test('described with reasons and hints', () => {
    const failures = [
      { arn: 'arn:aws:ecs:eu-west-1:1:container-instance/abc', reason: 'RESOURCE:MEMORY' },
      { reason: 'MISSING', detail: 'attribute:ecs.capability.secrets' },
    ];
    expect(describeFailures(failures)).toBe(
      'arn:aws:ecs:eu-west-1:1:container-instance/abc: RESOURCE:MEMORY; MISSING (attribute:ecs.capability.secrets)',
    );
    expect(failureHints(failures)).toHaveLength(2);
    expect(failureHints([{ reason: 'whatever' }])[0]).toContain('API failure reasons');
  });
});

test('awslogs location', () => {
  expect(awslogsLocation(defs[1], ARN)).toEqual({ group: '/ecs/app', stream: 'ecs/app/0123456789abcdef0', region: 'eu-west-1' });
  expect(awslogsLocation(defs[0], ARN)).toBeUndefined();
});
