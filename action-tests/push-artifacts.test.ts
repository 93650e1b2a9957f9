// push-artifacts, run from its bundle (dist/push-artifacts/index.js) exactly as the runner runs it,
// against real services started here on 127.0.0.1: moto's server (STS, ECR, S3) and the CNCF
// distribution registry with basic auth matching the ECR token moto issues, cross-checked with
// skopeo. Images are generated here from random bytes (OCI layouts, a two-platform index, a docker
// save archive, a > 10 MB layer for the chunked path). A fault-injecting proxy sits in front of both
// services for the retry tests. Tools come from .ci/install-tools.
//
// The local registry stands in for ECR's registry endpoint, so the tests name it in `registry`: the
// ECR login goes only to the ECR host GetAuthorizationToken issued it for, or to the loopback
// registry `registry` names (SECURITY.md); any other host, loopback ones included, gets no login.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { runComposite } from './composite.js';
import { expectFailure, expectSuccess, runAction, type RunActionOptions, type RunResult } from './harness.js';
import { makeDockerArchive, makeDockerOciArchive, makeOciArchive, makeOciLayout, type MadeLayout } from './lib/oci-images.mjs';
import { startEcrPublicShim } from './lib/ecr-public-shim.mjs';
import { freePort, skopeo, startFaultProxy, startMoto, startRegistry, toolPath, type FaultAction } from './lib/services.mjs';

const ACTION = 'push-artifacts';
const ACCOUNT = '123456789012';
const PASSWORD = `${ACCOUNT}-auth-token`; // what moto's GetAuthorizationToken issues
const TOKEN = Buffer.from(`AWS:${PASSWORD}`).toString('base64');
const SECRET_KEY = 'deployKitTestSecretKey0123456789abcdef';
const SECRETS = [PASSWORD, TOKEN, SECRET_KEY];
const REGION = 'us-east-1';
const ECR_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

type Service = { url: string; stop: () => Promise<void> };
let moto: Service & { port: number };
let registry: Service & { host: string; dir: string };
let work: string;
let multi: MadeLayout; // two platforms, one layer > 10 MB (chunked)
let single: MadeLayout;

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

function awsEnv(endpoint = moto.url): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITTEST', AWS_SECRET_ACCESS_KEY: SECRET_KEY, AWS_REGION: REGION, AWS_ENDPOINT_URL: endpoint };
}

function run(inputs: Record<string, string>, options: RunActionOptions = {}): Promise<RunResult> {
  return runAction(ACTION, { timeoutMs: 90_000, secrets: SECRETS, ...options, inputs, env: { ...awsEnv(), ...(options.env ?? {}) } });
}

/** Registry API GET with the test credentials (the manifest/blob as stored). */
async function registryGet(path: string, accept?: string): Promise<Response> {
  return fetch(`${registry.url}${path}`, {
    headers: { authorization: `Basic ${Buffer.from(`AWS:${PASSWORD}`).toString('base64')}`, ...(accept ? { accept } : {}) },
  });
}

const CREDS = ['--tls-verify=false', '--creds', `AWS:${PASSWORD}`];

async function inspectRaw(reference: string): Promise<string> {
  return skopeo(['inspect', '--raw', ...CREDS, `docker://${reference}`]);
}

/** Every blob of a layout is in `repository`, byte-identical (sha256 of what the registry serves). */
async function expectBlobsIdentical(repository: string, made: MadeLayout): Promise<void> {
  for (const digest of made.blobs) {
    const response = await registryGet(`/v2/${repository}/blobs/${digest}`);
    expect(response.status).toBe(200);
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(digest);
  }
}

/**
 * A stand-in `docker` CLI on PATH (there is no Docker engine here). It behaves as the real CLI does
 * with credentials: `login` stores the password in `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`), `push` reads it from there and has skopeo copy the OCI layout that the
 * local image name stands for (`STANDIN_IMAGES`: `name=layout` lines) to the registry with it,
 * printing docker's digest line. It records its arguments and every config it read.
 */
function makeDockerStandin(name: string) {
  const bin = join(work, name, 'bin');
  const state = join(work, name, 'state');
  mkdirSync(bin, { recursive: true });
  mkdirSync(state, { recursive: true });
  const config = `const fs=require('fs'),p=require('path');const dir=process.env.DOCKER_CONFIG||p.join(process.env.HOME,'.docker');const file=p.join(dir,'config.json');`;
  writeFileSync(
    join(bin, 'docker'),
    `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "${state}/argv"
case "$1" in
  info) echo 24.0.7 ;;
  login)
    STANDIN_PASSWORD="$(cat)" STANDIN_USER="$3" STANDIN_HOST="$5" node -e "${config}fs.mkdirSync(dir,{recursive:true});const c=fs.existsSync(file)?JSON.parse(fs.readFileSync(file,'utf8')):{};c.auths={...c.auths,[process.env.STANDIN_HOST]:{auth:Buffer.from(process.env.STANDIN_USER+':'+process.env.STANDIN_PASSWORD).toString('base64')}};fs.writeFileSync(file,JSON.stringify(c))"
    echo "Login Succeeded" ;;
  tag) echo "$3=$2" >> "${state}/tags" ;;
  push)
    creds="$(STANDIN_HOST="\${2%%/*}" STANDIN_STATE="${state}" node -e "${config}const c=JSON.parse(fs.readFileSync(file,'utf8'));fs.appendFileSync(p.join(process.env.STANDIN_STATE,'configs'),JSON.stringify({dir,mode:(fs.statSync(file).mode&0o777).toString(8),json:c})+'\\n');process.stdout.write(Buffer.from(c.auths[process.env.STANDIN_HOST].auth,'base64').toString())")"
    source_name="$(grep "^$2=" "${state}/tags" | tail -n 1 | cut -d= -f2)"
    layout="$(printf '%s\n' "$STANDIN_IMAGES" | grep "^$source_name=" | cut -d= -f2)"
    "$SKOPEO" copy --quiet --dest-tls-verify=false --dest-creds "$creds" --digestfile "${state}/digest" "oci:$layout" "docker://$2"
    echo "\${2##*:}: digest: $(cat "${state}/digest") size: 1234" ;;
  *) echo "unexpected docker $*" >&2; exit 2 ;;
esac
`,
  );
  chmodSync(join(bin, 'docker'), 0o755);
  const read = (file: string) => (existsSync(join(state, file)) ? readFileSync(join(state, file), 'utf8') : '');
  return {
    env: (images: string) => ({ PATH: `${bin}:${process.env.PATH}`, STANDIN_IMAGES: images, SKOPEO: toolPath('skopeo', 'skopeo') }),
    argv: () => read('argv'),
    configsSeen: () =>
      read('configs')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { dir: string; mode: string; json: unknown }),
  };
}

/** Files under `dirs` whose content contains any of `secrets`. */
function filesHolding(dirs: string[], secrets: string[]): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (info.isFile() && secrets.some((secret) => readFileSync(path, 'latin1').includes(secret))) found.push(path);
  };
  for (const dir of dirs) visit(dir);
  return found;
}

