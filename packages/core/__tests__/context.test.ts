import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError } from '../src/errors.js';
import { classifyRef, readEventPayload, readGitHubContext, releaseTagOf, runReleaseTag } from '../src/context.js';
import { parseEnvironmentRules, resolveRelease } from '../src/version.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-kit-context-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function payloadFile(name: string, payload: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof payload === 'string' ? payload : JSON.stringify(payload));
  return path;
}

const runnerEnv = {
  GITHUB_REPOSITORY: 'acme/orders',
  GITHUB_REPOSITORY_OWNER: 'acme',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_API_URL: 'https://api.github.com',
  GITHUB_RUN_ID: '1234',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'release',
  GITHUB_WORKSPACE: '/home/runner/work/orders/orders',
};

describe('classifyRef', () => {
  test.each([
    ['refs/tags/v1.2.3', { refType: 'tag', refName: 'v1.2.3' }],
    ['refs/tags/orders/v1.2.3', { refType: 'tag', refName: 'orders/v1.2.3' }],
    ['refs/heads/main', { refType: 'branch', refName: 'main' }],
    ['refs/heads/feature/login', { refType: 'branch', refName: 'feature/login' }],
    ['refs/pull/42/merge', { refType: 'pr', refName: '42', prNumber: 42 }],
    ['refs/pull/7/head', { refType: 'pr', refName: '7', prNumber: 7 }],
    ['refs/pull/7/other', { refType: 'other', refName: 'refs/pull/7/other' }],
    ['refs/notes/commits', { refType: 'other', refName: 'refs/notes/commits' }],
    ['', { refType: '', refName: '' }],
  ])('%j', (ref, expected) => {
    expect(classifyRef(ref)).toEqual(expected);
  });
});

describe('the release tag of a run (releaseTagOf, runReleaseTag)', () => {
  test.each([
    ['refs/tags/v1.2.3-rc.1', 'v1.2.3-rc.1'],
    ['refs/tags/orders/v1.2.3', 'orders/v1.2.3'],
    ['refs/heads/main', ''],
    ['refs/heads/v1.2.3', ''],
    ['refs/pull/7/merge', ''],
    ['refs/remotes/x', ''],
    ['', ''],
  ])('%j → %j', (ref, tag) => {
    expect(runReleaseTag({ GITHUB_REF: ref })).toBe(tag);
    expect(releaseTagOf(classifyRef(ref))).toBe(tag);
  });

  test('no GITHUB_REF: no tag', () => {
    expect(runReleaseTag({})).toBe('');
  });

  test.each(['refs/tags/v1.2.3-rc.1', 'refs/tags/not-a-version', 'refs/heads/main', 'refs/pull/7/merge'])(
    "parse-version's tag output for %s is the same name",
    (ref) => {
      const rules = parseEnvironmentRules({ rc: 'staging', release: 'production' });
      expect(resolveRelease({ ref, sha: 'a'.repeat(40), tagPrefix: 'v', rules, branchRules: [], strict: false }).tag).toBe(
        runReleaseTag({ GITHUB_REF: ref }),
      );
    },
  );
});

