/**
 * Pushes loaded images to repositories of one registry: every blob first (skipping those the
 * repository has, mounting those another repository of this run already holds, uploading the
 * rest with bounded concurrency), then child manifests by digest, then the root manifest or index
 * under each tag. A manifest is never sent before every blob it needs is in its repository.
 */
import type { Readable } from 'node:stream';
import { blobDigests, manifestsInPushOrder, type BlobSource, type LoadedImage } from './layout.js';
import type { UploadResult } from '@deploy-kit/core/oci/client';

/** The registry operations a push needs (RegistryClient implements them). */
export interface RegistryApi {
  readonly host: string;
  hasBlob(repository: string, digest: string): Promise<boolean>;
  mountBlob(repository: string, digest: string, from: string): Promise<boolean>;
  uploadBlob(
    repository: string,
    blob: { digest: string; size: number; where: string; open: (start: number, end: number) => Readable },
    chunkSize?: number,
  ): Promise<UploadResult>;
  manifestDigest(repository: string, reference: string): Promise<string | undefined>;
  putManifest(repository: string, reference: string, manifest: { bytes: Buffer; mediaType: string; digest: string }): Promise<string>;
}

export interface PushJob {
  repository: string;
  tags: string[];
  image: LoadedImage;
}

export interface TagResult {
  tag: string;
  /** `pushed`, or `unchanged` when the tag already pointed at this digest. */
  status: 'pushed' | 'unchanged';
}

export interface PushResult {
  repository: string;
  digest: string;
  mediaType: string;
  tags: TagResult[];
  blobs: { uploaded: number; mounted: number; existing: number; bytesUploaded: number; bytesTotal: number };
  manifests: number;
  platforms: string[];
}

export interface PushOptions {
  /** Undefined: each blob in one request (the client's default, see RegistryClient.uploadBlob). */
  chunkSize?: number;
  concurrency: number;
  log?: (message: string) => void;
}

