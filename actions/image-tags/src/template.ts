/**
 * A tiny evaluator for the subset of Handlebars that docker/metadata-action uses: mustaches
 * `{{name}}`, `{{helper 'literal' key='value'}}`, triple-stash `{{{raw}}}`, comments, `\{{`
 * escapes and `~` whitespace control. Output of `{{...}}` is HTML-escaped exactly as
 * Handlebars' `escapeExpression` does (metadata-action does not disable it), so the same input
 * gives the same tag. Block helpers (`{{#if}}`), partials and sub-expressions are not part of
 * metadata-action's documented expressions and are rejected with a clear error.
 *
 * Lookup follows Handlebars 4.6+: only own properties of the context are visible; a function
 * found there is called with the evaluated params and an `options` object (`{hash, name}`).
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Param =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'path'; parts: string[]; original: string };

export interface MustacheNode {
  type: 'mustache';
  escaped: boolean;
  path: string[];
  original: string;
  params: Param[];
  hash: Record<string, Param>;
}

export type TemplateNode = { type: 'text'; value: string } | MustacheNode | { type: 'comment' };

export interface Template {
  source: string;
  body: TemplateNode[];
}

const ID_CHAR = /[^\s!"#%-,./;->@[-^`{-~]/;

function tokenizeExpression(src: string, whole: string): { path: string[]; original: string; params: Param[]; hash: Record<string, Param> } {
  const tokens: Array<{ hashKey?: string; param: Param }> = [];
  let i = 0;
  const n = src.length;
  const readPath = (): Param => {
    const start = i;
    const parts: string[] = [];
    for (;;) {
      if (src[i] === '[') {
        const end = src.indexOf(']', i);
        if (end < 0) throw new TemplateError(`unclosed "[" in {{${whole}}}`);
        parts.push(src.slice(i + 1, end));
        i = end + 1;
      } else {
        const segStart = i;
        while (i < n && ID_CHAR.test(src[i]!)) i++;
        if (i === segStart) {
          if (src[i] === '.' && (i + 1 >= n || /[\s}]/.test(src[i + 1]!))) {
            // `.` alone means `this`
            i++;
            parts.push('this');
          } else {
            throw new TemplateError(`unexpected "${src[i] ?? ''}" in {{${whole}}}`);
          }
        } else {
          parts.push(src.slice(segStart, i));
        }
      }
      if (i < n && (src[i] === '.' || src[i] === '/') && i + 1 < n && !/\s/.test(src[i + 1]!)) {
        i++;
        continue;
      }
      break;
    }
    const original = src.slice(start, i);
    const filtered = parts.filter((p, idx) => !(idx === 0 && p === 'this'));
    return { kind: 'path', parts: filtered, original };
  };
  const readParam = (): Param => {
    const c = src[i]!;
    if (c === '"' || c === "'") {
      let out = '';
      i++;
      while (i < n && src[i] !== c) {
        if (src[i] === '\\' && src[i + 1] === c) {
          out += c;
          i += 2;
        } else {
          out += src[i];
          i++;
        }
      }
      if (i >= n) throw new TemplateError(`unterminated string in {{${whole}}}`);
      i++;
      return { kind: 'string', value: out };
    }
    if (c === '(') throw new TemplateError(`sub-expressions are not supported in {{${whole}}}`);
    const num = /^-?[0-9]+(?:\.[0-9]+)?(?=[\s)}]|$)/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return { kind: 'number', value: Number(num[0]) };
    }
    const kw = /^(true|false|null|undefined)(?=[\s)}=]|$)/.exec(src.slice(i));
    if (kw) {
      i += kw[0].length;
      if (kw[1] === 'true' || kw[1] === 'false') return { kind: 'boolean', value: kw[1] === 'true' };
      return kw[1] === 'null' ? { kind: 'null' } : { kind: 'undefined' };
    }
    return readPath();
  };
  while (i < n) {
    while (i < n && /\s/.test(src[i]!)) i++;
    if (i >= n) break;
    const hashMatch = /^([^\s!"#%-,./;->@[-^`{-~]+)=/.exec(src.slice(i));
    if (hashMatch && tokens.length > 0) {
      i += hashMatch[0].length;
      while (i < n && /\s/.test(src[i]!)) i++;
      if (i >= n) throw new TemplateError(`missing value for ${hashMatch[1]}= in {{${whole}}}`);
      tokens.push({ hashKey: hashMatch[1], param: readParam() });
    } else {
      if (tokens.some(t => t.hashKey !== undefined)) throw new TemplateError(`positional parameter after key=value in {{${whole}}}`);
      tokens.push({ param: readParam() });
    }
    if (i < n && !/\s/.test(src[i]!)) throw new TemplateError(`unexpected "${src[i]}" in {{${whole}}}`);
  }
  if (tokens.length === 0) throw new TemplateError('empty expression {{}}');
  const head = tokens[0]!;
  if (head.param.kind !== 'path') {
    // {{'literal'}} renders the literal in Handlebars
    if (head.param.kind === 'string') return { path: [], original: `'${head.param.value}'`, params: [head.param], hash: {} };
    throw new TemplateError(`expected a name in {{${whole}}}`);
  }
  const params: Param[] = [];
  const hash: Record<string, Param> = {};
  for (const t of tokens.slice(1)) {
    if (t.hashKey !== undefined) hash[t.hashKey] = t.param;
    else params.push(t.param);
  }
  return { path: head.param.parts, original: head.param.original, params, hash };
}

/** Parses a template; throws TemplateError on syntax Handlebars would reject or we do not support. */
export function parseTemplate(source: string): Template {
  const body: TemplateNode[] = [];
  let text = '';
  let i = 0;
  let stripNext = false;
  const pushText = () => {
    if (text !== '') body.push({ type: 'text', value: text });
    text = '';
  };
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      text += stripNext ? source.slice(i).replace(/^\s+/, '') : source.slice(i);
      break;
    }
    let chunk = source.slice(i, open);
    // `\{{` is a literal `{{`; `\\{{` is a literal backslash followed by a mustache.
    if (chunk.endsWith('\\') && !chunk.endsWith('\\\\')) {
      text += chunk.slice(0, -1) + '{{';
      i = open + 2;
      continue;
    }
    if (chunk.endsWith('\\\\')) chunk = chunk.slice(0, -1);
    if (stripNext) {
      chunk = chunk.replace(/^\s+/, '');
      stripNext = false;
    }
    text += chunk;
    let j = open + 2;
    const triple = source[j] === '{';
    if (triple) j++;
    let stripPrev = false;
    if (source[j] === '~') {
      stripPrev = true;
      j++;
    }
    if (stripPrev) text = text.replace(/\s+$/, '');
    if (!triple && source.startsWith('!--', j)) {
      const m = /--(~?)}}/.exec(source.slice(j + 3));
      if (!m) throw new TemplateError(`unclosed comment in "${source}"`);
      i = j + 3 + m.index + m[0].length;
      stripNext = m[1] === '~';
      pushText();
      body.push({ type: 'comment' });
      continue;
    }
    const closeSeq = triple ? '}}}' : '}}';
    const close = source.indexOf(closeSeq, j);
    if (close < 0) throw new TemplateError(`unclosed "{{" in "${source}"`);
    let content = source.slice(j, close);
    i = close + closeSeq.length;
    if (content.endsWith('~')) {
      content = content.slice(0, -1);
      stripNext = true;
    }
    if (!triple && content.startsWith('!')) {
      pushText();
      body.push({ type: 'comment' });
      continue;
    }
    let escaped = !triple;
    if (!triple && content.startsWith('&')) {
      escaped = false;
      content = content.slice(1);
    }
    const trimmed = content.trim();
    if (!triple && /^[#/^>]/.test(trimmed)) {
      throw new TemplateError(`block helpers and partials ({{${trimmed}}}) are not supported; only simple expressions such as {{branch}} or {{date 'YYYYMMDD'}} are`);
    }
    if (trimmed === 'else' || trimmed.startsWith('else ')) throw new TemplateError('{{else}} is only valid inside a block helper, which is not supported');
    pushText();
    const expr = tokenizeExpression(trimmed, trimmed);
    body.push({ type: 'mustache', escaped, ...expr });
  }
  pushText();
  return { source, body };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

