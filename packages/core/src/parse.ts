/**
 * Pure parsers for the suite's input forms. Each takes the input's name so an error can say which
 * input was wrong, what was wrong, what form is expected and what was given.
 */
import { InputError } from './errors.js';

type YamlParse = (text: string, options: { strict: boolean; uniqueKeys: boolean }) => unknown;
let yamlParse: YamlParse | undefined;

/**
 * The YAML parser is loaded on demand: most inputs are `key=value` or JSON, and loading the
 * parser up front would cost every action's cold start ~10 ms (measured on parse-version).
 * `readInputs` calls this when an input needs it; direct callers of the parsers call it first.
 */
export async function loadYamlParser(): Promise<void> {
  yamlParse ??= (await import('yaml')).parse as YamlParse;
}

/**
 * Whether parsing this value needs the YAML parser: not empty and not JSON, and for a map
 * (`keyValueLines`) not only `key=value` lines. A structured value (`parseStructured`) has no
 * `key=value` form, so `repository=o/other` there is YAML (a plain scalar) and needs the parser to
 * be refused with a clear message.
 */
export function needsYamlParser(raw: string, keyValueLines = true): boolean {
  const text = raw.trim();
  if (text === '') return false;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }
  return (
    !keyValueLines ||
    !text
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
      .every((line) => KEY_VALUE_LINE.test(line))
  );
}

// The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

export function parseBoolean(name: string, raw: string): boolean {
  const value = raw.trim();
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  throw new InputError(name, 'not a boolean', '`true` or `false`', raw);
}

export function parseInteger(name: string, raw: string, bounds: { min?: number; max?: number } = {}): number {
  const value = raw.trim();
  const range = describeRange(bounds);
  if (!/^-?\d+$/.test(value)) throw new InputError(name, 'not a whole number', `a whole number${range}`, raw);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || (bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) {
    throw new InputError(name, 'out of range', `a whole number${range}`, raw);
  }
  return n;
}

function describeRange({ min, max }: { min?: number; max?: number }): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

export type ListSeparators = 'lines' | 'lines-and-commas' | 'any';

/**
 * An input that takes either JSON or plain text (`services`, `projects`, `command`, `images`,
 * `content-types`): workflows often pass another step's JSON output straight in, people write
 * lines. The one reader for all of them, so every such input decides "is this JSON?" the same way
 * (by its first character), and every problem reads `Input "<name>": <problem>; expected <forms>.
 * Got: <value>`.
 */
export interface JsonOrTextForm<T> {
  /** The accepted forms, for the error message. */
  expected: string;
  /** First characters that make the value JSON: `[` (an array), `{` (an object) or `[{` (either). */
  jsonStarts: '[' | '{' | '[{';
  /** The parsed JSON → items. A plain Error's message is the problem; an InputError is passed on as it is. */
  fromJson(value: unknown): T[];
  /** The (trimmed, non-empty) text → items. Errors as in `fromJson`. */
  fromText(text: string): T[];
  /**
   * The problem for a value that starts like JSON and does not parse, from JSON.parse's reason; by
   * default `not valid JSON (<reason>)`. Returning undefined reads the value as text after all
   * (an image reference may start with `[` for an IPv6 registry host).
   */
  badJson?: (reason: string, text: string) => string | undefined;
}

export function parseJsonOrText<T>(name: string, raw: string, form: JsonOrTextForm<T>): T[] {
  const text = raw.trim();
  if (text === '') return [];
  const read = (parse: () => T[]): T[] => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(name, (error as Error).message, form.expected, raw);
    }
  };
  if (!form.jsonStarts.includes(text[0]!)) return read(() => form.fromText(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    const problem = form.badJson ? form.badJson(reason, text) : `not valid JSON (${reason})`;
    if (problem === undefined) return read(() => form.fromText(text));
    throw new InputError(name, problem, form.expected, raw);
  }
  return read(() => form.fromJson(value));
}

/** Items of text: one per line, `#` lines are comments, and (by `separators`) also split at commas or spaces. */
export function splitList(text: string, separators: ListSeparators = 'any'): string[] {
  const splitter = separators === 'lines' ? null : separators === 'lines-and-commas' ? /,/ : /[,\s]+/;
  const items: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    for (const item of splitter ? trimmed.split(splitter) : [trimmed]) {
      const value = item.trim();
      if (value !== '') items.push(value);
    }
  }
  return items;
}

const LIST_FORMS = 'a JSON array of strings, or one item per line';

/**
 * A list: one item per line, and (by default) also separated by commas or spaces. Lines starting
 * with `#` are comments. A JSON array (`["a","b"]`) is accepted too, since workflows often pass
 * another step's JSON output straight in.
 */
export function parseList(name: string, raw: string, separators: ListSeparators = 'any'): string[] {
  return parseJsonOrText(name, raw, {
    expected: LIST_FORMS,
    jsonStarts: '[',
    badJson: (reason) => `not a valid JSON array (${reason})`,
    fromJson: (parsed) => {
      if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
        throw new Error('the JSON array holds something other than strings');
      }
      return parsed.map((item) => String(item).trim()).filter((item) => item !== '');
    },
    fromText: (text) => splitList(text, separators),
  });
}

