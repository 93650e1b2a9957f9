/**
 * The `inputs` object of the dispatch request: the convenience inputs mapped to the GitOps workflow's
 * input names (deployment guide section 8), merged with the free-form `inputs` map. Every value is a
 * string, as the API requires; the API accepts at most 25 inputs.
 */
import { InputError } from '@deploy-kit/core';

/** The API's limit on `inputs` properties (OpenAPI: maxProperties 25; GHES 3.17–3.19: 10). */
export const MAX_INPUTS = 25;

export interface Convenience {
  /** `tag` → `newVersion` (the release tag, `v1.2.3-rc.1`) */
  tag: string;
  /** `projects` → `projectNames` (joined with spaces) */
  projects: string[];
  /** `update-routes` → `updatesRoutes`; undefined leaves it out. */
  updateRoutes?: boolean;
}

export const CONVENIENCE_KEYS = { tag: 'newVersion', projects: 'projectNames', 'update-routes': 'updatesRoutes' } as const;

export interface DispatchInputs {
  values: Record<string, string>;
  /** Workflow input name → the action input that set it (for error messages). */
  sources: Record<string, string>;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Merges the convenience inputs and `extra` (the `inputs` map, already strings). A key set by both
 * with different values is an error rather than a silent winner.
 */
export function buildDispatchInputs(convenience: Convenience, extra: Record<string, string>, extraInputName = 'inputs'): DispatchInputs {
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra)) {
    if (!KEY.test(key)) {
      throw new InputError(
        extraInputName,
        `"${key}" is not a valid workflow input name`,
        'names of letters, digits, `_` and `-`, starting with a letter or `_`',
        key,
      );
    }
    values[key] = value;
    sources[key] = extraInputName;
  }
  const set = (actionInput: keyof typeof CONVENIENCE_KEYS, value: string) => {
    const key = CONVENIENCE_KEYS[actionInput];
    if (key in values && values[key] !== value) {
      throw new InputError(
        actionInput,
        `sets the workflow input "${key}" to "${value}", but \`${extraInputName}\` sets it to "${values[key]}"`,
        `one of the two, not both with different values`,
        value,
      );
    }
    values[key] = value;
    sources[key] = actionInput;
  };
  if (convenience.tag !== '') set('tag', convenience.tag);
  if (convenience.projects.length > 0) set('projects', convenience.projects.join(' '));
  if (convenience.updateRoutes !== undefined) set('update-routes', String(convenience.updateRoutes));
  checkInputCount(values, extraInputName, MAX_INPUTS);
  return { values, sources };
}

export function checkInputCount(
  values: Record<string, string>,
  inputName: string,
  max: number,
  why = 'the workflow_dispatch API accepts',
): void {
  const count = Object.keys(values).length;
  if (count > max) {
    throw new InputError(
      inputName,
      `gives ${count} workflow inputs, but ${why} at most ${max}`,
      `at most ${max} inputs (combine values into one JSON input if you need more)`,
      Object.keys(values).join(', '),
    );
  }
}

/** Stringifies a scalar the way the dispatch API expects (`true` → `"true"`); nested values are refused. */
export function stringifyInputValue(value: unknown, key: string, inputName: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new InputError(
    inputName,
    `the value of "${key}" is a ${Array.isArray(value) ? 'list' : 'map'}`,
    'single values (strings, numbers, booleans); pass structured data as a JSON string',
    JSON.stringify(value),
  );
}
