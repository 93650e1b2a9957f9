#!/usr/bin/env node
// Static checks, one summary line each, then as the last line `N passed, N failed` (one per check):
//
//   typecheck            tsc --noEmit -p .
//   eslint               @eslint/js + typescript-eslint recommended (eslint.config.js), no warning allowed
//   prettier             every TypeScript/JavaScript/JSON file formatted as .prettierrc.json says
//                        (`npm run format` rewrites them)
//   actionlint           .github/workflows/*.y{a,}ml and examples/**/.github/workflows/*.y{a,}ml
//                        (shellcheck/pyflakes integrations only when installed)
//   zizmor               GitHub Actions security audits, offline (no GitHub API, no token), over the same
//                        workflows plus every root */action.yml; a deliberate exception carries an inline
//                        `# zizmor: ignore[<audit>] <why>` comment next to what it excuses
//   zizmor auditor       the same with --persona=auditor: every audit at every confidence, including the
//                        pedantic ones (undocumented permissions, unnamed jobs); same rule for exceptions
//   action.yml <name>    one per root */action.yml: valid YAML, name, description, branding, runs,
//                        every input/output described, kebab-case names
//   runs.using           every node action on the same runtime, node24
//
// actionlint comes from PATH or ${DEPLOY_KIT_TOOLS:-$HOME/.cache/deploy-kit/tools}/actionlint-v1.7.12/,
// zizmor 1.32.0 from the same cache (zizmor-1.32.0/venv/bin/zizmor) or from PATH when that one is
// 1.32.0. Both are provisioned on first use (`.ci/install-tools lint`, one line per tool) unless
// DEPLOY_KIT_SKIP_TOOLS=1.
//
// Usage: node scripts/lint.mjs [--only typecheck|eslint|prettier|actionlint|zizmor|action-yml]...
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ACTIONLINT_VERSION = 'v1.7.12';
const ZIZMOR_VERSION = '1.32.0';
const NODE_RUNTIME = 'node24';
const BRANDING_COLORS = new Set(['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']);
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CHECK_TIMEOUT_MS = 5 * 60_000;

