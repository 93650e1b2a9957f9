/**
 * Checks before dispatching, with the target's own data: the token can see the repository (and may
 * write to it), the workflow exists (else: the workflows that do) and is active, its file on the
 * ref declares `workflow_dispatch`, and the inputs match its declared inputs.
 */
import { ActionError, httpStatus } from '@deploy-kit/core';
import { type GitHubApi, versionBelow } from './api.js';
import type { Logger } from './clock.js';
import { MAX_INPUTS, checkInputCount } from './dispatch-inputs.js';
import { explainApiError } from './explain.js';
import { type RepositoryName, type WorkflowRef, describeWorkflowRef } from './target.js';
import {
  type DistinctIdPlacement,
  type WorkflowFile,
  checkDeclaredInputs,
  distinctIdPlacement,
  inputProblemsError,
  readWorkflowFile,
} from './workflow-file.js';

export interface TargetSpec {
  /** `main`, or `extra 1`, … */
  label: string;
  repository: RepositoryName;
  workflow: WorkflowRef;
  /** '' = the repository's default branch. */
  ref: string;
  inputs: Record<string, string>;
  /** Workflow input → the action input it came from. */
  sources: Record<string, string>;
  /** The action input that named the workflow (`workflow` or `extra-dispatches`). */
  workflowInput: string;
}

export interface WorkflowInfo {
  id: number;
  name: string;
  path: string;
  state: string;
  html_url: string;
}

export interface Resolved {
  target: TargetSpec;
  api: GitHubApi;
  defaultBranch: string;
  ref: string;
  workflow: WorkflowInfo;
  /** undefined when the token may not read the file (then its inputs were not checked). */
  file?: WorkflowFile;
  /** The validated inputs, without the distinct id. */
  inputs: Record<string, string>;
  distinctId?: { input: string; placement: DistinctIdPlacement };
  /** `"Update Project List Version" (.github/workflows/update.yml) in example-org/gitops-staging` */
  description: string;
}

export interface PreflightDeps {
  parseYaml(text: string): unknown;
  distinctIdInput: string;
  log: Logger;
}

interface Repo {
  full_name: string;
  default_branch: string;
  archived?: boolean;
  permissions?: { push?: boolean; admin?: boolean; maintain?: boolean };
}

interface WorkflowList {
  total_count: number;
  workflows: WorkflowInfo[];
}

const MAX_WORKFLOW_PAGES = 10;
export const GHES_MAX_INPUTS = 10;

async function listWorkflows(api: GitHubApi, repo: RepositoryName): Promise<WorkflowInfo[]> {
  const all: WorkflowInfo[] = [];
  for (let page = 1; page <= MAX_WORKFLOW_PAGES; page++) {
    const { data } = await api.call<WorkflowList>(`list the workflows of ${repo.fullName}`, 'GET /repos/{owner}/{repo}/actions/workflows', {
      owner: repo.owner,
      repo: repo.repo,
      per_page: 100,
      page,
    });
    all.push(...data.workflows);
    if (data.workflows.length < 100 || all.length >= data.total_count) break;
  }
  return all;
}

function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function listing(workflows: WorkflowInfo[]): string {
  const shown = workflows.filter((w) => w.path.startsWith('.github/workflows/'));
  if (shown.length === 0) return 'it has no workflows';
  return `its workflows are: ${shown.map((w) => `"${w.name}" (${fileName(w.path)}, id ${w.id})`).join(', ')}`;
}

async function resolveWorkflow(api: GitHubApi, target: TargetSpec): Promise<WorkflowInfo> {
  const repo = target.repository;
  const ref = target.workflow;
  const notFound = (workflows: WorkflowInfo[], extra = '') =>
    new ActionError(`The ${describeWorkflowRef(ref)} was not found in ${repo.fullName}${extra}`, {
      why: `${repo.fullName} has no such workflow; ${listing(workflows)}.`,
      check: [
        `The \`${target.workflowInput}\` input: a workflow's name (its \`name:\`), its file name or its id.`,
        'The workflow file is on the default branch (GitHub lists workflows from there).',
      ],
    });
  if (ref.kind === 'name') {
    const workflows = await listWorkflows(api, repo);
    const exact = workflows.filter((w) => w.name === ref.name);
    if (exact.length === 1) return exact[0]!;
    if (exact.length > 1) {
      throw new ActionError(`${exact.length} workflows in ${repo.fullName} are named "${ref.name}"`, {
        why: `The name is ambiguous: ${exact.map((w) => `${fileName(w.path)} (id ${w.id})`).join(', ')}.`,
        check: `Name the workflow by its file instead, e.g. \`workflow: ${fileName(exact[0]!.path)}\`.`,
      });
    }
    const near = workflows.filter((w) => w.name.toLowerCase() === ref.name.toLowerCase());
    throw notFound(workflows, near.length === 1 ? ` (did you mean "${near[0]!.name}"? names are case-sensitive)` : '');
  }
  try {
    const { data } = await api.call<WorkflowInfo>(
      `get the ${describeWorkflowRef(ref)} of ${repo.fullName}`,
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}',
      {
        owner: repo.owner,
        repo: repo.repo,
        workflow_id: ref.kind === 'id' ? ref.id : ref.file,
      },
    );
    return data;
  } catch (error) {
    if (httpStatus(error) !== 404)
      throw explainApiError(error, {
        doing: `get the ${describeWorkflowRef(ref)} of ${repo.fullName}`,
        repository: repo.fullName,
        auth: api.auth,
      });
    throw notFound(await listWorkflows(api, repo));
  }
}

