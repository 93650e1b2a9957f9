// migrate-job's `render` and `command` backends, run from the bundle (dist/migrate-job/index.js) as the runner
// runs it: the Helm hook checked by a real helm (lint + template on a sample chart), a migration tool
// downloaded from a loopback server with its checksum verified, and golang-migrate (built from source
// by .ci/install-tools) applying real migration files to a throwaway PostgreSQL.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT, expectFailure, expectSuccess, runAction, type RunActionOptions } from './harness.js';
import {
  closedPort,
  makeTarGz,
  startFileServer,
  startPostgres,
  startRecorder,
  startSilentServer,
  toolBinary,
  type FileServer,
  type Postgres,
  type ServedFile,
  type SilentServer,
} from './migrate-job-support.js';
import { startFaultProxy, startRegistry } from './lib/services.mjs';
import { createHash } from 'node:crypto';

jest.setTimeout(60_000);

const ACTION = 'migrate-job';
const FIXTURES = join(REPO_ROOT, 'action-tests/fixtures/migrate-job');
const DIGEST = `sha256:${'1'.repeat(64)}`;
const IMAGE = `127.0.0.1:5000/ms_orders@${DIGEST}`;
const run = (options: RunActionOptions) => runAction(ACTION, options);

describe('backend: render (Helm hook)', () => {
  const helm = toolBinary('helm');
  let chart: string;
  beforeAll(() => {
    chart = join(mkdtempSync(join(tmpdir(), 'mj-chart-')), 'orders');
    cpSync(join(FIXTURES, 'chart'), chart, { recursive: true });
  });
  afterAll(() => rmSync(dirname(chart), { recursive: true, force: true }));

  test('writes the pre-install/pre-upgrade hook into the chart; helm lint and helm template accept it', async () => {
    const out = join(chart, 'templates/migrate-job.yaml');
    const result = await run({
      inputs: {
        backend: 'render',
        release: 'orders',
        tag: 'v1.2.3',
        image: IMAGE,
        command: '/app/migrate',
        args: 'up',
        'env-from-secret': 'orders-db',
        'service-account': 'migrator',
        resources: '{requests: {cpu: 100m, memory: 128Mi}}',
        'output-file': out,
        'hook-weight': '-10',
        timeout: '5m',
      },
    });
    expectSuccess(result);
    expect(result.outputs).toMatchObject({
      status: 'rendered',
      'job-name': 'orders-migrate-v1-2-3',
      'manifest-file': out,
      'exit-code': '',
    });
    const job = parse(readFileSync(out, 'utf8'));
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-10',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 86400 });
    expect(job.spec.template.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'migrator' });
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      image: IMAGE,
      command: ['/app/migrate'],
      args: ['up'],
      envFrom: [{ secretRef: { name: 'orders-db' } }],
    });

    execFileSync(helm, ['lint', '--strict', chart], { encoding: 'utf8', timeout: 30_000 });
    const rendered = execFileSync(helm, ['template', 'orders', chart, '--namespace', 'apps'], { encoding: 'utf8', timeout: 30_000 });
    const docs = parseAllDocuments(rendered).map((d) => d.toJS());
    const hook = docs.find((d) => d?.kind === 'Job');
    expect(hook).toBeDefined();
    expect(hook.metadata.name).toBe('orders-migrate-v1-2-3');
    expect(hook.spec.template.spec.containers[0].image).toBe(IMAGE);
    // The chart's Deployment runs the very same digest as the hook.
    expect(docs.find((d) => d?.kind === 'Deployment')?.spec.template.spec.containers[0].image).toBe(IMAGE);
    expect(result.summary).toContain('rendered');
  });

  test('dry-run prints the manifest and writes nothing', async () => {
    const out = join(chart, 'templates/dry.yaml');
    const result = await run({
      inputs: { backend: 'render', release: 'orders', tag: 'v2.0.0', image: IMAGE, 'output-file': out, 'dry-run': 'true' },
    });
    expectSuccess(result);
    expect(result.outputs.status).toBe('planned');
    expect(existsSync(out)).toBe(false);
    expect(result.log).toContain('helm.sh/hook: pre-install,pre-upgrade');
    expect(result.log).toContain('name: orders-migrate-v2-0-0');
  });

  test('the tag defaults to the pushed tag; the release to the repository name', async () => {
    const out = join(chart, 'templates/default-names.yaml');
    const result = await run({
      inputs: { backend: 'render', image: IMAGE, 'output-file': out },
      ref: 'refs/tags/v3.1.0',
      repository: 'example-org/payments',
    });
    expectSuccess(result);
    expect(result.outputs['job-name']).toBe('payments-migrate-v3-1-0');
    rmSync(out);
  });

  test.each([
    [{ backend: 'render' }, 'Input "image": is required with backend "render"'],
    [{ backend: 'render', image: 'Bad Image' }, 'Input "image": contains whitespace'],
    [{ backend: 'render', image: 'r.io/app@sha256:123' }, 'Input "image": has the digest "sha256:123"'],
    [{ backend: 'render', image: IMAGE, release: 'orders' }, 'Input "tag": is empty, the image has no tag and this is not a tag build'],
    [{ backend: 'render', image: IMAGE, tag: 'v1', command: 'migrate "up' }, 'Input "command": has an unclosed double quote'],
    [
      { backend: 'render', image: IMAGE, tag: 'v1', resources: '{limits: {memory: lots}}' },
      'Input "resources": "limits.memory" is "lots", not a Kubernetes quantity',
    ],
    [
      { backend: 'render', image: IMAGE, tag: 'v1', 'env-from-secret': 'Orders_DB' },
      'Input "env-from-secret": "Orders_DB" is not a Kubernetes object name',
    ],
    [{ backend: 'render', image: IMAGE, tag: 'v1', 'hook-weight': 'soon' }, 'Input "hook-weight"'],
    [{ backend: 'helm' }, 'Input "backend": not one of the allowed values; expected one of `kubernetes`, `ecs`, `render`, `command`'],
    [{ backend: 'render', image: IMAGE, tag: 'v1', timeout: 'forever' }, 'Input "timeout": not a duration'],
    // `cpu=100m` is YAML text, not a map (it used to end in "Unexpected error: The YAML parser is not loaded").
    [
      { backend: 'render', image: IMAGE, tag: 'v1', resources: 'cpu=100m' },
      'Input "resources": is a single value, not a map of `requests` and `limits`; expected JSON or YAML like `{requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}`. Got: cpu=100m',
    ],
    // A folder, or a path under a file: the input's error before anything is resolved or written (was "Unexpected error: EISDIR").
    [{ backend: 'render', image: IMAGE, tag: 'v1', 'output-file': '/' }, 'Input "output-file": is the folder /, not a file'],
    [
      { backend: 'render', image: IMAGE, tag: 'v1', 'output-file': '/etc/hostname/hook.yaml' },
      'Input "output-file": is under /etc/hostname, which is a file, not a folder',
    ],
  ])('bad input %j → a clear error naming the input', async (inputs, message) => {
    const result = await run({ inputs });
    expectFailure(result, message);
    expect(result.outputs).toEqual({});
  });
});

