/**
 * The repository facts metadata-action reads from the GitHub API (`GET /repos/{owner}/{repo}`:
 * name, description, html_url, license) and the commit date (`GET /repos/{owner}/{repo}/commits/{sha}`)
 * when the payload has none. Bounded (a short per-request timeout, few retries, a small time
 * budget) and never fatal: when the API cannot answer, the caller falls back to the event payload.
 */
import { errorMessage, httpStatus, redact, requestSignal, retry, classifyError, type RetryOptions } from '@deploy-kit/core';

import type { RepoInfo } from './context.js';
import { repoInfoFromApi } from './wiring.js';

/** The two calls, behind an interface so tests need no server (main.ts wires Octokit). */
export interface RepoApi {
  getRepo(owner: string, repo: string, signal: AbortSignal): Promise<unknown>;
  /** The committer date of `sha` (ISO 8601), or undefined when the answer has none. */
  getCommitDate(owner: string, repo: string, sha: string, signal: AbortSignal): Promise<string | undefined>;
}

export interface RepoFactsRequest {
  owner: string;
  repo: string;
  sha: string;
  /** Ask for the repository (false when the event payload carried every fact: only the commit date is wanted). */
  repoFacts?: boolean;
  /** Ask for the commit date too (only when an input uses {{commit_date}} and the payload has none). */
  commitDate: boolean;
}

export interface RepoFacts {
  /** From the API; undefined when it could not be read or was not asked for (use the payload). */
  repo?: RepoInfo;
  commitDate?: Date;
  /** Why the API's repository is missing (for the warning), with secrets redacted. */
  problem?: string;
  /** Why the commit date is missing (debug only: the clock is the fallback, as upstream). */
  commitDateProblem?: string;
}

/** Per-request timeout and the retry budget: a few seconds at most when the API is down. */
export const API_LIMITS = { timeoutMs: 5_000, attempts: 3, baseDelayMs: 200, maxDelayMs: 1_000, maxElapsedMs: 8_000 } as const;

function describe(error: unknown): string {
  const status = httpStatus(error);
  const message = redact(errorMessage(error)).split('\n')[0]!;
  return status !== undefined && status !== 500 ? `HTTP ${status}: ${message}` : message;
}

export async function fetchRepoFacts(
  api: RepoApi,
  request: RepoFactsRequest,
  options: Partial<RetryOptions> & { timeoutMs?: number } = {},
): Promise<RepoFacts> {
  const { timeoutMs = API_LIMITS.timeoutMs, ...retryOptions } = options;
  const now = retryOptions.now ?? Date.now;
  const maxElapsedMs = retryOptions.maxElapsedMs ?? API_LIMITS.maxElapsedMs;
  // One budget for both calls and all their attempts: each request gets what is left of it (at most
  // timeoutMs), so a server that accepts and never answers costs maxElapsedMs, not attempts x timeout.
  const deadline = now() + maxElapsedMs;
  const call = <T>(label: string, fn: (signal: AbortSignal) => Promise<T>) =>
    retry(() => fn(requestSignal(Math.max(1, Math.min(timeoutMs, deadline - now())))), {
      label,
      attempts: API_LIMITS.attempts,
      baseDelayMs: API_LIMITS.baseDelayMs,
      maxDelayMs: API_LIMITS.maxDelayMs,
      classify: (error) => classifyError(error),
      ...retryOptions,
      maxElapsedMs,
    });
  const { owner, repo, sha } = request;
  const wantRepo = request.repoFacts ?? true;
  const [repoResult, dateResult] = await Promise.allSettled([
    wantRepo ? call(`GET /repos/${owner}/${repo}`, (signal) => api.getRepo(owner, repo, signal)) : Promise.resolve(undefined),
    request.commitDate && sha !== ''
      ? call(`GET /repos/${owner}/${repo}/commits/${sha.slice(0, 7)}`, (signal) => api.getCommitDate(owner, repo, sha, signal))
      : Promise.resolve(undefined),
  ]);
  const facts: RepoFacts = {};
  if (!wantRepo) {
    // Not asked: the caller has the repository from the payload.
  } else if (repoResult.status === 'fulfilled') {
    const info = repoInfoFromApi(repoResult.value);
    if (typeof info.name === 'string' && info.name !== '') facts.repo = info;
    else facts.problem = 'the answer has no repository name';
  } else {
    facts.problem = describe(repoResult.reason);
  }
  if (dateResult.status === 'fulfilled') {
    if (dateResult.value !== undefined) {
      const date = new Date(dateResult.value);
      if (Number.isNaN(date.getTime())) facts.commitDateProblem = `the commit date "${dateResult.value}" is not a date`;
      else facts.commitDate = date;
    } else if (request.commitDate) {
      facts.commitDateProblem = 'the commit has no committer date';
    }
  } else {
    facts.commitDateProblem = describe(dateResult.reason);
  }
  return facts;
}
