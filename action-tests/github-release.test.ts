// github-release, run from its bundle (dist/github-release/index.js) exactly as the runner runs it,
// against the GitHub API contract fake (every request and answer checked against @octokit/openapi:
// releases, generated notes, assets listed, deleted and uploaded on the uploads host): a production
// release with notes since the previous release tag, images by digest and sums, the binaries and
// SHA256SUMS attached; the re-run that updates the same release and attaches nothing twice; a changed
// binary replaced; an rc as a prerelease; a token without `contents: write`; an upload_url on another
// host (the token is not sent there); and GitHub Enterprise Server (/api/v3, uploads at /api/uploads,
// assets without digests).
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitHubFake, startGitHubFake } from './fakes/github/index.mjs';
import {
  DEFAULT_REPOSITORY,
  DEFAULT_TOKEN,
  expectFailure,
  expectSuccess,
  runAction,
  type RunActionOptions,
  type RunResult,
} from './harness.js';

jest.setTimeout(60_000);

const ACTION = 'github-release';
const READ_ONLY = 'ghp_ContentsReadOnly0123456789abcdefghij';
const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const TAGS = { 'v1.3.0': {}, 'v1.3.1': {}, 'v1.4.0-rc.1': {}, 'v1.4.0-rc.2': {}, 'v1.4.0': {}, 'v2.0.0-alpha.1': {} };
const sha = (data: string) => createHash('sha256').update(data).digest('hex');

const imagesJson = JSON.stringify({
  tag: 'v1.4.0',
  services: [
    { service: 'core', image: `${REG}/ms_core`, tags: [`${REG}/ms_core:v1.4.0`] },
    { service: 'payments', image: `${REG}/ms_payments`, tags: [`${REG}/ms_payments:v1.4.0`] },
  ],
});
const artifactsJson = JSON.stringify({ digests: { [`${REG}/ms_core:v1.4.0`]: D1, [`${REG}/ms_payments:v1.4.0`]: D2 } });

function workspace(binaries: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'github-release-ws-'));
  mkdirSync(join(root, 'bin_arm64/ms'), { recursive: true });
  for (const [name, data] of Object.entries(binaries)) writeFileSync(join(root, 'bin_arm64/ms', name), data);
  return root;
}

async function fakeWith(options: Parameters<typeof startGitHubFake>[0] = {}): Promise<GitHubFake> {
  return startGitHubFake({
    repos: { [DEFAULT_REPOSITORY]: { tags: TAGS } },
    tokens: {
      [DEFAULT_TOKEN]: { login: 'github-actions[bot]', permissions: { contents: 'write' } },
      [READ_ONLY]: { login: 'reader', permissions: { contents: 'read' } },
    },
    ...options,
  });
}

let fake: GitHubFake;
const extra: GitHubFake[] = [];

beforeAll(async () => {
  fake = await fakeWith();
});

afterAll(async () => {
  await Promise.all([fake?.close(), ...extra.map((f) => f.close())]);
});

afterEach(() => {
  for (const f of [fake, ...extra]) {
    const problems = f.describeViolations();
    f.clearLog();
    if (problems) throw new Error(`GitHub API contract violations (@octokit/openapi):\n${problems}`);
  }
});

function run(on: GitHubFake, inputs: Record<string, string>, options: RunActionOptions = {}): Promise<RunResult> {
  return runAction(ACTION, {
    inputs,
    secrets: [READ_ONLY],
    timeoutMs: 30_000,
    ...options,
    env: { GITHUB_API_URL: on.apiUrl, ...options.env },
  });
}

