/**
 * The Releases API calls github-release makes, behind one small interface so the flow is tested
 * with a fake. The Octokit implementation goes through core's GitHub client (GITHUB_API_URL; the
 * token bound to that host and GitHub's uploads host for it, over https or loopback; a time limit per
 * request) and retries 5xx, throttling and resets with core's policy; a refusal becomes an
 * ActionError that says what the token needs (`contents: write`).
 */
import { ActionError, errorMessage, httpStatus } from '@deploy-kit/core';
import { type GitHubClient, countedGitHubCalls } from '@deploy-kit/core/github';
import type { RemoteAsset } from './assets.js';

export interface Repository {
  owner: string;
  repo: string;
}

export interface Release {
  id: number;
  html_url: string;
  upload_url: string;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
}

export interface ReleaseFields {
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  make_latest: 'true' | 'false';
}

export interface ReleasesApi {
  readonly requests: number;
  /** The published release of `tag`, or undefined (404). */
  releaseByTag(repository: Repository, tag: string): Promise<Release | undefined>;
  /** A draft release of `tag` among the newest 100 releases (GitHub finds drafts by no tag), or undefined. */
  draftByTag(repository: Repository, tag: string): Promise<Release | undefined>;
  /** Every tag name starting with `prefix`. */
  tags(repository: Repository, prefix: string): Promise<string[]>;
  generateNotes(
    repository: Repository,
    body: { tag_name: string; previous_tag_name?: string; configuration_file_path?: string },
  ): Promise<{ name: string; body: string }>;
  createRelease(repository: Repository, tag: string, fields: ReleaseFields): Promise<Release>;
  updateRelease(repository: Repository, id: number, fields: ReleaseFields): Promise<Release>;
  assets(repository: Repository, releaseId: number): Promise<RemoteAsset[]>;
  deleteAsset(repository: Repository, assetId: number): Promise<void>;
  /** POST to the release's `upload_url` (GitHub's uploads host), filled in for `name`. */
  uploadAsset(url: string, name: string, data: Buffer): Promise<RemoteAsset>;
}

function apiMessage(error: unknown): string {
  const data = (error as { response?: { data?: { message?: unknown; errors?: unknown } } } | null)?.response?.data;
  const errors = Array.isArray(data?.errors)
    ? data.errors
        .map((e: unknown) =>
          e && typeof e === 'object' && 'code' in e ? `${String((e as { field?: unknown }).field ?? '')} ${String(e.code)}` : '',
        )
        .filter(Boolean)
    : [];
  const message = typeof data?.message === 'string' ? data.message : errorMessage(error);
  return errors.length ? `${message} (${errors.join(', ')})` : message;
}

/** A failed call in the user's terms: what failed, why, what the token or the input needs. */
export function describeApiError(what: string, repository: Repository, error: unknown): ActionError {
  if (error instanceof ActionError) return error;
  const status = httpStatus(error);
  const full = `${repository.owner}/${repository.repo}`;
  const check: string[] = [];
  const why = `GitHub answered${status ? ` HTTP ${status}` : ''}: ${apiMessage(error)}`;
  if (status === 401) check.push('`token` is a valid token (an expired or revoked one gives 401).');
  if (status === 403 || status === 404) {
    check.push(
      `The token may write releases in ${full}: \`permissions: contents: write\` for GITHUB_TOKEN, or a fine-grained token with "Contents: Read and write" on it.`,
    );
    check.push('`repository` names the repository the tag is in (default: this one).');
  }
  if (status === 422)
    check.push('The tag exists in the repository, and an asset of that name is not already there (an immutable release cannot change).');
  return new ActionError(`Could not ${what} in ${full}`, { why, check, cause: error });
}

const asAsset = (a: RemoteAsset): RemoteAsset => ({ id: a.id, name: a.name, size: a.size, digest: a.digest ?? null, state: a.state });

export function octokitReleasesApi(client: GitHubClient): ReleasesApi {
  const calls = countedGitHubCalls(client, describeApiError);
  const { call } = calls;
  return {
    get requests() {
      return calls.requests;
    },
    async releaseByTag(repository, tag) {
      try {
        const response = await calls.counted('get release by tag', () =>
          client.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { ...repository, tag }),
        );
        return response.data as Release;
      } catch (error) {
        if (httpStatus(error) === 404) return undefined;
        throw describeApiError(`read the release of ${tag}`, repository, error);
      }
    },
    async draftByTag(repository, tag) {
      const list = await call<Release[]>('list releases', 'list the releases', repository, 'GET /repos/{owner}/{repo}/releases', {
        per_page: 100,
      });
      return list.find((r) => r.draft && r.tag_name === tag);
    },
    async tags(repository, prefix) {
      // One request for every matching tag (matching-refs is not paginated), instead of pages of /tags.
      const refs = await call<Array<{ ref: string }>>(
        'list tags',
        `list the tags ${prefix}*`,
        repository,
        'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
        { ref: `tags/${prefix}` },
      );
      return refs.map((r) => r.ref.replace(/^refs\/tags\//, ''));
    },
    generateNotes(repository, body) {
      return call(
        'generate release notes',
        `generate the release notes of ${body.tag_name}`,
        repository,
        'POST /repos/{owner}/{repo}/releases/generate-notes',
        body,
      );
    },
    createRelease(repository, tag, fields) {
      return call('create release', `create the release of ${tag}`, repository, 'POST /repos/{owner}/{repo}/releases', {
        tag_name: tag,
        ...fields,
      });
    },
    updateRelease(repository, id, fields) {
      return call('update release', `update release ${id}`, repository, 'PATCH /repos/{owner}/{repo}/releases/{release_id}', {
        release_id: id,
        ...fields,
      });
    },
    async assets(repository, releaseId) {
      const all: RemoteAsset[] = [];
      for (let page = 1; ; page++) {
        const list = await call<RemoteAsset[]>(
          'list release assets',
          `list the assets of release ${releaseId}`,
          repository,
          'GET /repos/{owner}/{repo}/releases/{release_id}/assets',
          { release_id: releaseId, per_page: 100, page },
        );
        all.push(...list.map(asAsset));
        if (list.length < 100) return all;
      }
    },
    async deleteAsset(repository, assetId) {
      await call('delete release asset', `delete asset ${assetId}`, repository, 'DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        asset_id: assetId,
      });
    },
    async uploadAsset(url, name, data) {
      const where = /\/repos\/([^/]+)\/([^/]+)\//.exec(new URL(url).pathname);
      const repository = { owner: where?.[1] ?? '', repo: where?.[2] ?? '' };
      try {
        const response = await calls.counted('upload release asset', () =>
          client.request({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/octet-stream', 'content-length': data.length },
            data,
          }),
        );
        return asAsset(response.data as RemoteAsset);
      } catch (error) {
        throw describeApiError(`upload ${name}`, repository, error);
      }
    },
  };
}
