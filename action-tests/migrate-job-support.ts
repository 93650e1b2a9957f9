// Test services for action-tests/migrate-job*.test.ts: pinned tools from .ci/install-tools, a loopback
// HTTP server for tool downloads, and a throwaway PostgreSQL cluster. Every service binds 127.0.0.1 only,
// and every wait is bounded.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, toolBinary } from './lib/kube-cluster.mjs';

export { freePort, toolBinary };

export interface FileServer {
  url: string;
  /** Requests by path, in order. */
  requests: string[];
  files: Map<string, Buffer | string>;
  close(): Promise<void>;
}

/** Serves `files` (path → body) on 127.0.0.1; 404 for anything else. */
export async function startFileServer(files: Map<string, Buffer | string> = new Map()): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    files,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A .tar.gz holding `files` (name → content, executable), made with the system tar. */
export function makeTarGz(files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'mj-tar-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
      chmodSync(join(dir, name), 0o755);
    }
    return execFileSync('tar', ['-czf', '-', '-C', dir, ...Object.keys(files)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Postgres {
  url: string;
  port: number;
  psql(sql: string): string;
  stop(): Promise<void>;
}

/** The real directory (the tools dir links to /usr/lib/postgresql/N/bin; the `postgres` user cannot traverse /root). */
function postgresBin(): string {
  return dirname(realpathSync(toolBinary('postgres', 'bin/postgres')));
}

/** A fresh PostgreSQL cluster in a temp dir on a loopback port (run as the `postgres` user when we are root). */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'mj-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  const [initCmd, initArgs] = wrap(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe', timeout: 60_000 });
  const port = await freePort();
  const [cmd, args] = wrap(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 30_000;
  const psql = (sql: string) => execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-At', '-c', sql], { encoding: 'utf8', timeout: 10_000 });
  for (;;) {
    try {
      psql('select 1');
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`PostgreSQL did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    psql,
    stop: async () => {
      // Through runuser the signal must reach postgres itself: pg_ctl does that (fast shutdown).
      const [stopCmd, stopArgs] = wrap(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-t', '10']);
      try {
        execFileSync(stopCmd, stopArgs, { stdio: 'pipe', timeout: 15_000 });
      } catch {
        child.kill('SIGKILL');
      }
      await new Promise((r) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          r(undefined);
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          r(undefined);
        });
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface KubeProxyLogEntry {
  method: string;
  path: string;
  status: number;
  injected?: boolean;
}

export interface KubeFaultProxy {
  /** https://127.0.0.1:port, served with the API server's own certificate (the kubeconfig's CA still verifies it). */
  url: string;
  log: KubeProxyLogEntry[];
  /** The next requests that `match` are answered with these statuses (a Kubernetes Status body), one each. */
  fail(match: (method: string, url: URL) => boolean, statuses: number[]): void;
  /** Ends every watch stream open through the proxy (as a load balancer or API server restart would); returns how many. */
  cutWatches(): number;
  faults(): number;
  stop(): Promise<void>;
}

/**
 * A TLS proxy in front of kube-apiserver on 127.0.0.1 for 5xx mid-run: forwards everything (watches and log
 * streams included) except the requests a test asked to fail, which get a 500/503 Kubernetes Status answer.
 * Bounded: at most `maxFaults` injected answers in all.
 */
export async function startKubeFaultProxy(cluster: { server: string; dir: string }, { maxFaults = 12 } = {}): Promise<KubeFaultProxy> {
  const upstream = new URL(cluster.server);
  const cert = readFileSync(join(cluster.dir, 'certs/apiserver.crt'));
  const key = readFileSync(join(cluster.dir, 'certs/apiserver.key'));
  const log: KubeProxyLogEntry[] = [];
  const rules: { match: (method: string, url: URL) => boolean; statuses: number[] }[] = [];
  const watches = new Set<ServerResponse>();
  let faults = 0;
  const server = createHttpsServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', upstream);
    const method = req.method ?? 'GET';
    const entry: KubeProxyLogEntry = { method, path: `${url.pathname}${url.search}`, status: 0 };
    log.push(entry);
    const rule = faults < maxFaults ? rules.find((r) => r.statuses.length > 0 && r.match(method, url)) : undefined;
    if (rule) {
      const code = rule.statuses.shift()!;
      faults++;
      entry.status = code;
      entry.injected = true;
      req.resume();
      const reason = code === 503 ? 'ServiceUnavailable' : 'InternalError';
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `injected by the test proxy: ${reason}`, reason, code }));
      return;
    }
    const proxied = httpsRequest(
      { host: upstream.hostname, port: upstream.port, method, path: req.url, headers: { ...req.headers, host: upstream.host }, ca: cert },
      (reply) => {
        entry.status = reply.statusCode ?? 0;
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    proxied.on('error', () => res.destroy());
    res.on('close', () => {
      watches.delete(res);
      proxied.destroy();
    });
    if (url.searchParams.get('watch') === 'true') watches.add(res);
    req.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `https://127.0.0.1:${port}`,
    log,
    fail: (match, statuses) => void rules.push({ match, statuses: [...statuses] }),
    cutWatches: () => {
      const open = [...watches];
      for (const res of open) res.socket?.destroy();
      watches.clear();
      return open.length;
    },
    faults: () => faults,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
