/**
 * The few Kubernetes API calls migrate-job makes, over node:http(s): JSON requests, watch streams
 * (newline-delimited events) and a pod's log stream. Errors carry the HTTP status and the server's
 * Status body, so kube.ts can say which verb on which resource was refused and retry only what is
 * transient. A 401 drops cached exec credentials and tries once more, as client-go does.
 */
import { STATUS_CODES, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Writable } from 'node:stream';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestSignal } from '@deploy-kit/core';
import type { Credentials } from './credentials.js';

/** An HTTP error answer from the API server (`code`/`body` as client-node's ApiException has them). */
export class KubeApiError extends Error {
  readonly code: number;
  readonly statusCode: number;
  constructor(
    status: number,
    readonly body: string,
    readonly headers: Record<string, string | string[] | undefined>,
    what: string,
  ) {
    // A body that is JSON but not a Status is still quoted: it is all there is to say.
    const detail = statusMessage(body) ?? body.trim().slice(0, 300);
    super(`${STATUS_CODES[status] ?? `HTTP ${status}`} from ${what}${detail ? `: ${detail}` : ''}`);
    this.name = 'KubeApiError';
    this.code = status;
    this.statusCode = status;
  }
}

/**
 * What an error body says: a Status object's message, or the start of a body that is not JSON;
 * undefined for an empty body or JSON without a message.
 */
export function statusMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed?.message === 'string' ? parsed.message : undefined;
  } catch {
    return body.trim().slice(0, 300) || undefined;
  }
}

/** The collection URL of a namespaced resource migrate-job uses (jobs in batch/v1, the rest in core v1). */
export function collectionPath(namespace: string, resource: 'jobs' | 'pods' | 'events' | 'secrets' | 'configmaps'): string {
  return `${resource === 'jobs' ? '/apis/batch/v1' : '/api/v1'}/namespaces/${encodeURIComponent(namespace)}/${resource}`;
}

/**
 * A request that got no answer within this long fails (and is retried by the caller): a JSON request
 * must be complete within it; a watch or a log follow must get its headers within it (their streams
 * then run as long as the wait needs them, and the wait is bounded by the step's deadline).
 */
export const REQUEST_TIMEOUT_MS = DEFAULT_REQUEST_TIMEOUT_MS;

/**
 * The step's timeout ran out (or the run was cancelled) while a request waited: not the API server's
 * fault, and never retried.
 */
export class DeadlineError extends Error {
  readonly code = 'EDEADLINE';
  constructor(host: string) {
    super(`the step's timeout ran out while waiting for ${host}`);
    this.name = 'DeadlineError';
  }
}

export interface WatchEvent {
  type: string;
  object: unknown;
}

export class KubeApi {
  /**
   * `deadline`: the step's deadline; every JSON request and every stream's first answer ends with it
   * (a DeadlineError). `timeoutMs`: the per-request limit (tests shorten it).
   */
  constructor(
    readonly server: string,
    private readonly credentials: Credentials,
    private readonly options: { deadline?: AbortSignal; timeoutMs?: number } = {},
  ) {}

  private url(path: string, query: Record<string, string | number | boolean | undefined> = {}): URL {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    return url;
  }

