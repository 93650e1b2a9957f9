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
import { ActionError, classifyError, errorMessage, formatDuration, runner as core } from '@deploy-kit/core';
import { awsCall, awsClientConfig, awsEndpointFromEnv, describeCommonAwsError, resolveAwsRegion } from '@deploy-kit/core/aws';
import { formatArgv } from './argv.js';
import { awslogsLocation, describeFailures, failureHints, interpretTask, pickContainer, type EcsContainerDefinitionView, type EcsTaskView } from './ecs-result.js';
import { LogSink } from './logsink.js';
import { nameHash } from './naming.js';
import type { Plan, Values } from './plan.js';
import type { MigrationResult } from './result.js';

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

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function ecsBackend(plan: Plan, values: Values, logFile: string, signal: AbortSignal = new AbortController().signal): Promise<MigrationResult> {
  const ecs = await import('@aws-sdk/client-ecs');
  const region = resolveAwsRegion(values.region);
  const client = new ecs.ECSClient(awsClientConfig({ region }));
  const endpoint = awsEndpointFromEnv('ECS');
  const cluster = values.cluster || 'default';
  const fail = (what: string, error: unknown, permission?: string): never => {
    throw describeCommonAwsError(error, what, { region, permission }) ?? new ActionError(`${what} failed`, { why: errorMessage(error), cause: error });
  };
  core.info(`ECS: region ${region}${endpoint ? ` (endpoint ${endpoint})` : ''}, cluster ${cluster}, task definition ${values.taskDefinition}`);

  const described = await awsCall('ECS DescribeTaskDefinition', () => client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: values.taskDefinition }))).catch((error) => {
    if ((error as Error)?.name === 'ClientException' || /not found|does not exist|Unable to describe/i.test(errorMessage(error))) {
      throw new ActionError(`The task definition "${values.taskDefinition}" does not exist in ${region}`, {
        why: errorMessage(error),
        check: ['`task-definition` is a family, family:revision or ARN registered in this account and region'],
      });
    }
    return fail('ECS DescribeTaskDefinition', error, 'ecs:DescribeTaskDefinition');
  });
  const definition = described.taskDefinition!;
  const definitions: EcsContainerDefinitionView[] = (definition.containerDefinitions ?? []).map((c) => ({ name: c.name, essential: c.essential, logConfiguration: c.logConfiguration as EcsContainerDefinitionView['logConfiguration'] }));
  const picked = pickContainer(definitions.map((d) => d.name ?? ''), definitions, values.container || undefined);
  if ('error' in picked) throw new ActionError(`Cannot tell which container runs the migration: ${picked.error}`, { check: ['set `container` to the migration container\'s name'] });
  const containerDef = (definition.containerDefinitions ?? []).find((c) => c.name === picked.name)!;
  if (plan.image && containerDef.image !== plan.image.raw) {
    throw new ActionError(`Task definition ${definition.family}:${definition.revision} runs ${containerDef.image} in container "${picked.name}", not ${plan.image.raw}`, {
      why: 'RunTask cannot change a container\'s image, so the migration would not run the image you deploy',
      check: ['register a task definition revision with this image (aws-actions/amazon-ecs-render-task-definition) and pass it as `task-definition`', 'or leave `image` empty to run whatever the task definition names'],
    });
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
      ? { networkConfiguration: { awsvpcConfiguration: { subnets: values.subnets, securityGroups: values.securityGroups.length ? values.securityGroups : undefined, assignPublicIp: values.assignPublicIp ? ('ENABLED' as const) : ('DISABLED' as const) } } }
      : {}),
  };

  // A task of this migration still running (an earlier, cancelled run): follow it instead of starting another.
  const running = await awsCall('ECS ListTasks', () => client.send(new ecs.ListTasksCommand({ cluster, startedBy, desiredStatus: 'RUNNING' }))).catch((error) =>
    fail('ECS ListTasks', error, 'ecs:ListTasks'),
  );
  let taskArn: string | undefined;
  if (running.taskArns?.length) {
    // Listed as RUNNING by desired status; only one that has not actually stopped counts.
    const current = await awsCall('ECS DescribeTasks', () => client.send(new ecs.DescribeTasksCommand({ cluster, tasks: running.taskArns!.slice(0, 100) }))).catch((error) =>
      fail('ECS DescribeTasks', error, 'ecs:DescribeTasks'),
    );
    taskArn = current.tasks?.find((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED')?.taskArn;
  }
  if (taskArn) core.info(`A task of this migration is already running (${taskArn}); following it instead of starting another`);

  if (plan.dryRun) {
    const what = taskArn ? `follow the running task ${taskArn}` : `run the task: ${JSON.stringify(request, null, 2)}`;
    core.info(`[dry-run] would ${what}`);
    if (override.command) core.info(`[dry-run] command: ${formatArgv(override.command)}`);
    return { status: 'planned', jobName: plan.jobName, detail: taskArn ? `would follow ${taskArn}` : `would run ${definition.family}:${definition.revision} on ${cluster}` };
  }

  const startedHere = !taskArn;
  if (!taskArn) {
    if (signal.aborted) return { status: 'cancelled', jobName: plan.jobName, detail: 'the workflow run was cancelled before the task was started; nothing runs' };
    const response = await awsCall('ECS RunTask', () => client.send(new ecs.RunTaskCommand(request))).catch((error) => fail('ECS RunTask', error, 'ecs:RunTask (and iam:PassRole for the task roles)'));
    if (response.failures?.length || !response.tasks?.length) {
      const failures = response.failures ?? [];
      throw new ActionError(`ECS could not start the migration task: ${failures.length ? describeFailures(failures) : 'RunTask returned no task'}`, { check: failureHints(failures) });
    }
    taskArn = response.tasks[0].taskArn!;
    core.info(`Started task ${taskArn} (${definition.family}:${definition.revision}, container "${picked.name}"${override.command ? `, command ${formatArgv(override.command)}` : ''})`);
  }

  const sink = new LogSink(logFile, (line) => core.info(line));
  const logs = awslogsLocation({ name: picked.name, logConfiguration: containerDef.logConfiguration as EcsContainerDefinitionView['logConfiguration'] }, taskArn);
  const cwl = logs ? await import('@aws-sdk/client-cloudwatch-logs') : undefined;
  const logsClient = logs && cwl ? new cwl.CloudWatchLogsClient(awsClientConfig({ region: logs.region ?? region })) : undefined;
  let nextToken: string | undefined;
  let logsWarned = false;
  const pumpLogs = async () => {
    if (!logs || !logsClient || !cwl) return;
    for (let page = 0; page < 20; page++) {
      try {
        const out = await logsClient.send(new cwl.GetLogEventsCommand({ logGroupName: logs.group, logStreamName: logs.stream, startFromHead: true, nextToken }));
        for (const event of out.events ?? []) sink.line(event.message ?? '');
        if (!out.nextForwardToken || out.nextForwardToken === nextToken) return;
        nextToken = out.nextForwardToken;
        if (!out.events?.length) return;
      } catch (error) {
        if ((error as Error)?.name === 'ResourceNotFoundException') return; // the stream appears when the container starts
        if (!logsWarned) core.warning(`Could not read the task's CloudWatch logs (${logs.group} ${logs.stream}): ${errorMessage(error)}`);
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
      return { ...common, detail: `the workflow run was cancelled; the task ${taskArn} (started by an earlier run) was left running`, check: ['stop it yourself if it must not finish: aws ecs stop-task --cluster ' + cluster + ' --task ' + taskArn] };
    }
    try {
      await awsCall('ECS StopTask', () => client.send(new ecs.StopTaskCommand({ cluster, task: taskArn!, reason: CANCEL_REASON })), { attempts: 3, maxElapsedMs: 5_000 });
      core.info(`Cancelled: asked ECS to stop task ${taskArn} (StopTask, reason "${CANCEL_REASON}")`);
      return { ...common, detail: `the workflow run was cancelled; the task ${taskArn} was stopped` };
    } catch (error) {
      core.warning(`The workflow run was cancelled, but the task ${taskArn} could not be stopped: ${errorMessage(error)}`);
      return { ...common, detail: `the workflow run was cancelled; stopping the task ${taskArn} failed and it may still be running`, check: [`stop it: aws ecs stop-task --cluster ${cluster} --task ${taskArn}`] };
    }
  };
  // An abort cuts an in-flight DescribeTasks short and is never retried.
  const describeOptions = { classify: (error: unknown) => (signal.aborted ? { retryable: false, reason: 'cancelled' } : classifyError(error)) };

  const started = Date.now();
  const deadline = started + plan.timeoutMs;
  let task: EcsTaskView | undefined;
  let lastStatus = '';
  for (;;) {
    if (signal.aborted) return cancelled();
    const out = await awsCall('ECS DescribeTasks', () => client.send(new ecs.DescribeTasksCommand({ cluster, tasks: [taskArn!] }), { abortSignal: signal }), describeOptions).catch((error) =>
      signal.aborted ? undefined : fail('ECS DescribeTasks', error, 'ecs:DescribeTasks'),
    );
    if (!out) return cancelled();
    task = out.tasks?.[0] as EcsTaskView | undefined;
    if (!task) {
      throw new ActionError(`The task ${taskArn} is gone from ECS`, { why: out.failures?.length ? describeFailures(out.failures) : 'DescribeTasks returned nothing', check: ['ECS forgets stopped tasks after about an hour'] });
    }
    if (task.lastStatus !== lastStatus) {
      core.info(`… task ${task.lastStatus}${task.stoppedReason ? ` (${task.stoppedReason})` : ''}`);
      lastStatus = task.lastStatus ?? '';
    }
    await pumpLogs();
    if (task.lastStatus === 'STOPPED') break;
    if (Date.now() >= deadline) {
      await awsCall('ECS StopTask', () => client.send(new ecs.StopTaskCommand({ cluster, task: taskArn!, reason: `deploy-kit migrate-job: timeout ${formatDuration(plan.timeoutMs)}` }))).catch((error) =>
        core.warning(`Could not stop task ${taskArn} after the timeout: ${errorMessage(error)}`),
      );
      sink.end();
      return {
        status: 'timed-out',
        jobName: plan.jobName,
        taskArn,
        logFile,
        tail: sink.lastLines(),
        detail: `the task did not stop within ${formatDuration(plan.timeoutMs)}; it was asked to stop`,
        check: ['a migration waiting for a database lock can hang: check for long-running transactions', 'raise `timeout` if the migration is legitimately slow'],
      };
    }
    await pause(Math.min(pollDelay(Date.now() - started), Math.max(0, deadline - Date.now()) + 10), signal);
  }
  await pumpLogs();
  sink.end();
  const outcome = interpretTask(task, definitions, picked.name);
  const rows: [string, string][] = [['task', taskArn], ['container', picked.name]];
  if (task.stopCode || task.stoppedReason) rows.push(['stopped', [task.stopCode, task.stoppedReason].filter(Boolean).join(': ')]);
  const common = { jobName: plan.jobName, taskArn, logFile, tail: sink.lastLines(), rows };
  if (outcome.state === 'succeeded') return { ...common, status: 'succeeded', exitCode: 0, detail: `container "${picked.name}" exited with code 0` };
  if (outcome.state === 'failed') {
    return {
      ...common,
      status: 'failed',
      exitCode: outcome.exitCode,
      detail: outcome.message,
      check:
        outcome.kind === 'not-started'
          ? ['the image exists and the task execution role can pull it and read its secrets', 'subnets/security groups let the task reach ECR and Secrets Manager (or VPC endpoints exist)']
          : [`the migration's log above${logs ? ` (CloudWatch ${logs.group} / ${logs.stream})` : ''}`],
    };
  }
  return { ...common, status: 'failed', detail: 'the task stopped in an unexpected state' };
}
