/**
 * Command lines from inputs: `migrate -path db up`, `atlas migrate apply --url "$X"` (quotes group,
 * no expansion: nothing here runs a shell), or a JSON array `["/app/migrate", "up"]` for exact argv.
 */
import { parseJsonOrText } from '@deploy-kit/core';

const FORMS = 'words separated by spaces (quote with \' or " to keep spaces), or a JSON array of strings';

/** Splits like a POSIX shell would split words, without expansion; throws a reason on bad quoting. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else current += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) current += text[++i];
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new Error('ends with a lone backslash');
      const next = text[++i];
      if (next !== '\n') {
        current += next;
        inWord = true;
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`has an unclosed ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push(current);
  return words;
}

/** argv from an input value (empty → []); a JSON array must hold only strings. */
export function parseArgv(name: string, raw: string): string[] {
  return parseJsonOrText(name, raw, {
    expected: FORMS,
    jsonStarts: '[',
    badJson: (reason) => `looks like a JSON array but is not valid JSON (${reason})`,
    fromJson: (parsed) => {
      if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string'))
        throw new Error('is a JSON array with items that are not strings');
      return parsed as string[];
    },
    fromText: splitWords,
  });
}

/** For log lines: each word quoted only when it needs it. */
export function formatArgv(argv: readonly string[]): string {
  return argv
    .map((word) => (word === '' ? "''" : /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
