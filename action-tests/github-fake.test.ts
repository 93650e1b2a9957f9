// The GitHub API contract fake checks itself: the validator and the OpenAPI contract catch what they
// should (so a test that relies on them can fail), the fake's own answers fit GitHub's description in
// both flavours, and its behaviours (ETags, rate limits, App JWTs, injected failures) are real.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createSign, generateKeyPairSync } from 'node:crypto';
import {
  type GitHubFake,
  UPDATE_PROJECT_LIST,
  applyPatch,
  loadContract,
  seedRepos,
  startGitHubFake,
  validate,
} from './fakes/github/index.mjs';

const TOKEN = 'ghp_FakeContractToken000000000000000000';

describe('validate (the JSON Schema subset)', () => {
  const resolve = (ref: string) =>
    ({ '#/s/user': { type: 'object', required: ['login'], properties: { login: { type: 'string' } }, additionalProperties: false } })[
      ref
    ] as object;
  test.each<[string, object, unknown, RegExp | null]>([
    ['type ok', { type: 'integer' }, 3, null],
    ['type wrong', { type: 'integer' }, '3', /expected integer, got string/],
    ['number accepts integers', { type: 'number' }, 3, null],
    ['nullable', { type: 'string', nullable: true }, null, null],
    ['not nullable', { type: 'string' }, null, /expected string, got null/],
    ['enum', { type: 'string', enum: ['queued', 'completed'] }, 'done', /"done" is not one of/],
    ['required', { type: 'object', required: ['id'] }, {}, /required property "id" is missing/],
    [
      'additionalProperties false',
      { type: 'object', properties: { a: {} }, additionalProperties: false },
      { a: 1, b: 2 },
      /property "b" is not allowed/,
    ],
    ['additionalProperties schema', { type: 'object', additionalProperties: { type: 'string' } }, { a: 1 }, /\$\.a: expected string/],
    ['maxProperties', { type: 'object', maxProperties: 1 }, { a: 1, b: 2 }, /2 properties, more than the maximum 1/],
    ['items', { type: 'array', items: { type: 'string' } }, ['a', 2], /\$\[1\]: expected string/],
    ['$ref', { $ref: '#/s/user' }, { login: 1 }, /\$\.login: expected string/],
    ['allOf', { allOf: [{ required: ['a'] }, { required: ['b'] }] }, { a: 1 }, /"b" is missing/],
    ['anyOf none', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, true, /matches none of the 2 anyOf/],
    ['anyOf one', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, 1, null],
    ['oneOf two', { oneOf: [{ type: 'number' }, { type: 'integer' }] }, 1, /matches 2 of the oneOf schemas/],
    ['oneOf exactly one', { oneOf: [{ $ref: '#/s/user' }, { type: 'string' }] }, { login: 'x' }, null],
    ['format date-time', { type: 'string', format: 'date-time' }, 'yesterday', /not an RFC 3339 date-time/],
    ['format uri', { type: 'string', format: 'uri' }, 'not a uri', /not a URI/],
  ])('%s', (_, schema, value, problem) => {
    const errors = validate(schema, value, { resolve, formats: true });
    if (problem === null) expect(errors).toEqual([]);
    else expect(errors.join('\n')).toMatch(problem);
  });
});

