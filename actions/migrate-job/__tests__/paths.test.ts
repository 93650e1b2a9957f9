// The paths migrate-job writes to or runs in are checked before anything is contacted: each problem is the
// input's error, not a raw EISDIR/ENOTDIR/EACCES mid-run.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDirectory, checkWritableFile } from '../src/paths.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mj-paths-'));
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'file.txt'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkWritableFile', () => {
  test.each([
    ['a new file in an existing folder', 'new.yaml'],
    ['a new file in folders still to be created', 'a/b/c/new.yaml'],
    ['an existing file (overwritten)', 'file.txt'],
  ])('%s: accepted', (_what, path) => {
    expect(() => checkWritableFile('output-file', join(dir, path), path, 'a file path')).not.toThrow();
  });
  test.each([
    ['a folder', 'folder', 'Input "output-file": is the folder'],
    ['a path under a file', 'file.txt/hook.yaml', 'which is a file, not a folder'],
    ['a path deeper under a file', 'file.txt/a/b.yaml', 'which is a file, not a folder'],
  ])('%s: refused, naming the input', (_what, path, message) => {
    expect(() => checkWritableFile('output-file', join(dir, path), path, 'a file path')).toThrow(message);
  });
  test('a folder that cannot be written (not as root, who may write anywhere)', () => {
    if (process.getuid?.() === 0) return;
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      expect(() => checkWritableFile('log-file', join(locked, 'm.log'), 'locked/m.log', 'a file path')).toThrow(
        'Input "log-file": the folder',
      );
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe('checkDirectory', () => {
  test('an existing folder is accepted', () =>
    expect(() => checkDirectory('working-directory', join(dir, 'folder'), 'folder')).not.toThrow());
  test.each([
    ['missing', 'nope', 'Input "working-directory": the folder'],
    ['a file', 'file.txt', 'is a file, not a folder'],
    ['under a file', 'file.txt/x', 'is under a file'],
  ])('%s: refused, naming the input', (_what, path, message) => {
    expect(() => checkDirectory('working-directory', join(dir, path), path)).toThrow(message);
  });
});
