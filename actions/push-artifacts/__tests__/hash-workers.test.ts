/** hash-workers.ts: SHA-256 of file ranges on worker threads, read only while the file is the one checked. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeOciArchive, makeOciLayout } from '../../../action-tests/lib/oci-images.mjs';
import { hashFileRanges, hashThreads, type FileRange, type RangeHash } from '../src/hash-workers.js';
import { loadImage, verifyBlobs } from '../src/layout.js';
import { identityOf } from '../src/local-files.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-hash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const rangeOf = (file: string, start = 0, end = statSync(file).size): FileRange => ({
  file,
  identity: identityOf(statSync(file)),
  start,
  end,
  where: file,
});

describe('hashFileRanges', () => {
  test('whole files and ranges (across the 1 MiB read buffer), on fewer threads than ranges; each result once', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(dir, 'data.bin');
    writeFileSync(file, data);
    const ranges = [
      { name: 'all', range: rangeOf(file) },
      { name: 'middle', range: rangeOf(file, 1000, 2 * 1024 * 1024 + 5) },
      { name: 'empty', range: rangeOf(file, 10, 10) },
      { name: 'tail', range: rangeOf(file, data.length - 3) },
    ];
    const seen = new Map<string, RangeHash>();
    await hashFileRanges(ranges, (item, result) => seen.set(item.name, result), 2);
    expect(Object.fromEntries(seen)).toEqual({
      all: { digest: sha(data), size: data.length },
      middle: { digest: sha(data.subarray(1000, 2 * 1024 * 1024 + 5)), size: 2 * 1024 * 1024 + 5 - 1000 },
      empty: { digest: sha(Buffer.alloc(0)), size: 0 },
      tail: { digest: sha(data.subarray(data.length - 3)), size: 3 },
    });
  });

  test('a file replaced after it was checked is not read; a missing one is an error with its code', async () => {
    const file = join(dir, 'replaced.bin');
    writeFileSync(file, 'first');
    const range = rangeOf(file);
    const copy = readFileSync(file);
    unlinkSync(file);
    writeFileSync(file, copy); // same bytes, another file
    const missing = { ...range, file: join(dir, 'nothing-here') };
    const results: RangeHash[] = [];
    await hashFileRanges([{ range }, { range: missing }], (_item, result) => results.push(result), 1);
    expect(results).toEqual(expect.arrayContaining([{ changed: true }, expect.objectContaining({ code: 'ENOENT' })]));
  });

  test('the first error thrown by `done` is rethrown and no further range is handed out', async () => {
    const file = join(dir, 'small.bin');
    writeFileSync(file, 'x');
    const items = Array.from({ length: 5 }, (_, i) => ({ i, range: rangeOf(file) }));
    let calls = 0;
    await expect(
      hashFileRanges(
        items,
        () => {
          calls++;
          throw new Error('mismatch');
        },
        1,
      ),
    ).rejects.toThrow('mismatch');
    expect(calls).toBe(1);
  });

  test('one thread per core, at most 4 and at most one per range', () => {
    expect([hashThreads(10, 2), hashThreads(1, 8), hashThreads(10, 16), hashThreads(0, 2)]).toEqual([2, 1, 4, 1]);
  });
});

describe('verifyBlobs on threads (16 MiB of file blobs or more)', () => {
  test('a layout and an OCI archive: every blob verified; a changed byte in a big layer is named', async () => {
    const made = await makeOciLayout(join(dir, 'big'), { layers: [9 * 1024 * 1024, 9 * 1024 * 1024, 1000] });
    const image = await loadImage(made.layout);
    expect([...image.blobs.values()].every((b) => b.file !== undefined)).toBe(true);
    await verifyBlobs([image]);
    expect([...image.blobs.values()].every((b) => b.verified)).toBe(true);

    const archive = await makeOciArchive(join(dir, 'big.tar'), { layers: [17 * 1024 * 1024] });
    const fromTar = await loadImage(archive.archive);
    await verifyBlobs([fromTar]);
    expect([...fromTar.blobs.values()].every((b) => b.verified)).toBe(true);

    const victim = made.manifests[0]!.layers[1]!;
    const path = join(made.layout, 'blobs', 'sha256', victim.slice(7));
    const bytes = readFileSync(path);
    bytes[4 * 1024 * 1024] = bytes[4 * 1024 * 1024]! ^ 0xff;
    writeFileSync(path, bytes);
    const again = await loadImage(made.layout);
    await expect(verifyBlobs([again])).rejects.toThrow(
      new RegExp(`blob ${victim} \\(.*\\) is corrupted: its content hashes to sha256:\\w+ \\(\\d+ bytes, expected \\d+\\)`),
    );
  });

  test('a blob file replaced between loading and hashing: the message says it changed', async () => {
    const made = await makeOciLayout(join(dir, 'swapped'), { layers: [17 * 1024 * 1024] });
    const image = await loadImage(made.layout);
    const path = join(made.layout, 'blobs', 'sha256', made.manifests[0]!.layers[0]!.slice(7));
    const copy = readFileSync(path);
    unlinkSync(path);
    writeFileSync(path, copy);
    await expect(verifyBlobs([image])).rejects.toThrow(/changed after it was checked/);
  });
});