// A key never holds `: ` (that is a YAML line such as `a: x=y`).
const KEY_VALUE_LINE = /^\s*((?:[^=:\s]|:(?!\s))(?:[^=:]|:(?!\s))*?)\s*=(.*)$/;
const MAP_FORMS = 'one `key=value` per line, a JSON object or a YAML mapping';

/**
 * A string map from multiline `key=value`, a JSON object or a YAML mapping. Values must be
 * scalars; they are returned as strings (the form every consumer of these maps needs).
 */
export function parseMap(name: string, raw: string): Record<string, string> {
  const text = raw.trim();
  if (text === '') return {};
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const keyValue = lines.map((line) => KEY_VALUE_LINE.exec(line));
  if (!text.startsWith('{') && keyValue.every((match) => match !== null)) {
    const map: Record<string, string> = {};
    keyValue.forEach((match, index) => {
      const key = match![1];
      if (Object.prototype.hasOwnProperty.call(map, key)) {
        throw new InputError(name, `key "${key}" is given twice`, `${MAP_FORMS}, each key once`, lines[index].trim());
      }
      map[key] = unquote(match![2].trim());
    });
    return map;
  }
  // Mixed key=value and other lines: name the first line that is not key=value.
  const rejectMixedLines = () => {
    const bad = keyValue.findIndex((match) => match === null);
    if (keyValue.some((match) => match !== null) && bad >= 0) {
      throw new InputError(name, `line "${lines[bad].trim()}" is not key=value`, MAP_FORMS, lines[bad].trim());
    }
  };
  const structured = parseStructured(name, raw, MAP_FORMS, rejectMixedLines);
  if (structured === null || typeof structured !== 'object' || Array.isArray(structured)) {
    // `a=1\nb 2` is valid YAML (one multi-line string), so the mixed case can get here too.
    rejectMixedLines();
    throw new InputError(name, 'not a map', MAP_FORMS, raw);
  }
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(structured as Record<string, unknown>)) {
    if (value !== null && typeof value === 'object') {
      throw new InputError(
        name,
        `the value of "${key}" is a ${Array.isArray(value) ? 'list' : 'map'}, not a single value`,
        MAP_FORMS + ' with single values',
        raw,
      );
    }
    map[key] = value === null || value === undefined ? '' : String(value);
  }
  return map;
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}

/** Any JSON or YAML document (JSON is YAML, but JSON errors read better from JSON.parse). */
export function parseStructured(name: string, raw: string, expected = 'JSON or YAML', beforeYamlError?: () => void): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      // Fall through: flow-style YAML (`{a: 1}`) is valid YAML but not JSON.
    }
  }
  if (!yamlParse) throw new Error('The YAML parser is not loaded: call loadYamlParser() before parsing YAML.');
  try {
    return yamlParse(text, { strict: true, uniqueKeys: true });
  } catch (error) {
    beforeYamlError?.();
    const reason = (error as Error).message.split('\n')[0];
    throw new InputError(name, `not valid JSON or YAML (${reason})`, expected, raw);
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_FORMS = 'a duration such as `90s`, `5m`, `1h30m` or a number of seconds';

/** A duration in milliseconds from `90s`, `5m`, `1h`, `1h30m`, `500ms`, or a bare number of seconds. */
export function parseDuration(name: string, raw: string, bounds: { minMs?: number; maxMs?: number } = {}): number {
  const text = raw.trim().toLowerCase();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(text)) {
    ms = 0;
    for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(part[1]) * DURATION_UNITS[part[2]];
  } else {
    throw new InputError(name, 'not a duration', DURATION_FORMS, raw);
  }
  ms = Math.round(ms);
  if ((bounds.minMs !== undefined && ms < bounds.minMs) || (bounds.maxMs !== undefined && ms > bounds.maxMs)) {
    const range = [
      bounds.minMs !== undefined ? `at least ${formatDuration(bounds.minMs)}` : '',
      bounds.maxMs !== undefined ? `at most ${formatDuration(bounds.maxMs)}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new InputError(name, 'out of range', `a duration of ${range}`, raw);
  }
  return ms;
}

/** `90000` → `1m30s`: durations in messages read the way users write them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join('');
}

/** `1234` → `1.2 s`: a measured time (a request, a compression) in messages, to a tenth of a second. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * `250` → `250 ms`, `1234` → `1.2 s`, `15000` → `15 s`: an elapsed time in a log line or a summary
 * table, as precise as a reader needs at that size.
 */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function parseEnum<const T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const value = raw.trim();
  const match =
    allowed.find((candidate) => candidate === value) ?? allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined)
    throw new InputError(name, 'not one of the allowed values', `one of ${allowed.map((a) => `\`${a}\``).join(', ')}`, raw);
  return match;
}
