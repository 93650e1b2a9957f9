// Types of process.mjs.
export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  wallMs: number;
}
export declare function runProcess(
  command: string,
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv | Record<string, string | undefined>; timeoutMs?: number },
): Promise<ProcessResult>;
