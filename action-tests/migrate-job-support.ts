// Test services for action-tests/migrate-job*.test.ts: pinned tools from .ci/install-tools, a loopback
// HTTP server for tool downloads, and a throwaway PostgreSQL cluster. Every service binds 127.0.0.1 only,
// and every wait is bounded.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
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
