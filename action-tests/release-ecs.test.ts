// The release composite with `delivery: ecs` (issue 19), run step by step as the runner runs it
// (action-tests/composite.ts) against local services: an rc tag pushes a real OCI image to the
// distribution registry, ecs-deploy puts it by digest into the ECS service's task definition in moto
// (through the ECS interposer, which gives moto's services real deployments with rollout states), and
// record-deployment records the revision in the payload. A deployment that fails is recorded as
// `failure`. `rollback: true` with `delivery: ecs` takes the previous successful deployment's recorded
// revision (not a re-tag) and updates the service to it, waited for and recorded.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runComposite, type CompositeResult } from './composite.js';
import { type GitHubFake, UPDATE_PROJECT_LIST, seedRepos, startGitHubFake } from './fakes/github/index.mjs';
import { DEFAULT_REPOSITORY, DEFAULT_TOKEN } from './harness.js';
import { startEcsInterposer, type EcsInterposer } from './lib/ecs-interposer.mjs';
import { makeOciLayout, type MadeLayout } from './lib/oci-images.mjs';
import { startMoto, startRegistry } from './lib/services.mjs';

jest.setTimeout(90_000);

const REGION = 'eu-west-1';
const ECR_HOST = `123456789012.dkr.ecr.${REGION}.amazonaws.com`;
const AWS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITECSTEST',
  AWS_SECRET_ACCESS_KEY: 'ReleaseEcsCompositeSecretKey012345678',
  AWS_REGION: REGION,
};
let github: GitHubFake;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let moto: Awaited<ReturnType<typeof startMoto>>;
let interposer: EcsInterposer;
let ecs: ECSClient;
let work: string;
let image: MadeLayout;
let image2: MadeLayout;
let firstRevision = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deploy-kit-release-ecs-'));
  [github, registry, moto, image] = await Promise.all([
    startGitHubFake({
      repos: {
        ...seedRepos(UPDATE_PROJECT_LIST),
        [DEFAULT_REPOSITORY]: { tags: { 'v1.2.3-rc.1': {}, 'v1.2.4-rc.1': {}, 'v2.0.0-rc.1': {}, 'v2.0.1-rc.1': {} } },
      },
      tokens: { [DEFAULT_TOKEN]: { login: 'github-actions' } },
    }),
    startRegistry(),
    startMoto(),
    makeOciLayout(join(work, 'oci'), { layers: [2048] }),
  ]);
  image2 = await makeOciLayout(join(work, 'oci2'), { layers: [4096] }); // the next release: another digest
  AWS.AWS_ENDPOINT_URL = moto.url;
  interposer = await startEcsInterposer(moto.url);
  const credentials = { accessKeyId: AWS.AWS_ACCESS_KEY_ID!, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY! };
  ecs = new ECSClient({ region: REGION, endpoint: moto.url, credentials });
  await ecs.send(new CreateClusterCommand({ clusterName: 'staging' }));
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'orders',
      containerDefinitions: [{ name: 'core', image: `${registry.host}/ms_core:v1.2.2`, essential: true, memory: 512 }],
    }),
  );
  firstRevision = registered.taskDefinition!.taskDefinitionArn!;
  await ecs.send(new CreateServiceCommand({ cluster: 'staging', serviceName: 'orders', taskDefinition: firstRevision, desiredCount: 1 }));
}, 120_000);

