// runRelease's phases with an in-memory Releases API: create, then a re-run that updates the same
// release and uploads nothing twice, a changed binary replaced, the previous tag and "latest" chosen
// by SemVer, a prerelease, and a failure reported with the phases that ran.
import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { Release, ReleaseFields, ReleasesApi, Repository } from '../src/api.js';
import type { RemoteAsset } from '../src/assets.js';
import { buildConfig, type ActionInputs } from '../src/config.js';
import type { LocalFile } from '../src/files.js';
import { type FlowDeps, runRelease } from '../src/flow.js';
import { mainOutputs } from '../src/summary.js';

const sha = (data: string) => createHash('sha256').update(data).digest('hex');

class MemoryReleases implements ReleasesApi {
  requests = 0;
  releases: Array<Release & { assets: Array<RemoteAsset & { data: string }> }> = [];
  calls: string[] = [];
  notesAsked: unknown[] = [];
  fields: ReleaseFields[] = [];
  nextId = 100;
  constructor(
    public tagList: string[],
    public reportDigests = true,
  ) {}
  private note(call: string) {
    this.requests++;
    this.calls.push(call);
  }
  async releaseByTag(_r: Repository, tag: string) {
    this.note(`get ${tag}`);
    const found = this.releases.find((r) => r.tag_name === tag && !r.draft);
    return found ? { ...found } : undefined;
  }
  async draftByTag(_r: Repository, tag: string) {
    this.note('drafts');
    const found = this.releases.find((r) => r.tag_name === tag && r.draft);
    return found ? { ...found } : undefined;
  }
  async tags(_r: Repository, prefix: string) {
    this.note(`tags ${prefix}`);
    return this.tagList.filter((t) => t.startsWith(prefix));
  }
  async generateNotes(_r: Repository, body: { tag_name: string; previous_tag_name?: string }) {
    this.note('notes');
    this.notesAsked.push(body);
    return { name: body.tag_name, body: `## What's Changed\n* since ${body.previous_tag_name ?? 'the start'}` };
  }
  async createRelease(_r: Repository, tag: string, fields: ReleaseFields) {
    this.note('create');
    this.fields.push(fields);
    const id = this.nextId++;
    const release = {
      id,
      tag_name: tag,
      html_url: `https://github.com/o/r/releases/tag/${tag}`,
      upload_url: `https://uploads.github.com/repos/o/r/releases/${id}/assets{?name,label}`,
      assets: [],
      ...fields,
    };
    this.releases.push(release);
    return release;
  }
  async updateRelease(_r: Repository, id: number, fields: ReleaseFields) {
    this.note('update');
    this.fields.push(fields);
    const release = this.releases.find((r) => r.id === id)!;
    Object.assign(release, fields);
    return release;
  }
  async assets(_r: Repository, id: number) {
    this.note('assets');
    return this.releases.find((r) => r.id === id)!.assets.map(({ data: _d, ...a }) => a);
  }
  async deleteAsset(_r: Repository, assetId: number) {
    this.note(`delete ${assetId}`);
    for (const r of this.releases) r.assets = r.assets.filter((a) => a.id !== assetId);
  }
  async uploadAsset(url: string, name: string, data: Buffer) {
    this.note(`upload ${name}`);
    const release = this.releases.find((r) => url.startsWith(r.upload_url.replace(/\{.*$/, '')))!;
    if (release.assets.some((a) => a.name === name)) throw new Error(`already_exists: ${name}`);
    const asset = {
      id: this.nextId++,
      name,
      size: data.length,
      digest: this.reportDigests ? `sha256:${sha(data.toString())}` : null,
      state: 'uploaded',
      data: data.toString(),
    };
    release.assets.push(asset);
    return asset;
  }
}

const values = (over: Partial<ActionInputs> = {}): ActionInputs => ({
  tag: 'v1.3.0',
  tagPrefix: 'v',
  repository: 'o/r',
  name: '',
  body: '',
  generateNotes: true,
  previousTag: '',
  notesConfiguration: '',
  prerelease: 'auto',
  draft: false,
  makeLatest: 'auto',
  checksumsFile: 'SHA256SUMS',
  images: '',
  artifacts: '',
  ...over,
});

function disk(contents: Record<string, string>) {
  const files: LocalFile[] = Object.entries(contents).map(([name, data]) => ({
    name,
    path: `/ws/${name}`,
    size: data.length,
    sha256: sha(data),
  }));
  const readFile = async (path: string) => Buffer.from(contents[path.replace('/ws/', '')]!);
  return { files, readFile };
}

function deps(api: ReleasesApi | undefined, readFile: FlowDeps['readFile']): FlowDeps & { lines: string[]; groups: string[] } {
  const lines: string[] = [];
  const groups: string[] = [];
  return { api, readFile, lines, groups, log: (m) => lines.push(m), group: (name, fn) => (groups.push(name), fn()), now: () => 0 };
}

const TAGS = ['v1.2.3', 'v1.2.4', 'v1.3.0-rc.1', 'v1.3.0-rc.2', 'v1.3.0', 'v2.0.0-alpha.1'];

describe('runRelease', () => {
  test('creates the release with notes since the previous release tag, then a re-run updates it and uploads nothing twice', async () => {
    const api = new MemoryReleases(TAGS);
    const { files, readFile } = disk({ ms_core: 'core binary', ms_payments: 'payments binary' });
    const config = buildConfig(values(), { repository: 'o/r' });

    const first = await runRelease(config, files, deps(api, readFile));
    expect(first.failure).toBeUndefined();
    expect(api.notesAsked).toEqual([{ tag_name: 'v1.3.0', previous_tag_name: 'v1.2.4' }]);
    // A draft until its files are attached, then published as the latest release.
    expect(api.calls.filter((c) => !c.startsWith('upload'))).toEqual(['get v1.3.0', 'drafts', 'tags v', 'notes', 'create', 'update']);
    expect(api.fields[0]).toMatchObject({ name: 'v1.3.0', prerelease: false, draft: true, make_latest: 'false' });
    expect(api.fields[1]).toMatchObject({ name: 'v1.3.0', prerelease: false, draft: false, make_latest: 'true' });
    expect(api.releases[0]!.draft).toBe(false);
    expect(api.fields[0]!.body).toContain('* since v1.2.4');
    expect(api.fields[0]!.body).toContain(`${sha('core binary')}  ms_core`);
    expect(mainOutputs(first)).toMatchObject({
      'release-id': '100',
      created: 'true',
      'previous-tag': 'v1.2.4',
      uploaded: '3',
      skipped: '0',
      replaced: '0',
    });
    expect(api.releases[0]!.assets.map((a) => a.name)).toEqual(['ms_core', 'ms_payments', 'SHA256SUMS']);
    expect(api.releases[0]!.assets[2]!.data).toBe(`${sha('core binary')}  ms_core\n${sha('payments binary')}  ms_payments\n`);

    api.calls.length = 0;
    const second = await runRelease(config, files, deps(api, readFile));
    expect(second.failure).toBeUndefined();
    expect(api.releases).toHaveLength(1);
    expect(api.calls).toEqual(['get v1.3.0', 'tags v', 'notes', 'update', 'assets']);
    expect(mainOutputs(second)).toMatchObject({ 'release-id': '100', created: 'false', uploaded: '0', skipped: '3', replaced: '0' });
    expect(api.releases[0]!.assets).toHaveLength(3);
    expect(api.fields[2]).toMatchObject({ draft: false, make_latest: 'true' });
    expect(api.fields[2]!.body).toBe(api.fields[0]!.body);
  });

  test('a draft left by a run that failed before publishing is found, finished and published', async () => {
    const api = new MemoryReleases(TAGS);
    const config = buildConfig(values(), { repository: 'o/r' });
    const { files, readFile } = disk({ ms_core: 'core' });
    let fail = true;
    const upload = api.uploadAsset.bind(api);
    api.uploadAsset = async (url, name, data) => {
      if (name === 'SHA256SUMS' && fail) throw new Error('HTTP 502');
      return upload(url, name, data);
    };
    const broken = await runRelease(config, files, deps(api, readFile));
    expect([broken.failure?.message, api.releases[0]!.draft]).toEqual(['HTTP 502', true]);
    fail = false;
    api.calls.length = 0;
    const d = deps(api, readFile);
    const fixed = await runRelease(config, files, d);
    expect(fixed.failure).toBeUndefined();
    expect(api.releases).toHaveLength(1);
    expect(api.releases[0]!.draft).toBe(false);
    expect(fixed.assets.map((a) => [a.name, a.action])).toEqual([
      ['ms_core', 'skip'],
      ['SHA256SUMS', 'upload'],
    ]);
    expect(d.groups).toEqual(['Find the release', 'Write the notes', 'Update the release', 'Attach the assets', 'Publish the release']);
  });

  test('a changed binary (and so SHA256SUMS) is replaced, and the log says so', async () => {
    const api = new MemoryReleases(TAGS);
    const config = buildConfig(values(), { repository: 'o/r' });
    const before = disk({ ms_core: 'core v1', ms_payments: 'payments' });
    await runRelease(config, before.files, deps(api, before.readFile));
    const after = disk({ ms_core: 'core v2', ms_payments: 'payments' });
    const d = deps(api, after.readFile);
    const result = await runRelease(config, after.files, d);
    expect(result.assets.map((a) => [a.name, a.action])).toEqual([
      ['ms_core', 'replace'],
      ['ms_payments', 'skip'],
      ['SHA256SUMS', 'replace'],
    ]);
    expect(d.lines.join('\n')).toMatch(/ms_core: replacing asset \d+: different content/);
    expect(api.releases[0]!.assets.map((a) => a.name).sort()).toEqual(['SHA256SUMS', 'ms_core', 'ms_payments']);
    expect(api.releases[0]!.assets.find((a) => a.name === 'ms_core')!.data).toBe('core v2');
    expect(mainOutputs(result)).toMatchObject({ uploaded: '2', replaced: '2', skipped: '1' });
  });

  test('without digests from GitHub (GHES), the sums the body listed decide: nothing is replaced on a re-run', async () => {
    const api = new MemoryReleases(TAGS, false);
    const config = buildConfig(values(), { repository: 'o/r' });
    const { files, readFile } = disk({ ms_core: 'core' });
    await runRelease(config, files, deps(api, readFile));
    const again = await runRelease(config, files, deps(api, readFile));
    expect(again.assets.map((a) => a.action)).toEqual(['skip', 'skip']);
  });

  test.each([
    [
      'an rc with prerelease: auto is a prerelease, never latest',
      { tag: 'v1.3.0-rc.2' },
      { prerelease: true, make_latest: 'false' },
      'v1.2.4',
    ],
    ['an rc with prerelease: false is a release', { tag: 'v1.3.0-rc.2', prerelease: 'false' as const }, { prerelease: false }, 'v1.2.4'],
    ['a backport is not latest', { tag: 'v1.2.5' }, { prerelease: false, make_latest: 'false' }, 'v1.2.4'],
    ['make-latest: true is passed on', { tag: 'v1.2.5', makeLatest: 'true' as const }, { make_latest: 'true' }, 'v1.2.4'],
    ['the first release has no previous tag', { tag: 'v1.0.0' }, { make_latest: 'false' }, undefined],
    ['an explicit previous-tag wins', { previousTag: 'v1.2.3' }, { make_latest: 'true' }, 'v1.2.3'],
  ])('%s', async (_case, over, fields, previous) => {
    const api = new MemoryReleases(TAGS);
    await runRelease(
      buildConfig(values(over), { repository: 'o/r' }),
      [],
      deps(api, async () => Buffer.from('')),
    );
    expect(api.fields[0]).toMatchObject(fields);
    expect((api.notesAsked[0] as { previous_tag_name?: string }).previous_tag_name).toBe(previous);
  });

  test('generate-notes: false and make-latest given: no tags are listed, no notes asked', async () => {
    const api = new MemoryReleases(TAGS);
    await runRelease(
      buildConfig(values({ generateNotes: false, makeLatest: 'false', body: 'See CHANGELOG.md' }), { repository: 'o/r' }),
      [],
      deps(api, async () => Buffer.from('')),
    );
    expect(api.calls).toEqual(['get v1.3.0', 'drafts', 'create']);
    expect(api.fields[0]!.body).toBe('See CHANGELOG.md');
  });

  test('phases run in named groups; a failure is returned with the phases so far', async () => {
    const api = new MemoryReleases(TAGS);
    api.createRelease = async () => {
      throw new Error('HTTP 403');
    };
    const d = deps(api, async () => Buffer.from(''));
    const result = await runRelease(buildConfig(values(), { repository: 'o/r' }), [], d);
    expect(d.groups).toEqual(['Find the release', 'Write the notes', 'Create the release']);
    expect(result.failure?.message).toBe('HTTP 403');
    expect(result.phases.map((p) => [p.name, !!p.failed])).toEqual([
      ['Find the release', false],
      ['Write the notes', false],
      ['Create the release', true],
    ]);
  });

  test('a dry run sends nothing and plans every file as an upload', async () => {
    const { files, readFile } = disk({ ms_core: 'core' });
    const d = deps(undefined, readFile);
    const result = await runRelease(buildConfig(values(), { repository: 'o/r' }), files, d);
    expect(result.failure).toBeUndefined();
    expect(result.assets.map((a) => [a.name, a.action])).toEqual([
      ['ms_core', 'upload'],
      ['SHA256SUMS', 'upload'],
    ]);
    expect(d.lines.filter((l) => l.startsWith('[dry-run]'))).toHaveLength(5);
  });
});
