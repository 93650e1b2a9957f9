/**
 * Retries for AWS, registry and GitHub calls: full-jitter exponential backoff, bounded by attempt
 * count and by elapsed time, with a labelled log line per retry (configure-aws-credentials' shape)
 * and an injectable sleep and clock so tests never wait.
 */
import * as core from './runner.js';
import { errorMessage } from './errors.js';
import { formatDuration } from './parse.js';
import { causes, valueAt } from './values.js';

export interface Retryability {
  retryable: boolean;
  /** Short reason, e.g. "HTTP 503", "throttled", "ECONNRESET". */
  reason: string;
  /** Server-requested wait (Retry-After, rate-limit reset), if any. */
  retryAfterMs?: number;
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'TransactionInProgressException',
  'LimitExceededException',
]);

const TRANSIENT_NAMES = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'ServerException',
  'TimeoutError',
  'AbortError',
]);

function statusOf(error: unknown): number | undefined {
  const candidates = [
    valueAt(error, 'status'),
    valueAt(error, 'statusCode'),
    valueAt(valueAt(error, '$metadata'), 'httpStatusCode'),
    valueAt(valueAt(error, 'response'), 'status'),
    valueAt(valueAt(error, '$response'), 'statusCode'),
  ];
  for (const candidate of candidates) if (typeof candidate === 'number' && candidate >= 100) return candidate;
  return undefined;
}

function header(error: unknown, name: string): string | undefined {
  for (const headers of [
    valueAt(valueAt(error, 'response'), 'headers'),
    valueAt(error, 'headers'),
    valueAt(valueAt(error, '$response'), 'headers'),
  ]) {
    if (headers === null || typeof headers !== 'object') continue;
    const getter = valueAt(headers, 'get');
    if (typeof getter === 'function') {
      const value = (getter as (n: string) => unknown).call(headers, name);
      if (typeof value === 'string') return value;
    }
    for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
      if (key.toLowerCase() === name && (typeof value === 'string' || typeof value === 'number')) return String(value);
    }
  }
  return undefined;
}

/** A `Retry-After` header value (seconds, or an HTTP date) as a wait in milliseconds. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Retry-After in seconds or as an HTTP date; GitHub's x-ratelimit-reset in epoch seconds. */
function retryAfterMs(error: unknown, now: number): number | undefined {
  const after = header(error, 'retry-after');
  const requested = after === undefined ? undefined : parseRetryAfter(after, now);
  if (requested !== undefined) return requested;
  const reset = header(error, 'x-ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset) && header(error, 'x-ratelimit-remaining') === '0') {
    return Math.max(0, Number(reset) * 1000 - now);
  }
  return undefined;
}

function networkCode(error: unknown): string | undefined {
  return causes(error)
    .map((e) => valueAt(e, 'code'))
    .find((code): code is string => typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code));
}

/** Whether an error from an AWS SDK, Octokit, fetch or a socket is worth retrying. */
export function classifyError(error: unknown, now = Date.now()): Retryability {
  const name = valueAt(error, 'name');
  const status = statusOf(error);
  const wait = retryAfterMs(error, now);
  if (typeof name === 'string' && THROTTLING_NAMES.has(name)) return { retryable: true, reason: `throttled (${name})`, retryAfterMs: wait };
  if (valueAt(valueAt(error, '$retryable'), 'throttling') === true) return { retryable: true, reason: 'throttled', retryAfterMs: wait };
  if (status === 429) return { retryable: true, reason: 'HTTP 429 (rate limited)', retryAfterMs: wait };
  if (status === 403) {
    const message = errorMessage(error).toLowerCase();
    if (header(error, 'x-ratelimit-remaining') === '0' || message.includes('rate limit')) {
      return { retryable: true, reason: 'HTTP 403 (rate limited)', retryAfterMs: wait };
    }
  }
  if (status !== undefined && (status >= 500 || status === 408)) return { retryable: true, reason: `HTTP ${status}`, retryAfterMs: wait };
  const code = networkCode(error);
  if (code) return { retryable: true, reason: code };
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return { retryable: true, reason: name };
  if (valueAt(error, '$retryable') !== undefined && status === undefined) return { retryable: true, reason: 'retryable' };
  if (status !== undefined) return { retryable: false, reason: `HTTP ${status}` };
  return { retryable: false, reason: typeof name === 'string' ? name : 'error' };
}

export interface RetryOptions {
  /** What is being retried, for the log line. */
  label: string;
  /** Total attempts including the first (default 5). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** No new attempt starts once this much time has passed since the first (default 2 minutes). */
  maxElapsedMs?: number;
  classify?: (error: unknown) => Retryability;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  log?: (message: string) => void;
}

/** Waits `ms`, or less when `signal` aborts (a wait never outlives the step's deadline or cancellation). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Full jitter: a uniformly random wait up to the exponential ceiling, at least any Retry-After. */
export function backoffDelay(
  attempt: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number; retryAfterMs?: number },
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(options.random() * ceiling);
  return Math.min(options.maxDelayMs, Math.max(jittered, options.retryAfterMs ?? 0));
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const maxElapsedMs = options.maxElapsedMs ?? 120_000;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  // Rate-limit resets and Retry-After dates are measured against the same (injectable) clock.
  const classify = options.classify ?? ((error: unknown) => classifyError(error, now()));
  const log = options.log ?? ((message: string) => core.info(message));
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retryable || attempt >= attempts) throw error;
      const delay = backoffDelay(attempt, { baseDelayMs, maxDelayMs, random, retryAfterMs: verdict.retryAfterMs });
      if (now() - started + delay > maxElapsedMs) {
        log(
          `Retry ${options.label}: attempt ${attempt} of ${attempts} failed (${verdict.reason}); not retrying, the ${formatDuration(maxElapsedMs)} retry budget would be exceeded.`,
        );
        throw error;
      }
      log(
        `Retry ${options.label}: attempt ${attempt} of ${attempts} failed (${verdict.reason}: ${errorMessage(error)}). Retrying after ${formatDuration(delay)}.`,
      );
      await wait(delay);
    }
  }
}
