// migrate-job `backend: kubernetes`, run from the bundle against a real control plane on 127.0.0.1 (etcd,
// kube-apiserver, kube-controller-manager built from the Kubernetes sources by .ci/install-tools). The Job
// controller decides Complete/Failed/DeadlineExceeded; the test's FakeNode plays the kubelet (see
// kube-cluster.ts). Covers: success with streamed logs, idempotent re-runs, failures with exit codes, the
// fail-fast cases, the deadline, our own timeout (the Job is left running), RBAC, unreachable/missing
// kubeconfig, a secret only the kubelet can find missing (CreateContainerConfigError), a name collision, an API server restart mid-run (the watch resumes; no second Job), 500/503
// answers on the Job GET and the watches mid-run (a TLS proxy in front of kube-apiserver injects them:
// startKubeFaultProxy in migrate-job-support.ts), a cancelled run (SIGINT: the Job is left running), and each way a
// kubeconfig authenticates (exec plugins, client certificates, token files, a legacy auth-provider, proxy-url).
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectFailure, expectSuccess, runAction, type RunActionOptions, type RunResult } from './harness.js';
import { ADMIN_TOKEN, Cluster, FakeNode, LIMITED_TOKEN, OIDC_ID_TOKEN, startCluster, waitFor, type Program } from './lib/kube-cluster.mjs';
import { freePort, startKubeFaultProxy, startSilentServer } from './migrate-job-support.js';
import { startForwardProxy } from './lib/forward-proxy.mjs';

jest.setTimeout(60_000);

const ACTION = 'migrate-job';
const NS = 'apps';
const DIGEST = `sha256:${'2'.repeat(64)}`;
const IMAGE = `127.0.0.1:5000/ms_orders@${DIGEST}`;
const MISSING_IMAGE = `127.0.0.1:5000/does-not-exist@${DIGEST}`;

/** Log lines that would be workflow commands if the runner read them as ours. */
const HOSTILE = [
  '::add-mask::x',
  '::error::fake',
  '::stop-commands::t',
  'progress\r::warning::injected',
  '##[error]v1 form',
  '  ::notice::indented',
  'migrate: done',
];

/** The fake migration binary: `/app/migrate <scenario> [n]`. */
function program(argv: string[]): Program {
  const [, scenario = 'up', n] = argv;
  switch (scenario) {
    case 'up':
      return { lines: ['migrate: connecting to postgres', '1/u create_users (12ms)', '2/u add_name (4ms)', 'migrate: done'], exitCode: 0 };
    case 'fail':
      return { lines: ['1/u add_column (3ms)', 'error: duplicate column name "email"'], exitCode: Number(n ?? 3) };
    case 'slow':
      return { lines: Array.from({ length: Number(n ?? 10) }, (_, i) => `step ${i + 1}`), lineDelayMs: 500, exitCode: 0 };
    case 'slow-fail':
      return {
        lines: [...Array.from({ length: Number(n ?? 8) }, (_, i) => `step ${i + 1}`), 'error: duplicate column name "email"'],
        lineDelayMs: 500,
        exitCode: 4,
      };
    case 'hang':
      return { lines: ['waiting for the migration lock'], exitCode: 0, runMs: 600_000 };
    case 'hostile':
      return { lines: HOSTILE, exitCode: 0 };
    default:
      return { lines: [`unknown scenario ${scenario}`], exitCode: 2 };
  }
}

let cluster: Cluster;
let node: FakeNode;
let kubeconfig: string;
let counter = 0;
let workspace: string;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createNamespace(NS);
  await cluster.createSecret(NS, 'orders-db', { DATABASE_URL: 'postgres://orders@db/orders' });
  node = new FakeNode(cluster, NS, { program, missingImages: (image) => image.includes('does-not-exist') });
  await node.start();
  kubeconfig = cluster.writeKubeconfig('admin.kubeconfig', ADMIN_TOKEN, NS);
  workspace = mkdtempSync(join(tmpdir(), 'mj-kws-'));
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await cluster?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
}, 60_000);

/** A fresh tag per test, so each test has its own Job. */
const nextTag = () => `v1.0.${++counter}`;
const run = (inputs: Record<string, string>, options: Partial<RunActionOptions> = {}): Promise<RunResult> =>
  runAction(ACTION, {
    timeoutMs: 45_000,
    cwd: workspace,
    ...options,
    inputs: { backend: 'kubernetes', release: 'orders', image: IMAGE, command: '/app/migrate', 'env-from-secret': 'orders-db', ...inputs },
    // options.env adds to (or unsets from) the admin kubeconfig, never replaces it wholesale.
    env: { KUBECONFIG: kubeconfig, ...(options.env ?? {}) },
  });
