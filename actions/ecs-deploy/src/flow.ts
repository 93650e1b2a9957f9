/**
 * The service deploy in named phases, each in its log group (`deps.group`): read the service; render
 * the task definition (the release's images in by digest, with the diff against its base) or read the
 * revision to deploy as it is; register it; update the service; wait for the deployment's rollout
 * (rollout.ts judges each look); on failure with `rollback-on-failure`, update the service back to the
 * revision it ran before and wait for that too. The result says what happened in each, both outcomes
 * on a rollback; `failure` is set whenever the deploy did not complete. A dry run stops after the render.
 */
import { ActionError, errorMessage, formatDuration, type PhaseReport } from '@deploy-kit/core';
import type { DeployConfig } from './config.js';
import type { EcsApi } from './ecs-api.js';
import { type ContainerChange, type TaskDefinitionJson, registerInputOf, renderTaskDefinition, taskDefinitionDiff } from './render.js';
import { type Assessment, type FailureKind, type ServiceView, assess, checksFor, revisionName } from './rollout.js';

export interface FlowDeps {
  ecs: EcsApi;
  log: { info(message: string): void; warning(message: string): void };
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The runner's cancellation: the wait stops; the deployment itself goes on in ECS. */
  signal?: AbortSignal;
}

export interface TaskDefinitionRef {
  arn: string;
  /** `family:revision`. */
  name: string;
  revision: number | null;
}

export interface WaitResult {
  deploymentId: string;
  taskDefinition: TaskDefinitionRef;
  /** completed, failed, cancelled, or started (not waited for). */
  outcome: 'completed' | 'failed' | 'cancelled' | 'started';
  rolloutState: string;
  failureKind?: FailureKind | 'cancelled';
  message?: string;
  /** The deployment's stopped tasks, one line each. */
  tasks: string[];
}

export interface DeployResult {
  cluster: string;
  service: string;
  serviceArn?: string;
  /** The revision the service ran before this step. */
  previous?: TaskDefinitionRef;
  /** The revision deployed (registered here, or deployed as it is). */
  target?: TaskDefinitionRef;
  registered: boolean;
  changes: ContainerChange[];
  /** Services of the release no container runs. */
  unused: string[];
  diff: string[];
  /** planned (dry run), unchanged (nothing to deploy), started (no wait), deployed, failed. */
  outcome: 'planned' | 'unchanged' | 'started' | 'deployed' | 'failed';
  deployment?: WaitResult;
  rollback?: WaitResult;
  phases: PhaseReport[];
  failure?: ActionError;
}

export function refOf(arn: string): TaskDefinitionRef {
  const name = revisionName(arn);
  const revision = /:(\d+)$/.exec(name);
  return { arn, name, revision: revision ? Number(revision[1]) : null };
}

