export const id = 81;
export const ids = [81];
export const modules = {

/***/ 8081:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fetchRepoFacts: () => (/* binding */ fetchRepoFacts)
});

// UNUSED EXPORTS: API_LIMITS

// EXTERNAL MODULE: ./packages/core/src/values.ts
var values = __webpack_require__(4287);
// EXTERNAL MODULE: ./packages/core/src/secrets.ts
var secrets = __webpack_require__(7620);
// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./packages/core/src/runner.ts
var runner = __webpack_require__(8643);
// EXTERNAL MODULE: ./packages/core/src/parse.ts
var parse = __webpack_require__(6230);
;// CONCATENATED MODULE: ./packages/core/src/retry.ts
/**
 * Retries for AWS, registry and GitHub calls: full-jitter exponential backoff, bounded by attempt
 * count and by elapsed time, with a labelled log line per retry (configure-aws-credentials' shape)
 * and an injectable sleep and clock so tests never wait.
 */




const RETRYABLE_NETWORK_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
]);
const THROTTLING_NAMES = new Set([
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'TooManyRequestsException',
    'RequestLimitExceeded',
    'RequestThrottled',
    'RequestThrottledException',
    'ProvisionedThroughputExceededException',
    'SlowDown',
    'TransactionInProgressException',
    'LimitExceededException',
]);
const TRANSIENT_NAMES = new Set([
    'RequestTimeout',
    'RequestTimeoutException',
    'ServiceUnavailable',
    'ServiceUnavailableException',
    'InternalError',
    'InternalFailure',
    'InternalServerError',
    'InternalServerException',
    'ServerException',
    'TimeoutError',
    'AbortError',
]);
function statusOf(error) {
    const candidates = [
        (0,values/* valueAt */.fK)(error, 'status'),
        (0,values/* valueAt */.fK)(error, 'statusCode'),
        (0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, '$metadata'), 'httpStatusCode'),
        (0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, 'response'), 'status'),
        (0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, '$response'), 'statusCode'),
    ];
    for (const candidate of candidates)
        if (typeof candidate === 'number' && candidate >= 100)
            return candidate;
    return undefined;
}
function header(error, name) {
    for (const headers of [
        (0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, 'response'), 'headers'),
        (0,values/* valueAt */.fK)(error, 'headers'),
        (0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, '$response'), 'headers'),
    ]) {
        if (headers === null || typeof headers !== 'object')
            continue;
        const getter = (0,values/* valueAt */.fK)(headers, 'get');
        if (typeof getter === 'function') {
            const value = getter.call(headers, name);
            if (typeof value === 'string')
                return value;
        }
        for (const [key, value] of Object.entries(headers)) {
            if (key.toLowerCase() === name && (typeof value === 'string' || typeof value === 'number'))
                return String(value);
        }
    }
    return undefined;
}
/** A `Retry-After` header value (seconds, or an HTTP date) as a wait in milliseconds. */
function parseRetryAfter(value, now) {
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/** Retry-After in seconds or as an HTTP date; GitHub's x-ratelimit-reset in epoch seconds. */
function retryAfterMs(error, now) {
    const after = header(error, 'retry-after');
    const requested = after === undefined ? undefined : parseRetryAfter(after, now);
    if (requested !== undefined)
        return requested;
    const reset = header(error, 'x-ratelimit-reset');
    if (reset !== undefined && /^\d+$/.test(reset) && header(error, 'x-ratelimit-remaining') === '0') {
        return Math.max(0, Number(reset) * 1000 - now);
    }
    return undefined;
}
function networkCode(error) {
    return (0,values/* causes */.ps)(error)
        .map((e) => (0,values/* valueAt */.fK)(e, 'code'))
        .find((code) => typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code));
}
/** Whether an error from an AWS SDK, Octokit, fetch or a socket is worth retrying. */
function classifyError(error, now = Date.now()) {
    const name = (0,values/* valueAt */.fK)(error, 'name');
    const status = statusOf(error);
    const wait = retryAfterMs(error, now);
    if (typeof name === 'string' && THROTTLING_NAMES.has(name))
        return { retryable: true, reason: `throttled (${name})`, retryAfterMs: wait };
    if ((0,values/* valueAt */.fK)((0,values/* valueAt */.fK)(error, '$retryable'), 'throttling') === true)
        return { retryable: true, reason: 'throttled', retryAfterMs: wait };
    if (status === 429)
        return { retryable: true, reason: 'HTTP 429 (rate limited)', retryAfterMs: wait };
    if (status === 403) {
        const message = (0,errors/* errorMessage */.gJ)(error).toLowerCase();
        if (header(error, 'x-ratelimit-remaining') === '0' || message.includes('rate limit')) {
            return { retryable: true, reason: 'HTTP 403 (rate limited)', retryAfterMs: wait };
        }
    }
    if (status !== undefined && (status >= 500 || status === 408))
        return { retryable: true, reason: `HTTP ${status}`, retryAfterMs: wait };
    const code = networkCode(error);
    if (code)
        return { retryable: true, reason: code };
    if (typeof name === 'string' && TRANSIENT_NAMES.has(name))
        return { retryable: true, reason: name };
    if ((0,values/* valueAt */.fK)(error, '$retryable') !== undefined && status === undefined)
        return { retryable: true, reason: 'retryable' };
    if (status !== undefined)
        return { retryable: false, reason: `HTTP ${status}` };
    return { retryable: false, reason: typeof name === 'string' ? name : 'error' };
}
/** Waits `ms`, or less when `signal` aborts (a wait never outlives the step's deadline or cancellation). */
function sleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted || ms <= 0)
            return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
    });
}
/** Full jitter: a uniformly random wait up to the exponential ceiling, at least any Retry-After. */
function backoffDelay(attempt, options) {
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.round(options.random() * ceiling);
    return Math.min(options.maxDelayMs, Math.max(jittered, options.retryAfterMs ?? 0));
}
async function retry(fn, options) {
    const attempts = options.attempts ?? 5;
    const baseDelayMs = options.baseDelayMs ?? 250;
    const maxDelayMs = options.maxDelayMs ?? 20_000;
    const maxElapsedMs = options.maxElapsedMs ?? 120_000;
    const wait = options.sleep ?? sleep;
    const random = options.random ?? Math.random;
    const now = options.now ?? Date.now;
    // Rate-limit resets and Retry-After dates are measured against the same (injectable) clock.
    const classify = options.classify ?? ((error) => classifyError(error, now()));
    const log = options.log ?? ((message) => runner/* info */.pq(message));
    const started = now();
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (error) {
            const verdict = classify(error);
            if (!verdict.retryable || attempt >= attempts)
                throw error;
            const delay = backoffDelay(attempt, { baseDelayMs, maxDelayMs, random, retryAfterMs: verdict.retryAfterMs });
            if (now() - started + delay > maxElapsedMs) {
                log(`Retry ${options.label}: attempt ${attempt} of ${attempts} failed (${verdict.reason}); not retrying, the ${(0,parse/* formatDuration */.a3)(maxElapsedMs)} retry budget would be exceeded.`);
                throw error;
            }
            log(`Retry ${options.label}: attempt ${attempt} of ${attempts} failed (${verdict.reason}: ${(0,errors/* errorMessage */.gJ)(error)}). Retrying after ${(0,parse/* formatDuration */.a3)(delay)}.`);
            await wait(delay);
        }
    }
}

