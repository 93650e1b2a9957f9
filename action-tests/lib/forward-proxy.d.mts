// Types of forward-proxy.mjs.
export declare const PROXIED_DOMAIN: string;
export interface ForwardProxy {
  host: string;
  port: number;
  url: string;
  connects(): string[];
  plainRequests(): string[];
  relayed: string[];
  log(): string;
  stop(): Promise<void>;
}
export declare function startForwardProxy(options?: {
  names?: string[];
  terminateTls?: { names: string[]; cert: string; key: string };
  auth?: { user: string; password: string };
  routes?: Record<string, number>;
}): Promise<ForwardProxy>;
