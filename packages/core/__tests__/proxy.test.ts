import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createServer as createHttpServer, get as httpGet, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet } from 'node:https';
import { connect as connectTcp, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { awsClientConfig } from '../src/aws.js';
import {
  HttpProxyAgent,
  HttpsProxyAgent,
  agentFor,
  bypassesProxy,
  describeProxy,
  fetchFor,
  parseProxy,
  proxyConfigured,
  proxyFromEnvironment,
} from '../src/net/proxy.js';
import { registeredSecrets } from '../src/secrets.js';
import { makeTestCa } from '../../../action-tests/lib/test-ca.mjs';

const P = 'http://proxy.corp:3128';

describe('proxyFromEnvironment: HTTPS_PROXY / HTTP_PROXY / NO_PROXY as curl and kubectl read them', () => {
  const https = { url: P, source: 'HTTPS_PROXY' };
  test.each([
    ['https://api.eks.example:443', { HTTPS_PROXY: P }, https],
    ['https://api.eks.example', { https_proxy: 'proxy.corp:3128' }, { url: P, source: 'https_proxy' }],
    ['https://api.example', { HTTPS_PROXY: P, https_proxy: 'http://other:1' }, https],
    ['https://api.example', { HTTPS_PROXY: '', https_proxy: P }, { url: P, source: 'https_proxy' }],
    ['https://api.example', { HTTP_PROXY: P }, undefined],
    ['http://api.example', { HTTPS_PROXY: P }, undefined],
    ['http://api.example', { HTTP_PROXY: P }, { url: P, source: 'HTTP_PROXY' }],
    ['http://api.example:9000', { http_proxy: P }, { url: P, source: 'http_proxy' }],
    ['ftp://api.example', { HTTPS_PROXY: P, HTTP_PROXY: P }, undefined],
    ['https://api.example', {}, undefined],
    ['https://localhost:6443', { HTTPS_PROXY: P }, undefined],
    ['https://registry.localhost:5000', { HTTPS_PROXY: P }, undefined],
    ['http://127.0.0.5:6443', { HTTP_PROXY: P }, undefined],
    ['https://[::1]:6443', { HTTPS_PROXY: P }, undefined],
    ['https://api.example', { HTTPS_PROXY: P, NO_PROXY: '*' }, undefined],
    ['https://api.example', { HTTPS_PROXY: P, NO_PROXY: 'other.com, example' }, undefined],
    ['https://api.example', { HTTPS_PROXY: P, NO_PROXY: '', no_proxy: 'example' }, undefined],
    ['https://api.example', { HTTPS_PROXY: P, NO_PROXY: 'other.com', no_proxy: 'example' }, https],
    ['https://example', { HTTPS_PROXY: P, NO_PROXY: 'example' }, undefined],
    ['https://example', { HTTPS_PROXY: P, NO_PROXY: '.example' }, https],
    ['https://a.example', { HTTPS_PROXY: P, NO_PROXY: '*.example' }, undefined],
    ['https://A.Example', { HTTPS_PROXY: P, NO_PROXY: 'a.EXAMPLE' }, undefined],
    ['https://notexample', { HTTPS_PROXY: P, NO_PROXY: 'example' }, https],
    ['https://api.example:6443', { HTTPS_PROXY: P, no_proxy: 'api.example:443' }, https],
    ['https://api.example:6443', { HTTPS_PROXY: P, no_proxy: 'api.example:6443' }, undefined],
    ['https://api.example', { HTTPS_PROXY: P, no_proxy: 'api.example:443' }, undefined],
    ['http://api.example', { HTTP_PROXY: P, no_proxy: 'api.example:80' }, undefined],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8' }, undefined],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.1.2.3' }, undefined],
    ['https://11.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/8,10.1.2.3' }, https],
    ['https://11.1.2.3:6443', { HTTPS_PROXY: P, NO_PROXY: '10.0.0.0/99' }, https],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: P, NO_PROXY: 'fd00::/8' }, undefined],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: P, NO_PROXY: '[fd00::5]:6443' }, undefined],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: P, NO_PROXY: 'fd00::5' }, undefined],
    ['https://s3.eu-west-1.amazonaws.com', { HTTPS_PROXY: P, NO_PROXY: '.amazonaws.com' }, undefined],
  ])('%s %j', (target, env, expected) => expect(proxyFromEnvironment(target, env)).toEqual(expected));

  test('bypassesProxy reads loopback and NO_PROXY alone', () => {
    expect(bypassesProxy('127.0.0.1', '80', {})).toBe(true);
    expect(bypassesProxy('[::1]', '443', {})).toBe(true);
    expect(bypassesProxy('api.example', '443', { NO_PROXY: 'api.example' })).toBe(true);
    expect(bypassesProxy('api.example', '443', {})).toBe(false);
  });

  test.each([
    [{}, false],
    [{ NO_PROXY: 'x' }, false],
    [{ HTTPS_PROXY: ' ' }, false],
    [{ https_proxy: P }, true],
    [{ HTTP_PROXY: P }, true],
  ])('proxyConfigured(%j) is %s', (env, expected) => expect(proxyConfigured(env)).toBe(expected));
});

