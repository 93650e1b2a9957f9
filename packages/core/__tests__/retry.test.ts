import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';

const info = jest.fn<typeof Runner.info>();
jest.unstable_mockModule('../src/runner.js', () => ({ info }));

const { backoffDelay, classifyError, parseRetryAfter, retry } = await import('../src/retry.js');
type RetryOptions = import('../src/retry.js').RetryOptions;

beforeEach(() => {
  info.mockReset();
});

const NOW = Date.parse('2025-01-01T00:00:00Z');

function httpError(status: number, message = `HTTP ${status}`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { status }, extra);
}

/** A fetch failure as undici reports it: the socket error is the cause. */
function fetchFailed(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code }) });
}

describe('classifyError', () => {
  test.each<[string, unknown, string]>([
    ['HTTP 503', httpError(503), 'HTTP 503'],
    ['HTTP 500 from statusCode', { statusCode: 500, message: 'x' }, 'HTTP 500'],
    ['HTTP 502 from response.status', { response: { status: 502 } }, 'HTTP 502'],
    ['HTTP 408', httpError(408), 'HTTP 408'],
    ['HTTP 429', httpError(429), 'HTTP 429 (rate limited)'],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['fetch failed with cause.code', fetchFailed('UND_ERR_SOCKET'), 'UND_ERR_SOCKET'],
    ['fetch failed with a nested cause', new Error('outer', { cause: new Error('mid', { cause: { code: 'ETIMEDOUT' } }) }), 'ETIMEDOUT'],
    [
      'AWS ThrottlingException',
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }),
      'throttled (ThrottlingException)',
    ],
    ['AWS TooManyRequestsException', { name: 'TooManyRequestsException' }, 'throttled (TooManyRequestsException)'],
    ['AWS $retryable throttling', { name: 'Whatever', $retryable: { throttling: true }, $metadata: { httpStatusCode: 400 } }, 'throttled'],
    [
      'AWS $metadata.httpStatusCode 500',
      Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
      'HTTP 500',
    ],
    ['AWS $response.statusCode 503', { $response: { statusCode: 503 } }, 'HTTP 503'],
    ['AWS transient name, no status', { name: 'RequestTimeout' }, 'RequestTimeout'],
    ['AWS $retryable without status', { name: 'SomeSdkError', $retryable: {} }, 'retryable'],
    ['403 with a secondary rate limit message', httpError(403, 'You have exceeded a secondary rate limit'), 'HTTP 403 (rate limited)'],
  ])('retries %s', (_, error, reason) => {
    expect(classifyError(error, NOW)).toMatchObject({ retryable: true, reason });
  });

  test.each<[string, unknown, string]>([
    ['HTTP 400', httpError(400), 'HTTP 400'],
    ['HTTP 401', httpError(401), 'HTTP 401'],
    ['HTTP 403 without a rate limit', httpError(403, 'Resource not accessible by integration'), 'HTTP 403'],
    ['HTTP 404', httpError(404), 'HTTP 404'],
    ['HTTP 409', httpError(409), 'HTTP 409'],
    ['HTTP 422', httpError(422, 'Validation Failed'), 'HTTP 422'],
    ['AWS 400 with a non-throttling name', { name: 'RepositoryNotFoundException', $metadata: { httpStatusCode: 400 } }, 'HTTP 400'],
    ['a plain TypeError', new TypeError('x is not a function'), 'TypeError'],
    ['an unknown code', Object.assign(new Error('nope'), { code: 'ENOENT' }), 'Error'],
    ['a string', 'boom', 'error'],
    ['null', null, 'error'],
  ])('does not retry %s', (_, error, reason) => {
    expect(classifyError(error, NOW)).toEqual({ retryable: false, reason });
  });

  test('an Octokit rate-limit 403 waits until the reset time', () => {
    const reset = NOW / 1000 + 42;
    const error = httpError(403, 'API rate limit exceeded', {
      response: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } },
    });
    expect(classifyError(error, NOW)).toEqual({ retryable: true, reason: 'HTTP 403 (rate limited)', retryAfterMs: 42_000 });
  });

  test('a 403 with rate-limit headers but requests left is not retried', () => {
    const error = httpError(403, 'Forbidden', {
      response: { headers: { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(NOW / 1000 + 42) } },
    });
    expect(classifyError(error, NOW)).toEqual({ retryable: false, reason: 'HTTP 403' });
  });

  test('a reset time in the past means no extra wait', () => {
    const error = httpError(429, 'x', {
      response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) } },
    });
    expect(classifyError(error, NOW).retryAfterMs).toBe(0);
  });

  test.each<[string, Record<string, unknown>, number]>([
    ['Retry-After seconds', { 'Retry-After': '7' }, 7000],
    ['Retry-After seconds with spaces', { 'retry-after': ' 3 ' }, 3000],
    ['Retry-After as an HTTP date', { 'retry-after': new Date(NOW + 90_000).toUTCString() }, 90_000],
    ['Retry-After as a past date', { 'retry-after': new Date(NOW - 90_000).toUTCString() }, 0],
    ['Retry-After as a number', { 'retry-after': 2 }, 2000],
  ])('%s', (_, headers, ms) => {
    expect(classifyError(httpError(503, 'x', { response: { headers } }), NOW).retryAfterMs).toBe(ms);
  });

  test('Retry-After from a fetch Headers object', () => {
    const error = Object.assign(new Error('busy'), { status: 429, headers: new Headers({ 'Retry-After': '5' }) });
    expect(classifyError(error, NOW)).toEqual({ retryable: true, reason: 'HTTP 429 (rate limited)', retryAfterMs: 5000 });
  });

  test('Retry-After from an AWS $response', () => {
    const error = { name: 'SlowDown', $response: { statusCode: 503, headers: { 'retry-after': '4' } } };
    expect(classifyError(error, NOW)).toEqual({ retryable: true, reason: 'throttled (SlowDown)', retryAfterMs: 4000 });
  });

  test('an unparseable Retry-After is ignored', () => {
    expect(classifyError(httpError(503, 'x', { response: { headers: { 'retry-after': 'later' } } }), NOW).retryAfterMs).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  test.each([
    [1, 0.5, undefined, 50],
    [2, 0.5, undefined, 100],
    [3, 0.5, undefined, 200],
    [3, 0, undefined, 0],
    [3, 1, undefined, 400],
    [10, 0.5, undefined, 500],
    [10, 1, undefined, 1000],
    [1, 0.5, 700, 700],
    [1, 0.5, 5000, 1000],
  ])('attempt %d, random %d, Retry-After %s → %d ms', (attempt, random, retryAfterMs, expected) => {
    expect(backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 1000, random: () => random, retryAfterMs })).toBe(expected);
  });
});

