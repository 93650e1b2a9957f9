import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitContext, nodeGit } from '../src/gitcontext.js';

// nodeGit against the real git, in a throw-away repository.
let repo: string;
const saved = { ...process.env };

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'gitcontext-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      env: { ...process.env, GIT_AUTHOR_DATE: '2024-05-01T10:00:00Z', GIT_COMMITTER_DATE: '2024-05-01T10:00:00Z' },
    });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'first');
  git('tag', 'v1.2.3');
});

afterAll(() => {
  process.env = { ...saved };
  rmSync(repo, { recursive: true, force: true });
});

describe('nodeGit (@actions/exec)', () => {
  test('runs git in the checkout and gives its trimmed stdout, without logging it', async () => {
    const written = jest.spyOn(process.stdout, 'write');
    const sha = await nodeGit(repo)(['rev-parse', 'HEAD']);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(written).not.toHaveBeenCalled();
    written.mockRestore();
    // On a branch the branch is the ref; checked out detached at the tag, the tag.
    expect(await gitContext(nodeGit(repo), 'push', {})).toMatchObject({ sha, ref: 'refs/heads/main' });
    execFileSync('git', ['checkout', '-q', '--detach', 'v1.2.3'], { cwd: repo });
    expect(await gitContext(nodeGit(repo), 'push', {})).toMatchObject({ sha, ref: 'refs/tags/v1.2.3' });
  });

  test("git's environment has neither the action's inputs nor the runner's tokens (SECURITY.md rule 9)", async () => {
    process.env.INPUT_GITHUB_TOKEN = 'ghs_secret';
    process.env.ACTIONS_RUNTIME_TOKEN = 'runtime';
    process.env.DEPLOY_KIT_VISIBLE = 'yes';
    try {
      const env = await nodeGit(repo)(['-c', 'alias.printenv=!env', 'printenv']);
      expect(env).toContain('DEPLOY_KIT_VISIBLE=yes');
      expect(env).not.toContain('ghs_secret');
      expect(env).not.toContain('ACTIONS_RUNTIME_TOKEN');
    } finally {
      delete process.env.INPUT_GITHUB_TOKEN;
      delete process.env.ACTIONS_RUNTIME_TOKEN;
      delete process.env.DEPLOY_KIT_VISIBLE;
    }
  });

  test('a failing git rejects with its stderr', async () => {
    await expect(nodeGit(repo)(['rev-parse', 'no-such-ref'])).rejects.toMatchObject({
      message: 'git exited with code 128',
      stderr: expect.stringContaining('no-such-ref'),
    });
  });

  test('no git on PATH: code ENOENT (gitContext then says git is not installed)', async () => {
    process.env.PATH = join(repo, 'empty-bin');
    try {
      await expect(nodeGit(repo)(['rev-parse', 'HEAD'])).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(gitContext(nodeGit(repo), 'push', {})).rejects.toMatchObject({ why: 'git is not installed or not on PATH' });
    } finally {
      process.env.PATH = saved.PATH;
    }
  });
});
