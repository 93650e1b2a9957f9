import { describe, expect, test } from '@jest/globals';
import { ActionError } from '@deploy-kit/core';
import { decodeAuthorizationToken, manifestMediaType, promote, type EcrApi, type EcrImage, type EcrRepository } from '../src/ecr.js';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });

/** ECR's PutImage rules as AWS documents them (ImageAlreadyExists, ImageTagAlreadyExists on IMMUTABLE). */
class FakeEcr implements EcrApi {
  puts: Array<{ tag: string; mediaType?: string; digest: string }> = [];
  constructor(
    readonly repo: EcrRepository | undefined,
    readonly images: Map<string, EcrImage>,
  ) {}
  async callerAccount() {
    return '123456789012';
  }
  async login() {
    return { username: 'AWS', password: 'pw', proxyEndpoint: '' };
  }
  async describeRepository() {
    return this.repo;
  }
  async createRepository(): Promise<EcrRepository> {
    throw new Error('not used');
  }
  async getImage(_repository: string, id: { tag?: string; digest?: string }) {
    if (id.digest) return [...this.images.values()].find((i) => i.digest === id.digest);
    return this.images.get(id.tag!);
  }
  async putImage(_repository: string, image: { tag: string; manifest: string; mediaType?: string; digest: string }) {
    const existing = this.images.get(image.tag);
    if (existing && existing.digest === image.digest)
      throw Object.assign(new Error('Image with digest already exists'), { name: 'ImageAlreadyExistsException' });
    if (existing && this.repo?.mutability === 'IMMUTABLE')
      throw Object.assign(new Error('tag exists'), { name: 'ImageTagAlreadyExistsException' });
    this.images.set(image.tag, { digest: image.digest, manifest: image.manifest, mediaType: image.mediaType, tag: image.tag });
    this.puts.push({ tag: image.tag, mediaType: image.mediaType, digest: image.digest });
  }
}

const rc = { digest: 'sha256:rc', manifest, mediaType: OCI_INDEX, tag: 'v1.2.3-rc.2' };
const apply = (_: string, effect: () => Promise<void>) => effect();

