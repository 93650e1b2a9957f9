import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { makeOciLayout } from '../../../action-tests/lib/oci-images.mjs';
import { loadImage, type LoadedImage } from '../src/layout.js';
import { formatBytes, pool, pushImages, type RegistryApi } from '../src/push.js';
import type { UploadResult } from '@deploy-kit/core/oci/client';

/**
 * An in-memory registry with the rules a real one enforces: a blob is stored only when its bytes
 * hash to its digest; a manifest is refused while any blob (or child manifest) it names is missing;
 * a mount works only from a repository that has the blob.
 */
class StrictRegistry implements RegistryApi {
  readonly host = 'registry.test';
  readonly blobs = new Map<string, Set<string>>();
  readonly manifests = new Map<string, Map<string, string>>();
  readonly events: string[] = [];

  private repo<T>(map: Map<string, T>, name: string, make: () => T): T {
    if (!map.has(name)) map.set(name, make());
    return map.get(name)!;
  }
  async hasBlob(repository: string, digest: string) {
    this.events.push(`HEAD ${repository} ${digest}`);
    return this.repo(this.blobs, repository, () => new Set()).has(digest);
  }
  async mountBlob(repository: string, digest: string, from: string) {
    this.events.push(`MOUNT ${repository} ${digest} from ${from}`);
    if (!this.repo(this.blobs, from, () => new Set()).has(digest)) return false;
    this.repo(this.blobs, repository, () => new Set()).add(digest);
    return true;
  }
  async uploadBlob(
    repository: string,
    blob: { digest: string; size: number; open: (s: number, e: number) => Readable },
    chunkSize?: number,
  ): Promise<UploadResult> {
    const hash = createHash('sha256');
    for await (const c of blob.open(0, blob.size)) hash.update(c as Buffer);
    if (`sha256:${hash.digest('hex')}` !== blob.digest) throw new Error(`DIGEST_INVALID ${blob.digest}`);
    this.repo(this.blobs, repository, () => new Set()).add(blob.digest);
    this.events.push(`UPLOAD ${repository} ${blob.digest}`);
    return { how: 'uploaded', bytes: blob.size, chunks: Math.max(1, Math.ceil(blob.size / (chunkSize ?? blob.size))) };
  }
  async manifestDigest(repository: string, reference: string) {
    return this.repo(this.manifests, repository, () => new Map()).get(reference);
  }
  async putManifest(repository: string, reference: string, manifest: { bytes: Buffer; digest: string }) {
    const doc = JSON.parse(manifest.bytes.toString()) as {
      config?: { digest: string };
      layers?: Array<{ digest: string }>;
      manifests?: Array<{ digest: string }>;
    };
    const blobs = this.repo(this.blobs, repository, () => new Set());
    const manifests = this.repo(this.manifests, repository, () => new Map());
    for (const d of [doc.config, ...(doc.layers ?? [])].filter(Boolean))
      if (!blobs.has(d!.digest)) throw new Error(`MANIFEST_BLOB_UNKNOWN ${d!.digest}`);
    for (const m of doc.manifests ?? []) if (!manifests.has(m.digest)) throw new Error(`MANIFEST_UNKNOWN ${m.digest}`);
    manifests.set(reference, manifest.digest);
    manifests.set(manifest.digest, manifest.digest);
    this.events.push(`PUT ${repository} ${reference}`);
    return manifest.digest;
  }
}

