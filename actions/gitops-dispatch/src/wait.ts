/**
 * Following a run until it has started or completed: conditional requests (`If-None-Match` with the
 * last ETag, so an unchanged run costs a 304 that does not count against the rate limit), the
 * interval stretched by `x-poll-interval` and by a rate-limit budget that would not last, waits for
 * `retry-after` and `x-ratelimit-reset` (primary and secondary limits), exponential backoff on 5xx.
 * Bounded by a deadline and by a poll count; the clock is injected, so tests never wait.
 */
import { backoffDelay, classifyError, httpStatus } from '@deploy-kit/core';
import { GitHubRequestError } from '@deploy-kit/core/github';
import { type GitHubApi, errorHeaders, pageUrl, serverMessage } from './api.js';
import type { Clock, Logger } from './clock.js';
import { explainApiError } from './explain.js';
import { RATE_LOW_WATER, nextPollDelay, readRateInfo } from './ratelimit.js';
import type { RepositoryName } from './target.js';

export type WaitUntil = 'started' | 'completed';

export interface RunState {
  id: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  url: string;
  display_title?: string;
  run_started_at?: string;
  updated_at?: string;
}

export interface WaitOptions {
  until: WaitUntil;
  clock: Clock;
  log: Logger;
  /** Epoch ms. */
  deadline: number;
  intervalMs: number;
  signal?: AbortSignal;
  /** Runs sharing this token's rate limit (polled side by side). */
  pollers?: number;
  /** Hard cap on requests, on top of the deadline. */
  maxPolls?: number;
  random?: () => number;
}

export interface WaitOutcome {
  kind: 'done' | 'timeout' | 'aborted';
  run?: RunState;
  polls: number;
  notModified: number;
}

/** Statuses a run passes through before a runner works on it. */
const NOT_STARTED = new Set(['requested', 'queued', 'pending', 'waiting']);

export function reached(run: RunState, until: WaitUntil): boolean {
  if (run.status === 'completed') return true;
  return until === 'started' && run.status !== null && !NOT_STARTED.has(run.status);
}

const MAX_CONSECUTIVE_ERRORS = 8;
/** A run named by the dispatch answer may take a moment to be readable. */
const MAX_NOT_FOUND = 4;
/**
 * The first looks at a run come sooner than the interval (1 s, 2 s, 4 s, … up to it): a short GitOps
 * run is seen finished within about a second instead of a whole interval later, and an unchanged run
 * answers 304, which costs no rate limit, so the few extra looks are free.
 */
export const FIRST_POLL_MS = 1000;

/** The interval before poll `n` (1-based) of a run that has not reached its state yet. */
export function rampedInterval(n: number, intervalMs: number): number {
  return Math.min(intervalMs, FIRST_POLL_MS * 2 ** Math.max(0, Math.min(n - 1, 20)));
}