describe('promote', () => {
  test('points new tags at the source digest, passing the media type through', async () => {
    const ecr = new FakeEcr({ name: 'ms_core', uri: '', mutability: 'MUTABLE' }, new Map([['v1.2.3-rc.2', rc]]));
    const result = await promote(ecr, { repository: 'ms_core', from: 'v1.2.3-rc.2', tags: ['v1.2.3', 'latest'] }, apply);
    expect(result).toEqual({
      repository: 'ms_core',
      digest: 'sha256:rc',
      mediaType: OCI_INDEX,
      tags: [
        { tag: 'v1.2.3', status: 'pushed' },
        { tag: 'latest', status: 'pushed' },
      ],
    });
    expect(ecr.puts).toEqual([
      { tag: 'v1.2.3', mediaType: OCI_INDEX, digest: 'sha256:rc' },
      { tag: 'latest', mediaType: OCI_INDEX, digest: 'sha256:rc' },
    ]);
  });

  test('a target already on the digest is success without a PutImage', async () => {
    const ecr = new FakeEcr(
      { name: 'ms_core', uri: '', mutability: 'IMMUTABLE' },
      new Map([
        ['v1.2.3-rc.2', rc],
        ['v1.2.3', { ...rc, tag: 'v1.2.3' }],
      ]),
    );
    const result = await promote(ecr, { repository: 'ms_core', from: 'v1.2.3-rc.2', tags: ['v1.2.3'] }, apply);
    expect(result.tags).toEqual([{ tag: 'v1.2.3', status: 'unchanged' }]);
    expect(ecr.puts).toEqual([]);
  });

  test('ImageAlreadyExistsException from a race is success too', async () => {
    const ecr = new FakeEcr({ name: 'ms_core', uri: '', mutability: 'MUTABLE' }, new Map([['v1.2.3-rc.2', rc]]));
    const racing = Object.assign(Object.create(ecr) as FakeEcr, {
      putImage: async () => {
        throw Object.assign(new Error('exists'), { name: 'ImageAlreadyExistsException' });
      },
    });
    const result = await promote(racing, { repository: 'ms_core', from: 'v1.2.3-rc.2', tags: ['v1.2.3'] }, apply);
    expect(result.tags).toEqual([{ tag: 'v1.2.3', status: 'unchanged' }]);
  });

  test('an immutable tag elsewhere is refused before any change', async () => {
    const ecr = new FakeEcr(
      { name: 'ms_core', uri: '', mutability: 'IMMUTABLE' },
      new Map([
        ['v1.2.3-rc.2', rc],
        ['v1.2.3', { ...rc, digest: 'sha256:other', tag: 'v1.2.3' }],
      ]),
    );
    await expect(promote(ecr, { repository: 'ms_core', from: 'v1.2.3-rc.2', tags: ['latest', 'v1.2.3'] }, apply)).rejects.toThrow(
      /Promote refused: ms_core has immutable tags and v1\.2\.3 already points at sha256:other/,
    );
    expect(ecr.puts).toEqual([]);
  });

  test('a mutable tag elsewhere is moved', async () => {
    const ecr = new FakeEcr(
      { name: 'ms_core', uri: '', mutability: 'MUTABLE' },
      new Map([
        ['v1.2.3-rc.2', rc],
        ['latest', { ...rc, digest: 'sha256:old', tag: 'latest' }],
      ]),
    );
    const descriptions: string[] = [];
    await promote(
      ecr,
      { repository: 'ms_core', from: 'v1.2.3-rc.2', tags: ['latest'] },
      (what, effect) => (descriptions.push(what), effect()),
    );
    expect(descriptions).toEqual(['tag ms_core@sha256:rc as latest (moving it from sha256:old)']);
  });

  test.each<[string, EcrRepository | undefined, string, RegExp]>([
    ['missing repository', undefined, 'v1.2.3-rc.2', /repository "ms_core" does not exist/],
    ['missing source tag', { name: 'ms_core', uri: '', mutability: 'MUTABLE' }, 'v9-rc.1', /ms_core:v9-rc\.1 does not exist/],
    ['missing source digest', { name: 'ms_core', uri: '', mutability: 'MUTABLE' }, `sha256:${'f'.repeat(64)}`, /with digest/],
  ])('%s', async (_, repo, from, message) => {
    const ecr = new FakeEcr(repo, new Map([['v1.2.3-rc.2', rc]]));
    const error = await promote(ecr, { repository: 'ms_core', from, tags: ['v1'] }, apply).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).describe()).toMatch(message);
  });

  test('dry-run (apply records only) changes nothing', async () => {
    const ecr = new FakeEcr({ name: 'ms_core', uri: '', mutability: 'MUTABLE' }, new Map([['v1.2.3-rc.2', rc]]));
    await promote(ecr, { repository: 'ms_core', from: 'v1.2.3-rc.2', tags: ['v1.2.3'] }, async () => undefined);
    expect(ecr.puts).toEqual([]);
  });
});

describe('helpers', () => {
  test('decodeAuthorizationToken splits AWS:<password>', () => {
    expect(decodeAuthorizationToken(Buffer.from('AWS:secret-pw').toString('base64'))).toEqual({ username: 'AWS', password: 'secret-pw' });
    expect(() => decodeAuthorizationToken(Buffer.from('nocolon').toString('base64'))).toThrow(/not `user:password`/);
  });

  test.each<[EcrImage, string]>([
    [{ digest: 'd', manifest, mediaType: 'x/y' }, 'x/y'],
    [{ digest: 'd', manifest }, OCI_INDEX],
    [{ digest: 'd', manifest: '{"schemaVersion":2}' }, 'application/vnd.docker.distribution.manifest.v2+json'],
  ])('manifestMediaType %#', (image, expected) => {
    expect(manifestMediaType(image)).toBe(expected);
  });
});
