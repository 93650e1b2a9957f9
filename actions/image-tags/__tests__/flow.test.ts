/**
 * image-tags' orchestration through its injected services: getInputs() over fake input readers,
 * and runImageTags() with a fake environment, git, directory listing, GitHub API, clock, bake-file
 * writer and log — every phase and every branch main.ts used to reach only through a subprocess.
 */
import { describe, expect, test } from '@jest/globals';
import { ActionError, DEFAULT_ENVIRONMENT_RULES, InputError } from '@deploy-kit/core';

import { getInputs, type ImageTagsConfig, type WorkflowContext } from '../src/config.js';
import type { DirEntryLike } from '../src/discover.js';
import type { BakeFile } from '../src/engine.js';
import { repoInfoFromPayload, repoInfoIfComplete } from '../src/context.js';
import { runImageTags, type FlowDeps, type LogGroup } from '../src/flow.js';
import type { RepoApi } from '../src/repoapi.js';

const SHA = 'fedcba9876543210fedcba9876543210fedcba98';
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const NOW = new Date('2024-03-08T10:00:00.000Z');
const PAYLOAD = {
  repository: {
    name: 'backend',
    html_url: 'https://github.com/example-org/backend',
    default_branch: 'main',
    description: 'From the payload',
    license: null,
  },
};
const GITHUB: WorkflowContext = {
  eventName: 'push',
  payload: PAYLOAD,
  workspace: '/work',
  owner: 'example-org',
  repo: 'backend',
  repository: 'example-org/backend',
  apiUrl: 'https://api.github.com',
};

/** getInputs() over a map of input values (unset inputs read as '', tag-prefix as the runner fills it in), like the runner's INPUT_*. */
function configFor(given: Record<string, string>, github: Partial<WorkflowContext> = {}): Promise<ImageTagsConfig> {
  const raw = (name: string) => ({ 'tag-prefix': 'v', ...given })[name] ?? '';
  return getInputs({ read: (name) => raw(name).trim(), readUntrimmed: raw, github: () => ({ ...GITHUB, ...github }) });
}

interface Recorded {
  groups: LogGroup[];
  debug: string[];
  bakeFiles: BakeFile[];
  api: string[];
  git: string[][];
  listed: string[];
}

function fakeDeps(
  over: Partial<FlowDeps> & { debug?: boolean; api?: Partial<RepoApi>; tree?: Record<string, DirEntryLike[]> } = {},
): FlowDeps & { seen: Recorded } {
  const seen: Recorded = { groups: [], debug: [], bakeFiles: [], api: [], git: [], listed: [] };
  const api: RepoApi = {
    getRepo:
      over.api?.getRepo ??
      (async (owner, repo) => (
        seen.api.push(`repo ${owner}/${repo}`),
        { name: repo, description: 'From the API', html_url: `https://github.com/${owner}/${repo}`, license: { spdx_id: 'Apache-2.0' } }
      )),
    getCommitDate: over.api?.getCommitDate ?? (async (_o, _r, sha) => (seen.api.push(`commit ${sha.slice(0, 7)}`), '2024-03-07T22:15:30Z')),
  };
  const tree = over.tree ?? {};
  return {
    seen,
    env: { GITHUB_REF: 'refs/tags/v1.2.3-rc.1', GITHUB_SHA: SHA, GITHUB_EVENT_NAME: 'push' },
    git: async (args) => {
      seen.git.push(args);
      throw Object.assign(new Error('not a git repository'), { stderr: 'fatal: not a git repository' });
    },
    readdir: async (dir) => {
      seen.listed.push(dir);
      const entries = tree[dir];
      if (!entries) throw Object.assign(new Error(`ENOENT: ${dir}`), { code: 'ENOENT' });
      return entries;
    },
    repoApi: async () => api,
    apiRetry: { sleep: async () => {}, log: () => {} },
    now: () => NOW,
    writeBakeFiles: (files) => {
      seen.bakeFiles.push(...files);
      return new Map(files.map((f) => [f.output, `/runner/temp/${f.fileName}`]));
    },
    log: {
      debug: (m) => seen.debug.push(m),
      isDebug: () => over.debug ?? false,
      group: async (g) => void seen.groups.push(g),
    },
    ...over,
  };
}

const dir = (name: string): DirEntryLike => ({ name, isDirectory: () => true });

