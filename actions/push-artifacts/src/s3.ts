/**
 * Binary upload to `s3://{bucket}/{path}/{version}/`: the plan (files, keys, content types,
 * cache-control), SHA-256 of every file (the object's `x-amz-checksum-sha256`, kept also as
 * `x-amz-meta-sha256` so a multipart object compares too), skip of objects already identical,
 * bounded concurrency, an optional SHA256SUMS manifest. `createS3Api` is the SDK implementation.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { ActionError } from '@deploy-kit/core';
import { awsCall, awsClientConfig, awsErrorName, awsHttpStatus, describeCommonAwsError } from '@deploy-kit/core/aws';
import { firstMatch, type GlobRule } from './globs.js';
import { pool } from './push.js';

export interface LocalFile {
  /** Absolute path. */
  path: string;
  /** Path under its source directory, with `/`. */
  relative: string;
  key: string;
  size: number;
  contentType: string;
  cacheControl?: string;
}

const MAX_FILES = 100_000;
const MAX_DEPTH = 32;

const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  map: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  csv: 'text/csv; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  wasm: 'application/wasm',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
  xz: 'application/x-xz',
  zst: 'application/zstd',
  bz2: 'application/x-bzip2',
  pdf: 'application/pdf',
  sha256: 'text/plain; charset=utf-8',
  sig: 'application/pgp-signature',
  asc: 'application/pgp-signature',
  pem: 'application/x-pem-file',
  deb: 'application/vnd.debian.binary-package',
  rpm: 'application/x-rpm',
};

/** The built-in type for a file name: by extension, else `application/octet-stream` (binaries). */
export function defaultContentType(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return 'application/octet-stream';
  return CONTENT_TYPES[base.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** `path/version/` with single slashes, no leading slash; empty parts dropped. */
export function keyPrefix(path: string, version: string): string {
  const parts = [...path.split('/'), ...version.split('/')].map((p) => p.trim()).filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new Error('".." is not allowed in an S3 key');
  return parts.length ? `${parts.join('/')}/` : '';
}

async function walk(dir: string, root: string, out: Array<{ path: string; relative: string; size: number }>, depth: number): Promise<void> {
  if (depth > MAX_DEPTH) throw new ActionError(`${dir} nests deeper than ${MAX_DEPTH} directories.`, { check: 'the source is the build output directory, not a parent of it' });
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : undefined;
    if (entry.isSymbolicLink() && !info) continue; // dangling link
    const isDir = info ? info.isDirectory() : entry.isDirectory();
    const isFile = info ? info.isFile() : entry.isFile();
    if (isDir) {
      if (entry.isSymbolicLink()) continue; // no loops through linked directories
      await walk(path, root, out, depth + 1);
    } else if (isFile) {
      info ??= await stat(path);
      if (out.length >= MAX_FILES) throw new ActionError(`More than ${MAX_FILES} files under the S3 sources.`, { check: '`s3-source` points at the binaries, not at the whole workspace' });
      out.push({ path, relative: relative(root, path).split(sep).join('/'), size: info.size });
    }
  }
}

export interface PlanOptions {
  sources: string[];
  prefix: string;
  contentTypes: readonly GlobRule[];
  cacheControl: readonly GlobRule[];
  /** Input name for messages. */
  sourceInput: string;
}

/**
 * Every file of every source directory (or file), with its key. An empty result is the deployment
 * guide's "Empty upload" failure; two sources with the same relative file are a conflict.
 */
export async function planUpload(options: PlanOptions): Promise<LocalFile[]> {
  const byKey = new Map<string, LocalFile>();
  const empty: string[] = [];
  for (const source of options.sources) {
    const root = resolve(source);
    let info;
    try {
      info = await lstat(root).then(async (l) => (l.isSymbolicLink() ? stat(root) : l));
    } catch {
      throw new ActionError(`S3 upload: the source ${source} does not exist.`, {
        why: `input "${options.sourceInput}" names ${source}, relative to ${process.cwd()}`,
        check: ['Path not found: the build step wrote the binaries there (e.g. bin_arm64/ms)', 'the path is relative to the workspace'],
      });
    }
    const found: Array<{ path: string; relative: string; size: number }> = [];
    if (info.isDirectory()) await walk(root, root, found, 0);
    else found.push({ path: root, relative: root.slice(root.lastIndexOf(sep) + 1), size: info.size });
    if (found.length === 0) empty.push(source);
    for (const file of found) {
      const key = `${options.prefix}${file.relative}`;
      const other = byKey.get(key);
      if (other) throw new ActionError(`S3 upload: ${other.path} and ${file.path} would both be uploaded as ${key}.`, { check: 'the sources do not contain files with the same name' });
      byKey.set(key, {
        ...file,
        key,
        contentType: firstMatch(options.contentTypes, file.relative) ?? defaultContentType(file.relative),
        cacheControl: firstMatch(options.cacheControl, file.relative),
      });
    }
  }
  if (byKey.size === 0 || empty.length > 0) {
    throw new ActionError(`Empty upload: ${empty.join(', ')} ${empty.length === 1 ? 'has' : 'have'} no files to upload.`, {
      why: 'uploading nothing would publish a release without its binaries',
      check: ['Binaries built successfully: the build step ran and wrote into this directory', `input "${options.sourceInput}" points at the build output`],
    });
  }
  return [...byKey.values()];
}

export async function sha256File(path: string): Promise<{ hex: string; base64: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  const digest = hash.digest();
  return { hex: digest.toString('hex'), base64: digest.toString('base64') };
}

/** `<sha256>  <name>` lines, sorted by name, as `sha256sum` writes them. */
export function sha256sums(entries: Array<{ name: string; hex: string }>): string {
  return [...entries]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => `${e.hex}  ${e.name}\n`)
    .join('');
}

