/** image-tags' inputs and outputs: the one declaration action.yml is checked against. */
import { DEFAULT_ENVIRONMENT_RULES, input } from '@deploy-kit/core';

export const inputs = {
  // deploy-kit's seed naming
  services: input.list(),
  'services-from': input.list(),
  kind: input.string({ default: 'ms' }),
  registry: input.string(),
  // The release tag of seed naming; its default (this run's tag, read from the `context`'s ref) is set
  // in wiring.ts, and only in seed naming, so this is a plain string rather than core's input.tag().
  tag: input.string(),
  pin: input.string({ default: 'sha-{sha7}' }),
  'pin-in-tags': input.boolean({ default: 'false' }),
  // docker/metadata-action's own (the list inputs are read with its CSV rules by list.ts, so raw strings here)
  context: input.enum(['workflow', 'git'] as const, { default: 'workflow' }),
  images: input.string(),
  tags: input.string(),
  flavor: input.string(),
  labels: input.string(),
  annotations: input.string(),
  // Read untrimmed in main.ts (a separator may be a space), as metadata-action reads them.
  'sep-tags': input.string(),
  'sep-labels': input.string(),
  'sep-annotations': input.string(),
  'bake-target': input.string({ default: 'docker-metadata-action' }),
  // Empty means "no token" (offline: the payload's repository), not "use the default expression".
  'github-token': input.string({ default: '${{ github.token }}', secret: true, allowEmpty: true }),
  // the release rules behind the default tag and type=channel (parse-version's inputs)
  'tag-prefix': input.string({ default: 'v', allowEmpty: true }),
  environments: input.map({ default: DEFAULT_ENVIRONMENT_RULES }),
  'branch-environments': input.map({ default: '' }),
  // the latest policy
  'latest-policy': input.enum(['stable-only', 'metadata-action'] as const, { default: 'stable-only' }),
  'known-versions': input.list(),
  'major-zero': input.enum(['keep', 'skip'] as const, { default: 'keep' }),
};

export const outputs = [
  'version',
  'tags',
  'tag-names',
  'labels',
  'annotations',
  'pin',
  'matrix',
  'bake-file',
  'bake-file-tags',
  'bake-file-labels',
  'bake-file-annotations',
] as const;
