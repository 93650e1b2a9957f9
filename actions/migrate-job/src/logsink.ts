/**
 * Where the migration's output goes: the step log as it comes (line by line, so the runner's masking
 * applies per line), a log file that outlives the pod/task (Helm hook delete policies and
 * `ttlSecondsAfterFinished` remove the pod and its logs), and the last lines for the step summary.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from '@deploy-kit/core';

export class LogSink {
  private partial = '';
  private readonly tail: string[] = [];
  lines = 0;

  constructor(
    readonly file: string,
    private readonly print: (line: string) => void,
    private readonly keep = 30,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  /** A chunk of output; complete lines are printed and saved, the rest waits for its newline. */
  write(chunk: string | Buffer): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.line(line);
  }

  /** Flushes a last line without a newline. */
  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  line(raw: string): void {
    const line = redact(raw);
    this.lines++;
    appendFileSync(this.file, `${line}\n`);
    this.tail.push(line);
    if (this.tail.length > this.keep) this.tail.shift();
    this.print(line);
  }

  lastLines(): string[] {
    return [...this.tail];
  }
}