afterAll(async () => {
  ecs?.destroy();
  await Promise.all([github?.close(), registry?.stop(), moto?.stop(), interposer?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

function checkout(): string {
  const dir = mkdtempSync(join(work, 'checkout-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
      },
    });
  git('init', '-q');
  writeFileSync(join(dir, 'README'), 'sample\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'sample');
  return dir;
}
const describeRun = (r: CompositeResult) =>
  r.steps.map((s) => `${s.name}: ${s.outcome} ${s.errors.join(' | ')}`).join('\n') + `\n${r.log.slice(-4000)}`;
const serviceTaskDefinition = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'staging', services: ['orders'] }))).services![0]!.taskDefinition!;
const ecsInputs = { delivery: 'ecs', cluster: 'staging', 'ecs-service': 'orders', 'skip-migrate': 'true' };
const env = () => ({ ...AWS, AWS_ENDPOINT_URL_ECS: interposer.url, GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl });
const release = (tag: string, inputs: Record<string, string> = {}) =>
  runComposite('release', {
    ref: `refs/tags/${tag}`,
    workspace: checkout(),
    inputs: {
      services: 'core',
      registry: registry.host,
      'registry-auth': 'none',
      source: image.layout,
      'ecs-timeout': '20s',
      ...ecsInputs,
      ...inputs,
    },
    env: env(),
    secrets: [DEFAULT_TOKEN, AWS.AWS_SECRET_ACCESS_KEY!],
  });
const payloadOf = (id: string) => github.deployments(DEFAULT_REPOSITORY).find((d) => d.id === Number(id))!.payload as Record<string, any>;

describe('release composite, delivery: ecs', () => {
  test('rc tag: pushed, the ECS service deployed with the image by digest, the revision recorded; no GitOps dispatch', async () => {
    interposer.reset();
    interposer.deployments({ rollouts: [{ looks: 2, state: 'COMPLETED' }] });
    const runsBefore = github.runs().length;
    const r = await release('v1.2.3-rc.1');
    expect([r.failed, describeRun(r)]).toEqual([false, expect.any(String)]);
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'success'],
      ['gate', 'success'],
      ['images', 'success'],
      ['push', 'success'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'skipped'],
      ['ecs', 'success'],
      ['deployment', 'success'],
      ['github-release', 'skipped'],
    ]);
    expect(github.runs().length).toBe(runsBefore);
    const digest = JSON.parse(r.outputs.digests!)[`${registry.host}/ms_core:v1.2.3-rc.1`];
    const deployed = r.outputs['task-definition-arn']!;
    expect(r.outputs).toMatchObject({
      'rollout-state': 'COMPLETED',
      'previous-task-definition-arn': firstRevision,
      'deployment-state': 'success',
    });
    expect(await serviceTaskDefinition()).toBe(deployed);
    const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: deployed }))).taskDefinition!;
    expect(td.containerDefinitions![0]!.image).toBe(`${registry.host}/ms_core@${digest}`);
    const payload = payloadOf(r.outputs['deployment-id']!);
    expect(payload.ecs).toMatchObject({
      cluster: 'staging',
      service: 'orders',
      'task-definition-arn': deployed,
      'rollout-state': 'COMPLETED',
    });
    expect(payload.images.map((i: { digest: string }) => i.digest)).toEqual([digest]);
  });

  test('a deployment the circuit breaker fails: recorded as failure, the composite fails', async () => {
    interposer.reset();
    interposer.deployments({ rollouts: [{ looks: 1, state: 'FAILED', reason: 'ECS deployment circuit breaker: tasks failed to start.' }] });
    const r = await release('v1.2.4-rc.1', { source: image2.layout });
    expect(r.failed).toBe(true);
    expect(r.step('ecs').outcome).toBe('failure');
    expect(r.step('ecs').errors.join(' ')).toMatch(/The deployment circuit breaker stopped the deployment/);
    expect(r.outputs['deployment-state']).toBe('failure');
    const payload = payloadOf(r.outputs['deployment-id']!);
    expect(payload.ecs).toMatchObject({ 'rollout-state': 'FAILED', 'rolled-back': false });
  });
});

