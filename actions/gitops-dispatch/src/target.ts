/**
 * Where a dispatch goes: the repository (from the environment through a template, or given), the
 * workflow (numeric id, file name or display name) and the ref. Pure: plain values in, plain values
 * or an InputError out.
 */
import { InputError } from '@deploy-kit/core';

export interface RepositoryName {
  owner: string;
  repo: string;
  /** `owner/repo` */
  fullName: string;
}

// GitHub's rules: owners are 1–39 letters, digits and single hyphens; repository names up to 100
// characters of letters, digits, `.`, `_` and `-` (and not `.` or `..`).
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const REPOSITORY_FORM = '`owner/name`, e.g. `example-org/gitops-production`';

export function parseRepository(raw: string, inputName: string): RepositoryName {
  const value = raw.trim().replace(/\.git$/, '');
  const parts = value.split('/');
  if (parts.length !== 2) throw new InputError(inputName, 'is not an `owner/name` repository', REPOSITORY_FORM, raw);
  const [owner, repo] = parts as [string, string];
  if (!OWNER.test(owner)) {
    throw new InputError(
      inputName,
      `"${owner}" is not a valid owner (letters, digits and single hyphens, at most 39 characters)`,
      REPOSITORY_FORM,
      raw,
    );
  }
  if (!REPO.test(repo) || repo === '.' || repo === '..') {
    throw new InputError(
      inputName,
      `"${repo}" is not a valid repository name (letters, digits, \`.\`, \`_\`, \`-\`)`,
      REPOSITORY_FORM,
      raw,
    );
  }
  return { owner, repo, fullName: `${owner}/${repo}` };
}

export const TEMPLATE_VARIABLES = ['owner', 'environment', 'repo'] as const;

export interface TemplateValues {
  /** The owner of the repository the workflow runs in (`GITHUB_REPOSITORY_OWNER`). */
  owner: string;
  environment: string;
  /** The name of the repository the workflow runs in. */
  repo: string;
}

/** Renders `{owner}/gitops-{environment}`; unknown or empty placeholders are input errors. */
export function renderRepositoryTemplate(template: string, values: TemplateValues, inputName: string): RepositoryName {
  const expected = `a repository template using ${TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(', ')}, e.g. \`{owner}/gitops-{environment}\``;
  const rendered = template.trim().replace(/\{([^{}]*)\}/g, (_whole, name: string) => {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name))
      throw new InputError(inputName, `unknown placeholder {${name}}`, expected, template);
    const value = values[name as keyof TemplateValues];
    if (!value) {
      const source = name === 'environment' ? 'the `environment` input' : 'GITHUB_REPOSITORY';
      throw new InputError(inputName, `{${name}} is empty for this run (it comes from ${source})`, expected, template);
    }
    return value;
  });
  return parseRepository(rendered, inputName);
}

export interface RepositoryChoice {
  environment: string;
  repository: string;
  template: string;
  current: { owner: string; repo: string };
}

/** `repository` when given, else the template applied to `environment`; one of the two is needed. */
export function resolveRepository(choice: RepositoryChoice): RepositoryName {
  if (choice.repository.trim() !== '') return parseRepository(choice.repository, 'repository');
  if (choice.environment.trim() === '') {
    throw new InputError(
      'environment',
      'is required when `repository` is not given',
      'the environment to deploy to (e.g. `${{ steps.v.outputs.environment }}` from parse-version), or an explicit `repository: owner/name`',
      '',
    );
  }
  return renderRepositoryTemplate(
    choice.template,
    { owner: choice.current.owner, environment: choice.environment.trim(), repo: choice.current.repo },
    'repository-template',
  );
}

export type WorkflowRef =
  { kind: 'id'; id: number; raw: string } | { kind: 'file'; file: string; raw: string } | { kind: 'name'; name: string; raw: string };

const WORKFLOW_FORMS = 'a workflow name (`Update Project List Version`), a file name (`update.yml`) or a numeric workflow id';

/** `123` → id, `update.yml` or `.github/workflows/update.yml` → file, anything else → display name. */
export function parseWorkflowRef(raw: string, inputName: string): WorkflowRef {
  const value = raw.trim();
  if (value === '') throw new InputError(inputName, 'is empty', WORKFLOW_FORMS, raw);
  if (/^\d+$/.test(value)) {
    const id = Number(value);
    if (!Number.isSafeInteger(id) || id <= 0) throw new InputError(inputName, 'is not a valid workflow id', WORKFLOW_FORMS, raw);
    return { kind: 'id', id, raw: value };
  }
  if (/\.ya?ml$/i.test(value) && !/\s/.test(value)) {
    const file = value.replace(/^\.?\/?\.github\/workflows\//, '');
    if (file.includes('/')) {
      throw new InputError(
        inputName,
        'workflow files live directly in `.github/workflows/`, not in a subfolder',
        `${WORKFLOW_FORMS}; a file is named without folders (\`update.yml\`)`,
        raw,
      );
    }
    return { kind: 'file', file, raw: value };
  }
  if (value.length > 255) throw new InputError(inputName, 'is longer than a workflow name can be', WORKFLOW_FORMS, raw);
  return { kind: 'name', name: value, raw: value };
}

export function describeWorkflowRef(ref: WorkflowRef): string {
  switch (ref.kind) {
    case 'id':
      return `workflow id ${ref.id}`;
    case 'file':
      return `workflow file ${ref.file}`;
    default:
      return `workflow "${ref.name}"`;
  }
}

const REF_FORMS = 'a branch or tag name (`main`, `v1.2.3`, `refs/heads/main`); empty for the default branch';

/** The ref to dispatch on. A commit SHA is refused: the API only runs workflows on branches and tags. */
export function parseDispatchRef(raw: string, inputName: string): string {
  const value = raw.trim();
  if (value === '') return '';
  if (/^[0-9a-f]{40}$/i.test(value) || /^[0-9a-f]{64}$/i.test(value)) {
    throw new InputError(inputName, 'is a commit SHA; workflow_dispatch runs only on a branch or tag', REF_FORMS, raw);
  }
  if (/\s|\.\.|[~^:?*[\\]|@\{|\/\/|^\/|\/$|\.lock$|^-/.test(value))
    throw new InputError(inputName, 'is not a valid git ref name', REF_FORMS, raw);
  if (value.startsWith('refs/') && !/^refs\/(heads|tags)\/./.test(value)) {
    throw new InputError(inputName, 'is neither refs/heads/… nor refs/tags/…', REF_FORMS, raw);
  }
  return value;
}

/** The branch or tag name a run reports as `head_branch` for a dispatch on `ref`. */
export function refShortName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}
