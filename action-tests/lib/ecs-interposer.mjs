// ECS interposer: the smallest loopback HTTP proxy in front of moto's server, for the ECS task outcomes
// moto cannot produce. Everything is forwarded to moto unchanged, except what a test asks for.
//
// Why: moto 5.x models a task as ONE container (containerDefinitions[0]) that always stops with exit code
// 0, no stopCode, and RunTask never answers failures[]. Real ECS stops a task with the migration
// container's (or a sidecar's) non-zero exit code, with no exit code at all when the container never
// started (stopCode TaskFailedToStart, stoppedReason "CannotPullContainerError: …" or
// "ResourceInitializationError: unable to pull secrets …"), answers RunTask with failures[] instead of a
// task when it cannot place it (RESOURCE:MEMORY, MISSING, AGENT), and throttles/fails calls (400
// ThrottlingException, 500 ServerException). migrate-job must read all of these; moto keeps the rest real
// (task definitions, RunTask's overrides and awsvpc, the RUNNING → … → STOPPED lifecycle, StopTask,
// CloudWatch Logs).
//
// What it rewrites (each rule set by the test, bounded, and cleared with reset()):
//   stopped(patch)           DescribeTasks answers: a task moto reports STOPPED (and that patch.match
//                            accepts) gets stopCode/stoppedReason and its containers by name (exitCode,
//                            reason; exitCode null removes the field, as ECS omits it). Containers moto
//                            does not model (any but the first) are added, copied from moto's one.
//   placementFailures(list)  the next RunTask is answered {tasks: [], failures: list} without reaching moto
//                            (ECS starts nothing when it cannot place the task). Once.
//   inject(op, errors, {after})  after `after` requests of operation `op` (e.g. 'DescribeTasks') went
//                            through, the next len(errors) are answered with these AWS JSON errors
//                            ({status, type, message}) instead of reaching moto. Each error is used once.
//   deployments(options)     service deployments as ECS makes them (moto 5.x keeps one deployment per
//                            service for ever: UpdateService neither starts a new one nor changes its task
//                            definition, and its rolloutState never moves). While set, each UpdateService
//                            answer moto gives starts a deployment `ecs-svc/deploy-kit-<n>` (PRIMARY, the
//                            service's new task definition, IN_PROGRESS; the earlier ones become ACTIVE), and
//                            DescribeServices answers the modelled list: each deployment follows the next
//                            rollout of options.rollouts ({looks, state: 'COMPLETED'|'FAILED', reason,
//                            failedTasks}; default: COMPLETED on the first look), and a COMPLETED one
//                            drains the others. options.circuitBreaker ({enable, rollback}) is shown as the
//                            service's deploymentConfiguration. options.onDeployment(deployment, service) is
//                            awaited before UpdateService is answered (a test starts the deployment's tasks
//                            in moto there, with startedBy = the deployment id, as ECS does).
// Every request is logged in `log` ({operation, status, injected?, rewritten?}). Binds 127.0.0.1 only.
import { createServer, request as httpRequest } from 'node:http';

const ECS_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const MAX_RULES = 50;

