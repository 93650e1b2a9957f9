#!/usr/bin/env node
// Builds every action bundle with @vercel/ncc, from the repo root (so the root tsconfig applies):
//
//   actions/<name>/src/main.ts  ->  dist/<name>/index.js       (+ package.json {"type":"module"}, licenses.txt)
//   actions/<name>/src/post.ts  ->  dist/<name>-post/index.js
//
// Each bundle is built into .tmp/build/<name>.<pid> (git-ignored) and then replaces dist/<name> as a whole,
// so stale files never linger; a failed build leaves the old dist/<name> untouched (and exits 1).
// dist/<name> folders whose source is gone are deleted. Then every bundle gets a smoke run (`node dist/<name>/index.js`
// with an empty environment) that must not die on module loading: the silent ncc-CJS trap (style.md §0)
// builds "fine" and only fails at run time with `Cannot find module`.
//
// Usage: node scripts/build.mjs [name ...] [--jobs N] [--no-smoke] [--verify-deterministic]
//   name ...                 build only these bundles (e.g. parse-version, parse-version-post)
//   --jobs N                 parallel ncc processes (default: 2, at most the CPU count)
//   --no-smoke               skip the smoke run
//   --verify-deterministic   build everything twice and fail if any byte differs
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NCC = join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
const DIST = join(ROOT, 'dist');
const STAGING = join(ROOT, '.tmp', 'build');
const NCC_TIMEOUT_MS = 5 * 60_000;
const SMOKE_TIMEOUT_MS = 30_000;

// Flags chosen for small, deterministic output:
//   --minify                 smaller bundle (terser); still byte-identical across builds
//   --stats-out <file>       the modules in each chunk, from which writeLicenses writes licenses.txt
//                            (the third-party licence texts, committed next to the bundle)
//   --target es2022          what Node 20/24 run natively; avoids down-levelling
//   -q                       no build summary (we print our own line)
// Deliberately NOT used:
//   --source-map             would double the committed bytes; stacks only matter for bugs, and
//                            ACTIONS_STEP_DEBUG already prints the message and the cause chain
//   --transpile-only         ts-loader's transpileModule cannot see "type":"module", emits CJS, and
//                            ncc then resolves @actions/* with the `require` condition and fails
//   --v8-cache               output depends on the V8 version that built it (not reproducible)
//   --license licenses.txt   license-webpack-plugin in its per-chunk mode (ncc offers no way out of it)
//                            writes one list per chunk to the same file, so the last chunk's won and the
//                            entry chunk's packages were missing (semver in dist/parse-version)
const NCC_FLAGS = ['--minify', '--target', 'es2022', '-q'];

// Output that means the bundle could not even load its own code.
const LOAD_FAILURES = [
  /Cannot find module/,
  /Cannot find package/,
  /ERR_MODULE_NOT_FOUND/,
  /ERR_REQUIRE_ESM/,
  /ERR_UNKNOWN_FILE_EXTENSION/,
  /Cannot use import statement outside a module/,
  /require is not defined in ES module scope/,
  /Dynamic require of .* is not supported/,
  /^SyntaxError/m,
];

function parseArgs(argv) {
  const opts = { names: [], jobs: Math.max(1, Math.min(2, availableParallelism())), smoke: true, verify: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--jobs' || a === '-j') opts.jobs = Number(argv[++i]);
    else if (a.startsWith('--jobs=')) opts.jobs = Number(a.slice('--jobs='.length));
    else if (a === '--no-smoke') opts.smoke = false;
    else if (a === '--verify-deterministic') opts.verify = true;
    else if (a === '--help' || a === '-h') {
      const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('\n')
        .slice(1);
      console.log(
        lines
          .slice(
            0,
            lines.findIndex((l) => !l.startsWith('//')),
          )
          .map((l) => l.slice(3))
          .join('\n'),
      );
      process.exit(0);
    } else if (a.startsWith('-')) die(`unknown option ${a} (see --help)`);
    else opts.names.push(a);
  }
  if (!Number.isInteger(opts.jobs) || opts.jobs < 1) die('--jobs must be a positive integer');
  return opts;
}

