/**
 * github-release's entry point: the inputs checked, `body-path` read and the files hashed (config.ts
 * getInputs), core's GitHub client (GITHUB_API_URL), then runRelease's phases (flow.ts), then the
 * outputs and the step summary (summary.ts).
 */
import { readFile } from 'node:fs/promises';
import { run, runner as core, writeOutputs, writeSummary } from '@deploy-kit/core';
import { createGitHubClient, githubApiUrl } from '@deploy-kit/core/github';
import { octokitReleasesApi } from './api.js';
import { getInputs } from './config.js';
import { runRelease } from './flow.js';
import { outputs } from './io.js';
import { mainOutputs, outputsJson, summary } from './summary.js';

async function main(): Promise<void> {
  const { config, files, token, dryRun } = await getInputs();
  const api = dryRun ? undefined : octokitReleasesApi(await createGitHubClient({ token, apiUrl: githubApiUrl() }));
  const result = await runRelease(config, files, {
    api,
    readFile: (path) => readFile(path),
    group: core.group,
    log: core.info,
    now: Date.now,
  });
  const requests = api?.requests ?? 0;
  writeOutputs(outputs, mainOutputs(result), { json: outputsJson(result, config, { dryRun, requests }) });
  writeSummary(summary(result, config, { dryRun, requests }));
  if (!dryRun) core.info(`${requests} GitHub API request(s).`);
  if (result.failure) throw result.failure;
}

void run(main);
