/**
 * `services-from`: discovers service names from a glob over directories (`cmd/ms/*`) or files
 * (`bin_arm64/ms/*`). The service name is the last path element with the kind's prefix (`ms_`)
 * removed once. Supports `*`, `?`, `[abc]`, `**` and a trailing `/` (directories only); entries
 * starting with `.` only match a pattern segment that starts with `.`.
 */
import { readdir as fsReaddir } from 'node:fs/promises';
import * as path from 'node:path';
import { globToRegExp } from '@deploy-kit/core';

import { TagInputError } from './errors.js';
import { normalizeServiceName } from './naming.js';

export interface DirEntryLike {
  name: string;
  isDirectory(): boolean;
}

/** Lists a directory; rejects with code ENOENT/ENOTDIR when it does not exist. */
export type ReaddirFn = (dir: string) => Promise<DirEntryLike[]>;

export const nodeReaddir: ReaddirFn = (dir) => fsReaddir(dir, { withFileTypes: true });

export interface DiscoveredService {
  /** Service name after prefix stripping. */
  name: string;
  /** The matched path, relative to cwd when the pattern was relative. */
  path: string;
  pattern: string;
}

async function list(readdir: ReaddirFn, dir: string): Promise<DirEntryLike[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

async function walk(
  readdir: ReaddirFn,
  base: string,
  rel: string,
  segments: string[],
  dirsOnly: boolean,
  out: Array<{ rel: string; isDir: boolean }>,
): Promise<void> {
  if (segments.length === 0) return;
  const [seg, ...rest] = segments as [string, ...string[]];
  const dir = path.join(base, rel);
  if (seg === '**') {
    // zero directories
    await walk(readdir, base, rel, rest, dirsOnly, out);
    for (const e of await list(readdir, dir)) {
      if (e.isDirectory() && !e.name.startsWith('.')) await walk(readdir, base, path.posix.join(rel, e.name), segments, dirsOnly, out);
    }
    return;
  }
  if (seg === '.' || seg === '') {
    await walk(readdir, base, rel, rest, dirsOnly, out);
    return;
  }
  if (!/[*?[]/.test(seg)) {
    // literal segment: check it exists through the parent listing
    const e = (await list(readdir, dir)).find((x) => x.name === seg);
    if (!e) return;
    const next = path.posix.join(rel, seg);
    if (rest.length === 0) {
      if (!dirsOnly || e.isDirectory()) out.push({ rel: next, isDir: e.isDirectory() });
    } else if (e.isDirectory()) await walk(readdir, base, next, rest, dirsOnly, out);
    return;
  }
  const re = globToRegExp(seg, { braces: false });
  const entries = (await list(readdir, dir)).filter((e) => re.test(e.name) && (!e.name.startsWith('.') || seg.startsWith('.')));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const next = path.posix.join(rel, e.name);
    if (rest.length === 0) {
      if (!dirsOnly || e.isDirectory()) out.push({ rel: next, isDir: e.isDirectory() });
    } else if (e.isDirectory()) await walk(readdir, base, next, rest, dirsOnly, out);
  }
}

/** Expands one glob; returns matched paths (relative to cwd for relative patterns), sorted. */
export async function expandGlob(pattern: string, cwd: string, readdir: ReaddirFn = nodeReaddir): Promise<string[]> {
  const p = pattern.trim().replace(/\\/g, '/');
  const dirsOnly = p.endsWith('/');
  const absolute = p.startsWith('/');
  const base = absolute ? '/' : cwd;
  const segments = p.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
  const out: Array<{ rel: string; isDir: boolean }> = [];
  await walk(readdir, base, '', segments, dirsOnly, out);
  const seen = new Set<string>();
  return out.map((o) => (absolute ? `/${o.rel}` : o.rel)).filter((r) => (seen.has(r) ? false : (seen.add(r), true)));
}

/**
 * Discovers services from the `services-from` patterns. Every pattern must match something; names
 * are de-duplicated (first wins) in pattern order, each pattern's matches sorted by path.
 */
export async function discoverServices(
  patterns: string[],
  options: { cwd: string; stripPrefix: string; readdir?: ReaddirFn; inputName?: string },
): Promise<DiscoveredService[]> {
  const inputName = options.inputName ?? 'services-from';
  const found: DiscoveredService[] = [];
  const names = new Set<string>();
  for (const pattern of patterns.map((p) => p.trim()).filter((p) => p !== '')) {
    const matches = await expandGlob(pattern, options.cwd, options.readdir ?? nodeReaddir);
    if (matches.length === 0) {
      throw new TagInputError(
        inputName,
        undefined,
        `pattern "${pattern}" matched nothing under ${options.cwd}`,
        'a glob over service directories (cmd/ms/*) or binaries (bin_arm64/ms/*) that exist when the step runs',
        pattern,
      );
    }
    for (const m of matches) {
      const name = normalizeServiceName(path.posix.basename(m), options.stripPrefix);
      if (names.has(name)) continue;
      names.add(name);
      found.push({ name, path: m, pattern });
    }
  }
  return found;
}
