/**
 * `backend: kubernetes`: the migration as a Job, watched (not polled) until it is Complete or Failed,
 * with the pod's log streamed into the step log and kept in `log-file`. Fails fast on what never
 * trips `backoffLimit` (image pull errors, a missing secret/config map, an unschedulable pod, pods the
 * Job controller cannot create). Never runs a migration twice (see decide.ts), and never deletes a
 * running migration: when our own wait runs out, or the workflow run is cancelled (the runner's
 * SIGINT/SIGTERM, see main.ts), the step ends and says how to follow the Job, which keeps running (a
 * migration stopped half-way can leave the schema half-changed; a re-run attaches to it).
 *
 * The API is spoken over node:https (kubeapi.ts) with the kubeconfig read by kubeconfig.ts and
 * credentials.ts; main imports this module lazily.
 */
import { Writable } from 'node:stream';
import { ActionError, classifyError, errorMessage, formatDuration, retry, runner as core, type Retryability } from '@deploy-kit/core';
import { credentialsFor } from './credentials.js';
import { DeadlineError, KubeApi, collectionPath, statusMessage } from './kubeapi.js';
import { KubeconfigError, kubeconfigFailure, kubeconfigSource, resolveContext } from './kubeconfig.js';
import { classify, migrationContainer, type EventView, type JobView, type PodView, type Verdict } from './classify.js';
import { decide } from './decide.js';
import { openLog, type LogSink } from './logsink.js';
import { CONTAINER_NAME, renderJob, toYaml, type JobManifest } from './manifest.js';
import { jobSpec, waitGraceMs, type Plan, type StepDeadline, type Values } from './plan.js';
import type { MigrationResult } from './result.js';

export { waitGraceMs } from './plan.js';
const LOG_DRAIN_MS = 10_000;

// ------------------------------------------------------------------------------------------------
// Errors

interface ApiErrorLike {
  code?: unknown;
  body?: unknown;
  message?: string;
}

