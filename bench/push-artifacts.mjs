// push-artifacts transfer benchmarks, side by side in one run against local services (127.0.0.1):
//
//   image push   a ~200 MB, 4-layer OCI image to a fresh CNCF registry: our bundle (action.yml defaults)
//                vs `crane push` (go-containerregistry, the fastest peer; target ratio ≤ 1.0) and vs
//                `skopeo copy`, a re-push when every blob exists (target < 10 % of the first push), and
//                the peak RSS of our push (target < 150 MB, read with CPU from one more push per round).
//                Those push anonymously, as crane does; reported beside them, the push and re-push on
//                action.yml's default login (`registry-auth: ecr`: GetAuthorizationToken and
//                DescribeRepositories from moto through the AWS SDK, to a registry that wants the token).
//                Reported beside them: the floor of any push from Node (bench/node-upload-floor.mjs:
//                the layers alone from a bare script, unhashed; crane sends files with sendfile and
//                hashes nothing, Node reads each byte in and writes it out), and both pushes with the
//                registry pinned to its own core, as a remote registry takes none of the runner's.
//   S3 upload    ~300 MB in ~200 files (1 KB–50 MB) to moto: our bundle vs `aws s3 cp --recursive`
//                (awscli from .ci/install-tools; target ratio ≤ 0.8)
//
// Our bundle and the floor script run on the runner's node 24 (DEPLOY_KIT_ACTION_NODE, .ci/install-tools).
// Times are wall clock, spawn to exit, interleaved rounds (each round a fresh registry / S3 prefix, so
// no run benefits from another's blobs); a ratio is the median of the per-round pairs, with the
// lowest and highest pair in brackets. Run by bench/run.mjs (`npm run bench`) or alone:
//   node bench/push-artifacts.mjs [--rounds N] [--only image|s3] [--chunk-size 8MiB] [--s3-inputs '{"s3-concurrency":"16"}'] [--profile] [--check]
// --profile adds one profiled push (and S3 upload) and prints its main thread's CPU by phase (read, hash, compress, send).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable } from './table.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1024 * 1024;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
/** Per-round ratios a[i] / b[i]: the median, and the lowest and highest, as text. */
function paired(a, b) {
  const r = a.map((x, i) => x / b[i]).sort((x, y) => x - y);
  return { median: median(r), text: `${median(r).toFixed(2)} (${r[0].toFixed(2)}–${r.at(-1).toFixed(2)})` };
}

/**
 * Runs a peer: `ms` spawn to exit, and `cpu` (user + system, every thread) from bash's `times` after
 * it; `cpus` pins it (taskset) when given.
 */
