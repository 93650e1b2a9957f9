// A real forward proxy for the proxy tests: tinyproxy (Debian, from .ci/install-tools) on a loopback
// port, which the actions are pointed at with HTTPS_PROXY / HTTP_PROXY. The test services answer on
// names that only this proxy can resolve (`*.proxied.test`, and `kubernetes` for the test cluster,
// whose certificate names it): the runner's own resolver knows none of them, so a connection that
// bypasses the proxy fails (ENOTFOUND) instead of passing unnoticed. tinyproxy cannot map names
// itself (it resolves with the system's resolver), so it hands those names to an `Upstream`: a small
// CONNECT relay here that is their resolver, sending `<name>:<port>` to 127.0.0.1:<port>, and for
// the names in `terminateTls` ending TLS with the test CA's certificate in front of a plain-http
// service (the GitHub fake, a verify URL), so that the clients speak https to them as they would to
// the real hosts. Every connection is in tinyproxy's access log: `connects()` reads the CONNECT
// targets from it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { freePort, toolPath } from './services.mjs';

export const PROXIED_DOMAIN = 'proxied.test';

/**
 * Starts the relay and tinyproxy. Options: `names` (extra single names the proxy resolves, e.g.
 * `kubernetes`), `terminateTls` ({ names: string[] (`*.domain` for its subdomains), cert, key } PEM paths), `auth` ({ user, password }:
 * tinyproxy's BasicAuth), `routes` ({ 'host:port': localPort }: a name's port served on another
 * loopback port, e.g. a registry on :443). Returns { url, host, port, connects(), log(), stop() }.
 */
export async function startForwardProxy({ names = [], terminateTls, auth, routes = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dk-tinyproxy-'));
  const sockets = new Set();
  const relayed = [];
  const tls = terminateTls
    ? { names: new Set(terminateTls.names), cert: readFileSync(terminateTls.cert), key: readFileSync(terminateTls.key) }
    : undefined;
  // Our clients always tunnel (CONNECT), also to http:// targets; a forwarded plain request is refused.
  const relay = createServer((request, response) => response.writeHead(502).end('the relay only tunnels (CONNECT)\n'));
  relay.on('connect', (request, client, head) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const target = request.url ?? '';
    relayed.push(target);
    const at = target.lastIndexOf(':');
    const host = target.slice(0, at);
    const port = routes[target] ?? Number(target.slice(at + 1));
    const upstream = connectTcp(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection established\r\n\r\n');
      let downstream = client;
      if (tls && [...tls.names].some((name) => (name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name))) {
        downstream = new TLSSocket(client, { isServer: true, cert: tls.cert, key: tls.key });
        downstream.on('error', () => upstream.destroy());
      }
      if (head.length) client.unshift(head);
      upstream.pipe(downstream);
      downstream.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayPort = relay.address().port;

  const port = await freePort();
  const logFile = join(dir, 'access.log');
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 120',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    'MaxClients 200',
    'Allow 127.0.0.1',
    'DisableViaHeader Yes',
    `Upstream http 127.0.0.1:${relayPort} ".${PROXIED_DOMAIN}"`,
    ...names.map((name) => `Upstream http 127.0.0.1:${relayPort} "${name}"`),
    ...(auth ? [`BasicAuth ${auth.user} ${auth.password}`] : []),
  ];
  writeFileSync(join(dir, 'tinyproxy.conf'), `${config.join('\n')}\n`);
  const child = spawn(toolPath('tinyproxy', 'tinyproxy'), ['-d', '-c', join(dir, 'tinyproxy.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const started = Date.now();
  while (!/Accepting connections/.test(log())) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with code ${child.exitCode}:\n${output}\n${log()}`);
    if (Date.now() - started > 10000) throw new Error(`tinyproxy did not start within 10 s:\n${output}\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : '';
  return {
    host: `127.0.0.1:${port}`,
    port,
    url: `http://${credentials}127.0.0.1:${port}`,
    /** The CONNECT targets in tinyproxy's log (`host:port`), in order. */
    connects: () => [...log().matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((m) => m[1]),
    /** Requests tinyproxy forwarded without CONNECT (absolute-form GETs …): none is expected. */
    plainRequests: () => [...log().matchAll(/Request \(file descriptor \d+\): (?!CONNECT )(\S+ \S+) HTTP/g)].map((m) => m[1]),
    /** What the relay (the proxied names' resolver) was asked for: only ever by tinyproxy. */
    relayed,
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
        await exited;
      }
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
