import { describe, expect, test } from '@jest/globals';
import { fakeClock } from '../src/clock.js';
import { type FindQuery, RunNotFoundError, findRun, plausible } from '../src/find.js';
import { parseRepository } from '../src/target.js';
import { httpError, memoryLog, run, scriptedApi } from './helpers.js';

const LIST = 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs';
const JOBS = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs';
const repo = parseRepository('example-org/gitops-staging', 'repository');
const since = '2026-03-01T12:00:00Z';

function query(api: ReturnType<typeof scriptedApi>, strategy: FindQuery['strategy']): FindQuery {
  return { api, repository: repo, workflowId: 77, branch: 'main', since, strategy };
}

function options(clock = fakeClock()) {
  return { clock, log: memoryLog(), deadline: clock.now() + 120_000, baseDelayMs: 1000, maxDelayMs: 8000 };
}

/** The runs list as it grows over successive requests (index = request number - 1). */
function listing(pages: Array<Array<Record<string, unknown>>>) {
  return (_p: Record<string, unknown>, o: { etag?: string }, n: number) => {
    const page = pages[Math.min(n - 1, pages.length - 1)]!;
    const etag = `W/"${JSON.stringify(page.map((r) => r.id))}"`;
    if (o.etag === etag) return { status: 304, etag };
    return { status: 200, etag, data: { total_count: page.length, workflow_runs: page } };
  };
}

