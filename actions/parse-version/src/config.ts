/**
 * parse-version's inputs validated into what the flow resolves: the ref (the `ref` input, else the
 * run's GITHUB_REF), the commit, the tag prefix, both rule sets and strictness. Everything is read and
 * checked here, before anything is written.
 */
import {
  parseBranchRules,
  parseEnvironmentRules,
  readGitHubContext,
  readInputs,
  readRawInput,
  type RawInputReader,
  type ResolveOptions,
} from '@deploy-kit/core';

import { inputs } from './io.js';

export type ParseVersionConfig = ResolveOptions;

export async function getInputs(
  read: RawInputReader = readRawInput,
  env: Record<string, string | undefined> = process.env,
): Promise<ParseVersionConfig> {
  const values = await readInputs(inputs, read);
  const context = readGitHubContext(env);
  return {
    ref: values.ref || context.ref,
    sha: context.sha,
    tagPrefix: values.tagPrefix,
    rules: parseEnvironmentRules(values.environments, 'environments'),
    branchRules: parseBranchRules(values.branchEnvironments, 'branch-environments'),
    strict: values.strict,
    prNumber: context.prNumber,
  };
}
