import { describe, expect, test } from '@jest/globals';
import { RATE_LOW_WATER, nextPollDelay, readRateInfo } from '../src/ratelimit.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('readRateInfo', () => {
  test('GitHub headers', () => {
    expect(
      readRateInfo(
        {
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '4990',
          'x-ratelimit-used': '10',
          'x-ratelimit-reset': String(NOW / 1000 + 600),
          'x-ratelimit-resource': 'core',
          'X-Poll-Interval': '60',
        },
        NOW,
      ),
    ).toEqual({ limit: 5000, remaining: 4990, used: 10, resetAt: NOW + 600_000, resource: 'core', pollIntervalMs: 60_000 });
  });
  test('retry-after in seconds and as a date', () => {
    expect(readRateInfo({ 'retry-after': '7' }, NOW).retryAfterMs).toBe(7000);
    expect(readRateInfo({ 'retry-after': new Date(NOW + 30_000).toUTCString() }, NOW).retryAfterMs).toBe(30_000);
  });
  test('no headers', () =>
    expect(readRateInfo(undefined, NOW)).toEqual({ limit: undefined, remaining: undefined, used: undefined, resource: undefined }));
});

describe('nextPollDelay', () => {
  const reset = NOW + 3_600_000;
  test.each<[string, number, Parameters<typeof readRateInfo>[0], number, number]>([
    ['plenty left: the interval', 10_000, { 'x-ratelimit-remaining': '4000', 'x-ratelimit-reset': String(reset / 1000) }, 1, 10_000],
    ['x-poll-interval is a floor', 10_000, { 'x-poll-interval': '30' }, 1, 30_000],
    ['retry-after is a floor', 1_000, { 'retry-after': '5' }, 1, 5_000],
    [
      'nothing left: until the reset (+1 s)',
      10_000,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 120) },
      1,
      121_000,
    ],
    // 304s are free, so a budget above the low-water mark does not slow the polls, however long the hour.
    [
      'above the low-water mark: the interval',
      1_000,
      { 'x-ratelimit-remaining': String(RATE_LOW_WATER + 1), 'x-ratelimit-reset': String(reset / 1000) },
      1,
      1_000,
    ],
    // 100 left for an hour: as if every poll cost one, 36 s apart.
    [
      'a low budget spreads the polls until the reset',
      10_000,
      { 'x-ratelimit-remaining': String(RATE_LOW_WATER), 'x-ratelimit-reset': String(reset / 1000) },
      1,
      36_000,
    ],
    [
      'two runs share the budget',
      10_000,
      { 'x-ratelimit-remaining': String(RATE_LOW_WATER), 'x-ratelimit-reset': String(reset / 1000) },
      2,
      72_000,
    ],
  ])('%s', (_, interval, headers, pollers, expected) => {
    expect(nextPollDelay(interval, readRateInfo(headers, NOW), NOW, pollers)).toBe(expected);
  });
});
