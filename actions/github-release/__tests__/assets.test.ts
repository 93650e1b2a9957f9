import { describe, expect, test } from '@jest/globals';
import { type RemoteAsset, planAssets, uploadUrlFor } from '../src/assets.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const file = (name: string, sha256 = A, size = 10) => ({ name, sha256, size });
const asset = (name: string, over: Partial<RemoteAsset> = {}): RemoteAsset => ({
  id: 7,
  name,
  size: 10,
  digest: `sha256:${A}`,
  state: 'uploaded',
  ...over,
});

describe('planAssets', () => {
  test.each<[string, RemoteAsset[], Map<string, string>, string, RegExp]>([
    ['no asset of that name', [], new Map(), 'upload', /^new$/],
    ['another asset only', [asset('other')], new Map(), 'upload', /^new$/],
    ['the same digest', [asset('ms_core')], new Map(), 'skip', /same content/],
    ['the same digest in upper case', [asset('ms_core', { digest: `sha256:${A.toUpperCase()}` })], new Map(), 'skip', /same content/],
    [
      'another digest',
      [asset('ms_core', { digest: `sha256:${B}` })],
      new Map(),
      'replace',
      /different content: sha256:bbbbbbbbbbbb… → sha256:aaaaaaaaaaaa…/,
    ],
    ['an unfinished upload', [asset('ms_core', { state: 'open' })], new Map(), 'replace', /unfinished upload \(state open\)/],
    [
      'no digest, the notes list the same sum and the size matches',
      [asset('ms_core', { digest: null })],
      new Map([['ms_core', A]]),
      'skip',
      /the SHA-256 the release notes list/,
    ],
    [
      'no digest, the notes list the same sum but the size differs',
      [asset('ms_core', { digest: null, size: 11 })],
      new Map([['ms_core', A]]),
      'replace',
      /no digest/,
    ],
    [
      'no digest, the notes list another sum',
      [asset('ms_core', { digest: null })],
      new Map([['ms_core', B]]),
      'replace',
      /the release notes list sha256:bbbbbbbbbbbb…/,
    ],
    ['no digest and no listed sum', [asset('ms_core', { digest: null })], new Map(), 'replace', /GitHub reports no digest/],
  ])('%s → %s', (_case, remote, listed, action, reason) => {
    const [step] = planAssets([file('ms_core')], remote, listed);
    expect(step!.action).toBe(action);
    expect(step!.reason).toMatch(reason);
    if (action === 'replace') expect(step!.replaces).toBe(7);
  });

  test('one step per file, in order; assets of other names are left alone', () => {
    const plan = planAssets([file('a'), file('b', B), file('c')], [asset('b', { id: 2 }), asset('c', { id: 3 }), asset('z', { id: 26 })]);
    expect(plan.map((s) => [s.name, s.action, s.replaces])).toEqual([
      ['a', 'upload', undefined],
      ['b', 'replace', 2],
      ['c', 'skip', undefined],
    ]);
  });
});

describe('uploadUrlFor', () => {
  test.each([
    [
      'https://uploads.github.com/repos/o/r/releases/1/assets{?name,label}',
      'ms_core',
      'https://uploads.github.com/repos/o/r/releases/1/assets?name=ms_core',
    ],
    [
      'https://ghes.example.com/api/uploads/repos/o/r/releases/1/assets{?name,label}',
      'a+b',
      'https://ghes.example.com/api/uploads/repos/o/r/releases/1/assets?name=a%2Bb',
    ],
    [
      'http://127.0.0.1:4000/repos/o/r/releases/1/assets',
      'SHA256SUMS',
      'http://127.0.0.1:4000/repos/o/r/releases/1/assets?name=SHA256SUMS',
    ],
  ])('%s + %s', (template, name, url) => {
    expect(uploadUrlFor(template, name)).toBe(url);
  });
});
