import { describe, expect, jest, test } from '@jest/globals';
import { readInputs } from '@deploy-kit/core';
import { inputs } from '../src/io.js';
import { buildPlan, ignoredInputs, type Values } from '../src/plan.js';
import { kubeError, kubeRetryability } from '../src/kube/errors.js';
import { waitGraceMs } from '../src/plan.js';
import { pollDelay, startedByFor } from '../src/backends/ecs.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const context = { repository: 'example-org/orders', refType: 'tag', refName: 'v1.2.3' };

/** Values exactly as readInputs makes them from action.yml-style raw inputs. */
async function values(raw: Record<string, string>): Promise<Values> {
  return readInputs(inputs, (name) => raw[name] ?? '') as Promise<Values>;
}

describe('buildPlan', () => {
  test('defaults: release from the repository, tag from the pushed tag, deadline from timeout', async () => {
    const plan = buildPlan(await values({ image: `r.io/app@${DIGEST}` }), context, () => undefined);
    expect(plan).toMatchObject({
      backend: 'kubernetes',
      release: 'orders',
      tag: 'v1.2.3',
      jobName: 'orders-migrate-v1-2-3',
      timeoutMs: 600_000,
      ttlSeconds: 86_400,
    });
  });

  test('the image tag wins over the pushed tag', async () => {
    expect(buildPlan(await values({ image: 'r.io/app:sha-abc1234' }), context, () => undefined).tag).toBe('sha-abc1234');
  });

  test.each([
    [{ backend: 'kubernetes' }, 'Input "image": is required with backend "kubernetes"'],
    [{ backend: 'ecs' }, 'Input "task-definition": is required with backend "ecs"'],
    [{ backend: 'command' }, 'Input "command": is required with backend "command"'],
    [{ image: 'r.io/app', namespace: 'Apps' }, 'Input "namespace": is not a valid namespace name'],
    [{ image: 'r.io/app', 'service-account': 'Bad_SA' }, 'Input "service-account": is not a valid service account name'],
    [{ image: 'r.io/app', env: '1A=b' }, 'Input "env": "1A" is not a valid environment variable name'],
    [{ backend: 'command', command: 'x', 'tool-checksum': 'a'.repeat(64) }, 'Input "tool-checksum": is given without "tool"'],
    // A mirror over plain http: the release file and the checksum it is verified by could both be replaced.
    [
      { backend: 'command', command: 'x', tool: 'golang-migrate@v4.19.1', 'tool-base-url': 'http://mirror.example.com/migrate' },
      'Input "tool-base-url": is plain http to mirror.example.com',
    ],
    [
      { backend: 'command', command: 'x', tool: 'golang-migrate@v4.19.1', 'tool-base-url': 'http://0.0.0.0:8080/migrate' },
      'Input "tool-base-url": is plain http to 0.0.0.0:8080',
    ],
    [
      { backend: 'command', command: 'x', 'env-from-runner': 'INPUT_KUBECONFIG' },
      'Input "env-from-runner": "INPUT_KUBECONFIG" names the action\'s inputs or the runner\'s tokens',
    ],
    [
      { image: 'r.io/app:v1', resources: 'cpu=100m' },
      'Input "resources": is a single value, not a map of `requests` and `limits`; expected JSON or YAML like',
    ],
  ])('%j → %s', async (raw, message) => {
    const v = await values(raw);
    expect(() => buildPlan(v, context, () => undefined)).toThrow(message);
  });

  test.each([
    ['https://mirror.example.com/golang-migrate'],
    ['http://127.0.0.1:8080/golang-migrate'],
    ['http://localhost:8080/golang-migrate'],
    ['http://[::1]:8080/golang-migrate'],
  ])('tool-base-url %s is accepted (https, or plain http to a loopback mirror)', async (url) => {
    const plan = buildPlan(
      await values({ backend: 'command', command: 'x', tool: 'golang-migrate@v4.19.1', 'tool-base-url': url }),
      context,
      () => undefined,
    );
    expect(plan.tool?.name).toBe('golang-migrate');
  });

  test('env-from-runner: names and prefixes for the command backend', async () => {
    const plan = buildPlan(
      await values({ backend: 'command', command: 'x', 'env-from-runner': 'DATABASE_URL, PG*' }),
      context,
      () => undefined,
    );
    expect(plan.envFromRunner).toEqual(['DATABASE_URL', 'PG*']);
  });

  test('a branch build with an untagged image has no tag to name the Job with', async () => {
    const v = await values({ image: `r.io/app@${DIGEST}` });
    expect(() => buildPlan(v, { ...context, refType: 'branch', refName: 'main' }, () => undefined)).toThrow('Input "tag": is empty');
  });

  test('inputs of another backend are named in one warning', async () => {
    const warn = jest.fn<(m: string) => void>();
    const v = await values({
      backend: 'command',
      command: 'migrate up',
      cluster: 'prod',
      'task-definition': 'td',
      namespace: 'apps',
      'output-file': 'x.yaml',
    });
    buildPlan(v, context, warn);
    expect(warn).toHaveBeenCalledWith('backend "command" does not use "namespace", "task-definition", "output-file"; they are ignored');
    expect(ignoredInputs(await values({ backend: 'render', image: 'r.io/a:1', 'env-from-secret': 'db', namespace: 'apps' }))).toEqual([
      'namespace',
    ]);
  });

  test('a very short ttl is warned about (a re-run could not see the finished Job)', async () => {
    const warn = jest.fn<(m: string) => void>();
    buildPlan(await values({ image: 'r.io/a:1', ttl: '10s' }), context, warn);
    expect(warn.mock.calls[0][0]).toContain('deletes the finished Job almost at once');
  });
});