describe('image tag → digest (the CNCF distribution registry on 127.0.0.1)', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let digest: string;
  beforeAll(async () => {
    registry = await startRegistry();
    // A minimal image: one config blob and a manifest, pushed over the Distribution API.
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }),
    );
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const upload = await fetch(`${registry.url}/v2/ms_orders/blobs/uploads/`, { method: 'POST' });
    const location = new URL(upload.headers.get('location')!, registry.url);
    location.searchParams.set('digest', configDigest);
    expect((await fetch(location, { method: 'PUT', body: config, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(
      201,
    );
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [],
    });
    const put = await fetch(`${registry.url}/v2/ms_orders/manifests/v1.2.3`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(put.status).toBe(201);
    digest = put.headers.get('docker-content-digest')!;
    expect(digest).toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
  });
  afterAll(async () => registry?.stop());

  test('a tag is resolved to its digest, and the Job runs the image by digest', async () => {
    const result = await run({
      inputs: { backend: 'render', release: 'orders', image: `${registry.host}/ms_orders:v1.2.3`, 'dry-run': 'true' },
    });
    expectSuccess(result);
    expect(result.log).toContain(`Resolved ${registry.host}/ms_orders:v1.2.3 to ${digest}`);
    expect(result.log).toContain(`image: ${registry.host}/ms_orders@${digest}`);
    // The tag defaulted from the image's tag.
    expect(result.outputs['job-name']).toBe('orders-migrate-v1-2-3');
  });

  test('a tag the registry does not have fails before anything is written', async () => {
    const result = await run({ inputs: { backend: 'render', release: 'orders', image: `${registry.host}/ms_orders:v9.9.9` } });
    expectFailure(result, `Could not resolve ${registry.host}/ms_orders:v9.9.9 to a digest`);
    expectFailure(result, 'the registry has no tag "v9.9.9" in ms_orders (404)');
  });
});

