// Proxies and private CAs (issue 17, items 1 and 2): the bundles run as the runner runs them on a runner
// that reaches everything through a forward proxy. tinyproxy (lib/forward-proxy.mjs) listens on
// loopback and asks for Basic auth; every service answers on a name that only the proxy can resolve
// (`*.proxied.test`, and the ECR registry's own host name), so a connection that bypasses the proxy
// fails with ENOTFOUND, and tinyproxy's access log lists every connection made. TLS everywhere is
// signed by a throwaway CA (lib/test-ca.mjs) that only NODE_EXTRA_CA_CERTS makes trusted: the CNCF
// registry serves it itself (`http.tls`), moto, the GitHub fake and the verified site get it from the
// proxy's name resolver (which ends TLS for them in front of their plain-http ports).
//
// Clients covered here: the AWS SDK (STS, ECR, S3: push-artifacts' login, push, promote and upload), the
// registry client, the GitHub client (gitops-dispatch with a token and with a GitHub App's token
// exchange; record-deployment; github-release, its uploads included) and record-deployment's verify
// probes, and core's agent for downloads.
// migrate-job's Kubernetes and ECS clients are covered in migrate-job-kubernetes.test.ts and
// migrate-job-ecs.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentFor } from '../packages/core/src/net/proxy.js';
import { type GitHubFake, UPDATE_PROJECT_LIST, seedRepos, startGitHubFake } from './fakes/github/index.mjs';
import { DEFAULT_REPOSITORY, DEFAULT_TOKEN, expectFailure, expectSuccess, runAction, type RunResult } from './harness.js';
import { PROXIED_DOMAIN, startForwardProxy, type ForwardProxy } from './lib/forward-proxy.mjs';
import { makeOciLayout, type MadeLayout } from './lib/oci-images.mjs';
import { startMoto, startRegistry } from './lib/services.mjs';
import { makeTestCa } from './lib/test-ca.mjs';
import { makeTarGz, startFileServer, type ServedFile } from './migrate-job-support.js';

jest.setTimeout(120_000);

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ECR_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const PASSWORD = `${ACCOUNT}-auth-token`; // what moto's GetAuthorizationToken issues
const SECRET_KEY = 'deployKitProxySecretKey0123456789abcdef';
const PROXY_USER = 'runner';
const PROXY_PASSWORD = 'proxyPassw0rd42';
const PAT = 'ghp_ProxyDispatchTestToken0123456789abcdef';
const APP_ID = 424242;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_KEY = keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const SECRETS = [PASSWORD, SECRET_KEY, PROXY_PASSWORD, PAT, APP_KEY];

const AWS_NAME = `aws.${PROXIED_DOMAIN}`;
/** moto again, over plain http (the proxy's resolver ends TLS only for AWS_NAME). */
const AWS_PLAIN_NAME = `aws-plain.${PROXIED_DOMAIN}`;
const GITHUB_NAME = `github.${PROXIED_DOMAIN}`;
const SITE_NAME = `app.${PROXIED_DOMAIN}`;

let ca: ReturnType<typeof makeTestCa>;
let moto: Awaited<ReturnType<typeof startMoto>>;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let github: GitHubFake;
let site: Server;
let sitePort: number;
let proxy: ForwardProxy;
let work: string;
let layout: MadeLayout;

const port = (url: string) => new URL(url).port;
const githubApi = () => `https://${GITHUB_NAME}:${port(github.url)}`;

/** What a runner behind the proxy has: the proxy variables (with credentials) and the company CA. */
function proxyEnv(): Record<string, string> {
  return {
    HTTPS_PROXY: proxy.url,
    http_proxy: proxy.url,
    NO_PROXY: 'localhost,.internal.example',
    NODE_EXTRA_CA_CERTS: ca.ca,
  };
}

function awsEnv(scheme = 'https'): Record<string, string> {
  const name = scheme === 'https' ? AWS_NAME : AWS_PLAIN_NAME;
  return {
    AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITPROXY',
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: `${scheme}://${name}:${moto.port}`,
  };
}

/** Every connection the run made went through tinyproxy: only CONNECT tunnels, only to the expected targets. */
function expectAllThroughProxy(before: number, expected: string[]): void {
  const made = proxy.connects().slice(before);
  expect(made.length).toBeGreaterThan(0);
  expect(new Set(made)).toEqual(new Set(expected));
  expect(proxy.plainRequests()).toEqual([]);
  // The names' resolver was only ever asked by tinyproxy (for each CONNECT it passed on).
  expect(proxy.relayed.length).toBe(proxy.connects().length);
}

