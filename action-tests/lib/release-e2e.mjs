// The example caller workflows (examples/.github/workflows/*.yml) run by act on the host, through the
// reusable workflows (.github/workflows/release.yml, promote.yml) and the release composite, against
// local services: the GitHub API fake, the CNCF registry with ECR-style basic auth, moto (ECR, S3,
// STS), and etcd + kube-apiserver + kube-controller-manager with a fake node playing the kubelet.
// Used by action-tests/release-workflows-act.test.ts and bench/release.mjs.
//
// What is real: act (pinned) resolves `uses: org/deploy-kit/.github/workflows/release.yml@v1` to a git
// copy of this repository tagged v1 (`--local-repository`), runs both jobs of the reusable workflow
// with their `if:`s, expressions, outputs and secrets, runs the sample project's `make
// build-pipeline-ms` with the host's Go, and the five bundles through release/action.yml.
//
// What the test changes in the example callers (each a documented override, nothing else):
//   registry          the local registry's loopback address for pushes (dev/staging); production and
//                     promote keep the ECR host, since promotion goes through the ECR API (moto);
//   build-command     `make images-ms` (binaries, then `docker buildx` per service) becomes `make
//                     build-pipeline-ms` plus copying generated OCI layouts into build/oci (there is
//                     no Docker engine to build images here; the binaries are really built), plus an
//                     attempt to rewrite deploy-kit's release gate (.deploy-kit/dist/release-steps/index.js) that
//                     must not reach the release job (TAMPERED_MARKER never shows there);
//   deploy-kit-repository, deploy-kit-ref
//                     org/deploy-kit and the full SHA of deploy-kit's copy: act does not provide
//                     job.workflow_repository/job.workflow_sha, so the workflows take this documented
//                     fallback, which accepts a full commit SHA only;
//   verify-url, verify-interval, verify-timeout
//                     the caller's health URL becomes `<verify server>/<environment>/health` on loopback
//                     (`verify`: it answers `{"version": …}` with what the GitOps fake last deployed to
//                     that environment, after a rollout of two looks), looked at every 200 ms for at
//                     most 5 s;
// and the five pinned third-party actions are local stand-ins (action-tests/fixtures/act-standins),
// except slackapi/slack-github-action, which runs for real when installed: the commit the workflows pin,
// installed by `.ci/install-tools slack-action` (a git fetch of that SHA, which needs github.com or a
// clone) and given to act as that pin's local repository; without it, its stand-in. Either posts to a
// loopback webhook server (`slack`) when a run passes SLACK_WEBHOOK_URL.
// staging-main.yml also passes DEPLOY_KIT_TOKEN, as the caller of a private copy of deploy-kit does:
// its build job then takes deploy-kit's pack scripts from the plan job's artifact instead of a checkout.
// staging-main.yml (a branch push): its `make images-ms images-cli` becomes `make build-pipeline-ms
// build-pipeline-cli` plus the generated layouts of the services (build/oci) and the CLIs (build/oci-cli).
//
// The deployment record goes to the GitHub API fake, which knows the caller repository
// (example-org/sample-service) and each tag `tag()` makes at its real commit; act gives the jobs the
// fake's GITHUB_TOKEN (`--secret GITHUB_TOKEN`), as GitHub gives every job one.
//
// ECR is one service in AWS (registry + API); here the registry is the CNCF one and the API is moto's.
// `mirrorToEcr` copies a pushed image's manifests (same bytes, same digests) into moto's ECR, which is
// what ECR itself would hold after the push, so the production run can promote what staging pushed.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { UPDATE_PROJECT_LIST, seedRepos, startGitHubFake } from '../fakes/github/index.mjs';
import { FakeNode, startCluster } from './kube-cluster.mjs';
import { makeOciLayout } from './oci-images.mjs';
import { runProcess } from './process.mjs';
import { copyImageToEcr, runnerPath, startMoto, startRegistry, toolPath } from './services.mjs';
import { createServer } from 'node:http';
import { tagMatches } from './filter-pattern.mjs';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const ACT_VERSION = 'v0.2.89';
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const ECR_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const PAT = 'ghp_ReleaseWorkflowsToken0123456789abcdef';
/** The jobs' GITHUB_TOKEN under act (record-deployment records the deployment with it). */
export const JOB_TOKEN = 'ghs_ReleaseWorkflowsJobToken0123456789ab';
/** The caller repository (act's GITHUB_REPOSITORY, from its origin remote). */
export const APP_REPOSITORY = 'example-org/sample-service';
export const SECRET_KEY = 'ReleaseWorkflowsSecretKey0123456789xyz';
export const ACCESS_KEY = 'AKIADEPLOYKITE2E';
/** What staging-main.yml passes as DEPLOY_KIT_TOKEN (the stand-in checkout needs none). */
export const DEPLOY_KIT_TOKEN = 'ghp_PrivateDeployKitCopyToken0123456789';
export const SERVICES = ['chat', 'core', 'payments'];
/** The sample project's CLIs (cmd/cli/*), released by staging-main.yml's `cli-*` inputs. */
export const CLI_SERVICES = ['deployer'];
export const NAMESPACE = 'sample';
export const BUCKET = 'app-artifacts';
/** What the tampering build makes deploy-kit's release gate print, if its edit ever ran. */
export const TAMPERED_MARKER = 'TAMPERED-BY-THE-BUILD';
/** What moto's GetAuthorizationToken issues as the password. */
const REGISTRY_PASSWORD = `${ACCOUNT}-auth-token`;
const SAMPLE = join(REPO_ROOT, 'examples/sample-project');
const EXAMPLES = join(REPO_ROOT, 'examples/.github/workflows');
const STANDINS = join(REPO_ROOT, 'action-tests/fixtures/act-standins');

