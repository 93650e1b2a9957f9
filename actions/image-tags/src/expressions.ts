/**
 * The expressions metadata-action makes available in templates, and parse-time validation of a
 * template against them (so a typo such as `{{majr}}` is an input error rather than a silently
 * empty tag, which is what Handlebars would render).
 */
import { datefmt } from './optional.js';
import { inputError, type Origin } from './errors.js';
import { parseTemplate, TemplateError, type Template } from './template.js';

/** Global expressions usable in value=, prefix=, suffix=, enable= and in labels/annotations. */
export const GLOBAL_EXPRESSIONS = [
  'branch',
  'tag',
  'sha',
  'base_ref',
  'is_default_branch',
  'is_not_default_branch',
  'date',
  'commit_date',
] as const;
/** Expressions of a type=semver pattern (the fields of a parsed SemVer). */
export const SEMVER_EXPRESSIONS = ['raw', 'version', 'major', 'minor', 'patch', 'prerelease', 'build'] as const;
/** Expressions of a type=pep440 pattern. */
export const PEP440_EXPRESSIONS = ['raw', 'version', 'major', 'minor', 'patch'] as const;
/** Expressions of a type=schedule pattern. */
export const SCHEDULE_EXPRESSIONS = ['date', 'commit_date'] as const;

const DATE_HELPERS = new Set(['date', 'commit_date']);

function list(names: readonly string[]): string {
  return names.map((n) => `{{${n}}}`).join(', ');
}

/**
 * Parses `source` and checks every expression is one of `allowed`; date helpers must have a
 * string format and only a valid `tz=`. Returns the parsed template.
 */
export function checkTemplate(source: string, allowed: readonly string[], origin: Origin, attribute: string): Template {
  let template: Template;
  try {
    template = parseTemplate(source);
  } catch (error) {
    if (error instanceof TemplateError) {
      throw inputError(origin, `${attribute} "${source}" is not a valid template (${error.message})`, `a value using ${list(allowed)}`);
    }
    throw error;
  }
  for (const node of template.body) {
    if (node.type !== 'mustache' || node.path.length === 0) continue;
    const name = node.path[0]!;
    if (!allowed.includes(name) || node.path.length > 1) {
      throw inputError(origin, `unknown expression {{${node.original}}} in ${attribute}`, `one of ${list(allowed)}`);
    }
    if (DATE_HELPERS.has(name)) {
      const fmt = node.params[0];
      if (node.params.length > 1)
        throw inputError(
          origin,
          `{{${name}}} takes one format in ${attribute}`,
          `{{${name} 'YYYYMMDD'}} or {{${name} 'YYYYMMDD' tz='Asia/Tokyo'}}`,
        );
      if (fmt && fmt.kind !== 'string' && fmt.kind !== 'path') {
        throw inputError(origin, `the format of {{${name}}} must be a quoted string in ${attribute}`, `{{${name} 'YYYYMMDD'}}`);
      }
      for (const [key, value] of Object.entries(node.hash)) {
        if (key !== 'tz') throw inputError(origin, `unknown attribute ${key}= in {{${name}}} (${attribute})`, `only tz='<IANA time zone>'`);
        if (value.kind === 'string' && !datefmt().isValidTimeZone(value.value)) {
          throw inputError(
            origin,
            `unknown time zone "${value.value}" in {{${name}}} (${attribute})`,
            `an IANA time zone such as UTC, Europe/Paris or Asia/Tokyo`,
          );
        }
      }
    }
  }
  return template;
}
