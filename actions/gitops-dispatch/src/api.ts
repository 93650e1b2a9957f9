/**
 * The GitHub REST calls this action makes, behind one small interface: `call(label, route, params,
 * options)` returning status, data, headers and ETag. A 304 (conditional request answered from the
 * ETag) is a result, not an error. The Octokit implementation retries throttling, 5xx and resets
 * with core's policy unless the caller handles that itself (the poll loop does).
 *
 * Every request, and every retry wait, ends by the step's deadline (the `timeout` input): a request
 * gets the time left, at most {@link REQUEST_TIMEOUT_MS}, so a server that accepts and never answers
 * cannot hold the step past its `timeout`. Clean-up calls (cancelling the remote run, revoking an
 * App token) get {@link CLEANUP_TIMEOUT_MS} after it.
 */
import { ActionError, type RetryOptions, classifyError, formatDuration, httpStatus, requestSignal } from '@deploy-kit/core';
import { type GitHubClient, GitHubRequestError, githubCall } from '@deploy-kit/core/github';
import type { Headers } from './ratelimit.js';

/** The longest one request may wait for its answer. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long a clean-up request may take once the step's deadline has passed. */
export const CLEANUP_TIMEOUT_MS = 10_000;

export interface ApiResult<T> {
  status: number;
  /** undefined for 204 and 304. */
  data: T;
  headers: Headers;
  etag?: string;
}

export interface CallOptions {
  /** Sends `If-None-Match`; a 304 comes back as `{status: 304}`. */
  etag?: string;
  /** false: one attempt; the caller handles retryable errors. Default true. */
  retry?: boolean;
  headers?: Record<string, string>;
  /** Aborts the request (and stops retries) when the step is cancelled. */
  signal?: AbortSignal;
  /** Runs even after the step's deadline (cancelling the remote run, revoking a token), bounded by CLEANUP_TIMEOUT_MS. */
  cleanup?: boolean;
}

/** When the step must end: the `timeout` input from the step's start. */
export interface StepDeadline {
  /** Epoch ms. */
  at: number;
  /** The `timeout` input, for messages. */
  timeoutMs: number;
  now?: () => number;
}

/** The step's `timeout` ran out while (or before) a request to the API could be answered. */
export class StepTimeoutError extends ActionError {}

export function stepTimeoutError(deadline: StepDeadline, request: string, cause?: unknown): StepTimeoutError {
  return new StepTimeoutError(
    `gitops-dispatch's timeout (${formatDuration(deadline.timeoutMs)}) ran out waiting for the GitHub API: ${request} had no answer`,
    {
      why: 'The `timeout` input bounds the whole step: the checks, the dispatch, finding the run and waiting for it, every request and every retry wait.',
      check: [
        'GITHUB_API_URL points at the GitHub API and the runner can reach it (a server that takes the connection and never answers looks like this).',
        'A longer `timeout`, if the API is just slow.',
      ],
      cause,
    },
  );
}

export interface ApiStats {
  requests: number;
  /** Conditional requests answered 304 (these do not count against the rate limit). */
  notModified: number;
}

export type AuthKind = 'token' | 'app';

export interface GitHubApi {
  /** How this client authenticates, for error messages. */
  readonly auth: AuthKind;
  readonly stats: ApiStats;
  /** `X-GitHub-Enterprise-Version` once a response carried it (GitHub Enterprise Server). */
  enterpriseVersion?: string;
  call<T = unknown>(label: string, route: string, params?: Record<string, unknown>, options?: CallOptions): Promise<ApiResult<T>>;
  /** The login runs dispatched with this client show as their actor, when it can be known. */
  actor(): Promise<string | undefined>;
}

function headersOf(error: unknown): Headers {
  const headers = (error as { response?: { headers?: Headers } } | null)?.response?.headers;
  return headers ?? {};
}

export interface OctokitApiOptions {
  auth: AuthKind;
  retry?: Partial<RetryOptions>;
  /** Known actor login (a GitHub App's `<slug>[bot]`); otherwise looked up with GET /user. */
  actor?: string;
  /** Shared counters, so all clients of one step add up to one total. */
  stats?: ApiStats;
  /** The step's deadline; without one, requests are limited to REQUEST_TIMEOUT_MS each. */
  deadline?: StepDeadline;
}

