import { expect, test } from '@jest/globals';
import { getInputs, readTaskDefinitionFile } from '../src/config.js';

const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const D = `sha256:${'b'.repeat(64)}`;
const IMAGES = JSON.stringify({
  services: [{ service: 'ms_core', image: `${REG}/ms_core`, tags: [`${REG}/ms_core:v1.2.3`, `${REG}/ms_core:sha-0a1b2c3`], pin: '' }],
  tag: 'v1.2.3',
});
const ARTIFACTS = JSON.stringify({ digests: { [`${REG}/ms_core:v1.2.3`]: D, [`${REG}/ms_core:sha-0a1b2c3`]: D } });
const DEFAULTS: Record<string, string> = {
  cluster: 'default',
  'force-new-deployment': 'false',
  wait: 'true',
  timeout: '30m',
  'poll-interval': '15s',
  'stopped-task-limit': '1',
  'rollback-on-failure': 'false',
  'dry-run': 'false',
};
const read = (values: Record<string, string>) => (name: string) => ({ ...DEFAULTS, ...values })[name] ?? '';
const env = { AWS_REGION: 'eu-west-1', GITHUB_WORKSPACE: '/ws' };

test('images by digest from image-tags and push-artifacts', async () => {
  const config = await getInputs(read({ service: 'orders', images: IMAGES, artifacts: ARTIFACTS }), env);
  expect(config.images).toEqual([{ service: 'ms_core', image: `${REG}/ms_core`, digest: D, tags: ['v1.2.3', 'sha-0a1b2c3'] }]);
  expect(config).toMatchObject({
    region: 'eu-west-1',
    cluster: 'default',
    source: { kind: 'service' },
    timeoutMs: 1_800_000,
    stoppedTaskLimit: 1,
  });
});

test('a file is read and checked at once', async () => {
  const config = await getInputs(
    read({ service: 'orders', 'task-definition-file': 'td.json', images: IMAGES, artifacts: ARTIFACTS }),
    env,
    (path) => {
      expect(path).toBe('/ws/td.json');
      return JSON.stringify({ taskDefinition: { family: 'orders', containerDefinitions: [] } });
    },
  );
  expect(config.source).toMatchObject({ kind: 'file', definition: { family: 'orders' } });
});

test.each([
  [{}, /Input "service": is required/],
  [{ service: 'orders' }, /Input "task-definition": is empty and no `images` are given/],
  [{ service: 'orders', 'task-definition': 'orders' }, /Input "task-definition": names a family, not a revision/],
  [{ service: 'orders', images: IMAGES }, /Input "artifacts": is empty, so the images have no digest/],
  [{ service: 'orders', images: IMAGES, artifacts: JSON.stringify({ digests: {} }) }, /Input "artifacts": has no digest for .*ms_core/],
  [
    { service: 'orders', 'task-definition': 'orders:3', 'task-definition-file': 'x.json' },
    /Input "task-definition-file": is given together with `task-definition`/,
  ],
  [{ service: 'orders', 'task-definition': 'orders:3', containers: 'web=ms_core' }, /Input "containers": is given without `images`/],
  [{ service: 'orders', 'task-definition': 'orders:3', region: 'nowhere' }, /Input "region": is not an AWS region/],
  [{ service: 'orders', 'task-definition': 'orders:3', 'stopped-task-limit': '-1' }, /Input "stopped-task-limit"/],
])('refused: %j', async (values, message) => {
  await expect(getInputs(read(values), env, () => '{}')).rejects.toThrow(message);
});

test('as it is: an exact revision without images', async () => {
  const config = await getInputs(read({ service: 'orders', 'task-definition': 'orders:3' }), env);
  expect(config.images).toEqual([]);
  expect(config.source).toEqual({ kind: 'reference', reference: 'orders:3' });
});

test.each([
  ['not json', /is not valid JSON/],
  ['{"family": "x"}', /has no `containerDefinitions` list/],
  ['{"containerDefinitions": []}', /has no `family`/],
])('task definition file %s', (text, message) => expect(() => readTaskDefinitionFile('td.json', text)).toThrow(message));
