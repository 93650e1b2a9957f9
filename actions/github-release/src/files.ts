/**
 * The binaries to attach: `files` (paths, folders or globs under the workspace, core's glob syntax)
 * expanded to regular files, each hashed (SHA-256) before the first request, as every local source is
 * (SECURITY.md rule 8). A match that is a link leading outside the workspace is refused, and so are
 * two files with one asset name and names GitHub would rename (it renames names with characters
 * other than letters, digits and `._+-`, or a leading period, and a renamed asset would never be
 * found again by name: the re-run would upload it once more).
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, globToRegExp } from '@deploy-kit/core';

export interface LocalFile {
  /** The asset name: the file's base name. */
  name: string;
  /** Absolute path. */
  path: string;
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

const FILES_FORM = 'paths, folders or globs of the binaries under the workspace, e.g. `bin_arm64/ms/*` (one per line, or space-separated)';
/** Names GitHub keeps as they are. */
export const ASSET_NAME = /^[A-Za-z0-9_+-][A-Za-z0-9._+-]*$/;

const hasGlob = (segment: string) => /[*?[{]/.test(segment);

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, out);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(full);
  }
}

/** The files one pattern names: a plain path as it is, a glob by walking its fixed leading directories. */
async function expand(workspace: string, pattern: string): Promise<string[]> {
  const segments = pattern.split('/');
  const fixed = segments.findIndex(hasGlob);
  if (fixed < 0) {
    // A folder stands for every file under it (push-artifacts' `s3-source` is one).
    const target = path.resolve(workspace, pattern);
    const info = await lstat(target).catch(() => undefined);
    if (!info?.isDirectory()) return [target];
    const found: string[] = [];
    await walk(target, found);
    return found.sort();
  }
  const base = path.resolve(workspace, ...segments.slice(0, fixed));
  const matcher = globToRegExp(segments.slice(fixed).join('/'));
  const found: string[] = [];
  try {
    await walk(base, found);
  } catch {
    return [];
  }
  return found.filter((file) => matcher.test(path.relative(base, file).split(path.sep).join('/'))).sort();
}

/** Every file of `patterns`, hashed; an InputError naming `files` for what cannot be attached. */
export async function collectFiles(patterns: readonly string[], workspace: string, checksumsFile: string): Promise<LocalFile[]> {
  const root = await realpath(workspace);
  const byName = new Map<string, LocalFile>();
  for (const pattern of patterns) {
    if (path.isAbsolute(pattern) || pattern.split('/').includes('..'))
      throw new InputError('files', `"${pattern}" is not under the workspace`, FILES_FORM, pattern);
    const matches = await expand(root, pattern);
    if (matches.length === 0) throw new InputError('files', `"${pattern}" matched no file under ${root}`, FILES_FORM, pattern);
    for (const file of matches) {
      const info = await lstat(file).catch(() => undefined);
      if (!info) throw new InputError('files', `${path.relative(root, file)} does not exist`, FILES_FORM, pattern);
      if (info.isSymbolicLink()) {
        const target = await realpath(file).catch(() => '');
        if (target === '' || !(target + path.sep).startsWith(root + path.sep) || !(await stat(target)).isFile())
          throw new InputError('files', `${path.relative(root, file)} is a link that leads outside the workspace`, FILES_FORM, pattern);
      } else if (!info.isFile()) {
        throw new InputError('files', `${path.relative(root, file)} is not a regular file`, FILES_FORM, pattern);
      }
      const name = path.basename(file);
      if (!ASSET_NAME.test(name))
        throw new InputError(
          'files',
          `the asset name "${name}" would be renamed by GitHub (letters, digits and ._+- only, no leading period)`,
          'binaries whose file names are asset names',
          pattern,
        );
      if (name === checksumsFile)
        throw new InputError(
          'files',
          `"${name}" is the checksums file's name (\`checksums-file\`)`,
          'another file name, or another `checksums-file`',
          pattern,
        );
      const seen = byName.get(name);
      if (seen && seen.path !== file)
        throw new InputError(
          'files',
          `two files would be the asset "${name}": ${path.relative(root, seen.path)} and ${path.relative(root, file)}`,
          'one file per asset name',
          pattern,
        );
      const data = await readFile(file);
      byName.set(name, { name, path: file, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
