/**
 * Before a Job is created: the secrets and config maps its pod takes its environment from exist (read
 * as metadata only: whether a secret exists is all that is asked, never its values). Where RBAC does
 * not allow reading them the kubelet checks them, and the watch reports CreateContainerConfigError.
 */
import { ActionError, runner as core } from '@deploy-kit/core';
import { collectionPath, statusCode, type KubeApi } from '../kube/index.js';
import type { Plan } from '../plan.js';

/** Only the object's metadata: whether a secret exists is all we ask, never its values. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** The envFrom secrets/config maps exist (read-only; skipped where RBAC does not allow reading them). */
export async function checkEnvSources(
  api: KubeApi,
  namespace: string,
  plan: Plan,
  call: <T>(verb: string, resource: string, fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const checks: [string, string, () => Promise<unknown>][] = [
    ...plan.envFromSecrets.map(
      (n) =>
        [
          'secret',
          n,
          () => api.request('GET', `${collectionPath(namespace, 'secrets')}/${encodeURIComponent(n)}`, { accept: METADATA_ONLY }),
        ] as [string, string, () => Promise<unknown>],
    ),
    ...plan.envFromConfigMaps.map(
      (n) =>
        ['configmap', n, () => api.request('GET', `${collectionPath(namespace, 'configmaps')}/${encodeURIComponent(n)}`)] as [
          string,
          string,
          () => Promise<unknown>,
        ],
    ),
  ];
  for (const [kind, objectName, read] of checks) {
    const found = await call(`get`, `${kind}s/${objectName}`, async () => {
      try {
        await read();
        return true;
      } catch (error) {
        const status = statusCode(error);
        if (status === 404) return false;
        if (status === 403) {
          core.debug(`cannot read ${kind} ${objectName} (403); the kubelet will check it`);
          return true;
        }
        throw error;
      }
    });
    if (!found) {
      throw new ActionError(`Migration not started: ${kind} "${objectName}" does not exist in namespace ${namespace}`, {
        check: [`create it (or fix \`env-from-${kind}\`); nothing was created in the cluster`],
      });
    }
  }
}
