/**
 * The registry client's HTTP transport: one exchange in fetch's shape, on node:http and node:https
 * so a request body streamed from disk is written with backpressure. Node 20's fetch (undici) reads
 * a streamed request body far ahead of the socket: pushing a 200 MB layer with it took 250 MB of
 * memory against 80 MB here (measured), and memory must not grow with layer size. Connections are
 * kept alive and reused; `closeTransport` lets the process exit at once.
 *
 * The answer is a small fetch-shaped `HttpResponse`, not a WHATWG Response: Node builds Response and
 * Headers on undici, which it loads on first use (~10 ms of a ~85 ms re-push that finds every blob).
 * A transport never follows a redirect: the client does, hop by hop, under the transport and
 * credential rules (client.ts). `fetchTransport` adapts a WHATWG fetch (tests, or a caller's own).
 *
 * Proxies: with a proxy variable set, the agents are core's proxy agents (net/proxy.ts), which
 * decide per registry host by HTTPS_PROXY / HTTP_PROXY / NO_PROXY; the keep-alive pool and the
 * backpressure are the same. No `ca` is set, so NODE_EXTRA_CA_CERTS applies.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { proxyConfigured } from '../net/proxy-env.js';
import { chunkWritten } from './chunk-reuse.js';

export interface TransportInit {
  method: string;
  headers: Record<string, string>;
  /** A Buffer, or a Node stream that is piped with backpressure. */
  body?: Buffer | Readable;
  signal?: AbortSignal;
}

/** What the registry client reads of an answer: the part of fetch's Response it uses. */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  /** null when there is none (HEAD, 204, 304); `cancel` drops an unread body. */
  readonly body: { cancel(): Promise<void> } | null;
}

export type Transport = (url: string, init: TransportInit) => Promise<HttpResponse>;

const AGENT_OPTIONS = { keepAlive: true, maxSockets: 32 };

/** An agent and the request function that goes with it. */
interface Connector {
  agent: HttpAgent | HttpsAgent;
  request: (url: URL, options: RequestOptions, callback: (message: IncomingMessage) => void) => ClientRequest;
}

/**
 * Made on first use, when the environment is final (the proxy variables are read then). node:https
 * (with node:tls) and the proxy agents are loaded only when a request needs them: ~7 ms of the start
 * of a push to a plain-http registry, which is most of a re-push that finds every blob (issue 18).
 */
let proxied: boolean | undefined;
let plain: Connector | undefined;
let secure: Promise<Connector> | undefined;
let viaProxy: Promise<{ http: Connector; https: Connector }> | undefined;
const made: Array<HttpAgent | HttpsAgent> = [];

async function connector(https: boolean): Promise<Connector> {
  proxied ??= proxyConfigured();
  if (proxied) {
    viaProxy ??= Promise.all([import('../net/proxy.js'), import('node:https')]).then(([proxy, tls]) => {
      const { httpAgent, httpsAgent } = proxy.proxyAgents(AGENT_OPTIONS);
      made.push(httpAgent, httpsAgent);
      return { http: { agent: httpAgent, request: httpRequest }, https: { agent: httpsAgent, request: tls.request } };
    });
    const both = await viaProxy;
    return https ? both.https : both.http;
  }
  if (https) {
    secure ??= import('node:https').then((tls) => {
      const agent = new tls.Agent(AGENT_OPTIONS);
      made.push(agent);
      return { agent, request: tls.request };
    });
    return secure;
  }
  if (!plain) {
    const agent = new HttpAgent(AGENT_OPTIONS);
    made.push(agent);
    plain = { agent, request: httpRequest };
  }
  return plain;
}

export function closeTransport(): void {
  for (const agent of made) agent.destroy();
}

/**
 * Resolves once `message` was read to its end (or closed). By then a kept-alive socket is back in its
 * agent's pool, so the request that follows reuses it: a re-push's ping and HEAD went out on two
 * connections before (issue 18).
 */
function ended(message: IncomingMessage): Promise<void> {
  if (message.readableEnded || message.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      message.off('end', done);
      message.off('close', done);
      message.off('error', done);
      resolve();
    };
    message.on('end', done);
    message.on('close', done);
    message.on('error', done);
  });
}

class NodeResponse implements HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  readonly body: { cancel(): Promise<void> } | null;
  private consumed = false;

  constructor(
    private readonly message: IncomingMessage,
    method: string,
  ) {
    this.status = message.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    const raw = message.headers;
    this.headers = {
      get(name: string): string | null {
        const value = raw[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    };
    const noBody = method === 'HEAD' || this.status === 204 || this.status === 304;
    if (noBody) message.resume();
    this.body = noBody
      ? null
      : {
          cancel: async () => {
            this.consumed = true;
            message.resume();
            await ended(message);
          },
        };
  }

  private async bytes(): Promise<Buffer> {
    if (this.consumed) throw new TypeError('the response body was already read');
    this.consumed = true;
    if (!this.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of this.message) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/**
 * The request as a pipeline's destination, with backpressure: each chunk is written with a callback,
 * and a chunk the socket took is handed back to the reader that lent it (chunk-reuse.ts). The request
 * closing before its body was written ends the body's pipeline.
 */
function requestSink(request: ClientRequest): Writable {
  let waiting: (() => void) | undefined;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const more = request.write(chunk, (error) => {
        if (!error) chunkWritten(chunk);
      });
      if (more) callback();
      else waiting = callback;
    },
    final(callback) {
      request.end();
      callback();
    },
  });
  request.on('drain', () => {
    const resume = waiting;
    waiting = undefined;
    resume?.();
  });
  request.on('close', () => {
    if (!sink.writableFinished) sink.destroy(new Error('the request closed before its body was written'));
  });
  return sink;
}

async function once(url: URL, init: TransportInit): Promise<IncomingMessage> {
  const { agent, request: send } = await connector(url.protocol === 'https:');
  return new Promise((resolve, reject) => {
    const request = send(url, { method: init.method, headers: init.headers, agent, signal: init.signal }, resolve);
    request.on('error', reject);
    const body = init.body;
    if (body === undefined) request.end();
    else if (Buffer.isBuffer(body)) request.end(body);
    else
      pipeline(body, requestSink(request)).catch((error: unknown) => {
        request.destroy(error as Error);
        reject(error);
      });
  });
}

/**
 * One HTTP exchange over node:http / node:https; a redirect is returned as it is. An answer without
 * a body (HEAD, 204, 304) is returned once it ended, so its socket can serve the next request.
 */
export const nodeTransport: Transport = async (url, init) => {
  const message = await once(new URL(url), init);
  const response = new NodeResponse(message, init.method);
  if (!response.body) await ended(message);
  return response;
};

/**
 * A transport over a WHATWG fetch (`redirect: 'manual'`, so redirects come back to the client). Its
 * Response has the shape of {@link HttpResponse}. A streamed body is sent as `duplex: 'half'`.
 */
export function fetchTransport(fetchImpl: typeof fetch = fetch): Transport {
  return async (url, init) => {
    const body =
      init.body === undefined ? undefined : Buffer.isBuffer(init.body) ? init.body : (Readable.toWeb(init.body) as ReadableStream);
    const request: RequestInit & { duplex?: 'half' } = {
      method: init.method,
      headers: init.headers,
      body,
      redirect: 'manual',
      signal: init.signal,
    };
    if (body instanceof ReadableStream) request.duplex = 'half';
    return fetchImpl(new URL(url), request);
  };
}
