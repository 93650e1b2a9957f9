/**
 * The GitHub Actions runner protocol: inputs from `INPUT_*`, environment files (`GITHUB_OUTPUT`,
 * `GITHUB_STATE`, `GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_STEP_SUMMARY`) and workflow commands on
 * stdout (`::error::`, `::add-mask::`, …), with @actions/core's function names and semantics.
 *
 * It stands in for @actions/core (3.0.1) on every action's hot path, for a measured reason: the
 * package exports only its index, and the index statically imports its OIDC client (and with it
 * @actions/http-client and undici: http, https, tls, http2, net, worker_threads) and its `platform`
 * helper (@actions/exec, child_process). ncc cannot drop them (the packages do not declare
 * `sideEffects: false`), so every bundle would load them before its first line. Measured with
 * `runner.ts` as a thin layer over @actions/core, side by side with this module (bench/run.mjs'
 * cases interleaved, 41 runs, 2 cores, bare `node` 34 ms): parse-version's entry chunk 38 KB → 514
 * KB and its cold start 52 → 115 ms (1.5x → 3.4x a bare `node`); image-tags 73 → 122 ms (2.1x →
 * 3.6x). That is more than a few tens of milliseconds, so the protocol stays here; it
 * is small and documented ("Workflow commands for GitHub Actions"), and
 * `__tests__/runner-protocol.test.ts` checks it against @actions/core itself, call by call: the same files,
 * the same commands, byte for byte. The differences are deliberate and ours: every log line is
 * neutralised (`info` through {@link neutraliseLog}, SECURITY.md rule 7), foreign output goes
 * between stop-commands markers ({@link foreignLines}), several groups go out in one write
 * ({@link groups}), several outputs or variables in one append ({@link setOutputs},
 * {@link exportVariables}), a heredoc delimiter that a value contains is drawn again instead of
 * failing the step ({@link heredocDelimiter}), and outside a runner (no environment file) a value is shown or kept in this
 * process instead of falling back to the workflow commands GitHub disabled (`set-env`,
 * `add-path`, `set-output`, `save-state`). Actions that need the OIDC token or the toolkit's HTTP
 * client import @actions/* where they need it, lazily (migrate-job's tool cache does).
 */
import { appendFileSync, writeSync } from 'node:fs';

import { randomBytes } from './node-crypto.js';

/**
 * os.EOL and path.delimiter, as Node defines them. Importing `node:os` costs a cold start ~1 ms for
 * these two constants (measured with bench/run.mjs' parse-version case).
 */
const WINDOWS = process.platform === 'win32';
const EOL = WINDOWS ? '\r\n' : '\n';
const PATH_DELIMITER = WINDOWS ? ';' : ':';

type Properties = Record<string, string | number | undefined>;

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/**
 * Writes a log line straight to file descriptor 1. Creating `process.stdout` costs ~2.5 ms of every
 * action's cold start (measured); a synchronous write keeps lines in order with anything that
 * does use `process.stdout` later. EAGAIN (a non-blocking pipe that is full) is retried a bounded
 * number of times, then the stream takes over.
 */
export function writeStdout(text: string): void {
  let data = Buffer.from(text, 'utf8');
  for (let attempt = 0; data.length > 0 && attempt < 1000; attempt++) {
    try {
      data = data.subarray(writeSync(1, data));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') break;
    }
  }
  if (data.length > 0) process.stdout.write(data);
}

/**
 * Text as log lines that cannot be read as workflow commands. The runner reads its output line by
 * line, ending a line at LF, CR or CRLF, and takes a line as a command when, after its leading
 * whitespace, it starts with `::` (TryParseV2), or when it holds `##[` anywhere (the v1 form). So
 * every line is split where the runner would split it, a line that would start with `::` gets a
 * ZERO WIDTH SPACE in front (not whitespace to the runner, invisible in the log), and `##[` gets one
 * after its `##`. Used for every line the actions log, so a repository description, a workflow name,
 * an API answer, a pod log or a tool's output can never add a mask, stop commands or fake an
 * annotation.
 */
