// migrate-job `backend: ecs`, run from the bundle against moto's server (ECS + CloudWatch Logs) on 127.0.0.1.
// The test plays the awslogs driver (writes the container's log events to the stream ECS would use).
// What moto cannot produce — a container exit code other than 0, a non-first container, a null exit code
// (never started), stopCode, RunTask failures[], throttling and 5xx answers — comes from the ECS interposer
// (lib/ecs-interposer.mjs), a loopback proxy in front of moto that rewrites only the DescribeTasks/RunTask
// answers a test asks for; the action reaches it through AWS_ENDPOINT_URL like any endpoint.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { expectFailure, expectSuccess, runAction, type RunActionOptions, type RunResult } from './harness.js';
import { closedPort, startSilentServer } from './migrate-job-support.js';
import { waitFor } from './lib/kube-cluster.mjs';
import { startMoto } from './lib/services.mjs';
import { startEcsInterposer, type EcsInterposer } from './lib/ecs-interposer.mjs';
import { startForwardProxy } from './lib/forward-proxy.mjs';
import { makeTestCa } from './lib/test-ca.mjs';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const IMAGE = `123456789012.dkr.ecr.${REGION}.amazonaws.com/ms_orders@sha256:${'4'.repeat(64)}`;
let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
let subnets: string[] = [];
let securityGroup = '';
let endpoint: string;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;
let interposer: EcsInterposer;
const credentials = { accessKeyId: 'AKIAMIGRATEJOBTEST01', secretAccessKey: 'migrate-job-test-secret-key-000000000000' };

beforeAll(async () => {
  moto = await startMoto();
  endpoint = moto.url;
  // moto moves a task RUNNING → … → STOPPED one step per DescribeTasks; hold each state for 3 reads so the
  // test (playing the awslogs driver) writes the log lines while the task runs.
  await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 3 } }),
  });
  ecs = new ECSClient({ region: REGION, endpoint, credentials });
  // moto's default VPC: awsvpc tasks get an ENI in a real (moto) subnet. EC2's query API, read with a regex
  // (the EC2 client is not a dependency of this project).
  const ec2 = (action: string) =>
    fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: `Action=${action}&Version=2016-11-15`,
    }).then((r) => r.text());
  subnets = [...(await ec2('DescribeSubnets')).matchAll(/<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/g)].map((m) => m[1]).slice(0, 2);
  securityGroup = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(await ec2('DescribeSecurityGroups'))?.[1] ?? '';
  if (subnets.length === 0 || !securityGroup) throw new Error('moto has no default VPC subnets / security group');
  logs = new CloudWatchLogsClient({ region: REGION, endpoint, credentials });
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/orders-migrate' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'orders-migrate',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'migrate',
          image: IMAGE,
          essential: true,
          // Container-level cpu/memory (valid in ECS; moto's placement arithmetic needs them).
          cpu: 256,
          memory: 512,
          command: ['/app/migrate', 'up'],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/orders-migrate', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': REGION },
          },
        },
      ],
    }),
  );
  // Tasks with a sidecar (a log router) first: in one both containers are essential, so the migration
  // container must be named; in the other only the migration container is essential.
  for (const [family, routerEssential] of [
    ['orders-migrate-sidecar', true],
    ['orders-migrate-essential', false],
  ] as const) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [
          {
            name: 'log-router',
            image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
            essential: routerEssential,
            cpu: 128,
            memory: 256,
          },
          {
            name: 'migrate',
            image: IMAGE,
            essential: true,
            cpu: 256,
            memory: 512,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/ecs/orders-migrate', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': REGION },
            },
          },
        ],
      }),
    );
  }
  interposer = await startEcsInterposer(endpoint);
}, 60_000);

afterAll(async () => {
  await interposer?.stop();
  ecs?.destroy();
  logs?.destroy();
  await moto?.stop();
});

const run = (
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  options: Partial<RunActionOptions> = {},
): Promise<RunResult> =>
  runAction('migrate-job', {
    inputs: { backend: 'ecs', release: 'orders', tag: 'v1.2.3', cluster: 'prod', 'task-definition': 'orders-migrate', ...inputs },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...env,
    },
    secrets: [credentials.secretAccessKey],
    timeoutMs: 45_000,
    ...options,
  });

