/**
 * The GitHub Actions cache service, for one file: the verified release file of a migration tool, kept
 * between runs so a new runner does not download it again (install.ts verifies what comes back).
 *
 * Stands in for @actions/cache (6.x). The library archives folders (tar + zstd) and, for the v2
 * service github.com uses, uploads through the Azure Storage SDK: 2.38 MB of the 5.6 MB
 * `dist/migrate-job` (measured, ncc --minify), plus @actions/http-client and undici (1.15 MB, shared
 * with @actions/tool-cache), in the archive every `uses:` of a deploy-kit action downloads; issue 15
 * asks for that bundle under 3 MB. One file needs none of that: the two protocols below are a handful
 * of JSON calls and one transfer to a signed URL, the same calls the library makes:
 *
 * - v2 (github.com: `ACTIONS_CACHE_SERVICE_V2` and `ACTIONS_RESULTS_URL`): the Twirp service
 *   `github.actions.results.api.v1.CacheService` (GetCacheEntryDownloadURL, CreateCacheEntry,
 *   FinalizeCacheEntryUpload); the file goes to the signed Azure Blob URL as one Put Blob.
 * - v1 (GitHub Enterprise Server, and act's cache server): `_apis/artifactcache` under
 *   `ACTIONS_CACHE_URL` (GET cache, POST caches, PATCH chunks with Content-Range, POST commit).
 *
 * The runtime token (`ACTIONS_RUNTIME_TOKEN`) goes only to the service's own host, over https or to a
 * loopback host (network.ts); the signed transfer URLs carry their own authorisation and are never
 * logged. Entries are versioned by {@link CACHE_ENTRY_VERSION}: what @actions/cache saved under the
 * same key (a tar of a folder) has another version and is never read.
 */
import { createHash } from 'node:crypto';
import { isJsonObject, registerSecret } from '@deploy-kit/core';
import { boundedFetch, readBody, type BoundedFetchOptions } from './network.js';

/** The service's version field for our entries: what they hold (one release file), not a path list. */
export const CACHE_ENTRY_VERSION = createHash('sha256').update('deploy-kit-migrate-job|release-file|1').digest('hex');
/** v1 upload chunk (the size @actions/cache uses). */
const V1_CHUNK_BYTES = 32 * 1024 * 1024;
/** The largest file restored or saved (release files of migration tools are tens of MB). */
export const MAX_CACHED_FILE_BYTES = 1024 * 1024 * 1024;
const TWIRP_SERVICE = 'twirp/github.actions.results.api.v1.CacheService';

export interface CacheTransferOptions {
  /** The step's deadline and cancellation. */
  signal?: AbortSignal;
  /** The longest one request may take, transfer included. */
  totalMs: number;
  /** The longest wait for an answer or for the next chunk. */
  answerMs?: number;
  fetch?: typeof fetch;
}

export interface CacheService {
  readonly protocol: 'v1' | 'v2';
  /** The file saved under exactly `key`, or undefined on a miss. */
  restore(key: string, options: CacheTransferOptions): Promise<Buffer | undefined>;
  /** Saves `bytes` under `key`; 'exists' when an entry with that key is already there (another job saved it). */
  save(key: string, bytes: Buffer, options: CacheTransferOptions): Promise<'saved' | 'exists'>;
}

/** A failed exchange with the cache service; install.ts turns it into a warning (the tool is downloaded instead). */
export class CacheServiceError extends Error {}

/** @actions/cache's rule: GitHub Enterprise Server is any server that is not github.com, *.ghe.com or *.localhost. */
export function isGhes(env: Record<string, string | undefined>): boolean {
  let host: string;
  try {
    host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase();
  } catch {
    return false;
  }
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}

/** Which cache service this runner offers, from its environment (as @actions/cache decides), or undefined. */
export function cacheServiceFromEnv(env: Record<string, string | undefined> = process.env): CacheService | undefined {
  // Hosted runners always set the token; act's cache server asks for none (as @actions/cache, an empty one is allowed).
  const token = env.ACTIONS_RUNTIME_TOKEN ?? '';
  registerSecret(token);
  const v2 = !isGhes(env) && Boolean(env.ACTIONS_CACHE_SERVICE_V2);
  const base = v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL;
  if (!base) return undefined;
  const service = new ServiceEndpoint(base, token);
  return v2 ? new CacheServiceV2(service) : new CacheServiceV1(service);
}

