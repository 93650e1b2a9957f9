/**
 * gitops-dispatch's entry point: the inputs validated into targets and an auth choice (config.ts
 * getInputs), the GitHub API clients for that auth (a token, or a GitHub App's installation tokens,
 * revoked at the end), then runFlow's phases (flow.ts) with the real services, then the outputs and
 * the step summary (summary.ts).
 */
import { randomUUID } from 'node:crypto';
import { onCancel, run, runner as core, writeOutputs, writeSummary } from '@deploy-kit/core';
import { createGitHubClient, githubApiUrl } from '@deploy-kit/core/github';
import { type ApiStats, type GitHubApi, type StepDeadline, octokitApi } from './api.js';
import { appSession } from './auth.js';
import { type Logger, systemClock } from './clock.js';
import { type DispatchConfig, getInputs, targetRepositories } from './config.js';
import { runFlow } from './flow.js';
import { outputs } from './io.js';
import type { RepositoryName } from './target.js';
import { mainOutputs, outputsJson, stepSummary } from './summary.js';

const log: Logger = { info: core.info, warning: (m) => core.warning(m), debug: core.debug };

/** The API client per target repository for the chosen auth, and how to give its tokens back. */
function githubApis(config: DispatchConfig, options: { apiUrl: string; stats: ApiStats; deadline: StepDeadline }) {
  const client = async (token: string, kind: 'token' | 'app-jwt' | 'installation', actor?: string): Promise<GitHubApi> =>
    octokitApi(await createGitHubClient({ token, apiUrl: options.apiUrl }), {
      auth: kind === 'token' ? 'token' : 'app',
      actor,
      stats: options.stats,
      deadline: options.deadline,
    });
  if (config.auth.kind === 'app') {
    const session = appSession(config.auth.appId, config.key!, targetRepositories(config.flow.targets), {
      client,
      now: systemClock.now,
      log: core.info,
    });
    return { apiFor: session.apiFor, revoke: session.revoke };
  }
  const shared = client(config.auth.token, 'token');
  // Awaited on the first request; until then a refusal (GITHUB_API_URL over plain http) must not
  // count as an unhandled rejection, which would end the process without the clear error.
  shared.catch(() => undefined);
  return { apiFor: (_repository: RepositoryName) => shared, revoke: async (): Promise<string[]> => [] };
}

async function main(): Promise<void> {
  const config = await getInputs();
  const { timeoutMs, dryRun } = config.flow;
  const deadline: StepDeadline = { at: Date.now() + timeoutMs, timeoutMs };
  for (const extra of config.skippedExtras)
    core.info(
      `extra dispatch ${extra.index} (${extra.repository.fullName}) is for ${extra.environments.join(', ')}, not "${config.environment}": skipped.`,
    );

  const apiUrl = githubApiUrl();
  const stats: ApiStats = { requests: 0, notModified: 0 };
  const { apiFor, revoke } = githubApis(config, { apiUrl, stats, deadline });

  // The runner sends SIGINT, then SIGTERM, when the job is cancelled: stop polling, and cancel the
  // remote run(s) only when asked to.
  const cancel = onCancel(
    config.flow.cancelOnAbort
      ? 'stopping and cancelling the remote run(s).'
      : 'stopping; the remote run(s) keep running (cancel-on-abort: false).',
  );
  let result;
  try {
    const { parse } = await import('yaml');
    result = await runFlow(
      { ...config.flow, deadline: deadline.at, apiUrl },
      {
        apiFor,
        parseYaml: (text) => parse(text, { merge: true }),
        clock: systemClock,
        log,
        newId: randomUUID,
        signal: cancel.signal,
        group: (title, fn) => core.group(title, fn),
      },
    );
  } finally {
    cancel.dispose();
    for (const problem of await revoke()) core.warning(problem);
  }

  const { reports, failure } = result;
  writeOutputs(outputs, mainOutputs(reports), { json: outputsJson(reports, { dryRun, stats }) });
  writeSummary(stepSummary(reports, failure, { dryRun, stats }));
  core.info(`${stats.requests} GitHub API request(s), ${stats.notModified} answered 304 Not Modified.`);
  if (failure) throw failure;
}

void run(main);
