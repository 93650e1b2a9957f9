/** local-files.ts: checked ranges of local files, streamed (the upload) and hashed in one buffer (the check before the first write). */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import { chunkWritten } from '@deploy-kit/core/oci/chunk-reuse';
import { checkedRange, hashCheckedRange, identityOf, type CheckedFileRange } from '../src/local-files.js';

let dir: string;
let file: string;
let data: Buffer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-files-'));
  file = join(dir, 'blob.bin');
  data = randomBytes(2 * 1024 * 1024 + 123); // more than two 1 MiB reads
  writeFileSync(file, data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const range = (path: string, start: number, end: number): CheckedFileRange => ({
  file: path,
  identity: identityOf(statSync(path)),
  start,
  end,
  where: path,
});

describe('checkedRange and hashCheckedRange', () => {
  test.each<[string, number, number]>([
    ['the whole file', 0, 2 * 1024 * 1024 + 123],
    ['a range across the 1 MiB reads', 1000, 1024 * 1024 + 77],
    ['the last bytes', 2 * 1024 * 1024 + 100, 2 * 1024 * 1024 + 123],
    ['nothing', 50, 50],
  ])('%s: the same bytes streamed and hashed', async (_what, start, end) => {
    const expected = data.subarray(start, end);
    const r = range(file, start, end);
    expect((await readAll(checkedRange(file, r.identity, start, end, file))).equals(expected)).toBe(true);
    expect(await hashCheckedRange(r)).toEqual({ digest: sha(expected), size: expected.length });
  });

  test('buffers a consumer hands back (the registry transport, once the socket took them) are read into again', async () => {
    const big = join(dir, 'big.bin');
    const bytes = randomBytes(6 * 1024 * 1024 + 5);
    writeFileSync(big, bytes);
    const copies: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    const stream = checkedRange(big, identityOf(statSync(big)), 0, bytes.length, big);
    stream.on('data', (chunk: Buffer) => {
      copies.push(Buffer.from(chunk));
      memory.add(chunk.buffer);
      chunkWritten(chunk);
    });
    await new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
    expect(Buffer.concat(copies).equals(bytes)).toBe(true);
    expect(copies.length).toBe(7);
    expect(memory.size).toBeLessThan(copies.length);
  });

  test('a file replaced after it was checked is read by neither', async () => {
    const other = join(dir, 'replaced.bin');
    writeFileSync(other, data.subarray(0, 5000));
    const r = range(other, 0, 5000);
    const copy = readFileSync(other);
    unlinkSync(other);
    writeFileSync(other, copy); // same bytes, another file
    await expect(readAll(checkedRange(other, r.identity, 0, 5000, 'the blob'))).rejects.toThrow('the blob changed after it was checked');
    await expect(hashCheckedRange({ ...r, where: 'the blob' })).rejects.toThrow('the blob changed after it was checked');
  });

  test('a missing file is the file system error; a stream that is dropped early closes its file', async () => {
    const gone = { ...range(file, 0, 10), file: join(dir, 'nothing-here') };
    await expect(hashCheckedRange(gone)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readAll(checkedRange(gone.file, gone.identity, 0, 10, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
    const stream = checkedRange(file, identityOf(statSync(file)), 0, data.length, file);
    for await (const chunk of stream) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // destroys the stream
    }
    expect(stream.destroyed).toBe(true);
  });

  test('a file truncated in place after it was checked (same inode): refused, its size and time changed', async () => {
    const short = join(dir, 'short.bin');
    writeFileSync(short, data.subarray(0, 4096));
    const r = range(short, 0, 4096);
    truncateSync(short, 1000);
    await expect(hashCheckedRange(r)).rejects.toThrow(/changed after it was checked/);
  });
});
