/**
 * Reading an ECS task's outcome (seed 004's `aws ecs run-task` made to wait and fail properly):
 * the exit code of the named container, or of the essential one, not just `containers[0]` (a
 * sidecar such as a log router is often first); a null exit code means the container never ran,
 * and the task's stopCode/stoppedReason say why (image pull, secrets, ENI, capacity); RunTask
 * `failures[]` (placement) are errors with their reasons, not a crash on `tasks[0]`.
 */

import { describeStop, type EcsTaskView } from '@deploy-kit/core';

// The task views and describeStop live in core (ecs-deploy reads service tasks the same way).
export { describeStop, type EcsContainerView, type EcsTaskView } from '@deploy-kit/core';

export interface EcsContainerDefinitionView {
  name?: string;
  essential?: boolean;
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

export interface EcsFailureView {
  arn?: string;
  reason?: string;
  detail?: string;
}

export type EcsOutcome =
  | { state: 'running'; detail: string }
  | { state: 'succeeded'; container: string; exitCode: 0 }
  | { state: 'failed'; kind: 'exit-code' | 'not-started' | 'no-container'; container?: string; exitCode?: number; message: string };

/** The container the migration is: `name` when given (must exist), else the one essential container, else the only one. */
export function pickContainer(
  names: readonly string[],
  definitions: readonly EcsContainerDefinitionView[],
  wanted?: string,
): { name: string } | { error: string } {
  if (wanted) {
    if (names.includes(wanted)) return { name: wanted };
    return { error: `the task has no container named "${wanted}" (it has ${names.map((n) => `"${n}"`).join(', ') || 'none'})` };
  }
  const essential = definitions.filter((d) => d.essential !== false && d.name && names.includes(d.name)).map((d) => d.name!);
  if (essential.length === 1) return { name: essential[0] };
  if (names.length === 1) return { name: names[0] };
  return {
    error: `the task has ${essential.length > 1 ? `${essential.length} essential containers` : `${names.length} containers`} (${(essential.length > 1 ? essential : names).map((n) => `"${n}"`).join(', ')}), so which one is the migration is ambiguous`,
  };
}

/** The outcome once the task is STOPPED (or still running). */
export function interpretTask(task: EcsTaskView, definitions: readonly EcsContainerDefinitionView[], wanted?: string): EcsOutcome {
  if (task.lastStatus !== 'STOPPED') return { state: 'running', detail: `task is ${task.lastStatus ?? 'PROVISIONING'}` };
  const containers = task.containers ?? [];
  const picked = pickContainer(
    containers.map((c) => c.name ?? ''),
    definitions,
    wanted,
  );
  const stop = describeStop(task);
  if ('error' in picked)
    return { state: 'failed', kind: 'no-container', message: `${picked.error}${stop ? `; the task stopped with ${stop}` : ''}` };
  const container = containers.find((c) => c.name === picked.name)!;
  if (container.exitCode === null || container.exitCode === undefined) {
    return {
      state: 'failed',
      kind: 'not-started',
      container: picked.name,
      message: `container "${picked.name}" never ran (no exit code)${stop ? `: the task stopped with ${stop}` : ''}${container.reason ? `; container reason "${container.reason}"` : ''}`,
    };
  }
  if (container.exitCode === 0) return { state: 'succeeded', container: picked.name, exitCode: 0 };
  return {
    state: 'failed',
    kind: 'exit-code',
    container: picked.name,
    exitCode: container.exitCode,
    message: `container "${picked.name}" exited with code ${container.exitCode}${container.reason ? ` (${container.reason})` : ''}${stop ? `; the task stopped with ${stop}` : ''}`,
  };
}

/** RunTask `failures[]` as one line each (`arn: reason (detail)`). */
export function describeFailures(failures: readonly EcsFailureView[]): string {
  return failures.map((f) => `${f.arn ? `${f.arn}: ` : ''}${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}`).join('; ');
}

/** Hints for the common RunTask placement failures. */
export function failureHints(failures: readonly EcsFailureView[]): string[] {
  const hints: string[] = [];
  const text = failures.map((f) => `${f.reason} ${f.detail}`).join(' ');
  if (/RESOURCE:(CPU|MEMORY)/i.test(text))
    hints.push('the cluster has no container instance with enough CPU/memory: scale the cluster or lower the task size');
  if (/MISSING/i.test(text)) hints.push("no container instance matches the task's placement constraints or attributes");
  if (/AGENT/i.test(text)) hints.push('the ECS agent on the container instance is disconnected');
  if (/capacity provider/i.test(text)) hints.push('check the capacity provider strategy: the provider must be attached to the cluster');
  if (hints.length === 0) hints.push('see "API failure reasons" in the Amazon ECS developer guide for this reason');
  return hints;
}

/** awslogs group/stream of a container (`awslogs-stream-prefix/container/task-id`), when it logs to CloudWatch. */
export function awslogsLocation(
  definition: EcsContainerDefinitionView | undefined,
  taskArn: string,
): { group: string; stream: string; region?: string } | undefined {
  const config = definition?.logConfiguration;
  if (!config || config.logDriver !== 'awslogs' || !config.options) return undefined;
  const group = config.options['awslogs-group'];
  const prefix = config.options['awslogs-stream-prefix'];
  if (!group || !prefix || !definition?.name) return undefined;
  const taskId = taskArn.split('/').pop() ?? taskArn;
  return { group, stream: `${prefix}/${definition.name}/${taskId}`, region: config.options['awslogs-region'] };
}
