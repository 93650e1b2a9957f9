// The example caller workflows (examples/.github/workflows/) on real tag events, run by act through
// the reusable workflows (.github/workflows/release.yml, promote.yml) and the release composite, against
// local services (see action-tests/lib/release-e2e.mjs for exactly what is real and what stands in):
//
//   dev.yml        v1.2.3-alpha.1  → built with the sample project's `make build-pipeline-ms`, pushed,
//                                    binaries to S3, migration Job run on the Kubernetes API server,
//                                    gitops-development dispatched, recorded as a GitHub deployment
//                                    (statuses and payload with digests and S3 sums in the API fake)
//                                    and verified against a loopback health endpoint that answers the
//                                    new version after a rollout
//   staging.yml    v1.2.3-rc.1     → the same for staging
//   production.yml v1.2.3          → the gate promotes rc.1 by digest through ECR (no rebuild pushed),
//                                    migration with that digest, gitops-production + API gateway routes
//   production.yml v9.9.9          → refused: no v9.9.9-rc.N, nothing pushed or dispatched
//                                    (v1.2.3 passed the gate on rc.1's successful staging deployment and
//                                    its digests in ECR: require-staging: deployment, the default)
//   production.yml v1.2.4          → refused: v1.2.4-rc.1's staging deployment failed its verification
//   rollback.yml   dispatch staging, v1.2.3-rc.1 → back from v1.2.4-rc.1: images checked in ECR by
//                                    digest, gitops-staging dispatched and waited, the rollback recorded
//                                    and verified, no migration
//   promote.yml    dispatch v1.2.3 → re-promotion of the same digest succeeds, the migration is
//                                    already complete (not run twice), production dispatched again
//   staging.yml    v1.2.3-beta.1-rc.2 → refused in plan (it resolves to development, the caller declared
//                                    staging): no build, no credentials, nothing deployed
//   staging-main.yml push to main  → a branch build main-<sha7> of the pushed commit for staging, with
//                                    static AWS keys (no role), the services and the CLI (cli_deployer)
//                                    in one run, and the Slack message on a loopback webhook, posted by
//                                    slackapi/slack-github-action at its pinned commit (its stand-in
//                                    when that is not installed: it needs github.com); with
//                                    DEPLOY_KIT_TOKEN (a private copy of deploy-kit), so its build job
//                                    takes the pack scripts from the plan job, never the token
//   staging-main.yml push to develop → refused in plan: no branch-environments rule for it
//   staging.yml    v1.2.4-rc.1     → deployed, but staging keeps answering v1.2.3-rc.1: the deployment
//                                    is marked failure, the run fails, the Slack message says why
//
// Every run builds in release.yml's `build` job (no deploy credentials) and hands the output to the
// `release` job as an artifact whose sha256 the release job checks; the build also tries to rewrite
// deploy-kit's release gate, which must never reach the release job.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCESS_KEY,
  APP_REPOSITORY,
  BUCKET,
  CLI_SERVICES,
  DEPLOY_KIT_TOKEN,
  callersForTag,
  tagMatches,
  ECR_HOST,
  NAMESPACE,
  PAT,
  SECRET_KEY,
  SERVICES,
  TAMPERED_MARKER,
  jobOutput,
  slackActionDir,
  mirrorToEcr,
  reportedOutputs,
  startReleaseE2E,
  type ReleaseE2E,
  type ActRun,
} from './lib/release-e2e.mjs';
import { execFileSync } from 'node:child_process';

jest.setTimeout(300_000);

let e2e: ReleaseE2E;
const runs: Record<string, ActRun> = {};
/** The stand-in calls each run made. */
const calls: Record<string, string[]> = {};
const rcDigests: Record<string, string> = {};
/** The GitHub API requests each release made (the fake's count, by operation). */
const apiRequests: Record<string, ReturnType<ReleaseE2E['github']['stats']>> = {};
const HOSTS: Record<string, string> = { development: 'dev.example.com', staging: 'staging.example.com', production: 'www.example.com' };
/** The tag's commit in the caller repository. */
const commitOf = (tag: string) => execFileSync('git', ['rev-parse', `${tag}^{commit}`], { cwd: e2e.repo, encoding: 'utf8' }).trim();

beforeAll(async () => {
  e2e = await startReleaseE2E();
}, 120_000);

afterAll(async () => {
  await e2e?.close();
});

/**
 * Runs the caller a push of a new tag starts (act does not apply `on.push.tags`, so the suite picks the
 * workflow by GitHub's filter rules, and checks it is `file`), after tagging the caller repository.
 */
async function release(file: string, tag: string, options: { slack?: boolean } = {}): Promise<ActRun> {
  expect(callersForTag(tag)).toEqual([file]);
  e2e.tag(tag);
  const before = e2e.standinCalls().length;
  const requestsBefore = e2e.github.requests.length;
  const run = await e2e.run(file, { ref: `refs/tags/${tag}` }, options);
  apiRequests[tag] = e2e.github.stats(requestsBefore);
  runs[tag] = run;
  calls[tag] = e2e.standinCalls().slice(before);
  expect(run.output).not.toContain(PAT);
  expect(run.output).not.toContain(SECRET_KEY);
  return run;
}

