/**
 * `delivery: ecs` in the rollback target: the task definition revision the target's deployment recorded
 * (the payload's `ecs`) is what the rollback deploys again; a target without one is refused; DELIVERY
 * is checked.
 */
import { expect, test } from '@jest/globals';
import { DEPLOYMENT_PAYLOAD_VERSION, type DeploymentPayload, InputError } from '@deploy-kit/core';
import type { Judged } from '../src/evidence.js';
import { chooseRollbackTarget, ecsRollbackTaskDefinition, readDelivery } from '../src/rollback.js';

const TD = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:${n}`;
const payload = (tag: string, ecs?: DeploymentPayload['ecs']): DeploymentPayload => ({
  'deploy-kit': DEPLOYMENT_PAYLOAD_VERSION,
  tag,
  version: tag.slice(1),
  environment: 'production',
  images: [
    { service: 'core', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core', digest: `sha256:${'4'.repeat(64)}`, tags: [tag] },
  ],
  s3: null,
  migration: null,
  gitops: null,
  run: null,
  ...(ecs !== undefined ? { ecs } : {}),
});
const ecs = (n: number) => ({
  cluster: 'prod',
  service: 'orders',
  'task-definition-arn': TD(n),
  revision: n,
  'deployment-id': `ecs-svc/${n}`,
  'rollout-state': 'COMPLETED',
  'previous-task-definition-arn': TD(n - 1),
  'rolled-back': false,
});
const j = (id: number, p: DeploymentPayload, outcome: 'success' | 'failure'): Judged => ({
  deployment: { id, environment: 'production', createdAt: '', description: '', payload: p },
  ended: { outcome, at: '', description: '' },
});

test('the previous successful deployment’s recorded revision, not the failed one’s', () => {
  const history = [j(42, payload('v1.5.0', ecs(43)), 'failure'), j(41, payload('v1.4.0', ecs(42)), 'success')];
  expect(ecsRollbackTaskDefinition(chooseRollbackTarget({ environment: 'production', version: '' }, history, 2))).toBe(TD(42));
});

test('a target deployed without a recorded revision is refused', () => {
  const history = [j(42, payload('v1.5.0', ecs(43)), 'success'), j(41, payload('v1.4.0'), 'success')];
  expect(() => ecsRollbackTaskDefinition(chooseRollbackTarget({ environment: 'production', version: '' }, history, 2))).toThrow(
    /Rollback of production to v1.4.0 refused: its deployment 41 recorded no ECS task definition revision/,
  );
});

test.each([
  [{}, 'gitops'],
  [{ DELIVERY: 'ecs' }, 'ecs'],
  [{ DELIVERY: 'gitops' }, 'gitops'],
])('readDelivery(%j)', (env, expected) => expect(readDelivery(env)).toBe(expected));

test('an unknown delivery is an input error', () => {
  expect(() => readDelivery({ DELIVERY: 'helm' })).toThrow(InputError);
});
