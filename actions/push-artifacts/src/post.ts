import { runPost, runner as core, stateKey } from '@deploy-kit/core';
import { removeDockerConfig } from './docker.js';

const dockerConfigState = stateKey<string>('docker-config');

/** Removes the docker config (registry credentials) that main wrote, when it wrote one. */
async function post(): Promise<void> {
  const dir = dockerConfigState.load();
  if (!dir) return;
  await removeDockerConfig(dir);
  core.info(`Removed the docker config ${dir}.`);
}

void runPost(post);