describe('the OpenAPI contract', () => {
  const dotcom = loadContract('api.github.com');
  const ghes = loadContract('ghes-3.17');
  const dispatch = (c: typeof dotcom) => c.match('POST', '/repos/o/r/actions/workflows/77/dispatches')!;

  test('matches operations by method and path template', () => {
    expect(dotcom.match('GET', '/repos/o/r/actions/runs/5/jobs')?.operationId).toBe('actions/list-jobs-for-workflow-run');
    expect(dotcom.match('GET', '/repos/o/r/actions/runs/5')?.operationId).toBe('actions/get-workflow-run');
    expect(dotcom.match('GET', '/repos/o/r/contents/.github%2Fworkflows%2Fa.yml')?.params.path).toBe('.github/workflows/a.yml');
    expect(dotcom.match('GET', '/repos/o/r/nope')).toBeUndefined();
  });

  test('the dispatch operation says what the brief relies on: 200 run details or 204 on github.com, 204 only on GHES 3.17', () => {
    expect(Object.keys((dispatch(dotcom) as unknown as { operation: { responses: object } }).operation.responses).sort()).toEqual([
      '200',
      '204',
    ]);
    expect(
      dotcom.checkResponse(dispatch(dotcom), {
        status: 200,
        body: { workflow_run_id: 1, run_url: 'https://api.github.com/x', html_url: 'https://github.com/x' },
      }),
    ).toEqual([]);
    expect(dotcom.checkResponse(dispatch(dotcom), { status: 200, body: { workflow_run_id: '1', run_url: 'x' } }).join('\n')).toMatch(
      /"html_url" is missing[\s\S]*workflow_run_id: expected integer[\s\S]*"x" is not a URI/,
    );
    expect(ghes.checkResponse(dispatch(ghes), { status: 200, body: {} })).toEqual([
      'status 200 is not a documented response of actions/create-workflow-dispatch (documented: 204)',
    ]);
  });

  test('API version 2026-03-10 removes the 204 and the return_run_details field (x-github-breaking-changes)', () => {
    expect(dotcom.checkResponse(dispatch(dotcom), { status: 204, version: '2026-03-10' })).toEqual([
      'status 204 is not a documented response of actions/create-workflow-dispatch (documented: 200)',
    ]);
    expect(
      dotcom.checkRequest(dispatch(dotcom), {
        pathParams: { owner: 'o', repo: 'r', workflow_id: '77' },
        query: {},
        body: { ref: 'main', return_run_details: true },
        hasBody: true,
        contentType: 'application/json',
        version: '2026-03-10',
      }),
    ).toEqual(['body.return_run_details was removed in API version 2026-03-10']);
    expect(applyPatch({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { c: 2 } });
  });

  test('request checks: body, limits, parameters', () => {
    const check = (c: typeof dotcom, body: unknown, query: Record<string, string[]> = {}, workflowId = '77') =>
      c.checkRequest(dispatch(c), {
        pathParams: { owner: 'o', repo: 'r', workflow_id: workflowId },
        query,
        body,
        hasBody: body !== undefined,
        contentType: 'application/json',
      });
    expect(check(dotcom, { ref: 'main', inputs: { a: '1' }, return_run_details: true })).toEqual([]);
    expect(check(dotcom, { ref: 'update.yml' }, {}, 'update.yml')).toEqual([]);
    expect(check(dotcom, undefined)).toEqual(['the request body is required but missing']);
    expect(check(dotcom, { inputs: {} })).toEqual(['body: required property "ref" is missing']);
    expect(check(dotcom, { ref: 'main', inputs: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`k${i}`, 'v'])) })).toEqual([
      'body.inputs: 26 properties, more than the maximum 25',
    ]);
    expect(check(ghes, { ref: 'main', inputs: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) })).toEqual([
      'body.inputs: 11 properties, more than the maximum 10',
    ]);
    const runs = dotcom.match('GET', '/repos/o/r/actions/workflows/77/runs')!;
    expect(
      dotcom
        .checkRequest(runs, { pathParams: runs.params, query: { per_page: ['x'], perPage: ['5'], status: ['running'] }, hasBody: false })
        .join('\n'),
    ).toMatch(/query.per_page: expected integer[\s\S]*"perPage" is not declared[\s\S]*"running" is not one of/);
    const run = dotcom.match('GET', '/repos/o/r/actions/runs/abc')!;
    expect(dotcom.checkRequest(run, { pathParams: run.params, query: {}, hasBody: false })).toEqual([
      'path.run_id: expected integer, got string "abc"',
    ]);
  });
});

