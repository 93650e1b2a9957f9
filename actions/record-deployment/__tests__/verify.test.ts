import { describe, expect, test } from '@jest/globals';
import {
  type VerifyDeps,
  excerpt,
  parseFieldPath,
  parseVersionSource,
  readVersion,
  verificationFailure,
  verifyUrl,
} from '../src/verify.js';

const EXPECTED = ['v1.4.0-rc.1', '1.4.0-rc.1'];
const answer = (body: string, headers: Record<string, string> = {}) => ({ status: 200, body, headers: new Headers(headers) });

describe('parseVersionSource', () => {
  test.each([
    ['json:version', { kind: 'json', path: ['version'] }],
    ['json:$.build.info[2].tag', { kind: 'json', path: ['build', 'info', 2, 'tag'] }],
    ['header:X-App-Version', { kind: 'header', name: 'x-app-version' }],
    ['regex:version=(\\S+)', { kind: 'regex' }],
    ['body', { kind: 'body' }],
  ])('%s', (raw, expected) => expect(parseVersionSource(raw)).toMatchObject(expected));
  test('empty: no version check', () => expect(parseVersionSource('  ')).toBeUndefined());
  test.each([
    ['version', /names no source/],
    ['json:', /has an empty json/],
    ['json:a..b', /"a..b" is not a field path/],
    ['header:X Version', /is not a header name/],
    ['regex:(', /is not a valid regular expression/],
    ['yaml:version', /unknown source "yaml"/],
  ])('%s is refused', (raw, message) => expect(() => parseVersionSource(raw)).toThrow(message));
  test('field paths', () => expect(parseFieldPath('items[0][1].v')).toEqual(['items', 0, 1, 'v']));
});

describe('readVersion', () => {
  test.each<[string, ReturnType<typeof answer>, { found?: string; problem?: RegExp }]>([
    ['json:version', answer('{"version":"v1.4.0-rc.1"}'), { found: 'v1.4.0-rc.1' }],
    ['json:build.number', answer('{"build":{"number":7}}'), { found: '7' }],
    ['json:version', answer('<html>'), { problem: /not JSON/ }],
    ['json:version', answer('{"v":1}'), { problem: /no field version/ }],
    ['json:build', answer('{"build":{}}'), { problem: /not a string/ }],
    ['header:x-app-version', answer('', { 'X-App-Version': ' 1.4.0-rc.1 ' }), { found: '1.4.0-rc.1' }],
    ['header:x-app-version', answer(''), { problem: /no x-app-version header/ }],
    ['regex:Version: (\\S+)', answer('App Version: 1.4.0-rc.1\n'), { found: '1.4.0-rc.1' }],
    ['regex:\\d+\\.\\d+\\.\\d+', answer('running 1.3.9'), { found: '1.3.9' }],
    ['regex:nope', answer('x'), { problem: /does not match nope/ }],
    ['body', answer('<p>orders v1.4.0-rc.1 up</p>'), { found: 'v1.4.0-rc.1' }],
    ['body', answer('orders 1.4.0-rc.1'), { found: '1.4.0-rc.1' }],
    ['body', answer('orders v1.4.0-rc.10'), { problem: /does not hold the version/ }],
    ['body', answer('orders v1.4.0-rc.1.2'), { problem: /does not hold the version/ }],
  ])('%s on %j', (source, a, expected) => {
    const read = readVersion(parseVersionSource(source)!, a, EXPECTED);
    if (expected.found !== undefined) expect(read).toEqual({ found: expected.found });
    else expect(read.problem).toMatch(expected.problem!);
  });
});

test('excerpt: one line, bounded, never a workflow command', () => {
  const text = excerpt('::error::owned\r\n##[warning]x\n' + 'y'.repeat(1000));
  expect(text).not.toMatch(/^\s*::/);
  expect(text).not.toContain('##[');
  expect(text).not.toMatch(/[\r\n]/);
  expect(text.length).toBeLessThanOrEqual(305); // 300 characters, an ellipsis and the zero-width spaces that defuse commands
});

