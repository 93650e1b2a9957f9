/**
 * The one client for the OCI distribution HTTP API (what ECR, the CNCF registry, GHCR and Docker Hub
 * serve), over a fetch-shaped transport (transport.ts): auth challenges (Basic and Bearer tokens),
 * manifest HEAD / GET / PUT, blob HEAD, cross-repository mount, and monolithic and chunked uploads
 * streamed from disk. push-artifacts pushes with it; migrate-job resolves a tag to its digest with it.
 * Every call goes through core's retry (5xx, 429 with Retry-After, connection resets) and has a time
 * limit that also ends at the step's deadline (`signal`; SECURITY.md rule 4); chunked uploads resume
 * from the offset the registry reports, or start a fresh session when it cannot say.
 *
 * Where credentials go (SECURITY.md rules 1 and 2): the login, and any token a token service gives
 * for it, are sent only to URLs on the registry's own host and port, over https (http only for
 * loopback): never to an upload location or a redirect on another host. A token service (realm) on
 * another host gets the login only when the login allows it (`tokenServiceElsewhere`: a Docker
 * config login is the user's for that registry and its token service, as docker sends it; an ECR
 * token is bound to its proxyEndpoint and is not), and never over plain http to a host that is not
 * loopback; otherwise it is asked for an anonymous token. Every URL the client is sent to, redirects
 * included, is https, or plain http on a loopback host.
 *
 * Hand-written: the JavaScript registry clients on npm either wrap the docker CLI, lack chunked
 * upload with resume and cross-repository mount, or do not let the caller bind credentials per host.
 */
import type { Readable } from 'node:stream';
import { EMPTY_SHA256_DIGEST } from '../digest.js';
import { ActionError } from '../errors.js';
import { createHash } from '../node-crypto.js';
import { classifyError, retry, sleep, type RetryOptions, type Retryability } from '../retry.js';
import { registerSecret, safeUrl } from '../secrets.js';
import { credentialBoundTo, credentialTransportProblem, isLoopbackHost, requestSignal } from '../trust.js';
import { BlobDigestCheck, BlobDigestMismatch, BlobReadError } from './blob-digest.js';

export { BlobDigestMismatch } from './blob-digest.js';
import { MANIFEST_ACCEPT } from './media.js';
import { describeRegistryNetworkError } from './network.js';
import { nodeTransport, type HttpResponse, type Transport } from './transport.js';

export interface RegistryCredentials {
  username: string;
  password: string;
  /**
   * Whether the login may also go to a token service (realm) on another host that the registry
   * names, over https (plain http for loopback only). True for a Docker config login; false (the
   * default) for a credential bound to the registry host alone, such as an ECR token.
   */
  tokenServiceElsewhere?: boolean;
}

export interface RegistryClientOptions {
  /** `https://host[:port]` (or `http://` for loopback). */
  baseUrl: string;
  credentials?: RegistryCredentials;
  /** Default: node:http/https with backpressure (transport.ts). */
  fetch?: Transport;
  retry?: Partial<RetryOptions>;
  /** Longest wait for a response without a body to send (default 60 s). */
  timeoutMs?: number;
  /** Slowest upload rate assumed when sizing an upload's time limit (bytes per second, default 256 KiB/s). */
  minBytesPerSecond?: number;
  /** The step's deadline and cancellation: no request outlives it, and nothing is retried after it. */
  signal?: AbortSignal;
  /** What a token is asked for: `pull,push` on the repository (default), or `pull` for a client that only reads. */
  access?: 'push' | 'pull';
  /**
   * Whether the first request is a `GET /v2/` that learns the auth scheme (default true). Without it
   * (push-artifacts, migrate-job's lookup), the first request goes straight to its URL, with the login
   * as Basic credentials when there is one, and a 401 teaches the scheme: one round trip less. Until
   * that first request has its answer, the others wait for it, so a Bearer registry is asked for a
   * token once, not once per request in flight.
   */
  probe?: boolean;
  log?: (message: string) => void;
}