interface ContentFile {
  type: string;
  encoding?: string;
  content?: string;
}

/** Whether `ref` names a branch or tag of the repository. */
async function refExists(api: GitHubApi, repo: RepositoryName, ref: string): Promise<boolean> {
  const candidates = ref.startsWith('refs/') ? [ref.slice('refs/'.length)] : [`heads/${ref}`, `tags/${ref}`];
  for (const candidate of candidates) {
    try {
      await api.call(`look up ${candidate} in ${repo.fullName}`, 'GET /repos/{owner}/{repo}/git/ref/{ref}', {
        owner: repo.owner,
        repo: repo.repo,
        ref: candidate,
      });
      return true;
    } catch (error) {
      if (httpStatus(error) !== 404)
        throw explainApiError(error, {
          doing: `look up the ref ${ref} in ${repo.fullName}`,
          repository: repo.fullName,
          ref,
          auth: api.auth,
        });
    }
  }
  return false;
}

async function readFile(
  api: GitHubApi,
  repo: RepositoryName,
  workflow: WorkflowInfo,
  ref: string,
  deps: PreflightDeps,
): Promise<WorkflowFile | undefined> {
  let content: ContentFile;
  try {
    content = (
      await api.call<ContentFile>(`read ${workflow.path} at ${ref}`, 'GET /repos/{owner}/{repo}/contents/{path}', {
        owner: repo.owner,
        repo: repo.repo,
        path: workflow.path,
        ref,
      })
    ).data;
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403) {
      deps.log.warning(
        `Cannot read ${workflow.path} in ${repo.fullName} (HTTP 403): the token lacks "Contents: Read", so the inputs are not checked against the workflow's declared inputs and the run is found by time window.`,
      );
      return undefined;
    }
    if (status === 404) {
      if (!(await refExists(api, repo, ref))) {
        throw new ActionError(`The ref "${ref}" does not exist in ${repo.fullName}`, {
          why: 'workflow_dispatch runs a workflow on a branch or tag of the target repository, and there is no branch or tag of that name.',
          check: ['The `ref` input (empty means the default branch).', `The branches and tags of ${repo.fullName}.`],
        });
      }
      throw new ActionError(`The workflow file ${workflow.path} does not exist on "${ref}" in ${repo.fullName}`, {
        why: 'GitHub runs the workflow file as it is on the dispatched ref, and that ref has no such file.',
        check: ['The `ref` input: a branch or tag that has the workflow file.'],
      });
    }
    throw explainApiError(error, { doing: `read ${workflow.path} in ${repo.fullName}`, repository: repo.fullName, ref, auth: api.auth });
  }
  if (content.type !== 'file' || typeof content.content !== 'string') {
    throw new ActionError(`${workflow.path} in ${repo.fullName} is a ${content.type}, not a file`);
  }
  const text = Buffer.from(content.content, (content.encoding ?? 'base64') as BufferEncoding).toString('utf8');
  let doc: unknown;
  try {
    doc = deps.parseYaml(text);
  } catch (error) {
    throw new ActionError(`The workflow file ${workflow.path} on "${ref}" in ${repo.fullName} is not valid YAML`, {
      why: `${(error as Error).message.split('\n')[0]} — GitHub could not run it either.`,
      check: `Fix ${workflow.path} in ${repo.fullName}.`,
    });
  }
  return readWorkflowFile(doc, workflow.path, `${repo.fullName}@${ref}`);
}

