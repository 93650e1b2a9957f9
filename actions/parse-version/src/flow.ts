/**
 * parse-version as one named phase: the release resolved from the ref (core's resolveRelease) inside
 * its log group, then the outputs and the step summary, whose one row is the phase's outcome. The
 * runner's services are injected (`deps`), so the orchestration is unit-tested; main.ts wires them.
 * A refused ref throws before any output or summary is written.
 */
import { resolveRelease, type ReleaseInfo, type StepSummary } from '@deploy-kit/core';

import type { ParseVersionConfig } from './config.js';
import type { outputs } from './io.js';

export type ParseVersionOutputs = { [K in (typeof outputs)[number]]: string | boolean };

export interface FlowDeps {
  /** Runs the phase inside a log group titled `title` (core's runner.group). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  info(line: string): void;
  notice(line: string): void;
  writeOutputs(values: ParseVersionOutputs): void;
  writeSummary(summary: StepSummary): void;
}

export function toOutputs(release: ReleaseInfo): ParseVersionOutputs {
  return {
    tag: release.tag,
    version: release.version,
    major: release.major,
    minor: release.minor,
    patch: release.patch,
    prerelease: release.prerelease,
    channel: release.channel,
    'channel-number': release.channelNumber,
    build: release.build,
    environment: release.environment,
    'is-prerelease': release.isPrerelease,
    'is-production': release.isProduction,
    'short-sha': release.shortSha,
    'ref-type': release.refType,
  };
}

export function parseVersionSummary(ref: string, release: ReleaseInfo): StepSummary {
  return {
    title: 'parse-version',
    table: {
      header: ['ref', 'version', 'channel', 'environment', 'production'],
      rows: [[ref, release.version, release.channel, release.environment || '—', release.isProduction ? 'yes' : 'no']],
    },
  };
}

export async function runParseVersion(config: ParseVersionConfig, deps: FlowDeps): Promise<ReleaseInfo> {
  const release = await deps.group(`Resolve ${config.ref}`, async () => {
    const resolved = resolveRelease(config);
    deps.info(
      `${resolved.refType} ${resolved.refName} → version ${resolved.version}, channel ${resolved.channel}, environment ${resolved.environment || '(none)'}`,
    );
    if (resolved.environment === '') {
      deps.notice(
        `No environment for ${config.ref}: no rule in ${resolved.refType === 'tag' ? '"environments"' : '"branch-environments"'} matches it.`,
      );
    }
    return resolved;
  });
  deps.writeOutputs(toOutputs(release));
  deps.writeSummary(parseVersionSummary(config.ref, release));
  return release;
}
