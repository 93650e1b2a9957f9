/**
 * How each request to the API server authenticates and verifies the server, from a resolved kubeconfig
 * context: a bearer token (inline, or a file read again as it ages: bound service account tokens
 * rotate), basic auth, a client certificate, or an exec credential plugin (client.authentication.k8s.io
 * v1 and v1beta1: `aws eks get-token`, `gke-gcloud-auth-plugin`, `kubelogin`), whose credential is kept
 * until its expirationTimestamp and fetched again after a 401. Impersonation headers as kubectl's --as.
 *
 * Legacy `auth-provider` users (gcp, azure, oidc: removed from kubectl 1.26 except oidc) go through
 * @kubernetes/client-node's KubeConfig, imported only then.
 *
 * Why child_process and not @actions/exec (3.0.0) for the exec plugin: a plugin that waits (an
 * expired SSO login prompting, a hung cloud CLI) is stopped after EXEC_TIMEOUT_MS, and exec gives no
 * handle on the child to stop it with (no ChildProcess, pid, AbortSignal or kill option).
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ActionError, credentialTransportProblem, inheritedEnvironment, registerSecret } from '@deploy-kit/core';
import { KubeconfigError, type ExecConfig, type KubeTarget } from './kubeconfig.js';

export interface PreparedRequest {
  agent: HttpAgent;
  headers: Record<string, string | string[]>;
}

/** The cluster's proxy-url, else HTTPS_PROXY/NO_PROXY. */
function proxyFor(target: KubeTarget, env: Record<string, string | undefined>): ProxySetting | undefined {
  const configured = target.cluster['proxy-url'];
  return configured ? { url: configured, source: 'its proxy-url' } : proxyFromEnvironment(target.server, env);
}

export interface Credentials {
  /** The agent (TLS settings, client certificate) and headers for one request. */
  prepare(): Promise<PreparedRequest>;
  /** The server said 401: drop what is cached. True when a new attempt may get other credentials. */
  invalidate(): boolean;
  /** How the user authenticates, for the log ("token", "exec plugin aws", ...). */
  readonly method: string;
  /** The proxy every connection goes through (proxy-url, else HTTPS_PROXY), if any. */
  readonly proxy?: ProxySetting;
}

const EXEC_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
/** A token file is read again after this long (client-go re-reads every minute). */
const TOKEN_FILE_TTL_MS = 60_000;
/** An exec credential is renewed this long before it expires. */
const EXPIRY_MARGIN_MS = 10_000;
const EXEC_TIMEOUT_MS = 60_000;

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KubeconfigError(`its ${what} file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function base64Pem(data: string, what: string): Buffer {
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
  if (proxy.protocol !== 'http:') throw new KubeconfigError(`${source} uses ${proxy.protocol.replace(':', '')}, which is not supported (expected an http:// proxy, reached with CONNECT)`);
  if (!secure) throw new KubeconfigError(`${source} is set for an http:// server; only https:// servers are reached through a proxy`);
  const auth = proxy.username ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}` : undefined;
  if (proxy.password) registerSecret(decodeURIComponent(proxy.password));
  class TunnelAgent extends HttpsAgent {
    override createConnection(options: RequestOptions & { host?: string; port?: number; servername?: string }, callback: (error: Error | null, socket?: Duplex) => void): undefined {
      const target = `${options.host}:${options.port}`;
      const connect = httpRequest({ host: proxy.hostname, port: Number(proxy.port || 80), method: 'CONNECT', path: target, headers: { host: target, ...(auth ? { 'proxy-authorization': auth } : {}) } });
      connect.once('connect', (response, socket) => {
        if (response.statusCode !== 200) {
          socket.destroy();
          callback(Object.assign(new Error(`the proxy ${proxy.host} refused CONNECT ${target} (HTTP ${response.statusCode})`), { code: 'EPROXY' }));
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

interface ExecCredential {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  expiresAt?: number;
}

function execFailure(exec: ExecConfig, why: string): ActionError {
  return new ActionError(`The kubeconfig's exec credential plugin \`${exec.command}\` failed`, {
    why,
    check: [exec.installHint?.trim() || `\`${exec.command}\` is installed and on PATH on the runner`, 'the cloud login step (e.g. aws-actions/configure-aws-credentials) ran before this one'],
  });
}

