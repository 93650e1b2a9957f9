/**
 * The migration image (release/action.yml's `migrate-image` step) as tables: every case
 * release/migrate-image.mjs handled, through runStep with the step's env as the composite sets it,
 * checking the `image` output, the log line and the summary, and that a refused choice writes nothing.
 */
import { describe, expect, test } from '@jest/globals';
import { ActionError, InputError, renderSummary, type StepSummary } from '@deploy-kit/core';

import { readMigrationImageRequest } from '../src/migrate-image.js';
import { runStep, type StepIo } from '../src/steps.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const service = (name: string, pin = `${ECR}/ms_${name}:sha-0a1b2c3`) => ({
  service: name,
  image: `${ECR}/ms_${name}`,
  tags: [`${ECR}/ms_${name}:v1.2.3`, pin].filter(Boolean),
  pin,
});
const IMAGES_JSON = JSON.stringify({ version: 'v1.2.3', pin: 'sha-0a1b2c3', services: [service('core'), service('chat')] });
const digests = (map: Record<string, string>) => JSON.stringify(map);

function io(env: Record<string, string>) {
  const written: Array<[string, string]> = [];
  const lines: string[] = [];
  const summaries: StepSummary[] = [];
  const value: StepIo = {
    env,
    tags: { isCheckout: async () => false, list: async () => [] },
    setOutput: (n, v) => void written.push([n, v]),
    info: (l) => void lines.push(l),
    summary: (s) => void summaries.push(s),
  };
  return { value, written, lines, summaries };
}

describe('readMigrationImageRequest: the step env', () => {
  test('maps the four variables; unset is empty', () => {
    expect(
      readMigrationImageRequest({ MIGRATE_IMAGE: 'a', MIGRATE_SERVICE: 'b', IMAGES_JSON: 'c', DIGESTS_JSON: 'd', INPUT_IMAGE: 'x' }),
    ).toEqual({ migrateImage: 'a', migrateService: 'b', imagesJson: 'c', digestsJson: 'd' });
    expect(readMigrationImageRequest({})).toEqual({ migrateImage: '', migrateService: '', imagesJson: '', digestsJson: '' });
  });
});

