import { describe, expect, test } from '@jest/globals';
import { classify, missingReference, type ContainerState, type EventView, type JobView, type PodView } from '../src/classify.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const job = (
  conditions: JobView['status'] extends infer S ? (S extends { conditions?: infer C } ? C : never) : never = [],
  extra: Partial<JobView> = {},
): JobView => ({
  metadata: { name: 'orders-migrate-v1' },
  spec: { activeDeadlineSeconds: 300 },
  status: { conditions },
  ...extra,
});
const pod = (
  state: ContainerState | undefined,
  status: Partial<NonNullable<PodView['status']>> = {},
  name = 'orders-migrate-v1-abcde',
): PodView => ({
  metadata: { name, creationTimestamp: new Date(T0) },
  status: { phase: 'Pending', containerStatuses: state ? [{ name: 'migrate', state }] : [], ...status },
});
const cond = (type: string, reason?: string, message?: string) => ({ type, status: 'True', reason, message });

describe('classify: terminal conditions from the Job controller', () => {
  test('Complete → succeeded, exit code 0', () => {
    expect(classify({ job: job([cond('Complete')]), pods: [pod({ terminated: { exitCode: 0 } }, { phase: 'Succeeded' })] })).toMatchObject({
      state: 'succeeded',
      exitCode: 0,
      pod: 'orders-migrate-v1-abcde',
    });
  });
  test('SuccessCriteriaMet (before Complete) → succeeded', () => {
    expect(classify({ job: job([cond('SuccessCriteriaMet')]) }).state).toBe('succeeded');
  });
  test.each([
    [
      'Failed',
      'BackoffLimitExceeded',
      { terminated: { exitCode: 3, reason: 'Error' } },
      { kind: 'exit-code', exitCode: 3, message: 'the migration container failed: exit code 3, reason Error' },
    ],
    [
      'FailureTarget',
      'BackoffLimitExceeded',
      { terminated: { exitCode: 1, reason: 'Error', message: 'line1\nduplicate column' } },
      { kind: 'exit-code', exitCode: 1, message: 'the migration container failed: exit code 1, reason Error: line1 | duplicate column' },
    ],
    [
      'Failed',
      'BackoffLimitExceeded',
      { terminated: { exitCode: 137, reason: 'OOMKilled' } },
      { kind: 'exit-code', exitCode: 137, message: expect.stringContaining('ran out of memory') },
    ],
    [
      'Failed',
      'DeadlineExceeded',
      { running: {} },
      {
        kind: 'deadline',
        reason: 'DeadlineExceeded',
        message: 'the migration ran longer than its deadline (timeout 5m, activeDeadlineSeconds 300) and Kubernetes stopped it',
      },
    ],
    [
      'Failed',
      'BackoffLimitExceeded',
      undefined,
      { kind: 'backoff-limit', message: 'the Job failed (BackoffLimitExceeded: Job has reached the specified backoff limit)' },
    ],
    ['Failed', 'PodFailurePolicy', undefined, { kind: 'job-failed' }],
  ] as const)('%s/%s with container %j', (type, reason, state, expected) => {
    const message = reason === 'BackoffLimitExceeded' ? 'Job has reached the specified backoff limit' : undefined;
    const verdict = classify({
      job: job([cond(type, reason, message)]),
      pods: [pod(state as ContainerState | undefined, { phase: 'Failed' })],
      timeoutText: '5m',
    });
    expect(verdict).toMatchObject({ state: 'failed', ...expected });
  });
  test('a Failed Job whose pod was evicted reports the eviction', () => {
    const verdict = classify({
      job: job([cond('Failed', 'BackoffLimitExceeded')]),
      pods: [pod(undefined, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' })],
    });
    expect(verdict).toMatchObject({
      state: 'failed',
      kind: 'pod-failed',
      message: expect.stringContaining('Evicted: The node was low on resource: memory.'),
    });
  });
  test.each([
    ['past the deadline → the deadline, though the Job has no condition yet', T0 + 300_000, 'deadline'],
    ['before the deadline → the exit code', T0 + 299_000, 'exit-code'],
  ])('a pod killed (137) %s', (_, now, kind) => {
    const running = job([], { status: { conditions: [], startTime: new Date(T0) } });
    const killed = pod({ terminated: { exitCode: 137, reason: 'Error' } }, { phase: 'Failed' });
    expect(classify({ job: running, pods: [killed], now, timeoutText: '5m' })).toMatchObject({ state: 'failed', kind, exitCode: 137 });
  });
  test('the deadline without a timeout text still names activeDeadlineSeconds', () => {
    expect(classify({ job: job([cond('Failed', 'DeadlineExceeded')]) })).toMatchObject({
      message: 'the migration ran longer than its deadline (activeDeadlineSeconds 300) and Kubernetes stopped it',
    });
  });
});

describe('classify: pod problems that never trip backoffLimit', () => {
  test.each([
    ['ErrImagePull', 'rpc error: not found', 'image-pull', 'the image cannot be pulled (ErrImagePull: rpc error: not found)'],
    [
      'ImagePullBackOff',
      'Back-off pulling image "r/app@sha256:…"',
      'image-pull',
      'the image cannot be pulled (ImagePullBackOff: Back-off pulling image "r/app@sha256:…")',
    ],
    ['InvalidImageName', undefined, 'image-pull', 'the image cannot be pulled (InvalidImageName)'],
    [
      'CreateContainerConfigError',
      'secret "orders-db" not found',
      'config',
      'the container cannot start: secret "orders-db" is missing in the Job\'s namespace (CreateContainerConfigError)',
    ],
    [
      'CreateContainerConfigError',
      'configmap "orders-config" not found',
      'config',
      'the container cannot start: configmap "orders-config" is missing in the Job\'s namespace (CreateContainerConfigError)',
    ],
    [
      'CreateContainerConfigError',
      "couldn't find key DB_URL in Secret apps/orders-db",
      'config',
      'the container cannot start: key DB_URL in secret "orders-db" is missing in the Job\'s namespace (CreateContainerConfigError)',
    ],
    [
      'CreateContainerConfigError',
      'something else',
      'config',
      'the container cannot start: its configuration is invalid (CreateContainerConfigError: something else)',
    ],
    [
      'RunContainerError',
      'exec: "/app/migrate": no such file',
      'start-error',
      'the container cannot start (RunContainerError: exec: "/app/migrate": no such file)',
    ],
  ])('waiting %s (%s) → %s', (reason, message, kind, text) => {
    expect(classify({ job: job(), pods: [pod({ waiting: { reason, message } })] })).toMatchObject({
      state: 'failed',
      kind,
      reason,
      message: text,
      pod: 'orders-migrate-v1-abcde',
    });
  });

  test('the missing secret is named from the kubelet event when the status has no message', () => {
    const events: EventView[] = [
      {
        reason: 'Failed',
        message: 'Error: secret "orders-db" not found',
        involvedObject: { kind: 'Pod', name: 'orders-migrate-v1-abcde' },
      },
    ];
    expect(
      classify({ job: job(), pods: [pod({ waiting: { reason: 'CreateContainerConfigError' } })], events }).state === 'failed' &&
        classify({ job: job(), pods: [pod({ waiting: { reason: 'CreateContainerConfigError' } })], events }),
    ).toMatchObject({ message: expect.stringContaining('secret "orders-db" is missing') });
  });

  test('an image pull error in an init container counts too', () => {
    expect(
      classify({
        job: job(),
        pods: [pod(undefined, { initContainerStatuses: [{ name: 'init', state: { waiting: { reason: 'ErrImagePull' } } }] })],
      }),
    ).toMatchObject({ kind: 'image-pull' });
  });

  const unschedulable = (since: number) =>
    pod(undefined, {
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient cpu.',
          lastTransitionTime: new Date(since).toISOString(),
        },
      ],
    });
  test.each([
    [0, 0, 'failed'],
    [60_000, 30_000, 'pending'],
    [60_000, 60_000, 'failed'],
    [60_000, 120_000, 'failed'],
  ])('Unschedulable with grace %i ms after %i ms → %s', (grace, elapsed, state) => {
    const verdict = classify({ job: job(), pods: [unschedulable(T0)], now: T0 + elapsed, unschedulableGraceMs: grace });
    expect(verdict.state).toBe(state);
    if (state === 'failed')
      expect(verdict).toMatchObject({
        kind: 'unschedulable',
        message: 'no node can run the migration pod (Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.)',
      });
  });

  test('FailedCreate on the Job (no pod could be made) → failed with the API message', () => {
    const events: EventView[] = [
      {
        reason: 'FailedCreate',
        message:
          'Error creating: pods "x" is forbidden: error looking up service account apps/migrator: serviceaccount "migrator" not found',
        involvedObject: { kind: 'Job', name: 'orders-migrate-v1' },
      },
    ];
    expect(classify({ job: job(), pods: [], events })).toMatchObject({
      state: 'failed',
      kind: 'create-failed',
      message: expect.stringContaining('serviceaccount "migrator" not found'),
    });
  });
});

