// migrate-job `backend: command` with `tool:`, the @actions/cache path, through a real cache service: the
// workflow runner nektos/act (pinned, from .ci/install-tools) on the host (`-P ubuntu-latest=-self-hosted`:
// no Docker engine here) with its built-in cache server (the v1 `_apis/artifactcache` protocol, which
// @actions/cache 6.x speaks unless ACTIONS_CACHE_SERVICE_V2 is set) bound to 127.0.0.1. The same workflow
// runs twice, as on two fresh runners: the first run downloads the tool from a loopback archive server,
// verifies it and saves it to the cache; the runner's tool cache is then emptied (a new machine; same
// paths, as hosted runners have), and the second run restores the tool from the cache service — the
// archive server gets no download, only the checksum file the restored copy is verified against (issue
// 20: a cache hit is verified like a download), and the tool runs from the verified release file
// extracted into a folder of that run, not from the cache.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './harness.js';
import { runProcess } from './lib/process.mjs';
import { makeTarGz, startFileServer, toolBinary, type FileServer } from './migrate-job-support.js';
import { runnerPath } from './lib/services.mjs';

jest.setTimeout(120_000);

const VERSION = 'v4.19.1';
const ASSET = 'migrate.linux-amd64.tar.gz';
const FAKE_MIGRATE = `#!/bin/sh
echo "fake migrate $* from $(dirname "$0")"
`;

const WORKFLOW = `name: migrate-tool-cache
on: push
jobs:
  migrate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: m
        uses: ./migrate-job
        with:
          backend: command
          tool: golang-migrate@${VERSION}
          tool-base-url: \${{ env.TOOL_BASE_URL }}
          command: migrate up
      - env:
          STATUS: \${{ steps.m.outputs.status }}
        run: echo "RESULT status=$STATUS"
`;

let server: FileServer;
let work: string;
let repo: string;
let home: string;
let cacheDir: string;

beforeAll(async () => {
  toolBinary('act'); // fails with "run .ci/install-tools act" when missing
  const archive = makeTarGz({ migrate: FAKE_MIGRATE, LICENSE: 'MIT' });
  const sha = createHash('sha256').update(archive).digest('hex');
  // A mirror that serves another file, with a checksum file to match it: a run pointed at it saves that
  // file to the Actions cache under the same key as the genuine release.
  const poisoned = makeTarGz({ migrate: '#!/bin/sh\necho "POISONED-BINARY-RAN"\n' });
  const poisonedSha = createHash('sha256').update(poisoned).digest('hex');
  server = await startFileServer(
    new Map<string, Buffer | string>([
      [`/golang-migrate/${VERSION}/${ASSET}`, archive],
      [`/golang-migrate/${VERSION}/sha256sum.txt`, `${sha}  ${ASSET}\n`],
      [`/poisoned/${VERSION}/${ASSET}`, poisoned],
      [`/poisoned/${VERSION}/sha256sum.txt`, `${poisonedSha}  ${ASSET}\n`],
    ]),
  );
  work = mkdtempSync(join(tmpdir(), 'mj-act-cache-'));
  repo = join(work, 'repo');
  home = join(work, 'home');
  cacheDir = join(work, 'actcache');
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  mkdirSync(home);
  cpSync(join(REPO_ROOT, 'migrate-job/action.yml'), join(repo, 'migrate-job/action.yml'));
  cpSync(join(REPO_ROOT, 'dist/migrate-job'), join(repo, 'dist/migrate-job'), { recursive: true });
  writeFileSync(join(repo, '.github/workflows/migrate.yml'), WORKFLOW);
  const gitEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: gitEnv, stdio: 'pipe' });
  git('init', '-q');
  git('remote', 'add', 'origin', 'https://github.com/example-org/sample-service.git');
  git('add', '-A');
  git('commit', '-q', '-m', 'sample');
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** One `act push` run of the workflow (bounded: 90 s), with the cache server on 127.0.0.1 storing in `cacheDir`. */
function act(mirror = 'golang-migrate', cache = cacheDir): Promise<{ code: number | null; output: string }> {
  const args = [
    'push',
    '-W',
    '.github/workflows/migrate.yml',
    '-P',
    'ubuntu-latest=-self-hosted',
    '--action-offline-mode',
    '--cache-server-addr',
    '127.0.0.1',
    '--cache-server-port',
    '0',
    '--cache-server-path',
    cache,
    '--env',
    `TOOL_BASE_URL=${server.url}/${mirror}`,
  ];
  return runProcess(toolBinary('act'), args, {
    cwd: repo,
    env: { HOME: home, PATH: runnerPath(), LANG: 'C.UTF-8' },
    timeoutMs: 90_000,
  });
}

