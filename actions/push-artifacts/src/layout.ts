/**
 * Reads what a build produced without a Docker engine: an OCI image layout directory
 * (`docker buildx build --output type=oci,tar=false`), the same layout in a tar
 * (`--output type=oci`, and `docker save` since Docker 25), or a legacy `docker save` archive
 * (`manifest.json` + `<id>/layer.tar`). The result is a manifest tree (small documents kept in
 * memory, their digests checked) and a blob table whose entries stream from disk on demand.
 * Files are read only inside the source (no link out of a layout directory) and only while they
 * are the files first looked at; verifyBlobs hashes the blobs before a repository is created for
 * them (and in a dry run), and the registry client hashes each one again as it sends it.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sha256Digest } from '@deploy-kit/core/digest';
import { createHash } from '@deploy-kit/core/node-crypto';
import { INDEX_TYPES, MANIFEST_TYPES, MEDIA } from '@deploy-kit/core/oci';
import {
  FileChangedError,
  OutsideRootError,
  checkedRange,
  readChecked,
  hashCheckedRange,
  identityOf,
  realInside,
  type CheckedFileRange,
  type FileIdentity,
} from './local-files.js';
import { indexTar, resolveTarEntry, type TarEntry } from './tar.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface BlobSource {
  digest: string;
  size: number;
  /** A fresh stream of the blob's bytes `[start, end)` (default: all), read only while the file is the one first looked at. */
  open(start?: number, end?: number): Readable;
  /** Where it comes from, for messages. */
  where: string;
  /** The bytes as a checked range of a local file, when they are one (hashed without a stream). */
  file?: CheckedFileRange;
  /**
   * True once its bytes were hashed and found to match `digest` (by {@link verifyBlobs}, or because
   * the digest was computed from them when loaded or compressed); {@link verifyBlobs} hashes only the
   * others. A push hashes every blob again as it sends it (core's blob-digest.ts).
   */
  verified?: boolean;
}

export interface ManifestNode {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  /** For an index: the manifests it lists, pushed before it. */
  children: ManifestNode[];
  /** For an image manifest: config and layers. */
  blobs: Descriptor[];
  platform?: string;
}

export interface LoadedImage {
  kind: 'oci-layout' | 'oci-archive' | 'docker-archive';
  source: string;
  root: ManifestNode;
  blobs: Map<string, BlobSource>;
}

/** A problem with the source image, with the path; main turns it into an ActionError. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly check?: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 4;

/** Files of a layout, from a directory or from an archive. */
interface Store {
  describe: string;
  size(path: string): Promise<number | undefined>;
  read(path: string): Promise<Buffer>;
  open(path: string, start?: number, end?: number): Readable;
  /** The range `open` reads, for a path already looked at (size or read). */
  range(path: string): CheckedFileRange;
}

/** The message for a read that failed because the file changed after it was checked. */
function readError(error: unknown): never {
  if (error instanceof FileChangedError) throw new SourceError(error.message, 'nothing else writes into the image while this step runs');
  throw error;
}

/**
 * A layout directory. Every file is read at its real location, which must be inside the layout's own
 * real location (a symbolic link out of the layout is refused: see local-files.ts; links inside it
 * are followed), and only while it is the file that was first looked at.
 */
function dirStore(dir: string): Store {
  let rootReal: Promise<string> | undefined;
  const files = new Map<string, { real: string; identity: FileIdentity }>();
  const locate = async (path: string): Promise<{ real: string; identity: FileIdentity } | undefined> => {
    const known = files.get(path);
    if (known) return known;
    rootReal ??= realpath(dir);
    let real: string;
    try {
      real = await realInside(await rootReal, join(dir, path), dir);
    } catch (error) {
      if (error instanceof OutsideRootError) {
        throw new SourceError(
          `${path} in the layout ${dir} is a symbolic link to ${error.target}, outside the layout`,
          'local sources never follow a link out of their directory: copy the file into the layout instead of linking to it, or write the layout again (docker buildx build --output type=oci,tar=false,dest=…)',
        );
      }
      return undefined; // missing, or a dangling link: reported by the caller as missing
    }
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const entry = { real, identity: identityOf(info) };
    files.set(path, entry);
    return entry;
  };
  const located = (path: string) => {
    const entry = files.get(path);
    if (!entry) throw new Error(`internal: ${path} of ${dir} is read before it was located`);
    return entry;
  };
  return {
    describe: dir,
    async size(path) {
      return (await locate(path))?.identity.size;
    },
    async read(path) {
      const entry = await locate(path);
      if (!entry) throw new SourceError(`${dir} has no ${path}`);
      return readChecked(entry.real, entry.identity, 0, entry.identity.size, join(dir, path)).catch(readError);
    },
    open(path, start = 0, end) {
      const entry = located(path);
      return checkedRange(entry.real, entry.identity, start, Math.min(entry.identity.size, end ?? entry.identity.size), join(dir, path));
    },
    range(path) {
      const entry = located(path);
      return { file: entry.real, identity: entry.identity, start: 0, end: entry.identity.size, where: join(dir, path) };
    },
  };
}