describe('the registry login goes only where it belongs (the CNCF registry behind the loopback fault proxy)', () => {
  // The registry asks for a bearer token from a token service (realm) on plain http at another host. 0.0.0.0
  // stands for that host: it is not a loopback name, so the rule treats it as any other host on plain http,
  // while Linux delivers its connections to the recorder listening on 127.0.0.1 — so the test can see whether
  // the login would have left.
  const auth = { user: 'ci', password: 'registry-password-7f3a' };
  const basic = Buffer.from(`${auth.user}:${auth.password}`).toString('base64');
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  let dockerConfig: string;
  beforeAll(async () => {
    registry = await startRegistry({ auth });
    recorder = await startRecorder({ token: 'token-from-the-plain-http-realm' });
    proxy = await startFaultProxy(registry.url, (req) =>
      req.method === 'HEAD' && !String(req.headers.authorization ?? '').startsWith('Bearer')
        ? {
            status: 401,
            headers: {
              'www-authenticate': `Bearer realm="http://0.0.0.0:${recorder.port}/token",service="registry",scope="repository:ms_orders:pull"`,
            },
            body: '',
          }
        : undefined,
    );
    dockerConfig = mkdtempSync(join(tmpdir(), 'mj-dockercfg-'));
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [proxy.host]: { auth: basic } } }));
  });
  afterAll(async () => {
    await proxy?.stop();
    await recorder?.close();
    await registry?.stop();
    if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
  });

  test('a token service on plain http at another host is refused: the Docker config login is never sent there', async () => {
    const result = await run({
      inputs: { backend: 'render', release: 'orders', image: `${proxy.host}/ms_orders:v1.2.3`, 'dry-run': 'true' },
      env: { DOCKER_CONFIG: dockerConfig },
      secrets: [auth.password, basic],
    });
    expect(recorder.requests).toEqual([]);
    expectFailure(result, `Refused to ask the token service of ${proxy.host} for a token with the registry login from the Docker config`);
    expectFailure(result, `0.0.0.0:${recorder.port} would receive it over plain http`);
    // The login went to the registry itself (its own host, over loopback http) and nowhere else.
    expect(proxy.log.map((e) => `${e.method} ${e.url}`)).toEqual(['HEAD /v2/ms_orders/manifests/v1.2.3']);
  });
});

describe('every wait of the step ends with its timeout (a loopback server that accepts and never answers)', () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => silent?.close());

  test('a registry that never answers the digest lookup: the step ends at its timeout, naming the registry', async () => {
    const result = await run({
      inputs: { backend: 'render', release: 'orders', image: `${silent.host}/ms_orders:v1.2.3`, timeout: '3s' },
      timeoutMs: 25_000,
    });
    expectFailure(result, `Could not resolve ${silent.host}/ms_orders:v1.2.3 to a digest`);
    expectFailure(
      result,
      `the registry http://${silent.host}/v2/ms_orders/manifests/v1.2.3 could not be reached: the step's timeout ran out`,
    );
    expect(result.durationMs).toBeLessThan(15_000);
    expect(silent.connections()).toBeGreaterThan(0);
  });

  test('a registry that refuses connections: named, with the reason', async () => {
    const port = await closedPort();
    const result = await run({ inputs: { backend: 'render', release: 'orders', image: `127.0.0.1:${port}/ms_orders:v1.2.3` } });
    expectFailure(
      result,
      `the registry http://127.0.0.1:${port}/v2/ms_orders/manifests/v1.2.3 could not be reached: connection refused (ECONNREFUSED)`,
    );
  });
});

