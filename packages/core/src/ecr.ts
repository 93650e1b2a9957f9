/**
 * ECR through the AWS SDK (loaded on first use): the caller's account, the login token,
 * repositories and images by tag or digest, behind a small interface so the logic that uses it is
 * tested without AWS. push-artifacts pushes and promotes through it; the release gate and the
 * rollback (release-steps) check that recorded images still exist by digest. AWS network failures
 * (nothing answered, or not in time) become errors that name the service, the endpoint and what to
 * check; what counts as a network failure is core's (`./oci`).
 */
import { ActionError, errorMessage } from './errors.js';
import { registerSecret } from './secrets.js';
import { awsCall, awsClientConfig, awsEndpointFromEnv, awsErrorName, describeCommonAwsError } from './aws.js';
import { MANIFEST_MEDIA_TYPES } from './oci/media.js';
import { isCertificateProblem, networkFailure } from './oci/network.js';

/** SDK service ids: `ECR PUBLIC` is read from `AWS_ENDPOINT_URL_ECR_PUBLIC`, as the SDK reads it. */
export type AwsService = 'ECR' | 'ECR PUBLIC' | 'STS' | 'S3';

const ENDPOINT_PREFIX: Record<AwsService, string> = { ECR: 'api.ecr', 'ECR PUBLIC': 'api.ecr-public', STS: 'sts', S3: 's3' };