function timed(command, args, env, { cpus } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const script = '"$@"; rc=$?; times >&2; exit $rc';
    const argv = ['-c', script, 'bench', ...(cpus ? ['taskset', '-c', cpus] : []), command, ...args];
    const child = spawn('bash', argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err.trim()}`));
      // `times` prints the shell's own line, then its children's: `0m0.012s 0m0.020s`.
      const children = err.trim().split('\n').at(-1) ?? '';
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve({ ms, cpu: secs.length === 2 ? (secs[0] + secs[1]) * 1000 : NaN });
    });
  });
}

/** CPU (user + system) a process has used so far, in ms (Linux /proc; NaN elsewhere). */
function cpuOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** Pins every thread of a running process to `cpus` (taskset); false when it cannot. */
function pin(pid, cpus) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A preload (`node --import`) that writes the process's CPU (user + system) and peak RSS as it exits
 * and, when DK_BENCH_PROFILE is set, a sampling CPU profile of its main thread (the inspector's
 * profiler: --cpu-prof is refused in NODE_OPTIONS). `read()` and `readProfile()` return the last ones.
 */
function usageProbe(dir, name) {
  const usageFile = join(dir, `${name}.usage.json`);
  const profileFile = join(dir, `${name}.cpuprofile`);
  const preload = join(dir, `${name}.preload.mjs`);
  writeFileSync(
    preload,
    [
      `import { writeFileSync } from 'node:fs';`,
      // Only what a run asks for is loaded, so the probe adds little to the process it measures.
      // The pinned rows: every thread of this process on the cores named (taskset, as for crane).
      `if (process.env.DK_BENCH_TASKSET) (await import('node:child_process')).execFileSync('taskset', ['-a', '-p', '-c', process.env.DK_BENCH_TASKSET, String(process.pid)], { stdio: 'ignore' });`,
      `const session = process.env.DK_BENCH_PROFILE ? new (await import('node:inspector')).Session() : undefined;`,
      `if (session) { session.connect(); session.post('Profiler.enable'); session.post('Profiler.setSamplingInterval', { interval: 200 }); session.post('Profiler.start'); }`,
      `process.on('exit', () => {`,
      `  const u = process.resourceUsage();`,
      `  writeFileSync(${JSON.stringify(usageFile)}, JSON.stringify({ rss: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 }));`,
      `  session?.post('Profiler.stop', (error, result) => { if (!error) writeFileSync(${JSON.stringify(profileFile)}, JSON.stringify(result.profile)); });`,
      `});`,
      '',
    ].join('\n'),
  );
  return {
    nodeOptions: `--import ${preload}`,
    read: () => JSON.parse(readFileSync(usageFile, 'utf8')),
    readProfile: () => JSON.parse(readFileSync(profileFile, 'utf8')),
  };
}

/** Deterministic file sizes: four 50 MB files, the rest log-uniform 1 KB–4 MB, ~300 MB in 200 files. */
function s3Sizes() {
  const sizes = [50 * MB, 50 * MB, 50 * MB, 50 * MB];
  let x = 12345;
  const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  while (sizes.length < 200) sizes.push(Math.round(1024 * Math.exp(rand() * Math.log(4096))));
  return sizes;
}

export async function benchPushArtifacts({
  rounds = 3,
  only,
  chunkSize,
  s3Inputs = {},
  profile = false,
  log = (m) => process.stderr.write(`${m}\n`),
} = {}) {
  let phases;
  let s3Phases;
  const harness = await import(join(ROOT, 'action-tests/lib/runner.mjs'));
  const services = await import(join(ROOT, 'action-tests/lib/services.mjs'));
  const images = await import(join(ROOT, 'action-tests/lib/oci-images.mjs'));
  const skopeoBin = services.toolPath('skopeo', 'skopeo');
  const craneBin = services.toolPath('crane', 'crane');
  const awsPython = services.toolPath('awscli', 'venv/bin/python');
  const work = mkdtempSync(join(tmpdir(), 'dk-bench-pa-'));
  const rows = [];
  const problems = [];
  const moto = await services.startMoto();
  try {
    // --- image push --------------------------------------------------------------------------------
    if (only !== 's3') {
      log('bench push-artifacts: building a 4-layer ~200 MB OCI image');
      const image = await images.makeOciLayout(join(work, 'image'), { layers: [50 * MB, 50 * MB, 50 * MB, 50 * MB], refName: 'latest' });
      rmSync(join(work, 'image.work'), { recursive: true, force: true });
      const pushProbe = usageProbe(work, 'push');
      const ours = [];
      const again = [];
      const peer = [];
      const crane = [];
      const rss = [];
      const cpu = [];
      const craneCpu = [];
      /** bench/node-upload-floor.mjs: the layers from a bare Node script, unhashed (what Node's I/O costs). */
      const floor = [];
      /** CPU the registry spent on each first push: [ours], [crane]. */
      const registryCpu = { ours: [], crane: [] };
      /** With the registry pinned to one core and the pusher to the other, as a remote registry takes none of the runner's. */
      const pinned = { ours: [], crane: [] };
      const canPin = availableParallelism() >= 2;
      // The timed pushes run as a runner runs them; the peak RSS and CPU come from one more push per
      // round, with the probe preloaded (it costs a few ms of start-up).
      const pushOurs = (registry, env = {}) =>
        harness.runAction('push-artifacts', {
          inputs: {
            images: `${registry.host}/bench/app:v1`,
            source: image.layout,
            'registry-auth': 'none',
            ...(chunkSize ? { 'chunk-size': chunkSize } : {}),
          },
          env,
          timeoutMs: 300_000,
        });
      const probed = (registry, env = {}) => pushOurs(registry, { NODE_OPTIONS: pushProbe.nodeOptions, ...env });
      const pushCrane = (registry, options) =>
        timed(
          craneBin,
          ['push', '--insecure', image.layout, `${registry.host}/bench/app:v1`],
          {
            PATH: process.env.PATH ?? '',
            HOME: mkdtempSync(join(work, 'crane-home-')),
          },
          options,
        );
      // action.yml's default login (`registry-auth: ecr`): ECR's GetAuthorizationToken and
      // DescribeRepositories from moto, the push to a registry that wants moto's token (as the
      // action-tests run it). crane and the rows above push anonymously, so these are reported beside.
      const ECR_PASSWORD = '123456789012-auth-token';
      const ecrEnv = {
        AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITBENCH',
        AWS_SECRET_ACCESS_KEY: 'deployKitBenchSecretKey0123456789abcdef',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: moto.url,
      };
      const created = await fetch(moto.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.CreateRepository',
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKIADEPLOYKITBENCH/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify({ repositoryName: 'bench/app' }),
        signal: AbortSignal.timeout(30_000),
      });
      if (!created.ok) throw new Error(`moto CreateRepository answered ${created.status}: ${await created.text()}`);
      const pushOursEcr = (registry) =>
        harness.runAction('push-artifacts', {
          inputs: { registry: registry.host, images: `${registry.host}/bench/app:v1`, source: image.layout },
          env: ecrEnv,
          secrets: [ECR_PASSWORD],
          timeoutMs: 300_000,
        });
      const withLogin = { first: [], again: [] };
      const orders = [
        ['ours', 'crane', 'floor', 'skopeo', 'ecr', 'pinned-ours', 'pinned-crane'],
        ['crane', 'ecr', 'skopeo', 'ours', 'floor', 'pinned-crane', 'pinned-ours'],
        ['floor', 'skopeo', 'ours', 'ecr', 'crane', 'pinned-ours', 'pinned-crane'],
      ];
      for (let round = 0; round < rounds; round++) {
        for (const who of orders[round % orders.length]) {
          if (who.startsWith('pinned') && !canPin) continue;
          const registry = await services.startRegistry(who === 'ecr' ? { auth: { user: 'AWS', password: ECR_PASSWORD } } : {});
          try {
            const before = cpuOf(registry.pid);
            if (who === 'ours') {
              const first = await pushOurs(registry);
              if (first.exitCode !== 0) throw new Error(`push-artifacts failed: ${first.errors[0] ?? first.stderr}`);
              if (JSON.parse(first.outputs.digests)[`${registry.host}/bench/app:v1`] !== image.digest)
                throw new Error('push-artifacts reported the wrong digest');
              ours.push(first.durationMs);
              registryCpu.ours.push(cpuOf(registry.pid) - before);
              const second = await pushOurs(registry);
              if (second.exitCode !== 0 || !/0 uploaded/.test(second.log))
                throw new Error(`re-push did not skip the blobs: ${second.errors[0] ?? second.log.slice(-500)}`);
              again.push(second.durationMs);
              const fresh = await services.startRegistry();
              try {
                const measured = await probed(fresh);
                if (measured.exitCode !== 0) throw new Error(`push-artifacts failed: ${measured.errors[0] ?? measured.stderr}`);
              } finally {
                await fresh.stop();
              }
              const usage = pushProbe.read();
              rss.push(usage.rss / 1024);
              cpu.push(usage.cpu);
            } else if (who === 'crane') {
              const took = await pushCrane(registry);
              crane.push(took.ms);
              craneCpu.push(took.cpu);
              registryCpu.crane.push(cpuOf(registry.pid) - before);
              const head = await fetch(`${registry.url}/v2/bench/app/manifests/v1`, {
                method: 'HEAD',
                headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
              });
              if (head.headers.get('docker-content-digest') !== image.digest) throw new Error('crane pushed another digest');
            } else if (who === 'ecr') {
              const first = await pushOursEcr(registry);
              if (first.exitCode !== 0) throw new Error(`push-artifacts (ECR login) failed: ${first.errors[0] ?? first.stderr}`);
              withLogin.first.push(first.durationMs);
              const second = await pushOursEcr(registry);
              if (second.exitCode !== 0 || !/0 uploaded/.test(second.log))
                throw new Error(`re-push (ECR login) did not skip the blobs: ${second.errors[0] ?? second.log.slice(-500)}`);
              withLogin.again.push(second.durationMs);
            } else if (who === 'floor') {
              const took = await timed(harness.actionNode(), [join(ROOT, 'bench/node-upload-floor.mjs'), registry.url, image.layout], {
                PATH: process.env.PATH ?? '',
              });
              floor.push(took.ms);
            } else if (who === 'pinned-ours') {
              if (!pin(registry.pid, '1')) continue;
              const took = await probed(registry, { DK_BENCH_TASKSET: '0' });
              if (took.exitCode !== 0) throw new Error(`pinned push-artifacts failed: ${took.errors[0] ?? took.stderr}`);
              pinned.ours.push(took.durationMs);
            } else if (who === 'pinned-crane') {
              if (!pin(registry.pid, '1')) continue;
              pinned.crane.push((await pushCrane(registry, { cpus: '0' })).ms);
            } else {
              const home = mkdtempSync(join(work, 'skopeo-home-'));
              peer.push(
                (
                  await timed(
                    skopeoBin,
                    ['copy', '--quiet', '--dest-tls-verify=false', `oci:${image.layout}:latest`, `docker://${registry.host}/bench/app:v1`],
                    { PATH: process.env.PATH ?? '', HOME: home },
                  )
                ).ms,
              );
              const raw = await timed(skopeoBin, ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/bench/app:v1`], {
                PATH: process.env.PATH ?? '',
                HOME: home,
              }).then(() => true);
              if (!raw) throw new Error('skopeo push not readable');
            }
          } finally {
            await registry.stop();
          }
        }
        log(
          `bench push-artifacts: image round ${round + 1}/${rounds}: ours ${ours.at(-1)?.toFixed(0)} ms (re-push ${again.at(-1)?.toFixed(0)} ms, ${rss.at(-1)?.toFixed(0)} MB RSS), crane ${crane.at(-1)?.toFixed(0)} ms, skopeo ${peer.at(-1)?.toFixed(0)} ms` +
            `; with the ECR login: ours ${withLogin.first.at(-1)?.toFixed(0)} ms (re-push ${withLogin.again.at(-1)?.toFixed(0)} ms)` +
            (pinned.ours.length
              ? `; registry pinned to its own core: ours ${pinned.ours.at(-1)?.toFixed(0)} ms, crane ${pinned.crane.at(-1)?.toFixed(0)} ms`
              : ''),
        );
      }
      const vsCrane = paired(ours, crane);
      const vsSkopeo = paired(ours, peer);
      const repush = paired(again, ours);
      rows.push([
        'image push 200 MB, 4 layers: ours / crane push',
        `${median(ours).toFixed(0)} ms / ${median(crane).toFixed(0)} ms`,
        vsCrane.text,
        '≤ 1.00',
        vsCrane.median <= 1 ? 'yes' : 'NO',
      ]);
      if (pinned.ours.length > 0 && pinned.ours.length === pinned.crane.length) {
        const vsPinned = paired(pinned.ours, pinned.crane);
        rows.push([
          'the same, registry pinned to its own core (taskset)',
          `${median(pinned.ours).toFixed(0)} ms / ${median(pinned.crane).toFixed(0)} ms`,
          vsPinned.text,
          '-',
          '',
        ]);
      }
      if (floor.length === crane.length) {
        const floorVsCrane = paired(floor, crane);
        rows.push([
          'its floor in Node: the layers alone, unhashed, from a bare script / crane',
          `${median(floor).toFixed(0)} ms / ${median(crane).toFixed(0)} ms`,
          floorVsCrane.text,
          '-',
          '',
        ]);
      }
      rows.push([
        'image push 200 MB: ours / skopeo copy',
        `${median(ours).toFixed(0)} ms / ${median(peer).toFixed(0)} ms`,
        vsSkopeo.text,
        '≤ 1.00',
        vsSkopeo.median <= 1 ? 'yes' : 'NO',
      ]);
      rows.push([
        're-push, all blobs there / first push',
        `${median(again).toFixed(0)} ms / ${median(ours).toFixed(0)} ms`,
        repush.text,
        '< 0.10',
        repush.median < 0.1 ? 'yes' : 'NO',
      ]);
      if (withLogin.first.length === crane.length) {
        const loginVsCrane = paired(withLogin.first, crane);
        const loginRepush = paired(withLogin.again, withLogin.first);
        rows.push([
          "the push on action.yml's default login (ECR token from moto) / crane push (no login)",
          `${median(withLogin.first).toFixed(0)} ms / ${median(crane).toFixed(0)} ms`,
          loginVsCrane.text,
          '-',
          '',
        ]);
        rows.push([
          're-push on the default login / first push on it',
          `${median(withLogin.again).toFixed(0)} ms / ${median(withLogin.first).toFixed(0)} ms`,
          loginRepush.text,
          '-',
          '',
        ]);
      }
      rows.push(['peak RSS of our push', `${Math.max(...rss).toFixed(0)} MB`, '-', '< 150 MB', Math.max(...rss) < 150 ? 'yes' : 'NO']);
      rows.push([
        'CPU of the push (user + system): ours / crane',
        `${median(cpu).toFixed(0)} ms / ${median(craneCpu).toFixed(0)} ms`,
        '-',
        '-',
        '',
      ]);
      rows.push([
        "the registry's CPU for that push: ours / crane's",
        `${median(registryCpu.ours).toFixed(0)} ms / ${median(registryCpu.crane).toFixed(0)} ms`,
        '-',
        '-',
        '',
      ]);
      if (profile) {
        const registry = await services.startRegistry();
        try {
          const r = await harness.runAction('push-artifacts', {
            inputs: { images: `${registry.host}/bench/app:v1`, source: image.layout, 'registry-auth': 'none' },
            env: { NODE_OPTIONS: pushProbe.nodeOptions, DK_BENCH_PROFILE: '1' },
            timeoutMs: 300_000,
          });
          if (r.exitCode !== 0) throw new Error(`profiled push failed: ${r.errors[0] ?? r.stderr}`);
          phases = cpuPhases(pushProbe.readProfile());
        } finally {
          await registry.stop();
        }
      }
      rmSync(join(work, 'image'), { recursive: true, force: true });
    }
    if (only === 'image') return { rows, problems, rounds, phases, s3Phases };

    // --- S3 upload ---------------------------------------------------------------------------------
    log('bench push-artifacts: writing ~300 MB in 200 files');
    const bins = join(work, 'bins');
    const sizes = s3Sizes();
    sizes.forEach((size, i) => {
      const dir = join(bins, i % 7 === 0 ? 'sub' : '');
      mkdirSync(dir, { recursive: true });
      const data = Buffer.allocUnsafe(size);
      let seed = createHash('sha256').update(String(i)).digest();
      for (let off = 0; off < size; off += seed.length) {
        seed.copy(data, off);
        if ((off / 32) % 4096 === 0) seed = createHash('sha256').update(seed).digest();
      }
      writeFileSync(join(dir, `bin_${String(i).padStart(3, '0')}`), data);
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    const bucket = 'bench-artifacts';
    const { S3Client, CreateBucketCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: moto.url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench-secret' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const awsEnv = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      AWS_ACCESS_KEY_ID: 'AKIABENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: moto.url,
    };
    const count = async (prefix) =>
      (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }))).KeyCount ?? 0;
    const oursS3 = [];
    const cpuS3 = [];
    const cli = [];
    const s3Probe = usageProbe(work, 's3');
    const uploadOurs = (prefix, env = {}) =>
      harness.runAction('push-artifacts', {
        inputs: { 's3-bucket': bucket, 's3-source': bins, tag: prefix, ...s3Inputs },
        env: { ...awsEnv, NODE_OPTIONS: s3Probe.nodeOptions, ...env },
        timeoutMs: 600_000,
      });
    for (let round = 0; round < rounds; round++) {
      for (const who of round % 2 === 0 ? ['ours', 'cli'] : ['cli', 'ours']) {
        const prefix = `${who}-${round}`;
        if (who === 'ours') {
          const r = await uploadOurs(prefix);
          if (r.exitCode !== 0) throw new Error(`push-artifacts S3 failed: ${r.errors[0] ?? r.stderr}`);
          oursS3.push(r.durationMs);
          cpuS3.push(s3Probe.read().cpu);
        } else {
          cli.push(
            (
              await timed(
                awsPython,
                [
                  '-m',
                  'awscli',
                  's3',
                  'cp',
                  bins,
                  `s3://${bucket}/${prefix}/`,
                  '--recursive',
                  '--only-show-errors',
                  '--endpoint-url',
                  moto.url,
                ],
                awsEnv,
              )
            ).ms,
          );
        }
        const n = await count(`${prefix}/`);
        if (n !== sizes.length) throw new Error(`${who}: ${n} objects under ${prefix}/, expected ${sizes.length}`);
      }
      log(
        `bench push-artifacts: S3 round ${round + 1}/${rounds}: ours ${oursS3.at(-1)?.toFixed(0)} ms, aws s3 cp ${cli.at(-1)?.toFixed(0)} ms`,
      );
    }
    const s3Ratio = paired(oursS3, cli);
    rows.push([
      `S3 upload ${(total / MB).toFixed(0)} MB in ${sizes.length} files: ours / aws s3 cp`,
      `${median(oursS3).toFixed(0)} ms / ${median(cli).toFixed(0)} ms`,
      s3Ratio.text,
      '≤ 0.80',
      s3Ratio.median <= 0.8 ? 'yes' : 'NO',
    ]);
    rows.push(['CPU of our S3 upload (user + system)', `${median(cpuS3).toFixed(0)} ms`, '-', '-', '']);
    if (profile) {
      const r = await uploadOurs('profiled', { DK_BENCH_PROFILE: '1' });
      if (r.exitCode !== 0) throw new Error(`profiled S3 upload failed: ${r.errors[0] ?? r.stderr}`);
      s3Phases = cpuPhases(s3Probe.readProfile());
    }
  } catch (error) {
    problems.push(error.message);
  } finally {
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return { rows, problems, rounds, phases, s3Phases };
}

