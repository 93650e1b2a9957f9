// The deployment guide's ECS production workflow and its rollback (examples/ecs/.github/workflows/), run
// by act through the reusable workflows (release.yml, rollback.yml) and the release composite with
// `delivery: ecs`, against local services (action-tests/lib/release-e2e.mjs: the GitHub API fake, the
// CNCF registry with ECR-style auth, moto), with the ECS interposer (lib/ecs-interposer.mjs) in front of
// moto's ECS for the service deployments moto does not model:
//
//   production.yml v1.0.0  → built (the guide's docker build: an OCI layout), pushed, the service's task
//                            definition rendered with the image by digest, registered, the service
//                            updated and its rollout waited for (COMPLETED), health-checked, recorded
//                            with the revision in the deployment payload
//   production.yml v1.0.1  → another image, another revision, deployed the same way
//   rollback.yml   dispatch → the guide's "update the service to the previous task definition revision":
//                            v1.0.0's recorded revision, deployed again as it is (not a re-tag, nothing
//                            registered), waited for and recorded as the rollback
//
// Each production tag also gets its GitHub Release (the guide's create-release; `github-release: production`):
// generated notes, the image by digest, not a draft, the repository's latest.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { join } from 'node:path';
import { startEcsInterposer, type EcsInterposer } from './lib/ecs-interposer.mjs';
import {
  APP_REPOSITORY,
  REPO_ROOT,
  SECRET_KEY,
  mirrorToEcr,
  reportedOutputs,
  startReleaseE2E,
  type ActRun,
  type ReleaseE2E,
} from './lib/release-e2e.mjs';

jest.setTimeout(300_000);

const CLUSTER = 'myapp-production-cluster';
const SERVICE = 'myapp-production-service';
const REPOSITORY = 'myapp-production';
let e2e: ReleaseE2E;
let interposer: EcsInterposer;
let ecs: ECSClient;
let firstRevision = '';
const stepEnv: Record<string, string> = {};
/** The guide's region (the example's aws-region), in moto. */
const aws = () => ({ ...e2e.awsConfig, region: 'us-east-1' });
const revisions: Record<string, string> = {};

beforeAll(async () => {
  e2e = await startReleaseE2E({ examples: join(REPO_ROOT, 'examples/ecs/.github/workflows'), kubernetes: false, stepEnv });
  interposer = await startEcsInterposer(e2e.moto.url);
  stepEnv.AWS_ENDPOINT_URL_ECS = interposer.url; // read by every run: ECS through the interposer, the rest to moto
  interposer.deployments({ rollouts: [] });
  ecs = new ECSClient(aws());
  const ecr = new ECRClient(aws());
  await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
  ecr.destroy();
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  // What runs before deploy-kit: the guide's task definition (container `myapp`, the image by tag).
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'myapp-production-task',
      containerDefinitions: [
        {
          name: 'myapp',
          image: `${e2e.registry.host}/${REPOSITORY}:v0.9.0`,
          essential: true,
          memory: 512,
          portMappings: [{ containerPort: 8000 }],
        },
      ],
    }),
  );
  firstRevision = td.taskDefinition!.taskDefinitionArn!;
  await ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: SERVICE, taskDefinition: firstRevision, desiredCount: 2 }));
}, 120_000);

afterAll(async () => {
  ecs?.destroy();
  await interposer?.stop();
  await e2e?.close();
});

function expectSucceeded(run: ActRun): Record<string, string> {
  const outputs = reportedOutputs(run.output);
  const ok = run.exitCode === 0 && outputs.result === 'success';
  expect([
    run.exitCode,
    outputs.result,
    ok
      ? ''
      : run.output
          .split('\n')
          .filter((l) => !/::set-output::|LocalRepositoryCache/.test(l))
          .slice(-80)
          .join('\n'),
  ]).toEqual([0, 'success', '']);
  expect(run.output).not.toContain(SECRET_KEY);
  return outputs;
}
const serviceTaskDefinition = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }))).services![0]!.taskDefinition!;
const recorded = (id: string) => e2e.github.deployments(APP_REPOSITORY).find((d) => d.id === Number(id))!;

describe("the guide's ECS production workflow (examples/ecs) under act", () => {
  test.each(['v1.0.0', 'v1.0.1'])(
    'production.yml %s: pushed, rendered by digest, registered, deployed and waited for, health-checked, recorded with the revision',
    async (tag) => {
      e2e.tag(tag);
      const before = await serviceTaskDefinition();
      const outputs = expectSucceeded(await e2e.run('production.yml', { ref: `refs/tags/${tag}` }));
      const digest = JSON.parse(outputs.digests!)[`${e2e.registry.host}/${REPOSITORY}:${tag}`];
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const deployed = outputs['task-definition-arn']!;
      expect(deployed).toMatch(/:task-definition\/myapp-production-task:\d+$/);
      expect(deployed).not.toBe(before);
      expect(await serviceTaskDefinition()).toBe(deployed);
      const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: deployed }))).taskDefinition!;
      expect(td.containerDefinitions!.map((c) => [c.name, c.image])).toEqual([['myapp', `${e2e.registry.host}/${REPOSITORY}@${digest}`]]);
      const deployment = recorded(outputs['deployment-id']!);
      expect([deployment.ref, deployment.environment, deployment.statuses.map((s) => s.state)]).toEqual([
        tag,
        'production',
        ['in_progress', 'success'],
      ]);
      expect((deployment.payload as { ecs: Record<string, unknown> }).ecs).toMatchObject({
        cluster: CLUSTER,
        service: SERVICE,
        'task-definition-arn': deployed,
        'rollout-state': 'COMPLETED',
        'previous-task-definition-arn': before,
      });
      const release = e2e.github.releases(APP_REPOSITORY).find((r) => r.tag === tag)!;
      expect([release.draft, release.prerelease, release.latest]).toEqual([false, false, true]);
      expect(release.body).toContain(digest);
      expect(e2e.github.releases(APP_REPOSITORY).filter((r) => r.tag === tag)).toHaveLength(1);
      revisions[tag] = deployed;
      await mirrorToEcr({ ...e2e, awsConfig: aws() }, REPOSITORY, tag); // what ECR holds after the push: the rollback checks it by digest
    },
  );

  test("rollback.yml: the service back to v1.0.0's recorded revision, waited for and recorded; nothing registered", async () => {
    interposer.log.length = 0;
    const outputs = expectSucceeded(await e2e.run('rollback.yml', { inputs: { version: '' } }));
    expect(outputs).toMatchObject({ tag: 'v1.0.0', from: 'v1.0.1', 'task-definition-arn': revisions['v1.0.0'] });
    expect(await serviceTaskDefinition()).toBe(revisions['v1.0.0']);
    expect(interposer.operations()).toContain('UpdateService');
    expect(interposer.operations()).not.toContain('RegisterTaskDefinition');
    const deployment = recorded(outputs['deployment-id']!);
    expect(deployment.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(JSON.stringify(deployment)).toContain('Rollback of production from v1.0.1 to v1.0.0');
    expect((deployment.payload as { ecs: Record<string, unknown> }).ecs).toMatchObject({
      'task-definition-arn': revisions['v1.0.0'],
      'previous-task-definition-arn': revisions['v1.0.1'],
    });
  });
});
