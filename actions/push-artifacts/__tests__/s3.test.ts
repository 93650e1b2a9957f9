import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '@deploy-kit/core';
import { firstMatch, globToRegExp, matchesGlob, parseGlobRules } from '../src/globs.js';
import { defaultContentType, isIdentical, keyPrefix, planUpload, sha256sums, uploadFiles, type RemoteObject, type S3Api, type UploadBody } from '../src/s3.js';
import { parseSize } from '../src/size.js';

describe('globs', () => {
  test.each<[string, string, boolean]>([
    ['*.json', 'a/b/c.json', true],
    ['*.json', 'c.jsonx', false],
    ['tools/*.json', 'tools/m.json', true],
    ['tools/*.json', 'x/tools/m.json', false],
    ['**/*.json', 'x/tools/m.json', true],
    ['**/*.json', 'm.json', true],
    ['ms_*', 'ms_core', true],
    ['*.{zip,gz}', 'a.gz', true],
    ['file?.bin', 'file1.bin', true],
    ['[ab].txt', 'c.txt', false],
    ['**', 'any/thing', true],
  ])('%s ~ %s = %s', (pattern, path, expected) => {
    expect(matchesGlob({ pattern, regex: globToRegExp(pattern) }, path)).toBe(expected);
  });

  test('rules: glob=value lines, a plain value for every file, first match wins', () => {
    const rules = parseGlobRules('*.json=no-cache\n# comment\npublic, max-age=31536000, immutable', 'cache-control', 'x');
    expect(rules.map((r) => [r.pattern, r.value])).toEqual([['*.json', 'no-cache'], ['**', 'public, max-age=31536000, immutable']]);
    expect(firstMatch(rules, 'a/m.json')).toBe('no-cache');
    expect(firstMatch(rules, 'ms_core')).toBe('public, max-age=31536000, immutable');
  });

  test('max-age=300 alone is a value, not a glob', () => {
    expect(parseGlobRules('max-age=300', 'cache-control', 'x').map((r) => r.pattern)).toEqual(['**']);
  });

  test('JSON object form', () => {
    expect(parseGlobRules('{"*.sig":"application/pgp-signature"}', 'content-types', 'x')[0]).toMatchObject({ pattern: '*.sig', value: 'application/pgp-signature' });
    expect(() => parseGlobRules('{"*.sig": 1}', 'content-types', 'x')).toThrow(/Input "content-types": has no string value/);
    expect(() => parseGlobRules('{', 'content-types', 'x')).toThrow(/Input "content-types": is not valid JSON/);
  });
});

describe('sizes', () => {
  test.each<[string, number]>([
    ['8MiB', 8 * 1024 * 1024],
    ['16 MB', 16_000_000],
    ['5242880', 5 * 1024 * 1024],
    ['1gib', 1024 ** 3],
  ])('%s', (raw, bytes) => {
    expect(parseSize('chunk-size', raw, { min: 5 * 1024 * 1024, max: 2 * 1024 ** 3 })).toBe(bytes);
  });
  test.each(['1KiB', 'lots', '8 parsecs', '-1MB'])('rejects %s naming the input', (raw) => {
    expect(() => parseSize('chunk-size', raw, { min: 5 * 1024 * 1024, max: 1024 ** 3 })).toThrow(/^Input "chunk-size": /);
  });
});

