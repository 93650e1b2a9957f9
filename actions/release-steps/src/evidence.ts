/**
 * What counts as evidence from the deployment records, pure: how a deployment ended (its statuses),
 * whether a release candidate had a successful deployment to staging (the gate's `require-staging:
 * deployment`), and whether the images that deployment recorded are still in the registry by digest,
 * with the tag the promotion copies still on that digest. Every refusal says what is missing and how
 * to fix it (release/README.md "The release gate").
 */
import { type DeployedImage, versionOfTag } from '@deploy-kit/core';

import type { RecordedDeployment, RecordedStatus } from './records.js';

export type Outcome = 'success' | 'failure' | 'error' | 'in_progress' | 'none';

export interface Ended {
  outcome: Outcome;
  /** When the deciding status was created ('' without one). */
  at: string;
  description: string;
}

const RUNNING = new Set(['in_progress', 'queued', 'pending']);

/**
 * How a deployment ended, from its statuses (newest first): the newest status that is not
 * `inactive` decides. `inactive` is what `auto_inactive` gives an earlier `success` when a newer
 * deployment of the environment succeeds: it means "superseded", not "failed", so a deployment whose
 * latest status is `inactive` after a `success` still succeeded. A `failure` or `error` after a
 * `success` (a later verification failed, someone marked it) counts against it.
 */
export function deploymentOutcome(statuses: readonly RecordedStatus[]): Ended {
  for (const status of statuses) {
    if (status.state === 'inactive') continue;
    const outcome: Outcome =
      status.state === 'success' || status.state === 'failure' || status.state === 'error'
        ? status.state
        : RUNNING.has(status.state)
          ? 'in_progress'
          : 'none';
    return { outcome, at: status.createdAt, description: status.description };
  }
  return { outcome: 'none', at: '', description: '' };
}

/** A deploy-kit deployment records `tag`: its payload names that tag, or the same bare version. */
export function recordsTag(deployment: RecordedDeployment, tag: string): boolean {
  const payload = deployment.payload;
  if (!payload) return false;
  return payload.tag === tag || (payload.version !== '' && payload.version === versionOfTag(tag));
}

export interface Judged {
  deployment: RecordedDeployment;
  ended: Ended;
}

export type StagingVerdict = { ok: true; deployment: RecordedDeployment; images: DeployedImage[] } | { ok: false; refusal: string };

const HOW_TO_FIX = (rc: string, environment: string) =>
  `deploy ${rc} to ${environment} (its release records the deployment), or set require-staging: tag to gate on the rc tag alone`;

function ended(judged: Judged): string {
  const { outcome, at, description } = judged.ended;
  const when = at ? ` at ${at}` : '';
  const why = description ? `: ${description}` : '';
  if (outcome === 'in_progress') return `is still in progress (since${when || ' an unknown time'})`;
  if (outcome === 'none') return 'has no status';
  return `ended ${outcome}${when}${why}`;
}

/**
 * The staging deployment that lets `rc` go to production: among the deployments of `environment`
 * that record `rc` (newest first, each with how it ended), the newest that succeeded; it must have
 * recorded every image by digest. Otherwise a refusal naming the newest attempt and the fix.
 */
export function judgeStagingDeployments(
  production: string,
  rc: string,
  environment: string,
  judged: readonly Judged[],
  scanned: number,
): StagingVerdict {
  const prefix = `Production release ${production} is blocked: ${rc} has no successful deployment to ${environment}`;
  if (judged.length === 0) {
    return {
      ok: false,
      refusal: `${prefix} (none of the ${scanned} newest ${environment} deployments of this repository records ${rc}); ${HOW_TO_FIX(rc, environment)}.`,
    };
  }
  const success = judged.find((j) => j.ended.outcome === 'success');
  if (!success) {
    const newest = judged[0]!;
    const others = judged.length > 1 ? `, and ${judged.length - 1} earlier one${judged.length > 2 ? 's' : ''} did not succeed either` : '';
    return {
      ok: false,
      refusal: `${prefix} (its deployment ${newest.deployment.id} ${ended(newest)}${others}); ${HOW_TO_FIX(rc, environment)}.`,
    };
  }
  const { deployment } = success;
  const images = deployment.payload?.images ?? [];
  if (images.length === 0) {
    return {
      ok: false,
      refusal: `Production release ${production} is blocked: deployment ${deployment.id} of ${rc} to ${environment} recorded no images, so the digests production must run are unknown; record the images (record-deployment's \`images\` and \`artifacts\`) when deploying ${rc}, or set require-staging: tag.`,
    };
  }
  const unknown = images.filter((i) => i.digest === null).map((i) => i.image);
  if (unknown.length > 0) {
    return {
      ok: false,
      refusal: `Production release ${production} is blocked: deployment ${deployment.id} of ${rc} to ${environment} recorded no digest for ${unknown.join(', ')}; record push-artifacts' \`json\` as record-deployment's \`artifacts\` when deploying ${rc}, or set require-staging: tag.`,
    };
  }
  return { ok: true, deployment, images };
}

/** What the registry holds for one recorded image: the digest found by digest, and the digest `tag` names now. */
export interface ImageLookup {
  image: DeployedImage;
  /** The recorded digest, when the registry has it; undefined when it does not. */
  found: string | undefined;
  /** The digest the tag the promotion copies names now (undefined: no such tag); not asked when `found` is undefined. */
  tagDigest?: string | undefined;
}

/** The recorded images the registry no longer has by digest, and those `tag` no longer names, as text. */
export function imageProblems(tag: string, lookups: readonly ImageLookup[]): { missing: string[]; moved: string[] } {
  return {
    missing: lookups.filter((l) => l.found === undefined).map((l) => `${l.image.image}@${l.image.digest}`),
    moved: lookups
      .filter((l) => l.found !== undefined && l.tagDigest !== l.image.digest)
      .map(
        (l) =>
          `${l.image.image}:${tag} ${l.tagDigest ? `now names ${l.tagDigest}` : 'no longer exists'}, the deployment ran ${l.image.digest}`,
      ),
  };
}

/**
 * Every recorded image must still be in the registry by its digest, and `tag` (what push-artifacts
 * promotes from) must still name that digest there, so the promotion copies exactly what staging ran.
 * undefined when all hold, else the refusal.
 */
export function judgeImages(production: string, rc: string, deploymentId: number, lookups: readonly ImageLookup[]): string | undefined {
  const { missing, moved } = imageProblems(rc, lookups);
  if (missing.length > 0) {
    return `Production release ${production} is blocked: the images deployment ${deploymentId} recorded for ${rc} are gone from the registry: ${missing.join(', ')} (deleted by hand or by a lifecycle policy?); release a new rc to staging, or set require-staging: tag.`;
  }
  if (moved.length > 0) {
    return `Production release ${production} is blocked: the tag it promotes from does not name what staging ran (${moved.join('; ')}); put the tag back on the recorded digest, or give promote-from the digest.`;
  }
  return undefined;
}
