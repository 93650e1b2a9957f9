/**
 * The deployment's life in named phases: create it (`start`, `record`) and mark it `in_progress`;
 * verify the release (`finish`, `record`, when the outcome is success and there are URLs); record
 * the outcome: `success`, `failure` (the deploy failed, or the verification did) or `error` (the job
 * was cancelled). The state key tells the post step which deployment is still open, so a step that
 * dies after creating it still leaves it `error`, never `in_progress` for ever.
 */
import { ActionError, formatDuration, readDeploymentPayload } from '@deploy-kit/core';
import type { CreateStatus, Deployment, DeploymentsApi, StatusState } from './api.js';
import { type RecordConfig, expectedVersions } from './config.js';
import { type VerifyDeps, type VerifyResult, verificationFailure, verifyAll } from './verify.js';

export interface OpenDeployment {
  owner: string;
  repo: string;
  id: number;
  /** Set once this step wrote a final status. */
  finished: boolean;
}

export interface FlowDeps extends VerifyDeps {
  api: DeploymentsApi;
  /** Keeps what the post step needs (the typed state key). */
  saveOpen(open: OpenDeployment): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  dryRun?: boolean;
}

export interface FlowResult {
  deployment?: { id: number; url: string; sha: string; environment: string };
  /** The last state this step wrote (`in_progress` after `start`). */
  state?: StatusState;
  statuses: Array<{ state: StatusState; description: string }>;
  verification: VerifyResult[];
  /** What a dry run would send. */
  requests: Array<{ method: string; path: string; body: unknown }>;
  failure?: ActionError;
}

const FINAL: Record<RecordConfig['status'], StatusState> = { success: 'success', failure: 'failure', cancelled: 'error', error: 'error' };

export async function runFlow(config: RecordConfig, deps: FlowDeps): Promise<FlowResult> {
  const { api, log } = deps;
  const result: FlowResult = { statuses: [], verification: [], requests: [] };
  const repo = config.repository;
  const base = `/repos/${repo.owner}/${repo.repo}/deployments`;
  let deployment: Deployment | undefined;
  let tag = config.tag;

  const setStatus = async (id: number, body: CreateStatus) => {
    if (deps.dryRun) {
      result.requests.push({ method: 'POST', path: `${base}/${id}/statuses`, body });
      log(`[dry-run] would set the deployment to ${body.state}: ${body.description}`);
    } else {
      await api.createStatus(repo, id, body);
      log(`Deployment ${id}: ${body.state} — ${body.description}`);
    }
    result.state = body.state;
    result.statuses.push({ state: body.state, description: body.description });
  };
  const urls = {
    ...(config.logUrl ? { log_url: config.logUrl } : {}),
    ...(config.environmentUrl ? { environment_url: config.environmentUrl } : {}),
  };

  // 1. Create (start, record) or find (finish) the deployment.
  await deps.group(config.create ? 'Create the deployment' : 'Find the deployment', async () => {
    if (config.create) {
      const c = config.create;
      const body = {
        ref: c.ref,
        environment: c.environment,
        description: c.description,
        production_environment: c.production,
        transient_environment: c.transient,
        auto_merge: false,
        required_contexts: [],
        payload: c.payload,
      };
      if (deps.dryRun) {
        result.requests.push({ method: 'POST', path: base, body });
        log(`[dry-run] would send POST ${base}\n${JSON.stringify(body, null, 2)}`);
        return;
      }
      deployment = await api.createDeployment(repo, {
        ref: c.ref,
        environment: c.environment,
        description: c.description,
        production_environment: c.production,
        transient_environment: c.transient,
        payload: c.payload as unknown as Record<string, unknown>,
      });
      deps.saveOpen({ ...repo, id: deployment.id, finished: false });
      log(
        `Created deployment ${deployment.id} of ${c.ref} (${deployment.sha}) to ${c.environment}${c.production ? ' (production)' : ''}${c.transient ? ' (transient)' : ''}.`,
      );
      await setStatus(deployment.id, { state: 'in_progress', description: `Deploying ${c.description}`, ...urls, auto_inactive: false });
    } else {
      deployment = await api.getDeployment(repo, config.deploymentId!);
      deps.saveOpen({ ...repo, id: deployment.id, finished: false });
      tag ||= readDeploymentPayload(deployment.payload)?.tag ?? '';
      log(`Deployment ${deployment.id}: ${deployment.ref} (${deployment.sha}) to ${deployment.environment}.`);
    }
  });
  if (deployment) result.deployment = { id: deployment.id, url: deployment.url, sha: deployment.sha, environment: deployment.environment };
  if (config.step === 'start') return result;
  const id = deployment?.id ?? 0;
  const environment = deployment?.environment ?? config.create?.environment ?? '';
  const what = `${tag || deployment?.ref || config.create?.ref} to ${environment}`;

  // 2. Verify, when the deploy itself succeeded.
  let failure: ActionError | undefined;
  if (config.status === 'success' && config.checks.length > 0) {
    const checks = config.checks.map((c) => (c.source && c.expected.length === 0 ? { ...c, expected: expectedVersions(tag, '') } : c));
    if (checks.some((c) => c.source && c.expected.length === 0)) {
      failure = new ActionError('Cannot check the released version: no tag is known', {
        check: ['`tag` (the release tag) or `verify-version` on this step.'],
      });
    } else if (deps.dryRun) {
      log(
        `[dry-run] would verify ${checks.map((c) => c.url).join(', ')} (every ${formatDuration(config.verify.intervalMs)}, for at most ${formatDuration(config.verify.timeoutMs)}).`,
      );
    } else {
      result.verification = await deps.group('Verify the release', () => verifyAll(checks, config.verify, deps));
      failure = verificationFailure(result.verification, config.verify);
    }
  }

  // 3. Record the outcome.
  const cancelled = deps.signal?.aborted || result.verification.some((v) => v.cancelled);
  let state: StatusState = FINAL[config.status];
  let description =
    config.status === 'success'
      ? `${what}: deployed`
      : config.status === 'cancelled'
        ? `${what}: cancelled`
        : `${what}: the deploy ${config.status === 'error' ? 'errored' : 'failed'}`;
  if (cancelled) {
    state = 'error';
    description = `${what}: cancelled during verification`;
  } else if (failure) {
    state = 'failure';
    const bad = result.verification.find((v) => !v.ok);
    description = bad
      ? `${what}: verification failed, ${bad.url} ${bad.last?.problem ?? 'did not answer'}`
      : `${what}: verification failed`;
  } else if (result.verification.length > 0) {
    description = `${what}: deployed and verified (${result.verification.length} URL${result.verification.length > 1 ? 's' : ''})`;
  }
  await deps.group('Record the outcome', () =>
    setStatus(id, { state, description, ...urls, auto_inactive: state === 'success' && config.autoInactive }),
  );
  if (!deps.dryRun && deployment) deps.saveOpen({ ...repo, id: deployment.id, finished: true });
  result.failure = cancelled ? new ActionError(`The step was cancelled; deployment ${id} is marked error.`) : failure;
  return result;
}
