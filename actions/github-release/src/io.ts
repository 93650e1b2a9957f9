/** github-release's inputs and outputs: the one declaration action.yml is checked against. */
import { dryRunInput, input } from '@deploy-kit/core';

export const PRERELEASE = ['auto', 'true', 'false'] as const;
export const MAKE_LATEST = ['auto', 'true', 'false'] as const;

export const inputs = {
  tag: input.tag({ required: true }),
  'tag-prefix': input.string({ default: 'v', allowEmpty: true }),
  repository: input.string({ pattern: /^[^/\s]+\/[^/\s]+$/, expected: '`owner/name`, e.g. `example-org/orders`' }),
  name: input.string(),
  body: input.string(),
  'body-path': input.string(),
  'generate-notes': input.boolean({ default: 'true' }),
  'previous-tag': input.string({
    pattern: /^(?!.*\.\.)(?!-)[^\s\u0000-\u001f\u007f~^:?*[\\]+$/,
    expected: 'a git tag such as `v1.2.3`',
  }),
  'notes-configuration': input.string(),
  prerelease: input.enum(PRERELEASE, { default: 'auto' }),
  draft: input.boolean({ default: 'false' }),
  'make-latest': input.enum(MAKE_LATEST, { default: 'auto' }),
  files: input.list(),
  'checksums-file': input.string({ default: 'SHA256SUMS', allowEmpty: true }),
  images: input.string(),
  artifacts: input.string(),
  // Empty is refused with a clear message (config.ts): the release composite runs the bundle with
  // INPUT_* it sets itself, where the runner fills in nothing.
  token: input.string({ default: '${{ github.token }}', secret: true, allowEmpty: true }),
  'dry-run': dryRunInput,
};

export const outputs = ['release-id', 'html-url', 'upload-url', 'created', 'previous-tag', 'uploaded', 'skipped', 'replaced'] as const;
