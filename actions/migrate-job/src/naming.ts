/**
 * Kubernetes names for the migration Job: `{release}-migrate-{tag}` as a DNS-1123 label (the Job
 * controller copies the Job name into the pods' `batch.kubernetes.io/job-name` label, so a Job name
 * longer than 63 characters is refused). Too-long names keep a readable prefix and end in a hash of
 * the full name, so two releases that share the first 54 characters still get different Jobs.
 */
import { createHash } from 'node:crypto';

export const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True for a valid DNS-1123 label (what Kubernetes requires of Job, namespace, secret names…). */
export function isDns1123Label(value: string): boolean {
  return value.length > 0 && value.length <= MAX_NAME_LENGTH && DNS1123_LABEL.test(value);
}

/** Lowercase; runs of characters outside `[a-z0-9]` become one `-`; no `-` at either end. */
export function sanitizeNamePart(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A short, stable hash of the unsanitised name (so `v1.2.3` and `v1-2-3` differ when truncated). */
export function nameHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * A DNS-1123 label from any text: sanitised, and when longer than `max`, cut to `max - 9`
 * characters plus `-<8 hex of sha256(original)>`. Throws when nothing usable is left.
 */
export function dns1123Name(raw: string, max = MAX_NAME_LENGTH): string {
  const clean = sanitizeNamePart(raw);
  if (clean === '') throw new Error(`"${raw}" has no letters or digits to make a Kubernetes name from`);
  if (clean.length <= max) return clean;
  const suffix = `-${nameHash(raw)}`;
  const head = clean.slice(0, max - suffix.length).replace(/-+$/, '');
  return `${head}${suffix}`;
}

/** `{release}-migrate-{tag}`, e.g. `orders-migrate-v1-2-3-rc-1`. */
export function migrationJobName(release: string, tag: string): string {
  const releasePart = sanitizeNamePart(release);
  const tagPart = sanitizeNamePart(tag);
  if (releasePart === '') throw new Error(`release "${release}" has no letters or digits`);
  if (tagPart === '') throw new Error(`tag "${tag}" has no letters or digits`);
  return dns1123Name(`${release}-migrate-${tag}`);
}

/**
 * A label value (≤ 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends, or empty), for
 * labels that carry the release and tag; long or odd values are shortened with a hash like names.
 */
export function labelValue(raw: string): string {
  let value = raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (value.length > MAX_NAME_LENGTH) {
    const suffix = `-${nameHash(raw)}`;
    value = value.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/[^A-Za-z0-9]+$/, '') + suffix;
  }
  return value;
}
