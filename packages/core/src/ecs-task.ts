/**
 * How a stopped ECS task is read, shared by migrate-job's ECS backend (one migration task) and
 * ecs-deploy (a service deployment's tasks): the task's stopCode and stoppedReason (why ECS stopped
 * it: image pull, secrets, ENI, health checks, essential container exited) and each container's exit
 * code, where a missing exit code means the container never ran. The views are the fields of the
 * SDK's `Task` and `Container` that the suite reads, so tests build them without the SDK.
 */

export interface EcsContainerView {
  name?: string;
  exitCode?: number | null;
  reason?: string;
  lastStatus?: string;
}

export interface EcsTaskView {
  taskArn?: string;
  taskDefinitionArn?: string;
  lastStatus?: string;
  desiredStatus?: string;
  startedBy?: string;
  stopCode?: string;
  stoppedReason?: string;
  containers?: EcsContainerView[];
  startedAt?: Date | string;
  stoppedAt?: Date | string;
}

/** `stopCode X, stoppedReason "…"`, or '' when ECS gave neither. */
export function describeStop(task: EcsTaskView): string {
  const parts: string[] = [];
  if (task.stopCode) parts.push(`stopCode ${task.stopCode}`);
  if (task.stoppedReason) parts.push(`stoppedReason "${task.stoppedReason}"`);
  return parts.join(', ');
}

/** One container's end: `container "web" exited with code 1 (reason)` or `… never ran (no exit code)`. */
export function describeContainerExit(container: EcsContainerView): string {
  const name = `container "${container.name ?? '?'}"`;
  const reason = container.reason ? ` (${container.reason})` : '';
  if (container.exitCode === null || container.exitCode === undefined) return `${name} never ran (no exit code)${reason}`;
  return `${name} exited with code ${container.exitCode}${reason}`;
}

/** A stopped task in one line: its id, why ECS stopped it, and every container's exit. */
export function describeStoppedTask(task: EcsTaskView): string {
  const id = (task.taskArn ?? '').split('/').pop() || 'task';
  const stop = describeStop(task);
  const containers = (task.containers ?? []).map(describeContainerExit);
  return `task ${id}${stop ? `: ${stop}` : ''}${containers.length ? `; ${containers.join(', ')}` : ''}`;
}
