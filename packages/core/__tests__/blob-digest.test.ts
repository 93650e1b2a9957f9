import { describe, expect, test } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobDigestCheck, BlobDigestMismatch } from '@deploy-kit/core/oci/blob-digest';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
/** A blob whose reads come in pieces of `piece` bytes, counting the bytes read from "disk". */
function blobOf(data: Buffer, digest = sha(data), piece = 1000) {
  const blob = {
    digest,
    size: data.length,
    where: 'test.tar',
    read: 0,
    open: (start: number, end: number) => {
      const pieces: Buffer[] = [];
      for (let at = start; at < end; at += piece) pieces.push(data.subarray(at, Math.min(end, at + piece)));
      blob.read += end - start;
      return Readable.from(pieces);
    },
  };
  return blob;
}
/** What a request would send: the bytes the body passed on, and how it ended. */
async function send(body: Readable): Promise<{ bytes: Buffer; error?: Error }> {
  const out: Buffer[] = [];
  try {
    for await (const chunk of body) out.push(chunk as Buffer);
    return { bytes: Buffer.concat(out) };
  } catch (error) {
    return { bytes: Buffer.concat(out), error: error as Error };
  }
}

describe('BlobDigestCheck', () => {
  test('a matching blob passes whole, in one body or in chunks, each byte read once', async () => {
    const data = randomBytes(10_500);
    const whole = blobOf(data);
    expect(await send(new BlobDigestCheck(whole).body(0, data.length))).toEqual({ bytes: data });
    expect(whole.read).toBe(data.length);
    const chunked = blobOf(data);
    const check = new BlobDigestCheck(chunked);
    const parts = [await send(check.body(0, 4000)), await send(check.body(4000, 8000)), await send(check.body(8000, data.length))];
    expect(parts.map((p) => p.error)).toEqual([undefined, undefined, undefined]);
    expect(Buffer.concat(parts.map((p) => p.bytes)).equals(data)).toBe(true);
    expect(chunked.read).toBe(data.length);
  });

  test.each([
    ['one body', [[0, 10_500]]],
    [
      'chunks',
      [
        [0, 4000],
        [4000, 8000],
        [8000, 10_500],
      ],
    ],
  ])('a blob that does not match: its last bytes are withheld (%s)', async (_, ranges) => {
    const data = randomBytes(10_500);
    const check = new BlobDigestCheck(blobOf(data, sha(randomBytes(4))));
    const results = [];
    for (const [start, end] of ranges) results.push(await send(check.body(start!, end!)));
    const last = results.at(-1)!;
    expect(last.error).toBeInstanceOf(BlobDigestMismatch);
    expect(last.error!.message).toBe(
      `blob ${check['blob'].digest} (test.tar) is corrupted: its content hashes to ${sha(data)} (10500 bytes, expected 10500)`,
    );
    const sent = results.reduce((n, r) => n + r.bytes.length, 0);
    expect(sent).toBeLessThan(data.length); // the registry never has all of it
    expect(results.slice(0, -1).every((r) => r.error === undefined)).toBe(true);
  });

  test('a resume from an offset this upload never read up to hashes the skipped bytes from the file first', async () => {
    const data = randomBytes(10_500);
    const blob = blobOf(data);
    const check = new BlobDigestCheck(blob);
    blob.read = 0;
    await send(check.body(0, 10_500).take(1)); // a request cut part-way
    const resumed = await send(check.body(2500, 10_500)); // the registry kept 2500
    expect(resumed.error).toBeUndefined();
    expect(resumed.bytes.equals(data.subarray(2500))).toBe(true);
    expect(blob.read).toBeGreaterThanOrEqual(2500 + 8000); // the catch-up read [0, 2500) again
  });

  test('a resume behind the furthest known state starts the hash again from byte 0', async () => {
    const data = randomBytes(10_500);
    const check = new BlobDigestCheck(blobOf(data));
    await send(check.body(0, 6000)); // known through 6000
    const resumed = await send(check.body(5000, 10_500)); // the registry says it holds 5000
    expect(resumed.error).toBeUndefined();
    expect(resumed.bytes.length).toBe(5500);
    // A mismatch is still found on that path.
    const bad = new BlobDigestCheck(blobOf(data, sha(Buffer.from('x'))));
    await send(bad.body(0, 6000));
    expect((await send(bad.body(5000, 10_500))).error).toBeInstanceOf(BlobDigestMismatch);
  });

  test('an auth retry sends the same body again from the same state', async () => {
    const data = randomBytes(5000);
    const check = new BlobDigestCheck(blobOf(data));
    await send(check.body(0, 2000));
    await send(check.body(2000, 5000).take(1)); // sent once, answered 401 part-way
    expect(await send(check.body(2000, 5000))).toEqual({ bytes: data.subarray(2000) });
  });

  test('a file shorter than the blob fails the body that should reach its end', async () => {
    const data = randomBytes(5000);
    const blob = { ...blobOf(data), size: 6000 };
    const result = await send(new BlobDigestCheck(blob).body(0, 6000));
    expect(result.error?.message).toBe('reading test.tar ended at byte 5000, expected 6000');
  });

  test('an empty blob is checked too, and a digest that is not sha256 is refused', async () => {
    const empty = Buffer.alloc(0);
    expect(await send(new BlobDigestCheck(blobOf(empty)).body(0, 0))).toEqual({ bytes: empty });
    expect((await send(new BlobDigestCheck(blobOf(empty, sha(Buffer.from('x')))).body(0, 0))).error).toBeInstanceOf(BlobDigestMismatch);
    expect(() => new BlobDigestCheck(blobOf(empty, 'sha512:abc'))).toThrow('is not named by a sha256 digest');
  });
});
