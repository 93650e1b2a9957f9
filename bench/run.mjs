#!/usr/bin/env node
// Cold start of each action bundle, spawn to exit, as a ratio to a bare `node -e 0` measured in the
// same run (interleaved, so machine load hits both alike), and for image-tags as a ratio to
// docker/metadata-action v6.2.0 (../shared/anchors/metadata-action-v6.2.0) on identical inputs. Each
// action runs on its default path: the inputs its action.yml defaults (`github-token: ${{ github.token }}`
// included), a push event's payload (one case: a pull request's) as GitHub sends it, and GITHUB_API_URL
// on a loopback server that answers what metadata-action asks. Ratios are medians of per-round pairs,
// with their p10–p90 spread.
// Every bundle runs on the runner's Node.js: node 24, as `runs.using: node24` gives it (pinned in
// .ci/install-tools, installed on first use), and bare node and docker/metadata-action (also node24) on
// the same binary. The same rounds also time each bundle and bare node on this machine's own node
// (20 here), reported beside the judged figures.
// Absolute times depend on the machine and are never judged; the targets are ratios and bundle sizes.
// Last, the size of the repository archive a `uses:` downloads (the whole repository at that ref).
//
// Usage: node bench/run.mjs [case-name-substring ...] [--runs N] [--warmup N] [--check]
//   --runs N     timed runs per case (default and minimum for a verdict: 21)
//   --warmup N   discarded rounds before timing (default 3)
//   --check      exit 1 when a target is missed (default: report only)
//
// Adding an action: one entry in CASES. `expect` is checked on one run through the test harness
// (action-tests/lib/runner.mjs) before timing, so a bundle that fails fast can never look fast.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { pullRequestPayload, pushPayload, startGitHubApi } from './github-api.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MIN_RUNS = 21;

const SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const REPOSITORY = 'example-org/sample-service';
/** docker/metadata-action v6.2.0's released bundle (Apache-2.0), the peer of image-tags' DSL cases. */
const METADATA_ACTION = process.env.DEPLOY_KIT_METADATA_ACTION ?? join(ROOT, '..', 'shared', 'anchors', 'metadata-action-v6.2.0');

