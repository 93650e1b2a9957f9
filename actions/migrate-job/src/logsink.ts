/**
 * Where the migration's output goes: the step log as it comes, a log file that outlives the pod/task
 * (Helm hook delete policies and `ttlSecondsAfterFinished` remove the pod and its logs), and the last
 * lines for the step summary.
 *
 * The output is foreign text (a pod's log, a tool's output, CloudWatch events): whoever controls the
 * migration or its database can put anything in it. So it reaches the step log only through core's
 * `foreignLines`: each batch of complete lines between `::stop-commands::<random token>` and
 * `::<token>::`, every line also neutralised (a leading `::`, `##[`, a lone CR that would start a new
 * line for the runner), so no line can add a mask, stop our own commands or fake an annotation. The
 * runner still masks each line.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ActionError, errorMessage, redact, runner } from '@deploy-kit/core';

export type PrintLines = (lines: readonly string[]) => void;

export class LogSink {
  private partial = '';
  private readonly tail: string[] = [];
  private readonly decoder = new StringDecoder('utf8');
  lines = 0;

  constructor(
    readonly file: string,
    private readonly print: PrintLines = (lines) => runner.foreignLines(lines),
    private readonly keep = 30,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '');
  }

  /** A chunk of output; complete lines are printed (in one write) and saved, the rest waits for its newline. */
  write(chunk: string | Buffer): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    this.writeLines(parts);
  }

  /** Flushes a last line without a newline. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.writeLines([rest]);
  }

  /** Whole lines (CloudWatch events, one per line): saved, kept for the summary, printed in one write. */
  writeLines(raw: readonly string[]): void {
    if (raw.length === 0) return;
    const lines = raw.map((line) => redact(line));
    this.lines += lines.length;
    appendFileSync(this.file, lines.map((line) => `${line}\n`).join(''));
    this.tail.push(...lines);
    if (this.tail.length > this.keep) this.tail.splice(0, this.tail.length - this.keep);
    this.print(lines);
  }

  line(raw: string): void {
    this.writeLines([raw]);
  }

  lastLines(): string[] {
    return [...this.tail];
  }
}

/** The migration's log file, created now: a path that cannot be written is a clear error, not a raw EACCES/EISDIR. */
export function openLog(file: string): LogSink {
  try {
    return new LogSink(file);
  } catch (error) {
    throw new ActionError(`Could not create the migration's log file ${file}`, {
      why: errorMessage(error),
      check: ['`log-file` (or RUNNER_TEMP) is a path the runner can write'],
      cause: error,
    });
  }
}
