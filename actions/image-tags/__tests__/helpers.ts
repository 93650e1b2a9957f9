import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { contextFromEnv, type EventContext, type Payload, type RepoInfo } from '../src/context.js';
import { loadOptionalModules } from '../src/optional.js';

// The action loads csv-parse and pep440 on demand (src/optional.ts); the engine's tests use both.
await loadOptionalModules();

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** metadata-action's tests freeze both the clock and moment() at this instant. */
export const NOW = new Date('2020-01-10T00:30:00.000Z');

export function readFixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** dotenv-style parse of a fixture `.env` (comment lines ignored). */
export function readEnv(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFixture(name).split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const i = line.indexOf('=');
    env[line.slice(0, i)] = line.slice(i + 1);
  }
  return env;
}

export interface LoadOptions {
  prHeadSha?: boolean;
  /**
   * `frozen` (default): the commit date is the frozen clock, as upstream's moment mock makes every
   * date; `payload`: the date the payload records for the commit.
   */
  commitDate?: 'frozen' | 'payload';
}

/** The event context for an env fixture (its GITHUB_EVENT_PATH payload, or {} when unset). */
export function loadContext(envFile: string, options: LoadOptions = {}): EventContext {
  const env = readEnv(envFile);
  const payload: Payload = env.GITHUB_EVENT_PATH ? (JSON.parse(readFixture(path.basename(env.GITHUB_EVENT_PATH))) as Payload) : {};
  const ctx = contextFromEnv(env, payload, { prHeadSha: options.prHeadSha });
  if ((options.commitDate ?? 'frozen') === 'frozen') ctx.commitDate = NOW;
  return ctx;
}

/** metadata-action's tests mock repoData() with this fixture. */
export const REPO = JSON.parse(readFixture('repo.json')) as RepoInfo;

/** The eight OCI labels metadata-action produces with repo.json, sorted as it sorts them. */
export function defaultLabels(revision: string, version: string): string[] {
  return [
    'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
    'org.opencontainers.image.description=This your first repo!',
    'org.opencontainers.image.licenses=MIT',
    `org.opencontainers.image.revision=${revision}`,
    'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
    'org.opencontainers.image.title=Hello-World',
    'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
    `org.opencontainers.image.version=${version}`,
  ];
}
