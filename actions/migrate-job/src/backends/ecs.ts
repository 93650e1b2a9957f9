/**
 * `backend: ecs` (seed 004's `aws ecs run-task … --overrides` made into a gated step): RunTask from a
 * task definition with the command/environment override, launch type or capacity provider and awsvpc
 * networking; waits for STOPPED from PENDING on; the named/essential container's exit code decides;
 * a task that never started is reported with its stopCode/stoppedReason at once; the container's
 * awslogs (CloudWatch Logs) are printed as they arrive and kept in `log-file`; RunTask `failures[]`
 * are errors with their reasons. ECS has no watch API, so this polls DescribeTasks with a bounded,
 * growing interval; our timeout stops the task (an ECS task, unlike a Job, has no deadline of its own).
 *
 * Cancelled (the runner's SIGINT/SIGTERM, see main.ts): the task this run started is stopped (StopTask
 * with a reason) — like a timeout, nothing else would ever stop it; a task it only attached to is left alone.
 *
 * Idempotency: the task is started with `startedBy` = a hash of the Job name; a task of that hash still
 * running is attached to instead of starting a second one. ECS forgets stopped tasks after about an
 * hour, so "already ran" can only be recognised within that window.
 */
import { ActionError, classifyError, errorMessage, formatDuration, requestSignal, runner as core, sleep } from '@deploy-kit/core';
import { awsCall, awsClientConfig, awsEndpointFromEnv, describeCommonAwsError, resolveAwsRegion } from '@deploy-kit/core/aws';
import { formatArgv } from '../argv.js';
import {
  awslogsLocation,
  describeFailures,
  failureHints,
  interpretTask,
  pickContainer,
  type EcsContainerDefinitionView,
  type EcsTaskView,
} from '../ecs-result.js';
import { openLog } from '../logsink.js';
import { nameHash } from '../naming.js';
import { REQUEST_TIMEOUT_MS, networkReason } from '../network.js';
import type { Plan, StepDeadline, Values } from '../plan.js';
import type { BackendContext, MigrationBackend } from './types.js';
import type { MigrationResult } from '../result.js';

/** ECS `startedBy` (≤ 36 characters) for a Job name. */
export function startedByFor(jobName: string): string {
  return `deploy-kit-migrate-${nameHash(jobName)}`;
}

/** Poll delay after `elapsedMs`: 1 s at first, then up to 6 s. */
export function pollDelay(elapsedMs: number): number {
  return elapsedMs < 10_000 ? 1_000 : elapsedMs < 60_000 ? 3_000 : 6_000;
}

/** StopTask's reason when the workflow run is cancelled (ECS shows it as the task's stoppedReason). */
export const CANCEL_REASON = 'deploy-kit migrate-job: the workflow run was cancelled';

/** A failure to reach an AWS endpoint (refused, reset, no answer, DNS), naming the service and the endpoint; undefined for other errors. */
export function endpointFailure(
  error: unknown,
  what: string,
  service: string,
  endpoint: string,
  options: { deadlinePassed?: boolean; requestMs?: number } = {},
): ActionError | undefined {
  const check = [
    `the runner can reach ${endpoint} (network, proxy, VPC endpoint)`,
    `AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_${service.toUpperCase().replace(/ /g, '_')}, when set, point at a reachable endpoint`,
  ];
  if (options.deadlinePassed) {
    return new ActionError(`${what} failed: no answer from ${service} at ${endpoint} before the step's timeout ran out`, {
      check: [...check, 'raise `timeout` if AWS is legitimately slow'],
      cause: error,
    });
  }
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ActionError(`${what} failed: ${service} at ${endpoint} did not answer`, {
      why: `no answer within ${formatDuration(options.requestMs ?? REQUEST_TIMEOUT_MS)}`,
      check,
      cause: error,
    });
  }
  const reason = networkReason(error);
  if (!/\((E[A-Z]+|UND_ERR_[A-Z_]+)\)$/.test(reason)) return undefined;
  return new ActionError(`${what} failed: the ${service} endpoint ${endpoint} could not be reached`, { why: reason, check, cause: error });
}

