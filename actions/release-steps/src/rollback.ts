/**
 * The `rollback-target` step (the reusable rollback workflow, .github/workflows/rollback.yml): from
 * the deployment records of an environment, what a rollback goes back to and what it leaves in place.
 *
 *   from    the newest deployment deploy-kit recorded there (whatever its outcome: a release that
 *           failed its verification is what a rollback is for);
 *   target  the newest successful deployment of another version, or of `version` when given;
 *   schema  the newest schema version any recorded deployment reported: migrations are forward-only
 *           (the migrations guide's rollback strategy), so a rollback never runs one and that schema
 *           stays in place.
 *
 * The target's images must still be in ECR by the digests it recorded, and its tag (what the GitOps
 * repository deploys) must still name them. With `delivery: ecs` the rollback deploys the task definition
 * revision the target's deployment recorded (its `ecs` payload), which names the images by digest, so a
 * moved tag does not matter there; a target without a recorded revision is refused.
 * Pure decisions here; reading is staging.ts' readers.
 */
import { ActionError, type DeployedImage, InputError, type StepSummary } from '@deploy-kit/core';

import { type Judged, deploymentOutcome, imageProblems, recordsTag } from './evidence.js';
import { type DeploymentRecords, MAX_PAGES, PAGE_SIZE } from './records.js';
import { type EvidenceServices, lookUpImages } from './staging.js';

export interface RollbackConfig {
  environment: string;
  /** The version (or tag) to go back to; '' for the previous successful one. */
  version: string;
}

export function readRollbackConfig(env: Record<string, string | undefined>): RollbackConfig {
  const environment = env.ENVIRONMENT ?? '';
  if (!/^[A-Za-z0-9._\-/ ]+$/.test(environment)) {
    throw new InputError(
      'environment',
      environment === '' ? 'is required' : 'is not an environment name',
      'the environment to roll back, e.g. `production`',
      environment,
    );
  }
  const version = env.VERSION ?? '';
  if (version !== '' && !/^[A-Za-z0-9_][A-Za-z0-9._/+-]{0,127}$/.test(version)) {
    throw new InputError(
      'version',
      'is not a version or tag',
      'a released version (`1.4.0`) or its tag (`v1.4.0`), or empty for the previous successful deployment',
      version,
    );
  }
  return { environment, version };
}

