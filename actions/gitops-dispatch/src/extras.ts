/**
 * `extra-dispatches`: further workflows to dispatch with the main one, e.g. production's
 * `Update API Gateway Routes` in `example-org/terraform-apps-production`. A YAML/JSON list of
 * `{repository, workflow, ref?, inputs?, environments?}`; `environments` limits an entry to those
 * environments, so one step definition can serve every environment.
 */
import { InputError, isJsonObject, splitList } from '@deploy-kit/core';
import { stringifyInputValue } from './dispatch-inputs.js';
import {
  type RepositoryName,
  type TemplateValues,
  type WorkflowRef,
  parseDispatchRef,
  parseWorkflowRef,
  renderRepositoryTemplate,
} from './target.js';

export interface ExtraDispatch {
  /** 1-based position in the list, for messages. */
  index: number;
  repository: RepositoryName;
  workflow: WorkflowRef;
  ref: string;
  inputs: Record<string, string>;
  /** Empty: every environment. */
  environments: string[];
}

const KEYS = ['repository', 'workflow', 'ref', 'inputs', 'environments'] as const;
/** The form `extra-dispatches` takes, with a short example (also io.ts's `expected`). */
export const EXTRA_DISPATCHES_FORM =
  'a YAML or JSON list of mappings `{repository, workflow, ref?, inputs?, environments?}`, e.g. `- repository: example-org/terraform-apps-production` / `  workflow: Update API Gateway Routes` / `  environments: [production]`';
const FORM = EXTRA_DISPATCHES_FORM;

export function parseExtraDispatches(value: unknown, templateValues: TemplateValues, inputName = 'extra-dispatches'): ExtraDispatch[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  const shown = (v: unknown) => JSON.stringify(v) ?? String(v);
  return list.map((entry, i) => {
    const index = i + 1;
    const at = `entry ${index}`;
    if (!isJsonObject(entry)) {
      // `repository=o/other` is the `key=value` form of map inputs; YAML reads it as one string.
      const keyValue = typeof entry === 'string' && /^\s*[A-Za-z_-]+\s*=/.test(entry);
      throw new InputError(
        inputName,
        `${at} is ${keyValue ? 'a `key=value` line, which this input does not take (it is a list of YAML mappings: `key: value`)' : 'not a mapping'}`,
        FORM,
        shown(entry),
      );
    }
    const unknown = Object.keys(entry).filter((k) => !(KEYS as readonly string[]).includes(k));
    if (unknown.length)
      throw new InputError(
        inputName,
        `${at} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}`,
        `only ${KEYS.join(', ')}`,
        shown(entry),
      );
    if (typeof entry.repository !== 'string' || entry.repository.trim() === '') {
      throw new InputError(inputName, `${at} has no \`repository\``, FORM, shown(entry));
    }
    if (typeof entry.workflow !== 'string' && typeof entry.workflow !== 'number') {
      throw new InputError(inputName, `${at} has no \`workflow\``, FORM, shown(entry));
    }
    const repository = renderRepositoryTemplate(entry.repository, templateValues, `${inputName}`);
    const workflow = parseWorkflowRef(String(entry.workflow), inputName);
    const ref = entry.ref === undefined || entry.ref === null ? '' : parseDispatchRef(String(entry.ref), inputName);
    const inputs: Record<string, string> = {};
    if (entry.inputs !== undefined && entry.inputs !== null) {
      if (!isJsonObject(entry.inputs))
        throw new InputError(
          inputName,
          `the \`inputs\` of ${at} is not a mapping`,
          'a mapping of workflow input names to values',
          shown(entry.inputs),
        );
      for (const [key, v] of Object.entries(entry.inputs)) inputs[key] = stringifyInputValue(v, key, inputName);
    }
    let environments: string[] = [];
    if (entry.environments !== undefined && entry.environments !== null) {
      const raw = entry.environments;
      const items = typeof raw === 'string' ? splitList(raw) : Array.isArray(raw) ? raw.map((e) => String(e)) : undefined;
      if (!items)
        throw new InputError(
          inputName,
          `the \`environments\` of ${at} is not a list`,
          'a list of environment names, e.g. `[production]`',
          shown(raw),
        );
      environments = items.map((e) => e.trim()).filter((e) => e !== '');
    }
    return { index, repository, workflow, ref, inputs, environments };
  });
}

/** The entries that apply to `environment`: those without `environments`, and those that list it. */
export function extrasFor(extras: ExtraDispatch[], environment: string): ExtraDispatch[] {
  return extras.filter((e) => e.environments.length === 0 || e.environments.includes(environment));
}