describe('kubernetes helpers', () => {
  test.each([
    [30_000, 5_000],
    [600_000, 60_000],
    [3_600_000, 60_000],
    [120_000, 12_000],
  ])('waitGraceMs(%i) = %i', (timeout, grace) => expect(waitGraceMs(timeout)).toBe(grace));

  test.each([
    [{ code: 500 }, true],
    [{ code: 503 }, true],
    [{ code: 429 }, true],
    [{ code: 403 }, false],
    [{ code: 404 }, false],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
  ])('kubeRetryability(%j).retryable = %s', (error, retryable) => expect(kubeRetryability(error).retryable).toBe(retryable));

  test('403 names the verb and resource and the RBAC the action needs', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'jobs.batch "x" is forbidden: User "ci" cannot create resource "jobs" in API group "batch" in the namespace "apps"',
    });
    const error = kubeError({ code: 403, body }, 'create', 'jobs in namespace apps', 'https://k8s');
    expect(error.describe()).toContain('Not allowed to create jobs in namespace apps (403 Forbidden)');
    expect(error.describe()).toContain('User "ci" cannot create resource "jobs"');
    expect(error.describe()).toContain('jobs (batch) get, list, watch, create, delete');
  });

  test('401 and network errors read differently', () => {
    expect(kubeError({ code: 401, body: '{}' }, 'get', 'jobs/x', 'https://k8s').message).toContain(
      'refused the credentials (401 Unauthorized)',
    );
    expect(
      kubeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'get', 'jobs/x', 'https://k8s').message,
    ).toBe('Cannot reach the Kubernetes API server at https://k8s to get jobs/x');
  });
});

describe('ecs helpers', () => {
  test('startedBy fits ECS (≤ 36 characters) and is stable per Job name', () => {
    const a = startedByFor('orders-migrate-v1-2-3');
    expect(a).toMatch(/^deploy-kit-migrate-[0-9a-f]{8}$/);
    expect(a.length).toBeLessThanOrEqual(36);
    expect(startedByFor('orders-migrate-v1-2-3')).toBe(a);
    expect(startedByFor('orders-migrate-v1-2-4')).not.toBe(a);
  });
  test.each([
    [0, 1_000],
    [9_999, 1_000],
    [10_000, 3_000],
    [60_000, 6_000],
  ])('pollDelay(%i) = %i', (elapsed, delay) => expect(pollDelay(elapsed)).toBe(delay));
});