/** An HTTP answer the client did not expect; `status` and `headers` feed core's classifyError. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly headers: HttpResponse['headers'],
    readonly operation: string,
    /** Who answered: the registry, or the token service it named. */
    readonly from: 'registry' | 'token service' = 'registry',
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The image file could not be read while sending: never retried. */
export class SourceReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceReadError';
  }
}

/** The registry answered something the protocol does not allow (no realm, no token, no Location …). */
export class RegistryProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryProtocolError';
  }
}

/** A URL the client refused to speak to (plain http to a host that is not loopback); `hop` > 0 for a redirect. */
export class RegistryTransportError extends Error {
  constructor(
    readonly url: string,
    readonly hop: number,
    readonly problem: string,
  ) {
    super(hop === 0 ? `refusing ${safeUrl(url)}: ${problem}` : `the registry redirected to ${safeUrl(url)}, which is refused: ${problem}`);
    this.name = 'RegistryTransportError';
  }
}

/** The registry named a token service no credential may be sent to (SECURITY.md rule 2); nothing was sent. */
export class TokenServiceRefused extends ActionError {
  constructor(
    readonly registry: string,
    readonly realm: URL,
    readonly problem: string,
  ) {
    super(`Refused to send a login to the token service ${realm.host} that registry ${registry} named`, {
      why: problem,
      check: "the registry's WWW-Authenticate challenge names an https token service",
    });
    this.name = 'TokenServiceRefused';
  }
}

/** The token service did not answer (a network failure); `cause` is the failure. */
export class TokenServiceUnreachable extends ActionError {
  constructor(
    readonly realm: URL,
    described: ActionError,
  ) {
    super(described.message, { why: described.why, check: described.check, cause: described.cause });
    this.name = 'TokenServiceUnreachable';
  }
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="...",service="...",scope="..."` → scheme and parameters (quoted or token values). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  for (let guard = 0; (m = re.exec(match[2]!)) !== null && guard < 64; guard++)
    params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: match[1]!.toLowerCase(), params };
}

/** Why the client must not speak to `url` at all, or undefined: https, or plain http to a loopback host. */
export function registryTransportProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:')
    return isLoopbackHost(url.host) ? undefined : `${url.host} is plain http (only https, and plain http for loopback hosts)`;
  return `${url.protocol}// is not https`;
}

interface RequestOptions {
  headers?: Record<string, string>;
  /** A fresh body each time the request is sent (auth retry, retry after a failure). */
  body?: () => Buffer | Readable | undefined;
  /** Statuses that are success for this call. */
  expect: number[];
  /** Scopes for a bearer token (`repository:name:pull,push`). */
  scopes: string[];
  timeoutMs?: number;
}

/** A credential header and the URLs it may go to. */
interface BoundCredential {
  header: string;
  mayGo(url: URL): boolean;
}

/** Without a chunk size, blobs up to this go in one PUT (one round trip less), larger ones in one PATCH. */
export const MONOLITHIC_MAX = 8 * 1024 * 1024;

export interface UploadResult {
  /** `uploaded` (bytes sent) or `mounted` (from another repository). */
  how: 'uploaded' | 'mounted';
  bytes: number;
  chunks: number;
}

export interface ManifestHead {
  /** The registry's Docker-Content-Digest; undefined when it sent none. */
  digest: string | undefined;
  mediaType: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** The largest token-service answer read (a token is a few KB). */
const MAX_TOKEN_ANSWER = 1024 * 1024;

export class RegistryClient {
  private readonly fetch: Transport;
  private readonly base: URL;
  private readonly tokens = new Map<string, string>();
  /** The auth scheme: unknown until probed or challenged (undefined); null when the registry wants none. */
  private challenge: Challenge | null | undefined;
  private toldAnonymousToken = false;
  /** Without a probe: settled once the first request has its answer (what the others wait for). */
  private firstAnswer: Promise<void> | undefined;

