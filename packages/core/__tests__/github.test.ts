// The GitHub client's trust rules, against real loopback HTTP servers: the token goes only to
// GITHUB_API_URL's host and port (also across redirects), over https or loopback http; every request
// has a timeout (a server that accepts and never answers, or stalls its body); a request that gets no
// answer fails with a GitHubRequestError naming the endpoint, not Octokit's "HTTP 500".
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ActionError } from '../src/errors.js';
import { GitHubRequestError, boundFetch, createGitHubClient, describeRequestFailure } from '../src/github.js';
import { classifyError } from '../src/retry.js';

const TOKEN = 'ghp_GitHubClientTrustTest0123456789abcdef';

interface Loopback {
  server: Server;
  url: string;
  seen: Array<{ method: string; path: string; authorization?: string }>;
  sockets: Set<Socket>;
}

async function loopback(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Loopback> {
  const seen: Loopback['seen'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, sockets };
}

async function close(l: Loopback | undefined): Promise<void> {
  if (!l) return;
  for (const socket of l.sockets) socket.destroy();
  await new Promise<void>((resolve) => l.server.close(() => resolve()));
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

let other: Loopback; // "another host": a second loopback port, which credentialBoundTo treats as a different host
let api: Loopback;
let hanging: Loopback; // accepts connections and never answers
let stalling: Loopback; // sends the headers, then never the body

beforeAll(async () => {
  other = await loopback((_req, res) => json(res, 200, { name: 'other' }));
  api = await loopback((req, res) => {
    if (req.url === '/repos/o/renamed') return json(res, 301, { message: 'Moved Permanently' }, { location: '/repositories/42' });
    if (req.url === '/repositories/42') return json(res, 200, { name: 'r', id: 42 });
    if (req.url === '/repos/o/elsewhere') return json(res, 302, { message: 'Found' }, { location: `${other.url}/steal` });
    if (req.url === '/repos/o/loop') return json(res, 302, {}, { location: '/repos/o/loop' });
    if (req.url === '/repos/o/deprecated')
      return json(
        res,
        200,
        { name: 'd' },
        { deprecation: 'true', sunset: '##[error]forged-sunset', link: '<https://x.test/##[error]forged>; rel="deprecation"' },
      );
    return json(res, 200, { name: 'r' });
  });
  hanging = await loopback(() => undefined);
  stalling = await loopback((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '100' });
    res.write('{"name":');
  });
});

afterAll(async () => {
  await Promise.all([close(other), close(api), close(hanging), close(stalling)]);
});

afterEach(() => {
  for (const l of [other, api, hanging, stalling]) l.seen.length = 0;
  jest.restoreAllMocks();
});

async function failure(promise: Promise<unknown>): Promise<GitHubRequestError> {
  try {
    await promise;
  } catch (error) {
    return error as GitHubRequestError;
  }
  throw new Error('expected the request to fail');
}

describe('where the token may go', () => {
  test.each([
    ['http://api.example.com', 'would receive it over plain http'],
    ['http://10.0.0.5/api/v3', 'would receive it over plain http'],
    ['ftp://127.0.0.1', 'is not http or https'],
  ])('GITHUB_API_URL %s is refused before anything is sent', async (apiUrl, why) => {
    const error = await failure(createGitHubClient({ token: TOKEN, apiUrl }));
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toContain(`Refused to send the GitHub token to ${apiUrl}`);
    expect(error.why).toContain(why);
    expect(error.check.join('\n')).toContain('GITHUB_API_URL');
  });

  test.each([
    ['https://api.github.com'],
    ['https://ghes.example.com/api/v3'],
    ['http://127.0.0.1:1'],
    ['http://localhost:8080/api/v3'],
    ['http://[::1]:9'],
  ])('%s is accepted', async (apiUrl) => {
    await expect(createGitHubClient({ token: TOKEN, apiUrl })).resolves.toBeDefined();
  });

  test('a redirect on the same host and port is followed, with the token', async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: api.url });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'renamed' });
    expect(data).toMatchObject({ id: 42 });
    expect(api.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/repos/o/renamed', `token ${TOKEN}`],
      ['/repositories/42', `token ${TOKEN}`],
    ]);
  });

  test('a redirect to another host:port is not followed: a clear error, and the other server gets nothing', async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: api.url });
    const error = await failure(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'elsewhere' }));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error.code).toBe('EREDIRECT');
    expect(error.message).toBe(
      `GitHub API request GET ${new URL(api.url).host}/repos/o/elsewhere failed: the server redirected it to ${other.url}/steal, and the token is sent only to ${new URL(api.url).host}`,
    );
    expect(other.seen).toEqual([]);
    expect(classifyError(error).retryable).toBe(false);
  });

  test('fetch itself (without our wrapper) would follow that redirect, dropping only the header: why the client does not rely on it', async () => {
    const response = await fetch(`${api.url}/repos/o/elsewhere`, { headers: { authorization: `token ${TOKEN}` } });
    expect(await response.json()).toEqual({ name: 'other' });
    expect(other.seen).toEqual([{ method: 'GET', path: '/steal', authorization: undefined }]);
  });

  test('an absolute URL on another host:port is refused before it is sent', async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: api.url });
    const error = await failure(octokit.request(`GET ${other.url}/steal`));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error.code).toBe('EREFUSED');
    expect(error.message).toContain(`refused: the token is sent only to ${new URL(api.url).host} (GITHUB_API_URL)`);
    expect(other.seen).toEqual([]);
  });

  test('a redirect loop ends after a bounded number of hops', async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: api.url });
    const error = await failure(octokit.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'loop' }));
    expect(error.message).toContain('more than 5 redirects');
    expect(api.seen.length).toBe(6);
  });
});

