/**
 * What the other deploy-kit steps report, read into the deployment payload: image-tags' `json`
 * (`images`, by core's schema), push-artifacts' `json` (`artifacts`: digests and the S3 objects'
 * SHA-256), migrate-job's `json` (`migration`) and gitops-dispatch's `json` or a run URL (`gitops`).
 * Pure; each problem is an InputError naming the input.
 */
import { type DeployedImage, type DeployedObject, type DeploymentPayload, InputError } from '@deploy-kit/core';
import { readImageTagsJson } from '@deploy-kit/core/oci/image-tags-json';
import { parseImageReference } from '@deploy-kit/core/oci/reference';

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function parseJsonObject(name: string, raw: string, expected: string): Record<string, unknown> | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(name, `is not valid JSON (${(error as Error).message})`, expected, raw);
  }
  if (!isObject(value)) throw new InputError(name, 'is not a JSON object', expected, raw);
  return value;
}

const ARTIFACTS_FORM = 'push-artifacts\' `json` output (`{"digests": {"<image>:<tag>": "sha256:…"}, "s3": {…}}`)';
const MIGRATION_FORM = 'migrate-job\'s `json` output (`{"status": "succeeded", "job-name": …}`)';
const GITOPS_FORM = "gitops-dispatch's `json` output, or the URL of the GitOps run";

export interface Artifacts {
  /** `image:tag` → digest. */
  digests: Map<string, string>;
  s3: { bucket: string; objects: DeployedObject[] } | null;
}

export function readArtifacts(raw: string): Artifacts {
  const value = parseJsonObject('artifacts', raw, ARTIFACTS_FORM);
  const digests = new Map<string, string>();
  if (!value) return { digests, s3: null };
  if (value.digests !== undefined) {
    if (!isObject(value.digests)) throw new InputError('artifacts', '`digests` is not an object', ARTIFACTS_FORM, raw);
    for (const [ref, digest] of Object.entries(value.digests)) {
      if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest))
        throw new InputError('artifacts', `the digest of ${ref} is not sha256:<64 hex>`, ARTIFACTS_FORM, raw);
      digests.set(ref, digest);
    }
  }
  let s3: Artifacts['s3'] = null;
  if (isObject(value.s3) && typeof value.s3.bucket === 'string') {
    const objects = Array.isArray(value.s3.objects) ? value.s3.objects : [];
    s3 = {
      bucket: value.s3.bucket,
      objects: objects
        .filter(isObject)
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

export function readMigration(raw: string, schemaVersion: string): DeploymentPayload['migration'] {
  const value = parseJsonObject('migration', raw, MIGRATION_FORM);
  if (!value && schemaVersion === '') return null;
  const text = (key: string) => (value && typeof value[key] === 'string' && value[key] !== '' ? (value[key] as string) : null);
  const exit = value?.['exit-code'];
  const exitCode = typeof exit === 'number' ? exit : typeof exit === 'string' && /^-?\d+$/.test(exit) ? Number(exit) : null;
  return {
    status: text('status'),
    job: text('job-name'),
    'exit-code': exitCode,
    'schema-version': schemaVersion === '' ? text('schema-version') : schemaVersion,
  };
}

export function readGitops(raw: string): DeploymentPayload['gitops'] {
  const text = raw.trim();
  if (text === '') return null;
  if (/^https?:\/\//i.test(text)) {
    checkUrl('gitops', text);
    const id = /\/actions\/runs\/(\d+)/.exec(text);
    const repository = /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/actions\/runs\//i.exec(text);
    return { repository: repository?.[1] ?? null, 'run-id': id ? Number(id[1]) : null, 'run-url': text, conclusion: null };
  }
  const value = parseJsonObject('gitops', raw, GITOPS_FORM)!;
  const main = Array.isArray(value.dispatches) && isObject(value.dispatches[0]) ? value.dispatches[0] : {};
  const runId = value['run-id'];
  const id = typeof runId === 'number' ? runId : typeof runId === 'string' && /^\d+$/.test(runId) ? Number(runId) : null;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { repository: str(main.repository), 'run-id': id, 'run-url': str(value['run-url']), conclusion: str(value.conclusion) };
}

/** An http(s) URL, or an InputError naming `name`. */
export function checkUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, 'is not a URL', 'an http or https URL such as `https://staging.example.com/health`', value);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(name, `has the scheme ${url.protocol}`, 'an http or https URL', value);
  return url;
}