async function aws() {
  const [{ S3Client, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command }, ecr] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-ecr'),
  ]);
  const config = {
    region: REGION,
    endpoint: moto.url,
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIADEPLOYKITTEST', secretAccessKey: SECRET_KEY },
  };
  return {
    s3: new S3Client(config),
    ecr: new ecr.ECRClient(config),
    CreateBucketCommand,
    GetObjectCommand,
    HeadObjectCommand,
    ListObjectsV2Command,
    ecrLib: ecr,
  };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dk-push-artifacts-'));
  [moto, registry] = await Promise.all([startMoto(), startRegistry({ auth: { user: 'AWS', password: PASSWORD } })]);
  multi = await makeOciLayout(join(work, 'multi'), { layers: [300_000, 11 * 1024 * 1024], platforms: ['linux/amd64', 'linux/arm64'] });
  single = await makeOciLayout(join(work, 'single'), { layers: [2000, 50_000, 120_000] });
}, 120_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), registry?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('push over the registry API', () => {
  test('a two-platform index to two services: blobs once, mounts, an 11 MiB layer in one PATCH, digests verified with skopeo', async () => {
    const images = JSON.stringify({
      tag: 'v1.2.3',
      services: [
        {
          service: 'core',
          image: `${registry.host}/ms_core`,
          tags: [`${registry.host}/ms_core:v1.2.3`, `${registry.host}/ms_core:sha-abc1234`],
        },
        { service: 'chat', image: `${registry.host}/ms_chat`, tags: [`${registry.host}/ms_chat:v1.2.3`] },
      ],
    });
    const result = await run({ registry: registry.host, images, source: multi.layout, 'create-repositories': 'true' });
    expectSuccess(result);
    const digests = JSON.parse(result.outputs.digests!) as Record<string, string>;
    expect(digests).toEqual({
      [`${registry.host}/ms_core:v1.2.3`]: multi.digest,
      [`${registry.host}/ms_core:sha-abc1234`]: multi.digest,
      [`${registry.host}/ms_chat:v1.2.3`]: multi.digest,
    });
    expect(result.outputs.registry).toBe(registry.host);
    expect(result.outputs.images!.split('\n')).toEqual(Object.keys(digests));
    expect(result.json).toMatchObject({ registry: registry.host, digests, 'dry-run': false });
    // The index as skopeo reads it back hashes to the digest we report; both platforms resolve.
    const raw = await inspectRaw(`${registry.host}/ms_chat:v1.2.3`);
    expect(sha256(raw)).toBe(multi.digest);
    expect(JSON.parse(raw).manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual([
      'amd64',
      'arm64',
    ]);
    const arm = JSON.parse(
      await skopeo(['inspect', ...CREDS, '--override-arch', 'arm64', `docker://${registry.host}/ms_core:sha-abc1234`]),
    );
    expect(arm.Architecture).toBe('arm64');
    expect(arm.Layers).toEqual(multi.manifests[1]!.layers);
    await expectBlobsIdentical('ms_core', multi);
    await expectBlobsIdentical('ms_chat', multi);
    // The big layer (over 8 MiB) went in one streamed PATCH; ms_chat got every blob by cross-repository mount.
    expect(result.log).toMatch(/ms_core: uploaded sha256:\w+ \(11\.\d MiB\)\n/);
    expect(result.log).toMatch(/ms_chat: mounted sha256:\w+ \(11\.\d MiB\) from ms_core/);
    expect(result.log).toMatch(/ms_chat: .*blobs: 0 uploaded 0 B, 5 mounted/);
    expect(result.summary).toContain(`| ${registry.host}/ms_core:v1.2.3 | ${multi.digest} | pushed |`);
    // Login and the ECR token: masked before use, never in the output (the harness checks every secret).
    expect(result.masked).toEqual(expect.arrayContaining([PASSWORD, TOKEN]));
  });

  test('a re-push uploads nothing and leaves the tags as they are', async () => {
    const result = await run({ registry: registry.host, images: `${registry.host}/ms_core:v1.2.3`, source: multi.layout });
    expectSuccess(result);
    expect(result.log).toMatch(/blobs: 0 uploaded 0 B, 0 mounted, 5 already there/);
    expect(result.summary).toContain(`| ${registry.host}/ms_core:v1.2.3 | ${multi.digest} | already there |`);
  });

  test('a re-push without a login does not load node:crypto (the bench case: registry-auth none)', async () => {
    // The Node.js modules the step loaded, written as it exits. A re-push hashes only the layout's
    // documents (@noble/hashes), so node:crypto (6–9 ms to load on node 24) stays unloaded unless a
    // blob is sent or an AWS client signs a request (the ECR login does).
    const open = await startRegistry();
    const loaded = join(work, 're-push-modules.txt');
    const preload = join(work, 're-push-modules.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, process.moduleLoadList.join('\\n')));\n`,
    );
    try {
      const inputs = { images: `${open.host}/plain:v1`, source: multi.layout, 'registry-auth': 'none' };
      expectSuccess(await run(inputs));
      const again = await run(inputs, { env: { NODE_OPTIONS: `--require ${preload}` } });
      expectSuccess(again);
      expect(again.log).toMatch(/blobs: 0 uploaded 0 B, 0 mounted, 5 already there/);
      const modules = readFileSync(loaded, 'utf8').split('\n');
      expect(modules).toContain('NativeModule http');
      expect(modules.filter((m) => /^NativeModule (crypto|internal\/crypto\/)/.test(m))).toEqual([]);
    } finally {
      await open.stop();
    }
  });

  test('an OCI archive and a legacy docker save archive, per service through {service}', async () => {
    const dir = join(work, 'per-service');
    mkdirSync(dir, { recursive: true });
    const oci = await makeOciArchive(join(dir, 'payments.tar'), { layers: [5000, 7000] });
    const save = await makeDockerArchive(join(dir, 'auth.tar'), { layers: [3000, 9000], repoTag: 'auth:dev' });
    const result = await run(
      {
        registry: registry.host,
        images: `${registry.host}/ms_payments:v2\n${registry.host}/ms_auth:v2`,
        source: join(dir, '{service}.tar'),
        'create-repositories': 'true',
      },
      { env: {} },
    );
    // Plain references: the service is the repository's last component.
    expectFailure(result, /ms_payments\.tar does not exist/);
    // compress-layers: none pushes the docker save layers as they are (uncompressed tars).
    const ok = await run({
      registry: registry.host,
      images: `${registry.host}/payments:v2\n${registry.host}/auth:v2`,
      source: join(dir, '{service}.tar'),
      'create-repositories': 'true',
      'compress-layers': 'none',
    });
    expectSuccess(ok);
    const digests = JSON.parse(ok.outputs.digests!) as Record<string, string>;
    expect(digests[`${registry.host}/payments:v2`]).toBe(oci.digest);
    const authManifest = await inspectRaw(`${registry.host}/auth:v2`);
    expect(sha256(authManifest)).toBe(digests[`${registry.host}/auth:v2`]);
    const parsed = JSON.parse(authManifest) as { config: { digest: string }; layers: Array<{ digest: string; mediaType: string }> };
    expect(parsed.config.digest).toBe(save.config);
    expect(parsed.layers.map((l) => l.digest)).toEqual(save.layers.map((l) => l.digest));
    expect(parsed.layers.map((l) => l.mediaType)).toEqual([
      'application/vnd.oci.image.layer.v1.tar',
      'application/vnd.oci.image.layer.v1.tar',
    ]);
    const config = JSON.parse(await skopeo(['inspect', ...CREDS, `docker://${registry.host}/auth:v2`]));
    expect(config.Layers).toEqual(save.layers.map((l) => l.digest));
    expect(ok.log).not.toMatch(/compressed/);
    expect(ok.summary).not.toMatch(/Layers compressed/);
  });

  test('dry-run checks the login and the source, and pushes nothing', async () => {
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/ms_dry:v1`,
      source: single.layout,
      'create-repositories': 'true',
      'dry-run': 'true',
    });
    expectSuccess(result);
    expect(result.log).toContain('[dry-run] would create ECR repository ms_dry');
    expect(result.log).toContain(`[dry-run] would push ${single.digest}`);
    expect(result.summary).toMatch(/Dry run/);
    expect(result.summary).toContain('would push');
    expect((await registryGet(`/v2/ms_dry/manifests/v1`)).status).toBe(404);
    const { ecr, ecrLib } = await aws();
    await expect(ecr.send(new ecrLib.DescribeRepositoriesCommand({ repositoryNames: ['ms_dry'] }))).rejects.toThrow(
      /does not exist|not found/i,
    );
  });

  test('a corrupted blob is caught before the registry could accept it, and no manifest appears', async () => {
    const made = await makeOciLayout(join(work, 'corrupt'), { layers: [1000, 40_000] });
    const victim = join(made.layout, 'blobs', 'sha256', made.manifests[0]!.layers[1]!.slice(7));
    writeFileSync(victim, randomBytes(statSync(victim).size)); // same size, other bytes
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/ms_corrupt:v1`,
      source: made.layout,
      'create-repositories': 'true',
    });
    expectFailure(result, /is corrupted: its content hashes to sha256:/);
    expect(result.errors[0]).toContain(made.manifests[0]!.layers[1]!);
    expect((await registryGet(`/v2/ms_corrupt/manifests/v1`)).status).toBe(404);
  });

  test('the same corruption on the chunked path', async () => {
    const made = await makeOciLayout(join(work, 'corrupt-big'), { layers: [1000, 6 * 1024 * 1024] });
    const victim = join(made.layout, 'blobs', 'sha256', made.manifests[0]!.layers[1]!.slice(7));
    const bytes = readFileSync(victim);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(victim, bytes);
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/ms_corrupt2:v1`,
      source: made.layout,
      'create-repositories': 'true',
      'chunk-size': '5MiB',
    });
    expectFailure(result, /is corrupted/);
    expect((await registryGet(`/v2/ms_corrupt2/manifests/v1`)).status).toBe(404);
  });
});

describe('compress-layers: docker save layers are gzip-compressed, as docker push does', () => {
  type Layer = { mediaType: string; digest: string; size: number };
  type Manifest = { mediaType: string; config: Layer; layers: Layer[] };
  const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

  /** The layer as the registry serves it gunzips to the uncompressed tar (its digest is the diff id). */
  async function expectGzipOf(repository: string, layer: Layer, diffId: string): Promise<void> {
    expect(layer.mediaType).toBe(GZIP);
    const response = await registryGet(`/v2/${repository}/blobs/${layer.digest}`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(sha256(bytes)).toBe(layer.digest);
    expect(bytes.length).toBe(layer.size);
    expect(sha256(gunzipSync(bytes))).toBe(diffId);
  }

  function runnerTemp(name: string): string {
    const dir = join(work, 'runner-temp', name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  test('a legacy docker save archive: gzip layers that gunzip to the original tars, config unchanged; a re-push uploads nothing', async () => {
    // The 6 MiB layer is random (gzip cannot shrink it), so its compressed file goes in two chunks: range reads.
    const save = await makeDockerArchive(join(work, 'gz-save.tar'), { layers: [3000, 200_000, 6 * 1024 * 1024], repoTag: 'app:dev' });
    const temp = runnerTemp('gz-save');
    const result = await run(
      {
        registry: registry.host,
        images: `${registry.host}/gz_save:v1`,
        source: save.archive,
        'chunk-size': '5MiB',
        'create-repositories': 'true',
      },
      { env: { RUNNER_TEMP: temp } },
    );
    expectSuccess(result);
    expect(result.log).toMatch(/gz-save\.tar: compressed 3 layers: 6\.\d MiB → 6\.\d MiB in \d+\.\d s \(gzip level 6\)/);
    expect(result.log).toMatch(/gz_save: uploaded sha256:\w+ \(6\.\d MiB in 2 chunks\)/);
    const raw = await inspectRaw(`${registry.host}/gz_save:v1`);
    const digest = JSON.parse(result.outputs.digests!)[`${registry.host}/gz_save:v1`];
    expect(sha256(raw)).toBe(digest); // the digest output is the pushed manifest's
    const manifest = JSON.parse(raw) as Manifest;
    expect(manifest.config.digest).toBe(save.config);
    expect(manifest.layers).toHaveLength(3);
    for (const [i, layer] of manifest.layers.entries()) await expectGzipOf('gz_save', layer, save.layers[i]!.digest);
    const config = JSON.parse(await skopeo(['inspect', '--config', ...CREDS, `docker://${registry.host}/gz_save:v1`])) as {
      rootfs: { diff_ids: string[] };
    };
    expect(config.rootfs.diff_ids).toEqual(save.layers.map((l) => l.digest));
    expect(result.summary).toMatch(/\*\*Layers compressed\*\* \(gzip level 6, `compress-layers: auto`\)/);
    expect(result.summary).toContain(save.archive);
    expect(result.json).toMatchObject({ 'compressed-layers': [{ source: save.archive, layers: 3, 'gzip-level': 6 }] });
    expect(readdirSync(temp)).toEqual([]); // the compressed layers are removed at the end

    // The same archive again, to the same tag and to a new one: same digest, every blob found, nothing uploaded.
    const again = await run(
      { registry: registry.host, images: `${registry.host}/gz_save:v1\n${registry.host}/gz_save:v2`, source: save.archive },
      { env: { RUNNER_TEMP: temp } },
    );
    expectSuccess(again);
    expect(again.log).toMatch(/gz_save: .* → v1, v2 \(blobs: 0 uploaded 0 B, 0 mounted, 4 already there\)/);
    expect(JSON.parse(again.outputs.digests!)).toEqual({
      [`${registry.host}/gz_save:v1`]: digest,
      [`${registry.host}/gz_save:v2`]: digest,
    });
    expect(again.summary).toContain(`| ${registry.host}/gz_save:v1 | ${digest} | already there |`);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('a Docker 25+ docker save (OCI archive, two platforms): both manifests and the index rewritten; none keeps them as they are', async () => {
    const save = await makeDockerOciArchive(join(work, 'gz-save-oci.tar'), {
      layers: [4000, 90_000],
      platforms: ['linux/amd64', 'linux/arm64'],
      repoTag: 'app:dev',
    });
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/gz_oci:v1`,
      source: save.archive,
      'compress-layers': 'gzip',
      'create-repositories': 'true',
    });
    expectSuccess(result);
    expect(result.log).toMatch(/gz-save-oci\.tar: compressed 3 layers: /);
    const raw = await inspectRaw(`${registry.host}/gz_oci:v1`);
    expect(sha256(raw)).toBe(JSON.parse(result.outputs.digests!)[`${registry.host}/gz_oci:v1`]);
    const index = JSON.parse(raw) as { mediaType: string; manifests: Array<Layer & { platform: { architecture: string } }> };
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    const children: Manifest[] = [];
    for (const [i, entry] of index.manifests.entries()) {
      const childRaw = await inspectRaw(`${registry.host}/gz_oci@${entry.digest}`);
      expect(sha256(childRaw)).toBe(entry.digest);
      expect(Buffer.byteLength(childRaw)).toBe(entry.size);
      const child = JSON.parse(childRaw) as Manifest;
      children.push(child);
      expect(child.config.digest).toBe(save.manifests[i]!.config);
      for (const [j, layer] of child.layers.entries()) await expectGzipOf('gz_oci', layer, save.manifests[i]!.layers[j]!);
    }
    const arm = JSON.parse(await skopeo(['inspect', ...CREDS, '--override-arch', 'arm64', `docker://${registry.host}/gz_oci:v1`])) as {
      Architecture: string;
      Layers: string[];
    };
    expect(arm.Architecture).toBe('arm64');
    expect(arm.Layers).toEqual(children[1]!.layers.map((l) => l.digest));
    expect(children[0]!.layers[0]!.digest).toBe(children[1]!.layers[0]!.digest); // the shared layer, compressed once

    const none = await run({
      registry: registry.host,
      images: `${registry.host}/gz_oci_none:v1`,
      source: save.archive,
      'compress-layers': 'none',
      'create-repositories': 'true',
    });
    expectSuccess(none);
    expect(JSON.parse(none.outputs.digests!)[`${registry.host}/gz_oci_none:v1`]).toBe(save.digest);
    expect(sha256(await inspectRaw(`${registry.host}/gz_oci_none:v1`))).toBe(save.digest);
    await expectBlobsIdentical('gz_oci_none', save);
  });

  test('an OCI layout whose layers are already gzip is pushed as it is', async () => {
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/gz_already:v1`,
      source: single.layout,
      'create-repositories': 'true',
    });
    expectSuccess(result);
    expect(result.log).not.toMatch(/compress/);
    expect(JSON.parse(result.outputs.digests!)[`${registry.host}/gz_already:v1`]).toBe(single.digest);
  });

  test('dry-run measures the compression in memory (no temp file) and reports the digest the push gives', async () => {
    const save = await makeDockerArchive(join(work, 'gz-dry.tar'), { layers: [5000, 70_000] });
    const temp = runnerTemp('gz-dry');
    const dry = await run(
      {
        registry: registry.host,
        images: `${registry.host}/gz_dry:v1`,
        source: save.archive,
        'dry-run': 'true',
        'create-repositories': 'true',
      },
      { env: { RUNNER_TEMP: temp } },
    );
    expectSuccess(dry);
    expect(dry.log).toMatch(
      /\[dry-run\] .*gz-dry\.tar: would compress 2 layers: .* \(gzip level 6; compressed in memory to measure, nothing written\)/,
    );
    expect(dry.summary).toMatch(/\*\*Layers to be compressed\*\*/);
    expect((await registryGet('/v2/gz_dry/manifests/v1')).status).toBe(404);
    expect(readdirSync(temp)).toEqual([]);
    const real = await run(
      { registry: registry.host, images: `${registry.host}/gz_dry:v1`, source: save.archive, 'create-repositories': 'true' },
      { env: { RUNNER_TEMP: temp } },
    );
    expectSuccess(real);
    expect(real.outputs.digests).toBe(dry.outputs.digests);
  });

  test('a failure after the compression still removes the compressed layers', async () => {
    const save = await makeDockerArchive(join(work, 'gz-fail.tar'), { layers: [5000] });
    const temp = runnerTemp('gz-fail');
    const result = await run(
      { registry: registry.host, images: `${registry.host}/ms_missing_gz:v1`, source: save.archive },
      { env: { RUNNER_TEMP: temp } },
    );
    expectFailure(result, 'ECR repository "ms_missing_gz" does not exist');
    expect(result.log).toMatch(/compressed 1 layer: /);
    expect(readdirSync(temp)).toEqual([]);
  });
});

describe('ECR login and repositories (moto)', () => {
  test('registry from STS GetCallerIdentity + region; bare references get it', async () => {
    const result = await run({ images: 'ms_derived:v1', source: single.layout, 'create-repositories': 'true', 'dry-run': 'true' });
    expectSuccess(result);
    expect(result.outputs.registry).toBe(ECR_HOST);
    expect(result.outputs.images).toBe(`${ECR_HOST}/ms_derived:v1`);
    expect(result.log).toContain(`Registry ${ECR_HOST} (account ${ACCOUNT}, from STS GetCallerIdentity)`);
    // moto's ECR does not serve the registry protocol: the dry run says a real run would fail there.
    expect(result.warnings.join('\n')).toContain(`dry-run: the registry ${ECR_HOST} did not answer`);
  });

  test('a missing repository fails with its name and the fix', async () => {
    const result = await run({ registry: registry.host, images: `${registry.host}/ms_missing:v1`, source: single.layout });
    expectFailure(result, 'ECR repository "ms_missing" does not exist');
    expect(result.errors[0]).toContain('create-repositories: true');
    expect(result.errors[0]).toContain('aws ecr create-repository --repository-name ms_missing --region us-east-1');
  });

  test('create-repositories applies scan-on-push and tag mutability', async () => {
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/ms_created:v1`,
      source: single.layout,
      'create-repositories': 'true',
      'scan-on-push': 'false',
      'tag-mutability': 'immutable',
    });
    expectSuccess(result);
    const { ecr, ecrLib } = await aws();
    const out = await ecr.send(new ecrLib.DescribeRepositoriesCommand({ repositoryNames: ['ms_created'] }));
    expect(out.repositories?.[0]).toMatchObject({ imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: false } });
  });

  test('region mismatch between the ECR registry and the region', async () => {
    const result = await run({ images: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ms_core:v1`, source: single.layout });
    expectFailure(
      result,
      'Input "region": is us-east-1, but the registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com is in eu-west-1 (Region mismatch)',
    );
  });

  test('debug logging of a failure shows no secret either', async () => {
    const result = await run({ images: `${registry.host}/ms_core:v9`, source: single.layout, 'registry-auth': 'none' }, { debug: true });
    expectFailure(result, /rejected the login/);
    expect(result.debug.join('\n')).toContain('RegistryError');
    const ok = await run(
      {
        registry: registry.host,
        images: `${registry.host}/ms_debug:v1`,
        source: single.layout,
        'create-repositories': 'true',
        'docker-config': 'true',
      },
      { debug: true },
    );
    expectSuccess(ok);
  });

  test('a registry that refuses the login (wrong credentials)', async () => {
    const result = await run({ images: `${registry.host}/ms_core:v9`, source: single.layout, 'registry-auth': 'none' });
    expectFailure(result, /rejected the login \(HTTP 401\)/);
    expect(result.errors[0]).toContain('Authentication fails');
  });

  test('no AWS credentials at all', async () => {
    const result = await run(
      { registry: registry.host, images: `${registry.host}/ms_core:v9`, source: single.layout },
      { env: { AWS_ACCESS_KEY_ID: undefined as unknown as string, AWS_SECRET_ACCESS_KEY: undefined as unknown as string, HOME: work } },
    );
    expectFailure(result, /no AWS credentials were found/);
    expect(result.errors[0]).toContain('configure-aws-credentials');
  });

  test('permission denied on GetAuthorizationToken (403 injected in front of moto)', async () => {
    const proxy = await startFaultProxy(moto.url, (req) =>
      String(req.headers['x-amz-target'] ?? '').endsWith('GetAuthorizationToken')
        ? {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({
              __type: 'AccessDeniedException',
              message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken',
            }),
          }
        : undefined,
    );
    try {
      const result = await run(
        { registry: registry.host, images: `${registry.host}/ms_core:v9`, source: single.layout },
        { env: awsEnv(proxy.url) },
      );
      expectFailure(result, 'ECR GetAuthorizationToken failed: permission denied (AccessDeniedException)');
      expect(result.errors[0]).toContain('ecr:GetAuthorizationToken');
    } finally {
      await proxy.stop();
    }
  });

  test('docker-config: a private config for later steps, removed by the post step', async () => {
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    const result = await run(
      { registry: registry.host, images: `${registry.host}/ms_core:v1.2.3`, source: multi.layout, 'docker-config': 'true' },
      { env: { RUNNER_TEMP: runnerTemp } },
    );
    expectSuccess(result);
    const dir = result.outputs['docker-config']!;
    expect(dir.startsWith(runnerTemp)).toBe(true);
    expect(result.env.DOCKER_CONFIG).toBe(dir);
    const file = join(dir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ auths: { [registry.host]: { auth: TOKEN } } });
    const post = await runAction(ACTION, { entry: 'post', state: result.state, env: { RUNNER_TEMP: runnerTemp }, secrets: SECRETS });
    expectSuccess(post);
    expect(existsSync(dir)).toBe(false);
  });

  test('mode login: only an ECR login for later steps (amazon-ecr-login), registry from STS', async () => {
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    const result = await run({ mode: 'login' }, { env: { RUNNER_TEMP: runnerTemp } });
    expectSuccess(result);
    expect(result.outputs.registry).toBe(ECR_HOST);
    const dir = result.outputs['docker-config']!;
    expect(result.env.DOCKER_CONFIG).toBe(dir);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ auths: { [ECR_HOST]: { auth: TOKEN } } });
    expect(result.summary).toContain('logged in');
    const post = await runAction(ACTION, { entry: 'post', state: result.state, env: { RUNNER_TEMP: runnerTemp }, secrets: SECRETS });
    expectSuccess(post);
    expect(existsSync(dir)).toBe(false);
  });

  test('mode login with images is refused before any call', async () => {
    const result = await run({ mode: 'login', images: `${registry.host}/ms_core:v1` });
    expectFailure(result, 'Input "images": is set, but mode `login` only logs in');
  });

  test('mode docker: tag and push through the CLI, the login only in a private DOCKER_CONFIG under RUNNER_TEMP that is gone when the step ends (no docker login, nothing in ~/.docker)', async () => {
    const standin = makeDockerStandin('docker-standin');
    const home = mkdtempSync(join(work, 'home-'));
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    const result = await run(
      {
        registry: registry.host,
        images: `${registry.host}/ms_dockermode:v3\n${registry.host}/ms_dockermode:sha-abc1234`,
        mode: 'docker',
        source: 'ms_dockermode:dev',
        'create-repositories': 'true',
      },
      { env: { ...standin.env(`ms_dockermode:dev=${single.layout}`), HOME: home, RUNNER_TEMP: runnerTemp } },
    );
    expectSuccess(result);
    const digests = JSON.parse(result.outputs.digests!);
    expect(digests).toEqual({
      [`${registry.host}/ms_dockermode:v3`]: single.digest,
      [`${registry.host}/ms_dockermode:sha-abc1234`]: single.digest,
    });
    expect((await registryGet('/v2/ms_dockermode/manifests/sha-abc1234', single.mediaType)).status).toBe(200);
    const argv = standin.argv();
    expect(argv).toContain(`tag ms_dockermode:dev ${registry.host}/ms_dockermode:v3`);
    expect(argv).not.toMatch(/^login /m); // no docker login: it would store the password in ~/.docker or a keyring
    expect(argv).not.toContain(PASSWORD);
    // The CLI read the login from a 0600 config in a private directory under RUNNER_TEMP …
    const seen = standin.configsSeen();
    expect(seen.length).toBeGreaterThan(0);
    for (const config of seen) {
      expect(config.dir.startsWith(runnerTemp)).toBe(true);
      expect(config.mode).toBe('600');
      expect(config.json).toEqual({ auths: { [registry.host]: { auth: TOKEN } } });
      expect(existsSync(config.dir)).toBe(false); // … removed when the step ended
    }
    expect(existsSync(join(home, '.docker'))).toBe(false);
    expect(readdirSync(runnerTemp)).toEqual([]);
    expect(result.env.DOCKER_CONFIG).toBeUndefined(); // nothing exported for later steps
    const post = await runAction(ACTION, { entry: 'post', state: result.state, env: { RUNNER_TEMP: runnerTemp }, secrets: SECRETS });
    expectSuccess(post);
  });

  test('mode docker without an engine says so', async () => {
    const result = await run(
      { registry: registry.host, images: `${registry.host}/ms_core:v1`, mode: 'docker', 'create-repositories': 'true' },
      { env: { DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` } },
    );
    expectFailure(result, /mode: docker needs (a running Docker engine|the docker CLI)/);
  });
});

