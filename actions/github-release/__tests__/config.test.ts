import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionInputs, buildConfig, getInputs, requireToken } from '../src/config.js';
import { collectFiles } from '../src/files.js';

const values = (over: Partial<ActionInputs> = {}): ActionInputs => ({
  tag: 'v1.2.3',
  tagPrefix: 'v',
  repository: '',
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
const DIGEST = `sha256:${'d'.repeat(64)}`;
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('buildConfig', () => {
  test('defaults: this repository, the tag as name, prerelease by the tag', () => {
    expect(buildConfig(values(), { repository: 'o/r' })).toMatchObject({
      repository: { owner: 'o', repo: 'r' },
      name: 'v1.2.3',
      version: '1.2.3',
      prerelease: false,
    });
    expect(buildConfig(values({ tag: 'v1.2.3-rc.1' }), { repository: 'o/r' }).prerelease).toBe(true);
    expect(buildConfig(values({ tag: 'v1.2.3-rc.1', prerelease: 'false' }), { repository: 'o/r' }).prerelease).toBe(false);
    expect(buildConfig(values({ prerelease: 'true' }), { repository: 'o/r' }).prerelease).toBe(true);
    expect(buildConfig(values({ tag: 'orders/v2.0.0', tagPrefix: 'orders/v', repository: 'a/b' }), { repository: 'o/r' })).toMatchObject({
      repository: { owner: 'a', repo: 'b' },
      version: '2.0.0',
    });
  });

  test('images by digest from image-tags and push-artifacts', () => {
    const images = JSON.stringify({
      services: [{ service: 'ms_core', image: `${REGISTRY}/ms_core`, tags: [`${REGISTRY}/ms_core:v1.2.3`] }],
    });
    const artifacts = JSON.stringify({ digests: { [`${REGISTRY}/ms_core:v1.2.3`]: DIGEST } });
    expect(buildConfig(values({ images, artifacts }), { repository: 'o/r' }).images).toEqual([
      { service: 'ms_core', image: `${REGISTRY}/ms_core`, digest: DIGEST, tags: ['v1.2.3'] },
    ]);
  });

  test.each<[string, Partial<ActionInputs>, { repository?: string }, RegExp]>([
    ['no repository', {}, { repository: '' }, /Input "repository": is empty and GITHUB_REPOSITORY is not set/],
    ['a tag without the prefix', { tag: '1.2.3' }, {}, /Input "tag": does not start with the tag prefix "v"/],
    ['a tag that is not SemVer', { tag: 'v1.2' }, {}, /Input "tag": is not a release version: "1.2" is not SemVer 2.0/],
    ['previous-tag is the tag', { previousTag: 'v1.2.3' }, {}, /Input "previous-tag": is the release tag itself/],
    ['a checksums name GitHub renames', { checksumsFile: 'sums file' }, {}, /Input "checksums-file": is not a name GitHub keeps/],
    ['bad artifacts JSON', { artifacts: '{' }, {}, /Input "artifacts": is not valid JSON/],
    ['images that are not image-tags json', { images: '[]' }, {}, /Input "images"/],
  ])('%s is refused', (_case, over, context, message) => {
    expect(() => buildConfig(values(over), { repository: 'o/r', ...context })).toThrow(message);
  });

  test('an empty token is refused without echoing anything', () => {
    expect(() => requireToken('')).toThrow(/Input "token": is empty/);
    expect(() => requireToken('${{ github.token }}')).toThrow(/Input "token": is empty/);
    expect(requireToken('ghs_x')).toBe('ghs_x');
  });
});

describe('collectFiles', () => {
  const workspace = () => {
    const root = mkdtempSync(join(tmpdir(), 'github-release-'));
    mkdirSync(join(root, 'bin/ms'), { recursive: true });
    writeFileSync(join(root, 'bin/ms/ms_core'), 'core');
    writeFileSync(join(root, 'bin/ms/ms_payments'), 'payments');
    writeFileSync(join(root, 'README.md'), 'readme');
    return root;
  };

  test('globs and plain paths, hashed, sorted by asset name', async () => {
    const files = await collectFiles(['bin/ms/*', 'README.md'], workspace(), 'SHA256SUMS');
    expect(files.map((f) => [f.name, f.size])).toEqual([
      ['README.md', 6],
      ['ms_core', 4],
      ['ms_payments', 8],
    ]);
    expect(files[1]!.sha256).toBe(createHash('sha256').update('core').digest('hex'));
  });

  test('a folder stands for every file under it', async () => {
    const files = await collectFiles(['bin'], workspace(), 'SHA256SUMS');
    expect(files.map((f) => f.name)).toEqual(['ms_core', 'ms_payments']);
  });

  test.each<[string, (root: string) => string[], RegExp]>([
    ['a pattern that matches nothing', () => ['bin/cli/*'], /"bin\/cli\/\*" matched no file/],
    ['a missing file', () => ['bin/ms/nope'], /bin\/ms\/nope does not exist/],
    ['a path outside the workspace', () => ['../etc/passwd'], /is not under the workspace/],
    ['an absolute path', () => ['/etc/passwd'], /is not under the workspace/],
    ['a folder that holds no file', (root) => (mkdirSync(join(root, 'empty')), ['empty']), /"empty" matched no file/],
    [
      'two files with one asset name',
      (root) => {
        mkdirSync(join(root, 'other'));
        writeFileSync(join(root, 'other/ms_core'), 'x');
        return ['bin/ms/*', 'other/ms_core'];
      },
      /two files would be the asset "ms_core"/,
    ],
    [
      'a name GitHub would rename',
      (root) => {
        writeFileSync(join(root, 'bin/ms/my core'), 'x');
        return ['bin/ms/*'];
      },
      /the asset name "my core" would be renamed by GitHub/,
    ],
    [
      'the checksums file name',
      (root) => {
        writeFileSync(join(root, 'SHA256SUMS'), 'x');
        return ['SHA256SUMS'];
      },
      /"SHA256SUMS" is the checksums file's name/,
    ],
    [
      'a link out of the workspace',
      (root) => {
        symlinkSync('/etc/hostname', join(root, 'bin/ms/leak'));
        return ['bin/ms/*'];
      },
      /bin\/ms\/leak is a link that leads outside the workspace/,
    ],
  ])('%s is refused', async (_case, patterns, message) => {
    const root = workspace();
    await expect(collectFiles(patterns(root), root, 'SHA256SUMS')).rejects.toThrow(message);
  });
});

describe('getInputs', () => {
  const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';
  const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_REF: 'refs/tags/v1.2.3' };

  test('the defaults as the runner passes them', async () => {
    const got = await getInputs(
      reader({
        tag: 'v1.2.3',
        'tag-prefix': 'v',
        prerelease: 'auto',
        'make-latest': 'auto',
        'generate-notes': 'true',
        'checksums-file': 'SHA256SUMS',
        token: 'ghs_t',
        'dry-run': 'false',
        draft: 'false',
      }),
      env,
    );
    expect(got.config).toMatchObject({ tag: 'v1.2.3', repository: { owner: 'o', repo: 'r' } });
    expect(got.files).toEqual([]);
    expect(got.token).toBe('ghs_t');
  });

  test('body and body-path together are refused', async () => {
    await expect(
      getInputs(reader({ tag: 'v1.2.3', prerelease: 'auto', 'make-latest': 'auto', body: 'x', 'body-path': 'y.md', token: 't' }), env),
    ).rejects.toThrow(/Input "body-path": is given together with `body`/);
  });

  test('an unreadable body-path is refused before anything is sent', async () => {
    await expect(
      getInputs(reader({ tag: 'v1.2.3', prerelease: 'auto', 'make-latest': 'auto', 'body-path': 'missing.md', token: 't' }), {
        ...env,
        GITHUB_WORKSPACE: tmpdir(),
      }),
    ).rejects.toThrow(/Input "body-path": cannot be read \(ENOENT\)/);
  });

  test('no tag at all is refused', async () => {
    await expect(
      getInputs(reader({ prerelease: 'auto', 'make-latest': 'auto', token: 't' }), {
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_REF: 'refs/heads/main',
      }),
    ).rejects.toThrow(/Input "tag": is empty and this run was not started by a tag/);
  });
});