/** Runs the plugin as client-go does (KUBERNETES_EXEC_INFO, non-interactive) and reads its ExecCredential. */
export async function runExecPlugin(exec: ExecConfig, target: KubeTarget, env: NodeJS.ProcessEnv = process.env): Promise<ExecCredential> {
  if (!EXEC_VERSIONS.includes(exec.apiVersion)) {
    throw new KubeconfigError(`its exec plugin's apiVersion "${exec.apiVersion ?? ''}" is not supported (expected ${EXEC_VERSIONS.join(' or ')}; v1alpha1 was removed in Kubernetes 1.24)`);
  }
  if (typeof exec.command !== 'string' || !exec.command) throw new KubeconfigError('its exec plugin has no command');
  if (exec.interactiveMode === 'Always') throw execFailure(exec, 'it is configured with interactiveMode: Always, and a CI step has no terminal');
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    const c = target.cluster;
    const extension = c.extensions?.find((e) => e.name === 'client.authentication.k8s.io/exec')?.extension;
    spec.cluster = {
      server: c.server,
      ...(c['tls-server-name'] ? { 'tls-server-name': c['tls-server-name'] } : {}),
      ...(c['insecure-skip-tls-verify'] ? { 'insecure-skip-tls-verify': true } : {}),
      ...(c['certificate-authority-data'] ? { 'certificate-authority-data': c['certificate-authority-data'] } : c['certificate-authority'] ? { 'certificate-authority-data': readPem(c['certificate-authority'], 'certificate-authority').toString('base64') } : {}),
      ...(c['proxy-url'] ? { 'proxy-url': c['proxy-url'] } : {}),
      ...(extension !== undefined ? { config: extension } : {}),
    };
  }
  // As kubectl runs it: the plugin sees the environment (AWS_*, cloud SDK settings the login step set),
  // but not the action's inputs (INPUT_KUBECONFIG, any token given to this step) or the runner's tokens.
  const childEnv: NodeJS.ProcessEnv = { ...inheritedEnvironment(env), KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec }) };
  for (const variable of exec.env ?? []) if (variable?.name) childEnv[variable.name] = String(variable.value ?? '');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(exec.command, (exec.args ?? []).map(String), { env: childEnv, timeout: EXEC_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, out, err) => {
      if (!error) return resolve(out);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(execFailure(exec, `${exec.command} was not found`));
      if (code === 'EACCES') return reject(execFailure(exec, `${exec.command} is not executable`));
      if ((error as { killed?: boolean }).killed) return reject(execFailure(exec, `it did not answer within ${EXEC_TIMEOUT_MS / 1000} s`));
      // Its stderr is the user's best clue (expired SSO session, missing profile); it never holds the credential.
      const last = err.trim().split('\n').slice(-5).join('\n');
      reject(execFailure(exec, `it exited with code ${code ?? (error as { signal?: string }).signal}${last ? `: ${last}` : ''}`));
    });
  });
  let credential: { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  try {
    credential = JSON.parse(stdout);
  } catch {
    throw execFailure(exec, 'its output is not an ExecCredential (not JSON)');
  }
  if (credential?.kind !== 'ExecCredential') throw execFailure(exec, `its output is not an ExecCredential (kind ${JSON.stringify(credential?.kind ?? null)})`);
  if (credential.apiVersion !== exec.apiVersion) throw execFailure(exec, `it answered with apiVersion ${credential.apiVersion}, the kubeconfig asks for ${exec.apiVersion}`);
  const status = credential.status ?? {};
  const token = typeof status.token === 'string' && status.token ? status.token : undefined;
  const certData = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : undefined;
  const keyData = typeof status.clientKeyData === 'string' ? status.clientKeyData : undefined;
  if (token) registerSecret(token);
  if (keyData) registerSecret(keyData);
  if (!token && !(certData && keyData)) throw execFailure(exec, 'its ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData');
  let expiresAt: number | undefined;
  if (typeof status.expirationTimestamp === 'string') {
    expiresAt = Date.parse(status.expirationTimestamp);
    if (Number.isNaN(expiresAt)) throw execFailure(exec, `its expirationTimestamp "${status.expirationTimestamp}" is not a date`);
  }
  return { token, ...(certData && keyData ? { cert: Buffer.from(certData), key: Buffer.from(keyData) } : {}), expiresAt };
}