function expectProxyNamed(result: RunResult): void {
  expect(result.log).toContain(`through the proxy ${proxy.host} (HTTPS_PROXY)`);
  expect(result.log).not.toContain(PROXY_PASSWORD);
}

async function motoClients() {
  const [s3, ecr] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/client-ecr')]);
  const config = {
    region: REGION,
    endpoint: moto.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIADEPLOYKITPROXY', secretAccessKey: SECRET_KEY },
  };
  return { s3, ecr, s3Client: new s3.S3Client(config), ecrClient: new ecr.ECRClient(config) };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dk-proxy-'));
  ca = makeTestCa([ECR_HOST, `*.${PROXIED_DOMAIN}`, `*.${AWS_NAME}`]);
  [moto, registry] = await Promise.all([
    startMoto(),
    startRegistry({ auth: { user: 'AWS', password: PASSWORD }, tls: { cert: ca.cert, key: ca.key, ca: ca.ca } }),
  ]);
  github = await startGitHubFake({
    repos: { ...seedRepos(UPDATE_PROJECT_LIST), [DEFAULT_REPOSITORY]: { tags: { 'v1.4.0-rc.1': {} } } },
    // contents: write for github-release (as a job with `permissions: contents: write` grants it).
    tokens: { [PAT]: { login: 'deploy-bot' }, [DEFAULT_TOKEN]: { login: 'github-actions[bot]', permissions: { contents: 'write' } } },
    apps: [
      {
        id: APP_ID,
        slug: 'deploy-kit-proxy',
        publicKey: keys.publicKey,
        installations: [
          { id: 902, account: 'example-org', repositories: '*', permissions: { actions: 'write', contents: 'read', metadata: 'read' } },
        ],
      },
    ],
  });
  site = createServer((request, response) => {
    if (request.url === '/moved') response.writeHead(302, { location: '/version' }).end();
    else if (request.url === '/version') response.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"v1.4.0-rc.1"}');
    else if (request.url === '/tool.tar.gz') response.writeHead(200).end(TOOL);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  sitePort = (site.address() as AddressInfo).port;
  proxy = await startForwardProxy({
    names: [ECR_HOST],
    routes: { [`${ECR_HOST}:443`]: registry.port },
    terminateTls: { names: [AWS_NAME, `*.${AWS_NAME}`, GITHUB_NAME, SITE_NAME], cert: ca.cert, key: ca.key },
    auth: { user: PROXY_USER, password: PROXY_PASSWORD },
  });
  layout = await makeOciLayout(join(work, 'single'), { layers: [2000, 60_000] });
}, 120_000);

afterAll(async () => {
  await Promise.all([proxy?.stop(), moto?.stop(), registry?.stop(), github?.close()]);
  site?.closeAllConnections();
  await new Promise((resolve) => site?.close(resolve));
  if (work) rmSync(work, { recursive: true, force: true });
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
});

afterEach(() => {
  const problems = github.describeViolations();
  github.clearLog();
  if (problems) throw new Error(`GitHub API contract violations (@octokit/openapi):\n${problems}`);
});

const TOOL = randomBytes(200_000);

