import { existsSync } from 'node:fs';
import { errorMessage, runPost, runner as core } from '@deploy-kit/core';
import { removeDockerConfig } from '@deploy-kit/core/oci/docker-config';
import { dockerConfigStates } from './state.js';

/**
 * Removes the docker configs (registry credentials) that main wrote and that are still there, so
 * nothing of the login outlives the job. A failure is a warning, never a failed job.
 */
async function post(): Promise<void> {
  for (const state of dockerConfigStates) {
    const dir = state.load();
    if (!dir || !existsSync(dir)) continue;
    try {
      await removeDockerConfig(dir);
      core.info(`Removed the docker config ${dir}.`);
    } catch (error) {
      core.warning(
        `Could not remove the docker config ${dir}, which holds a registry login: ${errorMessage(error)}. The runner empties RUNNER_TEMP when the job ends.`,
      );
    }
  }
}

void runPost(post);
