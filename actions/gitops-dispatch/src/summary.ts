/**
 * Outputs and the step summary from the flow's reports. The single outputs describe the main
 * dispatch (the first target); `json` holds every dispatch.
 */
import type { StepSummary } from '@deploy-kit/core';
import type { ApiStats } from './api.js';
import type { TargetReport } from './flow.js';

export interface Outputs {
  'run-id': string;
  'run-url': string;
  conclusion: string;
}

export function mainOutputs(reports: TargetReport[]): Outputs {
  const main = reports[0];
  return {
    'run-id': main?.runId !== undefined ? String(main.runId) : '',
    'run-url': main?.runUrl ?? '',
    conclusion: main?.conclusion ?? '',
  };
}

/** One JSON-friendly object per dispatch (no Error objects, no secrets: inputs are what was sent). */
export function reportJson(report: TargetReport): Record<string, unknown> {
  return {
    label: report.label,
    repository: report.repository,
    workflow: report.workflow ?? null,
    ref: report.ref ?? null,
    inputs: report.inputs,
    state: report.state,
    'run-id': report.runId ?? null,
    'run-url': report.runUrl ?? null,
    'run-api-url': report.runApiUrl ?? null,
    status: report.status ?? null,
    conclusion: report.conclusion ?? null,
    'found-by': report.foundBy ?? null,
    'distinct-id': report.distinctId ?? null,
    'remote-cancelled': report.cancelled ?? false,
    'failed-jobs': report.failedJobs ?? [],
    error: report.error ? report.error.message : null,
    request: report.request ?? null,
  };
}

export function outputsJson(reports: TargetReport[], options: { dryRun: boolean; stats: ApiStats }): Record<string, unknown> {
  return {
    ...mainOutputs(reports),
    'dry-run': options.dryRun,
    requests: { total: options.stats.requests, 'not-modified': options.stats.notModified },
    dispatches: reports.map(reportJson),
  };
}

const FOUND_BY: Record<string, string> = {
  'run-details': 'dispatch answer',
  'run-name': 'distinct id (run name)',
  'job-or-step-name': 'distinct id (step name)',
  'time-window': 'time window',
};

function result(report: TargetReport): string {
  if (report.state === 'would-dispatch') return 'dry run: not dispatched';
  if (report.state === 'not-dispatched') return '– not dispatched';
  if (report.state === 'dispatch-failed') return `✗ dispatch failed: ${report.error?.message.split('\n')[0] ?? ''}`;
  if (report.error && report.conclusion) return `✗ ${report.conclusion}`;
  if (report.error) return `✗ ${report.error.message.split('\n')[0]}${report.cancelled ? ' (remote run cancelled)' : ''}`;
  if (report.conclusion) return `${report.conclusion === 'success' ? '✓' : '⚠'} ${report.conclusion}`;
  return `✓ dispatched${report.status ? ` (${report.status})` : ''}`;
}

export function summaryTable(reports: TargetReport[]): { header: string[]; rows: string[][] } {
  return {
    header: ['dispatch', 'repository', 'workflow', 'ref', 'run', 'result', 'found by'],
    rows: reports.map((r) => [
      r.label,
      r.repository,
      r.workflow ? `${r.workflow.name} (${r.workflow.path.slice(r.workflow.path.lastIndexOf('/') + 1)})` : '',
      r.ref ?? '',
      r.runId !== undefined ? (r.runUrl ? `[${r.runId}](${r.runUrl})` : String(r.runId)) : '',
      result(r),
      r.foundBy ? (FOUND_BY[r.foundBy] ?? r.foundBy) : '',
    ]),
  };
}

export function summarySections(reports: TargetReport[], options: { dryRun: boolean; stats: ApiStats }): string[] {
  const sections: string[] = [];
  if (options.dryRun) {
    for (const r of reports) {
      if (!r.request) continue;
      sections.push(
        `**${r.label}** would send \`${r.request.method} ${r.request.url}\`:\n\n\`\`\`json\n${JSON.stringify(r.request.body, null, 2)}\n\`\`\``,
      );
    }
  }
  for (const r of reports) {
    if (!r.failedJobs?.length) continue;
    sections.push(
      `**${r.label}** failed jobs: ${r.failedJobs.map((j) => `${j.html_url ? `[${j.name}](${j.html_url})` : j.name}${j.failedSteps.length ? ` (${j.failedSteps.join(', ')})` : ''}`).join(', ')}`,
    );
  }
  sections.push(
    `${options.stats.requests} GitHub API request(s), ${options.stats.notModified} answered 304 Not Modified (free of rate limit).`,
  );
  return sections;
}

/** The step summary: the targets' table (each one's outcome), the failure if any, then the details. */
export function stepSummary(
  reports: TargetReport[],
  failure: Error | undefined,
  options: { dryRun: boolean; stats: ApiStats },
): StepSummary {
  return {
    title: `gitops-dispatch${options.dryRun ? ' (dry run)' : ''}`,
    table: summaryTable(reports),
    sections: [...(failure ? [`**Failed:** ${failure.message.replace(/\n/g, '  \n')}`] : []), ...summarySections(reports, options)],
  };
}