function expectSucceeded(run: ActRun): Record<string, string> {
  const outputs = reportedOutputs(run.output);
  // On failure show act's last lines, which name the failing step.
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
  return outputs;
}

async function manifestDigest(repository: string, reference: string): Promise<string | null> {
  const auth = `Basic ${Buffer.from('AWS:123456789012-auth-token').toString('base64')}`;
  const res = await fetch(`${e2e.registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { authorization: auth, accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
  });
  return res.status === 200 ? res.headers.get('docker-content-digest') : null;
}

async function s3Objects(tag: string) {
  const listed = await e2e.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `binaries/${tag}/` }));
  return Promise.all(
    (listed.Contents ?? []).map(async (o) => {
      const head = await e2e.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: o.Key!, ChecksumMode: 'ENABLED' }));
      return { key: o.Key!, size: o.Size!, sha256: head.ChecksumSHA256 };
    }),
  );
}

function dispatches(repository: string, version: string) {
  return e2e.github.runs().filter((r) => r.repository === repository && r.inputs.newVersion === version);
}

async function migrationJob(tag: string) {
  const name = `sample-service-migrate-${tag.replace(/\./g, '-')}`;
  const job = await e2e.cluster.getJob(NAMESPACE, name);
  const container = job?.spec?.template?.spec?.containers?.[0];
  return {
    name,
    image: container?.image,
    command: container?.command,
    envFrom: container?.envFrom,
    succeeded: job?.status?.succeeded,
    labels: job?.metadata?.labels ?? {},
  };
}

test.each([
  ['v1.2.3-alpha.1', ['dev.yml']],
  ['v1.2.3-beta.2', ['dev.yml']],
  ['v1.2.3-rc.1', ['staging.yml']],
  ['v1.2.3-rc.10+build.7', ['staging.yml']],
  ['v1.2.3', ['production.yml']],
  ['v10.20.30', ['production.yml']],
  ['1.2.3', []],
  ['v1.2', []],
  ['release/v1.2.3', []],
  ['v1.2.3-beta.1-rc.2', []], // issue 20: started staging.yml, resolves to development
  ['v1.2.3+x-alpha.1', ['production.yml']], // issue 20: started dev.yml, resolves to production
])("a push of tag %s starts %j (the example callers' on.push.tags, by GitHub's filter rules)", (tag, files) => {
  expect(callersForTag(tag)).toEqual(files);
  expect(callersForTag(tag, { ignoreCase: true })).toEqual(files);
});

test.each([
  [['v*'], 'v1/x', false],
  [['v**'], 'v1/x', true],
  [['v1.2.3?'], 'v1.2.3', true],
  [['v1+.0'], 'v111.0', true],
  [['v*', '!v*-*', 'v*-rc.*'], 'v1-rc.1', true],
  [['v*', '!v*-*'], 'v1-beta.1', false],
])('filter patterns %j on %s → %s', (patterns, tag, expected) => {
  expect(tagMatches(patterns, tag)).toBe(expected);
});

describe.each([
  ['dev.yml', 'v1.2.3-alpha.1', 'development'],
  ['staging.yml', 'v1.2.3-rc.1', 'staging'],
])('%s on %s', (file, tag, environment) => {
  let outputs: Record<string, string>;
  test(`act runs both jobs of release.yml to success and the caller reads its outputs (${environment})`, async () => {
    outputs = expectSucceeded(await release(file, tag));
    expect([outputs.tag, outputs.environment, outputs['promoted-from']]).toEqual([tag, environment, '']);
    expect(outputs.images.split(' ')).toEqual(expect.arrayContaining(SERVICES.map((s) => `${e2e.registry.host}/ms_${s}:${tag}`)));
  });

  test('every service image is in the registry under the tag with the digest the workflow reported', async () => {
    const digests = JSON.parse(outputs.digests) as Record<string, string>;
    for (const service of SERVICES) {
      const digest = await manifestDigest(`ms_${service}`, tag);
      expect([service, digest]).toEqual([service, e2e.layouts[service]!.digest]);
      expect(digests[`${e2e.registry.host}/ms_${service}:${tag}`]).toBe(digest);
      if (tag.includes('-rc.')) rcDigests[service] = digest!;
    }
  });

  test('the binaries make build-pipeline-ms built are in S3 under the tag, with SHA-256 checksums', async () => {
    const objects = await s3Objects(tag);
    expect(objects.map((o) => o.key).sort()).toEqual(SERVICES.map((s) => `binaries/${tag}/${s}`));
    for (const o of objects) {
      expect(o.size).toBeGreaterThan(100_000); // a Go binary, not a placeholder
      expect(o.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
  });

  test('the migration ran as a Kubernetes Job with the core image by digest, and succeeded', async () => {
    const job = await migrationJob(tag);
    expect([job.image, job.succeeded]).toEqual([`${e2e.registry.host}/ms_core@${e2e.layouts.core!.digest}`, 1]);
    expect([job.command, job.envFrom]).toEqual([
      ['migrate', '-path', '/migrations', '-database', '$(DATABASE_URL)', 'up'],
      [{ secretRef: { name: 'sample-service-db' } }],
    ]);
    expect(jobOutput(runs[tag]!.output, 'deploy/release/release')).toContain('migrate: 2/2 migrations applied');
  });

  test(`gitops-${environment} was dispatched with the release's version and projects, and followed to success`, () => {
    const sent = dispatches(`example-org/gitops-${environment}`, tag);
    expect(sent.map((r) => [r.workflowName, r.inputs.projectNames, r.inputs.updatesRoutes, r.conclusion])).toEqual([
      ['Update Project List Version', 'ms_chat ms_core ms_payments', 'true', 'success'],
    ]);
    expect(outputs['run-url']).toBe(`${e2e.github.serverUrl}/example-org/gitops-${environment}/actions/runs/${sent[0]!.id}`);
  });

  // issue 16: the release is recorded in the caller repository and verified after the hand-off.
  test(`recorded as a ${environment} deployment of the tag's commit: in_progress → success, the payload by digest, verified against the health endpoint`, async () => {
    const recorded = e2e.github.deployments(APP_REPOSITORY).filter((d) => d.ref === tag);
    expect(recorded.map((d) => [d.environment, d.sha, d.transient, d.production, d.statuses.map((x) => x.state)])).toEqual([
      [environment, commitOf(tag), environment === 'development', false, ['in_progress', 'success']],
    ]);
    const d = recorded[0]!;
    expect([String(d.id), outputs.verified]).toEqual([outputs['deployment-id'], 'true']);
    expect(d.statuses.map((x) => [x.logUrl, x.environmentUrl])).toEqual(
      Array(2).fill([outputs['run-url'], `https://${HOSTS[environment]}`]),
    );
    expect(d.statuses[1]!.description).toBe(`${tag} to ${environment}: deployed and verified (1 URL)`);
    const payload = d.payload as {
      tag: string;
      version: string;
      images: Array<{ service: string; digest: string; tags: string[] }>;
      s3: { bucket: string; objects: Array<{ key: string; sha256: string }> };
      migration: { status: string; job: string };
      gitops: { repository: string; 'run-url': string; conclusion: string };
    };
    expect([payload.tag, payload.version]).toEqual([tag, tag.slice(1)]);
    expect(payload.images.map((i) => [i.service, i.digest])).toEqual(SERVICES.map((s) => [s, e2e.layouts[s]!.digest]));
    const s3 = Object.fromEntries((await s3Objects(tag)).map((o) => [o.key, Buffer.from(o.sha256!, 'base64').toString('hex')]));
    expect([payload.s3.bucket, Object.fromEntries(payload.s3.objects.map((o) => [o.key, o.sha256]))]).toEqual([BUCKET, s3]);
    expect([payload.migration.status, payload.migration.job]).toEqual(['succeeded', (await migrationJob(tag)).name]);
    expect([payload.gitops.repository, payload.gitops['run-url'], payload.gitops.conclusion]).toEqual([
      `example-org/gitops-${environment}`,
      outputs['run-url'],
      'success',
    ]);
    // The health endpoint answered the previous version (or 503) during the rollout, then the tag.
    const looks = e2e.verify.requests.filter((r) => r.environment === environment);
    expect(looks.length).toBeGreaterThanOrEqual(3);
    expect(looks.at(-1)!.version).toBe(tag);
    // record-deployment's share of the release's GitHub API requests: create, in_progress, success.
    expect([
      apiRequests[tag]!.byOperation['repos/create-deployment'],
      apiRequests[tag]!.byOperation['repos/create-deployment-status'],
    ]).toEqual([1, 2]);
    expect(e2e.github.violations).toEqual([]);
  });

  test('the pinned third-party actions were asked for the right things; deploy-kit is checked out at its commit in every job', () => {
    const made = calls[tag]!;
    expect(made).toContain(`configure-aws-credentials role=arn:aws:iam::123456789012:role/release-${environment} region=eu-west-1`);
    expect(made).toContain(
      `checkout repository=example-org/sample-service ref=refs/tags/${tag} path=. fetch-depth=0 persist-credentials=false`,
    );
    expect(made).toContain('setup-go go-version=1.25 cache=false host=' + made.find((c) => c.startsWith('setup-go'))!.split(' host=')[1]);
    // Was `ref=v1` (a tag that moves) before issue 20: now the full commit, in plan, build and release.
    expect(made.filter((c) => c.includes('path=.deploy-kit'))).toEqual(
      Array(3).fill(`checkout repository=org/deploy-kit ref=${e2e.deployKitSha} path=.deploy-kit fetch-depth=1 persist-credentials=false`),
    );
  });

  test('the build ran in the build job, and the release job used its output only after checking the recorded sha256', () => {
    const made = calls[tag]!;
    const upload = made.find((c) => c.startsWith('upload-artifact '));
    const digest = /^upload-artifact name=deploy-kit-build-([0-9a-f]{64}) retention-days=1 overwrite=true$/.exec(upload ?? '')?.[1];
    expect([upload, digest]).toEqual([upload, expect.any(String)]);
    expect(made).toContain(`download-artifact name=deploy-kit-build-${digest}`);
    // the order: build, upload, then (release job) download, and only then the AWS credentials
    const order = ['setup-go', 'upload-artifact', 'download-artifact', 'configure-aws-credentials'].map((what) =>
      made.findIndex((c) => c.startsWith(what)),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const archive = readFileSync(join(e2e.artifacts, `deploy-kit-build-${digest}`, 'deploy-kit-build-output.tar'));
    expect(createHash('sha256').update(archive).digest('hex')).toBe(digest);
    const output = runs[tag]!.output;
    expect(jobOutput(output, 'deploy/release/build')).toContain(
      'Build output: build/oci bin_arm64/ms → deploy-kit-build-output.tar sha256:' + digest,
    );
    const release = jobOutput(output, 'deploy/release/release');
    expect(release).toContain(`Build output: sha256:${digest} verified; extracted build/oci bin_arm64/ms`);
    expect(release).not.toMatch(/go build|make build-pipeline-ms/);
  });

  test("the build's attempt to rewrite deploy-kit's release gate never reached the release job", () => {
    expect(jobOutput(runs[tag]!.output, 'deploy/release/release')).not.toContain(TAMPERED_MARKER);
    expect(runs[tag]!.output).toContain('Release gate: mode push');
  });
});