/** kubectl's --as, --as-uid, --as-group: one header line per group (Node sends an array as repeated lines). */
export function impersonation(target: KubeTarget): Record<string, string | string[]> {
  const u = target.user;
  const headers: Record<string, string | string[]> = {};
  if (u.as) headers['impersonate-user'] = u.as;
  if (u['as-uid']) headers['impersonate-uid'] = u['as-uid'];
  if (u['as-groups']?.length) headers['impersonate-group'] = u['as-groups'].map(String);
  for (const [key, values] of Object.entries(u['as-user-extra'] ?? {})) headers[`impersonate-extra-${encodeURIComponent(key)}`] = (values ?? []).map(String);
  return headers;
}

/** The credentials of a resolved context; throws a KubeconfigError for what is wrong with it. */
export async function credentialsFor(target: KubeTarget, env: NodeJS.ProcessEnv = process.env): Promise<Credentials> {
  const u = target.user;
  // Credentials travel over https only (SECURITY.md rule 2); kubectl would send a token to an http://
  // server in clear text, we refuse before anything is sent. Loopback test servers are the exception.
  const carriesSecret = Boolean(u.token || u.tokenFile || u.password || u.exec || u['auth-provider']);
  const transport = carriesSecret ? credentialTransportProblem(target.server) : undefined;
  if (transport) throw new KubeconfigError(`user "${target.userName}" has credentials, and the server ${target.server} is plain http: ${transport}`);
  const proxy = proxyFor(target, env);
  if (u['auth-provider']) return clientNodeCredentials(target, proxy);
  const tls = clusterTls(target);
  const extra = impersonation(target);
  const certificate = u['client-certificate-data'] ? base64Pem(u['client-certificate-data'], 'client-certificate') : u['client-certificate'] ? readPem(u['client-certificate'], 'client-certificate') : undefined;
  const key = u['client-key-data'] ? base64Pem(u['client-key-data'], 'client-key') : u['client-key'] ? readPem(u['client-key'], 'client-key') : undefined;
  if (Boolean(certificate) !== Boolean(key)) throw new KubeconfigError(`user "${target.userName}" has a client ${certificate ? 'certificate but no key' : 'key but no certificate'}`);
  if (key) registerSecret(key.toString('utf8'));
  for (const secret of [u.token, u.password, u['client-key-data']]) if (secret) registerSecret(secret);
  const baseAgent = makeAgent(target.server, { ...tls, ...(certificate ? { cert: certificate, key } : {}) }, proxy);

  if (u.exec) {
    const exec = u.exec;
    let cached: (ExecCredential & { agent: HttpAgent }) | undefined;
    let pending: Promise<ExecCredential & { agent: HttpAgent }> | undefined;
    const fresh = () => cached && (cached.expiresAt === undefined || cached.expiresAt - EXPIRY_MARGIN_MS > Date.now());
    return {
      method: `exec plugin ${exec.command.split('/').pop()}`,
      proxy,
      async prepare() {
        if (!fresh()) {
          // Concurrent requests (three watches start together) share one run of the plugin.
          pending ??= runExecPlugin(exec, target, env).then((credential) => ({
            ...credential,
            agent: credential.cert ? makeAgent(target.server, { ...tls, cert: credential.cert, key: credential.key }, proxy) : baseAgent,
          }));
          try {
            cached = await pending;
          } finally {
            pending = undefined;
          }
        }
        const current = cached!;
        return { agent: current.agent, headers: { ...extra, ...(current.token ? { authorization: `Bearer ${current.token}` } : {}) } };
      },
      invalidate() {
        cached = undefined;
        return true;
      },
    };
  }

  if (u.tokenFile) {
    const file = u.tokenFile;
    let token = '';
    let readAt = 0;
    let mtime = 0;
    return {
      method: 'token file',
      proxy,
      async prepare() {
        if (!token || Date.now() - readAt > TOKEN_FILE_TTL_MS || statSync(file, { throwIfNoEntry: false })?.mtimeMs !== mtime) {
          try {
            token = readFileSync(file, 'utf8').trim();
            mtime = statSync(file).mtimeMs;
          } catch (error) {
            throw new KubeconfigError(`its tokenFile ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
          }
          readAt = Date.now();
          registerSecret(token);
        }
        return { agent: baseAgent, headers: { ...extra, authorization: `Bearer ${token}` } };
      },
      invalidate() {
        const changed = statSync(file, { throwIfNoEntry: false })?.mtimeMs !== mtime;
        token = '';
        return changed;
      },
    };
  }

  const headers: Record<string, string | string[]> = { ...extra };
  let method = certificate ? 'client certificate' : 'anonymous';
  if (u.token) {
    headers.authorization = `Bearer ${u.token}`;
    method = 'token';
  } else if (u.username) {
    headers.authorization = `Basic ${Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64')}`;
    registerSecret((headers.authorization as string).slice(6));
    method = 'basic auth';
  }
  return { method, proxy, prepare: async () => ({ agent: baseAgent, headers }), invalidate: () => false };
}

/** Legacy auth-provider users, through client-node's KubeConfig (it refreshes oidc tokens and writes nothing back here). */
async function clientNodeCredentials(target: KubeTarget, proxy: ProxySetting | undefined): Promise<Credentials> {
  const provider = target.user['auth-provider']!;
  const k8s = await import('@kubernetes/client-node');
  const { stringify } = await import('yaml');
  const kc = new k8s.KubeConfig();
  kc.loadFromString(stringify({ apiVersion: 'v1', kind: 'Config', ...target.config, 'current-context': target.context }));
  // Only the credentials: client-id or the issuer URL are not secret, and masking them would garble the log.
  for (const [key, value] of Object.entries(provider.config ?? {})) if (/token|secret|password/i.test(key) && typeof value === 'string') registerSecret(value);
  const extra = impersonation(target);
  let agent: HttpAgent | undefined;
  return {
    method: `auth-provider ${provider.name} (via @kubernetes/client-node)`,
    proxy,
    async prepare() {
      const options: RequestOptions = {};
      try {
        await kc.applyToHTTPSOptions(options);
      } catch (error) {
        throw new ActionError(`The kubeconfig's auth-provider "${provider.name}" could not produce a credential`, {
          why: (error as Error)?.message ?? String(error),
          check: ['auth-provider plugins were removed from kubectl 1.26 (except oidc): switch the kubeconfig to the exec plugin (gke-gcloud-auth-plugin, kubelogin)'],
        });
      }
      const headers: Record<string, string | string[]> = { ...extra };
      for (const [name, value] of Object.entries(options.headers ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
      const authorization = headers.authorization;
      if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) registerSecret(authorization.slice(7));
      // client-node makes a new agent on every call; the TLS settings do not change, so one keep-alive agent serves.
      agent ??= makeAgent(target.server, { ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: options.rejectUnauthorized, servername: options.servername }, proxy);
      return { agent, headers };
    },
    invalidate: () => true,
  };
}