describe('runStep migrate-image: every case of the picker', () => {
  test.each<[string, Record<string, string>, string, string, string]>([
    [
      'the input wins over image-tags (trimmed)',
      { MIGRATE_IMAGE: ` ${ECR}/ms_tool:v9 `, IMAGES_JSON },
      `${ECR}/ms_tool:v9`,
      '',
      'the migrate-image input',
    ],
    [
      'the input wins over a digest',
      { MIGRATE_IMAGE: `${ECR}/ms_tool:v9`, IMAGES_JSON, DIGESTS_JSON: digests({ [`${ECR}/ms_core:sha-0a1b2c3`]: DIGEST }) },
      `${ECR}/ms_tool:v9`,
      '',
      'the migrate-image input',
    ],
    ['an input by digest', { MIGRATE_IMAGE: `${ECR}/ms_tool@${DIGEST}` }, `${ECR}/ms_tool@${DIGEST}`, '', 'the migrate-image input'],
    ['a whitespace-only input is not given', { MIGRATE_IMAGE: '  ', IMAGES_JSON }, `${ECR}/ms_core:sha-0a1b2c3`, 'core', "image-tags' pin"],
    ['the first service by default', { IMAGES_JSON }, `${ECR}/ms_core:sha-0a1b2c3`, 'core', "image-tags' pin"],
    ['a service by name', { MIGRATE_SERVICE: 'chat', IMAGES_JSON }, `${ECR}/ms_chat:sha-0a1b2c3`, 'chat', "image-tags' pin"],
    ['a service by name, trimmed', { MIGRATE_SERVICE: ' chat ', IMAGES_JSON }, `${ECR}/ms_chat:sha-0a1b2c3`, 'chat', "image-tags' pin"],
    ['a service by its image', { MIGRATE_SERVICE: `${ECR}/ms_chat`, IMAGES_JSON }, `${ECR}/ms_chat:sha-0a1b2c3`, 'chat', "image-tags' pin"],
    [
      'a service by its repository name',
      { MIGRATE_SERVICE: 'ms_chat', IMAGES_JSON },
      `${ECR}/ms_chat:sha-0a1b2c3`,
      'chat',
      "image-tags' pin",
    ],
    [
      'by digest when push-artifacts pushed the pin',
      { IMAGES_JSON, DIGESTS_JSON: digests({ [`${ECR}/ms_core:sha-0a1b2c3`]: DIGEST }) },
      `${ECR}/ms_core@${DIGEST}`,
      'core',
      "image-tags' pin, by push-artifacts' digest",
    ],
    [
      'by digest of the chosen service only',
      { MIGRATE_SERVICE: 'chat', IMAGES_JSON, DIGESTS_JSON: digests({ [`${ECR}/ms_core:sha-0a1b2c3`]: DIGEST }) },
      `${ECR}/ms_chat:sha-0a1b2c3`,
      'chat',
      "image-tags' pin",
    ],
    [
      'the tag, when the digests name other references',
      { IMAGES_JSON, DIGESTS_JSON: digests({ [`${ECR}/ms_core:v1.2.3`]: DIGEST }) },
      `${ECR}/ms_core:sha-0a1b2c3`,
      'core',
      "image-tags' pin",
    ],
    [
      'a loopback registry with a port, by digest',
      {
        IMAGES_JSON: JSON.stringify({
          services: [{ service: 'core', image: '127.0.0.1:5000/ms_core', tags: [], pin: '127.0.0.1:5000/ms_core:sha-1' }],
        }),
        DIGESTS_JSON: digests({ '127.0.0.1:5000/ms_core:sha-1': DIGEST }),
      },
      `127.0.0.1:5000/ms_core@${DIGEST}`,
      'core',
      "image-tags' pin, by push-artifacts' digest",
    ],
    [
      'the first line of a multi-line pin',
      { IMAGES_JSON: JSON.stringify({ services: [{ ...service('core'), pin: `${ECR}/ms_core:sha-1\n${ECR}/ms_core:sha-2` }] }) },
      `${ECR}/ms_core:sha-1`,
      'core',
      "image-tags' pin",
    ],
    ['no pin: none', { IMAGES_JSON: JSON.stringify({ services: [service('core', '')] }) }, '', 'core', 'none'],
    ['no services: none', { IMAGES_JSON: '{"services":[]}' }, '', '', 'none'],
    ['image-tags and push-artifacts skipped: none', { IMAGES_JSON: '', DIGESTS_JSON: '' }, '', '', 'none'],
    ['nothing at all: none', {}, '', '', 'none'],
  ])('%s', async (_what, env, image, service, from) => {
    const r = io(env);
    await runStep(['migrate-image'], r.value);
    expect(r.written).toEqual([['image', image]]);
    expect(r.lines).toEqual([image === '' ? 'Migration image: none (migrate-job uses its own default).' : `Migration image: ${image}`]);
    expect(renderSummary(r.summaries[0]!)).toBe(
      `### migration image\n\n| image | service | from |\n| --- | --- | --- |\n| ${image || "none (migrate-job's default)"} | ${service} | ${from} |\n`,
    );
  });

  test.each<[string, Record<string, string>, typeof InputError | typeof ActionError, string]>([
    [
      'a second line in the input (it could set another output)',
      { MIGRATE_IMAGE: 'example.com/ms_core:v1\nimage=example.com/evil:latest' },
      InputError,
      'Input "migrate-image": is not one image reference: it contains whitespace; expected [registry/]repository[:tag][@sha256:<64 hex>] on one line',
    ],
    [
      'a carriage return in the input',
      { MIGRATE_IMAGE: 'example.com/ms_core:v1\rimage=x' },
      InputError,
      'Input "migrate-image": is not one image reference',
    ],
    [
      'an input that is not a reference',
      { MIGRATE_IMAGE: 'Example.com/MS_core' },
      InputError,
      'Input "migrate-image": is not one image reference: it has the path component "MS_core"',
    ],
    ['a bad input even with image-tags output', { MIGRATE_IMAGE: 'ms core', IMAGES_JSON }, InputError, 'Input "migrate-image"'],
    [
      'an unknown service',
      { MIGRATE_SERVICE: 'payments', IMAGES_JSON },
      InputError,
      `Input "migrate-service": no service "payments" among image-tags' services (core, chat)`,
    ],
    [
      'an unknown service, no services',
      { MIGRATE_SERVICE: 'payments', IMAGES_JSON: '{"services":[]}' },
      InputError,
      `no service "payments" among image-tags' services (none)`,
    ],
    [
      'a service, image-tags skipped',
      { MIGRATE_SERVICE: 'payments' },
      InputError,
      `no service "payments" among image-tags' services (none)`,
    ],
    ['image-tags output that is not JSON', { IMAGES_JSON: '{' }, InputError, `Input "image-tags' json output": is not valid JSON`],
    [
      'image-tags output off the schema',
      { IMAGES_JSON: '{"services":[{"service":"core"}]}' },
      InputError,
      'services[0] has no `tags` list',
    ],
    ['digests that are not JSON', { IMAGES_JSON, DIGESTS_JSON: 'nope' }, ActionError, "push-artifacts' digests output is not JSON"],
    ['digests that are not a map', { IMAGES_JSON, DIGESTS_JSON: '["a"]' }, ActionError, "push-artifacts' digests output is not an object"],
    [
      'a pin that is not a reference',
      { IMAGES_JSON: JSON.stringify({ services: [{ ...service('core'), pin: 'ms core' }] }) },
      ActionError,
      `The migration image "ms core" (image-tags' pin of core) is not one image reference.`,
    ],
    [
      'a pin with a second line after a space',
      { IMAGES_JSON: JSON.stringify({ services: [{ ...service('core'), pin: `${ECR}/ms_core:v1 image=x\n` }] }) },
      ActionError,
      "(image-tags' pin of core) is not one image reference.",
    ],
    [
      'a digest that is not one',
      { IMAGES_JSON, DIGESTS_JSON: digests({ [`${ECR}/ms_core:sha-0a1b2c3`]: 'sha256:x' }) },
      ActionError,
      "(image-tags' pin of core with push-artifacts' digest) is not one image reference.",
    ],
    [
      'a digest with a second line',
      { IMAGES_JSON, DIGESTS_JSON: digests({ [`${ECR}/ms_core:sha-0a1b2c3`]: `${DIGEST}\nimage=x` }) },
      ActionError,
      "with push-artifacts' digest) is not one image reference.",
    ],
  ])('refuses %s and writes no output', async (_what, env, kind, message) => {
    const r = io(env);
    const error = await runStep(['migrate-image'], r.value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toContain(message);
    expect([r.written, r.lines, r.summaries]).toEqual([[], [], []]);
  });
});