/** Handlebars' escapeExpression. */
export function escapeExpression(value: unknown): string {
  let s: string;
  if (typeof value !== 'string') {
    if (value == null) return '';
    if (!value) return `${value as string}`;
    s = `${value as string}`;
  } else {
    s = value;
  }
  return /[&<>"'`=]/.test(s) ? s.replace(/[&<>"'`=]/g, c => ESCAPES[c]!) : s;
}

export type TemplateContext = Record<string, unknown>;

export interface HelperOptions {
  name: string;
  hash: Record<string, unknown>;
}

function lookup(ctx: TemplateContext, parts: string[]): unknown {
  let cur: unknown = ctx;
  for (const part of parts) {
    if (cur == null) return undefined;
    if (typeof cur !== 'object' && typeof cur !== 'function') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function evalParam(p: Param, ctx: TemplateContext): unknown {
  switch (p.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return p.value;
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'path':
      return lookup(ctx, p.parts);
  }
}

export function render(template: Template, ctx: TemplateContext): string {
  let out = '';
  for (const node of template.body) {
    if (node.type === 'text') out += node.value;
    else if (node.type === 'mustache') {
      let value: unknown;
      if (node.path.length === 0) {
        value = node.params[0] ? evalParam(node.params[0], ctx) : '';
      } else {
        const target = node.path.length === 0 ? ctx : lookup(ctx, node.path);
        const params = node.params.map(p => evalParam(p, ctx));
        const hash: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(node.hash)) hash[k] = evalParam(v, ctx);
        if (typeof target === 'function') {
          value = (target as (...args: unknown[]) => unknown).call(ctx, ...params, { name: node.original, hash } as HelperOptions);
        } else if (target === undefined && (node.params.length > 0 || Object.keys(node.hash).length > 0)) {
          throw new TemplateError(`Missing helper: "${node.original}"`);
        } else {
          value = target;
        }
      }
      out += node.escaped ? escapeExpression(value) : value == null ? '' : String(value);
    }
  }
  return out;
}

export function renderTemplate(source: string, ctx: TemplateContext): string {
  if (!source.includes('{{')) return source;
  return render(parseTemplate(source), ctx);
}

/** The names (first path segment) a template refers to, helpers and values alike. */
export function referencedNames(template: Template): string[] {
  const names = new Set<string>();
  for (const node of template.body) {
    if (node.type === 'mustache' && node.path.length > 0) names.add(node.path[0]!);
  }
  return [...names];
}

/** metadata-action's `Meta.isRawStatement`: the pattern is exactly one `{{raw}}` mustache. */
export function isRawStatement(pattern: string): boolean {
  try {
    const t = parseTemplate(pattern);
    const body = t.body;
    if (body.length === 1 && body[0]!.type === 'mustache') {
      const m = body[0];
      return m.path.length === 1 && m.path[0] === 'raw';
    }
  } catch {
    return false;
  }
  return false;
}
