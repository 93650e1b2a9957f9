/**
 * Where a migration Job stands, from the Job, its pods and their events, as Kubernetes reports them.
 * A pure function, so every case is a table row in the unit tests and the watcher only has to feed it
 * the latest objects. Terminal verdicts come from the Job's own conditions (the Job controller's
 * word) first; the pod-level checks catch what never trips `backoffLimit` because the pod never
 * leaves Pending: image pull errors, a missing secret or config map, an unschedulable pod, and pods
 * the Job controller cannot even create (a missing service account, a quota).
 */
import { CONTAINER_NAME } from './manifest.js';

type Time = Date | string | undefined;

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: Time;
}

export interface JobView {
  metadata?: {
    name?: string;
    uid?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    creationTimestamp?: Time;
    deletionTimestamp?: Time;
  };
  spec?: { activeDeadlineSeconds?: number; template?: { spec?: { containers?: { name?: string; image?: string }[] } } };
  status?: { conditions?: Condition[]; active?: number; succeeded?: number; failed?: number; startTime?: Time; completionTime?: Time };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: Time };
  terminated?: { exitCode?: number; reason?: string; message?: string; signal?: number; finishedAt?: Time };
}

export interface ContainerStatus {
  name: string;
  state?: ContainerState;
  image?: string;
  imageID?: string;
}

export interface PodView {
  metadata?: { name?: string; creationTimestamp?: Time; deletionTimestamp?: Time };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface EventView {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: Time;
  eventTime?: Time;
}

export type FailureKind =
  | 'exit-code'
  | 'deadline'
  | 'backoff-limit'
  | 'image-pull'
  | 'config'
  | 'start-error'
  | 'unschedulable'
  | 'create-failed'
  | 'pod-failed'
  | 'job-failed';

export type Verdict =
  | { state: 'pending'; detail: string; pod?: string }
  | { state: 'running'; detail: string; pod: string }
  | { state: 'succeeded'; detail: string; pod?: string; exitCode: number }
  | { state: 'failed'; kind: FailureKind; message: string; pod?: string; exitCode?: number; reason?: string };

export interface ClassifyInput {
  job: JobView;
  pods?: readonly PodView[];
  events?: readonly EventView[];
  /** For the Unschedulable grace period. */
  now?: number;
  /** How long a pod may stay Unschedulable before the migration is failed (cluster autoscalers add nodes). */
  unschedulableGraceMs?: number;
  /** Human form of the timeout, for the deadline message. */
  timeoutText?: string;
}

const IMAGE_PULL = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'ImageInspectError',
]);
const START_ERRORS = new Set(['CreateContainerError', 'RunContainerError', 'StartError', 'ContainerCannotRun']);

function toMs(time: Time): number | undefined {
  if (time === undefined) return undefined;
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}

function condition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type && c.status === 'True');
}

/** The migration container's status (named `migrate`, else the only one). */
export function migrationContainer(pod: PodView): ContainerStatus | undefined {
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find((s) => s.name === CONTAINER_NAME) ?? (statuses.length === 1 ? statuses[0] : undefined);
}

/** Newest pod first (creation time, then name). */
export function newestPod(pods: readonly PodView[]): PodView | undefined {
  return [...pods].sort(
    (a, b) =>
      (toMs(b.metadata?.creationTimestamp) ?? 0) - (toMs(a.metadata?.creationTimestamp) ?? 0) ||
      String(b.metadata?.name).localeCompare(String(a.metadata?.name)),
  )[0];
}

/** `secret "app-db" not found` → `secret "app-db"`; the object a CreateContainerConfigError is about. */
export function missingReference(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const notFound = /\b(secret|configmap|config map)s? "([^"]+)" not found/i.exec(message);
  if (notFound) return `${notFound[1].toLowerCase().replace(' ', '')} "${notFound[2]}"`;
  const missingKey = /couldn't find key (\S+) in (Secret|ConfigMap) ([^\s/]+)\/(\S+)/i.exec(message);
  if (missingKey) return `key ${missingKey[1]} in ${missingKey[2].toLowerCase()} "${missingKey[4]}"`;
  return undefined;
}

