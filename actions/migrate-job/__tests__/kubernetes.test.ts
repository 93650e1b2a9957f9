import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { ActionError, readInputs } from '@deploy-kit/core';
import { runKubernetesJob, type KubernetesDeps } from '../src/backends/kubernetes.js';
import type { BackendContext } from '../src/backends/types.js';
import { configFrom } from '../src/config.js';
import { KubeApiError, type KubeApi, type WatchEvent } from '../src/kube/kubeapi.js';
import { inputs } from '../src/io.js';
import type { Values } from '../src/plan.js';

const IMAGE = `r.io/app@sha256:${'c'.repeat(64)}`;
const NS = 'apps';

/**
 * The API server as far as the backend sees it: Jobs, pods and events in memory, watches that get
 * every change, a pod log. `onCreate` plays the Job controller and the kubelet.
 */
class FakeCluster {
  jobs = new Map<string, any>();
  pods: any[] = [];
  calls: string[] = [];
  private watchers: { path: string; onEvent: (e: WatchEvent) => void }[] = [];
  onCreate: (job: any) => void = () => undefined;
  logLines = ['1/u create_users', 'migrate: done'];
  refuse?: { verb: string; status: number };

  emit(kind: 'jobs' | 'pods', type: string, object: any): void {
    for (const w of this.watchers) if (w.path.endsWith(`/${kind}`)) w.onEvent({ type, object });
  }

