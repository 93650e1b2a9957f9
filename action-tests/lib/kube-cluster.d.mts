// Types of kube-cluster.mjs (generated from its TypeScript original with tsc --declaration).
import { type ChildProcess } from 'node:child_process';
export declare function toolBinary(tool: string, binary?: string): string;
export declare function freePort(): Promise<number>;
export declare const ADMIN_TOKEN = 'deploy-kit-admin-token-0123456789';
export declare const OIDC_ID_TOKEN: string;
export declare const LIMITED_TOKEN = 'deploy-kit-limited-token-0123456789';
export interface ApiResponse {
  status: number;
  body: any;
}
export declare class Cluster {
  readonly dir: string;
  readonly processes: Map<string, ChildProcess>;
  readonly logs: Map<string, string>;
  apiPort: number;
  etcdPort: number;
  private peerPort;
  /** Flags added to kube-apiserver's (e.g. --oidc-* for an OIDC issuer the test runs). */
  apiServerArgs: string[];
  constructor(dir: string);
  get server(): string;
  /** A kubeconfig for `token` (admin by default), TLS verified against the API server's self-signed CA. */
  kubeconfig(token?: string, namespace?: string, options?: { user?: string; cluster?: string }): string;
  writeKubeconfig(name: string, token?: string, namespace?: string): string;
  private start;
  startEtcd(): Promise<void>;
  startApiServer(): Promise<void>;
  startControllerManager(): Promise<void>;
  stopProcess(name: string, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
  /** A JSON request to the API server (not through the code under test), admin token by default. */
  api(
    method: string,
    path: string,
    body?: unknown,
    options?: {
      contentType?: string;
      token?: string;
    },
  ): Promise<ApiResponse>;
  apiOk(method: string, path: string, body?: unknown, contentType?: string): Promise<any>;
  createNamespace(name: string): Promise<void>;
  createSecret(namespace: string, name: string, data: Record<string, string>): Promise<void>;
  getJob(namespace: string, name: string): Promise<any | undefined>;
}
export declare function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  detail?: () => string | undefined,
): Promise<void>;
/** etcd + kube-apiserver + kube-controller-manager in a temp dir; about 10–20 s to start. */
export declare function startCluster(options?: { apiServerArgs?: string[] }): Promise<Cluster>;
/** What the fake container does: lines to log (with a delay between), then exit with `exitCode`. */
export interface Program {
  lines: string[];
  lineDelayMs?: number;
  exitCode: number;
  /** Stay running this long after the lines (a slow or hung migration). */
  runMs?: number;
}
export interface NodeOptions {
  /** The program for a container's command+args (the test's "image"). */
  program(argv: string[]): Program;
  /** Images the fake registry does not have (→ ErrImagePull, then ImagePullBackOff). */
  missingImages?: (image: string) => boolean;
  /** Do not bind pods (they stay Pending → use to make them Unschedulable). */
  unschedulable?: boolean;
  /** The Node's name (default `fake-node`); give a second node its own. */
  nodeName?: string;
}
export declare class FakeNode {
  private readonly cluster;
  private readonly namespace;
  options: NodeOptions;
  readonly name: string;
  private kubelet?;
  private kubeletPort;
  private readonly pods;
  private stopped;
  private watchRequest?;
  private readonly timers;
  /** Pods this node has handled, by name. */
  readonly handled: string[];
  /** GET pods/log requests the kubelet endpoint served. */
  logRequests: number;
  constructor(cluster: Cluster, namespace: string, options: NodeOptions);
  start(): Promise<void>;
  private watchPods;
  private later;
  /** Like the kubelet, status updates are retried while the API server is away (bounded: 60 s). */
  private patchStatus;
  private onPod;
  private emit;
  private finish;
  stop(): Promise<void>;
}
