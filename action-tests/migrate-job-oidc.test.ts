// migrate-job with a kubeconfig user `auth-provider: oidc`, run from the bundle against a real kube-apiserver
// started with --oidc-* flags that trust a loopback OpenID Connect issuer (https with a test CA, RS256 keys:
// actions/migrate-job/__tests__/oidc-issuer.ts). The kubeconfig's id-token has expired; the action refreshes
// it at the issuer (discovery, refresh_token grant) and kube-apiserver verifies the new one — signature,
// issuer, audience, expiry — before it lets the Job be created. What kubectl's oidc auth-provider does, with
// no client library in the bundle.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestIssuer, testCertificates } from '../actions/migrate-job/__tests__/oidc-issuer.js';
import { expectFailure, expectSuccess, runAction } from './harness.js';
import { Cluster, FakeNode, startCluster, waitFor } from './lib/kube-cluster.mjs';

jest.setTimeout(60_000);

const NS = 'apps';
const IMAGE = `127.0.0.1:5000/ms_orders@sha256:${'4'.repeat(64)}`;
const CLIENT_SECRET = 'oidc-client-secret-5c1d7e';

let certs: ReturnType<typeof testCertificates>;
let issuer: TestIssuer;
let cluster: Cluster;
let node: FakeNode;
let workspace: string;

beforeAll(async () => {
  certs = testCertificates();
  // Every id-token it issues says the user is in system:masters (--oidc-groups-claim), so RBAC lets it run the Job.
  issuer = await new TestIssuer({
    tls: { cert: certs.cert, key: certs.key },
    clientSecret: CLIENT_SECRET,
    clientAuth: 'header',
    claims: { groups: ['system:masters'] },
  }).start();
  workspace = mkdtempSync(join(tmpdir(), 'mj-oidc-'));
  const caFile = join(workspace, 'oidc-ca.crt');
  writeFileSync(caFile, certs.ca);
  cluster = await startCluster({
    apiServerArgs: [
      `--oidc-issuer-url=${issuer.url}`,
      '--oidc-client-id=deploy-kit',
      `--oidc-ca-file=${caFile}`,
      '--oidc-username-claim=sub',
      '--oidc-username-prefix=oidc:',
      '--oidc-groups-claim=groups',
    ],
  });
  await cluster.createNamespace(NS);
  node = new FakeNode(cluster, NS, { program: () => ({ lines: ['migrate: connecting', 'migrate: done'], exitCode: 0 }) });
  await node.start();
  // kube-apiserver reads the issuer's discovery document and keys in the background: wait until it takes an id-token.
  await waitFor(
    "kube-apiserver accepts the issuer's id-tokens",
    60_000,
    async () => (await cluster.api('GET', `/api/v1/namespaces/${NS}`, undefined, { token: issuer.idToken() })).status === 200,
    () => cluster.logs.get('kube-apiserver')?.slice(-2_000),
  );
}, 180_000);

afterAll(async () => {
  await node?.stop();
  await cluster?.stop();
  await issuer?.stop();
  certs?.cleanup();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
}, 60_000);

/** A kubeconfig whose user is the oidc auth-provider with `config` (YAML lines under `config:`). */
function oidcKubeconfig(name: string, config: Record<string, string>): string {
  const lines = Object.entries(config)
    .map(([key, value]) => `        ${key}: ${value}`)
    .join('\n');
  const path = join(cluster.dir, name);
  writeFileSync(path, cluster.kubeconfig(undefined, NS, { user: `    auth-provider:\n      name: oidc\n      config:\n${lines}` }));
  return path;
}

test('kube-apiserver refuses the expired id-token itself (so the refresh is what makes the step work)', async () => {
  expect((await cluster.api('GET', `/api/v1/namespaces/${NS}`, undefined, { token: issuer.idToken(-120) })).status).toBe(401);
});

test('an expired id-token is refreshed at the issuer, and kube-apiserver accepts the new one: the Job runs', async () => {
  const expired = issuer.idToken(-120);
  const refreshToken = issuer.refreshToken;
  issuer.requests.length = 0;
  const path = oidcKubeconfig('oidc-refresh.kubeconfig', {
    'client-id': 'deploy-kit',
    'client-secret': CLIENT_SECRET,
    'id-token': expired,
    'refresh-token': refreshToken,
    'idp-issuer-url': issuer.url,
    'idp-certificate-authority-data': certs.ca.toString('base64'),
  });
  const result = await runAction('migrate-job', {
    timeoutMs: 45_000,
    cwd: workspace,
    inputs: { backend: 'kubernetes', release: 'orders', tag: 'v2.0.0', image: IMAGE, command: '/app/migrate' },
    env: { KUBECONFIG: path },
    // The runner-side check: none of these appears unmasked anywhere in the output.
    secrets: [expired, refreshToken, CLIENT_SECRET],
  });
  expectSuccess(result);
  expect(result.outputs.status).toBe('succeeded');
  expect(result.log).toContain('Kubernetes: context local (auth-provider oidc)');
  expect(result.log).toContain('migrate: done');
  expect(issuer.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /.well-known/openid-configuration', 'POST /token']);
  expect(issuer.requests[1].form).toEqual({ grant_type: 'refresh_token', refresh_token: refreshToken });
  // The Job was created by the OIDC user: its id-token was the one the issuer just issued. The step may
  // end on the Job's SuccessCriteriaMet, which the job controller follows with Complete once the pod
  // has terminated: under load that can take a moment (bounded: 40 looks, 250 ms apart).
  const complete = (j: { status?: { conditions?: { type: string; status: string }[] } } | undefined) =>
    j?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') === true;
  let job = await cluster.getJob(NS, 'orders-migrate-v2-0-0');
  for (let look = 0; look < 40 && !complete(job); look++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = await cluster.getJob(NS, 'orders-migrate-v2-0-0');
  }
  expect(job?.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Complete' && c.status === 'True')).toBe(true);
  expect(issuer.issued).toHaveLength(1);
  expect(result.log).not.toContain(issuer.issued[0]);
});

test('a refresh-token the issuer refuses: the step fails before any Job is created, saying so', async () => {
  const path = oidcKubeconfig('oidc-revoked.kubeconfig', {
    'client-id': 'deploy-kit',
    'client-secret': CLIENT_SECRET,
    'id-token': issuer.idToken(-120),
    'refresh-token': 'rt-revoked-long-ago',
    'idp-issuer-url': issuer.url,
    'idp-certificate-authority-data': certs.ca.toString('base64'),
  });
  const result = await runAction('migrate-job', {
    timeoutMs: 45_000,
    cwd: workspace,
    inputs: { backend: 'kubernetes', release: 'orders', tag: 'v2.0.1', image: IMAGE, command: '/app/migrate' },
    env: { KUBECONFIG: path },
    secrets: ['rt-revoked-long-ago', CLIENT_SECRET],
  });
  expectFailure(result, "The kubeconfig's oidc auth-provider could not refresh its id-token");
  expectFailure(result, 'refused the refresh (invalid_grant: refresh token is invalid or expired)');
  expect(await cluster.getJob(NS, 'orders-migrate-v2-0-1')).toBeUndefined();
});
