/**
 * Image references, `[host[:port]/]path[:tag][@sha256:<hex>]`: the one parser every action uses
 * (image-tags' image names, push-artifacts' targets, migrate-job's `image`, the release's migration
 * image). The grammar is the distribution project's (github.com/distribution/reference, which docker
 * and every registry client follow): the first path component is a registry host when it holds a `.`
 * or a `:`, or is `localhost` (distribution also takes an upper-case first component for a host; here
 * it is an invalid path component, which is the likelier mistake); path components are lower-case letters and
 * digits with `.`, `_`, `__` or `-` runs between them; a tag is at most 128 characters; the name
 * (host and path) at most 255. Only sha256 digests are accepted, the one algorithm OCI registries use.
 *
 * Written here rather than imported: there is no maintained JavaScript port of distribution/reference
 * (the npm packages that parse references are unmaintained or pull in a registry client), and the
 * grammar is a handful of regular expressions.
 *
 * A bad reference throws {@link ImageReferenceError}: its message reads after the input's name
 * (`Input "image": contains whitespace`), and its `problem` and `part` let a caller word the error
 * for its own context (image-tags: "path component "-app" of "name/-app" is not valid").
 */

/** One path component of a repository name. */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** {@link PATH_COMPONENT} as users read it in messages. */
export const PATH_RULE = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** {@link TAG_PATTERN} as users read it in messages. */
export const TAG_RULE = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** A host name (dot-separated labels), an IPv4 address, or a bracketed IPv6 address; then an optional port. */
const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** How an image reference is written, for the `expected` part of an input error. */
export const IMAGE_REFERENCE_FORMS =
  'an image reference such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core@sha256:<64 hex>` or `…/ms_core:v1.2.3`';
/** distribution/reference's NameTotalLengthMax. */
export const NAME_MAX_LENGTH = 255;

export interface ImageReference {
  /** As given, trimmed. */
  raw: string;
  /** The registry host[:port], lower-cased; empty when the reference names none. */
  host: string;
  /** The repository path as written (`ms_core`, `team/app`, `postgres`). */
  path: string;
  /** `[host/]path` as written: the reference without its tag and digest. */
  name: string;
  /** Where a client finds the image: `host`, or Docker Hub (`docker.io`) when there is none. */
  registry: string;
  /** The repository in that registry: `path`, with Docker Hub's `library/` before a one-component name. */
  repository: string;
  tag?: string;
  digest?: string;
}

export type ReferenceProblem = 'empty' | 'whitespace' | 'scheme' | 'digest' | 'tag' | 'host' | 'component' | 'no-repository' | 'too-long';

/** What is wrong with a reference; `part` is the offending piece (the digest, tag, host or path component). */
export class ImageReferenceError extends Error {
  constructor(
    readonly problem: ReferenceProblem,
    readonly part: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImageReferenceError';
  }
}

/** Whether the first component of a name is a registry host (distribution/reference's splitDomain, see above). */
export function looksLikeHost(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':') || component.startsWith('[');
}

export function isValidHost(host: string): boolean {
  return HOST_PATTERN.test(host);
}

export function isDigest(text: string): boolean {
  return DIGEST_PATTERN.test(text);
}

/** Parses a reference, or throws an {@link ImageReferenceError} saying what is wrong with it. */
export function parseImageReference(text: string): ImageReference {
  const raw = text.trim();
  const fail = (problem: ReferenceProblem, part: string, message: string): never => {
    throw new ImageReferenceError(problem, part, message);
  };
  if (raw === '') fail('empty', '', 'is empty');
  if (/\s/.test(raw)) fail('whitespace', raw, 'contains whitespace');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw);
  if (scheme) fail('scheme', scheme[0], `starts with a scheme ("${scheme[0]}"); a reference has none: host/repository:tag`);
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) fail('digest', digest, `has the digest "${digest}", which is not sha256:<64 lowercase hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) fail('tag', tag, `has the tag "${tag}", which is not a valid tag (${TAG_RULE})`);
  }
  if (rest === '') fail('no-repository', '', 'has no repository name');
  const components = rest.split('/');
  let host = '';
  if (components.length > 1 && looksLikeHost(components[0]!)) {
    host = components.shift()!;
    if (!HOST_PATTERN.test(host)) fail('host', host, `has the registry "${host}", which is not a host name with an optional port`);
  }
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      fail(
        'component',
        component,
        `has the path component "${component}", which is not valid (lowercase letters and digits, with . _ __ or - between them: ${PATH_RULE})`,
      );
    }
  }
  if (rest.length > NAME_MAX_LENGTH) fail('too-long', rest, `has a name longer than ${NAME_MAX_LENGTH} characters`);
  const path = components.join('/');
  const registry = host === '' ? 'docker.io' : host.toLowerCase();
  const repository = host === '' && components.length === 1 ? `library/${path}` : path;
  return { raw, host: host.toLowerCase(), path, name: rest, registry, repository, tag, digest };
}

/** `name@digest`: the tag dropped, since the digest is what runs. */
export function pinnedReference(ref: Pick<ImageReference, 'raw' | 'name' | 'digest'>, digest = ref.digest): string {
  if (!digest) throw new Error(`${ref.raw} has no digest`);
  return `${ref.name}@${digest}`;
}

/** `host/repository:tag`, or `host/repository@sha256:…` for a digest. */
export function formatReference(host: string, repository: string, tagOrDigest: string): string {
  return tagOrDigest.startsWith('sha256:') ? `${host}/${repository}@${tagOrDigest}` : `${host}/${repository}:${tagOrDigest}`;
}

/** A suggestion for an invalid path component: lower-cased, runs of invalid characters replaced by '-'. */
export function suggestComponent(component: string): string {
  let suggestion = component.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  suggestion = suggestion.replace(/[._-]{2,}/g, (run) => (run === '__' || /^-+$/.test(run) ? run : '-'));
  return suggestion.replace(/^[._-]+|[._-]+$/g, '');
}

/** `(try "<suggestion>")`, or '' when there is no better spelling. */
export function suggestionFor(component: string): string {
  const suggestion = suggestComponent(component);
  return suggestion && suggestion !== component ? ` (try "${suggestion}")` : '';
}
