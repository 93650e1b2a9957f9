/**
 * The migration Job, as a plain object (what the API server receives and what `backend: render`
 * writes for Helm): the app image by digest, `backoffLimit: 0` and `restartPolicy: Never` (a failed
 * migration is never retried behind the user's back), `activeDeadlineSeconds` from `timeout`,
 * `ttlSecondsAfterFinished`, `envFrom` secrets/config maps, and labels/annotations that tie the Job
 * to its release, tag and image so a re-run can tell "this very migration" from another one.
 */
import { InputError } from '@deploy-kit/core';
import { labelValue } from './naming.js';

export const CONTAINER_NAME = 'migrate';
export const ANNOTATION_RELEASE = 'deploy-kit/release';
export const ANNOTATION_TAG = 'deploy-kit/tag';
export const ANNOTATION_IMAGE = 'deploy-kit/image';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const COMPONENT = 'migration';

export interface ResourceList {
  cpu?: string;
  memory?: string;
  'ephemeral-storage'?: string;
}
export interface Resources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface JobSpecInput {
  name: string;
  /** Omitted for Helm (the release's namespace applies). */
  namespace?: string;
  release: string;
  tag: string;
  /** By digest. */
  image: string;
  command: readonly string[];
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  envFromSecrets: readonly string[];
  envFromConfigMaps: readonly string[];
  /** activeDeadlineSeconds; undefined = none. */
  deadlineSeconds?: number;
  /** ttlSecondsAfterFinished; undefined = kept until deleted. */
  ttlSeconds?: number;
  serviceAccount?: string;
  resources?: Resources;
  /** `app.kubernetes.io/managed-by` (`deploy-kit`, or `Helm` for rendered hooks). */
  managedBy?: string;
}

/** The subset of batch/v1 Job this action writes; plain JSON, no client types. */
export interface JobManifest {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    backoffLimit: 0;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        restartPolicy: 'Never';
        serviceAccountName?: string;
        containers: ContainerManifest[];
      };
    };
  };
}

export interface ContainerManifest {
  name: string;
  image: string;
  imagePullPolicy: 'IfNotPresent';
  command?: string[];
  args?: string[];
  env?: { name: string; value: string }[];
  envFrom?: ({ secretRef: { name: string } } | { configMapRef: { name: string } })[];
  resources?: Resources;
}

export function jobLabels(release: string, tag: string, managedBy = 'deploy-kit'): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_COMPONENT]: COMPONENT,
    [LABEL_INSTANCE]: labelValue(release),
    [LABEL_MANAGED_BY]: managedBy,
  };
  const version = labelValue(tag);
  if (version) labels[LABEL_VERSION] = version;
  if (!labels[LABEL_INSTANCE]) delete labels[LABEL_INSTANCE];
  return labels;
}

export function renderJob(input: JobSpecInput): JobManifest {
  const labels = jobLabels(input.release, input.tag, input.managedBy);
  const annotations = { [ANNOTATION_RELEASE]: input.release, [ANNOTATION_TAG]: input.tag, [ANNOTATION_IMAGE]: input.image };
  const container: ContainerManifest = { name: CONTAINER_NAME, image: input.image, imagePullPolicy: 'IfNotPresent' };
  if (input.command.length) container.command = [...input.command];
  if (input.args.length) container.args = [...input.args];
  const env = Object.entries(input.env).map(([name, value]) => ({ name, value }));
  if (env.length) container.env = env;
  const envFrom = [
    ...input.envFromSecrets.map((name) => ({ secretRef: { name } })),
    ...input.envFromConfigMaps.map((name) => ({ configMapRef: { name } })),
  ];
  if (envFrom.length) container.envFrom = envFrom;
  if (input.resources && (input.resources.requests || input.resources.limits)) container.resources = input.resources;
  const metadata: JobManifest['metadata'] = { name: input.name, labels, annotations };
  if (input.namespace) metadata.namespace = input.namespace;
  const podSpec: JobManifest['spec']['template']['spec'] = { restartPolicy: 'Never', containers: [container] };
  if (input.serviceAccount) podSpec.serviceAccountName = input.serviceAccount;
  // Key order as people write it: the Job's own settings first, then the pod template.
  const spec = { backoffLimit: 0 } as JobManifest['spec'];
  if (input.deadlineSeconds !== undefined) spec.activeDeadlineSeconds = input.deadlineSeconds;
  if (input.ttlSeconds !== undefined) spec.ttlSecondsAfterFinished = input.ttlSeconds;
  spec.template = { metadata: { labels: { ...labels }, annotations: { ...annotations } }, spec: podSpec };
  // Key order as kubectl prints it: apiVersion, kind, metadata, spec.
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec };
}

