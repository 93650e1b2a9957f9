/**
 * `backend: kubernetes`: the migration as a Job, watched (not polled) until it is Complete or Failed,
 * with the pod's log streamed into the step log and kept in `log-file`. Fails fast on what never
 * trips `backoffLimit` (image pull errors, a missing secret/config map, an unschedulable pod, pods the
 * Job controller cannot create). Never runs a migration twice (see decide.ts), and never deletes a
 * running migration: when our own wait runs out, or the workflow run is cancelled (the runner's
 * SIGINT/SIGTERM, see main.ts), the step ends and says how to follow the Job, which keeps running (a
 * migration stopped half-way can leave the schema half-changed; a re-run attaches to it).
 *
 * The phases of a run: connect (kube/connect.ts), decide (decide.ts: create, attach, recreate, refuse,
 * already complete), check the envFrom sources (job/env-sources.ts), create, follow (job/follow.ts),
 * then the verdict and the `cleanup` policy (job/cleanup.ts). The API is spoken by kube/.
 */
import { ActionError, formatDuration, retry, runner as core } from '@deploy-kit/core';
import {
  collectionPath,
  kubeError,
  kubeRetryability,
  loadKubeConfig,
  statusCode,
  type KubeSelection,
  type LoadedConfig,
  type WatchStats,
} from '../kube/index.js';
import type { JobView, PodView, Verdict } from '../classify.js';
import { decide } from '../decide.js';
import { cleanup, deleteJob, waitGone } from '../job/cleanup.js';
import { checkEnvSources } from '../job/env-sources.js';
import { watchJob } from '../job/follow.js';
import { openLog } from '../logsink.js';
import { renderJob, toYaml, type JobManifest } from '../manifest.js';
import { jobSpec, waitGraceMs } from '../plan.js';
import type { MigrationResult } from '../result.js';
import type { BackendContext, MigrationBackend } from './types.js';

export interface KubeRunResult extends MigrationResult {
  stats?: WatchStats;
}

/** What the backend reaches the cluster through; tests give a fake API. */
export interface KubernetesDeps {
  connect(selection: KubeSelection, deadline: AbortSignal): Promise<LoadedConfig>;
}

const clusterDeps: KubernetesDeps = { connect: (selection, deadline) => loadKubeConfig(selection, process.env, undefined, deadline) };

