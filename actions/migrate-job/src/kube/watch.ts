/**
 * A list-then-watch of one resource that survives disconnects, as client-go's reflector: it resumes
 * from the last resourceVersion it saw, relists only when the server says that version is gone (410),
 * backs off while the server is unreachable or failing, and gives up only on a refusal (401, 403), our
 * own credentials failing or the step's deadline (onFatal).
 */
import { errorMessage, runner as core, sleep } from '@deploy-kit/core';
import { endsWatch, isCredentialFailure, statusCode } from './errors.js';
import type { KubeApi } from './kubeapi.js';

export interface WatchStats {
  watches: number;
  reconnects: number;
  lists: number;
}

/**
 * A list-then-watch of one resource that survives disconnects: it resumes from the last
 * resourceVersion it saw and relists only when the server says that version is gone (410).
 */
export class ResourceWatch<T = unknown> {
  private controller?: AbortController;
  private stopped = false;
  private resourceVersion = '';
  private failures = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly path: string,
    private readonly query: Record<string, string>,
    private readonly list: () => Promise<{ items: T[]; resourceVersion: string }>,
    private readonly onObject: (type: string, object: T) => void,
    private readonly onFatal: (error: unknown) => void,
    private readonly stats: WatchStats,
    private readonly label: string,
  ) {}

  /** Lists and watches. Refusals (401, 403, other 4xx) throw; an unreachable or failing server is retried until stopped. */
  async start(): Promise<void> {
    try {
      await this.relist();
    } catch (error) {
      const status = statusCode(error);
      if ((status !== undefined && status < 500 && status !== 410 && status !== 429) || isCredentialFailure(error)) throw error;
      core.debug(`watch ${this.label}: first list failed (${errorMessage(error)}); retrying`);
      this.failures++;
      void this.reconnect(error);
    }
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    const result = await this.list();
    for (const item of result.items) this.onObject('LISTED', item);
    this.resourceVersion = result.resourceVersion;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.stats.watches++;
    this.controller = await this.api.watch(
      this.path,
      { ...this.query, resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
      ({ type, object }) => {
        if (type === 'ERROR') {
          const code = (object as { code?: number })?.code;
          if (code === 410) this.resourceVersion = '';
          return;
        }
        this.failures = 0;
        const version = (object as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
        if (version) this.resourceVersion = version;
        if (type !== 'BOOKMARK') this.onObject(type, object as T);
      },
      (error) => void this.reconnect(error),
    );
  }

  private async reconnect(error: unknown): Promise<void> {
    if (this.stopped) return;
    this.stats.reconnects++;
    if (endsWatch(error)) {
      this.onFatal(error);
      return;
    }
    if (error) this.failures++;
    core.debug(
      `watch ${this.label} ended (${error ? errorMessage(error) : 'closed by the server'}); resuming from resourceVersion ${this.resourceVersion || '(relist)'}`,
    );
    if (this.failures > 0) await sleep(Math.min(5_000, 250 * 2 ** Math.min(this.failures, 5)));
    if (this.stopped) return;
    try {
      if (!this.resourceVersion || statusCode(error) === 410) await this.relist();
      else await this.connect();
    } catch (relistError) {
      // Refused, or our own credentials failed (an exec plugin that cannot renew an expired token): retrying won't help.
      if (endsWatch(relistError)) {
        this.onFatal(relistError);
        return;
      }
      // The API server may be restarting: keep trying until the overall deadline stops us.
      core.debug(`watch ${this.label}: ${errorMessage(relistError)}`);
      this.failures++;
      void this.reconnect(relistError);
    }
  }

  /** No more events are wanted and nothing reconnects; the request itself is closed by `stop` (or the process exit). */
  halt(): void {
    this.stopped = true;
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }
}