export const DELIVERIES = ['gitops', 'ecs'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** The composite's `delivery` (DELIVERY), `gitops` when empty. */
export function readDelivery(env: Record<string, string | undefined>): Delivery {
  const delivery = (env.DELIVERY ?? '').trim() || 'gitops';
  if (!(DELIVERIES as readonly string[]).includes(delivery))
    throw new InputError('delivery', 'is not a delivery mode', '`gitops` or `ecs`', delivery);
  return delivery as Delivery;
}

/**
 * `delivery: ecs`: the task definition revision the target's deployment recorded, which the rollback
 * deploys again as it is; refused when it recorded none (deployed by GitOps, or before `ecs` was recorded).
 */
export function ecsRollbackTaskDefinition(plan: RollbackPlan): string {
  const ecs = plan.target.deployment.payload!.ecs;
  const arn = ecs?.['task-definition-arn'];
  if (!arn) {
    throw new ActionError(
      `Rollback of ${plan.environment} to ${tagOf(plan.target)} refused: its deployment ${plan.target.deployment.id} recorded no ECS task definition revision, so there is nothing to deploy again.`,
      {
        check: [
          "the release was deployed with `delivery: ecs` (record-deployment with ecs-deploy's `json` as `ecs`)",
          'give `version` a release deployed to ECS by deploy-kit, or roll forward',
        ],
      },
    );
  }
  return arn;
}

export interface SchemaInPlace {
  /** null when no recorded deployment reported one. */
  version: string | null;
  /** The deployment that reported it. */
  deployment?: number;
  tag?: string;
}

export interface RollbackPlan {
  environment: string;
  /** What runs now (the newest recorded deployment); undefined when none is recorded. */
  from: Judged | undefined;
  target: Judged;
  images: DeployedImage[];
  schema: SchemaInPlace;
}

const tagOf = (j: Judged) => j.deployment.payload!.tag;

function ended(j: Judged): string {
  const { outcome, at } = j.ended;
  return outcome === 'in_progress'
    ? 'is still in progress'
    : outcome === 'none'
      ? 'has no status'
      : `ended ${outcome}${at ? ` at ${at}` : ''}`;
}

/** The newest schema version any recorded deployment reported (forward-only: it is what is in place). */
export function schemaInPlace(history: readonly Judged[]): SchemaInPlace {
  for (const j of history) {
    const version = j.deployment.payload?.migration?.['schema-version'];
    if (version) return { version, deployment: j.deployment.id, tag: j.deployment.payload!.tag };
  }
  return { version: null };
}

/**
 * The rollback from the environment's deploy-kit deployments (newest first, each with how it ended),
 * or an ActionError that says what is missing and what to do.
 */
export function chooseRollbackTarget(config: RollbackConfig, history: readonly Judged[], scanned: number): RollbackPlan {
  const { environment, version } = config;
  const from = history[0];
  const now = from
    ? `${environment} runs ${tagOf(from)} (deployment ${from.deployment.id}, which ${ended(from)})`
    : `no deployment of ${environment} is recorded`;
  let target: Judged | undefined;
  if (version === '') {
    target = history.find((j) => j.ended.outcome === 'success' && (!from || tagOf(j) !== tagOf(from)));
    if (!target) {
      throw new ActionError(
        `Rollback of ${environment} refused: there is no earlier successful deployment to go back to; ${now}, and none of the ${scanned} newest ${environment} deployments records a successful one of another version.`,
        {
          check: [
            'deploy-kit records the deployments it makes (record-deployment); earlier ones made by hand or by another tool are not known',
            'roll forward instead: release a fixed version',
          ],
        },
      );
    }
  } else {
    const ofVersion = history.filter((j) => recordsTag(j.deployment, version));
    target = ofVersion.find((j) => j.ended.outcome === 'success');
    if (!target) {
      const tried = ofVersion[0];
      throw new ActionError(
        tried
          ? `Rollback of ${environment} to ${version} refused: it has no successful deployment there to go back to (its deployment ${tried.deployment.id} ${ended(tried)}); ${now}.`
          : `Rollback of ${environment} to ${version} refused: none of the ${scanned} newest ${environment} deployments records ${version}; ${now}.`,
        {
          check: [
            '`version` names a version that was released to this environment and succeeded (the Environments view lists them)',
            'leave `version` empty to go back to the previous successful deployment',
          ],
        },
      );
    }
    if (from && target.deployment.id === from.deployment.id) {
      throw new ActionError(`Rollback of ${environment} to ${version} refused: ${now}, so there is nothing to roll back.`, {
        check: ['`version` names an earlier version than the one running'],
      });
    }
  }
  const images = target.deployment.payload!.images;
  const unknown = images.filter((i) => i.digest === null).map((i) => i.image);
  if (images.length === 0 || unknown.length > 0) {
    throw new ActionError(
      `Rollback of ${environment} to ${tagOf(target)} refused: its deployment ${target.deployment.id} recorded ${images.length === 0 ? 'no images' : `no digest for ${unknown.join(', ')}`}, so what it ran cannot be checked.`,
      {
        check: [
          'give `version` a release whose deployment recorded its images by digest (record-deployment with `images` and `artifacts`)',
        ],
      },
    );
  }
  return { environment, from, target, images, schema: schemaInPlace(history) };
}

/** Whether `history` (newest first) holds what the rollback needs: a successful deployment of `version`, or of another version than the newest. */
export function hasTarget(history: readonly Judged[], version: string): boolean {
  const newest = history[0];
  return history.some(
    (j) => j.ended.outcome === 'success' && (version !== '' ? recordsTag(j.deployment, version) : tagOf(j) !== tagOf(newest!)),
  );
}

/**
 * The environment's deploy-kit deployments, newest first, with how each ended: page after page (at
 * most MAX_PAGES) until `enough` holds for what was read or the pages run out.
 */
export async function readHistory(
  records: DeploymentRecords,
  environment: string,
  enough: (history: readonly Judged[]) => boolean = () => false,
  /** What a full page holds (the records' page size). */
  pageSize = PAGE_SIZE,
): Promise<{ history: Judged[]; scanned: number }> {
  const history: Judged[] = [];
  let scanned = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const deployments = await records.list(environment, page);
    scanned += deployments.length;
    for (const deployment of deployments) {
      if (!deployment.payload) continue;
      history.push({ deployment, ended: deploymentOutcome(await records.statuses(deployment.id)) });
    }
    if (deployments.length < pageSize || enough(history)) break;
  }
  return { history, scanned };
}

