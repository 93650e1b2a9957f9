/**
 * How each request to the API server authenticates, from a resolved kubeconfig context: a bearer token
 * (inline, or a file read again as it ages: bound service account tokens rotate), basic auth, a client
 * certificate, an exec credential plugin (client.authentication.k8s.io v1 and v1beta1: `aws eks
 * get-token`, `gke-gcloud-auth-plugin`, `kubelogin`), whose credential is kept until its
 * expirationTimestamp and fetched again after a 401, or the `oidc` auth-provider (oidc.ts: the id-token,
 * refreshed with the refresh-token when it expires). Impersonation headers as kubectl's --as.
 *
 * Other auth-providers (gcp, azure) were removed from kubectl in 1.26 and are refused with the exec
 * plugin that replaces each.
 *
 * Why child_process and not @actions/exec (3.0.0) for the exec plugin: a plugin that waits (an
 * expired SSO login prompting, a hung cloud CLI) is stopped after EXEC_TIMEOUT_MS, and exec gives no
 * handle on the child to stop it with (no ChildProcess, pid, AbortSignal or kill option).
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import { ActionError, credentialTransportProblem, inheritedEnvironment, registerSecret } from '@deploy-kit/core';
import { KubeconfigError, type ExecConfig, type KubeTarget } from './kubeconfig.js';
import { OidcTokenSource, type OidcConfig } from './oidc.js';
import { base64Pem, clusterTls, makeAgent, proxyFromEnvironment, readPem, type ProxySetting } from './transport.js';

// Where they were before the split (the tests and callers import them from here).
export { clusterTls, makeAgent, proxyFromEnvironment, type ProxySetting } from './transport.js';

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

interface ExecCredential {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  expiresAt?: number;
}

function execFailure(exec: ExecConfig, why: string): ActionError {
  return new ActionError(`The kubeconfig's exec credential plugin \`${exec.command}\` failed`, {
    why,
    check: [
      exec.installHint?.trim() || `\`${exec.command}\` is installed and on PATH on the runner`,
      'the cloud login step (e.g. aws-actions/configure-aws-credentials) ran before this one',
    ],
  });
}

/** Runs the plugin as client-go does (KUBERNETES_EXEC_INFO, non-interactive) and reads its ExecCredential. */
export async function runExecPlugin(exec: ExecConfig, target: KubeTarget, env: NodeJS.ProcessEnv = process.env): Promise<ExecCredential> {
  if (!EXEC_VERSIONS.includes(exec.apiVersion)) {
    throw new KubeconfigError(
      `its exec plugin's apiVersion "${exec.apiVersion ?? ''}" is not supported (expected ${EXEC_VERSIONS.join(' or ')}; v1alpha1 was removed in Kubernetes 1.24)`,
    );
  }
  if (typeof exec.command !== 'string' || !exec.command) throw new KubeconfigError('its exec plugin has no command');
  if (exec.interactiveMode === 'Always')
    throw execFailure(exec, 'it is configured with interactiveMode: Always, and a CI step has no terminal');
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    const c = target.cluster;
    const extension = c.extensions?.find((e) => e.name === 'client.authentication.k8s.io/exec')?.extension;
    spec.cluster = {
      server: c.server,
      ...(c['tls-server-name'] ? { 'tls-server-name': c['tls-server-name'] } : {}),
      ...(c['insecure-skip-tls-verify'] ? { 'insecure-skip-tls-verify': true } : {}),
      ...(c['certificate-authority-data']
        ? { 'certificate-authority-data': c['certificate-authority-data'] }
        : c['certificate-authority']
          ? { 'certificate-authority-data': readPem(c['certificate-authority'], 'certificate-authority').toString('base64') }
          : {}),
      ...(c['proxy-url'] ? { 'proxy-url': c['proxy-url'] } : {}),
      ...(extension !== undefined ? { config: extension } : {}),
    };
  }
  // As kubectl runs it: the plugin sees the environment (AWS_*, cloud SDK settings the login step set),
  // but not the action's inputs (INPUT_KUBECONFIG, any token given to this step) or the runner's tokens.
  const childEnv: NodeJS.ProcessEnv = {
    ...inheritedEnvironment(env),
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec }),
  };
  for (const variable of exec.env ?? []) if (variable?.name) childEnv[variable.name] = String(variable.value ?? '');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      exec.command,
      (exec.args ?? []).map(String),
      { env: childEnv, timeout: EXEC_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, out, err) => {
        if (!error) return resolve(out);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return reject(execFailure(exec, `${exec.command} was not found`));
        if (code === 'EACCES') return reject(execFailure(exec, `${exec.command} is not executable`));
        if ((error as { killed?: boolean }).killed)
          return reject(execFailure(exec, `it did not answer within ${EXEC_TIMEOUT_MS / 1000} s`));
        // Its stderr is the user's best clue (expired SSO session, missing profile); it never holds the credential.
        const last = err.trim().split('\n').slice(-5).join('\n');
        reject(execFailure(exec, `it exited with code ${code ?? (error as { signal?: string }).signal}${last ? `: ${last}` : ''}`));
      },
    );
  });
  let credential: { apiVersion?: string; kind?: string; status?: Record<string, unknown> };
  try {
    credential = JSON.parse(stdout);
  } catch {
    throw execFailure(exec, 'its output is not an ExecCredential (not JSON)');
  }
  if (credential?.kind !== 'ExecCredential')
    throw execFailure(exec, `its output is not an ExecCredential (kind ${JSON.stringify(credential?.kind ?? null)})`);
  if (credential.apiVersion !== exec.apiVersion)
    throw execFailure(exec, `it answered with apiVersion ${credential.apiVersion}, the kubeconfig asks for ${exec.apiVersion}`);
  const status = credential.status ?? {};
  const token = typeof status.token === 'string' && status.token ? status.token : undefined;
  const certData = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : undefined;
  const keyData = typeof status.clientKeyData === 'string' ? status.clientKeyData : undefined;
  if (token) registerSecret(token);
  if (keyData) registerSecret(keyData);
  if (!token && !(certData && keyData))
    throw execFailure(exec, 'its ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData');
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
  for (const [key, values] of Object.entries(u['as-user-extra'] ?? {}))
    headers[`impersonate-extra-${encodeURIComponent(key)}`] = (values ?? []).map(String);
  return headers;
}

