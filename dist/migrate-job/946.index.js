export const id = 946;
export const ids = [946];
export const modules = {

/***/ 9946:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  CANCEL_REASON: () => (/* binding */ CANCEL_REASON),
  backend: () => (/* binding */ backend),
  ecsBackend: () => (/* binding */ ecsBackend),
  endpointFailure: () => (/* binding */ endpointFailure),
  pollDelay: () => (/* binding */ pollDelay),
  startedByFor: () => (/* binding */ startedByFor)
});

// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./packages/core/src/parse.ts
var parse = __webpack_require__(6230);
// EXTERNAL MODULE: ./packages/core/src/retry.ts
var retry = __webpack_require__(9899);
// EXTERNAL MODULE: ./packages/core/src/runner.ts
var runner = __webpack_require__(8643);
// EXTERNAL MODULE: ./packages/core/src/trust.ts
var trust = __webpack_require__(3235);
// EXTERNAL MODULE: ./packages/core/src/net/proxy-env.ts
var proxy_env = __webpack_require__(2239);
// EXTERNAL MODULE: ./packages/core/src/values.ts
var values = __webpack_require__(4287);
;// CONCATENATED MODULE: ./packages/core/src/aws.ts




/** Region names as AWS forms them: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`. */
const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/**
 * The region: the input when given, else `AWS_REGION`, else `AWS_DEFAULT_REGION` (what
 * configure-aws-credentials exports). Missing or malformed is an input error naming `inputName`.
 */
function resolveAwsRegion(input, env = process.env, inputName = 'region') {
    const given = (input ?? '').trim();
    const fromEnv = (env.AWS_REGION ?? '').trim() || (env.AWS_DEFAULT_REGION ?? '').trim();
    const region = given || fromEnv;
    const source = given ? `input "${inputName}"` : env.AWS_REGION?.trim() ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
    if (region === '') {
        throw new errors/* InputError */.dz(inputName, 'is empty and neither AWS_REGION nor AWS_DEFAULT_REGION is set', 'an AWS region such as `eu-west-1`', '', {
            check: 'set the input, or run aws-actions/configure-aws-credentials (with aws-region) before this step',
        });
    }
    if (!AWS_REGION_PATTERN.test(region)) {
        throw new errors/* InputError */.dz(inputName, `is not an AWS region (from ${source})`, 'an AWS region such as `eu-west-1`', region);
    }
    return region;
}
function withProxyAgents(handler, env) {
    return async () => ({ ...handler, ...(await __webpack_require__.e(/* import() */ 989).then(__webpack_require__.bind(__webpack_require__, 8989))).proxyAgents({ env, keepAlive: true, maxSockets: 50 }) });
}
function awsClientConfig(options) {
    // Without throwOnRequestTimeout the SDK's node handler only logs a warning when requestTimeout
    // passes and keeps waiting: a server that accepts and never answers would hold the step.
    const handler = {
        requestTimeout: options.requestTimeoutMs ?? 120_000,
        connectionTimeout: options.connectionTimeoutMs ?? 10_000,
        throwOnRequestTimeout: true,
    };
    return {
        region: options.region,
        maxAttempts: 1,
        customUserAgent: 'deploy-kit',
        // The SDK's NodeHttpHandler takes a provider of its options and calls it on the first request: the
        // proxy agents (and node:https with them) load only then. Same settings as the SDK's own agents
        // (keep-alive, 50 sockets per host), deciding the proxy per target.
        requestHandler: (0,proxy_env/* proxyConfigured */.$)(options.env) ? withProxyAgents(handler, options.env) : handler,
    };
}
/**
 * The endpoint the SDK will use for a service, as the SDK resolves it from the environment
 * (service id as in the SDK, e.g. `S3`, `ECR`, `STS`; spaces become `_`), or undefined for AWS's own.
 * Only for log lines: the SDK applies it by itself.
 */
