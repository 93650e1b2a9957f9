// release/action.yml run by a real workflow runner: nektos/act (pinned, built by .ci/install-tools),
// on the host (`-P ubuntu-latest=-self-hosted`: no Docker engine here), with `uses: ./release` from a
// repository laid out like deploy-kit (release/, dist/, the five action.yml), against the same local
// services as the action tests (act's --env points the steps at them):
//   rc tag        → the image pushed to the distribution registry under every tag, the migration hook
//                   rendered with the pushed digest, gitops-staging dispatched with the release's inputs;
//   v1.2.3        → the gate picks the newest rc from the checkout's git tags (rc.10, not rc.9), promotes
//                   its image by digest in moto's ECR, renders the migration with that digest, and
//                   dispatches gitops-production plus the API-gateway routes workflow;
//   v9.9.9 (no rc) → the gate refuses, naming the missing rc, before anything is pushed (and records
//                   nothing);
// the rc and v1.2.3 are recorded as deployments of the repository in the GitHub API fake with the job's
// GITHUB_TOKEN (act's `--secret GITHUB_TOKEN`), the rc verified against a loopback health endpoint.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type GitHubFake, UPDATE_PROJECT_LIST, seedRepos, startGitHubFake } from './fakes/github/index.mjs';
import { REPO_ROOT } from './harness.js';
import { makeOciLayout, type MadeLayout } from './lib/oci-images.mjs';
import { runProcess } from './lib/process.mjs';
import { findAct } from './lib/release-e2e.mjs';
import { runnerPath, startMoto, startRegistry } from './lib/services.mjs';

jest.setTimeout(120_000);

const WORKFLOW = `name: release-e2e
on: push
jobs:
  rc:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: r
        uses: ./release
        with:
          ref: refs/tags/v1.2.3-rc.1
          services: core payments
          registry: \${{ env.LOCAL_REGISTRY }}
          registry-auth: none
          source: \${{ env.OCI_SOURCE }}
          backend: render
          release: orders
          command: migrate up
          output-file: migrate.yaml
          token: \${{ secrets.WORKFLOW_PAT }}
          poll-interval: 100ms
          dispatch-timeout: 30s
          verify-url: \${{ env.HEALTH_URL }}
          verify-version-from: json:version
          verify-interval: 200ms
      - env:
          TAG: \${{ steps.r.outputs.tag }}
          ENVIRONMENT: \${{ steps.r.outputs.environment }}
          IMAGES: \${{ steps.r.outputs.images }}
          DIGESTS: \${{ steps.r.outputs.digests }}
          RUN_URL: \${{ steps.r.outputs.run-url }}
        run: |
          echo "RESULT rc tag=$TAG environment=$ENVIRONMENT"
          echo "RESULT rc node=$(node --version)"
          test "$TAG" = v1.2.3-rc.1
          test "$ENVIRONMENT" = staging
          printf '%s\\n' "$IMAGES" | grep -qx "$LOCAL_REGISTRY/ms_payments:v1.2.3-rc.1"
          echo "RESULT rc digests=$DIGESTS"
          echo "RESULT rc run-url=$RUN_URL"
          echo "RESULT rc manifest image=$(grep -o 'image: .*' migrate.yaml)"
          echo "RESULT rc ok"
  prod-blocked:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: r
        continue-on-error: true
        uses: ./release
        with:
          ref: refs/tags/v9.9.9
          services: core
          skip-migrate: 'true'
          skip-dispatch: 'true'
      - env:
          OUTCOME: \${{ steps.r.outcome }}
          TAG: \${{ steps.r.outputs.tag }}
          MODE: \${{ steps.r.outputs.push-mode }}
        run: |
          echo "RESULT prod-blocked outcome=$OUTCOME tag=$TAG mode=$MODE"
          test "$OUTCOME" = failure
          test "$TAG" = v9.9.9
          test -z "$MODE"
          echo "RESULT prod-blocked ok"
  prod-promote:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: r
        uses: ./release
        with:
          ref: refs/tags/v1.2.3
          require-staging: tag
          services: core
          registry: 123456789012.dkr.ecr.eu-west-1.amazonaws.com
          backend: render
          release: orders
          output-file: migrate.yaml
          token: \${{ secrets.WORKFLOW_PAT }}
          poll-interval: 100ms
          dispatch-timeout: 30s
          extra-dispatches: |
            - repository: '{owner}/terraform-apps-{environment}'
              workflow: Update API Gateway Routes
              environments: [production]
      - env:
          MODE: \${{ steps.r.outputs.push-mode }}
          FROM: \${{ steps.r.outputs.promoted-from }}
          ENVIRONMENT: \${{ steps.r.outputs.environment }}
          DIGESTS: \${{ steps.r.outputs.digests }}
        run: |
          echo "RESULT prod-promote mode=$MODE from=$FROM environment=$ENVIRONMENT"
          test "$MODE" = promote
          test "$FROM" = v1.2.3-rc.10
          test "$ENVIRONMENT" = production
          echo "RESULT prod-promote digests=$DIGESTS"
          echo "RESULT prod-promote manifest image=$(grep -o 'image: .*' migrate.yaml)"
          echo "RESULT prod-promote ok"
`;

