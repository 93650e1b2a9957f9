/**
 * What the other deploy-kit steps report, read into the deployment payload: image-tags' `json`
 * (`images`, by core's schema), push-artifacts' `json` (`artifacts`: digests and the S3 objects'
 * SHA-256), migrate-job's `json` (`migration`) and gitops-dispatch's `json` or a run URL (`gitops`).
 * Pure; each problem is an InputError naming the input.
 */
import { type DeployedEcs, type DeploymentPayload, InputError, isJsonObject, readDeployedEcs } from '@deploy-kit/core';
import { parseJsonObject } from '@deploy-kit/core/oci/released-images';

// Read in core (ecs-deploy and github-release read them too); re-exported for this action's modules.
export { type Artifacts, deployedImages, readArtifacts } from '@deploy-kit/core/oci/released-images';

const MIGRATION_FORM = 'migrate-job\'s `json` output (`{"status": "succeeded", "job-name": …}`)';
const GITOPS_FORM = "gitops-dispatch's `json` output, or the URL of the GitOps run";

export function readMigration(raw: string, schemaVersion: string): DeploymentPayload['migration'] {
  const value = parseJsonObject('migration', raw, MIGRATION_FORM);
  if (!value && schemaVersion === '') return null;
  const text = (key: string) => (value && typeof value[key] === 'string' && value[key] !== '' ? (value[key] as string) : null);
  const exit = value?.['exit-code'];
  const exitCode = typeof exit === 'number' ? exit : typeof exit === 'string' && /^-?\d+$/.test(exit) ? Number(exit) : null;
  return {
    status: text('status'),
    job: text('job-name'),
    'exit-code': exitCode,
    'schema-version': schemaVersion === '' ? text('schema-version') : schemaVersion,
  };
}

export function readGitops(raw: string): DeploymentPayload['gitops'] {
  const text = raw.trim();
  if (text === '') return null;
  if (/^https?:\/\//i.test(text)) {
    checkUrl('gitops', text);
    const id = /\/actions\/runs\/(\d+)/.exec(text);
    const repository = /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/actions\/runs\//i.exec(text);
    return { repository: repository?.[1] ?? null, 'run-id': id ? Number(id[1]) : null, 'run-url': text, conclusion: null };
  }
  const value = parseJsonObject('gitops', raw, GITOPS_FORM)!;
  const main = Array.isArray(value.dispatches) && isJsonObject(value.dispatches[0]) ? value.dispatches[0] : {};
  const runId = value['run-id'];
  const id = typeof runId === 'number' ? runId : typeof runId === 'string' && /^\d+$/.test(runId) ? Number(runId) : null;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { repository: str(main.repository), 'run-id': id, 'run-url': str(value['run-url']), conclusion: str(value.conclusion) };
}

const ECS_FORM = 'ecs-deploy\'s `json` output (`{"task-definition-arn": "arn:…:task-definition/orders:42", …}`)';

/** ecs-deploy's `json` (the revision deployed, for the rollback), or undefined when not given. */
export function readEcs(raw: string): DeployedEcs | undefined {
  const value = parseJsonObject('ecs', raw, ECS_FORM);
  return value ? readDeployedEcs(value) : undefined;
}

/** An http(s) URL, or an InputError naming `name`. */
export function checkUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(name, 'is not a URL', 'an http or https URL such as `https://staging.example.com/health`', value);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(name, `has the scheme ${url.protocol}`, 'an http or https URL', value);
  return url;
}
