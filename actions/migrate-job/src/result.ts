/** What every backend hands back to main: one shape for outputs, summary and failure. */
export type Status = 'succeeded' | 'failed' | 'already-complete' | 'timed-out' | 'cancelled' | 'rendered' | 'planned';

export interface MigrationResult {
  status: Status;
  exitCode?: number;
  jobName?: string;
  logFile?: string;
  manifestFile?: string;
  taskArn?: string;
  /** One line on what happened. */
  detail: string;
  /** For failures: what to check next. */
  check?: string[];
  /** Extra summary rows (name, value). */
  rows?: [string, string][];
  /** Last log lines, for the summary on failure. */
  tail?: string[];
}

export function isFailure(status: Status): boolean {
  return status === 'failed' || status === 'timed-out' || status === 'cancelled';
}