describe('every request has a timeout', () => {
  test('a server that accepts and never answers: GitHubRequestError naming the endpoint, near the timeout', async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: hanging.url, requestTimeoutMs: 300 });
    const started = Date.now();
    const error = await failure(octokit.request('GET /repos/{owner}/{repo}', { owner: 'example-org', repo: 'gitops-staging' }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error).toMatchObject({
      code: 'ETIMEDOUT',
      timedOut: true,
      method: 'GET',
      endpoint: `${new URL(hanging.url).host}/repos/example-org/gitops-staging`,
    });
    expect(error.message).toMatch(
      new RegExp(
        `^GitHub API request GET ${new URL(hanging.url).host}/repos/example-org/gitops-staging failed: no answer within 0\\.\\d s$`,
      ),
    );
    expect(error.check.join('\n')).toContain(`GITHUB_API_URL (${hanging.url})`);
    expect((error as unknown as { status?: number }).status).toBeUndefined();
    expect(classifyError(error).retryable).toBe(true);
    expect(hanging.seen).toHaveLength(1);
  });

  test('the headers, then a stalled body: also a timeout, not an empty answer', async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: stalling.url, requestTimeoutMs: 300 });
    const error = await failure(octokit.request('GET /repos/o/r'));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error.code).toBe('ETIMEDOUT');
  });

  test("a caller's shorter signal ends the request sooner; a cancellation is passed on as it is", async () => {
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: hanging.url });
    const started = Date.now();
    const timedOut = await failure(octokit.request('GET /repos/o/r', { request: { signal: AbortSignal.timeout(200) } }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(timedOut).toMatchObject({ code: 'ETIMEDOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const cancelled = await failure(octokit.request('GET /repos/o/r', { request: { signal: controller.signal } }));
    expect(cancelled).not.toBeInstanceOf(GitHubRequestError);
    // Octokit passes an AbortError on (wrapped when it comes from another realm, as under jest).
    const { name, cause } = cancelled as Error & { cause?: Error };
    expect([name, cause?.name]).toContain('AbortError');
  });
});

