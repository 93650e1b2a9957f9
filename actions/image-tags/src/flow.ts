/**
 * image-tags from validated inputs to the values main.ts writes, in named phases with every service
 * injected (the environment, git, the file system, the GitHub API, the clock, the bake-file writer,
 * the log), so the whole orchestration runs in unit tests:
 *
 * 1. context: the event (workflow variables, or the git checkout with `context: git`) and the release
 *    rules' view of its ref (the default tag and `type=channel`);
 * 2. plan: `services-from` discovery and the engine's inputs, computed once with the payload's
 *    repository: this checks every input before the API is asked anything or a file is written;
 * 3. repository facts: description, licence, URL and (for `{{commit_date}}`) the commit date from the
 *    GitHub API, when there is a token and the event payload lacks them (a push or pull-request
 *    payload of this repository has the repository's facts; only a push payload has the commit's
 *    date); never fatal (a warning, and the payload's facts stay);
 * 4. report: the bake files, every output's value, the DOCKER_METADATA_OUTPUT_* variables, the log
 *    groups metadata-action prints, the warnings and the step summary.
 *
 * The log groups are metadata-action's (`Context info` first, then `Docker image version`, `Docker
 * tags`, `Pin`, `Docker labels`, `Annotations`), each written with core.group. Writing all of them in
 * one write (runner.groups) made no measurable difference: 95.7 ms against 95.5 ms of CPU for the
 * seed-naming run, 41 paired runs (the write is microseconds; loading the bundle is the cost).
 */
import { ActionError, type RetryOptions, type StepSummary } from '@deploy-kit/core';

import type { ImageTagsConfig } from './config.js';
import { contextFromEnv, repoInfoIfComplete, type EventContext, type RepoInfo } from './context.js';
import type { ReaddirFn } from './discover.js';
import {
  computeImageTags,
  formatExplain,
  metadataOutputEnv,
  outputEnvEnabled,
  prHeadShaEnabled,
  type BakeFile,
  type ImageTagsOptions,
  type ImageTagsResult,
  type MetadataEnv,
} from './engine.js';
import type { GitRunner } from './gitcontext.js';
import { loadOptionalModules, withOptionalModules } from './optional.js';
import type { RepoApi, RepoFacts } from './repoapi.js';
import {
  buildSummary,
  engineInputs,
  optionalModulesFor,
  outputsWithBakePaths,
  releaseDefaults,
  resultWarnings,
  rulesApply,
  usesCommitDate,
  usesTemplates,
} from './wiring.js';

/** A collapsible group of log lines. */
export interface LogGroup {
  title: string;
  lines: readonly string[];
}

export interface FlowLog {
  debug(message: string): void;
  /** Whether the runner shows debug lines (building the explain lines is wasted otherwise). */
  isDebug(): boolean;
  group(group: LogGroup): Promise<void>;
}

export interface FlowDeps {
  /** The step's environment: GITHUB_REF/GITHUB_SHA/… for `context: workflow`, and DOCKER_METADATA_*. */
  env: Record<string, string | undefined>;
  /** git in the workspace (`context: git`). */
  git: GitRunner;
  /** Lists a directory (`services-from`). */
  readdir: ReaddirFn;
  /** An API client for `token`; rejects with an ActionError when the token must not go to GITHUB_API_URL. */
  repoApi(token: string): Promise<RepoApi>;
  /** The API calls' retry timing (tests pass a sleep that returns at once). */
  apiRetry?: Partial<RetryOptions>;
  now(): Date;
  /** Writes metadata-action's bake files; returns the path of each, by output. */
  writeBakeFiles(files: readonly BakeFile[]): ReadonlyMap<BakeFile['output'], string>;
  log: FlowLog;
}

export interface FlowResult {
  result: ImageTagsResult;
  /** Every output's value (the `bake-file-*` outputs are the written files' paths). */
  outputs: Record<string, string>;
  /** DOCKER_METADATA_OUTPUT_* to export (none with DOCKER_METADATA_SET_OUTPUT_ENV=false). */
  exportEnv: Record<string, string>;
  warnings: string[];
  summary: StepSummary;
}

