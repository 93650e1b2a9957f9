/**
 * From the validated inputs and the run's context to what the flow does: which step, which
 * repository and ref, the deployment's flags and payload, the statuses' URLs and the checks.
 * Every cross-input rule lives here (pure), so main.ts stays wiring.
 */
import { DEPLOYMENT_PAYLOAD_VERSION, type DeploymentPayload, InputError, versionOfTag } from '@deploy-kit/core';
import type { Repository } from './api.js';
import type { Status, Step } from './io.js';
import { checkUrl, deployedImages, readArtifacts, readEcs, readGitops, readMigration } from './sources.js';
import { type VerifyCheck, parseVersionSource } from './verify.js';

export interface ActionInputs {
  step: Step;
  environment: string;
  tag: string;
  ref: string;
  repository: string;
  deploymentId: number | undefined;
  status: Status;
  description: string;
  environmentUrl: string;
  logUrl: string;
  productionEnvironment: string;
  transientEnvironment: string;
  autoInactive: boolean;
  images: string;
  artifacts: string;
  migration: string;
  schemaVersion: string;
  gitops: string;
  /** ecs-deploy's `json` (optional: callers built before `ecs` existed leave it out). */
  ecs?: string;
  verifyUrl: string[];
  verifyVersionFrom: string;
  verifyVersion: string;
  verifyInterval: number | undefined;
  verifyTimeout: number | undefined;
}

export interface RunContext {
  /** `owner/repo` of this run. */
  repository: string;
  sha: string;
  serverUrl: string;
  runId: string;
  runAttempt: string;
}

export interface RecordConfig {
  step: Step;
  repository: Repository;
  /** For `start`/`record`: what to create. */
  create?: {
    ref: string;
    environment: string;
    description: string;
    production: boolean;
    transient: boolean;
    payload: DeploymentPayload;
  };
  /** For `finish`. */
  deploymentId?: number;
  /** For `finish`/`record`. */
  status: Status;
  tag: string;
  environmentUrl?: string;
  /** The status' log URL: `log-url`, the GitOps run, or this workflow run. */
  logUrl: string;
  autoInactive: boolean;
  /** Empty: no verification. The expected versions are filled in by the flow when `finish` reads them from the deployment. */
  checks: VerifyCheck[];
  verify: { intervalMs: number; timeoutMs: number };
}

function flag(value: string, derived: boolean): boolean {
  return value === '' ? derived : value.toLowerCase() === 'true';
}

export function runUrl(context: RunContext): string {
  return context.runId
    ? `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}${context.runAttempt && context.runAttempt !== '1' ? `/attempts/${context.runAttempt}` : ''}`
    : '';
}

/** The versions a check accepts: `verify-version`, or the tag and its bare SemVer. */
export function expectedVersions(tag: string, verifyVersion: string): string[] {
  if (verifyVersion.trim() !== '') return [verifyVersion.trim()];
  return [...new Set([tag, versionOfTag(tag)].filter((v) => v !== ''))];
}

export function buildConfig(values: ActionInputs, context: RunContext): RecordConfig {
  const [owner = '', repo = ''] = (values.repository || context.repository).split('/');
  if (!owner || !repo)
    throw new InputError(
      'repository',
      'is empty and GITHUB_REPOSITORY is not set',
      '`owner/name` of the application repository',
      values.repository,
    );
  const repository = { owner, repo };
  for (const [name, value] of [
    ['environment-url', values.environmentUrl],
    ['log-url', values.logUrl],
  ] as const)
    if (value !== '') checkUrl(name, value);
  const gitops = readGitops(values.gitops);
  const thisRun = runUrl(context);
  const logUrl = values.logUrl || gitops?.['run-url'] || thisRun;
  const source = parseVersionSource(values.verifyVersionFrom);
  if (values.verifyUrl.length === 0 && (source || values.verifyVersion)) {
    throw new InputError(
      source ? 'verify-version-from' : 'verify-version',
      'is set without `verify-url`',
      'a `verify-url` to check, or leave it empty',
      source?.raw ?? values.verifyVersion,
    );
  }
  const checks: VerifyCheck[] = values.verifyUrl.map((url) => ({
    url: checkUrl('verify-url', url).href,
    source,
    expected: source ? expectedVersions(values.tag, values.verifyVersion) : [],
  }));
  const base = {
    step: values.step,
    repository,
    status: values.status,
    tag: values.tag,
    environmentUrl: values.environmentUrl || undefined,
    logUrl,
    autoInactive: values.autoInactive,
    checks,
    verify: { intervalMs: values.verifyInterval ?? 10_000, timeoutMs: values.verifyTimeout ?? 300_000 },
  };

  if (values.step === 'finish') {
    if (values.deploymentId === undefined) {
      throw new InputError(
        'deployment-id',
        'is required with `step: finish`',
        'the `deployment-id` output of the `step: start` step, e.g. `${{ steps.deployment.outputs.deployment-id }}`',
        '',
      );
    }
    return { ...base, deploymentId: values.deploymentId };
  }
  if (values.deploymentId !== undefined)
    throw new InputError(
      'deployment-id',
      `is given with \`step: ${values.step}\`, which creates the deployment`,
      '`step: finish` to finish an existing deployment',
      String(values.deploymentId),
    );
  const environment = values.environment.trim();
  if (environment === '')
    throw new InputError(
      'environment',
      `is required with \`step: ${values.step}\``,
      "the environment deployed to, e.g. parse-version's `environment` output",
      '',
    );
  if (values.tag === '' && values.ref === '' && context.sha === '') {
    throw new InputError(
      'tag',
      'is empty, and so are `ref` and GITHUB_SHA',
      "the release tag (parse-version's `tag` output), or a `ref` to record",
      '',
    );
  }
  const artifacts = readArtifacts(values.artifacts);
  const ecs = readEcs(values.ecs ?? '');
  const payload: DeploymentPayload = {
    'deploy-kit': DEPLOYMENT_PAYLOAD_VERSION,
    tag: values.tag,
    version: values.tag ? versionOfTag(values.tag) : '',
    environment,
    images: deployedImages(values.images, artifacts),
    s3: artifacts.s3,
    migration: readMigration(values.migration, values.schemaVersion),
    gitops,
    run: thisRun ? { url: thisRun, id: context.runId, attempt: context.runAttempt } : null,
    ...(ecs ? { ecs } : {}),
  };
  const what = values.tag || values.ref || context.sha.slice(0, 7);
  return {
    ...base,
    create: {
      // The tag: GitHub records the commit it points at. Without one, this run's commit.
      ref: values.ref || values.tag || context.sha,
      environment,
      description: values.description || `${what} to ${environment}`,
      production: flag(values.productionEnvironment, environment === 'production'),
      transient: flag(values.transientEnvironment, environment === 'development'),
      payload,
    },
  };
}

/** The token, or an InputError before any request: an empty one (a composite that passed nothing) is not sent. */
export function requireToken(token: string): string {
  if (token === '' || token.includes('${{')) {
    throw new InputError(
      'token',
      'is empty',
      'a token with `deployments: write` on the application repository, e.g. `${{ github.token }}` with `permissions: deployments: write`',
      '',
      { secret: true },
    );
  }
  return token;
}
