/**
 * The `projects` input → the GitOps workflow's `projectNames` (space-separated, as the deployment
 * guide's `MS_NAMES_K8S`). Accepts a list (spaces, commas, newlines), a JSON array, or image-tags'
 * `json`/`matrix` output, whose image repositories (`…/ms_core`) are the project names. image-tags'
 * `json` is read by its schema in core (`@deploy-kit/core/oci`), as every other reader of it.
 */
import { InputError, parseJsonOrText, parseList } from '@deploy-kit/core';
import { looksLikeImageTagsJson, readImageTagsJson } from '@deploy-kit/core/oci/image-tags-json';

const FORMS =
  "project names separated by spaces, commas or newlines (`ms_core ms_payments`), a JSON array, or image-tags' `json`/`matrix` output";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The last path component of an image reference without tag or digest: `reg/x/ms_core:v1` → `ms_core`. */
export function projectFromImage(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const last = withoutDigest.slice(lastSlash + 1);
  const colon = last.indexOf(':');
  return colon >= 0 ? last.slice(0, colon) : last;
}

function fromEntry(entry: unknown, inputName: string, raw: string): string {
  if (typeof entry === 'string') return entry.includes('/') || entry.includes(':') ? projectFromImage(entry) : entry;
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const record = entry as Record<string, unknown>;
    if (typeof record.image === 'string' && record.image !== '') return projectFromImage(record.image);
    for (const key of ['project', 'name']) if (typeof record[key] === 'string' && record[key] !== '') return record[key] as string;
  }
  throw new InputError(inputName, `an entry of the JSON holds no image or name (${JSON.stringify(entry)?.slice(0, 80)})`, FORMS, raw);
}

export function parseProjects(raw: string, inputName = 'projects'): string[] {
  const names = parseJsonOrText(inputName, raw, {
    expected: FORMS,
    jsonStarts: '[{',
    badJson: (reason) => `looks like JSON but does not parse (${reason})`,
    fromJson: (parsed) => {
      const projectsOf = (entries: unknown[]) => entries.map((entry) => fromEntry(entry, inputName, raw).trim());
      if (Array.isArray(parsed)) return projectsOf(parsed);
      // image-tags' `json`, read by its schema; only the services' images (or names) are needed here.
      if (looksLikeImageTagsJson(parsed)) return projectsOf(readImageTagsJson(parsed, inputName, raw, { serviceTags: false }).services);
      // image-tags' `matrix` output: `include: [{service, image, …}]`.
      const include = (parsed as Record<string, unknown>).include;
      if (!Array.isArray(include)) throw new Error('is a JSON object without `services` or `include`');
      return projectsOf(include);
    },
    fromText: (text) => parseList(inputName, text, 'any'),
  });
  const unique: string[] = [];
  for (const name of names) {
    if (!NAME.test(name))
      throw new InputError(inputName, `"${name}" is not a valid project name (letters, digits, \`.\`, \`_\`, \`-\`)`, FORMS, raw);
    if (!unique.includes(name)) unique.push(name);
  }
  return unique;
}
