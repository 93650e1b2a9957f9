/**
 * What the main step hands its post step (actions/checkout's state-helper): the deployment it
 * opened and whether it wrote a final status, so post can mark one left `in_progress` as `error`.
 */
import { stateKey } from '@deploy-kit/core';
import type { OpenDeployment } from './flow.js';

export const openDeploymentState = stateKey<OpenDeployment>('open-deployment');
