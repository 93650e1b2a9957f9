#!/usr/bin/env node
// The release pipeline on sample refs, locally: each committed bundle runs the way the GitHub runner
// runs it (through action-tests/lib/runner.mjs: INPUT_* from action.yml defaults, GITHUB_OUTPUT and
// friends, an event payload), and a table shows what every stage made of every ref.
//
// Exit 0 when every row did what it should (including the bad tag failing, with a clear message).
//
// Usage: node scripts/demo.mjs [--verbose]
//   --verbose   also print each failing step's full error message
//
// Extending it: add a stage to STAGES. A stage gets the sample and the results of the stages before
// it (`prev['parse-version'].outputs.tag`, ...), so later actions chain on earlier outputs; a sample
// whose earlier stage failed skips the later ones. Samples carry the expectations per stage.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHA = '3f9c2e1a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e';
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const imageTags = (version) => ({ exit: 0, version, 'tag-names': `${version}\nsha-${SHA.slice(0, 7)}`, tags: new RegExp(`^${['core', 'payments', 'chat'].map((s) => `${ECR}/ms_${s}:${version}\n${ECR}/ms_${s}:sha-${SHA.slice(0, 7)}`).join('\n').replace(/\./g, '\\.')}$`) });

const pr = (n, head) => ({
  number: n,
  pull_request: { number: n, head: { ref: head, sha: SHA }, base: { ref: 'main' } },
  repository: { full_name: 'example-org/sample-service', default_branch: 'main' },
});

// The refs a service's release workflow sees, and what each stage must make of them.
const SAMPLES = [
  {
    ref: 'refs/tags/v1.4.0-alpha.1',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0-alpha.1', version: '1.4.0-alpha.1', channel: 'alpha', environment: 'development', 'is-production': 'false' }, 'image-tags': imageTags('v1.4.0-alpha.1') },
  },
  {
    ref: 'refs/tags/v1.4.0-beta.2',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0-beta.2', version: '1.4.0-beta.2', channel: 'beta', environment: 'development', 'is-production': 'false' } },
  },
  {
    ref: 'refs/tags/v1.4.0-rc.1',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0-rc.1', version: '1.4.0-rc.1', channel: 'rc', environment: 'staging', 'is-production': 'false' }, 'image-tags': imageTags('v1.4.0-rc.1') },
  },
  {
    ref: 'refs/tags/v1.4.0',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0', version: '1.4.0', channel: 'release', environment: 'production', 'is-production': 'true' }, 'image-tags': imageTags('v1.4.0') },
  },
  {
    ref: 'refs/heads/main',
    expect: { 'parse-version': { exit: 0, tag: '', version: `main-${SHA.slice(0, 7)}`, channel: 'branch', environment: 'staging', 'is-production': 'false' } },
  },
  {
    ref: 'refs/heads/feature/login-form',
    expect: { 'parse-version': { exit: 0, tag: '', version: `feature-login-form-${SHA.slice(0, 7)}`, channel: 'branch', environment: '', 'is-production': 'false' } },
  },
  {
    ref: 'refs/pull/42/merge',
    eventName: 'pull_request',
    event: pr(42, 'feature/login-form'),
    expect: { 'parse-version': { exit: 0, tag: '', version: `pr-42-${SHA.slice(0, 7)}`, channel: 'pr', environment: '', 'is-production': 'false' } },
  },
  {
    ref: 'refs/tags/v1.4',
    note: 'not semver: must fail and say why',
    expect: { 'parse-version': { exit: 1, error: /v1\.4.*(semver|version)/i } },
  },
];

