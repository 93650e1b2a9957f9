/**
 * main.ts's logic that is not plain wiring: the engine's inputs from the action's inputs, the
 * release defaults, the API facts (with a fake RepoApi and an injected sleep), the explain table
 * and summary, the optional modules, the fast paths that skip csv-parse and ICU's collator (checked
 * against the real thing), and `context: git`'s ref detection.
 */
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import { ActionError, DEFAULT_ENVIRONMENT_RULES, parseBranchRules, parseEnvironmentRules, parseMap } from '@deploy-kit/core';

import { gitContext, refFromDecorations, type GitRunner } from '../src/gitcontext.js';
import { computeImageTags, type ImageTagsResult } from '../src/engine.js';
import { parseFields, parseListInput, plainListInput } from '../src/list.js';
import { compareKeys } from '../src/meta.js';
import { csvParse, loadOptionalModules, OptionalModuleMissing, withOptionalModules } from '../src/optional.js';
import { API_LIMITS, fetchRepoFacts, type RepoApi } from '../src/repoapi.js';
import {
  buildSummary,
  engineInputs,
  explainRows,
  mergeServices,
  optionalModulesFor,
  outputsWithBakePaths,
  releaseDefaults,
  repoInfoFromApi,
  resultWarnings,
  rulesApply,
  usesCommitDate,
  type WiringValues,
} from '../src/wiring.js';

const SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const NOW = new Date('2024-03-08T10:00:00.000Z');
const RULES = {
  tagPrefix: 'v',
  environments: parseEnvironmentRules(parseMap('environments', DEFAULT_ENVIRONMENT_RULES)),
  branches: parseBranchRules({ main: 'staging' }),
};
const PAYLOAD = {
  repository: {
    name: 'backend',
    html_url: 'https://github.com/example-org/backend',
    default_branch: 'main',
    description: 'Backend services',
    license: null,
  },
};

function values(over: Partial<WiringValues> = {}): WiringValues {
  return {
    services: [],
    kind: 'ms',
    registry: '',
    tag: '',
    pin: 'sha-{sha7}',
    pinInTags: false,
    images: '',
    tags: '',
    flavor: '',
    labels: '',
    annotations: '',
    bakeTarget: 'docker-metadata-action',
    ...over,
  };
}
const SEPS = { tags: '', labels: '', annotations: '' };