const CASES = [
  {
    name: 'parse-version: rc tag push',
    action: 'parse-version',
    eventName: 'push',
    ref: 'refs/tags/v1.4.0-rc.1',
    inputs: {},
    expect: (r) => r.outputs.environment === 'staging' && r.outputs.tag === 'v1.4.0-rc.1',
    target: { ratio: 1.5, sizeKB: 400 },
  },
  {
    // A typical tag push: 10 services in seed naming, with the default token. The push payload carries
    // the repository's facts, so no API call (issue 18; before it, Octokit and GET /repos: 6.8x bare node).
    // Size: index.js plus the lazily loaded chunks (Octokit ~1.1 MB, loaded only when the API is asked;
    // YAML; handlebars 89 KB and moment-timezone 914 KB with its zone data, loaded only for templates and
    // dates: metadata-action's libraries, 1651 → 2622 KB, see actions/image-tags/src/template.ts and datefmt.ts).
    name: 'image-tags: rc tag, 10 services',
    action: 'image-tags',
    eventName: 'push',
    ref: 'refs/tags/v1.2.3-rc.1',
    inputs: {
      services: 'core payments chat auth billing search notify gateway orders users',
      kind: 'ms',
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    },
    expect: (r) => r.outputs.tags.split('\n').length === 20 && r.outputs.version === 'v1.2.3-rc.1',
    target: { ratio: 2.0, sizeKB: 2700 },
  },
  {
    // metadata-action's DSL with Handlebars patterns on a release tag (the templates' code is loaded),
    // side by side with metadata-action itself on the same inputs (issue 18: 0.67x before, target 0.35x).
    name: 'image-tags: release tag, semver patterns',
    action: 'image-tags',
    eventName: 'push',
    ref: 'refs/tags/v1.2.3',
    inputs: {
      images: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core',
      tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
    },
    expect: (r) => r.outputs['tag-names'] === '1.2.3\n1.2\nsha-0a1b2c3\nlatest',
    // Measured 3.1-3.4 with handlebars (2.4-2.6 with the hand-written evaluator it replaced).
    target: { ratio: 3.5, sizeKB: 2700, peerRatio: 0.35 },
    peer: 'metadata-action',
  },
  {
    // The same with a date in a time zone (the date code and its zone data are loaded too).
    name: 'image-tags: release tag, semver patterns and a dated tag',
    action: 'image-tags',
    eventName: 'push',
    ref: 'refs/tags/v1.2.3',
    inputs: {
      images: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core',
      tags: "type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=raw,value=build-{{date 'YYYYMMDD' tz='Asia/Tokyo'}}",
    },
    expect: (r) => /^1\.2\.3\n1\.2\nbuild-\d{8}\nlatest$/.test(r.outputs['tag-names']),
    // Measured 3.9-4.4 with moment-timezone (2.9-3.2 with the ICU formatter it replaced).
    target: { ratio: 4.5, sizeKB: 2700, peerRatio: 0.35 },
    peer: 'metadata-action',
  },
  {
    // A pull request: its payload carries the base repository (this one) as a push's does, so no API
    // request either; metadata-action asks GET /repos/{owner}/{repo} and, a pull request's payload
    // having no commit date, GET .../commits/{sha} on every run (issue 18). Measured 0.64x metadata-action
    // while a pull request still asked GET /repos (1 request), 0.19x without it.
    name: 'image-tags: pull_request payload, token set',
    action: 'image-tags',
    eventName: 'pull_request',
    ref: 'refs/pull/7/merge',
    event: pullRequestPayload(REPOSITORY, 7, SHA),
    inputs: {
      images: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core',
      tags: 'type=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
    },
    expect: (r) => r.outputs['tag-names'] === 'pr-7\nsha-0a1b2c3',
    target: { ratio: 3.5, sizeKB: 2700, peerRatio: 0.35 },
    peer: 'metadata-action',
  },
  // The other bundles on their action.yml defaults alone: each loads and stops at its first required
  // input (exit 1, the ::error:: naming it), the cost every run of it pays before doing anything.
  ...[
    ['gitops-dispatch', 'token'],
    ['migrate-job', 'image'],
    ['push-artifacts', 'images'],
    ['record-deployment', 'environment'],
  ].map(([action, input]) => ({
    name: `${action}: action.yml defaults only (to its input check)`,
    action,
    eventName: 'push',
    ref: 'refs/tags/v1.2.3',
    inputs: {},
    exit: 1,
    expect: (r) => r.errors.length === 1 && r.errors[0].startsWith(`Input "${input}"`),
    // Reported, not judged: no target was set for these (their own benchmarks below judge their work).
    target: undefined,
  })),
];

function parseArgs(argv) {
  const o = { runs: MIN_RUNS, warmup: 3, check: false, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--warmup') o.warmup = Number(argv[++i]);
    else if (a === '--check') o.check = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else o.filters.push(a);
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new Error('--warmup must be a non-negative integer');
  return o;
}

/** KB of all .js in dist/<action>/ (what ships, lazy chunks included) and of index.js alone (what loads first). */
function bundleSizeKB(action) {
  const dir = join(ROOT, 'dist', action);
  if (!existsSync(dir)) return {};
  let bytes = 0;
  for (const f of readdirSync(dir)) if (f.endsWith('.js')) bytes += statSync(join(dir, f)).size;
  return { total: bytes / 1024, entry: statSync(join(dir, 'index.js')).size / 1024 };
}

/**
 * The environment the runner gives the step: INPUT_* with action.yml defaults (`actionYml`, the case's
 * own by default), file commands, GITHUB_* with GITHUB_API_URL on the loopback API.
 */
async function runnerEnv(c, harness, temp, { apiUrl, actionYml } = {}) {
  const action = actionYml ?? harness.loadActionYml(c.action);
  const files = {
    GITHUB_OUTPUT: join(temp, 'output.txt'),
    GITHUB_ENV: join(temp, 'env.txt'),
    GITHUB_PATH: join(temp, 'path.txt'),
    GITHUB_STATE: join(temp, 'state.txt'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    GITHUB_EVENT_PATH: join(temp, 'event.json'),
  };
  const workspace = join(temp, 'workspace');
  const runnerTemp = join(temp, 'runner_temp');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  const refName = c.ref.replace(/^refs\/(tags|heads|pull)\//, '');
  const repository = REPOSITORY;
  const event = c.event ?? pushPayload(repository, c.ref, SHA);
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(event));
  const ctx = {
    token: 'ghs_bench',
    ref: c.ref,
    ref_name: refName,
    ref_type: c.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: SHA,
    repository,
    repository_owner: 'example-org',
    event_name: c.eventName,
    actor: 'bench',
    workspace,
    event,
    server_url: 'https://github.com',
    api_url: apiUrl ?? 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
  };
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: c.eventName,
    GITHUB_REF: c.ref,
    GITHUB_REF_NAME: refName,
    GITHUB_REF_TYPE: ctx.ref_type,
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: 'example-org',
    GITHUB_ACTOR: 'bench',
    GITHUB_WORKSPACE: workspace,
    GITHUB_SERVER_URL: ctx.server_url,
    GITHUB_API_URL: ctx.api_url,
    GITHUB_GRAPHQL_URL: ctx.graphql_url,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'bench',
    GITHUB_JOB: 'bench',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(temp, 'tool_cache'),
    ...files,
  };
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    const value = Object.hasOwn(c.inputs, name)
      ? String(c.inputs[name])
      : harness.evaluateDefault(spec?.default, ctx, `${c.action} inputs.${name}`);
    env[harness.inputEnvName(name)] = value;
  }
  const reset = () => {
    for (const k of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) writeFileSync(files[k], '');
  };
  return { env, workspace, reset, outputFile: files.GITHUB_OUTPUT };
}

