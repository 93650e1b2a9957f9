export const id = 115;
export const ids = [115];
export const modules = {

/***/ 1115:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  kubernetesBackend: () => (/* binding */ kubernetesBackend)
});

// UNUSED EXPORTS: kubeError, kubeRetryability, loadKubeConfig, waitGraceMs

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./packages/core/src/index.ts + 8 modules
var src = __webpack_require__(943);
// EXTERNAL MODULE: ./actions/migrate-job/src/manifest.ts
var src_manifest = __webpack_require__(7622);
;// CONCATENATED MODULE: ./actions/migrate-job/src/classify.ts
/**
 * Where a migration Job stands, from the Job, its pods and their events, as Kubernetes reports them.
 * A pure function, so every case is a table row in the unit tests and the watcher only has to feed it
 * the latest objects. Terminal verdicts come from the Job's own conditions (the Job controller's
 * word) first; the pod-level checks catch what never trips `backoffLimit` because the pod never
 * leaves Pending: image pull errors, a missing secret or config map, an unschedulable pod, and pods
 * the Job controller cannot even create (a missing service account, a quota).
 */

const IMAGE_PULL = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'ImageInspectError']);
const START_ERRORS = new Set(['CreateContainerError', 'RunContainerError', 'StartError', 'ContainerCannotRun']);
function toMs(time) {
    if (time === undefined)
        return undefined;
    const ms = time instanceof Date ? time.getTime() : Date.parse(time);
    return Number.isNaN(ms) ? undefined : ms;
}
function condition(conditions, type) {
    return conditions?.find((c) => c.type === type && c.status === 'True');
}
/** The migration container's status (named `migrate`, else the only one). */
function migrationContainer(pod) {
    const statuses = pod.status?.containerStatuses ?? [];
    return statuses.find((s) => s.name === src_manifest/* CONTAINER_NAME */.Cz) ?? (statuses.length === 1 ? statuses[0] : undefined);
}
/** Newest pod first (creation time, then name). */
function newestPod(pods) {
    return [...pods].sort((a, b) => (toMs(b.metadata?.creationTimestamp) ?? 0) - (toMs(a.metadata?.creationTimestamp) ?? 0) || String(b.metadata?.name).localeCompare(String(a.metadata?.name)))[0];
}
/** `secret "app-db" not found` → `secret "app-db"`; the object a CreateContainerConfigError is about. */
function missingReference(message) {
    if (!message)
        return undefined;
    const notFound = /\b(secret|configmap|config map)s? "([^"]+)" not found/i.exec(message);
    if (notFound)
        return `${notFound[1].toLowerCase().replace(' ', '')} "${notFound[2]}"`;
    const missingKey = /couldn't find key (\S+) in (Secret|ConfigMap) ([^\s/]+)\/(\S+)/i.exec(message);
    if (missingKey)
        return `key ${missingKey[1]} in ${missingKey[2].toLowerCase()} "${missingKey[4]}"`;
    return undefined;
}
function terminatedExit(pod) {
    const state = pod ? migrationContainer(pod)?.state?.terminated : undefined;
    return state ? { exitCode: state.exitCode, reason: state.reason, message: state.message } : {};
}
function exitText(exit) {
    const parts = [];
    if (exit.exitCode !== undefined)
        parts.push(`exit code ${exit.exitCode}`);
    if (exit.reason)
        parts.push(`reason ${exit.reason}`);
    if (exit.exitCode === 137 || exit.reason === 'OOMKilled')
        parts.push(exit.reason === 'OOMKilled' ? 'the container ran out of memory: raise `resources` limits' : 'killed (SIGKILL)');
    let text = parts.join(', ');
    if (exit.message)
        text += `: ${exit.message.trim().split('\n').slice(-3).join(' | ')}`;
    return text;
}
function deadlineVerdict(input, podName, exitCode) {
    const { job, timeoutText } = input;
    const seconds = job.spec?.activeDeadlineSeconds;
    const details = [timeoutText ? `timeout ${timeoutText}` : '', seconds !== undefined ? `activeDeadlineSeconds ${seconds}` : ''].filter(Boolean).join(', ');
    return {
        state: 'failed',
        kind: 'deadline',
        reason: 'DeadlineExceeded',
        pod: podName,
        exitCode,
        message: `the migration ran longer than its deadline${details ? ` (${details})` : ''} and Kubernetes stopped it`,
    };
}
/** Whether the Job has run for its whole activeDeadlineSeconds (counted from its startTime). */
function pastDeadline(input) {
    const seconds = input.job.spec?.activeDeadlineSeconds;
    const start = toMs(input.job.status?.startTime);
    if (seconds === undefined || start === undefined)
        return false;
    return (input.now ?? Date.now()) - start >= seconds * 1000;
}
/** The verdict for one observation of the Job and its pods. */
function classify(input) {
    const { job } = input;
    const pods = input.pods ?? [];
    const events = input.events ?? [];
    const conditions = job.status?.conditions ?? [];
    const pod = newestPod(pods);
    const podName = pod?.metadata?.name;
    const complete = condition(conditions, 'Complete') ?? condition(conditions, 'SuccessCriteriaMet');
    if (complete)
        return { state: 'succeeded', detail: 'the Job completed', pod: podName, exitCode: 0 };
    const failed = condition(conditions, 'Failed') ?? condition(conditions, 'FailureTarget');
    if (failed) {
        const exit = terminatedExit(pod);
        if (failed.reason === 'DeadlineExceeded')
            return deadlineVerdict(input, podName, exit.exitCode);
        if (exit.exitCode !== undefined) {
            return { state: 'failed', kind: 'exit-code', reason: failed.reason, pod: podName, exitCode: exit.exitCode, message: `the migration container failed: ${exitText(exit)}` };
        }
        const podProblem = pod ? podFailure(pod, input) : undefined;
        if (podProblem)
            return podProblem;
        return { state: 'failed', kind: failed.reason === 'BackoffLimitExceeded' ? 'backoff-limit' : 'job-failed', reason: failed.reason, pod: podName, message: `the Job failed (${failed.reason ?? 'no reason given'}${failed.message ? `: ${failed.message}` : ''})` };
    }
    if (pod) {
        const problem = podFailure(pod, input, events);
        if (problem)
            return problem;
    }
    const createFailed = [...events].reverse().find((e) => e.reason === 'FailedCreate' && (e.involvedObject?.kind ?? 'Job') === 'Job');
    if (createFailed && !pod) {
        return { state: 'failed', kind: 'create-failed', reason: 'FailedCreate', message: `Kubernetes could not create the migration pod: ${createFailed.message ?? 'no message'}` };
    }
    if (!pod)
        return { state: 'pending', detail: 'waiting for the Job controller to create the pod' };
    const container = migrationContainer(pod);
    if (container?.state?.running)
        return { state: 'running', detail: `pod ${podName} is running`, pod: podName };
    const exit = terminatedExit(pod);
    if (pod.status?.phase === 'Succeeded' || exit.exitCode === 0) {
        return { state: 'running', detail: `pod ${podName} finished; waiting for the Job to be marked complete`, pod: podName };
    }
    if (pod.status?.phase === 'Failed' || (exit.exitCode !== undefined && exit.exitCode !== 0)) {
        // Killed at the deadline: the pod's end can reach us before the Job's DeadlineExceeded condition.
        if (pastDeadline(input))
            return deadlineVerdict(input, podName, exit.exitCode);
        // The Job controller marks the Job Failed next; the exit code is already known, so report it now.
        return { state: 'failed', kind: 'exit-code', pod: podName, exitCode: exit.exitCode, reason: exit.reason, message: `the migration container failed: ${exitText(exit) || pod.status?.reason || 'pod failed'}` };
    }
    const waiting = container?.state?.waiting;
    return { state: 'pending', detail: `pod ${podName} is ${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''}`, pod: podName };
}
/** Failures visible on the pod before the Job controller gives up (or that it never gives up on). */
function podFailure(pod, input, events = []) {
    const podName = pod.metadata?.name;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
        const waiting = status.state?.waiting;
        if (!waiting?.reason)
            continue;
        if (IMAGE_PULL.has(waiting.reason)) {
            return {
                state: 'failed',
                kind: 'image-pull',
                reason: waiting.reason,
                pod: podName,
                message: `the image cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
            };
        }
        if (waiting.reason === 'CreateContainerConfigError') {
            const eventMessage = [...events].reverse().find((e) => e.involvedObject?.name === podName && missingReference(e.message))?.message;
            const missing = missingReference(waiting.message) ?? missingReference(eventMessage);
            return {
                state: 'failed',
                kind: 'config',
                reason: waiting.reason,
                pod: podName,
                message: missing
                    ? `the container cannot start: ${missing} is missing in the Job's namespace (CreateContainerConfigError)`
                    : `the container cannot start: its configuration is invalid (CreateContainerConfigError${waiting.message ? `: ${waiting.message}` : ''})`,
            };
        }
        if (START_ERRORS.has(waiting.reason)) {
            return { state: 'failed', kind: 'start-error', reason: waiting.reason, pod: podName, message: `the container cannot start (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})` };
        }
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled && scheduled.status === 'False' && scheduled.reason === 'Unschedulable') {
        const since = toMs(scheduled.lastTransitionTime);
        const grace = input.unschedulableGraceMs ?? 0;
        const now = input.now ?? Date.now();
        if (since === undefined || now - since >= grace) {
            return { state: 'failed', kind: 'unschedulable', reason: 'Unschedulable', pod: podName, message: `no node can run the migration pod (Unschedulable${scheduled.message ? `: ${scheduled.message}` : ''})` };
        }
    }
    const container = migrationContainer(pod);
    if (pod.status?.phase === 'Failed' && !container?.state?.terminated && (pod.status.reason || pod.status.message)) {
        return { state: 'failed', kind: 'pod-failed', reason: pod.status.reason, pod: podName, message: `the migration pod failed before its container ran (${pod.status.reason ?? 'Failed'}${pod.status.message ? `: ${pod.status.message}` : ''})` };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/decide.ts
/**
 * What to do when a Job of the migration's name may already exist, so no migration ever runs twice:
 *
 *   none                                    → create it
 *   ours, same image, Complete              → success, nothing runs again (`already-complete`)
 *   ours, same image, still active          → attach: watch that Job, never start a second one
 *   ours, same image, Failed                → fail with how to retry; with `rerun-failed: true`,
 *                                             delete it and create it anew
 *   ours, being deleted                     → wait for the deletion, then create
 *   another release's Job, or another image → refuse (a name collision, or a re-pushed tag)
 */


/** The image the existing Job runs: our annotation, else its migration container's image. */
function existingImage(job) {
    const containers = job.spec?.template?.spec?.containers ?? [];
    return job.metadata?.annotations?.[src_manifest/* ANNOTATION_IMAGE */.uh] ?? (containers.find((c) => c.name === src_manifest/* CONTAINER_NAME */.Cz) ?? containers[0])?.image;
}
/**
 * `pods` are the existing Job's pods: with `backoffLimit: 0` a pod that failed means the Job has
 * failed, even in the moment before the Job controller records it (a re-run right after a failure
 * must not attach to it as if it were still running).
 */
function decide(existing, desired, pods = []) {
    if (!existing)
        return { action: 'create' };
    const where = `Job ${desired.namespace}/${desired.name}`;
    const follow = `kubectl -n ${desired.namespace} get job ${desired.name} -o yaml; kubectl -n ${desired.namespace} logs job/${desired.name}`;
    if (existing.metadata?.deletionTimestamp) {
        return { action: 'wait-deleted', message: `${where} is being deleted; waiting for it to go before creating it again` };
    }
    const annotations = existing.metadata?.annotations ?? {};
    const release = annotations[src_manifest/* ANNOTATION_RELEASE */.wM];
    if (release === undefined || release !== desired.release) {
        return {
            action: 'refuse',
            message: `${where} already exists and does not belong to release "${desired.release}" (${release === undefined ? 'it was not created by migrate-job' : `it belongs to release "${release}"`})`,
            check: [
                'two releases map to the same Job name: give this one a distinct `release` input',
                `or delete the other Job if it is stale: kubectl -n ${desired.namespace} delete job ${desired.name}`,
            ],
        };
    }
    const image = existingImage(existing);
    if (image !== desired.image || (annotations[src_manifest/* ANNOTATION_TAG */.d5] !== undefined && annotations[src_manifest/* ANNOTATION_TAG */.d5] !== desired.tag)) {
        return {
            action: 'refuse',
            message: `${where} already exists for release "${release}" tag "${annotations[src_manifest/* ANNOTATION_TAG */.d5] ?? '?'}" with image ${image ?? '(unknown)'}, not ${desired.image}`,
            check: [
                'the tag was pushed again with a different image: migrations of a tag run once, so release a new tag',
                `if the earlier migration really must be replaced, delete it first: kubectl -n ${desired.namespace} delete job ${desired.name}`,
            ],
        };
    }
    const verdict = classify({ job: existing, pods });
    if (verdict.state === 'succeeded') {
        return { action: 'already-complete', message: `${where} already completed with this image; the migration is not run again` };
    }
    if (verdict.state === 'failed') {
        if (desired.rerunFailed)
            return { action: 'recreate', message: `${where} failed before (${verdict.message}); rerun-failed is true, so it is deleted and created again` };
        return {
            action: 'refuse',
            message: `${where} already ran with this image and failed (${verdict.message}); it is not run again by itself`,
            check: [`read why it failed: ${follow}`, 'fix the cause, then re-run with `rerun-failed: true` (the failed Job is deleted and created again)'],
        };
    }
    return { action: 'attach', message: `${where} is already running with this image; following it instead of starting another` };
}

// EXTERNAL MODULE: ./actions/migrate-job/src/logsink.ts
var logsink = __webpack_require__(382);
// EXTERNAL MODULE: ./actions/migrate-job/src/plan.ts
var src_plan = __webpack_require__(4100);
;// CONCATENATED MODULE: ./actions/migrate-job/src/kube.ts
/**
 * `backend: kubernetes`: the migration as a Job, watched (not polled) until it is Complete or Failed,
 * with the pod's log streamed into the step log and kept in `log-file`. Fails fast on what never
 * trips `backoffLimit` (image pull errors, a missing secret/config map, an unschedulable pod, pods the
 * Job controller cannot create). Never runs a migration twice (see decide.ts), and never deletes a
 * running migration: when our own wait runs out, or the workflow run is cancelled (the runner's
 * SIGINT/SIGTERM, see main.ts), the step ends and says how to follow the Job, which keeps running (a
 * migration stopped half-way can leave the schema half-changed; a re-run attaches to it).
 *
 * @kubernetes/client-node is loaded only with this module (main imports it lazily).
 */









/**
 * How long after the Job's own deadline (activeDeadlineSeconds, = timeout) our wait gives up: a tenth of
 * the timeout, at least 5 s and at most a minute, so Kubernetes' verdict (DeadlineExceeded) normally comes first.
 */
function waitGraceMs(timeoutMs) {
    return Math.min(60_000, Math.max(5_000, Math.round(timeoutMs / 10)));
}
const LOG_DRAIN_MS = 10_000;
function statusCode(error) {
    const code = error?.code;
    if (typeof code === 'number')
        return code;
    const statusCode = error?.statusCode;
    return typeof statusCode === 'number' ? statusCode : undefined;
}
function apiMessage(error) {
    const body = error?.body;
    if (typeof body === 'string') {
        try {
            const parsed = JSON.parse(body);
            if (parsed.message)
                return parsed.message;
        }
        catch {
            if (body.trim())
                return body.trim().slice(0, 300);
        }
    }
    else if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
        return body.message;
    }
    return (0,src/* errorMessage */.gJ)(error);
}
function kubeRetryability(error) {
    const status = statusCode(error);
    if (status !== undefined) {
        if (status === 429 || status >= 500)
            return { retryable: true, reason: `HTTP ${status}` };
        return { retryable: false, reason: `HTTP ${status}` };
    }
    return (0,src/* classifyError */.fe)(error);
}
/** An API failure as the user's problem: unreachable, unauthorised, forbidden (naming verb and resource), or other. */
function kubeError(error, verb, resource, server) {
    const status = statusCode(error);
    const message = apiMessage(error);
    if (status === 401) {
        return new src/* ActionError */.lZ(`The Kubernetes API server at ${server} refused the credentials (401 Unauthorized) to ${verb} ${resource}`, {
            why: message,
            check: ['the kubeconfig\'s user token or client certificate is valid and not expired', 'for EKS/GKE/AKS, the exec credential plugin is installed and the cloud login step ran before this one'],
            cause: error,
        });
    }
    if (status === 403) {
        return new src/* ActionError */.lZ(`Not allowed to ${verb} ${resource} (403 Forbidden)`, {
            why: message,
            check: [
                `grant the identity in the kubeconfig the RBAC verb "${verb}" on ${resource}`,
                'migrate-job needs: jobs (batch) get, list, watch, create, delete; pods get, list, watch; pods/log get; events list, watch',
            ],
            cause: error,
        });
    }
    if (status !== undefined) {
        return new src/* ActionError */.lZ(`Kubernetes refused to ${verb} ${resource} (HTTP ${status})`, { why: message, cause: error });
    }
    return new src/* ActionError */.lZ(`Cannot reach the Kubernetes API server at ${server} to ${verb} ${resource}`, {
        why: (0,src/* errorMessage */.gJ)(error),
        check: ['the kubeconfig\'s server address and the `context` input', 'the runner can reach the cluster (VPN, private endpoint, firewall)', 'the cluster is up'],
        cause: error,
    });
}
function loadKubeConfig(k8s, values, env = process.env) {
    const kc = new k8s.KubeConfig();
    const raw = values.kubeconfig.trim();
    const source = raw ? (raw.includes('\n') || raw.startsWith('apiVersion') || raw.startsWith('{') ? 'the kubeconfig input' : `the kubeconfig file ${raw}`) : env.KUBECONFIG ? `KUBECONFIG (${env.KUBECONFIG})` : 'the default kubeconfig (~/.kube/config)';
    const failure = (why, cause) => new src/* ActionError */.lZ(`Cannot use ${source}`, {
        why,
        check: ['pass `kubeconfig` (a path or the YAML itself, from a secret), or set KUBECONFIG, or run your cloud\'s kubeconfig step (e.g. aws eks update-kubeconfig) first'],
        cause,
    });
    try {
        if (raw && source === 'the kubeconfig input') {
            // Its credentials are registered below once parsed (masking every line would mask `kind: Config`).
            kc.loadFromString(raw);
        }
        else if (raw) {
            if (!(0,external_node_fs_.existsSync)(raw))
                throw failure(`the file ${raw} does not exist`);
            kc.loadFromFile(raw);
        }
        else if (env.KUBECONFIG) {
            for (const file of env.KUBECONFIG.split(process.platform === 'win32' ? ';' : ':').filter(Boolean)) {
                if (!(0,external_node_fs_.existsSync)(file))
                    throw failure(`KUBECONFIG names ${file}, which does not exist`);
            }
            kc.loadFromDefault();
        }
        else {
            // Without any kubeconfig the client falls back to http://localhost:8080, and the failure would
            // read like a network problem; most often the `kubeconfig` input came from an unset secret.
            const home = env.HOME || env.USERPROFILE || '';
            const inCluster = !!env.KUBERNETES_SERVICE_HOST && (0,external_node_fs_.existsSync)('/var/run/secrets/kubernetes.io/serviceaccount/token');
            if (!inCluster && !(home && (0,external_node_fs_.existsSync)((0,external_node_path_.join)(home, '.kube', 'config')))) {
                throw failure('no kubeconfig was given: the `kubeconfig` input is empty (a secret that is not set?), KUBECONFIG is not set and ~/.kube/config does not exist');
            }
            kc.loadFromDefault();
        }
    }
    catch (error) {
        if (error instanceof src/* ActionError */.lZ)
            throw error;
        // Never quote the parser's message: it can echo a line of the file, credentials included.
        const mark = error?.mark;
        throw failure(`it is not a valid kubeconfig (${mark?.line !== undefined ? `YAML error at line ${mark.line + 1}` : error?.name || 'unreadable'})`);
    }
    for (const user of kc.getUsers()) {
        for (const secret of [user.token, user.password, user.keyData, user.certData])
            if (secret)
                (0,src/* registerSecret */.cl)(secret);
        if (user.keyFile && (0,external_node_fs_.existsSync)(user.keyFile))
            (0,src/* registerSecret */.cl)((0,external_node_fs_.readFileSync)(user.keyFile, 'utf8'));
    }
    if (values.context) {
        if (!kc.getContexts().some((c) => c.name === values.context)) {
            throw new src/* ActionError */.lZ(`The kubeconfig has no context "${values.context}" (input "context")`, {
                check: [`its contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`],
            });
        }
        kc.setCurrentContext(values.context);
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster || !kc.getCurrentContext())
        throw failure('it has no current context with a cluster (set `context`)');
    const contextObject = kc.getContextObject(kc.getCurrentContext());
    return { kc, server: cluster.server, namespace: values.namespace || contextObject?.namespace || 'default', context: kc.getCurrentContext() };
}
/**
 * A list-then-watch of one resource that survives disconnects: it resumes from the last
 * resourceVersion it saw and relists only when the server says that version is gone (410).
 */
