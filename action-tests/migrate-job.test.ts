// migrate-job's `render` and `command` backends, run from the bundle (dist/migrate-job/index.js) as the runner
// runs it: the Helm hook checked by a real helm (lint + template on a sample chart), a migration tool
// downloaded from a loopback server with its checksum verified, and golang-migrate (built from source
// by .ci/install-tools) applying real migration files to a throwaway PostgreSQL.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT, expectFailure, expectSuccess, runAction, type RunActionOptions } from './harness.js';
import { makeTarGz, startFileServer, startPostgres, toolBinary, type FileServer, type Postgres } from './migrate-job-support.js';
import { startRegistry } from './lib/services.mjs';
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
    expect(result.outputs).toMatchObject({ status: 'rendered', 'job-name': 'orders-migrate-v1-2-3', 'manifest-file': out, 'exit-code': '' });
    const job = parse(readFileSync(out, 'utf8'));
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-10',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300, ttlSecondsAfterFinished: 86400 });
    expect(job.spec.template.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'migrator' });
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: IMAGE, command: ['/app/migrate'], args: ['up'], envFrom: [{ secretRef: { name: 'orders-db' } }] });

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
    const result = await run({ inputs: { backend: 'render', release: 'orders', tag: 'v2.0.0', image: IMAGE, 'output-file': out, 'dry-run': 'true' } });
    expectSuccess(result);
    expect(result.outputs.status).toBe('planned');
    expect(existsSync(out)).toBe(false);
    expect(result.log).toContain('helm.sh/hook: pre-install,pre-upgrade');
    expect(result.log).toContain('name: orders-migrate-v2-0-0');
  });

  test('the tag defaults to the pushed tag; the release to the repository name', async () => {
    const out = join(chart, 'templates/default-names.yaml');
    const result = await run({ inputs: { backend: 'render', image: IMAGE, 'output-file': out }, ref: 'refs/tags/v3.1.0', repository: 'example-org/payments' });
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
    [{ backend: 'render', image: IMAGE, tag: 'v1', resources: '{limits: {memory: lots}}' }, 'Input "resources": "limits.memory" is "lots", not a Kubernetes quantity'],
    [{ backend: 'render', image: IMAGE, tag: 'v1', 'env-from-secret': 'Orders_DB' }, 'Input "env-from-secret": "Orders_DB" is not a Kubernetes object name'],
    [{ backend: 'render', image: IMAGE, tag: 'v1', 'hook-weight': 'soon' }, 'Input "hook-weight"'],
    [{ backend: 'helm' }, 'Input "backend": not one of the allowed values; expected one of `kubernetes`, `ecs`, `render`, `command`'],
    [{ backend: 'render', image: IMAGE, tag: 'v1', timeout: 'forever' }, 'Input "timeout": not a duration'],
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
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const upload = await fetch(`${registry.url}/v2/ms_orders/blobs/uploads/`, { method: 'POST' });
    const location = new URL(upload.headers.get('location')!, registry.url);
    location.searchParams.set('digest', configDigest);
    expect((await fetch(location, { method: 'PUT', body: config, headers: { 'content-type': 'application/octet-stream' } })).status).toBe(201);
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length }, layers: [] });
    const put = await fetch(`${registry.url}/v2/ms_orders/manifests/v1.2.3`, { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(put.status).toBe(201);
    digest = put.headers.get('docker-content-digest')!;
    expect(digest).toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
  });
  afterAll(async () => registry?.stop());

  test('a tag is resolved to its digest, and the Job runs the image by digest', async () => {
    const result = await run({ inputs: { backend: 'render', release: 'orders', image: `${registry.host}/ms_orders:v1.2.3`, 'dry-run': 'true' } });
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
      new Map<string, Buffer | string>([
        [`/golang-migrate/${version}/${asset}`, archive],
        [`/golang-migrate/${version}/sha256sum.txt`, `${'0'.repeat(64)}  migrate.darwin-amd64.tar.gz\n${sha}  ${asset}\n`],
        [`/tampered/${version}/${asset}`, Buffer.concat([archive, Buffer.from('x')])],
        [`/tampered/${version}/sha256sum.txt`, `${sha}  ${asset}\n`],
        // A mirror that serves the release file but no checksum file.
        [`/mirror-no-sums/${version}/${asset}`, archive],
      ]),
    );
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

  test('a second run takes the tool from the tool cache (no download)', async () => {
    const before = server.requests.length;
    const result = await run({ inputs: base({ command: 'migrate up' }), env: { RUNNER_TOOL_CACHE: toolCache }, cwd: workspace });
    expectSuccess(result);
    expect(result.log).toContain('found in the tool cache');
    expect(server.requests.length).toBe(before);
  });

  test('a failing migration: exit code surfaced, last lines in the summary, step fails', async () => {
    const result = await run({ inputs: base({ command: 'migrate fail' }), env: { RUNNER_TOOL_CACHE: toolCache }, cwd: workspace });
    expectFailure(result, 'Migration failed: the migration command exited with code 3');
    expect(result.outputs).toMatchObject({ status: 'failed', 'exit-code': '3' });
    expect(result.summary).toContain('error: migration failed: duplicate column name');
  });

  test('a hung migration is stopped at the timeout with SIGINT and reported as timed-out', async () => {
    const result = await run({ inputs: base({ command: 'migrate hang', timeout: '2s' }), env: { RUNNER_TOOL_CACHE: toolCache }, cwd: workspace, timeoutMs: 30_000 });
    expectFailure(result, 'Migration timed out: the migration command did not finish within 2s');
    expect(result.outputs.status).toBe('timed-out');
    expect(result.outputs['exit-code']).toBe('130');
    expect(result.log).toContain('got SIGINT, stopping');
  });

  test('cancelled (SIGINT from the runner): SIGINT is passed on to the tool, which stops after its current step', async () => {
    const marker = join(workspace, 'marker-cancel');
    let child: import('node:child_process').ChildProcess | undefined;
    const pending = run({ inputs: base({ command: 'migrate hang', env: `MARKER=${marker}` }), env: { RUNNER_TOOL_CACHE: toolCache }, cwd: workspace, timeoutMs: 30_000, onSpawn: (c) => (child = c) });
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
      inputs: { backend: 'command', tool: `golang-migrate@${version}`, 'tool-base-url': `${server.url}/tampered`, command: 'migrate up', env: `MARKER=${marker}` },
      env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc2-')) },
      cwd: workspace,
    });
    expectFailure(result, `Checksum mismatch for ${asset}`);
    expect(existsSync(marker)).toBe(false);
  });

  test('a mirror without the checksum file: refused, saying to pin tool-checksum; pinned, it installs without fetching one', async () => {
    const mirror = { 'tool-base-url': `${server.url}/mirror-no-sums` };
    const refused = await run({ inputs: base({ ...mirror, command: 'migrate -version' }), env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc4-')) }, cwd: workspace });
    expectFailure(refused, `Could not download the checksum file of golang-migrate ${version} from ${server.url}/mirror-no-sums/${version}/sha256sum.txt`);
    expectFailure(refused, 'pin the release file\'s SHA-256 with `tool-checksum`');
    const before = server.requests.length;
    const sha = createHash('sha256').update(archive).digest('hex');
    const pinned = await run({ inputs: base({ ...mirror, command: 'migrate -version', 'tool-checksum': `sha256:${sha}` }), env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc5-')) }, cwd: workspace });
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
  ])('%j → clear error', async (extra, message) => {
    const result = await run({ inputs: { ...base(), ...extra }, env: { RUNNER_TOOL_CACHE: mkdtempSync(join(tmpdir(), 'mj-tc4-')) }, cwd: workspace });
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
    const inputs = { backend: 'command', command: `${migrate} -path db/migrations -database "$DATABASE_URL" up`, env: `DATABASE_URL=${pg.url}` };
    // The command input does not expand $DATABASE_URL (no shell): pass it through a shell explicitly.
    const viaShell = { ...inputs, command: `sh -c '${migrate} -path db/migrations -database "$DATABASE_URL" up'` };
    const first = await run({ inputs: viaShell, cwd: workspace });
    expectSuccess(first);
    expect(first.log).toMatch(/1\/u create_users/);
    expect(first.log).toMatch(/2\/u add_name/);
    expect(pg.psql('select version, dirty from schema_migrations').trim()).toBe('2|f');
    expect(pg.psql("select column_name from information_schema.columns where table_name='users' order by ordinal_position").trim().split('\n')).toEqual(['id', 'email', 'created_at', 'name']);

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
