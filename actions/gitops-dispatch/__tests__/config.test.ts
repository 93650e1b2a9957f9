import { describe, expect, test } from '@jest/globals';
import { type ActionInputs, buildTargets, chooseAuth, getInputs } from '../src/config.js';
import { inputs } from '../src/io.js';

const base: ActionInputs = {
  environment: 'production',
  repository: '',
  repositoryTemplate: '{owner}/gitops-{environment}',
  workflow: 'Update Project List Version',
  ref: '',
  tag: 'v1.2.3',
  projects: 'ms_core ms_payments',
  updateRoutes: 'true',
  inputs: {},
  extraDispatches: undefined,
  token: 'ghp_x',
  appId: '',
  privateKey: '',
};
const current = { owner: 'example-org', repo: 'sample-service' };

describe('chooseAuth', () => {
  test('token', () => expect(chooseAuth(base)).toEqual({ kind: 'token', token: 'ghp_x' }));
  test('app', () =>
    expect(chooseAuth({ token: '', appId: '123', privateKey: 'k' })).toEqual({ kind: 'app', appId: '123', privateKey: 'k' }));
  test.each([
    [
      { token: '', appId: '', privateKey: '' },
      /^Input "token": is required \(or `app-id` \+ `private-key`\).*GITHUB_TOKEN cannot reach another repository/,
    ],
    [{ token: 'x', appId: '1', privateKey: 'k' }, /^Input "token": is given together with `app-id`.*Got: \*\*\*$/],
    [{ token: '', appId: '1', privateKey: '' }, /^Input "private-key": is required with `app-id`/],
    [{ token: '', appId: '', privateKey: 'k' }, /^Input "app-id": is required with `private-key`/],
  ])('%j', (values, message) => {
    expect(() => chooseAuth(values)).toThrow(message);
  });
});

describe('buildTargets', () => {
  test("production: the guide's GitOps dispatch plus the API gateway extra", () => {
    const { targets } = buildTargets(
      {
        ...base,
        extraDispatches: [
          { repository: 'example-org/terraform-apps-production', workflow: 'Update API Gateway Routes', environments: ['production'] },
        ],
      },
      current,
    );
    expect(targets.map((t) => [t.label, t.repository.fullName, t.workflow.raw])).toEqual([
      ['main', 'example-org/gitops-production', 'Update Project List Version'],
      ['extra 1', 'example-org/terraform-apps-production', 'Update API Gateway Routes'],
    ]);
    expect(targets[0]!.inputs).toEqual({ newVersion: 'v1.2.3', projectNames: 'ms_core ms_payments', updatesRoutes: 'true' });
  });

  test('staging skips a production-only extra', () => {
    const { targets, skippedExtras } = buildTargets(
      { ...base, environment: 'staging', extraDispatches: [{ repository: 'o/r', workflow: 'w', environments: ['production'] }] },
      current,
    );
    expect(targets.map((t) => t.repository.fullName)).toEqual(['example-org/gitops-staging']);
    expect(skippedExtras).toHaveLength(1);
  });

  test('the same workflow twice is refused', () => {
    expect(() =>
      buildTargets(
        { ...base, extraDispatches: [{ repository: 'example-org/gitops-production', workflow: 'Update Project List Version' }] },
        current,
      ),
    ).toThrow('dispatches Update Project List Version in example-org/gitops-production twice');
  });

  test('update-routes empty leaves updatesRoutes out; False is false', () => {
    expect(buildTargets({ ...base, updateRoutes: '' }, current).targets[0]!.inputs).not.toHaveProperty('updatesRoutes');
    expect(buildTargets({ ...base, updateRoutes: 'False' }, current).targets[0]!.inputs.updatesRoutes).toBe('false');
  });
});

describe("the `tag` input (core input.tag(): the release tag, defaulting to the run's)", () => {
  test.each<[string, string, string | undefined, string]>([
    ['given', 'v2.0.0', 'refs/tags/v1.2.3', 'v2.0.0'],
    ["empty on a tag push: the run's tag", '', 'refs/tags/v1.2.3-rc.1', 'v1.2.3-rc.1'],
    ['empty on a branch: not sent', '', 'refs/heads/main', ''],
  ])('%s', async (_, raw, ref, expected) => {
    const { inputs } = await import('../src/io.js');
    const saved = process.env.GITHUB_REF;
    process.env.GITHUB_REF = ref;
    try {
      const tag = inputs.tag.parse(raw, 'tag');
      expect(tag).toBe(expected);
      expect(buildTargets({ ...base, tag }, current).targets[0]!.inputs.newVersion).toBe(expected === '' ? undefined : expected);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_REF;
      else process.env.GITHUB_REF = saved;
    }
  });
});

describe('getInputs: every input checked, targets built and the key parsed before any request', () => {
  const read = (values: Record<string, string>) => (name: string) =>
    (values[name] ?? (inputs as Record<string, { default?: string }>)[name]?.default ?? '').trim();
  const env = { GITHUB_REPOSITORY: 'example-org/sample-service', GITHUB_REF: 'refs/tags/v1.2.3' };

  test('a token, the defaults and the flow configuration', async () => {
    const config = await getInputs(read({ environment: 'staging', token: 'ghp_x', projects: 'ms_core' }), env);
    expect(config).toMatchObject({
      auth: { kind: 'token', token: 'ghp_x' },
      environment: 'staging',
      skippedExtras: [],
      flow: {
        wait: 'completed',
        timeoutMs: 30 * 60_000,
        pollIntervalMs: 10_000,
        cancelOnAbort: false,
        dryRun: false,
        distinctIdInput: 'distinct_id',
      },
    });
    expect(config.key).toBeUndefined();
    expect(config.flow.targets.map((t) => [t.label, t.repository.fullName, t.workflow])).toEqual([
      ['main', 'example-org/gitops-staging', expect.anything()],
    ]);
  });

  test('wait, timeout, poll interval, cancel-on-abort and dry-run are read', async () => {
    const config = await getInputs(
      read({
        environment: 'staging',
        token: 'ghp_x',
        wait: 'started',
        timeout: '5m',
        'poll-interval': '2s',
        'cancel-on-abort': 'true',
        'dry-run': 'true',
      }),
      env,
    );
    expect(config.flow).toMatchObject({ wait: 'started', timeoutMs: 300_000, pollIntervalMs: 2000, cancelOnAbort: true, dryRun: true });
  });

  test.each<[string, Record<string, string>, string]>([
    ['no credentials', { environment: 'staging' }, 'Input "token": is required'],
    [
      'a token and an app',
      { environment: 'staging', token: 'x', 'app-id': '1', 'private-key': 'k' },
      'Input "token": is given together with `app-id`',
    ],
    [
      'a key that is not one',
      { environment: 'staging', 'app-id': '1', 'private-key': 'not a key' },
      'Input "private-key": is not a PEM private key',
    ],
    ['a bad wait', { environment: 'staging', token: 'x', wait: 'forever' }, 'Input "wait"'],
  ])('refuses %s', async (_what, values, message) => {
    await expect(getInputs(read(values), env)).rejects.toThrow(message);
  });
});