const FAKE_MIGRATE = `#!/bin/sh
echo "fake migrate $*"
echo "DATABASE_URL=$DATABASE_URL"
[ -n "$MARKER" ] && echo ran >> "$MARKER"
case "$1" in
  fail) echo "1/u add_column (3ms)"; echo "error: migration failed: duplicate column name" >&2; exit 3 ;;
  hang) echo "waiting for lock"; trap 'echo "got SIGINT, stopping"; exit 130' INT; while :; do sleep 1; done ;;
esac
echo "1/u create_users (12ms)"
echo "2/u add_name (4ms)"
`;

describe('backend: command', () => {
  let server: FileServer;
  let archive: Buffer;
  let workspace: string;
  let toolCache: string;
  const version = 'v4.19.1';
  const asset = 'migrate.linux-amd64.tar.gz';
  beforeAll(async () => {
    archive = makeTarGz({ migrate: FAKE_MIGRATE, LICENSE: 'MIT' });
    const sha = createHash('sha256').update(archive).digest('hex');
    server = await startFileServer(
      new Map<string, ServedFile>([
        [`/golang-migrate/${version}/${asset}`, archive],
        [`/golang-migrate/${version}/sha256sum.txt`, `${'0'.repeat(64)}  migrate.darwin-amd64.tar.gz\n${sha}  ${asset}\n`],
        [`/tampered/${version}/${asset}`, Buffer.concat([archive, Buffer.from('x')])],
        [`/tampered/${version}/sha256sum.txt`, `${sha}  ${asset}\n`],
        // A mirror that serves the release file but no checksum file.
        [`/mirror-no-sums/${version}/${asset}`, archive],
        [`/redirects/${version}/sha256sum.txt`, `${sha}  ${asset}\n`],
      ]),
    );
    // A mirror that sends the release file elsewhere over plain http (0.0.0.0: not a loopback name; Linux
    // still delivers it to this server, which would serve the genuine file).
    server.files.set(`/redirects/${version}/${asset}`, {
      status: 302,
      headers: { location: `http://0.0.0.0:${new URL(server.url).port}/golang-migrate/${version}/${asset}` },
    });
    workspace = mkdtempSync(join(tmpdir(), 'mj-ws-'));
    toolCache = mkdtempSync(join(tmpdir(), 'mj-toolcache-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(toolCache, { recursive: true, force: true });
  });
  const base = (extra: Record<string, string> = {}) => ({
    backend: 'command',
    tool: `golang-migrate@${version}`,
    'tool-base-url': `${server.url}/golang-migrate`,
    ...extra,
  });

  test('downloads the tool, verifies its checksum, runs it, streams and keeps the log', async () => {
    const marker = join(workspace, 'marker-1');
    const result = await run({
      inputs: base({ command: 'migrate up', env: `DATABASE_URL=postgres://db/app\nMARKER=${marker}`, 'log-file': 'logs/migrate.log' }),
      env: { RUNNER_TOOL_CACHE: toolCache },
      cwd: workspace,
    });
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0' });
    expect(result.log).toMatch(/SHA-256 [0-9a-f]{64} verified/);
    expect(result.log).toContain('fake migrate up');
    expect(result.log).toContain('2/u add_name (4ms)');
    expect(result.outputs['log-file']).toBe(join(workspace, 'logs/migrate.log'));
    const log = readFileSync(result.outputs['log-file'], 'utf8');
    expect(log).toBe('fake migrate up\nDATABASE_URL=postgres://db/app\n1/u create_users (12ms)\n2/u add_name (4ms)\n');
    expect(readFileSync(marker, 'utf8')).toBe('ran\n');
    expect(server.requests).toEqual([`/golang-migrate/${version}/${asset}`, `/golang-migrate/${version}/sha256sum.txt`]);
  });

  test('a second run takes the tool from the tool cache (no download), verified against the published checksum', async () => {
    const before = server.requests.length;
    const result = await run({ inputs: base({ command: 'migrate up' }), env: { RUNNER_TOOL_CACHE: toolCache }, cwd: workspace });
    expectSuccess(result);
    expect(result.log).toContain('found in the tool cache');
    expect(result.log).toContain('its release file matches the published checksum');
    // Changed with issue 20: a cache hit is verified too, so the checksum file is fetched (and only it).
    expect(server.requests.slice(before)).toEqual([`/golang-migrate/${version}/sha256sum.txt`]);
  });

  test.each([
    ['an executable alone', false],
    ['an executable with a release file of its own', true],
  ])(
    'a tool cache holding a planted copy (%s) is not run: the genuine release is downloaded, verified and run',
    async (_what, withRelease) => {
      // What another job on a self-hosted runner could leave behind: the tool cache's layout, a marker that says
      // "complete", and a binary of its own.
      const planted = mkdtempSync(join(tmpdir(), 'mj-tc-planted-'));
      const dir = join(planted, 'golang-migrate/4.19.1/amd64');
      const pwned = join(workspace, `pwned-${withRelease}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'migrate'), `#!/bin/sh\necho planted > ${pwned}\necho "fake migrate up"\n`);
      chmodSync(join(dir, 'migrate'), 0o755);
      writeFileSync(join(planted, 'golang-migrate/4.19.1/amd64.complete'), '');
      if (withRelease) {
        mkdirSync(join(dir, '.deploy-kit-release'));
        writeFileSync(join(dir, '.deploy-kit-release', asset), makeTarGz({ migrate: `#!/bin/sh\necho planted > ${pwned}\n` }));
      }
      const before = server.requests.length;
      const result = await run({ inputs: base({ command: 'migrate up' }), env: { RUNNER_TOOL_CACHE: planted }, cwd: workspace });
      try {
        expectSuccess(result);
        expect(existsSync(pwned)).toBe(false);
        expect(result.log).toContain('fake migrate up');
        expect(result.log).toMatch(/SHA-256 [0-9a-f]{64} verified \(published checksum/);
        if (withRelease) expect(result.warnings.join('\n')).toContain('does not match the expected SHA-256');
        else expect(result.log).toContain('holds no release file to verify it by: not used');
        expect(server.requests.slice(before).sort()).toEqual([
          `/golang-migrate/${version}/${asset}`,
          `/golang-migrate/${version}/sha256sum.txt`,
        ]);
      } finally {
        rmSync(planted, { recursive: true, force: true });
      }
    },
  );

  test('a mirror that redirects to plain http at another host is not followed', async () => {
    const before = server.requests.length;
    const result = await run({
      inputs: base({ 'tool-base-url': `${server.url}/redirects`, command: 'migrate up' }),
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc6-')) },
      cwd: workspace,
    });
    expectFailure(
      result,
      `Could not download the release file of golang-migrate ${version} from ${server.url}/redirects/${version}/${asset}`,
    );
    expectFailure(
      result,
      `it redirected to http://0.0.0.0:${new URL(server.url).port}/golang-migrate/${version}/${asset}: 0.0.0.0:${new URL(server.url).port} is plain http`,
    );
    expect(server.requests.slice(before)).toEqual([`/redirects/${version}/${asset}`]);
  });

  test('a mirror that refuses connections: named, with the reason', async () => {
    const port = await closedPort();
    const result = await run({
      inputs: base({ 'tool-base-url': `http://127.0.0.1:${port}/golang-migrate`, command: 'migrate up' }),
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc8-')) },
      cwd: workspace,
    });
    expectFailure(
      result,
      `Could not download the release file of golang-migrate ${version} from http://127.0.0.1:${port}/golang-migrate/${version}/${asset}\nWhy: connection refused (ECONNREFUSED)`,
    );
  });

  test('a mirror that accepts and never answers: the step ends at its timeout, naming the download', async () => {
    const silent = await startSilentServer();
    try {
      const result = await run({
        inputs: base({ 'tool-base-url': `${silent.url}/golang-migrate`, command: 'migrate up', timeout: '3s' }),
        env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc7-')) },
        cwd: workspace,
        timeoutMs: 25_000,
      });
      expectFailure(
        result,
        `Could not download the release file of golang-migrate ${version} from ${silent.url}/golang-migrate/${version}/${asset}`,
      );
      expectFailure(result, "the step's timeout ran out");
      expect(result.durationMs).toBeLessThan(15_000);
    } finally {
      await silent.close();
    }
  });

  test("the tool's output cannot act as a workflow command: it is streamed between stop-commands markers, each line neutralised", async () => {
    const hostile = [
      '::add-mask::x',
      '::error::fake',
      '::stop-commands::t',
      'progress\r::warning::injected',
      '##[error]v1 form',
      '  ::notice::indented',
    ];
    writeFileSync(join(workspace, 'hostile.sh'), `printf '${hostile.join('\\n').replace(/\r/g, '\\r')}\\n'\nexit 3\n`);
    const result = await run({ inputs: { backend: 'command', command: 'sh hostile.sh', 'log-file': 'hostile.log' }, cwd: workspace });
    // Our own error after the tool's output still works: no stop-commands of the tool's took hold.
    expectFailure(result, 'Migration failed: the migration command exited with code 3');
    expect(result.errors).toHaveLength(1);
    expect(result.masked).not.toContain('x');
    expect(result.warnings).toEqual([]);
    expect(result.notices).toEqual([]);
    expect(result.problems).toEqual([]);
    // Every line is visible in the log, and the file keeps the tool's exact output.
    for (const line of ['add-mask::x', 'error::fake', 'stop-commands::t', 'warning::injected', '[error]v1 form'])
      expect(result.log).toContain(line);
    expect(readFileSync(join(workspace, 'hostile.log'), 'utf8')).toBe(`${hostile.join('\n')}\n`);
    // In the raw output the lines sit in one region between ::stop-commands::<random token> and ::<token>::.
    const region = /^::stop-commands::([0-9a-f]{32})\r?\n([\s\S]*?)\r?\n::\1::$/m.exec(result.stdout);
    expect(region).not.toBeNull();
    expect(region![2]).toContain('::add-mask::x');
    expect(region![2]).toContain('::error::fake');
  });

  test("the tool gets an explicit environment: env, env-from-runner and the basics; never INPUT_* or the runner's tokens", async () => {
    const result = await run({
      inputs: {
        backend: 'command',
        command: JSON.stringify(['sh', '-c', 'env | sort']),
        env: 'FROM_ENV_INPUT=1',
        'env-from-runner': 'DB_PASSWORD, PG*',
        // Given to this step (ignored by the command backend, with a warning): it must not reach the tool.
        kubeconfig: 'apiVersion: v1 # kubeconfig-marker-91c2',
        'log-file': 'env.log',
      },
      env: {
        DB_PASSWORD: 'db-pw',
        PGHOST: 'db.internal',
        UNLISTED_VARIABLE: 'not-asked-for',
        ACTIONS_RUNTIME_TOKEN: 'runtime-token-5d1e',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-77aa',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/oidc',
        GITHUB_TOKEN: 'ghs_step_token_3b9f',
      },
      cwd: workspace,
    });
    expectSuccess(result);
    const names = readFileSync(join(workspace, 'env.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=')[0]);
    expect(names).toEqual(expect.arrayContaining(['DB_PASSWORD', 'PGHOST', 'FROM_ENV_INPUT', 'PATH', 'HOME']));
    expect(names.filter((name) => /^(INPUT_|STATE_|ACTIONS_|GITHUB_TOKEN$|UNLISTED_VARIABLE$)/.test(name))).toEqual([]);
    expect(readFileSync(join(workspace, 'env.log'), 'utf8')).not.toContain('kubeconfig-marker-91c2');
  });

  test('a failing migration: exit code surfaced, last lines in the summary, step fails', async () => {
    const result = await run({ inputs: base({ command: 'migrate fail' }), env: { RUNNER_TOOL_CACHE: toolCache }, cwd: workspace });
    expectFailure(result, 'Migration failed: the migration command exited with code 3');
    expect(result.outputs).toMatchObject({ status: 'failed', 'exit-code': '3' });
    expect(result.summary).toContain('error: migration failed: duplicate column name');
  });

  test('a hung migration is stopped at the timeout with SIGINT and reported as timed-out', async () => {
    const result = await run({
      inputs: base({ command: 'migrate hang', timeout: '2s' }),
      env: { RUNNER_TOOL_CACHE: toolCache },
      cwd: workspace,
      timeoutMs: 30_000,
    });
    expectFailure(result, 'Migration timed out: the migration command did not finish within 2s');
    expect(result.outputs.status).toBe('timed-out');
    expect(result.outputs['exit-code']).toBe('130');
    expect(result.log).toContain('got SIGINT, stopping');
  });

  test('cancelled (SIGINT from the runner): SIGINT is passed on to the tool, which stops after its current step', async () => {
    const marker = join(workspace, 'marker-cancel');
    let child: import('node:child_process').ChildProcess | undefined;
    const pending = run({
      inputs: base({ command: 'migrate hang', env: `MARKER=${marker}` }),
      env: { RUNNER_TOOL_CACHE: toolCache },
      cwd: workspace,
      timeoutMs: 30_000,
      onSpawn: (c) => (child = c),
    });
    const until = Date.now() + 15_000;
    while (!existsSync(marker) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300)); // the tool's trap is set right after the marker
    child!.kill('SIGINT');
    const result = await pending;
    expectFailure(result, 'Migration cancelled: the workflow run was cancelled; the migration command stopped with exit code 130');
    expect(result.outputs).toMatchObject({ status: 'cancelled', 'exit-code': '130' });
    expect(result.log).toContain('sending SIGINT to the migration command');
    expect(result.log).toContain('got SIGINT, stopping');
  });

  test('a checksum mismatch installs and runs nothing', async () => {
    const marker = join(workspace, 'marker-tampered');
    const result = await run({
      inputs: {
        backend: 'command',
        tool: `golang-migrate@${version}`,
        'tool-base-url': `${server.url}/tampered`,
        command: 'migrate up',
        env: `MARKER=${marker}`,
      },
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc2-')) },
      cwd: workspace,
    });
    expectFailure(result, `Checksum mismatch for ${asset}`);
    expect(existsSync(marker)).toBe(false);
  });

  test('a mirror without the checksum file: refused, saying to pin tool-checksum; pinned, it installs without fetching one', async () => {
    const mirror = { 'tool-base-url': `${server.url}/mirror-no-sums` };
    const refused = await run({
      inputs: base({ ...mirror, command: 'migrate -version' }),
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc4-')) },
      cwd: workspace,
    });
    expectFailure(
      refused,
      `Could not download the checksum file of golang-migrate ${version} from ${server.url}/mirror-no-sums/${version}/sha256sum.txt`,
    );
    expectFailure(refused, "pin the release file's SHA-256 with `tool-checksum`");
    const before = server.requests.length;
    const sha = createHash('sha256').update(archive).digest('hex');
    const pinned = await run({
      inputs: base({ ...mirror, command: 'migrate -version', 'tool-checksum': `sha256:${sha}` }),
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc5-')) },
      cwd: workspace,
    });
    expectSuccess(pinned);
    expect(server.requests.slice(before)).toEqual([`/mirror-no-sums/${version}/${asset}`]);
  });

  test('a pinned tool-checksum that does not match fails before extracting', async () => {
    const result = await run({
      inputs: base({ command: 'migrate up', 'tool-checksum': 'f'.repeat(64) }),
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc3-')) },
      cwd: workspace,
    });
    expectFailure(result, `expected SHA-256 ${'f'.repeat(64)} (tool-checksum)`);
  });

  test.each([
    [{ tool: 'golang-migrate@v9.9.9', command: 'migrate up' }, 'Could not download the release file of golang-migrate v9.9.9'],
    [{ tool: 'flyway@v1.0.0', command: 'migrate up' }, 'Input "tool": names the unknown tool "flyway"'],
    [{ command: '' }, 'Input "command": is required with backend "command"'],
    [{ tool: '', command: 'no-such-migrate-tool up' }, 'the command "no-such-migrate-tool" was not found'],
    [{ 'tool-checksum': 'abc', command: 'x' }, 'Input "tool-checksum": is not a SHA-256 hash'],
    [{ 'tool-base-url': 'ftp://mirror', command: 'x' }, 'Input "tool-base-url": has the wrong form; expected an http(s) URL'],
    // Plain http: the release file and its checksum file could both be replaced on the way (was accepted silently).
    [
      { 'tool-base-url': 'http://mirror.example.com/golang-migrate', command: 'x' },
      'Input "tool-base-url": is plain http to mirror.example.com, so the download and the checksum it is verified by could both be changed on the way',
    ],
    [
      { 'tool-base-url': 'http://mirror.example.com/golang-migrate', command: 'x', 'dry-run': 'true' },
      'Input "tool-base-url": is plain http to mirror.example.com',
    ],
    [{ 'log-file': '/', command: 'x' }, 'Input "log-file": is the folder /, not a file'],
    [{ 'working-directory': 'no-such-folder', command: 'x' }, 'Input "working-directory": the folder'],
  ])('%j → clear error', async (extra, message) => {
    const result = await run({
      inputs: { ...base(), ...extra },
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc4-')) },
      cwd: workspace,
    });
    expectFailure(result, message);
  });

  test('dry-run says what it would install and run, and runs nothing', async () => {
    const before = server.requests.length;
    const result = await run({ inputs: base({ command: 'migrate up', 'dry-run': 'true' }), cwd: workspace });
    expectSuccess(result);
    expect(result.outputs.status).toBe('planned');
    expect(result.log).toContain('[dry-run] would install golang-migrate v4.19.1');
    expect(result.log).toContain('[dry-run] would run `migrate up`');
    expect(server.requests.length).toBe(before);
  });
});

describe('backend: command with golang-migrate against a real PostgreSQL (seed 003)', () => {
  let pg: Postgres;
  let workspace: string;
  const migrate = toolBinary('migrate');
  beforeAll(async () => {
    pg = await startPostgres();
    workspace = mkdtempSync(join(tmpdir(), 'mj-pgws-'));
    cpSync(join(FIXTURES, 'migrations'), join(workspace, 'db/migrations'), { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  }, 30_000);

  test('applies the migrations; a re-run applies nothing and succeeds; a broken migration fails with its exit code', async () => {
    const inputs = {
      backend: 'command',
      command: `${migrate} -path db/migrations -database "$DATABASE_URL" up`,
      env: `DATABASE_URL=${pg.url}`,
    };
    // The command input does not expand $DATABASE_URL (no shell): pass it through a shell explicitly.
    const viaShell = { ...inputs, command: `sh -c '${migrate} -path db/migrations -database "$DATABASE_URL" up'` };
    const first = await run({ inputs: viaShell, cwd: workspace });
    expectSuccess(first);
    expect(first.log).toMatch(/1\/u create_users/);
    expect(first.log).toMatch(/2\/u add_name/);
    expect(pg.psql('select version, dirty from schema_migrations').trim()).toBe('2|f');
    expect(
      pg.psql("select column_name from information_schema.columns where table_name='users' order by ordinal_position").trim().split('\n'),
    ).toEqual(['id', 'email', 'created_at', 'name']);

    const again = await run({ inputs: viaShell, cwd: workspace });
    expectSuccess(again);
    expect(again.log).toContain('no change');

    writeFileSync(join(workspace, 'db/migrations/000003_broken.up.sql'), 'ALTER TABLE nope ADD COLUMN x int;');
    writeFileSync(join(workspace, 'db/migrations/000003_broken.down.sql'), '');
    const broken = await run({ inputs: viaShell, cwd: workspace });
    expectFailure(broken, 'the migration command exited with code 1');
    expect(broken.outputs['exit-code']).toBe('1');
    expect(broken.summary).toContain('relation "nope" does not exist');
    expect(pg.psql('select version, dirty from schema_migrations').trim()).toBe('3|t');
  }, 60_000);
});
