/**
 * What migrate-job's own HTTP requests share (the tool download and the registry's digest lookup):
 * every request has a time limit and ends at the step's deadline (core `requestSignal`), plain http
 * is spoken to loopback hosts only (a local mirror or registry in tests), redirects are followed one
 * hop at a time under the same rule, and a failure reads as what happened ("connection refused",
 * "no answer within 30 s") instead of fetch's bare "fetch failed". Requests follow core's proxy rule
 * (`fetchFor`: HTTPS_PROXY / HTTP_PROXY / NO_PROXY), loaded only when a proxy variable is set.
 */
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  causes,
  credentialBoundTo,
  credentialTransportProblem,
  proxyConfigured,
  formatDuration,
  requestSignal,
  valueAt,
} from '@deploy-kit/core';

export { DEFAULT_REQUEST_TIMEOUT_MS as REQUEST_TIMEOUT_MS };

/**
 * Why `url` must not be fetched, or undefined when it may: https, or plain http to a loopback host
 * only (a local mirror or registry). The same rule as for credentials (core
 * `credentialTransportProblem`): what comes over plain http can be read and changed on the way.
 */
export function transportProblem(url: string | URL): string | undefined {
  if (credentialTransportProblem(url) === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return `"${String(url)}" is not a URL`;
  }
  if (parsed.protocol === 'http:')
    return `${parsed.host} is plain http, which anyone on the way can read and change (only https is used; plain http only for 127.0.0.1, ::1 or localhost)`;
  return `${parsed.protocol}// is not https`;
}

/** A request that failed for a reason of the network, not an HTTP answer; `reason` is for the user. */
export class NetworkError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'NetworkError';
  }
}

const CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_SOCKET: 'the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** The first `code` along an error's causes (fetch wraps the socket's error in `cause`). */
function errorCode(error: unknown): string | undefined {
  return causes(error)
    .map((e) => valueAt(e, 'code'))
    .find((code): code is string => typeof code === 'string' && code !== '');
}

/** A readable reason for a request that failed in the network (the caller words its own time limits). */
export function networkReason(error: unknown): string {
  const code = errorCode(error);
  if (code && CODES[code]) return `${CODES[code]} (${code})`;
  // Duck-typed: fetch's errors may come from another realm (undici's), where `instanceof Error` fails.
  const messageOf = (value: unknown) => (typeof (value as Error)?.message === 'string' ? (value as Error).message : undefined);
  const message = messageOf(error) ?? String(error);
  const inner = messageOf((error as { cause?: unknown })?.cause);
  if (message === 'fetch failed' && inner) return code ? `${inner} (${code})` : inner;
  return code ? `${message} (${code})` : message;
}

export interface BoundedFetchOptions {
  method?: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'PUT';
  headers?: Record<string, string>;
  /** The request body (POST, PATCH, PUT). A request with a body never follows a redirect: the 3xx is the answer. */
  body?: Buffer | string;
  /** Headers sent only to the host they were issued for, never across a redirect to another host or to plain http. */
  credentials?: { host: string; headers: Record<string, string> };
  /** The step's deadline (and cancellation): no request outlives it. */
  outer?: AbortSignal;
  /** How long the server may take to answer (the headers), and then to send each next chunk: default 30 s. */
  answerMs?: number;
  /** The longest the whole request may take, body included (core `requestSignal`): default `answerMs`. */
  totalMs?: number;
  fetch?: typeof fetch;
  maxRedirects?: number;
}

/** An answer whose body is still bounded by the request's limits: read it with {@link readBody}. */
export interface BoundedResponse {
  response: Response;
  /** Where the answer came from after redirects. */
  url: string;
  /** Restarts the no-progress timer (each chunk of the body gets `answerMs` again). */
  progress(): void;
  /** Ends the timers; called by `readBody`, or by the caller that does not read the body. */
  done(): void;
  /** Why the request was aborted, in the user's words, if it was aborted by a limit. */
  abortReason(): string | undefined;
}

const defaultRedirects = 5;

/**
 * A request that follows redirects itself (GET and HEAD; one with a body never does): each hop must pass {@link transportProblem}, and
 * `credentials` go only to their own host over an allowed transport (core `credentialBoundTo`).
 * Three limits apply at once: the answer (and then each chunk of the body) within `answerMs`, the
 * whole request within `totalMs` (core `requestSignal`), and the step's deadline (`outer`).
 */
export async function boundedFetch(url: string, options: BoundedFetchOptions = {}): Promise<BoundedResponse> {
  const doFetch = options.fetch ?? (proxyConfigured() ? (await import('@deploy-kit/core/net/proxy')).fetchFor() : fetch);
  const answerMs = options.answerMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const totalMs = options.totalMs ?? answerMs;
  const total = requestSignal(totalMs, options.outer);
  const stall = new AbortController();
  const signal = AbortSignal.any([stall.signal, total]);
  let timer: NodeJS.Timeout | undefined;
  let answered = false;
  const progress = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(new Error(`no answer within ${formatDuration(answerMs)}`)), answerMs);
  };
  const done = () => clearTimeout(timer);
  const abortReason = (): string | undefined => {
    if (options.outer?.aborted) return "the step's timeout ran out (or the run was cancelled) while waiting";
    if (!stall.signal.aborted && !total.aborted) return undefined;
    if (!answered) return `no answer within ${formatDuration(Math.min(answerMs, totalMs))}`;
    return stall.signal.aborted
      ? `nothing arrived for ${formatDuration(answerMs)}`
      : `the request took longer than ${formatDuration(totalMs)}`;
  };
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const problem = transportProblem(current);
      if (problem) throw new NetworkError(current, hop === 0 ? problem : `it redirected to ${current}: ${problem}`);
      const target = new URL(current);
      const bound = options.credentials && credentialBoundTo(options.credentials.host, target) ? options.credentials.headers : {};
      progress();
      const response = await doFetch(target, {
        method: options.method ?? 'GET',
        headers: { ...(options.headers ?? {}), ...bound },
        ...(options.body !== undefined ? { body: options.body } : {}),
        redirect: 'manual',
        signal,
      });
      answered = true;
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location && options.body === undefined) {
        answered = false;
        await response.body?.cancel().catch(() => undefined);
        if (hop >= (options.maxRedirects ?? defaultRedirects))
          throw new NetworkError(current, `more than ${options.maxRedirects ?? defaultRedirects} redirects`);
        current = new URL(location, target).toString();
        continue;
      }
      return { response, url: current, progress, done, abortReason };
    }
  } catch (error) {
    done();
    if (error instanceof NetworkError) throw error;
    throw new NetworkError(current, abortReason() ?? networkReason(error), { cause: error });
  }
}

/** The whole body (each chunk within the request's answer limit), at most `maxBytes`. */
export async function readBody(answer: BoundedResponse, options: { maxBytes?: number } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    if (!answer.response.body) return Buffer.alloc(0);
    const reader = answer.response.body.getReader();
    for (;;) {
      answer.progress();
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new NetworkError(answer.url, `the answer is larger than ${options.maxBytes} bytes`);
      }
      chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof NetworkError) throw error;
    const limit = answer.abortReason();
    throw new NetworkError(answer.url, limit ? `the transfer stopped: ${limit}` : networkReason(error), { cause: error });
  } finally {
    answer.done();
  }
}
