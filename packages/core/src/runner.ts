/**
 * The GitHub Actions runner protocol: inputs from `INPUT_*`, environment files (`GITHUB_OUTPUT`,
 * `GITHUB_STATE`, `GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_STEP_SUMMARY`) and workflow commands on
 * stdout (`::error::`, `::add-mask::`, …), with the same function names and semantics as
 * @actions/core.
 *
 * Why not @actions/core itself: its entry point statically imports its OIDC client and with it
 * undici, so every bundle carries ~490 KB and spends ~70 ms loading it before the first line runs
 * (measured: `node bundle` 3.2x a bare `node -e 0` for a bundle that only calls setOutput). The
 * protocol it implements is small and documented ("Workflow commands for GitHub Actions"); the
 * action-tests parse exactly this format back, as the runner does. Actions that need the OIDC token
 * or the toolkit's HTTP client import @actions/* directly.
 */
import { appendFileSync, writeSync } from 'node:fs';
import { EOL } from 'node:os';

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

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Writes `::command key=value,...::message` to stdout, escaped as the runner decodes it. */
export function issueCommand(command: string, properties: Properties, message: string): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  writeStdout(`::${command}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

/** `name<<delimiter` heredoc form, as the runner parses environment files. */
function appendEnvironmentFile(variable: string, name: string, value: string): boolean {
  const path = process.env[variable];
  if (!path) return false;
  // Unpredictability is not needed: a value containing the delimiter is refused below.
  const delimiter = `ghadelimiter_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`Unexpected input: the value of ${name} contains the delimiter`);
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
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
  if (appendEnvironmentFile('GITHUB_OUTPUT', name, value)) return;
  // Outside a runner there is no output file; show the value rather than lose it.
  writeStdout(`${name}=${value}${EOL}`);
}

export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  if (!appendEnvironmentFile('GITHUB_ENV', name, value)) issueCommand('set-env', { name }, value);
}

export function addPath(path: string): void {
  const file = process.env.GITHUB_PATH;
  if (file) appendFileSync(file, `${path}${EOL}`, 'utf8');
  process.env.PATH = `${path}:${process.env.PATH ?? ''}`;
}

export function saveState(name: string, value: string): void {
  appendEnvironmentFile('GITHUB_STATE', name, value);
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

export function info(message: string): void {
  writeStdout(`${message}${EOL}`);
}

function annotation(kind: 'error' | 'warning' | 'notice', message: string, properties: AnnotationProperties): void {
  issueCommand(kind, { ...properties }, message);
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
