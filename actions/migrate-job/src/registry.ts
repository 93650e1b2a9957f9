/**
 * Tag → digest, so the migration runs the very image the Deployment will run even if the tag is
 * pushed again meanwhile (seed 001: "the migrator Job's image SHA must always match the Deployment
 * image SHA"). One HEAD on the registry's manifest through core's registry client, with the login a
 * `docker login` / amazon-ecr-login left in the Docker config, or an anonymous bearer token; this
 * module only words the failures for migrate-job's users.
 *
 * Where credentials go (SECURITY.md, enforced by the client): the docker config's login for registry
 * R is sent to R itself and to the token service (realm) R names, and to the realm only over https
 * (plain http for loopback only): a realm on plain http is refused. The bearer token the realm returns
 * goes to R only. A redirect never carries either to another host. Each request must answer within
 * 30 s and ends at the step's deadline (`signal`); a lookup is not retried.
 */
import { ActionError, DEFAULT_REQUEST_TIMEOUT_MS, errorMessage, formatDuration, safeUrl } from '@deploy-kit/core';
import { networkFailure, readDockerConfigLogin, registryApiHost, registryBaseUrl, type ImageReference } from '@deploy-kit/core/oci';
import {
  RegistryClient,
  RegistryError,
  RegistryProtocolError,
  RegistryTransportError,
  TokenServiceRefused,
  TokenServiceUnreachable,
} from '@deploy-kit/core/oci/client';
import { fetchTransport } from '@deploy-kit/core/oci/transport';
import { networkReason, transportProblem } from './network.js';

export interface ResolveOptions {
  env?: Record<string, string | undefined>;
  /** A WHATWG fetch to speak through (tests); default: core's node:http transport. */
  fetch?: typeof fetch;
  /** How long each request may wait for an answer (default 30 s). */
  timeoutMs?: number;
  /** The step's deadline and cancellation: no request outlives it. */
  signal?: AbortSignal;
}

/** The manifest URL of a reference (https, or plain http for a loopback registry), as messages name it. */
export function manifestUrl(ref: ImageReference): string {
  return `${registryBaseUrl(registryApiHost(ref.registry))}/v2/${ref.repository}/manifests/${ref.tag ?? 'latest'}`;
}

/** Tag → digest with one HEAD (see the module header for where the login goes). */
export async function resolveDigest(ref: ImageReference, options: ResolveOptions = {}): Promise<string> {
  if (ref.digest) return ref.digest;
  const host = registryApiHost(ref.registry);
  const url = manifestUrl(ref);
  const login = readDockerConfigLogin(ref.registry, options.env);
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const client = new RegistryClient({
    baseUrl: registryBaseUrl(host),
    credentials: login && { ...login, tokenServiceElsewhere: true },
    fetch: options.fetch ? fetchTransport(options.fetch) : undefined,
    timeoutMs,
    signal: options.signal,
    retry: { attempts: 1 },
    probe: false,
    access: 'pull',
  });
  const fail = (why: string, cause?: unknown, check: string[] = []) =>
    new ActionError(`Could not resolve ${ref.raw} to a digest`, {
      why,
      check: [
        ...check,
        "pass the image by digest (`…@sha256:…`), e.g. push-artifacts' `digests` output, so nothing needs resolving",
        'or log in to the registry first (docker login / aws-actions/amazon-ecr-login) so the tag can be read',
      ],
      cause,
    });
  let head;
  try {
    head = await client.headManifest(ref.repository, ref.tag ?? 'latest');
  } catch (error) {
    if (error instanceof TokenServiceRefused) {
      throw new ActionError(
        `Refused to ask the token service of ${host} for a token${login ? ' with the registry login from the Docker config' : ''}`,
        {
          why: `the registry names ${safeUrl(error.realm.toString())} as its token service (realm), and ${error.problem}`,
          check: [
            `the registry ${host} is the one you meant (a registry that sends logins to plain http is misconfigured or not genuine)`,
            'pass the image by digest (`…@sha256:…`) so nothing needs resolving',
          ],
        },
      );
    }
    if (error instanceof RegistryError && error.from === 'token service')
      throw fail(`the registry's token service answered ${error.status}`, error);
    if (error instanceof RegistryError && error.status === 404)
      throw fail(`the registry has no tag "${ref.tag}" in ${ref.repository} (404)`, error);
    if (error instanceof RegistryError && (error.status === 401 || error.status === 403))
      throw fail(`the registry refused access (${error.status})`, error);
    if (error instanceof RegistryError) throw fail(`the registry answered ${error.status}`, error);
    if (error instanceof RegistryProtocolError) throw fail(error.message, error);
    const stage =
      error instanceof TokenServiceUnreachable ? `the registry's token service ${safeUrl(error.realm.toString())}` : `the registry ${url}`;
    const cause = error instanceof TokenServiceUnreachable ? error.cause : error;
    let reason: string;
    if (error instanceof RegistryTransportError)
      reason = error.hop === 0 ? error.problem : `it redirected to ${error.url}: ${transportProblem(error.url) ?? error.problem}`;
    else if (options.signal?.aborted) reason = "the step's timeout ran out (or the run was cancelled) while waiting";
    else if (networkFailure(cause) === 'timed out') reason = `no answer within ${formatDuration(timeoutMs)}`;
    else reason = cause === undefined ? errorMessage(error) : networkReason(cause);
    throw fail(`${stage} could not be reached: ${reason}`, error, [
      `the runner can reach ${host} (the registry's address, a firewall, a VPN)`,
    ]);
  }
  if (!head) throw fail(`the registry has no tag "${ref.tag}" in ${ref.repository} (404)`);
  if (!head.digest || !/^sha256:[a-f0-9]{64}$/.test(head.digest)) throw fail('the registry sent no Docker-Content-Digest header');
  return head.digest;
}
