import { describe, expect, test } from '@jest/globals';
import { fakeClock } from '../src/clock.js';
import { parseRepository } from '../src/target.js';
import { cancelRun, conclusionPasses, failedJobs, rampedInterval, reached, waitForRun } from '../src/wait.js';
import { httpError, memoryLog, run, scriptedApi } from './helpers.js';

const ROUTE = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}';
const repo = parseRepository('example-org/gitops-staging', 'repository');

/** A run that is queued, then in progress, then completed, as GitHub shows it to conditional polls. */
function lifecycle(states: Array<Record<string, unknown>>, extraHeaders: (n: number) => Record<string, string> = () => ({})) {
  let i = 0;
  let served = -1;
  return (_p: Record<string, unknown>, o: { etag?: string }, n: number) => {
    const state = states[Math.min(i++, states.length - 1)]!;
    const etag = `W/"${JSON.stringify(state).length}-${states.indexOf(state)}"`;
    if (o.etag === etag && served === states.indexOf(state)) return { status: 304, etag, headers: extraHeaders(n) };
    served = states.indexOf(state);
    return { status: 200, data: run(9001, state), etag, headers: extraHeaders(n) };
  };
}

function opts(clock = fakeClock(), extra: Partial<Parameters<typeof waitForRun>[3]> = {}) {
  return {
    until: 'completed' as const,
    clock,
    log: memoryLog(),
    deadline: clock.now() + 600_000,
    intervalMs: 5_000,
    random: () => 1,
    ...extra,
  };
}