describe('classify: still going', () => {
  test.each([
    [[] as PodView[], 'pending', 'waiting for the Job controller to create the pod'],
    [[pod(undefined)], 'pending', 'pod orders-migrate-v1-abcde is Pending'],
    [[pod({ waiting: { reason: 'ContainerCreating' } })], 'pending', 'pod orders-migrate-v1-abcde is Pending (ContainerCreating)'],
    [[pod({ running: { startedAt: new Date(T0) } }, { phase: 'Running' })], 'running', 'pod orders-migrate-v1-abcde is running'],
    [
      [pod({ terminated: { exitCode: 0 } }, { phase: 'Succeeded' })],
      'running',
      'pod orders-migrate-v1-abcde finished; waiting for the Job to be marked complete',
    ],
  ])('pods %# → %s', (pods, state, detail) => {
    expect(classify({ job: job(), pods })).toMatchObject({ state, detail });
  });

  test('a pod that exited non-zero fails at once, before the Job controller marks the Job', () => {
    expect(classify({ job: job(), pods: [pod({ terminated: { exitCode: 2, reason: 'Error' } }, { phase: 'Failed' })] })).toMatchObject({
      state: 'failed',
      kind: 'exit-code',
      exitCode: 2,
    });
  });

  test('the newest pod is the one that counts', () => {
    const old = {
      ...pod({ terminated: { exitCode: 1 } }, { phase: 'Failed' }, 'old'),
      metadata: { name: 'old', creationTimestamp: new Date(T0 - 1000) },
    };
    const current = pod({ running: {} }, { phase: 'Running' }, 'new');
    expect(classify({ job: job(), pods: [old, current] })).toMatchObject({ state: 'running', pod: 'new' });
  });
});

test.each([
  ['secret "a" not found', 'secret "a"'],
  ['configmap "b" not found', 'configmap "b"'],
  ['configmaps "b" not found', 'configmap "b"'],
  ["couldn't find key K in ConfigMap ns/cm", 'key K in configmap "cm"'],
  ['nothing', undefined],
  [undefined, undefined],
])('missingReference(%j)', (message, expected) => expect(missingReference(message)).toBe(expected));
