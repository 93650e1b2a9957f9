import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { parseResources, renderHelmHook, renderJob, toYaml, validateEnvNames, type JobSpecInput } from '../src/manifest.js';

const IMAGE = `127.0.0.1:5000/ms_core@sha256:${'b'.repeat(64)}`;
const base: JobSpecInput = {
  name: 'orders-migrate-v1-2-3',
  namespace: 'apps',
  release: 'orders',
  tag: 'v1.2.3',
  image: IMAGE,
  command: ['/app/migrate'],
  args: ['up'],
  env: { LOG_LEVEL: 'debug' },
  envFromSecrets: ['orders-db'],
  envFromConfigMaps: ['orders-config'],
  deadlineSeconds: 600,
  ttlSeconds: 86400,
  serviceAccount: 'migrator',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
};

describe('renderJob', () => {
  test('the full spec', () => {
    expect(renderJob(base)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'orders-migrate-v1-2-3',
        namespace: 'apps',
        labels: {
          'app.kubernetes.io/component': 'migration',
          'app.kubernetes.io/instance': 'orders',
          'app.kubernetes.io/managed-by': 'deploy-kit',
          'app.kubernetes.io/version': 'v1.2.3',
        },
        annotations: { 'deploy-kit/release': 'orders', 'deploy-kit/tag': 'v1.2.3', 'deploy-kit/image': IMAGE },
      },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 600,
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/component': 'migration',
              'app.kubernetes.io/instance': 'orders',
              'app.kubernetes.io/managed-by': 'deploy-kit',
              'app.kubernetes.io/version': 'v1.2.3',
            },
            annotations: { 'deploy-kit/release': 'orders', 'deploy-kit/tag': 'v1.2.3', 'deploy-kit/image': IMAGE },
          },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: 'migrator',
            containers: [
              {
                name: 'migrate',
                image: IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: ['/app/migrate'],
                args: ['up'],
                env: [{ name: 'LOG_LEVEL', value: 'debug' }],
                envFrom: [{ secretRef: { name: 'orders-db' } }, { configMapRef: { name: 'orders-config' } }],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              },
            ],
          },
        },
      },
    });
  });

  test('optional parts are left out, never written as null or empty', () => {
    const job = renderJob({
      ...base,
      command: [],
      args: [],
      env: {},
      envFromSecrets: [],
      envFromConfigMaps: [],
      deadlineSeconds: undefined,
      ttlSeconds: undefined,
      serviceAccount: undefined,
      resources: undefined,
    });
    expect(job.spec).not.toHaveProperty('activeDeadlineSeconds');
    expect(job.spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(job.spec.template.spec).not.toHaveProperty('serviceAccountName');
    expect(Object.keys(job.spec.template.spec.containers[0]).sort()).toEqual(['image', 'imagePullPolicy', 'name']);
    expect(job.spec.backoffLimit).toBe(0);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });
});

describe('renderHelmHook', () => {
  test('hook annotations (seed 001), no namespace, managed by Helm', () => {
    const hook = renderHelmHook(base, -5);
    expect(hook.metadata.namespace).toBeUndefined();
    expect(hook.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '-5',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
      'deploy-kit/image': IMAGE,
    });
    expect(hook.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    // The pod template does not carry the hook annotations.
    expect(hook.spec.template.metadata.annotations).not.toHaveProperty('helm.sh/hook');
  });

  test('toYaml round-trips, quotes the weight and escapes {{ for Helm', async () => {
    const hook = renderHelmHook({ ...base, args: ['up', '{{ not a template }}'] }, 5);
    const text = await toYaml(hook, ['generated']);
    expect(text.startsWith('# generated\n')).toBe(true);
    expect(text).toContain(`helm.sh/hook-weight: "5"`);
    expect(text).toContain('{{ "{{" }} not a template }}');
    const back = parse(text.replace(/\{\{ "\{\{" \}\}/g, '{{'));
    expect(back).toEqual(hook);
  });
});

describe('inputs checked by the manifest module', () => {
  test.each([
    [{ requests: { cpu: '250m', memory: '1Gi' } }, { requests: { cpu: '250m', memory: '1Gi' } }],
    [{ limits: { memory: 512, 'ephemeral-storage': '1Gi' } }, { limits: { memory: '512', 'ephemeral-storage': '1Gi' } }],
    [undefined, undefined],
  ])('parseResources(%j)', (value, expected) => expect(parseResources('resources', value)).toEqual(expected));

  test.each([
    [[1], 'Input "resources": is not a map'],
    [{ request: {} }, 'Input "resources": has the key "request"'],
    [{ requests: { gpu: '1' } }, '"requests.gpu" is not a resource this action sets'],
    [{ limits: { memory: 'lots' } }, '"limits.memory" is "lots", not a Kubernetes quantity'],
    [{ limits: 'x' }, '"limits" is not a map'],
  ])('parseResources(%j) fails', (value, message) => expect(() => parseResources('resources', value)).toThrow(message));

  test('environment variable names', () => {
    expect(() => validateEnvNames('env', { DATABASE_URL: 'x', 'a.b-c': 'y' })).not.toThrow();
    expect(() => validateEnvNames('env', { '1BAD': 'x' })).toThrow('Input "env": "1BAD" is not a valid environment variable name');
  });
});
