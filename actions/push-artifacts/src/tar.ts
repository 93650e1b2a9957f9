/**
 * A random-access index of an uncompressed tar file: each regular file's name, data offset and
 * size, from the headers alone (ustar, GNU long names, pax `path`/`size`). Blobs are then streamed
 * straight from the archive (`createReadStream(start, end)`), so memory does not depend on layer size.
 */
import { type FileHandle, open } from 'node:fs/promises';

export interface TarEntry {
  name: string;
  offset: number;
  size: number;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Symlink target (docker save links duplicate layers). */
  linkName?: string;
}

const BLOCK = 512;
/** Bounds the header walk: a docker save or OCI archive has a few thousand entries at most. */
const MAX_ENTRIES = 200_000;
const MAX_META_BYTES = 1024 * 1024;

function readString(buffer: Buffer, start: number, length: number): string {
  const slice = buffer.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul >= 0 ? nul : slice.length).toString('utf8');
}

function readOctal(buffer: Buffer, start: number, length: number): number {
  // GNU base-256 for sizes of 8 GiB and more.
  if ((buffer[start]! & 0x80) !== 0) {
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + buffer[i]!;
    return value;
  }
  const text = readString(buffer, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`bad number "${text}" in a tar header`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  let stored: number;
  try {
    stored = readOctal(header, 148, 8);
  } catch {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === stored;
}

function parsePax(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = text;
  for (let guard = 0; rest.length > 0 && guard < 10_000; guard++) {
    const space = rest.indexOf(' ');
    const length = Number(rest.slice(0, space));
    if (space < 0 || !Number.isInteger(length) || length <= space) break;
    const record = rest.slice(space + 1, length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    rest = rest.slice(length);
  }
  return out;
}

export function normalizeTarName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/** Reads every header of `file`. Throws a plain Error for a file that is not a tar archive. */
export async function indexTar(file: string): Promise<Map<string, TarEntry>> {
  const handle: FileHandle = await open(file, 'r');
  try {
    const { size: total } = await handle.stat();
    const entries = new Map<string, TarEntry>();
    const header = Buffer.alloc(BLOCK);
    const magic = Buffer.alloc(2);
    await handle.read(magic, 0, 2, 0);
    if (magic[0] === 0x1f && magic[1] === 0x8b) throw new Error('it is gzip-compressed');
    if (total < BLOCK) throw new Error(`not a tar archive (${total} bytes)`);
    let position = 0;
    let longName: string | undefined;
    let longLink: string | undefined;
    let pax: Record<string, string> = {};
    for (let count = 0; count < MAX_ENTRIES; count++) {
      if (position + BLOCK > total) break;
      await handle.read(header, 0, BLOCK, position);
      if (header.every((b) => b === 0)) break;
      if (!checksumOk(header)) throw new Error(`not a tar archive (bad header checksum at byte ${position})`);
      const typeflag = String.fromCharCode(header[156]!);
      let size = readOctal(header, 124, 12);
      const dataOffset = position + BLOCK;
      const readData = async (): Promise<string> => {
        if (size > MAX_META_BYTES) throw new Error(`tar metadata entry of ${size} bytes`);
        const data = Buffer.alloc(size);
        await handle.read(data, 0, size, dataOffset);
        return data.toString('utf8');
      };
      if (typeflag === 'L' || typeflag === 'K') {
        const value = (await readData()).replace(/\0+$/, '');
        if (typeflag === 'L') longName = value;
        else longLink = value;
      } else if (typeflag === 'x') {
        pax = { ...pax, ...parsePax(await readData()) };
      } else if (typeflag === 'g') {
        // global pax header: nothing we need
      } else {
        const prefix = readString(header, 345, 155);
        const baseName = readString(header, 0, 100);
        let name = pax.path ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
        if (pax.size !== undefined && /^\d+$/.test(pax.size)) size = Number(pax.size);
        name = normalizeTarName(name);
        const linkName = pax.linkpath ?? longLink ?? readString(header, 157, 100);
        const type =
          typeflag === '0' || typeflag === '\0' || typeflag === '7'
            ? 'file'
            : typeflag === '5'
              ? 'dir'
              : typeflag === '2'
                ? 'symlink'
                : 'other';
        if (dataOffset + (type === 'file' ? size : 0) > total)
          throw new Error(`the archive is truncated (${name} ends past the end of the file)`);
        entries.set(name, {
          name,
          offset: dataOffset,
          size: type === 'file' ? size : 0,
          type,
          linkName: type === 'symlink' ? linkName : undefined,
        });
        longName = undefined;
        longLink = undefined;
        pax = {};
      }
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Follows symlinks inside the archive (bounded), relative to the link's directory. */
export function resolveTarEntry(entries: Map<string, TarEntry>, name: string): TarEntry | undefined {
  let current = entries.get(normalizeTarName(name));
  for (let hops = 0; current && current.type === 'symlink' && hops < 16; hops++) {
    const dir = current.name.includes('/') ? current.name.slice(0, current.name.lastIndexOf('/')) : '';
    const target = current.linkName!.startsWith('/') ? current.linkName!.slice(1) : joinTarPath(dir, current.linkName!);
    current = entries.get(target);
  }
  return current?.type === 'file' ? current : undefined;
}

function joinTarPath(dir: string, relative: string): string {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}