describe('rollback: true with delivery: ecs', () => {
  test("the previous successful deployment's recorded revision is deployed again, waited for and recorded; not a re-tag", async () => {
    // The rollback checks the target's images in ECR by digest (moto's ECR): put them there, with the
    // staging history above recorded against them (the rc's deployment recorded images in the
    // distribution registry, which ECR cannot answer for).
    const ecr = new ECRClient({
      region: REGION,
      endpoint: moto.url,
      credentials: { accessKeyId: AWS.AWS_ACCESS_KEY_ID!, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY! },
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ms_orders' }));
    const digests: Record<string, string> = {};
    const revisions: Record<string, string> = {};
    for (const [tag, seed] of [
      ['v2.0.0-rc.1', 'a'],
      ['v2.0.1-rc.1', 'b'],
    ] as const) {
      const body = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${seed.repeat(64)}`, size: 2 },
        layers: [],
      });
      digests[tag] = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      await ecr.send(
        new PutImageCommand({
          repositoryName: 'ms_orders',
          imageTag: tag,
          imageManifest: body,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          imageDigest: digests[tag],
        }),
      );
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'orders',
          containerDefinitions: [{ name: 'core', image: `${ECR_HOST}/ms_orders@${digests[tag]}`, essential: true, memory: 512 }],
        }),
      );
      revisions[tag] = td.taskDefinition!.taskDefinitionArn!;
    }
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${github.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `token ${DEFAULT_TOKEN}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: number };
    };
    for (const [tag, state] of [
      ['v2.0.0-rc.1', 'success'],
      ['v2.0.1-rc.1', 'failure'],
    ] as const) {
      const d = await api(`/repos/${DEFAULT_REPOSITORY}/deployments`, {
        ref: 'main',
        environment: 'qa',
        auto_merge: false,
        required_contexts: [],
        description: `${tag} to qa`,
        payload: {
          'deploy-kit': 1,
          tag,
          version: tag.slice(1),
          environment: 'qa',
          images: [{ service: 'orders', image: `${ECR_HOST}/ms_orders`, digest: digests[tag], tags: [tag] }],
          s3: null,
          migration: null,
          gitops: null,
          run: null,
          ecs: {
            cluster: 'staging',
            service: 'orders',
            'task-definition-arn': revisions[tag],
            revision: Number(revisions[tag]!.split(':').pop()),
            'deployment-id': 'ecs-svc/x',
            'rollout-state': state === 'success' ? 'COMPLETED' : 'FAILED',
            'previous-task-definition-arn': null,
            'rolled-back': false,
          },
        },
      });
      for (const st of ['in_progress', state])
        await api(`/repos/${DEFAULT_REPOSITORY}/deployments/${d.id}/statuses`, { state: st, description: `${tag}: ${st}` });
    }
    interposer.reset();
    interposer.deployments();
    const r = await runComposite('release', {
      ref: 'refs/heads/main',
      workspace: checkout(),
      inputs: { rollback: 'true', environment: 'qa', 'ecs-timeout': '20s', ...ecsInputs },
      env: env(),
      secrets: [DEFAULT_TOKEN, AWS.AWS_SECRET_ACCESS_KEY!],
    });
    if (r.failed) throw new Error(describeRun(r));
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'skipped'],
      ['gate', 'success'],
      ['images', 'skipped'],
      ['push', 'skipped'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'skipped'],
      ['ecs', 'success'],
      ['deployment', 'success'],
      ['github-release', 'skipped'],
    ]);
    expect(r.step('ecs').env).toMatchObject({ 'INPUT_TASK-DEFINITION': revisions['v2.0.0-rc.1'], INPUT_IMAGES: '' });
    expect(r.outputs).toMatchObject({
      'rolled-back-to': 'v2.0.0-rc.1',
      'rolled-back-from': 'v2.0.1-rc.1',
      'task-definition-arn': revisions['v2.0.0-rc.1'],
    });
    expect(await serviceTaskDefinition()).toBe(revisions['v2.0.0-rc.1']);
    expect(interposer.operations()).not.toContain('RegisterTaskDefinition');
    const payload = payloadOf(r.outputs['deployment-id']!);
    expect([payload.tag, payload.ecs['task-definition-arn']]).toEqual(['v2.0.0-rc.1', revisions['v2.0.0-rc.1']]);
    ecr.destroy();
  });
});
