// runCommand's cancellation: a cancelled workflow run passes SIGINT on to the migration tool.
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../src/command.js';
import { LogSink } from '../src/logsink.js';

const TRAPPING = `echo started; trap 'echo "got SIGINT"; exit 130' INT; while :; do sleep 0.1; done`;
const FINISHING = `trap 'echo "got SIGINT, finishing the current step"; sleep 0.2; echo done; exit 0' INT; echo started; while :; do sleep 0.1; done`;

async function cancelled(script: string, abortAfterMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'mj-cmd-'));
  const lines: string[] = [];
  const controller = new AbortController();
  try {
    const sink = new LogSink(join(dir, 'log'), (printed) => lines.push(...printed));
    const pending = runCommand({
      argv: ['sh', '-c', script],
      cwd: dir,
      env: {},
      timeoutMs: 20_000,
      sink,
      log: (line) => lines.push(line),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort('SIGINT'), abortAfterMs);
    const result = await pending;
    return { result, lines, file: readFileSync(join(dir, 'log'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('runCommand cancelled', () => {
  test('SIGINT is passed on; a tool that stops on it is reported as cancelled with its exit code', async () => {
    const { result, lines, file } = await cancelled(TRAPPING, 300);
    expect(result).toMatchObject({ status: 'cancelled', exitCode: 130 });
    expect(result.detail).toBe('the workflow run was cancelled; the migration command stopped with exit code 130');
    expect(lines.some((l) => l.includes('sending SIGINT to the migration command'))).toBe(true);
    expect(file).toContain('got SIGINT');
  });

  test('a tool that finishes its step and exits 0 after SIGINT: succeeded (the migration did complete)', async () => {
    const { result } = await cancelled(FINISHING, 300);
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(result.detail).toContain('after the cancellation');
  });

  test('already cancelled when it starts: the tool gets SIGINT at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mj-cmd-'));
    try {
      const controller = new AbortController();
      controller.abort('SIGTERM');
      // The tool itself, not a shell around it: a shell that has already forked `sleep` would die of the
      // SIGINT while its child keeps the output pipes (and so the step) open until it ends.
      const result = await runCommand({
        argv: ['sleep', '5'],
        cwd: dir,
        env: {},
        timeoutMs: 20_000,
        sink: new LogSink(join(dir, 'log'), () => undefined),
        log: () => undefined,
        signal: controller.signal,
      });
      expect(result.status).toBe('cancelled');
      expect(result.detail).toContain('SIGINT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 15_000);
});
