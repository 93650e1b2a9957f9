import { describe, expect, test } from '@jest/globals';
import * as nodeCrypto from 'node:crypto';

import { EMPTY_SHA256_DIGEST, SMALL_DOCUMENT_BYTES, sha256Digest, sha256Hex } from '../src/digest.js';
import { createHash, randomBytes } from '../src/node-crypto.js';

const reference = (data: Uint8Array | string) => nodeCrypto.createHash('sha256').update(data).digest('hex');

/** Deterministic bytes, so a failure names a reproducible input. */
function bytes(length: number, seed = length): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('sha256Digest: @noble/hashes for documents, node:crypto above SMALL_DOCUMENT_BYTES, the same digests', () => {
  // Every length around SHA-256's 64-byte blocks and its 55/56-byte padding edge, then larger ones.
  const lengths = [
    ...Array.from({ length: 200 }, (_, i) => i),
    1000,
    4096,
    65_536,
    SMALL_DOCUMENT_BYTES - 1,
    SMALL_DOCUMENT_BYTES,
    SMALL_DOCUMENT_BYTES + 1,
    2 * SMALL_DOCUMENT_BYTES + 7,
  ];
  test.each(lengths)('%i bytes', (length) => {
    const data = bytes(length);
    expect(sha256Hex(data)).toBe(reference(data));
    expect(sha256Digest(Buffer.from(data))).toBe(`sha256:${reference(data)}`);
  });

  test.each([
    ['an empty string', ''],
    ['ASCII JSON', '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}'],
    ['multi-byte UTF-8', 'tag ü ✓ 🚀'],
  ])('a string is hashed as its UTF-8 bytes: %s', (_, text) => {
    expect(sha256Hex(text)).toBe(reference(Buffer.from(text, 'utf8')));
  });

  test('a subarray is hashed as its own bytes, not its backing buffer', () => {
    const whole = bytes(300);
    const part = whole.subarray(17, 250);
    expect(sha256Hex(part)).toBe(reference(Buffer.from(part)));
  });

  test('the empty digest is the digest of no bytes', () => {
    expect(EMPTY_SHA256_DIGEST).toBe(`sha256:${reference(new Uint8Array(0))}`);
  });
});

describe('createHash and randomBytes are node:crypto, loaded on first use', () => {
  test('createHash streams as node:crypto does', () => {
    const hash = createHash('sha256');
    hash.update(bytes(100));
    hash.update(bytes(50, 7));
    expect(hash.digest('hex')).toBe(reference(Buffer.concat([bytes(100), bytes(50, 7)])));
  });

  test('randomBytes gives fresh bytes of the size asked', () => {
    const a = randomBytes(16);
    const b = randomBytes(16);
    expect([a.length, b.length]).toEqual([16, 16]);
    expect(a.equals(b)).toBe(false);
  });
});