describe('trust: the ECR login goes only to the registry it was issued for', () => {
  // The model. The test registry (`registry.host`, basic auth with moto's ECR password) plays ECR's
  // registry endpoint and is named in `registry`, which makes it the one loopback host allowed the
  // ECR login (for local testing). "Another host" (ghcr.io, Docker Hub in real life) is a second
  // registry on another loopback port, named only in `images`: loopback, but not the one `registry`
  // names, so it must be treated as any foreign host. It sits behind the fault proxy, which records
  // the Authorization header of every request it sees and forwards them to a registry without auth
  // (so an anonymous push succeeds there) or with the very same password (so a leaked login would
  // be accepted, and the test could not tell a refusal from a leak by the outcome alone).
  async function recordingRegistry(auth?: { user: string; password: string }) {
    const target = await startRegistry(auth ? { auth } : {});
    const authorizations: Array<string | undefined> = [];
    const proxy = await startFaultProxy(target.url, (req) => {
      authorizations.push(req.headers.authorization);
      return undefined;
    });
    return { target, proxy, authorizations, stop: async () => (await proxy.stop(), await target.stop()) };
  }

  test('a push to the named registry and another host: the other host never sees a login, and gets the image anonymously (also in a dry run)', async () => {
    const other = await recordingRegistry();
    try {
      const images = `${registry.host}/cred_named:v1\n${other.proxy.host}/cred_other:v1`;
      const result = await run({ registry: registry.host, images, source: single.layout, 'create-repositories': 'true' });
      expectSuccess(result);
      expect(other.authorizations.length).toBeGreaterThan(3);
      expect(other.authorizations.filter(Boolean)).toEqual([]);
      expect(result.log).toContain(`${other.proxy.host}: no ECR login and no ECR repository check`);
      // Both have the image; only the named registry was given the login (it requires it).
      expect((await registryGet('/v2/cred_named/manifests/v1', single.mediaType)).status).toBe(200);
      expect(
        (await fetch(`${other.target.url}/v2/cred_other/manifests/v1`, { method: 'HEAD', headers: { accept: single.mediaType } })).status,
      ).toBe(200);
      // No ECR repository for a registry that is not ECR.
      const { ecr, ecrLib } = await aws();
      await expect(ecr.send(new ecrLib.DescribeRepositoriesCommand({ repositoryNames: ['cred_other'] }))).rejects.toThrow(
        /does not exist|not found/i,
      );

      other.authorizations.length = 0;
      const dry = await run({
        registry: registry.host,
        images: `${other.proxy.host}/cred_other:v2`,
        source: single.layout,
        'dry-run': 'true',
      });
      expectSuccess(dry);
      expect(other.authorizations.length).toBeGreaterThan(0);
      expect(other.authorizations.filter(Boolean)).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  test('another host that wants a login gets none, and the error says why', async () => {
    const other = await recordingRegistry({ user: 'AWS', password: PASSWORD }); // would accept the ECR login
    try {
      const result = await run({ registry: registry.host, images: `${other.proxy.host}/cred_locked:v1`, source: single.layout });
      expectFailure(result, `Push to ${other.proxy.host}/cred_locked failed: the registry wants a login and was sent none (HTTP 401).`);
      expect(result.errors[0]).toContain('the `registry` input does not name');
      expect(result.errors[0]).toContain('the ECR password is never sent to it');
      expect(other.authorizations.filter(Boolean)).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  test("the named registry's token service on another host gets no login (an anonymous token request)", async () => {
    // The named registry (a proxy in front of an auth-less registry) answers with a Bearer challenge
    // whose realm is a token service on another port; the token it issues is what the registry accepts.
    const target = await startRegistry();
    const tokenRequests: Array<string | undefined> = [];
    const tokens = createServer((req, res) => {
      tokenRequests.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'anonymous-push-token' }));
    });
    await new Promise<void>((r) => tokens.listen(0, '127.0.0.1', () => r()));
    const realm = `http://127.0.0.1:${(tokens.address() as { port: number }).port}/token`;
    const named = await startFaultProxy(
      target.url,
      (req) =>
        req.headers.authorization === 'Bearer anonymous-push-token'
          ? undefined
          : {
              status: 401,
              headers: { 'www-authenticate': `Bearer realm="${realm}",service="test"` },
              body: '{"errors":[{"code":"UNAUTHORIZED"}]}',
            },
      { maxFaults: 1000 },
    );
    try {
      const result = await run({
        registry: named.host,
        images: `${named.host}/cred_realm:v1`,
        source: single.layout,
        'registry-auth': 'ecr',
        'create-repositories': 'true',
      });
      expectSuccess(result);
      expect(result.log).toContain(`Obtained the ECR login for ${named.host} as AWS (`);
      expect(result.log).toContain(
        `names the token service 127.0.0.1:${(tokens.address() as { port: number }).port}, another host: the login for ${named.host} is not sent there`,
      );
      expect(tokenRequests.length).toBeGreaterThan(0);
      expect(tokenRequests.filter(Boolean)).toEqual([]);
    } finally {
      await named.stop();
      await new Promise((r) => tokens.close(r));
      await target.stop();
    }
  });

  test('mode login writes the ECR login only for an ECR registry (or the loopback `registry`), not for another host', async () => {
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    const result = await run({ mode: 'login', registry: 'ghcr.io/example-org' }, { env: { RUNNER_TEMP: runnerTemp } });
    expectFailure(
      result,
      'Input "registry": names ghcr.io, but mode `login` writes the ECR login, which only goes to the ECR registry it was issued for',
    );
    expect(readdirSync(runnerTemp)).toEqual([]);
  });
});

describe('several registries in one step, ECR Public', () => {
  test('registries: the same image to a second registry in the same step, each with the login it may get; outputs per registry', async () => {
    const second = await startRegistry({ auth: { user: 'AWS', password: PASSWORD } });
    try {
      const result = await run({
        registry: registry.host,
        registries: second.host,
        images: 'ms_several:v2.0.0',
        source: multi.layout,
        'create-repositories': 'true',
      });
      expectSuccess(result);
      expect(JSON.parse(result.outputs.digests!)).toEqual({
        [`${registry.host}/ms_several:v2.0.0`]: multi.digest,
        [`${second.host}/ms_several:v2.0.0`]: multi.digest,
      });
      // Read back from the second registry: the same index, byte for byte.
      expect(sha256(await inspectRaw(`${second.host}/ms_several:v2.0.0`))).toBe(multi.digest);
      expect(result.outputs.registry).toBe(registry.host);
      expect(JSON.parse(result.outputs.registries!)).toEqual([
        {
          registry: registry.host,
          login: 'loopback',
          username: 'AWS',
          'expires-at': expect.any(String),
          images: [`${registry.host}/ms_several:v2.0.0`],
        },
        {
          registry: second.host,
          login: 'loopback',
          username: 'AWS',
          'expires-at': expect.any(String),
          images: [`${second.host}/ms_several:v2.0.0`],
        },
      ]);
      for (const host of [registry.host, second.host])
        expect(result.outputs[`docker_username_${host.replace(/[^a-zA-Z0-9_]+/g, '_')}`]).toBe('AWS');
      expect(Object.keys(result.outputs).filter((name) => name.startsWith('docker_password'))).toEqual([]);
      expect(result.masked).toEqual(expect.arrayContaining([PASSWORD, TOKEN]));
    } finally {
      await second.stop();
    }
  });

  test("mode login with registries: ECR Public's own GetAuthorizationToken (us-east-1, through the shim over moto's ECR) and another account's ECR, one docker config", async () => {
    const shim = await startEcrPublicShim(moto.url);
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    try {
      const result = await run(
        { mode: 'login', registries: 'public.ecr.aws 123456789012' },
        { env: { RUNNER_TEMP: runnerTemp, AWS_ENDPOINT_URL_ECR_PUBLIC: shim.url } },
      );
      expectSuccess(result);
      // ECR Public's API, signed for ecr-public in us-east-1 (the job's region does not matter).
      expect(shim.requests).toEqual([{ operation: 'GetAuthorizationToken', scope: 'us-east-1/ecr-public/aws4_request', body: {} }]);
      const dir = result.outputs['docker-config']!;
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
        auths: { 'public.ecr.aws': { auth: TOKEN }, [ECR_HOST]: { auth: TOKEN } },
      });
      expect(result.outputs.registry).toBe('public.ecr.aws');
      expect(JSON.parse(result.outputs.registries!).map((r: { registry: string; login: string }) => [r.registry, r.login])).toEqual([
        ['public.ecr.aws', 'ecr-public'],
        [ECR_HOST, 'ecr'],
      ]);
      expect(result.outputs.docker_username_public_ecr_aws).toBe('AWS');
      expect(result.outputs[`docker_username_${ECR_HOST.replace(/[^a-zA-Z0-9_]+/g, '_')}`]).toBe('AWS');
      expect(result.log).toContain(
        "Obtained the ECR login for public.ecr.aws as AWS (ECR Public token for public.ecr.aws, from ECR Public's API in us-east-1",
      );
      expect(result.log).toContain(`AWS ECR PUBLIC endpoint: ${shim.url}`);
      const post = await runAction(ACTION, { entry: 'post', state: result.state, env: { RUNNER_TEMP: runnerTemp }, secrets: SECRETS });
      expectSuccess(post);
      expect(existsSync(dir)).toBe(false);
    } finally {
      await shim.stop();
    }
  });

  test('ECR Public without its alias is refused before any AWS call', async () => {
    const shim = await startEcrPublicShim(moto.url);
    try {
      const result = await run(
        { images: 'ms_core:v1', source: multi.layout, registries: 'public.ecr.aws' },
        { env: { AWS_ENDPOINT_URL_ECR_PUBLIC: shim.url } },
      );
      expectFailure(
        result,
        'Input "registries": entry "public.ecr.aws" names ECR Public without the registry alias its repositories live under',
      );
      expect(shim.requests).toEqual([]);
    } finally {
      await shim.stop();
    }
  });
});

describe('trust: nothing made for a login outlives the step', () => {
  test('the post step removes what main left; a cleanup it cannot do is a warning, never a failed job', async () => {
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    const left = join(runnerTemp, 'deploy-kit-docker-0123456789ab');
    mkdirSync(left);
    writeFileSync(join(left, 'config.json'), '{"auths":{}}');
    const foreign = mkdtempSync(join(work, 'not-ours-')); // a state that does not name a directory of ours
    const post = await runAction(ACTION, {
      entry: 'post',
      state: { 'step-docker-config': JSON.stringify(left), 'docker-config': JSON.stringify(foreign) },
      env: { RUNNER_TEMP: runnerTemp },
      secrets: SECRETS,
    });
    expectSuccess(post);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(foreign)).toBe(true);
    expect(post.warnings.join('\n')).toMatch(/Could not remove the docker config .*not-ours-.*refusing to remove/);
  });

  test('the release composite with mode docker (a composite has no post step) leaves no login behind: nothing in ~/.docker, nothing in RUNNER_TEMP', async () => {
    const standin = makeDockerStandin('docker-standin-release');
    const home = mkdtempSync(join(work, 'home-'));
    const runnerTemp = mkdtempSync(join(work, 'runner-temp-'));
    const r = await runComposite('release', {
      ref: 'refs/tags/v1.2.3-rc.1',
      inputs: {
        services: 'core',
        registry: registry.host,
        mode: 'docker',
        source: 'app-{service}:dev',
        'create-repositories': 'true',
        'github-token': '',
        'skip-migrate': true,
        'skip-dispatch': true,
      },
      env: { ...awsEnv(), ...standin.env(`app-core:dev=${single.layout}`), HOME: home, RUNNER_TEMP: runnerTemp },
      secrets: SECRETS,
      stepTimeoutMs: 60_000,
    });
    expect([
      r.step('push').outcome,
      r.steps.map((x) => `${x.id}: ${x.outcome} ${x.errors.join(' | ')}`).join('\n') + r.log.slice(-3000),
    ]).toEqual(['success', expect.any(String)]);
    expect(r.outputs['push-mode']).toBe('docker');
    expect(standin.argv()).toContain(`push ${registry.host}/ms_core:v1.2.3-rc.1`);
    expect((await registryGet('/v2/ms_core/manifests/v1.2.3-rc.1', single.mediaType)).status).toBe(200);
    expect(existsSync(join(home, '.docker'))).toBe(false);
    const seen = standin.configsSeen();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((c) => !c.dir.startsWith(runnerTemp) || existsSync(c.dir))).toEqual([]);
    // No file the job keeps holds the ECR password (other steps' own files may stay in RUNNER_TEMP).
    expect(filesHolding([home, runnerTemp], [PASSWORD, TOKEN])).toEqual([]);
  });
});