const jobName = (tag: string) => `orders-migrate-${tag.replace(/\./g, '-')}`;
const podsOf = async (name: string) =>
  (await cluster.apiOk('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=batch.kubernetes.io/job-name=${name}`)).items as any[];

describe('a migration that succeeds', () => {
  const tag = nextTag();
  let first: RunResult;
  beforeAll(async () => {
    first = await run({ tag, args: 'up', 'log-file': 'migration.log', resources: '{requests: {cpu: 50m, memory: 64Mi}}' });
  }, 60_000);

  test('creates the Job as specified, waits for Complete, streams the log and keeps it in log-file', async () => {
    expectSuccess(first);
    expect(first.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0', 'job-name': jobName(tag) });
    expect(first.log).toContain('2/u add_name (4ms)');
    expect(first.log).toContain(`Created Job ${NS}/${jobName(tag)}`);
    expect(readFileSync(first.outputs['log-file'], 'utf8')).toBe(
      'migrate: connecting to postgres\n1/u create_users (12ms)\n2/u add_name (4ms)\nmigrate: done\n',
    );
    // The step ends on SuccessCriteriaMet; the Job controller adds Complete a few ms later.
    const isComplete = (j: any) => (j?.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');
    await waitFor(`Job ${jobName(tag)} Complete`, 10_000, async () => isComplete(await cluster.getJob(NS, jobName(tag))));
    const job = await cluster.getJob(NS, jobName(tag));
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 86400 });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      image: IMAGE,
      command: ['/app/migrate'],
      args: ['up'],
      envFrom: [{ secretRef: { name: 'orders-db' } }],
      resources: { requests: { cpu: '50m', memory: '64Mi' } },
    });
    expect(job.metadata.annotations).toMatchObject({ 'deploy-kit/release': 'orders', 'deploy-kit/tag': tag, 'deploy-kit/image': IMAGE });
    expect(job.status.conditions.some((c: any) => c.type === 'SuccessCriteriaMet' && c.status === 'True')).toBe(true);
    expect(isComplete(job)).toBe(true);
  });

  test('a re-run finds the completed Job and does not run the migration again', async () => {
    const handled = node.handled.length;
    const again = await run({ tag, args: 'up' });
    expectSuccess(again);
    expect(again.outputs).toMatchObject({ status: 'already-complete', 'exit-code': '0' });
    expect(again.log).toContain('not run again');
    expect(node.handled.length).toBe(handled);
    expect(await podsOf(jobName(tag))).toHaveLength(1);
  });

  test('the same tag with another image is refused (a re-pushed tag)', async () => {
    const other = await run({ tag, args: 'up', image: `127.0.0.1:5000/ms_orders@sha256:${'3'.repeat(64)}` });
    expectFailure(other, 'Migration not run');
    expectFailure(other, `not 127.0.0.1:5000/ms_orders@sha256:${'3'.repeat(64)}`);
  });
});

describe('a migration that fails', () => {
  const tag = nextTag();
  test('exit code and reason surfaced at once; a re-run refuses; rerun-failed deletes and runs it again', async () => {
    const started = Date.now();
    const failed = await run({ tag, args: 'fail 3' });
    expectFailure(failed, 'the migration container failed: exit code 3, reason Error');
    expect(failed.outputs).toMatchObject({ status: 'failed', 'exit-code': '3' });
    expect(failed.summary).toContain('error: duplicate column name');
    expect(Date.now() - started).toBeLessThan(20_000);

    const refused = await run({ tag, args: 'fail 3' });
    expectFailure(refused, 'already ran with this image and failed');
    expectFailure(refused, 'rerun-failed: true');
    expect(await podsOf(jobName(tag))).toHaveLength(1);

    // The fix is deployed as the same tag's migration args here; rerun-failed replaces the failed Job.
    const rerun = await run({ tag, args: 'fail 3', 'rerun-failed': 'true' });
    expectFailure(rerun, 'exit code 3');
    expect(rerun.log).toContain('rerun-failed is true, so it is deleted and created again');
    const pods = await podsOf(jobName(tag));
    expect(pods).toHaveLength(1);
  }, 60_000);
});

