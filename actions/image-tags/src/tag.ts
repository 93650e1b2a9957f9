/**
 * The `tags` input DSL (docker/metadata-action's tag.ts) plus deploy-kit's `type=channel`.
 *
 * Each entry is a CSV record of attributes: `type=semver,pattern={{version}},priority=900`. A bare
 * field is the `value` (`type=raw,foo` or just `foo`). Missing attributes get metadata-action's
 * defaults; rules are sorted by priority (highest first, stable). Unlike metadata-action, unknown
 * attributes, bare values on types that take none, non-numeric priorities, invalid regular
 * expressions and unknown template expressions are input errors (metadata-action ignores or
 * silently renders them empty).
 */
import { inputError, type Origin } from './errors.js';
import { checkTemplate, GLOBAL_EXPRESSIONS, PEP440_EXPRESSIONS, SCHEDULE_EXPRESSIONS, SEMVER_EXPRESSIONS } from './expressions.js';
import { normalizeList, parseFields, type ListInput } from './list.js';

export const TAG_TYPES = ['schedule', 'semver', 'pep440', 'match', 'edge', 'ref', 'raw', 'sha', 'channel'] as const;
export type TagType = (typeof TAG_TYPES)[number];

export const REF_EVENTS = ['branch', 'tag', 'pr'] as const;
export const SHA_FORMATS = ['short', 'long'] as const;
export const CHANNEL_FORMATS = ['env', 'env-sha', 'channel', 'channel-sha'] as const;

export const DEFAULT_PRIORITIES: Record<TagType, string> = {
  schedule: '1000',
  semver: '900',
  pep440: '900',
  match: '800',
  edge: '700',
  ref: '600',
  channel: '500',
  raw: '200',
  sha: '100',
};

const COMMON_ATTRS = ['enable', 'priority', 'prefix', 'suffix'];
export const TYPE_ATTRS: Record<TagType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format'],
  channel: ['format'],
};

/** The default rules when `tags` is empty. */
export const DEFAULT_TAGS = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];

export interface TagRule {
  type: TagType;
  /** Attributes with metadata-action's defaults filled in, in metadata-action's order. */
  attrs: Record<string, string>;
  /** Where the rule came from (line undefined for the default rules). */
  origin: Origin;
}

