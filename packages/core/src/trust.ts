/**
 * The trust rules every action applies (SECURITY.md): where a credential may travel, how long a
 * request may wait, and what a child process may see. Pure functions, so each rule has one
 * implementation and one table of tests.
 */
import { ActionError } from './errors.js';

/** `localhost`, `127.0.0.0/8` and `::1`, with or without a port or IPv6 brackets. */
export function isLoopbackHost(host: string): boolean {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) name = name.slice(1, name.indexOf(']') < 0 ? undefined : name.indexOf(']'));
  else if (/^[^:]+:\d+$/.test(name)) name = name.replace(/:\d+$/, '');
  name = name.replace(/\.$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The host[:port] a URL's credentials are bound to, lower-cased, with the scheme's default port dropped. */
export function hostOf(url: string | URL): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return parsed.host.toLowerCase();
}

/**
 * Why a credential must not be sent to this URL, or undefined when it may: credentials go over
 * https, and over plain http only to a loopback host (a local test registry or API fake).
 */
export function credentialTransportProblem(url: string | URL): string | undefined {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return `"${String(url)}" is not a URL`;
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
  if (parsed.protocol === 'http:')
    return `${parsed.host} would receive it over plain http (credentials go over https only; http is allowed for loopback hosts)`;
  return `${parsed.protocol}// is not http or https`;
}

/**
 * Throws unless `url` may carry a credential (see {@link credentialTransportProblem}). `what` names
 * the credential and where the URL came from, e.g. `the registry login for 123.dkr.ecr… (token realm)`.
 */
export function assertCredentialTransport(url: string | URL, what: string, check?: string | string[]): void {
  const problem = credentialTransportProblem(url);
  if (problem === undefined) return;
  throw new ActionError(`Refused to send ${what}`, {
    why: problem,
    check: check ?? 'use an https URL; only 127.0.0.1, ::1 and localhost may be spoken to over plain http',
  });
}

/**
 * Whether a credential issued for `issuedFor` (a host[:port]) may go to `url`: the same host and
 * port, over a transport {@link credentialTransportProblem} accepts. A registry's token realm on
 * another host gets the credential only when the caller asks for that explicitly.
 */
export function credentialBoundTo(issuedFor: string, url: string | URL): boolean {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return normaliseHost(issuedFor, parsed.protocol) === parsed.host.toLowerCase() && credentialTransportProblem(parsed) === undefined;
}

/**
 * The host[:port] GitHub serves release asset uploads on for an API URL (the `upload_url` of a
 * release): `uploads.github.com` for api.github.com, `uploads.<name>.ghe.com` for GHE.com's
 * `api.<name>.ghe.com`, and the API's own host for every other API URL (GitHub Enterprise Server
 * serves them at `/api/uploads` on its own host; a loopback test server likewise). A GitHub token
 * may go there, and to no other host a release's `upload_url` might name.
 */
export function githubUploadsHost(apiUrl: string | URL): string {
  const host = hostOf(apiUrl);
  if (host === 'api.github.com') return 'uploads.github.com';
  const ghe = /^api\.([a-z0-9-]+)\.ghe\.com$/.exec(host);
  if (ghe) return `uploads.${ghe[1]}.ghe.com`;
  return host;
}

function normaliseHost(host: string, protocol: string): string {
  const lower = host
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/.*$/, '');
  if (protocol === 'https:') return lower.replace(/:443$/, '');
  if (protocol === 'http:') return lower.replace(/:80$/, '');
  return lower;
}

/** Default per-request limit: a server that accepts and never answers cannot hold a step longer. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The signal for one request: aborted after `timeoutMs`, or when `outer` (the step's own deadline
 * or cancellation) aborts, whichever comes first.
 */
export function requestSignal(timeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS, outer?: AbortSignal): AbortSignal {
  const own = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs)));
  return outer ? AbortSignal.any([outer, own]) : own;
}

/**
 * Environment variables a child process gets by default: what programs need to run (paths, locale,
 * temp dirs, the runner's identity) and the network settings (proxies, CA bundles) — never the
 * action's inputs (`INPUT_*`), state (`STATE_*`) or the runner's tokens.
 */
const BASIC_VARIABLES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TEMP',
  'TMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'USERPROFILE',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'CI',
  'GITHUB_ACTIONS',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'RUNNER_TEMP',
  'RUNNER_TOOL_CACHE',
  'RUNNER_DEBUG',
];

/** Variables no child ever gets, even from a "pass the environment through" child: the runner's tokens. */
const RUNNER_SECRETS =
  /^(INPUT_|STATE_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_ID_TOKEN_REQUEST_|ACTIONS_CACHE_|ACTIONS_RESULTS_URL$|GITHUB_TOKEN$|GH_TOKEN$)/;

export function isRunnerSecretVariable(name: string): boolean {
  return RUNNER_SECRETS.test(name.toUpperCase()) || RUNNER_SECRETS.test(name);
}

/**
 * An explicit child environment: the basics (above) and `LC_*` from `parent`, the names in `pass`
 * that `parent` has, then `set` on top. Nothing else of the parent's leaks in.
 */
export function childEnvironment(
  options: { set?: Record<string, string>; pass?: readonly string[] } = {},
  parent: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  const wanted = new Set([...BASIC_VARIABLES, ...(options.pass ?? [])]);
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || isRunnerSecretVariable(name)) continue;
    if (wanted.has(name) || name.startsWith('LC_')) env[name] = value;
  }
  return { ...env, ...(options.set ?? {}) };
}

/**
 * The parent's environment without the action's inputs, state and the runner's tokens: for a child
 * that by its contract sees the environment (a kubeconfig exec plugin, as kubectl runs it, needs the
 * AWS or cloud variables the job set up).
 */
export function inheritedEnvironment(parent: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) if (value !== undefined && !isRunnerSecretVariable(name)) env[name] = value;
  return env;
}
