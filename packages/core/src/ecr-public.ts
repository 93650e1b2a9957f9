/**
 * ECR Public (`public.ecr.aws`) through the AWS SDK's ECR Public client (loaded on first use): the
 * login and the caller's repositories. ECR Public has one API endpoint, in us-east-1, whatever region
 * the job works in (as aws-actions/amazon-ecr-login's `registry-type: public` does); its token is for
 * the host public.ecr.aws only. The client is built from core's one AWS client configuration
 * (`awsClientConfig`: time limits, and whatever else every client shares), retried and explained as
 * the ECR client is (`./ecr`). A separate module from `./ecr`, so the actions that never push to ECR
 * Public (the release gate, the rollback) do not bundle its SDK client.
 */
import { ActionError } from './errors.js';
import { awsCall, awsClientConfig, awsErrorName, describeCommonAwsError } from './aws.js';
import { decodeAuthorizationToken, describeAwsNetworkError, type AwsClientOptions, type EcrLogin, type EcrRepository } from './ecr.js';
import { ECR_PUBLIC_HOST } from './oci/registry.js';

/** The one region ECR Public's API (and its GetAuthorizationToken) answers in. */
export const ECR_PUBLIC_REGION = 'us-east-1';

export interface EcrPublicApi {
  /** A token for public.ecr.aws (`proxyEndpoint` is `https://public.ecr.aws`: the one host it may go to). */
  login(): Promise<EcrLogin>;
  /** A repository of the caller's public registry, by its name without the alias (`team/app`). */
  describeRepository(name: string): Promise<EcrRepository | undefined>;
  createRepository(name: string): Promise<EcrRepository>;
}

export async function createEcrPublicApi(options: AwsClientOptions = {}): Promise<EcrPublicApi> {
  const sdk = await import('@aws-sdk/client-ecr-public');
  const region = ECR_PUBLIC_REGION;
  const client = new sdk.ECRPUBLICClient(
    awsClientConfig({ region, requestTimeoutMs: options.requestTimeoutMs, connectionTimeoutMs: options.connectionTimeoutMs }),
  );
  const env = options.env ?? process.env;
  const call = async <T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await awsCall(what, fn, options.retry ?? {});
    } catch (error) {
      throw (
        describeAwsNetworkError(error, { what, service: 'ECR PUBLIC', region, env }) ??
        describeCommonAwsError(error, what, { permission, region }) ??
        error
      );
    }
  };
  const repo = (r: { repositoryName?: string; repositoryUri?: string }): EcrRepository => ({
    name: r.repositoryName ?? '',
    uri: r.repositoryUri ?? '',
    // ECR Public has no immutable tags.
    mutability: 'MUTABLE',
  });
  const api: EcrPublicApi = {
    async login() {
      const out = await call('ECR Public GetAuthorizationToken', 'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken', () =>
        client.send(new sdk.GetAuthorizationTokenCommand({})),
      );
      const token = out.authorizationData?.authorizationToken;
      if (!token) throw new ActionError('ECR Public GetAuthorizationToken returned no token.');
      const { username, password } = decodeAuthorizationToken(token);
      return { username, password, proxyEndpoint: `https://${ECR_PUBLIC_HOST}`, expiresAt: out.authorizationData?.expiresAt };
    },
    async describeRepository(name) {
      try {
        const out = await call(`ECR Public DescribeRepositories ${name}`, 'ecr-public:DescribeRepositories', () =>
          client.send(new sdk.DescribeRepositoriesCommand({ repositoryNames: [name] })),
        );
        const found = out.repositories?.[0];
        return found ? repo(found) : undefined;
      } catch (error) {
        if (awsErrorName(error) === 'RepositoryNotFoundException') return undefined;
        throw error;
      }
    },
    async createRepository(name) {
      try {
        const out = await call(`ECR Public CreateRepository ${name}`, 'ecr-public:CreateRepository', () =>
          client.send(new sdk.CreateRepositoryCommand({ repositoryName: name })),
        );
        return repo(out.repository ?? { repositoryName: name });
      } catch (error) {
        if (awsErrorName(error) === 'RepositoryAlreadyExistsException')
          return (await api.describeRepository(name)) ?? repo({ repositoryName: name });
        throw error;
      }
    },
  };
  return api;
}
