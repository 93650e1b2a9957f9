/**
 * Tag → digest, so the migration runs the very image the Deployment will run even if the tag is
 * pushed again meanwhile (seed 001: "the migrator Job's image SHA must always match the Deployment
 * image SHA"). One HEAD on the registry's manifest (OCI Distribution API), with the credentials a
 * `docker login` / amazon-ecr-login left in the Docker config, or an anonymous bearer token.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ActionError, errorMessage, registerSecret } from '@deploy-kit/core';
import type { ImageRef } from './image.js';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

type Fetch = typeof fetch;

export interface ResolveOptions {
  env?: Record<string, string | undefined>;
  fetch?: Fetch;
  timeoutMs?: number;
}

/** Basic credentials for a registry from $DOCKER_CONFIG/config.json (or ~/.docker/config.json). */
export function dockerConfigAuth(registry: string, env: Record<string, string | undefined> = process.env): string | undefined {
  const dir = env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
  let config: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
  try {
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const hosts = registry === 'docker.io' ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io'] : [registry, `https://${registry}`, `http://${registry}`];
  for (const host of hosts) {
    const entry = config.auths?.[host];
    if (!entry) continue;
    const auth = entry.auth ?? (entry.username !== undefined ? Buffer.from(`${entry.username}:${entry.password ?? ''}`).toString('base64') : undefined);
    if (auth) {
      registerSecret(auth);
      const decoded = Buffer.from(auth, 'base64').toString();
      registerSecret(decoded.slice(decoded.indexOf(':') + 1));
      return auth;
    }
  }
  return undefined;
}

function isLoopback(registry: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme, ...rest] = header.trim().split(' ');
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2];
  return { scheme: scheme.toLowerCase(), params };
}

export async function resolveDigest(ref: ImageRef, options: ResolveOptions = {}): Promise<string> {
  if (ref.digest) return ref.digest;
  const doFetch = options.fetch ?? fetch;
  const host = ref.registry === 'docker.io' ? 'registry-1.docker.io' : ref.registry;
  const url = `${isLoopback(ref.registry) ? 'http' : 'https'}://${host}/v2/${ref.repository}/manifests/${ref.tag ?? 'latest'}`;
  const basic = dockerConfigAuth(ref.registry, options.env);
  const signal = () => AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const fail = (why: string, cause?: unknown) =>
    new ActionError(`Could not resolve ${ref.raw} to a digest`, {
      why,
      check: [
        'pass the image by digest (`…@sha256:…`), e.g. push-artifacts\' `digests` output, so nothing needs resolving',
        'or log in to the registry first (docker login / aws-actions/amazon-ecr-login) so the tag can be read',
      ],
      cause,
    });
  try {
    let response = await doFetch(url, { method: 'HEAD', headers: { Accept: ACCEPT, ...(basic ? { Authorization: `Basic ${basic}` } : {}) }, signal: signal() });
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
      if (challenge.scheme === 'bearer' && challenge.params.realm) {
        const tokenUrl = new URL(challenge.params.realm);
        if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
        tokenUrl.searchParams.set('scope', challenge.params.scope ?? `repository:${ref.repository}:pull`);
        const tokenResponse = await doFetch(tokenUrl, { headers: basic ? { Authorization: `Basic ${basic}` } : {}, signal: signal() });
        if (!tokenResponse.ok) throw fail(`the registry's token service answered ${tokenResponse.status}`);
        const body = (await tokenResponse.json()) as { token?: string; access_token?: string };
        const token = body.token ?? body.access_token;
        if (!token) throw fail('the registry\'s token service returned no token');
        registerSecret(token);
        response = await doFetch(url, { method: 'HEAD', headers: { Accept: ACCEPT, Authorization: `Bearer ${token}` }, signal: signal() });
      }
    }
    if (response.status === 404) throw fail(`the registry has no tag "${ref.tag}" in ${ref.repository} (404)`);
    if (response.status === 401 || response.status === 403) throw fail(`the registry refused access (${response.status})`);
    if (!response.ok) throw fail(`the registry answered ${response.status} ${response.statusText}`);
    const digest = response.headers.get('docker-content-digest');
    if (!digest || !/^sha256:[a-f0-9]{64}$/.test(digest)) throw fail('the registry sent no Docker-Content-Digest header');
    return digest;
  } catch (error) {
    if (error instanceof ActionError) throw error;
    throw fail(`the registry at ${host} could not be reached: ${errorMessage(error)}`, error);
  }
}
