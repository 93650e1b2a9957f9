// ecs-deploy, run from the bundle against moto's server (ECS) on 127.0.0.1 through the ECS interposer
// (lib/ecs-interposer.mjs). moto keeps the real parts: task definitions (RegisterTaskDefinition, revisions,
// DescribeTaskDefinition), the service's task definition (UpdateService, DescribeServices), tasks and their
// stop (RunTask, StopTask, ListTasks by startedBy, DescribeTasks). What moto cannot produce comes from the
// interposer: a deployment per UpdateService with its rollout state moving (COMPLETED, FAILED, the circuit
// breaker's reason), and the stopped tasks' stopCode, stoppedReason and container exit codes.
import { afterAll, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { expectFailure, expectSuccess, runAction, type RunResult } from './harness.js';
import { startMoto } from './lib/services.mjs';
import { startEcsInterposer, type EcsInterposer } from './lib/ecs-interposer.mjs';
import { PROXIED_DOMAIN, startForwardProxy } from './lib/forward-proxy.mjs';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const REG = `123456789012.dkr.ecr.${REGION}.amazonaws.com`;
const DIGEST = `sha256:${'c'.repeat(64)}`;
const IMAGES = JSON.stringify({
  services: [
    {
      service: 'ms_core',
      image: `${REG}/ms_core`,
      tags: [`${REG}/ms_core:v1.2.3`, `${REG}/ms_core:sha-0a1b2c3`],
      pin: `${REG}/ms_core:sha-0a1b2c3`,
    },
  ],
  tag: 'v1.2.3',
});
const ARTIFACTS = JSON.stringify({ digests: { [`${REG}/ms_core:v1.2.3`]: DIGEST, [`${REG}/ms_core:sha-0a1b2c3`]: DIGEST } });
const credentials = { accessKeyId: 'AKIAECSDEPLOYTEST001', secretAccessKey: 'ecs-deploy-test-secret-key-0000000000000' };

let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
let endpoint: string;
let ecs: ECSClient;
let interposer: EcsInterposer;
let subnets: string[] = [];
let securityGroup = '';
let firstRevision = '';
let serviceCount = 0;

beforeAll(async () => {
  moto = await startMoto();
  endpoint = moto.url;
  ecs = new ECSClient({ region: REGION, endpoint, credentials });
  // moto's default VPC, read with EC2's query API (the EC2 client is not a dependency of this project).
  const ec2 = (action: string) =>
    fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: `Action=${action}&Version=2016-11-15`,
    }).then((r) => r.text());
  subnets = [...(await ec2('DescribeSubnets')).matchAll(/<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/g)].map((m) => m[1]!).slice(0, 2);
  securityGroup = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(await ec2('DescribeSecurityGroups'))?.[1] ?? '';
  await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'orders',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: 'ms_core',
          image: `${REG}/ms_core:v1.2.2`,
          essential: true,
          cpu: 256,
          memory: 512,
          portMappings: [{ containerPort: 8080 }],
        },
        {
          name: 'log-router',
          image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
          essential: false,
          cpu: 128,
          memory: 256,
        },
      ],
    }),
  );
  firstRevision = registered.taskDefinition!.taskDefinitionArn!;
  interposer = await startEcsInterposer(endpoint);
}, 60_000);

afterAll(async () => {
  await interposer?.stop();
  ecs?.destroy();
  await moto?.stop();
});

beforeEach(() => interposer.reset());

/** A fresh service on the first revision, so each test starts from a service that ran one release. */
async function newService(): Promise<string> {
  const name = `orders-${++serviceCount}`;
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'prod',
      serviceName: name,
      taskDefinition: firstRevision,
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
    }),
  );
  return name;
}

const serviceTaskDefinition = async (service: string) =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }))).services![0]!.taskDefinition!;
const revisions = async () => (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'orders' }))).taskDefinitionArns!.length;

