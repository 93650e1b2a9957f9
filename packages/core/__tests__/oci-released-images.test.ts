import { describe, expect, test } from '@jest/globals';
import { deployedImages, readArtifacts } from '../src/oci/released-images.js';

const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const D1 = `sha256:${'1'.repeat(64)}`;

describe('release images by digest (record-deployment and github-release read them alike)', () => {
  test("image-tags' services with push-artifacts' digests", () => {
    const images = JSON.stringify({ services: [{ service: 'core', tags: [`${REG}/ms_core:v1.2.3`, `${REG}/ms_core:sha-0a1b2c3`] }] });
    const artifacts = readArtifacts(
      JSON.stringify({ digests: { [`${REG}/ms_core:v1.2.3`]: D1 }, s3: { bucket: 'b', objects: [{ key: 'k', sha256: 'a'.repeat(64) }] } }),
    );
    expect(deployedImages(images, artifacts)).toEqual([
      { service: 'core', image: `${REG}/ms_core`, digest: D1, tags: ['v1.2.3', 'sha-0a1b2c3'] },
    ]);
    expect(artifacts.s3).toEqual({ bucket: 'b', objects: [{ key: 'k', sha256: 'a'.repeat(64) }] });
  });
  test.each([
    ['{', /Input "artifacts": is not valid JSON/],
    ['[]', /Input "artifacts": is not a JSON object/],
    ['{"digests": {"x:1": "md5:0"}}', /Input "artifacts": the digest of x:1 is not sha256:<64 hex>/],
  ])('push-artifacts json %s is refused', (raw, message) => {
    expect(() => readArtifacts(raw)).toThrow(message);
  });
});
