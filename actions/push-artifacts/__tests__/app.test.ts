import { describe, expect, test } from '@jest/globals';
import { InputError } from '@deploy-kit/core';
import { resolveS3Folder, validateCombination, type Values } from '../src/config.js';
import { dockerPush, parsePushDigest, type Runner } from '../src/docker.js';

const base: Values = {
  region: '',
  registry: '',
  registries: [],
  registryAuth: 'ecr',
  images: '',
  source: '',
  mode: 'push',
  promoteFrom: '',
  createRepositories: false,
  scanOnPush: true,
  tagMutability: 'mutable',
  dockerConfig: false,
  compressLayers: 'auto',
  chunkSize: '8MiB',
  concurrency: 4,
  s3Bucket: '',
  s3Path: '',
  s3Source: [],
  tag: '',
  s3Concurrency: 8,
  s3Checksums: 'sha256',
  s3PartSize: '16MiB',
  s3MultipartThreshold: '64MiB',
  cacheControl: '',
  contentTypes: '',
  dryRun: false,
};

describe('validateCombination', () => {
  test.each<[string, Partial<Values>, string | undefined]>([
    ['nothing', {}, 'images'],
    ['push with source', { images: 'a:1', source: 'x' }, undefined],
    ['push without source', { images: 'a:1' }, 'source'],
    ['S3 only', { s3Bucket: 'b', s3Source: ['x'] }, undefined],
    ['bucket, no source', { s3Bucket: 'b' }, 's3-source'],
    ['source, no bucket', { s3Source: ['x'] }, 's3-bucket'],
    ['promote', { mode: 'promote', images: 'a:1', promoteFrom: 'v1-rc.1' }, undefined],
    ['promote without from', { mode: 'promote', images: 'a:1' }, 'promote-from'],
    ['promote without images', { mode: 'promote', promoteFrom: 'v1', s3Bucket: 'b', s3Source: ['x'] }, 'images'],
    ['promote anonymous', { mode: 'promote', images: 'a:1', promoteFrom: 'v1', registryAuth: 'none' }, 'registry-auth'],
    ['promote-from in push mode', { images: 'a:1', source: 'x', promoteFrom: 'v1' }, 'promote-from'],
    ['docker mode needs no source', { mode: 'docker', images: 'a:1' }, undefined],
    ['login needs nothing else', { mode: 'login' }, undefined],
    ['login with S3', { mode: 'login', s3Bucket: 'b', s3Source: ['x'] }, undefined],
    ['login with a bucket but no source', { mode: 'login', s3Bucket: 'b' }, 's3-source'],
    ['login with images', { mode: 'login', images: 'a:1' }, 'images'],
    ['login anonymous', { mode: 'login', registryAuth: 'none' }, 'registry-auth'],
  ])('%s', (_, values, input) => {
    const run = () => validateCombination({ ...base, ...values });
    if (input === undefined) expect(run).not.toThrow();
    else {
      expect(run).toThrow(InputError);
      expect(run).toThrow(`Input "${input}"`);
    }
  });
});

describe('resolveS3Folder', () => {
  test.each<[Partial<Values>, Record<string, string>, string]>([
    [{ tag: 'v9' }, { GITHUB_REF: 'refs/tags/v1' }, 'v9'],
    [{ images: JSON.stringify({ tag: 'v1.2.3', services: [] }) }, { GITHUB_REF: 'refs/tags/v1' }, 'v1.2.3'],
    [{}, { GITHUB_REF: 'refs/tags/v1.2.3-rc.1' }, 'v1.2.3-rc.1'],
    // metadata-action's `version` (a branch name here) is not a release tag: the folder is the run's tag
    [{ images: JSON.stringify({ version: 'main', tag: '', services: [] }) }, { GITHUB_REF: 'refs/tags/v2.0.0' }, 'v2.0.0'],
  ])('%#', (values, env, expected) => {
    expect(resolveS3Folder({ ...base, ...values }, env)).toBe(expected);
  });
  test('a branch run without tag names the input', () => {
    expect(() => resolveS3Folder(base, { GITHUB_REF: 'refs/heads/main' })).toThrow(
      /Input "tag": is empty and the run was not started by a tag \(GITHUB_REF is refs\/heads\/main\)/,
    );
  });
});

describe('docker', () => {
  // The docker config files themselves are core's (packages/core/__tests__/oci-docker-config.test.ts).
  test('parsePushDigest', () => {
    expect(parsePushDigest(`v1: digest: sha256:${'a'.repeat(64)} size: 1234`)).toBe(`sha256:${'a'.repeat(64)}`);
    expect(parsePushDigest('nothing')).toBeUndefined();
  });

  // No `docker login` (it would write ~/.docker/config.json, or a keyring): the login is in the
  // private config the CLI is pointed at (flow.ts writes it and removes it when the step ends).
  test('mode docker: tag and push with the environment given (its DOCKER_CONFIG holds the login); no login command', async () => {
    const calls: Array<{ args: string[]; stdin?: string; config?: string }> = [];
    const run: Runner = async (_command, args, options) => {
      calls.push({ args, stdin: options.stdin, config: options.env.DOCKER_CONFIG });
      if (args[0] === 'push') return { code: 0, stdout: `latest: digest: sha256:${'b'.repeat(64)} size: 528\n`, stderr: '' };
      return { code: 0, stdout: '27.0.0\n', stderr: '' };
    };
    const digests = await dockerPush(
      run,
      { DOCKER_CONFIG: '/tmp/deploy-kit-docker-0123456789ab' },
      [{ source: 'app:dev', references: ['r.example/app:v1'] }],
      () => undefined,
    );
    expect(digests.get('r.example/app:v1')).toBe(`sha256:${'b'.repeat(64)}`);
    expect(calls.map((c) => c.args[0])).toEqual(['info', 'tag', 'push']);
    expect(calls.every((c) => c.config === '/tmp/deploy-kit-docker-0123456789ab' && !c.stdin)).toBe(true);
  });

  test('mode docker without an engine fails clearly', async () => {
    const run: Runner = async () => ({
      code: 1,
      stdout: '',
      stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.',
    });
    await expect(dockerPush(run, {}, [], () => undefined)).rejects.toThrow(/needs a running Docker engine/);
  });
});
