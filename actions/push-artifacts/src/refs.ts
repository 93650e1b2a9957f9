/**
 * Image references and the `images` / `registry` inputs: which repository gets which tags.
 *
 * `images` accepts image-tags' `json` output (`{services:[{service,image,tags}]}`), its `matrix`
 * output (`{include:[{service,image,tags}]}`) or one matrix entry (`${{ toJSON(matrix) }}`),
 * docker/metadata-action's `json` (`{tags:[...]}`), or a plain list of references.
 */
// Loopback hosts (the only ones plain `http://` is allowed for) are core's rule (trust.ts).
import { InputError, isLoopbackHost, parseJsonOrText, parseList } from '@deploy-kit/core';

/** A registry host: `host[:port]`, lowercase. */
export interface RegistryAddress {
  /** `host[:port]` as written in references. */
  host: string;
  /** An explicit scheme from the `registry` input (`http://` only for loopback). */
  scheme?: 'http' | 'https';
  /** Repository namespace prefix for bare references (`registry: host/team`). */
  namespace: string;
}

export interface ImageTarget {
  /** `host[:port]`; empty when the reference had none (the registry input fills it in). */
  host: string;
  /** Repository path inside the registry (`ms_core`, `team/app`). */
  repository: string;
  /** Tags to push (or promote to), deduplicated, in input order. */
  tags: string[];
  /** For `{service}` in `source`: image-tags' service name, else the repository's last component. */
  service: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/;

export interface ParsedReference {
  host: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Whether the first path component of a reference is a registry host (docker's rule). */
function looksLikeHost(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':') || component.startsWith('[');
}

/** `[host[:port]/]path[:tag][@sha256:...]`; throws a plain Error describing the problem. */
export function parseReference(text: string): ParsedReference {
  let rest = text.trim();
  if (rest === '') throw new Error('empty reference');
  if (/\s/.test(rest)) throw new Error('a reference has no spaces');
  if (/^[a-z]+:\/\//i.test(rest)) throw new Error('a reference has no scheme (write host/repository:tag)');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`"${digest}" is not a sha256 digest`);
  }
  const parts = rest.split('/');
  let host = '';
  if (parts.length > 1 && looksLikeHost(parts[0]!)) {
    host = parts.shift()!.toLowerCase();
    if (!HOST.test(host)) throw new Error(`"${host}" is not a registry host`);
  }
  let tag: string | undefined;
  const last = parts[parts.length - 1]!;
  const colon = last.lastIndexOf(':');
  if (colon >= 0) {
    tag = last.slice(colon + 1);
    parts[parts.length - 1] = last.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`"${tag}" is not a valid tag (letters, digits, _ . -, at most 128, not starting with . or -)`);
  }
  for (const part of parts) {
    if (!PATH_COMPONENT.test(part)) throw new Error(`"${part}" is not a valid repository name component (lowercase letters, digits and separators . _ __ -)`);
  }
  return { host, repository: parts.join('/'), tag, digest };
}

const IMAGES_FORMS =
  "image-tags' `json` or `matrix` output, a JSON object with `tags`, or a list of references such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core:v1.2.3`";

function asStrings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((s) => s.trim()).filter((s) => s !== '');
  return undefined;
}

interface Entry {
  ref: string;
  service?: string;
}

function entriesFromJson(value: unknown, name: string, raw: string): Entry[] {
  const fail = (problem: string): never => {
    throw new InputError(name, problem, IMAGES_FORMS, raw);
  };
  if (Array.isArray(value)) {
    const refs = asStrings(value);
    if (!refs) fail('is a JSON array but not of strings');
    return refs!.map((ref) => ({ ref }));
  }
  if (value === null || typeof value !== 'object') return fail('is JSON but neither an object nor an array');
  const object = value as Record<string, unknown>;
  const fromService = (item: unknown, where: string): Entry[] => {
    if (item === null || typeof item !== 'object') return fail(`${where} is not an object`);
    const s = item as Record<string, unknown>;
    const tags = asStrings(s.tags);
    if (!tags) return fail(`${where} has no \`tags\` list`);
    const service = typeof s.service === 'string' && s.service.trim() !== '' ? s.service.trim() : undefined;
    return tags.map((ref) => ({ ref, service }));
  };
  if (Array.isArray(object.services)) return object.services.flatMap((s, i) => fromService(s, `services[${i}]`));
  if (Array.isArray(object.include)) return object.include.flatMap((s, i) => fromService(s, `include[${i}]`));
  if (object.tags !== undefined) {
    if (typeof object.image === 'string' || typeof object.service === 'string') return fromService(object, 'the object');
    const refs = asStrings(object.tags);
    if (!refs) return fail('has a `tags` field that is not a list of references');
    return refs!.map((ref) => ({ ref }));
  }
  return fail('is a JSON object without `services`, `include` or `tags`');
}

/**
 * Every repository and its tags, in input order. References must carry a tag (or, for promote
 * sources, may be bare); `requireTag` says which.
 */