function die(message) {
  console.error(`build: ${message}`);
  process.exit(2);
}

/** Every bundle the sources call for, in a stable order. */
function discoverBundles() {
  const actionsDir = join(ROOT, 'actions');
  const bundles = [];
  if (!existsSync(actionsDir)) return bundles;
  for (const name of readdirSync(actionsDir).sort()) {
    for (const [file, suffix] of [
      ['main.ts', ''],
      ['post.ts', '-post'],
    ]) {
      const entry = join(actionsDir, name, 'src', file);
      if (existsSync(entry)) bundles.push({ name: `${name}${suffix}`, entry: relative(ROOT, entry), out: join(DIST, `${name}${suffix}`) });
    }
  }
  const seen = new Map();
  for (const b of bundles) {
    if (seen.has(b.name)) die(`two sources want dist/${b.name}: ${seen.get(b.name)} and ${b.entry}; rename one action`);
    seen.set(b.name, b.entry);
  }
  return bundles;
}

/** Delete dist/<dir> folders that no action source produces any more. */
function removeStale(bundles) {
  if (!existsSync(DIST)) return [];
  const wanted = new Set(bundles.map((b) => b.name));
  const removed = [];
  for (const d of readdirSync(DIST, { withFileTypes: true })) {
    if (d.isDirectory() && !wanted.has(d.name)) {
      rmSync(join(DIST, d.name), { recursive: true, force: true });
      removed.push(d.name);
    }
  }
  return removed;
}

