/**
 * GitHub API access. The Octokit client from @actions/github is loaded on first use (a separate
 * chunk of the bundle), so actions that do not call the API, or runs that skip it, do not pay its
 * start-up cost. `GITHUB_API_URL` selects the server, so GitHub Enterprise Server works as is.
 *
 * The client's requests go through {@link boundFetch}, which applies the trust rules (SECURITY.md):
 * the token goes only to GITHUB_API_URL's host and port, and to GitHub's own uploads host for that
 * API (release assets: {@link githubUploadsHost}), over https (plain http only to a loopback
 * host); a redirect is followed only while it stays there; every request has a timeout; and a
 * network failure becomes a {@link GitHubRequestError} that names the API endpoint and what to check.
 *
 * Proxies: the requests go through core's `fetchFor` (net/proxy.ts, loaded only when a proxy variable
 * is set), so an API host the proxy rule sends
 * through HTTPS_PROXY is reached over node:https with a CONNECT tunnel (Node's global fetch cannot
 * take a node agent, and a dispatcher would mean bundling undici); without a proxy variable it is the
 * global fetch itself. Either way the TLS store includes NODE_EXTRA_CA_CERTS.
 */
import type { getOctokit } from '@actions/github';
import { ActionError, errorMessage } from './errors.js';
import { formatSeconds } from './parse.js';
import { causes, valueAt } from './values.js';
import { classifyError, retry, type RetryOptions } from './retry.js';
import * as runner from './runner.js';
import { registerSecret } from './secrets.js';
import { proxyConfigured } from './net/proxy-env.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  assertCredentialTransport,
  credentialBoundTo,
  githubUploadsHost,
  hostOf,
  requestSignal,
} from './trust.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** Defaults to `GITHUB_API_URL`, then https://api.github.com. */
  apiUrl?: string;
  /** The longest wait for one answer (default 30 s); a call's own `request.signal` may end it sooner. */
  requestTimeoutMs?: number;
  /** The fetch the requests go through (tests); default the global one, or core's proxied fetch when a proxy is set. */
  fetch?: typeof fetch;
}

export function githubApiUrl(env: Record<string, string | undefined> = process.env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}

/** Redirects followed per request (GitHub uses them for renamed repositories, on the same host). */
export const MAX_REDIRECTS = 5;

/**
 * A GitHub API request that got no HTTP answer (refused, unresolvable host, TLS failure, reset,
 * timeout) or that was stopped before it could send the token somewhere it does not belong. `code`
 * is the network error code (`ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`, …), so the retry policy
 * treats it like the socket error it stands for.
 */
export class GitHubRequestError extends ActionError {
  readonly code: string;
  readonly method: string;
  /** host[:port] and path, without the query: `api.github.com/repos/o/r`. */
  readonly endpoint: string;
  readonly timedOut: boolean;

  constructor(
    message: string,
    details: { code: string; method: string; endpoint: string; why: string; check: string[]; cause?: unknown; timedOut?: boolean },
  ) {
    super(message, { why: details.why, check: details.check, cause: details.cause });
    this.name = 'GitHubRequestError';
    this.code = details.code;
    this.method = details.method;
    this.endpoint = details.endpoint;
    this.timedOut = details.timedOut ?? false;
  }
}

function endpointOf(url: URL): string {
  return `${url.host}${url.pathname}`;
}

/** The first error code along a fetch failure's causes (`TypeError: fetch failed` → cause → AggregateError …). */
function networkCode(error: unknown): string | undefined {
  return causes(error)
    .map((e) => valueAt(e, 'code'))
    .find((code): code is string => typeof code === 'string' && code !== '');
}

