/**
 * push-artifacts' outputs, `json` and step summary from a run's outcome. Pure.
 */
import { formatElapsed, markdownTable, type StepSummary } from '@deploy-kit/core';
import type { PushConfig } from './config.js';
import type { Outcome } from './flow.js';
import type { outputs } from './io.js';
import { formatBytes } from './push.js';

/** The most dry-run changes listed in the summary; the log has them all. */
const MAX_LISTED = 30;

type OutputName = (typeof outputs)[number];

/** The outputs but `registries` (registriesOutput): strings, lists and the digests map. */
export function mainOutputs(outcome: Outcome): Record<Exclude<OutputName, 'registries'>, string | string[] | Record<string, string>> {
  return {
    registry: outcome.registry,
    digests: outcome.digests,
    images: outcome.images,
    's3-uris': outcome.s3Uris,
    'docker-config': outcome.dockerConfig,
  };
}

/**
 * The `registries` output: one entry per registry of the run, with the login it got (never the
 * password) and the references pushed or promoted there.
 */
export function registriesOutput(outcome: Outcome): Array<Record<string, unknown>> {
  return outcome.registries.map((r) => ({
    registry: r.registry,
    login: r.login,
    username: r.username ?? null,
    'expires-at': r.expiresAt ?? null,
    images: outcome.images.filter((reference) => reference.startsWith(`${r.registry}/`)),
  }));
}

/**
 * amazon-ecr-login's per-registry output names (`docker_username_<registry>`, the registry's
 * non-alphanumerics as `_`), for each registry logged in. Only the user name: the password stays
 * bound to its registry (SECURITY.md rule 1) and reaches later steps through `docker-config: true`.
 */
export function perRegistryOutputs(outcome: Outcome): Record<string, string> {
  return Object.fromEntries(
    outcome.registries
      .filter((r) => r.username !== undefined)
      .map((r) => [`docker_username_${r.registry.replace(/[^a-zA-Z0-9_]+/g, '_')}`, r.username!]),
  );
}

export function outputsJson(outcome: Outcome, config: Pick<PushConfig, 'dryRun'>): Record<string, unknown> {
  const s3 = outcome.s3;
  return {
    ...mainOutputs(outcome),
    registries: registriesOutput(outcome),
    'dry-run': config.dryRun,
    'compressed-layers': outcome.compressed.map((c) => ({
      source: c.source,
      layers: c.layers,
      'bytes-before': c.bytesBefore,
      'bytes-after': c.bytesAfter,
      'gzip-level': c.level,
    })),
    s3: s3
      ? {
          bucket: s3.bucket,
          prefix: s3.prefix,
          uploaded: s3.uploaded.length,
          skipped: s3.skipped.length,
          'bytes-uploaded': s3.bytesUploaded,
          'bytes-total': s3.bytesTotal,
          sha256sums: s3.sumsKey ?? null,
          objects: [...s3.uploaded, ...s3.skipped]
            .map((o) => ({ key: o.key, sha256: o.sha256 }))
            .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
        }
      : null,
  };
}

export function summary(
  outcome: Outcome,
  config: Pick<PushConfig, 'dryRun' | 'compressLayers'>,
  failure?: { message: string },
): StepSummary {
  const sections: string[] = [];
  if (failure) sections.push(`**Failed:** ${failure.message.split('\n')[0]}`);
  if (outcome.compressed.length > 0) {
    const lines = outcome.compressed.map(
      (c) =>
        `- \`${c.source}\`: ${c.layers} layer(s), ${formatBytes(c.bytesBefore)} → ${formatBytes(c.bytesAfter)} (${c.bytesBefore > 0 ? Math.round((100 * c.bytesAfter) / c.bytesBefore) : 100} %)`,
    );
    sections.push(
      `**Layers ${config.dryRun ? 'to be ' : ''}compressed** (gzip level ${outcome.compressed[0]!.level}, \`compress-layers: ${config.compressLayers}\`), as \`docker push\` does; ` +
        `the image config (its \`rootfs.diff_ids\`) is unchanged:\n${lines.join('\n')}`,
    );
  }
  if (outcome.s3) {
    const s = outcome.s3;
    sections.push(
      `**S3** \`s3://${s.bucket}/${s.prefix}\`: ${s.uploaded.length} object(s) ${config.dryRun ? 'to upload' : 'uploaded'} (${formatBytes(s.bytesUploaded)}), ` +
        `${s.skipped.length} already identical; ${s.uploaded.length + s.skipped.length} objects, ${formatBytes(s.bytesTotal)} in total.` +
        (s.sumsKey ? ` Checksums: \`s3://${s.bucket}/${s.sumsKey}\`.` : ''),
    );
  }
  if (config.dryRun) {
    const would = outcome.changes.list.filter((c) => !c.applied).map((c) => `- ${c.description}`);
    const listed =
      would.length > MAX_LISTED ? [...would.slice(0, MAX_LISTED), `- … and ${would.length - MAX_LISTED} more (see the log)`] : would;
    sections.push(`**Dry run**: nothing was changed. Would:\n${listed.join('\n') || '- nothing'}`);
  }
  if (outcome.phases.length > 0) {
    sections.push(
      `**Phases**\n\n${markdownTable(
        ['phase', 'outcome', 'time'],
        outcome.phases.map((p) => [p.failed ? `${p.name} (failed)` : p.name, p.outcome, formatElapsed(p.ms)]),
      )}`,
    );
  }
  return {
    title: `push-artifacts${config.dryRun ? ' (dry run)' : ''}`,
    table: { header: ['image', 'digest', 'result', 'blobs'], rows: outcome.rows },
    sections,
  };
}