describe('getInputs', () => {
  test('every input validated into one config: defaults, rules, kind, separators untrimmed', async () => {
    const config = await configFor({ services: 'core payments', 'sep-tags': ' ', kind: 'cli', 'github-token': '' });
    expect(config.values).toMatchObject({
      services: ['core', 'payments'],
      kind: 'cli',
      pin: 'sha-{sha7}',
      context: 'workflow',
      latestPolicy: 'stable-only',
      majorZero: 'keep',
      githubToken: '',
      tagPrefix: 'v',
    });
    expect(config.separators).toEqual({ tags: ' ', labels: '', annotations: '' });
    expect(config.kind).toEqual({ template: 'cli_{name}', stripPrefix: 'cli_' });
    expect([...config.environments.byChannel]).toEqual([
      ['alpha', 'development'],
      ['beta', 'development'],
      ['rc', 'staging'],
      ['release', 'production'],
    ]);
    expect(config.branches).toEqual([]);
    expect(config.github).toEqual(GITHUB);
  });

  test('by default from the runner: INPUT_* (separators untrimmed) and the GITHUB_* context', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        INPUT_SERVICES: ' core ',
        'INPUT_SEP-TAGS': ' ',
        'INPUT_TAG-PREFIX': 'v',
        GITHUB_REPOSITORY: 'example-org/backend',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_WORKSPACE: '/ws',
      });
      delete process.env.GITHUB_EVENT_PATH;
      const config = await getInputs();
      expect([config.values.services, config.separators.tags, config.github.repository, config.github.workspace]).toEqual([
        ['core'],
        ' ',
        'example-org/backend',
        '/ws',
      ]);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  test.each<[string, Record<string, string>, string]>([
    ['an unknown kind', { kind: 'svc' }, 'Input "kind": "svc" is neither a known kind nor a template'],
    ['an unknown context', { context: 'tree' }, 'Input "context"'],
    ['an environment rule without "="', { environments: `${DEFAULT_ENVIRONMENT_RULES}\nnonsense` }, 'Input "environments"'],
    ['a latest policy that does not exist', { 'latest-policy': 'always' }, 'Input "latest-policy"'],
  ])('refuses %s before anything runs', async (_what, given, message) => {
    const problem = await configFor(given).catch((error: unknown) => error);
    expect(problem).toBeInstanceOf(InputError);
    expect((problem as Error).message).toContain(message);
  });
});

