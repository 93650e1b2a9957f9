// Test doubles at the client boundary: a GitHubApi whose answers come from per-route handlers, and
// errors shaped like Octokit's RequestError (status, response.headers, response.data.message).
import type { ApiResult, CallOptions, GitHubApi } from '../src/api.js';
import type { Logger } from '../src/clock.js';

export interface Call {
  route: string;
  params: Record<string, unknown>;
  options: CallOptions;
}

export type Handler = (
  params: Record<string, unknown>,
  options: CallOptions,
  call: number,
) => Partial<ApiResult<unknown>> | Promise<Partial<ApiResult<unknown>>>;

export function httpError(status: number, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${message} - https://docs.github.com/rest`), {
    status,
    response: { status, headers, data: { message, documentation_url: 'https://docs.github.com/rest' } },
  });
}

export function scriptedApi(handlers: Record<string, Handler>, extra: Partial<GitHubApi> = {}): GitHubApi & { calls: Call[] } {
  const calls: Call[] = [];
  const counts = new Map<string, number>();
  const api: GitHubApi & { calls: Call[] } = {
    auth: 'token',
    stats: { requests: 0, notModified: 0 },
    calls,
    async call<T>(_label: string, route: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<ApiResult<T>> {
      calls.push({ route, params, options });
      api.stats.requests++;
      const handler = handlers[route];
      if (!handler) throw new Error(`unexpected request ${route} ${JSON.stringify(params)}`);
      const n = (counts.get(route) ?? 0) + 1;
      counts.set(route, n);
      const result = await handler(params, options, n);
      if (result.status === 304) api.stats.notModified++;
      return { status: 200, headers: {}, data: undefined, ...result } as ApiResult<T>;
    },
    async actor() {
      return 'deploy-bot';
    },
    ...extra,
  };
  return api;
}

export function memoryLog(): Logger & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (m) => lines.push(m),
    warning: (m) => warnings.push(m),
    debug: () => undefined,
  };
}

export function run(id: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: 'Update Project List Version',
    display_title: 'Update Project List Version',
    status: 'queued',
    conclusion: null,
    event: 'workflow_dispatch',
    head_branch: 'main',
    created_at: '2026-03-01T12:00:05Z',
    html_url: `https://github.com/example-org/gitops-staging/actions/runs/${id}`,
    url: `https://api.github.com/repos/example-org/gitops-staging/actions/runs/${id}`,
    actor: { login: 'deploy-bot' },
    ...fields,
  };
}
