// Jest-side helpers over lib/runner.mjs: run an action bundle as the runner does and assert on it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, actionYmlPath, describeResult, loadActionYml, type ActionYml, type RunResult } from './lib/runner.mjs';

export {
  DEFAULT_REPOSITORY,
  DEFAULT_SHA,
  DEFAULT_TOKEN,
  REPO_ROOT,
  SecretLeakError,
  actionNode,
  describeResult,
  findLeaks,
  inputEnvName,
  parseFileCommand,
  processCommands,
  redact,
  runAction,
} from './lib/runner.mjs';
export type { ActionYml, Leak, RunActionOptions, RunResult } from './lib/runner.mjs';

/** Throws (with exit code, problems, annotations, stderr and log) unless the run succeeded cleanly. */
export function expectSuccess(result: RunResult): void {
  const wrong: string[] = [];
  if (result.timedOut) wrong.push('it timed out');
  if (result.exitCode !== 0) wrong.push(`exit code ${result.exitCode} (expected 0)`);
  if (result.errors.length) wrong.push(`${result.errors.length} ::error:: annotation(s)`);
  if (result.problems.length) wrong.push(`${result.problems.length} runner problem(s)`);
  if (wrong.length) throw new Error(`Expected the action to succeed, but ${wrong.join(', ')}.\n${describeResult(result)}`);
}

/** Throws unless the run exited with code 1 and an `::error::` annotation contains `messagePart`. */
export function expectFailure(result: RunResult, messagePart: string | RegExp): void {
  const wrong: string[] = [];
  if (result.timedOut) wrong.push('it timed out');
  if (result.exitCode !== 1) wrong.push(`exit code ${result.exitCode} (expected 1)`);
  const matches = (e: string) => (typeof messagePart === 'string' ? e.includes(messagePart) : messagePart.test(e));
  if (!result.errors.some(matches)) {
    wrong.push(
      result.errors.length
        ? `no ::error:: annotation contains ${JSON.stringify(String(messagePart))}`
        : 'there was no ::error:: annotation',
    );
  }
  if (wrong.length) throw new Error(`Expected the action to fail, but ${wrong.join(', ')}.\n${describeResult(result)}`);
}

export type ActionKind = 'node' | 'composite' | 'docker' | 'other';

export interface DiscoveredAction {
  name: string;
  /** runs.using as declared. */
  using: string;
  kind: ActionKind;
  /** Absolute path of the action.yml. */
  file: string;
}

/** Every top-level folder of `root` that holds an action.yml (or action.yaml), sorted by name. */
export function discoverActions(root: string = REPO_ROOT): DiscoveredAction[] {
  const found: DiscoveredAction[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const file = actionYmlPath(entry.name, root);
    if (!file) continue;
    const using = String(loadActionYml(entry.name, root).runs.using ?? '');
    const kind: ActionKind = using.startsWith('node')
      ? 'node'
      : using === 'composite'
        ? 'composite'
        : using === 'docker'
          ? 'docker'
          : 'other';
    found.push({ name: entry.name, using, kind, file });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Names of the JavaScript actions (runs.using: node*) at the root. */
export function listActions(root: string = REPO_ROOT): string[] {
  return discoverActions(root)
    .filter((a) => a.kind === 'node')
    .map((a) => a.name);
}

/** Names of the composite actions (runs.using: composite) at the root. */
export function listCompositeActions(root: string = REPO_ROOT): string[] {
  return discoverActions(root)
    .filter((a) => a.kind === 'composite')
    .map((a) => a.name);
}

/** Parsed `<root>/<name>/action.yml`. */
export function readActionYml(name: string, root: string = REPO_ROOT): ActionYml {
  return loadActionYml(name, root);
}

/** `<root>/<name>` */
export function actionDir(name: string, root: string = REPO_ROOT): string {
  return join(root, name);
}