/** Phase 1: the event the tags are computed for. */
async function eventContext(config: ImageTagsConfig, deps: FlowDeps): Promise<EventContext> {
  const { eventName, payload } = config.github;
  if (config.values.context === 'git') {
    const { gitContext } = await import('./gitcontext.js');
    return gitContext(deps.git, eventName, payload);
  }
  return contextFromEnv(deps.env, payload, { prHeadSha: prHeadShaEnabled(deps.env as MetadataEnv) });
}

interface RepositoryFacts {
  /** Where the labels' repository facts came from, for the summary. */
  source: string;
  warnings: string[];
  repo?: RepoInfo;
  commitDate?: Date;
}

/** Phase 3: the repository facts from the GitHub API, when there is a token and a repository. */
async function repositoryFacts(config: ImageTagsConfig, deps: FlowDeps, ctx: EventContext): Promise<RepositoryFacts> {
  const { values, github } = config;
  if (values.githubToken === '') {
    return {
      source: 'event payload (github-token is empty)',
      warnings: [
        "github-token is empty: the OCI labels and annotations use the event payload's repository (description, license, URL), not the GitHub API.",
      ],
    };
  }
  if (github.owner === '' || github.repo === '') {
    return {
      source: 'event payload (GITHUB_REPOSITORY is not set)',
      warnings: [
        "GITHUB_REPOSITORY is not set, so the repository cannot be read from the GitHub API: the labels use the event payload's repository.",
      ],
    };
  }
  const wantDate = ctx.commitDate === undefined && usesCommitDate(values.tags, values.flavor, values.labels, values.annotations);
  // A push or pull-request payload of this repository carries every repository fact the API would
  // give: no request (and no API client loaded) unless a template needs a commit date the payload
  // lacks (always so on a pull request, whose payload has no commit timestamp; metadata-action then
  // asks GET /repos/{owner}/{repo}/commits/{sha} too, on every run).
  const inPayload = repoInfoIfComplete(ctx.eventName, ctx.payload, github.repository) !== undefined;
  const payloadSource = `event payload (the ${ctx.eventName} event carries ${github.repository}'s description, license, URL and default branch)`;
  if (inPayload && !wantDate) return { source: payloadSource, warnings: [] };
  const { fetchRepoFacts } = await import('./repoapi.js');
  let facts: RepoFacts;
  try {
    const api = await deps.repoApi(values.githubToken);
    facts = await fetchRepoFacts(
      api,
      { owner: github.owner, repo: github.repo, sha: ctx.sha, repoFacts: !inPayload, commitDate: wantDate },
      deps.apiRetry,
    );
  } catch (error) {
    // The client refuses a GITHUB_API_URL the token must not go to (plain http to a remote host):
    // the API is optional here, so that is a warning and the payload's facts, not a failure.
    if (!(error instanceof ActionError)) throw error;
    facts = { problem: error.message };
  }
  if (facts.commitDateProblem)
    deps.log.debug(`No commit date from the GitHub API (${facts.commitDateProblem}); {{commit_date}} uses the current time.`);
  if (inPayload) return { source: payloadSource, warnings: [], commitDate: facts.commitDate };
  if (facts.repo) return { source: `GitHub API (${github.repository})`, warnings: [], repo: facts.repo, commitDate: facts.commitDate };
  return {
    source: `event payload (the GitHub API did not answer: ${facts.problem})`,
    warnings: [
      `Could not read ${github.repository} from the GitHub API at ${github.apiUrl} (${facts.problem}); the OCI labels and annotations use the event payload's repository instead.`,
    ],
    commitDate: facts.commitDate,
  };
}

