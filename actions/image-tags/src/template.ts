/**
 * metadata-action's templates through Handlebars itself (the version it bundles, 4.7.9): a pattern is
 * rendered with `Handlebars.compile(source)(context)` as upstream renders it, so escaping, whitespace
 * control, comments, `\{{` and helper calls are the library's. Handlebars is loaded on first use
 * (optional.ts): a run whose inputs hold no `{{` never loads it. Measured against the hand-written
 * evaluator this replaced (the bench's cases, CPU of the whole process, median of 61 paired runs):
 * 62 → 78 ms on a run with `type=semver` patterns (+28 ms on a more loaded machine), no change on a
 * run without templates (54 → 55 ms). Tens of milliseconds, on the runs that use templates only.
 *
 * What deploy-kit adds is a check of the parsed template (Handlebars' own AST): only simple
 * expressions (`{{name}}`, `{{helper 'literal' key='value'}}`) are among metadata-action's documented
 * expressions, so block helpers, partials, decorators and sub-expressions are refused with a clear
 * error instead of rendering something surprising, and expressions.ts checks every name against the
 * expressions the attribute offers.
 */
import type * as Hbs from 'handlebars';

import { handlebars } from './optional.js';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** A parameter or hash value of a mustache, as expressions.ts checks it. */
export type Param =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'path'; parts: string[]; original: string };

