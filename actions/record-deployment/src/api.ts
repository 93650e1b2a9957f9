/**
 * The Deployments API calls this action makes, behind one small interface, so the flow is tested
 * with a fake. The Octokit implementation goes through core's GitHub client (GITHUB_API_URL, the
 * token bound to that host over https or loopback, a time limit per request) and retries 5xx,
 * throttling and resets with core's policy; a refusal becomes an ActionError that says what the
 * token needs.
 */
import { ActionError, errorMessage, httpStatus } from '@deploy-kit/core';
import { type GitHubClient, countedGitHubCalls } from '@deploy-kit/core/github';

export interface Repository {
  owner: string;
  repo: string;
}

export interface Deployment {
  id: number;
  url: string;
  sha: string;
  ref: string;
  environment: string;
  payload: unknown;
  description: string | null;
}

export interface DeploymentStatus {
  id: number;
  state: string;
  description: string;
  log_url?: string;
  environment_url?: string;
}

export interface CreateDeployment {
  ref: string;
  environment: string;
  description: string;
  production_environment: boolean;
  transient_environment: boolean;
  payload: Record<string, unknown>;
}

export type StatusState = 'in_progress' | 'success' | 'failure' | 'error';

export interface CreateStatus {
  state: StatusState;
  description: string;
  log_url?: string;
  environment_url?: string;
  auto_inactive: boolean;
}

export interface DeploymentsApi {
  readonly requests: number;
  createDeployment(repository: Repository, body: CreateDeployment): Promise<Deployment>;
  getDeployment(repository: Repository, id: number): Promise<Deployment>;
  createStatus(repository: Repository, id: number, body: CreateStatus): Promise<DeploymentStatus>;
  /** The newest status, or undefined when the deployment has none. */
  latestStatus(repository: Repository, id: number): Promise<DeploymentStatus | undefined>;
}

/** GitHub's limit on a status description. */
export const MAX_DESCRIPTION = 140;

export function shortDescription(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DESCRIPTION ? `${flat.slice(0, MAX_DESCRIPTION - 1)}…` : flat;
}

function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown } } } | null)?.response?.data;
  return typeof data?.message === 'string' ? data.message : errorMessage(error);
}

/** A failed call in the user's terms: what failed, why, what the token or the input needs. */
export function describeApiError(what: string, repository: Repository, error: unknown): ActionError {
  if (error instanceof ActionError) return error;
  const status = httpStatus(error);
  const full = `${repository.owner}/${repository.repo}`;
  const message = apiMessage(error);
  const check: string[] = [];
  let why = `GitHub answered${status ? ` HTTP ${status}` : ''}: ${message}`;
  if (status === 401) check.push('`token` is a valid token (an expired or revoked one gives 401).');
  if (status === 403 || status === 404) {
    check.push(
      `The token may write deployments in ${full}: \`permissions: deployments: write\` for GITHUB_TOKEN, or a fine-grained token with "Deployments: Read and write" on it.`,
    );
    check.push('`repository` names the application repository (default: this one).');
  }
  if (status === 409)
    why += ' (a merge conflict or failed commit status checks; record-deployment sends auto_merge: false and required_contexts: [])';
  if (status === 422) check.push('`ref` (or `tag`) names a branch, tag or commit that exists in the repository.');
  return new ActionError(`Could not ${what} in ${full}`, { why, check, cause: error });
}

/**
 * No cancellation signal on purpose: when the job is cancelled the flow still writes the `error`
 * status, and each request is bounded by the client's own time limit.
 */
export function octokitDeploymentsApi(client: GitHubClient): DeploymentsApi {
  const calls = countedGitHubCalls(client, describeApiError);
  const { call } = calls;
  return {
    get requests() {
      return calls.requests;
    },
    async createDeployment(repository, body) {
      const data = await call<Deployment & { message?: string }>(
        'create deployment',
        `create a deployment of ${body.ref} to ${body.environment}`,
        repository,
        'POST /repos/{owner}/{repo}/deployments',
        {
          ...body,
          auto_merge: false,
          required_contexts: [],
        },
      );
      if (typeof data.id !== 'number')
        throw new ActionError(
          `Could not create a deployment of ${body.ref}: GitHub answered without one (${data.message ?? 'no message'})`,
        );
      return data;
    },
    getDeployment(repository, id) {
      return call<Deployment>(
        'get deployment',
        `find deployment ${id}`,
        repository,
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}',
        { deployment_id: id },
      );
    },
    createStatus(repository, id, body) {
      return call<DeploymentStatus>(
        'create deployment status',
        `set deployment ${id} to ${body.state}`,
        repository,
        'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        {
          deployment_id: id,
          ...body,
          description: shortDescription(body.description),
        },
      );
    },
    async latestStatus(repository, id) {
      const list = await call<DeploymentStatus[]>(
        'list deployment statuses',
        `read the statuses of deployment ${id}`,
        repository,
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        { deployment_id: id, per_page: 1 },
      );
      return list[0];
    },
  };
}
