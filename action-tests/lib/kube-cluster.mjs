// A real Kubernetes control plane on 127.0.0.1 for migrate-job's action-tests and benchmark: etcd, kube-apiserver and
// kube-controller-manager (job, ttl-after-finished, garbage-collector and serviceaccount controllers), built
// from source by .ci/install-tools. So Job semantics (backoffLimit, activeDeadlineSeconds, the Complete/
// Failed conditions, TTL) are Kubernetes' own. There is no kubelet: `FakeNode` plays the node — it binds
// the Job's pods to a Node object, checks the pod's envFrom secrets/config maps exist as the kubelet does,
// reports image pull errors for images it is told are missing, runs a tiny scripted "program" (log lines,
// then an exit code), writes pod status through the API, and serves the container logs on a loopback
// HTTPS "kubelet" endpoint that the API server proxies `pods/log` to.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { REPO_ROOT } from './runner.mjs';

/** `<dir>/<binary>` of a tool installed by .ci/install-tools; throws (never skips) when it is missing. */
export function toolBinary(tool, binary = tool) {
  const dir = execFileSync('bash', [join(REPO_ROOT, '.ci/install-tools'), '--print-dir', tool], { encoding: 'utf8' }).trim();
  const path = join(dir, binary);
  if (!existsSync(path)) throw new Error(`${tool} is not installed (${path} is missing): run .ci/install-tools ${tool}`);
  return path;
}
/** A TCP port free on 127.0.0.1 right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
export const ADMIN_TOKEN = 'deploy-kit-admin-token-0123456789';
export const LIMITED_TOKEN = 'deploy-kit-limited-token-0123456789';
/**
 * A JWT-shaped id-token (exp 2100-01-01, unsigned) for kubeconfigs with a legacy `auth-provider: oidc`
 * user: an unexpired id-token is sent as it is (kube/oidc.ts), and the API server knows it as a static token.
 */
export const OIDC_ID_TOKEN =
  [
    { alg: 'none', typ: 'JWT' },
    { sub: 'oidc-admin', exp: 4102444800 },
  ]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.') + '.c2lnbmF0dXJl';
