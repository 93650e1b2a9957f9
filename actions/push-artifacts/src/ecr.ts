/**
 * ECR: the registry of the caller's account, the login token, repositories, and promotion of an
 * image already in ECR to new tags by digest (BatchGetImage → PutImage), behind a small interface
 * so the logic is tested without AWS. The client (`createEcrApi`, the AWS SDK, loaded lazily) is core's.
 */
import { ActionError } from '@deploy-kit/core';
import { awsErrorName } from '@deploy-kit/core/aws';
import { MEDIA } from '@deploy-kit/core/oci';
import type { EcrApi, EcrImage } from '@deploy-kit/core/ecr';

// The client lives in core (the release gate and the rollback read ECR too); re-exported for this action's modules.
export {
  createEcrApi,
  decodeAuthorizationToken,
  type AwsClientOptions,
  type EcrApi,
  type EcrImage,
  type EcrLogin,
  type EcrRepository,
} from '@deploy-kit/core/ecr';

export interface PromoteRequest {
  repository: string;
  registryId?: string;
  /** Source tag or `sha256:` digest in the same repository. */
  from: string;
  tags: string[];
}

export interface PromoteResult {
  repository: string;
  digest: string;
  mediaType: string;
  tags: Array<{ tag: string; status: 'pushed' | 'unchanged' }>;
}

/** The manifest media type: ECR's field, else the document's own `mediaType`. */
export function manifestMediaType(image: EcrImage): string {
  if (image.mediaType) return image.mediaType;
  try {
    const parsed = JSON.parse(image.manifest) as { mediaType?: unknown };
    if (typeof parsed.mediaType === 'string') return parsed.mediaType;
  } catch {
    /* not JSON: PutImage will say so */
  }
  return MEDIA.dockerManifest;
}

/**
 * Points `tags` at the image `from` names, by digest. A tag already on that digest is success; a
 * tag of an IMMUTABLE repository on another digest is refused before anything changes.
 */
export async function promote(
  api: EcrApi,
  request: PromoteRequest,
  apply: (what: string, effect: () => Promise<void>) => Promise<unknown>,
): Promise<PromoteResult> {
  const { repository, registryId, from } = request;
  const repo = await api.describeRepository(repository, registryId);
  if (!repo) {
    throw new ActionError(`Promote failed: ECR repository "${repository}" does not exist.`, {
      check: [
        'Repository not found: the image was pushed to this repository first (the staging/rc push)',
        'the registry and region are the ones the image was pushed to',
      ],
    });
  }
  const byDigest = from.startsWith('sha256:');
  const source = await api.getImage(repository, byDigest ? { digest: from } : { tag: from }, registryId);
  if (!source) {
    throw new ActionError(`Promote failed: ${repository}:${from} does not exist, so there is nothing to promote.`, {
      why: `ECR has no image ${byDigest ? 'with digest' : 'tagged'} ${from} in ${repository}`,
      check: ['`promote-from` names the tag (or digest) that was tested, e.g. v1.2.3-rc.2', 'that build pushed to this repository'],
    });
  }
  const mediaType = manifestMediaType(source);
  const current = new Map<string, string>();
  for (const tag of request.tags) {
    const image = await api.getImage(repository, { tag }, registryId);
    if (image) current.set(tag, image.digest);
  }
  const conflicts = request.tags.filter((tag) => current.has(tag) && current.get(tag) !== source.digest);
  if (conflicts.length > 0 && repo.mutability !== 'MUTABLE') {
    throw new ActionError(
      `Promote refused: ${repository} has immutable tags and ${conflicts.map((t) => `${t} already points at ${current.get(t)}`).join(', ')}, not ${source.digest}.`,
      {
        why: 'an immutable tag cannot be moved to another image',
        check: ['the version was not already released from another build', 'promote to a new tag, or delete the wrong image deliberately'],
      },
    );
  }
  const tags: PromoteResult['tags'] = [];
  for (const tag of request.tags) {
    if (current.get(tag) === source.digest) {
      tags.push({ tag, status: 'unchanged' });
      continue;
    }
    let unchanged = false;
    await apply(
      `tag ${repository}@${source.digest} as ${tag}${current.has(tag) ? ` (moving it from ${current.get(tag)})` : ''}`,
      async () => {
        try {
          await api.putImage(repository, { tag, manifest: source.manifest, mediaType, digest: source.digest }, registryId);
        } catch (error) {
          const name = awsErrorName(error);
          if (name === 'ImageAlreadyExistsException') {
            unchanged = true;
            return;
          }
          if (name === 'ImageTagAlreadyExistsException') {
            throw new ActionError(`Promote refused: ${repository}:${tag} already exists and the repository's tags are immutable.`, {
              why: (error as Error).message,
              check: 'the version was not already released from another build',
              cause: error,
            });
          }
          throw error;
        }
      },
    );
    tags.push({ tag, status: unchanged ? 'unchanged' : 'pushed' });
  }
  return { repository, digest: source.digest, mediaType, tags };
}