class ResourceWatch {
    k8s;
    kc;
    path;
    query;
    list;
    onObject;
    onFatal;
    stats;
    label;
    controller;
    stopped = false;
    resourceVersion = '';
    failures = 0;
    constructor(k8s, kc, path, query, list, onObject, onFatal, stats, label) {
        this.k8s = k8s;
        this.kc = kc;
        this.path = path;
        this.query = query;
        this.list = list;
        this.onObject = onObject;
        this.onFatal = onFatal;
        this.stats = stats;
        this.label = label;
    }
    /** Lists and watches. Refusals (401, 403, other 4xx) throw; an unreachable or failing server is retried until stopped. */
    async start() {
        try {
            await this.relist();
        }
        catch (error) {
            const status = statusCode(error);
            if (status !== undefined && status < 500 && status !== 410 && status !== 429)
                throw error;
            src/* runner.debug */.lj.debug(`watch ${this.label}: first list failed (${(0,src/* errorMessage */.gJ)(error)}); retrying`);
            this.failures++;
            void this.reconnect(error);
        }
    }
    async relist() {
        this.stats.lists++;
        const result = await this.list();
        for (const item of result.items)
            this.onObject('LISTED', item);
        this.resourceVersion = result.resourceVersion;
        await this.connect();
    }
    async connect() {
        if (this.stopped)
            return;
        this.stats.watches++;
        const watch = new this.k8s.Watch(this.kc);
        this.controller = await watch.watch(this.path, { ...this.query, resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, (type, object) => {
            if (type === 'ERROR') {
                const code = object?.code;
                if (code === 410)
                    this.resourceVersion = '';
                return;
            }
            this.failures = 0;
            const version = object?.metadata?.resourceVersion;
            if (version)
                this.resourceVersion = version;
            if (type !== 'BOOKMARK')
                this.onObject(type, object);
        }, (error) => void this.reconnect(error));
    }
    async reconnect(error) {
        if (this.stopped)
            return;
        this.stats.reconnects++;
        const status = statusCode(error);
        if (status === 401 || status === 403) {
            this.onFatal(error);
            return;
        }
        if (error)
            this.failures++;
        src/* runner.debug */.lj.debug(`watch ${this.label} ended (${error ? (0,src/* errorMessage */.gJ)(error) : 'closed by the server'}); resuming from resourceVersion ${this.resourceVersion || '(relist)'}`);
        if (this.failures > 0)
            await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(this.failures, 5))));
        if (this.stopped)
            return;
        try {
            if (!this.resourceVersion || status === 410)
                await this.relist();
            else
                await this.connect();
        }
        catch (relistError) {
            const relistStatus = statusCode(relistError);
            if (relistStatus === 401 || relistStatus === 403) {
                this.onFatal(relistError);
                return;
            }
            // The API server may be restarting: keep trying until the overall deadline stops us.
            src/* runner.debug */.lj.debug(`watch ${this.label}: ${(0,src/* errorMessage */.gJ)(relistError)}`);
            this.failures++;
            void this.reconnect(relistError);
        }
    }
    /** No more events are wanted and nothing reconnects; the request itself is closed by `stop` (or the process exit). */
    halt() {
        this.stopped = true;
    }
    stop() {
        this.stopped = true;
        this.controller?.abort();
    }
}
async function kubernetesBackend(plan, values, image, logFile, signal = new AbortController().signal) {
    const k8s = await Promise.all(/* import() */[__webpack_require__.e(171), __webpack_require__.e(543)]).then(__webpack_require__.bind(__webpack_require__, 5543));
    const config = loadKubeConfig(k8s, values);
    const { kc, server, namespace } = config;
    const batch = kc.makeApiClient(k8s.BatchV1Api);
    const coreApi = kc.makeApiClient(k8s.CoreV1Api);
    const name = plan.jobName;
    const manifest = (0,src_manifest/* renderJob */.eS)((0,src_plan/* jobSpec */.HY)(plan, values, image, namespace));
    src/* runner.info */.lj.info(`Kubernetes: context ${config.context}, server ${server}, namespace ${namespace}, Job ${name}, image ${image}`);
    const call = (verb, resource, fn) => (0,src/* retry */.L5)(fn, { label: `${verb} ${resource}`, classify: kubeRetryability, attempts: 5, maxElapsedMs: 60_000 }).catch((error) => {
        throw kubeError(error, verb, resource, server);
    });
    const readJob = () => call('get', `jobs/${name} in namespace ${namespace}`, async () => {
        try {
            return (await batch.readNamespacedJob({ name, namespace }));
        }
        catch (error) {
            if (statusCode(error) === 404)
                return undefined;
            throw error;
        }
    });
    const follow = `kubectl -n ${namespace} get job ${name} -w   /   kubectl -n ${namespace} logs -f job/${name}`;
    const listPods = async () => existing === undefined
        ? []
        : (await call('list', `pods of jobs/${name} in namespace ${namespace}`, () => coreApi.listNamespacedPod({ namespace, labelSelector: `batch.kubernetes.io/job-name=${name}` }))).items;
    let existing = await readJob();
    let decision = decide(existing, { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: values.rerunFailed }, await listPods());
    src/* runner.info */.lj.info(decision.action === 'create' ? `No Job ${name} yet: it will be created` : decision.message);
    if (decision.action === 'refuse')
        throw new src/* ActionError */.lZ(`Migration not run: ${decision.message}`, { check: decision.check });
    if (decision.action === 'already-complete') {
        return { status: 'already-complete', exitCode: 0, jobName: name, detail: decision.message, rows: [['namespace', namespace]] };
    }
    await checkEnvSources(coreApi, namespace, plan, call);
    if (plan.dryRun) {
        const yaml = await (0,src_manifest/* toYaml */.fE)(manifest);
        const what = decision.action === 'attach' ? `follow the running Job ${namespace}/${name}` : `${decision.action === 'recreate' ? 'delete the failed Job and ' : ''}create this Job in ${namespace} and watch it`;
        src/* runner.info */.lj.info(`[dry-run] would ${what}:\n${yaml}`);
        return { status: 'planned', jobName: name, detail: `would ${what}`, rows: [['namespace', namespace]] };
    }
    const deadline = Date.now() + plan.timeoutMs + waitGraceMs(plan.timeoutMs);
    if (decision.action === 'recreate' || decision.action === 'wait-deleted') {
        if (decision.action === 'recreate') {
            await call('delete', `jobs/${name} in namespace ${namespace}`, () => batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Foreground' }));
            src/* runner.info */.lj.info(`Deleted the failed Job ${name}; waiting until it is gone`);
        }
        await waitGone(readJob, Math.min(deadline, Date.now() + 120_000), name);
        decision = { action: 'create' };
    }
    if (signal.aborted)
        return { status: 'cancelled', jobName: name, detail: `the workflow run was cancelled before the Job was created; nothing runs`, rows: [['namespace', namespace]] };
    if (decision.action === 'create') {
        try {
            await (0,src/* retry */.L5)(() => batch.createNamespacedJob({ namespace, body: manifest }), { label: `create jobs/${name}`, classify: kubeRetryability, attempts: 5, maxElapsedMs: 60_000 });
            src/* runner.info */.lj.info(`Created Job ${namespace}/${name}`);
        }
        catch (error) {
            if (statusCode(error) !== 409)
                throw kubeError(error, 'create', `jobs in namespace ${namespace}`, server);
            // Created meanwhile (a concurrent run, or our own create that timed out but went through): decide again.
            existing = await readJob();
            const again = decide(existing, { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: false }, await listPods());
            if (again.action === 'refuse')
                throw new src/* ActionError */.lZ(`Migration not run: ${again.message}`, { check: again.check });
            if (again.action === 'already-complete')
                return { status: 'already-complete', exitCode: 0, jobName: name, detail: again.message };
            if ('message' in again)
                src/* runner.info */.lj.info(again.message);
        }
    }
    const sink = new logsink/* LogSink */.y(logFile, (line) => src/* runner.info */.lj.info(line));
    const cancelNotice = () => src/* runner.info */.lj.info(`The Job ${namespace}/${name} is left running: a migration must not be stopped half-way. Follow it with: ${follow}. A re-run of this step attaches to it (or reports its result) instead of starting another.`);
    const outcome = await watchJob({ k8s, kc, batch, coreApi, namespace, name, deadline, sink, values, timeoutText: (0,src/* formatDuration */.a3)(plan.timeoutMs), server, signal, onCancel: cancelNotice });
    sink.end();
    const rows = [['namespace', namespace], ['pod', outcome.verdict?.state !== undefined && 'pod' in outcome.verdict && outcome.verdict.pod ? outcome.verdict.pod : '—']];
    let result;
    if (outcome.cancelled) {
        result = {
            status: 'cancelled',
            jobName: name,
            detail: `the workflow run was cancelled; the Job ${namespace}/${name} was left running (a migration must not be stopped half-way)`,
            check: [`follow it: ${follow}`, 'a re-run of this step attaches to it instead of starting another'],
        };
    }
    else if (outcome.timedOut || !outcome.verdict) {
        result = {
            status: 'timed-out',
            jobName: name,
            detail: `the Job did not finish within ${(0,src/* formatDuration */.a3)(plan.timeoutMs)} plus ${(0,src/* formatDuration */.a3)(waitGraceMs(plan.timeoutMs))}; it was NOT deleted and may still be running`,
            check: [`follow it: ${follow}`, 'a re-run of this step attaches to it instead of starting another'],
        };
    }
    else if (outcome.verdict.state === 'succeeded') {
        result = { status: 'succeeded', exitCode: 0, jobName: name, detail: `Job ${name} completed` };
    }
    else if (outcome.verdict.state === 'failed') {
        const v = outcome.verdict;
        result = { status: 'failed', exitCode: v.exitCode, jobName: name, detail: v.message, check: hintsFor(v, namespace, name) };
    }
    else {
        result = { status: 'timed-out', jobName: name, detail: 'the wait ended before the Job finished', check: [`follow it: ${follow}`] };
    }
    await cleanup(values.cleanup, result.status, () => call('delete', `jobs/${name} in namespace ${namespace}`, () => batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' })), name);
    src/* runner.debug */.lj.debug(`watch stats: ${JSON.stringify(outcome.stats)}`);
    return { ...result, rows, logFile, tail: sink.lastLines(), stats: outcome.stats };
}
function hintsFor(verdict, namespace, name) {
    switch (verdict.kind) {
        case 'image-pull':
            return ['the image reference and digest exist in the registry', 'the cluster can pull from it (imagePullSecrets on the service account, ECR node role)', `then re-run with \`rerun-failed: true\` (the failed Job ${name} stays for inspection until then)`];
        case 'config':
            return [`create the missing object in namespace ${namespace} (or fix \`env-from-secret\` / \`env-from-configmap\`)`, 'then re-run with `rerun-failed: true`'];
        case 'unschedulable':
            return ['the resources the Job requests (`resources`), node selectors and taints', 'raise `unschedulable-grace` if a cluster autoscaler needs time to add a node'];
        case 'deadline':
            return ['raise `timeout` if the migration is legitimately slow; check for locks held in the database', 'then re-run with `rerun-failed: true`'];
        case 'create-failed':
            return ['the service account (`service-account`) exists, quotas and admission policies allow the pod', 'then re-run with `rerun-failed: true`'];
        default:
            return [`the migration's log above (kubectl -n ${namespace} logs job/${name})`, 'fix the migration, then re-run with `rerun-failed: true`, or release a new tag'];
    }
}
async function cleanup(policy, status, remove, name) {
    const running = status === 'timed-out' || status === 'cancelled';
    const wanted = policy === 'always' ? !running : policy === 'on-success' ? status === 'succeeded' : false;
    if (policy === 'always' && running)
        src/* runner.info */.lj.info(`cleanup: always, but the Job ${name} may still be running: it is left alone`);
    if (!wanted)
        return;
    try {
        await remove();
        src/* runner.info */.lj.info(`Deleted Job ${name} (cleanup: ${policy}); its log is kept in the log file`);
    }
    catch (error) {
        src/* runner.warning */.lj.warning(`Could not delete Job ${name} (cleanup: ${policy}): ${(0,src/* errorMessage */.gJ)(error)}`);
    }
}
async function waitGone(read, until, name) {
    while (Date.now() < until) {
        if ((await read()) === undefined)
            return;
        await new Promise((r) => setTimeout(r, 500));
    }
    throw new src/* ActionError */.lZ(`The old Job ${name} was not deleted in time`, { check: ['finalizers on the Job or its pods (kubectl get job -o yaml)'] });
}
/** The envFrom secrets/config maps exist (read-only; skipped where RBAC does not allow reading them). */
async function checkEnvSources(coreApi, namespace, plan, call) {
    const checks = [
        ...plan.envFromSecrets.map((n) => ['secret', n, () => coreApi.readNamespacedSecret({ name: n, namespace })]),
        ...plan.envFromConfigMaps.map((n) => ['configmap', n, () => coreApi.readNamespacedConfigMap({ name: n, namespace })]),
    ];
    for (const [kind, objectName, read] of checks) {
        const found = await call(`get`, `${kind}s/${objectName}`, async () => {
            try {
                await read();
                return true;
            }
            catch (error) {
                const status = statusCode(error);
                if (status === 404)
                    return false;
                if (status === 403) {
                    src/* runner.debug */.lj.debug(`cannot read ${kind} ${objectName} (403); the kubelet will check it`);
                    return true;
                }
                throw error;
            }
        });
        if (!found) {
            throw new src/* ActionError */.lZ(`Migration not started: ${kind} "${objectName}" does not exist in namespace ${namespace}`, {
                check: [`create it (or fix \`env-from-${kind}\`); nothing was created in the cluster`],
            });
        }
    }
}
async function watchJob(args) {
    const { k8s, kc, batch, coreApi, namespace, name, sink } = args;
    const stats = { watches: 0, reconnects: 0, lists: 0 };
    let job;
    const pods = new Map();
    const events = [];
    const logStreams = new Map();
    /** Pods whose log is still being read (a Set, so finish knows without awaiting whether anything is left). */
    const readingLogs = new Set();
    /** The log requests still open (a request leaves once its stream has ended). */
    const aborts = new Set();
    let lastDetail = '';
    let graceTimer;
    return new Promise((resolve, reject) => {
        let settled = false;
        const watches = [];
        const finish = async (outcome) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(deadlineTimer);
            args.signal?.removeEventListener('abort', onAbort);
            if (graceTimer)
                clearTimeout(graceTimer);
            // The watches' events are no longer wanted from here on, but closing their requests (aborting three
            // fetches, ~1-2 ms) is not on the way to the verdict: it is done just after, and in the action the
            // process exit closes them first.
            for (const w of watches)
                w.halt();
            const closeWatches = () => setImmediate(() => {
                for (const w of watches)
                    w.stop();
            });
            if ('error' in outcome) {
                for (const controller of aborts)
                    controller.abort();
                closeWatches();
                reject(outcome.error);
                return;
            }
            // The pod's log: let the follow streams end by themselves (the container has exited), bounded. A pod whose
            // container never started has no log to read. Usually the stream ended before the Job's condition came
            // (the container's exit ends it): then nothing is awaited at all.
            const verdictPod = outcome.verdict && 'pod' in outcome.verdict ? outcome.verdict.pod : undefined;
            const state = verdictPod ? migrationContainer(pods.get(verdictPod) ?? {})?.state : undefined;
            if (verdictPod && !logStreams.has(verdictPod) && (state?.running || state?.terminated))
                startLogs(verdictPod);
            // Timed out or cancelled: the container may run on for a long time; its log so far is in the file already.
            if (!outcome.timedOut && !outcome.cancelled && readingLogs.size > 0) {
                let drainTimer;
                await Promise.race([Promise.allSettled([...logStreams.values()]), new Promise((r) => (drainTimer = setTimeout(r, LOG_DRAIN_MS)))]);
                clearTimeout(drainTimer);
            }
            for (const controller of aborts)
                controller.abort();
            closeWatches();
            resolve({ verdict: outcome.verdict, timedOut: outcome.timedOut, cancelled: outcome.cancelled, stats });
        };
        const deadlineTimer = setTimeout(() => void finish({ timedOut: true }), Math.max(0, args.deadline - Date.now()));
        const onAbort = () => {
            if (settled)
                return;
            args.onCancel?.();
            void finish({ timedOut: false, cancelled: true });
        };
        if (args.signal?.aborted)
            queueMicrotask(onAbort);
        else
            args.signal?.addEventListener('abort', onAbort, { once: true });
        /** One log request; the first `skip` bytes (already printed) are dropped. Resolves when the stream ends. */
        const readLog = (pod, followLogs, skip, onBytes) => new Promise((resolveStream) => {
            let controller;
            let ended = false;
            const resolveLog = () => {
                ended = true;
                if (controller)
                    aborts.delete(controller);
                resolveStream();
            };
            let toSkip = skip;
            const out = new external_node_stream_.Writable({
                write(chunk, _encoding, callback) {
                    let data = chunk;
                    if (toSkip > 0) {
                        const dropped = Math.min(toSkip, data.length);
                        data = data.subarray(dropped);
                        toSkip -= dropped;
                    }
                    if (data.length) {
                        onBytes(data.length);
                        sink.write(data);
                    }
                    callback();
                },
                final(callback) {
                    resolveLog();
                    callback();
                },
            });
            out.on('error', () => resolveLog());
            new k8s.Log(kc)
                .log(namespace, pod, src_manifest/* CONTAINER_NAME */.Cz, out, { follow: followLogs })
                .then((c) => {
                controller = c;
                if (!ended)
                    aborts.add(c);
            })
                .catch((error) => {
                src/* runner.debug */.lj.debug(`log of pod ${pod}: ${apiMessage(error)}`);
                resolveLog();
            });
        });
        const terminated = (pod) => Boolean(migrationContainer(pods.get(pod) ?? {})?.state?.terminated);
        /**
         * Follows the pod's log to its end. A stream cut short while the container still runs (API server
         * restart, network) is resumed, skipping what was already printed; bounded by the overall deadline.
         */
        const startLogs = (pod) => {
            let received = 0;
            readingLogs.add(pod);
            const done = (async () => {
                try {
                    for (let attempt = 0; Date.now() < args.deadline; attempt++) {
                        const wasTerminated = terminated(pod) || settled;
                        await readLog(pod, !wasTerminated, received, (n) => (received += n));
                        // A follow stream ends by itself when the container exits, with everything it wrote: done. One that
                        // ended while the container still runs was cut short (API server restart, network): resume it.
                        if (wasTerminated || terminated(pod))
                            return;
                        if (!settled)
                            await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * 2 ** Math.min(attempt, 3))));
                    }
                }
                finally {
                    readingLogs.delete(pod);
                }
            })();
            logStreams.set(pod, done);
        };
        const evaluate = () => {
            if (settled || !job)
                return;
            const verdict = classify({
                job,
                pods: [...pods.values()],
                events,
                now: Date.now(),
                unschedulableGraceMs: args.values.unschedulableGrace ?? 0,
                timeoutText: args.timeoutText,
            });
            // Logs as soon as the container runs (or has already run).
            for (const [podName, pod] of pods) {
                const state = migrationContainer(pod)?.state;
                if (!logStreams.has(podName) && (state?.running || state?.terminated))
                    startLogs(podName);
            }
            if (verdict.state === 'succeeded' || verdict.state === 'failed') {
                void finish({ verdict, timedOut: false });
                return;
            }
            if (verdict.detail !== lastDetail) {
                src/* runner.info */.lj.info(`… ${verdict.detail}`);
                lastDetail = verdict.detail;
            }
            // An Unschedulable pod within its grace period: look again when the grace runs out (one timer, no polling).
            const unschedulable = [...pods.values()].map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')).find(Boolean);
            if (unschedulable && !graceTimer) {
                const since = unschedulable.lastTransitionTime ? new Date(unschedulable.lastTransitionTime).getTime() : Date.now();
                graceTimer = setTimeout(() => {
                    graceTimer = undefined;
                    evaluate();
                }, Math.max(0, since + (args.values.unschedulableGrace ?? 0) - Date.now()) + 10);
            }
        };
        const onJob = (type, object) => {
            if (object?.metadata?.name !== name)
                return;
            if (type === 'DELETED') {
                void finish({ error: new src/* ActionError */.lZ(`The Job ${namespace}/${name} was deleted while the migration was running`, { check: ['someone or something (a Helm hook policy, a cleanup job) deleted it; re-run the step to see whether the migration ran'] }) });
                return;
            }
            job = object;
            evaluate();
        };
        const onPod = (type, object) => {
            const podName = object?.metadata?.name;
            if (!podName)
                return;
            if (type === 'DELETED')
                pods.delete(podName);
            else
                pods.set(podName, object);
            evaluate();
        };
        const onEvent = (type, object) => {
            if (type === 'DELETED')
                return;
            events.push(object);
            if (events.length > 200)
                events.shift();
            evaluate();
        };
        const onFatal = (error) => void finish({ error: kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server) });
        const labelSelector = `batch.kubernetes.io/job-name=${name}`;
        const listOf = (items, metadata) => ({ items, resourceVersion: metadata?.resourceVersion ?? '' });
        const retryList = (label, fn) => (0,src/* retry */.L5)(fn, { label, classify: kubeRetryability, attempts: 5, maxElapsedMs: 60_000 });
        watches.push(new ResourceWatch(k8s, kc, `/apis/batch/v1/namespaces/${namespace}/jobs`, { fieldSelector: `metadata.name=${name}` }, async () => {
            const r = await retryList('list jobs', () => batch.listNamespacedJob({ namespace, fieldSelector: `metadata.name=${name}` }));
            return listOf(r.items, r.metadata);
        }, onJob, onFatal, stats, 'job'), new ResourceWatch(k8s, kc, `/api/v1/namespaces/${namespace}/pods`, { labelSelector }, async () => {
            const r = await retryList('list pods', () => coreApi.listNamespacedPod({ namespace, labelSelector }));
            return listOf(r.items, r.metadata);
        }, onPod, onFatal, stats, 'pods'), new ResourceWatch(k8s, kc, `/api/v1/namespaces/${namespace}/events`, { fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name}` }, async () => {
            const r = await retryList('list events', () => coreApi.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name}` }));
            return listOf(r.items, r.metadata);
        }, onEvent, onFatal, stats, 'events'));
        (async () => {
            for (const w of watches)
                await w.start();
            evaluate();
        })().catch((error) => void finish({ error: error instanceof src/* ActionError */.lZ ? error : kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server) }));
    });
}


/***/ })

};