export interface RemoteObject {
  size: number;
  /** `x-amz-meta-sha256` (hex) that deploy-kit writes. */
  metaSha256?: string;
  /** `x-amz-checksum-sha256` (base64; composite objects end in `-N`). */
  checksumSha256?: string;
}

export interface UploadBody {
  bucket: string;
  key: string;
  size: number;
  contentType: string;
  cacheControl?: string;
  sha256: { hex: string; base64: string } | undefined;
  /** A fresh body each attempt. */
  body: () => NodeJS.ReadableStream | Buffer;
}

export interface S3Api {
  /** Sizes of the objects under a prefix (one listing instead of a HEAD per new file); undefined when listing is not allowed. */
  list(bucket: string, prefix: string): Promise<Map<string, number> | undefined>;
  head(bucket: string, key: string): Promise<RemoteObject | undefined>;
  put(object: UploadBody, partSize: number): Promise<void>;
}

export function isIdentical(remote: RemoteObject | undefined, size: number, sha: { hex: string; base64: string }): boolean {
  if (!remote || remote.size !== size) return false;
  if (remote.metaSha256) return remote.metaSha256 === sha.hex;
  return remote.checksumSha256 === sha.base64;
}

export interface UploadOptions {
  bucket: string;
  /** Common key prefix of the files (listed once). */
  prefix: string;
  concurrency: number;
  partSize: number;
  checksums: 'sha256' | 'sha256sums' | 'none';
  /** Changes.apply-like: runs or records the upload of one object. */
  apply: (what: string, effect: () => Promise<void>) => Promise<unknown>;
  log?: (message: string) => void;
}

export interface UploadReport {
  uploaded: Array<{ key: string; size: number }>;
  skipped: Array<{ key: string; size: number }>;
  sumsKey?: string;
  bytesUploaded: number;
  bytesTotal: number;
}