describe('production.yml on v1.2.3 (the release gate)', () => {
  let outputs: Record<string, string>;
  test('with rc.1 in ECR, act runs to success and reports the promotion', async () => {
    // What ECR holds after the staging push (see mirrorToEcr): the same manifests, the same digests.
    for (const service of SERVICES) expect(await mirrorToEcr(e2e, `ms_${service}`, 'v1.2.3-rc.1')).toBe(rcDigests[service]);
    outputs = expectSucceeded(await release('production.yml', 'v1.2.3'));
    expect([outputs.tag, outputs.environment, outputs['promoted-from']]).toEqual(['v1.2.3', 'production', 'v1.2.3-rc.1']);
    expect(runs['v1.2.3']!.output).toContain('Release gate: promoting v1.2.3-rc.1 by digest');
  });

  test('every production tag in ECR points at exactly the rc digest; nothing was pushed to the registry', async () => {
    const ecr = new ECRClient(e2e.awsConfig);
    const digests = JSON.parse(outputs.digests) as Record<string, string>;
    for (const service of SERVICES) {
      const got = await ecr.send(new BatchGetImageCommand({ repositoryName: `ms_${service}`, imageIds: [{ imageTag: 'v1.2.3' }] }));
      expect([service, got.images?.[0]?.imageId?.imageDigest]).toEqual([service, rcDigests[service]]);
      expect(digests[`${ECR_HOST}/ms_${service}:v1.2.3`]).toBe(rcDigests[service]);
      expect(await manifestDigest(`ms_${service}`, 'v1.2.3')).toBeNull();
    }
  });

  test('binaries uploaded for v1.2.3; the migration ran with the promoted core digest', async () => {
    expect((await s3Objects('v1.2.3')).map((o) => o.key).sort()).toEqual(SERVICES.map((s) => `binaries/v1.2.3/${s}`));
    const job = await migrationJob('v1.2.3');
    expect([job.image, job.succeeded]).toEqual([`${ECR_HOST}/ms_core@${rcDigests.core}`, 1]);
  });

  test('gitops-production and the API gateway routes were dispatched', () => {
    expect(dispatches('example-org/gitops-production', 'v1.2.3').map((r) => [r.workflowName, r.inputs.projectNames, r.conclusion])).toEqual(
      [['Update Project List Version', 'ms_chat ms_core ms_payments', 'success']],
    );
    const routes = e2e.github.runs().filter((r) => r.repository === 'example-org/terraform-apps-production');
    expect(routes.map((r) => [r.workflowName, r.conclusion])).toEqual([['Update API Gateway Routes', 'success']]);
  });

  test('v9.9.9 with no release candidate: the gate refuses, naming the missing rc; nothing promoted, migrated or dispatched', async () => {
    const run = await release('production.yml', 'v9.9.9');
    // act stops at the failed reusable workflow (its `report` job does not run, unlike GitHub's `if: always()`).
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("Error: Job 'release' failed");
    expect(run.output).toContain('Production release v9.9.9 is blocked: no release candidate v9.9.9-rc.N was found');
    const ecr = new ECRClient(e2e.awsConfig);
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'ms_core', imageIds: [{ imageTag: 'v9.9.9' }] }));
    expect(got.images ?? []).toEqual([]);
    expect((await migrationJob('v9.9.9')).image).toBeUndefined();
    expect(dispatches('example-org/gitops-production', 'v9.9.9')).toEqual([]);
    expect(await s3Objects('v9.9.9')).toEqual([]);
  });
});