/** A scripted server: each call answers the next entry (the last repeats); sleeps only advance the clock. */
function world(
  script: Array<{ status: number; body?: string; headers?: Record<string, string> } | Error>,
  options: { abortAfter?: number } = {},
) {
  let clock = 1_000_000;
  let calls = 0;
  const controller = new AbortController();
  const logs: string[] = [];
  const sleeps: number[] = [];
  const deps: VerifyDeps = {
    fetch: (async () => {
      const step = script[Math.min(calls++, script.length - 1)]!;
      if (options.abortAfter !== undefined && calls >= options.abortAfter) controller.abort('SIGINT');
      if (step instanceof Error) throw step;
      return new Response(step.body ?? null, { status: step.status, headers: step.headers });
    }) as typeof fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    log: (l) => logs.push(l),
    signal: controller.signal,
  };
  return { deps, logs, sleeps, calls: () => calls };
}

describe('verifyUrl', () => {
  const check = { url: 'https://staging.example.com/health', source: parseVersionSource('json:version'), expected: EXPECTED };
  const options = { intervalMs: 5000, timeoutMs: 60_000 };

  test('polls through 503s and the old version until the new one answers', async () => {
    const w = world([
      { status: 503, body: 'starting' },
      { status: 200, body: '{"version":"v1.3.0"}' },
      { status: 200, body: '{"version":"v1.4.0-rc.1"}' },
    ]);
    const r = await verifyUrl(check, options, w.deps);
    expect(r).toMatchObject({ ok: true, attempts: 3, last: { status: 200, version: 'v1.4.0-rc.1' } });
    expect(w.sleeps).toEqual([5000, 5000]);
    expect(w.logs[0]).toMatch(/answered HTTP 503 \(attempt 1\); next look in 5s/);
    expect(w.logs[1]).toMatch(/with version v1.3.0, not v1.4.0-rc.1 or 1.4.0-rc.1/);
  });

  test('the old version for ever: bounded by the timeout (timeout / interval + 1 attempts), then a failure naming the URL', async () => {
    const w = world([{ status: 200, body: '{"version":"v1.3.0"}' }]);
    const r = await verifyUrl(check, options, w.deps);
    expect(r).toMatchObject({ ok: false, attempts: 12, last: { version: 'v1.3.0' } });
    expect(w.calls()).toBe(12);
    const failure = verificationFailure([r], options)!;
    expect(failure.message).toMatch(
      /^Verification failed: https:\/\/staging.example.com\/health\n.* answered HTTP 200 with version v1.3.0, not v1.4.0-rc.1 or 1.4.0-rc.1 \(12 attempts in 55s\)\. Last body: \{"version":"v1.3.0"\}/,
    );
    expect(failure.why).toMatch(/with the released version; the deployment is marked failure/);
  });

  test('a plain health check: any 2xx passes at once', async () => {
    const w = world([{ status: 204 }]);
    expect(await verifyUrl({ url: 'http://127.0.0.1:1/health', expected: [] }, options, w.deps)).toMatchObject({ ok: true, attempts: 1 });
  });

  test('network errors are retried and shown', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const w = world([refused]);
    const r = await verifyUrl(check, { intervalMs: 1000, timeoutMs: 2500 }, w.deps);
    expect(r).toMatchObject({ ok: false, attempts: 3, last: { problem: 'could not be reached (ECONNREFUSED)' } });
  });

  test('a failing body is shown as an excerpt that cannot start a workflow command', async () => {
    const w = world([{ status: 500, body: '::error::injected\nstack' }]);
    const r = await verifyUrl(check, { intervalMs: 1000, timeoutMs: 1000 }, w.deps);
    const failure = verificationFailure([r], options)!;
    expect(failure.message).toContain('answered HTTP 500');
    expect(failure.message).toContain('Last body: \u200b::error::injected stack');
  });

  test('cancellation stops the polling', async () => {
    const w = world([{ status: 503 }], { abortAfter: 2 });
    const r = await verifyUrl(check, options, w.deps);
    expect(r).toMatchObject({ ok: false, cancelled: true, attempts: 2 });
    expect(verificationFailure([r], options)!.why).toMatch(/cancelled/);
  });
});
