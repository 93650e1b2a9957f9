/** migrate-job's inputs and outputs: the one declaration action.yml is checked against. */
import { dryRunInput, input } from '@deploy-kit/core';

export const BACKENDS = ['kubernetes', 'ecs', 'render', 'command'] as const;
export type Backend = (typeof BACKENDS)[number];

export const inputs = {
  backend: input.enum(BACKENDS, { default: 'kubernetes' }),
  release: input.string(),
  tag: input.string(),
  image: input.string(),
  command: input.string(),
  args: input.string(),
  env: input.map({ default: '' }),
  'env-from-secret': input.list(),
  'env-from-configmap': input.list(),
  timeout: input.duration({ default: '10m', minMs: 1_000, maxMs: 24 * 3_600_000 }),
  'log-file': input.string(),
  'dry-run': dryRunInput,
  // kubernetes
  // Secret: registered with the runner's masking before anything could print it (a kubeconfig holds tokens and keys).
  kubeconfig: input.string({ secret: true }),
  context: input.string(),
  namespace: input.string(),
  'service-account': input.string(),
  resources: input.structured(),
  ttl: input.duration({ default: '24h', minMs: 0, maxMs: 365 * 24 * 3_600_000 }),
  cleanup: input.enum(['never', 'on-success', 'always'] as const, { default: 'never' }),
  'rerun-failed': input.boolean({ default: 'false' }),
  'unschedulable-grace': input.duration({ default: '0s', minMs: 0, maxMs: 3_600_000 }),
  // ecs
  region: input.string(),
  cluster: input.string({ default: 'default' }),
  'task-definition': input.string(),
  container: input.string(),
  subnets: input.list(),
  'security-groups': input.list(),
  'assign-public-ip': input.boolean({ default: 'false' }),
  'launch-type': input.string({ pattern: /^(FARGATE|EC2|EXTERNAL)$/, expected: '`FARGATE`, `EC2` or `EXTERNAL`' }),
  'capacity-provider': input.string(),
  // render
  'output-file': input.string(),
  'hook-weight': input.integer({ default: '-5', min: -1000, max: 1000 }),
  // command
  tool: input.string(),
  'tool-base-url': input.string({ pattern: /^https?:\/\/\S+$/, expected: 'an http(s) URL' }),
  'tool-checksum': input.string(),
  'working-directory': input.string(),
  'env-from-runner': input.list(),
};

export const outputs = ['status', 'exit-code', 'job-name', 'duration', 'log-file', 'manifest-file', 'task-arn'] as const;
