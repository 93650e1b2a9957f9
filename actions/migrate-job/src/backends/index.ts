/**
 * The backends by name, each imported only when a step uses it (the kubernetes client, the AWS SDK
 * and the tool installer stay out of the other backends' start-up).
 */
import type { Backend } from '../io.js';
import type { MigrationBackend } from './types.js';

export type { BackendContext, MigrationBackend, StepFiles } from './types.js';

const MODULES: Record<Backend, () => Promise<{ backend: MigrationBackend }>> = {
  kubernetes: () => import('./kubernetes.js'),
  ecs: () => import('./ecs.js'),
  render: () => import('./render.js'),
  command: () => import('./command.js'),
};

export async function loadBackend(name: Backend): Promise<MigrationBackend> {
  return (await MODULES[name]()).backend;
}
