/**
 * The helper steps of release/action.yml, one subcommand each of the release-steps bundle:
 *
 *   node "$GITHUB_ACTION_PATH/../dist/release-steps/index.js" <step>
 *
 * A step reads its values from its env (the composite's `env:`; never `INPUT_*`, which would claim
 * inputs of an action), decides with pure functions, and writes its outputs in the file-command
 * delimiter form through core. Adding a step is one entry in STEPS.
 */
import { ActionError, type StepSummary } from '@deploy-kit/core';
import { pickMigrationImage } from '@deploy-kit/core/oci/migration-image';

import { decideGate, gateLogLine, gateSummary, readGateConfig, readStagingPolicy, type CheckoutTags } from './gate.js';
import { readGitHubReleaseWhen } from './github-release.js';
import { migrationImageLogLine, migrationImageSummary, readMigrationImageRequest } from './migrate-image.js';
import { ecsRollbackTaskDefinition, planRollback, readDelivery, readRollbackConfig, rollbackOutputs, rollbackSummary } from './rollback.js';
import { checkStagingEvidence, type EvidenceServices } from './staging.js';

/** What a step may do to the world: read its env, list the checkout's tags and the deployment records, write outputs, log, summarise. */
export interface StepIo {
  env: Record<string, string | undefined>;
  tags: CheckoutTags;
  /** The GitHub deployments and ECR (main.ts); only `require-staging: deployment` and the rollback use them. */
  records?: EvidenceServices;
  setOutput(name: string, value: string): void;
  info(line: string): void;
  summary(summary: StepSummary): void;
}

export type Step = (io: StepIo) => Promise<void>;

function services(io: StepIo, what: string): EvidenceServices {
  if (!io.records) throw new ActionError(`release-steps: ${what} needs the GitHub and ECR clients, and none were given`);
  return io.records;
}

/**
 * The release gate: push-artifacts' `mode` and `promote-from`; with `require-staging: deployment`
 * also `staging-deployment` and `digests`, once the newest rc's staging deployment and images are found.
 */
export const gateStep: Step = async (io) => {
  const config = readGateConfig(io.env);
  const policy = readStagingPolicy(io.env);
  // Checked here, before anything is pushed; the github-release step's `if:` applies it.
  readGitHubReleaseWhen(io.env);
  const decision = await decideGate(config, io.tags, policy.require);
  // The evidence is asked of the rc the gate chose itself; promote-from and promote: never are the caller's explicit choice.
  const chosen = decision.mode === 'promote' && config.promoteFrom === '' && config.channel === 'release';
  const evidence =
    chosen && policy.require === 'deployment'
      ? await checkStagingEvidence(config.tag, decision.promoteFrom, policy.environment, services(io, 'require-staging: deployment'))
      : undefined;
  io.setOutput('mode', decision.mode);
  io.setOutput('promote-from', decision.promoteFrom);
  if (evidence) {
    io.setOutput('staging-deployment', String(evidence.deployment));
    io.setOutput('digests', JSON.stringify(evidence.digests));
  }
  io.info(gateLogLine(decision));
  const said = evidence
    ? `Evidence: ${decision.promoteFrom} succeeded in ${evidence.environment} (deployment ${evidence.deployment}); its images are in ECR by the digests it recorded, and ${decision.promoteFrom} still names them: ${Object.entries(
        evidence.digests,
      )
        .map(([image, digest]) => `${image}@${digest}`)
        .join(', ')}.`
    : undefined;
  if (said) io.info(said);
  io.summary(gateSummary(config, decision, said));
};

/** The migration image: migrate-job's `image` (one image reference, or '' for migrate-job's default). */
export const migrateImageStep: Step = async (io) => {
  const choice = pickMigrationImage(readMigrationImageRequest(io.env));
  io.setOutput('image', choice.image);
  io.info(migrationImageLogLine(choice));
  io.summary(migrationImageSummary(choice));
};

/** The rollback workflow's target: the version, its images by digest, what it replaces and the schema that stays. */
export const rollbackTargetStep: Step = async (io) => {
  const config = readRollbackConfig(io.env);
  const delivery = readDelivery(io.env);
  const plan = await planRollback(config, services(io, 'rollback-target'), { delivery });
  // delivery: ecs deploys the target's recorded task definition revision again (release/action.yml's ecs step).
  const taskDefinition = delivery === 'ecs' ? ecsRollbackTaskDefinition(plan) : undefined;
  const outputs = { ...rollbackOutputs(plan), ...(taskDefinition ? { 'task-definition': taskDefinition } : {}) };
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value);
  io.info(
    `${outputs.description}: ${outputs.tag} (deployment ${outputs['target-deployment']}), images ${plan.images.map((i) => `${i.image}@${i.digest}`).join(', ')} still in the registry${taskDefinition ? `; task definition ${taskDefinition.split('/').pop()} deployed again` : ''}.`,
  );
  io.summary(rollbackSummary(plan));
};

export const STEPS: Readonly<Record<string, Step>> = {
  gate: gateStep,
  'migrate-image': migrateImageStep,
  'rollback-target': rollbackTargetStep,
};

/** Runs the step named by the first argument. */
export async function runStep(argv: readonly string[], io: StepIo): Promise<void> {
  const name = argv[0] ?? '';
  const step = Object.hasOwn(STEPS, name) ? STEPS[name] : undefined;
  if (!step) {
    throw new ActionError(`release-steps: ${name === '' ? 'no step was named' : `there is no step "${name}"`}`, {
      check: `Run it as release/action.yml does: node dist/release-steps/index.js <step>, with <step> one of ${Object.keys(STEPS).join(', ')}`,
    });
  }
  await step(io);
}
