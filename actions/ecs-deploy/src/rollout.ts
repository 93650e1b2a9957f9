/**
 * Whether a service deployment is done (aws-actions/amazon-ecs-deploy-task-definition's
 * `wait-for-service-stability`, made to fail fast and say why): one look at the service and at the
 * deployment's stopped tasks, judged. COMPLETED is success; FAILED fails, named as the deployment
 * circuit breaker's when it was; the deployment's tasks stopping (ECS starts a service's tasks with
 * `startedBy` = the deployment id) fail it at `stopped-task-limit`, with each task's stoppedReason and
 * container exit codes; a deployment that is no longer the service's (another deploy, or the circuit
 * breaker's own rollback) fails; the deadline fails. Pure; flow.ts polls.
 */
import { describeStoppedTask, type EcsTaskView } from '@deploy-kit/core';

export interface DeploymentView {
  id: string;
  /** PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE. */
  status?: string;
  taskDefinition?: string;
  /** IN_PROGRESS, COMPLETED or FAILED. */
  rolloutState?: string;
  rolloutStateReason?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  failedTasks?: number;
}

export interface ServiceView {
  arn: string;
  name: string;
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  /** ECS (rolling update), CODE_DEPLOY or EXTERNAL. */
  deploymentController?: string;
  circuitBreaker?: { enable: boolean; rollback: boolean };
  deployments: DeploymentView[];
  /** Newest first, as ECS lists them. */
  events: Array<{ createdAt?: Date | string; message?: string }>;
}

export interface Observation {
  service: ServiceView;
  /** Stopped tasks started by the deployment. */
  stoppedTasks: EcsTaskView[];
  now: number;
}

export type FailureKind = 'rollout-failed' | 'circuit-breaker' | 'tasks-stopped' | 'replaced' | 'timeout';

export type Assessment =
  | { state: 'in-progress'; progress: string; deployment: DeploymentView }
  | { state: 'completed'; deployment: DeploymentView }
  | { state: 'failed'; kind: FailureKind; message: string; deployment?: DeploymentView; tasks: string[] };

/** `running 1/2, pending 1, failed tasks 0`. */
export function progressOf(d: DeploymentView): string {
  return `running ${d.runningCount ?? 0}/${d.desiredCount ?? 0}, pending ${d.pendingCount ?? 0}, failed tasks ${d.failedTasks ?? 0}`;
}

/** The revision part of a task definition ARN (`…:task-definition/orders:42` → `orders:42`). */
export function revisionName(arn: string | undefined): string {
  return (arn ?? '').split('/').pop() ?? '';
}

export function assess(
  deploymentId: string,
  observation: Observation,
  limits: { deadline: number; stoppedTaskLimit: number; timeoutText: string },
): Assessment {
  const { service } = observation;
  const ours = service.deployments.find((d) => d.id === deploymentId);
  const tasks = observation.stoppedTasks.map(describeStoppedTask);
  if (!ours) {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    return {
      state: 'failed',
      kind: 'replaced',
      message: `The deployment ${deploymentId} is no longer the service's: ${primary ? `deployment ${primary.id} (${revisionName(primary.taskDefinition)}, ${primary.rolloutState ?? 'no rollout state'}) replaced it` : 'the service has no deployment'}`,
      tasks,
    };
  }
  if (ours.rolloutState === 'COMPLETED') return { state: 'completed', deployment: ours };
  if (ours.rolloutState === 'FAILED') {
    const breaker = /circuit breaker/i.test(ours.rolloutStateReason ?? '') || service.circuitBreaker?.enable === true;
    const reason = ours.rolloutStateReason ? `: ${ours.rolloutStateReason}` : '';
    return {
      state: 'failed',
      kind: breaker ? 'circuit-breaker' : 'rollout-failed',
      message: breaker
        ? `The deployment circuit breaker stopped the deployment ${deploymentId} (${progressOf(ours)})${reason}`
        : `The deployment ${deploymentId} failed (${progressOf(ours)})${reason}`,
      deployment: ours,
      tasks,
    };
  }
  if (limits.stoppedTaskLimit > 0 && observation.stoppedTasks.length >= limits.stoppedTaskLimit) {
    const count = observation.stoppedTasks.length;
    return {
      state: 'failed',
      kind: 'tasks-stopped',
      message: `${count} task${count === 1 ? '' : 's'} of the deployment ${deploymentId} stopped (stopped-task-limit ${limits.stoppedTaskLimit}): ${tasks[0]}`,
      deployment: ours,
      tasks,
    };
  }
  if (observation.now >= limits.deadline) {
    return {
      state: 'failed',
      kind: 'timeout',
      message: `The deployment ${deploymentId} did not complete within ${limits.timeoutText} (${ours.rolloutState ?? 'no rollout state'}, ${progressOf(ours)})`,
      deployment: ours,
      tasks,
    };
  }
  return { state: 'in-progress', progress: `${ours.rolloutState ?? 'IN_PROGRESS'}, ${progressOf(ours)}`, deployment: ours };
}

/** What to check, per failure. */
export function checksFor(kind: FailureKind, service: ServiceView): string[] {
  switch (kind) {
    case 'circuit-breaker':
      return [
        "the stopped tasks' reasons above and the service's events (ECS console → the service → Deployments and events)",
        service.circuitBreaker?.rollback
          ? 'the circuit breaker has `rollback: true`: ECS itself rolls the service back to the last completed deployment'
          : 'the circuit breaker has `rollback: false`: the service keeps the failed deployment until you deploy again (`rollback-on-failure: true` does)',
      ];
    case 'rollout-failed':
      return ["the service's events and the CloudWatch alarms of the deployment (ECS console → the service → Deployments)"];
    case 'tasks-stopped':
      return [
        'the container exit codes and stoppedReason above; the container logs (awslogs) of the stopped tasks',
        'health check grace period and target group health checks, when the reason is a failed health check',
        '`stopped-task-limit` (0 turns this check off and leaves the judgement to the rollout state)',
      ];
    case 'replaced':
      return ['another deployment of the service ran at the same time (another workflow run, the console, the circuit breaker rollback)'];
    case 'timeout':
      return ['raise `timeout` for a slow deployment', "the service's events: tasks that cannot be placed or never become healthy"];
  }
}