// EXTERNAL MODULE: ./packages/core/src/trust.ts
var trust = __webpack_require__(3235);
// EXTERNAL MODULE: ./actions/image-tags/src/wiring.ts
var wiring = __webpack_require__(3837);
;// CONCATENATED MODULE: ./actions/image-tags/src/repoapi.ts
/**
 * The repository facts metadata-action reads from the GitHub API (`GET /repos/{owner}/{repo}`:
 * name, description, html_url, license) and the commit date (`GET /repos/{owner}/{repo}/commits/{sha}`)
 * when the payload has none. Bounded (a short per-request timeout, few retries, a small time
 * budget) and never fatal: when the API cannot answer, the caller falls back to the event payload.
 */


/** Per-request timeout and the retry budget: a few seconds at most when the API is down. */
const API_LIMITS = { timeoutMs: 5_000, attempts: 3, baseDelayMs: 200, maxDelayMs: 1_000, maxElapsedMs: 8_000 };
function describe(error) {
    const status = (0,values/* httpStatus */.nG)(error);
    const message = (0,secrets/* redact */.E$)((0,errors/* errorMessage */.gJ)(error)).split('\n')[0];
    return status !== undefined && status !== 500 ? `HTTP ${status}: ${message}` : message;
}
async function fetchRepoFacts(api, request, options = {}) {
    const { timeoutMs = API_LIMITS.timeoutMs, ...retryOptions } = options;
    const now = retryOptions.now ?? Date.now;
    const maxElapsedMs = retryOptions.maxElapsedMs ?? API_LIMITS.maxElapsedMs;
    // One budget for both calls and all their attempts: each request gets what is left of it (at most
    // timeoutMs), so a server that accepts and never answers costs maxElapsedMs, not attempts x timeout.
    const deadline = now() + maxElapsedMs;
    const call = (label, fn) => retry(() => fn((0,trust/* requestSignal */.OL)(Math.max(1, Math.min(timeoutMs, deadline - now())))), {
        label,
        attempts: API_LIMITS.attempts,
        baseDelayMs: API_LIMITS.baseDelayMs,
        maxDelayMs: API_LIMITS.maxDelayMs,
        classify: (error) => classifyError(error),
        ...retryOptions,
        maxElapsedMs,
    });
    const { owner, repo, sha } = request;
    const wantRepo = request.repoFacts ?? true;
    const [repoResult, dateResult] = await Promise.allSettled([
        wantRepo ? call(`GET /repos/${owner}/${repo}`, (signal) => api.getRepo(owner, repo, signal)) : Promise.resolve(undefined),
        request.commitDate && sha !== ''
            ? call(`GET /repos/${owner}/${repo}/commits/${sha.slice(0, 7)}`, (signal) => api.getCommitDate(owner, repo, sha, signal))
            : Promise.resolve(undefined),
    ]);
    const facts = {};
    if (!wantRepo) {
        // Not asked: the caller has the repository from the payload.
    }
    else if (repoResult.status === 'fulfilled') {
        const info = (0,wiring/* repoInfoFromApi */.VL)(repoResult.value);
        if (typeof info.name === 'string' && info.name !== '')
            facts.repo = info;
        else
            facts.problem = 'the answer has no repository name';
    }
    else {
        facts.problem = describe(repoResult.reason);
    }
    if (dateResult.status === 'fulfilled') {
        if (dateResult.value !== undefined) {
            const date = new Date(dateResult.value);
            if (Number.isNaN(date.getTime()))
                facts.commitDateProblem = `the commit date "${dateResult.value}" is not a date`;
            else
                facts.commitDate = date;
        }
        else if (request.commitDate) {
            facts.commitDateProblem = 'the commit has no committer date';
        }
    }
    else {
        facts.commitDateProblem = describe(dateResult.reason);
    }
    return facts;
}


/***/ })

};
