// migrate-job `backend: ecs`, run from the bundle against moto's server (ECS + CloudWatch Logs) on 127.0.0.1.
// The test plays the awslogs driver (writes the container's log events to the stream ECS would use).
// What moto cannot produce: a container exit code other than 0, a null exit code (never started), stopCode,
// or placement failures[] — moto models only containerDefinitions[0] with exitCode 0. Those outcomes are
// covered on realistic DescribeTasks/RunTask payloads in actions/migrate-job/__tests__/ecs-result.test.ts.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { expectFailure, expectSuccess, runAction, type RunResult } from './harness.js';
import { freePort, toolBinary } from './migrate-job-support.js';
import { waitFor } from './lib/kube-cluster.mjs';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const IMAGE = `123456789012.dkr.ecr.${REGION}.amazonaws.com/ms_orders@sha256:${'4'.repeat(64)}`;
let moto: ChildProcess;
let subnets: string[] = [];
let securityGroup = '';
let endpoint: string;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;
const credentials = { accessKeyId: 'AKIAMIGRATEJOBTEST01', secretAccessKey: 'migrate-job-test-secret-key-000000000000' };

beforeAll(async () => {
  const port = await freePort();
  // `python -m moto.server` rather than the venv's moto_server script: the script's #! line names the
  // directory the venv was built in, which install-tools renames into place afterwards.
  moto = spawn(toolBinary('moto', 'venv/bin/python'), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  endpoint = `http://127.0.0.1:${port}`;
  await waitFor('moto', 30_000, async () => (await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) })).ok);
  // moto moves a task RUNNING → … → STOPPED one step per DescribeTasks; hold each state for 3 reads so the
  // test (playing the awslogs driver) writes the log lines while the task runs.
  await fetch(`${endpoint}/moto-api/state-manager/set-transition`, { method: 'POST', body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 3 } }) });
  ecs = new ECSClient({ region: REGION, endpoint, credentials });
  // moto's default VPC: awsvpc tasks get an ENI in a real (moto) subnet. EC2's query API, read with a regex
  // (the EC2 client is not a dependency of this project).
  const ec2 = (action: string) =>
    fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0` },
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
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/orders-migrate', 'awslogs-stream-prefix': 'ecs', 'awslogs-region': REGION } },
        },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  ecs?.destroy();
  logs?.destroy();
  if (moto && moto.exitCode === null) {
    await new Promise((resolve) => {
      const timer = setTimeout(() => moto.kill('SIGKILL'), 5_000);
      moto.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
      moto.kill('SIGTERM');
    });
  }
});

const run = (inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunResult> =>
  runAction('migrate-job', {
    inputs: { backend: 'ecs', release: 'orders', tag: 'v1.2.3', cluster: 'prod', 'task-definition': 'orders-migrate', ...inputs },
    env: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, ...env },
    secrets: [credentials.secretAccessKey],
    timeoutMs: 45_000,
  });

/** Plays the awslogs driver: once the task exists, its container "writes" these lines to CloudWatch. */
const seen = new Set<string>();
async function writeContainerLogs(lines: string[]): Promise<void> {
  let arn = '';
  await waitFor('the task', 20_000, async () => {
    const listed = await Promise.all((['RUNNING', 'STOPPED'] as const).map((desiredStatus) => ecs.send(new ListTasksCommand({ cluster: 'prod', desiredStatus }))));
    arn = listed.flatMap((l) => l.taskArns ?? []).find((a) => !seen.has(a)) ?? '';
    return arn !== '';
  });
  seen.add(arn);
  const stream = `ecs/migrate/${arn.split('/').pop()}`;
  await logs.send(new CreateLogStreamCommand({ logGroupName: '/ecs/orders-migrate', logStreamName: stream }));
  await logs.send(new PutLogEventsCommand({ logGroupName: '/ecs/orders-migrate', logStreamName: stream, logEvents: lines.map((message, i) => ({ message, timestamp: Date.now() + i })) }));
}

describe('backend: ecs against moto', () => {
  test('RunTask with the command override and awsvpc networking, waits for STOPPED, prints the CloudWatch logs', async () => {
    const pending = run({ command: '/app/migrate', args: 'up', env: 'LOG_LEVEL=debug', 'launch-type': 'FARGATE', subnets: subnets.join(', '), 'security-groups': securityGroup, image: IMAGE });
    // If the action fails before starting a task, report its result rather than a missing task.
    const early = await Promise.race([pending, writeContainerLogs(['migrate: connecting', '1/u create_users (12ms)', 'migrate: done']).then(() => undefined)]);
    if (early) expectSuccess(early);
    const result = await pending;
    expectSuccess(result);
    expect(result.outputs).toMatchObject({ status: 'succeeded', 'exit-code': '0', 'job-name': 'orders-migrate-v1-2-3' });
    expect(result.outputs['task-arn']).toMatch(/^arn:aws:ecs:eu-west-1:\d+:task\/prod\//);
    expect(result.log).toContain('1/u create_users (12ms)');
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [result.outputs['task-arn']] }))).tasks![0];
    expect(task.overrides?.containerOverrides?.[0]).toMatchObject({ name: 'migrate', command: ['/app/migrate', 'up'], environment: [{ name: 'LOG_LEVEL', value: 'debug' }] });
    expect(task.startedBy).toMatch(/^deploy-kit-migrate-[0-9a-f]{8}$/);
    expect(task.launchType).toBe('FARGATE');
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
    [{ image: `123456789012.dkr.ecr.${REGION}.amazonaws.com/ms_orders@sha256:${'5'.repeat(64)}` }, 'runs ' + IMAGE + ' in container "migrate", not'],
    [{ container: 'app' }, 'no container named "app" (it has "migrate")'],
    [{ 'launch-type': 'FARGATE', 'capacity-provider': 'FARGATE_SPOT' }, 'Input "capacity-provider": is given together with "launch-type"'],
    [{ 'task-definition': '' }, 'Input "task-definition": is required with backend "ecs"'],
    [{ region: 'mars-1' }, 'Input "region": is not an AWS region'],
  ])('%j → clear error', async (inputs, message) => {
    expectFailure(await run(inputs), message);
  });

  test('a cluster that does not exist: a clear error with the API reason', async () => {
    const result = await run({ cluster: 'no-such-cluster', 'launch-type': 'FARGATE' });
    expectFailure(result, /ECS ListTasks failed[\s\S]*Cluster not found/);
  });
});
