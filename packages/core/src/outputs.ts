/**
 * Outputs and the step summary. Every action writes its declared outputs, a `json` output holding
 * all of them with their native types, and a short Markdown summary.
 */
import * as core from './runner.js';

export type OutputValue = string | number | boolean | null | undefined | readonly unknown[] | { readonly [key: string]: unknown };

/** Lists become newline-separated (as docker/metadata-action's outputs are); objects become JSON. */
export function formatOutput(value: OutputValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('\n');
  return JSON.stringify(value);
}

export type OutputWriter = (name: string, value: string) => void;

/**
 * Writes each declared output, then `json`. Values not declared are a programming error (the
 * contract test would catch them too). `json` defaults to an object of all outputs by name.
 */
export function writeOutputs<const N extends string>(
  names: readonly N[],
  values: { readonly [K in N]: OutputValue },
  options: { json?: unknown; write?: OutputWriter } = {},
): void {
  const undeclared = Object.keys(values).filter((key) => !(names as readonly string[]).includes(key));
  if (undeclared.length > 0) throw new Error(`Outputs not declared: ${undeclared.join(', ')}`);
  const json: Record<string, unknown> = {};
  const entries: Array<[string, string]> = [];
  for (const name of names) {
    const value = values[name];
    entries.push([name, formatOutput(value)]);
    json[name] = value ?? null;
  }
  entries.push(['json', JSON.stringify(options.json ?? json)]);
  // By default in one append to GITHUB_OUTPUT (core.setOutputs), the same file as one setOutput each.
  if (options.write) for (const [name, value] of entries) options.write(name, value);
  else core.setOutputs(entries);
}

export function escapeMarkdownCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** One named phase of a step (each run in its log group), for the step summary's phase table. */
export interface PhaseReport {
  name: string;
  /** What the phase did, in a few words (or why it failed). */
  outcome: string;
  ms: number;
  failed?: boolean;
}

export interface StepSummary {
  title: string;
  /** A two-column table of name → value, or a full table. */
  table?: { header: readonly string[]; rows: readonly (readonly string[])[] };
  /** Markdown paragraphs after the table. */
  sections?: readonly string[];
}

export function renderSummary(summary: StepSummary): string {
  const parts = [`### ${summary.title}`];
  if (summary.table && summary.table.rows.length > 0) parts.push(markdownTable(summary.table.header, summary.table.rows));
  for (const section of summary.sections ?? []) if (section.trim() !== '') parts.push(section);
  return `${parts.join('\n\n')}\n`;
}

/** Appends to `GITHUB_STEP_SUMMARY`; outside a runner (no file) it is a no-op, not a failure. */
export function writeSummary(summary: StepSummary): void {
  core.appendSummary(renderSummary(summary));
}
