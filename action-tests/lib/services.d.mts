import type { IncomingMessage } from 'node:http';
export function toolPath(tool: string, relative: string): string;
export function runnerNode(): string;
export function runnerPath(path?: string): string;
export function freePort(): Promise<number>;
export function waitForHttp(url: string, timeoutMs?: number): Promise<void>;
export function startMoto(): Promise<{ url: string; port: number; stop(): Promise<void>; output(): string }>;
export function htpasswdLine(user: string, password: string): string;
export function startRegistry(options?: {
  auth?: { user: string; password: string };
  tls?: { cert: string; key: string; ca: string };
}): Promise<{ host: string; url: string; port: number; dir: string; stop(): Promise<void>; output(): string }>;
export function skopeo(args: string[], options?: { timeoutMs?: number }): Promise<string>;
export type FaultAction =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { reset: true }
  | { resetAfterBytes: number }
  | { dropResponse: true }
  | { delayMs: number };
export interface ProxyLogEntry {
  method?: string;
  url?: string;
  status: number;
  at: number;
  fault?: FaultAction;
  /** Request body bytes received from the client. */
  bytes: number;
}
export function startFaultProxy(
  target: string,
  decide: (request: IncomingMessage, n: number) => FaultAction | undefined,
  options?: { maxFaults?: number },
): Promise<{ url: string; host: string; log: ProxyLogEntry[]; faults(): number; stop(): Promise<void> }>;
export function copyImageToEcr(
  target: { ecr: { send(command: unknown): Promise<any> }; registryUrl: string; authorization?: string },
  repository: string,
  tag: string,
): Promise<string>;