/** An archive: entries are ranges of the one file (links inside it stay inside it: see tar.ts), read only while it is the file that was indexed. */
function tarStore(file: string, identity: FileIdentity, entries: Map<string, TarEntry>): Store {
  const find = (path: string) => resolveTarEntry(entries, path);
  const range = (entry: TarEntry, start: number, end: number) =>
    checkedRange(file, identity, entry.offset + start, entry.offset + Math.min(entry.size, end), `${file}:${entry.name}`);
  return {
    describe: file,
    async size(path) {
      return find(path)?.size;
    },
    async read(path) {
      const entry = find(path);
      if (!entry) throw new SourceError(`${file} has no ${path}`);
      return readChecked(file, identity, entry.offset, entry.offset + entry.size, `${file}:${entry.name}`).catch(readError);
    },
    open(path, start = 0, end) {
      const entry = find(path)!;
      return range(entry, start, end ?? entry.size);
    },
    range(path) {
      const entry = find(path)!;
      return { file, identity, start: entry.offset, end: entry.offset + entry.size, where: `${file}:${entry.name}` };
    },
  };
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

function parseJson(bytes: Buffer, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new SourceError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

function asDescriptor(value: unknown, where: string): Descriptor {
  const d = value as Record<string, unknown> | null;
  if (!d || typeof d !== 'object') throw new SourceError(`${where} is not a descriptor object`);
  if (typeof d.digest !== 'string' || !DIGEST.test(d.digest))
    throw new SourceError(`${where} has no sha256 digest (got ${JSON.stringify(d.digest)})`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new SourceError(`${where} has no valid size`);
  if (typeof d.mediaType !== 'string' || d.mediaType === '') throw new SourceError(`${where} has no mediaType`);
  const platform = d.platform as Descriptor['platform'];
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    platform,
    annotations: d.annotations as Record<string, string> | undefined,
  };
}

function platformText(platform: Descriptor['platform']): string | undefined {
  if (!platform?.os && !platform?.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** Loads a manifest or index (by descriptor) from the store, checks its digest, and its blobs' presence and size. */
async function loadNode(store: Store, descriptor: Descriptor, blobs: Map<string, BlobSource>, depth: number): Promise<ManifestNode> {
  if (depth > MAX_DEPTH) throw new SourceError(`indexes nest deeper than ${MAX_DEPTH} levels in ${store.describe}`);
  const path = blobPath(descriptor.digest);
  const size = await store.size(path);
  const what = `${INDEX_TYPES.has(descriptor.mediaType) ? 'index' : 'manifest'} ${descriptor.digest}`;
  if (size === undefined)
    throw new SourceError(
      `${store.describe} does not contain ${what} (${path})`,
      'the layout is complete: build it again, or copy every file of it',
    );
  if (size > MAX_DOCUMENT_BYTES)
    throw new SourceError(`${what} in ${store.describe} is ${size} bytes; manifests are at most ${MAX_DOCUMENT_BYTES}`);
  const bytes = await store.read(path);
  const actual = sha256Digest(bytes);
  if (actual !== descriptor.digest || bytes.length !== descriptor.size) {
    throw new SourceError(
      `${what} in ${store.describe} is corrupted: its content hashes to ${actual} (${bytes.length} bytes, expected ${descriptor.size})`,
    );
  }
  const document = parseJson(bytes, `${what} in ${store.describe}`);
  const mediaType = typeof document.mediaType === 'string' ? document.mediaType : descriptor.mediaType;
  if (INDEX_TYPES.has(mediaType) || (Array.isArray(document.manifests) && !Array.isArray(document.layers))) {
    const entries = Array.isArray(document.manifests) ? document.manifests : [];
    if (entries.length === 0) throw new SourceError(`${what} in ${store.describe} lists no manifests`);
    const children: ManifestNode[] = [];
    for (const [i, entry] of entries.entries()) {
      const child = asDescriptor(entry, `${what} manifests[${i}]`);
      const node = await loadNode(store, child, blobs, depth + 1);
      node.platform = platformText(child.platform);
      children.push(node);
    }
    return { digest: descriptor.digest, mediaType, bytes, children, blobs: [] };
  }
  if (!MANIFEST_TYPES.has(mediaType) && !Array.isArray(document.layers)) {
    throw new SourceError(`${what} in ${store.describe} has media type ${mediaType}, which is neither an image manifest nor an index`);
  }
  const config = asDescriptor(document.config, `${what} config`);
  const layers = (Array.isArray(document.layers) ? document.layers : []).map((l, i) => asDescriptor(l, `${what} layers[${i}]`));
  const own = [config, ...layers];
  // Looked up at once (each is a realpath and a stat), then checked in order.
  const sizes = await Promise.all(own.map((blob) => (blobs.has(blob.digest) ? undefined : store.size(blobPath(blob.digest)))));
  for (const [i, blob] of own.entries()) {
    if (blobs.has(blob.digest)) continue;
    const blobFile = blobPath(blob.digest);
    const blobSize = sizes[i];
    if (blobSize === undefined) {
      throw new SourceError(
        `${store.describe} does not contain blob ${blob.digest} (${blobFile}) that ${what} needs`,
        'the layout is complete: build it again, or copy every file of it',
      );
    }
    if (blobSize !== blob.size)
      throw new SourceError(
        `blob ${blob.digest} in ${store.describe} is ${blobSize} bytes, but ${what} says ${blob.size}: the file is corrupted or truncated`,
      );
    blobs.set(blob.digest, {
      digest: blob.digest,
      size: blob.size,
      open: (start?: number, end?: number) => store.open(blobFile, start, end),
      where: `${store.describe}:${blobFile}`,
      file: store.range(blobFile),
      verified: false,
    });
  }
  return { digest: descriptor.digest, mediaType, bytes, children: [], blobs: own };
}

/** `path#name`: an image chosen by `org.opencontainers.image.ref.name` / `io.containerd.image.name` / RepoTags. */
export function splitSelector(source: string): { path: string; selector?: string } {
  const hash = source.lastIndexOf('#');
  if (hash <= 0) return { path: source };
  return { path: source.slice(0, hash), selector: source.slice(hash + 1) };
}

const REF_NAME_KEYS = ['org.opencontainers.image.ref.name', 'io.containerd.image.name'];

async function loadOciLayout(store: Store, selector: string | undefined): Promise<{ root: ManifestNode; blobs: Map<string, BlobSource> }> {
  const layoutFile = parseJson(await store.read('oci-layout'), `oci-layout in ${store.describe}`);
  if (layoutFile.imageLayoutVersion !== '1.0.0')
    throw new SourceError(`${store.describe}: unsupported imageLayoutVersion ${JSON.stringify(layoutFile.imageLayoutVersion)}`);
  const index = parseJson(await store.read('index.json'), `index.json in ${store.describe}`);
  const entries = (Array.isArray(index.manifests) ? index.manifests : []).map((m, i) => asDescriptor(m, `index.json manifests[${i}]`));
  if (entries.length === 0)
    throw new SourceError(
      `index.json in ${store.describe} lists no images`,
      'the build wrote its output here (docker buildx build --output type=oci)',
    );
  const blobs = new Map<string, BlobSource>();
  let chosen: Descriptor[];
  if (selector !== undefined) {
    chosen = entries.filter((e) =>
      REF_NAME_KEYS.some((k) => e.annotations?.[k] === selector || e.annotations?.[k]?.endsWith(`:${selector}`)),
    );
    if (chosen.length === 0) {
      const names = entries.map((e) => REF_NAME_KEYS.map((k) => e.annotations?.[k]).find(Boolean) ?? e.digest);
      throw new SourceError(`${store.describe} has no image named "${selector}"; it has: ${names.join(', ')}`);
    }
    chosen = chosen.slice(0, 1);
  } else {
    chosen = entries;
  }
  if (chosen.length === 1) return { root: await loadNode(store, chosen[0]!, blobs, 0), blobs };
  // Several images: one per platform makes a multi-platform image; anything else is ambiguous.
  if (!chosen.every((e) => platformText(e.platform) && MANIFEST_TYPES.has(e.mediaType))) {
    const names = chosen.map((e) => REF_NAME_KEYS.map((k) => e.annotations?.[k]).find(Boolean) ?? e.digest);
    throw new SourceError(`${store.describe} holds ${chosen.length} images (${names.join(', ')}); name one as <source>#<name>`);
  }
  const children: ManifestNode[] = [];
  const manifests: Descriptor[] = [];
  for (const entry of chosen) {
    const node = await loadNode(store, entry, blobs, 1);
    node.platform = platformText(entry.platform);
    children.push(node);
    manifests.push({ mediaType: entry.mediaType, digest: entry.digest, size: entry.size, platform: entry.platform });
  }
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }));
  return { root: { digest: sha256Digest(bytes), mediaType: MEDIA.ociIndex, bytes, children, blobs: [] }, blobs };
}

async function hashStream(stream: Readable): Promise<{ digest: string; size: number; gzip: boolean }> {
  const hash = createHash('sha256');
  let size = 0;
  let head: Buffer | undefined;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    head ??= buffer.subarray(0, 2);
    hash.update(buffer);
    size += buffer.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size, gzip: head !== undefined && head[0] === 0x1f && head[1] === 0x8b };
}

