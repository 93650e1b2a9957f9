/**
 * The `images` input: which repository gets which tags. References are read by core's one parser
 * (`@deploy-kit/core/oci`), image-tags' `json` output by its schema.
 *
 * `images` accepts image-tags' `json` output (`{services:[{service,image,tags}]}`), its `matrix`
 * output (`{include:[{service,image,tags}]}`) or one matrix entry (`${{ toJSON(matrix) }}`),
 * docker/metadata-action's `json` (`{tags:[...]}`), or a plain list of references.
 */
import { InputError, parseJsonOrText, splitList } from '@deploy-kit/core';
import {
  ImageReferenceError,
  looksLikeImageTagsJson,
  parseImageReference,
  readImageTagsJson,
  type ImageReference,
  type RegistryAddress,
} from '@deploy-kit/core/oci';

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

const IMAGES_FORMS =
  "image-tags' `json` or `matrix` output, a JSON object with `tags`, or a list of references such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core:v1.2.3`";

function asStrings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return splitList(value, 'lines-and-commas');
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
  const serviceName = (service: unknown) => (typeof service === 'string' && service.trim() !== '' ? service.trim() : undefined);
  // image-tags' `json`: checked against its schema (core), each service's tags a list.
  if (looksLikeImageTagsJson(value)) {
    const json = readImageTagsJson(value, name, raw);
    return json.services.flatMap((s) =>
      s.tags
        .map((tag) => tag.trim())
        .filter((ref) => ref !== '')
        .map((ref) => ({ ref, service: serviceName(s.service) })),
    );
  }
  const object = value as Record<string, unknown>;
  // image-tags' `matrix` (tags newline-joined), or one entry of it.
  const fromEntry = (item: unknown, where: string): Entry[] => {
    if (item === null || typeof item !== 'object') return fail(`${where} is not an object`);
    const s = item as Record<string, unknown>;
    const tags = asStrings(s.tags);
    if (!tags) return fail(`${where} has no \`tags\` list`);
    return tags.map((ref) => ({ ref, service: serviceName(s.service) }));
  };
  if (Array.isArray(object.include)) return object.include.flatMap((s, i) => fromEntry(s, `include[${i}]`));
  if (object.tags !== undefined) {
    if (typeof object.image === 'string' || typeof object.service === 'string') return fromEntry(object, 'the object');
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
    // The text itself, not parseList, which would read a leading `[` as a JSON array once more.
    fromText: (text) => splitList(text).map((ref) => ({ ref })),
  });
  const byRepo = new Map<string, ImageTarget>();
  for (const entry of entries) {
    let ref: ImageReference;
    try {
      ref = parseImageReference(entry.ref);
    } catch (error) {
      if (!(error instanceof ImageReferenceError)) throw error;
      throw new InputError(name, `has a bad image reference "${entry.ref}", which ${error.message}`, IMAGES_FORMS, raw);
    }
    if (ref.digest)
      throw new InputError(
        name,
        `reference "${entry.ref}" has a digest; pushes and promotions go to tags`,
        'references with a tag (`repo:tag`)',
        raw,
      );
    if (!ref.tag && options.requireTag !== false) {
      throw new InputError(name, `reference "${entry.ref}" has no tag`, 'references with a tag (`repo:tag`)', raw);
    }
    const key = `${ref.host}/${ref.path}`;
    let target = byRepo.get(key);
    if (!target) {
      const service = entry.service ?? ref.path.split('/').pop()!;
      target = { host: ref.host, repository: ref.path, tags: [], service };
      byRepo.set(key, target);
    }
    if (ref.tag && !target.tags.includes(ref.tag)) target.tags.push(ref.tag);
  }
  return [...byRepo.values()];
}

/** Bare references get the registry (and its namespace); every target ends with a host. */
export function resolveTargets(targets: ImageTarget[], registry: RegistryAddress | undefined, name = 'images'): ImageTarget[] {
  return targets.map((target) => {
    if (target.host !== '') return target;
    if (!registry) {
      throw new InputError(
        name,
        `reference "${target.repository}" names no registry and none is known`,
        'full references, or set the `registry` input',
        target.repository,
      );
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
