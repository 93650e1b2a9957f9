/**
 * `node:crypto`'s createHash and randomBytes, with the module required on the first call. Measured
 * reason: loading it takes 6–9 ms on node 24, the runner's runtime (~3 ms on node 20), with its ~17
 * internal modules and the stream modules; most steps hash no blob and draw no random value, so they
 * never pay it (issue 18). The one place that loads `node:crypto` lazily: runner.ts (the
 * stop-commands token), digest.ts (documents above @noble/hashes' size) and the blob hashing use it.
 */
import { createRequire } from 'node:module';
import type { Hash } from 'node:crypto';

const requireBuiltin = createRequire(import.meta.url);
let loaded: typeof import('node:crypto') | undefined;

function nodeCrypto(): typeof import('node:crypto') {
  loaded ??= requireBuiltin('node:crypto') as typeof import('node:crypto');
  return loaded;
}

/** `node:crypto`'s createHash, loaded on the first call. */
export function createHash(algorithm: string): Hash {
  return nodeCrypto().createHash(algorithm);
}

/** `node:crypto`'s randomBytes, loaded on the first call. */
export function randomBytes(size: number): Buffer {
  return nodeCrypto().randomBytes(size);
}