/** Legacy `docker save`: manifest.json, `<hex>.json` config, `<id>/layer.tar` (uncompressed) layers. */
async function loadDockerArchive(
  store: Store,
  selector: string | undefined,
): Promise<{ root: ManifestNode; blobs: Map<string, BlobSource> }> {
  const bytes = await store.read('manifest.json');
  let list: unknown;
  try {
    list = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SourceError(`manifest.json in ${store.describe} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(list) || list.length === 0) throw new SourceError(`manifest.json in ${store.describe} lists no images`);
  type Item = { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
  let items = list as Item[];
  if (selector !== undefined)
    items = items.filter((i) => Array.isArray(i.RepoTags) && i.RepoTags.some((t) => t === selector || String(t).endsWith(`:${selector}`)));
  if (items.length !== 1) {
    const names = (list as Item[]).map((i) => (Array.isArray(i.RepoTags) ? i.RepoTags.join(' ') : '(untagged)'));
    throw new SourceError(
      selector === undefined
        ? `${store.describe} holds ${list.length} images (${names.join(', ')}); name one as <source>#<repo:tag>`
        : `${store.describe} has no image tagged "${selector}"; it has: ${names.join(', ')}`,
    );
  }
  const item = items[0]!;
  if (typeof item.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
    throw new SourceError(`manifest.json in ${store.describe} has an entry without Config or Layers`);
  }
  const blobs = new Map<string, BlobSource>();
  const add = async (path: string, mediaTypes: { plain: string; gzip: string }): Promise<Descriptor> => {
    const size = await store.size(path);
    if (size === undefined)
      throw new SourceError(
        `${store.describe} does not contain ${path}, which manifest.json lists`,
        'the archive is complete (docker save finished without error)',
      );
    const hashed = await hashStream(store.open(path)).catch(readError);
    if (hashed.size !== size) throw new SourceError(`${path} in ${store.describe} could not be read completely`);
    const mediaType = hashed.gzip ? mediaTypes.gzip : mediaTypes.plain;
    // The digest is computed from the bytes: verified by construction.
    if (!blobs.has(hashed.digest))
      blobs.set(hashed.digest, {
        digest: hashed.digest,
        size,
        open: (start?: number, end?: number) => store.open(path, start, end),
        where: `${store.describe}:${path}`,
        verified: true,
      });
    return { mediaType, digest: hashed.digest, size };
  };
  const config = await add(item.Config, { plain: MEDIA.ociConfig, gzip: MEDIA.ociConfig });
  const layers: Descriptor[] = [];
  for (const layer of item.Layers as string[]) layers.push(await add(layer, { plain: MEDIA.ociLayer, gzip: MEDIA.ociLayerGzip }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config, layers }));
  return {
    root: { digest: sha256Digest(manifest), mediaType: MEDIA.ociManifest, bytes: manifest, children: [], blobs: [config, ...layers] },
    blobs,
  };
}

