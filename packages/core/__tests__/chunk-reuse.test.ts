import { describe, expect, test } from '@jest/globals';
import { ChunkPool, chunkWritten } from '@deploy-kit/core/oci/chunk-reuse';

describe('ChunkPool', () => {
  test('a buffer is read into again only after its chunk was handed back', () => {
    const pool = new ChunkPool(16);
    const first = pool.take(16);
    const chunk = pool.lend(first, 16);
    expect(pool.take(16)).not.toBe(first); // not handed back yet: a new one
    chunkWritten(chunk);
    expect(pool.take(16)).toBe(first);
    expect(pool.counts).toEqual({ allocated: 2, reused: 1 });
  });

  test.each([
    ['a short read of a whole buffer is lent, and comes back whole', 16, 10, true],
    ['a short file gets a buffer of its size, never lent', 10, 10, false],
  ])('%s', (_name, asked, read, reused) => {
    const pool = new ChunkPool(16);
    const buffer = pool.take(asked);
    const chunk = pool.lend(buffer, read);
    expect(chunk.length).toBe(read);
    chunkWritten(chunk);
    expect(pool.take(16) === buffer).toBe(reused);
  });

  test('a chunk handed back twice, or one no pool lent, changes nothing; at most `keep` buffers are kept', () => {
    const pool = new ChunkPool(8, 2);
    const buffers = [pool.take(8), pool.take(8), pool.take(8)];
    const chunks = buffers.map((b) => pool.lend(b, 8));
    chunkWritten(chunks[0]!);
    chunkWritten(chunks[0]!);
    chunkWritten(Buffer.alloc(8));
    chunkWritten(chunks[1]!);
    chunkWritten(chunks[2]!); // a third: not kept
    expect([pool.take(8), pool.take(8)]).toEqual(expect.arrayContaining([buffers[0], buffers[1]]));
    expect(buffers).not.toContain(pool.take(8));
  });

  test('more than a chunk is a buffer of its own', () => {
    const pool = new ChunkPool(8);
    expect(pool.take(20).length).toBe(20);
    expect(pool.counts).toEqual({ allocated: 0, reused: 0 });
  });
});