describe('run-name strategy', () => {
  test('finds the run whose title carries the id while it is still queued; backs off while it is missing', async () => {
    const other = run(1, { display_title: 'Update [other-id]' });
    const mine = run(2, { display_title: 'Update ms_core to v1 [abc-123]' });
    const api = scriptedApi({ [LIST]: listing([[], [other], [other], [mine, other]]) });
    const clock = fakeClock();
    const found = await findRun(query(api, { kind: 'run-name', distinctId: 'abc-123' }), options(clock));
    expect(found).toMatchObject({ run: { id: 2 }, attempts: 4 });
    expect(clock.sleeps).toEqual([1000, 2000, 4000]);
    expect(api.calls[0]!.params).toEqual({
      owner: 'example-org',
      repo: 'gitops-staging',
      workflow_id: 77,
      event: 'workflow_dispatch',
      branch: 'main',
      created: `>=${since}`,
      per_page: 30,
      exclude_pull_requests: true,
    });
    expect(api.calls[2]!.options.etag).toBeDefined();
    expect(api.stats.notModified).toBe(1);
  });

  test('two concurrent dispatches each find their own run', async () => {
    const a = run(10, { display_title: 'Update [id-a]' });
    const b = run(11, { display_title: 'Update [id-b]' });
    const api = scriptedApi({ [LIST]: listing([[b, a]]) });
    const [ra, rb] = await Promise.all([
      findRun(query(api, { kind: 'run-name', distinctId: 'id-a' }), options()),
      findRun(query(api, { kind: 'run-name', distinctId: 'id-b' }), options()),
    ]);
    expect([ra.run.id, rb.run.id]).toEqual([10, 11]);
  });

  test('gives up at the deadline with a message saying what was searched', async () => {
    const api = scriptedApi({ [LIST]: listing([[]]) });
    const clock = fakeClock();
    const error = await findRun(query(api, { kind: 'run-name', distinctId: 'zzz' }), {
      ...options(clock),
      deadline: clock.now() + 20_000,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(RunNotFoundError);
    expect(error.message).toMatch(/^The workflow was dispatched, but its run did not show up within 15 s/);
    expect(error.why).toMatch(
      /No run of workflow 77 in example-org\/gitops-staging on main created since 2026-03-01T12:00:00Z matched \(distinct id zzz in the run name\)/,
    );
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  test('bounded by attempts too', async () => {
    const api = scriptedApi({ [LIST]: listing([[]]) });
    await expect(findRun(query(api, { kind: 'run-name', distinctId: 'zzz' }), { ...options(), maxAttempts: 3 })).rejects.toThrow(
      RunNotFoundError,
    );
    expect(api.calls).toHaveLength(3);
  });

  test('5xx and secondary rate limits are waited out; 404 is not', async () => {
    const mine = run(2, { display_title: '[abc]' });
    const api = scriptedApi({
      [LIST]: (_p, _o, n) =>
        n === 1
          ? Promise.reject(httpError(502, 'Bad Gateway'))
          : n === 2
            ? Promise.reject(httpError(403, 'secondary rate limit', { 'retry-after': '30' }))
            : { data: { total_count: 1, workflow_runs: [mine] } },
    });
    const clock = fakeClock();
    expect((await findRun(query(api, { kind: 'run-name', distinctId: 'abc' }), options(clock))).run.id).toBe(2);
    expect(clock.sleeps).toEqual([1000, 30_000]);
    const gone = scriptedApi({ [LIST]: () => Promise.reject(httpError(404, 'Not Found')) });
    await expect(findRun(query(gone, { kind: 'run-name', distinctId: 'abc' }), options())).rejects.toThrow(
      /Could not list the runs of example-org\/gitops-staging: HTTP 404/,
    );
  });
});

describe('job-or-step-name strategy', () => {
  test('reads the jobs of new candidates until a step name shows the id; settled non-matches are not read again', async () => {
    const theirs = run(5, { status: 'in_progress' });
    const mine = run(6, { status: 'queued' });
    const jobs: Record<number, Array<Array<Record<string, unknown>>>> = {
      5: [[{ name: 'update', status: 'in_progress', steps: [{ name: 'echo distinct ID other' }] }]],
      6: [
        [{ name: 'update', status: 'queued', steps: [] }],
        [{ name: 'update', status: 'in_progress', steps: [{ name: 'Set up job' }, { name: 'echo distinct ID my-id' }] }],
      ],
    };
    const seen: Record<number, number> = {};
    const api = scriptedApi({
      [LIST]: listing([[mine, theirs]]),
      [JOBS]: (p) => {
        const id = p.run_id as number;
        const page = jobs[id]![Math.min((seen[id] = (seen[id] ?? 0) + 1), jobs[id]!.length) - 1]!;
        return { data: { total_count: page.length, jobs: page }, etag: `W/"${id}-${seen[id]}"` };
      },
    });
    const found = await findRun(query(api, { kind: 'job-or-step-name', distinctId: 'my-id' }), options());
    expect(found.run.id).toBe(6);
    expect(api.calls.filter((c) => c.route === JOBS).map((c) => c.params.run_id)).toEqual([6, 5, 6]);
  });
});

describe('time-window strategy', () => {
  test('one new run by our actor, seen twice in a row: found; runs from before the dispatch are ignored', async () => {
    const old = run(1);
    const mine = run(2);
    const api = scriptedApi({ [LIST]: listing([[old], [mine, old]]) });
    const found = await findRun(query(api, { kind: 'time-window', actor: 'deploy-bot', before: [1] }), options());
    expect(found).toMatchObject({ run: { id: 2 }, attempts: 3 });
    expect(api.calls[0]!.params.actor).toBe('deploy-bot');
  });

  test('two candidates: refuses to guess, and says how to fix it', async () => {
    const api = scriptedApi({ [LIST]: listing([[run(2), run(3)]]) });
    const error = await findRun(query(api, { kind: 'time-window', actor: 'deploy-bot', before: [] }), options()).catch((e) => e);
    expect(error.message).toBe('The workflow was dispatched, but 2 new runs match it and the action will not guess which is its own');
    expect(error.check[0]).toMatch(/run-name: Deploy \$\{\{ inputs.distinct_id \}\}/);
  });

  test('a second run appearing during confirmation is caught', async () => {
    const api = scriptedApi({ [LIST]: listing([[run(2)], [run(3), run(2)]]) });
    await expect(findRun(query(api, { kind: 'time-window', before: [] }), options())).rejects.toThrow('2 new runs match it');
  });
});

test('plausible: event, branch and creation time', () => {
  const runs = [
    run(1),
    run(2, { event: 'push' }),
    run(3, { head_branch: 'other' }),
    run(4, { created_at: '2026-03-01T11:59:59Z' }),
  ] as never[];
  expect(plausible(runs, { branch: 'main', since }).map((r: { id: number }) => r.id)).toEqual([1]);
});