describe('trust: local sources never follow a link out of their root', () => {
  test('s3-source: a link to a file outside the directory is refused, naming the input and the path; nothing is uploaded', async () => {
    const outside = join(work, 'outside-the-source');
    const bins = join(work, 'linked-bins');
    mkdirSync(outside, { recursive: true });
    mkdirSync(join(bins, 'tools'), { recursive: true });
    writeFileSync(join(outside, 'credentials'), '[default]\naws_secret_access_key = not-for-s3\n');
    writeFileSync(join(bins, 'ms_core'), randomBytes(2000));
    symlinkSync(join(outside, 'credentials'), join(bins, 'tools', 'credentials'));
    const { s3, CreateBucketCommand, ListObjectsV2Command } = await aws();
    await s3.send(new CreateBucketCommand({ Bucket: 'linked-artifacts' }));
    const result = await run({ 's3-bucket': 'linked-artifacts', 's3-source': bins, tag: 'v1' });
    expectFailure(
      result,
      `S3 upload: tools/credentials in ${bins} is a symbolic link to ${realpathSync(join(outside, 'credentials'))}, outside ${bins}.`,
    );
    expect(result.errors[0]).toContain(`input "s3-source" names ${bins}`);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'linked-artifacts' }))).KeyCount ?? 0).toBe(0);
  });

  test('s3-source: a link that stays inside the directory is followed (uploaded under its own name)', async () => {
    const bins = join(work, 'inner-linked-bins');
    mkdirSync(bins, { recursive: true });
    writeFileSync(join(bins, 'ms_core'), randomBytes(3000));
    symlinkSync('ms_core', join(bins, 'ms_core_latest'));
    const { s3, CreateBucketCommand, GetObjectCommand } = await aws();
    await s3.send(new CreateBucketCommand({ Bucket: 'inner-linked-artifacts' }));
    const result = await run({ 's3-bucket': 'inner-linked-artifacts', 's3-source': bins, tag: 'v1' });
    expectSuccess(result);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'inner-linked-artifacts', Key: 'v1/ms_core_latest' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(readFileSync(join(bins, 'ms_core')))).toBe(true);
  });

  test('an OCI layout: a blob that links out of the layout is refused before anything is sent, even when its bytes are right', async () => {
    const made = await makeOciLayout(join(work, 'linked-layout'), { layers: [1000, 30_000] });
    const layer = made.manifests[0]!.layers[1]!;
    const blob = join(made.layout, 'blobs', 'sha256', layer.slice(7));
    const outside = join(work, 'outside-the-layout.bin');
    renameSync(blob, outside); // same bytes, right digest: only where it lives is wrong
    symlinkSync(outside, blob);
    const proxy = await startFaultProxy(registry.url, () => undefined);
    try {
      const result = await run({
        registry: proxy.host,
        images: `${proxy.host}/ms_linked:v1`,
        source: made.layout,
        'create-repositories': 'true',
      });
      expectFailure(
        result,
        `Cannot read the image for ms_linked: blobs/sha256/${layer.slice(7)} in the layout ${made.layout} is a symbolic link to ${realpathSync(outside)}, outside the layout.`,
      );
      expect(result.errors[0]).toContain(`input "source" (${made.layout})`);
      expect(proxy.log).toEqual([]); // not one request to the registry
      const { ecr, ecrLib } = await aws();
      await expect(ecr.send(new ecrLib.DescribeRepositoriesCommand({ repositoryNames: ['ms_linked'] }))).rejects.toThrow(
        /does not exist|not found/i,
      );
    } finally {
      await proxy.stop();
    }
  });
});

