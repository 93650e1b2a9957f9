import { describe, expect, test } from '@jest/globals';
import { type ActionInputs, buildConfig, expectedVersions, requireToken, runUrl } from '../src/config.js';
import { deployedImages, readArtifacts, readGitops, readMigration } from '../src/sources.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const context = { repository: 'example-org/orders', sha: 'a'.repeat(40), serverUrl: 'https://github.com', runId: '77', runAttempt: '1' };
const base: ActionInputs = {
  step: 'record',
  environment: 'staging',
  tag: 'v1.4.0-rc.1',
  ref: '',
  repository: '',
  deploymentId: undefined,
  status: 'success',
  description: '',
  environmentUrl: '',
  logUrl: '',
  productionEnvironment: '',
  transientEnvironment: '',
  autoInactive: true,
  images: '',
  artifacts: '',
  migration: '',
  schemaVersion: '',
  gitops: '',
  verifyUrl: [],
  verifyVersionFrom: '',
  verifyVersion: '',
  verifyInterval: undefined,
  verifyTimeout: undefined,
};
const imagesJson = JSON.stringify({
  version: 'v1.4.0-rc.1',
  services: [
    {
      service: 'core',
      image: `${REG}/ms_core`,
      tags: [`${REG}/ms_core:v1.4.0-rc.1`, `${REG}/ms_core:sha-0a1b2c3`],
      pin: `${REG}/ms_core:sha-0a1b2c3`,
    },
    { service: 'payments', image: `${REG}/ms_payments`, tags: [`${REG}/ms_payments:v1.4.0-rc.1`], pin: '' },
  ],
});
const artifactsJson = JSON.stringify({
  digests: { [`${REG}/ms_core:v1.4.0-rc.1`]: D1, [`${REG}/ms_core:sha-0a1b2c3`]: D1, [`${REG}/ms_payments:v1.4.0-rc.1`]: D2 },
  s3: {
    bucket: 'app-artifacts',
    prefix: 'binaries/v1.4.0-rc.1/',
    uploaded: 2,
    objects: [
      { key: 'binaries/v1.4.0-rc.1/ms_payments', sha256: 'b'.repeat(64) },
      { key: 'binaries/v1.4.0-rc.1/ms_core', sha256: 'c'.repeat(64) },
    ],
  },
});

describe('buildConfig', () => {
  test('record: the deployment of the tag, flags from the environment, the payload from every source, log URL from the GitOps run', () => {
    const config = buildConfig(
      {
        ...base,
        images: imagesJson,
        artifacts: artifactsJson,
        migration: '{"status":"succeeded","exit-code":"0","job-name":"orders-migrate-v1-4-0-rc-1","duration":"12"}',
        schemaVersion: '20250101120000',
        gitops: JSON.stringify({
          'run-id': '555',
          'run-url': 'https://github.com/example-org/gitops-staging/actions/runs/555',
          conclusion: 'success',
          dispatches: [{ repository: 'example-org/gitops-staging' }],
        }),
        environmentUrl: 'https://staging.example.com',
      },
      context,
    );
    expect(config.repository).toEqual({ owner: 'example-org', repo: 'orders' });
    expect(config.logUrl).toBe('https://github.com/example-org/gitops-staging/actions/runs/555');
    expect(config.create).toMatchObject({
      ref: 'v1.4.0-rc.1',
      environment: 'staging',
      description: 'v1.4.0-rc.1 to staging',
      production: false,
      transient: false,
    });
    expect(config.create!.payload).toEqual({
      'deploy-kit': 1,
      tag: 'v1.4.0-rc.1',
      version: '1.4.0-rc.1',
      environment: 'staging',
      images: [
        { service: 'core', image: `${REG}/ms_core`, digest: D1, tags: ['v1.4.0-rc.1', 'sha-0a1b2c3'] },
        { service: 'payments', image: `${REG}/ms_payments`, digest: D2, tags: ['v1.4.0-rc.1'] },
      ],
      s3: {
        bucket: 'app-artifacts',
        objects: [
          { key: 'binaries/v1.4.0-rc.1/ms_core', sha256: 'c'.repeat(64) },
          { key: 'binaries/v1.4.0-rc.1/ms_payments', sha256: 'b'.repeat(64) },
        ],
      },
      migration: { status: 'succeeded', job: 'orders-migrate-v1-4-0-rc-1', 'exit-code': 0, 'schema-version': '20250101120000' },
      gitops: {
        repository: 'example-org/gitops-staging',
        'run-id': 555,
        'run-url': 'https://github.com/example-org/gitops-staging/actions/runs/555',
        conclusion: 'success',
      },
      run: { url: 'https://github.com/example-org/orders/actions/runs/77', id: '77', attempt: '1' },
    });
  });

  test.each([
    ['production', '', '', true, false],
    ['development', '', '', false, true],
    ['staging', '', '', false, false],
    ['qa', 'true', 'TRUE', true, true],
    ['production', 'false', '', false, false],
  ])(
    '%s (production-environment %j, transient-environment %j) → production %s, transient %s',
    (environment, productionEnvironment, transientEnvironment, production, transient) => {
      expect(buildConfig({ ...base, environment, productionEnvironment, transientEnvironment }, context).create).toMatchObject({
        production,
        transient,
      });
    },
  );

  test('without a tag, this run’s commit is recorded; log URL is this run (with its attempt)', () => {
    const config = buildConfig({ ...base, tag: '' }, { ...context, runAttempt: '2' });
    expect(config.create).toMatchObject({ ref: 'a'.repeat(40), description: 'aaaaaaa to staging' });
    expect(config.logUrl).toBe('https://github.com/example-org/orders/actions/runs/77/attempts/2');
  });

  test('finish takes the deployment id and nothing to create; checks expect the tag or its version', () => {
    const config = buildConfig(
      {
        ...base,
        step: 'finish',
        environment: '',
        deploymentId: 42,
        verifyUrl: ['https://staging.example.com/health'],
        verifyVersionFrom: 'json:version',
      },
      context,
    );
    expect(config.create).toBeUndefined();
    expect(config.deploymentId).toBe(42);
    expect(config.checks).toEqual([
      {
        url: 'https://staging.example.com/health',
        source: expect.objectContaining({ kind: 'json', path: ['version'] }),
        expected: ['v1.4.0-rc.1', '1.4.0-rc.1'],
      },
    ]);
  });

  test.each<[string, Partial<ActionInputs>, RegExp]>([
    ['finish without an id', { step: 'finish' }, /^Input "deployment-id": is required with `step: finish`/],
    ['an id with record', { deploymentId: 5 }, /^Input "deployment-id": is given with `step: record`/],
    ['no environment', { environment: '' }, /^Input "environment": is required with `step: record`/],
    ['a version source without a URL', { verifyVersionFrom: 'body' }, /^Input "verify-version-from": is set without `verify-url`/],
    ['a bad verify URL', { verifyUrl: ['ftp://x'] }, /^Input "verify-url": has the scheme ftp:/],
    ['not a URL', { verifyUrl: ['staging.example.com'] }, /^Input "verify-url": is not a URL/],
    ['a bad environment URL', { environmentUrl: 'nope' }, /^Input "environment-url": is not a URL/],
    [
      'a bad source',
      { verifyUrl: ['https://x'], verifyVersionFrom: 'xml:/a' },
      /^Input "verify-version-from": has the unknown source "xml"/,
    ],
    ['artifacts not JSON', { artifacts: 'digests' }, /^Input "artifacts": is not valid JSON/],
    ['a bad digest', { artifacts: '{"digests":{"r/a:1":"sha256:12"}}' }, /^Input "artifacts": the digest of r\/a:1 is not sha256/],
    ['images not image-tags json', { images: '{"tags":[]}' }, /^Input "images": has no `services` list/],
    ['gitops not JSON', { gitops: 'run 5' }, /^Input "gitops": is not valid JSON/],
  ])('%s', (_, values, message) => {
    expect(() => buildConfig({ ...base, ...values }, context)).toThrow(message);
  });
});

