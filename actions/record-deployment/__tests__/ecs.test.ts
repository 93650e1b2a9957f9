/** record-deployment's `ecs` input: ecs-deploy's `json`, recorded as the payload's `ecs` (the rollback reads it back). */
import { expect, test } from '@jest/globals';
import { type ActionInputs, buildConfig } from '../src/config.js';
import { readEcs } from '../src/sources.js';

const context = { repository: 'example-org/orders', sha: 'a'.repeat(40), serverUrl: 'https://github.com', runId: '77', runAttempt: '1' };
const values = {
  step: 'record',
  environment: 'production',
  tag: 'v1.4.0',
  ref: '',
  repository: '',
  deploymentId: undefined,
  status: 'success',
  description: '',
  environmentUrl: '',
  logUrl: '',
  productionEnvironment: '',
  transientEnvironment: '',
  autoInactive: true,
  images: '',
  artifacts: '',
  migration: '',
  schemaVersion: '',
  gitops: '',
  verifyUrl: [],
  verifyVersionFrom: '',
  verifyVersion: '',
  verifyInterval: undefined,
  verifyTimeout: undefined,
} as ActionInputs;
const arn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:42';
// ecs-deploy's json output, as it writes it.
const ecsJson = JSON.stringify({
  'task-definition-arn': arn,
  revision: '42',
  'deployment-id': 'ecs-svc/123',
  'rollout-state': 'COMPLETED',
  'previous-task-definition-arn': arn.replace(':42', ':41'),
  'previous-revision': '41',
  'rolled-back': 'false',
  cluster: 'prod',
  service: 'orders',
  diff: [],
});

test('recorded as the payload’s ecs', () => {
  const config = buildConfig({ ...values, ecs: ecsJson }, context);
  expect(config.create!.payload.ecs).toEqual({
    cluster: 'prod',
    service: 'orders',
    'task-definition-arn': arn,
    revision: 42,
    'deployment-id': 'ecs-svc/123',
    'rollout-state': 'COMPLETED',
    'previous-task-definition-arn': arn.replace(':42', ':41'),
    'rolled-back': false,
  });
});

test('no ecs input, no ecs key', () => {
  expect(buildConfig({ ...values, ecs: '' }, context).create!.payload).not.toHaveProperty('ecs');
});

test('not JSON is an input error naming `ecs`', () => {
  expect(() => readEcs('{')).toThrow(/Input "ecs": is not valid JSON/);
});
