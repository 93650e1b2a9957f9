// Types of release-e2e.mjs.
import type { S3Client } from '@aws-sdk/client-s3';
import type { GitHubFake } from '../fakes/github/index.mjs';
import type { Cluster, FakeNode } from './kube-cluster.mjs';
import type { MadeLayout } from './oci-images.mjs';

export declare const REPO_ROOT: string;
/** The installed slackapi/slack-github-action at the workflows' pin, or undefined (the stand-in runs). */
export declare function slackActionDir(): string | undefined;
export declare const ACT_VERSION: string;
export declare const ACCOUNT: string;
export declare const REGION: string;
export declare const ECR_HOST: string;
export declare const PAT: string;
export declare const JOB_TOKEN: string;
export declare const APP_REPOSITORY: string;
export declare const SECRET_KEY: string;
export declare const ACCESS_KEY: string;
export declare const DEPLOY_KIT_TOKEN: string;
export declare const SERVICES: string[];
export declare const CLI_SERVICES: string[];
export declare const NAMESPACE: string;
export declare const BUCKET: string;
export declare const TAMPERED_MARKER: string;

export interface ActRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  wallMs: number;
}

export interface ReleaseE2E {
  work: string;
  repo: string;
  github: GitHubFake;
  registry: { host: string; url: string; dir: string; stop(): Promise<void> };
  moto: { url: string; port: number; stop(): Promise<void> };
  cluster: Cluster;
  node: FakeNode;
  s3: S3Client;
  awsConfig: { region: string; endpoint: string; forcePathStyle: boolean; credentials: { accessKeyId: string; secretAccessKey: string } };
  layouts: Record<string, MadeLayout>;
  /** The commit of deploy-kit's copy (what the callers pass as deploy-kit-ref under act). */
  deployKitSha: string;
  /** Where the artifact stand-ins keep artifacts (one folder per name). */
  artifacts: string;
  /** The loopback Slack webhook: its URL and every request it received. */
  slack: { url: string; received: Array<{ method: string; path: string; contentType: string; body: any }>; close(): Promise<void> };
  /** The loopback health endpoints `verify-url` points at: every request (environment, version answered); `stuck` environments never roll out. */
  verify: { url: string; requests: Array<{ environment: string; version: string }>; stuck: Set<string>; close(): Promise<void> };
  standinCalls(): string[];
  tag(tag: string): void;
  run(
    file: string,
    event: { ref?: string; inputs?: Record<string, string> },
    options?: { timeoutMs?: number; slack?: boolean },
  ): Promise<ActRun>;
  close(): Promise<void>;
}

export declare function findAct(): string;
export declare function callerWorkflow(
  file: string,
  options: { registry: string; ociFixtures: string; deployKitSha: string; verifyUrl?: string; examples?: string },
): { text: string; with: Record<string, unknown> };
export declare function startReleaseE2E(options?: {
  migrationLines?: string[];
  /** Another example repository's callers (default examples/.github/workflows). */
  examples?: string;
  /** false: no Kubernetes cluster (callers that migrate nothing there). */
  kubernetes?: boolean;
  /** More environment for every step. */
  stepEnv?: Record<string, string>;
}): Promise<ReleaseE2E>;
export declare function mirrorToEcr(env: ReleaseE2E, repository: string, tag: string): Promise<string>;
export declare function reportedOutputs(output: string): Record<string, string>;
export { filterPatternToRegExp, tagMatches } from './filter-pattern.mjs';
export declare function callersForTag(tag: string, options?: import('./filter-pattern.mjs').FilterOptions): string[];
export declare function jobOutput(output: string, prefix: string): string;
