/**
 * What to do when a Job of the migration's name may already exist, so no migration ever runs twice:
 *
 *   none                                    → create it
 *   ours, same image, Complete              → success, nothing runs again (`already-complete`)
 *   ours, same image, still active          → attach: watch that Job, never start a second one
 *   ours, same image, Failed                → fail with how to retry; with `rerun-failed: true`,
 *                                             delete it and create it anew
 *   ours, being deleted                     → wait for the deletion, then create
 *   another release's Job, or another image → refuse (a name collision, or a re-pushed tag)
 */
import { ANNOTATION_IMAGE, ANNOTATION_RELEASE, ANNOTATION_TAG, CONTAINER_NAME } from './manifest.js';
import { classify, type JobView, type PodView } from './classify.js';

export type Decision =
  | { action: 'create' }
  | { action: 'already-complete'; message: string }
  | { action: 'attach'; message: string }
  | { action: 'recreate'; message: string }
  | { action: 'wait-deleted'; message: string }
  | { action: 'refuse'; message: string; check: string[] };

export interface Desired {
  name: string;
  namespace: string;
  release: string;
  tag: string;
  image: string;
  rerunFailed: boolean;
}

/** The image the existing Job runs: our annotation, else its migration container's image. */
export function existingImage(job: JobView): string | undefined {
  const containers = job.spec?.template?.spec?.containers ?? [];
  return job.metadata?.annotations?.[ANNOTATION_IMAGE] ?? (containers.find((c) => c.name === CONTAINER_NAME) ?? containers[0])?.image;
}

/**
 * `pods` are the existing Job's pods: with `backoffLimit: 0` a pod that failed means the Job has
 * failed, even in the moment before the Job controller records it (a re-run right after a failure
 * must not attach to it as if it were still running).
 */
export function decide(existing: JobView | undefined, desired: Desired, pods: readonly PodView[] = []): Decision {
  if (!existing) return { action: 'create' };
  const where = `Job ${desired.namespace}/${desired.name}`;
  const follow = `kubectl -n ${desired.namespace} get job ${desired.name} -o yaml; kubectl -n ${desired.namespace} logs job/${desired.name}`;
  if (existing.metadata?.deletionTimestamp) {
    return { action: 'wait-deleted', message: `${where} is being deleted; waiting for it to go before creating it again` };
  }
  const annotations = existing.metadata?.annotations ?? {};
  const release = annotations[ANNOTATION_RELEASE];
  if (release === undefined || release !== desired.release) {
    return {
      action: 'refuse',
      message: `${where} already exists and does not belong to release "${desired.release}" (${release === undefined ? 'it was not created by migrate-job' : `it belongs to release "${release}"`})`,
      check: [
        'two releases map to the same Job name: give this one a distinct `release` input',
        `or delete the other Job if it is stale: kubectl -n ${desired.namespace} delete job ${desired.name}`,
      ],
    };
  }
  const image = existingImage(existing);
  if (image !== desired.image || (annotations[ANNOTATION_TAG] !== undefined && annotations[ANNOTATION_TAG] !== desired.tag)) {
    return {
      action: 'refuse',
      message: `${where} already exists for release "${release}" tag "${annotations[ANNOTATION_TAG] ?? '?'}" with image ${image ?? '(unknown)'}, not ${desired.image}`,
      check: [
        'the tag was pushed again with a different image: migrations of a tag run once, so release a new tag',
        `if the earlier migration really must be replaced, delete it first: kubectl -n ${desired.namespace} delete job ${desired.name}`,
      ],
    };
  }
  const verdict = classify({ job: existing, pods });
  if (verdict.state === 'succeeded') {
    return { action: 'already-complete', message: `${where} already completed with this image; the migration is not run again` };
  }
  if (verdict.state === 'failed') {
    if (desired.rerunFailed)
      return {
        action: 'recreate',
        message: `${where} failed before (${verdict.message}); rerun-failed is true, so it is deleted and created again`,
      };
    return {
      action: 'refuse',
      message: `${where} already ran with this image and failed (${verdict.message}); it is not run again by itself`,
      check: [
        `read why it failed: ${follow}`,
        'fix the cause, then re-run with `rerun-failed: true` (the failed Job is deleted and created again)',
      ],
    };
  }
  return { action: 'attach', message: `${where} is already running with this image; following it instead of starting another` };
}
