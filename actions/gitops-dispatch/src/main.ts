import { randomUUID } from 'node:crypto';
import { onCancel, readGitHubContext, readInputs, run, runner as core, writeOutputs, writeSummary } from '@deploy-kit/core';
import { createGitHubClient, githubApiUrl } from '@deploy-kit/core/github';
import { type ApiStats, type GitHubApi, type StepDeadline, octokitApi } from './api.js';
import { appSession, parsePrivateKey } from './auth.js';
import { type Logger, systemClock } from './clock.js';
import { buildTargets, chooseAuth, targetRepositories } from './config.js';
import { runFlow } from './flow.js';
import { inputs, outputs } from './io.js';
import { mainOutputs, outputsJson, summarySections, summaryTable } from './summary.js';

const log: Logger = { info: core.info, warning: (m) => core.warning(m), debug: core.debug };

async function main(): Promise<void> {
  const values = await readInputs(inputs);
  // The `timeout` input bounds the whole step: every request and every wait ends by this deadline.
  const timeoutMs = values.timeout ?? 30 * 60_000;
  const deadline: StepDeadline = { at: Date.now() + timeoutMs, timeoutMs };
  const context = readGitHubContext();
  const auth = chooseAuth(values);
  const key = auth.kind === 'app' ? parsePrivateKey(auth.privateKey) : undefined;
  const { targets, skippedExtras } = buildTargets(values, { owner: context.owner, repo: context.repo });
  for (const extra of skippedExtras) core.info(`extra dispatch ${extra.index} (${extra.repository.fullName}) is for ${extra.environments.join(', ')}, not "${values.environment}": skipped.`);

  const apiUrl = githubApiUrl();
  const stats: ApiStats = { requests: 0, notModified: 0 };
  const client = async (token: string, kind: 'token' | 'app-jwt' | 'installation', actor?: string): Promise<GitHubApi> =>
    octokitApi(await createGitHubClient({ token, apiUrl }), { auth: kind === 'token' ? 'token' : 'app', actor, stats, deadline });
  let apiFor: (repository: (typeof targets)[number]['repository']) => Promise<GitHubApi>;
  let revoke = async (): Promise<string[]> => [];
  if (auth.kind === 'app') {
    const session = appSession(auth.appId, key!, targetRepositories(targets), { client, now: systemClock.now, log: core.info });
    apiFor = session.apiFor;
    revoke = session.revoke;
  } else {
    const shared = client(auth.token, 'token');
    // Awaited on the first request; until then a refusal (GITHUB_API_URL over plain http) must not
    // count as an unhandled rejection, which would end the process without the clear error.
    shared.catch(() => undefined);
    apiFor = () => shared;
  }

  // The runner sends SIGINT, then SIGTERM, when the job is cancelled: stop polling, and cancel the
  // remote run(s) only when asked to.
  const cancel = onCancel(values.cancelOnAbort ? 'stopping and cancelling the remote run(s).' : 'stopping; the remote run(s) keep running (cancel-on-abort: false).');
  let result;
  try {
    const { parse } = await import('yaml');
    result = await runFlow(
      {
        targets,
        wait: values.wait,
        timeoutMs,
        deadline: deadline.at,
        pollIntervalMs: values.pollInterval ?? 10_000,
        cancelOnAbort: values.cancelOnAbort,
        dryRun: values.dryRun,
        distinctIdInput: values.distinctIdInput,
        apiUrl,
      },
      { apiFor, parseYaml: (text) => parse(text, { merge: true }), clock: systemClock, log, newId: randomUUID, signal: cancel.signal, group: (title, fn) => core.group(title, fn) },
    );
  } finally {
    cancel.dispose();
    for (const problem of await revoke()) core.warning(problem);
  }

  const { reports, failure } = result;
  writeOutputs(outputs, mainOutputs(reports), { json: outputsJson(reports, { dryRun: values.dryRun, stats }) });
  writeSummary({
    title: `gitops-dispatch${values.dryRun ? ' (dry run)' : ''}`,
    table: summaryTable(reports),
    sections: [...(failure ? [`**Failed:** ${failure.message.replace(/\n/g, '  \n')}`] : []), ...summarySections(reports, { dryRun: values.dryRun, stats })],
  });
  core.info(`${stats.requests} GitHub API request(s), ${stats.notModified} answered 304 Not Modified.`);
  if (failure) throw failure;
}

void run(main);
