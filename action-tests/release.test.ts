// release/action.yml (the composite chaining the five actions), checked two ways:
//
// 1. Statically: every stage runs a real bundle (`node "$GITHUB_ACTION_PATH/../dist/<name>/index.js"`),
//    every INPUT_* it sets is an input of that action, every `inputs.*` it reads is declared (and every
//    declared input is used), every `steps.*.outputs.*` exists on the step it names, pass-through
//    inputs keep the target's defaults, and no `${{ }}` sits inside a `run:` script.
// 2. By running the steps the way the runner runs a composite (action-tests/composite.ts) against
//    local services: an rc tag pushes a real OCI image to the distribution registry, renders the
//    migration hook with the pushed digest, dispatches to the GitHub API contract fake and records
//    the release there as a deployment, verified against a loopback HTTP server; a production tag is
//    gated on its newest rc tag in git (promotion by digest through moto's ECR), and refused with a
//    message naming the missing rc when there is none. A failed stage or verification is recorded
//    as `failure`, and the composite fails.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { BatchGetImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { bundleOfStep, expressionsIn, referencesIn, runComposite, type CompositeResult } from './composite.js';
import { type GitHubFake, UPDATE_PROJECT_LIST, seedRepos, startGitHubFake } from './fakes/github/index.mjs';
import {
  DEFAULT_REPOSITORY,
  DEFAULT_TOKEN,
  REPO_ROOT,
  actionNode,
  inputEnvName,
  parseFileCommand,
  readActionYml,
  type ActionYml,
} from './harness.js';
import { makeOciLayout, type MadeLayout } from './lib/oci-images.mjs';
import { startMoto, startRegistry } from './lib/services.mjs';

jest.setTimeout(60_000);

const release = readActionYml('release');
const steps = release.runs.steps ?? [];
const helperOutputs: Record<string, { file: string; outputs: string[] }> = {
  gate: { file: 'actions/release-steps/src/steps.ts', outputs: ['mode', 'promote-from', 'staging-deployment'] },
  'migrate-image': { file: 'actions/release-steps/src/steps.ts', outputs: ['image'] },
};
/** With `rollback: true` the gate step runs `rollback-target` instead (issue 16): its outputs, RollbackOutputs' fields. */
const rollbackOutputs = {
  file: 'actions/release-steps/src/rollback.ts',
  outputs: ['tag', 'from', 'projects', 'artifacts', 'schema-version', 'description', 'task-definition'],
};
const targets = new Map<string, ActionYml>();
const targetOf = (step: Record<string, unknown>): ActionYml | undefined => {
  const name = bundleOfStep(step.run);
  if (!name) return undefined;
  if (!targets.has(name)) targets.set(name, readActionYml(name));
  return targets.get(name);
};
const allExpressions = (): Array<{ where: string; expr: string }> => {
  const out: Array<{ where: string; expr: string }> = [];
  for (const step of steps) {
    const id = String(step.id);
    for (const [k, v] of Object.entries((step.env ?? {}) as Record<string, unknown>))
      for (const expr of expressionsIn(String(v))) out.push({ where: `${id}.env.${k}`, expr });
    if (typeof step.if === 'string') out.push({ where: `${id}.if`, expr: step.if.replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim() });
  }
  for (const [k, spec] of Object.entries(release.outputs ?? {}))
    for (const expr of expressionsIn(String(spec?.value ?? ''))) out.push({ where: `outputs.${k}`, expr });
  return out;
};

describe('release/action.yml wiring (static)', () => {
  test('a composite whose stages run the five bundles in order, each behind a skip input where it has side effects', () => {
    expect(release.runs.using).toBe('composite');
    expect(steps.map((s) => bundleOfStep(s.run) ?? s.id)).toEqual([
      'parse-version',
      'gate',
      'image-tags',
      'push-artifacts',
      'migrate-image',
      'migrate-job',
      'gitops-dispatch',
      'ecs-deploy', // issue 19: delivery: ecs
      'record-deployment',
      'github-release',
    ]); // issue 16: + record-deployment; issue 19: + github-release
    for (const s of steps) expect(s.uses).toBeUndefined();
    const ifs = Object.fromEntries(steps.map((s) => [s.id, s.if]));
    // issue 16: `rollback: true` skips image-tags, push and migration too.
    expect(ifs).toMatchObject({
      images: "inputs.skip-images != 'true' && inputs.rollback != 'true'",
      push: "inputs.skip-push != 'true' && inputs.rollback != 'true'",
      migrate: "inputs.skip-migrate != 'true' && inputs.rollback != 'true'",
      dispatch: "inputs.skip-dispatch != 'true' && inputs.delivery != 'ecs'", // issue 19: the GitOps hand-off unless delivery: ecs
      ecs: "inputs.skip-dispatch != 'true' && inputs.delivery == 'ecs'",
    });
  });

  test('every bundle a stage runs exists next to its action.yml', () => {
    for (const s of steps) {
      const name = bundleOfStep(s.run);
      if (!name) continue;
      expect([name, existsSync(join(REPO_ROOT, name, 'action.yml')), existsSync(join(REPO_ROOT, 'dist', name, 'index.js'))]).toEqual([
        name,
        true,
        true,
      ]);
    }
  });

  test('every INPUT_* a stage sets is an input of the action it runs', () => {
    const problems: string[] = [];
    for (const s of steps) {
      const target = targetOf(s);
      const env = Object.keys((s.env ?? {}) as Record<string, unknown>);
      if (!target) {
        problems.push(...env.filter((k) => k.startsWith('INPUT_')).map((k) => `${String(s.id)}: ${k} on a step that runs no action`));
        continue;
      }
      const names = new Map(Object.keys(target.inputs ?? {}).map((n) => [inputEnvName(n), n]));
      for (const k of env)
        if (k.startsWith('INPUT_') && !names.has(k)) problems.push(`${String(s.id)}: ${k} is not an input of ${bundleOfStep(s.run)}`);
    }
    expect(problems).toEqual([]);
  });

  test('every context reference exists: declared inputs, earlier steps, their real outputs; every input is used', () => {
    const problems: string[] = [];
    const used = new Set<string>();
    const ids = steps.map((s) => String(s.id));
    for (const { where, expr } of allExpressions()) {
      for (const ref of referencesIn(expr)) {
        const [root, ...rest] = ref.split('.');
        if (root === 'inputs') {
          used.add(rest.join('.'));
          if (!(rest.join('.') in (release.inputs ?? {}))) problems.push(`${where}: inputs.${rest.join('.')} is not declared`);
        } else if (root === 'steps') {
          const [id, kind, output] = rest;
          const at = ids.indexOf(id!);
          const here = where.startsWith('outputs.') ? ids.length : ids.indexOf(where.split('.')[0]!);
          // issue 16: an earlier step's outcome (the deployment record's status) is a reference too.
          if (at >= 0 && at < here && (kind === 'outcome' || kind === 'conclusion') && !output) continue;
          if (at < 0 || at >= here || kind !== 'outputs' || !output) {
            problems.push(`${where}: ${ref} does not name an earlier step's output`);
            continue;
          }
          const step = steps[at]!;
          const target = targetOf(step);
          const known = target
            ? Object.keys(target.outputs ?? {})
            : [...(helperOutputs[id!]?.outputs ?? []), ...(id === 'gate' ? rollbackOutputs.outputs : [])];
          if (!known.includes(output)) problems.push(`${where}: step ${id} has no output ${output}`);
        } else if (root !== 'github') problems.push(`${where}: unexpected context ${root}`);
      }
    }
    const unused = Object.keys(release.inputs ?? {}).filter((n) => !used.has(n));
    expect(problems).toEqual([]);
    expect(unused).toEqual([]);
  });

  test('helper steps write the outputs the composite reads from them', () => {
    for (const { file, outputs } of Object.values(helperOutputs)) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const o of outputs)
        expect([file, o, text.includes(`out ${o} `) || text.includes(`outputEntry('${o}'`) || text.includes(`setOutput('${o}'`)]).toEqual([
          file,
          o,
          true,
        ]); // the delimiter-form writers (name=value was issue 20's injection)
    }
  });

  test('rollback mode: the gate step runs rollback-target, whose outputs RollbackOutputs declares; parse-version, image-tags, push and migration are skipped', () => {
    const text = readFileSync(join(REPO_ROOT, rollbackOutputs.file), 'utf8');
    const declared = /export interface RollbackOutputs \{([\s\S]*?)\n\}/.exec(text)![1]!;
    for (const o of rollbackOutputs.outputs) expect([o, new RegExp(`^\\s*'?${o}'?: string;`, 'm').test(declared)]).toEqual([o, true]);
    const byId = (id: string) => steps.find((s) => s.id === id)!;
    expect(byId('gate').env).toMatchObject({ STEP: "${{ inputs.rollback == 'true' && 'rollback-target' || 'gate' }}" });
    for (const id of ['version', 'images', 'push', 'migrate-image', 'migrate'])
      expect([id, String(byId(id).if)]).toEqual([id, expect.stringContaining("inputs.rollback != 'true'")]);
    expect(String(byId('dispatch').if)).not.toContain('rollback');
  });

  test("an input passed straight through keeps the target action's default", () => {
    const problems: string[] = [];
    for (const s of steps) {
      const target = targetOf(s);
      if (!target) continue;
      for (const [k, v] of Object.entries((s.env ?? {}) as Record<string, unknown>)) {
        const m = /^\$\{\{ inputs\.([a-z0-9-]+) \}\}$/.exec(String(v));
        if (!m) continue;
        const targetName = Object.keys(target.inputs ?? {}).find((n) => inputEnvName(n) === k)!;
        const ours = String(release.inputs?.[m[1]!]?.default ?? '');
        const theirs = String(target.inputs?.[targetName]?.default ?? '');
        if (ours !== theirs)
          problems.push(
            `${String(s.id)}: ${m[1]} defaults to ${JSON.stringify(ours)}, ${bundleOfStep(s.run)}'s ${targetName} to ${JSON.stringify(theirs)}`,
          );
      }
    }
    expect(problems).toEqual([]);
  });

  test('no ${{ }} inside run: scripts, and every run step names its shell', () => {
    for (const s of steps) {
      expect([s.id, String(s.run).includes('${{')]).toEqual([s.id, false]);
      expect([s.id, s.shell]).toEqual([s.id, 'bash']);
    }
  });

  test('the pipeline outputs are passed through', () => {
    for (const o of ['tag', 'version', 'environment', 'images', 'pin', 'digests', 'run-url', 'push-mode', 'promoted-from', 'job-name']) {
      expect([o, typeof release.outputs?.[o]?.value]).toEqual([o, 'string']);
    }
  });
});

