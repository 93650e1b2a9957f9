/** parse-version: inputs → runParseVersion (flow.ts) with the runner's log group, outputs and summary. */
import { runner as core, run, writeOutputs, writeSummary } from '@deploy-kit/core';

import { getInputs } from './config.js';
import { runParseVersion } from './flow.js';
import { outputs } from './io.js';

void run(async () => {
  await runParseVersion(await getInputs(), {
    group: (title, fn) => core.group(title, fn),
    info: (line) => core.info(line),
    notice: (line) => core.notice(line),
    writeOutputs: (values) => writeOutputs(outputs, values),
    writeSummary,
  });
});
