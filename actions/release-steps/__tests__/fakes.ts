/** Fakes of the deployment records and the registry, for the gate's and the rollback's tables. */
import type { DeploymentRecords, ImageStore, RecordedDeployment, RecordedStatus } from '../src/records.js';

/** Fake records: deployments newest first, each with statuses newest first; counts the requests. */
export function fakeRecords(list: Array<[RecordedDeployment, RecordedStatus[]]>, pageSize = 100): DeploymentRecords & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    get requests() {
      return asked.length;
    },
    async list(environment, page) {
      asked.push(`list ${environment} ${page}`);
      return list
        .map(([d]) => d)
        .filter((d) => d.environment === environment)
        .slice((page - 1) * pageSize, page * pageSize);
    },
    async statuses(id) {
      asked.push(`statuses ${id}`);
      return list.find(([d]) => d.id === id)?.[1] ?? [];
    },
  };
}

/** A fake ECR: `image` → { digests it holds, tag → digest }. */
export function fakeImages(held: Record<string, { digests: string[]; tags: Record<string, string> }>): ImageStore {
  return {
    async digestOf(image, id) {
      const repo = held[image];
      if (!repo) return undefined;
      return 'digest' in id ? (repo.digests.includes(id.digest) ? id.digest : undefined) : repo.tags[id.tag];
    },
  };
}
