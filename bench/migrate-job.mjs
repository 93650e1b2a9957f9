// migrate-job (backend: kubernetes) against a real control plane on 127.0.0.1 (etcd, kube-apiserver,
// kube-controller-manager from .ci/install-tools; the FakeNode of action-tests plays the kubelet):
//
//   reaction     delay from the Job reaching its terminal condition on the API server to the step's exit:
//                our bundle vs `kubectl wait --for=condition=complete`, started on the same Job in the same
//                round (target ratio ≤ 1.0)
//   failed Job   the same for a Job that fails: ours returns at once; kubectl wait only gives up at its
//                --timeout (it cannot wait for Complete OR Failed)
//   requests     API requests our step makes while waiting (lists + watches + log streams): constant, however
//                long the Job runs (target: one watch per resource, no polling)
//
// The terminal moment is taken by the bench itself, through its own watch on the Job (so it hears of the
// condition as early as the two waiters). Run by bench/run.mjs (`npm run bench`) or alone: node bench/migrate-job.mjs [--rounds N] [--check]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request as httpsRequest } from 'node:https';
import { printTable } from './table.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const KUBECTL_FAIL_TIMEOUT_S = 8;
let ADMIN = '';

function program(argv) {
  const [, scenario] = argv;
  if (scenario === 'fail') return { lines: ['migrate: error: duplicate column'], lineDelayMs: 300, exitCode: 3 };
  return { lines: ['migrate: 1/u create_users', 'migrate: 2/u add_name', 'migrate: done'], lineDelayMs: 400, exitCode: 0 };
}

/**
 * Exit times are taken the same way for both sides: a shell wrapper writes `date +%s%3N` (ms since the epoch)
 * when the program exits, so neither side pays for the other's bookkeeping (the harness parses output files
 * after our process exits; that must not count).
 */
function wrapper(dir, name, command) {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${command ? `"${command}" ` : ''}"$@"\nrc=$?\ndate +%s%3N > "$EXIT_MARKER"\nexit $rc\n`);
  chmodSync(path, 0o755);
  return path;
}
const readMarker = (path) => Number(readFileSync(path, 'utf8').trim());

function runWrapped(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('close', (code) => resolve(code));
    child.on('error', () => resolve(-1));
  });
}

/**
 * The moment the API server reports the Job's terminal condition, seen through a watch of its own (so it
 * learns of it exactly as fast as the two waiters do). Resolves with performance.now() at that event.
 */
function terminalAt(cluster, ns, name, type, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${name} never reached ${type}`));
    }, timeoutMs);
    const req = httpsRequest(
      `${cluster.server}/apis/batch/v1/namespaces/${ns}/jobs?watch=1&fieldSelector=metadata.name%3D${name}`,
      { rejectUnauthorized: false, headers: { Authorization: `Bearer ${ADMIN}` } },
      (res) => {
        let buffer = '';
        res.on('data', (chunk) => {
          buffer += chunk;
          let i;
          while ((i = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, i);
            buffer = buffer.slice(i + 1);
            const job = line.trim() ? JSON.parse(line).object : undefined;
            if (
              (job?.status?.conditions ?? []).some(
                (c) => c.status === 'True' && (c.type === type || (type === 'Failed' && c.type === 'FailureTarget')),
              )
            ) {
              const at = Date.now();
              clearTimeout(timer);
              req.destroy();
              resolve(at);
              return;
            }
          }
        });
      },
    );
    req.on('error', () => undefined);
    req.end();
  });
}