describe('trust: every blob is hashed before the first write', () => {
  test('a blob of the right size with other bytes fails before a repository is created or anything is sent', async () => {
    const made = await makeOciLayout(join(work, 'corrupt-early'), { layers: [2000, 50_000, 80_000] });
    const victim = join(made.layout, 'blobs', 'sha256', made.manifests[0]!.layers[2]!.slice(7));
    writeFileSync(victim, randomBytes(statSync(victim).size)); // same size, other bytes
    const proxy = await startFaultProxy(registry.url, () => undefined);
    try {
      const result = await run({
        registry: proxy.host,
        images: `${proxy.host}/ms_corrupt_early:v1`,
        source: made.layout,
        'create-repositories': 'true',
      });
      expectFailure(
        result,
        new RegExp(
          `Cannot read the image for ms_corrupt_early: blob ${made.manifests[0]!.layers[2]!} \\(.*\\) is corrupted: its content hashes to sha256:`,
        ),
      );
      expect(proxy.log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD')).toEqual([]); // nothing written to the registry
      const { ecr, ecrLib } = await aws();
      await expect(ecr.send(new ecrLib.DescribeRepositoriesCommand({ repositoryNames: ['ms_corrupt_early'] }))).rejects.toThrow(
        /does not exist|not found/i,
      );
    } finally {
      await proxy.stop();
    }
  });
});

describe('trust: a blob is hashed as it is sent, and never completed when it does not match', () => {
  test.each<[string, number[]]>([
    ['in one PUT (a small layer)', [2000, 50_000]],
    ['in one streamed PATCH (a layer over 8 MiB)', [2000, 9 * 1024 * 1024]],
  ])(
    'a blob whose last byte differs, %s: the registry never receives all of it, its upload is cancelled, no manifest',
    async (_, layers) => {
      const made = await makeOciLayout(join(work, `corrupt-sent-${layers[1]}`), { layers });
      const bad = made.manifests[0]!.layers[1]!;
      const victim = join(made.layout, 'blobs', 'sha256', bad.slice(7));
      const bytes = readFileSync(victim);
      bytes[bytes.length - 1]! ^= 0xff;
      writeFileSync(victim, bytes);
      const repository = `ms_corrupt_sent_${layers[1]}`;
      const { ecr, ecrLib } = await aws();
      await ecr.send(new ecrLib.CreateRepositoryCommand({ repositoryName: repository })); // nothing to create: no hash before the push
      const proxy = await startFaultProxy(registry.url, () => undefined);
      try {
        const result = await run({ registry: proxy.host, images: `${proxy.host}/${repository}:v1`, source: made.layout });
        expectFailure(
          result,
          new RegExp(`Cannot read the image for ${repository}: blob ${bad} \\(.*\\) is corrupted: its content hashes to sha256:`),
        );
        expect(result.errors[0]).toContain('never received all of it, its upload was cancelled and no manifest was pushed');
        // The bad blob's session was cancelled, and got at most everything of it but its last piece.
        const session = (url: string) => url.split('?')[0]!;
        const cancelled = proxy.log
          .filter((e) => e.method === 'DELETE' && /\/blobs\/uploads\/./.test(e.url ?? ''))
          .map((e) => session(e.url ?? ''));
        expect(cancelled).toHaveLength(1);
        const sent = proxy.log.filter((e) => (e.method === 'PUT' || e.method === 'PATCH') && session(e.url ?? '') === cancelled[0]);
        // (a blob that fits one read is withheld whole: its request may not even start)
        expect(sent.reduce((n, e) => n + e.bytes, 0)).toBeLessThan(bytes.length);
        expect(proxy.log.filter((e) => /manifests/.test(e.url ?? '') && e.method === 'PUT')).toEqual([]);
        expect((await registryGet(`/v2/${repository}/blobs/${bad}`)).status).toBe(404);
        expect((await registryGet(`/v2/${repository}/manifests/v1`)).status).toBe(404);
      } finally {
        await proxy.stop();
      }
    },
  );
});

describe('chunked upload: a fault on the first chunk (the registry says Range: 0-0 for an empty upload)', () => {
  let layout: MadeLayout; // one 6 MiB layer: two chunks of at most 5 MiB
  beforeAll(async () => {
    layout = await makeOciLayout(join(work, 'first-chunk'), { layers: [6 * 1024 * 1024] });
  });

  test.each<[string, FaultAction]>([
    ['before it lands (503, not forwarded)', { status: 503 }],
    ['inside it (the connection cut after 1 MiB)', { resetAfterBytes: 1024 * 1024 }],
    ['after it landed (the answer lost)', { dropResponse: true }],
  ])(
    'a fault %s: the push finishes, every blob byte-identical',
    async (_, fault) => {
      const clean = await startRegistry({ auth: { user: 'AWS', password: PASSWORD } });
      let patches = 0;
      const proxy = await startFaultProxy(clean.url, (req) => (req.method === 'PATCH' && ++patches === 1 ? fault : undefined));
      try {
        const result = await run({
          registry: proxy.host,
          images: `${proxy.host}/first_chunk:v1`,
          source: layout.layout,
          'create-repositories': 'true',
          'chunk-size': '5MiB',
        });
        expectSuccess(result);
        expect(proxy.faults()).toBe(1);
        expect(result.log).toMatch(/first_chunk: uploaded sha256:\w+ \(6\.0 MiB in \d chunks\)/);
        for (const digest of layout.blobs) {
          const response = await fetch(`${clean.url}/v2/first_chunk/blobs/${digest}`, { headers: { authorization: `Basic ${TOKEN}` } });
          expect(response.status).toBe(200);
          expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(digest);
        }
        const head = await fetch(`${clean.url}/v2/first_chunk/manifests/v1`, {
          method: 'HEAD',
          headers: { authorization: `Basic ${TOKEN}`, accept: layout.mediaType },
        });
        expect(head.headers.get('docker-content-digest')).toBe(layout.digest);
      } finally {
        await proxy.stop();
        await clean.stop();
      }
    },
    120_000,
  );
});

describe('network failures name the service, the endpoint and what to check', () => {
  const unexpected = (result: RunResult) => expect(result.errors.join('\n')).not.toContain('Unexpected error');

  test('ECR endpoint not reachable', async () => {
    const port = await freePort();
    const result = await run(
      { registry: registry.host, images: `${registry.host}/ms_core:v1`, source: single.layout },
      { env: { AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${port}` } },
    );
    expectFailure(
      result,
      `ECR GetAuthorizationToken failed: the ECR endpoint http://127.0.0.1:${port} could not be reached (ECONNREFUSED).`,
    );
    expect(result.errors[0]).toContain('AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL point at a running ECR endpoint');
    unexpected(result);
  });

  test('STS endpoint not reachable (the account is looked up for a bare reference)', async () => {
    const port = await freePort();
    const result = await run(
      { images: 'ms_core:v1', source: single.layout },
      { env: { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` } },
    );
    expectFailure(result, `STS GetCallerIdentity failed: the STS endpoint http://127.0.0.1:${port} could not be reached (ECONNREFUSED).`);
    unexpected(result);
  });

  test('S3 endpoint not reachable', async () => {
    const port = await freePort();
    const dir = join(work, 'unreachable-s3');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ms_core'), 'x');
    const result = await run(
      { 's3-bucket': 'app-artifacts', 's3-source': dir, tag: 'v1' },
      { env: { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}` } },
    );
    expectFailure(
      result,
      `S3 ListObjectsV2 s3://app-artifacts/v1/ failed: the S3 endpoint http://127.0.0.1:${port} could not be reached (ECONNREFUSED).`,
    );
    unexpected(result);
  });

  test('registry not reachable', async () => {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const result = await run({ registry: host, images: `${host}/ms_core:v1`, source: single.layout, 'create-repositories': 'true' });
    expectFailure(result, `Push to ${host}/ms_core failed: the registry ${host} (http://${host}) could not be reached (ECONNREFUSED).`);
    expect(result.errors[0]).toContain('the registry host in `images` / `registry` is right');
    unexpected(result);
  });
});

describe('promote by digest (ECR BatchGetImage → PutImage, moto)', () => {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: `sha256:${'1'.repeat(64)}`,
        size: 500,
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ],
  });
  let sourceDigest: string;

  beforeAll(async () => {
    const { ecr, ecrLib } = await aws();
    for (const [name, mutability] of [
      ['ms_promo', 'MUTABLE'],
      ['ms_locked', 'IMMUTABLE'],
    ] as const) {
      await ecr.send(new ecrLib.CreateRepositoryCommand({ repositoryName: name, imageTagMutability: mutability }));
      const put = await ecr.send(
        new ecrLib.PutImageCommand({
          repositoryName: name,
          imageTag: 'v1.2.3-rc.2',
          imageManifest: index,
          imageManifestMediaType: 'application/vnd.oci.image.index.v1+json',
          imageDigest: sha256(index),
        }),
      );
      sourceDigest = put.image!.imageId!.imageDigest!;
    }
    const other = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'2'.repeat(64)}`, size: 10 },
      layers: [],
    });
    await ecr.send(
      new ecrLib.PutImageCommand({ repositoryName: 'ms_locked', imageTag: 'v1.2.3', imageManifest: other, imageDigest: sha256(other) }),
    );
  });

  test('rc → release: same digest, media type passed through; again: already there', async () => {
    const images = `${ECR_HOST}/ms_promo:v1.2.3\n${ECR_HOST}/ms_promo:latest`;
    const result = await run({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images });
    expectSuccess(result);
    expect(JSON.parse(result.outputs.digests!)).toEqual({
      [`${ECR_HOST}/ms_promo:v1.2.3`]: sourceDigest,
      [`${ECR_HOST}/ms_promo:latest`]: sourceDigest,
    });
    const { ecr, ecrLib } = await aws();
    const got = await ecr.send(new ecrLib.BatchGetImageCommand({ repositoryName: 'ms_promo', imageIds: [{ imageTag: 'v1.2.3' }] }));
    expect(got.images?.[0]?.imageId?.imageDigest).toBe(sourceDigest);
    expect(got.images?.[0]?.imageManifest).toBe(index);
    expect(got.images?.[0]?.imageManifestMediaType).toBe('application/vnd.oci.image.index.v1+json');
    const again = await run({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images });
    expectSuccess(again);
    expect(again.summary).toContain(`| ${ECR_HOST}/ms_promo:v1.2.3 | ${sourceDigest} | already there |`);
  });

  test('an immutable tag on another digest is refused, nothing changes', async () => {
    const result = await run({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images: `${ECR_HOST}/ms_locked:v1.2.3` });
    expectFailure(result, /Promote refused: ms_locked has immutable tags and v1\.2\.3 already points at sha256:/);
  });

  test('a missing source tag', async () => {
    const result = await run({ mode: 'promote', 'promote-from': 'v9.9.9-rc.1', images: `${ECR_HOST}/ms_promo:v9.9.9` });
    expectFailure(result, 'ms_promo:v9.9.9-rc.1 does not exist, so there is nothing to promote');
  });

  test('dry-run lists the retag without doing it', async () => {
    const result = await run({ mode: 'promote', 'promote-from': 'v1.2.3-rc.2', images: `${ECR_HOST}/ms_promo:v1.2.4`, 'dry-run': 'true' });
    expectSuccess(result);
    expect(result.log).toContain(`[dry-run] would tag ms_promo@${sourceDigest} as v1.2.4`);
    const { ecr, ecrLib } = await aws();
    const got = await ecr.send(new ecrLib.BatchGetImageCommand({ repositoryName: 'ms_promo', imageIds: [{ imageTag: 'v1.2.4' }] }));
    expect(got.images).toEqual([]);
  });
});

describe('S3 upload (moto)', () => {
  let bins: string;
  let lambdas: string;

  beforeAll(async () => {
    const { s3, CreateBucketCommand } = await aws();
    await s3.send(new CreateBucketCommand({ Bucket: 'app-artifacts' }));
    bins = join(work, 'bin_arm64', 'ms');
    lambdas = join(work, 'bin_arm64', 'lambdas');
    mkdirSync(join(bins, 'tools'), { recursive: true });
    mkdirSync(lambdas, { recursive: true });
    writeFileSync(join(bins, 'ms_core'), randomBytes(6 * 1024 * 1024)); // multipart at 5 MiB parts
    writeFileSync(join(bins, 'ms_chat'), randomBytes(70_000));
    writeFileSync(join(bins, 'tools', 'manifest.json'), '{"a":1}');
    writeFileSync(join(lambdas, 'lambda_webhook_handler.zip'), randomBytes(1000));
  });

  const inputs = () => ({
    's3-bucket': 'app-artifacts',
    's3-path': 'binaries',
    's3-source': `${bins}\n${lambdas}`,
    's3-part-size': '5MiB',
    's3-multipart-threshold': '5MiB',
    's3-checksums': 'sha256sums',
    'cache-control': '*.json=no-cache\npublic, max-age=31536000, immutable',
  });

  test('two directories to s3://bucket/path/version/, with types, cache-control, checksums and SHA256SUMS', async () => {
    const result = await run(inputs(), { ref: 'refs/tags/v1.2.3' });
    expectSuccess(result);
    const prefix = 'binaries/v1.2.3/';
    const keys = ['SHA256SUMS', 'lambda_webhook_handler.zip', 'ms_chat', 'ms_core', 'tools/manifest.json'].map(
      (k) => `s3://app-artifacts/${prefix}${k}`,
    );
    expect(result.outputs['s3-uris']!.split('\n')).toEqual(keys);
    expect(result.json).toMatchObject({ s3: { bucket: 'app-artifacts', prefix, uploaded: 5, skipped: 0 } });
    const { s3, GetObjectCommand, HeadObjectCommand } = await aws();
    const sums: string[] = [];
    for (const [name, file, type, cache] of [
      ['ms_core', join(bins, 'ms_core'), 'application/octet-stream', 'public, max-age=31536000, immutable'],
      ['ms_chat', join(bins, 'ms_chat'), 'application/octet-stream', 'public, max-age=31536000, immutable'],
      ['tools/manifest.json', join(bins, 'tools', 'manifest.json'), 'application/json', 'no-cache'],
      ['lambda_webhook_handler.zip', join(lambdas, 'lambda_webhook_handler.zip'), 'application/zip', 'public, max-age=31536000, immutable'],
    ] as const) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'app-artifacts', Key: `${prefix}${name}` }));
      const body = Buffer.from(await got.Body!.transformToByteArray());
      const local = readFileSync(file);
      expect(body.equals(local)).toBe(true);
      expect(got.ContentType).toBe(type);
      expect(got.CacheControl).toBe(cache);
      const hex = createHash('sha256').update(local).digest('hex');
      expect(got.Metadata?.sha256).toBe(hex);
      sums.push(`${hex}  ${name}`);
      if (name !== 'ms_core') {
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'app-artifacts', Key: `${prefix}${name}`, ChecksumMode: 'ENABLED' }));
        expect(head.ChecksumSHA256).toBe(createHash('sha256').update(local).digest('base64'));
      }
    }
    const listing = await s3.send(new GetObjectCommand({ Bucket: 'app-artifacts', Key: `${prefix}SHA256SUMS` }));
    expect(await listing.Body!.transformToString()).toBe(`${sums.sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1)).join('\n')}\n`);
    expect(result.summary).toMatch(/S3.*5 object\(s\) uploaded/);
    // Every object with its SHA-256, for record-deployment's payload (the manifest included).
    const objects = (result.json as { s3: { objects: Array<{ key: string; sha256: string }> } }).s3.objects;
    expect(objects.map((o) => o.key)).toEqual(keys.map((k) => k.slice('s3://app-artifacts/'.length)));
    for (const line of sums) expect(objects).toContainEqual({ key: `${prefix}${line.slice(66)}`, sha256: line.slice(0, 64) });
  });

  test('a retried job uploads only what changed', async () => {
    writeFileSync(join(bins, 'ms_chat'), randomBytes(70_000));
    const result = await run(inputs(), { ref: 'refs/tags/v1.2.3' });
    expectSuccess(result);
    expect(result.json).toMatchObject({ s3: { uploaded: 2, skipped: 3 } }); // ms_chat + SHA256SUMS
    expect(result.log).toContain('uploaded s3://app-artifacts/binaries/v1.2.3/ms_chat');
    expect(result.log).not.toContain('uploaded s3://app-artifacts/binaries/v1.2.3/ms_core');
  });

  test('an empty source directory is an error (Empty upload)', async () => {
    const empty = join(work, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const result = await run({ 's3-bucket': 'app-artifacts', 's3-source': empty, tag: 'v1' });
    expectFailure(result, /Empty upload: .*empty-bin has no files to upload/);
    expect(result.errors[0]).toContain('Binaries built successfully');
  });

  test('images and an empty S3 source: refused before anything is created or pushed (nothing half-published)', async () => {
    const empty = join(work, 'empty-bin-2');
    mkdirSync(empty, { recursive: true });
    const result = await run({
      registry: registry.host,
      images: `${registry.host}/ms_halfway:v1`,
      source: single.layout,
      'create-repositories': 'true',
      's3-bucket': 'app-artifacts',
      's3-source': empty,
      tag: 'v1',
    });
    expectFailure(result, /Empty upload: .*empty-bin-2 has no files to upload/);
    expect((await registryGet('/v2/ms_halfway/manifests/v1', single.mediaType)).status).toBe(404);
    const { ecr, ecrLib } = await aws();
    await expect(ecr.send(new ecrLib.DescribeRepositoriesCommand({ repositoryNames: ['ms_halfway'] }))).rejects.toThrow(
      /RepositoryNotFound|does not exist/,
    );
  });

  test('a source that does not exist (Path not found)', async () => {
    const result = await run({ 's3-bucket': 'app-artifacts', 's3-source': 'bin_arm64/nothing', tag: 'v1' });
    expectFailure(result, 'S3 upload: the source bin_arm64/nothing does not exist');
  });

  test('access denied (403 injected in front of moto)', async () => {
    const proxy = await startFaultProxy(moto.url, (req) =>
      req.method === 'PUT'
        ? {
            status: 403,
            headers: { 'content-type': 'application/xml' },
            body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
          }
        : undefined,
    );
    try {
      const result = await run({ 's3-bucket': 'app-artifacts', 's3-source': lambdas, tag: 'v-denied' }, { env: awsEnv(proxy.url) });
      expectFailure(result, /permission denied \(AccessDenied\)/);
      expect(result.errors[0]).toContain('s3:PutObject');
    } finally {
      await proxy.stop();
    }
  });

  test('dry-run hashes and compares, uploads nothing', async () => {
    const result = await run({ ...inputs(), tag: 'v-dry', 'dry-run': 'true' }, { ref: 'refs/tags/v1.2.3' });
    expectSuccess(result);
    expect(result.log).toContain('[dry-run] would upload ms_core');
    const { s3, ListObjectsV2Command } = await aws();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'app-artifacts', Prefix: 'binaries/v-dry/' }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});

