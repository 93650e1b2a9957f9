// GitHub's filter patterns for `on.push.tags` / `branches` (act does not apply them, so the suite does),
// exactly as the workflow syntax reference's "Filter pattern cheat sheet" documents them:
//
//   *    zero or more characters, but not `/`
//   **   zero or more of any character
//   ?    zero or one of the preceding character
//   +    one or more of the preceding character
//   […]  one alphanumeric character listed in the brackets or in a range; ranges only within a-z, A-Z, 0-9
//   !    at the start of a pattern: negates the previous positive patterns (no meaning elsewhere)
//   \    escapes the next character, which then matches literally ("If a name contains any of these
//        characters and you want a literal match, you need to escape each of these special characters")
//
// Patterns are checked in order and the last one that matches decides (a negative one excludes, a later
// positive one re-includes). Whatever the reference leaves undefined (`?`/`+` with nothing or a wildcard
// before it, an empty or non-alphanumeric class, `[!…]`, a trailing `\`) throws instead of guessing.
// The reference does not say whether the match is case-sensitive, so callers pass `ignoreCase` and a
// proof that matters runs both ways.
//
// `tagFilters` derives a caller's `on.push.tags` from parse-version's rules (packages/core/src/version.ts).
// Plain JavaScript with no imports, so that bench/ and the e2e library can use it outside jest.

const ALNUM = /^[A-Za-z0-9]$/;
const SPECIAL = new Set(['*', '?', '+', '[', ']', '!', '\\']);

function classSource(body, pattern) {
  if (body === '') throw new Error(`filter pattern ${pattern}: an empty [] matches nothing`);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (!ALNUM.test(c)) throw new Error(`filter pattern ${pattern}: [${body}] holds "${c}"; brackets take only letters, digits and ranges`);
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2];
      const kind = (x) => (/[a-z]/.test(x) ? 'a' : /[A-Z]/.test(x) ? 'A' : /[0-9]/.test(x) ? '0' : '?');
      if (kind(c) !== kind(to) || c > to) throw new Error(`filter pattern ${pattern}: range ${c}-${to} is not within a-z, A-Z or 0-9`);
      out += `${c}-${to}`;
      i += 2;
    } else out += c;
  }
  return `[${out}]`;
}

/** The pattern (without a leading `!`) as an anchored regular expression. */
export function filterPatternToRegExp(pattern, { ignoreCase = false } = {}) {
  // atoms: { re, quantifiable }; `?` and `+` apply to the preceding character (or class).
  const atoms = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new Error(`filter pattern ${pattern}: a trailing \\ escapes nothing`);
      atoms.push({ re: pattern[++i].replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), quantifiable: true });
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        atoms.push({ re: '.*', quantifiable: false });
        i++;
      } else atoms.push({ re: '[^/]*', quantifiable: false });
    } else if (c === '?' || c === '+') {
      const last = atoms.at(-1);
      if (!last || !last.quantifiable) throw new Error(`filter pattern ${pattern}: "${c}" at ${i} has no preceding character to repeat`);
      atoms[atoms.length - 1] = { re: `(?:${last.re})${c}`, quantifiable: false };
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`filter pattern ${pattern}: unclosed [`);
      atoms.push({ re: classSource(pattern.slice(i + 1, end), pattern), quantifiable: true });
      i = end;
    } else if (c === ']') {
      throw new Error(`filter pattern ${pattern}: "]" without "["`);
    } else {
      // `!` here is not the first character: no special meaning.
      atoms.push({ re: c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), quantifiable: true });
    }
  }
  return new RegExp(`^${atoms.map((a) => a.re).join('')}$`, ignoreCase ? 'i' : '');
}

const compiled = new Map();
function compiledPattern(pattern, ignoreCase) {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  if (!compiled.has(key)) compiled.set(key, filterPatternToRegExp(pattern, { ignoreCase }));
  return compiled.get(key);
}

/** Whether a push of `name` passes the filter `patterns` (in order, the last match decides). */
export function tagMatches(patterns, name, { ignoreCase = false } = {}) {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (compiledPattern(negated ? p.slice(1) : p, ignoreCase).test(name)) matched = !negated;
  }
  return matched;
}

/** `text` with every special character escaped, so that it matches only itself. */
export function escapeFilterText(text) {
  return [...text].map((c) => (SPECIAL.has(c) ? `\\${c}` : c)).join('');
}

/**
 * parse-version's `environments` rules (`channel=environment` lines, e.g. core's
 * DEFAULT_ENVIRONMENT_RULES) grouped: environment → channels, in rule order.
 */
export function channelsByEnvironment(rules) {
  const map = new Map();
  for (const line of rules
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [channel, environment] = line.split('=').map((s) => s.trim());
    if (channel === '*') throw new Error('a "*" fallback rule matches any prerelease: no tag filter can start only its tags');
    if (!map.has(environment)) map.set(environment, []);
    map.get(environment).push(channel.toLowerCase());
  }
  return map;
}

/**
 * The `on.push.tags` of a caller that deploys the given parse-version channels: exactly the tags
 * `<prefix>MAJOR.MINOR.PATCH-<channel>.N` (a plain `<prefix>MAJOR.MINOR.PATCH` for `release`), each with
 * or without `+build` metadata. The prerelease part is one `<channel>.<number>` and nothing else, so its
 * first identifier, which is what parse-version takes the channel from, is the channel; build
 * metadata (after `+`) never carries a channel. Numbers are `[0-9]+`: parse-version refuses the
 * leading zeros this lets through, so such a tag starts the workflow and fails in its plan job.
 */
export function tagFilters({ tagPrefix = 'v', channels }) {
  const core = `${escapeFilterText(tagPrefix)}[0-9]+.[0-9]+.[0-9]+`;
  const patterns = [];
  for (const channel of channels) {
    if (!/^[a-z0-9-]+$/.test(channel)) throw new Error(`channel ${channel}: not a parse-version channel name`);
    const version = channel === 'release' ? core : `${core}-${channel}.[0-9]+`;
    patterns.push(version, `${version}\\+*`);
  }
  return patterns;
}