export async function runKubernetesJob(context: BackendContext, deps: KubernetesDeps = clusterDeps): Promise<KubeRunResult> {
  const { plan, values, step, signal } = context;
  const image = context.image!;
  const logFile = context.files.log;
  const config = await deps.connect(values, step.signal);
  const { api, server, namespace } = config;
  const name = plan.jobName;
  const jobsPath = collectionPath(namespace, 'jobs');
  const podsPath = collectionPath(namespace, 'pods');
  const manifest = renderJob(jobSpec(plan, values, image, namespace));
  core.info(
    `Kubernetes: context ${config.context} (${config.auth}), server ${server}${config.proxy ? ` through the proxy ${config.proxy}` : ''}, namespace ${namespace}, Job ${name}, image ${image}`,
  );
  const call = <T>(verb: string, resource: string, fn: () => Promise<T>): Promise<T> =>
    retry(fn, {
      label: `${verb} ${resource}`,
      classify: kubeRetryability,
      attempts: 5,
      maxElapsedMs: Math.max(0, Math.min(60_000, step.at - Date.now())),
    }).catch((error) => {
      throw kubeError(error, verb, resource, server);
    });
  const readJob = () =>
    call('get', `jobs/${name} in namespace ${namespace}`, async () => {
      try {
        return await api.request<JobView>('GET', `${jobsPath}/${encodeURIComponent(name)}`);
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw error;
      }
    });

  const follow = `kubectl -n ${namespace} get job ${name} -w   /   kubectl -n ${namespace} logs -f job/${name}`;
  const listPods = async () =>
    existing === undefined
      ? []
      : (
          await call('list', `pods of jobs/${name} in namespace ${namespace}`, () =>
            api.request<{ items: PodView[] }>('GET', podsPath, { query: { labelSelector: `batch.kubernetes.io/job-name=${name}` } }),
          )
        ).items;
  let existing = await readJob();
  let decision = decide(
    existing,
    { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: values.rerunFailed },
    await listPods(),
  );
  core.info(decision.action === 'create' ? `No Job ${name} yet: it will be created` : decision.message);
  if (decision.action === 'refuse') throw new ActionError(`Migration not run: ${decision.message}`, { check: decision.check });
  if (decision.action === 'already-complete') {
    return { status: 'already-complete', exitCode: 0, jobName: name, detail: decision.message, rows: [['namespace', namespace]] };
  }

  await checkEnvSources(api, namespace, plan, call);

  if (plan.dryRun) {
    const yaml = await toYaml(manifest);
    const what =
      decision.action === 'attach'
        ? `follow the running Job ${namespace}/${name}`
        : `${decision.action === 'recreate' ? 'delete the failed Job and ' : ''}create this Job in ${namespace} and watch it`;
    core.info(`[dry-run] would ${what}:\n${yaml}`);
    return { status: 'planned', jobName: name, detail: `would ${what}`, rows: [['namespace', namespace]] };
  }

  // Counted from the start of the step (main.ts): what came before the Job (the digest, the kubeconfig,
  // the checks) is part of the same timeout, so no wait of this step outlives it.
  const deadline = step.at;
  if (decision.action === 'recreate' || decision.action === 'wait-deleted') {
    if (decision.action === 'recreate') {
      await call('delete', `jobs/${name} in namespace ${namespace}`, () => deleteJob(api, jobsPath, name, 'Foreground'));
      core.info(`Deleted the failed Job ${name}; waiting until it is gone`);
    }
    await waitGone(readJob, Math.min(deadline, Date.now() + 120_000), name);
    decision = { action: 'create' };
  }
  if (signal.aborted)
    return {
      status: 'cancelled',
      jobName: name,
      detail: `the workflow run was cancelled before the Job was created; nothing runs`,
      rows: [['namespace', namespace]],
    };
  if (decision.action === 'create') {
    try {
      await retry(() => api.request('POST', jobsPath, { body: manifest }), {
        label: `create jobs/${name}`,
        classify: kubeRetryability,
        attempts: 5,
        maxElapsedMs: 60_000,
      });
      core.info(`Created Job ${namespace}/${name}`);
    } catch (error) {
      if (statusCode(error) !== 409) throw kubeError(error, 'create', `jobs in namespace ${namespace}`, server);
      // Created meanwhile (a concurrent run, or our own create that timed out but went through): decide again.
      existing = await readJob();
      const again = decide(
        existing,
        { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: false },
        await listPods(),
      );
      if (again.action === 'refuse') throw new ActionError(`Migration not run: ${again.message}`, { check: again.check });
      if (again.action === 'already-complete') return { status: 'already-complete', exitCode: 0, jobName: name, detail: again.message };
      if ('message' in again) core.info(again.message);
    }
  }

  const sink = openLog(logFile);
  const cancelNotice = () =>
    core.info(
      `The Job ${namespace}/${name} is left running: a migration must not be stopped half-way. Follow it with: ${follow}. A re-run of this step attaches to it (or reports its result) instead of starting another.`,
    );
  const outcome = await watchJob({
    api,
    namespace,
    name,
    deadline,
    sink,
    values,
    timeoutText: formatDuration(plan.timeoutMs),
    server,
    signal,
    onCancel: cancelNotice,
  });
  sink.end();
  const rows: [string, string][] = [
    ['namespace', namespace],
    ['pod', outcome.verdict?.state !== undefined && 'pod' in outcome.verdict && outcome.verdict.pod ? outcome.verdict.pod : '—'],
  ];
  let result: KubeRunResult;
  if (outcome.cancelled) {
    result = {
      status: 'cancelled',
      jobName: name,
      detail: `the workflow run was cancelled; the Job ${namespace}/${name} was left running (a migration must not be stopped half-way)`,
      check: [`follow it: ${follow}`, 'a re-run of this step attaches to it instead of starting another'],
    };
  } else if (outcome.timedOut || !outcome.verdict) {
    result = {
      status: 'timed-out',
      jobName: name,
      detail: `the Job did not finish within ${formatDuration(plan.timeoutMs)} plus ${formatDuration(waitGraceMs(plan.timeoutMs))}; it was NOT deleted and may still be running`,
      check: [`follow it: ${follow}`, 'a re-run of this step attaches to it instead of starting another'],
    };
  } else if (outcome.verdict.state === 'succeeded') {
    result = { status: 'succeeded', exitCode: 0, jobName: name, detail: `Job ${name} completed` };
  } else if (outcome.verdict.state === 'failed') {
    const v = outcome.verdict;
    result = { status: 'failed', exitCode: v.exitCode, jobName: name, detail: v.message, check: hintsFor(v, namespace, name) };
  } else {
    result = { status: 'timed-out', jobName: name, detail: 'the wait ended before the Job finished', check: [`follow it: ${follow}`] };
  }
  await cleanup(
    values.cleanup,
    result.status,
    () => call('delete', `jobs/${name} in namespace ${namespace}`, () => deleteJob(api, jobsPath, name, 'Background')),
    name,
  );
  core.debug(`watch stats: ${JSON.stringify(outcome.stats)}`);
  return { ...result, rows, logFile, tail: sink.lastLines(), stats: outcome.stats };
}

function hintsFor(verdict: Extract<Verdict, { state: 'failed' }>, namespace: string, name: string): string[] {
  switch (verdict.kind) {
    case 'image-pull':
      return [
        'the image reference and digest exist in the registry',
        'the cluster can pull from it (imagePullSecrets on the service account, ECR node role)',
        `then re-run with \`rerun-failed: true\` (the failed Job ${name} stays for inspection until then)`,
      ];
    case 'config':
      return [
        `create the missing object in namespace ${namespace} (or fix \`env-from-secret\` / \`env-from-configmap\`)`,
        'then re-run with `rerun-failed: true`',
      ];
    case 'unschedulable':
      return [
        'the resources the Job requests (`resources`), node selectors and taints',
        'raise `unschedulable-grace` if a cluster autoscaler needs time to add a node',
      ];
    case 'deadline':
      return [
        'raise `timeout` if the migration is legitimately slow; check for locks held in the database',
        'then re-run with `rerun-failed: true`',
      ];
    case 'create-failed':
      return [
        'the service account (`service-account`) exists, quotas and admission policies allow the pod',
        'then re-run with `rerun-failed: true`',
      ];
    default:
      return [
        `the migration's log above (kubectl -n ${namespace} logs job/${name})`,
        'fix the migration, then re-run with `rerun-failed: true`, or release a new tag',
      ];
  }
}

export const backend: MigrationBackend = { name: 'kubernetes', pinsImage: true, run: (context) => runKubernetesJob(context) };

export type { JobManifest };