// First, while neither module is loaded in this file's module registry.
describe('optional modules', () => {
  test('withOptionalModules loads a missing module and runs the computation again', async () => {
    expect(() => csvParse()).toThrow(OptionalModuleMissing);
    const compute = jest.fn(() => parseListInput('type=match,"pattern=\\d{1,3}"', 'tags'));
    await expect(withOptionalModules(compute)).resolves.toEqual([{ value: 'type=match,"pattern=\\d{1,3}"', line: 1 }]);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  test('a computation that needs several optional modules gets them one by one, with the same result', async () => {
    let calls = 0;
    const ctx = { eventName: 'push', ref: 'refs/tags/1.2.3rc2', sha: SHA, payload: PAYLOAD };
    const compute = () => {
      calls++;
      return computeImageTags({ tags: parseListInput("type=pep440,pattern={{version}}\ntype=raw,value={{date 'YYYY'}}", 'tags') }, ctx, {
        now: NOW,
      });
    };
    const result = await withOptionalModules(compute);
    expect(result.tagNames).toEqual(['1.2.3rc2', '2024']);
    expect(calls).toBeGreaterThan(2); // pep440, semver and datefmt were each missing once
    expect(compute().tagNames).toEqual(result.tagNames);
  });

  test('errors other than a missing module pass through, once', async () => {
    const compute = jest.fn(() => {
      throw new Error('boom');
    });
    await expect(withOptionalModules(compute)).rejects.toThrow('boom');
    expect(compute).toHaveBeenCalledTimes(1);
  });

  test.each<[string, Partial<WiringValues> & { knownVersions?: string[] }, string, boolean | undefined, string[]]>([
    ['typical seed run on a prerelease tag', { services: ['core'] }, 'refs/tags/v1.2.3-rc.1', true, []],
    ['a release tag needs semver', { services: ['core'] }, 'refs/tags/v1.2.3', false, ['semver']],
    ['a branch push', { images: 'user/app' }, 'refs/heads/main', undefined, []],
    ['quoted attribute', { tags: 'type=match,"pattern=\\d{1,3}"' }, 'refs/heads/main', undefined, ['csv-parse', 'pep440', 'semver']],
    ['carriage return', { labels: 'a=b\r\nc=d' }, 'refs/heads/main', undefined, ['csv-parse']],
    ['pep440 rule', { tags: 'type=pep440,pattern={{version}}' }, 'refs/heads/main', undefined, ['pep440', 'semver']],
    ['semver rule', { tags: 'type=semver,pattern={{version}}' }, 'refs/heads/main', undefined, ['semver']],
    ['known versions', { knownVersions: ['v1.0.0'] }, 'refs/heads/main', undefined, ['semver']],
    ['tag without X.Y.Z', {}, 'refs/tags/sometag', false, ['pep440', 'semver']],
    ['date expressions', { tags: "type=schedule,pattern={{date 'YYYYMMDD'}}" }, 'refs/heads/main', undefined, ['datefmt']],
    ['a time zone in a label', { labels: "built={{commit_date 'YYYY' tz='Asia/Tokyo'}}" }, 'refs/heads/main', undefined, ['datefmt']],
  ])('optionalModulesFor: %s', (_n, over, ref, isPrerelease, expected) => {
    expect(
      optionalModulesFor(
        { ...values(over), knownVersions: over.knownVersions },
        ref,
        isPrerelease === undefined ? undefined : { isPrerelease },
      ),
    ).toEqual(expected);
  });
});

describe('fast paths give exactly what the slow paths give', () => {
  const alphabet = ['a', 'b', '#', ',', ' ', '\n', '=', '{', '}', 'x', '.', '-'];
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

  test('plainListInput equals csv-parse for 2000 inputs without quotes', async () => {
    await loadOptionalModules(['csv-parse']);
    const next = random(42);
    for (let i = 0; i < 2000; i++) {
      let raw = '';
      const length = Math.floor(next() * 30);
      for (let j = 0; j < length; j++) raw += alphabet[Math.floor(next() * alphabet.length)];
      if (raw === '') continue;
      const slow = csvParse()(raw, {
        columns: false,
        relaxQuotes: true,
        comment: '#',
        comment_no_infix: true,
        relaxColumnCount: true,
        skipEmptyLines: true,
        info: true,
      }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
      const expected = slow.map(({ record, info }) => ({ value: record.join(',').trim(), line: info.lines })).filter((e) => e.value !== '');
      expect([raw, plainListInput(raw)]).toEqual([raw, expected]);
      expect(parseListInput(raw, 'tags')).toEqual(expected);
    }
  });

  test.each(['type=semver,pattern={{version}}', 'a,,b', ',', 'x', '  spaced , out  ', 'type=raw,value=a=b'])(
    'parseFields(%p) equals csv-parse',
    (value) => {
      const rows = csvParse()(value, { relaxColumnCount: true, skipEmptyLines: true }) as string[][];
      expect(parseFields({ value, line: 1 }, 'tags', 'x')).toEqual(rows[0] ?? []);
    },
  );

  test('compareKeys orders like localeCompare for [a-z0-9.] keys, and falls back otherwise', () => {
    const next = random(7);
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789.';
    const word = () => Array.from({ length: Math.floor(next() * 10) }, () => chars[Math.floor(next() * chars.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const [a, b] = [word(), word()];
      expect([a, b, Math.sign(compareKeys(a, b, { LANG: 'C.UTF-8' }))]).toEqual([a, b, Math.sign(a.localeCompare(b))]);
    }
    // '_' sorts before '-' for the collator, not by code point: such keys take localeCompare.
    expect(Math.sign(compareKeys('a_b', 'a-b'))).toBe(Math.sign('a_b'.localeCompare('a-b')));
    expect(Math.sign(compareKeys('B', 'a'))).toBe(Math.sign('B'.localeCompare('a')));
    // Another collation locale: always localeCompare (Danish sorts "aa" after "z").
    const spy = jest.spyOn(String.prototype, 'localeCompare');
    compareKeys('aa', 'z', { LANG: 'da_DK.UTF-8' });
    compareKeys('aa', 'z', { LANG: 'en_US.UTF-8' });
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('engineInputs', () => {
  test('list inputs keep their line numbers; separators pass through untrimmed', () => {
    const inputs = engineInputs(
      values({ images: 'ghcr.io/o/app', tags: 'type=sha\n\n# comment\ntype=ref,event=tag', flavor: 'latest=false' }),
      { tags: ' ', labels: ',', annotations: '' },
      [],
      'v1.2.3',
    );
    expect(inputs.tags).toEqual([
      { value: 'type=sha', line: 1 },
      { value: 'type=ref,event=tag', line: 4 },
    ]);
    expect(inputs.images).toEqual([{ value: 'ghcr.io/o/app', line: 1 }]);
    expect([inputs.sepTags, inputs.sepLabels, inputs.sepAnnotations]).toEqual([' ', ',', '']);
    // metadata-action mode: the default tag is not used (the engine would warn about it)
    expect(inputs.tag).toBe('');
  });

  test.each<[string, Partial<WiringValues>, string[], string, string]>([
    ['seed: default tag from the run', { services: ['core'] }, [], 'v1.2.3', 'v1.2.3'],
    ['seed: the input wins', { services: ['core'], tag: 'v9.9.9' }, [], 'v1.2.3', 'v9.9.9'],
    ['seed from discovery only', {}, ['core'], 'v1.2.3', 'v1.2.3'],
    ['branch: no default tag', { services: ['core'] }, [], '', ''],
  ])('%s', (_n, over, discovered, defaultTag, expected) => {
    expect(engineInputs(values(over), SEPS, discovered, defaultTag).tag).toBe(expected);
  });

  test('listed services come first, discovered ones are added once', () => {
    expect(mergeServices(['core', ' chat '], ['payments', 'core', 'chat'])).toEqual(['core', 'chat', 'payments']);
    expect(mergeServices([], [])).toEqual([]);
  });
});

describe('releaseDefaults (parse-version rules, lenient)', () => {
  test.each<[string, string, Record<string, unknown>]>([
    ['rc tag', 'refs/tags/v1.2.3-rc.1', { tag: 'v1.2.3-rc.1', release: { channel: 'rc', environment: 'staging', isPrerelease: true } }],
    ['release tag', 'refs/tags/v1.2.3', { tag: 'v1.2.3', release: { channel: 'release', environment: 'production', isProduction: true } }],
    [
      'tag that is not a release: its name, no environment',
      'refs/tags/sometag',
      { tag: 'sometag', release: { channel: '', environment: '' } },
    ],
    ['branch with a rule', 'refs/heads/main', { tag: '', release: { channel: 'branch', environment: 'staging', version: 'main-0a1b2c3' } }],
    ['pull request', 'refs/pull/15/merge', { tag: '', release: { channel: 'pr', environment: '' } }],
  ])('%s', (_n, ref, expected) => {
    expect(releaseDefaults(ref, SHA, RULES)).toMatchObject(expected);
  });

  test('a ref with no version is not an error here', () => {
    const d = releaseDefaults('refs/notes/x', SHA, RULES);
    expect(d.release).toBeUndefined();
    expect(d.tag).toBe('');
    expect(d.note).toContain('no release info for ref "refs/notes/x"');
  });
});

describe('repository facts', () => {
  test.each<[unknown, Record<string, unknown>]>([
    [
      { name: 'backend', description: 'd', html_url: 'https://x', default_branch: 'main', license: { key: 'mit', spdx_id: 'MIT' }, id: 1 },
      { name: 'backend', description: 'd', html_url: 'https://x', default_branch: 'main', license: { spdx_id: 'MIT' } },
    ],
    [
      { name: 'backend', description: null, license: null },
      { name: 'backend', description: null, license: null },
    ],
    ['not an object', {}],
    [null, {}],
  ])('repoInfoFromApi(%p)', (data, expected) => {
    expect(repoInfoFromApi(data)).toEqual(expect.objectContaining(expected));
  });

  const request = { owner: 'example-org', repo: 'backend', sha: SHA, commitDate: false };
  const noWait = { sleep: async () => {}, log: () => {} };

  function fakeApi(over: Partial<RepoApi> = {}): RepoApi & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      getRepo:
        over.getRepo ??
        (async (owner, repo) => (
          calls.push(`repo ${owner}/${repo}`),
          { name: repo, description: 'From the API', html_url: `https://github.com/${owner}/${repo}`, license: { spdx_id: 'Apache-2.0' } }
        )),
      getCommitDate: over.getCommitDate ?? (async (_o, _r, sha) => (calls.push(`commit ${sha}`), '2024-03-07T22:15:30Z')),
    };
  }

  test('the API answers: repository facts, and the commit date only when asked', async () => {
    const api = fakeApi();
    const facts = await fetchRepoFacts(api, request, noWait);
    expect(facts.repo).toMatchObject({ name: 'backend', description: 'From the API', license: { spdx_id: 'Apache-2.0' } });
    expect(facts.commitDate).toBeUndefined();
    expect(api.calls).toEqual(['repo example-org/backend']);
    const withDate = await fetchRepoFacts(fakeApi(), { ...request, commitDate: true }, noWait);
    expect(withDate.commitDate?.toISOString()).toBe('2024-03-07T22:15:30.000Z');
  });

  test('a 404 is not retried; the problem names the status', async () => {
    const getRepo = jest.fn(async () => {
      throw Object.assign(new Error('Not Found'), { status: 404 });
    });
    const facts = await fetchRepoFacts(fakeApi({ getRepo }), request, noWait);
    expect(facts.repo).toBeUndefined();
    expect(facts.problem).toBe('HTTP 404: Not Found');
    expect(getRepo).toHaveBeenCalledTimes(1);
  });

  test('connection errors are retried a bounded number of times, then reported', async () => {
    const getRepo = jest.fn(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { status: 500, cause: { code: 'ECONNREFUSED' } });
    });
    const sleep = jest.fn(async (_ms: number) => {});
    const facts = await fetchRepoFacts(fakeApi({ getRepo }), request, { sleep, log: () => {} });
    expect(getRepo).toHaveBeenCalledTimes(API_LIMITS.attempts);
    expect(sleep).toHaveBeenCalledTimes(API_LIMITS.attempts - 1);
    for (const [ms] of sleep.mock.calls) expect(ms).toBeLessThanOrEqual(API_LIMITS.maxDelayMs);
    expect(facts.problem).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  test('each attempt gets an abort signal with the timeout', async () => {
    const signals: AbortSignal[] = [];
    await fetchRepoFacts(fakeApi({ getRepo: async (_o, repo, signal) => (signals.push(signal), { name: repo }) }), request, noWait);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  test('an answer without a name is not used', async () => {
    const facts = await fetchRepoFacts(fakeApi({ getRepo: async () => ({}) }), request, noWait);
    expect(facts.repo).toBeUndefined();
    expect(facts.problem).toBe('the answer has no repository name');
  });

  test('a failing commit call leaves the repository facts alone', async () => {
    const facts = await fetchRepoFacts(
      fakeApi({
        getCommitDate: async () => {
          throw Object.assign(new Error('No commit found for SHA'), { status: 422 });
        },
      }),
      { ...request, commitDate: true },
      noWait,
    );
    expect(facts.repo?.name).toBe('backend');
    expect(facts.commitDateProblem).toBe('HTTP 422: No commit found for SHA');
  });

  test.each([
    ["{{commit_date 'YYYYMMDD'}}", true],
    ['type=schedule,pattern={{date "YYYYMMDD"}}', false],
    ['', false],
  ])('usesCommitDate(%p) is %p', (raw, expected) => {
    expect(usesCommitDate('', raw as string)).toBe(expected);
  });
});

describe('outputs, warnings, explain and summary', () => {
  beforeAll(() => loadOptionalModules());
  const ctx = { eventName: 'push', ref: 'refs/tags/v1.2.3-rc.1', sha: SHA, payload: PAYLOAD };
  const rc = releaseDefaults(ctx.ref, SHA, RULES).release!;
  function compute(over: Partial<WiringValues>, defaultTag = ''): { result: ImageTagsResult; applied: boolean } {
    const inputs = engineInputs(values(over), SEPS, [], defaultTag);
    const result = computeImageTags(inputs, ctx, { now: NOW, releaseInfo: rc });
    return { result, applied: rulesApply(result, inputs) };
  }

  test('the bake-file outputs become the written paths', () => {
    const { result } = compute({ images: 'ghcr.io/o/app' });
    const paths = new Map(result.bakeFiles.map((f) => [f.output, `/runner/temp/${f.fileName}`] as const));
    const all = outputsWithBakePaths(result, paths);
    expect(all['bake-file-tags']).toBe('/runner/temp/docker-metadata-action-bake-tags.json');
    expect(all['bake-file']).toBe('/runner/temp/docker-metadata-action-bake.json');
    expect(all.tags).toBe(result.outputs.tags);
  });

  test("metadata-action's warnings when nothing was generated", () => {
    const { result } = compute({ images: 'ghcr.io/o/app', tags: 'type=ref,event=branch' });
    expect(resultWarnings(result)).toEqual([
      'No Docker image version has been generated. Check tags input.',
      'No Docker tag has been generated. Check tags input.',
    ]);
    expect(resultWarnings(compute({ images: 'ghcr.io/o/app' }).result)).toEqual([]);
  });

  test('metadata mode: one row per rule with its line, then latest and the pin', () => {
    const { result, applied } = compute({
      images: 'ghcr.io/o/app',
      tags: 'type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=raw,value=latest',
    });
    expect(applied).toBe(true);
    expect(explainRows(result.explain, { rulesApply: applied, version: result.version })).toEqual([
      ['type=semver,pattern={{version}},value=,match=,enable=true,priority=900 (line 2)', 'yes', '1.2.3-rc.1', ''],
      ['type=ref,event=branch,enable=true,priority=600 (line 1)', 'no', '', 'ref refs/tags/v1.2.3-rc.1 is not a branch'],
      [
        'type=raw,value=latest,enable=true,priority=200 (line 3)',
        'no',
        '',
        'value latest dropped: prerelease v1.2.3-rc.1 never becomes latest',
      ],
      ['latest', 'no', '', expect.stringContaining('prerelease v1.2.3-rc.1 never becomes latest')],
      ['pin (sha-{sha7})', 'yes', 'sha-0a1b2c3', 'not added to tags (set pin-in-tags: true); see the pin output'],
    ]);
  });

  test('seed naming with a tag: the rules do not apply, the table says where the tag came from', () => {
    const { result, applied } = compute({ services: ['core'] }, 'v1.2.3-rc.1');
    expect(applied).toBe(false);
    expect(result.explain.rules).toEqual([]); // the default rules are not even evaluated
    expect(result.tagNames).toEqual(['v1.2.3-rc.1', 'sha-0a1b2c3']);
    expect(explainRows(result.explain, { rulesApply: applied, version: result.version })).toEqual([
      ['tag', 'yes', 'v1.2.3-rc.1', expect.stringContaining('seed naming')],
      ['pin (sha-{sha7})', 'yes', 'sha-0a1b2c3', ''],
    ]);
    expect(rulesApply(result, { tags: [{ value: 'type=sha', line: 1 }], tag: 'v1' })).toBe(true);
  });

  test('the summary: images and tags, the explain table, the warnings', () => {
    const { result, applied } = compute({ services: ['core', 'chat'], registry: 'ecr.example.com' }, 'v1.2.3-rc.1');
    const summary = buildSummary(result, { repoSource: 'GitHub API (o/r)', warnings: ['careful'], rulesApply: applied });
    expect(summary.table!.header).toEqual(['service', 'image', 'tags', 'pin']);
    expect(summary.table!.rows).toEqual([
      ['core', '`ecr.example.com/ms_core`', '`v1.2.3-rc.1` `sha-0a1b2c3`', '`ecr.example.com/ms_core:sha-0a1b2c3`'],
      ['chat', '`ecr.example.com/ms_chat`', '`v1.2.3-rc.1` `sha-0a1b2c3`', '`ecr.example.com/ms_chat:sha-0a1b2c3`'],
    ]);
    const text = summary.sections!.join('\n');
    expect(text).toContain('| rule | fired? | tags | why not |');
    expect(text).toContain('**repository facts:** GitHub API (o/r)');
    expect(text).toContain('- careful');
  });

  test('the summary without images lists the tag names', () => {
    const { result, applied } = compute({ tags: 'type=semver,pattern={{version}}' });
    const summary = buildSummary(result, { repoSource: 'event payload', warnings: [], rulesApply: applied });
    expect(summary.table!.rows).toEqual([['', '', '`1.2.3-rc.1`', '`sha-0a1b2c3`']]);
    expect(summary.sections!.join('\n')).not.toContain('Warnings');
  });
});

describe('context: git', () => {
  test.each<[string, string[], string | undefined]>([
    ['HEAD, tag: v1.2.3', [], 'refs/tags/v1.2.3'],
    ['grafted, HEAD, tag: v1.2.3-rc.1, origin/main', [], 'refs/tags/v1.2.3-rc.1'],
    ['HEAD, pull/15/merge', [], 'refs/pull/15/merge'],
    ['HEAD, origin/pull/15/head', [], 'refs/pull/15/head'],
    ['HEAD, origin/feature/x, feature/x', [], 'refs/heads/feature/x'],
    ['HEAD, origin/feature/x', [], 'refs/heads/feature/x'],
    ['HEAD, upstream/main', ['upstream'], 'refs/heads/main'],
    ['HEAD, origin/HEAD, origin/main', [], 'refs/heads/main'],
    ['HEAD', [], undefined],
    ['', [], undefined],
  ])('refFromDecorations(%p)', (text, remotes, expected) => {
    expect(refFromDecorations(text, remotes.length ? remotes : undefined)).toBe(expected);
  });

  function fakeGit(answers: Record<string, string | Error>): GitRunner & { calls: string[] } {
    const calls: string[] = [];
    const run = async (args: string[]) => {
      const key = args.join(' ');
      calls.push(key);
      const answer = answers[key];
      if (answer === undefined) throw new Error(`unexpected git ${key}`);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return Object.assign(run, { calls });
  }

  test('on a branch: symbolic-ref, SHA and commit date from git; event from the workflow', async () => {
    const git = fakeGit({
      'rev-parse HEAD': SHA,
      'branch --show-current': 'main',
      'symbolic-ref HEAD': 'refs/heads/main',
      'show -s --format=%cI HEAD': '2024-03-07T23:15:30+01:00',
    });
    const ctx = await gitContext(git, 'workflow_dispatch', PAYLOAD);
    expect(ctx).toEqual({
      eventName: 'workflow_dispatch',
      ref: 'refs/heads/main',
      sha: SHA,
      payload: PAYLOAD,
      commitDate: new Date('2024-03-07T22:15:30Z'),
    });
  });

  test('detached at a tag', async () => {
    const git = fakeGit({
      'rev-parse HEAD': SHA,
      'branch --show-current': '',
      'show -s --pretty=%D HEAD': 'HEAD, tag: v2.0.0',
      remote: 'origin',
      'show -s --format=%cI HEAD': '2024-03-07T22:15:30Z',
    });
    expect((await gitContext(git, 'push', {})).ref).toBe('refs/tags/v2.0.0');
  });

  test('detached at a bare SHA is an error that says what to do', async () => {
    const git = fakeGit({ 'rev-parse HEAD': SHA, 'branch --show-current': '', 'show -s --pretty=%D HEAD': 'HEAD', remote: '' });
    const error = await gitContext(git, 'push', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).describe()).toContain('found no branch, tag or pull-request ref');
  });

  test('not a git checkout', async () => {
    const git = fakeGit({
      'rev-parse HEAD': Object.assign(new Error('Command failed'), {
        stderr: 'fatal: not a git repository (or any of the parent directories): .git',
      }),
    });
    const error = (await gitContext(git, 'push', {}).catch((e: unknown) => e)) as ActionError;
    expect(error.message).toBe('context: git could not read the checkout (git rev-parse HEAD failed)');
    expect(error.why).toContain('not a git repository');
  });
});