/** Options with a fake clock that sleep advances, so nothing waits. */
function fake(overrides: Partial<RetryOptions> = {}) {
  let clock = NOW;
  const sleeps: number[] = [];
  const lines: string[] = [];
  const options: RetryOptions = {
    label: 'ECR GetAuthorizationToken',
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0.5,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    log: (line) => lines.push(line),
    ...overrides,
  };
  return { options, sleeps, lines, advance: (ms: number) => (clock += ms) };
}

describe('retry', () => {
  test('returns the first success without waiting', async () => {
    const { options, sleeps, lines } = fake();
    const fn = jest.fn(async (attempt: number) => `ok ${attempt}`);
    await expect(retry(fn, options)).resolves.toBe('ok 1');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
    expect(lines).toEqual([]);
  });

  test('retries a 503 with full-jitter exponential delays and logs each retry', async () => {
    const { options, sleeps, lines } = fake();
    const fn = jest.fn(async (attempt: number) => {
      if (attempt < 4) throw httpError(503, 'Service Unavailable');
      return 'done';
    });
    await expect(retry(fn, options)).resolves.toBe('done');
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
    expect(sleeps).toEqual([50, 100, 200]);
    expect(lines).toEqual([
      'Retry ECR GetAuthorizationToken: attempt 1 of 5 failed (HTTP 503: Service Unavailable). Retrying after 50ms.',
      'Retry ECR GetAuthorizationToken: attempt 2 of 5 failed (HTTP 503: Service Unavailable). Retrying after 100ms.',
      'Retry ECR GetAuthorizationToken: attempt 3 of 5 failed (HTTP 503: Service Unavailable). Retrying after 200ms.',
    ]);
  });

  test.each<[string, () => unknown]>([
    ['429', () => httpError(429)],
    ['ECONNRESET', () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['fetch failed (cause.code)', () => fetchFailed('ECONNRESET')],
    ['ThrottlingException', () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['$metadata.httpStatusCode 500', () => Object.assign(new Error('internal'), { $metadata: { httpStatusCode: 500 } })],
  ])('retries %s', async (_, make) => {
    const { options } = fake();
    const fn = jest.fn(async (attempt: number) => {
      if (attempt === 1) throw make();
      return attempt;
    });
    await expect(retry(fn, options)).resolves.toBe(2);
  });

  test.each([400, 401, 404, 422])('fails at once on HTTP %d', async (status) => {
    const { options, sleeps, lines } = fake();
    const error = httpError(status);
    const fn = jest.fn(async () => {
      throw error;
    });
    await expect(retry(fn, options)).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
    expect(lines).toEqual([]);
  });

  test('stops at the attempt count and rethrows the last error', async () => {
    const { options, sleeps, lines } = fake({ attempts: 3 });
    const errors: Error[] = [];
    const fn = jest.fn(async () => {
      const error = httpError(502, `bad gateway ${errors.length + 1}`);
      errors.push(error);
      throw error;
    });
    const thrown = await retry(fn, options).catch((error: unknown) => error);
    expect(errors).toHaveLength(3);
    expect(thrown).toBe(errors[2]);
    expect(sleeps).toHaveLength(2);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^Retry ECR GetAuthorizationToken: attempt 2 of 3 failed \(HTTP 502: bad gateway 2\)\./);
  });

  test('defaults to five attempts', async () => {
    const { options } = fake();
    const fn = jest.fn(async () => {
      throw httpError(500);
    });
    await expect(retry(fn, options)).rejects.toThrow('HTTP 500');
    expect(fn).toHaveBeenCalledTimes(5);
  });

  test('stops when the next wait would exceed the elapsed-time budget', async () => {
    const { options, sleeps, lines, advance } = fake({ attempts: 10, maxElapsedMs: 1000 });
    const fn = jest.fn(async () => {
      advance(300); // each call takes 300ms
      throw httpError(503, 'busy');
    });
    await expect(retry(fn, options)).rejects.toThrow('busy');
    // t=300 +50 → 350; call 2 ends at 650, +100 → 750; call 3 ends at 1050: budget spent.
    expect(sleeps).toEqual([50, 100]);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(lines.at(-1)).toBe(
      'Retry ECR GetAuthorizationToken: attempt 3 of 10 failed (HTTP 503); not retrying, the 1s retry budget would be exceeded.',
    );
  });

  test('delays are capped by maxDelayMs', async () => {
    const { options, sleeps } = fake({ attempts: 8, random: () => 1, maxElapsedMs: 60_000 });
    const fn = jest.fn(async () => {
      throw httpError(500);
    });
    await expect(retry(fn, options)).rejects.toThrow();
    expect(sleeps).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  test('a Retry-After wait is honoured, up to maxDelayMs', async () => {
    const { options, sleeps } = fake({ maxDelayMs: 10_000 });
    const fn = jest.fn(async (attempt: number) => {
      if (attempt === 1) throw httpError(429, 'slow down', { response: { headers: { 'retry-after': '3' } } });
      if (attempt === 2) throw httpError(429, 'slow down', { response: { headers: { 'retry-after': '60' } } });
      return 'ok';
    });
    await expect(retry(fn, options)).resolves.toBe('ok');
    expect(sleeps).toEqual([3000, 10_000]);
  });

  test('a rate-limit reset is measured against the injected clock', async () => {
    const { options, sleeps } = fake({ maxDelayMs: 60_000 });
    const fn = jest.fn(async (attempt: number) => {
      if (attempt === 1) {
        throw httpError(403, 'API rate limit exceeded', {
          response: { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 20) } },
        });
      }
      return 'ok';
    });
    await expect(retry(fn, options)).resolves.toBe('ok');
    expect(sleeps).toEqual([20_000]);
  });

  test('a custom classifier decides what is retried', async () => {
    const { options } = fake({ classify: (error) => ({ retryable: (error as Error).message === 'again', reason: 'custom' }) });
    const fn = jest.fn(async (attempt: number) => {
      if (attempt === 1) throw new Error('again');
      throw new Error('stop');
    });
    await expect(retry(fn, options)).rejects.toThrow('stop');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  test('logs through core.info by default', async () => {
    const { options } = fake({ log: undefined });
    let calls = 0;
    await retry(async () => {
      if (calls++ === 0) throw httpError(503, 'busy');
    }, options);
    expect(info).toHaveBeenCalledWith('Retry ECR GetAuthorizationToken: attempt 1 of 5 failed (HTTP 503: busy). Retrying after 50ms.');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  test.each([
    ['120', 120_000],
    [' 7 ', 7_000],
    ['Sun, 01 Mar 2026 12:00:30 GMT', 30_000],
    ['Sun, 01 Mar 2026 11:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
  ])('%j → %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
