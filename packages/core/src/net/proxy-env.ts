/**
 * Whether any proxy variable is set: the one check the clients make before they load the proxy
 * agents (net/proxy.ts imports node:http, node:https and node:tls, about 30 ms of a cold start that
 * an action without a proxy, or without a network call, should not pay). No imports, on purpose.
 */
export const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** True when any proxy variable is set: without one, every client keeps its own default agents. */
export function proxyConfigured(env: Record<string, string | undefined> = process.env): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? '').trim() !== '');
}