  constructor(private readonly options: RegistryClientOptions) {
    this.fetch = options.fetch ?? nodeTransport;
    this.base = new URL(options.baseUrl);
    if (this.base.protocol === 'http:' && !isLoopbackHost(this.base.host))
      throw new Error(`plain http is only allowed for loopback registries, not ${this.base.host}`);
    if (options.credentials) registerSecret(options.credentials.password);
  }

  get host(): string {
    return this.base.host;
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 60_000;
  }

  private retryOptions(label: string, classify: (error: unknown) => Retryability = classifyError): RetryOptions {
    // Nothing is retried once the step's deadline has passed (or the run was cancelled).
    const bounded = (error: unknown): Retryability =>
      this.options.signal?.aborted ? { retryable: false, reason: 'the step ended' } : classify(error);
    return { label, ...this.options.retry, classify: bounded };
  }

  /** `GET /v2/`: learns the auth scheme; fails clearly on anything but 200/401. */
  async ping(): Promise<void> {
    if (this.challenge !== undefined) return;
    await retry(
      async () => {
        const response = await this.send('GET', this.url('/v2/'), {}, undefined, this.timeoutMs);
        await drain(response);
        if (response.status === 401)
          this.challenge = parseChallenge(response.headers.get('www-authenticate')) ?? { scheme: 'basic', params: {} };
        else if (!response.ok) throw await this.errorFrom(response, 'GET /v2/');
        else this.challenge = null;
      },
      this.retryOptions(`registry ${this.host} ping`),
    );
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  /**
   * One exchange, following redirects of bodyless requests hop by hop: each hop must pass
   * {@link registryTransportProblem}, and `credential` goes only to the hops it may go to.
   */
  private async send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer | Readable | undefined,
    timeoutMs: number,
    credential?: BoundCredential,
  ): Promise<HttpResponse> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const problem = registryTransportProblem(target);
      if (problem) throw new RegistryTransportError(target.toString(), hop, problem);
      const sent: Record<string, string> = { 'user-agent': 'deploy-kit', ...headers };
      if (credential?.mayGo(target)) sent.authorization = credential.header;
      const response = await this.fetch(target.toString(), {
        method,
        headers: sent,
        body,
        signal: requestSignal(timeoutMs, this.options.signal),
      });
      const location = response.headers.get('location');
      if (body === undefined && location && REDIRECTS.has(response.status) && hop < MAX_REDIRECTS) {
        await drain(response);
        target = new URL(location, target);
        continue;
      }
      return response;
    }
  }

  /** Whether the login (or a token for it) may go to `url`: this registry's own host and port, over an allowed transport. */
  private mayAuthenticate = (url: URL): boolean => credentialBoundTo(this.base.host, url);

  private basic(credentials: RegistryCredentials): string {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }

  private async authorization(scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenge;
    const credentials = this.options.credentials;
    // Not probed yet: the login as Basic credentials (the 401 of a Bearer registry then names its token service).
    if (challenge === undefined) return credentials ? this.basic(credentials) : undefined;
    if (challenge === null) return undefined;
    if (challenge.scheme === 'basic') return credentials ? this.basic(credentials) : undefined;
    if (challenge.scheme !== 'bearer')
      throw new RegistryProtocolError(
        `registry ${this.host} asks for ${challenge.scheme} authentication, which is not supported (Basic and Bearer are)`,
      );
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryProtocolError(`registry ${this.host} sent a Bearer challenge without a realm`);
    let tokenUrl: URL;
    try {
      tokenUrl = new URL(realm);
    } catch {
      throw new RegistryProtocolError(`registry ${this.host} named a token service that is not a URL (${realm.slice(0, 200)})`);
    }
    // The token that comes back is a credential too: never over plain http to a host that is not loopback.
    const problem = credentialTransportProblem(tokenUrl);
    if (problem) throw new TokenServiceRefused(this.host, tokenUrl, problem);
    if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    for (const scope of scopes) tokenUrl.searchParams.append('scope', scope);
    // The login goes to a token service on this registry's host; on another host only when the login
    // allows it, else that service is asked for an anonymous token (what a public registry gives).
    const realmHost = tokenUrl.host;
    const elsewhere = credentials?.tokenServiceElsewhere === true;
    const mayGo = (url: URL) => this.mayAuthenticate(url) || (elsewhere && credentialBoundTo(realmHost, url));
    if (credentials && !mayGo(tokenUrl) && !this.toldAnonymousToken) {
      this.toldAnonymousToken = true;
      this.log(
        `Registry ${this.host} names the token service ${tokenUrl.host}, another host: the login for ${this.host} is not sent there; asking it for an anonymous token.`,
      );
    }
    const credential = credentials ? { header: this.basic(credentials), mayGo } : undefined;
    const token = await retry(
      async () => {
        const response = await this.send('GET', tokenUrl, {}, undefined, this.timeoutMs, credential);
        if (!response.ok) throw await this.errorFrom(response, `GET token from ${tokenUrl.host}`, 'token service');
        const text = await response.text();
        if (text.length > MAX_TOKEN_ANSWER)
          throw new RegistryProtocolError(`the token service of ${this.host} answered with more than ${MAX_TOKEN_ANSWER} bytes`);
        let body: { token?: unknown; access_token?: unknown };
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          throw new RegistryProtocolError(`the token service of ${this.host} answered with something that is not JSON`);
        }
        const value =
          typeof body.token === 'string' && body.token ? body.token : typeof body.access_token === 'string' ? body.access_token : '';
        if (!value) throw new RegistryProtocolError(`the token service of ${this.host} answered without a token`);
        return value;
      },
      this.retryOptions(`registry ${this.host} token`),
    ).catch((error: unknown) => {
      // Named as what it is: the token service, which may be another host than the registry.
      const unreachable = describeRegistryNetworkError(error, {
        what: `Login to the token service of registry ${this.host}`,
        host: tokenUrl.host,
        url: `${tokenUrl.origin}${tokenUrl.pathname}`,
        service: 'token service',
      });
      throw unreachable ? new TokenServiceUnreachable(tokenUrl, unreachable) : error;
    });
    registerSecret(token);
    this.tokens.set(key, token);
    return `Bearer ${token}`;
  }

  /** One request with auth (after the probe, or after the first request without one); a 401 refreshes the challenge/token once and repeats it. */
  private async request(method: string, url: string | URL, operation: string, options: RequestOptions): Promise<HttpResponse> {
    if (this.options.probe !== false) await this.ping();
    else if (this.firstAnswer) await this.firstAnswer;
    else {
      // This is the first request: it learns the scheme (and fetches a token) for the others.
      let settle!: () => void;
      this.firstAnswer = new Promise((resolve) => (settle = resolve));
      try {
        return await this.exchange(method, url, operation, options);
      } finally {
        settle();
      }
    }
    return this.exchange(method, url, operation, options);
  }

  private async exchange(method: string, url: string | URL, operation: string, options: RequestOptions): Promise<HttpResponse> {
    const timeout = options.timeoutMs ?? this.timeoutMs;
    const target = typeof url === 'string' ? this.url(url) : url;
    for (let attempt = 0; attempt < 2; attempt++) {
      // An upload Location (or any URL the registry hands out) on another host gets no credential.
      const auth = this.mayAuthenticate(target) ? await this.authorization(options.scopes) : undefined;
      const response = await this.send(
        method,
        target,
        { ...options.headers },
        options.body?.(),
        timeout,
        auth ? { header: auth, mayGo: this.mayAuthenticate } : undefined,
      );
      if (response.status === 401 && attempt === 0) {
        await drain(response);
        const challenge = parseChallenge(response.headers.get('www-authenticate'));
        if (challenge) this.challenge = challenge;
        this.tokens.clear();
        continue;
      }
      if (options.expect.includes(response.status)) return response;
      throw await this.errorFrom(response, operation);
    }
    throw new Error('unreachable');
  }

  private async errorFrom(response: HttpResponse, operation: string, from: RegistryError['from'] = 'registry'): Promise<RegistryError> {
    let code = '';
    let detail = '';
    try {
      const text = await response.text();
      try {
        const parsed = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
        code = parsed.errors?.[0]?.code ?? '';
        detail = parsed.errors?.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ') ?? '';
      } catch {
        detail = text.slice(0, 300);
      }
    } catch {
      /* body unreadable */
    }
    const text = `${operation} on ${this.host} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
    return new RegistryError(text, response.status, code, response.headers, operation, from);
  }

  private scopes(repository: string, extra: string[] = []): string[] {
    return [`repository:${repository}:${this.options.access === 'pull' ? 'pull' : 'pull,push'}`, ...extra];
  }

  /** Whether the repository already has the blob (HEAD). */
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return retry(
      async () => {
        const response = await this.request('HEAD', `/v2/${repository}/blobs/${digest}`, `HEAD blob ${digest}`, {
          expect: [200, 404],
          scopes: this.scopes(repository),
        });
        await drain(response);
        return response.status === 200;
      },
      this.retryOptions(`HEAD ${repository}@${digest.slice(0, 19)}`),
    );
  }

  /**
   * Tries to mount the blob from another repository of this registry. True when mounted; false
   * when the registry opened an upload instead (which is cancelled: the caller uploads).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    return retry(
      async () => {
        const path = `/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
        const response = await this.request('POST', path, `mount ${digest} from ${from}`, {
          expect: [201, 202],
          scopes: this.scopes(repository, [`repository:${from}:pull`]),
        });
        await drain(response);
        if (response.status === 201) return true;
        const location = response.headers.get('location');
        if (location) await this.cancelUpload(repository, location);
        return false;
      },
      this.retryOptions(`mount ${repository}@${digest.slice(0, 19)}`),
    );
  }

  private async cancelUpload(repository: string, location: string): Promise<void> {
    try {
      const response = await this.request('DELETE', this.url(location), 'cancel upload', {
        expect: [200, 202, 204, 404, 405],
        scopes: this.scopes(repository),
      });
      await drain(response);
    } catch {
      /* an abandoned upload session expires on its own */
    }
  }

  private async startUpload(repository: string): Promise<URL> {
    const response = await this.request('POST', `/v2/${repository}/blobs/uploads/`, 'start blob upload', {
      expect: [202],
      scopes: this.scopes(repository),
    });
    await drain(response);
    const location = response.headers.get('location');
    if (!location) throw new RegistryProtocolError(`registry ${this.host} started an upload without a Location header`);
    return this.url(location);
  }

  private uploadTimeout(bytes: number): number {
    const rate = this.options.minBytesPerSecond ?? 256 * 1024;
    return (this.options.timeoutMs ?? 60_000) + Math.ceil((bytes / rate) * 1000);
  }

  /**
   * Uploads a blob from `open(start, end)` streams, hashing it as it goes (blob-digest.ts): the bytes
   * that complete it are sent only when the whole blob hashed to its digest, so a blob that does not
   * match is never completed (its session is cancelled) and BlobDigestMismatch is thrown, never retried.
   *
   * Without `chunkSize` (the default) a blob is sent as docker push and crane send it: up to
   * MONOLITHIC_MAX in one PUT, larger in one streamed PATCH and a closing PUT with the digest, which the
   * registry checks too. ECR needs this form: it keeps only the first PATCH of a chunked upload
   * (aws/containers-roadmap#2831). With `chunkSize`, blobs up to it go in one PUT and larger ones in
   * PATCH chunks of it, for registries or proxies that limit a request's size.
   *
   * After a failed PATCH the registry is asked how much it holds (GET on the upload, `Range:
   * 0-<last byte>`) and the upload continues from there, re-sending from disk what it lacks. `Range:
   * 0-0` (or no Range) cannot tell an empty upload from one holding one byte (the distribution
   * registry answers `0-0` for both), so the session is cancelled and a fresh one started from zero:
   * resuming at byte 1 would make the registry append the chunk after a byte it never got.
   */
  async uploadBlob(
    repository: string,
    blob: { digest: string; size: number; where: string; open: (start: number, end: number) => Readable },
    chunkSize?: number,
  ): Promise<UploadResult> {
    const classify = (error: unknown): Retryability =>
      error instanceof SourceReadError || error instanceof BlobDigestMismatch
        ? { retryable: false, reason: error.name }
        : classifyError(error);
    const check = new BlobDigestCheck(blob);
    // The digest of no bytes is the only one a 0-byte blob may have.
    if (blob.size === 0 && blob.digest !== EMPTY_SHA256_DIGEST)
      throw new BlobDigestMismatch(blob.digest, EMPTY_SHA256_DIGEST, 0, 0, blob.where);
    if (blob.size <= (chunkSize ?? MONOLITHIC_MAX)) {
      return retry(
        async () => {
          const location = await this.startUpload(repository);
          location.searchParams.set('digest', blob.digest);
          try {
            const response = await this.putOrPatch(
              'PUT',
              repository,
              location,
              check,
              { start: 0, end: blob.size, range: false },
              'upload blob',
            );
            this.verifyDigestHeader(response, blob.digest, 'blob upload');
            await drain(response);
          } catch (error) {
            if (error instanceof BlobDigestMismatch) await this.cancelUpload(repository, location.toString());
            throw error;
          }
          return { how: 'uploaded' as const, bytes: blob.size, chunks: 1 };
        },
        this.retryOptions(`upload ${repository}@${blob.digest.slice(0, 19)}`, classify),
      );
    }
    // Patched: bounded fresh sessions (one the registry forgot, or one whose content it cannot state),
    // and within one session bounded resumes from the registry's own offset.
    const step = chunkSize ?? blob.size;
    const maxRestarts = 3;
    for (let restart = 0; ; restart++) {
      let location = await retry(() => this.startUpload(repository), this.retryOptions(`start upload ${repository}`));
      let offset = 0;
      let chunks = 0;
      try {
        const maxRounds = Math.ceil(blob.size / step) * 4 + 8;
        for (let round = 0; offset < blob.size; round++) {
          if (round > maxRounds) throw new Error(`upload of ${blob.digest} made no progress after ${round} requests`);
          const start = offset;
          const end = Math.min(blob.size, start + step);
          // A whole blob in one PATCH goes without Content-Range, as docker and crane stream it: some
          // registries take a Content-Range as a chunk and check its size against their chunk limits.
          const whole = start === 0 && end === blob.size;
          const what = whole ? 'upload blob' : `upload chunk ${start}-${end - 1}`;
          const response = await retry(
            async (attempt) => {
              if (attempt > 1) {
                // After a failure the registry may hold none, part or all of the chunk: continue from what it holds.
                const status = await this.uploadStatus(repository, location);
                location = status.location;
                if (status.received === undefined) throw new RestartUpload(status.range);
                if (status.received !== start) throw new ResumeFrom(status.received);
              }
              return this.putOrPatch('PATCH', repository, location, check, { start, end, range: !whole }, what);
            },
            this.retryOptions(`upload ${repository}@${blob.digest.slice(0, 19)} bytes ${start}-${end - 1}`, (error) =>
              error instanceof ResumeFrom || error instanceof RestartUpload ? { retryable: false, reason: error.name } : classify(error),
            ),
          ).catch((error: unknown) => {
            if (error instanceof ResumeFrom) return error;
            throw error;
          });
          if (response instanceof ResumeFrom) {
            if (response.offset > blob.size)
              throw new Error(`registry ${this.host} reports ${response.offset} bytes received for a ${blob.size}-byte blob`);
            offset = response.offset;
          } else {
            await drain(response);
            const next = response.headers.get('location');
            if (next) location = this.url(next);
            // The chunk was accepted: the registry holds through `end` unless its Range says otherwise.
            const received = receivedBytes(response.headers.get('range'));
            offset = received !== undefined && received > start ? received : end;
            if (offset > blob.size) throw new Error(`registry ${this.host} reports ${offset} bytes received for a ${blob.size}-byte blob`);
          }
          chunks++;
        }
        const close = new URL(location);
        close.searchParams.set('digest', blob.digest);
        const response = await retry(
          () =>
            this.request('PUT', close, 'complete blob upload', {
              expect: [201, 204],
              scopes: this.scopes(repository),
              headers: { 'content-length': '0' },
            }),
          this.retryOptions(`complete upload ${repository}@${blob.digest.slice(0, 19)}`),
        );
        this.verifyDigestHeader(response, blob.digest, 'blob upload');
        await drain(response);
        return { how: 'uploaded', bytes: blob.size, chunks };
      } catch (error) {
        if (error instanceof BlobDigestMismatch) {
          await this.cancelUpload(repository, location.toString());
          throw error;
        }
        const sessionGone = error instanceof RegistryError && (error.status === 404 || error.code === 'BLOB_UPLOAD_UNKNOWN');
        const unknownContent = error instanceof RestartUpload;
        if ((sessionGone || unknownContent) && restart < maxRestarts) {
          if (unknownContent) await this.cancelUpload(repository, location.toString());
          this.log(
            unknownContent
              ? `Upload of ${blob.digest} to ${this.host} failed before the registry could say what it holds (${error.range ? `Range: ${error.range}` : 'no Range'}); starting a fresh upload session from byte 0 (${restart + 1} of ${maxRestarts}).`
              : `Upload session for ${blob.digest} on ${this.host} was lost; starting it again (${restart + 1} of ${maxRestarts}).`,
          );
          await sleep(200 * (restart + 1));
          continue;
        }
        if (unknownContent)
          throw new Error(`upload of ${blob.digest} to ${this.host} failed ${maxRestarts + 1} times before the registry held any of it`, {
            cause: error,
          });
        throw error;
      }
    }
  }

  /** How many bytes the upload session holds (undefined when its answer cannot tell, see receivedBytes). */
  private async uploadStatus(
    repository: string,
    location: URL,
  ): Promise<{ received: number | undefined; range: string | null; location: URL }> {
    const response = await this.request('GET', location, 'upload status', { expect: [204, 200], scopes: this.scopes(repository) });
    await drain(response);
    const range = response.headers.get('range');
    const next = response.headers.get('location');
    return { received: receivedBytes(range), range, location: next ? this.url(next) : location };
  }

  private async putOrPatch(
    method: 'PUT' | 'PATCH',
    repository: string,
    location: URL,
    check: BlobDigestCheck,
    { start, end, range }: { start: number; end: number; range: boolean },
    operation: string,
  ): Promise<HttpResponse> {
    const length = end - start;
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(length) };
    if (range) headers['content-range'] = `${start}-${end - 1}`;
    // A fresh source each time the body is sent (an auth retry sends it again).
    let readFailure: Error | undefined;
    const body = () => {
      if (length === 0) return Buffer.alloc(0);
      const source = check.body(start, end);
      source.on('error', (error) => {
        // Only the body's own failures: the request's (a reset connection) are put on it too.
        if (error instanceof BlobDigestMismatch || error instanceof BlobReadError) readFailure = error;
      });
      return source;
    };
    try {
      return await this.request(method, location, operation, {
        expect: method === 'PUT' ? [201, 204] : [202, 204],
        scopes: this.scopes(repository),
        headers,
        body,
        timeoutMs: this.uploadTimeout(length),
      });
    } catch (error) {
      // Bytes that do not match their digest, or a file that cannot be read, are not a network problem: no retry.
      if (readFailure instanceof BlobDigestMismatch) throw readFailure;
      if (readFailure && !(error instanceof RegistryError)) throw new SourceReadError(readFailure.message);
      throw error;
    }
  }

  private verifyDigestHeader(response: HttpResponse, expected: string, what: string): void {
    const reported = response.headers.get('docker-content-digest');
    if (reported && reported !== expected) {
      throw new Error(`registry ${this.host} reports digest ${reported} for the ${what}, expected ${expected}`);
    }
  }

  /** The digest and media type a tag (or digest) points at now (HEAD), or undefined when there is none (404). */
  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    return retry(
      async () => {
        const response = await this.request('HEAD', `/v2/${repository}/manifests/${reference}`, `HEAD manifest ${reference}`, {
          expect: [200, 404],
          scopes: this.scopes(repository),
          headers: { accept: MANIFEST_ACCEPT },
        });
        await drain(response);
        if (response.status === 404) return undefined;
        return {
          digest: response.headers.get('docker-content-digest') ?? undefined,
          mediaType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
        };
      },
      this.retryOptions(`HEAD ${repository}:${reference}`),
    );
  }

  /** The digest a tag (or digest) points at now, or undefined when there is none. */
  async manifestDigest(repository: string, reference: string): Promise<string | undefined> {
    return (await this.headManifest(repository, reference))?.digest;
  }

  async getManifest(repository: string, reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string } | undefined> {
    return retry(
      async () => {
        const response = await this.request('GET', `/v2/${repository}/manifests/${reference}`, `GET manifest ${reference}`, {
          expect: [200, 404],
          scopes: this.scopes(repository),
          headers: { accept: MANIFEST_ACCEPT },
        });
        if (response.status === 404) {
          await drain(response);
          return undefined;
        }
        const bytes = Buffer.from(await response.arrayBuffer());
        // node:crypto, loaded here: a manifest is fetched only to promote, and migrate-job, the other
        // bundle with this client, loads it at start anyway (digest.ts would add @noble/hashes to it).
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        return { bytes, mediaType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(), digest };
      },
      this.retryOptions(`GET ${repository}:${reference}`),
    );
  }

  /** PUT a manifest under a tag or its digest; checks the digest the registry reports. */
  async putManifest(
    repository: string,
    reference: string,
    manifest: { bytes: Buffer; mediaType: string; digest: string },
  ): Promise<string> {
    return retry(
      async () => {
        const response = await this.request('PUT', `/v2/${repository}/manifests/${reference}`, `PUT manifest ${reference}`, {
          expect: [201, 200, 204],
          scopes: this.scopes(repository),
          headers: { 'content-type': manifest.mediaType, 'content-length': String(manifest.bytes.length) },
          body: () => manifest.bytes,
        });
        await drain(response);
        const reported = response.headers.get('docker-content-digest');
        if (reported && reported !== manifest.digest)
          throw new Error(`registry ${this.host} stored ${repository}:${reference} as ${reported}, expected ${manifest.digest}`);
        return manifest.digest;
      },
      this.retryOptions(`PUT ${repository}:${reference}`),
    );
  }
}

class ResumeFrom extends Error {
  constructor(readonly offset: number) {
    super(`resume from ${offset}`);
    this.name = 'ResumeFrom';
  }
}

/** The registry cannot say what the session holds: start a fresh one from byte 0. */
class RestartUpload extends Error {
  constructor(readonly range: string | null) {
    super(`the upload session's content is unknown (${range ? `Range: ${range}` : 'no Range'})`);
    this.name = 'RestartUpload';
  }
}

/** `Range: 0-1234` (inclusive end) → 1234; `bytes=0-1234` too. */
export function parseRange(header: string | null): number | undefined {
  if (!header) return undefined;
  const match = /^(?:bytes=)?(\d+)-(\d+)$/.exec(header.trim());
  return match ? Number(match[2]) : undefined;
}

/**
 * How many bytes an upload session holds, from its `Range: 0-<last byte>` header: `0-1234` → 1235.
 * Undefined when the header cannot tell: absent, malformed, or `0-0`, which the distribution registry
 * sends for an empty upload as well as for one holding a single byte.
 */
export function receivedBytes(header: string | null): number | undefined {
  const last = parseRange(header);
  return last === undefined || last === 0 ? undefined : last + 1;
}

async function drain(response: HttpResponse): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    /* already consumed */
  }
}
