/**
 * Network failures (nothing answered, or not in time) of a registry or its token service, as errors
 * that name the service, the endpoint and what to check, instead of "Unexpected error: connect
 * ECONNREFUSED". Pure functions; push-artifacts' AWS endpoints use {@link networkFailure} too.
 */
import { ActionError, errorMessage } from '../errors.js';

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

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Why the request got no answer (`ECONNREFUSED`, `ENOTFOUND`, `timed out`, a TLS certificate code …),
 * or undefined when the failure is not a network one (an HTTP answer, a local error).
 */
export function networkFailure(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const name = field(current, 'name');
    // AbortSignal.timeout (node's AbortError has it as its cause) and the SDK's request/connection timeouts.
    if (name === 'TimeoutError' || (name === 'AbortError' && /timeout|timed out/i.test(errorMessage(current)))) return 'timed out';
    const code = field(current, 'code');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = field(current, 'cause');
  }
  return undefined;
}

export function isCertificateProblem(reason: string): boolean {
  return /CERT|SIGNED|SIGNATURE/.test(reason);
}

/**
 * `<what> failed: the <service> <host> (<url>) could not be reached (<why>).`, or undefined when the
 * error is not a network failure.
 */
export function describeRegistryNetworkError(
  error: unknown,
  context: { what: string; host: string; url: string; service?: string },
): ActionError | undefined {
  if (error instanceof ActionError) return undefined; // already explained
  const reason = networkFailure(error);
  if (!reason) return undefined;
  return new ActionError(
    `${context.what} failed: the ${context.service ?? 'registry'} ${context.host} (${context.url}) ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`,
    {
      why: errorMessage(error),
      check: [
        'the registry host in `images` / `registry` is right (host[:port]; `http://` only for loopback)',
        'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
        ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
      ],
      cause: error,
    },
  );
}
