import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeDockerArchive, makeOciArchive, makeOciLayout, writeTar } from '../../../action-tests/lib/oci-images.mjs';
import { SourceError, blobDigests, loadImage, manifestsInPushOrder, splitSelector, verifyBlobs } from '../src/layout.js';
import { indexTar, resolveTarEntry } from '../src/tar.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-layout-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('tar index', () => {
  test('long names (ustar prefix), offsets and symlink-free lookup', async () => {
    const long = `${'d'.repeat(120)}/file.bin`;
    const file = join(dir, 't.tar');
    await writeTar(file, [
      { name: 'a.txt', data: Buffer.from('hello') },
      { name: long, data: Buffer.alloc(1000, 7) },
    ]);
    const entries = await indexTar(file);
    expect([...entries.keys()]).toEqual(['a.txt', long]);
    const a = resolveTarEntry(entries, './a.txt')!;
    expect(
      readFileSync(file)
        .subarray(a.offset, a.offset + a.size)
        .toString(),
    ).toBe('hello');
    expect(resolveTarEntry(entries, long)?.size).toBe(1000);
  });

  test('a file that is not a tar is refused', async () => {
    const file = join(dir, 'not.tar');
    writeFileSync(file, Buffer.alloc(2048, 65));
    await expect(indexTar(file)).rejects.toThrow(/not a tar archive/);
  });

  test('a truncated archive is refused', async () => {
    const file = join(dir, 'trunc.tar');
    await writeTar(file, [{ name: 'big', data: Buffer.alloc(5000, 1) }]);
    writeFileSync(file, readFileSync(file).subarray(0, 2048));
    await expect(indexTar(file)).rejects.toThrow(/truncated/);
  });
});