  /** Opens a request and resolves with the response once its headers are in; a 401 is retried once with renewed credentials. */
  private async open(
    method: string,
    url: URL,
    options: { body?: string; stream?: boolean; signal?: AbortSignal; accept?: string },
    retried = false,
  ): Promise<IncomingMessage> {
    const { agent, headers } = await this.credentials.prepare();
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const timeoutMs = this.options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const deadline = this.options.deadline;
    if (deadline?.aborted) throw new DeadlineError(url.host);
    // A JSON request as a whole (body included) within the limit; a stream only until its headers arrive.
    const own = options.stream ? undefined : requestSignal(timeoutMs, deadline);
    const signal = options.stream ? options.signal : own;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(url, {
        method,
        agent,
        headers: {
          ...headers,
          accept: options.accept ?? 'application/json',
          'user-agent': 'deploy-kit-migrate-job',
          ...(options.body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) } : {}),
        },
        signal,
      });
      const timedOut = () => Object.assign(new Error(`no answer from ${url.host} within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' });
      let headersTimer: NodeJS.Timeout | undefined;
      const onDeadline = () => request.destroy(new DeadlineError(url.host));
      if (options.stream) {
        headersTimer = setTimeout(() => request.destroy(timedOut()), timeoutMs);
        deadline?.addEventListener('abort', onDeadline, { once: true });
      }
      const settle = () => {
        clearTimeout(headersTimer);
        deadline?.removeEventListener('abort', onDeadline);
      };
      request.once('response', (answer) => {
        settle();
        resolve(answer);
      });
      request.once('error', (error) => {
        settle();
        // Name the limit that ended the request: ours (retried by the caller) or the step's (never retried).
        if (own?.aborted) reject(deadline?.aborted ? new DeadlineError(url.host) : timedOut());
        else reject(error);
      });
      request.end(options.body);
    });
    if (response.statusCode === 401 && !retried && this.credentials.invalidate()) {
      response.resume();
      return this.open(method, url, options, true);
    }
    return response;
  }

  private static async text(response: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** A JSON request; a non-2xx answer throws KubeApiError. */
  async request<T>(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT',
    path: string,
    options: { query?: Record<string, string | number | boolean | undefined>; body?: unknown; accept?: string } = {},
  ): Promise<T> {
    const url = this.url(path, options.query);
    const response = await this.open(method, url, {
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      accept: options.accept,
    });
    let text: string;
    try {
      text = await KubeApi.text(response);
    } catch (error) {
      // The request's limit ended it while the body was still coming.
      if (this.options.deadline?.aborted) throw new DeadlineError(url.host);
      if ((error as Error)?.name === 'AbortError')
        throw Object.assign(
          new Error(`no complete answer from ${url.host} within ${(this.options.timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000} s`),
          { code: 'ETIMEDOUT' },
        );
      throw error;
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw new KubeApiError(status, text, response.headers, `${method} ${url.pathname}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * A watch from `resourceVersion`: resolves once the server accepted it (a refusal rejects with its
   * status), then calls `onEvent` per event and `onEnd` once when the stream ends, with the error if
   * it broke (not when it was aborted through the returned controller).
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (event: WatchEvent) => void,
    onEnd: (error?: unknown) => void,
  ): Promise<AbortController> {
    const controller = new AbortController();
    const url = this.url(path, { watch: true, ...query });
    const response = await this.open('GET', url, { stream: true, signal: controller.signal });
    if (response.statusCode !== 200)
      throw new KubeApiError(response.statusCode ?? 0, await KubeApi.text(response), response.headers, `GET ${url.pathname} (watch)`);
    let buffered = '';
    let ended = false;
    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      if (!controller.signal.aborted) onEnd(error);
    };
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          response.destroy();
          end(new Error(`the watch on ${url.pathname} sent a line that is not JSON`));
          return;
        }
        onEvent(event);
      }
    });
    response.once('end', () => end());
    response.once('error', (error) => end(error));
    response.once('close', () => end(response.complete ? undefined : new Error(`the watch on ${url.pathname} was cut`)));
    return controller;
  }

  /**
   * A container's log written to `out` as it comes, `out` ended when the stream ends (the container
   * exited, or the stream was cut or aborted). Resolves once the server accepted the request.
   */
  async log(namespace: string, pod: string, container: string, out: Writable, options: { follow: boolean }): Promise<AbortController> {
    const controller = new AbortController();
    const url = this.url(`${collectionPath(namespace, 'pods')}/${encodeURIComponent(pod)}/log`, {
      container,
      follow: options.follow || undefined,
    });
    const response = await this.open('GET', url, { stream: true, signal: controller.signal, accept: '*/*' });
    if (response.statusCode !== 200)
      throw new KubeApiError(response.statusCode ?? 0, await KubeApi.text(response), response.headers, `GET ${url.pathname}`);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      out.end();
    };
    response.on('data', (chunk: Buffer) => out.write(chunk));
    response.once('end', finish);
    response.once('error', finish);
    response.once('close', finish);
    return controller;
  }
}