function run(cmd, args, { env = process.env, cwd = ROOT, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}\n`, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function listFiles(dir) {
  const out = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}

function hashDir(dir) {
  const h = new Map();
  for (const f of listFiles(dir)) h.set(relative(dir, f), createHash('sha256').update(readFileSync(f)).digest('hex'));
  return h;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * licenses.txt: every package bundled into any chunk of the bundle, from ncc's webpack stats (the
 * modules of each emitted chunk, concatenated ones included), in license-webpack-plugin's format
 * (sorted by name; name, licence id, the package's LICENSE/LICENCE file, or the file its
 * `SEE LICENSE IN` names). The workspace's own packages (@deploy-kit/*, resolved to packages/)
 * are not third-party and not listed.
 */
function writeLicenses(statsFile, outDir) {
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  const files = new Set();
  const visit = (module) => {
    if (module.nameForCondition) files.add(module.nameForCondition);
    for (const inner of module.modules ?? []) visit(inner);
  };
  for (const module of stats.modules ?? []) if ((module.chunks ?? []).length > 0) visit(module);
  const packages = new Map();
  for (const file of files) {
    const at = file.lastIndexOf('/node_modules/');
    if (at < 0) continue;
    const parts = file.slice(at + '/node_modules/'.length).split('/');
    const name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    packages.set(name, `${file.slice(0, at)}/node_modules/${name}`);
  }
  const entries = [...packages.keys()]
    .sort((a, b) => (a < b ? -1 : 1))
    .map((name) => {
      const dir = packages.get(name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const id = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? pkg.licenses?.[0]?.type);
      const seeFile = typeof id === 'string' && id.startsWith('SEE LICENSE IN ') ? id.split(' ')[3] : undefined;
      const textFile =
        seeFile ??
        readdirSync(dir)
          .sort()
          .find((f) => /^licen[cs]e/i.test(f) && statSync(join(dir, f)).isFile());
      // As the plugin did: a package without a licence file (some @aws-sdk/*) is listed by name and id.
      const text = textFile ? readFileSync(join(dir, textFile), 'utf8').replace(/\r\n/g, '\n') : undefined;
      return [name, id, text].filter((part) => part).join('\n');
    });
  writeFileSync(join(outDir, 'licenses.txt'), `${entries.join('\n\n').trim()}\n`);
}

async function build(bundle) {
  // The output directory does not affect the bytes ncc writes, so build aside and swap in.
  const staging = join(STAGING, `${bundle.name}.${process.pid}`); // unique: two builds may run at once
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(STAGING, { recursive: true });
  const started = Date.now();
  const statsFile = `${staging}.stats.json`;
  const r = await run(
    process.execPath,
    [NCC, 'build', bundle.entry, '-o', relative(ROOT, staging), ...NCC_FLAGS, '--stats-out', statsFile],
    { timeoutMs: NCC_TIMEOUT_MS },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const failed = (message) => {
    rmSync(staging, { recursive: true, force: true });
    rmSync(statsFile, { force: true });
    const kept = existsSync(bundle.out) ? `\n(dist/${bundle.name} left as it was)` : '';
    return { ...bundle, ok: false, message: `${message}${kept}` };
  };
  if (r.code !== 0 || !existsSync(join(staging, 'index.js'))) {
    const why = r.timedOut ? `timed out after ${NCC_TIMEOUT_MS / 1000}s` : `ncc exited ${r.code ?? r.signal}`;
    return failed(`${why}\n${(r.stderr + r.stdout).trim()}`);
  }
  // ESM output must come with dist/<name>/package.json {"type":"module"}, or Node parses the bundle as CJS.
  // Its absence means ncc compiled to CJS, the silent trap: the bundle would require() ESM-only @actions/*.
  const pkgFile = join(staging, 'package.json');
  let type;
  try {
    type = JSON.parse(readFileSync(pkgFile, 'utf8')).type;
  } catch {
    type = undefined;
  }
  if (type !== 'module') {
    return failed(
      `ncc compiled ${bundle.entry} to CommonJS (no package.json with "type":"module" next to the bundle). ` +
        'The bundle would require() the ESM-only @actions/* packages and fail at run time. ' +
        'Check that the root package.json has "type":"module" and tsconfig uses module/moduleResolution NodeNext.',
    );
  }
  // ncc exits 0 even when it could not resolve an import: it inlines a stub that throws at run time.
  const missing = listFiles(staging)
    .filter((f) => f.endsWith('.js'))
    .flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/webpackMissingModule\(\)\{var \w+=new Error\("Cannot find module '([^']+)'"\)/g)].map(
        (m) => m[1],
      ),
    );
  if (missing.length) {
    return failed(
      `ncc could not resolve ${[...new Set(missing)].map((m) => `'${m}'`).join(', ')} from ${bundle.entry} and built a bundle that throws at run time. ` +
        'Is it installed (npm ci), and does the import resolve under "type":"module" + NodeNext (ESM-only @actions/* need ESM source)?',
    );
  }
  try {
    writeLicenses(statsFile, staging);
  } catch (error) {
    return failed(`could not write licenses.txt: ${error.message}`);
  }
  rmSync(statsFile, { force: true });
  rmSync(bundle.out, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  renameSync(staging, bundle.out);
  const index = join(bundle.out, 'index.js');
  const files = listFiles(bundle.out);
  // Code-split chunks (from dynamic import()) load lazily next to index.js; count them as bundle size.
  const chunks = files.filter((f) => f.endsWith('.js') && f !== index);
  const size = [index, ...chunks].reduce((n, f) => n + statSync(f).size, 0);
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  return { ...bundle, ok: true, size, total, files: files.length, chunks: chunks.length, seconds };
}

/** Run `node dist/<name>/index.js` with an empty environment in an empty directory. */
async function smoke(bundle) {
  const cwd = mkdtempSync(join(tmpdir(), `dk-smoke-${bundle.name}-`));
  try {
    const r = await run(process.execPath, [join(bundle.out, 'index.js')], { env: {}, cwd, timeoutMs: SMOKE_TIMEOUT_MS });
    const output = `${r.stdout}\n${r.stderr}`;
    const trap = LOAD_FAILURES.find((re) => re.test(output));
    const clip = (l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l);
    const tail = output
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .slice(-15)
      .map(clip)
      .join('\n');
    if (trap) return { ok: false, message: `the bundle cannot load (${trap.source}):\n${tail}` };
    if (r.timedOut) return { ok: false, message: `no exit within ${SMOKE_TIMEOUT_MS / 1000}s with an empty environment:\n${tail}` };
    if (r.code === 0) return { ok: true, note: 'exit 0' };
    if (r.code !== null && /^::error::/m.test(r.stdout))
      return { ok: true, note: `exit ${r.code} with ::error:: (expected without inputs)` };
    return { ok: false, message: `exit ${r.code ?? r.signal} without an ::error:: annotation (a crash, not a handled failure):\n${tail}` };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function pool(items, jobs, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

function printBuilt(r) {
  if (r.ok) {
    const what = r.chunks ? `dist/${r.name}/index.js + ${r.chunks} chunk${r.chunks > 1 ? 's' : ''}` : `dist/${r.name}/index.js`;
    console.log(`  ${r.name.padEnd(24)} ${what.padEnd(44)} ${kb(r.size).padStart(10)}   (${r.files} files ${kb(r.total)}, ${r.seconds}s)`);
  } else {
    console.log(`  ${r.name.padEnd(24)} FAILED`);
    console.error(r.message.replace(/^/gm, '    '));
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(NCC)) die(`ncc not found at ${relative(ROOT, NCC)}; run npm ci first`);
  const all = discoverBundles();
  let bundles = all;
  if (opts.names.length) {
    const unknown = opts.names.filter((n) => !all.some((b) => b.name === n));
    if (unknown.length) die(`no source for ${unknown.join(', ')}; known bundles: ${all.map((b) => b.name).join(', ') || '(none)'}`);
    bundles = all.filter((b) => opts.names.includes(b.name));
  }
  const started = Date.now();

  for (const name of removeStale(all)) console.log(`  removed stale dist/${name}/ (its source is gone)`);
  if (bundles.length === 0) {
    console.log('build: no actions/*/src/main.ts found; nothing to build');
    return 0;
  }

  console.log(`build: ${bundles.length} bundle(s) with ncc ${NCC_FLAGS.join(' ')} (jobs ${opts.jobs})`);
  const built = await pool(bundles, opts.jobs, async (b) => {
    const r = await build(b);
    printBuilt(r);
    return r;
  });
  let failed = built.filter((r) => !r.ok).length;

  if (opts.verify && failed === 0) {
    console.log('build: rebuilding to verify the output is deterministic');
    const first = new Map(built.map((r) => [r.name, hashDir(r.out)]));
    const again = await pool(bundles, opts.jobs, build);
    for (const r of again) {
      if (!r.ok) {
        failed++;
        printBuilt(r);
        continue;
      }
      const a = first.get(r.name);
      const b = hashDir(r.out);
      const diff = [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f));
      if (diff.length) {
        failed++;
        console.log(`  ${r.name.padEnd(24)} NOT DETERMINISTIC: ${diff.join(', ')} differ between two builds`);
      } else console.log(`  ${r.name.padEnd(24)} identical bytes across two builds`);
    }
  }

  if (opts.smoke) {
    const ok = built.filter((r) => r.ok);
    if (ok.length) console.log('build: smoke run (node dist/<name>/index.js, empty env)');
    const smoked = await pool(ok, opts.jobs, async (b) => ({ b, s: await smoke(b) }));
    for (const { b, s } of smoked) {
      if (s.ok) console.log(`  ${b.name.padEnd(24)} ok (${s.note})`);
      else {
        failed++;
        console.log(`  ${b.name.padEnd(24)} FAILED`);
        console.error(s.message.replace(/^/gm, '    '));
      }
    }
  }

  try {
    rmdirSync(STAGING); // only when empty; another build may be using it
  } catch {
    /* not empty or already gone */
  }
  const total = built.filter((r) => r.ok).reduce((n, r) => n + r.size, 0);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (failed) {
    console.error(`build: ${failed} problem(s); ${built.filter((r) => r.ok).length}/${bundles.length} bundle(s) built in ${secs}s`);
    return 1;
  }
  console.log(`build: ${bundles.length} bundle(s), ${kb(total)} of JavaScript in ${secs}s`);
  return 0;
}

process.exitCode = await main();