describe('readGitHubContext', () => {
  test('a push to a branch', () => {
    const path = payloadFile('push-branch.json', {
      ref: 'refs/heads/main',
      repository: { full_name: 'acme/orders', default_branch: 'main' },
    });
    const context = readGitHubContext({ ...runnerEnv, GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: path });
    expect(context).toEqual({
      eventName: 'push',
      ref: 'refs/heads/main',
      refType: 'branch',
      refName: 'main',
      sha: runnerEnv.GITHUB_SHA,
      shortSha: '0123456',
      owner: 'acme',
      repo: 'orders',
      repository: 'acme/orders',
      defaultBranch: 'main',
      prNumber: undefined,
      headRef: '',
      baseRef: '',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      runId: '1234',
      runAttempt: '2',
      actor: 'octocat',
      workflow: 'release',
      workspace: '/home/runner/work/orders/orders',
      payload: { ref: 'refs/heads/main', repository: { full_name: 'acme/orders', default_branch: 'main' } },
    });
  });

  test('a pushed tag', () => {
    const path = payloadFile('push-tag.json', { ref: 'refs/tags/v1.2.3-rc.1', repository: { default_branch: 'trunk' } });
    const context = readGitHubContext({
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/tags/v1.2.3-rc.1',
      GITHUB_EVENT_PATH: path,
    });
    expect(context).toMatchObject({ refType: 'tag', refName: 'v1.2.3-rc.1', defaultBranch: 'trunk', prNumber: undefined });
  });

  test('a pull request: number from the ref, branches from the env, default branch from the payload', () => {
    const path = payloadFile('pull-request.json', {
      action: 'synchronize',
      number: 42,
      pull_request: { number: 42, head: { ref: 'feature/login' }, base: { ref: 'main' } },
      repository: { full_name: 'acme/orders', default_branch: 'develop' },
    });
    const context = readGitHubContext({
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REF: 'refs/pull/42/merge',
      GITHUB_HEAD_REF: 'feature/login',
      GITHUB_BASE_REF: 'main',
      GITHUB_EVENT_PATH: path,
    });
    expect(context).toMatchObject({
      eventName: 'pull_request',
      refType: 'pr',
      refName: '42',
      prNumber: 42,
      headRef: 'feature/login',
      baseRef: 'main',
      defaultBranch: 'develop',
    });
  });

  test('a PR number from the payload when the ref does not carry one', () => {
    const path = payloadFile('pull-request-target.json', { pull_request: { number: 9 } });
    const context = readGitHubContext({
      ...runnerEnv,
      GITHUB_EVENT_NAME: 'pull_request_target',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_PATH: path,
    });
    expect(context.prNumber).toBe(9);
    expect(context.refType).toBe('branch');
  });

  test('without GITHUB_EVENT_PATH the payload is empty and defaults fill in', () => {
    const context = readGitHubContext({ GITHUB_REF: 'refs/tags/v1.0.0' });
    expect(context).toMatchObject({
      payload: {},
      defaultBranch: '',
      repository: '',
      owner: '',
      repo: '',
      sha: '',
      shortSha: '',
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      workspace: process.cwd(),
      refType: 'tag',
    });
  });

  test('GitHub Enterprise Server URLs are kept, without trailing slashes', () => {
    const context = readGitHubContext({
      GITHUB_SERVER_URL: 'https://ghe.example.com/',
      GITHUB_API_URL: 'https://ghe.example.com/api/v3//',
    });
    expect(context.serverUrl).toBe('https://ghe.example.com');
    expect(context.apiUrl).toBe('https://ghe.example.com/api/v3');
  });

  test('the repository falls back to the payload when GITHUB_REPOSITORY is unset', () => {
    const path = payloadFile('repo-only.json', { repository: { full_name: 'acme/billing' } });
    const context = readGitHubContext({ GITHUB_EVENT_PATH: path });
    expect(context).toMatchObject({ repository: 'acme/billing', owner: 'acme', repo: 'billing' });
  });

  test('an injected reader is used instead of the file system', () => {
    const paths: string[] = [];
    const context = readGitHubContext({ GITHUB_EVENT_PATH: '/nowhere/event.json' }, (path) => {
      paths.push(path);
      return '{"repository": {"default_branch": "main"}}';
    });
    expect(paths).toEqual(['/nowhere/event.json']);
    expect(context.defaultBranch).toBe('main');
  });
});

describe('readEventPayload errors', () => {
  test('an unreadable payload file says where and what to check', () => {
    const missing = join(dir, 'does-not-exist.json');
    let thrown: unknown;
    try {
      readEventPayload({ GITHUB_EVENT_PATH: missing });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ActionError);
    const error = thrown as ActionError;
    expect(error.message).toBe(`Cannot read the event payload at GITHUB_EVENT_PATH (${missing})`);
    expect(error.why).toContain('ENOENT');
    expect(error.check).toHaveLength(1);
    expect(error.describe()).toContain('Check: GITHUB_EVENT_PATH is set by the runner');
  });

  test('an invalid payload file is an ActionError naming the path', () => {
    const path = payloadFile('invalid.json', '{"ref": ');
    expect(() => readGitHubContext({ GITHUB_EVENT_PATH: path })).toThrow(
      new ActionError(`The event payload at GITHUB_EVENT_PATH (${path}) is not valid JSON`),
    );
    try {
      readEventPayload({ GITHUB_EVENT_PATH: path });
    } catch (error) {
      expect((error as ActionError).why).toMatch(/JSON/);
    }
    expect.assertions(2);
  });

  test('a payload that is JSON but not an object reads as empty', () => {
    expect(readEventPayload({ GITHUB_EVENT_PATH: payloadFile('null.json', 'null') })).toEqual({});
    expect(readEventPayload({ GITHUB_EVENT_PATH: payloadFile('number.json', '3') })).toEqual({});
  });
});