describe('fail fast', () => {
  test('ImagePullBackOff / ErrImagePull', async () => {
    const started = Date.now();
    const result = await run({ tag: nextTag(), image: MISSING_IMAGE });
    expectFailure(result, 'the image cannot be pulled (ErrImagePull');
    expect(result.outputs.status).toBe('failed');
    expect(result.outputs['exit-code']).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('a missing secret is named before anything is created', async () => {
    const tag = nextTag();
    const result = await run({ tag, 'env-from-secret': 'orders-db-missing' });
    expectFailure(result, 'secret "orders-db-missing" does not exist in namespace apps');
    expect(await cluster.getJob(NS, jobName(tag))).toBeUndefined();
  });

  test('a missing service account (the Job controller cannot create the pod)', async () => {
    const result = await run({ tag: nextTag(), 'service-account': 'no-such-sa' });
    expectFailure(result, 'Kubernetes could not create the migration pod');
    expectFailure(result, 'serviceaccount "no-such-sa" not found');
  });

  test('Unschedulable', async () => {
    node.options = { ...node.options, unschedulable: true };
    try {
      const result = await run({ tag: nextTag() });
      expectFailure(result, 'no node can run the migration pod (Unschedulable: 0/1 nodes are available: 1 Insufficient memory.)');
    } finally {
      node.options = { ...node.options, unschedulable: false };
    }
  });

  test('the deadline: Kubernetes stops the Job (DeadlineExceeded) and the step fails with it', async () => {
    const tag = nextTag();
    const result = await run({ tag, args: 'hang', timeout: '3s' });
    expectFailure(result, 'the migration ran longer than its deadline (timeout 3s, activeDeadlineSeconds 3) and Kubernetes stopped it');
    expect(result.log).toContain('waiting for the migration lock');
    // The step returned on FailureTarget; the Job controller sets Failed once the (fake) kubelet has stopped the pod.
    await waitFor('Failed/DeadlineExceeded', 15_000, async () =>
      ((await cluster.getJob(NS, jobName(tag)))?.status?.conditions ?? []).some(
        (c: any) => c.type === 'Failed' && c.reason === 'DeadlineExceeded',
      ),
    );
  });
});

test('our own timeout fails the step but never deletes the running Job (attached to a Job without a deadline)', async () => {
  const tag = nextTag();
  const name = jobName(tag);
  // A Job of this release that is already running (an earlier run that was cancelled), without activeDeadlineSeconds.
  await cluster.apiOk('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, annotations: { 'deploy-kit/release': 'orders', 'deploy-kit/tag': tag, 'deploy-kit/image': IMAGE } },
    spec: {
      backoffLimit: 0,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: IMAGE, command: ['/app/migrate', 'hang'] }] } },
    },
  });
  const result = await run({ tag, args: 'hang', timeout: '2s' });
  expectFailure(result, 'Migration timed out');
  expect(result.outputs.status).toBe('timed-out');
  expect(result.log).toContain('is already running with this image; following it instead of starting another');
  expect(result.errors.join('\n')).toContain(`kubectl -n ${NS} logs -f job/${name}`);
  const job = await cluster.getJob(NS, name);
  expect(job).toBeDefined();
  expect(job.metadata.deletionTimestamp).toBeUndefined();
  expect(job.status.active).toBe(1);
  expect(await podsOf(name)).toHaveLength(1);
}, 30_000);

test('a Job of another release under the same name is refused', async () => {
  const tag = nextTag();
  await cluster.apiOk('POST', `/apis/batch/v1/namespaces/${NS}/jobs`, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(tag), annotations: { 'deploy-kit/release': 'orders-legacy' } },
    spec: {
      backoffLimit: 0,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: IMAGE, command: ['/app/migrate', 'up'] }] } },
    },
  });
  const result = await run({ tag });
  expectFailure(result, 'does not belong to release "orders" (it belongs to release "orders-legacy")');
});