describe('promote.yml by hand (workflow_dispatch)', () => {
  test('re-promoting v1.2.3 from rc.1: same digest is success, the migration is already complete and not run again', async () => {
    const run = await e2e.run('promote.yml', { inputs: { tag: 'v1.2.3', from: 'v1.2.3-rc.1' } });
    expect(run.output).not.toContain(PAT);
    const outputs = expectSucceeded(run);
    expect([outputs.environment, outputs['promoted-from']]).toEqual(['production', 'v1.2.3-rc.1']);
    const digests = JSON.parse(outputs.digests) as Record<string, string>;
    for (const service of SERVICES) expect(digests[`${ECR_HOST}/ms_${service}:v1.2.3`]).toBe(rcDigests[service]);
    expect(run.output).toMatch(/already complete/i);
    expect(e2e.node.handled.filter((pod) => /^sample-service-migrate-v1-2-3-[a-z0-9]{5}$/.test(pod))).toHaveLength(1);
    expect(dispatches('example-org/gitops-production', 'v1.2.3')).toHaveLength(2);
    expect(e2e.standinCalls()).toContain(
      'configure-aws-credentials role=arn:aws:iam::123456789012:role/release-production region=eu-west-1',
    );
  });
});

describe('staging-main.yml on a push to main: a branch build for staging, static keys, services and CLI, Slack', () => {
  let run: ActRun;
  let outputs: Record<string, string>;
  let sha: string;
  let name: string;
  let made: string[];
  test('act runs the branch build to success; the plan names it <branch>-<sha7> and resolves it to staging', async () => {
    // Every run before this one was given no SLACK_WEBHOOK_URL: nothing was posted.
    expect(e2e.slack.received).toEqual([]);
    sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: e2e.repo, encoding: 'utf8' }).trim();
    name = `main-${sha.slice(0, 7)}`;
    const before = e2e.standinCalls().length;
    run = await e2e.run('staging-main.yml', { ref: 'refs/heads/main' }, { slack: true });
    made = e2e.standinCalls().slice(before);
    expect(run.output).not.toContain(PAT);
    expect(run.output).not.toContain(SECRET_KEY);
    outputs = expectSucceeded(run);
    expect([outputs.name, outputs.environment, outputs.tag, outputs['promoted-from']]).toEqual([name, 'staging', '', '']);
    expect(jobOutput(run.output, 'deploy/release/plan')).toContain(`Branch build ${name} of main at ${sha} for staging.`);
  });

  test("the static keys from the caller's secrets, not a role: configure-aws-credentials got the key pair", () => {
    expect(made.filter((c) => c.startsWith('configure-aws-credentials'))).toEqual([
      `configure-aws-credentials keys=${ACCESS_KEY} secret-key-length=${SECRET_KEY.length} region=eu-west-1`,
    ]);
    expect(jobOutput(run.output, 'deploy/release/release')).toContain(
      'AWS credentials: the static keys of the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY secrets.',
    );
  });

  test('a private copy (DEPLOY_KIT_TOKEN): plan and release check deploy-kit out; the build job gets only its pack scripts, from the plan', () => {
    expect(run.output).not.toContain(DEPLOY_KIT_TOKEN);
    expect(made.filter((c) => c.includes('path=.deploy-kit'))).toEqual(
      Array(2).fill(`checkout repository=org/deploy-kit ref=${e2e.deployKitSha} path=.deploy-kit fetch-depth=1 persist-credentials=false`),
    );
    const pack = `deploy-kit-pack-${e2e.deployKitSha}`;
    expect(made.filter((c) => c.includes('deploy-kit-pack-'))).toEqual([
      `upload-artifact name=${pack} retention-days=1 overwrite=true`,
      `download-artifact name=${pack}`,
    ]);
    expect(readdirSync(join(e2e.artifacts, pack)).sort()).toEqual(['build-output.sh', 'lib.sh']);
    // The pack ran from those scripts in the build job (its archive was verified in the release job, above).
    expect(jobOutput(run.output, 'deploy/release/build')).toMatch(
      /Build output: build\/oci build\/oci-cli bin_arm64\/ms → deploy-kit-build-output\.tar sha256:[0-9a-f]{64}/,
    );
  });

  test('the build and the release checked out the pushed commit, not the branch (which may move)', () => {
    expect(made.filter((c) => c.startsWith('checkout repository=example-org/sample-service'))).toEqual([
      `checkout repository=example-org/sample-service ref=${sha} path=. fetch-depth=0 persist-credentials=false`,
      `checkout repository=example-org/sample-service ref=${sha} path=. fetch-depth=0 persist-credentials=false`,
    ]);
  });

  test("the services and the CLI are in the registry under the build's name, with the digests the workflow reported", async () => {
    const digests = JSON.parse(outputs.digests) as Record<string, string>;
    const images = outputs.images.split(' ');
    for (const repository of [...SERVICES.map((s) => `ms_${s}`), ...CLI_SERVICES.map((s) => `cli_${s}`)]) {
      const want = e2e.layouts[repository.replace(/^ms_/, '')]!.digest;
      expect([repository, await manifestDigest(repository, name)]).toEqual([repository, want]);
      expect([repository, digests[`${e2e.registry.host}/${repository}:${name}`]]).toEqual([repository, want]);
      expect(images).toContain(`${e2e.registry.host}/${repository}:${name}`);
    }
  });

  test("binaries in S3 under the build's name; the migration ran once, with the core image by digest", async () => {
    expect((await s3Objects(name)).map((o) => o.key).sort()).toEqual(SERVICES.map((s) => `binaries/${name}/${s}`));
    const job = await migrationJob(name);
    expect([job.name, job.image, job.succeeded]).toEqual([
      `sample-service-migrate-${name}`,
      `${e2e.registry.host}/ms_core@${e2e.layouts.core!.digest}`,
      1,
    ]);
  });

  test("gitops-staging got the build's name as its version and the services (not the CLI) as its projects", () => {
    const sent = dispatches('example-org/gitops-staging', name);
    expect(sent.map((r) => [r.workflowName, r.inputs.projectNames, r.conclusion])).toEqual([
      ['Update Project List Version', 'ms_chat ms_core ms_payments', 'success'],
    ]);
    expect(outputs['run-url']).toBe(`${e2e.github.serverUrl}/example-org/gitops-staging/actions/runs/${sent[0]!.id}`);
  });

  test(`slackapi/slack-github-action (${slackActionDir() ? 'the pinned commit, run by act' : 'its stand-in: the pinned commit is not installed'}) posted the release's message to the webhook`, () => {
    expect(e2e.slack.received).toHaveLength(1);
    const [post] = e2e.slack.received;
    expect([post!.method, post!.path, post!.contentType]).toEqual([
      'POST',
      '/services/T000/B000/XXXXXXXX',
      expect.stringContaining('application/json'),
    ]);
    const body = post!.body as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text: string }> }>;
    };
    expect(body.text).toBe(`example-org/sample-service release ${name} to staging: success`);
    const fields = body.blocks[1]!.fields!.map((f) => f.text);
    expect(fields).toEqual([
      '*Environment*\nstaging',
      `*Version*\n${name}`,
      '*Result*\nsuccess',
      '*Migration*\nsucceeded',
      `*GitOps run*\n<${outputs['run-url']}|success>`,
    ]);
    const images = body.blocks[2]!.text!.text;
    for (const repository of [...SERVICES.map((s) => `ms_${s}`), ...CLI_SERVICES.map((s) => `cli_${s}`)]) {
      expect(images).toContain(`${repository}@${e2e.layouts[repository.replace(/^ms_/, '')]!.digest} (${name}, sha-${sha.slice(0, 7)})`);
    }
    expect(body.blocks[3]!.elements![0]!.text).toMatch(
      /^<https?:\/\/[^|]+\/example-org\/sample-service\/actions\/runs\/\d+\|workflow run>$/,
    );
    expect(jobOutput(run.output, 'deploy/release/notify')).not.toContain(e2e.slack.url);
  });

  test('a push to develop (no branch-environments rule) is refused in plan: nothing built or deployed; Slack says it did not run', async () => {
    const before = e2e.standinCalls().length;
    const refused = await e2e.run('staging-main.yml', { ref: 'refs/heads/develop' }, { slack: true });
    expect(refused.exitCode).not.toBe(0);
    expect(jobOutput(refused.output, 'deploy/release/plan')).toContain(
      'Branch develop deploys nowhere: release.yml releases tags, and pushes to the branches named in branch-environments',
    );
    // Only the plan's checkout of deploy-kit and (DEPLOY_KIT_TOKEN: a private copy) its upload of deploy-kit's own
    // pack scripts: no build, no credentials.
    expect(e2e.standinCalls().slice(before)).toEqual([
      `checkout repository=org/deploy-kit ref=${e2e.deployKitSha} path=.deploy-kit fetch-depth=1 persist-credentials=false`,
      `upload-artifact name=deploy-kit-pack-${e2e.deployKitSha} retention-days=1 overwrite=true`,
    ]);
    // The notify job runs after the refusal too: with no release job, a one-line message says so.
    expect(e2e.slack.received).toHaveLength(2);
    expect(e2e.slack.received[1]!.body).toEqual({
      text: expect.stringMatching(
        /^example-org\/sample-service release of develop to staging did not run: plan failure, build skipped, release skipped\. https?:\/\/\S+\/example-org\/sample-service\/actions\/runs\/\d+$/,
      ),
    });
  });
});