export async function preflight(api: GitHubApi, target: TargetSpec, deps: PreflightDeps): Promise<Resolved> {
  const repo = target.repository;
  let info: Repo;
  let scopes: string | undefined;
  try {
    const response = await api.call<Repo>(`read ${repo.fullName}`, 'GET /repos/{owner}/{repo}', { owner: repo.owner, repo: repo.repo });
    info = response.data;
    const header = response.headers['x-oauth-scopes'];
    scopes = header === undefined ? undefined : String(header);
  } catch (error) {
    throw explainApiError(error, { doing: `read ${repo.fullName}`, repository: repo.fullName, auth: api.auth });
  }
  if (info.archived) {
    throw new ActionError(`${repo.fullName} is archived`, {
      why: 'An archived repository is read-only; its workflows cannot be dispatched.',
      check: 'The target repository (`repository` / `repository-template`).',
    });
  }
  if (info.permissions && info.permissions.push === false && !info.permissions.admin && !info.permissions.maintain) {
    throw new ActionError(`The token can read ${repo.fullName} but not write to it`, {
      why: 'Dispatching a workflow needs write access to the repository.',
      check: [
        `Give the token's owner (or the App) write access to ${repo.fullName}.`,
        api.auth === 'app' ? 'The App needs "Actions: Read and write".' : 'A fine-grained token needs "Actions: Read and write" on it.',
      ],
    });
  }
  // Classic personal access tokens report their scopes; the dispatch endpoint needs `repo`.
  if (scopes !== undefined && api.auth === 'token') {
    const list = scopes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!list.includes('repo')) {
      throw new ActionError(`The classic personal access token lacks the \`repo\` scope`, {
        why: `It has ${list.length ? list.map((s) => `\`${s}\``).join(', ') : 'no scopes'}; GitHub requires \`repo\` to dispatch a workflow ("OAuth tokens and personal access tokens (classic) need the repo scope").`,
        check: 'Regenerate the token with the `repo` scope, or use a fine-grained token with "Actions: Read and write".',
      });
    }
  }
  const workflow = await resolveWorkflow(api, target);
  if (workflow.state !== 'active') {
    throw new ActionError(
      `The workflow "${workflow.name}" (${workflow.path}) in ${repo.fullName} is ${workflow.state.replace(/_/g, ' ')}`,
      {
        why: 'GitHub does not start disabled workflows.',
        check: `Enable it: Actions → ${workflow.name} → Enable workflow (or \`gh workflow enable ${workflow.id} -R ${repo.fullName}\`).`,
      },
    );
  }
  const ref = target.ref || info.default_branch;
  const description = `"${workflow.name}" (${workflow.path}) in ${repo.fullName}`;
  const file = await readFile(api, repo, workflow, ref, deps);
  let inputs = { ...target.inputs };
  let distinctId: Resolved['distinctId'];
  if (file) {
    if (!file.dispatchable) {
      throw new ActionError(`The workflow ${description} has no workflow_dispatch trigger on "${ref}"`, {
        why: `Its \`on:\` lists ${file.triggers.length ? file.triggers.map((t) => `\`${t}\``).join(', ') : 'no triggers'}; GitHub only dispatches workflows that declare \`on: workflow_dispatch\`.`,
        check: `Add \`workflow_dispatch:\` (with its inputs) to the \`on:\` of ${workflow.path} on ${ref}.`,
      });
    }
    if (deps.distinctIdInput in inputs) {
      throw new ActionError(`The input "${deps.distinctIdInput}" is set by the action itself`, {
        why: 'gitops-dispatch fills the distinct id input with a fresh value for every dispatch, so it can find its own run.',
        check: `Remove "${deps.distinctIdInput}" from \`inputs\`, or set \`distinct-id-input\` to another name.`,
      });
    }
    const checked = checkDeclaredInputs(file, inputs, target.sources, `the workflow ${description}`);
    if (checked.problems.length) throw inputProblemsError(checked.problems, `the workflow ${description}`);
    inputs = checked.values;
    const placement = distinctIdPlacement(file, deps.distinctIdInput);
    if (placement !== 'undeclared') distinctId = { input: deps.distinctIdInput, placement };
    if (placement === 'unused') {
      deps.log.warning(
        `${description} declares the input "${deps.distinctIdInput}" but shows it neither in its run-name nor in a job or step name, so it cannot identify the run; add \`run-name: … \${{ inputs.${deps.distinctIdInput} }}\` to the workflow.`,
      );
    }
  }
  const all = { ...inputs, ...(distinctId ? { [distinctId.input]: 'x' } : {}) };
  const countInput = target.workflowInput === 'workflow' ? 'inputs' : target.workflowInput;
  // GitHub Enterprise Server 3.17–3.19 accept at most 10 inputs (their OpenAPI descriptions), github.com 25.
  const ghes = api.enterpriseVersion;
  const max = ghes !== undefined && versionBelow(ghes, 3, 20) ? GHES_MAX_INPUTS : MAX_INPUTS;
  checkInputCount(
    all,
    countInput,
    max,
    `${distinctId ? `counting the distinct id input "${distinctId.input}", ` : ''}${ghes ? `GitHub Enterprise Server ${ghes}` : 'the workflow_dispatch API'} accepts`,
  );
  return { target, api, defaultBranch: info.default_branch, ref, workflow, file, inputs, distinctId, description };
}