function awsEndpointFromEnv(serviceId, env = process.env) {
    if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true')
        return undefined;
    const specific = env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/ /g, '_')}`];
    return specific || env.AWS_ENDPOINT_URL || undefined;
}
/** An AWS call with the suite's retry policy (throttling, 5xx, connection resets; never other 4xx). */
function awsCall(label, call, options = {}) {
    return (0,retry/* retry */.L5)(() => call(), { label, classify: (error) => (0,retry/* classifyError */.fe)(error), ...options });
}
/** The error code the SDK reports (`AccessDeniedException`, `RepositoryNotFoundException`, ...). */
function awsErrorName(error) {
    const name = (0,values/* valueAt */.fK)(error, 'name');
    const code = (0,values/* valueAt */.fK)(error, 'Code') ?? (0,values/* valueAt */.fK)(error, 'code');
    if (typeof name === 'string' && name !== 'Error' && name !== 'ServiceException')
        return name;
    return typeof code === 'string' ? code : typeof name === 'string' ? name : '';
}
function awsHttpStatus(error) {
    const status = (0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, '$metadata'), 'httpStatusCode');
    return typeof status === 'number' ? status : undefined;
}
const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const AUTH_NAMES = new Set([
    'InvalidClientTokenId',
    'UnrecognizedClientException',
    'SignatureDoesNotMatch',
    'InvalidAccessKeyId',
    'ExpiredToken',
    'ExpiredTokenException',
    'InvalidToken',
    'AuthFailure',
    'IncompleteSignature',
    'IncompleteSignatureException',
]);
const DENIED_NAMES = new Set(['AccessDenied', 'AccessDeniedException', 'Forbidden', 'AllAccessDisabled', 'UnauthorizedOperation']);
/**
 * The failures every AWS call can have, as one clear ActionError (the deployment guide's
 * "Authentication fails" / "Permission denied" / "Region mismatch" rows), or undefined for errors
 * the caller explains itself. `what` names the operation, e.g. `ECR GetAuthorizationToken`.
 */
function describeCommonAwsError(error, what, context = {}) {
    const name = awsErrorName(error);
    const status = awsHttpStatus(error);
    const detail = (0,errors/* errorMessage */.gJ)(error);
    if (CREDENTIAL_NAMES.has(name) || /could not load credentials|region is missing/i.test(detail)) {
        return new errors/* ActionError */.lZ(`${what} failed: no AWS credentials were found.`, {
            why: detail,
            check: [
                'run aws-actions/configure-aws-credentials before this step (OIDC needs `permissions: id-token: write`), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
                'the credentials must be visible to this step (same job)',
            ],
            cause: error,
        });
    }
    if (AUTH_NAMES.has(name)) {
        return new errors/* ActionError */.lZ(`${what} failed: AWS rejected the credentials (${name}).`, {
            why: detail,
            check: [
                'AWS credentials configured: the access key exists and is active, the secret key and session token belong to it and have not expired',
            ],
            cause: error,
        });
    }
    if (DENIED_NAMES.has(name) || status === 403) {
        return new errors/* ActionError */.lZ(`${what} failed: permission denied${name ? ` (${name})` : ''}.`, {
            why: detail,
            check: [
                `IAM permissions: the role or user needs ${context.permission ?? 'permission for this call'}${context.region ? ` in ${context.region}` : ''}`,
            ],
            cause: error,
        });
    }
    if (name === 'UnknownEndpoint' || /getaddrinfo|ENOTFOUND/i.test(detail)) {
        return new errors/* ActionError */.lZ(`${what} failed: the AWS endpoint could not be reached.`, {
            why: detail,
            check: [
                `the region${context.region ? ` (${context.region})` : ''} is right for this account and service`,
                'AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, when set, point at a reachable endpoint',
            ],
            cause: error,
        });
    }
    return undefined;
}

// EXTERNAL MODULE: ./actions/migrate-job/src/argv.ts
var argv = __webpack_require__(2481);
;// CONCATENATED MODULE: ./packages/core/src/ecs-task.ts
/**
 * How a stopped ECS task is read, shared by migrate-job's ECS backend (one migration task) and
 * ecs-deploy (a service deployment's tasks): the task's stopCode and stoppedReason (why ECS stopped
 * it: image pull, secrets, ENI, health checks, essential container exited) and each container's exit
 * code, where a missing exit code means the container never ran. The views are the fields of the
 * SDK's `Task` and `Container` that the suite reads, so tests build them without the SDK.
 */
/** `stopCode X, stoppedReason "…"`, or '' when ECS gave neither. */
function describeStop(task) {
    const parts = [];
    if (task.stopCode)
        parts.push(`stopCode ${task.stopCode}`);
    if (task.stoppedReason)
        parts.push(`stoppedReason "${task.stoppedReason}"`);
    return parts.join(', ');
}
/** One container's end: `container "web" exited with code 1 (reason)` or `… never ran (no exit code)`. */
function describeContainerExit(container) {
    const name = `container "${container.name ?? '?'}"`;
    const reason = container.reason ? ` (${container.reason})` : '';
    if (container.exitCode === null || container.exitCode === undefined)
        return `${name} never ran (no exit code)${reason}`;
    return `${name} exited with code ${container.exitCode}${reason}`;
}
/** A stopped task in one line: its id, why ECS stopped it, and every container's exit. */
function describeStoppedTask(task) {
    const id = (task.taskArn ?? '').split('/').pop() || 'task';
    const stop = describeStop(task);
    const containers = (task.containers ?? []).map(describeContainerExit);
    return `task ${id}${stop ? `: ${stop}` : ''}${containers.length ? `; ${containers.join(', ')}` : ''}`;
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/ecs-result.ts
/**
 * Reading an ECS task's outcome (seed 004's `aws ecs run-task` made to wait and fail properly):
 * the exit code of the named container, or of the essential one, not just `containers[0]` (a
 * sidecar such as a log router is often first); a null exit code means the container never ran,
 * and the task's stopCode/stoppedReason say why (image pull, secrets, ENI, capacity); RunTask
 * `failures[]` (placement) are errors with their reasons, not a crash on `tasks[0]`.
 */

// The task views and describeStop live in core (ecs-deploy reads service tasks the same way).

/** The container the migration is: `name` when given (must exist), else the one essential container, else the only one. */
function pickContainer(names, definitions, wanted) {
    if (wanted) {
        if (names.includes(wanted))
            return { name: wanted };
        return { error: `the task has no container named "${wanted}" (it has ${names.map((n) => `"${n}"`).join(', ') || 'none'})` };
    }
    const essential = definitions.filter((d) => d.essential !== false && d.name && names.includes(d.name)).map((d) => d.name);
    if (essential.length === 1)
        return { name: essential[0] };
    if (names.length === 1)
        return { name: names[0] };
    return {
        error: `the task has ${essential.length > 1 ? `${essential.length} essential containers` : `${names.length} containers`} (${(essential.length > 1 ? essential : names).map((n) => `"${n}"`).join(', ')}), so which one is the migration is ambiguous`,
    };
}
/** The outcome once the task is STOPPED (or still running). */
function interpretTask(task, definitions, wanted) {
    if (task.lastStatus !== 'STOPPED')
        return { state: 'running', detail: `task is ${task.lastStatus ?? 'PROVISIONING'}` };
    const containers = task.containers ?? [];
    const picked = pickContainer(containers.map((c) => c.name ?? ''), definitions, wanted);
    const stop = describeStop(task);
    if ('error' in picked)
        return { state: 'failed', kind: 'no-container', message: `${picked.error}${stop ? `; the task stopped with ${stop}` : ''}` };
    const container = containers.find((c) => c.name === picked.name);
    if (container.exitCode === null || container.exitCode === undefined) {
        return {
            state: 'failed',
            kind: 'not-started',
            container: picked.name,
            message: `container "${picked.name}" never ran (no exit code)${stop ? `: the task stopped with ${stop}` : ''}${container.reason ? `; container reason "${container.reason}"` : ''}`,
        };
    }
    if (container.exitCode === 0)
        return { state: 'succeeded', container: picked.name, exitCode: 0 };
    return {
        state: 'failed',
        kind: 'exit-code',
        container: picked.name,
        exitCode: container.exitCode,
        message: `container "${picked.name}" exited with code ${container.exitCode}${container.reason ? ` (${container.reason})` : ''}${stop ? `; the task stopped with ${stop}` : ''}`,
    };
}
/** RunTask `failures[]` as one line each (`arn: reason (detail)`). */
function describeFailures(failures) {
    return failures.map((f) => `${f.arn ? `${f.arn}: ` : ''}${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}`).join('; ');
}
/** Hints for the common RunTask placement failures. */
function failureHints(failures) {
    const hints = [];
    const text = failures.map((f) => `${f.reason} ${f.detail}`).join(' ');
    if (/RESOURCE:(CPU|MEMORY)/i.test(text))
        hints.push('the cluster has no container instance with enough CPU/memory: scale the cluster or lower the task size');
    if (/MISSING/i.test(text))
        hints.push("no container instance matches the task's placement constraints or attributes");
    if (/AGENT/i.test(text))
        hints.push('the ECS agent on the container instance is disconnected');
    if (/capacity provider/i.test(text))
        hints.push('check the capacity provider strategy: the provider must be attached to the cluster');
    if (hints.length === 0)
        hints.push('see "API failure reasons" in the Amazon ECS developer guide for this reason');
    return hints;
}
/** awslogs group/stream of a container (`awslogs-stream-prefix/container/task-id`), when it logs to CloudWatch. */
function awslogsLocation(definition, taskArn) {
    const config = definition?.logConfiguration;
    if (!config || config.logDriver !== 'awslogs' || !config.options)
        return undefined;
    const group = config.options['awslogs-group'];
    const prefix = config.options['awslogs-stream-prefix'];
    if (!group || !prefix || !definition?.name)
        return undefined;
    const taskId = taskArn.split('/').pop() ?? taskArn;
    return { group, stream: `${prefix}/${definition.name}/${taskId}`, region: config.options['awslogs-region'] };
}

// EXTERNAL MODULE: ./actions/migrate-job/src/logsink.ts
var logsink = __webpack_require__(382);
// EXTERNAL MODULE: ./actions/migrate-job/src/naming.ts
var naming = __webpack_require__(1767);
// EXTERNAL MODULE: ./actions/migrate-job/src/network.ts
var network = __webpack_require__(8677);
;// CONCATENATED MODULE: ./actions/migrate-job/src/backends/ecs.ts
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







/** ECS `startedBy` (≤ 36 characters) for a Job name. */
function startedByFor(jobName) {
    return `deploy-kit-migrate-${(0,naming/* nameHash */._N)(jobName)}`;
}
/** Poll delay after `elapsedMs`: 1 s at first, then up to 6 s. */
function pollDelay(elapsedMs) {
    return elapsedMs < 10_000 ? 1_000 : elapsedMs < 60_000 ? 3_000 : 6_000;
}
/** StopTask's reason when the workflow run is cancelled (ECS shows it as the task's stoppedReason). */
const CANCEL_REASON = 'deploy-kit migrate-job: the workflow run was cancelled';
/** A failure to reach an AWS endpoint (refused, reset, no answer, DNS), naming the service and the endpoint; undefined for other errors. */
function endpointFailure(error, what, service, endpoint, options = {}) {
    const check = [
        `the runner can reach ${endpoint} (network, proxy, VPC endpoint)`,
        `AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_${service.toUpperCase().replace(/ /g, '_')}, when set, point at a reachable endpoint`,
    ];
    if (options.deadlinePassed) {
        return new errors/* ActionError */.lZ(`${what} failed: no answer from ${service} at ${endpoint} before the step's timeout ran out`, {
            check: [...check, 'raise `timeout` if AWS is legitimately slow'],
            cause: error,
        });
    }
    const name = error?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
        return new errors/* ActionError */.lZ(`${what} failed: ${service} at ${endpoint} did not answer`, {
            why: `no answer within ${(0,parse/* formatDuration */.a3)(options.requestMs ?? network/* REQUEST_TIMEOUT_MS */.j2)}`,
            check,
            cause: error,
        });
    }
    const reason = (0,network/* networkReason */.d8)(error);
    if (!/\((E[A-Z]+|UND_ERR_[A-Z_]+)\)$/.test(reason))
        return undefined;
    return new errors/* ActionError */.lZ(`${what} failed: the ${service} endpoint ${endpoint} could not be reached`, { why: reason, check, cause: error });
}
const backend = {
    name: 'ecs',
    pinsImage: false,
    run: ({ plan, values, files, signal, step }) => ecsBackend(plan, values, files.log, signal, step),
};
async function ecsBackend(plan, values, logFile, signal = new AbortController().signal, step = { at: Date.now() + plan.timeoutMs, signal: AbortSignal.timeout(plan.timeoutMs) }) {
    const ecs = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(212)]).then(__webpack_require__.t.bind(__webpack_require__, 212, 19));
    const region = resolveAwsRegion(values.region);
    // Every request answers within 30 s (the SDK's socket limit), and none outlives the step (abortSignal).
    const client = new ecs.ECSClient(awsClientConfig({ region, requestTimeoutMs: network/* REQUEST_TIMEOUT_MS */.j2 }));
    const endpoint = awsEndpointFromEnv('ECS');
    const endpointText = endpoint ?? `https://ecs.${region}.amazonaws.com`;
    const cluster = values.cluster || 'default';
    const fail = (what, error, permission) => {
        throw (endpointFailure(error, what, 'ECS', endpointText, { deadlinePassed: step.signal.aborted }) ??
            describeCommonAwsError(error, what, { region, permission }) ??
            new errors/* ActionError */.lZ(`${what} failed`, { why: (0,errors/* errorMessage */.gJ)(error), cause: error }));
    };
    /** One ECS call: retried as the suite retries AWS calls, but never past the step's deadline. */
    const ecsCall = (what, send, options = {}) => {
        const abortSignal = options.abort ? AbortSignal.any([options.abort, step.signal]) : step.signal;
        return awsCall(what, () => send(abortSignal), {
            classify: (error) => (abortSignal.aborted ? { retryable: false, reason: 'the step ended' } : (0,retry/* classifyError */.fe)(error)),
            maxElapsedMs: Math.max(0, Math.min(120_000, step.at - Date.now())),
        });
    };
    runner/* info */.pq(`ECS: region ${region}${endpoint ? ` (endpoint ${endpoint})` : ''}, cluster ${cluster}, task definition ${values.taskDefinition}`);
    const described = await ecsCall('ECS DescribeTaskDefinition', (abortSignal) => client.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: values.taskDefinition }), { abortSignal })).catch((error) => {
        if (step.signal.aborted)
            return fail('ECS DescribeTaskDefinition', error);
        if (error?.name === 'ClientException' || /not found|does not exist|Unable to describe/i.test((0,errors/* errorMessage */.gJ)(error))) {
            throw new errors/* ActionError */.lZ(`The task definition "${values.taskDefinition}" does not exist in ${region}`, {
                why: (0,errors/* errorMessage */.gJ)(error),
                check: ['`task-definition` is a family, family:revision or ARN registered in this account and region'],
            });
        }
        return fail('ECS DescribeTaskDefinition', error, 'ecs:DescribeTaskDefinition');
    });
    const definition = described.taskDefinition;
    const definitions = (definition.containerDefinitions ?? []).map((c) => ({
        name: c.name,
        essential: c.essential,
        logConfiguration: c.logConfiguration,
    }));
    const picked = pickContainer(definitions.map((d) => d.name ?? ''), definitions, values.container || undefined);
    if ('error' in picked)
        throw new errors/* ActionError */.lZ(`Cannot tell which container runs the migration: ${picked.error}`, {
            check: ["set `container` to the migration container's name"],
        });
    const containerDef = (definition.containerDefinitions ?? []).find((c) => c.name === picked.name);
    if (plan.image && containerDef.image !== plan.image.raw) {
        throw new errors/* ActionError */.lZ(`Task definition ${definition.family}:${definition.revision} runs ${containerDef.image} in container "${picked.name}", not ${plan.image.raw}`, {
            why: "RunTask cannot change a container's image, so the migration would not run the image you deploy",
            check: [
                'register a task definition revision with this image (aws-actions/amazon-ecs-render-task-definition) and pass it as `task-definition`',
                'or leave `image` empty to run whatever the task definition names',
            ],
        });
    }
    const taskDefinitionArn = definition.taskDefinitionArn;
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
        ...(values.launchType ? { launchType: values.launchType } : {}),
        ...(values.capacityProvider ? { capacityProviderStrategy: [{ capacityProvider: values.capacityProvider, weight: 1 }] } : {}),
        ...(values.subnets.length
            ? {
                networkConfiguration: {
                    awsvpcConfiguration: {
                        subnets: values.subnets,
                        securityGroups: values.securityGroups.length ? values.securityGroups : undefined,
                        assignPublicIp: values.assignPublicIp ? 'ENABLED' : 'DISABLED',
                    },
                },
            }
            : {}),
    };
    // A task of this migration still running (an earlier, cancelled run): follow it instead of starting another.
    const running = await ecsCall('ECS ListTasks', (abortSignal) => client.send(new ecs.ListTasksCommand({ cluster, startedBy, desiredStatus: 'RUNNING' }), { abortSignal })).catch((error) => fail('ECS ListTasks', error, 'ecs:ListTasks'));
    let taskArn;
    if (running.taskArns?.length) {
        // Listed as RUNNING by desired status; only one that has not actually stopped counts.
        const current = await ecsCall('ECS DescribeTasks', (abortSignal) => client.send(new ecs.DescribeTasksCommand({ cluster, tasks: running.taskArns.slice(0, 100) }), { abortSignal })).catch((error) => fail('ECS DescribeTasks', error, 'ecs:DescribeTasks'));
        taskArn = current.tasks?.find((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus !== 'STOPPED')?.taskArn;
    }
    if (taskArn)
        runner/* info */.pq(`A task of this migration is already running (${taskArn}); following it instead of starting another`);
    if (plan.dryRun) {
        const what = taskArn ? `follow the running task ${taskArn}` : `run the task: ${JSON.stringify(request, null, 2)}`;
        runner/* info */.pq(`[dry-run] would ${what}`);
        if (override.command)
            runner/* info */.pq(`[dry-run] command: ${(0,argv/* formatArgv */.gL)(override.command)}`);
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
        const response = await ecsCall('ECS RunTask', (abortSignal) => client.send(new ecs.RunTaskCommand(request), { abortSignal })).catch((error) => fail('ECS RunTask', error, 'ecs:RunTask (and iam:PassRole for the task roles)'));
        if (response.failures?.length || !response.tasks?.length) {
            const failures = response.failures ?? [];
            throw new errors/* ActionError */.lZ(`ECS could not start the migration task: ${failures.length ? describeFailures(failures) : 'RunTask returned no task'}`, { check: failureHints(failures) });
        }
        taskArn = response.tasks[0].taskArn;
        runner/* info */.pq(`Started task ${taskArn} (${definition.family}:${definition.revision}, container "${picked.name}"${override.command ? `, command ${(0,argv/* formatArgv */.gL)(override.command)}` : ''})`);
    }
    const sink = (0,logsink/* openLog */.N)(logFile);
    const logs = awslogsLocation({ name: picked.name, logConfiguration: containerDef.logConfiguration }, taskArn);
    const cwl = logs ? await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(303)]).then(__webpack_require__.t.bind(__webpack_require__, 2684, 19)) : undefined;
    const logsClient = logs && cwl
        ? new cwl.CloudWatchLogsClient(awsClientConfig({ region: logs.region ?? region, requestTimeoutMs: network/* REQUEST_TIMEOUT_MS */.j2 }))
        : undefined;
    const logsEndpoint = awsEndpointFromEnv('CloudWatch Logs') ?? `https://logs.${logs?.region ?? region}.amazonaws.com`;
    let nextToken;
    let logsWarned = false;
    const pumpLogs = async () => {
        if (!logs || !logsClient || !cwl)
            return;
        for (let page = 0; page < 20; page++) {
            try {
                // Each page within the request limit; the log is read once more after the task stopped, so not bound to the step's deadline.
                const out = await logsClient.send(new cwl.GetLogEventsCommand({ logGroupName: logs.group, logStreamName: logs.stream, startFromHead: true, nextToken }), { abortSignal: (0,trust/* requestSignal */.OL)(network/* REQUEST_TIMEOUT_MS */.j2, signal) });
                sink.writeLines((out.events ?? []).map((event) => event.message ?? ''));
                if (!out.nextForwardToken || out.nextForwardToken === nextToken)
                    return;
                nextToken = out.nextForwardToken;
                if (!out.events?.length)
                    return;
            }
            catch (error) {
                if (error?.name === 'ResourceNotFoundException')
                    return; // the stream appears when the container starts
                const unreachable = endpointFailure(error, 'CloudWatch Logs GetLogEvents', 'CloudWatch Logs', logsEndpoint);
                if (!logsWarned)
                    runner/* warning */.$e(`Could not read the task's CloudWatch logs (${logs.group} ${logs.stream}): ${unreachable ? `${unreachable.message}: ${unreachable.why ?? ''}` : (0,errors/* errorMessage */.gJ)(error)}`);
                logsWarned = true;
                return;
            }
        }
    };
    const cancelled = async () => {
        sink.end();
        const common = { status: 'cancelled', jobName: plan.jobName, taskArn, logFile, tail: sink.lastLines() };
        if (!startedHere) {
            runner/* info */.pq(`Cancelled: the task ${taskArn} was started by an earlier run, so it is left running`);
            return {
                ...common,
                detail: `the workflow run was cancelled; the task ${taskArn} (started by an earlier run) was left running`,
                check: ['stop it yourself if it must not finish: aws ecs stop-task --cluster ' + cluster + ' --task ' + taskArn],
            };
        }
        try {
            await awsCall('ECS StopTask', () => client.send(new ecs.StopTaskCommand({ cluster, task: taskArn, reason: CANCEL_REASON }), { abortSignal: (0,trust/* requestSignal */.OL)(5_000) }), { attempts: 3, maxElapsedMs: 5_000 });
            runner/* info */.pq(`Cancelled: asked ECS to stop task ${taskArn} (StopTask, reason "${CANCEL_REASON}")`);
            return { ...common, detail: `the workflow run was cancelled; the task ${taskArn} was stopped` };
        }
        catch (error) {
            runner/* warning */.$e(`The workflow run was cancelled, but the task ${taskArn} could not be stopped: ${(0,errors/* errorMessage */.gJ)(error)}`);
            return {
                ...common,
                detail: `the workflow run was cancelled; stopping the task ${taskArn} failed and it may still be running`,
                check: [`stop it: aws ecs stop-task --cluster ${cluster} --task ${taskArn}`],
            };
        }
    };
    /** The step's timeout: the task is asked to stop (a request of its own: the step's signal has ended by now). */
    const timedOut = async () => {
        await awsCall('ECS StopTask', () => client.send(new ecs.StopTaskCommand({ cluster, task: taskArn, reason: `deploy-kit migrate-job: timeout ${(0,parse/* formatDuration */.a3)(plan.timeoutMs)}` }), { abortSignal: (0,trust/* requestSignal */.OL)(network/* REQUEST_TIMEOUT_MS */.j2) }), { attempts: 3, maxElapsedMs: 10_000 }).catch((error) => runner/* warning */.$e(`Could not stop task ${taskArn} after the timeout: ${(0,errors/* errorMessage */.gJ)(error)}`));
        sink.end();
        return {
            status: 'timed-out',
            jobName: plan.jobName,
            taskArn,
            logFile,
            tail: sink.lastLines(),
            detail: `the task did not stop within ${(0,parse/* formatDuration */.a3)(plan.timeoutMs)}; it was asked to stop`,
            check: [
                'a migration waiting for a database lock can hang: check for long-running transactions',
                'raise `timeout` if the migration is legitimately slow',
            ],
        };
    };
    const started = Date.now();
    // Counted from the start of the step (main.ts): the calls before RunTask are part of the same timeout.
    const deadline = step.at;
    let task;
    let lastStatus = '';
    for (;;) {
        if (signal.aborted)
            return cancelled();
        // A cancellation or the step's deadline cuts an in-flight DescribeTasks short; neither is retried.
        const out = await ecsCall('ECS DescribeTasks', (abortSignal) => client.send(new ecs.DescribeTasksCommand({ cluster, tasks: [taskArn] }), { abortSignal }), { abort: signal }).catch((error) => (signal.aborted || step.signal.aborted ? undefined : fail('ECS DescribeTasks', error, 'ecs:DescribeTasks')));
        if (!out && signal.aborted)
            return cancelled();
        if (!out)
            return timedOut();
        task = out.tasks?.[0];
        if (!task) {
            throw new errors/* ActionError */.lZ(`The task ${taskArn} is gone from ECS`, {
                why: out.failures?.length ? describeFailures(out.failures) : 'DescribeTasks returned nothing',
                check: ['ECS forgets stopped tasks after about an hour'],
            });
        }
        if (task.lastStatus !== lastStatus) {
            runner/* info */.pq(`… task ${task.lastStatus}${task.stoppedReason ? ` (${task.stoppedReason})` : ''}`);
            lastStatus = task.lastStatus ?? '';
        }
        await pumpLogs();
        if (task.lastStatus === 'STOPPED')
            break;
        if (Date.now() >= deadline)
            return timedOut();
        await (0,retry/* sleep */.yy)(Math.min(pollDelay(Date.now() - started), Math.max(0, deadline - Date.now()) + 10), signal);
    }
    await pumpLogs();
    sink.end();
    const outcome = interpretTask(task, definitions, picked.name);
    const rows = [
        ['task', taskArn],
        ['container', picked.name],
    ];
    if (task.stopCode || task.stoppedReason)
        rows.push(['stopped', [task.stopCode, task.stoppedReason].filter(Boolean).join(': ')]);
    const common = { jobName: plan.jobName, taskArn, logFile, tail: sink.lastLines(), rows };
    if (outcome.state === 'succeeded')
        return { ...common, status: 'succeeded', exitCode: 0, detail: `container "${picked.name}" exited with code 0` };
    if (outcome.state === 'failed') {
        return {
            ...common,
            status: 'failed',
            exitCode: outcome.exitCode,
            detail: outcome.message,
            check: outcome.kind === 'not-started'
                ? [
                    'the image exists and the task execution role can pull it and read its secrets',
                    'subnets/security groups let the task reach ECR and Secrets Manager (or VPC endpoints exist)',
                ]
                : [`the migration's log above${logs ? ` (CloudWatch ${logs.group} / ${logs.stream})` : ''}`],
        };
    }
    return { ...common, status: 'failed', detail: 'the task stopped in an unexpected state' };
}


