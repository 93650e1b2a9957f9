/** ecs-deploy's inputs and outputs: the one declaration action.yml is checked against. */
import { dryRunInput, input } from '@deploy-kit/core';

export const inputs = {
  cluster: input.string({ default: 'default', pattern: /^[A-Za-z0-9:/_.-]+$/, expected: 'a cluster name or ARN' }),
  service: input.string({ required: true, pattern: /^[A-Za-z0-9:/_.-]+$/, expected: 'an ECS service name or ARN' }),
  region: input.string(),
  'task-definition': input.string({
    pattern: /^(arn:[^\s]+:task-definition\/)?[A-Za-z0-9_-]{1,255}(:\d+)?$/,
    expected: 'a family (`orders`), a revision (`orders:42`) or a task definition ARN',
  }),
  'task-definition-file': input.string(),
  images: input.string(),
  artifacts: input.string(),
  containers: input.map(),
  'force-new-deployment': input.boolean({ default: 'false' }),
  wait: input.boolean({ default: 'true' }),
  timeout: input.duration({ default: '30m', minMs: 1000, maxMs: 6 * 3_600_000 }),
  'poll-interval': input.duration({ default: '15s', minMs: 100, maxMs: 10 * 60_000 }),
  'stopped-task-limit': input.integer({ default: '1', min: 0, max: 1000 }),
  'rollback-on-failure': input.boolean({ default: 'false' }),
  'dry-run': dryRunInput,
};

export const outputs = [
  'task-definition-arn',
  'revision',
  'deployment-id',
  'rollout-state',
  'previous-task-definition-arn',
  'previous-revision',
  'rolled-back',
] as const;
