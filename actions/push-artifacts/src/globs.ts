/**
 * Per-glob rules for S3 objects (`cache-control`, `content-types`): `*` within one path segment,
 * `**` across segments, `?`, `[abc]`, `{a,b}` (core's globToRegExp). A pattern without `/` matches the file name in any
 * directory (as in .gitignore); one with `/` matches the path relative to the source directory.
 * The first rule that matches a file wins.
 */
import { globToRegExp, parseJsonOrText } from '@deploy-kit/core';

export interface GlobRule {
  pattern: string;
  value: string;
  regex: RegExp;
}

export function matchesGlob(rule: Pick<GlobRule, 'pattern' | 'regex'>, relativePath: string): boolean {
  const target = rule.pattern.includes('/') ? relativePath : relativePath.slice(relativePath.lastIndexOf('/') + 1);
  return rule.regex.test(target);
}

/** A key looks like a glob (not a header directive such as `max-age`) when it has one of `* ? [ { . /`. */
const GLOB_KEY = /[*?[{./]/;

/**
 * `glob=value` lines (or a JSON/YAML-like `{"glob": "value"}` object); a line that is not
 * `glob=value` is a value for every file (`public, max-age=300`). Empty input → no rules.
 */
export function parseGlobRules(raw: string, name: string, expected: string): GlobRule[] {
  return parseJsonOrText(name, raw, {
    expected,
    jsonStarts: '{',
    badJson: (reason) => `is not valid JSON (${reason})`,
    fromJson: (parsed) => {
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('is not a JSON object');
      return Object.entries(parsed as Record<string, unknown>).map(([pattern, value]) => {
        if (typeof value !== 'string' || value.trim() === '') throw new Error(`has no string value for "${pattern}"`);
        return { pattern, value: value.trim(), regex: globToRegExp(pattern) };
      });
    },
    fromText: (text) => {
      const rules: GlobRule[] = [];
      for (const line of text.split(/\r?\n/)) {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#')) continue;
        const eq = trimmed.indexOf('=');
        const key = eq > 0 ? trimmed.slice(0, eq).trim() : '';
        if (key !== '' && !/[\s,;]/.test(key) && GLOB_KEY.test(key)) {
          const value = trimmed.slice(eq + 1).trim();
          if (value === '') throw new Error(`has no value for "${key}"`);
          rules.push({ pattern: key, value, regex: globToRegExp(key) });
        } else {
          rules.push({ pattern: '**', value: trimmed, regex: globToRegExp('**') });
        }
      }
      return rules;
    },
  });
}

export function firstMatch(rules: readonly GlobRule[], relativePath: string): string | undefined {
  return rules.find((rule) => matchesGlob(rule, relativePath))?.value;
}
