/**
 * Read buffers used again once a request has written them (issue 18). Streaming a file in a fresh
 * 1 MiB buffer per read makes the kernel map and zero new pages for every read: uploading the bench's
 * four 50 MB blobs at once to the CNCF registry took 387 ms of CPU (median of 4) with a new buffer per
 * read, and 305 ms with each blob's buffers reused, with ~10 % less wall time (256 KiB buffers: 387 ms;
 * 2–4 MiB: the same as 1 MiB). No stream library reuses a consumer's buffers, hence this file.
 *
 * A reader lends each chunk it pushes (`ChunkPool.lend`); the one consumer that sends the bytes hands
 * it back (`chunkWritten`) only after the socket has taken them (the write callback, without error).
 * Nothing else hands chunks back, so a chunk that goes anywhere else (a hash before the push, a
 * `Buffer.concat`, a failed request) is simply never reused. A reader never waits for a buffer: when
 * none has come back it allocates one, so a consumer that keeps its chunks costs what it did before.
 */

/** chunk (as pushed) → what puts its buffer back in its pool. */
const lent = new WeakMap<Buffer, () => void>();

/** Buffers of one reader (one request body): at most `keep` are kept for reuse. */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  /** Whole-chunk buffers made, and reads into one handed back (the tests read them). */
  readonly counts = { allocated: 0, reused: 0 };

  constructor(
    readonly chunkSize: number,
    private readonly keep = 8,
  ) {}

  /**
   * A buffer of at least `length` bytes to read into: one handed back, else a new one (a whole chunk
   * when `length` is one, so that it can be reused; just `length` bytes for a short file's one read).
   */
  take(length: number): Buffer {
    if (length > this.chunkSize) return Buffer.allocUnsafe(length);
    const reused = this.free.pop();
    if (reused) {
      this.counts.reused++;
      return reused;
    }
    if (length < this.chunkSize) return Buffer.allocUnsafe(length);
    this.counts.allocated++;
    return Buffer.allocUnsafeSlow(this.chunkSize);
  }

  /** The first `length` bytes of `buffer` (from `take`) as the chunk to push; reused once handed back. */
  lend(buffer: Buffer, length: number): Buffer {
    const chunk = buffer.subarray(0, length);
    if (buffer.length === this.chunkSize)
      lent.set(chunk, () => {
        if (this.free.length < this.keep) this.free.push(buffer);
      });
    return chunk;
  }
}

/**
 * Called by the consumer that sent `chunk` once the socket has taken all of it: its buffer may be read
 * into again. A chunk no pool lent is ignored; a chunk is handed back at most once.
 */
export function chunkWritten(chunk: Buffer): void {
  const giveBack = lent.get(chunk);
  if (!giveBack) return;
  lent.delete(chunk);
  giveBack();
}
