import { expect, test } from '@jest/globals';
import type { EcsTaskView } from '@deploy-kit/core';
import { type DeploymentView, type ServiceView, assess, checksFor } from '../src/rollout.js';

const TD = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:${n}`;
const ours = (patch: Partial<DeploymentView> = {}): DeploymentView => ({
  id: 'ecs-svc/new',
  status: 'PRIMARY',
  taskDefinition: TD(8),
  rolloutState: 'IN_PROGRESS',
  desiredCount: 2,
  runningCount: 1,
  pendingCount: 1,
  failedTasks: 0,
  ...patch,
});
const old: DeploymentView = {
  id: 'ecs-svc/old',
  status: 'ACTIVE',
  taskDefinition: TD(7),
  rolloutState: 'COMPLETED',
  desiredCount: 2,
  runningCount: 2,
};
const service = (deployments: DeploymentView[], breaker?: ServiceView['circuitBreaker']): ServiceView => ({
  arn: 'arn:svc',
  name: 'orders',
  deployments,
  events: [],
  circuitBreaker: breaker,
});
const stopped = (exitCode: number | null, reason = 'Essential container in task exited'): EcsTaskView => ({
  taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc123',
  lastStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedReason: reason,
  containers: [{ name: 'web', exitCode }],
});
const limits = { deadline: 1_000, stoppedTaskLimit: 1, timeoutText: '30m' };

test.each([
  ['in progress', service([ours(), old]), [], 0, limits, 'in-progress', undefined, /IN_PROGRESS, running 1\/2, pending 1, failed tasks 0/],
  [
    'completed',
    service([ours({ rolloutState: 'COMPLETED', runningCount: 2, pendingCount: 0 })]),
    [],
    0,
    limits,
    'completed',
    undefined,
    undefined,
  ],
  [
    'FAILED without a circuit breaker',
    service([ours({ rolloutState: 'FAILED', rolloutStateReason: 'alarm HighErrors in ALARM' })]),
    [],
    0,
    limits,
    'failed',
    'rollout-failed',
    /The deployment ecs-svc\/new failed .*: alarm HighErrors in ALARM/,
  ],
  [
    'FAILED by the circuit breaker',
    service(
      [ours({ rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.', failedTasks: 3 })],
      {
        enable: true,
        rollback: false,
      },
    ),
    [],
    0,
    limits,
    'failed',
    'circuit-breaker',
    /The deployment circuit breaker stopped the deployment ecs-svc\/new \(.*failed tasks 3\): ECS deployment circuit breaker: tasks failed to start\./,
  ],
  [
    'a task stopped with exit code 1',
    service([ours(), old]),
    [stopped(1)],
    0,
    limits,
    'failed',
    'tasks-stopped',
    /1 task of the deployment ecs-svc\/new stopped \(stopped-task-limit 1\): task abc123: stopCode EssentialContainerExited, stoppedReason "Essential container in task exited"; container "web" exited with code 1/,
  ],
  [
    'a task whose container never ran',
    service([ours()]),
    [stopped(null, 'CannotPullContainerError: pull image manifest has been retried')],
    0,
    limits,
    'failed',
    'tasks-stopped',
    /CannotPullContainerError.*container "web" never ran \(no exit code\)/,
  ],
  [
    'stopped tasks under the limit',
    service([ours()]),
    [stopped(1)],
    0,
    { ...limits, stoppedTaskLimit: 2 },
    'in-progress',
    undefined,
    undefined,
  ],
  [
    'stopped tasks with the check off',
    service([ours()]),
    [stopped(1), stopped(1)],
    0,
    { ...limits, stoppedTaskLimit: 0 },
    'in-progress',
    undefined,
    undefined,
  ],
  [
    'replaced by another deployment',
    service([{ ...old, status: 'PRIMARY', id: 'ecs-svc/rollback', rolloutState: 'IN_PROGRESS' }]),
    [],
    0,
    limits,
    'failed',
    'replaced',
    /no longer the service's: deployment ecs-svc\/rollback \(orders:7, IN_PROGRESS\) replaced it/,
  ],
  ['timeout', service([ours()]), [], 1_000, limits, 'failed', 'timeout', /did not complete within 30m \(IN_PROGRESS, running 1\/2/],
  ['FAILED wins over the timeout', service([ours({ rolloutState: 'FAILED' })]), [], 5_000, limits, 'failed', 'rollout-failed', undefined],
] as const)('%s', (_t, svc, tasks, now, lim, state, kind, message) => {
  const a = assess('ecs-svc/new', { service: svc, stoppedTasks: [...tasks], now }, lim);
  expect(a.state).toBe(state);
  if (a.state === 'failed') {
    expect(a.kind).toBe(kind);
    if (message) expect(a.message).toMatch(message);
    expect(checksFor(a.kind, svc).length).toBeGreaterThan(0);
  } else if (a.state === 'in-progress' && message) expect(a.progress).toMatch(message);
});

test('the circuit breaker check says whether ECS rolls back by itself', () => {
  expect(checksFor('circuit-breaker', service([], { enable: true, rollback: true })).join(' ')).toMatch(
    /ECS itself rolls the service back/,
  );
  expect(checksFor('circuit-breaker', service([], { enable: true, rollback: false })).join(' ')).toMatch(/rollback-on-failure: true/);
});
