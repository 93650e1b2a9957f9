// Real local services for push-artifacts' tests, bench and demo, all on 127.0.0.1 and bounded in
// time: moto's server (STS, ECR, S3), the CNCF distribution registry (Debian docker-registry) with
// optional htpasswd auth, skopeo to read back what was pushed, and a fault-injecting HTTP proxy.
// Tools come from .ci/install-tools' cache; a missing tool is an error that says to run it.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { REPO_ROOT } from './runner.mjs';

const INSTALL = join(REPO_ROOT, '.ci', 'install-tools');

/** `<cache>/<tool>-<version>/<relative>`, or an Error telling to run .ci/install-tools. */
export function toolPath(tool, relative) {
  let dir;
  try {
    dir = execFileSync('bash', [INSTALL, '--print-dir', tool], { encoding: 'utf8' }).trim();
  } catch (error) {
    throw new Error(`cannot locate tool ${tool}: ${error.message}`, { cause: error });
  }
  const path = join(dir, relative);
  if (!existsSync(path)) throw new Error(`${tool} is not installed (${path} is missing): run .ci/install-tools ${tool}`);
  return path;
}

/**
 * The Node.js the runner runs every deploy-kit action on (`runs.using: node24`), pinned by
 * .ci/install-tools; the machine's own node may be older. The action-tests' act runs put it first on
 * PATH ({@link runnerPath}): act's host runner starts a JavaScript action with the `node` it finds there.
 */
export function runnerNode() {
  return toolPath('node24', 'bin/node');
}

/** `path` with the runner's Node.js ({@link runnerNode}) first. */
export function runnerPath(path = process.env.PATH ?? '/usr/bin:/bin') {
  return `${dirname(runnerNode())}${delimiter}${path}`;
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers (any HTTP status), at most `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 20000, child) {
  const started = Date.now();
  let last;
  while (Date.now() - started < timeoutMs) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the service exited with code ${child.exitCode} before answering`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      return;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last?.message ?? 'no answer'})`);
}

function spawnService(command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  let output = '';
  const keep = (d) => {
    output = (output + d.toString()).slice(-20000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  return { child, stop, output: () => output };
}

/** moto's server on a free loopback port: { url, stop }. */
export async function startMoto() {
  const python = toolPath('moto', 'venv/bin/python');
  const port = await freePort();
  const service = spawnService(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), MOTO_ALLOW_NONEXISTENT_REGION: 'false' },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/moto-api/`, 30000, service.child);
  } catch (error) {
    await service.stop();
    throw new Error(`${error.message}\n${service.output()}`, { cause: error });
  }
  return { url, port, stop: service.stop, output: service.output };
}