// --- running it -------------------------------------------------------------------------------------
const PAT = 'ghp_ReleaseCompositeToken0123456789abcdef';
const REGION = 'eu-west-1';
const ECR_HOST = `123456789012.dkr.ecr.${REGION}.amazonaws.com`;
const AWS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITTEST',
  AWS_SECRET_ACCESS_KEY: 'ReleaseCompositeSecretKey0123456789',
  AWS_REGION: REGION,
};
let github: GitHubFake;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let moto: Awaited<ReturnType<typeof startMoto>>;
let work: string;
let image: MadeLayout;
/** The released service's health endpoint: answers `{"version": …}`, the old version for the first `lag` requests. */
const health = { version: '1.2.2', next: '', lag: 0, requests: 0 };
let healthServer: Server;
let healthUrl: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deploy-kit-release-'));
  healthServer = createServer((_req, res) => {
    health.requests++;
    if (health.next && health.lag-- <= 0) health.version = health.next;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version: health.version }));
  });
  await new Promise<void>((resolve) => healthServer.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(healthServer.address() as { port: number }).port}/health`;
  [github, registry, moto, image] = await Promise.all([
    // The application repository (its tags, for the deployments) and the run's GITHUB_TOKEN, which records them.
    startGitHubFake({
      repos: { ...seedRepos(UPDATE_PROJECT_LIST), [DEFAULT_REPOSITORY]: { tags: { 'v1.2.3-rc.1': {}, 'v1.2.3': {}, 'v1.2.4-rc.1': {} } } },
      tokens: { [PAT]: { login: 'deploy-bot' }, [DEFAULT_TOKEN]: { login: 'github-actions' } },
    }),
    startRegistry(),
    startMoto().then((m) => {
      AWS.AWS_ENDPOINT_URL = m.url;
      return m;
    }),
    makeOciLayout(join(work, 'oci'), { layers: [2048] }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([
    github?.close(),
    registry?.stop(),
    moto?.stop(),
    new Promise((resolve) => (healthServer ? healthServer.close(resolve) : resolve(undefined))),
  ]);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A git checkout holding `tags` (all on one commit), as actions/checkout with fetch-depth: 0 leaves it. */
function checkout(tags: string[]): string {
  const dir = mkdtempSync(join(work, 'checkout-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });
  git('init', '-q');
  writeFileSync(join(dir, 'README'), 'sample\n');
  git('add', 'README');
  git('commit', '-q', '-m', 'sample');
  for (const t of tags) git('tag', t);
  return dir;
}

const describeRun = (r: CompositeResult) =>
  r.steps.map((s) => `${s.name}: ${s.outcome} ${s.errors.join(' | ')}`).join('\n') + `\n${r.log.slice(-4000)}`;

describe('release composite, run step by step', () => {
  // issue 19: the GitHub Release, opt-in; `all` also makes one for an rc, as a prerelease.
  test('github-release: all on an rc tag: a prerelease GitHub Release with the pushed images by digest', async () => {
    const RELEASER = 'ghp_ReleaseCompositeContentsWrite0123456';
    github.addToken(RELEASER, { login: 'releaser', permissions: { contents: 'write' } });
    github.addTag(DEFAULT_REPOSITORY, 'v1.2.5-rc.1');
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.5-rc.1',
      workspace: checkout([]),
      inputs: {
        services: 'core',
        registry: registry.host,
        'registry-auth': 'none',
        source: image.layout,
        'skip-migrate': true,
        'skip-dispatch': true,
        'github-release': 'all',
        'deployment-token': RELEASER,
      },
      env: { GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [RELEASER, DEFAULT_TOKEN],
    });
    expect([r.failed, describeRun(r)]).toEqual([false, expect.any(String)]);
    expect(r.steps.map((s) => [s.id, s.outcome]).slice(-2)).toEqual([
      ['deployment', 'skipped'],
      ['github-release', 'success'],
    ]);
    const release = github.releases(DEFAULT_REPOSITORY).find((x) => x.tag === 'v1.2.5-rc.1')!;
    expect([release.prerelease, release.latest, release.assets]).toEqual([true, false, []]);
    const digest = (JSON.parse(r.outputs.digests!) as Record<string, string>)[`${registry.host}/ms_core:v1.2.5-rc.1`];
    expect(release.body).toContain(`| core | \`${registry.host}/ms_core@${digest}\` |`);
    expect(r.outputs['github-release-url']).toBe(`${github.serverUrl}/${DEFAULT_REPOSITORY}/releases/tag/v1.2.5-rc.1`);
  });

  test('github-release: an unknown value stops the release at the gate, before anything is pushed', async () => {
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.5-rc.1',
      workspace: checkout([]),
      inputs: { services: 'core', registry: registry.host, 'registry-auth': 'none', source: image.layout, 'github-release': 'true' },
      env: { GITHUB_API_URL: github.apiUrl },
    });
    expect(r.failed).toBe(true);
    expect(r.steps.map((s) => [s.id, s.outcome]).slice(0, 3)).toEqual([
      ['version', 'success'],
      ['gate', 'failure'],
      ['images', 'skipped'],
    ]);
    expect(r.errors.join('\n')).toContain('Input "github-release": is not a known value');
  });

  test('rc tag: image pushed to the registry, migration hook rendered with its digest, staging GitOps dispatched', async () => {
    const workspace = checkout([]);
    mkdirSync(join(workspace, 'charts'), { recursive: true });
    const before = Math.max(0, ...github.runs().map((x) => x.id));
    Object.assign(health, { version: '1.2.2', next: '1.2.3-rc.1', lag: 2 }); // the rollout takes two looks
    const statsFrom = github.requests.length;
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3-rc.1',
      workspace,
      inputs: {
        services: 'core payments',
        registry: registry.host,
        'registry-auth': 'none',
        source: image.layout,
        backend: 'render',
        release: 'orders',
        command: 'migrate up',
        'output-file': 'charts/migrate.yaml',
        token: PAT,
        'poll-interval': '100ms',
        'dispatch-timeout': '20s',
        'environment-url': 'https://staging.example.com',
        'verify-url': healthUrl,
        'verify-version-from': 'json:version',
        'verify-interval': '100ms',
        'verify-timeout': '10s',
      },
      env: { GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [PAT, DEFAULT_TOKEN],
    });
    expect([r.failed, describeRun(r)]).toEqual([false, expect.any(String)]);
    expect(r.outputs).toMatchObject({
      tag: 'v1.2.3-rc.1',
      version: '1.2.3-rc.1',
      channel: 'rc',
      environment: 'staging',
      'push-mode': 'push',
      'promoted-from': '',
      'job-name': 'orders-migrate-v1-2-3-rc-1',
    });
    const sha7 = r.outputs.pin!.split('\n')[0]!.split(':sha-')[1];
    expect(r.outputs.images!.split('\n').sort()).toEqual([
      `${registry.host}/ms_core:sha-${sha7}`,
      `${registry.host}/ms_core:v1.2.3-rc.1`,
      `${registry.host}/ms_payments:sha-${sha7}`,
      `${registry.host}/ms_payments:v1.2.3-rc.1`,
    ]);
    // the registry really has the image under every tag, with the digest push-artifacts reported
    const digests = JSON.parse(r.outputs.digests!) as Record<string, string>;
    for (const ref of r.outputs.images!.split('\n')) {
      expect(digests[ref]).toBe(image.digest);
      const [repo, tag] = ref.slice(registry.host.length + 1).split(':');
      const head = await fetch(`http://${registry.host}/v2/${repo}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { accept: image.mediaType },
      });
      expect([ref, head.status, head.headers.get('docker-content-digest')]).toEqual([ref, 200, image.digest]);
    }
    // the migration runs the pushed image by digest
    const manifest = readFileSync(join(workspace, 'charts/migrate.yaml'), 'utf8');
    expect(manifest).toContain(`image: ${registry.host}/ms_core@${image.digest}`);
    expect(manifest).toContain('helm.sh/hook');
    // the staging GitOps workflow ran with the release's version and projects
    const made = github.runs().filter((x) => x.id > before);
    expect(made.map((x) => [x.repository, x.inputs.newVersion, x.inputs.projectNames, x.conclusion])).toEqual([
      ['example-org/gitops-staging', 'v1.2.3-rc.1', 'ms_core ms_payments', 'success'],
    ]);
    expect(r.outputs['run-url']).toBe(`${github.serverUrl}/example-org/gitops-staging/actions/runs/${made[0]!.id}`);
    expect(r.summary).toContain('| v1.2.3-rc.1 | rc | auto | push |');
    // issue 16: recorded as a deployment of the tag to staging, verified against the health endpoint
    const [deployment] = github.deployments(DEFAULT_REPOSITORY).filter((d) => d.ref === 'v1.2.3-rc.1');
    expect(deployment).toMatchObject({
      environment: 'staging',
      production: false,
      transient: false,
      id: Number(r.outputs['deployment-id']),
    });
    expect(deployment!.statuses.map((s) => [s.state, s.logUrl, s.environmentUrl])).toEqual([
      ['in_progress', r.outputs['run-url'], 'https://staging.example.com'],
      ['success', r.outputs['run-url'], 'https://staging.example.com'],
    ]);
    const payload = deployment!.payload as {
      tag: string;
      images: Array<{ service: string; digest: string }>;
      gitops: { 'run-url': string };
      migration: { status: string };
    };
    expect([payload.tag, payload.images.map((i) => [i.service, i.digest]), payload.gitops['run-url'], payload.migration.status]).toEqual([
      'v1.2.3-rc.1',
      [
        ['core', image.digest],
        ['payments', image.digest],
      ],
      r.outputs['run-url'],
      'rendered',
    ]);
    expect(r.outputs).toMatchObject({
      'deployment-state': 'success',
      verified: 'true',
      'deployment-url': `${github.apiUrl}/repos/${DEFAULT_REPOSITORY}/deployments/${deployment!.id}`,
    });
    const record = JSON.parse(r.outputs.deployment!) as {
      verification: Array<{ ok: boolean; attempts: number; version: string }>;
      requests: number;
    };
    expect(record.verification).toEqual([expect.objectContaining({ ok: true, attempts: 3, version: '1.2.3-rc.1' })]); // two answers of the old version, then the new one
    expect(record.requests).toBe(3);
    expect(github.violations).toEqual([]);
    // The whole release's GitHub API requests (README, "The deployment lifecycle"): image-tags 1, gitops-dispatch 4 + its
    // looks at the run, record-deployment 3.
    const stats = github.stats(statsFrom);
    expect([
      stats.byOperation['repos/get'],
      stats.byOperation['actions/list-repo-workflows'],
      stats.byOperation['repos/get-content'],
      stats.byOperation['actions/create-workflow-dispatch'],
      stats.byOperation['repos/create-deployment'],
      stats.byOperation['repos/create-deployment-status'],
    ]).toEqual([2, 1, 1, 1, 1, 2]);
    expect(stats.total - (stats.byOperation['actions/get-workflow-run'] ?? 0)).toBe(8);
  });

  test('registries: the rc pushed to a second registry in the same push step', async () => {
    const second = await startRegistry();
    try {
      const r = await runComposite('release', {
        ref: 'refs/tags/v1.2.3-rc.1',
        workspace: checkout([]),
        inputs: {
          services: 'core',
          registry: registry.host,
          registries: second.host,
          'registry-auth': 'none',
          source: image.layout,
          'skip-migrate': true,
          'skip-dispatch': true,
          'record-deployment': 'false',
        },
        env: { GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
        secrets: [DEFAULT_TOKEN],
      });
      expect([r.failed, describeRun(r)]).toEqual([false, expect.any(String)]);
      const digests = JSON.parse(r.outputs.digests!) as Record<string, string>;
      expect(digests[`${second.host}/ms_core:v1.2.3-rc.1`]).toBe(image.digest);
      expect(digests[`${registry.host}/ms_core:v1.2.3-rc.1`]).toBe(image.digest);
      const stored = await fetch(`${second.url}/v2/ms_core/manifests/v1.2.3-rc.1`, {
        method: 'HEAD',
        headers: { accept: image.mediaType },
      });
      expect(stored.headers.get('docker-content-digest')).toBe(image.digest);
    } finally {
      await second.stop();
    }
  });

  test('production tag with no rc: the gate refuses before anything is pushed, naming the missing rc', async () => {
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3',
      workspace: checkout(['v1.2.2-rc.1', 'v1.2.3-alpha.1', 'v1.2.3-rc.x']),
      inputs: {
        services: 'core',
        registry: registry.host,
        'registry-auth': 'none',
        source: image.layout,
        'skip-migrate': true,
        'skip-dispatch': true,
      },
    });
    expect(r.failed).toBe(true);
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'success'],
      ['gate', 'failure'],
      ['images', 'skipped'],
      ['push', 'skipped'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'skipped'],
      ['ecs', 'skipped'], // issue 19: the ECS hand-off (delivery: ecs), skipped with the default gitops
      ['deployment', 'skipped'],
      ['github-release', 'skipped'], // issue 19: + github-release (opt-in, off here)
    ]);
    expect(r.errors.join('\n')).toContain('Production release v1.2.3 is blocked: no release candidate v1.2.3-rc.N was found');
    expect(r.errors.join('\n')).toContain("git tag --list 'v1.2.3-rc.*'");
  });

  test('production tag outside a git checkout: the gate says to check out with tags', async () => {
    const empty = mkdtempSync(join(work, 'nogit-'));
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3',
      workspace: empty,
      inputs: { services: 'core', 'skip-migrate': true, 'skip-dispatch': true },
    });
    expect(r.step('gate').outcome).toBe('failure');
    expect(r.errors.join('\n')).toMatch(/is not a git checkout.*fetch-depth: 0/);
  });

  test('production tag: the newest rc (numerically) is promoted by digest through ECR, migrated and dispatched; no rebuild pushed', async () => {
    const ecr = new ECRClient({
      region: REGION,
      endpoint: moto.url,
      credentials: { accessKeyId: AWS.AWS_ACCESS_KEY_ID, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY },
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ms_core' }));
    const manifest = (n: string) =>
      JSON.stringify({
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
    const put = async (tag: string, n: string) => {
      const body = manifest(n);
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
    const tested = await put('v1.2.3-rc.10', 'a');
    const workspace = checkout(['v1.2.3-rc.2', 'v1.2.3-rc.10', 'v1.2.3-rc.9', 'v1.2.4-rc.11']);
    const before = Math.max(0, ...github.runs().map((x) => x.id));
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3',
      workspace,
      // the tag policy: this case is the rc tag alone (require-staging: deployment is release-steps-records.test.ts')
      inputs: {
        'require-staging': 'tag',
        services: 'core',
        registry: ECR_HOST,
        source: join(work, 'no-such-build'),
        backend: 'render',
        release: 'orders',
        'output-file': 'migrate.yaml',
        token: PAT,
        'poll-interval': '100ms',
        'dispatch-timeout': '20s',
      },
      env: { ...AWS, GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [PAT, AWS.AWS_SECRET_ACCESS_KEY],
    });
    expect([r.failed, describeRun(r)]).toEqual([false, expect.any(String)]);
    expect(r.step('gate').outputs).toEqual({ mode: 'promote', 'promote-from': 'v1.2.3-rc.10' });
    expect(r.step('push').env).toMatchObject({ INPUT_MODE: 'promote', 'INPUT_PROMOTE-FROM': 'v1.2.3-rc.10' });
    expect(r.outputs).toMatchObject({
      environment: 'production',
      'is-production': 'true',
      'push-mode': 'promote',
      'promoted-from': 'v1.2.3-rc.10',
    });
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'ms_core', imageIds: [{ imageTag: 'v1.2.3' }] }));
    expect(got.images?.[0]?.imageId?.imageDigest).toBe(tested);
    expect(Object.values(JSON.parse(r.outputs.digests!) as Record<string, string>)).toEqual([tested, tested]);
    expect(readFileSync(join(workspace, 'migrate.yaml'), 'utf8')).toContain(`image: ${ECR_HOST}/ms_core@${tested}`);
    expect(
      github
        .runs()
        .filter((x) => x.id > before)
        .map((x) => [x.repository, x.inputs.newVersion, x.inputs.projectNames]),
    ).toEqual([['example-org/gitops-production', 'v1.2.3', 'ms_core']]);
    // issue 16: recorded as a production deployment (no verify-url: not verified), the promoted digest in its payload
    const [deployment] = github.deployments(DEFAULT_REPOSITORY).filter((d) => d.ref === 'v1.2.3');
    expect([deployment?.environment, deployment?.production, deployment?.statuses.map((s) => s.state), r.outputs.verified]).toEqual([
      'production',
      true,
      ['in_progress', 'success'],
      '',
    ]);
    expect((deployment!.payload as { images: Array<{ digest: string }> }).images.map((i) => i.digest)).toEqual([tested]);
  });

  // issue 16: a release that fails after the gate is still recorded, as `failure`, and the composite fails.
  test('a failed GitOps hand-off: recorded as a failed deployment; the composite fails', async () => {
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.4-rc.1',
      workspace: checkout([]),
      inputs: {
        'skip-images': true,
        'skip-push': true,
        'skip-migrate': true,
        workflow: 'No Such Workflow',
        token: PAT,
        'verify-url': healthUrl,
      },
      env: { GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [PAT, DEFAULT_TOKEN],
    });
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'success'],
      ['gate', 'success'],
      ['images', 'skipped'],
      ['push', 'skipped'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'failure'],
      ['ecs', 'skipped'], // issue 19: the ECS hand-off (delivery: ecs), skipped with the default gitops
      ['deployment', 'success'],
      ['github-release', 'skipped'], // issue 19: + github-release (opt-in, off here)
    ]);
    expect(r.failed).toBe(true);
    const deployment = github
      .deployments(DEFAULT_REPOSITORY)
      .filter((d) => d.ref === 'v1.2.4-rc.1')
      .at(-1)!;
    expect(deployment.statuses.map((s) => [s.state, s.description])).toEqual([
      ['in_progress', 'Deploying v1.2.4-rc.1 to staging'],
      ['failure', 'v1.2.4-rc.1 to staging: the deploy failed'],
    ]);
    expect(r.outputs).toMatchObject({ 'deployment-state': 'failure', verified: '' }); // a failed deploy is not verified
  });

  // issue 16: the composite's rollback mode, the same steps as rollback.yml.
  test('rollback: true dispatches the previous successful version (images checked in ECR by digest), waited, and records it; no migration, nothing pushed', async () => {
    const ecr = new ECRClient({
      region: REGION,
      endpoint: moto.url,
      credentials: { accessKeyId: AWS.AWS_ACCESS_KEY_ID!, secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY! },
    });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ms_rollback' }));
    const digests: Record<string, string> = {};
    for (const [tag, seed] of [
      ['v1.2.3-rc.1', 'b'],
      ['v1.2.4-rc.1', 'c'],
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
          repositoryName: 'ms_rollback',
          imageTag: tag,
          imageManifest: body,
          imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
          imageDigest: digests[tag],
        }),
      );
    }
    // development's history, as record-deployment records it: v1.2.3-rc.1 succeeded (schema 20240101), then v1.2.4-rc.1 failed.
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${github.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `token ${DEFAULT_TOKEN}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: number };
    };
    for (const [tag, state, schema] of [
      ['v1.2.3-rc.1', 'success', '20240101'],
      ['v1.2.4-rc.1', 'failure', ''],
    ] as const) {
      const payload = {
        'deploy-kit': 1,
        tag,
        version: tag.slice(1),
        environment: 'development',
        images: [{ service: 'rollback', image: `${ECR_HOST}/ms_rollback`, digest: digests[tag], tags: [tag] }],
        s3: null,
        migration: schema ? { status: 'succeeded', job: null, 'exit-code': 0, 'schema-version': schema } : null,
        gitops: null,
        run: null,
      };
      const d = await api(`/repos/${DEFAULT_REPOSITORY}/deployments`, {
        ref: tag,
        environment: 'development',
        payload,
        auto_merge: false,
        required_contexts: [],
        production_environment: false,
        description: `${tag} to development`,
      });
      for (const st of ['in_progress', state])
        await api(`/repos/${DEFAULT_REPOSITORY}/deployments/${d.id}/statuses`, {
          state: st,
          description: `${tag} to development: ${st}`,
          log_url: 'https://github.com/example-org/sample-service/actions/runs/1',
        });
    }
    const before = Math.max(0, ...github.runs().map((x) => x.id));
    const workspace = checkout([]);
    const r = await runComposite('release', {
      ref: 'refs/heads/main',
      workspace,
      inputs: {
        rollback: true,
        environment: 'development',
        token: PAT,
        'poll-interval': '100ms',
        'dispatch-timeout': '20s',
        wait: 'none',
        command: 'migrate up',
        backend: 'render',
        'output-file': 'migrate.yaml',
      },
      env: { ...AWS, GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [PAT, DEFAULT_TOKEN, AWS.AWS_SECRET_ACCESS_KEY!],
    });
    expect([r.failed, describeRun(r)]).toEqual([false, expect.any(String)]);
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'skipped'],
      ['gate', 'success'],
      ['images', 'skipped'],
      ['push', 'skipped'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'success'],
      ['ecs', 'skipped'], // issue 19: the ECS hand-off (delivery: ecs), skipped with the default gitops
      ['deployment', 'success'],
      ['github-release', 'skipped'], // issue 19: + github-release (opt-in, off here)
    ]);
    expect(r.outputs).toMatchObject({ 'rolled-back-to': 'v1.2.3-rc.1', 'rolled-back-from': 'v1.2.4-rc.1', 'deployment-state': 'success' });
    expect(r.step('dispatch').env).toMatchObject({ INPUT_TAG: 'v1.2.3-rc.1', INPUT_PROJECTS: 'ms_rollback', INPUT_WAIT: 'completed' }); // waited, whatever `wait` says
    expect(
      github
        .runs()
        .filter((x) => x.id > before)
        .map((x) => [x.repository, x.inputs.newVersion, x.inputs.projectNames, x.conclusion]),
    ).toEqual([['example-org/gitops-development', 'v1.2.3-rc.1', 'ms_rollback', 'success']]);
    const deployment = github
      .deployments(DEFAULT_REPOSITORY)
      .filter((d) => d.environment === 'development')
      .at(-1)!;
    expect([deployment.id, deployment.ref, deployment.statuses.map((s) => s.state)]).toEqual([
      Number(r.outputs['deployment-id']),
      'v1.2.3-rc.1',
      ['in_progress', 'success'],
    ]);
    expect(JSON.stringify(deployment)).toContain('Rollback of development from v1.2.4-rc.1 to v1.2.3-rc.1');
    const payload = deployment.payload as {
      tag: string;
      images: Array<{ digest: string }>;
      migration: { status?: string; 'schema-version'?: string } | null;
    };
    expect([payload.tag, payload.images.map((i) => i.digest)]).toEqual(['v1.2.3-rc.1', [digests['v1.2.3-rc.1']]]);
    expect(payload.migration?.status).not.toBe('succeeded'); // no migration ran
    expect(JSON.stringify(payload.migration)).toContain('20240101'); // the schema that stays
    expect(existsSync(join(workspace, 'migrate.yaml'))).toBe(false);
    expect(github.violations).toEqual([]);
  });

  test('rollback: true with no earlier successful deployment: refused naming the environment; nothing dispatched or recorded', async () => {
    const before = Math.max(0, ...github.runs().map((x) => x.id));
    const r = await runComposite('release', {
      ref: 'refs/heads/main',
      workspace: checkout([]),
      inputs: { rollback: true, environment: 'qa', token: PAT },
      env: { ...AWS, GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [PAT, DEFAULT_TOKEN, AWS.AWS_SECRET_ACCESS_KEY!],
    });
    expect(r.failed).toBe(true);
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'skipped'],
      ['gate', 'failure'],
      ['images', 'skipped'],
      ['push', 'skipped'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'skipped'],
      ['ecs', 'skipped'], // issue 19: the ECS hand-off (delivery: ecs), skipped with the default gitops
      ['deployment', 'skipped'],
      ['github-release', 'skipped'], // issue 19: + github-release (opt-in, off here)
    ]);
    expect(r.errors.join('\n')).toContain('Rollback of qa refused: there is no earlier successful deployment to go back to');
    expect(github.runs().filter((x) => x.id > before)).toEqual([]);
    expect(github.deployments(DEFAULT_REPOSITORY).filter((d) => d.environment === 'qa')).toEqual([]);
  });

  test('a verification that never sees the new version: the deployment is marked failure and the composite fails, naming the URL', async () => {
    Object.assign(health, { version: '1.2.3-rc.1', next: '', lag: 0 }); // still the old release
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.4-rc.1',
      workspace: checkout([]),
      inputs: {
        'skip-images': true,
        'skip-push': true,
        'skip-migrate': true,
        projects: 'ms_core',
        token: PAT,
        'poll-interval': '100ms',
        'verify-url': healthUrl,
        'verify-version-from': 'json:version',
        'verify-interval': '200ms',
        'verify-timeout': '1s',
      },
      env: { GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: github.serverUrl },
      secrets: [PAT, DEFAULT_TOKEN],
    });
    expect([r.failed, r.step('dispatch').outcome, r.step('deployment').outcome]).toEqual([true, 'success', 'failure']);
    const deployment = github
      .deployments(DEFAULT_REPOSITORY)
      .filter((d) => d.ref === 'v1.2.4-rc.1')
      .at(-1)!;
    expect(deployment.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(deployment.statuses[1]!.description).toContain(`verification failed, ${healthUrl}`);
    expect(r.outputs).toMatchObject({ 'deployment-state': 'failure', verified: 'false' });
    expect(r.errors.join('\n')).toContain(healthUrl);
    expect(github.violations).toEqual([]);
  });

  test('production tag whose rc tag exists in git but not in ECR: push-artifacts refuses, naming the rc image', async () => {
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.3.0',
      workspace: checkout(['v1.3.0-rc.1']),
      inputs: { 'require-staging': 'tag', services: 'core', registry: ECR_HOST, 'skip-migrate': true, 'skip-dispatch': true },
      env: AWS,
      secrets: [AWS.AWS_SECRET_ACCESS_KEY],
    });
    expect(r.step('gate').outputs).toEqual({ mode: 'promote', 'promote-from': 'v1.3.0-rc.1' });
    expect(r.step('push').outcome).toBe('failure');
    expect(r.errors.join('\n')).toContain('ms_core:v1.3.0-rc.1 does not exist, so there is nothing to promote');
  });

  test('promote: never pushes a rebuild for a production tag; a bad promote value fails in the gate', async () => {
    const never = await runComposite('release', {
      ref: 'refs/tags/v1.2.3',
      workspace: checkout([]),
      inputs: {
        promote: 'never',
        services: 'core',
        registry: registry.host,
        'registry-auth': 'none',
        source: image.layout,
        'dry-run': true,
        'skip-migrate': true,
        'skip-dispatch': true,
      },
    });
    expect([never.failed, never.step('gate').outputs, describeRun(never)]).toEqual([
      false,
      { mode: 'push', 'promote-from': '' },
      expect.any(String),
    ]);
    expect(never.step('push').env['INPUT_MODE']).toBe('push');
    const bad = await runComposite('release', {
      ref: 'refs/tags/v1.2.3',
      workspace: checkout([]),
      inputs: { promote: 'sometimes', 'skip-migrate': true, 'skip-dispatch': true },
    });
    expect(bad.step('gate').outcome).toBe('failure');
    expect(bad.errors.join('\n')).toContain(
      'Input "promote": is not a known value; expected one of `auto`, `always`, `never`. Got: sometimes',
    );
  });

  // Outputs are written only in the file-command delimiter form, and the values that become outputs
  // are validated: a newline in an input can neither set another output nor reach the next stage.
  test('a newline in promote-from fails the gate naming the input; no output is set (not `mode=push`) and nothing is pushed', async () => {
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3-rc.1',
      workspace: checkout([]),
      inputs: {
        services: 'core',
        registry: registry.host,
        'registry-auth': 'none',
        source: image.layout,
        'promote-from': 'v1.2.2-rc.1\nmode=push',
        'skip-migrate': true,
        'skip-dispatch': true,
      },
    });
    expect(r.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['version', 'success'],
      ['gate', 'failure'],
      ['images', 'skipped'],
      ['push', 'skipped'],
      ['migrate-image', 'skipped'],
      ['migrate', 'skipped'],
      ['dispatch', 'skipped'],
      ['ecs', 'skipped'], // issue 19: the ECS hand-off (delivery: ecs), skipped with the default gitops
      ['deployment', 'skipped'],
      ['github-release', 'skipped'], // issue 19: + github-release (opt-in, off here)
    ]);
    expect(r.step('gate').outputs).toEqual({});
    expect(r.outputs['push-mode']).toBe('');
    expect(r.errors.join('\n')).toContain('Input "promote-from": is not an image tag or digest');
    expect(r.errors.join('\n')).toContain('Got: v1.2.2-rc.1\nmode=push');
  });

  test('a newline in migrate-image fails the picker naming the input; no output is set and migrate-job does not run', async () => {
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3-rc.1',
      workspace: checkout([]),
      inputs: {
        'skip-images': true,
        'skip-push': true,
        'migrate-image': 'example.com/ms_core:v1\nimage=example.com/evil:latest',
        backend: 'render',
        release: 'orders',
        'output-file': 'migrate.yaml',
        'skip-dispatch': true,
      },
    });
    expect(r.step('migrate-image').outcome).toBe('failure');
    expect(r.step('migrate-image').outputs).toEqual({});
    expect(r.step('migrate').outcome).toBe('skipped');
    expect(r.errors.join('\n')).toContain('Input "migrate-image": is not one image reference');
  });

  test.each([
    [
      'dist/release-steps gate',
      [actionNode(), [join(REPO_ROOT, 'dist/release-steps/index.js'), 'gate']],
      { PROMOTE_FROM: 'v1.2.3-rc.2', CHANNEL: 'release', TAG: 'v1.2.3' },
      ['mode', 'promote-from'],
    ],
    [
      'dist/release-steps migrate-image',
      [actionNode(), [join(REPO_ROOT, 'dist/release-steps/index.js'), 'migrate-image']],
      { MIGRATE_IMAGE: `${ECR_HOST}/ms_core:sha-0a1b2c3` },
      ['image'],
    ],
  ] as const)('%s writes its outputs only as name<<random delimiter blocks', (_file, [cmd, args], env, names) => {
    const dir = mkdtempSync(join(work, 'outputs-'));
    const file = join(dir, 'output');
    writeFileSync(file, '');
    for (let i = 0; i < 2; i++)
      execFileSync(cmd, [...args], { env: { PATH: process.env.PATH, GITHUB_OUTPUT: file, ...env }, stdio: 'pipe' });
    const text = readFileSync(file, 'utf8');
    // The delimiter: core's runner.setOutput's (both steps).
    const block = /([\w-]+)<<(ghadelimiter_[0-9a-z-]{16,})\n([^\n]*)\n\2\n/gy;
    const blocks = [...text.matchAll(block)];
    expect(blocks.map((m) => m[0]).join('')).toBe(text);
    expect(blocks.map((m) => m[1])).toEqual([...names, ...names]);
    expect(new Set(blocks.map((m) => m[2])).size).toBe(blocks.length); // a fresh delimiter each time
  });
});