/** Hashes, compares and uploads every file; returns what was uploaded and what was already there. */
export async function uploadFiles(api: S3Api, files: LocalFile[], options: UploadOptions): Promise<UploadReport> {
  const report: UploadReport = { uploaded: [], skipped: [], bytesUploaded: 0, bytesTotal: 0 };
  const sums: Array<{ name: string; hex: string }> = [];
  const log = options.log ?? (() => undefined);
  // Objects that exist with the same size are compared by checksum (HEAD); absent ones are uploaded.
  const listed = await api.list(options.bucket, options.prefix);
  const remoteOf = (key: string, size: number) => (!listed || listed.get(key) === size ? api.head(options.bucket, key) : Promise.resolve(undefined));
  // Hashing is always done: it is how identical objects are recognised (and the object checksum).
  await pool(files, options.concurrency, async (file) => {
    const sha = await sha256File(file.path);
    sums.push({ name: file.relative, hex: sha.hex });
    report.bytesTotal += file.size;
    const remote = await remoteOf(file.key, file.size);
    if (isIdentical(remote, file.size, sha)) {
      report.skipped.push({ key: file.key, size: file.size });
      return;
    }
    await options.apply(`upload ${file.relative} (${file.size} bytes) to s3://${options.bucket}/${file.key}`, async () => {
      await api.put(
        {
          bucket: options.bucket,
          key: file.key,
          size: file.size,
          contentType: file.contentType,
          cacheControl: file.cacheControl,
          sha256: options.checksums === 'none' ? { hex: sha.hex, base64: '' } : sha,
          body: () => createReadStream(file.path, { highWaterMark: 1024 * 1024 }),
        },
        options.partSize,
      );
      log(`  uploaded s3://${options.bucket}/${file.key} (${file.size} bytes)`);
    });
    report.uploaded.push({ key: file.key, size: file.size });
    report.bytesUploaded += file.size;
  });
  if (options.checksums === 'sha256sums' && files.length > 0) {
    const prefix = files[0]!.key.slice(0, files[0]!.key.length - files[0]!.relative.length);
    const key = `${prefix}SHA256SUMS`;
    if (files.some((f) => f.key === key)) throw new ActionError(`S3 upload: a source already has a file named SHA256SUMS (${key}).`, { check: 'use `s3-checksums: sha256` when the build writes its own SHA256SUMS' });
    const content = Buffer.from(sha256sums(sums));
    const sha = { hex: createHash('sha256').update(content).digest('hex'), base64: createHash('sha256').update(content).digest('base64') };
    const remote = await remoteOf(key, content.length);
    report.sumsKey = key;
    if (isIdentical(remote, content.length, sha)) report.skipped.push({ key, size: content.length });
    else {
      await options.apply(`upload SHA256SUMS (${sums.length} files) to s3://${options.bucket}/${key}`, () =>
        api.put({ bucket: options.bucket, key, size: content.length, contentType: 'text/plain; charset=utf-8', sha256: sha, body: () => content }, options.partSize),
      );
      report.uploaded.push({ key, size: content.length });
      report.bytesUploaded += content.length;
    }
  }
  report.uploaded.sort((a, b) => (a.key < b.key ? -1 : 1));
  report.skipped.sort((a, b) => (a.key < b.key ? -1 : 1));
  return report;
}

/** Explains S3 failures per the deployment guide ("Access denied" → bucket permissions, ...). */
export function describeS3Error(error: unknown, what: string, bucket: string, region: string): unknown {
  const name = awsErrorName(error);
  if (name === 'NoSuchBucket') {
    return new ActionError(`${what} failed: bucket ${bucket} does not exist.`, { check: ['`s3-bucket` is the bucket name (no s3:// prefix)', `the bucket is in ${region} and in this account`], cause: error });
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException') {
    return new ActionError(`${what} failed: bucket ${bucket} is not in ${region} (${name}).`, { check: 'Region mismatch: set `region` to the bucket\'s region', cause: error });
  }
  return describeCommonAwsError(error, what, { permission: `s3:PutObject and s3:GetObject on arn:aws:s3:::${bucket}/*`, region }) ?? error;
}

