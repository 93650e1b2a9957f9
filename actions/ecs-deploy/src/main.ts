/**
 * ecs-deploy's entry point: the inputs validated (config.ts getInputs), the ECS client (ecs-api.ts,
 * core's awsClientConfig), runDeploy's phases (flow.ts), then the outputs and the step summary.
 */
import { onCancel, run, runner as core, sleep, writeOutputs, writeSummary } from '@deploy-kit/core';
import { awsEndpointFromEnv } from '@deploy-kit/core/aws';
import { getInputs } from './config.js';
import { createEcsApi } from './ecs-api.js';
import { runDeploy } from './flow.js';
import { outputs } from './io.js';
import { mainOutputs, outputsJson, summary } from './summary.js';

async function main(): Promise<void> {
  const config = await getInputs();
  const endpoint = awsEndpointFromEnv('ECS') ?? `https://ecs.${config.region}.amazonaws.com`;
  core.info(`ECS: region ${config.region} (endpoint ${endpoint}), cluster ${config.cluster}, service ${config.service}`);
  // Every call ends by the deploy's wait and, when asked, the rollback's, plus a margin for the calls around them.
  const deadline = Date.now() + config.timeoutMs * (config.rollbackOnFailure ? 2 : 1) + 120_000;
  const ecs = await createEcsApi({ region: config.region, endpoint, deadline });
  const cancel = onCancel('stopping the wait; the ECS deployment goes on.');
  let result;
  try {
    result = await runDeploy(config, {
      ecs,
      log: { info: core.info, warning: (m) => core.warning(m) },
      group: core.group,
      now: Date.now,
      sleep,
      signal: cancel.signal,
    });
  } finally {
    cancel.dispose();
    ecs.close();
  }
  writeOutputs(outputs, mainOutputs(result), { json: outputsJson(result, { dryRun: config.dryRun, region: config.region }) });
  writeSummary(summary(result, { dryRun: config.dryRun }));
  if (result.failure) throw result.failure;
}

void run(main);