export function neutraliseLog(text: string): string {
  if (!/[\r:#]/.test(text)) return text;
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (/^\s*::/.test(line) ? `\u200b${line}` : line).replaceAll('##[', '##\u200b['))
    .join(EOL);
}

/**
 * Writes foreign output (pod logs, a migration tool's output) between `::stop-commands::<token>`
 * and `::<token>::` with a fresh random token, in one write, each line also neutralised: even a
 * line the runner parsed differently from {@link neutraliseLog} could not act as a command. The
 * region is closed in the same write, so our own annotations and masks around it keep working.
 */
export function foreignLines(lines: readonly string[]): void {
  if (lines.length === 0) return;
  // node:crypto is loaded here, on first use (node-crypto.ts): most steps log no foreign output.
  const token = randomBytes(16).toString('hex');
  writeStdout(`::stop-commands::${token}${EOL}${lines.map(neutraliseLog).join(EOL)}${EOL}::${token}::${EOL}`);
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The property names the runner reads (`line`, `col`), as @actions/core's toCommandProperties maps them. */
function annotationCommandProperties(properties: AnnotationProperties): Properties {
  return {
    title: properties.title,
    file: properties.file,
    line: properties.startLine,
    endLine: properties.endLine,
    col: properties.startColumn,
    endColumn: properties.endColumn,
  };
}

/** Writes `::command key=value,...::message` to stdout, escaped as the runner decodes it. */
export function issueCommand(command: string, properties: Properties, message: string): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  writeStdout(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

/**
 * A delimiter in @actions/core's form, `ghadelimiter_` and a UUID-shaped id, that occurs in neither
 * the name nor the value. What makes the heredoc safe is that check, not the id's unpredictability:
 * the runner ends a value only at a line equal to the delimiter, and the written value contains no
 * such text, whoever chose it. So the id comes from Math.random (no `node:crypto` on every action's
 * start: it was ~5 ms of parse-version's 49.6 ms on node 20, see node-crypto.ts), and where a value
 * happens to contain one, another is drawn instead of failing the step as @actions/core does.
 */
export function heredocDelimiter(name: string, value: string, random: () => number = Math.random): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    // Version 4, variant 10xx: the shape of crypto.randomUUID(), which the runner's readers may expect.
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
    const delimiter = `ghadelimiter_${id}`;
    if (!name.includes(delimiter) && !value.includes(delimiter)) return delimiter;
  }
  throw new Error(`Unexpected input: the value of ${name} contains every delimiter drawn for it`);
}

/** `name<<delimiter` heredoc form, as the runner parses environment files. */
function heredoc(name: string, value: string): string {
  const delimiter = heredocDelimiter(name, value);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** Appends `name<<delimiter` heredocs to the environment file `variable` names, in one write. */
function appendEnvironmentFile(variable: string, entries: ReadonlyArray<readonly [string, string]>): boolean {
  const path = process.env[variable];
  if (!path) return false;
  appendFileSync(path, entries.map(([name, value]) => heredoc(name, value)).join(''), 'utf8');
  return true;
}

export interface InputOptions {
  required?: boolean;
  trimWhitespace?: boolean;
}

export function getInput(name: string, options: InputOptions = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
  if (options.required && !value) throw new Error(`Input required and not supplied: ${name}`);
  return options.trimWhitespace === false ? value : value.trim();
}

export function setOutput(name: string, value: string): void {
  setOutputs([[name, value]]);
}

/**
 * Several outputs in one append to `GITHUB_OUTPUT`: the same file as one setOutput per value, in
 * one open and write instead of one per output (an action writes 15–30 of them).
 */
export function setOutputs(entries: ReadonlyArray<readonly [string, string]>): void {
  if (entries.length === 0 || appendEnvironmentFile('GITHUB_OUTPUT', entries)) return;
  // Outside a runner there is no output file; show the values rather than lose them.
  for (const [name, value] of entries) info(`${name}=${value}`);
}

/** Sets a variable for this process and, through `GITHUB_ENV`, for later steps (the `set-env` command is disabled since 2020). */
export function exportVariable(name: string, value: string): void {
  exportVariables([[name, value]]);
}

/** Several variables in one append to `GITHUB_ENV` (see {@link setOutputs}). */
export function exportVariables(entries: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of entries) process.env[name] = value;
  if (entries.length > 0) appendEnvironmentFile('GITHUB_ENV', entries);
}

export function addPath(path: string): void {
  const file = process.env.GITHUB_PATH;
  if (file) appendFileSync(file, `${path}${EOL}`, 'utf8');
  process.env.PATH = `${path}${PATH_DELIMITER}${process.env.PATH ?? ''}`;
}

export function saveState(name: string, value: string): void {
  appendEnvironmentFile('GITHUB_STATE', [[name, value]]);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

/** A log line (or several); never a workflow command, whatever the text holds (see {@link neutraliseLog}). */
export function info(message: string): void {
  writeStdout(`${neutraliseLog(message)}${EOL}`);
}

/**
 * Several collapsible groups in one write (some fifty lines through process.stdout one by one cost
 * ~1.5 ms of a ~45 ms run); the titles are escaped as `startGroup` escapes them, the lines neutralised.
 */
export function groups(blocks: readonly { title: string; lines: readonly string[] }[]): void {
  const text = blocks
    .map(({ title, lines }) => [`::group::${escapeData(title)}`, ...lines.map(neutraliseLog), '::endgroup::'].join(EOL))
    .join(EOL);
  if (text !== '') writeStdout(`${text}${EOL}`);
}

function annotation(kind: 'error' | 'warning' | 'notice', message: string, properties: AnnotationProperties): void {
  issueCommand(kind, annotationCommandProperties(properties), message);
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  annotation('error', message, properties);
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  annotation('warning', message, properties);
}

export function notice(message: string, properties: AnnotationProperties = {}): void {
  annotation('notice', message, properties);
}

export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name);
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '');
}

export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
}

/** Appends Markdown to the step summary; false when there is no summary file (outside a runner). */
export function appendSummary(markdown: string): boolean {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return false;
  appendFileSync(path, markdown, 'utf8');
  return true;
}
