/**
 * Local sources (an image layout, the S3 binaries) are read only inside their root: a path whose
 * real location (every symbolic link resolved, in the file and in its directories) is outside the
 * root is refused, so a link left in a build directory cannot publish a file from elsewhere on the
 * runner (an AWS credentials file, ~/.docker/config.json). Links that stay inside the root are
 * followed. A file is then read by what was checked: the same device, inode, size and modification
 * time, so it cannot be swapped or rewritten between the check and the upload.
 */
import type { Stats } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { Readable } from 'node:stream';

/** Whether `candidate` is `root` or below it (both absolute, real paths). Pure. */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A path that leads outside its root through a link. */
export class OutsideRootError extends Error {
  constructor(
    /** The path as found under the root. */
    readonly path: string,
    /** Where it really leads. */
    readonly target: string,
    readonly root: string,
  ) {
    super(`${path} is a link to ${target}, outside ${root}`);
    this.name = 'OutsideRootError';
  }
}

/**
 * The real location of `path`, which must be inside `rootReal` (the root's own real path); throws
 * OutsideRootError when a link leads out, and the fs error (ENOENT, a dangling link …) when there is
 * nothing there.
 */
export async function realInside(rootReal: string, path: string, root: string = rootReal): Promise<string> {
  const real = await realpath(path);
  if (!isInside(rootReal, real)) throw new OutsideRootError(path, real, root);
  return real;
}

/** What identifies the bytes of a file that was checked: a change to any of these is a different file. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export function identityOf(info: Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs'>): FileIdentity {
  return { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The file changed (replaced, rewritten, truncated) after it was checked. */
export class FileChangedError extends Error {
  constructor(readonly where: string) {
    super(`${where} changed after it was checked (another file, size or modification time)`);
    this.name = 'FileChangedError';
  }
}

/**
 * Bytes `[start, end)` of `file`, read only if it is still the file `expected` describes (checked on
 * the open descriptor, so what is read is what was checked).
 */
export function checkedRange(file: string, expected: FileIdentity, start: number, end: number, where: string): Readable {
  if (end <= start) return Readable.from([]);
  async function* read(): AsyncGenerator<Buffer> {
    const handle = await open(file, 'r');
    try {
      if (!sameIdentity(identityOf(await handle.stat()), expected)) throw new FileChangedError(where);
      // createReadStream's `end` is inclusive.
      for await (const chunk of handle.createReadStream({ start, end: end - 1, highWaterMark: 1024 * 1024, autoClose: false }))
        yield chunk as Buffer;
    } finally {
      await handle.close();
    }
  }
  return Readable.from(read(), { objectMode: false });
}