const run = (service: string, inputs: Record<string, string> = {}): Promise<RunResult> =>
  runAction('ecs-deploy', {
    inputs: { cluster: 'prod', service, images: IMAGES, artifacts: ARTIFACTS, 'poll-interval': '200ms', timeout: '20s', ...inputs },
    env: {
      AWS_ENDPOINT_URL: interposer.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    secrets: [credentials.secretAccessKey],
    timeoutMs: 45_000,
  });

describe('ecs-deploy against moto', () => {
  test('renders the image in by digest, registers, updates the service and waits for COMPLETED', async () => {
    const service = await newService();
    interposer.deployments({ rollouts: [{ looks: 3, state: 'COMPLETED' }] });
    const result = await run(service);
    expectSuccess(result);
    expect(result.outputs['previous-task-definition-arn']).toBe(firstRevision);
    expect(result.outputs['previous-revision']).toBe('1');
    expect(result.outputs['rollout-state']).toBe('COMPLETED');
    expect(result.outputs['deployment-id']).toMatch(/^ecs-svc\/deploy-kit-\d+$/);
    expect(result.outputs['rolled-back']).toBe('false');
    const deployed = result.outputs['task-definition-arn']!;
    expect(deployed).toMatch(/task-definition\/orders:\d+$/);
    expect(result.outputs.revision).toBe(deployed.split(':').pop());
    expect(await serviceTaskDefinition(service)).toBe(deployed);
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: deployed }))).taskDefinition!;
    expect(td.containerDefinitions!.map((c) => [c.name, c.image])).toEqual([
      ['ms_core', `${REG}/ms_core@${DIGEST}`],
      ['log-router', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'],
    ]);
    expect(td.containerDefinitions![0]!.portMappings).toEqual([expect.objectContaining({ containerPort: 8080 })]);
    expect(result.log).toContain('container "ms_core" (by name) → ms_core');
    expect(result.log).toMatch(/\+\s+"image": "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ms_core@sha256:c{64}",/);
    expect(interposer.operations()).toEqual(
      expect.arrayContaining(['DescribeServices', 'DescribeTaskDefinition', 'RegisterTaskDefinition', 'UpdateService', 'ListTasks']),
    );
    const json = JSON.parse(result.outputs.json!);
    expect(json.deployment).toMatchObject({ outcome: 'completed', 'rollout-state': 'COMPLETED' });
    expect(json.containers).toEqual([expect.objectContaining({ container: 'ms_core', 'matched-by': 'name' })]);

    // The same release again: the service already runs it, nothing is registered or updated.
    interposer.reset();
    interposer.deployments();
    const again = await run(service);
    expectSuccess(again);
    expect(again.log).toContain('nothing to deploy');
    expect(interposer.operations()).not.toContain('RegisterTaskDefinition');
    expect(interposer.operations()).not.toContain('UpdateService');
  });

  test('dry-run prints the task definition diff and changes nothing', async () => {
    const service = await newService();
    interposer.deployments();
    const before = await revisions();
    const result = await run(service, { 'dry-run': 'true' });
    expectSuccess(result);
    expect(result.log).toMatch(/-\s+"image": "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ms_core:v1\.2\.2",/);
    expect(result.log).toMatch(/\+\s+"image": "123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ms_core@sha256:c{64}",/);
    expect(result.log).toContain('[dry-run] would register a revision of orders and update the service');
    expect(await revisions()).toBe(before);
    expect(await serviceTaskDefinition(service)).toBe(firstRevision);
  });

  test('the circuit breaker fails the deployment; rollback-on-failure returns to the previous revision and says both outcomes', async () => {
    const service = await newService();
    interposer.deployments({
      circuitBreaker: { enable: true, rollback: false },
      rollouts: [
        { looks: 2, state: 'FAILED', reason: 'ECS deployment circuit breaker: tasks failed to start.', failedTasks: 3 },
        { looks: 2, state: 'COMPLETED' },
      ],
    });
    const result = await run(service, { 'rollback-on-failure': 'true' });
    expectFailure(
      result,
      /The deployment circuit breaker stopped the deployment ecs-svc\/deploy-kit-\d+ \(.*failed tasks 3\): ECS deployment circuit breaker: tasks failed to start\.; rolled back to orders:1: deployment ecs-svc\/deploy-kit-\d+ COMPLETED/,
    );
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.outputs['rollout-state']).toBe('FAILED');
    expect(result.outputs['previous-revision']).toBe('1');
    expect(await serviceTaskDefinition(service)).toBe(firstRevision);
    expect(interposer.operations().filter((o) => o === 'UpdateService')).toHaveLength(2);
  });

  test('rollout FAILED without rollback: the service keeps the failed revision, the error says so', async () => {
    const service = await newService();
    interposer.deployments({ rollouts: [{ looks: 1, state: 'FAILED', reason: 'CloudWatch alarm orders-5xx is in ALARM' }] });
    const result = await run(service);
    expectFailure(result, /The deployment ecs-svc\/deploy-kit-\d+ failed \(.*\): CloudWatch alarm orders-5xx is in ALARM/);
    expect(result.outputs['rolled-back']).toBe('false');
    expect(await serviceTaskDefinition(service)).toBe(result.outputs['task-definition-arn']);
  });

  test("the deployment's tasks stopping fail it with the stoppedReason and the container exit codes, then the rollback", async () => {
    const service = await newService();
    interposer.deployments({
      rollouts: [
        { looks: 1000, state: 'COMPLETED' },
        { looks: 1, state: 'COMPLETED' },
      ],
      // ECS starts the deployment's tasks with startedBy = its id; here one starts and is killed.
      onDeployment: async (deployment) => {
        if (deployment.taskDefinition === firstRevision) return;
        const started = await ecs.send(
          new RunTaskCommand({
            cluster: 'prod',
            taskDefinition: deployment.taskDefinition,
            startedBy: deployment.id,
            launchType: 'FARGATE',
            networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [securityGroup] } },
          }),
        );
        await ecs.send(
          new StopTaskCommand({ cluster: 'prod', task: started.tasks![0]!.taskArn!, reason: 'Essential container in task exited' }),
        );
      },
    });
    interposer.stopped({
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'ms_core', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { name: 'log-router', exitCode: 0, reason: '' }, // added by the interposer, copied from moto's one container: no reason of its own
      ],
    });
    const result = await run(service, { 'rollback-on-failure': 'true' });
    expectFailure(
      result,
      /1 task of the deployment ecs-svc\/deploy-kit-\d+ stopped \(stopped-task-limit 1\): task [0-9a-f-]+: stopCode EssentialContainerExited, stoppedReason "Essential container in task exited"; container "ms_core" exited with code 137 \(OutOfMemoryError: Container killed due to memory usage\), container "log-router" exited with code 0; rolled back to orders:1/,
    );
    expect(await serviceTaskDefinition(service)).toBe(firstRevision);
  });

  test('a revision deployed as it is (no images): the rollback path', async () => {
    const service = await newService();
    interposer.deployments();
    const first = await run(service);
    expectSuccess(first);
    interposer.reset();
    interposer.deployments();
    const result = await run(service, { images: '', artifacts: '', 'task-definition': 'orders:1' });
    expectSuccess(result);
    expect(result.log).toContain('Deploying orders:1 as it is');
    expect(interposer.operations()).not.toContain('RegisterTaskDefinition');
    expect(result.outputs['previous-task-definition-arn']).toBe(first.outputs['task-definition-arn']);
    expect(await serviceTaskDefinition(service)).toBe(firstRevision);
  });

  test('the timeout fails the wait; throttled calls are retried', async () => {
    const service = await newService();
    interposer.deployments({ rollouts: [{ looks: 10_000, state: 'COMPLETED' }] });
    interposer.inject('DescribeServices', [{ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }], { after: 2 });
    const result = await run(service, { timeout: '2s' });
    expectFailure(result, /The deployment ecs-svc\/deploy-kit-\d+ did not complete within 2s \(IN_PROGRESS, running 0\/2/);
    expect(interposer.pending()).toBe(0);
  });

  test.each([
    [{ service: 'no-such-service' }, 'The service "no-such-service" does not exist in the cluster "prod"'],
    [{ cluster: 'nowhere' }, 'ECS DescribeServices failed: the cluster does not exist'],
    [{ containers: 'web=ms_core' }, 'Input "containers" names the container "web"'],
    [{ artifacts: '' }, 'Input "artifacts": is empty, so the images have no digest'],
  ])('%j → clear error, nothing registered', async (inputs, message) => {
    const service = await newService();
    interposer.deployments();
    const before = await revisions();
    const { service: override, ...rest } = inputs as Record<string, string>;
    expectFailure(await run(override ?? service, rest), message);
    expect(await revisions()).toBe(before);
  });
});

describe('ecs-deploy through a forward proxy (issue 17)', () => {
  test('every ECS call goes through tinyproxy: the endpoint is a name only the proxy resolves', async () => {
    const proxy = await startForwardProxy();
    try {
      const service = await newService();
      interposer.deployments({ rollouts: [{ looks: 2, state: 'COMPLETED' }] });
      const port = new URL(interposer.url).port;
      const target = `ecs.${PROXIED_DOMAIN}:${port}`;
      const result = await runAction('ecs-deploy', {
        inputs: { cluster: 'prod', service, images: IMAGES, artifacts: ARTIFACTS, 'poll-interval': '200ms', timeout: '20s' },
        env: {
          AWS_ENDPOINT_URL: `http://${target}`,
          HTTPS_PROXY: proxy.url,
          HTTP_PROXY: proxy.url,
          AWS_REGION: REGION,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        secrets: [credentials.secretAccessKey],
        timeoutMs: 45_000,
      });
      expectSuccess(result);
      expect(result.outputs['rollout-state']).toBe('COMPLETED');
      expect(await serviceTaskDefinition(service)).toBe(result.outputs['task-definition-arn']);
      expect(new Set(proxy.connects())).toEqual(new Set([target]));
      expect(proxy.plainRequests()).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
