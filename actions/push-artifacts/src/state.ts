/**
 * What push-artifacts' main step hands its post step, in one place (actions/checkout's
 * state-helper): one typed key per value, so main and post cannot disagree on a name or a shape.
 */
import { stateKey } from '@deploy-kit/core';

/** The docker config directory main wrote for later steps of the job (DOCKER_CONFIG); post removes it. */
export const dockerConfigState = stateKey<string>('docker-config');

/** The one for this step's own docker CLI (`mode: docker`): main removes it; post again, in case main was stopped first. */
export const stepDockerConfigState = stateKey<string>('step-docker-config');

/** Every docker config main may leave behind: what post removes. */
export const dockerConfigStates = [dockerConfigState, stepDockerConfigState] as const;