describe('sources', () => {
  test('without images, every repository of push-artifacts’ digests is one image', () => {
    expect(deployedImages('', readArtifacts(artifactsJson))).toEqual([
      { service: 'ms_core', image: `${REG}/ms_core`, digest: D1, tags: ['v1.4.0-rc.1', 'sha-0a1b2c3'] },
      { service: 'ms_payments', image: `${REG}/ms_payments`, digest: D2, tags: ['v1.4.0-rc.1'] },
    ]);
  });
  test('an image whose digest is not known is recorded with digest null', () => {
    expect(deployedImages(imagesJson, readArtifacts(''))[0]).toEqual({
      service: 'core',
      image: `${REG}/ms_core`,
      digest: null,
      tags: ['v1.4.0-rc.1', 'sha-0a1b2c3'],
    });
  });
  test('two digests for one image are refused', () => {
    const bad = JSON.stringify({ digests: { [`${REG}/ms_core:v1.4.0-rc.1`]: D1, [`${REG}/ms_core:sha-0a1b2c3`]: D2 } });
    expect(() => deployedImages(imagesJson, readArtifacts(bad))).toThrow(/gives .*ms_core two digests/);
  });
  test('migration: the exit code as a number, schema version from the input', () => {
    expect(readMigration('{"status":"already-complete","exit-code":""}', '')).toEqual({
      status: 'already-complete',
      job: null,
      'exit-code': null,
      'schema-version': null,
    });
    expect(readMigration('', '42')).toEqual({ status: null, job: null, 'exit-code': null, 'schema-version': '42' });
    expect(readMigration('', '')).toBeNull();
  });
  test('gitops as a run URL', () => {
    expect(readGitops('https://github.com/example-org/gitops-production/actions/runs/9')).toEqual({
      repository: 'example-org/gitops-production',
      'run-id': 9,
      'run-url': 'https://github.com/example-org/gitops-production/actions/runs/9',
      conclusion: null,
    });
  });
});

test.each([
  ['v1.4.0-rc.1', '', ['v1.4.0-rc.1', '1.4.0-rc.1']],
  ['orders/v2.0.0', '', ['orders/v2.0.0', '2.0.0']],
  ['release-7', '', ['release-7']],
  ['v1.4.0', '1.4.0+build.5', ['1.4.0+build.5']],
])('expectedVersions(%j, %j)', (tag, verifyVersion, expected) => {
  expect(expectedVersions(tag, verifyVersion)).toEqual(expected);
});

test('runUrl is empty outside a run', () => {
  expect(runUrl({ ...context, runId: '' })).toBe('');
});

test('requireToken refuses an empty token (or an unexpanded expression) without echoing it', () => {
  expect(requireToken('ghs_x')).toBe('ghs_x');
  expect(() => requireToken('')).toThrow(/^Input "token": is empty; expected a token with `deployments: write`/);
  expect(() => requireToken('${{ github.token }}')).toThrow(/Got: \*\*\*$/);
});
