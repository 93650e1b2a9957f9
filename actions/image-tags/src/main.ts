import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import {
  ActionError,
  parseBranchRules,
  parseEnvironmentRules,
  readGitHubContext,
  readInputs,
  runner as core,
  run,
  writeOutputs,
  writeSummary,
} from '@deploy-kit/core';
import { createGitHubClient } from '@deploy-kit/core/github';

import { contextFromEnv, type EventContext, type RepoInfo } from './context.js';
import { computeImageTags, formatExplain, metadataOutputEnv, outputEnvEnabled, prHeadShaEnabled, type BakeFile, type ImageTagsOptions } from './engine.js';
import { inputs, outputs } from './io.js';
import { loadOptionalModules, withOptionalModules } from './optional.js';
import { resolveKind } from './naming.js';
import type { RepoApi, RepoFacts } from './repoapi.js';
import { buildSummary, engineInputs, optionalModulesFor, outputsWithBakePaths, releaseDefaults, resultWarnings, rulesApply, usesCommitDate } from './wiring.js';

async function main(): Promise<void> {
  const values = await readInputs(inputs);
  // metadata-action reads the separators untrimmed (a space is a valid separator).
  const seps = {
    tags: core.getInput('sep-tags', { trimWhitespace: false }),
    labels: core.getInput('sep-labels', { trimWhitespace: false }),
    annotations: core.getInput('sep-annotations', { trimWhitespace: false }),
  };
  const environments = parseEnvironmentRules(values.environments, 'environments');
  const branches = parseBranchRules(values.branchEnvironments, 'branch-environments');
  const kind = resolveKind(values.kind);
  const github = readGitHubContext();

  // Modules only some runs need are imported when needed (cold start: see bench/run.mjs).
  let ctx: EventContext;
  if (values.context === 'git') {
    const { gitContext, nodeGit } = await import('./gitcontext.js');
    ctx = await gitContext(nodeGit(github.workspace), github.eventName, github.payload);
  } else {
    ctx = contextFromEnv(process.env, github.payload, { prHeadSha: prHeadShaEnabled(process.env) });
  }
  const defaults = releaseDefaults(ctx.ref, ctx.sha, { tagPrefix: values.tagPrefix, environments, branches });
  if (defaults.note) core.debug(defaults.note);

  const discovered =
    values.servicesFrom.length === 0 ? [] : await (await import('./discover.js')).discoverServices(values.servicesFrom, { cwd: github.workspace, stripPrefix: kind.stripPrefix });
  for (const d of discovered) core.debug(`services-from ${d.pattern}: ${d.path} → ${d.name}`);
  await loadOptionalModules(optionalModulesFor(values, ctx.ref, defaults.release));
  // The engine removes the kind's prefix (once) itself, so it gets the names as found on disk.
  const engineIn = await withOptionalModules(() => engineInputs(values, seps, discovered.map((d) => basename(d.path)), defaults.version));
  const now = new Date();
  const options: ImageTagsOptions = {
    now,
    releaseInfo: defaults.release,
    latestPolicy: values.latestPolicy,
    knownVersions: values.knownVersions.length > 0 ? values.knownVersions : undefined,
    majorZero: values.majorZero,
    env: process.env,
  };
  // Every input is validated here, before the API is asked anything, with the payload's repository.
  let result = await withOptionalModules(() => computeImageTags(engineIn, ctx, options));

  let repoSource: string;
  const warnings: string[] = [];
  if (values.githubToken === '') {
    repoSource = 'event payload (github-token is empty)';
    warnings.push('github-token is empty: the OCI labels and annotations use the event payload\'s repository (description, license, URL), not the GitHub API.');
  } else if (github.owner === '' || github.repo === '') {
    repoSource = 'event payload (GITHUB_REPOSITORY is not set)';
    warnings.push('GITHUB_REPOSITORY is not set, so the repository cannot be read from the GitHub API: the labels use the event payload\'s repository.');
  } else {
    const wantDate = ctx.commitDate === undefined && usesCommitDate(values.tags, values.flavor, values.labels, values.annotations);
    const { fetchRepoFacts } = await import('./repoapi.js');
    const api = await octokitApi(values.githubToken).catch((error: unknown) => {
      // The client refuses a GITHUB_API_URL the token must not go to (plain http to a remote host):
      // the API is optional here, so that is a warning and the payload's facts, not a failure.
      if (error instanceof ActionError) return error;
      throw error;
    });
    const facts: RepoFacts =
      api instanceof ActionError
        ? { problem: api.message }
        : await fetchRepoFacts(api, { owner: github.owner, repo: github.repo, sha: ctx.sha, commitDate: wantDate });
    if (facts.commitDateProblem) core.debug(`No commit date from the GitHub API (${facts.commitDateProblem}); {{commit_date}} uses the current time.`);
    let repo: RepoInfo | undefined = facts.repo;
    if (repo) {
      repoSource = `GitHub API (${github.repository})`;
    } else {
      repoSource = `event payload (the GitHub API did not answer: ${facts.problem})`;
      warnings.push(
        `Could not read ${github.repository} from the GitHub API at ${github.apiUrl} (${facts.problem}); the OCI labels and annotations use the event payload's repository instead.`,
      );
    }
    if (repo || facts.commitDate) {
      const withFacts = facts.commitDate ? { ...ctx, commitDate: facts.commitDate } : ctx;
      result = await withOptionalModules(() => computeImageTags(engineIn, withFacts, { ...options, repo }));
    }
  }

  // Side effects from here on: bake files, then outputs, then the environment.
  const bakePaths = writeBakeFiles(result.bakeFiles);
  const all = outputsWithBakePaths(result, bakePaths);
  const applied = rulesApply(result, engineIn);
  logResult(ctx, all, result.explain, applied);
  writeOutputs(
    outputs,
    Object.fromEntries(outputs.map((name) => [name, all[name] ?? ''])) as Record<(typeof outputs)[number], string>,
    { json: result.json },
  );
  if (outputEnvEnabled(process.env)) {
    for (const [name, value] of Object.entries(metadataOutputEnv(all))) core.exportVariable(name, value);
  }
  const allWarnings = [...warnings, ...resultWarnings(result)];
  for (const warning of allWarnings) core.warning(warning);
  writeSummary(buildSummary(result, { repoSource, warnings: allWarnings, rulesApply: applied }));
}

