/**
 * Removing Jobs: the `cleanup` policy once the migration has ended (never a Job that may still be
 * running; a failure to delete is a warning, the log is kept in the log file), and the failed Job a
 * `rerun-failed` replaces (deleted in the foreground, then waited for until it is gone).
 */
import { ActionError, errorMessage, runner as core, sleep } from '@deploy-kit/core';
import type { KubeApi } from '../kube/index.js';
import type { Values } from '../plan.js';

export async function cleanup(policy: Values['cleanup'], status: string, remove: () => Promise<unknown>, name: string): Promise<void> {
  const running = status === 'timed-out' || status === 'cancelled';
  const wanted = policy === 'always' ? !running : policy === 'on-success' ? status === 'succeeded' : false;
  if (policy === 'always' && running) core.info(`cleanup: always, but the Job ${name} may still be running: it is left alone`);
  if (!wanted) return;
  try {
    await remove();
    core.info(`Deleted Job ${name} (cleanup: ${policy}); its log is kept in the log file`);
  } catch (error) {
    core.warning(`Could not delete Job ${name} (cleanup: ${policy}): ${errorMessage(error)}`);
  }
}

export function deleteJob(api: KubeApi, jobsPath: string, name: string, propagationPolicy: 'Foreground' | 'Background'): Promise<unknown> {
  return api.request('DELETE', `${jobsPath}/${encodeURIComponent(name)}`, {
    body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy },
  });
}

export async function waitGone(read: () => Promise<unknown>, until: number, name: string): Promise<void> {
  while (Date.now() < until) {
    if ((await read()) === undefined) return;
    await sleep(500);
  }
  throw new ActionError(`The old Job ${name} was not deleted in time`, {
    check: ['finalizers on the Job or its pods (kubectl get job -o yaml)'],
  });
}
