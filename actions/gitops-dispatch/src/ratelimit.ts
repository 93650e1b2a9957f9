/**
 * Reading GitHub's rate-limit headers and turning them into the next poll delay: the configured
 * interval, stretched when the remaining budget would not last until the reset, at least the
 * server's `x-poll-interval`, and the full wait until `x-ratelimit-reset` when nothing is left.
 */
import { parseRetryAfter } from '@deploy-kit/core';

export type Headers = Record<string, string | number | undefined>;

export interface RateInfo {
  limit?: number;
  remaining?: number;
  used?: number;
  /** Epoch milliseconds of the reset. */
  resetAt?: number;
  resource?: string;
  /** From `retry-after` (seconds or an HTTP date). */
  retryAfterMs?: number;
  /** From `x-poll-interval` (seconds). */
  pollIntervalMs?: number;
}

function header(headers: Headers | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name && value !== undefined) return String(value);
  return undefined;
}

function int(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

export function readRateInfo(headers: Headers | undefined, nowMs: number): RateInfo {
  const info: RateInfo = {
    limit: int(header(headers, 'x-ratelimit-limit')),
    remaining: int(header(headers, 'x-ratelimit-remaining')),
    used: int(header(headers, 'x-ratelimit-used')),
    resource: header(headers, 'x-ratelimit-resource'),
  };
  const reset = int(header(headers, 'x-ratelimit-reset'));
  if (reset !== undefined) info.resetAt = reset * 1000;
  const after = header(headers, 'retry-after');
  if (after !== undefined) info.retryAfterMs = parseRetryAfter(after, nowMs);
  const poll = int(header(headers, 'x-poll-interval'));
  if (poll !== undefined) info.pollIntervalMs = poll * 1000;
  return info;
}

/**
 * Below this many remaining requests the polls spread out. Above it the interval stands: with
 * conditional requests most polls are 304s, which cost nothing, so a full budget lasts.
 */
export const RATE_LOW_WATER = 100;

/**
 * The wait before the next poll. `pollers` is how many runs share this token's budget. When the
 * remaining requests run low, the polls spread so the rest lasts until the reset (as if each poll
 * cost one); when none are left it waits for the reset.
 */
export function nextPollDelay(intervalMs: number, rate: RateInfo, nowMs: number, pollers = 1): number {
  let delay = Math.max(intervalMs, rate.pollIntervalMs ?? 0, rate.retryAfterMs ?? 0);
  if (rate.remaining !== undefined && rate.resetAt !== undefined && rate.resetAt > nowMs) {
    const untilReset = rate.resetAt - nowMs;
    if (rate.remaining === 0) return Math.max(delay, untilReset + 1000);
    if (rate.remaining <= RATE_LOW_WATER) delay = Math.max(delay, Math.ceil((untilReset * pollers) / rate.remaining));
  }
  return delay;
}
