/**
 * ECR: the registry of the caller's account, the login token, repositories, and promotion of an
 * image already in ECR to new tags by digest (BatchGetImage → PutImage), behind a small interface
 * so the logic is tested without AWS. `createEcrApi` is the AWS SDK implementation, loaded lazily.
 */
import { ActionError, registerSecret } from '@deploy-kit/core';
import { awsCall, awsClientConfig, awsErrorName, describeCommonAwsError } from '@deploy-kit/core/aws';
import { MANIFEST_MEDIA_TYPES, MEDIA } from '@deploy-kit/core/oci';
import { describeAwsNetworkError, type AwsService } from './network.js';

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
  createRepository(name: string, settings: { scanOnPush: boolean; mutability: 'MUTABLE' | 'IMMUTABLE' }, registryId?: string): Promise<EcrRepository>;
  /** The image a tag or digest names, or undefined when there is none. */
  getImage(repository: string, id: { tag?: string; digest?: string }, registryId?: string): Promise<EcrImage | undefined>;
  putImage(repository: string, image: { tag: string; manifest: string; mediaType?: string; digest: string }, registryId?: string): Promise<void>;
}

/** Splits ECR's base64 `AWS:<password>` token; the password is masked before anything else. */
export function decodeAuthorizationToken(token: string): { username: string; password: string } {
  registerSecret(token);
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new ActionError('ECR returned an authorization token that is not `user:password`.', { check: 'the AWS endpoint in use is ECR (AWS_ENDPOINT_URL_ECR)' });
  const password = decoded.slice(colon + 1);
  registerSecret(password);
  return { username: decoded.slice(0, colon), password };
}

export interface PromoteRequest {
  repository: string;
  registryId?: string;
  /** Source tag or `sha256:` digest in the same repository. */
  from: string;
  tags: string[];
}

export interface PromoteResult {
  repository: string;
  digest: string;
  mediaType: string;
  tags: Array<{ tag: string; status: 'pushed' | 'unchanged' }>;
}

/** The manifest media type: ECR's field, else the document's own `mediaType`. */
export function manifestMediaType(image: EcrImage): string {
  if (image.mediaType) return image.mediaType;
  try {
    const parsed = JSON.parse(image.manifest) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    /* not JSON: PutImage will say so */
  }
  return MEDIA.dockerManifest;
}

/**
 * Points `tags` at the image `from` names, by digest. A tag already on that digest is success; a
 * tag of an IMMUTABLE repository on another digest is refused before anything changes.
 */
export async function promote(api: EcrApi, request: PromoteRequest, apply: (what: string, effect: () => Promise<void>) => Promise<unknown>): Promise<PromoteResult> {
  const { repository, registryId, from } = request;
  const repo = await api.describeRepository(repository, registryId);
  if (!repo) {
    throw new ActionError(`Promote failed: ECR repository "${repository}" does not exist.`, {
      check: ['Repository not found: the image was pushed to this repository first (the staging/rc push)', 'the registry and region are the ones the image was pushed to'],
    });
  }
  const byDigest = from.startsWith('sha256:');
  const source = await api.getImage(repository, byDigest ? { digest: from } : { tag: from }, registryId);
  if (!source) {
    throw new ActionError(`Promote failed: ${repository}:${from} does not exist, so there is nothing to promote.`, {
      why: `ECR has no image ${byDigest ? 'with digest' : 'tagged'} ${from} in ${repository}`,
      check: ['`promote-from` names the tag (or digest) that was tested, e.g. v1.2.3-rc.2', 'that build pushed to this repository'],
    });
  }
  const mediaType = manifestMediaType(source);
  const current = new Map<string, string>();
  for (const tag of request.tags) {
    const image = await api.getImage(repository, { tag }, registryId);
    if (image) current.set(tag, image.digest);
  }
  const conflicts = request.tags.filter((tag) => current.has(tag) && current.get(tag) !== source.digest);
  if (conflicts.length > 0 && repo.mutability !== 'MUTABLE') {
    throw new ActionError(`Promote refused: ${repository} has immutable tags and ${conflicts.map((t) => `${t} already points at ${current.get(t)}`).join(', ')}, not ${source.digest}.`, {
      why: 'an immutable tag cannot be moved to another image',
      check: ['the version was not already released from another build', 'promote to a new tag, or delete the wrong image deliberately'],
    });
  }
  const tags: PromoteResult['tags'] = [];
  for (const tag of request.tags) {
    if (current.get(tag) === source.digest) {
      tags.push({ tag, status: 'unchanged' });
      continue;
    }
    let unchanged = false;
    await apply(`tag ${repository}@${source.digest} as ${tag}${current.has(tag) ? ` (moving it from ${current.get(tag)})` : ''}`, async () => {
      try {
        await api.putImage(repository, { tag, manifest: source.manifest, mediaType, digest: source.digest }, registryId);
      } catch (error) {
        const name = awsErrorName(error);
        if (name === 'ImageAlreadyExistsException') {
          unchanged = true;
          return;
        }
        if (name === 'ImageTagAlreadyExistsException') {
          throw new ActionError(`Promote refused: ${repository}:${tag} already exists and the repository's tags are immutable.`, {
            why: (error as Error).message,
            check: 'the version was not already released from another build',
            cause: error,
          });
        }
        throw error;
      }
    });
    tags.push({ tag, status: unchanged ? 'unchanged' : 'pushed' });
  }
  return { repository, digest: source.digest, mediaType, tags };
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
  const [ecr, sts] = await Promise.all([import('@aws-sdk/client-ecr'), import('@aws-sdk/client-sts')]);
  const config = awsClientConfig({ region, requestTimeoutMs: options.requestTimeoutMs, connectionTimeoutMs: options.connectionTimeoutMs });
  const client = new ecr.ECRClient(config);
  const stsClient = new sts.STSClient(config);
  const env = options.env ?? process.env;
  const call = async <T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> => {
    const service: AwsService = what.startsWith('STS ') ? 'STS' : 'ECR';
    try {
      return await awsCall(what, fn, options.retry ?? {});
    } catch (error) {
      throw describeAwsNetworkError(error, { what, service, region, env }) ?? describeCommonAwsError(error, what, { permission, region }) ?? error;
    }
  };
  const repo = (r: { repositoryName?: string; repositoryUri?: string; imageTagMutability?: string }): EcrRepository => ({
    name: r.repositoryName ?? '',
    uri: r.repositoryUri ?? '',
    mutability: r.imageTagMutability ?? 'MUTABLE',
  });
  const api: EcrApi = {
    async callerAccount() {
      const identity = await call('STS GetCallerIdentity', 'sts:GetCallerIdentity', () => stsClient.send(new sts.GetCallerIdentityCommand({})));
      if (!identity.Account) throw new ActionError('STS GetCallerIdentity returned no account id.');
      return identity.Account;
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