/** Plays the awslogs driver: once the task exists, its container "writes" these lines to CloudWatch. */
const seen = new Set<string>();
async function writeContainerLogs(lines: string[]): Promise<void> {
  let arn = '';
  await waitFor('the task', 20_000, async () => {
    const listed = await Promise.all(
      (['RUNNING', 'STOPPED'] as const).map((desiredStatus) => ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus }))),
    );
    arn = listed.flatMap((l) => l.taskArns ?? []).find((a) => !seen.has(a)) ?? '';
    return arn !== '';
  });
  seen.add(arn);
  const stream = `ecs/migrate/${arn.split('/').pop()}`;
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/orders-migrate', logStreamName: stream }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: '/ecs/orders-migrate',
      logStreamName: stream,
      logEvents: lines.map((message, i) => ({ message, timestamp: Date.now() + i })),
    }),
  );
}

describe('backend: ecs against moto', () => {
  test('RunTask with the command override and awsvpc networking, waits for STOPPED, prints the CloudWatch logs', async () => {
    const pending = run({
      command: '/app/migrate',
      args: 'up',
      env: 'LOG_LEVEL=debug',
      'launch-type': 'FARGATE',
      subnets: subnets.join(', '),
      'security-groups': securityGroup,
      image: IMAGE,
    });
    // If the action fails before starting a task, report its result rather than a missing task.
    const early = await Promise.race([
      pending,
      writeContainerLogs(['migrate: connecting', '1/u create_users (12ms)', 'migrate: done']).then(() => undefined),
    ]);
    if (early) expectSuccess(early);
    const result = await pending;
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0', 'job-name': 'orders-migrate-v1-2-3' });
    expect(result.outputs['task-arn']).toMatch(/^arn:aws:ecs:eu-west-1:\d+:task\/prod\//);
    expect(result.log).toContain('1/u create_users (12ms)');
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [result.outputs['task-arn']] }))).tasks![0];
    expect(task.overrides?.containerOverrides?.[0]).toMatchObject({
      name: 'migrate',
      command: ['/app/migrate', 'up'],
      environment: [{ name: 'LOG_LEVEL', value: 'debug' }],
    });
    expect(task.startedBy).toMatch(/^deploy-kit-migrate-[0-9a-f]{8}$/);
    expect(task.launchType).toBe('FARGATE');
  });

  test('through a forward proxy (tinyproxy) with a private CA: ECS and CloudWatch Logs calls all go through it', async () => {
    // moto answers as `aws.proxied.test`, a name only the proxy resolves, over TLS from a test CA.
    const ca = makeTestCa(['aws.proxied.test']);
    const proxy = await startForwardProxy({ terminateTls: { names: ['aws.proxied.test'], cert: ca.cert, key: ca.key } });
    try {
      const target = `aws.proxied.test:${new URL(endpoint).port}`;
      const pending = run(
        { command: '/app/migrate', args: 'up', 'launch-type': 'FARGATE', subnets: subnets.join(', '), 'security-groups': securityGroup },
        { AWS_ENDPOINT_URL: `https://${target}`, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.ca },
      );
      const early = await Promise.race([
        pending,
        writeContainerLogs(['migrate: through the proxy', 'migrate: done']).then(() => undefined),
      ]);
      if (early) expectSuccess(early);
      const result = await pending;
      expectSuccess(result);
      expect(result.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0' });
      expect(result.log).toContain('migrate: through the proxy');
      expect(result.log).toContain(`${target} through the proxy ${proxy.host} (HTTPS_PROXY)`);
      expect(new Set(proxy.connects())).toEqual(new Set([target]));
      expect(proxy.relayed.length).toBe(proxy.connects().length);
    } finally {
      await proxy.stop();
      rmSync(ca.dir, { recursive: true, force: true });
    }
  });

  test('dry-run prints the RunTask request and starts nothing', async () => {
    const before = (await ecs.send(new ListTasksCommand({ cluster: 'prod' }))).taskArns?.length ?? 0;
    const result = await run({ command: '/app/migrate up', 'dry-run': 'true', 'launch-type': 'FARGATE' });
    expectSuccess(result);
    expect(result.outputs.status).toBe('planned');
    expect(result.log).toContain('"startedBy": "deploy-kit-migrate-');
    expect((await ecs.send(new ListTasksCommand({ cluster: 'prod' }))).taskArns?.length ?? 0).toBe(before);
  });

  test.each([
    [{ 'task-definition': 'no-such-family' }, 'The task definition "no-such-family" does not exist in eu-west-1'],
    [
      { image: `123456789012.dkr.ecr.${REGION}.amazonaws.com/ms_orders@sha256:${'5'.repeat(64)}` },
      'runs ' + IMAGE + ' in container "migrate", not',
    ],
    [{ container: 'app' }, 'no container named "app" (it has "migrate")'],
    [{ 'launch-type': 'FARGATE', 'capacity-provider': 'FARGATE_SPOT' }, 'Input "capacity-provider": is given together with "launch-type"'],
    [{ 'task-definition': '' }, 'Input "task-definition": is required with backend "ecs"'],
    [{ region: 'mars-1' }, 'Input "region": is not an AWS region'],
  ])('%j → clear error', async (inputs, message) => {
    expectFailure(await run(inputs), message);
  });

  test('CloudWatch log events that hold workflow commands: none acts (streamed between stop-commands markers, each line neutralised)', async () => {
    const hostile = [
      '::add-mask::x',
      '::error::fake',
      '::stop-commands::t',
      'progress\r::warning::injected',
      '##[error]v1 form',
      'migrate: done',
    ];
    const pending = run({
      tag: 'v1.9.0',
      command: '/app/migrate up',
      'launch-type': 'FARGATE',
      subnets: subnets.join(', '),
      'security-groups': securityGroup,
      'log-file': 'hostile-ecs.log',
    });
    const early = await Promise.race([pending, writeContainerLogs(hostile).then(() => undefined)]);
    if (early) expectSuccess(early);
    const result = await pending;
    expectSuccess(result);
    expect(result.masked).not.toContain('x');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.problems).toEqual([]);
    for (const line of ['add-mask::x', 'error::fake', 'stop-commands::t', 'warning::injected', '[error]v1 form'])
      expect(result.log).toContain(line);
    const region = /^::stop-commands::([0-9a-f]{32})\r?\n([\s\S]*?)\r?\n::\1::$/m.exec(result.stdout);
    expect(region?.[2]).toContain('::add-mask::x');
  });

  test('a cluster that does not exist: a clear error with the API reason', async () => {
    const result = await run({ cluster: 'no-such-cluster', 'launch-type': 'FARGATE' });
    expectFailure(result, /ECS ListTasks failed[\s\S]*Cluster not found/);
  });
});

