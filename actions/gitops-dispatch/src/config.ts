/**
 * From the validated action inputs to the list of dispatch targets and the auth choice: every
 * cross-input rule lives here (pure but for getInputs, which reads them), so main.ts stays wiring.
 */
import type { KeyObject } from 'node:crypto';
import { InputError, readGitHubContext, readInputs, readRawInput, type RawInputReader } from '@deploy-kit/core';
import { parsePrivateKey } from './auth.js';
import { buildDispatchInputs } from './dispatch-inputs.js';
import { type ExtraDispatch, extrasFor, parseExtraDispatches } from './extras.js';
import type { FlowConfig } from './flow.js';
import { inputs } from './io.js';
import type { TargetSpec } from './preflight.js';
import { parseProjects } from './projects.js';
import { type RepositoryName, parseDispatchRef, parseWorkflowRef, resolveRepository } from './target.js';

export interface ActionInputs {
  environment: string;
  repository: string;
  repositoryTemplate: string;
  workflow: string;
  ref: string;
  tag: string;
  projects: string;
  updateRoutes: string;
  inputs: Record<string, string>;
  extraDispatches: unknown;
  token: string;
  appId: string;
  privateKey: string;
}

export type Auth = { kind: 'token'; token: string } | { kind: 'app'; appId: string; privateKey: string };

export function chooseAuth(values: Pick<ActionInputs, 'token' | 'appId' | 'privateKey'>): Auth {
  const token = values.token.trim();
  const appId = values.appId.trim();
  const key = values.privateKey.trim();
  if (token && (appId || key)) {
    throw new InputError(
      'token',
      'is given together with `app-id`/`private-key`',
      'either `token` (a personal access token) or `app-id` + `private-key` (a GitHub App), not both',
      '***',
    );
  }
  if (appId && !key)
    throw new InputError(
      'private-key',
      'is required with `app-id`',
      "the GitHub App's private key (PEM), e.g. `${{ secrets.APP_PRIVATE_KEY }}`",
      '',
    );
  if (key && !appId) throw new InputError('app-id', 'is required with `private-key`', "the GitHub App's App ID or client ID", '');
  if (appId) return { kind: 'app', appId, privateKey: key };
  if (!token) {
    throw new InputError(
      'token',
      'is required (or `app-id` + `private-key`)',
      'a token that may dispatch workflows in the target repository, e.g. `${{ secrets.WORKFLOW_PAT }}`; GITHUB_TOKEN cannot reach another repository',
      '',
    );
  }
  return { kind: 'token', token };
}

export interface Current {
  owner: string;
  repo: string;
}

export function buildTargets(values: ActionInputs, current: Current): { targets: TargetSpec[]; skippedExtras: ExtraDispatch[] } {
  const repository = resolveRepository({
    environment: values.environment,
    repository: values.repository,
    template: values.repositoryTemplate,
    current,
  });
  const workflow = parseWorkflowRef(values.workflow, 'workflow');
  const ref = parseDispatchRef(values.ref, 'ref');
  const updateRoutes = values.updateRoutes === '' ? undefined : values.updateRoutes.toLowerCase() === 'true';
  const main = buildDispatchInputs({ tag: values.tag.trim(), projects: parseProjects(values.projects), updateRoutes }, values.inputs);
  const targets: TargetSpec[] = [
    { label: 'main', repository, workflow, ref, inputs: main.values, sources: main.sources, workflowInput: 'workflow' },
  ];
  const environment = values.environment.trim();
  const extras = parseExtraDispatches(values.extraDispatches, { owner: current.owner, environment, repo: current.repo });
  const applicable = extrasFor(extras, environment);
  for (const extra of applicable) {
    const sources = Object.fromEntries(Object.keys(extra.inputs).map((k) => [k, 'extra-dispatches']));
    targets.push({
      label: `extra ${extra.index}`,
      repository: extra.repository,
      workflow: extra.workflow,
      ref: extra.ref,
      inputs: extra.inputs,
      sources,
      workflowInput: 'extra-dispatches',
    });
  }
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.repository.fullName.toLowerCase()} ${t.workflow.raw} ${t.ref}`;
    if (seen.has(key))
      throw new InputError(
        'extra-dispatches',
        `dispatches ${t.workflow.raw} in ${t.repository.fullName} twice`,
        'each workflow at most once per step',
        t.workflow.raw,
      );
    seen.add(key);
  }
  return { targets, skippedExtras: extras.filter((e) => !applicable.includes(e)) };
}

export function targetRepositories(targets: TargetSpec[]): RepositoryName[] {
  return targets.map((t) => t.repository);
}

export interface DispatchConfig {
  /** runFlow's configuration but for what the step's start and the runner decide (deadline, API URL). */
  flow: Omit<FlowConfig, 'deadline' | 'apiUrl'>;
  auth: Auth;
  /** The GitHub App's private key, parsed (app auth only). */
  key?: KeyObject;
  /** Extra dispatches for other environments, for the log. */
  skippedExtras: ExtraDispatch[];
  environment: string;
}

/** Every input read and checked, the targets built and the key parsed, before any request. */
export async function getInputs(
  read: RawInputReader = readRawInput,
  env: Record<string, string | undefined> = process.env,
): Promise<DispatchConfig> {
  const values = await readInputs(inputs, read);
  const context = readGitHubContext(env);
  const auth = chooseAuth(values);
  const key = auth.kind === 'app' ? parsePrivateKey(auth.privateKey) : undefined;
  const { targets, skippedExtras } = buildTargets(values, { owner: context.owner, repo: context.repo });
  return {
    flow: {
      targets,
      wait: values.wait,
      // The `timeout` input bounds the whole step: every request and every wait ends by its deadline.
      timeoutMs: values.timeout ?? 30 * 60_000,
      pollIntervalMs: values.pollInterval ?? 10_000,
      cancelOnAbort: values.cancelOnAbort,
      dryRun: values.dryRun,
      distinctIdInput: values.distinctIdInput,
    },
    auth,
    ...(key ? { key } : {}),
    skippedExtras,
    environment: values.environment,
  };
}
