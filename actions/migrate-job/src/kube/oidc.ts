/**
 * The `oidc` auth-provider of a kubeconfig user, as client-go's plugin (k8s.io/client-go/plugin/pkg/
 * client/auth/oidc, the one auth-provider kubectl kept in 1.26) reads it:
 *
 * - `id-token` is sent as the bearer token while its JWT `exp` is more than 10 s away (the signature is
 *   the API server's business, not ours);
 * - otherwise it is refreshed: `idp-issuer-url` + `/.well-known/openid-configuration` names the
 *   `token_endpoint`, which gets a `refresh_token` grant with `client-id` / `client-secret` (HTTP Basic
 *   first, then in the form when Basic is refused, as golang.org/x/oauth2 auto-detects), and the
 *   answer's `id_token` is the new bearer token (a rotated `refresh_token` is kept for the next refresh);
 * - `idp-certificate-authority(-data)` verifies the issuer; HTTPS_PROXY / NO_PROXY apply as for the
 *   cluster; `extra-scopes` is not sent (oauth2 sends no scope with a refresh grant either).
 *
 * Unlike kubectl, nothing is written back to the kubeconfig (a CI runner's copy is thrown away), and
 * the rules of SECURITY.md hold: the issuer and the token endpoint get the refresh-token and
 * client-secret over https only (plain http only on loopback), no redirect is followed, every request
 * ends within its own limit and the step's deadline, and every token is masked before it is used.
 * A 401 from the API server refreshes once more (client-go does not; a revoked id-token is then
 * replaced instead of failing the step).
 *
 * Why by hand: the one library that did this for us, @kubernetes/client-node, ships as a 16 MB chunk
 * (77 % of dist/migrate-job) for this path alone; the refresh itself is two bounded requests.
 */
import { STATUS_CODES, request as httpRequest, type Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ActionError, DEFAULT_REQUEST_TIMEOUT_MS, credentialTransportProblem, registerSecret, requestSignal } from '@deploy-kit/core';
import { KubeconfigError } from './kubeconfig.js';
import { base64Pem, makeAgent, proxyFromEnvironment, readPem } from './transport.js';

/** The auth-provider's `config` map as kubectl writes it (`kubectl config set-credentials --auth-provider=oidc`). */
export interface OidcConfig {
  'client-id'?: string;
  'client-secret'?: string;
  'id-token'?: string;
  'refresh-token'?: string;
  'idp-issuer-url'?: string;
  'idp-certificate-authority'?: string;
  'idp-certificate-authority-data'?: string;
  'extra-scopes'?: string;
}

export interface OidcOptions {
  env?: Record<string, string | undefined>;
  /** The step's deadline: no request of the refresh outlives it. */
  deadline?: AbortSignal;
  /** The per-request limit (tests shorten it). */
  timeoutMs?: number;
  now?: () => number;
}

/** client-go's expiryDelta: an id-token this close to its `exp` is refreshed first. */
export const EXPIRY_MARGIN_MS = 10_000;
/** The largest discovery document or token answer read (a real one is a few KB). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The id-token's `exp` in ms, or undefined when it has none (then it counts as expired, as in
 * client-go). Throws when the token is not a JWT: never quoted, it is a credential.
 */
export function idTokenExpiry(idToken: string): number | undefined {
  const parts = idToken.split('.');
  if (parts.length !== 3) throw new KubeconfigError('its oidc id-token is not a JWT (three dot-separated parts)');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new KubeconfigError('its oidc id-token is not a JWT (the payload is not base64url-encoded JSON)');
  }
  const exp = (claims as { exp?: unknown } | null)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

/** Whether the id-token must be refreshed before it is sent (no `exp`, or `exp` within the margin). */
export function idTokenExpired(idToken: string, now: number): boolean {
  const expiry = idTokenExpiry(idToken);
  return expiry === undefined || expiry - EXPIRY_MARGIN_MS <= now;
}

function refreshFailure(why: string, check: string[] = []): ActionError {
  return new ActionError("The kubeconfig's oidc auth-provider could not refresh its id-token", {
    why,
    check: [
      ...check,
      "log in again (kubelogin, or your identity provider's login) and pass the new kubeconfig; or switch the user to an exec plugin (kubelogin get-token), which renews tokens itself",
    ],
  });
}

interface Answer {
  status: number;
  body: string;
}

