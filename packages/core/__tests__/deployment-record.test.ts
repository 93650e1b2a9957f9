import { describe, expect, test } from '@jest/globals';
import { readDeploymentPayload, versionOfTag } from '../src/deployment-record.js';

test.each([
  ['v1.4.0-rc.1', '1.4.0-rc.1'],
  ['v1.4.0', '1.4.0'],
  ['1.4.0+build.7', '1.4.0+build.7'],
  ['orders/v2.0.0-beta.3', '2.0.0-beta.3'],
  ['release-7', 'release-7'],
  ['v1.4', 'v1.4'],
])('versionOfTag(%j) = %j', (tag, version) => expect(versionOfTag(tag)).toBe(version));

describe('readDeploymentPayload', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const payload = {
    'deploy-kit': 1,
    tag: 'v1.4.0-rc.1',
    version: '1.4.0-rc.1',
    environment: 'staging',
    images: [{ service: 'core', image: 'r.example/ms_core', digest, tags: ['v1.4.0-rc.1'] }],
    s3: { bucket: 'b', objects: [{ key: 'k', sha256: 'b'.repeat(64) }] },
    migration: { status: 'succeeded', job: 'j', 'exit-code': 0, 'schema-version': '42' },
    gitops: { repository: 'o/g', 'run-id': 5, 'run-url': 'https://github.com/o/g/actions/runs/5', conclusion: 'success' },
    run: { url: 'https://github.com/o/a/actions/runs/1', id: '1', attempt: '1' },
  };

  test('reads back what record-deployment writes, as an object or a JSON string', () => {
    expect(readDeploymentPayload(payload)).toEqual(payload);
    expect(readDeploymentPayload(JSON.stringify(payload))).toEqual(payload);
  });

  test('another tool’s payload, or another format version, is not read', () => {
    expect(readDeploymentPayload({})).toBeUndefined();
    expect(readDeploymentPayload('')).toBeUndefined();
    expect(readDeploymentPayload('not json')).toBeUndefined();
    expect(readDeploymentPayload({ ...payload, 'deploy-kit': 2 })).toBeUndefined();
  });

  test('a field of the wrong type reads as absent, never trusted', () => {
    const read = readDeploymentPayload({
      ...payload,
      version: 7,
      images: [{ image: 'r.example/x', digest: 'sha256:short', tags: 'v1' }, 'junk'],
      s3: { objects: [] },
      migration: { 'exit-code': '1' },
      gitops: 'x',
      run: {},
    })!;
    expect(read).toMatchObject({
      version: '1.4.0-rc.1',
      images: [{ service: 'x', image: 'r.example/x', digest: null, tags: [] }],
      s3: null,
      migration: { status: null, job: null, 'exit-code': null, 'schema-version': null },
      gitops: null,
      run: null,
    });
  });
});

describe('the ecs part of the payload (delivery: ecs)', () => {
  const arn = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:42';
  const base = { 'deploy-kit': 1, tag: 'v1.4.0' };

  test('read back as written by ecs-deploy (revision as a string, rolled-back as text)', () => {
    const read = readDeploymentPayload({
      ...base,
      ecs: {
        cluster: 'prod',
        service: 'orders',
        'task-definition-arn': arn,
        revision: '42',
        'deployment-id': 'ecs-svc/1',
        'rollout-state': 'COMPLETED',
        'previous-task-definition-arn': arn.replace(':42', ':41'),
        'rolled-back': 'false',
      },
    });
    expect(read?.ecs).toEqual({
      cluster: 'prod',
      service: 'orders',
      'task-definition-arn': arn,
      revision: 42,
      'deployment-id': 'ecs-svc/1',
      'rollout-state': 'COMPLETED',
      'previous-task-definition-arn': arn.replace(':42', ':41'),
      'rolled-back': false,
    });
  });

  test.each([
    ['not an ARN', { 'task-definition-arn': 'orders:42' }],
    ['a family without revision', { 'task-definition-arn': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders' }],
  ])('a wrong field reads as absent: %s', (_t, ecs) => {
    expect(readDeploymentPayload({ ...base, ecs })?.ecs?.['task-definition-arn']).toBeNull();
  });

  test('absent when not written', () => {
    expect(readDeploymentPayload(base)).not.toHaveProperty('ecs');
  });
});
