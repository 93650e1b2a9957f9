export const id = 132;
export const ids = [132];
export const modules = {

/***/ 8132:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   installTool: () => (/* binding */ installTool)
/* harmony export */ });
/* unused harmony exports RELEASE_DIR, cacheKey */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7638);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7620);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8643);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(6230);
/* harmony import */ var _network_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8677);
/* harmony import */ var _tool_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7009);
/**
 * Installs `tool: <name>@<version>` for `backend: command`. Nothing runs without proof: the release
 * file's SHA-256 must equal the pinned `tool-checksum`, or the checksum the release publishes, fetched
 * over https. That holds for every source of the file: a download from `tool-base-url` (default: the
 * tool's own release site; https only, plain http for a loopback test mirror), the runner's tool
 * cache and the Actions cache alike — a cache is only a place someone else may have written to (a
 * self-hosted runner's earlier job, a poisoned cache entry). So the caches keep the release file
 * itself next to what was extracted from it; a cached copy is used only when that file has the
 * expected hash, and the executable that runs is extracted from those verified bytes into a fresh
 * folder of this run, never the cached executable.
 *
 * Every request is bounded (no answer, or no progress, within 30 s; the whole download within 10 min)
 * and ends at the step's deadline (`signal`). @actions/tool-cache (extraction and the tool cache, no
 * network) and @actions/cache are loaded only here, so other backends never pay for them.
 */






