/**
 * The ECS calls ecs-deploy makes, behind one small interface (EcsApi) so the flow is unit-tested with
 * a fake, and their implementation over @aws-sdk/client-ecs: the client built from core's
 * `awsClientConfig` (one configuration for every AWS client of the suite), each call retried with the
 * suite's policy and bounded by the step's deadline, and every failure turned into a message that
 * names the call, the reason and the IAM permission it needs.
 */
import { ActionError, classifyError, errorMessage, type EcsTaskView } from '@deploy-kit/core';
import { awsCall, awsClientConfig, awsErrorName, describeCommonAwsError } from '@deploy-kit/core/aws';
import type { TaskDefinitionJson } from './render.js';
import type { DeploymentView, ServiceView } from './rollout.js';

export interface RegisteredTaskDefinition {
  arn: string;
  family: string;
  revision: number;
}

export interface EcsApi {
  /** The service, or undefined when ECS answers MISSING. */
  describeService(cluster: string, service: string): Promise<ServiceView | undefined>;
  describeTaskDefinition(taskDefinition: string): Promise<{ taskDefinition: TaskDefinitionJson; tags: unknown[] }>;
  registerTaskDefinition(input: TaskDefinitionJson): Promise<RegisteredTaskDefinition>;
  updateService(cluster: string, service: string, taskDefinition: string, forceNewDeployment: boolean): Promise<ServiceView>;
  /** The stopped tasks a deployment started (`startedBy` = its id), newest ECS still remembers. */
  stoppedTasks(cluster: string, startedBy: string): Promise<EcsTaskView[]>;
}

/** Request limit per call (the SDK's socket limit); no call outlives the step (`deadline`). */
const REQUEST_TIMEOUT_MS = 30_000;

type SdkService = {
  serviceArn?: string;
  serviceName?: string;
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  deploymentController?: { type?: string };
  deploymentConfiguration?: { deploymentCircuitBreaker?: { enable?: boolean; rollback?: boolean } };
  deployments?: Array<Record<string, unknown>>;
  events?: Array<{ createdAt?: Date; message?: string }>;
};

export function serviceView(s: SdkService): ServiceView {
  const breaker = s.deploymentConfiguration?.deploymentCircuitBreaker;
  return {
    arn: s.serviceArn ?? '',
    name: s.serviceName ?? '',
    status: s.status,
    taskDefinition: s.taskDefinition,
    desiredCount: s.desiredCount,
    deploymentController: s.deploymentController?.type ?? 'ECS',
    circuitBreaker: breaker ? { enable: breaker.enable === true, rollback: breaker.rollback === true } : undefined,
    deployments: (s.deployments ?? []).map((d): DeploymentView => ({
      id: String(d.id ?? ''),
      status: d.status as string | undefined,
      taskDefinition: d.taskDefinition as string | undefined,
      rolloutState: d.rolloutState as string | undefined,
      rolloutStateReason: d.rolloutStateReason as string | undefined,
      desiredCount: d.desiredCount as number | undefined,
      runningCount: d.runningCount as number | undefined,
      pendingCount: d.pendingCount as number | undefined,
      failedTasks: d.failedTasks as number | undefined,
    })),
    events: (s.events ?? []).map((e) => ({ createdAt: e.createdAt, message: e.message })),
  };
}

/** An ECS failure as an ActionError: the common AWS ones (credentials, denied, endpoint), then ECS's own. */
export function describeEcsError(error: unknown, what: string, context: { region: string; permission: string; endpoint: string }) {
  const name = awsErrorName(error);
  const detail = errorMessage(error);
  if (name === 'TimeoutError' || name === 'AbortError')
    return new ActionError(`${what} failed: ECS at ${context.endpoint} did not answer before the step's deadline`, {
      check: ['the runner can reach the endpoint (network, proxy, VPC endpoint)', 'raise `timeout` if AWS is legitimately slow'],
      cause: error,
    });
  const common = describeCommonAwsError(error, what, { region: context.region, permission: context.permission });
  if (common) return common;
  if (name === 'ClusterNotFoundException')
    return new ActionError(`${what} failed: the cluster does not exist in ${context.region}`, {
      why: detail,
      check: ['`cluster` (name or ARN) and `region`'],
      cause: error,
    });
  if (name === 'ServiceNotFoundException' || name === 'ServiceNotActiveException')
    return new ActionError(`${what} failed: the service does not exist or is not active`, {
      why: detail,
      check: ['`service` and `cluster`: the service must exist in that cluster'],
      cause: error,
    });
  if (name === 'ClientException' || name === 'InvalidParameterException')
    return new ActionError(`${what} failed: ECS refused the request (${name})`, {
      why: detail,
      check: ['the task definition and the service settings named in the message'],
      cause: error,
    });
  return new ActionError(`${what} failed${name ? ` (${name})` : ''}`, { why: detail, cause: error });
}