/** The outputs a step wrote to GITHUB_OUTPUT (the runner's `name<<delimiter` form). */
function readOutputs(file) {
  const out = {};
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join('\n');
  }
  return out;
}

/** docker/metadata-action's bundle, unpacked into `dir` as its action.yml expects (dist/index.cjs); undefined when absent. */
function preparePeer(harness, dir) {
  if (!existsSync(join(METADATA_ACTION, 'index.cjs.gz'))) return undefined;
  mkdirSync(join(dir, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.cjs'), gunzipSync(readFileSync(join(METADATA_ACTION, 'index.cjs.gz'))));
  return { bundle: join(dir, 'dist', 'index.cjs'), actionYml: harness.loadActionYml('', METADATA_ACTION) };
}

/** The labels without the creation time (each run's clock). */
const stableLabels = (labels = '') =>
  labels
    .split('\n')
    .filter((l) => !l.startsWith('org.opencontainers.image.created='))
    .join('\n');

/** One spawn-to-exit time in ms, and the exit code, on the Node.js binary `node`. */
function timeOnce(node, args, env, cwd) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(node, args, { env, cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code: code ?? signal }));
  });
}

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const right = new Set([1, 2, 3, 4, 5, 6]);
  return rows
    .map((r, n) => {
      const line = r
        .map((cell, i) => (right.has(i) ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
        .join('  ')
        .trimEnd();
      return n === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** Per-round ratios a[i] / b[i]: their median and p10–p90 spread. */
function pairedRatio(a, b) {
  const r = a.map((x, i) => x / b[i]);
  return { median: quantile(r, 0.5), p10: quantile(r, 0.1), p90: quantile(r, 0.9) };
}
const spread = (r) => `${r.median.toFixed(2)} (${r.p10.toFixed(2)}–${r.p90.toFixed(2)})`;

/** The gzip size of what a `uses:` of this repository downloads: the tree at HEAD (git archive). */
function archiveSizeKB() {
  try {
    const tar = execFileSync('git', ['archive', '--format=tar.gz', 'HEAD'], { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 });
    return tar.length / 1024;
  } catch {
    return undefined;
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cases = CASES.filter((c) => opts.filters.length === 0 || opts.filters.some((f) => c.name.includes(f) || c.action === f));
  if (cases.length === 0) throw new Error(`no case matches ${opts.filters.join(' ')}; cases: ${CASES.map((c) => c.name).join(', ')}`);
  const harnessPath = join(ROOT, 'action-tests/lib/runner.mjs');
  if (!existsSync(harnessPath)) throw new Error('action-tests/lib/runner.mjs is missing');
  const harness = await import(harnessPath);
  // The runner's node (judged) and, when it is another version, this machine's (reported).
  const runnerNode = harness.actionNode();
  const runnerVersion = execFileSync(runnerNode, ['--version'], { encoding: 'utf8' }).trim();
  const local = runnerVersion === process.version ? undefined : { path: process.execPath, version: process.version };

  const temp = mkdtempSync(join(tmpdir(), 'deploy-kit-bench-'));
  const api = await startGitHubApi();
  const problems = [];
  const notes = [];
  try {
    const peer = cases.some((c) => c.peer) ? preparePeer(harness, join(temp, 'metadata-action')) : undefined;
    if (cases.some((c) => c.peer) && !peer) notes.push(`docker/metadata-action is not at ${METADATA_ACTION}: no side-by-side rows`);
    // Prepare and validate every case once, the way the tests run it.
    const ready = [];
    for (const c of cases) {
      if (!existsSync(join(ROOT, 'dist', c.action, 'index.js'))) {
        problems.push(`${c.name}: dist/${c.action}/index.js does not exist; run npm run build`);
        continue;
      }
      const event = c.event ?? pushPayload(REPOSITORY, c.ref, SHA);
      const check = await harness.runAction(c.action, {
        node: runnerNode,
        ref: c.ref,
        eventName: c.eventName,
        event,
        repository: REPOSITORY,
        inputs: c.inputs,
        sha: SHA,
        env: { GITHUB_API_URL: api.url },
      });
      if (check.exitCode !== (c.exit ?? 0) || !c.expect(check)) {
        problems.push(
          `${c.name}: the bundle did not do its job (exit ${check.exitCode}; ${check.errors[0]?.split('\n')[0] ?? JSON.stringify(check.outputs)})`,
        );
        continue;
      }
      const dir = join(temp, c.action, String(ready.length));
      mkdirSync(dir, { recursive: true });
      const entry = {
        ...c,
        bundle: join(ROOT, 'dist', c.action, 'index.js'),
        ...(await runnerEnv(c, harness, dir, { apiUrl: api.url })),
        times: [],
        localTimes: [],
      };
      // The API requests one run makes (the check above ran with the harness's own payload and token).
      entry.reset();
      api.takeCount();
      await timeOnce(runnerNode, [entry.bundle], entry.env, entry.workspace);
      entry.requests = api.takeCount();
      if (c.peer && peer) {
        const peerDir = join(dir, 'peer');
        mkdirSync(peerDir, { recursive: true });
        const env = await runnerEnv(c, harness, peerDir, { apiUrl: api.url, actionYml: peer.actionYml });
        api.takeCount();
        env.reset();
        const { code } = await timeOnce(runnerNode, [peer.bundle], env.env, env.workspace);
        const requests = api.takeCount();
        const theirs = readOutputs(env.outputFile);
        const ours = readOutputs(entry.outputFile);
        if (code !== 0) problems.push(`${c.name}: docker/metadata-action exited ${code}`);
        else if (theirs.tags !== ours.tags || stableLabels(theirs.labels) !== stableLabels(ours.labels))
          problems.push(`${c.name}: image-tags and docker/metadata-action disagree on the same inputs (tags or labels)`);
        else entry.peerRun = { name: `docker/metadata-action v6.2.0`, bundle: peer.bundle, ...env, times: [], localTimes: [], requests };
      }
      ready.push(entry);
    }
    if (ready.length === 0) {
      for (const p of problems) console.error(`bench: ${p}`);
      return 1;
    }
    // Bare node gets the same environment as the first case, so the only difference is the bundle.
    const bareEnv = ready[0]?.env ?? { PATH: process.env.PATH ?? '' };
    const bare = { name: `node -e 0 (bare), node ${runnerVersion}`, times: [], localTimes: [] };

    // Each run on the runner's node (into `times`) and, when there is one, on this machine's (`localTimes`).
    const onEach = (into, args, env, cwd, exit = 0, before = () => {}) => [
      { run: () => (before(), timeOnce(runnerNode, args, env, cwd)), into, list: 'times', exit },
      ...(local ? [{ run: () => (before(), timeOnce(local.path, args, env, cwd)), into, list: 'localTimes', exit }] : []),
    ];
    const runners = [
      ...onEach(bare, ['-e', '0'], bareEnv, temp),
      ...ready.flatMap((c) => [
        ...onEach(c, [c.bundle], c.env, c.workspace, c.exit ?? 0, c.reset),
        ...(c.peerRun ? onEach(c.peerRun, [c.peerRun.bundle], c.peerRun.env, c.peerRun.workspace, 0, c.peerRun.reset) : []),
      ]),
    ];
    const total = opts.warmup + opts.runs;
    process.stderr.write(
      `bench: ${ready.length} case(s), ${ready.filter((c) => c.peerRun).length} with docker/metadata-action beside them, + bare node; on node ${runnerVersion} (the runner's)${local ? ` and ${local.version} (this machine's)` : ''}; ${opts.warmup} warm-up + ${opts.runs} timed rounds, interleaved\n`,
    );
    for (let round = 0; round < total; round++) {
      // Alternate the order each round so neither side always runs first.
      const order = round % 2 === 0 ? runners : [...runners].reverse();
      for (const r of order) {
        const { ms, code } = await r.run();
        if (code !== (r.exit ?? 0)) {
          problems.push(`${r.into.name}: exit ${code} in round ${round + 1} on ${r.list === 'times' ? runnerVersion : local.version}`);
          return finish();
        }
        if (round >= opts.warmup) r.into[r.list].push(ms);
      }
    }
    return finish();

    function finish() {
      const bareMedian = bare.times.length ? quantile(bare.times, 0.5) : NaN;
      const localColumn = local ? `on ${local.version}: x bare` : 'on this machine';
      const localRatio = (times) => (local && times.length ? spread(pairedRatio(times, bare.localTimes)) : '-');
      const rows = [
        ['case', 'median ms', 'p90 ms', 'x bare (p10–p90)', localColumn, 'API calls', 'size KB', 'index.js KB', 'target', 'met'],
      ];
      rows.push([
        bare.name,
        bareMedian.toFixed(1),
        quantile(bare.times, 0.9)?.toFixed(1) ?? '-',
        '1.00',
        local ? `(${quantile(bare.localTimes, 0.5).toFixed(1)} ms)` : '-',
        '-',
        '-',
        '-',
        '-',
        '',
      ]);
      const peerRows = [];
      let missed = 0;
      const verdict = (ok) => (opts.runs < MIN_RUNS ? `(n<${MIN_RUNS})` : ok ? 'yes' : 'NO');
      for (const c of ready) {
        if (!c.times.length) continue;
        const ratio = pairedRatio(c.times, bare.times);
        const size = bundleSizeKB(c.action);
        const measured = [
          c.name,
          quantile(c.times, 0.5).toFixed(1),
          quantile(c.times, 0.9).toFixed(1),
          spread(ratio),
          localRatio(c.localTimes),
          String(c.requests),
          size.total?.toFixed(1) ?? '-',
          size.entry?.toFixed(1) ?? '-',
        ];
        if (!c.target) {
          rows.push([...measured, 'reported only', '']);
          continue;
        }
        const okRatio = ratio.median <= c.target.ratio;
        const okSize = size.total !== undefined && size.total <= c.target.sizeKB;
        if (opts.runs >= MIN_RUNS && !(okRatio && okSize)) missed++;
        rows.push([
          ...measured,
          `x bare ≤ ${c.target.ratio.toFixed(1)}, size ≤ ${c.target.sizeKB} KB`,
          okRatio && okSize ? verdict(true) : `${verdict(false)} (${[!okRatio && 'ratio', !okSize && 'size'].filter(Boolean).join(', ')})`,
        ]);
        if (c.peerRun?.times.length) {
          const vsPeer = pairedRatio(c.times, c.peerRun.times);
          const ok = vsPeer.median <= c.target.peerRatio;
          if (opts.runs >= MIN_RUNS && !ok) missed++;
          peerRows.push([
            c.name,
            `${quantile(c.times, 0.5).toFixed(1)} / ${quantile(c.peerRun.times, 0.5).toFixed(1)}`,
            `${c.requests} / ${c.peerRun.requests}`,
            spread(vsPeer),
            local && c.peerRun.localTimes.length ? spread(pairedRatio(c.localTimes, c.peerRun.localTimes)) : '-',
            spread(pairedRatio(c.peerRun.times, bare.times)),
            `≤ ${c.target.peerRatio.toFixed(2)}`,
            verdict(ok),
          ]);
        }
      }
      console.log(table(rows));
      console.log(
        `\n${opts.runs} timed runs per case after ${opts.warmup} warm-up round(s), each on node ${runnerVersion}, the runner's (judged)${local ? `, and on ${local.version}, this machine's (reported)` : ''};\nx bare = median of the per-round ratios to bare node on the same binary (p10–p90 of them in brackets); API calls = requests one run made to the loopback GitHub API (token set, as the\naction.yml default gives); size = all .js in dist/<action>/ (lazy chunks included; the target applies to it), index.js = what loads at start.`,
      );
      if (peerRows.length) {
        console.log('');
        console.log(
          table([
            [
              'image-tags beside docker/metadata-action v6.2.0, same inputs',
              'median ms (ours / peer)',
              'API calls',
              'ours / peer',
              local ? `on ${local.version}` : 'on this machine',
              'peer x bare',
              'target',
              'met',
            ],
            ...peerRows,
          ]),
        );
        console.log(
          `\nSame inputs, same event payload, same token and loopback API, the same node (metadata-action's action.yml also says node24); the outputs (tags, labels) were checked equal first.`,
        );
      }
      const archive = archiveSizeKB();
      console.log(
        `\nRepository archive a \`uses:\` downloads (git archive HEAD, gzip): ${archive === undefined ? 'not measured (no git)' : `${(archive / 1024).toFixed(2)} MB`}`,
      );
      for (const n of notes) console.log(`note: ${n}`);
      for (const p of problems) console.error(`bench: ${p}`);
      if (problems.length) return 1;
      if (missed && opts.check) return 1;
      return 0;
    }
  } finally {
    await api.close();
    rmSync(temp, { recursive: true, force: true });
  }
}

// Transfer benchmarks against real local services (registry, moto), after the cold-start table;
// each module exports run({ rounds }) → { rows, problems, rounds } and print(result).
const TRANSFER = [
  {
    name: 'push-artifacts transfer',
    load: async () => {
      const m = await import('./push-artifacts.mjs');
      return { run: m.benchPushArtifacts, print: m.printTransferTable };
    },
  },
  {
    name: 'gitops-dispatch requests',
    load: async () => {
      const m = await import('./gitops-dispatch.mjs');
      return { run: m.benchGitopsDispatch, print: m.printGitopsTable };
    },
  },
  {
    name: 'migrate-job watch',
    load: async () => {
      const m = await import('./migrate-job.mjs');
      return { run: m.benchMigrateJob, print: m.printMigrateJobTable };
    },
  },
  {
    name: 'release under act',
    load: async () => {
      const m = await import('./release.mjs');
      return { run: m.benchRelease, print: m.printReleaseTable };
    },
  },
];

try {
  const opts = parseArgs(process.argv.slice(2));
  const selected = (name, action) => opts.filters.length === 0 || opts.filters.some((f) => name.includes(f) || action === f);
  const cold = CASES.some((c) => selected(c.name, c.action));
  // The runner's node (the cold starts) and the peers and services the transfer benchmarks run (skopeo,
  // awscli, kubectl, crane, the test services), installed on first use as npm test installs its tools.
  const transfer = TRANSFER.some((t) => selected(t.name, t.name.split(' ')[0]));
  if ((cold || transfer) && process.env.DEPLOY_KIT_SKIP_TOOLS !== '1') {
    const install = spawnSync('bash', [join(ROOT, '.ci', 'install-tools'), ...(transfer ? ['tests', 'bench'] : ['node24'])], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (install.status !== 0) throw new Error("the benchmarks' tools could not be installed (see above)");
  }
  // Every bundle runs on the runner's node 24 (the action-tests' harness and each bench read this).
  if (!process.env.DEPLOY_KIT_ACTION_NODE) {
    process.env.DEPLOY_KIT_ACTION_NODE = (await import(join(ROOT, 'action-tests/lib/services.mjs'))).runnerNode();
  }
  process.exitCode = cold ? await main() : 0;
  for (const t of TRANSFER.filter((t) => selected(t.name, t.name.split(' ')[0]))) {
    const bench = await t.load();
    const result = await bench.run({ rounds: 3, profile: true });
    console.log('');
    bench.print(result);
    for (const p of result.problems) console.error(`bench: ${t.name}: ${p}`);
    if (result.problems.length) process.exitCode = 1;
    else if (opts.check && result.rows.some((r) => r[4] === 'NO')) process.exitCode = 1;
  }
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exitCode = 2;
}
