/**
 * AWS access shared by the actions that call AWS (push-artifacts, migrate-job's ECS backend):
 * the region, one client configuration, the suite's retry policy around every call, and clear
 * messages for the failures people hit (no credentials, wrong keys, denied, wrong region).
 *
 * Endpoints: the AWS SDK for JavaScript v3 reads `AWS_ENDPOINT_URL_<SERVICE>` (e.g.
 * `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL_ECR`, `AWS_ENDPOINT_URL_STS`) and then `AWS_ENDPOINT_URL`
 * by itself (@smithy/core `getEndpointUrlConfig`), and the standard credential chain (environment,
 * web identity, SSO, shared files, container/instance metadata) likewise. So this module sets neither:
 * it only describes the endpoint in use for log lines. The SDK clients are never imported here, so
 * an action pays only for the clients it loads.
 *
 * Proxies: every client is built from {@link awsClientConfig}, whose request handler gets core's
 * proxy agents (net/proxy.ts) when a proxy variable is set, so each request goes through
 * HTTPS_PROXY / HTTP_PROXY or directly by NO_PROXY, per target. The SDK itself reads no proxy
 * variable. Its agents set no `ca`, so NODE_EXTRA_CA_CERTS applies as to any Node TLS connection.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { ActionError, InputError, errorMessage } from './errors.js';
import { proxyConfigured } from './net/proxy-env.js';
import { classifyError, retry, type RetryOptions } from './retry.js';
import { valueAt } from './values.js';

type Env = Record<string, string | undefined>;

/** Region names as AWS forms them: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * The region: the input when given, else `AWS_REGION`, else `AWS_DEFAULT_REGION` (what
 * configure-aws-credentials exports). Missing or malformed is an input error naming `inputName`.
 */
export function resolveAwsRegion(input: string | undefined, env: Env = process.env, inputName = 'region'): string {
  const given = (input ?? '').trim();
  const fromEnv = (env.AWS_REGION ?? '').trim() || (env.AWS_DEFAULT_REGION ?? '').trim();
  const region = given || fromEnv;
  const source = given ? `input "${inputName}"` : env.AWS_REGION?.trim() ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  if (region === '') {
    throw new InputError(
      inputName,
      'is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set',
      'an AWS region such as `eu-west-1`',
      '',
      {
        check: 'set the input, or run aws-actions/configure-aws-credentials (with aws-region) before this step',
      },
    );
  }
  if (!AWS_REGION_PATTERN.test(region)) {
    throw new InputError(inputName, `is not an AWS region (from ${source})`, 'an AWS region such as `eu-west-1`', region);
  }
  return region;
}

export interface AwsClientConfigOptions {
  region: string;
  /** Longest wait for one HTTP response (default 2 minutes). */
  requestTimeoutMs?: number;
  /** Longest wait to connect (default 10 s). */
  connectionTimeoutMs?: number;
  /** Where the proxy variables are read (default process.env). */
  env?: Env;
}

/** The part of an SDK v3 client configuration every deploy-kit client shares. */
export interface AwsClientConfig {
  region: string;
  /** 1: the SDK does not retry; `awsCall` retries with the suite's policy (bounded in count and time). */
  maxAttempts: number;
  customUserAgent: string;
  /**
   * The handler's options; with a proxy variable set, a provider of them with core's proxy agents added
   * (NodeHttpHandler's constructor takes `NodeHttpHandlerOptions | Provider<NodeHttpHandlerOptions>`,
   * though the clients' config type names only the first).
   */
  requestHandler: AwsRequestHandlerOptions;
}

export interface AwsRequestHandlerOptions {
  requestTimeout: number;
  connectionTimeout: number;
  throwOnRequestTimeout: true;
  /** Core's proxy agents, only when a proxy variable is set (else the SDK's own). */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}

function withProxyAgents(handler: AwsRequestHandlerOptions, env: Env | undefined): () => Promise<AwsRequestHandlerOptions> {
  return async () => ({ ...handler, ...(await import('./net/proxy.js')).proxyAgents({ env, keepAlive: true, maxSockets: 50 }) });
}