/** The SDK implementation; `deadline` (epoch ms) bounds every call and its retries. */
export async function createEcsApi(options: { region: string; endpoint: string; deadline: number }): Promise<EcsApi & { close(): void }> {
  const ecs = await import('@aws-sdk/client-ecs');
  const client = new ecs.ECSClient(awsClientConfig({ region: options.region, requestTimeoutMs: REQUEST_TIMEOUT_MS }));
  const call = async <T>(what: string, permission: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> => {
    const remaining = Math.max(1, options.deadline - Date.now());
    const abortSignal = AbortSignal.timeout(remaining);
    try {
      return await awsCall(what, () => send(abortSignal), {
        classify: (error: unknown) => (abortSignal.aborted ? { retryable: false, reason: 'the step ended' } : classifyError(error)),
        maxElapsedMs: Math.min(120_000, remaining),
      });
    } catch (error) {
      throw describeEcsError(error, what, { region: options.region, permission, endpoint: options.endpoint });
    }
  };
  return {
    async describeService(cluster, service) {
      const out = await call('ECS DescribeServices', 'ecs:DescribeServices', (abortSignal) =>
        client.send(new ecs.DescribeServicesCommand({ cluster, services: [service] }), { abortSignal }),
      );
      const found = out.services?.[0];
      return found ? serviceView(found as SdkService) : undefined;
    },
    async describeTaskDefinition(taskDefinition) {
      const out = await call('ECS DescribeTaskDefinition', 'ecs:DescribeTaskDefinition', (abortSignal) =>
        client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }), { abortSignal }),
      );
      return { taskDefinition: out.taskDefinition as TaskDefinitionJson, tags: out.tags ?? [] };
    },
    async registerTaskDefinition(input) {
      const out = await call(
        'ECS RegisterTaskDefinition',
        'ecs:RegisterTaskDefinition (and iam:PassRole for the task roles)',
        (abortSignal) => client.send(new ecs.RegisterTaskDefinitionCommand(input as never), { abortSignal }),
      );
      const td = out.taskDefinition!;
      return { arn: td.taskDefinitionArn!, family: td.family!, revision: td.revision! };
    },
    async updateService(cluster, service, taskDefinition, forceNewDeployment) {
      const out = await call('ECS UpdateService', 'ecs:UpdateService (and iam:PassRole)', (abortSignal) =>
        client.send(new ecs.UpdateServiceCommand({ cluster, service, taskDefinition, forceNewDeployment }), { abortSignal }),
      );
      return serviceView(out.service as SdkService);
    },
    async stoppedTasks(cluster, startedBy) {
      const listed = await call('ECS ListTasks', 'ecs:ListTasks', (abortSignal) =>
        client.send(new ecs.ListTasksCommand({ cluster, startedBy, desiredStatus: 'STOPPED' }), { abortSignal }),
      );
      const arns = listed.taskArns ?? [];
      if (arns.length === 0) return [];
      const described = await call('ECS DescribeTasks', 'ecs:DescribeTasks', (abortSignal) =>
        client.send(new ecs.DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100) }), { abortSignal }),
      );
      // Listed by desired status; only a task that has actually stopped counts.
      return ((described.tasks ?? []) as EcsTaskView[]).filter((t) => t.lastStatus === 'STOPPED');
    },
    close: () => client.destroy(),
  };
}
