/**
 * Typed, declarative inputs. Each action declares its inputs once (in `actions/<name>/src/io.ts`);
 * the same declaration reads and validates every input up front, before any side effect, and
 * lets a test compare it with `action.yml` so the two cannot drift apart.
 */
import * as core from './runner.js';
import { InputError } from './errors.js';
import { registerSecret } from './secrets.js';
import { runReleaseTag } from './context.js';
import {
  type ListSeparators,
  loadYamlParser,
  needsYamlParser,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseInteger,
  parseList,
  parseMap,
  parseStructured,
} from './parse.js';

export type InputKind = 'string' | 'boolean' | 'integer' | 'list' | 'map' | 'structured' | 'duration' | 'enum';

export interface InputSpec<T> {
  readonly kind: InputKind;
  /** The default exactly as written in action.yml (the runner passes it when the input is unset). */
  readonly default?: string;
  readonly required?: boolean;
  /** Masked before anything else happens and never echoed in errors. */
  readonly secret?: boolean;
  /** For enums: the allowed values. */
  readonly values?: readonly string[];
  /**
   * An empty value is a value (`tag-prefix: ''`), not "use the default". The runner passes the
   * default itself when the input is not given, so an empty INPUT_* means the user asked for it.
   */
  readonly allowEmpty?: boolean;
  parse(raw: string, name: string): T;
}

interface Common {
  default?: string;
  required?: boolean;
}

function spec<T>(
  kind: InputKind,
  options: Common & { secret?: boolean; values?: readonly string[]; allowEmpty?: boolean },
  parse: (raw: string, name: string) => T,
): InputSpec<T> {
  return {
    kind,
    default: options.default,
    required: options.required,
    secret: options.secret,
    values: options.values,
    allowEmpty: options.allowEmpty,
    parse,
  };
}

