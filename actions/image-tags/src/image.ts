/**
 * The `images` input (docker/metadata-action's image.ts): one image per line, `name/app`,
 * `name=ghcr.io/org/app,enable=false`, or (old format) a single comma-separated line
 * `name/app,ghcr.io/org/app`. Names are lowercased as metadata-action does; beyond that, a name
 * that is still not a valid image reference (spaces, invalid characters, a tag or digest) is an
 * input error here, where metadata-action would emit tags that fail later at push time.
 */
import { inputError, type Origin } from './errors.js';
import { normalizeList, parseFields, type ListEntry, type ListInput } from './list.js';

export interface Image {
  name: string;
  enable: boolean;
}

/** One path component of a repository name (OCI distribution spec). */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PORT = /^[0-9]+$/;

export const PATH_RULE = '[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*';

/** Splits `host[:port]/path/components` the way the reference grammar does. */
export function splitReference(name: string): { domain?: string; components: string[] } {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      return { domain: first, components: name.slice(slash + 1).split('/') };
    }
  }
  return { components: name.split('/') };
}

export function isValidDomain(domain: string): boolean {
  const [host, port, ...rest] = domain.split(':');
  if (rest.length > 0 || !host) return false;
  if (port !== undefined && !PORT.test(port)) return false;
  return host.split('.').every(part => DOMAIN_COMPONENT.test(part));
}

/** A suggestion for an invalid path component: lowercased, invalid runs replaced by '-'. */
export function suggestComponent(component: string): string {
  let s = component.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  s = s.replace(/[._-]{2,}/g, m => (m === '__' || /^-+$/.test(m) ? m : '-'));
  return s.replace(/^[._-]+|[._-]+$/g, '');
}

/**
 * Checks an image name (without tag). Returns a problem description, or undefined when valid.
 */
export function imageNameProblem(name: string): string | undefined {
  if (name === '') return 'the image name is empty';
  if (/\s/.test(name)) return `"${name}" contains whitespace`;
  if (name.includes('@')) return `"${name}" contains a digest; give the repository only`;
  const { domain, components } = splitReference(name);
  if (domain !== undefined && !isValidDomain(domain)) return `"${domain}" is not a valid registry host[:port]`;
  const last = components[components.length - 1] ?? '';
  if (last.includes(':')) return `"${name}" contains a tag; give the repository only (tags come from the tags input)`;
  for (const c of components) {
    if (!PATH_COMPONENT.test(c)) {
      const suggestion = suggestComponent(c);
      return `path component "${c}" of "${name}" is not valid${suggestion && suggestion !== c ? ` (try "${suggestion}")` : ''}`;
    }
  }
  if (name.length > 255) return `"${name}" is longer than 255 characters`;
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
      const parts = field.toString().split('=').map(item => item.trim());
      if (parts.length === 1) names.push(parts[0]!);
      else {
        newformat = true;
        break;
      }
    }
    if (!newformat) {
      const origin = { input: inputName, line: entry.line, text: entry.value };
      return names.filter(n => n !== '').map(name => (checkName(name, origin), { name, enable: true }));
    }
  }
  const images: Image[] = [];
  for (const entry of entries) {
    const origin = { input: inputName, line: entry.line, text: entry.value };
    const image: Image = { name: '', enable: true };
    let named = false;
    for (const field of parseFields(entry, inputName, EXPECTED_IMAGE)) {
      const parts = field.toString().split('=').map(item => item.trim());
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
            if (value !== 'true' && value !== 'false') throw inputError(origin, `enable=${value} is not a boolean`, 'enable=true or enable=false');
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
  return images.filter(i => i.enable).map(i => i.name.toLowerCase());
}
