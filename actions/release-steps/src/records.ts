/**
 * What the gate and the rollback read, behind two small interfaces so their decisions are tested
 * without GitHub or AWS: the environment's deployments with their statuses (GitHub Deployments API,
 * through core's client: GITHUB_API_URL, the token bound to that host, a time limit and core's retry
 * policy on every request) and the images of a release by digest (ECR BatchGetImage, through core's
 * ECR client, the one push-artifacts promotes with).
 */
import { ActionError, type DeploymentPayload, errorMessage, httpStatus, readDeploymentPayload } from '@deploy-kit/core';
import { type GitHubClient, githubCall } from '@deploy-kit/core/github';
import type { EcrApi } from '@deploy-kit/core/ecr';
import { parseEcrHost } from '@deploy-kit/core/oci/registry';

export interface RecordedStatus {
  /** `success`, `failure`, `error`, `inactive`, `in_progress`, `queued` or `pending`. */
  state: string;
  createdAt: string;
  description: string;
}

export interface RecordedDeployment {
  id: number;
  environment: string;
  createdAt: string;
  description: string;
  /** deploy-kit's payload, or undefined for a deployment another tool made. */
  payload: DeploymentPayload | undefined;
}

export interface DeploymentRecords {
  /** Requests made so far (for the summary). */
  readonly requests: number;
  /** One page of the environment's deployments, newest first (`page` from 1); empty past the last. */
  list(environment: string, page: number): Promise<RecordedDeployment[]>;
  /** The deployment's statuses, newest first. */
  statuses(id: number): Promise<RecordedStatus[]>;
}

/** Deployments read per page, and pages read at most: the newest 500 deployments of one environment. */
export const PAGE_SIZE = 100;
export const MAX_PAGES = 5;

export function octokitDeploymentRecords(client: GitHubClient, repository: { owner: string; repo: string }): DeploymentRecords {
  let requests = 0;
  const full = `${repository.owner}/${repository.repo}`;
  const call = async <T>(what: string, route: string, params: Record<string, unknown>): Promise<T> => {
    try {
      const response = await githubCall(what, () => {
        requests++;
        return client.request(route, { ...repository, ...params });
      });
      return response.data as T;
    } catch (error) {
      if (error instanceof ActionError) throw error;
      const status = httpStatus(error);
      throw new ActionError(`Could not ${what} of ${full}`, {
        why: `GitHub answered${status ? ` HTTP ${status}` : ''}: ${errorMessage(error)}`,
        check: [
          `the token may read deployments in ${full}: \`permissions: deployments: read\` for GITHUB_TOKEN (the composite's \`github-token\`), or a fine-grained token with "Deployments: Read" on it`,
          'require-staging: tag gates on the rc tag alone, without the Deployments API',
        ],
        cause: error,
      });
    }
  };
  return {
    get requests() {
      return requests;
    },
    async list(environment, page) {
      const data = await call<Array<{ id: number; environment: string; created_at: string; description: string | null; payload: unknown }>>(
        `list the ${environment} deployments`,
        'GET /repos/{owner}/{repo}/deployments',
        { environment, per_page: PAGE_SIZE, page },
      );
      return data.map((d) => ({
        id: d.id,
        environment: d.environment,
        createdAt: d.created_at,
        description: d.description ?? '',
        payload: readDeploymentPayload(d.payload),
      }));
    },
    async statuses(id) {
      const data = await call<Array<{ state: string; created_at: string; description: string | null }>>(
        `read the statuses of deployment ${id}`,
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        {
          deployment_id: id,
          per_page: 100,
        },
      );
      return data.map((s) => ({ state: s.state, createdAt: s.created_at, description: s.description ?? '' }));
    },
  };
}

/** An image of a recorded release, looked up in its registry. */
export interface ImageStore {
  /** The digest `id` names in `image` (`host/repository`), or undefined when there is no such image. */
  digestOf(image: string, id: { tag: string } | { digest: string }): Promise<string | undefined>;
}

/** The ECR repository and registry id of `host/path` (the registry id only for an ECR host). */
export function ecrRepositoryOf(image: string): { repository: string; registryId?: string } {
  const slash = image.indexOf('/');
  const host = slash < 0 ? '' : image.slice(0, slash);
  const repository = slash < 0 ? image : image.slice(slash + 1);
  return { repository, registryId: parseEcrHost(host)?.account };
}

export function ecrImageStore(ecr: EcrApi): ImageStore {
  return {
    async digestOf(image, id) {
      const { repository, registryId } = ecrRepositoryOf(image);
      if ('digest' in id) {
        // A deleted repository is a missing image, not an error: the refusal names it.
        if (!(await ecr.describeRepository(repository, registryId))) return undefined;
        return (await ecr.getImage(repository, { digest: id.digest }, registryId))?.digest;
      }
      return (await ecr.getImage(repository, { tag: id.tag }, registryId))?.digest;
    },
  };
}