describe('the GHES 3.19 description (what the GHES tests of every GitHub-calling action run against)', () => {
  const ghes319 = loadContract('ghes-3.19');
  const dotcom = loadContract('api.github.com');
  // The validator accepts fields a description does not list (GitHub's schemas leave additionalProperties
  // open), so what GHES lacks is read from the description itself.
  const bodyFields = (c: typeof dotcom, method: string, path: string): string[] =>
    Object.keys(
      (
        c.match(method, path) as unknown as {
          operation: { requestBody?: { content: { 'application/json': { schema: { properties: object } } } } };
        }
      ).operation.requestBody?.content['application/json'].schema.properties ?? {},
    ).sort();
  const check = (method: string, path: string, body: unknown) => {
    const op = ghes319.match(method, path)!;
    return ghes319.checkRequest(op, {
      pathParams: op.params,
      query: {},
      body,
      hasBody: body !== undefined,
      contentType: 'application/json',
    });
  };

  test('the dispatch: no run details (204 only, no return_run_details field), at most 10 inputs', () => {
    const dispatch = ghes319.match('POST', '/repos/o/r/actions/workflows/77/dispatches')!;
    expect(ghes319.checkResponse(dispatch, { status: 200, body: {} })).toEqual([
      'status 200 is not a documented response of actions/create-workflow-dispatch (documented: 204)',
    ]);
    expect(bodyFields(ghes319, 'POST', '/repos/o/r/actions/workflows/77/dispatches')).toEqual(['inputs', 'ref']);
    expect(bodyFields(dotcom, 'POST', '/repos/o/r/actions/workflows/77/dispatches')).toEqual(['inputs', 'ref', 'return_run_details']);
    expect(
      check('POST', '/repos/o/r/actions/workflows/77/dispatches', {
        ref: 'main',
        inputs: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])),
      }),
    ).toEqual(['body.inputs: 11 properties, more than the maximum 10']);
  });

  test('deployment statuses take what record-deployment sends (log_url, environment_url, auto_inactive), as on github.com', () => {
    expect(bodyFields(ghes319, 'POST', '/repos/o/r/deployments/5/statuses')).toEqual(
      bodyFields(dotcom, 'POST', '/repos/o/r/deployments/5/statuses'),
    );
    expect(
      check('POST', '/repos/o/r/deployments/5/statuses', {
        state: 'success',
        log_url: 'https://ghes.example.com/o/r/actions/runs/1',
        environment_url: 'https://staging.example.com',
        description: 'v1.2.3',
        auto_inactive: true,
      }),
    ).toEqual([]);
  });

  test('the releases API: generate-notes is there; a release cannot name a discussion category (github.com only)', () => {
    expect(check('POST', '/repos/o/r/releases/generate-notes', { tag_name: 'v1.2.3' })).toEqual([]);
    expect(
      bodyFields(dotcom, 'POST', '/repos/o/r/releases').filter((f) => !bodyFields(ghes319, 'POST', '/repos/o/r/releases').includes(f)),
    ).toEqual(['discussion_category_name']);
  });
});

