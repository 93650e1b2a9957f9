import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ChunkPool, chunkWritten } from '@deploy-kit/core/oci/chunk-reuse';
import { closeTransport, nodeTransport } from '@deploy-kit/core/oci/transport';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

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

/** A reader over `data` that lends every chunk from one pool, as the push's file reader does. */
function lendingReader(data: Buffer, chunkSize: number): { stream: Readable; pool: ChunkPool } {
  const pool = new ChunkPool(chunkSize);
  let at = 0;
  const stream = new Readable({
    highWaterMark: chunkSize,
    read() {
      if (at >= data.length) return void this.push(null);
      const length = Math.min(chunkSize, data.length - at);
      const buffer = pool.take(length);
      data.copy(buffer, 0, at, at + length);
      at += length;
      // Asynchronous, as a file read is.
      setImmediate(() => this.push(pool.lend(buffer, length)));
    },
  });
  return { stream, pool };
}

describe('nodeTransport: a streamed body from lent buffers', () => {
  let server: Server;
  let base = '';
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/hang-up') {
        request.once('data', () => request.socket.destroy());
        return;
      }
      const hash = createHash('sha256');
      let slow = request.url === '/slow';
      request.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        if (slow) {
          // Reads slowly at first, so the client's writes wait for 'drain'.
          slow = false;
          request.pause();
          setTimeout(() => request.resume(), 50);
        }
      });
      request.on('end', () => {
        received.push(hash.digest('hex'));
        response.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    closeTransport();
    await new Promise((resolve) => server.close(resolve));
  });

  test.each([['/fast'], ['/slow']])('%s: the server gets every byte as read, while the buffers are reused', async (path) => {
    const data = randomBytes(6 * 1024 * 1024 + 123);
    const { stream, pool } = lendingReader(data, 256 * 1024);
    const response = await nodeTransport(`${base}${path}`, {
      method: 'PATCH',
      headers: { 'content-length': String(data.length) },
      body: stream,
    });
    await response.body?.cancel();
    expect(response.status).toBe(201);
    expect(received.at(-1)).toBe(sha(data));
    expect(pool.counts.reused).toBeGreaterThan(0);
    expect(pool.counts.allocated).toBeLessThan(25); // 25 chunks; fewer buffers
  });

  test('a connection closed mid-body fails the request and ends the body (no hang, nothing read on)', async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const { stream } = lendingReader(data, 256 * 1024);
    await expect(
      nodeTransport(`${base}/hang-up`, { method: 'PATCH', headers: { 'content-length': String(data.length) }, body: stream }),
    ).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stream.destroyed).toBe(true);
  });
});