// --- release/build-output.sh: the build job → release job handover -------------------------------
describe('release/build-output.sh (the handover from the build job to the release job)', () => {
  const script = join(REPO_ROOT, 'release/build-output.sh');
  /** A workspace with the sample's build outputs: build/oci/core and bin_arm64/ms/core. */
  const workspace = () => {
    const dir = mkdtempSync(join(work, 'handover-'));
    mkdirSync(join(dir, 'build/oci/core/blobs'), { recursive: true });
    writeFileSync(join(dir, 'build/oci/core/index.json'), '{}');
    writeFileSync(join(dir, 'build/oci/core/blobs/x'), 'blob');
    mkdirSync(join(dir, 'bin_arm64/ms'), { recursive: true });
    writeFileSync(join(dir, 'bin_arm64/ms/core'), 'binary');
    return dir;
  };
  const OUTPUTS = { SOURCE: 'build/oci/{service}', S3_SOURCE: 'bin_arm64/ms' };
  const run = (cwd: string, args: string[], env: Record<string, string> = OUTPUTS) => {
    const output = join(cwd, '..', `${cwd.split('/').at(-1)}.output`);
    writeFileSync(output, '');
    const r = spawnSync('bash', [script, ...args], {
      cwd,
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
      encoding: 'utf8',
    });
    return { status: r.status, out: r.stdout + r.stderr, outputs: Object.fromEntries(parseFileCommand(readFileSync(output, 'utf8'))) };
  };
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  test('pack archives the declared outputs and records the sha256; unpack checks it and restores them', () => {
    const from = workspace();
    const archive = join(from, '..', 'handover.tar');
    const packed = run(from, ['pack', archive]);
    expect([packed.status, packed.outputs]).toEqual([0, { sha256: sha256(archive) }]);
    const to = mkdtempSync(join(work, 'release-'));
    const unpacked = run(to, ['unpack', archive, packed.outputs.sha256!]);
    expect([unpacked.status, unpacked.out]).toEqual([
      0,
      expect.stringContaining(`Build output: sha256:${packed.outputs.sha256} verified; extracted build/oci bin_arm64/ms`),
    ]);
    expect([readFileSync(join(to, 'build/oci/core/blobs/x'), 'utf8'), readFileSync(join(to, 'bin_arm64/ms/core'), 'utf8')]).toEqual([
      'blob',
      'binary',
    ]);
  });

  test.each([
    [
      'a declared output the build did not make',
      (d: string) => rmSync(join(d, 'bin_arm64'), { recursive: true }),
      OUTPUTS,
      'The build produced no bin_arm64/ms',
    ],
    [
      "a link in an output (it could point at the runner's files)",
      (d: string) => execFileSync('ln', ['-s', '/etc/hostname', join(d, 'build/oci/core/blobs/y')]),
      OUTPUTS,
      'is not a regular file or directory',
    ],
    [
      'an output inside .deploy-kit/',
      () => undefined,
      { BUILD_OUTPUTS: 'build .deploy-kit/release' },
      'inside .deploy-kit/, which the deploy job checks out itself',
    ],
    ['an output with ..', () => undefined, { BUILD_OUTPUTS: 'build/../..' }, 'has a `.` or `..` component'],
    ['an absolute output', () => undefined, { BUILD_OUTPUTS: '/etc' }, 'is an absolute path'],
    ['no outputs at all', () => undefined, {}, 'No build outputs'],
    ['a source that starts with its placeholder', () => undefined, { SOURCE: '{service}.tar' }, 'starts with a placeholder'],
  ])('pack refuses %s', (_what, prepare, env, message) => {
    const dir = workspace();
    prepare(dir);
    const r = run(dir, ['pack', join(dir, '..', 'refused.tar')], env as Record<string, string>);
    expect([r.status, r.out, r.outputs]).toEqual([1, expect.stringContaining(message), {}]);
  });

  test.each([
    [
      'an archive changed after the build (one byte)',
      (a: string, d: string) => {
        execFileSync('tar', ['-cf', a, 'build', 'bin_arm64'], { cwd: d });
        const recorded = sha256(a);
        const bytes = readFileSync(a);
        bytes[600] = bytes[600]! ^ 1;
        writeFileSync(a, bytes);
        return recorded;
      },
      'it changed after the build, so it is not used',
    ],
    [
      'a link member',
      (a: string, d: string) => {
        execFileSync('ln', ['-s', '/etc/hostname', join(d, 'build/oci/core/link')]);
        execFileSync('tar', ['-cf', a, 'build'], { cwd: d });
        return sha256(a);
      },
      "not a regular file or directory (links could point at the runner's files)",
    ],
    [
      "a member outside the declared outputs: deploy-kit's own gate",
      (a: string, d: string) => {
        mkdirSync(join(d, '.deploy-kit/release'), { recursive: true });
        writeFileSync(join(d, '.deploy-kit/release/gate.sh'), 'echo tampered');
        execFileSync('tar', ['-cf', a, 'build/oci', 'bin_arm64/ms', '.deploy-kit'], { cwd: d });
        return sha256(a);
      },
      '".deploy-kit", which is outside the declared build outputs (build/oci bin_arm64/ms)',
    ],
    [
      'a member with ..',
      (a: string, d: string) => {
        execFileSync('tar', ['-cPf', a, '../' + d.split('/').at(-1) + '/build'], { cwd: d });
        return sha256(a);
      },
      'an absolute name or one with `..`',
    ],
    [
      'an archive the build job recorded no sha256 for',
      (a: string, d: string) => {
        execFileSync('tar', ['-cf', a, 'build'], { cwd: d });
        return '';
      },
      'recorded no sha256 for its output',
    ],
  ])('unpack refuses %s, and extracts nothing', (_what, make, message) => {
    const dir = workspace();
    const archive = join(dir, '..', `crafted-${Math.random().toString(36).slice(2)}.tar`);
    const recorded = make(archive, dir);
    const to = mkdtempSync(join(work, 'release-'));
    const r = run(to, ['unpack', archive, recorded]);
    expect([r.status, r.out]).toEqual([1, expect.stringContaining(message)]);
    expect(readdirSync(to)).toEqual([]);
  });
});

