// The one image reference parser: every case the four former parsers handled (push-artifacts'
// refs.ts, migrate-job's image.ts, image-tags' image.ts, the release composite's migrate-image.mjs), in one table.
import { describe, expect, test } from '@jest/globals';
import {
  ImageReferenceError,
  formatReference,
  isDigest,
  parseImageReference,
  pinnedReference,
  suggestComponent,
  type ImageReference,
  type ReferenceProblem,
} from '@deploy-kit/core/oci';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference: accepted', () => {
  test.each<[string, Partial<ImageReference>]>([
    // push-artifacts
    [`${ECR}/ms_core:v1.2.3`, { host: ECR, path: 'ms_core', registry: ECR, repository: 'ms_core', tag: 'v1.2.3', digest: undefined }],
    ['localhost:5000/team/app:sha-abc1234', { host: 'localhost:5000', path: 'team/app', tag: 'sha-abc1234' }],
    ['127.0.0.1:5000/app', { host: '127.0.0.1:5000', path: 'app', tag: undefined }],
    ['ms_core:v1', { host: '', path: 'ms_core', name: 'ms_core', tag: 'v1' }],
    ['library/app:1.0', { host: '', path: 'library/app', registry: 'docker.io', repository: 'library/app', tag: '1.0' }],
    [`app@${DIGEST}`, { host: '', path: 'app', digest: DIGEST }],
    // migrate-job (Docker Hub defaults for where the image is read from)
    [`127.0.0.1:5000/app/ms_core@${DIGEST}`, { registry: '127.0.0.1:5000', repository: 'app/ms_core', tag: undefined, digest: DIGEST }],
    [`localhost/app:1@${DIGEST}`, { registry: 'localhost', repository: 'app', name: 'localhost/app', tag: '1', digest: DIGEST }],
    ['postgres:17-alpine', { registry: 'docker.io', repository: 'library/postgres', path: 'postgres', tag: '17-alpine' }],
    ['org/app', { registry: 'docker.io', repository: 'org/app', tag: undefined }],
    // image-tags and the release's migration image
    ['ghcr.io/org/app', { host: 'ghcr.io', path: 'org/app' }],
    ['[::1]:5000/app:v1', { host: '[::1]:5000', path: 'app', tag: 'v1' }],
    [
      'Registry.Example.COM:443/a__b/c-d.e:V_1.x',
      { host: 'registry.example.com:443', name: 'Registry.Example.COM:443/a__b/c-d.e', path: 'a__b/c-d.e', tag: 'V_1.x' },
    ],
    ['  app:v1  ', { raw: 'app:v1', path: 'app', tag: 'v1' }],
    ['localhost:5000', { host: '', path: 'localhost', tag: '5000' }],
    [`${'a'.repeat(255)}`, { path: 'a'.repeat(255) }],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });
});

describe('parseImageReference: refused, saying why', () => {
  test.each<[string, ReferenceProblem, RegExp]>([
    ['', 'empty', /^is empty$/],
    ['   ', 'empty', /^is empty$/],
    ['a b', 'whitespace', /^contains whitespace$/],
    ['app:v1 extra', 'whitespace', /whitespace/],
    ['example.com/ms_core:v1\nimage=example.com/evil:latest', 'whitespace', /whitespace/],
    ['https://host/app:1', 'scheme', /^starts with a scheme \("https:\/\/"\)/],
    ['Host.example/App:1', 'component', /^has the path component "App", which is not valid/],
    ['App:v1', 'component', /path component "App"/],
    ['name/-app', 'component', /path component "-app"/],
    ['host.io/', 'component', /path component ""/],
    ['app:-bad', 'tag', /^has the tag "-bad", which is not a valid tag/],
    [`app:${'x'.repeat(129)}`, 'tag', /not a valid tag/],
    ['app@sha256:zz', 'digest', /^has the digest "sha256:zz", which is not sha256:<64 lowercase hex>$/],
    ['app@sha256:abc', 'digest', /not sha256:<64 lowercase hex>/],
    [`app@sha512:${'a'.repeat(128)}`, 'digest', /not sha256/],
    ['reg.io:99999x/app', 'host', /^has the registry "reg.io:99999x", which is not a host name/],
    ['exa_mple.com/app', 'host', /registry "exa_mple.com"/],
    [':v1', 'no-repository', /^has no repository name$/],
    [`${'a'.repeat(256)}:v1`, 'too-long', /longer than 255 characters/],
  ])('%j', (text, problem, message) => {
    let error: unknown;
    try {
      parseImageReference(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageReferenceError);
    expect((error as ImageReferenceError).problem).toBe(problem);
    expect((error as ImageReferenceError).message).toMatch(message);
  });

  test('the offending part is named, for callers that word their own errors', () => {
    expect(() => parseImageReference('name/-app')).toThrow(expect.objectContaining({ part: '-app' }));
    expect(() => parseImageReference('exa_mple.com/app')).toThrow(expect.objectContaining({ part: 'exa_mple.com' }));
  });
});

describe('helpers', () => {
  test('pinnedReference drops the tag', () => {
    expect(pinnedReference(parseImageReference(`r.io/app:v1@${DIGEST}`))).toBe(`r.io/app@${DIGEST}`);
    expect(pinnedReference(parseImageReference('r.io/app:v1'), DIGEST)).toBe(`r.io/app@${DIGEST}`);
    expect(() => pinnedReference(parseImageReference('r.io/app:v1'))).toThrow(/no digest/);
  });

  test.each<[string, string, string, string]>([
    [ECR, 'ms_core', 'v1', `${ECR}/ms_core:v1`],
    [ECR, 'team/ms_core', DIGEST, `${ECR}/team/ms_core@${DIGEST}`],
  ])('formatReference(%s, %s, %s)', (host, repository, tagOrDigest, expected) => {
    expect(formatReference(host, repository, tagOrDigest)).toBe(expected);
  });

  test.each<[string, string]>([
    ['My Service', 'my-service'],
    ['-app', 'app'],
    ['core-', 'core'],
    ['a..b', 'a-b'],
    ['a__b', 'a__b'],
    ['Example_Org', 'example_org'],
    ['pay$ments', 'pay-ments'],
  ])('suggestComponent(%j) = %j', (component, expected) => {
    expect(suggestComponent(component)).toBe(expected);
  });

  test('isDigest', () => {
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest('sha256:abc')).toBe(false);
  });
});
