/**
 * Verification after the hand-off: each `verify-url` is polled until it answers 2xx and, when
 * `verify-version-from` asks, reports the released version. Bounded by `verify-timeout` (no attempt
 * starts, and no request waits, past it) and so by count (at most timeout / interval + 1 attempts per
 * URL); every request has its own time limit and the step's cancellation signal. Sleep, clock and
 * fetch are injected, so the unit tests never wait.
 *
 * `verify-version-from` says where the version is:
 *   `json:<path>`    a field of the JSON body: `json:version`, `json:build.version`, `json:$.items[0].tag`
 *   `header:<name>`  a response header: `header:X-App-Version`
 *   `regex:<re>`     the body matched by a regular expression: its first group (or the whole match)
 *   `body`           the body holds the version as a whole word (not followed by `.`, `-`, `+` or a letter/digit)
 * The version matches when it equals `verify-version`, or by default the release tag (`v1.4.0-rc.1`)
 * or its bare SemVer (`1.4.0-rc.1`).
 */
import { ActionError, InputError, errorMessage, formatDuration, requestSignal, runner } from '@deploy-kit/core';

/** The longest one verification request may wait for its answer. */
export const VERIFY_REQUEST_TIMEOUT_MS = 10_000;
/** The most of a body read (the excerpt and the version come from it). */
export const MAX_BODY_BYTES = 64 * 1024;
/** The most of a body shown in a message. */
export const EXCERPT_CHARS = 300;

export type VersionSource =
  | { kind: 'json'; path: Array<string | number>; raw: string }
  | { kind: 'header'; name: string; raw: string }
  | { kind: 'regex'; regex: RegExp; raw: string }
  | { kind: 'body'; raw: string };

const SOURCE_FORMS =
  '`json:<field path>` (e.g. `json:version`), `header:<name>` (e.g. `header:X-App-Version`), `regex:<pattern>` or `body`';

/** `verify-version-from` → where to read the version; undefined when empty (a plain 2xx check). */
export function parseVersionSource(raw: string): VersionSource | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const fail = (problem: string): never => {
    throw new InputError('verify-version-from', problem, SOURCE_FORMS, raw);
  };
  if (text === 'body') return { kind: 'body', raw: text };
  const colon = text.indexOf(':');
  if (colon < 0) return fail('names no source');
  const kind = text.slice(0, colon).trim().toLowerCase();
  const rest = text.slice(colon + 1).trim();
  if (rest === '') return fail(`has an empty ${kind}`);
  if (kind === 'header') {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(rest)) fail(`"${rest}" is not a header name`);
    return { kind: 'header', name: rest.toLowerCase(), raw: text };
  }
  if (kind === 'regex') {
    try {
      return { kind: 'regex', regex: new RegExp(rest), raw: text };
    } catch (error) {
      return fail(`is not a valid regular expression (${(error as Error).message})`);
    }
  }
  if (kind === 'json') return { kind: 'json', path: parseFieldPath(rest, raw), raw: text };
  return fail(`has the unknown source "${kind}"`);
}

/** `a.b[0].c`, with an optional leading `$.` → ['a', 'b', 0, 'c']. */
export function parseFieldPath(text: string, raw = text): Array<string | number> {
  const path: Array<string | number> = [];
  const body = text.replace(/^\$\.?/, '');
  const pattern = /([^.[\]]+)|\[(\d+)\]|\.(?=[^.])/gy;
  let consumed = 0;
  for (let m = pattern.exec(body); m !== null && m[0] !== ''; m = pattern.exec(body)) {
    if (m[1] !== undefined) path.push(m[1]);
    else if (m[2] !== undefined) path.push(Number(m[2]));
    consumed = pattern.lastIndex;
  }
  if (consumed !== body.length || path.length === 0)
    throw new InputError(
      'verify-version-from',
      `"${text}" is not a field path`,
      'a field path such as `json:version`, `json:build.version` or `json:items[0].tag`',
      raw,
    );
  return path;
}

export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  body: string;
}

/** The version an answer reports, or why none was found. */
export function readVersion(source: VersionSource, answer: Answer, expected: readonly string[]): { found?: string; problem?: string } {
  switch (source.kind) {
    case 'header': {
      const value = answer.headers.get(source.name);
      return value === null ? { problem: `no ${source.name} header` } : { found: value.trim() };
    }
    case 'json': {
      let node: unknown;
      try {
        node = JSON.parse(answer.body);
      } catch {
        return { problem: 'the body is not JSON' };
      }
      for (const key of source.path) {
        if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key))
          return { problem: `the JSON body has no field ${source.raw.slice(5)}` };
        node = (node as Record<string | number, unknown>)[key];
      }
      if (typeof node === 'string' || typeof node === 'number') return { found: String(node).trim() };
      return { problem: `the field ${source.raw.slice(5)} is not a string` };
    }
    case 'regex': {
      const m = source.regex.exec(answer.body);
      return m ? { found: (m[1] ?? m[0]).trim() } : { problem: `the body does not match ${source.raw.slice(6)}` };
    }
    case 'body': {
      const hit = expected.find((version) => new RegExp(`(^|[^0-9A-Za-z.+-])${escapeRegex(version)}(?![0-9A-Za-z.+-])`).test(answer.body));
      return hit !== undefined ? { found: hit } : { problem: 'the body does not hold the version' };
    }
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One line of untrusted text for a message: control characters as spaces, at most EXCERPT_CHARS, never a workflow command. */
export function excerpt(body: string): string {
  const flat = body
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
  return runner.neutraliseLog(cut);
}