describe('push-artifacts through the proxy: ECR login, push, promote, S3 upload', () => {
  const push = (images: string, env: Record<string, string> = {}) =>
    runAction('push-artifacts', {
      inputs: { images, source: layout.layout, 'create-repositories': 'true' },
      env: { ...awsEnv(), ...proxyEnv(), ...env },
      secrets: SECRETS,
      timeoutMs: 90_000,
    });

  test('push to ECR: STS and ECR calls, the login and every registry request go through the proxy', async () => {
    const before = proxy.connects().length;
    const result = await push(`${ECR_HOST}/px_core:v1.0.0`);
    expectSuccess(result);
    expect(JSON.parse(result.outputs.digests!)).toEqual({ [`${ECR_HOST}/px_core:v1.0.0`]: layout.digest });
    expectAllThroughProxy(before, [`${AWS_NAME}:${moto.port}`, `${ECR_HOST}:443`]);
    expectProxyNamed(result);
    // The registry has it, by digest (read back directly, with the test CA).
    const manifest = await new Promise<string>((resolve, reject) =>
      httpsGet(
        {
          host: '127.0.0.1',
          port: registry.port,
          path: `/v2/px_core/manifests/v1.0.0`,
          servername: ECR_HOST,
          ca: readFileSync(ca.ca),
          headers: { authorization: `Basic ${Buffer.from(`AWS:${PASSWORD}`).toString('base64')}`, accept: layout.mediaType },
        },
        (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve(body));
        },
      ).on('error', reject),
    );
    expect(`sha256:${createHash('sha256').update(manifest).digest('hex')}`).toBe(layout.digest);
  });

  test('promote by digest (ECR BatchGetImage → PutImage) through the proxy', async () => {
    const { ecr, ecrClient } = await motoClients();
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'3'.repeat(64)}`, size: 10 },
      layers: [],
    });
    await ecrClient.send(new ecr.CreateRepositoryCommand({ repositoryName: 'px_promo' }));
    const put = await ecrClient.send(
      new ecr.PutImageCommand({
        repositoryName: 'px_promo',
        imageTag: 'v2.0.0-rc.1',
        imageManifest: manifest,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      }),
    );
    const before = proxy.connects().length;
    const result = await runAction('push-artifacts', {
      inputs: { mode: 'promote', 'promote-from': 'v2.0.0-rc.1', images: `${ECR_HOST}/px_promo:v2.0.0` },
      env: { ...awsEnv(), ...proxyEnv() },
      secrets: SECRETS,
      timeoutMs: 60_000,
    });
    expectSuccess(result);
    expect(JSON.parse(result.outputs.digests!)).toEqual({ [`${ECR_HOST}/px_promo:v2.0.0`]: put.image!.imageId!.imageDigest });
    expectAllThroughProxy(before, [`${AWS_NAME}:${moto.port}`]);
  });

  test('S3 upload (virtual-hosted bucket names) through the proxy', async () => {
    const { s3, s3Client } = await motoClients();
    await s3Client.send(new s3.CreateBucketCommand({ Bucket: 'px-artifacts' }));
    const bins = join(work, 'bins');
    mkdirSync(bins, { recursive: true });
    writeFileSync(join(bins, 'ms_core'), randomBytes(300_000));
    const before = proxy.connects().length;
    const result = await runAction('push-artifacts', {
      inputs: { 's3-bucket': 'px-artifacts', 's3-source': bins, tag: 'v1.0.0' },
      env: { ...awsEnv(), ...proxyEnv() },
      secrets: SECRETS,
      timeoutMs: 60_000,
    });
    expectSuccess(result);
    expect(result.outputs['s3-uris']).toBe('s3://px-artifacts/v1.0.0/ms_core');
    const head = await s3Client.send(new s3.HeadObjectCommand({ Bucket: 'px-artifacts', Key: 'v1.0.0/ms_core' }));
    expect(head.ContentLength).toBe(300_000);
    expectAllThroughProxy(before, [`px-artifacts.${AWS_NAME}:${moto.port}`]);
  });

  test('a registry with a private CA: refused until NODE_EXTRA_CA_CERTS names the CA, then pushed to', async () => {
    // AWS over plain http (HTTP_PROXY tunnel), so the registry is the only TLS server in the run.
    const images = `${ECR_HOST}/px_private:v1.0.0`;
    const refused = await push(images, { ...awsEnv('http'), NODE_EXTRA_CA_CERTS: '' });
    expectFailure(refused, `${ECR_HOST}`);
    expect(refused.log).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify the first certificate/);
    expect(refused.log).toContain('NODE_EXTRA_CA_CERTS for a private CA');
    const trusted = await push(images, awsEnv('http'));
    expectSuccess(trusted);
    expect(JSON.parse(trusted.outputs.digests!)).toEqual({ [images]: layout.digest });
  });
});

describe('gitops-dispatch through the proxy: dispatch and wait', () => {
  const dispatch = (auth: Record<string, string>) =>
    runAction('gitops-dispatch', {
      inputs: { environment: 'staging', tag: 'v1.4.0-rc.1', projects: 'ms_core', 'poll-interval': '100ms', timeout: '30s', ...auth },
      env: { GITHUB_API_URL: githubApi(), GITHUB_SERVER_URL: 'https://github.com', ...proxyEnv() },
      secrets: SECRETS,
      timeoutMs: 60_000,
    });

  test('with a token: every API request goes through the proxy', async () => {
    const before = proxy.connects().length;
    const result = await dispatch({ token: PAT });
    expectSuccess(result);
    expect(result.outputs.conclusion).toBe('success');
    expectAllThroughProxy(before, [`${GITHUB_NAME}:${port(github.url)}`]);
    expectProxyNamed(result);
  });

  test('with a GitHub App: the JWT → installation token exchange goes through the proxy too', async () => {
    const before = github.requests.length;
    const result = await dispatch({ token: '', 'app-id': String(APP_ID), 'private-key': APP_KEY });
    expectSuccess(result);
    expect(github.requests.slice(before).map((r: { path: string }) => r.path)).toContainEqual(
      expect.stringMatching(/\/app\/installations\/902\/access_tokens$/),
    );
    expect(new Set(proxy.connects())).toEqual(new Set(proxy.relayed));
  });
});

describe('record-deployment through the proxy', () => {
  test('the deployment API and the verify probes (redirect followed) go through the proxy', async () => {
    const before = proxy.connects().length;
    const result = await runAction('record-deployment', {
      inputs: {
        environment: 'staging',
        tag: 'v1.4.0-rc.1',
        'verify-url': `https://${SITE_NAME}:${sitePort}/moved`,
        'verify-interval': '100ms',
        'verify-timeout': '10s',
      },
      env: { GITHUB_API_URL: githubApi(), ...proxyEnv() },
      secrets: SECRETS,
      timeoutMs: 60_000,
    });
    expectSuccess(result);
    expect(
      github
        .deployments(DEFAULT_REPOSITORY)
        .at(-1)!
        .statuses.map((s: { state: string }) => s.state),
    ).toEqual(['in_progress', 'success']);
    expectAllThroughProxy(before, [`${GITHUB_NAME}:${port(github.url)}`, `${SITE_NAME}:${sitePort}`]);
  });
});