/** Octokit behind the RepoApi interface (loaded only when the API is asked). */
async function octokitApi(token: string): Promise<RepoApi> {
  const octokit = await createGitHubClient({ token });
  return {
    async getRepo(owner, repo, signal) {
      return (await octokit.rest.repos.get({ owner, repo, request: { signal } })).data;
    },
    async getCommitDate(owner, repo, sha, signal) {
      const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref: sha, request: { signal } });
      return data.commit.committer?.date ?? undefined;
    },
  };
}

/** metadata-action's file names, in a directory of their own under RUNNER_TEMP (two steps never clash). */
function writeBakeFiles(files: readonly BakeFile[]): Map<BakeFile['output'], string> {
  const base = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'image-tags-'));
  const paths = new Map<BakeFile['output'], string>();
  for (const file of files) {
    const path = join(dir, file.fileName);
    writeFileSync(path, file.content, 'utf8');
    paths.set(file.output, path);
  }
  return paths;
}

function logResult(ctx: EventContext, all: Record<string, string>, explain: Parameters<typeof formatExplain>[0], applied: boolean): void {
  // One write for all groups; every line neutralised (labels carry the repository's description).
  core.groups([
    {
      title: 'Context info',
      lines: [`eventName: ${ctx.eventName}`, `sha: ${ctx.sha}`, `ref: ${ctx.ref}`, `commitDate: ${ctx.commitDate?.toISOString() ?? '(none, the current time is used)'}`],
    },
    { title: 'Docker image version', lines: [all.version || '(none)'] },
    { title: 'Docker tags', lines: (all.tags ?? '').split('\n') },
    { title: 'Pin', lines: (all.pin ?? '').split('\n') },
    { title: 'Docker labels', lines: (all.labels ?? '').split('\n') },
    { title: 'Annotations', lines: (all.annotations ?? '').split('\n') },
  ]);
  // The runner shows debug lines only with debug logging on; building them otherwise is wasted.
  if (!core.isDebug()) return;
  if (!applied) core.debug('explain: the tag rules below were evaluated but not used: seed naming with a version and no tags input');
  for (const line of formatExplain(explain)) core.debug(`explain: ${line}`);
}

void run(main);
