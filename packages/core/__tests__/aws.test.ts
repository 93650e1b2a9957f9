import { describe, expect, test } from '@jest/globals';
import { ActionError, InputError } from '../src/errors.js';
import { awsClientConfig, awsEndpointFromEnv, awsErrorName, describeCommonAwsError, resolveAwsRegion } from '../src/aws.js';

describe('resolveAwsRegion', () => {
  test.each<[string, string | undefined, Record<string, string>, string]>([
    ['input wins', 'eu-west-1', { AWS_REGION: 'us-east-1' }, 'eu-west-1'],
    ['AWS_REGION', '', { AWS_REGION: 'us-east-2', AWS_DEFAULT_REGION: 'eu-central-1' }, 'us-east-2'],
    ['AWS_DEFAULT_REGION', undefined, { AWS_DEFAULT_REGION: 'eu-central-1' }, 'eu-central-1'],
    ['GovCloud', 'us-gov-west-1', {}, 'us-gov-west-1'],
    ['trimmed', '  ap-southeast-5 ', {}, 'ap-southeast-5'],
  ])('%s', (_, input, env, expected) => {
    expect(resolveAwsRegion(input, env)).toBe(expected);
  });

  test('missing everywhere names the input and the variables', () => {
    expect(() => resolveAwsRegion('', {}, 'region')).toThrow(InputError);
    expect(() => resolveAwsRegion('', {}, 'region')).toThrow(
      /Input "region": is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set/,
    );
  });

  test.each(['eu-west', 'EU-WEST-1', 'eu_west_1', 'https://eu-west-1'])('malformed %s', (value) => {
    expect(() => resolveAwsRegion(value, {})).toThrow(/Input "region": is not an AWS region/);
  });

  test('malformed region from the environment says where it came from', () => {
    expect(() => resolveAwsRegion('', { AWS_REGION: 'mars' })).toThrow(/from AWS_REGION/);
  });
});

describe('awsClientConfig', () => {
  test('the SDK does not retry on its own; timeouts are bounded', () => {
    const config = awsClientConfig({ region: 'eu-west-1' });
    expect(config).toEqual({
      region: 'eu-west-1',
      maxAttempts: 1,
      customUserAgent: 'deploy-kit',
      requestHandler: { requestTimeout: 120_000, connectionTimeout: 10_000, throwOnRequestTimeout: true },
    });
  });
});

describe('awsEndpointFromEnv', () => {
  test.each<[string, Record<string, string>, string | undefined]>([
    ['service-specific wins', { AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://s3' }, 'http://s3'],
    ['global', { AWS_ENDPOINT_URL: 'http://a' }, 'http://a'],
    ['none', {}, undefined],
    ['ignored', { AWS_ENDPOINT_URL: 'http://a', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, undefined],
  ])('%s', (_, env, expected) => {
    expect(awsEndpointFromEnv('S3', env)).toBe(expected);
  });
});

const sdkError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('describeCommonAwsError', () => {
  test.each<[string, unknown, RegExp]>([
    [
      'no credentials',
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      /no AWS credentials were found/,
    ],
    ['bad key', sdkError('InvalidClientTokenId', 403), /rejected the credentials \(InvalidClientTokenId\)/],
    ['expired', sdkError('ExpiredTokenException', 400), /rejected the credentials/],
    ['denied', sdkError('AccessDeniedException', 400), /permission denied \(AccessDeniedException\)/],
    ['plain 403', sdkError('Whatever', 403), /permission denied/],
  ])('%s', (_, error, message) => {
    const described = describeCommonAwsError(error, 'ECR GetAuthorizationToken', {
      permission: 'ecr:GetAuthorizationToken',
      region: 'eu-west-1',
    });
    expect(described).toBeInstanceOf(ActionError);
    expect(described?.message).toMatch(message);
    expect(described?.message).toMatch(/^ECR GetAuthorizationToken failed/);
  });

  test('permission hint names the permission and region', () => {
    const described = describeCommonAwsError(sdkError('AccessDenied', 403), 'S3 PutObject', {
      permission: 's3:PutObject on the bucket',
      region: 'eu-west-1',
    });
    expect(described?.describe()).toContain('IAM permissions: the role or user needs s3:PutObject on the bucket in eu-west-1');
  });

  test('errors the caller explains itself are left alone', () => {
    expect(describeCommonAwsError(sdkError('RepositoryNotFoundException', 400), 'x')).toBeUndefined();
    expect(describeCommonAwsError(new Error('boom'), 'x')).toBeUndefined();
  });

  test('awsErrorName prefers the SDK name, then Code', () => {
    expect(awsErrorName(sdkError('NoSuchKey', 404))).toBe('NoSuchKey');
    expect(awsErrorName({ name: 'Error', Code: 'SlowDown' })).toBe('SlowDown');
  });
});
