// Types for runner.mjs (hand-written; keep in step with the implementation).

export declare const REPO_ROOT: string;
export declare const DEFAULT_SHA: string;
export declare const DEFAULT_REPOSITORY: string;
/** The fake `github.token` used when an input defaults to `${{ github.token }}`; always leak-checked. */
export declare const DEFAULT_TOKEN: string;
export declare const SUMMARY_LIMIT_BYTES: number;
/** The Node.js the bundles run on: DEPLOY_KIT_ACTION_NODE (npm test: the runner's node 24), else process.execPath. */
export declare function actionNode(): string;

export interface ActionInputYml {
  description?: string;
  required?: boolean;
  default?: unknown;
  deprecationMessage?: string;
  [key: string]: unknown;
}

export interface ActionOutputYml {
  description?: string;
  value?: string;
  [key: string]: unknown;
}

export interface ActionRunsYml {
  using: string;
  main?: string;
  pre?: string;
  post?: string;
  'pre-if'?: string;
  'post-if'?: string;
  steps?: Array<Record<string, unknown>>;
  image?: string;
  [key: string]: unknown;
}

export interface ActionYml {
  name?: string;
  description?: string;
  author?: string;
  branding?: Record<string, string>;
  inputs?: Record<string, ActionInputYml | null>;
  outputs?: Record<string, ActionOutputYml | null>;
  runs: ActionRunsYml;
  [key: string]: unknown;
}

export interface RunActionOptions {
  /** Values for declared inputs; booleans/numbers are stringified. Undeclared names throw. */
  inputs?: Record<string, string | boolean | number>;
  /** Extra environment (wins over everything the runner sets; `undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  /** Event payload written to GITHUB_EVENT_PATH (default: a minimal payload for the event). */
  event?: object;
  /** GITHUB_EVENT_NAME, default 'push'. */
  eventName?: string;
  /** GITHUB_REF, default 'refs/heads/main' ('refs/pull/1/merge' for pull_request). */
  ref?: string;
  /** GITHUB_SHA, default DEFAULT_SHA. */
  sha?: string;
  /** GITHUB_REPOSITORY, default 'example-org/sample-service'. */
  repository?: string;
  /** Values that must never appear in anything the process emitted (besides its ::add-mask:: lines). */
  secrets?: string[];
  /** Kill the process (SIGTERM, then SIGKILL) after this long; default 30000. */
  timeoutMs?: number;
  /** GITHUB_WORKSPACE and the process's cwd (default: a fresh temp workspace). */
  cwd?: string;
  /** Which runs.* entry to execute, default 'main'. */
  entry?: 'main' | 'post';
  /** STATE_<name> variables (what main saved, for post). */
  state?: Record<string, string>;
  /** RUNNER_DEBUG=1 and ACTIONS_STEP_DEBUG=true; debug lines are then kept in `log`. */
  debug?: boolean;
  /** node binary, default actionNode() (the runner's node 24 under npm test). */
  node?: string;
  /** Folder holding `<name>/action.yml`, default the repository root. */
  root?: string;
  /** Value of `${{ github.token }}`, default DEFAULT_TOKEN. */
  token?: string;
  /** Keep the temp dir (file-command files, workspace) after the run; see `result.tempDir`. */
  keepTemp?: boolean;
  /** Called with the action's process once it is spawned (e.g. to send it SIGINT as a cancelled run would). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface RunResult {
  /** null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** GITHUB_OUTPUT (plus values from deprecated ::set-output). */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY contents. */
  summary: string;
  /** GITHUB_ENV. */
  env: Record<string, string>;
  /** GITHUB_STATE (plus deprecated ::save-state). */
  state: Record<string, string>;
  /** GITHUB_PATH lines. */
  path: string[];
  stdout: string;
  stderr: string;
  /** stdout as the runner logs it: `##[error]…`, `##[group]…`, no ::add-mask::, secrets as ***. */
  log: string;
  errors: string[];
  warnings: string[];
  notices: string[];
  debug: string[];
  masked: string[];
  groups: string[];
  /** Annotations that carried properties (file, line, title, …). */
  annotations: Annotation[];
  /** Things the runner would reject or warn about: deprecated commands, malformed file commands, timeout, bad json output. */
  problems: string[];
  durationMs: number;
  /** `outputs.json` parsed, when present and valid. */
  json: unknown;
  /** The INPUT_* values given to the process, by input name. */
  inputs: Record<string, string>;
  /** The run's temp dir (deleted unless keepTemp). */
  tempDir: string;
}

export interface Leak {
  /** 'stdout' | 'stderr' | 'summary' | 'outputs.<name>' | 'env.<name>' | 'state.<name>' | 'path[<i>]' */
  where: string;
  secret: string;
  redacted: string;
}

export declare class SecretLeakError extends Error {
  readonly leaks: Leak[];
  readonly result: RunResult;
  constructor(leaks: Leak[], result: RunResult);
}

export declare function runAction(name: string, options?: RunActionOptions): Promise<RunResult>;

export declare function findLeaks(
  result: Pick<RunResult, 'stdout' | 'stderr'> & Partial<Pick<RunResult, 'summary' | 'outputs' | 'env' | 'state' | 'path'>>,
  secrets: readonly string[] | undefined,
): Leak[];

export declare function redact(secret: string): string;
export declare function actionYmlPath(name: string, root?: string): string | undefined;
export declare function loadActionYml(name: string, root?: string): ActionYml;
export declare function inputEnvName(name: string): string;
export declare function evaluateDefault(text: unknown, githubContext: Record<string, unknown>, where?: string): string;
export declare function parseFileCommand(text: string): Array<[string, string]>;
export declare function unescapeData(s: string): string;
export declare function unescapeProperty(s: string): string;
export declare function parseWorkflowCommand(
  line: string,
): { command: string; properties: Record<string, string>; data: string } | undefined;

export interface ProcessedCommands {
  errors: string[];
  warnings: string[];
  notices: string[];
  debug: string[];
  masked: string[];
  problems: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  groups: string[];
  annotations?: Annotation[];
  log: string;
}
export declare function processCommands(text: string, options?: { debug?: boolean }): ProcessedCommands;
export declare function describeResult(result: RunResult, maxChars?: number): string;