export function findAct() {
  const tools = process.env.DEPLOY_KIT_TOOLS || join(process.env.HOME || homedir(), '.cache/deploy-kit/tools');
  const cached = join(tools, `act-${ACT_VERSION}`, 'act');
  if (existsSync(cached)) return cached;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'act'))) return join(dir, 'act');
  throw new Error(`act ${ACT_VERSION} is not installed: run .ci/install-tools act (installs it into ${cached})`);
}

/** The installed slackapi/slack-github-action (`.ci/install-tools slack-action`), or undefined. */
export function slackActionDir() {
  try {
    return dirname(toolPath('slack-action', 'action.yml'));
  } catch {
    return undefined;
  }
}

/** The pinned `uses:` of the reusable workflows (owner/name@sha), each mapped to its stand-in. */
function pinnedActions() {
  const pins = new Map();
  for (const file of ['release.yml', 'promote.yml']) {
    const text = readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8');
    for (const m of text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40})/g)) {
      if (m[1] === 'slackapi/slack-github-action') {
        // The real action at the pinned commit when installed (see the header; install-tools pins the
        // same SHA); otherwise the stand-in, which a machine without github.com gets.
        const dir = slackActionDir();
        if (dir) {
          const head = git(dir, 'rev-parse', 'HEAD').trim();
          if (head !== m[2])
            throw new Error(`${file} pins ${m[1]}@${m[2]}, but .ci/install-tools installs ${head}: update SLACK_ACTION_VERSION`);
          pins.set(`${m[1]}@${m[2]}`, dir);
          continue;
        }
      }
      const name = m[1].split('/')[1];
      const standin = join(STANDINS, name);
      if (!existsSync(join(standin, 'action.yml'))) throw new Error(`${file} uses ${m[1]}, which has no stand-in in ${STANDINS}`);
      pins.set(`${m[1]}@${m[2]}`, standin);
    }
  }
  return pins;
}

const gitEnv = () => ({
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
});
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: gitEnv(), stdio: 'pipe' }).toString();

/**
 * deploy-kit as a caller sees it at `org/deploy-kit@v1`: the actions, bundles and reusable workflows,
 * tagged v1. Returns the commit's SHA.
 */
