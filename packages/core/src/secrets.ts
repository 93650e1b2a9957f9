/**
 * Secret handling: register a value with the runner before anything could print it, and redact
 * it in text we build ourselves (error messages of libraries may quote it back).
 */
import * as core from './runner.js';

const registered = new Set<string>();

/** Secrets shorter than this are not masked line by line: masking "a" would wreck every log line. */
const MIN_PART_LENGTH = 4;

export function registerSecret(value: string | undefined | null): void {
  if (!value) return;
  const variants = new Set<string>([value]);
  // The runner masks per line; register each line of a multi-line secret (keys, certificates).
  for (const line of value.split(/\r?\n/)) if (line.trim().length >= MIN_PART_LENGTH) variants.add(line.trim());
  // Secrets also end up URL-encoded in URLs and query strings.
  const encoded = encodeURIComponent(value);
  if (encoded !== value) variants.add(encoded);
  for (const variant of variants) {
    if (registered.has(variant)) continue;
    registered.add(variant);
    core.setSecret(variant);
  }
}

export function registeredSecrets(): string[] {
  return [...registered];
}

export function redact(text: string, secrets: Iterable<string> = registered): string {
  let out = text;
  const sorted = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join('***');
  return out;
}

/** A URL safe to log: credentials and the query string (presigned signatures, tokens) removed. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    const hadQuery = parsed.search !== '';
    parsed.search = '';
    return parsed.toString() + (hadQuery ? '?***' : '');
  } catch {
    return url.replace(/\?.*$/, '?***');
  }
}
