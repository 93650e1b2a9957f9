/**
 * The whole hand-over for every target (the main dispatch and the extra ones): check all of them
 * before dispatching any, dispatch in order (stopping at the first failure), then find and follow
 * the runs side by side. Never reports partial success as success: the result says, per target,
 * what happened, and `failure` is set whenever anything did not work. Each of the three phases runs
 * in its own log group (`deps.group`); the step summary (summary.ts) gives each target's outcome.
 */
import { ActionError, errorMessage, formatDuration } from '@deploy-kit/core';
import type { RetryOptions } from '@deploy-kit/core';
import { type GitHubApi, pageUrl } from './api.js';
import type { Clock, Logger } from './clock.js';
import { type Dispatched, type ServerCapabilities, dispatch, requestBody, shouldAskDetails } from './dispatch.js';
import { type FindStrategy, describeStrategy, findRun } from './find.js';
import { type Resolved, type TargetSpec, preflight } from './preflight.js';
import type { RepositoryName } from './target.js';
import { type FailedJob, type RunState, cancelRun, conclusionPasses, failedJobs, waitForRun } from './wait.js';

export type WaitMode = 'none' | 'started' | 'completed';
export type FoundBy = 'run-details' | FindStrategy['kind'];

export interface FlowConfig {
  targets: TargetSpec[];
  wait: WaitMode;
  /** The `timeout` input: the whole step, from its start, ends by then. */
  timeoutMs: number;
  /** Epoch ms the step must end by (the API client's requests end by it too); default now + timeoutMs. */
  deadline?: number;
  pollIntervalMs: number;
  cancelOnAbort: boolean;
  dryRun: boolean;
  distinctIdInput: string;
  /** For printing the request a dry run would send. */
  apiUrl: string;
}

