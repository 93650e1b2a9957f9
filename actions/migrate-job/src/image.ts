/**
 * Image references (`registry/path[:tag][@sha256:…]`), so the Job runs exactly the digest the
 * Deployment runs: a reference with a digest is used as given; one with only a tag is resolved to its
 * digest first (see registry.ts), and `pinned()` drops the tag so nothing can move under the Job.
 */

export interface ImageRef {
  /** As given. */
  raw: string;
  /** Registry host[:port]; `docker.io` when the reference has none. */
  registry: string;
  /** Repository path inside the registry (`library/postgres`, `ms_core`). */
  repository: string;
  /** `registry/path` as written (without the implicit docker.io). */
  name: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d+)?$|^\[[0-9a-fA-F:]+\](?::\d+)?$/;

export const IMAGE_FORMS = 'an image reference such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core@sha256:<64 hex>` or `…/ms_core:v1.2.3`';

/** Parses a reference, or throws an Error whose message says what is wrong with it. */
export function parseImageRef(raw: string): ImageRef {
  const text = raw.trim();
  if (text === '') throw new Error('is empty');
  if (/\s/.test(text)) throw new Error('contains whitespace');
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`has the digest "${digest}", which is not sha256:<64 lowercase hex>`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`has the tag "${tag}", which is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-], at most 128)`);
  }
  if (rest === '') throw new Error('has no repository name');
  const parts = rest.split('/');
  let registry = 'docker.io';
  let pathParts = parts;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost' || parts[0].startsWith('['))) {
    registry = parts[0];
    pathParts = parts.slice(1);
    if (!HOST.test(registry)) throw new Error(`has the registry "${registry}", which is not a host name with an optional port`);
  }
  for (const part of pathParts) {
    if (!PATH_COMPONENT.test(part)) throw new Error(`has the path component "${part}" (lowercase letters, digits and . _ - between them only)`);
  }
  let repository = pathParts.join('/');
  if (registry === 'docker.io' && pathParts.length === 1) repository = `library/${repository}`;
  return { raw: text, registry, repository, name: rest, tag, digest };
}

/** `name@digest` (the tag dropped: the digest is what runs). Requires a digest. */
export function pinnedReference(ref: ImageRef, digest = ref.digest): string {
  if (!digest) throw new Error(`${ref.raw} has no digest`);
  return `${ref.name}@${digest}`;
}