const results = [];
function record(name, ok, summary, details = []) {
  results.push({ name, ok });
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${name.padEnd(28)} ${summary}`);
  for (const d of details) console.log(`        ${d}`);
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHECK_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, out: `${out}${e.message}\n` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? 'timeout' : signal), out });
    });
  });
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

const indent = (text, max = 60) => {
  const lines = text.trimEnd().split('\n');
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push(`… ${lines.length - max} more line(s)`);
  return shown;
};

// --- (a) typecheck -------------------------------------------------------------------------------
async function typecheck() {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  if (!existsSync(tsc)) return record('typecheck', false, 'typescript is not installed; run npm ci');
  const started = Date.now();
  const r = await run(process.execPath, [tsc, '--noEmit', '-p', '.', '--pretty', 'false']);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.code === 0) return record('typecheck', true, `tsc --noEmit -p . (${secs}s)`);
  const errors = (r.out.match(/error TS\d+/g) ?? []).length;
  record('typecheck', false, `tsc --noEmit -p . : ${errors || 'exit ' + r.code} error(s)`, indent(r.out, 40));
}

// --- (b) actionlint ------------------------------------------------------------------------------
function workflowFiles() {
  const files = [];
  const addWorkflows = (dir) => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir).sort()) if (/\.ya?ml$/.test(f)) files.push(join(dir, f));
  };
  addWorkflows(join(ROOT, '.github/workflows'));
  const walk = (dir) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory() || d.name === 'node_modules') continue;
      const p = join(dir, d.name);
      if (d.name === '.github') addWorkflows(join(p, 'workflows'));
      else walk(p);
    }
  };
  if (existsSync(join(ROOT, 'examples'))) walk(join(ROOT, 'examples'));
  return files.map((f) => relative(ROOT, f));
}

function findActionlint() {
  const onPath = which('actionlint');
  if (onPath) return onPath;
  const tools = process.env.DEPLOY_KIT_TOOLS || join(process.env.HOME || homedir(), '.cache/deploy-kit/tools');
  const cached = join(tools, `actionlint-${ACTIONLINT_VERSION}`, 'actionlint');
  return existsSync(cached) ? cached : undefined;
}

async function actionlint() {
  const files = workflowFiles();
  if (files.length === 0) return record('actionlint', true, 'no workflow files to check');
  const bin = findActionlint();
  if (!bin) {
    return record('actionlint', false, `actionlint ${ACTIONLINT_VERSION} not found on PATH or in the tools cache`, [
      'Run .ci/install-tools (installs it into ${DEPLOY_KIT_TOOLS:-$HOME/.cache/deploy-kit/tools}/actionlint-v1.7.12/).',
    ]);
  }
  const version = spawnSync(bin, ['-version'], { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim() ?? '?';
  // actionlint runs shellcheck/pyflakes on run: scripts when it finds them; say so explicitly either way.
  const args = ['-no-color', '-oneline'];
  const extras = [];
  if (which('shellcheck')) extras.push('shellcheck');
  else args.push('-shellcheck=');
  if (which('pyflakes')) extras.push('pyflakes');
  else args.push('-pyflakes=');
  const r = await run(bin, [...args, ...files]);
  const what = `${files.length} file(s), actionlint ${version}${extras.length ? ` + ${extras.join(', ')}` : ''}`;
  if (r.code === 0) return record('actionlint', true, what);
  const problems = r.out.split('\n').filter((l) => l.trim()).length;
  record('actionlint', false, `${what}: ${problems} problem(s)`, indent(r.out));
}

// --- (c) zizmor ----------------------------------------------------------------------------------
const toolsDir = () => process.env.DEPLOY_KIT_TOOLS || join(process.env.HOME || homedir(), '.cache/deploy-kit/tools');
const zizmorVersion = (bin) =>
  spawnSync(bin, ['--version'], { encoding: 'utf8' })
    .stdout?.trim()
    .replace(/^zizmor\s+/, '') ?? '';

// The pinned build from the tools cache; one on PATH only when it is the pinned version (the audits change
// between releases, so another version could pass or fail what CI does not).
function findZizmor() {
  const cached = join(toolsDir(), `zizmor-${ZIZMOR_VERSION}`, 'venv/bin/zizmor');
  if (existsSync(cached)) return { bin: cached };
  const onPath = which('zizmor');
  if (!onPath) return {};
  const version = zizmorVersion(onPath);
  return version === ZIZMOR_VERSION ? { bin: onPath } : { other: `${onPath} is zizmor ${version || '(unknown version)'}` };
}

/** persona: `regular` (zizmor's default) or `auditor` (every audit, every confidence, pedantic ones too). */
async function zizmor(persona = 'regular') {
  const name = persona === 'regular' ? 'zizmor' : `zizmor ${persona}`;
  const files = [...workflowFiles(), ...rootActionFiles().map((a) => a.file)];
  if (files.length === 0) return record(name, true, 'no workflow or action.yml files to check');
  const { bin, other } = findZizmor();
  if (!bin) {
    return record(name, false, `zizmor ${ZIZMOR_VERSION} not found in the tools cache${other ? ` (${other})` : ' or on PATH'}`, [
      `Run .ci/install-tools zizmor (installs it into \${DEPLOY_KIT_TOOLS:-$HOME/.cache/deploy-kit/tools}/zizmor-${ZIZMOR_VERSION}/).`,
    ]);
  }
  // Offline: no GitHub API calls and no token in its environment, so the result depends on the files alone.
  const env = { ...process.env, ZIZMOR_OFFLINE: 'true', NO_COLOR: '1' };
  for (const k of ['GH_TOKEN', 'GITHUB_TOKEN', 'ZIZMOR_GITHUB_TOKEN', 'GH_HOST', 'ZIZMOR_CONFIG']) delete env[k];
  const r = await run(
    bin,
    [
      '--offline',
      `--persona=${persona}`,
      '--format',
      'plain',
      '--color',
      'never',
      '--no-progress',
      '--render-links',
      'never',
      '-q',
      ...files,
    ],
    { env },
  );
  const last = r.out.trim().split('\n').at(-1) ?? '';
  const what = `${files.length} file(s), zizmor ${ZIZMOR_VERSION} --offline --persona=${persona}`;
  if (r.code === 0) {
    // "No findings to report. Good job! (20 ignored, 22 suppressed)": ignored = a zizmor: ignore comment,
    // suppressed = below this persona's confidence/pedantry (none for the auditor).
    const ignored = /\b(\d+) ignored\b/.exec(last)?.[1] ?? '0';
    const suppressed = /\b(\d+) suppressed\b/.exec(last)?.[1] ?? '0';
    return record(name, true, `${what}: no findings (${ignored} ignored in place, ${suppressed} below the ${persona} persona)`);
  }
  // One line per finding first (`<level>[<audit>] <file>:<line>:<col>`), then zizmor's own report.
  const list = [...r.out.matchAll(/^(\w+\[[\w-]+\]).*\n\s*--> (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  const problem = list.length ? `${list.length} finding(s)` : `exit ${r.code}`;
  record(name, false, `${what}: ${problem}`, [
    ...list,
    ...(list.length ? [''] : []),
    ...indent(r.out, 200),
    'Fix each finding in the YAML, or justify a deliberate one in place: `# zizmor: ignore[<audit>] <why>`.',
  ]);
}