describe('S3 plan', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pa-s3-'));
    mkdirSync(join(dir, 'ms', 'tools'), { recursive: true });
    mkdirSync(join(dir, 'lambdas'), { recursive: true });
    mkdirSync(join(dir, 'empty'), { recursive: true });
    writeFileSync(join(dir, 'ms', 'ms_core'), 'core');
    writeFileSync(join(dir, 'ms', 'tools', 'index.html'), '<p>');
    writeFileSync(join(dir, 'lambdas', 'auth.zip'), 'zip');
    writeFileSync(join(dir, 'lambdas', 'ms_core'), 'dup');
    symlinkSync(join(dir, 'ms'), join(dir, 'ms', 'tools', 'loop'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each<[string, string, string]>([
    ['binaries', 'v1.2.3', 'binaries/v1.2.3/'],
    ['/binaries/', 'v1.2.3', 'binaries/v1.2.3/'],
    ['', 'v1', 'v1/'],
    ['a/b', '', 'a/b/'],
  ])('keyPrefix(%j, %j)', (path, version, expected) => {
    expect(keyPrefix(path, version)).toBe(expected);
  });

  test('keyPrefix refuses ..', () => {
    expect(() => keyPrefix('a/../b', 'v1')).toThrow(/"\.\." is not allowed/);
  });

  test.each<[string, string]>([
    ['ms_core', 'application/octet-stream'],
    ['a.JSON', 'application/json'],
    ['x.tar.gz', 'application/gzip'],
    ['.hidden', 'application/octet-stream'],
  ])('defaultContentType(%s)', (name, type) => {
    expect(defaultContentType(name)).toBe(type);
  });

  test('files of a directory, keys, types and cache-control (linked directories not followed)', async () => {
    const files = await planUpload({
      sources: [join(dir, 'ms')],
      prefix: 'bin/v1/',
      contentTypes: parseGlobRules('ms_*=application/x-executable', 'content-types', 'x'),
      cacheControl: parseGlobRules('*.html=no-cache', 'cache-control', 'x'),
      sourceInput: 's3-source',
    });
    expect(files.map((f) => [f.key, f.contentType, f.cacheControl ?? ''])).toEqual([
      ['bin/v1/ms_core', 'application/x-executable', ''],
      ['bin/v1/tools/index.html', 'text/html; charset=utf-8', 'no-cache'],
    ]);
  });

  test('two sources with the same file name conflict', async () => {
    await expect(planUpload({ sources: [join(dir, 'ms'), join(dir, 'lambdas')], prefix: '', contentTypes: [], cacheControl: [], sourceInput: 's3-source' })).rejects.toThrow(/would both be uploaded as ms_core/);
  });

  test('an empty directory is the Empty upload failure', async () => {
    const error = await planUpload({ sources: [join(dir, 'empty')], prefix: '', contentTypes: [], cacheControl: [], sourceInput: 's3-source' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).describe()).toMatch(/Empty upload: .*empty has no files to upload[\s\S]*Binaries built successfully/);
  });

  test('a missing source', async () => {
    await expect(planUpload({ sources: [join(dir, 'nope')], prefix: '', contentTypes: [], cacheControl: [], sourceInput: 's3-source' })).rejects.toThrow(/does not exist/);
  });

  test('sha256sums is sorted and in sha256sum format', () => {
    expect(sha256sums([{ name: 'b', hex: '2' }, { name: 'a', hex: '1' }])).toBe('1  a\n2  b\n');
  });

  test.each<[RemoteObject | undefined, boolean]>([
    [undefined, false],
    [{ size: 4, metaSha256: 'aa' }, true],
    [{ size: 5, metaSha256: 'aa' }, false],
    [{ size: 4, metaSha256: 'bb', checksumSha256: 'qg==' }, false],
    [{ size: 4, checksumSha256: 'qg==' }, true],
    [{ size: 4, checksumSha256: 'qg==-2' }, false],
  ])('isIdentical %#', (remote, expected) => {
    expect(isIdentical(remote, 4, { hex: 'aa', base64: 'qg==' })).toBe(expected);
  });
});

describe('uploadFiles', () => {
  class MemoryS3 implements S3Api {
    objects = new Map<string, { data: Buffer; meta?: string; checksum?: string; type: string; cache?: string }>();
    puts: string[] = [];
    heads = 0;
    listing = true;
    async list(_bucket: string, prefix: string) {
      if (!this.listing) return undefined;
      return new Map([...this.objects].filter(([k]) => k.startsWith(prefix)).map(([k, o]) => [k, o.data.length]));
    }
    async head(_bucket: string, key: string) {
      this.heads++;
      const o = this.objects.get(key);
      return o ? { size: o.data.length, metaSha256: o.meta, checksumSha256: o.checksum } : undefined;
    }
    async put(object: UploadBody) {
      const body = object.body();
      const chunks: Buffer[] = [];
      if (Buffer.isBuffer(body)) chunks.push(body);
      else for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
      const data = Buffer.concat(chunks);
      // S3 verifies a given checksum.
      if (object.sha256?.base64 && createHash('sha256').update(data).digest('base64') !== object.sha256.base64) throw new Error('BadDigest');
      this.objects.set(object.key, { data, meta: object.sha256?.hex, checksum: object.sha256?.base64 || undefined, type: object.contentType, cache: object.cacheControl });
      this.puts.push(object.key);
    }
  }
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pa-up-'));
    for (const [name, content] of [['a', 'alpha'], ['b', 'bravo'], ['c.json', '{}']]) writeFileSync(join(dir, name), content);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plan = () => planUpload({ sources: [dir], prefix: 'p/v1/', contentTypes: [], cacheControl: [], sourceInput: 's3-source' });
  const run = (s3: S3Api, files: Awaited<ReturnType<typeof plan>>, checksums: 'sha256' | 'sha256sums' | 'none' = 'sha256sums', apply = (_: string, effect: () => Promise<void>) => effect()) =>
    uploadFiles(s3, files, { bucket: 'b', prefix: 'p/v1/', concurrency: 2, partSize: 1 << 20, checksums, apply });

  test('uploads everything with checksums and a SHA256SUMS, then skips it all on a retry', async () => {
    const s3 = new MemoryS3();
    const files = await plan();
    const first = await run(s3, files);
    expect(s3.heads).toBe(0); // nothing listed under the prefix: no HEAD at all
    expect(first.uploaded.map((o) => o.key)).toEqual(['p/v1/SHA256SUMS', 'p/v1/a', 'p/v1/b', 'p/v1/c.json']);
    const hex = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(s3.objects.get('p/v1/SHA256SUMS')!.data.toString()).toBe(`${hex('alpha')}  a\n${hex('bravo')}  b\n${hex('{}')}  c.json\n`);
    expect(s3.objects.get('p/v1/c.json')!.type).toBe('application/json');
    s3.puts = [];
    const second = await run(s3, files);
    expect(second.uploaded).toEqual([]);
    expect(second.skipped).toHaveLength(4);
    expect(s3.puts).toEqual([]);
  });

  test('without s3:ListBucket every file is checked with a HEAD', async () => {
    const s3 = new MemoryS3();
    s3.listing = false;
    const files = await plan();
    await run(s3, files, 'sha256');
    expect(s3.heads).toBe(3);
    const again = await run(s3, files, 'sha256');
    expect(again.skipped).toHaveLength(3);
  });

  test('checksums none: no S3 checksum, identity still known from metadata', async () => {
    const s3 = new MemoryS3();
    await run(s3, await plan(), 'none');
    expect(s3.objects.get('p/v1/a')!.checksum).toBeUndefined();
    expect(s3.objects.get('p/v1/a')!.meta).toBe(createHash('sha256').update('alpha').digest('hex'));
    expect(s3.objects.has('p/v1/SHA256SUMS')).toBe(false);
  });

  test('dry-run (apply that records) uploads nothing', async () => {
    const s3 = new MemoryS3();
    const seen: string[] = [];
    const report = await run(s3, await plan(), 'sha256', async (what) => void seen.push(what));
    expect(s3.puts).toEqual([]);
    expect(report.uploaded).toHaveLength(3);
    expect(seen.some((s) => s.startsWith('upload a (5 bytes) to s3://b/p/v1/a'))).toBe(true);
  });
});
