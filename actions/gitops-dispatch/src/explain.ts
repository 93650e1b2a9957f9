/**
 * GitHub API failures in the user's terms, after the deployment guide's troubleshooting table
 * ("Workflow not found" → the name; "Auth fails" → WORKFLOW_PAT validity; "Repository error" →
 * target repo and ref): what failed, why, and what to check.
 */
import { ActionError, errorMessage, httpStatus, valueAt } from '@deploy-kit/core';
import { GitHubRequestError } from '@deploy-kit/core/github';
import { type AuthKind, errorHeaders, serverMessage } from './api.js';

export interface ErrorContext {
  /** What we were doing: "read example-org/gitops-staging", "dispatch …". */
  doing: string;
  repository?: string;
  ref?: string;
  auth: AuthKind;
}

const PAT_SCOPES =
  'a fine-grained token needs access to the repository with "Actions: Read and write" and "Contents: Read"; a classic token needs the `repo` scope';
const APP_PERMISSIONS =
  'the GitHub App needs the repository permissions "Actions: Read and write" and "Contents: Read", and the installation must have accepted them';

export function explainApiError(error: unknown, context: ErrorContext): ActionError {
  // No HTTP answer: core's message names the endpoint, the reason and what to check; say what for.
  if (error instanceof GitHubRequestError)
    return new ActionError(`Could not ${context.doing}: ${error.message}`, { why: error.why, check: error.check, cause: error });
  if (error instanceof ActionError) return error;
  const status = httpStatus(error);
  const message = serverMessage(error);
  const repo = context.repository ?? 'the repository';
  const headers = errorHeaders(error);
  const failed = `Could not ${context.doing}: ${status !== undefined && status >= 100 ? `HTTP ${status} ` : ''}${message}`;
  if (status === 401) {
    return new ActionError(failed, {
      why:
        context.auth === 'app'
          ? 'GitHub rejected the GitHub App credentials.'
          : 'GitHub rejected the token: it is invalid, expired or revoked.',
      check:
        context.auth === 'app'
          ? [
              '`app-id` and `private-key` belong to the same GitHub App, and the key has not been deleted or rotated.',
              "The runner's clock is right (App JWTs are valid for 10 minutes).",
            ]
          : [
              'The secret passed as `token` (e.g. WORKFLOW_PAT) holds a current token: regenerate it if it expired.',
              'The secret exists in this repository or organisation and is spelled right in the workflow.',
            ],
      cause: error,
    });
  }
  if ((status === 403 || status === 429) && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message))) {
    return new ActionError(failed, {
      why: /secondary/i.test(message)
        ? 'GitHub applied a secondary rate limit (too many requests in a short time).'
        : "The token's API rate limit is used up.",
      check: [
        'Retry later, or increase `poll-interval`.',
        'Use a GitHub App installation token (higher limit) instead of a personal token shared by many workflows.',
      ],
      cause: error,
    });
  }
  if (status === 403) {
    const integration = /not accessible by integration/i.test(message);
    return new ActionError(failed, {
      why: integration
        ? `The ${context.auth === 'app' ? 'GitHub App installation token' : 'token (GITHUB_TOKEN or an App token)'} lacks a permission on ${repo}.`
        : `The token can see ${repo} but is not allowed to do this.`,
      check: [
        context.auth === 'app' ? APP_PERMISSIONS : PAT_SCOPES,
        'GITHUB_TOKEN cannot dispatch workflows in another repository: pass a personal access token or a GitHub App as `token` / `app-id` + `private-key`.',
        'An organisation policy (SSO authorisation of the token, fine-grained token approval) may block it.',
      ],
      cause: error,
    });
  }
  if (status === 404) {
    return new ActionError(failed, {
      why: `${repo} does not exist, or the ${context.auth === 'app' ? 'GitHub App is not installed on it' : 'token cannot see it'} (GitHub answers 404, not 403, for private repositories a token has no access to).`,
      check: [
        `The target repository name (${repo}), from \`repository\` or \`repository-template\` + \`environment\`.`,
        context.auth === 'app'
          ? `The App is installed on ${repo}.`
          : `The token's owner has access to ${repo}, and a fine-grained token includes it.`,
        ...(context.auth === 'app' ? [] : ['A classic token needs the `repo` scope to see private repositories.']),
      ],
      cause: error,
    });
  }
  if (status === 422) {
    const noRef = /no ref found|ref.*not.*found/i.test(message);
    return new ActionError(failed, {
      why: noRef ? `The ref ${context.ref ? `"${context.ref}" ` : ''}does not exist in ${repo}.` : 'GitHub refused the request as invalid.',
      check: noRef
        ? ['The `ref` input names an existing branch or tag of the target repository.']
        : ['The workflow file on the ref and the inputs sent (see the log above).'],
      cause: error,
    });
  }
  if (status !== undefined && status >= 500) {
    return new ActionError(failed, {
      why: 'GitHub kept failing with a server error after retries.',
      check: serverStatusCheck(error),
      cause: error,
    });
  }
  return new ActionError(`Could not ${context.doing}: ${errorMessage(error)}`, {
    why: status === undefined ? 'The GitHub API could not be reached.' : `GitHub answered HTTP ${status}.`,
    check: status === undefined ? ['GITHUB_API_URL points at the right server and the runner can reach it.'] : [],
    cause: error,
  });
}

/**
 * Where to look when the server keeps failing: githubstatus.com for github.com (and when the
 * request's URL is unknown); a GitHub Enterprise Server (GITHUB_API_URL elsewhere) has its own.
 */
export function serverStatusCheck(error: unknown): string {
  const url = valueAt(error, 'request', 'url');
  let host = '';
  try {
    host = typeof url === 'string' ? new URL(url).hostname : '';
  } catch {
    /* not a URL: the default below */
  }
  return host === '' || host === 'api.github.com'
    ? 'https://www.githubstatus.com, then re-run the job.'
    : `The GitHub Enterprise Server at ${host} is up (its administrator, its status page), then re-run the job.`;
}
