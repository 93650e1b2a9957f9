/**
 * The environment of the migration tool (`backend: command`), explicit (SECURITY.md): what the user
 * asked for — the `env` input's variables, and the variables of the step's own environment that
 * `env-from-runner` names — plus the basics every program needs (PATH, HOME, locale, temp dirs,
 * proxies and CA bundles, core `childEnvironment`). Never the action's inputs (`INPUT_*`: the
 * kubeconfig, any token given to this step), its state, or the runner's tokens: a migration tool (or
 * a script, or a dependency of either) has no business with them.
 */
import { InputError, childEnvironment, isRunnerSecretVariable } from '@deploy-kit/core';
import { delimiter } from 'node:path';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIX = /^[A-Za-z_][A-Za-z0-9_]*\*$/;
const FORMS =
  'names of environment variables (`DATABASE_URL`), or a prefix ending in `*` (`PG*`, `AWS_*`), separated by commas or new lines';

/** `env-from-runner`: names and `PREFIX*` patterns; never the action's inputs or the runner's tokens. */
export function parseEnvFromRunner(input: string, entries: readonly string[]): string[] {
  for (const entry of entries) {
    if (entry === '*') throw new InputError(input, 'is `*`, which would pass the whole environment', FORMS, entries.join(', '));
    if (!NAME.test(entry) && !PREFIX.test(entry))
      throw new InputError(input, `"${entry}" is not a variable name or a prefix ending in \`*\``, FORMS, entries.join(', '));
    const name = entry.replace(/\*$/, '');
    if (isRunnerSecretVariable(name) || /^(INPUT|STATE)_?$/i.test(name) || /^ACTIONS_?$/i.test(name)) {
      throw new InputError(
        input,
        `"${entry}" names the action's inputs or the runner's tokens, which are never passed to the migration`,
        `${FORMS}; pass a value through \`env\` instead`,
        entries.join(', '),
      );
    }
  }
  return [...entries];
}

/** The variables of `parent` that the names and `PREFIX*` patterns select. */
export function selectVariables(patterns: readonly string[], parent: Record<string, string | undefined>): string[] {
  const names = new Set<string>();
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) {
      const prefix = pattern.slice(0, -1);
      for (const name of Object.keys(parent)) if (name.startsWith(prefix)) names.add(name);
    } else if (parent[pattern] !== undefined) names.add(pattern);
  }
  return [...names].sort();
}

/**
 * The tool's environment: the basics and the selected variables of `parent`, then `set` (the `env`
 * input) on top, with `path` first on PATH (the installed tool).
 */
export function commandEnvironment(
  options: { set: Readonly<Record<string, string>>; pass?: readonly string[]; path?: readonly string[] },
  parent: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env = childEnvironment({ set: { ...options.set }, pass: selectVariables(options.pass ?? [], parent) }, parent);
  if (options.path?.length) env.PATH = [...options.path, env.PATH ?? ''].join(delimiter);
  return env;
}
