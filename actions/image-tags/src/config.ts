/**
 * image-tags' inputs, read and checked in one place before anything else happens: the typed inputs
 * of io.ts, the separators exactly as given, the release rules, the kind and the workflow's context.
 * The tag DSL (`tags`, `flavor`, `labels`, …) needs the event to be checked, so the plan (flow.ts)
 * checks it next, still before the API is asked anything or a file is written.
 */
import {
  type BranchRule,
  type EnvironmentRules,
  type GitHubContext,
  type InputValues,
  type RawInputReader,
  parseBranchRules,
  parseEnvironmentRules,
  readGitHubContext,
  readInputs,
  readRawInput,
  runner as core,
} from '@deploy-kit/core';

import { inputs } from './io.js';
import { resolveKind, type Kind } from './naming.js';
import type { Separators } from './wiring.js';

/** What the workflow run says about itself (only the parts image-tags reads). */
export type WorkflowContext = Pick<GitHubContext, 'eventName' | 'payload' | 'workspace' | 'owner' | 'repo' | 'repository' | 'apiUrl'>;

export interface ImageTagsConfig {
  values: InputValues<typeof inputs>;
  /** The `sep-*` inputs untrimmed: metadata-action reads them so (a space is a valid separator). */
  separators: Separators;
  environments: EnvironmentRules;
  branches: BranchRule[];
  kind: Kind;
  github: WorkflowContext;
}

export interface InputSources {
  /** An input, trimmed (the runner's `INPUT_*`). */
  read?: RawInputReader;
  /** An input exactly as given. */
  readUntrimmed?: RawInputReader;
  github?: () => WorkflowContext;
}

export async function getInputs(sources: InputSources = {}): Promise<ImageTagsConfig> {
  const values = await readInputs(inputs, sources.read ?? readRawInput);
  const untrimmed = sources.readUntrimmed ?? ((name: string) => core.getInput(name, { trimWhitespace: false }));
  const separators = { tags: untrimmed('sep-tags'), labels: untrimmed('sep-labels'), annotations: untrimmed('sep-annotations') };
  const environments = parseEnvironmentRules(values.environments, 'environments');
  const branches = parseBranchRules(values.branchEnvironments, 'branch-environments');
  const kind = resolveKind(values.kind);
  const github = (sources.github ?? readGitHubContext)();
  return { values, separators, environments, branches, kind, github };
}