describe('runImageTags: phases through fake services', () => {
  test("seed naming on an rc tag: metadata-action's groups, outputs with the bake paths, variables, summary; no API without a token", async () => {
    const deps = fakeDeps();
    const run = await runImageTags(await configFor({ services: 'core payments', registry: ECR, 'github-token': '' }), deps);
    expect(deps.seen.groups.map((g) => g.title)).toEqual([
      'Context info',
      'Docker image version',
      'Docker tags',
      'Pin',
      'Docker labels',
      'Annotations',
    ]);
    expect(deps.seen.groups[0]!.lines).toEqual([
      'eventName: push',
      `sha: ${SHA}`,
      'ref: refs/tags/v1.2.3-rc.1',
      'commitDate: (none, the current time is used)',
    ]);
    expect(deps.seen.groups[2]!.lines).toEqual([
      `${ECR}/ms_core:v1.2.3-rc.1`,
      `${ECR}/ms_core:sha-fedcba9`,
      `${ECR}/ms_payments:v1.2.3-rc.1`,
      `${ECR}/ms_payments:sha-fedcba9`,
    ]);
    expect(run.outputs).toMatchObject({
      version: 'v1.2.3-rc.1',
      pin: `${ECR}/ms_core:sha-fedcba9\n${ECR}/ms_payments:sha-fedcba9`,
      'bake-file': '/runner/temp/docker-metadata-action-bake.json',
    });
    expect(deps.seen.bakeFiles.map((f) => f.output)).toEqual(['bake-file-tags', 'bake-file-labels', 'bake-file-annotations', 'bake-file']);
    expect(run.exportEnv).toMatchObject({
      DOCKER_METADATA_OUTPUT_VERSION: 'v1.2.3-rc.1',
      DOCKER_METADATA_OUTPUT_BAKE_FILE: '/runner/temp/docker-metadata-action-bake.json',
    });
    expect(run.exportEnv).not.toHaveProperty('DOCKER_METADATA_OUTPUT_PIN');
    expect(run.warnings).toEqual([
      "github-token is empty: the OCI labels and annotations use the event payload's repository (description, license, URL), not the GitHub API.",
    ]);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the payload');
    expect(run.summary.sections?.[0]).toContain('**repository facts:** event payload (github-token is empty)');
    expect(run.summary.table?.rows.map((r) => r[0])).toEqual(['core', 'payments']);
    expect(deps.seen.api).toEqual([]);
    expect(deps.seen.debug).toEqual([]);
  });

  test("with a token: the API's repository facts replace the payload's (the engine runs again)", async () => {
    const deps = fakeDeps();
    const run = await runImageTags(await configFor({ services: 'core', registry: ECR, 'github-token': 'ghs_x' }), deps);
    expect(deps.seen.api).toEqual(['repo example-org/backend']);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the API');
    expect(run.result.labels).toContain('org.opencontainers.image.licenses=Apache-2.0');
    expect(run.warnings).toEqual([]);
    expect(run.summary.sections?.[0]).toContain('**repository facts:** GitHub API (example-org/backend)');
  });

  test('{{commit_date}} with no date in the payload asks the API for it; its absence is a debug line, not a warning', async () => {
    const deps = fakeDeps();
    const withDate = await runImageTags(
      await configFor({
        images: 'user/app',
        tags: "type=raw,value={{commit_date 'YYYYMMDD-HHmm' tz='Asia/Tokyo'}}",
        'github-token': 'ghs_x',
      }),
      deps,
    );
    expect(deps.seen.api).toEqual(['repo example-org/backend', 'commit fedcba9']);
    expect(withDate.result.tagNames).toEqual(['20240308-0715']);
    const none = fakeDeps({ api: { getCommitDate: async () => undefined } });
    const clock = await runImageTags(
      await configFor({ images: 'user/app', tags: "type=raw,value={{commit_date 'YYYYMMDD'}}", 'github-token': 'ghs_x' }),
      none,
    );
    expect(clock.result.tagNames).toEqual(['20240308']);
    expect(none.seen.debug).toEqual([
      'No commit date from the GitHub API (the commit has no committer date); {{commit_date}} uses the current time.',
    ]);
  });

  test.each<[string, Partial<FlowDeps> & { api?: Partial<RepoApi> }, Partial<WorkflowContext>, string]>([
    [
      'the client refuses GITHUB_API_URL',
      { repoApi: async () => Promise.reject(new ActionError('GITHUB_API_URL http://api.example.com is plain http')) },
      {},
      'Could not read example-org/backend from the GitHub API at https://api.github.com (GITHUB_API_URL http://api.example.com is plain http)',
    ],
    [
      'the API answers 404',
      { api: { getRepo: async () => Promise.reject(Object.assign(new Error('Not Found'), { status: 404 })) } },
      {},
      'Could not read example-org/backend from the GitHub API at https://api.github.com (HTTP 404: Not Found)',
    ],
    ['GITHUB_REPOSITORY is not set', {}, { owner: '', repo: '', repository: '' }, 'GITHUB_REPOSITORY is not set'],
  ])("the API is optional: %s is a warning and the payload's facts", async (_what, over, github, warning) => {
    const run = await runImageTags(await configFor({ services: 'core', registry: ECR, 'github-token': 'ghs_x' }, github), fakeDeps(over));
    expect(run.warnings).toEqual([expect.stringContaining(warning)]);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the payload');
    expect(run.summary.sections?.[0]).toContain('**repository facts:** event payload');
  });

  test('an unexpected failure of the API client is not swallowed', async () => {
    const deps = fakeDeps({ repoApi: async () => Promise.reject(new TypeError('bug')) });
    await expect(runImageTags(await configFor({ services: 'core', registry: ECR, 'github-token': 'ghs_x' }), deps)).rejects.toThrow('bug');
  });

  test('a bad tag rule fails in the plan: before the API is asked or a file is written', async () => {
    const deps = fakeDeps();
    const config = await configFor({ images: 'user/app', tags: 'type=semvr,pattern={{version}}', 'github-token': 'ghs_x' });
    await expect(runImageTags(config, deps)).rejects.toThrow('Input "tags": line 1: unknown type "semvr"');
    expect([deps.seen.api, deps.seen.bakeFiles]).toEqual([[], []]);
  });

  test('context: git reads the checkout through the git service; its failure names the fix', async () => {
    const answers: Record<string, string> = {
      'rev-parse HEAD': SHA,
      'branch --show-current': '',
      'show -s --pretty=%D HEAD': 'HEAD, tag: v2.0.0',
      remote: 'origin',
      'show -s --format=%cI HEAD': '2024-03-07T22:15:30+00:00',
    };
    const deps = fakeDeps({ git: async (args) => answers[args.join(' ')] ?? '' });
    const run = await runImageTags(await configFor({ images: 'user/app', context: 'git', 'github-token': '' }), deps);
    expect(deps.seen.groups[0]!.lines).toEqual([
      'eventName: push',
      `sha: ${SHA}`,
      'ref: refs/tags/v2.0.0',
      'commitDate: 2024-03-07T22:15:30.000Z',
    ]);
    expect(run.result.tagNames).toEqual(['v2.0.0', 'latest']);
    const broken = fakeDeps();
    await expect(runImageTags(await configFor({ images: 'user/app', context: 'git' }), broken)).rejects.toThrow(
      'context: git could not read the checkout (git rev-parse HEAD failed)',
    );
    expect(broken.seen.groups).toEqual([]);
  });

  test('services-from lists the workspace through the directory service; the kind prefix is removed once', async () => {
    const deps = fakeDeps({
      tree: {
        '/work': [dir('bin_arm64')],
        '/work/bin_arm64': [dir('ms')],
        '/work/bin_arm64/ms': [dir('ms_core'), dir('ms_chat'), dir('.hidden')],
      },
    });
    const run = await runImageTags(
      await configFor({ 'services-from': 'bin_arm64/ms/*', services: 'core', registry: ECR, 'github-token': '' }),
      deps,
    );
    expect(run.result.services.map((s) => s.image)).toEqual([`${ECR}/ms_core`, `${ECR}/ms_chat`]);
    expect(deps.seen.debug).toEqual([
      'services-from bin_arm64/ms/*: bin_arm64/ms/ms_chat → chat',
      'services-from bin_arm64/ms/*: bin_arm64/ms/ms_core → core',
    ]);
    await expect(runImageTags(await configFor({ 'services-from': 'cmd/ms/*', registry: ECR }), fakeDeps())).rejects.toThrow(
      'Input "services-from": pattern "cmd/ms/*" matched nothing under /work',
    );
  });

  test('debug logging adds the explain lines (and says when seed naming did not use the rules); without it none are built', async () => {
    const debug = fakeDeps({ debug: true });
    await runImageTags(await configFor({ services: 'core', registry: ECR, 'github-token': '' }), debug);
    expect(debug.seen.debug[0]).toBe('explain: the tag rules below were evaluated but not used: seed naming with a tag and no tags input');
    expect(debug.seen.debug).toContain('explain: mode: seed naming (services)');
    const metadata = fakeDeps({ debug: true });
    await runImageTags(
      await configFor({ images: 'user/app', tags: 'type=ref,event=branch\ntype=semver,pattern={{version}}', 'github-token': '' }),
      metadata,
    );
    expect(metadata.seen.debug).toEqual([
      'explain: mode: metadata-action (images/tags)',
      'explain: ✓ type=semver,pattern={{version}},value=,match=,enable=true,priority=900 (line 2) → 1.2.3-rc.1',
      'explain: ✗ type=ref,event=branch,enable=true,priority=600 (line 1): ref refs/tags/v1.2.3-rc.1 is not a branch',
      expect.stringContaining('explain: latest: no — '),
      'explain: pin: sha-fedcba9 (template sha-{sha7})',
    ]);
    const quiet = fakeDeps();
    await runImageTags(await configFor({ images: 'user/app', 'github-token': '' }), quiet);
    expect(quiet.seen.debug).toEqual([]);
  });

  test('DOCKER_METADATA_SET_OUTPUT_ENV=false exports nothing; DOCKER_METADATA_PR_HEAD_SHA reaches the context', async () => {
    const off = fakeDeps();
    off.env = { ...off.env, DOCKER_METADATA_SET_OUTPUT_ENV: 'false' };
    expect((await runImageTags(await configFor({ images: 'user/app', 'github-token': '' }), off)).exportEnv).toEqual({});
    const pr = fakeDeps();
    pr.env = { GITHUB_REF: 'refs/pull/15/merge', GITHUB_SHA: SHA, GITHUB_EVENT_NAME: 'pull_request', DOCKER_METADATA_PR_HEAD_SHA: 'true' };
    const prPayload = { ...PAYLOAD, pull_request: { number: 15, head: { sha: '0123456789abcdef0123456789abcdef01234567' } } };
    const run = await runImageTags(
      await configFor({ images: 'user/app', tags: 'type=sha', 'github-token': '' }, { eventName: 'pull_request', payload: prPayload }),
      pr,
    );
    expect(run.result.tagNames).toEqual(['sha-0123456']);
  });

  test("nothing generated: metadata-action's two warnings", async () => {
    const deps = fakeDeps();
    deps.env = { GITHUB_REF: 'refs/heads/feature', GITHUB_SHA: SHA, GITHUB_EVENT_NAME: 'push' };
    const run = await runImageTags(await configFor({ images: 'user/app', tags: 'type=ref,event=tag', 'github-token': '' }), deps);
    expect(run.warnings.slice(1)).toEqual([
      'No Docker image version has been generated. Check tags input.',
      'No Docker tag has been generated. Check tags input.',
    ]);
    expect(deps.seen.groups.find((g) => g.title === 'Docker image version')?.lines).toEqual(['(none)']);
  });
});

