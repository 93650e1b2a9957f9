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
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHA = '3f9c2e1a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e';

const pr = (n, head) => ({
  number: n,
  pull_request: { number: n, head: { ref: head, sha: SHA }, base: { ref: 'main' } },
  repository: { full_name: 'example-org/sample-service', default_branch: 'main' },
});

// The refs a service's release workflow sees, and what each stage must make of them.
const SAMPLES = [
  {
    ref: 'refs/tags/v1.4.0-alpha.1',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0-alpha.1', version: '1.4.0-alpha.1', channel: 'alpha', environment: 'development', 'is-production': 'false' } },
  },
  {
    ref: 'refs/tags/v1.4.0-beta.2',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0-beta.2', version: '1.4.0-beta.2', channel: 'beta', environment: 'development', 'is-production': 'false' } },
  },
  {
    ref: 'refs/tags/v1.4.0-rc.1',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0-rc.1', version: '1.4.0-rc.1', channel: 'rc', environment: 'staging', 'is-production': 'false' } },
  },
  {
    ref: 'refs/tags/v1.4.0',
    expect: { 'parse-version': { exit: 0, tag: 'v1.4.0', version: '1.4.0', channel: 'release', environment: 'production', 'is-production': 'true' } },
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
  // Next: image-tags (version from prev['parse-version'].outputs.tag), push-artifacts (dry-run), ...
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

  const state = SAMPLES.map((sample) => ({ sample, prev: {}, failedAt: undefined }));
  const mismatches = [];
  for (const stage of STAGES) {
    const rows = [['ref', 'exit', ...stage.columns, 'ok', 'error (first line)']];
    for (const s of state) {
      if (s.failedAt) {
        rows.push([s.sample.ref, '', ...stage.columns.map(() => ''), '', `(skipped: ${s.failedAt} failed)`]);
        continue;
      }
      const result = await runAction(stage.action, stage.options(s.sample, s.prev));
      s.prev[stage.name] = result;
      if (result.exitCode !== 0) s.failedAt = stage.name;
      const problems = check(result, s.sample.expect?.[stage.name]);
      if (problems.length) mismatches.push({ stage: stage.name, ref: s.sample.ref, problems });
      const error = result.exitCode === 0 ? '' : clip(firstLine(result.errors[0] ?? result.stderr.trim()), 120);
      rows.push([
        s.sample.ref,
        result.exitCode ?? result.signal,
        ...stage.columns.map((c) => result.outputs[c] || (result.exitCode === 0 ? '-' : '')),
        problems.length ? 'NO' : 'yes',
        error,
      ]);
      if (verbose && result.exitCode !== 0) console.error(`\n[${stage.name}] ${s.sample.ref}:\n${result.errors.join('\n') || result.stderr}`);
    }
    console.log(`\n${stage.name} (${STAGES.indexOf(stage) + 1}/${STAGES.length})\n`);
    printTable(rows);
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
}
