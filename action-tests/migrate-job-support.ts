// Test services for action-tests/migrate-job*.test.ts: pinned tools from .ci/install-tools, a loopback
// HTTP server for tool downloads, and a throwaway PostgreSQL cluster. Every service binds 127.0.0.1 only,
// and every wait is bounded.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, toolBinary } from './lib/kube-cluster.mjs';

export { freePort, toolBinary };

/** A file's body, or an answer without one (a redirect: `{ status: 302, headers: { location } }`). */
export type ServedFile = Buffer | string | { status: number; headers?: Record<string, string> };

export interface FileServer {
  url: string;
  /** Requests by path, in order. */
  requests: string[];
  files: Map<string, ServedFile>;
  close(): Promise<void>;
}

/** Serves `files` (path → body) on 127.0.0.1; 404 for anything else. */
export async function startFileServer(files: Map<string, ServedFile> = new Map()): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    if (typeof body === 'object' && !Buffer.isBuffer(body)) {
      res.writeHead(body.status, body.headers).end();
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

export interface SilentServer {
  url: string;
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that accepts connections, reads the requests and never answers: what a hung
 * mirror, registry, API server or AWS endpoint looks like. Bounded: it takes at most `maxConnections`
 * (then refuses), and `close` ends every socket it holds.
 */
export async function startSilentServer({ maxConnections = 50 } = {}): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createNetServer((socket) => {
    accepted++;
    if (accepted > maxConnections) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Recorder {
  port: number;
  /** What each request carried. */
  requests: { method: string; path: string; authorization?: string }[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records each request's Authorization and answers `body` (JSON). */
export async function startRecorder(body: unknown): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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

export { startPostgres, type Postgres } from './lib/postgres.mjs';

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
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `injected by the test proxy: ${reason}`,
          reason,
          code,
        }),
      );
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
