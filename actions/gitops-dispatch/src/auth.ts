/**
 * GitHub App authentication with node:crypto only: an RS256 JWT signed with the App's private key,
 * exchanged for an installation access token of the target owner, scoped to the target
 * repositories and to the permissions a dispatch needs, masked before anything could print it, and
 * revoked when the step ends.
 */
import { type KeyObject, createPrivateKey, createSign } from 'node:crypto';
import { ActionError, InputError, registerSecret } from '@deploy-kit/core';
import type { GitHubApi } from './api.js';
import { explainApiError } from './explain.js';
import type { RepositoryName } from './target.js';

const KEY_FORM =
  "the GitHub App's private key in PEM form (`-----BEGIN RSA PRIVATE KEY-----` … `-----END RSA PRIVATE KEY-----`), e.g. `${{ secrets.APP_PRIVATE_KEY }}`";

/** Secrets pasted through some UIs arrive with literal `\n`; a PEM needs real line breaks. */
export function normalizePrivateKey(raw: string): string {
  let key = raw.trim();
  if (!key.includes('\n') && key.includes('\\n')) key = key.replace(/\\n/g, '\n');
  return key.replace(/\r\n/g, '\n');
}

export function parsePrivateKey(raw: string, inputName = 'private-key'): KeyObject {
  const pem = normalizePrivateKey(raw);
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new InputError(inputName, 'is not a PEM private key', KEY_FORM, raw, { secret: true });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new InputError(inputName, `cannot be read as a private key (${(error as Error).message.split('\n')[0]})`, KEY_FORM, raw, {
      secret: true,
    });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new InputError(inputName, `is a ${key.asymmetricKeyType ?? 'non-RSA'} key; GitHub App keys are RSA`, KEY_FORM, raw, {
      secret: true,
    });
  }
  return key;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * The App JWT: issued 60 s in the past (clock drift), valid 9 minutes (GitHub allows at most 10),
 * `iss` the App ID (a number) or its client ID (a string).
 */
export function createAppJwt(appId: string, key: KeyObject, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000) - 60;
  const payload = { iat, exp: iat + 60 + 9 * 60, iss: /^\d+$/.test(appId) ? Number(appId) : appId };
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key);
  return `${signingInput}.${base64url(signature)}`;
}

/** What a dispatch needs: run workflows and read their files (metadata is implied). */
export const INSTALLATION_PERMISSIONS = { actions: 'write', contents: 'read', metadata: 'read' } as const;

interface Installation {
  id: number;
  app_slug?: string;
  account?: { login?: string } | null;
}

interface InstallationToken {
  token: string;
  expires_at: string;
}

export interface AppAuthDeps {
  /** A client authenticating with a token (an App JWT or an installation token). */
  client(token: string, kind: 'app-jwt' | 'installation', actor?: string): Promise<GitHubApi>;
  now(): number;
  log(message: string): void;
}

export interface AppSession {
  /** The installation client for a target repository. */
  apiFor(repository: RepositoryName): Promise<GitHubApi>;
  /** Revokes every installation token created (failures are returned as messages, not thrown). */
  revoke(): Promise<string[]>;
}

/**
 * One installation token per owner, scoped to all target repositories of that owner. Created on
 * first use; every target is known up front, so the scope is right the first time.
 */
export function appSession(appId: string, key: KeyObject, targets: RepositoryName[], deps: AppAuthDeps): AppSession {
  const byOwner = new Map<string, Promise<GitHubApi>>();
  const issued: GitHubApi[] = [];
  let jwtApi: Promise<GitHubApi> | undefined;
  const appApi = () => (jwtApi ??= deps.client(createAppJwt(appId, key, deps.now()), 'app-jwt'));

  const forOwner = async (repository: RepositoryName): Promise<GitHubApi> => {
    const app = await appApi();
    const repos = [...new Set(targets.filter((t) => t.owner.toLowerCase() === repository.owner.toLowerCase()).map((t) => t.repo))];
    let installation: Installation;
    try {
      installation = (
        await app.call<Installation>(
          `find the GitHub App installation for ${repository.fullName}`,
          'GET /repos/{owner}/{repo}/installation',
          { owner: repository.owner, repo: repository.repo },
        )
      ).data;
    } catch (error) {
      const explained = explainApiError(error, {
        doing: `find the GitHub App's installation on ${repository.fullName}`,
        repository: repository.fullName,
        auth: 'app',
      });
      if ((error as { status?: number }).status === 404) {
        throw new ActionError(`The GitHub App ${appId} is not installed on ${repository.fullName}`, {
          why: 'GitHub has no installation of this App that includes the repository.',
          check: [
            `Install the App on ${repository.owner} and give it access to ${repository.fullName} (Settings → GitHub Apps → Configure → Repository access).`,
            '`app-id` is the App you meant.',
          ],
          cause: error,
        });
      }
      throw explained;
    }
    let token: InstallationToken;
    try {
      token = (
        await app.call<InstallationToken>(
          `create an installation token for ${repository.owner}`,
          'POST /app/installations/{installation_id}/access_tokens',
          {
            installation_id: installation.id,
            repositories: repos,
            permissions: INSTALLATION_PERMISSIONS,
          },
        )
      ).data;
    } catch (error) {
      if ((error as { status?: number }).status === 422) {
        throw new ActionError(`The GitHub App ${appId} cannot get a token for ${repos.map((r) => `${repository.owner}/${r}`).join(', ')}`, {
          why: `GitHub refused the installation token (422 ${(error as Error).message.replace(/ - https?:\/\/\S+$/, '')}).`,
          check: [
            'The App has the repository permissions "Actions: Read and write" and "Contents: Read", and the installation accepted them.',
            `The installation on ${repository.owner} includes every target repository (${repos.join(', ')}).`,
          ],
          cause: error,
        });
      }
      throw explainApiError(error, {
        doing: `create an installation token for ${repository.owner}`,
        repository: repository.fullName,
        auth: 'app',
      });
    }
    registerSecret(token.token);
    deps.log(
      `GitHub App ${installation.app_slug ?? appId}: installation ${installation.id} on ${repository.owner}, token for ${repos.join(', ')} (expires ${token.expires_at})`,
    );
    const api = await deps.client(token.token, 'installation', installation.app_slug ? `${installation.app_slug}[bot]` : undefined);
    issued.push(api);
    return api;
  };

  return {
    apiFor(repository) {
      const owner = repository.owner.toLowerCase();
      let api = byOwner.get(owner);
      if (!api) {
        api = forOwner(repository);
        byOwner.set(owner, api);
      }
      return api;
    },
    async revoke() {
      const problems: string[] = [];
      for (const api of issued) {
        try {
          await api.call('revoke the installation token', 'DELETE /installation/token', {}, { retry: false, cleanup: true });
        } catch (error) {
          problems.push(`Could not revoke an installation token (it expires within an hour anyway): ${(error as Error).message}`);
        }
      }
      issued.length = 0;
      return problems;
    },
  };
}
