/**
 * A registry's failures during a push, as errors that say what failed, why and what to check (the
 * IAM permissions, `create-repositories`, the login that was withheld and why). Pure.
 */
import { ActionError } from '@deploy-kit/core';
import { describeRegistryNetworkError } from '@deploy-kit/core/oci';
import { BlobDigestMismatch, RegistryError, RegistryTransportError, SourceReadError } from '@deploy-kit/core/oci/client';

/** What the push knew about the registry, for its errors. */
export interface RegistryContext {
  host: string;
  url: string;
  /** Why the ECR login was not given to this host (it is bound to another), when that is so. */
  withheld?: string;
}

export function explainRegistryError(error: unknown, registry: RegistryContext, repository: string): unknown {
  const { host } = registry;
  if (error instanceof BlobDigestMismatch) {
    return new ActionError(`Cannot read the image for ${repository}: ${error.message}.`, {
      why: `every blob is hashed as it is sent, and its last bytes go only once it matches its digest: ${host} never received all of it, its upload was cancelled and no manifest was pushed`,
      check: 'build the image again; do not edit files inside the layout or archive',
      cause: error,
    });
  }
  if (error instanceof SourceReadError) {
    return new ActionError(`Push to ${host}/${repository} stopped: ${error.message}.`, {
      check: 'the image files stay in place, unchanged and readable until the step ends',
    });
  }
  if (error instanceof RegistryTransportError) {
    return new ActionError(`Push to ${host}/${repository} stopped: ${error.message}.`, {
      why: 'registries are spoken to over https, plain http only on a loopback host (SECURITY.md)',
      check: 'the registry hands out https URLs (its upload locations and redirects)',
      cause: error,
    });
  }
  const unreachable = describeRegistryNetworkError(error, { what: `Push to ${host}/${repository}`, host, url: registry.url });
  if (unreachable) return unreachable;
  if (!(error instanceof RegistryError)) return error;
  if (error.status === 401 && registry.withheld) {
    return new ActionError(`Push to ${host}/${repository} failed: the registry wants a login and was sent none (HTTP 401).`, {
      why: `${registry.withheld}, so ${host} was asked anonymously`,
      check: [
        'push to the ECR registry the login is for (`<account>.dkr.ecr.<region>.amazonaws.com`), or name a local test registry in `registry`',
        'for another registry, log in with its own credentials in a step of your own (e.g. docker/login-action) and push with them; the ECR password is never sent to it',
      ],
      cause: error,
    });
  }
  if (error.status === 401) {
    return new ActionError(`Push to ${host}/${repository} failed: the registry rejected the login (HTTP 401).`, {
      why: error.message,
      check: [
        'Authentication fails: AWS credentials configured and allowed ecr:GetAuthorizationToken',
        'the registry is the one of this account and region',
      ],
      cause: error,
    });
  }
  if (error.code === 'DIGEST_INVALID') {
    return new ActionError(
      `Push to ${host}/${repository} stopped: the registry refused a blob whose bytes do not match its digest (DIGEST_INVALID).`,
      {
        why: `${error.message}; every blob is hashed as it is sent, so the registry received other bytes than were read (a proxy or the network changed them)`,
        check: 'nothing else writes into the image while this step runs',
        cause: error,
      },
    );
  }
  if (error.status === 403) {
    return new ActionError(`Push to ${host}/${repository} failed: permission denied (HTTP 403).`, {
      why: error.message,
      check:
        'Permission denied: IAM permissions ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage on the repository',
      cause: error,
    });
  }
  if (error.status === 404 && (error.code === 'NAME_UNKNOWN' || /NAME_UNKNOWN|repository/i.test(error.message))) {
    return new ActionError(`Push to ${host}/${repository} failed: repository ${repository} does not exist.`, {
      why: error.message,
      check: ['Repository not found: create it, or set `create-repositories: true`'],
      cause: error,
    });
  }
  if (error.code === 'TAG_INVALID' || /immutable/i.test(error.message)) {
    return new ActionError(`Push to ${host}/${repository} refused: a tag already exists and the repository's tags are immutable.`, {
      why: error.message,
      check: 'the version was not already released from another build',
      cause: error,
    });
  }
  return new ActionError(`Push to ${host}/${repository} failed: ${error.message}`, { cause: error });
}
