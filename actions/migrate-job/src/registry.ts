/**
 * Tag → digest, so the migration runs the very image the Deployment will run even if the tag is
 * pushed again meanwhile (seed 001: "the migrator Job's image SHA must always match the Deployment
 * image SHA"). One HEAD on the registry's manifest (OCI Distribution API), with the credentials a
 * `docker login` / amazon-ecr-login left in the Docker config, or an anonymous bearer token.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ActionError, credentialTransportProblem, errorMessage, isLoopbackHost, registerSecret, safeUrl } from '@deploy-kit/core';
import { NetworkError, boundedFetch, readBody } from './network.js';
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
  /** How long each request may wait for an answer (default 30 s). */
  timeoutMs?: number;
  /** The step's deadline and cancellation: no request outlives it. */
  signal?: AbortSignal;
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

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme, ...rest] = header.trim().split(' ');
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2];
  return { scheme: scheme.toLowerCase(), params };
}

/** The registry's API host: Docker Hub's images are served by registry-1.docker.io. */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** https, or plain http for a loopback registry (a local test registry speaks plain http). */
export function manifestUrl(ref: ImageRef): string {
  const host = registryApiHost(ref.registry);
  return `${isLoopbackHost(host) ? 'http' : 'https'}://${host}/v2/${ref.repository}/manifests/${ref.tag ?? 'latest'}`;
}

/**
 * Tag → digest with one HEAD. Where credentials go (SECURITY.md): the docker config's Basic
 * credentials for registry R are sent to R itself and to the token service (realm) R names, and to
 * the realm only over https (plain http for loopback only): a realm on plain http is refused, as
 * push-artifacts refuses it. The bearer token the realm returns goes to R only. A redirect never
 * carries either to another host. Each request must answer within 30 s and ends at the step's
 * deadline (`signal`).
 */
export async function resolveDigest(ref: ImageRef, options: ResolveOptions = {}): Promise<string> {
  if (ref.digest) return ref.digest;
  const host = registryApiHost(ref.registry);
  const url = manifestUrl(ref);
  const basic = dockerConfigAuth(ref.registry, options.env);
  const limits = { outer: options.signal, answerMs: options.timeoutMs, fetch: options.fetch };
  const fail = (why: string, cause?: unknown, check: string[] = []) =>
    new ActionError(`Could not resolve ${ref.raw} to a digest`, {
      why,
      check: [
        ...check,
        'pass the image by digest (`…@sha256:…`), e.g. push-artifacts\' `digests` output, so nothing needs resolving',
        'or log in to the registry first (docker login / aws-actions/amazon-ecr-login) so the tag can be read',
      ],
      cause,
    });
  let stage = `the registry ${url}`;
  try {
    const head = (authorization?: string) =>
      boundedFetch(url, { ...limits, method: 'HEAD', headers: { accept: ACCEPT }, credentials: authorization ? { host, headers: { authorization } } : undefined });
    let answer = await head(basic ? `Basic ${basic}` : undefined);
    answer.done();
    let response = answer.response;
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
      if (challenge.scheme === 'bearer' && challenge.params.realm) {
        let tokenUrl: URL;
        try {
          tokenUrl = new URL(challenge.params.realm);
        } catch {
          throw fail(`the registry named the token service "${challenge.params.realm}", which is not a URL`);
        }
        const problem = credentialTransportProblem(tokenUrl);
        if (problem) {
          throw new ActionError(`Refused to ask the token service of ${host} for a token${basic ? ' with the registry login from the Docker config' : ''}`, {
            why: `the registry names ${safeUrl(tokenUrl.toString())} as its token service (realm), and ${problem}`,
            check: [`the registry ${host} is the one you meant (a registry that sends logins to plain http is misconfigured or not genuine)`, 'pass the image by digest (`…@sha256:…`) so nothing needs resolving'],
          });
        }
        if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
        tokenUrl.searchParams.set('scope', challenge.params.scope ?? `repository:${ref.repository}:pull`);
        stage = `the registry's token service ${safeUrl(tokenUrl.toString())}`;
        // The realm is the one other place R's login may go: bound to the realm's own host, over https.
        const tokenAnswer = await boundedFetch(tokenUrl.toString(), { ...limits, credentials: basic ? { host: tokenUrl.host, headers: { authorization: `Basic ${basic}` } } : undefined });
        if (!tokenAnswer.response.ok) {
          tokenAnswer.done();
          throw fail(`the registry's token service answered ${tokenAnswer.response.status}`);
        }
        const raw = (await readBody(tokenAnswer, { maxBytes: 1024 * 1024 })).toString('utf8');
        let body: { token?: string; access_token?: string };
        try {
          body = JSON.parse(raw) as typeof body;
        } catch {
          throw fail('the registry\'s token service answered with something that is not JSON');
        }
        const token = body.token ?? body.access_token;
        if (!token) throw fail('the registry\'s token service returned no token');
        registerSecret(token);
        stage = `the registry ${url}`;
        answer = await head(`Bearer ${token}`);
        answer.done();
        response = answer.response;
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
    const reason = error instanceof NetworkError ? error.reason : errorMessage(error);
    throw fail(`${stage} could not be reached: ${reason}`, error, [`the runner can reach ${host} (the registry's address, a firewall, a VPN)`]);
  }
}