/** Runs `tasks` with at most `limit` at once; the first failure stops new tasks and is thrown. */
export async function pool<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  let hasFailed = false;
  const worker = async () => {
    while (!hasFailed && next < items.length) {
      const item = items[next++]!;
      try {
        await run(item);
      } catch (error) {
        if (!hasFailed) {
          hasFailed = true;
          failed = error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (hasFailed) throw failed;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** Pushes every job to `registry`; jobs share blobs through cross-repository mounts. */
export async function pushImages(registry: RegistryApi, jobs: PushJob[], options: PushOptions): Promise<PushResult[]> {
  const log = options.log ?? (() => undefined);
  /** digest → promise of a repository of this registry that holds it (or undefined if that failed). */
  const holders = new Map<string, Promise<string | undefined>>();
  const results = new Map<PushJob, PushResult>();
  type Task = { job: PushJob; blob: BlobSource };
  const tasks: Task[] = [];
  // A registry accepts a manifest only once its blobs are there: when every tag already points at
  // this image, nothing needs checking blob by blob (a re-run costs one HEAD per tag). The tags of
  // every job are asked at once, `concurrency` at a time (a release of ten services waits for about
  // one round trip, not ten).
  const current = new Map(jobs.map((job) => [job, new Array<string | undefined>(job.tags.length)]));
  const tagChecks = jobs.flatMap((job) => job.tags.map((tag, i) => ({ job, tag, i })));
  await pool(tagChecks, options.concurrency, async ({ job, tag, i }) => {
    current.get(job)![i] = await registry.manifestDigest(job.repository, tag);
  });
  const done = new Set(jobs.filter((job) => job.tags.length > 0 && current.get(job)!.every((digest) => digest === job.image.root.digest)));
  // Which blobs each repository has already is asked up front, all at once (read-only, bounded by
  // `concurrency`); a failed HEAD is asked again below, where its error counts. A blob is hashed as it
  // is uploaded (the client withholds the bytes that would complete one that does not match), so a
  // re-push that finds every tag in place reads nothing.
  const known = new Map<string, boolean>();
  if (done.size < jobs.length) {
    const checks = new Map<string, [string, string]>();
    for (const job of jobs)
      if (!done.has(job))
        for (const digest of blobDigests(job.image.root)) checks.set(`${job.repository}\n${digest}`, [job.repository, digest]);
    await pool([...checks], options.concurrency, async ([key, [repository, digest]]) => {
      known.set(key, await registry.hasBlob(repository, digest));
    }).catch(() => undefined);
  }
  for (const job of jobs) {
    const digests = blobDigests(job.image.root);
    const result: PushResult = {
      repository: job.repository,
      digest: job.image.root.digest,
      mediaType: job.image.root.mediaType,
      tags: [],
      blobs: { uploaded: 0, mounted: 0, existing: 0, bytesUploaded: 0, bytesTotal: 0 },
      manifests: manifestsInPushOrder(job.image.root).length,
      platforms: job.image.root.children.map((c) => c.platform).filter((p): p is string => !!p),
    };
    results.set(job, result);
    if (done.has(job)) {
      result.blobs.existing = digests.length;
      result.blobs.bytesTotal = digests.reduce((n, d) => n + (job.image.blobs.get(d)?.size ?? 0), 0);
      result.tags = job.tags.map((tag) => ({ tag, status: 'unchanged' as const }));
      continue;
    }
    for (const digest of digests) {
      const blob = job.image.blobs.get(digest);
      if (!blob) throw new Error(`internal: blob ${digest} of ${job.image.source} was not loaded`);
      result.blobs.bytesTotal += blob.size;
      tasks.push({ job, blob });
    }
  }

  const pushBlob = async ({ job, blob }: Task): Promise<void> => {
    const result = results.get(job)!;
    const { repository } = job;
    const key = `${repository}\n${blob.digest}`;
    const holder = holders.get(blob.digest);
    let resolveMine: ((repo: string | undefined) => void) | undefined;
    if (!holders.has(key)) {
      // This repository's own claim: others needing the blob here wait on it.
      holders.set(key, new Promise((resolve) => (resolveMine = resolve)));
    } else {
      await holders.get(key);
      return;
    }
    if (!holder) holders.set(blob.digest, holders.get(key)!);
    try {
      const from = holder ? await holder : undefined;
      if (from && from !== repository && (await registry.mountBlob(repository, blob.digest, from))) {
        result.blobs.mounted++;
        log(`  ${repository}: mounted ${blob.digest.slice(0, 19)} (${formatBytes(blob.size)}) from ${from}`);
      } else if (known.get(key) ?? (await registry.hasBlob(repository, blob.digest))) {
        result.blobs.existing++;
      } else {
        const upload = await registry.uploadBlob(
          repository,
          { digest: blob.digest, size: blob.size, where: blob.where, open: (start, end) => blob.open(start, end) },
          options.chunkSize,
        );
        result.blobs.uploaded++;
        result.blobs.bytesUploaded += upload.bytes;
        log(
          `  ${repository}: uploaded ${blob.digest.slice(0, 19)} (${formatBytes(blob.size)}${upload.chunks > 1 ? ` in ${upload.chunks} chunks` : ''})`,
        );
      }
      resolveMine?.(repository);
    } catch (error) {
      resolveMine?.(undefined);
      throw error;
    }
  };
  await pool(tasks, options.concurrency, pushBlob);

  // Manifests last: children by digest, then the root under every tag; the repositories at once,
  // `concurrency` at a time, each in that order, and logged in the order of the jobs.
  const said = new Map<PushJob, string>();
  await pool(jobs, options.concurrency, async (job) => {
    const result = results.get(job)!;
    const { repository } = job;
    if (done.has(job)) {
      said.set(
        job,
        `${registry.host}/${repository}: ${job.image.root.digest} already tagged ${job.tags.join(', ')} (blobs: 0 uploaded 0 B, 0 mounted, ${result.blobs.existing} already there)`,
      );
      return;
    }
    const ordered = manifestsInPushOrder(job.image.root);
    for (const node of ordered.slice(0, -1)) {
      if ((await registry.manifestDigest(repository, node.digest)) !== node.digest) {
        await registry.putManifest(repository, node.digest, node);
      }
    }
    const root = job.image.root;
    for (const [i, tag] of job.tags.entries()) {
      // Where each tag pointed was asked at the start; it is not asked again before the PUT.
      if (current.get(job)![i] === root.digest) {
        result.tags.push({ tag, status: 'unchanged' });
        continue;
      }
      try {
        await registry.putManifest(repository, tag, root);
      } catch (error) {
        // Another run may have put this same image under the tag since (an immutable repository then
        // refuses the PUT): the tag is where it should be, so that is not a failure.
        if ((await registry.manifestDigest(repository, tag).catch(() => undefined)) !== root.digest) throw error;
        result.tags.push({ tag, status: 'unchanged' });
        continue;
      }
      result.tags.push({ tag, status: 'pushed' });
    }
    const b = result.blobs;
    said.set(
      job,
      `${registry.host}/${repository}: ${root.digest} → ${job.tags.join(', ')} ` +
        `(blobs: ${b.uploaded} uploaded ${formatBytes(b.bytesUploaded)}, ${b.mounted} mounted, ${b.existing} already there)`,
    );
  }).finally(() => {
    for (const job of jobs) if (said.has(job)) log(said.get(job)!);
  });
  return jobs.map((job) => results.get(job)!);
}
