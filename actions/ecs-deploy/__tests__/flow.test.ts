import { describe, expect, test } from '@jest/globals';
import type { EcsTaskView } from '@deploy-kit/core';
import type { DeployConfig } from '../src/config.js';
import type { EcsApi } from '../src/ecs-api.js';
import { type FlowDeps, runDeploy } from '../src/flow.js';
import type { TaskDefinitionJson } from '../src/render.js';
import type { DeploymentView, ServiceView } from '../src/rollout.js';
import { mainOutputs, outputsJson, summary } from '../src/summary.js';

const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'a'.repeat(64)}`;
const arn = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:${n}`;

type Script = Array<Partial<DeploymentView> & { stopped?: EcsTaskView[] }>;

/** An in-memory ECS: one service; each UpdateService starts a deployment that follows the next script. */
class FakeEcs implements EcsApi {
  calls: string[] = [];
  revisions: TaskDefinitionJson[] = [];
  service: ServiceView;
  scripts: Script[] = [];
  private looks = new Map<string, number>();
  private stoppedByDeployment = new Map<string, EcsTaskView[]>();
  private next = 1;
  constructor(image = `${REG}/ms_core:v1.2.2`) {
    this.revisions.push({
      taskDefinitionArn: arn(7),
      family: 'orders',
      revision: 7,
      status: 'ACTIVE',
      containerDefinitions: [{ name: 'web', image, essential: true }],
    });
    this.service = {
      arn: 'arn:aws:ecs:eu-west-1:123456789012:service/prod/orders',
      name: 'orders',
      status: 'ACTIVE',
      taskDefinition: arn(7),
      desiredCount: 2,
      deploymentController: 'ECS',
      deployments: [
        { id: 'ecs-svc/0', status: 'PRIMARY', taskDefinition: arn(7), rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2 },
      ],
      events: [],
    };
  }
  async describeService(): Promise<ServiceView | undefined> {
    this.calls.push('DescribeServices');
    const primary = this.service.deployments.find((d) => d.status === 'PRIMARY')!;
    const script = (primary as DeploymentView & { script?: Script }).script;
    if (script) {
      const seen = this.looks.get(primary.id) ?? 0;
      this.looks.set(primary.id, seen + 1);
      const step = script[Math.min(seen, script.length - 1)]!;
      const { stopped, ...patch } = step;
      Object.assign(primary, patch);
      if (stopped) this.stoppedByDeployment.set(primary.id, stopped);
      if (primary.rolloutState === 'COMPLETED') this.service.deployments = [primary];
    }
    return structuredClone({ ...this.service, deployments: this.service.deployments.map(({ script: _s, ...d }: any) => d) });
  }
  async describeTaskDefinition(ref: string) {
    this.calls.push(`DescribeTaskDefinition ${ref.split('/').pop()}`);
    const found = this.revisions.find(
      (r) => r.taskDefinitionArn === ref || `orders:${r.revision}` === ref || (ref === 'orders' && r === this.revisions.at(-1)),
    );
    if (!found) throw new Error(`no ${ref}`);
    return { taskDefinition: structuredClone(found), tags: [] };
  }
  async registerTaskDefinition(input: TaskDefinitionJson) {
    this.calls.push('RegisterTaskDefinition');
    const revision = 7 + this.revisions.length;
    this.revisions.push({ ...structuredClone(input), taskDefinitionArn: arn(revision), revision, status: 'ACTIVE' });
    return { arn: arn(revision), family: 'orders', revision };
  }
  async updateService(_c: string, _s: string, taskDefinition: string) {
    this.calls.push(`UpdateService ${taskDefinition.split('/').pop()}`);
    for (const d of this.service.deployments) d.status = 'ACTIVE';
    const deployment = {
      id: `ecs-svc/${this.next++}`,
      status: 'PRIMARY',
      taskDefinition,
      rolloutState: 'IN_PROGRESS',
      desiredCount: 2,
      runningCount: 0,
      pendingCount: 2,
      script: this.scripts.shift() ?? [{ rolloutState: 'COMPLETED', runningCount: 2, pendingCount: 0 }],
    };
    this.service.deployments.unshift(deployment as DeploymentView);
    this.service.taskDefinition = taskDefinition;
    return this.describeServiceNoLook();
  }
  private describeServiceNoLook(): ServiceView {
    return structuredClone({ ...this.service, deployments: this.service.deployments.map(({ script: _s, ...d }: any) => d) });
  }
  async stoppedTasks(_c: string, startedBy: string) {
    this.calls.push('StoppedTasks');
    return this.stoppedByDeployment.get(startedBy) ?? [];
  }
}