describe('a verification that fails (issue 16): staging keeps answering the old version', () => {
  test('staging.yml on v1.2.4-rc.1: deployed and handed off, but the deployment is marked failure, the run fails, and Slack says why', async () => {
    e2e.verify.stuck.add('staging'); // the GitOps run succeeds, the pods never roll out
    const posted = e2e.slack.received.length;
    let run: ActRun;
    try {
      run = await release('staging.yml', 'v1.2.4-rc.1', { slack: true });
    } finally {
      e2e.verify.stuck.delete('staging');
    }
    expect(run.exitCode).not.toBe(0);
    expect(dispatches('example-org/gitops-staging', 'v1.2.4-rc.1').map((r) => r.conclusion)).toEqual(['success']);
    const [d] = e2e.github.deployments(APP_REPOSITORY).filter((x) => x.ref === 'v1.2.4-rc.1');
    expect(d!.statuses.map((x) => x.state)).toEqual(['in_progress', 'failure']);
    const url = `${e2e.verify.url}/staging/health`;
    expect(d!.statuses[1]!.description).toContain(`v1.2.4-rc.1 to staging: verification failed, ${url}`);
    expect(jobOutput(run.output, 'deploy/release/release')).toContain(url);
    // A failure does not mark the earlier staging deployments inactive: the last good one stays active.
    const earlier = e2e.github.deployments(APP_REPOSITORY).filter((x) => x.environment === 'staging' && x.id < d!.id);
    expect(earlier.at(-1)!.statuses.at(-1)!.state).toBe('success');
    // The notify job posted the release job's message, with the verification's answer.
    expect(e2e.slack.received).toHaveLength(posted + 1);
    const body = e2e.slack.received[posted]!.body as { text: string; blocks: Array<{ fields?: Array<{ text: string }> }> };
    expect(body.text).toBe('example-org/sample-service release v1.2.4-rc.1 to staging: failure');
    expect(body.blocks[1]!.fields!.map((f) => f.text).at(-1)).toBe(
      `*Verification*\nfailure: ${url} answered HTTP 200 with version v1.2.3-rc.1, not v1.2.4-rc.1 or 1.2.4-rc.1`,
    );
  });
});