/** Starts the interposer in front of moto (`target`, http://127.0.0.1:port). */
export async function startEcsInterposer(target) {
  const upstream = new URL(target);
  const log = [];
  let stoppedRule;
  let placement;
  const injections = new Map(); // operation → { after, seen, errors[] }
  let deploymentModel; // { options, rollouts[], services: Map(serviceArn → deployments[]) }
  let deploymentCount = 0; // never reset: deployment ids are unique, as ECS's are (tasks are found by them)

  const answer = (res, status, body, headers = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': `interposer-${log.length}`,
      ...headers,
    });
    res.end(text);
  };

  const patchTask = (task) => {
    if (!stoppedRule || task.lastStatus !== 'STOPPED' || (stoppedRule.match && !stoppedRule.match(task))) return false;
    const { stopCode, stoppedReason, containers = [] } = stoppedRule;
    if (stopCode !== undefined) task.stopCode = stopCode;
    if (stoppedReason !== undefined) task.stoppedReason = stoppedReason;
    task.desiredStatus = 'STOPPED';
    const list = task.containers ?? [];
    for (const wanted of containers) {
      let container = list.find((c) => c.name === wanted.name);
      if (!container) {
        const model = list[0] ?? {};
        container = {
          ...model,
          name: wanted.name,
          containerArn: `${String(model.containerArn ?? task.taskArn).replace(/\/[^/]*$/, '')}/${wanted.name}`,
        };
        list.push(container);
      }
      container.lastStatus = 'STOPPED';
      if (wanted.exitCode === null) delete container.exitCode;
      else if (wanted.exitCode !== undefined) container.exitCode = wanted.exitCode;
      if (wanted.reason !== undefined) container.reason = wanted.reason;
    }
    task.containers = list;
    return true;
  };

  const modelledService = (service) => {
    const model = deploymentModel;
    let list = model.services.get(service.serviceArn);
    if (!list) {
      // First sight of the service: what moto holds, as a deployment that completed long ago.
      list = (service.deployments ?? []).map((d) => ({
        ...d,
        rolloutState: 'COMPLETED',
        rolloutStateReason: `ECS deployment ${d.id} completed.`,
      }));
      model.services.set(service.serviceArn, list);
    }
    return list;
  };
  const showService = (service) => {
    service.deployments = modelledService(service).map(({ rollout: _rollout, looks: _looks, ...d }) => ({ ...d }));
    if (deploymentModel.options.circuitBreaker)
      service.deploymentConfiguration = {
        ...(service.deploymentConfiguration ?? {}),
        deploymentCircuitBreaker: deploymentModel.options.circuitBreaker,
      };
  };
  const startDeployment = async (service) => {
    const model = deploymentModel;
    const list = modelledService(service);
    for (const d of list) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    const id = `ecs-svc/deploy-kit-${++deploymentCount}`;
    const now = Date.now() / 1000;
    const deployment = {
      id,
      status: 'PRIMARY',
      taskDefinition: service.taskDefinition,
      desiredCount: service.desiredCount ?? 1,
      pendingCount: service.desiredCount ?? 1,
      runningCount: 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      launchType: service.launchType,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
      rollout: model.rollouts.shift() ?? { looks: 1, state: 'COMPLETED' },
      looks: 0,
    };
    list.unshift(deployment);
    if (model.options.onDeployment) await model.options.onDeployment({ id, taskDefinition: deployment.taskDefinition }, service);
    showService(service);
  };
  const advance = (service) => {
    const list = modelledService(service);
    const primary = list.find((d) => d.status === 'PRIMARY');
    if (primary?.rollout && primary.rolloutState === 'IN_PROGRESS' && ++primary.looks >= primary.rollout.looks) {
      const { state, reason, failedTasks } = primary.rollout;
      primary.rolloutState = state;
      primary.updatedAt = Date.now() / 1000;
      if (failedTasks !== undefined) primary.failedTasks = failedTasks;
      if (state === 'COMPLETED') {
        primary.runningCount = primary.desiredCount;
        primary.pendingCount = 0;
        primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
        list.splice(0, list.length, primary);
      } else primary.rolloutStateReason = reason ?? `ECS deployment ${primary.id} failed.`;
    }
    showService(service);
  };

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const operation = amzTarget.startsWith(ECS_PREFIX) ? amzTarget.slice(ECS_PREFIX.length) : amzTarget || `${req.method} ${req.url}`;
      const entry = { operation, status: 0 };
      log.push(entry);

      const injection = injections.get(operation);
      if (injection) {
        if (injection.seen >= injection.after && injection.errors.length) {
          const error = injection.errors.shift();
          entry.status = error.status;
          entry.injected = error.type;
          answer(
            res,
            error.status,
            { __type: error.type, message: error.message ?? 'injected by the ECS interposer' },
            { 'x-amzn-errortype': error.type },
          );
          return;
        }
        injection.seen++;
      }
      if (operation === 'RunTask' && placement) {
        const failures = placement;
        placement = undefined;
        entry.status = 200;
        entry.rewritten = true;
        answer(res, 200, { tasks: [], failures });
        return;
      }

      const modelled = deploymentModel !== undefined && (operation === 'UpdateService' || operation === 'DescribeServices');
      const rewrite = (operation === 'DescribeTasks' && stoppedRule !== undefined) || modelled;
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      if (rewrite) delete headers['accept-encoding'];
      const proxied = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (reply) => {
        entry.status = reply.statusCode ?? 0;
        if (!rewrite || reply.statusCode !== 200) {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
          return;
        }
        const parts = [];
        reply.on('data', (c) => parts.push(c));
        reply.on('end', async () => {
          const parsed = JSON.parse(Buffer.concat(parts).toString('utf8'));
          if (operation === 'DescribeTasks') for (const task of parsed.tasks ?? []) if (patchTask(task)) entry.rewritten = true;
          if (operation === 'UpdateService' && parsed.service) {
            await startDeployment(parsed.service);
            entry.rewritten = true;
          }
          if (operation === 'DescribeServices') {
            for (const service of parsed.services ?? []) advance(service);
            entry.rewritten = true;
          }
          const text = JSON.stringify(parsed);
          const out = { ...reply.headers, 'content-length': String(Buffer.byteLength(text)) };
          delete out['transfer-encoding'];
          res.writeHead(200, out);
          res.end(text);
        });
      });
      proxied.on('error', (error) => {
        entry.status = 502;
        if (!res.headersSent) answer(res, 502, { __type: 'InterposerUpstreamError', message: error.message });
        else res.destroy();
      });
      proxied.end(body);
    });
  });
  const port = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    /** Operations seen, in order (e.g. ['DescribeTaskDefinition', 'ListTasks', 'RunTask', …]). */
    operations: () => log.map((e) => e.operation),
    stopped(patch) {
      stoppedRule = patch;
    },
    deployments(options = {}) {
      deploymentModel = { options, rollouts: [...(options.rollouts ?? [])], services: new Map() };
    },
    placementFailures(failures) {
      placement = failures;
    },
    inject(operation, errors, { after = 0 } = {}) {
      if (errors.length > MAX_RULES) throw new Error(`at most ${MAX_RULES} injected errors`);
      injections.set(operation, { after, seen: 0, errors: [...errors] });
    },
    /** Injected errors not used yet, for every operation. */
    pending: () => [...injections.values()].reduce((n, i) => n + i.errors.length, 0),
    reset() {
      stoppedRule = undefined;
      placement = undefined;
      deploymentModel = undefined;
      injections.clear();
      log.length = 0;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
