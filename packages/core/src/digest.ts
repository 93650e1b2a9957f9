/**
 * SHA-256 of documents without loading `node:crypto` (node-crypto.ts loads it on first use).
 *
 * Measured reason: on node 24, the runner's runtime, `require('node:crypto')` takes 6–9 ms (its ~17
 * internal modules; ~3 ms on node 20), ~9 % of a push-artifacts re-push that finds every blob in the
 * registry (97 ms, bench/push-artifacts.mjs), whose only hashing is of the layout's small documents
 * (index.json, manifests). So:
 *
 * - {@link sha256Digest} hashes a document of up to {@link SMALL_DOCUMENT_BYTES} with @noble/hashes
 *   (pure JavaScript, audited, no `node:crypto`), and anything larger with `node:crypto`;
 * - streams (blobs) are hashed with node-crypto.ts' createHash, which loads `node:crypto` on first use.
 *
 * Both implementations are checked against each other in `__tests__/digest.test.ts`.
 */
import type { BinaryLike } from 'node:crypto';

import { sha256 } from '@noble/hashes/sha2.js';

import { createHash } from './node-crypto.js';

/** Above this, `node:crypto` (OpenSSL, ~1.4 GB/s here) beats loading it plus @noble/hashes' ~150 MB/s. */
export const SMALL_DOCUMENT_BYTES = 256 * 1024;

const encoder = new TextEncoder();

/** The hex SHA-256 of `data` (a string as UTF-8). */
export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  if (bytes.length > SMALL_DOCUMENT_BYTES)
    return createHash('sha256')
      .update(bytes as BinaryLike)
      .digest('hex');
  return Buffer.from(sha256(bytes)).toString('hex');
}

/** `sha256:<hex>`, the OCI digest of `data`. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${sha256Hex(data)}`;
}

/** The digest of no bytes at all (an empty blob). */
export const EMPTY_SHA256_DIGEST = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
