/**
 * `require-staging: deployment`: the evidence that the release candidate a production release
 * promotes ran in staging. Reads the staging deployments newest first (at most MAX_PAGES pages),
 * the statuses of those that record the rc only, stopping at the newest that succeeded; then asks ECR
 * for each image it recorded, by digest, and for the rc tag the promotion copies. The decisions are
 * evidence.ts'; the services are injected (main.ts gives the GitHub and ECR clients).
 */
import { ActionError } from '@deploy-kit/core';

import { type Judged, type ImageLookup, deploymentOutcome, judgeImages, judgeStagingDeployments, recordsTag } from './evidence.js';
import { type DeploymentRecords, type ImageStore, MAX_PAGES, PAGE_SIZE } from './records.js';

/** The services the evidence needs, created on first use (a tag-only gate needs neither a token nor AWS). */
export interface EvidenceServices {
  records(): Promise<DeploymentRecords>;
  images(): Promise<ImageStore>;
}

export interface StagingEvidence {
  environment: string;
  deployment: number;
  /** `image` → the digest staging ran (and the promotion copies). */
  digests: Record<string, string>;
  /** GitHub API requests made. */
  requests: number;
}

/** The deployments of `environment` that record `tag`, newest first, each with how it ended; stops at the first success. */
export async function findRecordedDeployments(
  records: DeploymentRecords,
  environment: string,
  tag: string,
  stopAtSuccess: boolean,
): Promise<{ judged: Judged[]; scanned: number }> {
  const judged: Judged[] = [];
  let scanned = 0;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const deployments = await records.list(environment, page);
    for (const deployment of deployments) {
      scanned++;
      if (!recordsTag(deployment, tag)) continue;
      const ended = deploymentOutcome(await records.statuses(deployment.id));
      judged.push({ deployment, ended });
      if (stopAtSuccess && ended.outcome === 'success') return { judged, scanned };
    }
    if (deployments.length < PAGE_SIZE) break;
  }
  return { judged, scanned };
}

/** The recorded images, each looked up by its digest and, when there, by the rc tag. */
export async function lookUpImages(
  store: ImageStore,
  images: ReadonlyArray<{ image: string; digest: string | null }>,
  tag: string | undefined,
): Promise<ImageLookup[]> {
  const lookups: ImageLookup[] = [];
  for (const image of images) {
    const found = image.digest ? await store.digestOf(image.image, { digest: image.digest }) : undefined;
    const lookup: ImageLookup = { image: { service: '', tags: [], ...image }, found };
    if (found !== undefined && tag !== undefined) lookup.tagDigest = await store.digestOf(image.image, { tag });
    lookups.push(lookup);
  }
  return lookups;
}

export async function checkStagingEvidence(
  production: string,
  rc: string,
  environment: string,
  services: EvidenceServices,
): Promise<StagingEvidence> {
  const records = await services.records();
  const { judged, scanned } = await findRecordedDeployments(records, environment, rc, true);
  const verdict = judgeStagingDeployments(production, rc, environment, judged, scanned);
  if (!verdict.ok) throw new ActionError(verdict.refusal);
  const lookups = await lookUpImages(await services.images(), verdict.images, rc);
  const refusal = judgeImages(production, rc, verdict.deployment.id, lookups);
  if (refusal !== undefined) throw new ActionError(refusal);
  return {
    environment,
    deployment: verdict.deployment.id,
    digests: Object.fromEntries(verdict.images.map((i) => [i.image, i.digest!])),
    requests: records.requests,
  };
}