/** The folder inside a cached tool that holds the release file it was extracted from. */
const RELEASE_DIR = '.deploy-kit-release';
/** The longest a download may take in all (a slow but moving transfer; a stalled one ends after `answerMs`). */
const DOWNLOAD_TOTAL_MS = 10 * 60_000;
/** The longest the Actions cache may take to restore or save the tool before it is skipped. */
const CACHE_TRANSFER_MS = 2 * 60_000;
const MAX_CHECKSUM_FILE = 1024 * 1024;
/** Keyed by the content (`-release`: entries hold the release file; older entries, which do not, are never read). */
function cacheKey(tool, platform, checksum) {
    return `deploy-kit-migrate-${tool.name}-${tool.version}-${platform.platform}-${platform.arch}-release${checksum ? `-${checksum.slice(0, 16)}` : ''}`;
}
function downloadError(tool, what, url, why, extra = [], cause) {
    return new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`Could not download ${what} of ${tool.name} ${tool.version} from ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_6__/* .safeUrl */ .Pl)(url)}`, {
        why,
        check: [
            'the version exists for this platform',
            "`tool-base-url` (if set) serves the release files in the tool's release layout, over https",
            'the runner can reach that host',
            ...extra,
        ],
        cause,
    });
}
/** GETs `url` within the request limits; an HTTP error or a network failure is a clear ActionError. */
async function download(tool, what, url, options, limits, extra = []) {
    try {
        const answer = await (0,_network_js__WEBPACK_IMPORTED_MODULE_3__/* .boundedFetch */ .A)(url, {
            outer: options.signal,
            answerMs: options.answerMs,
            totalMs: limits.totalMs,
            fetch: options.fetch,
            headers: { 'user-agent': 'deploy-kit-migrate-job' },
        });
        if (!answer.response.ok) {
            answer.done();
            await answer.response.body?.cancel().catch(() => undefined);
            throw downloadError(tool, what, url, `the server answered ${answer.response.status} ${answer.response.statusText}`.trim(), extra);
        }
        return await (0,_network_js__WEBPACK_IMPORTED_MODULE_3__/* .readBody */ .x8)(answer, { maxBytes: limits.maxBytes });
    }
    catch (error) {
        if (error instanceof _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ)
            throw error;
        throw downloadError(tool, what, url, error instanceof _network_js__WEBPACK_IMPORTED_MODULE_3__/* .NetworkError */ .Dr ? error.reason : (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error), extra, error);
    }
}
/** The hash the release file must have: the pinned one, or the one the release publishes (fetched over https). */
async function expectedChecksum(tool, plan, options) {
    if (options.checksum)
        return { sha256: options.checksum, source: 'tool-checksum' };
    // A mirror (or a release) without the checksum file can still be verified: by a pinned hash.
    const text = (await download(tool, 'the checksum file', plan.checksumUrl, options, { totalMs: options.answerMs ?? 30_000, maxBytes: MAX_CHECKSUM_FILE }, ["or pin the release file's SHA-256 with `tool-checksum` (then no checksum file is fetched)"])).toString('utf8');
    const sha256 = (0,_tool_js__WEBPACK_IMPORTED_MODULE_4__/* .checksumFor */ .xs)(text, plan.asset, tool.definition.checksum.kind);
    if (!sha256) {
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`The checksum file ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_6__/* .safeUrl */ .Pl)(plan.checksumUrl)} lists no SHA-256 for ${plan.asset}`, {
            check: ['the release publishes checksums for this platform', 'or pin the hash yourself with `tool-checksum`'],
        });
    }
    return { sha256, source: 'published checksum' };
}
/** The release file kept in a cached tool folder, if there is one (not yet verified). */
function cachedRelease(dir, asset, where, log) {
    const file = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, RELEASE_DIR, asset);
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(file))
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(file);
    log(`${where} (${dir}) holds no release file to verify it by: not used`);
    return undefined;
}
/** Whether a cached release file has the expected hash; a mismatch is worth a warning (someone changed that cache). */
function verified(bytes, expected, where, dir) {
    const actual = (0,_tool_js__WEBPACK_IMPORTED_MODULE_4__/* .sha256Hex */ .fg)(bytes);
    if (actual === expected)
        return true;
    _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .warning */ .$e(`${where} (${dir}) does not match the expected SHA-256 (${expected}; it has ${actual}): not used, the release is downloaded instead. Something changed that cache: check what else writes to it.`);
    return false;
}
/** Waits for a cache transfer at most `ms` and never past the step's deadline; undefined when it did not finish. */
async function bounded(work, ms, signal) {
    let timer;
    let onAbort;
    const stop = new Promise((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
        onAbort = () => resolve(undefined);
        signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
        return await Promise.race([work, stop]);
    }
    finally {
        clearTimeout(timer);
        if (onAbort)
            signal?.removeEventListener('abort', onAbort);
    }
}
async function installTool(tool, options) {
    const tc = await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
    const platform = (0,_tool_js__WEBPACK_IMPORTED_MODULE_4__/* .releasePlatform */ .Ld)();
    const executableName = `${tool.definition.binary}${platform.platform === 'windows' ? '.exe' : ''}`;
    const plan = (0,_tool_js__WEBPACK_IMPORTED_MODULE_4__/* .downloadPlan */ .mb)(tool, options.baseUrl, platform);
    const label = `${tool.name} ${tool.version}`;
    let expected;
    const proof = async () => {
        expected ??= await expectedChecksum(tool, plan, options);
        return expected;
    };
    // A cached copy (this machine's tool cache, else the Actions cache) is a candidate only: used once its
    // release file has the expected hash.
    let release;
    let source = 'download';
    const cached = tc.find(tool.name, tool.semver, platform.arch);
    if (cached) {
        const copy = cachedRelease(cached, plan.asset, `${label} in the tool cache`, options.log);
        if (copy && verified(copy, (await proof()).sha256, `${label} in the tool cache`, cached)) {
            release = copy;
            source = 'tool-cache';
            options.log(`${label}: found in the tool cache (${cached}); its release file matches the ${expected.source}`);
        }
    }
    const key = cacheKey(tool, platform, options.checksum);
    const toolCacheRoot = process.env.RUNNER_TOOL_CACHE ?? '';
    const cachePath = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(toolCacheRoot, tool.name, tool.semver, platform.arch);
    const actionsCache = await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 1691));
    const actionsCacheUsable = Boolean(toolCacheRoot) && actionsCache.isFeatureAvailable();
    if (!actionsCacheUsable)
        _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .debug */ .Yz('The Actions cache service is not available here (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL unset); only the tool cache is used');
    if (!release && actionsCacheUsable) {
        try {
            const hit = await bounded(actionsCache.restoreCache([cachePath], key, undefined, {
                timeoutInMs: options.answerMs ?? 30_000,
                segmentTimeoutInMs: CACHE_TRANSFER_MS,
            }), CACHE_TRANSFER_MS, options.signal);
            if (hit === undefined && !options.signal?.aborted)
                _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .warning */ .$e(`Restoring ${label} from the Actions cache did not finish within ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_8__/* .formatDuration */ .a3)(CACHE_TRANSFER_MS)}; downloading it instead`);
            const copy = hit ? cachedRelease(cachePath, plan.asset, `${label} restored from the Actions cache`, options.log) : undefined;
            if (copy && verified(copy, (await proof()).sha256, `${label} restored from the Actions cache`, cachePath)) {
                release = copy;
                source = 'actions-cache';
                options.log(`${label}: restored from the Actions cache (key ${key}); its release file matches the ${expected.source}`);
            }
        }
        catch (error) {
            if (error instanceof _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ)
                throw error;
            _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .warning */ .$e(`Could not restore ${tool.name} from the Actions cache (${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error)}); downloading it instead`);
        }
    }
    if (!release) {
        options.log(`${label}: downloading ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_6__/* .safeUrl */ .Pl)(plan.url)}`);
        const downloaded = await download(tool, 'the release file', plan.url, options, { totalMs: DOWNLOAD_TOTAL_MS });
        const { sha256, source: from } = await proof();
        const actual = (0,_tool_js__WEBPACK_IMPORTED_MODULE_4__/* .sha256Hex */ .fg)(downloaded);
        if (actual !== sha256) {
            throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`Checksum mismatch for ${plan.asset} (${label}): nothing was installed or run`, {
                why: `expected SHA-256 ${sha256} (${from}), the download has ${actual}`,
                check: [
                    'the download was altered or truncated, or `tool-checksum` pins another file: do not bypass this check',
                    'check `tool-base-url` points at the genuine release files',
                ],
            });
        }
        release = downloaded;
    }
    const proven = await proof();
    options.log(`${label}: SHA-256 ${proven.sha256} verified (${proven.source}${proven.source === 'published checksum' ? ` from ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_6__/* .safeUrl */ .Pl)(plan.checksumUrl)}` : ''})`);
    // The verified bytes, and only they, become the executable: in a folder of this run.
    let dir;
    let executable;
    try {
        const work = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(process.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), `${tool.name}-`));
        const archive = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(work, plan.asset);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(archive, release);
        dir = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(work, 'bin');
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(dir);
        if (tool.definition.archive === 'tar.gz')
            await tc.extractTar(archive, dir);
        else if (tool.definition.archive === 'zip')
            await tc.extractZip(archive, dir);
        else
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, executableName), release);
        executable = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(dir, executableName);
    }
    catch (error) {
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`Could not install ${label} from its verified release file ${plan.asset}`, {
            why: (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error),
            check: ['RUNNER_TEMP is a folder the runner can write, with space left', 'tar (or unzip) is installed on the runner'],
            cause: error,
        });
    }
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(executable)) {
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`The ${tool.name} release file ${plan.asset} holds no "${executableName}"`, {
            check: ["`tool-base-url` serves the tool's own release files"],
        });
    }
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.chmodSync)(executable, 0o755);
    if (source === 'download')
        await keep(tc, { tool, platform, plan, release, dir, key, cachePath, actionsCacheUsable, actionsCache, options });
    return { dir, executable, source, sha256: proven.sha256 };
}
/** Puts the verified release (and what it extracts to) in the tool cache, then saves that to the Actions cache. */
async function keep(tc, args) {
    const { tool, platform, plan, release, dir, key, cachePath, actionsCache, options } = args;
    try {
        const staged = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(process.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), `${tool.name}-cache-`));
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.cpSync)(dir, staged, { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(staged, RELEASE_DIR));
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(staged, RELEASE_DIR, plan.asset), release);
        await tc.cacheDir(staged, tool.name, tool.semver, platform.arch);
    }
    catch (error) {
        _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .warning */ .$e(`Could not keep ${tool.name} in the tool cache (${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error)}); the next run downloads it again`);
        return;
    }
    if (!args.actionsCacheUsable)
        return;
    try {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(cachePath, { recursive: true });
        const saved = await bounded(actionsCache.saveCache([cachePath], key), CACHE_TRANSFER_MS, options.signal);
        if (saved === undefined)
            _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .warning */ .$e(`Saving ${tool.name} to the Actions cache did not finish within ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_8__/* .formatDuration */ .a3)(CACHE_TRANSFER_MS)}; the next run downloads it again`);
        else
            options.log(`${tool.name} ${tool.version}: saved to the Actions cache (key ${key})`);
    }
    catch (error) {
        _deploy_kit_core__WEBPACK_IMPORTED_MODULE_7__/* .warning */ .$e(`Could not save ${tool.name} to the Actions cache (${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error)}); the next run downloads it again`);
    }
}


/***/ })

};
