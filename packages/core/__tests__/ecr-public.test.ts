// ECR Public's client (core's createEcrPublicApi) against a local server speaking ECR Public's JSON
// protocol as the AWS SDK sends it (X-Amz-Target SpencerFrontendService.*, signed for
// ecr-public in us-east-1), reached through AWS_ENDPOINT_URL_ECR_PUBLIC as the SDK reads it. moto
// 5.2.1 does not serve ECR Public (an `ecr-public` request ends in a 500), so this is the check of the
// SDK call, its region and the token's shape; the action-tests run the login against moto's ECR.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionError } from '@deploy-kit/core';
import { awsEndpointDescription, describeAwsNetworkError } from '@deploy-kit/core/ecr';
import { ECR_PUBLIC_REGION, createEcrPublicApi } from '@deploy-kit/core/ecr-public';
import { ECR_PUBLIC_HOST, ecrPublicRepository, isEcrPublicHost, parseImageReference, parseRegistry } from '@deploy-kit/core/oci';

interface Seen {
  target: string;
  scope: string;
  body: Record<string, unknown>;
}

let server: Server;
let url: string;
const seen: Seen[] = [];
let answer: (target: string, body: Record<string, unknown>) => [number, Record<string, unknown>] = () => [500, {}];
const saved: Record<string, string | undefined> = {};
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAECRPUBLICTEST',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL_ECR_PUBLIC: '',
};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const scope = /Credential=[^/]+\/\d+\/([^,]+)/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      seen.push({ target, scope, body });
      const [status, json] = answer(target, body);
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [k, v] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_ECR_PUBLIC: url })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => void (seen.length = 0));

describe('createEcrPublicApi', () => {
  test("login: ECR Public's GetAuthorizationToken in us-east-1 (whatever AWS_REGION says), a token for public.ecr.aws", async () => {
    answer = () => [
      200,
      { authorizationData: { authorizationToken: Buffer.from('AWS:public-pw').toString('base64'), expiresAt: 1893456000 } },
    ];
    const api = await createEcrPublicApi();
    const login = await api.login();
    expect(login).toEqual({
      username: 'AWS',
      password: 'public-pw',
      proxyEndpoint: 'https://public.ecr.aws',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(seen).toEqual([
      { target: 'SpencerFrontendService.GetAuthorizationToken', scope: `${ECR_PUBLIC_REGION}/ecr-public/aws4_request`, body: {} },
    ]);
  });

  test('repositories: found, missing (RepositoryNotFoundException), created', async () => {
    answer = (target, body) => {
      if (target.endsWith('.DescribeRepositories'))
        return (body.repositoryNames as string[])[0] === 'team/app'
          ? [200, { repositories: [{ repositoryName: 'team/app', repositoryUri: 'public.ecr.aws/dkalias/team/app' }] }]
          : [400, { __type: 'RepositoryNotFoundException', message: 'not found' }];
      return [
        200,
        { repository: { repositoryName: body.repositoryName, repositoryUri: `public.ecr.aws/dkalias/${String(body.repositoryName)}` } },
      ];
    };
    const api = await createEcrPublicApi();
    expect(await api.describeRepository('team/app')).toEqual({
      name: 'team/app',
      uri: 'public.ecr.aws/dkalias/team/app',
      mutability: 'MUTABLE',
    });
    expect(await api.describeRepository('other')).toBeUndefined();
    expect(await api.createRepository('other')).toMatchObject({ name: 'other' });
    expect(seen.map((s) => [s.target, s.body])).toEqual([
      ['SpencerFrontendService.DescribeRepositories', { repositoryNames: ['team/app'] }],
      ['SpencerFrontendService.DescribeRepositories', { repositoryNames: ['other'] }],
      ['SpencerFrontendService.CreateRepository', { repositoryName: 'other' }],
    ]);
  });

  test('denied: the permissions ECR Public needs', async () => {
    answer = () => [400, { __type: 'AccessDeniedException', message: 'no' }];
    const error = await (await createEcrPublicApi()).login().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toBe('ECR Public GetAuthorizationToken failed: permission denied (AccessDeniedException).');
    expect((error as ActionError).check.join('\n')).toContain(
      'ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken in us-east-1',
    );
  });

  test('nothing answers: the ECR PUBLIC endpoint is named, with the variable that sets it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = describeAwsNetworkError(refused, {
      what: 'ECR Public GetAuthorizationToken',
      service: 'ECR PUBLIC',
      region: ECR_PUBLIC_REGION,
      env: { AWS_ENDPOINT_URL_ECR_PUBLIC: 'http://127.0.0.1:9' },
    })!;
    expect(error.message).toBe(
      'ECR Public GetAuthorizationToken failed: the ECR PUBLIC endpoint http://127.0.0.1:9 could not be reached (ECONNREFUSED).',
    );
    expect(error.check[0]).toBe(
      "AWS_ENDPOINT_URL_ECR_PUBLIC / AWS_ENDPOINT_URL point at a running ECR PUBLIC endpoint (unset them to use AWS's own)",
    );
    expect(awsEndpointDescription('ECR PUBLIC', ECR_PUBLIC_REGION, {})).toBe(
      "https://api.ecr-public.us-east-1.amazonaws.com (AWS's ECR PUBLIC endpoint for us-east-1)",
    );
  });
});

describe('public.ecr.aws names and the one registry rule', () => {
  test('a registry with its alias, a reference with alias and repository', () => {
    expect(parseRegistry('public.ecr.aws/dkalias')).toEqual({ host: ECR_PUBLIC_HOST, scheme: undefined, namespace: 'dkalias' });
    expect(parseImageReference('public.ecr.aws/dkalias/team/app:v1.2.3')).toMatchObject({
      host: 'public.ecr.aws',
      path: 'dkalias/team/app',
      tag: 'v1.2.3',
    });
    expect(isEcrPublicHost('Public.ECR.aws')).toBe(true);
    expect(isEcrPublicHost('public.ecr.aws.example.com')).toBe(false);
    expect(ecrPublicRepository('dkalias/team/app')).toEqual({ alias: 'dkalias', repository: 'team/app' });
    expect(ecrPublicRepository('app')).toBeUndefined();
  });
});