/** Polls an https server on 127.0.0.1:port until it answers /v2/ with a certificate `ca` signed. */
async function waitForTls(port, ca, timeoutMs, child) {
  const { get } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const started = Date.now();
  let last;
  while (Date.now() - started < timeoutMs) {
    if (child && child.exitCode !== null)
      throw new Error(`127.0.0.1:${port}: the service exited with code ${child.exitCode} before answering`);
    try {
      await new Promise((resolve, reject) => {
        const request = get(
          { host: '127.0.0.1', port, path: '/v2/', ca: readFileSync(ca), checkServerIdentity: () => undefined, timeout: 2000 },
          (response) => {
            response.resume();
            resolve();
          },
        );
        request.on('error', reject);
        request.on('timeout', () => request.destroy(new Error('timeout')));
      });
      return;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`https://127.0.0.1:${port} did not answer within ${timeoutMs} ms (${last?.message ?? 'no answer'})`);
}

/** bcrypt htpasswd line via the moto venv's bcrypt (installed by .ci/install-tools moto). */
export function htpasswdLine(user, password) {
  const python = toolPath('moto', 'venv/bin/python');
  const hash = execFileSync(
    python,
    ['-c', 'import bcrypt,sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(rounds=5)).decode())', password],
    { encoding: 'utf8' },
  ).trim();
  return `${user}:${hash}\n`;
}

/**
 * The CNCF distribution registry on a free loopback port, storing in a temp dir. With `auth`
 * ({user, password}) it requires HTTP basic auth, as ECR does. With `tls` ({ cert, key, ca } PEM
 * paths) it serves https with that certificate (`http.tls`). Returns { host, url, port, dir, stop }.
 */
export async function startRegistry({ auth, tls } = {}) {
  const binary = toolPath('registry', 'docker-registry');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dk-registry-'));
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${Math.random().toString(36).slice(2)}`,
    ...(tls ? ['  tls:', `    certificate: ${tls.cert}`, `    key: ${tls.key}`] : []),
  ];
  if (auth) {
    writeFileSync(join(dir, 'htpasswd'), htpasswdLine(auth.user, auth.password));
    lines.push('auth:', '  htpasswd:', '    realm: deploy-kit-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const service = spawnService(binary, ['serve', join(dir, 'config.yml')], { env: { PATH: process.env.PATH ?? '' } });
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  try {
    await (tls ? waitForTls(port, tls.ca, 20000, service.child) : waitForHttp(`${url}/v2/`, 20000, service.child));
  } catch (error) {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${error.message}\n${service.output()}`, { cause: error });
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    dir,
    /** The registry process (for a benchmark's CPU accounting). */
    pid: service.child.pid,
    output: service.output,
    async stop() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs skopeo (from the tools cache) and returns stdout; throws with stderr on failure. */
export function skopeo(args, { timeoutMs = 120000 } = {}) {
  const binary = toolPath('skopeo', 'skopeo');
  return new Promise((resolveRun, reject) => {
    const child = spawn(binary, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(stdout);
      else reject(new Error(`skopeo ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

/**
 * A fault-injecting HTTP proxy on loopback in front of `target` (http://127.0.0.1:port).
 * `decide(request, n)` → undefined (pass through) or one of:
 *   { status, headers?, body? }   answer without forwarding (500/503/429 + Retry-After ...)
 *   { reset: true }               destroy the client socket at once
 *   { resetAfterBytes: n }        forward, but cut the client connection after n request bytes
 *   { dropResponse: true }        forward the whole request, let the target answer, then cut the
 *                                 client connection instead of relaying the answer (the request
 *                                 landed; the client never learns it)
 *   { delayMs }                   wait, then forward
 * Every request is logged ({method, url, status, at, bytes: request body bytes received}) in `log`, in
 * order. `maxFaults` bounds injections.
 */
export async function startFaultProxy(target, decide, { maxFaults = 50 } = {}) {
  const upstream = new URL(target);
  const log = [];
  let faults = 0;
  let count = 0;
  const server = createServer((req, res) => {
    const n = ++count;
    const entry = { method: req.method, url: req.url, status: 0, at: Date.now(), fault: undefined, bytes: 0 };
    log.push(entry);
    let action = faults < maxFaults ? decide(req, n) : undefined;
    if (action) {
      faults++;
      entry.fault = action;
    }
    if (action?.reset) {
      req.socket.destroy();
      return;
    }
    if (action?.status) {
      entry.status = action.status;
      req.resume();
      req.on('end', () => {
        res.writeHead(action.status, { 'content-type': 'application/json', ...(action.headers ?? {}) });
        res.end(action.body ?? JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      });
      return;
    }
    const forward = () => {
      // Counted once forwarding starts: a listener before then would let a delayed request's body flow away.
      req.on('data', (chunk) => (entry.bytes += chunk.length));
      const headers = { ...req.headers, host: upstream.host };
      const proxied = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          entry.status = answer.statusCode;
          if (action?.dropResponse) {
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          const out = { ...answer.headers };
          // Keep the registry's Location pointing at the proxy.
          if (out.location && out.location.startsWith(upstream.origin)) out.location = out.location.slice(upstream.origin.length);
          res.writeHead(answer.statusCode, out);
          answer.pipe(res);
        },
      );
      proxied.on('error', () => res.destroy());
      if (action?.resetAfterBytes !== undefined) {
        let seen = 0;
        req.on('data', (chunk) => {
          seen += chunk.length;
          if (seen >= action.resetAfterBytes) {
            proxied.destroy();
            req.socket.destroy();
          } else proxied.write(chunk);
        });
        req.on('end', () => proxied.end());
      } else req.pipe(proxied);
    };
    if (action?.delayMs) setTimeout(forward, action.delayMs);
    else forward();
  });
  const port = await new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    log,
    faults: () => faults,
    stop: () =>
      new Promise((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/**
 * Copies `repository:tag` from a local registry into moto's ECR API (PutImage of the manifest bytes, so
 * the digest is the same; an index's child manifests first, by digest), as ECR would hold it after a
 * push: in AWS the registry and the ECR API are one service, here they are two programs. Creates the
 * repository when missing. `ecr` is an ECRClient for moto; `authorization` the registry's header, if any.
 * Resolves with the top manifest's digest; throws when the registry's Docker-Content-Digest disagrees.
 */
export async function copyImageToEcr({ ecr, registryUrl, authorization }, repository, tag) {
  const { CreateRepositoryCommand, PutImageCommand } = await import('@aws-sdk/client-ecr');
  await ecr.send(new CreateRepositoryCommand({ repositoryName: repository })).catch((e) => {
    if (e.name !== 'RepositoryAlreadyExistsException') throw e;
  });
  const get = async (reference) => {
    const res = await fetch(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT, ...(authorization ? { authorization } : {}) },
    });
    if (!res.ok) throw new Error(`GET ${repository}:${reference} from the registry: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const reported = res.headers.get('docker-content-digest');
    if (reported && reported !== digest)
      throw new Error(`${repository}:${reference}: the registry reports ${reported}, the bytes hash to ${digest}`);
    return { body, digest, mediaType: res.headers.get('content-type') ?? undefined };
  };
  const top = await get(tag);
  for (const child of JSON.parse(top.body.toString('utf8')).manifests ?? []) {
    const m = await get(child.digest);
    if (m.digest !== child.digest) throw new Error(`${repository}@${child.digest}: the registry served bytes that hash to ${m.digest}`);
    await ecr.send(
      new PutImageCommand({
        repositoryName: repository,
        imageManifest: m.body.toString('utf8'),
        imageManifestMediaType: m.mediaType,
        imageDigest: m.digest,
      }),
    );
  }
  await ecr.send(
    new PutImageCommand({
      repositoryName: repository,
      imageTag: tag,
      imageManifest: top.body.toString('utf8'),
      imageManifestMediaType: top.mediaType,
      imageDigest: top.digest,
    }),
  );
  return top.digest;
}
