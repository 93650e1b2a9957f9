// The whole release of one tag under act, and deploy-kit's share of it: the staging example caller
// (examples/.github/workflows/staging.yml → release.yml → release composite) for a fresh rc tag per
// round, against the local services of action-tests/release-workflows-act.test.ts (registry, moto,
// Kubernetes API server with a fake node, GitHub API fake). act prints each step's duration; the
// table splits the wall time into deploy-kit's steps, the other steps (checkout, the Go build, the
// stand-ins for setup-go and configure-aws-credentials) and act's own overhead (job set-up, planning,
// copying actions). Nothing here is pass/fail: the figures are shares of one run, measured side by side.
//
// Usage: node bench/release.mjs [--rounds N]
import { fileURLToPath } from 'node:url';
import { printTable } from './table.mjs';

/** Go's time.Duration text (act prints it) → ms. */
export function parseGoDuration(text) {
  let ms = 0;
  for (const m of text.matchAll(/([0-9.]+)(h|ms|µs|us|ns|m|s)/g)) {
    const n = Number(m[1]);
    ms += n * { h: 3_600_000, m: 60_000, s: 1000, ms: 1, µs: 1e-3, us: 1e-3, ns: 1e-6 }[m[2]];
  }
  return ms;
}

/** Step durations from act's output: [{job, step, ms}] for every `Success|Failure - Main …` line. */
export function stepDurations(output) {
  const steps = [];
  for (const m of output.matchAll(/^\[([^\]]+?)\s*\]\s+(?:✅|❌)\s+(?:Success|Failure) - (Main|Pre|Post) (.+?) \[([^\]]+)\]$/gm)) {
    steps.push({ job: m[1], phase: m[2], step: m[3], ms: parseGoDuration(m[4]) });
  }
  return steps;
}

// The composite's own steps that run deploy-kit code (bundles, the gate, the migration-image helper).
const OURS = new Set([
  'parse-version',
  'image-tags',
  'release gate',
  'push-artifacts',
  'migration image',
  'migrate-job',
  'gitops-dispatch',
]);

/** Splits one run: deploy-kit steps (by name), other steps, act overhead. */
export function shareOfRun(output, wallMs) {
  const steps = stepDurations(output);
  const composite = steps.filter((s) => s.phase === 'Main' && s.step === './.deploy-kit/release');
  const planParse = steps.filter((s) => s.phase === 'Main' && s.step === './.deploy-kit/parse-version');
  // Sub-steps of the composite appear under the same job with their `name:`.
  const inner = steps.filter((s) => s.phase === 'Main' && OURS.has(s.step));
  const byName = {};
  for (const s of [...planParse.map((s) => ({ ...s, step: 'parse-version (plan job)' })), ...inner])
    byName[s.step] = (byName[s.step] ?? 0) + s.ms;
  const compositeMs = composite.reduce((a, s) => a + s.ms, 0);
  const innerMs = inner.reduce((a, s) => a + s.ms, 0);
  const oursMs = planParse.reduce((a, s) => a + s.ms, 0) + compositeMs;
  // Top-level steps only: the sub-steps of our composite and of the stand-ins' composites (checkout.sh,
  // the setup-go and configure-aws-credentials echo lines) are inside their action's own time.
  const standinInner = /^(bash "\$GITHUB_ACTION_PATH\/checkout\.sh"|echo "(setup-go|configure-aws-credentials) )/;
  const topLevel = steps.filter((s) => !OURS.has(s.step) && !standinInner.test(s.step));
  const otherMs = topLevel.filter((s) => !s.step.startsWith('./.deploy-kit/')).reduce((a, s) => a + s.ms, 0);
  return {
    wallMs,
    oursMs,
    byName,
    compositeOverheadMs: Math.max(0, compositeMs - innerMs),
    otherMs,
    actMs: Math.max(0, wallMs - oursMs - otherMs),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

export async function benchRelease({ rounds = 3 } = {}) {
  const { startReleaseE2E, reportedOutputs } = await import('../action-tests/lib/release-e2e.mjs');
  const env = await startReleaseE2E();
  const problems = [];
  const results = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const tag = `v2.0.${i}-rc.1`;
      env.tag(tag);
      const run = await env.run('staging.yml', { ref: `refs/tags/${tag}` });
      if (run.exitCode !== 0 || reportedOutputs(run.output).result !== 'success') {
        problems.push(`round ${i + 1} (${tag}) failed under act: ${run.output.split('\n').slice(-15).join('\n')}`);
        break;
      }
      results.push(shareOfRun(run.output, run.wallMs));
    }
  } finally {
    await env.close();
  }
  const m = (f) => median(results.map(f));
  const wall = m((r) => r.wallMs);
  const pct = (ms) => `${((100 * ms) / wall).toFixed(0)}%`;
  const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const names = [...new Set(results.flatMap((r) => Object.keys(r.byName)))];
  const rows = [
    ['act run of staging.yml for one rc tag (wall)', sec(wall), '100%', '-', '-'],
    ['  deploy-kit steps', sec(m((r) => r.oursMs)), pct(m((r) => r.oursMs)), '-', '-'],
    ...names.map((n) => [`    ${n}`, sec(m((r) => r.byName[n] ?? 0)), pct(m((r) => r.byName[n] ?? 0)), '-', '-']),
    ['    composite glue (runner between steps)', sec(m((r) => r.compositeOverheadMs)), pct(m((r) => r.compositeOverheadMs)), '-', '-'],
    [
      '  other steps (checkout, make build-pipeline-ms, setup-go/aws stand-ins, report)',
      sec(m((r) => r.otherMs)),
      pct(m((r) => r.otherMs)),
      '-',
      '-',
    ],
    ['  act itself (job set-up, planning, action copies)', sec(m((r) => r.actMs)), pct(m((r) => r.actMs)), '-', '-'],
  ];
  return { rows, problems, rounds: results.length };
}

export function printReleaseTable({ rows, rounds }) {
  printTable(['release under act (one tag)', 'median', 'share', 'target', 'met'], rows);
  console.log(
    `\n${rounds} round(s), one fresh rc tag each; medians per row (so rows need not add up exactly). gitops-dispatch's time is` +
      ' mostly waiting for the GitOps run it follows (the fake completes it in 0.2 s; looks at 1 s, 2 s, 4 s … up to poll-interval),' +
      " migrate-job's is the Job's own run on the fake node.",
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 3;
  const result = await benchRelease({ rounds });
  printReleaseTable(result);
  for (const p of result.problems) console.error(`bench: ${p}`);
  process.exitCode = result.problems.length ? 1 : 0;
}
