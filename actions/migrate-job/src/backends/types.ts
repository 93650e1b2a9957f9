/**
 * The one interface every backend implements (kubernetes, ecs, render, command): the flow (flow.ts)
 * hands it the validated plan, the files it writes, the image by digest when it runs one, the step's
 * deadline and the cancellation signal, and gets back one MigrationResult for the outputs, the summary
 * and the verdict. Backends are loaded lazily (index.ts), so a step pays only for its own.
 */
import type { Backend } from '../io.js';
import type { Plan, StepDeadline, Values } from '../plan.js';
import type { MigrationResult } from '../result.js';

/** Where the step writes and runs, resolved against the workspace and RUNNER_TEMP by getInputs (config.ts). */
export interface StepFiles {
  /** The migration's log (`log-file`, else RUNNER_TEMP/migrate-job/<job>.log). */
  log: string;
  /** render: the Helm hook (`output-file`, else RUNNER_TEMP/migrate-job/<job>.yaml). */
  manifest: string;
  /** command: the working directory. */
  cwd: string;
}

export interface BackendContext {
  plan: Plan;
  values: Values;
  files: StepFiles;
  /** The image by digest (kubernetes, render): a tag is resolved before the backend starts. */
  image?: string;
  /** Every wait of the step ends by then (the tool's download, the API calls, the watch). */
  step: StepDeadline;
  /** Aborted when the workflow run is cancelled; each backend says what it does then. */
  signal: AbortSignal;
}

export interface MigrationBackend {
  readonly name: Backend;
  /** Runs `plan.image` by digest: the flow resolves a tag first (the image phase). */
  readonly pinsImage: boolean;
  run(context: BackendContext): Promise<MigrationResult>;
}
