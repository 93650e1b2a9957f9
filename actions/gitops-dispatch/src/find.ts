/**
 * Finding the run a dispatch started when the server did not name it (GitHub Enterprise Server
 * before 3.21). Three strategies, best first:
 *
 * - run-name: the workflow shows the distinct id in its `run-name`; the runs list carries it as
 *   `display_title` even while the run is queued. One conditional list request per attempt.
 * - job-or-step-name: the id is in a job or step name; each new candidate's jobs are read until
 *   one shows the id (step names appear once a runner picked the job up).
 * - time-window: no usable id. The new runs (created after the dispatch, not listed before it) on
 *   the branch, by the token's actor. Exactly one, seen twice in a row, is ours; two or more is
 *   refused rather than guessed, since a run does not carry its inputs.
 *
 * A run that has not appeared yet is retried with exponential backoff, bounded by attempts and by
 * the deadline, never reported missing at the first look.
 */
import { ActionError, classifyError, formatElapsed, httpStatus } from '@deploy-kit/core';
import { GitHubRequestError } from '@deploy-kit/core/github';
import { type GitHubApi } from './api.js';
import type { Clock, Logger } from './clock.js';
import { explainApiError } from './explain.js';
import { readRateInfo } from './ratelimit.js';
import type { RepositoryName } from './target.js';

export interface RunSummary {
  id: number;
  name?: string | null;
  display_title?: string;
  status: string | null;
  conclusion: string | null;
  event: string;
  head_branch: string | null;
  created_at: string;
  html_url: string;
  url: string;
  actor?: { login: string } | null;
  triggering_actor?: { login: string } | null;
}

export type FindStrategy =
  | { kind: 'run-name'; distinctId: string }
  | { kind: 'job-or-step-name'; distinctId: string }
  | { kind: 'time-window'; actor?: string; before?: number[] };

export interface FindQuery {
  api: GitHubApi;
  repository: RepositoryName;
  workflowId: number;
  branch: string;
  /** ISO time: runs created before it are not ours. */
  since: string;
  strategy: FindStrategy;
}

