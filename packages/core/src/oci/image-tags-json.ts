/**
 * The schema of image-tags' `json` output, which push-artifacts (`images`), the release composite's
 * migration-image choice and gitops-dispatch read: the types image-tags writes, and one runtime
 * validator for readers, with errors that name the input and the field.
 *
 * Readers rely on `services` (each with its `tags`, unless the reader only needs the services'
 * names: gitops-dispatch's `projects`) and `tag`; every other field is checked for its type when it is
 * there, so a hand-written `{"services": [{"service": …, "tags": […]}]}` is read as image-tags' own
 * output is.
 */
import { InputError } from '../errors.js';

/** One service (seed naming) or image (metadata-action mode). */
export interface ImageTagsService {
  /** The service name (seed naming), or the image's last path component. */
  service: string;
  /** The repository, without a tag. */
  image: string;
  /** Full references `image:tag`. */
  tags: string[];
  /** The pin reference `image:<pin tag>`; '' when there is none. */
  pin: string;
}

/** image-tags' `json` output, as image-tags writes it. */
export interface ImageTagsJson {
  /** Every full reference (metadata-action's `tags`). */
  tags: string[];
  'tag-names': string[];
  labels: Record<string, string>;
  annotations: string[];
  /** metadata-action's `version` (the main tag name); in seed naming the release tag the images got. */
  version: string;
  /**
   * The release tag (`v1.2.3-rc.1`, parse-version's `tag`): seed naming's `tag` input, else the run's
   * tag ('' off a tag). push-artifacts' S3 folder defaults to it.
   */
  tag: string;
  /** The pin tag (`sha-0a1b2c3`). */
  pin: string;
  services: ImageTagsService[];
}

/** What a reader may rely on once {@link readImageTagsJson} accepted a value. */
export type ImageTagsJsonRead = Partial<Omit<ImageTagsJson, 'services'>> & {
  services: Array<Partial<Omit<ImageTagsService, 'tags'>> & Pick<ImageTagsService, 'tags'>>;
};

/** Whether a parsed JSON value is in image-tags' `json` shape (an object with `services`). */
export function looksLikeImageTagsJson(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'services' in value;
}

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : `${typeof value} ${JSON.stringify(value)}`;

/** What a reader needs beyond the schema's types. */
export interface ImageTagsJsonNeeds {
  /** Each service's `tags` list (default true); false for a reader of the services' names only. */
  serviceTags?: boolean;
}

/** The first problem of `value` against the schema, or undefined when it conforms. */
export function imageTagsJsonProblem(value: unknown, needs: ImageTagsJsonNeeds = {}): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `is ${describe(value)}, not an object`;
  const object = value as Record<string, unknown>;
  if (!Array.isArray(object.services))
    return object.services === undefined ? 'has no `services` list' : `has \`services\` that is ${describe(object.services)}, not a list`;
  for (const [i, item] of object.services.entries()) {
    const where = `services[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return `${where} is not an object`;
    const service = item as Record<string, unknown>;
    if (!Array.isArray(service.tags)) {
      if (service.tags !== undefined || needs.serviceTags !== false) return `${where} has no \`tags\` list`;
    } else {
      const bad = service.tags.findIndex((tag) => typeof tag !== 'string');
      if (bad >= 0) return `${where}.tags[${bad}] is ${describe(service.tags[bad])}, not a string`;
    }
    for (const key of ['service', 'image', 'pin']) {
      if (service[key] !== undefined && typeof service[key] !== 'string')
        return `${where}.${key} is ${describe(service[key])}, not a string`;
    }
  }
  for (const key of ['version', 'tag', 'pin']) {
    if (object[key] !== undefined && typeof object[key] !== 'string') return `\`${key}\` is ${describe(object[key])}, not a string`;
  }
  for (const key of ['tags', 'tag-names', 'annotations']) {
    const list = object[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string')))
      return `\`${key}\` is not a list of strings`;
  }
  if (object.labels !== undefined && (object.labels === null || typeof object.labels !== 'object' || Array.isArray(object.labels)))
    return '`labels` is not an object';
  return undefined;
}

const FORM = 'image-tags\' `json` output: {"services": [{"service", "image", "tags": ["<image>:<tag>", …], "pin"}], "tag", …}';

/**
 * `value` (parsed, or the JSON text) checked against the schema; a problem throws an InputError
 * naming `input`, with `raw` quoted back. With `needs.serviceTags` false, a service may leave out its
 * `tags` (the result's `tags` is then what was given: absent).
 */
export function readImageTagsJson(
  value: unknown,
  input: string,
  raw = typeof value === 'string' ? value : JSON.stringify(value),
  needs: ImageTagsJsonNeeds = {},
): ImageTagsJsonRead {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new InputError(input, `is not valid JSON (${(error as Error).message})`, FORM, raw);
    }
  }
  const problem = imageTagsJsonProblem(parsed, needs);
  if (problem) throw new InputError(input, problem, FORM, raw);
  return parsed as ImageTagsJsonRead;
}
