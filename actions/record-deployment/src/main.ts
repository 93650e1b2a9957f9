import {
  onCancel,
  proxyConfigured,
  readGitHubContext,
  readInputs,
  run,
  runner as core,
  sleep,
  writeOutputs,
  writeSummary,
} from '@deploy-kit/core';
import { createGitHubClient, githubApiUrl } from '@deploy-kit/core/github';
import { type DeploymentsApi, octokitDeploymentsApi } from './api.js';
import { buildConfig, requireToken } from './config.js';
import { runFlow } from './flow.js';
import { inputs, outputs } from './io.js';
import { openDeploymentState } from './state.js';
import { mainOutputs, outputsJson, summary } from './summary.js';

const dryRunApi: DeploymentsApi = new Proxy({ requests: 0 } as DeploymentsApi, {
  get: (_target, key) => (key === 'requests' ? 0 : () => Promise.reject(new Error(`dry run: no ${String(key)} request is sent`))),
});

async function main(): Promise<void> {
  const values = await readInputs(inputs);
  const context = readGitHubContext();
  const config = buildConfig(values, {
    repository: context.repository,
    sha: context.sha,
    serverUrl: context.serverUrl,
    runId: context.runId,
    runAttempt: context.runAttempt,
  });
  const token = values.dryRun ? '' : requireToken(values.token);
  // The runner sends SIGINT, then SIGTERM, when the job is cancelled: stop verifying and mark the deployment error.
  const cancel = onCancel('stopping the verification; the deployment is marked error.');
  let result;
  let requests: number;
  try {
    const client = values.dryRun ? undefined : await createGitHubClient({ token, apiUrl: githubApiUrl() });
    const api = client ? octokitDeploymentsApi(client) : undefined;
    result = await runFlow(config, {
      // A dry run sends nothing: the flow prints the requests instead of calling the API.
      api: api ?? dryRunApi,
      dryRun: values.dryRun,
      // The verify URLs follow the proxy rule as curl would (HTTPS_PROXY / HTTP_PROXY / NO_PROXY).
      fetch: proxyConfigured() ? (await import('@deploy-kit/core/net/proxy')).fetchFor() : globalThis.fetch,
      sleep,
      now: Date.now,
      log: core.info,
      signal: cancel.signal,
      saveOpen: (open) => openDeploymentState.save(open),
      group: core.group,
    });
    requests = api?.requests ?? 0;
  } finally {
    cancel.dispose();
  }
  writeOutputs(outputs, mainOutputs(result), { json: outputsJson(result, config, { dryRun: values.dryRun, requests }) });
  writeSummary(summary(result, config, { dryRun: values.dryRun, failure: result.failure?.message }));
  if (!values.dryRun) core.info(`${requests} GitHub API request(s).`);
  if (result.failure) throw result.failure;
}

void run(main);
