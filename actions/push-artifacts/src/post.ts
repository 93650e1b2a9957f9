import { existsSync } from 'node:fs';
import { errorMessage, runPost, runner as core, stateKey } from '@deploy-kit/core';
import { removeDockerConfig } from '@deploy-kit/core/oci/docker-config';

/** Written by main: the config for later steps, and the one its own `docker push` used (main removes that itself). */
const states = [stateKey<string>('docker-config'), stateKey<string>('step-docker-config')];

/**
 * Removes the docker configs (registry credentials) that main wrote and that are still there, so
 * nothing of the login outlives the job. A failure is a warning, never a failed job.
 */
async function post(): Promise<void> {
  for (const state of states) {
    const dir = state.load();
    if (!dir || !existsSync(dir)) continue;
    try {
      await removeDockerConfig(dir);
      core.info(`Removed the docker config ${dir}.`);
    } catch (error) {
      core.warning(`Could not remove the docker config ${dir}, which holds a registry login: ${errorMessage(error)}. The runner empties RUNNER_TEMP when the job ends.`);
    }
  }
}

void runPost(post);