export function awsClientConfig(options: AwsClientConfigOptions): AwsClientConfig {
  // Without throwOnRequestTimeout the SDK's node handler only logs a warning when requestTimeout
  // passes and keeps waiting: a server that accepts and never answers would hold the step.
  const handler: AwsRequestHandlerOptions = {
    requestTimeout: options.requestTimeoutMs ?? 120_000,
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    throwOnRequestTimeout: true,
  };
  return {
    region: options.region,
    maxAttempts: 1,
    customUserAgent: 'deploy-kit',
    // The SDK's NodeHttpHandler takes a provider of its options and calls it on the first request: the
    // proxy agents (and node:https with them) load only then. Same settings as the SDK's own agents
    // (keep-alive, 50 sockets per host), deciding the proxy per target.
    requestHandler: proxyConfigured(options.env) ? (withProxyAgents(handler, options.env) as unknown as AwsRequestHandlerOptions) : handler,
  };
}

/**
 * The endpoint the SDK will use for a service, as the SDK resolves it from the environment
 * (service id as in the SDK, e.g. `S3`, `ECR`, `STS`; spaces become `_`), or undefined for AWS's own.
 * Only for log lines: the SDK applies it by itself.
 */
export function awsEndpointFromEnv(serviceId: string, env: Env = process.env): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  const specific = env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/ /g, '_')}`];
  return specific || env.AWS_ENDPOINT_URL || undefined;
}

/** An AWS call with the suite's retry policy (throttling, 5xx, connection resets; never other 4xx). */
export function awsCall<T>(label: string, call: () => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  return retry(() => call(), { label, classify: (error) => classifyError(error), ...options });
}

/** The error code the SDK reports (`AccessDeniedException`, `RepositoryNotFoundException`, ...). */
export function awsErrorName(error: unknown): string {
  const name = valueAt(error, 'name');
  const code = valueAt(error, 'Code') ?? valueAt(error, 'code');
  if (typeof name === 'string' && name !== 'Error' && name !== 'ServiceException') return name;
  return typeof code === 'string' ? code : typeof name === 'string' ? name : '';
}

export function awsHttpStatus(error: unknown): number | undefined {
  const status = valueAt(valueAt(error, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' ? status : undefined;
}

const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const AUTH_NAMES = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'AuthFailure',
  'IncompleteSignature',
  'IncompleteSignatureException',
]);
const DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden', 'AllAccessDisabled', 'UnauthorizedOperation']);

/**
 * The failures every AWS call can have, as one clear ActionError (the deployment guide's
 * "Authentication fails" / "Permission denied" / "Region mismatch" rows), or undefined for errors
 * the caller explains itself. `what` names the operation, e.g. `ECR GetAuthorizationToken`.
 */
export function describeCommonAwsError(
  error: unknown,
  what: string,
  context: { region?: string; permission?: string } = {},
): ActionError | undefined {
  const name = awsErrorName(error);
  const status = awsHttpStatus(error);
  const detail = errorMessage(error);
  if (CREDENTIAL_NAMES.has(name) || /could not load credentials|region is missing/i.test(detail)) {
    return new ActionError(`${what} failed: no AWS credentials were found.`, {
      why: detail,
      check: [
        'run aws-actions/configure-aws-credentials before this step (OIDC needs `permissions: id-token: write`), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        'the credentials must be visible to this step (same job)',
      ],
      cause: error,
    });
  }
  if (AUTH_NAMES.has(name)) {
    return new ActionError(`${what} failed: AWS rejected the credentials (${name}).`, {
      why: detail,
      check: [
        'AWS credentials configured: the access key exists and is active, the secret key and session token belong to it and have not expired',
      ],
      cause: error,
    });
  }
  if (DENIED_NAMES.has(name) || status === 403) {
    return new ActionError(`${what} failed: permission denied${name ? ` (${name})` : ''}.`, {
      why: detail,
      check: [
        `IAM permissions: the role or user needs ${context.permission ?? 'permission for this call'}${context.region ? ` in ${context.region}` : ''}`,
      ],
      cause: error,
    });
  }
  if (name === 'UnknownEndpoint' || /getaddrinfo|ENOTFOUND/i.test(detail)) {
    return new ActionError(`${what} failed: the AWS endpoint could not be reached.`, {
      why: detail,
      check: [
        `the region${context.region ? ` (${context.region})` : ''} is right for this account and service`,
        'AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, when set, point at a reachable endpoint',
      ],
      cause: error,
    });
  }
  return undefined;
}