function innermostMessage(error: unknown): string {
  return errorMessage(causes(error).at(-1));
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

/** A fetch failure in the user's terms: what happened to which endpoint, why, and what to check. */
export function describeRequestFailure(
  error: unknown,
  request: { method: string; url: URL; apiUrl: string; elapsedMs: number; timedOut: boolean },
): GitHubRequestError {
  const { method, url, apiUrl } = request;
  const endpoint = endpointOf(url);
  const where = [
    `GITHUB_API_URL (${apiUrl}) is the GitHub API: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server.`,
    `The runner can reach ${url.host} (network, firewall, proxy).`,
  ];
  let code = networkCode(error) ?? 'EUNKNOWN';
  let reason: string;
  let why: string;
  let check = where;
  if (request.timedOut) {
    code = 'ETIMEDOUT';
    reason = `no answer within ${formatSeconds(request.elapsedMs)}`;
    why = "The server did not answer in time; every GitHub API request has a time limit (30 s, and never past the step's own deadline).";
    check = [
      ...where,
      url.hostname === 'api.github.com'
        ? 'https://www.githubstatus.com, then re-run the job.'
        : `The server at ${url.host} is up and answering.`,
    ];
  } else if (code === 'ECONNREFUSED') {
    reason = 'the connection was refused (ECONNREFUSED)';
    why = `Nothing accepts connections at ${url.host}.`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    reason = `the host name ${url.hostname} could not be resolved (${code})`;
    why = code === 'EAI_AGAIN' ? 'The DNS lookup failed for now.' : 'No DNS record exists for that host name.';
  } else if (TLS_CODE.test(code)) {
    reason = `the TLS connection failed: ${innermostMessage(error)} (${code})`;
    why = `The certificate ${url.host} presented was not accepted.`;
    check = [
      ...where,
      `The server's certificate is valid for ${url.hostname}; a private certificate authority goes in NODE_EXTRA_CA_CERTS.`,
    ];
  } else if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    reason = `the connection was closed before an answer came (${code})`;
    why = 'The server, or something between the runner and it, closed the connection.';
  } else {
    reason = `${innermostMessage(error)}${code !== 'EUNKNOWN' ? ` (${code})` : ''}`;
    why = 'The request got no HTTP answer.';
  }
  return new GitHubRequestError(`GitHub API request ${method} ${endpoint} failed: ${reason}`, {
    code,
    method,
    endpoint,
    why,
    check,
    cause: error,
    timedOut: request.timedOut,
  });
}

/** Where the token may go, in words: the API host, and its uploads host when that is another one. */
function tokenHosts(apiUrl: string): string {
  const api = new URL(apiUrl).host;
  const uploads = githubUploadsHost(apiUrl);
  return uploads === api.toLowerCase() ? api : `${api} and its uploads host ${uploads}`;
}

function refusedTarget(method: string, from: URL, to: URL, apiUrl: string, redirect: boolean): GitHubRequestError {
  return new GitHubRequestError(
    redirect
      ? `GitHub API request ${method} ${endpointOf(from)} failed: the server redirected it to ${to.protocol}//${endpointOf(to)}, and the token is sent only to ${tokenHosts(apiUrl)}`
      : `GitHub API request ${method} ${to.protocol}//${endpointOf(to)} refused: the token is sent only to ${tokenHosts(apiUrl)} (GITHUB_API_URL)`,
    {
      code: redirect ? 'EREDIRECT' : 'EREFUSED',
      method,
      endpoint: endpointOf(redirect ? from : to),
      why: "A GitHub token is bound to the API host it is meant for (GITHUB_API_URL) and GitHub's own uploads host for that API, over https (plain http only to a loopback host); it is never sent to another host or port.",
      check: [`GITHUB_API_URL (${apiUrl}) names the API host itself, not an address that redirects elsewhere.`],
    },
  );
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose response has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

function isTimeout(reason: unknown): boolean {
  return valueAt(reason, 'name') === 'TimeoutError';
}

/**
 * The fetch Octokit's requests go through: each request bound to the API's host or its uploads host
 * (also across redirects, followed here and only while they stay there), limited to `timeoutMs` (or sooner, by
 * the caller's signal), its answer read in full inside that limit (a server that sends headers and
 * then stalls cannot hold the step either), and a failure without an HTTP answer described by
 * {@link describeRequestFailure}. A cancellation (the caller's signal aborted, not timed out) is
 * passed on as it is.
 */
export function boundFetch(
  apiUrl: string,
  timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS,
  fetchImpl: typeof fetch = globalThis.fetch,
): typeof fetch {
  // The API's host, and GitHub's uploads host for it (a release's upload_url), where that is another one.
  const issuedFor = [...new Set([hostOf(apiUrl), githubUploadsHost(apiUrl)])];
  const allowed = (url: URL) => issuedFor.some((host) => credentialBoundTo(host, url));
  const bound = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    const started = Date.now();
    const signal = requestSignal(timeoutMs, init.signal ?? undefined);
    if (!allowed(url)) throw refusedTarget(method, url, url, apiUrl, false);
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await fetchImpl(url, { ...init, method, body, signal, redirect: 'manual' });
        const location = response.headers.get('location');
        if (REDIRECTS.has(response.status) && location !== null) {
          await response.body?.cancel().catch(() => undefined);
          const next = new URL(location, url);
          if (!allowed(next)) throw refusedTarget(method, url, next, apiUrl, true);
          if (redirects >= MAX_REDIRECTS) {
            throw new GitHubRequestError(`GitHub API request ${method} ${endpointOf(url)} failed: more than ${MAX_REDIRECTS} redirects`, {
              code: 'EREDIRECT',
              method,
              endpoint: endpointOf(url),
              why: 'The server keeps redirecting the request.',
              check: [`GITHUB_API_URL (${apiUrl}) names the API itself.`],
            });
          }
          // As fetch does: 303, and 301/302 after a POST, continue as a GET without a body.
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          url = next;
          continue;
        }
        const data = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
        const copy = new Response(data, { status: response.status, statusText: response.statusText, headers: response.headers });
        Object.defineProperty(copy, 'url', { value: url.href });
        return copy;
      }
    } catch (error) {
      if (error instanceof GitHubRequestError) throw error;
      if (signal.aborted && !isTimeout(signal.reason)) throw error;
      throw describeRequestFailure(error, {
        method,
        url,
        apiUrl,
        elapsedMs: Date.now() - started,
        timedOut: signal.aborted || isTimeout(error),
      });
    }
  };
  return bound as typeof fetch;
}