export class Cluster {
  dir;
  processes = new Map();
  logs = new Map();
  apiPort = 0;
  etcdPort = 0;
  peerPort = 0;
  /** Flags added to kube-apiserver's (e.g. --oidc-* for an OIDC issuer the test runs). */
  apiServerArgs = [];
  constructor(dir) {
    this.dir = dir;
  }
  get server() {
    return `https://127.0.0.1:${this.apiPort}`;
  }
  /**
   * A kubeconfig for `token` (admin by default), TLS verified against the API server's self-signed CA.
   * `user` replaces the token with another user block (YAML lines under `user:`, indented by the caller).
   */
  kubeconfig(token = ADMIN_TOKEN, namespace, { user, cluster = '' } = {}) {
    const ca = readFileSync(join(this.dir, 'certs/apiserver.crt')).toString('base64');
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: local\n  cluster:\n    server: ${this.server}\n    certificate-authority-data: ${ca}${cluster}`,
      'users:',
      `- name: user\n  user:\n${user ?? `    token: ${token}`}`,
      'contexts:',
      `- name: local\n  context:\n    cluster: local\n    user: user${namespace ? `\n    namespace: ${namespace}` : ''}`,
      'current-context: local',
      '',
    ].join('\n');
  }
  writeKubeconfig(name, token = ADMIN_TOKEN, namespace) {
    const path = join(this.dir, name);
    writeFileSync(path, this.kubeconfig(token, namespace));
    return path;
  }
  start(name, binary, args) {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.logs.set(name, '');
    const keep = (chunk) => {
      const text = (this.logs.get(name) ?? '') + chunk.toString();
      this.logs.set(name, text.length > 200_000 ? text.slice(-100_000) : text);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.processes.set(name, child);
    return child;
  }
  async startEtcd() {
    this.etcdPort ||= await freePort();
    this.peerPort ||= await freePort();
    const etcd = toolBinary('etcd');
    this.start('etcd', etcd, [
      '--name=default',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${this.etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${this.etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${this.peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${this.peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${this.peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor(
      'etcd',
      30_000,
      async () => (await plainGet(`http://127.0.0.1:${this.etcdPort}/health`)).includes('"health":"true"'),
      () => this.logs.get('etcd'),
    );
  }
  async startApiServer() {
    this.apiPort ||= await freePort();
    const bin = toolBinary('kube', 'kube-apiserver');
    this.start('kube-apiserver', bin, [
      `--etcd-servers=http://127.0.0.1:${this.etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${this.apiPort}`,
      `--cert-dir=${join(this.dir, 'certs')}`,
      `--token-auth-file=${join(this.dir, 'tokens.csv')}`,
      `--client-ca-file=${join(this.dir, 'client-ca.crt')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(this.dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(this.dir, 'sa.key')}`,
      // The Service IP range is only an allocation range for Service objects; nothing is ever sent there.
      '--service-cluster-ip-range=10.96.0.0/24',
      '--kubelet-preferred-address-types=InternalIP',
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=1',
      ...this.apiServerArgs,
    ]);
    await waitFor(
      'kube-apiserver',
      90_000,
      async () => (await this.api('GET', '/readyz')).status === 200,
      () => this.logs.get('kube-apiserver'),
    );
  }
  async startControllerManager() {
    const bin = toolBinary('kube', 'kube-controller-manager');
    const kubeconfig = this.writeKubeconfig('controller-manager.kubeconfig');
    this.start('kube-controller-manager', bin, [
      `--kubeconfig=${kubeconfig}`,
      '--controllers=job-controller,ttl-after-finished-controller,garbage-collector-controller,serviceaccount-controller',
      '--leader-elect=false',
      '--secure-port=0',
      '--use-service-account-credentials=false',
      '--concurrent-job-syncs=5',
      '--v=1',
    ]);
    // Ready when the serviceaccount controller has made the default namespace's `default` service account.
    await waitFor(
      'kube-controller-manager',
      60_000,
      async () => (await this.api('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
      () => this.logs.get('kube-controller-manager'),
    );
  }
  stopProcess(name, signal = 'SIGTERM') {
    const child = this.processes.get(name);
    this.processes.delete(name);
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
  async stop() {
    for (const name of ['kube-controller-manager', 'kube-apiserver', 'etcd']) await this.stopProcess(name);
    rmSync(this.dir, { recursive: true, force: true });
  }
  /** A JSON request to the API server (not through the code under test), admin token by default. */
  api(method, path, body, options = {}) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpsRequest(
        `${this.server}${path}`,
        {
          method,
          rejectUnauthorized: false,
          timeout: 15_000,
          headers: {
            Authorization: `Bearer ${options.token ?? ADMIN_TOKEN}`,
            Accept: 'application/json',
            ...(data ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': data.length } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* plain text (readyz) */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }
  async apiOk(method, path, body, contentType) {
    const response = await this.api(method, path, body, { contentType });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  }
  async createNamespace(name) {
    await this.apiOk('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await waitFor(
      `service account default in ${name}`,
      30_000,
      async () => (await this.api('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)).status === 200,
    );
  }
  async createSecret(namespace, name, data) {
    await this.apiOk('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      stringData: data,
    });
  }
  async getJob(namespace, name) {
    const response = await this.api('GET', `/apis/batch/v1/namespaces/${namespace}/jobs/${name}`);
    return response.status === 404 ? undefined : response.body;
  }
}
function plainGet(url) {
  return fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.text(),
    () => '',
  );
}
export async function waitFor(what, timeoutMs, check, detail) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${timeoutMs} ms${detail ? `\n${(detail() ?? '').slice(-4000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
/** etcd + kube-apiserver + kube-controller-manager in a temp dir; about 10–20 s to start. */
export async function startCluster(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mj-kube-'));
  const cluster = new Cluster(dir);
  cluster.apiServerArgs = options.apiServerArgs ?? [];
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(
    join(dir, 'tokens.csv'),
    `${ADMIN_TOKEN},admin,1,"system:masters"\n${LIMITED_TOKEN},ci-limited,2,"ci"\n${OIDC_ID_TOKEN},oidc-admin,3,"system:masters"\n`,
  );
  // A client CA and one admin client certificate (O=system:masters), for kubeconfigs that authenticate with a certificate.
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'client-ca.key',
    '-out',
    'client-ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=deploy-kit test client CA',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
    '-subj',
    '/O=system:masters/CN=cert-admin',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'client-ca.crt',
    '-CAkey',
    'client-ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
  );
  try {
    await cluster.startEtcd();
    await cluster.startApiServer();
    await cluster.startControllerManager();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  if (!existsSync(join(dir, 'certs/apiserver.crt'))) throw new Error('kube-apiserver wrote no self-signed certificate');
  return cluster;
}
export class FakeNode {
  cluster;
  namespace;
  options;
  name = 'fake-node';
  kubelet;
  kubeletPort = 0;
  pods = new Map();
  stopped = false;
  watchRequest;
  timers = new Set();
  /** Pods this node has handled, by name. */
  handled = [];
  /** GET pods/log requests the kubelet endpoint served. */
  logRequests = 0;
  constructor(cluster, namespace, options) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.options = options;
    // A second node (another namespace's) needs its own name: the API server reaches a node's
    // kubelet (pod logs) through the Node object's endpoint.
    if (options.nodeName) this.name = options.nodeName;
  }
  async start() {
    const key = readFileSync(join(this.cluster.dir, 'certs/apiserver.key'));
    const cert = readFileSync(join(this.cluster.dir, 'certs/apiserver.crt'));
    this.kubelet = createHttpsServer({ key, cert }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://x');
      const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
      const record = match ? this.pods.get(`${match[1]}/${match[2]}`) : undefined;
      if (!record) {
        res.writeHead(404).end('not found');
        return;
      }
      this.logRequests++;
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write(record.log);
      if (record.done || url.searchParams.get('follow') !== 'true') {
        res.end();
        return;
      }
      const listener = (chunk) => {
        if (chunk === null) {
          record.listeners.delete(listener);
          res.end();
        } else res.write(chunk);
      };
      record.listeners.add(listener);
      req.on('close', () => record.listeners.delete(listener));
    });
    this.kubeletPort = await new Promise((resolve) => this.kubelet.listen(0, '127.0.0.1', () => resolve(this.kubelet.address().port)));
    const existing = await this.cluster.api('GET', `/api/v1/nodes/${this.name}`);
    if (existing.status === 404) {
      await this.cluster.apiOk('POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: this.name, labels: { 'kubernetes.io/hostname': this.name } },
      });
    }
    await this.cluster.apiOk(
      'PATCH',
      `/api/v1/nodes/${this.name}/status`,
      {
        status: {
          addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
          daemonEndpoints: { kubeletEndpoint: { Port: this.kubeletPort } },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'fake node',
              lastHeartbeatTime: new Date().toISOString(),
              lastTransitionTime: new Date().toISOString(),
            },
          ],
          capacity: { cpu: '4', memory: '8Gi', pods: '110' },
          allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        },
      },
      'application/merge-patch+json',
    );
    this.watchPods();
  }
  watchPods(resourceVersion) {
    if (this.stopped) return;
    const query = `watch=1&allowWatchBookmarks=false${resourceVersion ? `&resourceVersion=${resourceVersion}` : ''}`;
    const req = httpsRequest(
      `${this.cluster.server}/api/v1/namespaces/${this.namespace}/pods?${query}`,
      { rejectUnauthorized: false, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } },
      (res) => {
        let buffer = '';
        let lastVersion = resourceVersion;
        res.on('data', (chunk) => {
          buffer += chunk.toString();
          let newline;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line);
            if (event.type === 'ERROR') {
              lastVersion = undefined;
              continue;
            }
            lastVersion = event.object?.metadata?.resourceVersion ?? lastVersion;
            void this.onPod(event.type, event.object).catch((error) => {
              if (!this.stopped) process.stderr.write(`fake node: ${error}\n`);
            });
          }
        });
        res.on('end', () => this.later(() => this.watchPods(lastVersion), 100));
        res.on('error', () => this.later(() => this.watchPods(lastVersion), 500));
      },
    );
    req.on('error', () => this.later(() => this.watchPods(resourceVersion), 500));
    req.end();
    this.watchRequest = req;
  }
  later(fn, ms) {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(timer);
  }
  /** Like the kubelet, status updates are retried while the API server is away (bounded: 60 s). */
  async patchStatus(pod, status) {
    const deadline = Date.now() + 60_000;
    while (!this.stopped) {
      try {
        const response = await this.cluster.api(
          'PATCH',
          `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`,
          { status },
          { contentType: 'application/merge-patch+json' },
        );
        if (response.status < 500) return;
      } catch {
        /* the API server is restarting */
      }
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  async onPod(type, pod) {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (type === 'DELETED') return;
    // A pod being deleted (the Job controller on a deadline, a Job deleted): the kubelet stops the container
    // and confirms the deletion.
    if (pod.metadata.deletionTimestamp) {
      const record = this.pods.get(key);
      if (record && !record.done) this.finish(record, '[fake kubelet] container stopped\n');
      if (pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded') {
        await this.patchStatus(pod, {
          phase: 'Failed',
          containerStatuses: [
            {
              name: pod.spec.containers[0].name,
              ready: false,
              restartCount: 0,
              image: pod.spec.containers[0].image,
              imageID: '',
              state: {
                terminated: { exitCode: 137, reason: 'Error', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString() },
              },
            },
          ],
        });
      }
      await this.cluster
        .api('DELETE', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          gracePeriodSeconds: 0,
        })
        .catch(() => undefined);
      return;
    }
    if (this.pods.has(key) || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    if (pod.spec.nodeName && pod.spec.nodeName !== this.name) return;
    const record = { namespace: pod.metadata.namespace, name: pod.metadata.name, log: '', done: false, listeners: new Set() };
    this.pods.set(key, record);
    this.handled.push(pod.metadata.name);
    const container = pod.spec.containers[0];
    const now = () => new Date().toISOString();
    if (this.options.unschedulable) {
      await this.patchStatus(pod, {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/1 nodes are available: 1 Insufficient memory.',
            lastTransitionTime: now(),
          },
        ],
      });
      return;
    }
    if (!pod.spec.nodeName) {
      await this.cluster.apiOk('POST', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: pod.metadata.name },
        target: { apiVersion: 'v1', kind: 'Node', name: this.name },
      });
    }
    const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: now() };
    const base = { name: container.name, ready: false, restartCount: 0, image: container.image, imageID: '' };
    if (this.options.missingImages?.(container.image)) {
      await this.patchStatus(pod, {
        phase: 'Pending',
        conditions: [scheduled],
        containerStatuses: [
          {
            ...base,
            state: {
              waiting: {
                reason: 'ErrImagePull',
                message: `rpc error: code = NotFound desc = failed to pull and unpack image "${container.image}": not found`,
              },
            },
          },
        ],
      });
      this.later(
        () =>
          void this.patchStatus(pod, {
            containerStatuses: [
              { ...base, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` } } },
            ],
          }),
        300,
      );
      return;
    }
    // As the kubelet: every envFrom source must exist (unless optional) before the container is created.
    for (const source of container.envFrom ?? []) {
      const ref = source.secretRef ?? source.configMapRef;
      if (!ref || ref.optional) continue;
      const kind = source.secretRef ? 'secrets' : 'configmaps';
      const found = await this.cluster.api('GET', `/api/v1/namespaces/${pod.metadata.namespace}/${kind}/${ref.name}`);
      if (found.status === 404) {
        await this.patchStatus(pod, {
          phase: 'Pending',
          conditions: [scheduled],
          containerStatuses: [
            {
              ...base,
              state: {
                waiting: {
                  reason: 'CreateContainerConfigError',
                  message: `${source.secretRef ? 'secret' : 'configmap'} "${ref.name}" not found`,
                },
              },
            },
          ],
        });
        return;
      }
    }
    const program = this.options.program([...(container.command ?? []), ...(container.args ?? [])]);
    const startedAt = now();
    await this.patchStatus(pod, {
      phase: 'Running',
      startTime: startedAt,
      conditions: [scheduled, { type: 'Ready', status: 'True', lastTransitionTime: startedAt }],
      containerStatuses: [{ ...base, ready: true, started: true, state: { running: { startedAt } } }],
    });
    let delay = 0;
    for (const line of program.lines) {
      delay += program.lineDelayMs ?? 50;
      this.later(() => this.emit(record, `${line}\n`), delay);
    }
    delay += (program.runMs ?? 0) + 50;
    this.later(() => {
      if (record.done) return;
      this.finish(record);
      const finishedAt = now();
      const terminated = { exitCode: program.exitCode, reason: program.exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt };
      void this.patchStatus(pod, {
        phase: program.exitCode === 0 ? 'Succeeded' : 'Failed',
        conditions: [scheduled, { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: finishedAt }],
        containerStatuses: [{ ...base, state: { terminated } }],
      });
    }, delay);
  }
  emit(record, chunk) {
    if (record.done) return;
    record.log += chunk;
    for (const listener of record.listeners) listener(chunk);
  }
  finish(record, last) {
    if (last) this.emit(record, last);
    record.done = true;
    for (const listener of [...record.listeners]) listener(null);
  }
  async stop() {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.watchRequest?.destroy();
    for (const record of this.pods.values()) this.finish(record);
    await new Promise((resolve) => (this.kubelet ? this.kubelet.close(() => resolve()) : resolve()));
    this.kubelet?.closeAllConnections?.();
  }
}
