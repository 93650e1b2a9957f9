// Runs a program to its end with its stdout and stderr captured together (as a log reads), killed
// after `timeoutMs`: act, the demo and other whole programs the action-tests and benches drive.
import { spawn } from 'node:child_process';

/** Resolves with { code, signal, output, wallMs }; rejects only when the program cannot start. */
export function runProcess(command, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let output = '';
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, wallMs: Date.now() - started });
    });
  });
}