export const backend: MigrationBackend = {
  name: 'ecs',
  pinsImage: false,
  run: ({ plan, values, files, signal, step }: BackendContext) => ecsBackend(plan, values, files.log, signal, step),
};

export async function ecsBackend(
  plan: Plan,
  values: Values,
  logFile: string,
  signal: AbortSignal = new AbortController().signal,
  step: StepDeadline = { at: Date.now() + plan.timeoutMs, signal: AbortSignal.timeout(plan.timeoutMs) },
): Promise<MigrationResult> {
  const ecs = await import('@aws-sdk/client-ecs');
  const region = resolveAwsRegion(values.region);
  // Every request answers within 30 s (the SDK's socket limit), and none outlives the step (abortSignal).
  const client = new ecs.ECSClient(awsClientConfig({ region, requestTimeoutMs: REQUEST_TIMEOUT_MS }));
  const endpoint = awsEndpointFromEnv('ECS');
  const endpointText = endpoint ?? `https://ecs.${region}.amazonaws.com`;
  const cluster = values.cluster || 'default';
  const fail = (what: string, error: unknown, permission?: string): never => {
    throw (
      endpointFailure(error, what, 'ECS', endpointText, { deadlinePassed: step.signal.aborted }) ??
      describeCommonAwsError(error, what, { region, permission }) ??
      new ActionError(`${what} failed`, { why: errorMessage(error), cause: error })
    );
  };
  /** One ECS call: retried as the suite retries AWS calls, but never past the step's deadline. */
  const ecsCall = <T>(what: string, send: (abortSignal: AbortSignal) => Promise<T>, options: { abort?: AbortSignal } = {}) => {
    const abortSignal = options.abort ? AbortSignal.any([options.abort, step.signal]) : step.signal;
    return awsCall(what, () => send(abortSignal), {
      classify: (error: unknown) => (abortSignal.aborted ? { retryable: false, reason: 'the step ended' } : classifyError(error)),
      maxElapsedMs: Math.max(0, Math.min(120_000, step.at - Date.now())),
    });
  };
  core.info(
    `ECS: region ${region}${endpoint ? ` (endpoint ${endpoint})` : ''}, cluster ${cluster}, task definition ${values.taskDefinition}`,
  );

  const described = await ecsCall('ECS DescribeTaskDefinition', (abortSignal) =>
    client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: values.taskDefinition }), { abortSignal }),
  ).catch((error) => {
    if (step.signal.aborted) return fail('ECS DescribeTaskDefinition', error);
    if ((error as Error)?.name === 'ClientException' || /not found|does not exist|Unable to describe/i.test(errorMessage(error))) {
      throw new ActionError(`The task definition "${values.taskDefinition}" does not exist in ${region}`, {
        why: errorMessage(error),
        check: ['`task-definition` is a family, family:revision or ARN registered in this account and region'],
      });
    }
    return fail('ECS DescribeTaskDefinition', error, 'ecs:DescribeTaskDefinition');
  });
  const definition = described.taskDefinition!;
  const definitions: EcsContainerDefinitionView[] = (definition.containerDefinitions ?? []).map((c) => ({
    name: c.name,
    essential: c.essential,
    logConfiguration: c.logConfiguration as EcsContainerDefinitionView['logConfiguration'],
  }));
  const picked = pickContainer(
    definitions.map((d) => d.name ?? ''),
    definitions,
    values.container || undefined,
  );
  if ('error' in picked)
    throw new ActionError(`Cannot tell which container runs the migration: ${picked.error}`, {
      check: ["set `container` to the migration container's name"],
    });
  const containerDef = (definition.containerDefinitions ?? []).find((c) => c.name === picked.name)!;
  if (plan.image && containerDef.image !== plan.image.raw) {
    throw new ActionError(
      `Task definition ${definition.family}:${definition.revision} runs ${containerDef.image} in container "${picked.name}", not ${plan.image.raw}`,
      {
        why: "RunTask cannot change a container's image, so the migration would not run the image you deploy",
        check: [
          'register a task definition revision with this image (aws-actions/amazon-ecs-render-task-definition) and pass it as `task-definition`',
          'or leave `image` empty to run whatever the task definition names',
        ],
      },
    );
  }
  const taskDefinitionArn = definition.taskDefinitionArn!;
  const startedBy = startedByFor(plan.jobName);
  const override = {
    name: picked.name,
    ...(plan.command.length || plan.args.length ? { command: [...plan.command, ...plan.args] } : {}),
    ...(Object.keys(plan.env).length ? { environment: Object.entries(plan.env).map(([name, value]) => ({ name, value })) } : {}),
  };
  const request = {
    cluster,
    taskDefinition: taskDefinitionArn,
    count: 1,
    startedBy,
    overrides: { containerOverrides: [override] },
    ...(values.launchType ? { launchType: values.launchType as 'FARGATE' | 'EC2' | 'EXTERNAL' } : {}),
    ...(values.capacityProvider ? { capacityProviderStrategy: [{ capacityProvider: values.capacityProvider, weight: 1 }] } : {}),
    ...(values.subnets.length
      ? {
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: values.subnets,
              securityGroups: values.securityGroups.length ? values.securityGroups : undefined,
              assignPublicIp: values.assignPublicIp ? ('ENABLED' as const) : ('DISABLED' as const),
            },
          },
        }
      : {}),
  };

  // A task of this migration still running (an earlier, cancelled run): follow it instead of starting another.
  const running = await ecsCall('ECS ListTasks', (abortSignal) =>
    client.send(new ecs.ListTasksCommand({ cluster, startedBy, desiredStatus: 'RUNNING' }), { abortSignal }),
  ).catch((error) => fail('ECS ListTasks', error, 'ecs:ListTasks'));
  let taskArn: string | undefined;
  if (running.taskArns?.length) {
    // Listed as RUNNING by desired status; only one that has not actually stopped counts.
    const current = await ecsCall('ECS DescribeTasks', (abortSignal) =>
      client.send(new ecs.DescribeTasksCommand({ cluster, tasks: running.taskArns!.slice(0, 100) }), { abortSignal }),
    ).catch((error) => fail('ECS DescribeTasks', error, 'ecs:DescribeTasks'));
    taskArn = current.tasks?.find((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED')?.taskArn;
  }
  if (taskArn) core.info(`A task of this migration is already running (${taskArn}); following it instead of starting another`);

  if (plan.dryRun) {
    const what = taskArn ? `follow the running task ${taskArn}` : `run the task: ${JSON.stringify(request, null, 2)}`;
    core.info(`[dry-run] would ${what}`);
    if (override.command) core.info(`[dry-run] command: ${formatArgv(override.command)}`);
    return {
      status: 'planned',
      jobName: plan.jobName,
      detail: taskArn ? `would follow ${taskArn}` : `would run ${definition.family}:${definition.revision} on ${cluster}`,
    };
  }

  const startedHere = !taskArn;
  if (!taskArn) {
    if (signal.aborted)
      return {
        status: 'cancelled',
        jobName: plan.jobName,
        detail: 'the workflow run was cancelled before the task was started; nothing runs',
      };
    const response = await ecsCall('ECS RunTask', (abortSignal) => client.send(new ecs.RunTaskCommand(request), { abortSignal })).catch(
      (error) => fail('ECS RunTask', error, 'ecs:RunTask (and iam:PassRole for the task roles)'),
    );
    if (response.failures?.length || !response.tasks?.length) {
      const failures = response.failures ?? [];
      throw new ActionError(
        `ECS could not start the migration task: ${failures.length ? describeFailures(failures) : 'RunTask returned no task'}`,
        { check: failureHints(failures) },
      );
    }
    taskArn = response.tasks[0].taskArn!;
    core.info(
      `Started task ${taskArn} (${definition.family}:${definition.revision}, container "${picked.name}"${override.command ? `, command ${formatArgv(override.command)}` : ''})`,
    );
  }

  const sink = openLog(logFile);
  const logs = awslogsLocation(
    { name: picked.name, logConfiguration: containerDef.logConfiguration as EcsContainerDefinitionView['logConfiguration'] },
    taskArn,
  );
  const cwl = logs ? await import('@aws-sdk/client-cloudwatch-logs') : undefined;
  const logsClient =
    logs && cwl
      ? new cwl.CloudWatchLogsClient(awsClientConfig({ region: logs.region ?? region, requestTimeoutMs: REQUEST_TIMEOUT_MS }))
      : undefined;
  const logsEndpoint = awsEndpointFromEnv('CloudWatch Logs') ?? `https://logs.${logs?.region ?? region}.amazonaws.com`;
  let nextToken: string | undefined;
  let logsWarned = false;
  const pumpLogs = async () => {
    if (!logs || !logsClient || !cwl) return;
    for (let page = 0; page < 20; page++) {
      try {
        // Each page within the request limit; the log is read once more after the task stopped, so not bound to the step's deadline.
        const out = await logsClient.send(
          new cwl.GetLogEventsCommand({ logGroupName: logs.group, logStreamName: logs.stream, startFromHead: true, nextToken }),
          { abortSignal: requestSignal(REQUEST_TIMEOUT_MS, signal) },
        );
        sink.writeLines((out.events ?? []).map((event) => event.message ?? ''));
        if (!out.nextForwardToken || out.nextForwardToken === nextToken) return;
        nextToken = out.nextForwardToken;
        if (!out.events?.length) return;
      } catch (error) {
        if ((error as Error)?.name === 'ResourceNotFoundException') return; // the stream appears when the container starts
        const unreachable = endpointFailure(error, 'CloudWatch Logs GetLogEvents', 'CloudWatch Logs', logsEndpoint);
        if (!logsWarned)
          core.warning(
            `Could not read the task's CloudWatch logs (${logs.group} ${logs.stream}): ${unreachable ? `${unreachable.message}: ${unreachable.why ?? ''}` : errorMessage(error)}`,
          );
        logsWarned = true;
        return;
      }
    }
  };

  const cancelled = async (): Promise<MigrationResult> => {
    sink.end();
    const common = { status: 'cancelled' as const, jobName: plan.jobName, taskArn, logFile, tail: sink.lastLines() };
    if (!startedHere) {
      core.info(`Cancelled: the task ${taskArn} was started by an earlier run, so it is left running`);
      return {
        ...common,
        detail: `the workflow run was cancelled; the task ${taskArn} (started by an earlier run) was left running`,
        check: ['stop it yourself if it must not finish: aws ecs stop-task --cluster ' + cluster + ' --task ' + taskArn],
      };
    }
    try {
      await awsCall(
        'ECS StopTask',
        () =>
          client.send(new ecs.StopTaskCommand({ cluster, task: taskArn!, reason: CANCEL_REASON }), { abortSignal: requestSignal(5_000) }),
        { attempts: 3, maxElapsedMs: 5_000 },
      );
      core.info(`Cancelled: asked ECS to stop task ${taskArn} (StopTask, reason "${CANCEL_REASON}")`);
      return { ...common, detail: `the workflow run was cancelled; the task ${taskArn} was stopped` };
    } catch (error) {
      core.warning(`The workflow run was cancelled, but the task ${taskArn} could not be stopped: ${errorMessage(error)}`);
      return {
        ...common,
        detail: `the workflow run was cancelled; stopping the task ${taskArn} failed and it may still be running`,
        check: [`stop it: aws ecs stop-task --cluster ${cluster} --task ${taskArn}`],
      };
    }
  };
  /** The step's timeout: the task is asked to stop (a request of its own: the step's signal has ended by now). */
  const timedOut = async (): Promise<MigrationResult> => {
    await awsCall(
      'ECS StopTask',
      () =>
        client.send(
          new ecs.StopTaskCommand({ cluster, task: taskArn!, reason: `deploy-kit migrate-job: timeout ${formatDuration(plan.timeoutMs)}` }),
          { abortSignal: requestSignal(REQUEST_TIMEOUT_MS) },
        ),
      { attempts: 3, maxElapsedMs: 10_000 },
    ).catch((error) => core.warning(`Could not stop task ${taskArn} after the timeout: ${errorMessage(error)}`));
    sink.end();
    return {
      status: 'timed-out',
      jobName: plan.jobName,
      taskArn,
      logFile,
      tail: sink.lastLines(),
      detail: `the task did not stop within ${formatDuration(plan.timeoutMs)}; it was asked to stop`,
      check: [
        'a migration waiting for a database lock can hang: check for long-running transactions',
        'raise `timeout` if the migration is legitimately slow',
      ],
    };
  };
  const started = Date.now();
  // Counted from the start of the step (main.ts): the calls before RunTask are part of the same timeout.
  const deadline = step.at;
  let task: EcsTaskView | undefined;
  let lastStatus = '';
  for (;;) {
    if (signal.aborted) return cancelled();
    // A cancellation or the step's deadline cuts an in-flight DescribeTasks short; neither is retried.
    const out = await ecsCall(
      'ECS DescribeTasks',
      (abortSignal) => client.send(new ecs.DescribeTasksCommand({ cluster, tasks: [taskArn!] }), { abortSignal }),
      { abort: signal },
    ).catch((error) => (signal.aborted || step.signal.aborted ? undefined : fail('ECS DescribeTasks', error, 'ecs:DescribeTasks')));
    if (!out && signal.aborted) return cancelled();
    if (!out) return timedOut();
    task = out.tasks?.[0] as EcsTaskView | undefined;
    if (!task) {
      throw new ActionError(`The task ${taskArn} is gone from ECS`, {
        why: out.failures?.length ? describeFailures(out.failures) : 'DescribeTasks returned nothing',
        check: ['ECS forgets stopped tasks after about an hour'],
      });
    }
    if (task.lastStatus !== lastStatus) {
      core.info(`… task ${task.lastStatus}${task.stoppedReason ? ` (${task.stoppedReason})` : ''}`);
      lastStatus = task.lastStatus ?? '';
    }
    await pumpLogs();
    if (task.lastStatus === 'STOPPED') break;
    if (Date.now() >= deadline) return timedOut();
    await sleep(Math.min(pollDelay(Date.now() - started), Math.max(0, deadline - Date.now()) + 10), signal);
  }
  await pumpLogs();
  sink.end();
  const outcome = interpretTask(task, definitions, picked.name);
  const rows: [string, string][] = [
    ['task', taskArn],
    ['container', picked.name],
  ];
  if (task.stopCode || task.stoppedReason) rows.push(['stopped', [task.stopCode, task.stoppedReason].filter(Boolean).join(': ')]);
  const common = { jobName: plan.jobName, taskArn, logFile, tail: sink.lastLines(), rows };
  if (outcome.state === 'succeeded')
    return { ...common, status: 'succeeded', exitCode: 0, detail: `container "${picked.name}" exited with code 0` };
  if (outcome.state === 'failed') {
    return {
      ...common,
      status: 'failed',
      exitCode: outcome.exitCode,
      detail: outcome.message,
      check:
        outcome.kind === 'not-started'
          ? [
              'the image exists and the task execution role can pull it and read its secrets',
              'subnets/security groups let the task reach ECR and Secrets Manager (or VPC endpoints exist)',
            ]
          : [`the migration's log above${logs ? ` (CloudWatch ${logs.group} / ${logs.stream})` : ''}`],
    };
  }
  return { ...common, status: 'failed', detail: 'the task stopped in an unexpected state' };
}
