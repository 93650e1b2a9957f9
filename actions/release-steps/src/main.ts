/** release-steps: the helper steps of release/action.yml (steps.ts), with the runner's real services. */
import { run, runner as core, writeSummary } from '@deploy-kit/core';

import { gitCheckoutTags } from './git.js';
import { runStep } from './steps.js';

void run(() =>
  runStep(process.argv.slice(2), {
    env: process.env,
    tags: gitCheckoutTags,
    setOutput: core.setOutput,
    info: core.info,
    summary: writeSummary,
  }),
);