/** Octokit's log (deprecation notices quote response headers): neutralised log lines, never raw console output. */
const octokitLog = {
  debug: (message: string) => runner.debug(message),
  info: (message: string) => runner.debug(message),
  warn: (message: string) => runner.info(message),
  error: (message: string) => runner.info(message),
};

/** Core's proxied fetch when a proxy variable is set (its agents loaded only then), else the global fetch. */
async function proxiedFetch(): Promise<typeof fetch> {
  if (!proxyConfigured()) return globalThis.fetch;
  const { fetchFor } = await import('./net/proxy.js');
  return fetchFor();
}

export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  registerSecret(options.token);
  const baseUrl = (options.apiUrl ?? githubApiUrl()).replace(/\/+$/, '');
  assertCredentialTransport(baseUrl, `the GitHub token to ${baseUrl} (GITHUB_API_URL)`, [
    'GITHUB_API_URL: https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise Server; plain http only for a loopback test server (127.0.0.1, ::1, localhost).',
  ]);
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(options.token, {
    baseUrl,
    userAgent: 'deploy-kit',
    log: octokitLog,
    // Our own retry() handles 5xx, throttling and resets with one policy for every API.
    request: { retries: 0, fetch: boundFetch(baseUrl, options.requestTimeoutMs, options.fetch ?? (await proxiedFetch())), log: octokitLog },
  });
  // Octokit wraps whatever fetch throws in a RequestError with status 500; a request that got no
  // answer is not a server error, so the GitHubRequestError comes out as it is.
  octokit.hook.wrap('request', async (request, endpoint) => {
    try {
      return await request(endpoint);
    } catch (error) {
      const cause = valueAt(error, 'cause');
      throw cause instanceof GitHubRequestError ? cause : error;
    }
  });
  return octokit;
}

/** A GitHub API call with the suite's retry policy (429/5xx/secondary rate limits/resets). */
export function githubCall<T>(label: string, call: () => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  return retry(() => call(), { label, classify: (error) => classifyError(error), ...options });
}

/** A repository as the REST routes name it. */
export interface GitHubRepository {
  owner: string;
  repo: string;
}

/**
 * An action's API adapter's calls, counted (the step summary's "N GitHub API requests", retries
 * included): `call` runs a route on a repository with {@link githubCall}'s retries and turns a failure
 * into the action's own error (`describe`); `counted` retries and counts a request the adapter makes
 * itself (one that reads its own errors, such as a 404 that means "none yet").
 */
export function countedGitHubCalls(client: GitHubClient, describe: (what: string, repository: GitHubRepository, error: unknown) => Error) {
  let requests = 0;
  const counted = <T>(label: string, request: () => Promise<T>): Promise<T> =>
    githubCall(label, () => {
      requests++;
      return request();
    });
  return {
    get requests(): number {
      return requests;
    },
    counted,
    async call<T>(label: string, what: string, repository: GitHubRepository, route: string, params: Record<string, unknown>): Promise<T> {
      try {
        const response = await counted(label, () => client.request(route, { ...repository, ...params }));
        return response.data as T;
      } catch (error) {
        throw describe(what, repository, error);
      }
    },
  };
}