describe("ECS endpoints that fail: named, and never waited on past the step's timeout", () => {
  test('an endpoint that accepts and never answers: the step ends at its timeout, naming ECS and the endpoint', async () => {
    const silent = await startSilentServer();
    try {
      const result = await run({ timeout: '3s' }, { AWS_ENDPOINT_URL: silent.url }, { timeoutMs: 30_000 });
      expectFailure(result, `ECS DescribeTaskDefinition failed: no answer from ECS at ${silent.url} before the step's timeout ran out`);
      expect(result.durationMs).toBeLessThan(15_000);
      expect(silent.connections()).toBeGreaterThan(0);
    } finally {
      await silent.close();
    }
  });

  test('an endpoint that refuses connections: named, with the reason (was: "ECS DescribeTaskDefinition failed" and the socket error alone)', async () => {
    const port = await closedPort();
    const result = await run({ timeout: '30s' }, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }, { timeoutMs: 30_000 });
    expectFailure(
      result,
      `ECS DescribeTaskDefinition failed: the ECS endpoint http://127.0.0.1:${port} could not be reached\nWhy: connection refused (ECONNREFUSED)`,
    );
  });
});

describe('backend: ecs, task outcomes moto cannot produce (through the ECS interposer)', () => {
  const network = () => ({ 'launch-type': 'FARGATE', subnets: subnets.join(', '), 'security-groups': securityGroup });
  const viaInterposer = (inputs: Record<string, string>) => run({ ...network(), ...inputs }, { AWS_ENDPOINT_URL: interposer.url });
  /** Runs the action while the test plays the awslogs driver for its task. */
  async function runWithLogs(inputs: Record<string, string>, lines: string[]): Promise<RunResult> {
    // Tasks of earlier tests that wrote no logs are not this run's task.
    for (const arn of await tasksOf()) seen.add(arn);
    const pending = viaInterposer(inputs);
    const early = await Promise.race([pending, writeContainerLogs(lines).then(() => undefined)]);
    if (early) throw new Error(`the action ended before its task was seen:\n${early.log}\n${early.stderr}`);
    return pending;
  }
  const tasksOf = async (family?: string) =>
    (
      await Promise.all(
        (['RUNNING', 'STOPPED'] as const).map((desiredStatus) =>
          ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus, family })),
        ),
      )
    ).flatMap((l) => l.taskArns ?? []);
  /** moto's task lifecycle pace: each state held for `times` DescribeTasks reads. */
  const transitions = (times: number) =>
    fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
      method: 'POST',
      body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times } }),
    });
  let tag = 0;
  const nextTag = () => `v2.0.${++tag}`;

  afterEach(() => interposer.reset());

  test('a named container that is not the first exits 1: the step fails with its exit code and reason', async () => {
    interposer.stopped({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'log-router', exitCode: 0 },
        { name: 'migrate', exitCode: 1, reason: 'migration 2/u add_email failed' },
      ],
    });
    const result = await runWithLogs(
      { tag: nextTag(), 'task-definition': 'orders-migrate-sidecar', container: 'migrate', command: '/app/migrate up' },
      ['1/u create_users (12ms)', 'error: column "email" already exists'],
    );
    expectFailure(
      result,
      'container "migrate" exited with code 1 (migration 2/u add_email failed); the task stopped with stopCode EssentialContainerExited',
    );
    expect(result.outputs).toMatchObject({ status: 'failed', 'exit-code': '1' });
    expect(result.log).toContain('error: column "email" already exists');
    expect(result.summary).toContain('error: column "email" already exists');
    expect(interposer.log.some((e) => e.operation === 'DescribeTasks' && e.rewritten)).toBe(true);
  });

  test('no container named: the essential one decides, not the first (a failed non-essential sidecar does not fail the migration)', async () => {
    interposer.stopped({
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'log-router', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { name: 'migrate', exitCode: 0 },
      ],
    });
    const result = await runWithLogs({ tag: nextTag(), 'task-definition': 'orders-migrate-essential', command: '/app/migrate up' }, [
      '1/u create_users (12ms)',
      'migrate: done',
    ]);
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0' });
    expect(result.log).toContain('migrate: done');
    expect(result.summary).toContain('| container | migrate |');
  });

  test.each([
    [
      'CannotPullContainerError',
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${IMAGE}: not found`,
    ],
    [
      'ResourceInitializationError',
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): AccessDeniedException',
    ],
  ])("no exit code (%s): the container never ran, reported with the task's stoppedReason", async (_name, stoppedReason) => {
    interposer.stopped({
      stopCode: 'TaskFailedToStart',
      stoppedReason,
      containers: [{ name: 'migrate', exitCode: null, reason: stoppedReason.split(':')[0] }],
    });
    // No log lines to write for a container that never ran: let moto stop the task at its quickest.
    await transitions(1);
    const result = await viaInterposer({ tag: nextTag(), command: '/app/migrate up' }).finally(() => transitions(3));
    expectFailure(
      result,
      `container "migrate" never ran (no exit code): the task stopped with stopCode TaskFailedToStart, stoppedReason "${stoppedReason}"`,
    );
    expect(result.outputs).toMatchObject({ status: 'failed', 'exit-code': '' });
    expect(result.errors.join('\n')).toContain('the task execution role can pull it and read its secrets');
  });

  test.each([
    [
      [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/0f1e2d3c', reason: 'RESOURCE:MEMORY' }],
      'RESOURCE:MEMORY',
      'no container instance with enough CPU/memory',
    ],
    [
      [
        {
          arn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/0f1e2d3c',
          reason: 'MISSING',
          detail: 'ecs.capability.secrets.asm.environment-variables',
        },
      ],
      'MISSING (ecs.capability.secrets.asm.environment-variables)',
      'placement constraints or attributes',
    ],
    [
      [{ arn: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/0f1e2d3c', reason: 'AGENT' }],
      'AGENT',
      'the ECS agent on the container instance is disconnected',
    ],
  ])("RunTask cannot place the task (%#): the API's failure reasons, nothing started", async (failures, reason, hint) => {
    const before = (await tasksOf('orders-migrate')).length;
    interposer.placementFailures(failures);
    const result = await run({ tag: nextTag(), command: '/app/migrate up', 'launch-type': 'EC2' }, { AWS_ENDPOINT_URL: interposer.url });
    expectFailure(result, `ECS could not start the migration task: ${failures[0].arn}: ${reason}`);
    expect(result.errors.join('\n')).toContain(hint);
    expect(interposer.operations()).not.toContain('DescribeTasks');
    expect((await tasksOf('orders-migrate')).length).toBe(before);
  });

  test('throttling and a 500 on DescribeTasks mid-wait are retried; the result and the log lines are still right', async () => {
    interposer.inject(
      'DescribeTasks',
      [
        { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
        { status: 500, type: 'ServerException', message: 'Service unavailable. Try again later.' },
        { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
      ],
      { after: 2 },
    );
    const result = await runWithLogs({ tag: nextTag(), command: '/app/migrate up' }, [
      'migrate: connecting',
      '1/u create_users (12ms)',
      'migrate: done',
    ]);
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0' });
    expect(interposer.pending()).toBe(0);
    expect(interposer.log.filter((e) => e.injected).map((e) => `${e.status} ${e.injected}`)).toEqual([
      '400 ThrottlingException',
      '500 ServerException',
      '400 ThrottlingException',
    ]);
    expect(result.log).toMatch(/Retry ECS DescribeTasks: attempt 1 of 5 failed \(throttled \(ThrottlingException\)/);
    expect(result.log).toMatch(/Retry ECS DescribeTasks: attempt 2 of 5 failed \(HTTP 500/);
    expect(result.log.match(/1\/u create_users \(12ms\)/g)).toHaveLength(1);
    expect(result.log).toContain('migrate: done');
  });
});

test('cancelled (SIGINT, then SIGTERM as the runner sends them): the task it started is stopped with a reason', async () => {
  let child: ChildProcess | undefined;
  const before = new Set((await ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus: 'RUNNING' }))).taskArns ?? []);
  const pending = run(
    { tag: 'v3.0.0', command: '/app/migrate up', 'launch-type': 'FARGATE', subnets: subnets.join(', '), 'security-groups': securityGroup },
    {},
    { onSpawn: (c) => (child = c) },
  );
  let arn = '';
  await waitFor('the task running', 20_000, async () => {
    arn =
      ((await ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus: 'RUNNING' }))).taskArns ?? []).find((a) => !before.has(a)) ??
      '';
    return arn !== '';
  });
  child!.kill('SIGINT');
  const sigterm = setTimeout(() => child!.kill('SIGTERM'), 7_500);
  const result = await pending.finally(() => clearTimeout(sigterm));
  expectFailure(result, `Migration cancelled (orders-migrate-v3-0-0): the workflow run was cancelled; the task ${arn} was stopped`);
  expect(result.outputs).toMatchObject({ status: 'cancelled', 'task-arn': arn });
  expect(result.log).toContain('Received SIGINT: the workflow run is being cancelled');
  expect(result.log).toContain(
    `Cancelled: asked ECS to stop task ${arn} (StopTask, reason "deploy-kit migrate-job: the workflow run was cancelled")`,
  );
  const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [arn] }))).tasks![0];
  expect(task).toMatchObject({
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stoppedReason: 'deploy-kit migrate-job: the workflow run was cancelled',
  });
  expect(result.durationMs).toBeLessThan(15_000);
});