describe('waitForRun', () => {
  test('polls with If-None-Match; an unchanged run is a 304; stops at completed', async () => {
    const q = { status: 'queued' };
    const p = { status: 'in_progress' };
    const c = { status: 'completed', conclusion: 'success' };
    const api = scriptedApi({ [ROUTE]: lifecycle([q, q, p, p, p, p, c]) });
    const clock = fakeClock();
    const outcome = await waitForRun(api, repo, 9001, opts(clock));
    expect(outcome).toMatchObject({ kind: 'done', polls: 7, notModified: 4, run: { status: 'completed', conclusion: 'success' } });
    expect(api.calls[0]!.options.etag).toBeUndefined();
    expect(api.calls.slice(1).every((c) => typeof c.options.etag === 'string')).toBe(true);
    expect(api.calls[0]!.params).toEqual({ owner: 'example-org', repo: 'gitops-staging', run_id: 9001, exclude_pull_requests: true });
    // The first looks come sooner (1 s, 2 s, 4 s), then every interval.
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  test.each([
    [1, 10_000, 1000],
    [2, 10_000, 2000],
    [3, 10_000, 4000],
    [4, 10_000, 8000],
    [5, 10_000, 10_000],
    [60, 10_000, 10_000],
    [1, 500, 500],
    [1, 100, 100],
  ])('rampedInterval(poll %i, interval %i ms) = %i ms', (n, interval, expected) => {
    expect(rampedInterval(n, interval)).toBe(expected);
  });

  test('until started: in_progress is enough; waiting (approval) is not', async () => {
    const api = scriptedApi({ [ROUTE]: lifecycle([{ status: 'waiting' }, { status: 'in_progress' }]) });
    expect(await waitForRun(api, repo, 9001, opts(fakeClock(), { until: 'started' }))).toMatchObject({
      kind: 'done',
      polls: 2,
      run: { status: 'in_progress' },
    });
    expect(reached(run(1, { status: 'pending' }) as never, 'started')).toBe(false);
    expect(reached(run(1, { status: 'completed' }) as never, 'started')).toBe(true);
  });

  test('times out at the deadline without overshooting it', async () => {
    const api = scriptedApi({ [ROUTE]: lifecycle([{ status: 'in_progress' }]) });
    const clock = fakeClock();
    const start = clock.now();
    const outcome = await waitForRun(api, repo, 9001, opts(clock, { deadline: start + 22_000 }));
    expect(outcome.kind).toBe('timeout');
    expect(clock.now()).toBe(start + 22_000);
    expect(outcome.polls).toBe(6); // at 0, 1, 3, 7, 12 and 17 s
  });

  test('the poll count is bounded even with a clock that does not move', async () => {
    const api = scriptedApi({ [ROUTE]: lifecycle([{ status: 'in_progress' }]) });
    const frozen = { now: () => 0, sleep: async () => undefined };
    const outcome = await waitForRun(api, repo, 9001, {
      until: 'completed',
      clock: frozen,
      log: memoryLog(),
      deadline: 1,
      intervalMs: 1000,
      maxPolls: 12,
    });
    expect(outcome).toMatchObject({ kind: 'timeout', polls: 12 });
  });

  test('an aborted signal stops at once', async () => {
    const api = scriptedApi({ [ROUTE]: lifecycle([{ status: 'in_progress' }]) });
    const controller = new AbortController();
    const clock = fakeClock();
    const sleeping = {
      ...clock,
      sleep: async (ms: number) => {
        clock.advance(ms);
        controller.abort();
      },
    };
    const outcome = await waitForRun(api, repo, 9001, opts(clock, { clock: sleeping, signal: controller.signal }));
    expect(outcome).toMatchObject({ kind: 'aborted', polls: 1, run: { status: 'in_progress' } });
  });

  test('5xx: exponential backoff, then success', async () => {
    const api = scriptedApi({
      [ROUTE]: (_p, _o, n) =>
        n <= 3
          ? Promise.reject(httpError(502, 'Bad Gateway'))
          : { status: 200, data: run(9001, { status: 'completed', conclusion: 'success' }) },
    });
    const clock = fakeClock();
    const outcome = await waitForRun(api, repo, 9001, opts(clock));
    expect(outcome.kind).toBe('done');
    expect(clock.sleeps).toEqual([5000, 10_000, 20_000]);
  });

  test('5xx for too long: fails with an explained error', async () => {
    const api = scriptedApi({ [ROUTE]: () => Promise.reject(httpError(503, 'Service Unavailable')) });
    await expect(waitForRun(api, repo, 9001, opts(fakeClock(), { deadline: Date.parse('2026-03-02T00:00:00Z') }))).rejects.toThrow(
      'Could not read run 9001 of example-org/gitops-staging: HTTP 503 Service Unavailable',
    );
    expect(api.calls).toHaveLength(9);
  });

  test('secondary rate limit (403 + retry-after) and 429 wait as told', async () => {
    const api = scriptedApi({
      [ROUTE]: (_p, _o, n) =>
        n === 1
          ? Promise.reject(
              httpError(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', {
                'retry-after': '42',
              }),
            )
          : n === 2
            ? Promise.reject(httpError(429, 'Too many requests', { 'retry-after': '7' }))
            : { status: 200, data: run(9001, { status: 'completed', conclusion: 'success' }) },
    });
    const clock = fakeClock();
    await waitForRun(api, repo, 9001, opts(clock));
    expect(clock.sleeps).toEqual([42_000, 7_000]);
  });

  test('a secondary limit without retry-after waits a minute', async () => {
    const api = scriptedApi({
      [ROUTE]: (_p, _o, n) =>
        n === 1
          ? Promise.reject(httpError(403, 'You have exceeded a secondary rate limit'))
          : { status: 200, data: run(9001, { status: 'completed', conclusion: 'success' }) },
    });
    const clock = fakeClock();
    await waitForRun(api, repo, 9001, opts(clock));
    expect(clock.sleeps).toEqual([60_000]);
  });

  test('primary limit exhausted (403, remaining 0): waits until the reset', async () => {
    const clock = fakeClock();
    const reset = String(Math.floor(clock.now() / 1000) + 90);
    const api = scriptedApi({
      [ROUTE]: (_p, _o, n) =>
        n === 1
          ? Promise.reject(
              httpError(403, 'API rate limit exceeded for user ID 1.', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
            )
          : { status: 200, data: run(9001, { status: 'completed', conclusion: 'success' }) },
    });
    await waitForRun(api, repo, 9001, opts(clock));
    expect(clock.sleeps).toEqual([91_000]);
  });

  test('a low remaining budget stretches the interval; x-poll-interval is honoured', async () => {
    const clock = fakeClock();
    const reset = String(Math.floor(clock.now() / 1000) + 3600);
    const api = scriptedApi({
      [ROUTE]: lifecycle(
        [{ status: 'in_progress' }, { status: 'in_progress' }, { status: 'completed', conclusion: 'success' }],
        (n): Record<string, string> =>
          n === 1
            ? { 'x-ratelimit-remaining': '60', 'x-ratelimit-reset': reset }
            : { 'x-poll-interval': '30', 'x-ratelimit-remaining': '4000', 'x-ratelimit-reset': reset },
      ),
    });
    const log = memoryLog();
    await waitForRun(api, repo, 9001, opts(clock, { log }));
    expect(clock.sleeps).toEqual([60_000, 30_000]);
    expect(log.lines.join('\n')).toMatch(/Rate limit: 60 request\(s\) left until 2026-03-01T13:00:00.000Z; next look at run 9001 in 60 s/);
  });

  test('a 404 right after the dispatch is retried a few times, then explained', async () => {
    const api = scriptedApi({
      [ROUTE]: (_p, _o, n) =>
        n <= 2
          ? Promise.reject(httpError(404, 'Not Found'))
          : { status: 200, data: run(9001, { status: 'completed', conclusion: 'success' }) },
    });
    expect((await waitForRun(api, repo, 9001, opts())).kind).toBe('done');
    const gone = scriptedApi({ [ROUTE]: () => Promise.reject(httpError(404, 'Not Found')) });
    await expect(waitForRun(gone, repo, 9001, opts())).rejects.toThrow(/Could not read run 9001 .* HTTP 404/);
    expect(gone.calls).toHaveLength(5);
  });

  test('401 fails at once', async () => {
    const api = scriptedApi({ [ROUTE]: () => Promise.reject(httpError(401, 'Bad credentials')) });
    await expect(waitForRun(api, repo, 9001, opts())).rejects.toMatchObject({
      why: 'GitHub rejected the token: it is invalid, expired or revoked.',
    });
    expect(api.calls).toHaveLength(1);
  });
});

test.each([
  ['success', 'pass'],
  ['neutral', 'warn'],
  ['skipped', 'warn'],
  ['failure', 'fail'],
  ['cancelled', 'fail'],
  ['timed_out', 'fail'],
  ['action_required', 'fail'],
  ['startup_failure', 'fail'],
  [null, 'fail'],
])('conclusion %s → %s', (conclusion, verdict) => {
  expect(conclusionPasses(conclusion)).toBe(verdict);
});

test('failedJobs: the failed jobs and their failed steps', async () => {
  const api = scriptedApi({
    'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs': () => ({
      data: {
        total_count: 3,
        jobs: [
          { name: 'render', conclusion: 'success', steps: [{ name: 'a', conclusion: 'success' }] },
          {
            name: 'apply',
            conclusion: 'failure',
            html_url: 'https://x/job/2',
            steps: [
              { name: 'checkout', conclusion: 'success' },
              { name: 'kubectl apply', conclusion: 'failure' },
            ],
          },
          { name: 'notify', conclusion: 'cancelled', steps: [] },
        ],
      },
    }),
  });
  expect(await failedJobs(api, repo, 9001)).toEqual([
    { name: 'apply', conclusion: 'failure', html_url: 'https://x/job/2', failedSteps: ['kubectl apply'] },
    { name: 'notify', conclusion: 'cancelled', html_url: undefined, failedSteps: [] },
  ]);
  expect(api.calls[0]!.params).toMatchObject({ filter: 'latest' });
});

test('cancelRun: 202 cancelled, 409 already completed', async () => {
  expect(
    await cancelRun(scriptedApi({ 'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel': () => ({ status: 202, data: {} }) }), repo, 1),
  ).toBe('cancelled');
  expect(
    await cancelRun(
      scriptedApi({
        'POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel': () =>
          Promise.reject(httpError(409, 'Cannot cancel a workflow run that is completed.')),
      }),
      repo,
      1,
    ),
  ).toBe('already-completed');
});