function makeDeployKitCopy(dir) {
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  for (const file of ['release.yml', 'promote.yml', 'rollback.yml'])
    cpSync(join(REPO_ROOT, '.github/workflows', file), join(dir, '.github/workflows', file));
  cpSync(join(REPO_ROOT, 'release'), join(dir, 'release'), { recursive: true });
  cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const name of ['parse-version', 'image-tags', 'push-artifacts', 'migrate-job', 'gitops-dispatch', 'ecs-deploy', 'record-deployment'])
    cpSync(join(REPO_ROOT, name, 'action.yml'), join(dir, name, 'action.yml'));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'deploy-kit');
  git(dir, 'tag', 'v1');
  return git(dir, 'rev-parse', 'HEAD').trim();
}

/**
 * An example caller with the test's overrides (see the header). `registry`: where pushes go;
 * `deployKitSha`: the commit of deploy-kit's copy. Returns the YAML text and the with-block as run.
 */
export function callerWorkflow(file, { registry, ociFixtures, deployKitSha, verifyUrl, examples = EXAMPLES }) {
  const doc = parseYaml(readFileSync(join(examples, file), 'utf8'));
  const job = Object.values(doc.jobs)[0];
  if (!/^org\/deploy-kit\/\.github\/workflows\/(release|promote|rollback)\.yml@v1$/.test(job.uses))
    throw new Error(`${file}: unexpected uses ${job.uses}`);
  const w = job.with;
  if (w.source) {
    w.registry = registry;
    // `make images-ms` = build-pipeline-ms + `docker buildx` per service; no Docker engine here.
    const tamper = `mkdir -p .deploy-kit/dist/release-steps && printf 'console.log("${TAMPERED_MARKER}"); process.exit(1);\\n' > .deploy-kit/dist/release-steps/index.js`;
    if (w['build-command'] === 'make images-ms') {
      w['build-command'] = `make build-pipeline-ms && mkdir -p build && cp -r ${ociFixtures} build/oci && ${tamper}`;
    } else if (w['build-command'] === 'make images-ms images-cli') {
      w['build-command'] =
        `make build-pipeline-ms build-pipeline-cli && mkdir -p build && cp -r ${ociFixtures} build/oci && cp -r ${ociFixtures}-cli build/oci-cli && ${tamper}`;
    } else if (w['build-command'] === 'make image') {
      // examples/ecs (the guide's one image, `docker build`): each tag builds another image, as a build of
      // a new commit does (the sample's core layout for v1.0.0, payments' for later tags).
      w['build-command'] =
        `mkdir -p build/oci && case "$GITHUB_REF_NAME" in v1.0.0) s=core;; *) s=payments;; esac && cp -r ${ociFixtures}/$s build/oci/${w.services} && ${tamper}`;
    } else {
      throw new Error(`${file}: build-command is ${w['build-command']}; update the e2e override`);
    }
  }
  if (w['verify-url'] && verifyUrl) {
    // delivery: ecs has no GitOps run to follow: its health check asks for any 2xx (the guide's curl -f).
    w['verify-url'] = w.delivery === 'ecs' ? `${verifyUrl}/up/health` : `${verifyUrl}/${w.environment}/health`;
    w['verify-interval'] = '200ms';
    w['verify-timeout'] = '5s';
  }
  if (file === 'staging-main.yml') job.secrets = { ...job.secrets, DEPLOY_KIT_TOKEN: '${{ secrets.DEPLOY_KIT_TOKEN }}' };
  w['deploy-kit-repository'] = 'org/deploy-kit';
  w['deploy-kit-ref'] = deployKitSha;
  // Added by the test: a job that prints the reusable workflow's outputs as a caller would read them.
  const name = Object.keys(doc.jobs)[0];
  const outputs = job.uses.includes('/rollback.yml@')
    ? ['tag', 'from', 'schema-version', 'deployment-id', 'run-url', ...(w.delivery === 'ecs' ? ['task-definition-arn'] : [])]
    : [
        'tag',
        'environment',
        'images',
        'digests',
        'promoted-from',
        'run-url',
        'deployment-id',
        'verified',
        ...(job.uses.includes('/release.yml@') ? ['name'] : []),
        ...(w.delivery === 'ecs' ? ['task-definition-arn'] : []),
      ];
  doc.jobs.report = {
    needs: name,
    if: 'always()',
    'runs-on': 'ubuntu-latest',
    steps: [
      {
        env: Object.fromEntries([
          ['RESULT', `\${{ needs.${name}.result }}`],
          ...outputs.map((o) => [o.toUpperCase().replaceAll('-', '_'), `\${{ needs.${name}.outputs.${o} }}`]),
        ]),
        run: [
          'echo "OUTPUT result=$RESULT"',
          ...outputs.map((o) => `echo "OUTPUT ${o}=$(printf '%s' "$${o.toUpperCase().replaceAll('-', '_')}" | tr '\\n' ' ')"`),
        ].join('\n'),
      },
    ],
  };
  return { text: stringifyYaml(doc, { lineWidth: 0 }), with: w };
}

