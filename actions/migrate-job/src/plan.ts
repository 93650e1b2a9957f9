/**
 * Cross-input checks and defaults, before any side effect: what each backend needs, names that
 * Kubernetes will accept, and the release/tag the Job is named after. Pure (values + context in).
 */
import { InputError, type InputValues, credentialTransportProblem, formatDuration, releaseTagOf, runner as core } from '@deploy-kit/core';
import { parseArgv } from './argv.js';
import {
  IMAGE_REFERENCE_FORMS as IMAGE_FORMS,
  parseImageReference as parseImageRef,
  type ImageReference as ImageRef,
} from '@deploy-kit/core/oci';
import { parseResources, validateEnvNames, type JobSpecInput, type Resources } from './manifest.js';
import { isDns1123Label, migrationJobName } from './naming.js';
import { parseChecksumInput, parseToolSpec, type ToolSpec } from './tool.js';
import { parseEnvFromRunner } from './childenv.js';
import type { inputs, Backend } from './io.js';

export type Values = InputValues<typeof inputs>;

export interface Plan {
  backend: Backend;
  release: string;
  tag: string;
  image?: ImageRef;
  jobName: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  envFromSecrets: string[];
  envFromConfigMaps: string[];
  /** `env-from-runner` (command): the step's variables the tool gets, by name or `PREFIX*`. */
  envFromRunner: string[];
  timeoutMs: number;
  ttlSeconds?: number;
  resources?: Resources;
  tool?: ToolSpec;
  toolChecksum?: string;
  dryRun: boolean;
}

export interface PlanContext {
  repository: string;
  refType: string;
  refName: string;
}

/** Inputs that only one backend reads; given to another backend they are ignored (a warning says so). */
const BACKEND_INPUTS: Record<Backend, readonly (keyof Values)[]> = {
  kubernetes: ['kubeconfig', 'context', 'namespace', 'serviceAccount', 'resources', 'rerunFailed', 'envFromConfigmap', 'envFromSecret'],
  ecs: ['region', 'taskDefinition', 'container', 'subnets', 'securityGroups', 'launchType', 'capacityProvider'],
  render: ['outputFile'],
  command: ['tool', 'toolBaseUrl', 'toolChecksum', 'workingDirectory', 'envFromRunner'],
};
const KEBAB: Partial<Record<keyof Values, string>> = {
  serviceAccount: 'service-account',
  rerunFailed: 'rerun-failed',
  envFromConfigmap: 'env-from-configmap',
  envFromSecret: 'env-from-secret',
  taskDefinition: 'task-definition',
  securityGroups: 'security-groups',
  launchType: 'launch-type',
  capacityProvider: 'capacity-provider',
  outputFile: 'output-file',
  toolBaseUrl: 'tool-base-url',
  toolChecksum: 'tool-checksum',
  workingDirectory: 'working-directory',
  envFromRunner: 'env-from-runner',
};

function given(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function ignoredInputs(values: Values): string[] {
  const ignored: string[] = [];
  for (const [backend, names] of Object.entries(BACKEND_INPUTS) as [Backend, readonly (keyof Values)[]][]) {
    if (backend === values.backend) continue;
    // render shares the Job spec inputs with kubernetes.
    if (values.backend === 'render' && backend === 'kubernetes' && names) {
      for (const name of ['kubeconfig', 'context', 'namespace', 'rerunFailed'] as const)
        if (given(values[name])) ignored.push(KEBAB[name] ?? name);
      continue;
    }
    for (const name of names) if (given(values[name])) ignored.push(KEBAB[name] ?? String(name));
  }
  return [...new Set(ignored)];
}

/**
 * A mirror is reached over https only: the release file and the checksum file it is verified by come
 * from the same host, so over plain http both could be replaced on the way. Plain http is accepted
 * for a loopback mirror only (127.0.0.1, ::1, localhost: a test server on the runner itself).
 */
export function checkToolBaseUrl(raw: string): void {
  if (!raw) return;
  const expected = "an https URL of a mirror in the tool's release layout (plain http only for a mirror on 127.0.0.1, ::1 or localhost)";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError('tool-base-url', 'is not a URL', expected, raw);
  }
  if (credentialTransportProblem(url) !== undefined) {
    throw new InputError(
      'tool-base-url',
      `is plain http to ${url.host}, so the download and the checksum it is verified by could both be changed on the way`,
      expected,
      raw,
    );
  }
}

