import { readInputs, runner as core, run, writeOutputs, writeSummary } from '@deploy-kit/core';
import { runPushArtifacts } from './app.js';
import { removeDockerConfig, runCommand, writeDockerConfig } from './docker.js';
import { createEcrApi } from './ecr.js';
import { closeTransport } from './http.js';
import { inputs, outputs } from './io.js';
import { formatBytes } from './push.js';
import { RegistryClient } from './registry.js';
import { createS3Api } from './s3.js';
import { dockerConfigState, stepDockerConfigState } from './state.js';

async function main(): Promise<void> {
  try {
    await publish();
  } finally {
    // Kept-alive registry connections must not hold the step open.
    closeTransport();
  }
}

async function publish(): Promise<void> {
  const values = await readInputs(inputs);
  const outcome = await runPushArtifacts(values, {
    env: process.env,
    ecr: createEcrApi,
    s3: createS3Api,
    registry: (baseUrl, credentials) => new RegistryClient({ baseUrl, credentials, log: (m) => core.info(m) }),
    writeDockerConfig: async (runnerTemp, logins) => {
      const dir = await writeDockerConfig(runnerTemp, logins);
      // Saved first: even if a later step fails, post removes the credentials.
      dockerConfigState.save(dir);
      core.exportVariable('DOCKER_CONFIG', dir);
      core.info(`Docker config with the registry login written to ${dir} (DOCKER_CONFIG); it is removed when the job ends.`);
      return dir;
    },
    stepDockerConfig: {
      write: async (base, logins) => {
        const dir = await writeDockerConfig(base, logins);
        stepDockerConfigState.save(dir);
        return dir;
      },
      remove: (dir) => removeDockerConfig(dir).then(() => undefined),
    },
    runCommand,
    log: (m) => core.info(m),
    warn: (m) => core.warning(m),
  });

  writeOutputs(outputs, {
    registry: outcome.registry,
    digests: outcome.digests,
    images: outcome.images,
    's3-uris': outcome.s3Uris,
    'docker-config': outcome.dockerConfig,
  }, {
    json: {
      registry: outcome.registry,
      digests: outcome.digests,
      images: outcome.images,
      's3-uris': outcome.s3Uris,
      'docker-config': outcome.dockerConfig,
      'dry-run': values.dryRun,
      'compressed-layers': outcome.compressed.map((c) => ({ source: c.source, layers: c.layers, 'bytes-before': c.bytesBefore, 'bytes-after': c.bytesAfter, 'gzip-level': c.level })),
      s3: outcome.s3
        ? { bucket: outcome.s3.bucket, prefix: outcome.s3.prefix, uploaded: outcome.s3.uploaded.length, skipped: outcome.s3.skipped.length, 'bytes-uploaded': outcome.s3.bytesUploaded, 'bytes-total': outcome.s3.bytesTotal, sha256sums: outcome.s3.sumsKey ?? null }
        : null,
    },
  });

  const sections: string[] = [];
  if (outcome.compressed.length > 0) {
    const lines = outcome.compressed.map(
      (c) => `- \`${c.source}\`: ${c.layers} layer(s), ${formatBytes(c.bytesBefore)} → ${formatBytes(c.bytesAfter)} (${c.bytesBefore > 0 ? Math.round((100 * c.bytesAfter) / c.bytesBefore) : 100} %)`,
    );
    sections.push(
      `**Layers ${values.dryRun ? 'to be ' : ''}compressed** (gzip level ${outcome.compressed[0]!.level}, \`compress-layers: ${values.compressLayers}\`), as \`docker push\` does; ` +
        `the image config (its \`rootfs.diff_ids\`) is unchanged:\n${lines.join('\n')}`,
    );
  }
  if (outcome.s3) {
    const s = outcome.s3;
    sections.push(
      `**S3** \`s3://${s.bucket}/${s.prefix}\`: ${s.uploaded.length} object(s) ${values.dryRun ? 'to upload' : 'uploaded'} (${formatBytes(s.bytesUploaded)}), ` +
        `${s.skipped.length} already identical; ${s.uploaded.length + s.skipped.length} objects, ${formatBytes(s.bytesTotal)} in total.` +
        (s.sumsKey ? ` Checksums: \`s3://${s.bucket}/${s.sumsKey}\`.` : ''),
    );
  }
  if (values.dryRun) {
    sections.push(`**Dry run**: nothing was changed. Would:\n${outcome.changes.list.filter((c) => !c.applied).map((c) => `- ${c.description}`).join('\n') || '- nothing'}`);
  }
  writeSummary({
    title: `push-artifacts${values.dryRun ? ' (dry run)' : ''}`,
    table: { header: ['image', 'digest', 'result', 'blobs'], rows: outcome.rows },
    sections,
  });
}

void run(main);