describe('repository facts from the event payload (issue 18): no API request when a push or pull-request payload has them', () => {
  const FULL = { ...PAYLOAD.repository, full_name: 'example-org/backend' };

  test.each<[string, string, Record<string, unknown>, string, boolean]>([
    ['a push payload of this repository', 'push', FULL, 'example-org/backend', true],
    ['the same, the repository named in other case', 'push', FULL, 'Example-Org/Backend', true],
    ['a pull_request payload of this repository (its base repository)', 'pull_request', FULL, 'example-org/backend', true],
    ['a pull_request_target payload of this repository', 'pull_request_target', FULL, 'example-org/backend', true],
    [
      'a pull_request payload without the license key',
      'pull_request',
      (({ license: _l, ...rest }) => rest)(FULL),
      'example-org/backend',
      false,
    ],
    ['a pull_request payload of another repository', 'pull_request', FULL, 'example-org/other', false],
    [
      'a pull_request_review payload (not widened: the events named are those checked)',
      'pull_request_review',
      FULL,
      'example-org/backend',
      false,
    ],
    [
      'a license object and no description',
      'push',
      { ...FULL, description: null, license: { spdx_id: 'MIT' } },
      'example-org/backend',
      true,
    ],
    ['another event (workflow_dispatch)', 'workflow_dispatch', FULL, 'example-org/backend', false],
    ['a payload of another repository', 'push', FULL, 'example-org/other', false],
    ['no full_name', 'push', PAYLOAD.repository, 'example-org/backend', false],
    ['no description key', 'push', (({ description: _d, ...rest }) => rest)(FULL), 'example-org/backend', false],
    ['no license key', 'push', (({ license: _l, ...rest }) => rest)(FULL), 'example-org/backend', false],
    ['no default branch', 'push', { ...FULL, default_branch: '' }, 'example-org/backend', false],
    ['a description of another type', 'push', { ...FULL, description: 5 }, 'example-org/backend', false],
    ['GITHUB_REPOSITORY empty', 'push', FULL, '', false],
  ])('%s', (_what, eventName, repository, named, complete) => {
    const info = repoInfoIfComplete(eventName, { repository }, named);
    expect(info !== undefined).toBe(complete);
    if (complete) expect(info).toEqual(repoInfoFromPayload({ repository }));
  });

  test('with a token, a push payload of this repository: no API client, no request; the labels are the payload facts', async () => {
    let clients = 0;
    const deps = fakeDeps();
    const made = deps.repoApi;
    deps.repoApi = async (token) => (clients++, made(token));
    const run = await runImageTags(
      await configFor({ services: 'core', registry: ECR, 'github-token': 'ghs_x' }, { payload: { repository: FULL } }),
      deps,
    );
    expect(clients).toBe(0);
    expect(deps.seen.api).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the payload');
    expect(run.summary.sections?.[0]).toContain(
      "**repository facts:** event payload (the push event carries example-org/backend's description, license, URL and default branch)",
    );
  });

  test('{{commit_date}} the payload lacks: only the commit is asked for; a failure there is a debug line, not a warning', async () => {
    const deps = fakeDeps();
    const config = await configFor(
      { images: 'user/app', tags: "type=raw,value={{commit_date 'YYYYMMDD-HHmm'}}", 'github-token': 'ghs_x' },
      { payload: { repository: FULL } },
    );
    const run = await runImageTags(config, deps);
    expect(deps.seen.api).toEqual(['commit fedcba9']);
    expect(run.result.tagNames).toEqual(['20240307-2215']);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the payload');
    const failing = fakeDeps({
      api: { getCommitDate: async () => Promise.reject(Object.assign(new Error('Not Found'), { status: 404 })) },
    });
    const clock = await runImageTags(config, failing);
    expect(clock.warnings).toEqual([]);
    expect(clock.result.tagNames).toEqual(['20240308-1000']);
    expect(failing.seen.debug).toEqual([
      'No commit date from the GitHub API (HTTP 404: Not Found); {{commit_date}} uses the current time.',
    ]);
  });

  test('a pull_request payload of this repository, with a token: no API client, no request; {{commit_date}} asks the commit only', async () => {
    const prEnv = { GITHUB_REF: 'refs/pull/15/merge', GITHUB_SHA: SHA, GITHUB_EVENT_NAME: 'pull_request' };
    const payload = { number: 15, pull_request: { number: 15, base: { ref: 'main' } }, repository: FULL };
    let clients = 0;
    const deps = fakeDeps();
    deps.env = prEnv;
    const made = deps.repoApi;
    deps.repoApi = async (token) => (clients++, made(token));
    const run = await runImageTags(
      await configFor({ images: 'user/app', tags: 'type=ref,event=pr', 'github-token': 'ghs_x' }, { eventName: 'pull_request', payload }),
      deps,
    );
    expect(clients).toBe(0);
    expect(deps.seen.api).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect(run.result.tagNames).toEqual(['pr-15']);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the payload');
    expect(run.summary.sections?.[0]).toContain(
      "**repository facts:** event payload (the pull_request event carries example-org/backend's description, license, URL and default branch)",
    );
    const dated = fakeDeps();
    dated.env = prEnv;
    const withDate = await runImageTags(
      await configFor(
        { images: 'user/app', tags: "type=raw,value={{commit_date 'YYYYMMDD-HHmm'}}", 'github-token': 'ghs_x' },
        { eventName: 'pull_request', payload },
      ),
      dated,
    );
    expect(dated.seen.api).toEqual(['commit fedcba9']);
    expect(withDate.result.tagNames).toEqual(['20240307-2215']);
    expect(withDate.result.labels).toContain('org.opencontainers.image.description=From the payload');
  });

  test('a pull_request payload without the license key: the API is asked once, and its answer is used', async () => {
    const deps = fakeDeps();
    deps.env = { GITHUB_REF: 'refs/pull/15/merge', GITHUB_SHA: SHA, GITHUB_EVENT_NAME: 'pull_request' };
    const { license: _license, ...repository } = FULL;
    const run = await runImageTags(
      await configFor(
        { images: 'user/app', tags: 'type=ref,event=pr', 'github-token': 'ghs_x' },
        { eventName: 'pull_request', payload: { number: 15, repository } },
      ),
      deps,
    );
    expect(deps.seen.api).toEqual(['repo example-org/backend']);
    expect(run.result.labels).toContain('org.opencontainers.image.description=From the API');
    expect(run.summary.sections?.[0]).toContain('**repository facts:** GitHub API (example-org/backend)');
  });

  test('a push payload with the commit (head_commit) and the repository: nothing asked even for {{commit_date}}', async () => {
    const deps = fakeDeps();
    const payload = { repository: FULL, head_commit: { id: SHA, timestamp: '2024-03-01T08:00:00Z' } };
    const run = await runImageTags(
      await configFor({ images: 'user/app', tags: "type=raw,value={{commit_date 'YYYYMMDD'}}", 'github-token': 'ghs_x' }, { payload }),
      deps,
    );
    expect(deps.seen.api).toEqual([]);
    expect(run.result.tagNames).toEqual(['20240301']);
  });
});
