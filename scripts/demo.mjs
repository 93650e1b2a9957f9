#!/usr/bin/env node
// The whole release pipeline of the sample project (examples/sample-project), locally, for an alpha,
// an rc and a release tag, the way the example workflows run it. Every action is its committed bundle
// run the way the GitHub runner runs it (action-tests/lib/runner.mjs: INPUT_* from action.yml defaults,
// GITHUB_OUTPUT and friends, an event payload); one table per stage shows what it made of each tag.
//
//   parse-version → release gate (dist/release-steps gate) → build (make build-pipeline-ms, OCI layouts)
//   → image-tags (services-from cmd/ms/*) → push-artifacts (images + S3; the release tag promotes
//   the rc by digest) → migrate-job (render, image by digest) → migrate-job (command: golang-migrate
//   on an ephemeral PostgreSQL) → gitops-dispatch
//
// Services, all on 127.0.0.1 and stopped at the end: the GitHub API fake (action-tests/fakes/github)
// always; the CNCF registry (standing in for ECR's registry API), moto (ECR API, S3, STS), PostgreSQL
// and golang-migrate, provisioned on first use by `.ci/install-tools demo` into the tools cache outside
// the clone (one line per tool; about a minute on 2 cores, then cached). Only when they cannot be
// installed (no root for apt-get, no Go or Python) or `--plan` asks for it, push-artifacts shows its
// dry-run plan, the promotion (which reads ECR) is shown as the plan the gate made, and the demo says
// exactly why. Binaries are built with `go` when it
// is on PATH, else placeholder files are used. Everything is written under one temp dir, removed at
// the end; nothing is written into the repository.
//
// Exit 0 only when every expectation held (including the refs that must fail, with a clear message).
//
// Usage: node scripts/demo.mjs [--verbose] [--plan]
//   --verbose   also print each failing step's full log
//   --plan      install and start no local services: the dry-run plan of every push and migration
//
// Extending it: add a stage to STAGES (`run(t)` gets the tag's state with the results of the stages
// before it and returns {cells, problems, details, note}), or a ref to OTHER_REFS.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The AWS SDK warns at import, on Node 20, that its 2027 releases will need Node 22: not the demo's news.
const printWarning = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => !/NodeVersionSupportWarning/.test(`${w.name} ${w.message}`) && printWarning.forEach((l) => l(w)));
// Piped into `head`: stop printing, but still finish and clean up.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  console.log = () => undefined;
});

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE = join(ROOT, 'examples/sample-project');
const REGION = 'eu-west-1';
const ECR = `123456789012.dkr.ecr.${REGION}.amazonaws.com`; // moto's default account
const BUCKET = 'app-artifacts';
const S3_PATH = 'binaries';
const RELEASE = 'sample-service';
const APP_REPOSITORY = 'example-org/sample-service'; // the runner's GITHUB_REPOSITORY in action-tests/lib/runner.mjs
const TOKEN = 'ghp_DemoGitopsToken0123456789abcdefghijklm';
const AWS_KEYS = { AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITDEMO', AWS_SECRET_ACCESS_KEY: 'DemoSecretAccessKey0123456789abcdefgh' };
const API_GATEWAY =
  '- repository: "{owner}/terraform-apps-{environment}"\n  workflow: Update API Gateway Routes\n  environments: [production]';

// The tags released, in order, and on which commit of the sample repository (0: the first commit,
// 1: a later one, so the alpha's pin tag differs from the rc's, and the release sits on the rc's commit).
const TAGS = [
  {
    tag: 'v1.4.0-alpha.1',
    commit: 0,
    expect: { version: '1.4.0-alpha.1', channel: 'alpha', environment: 'development', 'is-production': 'false', mode: 'push' },
  },
  {
    tag: 'v1.4.0-rc.1',
    commit: 1,
    expect: { version: '1.4.0-rc.1', channel: 'rc', environment: 'staging', 'is-production': 'false', mode: 'push' },
  },
  {
    tag: 'v1.4.0',
    commit: 1,
    expect: {
      version: '1.4.0',
      channel: 'release',
      environment: 'production',
      'is-production': 'true',
      mode: 'promote',
      from: 'v1.4.0-rc.1',
    },
  },
];

// Other refs a release workflow sees: parse-version (and, for a release tag, the gate) only.
const OTHER_REFS = [
  { ref: 'refs/tags/v1.4.0-beta.2', expect: { exit: 0, version: '1.4.0-beta.2', channel: 'beta', environment: 'development' } },
  { ref: 'refs/heads/main', expect: { exit: 0, version: 'main-{sha7}', channel: 'branch', environment: 'staging' } },
  { ref: 'refs/heads/feature/login-form', expect: { exit: 0, version: 'feature-login-form-{sha7}', channel: 'branch', environment: '' } },
  { ref: 'refs/pull/42/merge', eventName: 'pull_request', expect: { exit: 0, version: 'pr-42-{sha7}', channel: 'pr', environment: '' } },
  { ref: 'refs/tags/v1.4', note: 'not semver', expect: { exit: 1, error: /v1\.4.*(semver|version)/i } },
  {
    ref: 'refs/tags/v1.5.0',
    note: 'no rc tagged',
    expect: {
      exit: 0,
      version: '1.5.0',
      channel: 'release',
      environment: 'production',
      gate: /Production release v1\.5\.0 is blocked: no release candidate v1\.5\.0-rc\.N/,
    },
  },
];

// --- small helpers --------------------------------------------------------------------------------
const firstLine = (s) =>
  String(s ?? '')
    .trim()
    .split('\n')[0];
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const short = (digest) => (digest ? `${digest.slice(0, 19)}…` : '');
const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const onPath = (cmd) =>
  spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync(cmd, ['version'], { stdio: 'ignore' }).status === 0;

function printTable(title, header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  console.log(`\n${title}\n`);
  all.forEach((r, n) => {
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

/** An ELF binary's architecture, from its header (what `file` would say), or undefined. */
function elfArch(path) {
  const head = readFileSync(path).subarray(0, 20);
  if (head.length < 20 || head.toString('latin1', 0, 4) !== '\x7fELF') return undefined;
  return { 0xb7: 'arm64', 0x3e: 'amd64' }[head.readUInt16LE(18)] ?? `machine ${head.readUInt16LE(18)}`;
}

// --- the demo's world: a git repository of the sample project, the services, one checkout per tag ---
const ctx = { tmp: '', services: {}, missing: [], live: false, go: undefined, make: false, shas: [], repo: '', runAction: undefined };

function git(cwd, ...args) {
  const date = '2025-06-02T10:00:00Z';
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: ctx.tmp,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Release Bot',
      GIT_AUTHOR_EMAIL: 'release@example.org',
      GIT_COMMITTER_NAME: 'Release Bot',
      GIT_COMMITTER_EMAIL: 'release@example.org',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  }).trim();
}

/** The sample project as a git repository with the demo's tags, as the release workflows check it out. */
function makeRepository() {
  const repo = join(ctx.tmp, 'sample-project.git-work');
  cpSync(SAMPLE, repo, { recursive: true, filter: (src) => !/[/\\](bin_arm64|build)$/.test(src) });
  git(repo, '-c', 'init.defaultBranch=main', 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'sample project');
  ctx.shas.push(git(repo, 'rev-parse', 'HEAD'));
  writeFileSync(join(repo, 'CHANGELOG.md'), '## v1.4.0\n\n- payments: refunds\n');
  git(repo, 'add', 'CHANGELOG.md');
  git(repo, 'commit', '-q', '-m', 'changelog for v1.4.0');
  ctx.shas.push(git(repo, 'rev-parse', 'HEAD'));
  for (const t of TAGS) git(repo, 'tag', t.tag, ctx.shas[t.commit]);
  ctx.repo = repo;
}

/** actions/checkout with fetch-depth: 0 for one tag: a clone at the tag, with every tag. */
function checkout(tag) {
  const dir = join(ctx.tmp, `checkout-${tag}`);
  git(ctx.tmp, 'clone', '-q', '--branch', tag, ctx.repo, dir);
  return dir;
}

/** Installs the demo's services (`.ci/install-tools demo`); undefined when they are there, else why not. */
function provisionServices(plan) {
  if (plan) return 'the plan was asked for (--plan)';
  const r = spawnSync('bash', [join(ROOT, '.ci/install-tools'), 'demo'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  process.stderr.write(r.stderr ?? '');
  if (r.status === 0) return undefined;
  const lines = (r.stderr || r.error?.message || '').trim().split('\n');
  const reason = lines.filter((l) => /ERROR|FAILED|need|required/.test(l)).at(-1) ?? lines.at(-1) ?? `exit ${r.status}`;
  return `the local services could not be installed (${reason.replace(/^tools: (ERROR: )?/, '').trim()})`;
}

async function startServices() {
  const services = await import(join(ROOT, 'action-tests/lib/services.mjs'));
  const fake = await import(join(ROOT, 'action-tests/fakes/github/index.mjs'));
  const attempt = async (name, start) => {
    try {
      ctx.services[name] = await start();
    } catch (error) {
      ctx.missing.push(`${name} (${firstLine(error.message)})`);
    }
  };
  const postgres = await import(join(ROOT, 'action-tests/lib/postgres.mjs'));
  const cluster = await import(join(ROOT, 'action-tests/lib/kube-cluster.mjs'));
  const local = !ctx.noServices;
  if (ctx.noServices) ctx.missing.push(ctx.noServices);
  else {
    try {
      ctx.migrateBin = cluster.toolBinary('migrate');
    } catch (error) {
      ctx.missing.push(`migrate (${firstLine(error.message)})`);
    }
  }
  await Promise.all([
    local && attempt('registry', () => services.startRegistry()),
    local && attempt('moto', () => services.startMoto()),
    local && attempt('postgres', () => postgres.startPostgres()),
    // Always available (plain Node): every request is checked against GitHub's OpenAPI description.
    fake
      .startGitHubFake({
        // The application repository, with its release tags: its deployments and its GitHub Release.
        repos: {
          ...fake.seedRepos(fake.UPDATE_PROJECT_LIST),
          [APP_REPOSITORY]: { tags: Object.fromEntries(TAGS.map((t) => [t.tag, {}])) },
        },
        tokens: { [TOKEN]: { login: 'release-bot', permissions: { contents: 'write', deployments: 'write' } } },
        lifecycle: { queuedMs: 100, runningMs: 300 },
      })
      .then((f) => (ctx.services.github = f)),
  ]);
  ctx.live = Boolean(ctx.services.registry && ctx.services.moto);
  ctx.missingNames = ctx.noServices ? ctx.noServices : `${ctx.missing.map((m) => m.split(' ')[0]).join(', ')} not installed`;
  if (ctx.services.moto) {
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const { ECRClient } = await import('@aws-sdk/client-ecr');
    const config = {
      region: REGION,
      endpoint: ctx.services.moto.url,
      credentials: { accessKeyId: AWS_KEYS.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_KEYS.AWS_SECRET_ACCESS_KEY },
    };
    ctx.s3 = new S3Client({ ...config, forcePathStyle: true });
    ctx.ecr = new ECRClient(config);
    // The bucket exists before the first release, as in the deployment guide.
    await ctx.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  }
}

async function stopServices() {
  const { registry, moto, github, postgres } = ctx.services;
  ctx.services = {};
  ctx.s3?.destroy();
  ctx.ecr?.destroy();
  await Promise.allSettled([registry?.stop(), moto?.stop(), github?.close(), postgres?.stop()]);
}

/** The AWS environment push-artifacts gets (moto's endpoint for ECR, S3 and STS). */
const awsEnv = () => ({ ...AWS_KEYS, AWS_REGION: REGION, AWS_ENDPOINT_URL: ctx.services.moto.url });

/** runAction with the tag's ref, commit and checkout. */
function act(t, action, options) {
  return ctx.runAction(action, {
    ref: `refs/tags/${t.tag}`,
    sha: t.sha,
    cwd: t.checkout,
    ...options,
    secrets: [TOKEN, AWS_KEYS.AWS_SECRET_ACCESS_KEY, ...(options.secrets ?? [])],
  });
}

/** The expectation problems of one action run, plus anything the runner would object to. */
function problemsOf(result, expected = {}) {
  const problems = [];
  if (result.exitCode !== 0) problems.push(`exit ${result.exitCode ?? result.signal}: ${firstLine(result.errors[0] ?? result.stderr)}`);
  else problems.push(...result.problems.map((p) => `runner: ${p}`));
  for (const [key, want] of Object.entries(expected)) {
    const got = result.outputs[key] ?? '';
    if (want instanceof RegExp ? !want.test(got) : got !== want)
      problems.push(`${key}: expected ${want instanceof RegExp ? want : JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return problems;
}

/** The release gate (dist/release-steps/index.js gate) as the release composite runs it (its step env), in the tag's checkout. */
function runGate(parsed, checkoutPath) {
  const out = join(mkdtempSync(join(ctx.tmp, 'gate-')), 'output');
  writeFileSync(out, '');
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: ctx.tmp,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    PROMOTE: 'auto',
    PROMOTE_FROM: '',
    MODE: 'push',
    SKIP_PUSH: 'false',
    CHECKOUT_PATH: checkoutPath,
    TAG_PREFIX: 'v',
    TAG: parsed.tag ?? '',
    CHANNEL: parsed.channel ?? '',
    MAJOR: parsed.major ?? '',
    MINOR: parsed.minor ?? '',
    PATCH: parsed.patch ?? '',
    GITHUB_OUTPUT: out,
  };
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/release-steps/index.js'), 'gate'], { env, encoding: 'utf8', timeout: 20000 });
  // The runner's reading of GITHUB_OUTPUT (the gate writes `name<<delimiter` blocks).
  const outputs = Object.fromEntries(ctx.parseFileCommand(readFileSync(out, 'utf8')));
  const error = (r.stdout.match(/^::error[^:]*::(.*)$/m) ?? [])[1] ?? r.stderr;
  return { exitCode: r.status, outputs, log: r.stdout.replace(/^::error[^:]*::/m, '').trim(), error: r.status === 0 ? '' : error };
}

// --- the stages ------------------------------------------------------------------------------------
const STAGES = [
  {
    name: 'parse-version',
    header: ['version', 'channel', 'environment', 'is-production'],
    async run(t) {
      const r = await act(t, 'parse-version', {});
      t.version = r.outputs;
      const { mode: _mode, from: _from, ...outputs } = t.expect;
      return {
        ok: r.exitCode === 0,
        cells: [r.outputs.version, r.outputs.channel, r.outputs.environment, r.outputs['is-production']],
        problems: problemsOf(r, { tag: t.tag, ...outputs }),
        result: r,
      };
    },
  },
  {
    // The composite's gate: a plain release tag must promote its newest rc, found in git's tags.
    name: 'release gate (release-steps gate)',
    header: ['decision', 'promote-from'],
    async run(t) {
      const g = runGate(t.version, t.checkout);
      t.gate = g.outputs;
      const problems = g.exitCode === 0 ? [] : [`exit ${g.exitCode}: ${firstLine(g.error)}`];
      if (g.outputs.mode !== t.expect.mode) problems.push(`mode: expected ${t.expect.mode}, got ${JSON.stringify(g.outputs.mode)}`);
      if ((g.outputs['promote-from'] ?? '') !== (t.expect.from ?? ''))
        problems.push(`promote-from: expected ${JSON.stringify(t.expect.from ?? '')}, got ${JSON.stringify(g.outputs['promote-from'])}`);
      return {
        ok: g.exitCode === 0,
        cells: [g.outputs.mode === 'promote' ? 'promote by digest' : g.outputs.mode, g.outputs['promote-from'] || '-'],
        problems,
        note: firstLine(g.log),
      };
    },
  },
  {
    // The caller's build (the example workflows' `make build-pipeline-ms`) and the image build, whose
    // OCI layouts (build/oci/<service>) are generated here: no Docker engine. A promoted release builds
    // the binaries only (for S3): its images are the rc's.
    name: 'build (make build-pipeline-ms; images as OCI layouts)',
    header: ['bin_arm64/ms', 'build/oci images'],
    async run(t) {
      const services = readdirSync(join(t.checkout, 'cmd/ms')).sort();
      const bin = join(t.checkout, 'bin_arm64/ms');
      let how;
      if (ctx.go) {
        const env = {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? ctx.tmp,
          GITHUB_REF_NAME: t.tag,
          GOTOOLCHAIN: 'local',
          GOPROXY: 'off',
          GOFLAGS: '',
        };
        for (const k of ['GOCACHE', 'GOPATH', 'GOMODCACHE']) if (process.env[k]) env[k] = process.env[k];
        const [cmd, args] = ctx.make
          ? ['make', ['-s', 'build-pipeline-ms']]
          : ['go', ['build', '-trimpath', '-ldflags', `-s -w -X main.version=${t.tag}`, '-o', `${bin}/`, './cmd/ms/...']];
        if (!ctx.make) Object.assign(env, { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' });
        mkdirSync(bin, { recursive: true });
        const r = spawnSync(cmd, args, { cwd: t.checkout, env, encoding: 'utf8', timeout: 120000 });
        if (r.status !== 0)
          return { ok: false, cells: ['', ''], problems: [`${cmd} ${args.join(' ')} failed: ${firstLine(r.stderr || r.error?.message)}`] };
        how = ctx.make ? 'make build-pipeline-ms' : 'go build (no make)';
      } else {
        mkdirSync(bin, { recursive: true });
        for (const s of services) writeFileSync(join(bin, s), `placeholder for ${s} ${t.tag}: go is not on PATH, nothing was compiled\n`);
        how = 'placeholders (no go on PATH)';
      }
      const built = readdirSync(bin).sort();
      const problems = [];
      if (built.join(' ') !== services.join(' ')) problems.push(`bin_arm64/ms holds ${built.join(', ')}, expected ${services.join(', ')}`);
      const arches = new Set(built.map((f) => elfArch(join(bin, f)) ?? 'placeholder'));
      if (ctx.go && (arches.size !== 1 || !arches.has('arm64')))
        problems.push(`binaries are ${[...arches].join(', ')}, expected linux/arm64 ELF`);
      t.binaries = Object.fromEntries(built.map((f) => [f, sha256(readFileSync(join(bin, f)))]));
      const size = built.reduce((n, f) => n + statSync(join(bin, f)).size, 0);
      t.layouts = {};
      if (t.gate?.mode !== 'promote') {
        const { makeOciLayout } = await import(join(ROOT, 'action-tests/lib/oci-images.mjs'));
        for (const s of services) {
          t.layouts[s] = await makeOciLayout(join(t.checkout, 'build/oci', s), {
            layers: [100_000, 400_000],
            platforms: ['linux/arm64'],
            work: join(ctx.tmp, 'layers'),
          });
        }
      }
      const images = Object.keys(t.layouts).length
        ? Object.entries(t.layouts)
            .map(([s, l]) => `${s} ${short(l.digest).slice(7)}`)
            .join(', ')
        : '- (promoted, not rebuilt)';
      return {
        ok: problems.length === 0,
        cells: [`${built.join(', ')} (${[...arches].join('/')}, ${mib(size)})`, images],
        problems,
        note: how,
      };
    },
  },
  {
    name: 'image-tags (services-from: cmd/ms/*)',
    header: ['services', 'tag-names'],
    async run(t) {
      const r = await act(t, 'image-tags', {
        inputs: { 'services-from': 'cmd/ms/*', kind: 'ms', registry: ECR, tag: t.version.tag, 'github-token': '' },
      });
      t.images = r.outputs.json ? JSON.parse(r.outputs.json) : undefined;
      const services = (t.images?.services ?? []).map((s) => s.service);
      const expected = readdirSync(join(SAMPLE, 'cmd/ms')).sort();
      const sha7 = t.sha.slice(0, 7);
      const problems = problemsOf(r, { 'tag-names': `${t.tag}\nsha-${sha7}` });
      if ([...services].sort().join(' ') !== expected.join(' '))
        problems.push(`services: expected ${expected.join(' ')}, got ${services.join(' ')}`);
      const refs = expected.flatMap((s) => [`${ECR}/ms_${s}:${t.tag}`, `${ECR}/ms_${s}:sha-${sha7}`]).sort();
      if ((t.images?.tags ?? []).slice().sort().join('\n') !== refs.join('\n'))
        problems.push(`tags: expected ${refs.join(' ')}, got ${(t.images?.tags ?? []).join(' ')}`);
      return {
        ok: r.exitCode === 0,
        cells: [services.map((s) => `ms_${s}`).join(' '), r.outputs['tag-names']?.replaceAll('\n', ' ')],
        problems,
        result: r,
        details: t.tag === TAGS[0].tag ? [`${t.images?.tags.length} references, e.g. ${t.images?.tags[0]}`] : undefined,
      };
    },
  },
  {
    // alpha/rc: the OCI layouts pushed over the registry API (to the local registry, standing in for
    // ECR's registry endpoint) and the binaries uploaded to S3 on moto with a SHA256SUMS. The rc's
    // manifests are then recorded in moto's ECR, as ECR holds them after the rc push. Release: the
    // gate's promotion, by digest through ECR's BatchGetImage/PutImage (moto), and the S3 upload.
    name: 'push-artifacts',
    header: () => ['mode', 'to', ...ctx.serviceNames.map((s) => `ms_${s}`), 's3'],
    async run(t) {
      const s3Inputs = ctx.services.moto
        ? { 's3-bucket': BUCKET, 's3-path': S3_PATH, 's3-source': 'bin_arm64/ms', 's3-checksums': 'sha256sums' }
        : {};
      const s3Plan = `${Object.keys(t.binaries).length + 1} files → s3://${BUCKET}/${S3_PATH}/${t.tag}/ (plan)`;
      const digestCells = (digests) =>
        ctx.serviceNames.map((s) => short(Object.entries(digests).find(([ref]) => ref.includes(`/ms_${s}:${t.tag}`))?.[1]).slice(7));
      const problems = [];
      const details = [];
      if (t.gate.mode === 'promote') {
        const rc = ctx.tags.find((x) => x.tag === t.gate['promote-from']);
        if (!ctx.live) {
          // Promotion reads ECR, so there is no dry run without it: show the gate's plan.
          t.digests = Object.fromEntries(
            Object.entries(rc?.digests ?? {}).map(([ref, d]) => [ref.replace(/^[^/]+/, ECR).replace(`:${rc.tag}`, `:${t.tag}`), d]),
          );
          return {
            ok: true,
            plan: true,
            cells: [`promote ${t.gate['promote-from']} (plan)`, 'ECR (plan)', ...digestCells(t.digests), s3Plan],
            problems,
            note: `not run: promotion reads the rc from ECR (${ctx.missingNames} not installed); the plan keeps the rc's digests`,
          };
        }
        const r = await act(t, 'push-artifacts', {
          inputs: {
            images: JSON.stringify(t.images),
            mode: 'promote',
            'promote-from': t.gate['promote-from'],
            region: REGION,
            ...s3Inputs,
          },
          env: awsEnv(),
        });
        t.digests = JSON.parse(r.outputs.digests || '{}');
        problems.push(...problemsOf(r));
        const { BatchGetImageCommand } = await import('@aws-sdk/client-ecr');
        for (const s of ctx.serviceNames) {
          const want = rc.rcDigests?.[s];
          const got = Object.entries(t.digests)
            .filter(([ref]) => ref.startsWith(`${ECR}/ms_${s}:`))
            .map(([, d]) => d);
          const inEcr = (await ctx.ecr.send(new BatchGetImageCommand({ repositoryName: `ms_${s}`, imageIds: [{ imageTag: t.tag }] })))
            .images?.[0]?.imageId?.imageDigest;
          if (!want || got.length !== 2 || got.some((d) => d !== want) || inEcr !== want)
            problems.push(`ms_${s}: production digest ${got.join(',') || 'none'} (ECR: ${inEcr ?? 'none'}), expected the rc's ${want}`);
        }
        details.push(
          `ECR (moto) ms_<service>:${t.tag} and :sha-${t.sha.slice(0, 7)} now point at ${rc.tag}'s manifests: ${problems.length ? 'NOT the same digests' : 'the same digests, no rebuild pushed'}`,
        );
        details.push(...(await checkS3(t, r, problems)));
        return {
          ok: r.exitCode === 0,
          cells: [`promote ${t.gate['promote-from']}`, 'ECR (moto)', ...digestCells(t.digests), s3Cell(r)],
          problems,
          details,
          result: r,
        };
      }
      const host = ctx.services.registry?.host ?? '127.0.0.1:1';
      const images = JSON.stringify(t.images).replaceAll(ECR, host);
      const r = await act(t, 'push-artifacts', {
        inputs: {
          images,
          source: 'build/oci/{service}',
          'registry-auth': 'none',
          'dry-run': ctx.live ? 'false' : 'true',
          ...(ctx.live ? s3Inputs : {}),
        },
        env: ctx.live ? awsEnv() : {},
      });
      t.digests = JSON.parse(r.outputs.digests || '{}');
      problems.push(...problemsOf(r));
      // A dry run has no registry to push to: its plan is for ECR.
      if (!ctx.live) t.digests = Object.fromEntries(Object.entries(t.digests).map(([ref, d]) => [ref.replace(host, ECR), d]));
      const pushedTo = ctx.live ? host : ECR;
      for (const s of ctx.serviceNames) {
        const got = Object.entries(t.digests)
          .filter(([ref]) => ref.startsWith(`${pushedTo}/ms_${s}:`))
          .map(([, d]) => d);
        if (got.length !== 2 || got.some((d) => d !== t.layouts[s]?.digest))
          problems.push(`ms_${s}: digests ${got.join(',') || 'none'}, expected the layout's ${t.layouts[s]?.digest}`);
      }
      if (!ctx.live)
        return {
          ok: r.exitCode === 0,
          plan: true,
          cells: ['push (dry-run)', 'ECR (plan)', ...digestCells(t.digests), s3Plan],
          problems,
          result: r,
          note: `plan only: ${ctx.missingNames} not installed`,
        };
      if (t.version.channel === 'rc') details.push(...(await recordInEcr(t, host, problems)));
      details.push(...(await checkS3(t, r, problems)));
      return {
        ok: r.exitCode === 0,
        cells: ['push', `registry ${host}`, ...digestCells(t.digests), s3Cell(r)],
        problems,
        details,
        result: r,
      };
    },
  },
  {
    // The Helm pre-install/pre-upgrade migration hook (seed 001) with ms_core's image by digest.
    name: 'migrate-job (backend: render)',
    header: ['job-name', 'status', 'image'],
    async run(t) {
      const core = Object.entries(t.digests ?? {}).find(([ref]) => ref.includes('/ms_core:'));
      const image = core ? `${core[0].replace(/:[^:/]+$/, '')}@${core[1]}` : '';
      const file = join(ctx.tmp, `migrate-${t.tag}.yaml`);
      const r = await act(t, 'migrate-job', {
        inputs: {
          backend: 'render',
          release: RELEASE,
          tag: t.tag,
          image,
          command: 'migrate up',
          'env-from-secret': `${RELEASE}-db`,
          'output-file': file,
        },
      });
      const problems = problemsOf(r, { status: 'rendered', 'job-name': `${RELEASE}-migrate-${t.tag.replace(/\./g, '-')}` });
      const manifest = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (!manifest.includes(`image: ${image}`)) problems.push(`the manifest does not run image ${image}`);
      const details =
        t.gate.mode === 'promote'
          ? manifest
              .split('\n')
              .filter((l) => /^\s*(name|helm\.sh\/hook|image|- migrate|- up|name: sample)/.test(l) || /^(kind|apiVersion):/.test(l))
              .map((l) => l.replace(/\s+$/, ''))
          : undefined;
      return {
        ok: r.exitCode === 0,
        cells: [r.outputs['job-name'], r.outputs.status, image.replace(/@sha256:(.{12}).*/, '@sha256:$1…')],
        problems,
        details,
        result: r,
      };
    },
  },
  {
    // Seed 003: the migration in the CI pipeline, golang-migrate applying the sample project's
    // migrations/ to an ephemeral PostgreSQL started here (one database for the three tags, as one
    // environment's would be: the alpha applies both migrations, the rc and the release find nothing
    // to do). Without the postgres and migrate tools: the dry-run plan.
    name: 'migrate-job (backend: command, golang-migrate on an ephemeral PostgreSQL)',
    header: ['status', 'exit-code', 'schema version', 'applied'],
    async run(t) {
      const pg = ctx.services.postgres;
      const live = Boolean(pg && ctx.migrateBin);
      const url = pg?.url ?? 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable';
      const argv = [live ? ctx.migrateBin : 'migrate', '-path', join(t.checkout, 'migrations'), '-database', url, 'up'];
      const r = await act(t, 'migrate-job', {
        inputs: {
          backend: 'command',
          release: RELEASE,
          tag: t.tag,
          command: JSON.stringify(argv),
          timeout: '2m',
          'dry-run': live ? 'false' : 'true',
        },
      });
      const problems = problemsOf(r, { status: live ? 'succeeded' : 'planned' });
      if (live) t.migration = r.outputs.json;
      const applied = (r.log.match(/^\d+\/u \S+/gm) ?? []).map((l) => l.split(' ')[1]);
      const version = live ? pg.psql('select version, dirty from schema_migrations').trim() : '-';
      if (live) {
        const want = t.tag === TAGS[0].tag ? ['create_accounts', 'create_payments'] : [];
        if (JSON.stringify(applied) !== JSON.stringify(want))
          problems.push(`applied ${JSON.stringify(applied)}, expected ${JSON.stringify(want)}`);
        if (version !== '2|f') problems.push(`schema_migrations: expected 2|f (version 2, not dirty), got ${version}`);
      }
      const note = live ? '' : clip(firstLine((r.log.match(/^\[dry-run\].*$/m) ?? [''])[0]), 110);
      return {
        ok: r.exitCode === 0,
        note,
        cells: [
          r.outputs.status,
          r.outputs['exit-code'] || '-',
          version === '-' ? '-' : `${version.split('|')[0]} (dirty: ${version.endsWith('|t') ? 'yes' : 'no'})`,
          live ? applied.join(', ') || 'nothing (no change)' : '(plan)',
        ],
        problems,
        result: r,
      };
    },
  },
  {
    // The GitOps hand-over (deployment guide section 8) on the GitHub API fake: `Update Project List
    // Version` in example-org/gitops-<environment>; production also `Update API Gateway Routes`.
    name: 'gitops-dispatch (GitHub API fake)',
    header: ['repository', 'run-id', 'conclusion'],
    async run(t) {
      const before = Math.max(0, ...ctx.services.github.runs().map((x) => x.id));
      const r = await act(t, 'gitops-dispatch', {
        inputs: {
          environment: t.version.environment,
          tag: t.tag,
          projects: JSON.stringify(t.images),
          'update-routes': 'true',
          'extra-dispatches': API_GATEWAY,
          token: TOKEN,
          'poll-interval': '100ms',
          timeout: '1m',
        },
        env: { GITHUB_API_URL: ctx.services.github.apiUrl },
      });
      const problems = problemsOf(r, { conclusion: 'success' });
      t.gitops = r.outputs.json;
      const runs = ctx.services.github.runs().filter((x) => x.id > before);
      const projects = ctx.serviceNames.map((s) => `ms_${s}`).join(' ');
      const want = [[`example-org/gitops-${t.version.environment}`, 'Update Project List Version', t.tag, projects]];
      if (t.version.environment === 'production')
        want.push(['example-org/terraform-apps-production', 'Update API Gateway Routes', undefined, undefined]);
      const got = runs.map((x) => [x.repository, x.workflowName, x.inputs.newVersion, x.inputs.projectNames]);
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(`dispatched ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      const details = runs.map(
        (x) =>
          `${x.repository} "${x.workflowName}" run ${x.id} ${x.conclusion}, inputs ${JSON.stringify(Object.fromEntries(Object.entries(x.inputs).filter(([k]) => k !== 'distinct_id')))}`,
      );
      return {
        ok: r.exitCode === 0,
        cells: [runs.map((x) => x.repository).join(' + '), r.outputs['run-id'], r.outputs.conclusion],
        problems,
        details,
        result: r,
      };
    },
  },
  {
    // The release recorded as a GitHub deployment of the application repository: the evidence the
    // production gate reads (`require-staging: deployment`) and the rollback goes back to.
    name: 'record-deployment (GitHub API fake)',
    header: ['deployment', 'environment', 'state', 'images by digest'],
    async run(t) {
      const r = await act(t, 'record-deployment', {
        inputs: {
          environment: t.version.environment,
          tag: t.tag,
          images: t.images ? JSON.stringify(t.images) : '',
          artifacts: JSON.stringify({ digests: t.digests ?? {} }),
          migration: t.migration ?? '',
          gitops: t.gitops ?? '',
          token: TOKEN,
          // Without the registry, the digests are a plan: nothing to record as deployed.
          'dry-run': ctx.live ? 'false' : 'true',
        },
        env: { GITHUB_API_URL: ctx.services.github.apiUrl },
      });
      const problems = problemsOf(r, ctx.live ? { state: 'success' } : {});
      const recorded = ctx.services.github.deployments(APP_REPOSITORY).at(-1);
      const images = Object.keys(recorded?.payload?.images ?? {}).length;
      if (ctx.live) {
        if (!recorded || recorded.ref !== t.tag || recorded.environment !== t.version.environment)
          problems.push(
            `the newest deployment is ${JSON.stringify([recorded?.ref, recorded?.environment])}, expected ${JSON.stringify([t.tag, t.version.environment])}`,
          );
        const states = recorded?.statuses.map((x) => x.state).join(' → ');
        if (states !== 'in_progress → success') problems.push(`statuses ${states}, expected in_progress → success`);
        if (images !== ctx.serviceNames.length) problems.push(`${images} images in the payload, expected ${ctx.serviceNames.length}`);
      }
      return {
        ok: r.exitCode === 0,
        plan: !ctx.live,
        cells: [
          ctx.live ? `#${r.outputs['deployment-id']}` : '(plan)',
          t.version.environment,
          r.outputs.state || '-',
          ctx.live ? String(images) : '-',
        ],
        problems,
        result: r,
      };
    },
  },
  {
    // A production tag's GitHub Release (the deployment guide's create-release): GitHub's generated
    // notes, the images by digest, the binaries and SHA256SUMS attached.
    name: 'github-release (production tags)',
    header: ['release', 'prerelease', 'assets'],
    async run(t) {
      if (t.version.environment !== 'production') return { ok: true, cells: ['- (production only)', '', ''], problems: [] };
      const r = await act(t, 'github-release', {
        inputs: {
          tag: t.tag,
          files: 'bin_arm64/ms/*',
          images: t.images ? JSON.stringify(t.images) : '',
          artifacts: JSON.stringify({ digests: t.digests ?? {} }),
          token: TOKEN,
          'dry-run': ctx.live ? 'false' : 'true',
        },
        env: { GITHUB_API_URL: ctx.services.github.apiUrl },
      });
      const problems = problemsOf(r);
      const release = ctx.services.github.releases(APP_REPOSITORY).find((x) => x.tag === t.tag);
      const assets = release?.assets.map((a) => a.name) ?? [];
      if (ctx.live) {
        const want = [...Object.keys(t.binaries).sort(), 'SHA256SUMS'];
        if (JSON.stringify([...assets].sort()) !== JSON.stringify([...want].sort()))
          problems.push(`assets ${JSON.stringify(assets)}, expected ${JSON.stringify(want)}`);
        for (const digest of new Set(Object.values(t.digests ?? {})))
          if (!release?.body.includes(digest)) problems.push(`the release notes do not name ${digest}`);
      }
      return {
        ok: r.exitCode === 0,
        plan: !ctx.live,
        cells: [
          ctx.live ? (release ? `${release.name} (${release.draft ? 'draft' : 'published'})` : 'none') : '(plan)',
          String(release?.prerelease ?? '-'),
          ctx.live ? assets.join(', ') : '-',
        ],
        problems,
        result: r,
      };
    },
  },
];

function s3Cell(r) {
  const s3 = r.json?.s3;
  return s3 ? `${s3.uploaded} uploaded (${mib(s3['bytes-uploaded'])}) → s3://${s3.bucket}/${s3.prefix}` : '-';
}

/** The S3 objects of the release, read back from moto: every binary, and a SHA256SUMS matching them. */
async function checkS3(t, r, problems) {
  if (!ctx.services.moto || r.exitCode !== 0) return [];
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const prefix = `${S3_PATH}/${t.tag}/`;
  const want = [...Object.keys(t.binaries), 'SHA256SUMS'].map((f) => `s3://${BUCKET}/${prefix}${f}`).sort();
  const uris = (r.outputs['s3-uris'] ?? '').split('\n').filter(Boolean).sort();
  if (uris.join(' ') !== want.join(' ')) problems.push(`s3-uris: expected ${want.join(' ')}, got ${uris.join(' ')}`);
  const body = await (await ctx.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}SHA256SUMS` }))).Body.transformToString();
  const sums = Object.fromEntries(
    body
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+\*?/).reverse()),
  );
  const match = Object.entries(t.binaries).every(([f, hex]) => sums[f] === hex);
  if (!match) problems.push(`SHA256SUMS in S3 does not match the built binaries:\n${body}`);
  return [
    `S3 (moto): s3://${BUCKET}/${prefix}{${[...Object.keys(t.binaries), 'SHA256SUMS'].join(',')}}; SHA256SUMS ${match ? 'matches' : 'does NOT match'} the built binaries`,
  ];
}

/**
 * After the rc push: ECR's record of the rc image, for the release's promotion. moto's ECR has the ECR
 * API (BatchGetImage/PutImage) but no registry endpoint to push to, so the manifests the registry now
 * serves for the rc's tags are put there as they are (same bytes, same digests).
 */
async function recordInEcr(t, host, problems) {
  const { copyImageToEcr } = await import(join(ROOT, 'action-tests/lib/services.mjs'));
  t.rcDigests = {};
  for (const s of ctx.serviceNames) {
    const repositoryName = `ms_${s}`;
    for (const tag of t.images.services.find((x) => x.service === s).tags.map((ref) => ref.slice(ref.lastIndexOf(':') + 1))) {
      try {
        t.rcDigests[s] = await copyImageToEcr({ ecr: ctx.ecr, registryUrl: `http://${host}` }, repositoryName, tag);
      } catch (error) {
        problems.push(`recording ${repositoryName}:${tag} in ECR: ${firstLine(error.message)}`);
      }
    }
  }
  return [
    `ECR (moto): the rc's manifests recorded by PutImage (what ECR holds after the push): ${ctx.serviceNames.map((s) => `ms_${s} ${short(t.rcDigests[s])}`).join(', ')}`,
  ];
}

// --- other refs: parse-version (and the gate for a release tag) only --------------------------------
async function otherRefs() {
  const sha = ctx.shas[1];
  const rows = [];
  for (const o of OTHER_REFS) {
    const pr = /^refs\/pull\/(\d+)\//.exec(o.ref);
    const event = pr
      ? {
          number: Number(pr[1]),
          pull_request: { number: Number(pr[1]), head: { ref: 'feature/login-form', sha }, base: { ref: 'main' } },
          repository: { full_name: 'example-org/sample-service', default_branch: 'main' },
        }
      : undefined;
    const r = await ctx.runAction('parse-version', {
      ref: o.ref,
      sha,
      eventName: o.eventName ?? 'push',
      event,
      inputs: { 'branch-environments': 'main=staging' },
    });
    const want = Object.fromEntries(
      Object.entries(o.expect).map(([k, v]) => [k, typeof v === 'string' ? v.replace('{sha7}', sha.slice(0, 7)) : v]),
    );
    const problems = [];
    if (r.exitCode !== want.exit) problems.push(`exit ${r.exitCode}, expected ${want.exit}`);
    for (const k of ['version', 'channel', 'environment'])
      if (k in want && (r.outputs[k] ?? '') !== want[k])
        problems.push(`${k}: expected ${JSON.stringify(want[k])}, got ${JSON.stringify(r.outputs[k] ?? '')}`);
    if (want.error && !want.error.test(r.errors.join('\n')))
      problems.push(`error: expected ${want.error}, got ${JSON.stringify(firstLine(r.errors[0]))}`);
    let gate = '';
    let note = r.exitCode === 0 ? '' : firstLine(r.errors[0]);
    if (r.exitCode === 0 && r.outputs.channel === 'release') {
      const g = runGate(r.outputs, ctx.repo);
      gate = g.exitCode === 0 ? g.outputs.mode : 'blocked';
      note = g.exitCode === 0 ? firstLine(g.log) : firstLine(g.error);
      if (want.gate && !(g.exitCode !== 0 && want.gate.test(g.error)))
        problems.push(`gate: expected a refusal matching ${want.gate}, got exit ${g.exitCode}: ${firstLine(g.error || g.log)}`);
    }
    rows.push([
      o.ref,
      r.exitCode,
      r.outputs.version || '',
      r.outputs.channel || '',
      r.outputs.environment || (r.exitCode === 0 ? '-' : ''),
      gate || '-',
      problems.length ? 'NO' : 'yes',
      clip([o.note, note].filter(Boolean).join(': '), 150),
      problems,
    ]);
  }
  printTable(
    'other refs: parse-version, and the release gate for a release tag',
    ['ref', 'exit', 'version', 'channel', 'environment', 'gate', 'ok', 'note'],
    rows.map((r) => r.slice(0, 8)),
  );
  return rows.filter((r) => r[8].length).map((r) => ({ stage: 'other refs', tag: r[0], problems: r[8] }));
}

// --- main ---------------------------------------------------------------------------------------------
async function main() {
  const verbose = process.argv.includes('--verbose');
  ctx.started = Date.now();
  ({ runAction: ctx.runAction, parseFileCommand: ctx.parseFileCommand } = await import(join(ROOT, 'action-tests/lib/runner.mjs')));
  for (const name of ['parse-version', 'image-tags', 'push-artifacts', 'migrate-job', 'gitops-dispatch']) {
    if (!existsSync(join(ROOT, 'dist', name, 'index.js'))) throw new Error(`dist/${name}/index.js does not exist; run npm run build first`);
  }
  if (!onPath('git')) throw new Error('git is not on PATH: the release gate lists the rc tags with git');
  ctx.go = onPath('go')
    ? firstLine(spawnSync('go', ['version'], { encoding: 'utf8' }).stdout).replace(/^go version (\S+).*/, '$1')
    : undefined;
  ctx.make = ctx.go && onPath('make');
  ctx.tmp = mkdtempSync(join(tmpdir(), 'deploy-kit-demo-'));
  makeRepository();
  ctx.serviceNames = readdirSync(join(SAMPLE, 'cmd/ms')).sort();
  ctx.noServices = provisionServices(process.argv.includes('--plan'));
  await startServices();

  const { registry, moto, github } = ctx.services;
  console.log(
    `deploy-kit demo: the release of ${basename(SAMPLE)} (examples/sample-project: ${ctx.serviceNames.map((s) => `cmd/ms/${s}`).join(', ')}) for ${TAGS.map((t) => t.tag).join(', ')}`,
  );
  const absent = ctx.noServices ? 'not started (see below)' : 'not installed';
  console.log(`  registry  ${registry ? `CNCF distribution on ${registry.host} (stands in for ECR's registry endpoint)` : absent}`);
  console.log(`  AWS       ${moto ? `moto on ${moto.url} (ECR API, S3, STS)` : absent}`);
  console.log(`  GitHub    API fake on ${github.apiUrl} (requests checked against GitHub's OpenAPI description)`);
  console.log(
    `  build     ${ctx.go ? `${ctx.make ? 'make build-pipeline-ms' : 'go build'} with ${ctx.go}, for linux/arm64` : 'go is not on PATH: placeholder binaries'}`,
  );
  if (!ctx.live)
    console.log(
      `  => dry-run plan for the pushes: ${ctx.missing.join('; ')}.${ctx.noServices?.startsWith('the plan') ? '' : '\n     Run .ci/install-tools demo (registry, moto, postgres, migrate) for the real thing.'}`,
    );

  ctx.tags = TAGS.map((t) => ({ ...t, sha: ctx.shas[t.commit], checkout: checkout(t.tag) }));
  const mismatches = [];
  for (const [n, stage] of STAGES.entries()) {
    const header = typeof stage.header === 'function' ? stage.header() : stage.header;
    const rows = [];
    const started = Date.now();
    for (const t of ctx.tags) {
      if (t.failedAt) {
        rows.push([t.tag, ...header.map(() => ''), '', `(skipped: ${t.failedAt} failed)`]);
        continue;
      }
      let out;
      try {
        out = await stage.run(t);
      } catch (error) {
        out = { ok: false, cells: header.map(() => ''), problems: [`${stage.name}: ${error.message}`] };
      }
      if (!out.ok) t.failedAt = stage.name;
      if (out.problems.length) mismatches.push({ stage: stage.name, tag: t.tag, problems: out.problems });
      const error = out.problems[0] && !out.ok ? out.problems[0] : '';
      rows.push([
        t.tag,
        ...out.cells.map((c) => c ?? ''),
        out.problems.length ? 'NO' : out.plan ? 'plan' : 'yes',
        clip(firstLine(error || out.note || ''), 130),
      ]);
      t.details ??= {};
      t.details[stage.name] = out.details;
      if (verbose && out.result && out.problems.length) console.error(`\n[${stage.name}] ${t.tag}:\n${out.result.log}`);
    }
    printTable(
      `${n + 1}/${STAGES.length}  ${stage.name}  (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      ['tag', ...header, 'ok', 'note'],
      rows,
    );
    for (const t of ctx.tags) {
      const lines = t.details[stage.name];
      if (lines?.length) console.log(`  ${t.tag}:\n${lines.map((l) => `    ${l}`).join('\n')}`);
    }
  }
  mismatches.push(...(await otherRefs()));

  const stats = github.stats();
  console.log(
    `\nGitHub API fake: ${stats.total} requests (${stats.notModified} answered 304 Not Modified), OpenAPI contract violations: ${github.violations.length || 'none'}`,
  );
  if (github.violations.length) mismatches.push({ stage: 'GitHub API fake', tag: '-', problems: [github.describeViolations()] });

  console.log('');
  for (const m of mismatches) console.log(`NOT AS EXPECTED  [${m.stage}] ${m.tag}\n  ${m.problems.join('\n  ')}`);
  const what = `${TAGS.map((t) => t.tag).join(', ')} through ${STAGES.length} stages in ${((Date.now() - ctx.started) / 1000).toFixed(0)} s`;
  const how = ctx.live
    ? `against the local registry, moto (ECR, S3), ${ctx.services.postgres && ctx.migrateBin ? 'golang-migrate on PostgreSQL, ' : ''}and the GitHub API fake`
    : `as a dry-run plan for the pushes (${ctx.missingNames}), the GitHub API fake for the dispatches`;
  if (mismatches.length) {
    console.log(`demo: ${mismatches.length} step(s) not as expected (${what}, ${how})`);
    return 1;
  }
  console.log(
    `demo: ${what} as expected, ${how}${ctx.live ? "; production runs the rc's digests" : ''}; ${OTHER_REFS.length} other refs as expected`,
  );
  return 0;
}

async function cleanup() {
  await stopServices();
  if (ctx.tmp) rmSync(ctx.tmp, { recursive: true, force: true });
  ctx.tmp = '';
}

// The services run in their own process groups: whatever happens, stop them before leaving.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
process.once('uncaughtException', (error) => {
  console.error(`demo: ${error.stack ?? error}`);
  void cleanup().finally(() => process.exit(1));
});

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`demo: ${e.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
