/**
 * push-artifacts' entry point: the inputs → one validated plan (config.ts) → the phases (flow.ts)
 * with the real services → outputs and the step summary (summary.ts).
 */
import { runner as core, run, writeOutputs, writeSummary } from '@deploy-kit/core';
import { writeDockerConfig, removeDockerConfig } from '@deploy-kit/core/oci';
import { RegistryClient } from '@deploy-kit/core/oci/client';
import { closeTransport } from '@deploy-kit/core/oci/transport';
import { getInputs } from './config.js';
import { runCommand } from './docker.js';
import { createEcrPublicApi } from '@deploy-kit/core/ecr-public';
import { createEcrApi } from './ecr.js';
import { runFlow, type FlowDeps } from './flow.js';
import { outputs } from './io.js';
import { createS3Api } from './s3.js';
import { dockerConfigState, stepDockerConfigState } from './state.js';
import { mainOutputs, outputsJson, perRegistryOutputs, registriesOutput, summary } from './summary.js';

const deps: FlowDeps = {
  env: process.env,
  ecr: createEcrApi,
  ecrPublic: () => createEcrPublicApi(),
  s3: createS3Api,
  // No `GET /v2/` first: the first request (a tag's HEAD) learns the auth scheme (client.ts `probe`).
  registry: (baseUrl, credentials) => new RegistryClient({ baseUrl, credentials, probe: false, log: (m) => core.info(m) }),
  dockerConfig: {
    writeForJob: async (runnerTemp, logins) => {
      const dir = await writeDockerConfig(runnerTemp, logins);
      // Saved first: even if a later step fails, post removes the credentials.
      dockerConfigState.save(dir);
      core.exportVariable('DOCKER_CONFIG', dir);
      core.info(`Docker config with the registry login written to ${dir} (DOCKER_CONFIG); it is removed when the job ends.`);
      return dir;
    },
    writeForStep: async (base, logins) => {
      const dir = await writeDockerConfig(base, logins);
      stepDockerConfigState.save(dir);
      return dir;
    },
    remove: (dir) => removeDockerConfig(dir).then(() => undefined),
  },
  docker: runCommand,
  clock: { now: () => Date.now() },
  log: { info: (m) => core.info(m), warning: (m) => core.warning(m), group: (name, fn) => core.group(name, fn) },
};

async function main(): Promise<void> {
  try {
    const config = await getInputs();
    const { outcome, failure } = await runFlow(config, deps);
    if (failure !== undefined) {
      writeSummary(summary(outcome, config, { message: failure instanceof Error ? failure.message : String(failure) }));
      throw failure;
    }
    writeOutputs(outputs, { ...mainOutputs(outcome), registries: registriesOutput(outcome) }, { json: outputsJson(outcome, config) });
    for (const [name, value] of Object.entries(perRegistryOutputs(outcome))) core.setOutput(name, value);
    writeSummary(summary(outcome, config));
  } finally {
    // Kept-alive registry connections must not hold the step open.
    closeTransport();
  }
}

void run(main);
