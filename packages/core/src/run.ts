/**
 * The one top-level runner every action's entry point goes through: expected failures become a
 * clear `core.setFailed` message with no stack trace; anything else is reported as unexpected,
 * with the stack under debug logging.
 */
import * as core from './runner.js';
import { ActionError, errorMessage } from './errors.js';
// The one place the project's address comes from: package.json's `bugs` (bundled, ~1.5 KB).
import project from '../../../package.json' with { type: 'json' };

export const ISSUES_URL: string = project.bugs.url;

export function failureMessage(error: unknown): string {
  if (error instanceof ActionError) return error.describe();
  return [
    `Unexpected error: ${errorMessage(error)}`,
    'Why: this is not a failure deploy-kit anticipated, so it may be a bug.',
    `Check: re-run the job with debug logging (ACTIONS_STEP_DEBUG=true) for details, and report it at ${ISSUES_URL} if it persists.`,
  ].join('\n');
}

export function reportFailure(error: unknown): void {
  if (!(error instanceof ActionError) || error.cause !== undefined) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : errorMessage(error);
    const cause =
      error instanceof Error && error.cause !== undefined
        ? `\nCaused by: ${error.cause instanceof Error ? error.cause.stack : errorMessage(error.cause)}`
        : '';
    core.debug(`${detail}${cause}`);
  }
  core.setFailed(failureMessage(error));
}

export async function run(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    reportFailure(error);
  }
}

/** Post steps clean up; a cleanup failure is a warning and never fails the job (as in actions/checkout). */
export async function runPost(post: () => Promise<void>): Promise<void> {
  try {
    await post();
  } catch (error) {
    core.warning(`Cleanup failed: ${errorMessage(error)}`);
    if (error instanceof Error && error.stack) core.debug(error.stack);
  }
}