describe('loadImage', () => {
  test('an OCI layout directory: manifest, blobs streamed in ranges', async () => {
    const made = await makeOciLayout(join(dir, 'single'), { layers: [3000, 70000] });
    const image = await loadImage(made.layout);
    expect(image.kind).toBe('oci-layout');
    expect(image.root.digest).toBe(made.digest);
    expect(image.root.children).toEqual([]);
    expect(blobDigests(image.root).sort()).toEqual([...made.blobs].sort());
    expect(made.blobs).toContain(made.manifests[0]!.config);
    const layer = image.blobs.get(made.manifests[0]!.layers[1]!)!;
    const whole = await readAll(layer.open());
    expect(sha(whole)).toBe(layer.digest);
    const part = await readAll(layer.open(10, 110));
    expect(part).toEqual(whole.subarray(10, 110));
  });

  test('a two-platform index: children first in push order, shared layer once', async () => {
    const made = await makeOciLayout(join(dir, 'multi'), { layers: [2000, 3000], platforms: ['linux/amd64', 'linux/arm64'] });
    const image = await loadImage(made.layout);
    expect(image.root.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(image.root.children.map((c) => c.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    const order = manifestsInPushOrder(image.root).map((n) => n.digest);
    expect(order).toEqual([made.manifests[0]!.digest, made.manifests[1]!.digest, made.digest]);
    // 1 shared + 1 own per platform + 2 configs
    expect(blobDigests(image.root)).toHaveLength(5);
  });

  test('the layout as a tar (OCI archive) gives the same image', async () => {
    const made = await makeOciArchive(join(dir, 'img.tar'), { layers: [1000, 2000] });
    const image = await loadImage(made.archive);
    expect(image.kind).toBe('oci-archive');
    expect(image.root.digest).toBe(made.digest);
    for (const blob of image.blobs.values()) expect(sha(await readAll(blob.open()))).toBe(blob.digest);
  });

  test('a legacy docker save archive becomes an OCI manifest over its uncompressed layers', async () => {
    const made = await makeDockerArchive(join(dir, 'save.tar'), { layers: [1500, 2500], repoTag: 'example/app:v1' });
    const image = await loadImage(`${made.archive}#example/app:v1`);
    expect(image.kind).toBe('docker-archive');
    const manifest = JSON.parse(image.root.bytes.toString()) as {
      config: { digest: string };
      layers: Array<{ digest: string; mediaType: string; size: number }>;
    };
    expect(manifest.config.digest).toBe(made.config);
    expect(manifest.layers.map((l) => l.digest)).toEqual(made.layers.map((l) => l.digest));
    expect(manifest.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar')).toBe(true);
    expect(image.root.digest).toBe(sha(image.root.bytes));
    for (const blob of image.blobs.values()) expect(sha(await readAll(blob.open()))).toBe(blob.digest);
  });

  test.each<[string, RegExp]>([['nothing-here', /does not exist/]])('missing source: %s', async (name, message) => {
    await expect(loadImage(join(dir, name))).rejects.toThrow(message);
  });

  test('a directory that is not a layout', async () => {
    await expect(loadImage(dir)).rejects.toThrow(/not an OCI image layout/);
  });

  test('a gzip-compressed archive says to decompress it', async () => {
    const file = join(dir, 'x.tar.gz');
    writeFileSync(file, gzipSync(Buffer.alloc(4096)));
    const error = await loadImage(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/gzip-compressed/);
    expect((error as SourceError).check).toMatch(/gunzip/);
  });

  test('a missing layer blob names the blob and the manifest', async () => {
    const made = await makeOciLayout(join(dir, 'missing'), { layers: [100, 200] });
    unlinkSync(join(made.layout, 'blobs', 'sha256', made.manifests[0]!.layers[1]!.slice(7)));
    await expect(loadImage(made.layout)).rejects.toThrow(new RegExp(`does not contain blob ${made.manifests[0]!.layers[1]}`));
  });

  test('a truncated layer blob is caught by its size', async () => {
    const made = await makeOciLayout(join(dir, 'short'), { layers: [100, 2000] });
    const path = join(made.layout, 'blobs', 'sha256', made.manifests[0]!.layers[1]!.slice(7));
    writeFileSync(path, readFileSync(path).subarray(0, 10));
    await expect(loadImage(made.layout)).rejects.toThrow(/corrupted or truncated/);
  });

  test('a tampered manifest is caught by its digest', async () => {
    const made = await makeOciLayout(join(dir, 'tampered'), { layers: [100] });
    const path = join(made.layout, 'blobs', 'sha256', made.digest.slice(7));
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"schemaVersion":2', '"schemaVersion":3'));
    await expect(loadImage(made.layout)).rejects.toThrow(/is corrupted: its content hashes to sha256:/);
  });

  test('an unknown #selector lists what is there', async () => {
    const made = await makeOciLayout(join(dir, 'sel'), { layers: [100], refName: 'v1' });
    await expect(loadImage(`${made.layout}#v2`)).rejects.toThrow(/no image named "v2"; it has: v1/);
    expect((await loadImage(`${made.layout}#v1`)).root.digest).toBe(made.digest);
  });

  test('splitSelector', () => {
    expect(splitSelector('a/b.tar#x:1')).toEqual({ path: 'a/b.tar', selector: 'x:1' });
    expect(splitSelector('a/b')).toEqual({ path: 'a/b' });
  });
});

describe('a layout is read only inside itself, and every blob is hashed before a push', () => {
  const blobFile = (layout: string, digest: string) => join(layout, 'blobs', 'sha256', digest.slice(7));

  test('a blob that is a symbolic link out of the layout is refused, naming it', async () => {
    const made = await makeOciLayout(join(dir, 'link-out'), { layers: [100, 200] });
    const layer = made.manifests[0]!.layers[1]!;
    renameSync(blobFile(made.layout, layer), join(dir, 'outside.bin'));
    symlinkSync(join(dir, 'outside.bin'), blobFile(made.layout, layer));
    const error = await loadImage(made.layout).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toBe(
      `blobs/sha256/${layer.slice(7)} in the layout ${made.layout} is a symbolic link to ${join(dir, 'outside.bin')}, outside the layout`,
    );
  });

  test('a linked blobs directory leading out is refused too; index.json linked out as well', async () => {
    const made = await makeOciLayout(join(dir, 'dir-out'), { layers: [100] });
    renameSync(join(made.layout, 'blobs'), join(dir, 'elsewhere-blobs'));
    symlinkSync(join(dir, 'elsewhere-blobs'), join(made.layout, 'blobs'));
    await expect(loadImage(made.layout)).rejects.toThrow(/is a symbolic link to .*elsewhere-blobs.*, outside the layout/);
    const other = await makeOciLayout(join(dir, 'index-out'), { layers: [100] });
    renameSync(join(other.layout, 'index.json'), join(dir, 'index-elsewhere.json'));
    symlinkSync(join(dir, 'index-elsewhere.json'), join(other.layout, 'index.json'));
    await expect(loadImage(other.layout)).rejects.toThrow(/index\.json in the layout .* is a symbolic link to .*, outside the layout/);
  });

  test('a link that stays inside the layout is followed', async () => {
    const made = await makeOciLayout(join(dir, 'link-in'), { layers: [100, 200] });
    const layer = made.manifests[0]!.layers[1]!;
    renameSync(blobFile(made.layout, layer), join(made.layout, 'kept.bin'));
    symlinkSync('../../kept.bin', blobFile(made.layout, layer));
    const image = await loadImage(made.layout);
    await verifyBlobs([image]);
    expect(sha(await readAll(image.blobs.get(layer)!.open()))).toBe(layer);
  });

  test('verifyBlobs: a blob of the right size with other bytes is named; good blobs are marked verified', async () => {
    const made = await makeOciLayout(join(dir, 'verify'), { layers: [100, 3000] });
    const image = await loadImage(made.layout);
    expect([...image.blobs.values()].some((b) => b.verified)).toBe(false); // loaded: sizes checked, bytes not yet
    const victim = made.manifests[0]!.layers[1]!;
    const bytes = readFileSync(blobFile(made.layout, victim));
    bytes[5] = bytes[5]! ^ 0xff;
    writeFileSync(blobFile(made.layout, victim), bytes);
    const again = await loadImage(made.layout);
    await expect(verifyBlobs([again])).rejects.toThrow(
      new RegExp(`blob ${victim} \\(.*\\) is corrupted: its content hashes to sha256:\\w+ \\(3\\d{3} bytes, expected 3\\d{3}\\)`),
    );
    const good = await makeOciLayout(join(dir, 'verify-good'), { layers: [100, 3000] });
    const loaded = await loadImage(good.layout);
    await verifyBlobs([loaded]);
    expect([...loaded.blobs.values()].every((b) => b.verified)).toBe(true);
  });

  test('a blob file replaced after it was checked is not read', async () => {
    const made = await makeOciLayout(join(dir, 'replaced'), { layers: [100, 3000] });
    const image = await loadImage(made.layout);
    const layer = made.manifests[0]!.layers[1]!;
    const path = blobFile(made.layout, layer);
    const copy = readFileSync(path);
    unlinkSync(path);
    writeFileSync(path, copy); // same bytes, another file
    await expect(readAll(image.blobs.get(layer)!.open())).rejects.toThrow(/changed after it was checked/);
  });

  test('docker save archives are hashed while loading: their blobs are verified already', async () => {
    const made = await makeDockerArchive(join(dir, 'save-verified.tar'), { layers: [1500] });
    const image = await loadImage(made.archive);
    expect([...image.blobs.values()].every((b) => b.verified)).toBe(true);
  });
});
