// The tool cache stand-in (toolcache.ts): @actions/tool-cache's layout, so entries are shared with it.
import { afterAll, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractArchive, extractCommand, findInToolCache, keepInToolCache, toolCachePath } from '../src/toolcache.js';

const work = mkdtempSync(join(tmpdir(), 'mj-toolcache-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('an entry is found only once it is marked complete, in tool-cache’s <name>/<version>/<arch> layout', () => {
  const root = join(work, 'root');
  expect(findInToolCache('golang-migrate', '4.19.1', 'x64', root)).toBeUndefined();
  expect(findInToolCache('golang-migrate', '4.19.1', 'x64', undefined)).toBeUndefined();
  // Unfinished (no marker): what an interrupted copy leaves.
  mkdirSync(toolCachePath(root, 'golang-migrate', '4.19.1', 'x64'), { recursive: true });
  expect(findInToolCache('golang-migrate', '4.19.1', 'x64', root)).toBeUndefined();

  const source = join(work, 'source');
  mkdirSync(join(source, 'sub'), { recursive: true });
  writeFileSync(join(source, 'migrate'), 'bin');
  writeFileSync(join(source, 'sub', 'file'), 'f');
  const kept = keepInToolCache(source, 'golang-migrate', '4.19.1', 'x64', root);
  expect(kept).toBe(join(root, 'golang-migrate', '4.19.1', 'x64'));
  expect(existsSync(join(root, 'golang-migrate', '4.19.1', 'x64.complete'))).toBe(true);
  expect(readFileSync(join(kept, 'sub', 'file'), 'utf8')).toBe('f');
  expect(findInToolCache('golang-migrate', '4.19.1', 'x64', root)).toBe(kept);

  // Kept again: replaced, not merged (an older file does not survive).
  rmSync(join(source, 'sub'), { recursive: true });
  keepInToolCache(source, 'golang-migrate', '4.19.1', 'x64', root);
  expect(existsSync(join(kept, 'sub'))).toBe(false);
});

test.each([
  ['tar.gz', 'tar', ['-xzf', '/a.tgz', '-C', '/d', '--no-same-owner']],
  ['zip', 'unzip', ['-o', '-q', '/a.tgz', '-d', '/d']],
] as const)('%s archives are unpacked with %s', (kind, tool, args) => {
  expect(extractCommand(kind, '/a.tgz', '/d')).toEqual({ tool, args });
});

test('a tar.gz unpacks into the folder; a broken archive is an error naming the command', async () => {
  const src = join(work, 'tar-src');
  mkdirSync(src);
  writeFileSync(join(src, 'migrate'), '#!/bin/sh\n');
  const archive = join(work, 'tool.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', src, 'migrate']);
  const dest = join(work, 'tar-dest');
  mkdirSync(dest);
  await extractArchive('tar.gz', archive, dest);
  expect(readFileSync(join(dest, 'migrate'), 'utf8')).toBe('#!/bin/sh\n');

  const broken = join(work, 'broken.tar.gz');
  writeFileSync(broken, 'not a tar');
  await expect(extractArchive('tar.gz', broken, dest)).rejects.toThrow(/^tar -xzf .*broken\.tar\.gz .* exited with code 2/);
});