/** Loads an image from a layout directory, an OCI archive or a docker save archive. */
export async function loadImage(source: string): Promise<LoadedImage> {
  const { path, selector } = splitSelector(source);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(
      code === 'ENOENT' ? `${path} does not exist` : `${path} cannot be read (${code ?? (error as Error).message})`,
      'the build step wrote the image there (docker buildx build --output type=oci,dest=... or docker save -o ...), and the path is relative to the workspace',
    );
  }
  if (info.isDirectory()) {
    const store = dirStore(path);
    if ((await store.size('oci-layout')) === undefined || (await store.size('index.json')) === undefined) {
      throw new SourceError(
        `${path} is a directory but not an OCI image layout (no oci-layout and index.json)`,
        'docker buildx build --output type=oci,tar=false,dest=<dir> writes one',
      );
    }
    return { kind: 'oci-layout', source: path, ...(await loadOciLayout(store, selector)) };
  }
  let entries: Map<string, TarEntry>;
  try {
    entries = await indexTar(path);
  } catch (error) {
    const head = await readFile(path)
      .then((b) => b.subarray(0, 2))
      .catch(() => Buffer.alloc(0));
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    throw new SourceError(
      `${path} is neither an OCI image layout nor a tar archive (${gz ? 'it is gzip-compressed' : (error as Error).message})`,
      gz
        ? 'decompress it first (gunzip), or write the archive uncompressed (docker save -o file.tar)'
        : 'the source is an OCI layout directory or a `docker save` / `--output type=oci` tar',
    );
  }
  const store = tarStore(path, identityOf(info), entries);
  if (resolveTarEntry(entries, 'oci-layout') && resolveTarEntry(entries, 'index.json'))
    return { kind: 'oci-archive', source: path, ...(await loadOciLayout(store, selector)) };
  if (resolveTarEntry(entries, 'manifest.json'))
    return { kind: 'docker-archive', source: path, ...(await loadDockerArchive(store, selector)) };
  throw new SourceError(
    `${path} is a tar archive but holds neither an OCI layout (oci-layout, index.json) nor a docker save manifest.json`,
  );
}