export async function benchMigrateJob({ rounds = 3 } = {}) {
  const { startCluster, FakeNode, ADMIN_TOKEN, toolBinary, waitFor } = await import('../action-tests/lib/kube-cluster.mjs');
  const { runAction } = await import('../action-tests/lib/runner.mjs');
  const problems = [];
  const rows = [];
  const cluster = await startCluster();
  const workspace = mkdtempSync(join(tmpdir(), 'mj-bench-'));
  let node;
  try {
    const ns = 'bench';
    await cluster.createNamespace(ns);
    node = new FakeNode(cluster, ns, { program });
    await node.start();
    const kubeconfig = cluster.writeKubeconfig('bench.kubeconfig', ADMIN_TOKEN, ns);
    ADMIN = ADMIN_TOKEN;
    const kubectl = toolBinary('kubectl');
    const env = { ...process.env, KUBECONFIG: kubeconfig };
    const nodeWrapper = wrapper(workspace, 'node-wrapper.sh', process.env.DEPLOY_KIT_ACTION_NODE || process.execPath);
    const kubectlWrapper = wrapper(workspace, 'kubectl-wrapper.sh', kubectl);
    const image = `127.0.0.1:5000/bench@sha256:${'7'.repeat(64)}`;
    const result = { ours: [], kubectl: [], failOurs: [], failKubectl: [], requests: [], oursFirst: 0 };
    for (let round = 0; round < rounds; round++) {
      for (const scenario of ['up', 'fail']) {
        const tag = `v0.${round}.${scenario === 'up' ? 0 : 1}`;
        const name = `bench-migrate-${tag.replace(/\./g, '-')}`;
        const oursMarker = join(workspace, `${name}.ours`);
        const peerMarker = join(workspace, `${name}.kubectl`);
        const ours = runAction('migrate-job', {
          inputs: { backend: 'kubernetes', release: 'bench', tag, image, command: '/app/migrate', args: scenario, timeout: '2m' },
          env: { KUBECONFIG: kubeconfig, EXIT_MARKER: oursMarker },
          cwd: workspace,
          debug: true,
          node: nodeWrapper,
          timeoutMs: 120_000,
        }).then((r) => ({ at: readMarker(oursMarker), r }));
        await waitFor(
          `job ${name}`,
          30_000,
          async () => (await cluster.api('GET', `/apis/batch/v1/namespaces/${ns}/jobs/${name}`)).status === 200,
        );
        const terminalPromise = terminalAt(cluster, ns, name, scenario === 'up' ? 'Complete' : 'Failed', 60_000);
        const peer = runWrapped(
          kubectlWrapper,
          ['wait', '--for=condition=complete', `job/${name}`, '-n', ns, `--timeout=${scenario === 'up' ? 60 : KUBECTL_FAIL_TIMEOUT_S}s`],
          { ...env, EXIT_MARKER: peerMarker },
        ).then((code) => ({ at: readMarker(peerMarker), code }));
        const terminal = await terminalPromise;
        const [o, k] = await Promise.all([ours, peer]);
        const wantExit = scenario === 'up' ? 0 : 1;
        if (o.r.exitCode !== wantExit)
          problems.push(`${name}: our step exited ${o.r.exitCode}, expected ${wantExit}: ${o.r.errors.join(' ')}`);
        if (scenario === 'up') {
          // Signed: ours can finish before Complete is written, since it acts on SuccessCriteriaMet, which the
          // Job controller sets first (Kubernetes ≥ 1.31); kubectl wait needs Complete itself.
          result.ours.push(o.at - terminal);
          result.kubectl.push(k.at - terminal);
          if (o.at <= k.at) result.oursFirst++;
        } else {
          result.failOurs.push(Math.max(0, o.at - terminal));
          result.failKubectl.push(Math.max(0, k.at - terminal));
        }
        const stats = /watch stats: (\{.*\})/.exec(o.r.log)?.[1];
        if (stats) {
          const s = JSON.parse(stats);
          const count = s.lists + s.watches + 1; // + the one follow log stream
          result.requests.push(count);
        } else problems.push(`${name}: no watch stats in the debug log`);
      }
    }
    const ratio = Math.max(0, median(result.ours)) / Math.max(1, median(result.kubectl));
    rows.push([
      'reaction to Complete (ms after the condition)',
      `${median(result.ours).toFixed(0)} / ${median(result.kubectl).toFixed(0)}`,
      ratio.toFixed(2),
      '≤ 1.0',
      ratio <= 1.0 ? 'yes' : 'NO',
    ]);
    // Not a target: where the Job controller writes SuccessCriteriaMet and Complete within a few ms of each other,
    // node's own exit (~7-9 ms here, threads joined and the address space torn down) loses to a Go binary's (~1-2 ms).
    rows.push(['rounds where ours finished first', `${result.oursFirst} of ${result.ours.length}`, '—', '—', '—']);
    const spread = (xs) => `${Math.min(...xs).toFixed(0)}…${Math.max(...xs).toFixed(0)}`;
    rows.push(['  per round, min…max (ms after Complete)', `${spread(result.ours)} / ${spread(result.kubectl)}`, '—', '—', '—']);
    const failRatio = median(result.failOurs) / Math.max(1, median(result.failKubectl));
    rows.push([
      `reaction to Failed (kubectl --timeout=${KUBECTL_FAIL_TIMEOUT_S}s)`,
      `${median(result.failOurs).toFixed(0)} / ${median(result.failKubectl).toFixed(0)}`,
      failRatio.toFixed(2),
      '≤ 1.0',
      failRatio <= 1.0 ? 'yes' : 'NO',
    ]);
    rows.push([
      'API requests while waiting (ours)',
      `${median(result.requests)} per run, however long it runs`,
      '—',
      '3 lists + 3 watches + 1 log stream',
      median(result.requests) <= 7 ? 'yes' : 'NO',
    ]);
    return { rows, problems, rounds };
  } finally {
    await node?.stop();
    await cluster.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

export function printMigrateJobTable({ rows, rounds }) {
  printTable(['migrate-job (kubernetes)', 'median (ours / kubectl wait)', 'ratio', 'target', 'met'], rows);
  console.log(`\n${rounds} round(s); etcd + kube-apiserver + kube-controller-manager on 127.0.0.1; both waiters started on the same Job.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 3;
  const result = await benchMigrateJob({ rounds });
  printMigrateJobTable(result);
  for (const p of result.problems) console.error(`bench: ${p}`);
  process.exitCode = result.problems.length ? 1 : args.includes('--check') && result.rows.some((r) => r[4] === 'NO') ? 1 : 0;
}
