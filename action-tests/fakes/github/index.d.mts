// Types for the GitHub API contract fake (hand-written; keep in step with server.mjs / openapi.mjs).
import type { KeyObject } from 'node:crypto';

export type Flavor = 'api.github.com' | 'ghes-3.17' | 'ghes-3.19';

/** How a dispatched run moves on: by time since creation, or by how many requests have read it. */
export type Lifecycle =
  | {
      mode?: 'time';
      appearAfterMs?: number;
      queuedMs?: number;
      runningMs?: number;
      conclusion?: string;
      failJob?: string;
      failStep?: string;
    }
  | {
      mode: 'reads';
      appearAfterReads?: number;
      queuedReads: number;
      runningReads: number;
      conclusion?: string;
      failJob?: string;
      failStep?: string;
    };

export interface RepoSpec {
  private?: boolean;
  archived?: boolean;
  /** The repository's description (`GET /repos/{owner}/{repo}`); null by default. */
  description?: string | null;
  defaultBranch?: string;
  /** Files of the default branch (path → text), when `branches` is not given. */
  files?: Record<string, string>;
  branches?: Record<string, Record<string, string>>;
  tags?: Record<string, Record<string, string>>;
  /** Per workflow file name: state (`disabled_manually`, …), a fixed id, a lifecycle. */
  workflows?: Record<string, { state?: string; id?: number; lifecycle?: Partial<Lifecycle> }>;
  lifecycle?: Partial<Lifecycle>;
  /** Commit status contexts (context → state) a deployment is checked against unless it sends `required_contexts: []`. */
  commitStatuses?: Record<string, string>;
}

export interface TokenSpec {
  login?: string;
  userId?: number;
  /** Repositories the token can see (`owner/name`), or '*'. */
  repos?: '*' | string[];
  permissions?: Partial<Record<'actions' | 'contents' | 'metadata' | 'deployments', 'none' | 'read' | 'write'>>;
  /** The user's role on the repositories; `read` cannot dispatch. */
  role?: 'read' | 'write';
  /** Set for a classic token: sent back as X-OAuth-Scopes; without `repo`, private repositories are invisible. */
  scopes?: string;
  rateLimit?: number;
}

export interface AppSpec {
  id: number;
  slug?: string;
  clientId?: string;
  publicKey: string | KeyObject;
  installations?: Array<{ id: number; account: string; repositories?: '*' | string[]; permissions?: Record<string, string> }>;
}

export interface FakeOptions {
  flavor?: Flavor;
  /** The X-GitHub-Enterprise-Version a GHES fake sends (default `<flavor>.3`); null sends none. */
  enterpriseVersion?: string | null;
  port?: number;
  serverUrl?: string;
  repos?: Record<string, RepoSpec>;
  tokens?: Record<string, TokenSpec>;
  apps?: AppSpec[];
  lifecycle?: Partial<Lifecycle>;
  rateLimit?: { limit?: number; windowMs?: number };
  /**
   * Where `upload_url` points: by default the fake's own origin (GHES mode: its /api/uploads);
   * 'separate': a second loopback server, a host the GitHub token must not be sent to.
   */
  uploadsHost?: 'same' | 'separate';
  /** Whether release assets report GitHub's `digest` (default true); false stands in for a server that reports none. */
  assetDigests?: boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  conditional: boolean;
  notModified: boolean;
  /** Counted against the token's rate limit. */
  counted: boolean;
  auth: string;
  at: number;
}

export interface Violation {
  kind: 'request' | 'response' | 'fake';
  method: string;
  path: string;
  operationId?: string;
  problem: string;
}

export interface Injection {
  operationId?: string;
  when?: (request: { method: string; path: string; query: Record<string, string[]>; body: unknown }) => boolean;
  status?: number;
  message?: string;
  kind?: 'secondary-rate-limit' | 'too-many-requests';
  retryAfter?: number;
  times?: number;
}

