/** image-tags: inputs → runImageTags (flow.ts) with the real services → outputs, variables, warnings, summary. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { runner as core, run, writeOutputs, writeSummary } from '@deploy-kit/core';
import { createGitHubClient } from '@deploy-kit/core/github';

import { getInputs } from './config.js';
import type { BakeFile } from './engine.js';
import { runImageTags, type FlowDeps } from './flow.js';
import { outputs } from './io.js';
import type { RepoApi } from './repoapi.js';

async function main(): Promise<void> {
  const config = await getInputs();
  const deps: FlowDeps = {
    env: process.env,
    // Loaded when used: only `context: git` runs git, only `services-from` lists directories.
    git: async (args) => (await import('./gitcontext.js')).nodeGit(config.github.workspace)(args),
    readdir: async (dir) => (await import('./discover.js')).nodeReaddir(dir),
    repoApi: octokitApi,
    now: () => new Date(),
    writeBakeFiles,
    // core.group per group: see flow.ts's header for why not one write for all.
    log: {
      debug: core.debug,
      isDebug: core.isDebug,
      group: ({ title, lines }) => core.group(title, async () => core.info(lines.join('\n'))),
    },
  };
  const { result, outputs: values, exportEnv, warnings, summary } = await runImageTags(config, deps);
  writeOutputs(outputs, Object.fromEntries(outputs.map((name) => [name, values[name] ?? ''])) as Record<(typeof outputs)[number], string>, {
    json: result.json,
  });
  core.exportVariables(Object.entries(exportEnv));
  for (const warning of warnings) core.warning(warning);
  writeSummary(summary);
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
  // node:os only off a runner (RUNNER_TEMP is always set on one): loading it is ~1 ms of every start.
  const base = process.env.RUNNER_TEMP || (createRequire(import.meta.url)('node:os') as typeof import('node:os')).tmpdir();
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

void run(main);