describe('faults: 500/503/429, resets mid-blob, slow answers', () => {
  test('the push finishes, byte-identical to a clean run, no manifest before its blobs', async () => {
    const clean = await startRegistry({ auth: { user: 'AWS', password: PASSWORD } });
    // One fault of each kind, at fixed points of the push (counted per kind, so the plan does not depend on timing).
    const seen = { head: 0, post: 0, patch: 0, putBlob: 0, putManifest: 0 };
    const proxy = await startFaultProxy(
      clean.url,
      (req, n) => {
        const url = req.url ?? '';
        if (req.method === 'HEAD' && url.includes('/blobs/') && ++seen.head === 1) return { status: 503 };
        if (req.method === 'POST' && ++seen.post === 2) return { status: 429, headers: { 'retry-after': '1' } };
        if (req.method === 'PATCH' && ++seen.patch === 1) return { resetAfterBytes: 3 * 1024 * 1024 };
        if (req.method === 'PUT' && url.includes('/blobs/') && ++seen.putBlob === 2) return { reset: true };
        if (req.method === 'PUT' && url.includes('/manifests/') && ++seen.putManifest === 1) return { status: 500 };
        if (n % 5 === 0) return { delayMs: 300 };
        return undefined;
      },
      { maxFaults: 30 },
    );
    try {
      const result = await run({
        registry: proxy.host,
        images: `${proxy.host}/ms_core:v1.2.3\n${proxy.host}/ms_chat:v1.2.3`,
        source: multi.layout,
        'create-repositories': 'true',
        'chunk-size': '5MiB',
      });
      expectSuccess(result);
      expect(proxy.faults()).toBeGreaterThanOrEqual(5);
      expect(result.log).toMatch(/Retry .*HTTP 503/);
      expect(result.log).toMatch(/Retry .*HTTP 429/);
      expect(result.log).toMatch(/Retry .*ECONNRESET/);
      expect(result.log).toMatch(/Retry PUT .*HTTP 500/);
      // Same digests as the clean registry got, and every blob byte-identical.
      expect(new Set(Object.values(JSON.parse(result.outputs.digests!) as Record<string, string>))).toEqual(new Set([multi.digest]));
      for (const repository of ['ms_core', 'ms_chat']) {
        for (const digest of multi.blobs) {
          const response = await fetch(`${clean.url}/v2/${repository}/blobs/${digest}`, {
            headers: { authorization: `Basic ${Buffer.from(`AWS:${PASSWORD}`).toString('base64')}` },
          });
          expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(digest);
        }
      }
      // Order: in each repository, every manifest PUT that succeeded came after the last blob write.
      for (const repository of ['ms_core', 'ms_chat']) {
        const entries = proxy.log.filter((e) => e.url?.startsWith(`/v2/${repository}/`));
        const lastBlob = Math.max(
          ...entries.filter((e) => e.url!.includes('/blobs/') && e.status >= 200 && e.status < 300 && e.method !== 'HEAD').map((e) => e.at),
        );
        const firstManifest = Math.min(
          ...entries.filter((e) => e.method === 'PUT' && e.url!.includes('/manifests/') && e.status === 201).map((e) => e.at),
        );
        expect(firstManifest).toBeGreaterThanOrEqual(lastBlob);
      }
    } finally {
      await proxy.stop();
      await clean.stop();
    }
  }, 120_000);

  test('the S3 upload finishes through 500s and resets, objects identical', async () => {
    const dir = join(work, 'fault-bins');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 6; i++) writeFileSync(join(dir, `bin_${i}`), randomBytes(20_000 + i * 1000));
    const { s3, CreateBucketCommand } = await aws();
    await s3.send(new CreateBucketCommand({ Bucket: 'fault-artifacts' }));
    let n500 = 0;
    let gets = 0;
    const proxy = await startFaultProxy(moto.url, (req) => {
      if (req.method === 'PUT' && n500 < 3)
        return ++n500 === 2
          ? { reset: true }
          : {
              status: 500,
              headers: { 'content-type': 'application/xml' },
              body: '<Error><Code>InternalError</Code><Message>injected</Message></Error>',
            };
      if (req.method === 'GET' && ++gets === 1)
        return {
          status: 503,
          headers: { 'content-type': 'application/xml' },
          body: '<Error><Code>SlowDown</Code><Message>injected</Message></Error>',
        };
      return undefined;
    });
    try {
      const result = await run(
        { 's3-bucket': 'fault-artifacts', 's3-source': dir, tag: 'v-faults', 's3-concurrency': '3' },
        { env: awsEnv(proxy.url) },
      );
      expectSuccess(result);
      expect(result.log).toMatch(/Retry S3 ListObjectsV2/);
      expect(result.log).toMatch(
        /Retry S3 upload .*ECONNRESET|Retry S3 upload .*socket hang up|Retry S3 upload .*HTTP 500|Retry S3 upload .*InternalError/,
      );
      const { GetObjectCommand } = await aws();
      for (let i = 0; i < 6; i++) {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'fault-artifacts', Key: `v-faults/bin_${i}` }));
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(readFileSync(join(dir, `bin_${i}`)))).toBe(true);
      }
    } finally {
      await proxy.stop();
    }
  });

  test('one streamed PutObject up to the multipart threshold, parts above it; a failed part is retried alone', async () => {
    const dir = join(work, 'big-bins');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'one_put'), randomBytes(9 * 1024 * 1024)); // above the 8 MiB in-memory size: streamed
    writeFileSync(join(dir, 'in_parts'), randomBytes(11 * 1024 * 1024)); // 3 parts of at most 5 MiB
    const { s3, CreateBucketCommand, GetObjectCommand, HeadObjectCommand } = await aws();
    await s3.send(new CreateBucketCommand({ Bucket: 'big-artifacts' }));
    let failed = 0;
    const proxy = await startFaultProxy(moto.url, (req) =>
      req.method === 'PUT' && /[?&]partNumber=2(&|$)/.test(req.url ?? '') && failed++ === 0
        ? {
            status: 500,
            headers: { 'content-type': 'application/xml' },
            body: '<Error><Code>InternalError</Code><Message>injected</Message></Error>',
          }
        : undefined,
    );
    try {
      const result = await run(
        { 's3-bucket': 'big-artifacts', 's3-source': dir, tag: 'v-big', 's3-multipart-threshold': '10MiB', 's3-part-size': '5MiB' },
        { env: awsEnv(proxy.url) },
      );
      expectSuccess(result);
      expect(result.log).toMatch(/Retry S3 upload v-big\/in_parts part 2: attempt 1 of 5 failed/);
      expect(result.log).toContain(`uploaded s3://big-artifacts/v-big/in_parts (${11 * 1024 * 1024} bytes, 3 parts)`);
      const partPuts = proxy.log
        .filter((e) => e.method === 'PUT' && /in_parts\?/.test(e.url ?? ''))
        .map((e) => /partNumber=(\d+)/.exec(e.url ?? '')?.[1]);
      expect(partPuts.sort()).toEqual(['1', '2', '2', '3']); // only the failed part was sent again
      expect(proxy.log.filter((e) => e.method === 'PUT' && /one_put(\?|$)/.test(e.url ?? ''))).toHaveLength(1);
      for (const name of ['one_put', 'in_parts']) {
        const local = readFileSync(join(dir, name));
        const got = await s3.send(new GetObjectCommand({ Bucket: 'big-artifacts', Key: `v-big/${name}` }));
        expect(Buffer.from(await got.Body!.transformToByteArray()).equals(local)).toBe(true);
        expect(got.Metadata?.sha256).toBe(createHash('sha256').update(local).digest('hex'));
        const head = await s3.send(new HeadObjectCommand({ Bucket: 'big-artifacts', Key: `v-big/${name}`, ChecksumMode: 'ENABLED' }));
        if (name === 'one_put') expect(head.ChecksumSHA256).toBe(createHash('sha256').update(local).digest('base64'));
        else {
          const parts = [0, 1, 2].map((i) =>
            createHash('sha256')
              .update(local.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024))
              .digest(),
          );
          // The composite checksum (SHA-256 of the part checksums); S3 adds `-3`, moto 5.2.1 leaves it off.
          const composite = createHash('sha256').update(Buffer.concat(parts)).digest('base64');
          expect([composite, `${composite}-3`]).toContain(head.ChecksumSHA256);
        }
      }
    } finally {
      await proxy.stop();
    }
  });
});