export interface FakeRun {
  id: number;
  repository: string;
  workflow: string;
  workflowName: string;
  ref: string;
  headBranch: string;
  inputs: Record<string, string>;
  actor: string;
  displayTitle: string;
  status: string;
  conclusion: string | null;
  cancelled: boolean;
  reads: number;
}

export interface FakeStats {
  total: number;
  notModified: number;
  counted: number;
  byOperation: Record<string, number>;
}

export interface FakeDeployment {
  id: number;
  repository: string;
  sha: string;
  ref: string;
  environment: string;
  description: string;
  payload: unknown;
  transient: boolean;
  production: boolean;
  statuses: Array<{ state: string; description: string; environment: string; logUrl: string; environmentUrl: string }>;
}

export interface FakeRelease {
  id: number;
  repository: string;
  tag: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  makeLatest: string;
  /** The repository's latest release (make_latest). */
  latest: boolean;
  assets: Array<{ id: number; name: string; contentType: string; data: Buffer }>;
}

export interface GitHubFake {
  readonly flavor: Flavor;
  readonly url: string;
  readonly apiUrl: string;
  readonly serverUrl: string;
  /** The origin `upload_url` points at. */
  readonly uploadsUrl: string;
  /** Points `upload_url` at another origin that reaches this fake (a name a forward proxy resolves to it). */
  setUploadsUrl(url: string): void;
  readonly requests: RequestRecord[];
  readonly violations: Violation[];
  addRepo(fullName: string, spec?: RepoSpec): void;
  addToken(token: string, spec?: TokenSpec): void;
  addApp(spec: AppSpec): void;
  /** A tag pushed after the start, at `sha` (default: a stable fake commit). */
  addTag(fullName: string, tag: string, sha?: string): void;
  setFile(fullName: string, branch: string, path: string, text: string): void;
  setWorkflowState(fullName: string, file: string, state: string): void;
  inject(spec: Injection): Injection & { used: number };
  runs(): FakeRun[];
  /** Deployments (of one repository, or all), oldest first, each with its statuses oldest first. */
  deployments(fullName?: string): FakeDeployment[];
  /** Releases (of one repository, or all), oldest first, with their assets. */
  releases(fullName?: string): FakeRelease[];
  token(value: string):
    | {
        kind: string;
        revoked: boolean;
        repositories: unknown;
        permissions: Record<string, string>;
        rate: { limit: number; remaining: number; resetAt: number };
      }
    | undefined;
  stats(since?: number): FakeStats;
  describeViolations(): string;
  clearLog(): void;
  close(): Promise<void>;
}

export declare function startGitHubFake(options?: FakeOptions): Promise<GitHubFake>;

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  params: Record<string, string>;
}

export interface Contract {
  readonly name: string;
  readonly spec: Record<string, unknown>;
  resolve(ref: string): Record<string, unknown>;
  match(method: string, path: string): Operation | undefined;
  checkRequest(
    op: Operation,
    request: {
      pathParams: Record<string, string>;
      query: Record<string, string[]>;
      body?: unknown;
      hasBody: boolean;
      contentType?: string;
      version?: string;
    },
  ): string[];
  checkResponse(op: Operation, response: { status: number; body?: unknown; version?: string; conditional?: boolean }): string[];
}

export declare function loadContract(name: string): Contract;
export declare function openapiVersion(): string;
export declare function applyPatch<T>(target: T, patch: unknown): T;
export declare const DESCRIPTIONS: Record<string, string>;
export declare function validate(
  schema: unknown,
  value: unknown,
  options?: { resolve?: (ref: string) => unknown; formats?: boolean; path?: string },
): string[];

export declare const UPDATE_PROJECT_LIST: string;
export declare const UPDATE_PROJECT_LIST_STEP_ID: string;
export declare const UPDATE_PROJECT_LIST_PLAIN: string;
export declare const UPDATE_API_GATEWAY_ROUTES: string;
export declare const CI_WORKFLOW: string;
export declare function seedRepos(variant?: string): Record<string, RepoSpec>;
