/** record-deployment's outputs, `json` and step summary from the flow's result. Pure. */
import type { StepSummary } from '@deploy-kit/core';
import type { RecordConfig } from './config.js';
import type { FlowResult } from './flow.js';
import type { outputs } from './io.js';

export function mainOutputs(result: FlowResult): Record<(typeof outputs)[number], string> {
  const verified = result.verification.length === 0 ? '' : String(result.verification.every((v) => v.ok));
  return {
    'deployment-id': result.deployment ? String(result.deployment.id) : '',
    'deployment-url': result.deployment?.url ?? '',
    environment: result.deployment?.environment ?? '',
    sha: result.deployment?.sha ?? '',
    state: result.state ?? '',
    verified,
  };
}

export function outputsJson(
  result: FlowResult,
  config: RecordConfig,
  options: { dryRun: boolean; requests: number },
): Record<string, unknown> {
  return {
    ...mainOutputs(result),
    step: config.step,
    'dry-run': options.dryRun,
    payload: config.create?.payload ?? null,
    'log-url': config.logUrl || null,
    'environment-url': config.environmentUrl ?? null,
    statuses: result.statuses,
    verification: result.verification.map((v) => ({
      url: v.url,
      ok: v.ok,
      attempts: v.attempts,
      status: v.last?.status ?? null,
      version: v.last?.version ?? null,
      problem: v.last?.problem ?? null,
      seconds: Math.round(v.ms / 100) / 10,
    })),
    requests: options.requests,
    ...(options.dryRun ? { 'would-send': result.requests } : {}),
  };
}

export function summary(result: FlowResult, config: RecordConfig, options: { dryRun: boolean; failure?: string }): StepSummary {
  const rows: string[][] = [];
  const d = result.deployment;
  const env = d?.environment ?? config.create?.environment ?? '';
  rows.push(['deployment', d ? `${d.id} (${env}, ${d.sha.slice(0, 7)})` : options.dryRun ? `(dry run) ${env}` : '']);
  if (config.create) rows.push(['ref', config.create.ref]);
  if (config.create?.payload.tag) rows.push(['tag', config.create.payload.tag]);
  for (const image of config.create?.payload.images ?? [])
    rows.push([`image ${image.service}`, image.digest ? `${image.image}@${image.digest}` : `${image.image} (digest unknown)`]);
  if (config.create?.payload.s3)
    rows.push(['S3 objects', `${config.create.payload.s3.objects.length} in ${config.create.payload.s3.bucket}`]);
  if (config.create?.payload.migration)
    rows.push([
      'migration',
      [
        config.create.payload.migration.status,
        config.create.payload.migration['schema-version'] && `schema ${config.create.payload.migration['schema-version']}`,
      ]
        .filter(Boolean)
        .join(', '),
    ]);
  for (const v of result.verification)
    rows.push([
      `verify ${v.url}`,
      v.ok ? `✓ HTTP ${v.last?.status}${v.last?.version ? `, ${v.last.version}` : ''}` : `✗ ${v.last?.problem ?? 'no answer'}`,
    ]);
  rows.push(['state', result.statuses.map((s) => s.state).join(' → ') || '(none)']);
  if (config.logUrl) rows.push(['log', config.logUrl]);
  return {
    title: `record-deployment (${config.step})${options.dryRun ? ' (dry run)' : ''}`,
    table: { header: ['', ''], rows },
    sections: options.failure ? [`**Failed:** ${options.failure.split('\n')[0]}`] : [],
  };
}