// --- (d) action.yml ------------------------------------------------------------------------------
function rootActionFiles() {
  const out = [];
  for (const d of readdirSync(ROOT, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('.') || d.name === 'node_modules') continue;
    for (const f of ['action.yml', 'action.yaml']) {
      if (existsSync(join(ROOT, d.name, f))) out.push({ dir: d.name, file: join(d.name, f) });
    }
  }
  return out.sort((a, b) => a.dir.localeCompare(b.dir));
}

const isNonEmptyString = (v) => typeof v === 'string' && v.trim() !== '';
const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function checkActionYml({ dir, file }, usings) {
  const problems = [];
  const doc = parseDocument(readFileSync(join(ROOT, file), 'utf8'), { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    return record(
      `action.yml ${dir}`,
      false,
      `${file}: not valid YAML`,
      doc.errors.map((e) => e.message.split('\n')[0]),
    );
  }
  const a = doc.toJS();
  if (!isMap(a)) return record(`action.yml ${dir}`, false, `${file}: not a YAML mapping`);

  for (const key of ['name', 'description']) if (!isNonEmptyString(a[key])) problems.push(`missing or empty "${key}"`);
  if (!isMap(a.branding)) problems.push('missing "branding" (icon and color, shown on the Marketplace)');
  else {
    if (!isNonEmptyString(a.branding.icon)) problems.push('branding.icon is missing');
    if (!BRANDING_COLORS.has(a.branding.color))
      problems.push(`branding.color must be one of ${[...BRANDING_COLORS].join(', ')}; got ${JSON.stringify(a.branding.color)}`);
  }

  for (const section of ['inputs', 'outputs']) {
    if (a[section] === undefined || a[section] === null) continue;
    if (!isMap(a[section])) {
      problems.push(`"${section}" must be a mapping`);
      continue;
    }
    for (const [name, spec] of Object.entries(a[section])) {
      if (!KEBAB.test(name)) problems.push(`${section}.${name}: names are kebab-case (lowercase letters, digits, single hyphens)`);
      if (!isMap(spec) || !isNonEmptyString(spec.description)) problems.push(`${section}.${name}: no description`);
      if (section === 'inputs' && isMap(spec) && spec.required === true && spec.default !== undefined) {
        problems.push(`inputs.${name}: required: true with a default (the runner never enforces "required"; drop one)`);
      }
    }
  }

  const runs = a.runs;
  if (!isMap(runs) || !isNonEmptyString(runs.using)) problems.push('missing "runs.using"');
  else if (/^node/.test(runs.using)) {
    usings.push({ dir, using: runs.using });
    if (runs.using !== NODE_RUNTIME) problems.push(`runs.using is "${runs.using}"; node actions use "${NODE_RUNTIME}"`);
    const expectMain = `../dist/${dir}/index.js`;
    if (runs.main !== expectMain)
      problems.push(`runs.main is ${JSON.stringify(runs.main)}; expected "${expectMain}" (the ncc bundle of actions/${dir}/src/main.ts)`);
    else if (!existsSync(join(ROOT, 'actions', dir, 'src/main.ts')))
      problems.push(`runs.main points at the bundle of actions/${dir}/src/main.ts, which does not exist`);
    if (runs.post !== undefined) {
      const expectPost = `../dist/${dir}-post/index.js`;
      if (runs.post !== expectPost) problems.push(`runs.post is ${JSON.stringify(runs.post)}; expected "${expectPost}"`);
      else if (!existsSync(join(ROOT, 'actions', dir, 'src/post.ts')))
        problems.push(`runs.post points at the bundle of actions/${dir}/src/post.ts, which does not exist`);
    }
  } else if (runs.using === 'composite') {
    if (!Array.isArray(runs.steps) || runs.steps.length === 0) problems.push('composite action without runs.steps');
    for (const [name, spec] of Object.entries(isMap(a.outputs) ? a.outputs : {})) {
      if (isMap(spec) && !isNonEmptyString(spec.value)) problems.push(`outputs.${name}: composite outputs need a "value"`);
    }
  } else if (runs.using !== 'docker') problems.push(`runs.using "${runs.using}" is not a runtime the runner accepts`);

  const counts = `${Object.keys(isMap(a.inputs) ? a.inputs : {}).length} inputs, ${Object.keys(isMap(a.outputs) ? a.outputs : {}).length} outputs`;
  if (problems.length) record(`action.yml ${dir}`, false, `${file}: ${problems.length} problem(s)`, problems);
  else record(`action.yml ${dir}`, true, `${file}: ${runs.using}, ${counts}`);
}

async function actionYmls() {
  const files = rootActionFiles();
  if (files.length === 0) {
    console.log(`skip  ${'action.yml'.padEnd(28)} no */action.yml at the repo root yet`);
    return;
  }
  const usings = [];
  for (const f of files) checkActionYml(f, usings);
  const distinct = [...new Set(usings.map((u) => u.using))];
  if (usings.length === 0) record('runs.using', true, 'no node actions');
  else if (distinct.length === 1 && distinct[0] === NODE_RUNTIME)
    record('runs.using', true, `all ${usings.length} node action(s) on ${NODE_RUNTIME}`);
  else {
    record(
      'runs.using',
      false,
      `node actions must all use ${NODE_RUNTIME}; found ${distinct.join(', ')}`,
      usings.map((u) => `${u.dir}: ${u.using}`),
    );
  }
}

// --- ESLint and Prettier (npm packages, pinned in package.json) --------------------------------------
async function eslint() {
  const bin = join(ROOT, 'node_modules/eslint/bin/eslint.js');
  if (!existsSync(bin)) return record('eslint', false, 'eslint is not installed; run npm ci');
  const started = Date.now();
  const { code, out } = await run(process.execPath, [bin, '--max-warnings', '0', '.']);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) return record('eslint', true, `no finding (${seconds}s)`);
  record(
    'eslint',
    false,
    `findings (exit ${code}); fix them or, for a deliberate exception, an eslint-disable comment saying why`,
    indent(out),
  );
}

