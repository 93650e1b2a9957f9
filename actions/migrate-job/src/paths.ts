/**
 * The files and folders migrate-job writes to or runs in (`output-file`, `log-file`,
 * `working-directory`), checked before anything is contacted or started: a path that is a folder, lies
 * under a file, or cannot be written is the input's error, named as such — not a raw EISDIR, ENOTDIR
 * or EACCES from the middle of a run (after a Job was created or a tool installed).
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '@deploy-kit/core';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw Object.assign(new Error('under a file'), { code });
    throw error;
  }
}

function writable(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws an InputError naming `input` unless `path` can be created or overwritten as a file: not a
 * folder, the nearest existing folder above it writable, nothing on the way a file. `raw` is the
 * value as given; `expected` describes the form.
 */
export function checkWritableFile(input: string, path: string, raw: string, expected: string): void {
  const fail = (problem: string) => new InputError(input, problem, expected, raw);
  let existing: Stats | undefined;
  try {
    existing = stat(path);
  } catch (error) {
    throw fail(`is under ${nearestFile(path) ?? 'a file'}, which is a file, not a folder`);
  }
  if (existing?.isDirectory()) throw fail(`is the folder ${path}, not a file`);
  if (existing) {
    if (!existing.isFile()) throw fail(`${path} exists and is not a regular file`);
    if (!writable(path, constants.W_OK)) throw fail(`the file ${path} cannot be written (no write permission)`);
    return;
  }
  // It does not exist yet: the nearest folder above it that does must be writable (the rest is created).
  let parent = dirname(path);
  for (let depth = 0; depth < 256; depth++) {
    const found = stat(parent);
    if (found) {
      if (!found.isDirectory()) throw fail(`is under ${parent}, which is a file, not a folder`);
      if (!writable(parent, constants.W_OK | constants.X_OK)) throw fail(`the folder ${parent} cannot be written (no write permission)`);
      return;
    }
    const up = dirname(parent);
    if (up === parent) return;
    parent = up;
  }
}

/** The first ancestor of `path` that is a file, if any (for ENOTDIR). */
function nearestFile(path: string): string | undefined {
  let current = dirname(path);
  for (let depth = 0; depth < 256; depth++) {
    try {
      if (statSync(current).isFile()) return current;
    } catch {
      // keep going up
    }
    const up = dirname(current);
    if (up === current) return undefined;
    current = up;
  }
  return undefined;
}

/** Throws an InputError naming `input` unless `path` is an existing folder. */
export function checkDirectory(input: string, path: string, raw: string): void {
  const expected = 'an existing folder (relative to the workspace), e.g. `db` — check out the repository first';
  let found: Stats | undefined;
  try {
    found = stat(path);
  } catch {
    throw new InputError(input, `${path} is under a file, not a folder`, expected, raw);
  }
  if (!found) throw new InputError(input, `the folder ${path} does not exist`, expected, raw);
  if (!found.isDirectory()) throw new InputError(input, `${path} is a file, not a folder`, expected, raw);
}