function statusCode(error: unknown): number | undefined {
  const code = (error as ApiErrorLike)?.code;
  if (typeof code === 'number') return code;
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

function apiMessage(error: unknown): string {
  const body = (error as ApiErrorLike)?.body;
  return (typeof body === 'string' ? statusMessage(body) : undefined) || errorMessage(error);
}

/** Our own credentials failed (an exec plugin, an unreadable token file): not the network's fault, and no retry helps. */
function isCredentialFailure(error: unknown): boolean {
  return error instanceof ActionError || error instanceof KubeconfigError;
}

/** What ends a watch for good: a refusal (401, 403), our own credentials failing, or the step's deadline. */
function endsWatch(error: unknown): boolean {
  const status = statusCode(error);
  return status === 401 || status === 403 || isCredentialFailure(error) || error instanceof DeadlineError;
}

export function kubeRetryability(error: unknown): Retryability {
  if (isCredentialFailure(error)) return { retryable: false, reason: (error as Error).name };
  if (error instanceof DeadlineError) return { retryable: false, reason: 'the step\'s timeout ran out' };
  const status = statusCode(error);
  if (status !== undefined) {
    // classifyError adds the server's Retry-After (the API server sends one with 429 and some 503s).
    if (status === 429 || status >= 500) return { ...classifyError(error), retryable: true, reason: `HTTP ${status}` };
    return { retryable: false, reason: `HTTP ${status}` };
  }
  return classifyError(error);
}

/** An API failure as the user's problem: unreachable, unauthorised, forbidden (naming verb and resource), or other. */
export function kubeError(error: unknown, verb: string, resource: string, server: string): ActionError {
  if (error instanceof ActionError) return error;
  if (error instanceof KubeconfigError) return kubeconfigFailure('the kubeconfig', error.message);
  if (error instanceof DeadlineError) {
    return new ActionError(`No answer from the Kubernetes API server at ${server} to ${verb} ${resource} before the step's timeout ran out`, {
      why: error.message,
      check: ['the API server is up and answering (a server that accepts connections but does not answer, an overloaded control plane)', 'the runner\'s route to the cluster (VPN, private endpoint, proxy)', 'raise `timeout` if the cluster is legitimately slow'],
      cause: error,
    });
  }
  const status = statusCode(error);
  const message = apiMessage(error);
  if (status === 401) {
    return new ActionError(`The Kubernetes API server at ${server} refused the credentials (401 Unauthorized) to ${verb} ${resource}`, {
      why: message,
      check: ['the kubeconfig\'s user token or client certificate is valid and not expired', 'for EKS/GKE/AKS, the exec credential plugin is installed and the cloud login step ran before this one'],
      cause: error,
    });
  }
  if (status === 403) {
    return new ActionError(`Not allowed to ${verb} ${resource} (403 Forbidden)`, {
      why: message,
      check: [
        `grant the identity in the kubeconfig the RBAC verb "${verb}" on ${resource}`,
        'migrate-job needs: jobs (batch) get, list, watch, create, delete; pods get, list, watch; pods/log get; events list, watch',
      ],
      cause: error,
    });
  }
  if (status !== undefined) {
    return new ActionError(`Kubernetes refused to ${verb} ${resource} (HTTP ${status})`, { why: message, cause: error });
  }
  return new ActionError(`Cannot reach the Kubernetes API server at ${server} to ${verb} ${resource}`, {
    why: errorMessage(error),
    check: ['the kubeconfig\'s server address and the `context` input', 'the runner can reach the cluster (VPN, private endpoint, firewall)', 'the cluster is up'],
    cause: error,
  });
}

// ------------------------------------------------------------------------------------------------
// kubeconfig

export interface LoadedConfig {
  api: KubeApi;
  server: string;
  namespace: string;
  context: string;
  /** How the user authenticates ("token", "exec plugin aws", ...), for the log. */
  auth: string;
  /** The proxy in between, as "host:port (HTTPS_PROXY)" (never its credentials). */
  proxy?: string;
}

/** The kubeconfig (input, KUBECONFIG, ~/.kube/config or in-cluster) resolved to an API client for one context. */
export async function loadKubeConfig(values: Pick<Values, 'kubeconfig' | 'context' | 'namespace'>, env: Record<string, string | undefined> = process.env, inClusterDir?: string, deadline?: AbortSignal): Promise<LoadedConfig> {
  const source = kubeconfigSource(values.kubeconfig, env, inClusterDir);
  try {
    const config = await source.load();
    if (values.context && !config.contexts.some((c) => c.name === values.context)) {
      throw new ActionError(`The kubeconfig has no context "${values.context}" (input "context")`, {
        check: [`its contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'}`],
      });
    }
    const target = resolveContext(config, values.context);
    const credentials = await credentialsFor(target, env as NodeJS.ProcessEnv);
    // Credentials first (an exec plugin runs here): a plugin that is missing or fails is reported as
    // itself, before any request, rather than as the first call's failure.
    await credentials.prepare();
    const { proxy } = credentials;
    return {
      api: new KubeApi(target.server, credentials, { deadline }),
      server: target.server,
      namespace: values.namespace || target.namespace || 'default',
      context: target.context,
      auth: credentials.method,
      ...(proxy ? { proxy: `${new URL(proxy.url).host} (${proxy.source})` } : {}),
    };
  } catch (error) {
    if (error instanceof KubeconfigError) throw kubeconfigFailure(source.label, error.message);
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------
// Watching

interface WatchStats {
  watches: number;
  reconnects: number;
  lists: number;
}

/**
 * A list-then-watch of one resource that survives disconnects: it resumes from the last
 * resourceVersion it saw and relists only when the server says that version is gone (410).
 */
class ResourceWatch {
  private controller?: AbortController;
  private stopped = false;
  private resourceVersion = '';
  private failures = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly path: string,
    private readonly query: Record<string, string>,
    private readonly list: () => Promise<{ items: unknown[]; resourceVersion: string }>,
    private readonly onObject: (type: string, object: any) => void,
    private readonly onFatal: (error: unknown) => void,
    private readonly stats: WatchStats,
    private readonly label: string,
  ) {}

  /** Lists and watches. Refusals (401, 403, other 4xx) throw; an unreachable or failing server is retried until stopped. */
  async start(): Promise<void> {
    try {
      await this.relist();
    } catch (error) {
      const status = statusCode(error);
      if ((status !== undefined && status < 500 && status !== 410 && status !== 429) || isCredentialFailure(error)) throw error;
      core.debug(`watch ${this.label}: first list failed (${errorMessage(error)}); retrying`);
      this.failures++;
      void this.reconnect(error);
    }
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    const result = await this.list();
    for (const item of result.items) this.onObject('LISTED', item);
    this.resourceVersion = result.resourceVersion;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.stats.watches++;
    this.controller = await this.api.watch(
      this.path,
      { ...this.query, resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
      ({ type, object }) => {
        if (type === 'ERROR') {
          const code = (object as { code?: number })?.code;
          if (code === 410) this.resourceVersion = '';
          return;
        }
        this.failures = 0;
        const version = object?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (type !== 'BOOKMARK') this.onObject(type, object);
      },
      (error) => void this.reconnect(error),
    );
  }

  private async reconnect(error: unknown): Promise<void> {
    if (this.stopped) return;
    this.stats.reconnects++;
    if (endsWatch(error)) {
      this.onFatal(error);
      return;
    }
    if (error) this.failures++;
    core.debug(`watch ${this.label} ended (${error ? errorMessage(error) : 'closed by the server'}); resuming from resourceVersion ${this.resourceVersion || '(relist)'}`);
    if (this.failures > 0) await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(this.failures, 5))));
    if (this.stopped) return;
    try {
      if (!this.resourceVersion || statusCode(error) === 410) await this.relist();
      else await this.connect();
    } catch (relistError) {
      // Refused, or our own credentials failed (an exec plugin that cannot renew an expired token): retrying won't help.
      if (endsWatch(relistError)) {
        this.onFatal(relistError);
        return;
      }
      // The API server may be restarting: keep trying until the overall deadline stops us.
      core.debug(`watch ${this.label}: ${errorMessage(relistError)}`);
      this.failures++;
      void this.reconnect(relistError);
    }
  }

  /** No more events are wanted and nothing reconnects; the request itself is closed by `stop` (or the process exit). */
  halt(): void {
    this.stopped = true;
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }
}