describe('the fake, against its own contract', () => {
  let fake: GitHubFake;
  let ghes: GitHubFake;
  const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const h = { authorization: `token ${TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    const options = {
      repos: seedRepos(UPDATE_PROJECT_LIST),
      tokens: { [TOKEN]: { login: 'deploy-bot' }, ghp_small: { rateLimit: 3 } },
      apps: [
        {
          id: 4242,
          slug: 'deployer',
          publicKey: appKeys.publicKey,
          installations: [{ id: 7, account: 'example-org', repositories: ['gitops-production'] }],
        },
      ],
    };
    fake = await startGitHubFake(options);
    ghes = await startGitHubFake({ ...options, flavor: 'ghes-3.17' });
  });
  afterAll(async () => {
    await fake?.close();
    await ghes?.close();
  });

  const call = async (f: GitHubFake, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${f.apiUrl}${path}`, {
      method,
      headers: { ...h, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
  };

  test('a full dispatch → list → get → jobs → cancel walk answers within the contract, in both flavours', async () => {
    for (const f of [fake, ghes]) {
      f.clearLog();
      const wf = (await call(f, 'GET', '/repos/example-org/gitops-staging/actions/workflows/update.yml')).body;
      expect(wf).toMatchObject({ name: 'Update Project List Version', path: '.github/workflows/update.yml', state: 'active' });
      const d = await call(f, 'POST', `/repos/example-org/gitops-staging/actions/workflows/${wf.id}/dispatches`, {
        ref: 'main',
        inputs: { newVersion: 'v1.2.3', projectNames: 'ms_core', distinct_id: 'd-1' },
      });
      expect(d.status).toBe(204);
      const list = await call(
        f,
        'GET',
        `/repos/example-org/gitops-staging/actions/workflows/${wf.id}/runs?event=workflow_dispatch&branch=main&created=${encodeURIComponent('>=2020-01-01T00:00:00Z')}`,
      );
      const run = list.body.workflow_runs[0];
      expect(run).toMatchObject({
        display_title: 'Update ms_core to v1.2.3 [d-1]',
        status: 'queued',
        event: 'workflow_dispatch',
        head_branch: 'main',
        actor: { login: 'deploy-bot' },
      });
      expect((await call(f, 'GET', `/repos/example-org/gitops-staging/actions/runs/${run.id}`)).status).toBe(200);
      expect((await call(f, 'GET', `/repos/example-org/gitops-staging/actions/runs/${run.id}/jobs`)).status).toBe(200);
      expect((await call(f, 'POST', `/repos/example-org/gitops-staging/actions/runs/${run.id}/cancel`)).status).toBe(202);
      expect((await call(f, 'GET', `/repos/example-org/gitops-staging/actions/runs/${run.id}`)).body).toMatchObject({
        status: 'completed',
        conclusion: 'cancelled',
      });
      expect((await call(f, 'POST', `/repos/example-org/gitops-staging/actions/runs/${run.id}/cancel`)).status).toBe(409);
      expect(f.describeViolations()).toBe('');
    }
    expect(fake.requests[0]!.path.startsWith('/repos/')).toBe(true);
    expect(ghes.requests[0]!.path.startsWith('/api/v3/repos/')).toBe(true);
  });

  test('github.com answers return_run_details with the run; GHES 3.17 refuses the key with 400', async () => {
    const body = { ref: 'main', inputs: { newVersion: 'v1', projectNames: 'ms_core' }, return_run_details: true };
    const d = await call(fake, 'POST', '/repos/example-org/gitops-staging/actions/workflows/update.yml/dispatches', body);
    expect(d.status).toBe(200);
    expect(d.body).toEqual({
      workflow_run_id: expect.any(Number),
      run_url: `${fake.apiUrl}/repos/example-org/gitops-staging/actions/runs/${d.body.workflow_run_id}`,
      html_url: expect.stringMatching(/^https:\/\/github.com\//),
    });
    const g = await call(ghes, 'POST', '/repos/example-org/gitops-staging/actions/workflows/update.yml/dispatches', body);
    expect(g).toMatchObject({ status: 400, body: { message: 'Invalid request.\n\n"return_run_details" is not a permitted key.' } });
    expect(g.headers.get('x-github-enterprise-version')).toBe('3.17.3');
    expect(
      (
        await call(
          fake,
          'POST',
          '/repos/example-org/gitops-staging/actions/workflows/update.yml/dispatches',
          { ref: 'main', inputs: { newVersion: 'v1', projectNames: 'x' } },
          { 'x-github-api-version': '2026-03-10' },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await call(
          ghes,
          'POST',
          '/repos/example-org/gitops-staging/actions/workflows/update.yml/dispatches',
          { ref: 'main' },
          { 'x-github-api-version': '2026-03-10' },
        )
      ).status,
    ).toBe(400);
    expect(fake.describeViolations() + ghes.describeViolations()).toBe('');
  });

  test('response validation binds on the big schemas: the fake’s own run, job and repository, each minus one required field, are caught', async () => {
    const contract = loadContract('api.github.com');
    const wf = (await call(fake, 'GET', '/repos/example-org/gitops-staging/actions/workflows/update.yml')).body;
    await call(fake, 'POST', `/repos/example-org/gitops-staging/actions/workflows/${wf.id}/dispatches`, {
      ref: 'main',
      inputs: { newVersion: 'v1', projectNames: 'x' },
    });
    const runId = fake.runs().at(-1)!.id;
    for (const [path, drop, nested] of [
      [`/repos/example-org/gitops-staging/actions/runs/${runId}`, 'head_sha', undefined],
      [`/repos/example-org/gitops-staging/actions/runs/${runId}/jobs`, 'runner_name', 'jobs'],
      ['/repos/example-org/gitops-staging', 'default_branch', undefined],
    ] as const) {
      const op = contract.match('GET', path)!;
      const body = (await call(fake, 'GET', path)).body;
      expect(contract.checkResponse(op, { status: 200, body })).toEqual([]);
      const broken = structuredClone(body);
      delete (nested ? broken[nested][0] : broken)[drop];
      expect(contract.checkResponse(op, { status: 200, body: broken }).join('\n')).toMatch(
        new RegExp(`required property "${drop}" is missing`),
      );
    }
  });

  test('a request outside the contract is recorded as a violation (and refused)', async () => {
    fake.clearLog();
    const r = await call(fake, 'GET', '/repos/example-org/gitops-staging/actions/workflows/update.yml/runs?perPage=5');
    expect(r.status).toBe(422);
    expect(fake.violations).toEqual([
      expect.objectContaining({
        kind: 'request',
        operationId: 'actions/list-workflow-runs',
        problem: expect.stringMatching(/query parameter "perPage" is not declared/),
      }),
    ]);
    await call(fake, 'GET', '/repos/example-org/gitops-staging/no-such-endpoint');
    expect(fake.violations[1]!.problem).toMatch(/no operation in api.github.com.json matches GET/);
    fake.clearLog();
    await fetch(`${ghes.url}/repos/example-org/gitops-staging`, { headers: h });
    expect(ghes.describeViolations()).toMatch(/serves the REST API under \/api\/v3/);
    ghes.clearLog();
  });

  test('GitHub-side validation of dispatches: unknown and missing inputs, unknown ref, no trigger', async () => {
    const d = (body: object, wf = 'update.yml', repo = 'gitops-staging') =>
      call(fake, 'POST', `/repos/example-org/${repo}/actions/workflows/${wf}/dispatches`, body);
    expect((await d({ ref: 'main', inputs: { newVersion: 'v1', projectNames: 'x', bogus: '1' } })).body.message).toBe(
      'Unexpected inputs provided: ["bogus"]',
    );
    expect((await d({ ref: 'main', inputs: { newVersion: 'v1' } })).body.message).toBe("Required input 'projectNames' not provided");
    expect((await d({ ref: 'nope', inputs: { newVersion: 'v1', projectNames: 'x' } })).body.message).toBe('No ref found for: nope');
    expect((await d({ ref: 'main' }, 'ci.yml')).body.message).toBe("Workflow does not have 'workflow_dispatch' trigger");
    expect(fake.describeViolations()).toBe('');
  });

  test('ETag: an unchanged resource answers 304, which is not counted against the rate limit', async () => {
    const first = await call(fake, 'GET', '/repos/example-org/gitops-staging');
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const second = await fetch(`${fake.apiUrl}/repos/example-org/gitops-staging`, {
      headers: { ...h, 'if-none-match': first.headers.get('etag')! },
    });
    expect(second.status).toBe(304);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    expect(fake.requests.at(-1)).toMatchObject({ notModified: true, counted: false });
  });

  test('the rate limit runs out: 403 with remaining 0 and a reset time', async () => {
    const small = { authorization: 'token ghp_small' };
    for (let i = 0; i < 3; i++) expect((await call(fake, 'GET', '/repos/example-org/gitops-staging', undefined, small)).status).toBe(200);
    const r = await call(fake, 'GET', '/repos/example-org/gitops-staging', undefined, small);
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/API rate limit exceeded/);
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  test('injected failures: 5xx, secondary rate limit with retry-after, 429', async () => {
    fake.inject({ operationId: 'repos/get', status: 502, times: 1 });
    fake.inject({ operationId: 'repos/get', kind: 'secondary-rate-limit', retryAfter: 2, times: 1 });
    fake.inject({ operationId: 'repos/get', kind: 'too-many-requests', retryAfter: 3, times: 1 });
    const a = await call(fake, 'GET', '/repos/example-org/gitops-staging');
    const b = await call(fake, 'GET', '/repos/example-org/gitops-staging');
    const c = await call(fake, 'GET', '/repos/example-org/gitops-staging');
    const d = await call(fake, 'GET', '/repos/example-org/gitops-staging');
    expect([a.status, b.status, c.status, d.status]).toEqual([502, 403, 429, 200]);
    expect(b.body.message).toMatch(/secondary rate limit/);
    expect([b.headers.get('retry-after'), c.headers.get('retry-after')]).toEqual(['2', '3']);
  });

  test('deployments: create (ref resolved, auto_merge and status checks as GitHub applies them), statuses, auto_inactive, lists, all within the contract', async () => {
    fake.addRepo('example-org/app', { tags: { 'v1.0.0': {} }, commitStatuses: { ci: 'failure' } });
    fake.clearLog();
    const create = (body: object) => call(fake, 'POST', '/repos/example-org/app/deployments', body);
    const base = { ref: 'v1.0.0', environment: 'staging', auto_merge: false, required_contexts: [] };
    expect((await create({ ref: 'v1.0.0', environment: 'staging', required_contexts: [] })).status).toBe(409); // auto_merge defaults to true
    expect((await create({ ref: 'v1.0.0', environment: 'staging', auto_merge: false })).status).toBe(409); // the failing `ci` context
    expect(await create({ ...base, ref: 'v9.9.9' })).toMatchObject({ status: 422, body: { message: 'No ref found for: v9.9.9' } });
    const first = await create({ ...base, payload: { tag: 'v1.0.0' } });
    expect(first).toMatchObject({
      status: 201,
      body: {
        ref: 'v1.0.0',
        environment: 'staging',
        payload: { tag: 'v1.0.0' },
        production_environment: false,
        transient_environment: false,
        creator: { login: 'deploy-bot' },
      },
    });
    expect(first.body.sha).toMatch(/^[0-9a-f]{40}$/);
    const status = (id: number, body: object) => call(fake, 'POST', `/repos/example-org/app/deployments/${id}/statuses`, body);
    expect(
      (
        await status(first.body.id, {
          state: 'success',
          log_url: 'https://github.com/example-org/app/actions/runs/1',
          environment_url: 'https://staging.example.com',
        })
      ).status,
    ).toBe(201);
    expect((await status(first.body.id, { state: 'success', log_url: 'https://x.example/1', description: 'x'.repeat(141) })).status).toBe(
      422,
    );
    const second = await create(base);
    await status(second.body.id, { state: 'in_progress', log_url: 'https://x.example/2', auto_inactive: false });
    expect((await call(fake, 'GET', `/repos/example-org/app/deployments/${first.body.id}/statuses?per_page=1`)).body[0].state).toBe(
      'success',
    );
    await status(second.body.id, { state: 'success', log_url: 'https://x.example/2' });
    const statuses = await call(fake, 'GET', `/repos/example-org/app/deployments/${first.body.id}/statuses`);
    expect(statuses.body.map((x: { state: string }) => x.state)).toEqual(['inactive', 'success']);
    expect(statuses.body[1]).toMatchObject({
      log_url: 'https://github.com/example-org/app/actions/runs/1',
      target_url: 'https://github.com/example-org/app/actions/runs/1',
      environment_url: 'https://staging.example.com',
      environment: 'staging',
    });
    expect(
      (await call(fake, 'GET', '/repos/example-org/app/deployments?environment=staging&per_page=5')).body.map((d: { id: number }) => d.id),
    ).toEqual([second.body.id, first.body.id]);
    expect((await call(fake, 'GET', '/repos/example-org/app/deployments?environment=production')).body).toEqual([]);
    expect((await call(fake, 'GET', `/repos/example-org/app/deployments/${second.body.id}`)).body.id).toBe(second.body.id);
    expect((await call(fake, 'GET', '/repos/example-org/app/deployments/1')).status).toBe(404);
    expect(await create({ ...base, environment: 'production' })).toMatchObject({ status: 201, body: { production_environment: true } });
    expect(fake.deployments('example-org/app').map((d) => [d.environment, d.statuses.map((x) => x.state)])).toEqual([
      ['staging', ['success', 'inactive']],
      ['staging', ['in_progress', 'success']],
      ['production', []],
    ]);
    expect(fake.describeViolations()).toBe('');
  });

  test('deployments: a token without deployments permission is refused with 403', async () => {
    fake.addRepo('example-org/app2', { tags: { 'v1.0.0': {} } });
    fake.addToken('ghp_nodeploy', { permissions: { deployments: 'read' } });
    const r = await call(
      fake,
      'POST',
      '/repos/example-org/app2/deployments',
      { ref: 'v1.0.0', auto_merge: false, required_contexts: [] },
      { authorization: 'token ghp_nodeploy' },
    );
    expect(r).toMatchObject({ status: 403, body: { message: 'Resource not accessible by personal access token' } });
  });

  test('GitHub App: a valid RS256 JWT finds the installation and gets a scoped token; a forged one is refused', async () => {
    const jwt = (key = appKeys.privateKey, iss: number | string = 4242, exp = 540) => {
      const now = Math.floor(Date.now() / 1000);
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ iat: now - 60, exp: now + exp, iss })}`;
      return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
    };
    const bearer = (t: string) => ({ authorization: `bearer ${t}` });
    const inst = await call(fake, 'GET', '/repos/example-org/gitops-production/installation', undefined, bearer(jwt()));
    expect(inst).toMatchObject({ status: 200, body: { id: 7, app_slug: 'deployer' } });
    expect((await call(fake, 'GET', '/repos/example-org/gitops-staging/installation', undefined, bearer(jwt()))).status).toBe(404);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect((await call(fake, 'GET', '/repos/example-org/gitops-production/installation', undefined, bearer(jwt(other)))).status).toBe(401);
    expect(
      (await call(fake, 'GET', '/repos/example-org/gitops-production/installation', undefined, bearer(jwt(undefined, 4242, 3600)))).body
        .message,
    ).toMatch(/too far in the future/);
    const t = await call(
      fake,
      'POST',
      '/app/installations/7/access_tokens',
      { repositories: ['gitops-production'], permissions: { actions: 'write', contents: 'read' } },
      bearer(jwt()),
    );
    expect(t.status).toBe(201);
    expect(
      (await call(fake, 'POST', '/app/installations/7/access_tokens', { repositories: ['gitops-staging'] }, bearer(jwt()))).status,
    ).toBe(422);
    expect(
      (await call(fake, 'POST', '/app/installations/7/access_tokens', { permissions: { administration: 'write' } }, bearer(jwt()))).body
        .message,
    ).toBe('The permissions requested are not granted to this installation.');
    const token = { authorization: `token ${t.body.token}` };
    expect((await call(fake, 'GET', '/repos/example-org/gitops-production', undefined, token)).status).toBe(200);
    expect((await call(fake, 'GET', '/repos/example-org/gitops-staging', undefined, token)).status).toBe(404);
    expect((await call(fake, 'GET', '/user', undefined, token)).status).toBe(403);
    expect((await call(fake, 'DELETE', '/installation/token', undefined, token)).status).toBe(204);
    expect((await call(fake, 'GET', '/repos/example-org/gitops-production', undefined, token)).status).toBe(401);
    expect(fake.describeViolations()).toBe('');
  });
});
