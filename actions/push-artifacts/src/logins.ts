/**
 * Where the ECR login may go (SECURITY.md, "a credential is bound to the host it was issued for").
 * `GetAuthorizationToken` issues a password for one registry, the host of its `proxyEndpoint`; it is
 * sent to that host only, over https. ECR Public's GetAuthorizationToken issues one for
 * public.ecr.aws, which goes there only. The one exception is a registry on a loopback address that
 * the `registry` (or `registries`) input names (a local registry standing in for ECR in tests and
 * demos). Every other host in `images`, `registry` or `registries` (ghcr.io, Docker Hub, another
 * loopback port) is pushed to anonymously, and a registry there that wants a login fails with an
 * error that says why it got none.
 */
import { credentialBoundTo, isLoopbackHost } from '@deploy-kit/core';
import { ECR_PUBLIC_HOST, isEcrPublicHost, parseEcrHost, type RegistryAddress } from '@deploy-kit/core/oci';

export type LoginPlan =
  /** An ECR registry: a token from GetAuthorizationToken for its account, bound to its proxyEndpoint. */
  | { kind: 'ecr'; account: string }
  /** ECR Public (public.ecr.aws): a token from ECR Public's GetAuthorizationToken, bound to that host. */
  | { kind: 'ecr-public' }
  /** A loopback registry the `registry` input names: the caller's ECR token, for local testing. */
  | { kind: 'loopback' }
  /** No login: anonymous access. `reason` says why, for the log and for a 401. */
  | { kind: 'none'; reason: string };

/**
 * Which login `host` gets (pure). `named` is the `registry` input, when given, or every registry the
 * `registry` and `registries` inputs name.
 */
export function loginPlan(
  host: string,
  registryAuth: 'ecr' | 'none',
  named: RegistryAddress | readonly (RegistryAddress | undefined)[] | undefined,
): LoginPlan {
  if (registryAuth === 'none') return { kind: 'none', reason: '`registry-auth` is `none`' };
  const ecr = parseEcrHost(host);
  if (ecr) return { kind: 'ecr', account: ecr.account };
  if (isEcrPublicHost(host)) return { kind: 'ecr-public' };
  if (isLoopbackHost(host)) {
    const names = Array.isArray(named) ? named : [named];
    if (names.some((address) => address?.host === host)) return { kind: 'loopback' };
    return {
      kind: 'none',
      reason: `${host} is a loopback registry that the \`registry\` input does not name (only that one gets the ECR login, for local testing)`,
    };
  }
  return { kind: 'none', reason: `${host} is not an ECR registry, and the ECR login is only sent to the registry it was issued for` };
}

/**
 * Whether the token ECR (or ECR Public) issued for `proxyEndpoint` may be sent to the registry at
 * `baseUrl` under `plan`: the same host and port as `proxyEndpoint` over https (for ECR Public, that
 * host is public.ecr.aws), or the named loopback registry.
 */
export function ecrTokenMayGo(plan: LoginPlan, proxyEndpoint: string, baseUrl: string): boolean {
  if (plan.kind === 'loopback') return isLoopbackHost(new URL(baseUrl).host) && credentialBoundTo(new URL(baseUrl).host, baseUrl);
  if (plan.kind !== 'ecr' && plan.kind !== 'ecr-public') return false;
  let issuedFor: string;
  try {
    issuedFor = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxyEndpoint) ? proxyEndpoint : `https://${proxyEndpoint}`).host;
  } catch {
    return false;
  }
  if (plan.kind === 'ecr-public' && issuedFor !== ECR_PUBLIC_HOST) return false;
  return credentialBoundTo(issuedFor, baseUrl);
}