/** What bounds the credential requests of their own (an oidc refresh): the step's deadline, the per-request limit. */
export interface CredentialOptions {
  deadline?: AbortSignal;
  timeoutMs?: number;
}

/** The credentials of a resolved context; throws a KubeconfigError for what is wrong with it. */
export async function credentialsFor(
  target: KubeTarget,
  env: NodeJS.ProcessEnv = process.env,
  options: CredentialOptions = {},
): Promise<Credentials> {
  const u = target.user;
  // Credentials travel over https only (SECURITY.md rule 2); kubectl would send a token to an http://
  // server in clear text, we refuse before anything is sent. Loopback test servers are the exception.
  const carriesSecret = Boolean(u.token || u.tokenFile || u.password || u.exec || u['auth-provider']);
  const transport = carriesSecret ? credentialTransportProblem(target.server) : undefined;
  if (transport)
    throw new KubeconfigError(`user "${target.userName}" has credentials, and the server ${target.server} is plain http: ${transport}`);
  const proxy = proxyFor(target, env);
  const tls = clusterTls(target);
  const extra = impersonation(target);
  const certificate = u['client-certificate-data']
    ? base64Pem(u['client-certificate-data'], 'client-certificate')
    : u['client-certificate']
      ? readPem(u['client-certificate'], 'client-certificate')
      : undefined;
  const key = u['client-key-data']
    ? base64Pem(u['client-key-data'], 'client-key')
    : u['client-key']
      ? readPem(u['client-key'], 'client-key')
      : undefined;
  if (Boolean(certificate) !== Boolean(key))
    throw new KubeconfigError(
      `user "${target.userName}" has a client ${certificate ? 'certificate but no key' : 'key but no certificate'}`,
    );
  if (key) registerSecret(key.toString('utf8'));
  for (const secret of [u.token, u.password, u['client-key-data']]) if (secret) registerSecret(secret);
  const baseAgent = makeAgent(target.server, { ...tls, ...(certificate ? { cert: certificate, key } : {}) }, proxy);
  if (u['auth-provider']) return authProviderCredentials(target, baseAgent, extra, proxy, env, options);

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

/**
 * kubectl 1.26 removed the auth-providers but oidc; each has an exec plugin that replaces it. Said before
 * any request, so the step fails with the way out rather than with a 401.
 */
const AUTH_PROVIDER_REPLACEMENTS: Record<string, string> = {
  gcp: 'gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin; then gcloud container clusters get-credentials writes the exec user)',
  azure: "kubelogin (kubelogin convert-kubeconfig -l azurecli, or -l workloadidentity with azure/login's OIDC)",
};

export function unsupportedAuthProvider(userName: string, name: string): ActionError {
  const replacement = AUTH_PROVIDER_REPLACEMENTS[name];
  return new ActionError(`The kubeconfig's user "${userName}" uses the auth-provider "${name}", which deploy-kit does not support`, {
    why: 'auth-providers were removed from kubectl in 1.26, except oidc; deploy-kit supports oidc (with its refresh-token) and exec credential plugins',
    check: [
      replacement
        ? `switch the user to the exec plugin that replaced it: ${replacement}`
        : 'switch the user to an exec credential plugin (client.authentication.k8s.io/v1), e.g. kubelogin for OIDC providers',
      'or pass a kubeconfig with a token or a client certificate',
    ],
  });
}

/** An `auth-provider` user: oidc with its refresh, anything else refused (see {@link unsupportedAuthProvider}). */
function authProviderCredentials(
  target: KubeTarget,
  agent: HttpAgent,
  extra: Record<string, string | string[]>,
  proxy: ProxySetting | undefined,
  env: NodeJS.ProcessEnv,
  options: CredentialOptions,
): Credentials {
  const provider = target.user['auth-provider']!;
  const name = typeof provider?.name === 'string' ? provider.name : '';
  if (name !== 'oidc') throw unsupportedAuthProvider(target.userName, name || '(no name)');
  const source = new OidcTokenSource((provider.config ?? {}) as OidcConfig, {
    env,
    deadline: options.deadline,
    timeoutMs: options.timeoutMs,
  });
  return {
    method: 'auth-provider oidc',
    proxy,
    async prepare() {
      return { agent, headers: { ...extra, authorization: `Bearer ${await source.token()}` } };
    },
    invalidate: () => source.invalidate(),
  };
}