/***/ }),

/***/ 382:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ openLog)
/* harmony export */ });
/* unused harmony export LogSink */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6193);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_string_decoder__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8643);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7620);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7638);
/**
 * Where the migration's output goes: the step log as it comes, a log file that outlives the pod/task
 * (Helm hook delete policies and `ttlSecondsAfterFinished` remove the pod and its logs), and the last
 * lines for the step summary.
 *
 * The output is foreign text (a pod's log, a tool's output, CloudWatch events): whoever controls the
 * migration or its database can put anything in it. So it reaches the step log only through core's
 * `foreignLines`: each batch of complete lines between `::stop-commands::<random token>` and
 * `::<token>::`, every line also neutralised (a leading `::`, `##[`, a lone CR that would start a new
 * line for the runner), so no line can add a mask, stop our own commands or fake an annotation. The
 * runner still masks each line.
 */




class LogSink {
    file;
    print;
    keep;
    partial = '';
    tail = [];
    decoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_2__.StringDecoder('utf8');
    lines = 0;
    constructor(file, print = (lines) => _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .foreignLines */ .Y0(lines), keep = 30) {
        this.file = file;
        this.print = print;
        this.keep = keep;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(file), { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(file, '');
    }
    /** A chunk of output; complete lines are printed (in one write) and saved, the rest waits for its newline. */
    write(chunk) {
        const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
        const parts = text.split(/\r?\n/);
        this.partial = parts.pop() ?? '';
        this.writeLines(parts);
    }
    /** Flushes a last line without a newline. */
    end() {
        const rest = this.partial + this.decoder.end();
        this.partial = '';
        if (rest !== '')
            this.writeLines([rest]);
    }
    /** Whole lines (CloudWatch events, one per line): saved, kept for the summary, printed in one write. */
    writeLines(raw) {
        if (raw.length === 0)
            return;
        const lines = raw.map((line) => (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(line));
        this.lines += lines.length;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.appendFileSync)(this.file, lines.map((line) => `${line}\n`).join(''));
        this.tail.push(...lines);
        if (this.tail.length > this.keep)
            this.tail.splice(0, this.tail.length - this.keep);
        this.print(lines);
    }
    line(raw) {
        this.writeLines([raw]);
    }
    lastLines() {
        return [...this.tail];
    }
}
/** The migration's log file, created now: a path that cannot be written is a clear error, not a raw EACCES/EISDIR. */
function openLog(file) {
    try {
        return new LogSink(file);
    }
    catch (error) {
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`Could not create the migration's log file ${file}`, {
            why: (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error),
            check: ['`log-file` (or RUNNER_TEMP) is a path the runner can write'],
            cause: error,
        });
    }
}


/***/ })

};