export interface MustacheNode {
  type: 'mustache';
  escaped: boolean;
  /** The name's segments (`['branch']`). */
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

export type TemplateContext = Record<string, unknown>;

/** What Handlebars passes a helper last (the part deploy-kit's helpers read). */
export interface HelperOptions {
  name: string;
  hash: Record<string, unknown>;
}

/**
 * A path as a list of segments. Data variables (`@index`), parent scopes (`../x`) and `this` are
 * kept whole as one segment, so expressions.ts reports them as unknown expressions.
 */
function pathParts(path: hbs.AST.PathExpression): string[] {
  if (path.data || path.depth > 0 || path.parts.length === 0) return [path.original];
  return [...path.parts];
}

function toParam(expression: hbs.AST.Expression, whole: string): Param {
  switch (expression.type) {
    case 'StringLiteral':
      return { kind: 'string', value: (expression as hbs.AST.StringLiteral).value };
    case 'NumberLiteral':
      return { kind: 'number', value: (expression as hbs.AST.NumberLiteral).value };
    case 'BooleanLiteral':
      return { kind: 'boolean', value: (expression as hbs.AST.BooleanLiteral).value };
    case 'NullLiteral':
      return { kind: 'null' };
    case 'UndefinedLiteral':
      return { kind: 'undefined' };
    case 'PathExpression': {
      const path = expression as hbs.AST.PathExpression;
      return { kind: 'path', parts: pathParts(path), original: path.original };
    }
    default:
      throw new TemplateError(`sub-expressions are not supported in {{${whole}}}`);
  }
}

/** The source text of a node (for messages), from Handlebars' location. */
function sourceOf(source: string, node: hbs.AST.Node): string {
  const lines = source.split('\n');
  const { start, end } = node.loc;
  if (start.line !== end.line) return source;
  return (lines[start.line - 1] ?? '').slice(start.column, end.column);
}

/**
 * Handlebars' parse error as one line: where it stopped, with a hint for the usual slips read from
 * the token it found there (its message is four lines: position, source, a caret and the tokens).
 */
function parseProblem(error: Error, source: string): string {
  const lines = error.message.split('\n');
  const caret = lines.findIndex((line) => /^-*\^$/.test(line));
  if (caret < 1) return lines[0] ?? error.message;
  const line = lines[caret - 1] ?? '';
  const column = lines[caret]!.length - 1;
  const got = /got '([^']+)'/.exec(lines[caret + 1] ?? '')?.[1] ?? '';
  const at = line.slice(column);
  const before = line.slice(0, column);
  let hint: string | undefined;
  if (got === 'INVERSE') hint = '{{else}} is only valid inside a block helper, which is not supported';
  else if (got === 'CLOSE' && /\{\{\s*$/.test(before)) hint = 'empty expression {{}}';
  else if (/^["']/.test(at) && got === 'INVALID') hint = 'unterminated string';
  else if (/\S=\S+\s+$/.test(before) && got !== 'EQUALS') hint = 'positional parameter after key=value';
  else if (!at.includes('}}')) hint = 'unclosed "{{"';
  const where = at === '' ? 'the end' : `"${at}"`;
  return `${hint ? `${hint}: ` : ''}Handlebars cannot parse ${source.includes('\n') ? 'it' : `"${source}"`} at ${where}`;
}

/** Parses a template with Handlebars; throws TemplateError on syntax Handlebars rejects or deploy-kit does not allow. */
export function parseTemplate(source: string): Template {
  // No `{{`, no expression: plain text, and Handlebars is not loaded for it.
  if (!source.includes('{{')) return { source, body: source === '' ? [] : [{ type: 'text', value: source }] };
  const Handlebars = handlebars(); // outside the try: a module not loaded yet must reach withOptionalModules
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    throw new TemplateError(parseProblem(error as Error, source));
  }
  const body: TemplateNode[] = [];
  for (const statement of program.body) {
    switch (statement.type) {
      case 'ContentStatement':
        body.push({ type: 'text', value: (statement as hbs.AST.ContentStatement).value });
        break;
      case 'CommentStatement':
        body.push({ type: 'comment' });
        break;
      case 'MustacheStatement': {
        const mustache = statement as hbs.AST.MustacheStatement;
        const whole = sourceOf(source, mustache).replace(/^\{\{\{?~?&?\s*|\s*~?\}?\}\}$/g, '');
        const params = mustache.params.map((p) => toParam(p, whole));
        const hash: Record<string, Param> = {};
        for (const pair of mustache.hash?.pairs ?? []) hash[pair.key] = toParam(pair.value, whole);
        if (mustache.path.type === 'PathExpression') {
          const path = mustache.path as hbs.AST.PathExpression;
          body.push({ type: 'mustache', escaped: mustache.escaped, path: pathParts(path), original: path.original, params, hash });
        } else {
          // A literal in the name's place is a name to Handlebars: {{'branch'}} is {{branch}}.
          const name = String((mustache.path as hbs.AST.Literal & { value: unknown }).value);
          body.push({ type: 'mustache', escaped: mustache.escaped, path: [name], original: name, params, hash });
        }
        break;
      }
      default:
        // BlockStatement, PartialStatement, PartialBlockStatement, Decorator, DecoratorBlock.
        throw new TemplateError(
          `block helpers and partials ({{${
            sourceOf(source, statement)
              .replace(/^\{\{|\}\}$/g, '')
              .split('}}')[0]
          }}}) are not supported; only simple expressions such as {{branch}} or {{date 'YYYYMMDD'}} are`,
        );
    }
  }
  return { source, body };
}

const compiled = new Map<string, Hbs.TemplateDelegate>();

/** Renders as metadata-action does: `Handlebars.compile(source)(context)`; Handlebars' own errors become TemplateErrors. */
export function render(template: Template, ctx: TemplateContext): string {
  if (!template.source.includes('{{')) return template.source;
  const Handlebars = handlebars();
  let fn = compiled.get(template.source);
  if (!fn) {
    fn = Handlebars.compile(template.source);
    compiled.set(template.source, fn);
  }
  try {
    return fn(ctx);
  } catch (error) {
    if (error instanceof Handlebars.Exception) throw new TemplateError((error as Error).message);
    throw error;
  }
}

export function renderTemplate(source: string, ctx: TemplateContext): string {
  if (!source.includes('{{')) return source;
  return render(parseTemplate(source), ctx);
}

/** Handlebars' escapeExpression (what `{{value}}` applies). */
export function escapeExpression(value: unknown): string {
  return handlebars().Utils.escapeExpression(value as string);
}

/** metadata-action's `Meta.isRawStatement`: the pattern is exactly one `{{raw}}` mustache (parsed without whitespace processing, as upstream). */
export function isRawStatement(pattern: string): boolean {
  if (!pattern.includes('{{')) return false;
  const Handlebars = handlebars(); // outside the try: a module not loaded yet must reach withOptionalModules
  try {
    const body = Handlebars.parseWithoutProcessing(pattern).body;
    const only = body[0];
    if (body.length === 1 && only?.type === 'MustacheStatement') {
      const path = (only as hbs.AST.MustacheStatement).path as hbs.AST.PathExpression;
      return path.parts?.length === 1 && path.parts[0] === 'raw';
    }
  } catch {
    return false;
  }
  return false;
}