export function rollbackDescription(plan: RollbackPlan): string {
  const to = tagOf(plan.target);
  const schema = plan.schema.version ? `; schema ${plan.schema.version} stays, no migration` : '; no migration';
  return plan.from
    ? `Rollback of ${plan.environment} from ${tagOf(plan.from)} to ${to}${schema}`
    : `Rollback of ${plan.environment} to ${to}${schema}`;
}

export interface RollbackOutputs {
  tag: string;
  version: string;
  from: string;
  'target-deployment': string;
  /** gitops-dispatch `projects`: each image's repository name. */
  projects: string;
  /** record-deployment `artifacts`: `{"digests": {"<image>:<tag>": "sha256:…"}}`. */
  artifacts: string;
  'schema-version': string;
  description: string;
  /** With `delivery: ecs`: the task definition revision to deploy again (ecs-deploy `task-definition`). */
  'task-definition': string;
}

export function rollbackOutputs(plan: RollbackPlan): Omit<RollbackOutputs, 'task-definition'> {
  const tag = tagOf(plan.target);
  return {
    tag,
    version: plan.target.deployment.payload!.version,
    from: plan.from ? tagOf(plan.from) : '',
    'target-deployment': String(plan.target.deployment.id),
    projects: plan.images.map((i) => i.image.split('/').at(-1)!).join(' '),
    artifacts: JSON.stringify({ digests: Object.fromEntries(plan.images.map((i) => [`${i.image}:${tag}`, i.digest])) }),
    'schema-version': plan.schema.version ?? '',
    description: rollbackDescription(plan),
  };
}

export function rollbackSummary(plan: RollbackPlan): StepSummary {
  const tag = tagOf(plan.target);
  const schema = plan.schema.version
    ? `${plan.schema.version} (recorded by deployment ${plan.schema.deployment} of ${plan.schema.tag}) stays in place`
    : 'unknown (no recorded deployment reported one); nothing is migrated';
  return {
    title: `rollback of ${plan.environment}`,
    table: {
      header: ['', ''],
      rows: [
        [
          'from',
          plan.from ? `${tagOf(plan.from)} (deployment ${plan.from.deployment.id}, ${plan.from.ended.outcome})` : 'nothing recorded',
        ],
        [
          'to',
          `${tag} (deployment ${plan.target.deployment.id}, ${plan.target.ended.outcome}${plan.target.ended.at ? ` at ${plan.target.ended.at}` : ''})`,
        ],
        ['schema version', schema],
        ...plan.images.map((i) => [`image ${i.image.split('/').at(-1)!}`, `${i.image}@${i.digest}`]),
      ],
    },
    sections: [
      'Migrations are forward-only: a rollback runs none, so the schema above stays; the version rolled back to must work with it.',
    ],
  };
}

/** Reads the records, chooses, and checks the target's images in ECR by digest (and its tag on them). */
export async function planRollback(
  config: RollbackConfig,
  services: EvidenceServices,
  options: { delivery?: Delivery } = {},
): Promise<RollbackPlan> {
  const { history, scanned } = await readHistory(await services.records(), config.environment, (h) => hasTarget(h, config.version));
  const plan = chooseRollbackTarget(config, history, scanned);
  const tag = tagOf(plan.target);
  const problems = imageProblems(tag, await lookUpImages(await services.images(), plan.images, tag));
  const missing = problems.missing;
  // ECS deploys the recorded revision, which names the images by digest: only the GitOps repository deploys the tag.
  const moved = options.delivery === 'ecs' ? [] : problems.moved;
  if (missing.length > 0 || moved.length > 0) {
    throw new ActionError(
      `Rollback of ${config.environment} to ${tag} refused: ${[missing.length ? `its images are gone from the registry: ${missing.join(', ')}` : '', moved.length ? `its tag does not name what it ran: ${moved.join('; ')}` : ''].filter(Boolean).join('; ')}.`,
      {
        check: [
          'the registry still holds the release (a lifecycle policy may have expired it); restore the image or its tag by digest',
          'give `version` another earlier release',
        ],
      },
    );
  }
  return plan;
}