describe('the production gate asks for evidence (issue 16, require-staging: deployment)', () => {
  test("production.yml on v1.2.4 is refused while v1.2.4-rc.1's staging deployment failed: nothing promoted, migrated or dispatched", async () => {
    const [failed] = e2e.github.deployments(APP_REPOSITORY).filter((x) => x.ref === 'v1.2.4-rc.1');
    const run = await release('production.yml', 'v1.2.4');
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(
      new RegExp(
        `Production release v1\\.2\\.4 is blocked: v1\\.2\\.4-rc\\.1 has no successful deployment to staging \\(its deployment ${failed!.id} ended failure at `,
      ),
    );
    expect(run.output).toContain('deploy v1.2.4-rc.1 to staging (its release records the deployment), or set require-staging: tag');
    const ecr = new ECRClient(e2e.awsConfig);
    expect(
      (await ecr.send(new BatchGetImageCommand({ repositoryName: 'ms_core', imageIds: [{ imageTag: 'v1.2.4' }] }))).images ?? [],
    ).toEqual([]);
    expect(dispatches('example-org/gitops-production', 'v1.2.4')).toEqual([]);
    expect(e2e.github.deployments(APP_REPOSITORY).filter((x) => x.ref === 'v1.2.4')).toEqual([]);
  });

  test('then v1.2.4-rc.1 re-released to staging and verified: production.yml on v1.2.4 is allowed and promotes the digests staging recorded', async () => {
    // The same tag again (staging answers the new version now): a run of the caller, not a new git tag.
    const rerun = await e2e.run('staging.yml', { ref: 'refs/tags/v1.2.4-rc.1' });
    expect(rerun.output).not.toContain(PAT);
    expectSucceeded(rerun);
    const good = e2e.github
      .deployments(APP_REPOSITORY)
      .filter((x) => x.ref === 'v1.2.4-rc.1' && x.environment === 'staging')
      .at(-1)!;
    expect(good.statuses.map((x) => x.state)).toEqual(['in_progress', 'success']);
    const recorded = (good.payload as { images: Array<{ digest: string }> }).images.map((i) => i.digest);
    // What ECR holds after that push (see mirrorToEcr): the digests the deployment recorded.
    for (const service of SERVICES) expect(recorded).toContain(await mirrorToEcr(e2e, `ms_${service}`, 'v1.2.4-rc.1'));
    // v1.2.4 was tagged by the refused run above: run the caller again on it.
    const run = await e2e.run('production.yml', { ref: 'refs/tags/v1.2.4' });
    expect(run.output).not.toContain(PAT);
    const outputs = expectSucceeded(run);
    expect([outputs.tag, outputs['promoted-from']]).toEqual(['v1.2.4', 'v1.2.4-rc.1']);
    const ecr = new ECRClient(e2e.awsConfig);
    for (const service of SERVICES) {
      const got = await ecr.send(new BatchGetImageCommand({ repositoryName: `ms_${service}`, imageIds: [{ imageTag: 'v1.2.4' }] }));
      expect(recorded).toContain(got.images?.[0]?.imageId?.imageDigest);
    }
    expect(dispatches('example-org/gitops-production', 'v1.2.4').map((r) => r.conclusion)).toEqual(['success']);
    const [production] = e2e.github.deployments(APP_REPOSITORY).filter((x) => x.ref === 'v1.2.4');
    expect([production!.environment, production!.statuses.at(-1)!.state]).toEqual(['production', 'success']);
  });
});

