/**
 * kubeconfig files as kubectl reads them: KUBECONFIG's list merged (the first file to name a cluster,
 * user or context wins; the first current-context wins), paths relative to the file that holds them,
 * then one context resolved to its cluster and user.
 *
 * Why not a client library's loader: @kubernetes/client-node's KubeConfig loads the whole generated
 * client (every model and API, ~70 MB of heap, a 16 MB bundle), and a process that large takes 11-18 ms
 * to exit instead of 5-6 ms, which is the whole of the step's reaction to a finished Job (see
 * bench/migrate-job.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ActionError } from '@deploy-kit/core';

export interface ExecEnvVar {
  name: string;
  value: string;
}

/** `users[].user.exec`: a credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin). */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args?: string[];
  env?: ExecEnvVar[];
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface ClusterEntry {
  server: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  extensions?: { name: string; extension: unknown }[];
}

export interface UserEntry {
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  exec?: ExecConfig;
  'auth-provider'?: { name: string; config?: Record<string, string> };
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
}

export interface ContextEntry {
  cluster: string;
  user?: string;
  namespace?: string;
}

/** A kubeconfig, or several merged, with every relative path made absolute. */
export interface Kubeconfig {
  clusters: { name: string; cluster: ClusterEntry }[];
  users: { name: string; user: UserEntry }[];
  contexts: { name: string; context: ContextEntry }[];
  'current-context'?: string;
}

/** One context resolved: where to connect and as whom. */
export interface KubeTarget {
  context: string;
  server: string;
  /** The context's namespace, if it names one. */
  namespace?: string;
  cluster: ClusterEntry;
  user: UserEntry;
  userName: string;
  /** The merged kubeconfig it came from. */
  config: Kubeconfig;
}

/** What went wrong with a kubeconfig, without quoting any of it (a line can hold a credential). */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

const PATH_FIELDS_CLUSTER = ['certificate-authority'] as const;
const PATH_FIELDS_USER = ['tokenFile', 'client-certificate', 'client-key'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function namedList(
  doc: Record<string, unknown>,
  key: string,
  inner: string,
  origin: string,
): { name: string; value: Record<string, unknown> }[] {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`${origin}: "${key}" is not a list`);
  return list.map((entry, index) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !entry.name)
      throw new KubeconfigError(`${origin}: ${key}[${index}] has no name`);
    const value = entry[inner] ?? {};
    if (!isRecord(value)) throw new KubeconfigError(`${origin}: ${key}[${index}] ("${entry.name}") has no "${inner}" map`);
    return { name: entry.name, value };
  });
}

function absolutePath(path: unknown, baseDir: string | undefined): unknown {
  if (typeof path !== 'string' || !path || isAbsolute(path) || baseDir === undefined) return path;
  return resolve(baseDir, path);
}

/** An exec plugin's command is relative to the kubeconfig's folder only when it has a path separator (client-go's rule). */
function execCommand(command: unknown, baseDir: string | undefined): unknown {
  if (typeof command !== 'string' || !command.includes('/') || isAbsolute(command) || baseDir === undefined) return command;
  return resolve(baseDir, command);
}

/**
 * Parses one kubeconfig document. `baseDir` (the file's folder) anchors relative paths; text given
 * inline has none, so its relative paths stay relative to the working directory, as kubectl does.
 */
