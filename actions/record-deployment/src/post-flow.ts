/** The post step's one decision, with the API injected: close a deployment left open. */
import type { DeploymentsApi } from './api.js';
import type { OpenDeployment } from './flow.js';

/** States a deployment is still open in. */
const OPEN = new Set(['in_progress', 'queued', 'pending']);

export async function closeUnfinished(api: DeploymentsApi, open: OpenDeployment, logUrl: string): Promise<string> {
  const repository = { owner: open.owner, repo: open.repo };
  const latest = await api.latestStatus(repository, open.id);
  if (latest && !OPEN.has(latest.state)) return `Deployment ${open.id} is ${latest.state}; nothing to do.`;
  await api.createStatus(repository, open.id, {
    state: 'error',
    description: 'The job ended before the deployment was finished',
    ...(logUrl ? { log_url: logUrl } : {}),
    auto_inactive: false,
  });
  return `Deployment ${open.id} was still ${latest?.state ?? 'without a status'} when the job ended: marked error.`;
}
