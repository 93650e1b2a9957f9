// Test images made from random bytes, with no Docker: an OCI image layout (directory or tar), a
// two-platform index, and a legacy `docker save` archive. Used by push-artifacts' unit tests,
// action-tests, bench and demo. Plain ESM so the .mjs scripts can use it too.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

const BLOCK = 512;

function tarHeader(name, size, type = '0') {
  const header = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  header.write(base, 0, 100, 'utf8');
  header.write(type === '5' ? '0000755\0' : '0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  header.write(`${(1700000000).toString(8).padStart(11, '0')}\0`, 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write(type, 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** Streams a tar of `entries` ({name, file} or {name, data}) into `out`. */
export async function writeTar(out, entries) {
  mkdirSync(dirname(out), { recursive: true });
  async function* chunks() {
    for (const entry of entries) {
      const size = entry.data ? entry.data.length : statSync(entry.file).size;
      yield tarHeader(entry.name, size);
      if (entry.data) yield entry.data;
      else for await (const c of createReadStream(entry.file, { highWaterMark: 1 << 20 })) yield c;
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad) yield Buffer.alloc(pad);
    }
    yield Buffer.alloc(BLOCK * 2);
  }
  await pipeline(Readable.from(chunks()), createWriteStream(out));
}

async function sha256OfFile(file) {
  const hash = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(c);
  return `sha256:${hash.digest('hex')}`;
}

/** Random content in 1 MiB pieces, so memory stays small for big layers. */
async function* randomContent(size) {
  for (let left = size; left > 0;) {
    const n = Math.min(left, 1 << 20);
    yield randomBytes(n);
    left -= n;
  }
}

/**
 * One layer: a tar holding one file of `size` random bytes (optionally gzipped). Returns the layer
 * file path (in `work`), its digest/size/media type and the diff id (digest of the uncompressed tar).
 */
export async function makeLayer(work, size, { gzip = true, name = 'payload.bin' } = {}) {
  mkdirSync(work, { recursive: true });
  const id = randomBytes(6).toString('hex');
  const data = join(work, `data-${id}`);
  await pipeline(Readable.from(randomContent(size)), createWriteStream(data));
  const tar = join(work, `layer-${id}.tar`);
  await writeTar(tar, [{ name, file: data }]);
  const diffId = await sha256OfFile(tar);
  let file = tar;
  if (gzip) {
    file = `${tar}.gz`;
    await pipeline(createReadStream(tar), createGzip({ level: 1 }), createWriteStream(file));
  }
  return {
    file,
    tar,
    digest: gzip ? await sha256OfFile(file) : diffId,
    diffId,
    size: statSync(file).size,
    mediaType: gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
  };
}

function putBlob(layout, data) {
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  const path = join(layout, 'blobs', 'sha256', digest.slice(7));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return { digest, size: data.length };
}

function moveBlob(layout, layer) {
  const path = join(layout, 'blobs', 'sha256', layer.digest.slice(7));
  mkdirSync(dirname(path), { recursive: true });
  renameSync(layer.file, path);
  layer.file = path;
}

/**
 * An OCI image layout directory at `layout`. `platforms` (e.g. ['linux/amd64','linux/arm64'])
 * makes a multi-platform index; layers: sizes in bytes (per platform, the first layer is shared).
 * Returns { layout, digest (root), mediaType, manifests: [{digest, platform, layers}], blobs: [digests] }.
 */
export async function makeOciLayout(layout, { layers = [4096, 65536], platforms, gzip = true, refName = 'latest', work } = {}) {
  work ??= `${layout}.work`;
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const targets = platforms ?? [undefined];
  const shared = await makeLayer(work, layers[0], { gzip });
  moveBlob(layout, shared);
  const manifests = [];
  const blobs = new Set([shared.digest]);
  for (const platform of targets) {
    const own = [shared];
    for (const size of layers.slice(1)) {
      const layer = await makeLayer(work, size, { gzip });
      moveBlob(layout, layer);
      own.push(layer);
      blobs.add(layer.digest);
    }
    const [os, architecture] = (platform ?? 'linux/amd64').split('/');
    const config = putBlob(
      layout,
      Buffer.from(
        JSON.stringify({
          architecture,
          os,
          config: { Cmd: ['/payload.bin'] },
          rootfs: { type: 'layers', diff_ids: own.map((l) => l.diffId) },
        }),
      ),
    );
    blobs.add(config.digest);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: own.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }),
    );
    const stored = putBlob(layout, manifest);
    manifests.push({
      ...stored,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      platform,
      layers: own.map((l) => l.digest),
      config: config.digest,
    });
  }
  let root;
  if (platforms) {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: manifests.map((m) => {
          const [os, architecture] = m.platform.split('/');
          return { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: { os, architecture } };
        }),
      }),
    );
    root = { ...putBlob(layout, index), mediaType: 'application/vnd.oci.image.index.v1+json' };
  } else {
    root = { digest: manifests[0].digest, size: manifests[0].size, mediaType: manifests[0].mediaType };
  }
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ ...root, annotations: { 'org.opencontainers.image.ref.name': refName } }],
    }),
  );
  return { layout, digest: root.digest, mediaType: root.mediaType, manifests, blobs: [...blobs] };
}

