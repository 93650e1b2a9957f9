/**
 * How the client reaches the API server (and an oidc issuer): TLS settings from the kubeconfig, and the
 * proxy kubectl would use (the cluster's proxy-url, else HTTPS_PROXY / NO_PROXY by Go's httpproxy
 * rules), reached through an http:// proxy with CONNECT. One keep-alive agent per server.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { registerSecret } from '@deploy-kit/core';
import { KubeconfigError, type KubeTarget } from './kubeconfig.js';

export function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KubeconfigError(`its ${what} file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function base64Pem(data: string, what: string): Buffer {
  const bytes = Buffer.from(data.replace(/\s+/g, ''), 'base64');
  if (!bytes.length) throw new KubeconfigError(`its ${what} data is not base64`);
  return bytes;
}

/** TLS settings of the cluster: CA, server name, or no verification at all (insecure-skip-tls-verify). */
export function clusterTls(target: KubeTarget): AgentOptions {
  const c = target.cluster;
  const options: AgentOptions = {};
  if (c['certificate-authority-data']) options.ca = base64Pem(c['certificate-authority-data'], 'certificate-authority');
  else if (c['certificate-authority']) options.ca = readPem(c['certificate-authority'], 'certificate-authority');
  if (c['insecure-skip-tls-verify'] === true) options.rejectUnauthorized = false;
  if (c['tls-server-name']) options.servername = c['tls-server-name'];
  return options;
}

/** A proxy to reach the API server through, and where it was configured ("its proxy-url", "HTTPS_PROXY"). */
export interface ProxySetting {
  url: string;
  source: string;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function ipFamily(address: string): 'ipv4' | 'ipv6' | undefined {
  const family = isIP(address);
  return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}

/**
 * HTTPS_PROXY and NO_PROXY as kubectl (Go's httpproxy) reads them, for an https:// server: localhost and
 * loopback addresses never go through a proxy; a NO_PROXY entry is `*`, an IP, a CIDR, or a domain
 * (`foo.com` matches it and its subdomains, `.foo.com` and `*.foo.com` only subdomains), each optionally
 * with `:port`. A proxy without a scheme is http://.
 */
export function proxyFromEnvironment(server: string, env: Record<string, string | undefined>): ProxySetting | undefined {
  const url = new URL(server);
  if (url.protocol !== 'https:') return undefined;
  const source = env.HTTPS_PROXY ? 'HTTPS_PROXY' : env.https_proxy ? 'https_proxy' : undefined;
  if (!source) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || '443';
  const family = ipFamily(host);
  if (host === 'localhost' || (family && LOOPBACK.check(host, family))) return undefined;
  for (const raw of (env.NO_PROXY ?? env.no_proxy ?? '').split(',')) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return undefined;
    if (entry.includes('/')) {
      const [network, bits] = entry.split('/');
      const networkFamily = ipFamily(network);
      if (family && networkFamily === family) {
        const list = new BlockList();
        list.addSubnet(network, Number(bits), networkFamily);
        if (list.check(host, family)) return undefined;
      }
      continue;
    }
    // host, host:port, [v6]:port, or a bare IPv6 address
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    // eslint-disable-next-line prefer-const -- the host is narrowed below, the port is not
    let [entryHost, entryPort] = bracketed ? [bracketed[1], bracketed[2]] : isIP(entry) === 6 ? [entry, undefined] : entry.split(':');
    if (entryPort && entryPort !== port) continue;
    if (ipFamily(entryHost)) {
      if (entryHost === host) return undefined;
      continue;
    }
    if (entryHost.startsWith('*.')) entryHost = entryHost.slice(1);
    if (entryHost.startsWith('.') ? host.endsWith(entryHost) : host === entryHost || host.endsWith(`.${entryHost}`)) return undefined;
  }
  const value = env[source]!.trim();
  return { url: /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`, source };
}

/**
 * A keep-alive agent for the server, through a proxy (an http:// one, by CONNECT) when one is set. One
 * agent serves the whole run, so the watches and calls share connections.
 */
export function makeAgent(server: string, tls: AgentOptions, proxySetting?: ProxySetting): HttpAgent {
  const secure = server.startsWith('https:');
  if (!proxySetting) return secure ? new HttpsAgent({ ...tls, keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const { source } = proxySetting;
  let proxy: URL;
  try {
    proxy = new URL(proxySetting.url);
  } catch {
    throw new KubeconfigError(`${source} is not a URL (expected http://host:port)`);
  }
  if (proxy.protocol !== 'http:')
    throw new KubeconfigError(
      `${source} uses ${proxy.protocol.replace(':', '')}, which is not supported (expected an http:// proxy, reached with CONNECT)`,
    );
  if (!secure) throw new KubeconfigError(`${source} is set for an http:// server; only https:// servers are reached through a proxy`);
  const auth = proxy.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
    : undefined;
  if (proxy.password) registerSecret(decodeURIComponent(proxy.password));
  class TunnelAgent extends HttpsAgent {
    override createConnection(
      options: RequestOptions & { host?: string; port?: number; servername?: string },
      callback: (error: Error | null, socket?: Duplex) => void,
    ): undefined {
      const target = `${options.host}:${options.port}`;
      const connect = httpRequest({
        host: proxy.hostname,
        port: Number(proxy.port || 80),
        method: 'CONNECT',
        path: target,
        headers: { host: target, ...(auth ? { 'proxy-authorization': auth } : {}) },
      });
      connect.once('connect', (response, socket) => {
        if (response.statusCode !== 200) {
          socket.destroy();
          callback(
            Object.assign(new Error(`the proxy ${proxy.host} refused CONNECT ${target} (HTTP ${response.statusCode})`), { code: 'EPROXY' }),
          );
          return;
        }
        // `host` is what the certificate is checked against; SNI is only sent for a name, never an IP address.
        const host = options.host ?? '';
        const secured = tlsConnect({ ...tls, socket, host, servername: tls.servername ?? (isIP(host) ? undefined : host) });
        secured.once('secureConnect', () => callback(null, secured));
        secured.once('error', (error) => callback(error));
      });
      connect.once('error', (error) => callback(error));
      connect.end();
      return undefined;
    }
  }
  return new TunnelAgent({ ...tls, keepAlive: true });
}