export interface VerifyCheck {
  url: string;
  source?: VersionSource;
  /** Accepted versions (the tag and its bare SemVer, or `verify-version`). */
  expected: string[];
}

export interface Observation {
  at: number;
  status?: number;
  /** The version the answer reported. */
  version?: string;
  /** Why this attempt did not pass; undefined when it did. */
  problem?: string;
  excerpt?: string;
}

export interface VerifyResult {
  url: string;
  ok: boolean;
  attempts: number;
  /** The last answer (or failure) seen. */
  last?: Observation;
  cancelled?: boolean;
  ms: number;
}

export interface VerifyDeps {
  fetch: typeof fetch;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  log(line: string): void;
  signal?: AbortSignal;
}

export interface VerifyOptions {
  intervalMs: number;
  timeoutMs: number;
  requestTimeoutMs?: number;
}

/** Reads at most MAX_BODY_BYTES of a body, then stops the download. */
async function readBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

/** One look at a URL. */
export async function probe(check: VerifyCheck, deps: VerifyDeps, timeoutMs: number): Promise<Observation> {
  const at = deps.now();
  try {
    const response = await deps.fetch(check.url, {
      headers: { accept: 'application/json, text/plain, */*', 'user-agent': 'deploy-kit record-deployment' },
      redirect: 'follow',
      signal: requestSignal(timeoutMs, deps.signal),
    });
    const body = await readBody(response);
    const seen: Observation = { at, status: response.status, excerpt: excerpt(body) };
    if (response.status < 200 || response.status > 299) return { ...seen, problem: `answered HTTP ${response.status}` };
    if (!check.source) return seen;
    const read = readVersion(check.source, { status: response.status, headers: response.headers, body }, check.expected);
    if (read.found === undefined) return { ...seen, problem: `answered HTTP ${response.status}, but ${read.problem}` };
    const version = read.found.length > 100 ? `${read.found.slice(0, 100)}…` : read.found;
    if (!check.expected.includes(read.found))
      return {
        ...seen,
        version,
        problem: `answered HTTP ${response.status} with version ${runner.neutraliseLog(version)}, not ${check.expected.join(' or ')}`,
      };
    return { ...seen, version };
  } catch (error) {
    if (deps.signal?.aborted) return { at, problem: 'cancelled' };
    const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
    const code = (error as { cause?: { code?: string } } | null)?.cause?.code;
    return {
      at,
      problem: timedOut
        ? `gave no answer within ${formatDuration(timeoutMs)}`
        : `could not be reached (${code ?? errorMessage((error as { cause?: unknown })?.cause ?? error)})`,
    };
  }
}

/** Polls one URL until it passes, the time is up or the step is cancelled. */
export async function verifyUrl(check: VerifyCheck, options: VerifyOptions, deps: VerifyDeps): Promise<VerifyResult> {
  const started = deps.now();
  const deadline = started + options.timeoutMs;
  const maxAttempts = Math.floor(options.timeoutMs / options.intervalMs) + 1;
  let last: Observation | undefined;
  for (let attempt = 1; ; attempt++) {
    const left = deadline - deps.now();
    last = await probe(check, deps, Math.max(1, Math.min(options.requestTimeoutMs ?? VERIFY_REQUEST_TIMEOUT_MS, left)));
    if (last.problem === undefined) {
      deps.log(`${check.url}: HTTP ${last.status}${last.version !== undefined ? `, version ${last.version}` : ''} (attempt ${attempt}).`);
      return { url: check.url, ok: true, attempts: attempt, last, ms: deps.now() - started };
    }
    if (deps.signal?.aborted) return { url: check.url, ok: false, attempts: attempt, last, cancelled: true, ms: deps.now() - started };
    const next = deps.now() + options.intervalMs;
    if (attempt >= maxAttempts || next >= deadline) return { url: check.url, ok: false, attempts: attempt, last, ms: deps.now() - started };
    deps.log(`${check.url} ${last.problem} (attempt ${attempt}); next look in ${formatDuration(options.intervalMs)}.`);
    await deps.sleep(options.intervalMs, deps.signal);
    if (deps.signal?.aborted) return { url: check.url, ok: false, attempts: attempt, last, cancelled: true, ms: deps.now() - started };
  }
}

/** Every URL side by side. */
export function verifyAll(checks: VerifyCheck[], options: VerifyOptions, deps: VerifyDeps): Promise<VerifyResult[]> {
  return Promise.all(checks.map((check) => verifyUrl(check, options, deps)));
}

/** The step's failure for the URLs that did not pass, naming each, with its last answer. */
export function verificationFailure(results: VerifyResult[], options: VerifyOptions): ActionError | undefined {
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return undefined;
  const lines = failed.map((r) => {
    const last = r.last;
    const body = last?.excerpt ? ` Last body: ${last.excerpt}` : '';
    return `${r.url} ${last?.problem ?? 'did not answer'} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'} in ${formatDuration(r.ms)}).${body}`;
  });
  const cancelled = failed.some((r) => r.cancelled);
  return new ActionError(`Verification failed: ${failed.map((r) => r.url).join(', ')}\n${lines.join('\n')}`, {
    why: cancelled
      ? 'The step was cancelled before the release answered as expected.'
      : `Within verify-timeout (${formatDuration(options.timeoutMs)}) the URL did not answer 2xx${failed.some((r) => r.last?.version !== undefined || /version/.test(r.last?.problem ?? '')) ? ' with the released version' : ''}; the deployment is marked failure.`,
    check: [
      "The GitOps run and the rollout of the new version (the deployment's log URL).",
      'That the URL is right and reachable from the runner.',
      'A longer `verify-timeout` if the rollout takes longer.',
    ],
  });
}