// --- the reusable workflows and their example callers ----------------------------------------------
describe('reusable workflows (release.yml, promote.yml) and the example callers', () => {
  type Workflow = { on: Record<string, any>; permissions?: unknown; jobs: Record<string, any> };
  const load = (rel: string) => parseYaml(readFileSync(join(REPO_ROOT, rel), 'utf8')) as Workflow;
  const reusable = { 'release.yml': load('.github/workflows/release.yml'), 'promote.yml': load('.github/workflows/promote.yml') };
  /** What the example callers may call: the two above, and the rollback (issue 16; its own tests in release-steps-records and below). */
  const callable = { ...reusable, 'rollback.yml': load('.github/workflows/rollback.yml') };
  const examples = readdirSync(join(REPO_ROOT, 'examples/.github/workflows'))
    .filter((f) => f.endsWith('.yml'))
    .sort();

  test("the examples cover the seed's dev, staging and production triggers, and promotion by hand", () => {
    expect(examples).toEqual(['dev.yml', 'production.yml', 'promote.yml', 'rollback.yml', 'staging-main.yml', 'staging.yml']); // issue 16: + staging-main.yml (a push to main → staging), + rollback.yml (by hand)
    // Derived from parse-version's rules (action-tests/tag-filters.test.ts proves them over tricky tags);
    // the previous `v*-rc.*` let v1.2.3-beta.1-rc.2 (development) start staging.yml.
    const semver = 'v[0-9]+.[0-9]+.[0-9]+';
    expect(load('examples/.github/workflows/dev.yml').on.push.tags).toEqual([
      `${semver}-alpha.[0-9]+`,
      `${semver}-alpha.[0-9]+\\+*`,
      `${semver}-beta.[0-9]+`,
      `${semver}-beta.[0-9]+\\+*`,
    ]);
    expect(load('examples/.github/workflows/staging.yml').on.push.tags).toEqual([`${semver}-rc.[0-9]+`, `${semver}-rc.[0-9]+\\+*`]);
    expect(load('examples/.github/workflows/production.yml').on.push.tags).toEqual([semver, `${semver}\\+*`]);
  });

  test("release.yml: the caller's build runs in a job without deploy credentials, and hands over only a digest-checked archive", () => {
    const wf = reusable['release.yml'];
    expect(Object.keys(wf.jobs)).toEqual(['plan', 'build', 'release', 'notify']); // issue 16: + notify (Slack, its own job)
    const build = wf.jobs.build;
    const buildText = JSON.stringify(build);
    // no GitHub environment (its secrets and reviewers), no id-token, no secrets, no AWS step
    expect([build.needs, build.permissions, build.environment]).toEqual(['plan', { contents: 'read' }, undefined]);
    expect(buildText).not.toMatch(/secrets\.|id-token|configure-aws-credentials|AWS_/);
    const buildSteps = build.steps as Array<Record<string, any>>;
    const at = (pred: (s: Record<string, any>) => boolean) => buildSteps.findIndex(pred);
    const buildStep = at((s) => s.name === 'Build');
    const deployKit = at((s) => s.with?.path === '.deploy-kit');
    expect([buildStep >= 0, deployKit > buildStep]).toEqual([true, true]); // the build never sees deploy-kit
    expect(
      buildSteps.find((s) => String(s.uses).startsWith('actions/checkout@') && s.with?.path !== '.deploy-kit')?.with?.[
        'persist-credentials'
      ],
    ).toBe(false);
    expect(buildSteps.find((s) => String(s.uses).startsWith('actions/upload-artifact@'))?.with?.name).toBe(
      'deploy-kit-build-${{ steps.pack.outputs.sha256 }}',
    );
    expect(build.outputs).toEqual({ sha256: '${{ steps.pack.outputs.sha256 }}' });

    const release = wf.jobs.release;
    const steps = release.steps as Array<Record<string, any>>;
    expect(release.needs).toEqual(['plan', 'build']);
    expect(JSON.stringify(release)).not.toContain('inputs.build-command');
    const unpack = steps.findIndex((s) => String(s.run).includes('build-output.sh unpack'));
    const download = steps.findIndex((s) => String(s.uses).startsWith('actions/download-artifact@'));
    const aws = steps.findIndex((s) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
    const composite = steps.findIndex((s) => s.uses === './.deploy-kit/release');
    const ownCheckout = steps.findIndex((s) => s.with?.path === '.deploy-kit');
    expect([ownCheckout < download, download < unpack, unpack < aws, aws < composite]).toEqual([true, true, true, true]);
    expect(steps[unpack]!.env.SHA256).toBe('${{ needs.build.outputs.sha256 }}');
  });

  test.each(Object.keys(reusable))(
    '%s: deploy-kit runs at the commit the workflow was called at (job.workflow_sha), in every job',
    (file) => {
      const wf = reusable[file as keyof typeof reusable];
      const text = readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8');
      const source = (wf.jobs.plan.steps as Array<Record<string, any>>)[0]!;
      expect([source.id, source.env]).toEqual([
        'source',
        {
          WORKFLOW_REPOSITORY: '${{ job.workflow_repository }}',
          WORKFLOW_SHA: '${{ job.workflow_sha }}',
          DEPLOY_KIT_REPOSITORY: '${{ inputs.deploy-kit-repository }}',
          DEPLOY_KIT_REF: '${{ inputs.deploy-kit-ref }}',
        },
      ]);
      // the inputs are read only there; every checkout of deploy-kit takes the plan's answer
      expect(text.match(/inputs\.deploy-kit-(ref|repository)/g)).toHaveLength(2);
      for (const [name, job] of Object.entries(wf.jobs)) {
        for (const step of (job.steps as Array<Record<string, any>>).filter((s) => s.with?.path === '.deploy-kit')) {
          const expected =
            name === 'plan'
              ? ['${{ steps.source.outputs.repository }}', '${{ steps.source.outputs.sha }}']
              : ['${{ needs.plan.outputs.deploy-kit-repository }}', '${{ needs.plan.outputs.deploy-kit-sha }}'];
          expect([file, name, step.with.repository, step.with.ref]).toEqual([file, name, ...expected]);
        }
      }
      expect(wf.jobs.plan.outputs).toMatchObject({
        'deploy-kit-repository': '${{ steps.source.outputs.repository }}',
        'deploy-kit-sha': '${{ steps.source.outputs.sha }}',
      });
      expect(source.run).toBe((reusable['release.yml'].jobs.plan.steps as Array<Record<string, any>>)[0]!.run); // one script in both
    },
  );

  const SHA_A = 'a'.repeat(40);
  const SHA_B = 'b'.repeat(40);
  test.each([
    [
      'GitHub gives the commit',
      { WORKFLOW_REPOSITORY: 'acme/deploy-kit', WORKFLOW_SHA: SHA_A },
      0,
      `repository=acme/deploy-kit\nsha=${SHA_A}`,
    ],
    [
      'the same commit given again',
      { WORKFLOW_REPOSITORY: 'acme/deploy-kit', WORKFLOW_SHA: SHA_A, DEPLOY_KIT_REPOSITORY: 'Acme/Deploy-Kit', DEPLOY_KIT_REF: SHA_A },
      0,
      `sha=${SHA_A}`,
    ],
    [
      'another ref than the one called',
      { WORKFLOW_REPOSITORY: 'acme/deploy-kit', WORKFLOW_SHA: SHA_A, DEPLOY_KIT_REF: 'v1' },
      1,
      'Input "deploy-kit-ref": is v1, but this workflow was called at acme/deploy-kit@' + SHA_A,
    ],
    [
      'another repository than the one called',
      { WORKFLOW_REPOSITORY: 'acme/deploy-kit', WORKFLOW_SHA: SHA_A, DEPLOY_KIT_REPOSITORY: 'evil/deploy-kit' },
      1,
      'Input "deploy-kit-repository": is evil/deploy-kit',
    ],
    [
      'no job.workflow_sha (GHES, act): a full SHA',
      { DEPLOY_KIT_REPOSITORY: 'org/deploy-kit', DEPLOY_KIT_REF: SHA_B },
      0,
      `repository=org/deploy-kit\nsha=${SHA_B}`,
    ],
    [
      'no job.workflow_sha: a movable tag is refused',
      { DEPLOY_KIT_REPOSITORY: 'org/deploy-kit', DEPLOY_KIT_REF: 'v1' },
      1,
      'a tag or branch can move and is refused',
    ],
    ['no job.workflow_sha and no inputs (the old default v1 is gone)', {}, 1, 'job.workflow_sha is empty'],
  ])('the source step: %s', (_what, env, status, expected) => {
    const script = (reusable['release.yml'].jobs.plan.steps as Array<Record<string, any>>)[0]!.run as string;
    const dir = mkdtempSync(join(work, 'source-'));
    const output = join(dir, 'output');
    writeFileSync(output, '');
    const r = spawnSync('bash', ['-c', script], {
      env: {
        PATH: process.env.PATH,
        GITHUB_OUTPUT: output,
        WORKFLOW_REPOSITORY: '',
        WORKFLOW_SHA: '',
        DEPLOY_KIT_REPOSITORY: '',
        DEPLOY_KIT_REF: '',
        ...env,
      },
      encoding: 'utf8',
    });
    expect([r.status, status === 0 ? readFileSync(output, 'utf8') : r.stdout]).toEqual([status, expect.stringContaining(expected)]);
  });

  test.each(Object.keys(reusable))(
    '%s: workflow_call, least privilege with id-token, environment + concurrency per environment, pinned actions',
    (file) => {
      const wf = reusable[file as keyof typeof reusable];
      expect(Object.keys(wf.on)).toEqual(['workflow_call']);
      expect(wf.permissions).toEqual({});
      // issue 19: contents write (github-release: the GitHub Release, opt-in; the job asks for it whatever the input says)
      expect(wf.jobs.release.permissions).toEqual({ contents: 'write', 'id-token': 'write', deployments: 'write' }); // issue 16: + deployments (the deployment record)
      expect(wf.jobs.plan.permissions).toEqual({ contents: 'read' });
      expect(wf.jobs.release.environment).toBe('${{ needs.plan.outputs.environment }}');
      expect(wf.jobs.release.concurrency.group).toContain('${{ needs.plan.outputs.environment }}');
      for (const job of Object.values(wf.jobs)) {
        for (const step of job.steps as Array<Record<string, string>>) {
          if (!step.uses || step.uses.startsWith('./')) continue;
          expect([step.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(step.uses)]).toEqual([step.uses, true]);
        }
      }
      const text = readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8');
      for (const line of text.split('\n').filter((l) => /^\s*-?\s*uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40}/.test(l)))
        expect(line).toMatch(/ # v\d+\.\d+\.\d+$/);
    },
  );

  test.each(Object.keys(reusable))('%s: every `with:` of the release composite and parse-version is a real input', (file) => {
    const wf = reusable[file as keyof typeof reusable];
    const problems: string[] = [];
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps as Array<Record<string, any>>) {
        const m = /^\.\/\.deploy-kit\/([a-z-]+)$/.exec(step.uses ?? '');
        if (!m) continue;
        const declared = readActionYml(m[1]!).inputs ?? {};
        for (const k of Object.keys(step.with ?? {})) if (!(k in declared)) problems.push(`${file}: ${m[1]} has no input ${k}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(examples)('examples/%s: calls a reusable workflow with declared inputs and secrets, all required ones given', (file) => {
    const wf = load(`examples/.github/workflows/${file}`);
    const problems: string[] = [];
    for (const [name, job] of Object.entries(wf.jobs)) {
      const m = /^org\/deploy-kit\/\.github\/workflows\/([a-z-]+\.yml)@v1$/.exec(job.uses ?? '');
      if (!m || !(m[1]! in callable)) {
        problems.push(`${name}: uses ${job.uses}`);
        continue;
      }
      const call = callable[m[1] as keyof typeof callable].on.workflow_call;
      for (const k of Object.keys(job.with ?? {})) if (!(k in call.inputs)) problems.push(`${name}: ${m[1]} has no input ${k}`);
      for (const k of Object.keys(job.secrets ?? {})) if (!(k in call.secrets)) problems.push(`${name}: ${m[1]} has no secret ${k}`);
      for (const [k, spec] of Object.entries(call.inputs as Record<string, { required?: boolean }>))
        if (spec.required && !(k in (job.with ?? {}))) problems.push(`${name}: required input ${k} missing`);
      // The grant sits on the calling job (zizmor's auditor flags id-token: write for the whole workflow).
      // issue 16: + deployments (the release job records the deployment; its gate reads the rc's staging deployments; the rollback records itself)
      // issue 19: contents write for the callers of release.yml and promote.yml (their release job may write the GitHub Release)
      const contents = m[1] === 'rollback.yml' ? 'read' : 'write';
      expect([wf.permissions, job.permissions]).toEqual([{}, { contents, 'id-token': 'write', deployments: 'write' }]);
    }
    expect(problems).toEqual([]);
  });
});

describe('rollback.yml (issue 16)', () => {
  const wf = parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows/rollback.yml'), 'utf8')) as {
    on: Record<string, any>;
    permissions: unknown;
    jobs: Record<string, any>;
  };
  const job = wf.jobs.rollback;
  const steps = job.steps as Array<Record<string, any>>;
  const byId = (id: string) => steps.find((s) => s.id === id)!;

  test('one job in the environment, under the deploy lock, with least privilege; pinned third-party actions', () => {
    expect([Object.keys(wf.on), wf.permissions, Object.keys(wf.jobs)]).toEqual([['workflow_call'], {}, ['rollback']]);
    expect(job.permissions).toEqual({ contents: 'read', deployments: 'write', 'id-token': 'write' });
    expect([job.environment, job.concurrency]).toEqual([
      '${{ inputs.environment }}',
      { group: 'deploy-kit-deploy-${{ github.repository }}-${{ inputs.environment }}', 'cancel-in-progress': false },
    ]);
    for (const step of steps) if (step.uses && !step.uses.startsWith('./')) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  test('target (release-steps rollback-target, values through env) → gitops-dispatch, waited → record-deployment; no migration, no push', () => {
    expect(steps.map((s) => s.id ?? s.uses?.replace(/@.*/, ''))).toEqual([
      'source',
      'actions/checkout',
      'aws',
      'aws-actions/configure-aws-credentials',
      'aws-actions/configure-aws-credentials',
      'target',
      'dispatch',
      'ecs', // issue 19: delivery: ecs
      'record',
    ]);
    expect(byId('target').run).toBe('node .deploy-kit/dist/release-steps/index.js rollback-target');
    expect(byId('target').env).toEqual({
      ENVIRONMENT: '${{ inputs.environment }}',
      VERSION: '${{ inputs.version }}',
      TOKEN: '${{ github.token }}',
      REGION: '${{ inputs.aws-region }}',
      DELIVERY: '${{ inputs.delivery }}', // issue 19: gitops or ecs
    });
    expect(byId('dispatch').uses).toBe('./.deploy-kit/gitops-dispatch');
    expect(byId('dispatch').with).toMatchObject({
      tag: '${{ steps.target.outputs.tag }}',
      projects: '${{ steps.target.outputs.projects }}',
      wait: 'completed',
    });
    expect(byId('record').uses).toBe('./.deploy-kit/record-deployment');
    expect(byId('record').with).toMatchObject({
      tag: '${{ steps.target.outputs.tag }}',
      description: '${{ steps.target.outputs.description }}',
      artifacts: '${{ steps.target.outputs.artifacts }}',
      'schema-version': '${{ steps.target.outputs.schema-version }}',
    });
    const text = readFileSync(join(REPO_ROOT, '.github/workflows/rollback.yml'), 'utf8');
    expect(text).not.toMatch(/migrate-job|push-artifacts|\.\/\.deploy-kit\/release\b/);
    for (const step of steps) if (typeof step.run === 'string') expect(step.run).not.toContain('${{');
    // every with: of deploy-kit's own actions is a real input
    for (const step of steps.filter((s) => /^\.\/\.deploy-kit\//.test(s.uses ?? ''))) {
      const declared = readActionYml(step.uses.slice('./.deploy-kit/'.length)).inputs ?? {};
      expect(Object.keys(step.with).filter((k) => !(k in declared))).toEqual([]);
    }
  });
});

// --- release/README.md documents the reusable workflows exactly ---------------------------------------
describe('release/README.md "Reusable workflows" tables match release.yml and promote.yml', () => {
  type Spec = { type?: string; required?: boolean; default?: unknown; description?: string; value?: string };
  const readme = readFileSync(join(REPO_ROOT, 'release/README.md'), 'utf8');
  /** The text under `heading` up to the next heading of the same or a higher level. */
  const sectionOf = (text: string, heading: string): string => {
    const lines = text.split('\n');
    const start = lines.indexOf(heading);
    if (start < 0) throw new Error(`release/README.md has no heading ${heading}`);
    const level = /^#+/.exec(heading)![0].length;
    const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
    return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  };
  /** Rows (cells, trimmed) of the one table whose first header cell is `first`. */
  const tableRows = (text: string, first: string): string[][] => {
    const cells = (line: string) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
    const lines = text.split('\n');
    const starts = lines.flatMap((l, i) =>
      l.startsWith('|') && cells(l)[0] === first && /^\|[-| :]+\|$/.test(lines[i + 1] ?? '') ? [i] : [],
    );
    if (starts.length !== 1) throw new Error(`expected one table headed "${first}", found ${starts.length}`);
    const rows: string[][] = [];
    for (let i = starts[0]! + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
    return rows;
  };
  const name = (cell: string) => /^`([^`]+)`$/.exec(cell)?.[1] ?? `(not a code span: ${cell})`;
  /** `—`: no default; `(empty)`: ''; else the code spans, one line each (`a`<br>`b` → "a\nb"). */
  const defaultOf = (cell: string): string | undefined =>
    cell === '—' ? undefined : cell === '(empty)' ? '' : [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]).join('\n');
  const section = sectionOf(readme, '## Reusable workflows');
  const files = ['release.yml', 'promote.yml'] as const;
  const call = (file: string) =>
    (
      parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as {
        on: { workflow_call: Record<'inputs' | 'secrets' | 'outputs', Record<string, Spec>> };
      }
    ).on.workflow_call;
  const docs = (file: string) => sectionOf(section, `### \`${file}\``);

  test.each(files)('%s: every workflow_call input, in order, with its type, required, default and description', (file) => {
    const expected = Object.entries(call(file).inputs).map(([k, v]) => [
      k,
      v.type,
      v.required ? 'yes' : 'no',
      v.default === undefined ? undefined : String(v.default),
      v.description,
    ]);
    const documented = tableRows(docs(file), 'input').map(([n, type, required, dflt, description]) => [
      name(n!),
      type,
      required,
      defaultOf(dflt!),
      description,
    ]);
    expect(documented).toEqual(expected);
  });

  test.each(files)('%s: every secret with required and description', (file) => {
    const expected = Object.entries(call(file).secrets).map(([k, v]) => [k, v.required ? 'yes' : 'no', v.description]);
    expect(tableRows(docs(file), 'secret').map(([n, required, description]) => [name(n!), required, description])).toEqual(expected);
  });

  test.each(files)('%s: every output with its value and description', (file) => {
    const expected = Object.entries(call(file).outputs).map(([k, v]) => [k, v.value, v.description]);
    expect(tableRows(docs(file), 'output').map(([n, value, description]) => [name(n!), name(value!), description])).toEqual(expected);
  });

  test('the walk-through of the example callers names every `with:` input and secret they use', () => {
    const walk = sectionOf(section, '### The example callers');
    const missing: string[] = [];
    for (const file of readdirSync(join(REPO_ROOT, 'examples/.github/workflows')).filter((f) => f.endsWith('.yml'))) {
      if (!walk.includes(`[\`${file}\`]`)) missing.push(`${file}: not linked`);
      const wf = parseYaml(readFileSync(join(REPO_ROOT, 'examples/.github/workflows', file), 'utf8')) as {
        jobs: Record<string, { with?: Record<string, unknown>; secrets?: Record<string, string> }>;
      };
      for (const job of Object.values(wf.jobs)) {
        for (const k of Object.keys(job.with ?? {}))
          if (!walk.includes(`${k}:`) && !walk.includes(`\`${k}\``)) missing.push(`${file}: with ${k}`);
        for (const [k, v] of Object.entries(job.secrets ?? {})) {
          const source = /secrets\.(\w+)/.exec(v)?.[1] ?? v;
          for (const s of [k, source]) if (!walk.includes(s)) missing.push(`${file}: secret ${s}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
