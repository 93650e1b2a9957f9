// The image a release's migration runs (the release composite's `migrate-image` step): the input, else
// the chosen service's pin, by digest when push-artifacts reported one.
import { describe, expect, test } from '@jest/globals';
import { ActionError, InputError } from '@deploy-kit/core';
import { pickMigrationImage, type MigrationImageRequest } from '@deploy-kit/core/oci';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const service = (name: string, pin = `${ECR}/ms_${name}:sha-0a1b2c3`) => ({
  service: name,
  image: `${ECR}/ms_${name}`,
  tags: [`${ECR}/ms_${name}:v1.2.3`, pin].filter(Boolean),
  pin,
});
const imagesJson = JSON.stringify({ version: 'v1.2.3', pin: 'sha-0a1b2c3', services: [service('core'), service('chat')] });

describe('pickMigrationImage', () => {
  test.each<[string, MigrationImageRequest, ReturnType<typeof pickMigrationImage>]>([
    ['the input wins', { migrateImage: ` ${ECR}/ms_tool:v9 `, imagesJson }, { image: `${ECR}/ms_tool:v9`, from: 'input' }],
    ['the first service by default', { imagesJson }, { image: `${ECR}/ms_core:sha-0a1b2c3`, from: 'pin', service: 'core' }],
    ['a service by name', { migrateService: 'chat', imagesJson }, { image: `${ECR}/ms_chat:sha-0a1b2c3`, from: 'pin', service: 'chat' }],
    [
      'a service by image',
      { migrateService: `${ECR}/ms_chat`, imagesJson },
      { image: `${ECR}/ms_chat:sha-0a1b2c3`, from: 'pin', service: 'chat' },
    ],
    [
      'a service by repository name',
      { migrateService: 'ms_chat', imagesJson },
      { image: `${ECR}/ms_chat:sha-0a1b2c3`, from: 'pin', service: 'chat' },
    ],
    [
      'by digest when push-artifacts pushed the pin',
      { imagesJson, digestsJson: JSON.stringify({ [`${ECR}/ms_core:sha-0a1b2c3`]: DIGEST }) },
      { image: `${ECR}/ms_core@${DIGEST}`, from: 'pin by digest', service: 'core' },
    ],
    [
      'the first line of a multi-line pin',
      { imagesJson: JSON.stringify({ services: [{ ...service('core'), pin: `${ECR}/ms_core:sha-1\n${ECR}/ms_core:sha-2` }] }) },
      { image: `${ECR}/ms_core:sha-1`, from: 'pin', service: 'core' },
    ],
    ['no pin', { imagesJson: JSON.stringify({ services: [service('core', '')] }) }, { image: '', from: 'none', service: 'core' }],
    ['image-tags did not run', { imagesJson: '', digestsJson: '' }, { image: '', from: 'none', service: undefined }],
    [
      'a loopback registry with a port',
      {
        imagesJson: JSON.stringify({
          services: [{ service: 'core', image: '127.0.0.1:5000/ms_core', tags: [], pin: '127.0.0.1:5000/ms_core:sha-1' }],
        }),
        digestsJson: JSON.stringify({ '127.0.0.1:5000/ms_core:sha-1': DIGEST }),
      },
      { image: `127.0.0.1:5000/ms_core@${DIGEST}`, from: 'pin by digest', service: 'core' },
    ],
  ])('%s', (_, request, expected) => {
    expect(pickMigrationImage(request)).toEqual(expected);
  });

  test.each<[string, MigrationImageRequest, typeof InputError | typeof ActionError, string]>([
    [
      'a second line in the input',
      { migrateImage: 'example.com/ms_core:v1\nimage=example.com/evil:latest' },
      InputError,
      'Input "migrate-image": is not one image reference: it contains whitespace; expected [registry/]repository[:tag][@sha256:<64 hex>] on one line',
    ],
    [
      'an input that is not a reference',
      { migrateImage: 'Example.com/MS_core' },
      InputError,
      'Input "migrate-image": is not one image reference: it has the path component "MS_core"',
    ],
    [
      'an unknown service',
      { migrateService: 'payments', imagesJson },
      InputError,
      `Input "migrate-service": no service "payments" among image-tags' services (core, chat)`,
    ],
    [
      'an unknown service, no services',
      { migrateService: 'payments', imagesJson: '{"services":[]}' },
      InputError,
      `no service "payments" among image-tags' services (none)`,
    ],
    ['image-tags output that is not JSON', { imagesJson: '{' }, InputError, `Input "image-tags' json output": is not valid JSON`],
    ['image-tags output off the schema', { imagesJson: '{"services":[{"service":"core"}]}' }, InputError, 'services[0] has no `tags` list'],
    ['digests that are not JSON', { imagesJson, digestsJson: 'nope' }, ActionError, "push-artifacts' digests output is not JSON"],
    ['digests that are not a map', { imagesJson, digestsJson: '["a"]' }, ActionError, "push-artifacts' digests output is not an object"],
    [
      'a pin that is not a reference',
      { imagesJson: JSON.stringify({ services: [{ ...service('core'), pin: 'ms core' }] }) },
      ActionError,
      `The migration image "ms core" (image-tags' pin of core) is not one image reference.`,
    ],
    [
      'a digest that is not one',
      { imagesJson, digestsJson: JSON.stringify({ [`${ECR}/ms_core:sha-0a1b2c3`]: 'sha256:x' }) },
      ActionError,
      "(image-tags' pin of core with push-artifacts' digest) is not one image reference.",
    ],
  ])('%s', (_, request, kind, message) => {
    expect(() => pickMigrationImage(request)).toThrow(kind);
    expect(() => pickMigrationImage(request)).toThrow(message);
  });
});