export interface FlowDeps {
  apiFor(repository: RepositoryName): Promise<GitHubApi>;
  parseYaml(text: string): unknown;
  clock: Clock;
  log: Logger;
  newId(): string;
  signal?: AbortSignal;
  retry?: Partial<RetryOptions>;
  /** Runs one phase inside a log group titled `title` (core's runner.group); default: no group. */
  group?<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export type TargetState = 'would-dispatch' | 'dispatched' | 'dispatch-failed' | 'not-dispatched';

export interface TargetReport {
  label: string;
  repository: string;
  workflow?: { id: number; name: string; path: string; html_url: string };
  ref?: string;
  /** The inputs as sent (the distinct id included). */
  inputs: Record<string, string>;
  state: TargetState;
  runId?: number;
  /** The run's page (html_url). */
  runUrl?: string;
  runApiUrl?: string;
  status?: string;
  conclusion?: string;
  foundBy?: FoundBy;
  distinctId?: string;
  /** Set when this target did not end well. */
  error?: ActionError;
  failedJobs?: FailedJob[];
  /** The remote run was cancelled because our step was cancelled or timed out (cancel-on-abort). */
  cancelled?: boolean;
  /** The dispatch request (sent, or in a dry run, the one that would be). */
  request?: { method: string; url: string; body: Record<string, unknown> };
}

export interface FlowResult {
  reports: TargetReport[];
  failure?: ActionError;
}

/** The run finding never waits longer than this, whatever `timeout` says. */
export const MAX_FIND_MS = 10 * 60_000;

function prefix(config: FlowConfig, report: TargetReport): string {
  return config.targets.length > 1 ? `[${report.label}] ` : '';
}

export async function runFlow(config: FlowConfig, deps: FlowDeps): Promise<FlowResult> {
  const { log, clock } = deps;
  const phase = <T>(title: string, fn: () => Promise<T>): Promise<T> => (deps.group ? deps.group(title, fn) : fn());
  const deadline = config.deadline ?? clock.now() + config.timeoutMs;
  // 1. Check every target before dispatching any: a typo in an extra dispatch must not leave the
  //    main one half-done.
  const resolved: Resolved[] = await phase(`Check the target workflow${config.targets.length > 1 ? 's' : ''}`, async () => {
    const checked: Resolved[] = [];
    for (const target of config.targets) {
      const api = await deps.apiFor(target.repository);
      const r = await preflight(api, target, { parseYaml: deps.parseYaml, distinctIdInput: config.distinctIdInput, log });
      log.info(
        `${config.targets.length > 1 ? `[${target.label}] ` : ''}${r.description}: workflow id ${r.workflow.id}, ref ${r.ref}${r.file ? `, ${r.file.inputs.length} declared input(s)` : ''}${r.distinctId ? `, distinct id input "${r.distinctId.input}" (${r.distinctId.placement})` : ''}`,
      );
      checked.push(r);
    }
    return checked;
  });
  const capabilities: ServerCapabilities = {};
  const reports: TargetReport[] = resolved.map((r) => ({
    label: r.target.label,
    repository: r.target.repository.fullName,
    workflow: { id: r.workflow.id, name: r.workflow.name, path: r.workflow.path, html_url: r.workflow.html_url },
    ref: r.ref,
    inputs: { ...r.inputs },
    state: 'not-dispatched',
  }));
  const urlOf = (r: Resolved) => `${config.apiUrl}/repos/${r.target.repository.fullName}/actions/workflows/${r.workflow.id}/dispatches`;

  if (config.dryRun) {
    await phase('Dry run: the dispatch requests', async () =>
      resolved.forEach((r, i) => {
        const report = reports[i]!;
        const ask = shouldAskDetails(r, capabilities);
        const body = requestBody(r, r.distinctId ? '<distinct id>' : undefined, ask);
        report.state = 'would-dispatch';
        report.request = { method: 'POST', url: urlOf(r), body };
        report.inputs = (body.inputs as Record<string, string> | undefined) ?? {};
        log.info(`${prefix(config, report)}[dry-run] would send POST ${report.request.url}\n${JSON.stringify(body, null, 2)}`);
      }),
    );
    return { reports };
  }

  // 2. Dispatch in order; after a failure the rest are not attempted.
  const dispatched: Array<{ resolved: Resolved; report: TargetReport; result: Dispatched }> = [];
  await phase('Dispatch', async () => {
    for (let i = 0; i < resolved.length; i++) {
      const r = resolved[i]!;
      const report = reports[i]!;
      const snapshot = async () => {
        const { data } = await r.api.call<{ workflow_runs: Array<{ id: number }> }>(
          `list recent runs of ${r.workflow.name}`,
          'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
          {
            owner: r.target.repository.owner,
            repo: r.target.repository.repo,
            workflow_id: r.workflow.id,
            event: 'workflow_dispatch',
            per_page: 100,
            exclude_pull_requests: true,
          },
        );
        return data.workflow_runs.map((run) => run.id);
      };
      try {
        const result = await dispatch(r, { capabilities, newId: deps.newId, now: clock.now, log, snapshot, retry: deps.retry });
        report.state = 'dispatched';
        report.request = { method: 'POST', url: urlOf(r), body: result.requestBody };
        report.inputs = (result.requestBody.inputs as Record<string, string> | undefined) ?? {};
        report.distinctId = result.distinctId;
        const sent = Object.entries(report.inputs)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
        log.info(`${prefix(config, report)}Sent ref ${r.ref}${sent ? ` with inputs ${sent}` : ' without inputs'}.`);
        if (result.run) {
          report.runId = result.run.id;
          report.runUrl = result.run.htmlUrl;
          report.runApiUrl = result.run.url;
          report.foundBy = 'run-details';
          log.info(`${prefix(config, report)}Dispatched ${r.description} on ${r.ref}: run ${result.run.id} — ${result.run.htmlUrl}`);
        } else {
          log.info(
            `${prefix(config, report)}Dispatched ${r.description} on ${r.ref} (the server returned no run details${result.distinctId ? `; distinct id ${result.distinctId}` : ''}).`,
          );
        }
        dispatched.push({ resolved: r, report, result });
      } catch (error) {
        report.state = 'dispatch-failed';
        report.error =
          error instanceof ActionError
            ? error
            : new ActionError(`Could not dispatch ${r.description}: ${errorMessage(error)}`, { cause: error });
        break;
      }
    }
  });

  // 3. Find and follow the runs side by side.
  if (config.wait !== 'none' && dispatched.length > 0) {
    await phase(`Follow the run${dispatched.length > 1 ? 's' : ''} (until ${config.wait})`, async () => {
      const pollers = new Map<GitHubApi, number>();
      for (const d of dispatched) pollers.set(d.resolved.api, (pollers.get(d.resolved.api) ?? 0) + 1);
      await Promise.all(
        dispatched.map(async ({ resolved: r, report, result }) => {
          try {
            await follow(config, deps, r, report, result, deadline, pollers.get(r.api) ?? 1);
          } catch (error) {
            report.error ??=
              error instanceof ActionError
                ? error
                : new ActionError(`Following the run of ${r.description} failed: ${errorMessage(error)}`, { cause: error });
          }
        }),
      );
    });
  }
  return { reports, failure: composeFailure(reports) };
}

function strategyFor(r: Resolved, result: Dispatched, actor: string | undefined): FindStrategy {
  if (result.distinctId && r.distinctId?.placement === 'run-name') return { kind: 'run-name', distinctId: result.distinctId };
  if (result.distinctId && r.distinctId?.placement === 'job-or-step-name')
    return { kind: 'job-or-step-name', distinctId: result.distinctId };
  return { kind: 'time-window', actor, before: result.before };
}

async function follow(
  config: FlowConfig,
  deps: FlowDeps,
  r: Resolved,
  report: TargetReport,
  result: Dispatched,
  deadline: number,
  pollers: number,
): Promise<void> {
  const { clock, log } = deps;
  const repo = r.target.repository;
  const p = prefix(config, report);
  if (report.runId === undefined) {
    const needsActor = !(result.distinctId && (r.distinctId?.placement === 'run-name' || r.distinctId?.placement === 'job-or-step-name'));
    const strategy = strategyFor(r, result, needsActor ? await r.api.actor() : undefined);
    log.info(`${p}Finding the run by ${describeStrategy(strategy)}.`);
    const found = await findRun(
      { api: r.api, repository: repo, workflowId: r.workflow.id, branch: result.branch, since: result.since, strategy },
      {
        clock,
        log,
        deadline: Math.min(deadline, clock.now() + MAX_FIND_MS),
        baseDelayMs: Math.min(config.pollIntervalMs, 1000),
        maxDelayMs: config.pollIntervalMs,
        signal: deps.signal,
      },
    );
    report.runId = found.run.id;
    report.runUrl = pageUrl(found.run.html_url);
    report.runApiUrl = found.run.url;
    report.status = found.run.status ?? undefined;
    report.foundBy = strategy.kind;
    log.info(`${p}Found run ${found.run.id} after ${found.attempts} look(s) — ${report.runUrl}`);
  }
  const runId = report.runId;
  const outcome = await waitForRun(r.api, repo, runId, {
    until: config.wait === 'started' ? 'started' : 'completed',
    clock,
    log,
    deadline,
    intervalMs: config.pollIntervalMs,
    signal: deps.signal,
    pollers,
  });
  const run: RunState | undefined = outcome.run;
  if (run) {
    report.status = run.status ?? undefined;
    report.conclusion = run.conclusion ?? undefined;
    report.runUrl = run.html_url || report.runUrl;
  }
  if (outcome.kind !== 'done') {
    const aborted = outcome.kind === 'aborted';
    let remote = 'The remote run was left running (`cancel-on-abort: false`).';
    if (config.cancelOnAbort) {
      try {
        const cancelled = await cancelRun(r.api, repo, runId);
        report.cancelled = cancelled === 'cancelled';
        remote =
          cancelled === 'cancelled' ? 'The remote run was cancelled (`cancel-on-abort: true`).' : 'The remote run had already completed.';
      } catch (error) {
        remote = `Cancelling the remote run failed: ${errorMessage(error)}`;
      }
    }
    log.info(`${p}${remote}`);
    report.error = new ActionError(
      aborted
        ? `The step was cancelled while waiting for run ${runId} of ${r.description}`
        : `Run ${runId} of ${r.description} did not ${config.wait === 'started' ? 'start' : 'complete'} within ${formatDuration(config.timeoutMs)} (last status: ${run?.status ?? 'unknown'})`,
      {
        why: remote,
        check: [
          `The run: ${report.runUrl ?? runId}`,
          ...(aborted ? [] : ['A longer `timeout`, if the workflow legitimately takes longer.']),
        ],
      },
    );
    return;
  }
  if (run && run.status === 'completed') {
    const verdict = conclusionPasses(run.conclusion);
    log.info(`${p}Run ${runId} completed: ${run.conclusion} (${outcome.polls} poll(s), ${outcome.notModified} answered 304 Not Modified).`);
    if (verdict === 'warn') log.warning(`${p}Run ${runId} of ${r.description} concluded ${run.conclusion}: ${run.html_url}`);
    if (verdict === 'fail') {
      let jobs: FailedJob[] = [];
      try {
        jobs = await failedJobs(r.api, repo, runId);
      } catch (error) {
        log.debug(`Could not list the jobs of run ${runId}: ${errorMessage(error)}`);
      }
      report.failedJobs = jobs;
      const jobText = jobs.length
        ? `Failed jobs: ${jobs.map((j) => `${j.name} (${j.conclusion}${j.failedSteps.length ? `; step${j.failedSteps.length > 1 ? 's' : ''} ${j.failedSteps.map((s) => `"${s}"`).join(', ')}` : ''})`).join('; ')}.`
        : 'No failed job was reported.';
      report.error = new ActionError(`The run of ${r.description} concluded ${run.conclusion}: ${run.html_url}`, {
        why: jobText,
        check: [`The run's logs: ${run.html_url}`, ...jobs.filter((j) => j.html_url).map((j) => `${j.name}: ${j.html_url}`)],
      });
    }
  } else if (run) {
    log.info(`${p}Run ${runId} has started (${run.status}).`);
  }
}

function outcomeLine(report: TargetReport): string {
  const what = `${report.label}: ${report.workflow ? `"${report.workflow.name}" in ` : ''}${report.repository}`;
  switch (report.state) {
    case 'not-dispatched':
      return `– ${what}: not dispatched (an earlier dispatch failed)`;
    case 'dispatch-failed':
      return `✗ ${what}: dispatch failed — ${report.error?.message.split('\n')[0]}`;
    default: {
      const run =
        report.runId !== undefined
          ? `run ${report.runId}${report.conclusion ? ` ${report.conclusion}` : report.status ? ` ${report.status}` : ''}`
          : 'run not identified';
      return report.error ? `✗ ${what}: dispatched, ${run} — ${report.error.message.split('\n')[0]}` : `✓ ${what}: dispatched, ${run}`;
    }
  }
}

export function composeFailure(reports: TargetReport[]): ActionError | undefined {
  const bad = reports.filter((r) => r.error || r.state === 'dispatch-failed' || r.state === 'not-dispatched');
  if (bad.length === 0) return undefined;
  if (reports.length === 1) return reports[0]!.error;
  const first = bad.find((r) => r.error)!;
  const ok = reports.filter((r) => !bad.includes(r));
  return new ActionError(
    `${bad.length} of ${reports.length} dispatches did not succeed${ok.length ? ` (${ok.map((r) => r.label).join(', ')} did)` : ''}:\n${reports.map(outcomeLine).join('\n')}`,
    { why: first.error?.why ? `${first.label}: ${first.error.why}` : undefined, check: first.error?.check ?? [] },
  );
}