const TAG_FORMS = "a release tag such as `v1.2.3-rc.1` (parse-version's `tag` output), or empty on a tag push";
/** What git accepts in a tag name, roughly (git check-ref-format): no spaces, control characters, `~ ^ : ? * [ \\` or `..`. */
const GIT_TAG_NAME = /^(?!.*\.\.)(?!-)[^\s\u0000-\u001f\u007f~^:?*[\\]+$/;

export const input = {
  /** A trimmed string; `pattern` rejects values that do not match, described by `expected`. */
  string(options: Common & { secret?: boolean; pattern?: RegExp; expected?: string; allowEmpty?: boolean } = {}): InputSpec<string> {
    return spec('string', options, (raw, name) => {
      if (options.pattern && raw !== '' && !options.pattern.test(raw)) {
        throw new InputError(name, 'has the wrong form', options.expected ?? `a value matching ${options.pattern}`, raw, {
          secret: options.secret,
        });
      }
      return raw;
    });
  },
  boolean(options: Common = {}): InputSpec<boolean> {
    return spec('boolean', options, (raw, name) => (raw === '' ? false : parseBoolean(name, raw)));
  },
  integer(options: Common & { min?: number; max?: number } = {}): InputSpec<number | undefined> {
    return spec('integer', options, (raw, name) => (raw === '' ? undefined : parseInteger(name, raw, options)));
  },
  list(options: Common & { separators?: ListSeparators } = {}): InputSpec<string[]> {
    return spec('list', options, (raw, name) => parseList(name, raw, options.separators));
  },
  map(options: Common = {}): InputSpec<Record<string, string>> {
    return spec('map', options, (raw, name) => parseMap(name, raw));
  },
  /** Any JSON or YAML document; `expected` describes the form the action wants (shown when it does not parse). */
  structured(options: Common & { expected?: string } = {}): InputSpec<unknown> {
    return spec('structured', options, (raw, name) => parseStructured(name, raw, options.expected));
  },
  /** Milliseconds, or undefined when empty. */
  duration(options: Common & { minMs?: number; maxMs?: number } = {}): InputSpec<number | undefined> {
    return spec('duration', options, (raw, name) => (raw === '' ? undefined : parseDuration(name, raw, options)));
  },
  /**
   * A release tag (`v1.2.3-rc.1`, parse-version's `tag` output). Empty: this run's tag (`GITHUB_REF`
   * refs/tags/…, core `runReleaseTag`), or '' when no tag started the run; with `required`, that is
   * an error saying so. `env` is for tests.
   */
  tag(options: { required?: boolean; env?: Record<string, string | undefined> } = {}): InputSpec<string> {
    return spec('string', {}, (raw, name) => {
      const env = options.env ?? process.env;
      const tag = raw || runReleaseTag(env);
      if (tag === '' && options.required) {
        throw new InputError(
          name,
          `is empty and this run was not started by a tag (GITHUB_REF is ${env.GITHUB_REF || 'empty'})`,
          TAG_FORMS,
          raw,
        );
      }
      if (tag !== '' && !GIT_TAG_NAME.test(tag)) throw new InputError(name, 'is not a git tag name', TAG_FORMS, tag);
      return tag;
    });
  },
  enum<const T extends string>(values: readonly T[], options: Common = {}): InputSpec<T> {
    return spec('enum', { ...options, values }, (raw, name) => {
      if (raw === '') throw new InputError(name, 'is empty', `one of ${values.map((v) => `\`${v}\``).join(', ')}`, raw);
      return parseEnum(name, raw, values);
    });
  },
};

/** Every action also accepts `dry-run`; one declaration keeps its meaning the same everywhere. */
export const dryRunInput = input.boolean({ default: 'false' });

export type InputSpecs = Record<string, InputSpec<unknown>>;

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export type InputValues<S extends InputSpecs> = {
  -readonly [K in keyof S & string as CamelCase<K>]: S[K] extends InputSpec<infer T> ? T : never;
};

export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export type RawInputReader = (name: string) => string;

/** Reads through @actions/core so the runner's `INPUT_*` naming is honoured exactly. */
export const readRawInput: RawInputReader = (name) => core.getInput(name, { trimWhitespace: true });

/**
 * Reads and validates every declared input. Secrets are registered with the runner first, so no
 * later log line (ours or a library's) can show them. An empty value falls back to the declared
 * default (the runner does that too, but tests and the composite action may not). Async only
 * because the YAML parser is loaded when some input needs it.
 */
export async function readInputs<S extends InputSpecs>(specs: S, read: RawInputReader = readRawInput): Promise<InputValues<S>> {
  const raws = new Map<string, string>();
  for (const [name, item] of Object.entries(specs)) {
    let raw = read(name).trim();
    if (item.secret) registerSecret(raw);
    if (raw === '' && item.default !== undefined && !item.allowEmpty) raw = item.default.trim();
    raws.set(name, raw);
  }
  const yamlNeeded = Object.entries(specs).some(
    ([name, item]) => (item.kind === 'map' || item.kind === 'structured') && needsYamlParser(raws.get(name) ?? '', item.kind === 'map'),
  );
  if (yamlNeeded) await loadYamlParser();
  const values: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(specs)) {
    const raw = raws.get(name) ?? '';
    if (raw === '' && item.required) {
      throw new InputError(name, 'is required but was not given', describeKind(item), raw, { secret: item.secret });
    }
    values[camelCase(name)] = item.parse(raw, name);
  }
  return values as InputValues<S>;
}

function describeKind(item: InputSpec<unknown>): string {
  switch (item.kind) {
    case 'boolean':
      return '`true` or `false`';
    case 'integer':
      return 'a whole number';
    case 'list':
      return 'a list (one item per line, or separated by commas)';
    case 'map':
      return 'one `key=value` per line, a JSON object or a YAML mapping';
    case 'structured':
      return 'JSON or YAML';
    case 'duration':
      return 'a duration such as `90s`, `5m` or `1h`';
    case 'enum':
      return `one of ${(item.values ?? []).map((v) => `\`${v}\``).join(', ')}`;
    default:
      return 'a value';
  }
}
