/** core's registry transport on node:http against a real loopback server. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ChunkPool } from '@deploy-kit/core/oci/chunk-reuse';
import { closeTransport, nodeTransport } from '@deploy-kit/core/oci/transport';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

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
      if (request.url?.startsWith('/port')) {
        request.resume();
        // With a Content-Length, as registries answer (a chunked answer to HEAD ends its connection).
        const port = String(request.socket.remotePort);
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(port.length) });
        response.end(request.method === 'HEAD' ? undefined : port);
        return;
      }
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

  test.each([
    ['a cancelled answer', 'GET'],
    ['an answer without a body (HEAD)', 'HEAD'],
  ])('%s frees its kept-alive socket before the transport returns: the next request reuses it', async (_name, method) => {
    const ports = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const first = await nodeTransport(`${base}/port`, { method, headers: {} });
      await first.body?.cancel();
      const second = await nodeTransport(`${base}/port`, { method: 'GET', headers: {} });
      ports.add(await second.text());
    }
    expect(ports.size).toBe(1);
  });
});
