/**
 * How the client reaches the API server (and an oidc issuer): TLS settings from the kubeconfig, and the
 * proxy kubectl would use (the cluster's proxy-url, else HTTPS_PROXY / NO_PROXY by core's proxy rule,
 * which is Go's httpproxy), reached through an http:// proxy with CONNECT (core's tunnel). One
 * keep-alive agent per server.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import { HttpsProxyAgent, parseProxy, proxyFromEnvironment as coreProxyRule, type ProxySetting } from '@deploy-kit/core/net/proxy';
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
export type { ProxySetting };

/**
 * The environment's proxy for an https:// server: core's proxy rule (HTTPS_PROXY / NO_PROXY as kubectl
 * reads them; localhost and loopback never proxied). An http:// server is always reached directly, as
 * before: the kubeconfig's proxy-url takes precedence over the environment (credentials.ts).
 */
export function proxyFromEnvironment(server: string, env: Record<string, string | undefined>): ProxySetting | undefined {
  return new URL(server).protocol === 'https:' ? coreProxyRule(server, env) : undefined;
}

/**
 * A keep-alive agent for the server, through a proxy (an http:// one, by CONNECT: core's tunnel) when
 * one is set. One agent serves the whole run, so the watches and calls share connections.
 */
export function makeAgent(server: string, tls: AgentOptions, proxySetting?: ProxySetting): HttpAgent {
  const secure = server.startsWith('https:');
  if (!proxySetting) return secure ? new HttpsAgent({ ...tls, keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const parsed = parseProxy(proxySetting);
  if ('problem' in parsed) throw new KubeconfigError(parsed.problem);
  if (!secure)
    throw new KubeconfigError(`${proxySetting.source} is set for an http:// server; only https:// servers are reached through a proxy`);
  return new HttpsProxyAgent({ ...tls, keepAlive: true, proxy: proxySetting });
}