async function prettier() {
  const bin = join(ROOT, 'node_modules/prettier/bin/prettier.cjs');
  if (!existsSync(bin)) return record('prettier', false, 'prettier is not installed; run npm ci');
  const started = Date.now();
  const { code, out } = await run(process.execPath, [bin, '--check', '--log-level', 'warn', '.']);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) return record('prettier', true, `every file formatted (${seconds}s)`);
  record('prettier', false, `files not formatted (exit ${code}); run npm run format`, indent(out));
}

// --- main ----------------------------------------------------------------------------------------
const CHECKS = {
  typecheck,
  eslint,
  prettier,
  actionlint,
  zizmor: async () => {
    await zizmor('regular');
    await zizmor('auditor');
  },
  'action-yml': actionYmls,
};
const only = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--only') only.push(argv[++i]);
  else if (argv[i].startsWith('--only=')) only.push(argv[i].slice('--only='.length));
  else {
    console.error(`lint: unknown argument ${argv[i]}; usage: node scripts/lint.mjs [--only ${Object.keys(CHECKS).join('|')}]`);
    process.exit(2);
  }
}
for (const o of only) {
  if (!CHECKS[o]) {
    console.error(`lint: unknown check ${o}; known: ${Object.keys(CHECKS).join(', ')}`);
    process.exit(2);
  }
}
const selected = Object.entries(CHECKS).filter(([name]) => only.length === 0 || only.includes(name));
if (selected.some(([name]) => name === 'actionlint' || name === 'zizmor') && process.env.DEPLOY_KIT_SKIP_TOOLS !== '1') {
  // A failed install shows up below as the linter not being found, with how to install it.
  spawnSync('bash', [join(ROOT, '.ci', 'install-tools'), 'lint'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}
for (const [, check] of selected) await check();

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