describe('access', () => {
  test('RBAC: a 403 names the verb and the resource', async () => {
    const limited = cluster.writeKubeconfig('limited.kubeconfig', LIMITED_TOKEN, NS);
    const result = await run({ tag: nextTag() }, { env: { KUBECONFIG: limited } });
    expectFailure(result, 'Not allowed to get jobs/');
    expectFailure(result, 'User "ci-limited" cannot get resource "jobs" in API group "batch" in the namespace "apps"');
  });

  test('a token that may run Jobs but not read secrets: the kubelet reports the missing secret (CreateContainerConfigError), named, at once', async () => {
    // The pre-check cannot read secrets (403), so the Job is created and the node's kubelet finds the
    // secret missing when it starts the container: the failure must come from the pod's waiting state.
    const ns = 'apps-no-secrets';
    await cluster.createNamespace(ns);
    const rules = [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      { apiGroups: [''], resources: ['pods', 'events', 'serviceaccounts', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
    ];
    await cluster.apiOk('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'migrator' },
      rules,
    });
    await cluster.apiOk('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'migrator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'migrator' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ci-limited' }],
    });
    const kubelet = new FakeNode(cluster, ns, { program, nodeName: 'fake-node-2' });
    await kubelet.start();
    try {
      const limited = cluster.writeKubeconfig('no-secrets.kubeconfig', LIMITED_TOKEN, ns);
      const tag = nextTag();
      const started = Date.now();
      const result = await run({ tag, args: 'up', 'env-from-secret': 'payments-db' }, { env: { KUBECONFIG: limited } });
      expectFailure(result, 'secret "payments-db" is missing');
      expect(result.errors.join('\n')).toContain('CreateContainerConfigError');
      expect(result.outputs.status).toBe('failed');
      expect(Date.now() - started).toBeLessThan(30_000); // fails fast, not at the Job's deadline
      expect(kubelet.handled.some((pod) => pod.startsWith(jobName(tag)))).toBe(true);
    } finally {
      await kubelet.stop();
    }
  });

  test('an unreachable API server', async () => {
    const port = await freePort();
    const path = join(cluster.dir, 'unreachable.kubeconfig');
    writeFileSync(path, cluster.kubeconfig().replace(cluster.server, `https://127.0.0.1:${port}`));
    const result = await run({ tag: nextTag() }, { env: { KUBECONFIG: path } });
    expectFailure(result, `Cannot reach the Kubernetes API server at https://127.0.0.1:${port}`);
  });

  test.each([
    [{ KUBECONFIG: '/nonexistent/kubeconfig' }, {}, 'KUBECONFIG names /nonexistent/kubeconfig, which does not exist'],
    [{}, { kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: [' }, 'Cannot use the kubeconfig input'],
    [{}, { context: 'prod' }, 'The kubeconfig has no context "prod"'],
    [
      { KUBECONFIG: undefined, HOME: '/nonexistent-home' },
      { kubeconfig: '' },
      'no kubeconfig was given: the `kubeconfig` input is empty (a secret that is not set?)',
    ],
  ])('kubeconfig problems %j %j', async (env, inputs, message) => {
    const result = await run({ tag: nextTag(), ...inputs }, { env });
    expectFailure(result, message);
  });

  test('an API server that accepts and never answers: the step ends at its timeout, naming the server', async () => {
    const silent = await startSilentServer();
    try {
      const path = join(cluster.dir, 'silent.kubeconfig');
      writeFileSync(path, cluster.kubeconfig().replace(cluster.server, silent.url));
      const result = await run({ tag: nextTag(), timeout: '3s' }, { env: { KUBECONFIG: path }, timeoutMs: 40_000 });
      // timeout 3s plus the 5 s grace a Job's own verdict gets: the step ends within about 8 s.
      expectFailure(result, `No answer from the Kubernetes API server at ${silent.url} to get jobs/`);
      expectFailure(result, "before the step's timeout ran out");
      expect(result.durationMs).toBeLessThan(20_000);
      expect(silent.connections()).toBeGreaterThan(0);
    } finally {
      await silent.close();
    }
  });

  test('the token in an inline kubeconfig never shows in the output', async () => {
    const result = await run(
      { tag: nextTag(), args: 'up', kubeconfig: cluster.kubeconfig(ADMIN_TOKEN, NS) },
      { env: { KUBECONFIG: undefined }, secrets: [ADMIN_TOKEN] },
    );
    expectSuccess(result);
  });
});

describe('how the kubeconfig authenticates (each against the real API server)', () => {
  /** Writes a kubeconfig whose user block is `user` (and extra cluster lines), next to the cluster's files. */
  const kubeconfigWith = (name: string, user: string, cluster_ = '') => {
    const path = join(cluster.dir, name);
    writeFileSync(path, cluster.kubeconfig(ADMIN_TOKEN, NS, { user, cluster: cluster_ }));
    return path;
  };
  /** An exec credential plugin: a script next to the kubeconfig that counts its runs and prints `status`. */
  const execPlugin = (name: string, apiVersion: string, status: object) => {
    const script = join(cluster.dir, name);
    writeFileSync(`${script}.runs`, '');
    writeFileSync(
      script,
      `#!/bin/sh\necho run >> '${script}.runs'\ncat <<'EOF'\n${JSON.stringify({ apiVersion, kind: 'ExecCredential', status })}\nEOF\n`,
    );
    chmodSync(script, 0o755);
    return { runs: () => readFileSync(`${script}.runs`, 'utf8').split('\n').filter(Boolean).length };
  };
  const runWith = async (path: string, method: string, secrets: string[] = [ADMIN_TOKEN]) => {
    const tag = nextTag();
    const result = await run({ tag, args: 'up' }, { env: { KUBECONFIG: path }, secrets });
    expectSuccess(result);
    expect(result.outputs.status).toBe('succeeded');
    expect(result.log).toContain(`Kubernetes: context local (${method})`);
    expect(result.log).toContain('migrate: done');
    return result;
  };

  test('an exec plugin (client.authentication.k8s.io/v1beta1, relative command): run once for the whole step, its token masked', async () => {
    const plugin = execPlugin('token-plugin.sh', 'client.authentication.k8s.io/v1beta1', {
      token: ADMIN_TOKEN,
      expirationTimestamp: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const path = kubeconfigWith(
      'exec.kubeconfig',
      '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ./token-plugin.sh\n      interactiveMode: Never',
    );
    await runWith(path, 'exec plugin token-plugin.sh');
    expect(plugin.runs()).toBe(1);
  });

  test("an exec plugin gets the environment, as kubectl gives it (AWS_* and the like), but never the action's inputs or the runner's tokens", async () => {
    const script = join(cluster.dir, 'env-plugin.sh');
    const seen = join(cluster.dir, 'env-plugin.env');
    writeFileSync(
      script,
      `#!/bin/sh\nenv > '${seen}'\ncat <<'EOF'\n${JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ADMIN_TOKEN } })}\nEOF\n`,
    );
    chmodSync(script, 0o755);
    const path = kubeconfigWith(
      'exec-env.kubeconfig',
      `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${script}\n      interactiveMode: Never\n      env:\n        - name: FROM_KUBECONFIG\n          value: yes`,
    );
    const result = await run(
      { tag: nextTag(), args: 'up', kubeconfig: path },
      {
        env: {
          KUBECONFIG: undefined,
          AWS_PROFILE: 'ci',
          AWS_REGION: 'eu-west-1',
          ACTIONS_RUNTIME_TOKEN: 'runtime-token-5d1e',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-77aa',
          GITHUB_TOKEN: 'ghs_step_token_3b9f',
        },
        secrets: [ADMIN_TOKEN],
      },
    );
    expectSuccess(result);
    const names = readFileSync(seen, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=')[0]);
    expect(names).toEqual(expect.arrayContaining(['AWS_PROFILE', 'AWS_REGION', 'KUBERNETES_EXEC_INFO', 'FROM_KUBECONFIG', 'PATH', 'HOME']));
    expect(names.filter((name) => /^(INPUT_|STATE_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_ID_TOKEN_REQUEST_|GITHUB_TOKEN$)/.test(name))).toEqual(
      [],
    );
  });

  test('an exec plugin that answers with a client certificate (v1)', async () => {
    const cert = readFileSync(join(cluster.dir, 'client.crt'), 'utf8');
    const key = readFileSync(join(cluster.dir, 'client.key'), 'utf8');
    const plugin = execPlugin('cert-plugin.sh', 'client.authentication.k8s.io/v1', { clientCertificateData: cert, clientKeyData: key });
    const path = kubeconfigWith(
      'exec-cert.kubeconfig',
      `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${join(cluster.dir, 'cert-plugin.sh')}\n      provideClusterInfo: true`,
    );
    await runWith(path, 'exec plugin cert-plugin.sh', [key]);
    expect(plugin.runs()).toBe(1);
  });

  test('a client certificate and key from files (paths relative to the kubeconfig)', async () => {
    const path = kubeconfigWith('cert.kubeconfig', '    client-certificate: client.crt\n    client-key: client.key');
    await runWith(path, 'client certificate', [readFileSync(join(cluster.dir, 'client.key'), 'utf8')]);
  });

  test('a token file', async () => {
    writeFileSync(join(cluster.dir, 'token-file'), `${ADMIN_TOKEN}\n`);
    await runWith(kubeconfigWith('token-file.kubeconfig', '    tokenFile: token-file'), 'token file');
  });

  test('a legacy auth-provider (oidc) with a valid id-token', async () => {
    const path = kubeconfigWith(
      'oidc.kubeconfig',
      `    auth-provider:\n      name: oidc\n      config:\n        client-id: deploy-kit\n        id-token: ${OIDC_ID_TOKEN}\n        idp-issuer-url: https://issuer.invalid`,
    );
    await runWith(path, 'auth-provider oidc', [OIDC_ID_TOKEN]);
  });

  /** A loopback CONNECT proxy that records each tunnel; `kubernetes` (a name in the API server's certificate) means 127.0.0.1. */
  async function connectProxy() {
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connectTcp(Number(port), host === 'kubernetes' ? '127.0.0.1' : host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    return {
      tunnels,
      url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      stop: async () => {
        proxy.closeAllConnections?.();
        await new Promise((resolve) => proxy.close(resolve));
      },
    };
  }

  test("the cluster's proxy-url: every connection is a CONNECT tunnel through the proxy", async () => {
    const proxy = await connectProxy();
    try {
      const path = kubeconfigWith('proxy.kubeconfig', `    token: ${ADMIN_TOKEN}`, `\n    proxy-url: ${proxy.url}`);
      const result = await runWith(path, 'token');
      expect(result.log).toContain(`through the proxy ${proxy.url.replace('http://', '')} (its proxy-url)`);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([cluster.server.replace('https://', '')]));
    } finally {
      await proxy.stop();
    }
  });

  test('HTTPS_PROXY, as kubectl reads it: a server name only the proxy can resolve is reached through it', async () => {
    const proxy = await connectProxy();
    try {
      // The runner cannot resolve `kubernetes`; only a request that goes through the proxy can succeed.
      const server = cluster.server.replace('127.0.0.1', 'kubernetes');
      const path = join(cluster.dir, 'env-proxy.kubeconfig');
      writeFileSync(path, cluster.kubeconfig(ADMIN_TOKEN, NS).replace(cluster.server, server));
      const tag = nextTag();
      const result = await run(
        { tag, args: 'up' },
        { env: { KUBECONFIG: path, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,10.0.0.0/8' }, secrets: [ADMIN_TOKEN] },
      );
      expectSuccess(result);
      expect(result.log).toContain(`server ${server} through the proxy ${proxy.url.replace('http://', '')} (HTTPS_PROXY)`);
      expect(new Set(proxy.tunnels)).toEqual(new Set([server.replace('https://', '')]));
    } finally {
      await proxy.stop();
    }
  });

  test('HTTPS_PROXY to a real forward proxy (tinyproxy, with Basic auth): every connection to the API server is a tunnel in its log', async () => {
    // tinyproxy alone resolves `kubernetes` (lib/forward-proxy.mjs); a connection that bypassed it would fail.
    const proxy = await startForwardProxy({ names: ['kubernetes'], auth: { user: 'runner', password: 'kubeProxyPass9' } });
    try {
      const server = cluster.server.replace('127.0.0.1', 'kubernetes');
      const path = join(cluster.dir, 'tinyproxy.kubeconfig');
      writeFileSync(path, cluster.kubeconfig(ADMIN_TOKEN, NS).replace(cluster.server, server));
      const result = await run(
        { tag: nextTag(), args: 'up' },
        { env: { KUBECONFIG: path, https_proxy: proxy.url, no_proxy: 'localhost,.svc' }, secrets: [ADMIN_TOKEN, 'kubeProxyPass9'] },
      );
      expectSuccess(result);
      expect(result.log).toContain(`server ${server} through the proxy ${proxy.host} (https_proxy)`);
      expect(result.log).not.toContain('kubeProxyPass9');
      expect(proxy.connects().length).toBeGreaterThan(0);
      expect(new Set(proxy.connects())).toEqual(new Set([server.replace('https://', '')]));
      expect(proxy.relayed.length).toBe(proxy.connects().length);
    } finally {
      await proxy.stop();
    }
  });

  test("an exec plugin that cannot renew an expired token mid-run: the step fails with the plugin's own message, not a timeout", async () => {
    const tag = nextTag();
    const name = jobName(tag);
    // First run: a token that soon needs renewing; every later run fails as an expired SSO session would.
    const script = join(cluster.dir, 'expiring-plugin.sh');
    const counter = `${script}.runs`;
    writeFileSync(counter, '');
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: ADMIN_TOKEN, expirationTimestamp: new Date(Date.now() + 15_000).toISOString() },
    });
    // Renewed 10 s before it expires: fresh for the first 5 s (long enough to create the Job and open the watches).
    const staleAt = Date.now() + 5_500;
    writeFileSync(
      script,
      `#!/bin/sh\necho run >> '${counter}'\nif [ "$(wc -l < '${counter}')" -le 1 ]; then\ncat <<'EOF'\n${credential}\nEOF\nelse\necho 'Error: the SSO session has expired' >&2\nexit 255\nfi\n`,
    );
    chmodSync(script, 0o755);
    const proxy = await startKubeFaultProxy(cluster, { maxFaults: 0 });
    try {
      const path = join(cluster.dir, 'expiring.kubeconfig');
      writeFileSync(
        path,
        cluster
          .kubeconfig(ADMIN_TOKEN, NS, { user: `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${script}` })
          .replace(cluster.server, proxy.url),
      );
      const pending = run({ tag, args: 'slow 30' }, { env: { KUBECONFIG: path }, secrets: [ADMIN_TOKEN] });
      await waitFor('the pod running', 20_000, async () => (await podsOf(name)).some((p) => p.status?.phase === 'Running'));
      await waitFor(
        'the job and pod watches',
        10_000,
        async () => proxy.log.filter((e) => /\/(jobs|pods)\?watch=true/.test(e.path) && e.status === 200).length >= 2,
      );
      await new Promise((r) => setTimeout(r, Math.max(0, staleAt - Date.now())));
      expect(proxy.cutWatches()).toBeGreaterThanOrEqual(2);
      const result = await pending;
      expectFailure(result, "The kubeconfig's exec credential plugin");
      expect(result.log).toContain('it exited with code 255: Error: the SSO session has expired');
      expect(result.durationMs).toBeLessThan(20_000);
    } finally {
      await proxy.stop();
    }
  });

  test('an exec plugin that is not installed: its install hint, nothing created', async () => {
    const tag = nextTag();
    const path = kubeconfigWith(
      'missing-plugin.kubeconfig',
      '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws-iam-authenticator-not-installed\n      installHint: install aws-iam-authenticator',
    );
    const result = await run({ tag, args: 'up' }, { env: { KUBECONFIG: path } });
    expectFailure(result, "The kubeconfig's exec credential plugin `aws-iam-authenticator-not-installed` failed");
    expect(result.log).toContain('aws-iam-authenticator-not-installed was not found');
    expect(result.log).toContain('install aws-iam-authenticator');
    expect(await cluster.getJob(NS, jobName(tag))).toBeUndefined();
  });
});

test('a pod whose log holds workflow commands: none acts (streamed between stop-commands markers, each line neutralised)', async () => {
  const tag = nextTag();
  const result = await run({ tag, args: 'hostile', 'log-file': 'hostile-pod.log' });
  expectSuccess(result);
  expect(result.outputs.status).toBe('succeeded');
  expect(result.masked).not.toContain('x');
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual([]);
  expect(result.notices).toEqual([]);
  expect(result.problems).toEqual([]);
  for (const line of ['add-mask::x', 'error::fake', 'stop-commands::t', 'warning::injected', '[error]v1 form'])
    expect(result.log).toContain(line);
  // Our own lines after the pod's log are still ours (no stop-commands of the pod's took hold).
  expect(result.log).toContain('Migration succeeded');
  expect(readFileSync(join(workspace, 'hostile-pod.log'), 'utf8')).toBe(`${HOSTILE.join('\n')}\n`);
  const region = /^::stop-commands::([0-9a-f]{32})\r?\n([\s\S]*?)\r?\n::\1::$/m.exec(result.stdout);
  expect(region?.[2]).toContain('::add-mask::x');
});

test('dry-run prints the Job and creates nothing', async () => {
  const tag = nextTag();
  const result = await run({ tag, 'dry-run': 'true' });
  expectSuccess(result);
  expect(result.outputs.status).toBe('planned');
  expect(result.log).toContain(`[dry-run] would create this Job in ${NS} and watch it`);
  expect(result.log).toContain('backoffLimit: 0');
  expect(await cluster.getJob(NS, jobName(tag))).toBeUndefined();
});

test('cleanup: on-success deletes the Job after saving its log', async () => {
  const tag = nextTag();
  const result = await run({ tag, args: 'up', cleanup: 'on-success', 'log-file': 'cleanup.log' });
  expectSuccess(result);
  expect(result.log).toContain('(cleanup: on-success)');
  expect(readFileSync(result.outputs['log-file'], 'utf8')).toContain('migrate: done');
  await waitFor('job deleted', 10_000, async () => (await cluster.getJob(NS, jobName(tag))) === undefined);
});

test('the API server restarts mid-run: the watch resumes, the migration finishes, one Job and one pod', async () => {
  const tag = nextTag();
  const pending = run({ tag, args: 'slow 12' });
  await waitFor('the pod running', 20_000, async () => (await podsOf(jobName(tag))).some((p) => p.status?.phase === 'Running'));
  await cluster.stopProcess('kube-apiserver');
  await new Promise((r) => setTimeout(r, 1_000));
  await cluster.startApiServer();
  const result = await pending;
  expectSuccess(result);
  expect(result.outputs.status).toBe('succeeded');
  expect(result.log).toContain('step 12');
  expect(await podsOf(jobName(tag))).toHaveLength(1);
}, 60_000);

test('500/503 from the API server on the Job GET and on the watches mid-run: retried and resumed, the right status, one Job', async () => {
  const tag = nextTag();
  const name = jobName(tag);
  const proxy = await startKubeFaultProxy(cluster, { maxFaults: 10 });
  try {
    const path = join(cluster.dir, 'fault-proxy.kubeconfig');
    writeFileSync(path, cluster.kubeconfig(ADMIN_TOKEN, NS).replace(cluster.server, proxy.url));
    proxy.fail((method, url) => method === 'GET' && url.pathname === `/apis/batch/v1/namespaces/${NS}/jobs/${name}`, [500, 503]);
    const pending = run({ tag, args: 'slow-fail 16' }, { env: { KUBECONFIG: path }, debug: true });
    // Mid-run: the watch streams are cut (as a load balancer would) and their reconnects answered 503/500 a few times.
    const isWatch = (resource: string) => (_method: string, url: URL) =>
      url.searchParams.get('watch') === 'true' && url.pathname.endsWith(`/${resource}`);
    await waitFor('the pod running', 20_000, async () => (await podsOf(name)).some((p) => p.status?.phase === 'Running'));
    await waitFor(
      'the job and pod watches',
      10_000,
      async () => proxy.log.filter((e) => /\/(jobs|pods)\?watch=true/.test(e.path) && e.status === 200).length >= 2,
      () => JSON.stringify(proxy.log, null, 1),
    );
    proxy.fail(isWatch('jobs'), [503, 500, 503]);
    proxy.fail(isWatch('pods'), [500, 503]);
    expect(proxy.cutWatches()).toBeGreaterThanOrEqual(2);
    const result = await pending;
    expectFailure(result, 'the migration container failed: exit code 4, reason Error');
    expect(result.outputs).toMatchObject({ status: 'failed', 'exit-code': '4' });
    expect(proxy.faults()).toBe(7);
    expect(
      proxy.log
        .filter((e) => e.injected)
        .map((e) => e.status)
        .sort(),
    ).toEqual([500, 500, 500, 503, 503, 503, 503]);
    expect(result.log).toContain('step 16');
    expect(result.log).toMatch(new RegExp(`Retry get jobs/${name} in namespace ${NS}: attempt 1 of 5 failed \\(HTTP 500`));
    expect(result.log).toMatch(/watch job ended \(Service Unavailable|watch job ended \(Internal Server Error/);
    expect(result.log.match(/error: duplicate column name "email"/g)).toHaveLength(1);
    expect(await podsOf(name)).toHaveLength(1);
  } finally {
    await proxy.stop();
  }
}, 60_000);

test('cancelled (SIGINT as the runner sends it): the Job is left running, never killed half-way, and the log says how to follow it', async () => {
  const tag = nextTag();
  const name = jobName(tag);
  let child: import('node:child_process').ChildProcess | undefined;
  const pending = run({ tag, args: 'hang' }, { onSpawn: (c) => (child = c) });
  await waitFor('the pod running', 20_000, async () => (await podsOf(name)).some((p) => p.status?.phase === 'Running'));
  await waitFor('the log streamed', 10_000, async () => node.logRequests > 0);
  child!.kill('SIGINT');
  const result = await pending;
  expectFailure(
    result,
    `Migration cancelled (${name}): the workflow run was cancelled; the Job ${NS}/${name} was left running (a migration must not be stopped half-way)`,
  );
  expect(result.outputs.status).toBe('cancelled');
  expect(result.log).toContain('Received SIGINT: the workflow run is being cancelled');
  expect(result.log).toContain(
    `The Job ${NS}/${name} is left running: a migration must not be stopped half-way. Follow it with: kubectl -n ${NS} get job ${name} -w   /   kubectl -n ${NS} logs -f job/${name}`,
  );
  expect(result.durationMs).toBeLessThan(20_000);
  const job = await cluster.getJob(NS, name);
  expect(job.metadata.deletionTimestamp).toBeUndefined();
  expect(job.status.active).toBe(1);
  expect(await podsOf(name)).toHaveLength(1);
}, 60_000);