/**
 * CPU of the main thread by phase, from a sampling profile: hash (SHA-256 updates), read (file reads),
 * compress (zlib), send (socket writes and HTTP), garbage collection, and the rest (loading the bundle,
 * parsing, the flow); idle is waiting (for the registry, the disk).
 */
export function cpuPhases(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const phaseOf = ({ functionName, url }) => {
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(garbage collector)') return 'gc';
    if (functionName === 'update' && /hash/.test(url)) return 'hash';
    if (/zlib|deflate|gzip/i.test(`${functionName} ${url}`)) return 'compress';
    if (/^(read|readFileHandle|fsCall|openFileHandle|fstat|close)$/.test(functionName) || /fs\/promises|node:fs/.test(url)) return 'read';
    if (/^(writeBuffer|writev|writeLatin1String|writeUtf8String)$/.test(functionName) || /_http_|node:net|stream_base/.test(url))
      return 'send';
    return 'other';
  };
  const ms = {};
  profile.samples.forEach((id, i) => {
    const phase = phaseOf(byId.get(id).callFrame);
    ms[phase] = (ms[phase] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return ms;
}

export function printTransferTable({ rows, rounds, phases, s3Phases }) {
  printTable(['push-artifacts transfer', 'median (ours / peer)', 'ratio (lowest–highest pair)', 'target', 'met'], rows);
  console.log(
    `\n${rounds} interleaved round(s) per side, each push to a fresh registry; local registry and moto on 127.0.0.1; wall clock spawn to exit;\nratio = median of the per-round pairs.`,
  );
  if (phases) {
    const order = ['read', 'hash', 'compress', 'send', 'gc', 'other', 'idle'];
    console.log(
      `\nCPU of one push's main thread by phase (sampling profile, ms): ${order.map((p) => `${p} ${(phases[p] ?? 0).toFixed(0)}`).join(', ')}`,
    );
  }
  if (s3Phases) {
    const order = ['read', 'hash', 'send', 'gc', 'other', 'idle'];
    console.log(
      `\nCPU of one S3 upload's main thread by phase (sampling profile, ms): ${order.map((p) => `${p} ${(s3Phases[p] ?? 0).toFixed(0)}`).join(', ')}`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 3;
  const value = (flag) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const s3Inputs = value('--s3-inputs') ? JSON.parse(value('--s3-inputs')) : {};
  // On the runner's node 24, as bench/run.mjs runs it (installed with the other tools).
  if (!process.env.DEPLOY_KIT_ACTION_NODE)
    process.env.DEPLOY_KIT_ACTION_NODE = (await import('../action-tests/lib/services.mjs')).runnerNode();
  const result = await benchPushArtifacts({
    rounds,
    only: value('--only'),
    chunkSize: value('--chunk-size'),
    s3Inputs,
    profile: args.includes('--profile'),
  });
  printTransferTable(result);
  for (const p of result.problems) console.error(`bench: ${p}`);
  const missed = result.rows.filter((r) => r[4] === 'NO').length;
  process.exitCode = result.problems.length ? 1 : args.includes('--check') && missed ? 1 : 0;
}
