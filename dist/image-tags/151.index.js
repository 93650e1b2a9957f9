export const id = 151;
export const ids = [151];
export const modules = {

/***/ 3151:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fetchRepoFacts: () => (/* binding */ fetchRepoFacts)
/* harmony export */ });
/* unused harmony export API_LIMITS */
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1151);
/* harmony import */ var _wiring_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3837);
/**
 * The repository facts metadata-action reads from the GitHub API (`GET /repos/{owner}/{repo}`:
 * name, description, html_url, license) and the commit date (`GET /repos/{owner}/{repo}/commits/{sha}`)
 * when the payload has none. Bounded (a short per-request timeout, few retries, a small time
 * budget) and never fatal: when the API cannot answer, the caller falls back to the event payload.
 */


/** Per-request timeout and the retry budget: a few seconds at most when the API is down. */
const API_LIMITS = { timeoutMs: 5_000, attempts: 3, baseDelayMs: 200, maxDelayMs: 1_000, maxElapsedMs: 8_000 };
function describe(error) {
    const status = error.status;
    const message = (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)((0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .errorMessage */ .gJ)(error)).split('\n')[0];
    return typeof status === 'number' && status !== 500 ? `HTTP ${status}: ${message}` : message;
}
async function fetchRepoFacts(api, request, options = {}) {
    const { timeoutMs = API_LIMITS.timeoutMs, ...retryOptions } = options;
    const now = retryOptions.now ?? Date.now;
    const maxElapsedMs = retryOptions.maxElapsedMs ?? API_LIMITS.maxElapsedMs;
    // One budget for both calls and all their attempts: each request gets what is left of it (at most
    // timeoutMs), so a server that accepts and never answers costs maxElapsedMs, not attempts x timeout.
    const deadline = now() + maxElapsedMs;
    const call = (label, fn) => (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .retry */ .L5)(() => fn((0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .requestSignal */ .OL)(Math.max(1, Math.min(timeoutMs, deadline - now())))), {
        label,
        attempts: API_LIMITS.attempts,
        baseDelayMs: API_LIMITS.baseDelayMs,
        maxDelayMs: API_LIMITS.maxDelayMs,
        classify: (error) => (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .classifyError */ .fe)(error),
        ...retryOptions,
        maxElapsedMs,
    });
    const { owner, repo, sha } = request;
    const [repoResult, dateResult] = await Promise.allSettled([
        call(`GET /repos/${owner}/${repo}`, (signal) => api.getRepo(owner, repo, signal)),
        request.commitDate && sha !== ''
            ? call(`GET /repos/${owner}/${repo}/commits/${sha.slice(0, 7)}`, (signal) => api.getCommitDate(owner, repo, sha, signal))
            : Promise.resolve(undefined),
    ]);
    const facts = {};
    if (repoResult.status === 'fulfilled') {
        const info = (0,_wiring_js__WEBPACK_IMPORTED_MODULE_1__/* .repoInfoFromApi */ .VL)(repoResult.value);
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