function terminatedExit(pod: PodView | undefined): { exitCode?: number; reason?: string; message?: string } {
  const state = pod ? migrationContainer(pod)?.state?.terminated : undefined;
  return state ? { exitCode: state.exitCode, reason: state.reason, message: state.message } : {};
}

function exitText(exit: { exitCode?: number; reason?: string; message?: string }): string {
  const parts: string[] = [];
  if (exit.exitCode !== undefined) parts.push(`exit code ${exit.exitCode}`);
  if (exit.reason) parts.push(`reason ${exit.reason}`);
  if (exit.exitCode === 137 || exit.reason === 'OOMKilled')
    parts.push(exit.reason === 'OOMKilled' ? 'the container ran out of memory: raise `resources` limits' : 'killed (SIGKILL)');
  let text = parts.join(', ');
  if (exit.message) text += `: ${exit.message.trim().split('\n').slice(-3).join(' | ')}`;
  return text;
}

function deadlineVerdict(input: ClassifyInput, podName: string | undefined, exitCode: number | undefined): Verdict {
  const { job, timeoutText } = input;
  const seconds = job.spec?.activeDeadlineSeconds;
  const details = [timeoutText ? `timeout ${timeoutText}` : '', seconds !== undefined ? `activeDeadlineSeconds ${seconds}` : '']
    .filter(Boolean)
    .join(', ');
  return {
    state: 'failed',
    kind: 'deadline',
    reason: 'DeadlineExceeded',
    pod: podName,
    exitCode,
    message: `the migration ran longer than its deadline${details ? ` (${details})` : ''} and Kubernetes stopped it`,
  };
}

/** Whether the Job has run for its whole activeDeadlineSeconds (counted from its startTime). */
function pastDeadline(input: ClassifyInput): boolean {
  const seconds = input.job.spec?.activeDeadlineSeconds;
  const start = toMs(input.job.status?.startTime);
  if (seconds === undefined || start === undefined) return false;
  return (input.now ?? Date.now()) - start >= seconds * 1000;
}

/** The verdict for one observation of the Job and its pods. */
export function classify(input: ClassifyInput): Verdict {
  const { job } = input;
  const pods = input.pods ?? [];
  const events = input.events ?? [];
  const conditions = job.status?.conditions ?? [];
  const pod = newestPod(pods);
  const podName = pod?.metadata?.name;

  const complete = condition(conditions, 'Complete') ?? condition(conditions, 'SuccessCriteriaMet');
  if (complete) return { state: 'succeeded', detail: 'the Job completed', pod: podName, exitCode: 0 };

  const failed = condition(conditions, 'Failed') ?? condition(conditions, 'FailureTarget');
  if (failed) {
    const exit = terminatedExit(pod);
    if (failed.reason === 'DeadlineExceeded') return deadlineVerdict(input, podName, exit.exitCode);
    if (exit.exitCode !== undefined) {
      return {
        state: 'failed',
        kind: 'exit-code',
        reason: failed.reason,
        pod: podName,
        exitCode: exit.exitCode,
        message: `the migration container failed: ${exitText(exit)}`,
      };
    }
    const podProblem = pod ? podFailure(pod, input) : undefined;
    if (podProblem) return podProblem;
    return {
      state: 'failed',
      kind: failed.reason === 'BackoffLimitExceeded' ? 'backoff-limit' : 'job-failed',
      reason: failed.reason,
      pod: podName,
      message: `the Job failed (${failed.reason ?? 'no reason given'}${failed.message ? `: ${failed.message}` : ''})`,
    };
  }

  if (pod) {
    const problem = podFailure(pod, input, events);
    if (problem) return problem;
  }

  const createFailed = [...events].reverse().find((e) => e.reason === 'FailedCreate' && (e.involvedObject?.kind ?? 'Job') === 'Job');
  if (createFailed && !pod) {
    return {
      state: 'failed',
      kind: 'create-failed',
      reason: 'FailedCreate',
      message: `Kubernetes could not create the migration pod: ${createFailed.message ?? 'no message'}`,
    };
  }

  if (!pod) return { state: 'pending', detail: 'waiting for the Job controller to create the pod' };
  const container = migrationContainer(pod);
  if (container?.state?.running) return { state: 'running', detail: `pod ${podName} is running`, pod: podName! };
  const exit = terminatedExit(pod);
  if (pod.status?.phase === 'Succeeded' || exit.exitCode === 0) {
    return { state: 'running', detail: `pod ${podName} finished; waiting for the Job to be marked complete`, pod: podName! };
  }
  if (pod.status?.phase === 'Failed' || (exit.exitCode !== undefined && exit.exitCode !== 0)) {
    // Killed at the deadline: the pod's end can reach us before the Job's DeadlineExceeded condition.
    if (pastDeadline(input)) return deadlineVerdict(input, podName, exit.exitCode);
    // The Job controller marks the Job Failed next; the exit code is already known, so report it now.
    return {
      state: 'failed',
      kind: 'exit-code',
      pod: podName,
      exitCode: exit.exitCode,
      reason: exit.reason,
      message: `the migration container failed: ${exitText(exit) || pod.status?.reason || 'pod failed'}`,
    };
  }
  const waiting = container?.state?.waiting;
  return {
    state: 'pending',
    detail: `pod ${podName} is ${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''}`,
    pod: podName,
  };
}