describe('a production release', () => {
  const binaries = { ms_core: 'core binary v1.4.0', ms_payments: 'payments binary v1.4.0' };
  let cwd: string;
  let first: RunResult;

  beforeAll(async () => {
    cwd = workspace(binaries);
    first = await run(fake, { files: 'bin_arm64/ms/*', images: imagesJson, artifacts: artifactsJson }, { ref: 'refs/tags/v1.4.0', cwd });
  });

  test('is created with notes since the previous release tag, the images by digest and the sums; the binaries and SHA256SUMS attached', () => {
    expectSuccess(first);
    const [release] = fake.releases(DEFAULT_REPOSITORY);
    expect(fake.releases(DEFAULT_REPOSITORY)).toHaveLength(1);
    expect(release).toMatchObject({ tag: 'v1.4.0', name: 'v1.4.0', draft: false, prerelease: false, makeLatest: 'true', latest: true });
    expect(release!.body).toContain("## What's Changed");
    expect(release!.body).toContain('/compare/v1.3.1...v1.4.0');
    expect(release!.body).toContain(`| core | \`${REG}/ms_core@${D1}\` |`);
    expect(release!.body).toContain(`| payments | \`${REG}/ms_payments@${D2}\` |`);
    const sums = `${sha(binaries.ms_core)}  ms_core\n${sha(binaries.ms_payments)}  ms_payments\n`;
    expect(release!.body).toContain(sums);
    expect(release!.assets.map((a) => [a.name, a.contentType, a.data.toString()])).toEqual([
      ['ms_core', 'application/octet-stream', binaries.ms_core],
      ['ms_payments', 'application/octet-stream', binaries.ms_payments],
      ['SHA256SUMS', 'application/octet-stream', sums],
    ]);
    expect(first.outputs).toMatchObject({
      'release-id': String(release!.id),
      'html-url': `https://github.com/${DEFAULT_REPOSITORY}/releases/tag/v1.4.0`,
      created: 'true',
      'previous-tag': 'v1.3.1',
      uploaded: '3',
      skipped: '0',
      replaced: '0',
    });
    expect(first.outputs['upload-url']).toBe(`${fake.uploadsUrl}/repos/${DEFAULT_REPOSITORY}/releases/${release!.id}/assets{?name,label}`);
    expect(fake.stats().byOperation).toEqual({
      'repos/get-release-by-tag': 1,
      'repos/list-releases': 1,
      'git/list-matching-refs': 1,
      'repos/generate-release-notes': 1,
      'repos/create-release': 1,
      'repos/upload-release-asset': 3,
      'repos/update-release': 1,
    });
    // Created as a draft, published once its files are attached.
    expect(first.groups).toEqual(['Find the release', 'Write the notes', 'Create the release', 'Attach the assets', 'Publish the release']);
    expect(first.summary).toContain('### github-release v1.4.0');
  });

  test('a re-run updates the same release and attaches nothing twice', async () => {
    const before = fake.releases(DEFAULT_REPOSITORY)[0]!;
    const again = await run(
      fake,
      { files: 'bin_arm64/ms/*', images: imagesJson, artifacts: artifactsJson },
      { ref: 'refs/tags/v1.4.0', cwd },
    );
    expectSuccess(again);
    const after = fake.releases(DEFAULT_REPOSITORY);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before.id);
    expect(after[0]!.body).toBe(before.body);
    expect(after[0]!.assets.map((a) => a.id)).toEqual(before.assets.map((a) => a.id));
    expect(again.outputs).toMatchObject({ 'release-id': String(before.id), created: 'false', uploaded: '0', skipped: '3', replaced: '0' });
    expect(fake.stats().byOperation).toEqual({
      'repos/get-release-by-tag': 1,
      'git/list-matching-refs': 1,
      'repos/generate-release-notes': 1,
      'repos/update-release': 1,
      'repos/list-release-assets': 1,
    });
  });

  test('a changed binary is replaced (and SHA256SUMS with it), and the log says so', async () => {
    writeFileSync(join(cwd, 'bin_arm64/ms/ms_core'), 'core binary v1.4.0, rebuilt');
    const r = await run(fake, { files: 'bin_arm64/ms/*' }, { ref: 'refs/tags/v1.4.0', cwd });
    expectSuccess(r);
    expect(r.outputs).toMatchObject({ uploaded: '2', skipped: '1', replaced: '2' });
    expect(r.log).toMatch(/ms_core: replacing asset \d+: different content: sha256:/);
    const [release] = fake.releases(DEFAULT_REPOSITORY);
    expect(release!.assets.map((a) => a.name).sort()).toEqual(['SHA256SUMS', 'ms_core', 'ms_payments']);
    expect(release!.assets.find((a) => a.name === 'ms_core')!.data.toString()).toBe('core binary v1.4.0, rebuilt');
    expect(fake.stats().byOperation['repos/delete-release-asset']).toBe(2);
  });
});

