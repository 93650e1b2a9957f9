export const id = 132;
export const ids = [132];
export const modules = {

/***/ 8132:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   installTool: () => (/* binding */ installTool)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9857);
/* harmony import */ var _tool_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7009);
/**
 * Installs `tool: <name>@<version>` for `backend: command`: from the runner's tool cache when this
 * machine already has it, else from the Actions cache (`@actions/cache`, so hosted runners keep it
 * across runs), else downloaded from `tool-base-url` (default: the tool's own release site), its
 * SHA-256 checked before anything is extracted, then put in the tool cache and saved to the cache.
 * @actions/tool-cache and @actions/cache are loaded only here, so other backends never pay for them.
 */




function cacheKey(tool, platform, checksum) {
    return `deploy-kit-migrate-${tool.name}-${tool.version}-${platform.platform}-${platform.arch}${checksum ? `-${checksum.slice(0, 16)}` : ''}`;
}
async function installTool(tool, options) {
    const tc = await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(805)]).then(__webpack_require__.bind(__webpack_require__, 9805));
    const platform = (0,_tool_js__WEBPACK_IMPORTED_MODULE_3__/* .releasePlatform */ .Ld)();
    const executableName = `${tool.definition.binary}${platform.platform === 'windows' ? '.exe' : ''}`;
    const cached = tc.find(tool.name, tool.semver, platform.arch);
    if (cached && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(cached, executableName))) {
        options.log(`${tool.name} ${tool.version}: found in the tool cache (${cached})`);
        return { dir: cached, executable: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(cached, executableName), source: 'tool-cache' };
    }
    const key = cacheKey(tool, platform, options.checksum);
    const toolCacheRoot = process.env.RUNNER_TOOL_CACHE ?? '';
    const cachePath = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(toolCacheRoot, tool.name, tool.semver, platform.arch);
    const actionsCache = await Promise.all(/* import() */[__webpack_require__.e(507), __webpack_require__.e(171), __webpack_require__.e(691)]).then(__webpack_require__.bind(__webpack_require__, 1691));
    if (toolCacheRoot && actionsCache.isFeatureAvailable()) {
        try {
            const hit = await actionsCache.restoreCache([cachePath], key);
            if (hit && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(cachePath, executableName))) {
                options.log(`${tool.name} ${tool.version}: restored from the Actions cache (key ${key})`);
                return { dir: cachePath, executable: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(cachePath, executableName), source: 'actions-cache' };
            }
        }
        catch (error) {
            _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .runner.warning */ .lj.warning(`Could not restore ${tool.name} from the Actions cache (${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error)}); downloading it instead`);
        }
    }
    else {
        _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .runner.debug */ .lj.debug('The Actions cache service is not available here (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL unset); only the tool cache is used');
    }
    const plan = (0,_tool_js__WEBPACK_IMPORTED_MODULE_3__/* .downloadPlan */ .mb)(tool, options.baseUrl, platform);
    options.log(`${tool.name} ${tool.version}: downloading ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .safeUrl */ .Pl)(plan.url)}`);
    const downloadError = (what, url, error, extra = []) => new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`Could not download ${what} of ${tool.name} ${tool.version} from ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .safeUrl */ .Pl)(url)}`, {
        why: (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error),
        check: ['the version exists for this platform', '`tool-base-url` (if set) serves the release files in the tool\'s release layout', 'the runner can reach that host', ...extra],
        cause: error,
    });
    let archive;
    try {
        archive = await tc.downloadTool(plan.url);
    }
    catch (error) {
        throw downloadError('the release file', plan.url, error);
    }
    const actual = (0,_tool_js__WEBPACK_IMPORTED_MODULE_3__/* .sha256Hex */ .fg)((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(archive));
    let expected = options.checksum;
    if (!expected) {
        let sums;
        try {
            sums = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(await tc.downloadTool(plan.checksumUrl), 'utf8');
        }
        catch (error) {
            // A mirror (or a release) without the checksum file can still be verified: by a pinned hash.
            throw downloadError('the checksum file', plan.checksumUrl, error, ['or pin the release file\'s SHA-256 with `tool-checksum` (then no checksum file is fetched)']);
        }
        expected = (0,_tool_js__WEBPACK_IMPORTED_MODULE_3__/* .checksumFor */ .xs)(sums, plan.asset, tool.definition.checksum.kind);
        if (!expected) {
            throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`The checksum file ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .safeUrl */ .Pl)(plan.checksumUrl)} lists no SHA-256 for ${plan.asset}`, {
                check: ['the release publishes checksums for this platform', 'or pin the hash yourself with `tool-checksum`'],
            });
        }
    }
    if (actual !== expected) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(archive, { force: true });
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`Checksum mismatch for ${plan.asset} (${tool.name} ${tool.version}): nothing was installed or run`, {
            why: `expected SHA-256 ${expected}${options.checksum ? ' (tool-checksum)' : ' (published checksum)'}, the download has ${actual}`,
            check: ['the download was altered or truncated, or `tool-checksum` pins another file: do not bypass this check', 'check `tool-base-url` points at the genuine release files'],
        });
    }
    options.log(`${tool.name} ${tool.version}: SHA-256 ${actual} verified`);
    let extracted;
    if (tool.definition.archive === 'tar.gz')
        extracted = await tc.extractTar(archive);
    else if (tool.definition.archive === 'zip')
        extracted = await tc.extractZip(archive);
    else {
        extracted = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(process.env.RUNNER_TEMP ?? '/tmp', `${tool.name}-`));
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.copyFileSync)(archive, (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(extracted, executableName));
    }
    const binary = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(extracted, executableName);
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(binary)) {
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`The ${tool.name} release file ${plan.asset} holds no "${executableName}"`, { check: ['`tool-base-url` serves the tool\'s own release files'] });
    }
    (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.chmodSync)(binary, 0o755);
    const dir = await tc.cacheDir(extracted, tool.name, tool.semver, platform.arch);
    if (toolCacheRoot && actionsCache.isFeatureAvailable()) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)(cachePath, { recursive: true });
            await actionsCache.saveCache([cachePath], key);
            options.log(`${tool.name} ${tool.version}: saved to the Actions cache (key ${key})`);
        }
        catch (error) {
            _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .runner.warning */ .lj.warning(`Could not save ${tool.name} to the Actions cache (${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error)}); the next run downloads it again`);
        }
    }
    return { dir, executable: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(dir, executableName), source: 'download', sha256: actual };
}


/***/ })

};
