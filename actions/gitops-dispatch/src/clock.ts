/**
 * Time, injectable: every wait in this action goes through a Clock so unit tests run with a fake one
 * and never sleep. `sleep` ends early (without throwing) when the signal aborts.
 */
import { sleep } from '@deploy-kit/core';

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: core's sleep (ends early, without throwing, when the signal aborts). */
export const systemClock: Clock = { now: () => Date.now(), sleep };

/** A clock for tests: `sleep` advances time at once and records the waits. */
export function fakeClock(start = Date.parse('2026-03-01T12:00:00Z')): Clock & { sleeps: number[]; advance(ms: number): void } {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) return;
      sleeps.push(ms);
      t += Math.max(0, ms);
    },
  };
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}
