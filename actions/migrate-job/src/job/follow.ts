/**
 * Following a created Job to its verdict: list-then-watch of the Job, its pods and its events
 * (kube/watch.ts keeps each alive across disconnects), every change classified (classify.ts) until the
 * Job succeeded or failed, the step's deadline passed or the run was cancelled; the pod's log streamed
 * into the sink as soon as its container runs, resumed where it was cut, and drained (bounded) after
 * the verdict. An Unschedulable pod is looked at again when its grace runs out (one timer, no polling).
 */
import { Writable } from 'node:stream';
import { ActionError, retry, runner as core, sleep } from '@deploy-kit/core';
import { apiMessage, collectionPath, kubeError, kubeRetryability, ResourceWatch, type KubeApi, type WatchStats } from '../kube/index.js';
import { classify, migrationContainer, type EventView, type JobView, type PodView, type Verdict } from '../classify.js';
import type { LogSink } from '../logsink.js';
import { CONTAINER_NAME } from '../manifest.js';
import type { Values } from '../plan.js';

const LOG_DRAIN_MS = 10_000;

export interface WatchArgs {
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

export interface WatchOutcome {
  verdict?: Verdict;
  timedOut: boolean;
  cancelled?: boolean;
  stats: WatchStats;
}

export async function watchJob(args: WatchArgs): Promise<WatchOutcome> {
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
    const watches: Pick<ResourceWatch, 'start' | 'stop' | 'halt'>[] = [];
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
      const closeWatches = () =>
        setImmediate(() => {
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
            if (!settled) await sleep(Math.min(2_000, 250 * 2 ** Math.min(attempt, 3)));
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
      const unschedulable = [...pods.values()]
        .map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'))
        .find(Boolean);
      if (unschedulable && !graceTimer) {
        const since = unschedulable.lastTransitionTime ? new Date(unschedulable.lastTransitionTime).getTime() : Date.now();
        graceTimer = setTimeout(
          () => {
            graceTimer = undefined;
            evaluate();
          },
          Math.max(0, since + (args.values.unschedulableGrace ?? 0) - Date.now()) + 10,
        );
      }
    };

    const onJob = (type: string, object: JobView) => {
      if (object?.metadata?.name !== name) return;
      if (type === 'DELETED') {
        void finish({
          error: new ActionError(`The Job ${namespace}/${name} was deleted while the migration was running`, {
            check: [
              'someone or something (a Helm hook policy, a cleanup job) deleted it; re-run the step to see whether the migration ran',
            ],
          }),
        });
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
    const onFatal = (error: unknown) =>
      void finish({ error: kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server) });

    const labelSelector = `batch.kubernetes.io/job-name=${name}`;
    /** A list then watch of `path` with `query`: the list's resourceVersion is where the watch starts. */
    const resourceWatch = <T>(path: string, query: Record<string, string>, onObject: (type: string, object: T) => void, label: string) =>
      new ResourceWatch<T>(
        api,
        path,
        query,
        async () => {
          const r = await retry(() => api.request<{ items?: unknown[]; metadata?: { resourceVersion?: string } }>('GET', path, { query }), {
            label: `list ${label}`,
            classify: kubeRetryability,
            attempts: 5,
            maxElapsedMs: 60_000,
          });
          return { items: (r.items ?? []) as T[], resourceVersion: r.metadata?.resourceVersion ?? '' };
        },
        onObject,
        onFatal,
        stats,
        label,
      );
    watches.push(
      resourceWatch(collectionPath(namespace, 'jobs'), { fieldSelector: `metadata.name=${name}` }, onJob, 'job'),
      resourceWatch(collectionPath(namespace, 'pods'), { labelSelector }, onPod, 'pods'),
      resourceWatch(
        collectionPath(namespace, 'events'),
        { fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name}` },
        onEvent,
        'events',
      ),
    );
    (async () => {
      for (const w of watches) await w.start();
      evaluate();
    })().catch(
      (error) =>
        void finish({
          error: error instanceof ActionError ? error : kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server),
        }),
    );
  });
}
