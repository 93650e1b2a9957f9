/**
 * The list and attribute syntax shared by the `images`, `tags`, `flavor`, `labels` and
 * `annotations` inputs, parsed with csv-parse the way docker/metadata-action does:
 *
 * - An input is a list of entries, one per line, read like the docker actions-toolkit's
 *   `Util.getInputList(name, {ignoreComma: true, comment: '#', commentNoInfix: true})`: CSV
 *   records (relaxed quotes), lines starting with `#` are comments, empty lines are skipped.
 * - Each entry is then one CSV record of attributes (`type=semver,"pattern=..."`), parsed strictly.
 *
 * One deliberate difference: when an entry has several CSV fields the toolkit re-joins them with
 * `,` and loses the quotes, so a quoted value containing a comma (`"pattern=\d{1,3}"`) is split
 * again later. Here fields that contain a comma or a quote are re-quoted, so quoting works.
 */
import { TagInputError } from './errors.js';
import { csvParse } from './optional.js';

/** One entry of a list input with its 1-based line in the raw input. */
export interface ListEntry {
  value: string;
  line?: number;
}

/** What the engine accepts for list inputs: plain strings (line = index + 1) or entries with lines. */
export type ListInput = ReadonlyArray<string | ListEntry>;

export function normalizeList(list: ListInput | undefined): ListEntry[] {
  if (!list) return [];
  return list.map((item, index) =>
    typeof item === 'string' ? { value: item, line: index + 1 } : { value: item.value, line: item.line ?? index + 1 },
  );
}

function csvQuote(field: string): string {
  // only fields with a comma need it; other fields are re-joined as metadata-action does
  return /[,\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/**
 * Splits a raw multi-line input into entries, with the line each entry ends on.
 * `inputName` is used in the error message when the CSV itself is malformed.
 */
export function parseListInput(raw: string, inputName: string): ListEntry[] {
  if (raw === '') return [];
  if (!/["\r]/.test(raw)) return plainListInput(raw);
  const parse = csvParse();
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(raw, {
      columns: false,
      relaxQuotes: true,
      comment: '#',
      comment_no_infix: true,
      relaxColumnCount: true,
      skipEmptyLines: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new TagInputError(
      inputName,
      line,
      `the list cannot be read (${(error as Error).message.replace(/\s+/g, ' ')})`,
      'one entry per line; quote a whole attribute with double quotes ("pattern=a,b") and double a quote inside quotes',
      raw,
    );
  }
  const entries: ListEntry[] = [];
  for (const { record, info } of records) {
    const value = (record.length === 1 ? record[0] : record.map(csvQuote).join(',')).trim();
    if (value !== '') entries.push({ value, line: info.lines });
  }
  return entries;
}

/**
 * parseListInput for text without quotes or carriage returns, where csv-parse's reading reduces to
 * this: `\n` ends a record, a line starting with `#` is a comment (comment_no_infix), the fields
 * are re-joined unchanged, blank records are skipped. Same result, without csv-parse's first-call
 * cost on the cold start (checked against csv-parse by the unit tests).
 */
export function plainListInput(raw: string): ListEntry[] {
  const entries: ListEntry[] = [];
  raw.split('\n').forEach((line, index) => {
    if (line.startsWith('#')) return;
    const value = line.trim();
    if (value !== '') entries.push({ value, line: index + 1 });
  });
  return entries;
}

/**
 * Parses one entry into its CSV fields, strictly (an unbalanced or misplaced quote is an error,
 * as in metadata-action where csv-parse throws).
 */
export function parseFields(entry: ListEntry, inputName: string, expected: string): string[] {
  // Without quotes or line breaks, CSV fields are the comma-separated parts (csv-parse gives the same).
  if (!/["\r\n]/.test(entry.value)) return entry.value === '' ? [] : entry.value.split(',');
  const parse = csvParse();
  let rows: string[][];
  try {
    rows = parse(entry.value, { relaxColumnCount: true, skipEmptyLines: true }) as string[][];
  } catch (error) {
    throw new TagInputError(
      inputName,
      entry.line,
      `malformed quoting (${(error as Error).message.replace(/\s+/g, ' ')})`,
      `${expected}; quote a whole attribute ("key=value with, comma")`,
      entry.value,
    );
  }
  return rows[0] ?? [];
}
