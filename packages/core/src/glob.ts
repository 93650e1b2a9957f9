/**
 * The one glob → RegExp translation, for the three places that match names against a pattern:
 * push-artifacts' per-file S3 rules (`cache-control`, `content-types`), image-tags' `services-from`
 * discovery (one path segment at a time) and the branch rules of `environments` (core's version.ts).
 *
 * Syntax: `*` any characters but `/`; `**` any characters, `/` included, and `**` then `/` may also
 * stand for no directory at all (so `**`+`/*.json` matches `m.json`, as in .gitignore); `?` one character but `/`; `[abc]`,
 * `[a-z]`, `[!abc]` one character of (or not of) a class (an unclosed `[` is literal); with
 * `braces`, `{a,b}` alternatives. Every other character is literal, dots included: there is no
 * dotfile rule here (a caller that hides dot entries says so itself).
 *
 * It stands in for picomatch (4.0.7, the matcher under micromatch and jest): that would add 62 KB of
 * source to each bundle and ~6.5 ms to load (measured with require on Node 20), and its defaults
 * differ from the rules these inputs document (`*` skips dotfiles, `{1..3}` ranges, extglobs), so
 * each caller would need options to switch them back off. The syntax above is 40 lines.
 */

export interface GlobSyntax {
  /** `{a,b}` alternatives (default true); false: `{`, `,` and `}` are literal. */
  braces?: boolean;
  /** `**` then `/` may match no directory (default true); false: `**` is only "any characters", so a directory must stand between `a/` and `/b` around it. */
  optionalGlobstarDirectory?: boolean;
}

/** A RegExp matching the whole of a string against `pattern`. */
export function globToRegExp(pattern: string, syntax: GlobSyntax = {}): RegExp {
  const braces = syntax.braces ?? true;
  const optionalDirectory = syntax.optionalGlobstarDirectory ?? true;
  let source = '';
  let open = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (optionalDirectory && pattern[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else source += '.*';
      } else source += '[^/]*';
    } else if (c === '?') source += '[^/]';
    else if (c === '[' && pattern.indexOf(']', i + 1) > i) {
      const close = pattern.indexOf(']', i + 1);
      const body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
      source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else if (braces && c === '{') {
      open++;
      source += '(?:';
    } else if (braces && c === '}' && open > 0) {
      open--;
      source += ')';
    } else if (braces && c === ',' && open > 0) source += '|';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  while (open-- > 0) source += ')';
  return new RegExp(`^${source}$`);
}