export const HOOK_ANNOTATION = 'helm.sh/hook';
export const HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
export const HOOK_DELETE_POLICY_ANNOTATION = 'helm.sh/hook-delete-policy';

/** The Job as a Helm pre-install/pre-upgrade hook (seed 001): Helm waits for it and stops the release when it fails. */
export function renderHelmHook(input: JobSpecInput, hookWeight: number): JobManifest {
  const job = renderJob({ ...input, namespace: undefined, managedBy: input.managedBy ?? 'Helm' });
  job.metadata.annotations = {
    [HOOK_ANNOTATION]: 'pre-install,pre-upgrade',
    [HOOK_WEIGHT_ANNOTATION]: String(hookWeight),
    [HOOK_DELETE_POLICY_ANNOTATION]: 'before-hook-creation',
    ...job.metadata.annotations,
  };
  return job;
}

/** YAML for a chart's templates/ folder; `{{` in any value is escaped so Helm prints it literally. */
export async function toYaml(job: JobManifest, header: readonly string[] = []): Promise<string> {
  const { stringify } = await import('yaml');
  const body = stringify(job, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  const escaped = body.replace(/\{\{/g, '{{ "{{" }}');
  return `${header.map((line) => `# ${line}\n`).join('')}${escaped}`;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E|[eE][+-]?\d+)?$/;
const RESOURCE_FORMS = 'JSON or YAML like `{requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}`';

export function validateEnvNames(name: string, env: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(env)) {
    if (!ENV_NAME.test(key))
      throw new InputError(
        name,
        `"${key}" is not a valid environment variable name`,
        'names of letters, digits, `_`, `-` and `.`, not starting with a digit',
        key,
      );
  }
}

/** `resources` input → Resources (only requests/limits of cpu, memory, ephemeral-storage; quantities checked). */
export function parseResources(name: string, value: unknown): Resources | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  // `cpu=100m` (the `env` input's form) is YAML text, not a map: say which form resources take.
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    throw new InputError(name, 'is a single value, not a map of `requests` and `limits`', RESOURCE_FORMS, String(value));
  if (typeof value !== 'object' || Array.isArray(value)) throw new InputError(name, 'is not a map', RESOURCE_FORMS, JSON.stringify(value));
  const out: Resources = {};
  for (const [section, list] of Object.entries(value as Record<string, unknown>)) {
    if (section !== 'requests' && section !== 'limits')
      throw new InputError(
        name,
        `has the key "${section}"`,
        `${RESOURCE_FORMS} (keys \`requests\` and \`limits\` only)`,
        JSON.stringify(value),
      );
    if (list === null || typeof list !== 'object' || Array.isArray(list))
      throw new InputError(name, `"${section}" is not a map`, RESOURCE_FORMS, JSON.stringify(value));
    const resources: ResourceList = {};
    for (const [resource, quantity] of Object.entries(list as Record<string, unknown>)) {
      if (resource !== 'cpu' && resource !== 'memory' && resource !== 'ephemeral-storage') {
        throw new InputError(
          name,
          `"${section}.${resource}" is not a resource this action sets`,
          `${RESOURCE_FORMS} (cpu, memory, ephemeral-storage)`,
          JSON.stringify(value),
        );
      }
      const text = String(quantity).trim();
      if (!QUANTITY.test(text))
        throw new InputError(
          name,
          `"${section}.${resource}" is "${text}", not a Kubernetes quantity`,
          'quantities such as `100m`, `0.5`, `128Mi`, `1Gi`',
          JSON.stringify(value),
        );
      resources[resource] = text;
    }
    out[section] = resources;
  }
  return out;
}
