/**
 * The release's images by digest and its S3 objects' SHA-256, from what image-tags (`json`, by the
 * schema in image-tags-json.ts) and push-artifacts (`json`: `digests` and `s3`) report. Read by
 * record-deployment (the deployment payload), ecs-deploy (the task definition) and github-release (the
 * release notes), so all three say the same about a release. Pure; each problem is an InputError naming
 * the input.
 */
import { InputError } from '../errors.js';
import { isJsonObject } from '../values.js';
import type { DeployedImage, DeployedObject } from '../deployment-record.js';
import { readImageTagsJson } from './image-tags-json.js';
import { parseImageReference } from './reference.js';

/** A JSON object input, or undefined when it is empty. */
export function parseJsonObject(name: string, raw: string, expected: string): Record<string, unknown> | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, `is not valid JSON (${(error as Error).message})`, expected, raw);
  }
  if (!isJsonObject(value)) throw new InputError(name, 'is not a JSON object', expected, raw);
  return value;
}

export const ARTIFACTS_FORM = 'push-artifacts\' `json` output (`{"digests": {"<image>:<tag>": "sha256:…"}, "s3": {…}}`)';

export interface Artifacts {
  /** `image:tag` → digest. */
  digests: Map<string, string>;
  s3: { bucket: string; objects: DeployedObject[] } | null;
}

export function readArtifacts(raw: string, input = 'artifacts'): Artifacts {
  const value = parseJsonObject(input, raw, ARTIFACTS_FORM);
  const digests = new Map<string, string>();
  if (!value) return { digests, s3: null };
  if (value.digests !== undefined) {
    if (!isJsonObject(value.digests)) throw new InputError(input, '`digests` is not an object', ARTIFACTS_FORM, raw);
    for (const [ref, digest] of Object.entries(value.digests)) {
      if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest))
        throw new InputError(input, `the digest of ${ref} is not sha256:<64 hex>`, ARTIFACTS_FORM, raw);
      digests.set(ref, digest);
    }
  }
  let s3: Artifacts['s3'] = null;
  if (isJsonObject(value.s3) && typeof value.s3.bucket === 'string') {
    const objects = Array.isArray(value.s3.objects) ? value.s3.objects : [];
    s3 = {
      bucket: value.s3.bucket,
      objects: objects
        .filter(isJsonObject)
        .filter((o) => typeof o.key === 'string')
        .map((o) => ({ key: String(o.key), sha256: typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256) ? o.sha256 : null }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    };
  }
  return { digests, s3 };
}

/**
 * Every image of the release, by digest: the services of image-tags' `json` (when given), each with
 * the digest push-artifacts reported for one of its tags; without `images`, one entry per repository
 * in push-artifacts' `digests`. An image whose tags disagree on the digest is refused.
 */
export function deployedImages(imagesRaw: string, artifacts: Artifacts): DeployedImage[] {
  const groups = new Map<string, { service: string; tags: string[]; refs: string[] }>();
  const add = (service: string | undefined, ref: string, input: string) => {
    let parsed;
    try {
      parsed = parseImageReference(ref);
    } catch (error) {
      throw new InputError(
        input,
        `holds "${ref}", which is not an image reference (${(error as Error).message})`,
        'references such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core:v1.2.3`',
        ref,
      );
    }
    const group = groups.get(parsed.name) ?? { service: service || parsed.path.split('/').at(-1)!, tags: [], refs: [] };
    if (parsed.tag && !group.tags.includes(parsed.tag)) group.tags.push(parsed.tag);
    group.refs.push(ref);
    groups.set(parsed.name, group);
  };
  if (imagesRaw.trim() !== '') {
    const json = readImageTagsJson(imagesRaw, 'images');
    for (const service of json.services) for (const ref of service.tags) if (ref.trim() !== '') add(service.service, ref.trim(), 'images');
  } else {
    for (const ref of artifacts.digests.keys()) add(undefined, ref, 'artifacts');
  }
  return [...groups.entries()].map(([image, group]) => {
    const found = [...new Set(group.refs.map((ref) => artifacts.digests.get(ref)).filter((d): d is string => d !== undefined))];
    if (found.length > 1)
      throw new InputError(
        'artifacts',
        `gives ${image} two digests (${found.join(', ')})`,
        'one digest per image: the tags of one release point at one manifest',
        found.join(' '),
      );
    return { service: group.service, image, digest: found[0] ?? null, tags: group.tags };
  });
}