/** S3 through the AWS SDK and lib-storage (loaded on first use). */
export async function createS3Api(region: string): Promise<S3Api> {
  const [s3, storage] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]);
  const client = new s3.S3Client({ ...awsClientConfig({ region, requestTimeoutMs: 300_000 }) });
  // Every upload carries an x-amz-checksum-sha256 that S3 verifies, so the SigV4 payload hash would
  // only hash each part a second time (the SDK does that for Buffer bodies on http endpoints):
  // uploads are signed with UNSIGNED-PAYLOAD when, and only when, such a checksum is present.
  client.middlewareStack.addRelativeTo(
    ((next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as { headers?: Record<string, string> };
      const headers = request.headers;
      if (headers && headers['x-amz-checksum-sha256'] && !headers['x-amz-content-sha256']) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    }) as never,
    { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'deployKitUnsignedPayloadWithChecksum', override: true } as never,
  );
  return {
    async list(bucket, prefix) {
      const sizes = new Map<string, number>();
      let token: string | undefined;
      // Bounded: 1000 keys a page, at most MAX_FILES / 1000 + 1 pages are ever needed.
      for (let page = 0; page <= MAX_FILES / 1000 + 1; page++) {
        let out;
        try {
          out = await awsCall(`S3 ListObjectsV2 ${prefix}`, () => client.send(new s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })));
        } catch (error) {
          // Without s3:ListBucket each file is checked with a HEAD instead.
          if (awsErrorName(error) === 'AccessDenied' || awsHttpStatus(error) === 403) return undefined;
          throw describeS3Error(error, `S3 ListObjectsV2 s3://${bucket}/${prefix}`, bucket, region);
        }
        for (const object of out.Contents ?? []) if (object.Key) sizes.set(object.Key, object.Size ?? -1);
        if (!out.IsTruncated || !out.NextContinuationToken) break;
        token = out.NextContinuationToken;
      }
      return sizes;
    },
    async head(bucket, key) {
      try {
        const out = await awsCall(`S3 HeadObject ${key}`, () => client.send(new s3.HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })));
        return { size: out.ContentLength ?? -1, metaSha256: out.Metadata?.sha256, checksumSha256: out.ChecksumSHA256 };
      } catch (error) {
        const name = awsErrorName(error);
        if (name === 'NotFound' || name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
        throw describeS3Error(error, `S3 HeadObject s3://${bucket}/${key}`, bucket, region);
      }
    },
    async put(object, partSize) {
      const common = {
        Bucket: object.bucket,
        Key: object.key,
        ContentType: object.contentType,
        CacheControl: object.cacheControl,
        Metadata: object.sha256 ? { sha256: object.sha256.hex } : undefined,
      };
      const checksum = object.sha256 && object.sha256.base64 !== '';
      try {
        await awsCall(`S3 upload ${object.key}`, async () => {
          if (object.size <= partSize) {
            // One PutObject with the precomputed checksum: S3 verifies the bytes against it.
            await client.send(
              new s3.PutObjectCommand({
                ...common,
                Body: object.body() as never,
                ContentLength: object.size,
                ...(checksum ? { ChecksumAlgorithm: 'SHA256' as const, ChecksumSHA256: object.sha256!.base64 } : {}),
              }),
            );
            return;
          }
          const upload = new storage.Upload({
            client,
            params: { ...common, Body: object.body() as never, ...(checksum ? { ChecksumAlgorithm: 'SHA256' as const } : {}) },
            partSize,
            queueSize: 2,
            leavePartsOnError: false,
          });
          await upload.done();
        });
      } catch (error) {
        throw describeS3Error(error, `S3 upload s3://${object.bucket}/${object.key}`, object.bucket, region);
      }
    },
  };
}
