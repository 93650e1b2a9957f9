import { describe, expect, test } from '@jest/globals';
import { checksumFor, downloadPlan, parseChecksumInput, parseToolSpec, releasePlatform, sha256Hex } from '../src/tool.js';

describe('parseToolSpec', () => {
  test.each([
    ['golang-migrate@v4.19.1', 'golang-migrate', 'v4.19.1', '4.19.1'],
    ['golang-migrate@4.19.1', 'golang-migrate', 'v4.19.1', '4.19.1'],
    ['atlas@v0.32.0', 'atlas', 'v0.32.0', '0.32.0'],
  ])('%s', (raw, name, version, semver) => expect(parseToolSpec('tool', raw)).toMatchObject({ name, version, semver }));
  test('empty → no tool', () => expect(parseToolSpec('tool', ' ')).toBeUndefined());
  test.each([
    ['golang-migrate', 'is not a tool at an exact version'],
    ['golang-migrate@latest', 'is not a tool at an exact version'],
    ['golang-migrate@v4', 'is not a tool at an exact version'],
    ['flyway@v10.0.0', 'names the unknown tool "flyway"'],
  ])('%s fails', (raw, message) => expect(() => parseToolSpec('tool', raw)).toThrow(`Input "tool": ${message}`));
});

describe('downloadPlan', () => {
  const linux = releasePlatform('linux', 'x64');
  test('golang-migrate: the GitHub release layout, sha256sum.txt', () => {
    expect(downloadPlan(parseToolSpec('tool', 'golang-migrate@v4.19.1')!, undefined, linux)).toEqual({
      asset: 'migrate.linux-amd64.tar.gz',
      url: 'https://github.com/golang-migrate/migrate/releases/download/v4.19.1/migrate.linux-amd64.tar.gz',
      checksumUrl: 'https://github.com/golang-migrate/migrate/releases/download/v4.19.1/sha256sum.txt',
    });
  });
  test('atlas: a bare binary and its .sha256', () => {
    expect(downloadPlan(parseToolSpec('tool', 'atlas@v0.32.0')!, 'http://127.0.0.1:9/atlas/', releasePlatform('darwin', 'arm64'))).toEqual({
      asset: 'atlas-darwin-arm64-v0.32.0',
      url: 'http://127.0.0.1:9/atlas/atlas-darwin-arm64-v0.32.0',
      checksumUrl: 'http://127.0.0.1:9/atlas/atlas-darwin-arm64-v0.32.0.sha256',
    });
  });
  test('unknown platforms fail clearly', () => expect(() => releasePlatform('aix', 'ppc64')).toThrow('aix/ppc64'));
});

describe('checksums', () => {
  const hash = sha256Hex(Buffer.from('tool'));
  test.each([
    [`${'0'.repeat(64)}  migrate.darwin-amd64.tar.gz\n${hash}  migrate.linux-amd64.tar.gz\n`, 'sums', hash],
    [`${hash} *migrate.linux-amd64.tar.gz`, 'sums', hash],
    [`${hash}  ./dist/migrate.linux-amd64.tar.gz`, 'sums', hash],
    [`${'0'.repeat(64)}  other.tar.gz`, 'sums', undefined],
    [`${hash.toUpperCase()}\n`, 'sidecar', hash],
    [`${hash}  atlas-linux-amd64-v0.32.0`, 'sidecar', hash],
    ['not a hash', 'sidecar', undefined],
  ] as const)('%# %s', (text, kind, expected) => expect(checksumFor(text, 'migrate.linux-amd64.tar.gz', kind)).toBe(expected));
  test('tool-checksum input', () => {
    expect(parseChecksumInput('tool-checksum', `sha256:${hash.toUpperCase()}`)).toBe(hash);
    expect(parseChecksumInput('tool-checksum', '')).toBeUndefined();
    expect(() => parseChecksumInput('tool-checksum', 'abc')).toThrow('Input "tool-checksum": is not a SHA-256 hash');
  });
});