/** metadata-action's Tag.toString(). */
export function ruleToString(rule: TagRule): string {
  return [`type=${rule.type}`, ...Object.entries(rule.attrs).map(([k, v]) => `${k}=${v}`)].join(',');
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

const EXPECTED_ENTRY = 'type=<type>,<attribute>=<value>,... (see the tags input documentation)';

function compileRegex(source: string, origin: Origin, attribute: string): RegExp {
  const slashed = /^\/(.+)\/(.*)$/.exec(source);
  try {
    return slashed ? new RegExp(slashed[1]!, slashed[2]) : new RegExp(source);
  } catch (error) {
    throw inputError(
      origin,
      `${attribute} "${source}" is not a valid regular expression (${(error as Error).message})`,
      'a JavaScript regular expression, optionally as /pattern/flags',
    );
  }
}

function captureGroups(re: RegExp): number {
  return (new RegExp(`${re.source}|`).exec('')?.length ?? 1) - 1;
}

/** Parses one entry of the `tags` input. */
export function parseTagRule(text: string, line?: number, inputName = 'tags'): TagRule {
  const origin: Origin = { input: inputName, line, text };
  const fields = parseFields({ value: text, line }, inputName, EXPECTED_ENTRY);
  const attrs: Record<string, string> = {};
  let type: TagType | undefined;
  let bare: string | undefined;
  for (const field of fields) {
    const parts = field
      .toString()
      .split(/(?<=^[^=]+?)=/)
      .map((item) => item.trim());
    if (parts.length === 1) {
      attrs['value'] = parts[0]!;
      if (parts[0] !== '') bare = parts[0];
      continue;
    }
    const key = parts[0]!.toLowerCase();
    const value = parts[1]!;
    if (key === 'type') {
      if (!(TAG_TYPES as readonly string[]).includes(value)) {
        throw inputError(origin, `unknown type "${value}"`, `one of ${TAG_TYPES.join(', ')}`);
      }
      type = value as TagType;
    } else {
      attrs[key] = value;
    }
  }
  const t: TagType = type ?? 'raw';

  // attributes must belong to the type
  const allowed = [...COMMON_ATTRS, ...TYPE_ATTRS[t]];
  for (const key of Object.keys(attrs)) {
    if (key === 'value' && !allowed.includes('value')) {
      if (bare !== undefined || attrs['value'] !== '') {
        throw inputError(
          origin,
          `type=${t} takes no value${bare !== undefined ? ` (found "${bare}")` : ''}`,
          `attributes of type=${t}: ${allowed.join(', ')}`,
        );
      }
      delete attrs['value'];
      continue;
    }
    if (!allowed.includes(key)) {
      throw inputError(origin, `unknown attribute "${key}" for type=${t}`, `one of ${allowed.join(', ')}`);
    }
  }

  switch (t) {
    case 'schedule':
      if (!has(attrs, 'pattern')) attrs['pattern'] = 'nightly';
      checkTemplate(attrs['pattern']!, SCHEDULE_EXPRESSIONS, origin, 'pattern');
      break;
    case 'semver':
    case 'pep440': {
      if (!has(attrs, 'pattern')) {
        throw inputError(
          origin,
          `type=${t} needs a pattern attribute`,
          `pattern=<template>, e.g. pattern={{version}} or pattern={{major}}.{{minor}}`,
        );
      }
      if (attrs['pattern']!.trim() === '') {
        throw inputError(origin, `type=${t} has an empty pattern`, `pattern=<template>, e.g. pattern={{version}}`);
      }
      checkTemplate(attrs['pattern']!, t === 'semver' ? SEMVER_EXPRESSIONS : PEP440_EXPRESSIONS, origin, 'pattern');
      if (!has(attrs, 'value')) attrs['value'] = '';
      if (!has(attrs, 'match')) attrs['match'] = '';
      if (attrs['match'] !== '') {
        const re = compileRegex(attrs['match']!, origin, 'match');
        if (captureGroups(re) < 1) {
          throw inputError(
            origin,
            `match "${attrs['match']}" has no capture group`,
            'a regular expression whose first group is the version, e.g. match=v(\\d.\\d.\\d)$',
          );
        }
      }
      break;
    }
    case 'match': {
      if (!has(attrs, 'pattern')) {
        throw inputError(origin, 'type=match needs a pattern attribute', 'pattern=<regular expression>, e.g. pattern=v(.*),group=1');
      }
      compileRegex(attrs['pattern']!, origin, 'pattern');
      if (!has(attrs, 'group')) attrs['group'] = '0';
      if (isNaN(+attrs['group']!)) {
        throw inputError(origin, `group=${attrs['group']} is not a number`, 'group=<capture group number>, e.g. group=1');
      }
      if (!has(attrs, 'value')) attrs['value'] = '';
      break;
    }
    case 'edge':
      if (!has(attrs, 'branch')) attrs['branch'] = '';
      break;
    case 'ref':
      if (!has(attrs, 'event')) {
        throw inputError(origin, 'type=ref needs an event attribute', `event=${REF_EVENTS.join('|')}`);
      }
      if (!(REF_EVENTS as readonly string[]).includes(attrs['event']!)) {
        throw inputError(origin, `event=${attrs['event']} is not a ref event`, `event=${REF_EVENTS.join(', event=')}`);
      }
      if (attrs['event'] === 'pr' && !has(attrs, 'prefix')) attrs['prefix'] = 'pr-';
      break;
    case 'raw':
      if (!has(attrs, 'value')) {
        throw inputError(origin, 'type=raw needs a value', 'type=raw,value=<tag> (or type=raw,<tag>)');
      }
      break;
    case 'sha':
      if (!has(attrs, 'prefix')) attrs['prefix'] = 'sha-';
      if (!has(attrs, 'format')) attrs['format'] = 'short';
      if (!(SHA_FORMATS as readonly string[]).includes(attrs['format']!)) {
        throw inputError(origin, `format=${attrs['format']} is not a sha format`, 'format=short or format=long');
      }
      break;
    case 'channel':
      if (!has(attrs, 'format')) attrs['format'] = 'env';
      if (!(CHANNEL_FORMATS as readonly string[]).includes(attrs['format']!)) {
        throw inputError(origin, `format=${attrs['format']} is not a channel format`, `format=${CHANNEL_FORMATS.join(', format=')}`);
      }
      break;
  }
  if (!has(attrs, 'enable')) attrs['enable'] = 'true';
  if (!has(attrs, 'priority')) attrs['priority'] = DEFAULT_PRIORITIES[t];
  if (attrs['priority']!.trim() === '' || isNaN(Number(attrs['priority']))) {
    throw inputError(
      origin,
      `priority=${attrs['priority']} is not a number`,
      'priority=<number>, higher first (defaults: schedule 1000, semver/pep440 900, match 800, edge 700, ref 600, channel 500, raw 200, sha 100)',
    );
  }
  // global expressions
  for (const key of ['enable', 'prefix', 'suffix', ...(TYPE_ATTRS[t].includes('value') ? ['value'] : [])]) {
    if (has(attrs, key)) checkTemplate(attrs[key]!, GLOBAL_EXPRESSIONS, origin, key);
  }
  return { type: t, attrs, origin };
}

/**
 * Parses the `tags` input (the default rules when it is empty) and sorts by priority, highest
 * first; rules of equal priority keep their input order.
 */
export function parseTagRules(list: ListInput | undefined, inputName = 'tags'): TagRule[] {
  const entries = normalizeList(list);
  const rules =
    entries.length === 0
      ? DEFAULT_TAGS.map((text) => ({
          ...parseTagRule(text, undefined, inputName),
          origin: { input: inputName, text: `${text} (default)` },
        }))
      : entries.map((e) => parseTagRule(e.value, e.line, inputName));
  return rules.sort((a, b) => Number(b.attrs['priority']) - Number(a.attrs['priority']));
}