function config(patch: Partial<DeployConfig> = {}): DeployConfig {
  return {
    region: 'eu-west-1',
    cluster: 'prod',
    service: 'orders',
    source: { kind: 'service' },
    images: [{ service: 'ms_core', image: `${REG}/ms_core`, digest: DIGEST, tags: ['v1.2.3'] }],
    containers: {},
    forceNewDeployment: false,
    wait: true,
    timeoutMs: 60_000,
    pollIntervalMs: 1_000,
    stoppedTaskLimit: 1,
    rollbackOnFailure: false,
    dryRun: false,
    ...patch,
  };
}

function deps(ecs: FakeEcs): FlowDeps & { lines: string[]; groups: string[] } {
  let now = 0;
  const lines: string[] = [];
  const groups: string[] = [];
  return {
    ecs,
    lines,
    groups,
    log: { info: (m) => lines.push(m), warning: (m) => lines.push(`warning: ${m}`) },
    group: (title, fn) => (groups.push(title), fn()),
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

describe('runDeploy', () => {
  test('renders, registers, updates and waits for COMPLETED; outputs say so', async () => {
    const ecs = new FakeEcs();
    ecs.scripts.push([
      { rolloutState: 'IN_PROGRESS', runningCount: 1 },
      { rolloutState: 'COMPLETED', runningCount: 2 },
    ]);
    const d = deps(ecs);
    const result = await runDeploy(config(), d);
    expect(result.failure).toBeUndefined();
    expect(result.outcome).toBe('deployed');
    expect(d.groups).toEqual([
      'Read the service',
      'Render the task definition',
      'Register the task definition',
      'Update the service',
      'Wait for the deployment',
    ]);
    expect(ecs.revisions.at(-1)!.containerDefinitions![0]!.image).toBe(`${REG}/ms_core@${DIGEST}`);
    expect(mainOutputs(result)).toEqual({
      'task-definition-arn': arn(8),
      revision: '8',
      'deployment-id': 'ecs-svc/1',
      'rollout-state': 'COMPLETED',
      'previous-task-definition-arn': arn(7),
      'previous-revision': '7',
      'rolled-back': 'false',
    });
    expect(result.diff.some((l) => l.startsWith('+') && l.includes(DIGEST))).toBe(true);
    expect(summary(result, { dryRun: false }).title).toBe('ECS deploy completed');
  });

  test('dry run: prints the diff, registers and updates nothing', async () => {
    const ecs = new FakeEcs();
    const d = deps(ecs);
    const result = await runDeploy(config({ dryRun: true }), d);
    expect(result.outcome).toBe('planned');
    expect(ecs.calls).toEqual(['DescribeServices', 'DescribeTaskDefinition orders:7']);
    expect(d.lines.join('\n')).toMatch(/-\s+"image": ".*ms_core:v1.2.2",\n\+\s+"image": ".*ms_core@sha256:a{64}",/);
    expect(d.lines.join('\n')).toMatch(/\[dry-run\] would register a revision of orders and update the service orders/);
    expect(summary(result, { dryRun: true }).sections!.join('\n')).toContain('```diff');
  });

  test('a re-run when the service already runs the digest changes nothing', async () => {
    const ecs = new FakeEcs(`${REG}/ms_core@${DIGEST}`);
    const result = await runDeploy(config(), deps(ecs));
    expect(result.outcome).toBe('unchanged');
    expect(ecs.calls).not.toContain('RegisterTaskDefinition');
    expect(ecs.calls.some((c) => c.startsWith('UpdateService'))).toBe(false);
  });

  test('a revision deployed as it is (no images): no registration', async () => {
    const ecs = new FakeEcs();
    ecs.revisions.push({ taskDefinitionArn: arn(5), family: 'orders', revision: 5, containerDefinitions: [{ name: 'web', image: 'x' }] });
    const result = await runDeploy(config({ images: [], source: { kind: 'reference', reference: 'orders:5' } }), deps(ecs));
    expect(result.outcome).toBe('deployed');
    expect(ecs.calls).toContain('UpdateService orders:5');
    expect(ecs.calls).not.toContain('RegisterTaskDefinition');
    expect(mainOutputs(result).revision).toBe('5');
  });

  test.each([
    ['FAILED', [{ rolloutState: 'FAILED', rolloutStateReason: 'alarm in ALARM' }], /The deployment ecs-svc\/1 failed .*alarm in ALARM/],
    [
      'circuit breaker',
      [
        { rolloutState: 'IN_PROGRESS' },
        { rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' },
      ],
      /circuit breaker stopped the deployment ecs-svc\/1/,
    ],
    [
      'a task stopped',
      [
        {
          rolloutState: 'IN_PROGRESS',
          stopped: [
            {
              taskArn: 'arn:task/prod/t1',
              lastStatus: 'STOPPED',
              stoppedReason: 'Essential container in task exited',
              containers: [{ name: 'web', exitCode: 2 }],
            },
          ],
        },
      ],
      /1 task of the deployment ecs-svc\/1 stopped .*container "web" exited with code 2/,
    ],
    ['timeout', [{ rolloutState: 'IN_PROGRESS' }], /did not complete within 1m/],
  ] as const)('fails on %s; with rollback-on-failure rolls back and says both outcomes', async (_t, script, message) => {
    const plain = new FakeEcs();
    plain.scripts.push([...script] as Script);
    const failed = await runDeploy(config(), deps(plain));
    expect(failed.outcome).toBe('failed');
    expect(failed.failure?.message).toMatch(message);
    expect(failed.rollback).toBeUndefined();

    const ecs = new FakeEcs();
    ecs.scripts.push([...script] as Script);
    const d = deps(ecs);
    const result = await runDeploy(config({ rollbackOnFailure: true }), d);
    expect(result.failure?.message).toMatch(message);
    expect(result.failure?.message).toMatch(/; rolled back to orders:7: deployment ecs-svc\/2 COMPLETED$/);
    expect(ecs.calls.filter((c) => c.startsWith('UpdateService'))).toEqual(['UpdateService orders:8', 'UpdateService orders:7']);
    expect(d.groups.slice(-2)).toEqual(['Roll back to orders:7', 'Wait for the rollback deployment']);
    expect(mainOutputs(result)['rolled-back']).toBe('true');
    expect(mainOutputs(result)['previous-revision']).toBe('7');
    expect(summary(result, { dryRun: false }).title).toBe('ECS deploy failed, rolled back');
    const json = outputsJson(result, { dryRun: false, region: 'eu-west-1' }) as { rollback: { outcome: string } };
    expect(json.rollback.outcome).toBe('completed');
  });

  test('a rollback that fails too is said', async () => {
    const ecs = new FakeEcs();
    ecs.scripts.push([{ rolloutState: 'FAILED' }], [{ rolloutState: 'FAILED', rolloutStateReason: 'still broken' }]);
    const result = await runDeploy(config({ rollbackOnFailure: true }), deps(ecs));
    expect(result.failure?.message).toMatch(/; the rollback to orders:7 did not complete either: .*still broken/);
    expect(result.failure?.check.join(' ')).toMatch(/neither revision/);
    expect(mainOutputs(result)['rolled-back']).toBe('false');
  });

  test('wait: false returns once the service is updated', async () => {
    const ecs = new FakeEcs();
    const result = await runDeploy(config({ wait: false }), deps(ecs));
    expect(result.outcome).toBe('started');
    expect(result.deployment?.rolloutState).toBe('IN_PROGRESS');
  });

  test.each([
    [
      'missing service',
      (e: FakeEcs): void => {
        e.describeService = async () => undefined;
      },
      /The service "orders" does not exist in the cluster "prod"/,
    ],
    [
      'CODE_DEPLOY service',
      (e: FakeEcs): void => {
        e.service.deploymentController = 'CODE_DEPLOY';
      },
      /deployed by CODE_DEPLOY, not ECS's rolling update/,
    ],
    [
      'no container of ours',
      (e: FakeEcs): void => {
        e.revisions[0]!.containerDefinitions = [{ name: 'web', image: 'nginx' }];
      },
      /None of the containers of orders:7/,
    ],
  ] as const)('refused before any change: %s', async (_t, setup, message) => {
    const ecs = new FakeEcs();
    setup(ecs);
    const result = await runDeploy(config(), deps(ecs));
    expect(result.failure?.message).toMatch(message);
    expect(ecs.calls).not.toContain('RegisterTaskDefinition');
    expect(result.phases.at(-1)!.failed).toBe(true);
  });

  test('cancelled while waiting: says the deployment goes on', async () => {
    const ecs = new FakeEcs();
    ecs.scripts.push([{ rolloutState: 'IN_PROGRESS' }]);
    const controller = new AbortController();
    const d = deps(ecs);
    d.sleep = async () => controller.abort();
    const result = await runDeploy(config({ rollbackOnFailure: true }), { ...d, signal: controller.signal });
    expect(result.failure?.message).toMatch(/cancelled while the deployment ecs-svc\/1 rolled out/);
    expect(result.rollback).toBeUndefined();
  });
});
