// Every request push-artifacts makes has a time limit: a server that accepts the connection and never
// answers ends the call with an error that names the service and endpoint, instead of holding the
// step. Real clients (the registry client, the AWS SDK's ECR and S3 clients) against a real silent
// socket on 127.0.0.1, with short limits and one attempt so the test takes about a second.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type Server, type Socket } from 'node:net';
import { ActionError } from '@deploy-kit/core';
import { createEcrApi } from '../src/ecr.js';
import { networkFailure } from '@deploy-kit/core/oci';
import { RegistryClient } from '@deploy-kit/core/oci/client';
import { createS3Api } from '../src/s3.js';

let silent: Server;
let url: string;
const sockets = new Set<Socket>();
const AWS_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket); // accepted, never answered
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
  // The SDK reads its endpoint and credentials from the environment.
  for (const name of AWS_VARIABLES) saved[name] = process.env[name];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIADEPLOYKITTEST',
    AWS_SECRET_ACCESS_KEY: 'timeout-test-secret',
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

afterAll(async () => {
  for (const name of AWS_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  for (const socket of sockets) socket.destroy();
  await new Promise((r) => silent.close(r));
});

const once = { attempts: 1, log: () => undefined };

async function timed<T>(call: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

describe('a server that accepts and never answers', () => {
  test('registry: the request ends at its time limit', async () => {
    const client = new RegistryClient({ baseUrl: url, timeoutMs: 300, retry: once });
    const { error, ms } = await timed(() => client.hasBlob('app', `sha256:${'0'.repeat(64)}`));
    expect(networkFailure(error)).toBe('timed out');
    expect(ms).toBeLessThan(5_000);
  });

  test('ECR (AWS SDK): the call ends at its time limit, naming ECR and the endpoint', async () => {
    const api = await createEcrApi('eu-west-1', { requestTimeoutMs: 300, env: { AWS_ENDPOINT_URL: url }, retry: { attempts: 1 } });
    const { error, ms } = await timed(() => api.login());
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toBe(`ECR GetAuthorizationToken failed: the ECR endpoint ${url} did not answer in time.`);
    expect(ms).toBeLessThan(5_000);
  });

  test('S3 (AWS SDK): the call ends at its time limit, naming S3 and the endpoint', async () => {
    const api = await createS3Api('eu-west-1', { requestTimeoutMs: 300, env: { AWS_ENDPOINT_URL: url }, retry: { attempts: 1 } });
    const { error, ms } = await timed(() => api.list('app-artifacts', 'v1/'));
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toBe(
      `S3 ListObjectsV2 s3://app-artifacts/v1/ failed: the S3 endpoint ${url} did not answer in time.`,
    );
    expect(ms).toBeLessThan(5_000);
  });
});