export interface FindOptions {
  clock: Clock;
  log: Logger;
  /** Epoch ms after which the search gives up. */
  deadline: number;
  /** First retry delay; doubles up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts?: number;
  signal?: AbortSignal;
}

export interface Found {
  run: RunSummary;
  attempts: number;
}

interface RunList {
  total_count: number;
  workflow_runs: RunSummary[];
}

interface JobList {
  total_count: number;
  jobs: Array<{ name: string; status: string; steps?: Array<{ name: string }> }>;
}

export class RunNotFoundError extends ActionError {}

export const DEFAULT_MAX_FIND_ATTEMPTS = 60;
const MAX_CONSECUTIVE_ERRORS = 6;

export function describeStrategy(strategy: FindStrategy): string {
  switch (strategy.kind) {
    case 'run-name':
      return `distinct id ${strategy.distinctId} in the run name`;
    case 'job-or-step-name':
      return `distinct id ${strategy.distinctId} in a job or step name`;
    default:
      return `time window (event workflow_dispatch${strategy.actor ? `, actor ${strategy.actor}` : ''})`;
  }
}

/** Runs that could be ours by the list's own fields: event, branch and creation time. */
export function plausible(runs: RunSummary[], query: Pick<FindQuery, 'branch' | 'since'>): RunSummary[] {
  const since = Date.parse(query.since);
  return runs.filter(
    (r) =>
      r.event === 'workflow_dispatch' && (r.head_branch === null || r.head_branch === query.branch) && Date.parse(r.created_at) >= since,
  );
}

export async function findRun(query: FindQuery, options: FindOptions): Promise<Found> {
  const { api, repository: repo, strategy } = query;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_FIND_ATTEMPTS;
  const params: Record<string, unknown> = {
    owner: repo.owner,
    repo: repo.repo,
    workflow_id: query.workflowId,
    event: 'workflow_dispatch',
    branch: query.branch,
    created: `>=${query.since}`,
    per_page: 30,
    exclude_pull_requests: true,
  };
  if (strategy.kind === 'time-window' && strategy.actor) params.actor = strategy.actor;
  const before = new Set(strategy.kind === 'time-window' ? (strategy.before ?? []) : []);
  let listEtag: string | undefined;
  let runs: RunSummary[] = [];
  const jobEtags = new Map<number, { etag?: string; names: string[]; settled: boolean }>();
  const excluded = new Set<number>();
  let lone: number | undefined;
  let errors = 0;
  let delay = options.baseDelayMs;
  const startedAt = options.clock.now();
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (options.signal?.aborted) throw new RunNotFoundError('Stopped looking for the run: the step was cancelled.');
    let wait = delay;
    try {
      const result = await api.call<RunList>(
        `list runs of workflow ${query.workflowId}`,
        'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
        params,
        { etag: listEtag, retry: false, signal: options.signal },
      );
      errors = 0;
      if (result.status !== 304) {
        runs = result.data.workflow_runs;
        listEtag = result.etag;
      }
      const rate = readRateInfo(result.headers, options.clock.now());
      if (rate.remaining === 0 && rate.resetAt) wait = Math.max(wait, rate.resetAt - options.clock.now() + 1000);
      const candidates = plausible(runs, query).filter((r) => !excluded.has(r.id) && !before.has(r.id));
      if (strategy.kind === 'run-name') {
        const mine = candidates.filter(
          (r) => (r.display_title ?? '').includes(strategy.distinctId) || (r.name ?? '').includes(strategy.distinctId),
        );
        if (mine.length >= 1) return { run: mine[0]!, attempts: attempt };
      } else if (strategy.kind === 'job-or-step-name') {
        for (const run of candidates) {
          const seen = jobEtags.get(run.id) ?? { names: [], settled: false };
          if (seen.settled) continue;
          const jobs = await api.call<JobList>(
            `list jobs of run ${run.id}`,
            'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
            { owner: repo.owner, repo: repo.repo, run_id: run.id, per_page: 100 },
            { etag: seen.etag, retry: false, signal: options.signal },
          );
          if (jobs.status !== 304) {
            seen.etag = jobs.etag;
            seen.names = jobs.data.jobs.flatMap((j) => [j.name, ...(j.steps ?? []).map((s) => s.name)]);
            // Step names are known once every job has its steps listed, or the run is over.
            seen.settled =
              run.status === 'completed' || (jobs.data.jobs.length > 0 && jobs.data.jobs.every((j) => (j.steps ?? []).length > 0));
          }
          jobEtags.set(run.id, seen);
          if (seen.names.some((n) => n.includes(strategy.distinctId))) return { run, attempts: attempt };
          if (seen.settled) excluded.add(run.id);
        }
      } else {
        if (candidates.length > 1) {
          throw new ActionError(
            `The workflow was dispatched, but ${candidates.length} new runs match it and the action will not guess which is its own`,
            {
              why: `Runs ${candidates.map((r) => `${r.id} (created ${r.created_at} by ${r.actor?.login ?? '?'})`).join(', ')} all started on ${query.branch} after the dispatch; a run does not carry its inputs, so they cannot be told apart.`,
              check: [
                `Declare a distinct id input in the target workflow and show it in its run name: \`on: workflow_dispatch: inputs: distinct_id: {required: false}\` and \`run-name: Deploy \${{ inputs.distinct_id }}\`. The action then finds its run exactly.`,
                `The runs: ${candidates.map((r) => r.html_url).join(' ')}`,
              ],
            },
          );
        }
        if (candidates.length === 1) {
          // Seen alone twice in a row, a moment apart: no second dispatch raced ours into the window.
          if (lone === candidates[0]!.id) return { run: candidates[0]!, attempts: attempt };
          lone = candidates[0]!.id;
          wait = Math.min(wait, options.baseDelayMs);
        } else lone = undefined;
      }
    } catch (error) {
      // The strategy's own verdicts and the step's timeout end the search; a request that got no
      // answer (GitHubRequestError) is retried like a 5xx.
      if (error instanceof ActionError && !(error instanceof GitHubRequestError)) throw error;
      if (options.signal?.aborted) throw new RunNotFoundError('Stopped looking for the run: the step was cancelled.');
      const status = httpStatus(error);
      const retryable =
        error instanceof GitHubRequestError
          ? classifyError(error).retryable
          : status === undefined ||
            status >= 500 ||
            status === 429 ||
            (status === 403 && /rate limit/i.test(String((error as Error).message)));
      if (!retryable || ++errors > MAX_CONSECUTIVE_ERRORS)
        throw explainApiError(error, { doing: `list the runs of ${repo.fullName}`, repository: repo.fullName, auth: api.auth });
      const rate = readRateInfo((error as { response?: { headers?: Record<string, string> } }).response?.headers, options.clock.now());
      wait = Math.max(wait, rate.retryAfterMs ?? 0, rate.remaining === 0 && rate.resetAt ? rate.resetAt - options.clock.now() + 1000 : 0);
      options.log.info(`Listing runs failed (${status ?? 'network'}: ${(error as Error).message}); retrying in ${Math.round(wait)} ms.`);
    }
    const now = options.clock.now();
    if (now + wait > options.deadline || attempt === maxAttempts) break;
    if (attempt === 1 || attempt % 5 === 0)
      options.log.info(`Run not visible yet (${describeStrategy(strategy)}); looking again in ${formatElapsed(wait)}.`);
    await options.clock.sleep(wait, options.signal);
    delay = Math.min(options.maxDelayMs, delay * 2);
  }
  throw new RunNotFoundError(
    `The workflow was dispatched, but its run did not show up within ${formatElapsed(options.clock.now() - startedAt)}`,
    {
      why: `No run of workflow ${query.workflowId} in ${repo.fullName} on ${query.branch} created since ${query.since} matched (${describeStrategy(strategy)}).`,
      check: [
        `The Actions tab of ${repo.fullName}: a run may be waiting for a runner, or the workflow file may have failed to start.`,
        strategy.kind === 'job-or-step-name'
          ? 'Show the distinct id in the run-name instead of a step name: it is visible while the run is still queued.'
          : 'A longer `timeout`.',
      ],
    },
  );
}