const PAT = 'ghp_ReleaseActToken0123456789abcdefghijk';
/** The job's GITHUB_TOKEN (record-deployment records the deployments with it). */
const JOB_TOKEN = 'ghs_ReleaseActJobToken0123456789abcdefgh';
const APP_REPOSITORY = 'example-org/sample-service';
let health: Server;
const SECRET_KEY = 'ReleaseActSecretAccessKey0123456789';
const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
let github: GitHubFake;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let moto: Awaited<ReturnType<typeof startMoto>>;
let image: MadeLayout;
let rcDigest: string;
let repo: string;
let home: string;
let output = '';
let exitCode: number | null = null;

beforeAll(async () => {
  const act = findAct();
  const work = mkdtempSync(join(tmpdir(), 'deploy-kit-act-'));
  [github, registry, moto, image] = await Promise.all([
    startGitHubFake({
      repos: { ...seedRepos(UPDATE_PROJECT_LIST), [APP_REPOSITORY]: { tags: { 'v1.2.3-rc.1': {}, 'v1.2.3': {} } } },
      tokens: { [PAT]: { login: 'deploy-bot' }, [JOB_TOKEN]: { login: 'github-actions' } },
    }),
    startRegistry(),
    startMoto(),
    makeOciLayout(join(work, 'oci'), { layers: [4096] }),
  ]);
  // The rc that staging tested, already in ECR (what the rc release pushed).
  const ecr = new ECRClient({
    region: 'eu-west-1',
    endpoint: moto.url,
    credentials: { accessKeyId: 'AKIADEPLOYKITTEST', secretAccessKey: SECRET_KEY },
  });
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ms_core' }));
  const put = async (tag: string, n: string) => {
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${n.repeat(64)}`,
          size: 500,
          platform: { os: 'linux', architecture: 'arm64' },
        },
      ],
    });
    const r = await ecr.send(
      new PutImageCommand({
        repositoryName: 'ms_core',
        imageTag: tag,
        imageManifest: body,
        imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
        imageDigest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
      }),
    );
    return r.image!.imageId!.imageDigest!;
  };
  await put('v1.2.3-rc.9', '9');
  rcDigest = await put('v1.2.3-rc.10', 'a');
  // The rc's health endpoint, already answering the new version.
  health = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.2.3-rc.1"}'));
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  repo = join(work, 'repo');
  home = join(work, 'home');
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  mkdirSync(home);
  cpSync(join(REPO_ROOT, 'release'), join(repo, 'release'), { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
  for (const name of ['parse-version', 'image-tags', 'push-artifacts', 'migrate-job', 'gitops-dispatch']) {
    cpSync(join(REPO_ROOT, name, 'action.yml'), join(repo, name, 'action.yml'));
  }
  writeFileSync(join(repo, '.github/workflows/release-e2e.yml'), WORKFLOW);
  const gitEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, env: gitEnv, stdio: 'pipe' });
  git('init', '-q');
  git('remote', 'add', 'origin', 'https://github.com/example-org/sample-service.git'); // act's GITHUB_REPOSITORY
  git('add', '-A');
  git('commit', '-q', '-m', 'sample');
  for (const t of ['v1.2.3-rc.2', 'v1.2.3-rc.10', 'v1.2.3-rc.9', 'v1.2.4-rc.11']) git('tag', t);

  const env: Record<string, string> = { HOME: home, PATH: runnerPath(), LANG: 'C.UTF-8' };
  const args = [
    'push',
    '-W',
    '.github/workflows/release-e2e.yml',
    '-P',
    'ubuntu-latest=-self-hosted',
    '--action-offline-mode',
    '--secret',
    `WORKFLOW_PAT=${PAT}`,
    '--secret',
    `GITHUB_TOKEN=${JOB_TOKEN}`,
  ];
  const stepEnv = {
    HEALTH_URL: `http://127.0.0.1:${(health.address() as { port: number }).port}/health`,
    GITHUB_API_URL: github.apiUrl,
    LOCAL_REGISTRY: registry.host,
    OCI_SOURCE: image.layout,
    AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITTEST',
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: moto.url,
  };
  for (const [k, v] of Object.entries(stepEnv)) args.push('--env', `${k}=${v}`);
  const run = await runProcess(act, args, { cwd: repo, env, timeoutMs: 100_000 });
  output = run.output;
  exitCode = run.code;
}, 120_000);

afterAll(async () => {
  await Promise.all([
    github?.close(),
    registry?.stop(),
    moto?.stop(),
    new Promise((resolve) => (health ? health.close(resolve) : resolve(undefined))),
  ]);
  if (repo) rmSync(join(repo, '..'), { recursive: true, force: true });
});

const jobLines = (job: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith(`[release-e2e/${job}`))
    .join('\n');