/**
 * Starts every service, makes the caller repository (the sample project + the example workflows) and
 * deploy-kit's copy. `run(file, event)` runs one caller workflow under act.
 */
export async function startReleaseE2E({
  migrationLines = ['migrate: 2/2 migrations applied'],
  // examples/ecs: the callers of another example repository; `kubernetes: false` starts no cluster
  // (those callers migrate nothing on Kubernetes); `stepEnv`: more environment for every step (the ECS
  // interposer's endpoint).
  examples = EXAMPLES,
  kubernetes = true,
  stepEnv: extraStepEnv = {},
} = {}) {
  const act = findAct();
  const work = mkdtempSync(join(tmpdir(), 'deploy-kit-e2e-'));
  const env = { work };
  try {
    const layouts = {};
    [env.github, env.registry, env.moto, env.cluster] = await Promise.all([
      startGitHubFake({
        repos: { ...seedRepos(UPDATE_PROJECT_LIST), [APP_REPOSITORY]: {} },
        // The job's GITHUB_TOKEN as the example callers grant it (contents: write: github-release writes the GitHub Release).
        tokens: { [PAT]: { login: 'release-bot' }, [JOB_TOKEN]: { login: 'github-actions', permissions: { contents: 'write' } } },
        lifecycle: { queuedMs: 50, runningMs: 150 },
      }),
      startRegistry({ auth: { user: 'AWS', password: REGISTRY_PASSWORD } }),
      startMoto(),
      kubernetes ? startCluster() : undefined,
      ...SERVICES.map(async (s) => (layouts[s] = await makeOciLayout(join(work, 'oci', s), { layers: [2048, 8192] }))),
      ...CLI_SERVICES.map(async (s) => (layouts[`cli_${s}`] = await makeOciLayout(join(work, 'oci-cli', s), { layers: [1024, 4096] }))),
      startWebhook().then((slack) => (env.slack = slack)),
      startVerifyServer(() => env.github).then((verify) => (env.verify = verify)),
    ]);
    env.layouts = layouts;
    if (env.cluster) {
      await env.cluster.createNamespace(NAMESPACE);
      await env.cluster.createSecret(NAMESPACE, 'sample-service-db', { DATABASE_URL: 'postgres://migrate@db.internal/sample' });
      env.node = new FakeNode(env.cluster, NAMESPACE, { program: () => ({ lines: migrationLines, lineDelayMs: 20, exitCode: 0 }) });
      await env.node.start();
    }
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const aws = {
      region: REGION,
      endpoint: env.moto.url,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    };
    env.awsConfig = aws;
    env.s3 = new S3Client(aws);
    await env.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));

    const deployKit = join(work, 'deploy-kit');
    env.deployKitSha = makeDeployKitCopy(deployKit);
    const repo = join(work, 'repo');
    cpSync(SAMPLE, repo, { recursive: true, filter: (src) => !/\/(bin_arm64|build)$/.test(src) });
    mkdirSync(join(repo, '.github/workflows'), { recursive: true });
    for (const file of readdirSync(examples).filter((f) => f.endsWith('.yml'))) {
      writeFileSync(
        join(repo, '.github/workflows', file),
        callerWorkflow(file, {
          examples,
          registry: env.registry.host,
          ociFixtures: join(work, 'oci'),
          deployKitSha: env.deployKitSha,
          verifyUrl: env.verify.url,
        }).text,
      );
    }
    writeFileSync(join(repo, '.gitignore'), 'bin_arm64/\nbuild/\n');
    git(repo, 'init', '-q');
    git(repo, 'remote', 'add', 'origin', 'https://github.com/example-org/sample-service.git'); // act's GITHUB_REPOSITORY
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'sample service');
    git(repo, 'branch', '-M', 'main'); // staging-main.yml's branch
    env.repo = repo;
    const home = join(work, 'home');
    mkdirSync(home);
    const standinLog = join(work, 'standins.log');
    writeFileSync(standinLog, '');
    const artifacts = join(work, 'artifacts');
    mkdirSync(artifacts);
    env.artifacts = artifacts;
    const kubeconfig = env.cluster ? env.cluster.kubeconfig(undefined, NAMESPACE) : '';
    const pins = pinnedActions();

    env.standinCalls = () => readFileSync(standinLog, 'utf8').split('\n').filter(Boolean);
    env.tag = (tag) => {
      git(repo, 'tag', tag);
      env.github.addTag(APP_REPOSITORY, tag, git(repo, 'rev-parse', `${tag}^{commit}`).trim());
    };
    /**
     * Runs `file` (an example caller) for `event` ({ref} for push, {inputs} for workflow_dispatch).
     * `slack`: give the caller the SLACK_WEBHOOK_URL secret (the loopback webhook); without it the
     * secret is unset, as in a repository that has none.
     * Resolves with act's exit code, its whole output and the wall time; never rejects on a failed run.
     */
    env.run = async (file, event, { timeoutMs = 240_000, slack = false } = {}) => {
      const eventName = event.inputs ? 'workflow_dispatch' : 'push';
      const eventFile = join(work, `event-${Date.now()}.json`);
      writeFileSync(
        eventFile,
        JSON.stringify({ repository: { full_name: 'example-org/sample-service', default_branch: 'main' }, ...event }),
      );
      const args = [
        eventName,
        '-e',
        eventFile,
        '-W',
        `.github/workflows/${file}`,
        '-P',
        'ubuntu-latest=-self-hosted',
        '--action-offline-mode',
      ];
      args.push('--local-repository', `org/deploy-kit@v1=${deployKit}`);
      for (const [pin, dir] of pins) args.push('--local-repository', `${pin}=${dir}`);
      if (kubeconfig)
        for (const name of ['DEVELOPMENT', 'STAGING', 'PRODUCTION']) args.push('--secret', `KUBECONFIG_${name}=${kubeconfig}`);
      args.push('--secret', `WORKFLOW_PAT=${PAT}`, '--secret', `GITHUB_TOKEN=${JOB_TOKEN}`);
      // The static keys, for callers that pass them (staging-main.yml); the others use a role.
      args.push('--secret', `AWS_ACCESS_KEY_ID=${ACCESS_KEY}`, '--secret', `AWS_SECRET_ACCESS_KEY=${SECRET_KEY}`);
      // examples/ecs passes the guide's production keys under their own names.
      args.push('--secret', `AWS_ACCESS_KEY_ID_PROD=${ACCESS_KEY}`, '--secret', `AWS_SECRET_ACCESS_KEY_PROD=${SECRET_KEY}`);
      args.push('--secret', `DEPLOY_KIT_TOKEN=${DEPLOY_KIT_TOKEN}`);
      if (slack) args.push('--secret', `SLACK_WEBHOOK_URL=${env.slack.url}`);
      const stepEnv = {
        GITHUB_API_URL: env.github.apiUrl,
        AWS_ACCESS_KEY_ID: ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        AWS_ENDPOINT_URL: env.moto.url,
        ACT_STANDIN_LOG: standinLog,
        ACT_STANDIN_ARTIFACTS: artifacts,
        ACT_STANDIN_REPOSITORIES: `org/deploy-kit=${deployKit}\nexample-org/sample-service=${repo}`,
        GOCACHE: process.env.GOCACHE || join(process.env.HOME || homedir(), '.cache/go-build'),
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: 'local',
        ...extraStepEnv,
      };
      for (const [k, v] of Object.entries(stepEnv)) args.push('--env', `${k}=${v}`);
      const { code, signal, output, wallMs } = await runProcess(act, args, {
        cwd: repo,
        env: { HOME: home, PATH: runnerPath(), LANG: 'C.UTF-8' },
        timeoutMs,
      });
      return { exitCode: code, signal, output, wallMs };
    };
    env.close = async () => {
      await env.slack?.close();
      await env.verify?.close();
      await env.node?.stop().catch(() => {});
      await Promise.all(
        [env.github?.close(), env.registry?.stop(), env.moto?.stop(), env.cluster?.stop()].map((p) => p?.catch?.(() => {})),
      );
      rmSync(work, { recursive: true, force: true });
    };
    return env;
  } catch (error) {
    await env.slack?.close();
    await env.verify?.close();
    await env.node?.stop().catch(() => {});
    await Promise.all([env.github?.close(), env.registry?.stop(), env.moto?.stop(), env.cluster?.stop()].map((p) => p?.catch?.(() => {})));
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A Slack incoming webhook on loopback: records every POST (path, content type, parsed JSON body) and
 * answers `ok` as Slack does.
 */
async function startWebhook() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      received.push({ method: req.method, path: req.url, contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXXXXXX`,
    received,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}

/**
 * The released service's health endpoints on loopback, `/<environment>/health`: each answers
 * `{"version": …}` with the version the GitOps fake last deployed to that environment (the newest
 * successful run of example-org/gitops-<environment>), once a rollout of `rolloutLooks` looks has
 * passed (before: the previous version; before any deploy, 503). `stuck` environments never roll
 * out (a deploy that did not take). Records every request.
 */
async function startVerifyServer(github, { rolloutLooks = 2 } = {}) {
  const served = new Map();
  const stuck = new Set();
  const requests = [];
  const server = createServer((req, res) => {
    const environment = /^\/([\w-]+)\/health$/.exec(req.url ?? '')?.[1];
    if (!environment) return void res.writeHead(404).end();
    // `/up/health`: a service that is simply up (delivery: ecs, which has no GitOps run to read).
    if (environment === 'up') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    const deployed = github()
      .runs()
      .filter((r) => r.repository === `example-org/gitops-${environment}` && r.conclusion === 'success' && r.inputs.newVersion)
      .sort((a, b) => a.id - b.id)
      .at(-1)?.inputs.newVersion;
    const state = served.get(environment) ?? { version: '', looks: 0 };
    if (deployed && deployed !== state.version && !stuck.has(environment) && ++state.looks > rolloutLooks)
      Object.assign(state, { version: deployed, looks: 0 });
    served.set(environment, state);
    requests.push({ environment, version: state.version });
    if (!state.version) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: state.version }));
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stuck,
    close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
  };
}

/**
 * Copies `repository:tag` from the local registry into moto's ECR (the manifest bytes, so the digest is
 * the same; an index's child manifests first, by digest), as ECR would hold it after the push.
 */
export async function mirrorToEcr(env, repository, tag) {
  const { ECRClient } = await import('@aws-sdk/client-ecr');
  const ecr = new ECRClient(env.awsConfig);
  try {
    return await copyImageToEcr(
      { ecr, registryUrl: env.registry.url, authorization: `Basic ${Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')}` },
      repository,
      tag,
    );
  } finally {
    ecr.destroy();
  }
}

/** The reusable workflow's outputs as the added report job printed them (`OUTPUT name=value`). */
export function reportedOutputs(output) {
  const found = {};
  for (const m of output.matchAll(/^\[[^\]]*\/report *\]\s+\|\s+OUTPUT ([\w-]+)=(.*)$/gm)) found[m[1]] = m[2].trim();
  return found;
}

// GitHub's filter patterns (act does not apply `on.push.tags`): see filter-pattern.mjs.
export { filterPatternToRegExp, tagMatches } from './filter-pattern.mjs';

/** The example callers a push of `tag` starts on GitHub (by their `on.push.tags`). */
export function callersForTag(tag, options = {}) {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .filter((f) => {
      const tags = parseYaml(readFileSync(join(EXAMPLES, f), 'utf8')).on?.push?.tags;
      return Array.isArray(tags) && tagMatches(tags, tag, options);
    });
}

/** act's output lines of one job (`[<workflow>/<job path>] …`). */
export function jobOutput(output, prefix) {
  return output
    .split('\n')
    .filter((l) => l.startsWith(`[${prefix}`))
    .join('\n');
}
