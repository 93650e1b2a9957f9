import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeDockerArchive, makeDockerOciArchive, makeOciLayout } from '../../../action-tests/lib/oci-images.mjs';
import { GZIP_LEVEL, LayerCompressor, gzipBlob, layersToCompress, rewriteTree } from '../src/compress.js';
import { MEDIA } from '@deploy-kit/core/oci';
import { SourceError, blobDigests, loadImage, type BlobSource, type Descriptor, type ManifestNode } from '../src/layout.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-compress-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const fake = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A manifest node as the loader builds it, from its document. */
function manifestNode(document: { mediaType?: string; config: Descriptor; layers: Descriptor[] }, platform?: string): ManifestNode {
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, ...document }, null, 3));
  const strip = ({ mediaType, digest, size }: Descriptor): Descriptor => ({ mediaType, digest, size });
  return {
    digest: sha(bytes),
    mediaType: document.mediaType ?? MEDIA.ociManifest,
    bytes,
    children: [],
    blobs: [strip(document.config), ...document.layers.map(strip)],
    platform,
  };
}

function indexNode(children: ManifestNode[], mediaType: string = MEDIA.ociIndex): ManifestNode {
  const manifests = children.map((c) => {
    const [os, architecture] = c.platform!.split('/');
    return {
      mediaType: c.mediaType,
      digest: c.digest,
      size: c.bytes.length,
      platform: { os, architecture },
      annotations: { note: c.platform },
    };
  });
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests, annotations: { 'org.example': 'kept' } }));
  return { digest: sha(bytes), mediaType, bytes, children, blobs: [] };
}

const config: Descriptor = { mediaType: MEDIA.ociConfig, digest: fake(1), size: 100 };
const plain = (n: number, size = 1000): Descriptor => ({ mediaType: MEDIA.ociLayer, digest: fake(n), size });
const gz = (n: number, size = 500): Descriptor => ({ mediaType: MEDIA.ociLayerGzip, digest: fake(n), size });
const doc = (node: ManifestNode) => JSON.parse(node.bytes.toString()) as Record<string, any>;

