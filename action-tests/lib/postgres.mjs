// A throwaway PostgreSQL cluster (the Debian server .ci/install-tools links as the `postgres` tool) in a
// temp dir on a loopback port, for migrate-job's command backend tests and the demo: the seed's
// "ephemeral database in CI". Trust auth on 127.0.0.1 only; every wait is bounded.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, toolBinary } from './kube-cluster.mjs';

/** The real directory (the tools dir links to /usr/lib/postgresql/N/bin; the `postgres` user cannot traverse /root). */
function postgresBin() {
  return dirname(realpathSync(toolBinary('postgres', 'bin/postgres')));
}

/** A fresh cluster (run as the `postgres` user when we are root). Returns { url, port, psql(sql), stop() }. */
export async function startPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'mj-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  const [initCmd, initArgs] = wrap(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe', timeout: 60_000 });
  const port = await freePort();
  const [cmd, args] = wrap(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (c) => (output += c.toString()));
  const deadline = Date.now() + 30_000;
  const psql = (sql) =>
    execFileSync('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-At', '-c', sql], {
      encoding: 'utf8',
      timeout: 10_000,
    });
  for (;;) {
    try {
      psql('select 1');
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start:\n${output}`);
      }
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
