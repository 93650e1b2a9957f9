import { describe, expect, test } from '@jest/globals';
import { decide, type Desired } from '../src/decide.js';
import type { JobView } from '../src/classify.js';

const IMAGE = `r.io/app@sha256:${'c'.repeat(64)}`;
const desired: Desired = { name: 'orders-migrate-v1', namespace: 'apps', release: 'orders', tag: 'v1', image: IMAGE, rerunFailed: false };
const existing = (
  conditions: { type: string; status: string; reason?: string }[],
  annotations: Record<string, string> = {},
  extra: Partial<NonNullable<JobView['metadata']>> = {},
): JobView => ({
  metadata: {
    name: desired.name,
    annotations: { 'deploy-kit/release': 'orders', 'deploy-kit/tag': 'v1', 'deploy-kit/image': IMAGE, ...annotations },
    ...extra,
  },
  status: { conditions, active: conditions.length ? 0 : 1 },
});

describe('decide', () => {
  test('no Job → create', () => expect(decide(undefined, desired)).toEqual({ action: 'create' }));

  test('completed with the same image → already-complete (nothing runs again)', () => {
    expect(decide(existing([{ type: 'Complete', status: 'True' }]), desired)).toMatchObject({
      action: 'already-complete',
      message: expect.stringContaining('not run again'),
    });
  });

  test('still running → attach, never a second Job', () => {
    expect(decide(existing([]), desired)).toMatchObject({ action: 'attach' });
  });

  test('failed → refuse, saying how to retry', () => {
    const decision = decide(existing([{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }]), desired);
    expect(decision.action).toBe('refuse');
    if (decision.action !== 'refuse') return;
    expect(decision.message).toContain('already ran with this image and failed');
    expect(decision.check.join('\n')).toContain('rerun-failed: true');
    expect(decision.check.join('\n')).toContain('kubectl -n apps logs job/orders-migrate-v1');
  });

  test('its pod failed but the Job is not marked Failed yet → refuse, not attach', () => {
    const failedPod = {
      metadata: { name: 'orders-migrate-v1-x' },
      status: { phase: 'Failed', containerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 3, reason: 'Error' } } }] },
    };
    expect(decide(existing([]), desired, [failedPod])).toMatchObject({ action: 'refuse', message: expect.stringContaining('exit code 3') });
    expect(decide(existing([]), { ...desired, rerunFailed: true }, [failedPod])).toMatchObject({ action: 'recreate' });
  });

  test('failed + rerun-failed → recreate', () => {
    expect(
      decide(existing([{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }]), { ...desired, rerunFailed: true }),
    ).toMatchObject({ action: 'recreate' });
  });

  test('rerun-failed does not touch a completed Job', () => {
    expect(decide(existing([{ type: 'Complete', status: 'True' }]), { ...desired, rerunFailed: true }).action).toBe('already-complete');
  });

  test.each([
    [{ 'deploy-kit/release': 'payments' }, 'belongs to release "payments"'],
    [{ 'deploy-kit/image': `r.io/app@sha256:${'d'.repeat(64)}` }, 'not r.io/app@sha256:'],
    [{ 'deploy-kit/tag': 'v2' }, 'tag "v2"'],
  ])('a Job of another release / image / tag under the same name is refused (%j)', (annotations, message) => {
    const decision = decide(existing([{ type: 'Complete', status: 'True' }], annotations), desired);
    expect(decision).toMatchObject({ action: 'refuse', message: expect.stringContaining(message) });
  });

  test('a Job not made by migrate-job is refused', () => {
    const foreign: JobView = {
      metadata: { name: desired.name },
      spec: { template: { spec: { containers: [{ name: 'x', image: IMAGE }] } } },
      status: {},
    };
    expect(decide(foreign, desired)).toMatchObject({ action: 'refuse', message: expect.stringContaining('not created by migrate-job') });
  });

  test('a Job being deleted → wait for it, then create', () => {
    expect(decide(existing([], {}, { deletionTimestamp: new Date() }), desired).action).toBe('wait-deleted');
  });
});