describe('rollback.yml by hand (workflow_dispatch, issue 16)', () => {
  test('staging back to v1.2.3-rc.1 after v1.2.4-rc.1 failed: its images checked in ECR by digest, dispatched and waited, recorded from → to, verified; no migration', async () => {
    const pods = e2e.node.handled.length;
    const before = dispatches('example-org/gitops-staging', 'v1.2.3-rc.1').length;
    const run = await e2e.run('rollback.yml', { inputs: { environment: 'staging', version: 'v1.2.3-rc.1' } });
    expect(run.output).not.toContain(PAT);
    const outputs = expectSucceeded(run);
    expect([outputs.tag, outputs.from]).toEqual(['v1.2.3-rc.1', 'v1.2.4-rc.1']);
    const sent = dispatches('example-org/gitops-staging', 'v1.2.3-rc.1');
    expect(sent.slice(before).map((r) => [r.inputs.projectNames, r.conclusion])).toEqual([['ms_chat ms_core ms_payments', 'success']]);
    expect(outputs['run-url']).toBe(`${e2e.github.serverUrl}/example-org/gitops-staging/actions/runs/${sent.at(-1)!.id}`);
    const d = e2e.github.deployments(APP_REPOSITORY).at(-1)!;
    expect([String(d.id), d.ref, d.environment, d.description]).toEqual([
      outputs['deployment-id'],
      'v1.2.3-rc.1',
      'staging',
      expect.stringContaining('Rollback of staging from v1.2.4-rc.1 to v1.2.3-rc.1'),
    ]);
    expect(d.statuses.map((x) => x.state)).toEqual(['in_progress', 'success']);
    expect((d.payload as { images: Array<{ digest: string }> }).images.map((i) => i.digest).sort()).toEqual(
      SERVICES.map((s) => rcDigests[s]).sort(),
    );
    // never a migration: no Job pod ran, no migrate-job step
    expect(e2e.node.handled.length).toBe(pods);
    expect(run.output).not.toMatch(/migrate-job|migrations applied/);
    expect(run.output).toContain('Rollback of staging from v1.2.4-rc.1 to v1.2.3-rc.1; no migration');
  });

  test('production back to the previous release (no version given): v1.2.3 found from the records, dispatched, recorded from → to; no migration', async () => {
    const pods = e2e.node.handled.length;
    const before = dispatches('example-org/gitops-production', 'v1.2.3').length;
    const run = await e2e.run('rollback.yml', { inputs: { environment: 'production' } });
    expect(run.output).not.toContain(PAT);
    const outputs = expectSucceeded(run);
    expect([outputs.tag, outputs.from]).toEqual(['v1.2.3', 'v1.2.4']);
    expect(
      dispatches('example-org/gitops-production', 'v1.2.3')
        .slice(before)
        .map((r) => r.conclusion),
    ).toEqual(['success']);
    const d = e2e.github.deployments(APP_REPOSITORY).at(-1)!;
    expect([String(d.id), d.ref, d.environment, d.statuses.map((x) => x.state)]).toEqual([
      outputs['deployment-id'],
      'v1.2.3',
      'production',
      ['in_progress', 'success'],
    ]);
    expect(d.description).toContain('Rollback of production from v1.2.4 to v1.2.3');
    expect(e2e.node.handled.length).toBe(pods);
    expect(run.output).not.toMatch(/migrate-job|migrations applied/);
  });
});