/** `GET /repos/{owner}/{repo}` with its parameters filled in, for messages. */
function describeRoute(route: string, params: Record<string, unknown>): string {
  return route.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

export function octokitApi(client: GitHubClient, options: OctokitApiOptions): GitHubApi {
  const stats: ApiStats = options.stats ?? { requests: 0, notModified: 0 };
  let actor: Promise<string | undefined> | undefined = options.actor !== undefined ? Promise.resolve(options.actor) : undefined;
  const api: GitHubApi = {
    auth: options.auth,
    stats,
    async call<T>(
      label: string,
      route: string,
      params: Record<string, unknown> = {},
      callOptions: CallOptions = {},
    ): Promise<ApiResult<T>> {
      const deadline = options.deadline;
      const now = deadline?.now ?? Date.now;
      const left = () => (deadline ? deadline.at - now() : Infinity);
      const once = async (): Promise<ApiResult<T>> => {
        if (!callOptions.cleanup && left() <= 0) throw stepTimeoutError(deadline!, describeRoute(route, params));
        const limit = callOptions.cleanup ? CLEANUP_TIMEOUT_MS : Math.min(REQUEST_TIMEOUT_MS, left());
        stats.requests++;
        const headers: Record<string, string> = { ...(callOptions.headers ?? {}) };
        if (callOptions.etag) headers['if-none-match'] = callOptions.etag;
        try {
          const response = await client.request(route, {
            ...params,
            headers,
            request: { signal: requestSignal(limit, callOptions.signal) },
          });
          const responseHeaders = response.headers as Headers;
          note(responseHeaders);
          return { status: response.status, data: response.data as T, headers: responseHeaders, etag: stringHeader(responseHeaders.etag) };
        } catch (error) {
          note(headersOf(error));
          if (httpStatus(error) === 304) {
            stats.notModified++;
            return {
              status: 304,
              data: undefined as T,
              headers: headersOf(error),
              etag: stringHeader(headersOf(error).etag) ?? callOptions.etag,
            };
          }
          // Cut short by the step's deadline rather than by the per-request limit: the step is over.
          if (error instanceof GitHubRequestError && error.timedOut && !callOptions.cleanup && left() <= 0) {
            throw stepTimeoutError(deadline!, `${error.method} ${error.endpoint}`, error);
          }
          throw error;
        }
      };
      if (callOptions.retry === false) return once();
      return githubCall(label, once, {
        ...options.retry,
        // No retry wait (backoff, Retry-After, a rate-limit reset) may outlive the step.
        maxElapsedMs: Math.max(0, Math.min(options.retry?.maxElapsedMs ?? 120_000, callOptions.cleanup ? CLEANUP_TIMEOUT_MS : left())),
        // An aborted request (step cancelled) is final, whatever status Octokit gave it.
        classify: (error: unknown) =>
          callOptions.signal?.aborted
            ? { retryable: false, reason: 'aborted' }
            : error instanceof StepTimeoutError
              ? { retryable: false, reason: 'the step timed out' }
              : classifyError(error, (options.retry?.now ?? Date.now)()),
      });
    },
    actor() {
      actor ??= api
        .call<{ login?: string }>('get the authenticated user', 'GET /user')
        .then((r) => r.data?.login)
        .catch(() => undefined);
      return actor;
    },
  };
  const note = (headers: Headers) => {
    const version = stringHeader(headers['x-github-enterprise-version']);
    if (version) api.enterpriseVersion = version;
  };
  return api;
}

function stringHeader(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function errorHeaders(error: unknown): Headers {
  return headersOf(error);
}

/** The server's `message` from an Octokit RequestError (without the documentation URL suffix). */
export function serverMessage(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string')
    return (data as { message: string }).message;
  if (typeof data === 'string' && data.trim() !== '') return data.trim();
  return error instanceof Error ? error.message.replace(/ - https?:\/\/\S+$/, '') : String(error);
}

/**
 * A page URL from an API answer (a run's or job's `html_url`) as the action passes it on (outputs,
 * summary links, messages): an http(s) URL as a URL parser writes it back (no CR/LF, spaces and
 * quotes percent-encoded), or '' when the answer holds no such URL.
 */
export function pageUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '';
  } catch {
    return '';
  }
}

/** `3.17.2` → true when below `major.minor`. */
export function versionBelow(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a < major || (a === major && b < minor);
}
