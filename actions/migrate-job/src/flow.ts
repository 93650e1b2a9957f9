/**
 * The step as named phases, each in its own collapsible group of the log and with its outcome in the
 * step summary: the plan, the image (a tag resolved to its digest, for the backends that run one), then
 * the migration itself by the backend the plan names. Everything that talks to the world is injected
 * (`deps`), so the orchestration is unit-tested (gitops-dispatch's runFlow is the model); main.ts wires
 * the real services.
 */
import { ActionError, errorMessage, formatDuration, redact, type PhaseReport, type StepSummary } from '@deploy-kit/core';
import type { MigrationBackend } from './backends/types.js';
import type { MigrationConfig } from './config.js';
import { pinnedReference, type ImageReference as ImageRef } from '@deploy-kit/core/oci';
import type { Backend, outputs } from './io.js';
import { stepBudgetMs, type StepDeadline } from './plan.js';
import { isFailure, type MigrationResult } from './result.js';

export interface FlowDeps {
  loadBackend(name: Backend): Promise<MigrationBackend>;
  /** The digest a tag points to (one HEAD of the manifest), bounded by `signal`. */
  resolveDigest(ref: ImageRef, signal: AbortSignal): Promise<string>;
  /** Runs one phase inside a log group titled `title`. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  info(message: string): void;
  writeOutputs(values: Record<(typeof outputs)[number], string | number>): void;
  writeSummary(summary: StepSummary): void;
  /** The step's deadline signal, aborted after `ms`. */
  deadline(ms: number): AbortSignal;
  now(): number;
  /** Aborted when the workflow run is cancelled. */
  signal: AbortSignal;
}

export type { PhaseReport } from '@deploy-kit/core';

export interface FlowResult {
  result: MigrationResult;
  phases: PhaseReport[];
  image?: string;
}

/** The plan in a few lines: what will run where, before anything does. */
export function describePlan(config: MigrationConfig): string[] {
  const { plan, files } = config;
  return [
    `backend: ${plan.backend}${plan.dryRun ? ' (dry run: nothing is changed)' : ''}`,
    ...(plan.jobName ? [`release ${plan.release}, tag ${plan.tag}: Job ${plan.jobName}`] : []),
    ...(plan.image ? [`image: ${plan.image.raw}`] : []),
    ...(plan.tool ? [`tool: ${plan.tool.name} ${plan.tool.version}`] : []),
    `timeout: ${formatDuration(plan.timeoutMs)}`,
    ...(plan.backend === 'render' ? [`manifest: ${files.manifest}`] : [`log file: ${files.log}`]),
  ];
}

/** A code fence longer than any run of backticks in the (foreign) lines, so none can end the block. */
export function fenced(lines: readonly string[]): string {
  const fence = '`'.repeat(
    Math.max(3, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((backticks) => backticks.length)) + 1)),
  );
  return `${fence}\n${lines.join('\n')}\n${fence}`;
}

function phaseTable(phases: readonly PhaseReport[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  return [
    '| phase | outcome | time |',
    '|---|---|---|',
    ...phases.map((p) => `| ${cell(p.name)} | ${p.failed ? '❌ ' : ''}${cell(p.outcome)} | ${formatDuration(p.ms)} |`),
  ].join('\n');
}

export async function runMigration(config: MigrationConfig, deps: FlowDeps): Promise<FlowResult> {
  const { plan, values, files, startedAt } = config;
  const budget = stepBudgetMs(plan);
  const step: StepDeadline = { at: startedAt + budget, signal: deps.deadline(Math.max(0, startedAt + budget - deps.now())) };
  const phases: PhaseReport[] = [];

  /** One phase: grouped in the log, timed, its outcome (or its failure) kept for the summary. */
  const phase = async <T>(name: string, title: string, fn: () => Promise<T>, outcome: (value: T) => string): Promise<T> => {
    const began = deps.now();
    try {
      const value = await deps.group(title, fn);
      phases.push({ name, outcome: outcome(value), ms: deps.now() - began });
      return value;
    } catch (error) {
      phases.push({ name, outcome: `failed: ${redact(errorMessage(error).split('\n')[0])}`, ms: deps.now() - began, failed: true });
      // The outputs stay unset (a failure before the verdict); the summary says which phase failed.
      deps.writeSummary({ title: `migrate-job (${plan.backend}): failed in ${name}`, sections: [phaseTable(phases)] });
      throw error;
    }
  };

  const backend = await phase(
    'plan',
    'Plan',
    async () => {
      for (const line of describePlan(config)) deps.info(line);
      return deps.loadBackend(plan.backend);
    },
    () => `${plan.backend}${plan.jobName ? `, Job ${plan.jobName}` : ''}${plan.dryRun ? ' (dry run)' : ''}`,
  );

  let image: string | undefined;
  if (backend.pinsImage && plan.image) {
    const ref = plan.image;
    image = await phase(
      'image',
      `Image: ${ref.raw}`,
      async () => {
        if (ref.digest) return pinnedReference(ref);
        const digest = await deps.resolveDigest(ref, step.signal);
        deps.info(`Resolved ${ref.raw} to ${digest}`);
        return pinnedReference(ref, digest);
      },
      (pinned) => (ref.digest ? 'pinned by digest' : `resolved to ${pinned.slice(pinned.lastIndexOf('@') + 1)}`),
    );
  }

  const title = `Migration (${plan.backend})${plan.jobName ? `: ${plan.jobName}` : ''}`;
  const result = await phase(
    'migration',
    title,
    () => backend.run({ plan, values, files, image, step, signal: deps.signal }),
    (r) => `${r.status}: ${r.detail}`,
  );

  const failed = isFailure(result.status);
  if (failed) phases[phases.length - 1].failed = true;
  const duration = deps.now() - startedAt;
  deps.writeOutputs({
    status: result.status,
    'exit-code': result.exitCode ?? '',
    'job-name': result.jobName ?? plan.jobName,
    duration: Math.round(duration / 100) / 10,
    'log-file': result.logFile ?? '',
    'manifest-file': result.manifestFile ?? '',
    'task-arn': result.taskArn ?? '',
  });
  const tail = failed && result.tail?.length ? [`Last ${result.tail.length} log lines:\n\n${fenced(result.tail)}`] : [];
  deps.writeSummary({
    title: `migrate-job (${plan.backend}): ${result.status}`,
    table: {
      header: ['', ''],
      rows: [
        ['status', result.status],
        ...(plan.jobName ? [['job', plan.jobName] as [string, string]] : []),
        ...(result.exitCode !== undefined ? [['exit code', String(result.exitCode)] as [string, string]] : []),
        ['duration', formatDuration(duration)],
        ...(result.rows ?? []),
        ['detail', result.detail],
      ],
    },
    sections: [...tail, phaseTable(phases)],
  });
  if (failed) {
    throw new ActionError(
      `Migration ${result.status === 'timed-out' ? 'timed out' : result.status}${plan.jobName ? ` (${plan.jobName})` : ''}: ${result.detail}`,
      {
        check: [...(result.check ?? []), ...(result.logFile ? [`the full log is in ${result.logFile} (log-file output)`] : [])],
      },
    );
  }
  deps.info(`Migration ${result.status}: ${result.detail}`);
  return { result, phases, image };
}
