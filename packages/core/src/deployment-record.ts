/**
 * The payload deploy-kit writes into a GitHub deployment (`POST /repos/{owner}/{repo}/deployments`):
 * what was released (tag, version, every image by digest, the S3 objects' SHA-256 sums), what the
 * migration left behind and which GitOps run rolled it out. record-deployment writes it; the
 * production gate and the rollback read it back from the Deployments API, so the shape lives here,
 * with one reader that checks it (a deployment made by another tool has some other payload).
 *
 * Keys are kebab-case, as in every `json` output of the suite; `deploy-kit` is the payload's format
 * version, bumped only when a reader could misread an older payload.
 */
import { isJsonObject } from './values.js';

/** The payload's format version (`"deploy-kit": 1`). */
export const DEPLOYMENT_PAYLOAD_VERSION = 1;

export interface DeployedImage {
  /** The service name (image-tags' `service`), or the repository's last path component. */
  service: string;
  /** The repository, without tag or digest: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core`. */
  image: string;
  /** The manifest (or index) digest `sha256:…`, or null when it was not known. */
  digest: string | null;
  /** The tags the release gave this image (`v1.4.0-rc.1`, `sha-0a1b2c3`). */
  tags: string[];
}

export interface DeployedObject {
  /** The object key in the bucket. */
  key: string;
  /** Its SHA-256, hex; null when the upload ran without checksums. */
  sha256: string | null;
}

/** An ECS service deploy (ecs-deploy's `json`): the revision a rollback goes back to. */
export interface DeployedEcs {
  cluster: string | null;
  service: string | null;
  /** The task definition revision deployed (`arn:…:task-definition/orders:42`); null when none was. */
  'task-definition-arn': string | null;
  revision: number | null;
  'deployment-id': string | null;
  'rollout-state': string | null;
  /** The revision the service ran before. */
  'previous-task-definition-arn': string | null;
  /** The deploy failed and the service was rolled back to the previous revision. */
  'rolled-back': boolean;
}

/** A task definition revision's ARN (`arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:42`). */
export const TASK_DEFINITION_ARN = /^arn:[a-z-]+:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;

/** ecs-deploy's `json` output (or the payload's `ecs`) read leniently: a field of the wrong type reads as absent. */
export function readDeployedEcs(value: unknown): DeployedEcs | undefined {
  if (!isJsonObject(value)) return undefined;
  const arn = (v: unknown) => (typeof v === 'string' && TASK_DEFINITION_ARN.test(v) ? v : null);
  const revision = value.revision;
  return {
    cluster: stringOrNull(value.cluster),
    service: stringOrNull(value.service),
    'task-definition-arn': arn(value['task-definition-arn']),
    revision:
      typeof revision === 'number' && Number.isInteger(revision)
        ? revision
        : typeof revision === 'string' && /^\d+$/.test(revision)
          ? Number(revision)
          : null,
    'deployment-id': stringOrNull(value['deployment-id']),
    'rollout-state': stringOrNull(value['rollout-state']),
    'previous-task-definition-arn': arn(value['previous-task-definition-arn']),
    'rolled-back': value['rolled-back'] === true || value['rolled-back'] === 'true',
  };
}

export interface DeploymentPayload {
  'deploy-kit': number;
  /** The release tag (`v1.4.0-rc.1`). */
  tag: string;
  /** The bare SemVer (`1.4.0-rc.1`), or the tag when it carries none. */
  version: string;
  environment: string;
  images: DeployedImage[];
  s3: { bucket: string; objects: DeployedObject[] } | null;
  migration: { status: string | null; job: string | null; 'exit-code': number | null; 'schema-version': string | null } | null;
  gitops: { repository: string | null; 'run-id': number | null; 'run-url': string | null; conclusion: string | null } | null;
  /** The workflow run that recorded the deployment. */
  run: { url: string; id: string; attempt: string } | null;
  /** Set on a rollback: the tag it rolled back from. */
  'rolled-back-from'?: string | null;
  /** Set when the release went to an ECS service (`delivery: ecs`) rather than a GitOps repository. */
  ecs?: DeployedEcs | null;
}

/** The bare SemVer in a tag (`orders/v1.4.0-rc.1` → `1.4.0-rc.1`), or the tag itself when none is found. */
export function versionOfTag(tag: string): string {
  const match = /(?:^|[^0-9A-Za-z])v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(tag);
  return match ? match[1]! : tag;
}

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * A deployment's payload as deploy-kit wrote it, or undefined when it is not one (another tool's
 * deployment, a string payload that is not JSON, an unknown format version). Lenient per field:
 * a field of the wrong type reads as absent, so a reader never trusts more than is there.
 */
export function readDeploymentPayload(payload: unknown): DeploymentPayload | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isJsonObject(value) || value['deploy-kit'] !== DEPLOYMENT_PAYLOAD_VERSION || typeof value.tag !== 'string') return undefined;
  const images = Array.isArray(value.images) ? value.images.filter(isJsonObject) : [];
  const s3 = isJsonObject(value.s3) && typeof value.s3.bucket === 'string' ? value.s3 : undefined;
  const migration = isJsonObject(value.migration) ? value.migration : undefined;
  const gitops = isJsonObject(value.gitops) ? value.gitops : undefined;
  const run = isJsonObject(value.run) && typeof value.run.url === 'string' ? value.run : undefined;
  return {
    'deploy-kit': DEPLOYMENT_PAYLOAD_VERSION,
    tag: value.tag,
    version: typeof value.version === 'string' ? value.version : versionOfTag(value.tag),
    environment: typeof value.environment === 'string' ? value.environment : '',
    images: images
      .filter((i) => typeof i.image === 'string')
      .map((i) => ({
        service: typeof i.service === 'string' ? i.service : String(i.image).split('/').at(-1)!,
        image: String(i.image),
        digest: typeof i.digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(i.digest) ? i.digest : null,
        tags: Array.isArray(i.tags) ? i.tags.filter((t): t is string => typeof t === 'string') : [],
      })),
    s3: s3
      ? {
          bucket: String(s3.bucket),
          objects: (Array.isArray(s3.objects) ? s3.objects.filter(isJsonObject) : [])
            .filter((o) => typeof o.key === 'string')
            .map((o) => ({
              key: String(o.key),
              sha256: typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256) ? o.sha256 : null,
            })),
        }
      : null,
    migration: migration
      ? {
          status: stringOrNull(migration.status),
          job: stringOrNull(migration.job),
          'exit-code': typeof migration['exit-code'] === 'number' ? migration['exit-code'] : null,
          'schema-version': stringOrNull(migration['schema-version']),
        }
      : null,
    gitops: gitops
      ? {
          repository: stringOrNull(gitops.repository),
          'run-id': typeof gitops['run-id'] === 'number' ? gitops['run-id'] : null,
          'run-url': stringOrNull(gitops['run-url']),
          conclusion: stringOrNull(gitops.conclusion),
        }
      : null,
    run: run ? { url: String(run.url), id: String(run.id ?? ''), attempt: String(run.attempt ?? '') } : null,
    ...(typeof value['rolled-back-from'] === 'string' ? { 'rolled-back-from': value['rolled-back-from'] } : {}),
    ...(isJsonObject(value.ecs) ? { ecs: readDeployedEcs(value.ecs)! } : {}),
  };
}