describe('a tag that resolves to another environment than the caller declared', () => {
  test('staging.yml on v1.2.3-beta.1-rc.2 (development) is refused in plan: nothing built, no credentials used, nothing deployed', async () => {
    const tag = 'v1.2.3-beta.1-rc.2';
    // The derived filters start nothing for it; the previous `v*-rc.*` started staging.yml. act does not
    // apply filters, so this runs staging.yml as that filter did.
    expect(callersForTag(tag)).toEqual([]);
    e2e.tag(tag);
    const before = e2e.standinCalls().length;
    const run = await e2e.run('staging.yml', { ref: `refs/tags/${tag}` });
    expect(run.exitCode).not.toBe(0);
    expect(jobOutput(run.output, 'deploy/release/plan')).toContain(
      `Tag ${tag} deploys to development (parse-version with the "environments" rules), but this caller declared environment: staging. Refusing to run`,
    );
    // Only the plan's own checkout of deploy-kit: no build (setup-go, upload), no release job (AWS, artifacts).
    expect(e2e.standinCalls().slice(before)).toEqual([
      `checkout repository=org/deploy-kit ref=${e2e.deployKitSha} path=.deploy-kit fetch-depth=1 persist-credentials=false`,
    ]);
    expect(jobOutput(run.output, 'deploy/release/build')).not.toContain('Run Main');
    expect(jobOutput(run.output, 'deploy/release/release')).not.toContain('Run Main');
    expect([...dispatches('example-org/gitops-development', tag), ...dispatches('example-org/gitops-staging', tag)]).toEqual([]);
    expect((await migrationJob(tag)).image).toBeUndefined();
    expect(await s3Objects(tag)).toEqual([]);
    expect(run.output).not.toContain(PAT);
  });
});

test("credentials used by the runs are the test's, and act was given no others", () => {
  expect(ACCESS_KEY).toMatch(/^AKIA/);
});