export function parseImages(raw: string, name = 'images', options: { requireTag?: boolean } = {}): ImageTarget[] {
  const entries = parseJsonOrText<Entry>(name, raw, {
    expected: IMAGES_FORMS,
    jsonStarts: '[{',
    // `[` that is not JSON is a list whose first reference has an IPv6 host (`[::1]:5000/app:v1`).
    badJson: (reason, text) => (text.startsWith('{') ? `is not valid JSON (${reason})` : undefined),
    fromJson: (parsed) => entriesFromJson(parsed, name, raw),
    fromText: (text) => parseList(name, text).map((ref) => ({ ref })),
  });
  const byRepo = new Map<string, ImageTarget>();
  for (const entry of entries) {
    let ref: ParsedReference;
    try {
      ref = parseReference(entry.ref);
    } catch (error) {
      throw new InputError(name, `has a bad image reference "${entry.ref}": ${(error as Error).message}`, IMAGES_FORMS, raw);
    }
    if (ref.digest) throw new InputError(name, `reference "${entry.ref}" has a digest; pushes and promotions go to tags`, 'references with a tag (`repo:tag`)', raw);
    if (!ref.tag && options.requireTag !== false) {
      throw new InputError(name, `reference "${entry.ref}" has no tag`, 'references with a tag (`repo:tag`)', raw);
    }
    const key = `${ref.host}/${ref.repository}`;
    let target = byRepo.get(key);
    if (!target) {
      const service = entry.service ?? ref.repository.split('/').pop()!;
      target = { host: ref.host, repository: ref.repository, tags: [], service };
      byRepo.set(key, target);
    }
    if (ref.tag && !target.tags.includes(ref.tag)) target.tags.push(ref.tag);
  }
  return [...byRepo.values()];
}

const REGISTRY_FORMS = '`<account>.dkr.ecr.<region>.amazonaws.com`, `host[:port]` or `http://127.0.0.1:5000` (http only for loopback)';

/** The `registry` input: `[scheme://]host[:port][/namespace]`. */
export function parseRegistry(raw: string, name = 'registry'): RegistryAddress | undefined {
  let text = raw.trim().replace(/\/+$/, '');
  if (text === '') return undefined;
  let scheme: 'http' | 'https' | undefined;
  const match = /^([a-z]+):\/\/(.*)$/i.exec(text);
  if (match) {
    const given = match[1]!.toLowerCase();
    if (given !== 'http' && given !== 'https') throw new InputError(name, `has the scheme "${given}://"`, REGISTRY_FORMS, raw);
    scheme = given;
    text = match[2]!;
  }
  const [host, ...path] = text.split('/');
  if (!host || !HOST.test(host)) throw new InputError(name, 'is not a registry host', REGISTRY_FORMS, raw);
  for (const part of path) {
    if (!PATH_COMPONENT.test(part)) throw new InputError(name, `has a bad namespace component "${part}"`, REGISTRY_FORMS, raw);
  }
  const lower = host.toLowerCase();
  if (scheme === 'http' && !isLoopbackHost(lower)) {
    throw new InputError(name, 'uses plain http:// for a host that is not loopback (credentials and images would travel unencrypted)', REGISTRY_FORMS, raw);
  }
  return { host: lower, scheme, namespace: path.join('/') };
}

/** https for every host, http by default for loopback hosts (as docker treats localhost). */
export function registryBaseUrl(host: string, scheme?: 'http' | 'https'): string {
  const chosen = scheme ?? (isLoopbackHost(host) ? 'http' : 'https');
  if (chosen === 'http' && !isLoopbackHost(host)) throw new Error(`plain http is only allowed for loopback registries, not ${host}`);
  return `${chosen}://${host}`;
}

export interface EcrHost {
  account: string;
  region: string;
  /** `dkr.ecr-fips`, China `amazonaws.com.cn` and so on are kept as written. */
  host: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?:amazonaws\.com(?:\.cn)?|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov)$/;

/** The account and region of an ECR registry host, or undefined for other registries. */
export function parseEcrHost(host: string): EcrHost | undefined {
  const match = ECR_HOST.exec(host.toLowerCase());
  return match ? { account: match[1]!, region: match[2]!, host: host.toLowerCase() } : undefined;
}

export function ecrHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/** Bare references get the registry (and its namespace); every target ends with a host. */
export function resolveTargets(targets: ImageTarget[], registry: RegistryAddress | undefined, name = 'images'): ImageTarget[] {
  return targets.map((target) => {
    if (target.host !== '') return target;
    if (!registry) {
      throw new InputError(name, `reference "${target.repository}" names no registry and none is known`, 'full references, or set the `registry` input', target.repository);
    }
    const repository = registry.namespace ? `${registry.namespace}/${target.repository}` : target.repository;
    return { ...target, host: registry.host, repository };
  });
}

/** `{service}`, `{repository}` (last component) and `{tag}` (first tag) in a path template. */
export function expandTemplate(template: string, target: ImageTarget): string {
  return template
    .replace(/\{service\}/g, target.service)
    .replace(/\{repository\}/g, target.repository.split('/').pop()!)
    .replace(/\{tag\}/g, target.tags[0] ?? '');
}

export function formatReference(host: string, repository: string, tagOrDigest: string): string {
  return tagOrDigest.startsWith('sha256:') ? `${host}/${repository}@${tagOrDigest}` : `${host}/${repository}:${tagOrDigest}`;
}

export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}
