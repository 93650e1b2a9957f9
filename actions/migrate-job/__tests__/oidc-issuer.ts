/**
 * A small OpenID Connect issuer on loopback for the oidc auth-provider's tests: the discovery document,
 * and a token endpoint that takes the refresh_token grant (client credentials in the Authorization
 * header and/or the form, as configured), rotates the refresh-token and issues RS256-signed id-tokens.
 * Plain http (trust.ts allows loopback), or https with a certificate from a test CA made by openssl.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedRequest {
  method: string;
  path: string;
  authorization?: string;
  form: Record<string, string>;
}

export interface IssuerOptions {
  clientId?: string;
  clientSecret?: string;
  /** How the client must authenticate at the token endpoint. */
  clientAuth?: 'header' | 'params' | 'either';
  /** Lifetime of the id-tokens it issues (seconds). */
  lifetimeSeconds?: number;
  tls?: { cert: Buffer; key: Buffer };
  /** Claims every id-token it issues carries (e.g. `groups` for kube-apiserver's --oidc-groups-claim). */
  claims?: Record<string, unknown>;
}

export function jwt(claims: Record<string, unknown>, key?: KeyObject, kid = 'test'): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: key ? 'RS256' : 'none', typ: 'JWT', kid })}.${encode(claims)}`;
  const signature = key ? sign('sha256', Buffer.from(input), key).toString('base64url') : 'c2lnbmF0dXJl';
  return `${input}.${signature}`;
}

export class TestIssuer {
  readonly requests: IssuedRequest[] = [];
  readonly issued: string[] = [];
  /** The refresh-token the token endpoint accepts now (rotated on every refresh). */
  refreshToken = `rt-${randomBytes(6).toString('hex')}`;
  /** Replaces the next answers: discovery or token endpoint. */
  discovery?: (base: string) => { status: number; body: string };
  token?: (request: IssuedRequest) => { status: number; body: string } | 'hang';
  readonly key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  url = '';
  private server?: Server;

  constructor(readonly options: IssuerOptions = {}) {}

  get clientId(): string {
    return this.options.clientId ?? 'deploy-kit';
  }

  idToken(lifetimeSeconds = this.options.lifetimeSeconds ?? 3600, claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    return jwt(
      {
        iss: this.url,
        sub: 'oidc-user',
        aud: this.clientId,
        iat: now,
        exp: now + lifetimeSeconds,
        jti: randomBytes(8).toString('hex'),
        ...this.options.claims,
        ...claims,
      },
      this.key.privateKey,
    );
  }

  async start(): Promise<this> {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => this.answer(req, res, body));
    };
    this.server = this.options.tls ? createHttpsServer(this.options.tls, handle) : createHttpServer(handle);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const request: IssuedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      form: Object.fromEntries(new URLSearchParams(body)),
    };
    this.requests.push(request);
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(typeof value === 'string' ? value : JSON.stringify(value));
    if (req.method === 'GET' && request.path === '/.well-known/openid-configuration') {
      if (this.discovery) {
        const { status, body: text } = this.discovery(this.url);
        return void json(status, text);
      }
      return void json(200, {
        issuer: this.url,
        token_endpoint: `${this.url}/token`,
        jwks_uri: `${this.url}/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && request.path === '/keys') {
      return void json(200, { keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] });
    }
    if (req.method === 'POST' && request.path === '/token') {
      const custom = this.token?.(request);
      if (custom === 'hang') return;
      if (custom) return void json(custom.status, custom.body);
      if (!this.clientAuthenticated(request))
        return void json(401, { error: 'invalid_client', error_description: 'client authentication failed' });
      if (request.form.grant_type !== 'refresh_token') return void json(400, { error: 'unsupported_grant_type' });
      if (request.form.refresh_token !== this.refreshToken)
        return void json(400, { error: 'invalid_grant', error_description: 'refresh token is invalid or expired' });
      this.refreshToken = `rt-${randomBytes(6).toString('hex')}`;
      const idToken = this.idToken();
      this.issued.push(idToken);
      return void json(200, {
        access_token: `at-${randomBytes(6).toString('hex')}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: this.refreshToken,
        id_token: idToken,
      });
    }
    json(404, { error: 'not_found' });
  }

  private clientAuthenticated(request: IssuedRequest): boolean {
    const mode = this.options.clientAuth ?? 'either';
    const secret = this.options.clientSecret ?? '';
    const header = request.authorization?.startsWith('Basic ')
      ? Buffer.from(request.authorization.slice(6), 'base64').toString('utf8')
      : undefined;
    const viaHeader = header !== undefined && header === `${encodeURIComponent(this.clientId)}:${encodeURIComponent(secret)}`;
    const viaParams = header === undefined && request.form.client_id === this.clientId && (request.form.client_secret ?? '') === secret;
    return mode === 'header' ? viaHeader : mode === 'params' ? viaParams : viaHeader || viaParams;
  }
}

/** A test CA and a certificate for 127.0.0.1 it signed (openssl), in a temp folder removed by `cleanup`. */
export function testCertificates(): { ca: Buffer; cert: Buffer; key: Buffer; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dk-oidc-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=deploy-kit test OIDC CA',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    ca: readFileSync(join(dir, 'ca.crt')),
    cert: readFileSync(join(dir, 'server.crt')),
    key: readFileSync(join(dir, 'server.key')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