/** Where a cache service answers, and its runtime token, bound to that host only. */
class ServiceEndpoint {
  readonly credentials: { host: string; headers: Record<string, string> };
  private readonly base: string;
  constructor(base: string, token: string) {
    this.base = base.endsWith('/') ? base : `${base}/`;
    this.credentials = { host: new URL(base).host, headers: token ? { authorization: `Bearer ${token}` } : {} };
  }

  url(path: string): string {
    return new URL(path, this.base).toString();
  }
}

function describe(url: string, status: number, body: string): string {
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `${new URL(url).pathname} answered ${status}${excerpt ? ` (${excerpt})` : ''}`;
}

/** One request to the service (token bound to its host) or to a signed URL (no token); the whole answer. */
async function exchange(
  url: string,
  init: Pick<BoundedFetchOptions, 'method' | 'headers' | 'body' | 'credentials'>,
  options: CacheTransferOptions,
  maxBytes: number,
): Promise<{ status: number; body: Buffer }> {
  const answer = await boundedFetch(url, {
    ...init,
    outer: options.signal,
    totalMs: options.totalMs,
    answerMs: options.answerMs,
    fetch: options.fetch,
  });
  const body = await readBody(answer, { maxBytes });
  return { status: answer.response.status, body };
}

function parseJson(url: string, body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (isJsonObject(value)) return value;
  } catch {
    // reported below
  }
  throw new CacheServiceError(`${new URL(url).pathname} answered something other than a JSON object`);
}

/** The Twirp cache service github.com runs (what @actions/cache speaks when ACTIONS_CACHE_SERVICE_V2 is set). */
class CacheServiceV2 implements CacheService {
  readonly protocol = 'v2' as const;
  constructor(private readonly service: ServiceEndpoint) {}

  private async call(method: string, request: Record<string, unknown>, options: CacheTransferOptions): Promise<Record<string, unknown>> {
    const url = this.service.url(`${TWIRP_SERVICE}/${method}`);
    const { status, body } = await exchange(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: this.service.credentials,
        body: JSON.stringify(request),
      },
      options,
      1024 * 1024,
    );
    // Twirp answers "not_found" (404) for a miss on some deployments; the caller reads `ok`.
    if (status === 404) return { ok: false };
    if (status !== 200) throw new CacheServiceError(describe(url, status, body.toString('utf8')));
    return parseJson(url, body);
  }

  async restore(key: string, options: CacheTransferOptions): Promise<Buffer | undefined> {
    const found = await this.call('GetCacheEntryDownloadURL', { key, restore_keys: [], version: CACHE_ENTRY_VERSION }, options);
    const url = found.signed_download_url;
    if (found.ok !== true || typeof url !== 'string' || !url) return undefined;
    registerSecret(new URL(url).search);
    const { status, body } = await exchange(url, { method: 'GET' }, options, MAX_CACHED_FILE_BYTES);
    if (status !== 200) throw new CacheServiceError(`the signed download URL answered ${status}`);
    return body;
  }

  async save(key: string, bytes: Buffer, options: CacheTransferOptions): Promise<'saved' | 'exists'> {
    const created = await this.call('CreateCacheEntry', { key, version: CACHE_ENTRY_VERSION }, options);
    const url = created.signed_upload_url;
    if (created.ok !== true || typeof url !== 'string' || !url) return 'exists';
    registerSecret(new URL(url).search);
    // Put Blob takes up to 5000 MiB in one request (service version 2019-12-12 and later, as the SAS's).
    const { status } = await exchange(
      url,
      { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' }, body: bytes },
      options,
      1024 * 1024,
    );
    if (status !== 201 && status !== 200) throw new CacheServiceError(`the signed upload URL answered ${status}`);
    const finalized = await this.call(
      'FinalizeCacheEntryUpload',
      { key, version: CACHE_ENTRY_VERSION, size_bytes: String(bytes.length) },
      options,
    );
    if (finalized.ok !== true) throw new CacheServiceError('FinalizeCacheEntryUpload answered ok: false');
    return 'saved';
  }
}

