/**
 * The release's text: the body (the caller's own text, GitHub's generated notes since the previous
 * release, the images by digest, the binaries' SHA-256 sums) and the `SHA256SUMS` file, both built
 * from the same list so they always agree. Pure. The body is rebuilt whole on every run, so a re-run
 * writes the same text; the sums it lists are read back (readListedSums) to tell whether an asset
 * whose digest GitHub does not report is already the right file.
 */
import type { DeployedImage, DeployedObject } from '@deploy-kit/core';

export interface NotesInput {
  /** `body` / `body-path`: the caller's text, first. */
  header: string;
  /** GitHub's generated notes (`generate-notes`), or '' . */
  generated: string;
  images: readonly DeployedImage[];
  /** Attached binaries: name → SHA-256. */
  files: ReadonlyArray<{ name: string; sha256: string }>;
  /** The checksums asset's name ('' when none is attached). */
  checksumsFile: string;
  /** push-artifacts' S3 objects with their sums, when it uploaded binaries there. */
  s3: { bucket: string; objects: readonly DeployedObject[] } | null;
}

/** GitHub refuses a longer release body. */
export const MAX_BODY = 125_000;

/** `sha256sum`'s text form: `<hex>  <name>` per line, sorted by name; what `sha256sum -c` reads. */
export function renderChecksums(files: ReadonlyArray<{ name: string; sha256: string }>): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('');
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function imageLine(image: DeployedImage): string {
  return image.digest ? `${image.image}@${image.digest}` : `${image.image}:${image.tags[0] ?? 'latest'}`;
}

export function renderBody(input: NotesInput): string {
  const parts: string[] = [];
  if (input.header.trim() !== '') parts.push(input.header.trim());
  if (input.generated.trim() !== '') parts.push(input.generated.trim());
  if (input.images.length > 0) {
    const rows = input.images.map(
      (image) => `| ${cell(image.service)} | ${code(imageLine(image))}${image.digest ? '' : ' (digest not reported)'} |`,
    );
    parts.push(['## Images', '', '| service | image |', '| --- | --- |', ...rows].join('\n'));
  }
  if (input.files.length > 0) {
    const where = input.checksumsFile ? ` (also attached as \`${input.checksumsFile}\`: \`sha256sum -c ${input.checksumsFile}\`)` : '';
    parts.push(`## SHA-256 checksums${where}\n\n\`\`\`text\n${renderChecksums(input.files)}\`\`\``);
  }
  const s3 = input.s3?.objects.filter((o) => o.sha256) ?? [];
  if (input.s3 && s3.length > 0) {
    const lines = s3.map((o) => `${o.sha256}  s3://${input.s3!.bucket}/${o.key}`).join('\n');
    parts.push(`## Binaries in S3 (SHA-256)\n\n\`\`\`text\n${lines}\n\`\`\``);
  }
  let body = parts.join('\n\n');
  if (body.length > MAX_BODY && input.generated !== '') {
    // The generated notes are the part that grows with the history; the digests and sums must stay.
    const rest = renderBody({ ...input, generated: '' });
    const room = MAX_BODY - rest.length - 200;
    const cut = `${input.generated.slice(0, Math.max(0, room))}\n\n…(the generated notes were cut to fit GitHub's ${MAX_BODY}-character limit)`;
    body = renderBody({ ...input, generated: cut });
  }
  return body;
}

/**
 * The `<hex>  <name>` lines of a release body this action wrote (its checksums block): name → SHA-256.
 * Only names that look like assets are read, and a name listed twice with two sums is dropped.
 */
export function readListedSums(body: string | null | undefined): Map<string, string> {
  const sums = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const line of (body ?? '').split(/\r?\n/)) {
    const m = /^([0-9a-f]{64}) {2}([A-Za-z0-9_+-][A-Za-z0-9._+-]*)$/.exec(line.trim());
    if (!m) continue;
    const [, sum, name] = m as unknown as [string, string, string];
    if (sums.has(name) && sums.get(name) !== sum) conflicting.add(name);
    sums.set(name, sum);
  }
  for (const name of conflicting) sums.delete(name);
  return sums;
}
