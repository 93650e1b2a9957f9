/**
 * What a workflow file (already parsed from YAML) says about being dispatched: whether it has a
 * `workflow_dispatch` trigger, the inputs it declares, and where a distinct id input shows up (its
 * `run-name`, or a job or step name). And the check of the inputs we are about to send against the
 * declared ones, so a mismatch fails with a clear message instead of GitHub's bare 422.
 */
import { ActionError, InputError, isJsonObject } from '@deploy-kit/core';

export const INPUT_TYPES = ['string', 'boolean', 'choice', 'number', 'environment'] as const;
export type DeclaredInputType = (typeof INPUT_TYPES)[number];

export interface DeclaredInput {
  name: string;
  type: DeclaredInputType;
  required: boolean;
  /** The default as the API would apply it (stringified); undefined when there is none. */
  default?: string;
  options: string[];
  description: string;
}

export interface WorkflowFile {
  path: string;
  /** The top-level `name`, when set. */
  name?: string;
  triggers: string[];
  dispatchable: boolean;
  inputs: DeclaredInput[];
  runName?: string;
  /** Names of jobs and steps as written (expressions unrendered). */
  jobAndStepNames: string[];
}

function scalar(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Reads the parsed YAML document of a workflow file. Throws ActionError when it is not a workflow. */
export function readWorkflowFile(doc: unknown, path: string, where: string): WorkflowFile {
  if (!isJsonObject(doc)) {
    throw new ActionError(`The workflow file ${path} in ${where} is not a YAML mapping`, {
      why: 'GitHub cannot run it either, so a dispatch would fail.',
      check: `Open ${path} in ${where} and fix the file.`,
    });
  }
  // YAML 1.1 parsers read a bare `on` key as the boolean true; accept both spellings.
  const on = 'on' in doc ? doc.on : 'true' in doc ? doc.true : undefined;
  let triggers: string[] = [];
  let dispatch: unknown;
  if (typeof on === 'string') triggers = [on];
  else if (Array.isArray(on)) triggers = on.filter((t): t is string => typeof t === 'string');
  else if (isJsonObject(on)) {
    triggers = Object.keys(on);
    dispatch = on.workflow_dispatch;
  }
  const dispatchable = triggers.includes('workflow_dispatch');
  const inputs: DeclaredInput[] = [];
  const declared = isJsonObject(dispatch) && isJsonObject(dispatch.inputs) ? dispatch.inputs : {};
  for (const [name, spec] of Object.entries(declared)) {
    const s = isJsonObject(spec) ? spec : {};
    const rawType = scalar(s.type) ?? 'string';
    const type = (INPUT_TYPES as readonly string[]).includes(rawType) ? (rawType as DeclaredInputType) : 'string';
    inputs.push({
      name,
      type,
      required: s.required === true || s.required === 'true',
      default: scalar(s.default),
      options: Array.isArray(s.options) ? s.options.map((o) => scalar(o) ?? '').filter((o) => o !== '') : [],
      description: scalar(s.description) ?? '',
    });
  }
  const jobAndStepNames: string[] = [];
  if (isJsonObject(doc.jobs)) {
    for (const job of Object.values(doc.jobs)) {
      if (!isJsonObject(job)) continue;
      const jobName = scalar(job.name);
      if (jobName) jobAndStepNames.push(jobName);
      if (Array.isArray(job.steps))
        for (const step of job.steps) if (isJsonObject(step) && scalar(step.name)) jobAndStepNames.push(scalar(step.name)!);
    }
  }
  return { path, name: scalar(doc.name), triggers, dispatchable, inputs, runName: scalar(doc['run-name']), jobAndStepNames };
}

/** `${{ inputs.distinct_id }}`, `${{ github.event.inputs.distinct_id }}`, `inputs['distinct_id']` … */
export function referencesInput(text: string, input: string): boolean {
  const escaped = input.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const reference = new RegExp(`(?:^|[^\\w.])(?:github\\.event\\.)?inputs(?:\\.${escaped}(?![\\w-])|\\[\\s*['"]${escaped}['"]\\s*\\])`);
  for (const match of text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) if (reference.test(match[1]!)) return true;
  return false;
}

/**
 * Where a run of this workflow shows the distinct id: in its name (`run-name`, visible while the run
 * is queued), in a job or step name (visible once a runner picked the job up), or nowhere.
 */
export type DistinctIdPlacement = 'run-name' | 'job-or-step-name' | 'unused' | 'undeclared';

export function distinctIdPlacement(file: WorkflowFile, input: string): DistinctIdPlacement {
  if (!file.inputs.some((i) => i.name === input)) return 'undeclared';
  if (file.runName !== undefined && referencesInput(file.runName, input)) return 'run-name';
  if (file.jobAndStepNames.some((name) => referencesInput(name, input))) return 'job-or-step-name';
  return 'unused';
}

export interface InputProblem {
  /** The action input the value came from (`version`, `inputs`, …). */
  source: string;
  problem: string;
  expected: string;
  got: string;
}

const TRUE_FALSE = /^(true|false)$/i;

/**
 * Checks `values` against the declared inputs. Returns the values as they will be sent (booleans
 * normalised to `true`/`false`) and every problem found. The distinct id, when the action sends one,
 * is already in `values`.
 */
export function checkDeclaredInputs(
  file: WorkflowFile,
  values: Record<string, string>,
  sources: Record<string, string>,
  workflowLabel: string,
): { values: Record<string, string>; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const out: Record<string, string> = {};
  const declared = new Map(file.inputs.map((i) => [i.name, i]));
  const names = file.inputs.map((i) => `\`${i.name}\``).join(', ');
  for (const [key, value] of Object.entries(values)) {
    const source = sources[key] ?? 'inputs';
    const spec = declared.get(key);
    if (!spec) {
      const near = file.inputs.find((i) => i.name.toLowerCase() === key.toLowerCase());
      problems.push({
        source,
        problem: `${workflowLabel} declares no input "${key}"${near ? ` (did you mean "${near.name}"? names are case-sensitive)` : ''}`,
        expected: file.inputs.length ? `one of its declared inputs: ${names}` : 'no inputs at all (the workflow declares none)',
        got: key,
      });
      continue;
    }
    if (spec.type === 'boolean') {
      if (!TRUE_FALSE.test(value)) {
        problems.push({ source, problem: `the workflow input "${key}" is a boolean`, expected: '`true` or `false`', got: value });
        continue;
      }
      out[key] = value.toLowerCase();
      continue;
    }
    if (spec.type === 'number' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
      problems.push({ source, problem: `the workflow input "${key}" is a number`, expected: 'a number such as `3` or `1.5`', got: value });
      continue;
    }
    if (spec.type === 'choice' && spec.options.length > 0 && !spec.options.includes(value)) {
      const near = spec.options.find((o) => o.toLowerCase() === value.toLowerCase());
      problems.push({
        source,
        problem: `"${value}" is not one of the choices of the workflow input "${key}"${near ? ` (did you mean "${near}"?)` : ''}`,
        expected: `one of ${spec.options.map((o) => `\`${o}\``).join(', ')}`,
        got: value,
      });
      continue;
    }
    out[key] = value;
  }
  for (const spec of file.inputs) {
    if (spec.required && !(spec.name in values) && (spec.default === undefined || spec.default === '')) {
      problems.push({
        source: 'inputs',
        problem: `${workflowLabel} requires the input "${spec.name}"${spec.description ? ` (${spec.description})` : ''}, and it has no default`,
        expected: `a value for "${spec.name}" in \`inputs\`${spec.type === 'choice' && spec.options.length ? ` (one of ${spec.options.map((o) => `\`${o}\``).join(', ')})` : ''}`,
        got: '(not given)',
      });
    }
  }
  return { values: out, problems };
}

/** One problem → an InputError naming its input; several → one ActionError listing them all. */
export function inputProblemsError(problems: InputProblem[], workflowLabel: string): ActionError {
  if (problems.length === 1) {
    const p = problems[0]!;
    return new InputError(p.source, p.problem, p.expected, p.got, {
      check: `The inputs ${workflowLabel} declares under on.workflow_dispatch.inputs.`,
    });
  }
  const lines = problems.map((p) => `- ${InputError.format(p.source, p.problem, p.expected, p.got, false)}`);
  return new ActionError(`The inputs do not match what ${workflowLabel} declares (${problems.length} problems):\n${lines.join('\n')}`, {
    why: 'GitHub would refuse the dispatch with 422 Unprocessable Entity.',
    check: `The inputs ${workflowLabel} declares under on.workflow_dispatch.inputs.`,
  });
}
