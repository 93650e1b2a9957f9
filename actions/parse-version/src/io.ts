/** parse-version's inputs and outputs: the one declaration action.yml is checked against. */
import { DEFAULT_ENVIRONMENT_RULES, input } from '@deploy-kit/core';

export const inputs = {
  ref: input.string(),
  // Empty is a prefix of its own (tags like 1.2.3), not "use the default v".
  'tag-prefix': input.string({ default: 'v', allowEmpty: true }),
  environments: input.map({ default: DEFAULT_ENVIRONMENT_RULES }),
  'branch-environments': input.map({ default: '' }),
  strict: input.boolean({ default: 'true' }),
};

export const outputs = [
  'tag',
  'version',
  'major',
  'minor',
  'patch',
  'prerelease',
  'channel',
  'channel-number',
  'build',
  'environment',
  'is-prerelease',
  'is-production',
  'short-sha',
  'ref-type',
] as const;
