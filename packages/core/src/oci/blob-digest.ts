/**
 * A blob's bytes hashed as they are sent (SECURITY.md rule 8): every request body of an upload passes
 * through a hash, and the body that carries the blob's last bytes withholds them unless the whole blob
 * hashed to its digest and size. A registry therefore never receives all of a blob that does not match
 * (the request fails short of its Content-Length, and the client cancels the session), so it can
 * neither complete it nor store it under a digest it does not have, whatever its own check does.
 *
 * Hashing while sending instead of before (issue 18): a 200 MB push read every blob twice and spent
 * ~190 ms of CPU hashing before its first byte went out; now the hash overlaps the transfer.
 *
 * The hash state at any offset is that of the file's bytes before it, whichever request sent them: a
 * body that starts where the last complete one ended continues from its state; one that starts
 * elsewhere (a resume from the registry's own offset after a failure) first hashes the bytes it skips
 * from the file. That catch-up only happens on the failure paths.
 */
import type { Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

import { createHash } from '../node-crypto.js';

/** The blob's bytes are not the ones its digest names: the upload is never completed. */
export class BlobDigestMismatch extends Error {
  constructor(
    readonly digest: string,
    readonly actual: string,
    readonly bytes: number,
    readonly size: number,
    readonly where: string,
  ) {
    super(`blob ${digest} (${where}) is corrupted: its content hashes to ${actual} (${bytes} bytes, expected ${size})`);
    this.name = 'BlobDigestMismatch';
  }
}

/** The blob's file could not be read (or ended early): never a network problem. */
export class BlobReadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BlobReadError';
  }
}

export interface BlobBytes {
  digest: string;
  size: number;
  /** For messages. */
  where: string;
  /** A fresh stream of bytes `[start, end)`. */
  open(start: number, end: number): Readable;
}

const readFailed = (where: string, error: Error) => new BlobReadError(`reading ${where} failed: ${error.message}`, { cause: error });

const sha256Hex = (digest: string): string | undefined => /^sha256:([a-f0-9]{64})$/.exec(digest)?.[1];

/** Hashes `[start, end)` of the blob into `hash`. */
async function hashRange(blob: BlobBytes, hash: Hash, start: number, end: number): Promise<void> {
  if (end <= start) return;
  let read = 0;
  for await (const chunk of blob.open(start, end)) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
  }
  if (read !== end - start) throw new BlobReadError(`reading ${blob.where} ended at byte ${start + read}, expected ${end}`);
}

/** The request bodies of one blob upload, each hashed as it is read (see the module header). */
export class BlobDigestCheck {
  /** The furthest offset whose hash state is known, and that state (of bytes `[0, offset)`). */
  private known: { offset: number; hash: Hash } = { offset: 0, hash: createHash('sha256') };

  constructor(private readonly blob: BlobBytes) {
    if (!sha256Hex(blob.digest)) throw new Error(`blob ${blob.digest} (${blob.where}) is not named by a sha256 digest`);
  }

  /**
   * A stream of bytes `[start, end)` that hashes them as they pass. When `end` is the blob's size,
   * the last piece is passed on only if the whole blob hashed to its digest; otherwise the stream
   * fails with BlobDigestMismatch before it. A body that was not read to its end teaches nothing.
   */
  body(start: number, end: number): Readable {
    const { blob } = this;
    const from = start >= this.known.offset ? this.known : { offset: 0, hash: createHash('sha256') };
    const hash = from.hash.copy();
    let position = start;
    let checked = false;
    /** At the blob's last byte: the whole blob must hash to its digest. */
    const mismatch = (): BlobDigestMismatch | undefined => {
      checked = true;
      const actual = `sha256:${hash.copy().digest('hex')}`;
      return actual === blob.digest ? undefined : new BlobDigestMismatch(blob.digest, actual, position, blob.size, blob.where);
    };
    const tap = new Transform({
      construct: (callback) => {
        // Only after a resume from an offset this upload never read up to.
        hashRange(blob, hash, from.offset, start).then(
          () => callback(),
          (error: Error) => callback(error instanceof BlobReadError ? error : readFailed(blob.where, error)),
        );
      },
      transform: (chunk: Buffer, _encoding, callback) => {
        position += chunk.length;
        if (position > end) return callback(new BlobReadError(`reading ${blob.where} gave more than bytes ${start}-${end - 1}`));
        hash.update(chunk);
        const failed = position === blob.size ? mismatch() : undefined;
        callback(failed, failed ? undefined : chunk);
      },
      flush: (callback) => {
        // Shorter than it was when it was looked at: the request ends short of its length.
        if (position !== end) return callback(new BlobReadError(`reading ${blob.where} ended at byte ${position}, expected ${end}`));
        const failed = end === blob.size && !checked ? mismatch() : undefined;
        if (failed) return callback(failed);
        if (end > this.known.offset && end < blob.size) this.known = { offset: end, hash: hash.copy() };
        callback();
      },
    });
    // Wired by hand rather than with pipeline(): an error the request puts on the body (a reset
    // connection) must not look like one of reading, which is never retried.
    const source = blob.open(start, end);
    source.on('error', (error) => tap.destroy(readFailed(blob.where, error)));
    tap.on('close', () => source.destroy());
    return source.pipe(tap);
  }
}
