/**
 * The event context the tag engine works on, built from plain values (the GITHUB_* variables and
 * the event payload) with docker/metadata-action's adjustments:
 *
 * - `pull_request_target` runs on the base branch's ref; the ref is replaced by
 *   `refs/pull/<number>/merge` so `type=ref,event=pr` works.
 * - `DOCKER_METADATA_PR_HEAD_SHA=true` uses the pull request's head SHA instead of the merge SHA.
 * - The commit date comes from the push payload (`commits[]` / `head_commit` matching the SHA);
 *   when the payload has none (a pull request's never has), flow.ts asks the API if a template uses
 *   `{{commit_date}}`, and the engine falls back to the clock.
 */
import { valueAt } from '@deploy-kit/core';

import { TagInputError } from './errors.js';

export type Payload = Record<string, unknown>;

export interface EventContext {
  eventName: string;
  /** Full ref: refs/heads/x, refs/tags/x, refs/pull/N/merge, or '' when unknown. */
  ref: string;
  sha: string;
  payload: Payload;
  /** Date of the commit being built; undefined means "use the clock". */
  commitDate?: Date;
}

/** Repository facts used for labels and the default `edge` branch (the GitHub API's repo object). */
export interface RepoInfo {
  name?: string | null;
  description?: string | null;
  html_url?: string | null;
  default_branch?: string | null;
  license?: { spdx_id?: string | null } | null;
}

export interface ContextOptions {
  /** DOCKER_METADATA_PR_HEAD_SHA */
  prHeadSha?: boolean;
}

/** The commit date the push payload records for `sha`, if any. */
export function commitDateFromPayload(payload: Payload, sha: string): Date | undefined {
  const commits = valueAt(payload, 'commits');
  if (Array.isArray(commits)) {
    const found = commits.find((c) => valueAt(c, 'id') === sha);
    const ts = valueAt(found, 'timestamp');
    if (typeof ts === 'string' && ts !== '') return new Date(ts);
  }
  const head = valueAt(payload, 'head_commit');
  if (head && valueAt(head, 'id') === sha) {
    const ts = valueAt(head, 'timestamp');
    if (typeof ts === 'string' && ts !== '') return new Date(ts);
  }
  return undefined;
}

/**
 * Builds the context from raw values. `raw.ref`/`raw.sha` are GITHUB_REF/GITHUB_SHA; the payload is
 * the parsed GITHUB_EVENT_PATH file ({} when there is none).
 */
export function buildContext(
  raw: { eventName: string; ref: string; sha: string; payload?: Payload; commitDate?: Date },
  options: ContextOptions = {},
): EventContext {
  const payload = raw.payload ?? {};
  let ref = raw.ref ?? '';
  let sha = raw.sha ?? '';
  const eventName = raw.eventName ?? '';
  if (/pull_request_target/.test(eventName)) {
    ref = `refs/pull/${String(valueAt(payload, 'number'))}/merge`;
  }
  if (options.prHeadSha && /pull_request/.test(eventName)) {
    const head = valueAt(payload, 'pull_request', 'head', 'sha');
    if (typeof head === 'string' && head !== '') sha = head;
  }
  return { eventName, ref, sha, payload, commitDate: raw.commitDate ?? commitDateFromPayload(payload, sha) };
}

/** Builds the context from GITHUB_* variables, as @actions/github's Context does. */
export function contextFromEnv(
  env: Record<string, string | undefined>,
  payload: Payload | undefined,
  options: ContextOptions = {},
): EventContext {
  return buildContext({ eventName: env.GITHUB_EVENT_NAME ?? '', ref: env.GITHUB_REF ?? '', sha: env.GITHUB_SHA ?? '', payload }, options);
}

/** Repo facts from the payload's `repository` object, used when the API was not asked. */
export function repoInfoFromPayload(payload: Payload): RepoInfo {
  const repo = valueAt(payload, 'repository');
  if (!repo || typeof repo !== 'object') return {};
  const r = repo as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const license = valueAt(r, 'license');
  return {
    name: str(r.name),
    description: str(r.description),
    html_url: str(r.html_url),
    default_branch: str(r.default_branch),
    license: license && typeof license === 'object' ? { spdx_id: str(valueAt(license, 'spdx_id')) } : null,
  };
}

/**
 * The events whose payload carries the whole repository object of the repository the step runs in:
 * a push payload's `repository`, and a pull request's (the base repository, where the workflow runs,
 * also for a pull request from a fork: the head repository is under `pull_request.head.repo`).
 */
const EVENTS_WITH_REPOSITORY = new Set(['push', 'pull_request', 'pull_request_target']);

/**
 * The repository facts metadata-action asks `GET /repos/{owner}/{repo}` for (name, description, URL,
 * license, default branch), when a push or pull-request event's payload already carries all of them
 * for the repository the step runs in: those payloads hold the whole repository object, with
 * `description` and `license` present (null when there is none), the same object the API returns.
 * Undefined when it does not (another event, a payload of another repository, or a field missing):
 * then the API is asked, as upstream. Asking the API for what the payload holds cost 189 against
 * 58 ms a run (loading Octokit, one request; issue 18).
 */
export function repoInfoIfComplete(eventName: string, payload: Payload, repository: string): RepoInfo | undefined {
  if (!EVENTS_WITH_REPOSITORY.has(eventName)) return undefined;
  const repo = valueAt(payload, 'repository');
  if (!repo || typeof repo !== 'object' || Array.isArray(repo)) return undefined;
  const r = repo as Record<string, unknown>;
  if (typeof r.full_name !== 'string' || repository === '' || r.full_name.toLowerCase() !== repository.toLowerCase()) return undefined;
  const text = (key: string) => typeof r[key] === 'string' && r[key] !== '';
  const present = (key: string, type: 'string' | 'object') => Object.hasOwn(r, key) && (r[key] === null || typeof r[key] === type);
  if (!text('name') || !text('html_url') || !text('default_branch')) return undefined;
  if (!present('description', 'string') || !present('license', 'object')) return undefined;
  return repoInfoFromPayload(payload);
}

/** metadata-action's parseBool (docker actions-toolkit `Util.parseBool`). */
export function parseToolkitBool(name: string, value: string): boolean {
  switch (value) {
    case '1':
    case 't':
    case 'T':
    case 'true':
    case 'TRUE':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'false':
    case 'FALSE':
    case 'False':
      return false;
  }
  throw new TagInputError(name, undefined, 'not a boolean', 'true or false (1/0, t/f, True/False, TRUE/FALSE)', value);
}

export function refTypeOf(ref: string): 'branch' | 'tag' | 'pr' | 'other' {
  if (/^refs\/heads\//.test(ref)) return 'branch';
  if (/^refs\/tags\//.test(ref)) return 'tag';
  if (/^refs\/pull\//.test(ref)) return 'pr';
  return 'other';
}
