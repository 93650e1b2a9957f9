#!/usr/bin/env node
// Runs jest in ESM mode (node --experimental-vm-modules) and ends with one machine-readable line:
//
//   N passed, N failed[, N skipped]
//
// counted from jest's JSON report (numPassedTests, numFailedTests + numRuntimeErrorTestSuites,
// numPendingTests + numTodoTests). .ci/run reads that line. The exit code is jest's; a run with
// zero tests exits 1.
//
// Before the action-tests run, the pinned tools they need (the `tests` set of .ci/install-tools: moto,
// the CNCF registry, skopeo, kube-apiserver, etcd, helm, golang-migrate, PostgreSQL, act, tinyproxy and
// node 24, the runner's runtime the bundles run on) are provisioned on first use into the cache outside
// the clone, one progress line per tool; later runs find them there in about a second. The unit tests
// need no tools.
//
// Usage: node scripts/test.mjs [--unit] [--action] [jest args ...]
//   --unit     only the "unit" jest project   (packages/*, actions/*/__tests__); no tools
//   --action   only the "action" jest project (action-tests/: the dist bundles run like the runner does)
//   anything else is passed to jest, e.g. `npm test -- -t "rc tag"` or `npm test -- packages/core`
// DEPLOY_KIT_SKIP_TOOLS=1 skips the provisioning (the action-tests then fail where a tool is missing).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const JEST = join(ROOT, 'node_modules/jest/bin/jest.js');

// jest options after which jest lists/prints instead of running tests: hand over untouched.
const NO_RUN = new Set(['--listTests', '--showConfig', '--help', '-h', '--version', '-v', '--clearCache']);

const projects = [];
const passthrough = [];
for (const arg of process.argv.slice(2)) {
  if (arg === '--unit') projects.push('unit');
  else if (arg === '--action') projects.push('action');
  else passthrough.push(arg);
}
if (passthrough.some((a) => a === '--watch' || a === '--watchAll')) {
  console.error('test: --watch is interactive; run `node --experimental-vm-modules node_modules/jest/bin/jest.js --watch` directly');
  process.exit(2);
}
if (!existsSync(JEST)) {
  console.error('test: jest is not installed (node_modules/jest missing); run npm ci first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const selection = projects.length ? ['--selectProjects', ...projects] : [];
const listOnly = passthrough.some((a) => NO_RUN.has(a));

// Paths given on the command line that all lie under unit-test folders need no tools either.
const paths = passthrough.filter((a) => !a.startsWith('-'));
const unitOnly =
  (projects.length === 1 && projects[0] === 'unit') || (paths.length > 0 && paths.every((p) => /^(\.\/)?(packages|actions)\//.test(p)));
if (!listOnly && !unitOnly && process.env.DEPLOY_KIT_SKIP_TOOLS !== '1') {
  const install = spawnSync('bash', [join(ROOT, '.ci', 'install-tools'), 'tests'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (install.status !== 0) {
    console.error('test: the pinned tools the action-tests need could not be installed (see above); `npm run test:unit` runs without them');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
const tmp = mkdtempSync(join(tmpdir(), 'deploy-kit-jest-'));
const report = join(tmp, 'report.json');
// --selectProjects takes a list, so it goes after the pass-through args (else it would swallow a path).
const args = ['--experimental-vm-modules', '--max-old-space-size=4096', JEST, ...passthrough, ...selection];
// --passWithNoTests: jest still writes its report when nothing matched, and the zero-test check below
// turns that into a failure with a clear message.
if (!listOnly) args.push('--json', `--outputFile=${report}`, '--passWithNoTests');

const env = { ...process.env, NODE_NO_WARNINGS: '1' };
// The action-tests run every bundle on the runner's Node.js (node 24, `runs.using: node24`), which the
// `tests` set provisions; jest itself and the unit tests run on this node.
if (!listOnly && !unitOnly && !env.DEPLOY_KIT_ACTION_NODE) {
  const dir = spawnSync('bash', [join(ROOT, '.ci', 'install-tools'), '--print-dir', 'node24'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  if (dir && existsSync(join(dir, 'bin', 'node'))) env.DEPLOY_KIT_ACTION_NODE = join(dir, 'bin', 'node');
}
if (!listOnly && !unitOnly) {
  const node = env.DEPLOY_KIT_ACTION_NODE || process.execPath;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  console.error(`test: the action-tests run the bundles on node ${version} (${node})`);
}
const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
const exitCode = code ?? 1;

if (listOnly) {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(exitCode);
}

let result;
try {
  result = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  result = undefined;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (!result) {
  // jest died before writing its report: bad config, a crash, or a signal.
  console.error(`test: jest ${signal ? `was killed by ${signal}` : `exited ${code}`} without a JSON report (see the output above)`);
  console.log('0 passed, 1 failed');
  process.exit(exitCode === 0 ? 1 : exitCode);
}

const passed = result.numPassedTests ?? 0;
const runtimeErrors = result.numRuntimeErrorTestSuites ?? 0;
const failed = (result.numFailedTests ?? 0) + runtimeErrors;
const skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
const ran = passed + failed; // tests filtered out by -t count as skipped, not as run

if (runtimeErrors) {
  const broken = (result.testResults ?? []).filter((r) => r.testExecError || (r.status === 'failed' && !(r.assertionResults ?? []).length));
  console.error(`test: ${runtimeErrors} test suite(s) failed to run (counted as failures):`);
  for (const r of broken) console.error(`  ${r.name.startsWith(ROOT) ? r.name.slice(ROOT.length + 1) : r.name}`);
}

let finalCode = exitCode;
if (ran === 0) {
  const where = projects.length ? `the ${projects.join(' and ')} project(s)` : 'any project';
  console.error(
    `test: jest ran zero tests in ${where}${passthrough.length ? ` with ${passthrough.join(' ')}` : ''}; a green run must run something`,
  );
  finalCode = 1;
} else if (exitCode === 0 && failed > 0) {
  finalCode = 1;
}

// Tests per area (unit tests by package, action-tests by file), for closing notes and CI readers.
const areas = new Map();
for (const r of result.testResults ?? []) {
  const rel = r.name.startsWith(ROOT) ? r.name.slice(ROOT.length + 1) : r.name;
  const m = /^actions\/([^/]+)\//.exec(rel);
  const area = m
    ? `unit ${m[1]}`
    : rel.startsWith('packages/core/')
      ? 'unit core'
      : rel.startsWith('action-tests/')
        ? `action ${rel.slice('action-tests/'.length).replace(/\.test\.ts$/, '')}`
        : rel;
  const counts = areas.get(area) ?? { passed: 0, failed: 0 };
  for (const a of r.assertionResults ?? []) {
    if (a.status === 'passed') counts.passed++;
    else if (a.status === 'failed') counts.failed++;
  }
  areas.set(area, counts);
}
if (areas.size > 1) {
  console.log('\ntests per area:');
  for (const [area, c] of [...areas].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`  ${area.padEnd(40)} ${String(c.passed).padStart(5)} passed${c.failed ? `, ${c.failed} failed` : ''}`);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(finalCode);
