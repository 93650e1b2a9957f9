/**
 * The `images` input (docker/metadata-action's image.ts): one image per line, `name/app`,
 * `name=ghcr.io/org/app,enable=false`, or (old format) a single comma-separated line
 * `name/app,ghcr.io/org/app`. Names are lowercased as metadata-action does; beyond that, a name
 * that is still not a valid image reference (spaces, invalid characters, a tag or digest) is an
 * input error here, where metadata-action would emit tags that fail later at push time.
 */
import { ImageReferenceError, PATH_RULE, parseImageReference, suggestionFor } from '@deploy-kit/core/oci/reference';
import { inputError, type Origin } from './errors.js';
import { normalizeList, parseFields, type ListEntry, type ListInput } from './list.js';

export interface Image {
  name: string;
  enable: boolean;
}

/**
 * Checks an image name (without tag) with core's reference grammar, worded for the `images` input.
 * Returns a problem description, or undefined when valid.
 */
export function imageNameProblem(name: string): string | undefined {
  if (name === '') return 'the image name is empty';
  if (/\s/.test(name)) return `"${name}" contains whitespace`;
  if (name.includes('@')) return `"${name}" contains a digest; give the repository only`;
  const tagProblem = `"${name}" contains a tag; give the repository only (tags come from the tags input)`;
  try {
    if (parseImageReference(name).tag !== undefined) return tagProblem;
  } catch (error) {
    if (!(error instanceof ImageReferenceError)) throw error;
    switch (error.problem) {
      case 'host':
        return `"${error.part}" is not a valid registry host[:port]`;
      case 'tag':
        return tagProblem;
      case 'component':
        return `path component "${error.part}" of "${name}" is not valid${suggestionFor(error.part)}`;
      case 'too-long':
        return `"${name}" is longer than 255 characters`;
      default:
        return `"${name}" ${error.message}`;
    }
  }
  return undefined;
}

const EXPECTED_IMAGE = `a repository such as name/app or ghcr.io/org/app (path components ${PATH_RULE}), optionally name=<repo>,enable=true|false`;

function checkName(name: string, origin: Origin): void {
  const problem = imageNameProblem(name.toLowerCase());
  if (problem) throw inputError(origin, problem, EXPECTED_IMAGE);
}

export function parseImages(list: ListInput | undefined, inputName = 'images'): Image[] {
  const entries: ListEntry[] = normalizeList(list);
  // backward compatibility: a single line of comma-separated names
  if (entries.length === 1) {
    const entry = entries[0]!;
    const fields = parseFields(entry, inputName, EXPECTED_IMAGE);
    const names: string[] = [];
    let newformat = false;
    for (const field of fields) {
      const parts = field
        .toString()
        .split('=')
        .map((item) => item.trim());
      if (parts.length === 1) names.push(parts[0]!);
      else {
        newformat = true;
        break;
      }
    }
    if (!newformat) {
      const origin = { input: inputName, line: entry.line, text: entry.value };
      return names.filter((n) => n !== '').map((name) => (checkName(name, origin), { name, enable: true }));
    }
  }
  const images: Image[] = [];
  for (const entry of entries) {
    const origin = { input: inputName, line: entry.line, text: entry.value };
    const image: Image = { name: '', enable: true };
    let named = false;
    for (const field of parseFields(entry, inputName, EXPECTED_IMAGE)) {
      const parts = field
        .toString()
        .split('=')
        .map((item) => item.trim());
      if (parts.length === 1) {
        if (parts[0] === '') continue;
        if (named) throw inputError(origin, 'the image name is given twice', EXPECTED_IMAGE);
        image.name = parts[0]!;
        named = true;
      } else {
        const key = parts[0]!.toLowerCase();
        const value = parts[1]!;
        switch (key) {
          case 'name':
            if (named) throw inputError(origin, 'the image name is given twice', EXPECTED_IMAGE);
            image.name = value;
            named = true;
            break;
          case 'enable':
            if (value !== 'true' && value !== 'false')
              throw inputError(origin, `enable=${value} is not a boolean`, 'enable=true or enable=false');
            image.enable = value === 'true';
            break;
          default:
            throw inputError(origin, `unknown image attribute "${parts[0]}"`, 'name=<repository> and enable=true|false');
        }
      }
    }
    if (image.name.length === 0) throw inputError(origin, 'the image name is empty', EXPECTED_IMAGE);
    checkName(image.name, origin);
    images.push(image);
  }
  return images;
}

/** Enabled image names, lowercased (metadata-action's getImageNames). */
export function enabledImageNames(images: Image[]): string[] {
  return images.filter((i) => i.enable).map((i) => i.name.toLowerCase());
}