/** The endpoint the SDK uses for `service`, as a user would recognise it in the environment. */
export function awsEndpointDescription(service: AwsService, region: string, env: Record<string, string | undefined>): string {
  const configured = awsEndpointFromEnv(service, env);
  if (configured) return configured;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${ENDPOINT_PREFIX[service]}.${region}.${suffix} (AWS's ${service} endpoint for ${region})`;
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
  return new ActionError(
    `${context.what} failed: the ${service} endpoint ${endpoint} ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`,
    {
      why: errorMessage(error),
      check: [
        configured
          ? `AWS_ENDPOINT_URL_${service.replace(/ /g, '_')} / AWS_ENDPOINT_URL point at a running ${service} endpoint (unset them to use AWS's own)`
          : `the region ${context.region} is right for this account and ${service}`,
        'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
        ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
      ],
      cause: error,
    },
  );
}

export interface EcrLogin {
  username: string;
  password: string;
  /** `https://<account>.dkr.ecr.<region>.amazonaws.com` as ECR reports it. */
  proxyEndpoint: string;
  expiresAt?: Date;
}

export interface EcrRepository {
  name: string;
  uri: string;
  mutability: 'MUTABLE' | 'IMMUTABLE' | string;
}

export interface EcrImage {
  digest: string;
  manifest: string;
  mediaType?: string;
  tag?: string;
}

export interface EcrApi {
  callerAccount(): Promise<string>;
  login(registryId?: string): Promise<EcrLogin>;
  describeRepository(name: string, registryId?: string): Promise<EcrRepository | undefined>;
  createRepository(
    name: string,
    settings: { scanOnPush: boolean; mutability: 'MUTABLE' | 'IMMUTABLE' },
    registryId?: string,
  ): Promise<EcrRepository>;
  /** The image a tag or digest names, or undefined when there is none. */
  getImage(repository: string, id: { tag?: string; digest?: string }, registryId?: string): Promise<EcrImage | undefined>;
  putImage(
    repository: string,
    image: { tag: string; manifest: string; mediaType?: string; digest: string },
    registryId?: string,
  ): Promise<void>;
}

/** Splits ECR's base64 `AWS:<password>` token; the password is masked before anything else. */
export function decodeAuthorizationToken(token: string): { username: string; password: string } {
  registerSecret(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0)
    throw new ActionError('ECR returned an authorization token that is not `user:password`.', {
      check: 'the AWS endpoint in use is ECR (AWS_ENDPOINT_URL_ECR)',
    });
  const password = decoded.slice(colon + 1);
  registerSecret(password);
  return { username: decoded.slice(0, colon), password };
}

export interface AwsClientOptions {
  /** Longest wait for one answer (default: core's 2 minutes). */
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** For the endpoint named in errors (default process.env). */
  env?: Record<string, string | undefined>;
  /** Retry budget per call (default: core's). */
  retry?: { attempts?: number; maxElapsedMs?: number; sleep?: (ms: number) => Promise<void> };
}

/**
 * ECR and STS through the AWS SDK (loaded on first use), every call time-limited, retried and
 * explained; a call that gets no answer names the service and its endpoint.
 */
export async function createEcrApi(region: string, options: AwsClientOptions = {}): Promise<EcrApi> {
  const ecr = await import('@aws-sdk/client-ecr');
  const config = awsClientConfig({ region, requestTimeoutMs: options.requestTimeoutMs, connectionTimeoutMs: options.connectionTimeoutMs });
  const client = new ecr.ECRClient(config);
  // STS only answers which account the credentials are for, when no registry names it: loaded then
  // (its client is a chunk of its own, a few ms to load on every run that never asks).
  let sts: Promise<() => Promise<string | undefined>> | undefined;
  const askAccount = async (): Promise<string | undefined> => {
    sts ??= import('@aws-sdk/client-sts').then((m) => {
      const stsClient = new m.STSClient(config);
      return async () => (await stsClient.send(new m.GetCallerIdentityCommand({}))).Account;
    });
    return (await sts)();
  };
  const env = options.env ?? process.env;
  const call = async <T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> => {
    const service: AwsService = what.startsWith('STS ') ? 'STS' : 'ECR';
    try {
      return await awsCall(what, fn, options.retry ?? {});
    } catch (error) {
      throw (
        describeAwsNetworkError(error, { what, service, region, env }) ??
        describeCommonAwsError(error, what, { permission, region }) ??
        error
      );
    }
  };
  const repo = (r: { repositoryName?: string; repositoryUri?: string; imageTagMutability?: string }): EcrRepository => ({
    name: r.repositoryName ?? '',
    uri: r.repositoryUri ?? '',
    mutability: r.imageTagMutability ?? 'MUTABLE',
  });
  const api: EcrApi = {
    async callerAccount() {
      const account = await call('STS GetCallerIdentity', 'sts:GetCallerIdentity', askAccount);
      if (!account) throw new ActionError('STS GetCallerIdentity returned no account id.');
      return account;
    },
    async login(registryId) {
      const out = await call('ECR GetAuthorizationToken', 'ecr:GetAuthorizationToken', () =>
        client.send(new ecr.GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {})),
      );
      const data = out.authorizationData?.[0];
      if (!data?.authorizationToken) throw new ActionError('ECR GetAuthorizationToken returned no token.');
      const { username, password } = decodeAuthorizationToken(data.authorizationToken);
      return { username, password, proxyEndpoint: data.proxyEndpoint ?? '', expiresAt: data.expiresAt };
    },
    async describeRepository(name, registryId) {
      try {
        const out = await call(`ECR DescribeRepositories ${name}`, 'ecr:DescribeRepositories', () =>
          client.send(new ecr.DescribeRepositoriesCommand({ repositoryNames: [name], registryId })),
        );
        const found = out.repositories?.[0];
        return found ? repo(found) : undefined;
      } catch (error) {
        if (awsErrorName(error) === 'RepositoryNotFoundException') return undefined;
        throw error;
      }
    },
    async createRepository(name, settings, registryId) {
      try {
        const out = await call(`ECR CreateRepository ${name}`, 'ecr:CreateRepository', () =>
          client.send(
            new ecr.CreateRepositoryCommand({
              repositoryName: name,
              registryId,
              imageTagMutability: settings.mutability,
              imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
            }),
          ),
        );
        return repo(out.repository ?? { repositoryName: name, imageTagMutability: settings.mutability });
      } catch (error) {
        if (awsErrorName(error) === 'RepositoryAlreadyExistsException') {
          return (await api.describeRepository(name, registryId)) ?? repo({ repositoryName: name });
        }
        throw error;
      }
    },
    async getImage(repository, id, registryId) {
      const out = await call(`ECR BatchGetImage ${repository}:${id.tag ?? id.digest}`, 'ecr:BatchGetImage', () =>
        client.send(
          new ecr.BatchGetImageCommand({
            repositoryName: repository,
            registryId,
            imageIds: [id.digest ? { imageDigest: id.digest } : { imageTag: id.tag }],
            acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
          }),
        ),
      );
      const image = out.images?.find((i) => i.imageManifest && i.imageId?.imageDigest);
      if (!image) return undefined;
      return { digest: image.imageId!.imageDigest!, manifest: image.imageManifest!, mediaType: image.imageManifestMediaType, tag: id.tag };
    },
    async putImage(repository, image, registryId) {
      await call(`ECR PutImage ${repository}:${image.tag}`, 'ecr:PutImage', () =>
        client.send(
          new ecr.PutImageCommand({
            repositoryName: repository,
            registryId,
            imageTag: image.tag,
            imageManifest: image.manifest,
            imageManifestMediaType: image.mediaType,
            imageDigest: image.digest,
          }),
        ),
      );
    },
  };
  return api;
}
