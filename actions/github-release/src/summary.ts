/** github-release's outputs, `json` and step summary from the flow's result. Pure. */
import type { StepSummary } from '@deploy-kit/core';
import type { ReleaseConfig } from './config.js';
import { type FlowResult, replacedCount, skippedCount, uploadedCount } from './flow.js';
import type { outputs } from './io.js';
import { imageLine } from './notes.js';

export function mainOutputs(result: FlowResult): Record<(typeof outputs)[number], string> {
  return {
    'release-id': result.release ? String(result.release.id) : '',
    'html-url': result.release?.htmlUrl ?? '',
    'upload-url': result.release?.uploadUrl ?? '',
    created: String(result.created),
    'previous-tag': result.previousTag,
    uploaded: String(uploadedCount(result.assets)),
    skipped: String(skippedCount(result.assets)),
    replaced: String(replacedCount(result.assets)),
  };
}

export function outputsJson(
  result: FlowResult,
  config: ReleaseConfig,
  options: { dryRun: boolean; requests: number },
): Record<string, unknown> {
  return {
    ...mainOutputs(result),
    tag: config.tag,
    prerelease: config.prerelease,
    draft: config.draft,
    'make-latest': result.makeLatest,
    assets: result.assets.map((a) => ({ name: a.name, action: a.action, reason: a.reason })),
    images: config.images.map((image) => imageLine(image)),
    'dry-run': options.dryRun,
    requests: options.requests,
  };
}

export function summary(result: FlowResult, config: ReleaseConfig, options: { dryRun: boolean; requests: number }): StepSummary {
  const rows: string[][] = [
    [
      'release',
      result.release
        ? `[${config.name}](${result.release.htmlUrl}) (${result.created ? 'created' : 'updated'})`
        : options.dryRun
          ? '(dry run)'
          : '(none)',
    ],
    ['tag', `${config.tag}${config.prerelease ? ' (prerelease)' : ''}${result.makeLatest === 'true' ? ' (latest)' : ''}`],
    ['notes since', result.previousTag || (config.generateNotes ? '(the first release)' : '(no generated notes)')],
  ];
  for (const image of config.images) rows.push([`image ${image.service}`, imageLine(image)]);
  for (const asset of result.assets) rows.push([`asset ${asset.name}`, `${asset.action}: ${asset.reason}`]);
  const phases = result.phases.map(
    (p) => `| ${p.failed ? '✗' : '✓'} ${p.name} | ${p.outcome.replace(/\|/g, '\\|')} | ${(p.ms / 1000).toFixed(1)} s |`,
  );
  return {
    title: `github-release ${config.tag}${options.dryRun ? ' (dry run)' : ''}`,
    table: { header: ['', ''], rows },
    sections: [
      phases.length ? ['| phase | outcome | time |', '| --- | --- | --- |', ...phases].join('\n') : '',
      options.dryRun ? '' : `${options.requests} GitHub API request(s).`,
      result.failure ? `**Failed:** ${result.failure.message.split('\n')[0]}` : '',
    ],
  };
}
