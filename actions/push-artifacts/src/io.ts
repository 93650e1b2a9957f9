/** push-artifacts' inputs and outputs: the one declaration action.yml is checked against. */
import { dryRunInput, input } from '@deploy-kit/core';

export const inputs = {
  region: input.string({ default: '' }),
  registry: input.string({ default: '' }),
  // More registries, each getting every image (and the login in `mode: login`): account ids, ECR
  // hosts of any region, public.ecr.aws/<alias>, other hosts (config.ts reads them by one rule).
  registries: input.list({ default: '' }),
  'registry-auth': input.enum(['ecr', 'none'] as const, { default: 'ecr' }),
  images: input.string({ default: '' }),
  source: input.string({ default: '' }),
  mode: input.enum(['push', 'promote', 'docker', 'login'] as const, { default: 'push' }),
  'promote-from': input.string({
    default: '',
    pattern: /^(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|sha256:[a-f0-9]{64})$/,
    expected: 'a tag such as `v1.2.3-rc.2`, or a digest `sha256:<64 hex>`',
  }),
  'create-repositories': input.boolean({ default: 'false' }),
  'scan-on-push': input.boolean({ default: 'true' }),
  'tag-mutability': input.enum(['mutable', 'immutable'] as const, { default: 'mutable' }),
  'docker-config': input.boolean({ default: 'false' }),
  'compress-layers': input.enum(['auto', 'gzip', 'none'] as const, { default: 'auto' }),
  'chunk-size': input.string({ default: '' }),
  concurrency: input.integer({ min: 1, max: 16, default: '4' }),
  's3-bucket': input.string({
    default: '',
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    expected: 'an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens; no s3:// prefix)',
  }),
  's3-path': input.string({ default: '', pattern: /^[^\\]*$/, expected: 'a key prefix such as `binaries`' }),
  's3-source': input.list({ default: '' }),
  // The release tag, as every action names it; here the S3 version folder. Read as a string, not
  // input.tag(): its default also comes from image-tags' `json` (config.ts), and a bad key segment is
  // reported as such. The run's tag is core's runReleaseTag.
  tag: input.string({ default: '', pattern: /^[^/\\\s][^\\\s]*$/, expected: 'a release tag such as `v1.2.3` (no spaces)' }),
  's3-concurrency': input.integer({ min: 1, max: 64, default: '16' }),
  's3-checksums': input.enum(['sha256', 'sha256sums', 'none'] as const, { default: 'sha256' }),
  's3-part-size': input.string({ default: '16MiB' }),
  's3-multipart-threshold': input.string({ default: '64MiB' }),
  'cache-control': input.string({ default: '' }),
  'content-types': input.string({ default: '' }),
  'dry-run': dryRunInput,
};

export const outputs = ['registry', 'registries', 'digests', 'images', 's3-uris', 'docker-config'] as const;