describe('rewriteTree', () => {
  test('a single manifest: uncompressed layers get the gzip type, digest and size; config and compressed layers stay', () => {
    const node = manifestNode({
      config,
      layers: [{ ...plain(10), annotations: { 'org.example.layer': 'base' } }, gz(11), plain(12, 3000)],
    });
    const before = Buffer.from(node.bytes);
    const replaced = new Map([
      [fake(10), { digest: fake(100), size: 400 }],
      [fake(12), { digest: fake(120), size: 900 }],
    ]);
    expect(layersToCompress(node, 'auto').map((l) => l.digest)).toEqual([fake(10), fake(12)]);
    const out = rewriteTree(node, replaced);
    const d = doc(out);
    expect(d.config).toEqual(config);
    expect(d.layers).toEqual([
      { mediaType: MEDIA.ociLayerGzip, digest: fake(100), size: 400, annotations: { 'org.example.layer': 'base' } },
      { mediaType: MEDIA.ociLayerGzip, digest: fake(11), size: 500 },
      { mediaType: MEDIA.ociLayerGzip, digest: fake(120), size: 900 },
    ]);
    expect(d.mediaType).toBe(MEDIA.ociManifest);
    expect(out.digest).toBe(sha(out.bytes));
    expect(out.digest).not.toBe(node.digest);
    expect(out.blobs.map((b) => b.digest)).toEqual([fake(1), fake(100), fake(11), fake(120)]);
    // The input is not changed.
    expect(node.bytes).toEqual(before);
    expect(node.blobs[1]!.digest).toBe(fake(10));
  });

  test('an index with two platforms: both manifests rewritten, then the index (new child digests and sizes)', () => {
    const amd = manifestNode({ config, layers: [plain(10), plain(20)] }, 'linux/amd64');
    const arm = manifestNode({ config: { ...config, digest: fake(2) }, layers: [plain(10), plain(30)] }, 'linux/arm64');
    const index = indexNode([amd, arm]);
    expect(layersToCompress(index, 'gzip').map((l) => l.digest)).toEqual([fake(10), fake(20), fake(30)]); // shared layer once
    const out = rewriteTree(index, new Map([10, 20, 30].map((n) => [fake(n), { digest: fake(n * 10), size: n }])));
    expect(out.children.map((c) => c.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(doc(out.children[0]!).layers.map((l: Descriptor) => l.digest)).toEqual([fake(100), fake(200)]);
    expect(doc(out.children[1]!).layers.map((l: Descriptor) => l.digest)).toEqual([fake(100), fake(300)]);
    const d = doc(out);
    expect(d.manifests).toEqual(
      out.children.map((c, i) => ({
        mediaType: MEDIA.ociManifest,
        digest: c.digest,
        size: c.bytes.length,
        platform: doc(index).manifests[i].platform,
        annotations: { note: c.platform },
      })),
    );
    expect(d.annotations).toEqual({ 'org.example': 'kept' });
    expect(out.digest).toBe(sha(out.bytes));
    expect(out.digest).not.toBe(index.digest);
  });

  test('an index where only one platform changes keeps the other entry as it was', () => {
    const amd = manifestNode({ config, layers: [gz(10)] }, 'linux/amd64');
    const arm = manifestNode({ config, layers: [plain(30)] }, 'linux/arm64');
    const out = rewriteTree(indexNode([amd, arm]), new Map([[fake(30), { digest: fake(300), size: 1 }]]));
    expect(out.children[0]).toBe(amd);
    expect(doc(out).manifests[0].digest).toBe(amd.digest);
    expect(doc(out).manifests[1].digest).toBe(out.children[1]!.digest);
  });

  test('already-compressed layers: nothing to compress, the tree is returned as it is', () => {
    const node = manifestNode({ config, layers: [gz(10), gz(11)] });
    const index = indexNode([{ ...node, platform: 'linux/amd64' }]);
    expect(layersToCompress(index, 'auto')).toEqual([]);
    expect(rewriteTree(index, new Map())).toBe(index);
    // Even a map naming a compressed layer does not touch it.
    expect(rewriteTree(node, new Map([[fake(10), { digest: fake(99), size: 1 }]]))).toBe(node);
  });

  test('none: no layer is compressed', () => {
    const node = manifestNode({ config, layers: [plain(10), plain(11)] });
    expect(layersToCompress(node, 'none')).toEqual([]);
  });

  test('Docker v2 manifests: rootfs.diff.tar becomes rootfs.diff.tar.gzip, the manifest type stays', () => {
    const node = manifestNode({
      mediaType: MEDIA.dockerManifest,
      config: { ...config, mediaType: MEDIA.dockerConfig },
      layers: [{ mediaType: MEDIA.dockerLayer, digest: fake(10), size: 10 }],
    });
    const out = rewriteTree(node, new Map([[fake(10), { digest: fake(11), size: 5 }]]));
    expect(doc(out).mediaType).toBe(MEDIA.dockerManifest);
    expect(doc(out).layers[0]).toEqual({ mediaType: MEDIA.dockerLayerGzip, digest: fake(11), size: 5 });
    expect(out.mediaType).toBe(MEDIA.dockerManifest);
  });
});

describe('gzipBlob', () => {
  const data = Buffer.concat([Buffer.from('hello layer '.repeat(20_000)), createHash('sha512').update('x').digest()]);
  const source = (chunks: number[]): BlobSource => ({
    digest: sha(data),
    size: data.length,
    where: 'test',
    open: () => {
      const parts: Buffer[] = [];
      let at = 0;
      for (let i = 0; at < data.length; i++) {
        const n = chunks[i % chunks.length]!;
        parts.push(data.subarray(at, at + n));
        at += n;
      }
      return Readable.from(parts);
    },
  });

  test('deterministic whatever the input chunking, and equal to zlib at the same level', async () => {
    const expected = gzipSync(data, { level: GZIP_LEVEL });
    for (const chunks of [[1 << 20], [1, 7, 4096], [65_536, 3]]) {
      const file = join(dir, `det-${chunks.join('-')}.gz`);
      const out = await gzipBlob(source(chunks), GZIP_LEVEL, file);
      expect(out).toEqual({ digest: sha(expected), size: expected.length });
      expect(readFileSync(file)).toEqual(expected);
    }
    // Measuring writes nothing and gives the same answer.
    expect(await gzipBlob(source([4096]), GZIP_LEVEL, undefined)).toEqual({ digest: sha(expected), size: expected.length });
  });

  test('input that does not hash to the layer digest is refused', async () => {
    const bad = { ...source([4096]), digest: fake(7) };
    await expect(gzipBlob(bad, GZIP_LEVEL, undefined)).rejects.toThrow(SourceError);
    await expect(gzipBlob(bad, GZIP_LEVEL, undefined)).rejects.toThrow(
      /layer sha256:0+7 \(test\) is corrupted: its content hashes to sha256:/,
    );
  });
});

describe('LayerCompressor', () => {
  test('a legacy docker save archive: layers gzip into a temp file, range reads, gunzip to the original, removed on dispose', async () => {
    const made = await makeDockerArchive(join(dir, 'save.tar'), { layers: [20_000, 300_000] });
    const image = await loadImage(made.archive);
    const base = join(dir, 'runner-temp');
    mkdirSync(base, { recursive: true });
    const compressor = new LayerCompressor({ tempBase: base, write: true });
    const { image: out, report } = await compressor.compress(image, 'auto');
    expect(report).toMatchObject({ layers: 2, bytesBefore: made.layers.reduce((n, l) => n + l.size, 0), level: GZIP_LEVEL, written: true });
    expect(report!.bytesAfter).toBeLessThan(report!.bytesBefore * 1.01);
    const manifest = doc(out.root);
    expect(manifest.config.digest).toBe(made.config);
    expect(manifest.layers.map((l: Descriptor) => l.mediaType)).toEqual([MEDIA.ociLayerGzip, MEDIA.ociLayerGzip]);
    expect(blobDigests(out.root).sort()).toEqual([...out.blobs.keys()].sort());
    for (const [i, layer] of (manifest.layers as Descriptor[]).entries()) {
      const blob = out.blobs.get(layer.digest)!;
      const bytes = await readAll(blob.open());
      expect(sha(bytes)).toBe(layer.digest);
      expect(bytes.length).toBe(layer.size);
      expect(blob.size).toBe(layer.size);
      expect(sha(gunzipSync(bytes))).toBe(made.layers[i]!.digest); // the diff id
      expect(await readAll(blob.open(100, 1100))).toEqual(bytes.subarray(100, 1100));
      expect(await readAll(blob.open(bytes.length - 5))).toEqual(bytes.subarray(bytes.length - 5));
      expect(await readAll(blob.open(7, 7))).toEqual(Buffer.alloc(0));
    }
    // The config is the archive's, unchanged.
    expect(sha(await readAll(out.blobs.get(made.config)!.open()))).toBe(made.config);
    const [temp] = readdirSync(base);
    expect(readdirSync(join(base, temp!))).toHaveLength(2);
    // The same archive again gives the same digests (a re-push finds the blobs).
    const again = new LayerCompressor({ tempBase: base, write: true });
    expect((await again.compress(await loadImage(made.archive), 'gzip')).image.root.digest).toBe(out.root.digest);
    // Dry-run: measured in memory, nothing written, same digests.
    const measure = new LayerCompressor({ tempBase: join(dir, 'no-such-dir'), write: false });
    const measured = await measure.compress(image, 'auto');
    expect(measured.image.root.digest).toBe(out.root.digest);
    expect(measured.report).toMatchObject({ written: false, bytesAfter: report!.bytesAfter });
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
    expect(() => measured.image.blobs.get(manifest.layers[0].digest)!.open()).toThrow(/only measured/);
    await measure.dispose();
    await Promise.all([compressor.dispose(), again.dispose()]);
    await compressor.dispose();
    expect(readdirSync(base)).toEqual([]);
  });

  test('a Docker 25+ docker save (OCI, two platforms): shared layer once, both manifests and the index rewritten', async () => {
    const made = await makeDockerOciArchive(join(dir, 'save-oci.tar'), { layers: [5000, 9000], platforms: ['linux/amd64', 'linux/arm64'] });
    const image = await loadImage(made.archive);
    expect(image.kind).toBe('oci-archive');
    const compressor = new LayerCompressor({ tempBase: dir, write: true });
    try {
      const { image: out, report } = await compressor.compress(image, 'auto');
      expect(report!.layers).toBe(3);
      expect(out.root.mediaType).toBe(MEDIA.ociIndex);
      expect(out.root.digest).not.toBe(made.digest);
      expect(out.root.children.map((c) => c.platform)).toEqual(['linux/amd64', 'linux/arm64']);
      expect(doc(out.root).manifests.map((m: Descriptor) => m.digest)).toEqual(out.root.children.map((c) => c.digest));
      for (const [i, child] of out.root.children.entries()) {
        const d = doc(child);
        expect(d.config.digest).toBe(made.manifests[i]!.config);
        expect(d.layers.every((l: Descriptor) => l.mediaType === MEDIA.ociLayerGzip)).toBe(true);
        for (const [j, l] of (d.layers as Descriptor[]).entries()) {
          expect(sha(gunzipSync(await readAll(out.blobs.get(l.digest)!.open())))).toBe(made.manifests[i]!.layers[j]);
        }
      }
      expect(doc(out.root.children[0]!).layers[0].digest).toBe(doc(out.root.children[1]!).layers[0].digest);
      expect(out.blobs.size).toBe(5);
    } finally {
      await compressor.dispose();
    }
  });

  test('an OCI layout that is already compressed, and `none`: the image is returned as it is, no temp dir', async () => {
    const made = await makeOciLayout(join(dir, 'gz-layout'), { layers: [1000, 2000] });
    const image = await loadImage(made.layout);
    const base = join(dir, 'untouched');
    mkdirSync(base);
    const compressor = new LayerCompressor({ tempBase: base, write: true });
    expect(await compressor.compress(image, 'auto')).toEqual({ image });
    const saved = await loadImage((await makeDockerArchive(join(dir, 'none.tar'), { layers: [1000] })).archive);
    const none = await compressor.compress(saved, 'none');
    expect(none.image).toBe(saved);
    expect(none.report).toBeUndefined();
    expect(readdirSync(base)).toEqual([]);
    await compressor.dispose();
  });

  test('a corrupted layer fails the compression with the layer and its file', async () => {
    const made = await makeDockerArchive(join(dir, 'corrupt.tar'), { layers: [4000] });
    const mtime = 1_700_000_000; // whole seconds: set again exactly after the damage
    utimesSync(made.archive, mtime, mtime);
    const image = await loadImage(made.archive);
    // Same size, other bytes, after loading (the loader hashed the original), and the same modification
    // time: damage the file's metadata does not show (a file that visibly changed is refused before it
    // is read: layout.test.ts).
    const bytes = readFileSync(made.archive);
    const at = bytes.indexOf(Buffer.from('payload.bin')) + 1024;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(made.archive, bytes);
    utimesSync(made.archive, mtime, mtime);
    const compressor = new LayerCompressor({ tempBase: dir, write: true });
    try {
      await expect(compressor.compress(image, 'auto')).rejects.toThrow(
        new RegExp(`layer ${made.layers[0]!.digest} \\(.*corrupt\\.tar:layer0/layer\\.tar\\) is corrupted`),
      );
    } finally {
      await compressor.dispose();
    }
  });
});