/** The `_apis/artifactcache` service of GitHub Enterprise Server (and act's built-in cache server). */
class CacheServiceV1 implements CacheService {
  readonly protocol = 'v1' as const;
  constructor(private readonly service: ServiceEndpoint) {}

  private url(path: string): string {
    return this.service.url(`_apis/artifactcache/${path}`);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { accept: 'application/json;api-version=6.0-preview.1', ...extra };
  }

  async restore(key: string, options: CacheTransferOptions): Promise<Buffer | undefined> {
    const url = this.url(`cache?keys=${encodeURIComponent(key)}&version=${CACHE_ENTRY_VERSION}`);
    const { status, body } = await exchange(
      url,
      { method: 'GET', headers: this.headers(), credentials: this.service.credentials },
      options,
      1024 * 1024,
    );
    if (status === 204 || status === 404) return undefined;
    if (status !== 200) throw new CacheServiceError(describe(url, status, body.toString('utf8')));
    const found = parseJson(url, body);
    const location = found.archiveLocation;
    // A prefix match on another key is not ours to use: only the exact key (keys are case-insensitive).
    if (typeof location !== 'string' || !location || String(found.cacheKey ?? key).toLowerCase() !== key.toLowerCase()) return undefined;
    if (new URL(location).search) registerSecret(new URL(location).search);
    const download = await exchange(location, { method: 'GET' }, options, MAX_CACHED_FILE_BYTES);
    if (download.status !== 200) throw new CacheServiceError(`the cache's archive location answered ${download.status}`);
    return download.body;
  }

  async save(key: string, bytes: Buffer, options: CacheTransferOptions): Promise<'saved' | 'exists'> {
    const reserveUrl = this.url('caches');
    const reserved = await exchange(
      reserveUrl,
      {
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json' }),
        credentials: this.service.credentials,
        body: JSON.stringify({ key, version: CACHE_ENTRY_VERSION, cacheSize: bytes.length }),
      },
      options,
      1024 * 1024,
    );
    if (reserved.status === 409) return 'exists';
    if (reserved.status !== 200 && reserved.status !== 201)
      throw new CacheServiceError(describe(reserveUrl, reserved.status, reserved.body.toString('utf8')));
    const cacheId = parseJson(reserveUrl, reserved.body).cacheId;
    if (typeof cacheId !== 'number' && typeof cacheId !== 'string')
      throw new CacheServiceError(`${new URL(reserveUrl).pathname} answered no cacheId`);
    const entryUrl = this.url(`caches/${encodeURIComponent(String(cacheId))}`);
    for (let start = 0; start < bytes.length || start === 0; start += V1_CHUNK_BYTES) {
      const chunk = bytes.subarray(start, Math.min(start + V1_CHUNK_BYTES, bytes.length));
      const sent = await exchange(
        entryUrl,
        {
          method: 'PATCH',
          headers: this.headers({
            'content-type': 'application/octet-stream',
            'content-range': `bytes ${start}-${start + chunk.length - 1}/*`,
          }),
          credentials: this.service.credentials,
          body: chunk,
        },
        options,
        1024 * 1024,
      );
      if (sent.status !== 200 && sent.status !== 204)
        throw new CacheServiceError(describe(entryUrl, sent.status, sent.body.toString('utf8')));
      if (bytes.length === 0) break;
    }
    const committed = await exchange(
      entryUrl,
      {
        method: 'POST',
        headers: this.headers({ 'content-type': 'application/json' }),
        credentials: this.service.credentials,
        body: JSON.stringify({ size: bytes.length }),
      },
      options,
      1024 * 1024,
    );
    if (committed.status !== 200 && committed.status !== 204)
      throw new CacheServiceError(describe(entryUrl, committed.status, committed.body.toString('utf8')));
    return 'saved';
  }
}