/** Every file of a layout directory as tar entries (for an OCI archive). */
function layoutEntries(layout) {
  const entries = [
    { name: 'oci-layout', file: join(layout, 'oci-layout') },
    { name: 'index.json', file: join(layout, 'index.json') },
  ];
  const blobDir = join(layout, 'blobs', 'sha256');
  for (const name of readdirSorted(blobDir)) entries.push({ name: `blobs/sha256/${name}`, file: join(blobDir, name) });
  return entries;
}

function readdirSorted(dir) {
  return readdirSync(dir).sort();
}

/** The layout as a tar (what `--output type=oci` writes). */
export async function makeOciArchive(file, options = {}) {
  const layout = `${file}.layout`;
  const made = await makeOciLayout(layout, options);
  await writeTar(file, layoutEntries(layout));
  return { ...made, archive: file };
}

/**
 * What `docker save` writes since Docker 25: an OCI layout with uncompressed layers
 * (`application/vnd.oci.image.layer.v1.tar`, blobs named by their diff id), the image named by
 * `io.containerd.image.name`/`org.opencontainers.image.ref.name`, and a legacy manifest.json beside it.
 * `platforms` makes the saved image an index (as with the containerd image store).
 */
export async function makeDockerOciArchive(file, { layers = [4096, 65536], platforms, repoTag = 'example/app:latest', work } = {}) {
  const layout = `${file}.layout`;
  const tag = repoTag.slice(repoTag.lastIndexOf(':') + 1);
  const made = await makeOciLayout(layout, { layers, platforms, gzip: false, refName: tag, work });
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  index.manifests[0].annotations = { 'io.containerd.image.name': `docker.io/${repoTag}`, 'org.opencontainers.image.ref.name': tag };
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
  const first = made.manifests[0];
  const legacy = [
    { Config: `blobs/sha256/${first.config.slice(7)}`, RepoTags: [repoTag], Layers: first.layers.map((d) => `blobs/sha256/${d.slice(7)}`) },
  ];
  await writeTar(file, [...layoutEntries(layout), { name: 'manifest.json', data: Buffer.from(JSON.stringify(legacy)) }]);
  return { ...made, archive: file, repoTag };
}

/**
 * A legacy `docker save` archive (manifest.json, <hex>.json config, <id>/layer.tar uncompressed),
 * single platform. Returns { archive, layers: [{digest,size}], config digest, repoTag }.
 */
export async function makeDockerArchive(file, { layers = [4096, 65536], repoTag = 'example/app:latest', work } = {}) {
  work ??= `${file}.work`;
  const made = [];
  for (const size of layers) made.push(await makeLayer(work, size, { gzip: false }));
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: made.map((l) => l.diffId) } }),
  );
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const entries = [{ name: `${configDigest.slice(7)}.json`, data: config }];
  made.forEach((layer, i) => entries.push({ name: `layer${i}/layer.tar`, file: layer.tar }));
  const manifest = [{ Config: `${configDigest.slice(7)}.json`, RepoTags: [repoTag], Layers: made.map((_, i) => `layer${i}/layer.tar`) }];
  entries.push({ name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) });
  await writeTar(file, entries);
  return { archive: file, config: configDigest, layers: made.map((l) => ({ digest: l.diffId, size: statSync(l.tar).size })), repoTag };
}

/** Reads a blob of a layout (for byte comparisons in tests). */
export function readLayoutBlob(layout, digest) {
  return readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)));
}
