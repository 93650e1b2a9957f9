/**
 * migrate-job's entry point: the inputs validated into a plan (config.ts getInputs), then the flow's
 * phases (flow.ts runMigration) with the real services: the registry for a tag's digest, the backends
 * loaded on demand, the runner's log groups, outputs and step summary, and the runner's cancellation.
 */
import { onCancel, requestSignal, runner as core, run, writeOutputs, writeSummary } from '@deploy-kit/core';
import { loadBackend } from './backends/index.js';
import { getInputs } from './config.js';
import { runMigration, type FlowDeps } from './flow.js';
import { outputs } from './io.js';
import { resolveDigest } from './registry.js';

/** The real services behind the flow. */
export function runnerDeps(signal: AbortSignal): FlowDeps {
  return {
    loadBackend,
    resolveDigest: (ref, deadline) => resolveDigest(ref, { signal: deadline }),
    group: (title, fn) => core.group(title, fn),
    info: (message) => core.info(message),
    writeOutputs: (values) => writeOutputs(outputs, values),
    writeSummary,
    deadline: (ms) => requestSignal(ms),
    now: Date.now,
    signal,
  };
}

async function main(): Promise<void> {
  const config = await getInputs();
  // The runner cancels a step with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that.
  // Each backend reacts to the abort: ECS stops the task it started, kubernetes leaves the Job running
  // (a migration must not be killed half-way) and says how to follow it, command passes SIGINT on to the tool.
  const cancel = onCancel('the workflow run is being cancelled');
  try {
    await runMigration(config, runnerDeps(cancel.signal));
  } finally {
    cancel.dispose();
  }
}

/**
 * Whether anything created `process.stdout`. The runner protocol writes straight to fd 1, synchronously; only a
 * stream (a fallback of that write, or a library's console.log) can still hold unwritten output at the end.
 * Creating the stream just to flush it costs ~1.5-2 ms at the exit (measured), so it is only done when it exists.
 */
const stdoutProperty = Object.getOwnPropertyDescriptor(process, 'stdout');
// Where the getter cannot be watched, assume the stream exists and flush it.
let stdoutStream = !(stdoutProperty?.get && stdoutProperty.configurable);
if (stdoutProperty?.get && stdoutProperty.configurable) {
  const get = stdoutProperty.get;
  Object.defineProperty(process, 'stdout', {
    ...stdoutProperty,
    get() {
      stdoutStream = true;
      return get.call(this);
    },
  });
}

// Exit as soon as the verdict is written (after stdout has drained; pipes are asynchronous off Linux): a
// keep-alive socket of the Kubernetes or AWS client must not hold the step open after the migration ended.
void run(main).then(() => (stdoutStream ? process.stdout.write('', () => process.exit()) : process.exit()));