  api(): KubeApi {
    const cluster = this;
    return {
      async request(method: string, path: string, options: { body?: any } = {}) {
        cluster.calls.push(`${method} ${path}`);
        if (cluster.refuse && method === cluster.refuse.verb)
          throw new KubeApiError(cluster.refuse.status, '{"message":"refused"}', {}, `${method} ${path}`);
        const job = /\/jobs\/([^/]+)$/.exec(path)?.[1];
        if (method === 'GET' && job) {
          if (!cluster.jobs.has(job)) throw new KubeApiError(404, '{"message":"not found"}', {}, path);
          return cluster.jobs.get(job);
        }
        if (method === 'DELETE' && job) {
          cluster.jobs.delete(job);
          return {};
        }
        if (method === 'POST' && path.endsWith('/jobs')) {
          const created = { ...options.body, metadata: { ...options.body.metadata, resourceVersion: '2' }, status: {} };
          cluster.jobs.set(created.metadata.name, created);
          setImmediate(() => cluster.onCreate(created));
          return created;
        }
        if (method === 'GET' && path.endsWith('/jobs')) return { items: [...cluster.jobs.values()], metadata: { resourceVersion: '1' } };
        if (method === 'GET' && path.endsWith('/pods')) return { items: cluster.pods, metadata: { resourceVersion: '1' } };
        if (method === 'GET' && path.endsWith('/events')) return { items: [], metadata: { resourceVersion: '1' } };
        if (method === 'GET' && /\/secrets\//.test(path)) return { metadata: {} };
        throw new Error(`unexpected ${method} ${path}`);
      },
      async watch(path: string, _query: unknown, onEvent: (e: WatchEvent) => void) {
        const entry = { path, onEvent };
        cluster.watchers.push(entry);
        const controller = new AbortController();
        controller.signal.addEventListener('abort', () => (cluster.watchers = cluster.watchers.filter((w) => w !== entry)));
        return controller;
      },
      async log(_ns: string, _pod: string, _container: string, out: Writable) {
        for (const line of cluster.logLines) out.write(`${line}\n`);
        out.end();
        return new AbortController();
      },
    } as unknown as KubeApi;
  }

  /** The Job controller and kubelet: a pod that runs to `exitCode`, then the Job's condition. */
  completeWith(exitCode: number) {
    this.onCreate = (job) => {
      const name = job.metadata.name;
      const pod = {
        metadata: { name: `${name}-x1`, labels: { 'batch.kubernetes.io/job-name': name }, resourceVersion: '3' },
        status: {
          phase: exitCode === 0 ? 'Succeeded' : 'Failed',
          containerStatuses: [{ name: 'migrate', state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } } }],
        },
      };
      this.pods.push(pod);
      this.emit('pods', 'ADDED', pod);
      const condition =
        exitCode === 0 ? { type: 'Complete', status: 'True' } : { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' };
      const done = { ...job, metadata: { ...job.metadata, resourceVersion: '4' }, status: { conditions: [condition] } };
      this.jobs.set(name, done);
      this.emit('jobs', 'MODIFIED', done);
    };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mj-kube-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function context(raw: Record<string, string> = {}, signal = new AbortController().signal): Promise<BackendContext> {
  const values = (await readInputs(
    inputs,
    (name) =>
      ({ image: IMAGE, tag: 'v1.0.0', release: 'orders', namespace: NS, command: '/app/migrate', 'env-from-secret': 'orders-db', ...raw })[
        name
      ] ?? '',
  )) as Values;
  const config = configFrom(
    values,
    { repository: 'o/orders', refType: 'tag', refName: 'v1.0.0' },
    { RUNNER_TEMP: dir, GITHUB_WORKSPACE: dir },
    Date.now(),
    () => undefined,
  );
  return {
    plan: config.plan,
    values,
    files: config.files,
    image: IMAGE,
    step: { at: Date.now() + 20_000, signal: AbortSignal.timeout(20_000) },
    signal,
  };
}

const deps = (cluster: FakeCluster): KubernetesDeps => ({
  connect: async (selection) => ({
    api: cluster.api(),
    server: 'https://k8s.test',
    namespace: selection.namespace || 'default',
    context: 'test',
    auth: 'token',
  }),
});

describe('runKubernetesJob against a fake API', () => {
  test('creates the Job, follows it to Complete, streams the log into the log file', async () => {
    const cluster = new FakeCluster();
    cluster.completeWith(0);
    const result = await runKubernetesJob(await context(), deps(cluster));
    expect(result).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      jobName: 'orders-migrate-v1-0-0',
      detail: 'Job orders-migrate-v1-0-0 completed',
    });
    expect(cluster.calls).toContain(`POST /apis/batch/v1/namespaces/${NS}/jobs`);
    expect(cluster.calls).toContain(`GET /api/v1/namespaces/${NS}/secrets/orders-db`);
    expect(readFileSync(result.logFile!, 'utf8')).toBe('1/u create_users\nmigrate: done\n');
    expect(result.rows).toEqual([
      ['namespace', NS],
      ['pod', 'orders-migrate-v1-0-0-x1'],
    ]);
    const job = cluster.jobs.get('orders-migrate-v1-0-0');
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: IMAGE, command: ['/app/migrate'] });
  });

  test('a failing migration: its exit code, and what to do next', async () => {
    const cluster = new FakeCluster();
    cluster.completeWith(3);
    cluster.logLines = ['error: duplicate column'];
    const result = await runKubernetesJob(await context({ tag: 'v1.0.1' }), deps(cluster));
    expect(result).toMatchObject({ status: 'failed', exitCode: 3, detail: 'the migration container failed: exit code 3, reason Error' });
    expect(result.check?.join('\n')).toContain('rerun-failed: true');
    expect(result.tail).toEqual(['error: duplicate column']);
  });

  test('a Job that already completed with this image is not run again; cleanup: on-success deletes it after a run', async () => {
    const cluster = new FakeCluster();
    cluster.completeWith(0);
    await runKubernetesJob(await context({ tag: 'v1.0.2' }), deps(cluster));
    const posts = cluster.calls.filter((c) => c.startsWith('POST')).length;
    const again = await runKubernetesJob(await context({ tag: 'v1.0.2' }), deps(cluster));
    expect(again).toMatchObject({ status: 'already-complete', exitCode: 0 });
    expect(cluster.calls.filter((c) => c.startsWith('POST'))).toHaveLength(posts);

    const cleaned = new FakeCluster();
    cleaned.completeWith(0);
    await runKubernetesJob(await context({ tag: 'v1.0.3', cleanup: 'on-success' }), deps(cleaned));
    expect(cleaned.calls).toContain(`DELETE /apis/batch/v1/namespaces/${NS}/jobs/orders-migrate-v1-0-3`);
    expect(cleaned.jobs.size).toBe(0);
  });

  test('a Job of the same name with another image is refused: nothing is created', async () => {
    const cluster = new FakeCluster();
    cluster.jobs.set('orders-migrate-v1-0-4', {
      metadata: {
        name: 'orders-migrate-v1-0-4',
        annotations: {
          'deploy-kit/release': 'orders',
          'deploy-kit/tag': 'v1.0.4',
          'deploy-kit/image': 'r.io/app@sha256:' + 'd'.repeat(64),
        },
      },
      spec: { template: { spec: { containers: [{ name: 'migrate', image: 'r.io/app@sha256:' + 'd'.repeat(64) }] } } },
      status: {},
    });
    const error = (await runKubernetesJob(await context({ tag: 'v1.0.4' }), deps(cluster)).catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(
      /^Migration not run: Job apps\/orders-migrate-v1-0-4 already exists for release "orders" tag "v1.0.4" with image/,
    );
    expect(cluster.calls.some((c) => c.startsWith('POST'))).toBe(false);
  });

  test('dry run: the Job is printed, nothing created; a cancelled run creates nothing', async () => {
    const cluster = new FakeCluster();
    const planned = await runKubernetesJob(await context({ tag: 'v1.0.5', 'dry-run': 'true' }), deps(cluster));
    expect(planned).toMatchObject({ status: 'planned', detail: `would create this Job in ${NS} and watch it` });
    const cancel = new AbortController();
    cancel.abort('SIGINT');
    const cancelled = await runKubernetesJob(await context({ tag: 'v1.0.5' }, cancel.signal), deps(cluster));
    expect(cancelled.status).toBe('cancelled');
    expect(cluster.calls.some((c) => c.startsWith('POST'))).toBe(false);
  });

  test('cancelled while the Job runs: the Job is left running and the step says how to follow it', async () => {
    const cluster = new FakeCluster();
    const cancel = new AbortController();
    cluster.onCreate = () => cancel.abort('SIGINT');
    const result = await runKubernetesJob(await context({ tag: 'v1.0.6' }, cancel.signal), deps(cluster));
    expect(result.status).toBe('cancelled');
    expect(result.detail).toBe(
      `the workflow run was cancelled; the Job ${NS}/orders-migrate-v1-0-6 was left running (a migration must not be stopped half-way)`,
    );
    expect(cluster.jobs.has('orders-migrate-v1-0-6')).toBe(true);
  });

  test('RBAC refuses the create: the verb and resource are named', async () => {
    const cluster = new FakeCluster();
    cluster.refuse = { verb: 'POST', status: 403 };
    await expect(runKubernetesJob(await context({ tag: 'v1.0.7' }), deps(cluster))).rejects.toThrow(
      `Not allowed to create jobs in namespace ${NS} (403 Forbidden)`,
    );
  });
});
