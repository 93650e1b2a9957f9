/** record-deployment's inputs and outputs: the one declaration action.yml is checked against. */
import { dryRunInput, input } from '@deploy-kit/core';

export const STEPS = ['record', 'start', 'finish'] as const;
export type Step = (typeof STEPS)[number];

/** `job.status` and `steps.<id>.outcome` values, plus `error`. */
export const STATUSES = ['success', 'failure', 'cancelled', 'error'] as const;
export type Status = (typeof STATUSES)[number];

const BOOLEAN_OR_EMPTY = { pattern: /^(true|false)$/i, expected: '`true`, `false`, or empty to follow the environment name' };

export const inputs = {
  step: input.enum(STEPS, { default: 'record' }),
  environment: input.string({
    pattern: /^[A-Za-z0-9._\-/ ]+$/,
    expected: 'an environment name such as `development`, `staging` or `production`',
  }),
  tag: input.tag(),
  ref: input.string({ pattern: /^[^\s~^:?*[\\]+$/, expected: 'a branch, tag or commit SHA of the application repository' }),
  repository: input.string({ pattern: /^[^/\s]+\/[^/\s]+$/, expected: '`owner/name`, e.g. `example-org/orders`' }),
  'deployment-id': input.integer({ min: 1 }),
  status: input.enum(STATUSES, { default: 'success' }),
  description: input.string(),
  'environment-url': input.string(),
  'log-url': input.string(),
  'production-environment': input.string(BOOLEAN_OR_EMPTY),
  'transient-environment': input.string(BOOLEAN_OR_EMPTY),
  'auto-inactive': input.boolean({ default: 'true' }),
  images: input.string(),
  artifacts: input.string(),
  migration: input.string(),
  'schema-version': input.string(),
  gitops: input.string(),
  ecs: input.string(),
  'verify-url': input.list(),
  'verify-version-from': input.string(),
  'verify-version': input.string(),
  'verify-interval': input.duration({ default: '10s', minMs: 100, maxMs: 10 * 60_000 }),
  'verify-timeout': input.duration({ default: '5m', minMs: 1000, maxMs: 2 * 3_600_000 }),
  'error-if-unfinished': input.boolean({ default: 'true' }),
  // Empty is refused with a clear message (config.ts), never replaced by the literal default: the
  // release composite runs the bundle with INPUT_* it sets itself, where the runner fills in nothing.
  token: input.string({ default: '${{ github.token }}', secret: true, allowEmpty: true }),
  'dry-run': dryRunInput,
};

export const outputs = ['deployment-id', 'deployment-url', 'environment', 'sha', 'state', 'verified'] as const;