/** The OAuth 2 `error` of a token endpoint's answer, if it has one. */
function errorCode(body: string): string | undefined {
  try {
    const error = (JSON.parse(body) as { error?: unknown })?.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

/** Foreign text from the identity provider, shortened for a message. */
function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * The id-token of one `auth-provider: oidc` user: the kubeconfig's while it is valid, then refreshed.
 * Concurrent callers share one refresh.
 */
export class OidcTokenSource {
  private idToken: string;
  private refreshToken: string;
  private pending?: Promise<string>;
  /** Set by a 401: the current id-token is refused, whatever its `exp` says. */
  private refused = false;
  /** A refreshed id-token without `exp`: used until the API server refuses it (else every request would refresh). */
  private keepWithoutExpiry = false;
  private agent?: HttpAgent;
  private readonly issuer: string;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly now: () => number;
  /** How the client authenticates at the token endpoint, once known (oauth2's auto-detection). */
  private authStyle?: 'header' | 'params';

  constructor(
    private readonly config: OidcConfig,
    private readonly options: OidcOptions = {},
  ) {
    // client-go's newOIDCAuthProvider requires both, whether or not a refresh is ever needed.
    this.issuer = (config['idp-issuer-url'] ?? '').trim();
    this.clientId = config['client-id'] ?? '';
    if (!this.issuer) throw new KubeconfigError('its oidc auth-provider has no idp-issuer-url');
    if (!this.clientId) throw new KubeconfigError('its oidc auth-provider has no client-id');
    this.idToken = config['id-token'] ?? '';
    this.refreshToken = config['refresh-token'] ?? '';
    this.clientSecret = config['client-secret'] ?? '';
    this.now = options.now ?? Date.now;
    // Only the credentials: client-id and the issuer are not secret, and masking them would garble the log.
    for (const secret of [this.idToken, this.refreshToken, this.clientSecret]) if (secret) registerSecret(secret);
  }

  /** Whether a refresh can replace the current id-token. */
  get canRefresh(): boolean {
    return Boolean(this.refreshToken);
  }

  /** The id-token to send now. */
  async token(): Promise<string> {
    if (this.idToken && !this.refused && (this.keepWithoutExpiry || !idTokenExpired(this.idToken, this.now()))) return this.idToken;
    if (!this.refreshToken) {
      throw refreshFailure(
        this.idToken
          ? this.refused
            ? 'the API server refused its id-token, and it has no refresh-token'
            : 'its id-token has expired, and it has no refresh-token'
          : 'it has neither an id-token nor a refresh-token',
      );
    }
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** The API server answered 401: refresh before the next request, when that is possible. */
  invalidate(): boolean {
    this.refused = true;
    return this.canRefresh;
  }

  private async refresh(): Promise<string> {
    const issuerProblem = credentialTransportProblem(this.issuer);
    if (issuerProblem)
      throw refreshFailure(`its idp-issuer-url ${this.issuer} cannot be used to send the refresh-token: ${issuerProblem}`, [
        "the idp-issuer-url is the issuer's https:// URL",
      ]);
    const discovery = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const found = await this.send('GET', discovery, {}, undefined, 'the discovery document');
    if (found.status !== 200)
      throw refreshFailure(`GET ${discovery} answered HTTP ${found.status} ${STATUS_CODES[found.status] ?? ''}`.trim(), [
        "idp-issuer-url is the issuer's URL (the one in its id-tokens' `iss`)",
      ]);
    let tokenEndpoint: unknown;
    try {
      tokenEndpoint = (JSON.parse(found.body) as { token_endpoint?: unknown })?.token_endpoint;
    } catch {
      throw refreshFailure(`${discovery} is not JSON`);
    }
    if (typeof tokenEndpoint !== 'string' || !tokenEndpoint) throw refreshFailure(`${discovery} names no token_endpoint`);
    let endpoint: URL;
    try {
      endpoint = new URL(tokenEndpoint);
    } catch {
      throw refreshFailure(`${discovery} names a token_endpoint that is not a URL`);
    }
    const endpointProblem = credentialTransportProblem(endpoint);
    if (endpointProblem)
      throw refreshFailure(
        `the issuer's token_endpoint ${endpoint.origin}${endpoint.pathname} would get the refresh-token and client secret, and ${endpointProblem}`,
      );

    const answer = await this.tokenRequest(endpoint);
    let parsed: { id_token?: unknown; refresh_token?: unknown; access_token?: unknown; error?: unknown; error_description?: unknown };
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      throw refreshFailure(`the token endpoint ${endpoint.host} answered HTTP ${answer.status} with a body that is not JSON`);
    }
    if (answer.status < 200 || answer.status >= 300) {
      const code = typeof parsed?.error === 'string' ? parsed.error : `HTTP ${answer.status}`;
      const description = typeof parsed?.error_description === 'string' ? `: ${clip(parsed.error_description)}` : '';
      throw refreshFailure(
        `the token endpoint ${endpoint.host} refused the refresh (${clip(code)}${description})`,
        code === 'invalid_grant'
          ? ['the refresh-token has expired or was revoked']
          : code === 'invalid_client'
            ? ['client-id and client-secret are the ones registered with the identity provider']
            : [],
      );
    }
    for (const value of [parsed.id_token, parsed.refresh_token, parsed.access_token])
      if (typeof value === 'string' && value) registerSecret(value);
    if (typeof parsed.id_token !== 'string' || !parsed.id_token) {
      throw refreshFailure(
        'the token response has no id_token: the scope "openid" was not requested at login, or the provider does not return id_tokens on a refresh',
      );
    }
    this.idToken = parsed.id_token;
    if (typeof parsed.refresh_token === 'string' && parsed.refresh_token) this.refreshToken = parsed.refresh_token;
    this.refused = false;
    this.keepWithoutExpiry = idTokenExpiry(this.idToken) === undefined;
    return this.idToken;
  }

  /** The refresh_token grant: client credentials in the Authorization header first, then in the form (oauth2's AuthStyleAutoDetect). */
  private async tokenRequest(endpoint: URL): Promise<Answer> {
    const form = (params: boolean) =>
      new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: this.refreshToken,
        ...(params ? { client_id: this.clientId, ...(this.clientSecret ? { client_secret: this.clientSecret } : {}) } : {}),
      }).toString();
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(this.clientSecret)}`).toString('base64')}`;
    const styles: ('header' | 'params')[] = this.authStyle ? [this.authStyle] : ['header', 'params'];
    let answer: Answer | undefined;
    for (const style of styles) {
      const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(style === 'header' ? { authorization: basic } : {}) };
      answer = await this.send('POST', endpoint.href, headers, form(style === 'params'), 'the token endpoint');
      if (answer.status >= 200 && answer.status < 300) {
        this.authStyle = style;
        return answer;
      }
      // Only a refusal of the client's authentication is worth the other style (oauth2 retries on any error,
      // and then reports the second one: a refused refresh-token would read as a wrong client secret).
      if (!(answer.status === 401 || errorCode(answer.body) === 'invalid_client')) return answer;
    }
    return answer!;
  }

  /** One bounded request to the identity provider: within its limit and the step's deadline, no redirect followed. */
  private async send(
    method: 'GET' | 'POST',
    href: string,
    headers: Record<string, string>,
    body: string | undefined,
    what: string,
  ): Promise<Answer> {
    const url = new URL(href);
    this.agent ??= this.makeAgent();
    const agent = url.origin === new URL(this.issuer).origin ? this.agent : this.makeAgent(url.href);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const signal = requestSignal(timeoutMs, this.options.deadline);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    try {
      return await new Promise<Answer>((resolve, reject) => {
        const request = send(url, {
          method,
          agent,
          headers: {
            accept: 'application/json',
            'user-agent': 'deploy-kit-migrate-job',
            ...headers,
            ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}),
          },
          signal,
        });
        request.once('response', (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              response.destroy();
              reject(new Error(`${what} answered with more than ${MAX_ANSWER_BYTES / 1024} KB`));
              return;
            }
            chunks.push(chunk);
          });
          response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.once('error', reject);
        });
        request.once('error', reject);
        request.end(body);
      });
    } catch (error) {
      if (this.options.deadline?.aborted) throw refreshFailure(`the step's timeout ran out while waiting for ${what} at ${url.host}`);
      if (signal.aborted)
        throw refreshFailure(`${what} at ${url.host} did not answer within ${timeoutMs / 1000} s`, [
          'the runner can reach the identity provider (network, proxy)',
        ]);
      const code = (error as NodeJS.ErrnoException)?.code;
      throw refreshFailure(
        `${what} at ${url.host} could not be reached: ${(error as Error)?.message ?? String(error)}${code && !String((error as Error)?.message).includes(code) ? ` (${code})` : ''}`,
        ['the runner can reach the identity provider (network, proxy)'],
      );
    }
  }

  /** TLS to the identity provider: its own CA when the kubeconfig names one; HTTPS_PROXY / NO_PROXY as for the cluster. */
  private makeAgent(href = this.issuer): HttpAgent {
    const ca = this.config['idp-certificate-authority-data']
      ? base64Pem(this.config['idp-certificate-authority-data'], 'oidc idp-certificate-authority')
      : this.config['idp-certificate-authority']
        ? readPem(this.config['idp-certificate-authority'], 'oidc idp-certificate-authority')
        : undefined;
    const proxy = proxyFromEnvironment(href, this.options.env ?? process.env);
    return makeAgent(href, ca ? { ca } : {}, proxy);
  }
}