describe('release composite under act (host runner)', () => {
  test('act ran every job to success', () => {
    for (const job of ['rc', 'prod-blocked', 'prod-promote']) {
      expect([job, /🏁 {2}Job succeeded/.test(jobLines(job)), jobLines(job).slice(-3000)]).toEqual([job, true, expect.any(String)]);
    }
    expect([exitCode, output.slice(-2000)]).toEqual([0, expect.any(String)]);
  });

  test('the actions ran on node 24, the runtime their action.yml names (act starts the `node` first on PATH)', () => {
    expect(jobLines('rc')).toMatch(/RESULT rc node=v24\.\d+\.\d+/);
  });

  test("the token never shows in act's output", () => {
    expect(output).not.toContain(PAT);
    expect(output).not.toContain(JOB_TOKEN);
    expect(output).not.toContain(SECRET_KEY);
  });

  test('rc tag: pushed to the registry under every tag, migration rendered with the digest, gitops-staging dispatched', async () => {
    const log = jobLines('rc');
    expect(log).toContain('RESULT rc tag=v1.2.3-rc.1 environment=staging');
    for (const repoName of ['ms_core', 'ms_payments']) {
      const head = await fetch(`http://${registry.host}/v2/${repoName}/manifests/v1.2.3-rc.1`, {
        method: 'HEAD',
        headers: { accept: image.mediaType },
      });
      expect([repoName, head.status, head.headers.get('docker-content-digest')]).toEqual([repoName, 200, image.digest]);
    }
    expect(log).toContain(`RESULT rc manifest image=image: ${registry.host}/ms_core@${image.digest}`);
    const staging = github.runs().filter((x) => x.repository === 'example-org/gitops-staging');
    expect(staging.map((x) => [x.workflowName, x.inputs.newVersion, x.inputs.projectNames, x.conclusion])).toEqual([
      ['Update Project List Version', 'v1.2.3-rc.1', 'ms_core ms_payments', 'success'],
    ]);
    expect(log).toContain(`RESULT rc run-url=${github.serverUrl}/example-org/gitops-staging/actions/runs/${staging[0]!.id}`);
  });

  test('production tag without an rc: the gate fails the composite and names the missing rc', () => {
    expect(jobLines('prod-blocked')).toContain('Production release v9.9.9 is blocked: no release candidate v9.9.9-rc.N was found');
    expect(jobLines('prod-blocked')).toContain('RESULT prod-blocked ok');
  });

  test('production tag: newest rc from git (rc.10, not rc.9) promoted by digest in ECR, migrated with it, production + API gateway dispatched', async () => {
    const log = jobLines('prod-promote');
    expect(log).toContain('RESULT prod-promote mode=promote from=v1.2.3-rc.10 environment=production');
    expect(log).toContain('Release gate: promoting v1.2.3-rc.10 by digest');
    const ecr = new ECRClient({
      region: 'eu-west-1',
      endpoint: moto.url,
      credentials: { accessKeyId: 'AKIADEPLOYKITTEST', secretAccessKey: SECRET_KEY },
    });
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'ms_core', imageIds: [{ imageTag: 'v1.2.3' }] }));
    expect(got.images?.[0]?.imageId?.imageDigest).toBe(rcDigest);
    expect(log).toContain(`RESULT prod-promote manifest image=image: ${ECR_HOST}/ms_core@${rcDigest}`);
    const production = github.runs().filter((x) => x.repository.endsWith('-production'));
    expect(production.map((x) => [x.repository, x.workflowName, x.conclusion])).toEqual([
      ['example-org/gitops-production', 'Update Project List Version', 'success'],
      ['example-org/terraform-apps-production', 'Update API Gateway Routes', 'success'],
    ]);
    expect(production[0]!.inputs).toMatchObject({ newVersion: 'v1.2.3', projectNames: 'ms_core' });
  });

  // issue 16: the composite's last stage, with the job's token.
  test('the rc and the production release are recorded as deployments (the rc verified); the refused one is not', () => {
    // act runs the jobs side by side: in ref order.
    const recorded = github.deployments(APP_REPOSITORY).sort((a, b) => a.ref.localeCompare(b.ref));
    expect(recorded.map((d) => [d.ref, d.environment, d.production, d.statuses.map((x) => x.state)])).toEqual([
      ['v1.2.3', 'production', true, ['in_progress', 'success']],
      ['v1.2.3-rc.1', 'staging', false, ['in_progress', 'success']],
    ]);
    expect(recorded.find((d) => d.ref === 'v1.2.3-rc.1')?.statuses.at(-1)?.description).toBe(
      'v1.2.3-rc.1 to staging: deployed and verified (1 URL)',
    );
    expect(
      (recorded.find((d) => d.ref === 'v1.2.3')?.payload as { images: Array<{ digest: string }> }).images.map((i) => i.digest),
    ).toEqual([rcDigest]);
    expect(recorded.filter((d) => d.ref === 'v9.9.9')).toEqual([]);
    expect(github.violations).toEqual([]);
  });
});
