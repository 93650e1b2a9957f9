// Types of ecs-interposer.mjs (hand-written; keep in step with the implementation).
export interface InterposedContainer {
  name: string;
  /** null: the container never ran (the field is removed, as ECS omits it). */
  exitCode?: number | null;
  reason?: string;
}
export interface StoppedPatch {
  /** Which STOPPED tasks to rewrite (default: every one). */
  match?: (task: { taskArn?: string; taskDefinitionArn?: string; startedBy?: string }) => boolean;
  stopCode?: string;
  stoppedReason?: string;
  containers?: InterposedContainer[];
}
export interface InjectedError {
  status: number;
  /** AWS error code (`__type`), e.g. ThrottlingException, ServerException. */
  type: string;
  message?: string;
}
export interface InterposerLogEntry {
  operation: string;
  status: number;
  injected?: string;
  rewritten?: boolean;
}
export interface Rollout {
  /** DescribeServices answers before the deployment settles (default 1). */
  looks: number;
  state: 'COMPLETED' | 'FAILED';
  /** rolloutStateReason of a FAILED deployment. */
  reason?: string;
  failedTasks?: number;
}
export interface DeploymentModelOptions {
  /** One per UpdateService, in order; default: COMPLETED on the first look. */
  rollouts?: Rollout[];
  circuitBreaker?: { enable: boolean; rollback: boolean };
  /** Awaited before UpdateService is answered. */
  onDeployment?: (deployment: { id: string; taskDefinition: string }, service: Record<string, unknown>) => Promise<void> | void;
}
export interface EcsInterposer {
  url: string;
  log: InterposerLogEntry[];
  operations(): string[];
  stopped(patch: StoppedPatch): void;
  deployments(options?: DeploymentModelOptions): void;
  placementFailures(failures: { arn?: string; reason?: string; detail?: string }[]): void;
  inject(operation: string, errors: InjectedError[], options?: { after?: number }): void;
  pending(): number;
  reset(): void;
  stop(): Promise<void>;
}
export function startEcsInterposer(target: string): Promise<EcsInterposer>;