/** Failures visible on the pod before the Job controller gives up (or that it never gives up on). */
function podFailure(pod: PodView, input: ClassifyInput, events: readonly EventView[] = []): Verdict | undefined {
  const podName = pod.metadata?.name;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    if (IMAGE_PULL.has(waiting.reason)) {
      return {
        state: 'failed',
        kind: 'image-pull',
        reason: waiting.reason,
        pod: podName,
        message: `the image cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
      };
    }
    if (waiting.reason === 'CreateContainerConfigError') {
      const eventMessage = [...events].reverse().find((e) => e.involvedObject?.name === podName && missingReference(e.message))?.message;
      const missing = missingReference(waiting.message) ?? missingReference(eventMessage);
      return {
        state: 'failed',
        kind: 'config',
        reason: waiting.reason,
        pod: podName,
        message: missing
          ? `the container cannot start: ${missing} is missing in the Job's namespace (CreateContainerConfigError)`
          : `the container cannot start: its configuration is invalid (CreateContainerConfigError${waiting.message ? `: ${waiting.message}` : ''})`,
      };
    }
    if (START_ERRORS.has(waiting.reason)) {
      return {
        state: 'failed',
        kind: 'start-error',
        reason: waiting.reason,
        pod: podName,
        message: `the container cannot start (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
      };
    }
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled && scheduled.status === 'False' && scheduled.reason === 'Unschedulable') {
    const since = toMs(scheduled.lastTransitionTime);
    const grace = input.unschedulableGraceMs ?? 0;
    const now = input.now ?? Date.now();
    if (since === undefined || now - since >= grace) {
      return {
        state: 'failed',
        kind: 'unschedulable',
        reason: 'Unschedulable',
        pod: podName,
        message: `no node can run the migration pod (Unschedulable${scheduled.message ? `: ${scheduled.message}` : ''})`,
      };
    }
  }
  const container = migrationContainer(pod);
  if (pod.status?.phase === 'Failed' && !container?.state?.terminated && (pod.status.reason || pod.status.message)) {
    return {
      state: 'failed',
      kind: 'pod-failed',
      reason: pod.status.reason,
      pod: podName,
      message: `the migration pod failed before its container ran (${pod.status.reason ?? 'Failed'}${pod.status.message ? `: ${pod.status.message}` : ''})`,
    };
  }
  return undefined;
}
