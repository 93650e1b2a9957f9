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

import { decideGate, gateLogLine, gateSummary, readGateConfig, type CheckoutTags } from './gate.js';
import { migrationImageLogLine, migrationImageSummary, readMigrationImageRequest } from './migrate-image.js';

/** What a step may do to the world: read its env, list the checkout's tags, write outputs, log, summarise. */
export interface StepIo {
  env: Record<string, string | undefined>;
  tags: CheckoutTags;
  setOutput(name: string, value: string): void;
  info(line: string): void;
  summary(summary: StepSummary): void;
}

export type Step = (io: StepIo) => Promise<void>;

/** The release gate: push-artifacts' `mode` and `promote-from`. */
export const gateStep: Step = async (io) => {
  const config = readGateConfig(io.env);
  const decision = await decideGate(config, io.tags);
  io.setOutput('mode', decision.mode);
  io.setOutput('promote-from', decision.promoteFrom);
  io.info(gateLogLine(decision));
  io.summary(gateSummary(config, decision));
};

/** The migration image: migrate-job's `image` (one image reference, or '' for migrate-job's default). */
export const migrateImageStep: Step = async (io) => {
  const choice = pickMigrationImage(readMigrationImageRequest(io.env));
  io.setOutput('image', choice.image);
  io.info(migrationImageLogLine(choice));
  io.summary(migrationImageSummary(choice));
};

export const STEPS: Readonly<Record<string, Step>> = { gate: gateStep, 'migrate-image': migrateImageStep };

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
