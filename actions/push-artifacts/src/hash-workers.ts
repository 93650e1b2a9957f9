/**
 * SHA-256 of local file ranges on worker threads, so the blobs of an image are hashed on every core
 * at once before the first write to a registry (SECURITY.md rule 8). Node's hash runs on the thread
 * that calls `update`: with streams on the main thread the 210 MB, 4-layer benchmark image took
 * ~190 ms of hashing plus ~150 ms of stream reads on one core, against ~110 ms wall on two threads that
 * read with `readSync` into one reused 1 MiB buffer each (measured, issue 18). Each thread reads only
 * while the file is the one that was checked (same device, inode, size and modification time, taken on
 * the open descriptor, as local-files.ts's `checkedRange`).
 *
 * No library does this: the worker is a few lines of `node:fs`, `node:crypto` and `node:worker_threads`,
 * given as source (`eval`), so the bundle needs no second entry file.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { FileIdentity } from './local-files.js';

/** Bytes `[start, end)` of a local file, readable while the file is `identity`. */
export interface FileRange {
  /** The real path (every link resolved, already checked to be inside its source). */
  file: string;
  identity: FileIdentity;
  start: number;
  end: number;
  /** The file (and entry) for messages. */
  where: string;
}

export type RangeHash = { digest: string; size: number } | { changed: true } | { error: string; code?: string };

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(1024 * 1024);
parentPort.on('message', ({ id, file, identity, start, end }) => {
  let fd;
  try {
    fd = openSync(file, 'r');
    const info = fstatSync(fd);
    if (info.dev !== identity.dev || info.ino !== identity.ino || info.size !== identity.size || info.mtimeMs !== identity.mtimeMs) {
      parentPort.postMessage({ id, result: { changed: true } });
      return;
    }
    const hash = createHash('sha256');
    let position = start;
    while (position < end) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      position += n;
    }
    parentPort.postMessage({ id, result: { digest: 'sha256:' + hash.digest('hex'), size: position - start } });
  } catch (error) {
    parentPort.postMessage({ id, result: { error: String(error && error.message), code: error && error.code } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

/** How many threads hash at once: one per core, at most 4 and at most one per range. */
export function hashThreads(ranges: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores, ranges));
}

/**
 * Hashes every range, largest first, on `threads` worker threads; calls `done` as each finishes (in
 * the order they finish) and stops handing out ranges once `done` throws, rethrowing that error after
 * the running ranges end. The threads are ended before this returns.
 */
export async function hashFileRanges<T extends { range: FileRange }>(
  items: readonly T[],
  done: (item: T, result: RangeHash) => void,
  threads = hashThreads(items.length),
): Promise<void> {
  const queue = [...items].sort((a, b) => b.range.end - b.range.start - (a.range.end - a.range.start));
  let failed: { error: unknown } | undefined;
  const run = async (): Promise<void> => {
    if (queue.length === 0) return;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const crashed = new Promise<never>((_, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the hashing thread stopped (exit code ${code})`)));
    });
    crashed.catch(() => undefined);
    try {
      for (let id = 0; failed === undefined && queue.length > 0; id++) {
        const item = queue.shift()!;
        const answer = new Promise<RangeHash>((resolve) => {
          const onMessage = (message: { id: number; result: RangeHash }) => {
            if (message.id !== id) return;
            worker.off('message', onMessage);
            resolve(message.result);
          };
          worker.on('message', onMessage);
        });
        const { file, identity, start, end } = item.range;
        worker.postMessage({ id, file, identity, start, end });
        const result = await Promise.race([answer, crashed]);
        try {
          done(item, result);
        } catch (error) {
          failed ??= { error };
        }
      }
    } finally {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  };
  const runs = await Promise.allSettled(Array.from({ length: Math.min(threads, queue.length) }, run));
  if (failed) throw failed.error;
  const crash = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (crash) throw crash.reason;
}