export function buildPlan(values: Values, context: PlanContext, warn: (message: string) => void = (m) => core.warning(m)): Plan {
  const backend = values.backend;
  const ignored = ignoredInputs(values);
  if (ignored.length)
    warn(
      `backend "${backend}" does not use ${ignored.map((n) => `"${n}"`).join(', ')}; ${ignored.length === 1 ? 'it is' : 'they are'} ignored`,
    );

  let image: ImageRef | undefined;
  if (values.image) {
    try {
      image = parseImageRef(values.image);
    } catch (error) {
      throw new InputError('image', (error as Error).message, IMAGE_FORMS, values.image);
    }
  } else if (backend === 'kubernetes' || backend === 'render') {
    throw new InputError('image', `is required with backend "${backend}"`, IMAGE_FORMS, '');
  }

  const command = parseArgv('command', values.command);
  const args = parseArgv('args', values.args);
  if (backend === 'command' && command.length === 0) {
    throw new InputError(
      'command',
      'is required with backend "command"',
      'the migration command, e.g. `migrate -path db/migrations -database "$DATABASE_URL" up`',
      '',
    );
  }
  validateEnvNames('env', values.env);
  for (const [input, names] of [
    ['env-from-secret', values.envFromSecret],
    ['env-from-configmap', values.envFromConfigmap],
  ] as const) {
    for (const name of names) {
      if (!isDns1123Label(name) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
        throw new InputError(
          input,
          `"${name}" is not a Kubernetes object name`,
          'names of lowercase letters, digits, `-` and `.`',
          names.join(', '),
        );
      }
    }
  }
  if (values.namespace && !isDns1123Label(values.namespace))
    throw new InputError(
      'namespace',
      'is not a valid namespace name',
      'a DNS-1123 label (lowercase letters, digits and `-`, at most 63)',
      values.namespace,
    );
  if (values.serviceAccount && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(values.serviceAccount)) {
    throw new InputError(
      'service-account',
      'is not a valid service account name',
      'a DNS-1123 name (lowercase letters, digits, `-` and `.`)',
      values.serviceAccount,
    );
  }
  const resources = parseResources('resources', values.resources);

  const repoName = context.repository.split('/').pop() ?? '';
  const release = values.release || repoName;
  const tag = values.tag || image?.tag || releaseTagOf(context);
  let jobName = '';
  if (backend === 'kubernetes' || backend === 'render' || backend === 'ecs') {
    if (!release)
      throw new InputError(
        'release',
        `is required with backend "${backend}" (GITHUB_REPOSITORY is not set either)`,
        'the Helm release / service name, e.g. `orders`',
        '',
      );
    if (!tag) {
      throw new InputError(
        'tag',
        'is empty, the image has no tag and this is not a tag build',
        "the release tag the migration belongs to, e.g. `v1.2.3` (parse-version's `tag` output)",
        '',
      );
    }
    try {
      jobName = migrationJobName(release, tag);
    } catch (error) {
      throw new InputError(
        /^release/.test((error as Error).message) ? 'release' : 'tag',
        (error as Error).message,
        'letters or digits to name the Job with',
        /^release/.test((error as Error).message) ? release : tag,
      );
    }
  }

  if (backend === 'ecs') {
    if (!values.taskDefinition)
      throw new InputError(
        'task-definition',
        'is required with backend "ecs"',
        'a task definition family (`app-migrate`), `family:revision` or ARN',
        '',
      );
    if (values.launchType && values.capacityProvider) {
      throw new InputError(
        'capacity-provider',
        'is given together with "launch-type", which ECS refuses',
        'either `launch-type` or `capacity-provider`',
        values.capacityProvider,
      );
    }
  }

  const tool = parseToolSpec('tool', values.tool);
  const toolChecksum = parseChecksumInput('tool-checksum', values.toolChecksum);
  if (toolChecksum && !tool)
    throw new InputError('tool-checksum', 'is given without "tool"', 'a `tool` to verify, or no tool-checksum', values.toolChecksum);
  checkToolBaseUrl(values.toolBaseUrl);

  const timeoutMs = values.timeout ?? 600_000;
  const ttlSeconds = values.ttl === undefined ? undefined : Math.round(values.ttl / 1000);
  if (backend === 'kubernetes' && ttlSeconds !== undefined && ttlSeconds < 60 && values.cleanup === 'never') {
    warn(
      `ttl ${formatDuration(values.ttl!)} deletes the finished Job almost at once; a re-run then cannot see that this migration already ran`,
    );
  }

  return {
    backend,
    release,
    tag,
    image,
    jobName,
    command,
    args,
    env: values.env,
    envFromSecrets: values.envFromSecret,
    envFromConfigMaps: values.envFromConfigmap,
    envFromRunner: parseEnvFromRunner('env-from-runner', values.envFromRunner),
    timeoutMs,
    ttlSeconds,
    resources,
    tool,
    toolChecksum,
    dryRun: values.dryRun,
  };
}

/**
 * How long after the Job's own deadline (activeDeadlineSeconds, = timeout) our wait gives up: a tenth of
 * the timeout, at least 5 s and at most a minute, so Kubernetes' verdict (DeadlineExceeded) normally comes first.
 */
export function waitGraceMs(timeoutMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.round(timeoutMs / 10)));
}

/**
 * The step's deadline, counted from its start (main.ts): every wait of the step ends with it — the
 * tool's download, the digest lookup, the Kubernetes and ECS calls — so a server that accepts and never
 * answers cannot hold the step past its `timeout`. Cancellation is separate: each backend reacts to it.
 */
export interface StepDeadline {
  /** When the step's waiting ends (ms since the epoch). */
  at: number;
  /** Aborts at `at`. */
  signal: AbortSignal;
}

/** How long the whole step may wait, from its start: `timeout`, plus the grace for a Kubernetes Job's own verdict. */
export function stepBudgetMs(plan: Pick<Plan, 'backend' | 'timeoutMs'>): number {
  return plan.timeoutMs + (plan.backend === 'kubernetes' ? waitGraceMs(plan.timeoutMs) : 0);
}

/** The Job the plan describes; one definition for the Kubernetes backend and the Helm hook. */
export function jobSpec(plan: Plan, values: Values, image: string, namespace?: string): JobSpecInput {
  return {
    name: plan.jobName,
    namespace,
    release: plan.release,
    tag: plan.tag,
    image,
    command: plan.command,
    args: plan.args,
    env: plan.env,
    envFromSecrets: plan.envFromSecrets,
    envFromConfigMaps: plan.envFromConfigMaps,
    deadlineSeconds: Math.round(plan.timeoutMs / 1000),
    ttlSeconds: plan.ttlSeconds,
    serviceAccount: values.serviceAccount || undefined,
    resources: plan.resources,
  };
}
