/**
 * `backend: command`: a migration tool on the runner (seed 003's "migrations in the CI pipeline"):
 * `tool:` installed and verified first (install.ts), then the command run with an explicit environment,
 * its output streamed and kept, `timeout` and a cancelled run passed on as SIGINT (command.ts).
 */
import { formatDuration, runner as core } from '@deploy-kit/core';
import { formatArgv } from '../argv.js';
import { openLog } from '../logsink.js';
import type { MigrationResult } from '../result.js';
import type { BackendContext, MigrationBackend } from './types.js';

export async function commandBackend({ plan, values, files, signal, step }: BackendContext): Promise<MigrationResult> {
  const cwd = files.cwd;
  const logFile = files.log;
  const argv = [...plan.command, ...plan.args];
  if (plan.dryRun) {
    const what = [
      plan.tool
        ? `install ${plan.tool.name} ${plan.tool.version}${values.toolBaseUrl ? ` from ${values.toolBaseUrl}` : ''} (checksum verified)`
        : '',
      `run \`${formatArgv(argv)}\` in ${cwd} (timeout ${formatDuration(plan.timeoutMs)})`,
    ].filter(Boolean);
    for (const line of what) core.info(`[dry-run] would ${line}`);
    return { status: 'planned', detail: what.join(', then '), logFile };
  }
  const path: string[] = [];
  if (plan.tool) {
    const { installTool } = await import('../install.js');
    const installed = await installTool(plan.tool, {
      baseUrl: values.toolBaseUrl || undefined,
      checksum: plan.toolChecksum,
      log: (line) => core.info(line),
      signal: AbortSignal.any([step.signal, signal]),
    });
    path.push(installed.dir);
  }
  if (signal.aborted)
    return { status: 'cancelled', detail: 'the workflow run was cancelled before the migration command started; nothing ran', logFile };
  const { runCommand } = await import('../command.js');
  const sink = openLog(logFile);
  // What is left of the step's timeout (the install counts against it), at least a second.
  return runCommand({
    argv,
    cwd,
    env: plan.env,
    pass: plan.envFromRunner,
    path,
    timeoutMs: Math.max(1_000, step.at - Date.now()),
    timeoutText: formatDuration(plan.timeoutMs),
    sink,
    log: (line) => core.info(line),
    signal,
  });
}

export const backend: MigrationBackend = { name: 'command', pinsImage: false, run: commandBackend };