test("the second runner restores the tool from the Actions cache (act's cache server), with no download", async () => {
  const first = await act();
  const explain = (run: { output: string }) => `act output:\n${run.output.slice(-6000)}`;
  expect({ code: first.code, explain: explain(first) }).toMatchObject({ code: 0 });
  expect(first.output).toContain(`golang-migrate ${VERSION}: downloading ${server.url}/golang-migrate/${VERSION}/${ASSET}`);
  expect(first.output).toMatch(
    /golang-migrate v4\.19\.1: saved to the Actions cache \(key deploy-kit-migrate-golang-migrate-v4\.19\.1-linux-amd64-release\)/,
  );
  expect(first.output).toContain('RESULT status=succeeded');
  expect(server.requests).toEqual([`/golang-migrate/${VERSION}/${ASSET}`, `/golang-migrate/${VERSION}/sha256sum.txt`]);
  expect(readdirSync(cacheDir).length).toBeGreaterThan(0);

  // A new runner: nothing in its tool cache (same paths, as on hosted runners); the cache service stays.
  const toolCache = join(home, '.cache/act/tool_cache');
  expect(existsSync(join(toolCache, 'golang-migrate'))).toBe(true);
  rmSync(toolCache, { recursive: true, force: true });

  const second = await act();
  expect({ code: second.code, explain: explain(second) }).toMatchObject({ code: 0 });
  expect(second.output).toMatch(
    /golang-migrate v4\.19\.1: restored from the Actions cache \(key deploy-kit-migrate-golang-migrate-v4\.19\.1-linux-amd64-release\); its release file matches the published checksum/,
  );
  expect(second.output).not.toContain('downloading');
  // Changed with issue 20 (was: run from …tool_cache/golang-migrate/4.19.1/amd64, no request at all).
  expect(second.output).toMatch(/fake migrate up from \S*\/golang-migrate-[^/\s]+\/bin/);
  expect(second.output).toContain('Cache restored successfully');
  expect(second.output).toContain('RESULT status=succeeded');
  expect(server.requests).toEqual([
    `/golang-migrate/${VERSION}/${ASSET}`,
    `/golang-migrate/${VERSION}/sha256sum.txt`,
    `/golang-migrate/${VERSION}/sha256sum.txt`,
  ]);
});

test('a poisoned Actions cache entry (another file under the same key) is not run: the genuine release is downloaded and verified', async () => {
  const explain = (run: { output: string }) => `act output:\n${run.output.slice(-6000)}`;
  const poisonedCache = join(work, 'actcache-poisoned');
  const toolCache = join(home, '.cache/act/tool_cache');
  rmSync(toolCache, { recursive: true, force: true });
  // A run pointed at the other mirror saves its file under the key every run of this tool version uses.
  const poisoning = await act('poisoned', poisonedCache);
  expect({ code: poisoning.code, explain: explain(poisoning) }).toMatchObject({ code: 0 });
  expect(poisoning.output).toContain('POISONED-BINARY-RAN');
  expect(poisoning.output).toMatch(/saved to the Actions cache/);
  rmSync(toolCache, { recursive: true, force: true });

  const before = server.requests.length;
  const genuine = await act('golang-migrate', poisonedCache);
  expect({ code: genuine.code, explain: explain(genuine) }).toMatchObject({ code: 0 });
  expect(genuine.output).not.toContain('POISONED-BINARY-RAN');
  expect(genuine.output).toContain('Cache restored successfully');
  expect(genuine.output).toMatch(/restored from the Actions cache \([^)]*\) does not match the expected SHA-256/);
  expect(genuine.output).toMatch(/fake migrate up from /);
  expect(server.requests.slice(before).sort()).toEqual([`/golang-migrate/${VERSION}/${ASSET}`, `/golang-migrate/${VERSION}/sha256sum.txt`]);
});