describe("a proxy's credentials", () => {
  test('the log names host:port and the variable, never the user or password', () => {
    expect(describeProxy({ url: 'http://builder:s3cr%40t@proxy.corp:3128', source: 'HTTPS_PROXY' })).toBe('proxy.corp:3128 (HTTPS_PROXY)');
    expect(describeProxy({ url: 'not a url', source: 'https_proxy' })).toBe('(not a URL) (https_proxy)');
  });

  test('the password is a secret (as written and decoded), the basic auth is built from the decoded parts', () => {
    const parsed = parseProxy({ url: 'http://builder:pr0xy%40pass@proxy.corp:3128', source: 'HTTPS_PROXY' });
    expect(registeredSecrets()).toEqual(expect.arrayContaining(['pr0xy@pass', 'pr0xy%40pass']));
    expect(parsed).toEqual({
      proxy: expect.any(URL),
      auth: `Basic ${Buffer.from('builder:pr0xy@pass').toString('base64')}`,
    });
  });

  test.each([
    [{ url: 'socks5://proxy:1080', source: 'HTTPS_PROXY' }, 'HTTPS_PROXY uses socks5, which is not supported'],
    [{ url: 'https://proxy:443', source: 'https_proxy' }, 'https_proxy uses https, which is not supported'],
    [{ url: 'http://', source: 'HTTP_PROXY' }, 'HTTP_PROXY is not a URL'],
  ])('%j is refused: %s', (setting, problem) => expect(parseProxy(setting)).toEqual({ problem: expect.stringContaining(problem) }));
});