test('an rc with prerelease: auto is a prerelease and never the latest release', async () => {
  const r = await run(fake, { 'generate-notes': 'false', body: 'Release candidate.' }, { ref: 'refs/tags/v1.4.0-rc.2' });
  expectSuccess(r);
  const release = fake.releases(DEFAULT_REPOSITORY).find((x) => x.tag === 'v1.4.0-rc.2')!;
  expect(release).toMatchObject({ prerelease: true, makeLatest: 'false', latest: false, body: 'Release candidate.' });
  expect(fake.stats().byOperation).toEqual({ 'repos/get-release-by-tag': 1, 'repos/list-releases': 1, 'repos/create-release': 1 });
});

test('a token without contents: write fails with what it needs, before any asset is sent', async () => {
  const r = await run(fake, { token: READ_ONLY, files: 'bin_arm64/ms/*' }, { ref: 'refs/tags/v1.3.1', cwd: workspace({ ms_core: 'x' }) });
  expectFailure(r, /Could not generate the release notes of v1\.3\.1 in example-org\/sample-service/);
  expect(r.log).toContain('permissions: contents: write');
  expect(fake.releases(DEFAULT_REPOSITORY).some((x) => x.tag === 'v1.3.1')).toBe(false);
});

test('an upload_url on another host gets no token: the upload is refused before it is sent', async () => {
  const other = await fakeWith({ uploadsHost: 'separate' });
  extra.push(other);
  const r = await run(
    other,
    { files: 'bin_arm64/ms/*', 'generate-notes': 'false' },
    { ref: 'refs/tags/v1.4.0', cwd: workspace({ ms_core: 'x' }) },
  );
  expectFailure(r, /refused: the token is sent only to 127\.0\.0\.1:\d+ \(GITHUB_API_URL\)/);
  expect(other.uploadsUrl).not.toBe(other.url);
  expect(other.requests.filter((q) => q.operationId === 'repos/upload-release-asset')).toEqual([]);
  expect(other.releases(DEFAULT_REPOSITORY)[0]!.assets).toEqual([]);
});

test('GitHub Enterprise Server: the API under /api/v3, uploads under /api/uploads, assets without digests: a re-run still skips them', async () => {
  const ghes = await fakeWith({ flavor: 'ghes-3.17', assetDigests: false });
  extra.push(ghes);
  const cwd = workspace({ ms_core: 'core', ms_payments: 'payments' });
  const first = await run(ghes, { files: 'bin_arm64/ms/*' }, { ref: 'refs/tags/v1.4.0', cwd, env: { GITHUB_SERVER_URL: ghes.serverUrl } });
  expectSuccess(first);
  expect(first.outputs['upload-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/uploads\/repos\//);
  expect(
    ghes.requests.filter((q) => q.operationId === 'repos/upload-release-asset').map((q) => q.path.split('?')[0]!.replace(/\d+/g, 'N')),
  ).toEqual([
    `/api/uploads/repos/${DEFAULT_REPOSITORY}/releases/N/assets`,
    `/api/uploads/repos/${DEFAULT_REPOSITORY}/releases/N/assets`,
    `/api/uploads/repos/${DEFAULT_REPOSITORY}/releases/N/assets`,
  ]);
  const again = await run(ghes, { files: 'bin_arm64/ms/*' }, { ref: 'refs/tags/v1.4.0', cwd, env: { GITHUB_SERVER_URL: ghes.serverUrl } });
  expectSuccess(again);
  expect(again.outputs).toMatchObject({ created: 'false', uploaded: '0', skipped: '3' });
  expect(ghes.releases(DEFAULT_REPOSITORY)[0]!.assets).toHaveLength(3);
});

test('dry run: nothing is sent, the plan is printed', async () => {
  const r = await run(
    fake,
    { 'dry-run': 'true', files: 'bin_arm64/ms/*', token: '' },
    { ref: 'refs/tags/v1.3.0', cwd: workspace({ ms_core: 'x' }) },
  );
  expectSuccess(r);
  expect(fake.requests).toEqual([]);
  expect(r.log).toContain('[dry-run] would upload ms_core (new).');
});