/** metadata-action's log groups after the computation (the same titles, plus the pin). */
export function resultGroups(all: Record<string, string>): LogGroup[] {
  const lines = (value: string | undefined) => (value ?? '').split('\n');
  return [
    { title: 'Docker image version', lines: [all.version || '(none)'] },
    { title: 'Docker tags', lines: lines(all.tags) },
    { title: 'Pin', lines: lines(all.pin) },
    { title: 'Docker labels', lines: lines(all.labels) },
    { title: 'Annotations', lines: lines(all.annotations) },
  ];
}

/** metadata-action's first log group. */
export function contextGroup(ctx: EventContext): LogGroup {
  return {
    title: 'Context info',
    lines: [
      `eventName: ${ctx.eventName}`,
      `sha: ${ctx.sha}`,
      `ref: ${ctx.ref}`,
      `commitDate: ${ctx.commitDate?.toISOString() ?? '(none, the current time is used)'}`,
    ],
  };
}

export async function runImageTags(config: ImageTagsConfig, deps: FlowDeps): Promise<FlowResult> {
  const { values, kind, github } = config;
  const { log } = deps;

  // 1. context
  const ctx = await eventContext(config, deps);
  await log.group(contextGroup(ctx));
  const defaults = releaseDefaults(ctx.ref, ctx.sha, {
    tagPrefix: values.tagPrefix,
    environments: config.environments,
    branches: config.branches,
  });
  if (defaults.note) log.debug(defaults.note);

  // 2. plan: every input is checked here, with the payload's repository, before the API is asked.
  const discovered =
    values.servicesFrom.length === 0
      ? []
      : await (
          await import('./discover.js')
        ).discoverServices(values.servicesFrom, { cwd: github.workspace, stripPrefix: kind.stripPrefix, readdir: deps.readdir });
  for (const d of discovered) log.debug(`services-from ${d.pattern}: ${d.path} → ${d.name}`);
  await loadOptionalModules([
    ...optionalModulesFor(values, ctx.ref, defaults.release),
    ...(usesTemplates(values.tags, values.flavor, values.labels, values.annotations) ? (['handlebars'] as const) : []),
  ]);
  // The engine removes the kind's prefix (once) itself, so it gets the names as found on disk.
  const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const engineIn = await withOptionalModules(() =>
    engineInputs(
      values,
      config.separators,
      discovered.map((d) => basename(d.path)),
      defaults.tag,
    ),
  );
  const options: ImageTagsOptions = {
    now: deps.now(),
    releaseInfo: defaults.release,
    latestPolicy: values.latestPolicy,
    knownVersions: values.knownVersions.length > 0 ? values.knownVersions : undefined,
    majorZero: values.majorZero,
    env: deps.env as MetadataEnv,
  };
  let result = await withOptionalModules(() => computeImageTags(engineIn, ctx, options));

  // 3. repository facts (the engine runs again only when the API added something)
  const facts = await repositoryFacts(config, deps, ctx);
  if (facts.repo || facts.commitDate) {
    const withFacts = facts.commitDate ? { ...ctx, commitDate: facts.commitDate } : ctx;
    result = await withOptionalModules(() => computeImageTags(engineIn, withFacts, { ...options, repo: facts.repo }));
  }

  // 4. report: the first writes (bake files), then what main.ts writes.
  const all = outputsWithBakePaths(result, deps.writeBakeFiles(result.bakeFiles));
  const applied = rulesApply(result, engineIn);
  for (const group of resultGroups(all)) await log.group(group);
  if (log.isDebug()) {
    if (!applied) log.debug('explain: the tag rules below were evaluated but not used: seed naming with a tag and no tags input');
    for (const line of formatExplain(result.explain)) log.debug(`explain: ${line}`);
  }
  const warnings = [...facts.warnings, ...resultWarnings(result)];
  return {
    result,
    outputs: all,
    exportEnv: outputEnvEnabled(deps.env as MetadataEnv) ? metadataOutputEnv(all) : {},
    warnings,
    summary: buildSummary(result, { repoSource: facts.source, warnings, rulesApply: applied }),
  };
}