/**
 * Hashes every blob of `images` not yet verified and fails on the first whose bytes do not match its
 * digest and size, so a damaged layout is found before anything is written anywhere. Each blob is
 * read once (a blob shared by images of one source is one object), a file's into one reused buffer
 * (local-files.ts hashCheckedRange); marks them verified. Hashing is CPU-bound on this thread:
 * `concurrency` only overlaps the reads (worker threads measured slower on 2 busy cores: issue 18).
 */
export async function verifyBlobs(images: Iterable<LoadedImage>, concurrency = 2): Promise<void> {
  const pending = new Set<BlobSource>();
  for (const image of images) for (const blob of image.blobs.values()) if (!blob.verified) pending.add(blob);
  const queue = [...pending];
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && queue.length > 0) {
      const blob = queue.shift()!;
      try {
        const hashed = await (blob.file ? hashCheckedRange(blob.file) : hashStream(blob.open())).catch(readError);
        if (hashed.digest !== blob.digest || hashed.size !== blob.size) {
          throw new SourceError(
            `blob ${blob.digest} (${blob.where}) is corrupted: its content hashes to ${hashed.digest} (${hashed.size} bytes, expected ${blob.size})`,
            'build the image again; do not edit files inside the layout or archive',
          );
        }
        blob.verified = true;
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  if (failed !== undefined) throw failed;
}

/** Every manifest of the tree, children before their index (the push order). */
export function manifestsInPushOrder(root: ManifestNode): ManifestNode[] {
  const out: ManifestNode[] = [];
  const seen = new Set<string>();
  const visit = (node: ManifestNode) => {
    for (const child of node.children) visit(child);
    if (!seen.has(node.digest)) {
      seen.add(node.digest);
      out.push(node);
    }
  };
  visit(root);
  return out;
}

/** Blob digests an image needs (config + layers of every manifest), each once. */
export function blobDigests(root: ManifestNode): string[] {
  const out = new Set<string>();
  for (const node of manifestsInPushOrder(root)) for (const blob of node.blobs) out.add(blob.digest);
  return [...out];
}