let dir: string;
let multi: LoadedImage;
let single: LoadedImage;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pa-push-'));
  multi = await loadImage(
    (await makeOciLayout(join(dir, 'm'), { layers: [1000, 3000], platforms: ['linux/amd64', 'linux/arm64'] })).layout,
  );
  single = await loadImage((await makeOciLayout(join(dir, 's'), { layers: [500, 800] })).layout);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pushImages', () => {
  test('an index: blobs, then child manifests by digest, then the index under every tag', async () => {
    const registry = new StrictRegistry();
    const [result] = await pushImages(registry, [{ repository: 'ms_core', tags: ['v1', 'sha-1'], image: multi }], {
      chunkSize: 1 << 20,
      concurrency: 3,
    });
    expect(result).toMatchObject({
      repository: 'ms_core',
      digest: multi.root.digest,
      tags: [
        { tag: 'v1', status: 'pushed' },
        { tag: 'sha-1', status: 'pushed' },
      ],
      manifests: 3,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(result!.blobs).toMatchObject({ uploaded: 5, mounted: 0, existing: 0 });
    const puts = registry.events.filter((e) => e.startsWith('PUT'));
    expect(puts).toEqual([
      `PUT ms_core ${multi.root.children[0]!.digest}`,
      `PUT ms_core ${multi.root.children[1]!.digest}`,
      'PUT ms_core v1',
      'PUT ms_core sha-1',
    ]);
    const lastUpload = registry.events.map((e) => e.startsWith('UPLOAD')).lastIndexOf(true);
    expect(registry.events.findIndex((e) => e.startsWith('PUT'))).toBeGreaterThan(lastUpload);
  });

  test('a second service mounts every blob from the first; nothing is uploaded twice', async () => {
    const registry = new StrictRegistry();
    const results = await pushImages(
      registry,
      [
        { repository: 'ms_core', tags: ['v1'], image: multi },
        { repository: 'ms_chat', tags: ['v1'], image: multi },
      ],
      { chunkSize: 1 << 20, concurrency: 4 },
    );
    expect(results.map((r) => r.blobs.uploaded + r.blobs.mounted)).toEqual([5, 5]);
    expect(registry.events.filter((e) => e.startsWith('UPLOAD'))).toHaveLength(5);
    expect(results[1]!.blobs.mounted).toBe(5);
  });

  test('a re-push finds every blob and leaves the tags unchanged', async () => {
    const registry = new StrictRegistry();
    await pushImages(registry, [{ repository: 'app', tags: ['v1'], image: single }], { chunkSize: 1 << 20, concurrency: 2 });
    registry.events.length = 0;
    const [again] = await pushImages(registry, [{ repository: 'app', tags: ['v1', 'v2'], image: single }], {
      chunkSize: 1 << 20,
      concurrency: 2,
    });
    expect(again!.blobs).toMatchObject({ uploaded: 0, existing: 3 });
    expect(again!.tags).toEqual([
      { tag: 'v1', status: 'unchanged' },
      { tag: 'v2', status: 'pushed' },
    ]);
    expect(registry.events.filter((e) => e.startsWith('UPLOAD'))).toEqual([]);
  });

  test('ten services: their tags are asked at once and their manifests put at once, `concurrency` at a time; each in order, logged in job order', async () => {
    const registry = new StrictRegistry();
    const jobs = Array.from({ length: 10 }, (_, i) => ({ repository: `svc${i}`, tags: ['v1', 'latest'], image: multi }));
    let inFlight = 0;
    const most = { head: 0, put: 0 };
    const slow =
      <A extends unknown[], R>(kind: 'head' | 'put', fn: (...a: A) => Promise<R>) =>
      async (...a: A): Promise<R> => {
        most[kind] = Math.max(most[kind], ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return fn(...a);
      };
    registry.manifestDigest = slow('head', registry.manifestDigest.bind(registry));
    registry.putManifest = slow('put', registry.putManifest.bind(registry));
    const log: string[] = [];
    const results = await pushImages(registry, jobs, { chunkSize: 1 << 20, concurrency: 4, log: (m) => log.push(m) });
    expect(most).toEqual({ head: 4, put: 4 });
    // Each repository still gets its children before the root, and the root under every tag.
    for (const { repository } of jobs)
      expect(registry.events.filter((e) => e.startsWith(`PUT ${repository} `))).toEqual([
        `PUT ${repository} ${multi.root.children[0]!.digest}`,
        `PUT ${repository} ${multi.root.children[1]!.digest}`,
        `PUT ${repository} v1`,
        `PUT ${repository} latest`,
      ]);
    expect(results.map((r) => r.tags.map((t) => t.status))).toEqual(jobs.map(() => ['pushed', 'pushed']));
    const summaries = log.filter((m) => m.includes(' → '));
    expect(summaries.map((m) => m.split(':')[0])).toEqual(jobs.map((j) => `registry.test/${j.repository}`));

    // The re-push asks the twenty tags, four at a time, and puts nothing.
    registry.events.length = 0;
    most.head = 0;
    const again = await pushImages(registry, jobs, { chunkSize: 1 << 20, concurrency: 4 });
    expect(most.head).toBe(4);
    expect(registry.events).toEqual([]);
    expect(again.every((r) => r.tags.every((t) => t.status === 'unchanged'))).toBe(true);
  });

  test('a tag is not asked twice: the PUT follows the answer from the start; a refused PUT counts as unchanged only if another run put the same image there', async () => {
    const registry = new StrictRegistry();
    const heads: string[] = [];
    const head = registry.manifestDigest.bind(registry);
    registry.manifestDigest = async (repository: string, reference: string) => {
      heads.push(reference);
      return head(repository, reference);
    };
    await pushImages(registry, [{ repository: 'app', tags: ['v1', 'v2'], image: single }], { chunkSize: 1 << 20, concurrency: 2 });
    expect(heads.sort()).toEqual(['v1', 'v2']);

    // An immutable repository where a concurrent run has just put v3: the same image, then another.
    const put = registry.putManifest.bind(registry);
    const immutable =
      (digestThere: string) => async (repository: string, reference: string, manifest: { bytes: Buffer; digest: string }) => {
        if (reference !== 'v3') return put(repository, reference, manifest);
        registry.manifests.get(repository)!.set('v3', digestThere);
        throw new Error('TAG_INVALID: The image tag v3 already exists and cannot be overwritten because the repository is immutable');
      };
    registry.putManifest = immutable(single.root.digest);
    const [same] = await pushImages(registry, [{ repository: 'app', tags: ['v3'], image: single }], { chunkSize: 1 << 20, concurrency: 2 });
    expect(same!.tags).toEqual([{ tag: 'v3', status: 'unchanged' }]);
    registry.manifests.get('app')!.delete('v3');
    registry.putManifest = immutable(`sha256:${'e'.repeat(64)}`);
    await expect(
      pushImages(registry, [{ repository: 'app', tags: ['v3'], image: single }], { chunkSize: 1 << 20, concurrency: 2 }),
    ).rejects.toThrow('TAG_INVALID');
  });

  test('when every tag already points at the image, no blob is even checked', async () => {
    const registry = new StrictRegistry();
    await pushImages(registry, [{ repository: 'app', tags: ['v1', 'v2'], image: single }], { chunkSize: 1 << 20, concurrency: 2 });
    registry.events.length = 0;
    const [again] = await pushImages(registry, [{ repository: 'app', tags: ['v1', 'v2'], image: single }], {
      chunkSize: 1 << 20,
      concurrency: 2,
    });
    expect(registry.events).toEqual([]);
    expect(again!.tags).toEqual([
      { tag: 'v1', status: 'unchanged' },
      { tag: 'v2', status: 'unchanged' },
    ]);
    expect(again!.blobs).toMatchObject({ uploaded: 0, mounted: 0, existing: 3 });
  });

  test('which blobs the repository has is asked up front, once per blob, before any upload', async () => {
    const registry = new StrictRegistry();
    const [result] = await pushImages(registry, [{ repository: 'app', tags: ['v1'], image: single }], {
      concurrency: 2,
    });
    const digests = [...single.blobs.keys()].sort();
    const heads = registry.events.filter((e) => e.startsWith('HEAD'));
    expect(heads.sort()).toEqual(digests.map((d) => `HEAD app ${d}`));
    expect(registry.events.slice(0, digests.length).every((e) => e.startsWith('HEAD'))).toBe(true);
    expect(result!.blobs).toMatchObject({ uploaded: 3, existing: 0 });
  });

  test('blobs are pushed without a hash of their own first (the client hashes them as it sends)', async () => {
    const registry = new StrictRegistry();
    const image = await loadImage((await makeOciLayout(join(dir, 'fresh'), { layers: [700, 900] })).layout);
    for (const blob of image.blobs.values()) expect(blob.verified).toBe(false);
    const [result] = await pushImages(registry, [{ repository: 'fresh', tags: ['v1'], image }], { concurrency: 2 });
    expect(result!.blobs).toMatchObject({ uploaded: 3 });
  });

  test('a failed blob stops the push before any manifest', async () => {
    const registry = new StrictRegistry();
    const failing: RegistryApi = Object.assign(Object.create(registry) as StrictRegistry, {
      uploadBlob: async () => {
        throw new Error('HTTP 500 forever');
      },
    });
    await expect(
      pushImages(failing, [{ repository: 'app', tags: ['v1'], image: single }], { chunkSize: 1 << 20, concurrency: 2 }),
    ).rejects.toThrow('HTTP 500 forever');
    expect(registry.events.filter((e) => e.startsWith('PUT'))).toEqual([]);
  });
});

describe('pool', () => {
  test('never more than the limit at once, every item once', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await pool([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('the first failure is thrown and no new item starts', async () => {
    const started: number[] = [];
    await expect(
      pool([1, 2, 3, 4], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });
});

test.each([
  [10, '10 B'],
  [2048, '2.0 KiB'],
  [11.4 * 1024 * 1024, '11.4 MiB'],
  [300 * 1024 * 1024, '300 MiB'],
])('formatBytes(%d) = %s', (n, text) => {
  expect(formatBytes(n)).toBe(text);
});