/** GitHub's advice for a secondary rate limit without retry-after: wait at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

export function defaultMaxPolls(timeoutMs: number, intervalMs: number): number {
  return Math.ceil(timeoutMs / Math.max(intervalMs, 1)) + 20;
}

export async function waitForRun(api: GitHubApi, repository: RepositoryName, runId: number, options: WaitOptions): Promise<WaitOutcome> {
  const { clock, log } = options;
  const maxPolls = options.maxPolls ?? defaultMaxPolls(options.deadline - clock.now(), options.intervalMs);
  const random = options.random ?? Math.random;
  let etag: string | undefined;
  let run: RunState | undefined;
  let polls = 0;
  let notModified = 0;
  let errors = 0;
  let missing = 0;
  const outcome = (kind: WaitOutcome['kind']): WaitOutcome => ({ kind, run, polls, notModified });
  while (polls < maxPolls) {
    if (options.signal?.aborted) return outcome('aborted');
    if (clock.now() >= options.deadline) return outcome('timeout');
    let delay: number;
    try {
      polls++;
      const result = await api.call<RunState>(
        `get run ${runId}`,
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
        { owner: repository.owner, repo: repository.repo, run_id: runId, exclude_pull_requests: true },
        { etag, retry: false, signal: options.signal },
      );
      errors = 0;
      if (result.status === 304) notModified++;
      else {
        const previous = run;
        run = { ...result.data, html_url: pageUrl(result.data.html_url) };
        etag = result.etag;
        if (!previous || previous.status !== run.status)
          log.info(`Run ${runId}: ${run.status}${run.conclusion ? ` (${run.conclusion})` : ''} — ${run.html_url}`);
      }
      if (run && reached(run, options.until)) return outcome('done');
      const rate = readRateInfo(result.headers, clock.now());
      delay = nextPollDelay(rampedInterval(polls, options.intervalMs), rate, clock.now(), options.pollers ?? 1);
      if (delay > options.intervalMs && rate.remaining !== undefined && rate.remaining <= RATE_LOW_WATER) {
        log.info(
          `Rate limit: ${rate.remaining} request(s) left until ${rate.resetAt ? new Date(rate.resetAt).toISOString() : 'the reset'}; next look at run ${runId} in ${Math.round(delay / 1000)} s.`,
        );
      }
    } catch (error) {
      if (options.signal?.aborted) return outcome('aborted');
      const status = httpStatus(error);
      const message = serverMessage(error);
      const rate = readRateInfo(errorHeaders(error), clock.now());
      const limited = status === 429 || (status === 403 && (rate.remaining === 0 || /rate limit/i.test(message)));
      if (status === 404 && run === undefined && ++missing <= MAX_NOT_FOUND) {
        delay = backoffDelay(missing, { baseDelayMs: options.intervalMs, maxDelayMs: options.intervalMs * 8, random: () => 1 });
      } else if (limited) {
        // Retry-After first; then the primary limit's reset; a secondary limit without either: a minute.
        const untilReset = rate.remaining === 0 && rate.resetAt ? rate.resetAt - clock.now() + 1000 : undefined;
        delay = Math.max(
          options.intervalMs,
          rate.retryAfterMs ?? untilReset ?? (/secondary/i.test(message) ? SECONDARY_LIMIT_WAIT_MS : options.intervalMs * 2),
        );
        log.info(`Rate limited while polling run ${runId} (HTTP ${status}: ${message}); waiting ${Math.round(delay / 1000)} s.`);
      } else if (error instanceof GitHubRequestError && !classifyError(error).retryable) {
        // No answer, and none will come by waiting (an unknown host, a TLS failure, a refused redirect).
        throw explainApiError(error, {
          doing: `read run ${runId} of ${repository.fullName}`,
          repository: repository.fullName,
          auth: api.auth,
        });
      } else if (status === undefined || status >= 500) {
        if (++errors > MAX_CONSECUTIVE_ERRORS)
          throw explainApiError(error, {
            doing: `read run ${runId} of ${repository.fullName}`,
            repository: repository.fullName,
            auth: api.auth,
          });
        delay = Math.max(
          rate.retryAfterMs ?? 0,
          backoffDelay(errors, { baseDelayMs: options.intervalMs, maxDelayMs: Math.max(options.intervalMs * 16, 30_000), random }),
        );
        log.info(
          `Polling run ${runId} failed (${status ? `HTTP ${status}` : 'network error'}: ${message}); retry ${errors} of ${MAX_CONSECUTIVE_ERRORS} in ${Math.round(delay)} ms.`,
        );
      } else {
        throw explainApiError(error, {
          doing: `read run ${runId} of ${repository.fullName}`,
          repository: repository.fullName,
          auth: api.auth,
        });
      }
    }
    const left = options.deadline - clock.now();
    if (left <= 0) return outcome('timeout');
    await clock.sleep(Math.min(delay, left), options.signal);
  }
  return outcome('timeout');
}

export interface FailedJob {
  name: string;
  conclusion: string | null;
  html_url?: string | null;
  failedSteps: string[];
}

interface JobList {
  jobs: Array<{
    name: string;
    conclusion: string | null;
    html_url?: string | null;
    steps?: Array<{ name: string; conclusion: string | null }>;
  }>;
}

const FAILED = new Set(['failure', 'cancelled', 'timed_out', 'action_required', 'startup_failure', 'stale']);

/** The jobs of a run that did not succeed, with their failed steps (for the error message). */
export async function failedJobs(api: GitHubApi, repository: RepositoryName, runId: number): Promise<FailedJob[]> {
  const { data } = await api.call<JobList>(`list jobs of run ${runId}`, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
    owner: repository.owner,
    repo: repository.repo,
    run_id: runId,
    filter: 'latest',
    per_page: 100,
  });
  return data.jobs
    .filter((j) => j.conclusion !== null && FAILED.has(j.conclusion))
    .map((j) => ({
      name: j.name,
      conclusion: j.conclusion,
      html_url: j.html_url == null ? j.html_url : pageUrl(j.html_url) || null,
      failedSteps: (j.steps ?? []).filter((s) => s.conclusion !== null && FAILED.has(s.conclusion)).map((s) => s.name),
    }));
}

/** Conclusions that pass the step. `neutral` and `skipped` pass with a warning. */
export function conclusionPasses(conclusion: string | null): 'pass' | 'warn' | 'fail' {
  if (conclusion === 'success') return 'pass';
  if (conclusion === 'neutral' || conclusion === 'skipped') return 'warn';
  return 'fail';
}

/** Asks GitHub to cancel a run; true when accepted (202) or the run already finished (409). */
export async function cancelRun(api: GitHubApi, repository: RepositoryName, runId: number): Promise<'cancelled' | 'already-completed'> {
  try {
    // A clean-up call: it runs after the step's timeout too (bounded on its own).
    await api.call(
      `cancel run ${runId}`,
      'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
      { owner: repository.owner, repo: repository.repo, run_id: runId },
      { cleanup: true },
    );
    return 'cancelled';
  } catch (error) {
    if (httpStatus(error) === 409) return 'already-completed';
    throw explainApiError(error, {
      doing: `cancel run ${runId} of ${repository.fullName}`,
      repository: repository.fullName,
      auth: api.auth,
    });
  }
}