export async function parseKubeconfig(text: string, origin: string, baseDir?: string): Promise<Kubeconfig> {
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false });
  } catch (error) {
    // The parser's message quotes the offending line: give only its position.
    const offset = (error as { pos?: number[] })?.pos?.[0];
    const line = typeof offset === 'number' ? text.slice(0, offset).split('\n').length : undefined;
    throw new KubeconfigError(`${origin} is not valid YAML${line ? ` (error at line ${line})` : ''}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isRecord(doc)) throw new KubeconfigError(`${origin} is not a kubeconfig (expected a map with clusters, users and contexts)`);
  const clusters = namedList(doc, 'clusters', 'cluster', origin).map(({ name, value }) => {
    const cluster = { ...value } as Record<string, unknown>;
    for (const field of PATH_FIELDS_CLUSTER) cluster[field] = absolutePath(cluster[field], baseDir);
    return { name, cluster: cluster as unknown as ClusterEntry };
  });
  const users = namedList(doc, 'users', 'user', origin).map(({ name, value }) => {
    const user = { ...value } as Record<string, unknown>;
    for (const field of PATH_FIELDS_USER) user[field] = absolutePath(user[field], baseDir);
    if (isRecord(user.exec)) user.exec = { ...user.exec, command: execCommand(user.exec.command, baseDir) };
    return { name, user: user as unknown as UserEntry };
  });
  const contexts = namedList(doc, 'contexts', 'context', origin).map(({ name, value }) => ({
    name,
    context: value as unknown as ContextEntry,
  }));
  const current = doc['current-context'];
  return { clusters, users, contexts, ...(typeof current === 'string' && current ? { 'current-context': current } : {}) };
}

/** KUBECONFIG's merge: the first file that defines a name wins, and the first current-context wins. */
export function mergeKubeconfigs(configs: Kubeconfig[]): Kubeconfig {
  const merged: Kubeconfig = { clusters: [], users: [], contexts: [] };
  const add = <T extends { name: string }>(into: T[], from: T[]) => {
    for (const entry of from) if (!into.some((e) => e.name === entry.name)) into.push(entry);
  };
  for (const config of configs) {
    add(merged.clusters, config.clusters);
    add(merged.users, config.users);
    add(merged.contexts, config.contexts);
    if (!merged['current-context'] && config['current-context']) merged['current-context'] = config['current-context'];
  }
  return merged;
}

/** The context `name` (or the current one) with its cluster and user; a clear error for each missing link. */
export function resolveContext(config: Kubeconfig, name?: string): KubeTarget {
  const wanted = name || config['current-context'];
  const names = config.contexts.map((c) => c.name);
  if (!wanted) {
    throw new KubeconfigError(
      `it has no current-context${names.length ? ` (its contexts: ${names.join(', ')}; set \`context\`)` : ' and no contexts'}`,
    );
  }
  const context = config.contexts.find((c) => c.name === wanted)?.context;
  if (!context) {
    throw new KubeconfigError(
      name
        ? `it has no context "${name}" (its contexts: ${names.join(', ') || 'none'})`
        : `its current-context "${wanted}" is not one of its contexts (${names.join(', ') || 'none'})`,
    );
  }
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new KubeconfigError(`context "${wanted}" names cluster "${context.cluster ?? ''}", which it does not define`);
  if (typeof cluster.server !== 'string' || !/^https?:\/\/[^/]/.test(cluster.server)) {
    throw new KubeconfigError(`cluster "${context.cluster}" has no valid server (expected https://host[:port])`);
  }
  const userName = context.user ?? '';
  const user = userName ? config.users.find((u) => u.name === userName)?.user : {};
  if (!user) throw new KubeconfigError(`context "${wanted}" names user "${userName}", which it does not define`);
  return {
    context: wanted,
    server: cluster.server.replace(/\/+$/, ''),
    namespace: context.namespace || undefined,
    cluster,
    user,
    userName,
    config,
  };
}

export const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod's own service account (KUBERNETES_SERVICE_HOST and the mounted token), as client-go's InClusterConfig. */
export function inClusterConfig(env: Record<string, string | undefined>, dir = IN_CLUSTER_DIR): Kubeconfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT || '443';
  if (!host || !existsSync(join(dir, 'token'))) return undefined;
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority': join(dir, 'ca.crt') } }],
    // The token is a file: bound service account tokens are rotated, so it is read again as it ages.
    users: [{ name: 'in-cluster', user: { tokenFile: join(dir, 'token') } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', ...(namespace ? { namespace } : {}) } }],
    'current-context': 'in-cluster',
  };
}

export interface KubeconfigSource {
  /** How to name it in an error: "the kubeconfig input", "KUBECONFIG (...)". */
  label: string;
  load(): Promise<Kubeconfig>;
}

/**
 * Where the kubeconfig comes from, in kubectl's order: the `kubeconfig` input (YAML or a path), KUBECONFIG's
 * files, ~/.kube/config, then the pod's service account. Files that do not exist are errors, not skipped:
 * a typo should not silently select another cluster.
 */
export function kubeconfigSource(input: string, env: Record<string, string | undefined>, inClusterDir = IN_CLUSTER_DIR): KubeconfigSource {
  const raw = input.trim();
  const fromFile = (file: string) => async () => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new KubeconfigError(`the file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    return parseKubeconfig(text, file, dirname(resolve(file)));
  };
  if (raw && (raw.includes('\n') || raw.startsWith('apiVersion') || raw.startsWith('{'))) {
    return { label: 'the kubeconfig input', load: () => parseKubeconfig(raw, 'the kubeconfig input') };
  }
  if (raw) {
    // Only a value that looks like a path is quoted back: a one-line secret (a base64 kubeconfig) is not.
    const pathLike = /^(\/|\.{1,2}\/|~)/.test(raw) && !/\s/.test(raw);
    return {
      label: pathLike ? `the kubeconfig file ${raw}` : 'the kubeconfig input (one line, so read as a file path)',
      load: async () => {
        if (!existsSync(raw)) {
          throw new KubeconfigError(
            pathLike
              ? `the file ${raw} does not exist`
              : 'the value is neither a kubeconfig (YAML starting with `apiVersion`, or JSON) nor the path of an existing file (a base64-encoded kubeconfig must be decoded first)',
          );
        }
        return fromFile(raw)();
      },
    };
  }
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
    return {
      label: `KUBECONFIG (${env.KUBECONFIG})`,
      load: async () => {
        for (const file of files) if (!existsSync(file)) throw new KubeconfigError(`KUBECONFIG names ${file}, which does not exist`);
        return mergeKubeconfigs(await Promise.all(files.map((file) => fromFile(file)())));
      },
    };
  }
  const home = env.HOME || env.USERPROFILE || '';
  const defaultFile = home ? join(home, '.kube', 'config') : '';
  if (defaultFile && existsSync(defaultFile)) return { label: `the default kubeconfig (${defaultFile})`, load: fromFile(defaultFile) };
  return {
    label: 'the default kubeconfig (~/.kube/config)',
    load: async () => {
      const inCluster = inClusterConfig(env, inClusterDir);
      if (inCluster) return inCluster;
      // Without this the failure would read like a network problem (kubectl's localhost:8080); most often
      // the `kubeconfig` input came from a secret that is not set.
      throw new KubeconfigError(
        'no kubeconfig was given: the `kubeconfig` input is empty (a secret that is not set?), KUBECONFIG is not set and ~/.kube/config does not exist',
      );
    },
  };
}

/** A kubeconfig problem as the user's error: which source, what is wrong with it, how to give one. */
export function kubeconfigFailure(label: string, why: string): ActionError {
  return new ActionError(`Cannot use ${label}`, {
    why,
    check: [
      "pass `kubeconfig` (a path or the YAML itself, from a secret), or set KUBECONFIG, or run your cloud's kubeconfig step (e.g. aws eks update-kubeconfig) first",
    ],
  });
}
