/**
 * The dispatch itself. On github.com (and GHEC) the request asks for the run details
 * (`return_run_details: true`) and the 200 answer names the run: no polling at all. GitHub
 * Enterprise Server 3.17–3.19 do not know the field and answer 400 ("return_run_details" is not a
 * permitted key): that is detected, remembered for the server, and the dispatch is sent again
 * without it (nothing was started by the refused request). Then the run is found another way
 * (find.ts), for which a fresh distinct id goes into every attempt's inputs.
 */
import { ActionError, type RetryOptions, httpStatus } from '@deploy-kit/core';
import { githubCall } from '@deploy-kit/core/github';
import { type ApiResult, pageUrl, serverMessage, versionBelow } from './api.js';
import type { Logger } from './clock.js';
import { explainApiError } from './explain.js';
import type { Resolved } from './preflight.js';
import { refShortName } from './target.js';

export const DISPATCH_ROUTE = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';

/** What the server is known to support, shared by all dispatches of a step (they go to one server). */
export interface ServerCapabilities {
  runDetails?: boolean;
}

export interface RunDetails {
  workflow_run_id: number;
  run_url: string;
  html_url: string;
}

export interface Dispatched {
  /** From the run details, when the server returned them. */
  run?: { id: number; url: string; htmlUrl: string };
  /** The distinct id sent with the accepted attempt. */
  distinctId?: string;
  /** Earliest creation time the run can have (server clock, with margin), ISO 8601 without ms. */
  since: string;
  /** Run ids of the workflow that existed before the dispatch (time-window matching only). */
  before?: number[];
  branch: string;
  requestBody: Record<string, unknown>;
}

export interface DispatchDeps {
  capabilities: ServerCapabilities;
  newId(): string;
  now(): number;
  log: Logger;
  /** Run ids existing before the dispatch, when the run will have to be found by time window. */
  snapshot?(): Promise<number[]>;
  retry?: Partial<RetryOptions>;
}

/** How far before the dispatch a run's `created_at` may lie (server processing, clock granularity). */
export const SINCE_MARGIN_MS = 60_000;

export function requestBody(resolved: Resolved, distinctId: string | undefined, askDetails: boolean): Record<string, unknown> {
  const inputs = { ...resolved.inputs };
  if (resolved.distinctId && distinctId !== undefined) inputs[resolved.distinctId.input] = distinctId;
  const body: Record<string, unknown> = { ref: resolved.ref };
  if (Object.keys(inputs).length) body.inputs = inputs;
  if (askDetails) body.return_run_details = true;
  return body;
}

function isRunDetails(data: unknown): data is RunDetails {
  const d = data as Partial<RunDetails> | undefined;
  return (
    !!d &&
    typeof d.workflow_run_id === 'number' &&
    Number.isSafeInteger(d.workflow_run_id) &&
    typeof d.html_url === 'string' &&
    typeof d.run_url === 'string'
  );
}

/** A 400, or a 422 that names the field: the server does not support `return_run_details`. */
export function rejectsRunDetails(error: unknown): boolean {
  const status = httpStatus(error);
  if (status === 400) return true;
  return status === 422 && /return_run_details/.test(serverMessage(error));
}

/** Whether to ask for run details: unless this server is known not to support them. */
export function shouldAskDetails(resolved: Resolved, capabilities: ServerCapabilities): boolean {
  if (capabilities.runDetails !== undefined) return capabilities.runDetails;
  const ghes = resolved.api.enterpriseVersion;
  // Enterprise Server before 3.21 has no run details (its OpenAPI descriptions for 3.17–3.19 lack the field).
  if (ghes !== undefined && versionBelow(ghes, 3, 21)) {
    capabilities.runDetails = false;
    return false;
  }
  return true;
}

