/**
 * deploy-kit's seed naming: `{registry}/{kind-prefix}{name}:{version}` (the deployment guide's
 * `123456.dkr.ecr.eu-west-1.amazonaws.com/ms_core:v1.2.3`), with OCI-spec validation of every
 * repository path component and tag, and the immutable pin tag.
 */
import { PATH_COMPONENT, PATH_RULE, suggestComponent, TAG_PATTERN } from '@deploy-kit/core/oci/reference';
import { readRegistry, registryPrefix } from '@deploy-kit/core/oci/registry';
import { TagInputError } from './errors.js';
import { sanitizeTag } from './meta.js';

export const KINDS: Record<string, string> = { ms: 'ms_{name}', cli: 'cli_{name}' };
export const DEFAULT_PIN_TEMPLATE = 'sha-{sha7}';
export const TAG_RULE = '[A-Za-z0-9_][A-Za-z0-9._-]{0,127}';

export interface Kind {
  /** Repository template containing `{name}`, e.g. `ms_{name}`. */
  template: string;
  /** Prefix removed (once) from discovered or listed names, e.g. `ms_`. */
  stripPrefix: string;
}

/** `ms` → `ms_{name}`, `cli` → `cli_{name}`, or a custom template containing `{name}`. */
export function resolveKind(kind: string | undefined, inputName = 'kind'): Kind {
  const k = (kind ?? '').trim() || 'ms';
  const template = KINDS[k] ?? k;
  if (!template.includes('{name}')) {
    throw new TagInputError(
      inputName,
      undefined,
      `"${k}" is neither a known kind nor a template`,
      'ms, cli, or a repository template containing {name} (e.g. svc-{name} or team/{name})',
      k,
    );
  }
  const before = template.slice(0, template.indexOf('{name}'));
  const stripPrefix = before.slice(before.lastIndexOf('/') + 1);
  return { template, stripPrefix };
}

/** Trims and removes the kind's prefix once (`ms_core` → `core` for kind ms). */
export function normalizeServiceName(raw: string, stripPrefix: string): string {
  const name = raw.trim();
  return stripPrefix && name.startsWith(stripPrefix) && name.length > stripPrefix.length ? name.slice(stripPrefix.length) : name;
}

/**
 * The `registry` input by the suite's one rule (core's readRegistry: `[https://|http://]host[:port][/namespace]`,
 * plain http only for loopback), as the prefix of the references: `host[/namespace]`, lower-case, no scheme.
 */
export function parseRegistry(registry: string | undefined, inputName = 'registry'): string {
  const raw = (registry ?? '').trim();
  const { address, problem, expected } = readRegistry(raw);
  if (problem !== undefined) throw new TagInputError(inputName, undefined, problem, expected, raw);
  return address ? registryPrefix(address) : '';
}

/**
 * The repository for a service: `{registry}/{template with name}`. Every path component must match
 * the OCI rule; a bad service name fails with the name, the rule and a suggestion.
 */
export function repositoryFor(registry: string, kind: Kind, name: string, inputName = 'services'): string {
  const expected = `service names that give repository path components matching ${PATH_RULE} (lowercase letters, digits, and . _ __ - between them)`;
  if (name === '') throw new TagInputError(inputName, undefined, 'a service name is empty', expected, name);
  if (name.includes('/')) {
    throw new TagInputError(inputName, undefined, `service "${name}" contains "/"`, expected, name);
  }
  const path = kind.template.split('{name}').join(name);
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      const suggestion = suggestComponent(name);
      const hint = suggestion && suggestion !== name ? `; use "${suggestion}" (lowercase, invalid characters replaced by "-")` : '';
      throw new TagInputError(
        inputName,
        undefined,
        `service "${name}" gives the repository name "${component}", which is not a valid OCI repository path component${hint}`,
        expected,
        name,
      );
    }
  }
  const repo = registry ? `${registry}/${path}` : path;
  if (repo.length > 255)
    throw new TagInputError(inputName, undefined, `the repository "${repo}" is longer than 255 characters`, expected, name);
  return repo;
}

/** Checks a tag against the OCI rule; the error suggests a sanitized tag. */
export function checkTag(tag: string, inputName: string, what = 'tag'): string {
  if (!TAG_PATTERN.test(tag)) {
    const s = sanitizeTag(tag)
      .replace(/^[.-]+/, '')
      .slice(0, 128);
    throw new TagInputError(
      inputName,
      undefined,
      `${what} "${tag}" is not a valid image tag${s && s !== tag ? ` (try "${s}")` : ''}`,
      `a tag matching ${TAG_RULE}`,
      tag,
    );
  }
  return tag;
}

export interface PinVars {
  sha: string;
  sha7: string;
  version: string;
  tag: string;
  environment: string;
  channel: string;
}

export const PIN_VARIABLES: Array<keyof PinVars> = ['sha', 'sha7', 'version', 'tag', 'environment', 'channel'];

/** Renders the pin template (`sha-{sha7}`, `{tag}-{sha7}`, ...). */
export function renderPin(template: string, vars: PinVars, inputName = 'pin'): string {
  const t = template.trim() || DEFAULT_PIN_TEMPLATE;
  const expected = `a tag template using ${PIN_VARIABLES.map((v) => `{${v}}`).join(', ')}, e.g. sha-{sha7} or {tag}-{sha7}`;
  const out = t.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
    if (!(PIN_VARIABLES as string[]).includes(name)) {
      throw new TagInputError(inputName, undefined, `unknown variable {${name}}`, expected, t);
    }
    const value = vars[name as keyof PinVars];
    if (!value)
      throw new TagInputError(
        inputName,
        undefined,
        `{${name}} is empty for this run`,
        `${expected}; {${name}} needs ${name === 'sha' || name === 'sha7' ? 'GITHUB_SHA' : `a ${name} (from the tag input or parse-version)`}`,
        t,
      );
    return value;
  });
  return checkTag(out, inputName, 'the pin tag');
}