// The pipeline, in order. Each stage: the action, its run options for a sample, the columns to show.
const STAGES = [
  {
    name: 'parse-version',
    action: 'parse-version',
    options: (sample) => ({
      ref: sample.ref,
      eventName: sample.eventName ?? 'push',
      event: sample.event,
      sha: SHA,
      // A typical setup: main deploys to staging; other branches and pull requests deploy nowhere.
      inputs: { 'branch-environments': 'main=staging' },
    }),
    columns: ['tag', 'version', 'channel', 'environment', 'is-production'],
  },
  {
    name: 'image-tags',
    action: 'image-tags',
    options: (sample, prev) => ({
      ref: sample.ref,
      eventName: sample.eventName ?? 'push',
      event: sample.event,
      sha: SHA,
      // Offline: the labels come from the event payload (no GitHub API call).
      inputs: { services: 'core payments chat', kind: 'ms', registry: ECR, version: prev['parse-version'].outputs.tag, 'github-token': '' },
    }),
    columns: ['version', 'tag-names'],
    // The full references, printed under the table for the release tags.
    details: (sample, result) => (/^refs\/tags\/v1\.4\.0(-alpha\.1|-rc\.1)?$/.test(sample.ref) ? result.outputs.tags?.split('\n') : undefined),
  },
  {
    // Pushes image-tags' references (retargeted at a local CNCF registry started here) from generated
    // OCI layouts, one per service, with no Docker engine. Without the registry tool installed
    // (.ci/install-tools registry) it shows the dry-run plan instead.
    name: 'push-artifacts',
    action: 'push-artifacts',
    expect: { exit: 0 },
    async prepare() {
      const services = await import(join(ROOT, 'action-tests/lib/services.mjs'));
      const images = await import(join(ROOT, 'action-tests/lib/oci-images.mjs'));
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      this.dir = mkdtempSync(join(tmpdir(), 'deploy-kit-demo-'));
      for (const service of ['core', 'payments', 'chat']) await images.makeOciLayout(join(this.dir, service), { layers: [200_000, 1_000_000], platforms: ['linux/amd64', 'linux/arm64'] });
      try {
        this.registry = await services.startRegistry();
        this.host = this.registry.host;
      } catch (error) {
        console.log(`push-artifacts: no local registry (${error.message.split('\n')[0]}); showing the dry-run plan`);
        this.host = '127.0.0.1:1';
      }
    },
    async cleanup() {
      await this.registry?.stop();
      if (this.dir) (await import('node:fs')).rmSync(this.dir, { recursive: true, force: true });
    },
    options(sample, prev) {
      const json = prev['image-tags'].outputs.json.replaceAll(ECR, this.host);
      return {
        ref: sample.ref,
        eventName: sample.eventName ?? 'push',
        event: sample.event,
        sha: SHA,
        inputs: { images: json, source: join(this.dir, '{service}'), 'registry-auth': 'none', 'dry-run': this.registry ? 'false' : 'true' },
      };
    },
    columns: ['registry'],
    details: (sample, result) => (/^refs\/tags\/v1\.4\.0$/.test(sample.ref) ? Object.entries(JSON.parse(result.outputs.digests || '{}')).map(([ref, digest]) => `${ref} → ${digest}`) : undefined),
  },
  {
    // Renders the Helm pre-install/pre-upgrade migration hook (seed 001) for the core service's release, with
    // the image by the digest push-artifacts just pushed (a fixed demo digest when it only showed its plan).
    name: 'migrate-job',
    action: 'migrate-job',
    expect: { exit: 0, status: 'rendered' },
    async prepare() {
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      this.dir = mkdtempSync(join(tmpdir(), 'deploy-kit-demo-migrate-'));
    },
    async cleanup() {
      if (this.dir) (await import('node:fs')).rmSync(this.dir, { recursive: true, force: true });
    },
    options(sample, prev) {
      const digests = JSON.parse(prev['push-artifacts']?.outputs.digests || '{}');
      const core = Object.entries(digests).find(([ref]) => /\/ms_core:/.test(ref));
      const image = core ? `${core[0].replace(/:[^:/]+$/, '')}@${core[1]}` : `${ECR}/ms_core@sha256:${'d'.repeat(64)}`;
      const version = prev['parse-version'].outputs.tag || prev['parse-version'].outputs.version;
      return {
        ref: sample.ref,
        eventName: sample.eventName ?? 'push',
        event: sample.event,
        sha: SHA,
        inputs: { backend: 'render', release: 'core', tag: version, image, command: '/app/migrate', args: 'up', 'env-from-secret': 'core-db', 'output-file': join(this.dir, `${version}.yaml`) },
      };
    },
    columns: ['job-name', 'status'],
    details(sample, result) {
      if (!/^refs\/tags\/v1\.4\.0$/.test(sample.ref) || !result.outputs['manifest-file']) return undefined;
      return readFileSync(result.outputs['manifest-file'], 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    },
  },
  {
    // Hands each release to its GitOps repository (deployment guide section 8) on the GitHub API contract
    // fake (action-tests/fakes/github, every request checked against GitHub's OpenAPI description):
    // `Update Project List Version` in example-org/gitops-<environment> with the version from parse-version
    // and the projects from image-tags' json output; production also dispatches `Update API Gateway
    // Routes` in example-org/terraform-apps-production. Each run is found from the dispatch answer and
    // followed to its conclusion.
    name: 'gitops-dispatch',
    action: 'gitops-dispatch',
    expect: { exit: 0, conclusion: 'success' },
    token: 'ghp_DemoGitopsToken0123456789abcdefghijklm',
    async prepare() {
      const fake = await import(join(ROOT, 'action-tests/fakes/github/index.mjs'));
      this.fake = await fake.startGitHubFake({ repos: fake.seedRepos(fake.UPDATE_PROJECT_LIST), tokens: { [this.token]: { login: 'release-bot' } }, lifecycle: { queuedMs: 100, runningMs: 300 } });
    },
    async cleanup() {
      if (!this.fake) return;
      const stats = this.fake.stats();
      console.log(`\ngitops-dispatch: the GitHub API fake answered ${stats.total} requests (${stats.notModified} with 304 Not Modified); OpenAPI contract violations: ${this.fake.violations.length || 'none'}`);
      if (this.fake.violations.length) {
        console.log(this.fake.describeViolations());
        process.exitCode = 1;
      }
      await this.fake.close();
    },
    skip: (sample, prev) => (prev['parse-version'].outputs.environment ? undefined : "no environment (a workflow guards this step with `if: steps.v.outputs.environment != ''`)"),
    options(sample, prev) {
      const v = prev['parse-version'].outputs;
      return {
        ref: sample.ref,
        eventName: sample.eventName ?? 'push',
        event: sample.event,
        sha: SHA,
        inputs: {
          environment: v.environment,
          version: v.tag || v.version,
          projects: prev['image-tags']?.outputs.json ?? 'ms_core ms_payments ms_chat',
          'update-routes': 'true',
          'extra-dispatches': '- repository: "{owner}/terraform-apps-{environment}"\n  workflow: Update API Gateway Routes\n  environments: [production]',
          token: this.token,
          'poll-interval': '100ms',
          timeout: '1m',
        },
        env: { GITHUB_API_URL: this.fake.apiUrl },
        secrets: [this.token],
      };
    },
    columns: ['run-id', 'conclusion'],
    details(sample, result) {
      const dispatches = result.json?.dispatches ?? [];
      return dispatches.map((d) => `${d.label}: ${d.repository} "${d.workflow?.name}" run ${d['run-id']} ${d.conclusion ?? d.status ?? d.state} (${d['found-by'] ?? '-'}) inputs ${JSON.stringify(Object.fromEntries(Object.entries(d.inputs).filter(([k]) => k !== 'distinct_id')))}`);
    },
  },
];

const firstLine = (s) => (s ?? '').split('\n')[0];
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function check(result, expected) {
  const problems = [];
  if (!expected) return problems;
  for (const [key, want] of Object.entries(expected)) {
    let got;
    if (key === 'exit') got = result.exitCode;
    else if (key === 'error') got = result.errors.join('\n');
    else got = result.outputs[key] ?? '';
    const ok = want instanceof RegExp ? want.test(String(got)) : got === want;
    if (!ok) problems.push(`${key}: expected ${want instanceof RegExp ? want : JSON.stringify(want)}, got ${JSON.stringify(key === 'error' ? firstLine(got) : got)}`);
  }
  if (result.exitCode === 0 && result.problems.length) problems.push(...result.problems.map((p) => `runner: ${p}`));
  return problems;
}

function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  rows.forEach((r, n) => {
    console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

async function main() {
  const verbose = process.argv.includes('--verbose');
  const harnessPath = join(ROOT, 'action-tests/lib/runner.mjs');
  if (!existsSync(harnessPath)) throw new Error('action-tests/lib/runner.mjs is missing');
  const { runAction } = await import(harnessPath);
  for (const stage of STAGES) {
    if (!existsSync(join(ROOT, 'dist', stage.action, 'index.js'))) {
      throw new Error(`dist/${stage.action}/index.js does not exist; run npm run build first`);
    }
  }

  for (const stage of STAGES) await stage.prepare?.();
  const state = SAMPLES.map((sample) => ({ sample, prev: {}, failedAt: undefined }));
  const mismatches = [];
  for (const stage of STAGES) {
    const rows = [['ref', 'exit', ...stage.columns, 'ok', 'error (first line)']];
    for (const s of state) {
      if (s.failedAt) {
        rows.push([s.sample.ref, '', ...stage.columns.map(() => ''), '', `(skipped: ${s.failedAt} failed)`]);
        continue;
      }
      // A stage may not apply to a sample, as a workflow step's `if:` would skip it.
      const skip = stage.skip?.(s.sample, s.prev);
      if (skip) {
        rows.push([s.sample.ref, '', ...stage.columns.map(() => ''), '', `(skipped: ${skip})`]);
        continue;
      }
      const result = await runAction(stage.action, stage.options(s.sample, s.prev));
      s.prev[stage.name] = result;
      if (result.exitCode !== 0) s.failedAt = stage.name;
      const problems = check(result, s.sample.expect?.[stage.name] ?? stage.expect);
      if (problems.length) mismatches.push({ stage: stage.name, ref: s.sample.ref, problems });
      const error = result.exitCode === 0 ? '' : clip(firstLine(result.errors[0] ?? result.stderr.trim()), 120);
      rows.push([
        s.sample.ref,
        result.exitCode ?? result.signal,
        ...stage.columns.map((c) => (result.outputs[c] || (result.exitCode === 0 ? '-' : '')).replaceAll('\n', ' ')),
        problems.length ? 'NO' : 'yes',
        error,
      ]);
      if (verbose && result.exitCode !== 0) console.error(`\n[${stage.name}] ${s.sample.ref}:\n${result.errors.join('\n') || result.stderr}`);
    }
    console.log(`\n${stage.name} (${STAGES.indexOf(stage) + 1}/${STAGES.length})\n`);
    printTable(rows);
    for (const s of state) {
      const lines = stage.details && s.prev[stage.name] ? stage.details(s.sample, s.prev[stage.name]) : undefined;
      if (lines?.length) console.log(`\n  ${s.sample.ref}:\n${lines.map((l) => `    ${l}`).join('\n')}`);
    }
  }

  console.log('');
  if (mismatches.length) {
    for (const m of mismatches) console.log(`NOT AS EXPECTED  [${m.stage}] ${m.ref}\n  ${m.problems.join('\n  ')}`);
    console.log(`demo: ${mismatches.length} of ${SAMPLES.length * STAGES.length} step(s) not as expected`);
    return 1;
  }
  console.log(`demo: all ${SAMPLES.length} refs behaved as expected through ${STAGES.length} stage(s)`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`demo: ${e.message}`);
  process.exitCode = 1;
} finally {
  for (const stage of STAGES) await stage.cleanup?.();
}