describe('bad inputs name the input', () => {
  test.each<[string, Record<string, string>, string | RegExp]>([
    ['unknown mode', { mode: 'copy', images: 'a:1' }, 'Input "mode"'],
    ['nothing to do', {}, 'Input "images": is empty and so is s3-bucket'],
    ['images without source', { images: 'a:1' }, 'Input "source": is empty'],
    ['bad JSON images', { images: '{"services": [', source: 'x' }, 'Input "images": is not valid JSON'],
    ['a reference without tag', { images: 'ms_core', source: 'x' }, 'Input "images": reference "ms_core" has no tag'],
    [
      'http to a remote registry',
      { images: 'a:1', source: 'x', registry: 'http://registry.example.com' },
      'Input "registry": uses plain http://',
    ],
    ['bad chunk size', { images: 'a:1', source: 'x', 'chunk-size': '1KiB' }, 'Input "chunk-size": is out of range'],
    ['bucket with s3://', { 's3-bucket': 's3://bucket', 's3-source': 'x' }, 'Input "s3-bucket": has the wrong form'],
    ['bucket without source', { 's3-bucket': 'bucket' }, 'Input "s3-source": is empty but s3-bucket is set'],
    ['promote without promote-from', { mode: 'promote', images: 'a:1' }, 'Input "promote-from": is empty in promote mode'],
    ['promote-from not a tag', { mode: 'promote', images: 'a:1', 'promote-from': 'v1 2' }, 'Input "promote-from": has the wrong form'],
    ['concurrency out of range', { images: 'a:1', source: 'x', concurrency: '99' }, 'Input "concurrency"'],
    [
      'no version for S3 on a branch',
      { 's3-bucket': 'bucket', 's3-source': 'x' },
      'Input "tag": is empty and the run was not started by a tag',
    ],
    [
      'tag climbing out of the prefix',
      { 's3-bucket': 'bucket', 's3-source': 'x', 's3-path': 'binaries', tag: '../v1' },
      'Input "tag": contains a ".." path segment',
    ],
    [
      's3-path climbing out',
      { 's3-bucket': 'bucket', 's3-source': 'x', 's3-path': 'a/../b', tag: 'v1' },
      'Input "s3-path": contains a ".." path segment',
    ],
  ])('%s', async (_, inputs, message) => {
    const result = await runAction(ACTION, { inputs, env: { AWS_REGION: REGION }, secrets: SECRETS });
    expectFailure(result, message);
    expect(result.errors).toHaveLength(1);
    expect(result.stdout).not.toMatch(/\n\s+at /); // no stack trace for expected failures
  });
});