describe('no answer at all', () => {
  test('a closed port: ECONNREFUSED with the endpoint, retryable, no HTTP status', async () => {
    const closed = await loopback(() => undefined);
    const url = closed.url;
    await close(closed);
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: url });
    const error = await failure(octokit.request('GET /repos/o/r'));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error.message).toBe(`GitHub API request GET ${new URL(url).host}/repos/o/r failed: the connection was refused (ECONNREFUSED)`);
    expect((error as unknown as { status?: number }).status).toBeUndefined();
    expect(classifyError(error)).toMatchObject({ retryable: true });
  });

  const failed = (code: string, message = `${code} happened`) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
  test.each([
    ['ENOTFOUND', 'the host name ghes.example.invalid could not be resolved (ENOTFOUND)', false],
    ['EAI_AGAIN', 'the host name ghes.example.invalid could not be resolved (EAI_AGAIN)', true],
    ['CERT_HAS_EXPIRED', 'the TLS connection failed: CERT_HAS_EXPIRED happened (CERT_HAS_EXPIRED)', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'the TLS connection failed', false],
    ['ECONNRESET', 'the connection was closed before an answer came (ECONNRESET)', true],
    ['EWHATEVER', 'EWHATEVER happened (EWHATEVER)', false],
  ])('%s → "%s" (retryable: %s)', async (code, reason, retryable) => {
    const fetchFails = (async () => Promise.reject(failed(code))) as unknown as typeof fetch;
    const octokit = await createGitHubClient({ token: TOKEN, apiUrl: 'https://ghes.example.invalid/api/v3', fetch: fetchFails });
    const error = await failure(octokit.request('GET /repos/o/r'));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error.message).toContain(`GitHub API request GET ghes.example.invalid/api/v3/repos/o/r failed: ${reason}`);
    expect(error.check.length).toBeGreaterThan(0);
    if (code.startsWith('CERT') || code.startsWith('ERR_TLS')) expect(error.check.join('\n')).toContain('NODE_EXTRA_CA_CERTS');
    expect(classifyError(error).retryable).toBe(retryable);
  });

  test('describeRequestFailure without a code still names the endpoint (and the innermost reason)', () => {
    const error = describeRequestFailure(new TypeError('fetch failed', { cause: 'bad port' }), {
      method: 'POST',
      url: new URL('http://127.0.0.1:1/x?y=1'),
      apiUrl: 'http://127.0.0.1:1',
      elapsedMs: 1,
      timedOut: false,
    });
    expect(error.message).toBe('GitHub API request POST 127.0.0.1:1/x failed: bad port');
  });
});

test("Octokit's log (a deprecation notice quoting response headers) never reaches console.warn raw", async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const octokit = await createGitHubClient({ token: TOKEN, apiUrl: api.url });
  await octokit.request('GET /repos/o/deprecated');
  expect(warn).not.toHaveBeenCalled();
});

test('boundFetch answers with the final URL and the whole body', async () => {
  const response = await boundFetch(api.url)(`${api.url}/repos/o/renamed`);
  expect(response.url).toBe(`${api.url}/repositories/42`);
  expect(await response.json()).toEqual({ name: 'r', id: 42 });
});

describe("GitHub's uploads host (release assets)", () => {
  const recording = () => {
    const seen: string[] = [];
    const impl = (async (url: string | URL) => {
      seen.push(String(url));
      return new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    return { seen, impl };
  };
  test.each([
    ['https://api.github.com', 'https://uploads.github.com/repos/o/r/releases/1/assets?name=a'],
    ['https://api.octocorp.ghe.com', 'https://uploads.octocorp.ghe.com/repos/o/r/releases/1/assets?name=a'],
    ['https://ghes.example.com/api/v3', 'https://ghes.example.com/api/uploads/repos/o/r/releases/1/assets?name=a'],
  ])('GITHUB_API_URL %s: the token may go to %s', async (apiUrl, uploadUrl) => {
    const { seen, impl } = recording();
    const response = await boundFetch(apiUrl, 1000, impl)(uploadUrl, { method: 'POST', headers: { authorization: `token ${TOKEN}` } });
    expect(response.status).toBe(201);
    expect(seen).toEqual([uploadUrl]);
  });
  test.each([
    [
      'https://api.github.com',
      'https://uploads.example.com/repos/o/r/releases/1/assets?name=a',
      'api.github.com and its uploads host uploads.github.com',
    ],
    [
      'https://api.github.com',
      'http://uploads.github.com/repos/o/r/releases/1/assets?name=a',
      'api.github.com and its uploads host uploads.github.com',
    ],
    [
      'https://ghes.example.com/api/v3',
      'https://uploads.github.com/repos/o/r/releases/1/assets?name=a',
      'ghes.example.com (GITHUB_API_URL)',
    ],
    ['https://api.octocorp.ghe.com', 'https://uploads.other.ghe.com/repos/o/r/releases/1/assets?name=a', 'uploads.octocorp.ghe.com'],
  ])('GITHUB_API_URL %s: an upload_url %s is refused before anything is sent', async (apiUrl, uploadUrl, named) => {
    const { seen, impl } = recording();
    const error = await failure(boundFetch(apiUrl, 1000, impl)(uploadUrl, { method: 'POST' }));
    expect(error).toBeInstanceOf(GitHubRequestError);
    expect(error.message).toContain('refused: the token is sent only to');
    expect(error.message).toContain(named);
    expect(seen).toEqual([]);
  });
});
