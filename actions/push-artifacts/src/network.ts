/**
 * Network failures (nothing answered, or not in time) as errors that name the service, the endpoint
 * and what to check, instead of "Unexpected error: connect ECONNREFUSED". Pure functions.
 */
import { ActionError, causes, errorMessage, valueAt } from '@deploy-kit/core';
import { awsEndpointFromEnv } from '@deploy-kit/core/aws';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);


/**
 * Why the request got no answer (`ECONNREFUSED`, `ENOTFOUND`, `timed out`, a TLS certificate code …),
 * or undefined when the failure is not a network one (an HTTP answer, a local error).
 */
export function networkFailure(error: unknown): string | undefined {
  for (const current of causes(error)) {
    const name = valueAt(current, 'name');
    // AbortSignal.timeout (node's AbortError has it as its cause) and the SDK's request/connection timeouts.
    if (name === 'TimeoutError' || (name === 'AbortError' && /timeout|timed out/i.test(errorMessage(current)))) return 'timed out';
    const code = valueAt(current, 'code');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

function isCertificateProblem(reason: string): boolean {
  return /CERT|SIGNED|SIGNATURE/.test(reason);
}

export type AwsService = 'ECR' | 'STS' | 'S3';

/** The endpoint the SDK uses for `service`, as a user would recognise it in the environment. */
export function awsEndpointDescription(service: AwsService, region: string, env: Record<string, string | undefined>): string {
  const configured = awsEndpointFromEnv(service, env);
  if (configured) return configured;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const host = service === 'ECR' ? `api.ecr.${region}.${suffix}` : service === 'STS' ? `sts.${region}.${suffix}` : `s3.${region}.${suffix}`;
  return `https://${host} (AWS's ${service} endpoint for ${region})`;
}

/** `<what> failed: the <service> endpoint <endpoint> could not be reached (<why>).` or undefined. */
export function describeAwsNetworkError(
  error: unknown,
  context: { what: string; service: AwsService; region: string; env: Record<string, string | undefined> },
): ActionError | undefined {
  if (error instanceof ActionError) return undefined; // already explained
  const reason = networkFailure(error);
  if (!reason) return undefined;
  const { service } = context;
  const endpoint = awsEndpointDescription(service, context.region, context.env);
  const configured = awsEndpointFromEnv(service, context.env) !== undefined;
  return new ActionError(`${context.what} failed: the ${service} endpoint ${endpoint} ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`, {
    why: errorMessage(error),
    check: [
      configured
        ? `AWS_ENDPOINT_URL_${service} / AWS_ENDPOINT_URL point at a running ${service} endpoint (unset them to use AWS's own)`
        : `the region ${context.region} is right for this account and ${service}`,
      'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
      ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
    ],
    cause: error,
  });
}

/**
 * The same for a registry (or its token service): `<what> failed: the registry <host> (<url>) could
 * not be reached (<why>).` or undefined.
 */
export function describeRegistryNetworkError(error: unknown, context: { what: string; host: string; url: string; service?: string }): ActionError | undefined {
  if (error instanceof ActionError) return undefined; // already explained
  const reason = networkFailure(error);
  if (!reason) return undefined;
  return new ActionError(`${context.what} failed: the ${context.service ?? 'registry'} ${context.host} (${context.url}) ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`, {
    why: errorMessage(error),
    check: [
      'the registry host in `images` / `registry` is right (host[:port]; `http://` only for loopback)',
      'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
      ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
    ],
    cause: error,
  });
}