/** A loopback CONNECT proxy that records each tunnel; names ending in `.proxied.test` mean 127.0.0.1, and only here. */
async function connectProxy(options: { refuse?: number; auth?: string } = {}) {
  const tunnels: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const proxy = createHttpServer();
  const open = new Set<Socket>();
  proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    tunnels.push(request.url ?? '');
    authorizations.push(request.headers['proxy-authorization']);
    if (options.refuse) {
      client.end(`HTTP/1.1 ${options.refuse} No\r\n\r\n`);
      return;
    }
    const at = (request.url ?? '').lastIndexOf(':');
    const host = (request.url ?? '').slice(0, at);
    const port = Number((request.url ?? '').slice(at + 1));
    const upstream = connectTcp(port, host.endsWith('.proxied.test') ? '127.0.0.1' : host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    tunnels,
    authorizations,
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    stop: async () => {
      for (const socket of open) socket.destroy(); // kept-alive tunnels
      proxy.closeAllConnections?.();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

const serverSockets = new Set<Socket>();
async function listen(server: Server): Promise<number> {
  server.on('connection', (socket: Socket) => (serverSockets.add(socket), socket.on('close', () => serverSockets.delete(socket))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function get(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsGet : httpGet)(url, { agent }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

describe('agentFor and fetchFor: connections through the proxy, with names only the proxy resolves', () => {
  const ca = makeTestCa(['api.proxied.test', 'localhost']);
  const handler = (request: IncomingMessage, response: import('node:http').ServerResponse) => {
    if (request.url === '/moved') {
      response.writeHead(302, { location: `${request.headers['x-next']}` }).end();
      return;
    }
    response.end(`${request.method} ${request.url} ${request.headers.host}`);
  };
  const secure = createHttpsServer({ cert: readFileSync(ca.cert), key: readFileSync(ca.key) }, handler);
  const plain = createHttpServer(handler);
  let securePort = 0;
  let plainPort = 0;
  beforeAll(async () => {
    securePort = await listen(secure);
    plainPort = await listen(plain);
  });
  afterAll(async () => {
    for (const socket of serverSockets) socket.destroy();
    await Promise.all([new Promise((r) => secure.close(r)), new Promise((r) => plain.close(r))]);
  });

  test('https: a CONNECT tunnel, TLS checked against the name with the given CA; keep-alive reuses the tunnel', async () => {
    const proxy = await connectProxy();
    try {
      const url = `https://api.proxied.test:${securePort}/v2/`;
      const agent = agentFor(url, { env: { HTTPS_PROXY: proxy.url }, ca: readFileSync(ca.ca), keepAlive: true });
      expect(await get(url, agent)).toEqual({ status: 200, body: `GET /v2/ api.proxied.test:${securePort}` });
      expect(await get(url, agent)).toEqual({ status: 200, body: `GET /v2/ api.proxied.test:${securePort}` });
      expect(proxy.tunnels).toEqual([`api.proxied.test:${securePort}`]);
      agent.destroy();
    } finally {
      await proxy.stop();
    }
  });

  test('https without the CA: the certificate is refused through the tunnel too', async () => {
    const proxy = await connectProxy();
    try {
      const url = `https://api.proxied.test:${securePort}/`;
      await expect(get(url, agentFor(url, { env: { HTTPS_PROXY: proxy.url } }))).rejects.toMatchObject({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      });
    } finally {
      await proxy.stop();
    }
  });

  test('http: HTTP_PROXY, a tunnel as well, with the proxy credentials sent as Proxy-Authorization', async () => {
    const proxy = await connectProxy();
    try {
      const url = `http://api.proxied.test:${plainPort}/x`;
      const agent = agentFor(url, { env: { HTTP_PROXY: proxy.url.replace('//', '//ci:pa%3Ass@') } });
      expect(await get(url, agent)).toEqual({ status: 200, body: `GET /x api.proxied.test:${plainPort}` });
      expect(proxy.authorizations).toEqual([`Basic ${Buffer.from('ci:pa:ss').toString('base64')}`]);
    } finally {
      await proxy.stop();
    }
  });

  test('loopback and NO_PROXY targets connect directly; the proxy sees nothing', async () => {
    const proxy = await connectProxy();
    try {
      const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: 'localhost' };
      expect((await get(`http://127.0.0.1:${plainPort}/`, agentFor('http://x', { env }))).status).toBe(200);
      expect((await get(`https://localhost:${securePort}/`, agentFor('https://x', { env, ca: readFileSync(ca.ca) }))).status).toBe(200);
      expect(proxy.tunnels).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  test('a proxy that refuses the tunnel is named in the error, without its credentials', async () => {
    const proxy = await connectProxy({ refuse: 407 });
    try {
      const url = `https://api.proxied.test:${securePort}/`;
      const error = await get(url, agentFor(url, { env: { HTTPS_PROXY: proxy.url.replace('//', '//ci:hidden@') } })).catch((e) => e);
      expect(error.message).toBe(
        `the proxy ${proxy.url.replace('http://', '')} (HTTPS_PROXY) refused CONNECT api.proxied.test:${securePort} (HTTP 407)`,
      );
      expect(error.code).toBe('EPROXY');
    } finally {
      await proxy.stop();
    }
  });

  test('fetchFor: proxied requests over node:http(s), redirects followed hop by hop, each hop deciding again', async () => {
    const proxy = await connectProxy();
    try {
      const env = { HTTP_PROXY: proxy.url };
      const direct = jest.fn(globalThis.fetch);
      const proxiedFetch = fetchFor(env, direct);
      const response = await proxiedFetch(`http://api.proxied.test:${plainPort}/moved`, {
        headers: { 'x-next': `http://127.0.0.1:${plainPort}/landed` },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`GET /landed 127.0.0.1:${plainPort}`);
      expect(proxy.tunnels).toEqual([`api.proxied.test:${plainPort}`]);
      expect(direct).toHaveBeenCalledTimes(1); // the loopback hop, directly
      const posted = await proxiedFetch(`http://api.proxied.test:${plainPort}/p`, { method: 'POST', body: '{"a":1}' });
      expect(await posted.text()).toBe(`POST /p api.proxied.test:${plainPort}`);
      const manual = await proxiedFetch(`http://api.proxied.test:${plainPort}/moved`, { redirect: 'manual', headers: { 'x-next': '/x' } });
      expect([manual.status, manual.headers.get('location')]).toEqual([302, '/x']);
    } finally {
      await proxy.stop();
    }
  });

  test('fetchFor: a network failure is a TypeError with the cause, as fetch has it; a timeout rejects with the signal reason', async () => {
    const env = { HTTP_PROXY: 'http://127.0.0.1:1' };
    const error = await fetchFor(env)('http://api.proxied.test/').catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause.code).toBe('ECONNREFUSED');
    const signal = AbortSignal.abort(new DOMException('late', 'TimeoutError'));
    await expect(fetchFor(env)('http://api.proxied.test/', { signal })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('fetchFor without any proxy variable is the fallback itself', () => {
    const fallback = jest.fn() as unknown as typeof fetch;
    expect(fetchFor({ NO_PROXY: '*' }, fallback)).toBe(fallback);
  });
});

describe('the AWS SDK clients: awsClientConfig', () => {
  test('without a proxy variable the handler options are plain (the SDK makes its own agents)', () => {
    expect(awsClientConfig({ region: 'eu-west-1', env: { NO_PROXY: '*' } }).requestHandler).toEqual({
      requestTimeout: 120_000,
      connectionTimeout: 10_000,
      throwOnRequestTimeout: true,
    });
  });

  test("with one, a provider the SDK's NodeHttpHandler calls on its first request: the same options and core's proxy agents", async () => {
    const env = { HTTPS_PROXY: 'http://proxy.corp:3128' };
    const provider = awsClientConfig({ region: 'eu-west-1', requestTimeoutMs: 5000, env }).requestHandler as unknown as () => Promise<
      Record<string, unknown>
    >;
    expect(typeof provider).toBe('function');
    const options = await provider();
    expect(options).toMatchObject({ requestTimeout: 5000, connectionTimeout: 10_000, throwOnRequestTimeout: true });
    expect(options.httpsAgent).toBeInstanceOf(HttpsProxyAgent);
    expect(options.httpAgent).toBeInstanceOf(HttpProxyAgent);
  });
});

test("an agent masks every proxy variable's password when it is made, before any connection", () => {
  agentFor('https://x', {
    env: { HTTPS_PROXY: 'http://u:eagerMask1@proxy:3128', http_proxy: 'proxy:3128', HTTP_PROXY: 'u:eager%2FMask2@proxy:1' },
  });
  expect(registeredSecrets()).toEqual(expect.arrayContaining(['eagerMask1', 'eager/Mask2', 'eager%2FMask2']));
});
