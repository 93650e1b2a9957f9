/**
 * Registry addresses: the `registry` input every action reads with one rule, the URL a registry is
 * spoken to at, and ECR's host names.
 *
 * The rule (SECURITY.md rule 2): `[https://|http://]host[:port][/namespace…]`; an explicit scheme is
 * https, or plain http for a loopback host only (a local test registry; core's isLoopbackHost); with
 * no scheme a registry is spoken to over https, except a loopback one, over http (as docker treats
 * localhost). References themselves never carry a scheme.
 */
import { InputError } from '../errors.js';
import { isLoopbackHost } from '../trust.js';
import { PATH_COMPONENT, PATH_RULE, isValidHost, suggestionFor } from './reference.js';

/** A registry named by the `registry` input. */
export interface RegistryAddress {
  /** `host[:port]`, lower-cased, as written in references. */
  host: string;
  /** The scheme the input named, if it named one (`http` only for loopback). */
  scheme?: 'http' | 'https';
  /** Repository namespace for bare names (`registry: ghcr.io/team` → `ghcr.io/team/<name>`); '' when none. */
  namespace: string;
}

export const REGISTRY_FORMS =
  '`<account>.dkr.ecr.<region>.amazonaws.com`, `host[:port][/namespace]` or `http://127.0.0.1:5000` (http only for loopback)';

/**
 * The `registry` input read by the rule above: the address (undefined when the input is empty), or
 * the problem with it, worded to follow `Input "<name>": `. Callers with their own error type use
 * this; {@link parseRegistry} throws the suite's InputError.
 */
export function readRegistry(raw: string): { address?: RegistryAddress; problem?: string; expected: string } {
  const expected = REGISTRY_FORMS;
  let text = raw.trim().replace(/\/+$/, '');
  if (text === '') return { expected };
  let scheme: 'http' | 'https' | undefined;
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(text);
  if (match) {
    const given = match[1]!.toLowerCase();
    if (given !== 'http' && given !== 'https') return { problem: `has the scheme "${given}://"`, expected };
    scheme = given;
    text = match[2]!;
  }
  const [host, ...path] = text.split('/');
  if (!host || !isValidHost(host)) return { problem: `"${host ?? ''}" is not a registry host`, expected };
  for (const component of path) {
    if (!PATH_COMPONENT.test(component)) {
      return {
        problem: `namespace "${component}" is not a valid repository path component${suggestionFor(component)}`,
        expected: `${REGISTRY_FORMS}; namespace components match ${PATH_RULE}`,
      };
    }
  }
  const lower = host.toLowerCase();
  if (scheme === 'http' && !isLoopbackHost(lower)) {
    return { problem: 'uses plain http:// for a host that is not loopback (credentials and images would travel unencrypted)', expected };
  }
  return { address: { host: lower, scheme, namespace: path.join('/') }, expected };
}

/** The `registry` input; undefined when it is empty. Throws an InputError naming `name`. */
export function parseRegistry(raw: string, name = 'registry'): RegistryAddress | undefined {
  const { address, problem, expected } = readRegistry(raw);
  if (problem !== undefined) throw new InputError(name, problem, expected, raw);
  return address;
}

/** `host[/namespace]`: the prefix of the references in a registry (no scheme). */
export function registryPrefix(address: RegistryAddress): string {
  return address.namespace ? `${address.host}/${address.namespace}` : address.host;
}

/** https for every host; http by default for loopback hosts (as docker treats localhost), and only for them. */
export function registryBaseUrl(host: string, scheme?: 'http' | 'https'): string {
  const chosen = scheme ?? (isLoopbackHost(host) ? 'http' : 'https');
  if (chosen === 'http' && !isLoopbackHost(host)) throw new Error(`plain http is only allowed for loopback registries, not ${host}`);
  return `${chosen}://${host}`;
}

/** The host that serves a registry's API: Docker Hub's images (`docker.io`) are served by registry-1.docker.io. */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

export interface EcrHost {
  account: string;
  region: string;
  /** `dkr.ecr-fips`, China's `amazonaws.com.cn` and so on, kept as written (lower-cased). */
  host: string;
}

const ECR_HOST =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?:amazonaws\.com(?:\.cn)?|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov)$/;

/** The account and region of an ECR registry host, or undefined for other registries. */
export function parseEcrHost(host: string): EcrHost | undefined {
  const match = ECR_HOST.exec(host.toLowerCase());
  return match ? { account: match[1]!, region: match[2]!, host: host.toLowerCase() } : undefined;
}

/** The ECR registry of an account in a region. */
export function ecrHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * ECR Public's registry host. Its repositories are `public.ecr.aws/<registry alias>/<repository>`;
 * the login is ECR Public's own GetAuthorizationToken (in us-east-1, `./ecr-public`), valid for this
 * host only.
 */
export const ECR_PUBLIC_HOST = 'public.ecr.aws';

export function isEcrPublicHost(host: string): boolean {
  return host.toLowerCase() === ECR_PUBLIC_HOST;
}

/**
 * The registry alias and the repository name (as ECR Public's API names it) of a repository path on
 * public.ecr.aws: `alias/team/app` → `{ alias: 'alias', repository: 'team/app' }`; undefined when
 * the path has no alias in front of a repository.
 */
export function ecrPublicRepository(path: string): { alias: string; repository: string } | undefined {
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return undefined;
  return { alias: path.slice(0, slash), repository: path.slice(slash + 1) };
}