function serverTime(result: ApiResult<unknown> | undefined, fallback: number): number {
  const date = result?.headers?.date;
  const parsed = typeof date === 'string' ? Date.parse(date) : NaN;
  return Number.isNaN(parsed) ? fallback : Math.min(parsed, fallback + 5_000);
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export async function dispatch(resolved: Resolved, deps: DispatchDeps): Promise<Dispatched> {
  const { api, target } = resolved;
  const repo = target.repository;
  const params = { owner: repo.owner, repo: repo.repo, workflow_id: resolved.workflow.id };
  const context = {
    doing: `dispatch ${resolved.description} on "${resolved.ref}"`,
    repository: repo.fullName,
    ref: resolved.ref,
    auth: api.auth,
  };
  const branch = refShortName(resolved.ref);
  let distinctId: string | undefined;
  let body: Record<string, unknown> = {};
  const attempt = (askDetails: boolean): Promise<ApiResult<RunDetails | undefined>> => {
    let tries = 0;
    return githubCall(
      `dispatch ${resolved.workflow.name}`,
      () => {
        tries++;
        // Built per attempt: a retry after a 5xx (which may have started a run) sends a new id, so the
        // run we look for is the one this attempt started.
        distinctId = resolved.distinctId ? deps.newId() : undefined;
        if (tries > 1 && distinctId)
          deps.log.info(
            `Dispatching again with a new distinct id (${distinctId}); a run the failed attempt may have started is not followed.`,
          );
        body = requestBody(resolved, distinctId, askDetails);
        return api.call<RunDetails | undefined>(
          `dispatch ${resolved.workflow.name}`,
          DISPATCH_ROUTE,
          { ...params, ...body },
          { retry: false },
        );
      },
      deps.retry ?? {},
    );
  };

  const known = deps.capabilities.runDetails;
  let ask = shouldAskDetails(resolved, deps.capabilities);
  if (!ask && known === undefined) {
    deps.log.info(
      `GitHub Enterprise Server ${api.enterpriseVersion} does not return run details (3.21 and later do); finding the run ${resolved.distinctId && resolved.distinctId.placement !== 'unused' ? `by its distinct id (${resolved.distinctId.placement})` : 'by time window'}.`,
    );
  }
  let before: number[] | undefined;
  const needsWindow = !resolved.distinctId || resolved.distinctId.placement === 'unused';
  if (!ask && needsWindow && deps.snapshot) before = await deps.snapshot();
  const started = deps.now();
  let result: ApiResult<RunDetails | undefined>;
  try {
    result = await attempt(ask);
  } catch (error) {
    if (!ask || !rejectsRunDetails(error)) throw explainApiError(error, context);
    deps.capabilities.runDetails = false;
    deps.log.info(
      `The server does not return run details (HTTP ${httpStatus(error)}: ${serverMessage(error)}) — GitHub Enterprise Server before 3.21 does not; dispatching again without them and finding the run ${resolved.distinctId && resolved.distinctId.placement !== 'unused' ? `by its distinct id (${resolved.distinctId.placement})` : 'by time window'}.`,
    );
    ask = false;
    if (needsWindow && deps.snapshot) before = await deps.snapshot();
    try {
      result = await attempt(false);
    } catch (retryError) {
      throw explainApiError(retryError, context);
    }
  }
  const since = isoSeconds(serverTime(result, started) - SINCE_MARGIN_MS);
  if (result.status === 200 && isRunDetails(result.data)) {
    deps.capabilities.runDetails = true;
    return {
      run: { id: result.data.workflow_run_id, url: pageUrl(result.data.run_url), htmlUrl: pageUrl(result.data.html_url) },
      distinctId,
      since,
      before,
      branch,
      requestBody: body,
    };
  }
  if (result.status === 200 && ask) {
    throw new ActionError(`The dispatch of ${resolved.description} was accepted, but the answer is not the run details GitHub documents`, {
      why: `HTTP 200 with ${JSON.stringify(result.data)?.slice(0, 200)}; expected {workflow_run_id, run_url, html_url}.`,
      check: 'GITHUB_API_URL points at GitHub or GitHub Enterprise Server, not a proxy that rewrites answers.',
    });
  }
  // 204: accepted without details (an older server, or one that ignores the field).
  if (ask) deps.capabilities.runDetails = false;
  return { distinctId, since, before, branch, requestBody: body };
}
