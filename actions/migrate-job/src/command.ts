/**
 * `backend: command`: runs a migration tool (golang-migrate, atlas, a script) on the runner, seed 003's
 * "migrations in the CI pipeline". The same semantics as the cluster backends: output streamed into
 * the step log and kept in `log-file`, the tool's exit code is the step's verdict, and `timeout`
 * is enforced (SIGINT first, which golang-migrate and atlas treat as "stop after the current
 * migration and release the lock"; SIGTERM and SIGKILL only if it does not stop).
 *
 * Why child_process and not @actions/exec: exec gives no handle on the child, so a timeout could not
 * stop it, and a hung migration would hang the job until the runner's own 6-hour limit.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { formatDuration } from '@deploy-kit/core';
import { formatArgv } from './argv.js';
import type { LogSink } from './logsink.js';
import type { MigrationResult } from './result.js';

export interface CommandOptions {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Extra PATH entries first (the installed tool). */
  path?: readonly string[];
  timeoutMs: number;
  /** Grace between SIGINT → SIGTERM → SIGKILL. */
  killGraceMs?: number;
  sink: LogSink;
  log: (line: string) => void;
}

export async function runCommand(options: CommandOptions): Promise<MigrationResult> {
  const [file, ...rest] = options.argv;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, options.env);
  if (options.path?.length) env.PATH = [...options.path, env.PATH ?? ''].join(process.platform === 'win32' ? ';' : ':');
  const grace = options.killGraceMs ?? 15_000;
  options.log(`[command] ${formatArgv(options.argv)}`);

  return new Promise<MigrationResult>((resolve) => {
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(file, rest, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => options.sink.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => options.sink.write(chunk));
    const finish = (result: MigrationResult) => {
      for (const timer of timers) clearTimeout(timer);
      options.sink.end();
      resolve({ ...result, logFile: options.sink.file, tail: options.sink.lastLines() });
    };
    timers.push(
      setTimeout(() => {
        timedOut = true;
        options.log(`The migration command ran longer than the timeout (${formatDuration(options.timeoutMs)}); sending SIGINT so it can stop after the current step`);
        child.kill('SIGINT');
        timers.push(
          setTimeout(() => {
            options.log(`Still running ${formatDuration(grace)} after SIGINT; sending SIGTERM`);
            child.kill('SIGTERM');
            timers.push(setTimeout(() => child.kill('SIGKILL'), grace));
          }, grace),
        );
      }, options.timeoutMs),
    );
    child.on('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT';
      finish({
        status: 'failed',
        detail: notFound ? `the command "${file}" was not found (working directory ${options.cwd})` : `the command "${file}" could not be started: ${error.message}`,
        check: notFound
          ? ['install the tool in an earlier step, or let this action install it with `tool: golang-migrate@v4.x.y` (or `atlas@v…`)', 'check `command` and `working-directory`']
          : ['check that the command is executable'],
      });
    });
    child.on('close', (code, signal) => {
      const exitCode = code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : undefined);
      if (timedOut) {
        finish({
          status: 'timed-out',
          exitCode,
          detail: `the migration command did not finish within ${formatDuration(options.timeoutMs)} and was stopped${signal ? ` (${signal})` : ''}`,
          check: ['a migration holding a lock, or waiting for one, can hang: check the database for long-running transactions and the tool\'s lock table', 'raise `timeout` if the migration is legitimately slow'],
        });
      } else if (exitCode === 0) {
        finish({ status: 'succeeded', exitCode, detail: 'the migration command exited with code 0' });
      } else {
        finish({
          status: 'failed',
          exitCode,
          detail: `the migration command exited with code ${exitCode}${signal ? ` (killed by ${signal})` : ''}`,
          check: ['the last lines of its output are below and in the log file'],
        });
      }
    });
  });
}
