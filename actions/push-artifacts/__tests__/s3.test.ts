import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, globToRegExp } from '@deploy-kit/core';
import { firstMatch, matchesGlob, parseGlobRules } from '../src/globs.js';
import {
  ByteBudget,
  defaultContentType,
  isIdentical,
  keyPrefix,
  partSizeFor,
  planUpload,
  sha256sums,
  uploadFiles,
  type LocalFile,
  type ObjectParams,
  type RemoteObject,
  type S3Api,
  type UploadedPart,
} from '../src/s3.js';
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
    expect(rules.map((r) => [r.pattern, r.value])).toEqual([
      ['*.json', 'no-cache'],
      ['**', 'public, max-age=31536000, immutable'],
    ]);
    expect(firstMatch(rules, 'a/m.json')).toBe('no-cache');
    expect(firstMatch(rules, 'ms_core')).toBe('public, max-age=31536000, immutable');
  });

  test('max-age=300 alone is a value, not a glob', () => {
    expect(parseGlobRules('max-age=300', 'cache-control', 'x').map((r) => r.pattern)).toEqual(['**']);
  });

  test('JSON object form', () => {
    expect(parseGlobRules('{"*.sig":"application/pgp-signature"}', 'content-types', 'x')[0]).toMatchObject({
      pattern: '*.sig',
      value: 'application/pgp-signature',
    });
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
    await expect(
      planUpload({
        sources: [join(dir, 'ms'), join(dir, 'lambdas')],
        prefix: '',
        contentTypes: [],
        cacheControl: [],
        sourceInput: 's3-source',
      }),
    ).rejects.toThrow(/would both be uploaded as ms_core/);
  });

  test('an empty directory is the Empty upload failure', async () => {
    const error = await planUpload({
      sources: [join(dir, 'empty')],
      prefix: '',
      contentTypes: [],
      cacheControl: [],
      sourceInput: 's3-source',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).describe()).toMatch(/Empty upload: .*empty has no files to upload[\s\S]*Binaries built successfully/);
  });

  test('a link out of the source is refused, naming the input, the path and where it leads', async () => {
    const source = join(dir, 'linked-out');
    mkdirSync(join(source, 'sub'), { recursive: true });
    writeFileSync(join(source, 'ms_core'), 'core');
    writeFileSync(join(dir, 'secret.txt'), 'not for S3');
    symlinkSync(join(dir, 'secret.txt'), join(source, 'sub', 'notes.txt'));
    const error = await planUpload({ sources: [source], prefix: '', contentTypes: [], cacheControl: [], sourceInput: 's3-source' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).describe()).toMatch(
      new RegExp(
        `^S3 upload: sub/notes\\.txt in ${source} is a symbolic link to ${join(dir, 'secret.txt')}, outside ${source}\\.\nWhy: input "s3-source" names ${source}`,
      ),
    );
    // A linked directory leading out is refused as well (not silently skipped).
    const other = join(dir, 'linked-dir-out');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'a'), 'a');
    symlinkSync(join(dir, 'lambdas'), join(other, 'lambdas'));
    await expect(
      planUpload({ sources: [other], prefix: '', contentTypes: [], cacheControl: [], sourceInput: 's3-source' }),
    ).rejects.toThrow(/lambdas in .* is a symbolic link to .*, outside/);
  });

  test('a link inside the source is uploaded under its own name; the source itself may be a link', async () => {
    const real = join(dir, 'real-bins');
    mkdirSync(real, { recursive: true });
    writeFileSync(join(real, 'ms_core'), 'core');
    symlinkSync('ms_core', join(real, 'latest'));
    symlinkSync(real, join(dir, 'bins-link'));
    const files = await planUpload({
      sources: [join(dir, 'bins-link')],
      prefix: 'v1/',
      contentTypes: [],
      cacheControl: [],
      sourceInput: 's3-source',
    });
    expect(files.map((f) => [f.key, f.checked?.real])).toEqual([
      ['v1/latest', join(real, 'ms_core')],
      ['v1/ms_core', join(real, 'ms_core')],
    ]);
  });

  test('a missing source', async () => {
    await expect(
      planUpload({ sources: [join(dir, 'nope')], prefix: '', contentTypes: [], cacheControl: [], sourceInput: 's3-source' }),
    ).rejects.toThrow(/does not exist/);
  });

  test('sha256sums is sorted and in sha256sum format', () => {
    expect(
      sha256sums([
        { name: 'b', hex: '2' },
        { name: 'a', hex: '1' },
      ]),
    ).toBe('1  a\n2  b\n');
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
  const b64 = (data: Buffer | string) => createHash('sha256').update(data).digest('base64');
  type Stored = { data: Buffer; meta?: string; checksum?: string; type: string; cache?: string };
  class MemoryS3 implements S3Api {
    objects = new Map<string, Stored>();
    puts: string[] = [];
    heads = 0;
    listing = true;
    /** Calls in order: put <key>, create <key>, part <key> <n> <bytes>, complete <key>, abort <key>. */
    calls: string[] = [];
    uploads = new Map<string, { object: ObjectParams; checksums: boolean; parts: Map<number, { data: Buffer; checksum?: string }> }>();
    failPart?: number;
    inFlight = 0;
    maxInFlight = 0;
    async list(_bucket: string, prefix: string) {
      if (!this.listing) return undefined;
      return new Map([...this.objects].filter(([k]) => k.startsWith(prefix)).map(([k, o]) => [k, o.data.length]));
    }
    async head(_bucket: string, key: string) {
      this.heads++;
      const o = this.objects.get(key);
      return o ? { size: o.data.length, metaSha256: o.meta, checksumSha256: o.checksum } : undefined;
    }
    async putObject(object: ObjectParams, source: Buffer | (() => NodeJS.ReadableStream), size: number, checksum: string | undefined) {
      this.calls.push(`put ${object.key}`);
      let body: Buffer;
      if (Buffer.isBuffer(source)) body = source;
      else {
        const chunks: Buffer[] = [];
        for await (const c of source() as AsyncIterable<Buffer>) chunks.push(c);
        body = Buffer.concat(chunks);
      }
      expect(body.length).toBe(size);
      // S3 verifies a given checksum.
      if (checksum && b64(body) !== checksum) throw new Error('BadDigest');
      this.objects.set(object.key, {
        data: Buffer.from(body),
        meta: object.sha256Hex,
        checksum,
        type: object.contentType,
        cache: object.cacheControl,
      });
      this.puts.push(object.key);
    }
    async createMultipart(object: ObjectParams, checksums: boolean) {
      this.calls.push(`create ${object.key}`);
      const id = `up-${this.uploads.size + 1}`;
      this.uploads.set(id, { object, checksums, parts: new Map() });
      return id;
    }
    async uploadPart(object: ObjectParams, uploadId: string, partNumber: number, body: Buffer, checksum: string | undefined) {
      this.calls.push(`part ${object.key} ${partNumber} ${body.length}`);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      await new Promise((r) => setTimeout(r, 1));
      this.inFlight--;
      if (partNumber === this.failPart) throw new Error('injected part failure');
      if (checksum && b64(body) !== checksum) throw new Error('BadDigest');
      this.uploads.get(uploadId)!.parts.set(partNumber, { data: Buffer.from(body), checksum });
      return `"etag-${partNumber}"`;
    }
    async completeMultipart(object: ObjectParams, uploadId: string, parts: UploadedPart[]) {
      this.calls.push(`complete ${object.key}`);
      const upload = this.uploads.get(uploadId)!;
      expect(parts.map((p) => p.partNumber)).toEqual([...upload.parts.keys()].sort((a, b) => a - b));
      const stored = parts.map((p) => upload.parts.get(p.partNumber)!);
      for (const [i, p] of parts.entries()) {
        expect(p.etag).toBe(`"etag-${p.partNumber}"`);
        expect(p.checksum).toBe(stored[i]!.checksum);
      }
      const composite = upload.checksums
        ? `${b64(Buffer.concat(stored.map((p) => Buffer.from(p.checksum!, 'base64'))))}-${parts.length}`
        : undefined;
      this.objects.set(object.key, {
        data: Buffer.concat(stored.map((p) => p.data)),
        meta: object.sha256Hex,
        checksum: composite,
        type: object.contentType,
        cache: object.cacheControl,
      });
      this.puts.push(object.key);
      this.uploads.delete(uploadId);
    }
    async abortMultipart(object: ObjectParams, uploadId: string) {
      this.calls.push(`abort ${object.key}`);
      this.uploads.delete(uploadId);
    }
  }
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pa-up-'));
    for (const [name, content] of [
      ['a', 'alpha'],
      ['b', 'bravo'],
      ['c.json', '{}'],
    ])
      writeFileSync(join(dir, name), content);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plan = () => planUpload({ sources: [dir], prefix: 'p/v1/', contentTypes: [], cacheControl: [], sourceInput: 's3-source' });
  const run = (
    s3: S3Api,
    files: Awaited<ReturnType<typeof plan>>,
    checksums: 'sha256' | 'sha256sums' | 'none' = 'sha256sums',
    apply = (_: string, effect: () => Promise<void>) => effect(),
  ) => uploadFiles(s3, files, { bucket: 'b', prefix: 'p/v1/', concurrency: 2, partSize: 1 << 20, checksums, apply });

  test('a file replaced after it was listed is not uploaded', async () => {
    const source = mkdtempSync(join(tmpdir(), 'pa-replaced-'));
    try {
      writeFileSync(join(source, 'ms_core'), 'core-1');
      const files = await planUpload({ sources: [source], prefix: 'p/', contentTypes: [], cacheControl: [], sourceInput: 's3-source' });
      unlinkSync(join(source, 'ms_core'));
      writeFileSync(join(source, 'ms_core'), 'core-2'); // same size, another file
      await expect(run(new MemoryS3(), files, 'sha256')).rejects.toThrow(/ms_core changed after it was listed/);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });

  test('a source file named SHA256SUMS with s3-checksums sha256sums fails before anything is uploaded', async () => {
    const source = mkdtempSync(join(tmpdir(), 'pa-sums-'));
    try {
      writeFileSync(join(source, 'ms_core'), 'core');
      writeFileSync(join(source, 'SHA256SUMS'), 'x');
      const s3 = new MemoryS3();
      const files = await planUpload({ sources: [source], prefix: 'p/', contentTypes: [], cacheControl: [], sourceInput: 's3-source' });
      await expect(run(s3, files, 'sha256sums')).rejects.toThrow('S3 upload: a source already has a file named SHA256SUMS (p/SHA256SUMS).');
      expect(s3.puts).toEqual([]);
      expect(s3.objects.size).toBe(0);
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });

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

  describe('three ways to send a file', () => {
    // Scaled down: bodies up to 16 bytes in memory, streamed single PUT up to 64, multipart in parts of 30.
    let big: string;
    beforeAll(() => {
      big = mkdtempSync(join(tmpdir(), 'pa-mp-'));
      writeFileSync(join(big, 'small'), 'x'.repeat(10));
      writeFileSync(join(big, 'mid'), Buffer.from(Array.from({ length: 40 }, (_, i) => i)));
      writeFileSync(join(big, 'large'), Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff)));
    });
    afterAll(() => rmSync(big, { recursive: true, force: true }));
    const planBig = () => planUpload({ sources: [big], prefix: 'r/', contentTypes: [], cacheControl: [], sourceInput: 's3-source' });
    const upload = (s3: S3Api, files: LocalFile[], extra: Partial<Parameters<typeof uploadFiles>[2]> = {}) =>
      uploadFiles(s3, files, {
        bucket: 'b',
        prefix: 'r/',
        concurrency: 3,
        partSize: 30,
        multipartThreshold: 64,
        bufferMax: 16,
        checksums: 'sha256',
        apply: (_, effect) => effect(),
        ...extra,
      });

    test('in memory, streamed, and multipart with one checksum per part; identical objects skipped on a rerun', async () => {
      const s3 = new MemoryS3();
      const files = await planBig();
      const report = await upload(s3, files);
      expect(report.uploaded.map((o) => o.key)).toEqual(['r/large', 'r/mid', 'r/small']);
      expect(s3.calls.filter((c) => c.startsWith('put')).sort()).toEqual(['put r/mid', 'put r/small']);
      expect(s3.calls.filter((c) => !c.startsWith('put') && !c.startsWith('part'))).toEqual(['create r/large', 'complete r/large']);
      expect(s3.calls.filter((c) => c.startsWith('part')).sort()).toEqual([
        'part r/large 1 30',
        'part r/large 2 30',
        'part r/large 3 30',
        'part r/large 4 10',
      ]);
      for (const name of ['small', 'mid', 'large']) {
        const local = readFileSync(join(big, name));
        const stored = s3.objects.get(`r/${name}`)!;
        expect(stored.data.equals(local)).toBe(true);
        expect(stored.meta).toBe(createHash('sha256').update(local).digest('hex'));
      }
      const local = readFileSync(join(big, 'large'));
      const composite = b64(
        Buffer.concat(
          [0, 30, 60, 90].map((o) =>
            createHash('sha256')
              .update(local.subarray(o, o + 30))
              .digest(),
          ),
        ),
      );
      expect(s3.objects.get('r/large')!.checksum).toBe(`${composite}-4`);
      expect(s3.objects.get('r/mid')!.checksum).toBe(b64(readFileSync(join(big, 'mid'))));
      s3.calls = [];
      const again = await upload(s3, files);
      expect(again.uploaded).toEqual([]);
      expect(again.skipped).toHaveLength(3);
      expect(s3.heads).toBe(3); // listed with the same size: compared by HEAD, nothing sent
      expect(s3.calls).toEqual([]);
    });

    test('checksums none: multipart without part checksums', async () => {
      const s3 = new MemoryS3();
      await upload(s3, await planBig(), { checksums: 'none' });
      expect(s3.objects.get('r/large')!.checksum).toBeUndefined();
      expect(s3.objects.get('r/large')!.meta).toBe(
        createHash('sha256')
          .update(readFileSync(join(big, 'large')))
          .digest('hex'),
      );
    });

    test('a failed part aborts the multipart upload and fails the upload', async () => {
      const s3 = new MemoryS3();
      s3.failPart = 3;
      await expect(upload(s3, await planBig())).rejects.toThrow('injected part failure');
      expect(s3.calls).toContain('abort r/large');
      expect(s3.calls).not.toContain('complete r/large');
      expect(s3.objects.has('r/large')).toBe(false);
      expect(s3.uploads.size).toBe(0);
    });

    test('parts in flight are bounded by partConcurrency and by the memory budget', async () => {
      const byParts = new MemoryS3();
      await upload(byParts, await planBig(), { partConcurrency: 2 });
      expect(byParts.maxInFlight).toBe(2);
      const byMemory = new MemoryS3();
      await upload(byMemory, await planBig(), { partConcurrency: 4, memoryBytes: 30 });
      expect(byMemory.maxInFlight).toBe(1);
      expect(byMemory.objects.get('r/large')!.data.equals(readFileSync(join(big, 'large')))).toBe(true);
    });

    test('listing decides: an absent key or another size costs no HEAD; the same size is compared by HEAD', async () => {
      const s3 = new MemoryS3();
      const files = await planBig();
      s3.objects.set('r/small', { data: Buffer.from('short'), type: 'x' }); // other size
      s3.objects.set('r/mid', { data: Buffer.alloc(40), meta: 'not-the-same', type: 'x' }); // same size, other content
      const report = await upload(s3, files);
      expect(s3.heads).toBe(1);
      expect(report.uploaded.map((o) => o.key)).toEqual(['r/large', 'r/mid', 'r/small']);
      expect(s3.objects.get('r/mid')!.data.equals(readFileSync(join(big, 'mid')))).toBe(true);
    });

    test('a file that changed since it was listed is a clear error', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pa-chg-'));
      try {
        writeFileSync(join(dir, 'grows'), 'abc');
        const files = await planUpload({ sources: [dir], prefix: 'r/', contentTypes: [], cacheControl: [], sourceInput: 's3-source' });
        writeFileSync(join(dir, 'grows'), 'abcdef');
        await expect(upload(new MemoryS3(), files)).rejects.toThrow(
          /grows changed while it was being uploaded \(3 bytes when listed, 6 now\)/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('ByteBudget', () => {
  test('grants in order, waits while full, and a request above the limit runs alone', async () => {
    const budget = new ByteBudget(10);
    const order: string[] = [];
    const a = await budget.acquire(6);
    const b = budget.acquire(6).then((n) => (order.push('b'), n));
    const c = budget.acquire(2).then((n) => (order.push('c'), n)); // fits, but waits behind b (FIFO)
    await Promise.resolve();
    expect(order).toEqual([]);
    budget.release(a);
    expect(await b).toBe(6);
    expect(await c).toBe(2);
    expect(order).toEqual(['b', 'c']);
    expect(budget.inUse).toBe(8);
    const huge = budget.acquire(50).then((n) => (order.push('huge'), n));
    budget.release(6);
    await Promise.resolve();
    expect(order).toEqual(['b', 'c']);
    budget.release(2);
    expect(await huge).toBe(10); // clamped to the limit
    budget.release(10);
    expect(budget.inUse).toBe(0);
  });

  test.each<[number, number, number]>([
    [100 * 1024 ** 2, 16 * 1024 ** 2, 16 * 1024 ** 2],
    [10_000 * 5 * 1024 ** 2, 5 * 1024 ** 2, 5 * 1024 ** 2],
    [10_001 * 5 * 1024 ** 2, 5 * 1024 ** 2, 6 * 1024 ** 2],
    [5 * 1024 ** 4, 16 * 1024 ** 2, 525 * 1024 ** 2],
  ])('partSizeFor(%d, %d) = %d (at most 10 000 parts)', (size, part, expected) => {
    expect(partSizeFor(size, part)).toBe(expected);
    expect(Math.ceil(size / expected)).toBeLessThanOrEqual(10_000);
  });
});
