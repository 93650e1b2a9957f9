import {
  type ReleaseInfo,
  parseBranchRules,
  parseEnvironmentRules,
  readGitHubContext,
  readInputs,
  runner as core,
  resolveRelease,
  run,
  writeOutputs,
  writeSummary,
} from '@deploy-kit/core';
import { inputs, outputs } from './io.js';

async function main(): Promise<void> {
  const values = await readInputs(inputs);
  const context = readGitHubContext();
  const rules = parseEnvironmentRules(values.environments, 'environments');
  const branchRules = parseBranchRules(values.branchEnvironments, 'branch-environments');
  const ref = values.ref || context.ref;
  const release = resolveRelease({
    ref,
    sha: context.sha,
    tagPrefix: values.tagPrefix,
    rules,
    branchRules,
    strict: values.strict,
    prNumber: context.prNumber,
  });

  writeOutputs(outputs, toOutputs(release));
  core.info(`${release.refType} ${release.refName} → version ${release.version}, channel ${release.channel}, environment ${release.environment || '(none)'}`);
  if (release.environment === '') {
    core.notice(`No environment for ${ref}: no rule in ${release.refType === 'tag' ? '"environments"' : '"branch-environments"'} matches it.`);
  }
  writeSummary({
    title: 'parse-version',
    table: {
      header: ['ref', 'version', 'channel', 'environment', 'production'],
      rows: [[ref, release.version, release.channel, release.environment || '—', release.isProduction ? 'yes' : 'no']],
    },
  });
}

function toOutputs(release: ReleaseInfo) {
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

void run(main);
