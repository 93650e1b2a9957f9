/**
 * getInputs(): every input read and checked, and the step's plan built, before anything is contacted,
 * started or written (SECURITY.md rule 12). What it returns is all the flow needs: the validated plan,
 * the raw values the backends read, the files the step writes (resolved against the workspace and
 * RUNNER_TEMP) and when the step started (the step's `timeout` counts from there).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { readGitHubContext, readInputs } from '@deploy-kit/core';
import type { StepFiles } from './backends/types.js';
import { inputs } from './io.js';
import { checkDirectory, checkWritableFile } from './paths.js';
import { buildPlan, type Plan, type PlanContext, type Values } from './plan.js';

export interface MigrationConfig {
  plan: Plan;
  values: Values;
  files: StepFiles;
  /** When the step started (ms since the epoch): its `timeout` counts from here. */
  startedAt: number;
}

type Env = Record<string, string | undefined>;

export function workspacePath(path: string, env: Env = process.env): string {
  return isAbsolute(path) ? path : resolve(env.GITHUB_WORKSPACE || process.cwd(), path);
}

export function runnerTemp(env: Env, ...parts: string[]): string {
  return join(env.RUNNER_TEMP || tmpdir(), 'migrate-job', ...parts);
}

export function logFilePath(values: Values, plan: Plan, env: Env = process.env): string {
  return values.logFile ? workspacePath(values.logFile, env) : runnerTemp(env, `${plan.jobName || 'migration'}.log`);
}

/** The paths the step writes to or runs in, checked before anything is contacted or started. */
function checkPaths(plan: Plan, values: Values, env: Env): void {
  if (plan.backend === 'render' && values.outputFile) {
    checkWritableFile(
      'output-file',
      workspacePath(values.outputFile, env),
      values.outputFile,
      'a file path the runner can write (relative to the workspace), e.g. `charts/orders/templates/migrate-job.yaml`',
    );
  }
  if (plan.backend !== 'render' && values.logFile) {
    checkWritableFile(
      'log-file',
      workspacePath(values.logFile, env),
      values.logFile,
      'a file path the runner can write (relative to the workspace), e.g. `logs/migrate.log`',
    );
  }
  if (plan.backend === 'command' && values.workingDirectory)
    checkDirectory('working-directory', workspacePath(values.workingDirectory, env), values.workingDirectory);
}

/** The validated configuration from read input values (pure but for the path checks). */
export function configFrom(
  values: Values,
  context: PlanContext,
  env: Env = process.env,
  startedAt = Date.now(),
  warn?: (message: string) => void,
): MigrationConfig {
  const plan = buildPlan(values, context, warn);
  checkPaths(plan, values, env);
  const files: StepFiles = {
    log: logFilePath(values, plan, env),
    manifest: values.outputFile ? workspacePath(values.outputFile, env) : runnerTemp(env, `${plan.jobName}.yaml`),
    cwd: workspacePath(values.workingDirectory || '.', env),
  };
  return { plan, values, files, startedAt };
}

export async function getInputs(): Promise<MigrationConfig> {
  const startedAt = Date.now();
  const values = await readInputs(inputs);
  // Read once, and never handed on: no child process of this step (the tool, tar, a credential plugin)
  // can see the action's inputs, among them the kubeconfig (childenv.ts for the tool itself).
  for (const name of Object.keys(process.env)) if (/^INPUT_/i.test(name)) delete process.env[name];
  const context = readGitHubContext();
  return configFrom(values, { repository: context.repository, refType: context.refType, refName: context.refName }, process.env, startedAt);
}
