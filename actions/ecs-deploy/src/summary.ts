/** ecs-deploy's outputs, `json` and step summary from the flow's result. Pure. */
import { formatSeconds, type StepSummary } from '@deploy-kit/core';
import type { DeployResult, WaitResult } from './flow.js';
import type { outputs } from './io.js';

export function mainOutputs(result: DeployResult): Record<(typeof outputs)[number], string> {
  return {
    'task-definition-arn': result.target?.arn ?? '',
    revision: result.target?.revision != null ? String(result.target.revision) : '',
    'deployment-id': result.deployment?.deploymentId ?? '',
    'rollout-state': result.deployment?.rolloutState ?? '',
    'previous-task-definition-arn': result.previous?.arn ?? '',
    'previous-revision': result.previous?.revision != null ? String(result.previous.revision) : '',
    'rolled-back': String(result.rollback?.outcome === 'completed'),
  };
}

const waitJson = (w: WaitResult | undefined) =>
  w
    ? {
        'deployment-id': w.deploymentId,
        'task-definition-arn': w.taskDefinition.arn,
        revision: w.taskDefinition.revision,
        outcome: w.outcome,
        'rollout-state': w.rolloutState || null,
        'failure-kind': w.failureKind ?? null,
        message: w.message ?? null,
        'stopped-tasks': w.tasks,
      }
    : null;

/** The `json` output: every output, then what record-deployment's payload keeps (`ecs`), the changes and the diff. */
export function outputsJson(result: DeployResult, options: { dryRun: boolean; region: string }): Record<string, unknown> {
  return {
    ...mainOutputs(result),
    'dry-run': options.dryRun,
    outcome: result.outcome,
    region: options.region,
    cluster: result.cluster,
    service: result.service,
    'service-arn': result.serviceArn ?? null,
    registered: result.registered,
    containers: result.changes.map((c) => ({
      container: c.container,
      service: c.service,
      'matched-by': c.matchedBy,
      from: c.from,
      to: c.to,
    })),
    unused: result.unused,
    diff: result.diff,
    deployment: waitJson(result.deployment),
    rollback: waitJson(result.rollback),
    error: result.failure?.message ?? null,
  };
}

export function summary(result: DeployResult, options: { dryRun: boolean }): StepSummary {
  const rows: string[][] = [['service', `${result.service} (cluster ${result.cluster})`]];
  if (result.previous) rows.push(['before', result.previous.name]);
  if (result.target) rows.push([result.registered ? 'registered' : 'deployed', result.target.name]);
  for (const c of result.changes) rows.push([`container ${c.container}`, c.from === c.to ? `${c.to} (unchanged)` : c.to]);
  if (result.deployment)
    rows.push([
      'deployment',
      `${result.deployment.deploymentId}: ${result.deployment.outcome}${result.deployment.rolloutState ? ` (${result.deployment.rolloutState})` : ''}`,
    ]);
  for (const task of result.deployment?.tasks ?? []) rows.push(['stopped task', task]);
  if (result.rollback)
    rows.push([
      'rollback',
      `to ${result.rollback.taskDefinition.name}: ${result.rollback.deploymentId || 'not started'} ${result.rollback.outcome}${result.rollback.message && result.rollback.outcome !== 'completed' ? ` — ${result.rollback.message}` : ''}`,
    ]);
  const title =
    result.outcome === 'planned'
      ? 'ECS deploy (dry run)'
      : result.outcome === 'unchanged'
        ? 'ECS deploy: already running this revision'
        : result.failure
          ? `ECS deploy failed${result.rollback ? (result.rollback.outcome === 'completed' ? ', rolled back' : ', rollback failed') : ''}`
          : result.outcome === 'started'
            ? 'ECS deploy started'
            : 'ECS deploy completed';
  const sections: string[] = [];
  if (options.dryRun && result.diff.length) sections.push(['```diff', ...result.diff, '```'].join('\n'));
  if (result.phases.length)
    sections.push(
      [
        '| phase | outcome | time |',
        '| --- | --- | --- |',
        ...result.phases.map(
          (p) => `| ${p.name} | ${p.failed ? '❌ ' : ''}${p.outcome.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${formatSeconds(p.ms)} |`,
        ),
      ].join('\n'),
    );
  if (result.failure) sections.push(`**Error:** ${result.failure.message}`);
  return { title, table: { header: ['', ''], rows }, sections };
}