// ------------------------------------------------------------------------------------------------
// The run

export interface KubeRunResult extends MigrationResult {
  stats?: WatchStats;
}

export async function kubernetesBackend(
  plan: Plan,
  values: Values,
  image: string,
  logFile: string,
  signal: AbortSignal = new AbortController().signal,
  step: StepDeadline = { at: Date.now() + plan.timeoutMs + waitGraceMs(plan.timeoutMs), signal: AbortSignal.timeout(plan.timeoutMs + waitGraceMs(plan.timeoutMs)) },
): Promise<KubeRunResult> {
  const config = await loadKubeConfig(values, process.env, undefined, step.signal);
  const { api, server, namespace } = config;
  const name = plan.jobName;
  const jobsPath = collectionPath(namespace, 'jobs');
  const podsPath = collectionPath(namespace, 'pods');
  const manifest = renderJob(jobSpec(plan, values, image, namespace));
  core.info(`Kubernetes: context ${config.context} (${config.auth}), server ${server}${config.proxy ? ` through the proxy ${config.proxy}` : ''}, namespace ${namespace}, Job ${name}, image ${image}`);
  const call = <T>(verb: string, resource: string, fn: () => Promise<T>): Promise<T> =>
    retry(fn, { label: `${verb} ${resource}`, classify: kubeRetryability, attempts: 5, maxElapsedMs: Math.max(0, Math.min(60_000, step.at - Date.now())) }).catch((error) => {
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
      : (await call('list', `pods of jobs/${name} in namespace ${namespace}`, () => api.request<{ items: PodView[] }>('GET', podsPath, { query: { labelSelector: `batch.kubernetes.io/job-name=${name}` } }))).items;
  let existing = await readJob();
  let decision = decide(existing, { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: values.rerunFailed }, await listPods());
  core.info(decision.action === 'create' ? `No Job ${name} yet: it will be created` : decision.message);
  if (decision.action === 'refuse') throw new ActionError(`Migration not run: ${decision.message}`, { check: decision.check });
  if (decision.action === 'already-complete') {
    return { status: 'already-complete', exitCode: 0, jobName: name, detail: decision.message, rows: [['namespace', namespace]] };
  }

  await checkEnvSources(api, namespace, plan, call);

  if (plan.dryRun) {
    const yaml = await toYaml(manifest);
    const what = decision.action === 'attach' ? `follow the running Job ${namespace}/${name}` : `${decision.action === 'recreate' ? 'delete the failed Job and ' : ''}create this Job in ${namespace} and watch it`;
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
  if (signal.aborted) return { status: 'cancelled', jobName: name, detail: `the workflow run was cancelled before the Job was created; nothing runs`, rows: [['namespace', namespace]] };
  if (decision.action === 'create') {
    try {
      await retry(() => api.request('POST', jobsPath, { body: manifest }), { label: `create jobs/${name}`, classify: kubeRetryability, attempts: 5, maxElapsedMs: 60_000 });
      core.info(`Created Job ${namespace}/${name}`);
    } catch (error) {
      if (statusCode(error) !== 409) throw kubeError(error, 'create', `jobs in namespace ${namespace}`, server);
      // Created meanwhile (a concurrent run, or our own create that timed out but went through): decide again.
      existing = await readJob();
      const again = decide(existing, { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: false }, await listPods());
      if (again.action === 'refuse') throw new ActionError(`Migration not run: ${again.message}`, { check: again.check });
      if (again.action === 'already-complete') return { status: 'already-complete', exitCode: 0, jobName: name, detail: again.message };
      if ('message' in again) core.info(again.message);
    }
  }

  const sink = openLog(logFile);
  const cancelNotice = () =>
    core.info(`The Job ${namespace}/${name} is left running: a migration must not be stopped half-way. Follow it with: ${follow}. A re-run of this step attaches to it (or reports its result) instead of starting another.`);
  const outcome = await watchJob({ api, namespace, name, deadline, sink, values, timeoutText: formatDuration(plan.timeoutMs), server, signal, onCancel: cancelNotice });
  sink.end();
  const rows: [string, string][] = [['namespace', namespace], ['pod', outcome.verdict?.state !== undefined && 'pod' in outcome.verdict && outcome.verdict.pod ? outcome.verdict.pod : '—']];
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
  await cleanup(values.cleanup, result.status, () => call('delete', `jobs/${name} in namespace ${namespace}`, () => deleteJob(api, jobsPath, name, 'Background')), name);
  core.debug(`watch stats: ${JSON.stringify(outcome.stats)}`);
  return { ...result, rows, logFile, tail: sink.lastLines(), stats: outcome.stats };
}

function hintsFor(verdict: Extract<Verdict, { state: 'failed' }>, namespace: string, name: string): string[] {
  switch (verdict.kind) {
    case 'image-pull':
      return ['the image reference and digest exist in the registry', 'the cluster can pull from it (imagePullSecrets on the service account, ECR node role)', `then re-run with \`rerun-failed: true\` (the failed Job ${name} stays for inspection until then)`];
    case 'config':
      return [`create the missing object in namespace ${namespace} (or fix \`env-from-secret\` / \`env-from-configmap\`)`, 'then re-run with `rerun-failed: true`'];
    case 'unschedulable':
      return ['the resources the Job requests (`resources`), node selectors and taints', 'raise `unschedulable-grace` if a cluster autoscaler needs time to add a node'];
    case 'deadline':
      return ['raise `timeout` if the migration is legitimately slow; check for locks held in the database', 'then re-run with `rerun-failed: true`'];
    case 'create-failed':
      return ['the service account (`service-account`) exists, quotas and admission policies allow the pod', 'then re-run with `rerun-failed: true`'];
    default:
      return [`the migration's log above (kubectl -n ${namespace} logs job/${name})`, 'fix the migration, then re-run with `rerun-failed: true`, or release a new tag'];
  }
}

async function cleanup(policy: Values['cleanup'], status: string, remove: () => Promise<unknown>, name: string): Promise<void> {
  const running = status === 'timed-out' || status === 'cancelled';
  const wanted = policy === 'always' ? !running : policy === 'on-success' ? status === 'succeeded' : false;
  if (policy === 'always' && running) core.info(`cleanup: always, but the Job ${name} may still be running: it is left alone`);
  if (!wanted) return;
  try {
    await remove();
    core.info(`Deleted Job ${name} (cleanup: ${policy}); its log is kept in the log file`);
  } catch (error) {
    core.warning(`Could not delete Job ${name} (cleanup: ${policy}): ${errorMessage(error)}`);
  }
}

function deleteJob(api: KubeApi, jobsPath: string, name: string, propagationPolicy: 'Foreground' | 'Background'): Promise<unknown> {
  return api.request('DELETE', `${jobsPath}/${encodeURIComponent(name)}`, { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy } });
}

async function waitGone(read: () => Promise<unknown>, until: number, name: string): Promise<void> {
  while (Date.now() < until) {
    if ((await read()) === undefined) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new ActionError(`The old Job ${name} was not deleted in time`, { check: ['finalizers on the Job or its pods (kubectl get job -o yaml)'] });
}

/** Only the object's metadata: whether a secret exists is all we ask, never its values. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** The envFrom secrets/config maps exist (read-only; skipped where RBAC does not allow reading them). */
async function checkEnvSources(
  api: KubeApi,
  namespace: string,
  plan: Plan,
  call: <T>(verb: string, resource: string, fn: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const checks: [string, string, () => Promise<unknown>][] = [
    ...plan.envFromSecrets.map((n) => ['secret', n, () => api.request('GET', `${collectionPath(namespace, 'secrets')}/${encodeURIComponent(n)}`, { accept: METADATA_ONLY })] as [string, string, () => Promise<unknown>]),
    ...plan.envFromConfigMaps.map((n) => ['configmap', n, () => api.request('GET', `${collectionPath(namespace, 'configmaps')}/${encodeURIComponent(n)}`)] as [string, string, () => Promise<unknown>]),
  ];
  for (const [kind, objectName, read] of checks) {
    const found = await call(`get`, `${kind}s/${objectName}`, async () => {
      try {
        await read();
        return true;
      } catch (error) {
        const status = statusCode(error);
        if (status === 404) return false;
        if (status === 403) {
          core.debug(`cannot read ${kind} ${objectName} (403); the kubelet will check it`);
          return true;
        }
        throw error;
      }
    });
    if (!found) {
      throw new ActionError(`Migration not started: ${kind} "${objectName}" does not exist in namespace ${namespace}`, {
        check: [`create it (or fix \`env-from-${kind}\`); nothing was created in the cluster`],
      });
    }
  }
}

interface WatchArgs {
  api: KubeApi;
  namespace: string;
  name: string;
  deadline: number;
  sink: LogSink;
  values: Values;
  timeoutText: string;
  server: string;
  /** Aborted when the workflow run is cancelled: the wait ends at once (the Job is left alone). */
  signal?: AbortSignal;
  onCancel?: () => void;
}

interface WatchOutcome {
  verdict?: Verdict;
  timedOut: boolean;
  cancelled?: boolean;
  stats: WatchStats;
}

async function watchJob(args: WatchArgs): Promise<WatchOutcome> {
  const { api, namespace, name, sink } = args;
  const stats: WatchStats = { watches: 0, reconnects: 0, lists: 0 };
  let job: JobView | undefined;
  const pods = new Map<string, PodView>();
  const events: EventView[] = [];
  const logStreams = new Map<string, Promise<void>>();
  /** Pods whose log is still being read (a Set, so finish knows without awaiting whether anything is left). */
  const readingLogs = new Set<string>();
  /** The log requests still open (a request leaves once its stream has ended). */
  const aborts = new Set<AbortController>();
  let lastDetail = '';
  let graceTimer: NodeJS.Timeout | undefined;

  return new Promise<WatchOutcome>((resolve, reject) => {
    let settled = false;
    const watches: ResourceWatch[] = [];
    const finish = async (outcome: { verdict?: Verdict; timedOut: boolean; cancelled?: boolean } | { error: unknown }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadlineTimer);
      args.signal?.removeEventListener('abort', onAbort);
      if (graceTimer) clearTimeout(graceTimer);
      // The watches' events are no longer wanted from here on, but closing their requests (aborting three
      // fetches, ~1-2 ms) is not on the way to the verdict: it is done just after, and in the action the
      // process exit closes them first.
      for (const w of watches) w.halt();
      const closeWatches = () => setImmediate(() => {
        for (const w of watches) w.stop();
      });
      if ('error' in outcome) {
        for (const controller of aborts) controller.abort();
        closeWatches();
        reject(outcome.error);
        return;
      }
      // The pod's log: let the follow streams end by themselves (the container has exited), bounded. A pod whose
      // container never started has no log to read. Usually the stream ended before the Job's condition came
      // (the container's exit ends it): then nothing is awaited at all.
      const verdictPod = outcome.verdict && 'pod' in outcome.verdict ? outcome.verdict.pod : undefined;
      const state = verdictPod ? migrationContainer(pods.get(verdictPod) ?? {})?.state : undefined;
      if (verdictPod && !logStreams.has(verdictPod) && (state?.running || state?.terminated)) startLogs(verdictPod);
      // Timed out or cancelled: the container may run on for a long time; its log so far is in the file already.
      if (!outcome.timedOut && !outcome.cancelled && readingLogs.size > 0) {
        let drainTimer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...logStreams.values()]), new Promise((r) => (drainTimer = setTimeout(r, LOG_DRAIN_MS)))]);
        clearTimeout(drainTimer);
      }
      for (const controller of aborts) controller.abort();
      closeWatches();
      resolve({ verdict: outcome.verdict, timedOut: outcome.timedOut, cancelled: outcome.cancelled, stats });
    };
    const deadlineTimer = setTimeout(() => void finish({ timedOut: true }), Math.max(0, args.deadline - Date.now()));
    const onAbort = () => {
      if (settled) return;
      args.onCancel?.();
      void finish({ timedOut: false, cancelled: true });
    };
    if (args.signal?.aborted) queueMicrotask(onAbort);
    else args.signal?.addEventListener('abort', onAbort, { once: true });

    /** One log request; the first `skip` bytes (already printed) are dropped. Resolves when the stream ends. */
    const readLog = (pod: string, followLogs: boolean, skip: number, onBytes: (n: number) => void) =>
      new Promise<void>((resolveStream) => {
        let controller: AbortController | undefined;
        let ended = false;
        const resolveLog = () => {
          ended = true;
          if (controller) aborts.delete(controller);
          resolveStream();
        };
        let toSkip = skip;
        const out = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            let data = chunk;
            if (toSkip > 0) {
              const dropped = Math.min(toSkip, data.length);
              data = data.subarray(dropped);
              toSkip -= dropped;
            }
            if (data.length) {
              onBytes(data.length);
              sink.write(data);
            }
            callback();
          },
          final(callback) {
            resolveLog();
            callback();
          },
        });
        out.on('error', () => resolveLog());
        api
          .log(namespace, pod, CONTAINER_NAME, out, { follow: followLogs })
          .then((c) => {
            controller = c;
            if (!ended) aborts.add(c);
          })
          .catch((error) => {
            core.debug(`log of pod ${pod}: ${apiMessage(error)}`);
            resolveLog();
          });
      });
    const terminated = (pod: string) => Boolean(migrationContainer(pods.get(pod) ?? {})?.state?.terminated);
    /**
     * Follows the pod's log to its end. A stream cut short while the container still runs (API server
     * restart, network) is resumed, skipping what was already printed; bounded by the overall deadline.
     */
    const startLogs = (pod: string) => {
      let received = 0;
      readingLogs.add(pod);
      const done = (async () => {
        try {
          for (let attempt = 0; Date.now() < args.deadline; attempt++) {
            const wasTerminated = terminated(pod) || settled;
            await readLog(pod, !wasTerminated, received, (n) => (received += n));
            // A follow stream ends by itself when the container exits, with everything it wrote: done. One that
            // ended while the container still runs was cut short (API server restart, network): resume it.
            if (wasTerminated || terminated(pod)) return;
            if (!settled) await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * 2 ** Math.min(attempt, 3))));
          }
        } finally {
          readingLogs.delete(pod);
        }
      })();
      logStreams.set(pod, done);
    };

    const evaluate = () => {
      if (settled || !job) return;
      const verdict = classify({
        job,
        pods: [...pods.values()],
        events,
        now: Date.now(),
        unschedulableGraceMs: args.values.unschedulableGrace ?? 0,
        timeoutText: args.timeoutText,
      });
      // Logs as soon as the container runs (or has already run).
      for (const [podName, pod] of pods) {
        const state = migrationContainer(pod)?.state;
        if (!logStreams.has(podName) && (state?.running || state?.terminated)) startLogs(podName);
      }
      if (verdict.state === 'succeeded' || verdict.state === 'failed') {
        void finish({ verdict, timedOut: false });
        return;
      }
      if (verdict.detail !== lastDetail) {
        core.info(`… ${verdict.detail}`);
        lastDetail = verdict.detail;
      }
      // An Unschedulable pod within its grace period: look again when the grace runs out (one timer, no polling).
      const unschedulable = [...pods.values()].map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')).find(Boolean);
      if (unschedulable && !graceTimer) {
        const since = unschedulable.lastTransitionTime ? new Date(unschedulable.lastTransitionTime).getTime() : Date.now();
        graceTimer = setTimeout(() => {
          graceTimer = undefined;
          evaluate();
        }, Math.max(0, since + (args.values.unschedulableGrace ?? 0) - Date.now()) + 10);
      }
    };

    const onJob = (type: string, object: JobView) => {
      if (object?.metadata?.name !== name) return;
      if (type === 'DELETED') {
        void finish({ error: new ActionError(`The Job ${namespace}/${name} was deleted while the migration was running`, { check: ['someone or something (a Helm hook policy, a cleanup job) deleted it; re-run the step to see whether the migration ran'] }) });
        return;
      }
      job = object;
      evaluate();
    };
    const onPod = (type: string, object: PodView) => {
      const podName = object?.metadata?.name;
      if (!podName) return;
      if (type === 'DELETED') pods.delete(podName);
      else pods.set(podName, object);
      evaluate();
    };
    const onEvent = (type: string, object: EventView) => {
      if (type === 'DELETED') return;
      events.push(object);
      if (events.length > 200) events.shift();
      evaluate();
    };
    const onFatal = (error: unknown) => void finish({ error: kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server) });

    const labelSelector = `batch.kubernetes.io/job-name=${name}`;
    /** A list then watch of `path` with `query`: the list's resourceVersion is where the watch starts. */
    const resourceWatch = (path: string, query: Record<string, string>, onObject: (type: string, object: any) => void, label: string) =>
      new ResourceWatch(api, path, query,
        async () => {
          const r = await retry(() => api.request<{ items?: unknown[]; metadata?: { resourceVersion?: string } }>('GET', path, { query }), { label: `list ${label}`, classify: kubeRetryability, attempts: 5, maxElapsedMs: 60_000 });
          return { items: r.items ?? [], resourceVersion: r.metadata?.resourceVersion ?? '' };
        }, onObject, onFatal, stats, label);
    watches.push(
      resourceWatch(collectionPath(namespace, 'jobs'), { fieldSelector: `metadata.name=${name}` }, onJob, 'job'),
      resourceWatch(collectionPath(namespace, 'pods'), { labelSelector }, onPod, 'pods'),
      resourceWatch(collectionPath(namespace, 'events'), { fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name}` }, onEvent, 'events'),
    );
    (async () => {
      for (const w of watches) await w.start();
      evaluate();
    })().catch((error) => void finish({ error: error instanceof ActionError ? error : kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server) }));
  });
}

export type { JobManifest };