describe('github-release through the proxy', () => {
  test('the release API and the asset upload (on the uploads host) go through the proxy', async () => {
    github.setUploadsUrl(githubApi()); // GitHub Enterprise Server's rule: uploads on the API's own host
    const cwd = mkdtempSync(join(work, 'release-'));
    writeFileSync(join(cwd, 'ms_core'), 'core binary');
    const before = proxy.connects().length;
    const result = await runAction('github-release', {
      inputs: { files: 'ms_core' },
      ref: 'refs/tags/v1.4.0-rc.1',
      cwd,
      env: { GITHUB_API_URL: githubApi(), ...proxyEnv() },
      secrets: SECRETS,
      timeoutMs: 60_000,
    });
    expectSuccess(result);
    const release = github.releases(DEFAULT_REPOSITORY).find((r) => r.tag === 'v1.4.0-rc.1')!;
    expect([release.prerelease, release.draft]).toEqual([true, false]);
    expect(release.assets.map((a) => [a.name, a.data.toString()])).toEqual([
      ['ms_core', 'core binary'],
      ['SHA256SUMS', `${createHash('sha256').update('core binary').digest('hex')}  ms_core\n`],
    ]);
    expectAllThroughProxy(before, [`${GITHUB_NAME}:${port(github.url)}`]);
  });
});

describe("downloads (migrate-job's tool install) through the proxy", () => {
  test("core's agentFor (for a node:https download): over https through the proxy with the company CA", async () => {
    const url = `https://${SITE_NAME}:${sitePort}/tool.tar.gz`;
    const before = proxy.connects().length;
    const agent = agentFor(url, { env: proxyEnv(), ca: readFileSync(ca.ca) });
    const body = await new Promise<Buffer>((resolve, reject) =>
      httpsGet(url, { agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject),
    );
    expect(body.equals(TOOL)).toBe(true);
    expectAllThroughProxy(before, [`${SITE_NAME}:${sitePort}`]);
  });

  test('migrate-job downloads its tool (tool-base-url) through the proxy, checksum verified, and runs it', async () => {
    const version = 'v4.19.1';
    const asset = 'migrate.linux-amd64.tar.gz';
    const archive = makeTarGz({ migrate: '#!/bin/sh\necho "fake migrate $*"\n', LICENSE: 'MIT' });
    const sha = createHash('sha256').update(archive).digest('hex');
    const files = await startFileServer(
      new Map<string, ServedFile>([
        [`/golang-migrate/${version}/${asset}`, archive],
        [`/golang-migrate/${version}/sha256sum.txt`, `${sha}  ${asset}\n`],
      ]),
    );
    const toolCache = mkdtempSync(join(tmpdir(), 'dk-proxy-toolcache-'));
    try {
      const target = `${SITE_NAME}:${port(files.url)}`;
      const before = proxy.connects().length;
      const result = await runAction('migrate-job', {
        inputs: {
          backend: 'command',
          tool: `golang-migrate@${version}`,
          'tool-base-url': `https://${target}/golang-migrate`,
          command: 'migrate up',
        },
        env: { RUNNER_TOOL_CACHE: toolCache, ...proxyEnv() },
        cwd: work,
        secrets: SECRETS,
        timeoutMs: 60_000,
      });
      expectSuccess(result);
      expect(result.log).toMatch(/SHA-256 [0-9a-f]{64} verified/);
      expect(result.log).toContain('fake migrate up');
      expect(files.requests).toEqual([`/golang-migrate/${version}/${asset}`, `/golang-migrate/${version}/sha256sum.txt`]);
      expectAllThroughProxy(before, [target]);
      expectProxyNamed(result);
    } finally {
      await files.close();
      rmSync(toolCache, { recursive: true, force: true });
    }
  });
});
