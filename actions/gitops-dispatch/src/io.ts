/** gitops-dispatch's inputs and outputs: the one declaration action.yml is checked against. */
import { dryRunInput, input } from '@deploy-kit/core';
import { EXTRA_DISPATCHES_FORM } from './extras.js';

export const WAIT_MODES = ['none', 'started', 'completed'] as const;
export type WaitMode = (typeof WAIT_MODES)[number];

export const inputs = {
  environment: input.string({
    pattern: /^[A-Za-z0-9._-]+$/,
    expected: 'an environment name such as `development`, `staging` or `production` (letters, digits, `.`, `_`, `-`)',
  }),
  repository: input.string({ pattern: /^[^/\s]+\/[^/\s]+$/, expected: '`owner/name`, e.g. `example-org/gitops-production`' }),
  'repository-template': input.string({ default: '{owner}/gitops-{environment}' }),
  workflow: input.string({ default: 'Update Project List Version' }),
  ref: input.string(),
  // The release tag sent as `newVersion`; empty: this run's tag (core), '' (not sent) off a tag.
  tag: input.tag(),
  projects: input.string(),
  'update-routes': input.string({ pattern: /^(true|false)$/i, expected: '`true`, `false`, or empty to leave `updatesRoutes` out' }),
  inputs: input.map({ default: '' }),
  'extra-dispatches': input.structured({ default: '', expected: EXTRA_DISPATCHES_FORM }),
  'distinct-id-input': input.string({
    default: 'distinct_id',
    pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/,
    expected: 'a workflow input name such as `distinct_id`',
  }),
  token: input.string({ secret: true }),
  'app-id': input.string({
    pattern: /^(\d+|Iv[0-9A-Za-z._-]+)$/,
    expected: "the GitHub App's numeric App ID (e.g. `123456`) or its client ID (`Iv23…`)",
  }),
  'private-key': input.string({ secret: true }),
  wait: input.enum(WAIT_MODES, { default: 'completed' }),
  timeout: input.duration({ default: '30m', minMs: 1000, maxMs: 6 * 3_600_000 }),
  'poll-interval': input.duration({ default: '10s', minMs: 100, maxMs: 10 * 60_000 }),
  'cancel-on-abort': input.boolean({ default: 'false' }),
  'dry-run': dryRunInput,
};

export const outputs = ['run-id', 'run-url', 'conclusion'] as const;
