/**
 * GitHub API access. The Octokit client from @actions/github is loaded on first use (a separate
 * chunk of the bundle), so actions that do not call the API, or runs that skip it, do not pay its
 * start-up cost. `GITHUB_API_URL` selects the server, so GitHub Enterprise Server works as is.
 */
import type { getOctokit } from '@actions/github';
import { classifyError, retry, type RetryOptions } from './retry.js';
import { registerSecret } from './secrets.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** Defaults to `GITHUB_API_URL`, then https://api.github.com. */
  apiUrl?: string;
}

export function githubApiUrl(env: Record<string, string | undefined> = process.env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
}

export async function createGitHubClient(options: GitHubClientOptions): Promise<GitHubClient> {
  registerSecret(options.token);
  const { getOctokit } = await import('@actions/github');
  return getOctokit(options.token, {
    baseUrl: options.apiUrl ?? githubApiUrl(),
    userAgent: 'deploy-kit',
    // Our own retry() handles 5xx, throttling and resets with one policy for every API.
    request: { retries: 0 },
  });
}

/** A GitHub API call with the suite's retry policy (429/5xx/secondary rate limits/resets). */
export function githubCall<T>(label: string, call: () => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  return retry(() => call(), { label, classify: (error) => classifyError(error), ...options });
}
