/**
 * The GitHub context, read from the runner's environment and the event payload file. Unlike
 * @actions/github's `context`, it is read when asked (not at import time) from an env object, so
 * tests pass plain values.
 */
import { readFileSync } from 'node:fs';
import { ActionError } from './errors.js';
import { valueAt } from './values.js';

export type GitHubRefType = 'tag' | 'branch' | 'pr' | 'other' | '';

export interface GitHubContext {
  eventName: string;
  ref: string;
  refType: GitHubRefType;
  /** Tag or branch name, or the PR number for `refs/pull/N/merge`. */
  refName: string;
  sha: string;
  shortSha: string;
  owner: string;
  repo: string;
  /** `owner/repo` */
  repository: string;
  /** From the event payload's repository, '' when the payload has none. */
  defaultBranch: string;
  prNumber?: number;
  /** The PR's head and base branch names (`GITHUB_HEAD_REF`/`GITHUB_BASE_REF`). */
  headRef: string;
  baseRef: string;
  serverUrl: string;
  apiUrl: string;
  runId: string;
  runAttempt: string;
  actor: string;
  workflow: string;
  workspace: string;
  payload: Record<string, unknown>;
}

export function classifyRef(ref: string): { refType: GitHubRefType; refName: string; prNumber?: number } {
  if (ref.startsWith('refs/tags/')) return { refType: 'tag', refName: ref.slice('refs/tags/'.length) };
  if (ref.startsWith('refs/heads/')) return { refType: 'branch', refName: ref.slice('refs/heads/'.length) };
  const pull = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ref);
  if (pull) return { refType: 'pr', refName: pull[1], prNumber: Number(pull[1]) };
  return { refType: ref === '' ? '' : 'other', refName: ref };
}

type Env = Record<string, string | undefined>;

/**
 * The release tag of a run: its ref's tag name when a tag push started it (`refs/tags/v1.2.3-rc.1` →
 * `v1.2.3-rc.1`), '' for a branch, a pull request or any other ref. The one rule behind every tag
 * default: every action's `tag` input (migrate-job's, push-artifacts' S3 version folder, image-tags' in
 * seed naming, gitops-dispatch's through `input.tag()`), and parse-version's `tag` output
 * (resolveRelease gives the same name for a tag ref).
 */
export function releaseTagOf(ref: { refType: string; refName: string }): string {
  return ref.refType === 'tag' ? ref.refName : '';
}

/** The release tag of this run, from `GITHUB_REF` (see {@link releaseTagOf}). */
export function runReleaseTag(env: Env = process.env): string {
  return releaseTagOf(classifyRef(env.GITHUB_REF ?? ''));
}

export function readEventPayload(
  env: Env = process.env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Record<string, unknown> {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ActionError(`Cannot read the event payload at GITHUB_EVENT_PATH (${path})`, {
      why: (error as Error).message,
      check: 'GITHUB_EVENT_PATH is set by the runner; unset it or point it at a readable JSON file when running outside GitHub Actions.',
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    throw new ActionError(`The event payload at GITHUB_EVENT_PATH (${path}) is not valid JSON`, { why: (error as Error).message });
  }
}

export function readGitHubContext(env: Env = process.env, readFile?: (path: string) => string): GitHubContext {
  const payload = readEventPayload(env, readFile);
  const ref = env.GITHUB_REF ?? '';
  const { refType, refName, prNumber } = classifyRef(ref);
  const repository = env.GITHUB_REPOSITORY ?? (valueAt(payload, 'repository', 'full_name') as string | undefined) ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const sha = env.GITHUB_SHA ?? '';
  const payloadPr = valueAt(payload, 'pull_request', 'number') ?? valueAt(payload, 'number');
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref,
    refType,
    refName,
    sha,
    shortSha: sha.slice(0, 7),
    owner: env.GITHUB_REPOSITORY_OWNER || owner,
    repo,
    repository,
    defaultBranch: (valueAt(payload, 'repository', 'default_branch') as string | undefined) ?? '',
    prNumber: prNumber ?? (typeof payloadPr === 'number' ? payloadPr : undefined),
    headRef: env.GITHUB_HEAD_REF ?? '',
    baseRef: env.GITHUB_BASE_REF ?? '',
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    payload,
  };
}