export async function runDeploy(config: DeployConfig, deps: FlowDeps): Promise<DeployResult> {
  const { ecs, log } = deps;
  const result: DeployResult = {
    cluster: config.cluster,
    service: config.service,
    registered: false,
    changes: [],
    unused: [],
    diff: [],
    outcome: 'failed',
    phases: [],
  };
  const phase = async <T>(name: string, fn: () => Promise<T>, outcome: (value: T) => string): Promise<T> => {
    const started = deps.now();
    try {
      const value = await deps.group(name, fn);
      result.phases.push({ name, outcome: outcome(value), ms: deps.now() - started });
      return value;
    } catch (error) {
      result.phases.push({ name, outcome: errorMessage(error), ms: deps.now() - started, failed: true });
      throw error;
    }
  };

  try {
    // 1. The service: it must exist, be active and be deployed by ECS's rolling update.
    const service = await phase(
      'Read the service',
      async () => {
        const found = await ecs.describeService(config.cluster, config.service);
        if (!found || found.status === 'INACTIVE' || found.status === 'DRAINING')
          throw new ActionError(
            `The service "${config.service}" ${found ? `is ${found.status}` : 'does not exist'} in the cluster "${config.cluster}" (${config.region})`,
            {
              check: ['`service`, `cluster` and `region`'],
            },
          );
        if (found.deploymentController && found.deploymentController !== 'ECS')
          throw new ActionError(`The service "${config.service}" is deployed by ${found.deploymentController}, not ECS's rolling update`, {
            why: 'UpdateService cannot change the task definition of a CODE_DEPLOY or EXTERNAL service',
            check: ['deploy it with CodeDeploy (aws-actions/amazon-ecs-deploy-task-definition with codedeploy-appspec)'],
          });
        log.info(
          `Service ${found.arn || config.service}: ${found.taskDefinition ? revisionName(found.taskDefinition) : 'no task definition'}, desired ${found.desiredCount ?? 0}, circuit breaker ${found.circuitBreaker?.enable ? `on (rollback ${found.circuitBreaker.rollback ? 'on' : 'off'})` : 'off'}`,
        );
        return found;
      },
      (s) => `runs ${revisionName(s.taskDefinition)}`,
    );
    result.serviceArn = service.arn;
    if (service.taskDefinition) result.previous = refOf(service.taskDefinition);

    // 2. The task definition to deploy: rendered with the release's images, or a revision as it is.
    const plan = await phase(
      config.images.length ? 'Render the task definition' : 'Read the task definition',
      async () => {
        let base: TaskDefinitionJson;
        let tags: unknown[] = [];
        let label: string;
        if (config.source.kind === 'file') {
          base = config.source.definition;
          label = config.source.path;
        } else {
          const reference = config.source.kind === 'reference' ? config.source.reference : service.taskDefinition;
          if (!reference)
            throw new ActionError(`The service "${config.service}" has no task definition to start from`, {
              check: ['give `task-definition` or `task-definition-file`'],
            });
          const described = await ecs.describeTaskDefinition(reference);
          base = described.taskDefinition;
          tags = described.tags;
          label = revisionName(String(base.taskDefinitionArn ?? reference));
        }
        if (config.images.length === 0) {
          if (config.source.kind === 'file') return { register: registerInputOf(base), label, existing: undefined };
          log.info(`Deploying ${label} as it is (no images given)`);
          return { register: undefined, label, existing: String(base.taskDefinitionArn) };
        }
        const rendered = renderTaskDefinition(base, config.images, { containers: config.containers, tags, source: label });
        result.changes = rendered.changes;
        result.unused = rendered.unused.map((i) => i.service);
        for (const c of rendered.changes)
          log.info(
            `container "${c.container}" (by ${c.matchedBy}) → ${c.service}: ${c.from === c.to ? `already ${c.to}` : `${c.from} → ${c.to}`}`,
          );
        if (rendered.unused.length) log.info(`Not in ${label}: ${result.unused.join(', ')} (no container runs them)`);
        result.diff = taskDefinitionDiff(registerInputOf(base, tags), rendered.input);
        if (result.diff.length) log.info([`The task definition, rendered from ${label}:`, ...result.diff].join('\n'));
        // The service already runs exactly this: nothing to register or deploy.
        const current = !rendered.changed && typeof base.taskDefinitionArn === 'string' ? base.taskDefinitionArn : undefined;
        return { register: current ? undefined : rendered.input, label, existing: current };
      },
      (p) => (p.register ? `${result.changes.length} container(s) from ${p.label}` : `${p.label} as it is`),
    );

    const unchanged = !plan.register && plan.existing === service.taskDefinition && !config.forceNewDeployment;
    if (config.dryRun) {
      log.info(
        `[dry-run] would ${plan.register ? `register a revision of ${String(plan.register.family)}` : `deploy ${revisionName(plan.existing)}`}${unchanged ? ' (the service already runs it: nothing would change)' : ` and update the service ${config.service}`}`,
      );
      if (plan.existing) result.target = refOf(plan.existing);
      result.outcome = 'planned';
      return result;
    }
    if (unchanged) {
      log.info(`The service already runs ${revisionName(plan.existing)}: nothing to deploy (force-new-deployment: false)`);
      result.target = refOf(plan.existing!);
      result.outcome = 'unchanged';
      return result;
    }

    // 3. Register the rendered revision.
    let target: TaskDefinitionRef;
    if (plan.register) {
      const registered = await phase(
        'Register the task definition',
        async () => {
          const r = await ecs.registerTaskDefinition(plan.register!);
          log.info(`Registered ${r.family}:${r.revision} (${r.arn})`);
          return r;
        },
        (r) => `${r.family}:${r.revision}`,
      );
      target = { arn: registered.arn, name: `${registered.family}:${registered.revision}`, revision: registered.revision };
      result.registered = true;
    } else target = refOf(plan.existing!);
    result.target = target;

    // 4 and 5. Update the service and wait for the deployment.
    result.deployment = await deployAndWait(target, 'deploy');
    if (result.deployment.outcome === 'completed' || result.deployment.outcome === 'started') {
      result.outcome = result.deployment.outcome === 'completed' ? 'deployed' : 'started';
      return result;
    }
    const failed = result.deployment;
    const deployFailure = failureOf(failed, service);

    // 6. Roll back to the revision the service ran before, when asked.
    if (config.rollbackOnFailure && failed.outcome === 'failed') {
      if (!result.previous || result.previous.arn === target.arn) {
        log.warning('rollback-on-failure: the service ran no other revision before this step, so there is nothing to roll back to');
      } else {
        try {
          result.rollback = await deployAndWait(result.previous, 'rollback');
        } catch (error) {
          result.rollback = {
            deploymentId: '',
            taskDefinition: result.previous,
            outcome: 'failed',
            rolloutState: '',
            message: errorMessage(error),
            tasks: [],
          };
        }
      }
    }
    result.failure = combinedFailure(deployFailure, result.rollback);
    return result;
  } catch (error) {
    result.failure = error instanceof ActionError ? error : new ActionError(errorMessage(error), { cause: error });
    return result;
  }

  function failureOf(wait: WaitResult, service: ServiceView): ActionError {
    if (wait.outcome === 'cancelled')
      return new ActionError(`The workflow run was cancelled while the deployment ${wait.deploymentId} rolled out`, {
        why: 'the deployment goes on in ECS; only the wait stopped',
        check: [`aws ecs describe-services --cluster ${config.cluster} --services ${config.service}`],
      });
    return new ActionError(wait.message ?? `The deployment ${wait.deploymentId} failed`, {
      why: wait.tasks.length ? `stopped tasks:\n${wait.tasks.map((t) => `    ${t}`).join('\n')}` : undefined,
      check: checksFor(wait.failureKind as FailureKind, service),
    });
  }

  async function deployAndWait(target: TaskDefinitionRef, what: 'deploy' | 'rollback'): Promise<WaitResult> {
    const rollback = what === 'rollback';
    const updated = await phase(
      rollback ? `Roll back to ${target.name}` : 'Update the service',
      async () => {
        const s = await ecs.updateService(config.cluster, config.service, target.arn, rollback ? false : config.forceNewDeployment);
        const deployment =
          s.deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === target.arn) ??
          s.deployments.find((d) => d.status === 'PRIMARY');
        if (!deployment)
          throw new ActionError(`UpdateService answered without a deployment of ${target.name}`, {
            check: ['the service events in the ECS console'],
          });
        log.info(`${rollback ? 'Rolling back' : 'Deploying'}: service ${config.service} → ${target.name}, deployment ${deployment.id}`);
        return { service: s, deploymentId: deployment.id, rolloutState: deployment.rolloutState ?? '' };
      },
      (u) => `deployment ${u.deploymentId}`,
    );
    const base: WaitResult = {
      deploymentId: updated.deploymentId,
      taskDefinition: target,
      outcome: 'started',
      rolloutState: updated.rolloutState,
      tasks: [],
    };
    if (!config.wait && !rollback) return base;
    return phase(
      rollback ? `Wait for the rollback deployment` : 'Wait for the deployment',
      () => waitForRollout(base),
      (w) => `${w.outcome}${w.rolloutState ? ` (${w.rolloutState})` : ''}`,
    );
  }

  async function waitForRollout(wait: WaitResult): Promise<WaitResult> {
    const started = deps.now();
    const deadline = started + config.timeoutMs;
    const seenEvents = new Set<string>();
    let lastProgress = '';
    for (;;) {
      if (deps.signal?.aborted) return { ...wait, outcome: 'cancelled', failureKind: 'cancelled' };
      const service = await ecs.describeService(config.cluster, config.service);
      if (!service) throw new ActionError(`The service "${config.service}" disappeared while it was being deployed`);
      for (const event of [...service.events].reverse()) {
        const at = event.createdAt ? new Date(event.createdAt).getTime() : 0;
        const key = `${at} ${event.message}`;
        if (at >= started - 1000 && !seenEvents.has(key) && event.message) log.info(`event: ${event.message}`);
        seenEvents.add(key);
      }
      const stoppedTasks = await ecs.stoppedTasks(config.cluster, wait.deploymentId);
      const judged: Assessment = assess(
        wait.deploymentId,
        { service, stoppedTasks, now: deps.now() },
        { deadline, stoppedTaskLimit: config.stoppedTaskLimit, timeoutText: formatDuration(config.timeoutMs) },
      );
      if (judged.state === 'completed') {
        log.info(`Deployment ${wait.deploymentId} COMPLETED (${revisionName(judged.deployment.taskDefinition)})`);
        return { ...wait, outcome: 'completed', rolloutState: 'COMPLETED' };
      }
      if (judged.state === 'failed') {
        log.info(judged.message);
        for (const task of judged.tasks) log.info(`  ${task}`);
        return {
          ...wait,
          outcome: 'failed',
          rolloutState: judged.deployment?.rolloutState ?? '',
          failureKind: judged.kind,
          message: judged.message,
          tasks: judged.tasks,
        };
      }
      if (judged.progress !== lastProgress) log.info(`… ${judged.progress}`);
      lastProgress = judged.progress;
      wait.rolloutState = judged.deployment.rolloutState ?? wait.rolloutState;
      await deps.sleep(Math.min(config.pollIntervalMs, Math.max(0, deadline - deps.now()) + 10), deps.signal).catch(() => undefined);
    }
  }
}

/** The deploy's failure, with the rollback's outcome when one ran: both are said. */
export function combinedFailure(deploy: ActionError, rollback: WaitResult | undefined): ActionError {
  if (!rollback) return deploy;
  const outcome =
    rollback.outcome === 'completed'
      ? `rolled back to ${rollback.taskDefinition.name}: deployment ${rollback.deploymentId} COMPLETED`
      : `the rollback to ${rollback.taskDefinition.name} did not complete either: ${rollback.message ?? rollback.outcome}`;
  return new ActionError(`${deploy.message}; ${outcome}`, {
    why: [deploy.why, rollback.tasks.length ? `rollback's stopped tasks:\n${rollback.tasks.map((t) => `    ${t}`).join('\n')}` : undefined]
      .filter(Boolean)
      .join('\n'),
    check:
      rollback.outcome === 'completed'
        ? deploy.check
        : [...deploy.check, 'the service is in neither revision: deploy a known good revision by hand'],
  });
}
