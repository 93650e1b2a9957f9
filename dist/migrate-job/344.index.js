export const id = 344;
export const ids = [344];
export const modules = {

/***/ 3344:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  installTool: () => (/* binding */ installTool)
});

// UNUSED EXPORTS: RELEASE_DIR, cacheKey

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./packages/core/src/secrets.ts
var secrets = __webpack_require__(7620);
// EXTERNAL MODULE: ./packages/core/src/runner.ts
var runner = __webpack_require__(8643);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./packages/core/src/values.ts
var values = __webpack_require__(4287);
// EXTERNAL MODULE: ./actions/migrate-job/src/network.ts
var network = __webpack_require__(8677);
;// CONCATENATED MODULE: ./actions/migrate-job/src/cache-service.ts
/**
 * The GitHub Actions cache service, for one file: the verified release file of a migration tool, kept
 * between runs so a new runner does not download it again (install.ts verifies what comes back).
 *
 * Stands in for @actions/cache (6.x). The library archives folders (tar + zstd) and, for the v2
 * service github.com uses, uploads through the Azure Storage SDK: 2.38 MB of the 5.6 MB
 * `dist/migrate-job` (measured, ncc --minify), plus @actions/http-client and undici (1.15 MB, shared
 * with @actions/tool-cache), in the archive every `uses:` of a deploy-kit action downloads; issue 15
 * asks for that bundle under 3 MB. One file needs none of that: the two protocols below are a handful
 * of JSON calls and one transfer to a signed URL, the same calls the library makes:
 *
 * - v2 (github.com: `ACTIONS_CACHE_SERVICE_V2` and `ACTIONS_RESULTS_URL`): the Twirp service
 *   `github.actions.results.api.v1.CacheService` (GetCacheEntryDownloadURL, CreateCacheEntry,
 *   FinalizeCacheEntryUpload); the file goes to the signed Azure Blob URL as one Put Blob.
 * - v1 (GitHub Enterprise Server, and act's cache server): `_apis/artifactcache` under
 *   `ACTIONS_CACHE_URL` (GET cache, POST caches, PATCH chunks with Content-Range, POST commit).
 *
 * The runtime token (`ACTIONS_RUNTIME_TOKEN`) goes only to the service's own host, over https or to a
 * loopback host (network.ts); the signed transfer URLs carry their own authorisation and are never
 * logged. Entries are versioned by {@link CACHE_ENTRY_VERSION}: what @actions/cache saved under the
 * same key (a tar of a folder) has another version and is never read.
 */



/** The service's version field for our entries: what they hold (one release file), not a path list. */
const CACHE_ENTRY_VERSION = (0,external_node_crypto_.createHash)('sha256').update('deploy-kit-migrate-job|release-file|1').digest('hex');
/** v1 upload chunk (the size @actions/cache uses). */
const V1_CHUNK_BYTES = 32 * 1024 * 1024;
/** The largest file restored or saved (release files of migration tools are tens of MB). */
const MAX_CACHED_FILE_BYTES = 1024 * 1024 * 1024;
const TWIRP_SERVICE = 'twirp/github.actions.results.api.v1.CacheService';
/** A failed exchange with the cache service; install.ts turns it into a warning (the tool is downloaded instead). */
class CacheServiceError extends Error {
}
/** @actions/cache's rule: GitHub Enterprise Server is any server that is not github.com, *.ghe.com or *.localhost. */
function isGhes(env) {
    let host;
    try {
        host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase();
    }
    catch {
        return false;
    }
    return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}
/** Which cache service this runner offers, from its environment (as @actions/cache decides), or undefined. */
function cacheServiceFromEnv(env = process.env) {
    // Hosted runners always set the token; act's cache server asks for none (as @actions/cache, an empty one is allowed).
    const token = env.ACTIONS_RUNTIME_TOKEN ?? '';
    (0,secrets/* registerSecret */.cl)(token);
    const v2 = !isGhes(env) && Boolean(env.ACTIONS_CACHE_SERVICE_V2);
    const base = v2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL;
    if (!base)
        return undefined;
    const service = new ServiceEndpoint(base, token);
    return v2 ? new CacheServiceV2(service) : new CacheServiceV1(service);
}
/** Where a cache service answers, and its runtime token, bound to that host only. */
class ServiceEndpoint {
    credentials;
    base;
    constructor(base, token) {
        this.base = base.endsWith('/') ? base : `${base}/`;
        this.credentials = { host: new URL(base).host, headers: token ? { authorization: `Bearer ${token}` } : {} };
    }
    url(path) {
        return new URL(path, this.base).toString();
    }
}
function describe(url, status, body) {
    const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 200);
    return `${new URL(url).pathname} answered ${status}${excerpt ? ` (${excerpt})` : ''}`;
}
/** One request to the service (token bound to its host) or to a signed URL (no token); the whole answer. */
async function exchange(url, init, options, maxBytes) {
    const answer = await (0,network/* boundedFetch */.A)(url, {
        ...init,
        outer: options.signal,
        totalMs: options.totalMs,
        answerMs: options.answerMs,
        fetch: options.fetch,
    });
    const body = await (0,network/* readBody */.x8)(answer, { maxBytes });
    return { status: answer.response.status, body };
}
function parseJson(url, body) {
    try {
        const value = JSON.parse(body.toString('utf8'));
        if ((0,values/* isJsonObject */.OW)(value))
            return value;
    }
    catch {
        // reported below
    }
    throw new CacheServiceError(`${new URL(url).pathname} answered something other than a JSON object`);
}
/** The Twirp cache service github.com runs (what @actions/cache speaks when ACTIONS_CACHE_SERVICE_V2 is set). */
class CacheServiceV2 {
    service;
    protocol = 'v2';
    constructor(service) {
        this.service = service;
    }
    async call(method, request, options) {
        const url = this.service.url(`${TWIRP_SERVICE}/${method}`);
        const { status, body } = await exchange(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            credentials: this.service.credentials,
            body: JSON.stringify(request),
        }, options, 1024 * 1024);
        // Twirp answers "not_found" (404) for a miss on some deployments; the caller reads `ok`.
        if (status === 404)
            return { ok: false };
        if (status !== 200)
            throw new CacheServiceError(describe(url, status, body.toString('utf8')));
        return parseJson(url, body);
    }
    async restore(key, options) {
        const found = await this.call('GetCacheEntryDownloadURL', { key, restore_keys: [], version: CACHE_ENTRY_VERSION }, options);
        const url = found.signed_download_url;
        if (found.ok !== true || typeof url !== 'string' || !url)
            return undefined;
        (0,secrets/* registerSecret */.cl)(new URL(url).search);
        const { status, body } = await exchange(url, { method: 'GET' }, options, MAX_CACHED_FILE_BYTES);
        if (status !== 200)
            throw new CacheServiceError(`the signed download URL answered ${status}`);
        return body;
    }
    async save(key, bytes, options) {
        const created = await this.call('CreateCacheEntry', { key, version: CACHE_ENTRY_VERSION }, options);
        const url = created.signed_upload_url;
        if (created.ok !== true || typeof url !== 'string' || !url)
            return 'exists';
        (0,secrets/* registerSecret */.cl)(new URL(url).search);
        // Put Blob takes up to 5000 MiB in one request (service version 2019-12-12 and later, as the SAS's).
        const { status } = await exchange(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' }, body: bytes }, options, 1024 * 1024);
        if (status !== 201 && status !== 200)
            throw new CacheServiceError(`the signed upload URL answered ${status}`);
        const finalized = await this.call('FinalizeCacheEntryUpload', { key, version: CACHE_ENTRY_VERSION, size_bytes: String(bytes.length) }, options);
        if (finalized.ok !== true)
            throw new CacheServiceError('FinalizeCacheEntryUpload answered ok: false');
        return 'saved';
    }
}
/** The `_apis/artifactcache` service of GitHub Enterprise Server (and act's built-in cache server). */
class CacheServiceV1 {
    service;
    protocol = 'v1';
    constructor(service) {
        this.service = service;
    }
    url(path) {
        return this.service.url(`_apis/artifactcache/${path}`);
    }
    headers(extra = {}) {
        return { accept: 'application/json;api-version=6.0-preview.1', ...extra };
    }
    async restore(key, options) {
        const url = this.url(`cache?keys=${encodeURIComponent(key)}&version=${CACHE_ENTRY_VERSION}`);
        const { status, body } = await exchange(url, { method: 'GET', headers: this.headers(), credentials: this.service.credentials }, options, 1024 * 1024);
        if (status === 204 || status === 404)
            return undefined;
        if (status !== 200)
            throw new CacheServiceError(describe(url, status, body.toString('utf8')));
        const found = parseJson(url, body);
        const location = found.archiveLocation;
        // A prefix match on another key is not ours to use: only the exact key (keys are case-insensitive).
        if (typeof location !== 'string' || !location || String(found.cacheKey ?? key).toLowerCase() !== key.toLowerCase())
            return undefined;
        if (new URL(location).search)
            (0,secrets/* registerSecret */.cl)(new URL(location).search);
        const download = await exchange(location, { method: 'GET' }, options, MAX_CACHED_FILE_BYTES);
        if (download.status !== 200)
            throw new CacheServiceError(`the cache's archive location answered ${download.status}`);
        return download.body;
    }
    async save(key, bytes, options) {
        const reserveUrl = this.url('caches');
        const reserved = await exchange(reserveUrl, {
            method: 'POST',
            headers: this.headers({ 'content-type': 'application/json' }),
            credentials: this.service.credentials,
            body: JSON.stringify({ key, version: CACHE_ENTRY_VERSION, cacheSize: bytes.length }),
        }, options, 1024 * 1024);
        if (reserved.status === 409)
            return 'exists';
        if (reserved.status !== 200 && reserved.status !== 201)
            throw new CacheServiceError(describe(reserveUrl, reserved.status, reserved.body.toString('utf8')));
        const cacheId = parseJson(reserveUrl, reserved.body).cacheId;
        if (typeof cacheId !== 'number' && typeof cacheId !== 'string')
            throw new CacheServiceError(`${new URL(reserveUrl).pathname} answered no cacheId`);
        const entryUrl = this.url(`caches/${encodeURIComponent(String(cacheId))}`);
        for (let start = 0; start < bytes.length || start === 0; start += V1_CHUNK_BYTES) {
            const chunk = bytes.subarray(start, Math.min(start + V1_CHUNK_BYTES, bytes.length));
            const sent = await exchange(entryUrl, {
                method: 'PATCH',
                headers: this.headers({
                    'content-type': 'application/octet-stream',
                    'content-range': `bytes ${start}-${start + chunk.length - 1}/*`,
                }),
                credentials: this.service.credentials,
                body: chunk,
            }, options, 1024 * 1024);
            if (sent.status !== 200 && sent.status !== 204)
                throw new CacheServiceError(describe(entryUrl, sent.status, sent.body.toString('utf8')));
            if (bytes.length === 0)
                break;
        }
        const committed = await exchange(entryUrl, {
            method: 'POST',
            headers: this.headers({ 'content-type': 'application/json' }),
            credentials: this.service.credentials,
            body: JSON.stringify({ size: bytes.length }),
        }, options, 1024 * 1024);
        if (committed.status !== 200 && committed.status !== 204)
            throw new CacheServiceError(describe(entryUrl, committed.status, committed.body.toString('utf8')));
        return 'saved';
    }
}

// EXTERNAL MODULE: ./packages/core/src/trust.ts
var trust = __webpack_require__(3235);
;// CONCATENATED MODULE: ./actions/migrate-job/src/toolcache.ts
/**
 * The runner's tool cache (`RUNNER_TOOL_CACHE`) in @actions/tool-cache's layout, so that setup-*
 * actions, `actions/cache` over that folder and this action all read the same entries:
 *
 *   <root>/<name>/<version>/<arch>/          the files
 *   <root>/<name>/<version>/<arch>.complete  written last: an entry without it is unfinished
 *
 * Stands in for @actions/tool-cache's `find`, `cacheDir`, `extractTar` and `extractZip` (4.0.0). The
 * library brings @actions/core, @actions/http-client and undici for its download, which migrate-job
 * does itself (network.ts, with the step's deadline and the transport rules): 1.15 MB of the 5.6 MB
 * `dist/migrate-job` (measured, ncc --minify), which every `uses:` of a deploy-kit action downloads;
 * issue 15 asks for that bundle under 3 MB. These four functions are what migrate-job used of it.
 * Nothing here is trusted on its own: install.ts verifies a cached entry's release file by SHA-256.
 */



/** Where an entry lives: `<root>/<name>/<version>/<arch>` (tool-cache's `cacheDir` path). */
function toolCachePath(root, name, version, arch) {
    return (0,external_node_path_.join)(root, name, version, arch);
}
/** The folder of a complete entry, or undefined (no root, no entry, or an unfinished one). tool-cache's `find` for an exact version. */
function findInToolCache(name, version, arch, root = process.env.RUNNER_TOOL_CACHE) {
    if (!root)
        return undefined;
    const path = toolCachePath(root, name, version, arch);
    try {
        return (0,external_node_fs_.existsSync)(`${path}.complete`) && (0,external_node_fs_.statSync)(path).isDirectory() ? path : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * Copies the contents of `source` into the entry (replacing an older one) and marks it complete last,
 * as tool-cache's `cacheDir` does. Returns the entry's folder.
 */
function keepInToolCache(source, name, version, arch, root = process.env.RUNNER_TOOL_CACHE) {
    if (!root)
        throw new Error('RUNNER_TOOL_CACHE is not set');
    const path = toolCachePath(root, name, version, arch);
    const marker = `${path}.complete`;
    (0,external_node_fs_.rmSync)(marker, { force: true });
    (0,external_node_fs_.rmSync)(path, { recursive: true, force: true });
    (0,external_node_fs_.mkdirSync)(path, { recursive: true });
    for (const item of (0,external_node_fs_.readdirSync)(source))
        (0,external_node_fs_.cpSync)((0,external_node_path_.join)(source, item), (0,external_node_path_.join)(path, item), { recursive: true });
    (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(marker), { recursive: true });
    (0,external_node_fs_.writeFileSync)(marker, '');
    return path;
}
/** The command that unpacks a release archive into `dest` (tar and unzip are on every hosted runner image). */
function extractCommand(kind, archive, dest) {
    return kind === 'tar.gz'
        ? { tool: 'tar', args: ['-xzf', archive, '-C', dest, '--no-same-owner'] }
        : { tool: 'unzip', args: ['-o', '-q', archive, '-d', dest] };
}
/**
 * Unpacks `archive` into `dest` (which exists) through @actions/exec, silently, with an explicit
 * environment (SECURITY.md rule 9: the basics, never the runner's tokens); a failure names the command
 * and its stderr.
 */
async function extractArchive(kind, archive, dest) {
    const { getExecOutput } = await __webpack_require__.e(/* import() */ 260).then(__webpack_require__.bind(__webpack_require__, 1260));
    const { tool, args } = extractCommand(kind, archive, dest);
    const result = await getExecOutput(tool, args, { env: (0,trust/* childEnvironment */.Qc)(), silent: true, ignoreReturnCode: true });
    if (result.exitCode !== 0) {
        const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
        throw new Error(`${tool} ${args.join(' ')} exited with code ${result.exitCode}${detail ? `: ${detail}` : ''}`);
    }
}

// EXTERNAL MODULE: ./actions/migrate-job/src/tool.ts
var src_tool = __webpack_require__(7009);
;// CONCATENATED MODULE: ./actions/migrate-job/src/install.ts
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
 * and ends at the step's deadline (`signal`). The tool cache (toolcache.ts) and the Actions cache
 * service (cache-service.ts) are small hand-written stand-ins for @actions/tool-cache and @actions/cache;
 * their headers give the measured reason.
 */








/** The folder inside a cached tool that holds the release file it was extracted from. */
const RELEASE_DIR = '.deploy-kit-release';
/** The longest a download may take in all (a slow but moving transfer; a stalled one ends after `answerMs`). */
const DOWNLOAD_TOTAL_MS = 10 * 60_000;
/** The longest one exchange with the Actions cache (a restore's or a save's transfer) may take before it is skipped. */
const CACHE_TRANSFER_MS = 2 * 60_000;
const MAX_CHECKSUM_FILE = 1024 * 1024;
/** Keyed by the content (`-release`: entries hold the release file; the entry's version says it is the file itself, cache-service.ts). */
function cacheKey(tool, platform, checksum) {
    return `deploy-kit-migrate-${tool.name}-${tool.version}-${platform.platform}-${platform.arch}-release${checksum ? `-${checksum.slice(0, 16)}` : ''}`;
}
function downloadError(tool, what, url, why, extra = [], cause) {
    return new errors/* ActionError */.lZ(`Could not download ${what} of ${tool.name} ${tool.version} from ${(0,secrets/* safeUrl */.Pl)(url)}`, {
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
        const answer = await (0,network/* boundedFetch */.A)(url, {
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
        return await (0,network/* readBody */.x8)(answer, { maxBytes: limits.maxBytes });
    }
    catch (error) {
        if (error instanceof errors/* ActionError */.lZ)
            throw error;
        throw downloadError(tool, what, url, error instanceof network/* NetworkError */.Dr ? error.reason : (0,errors/* errorMessage */.gJ)(error), extra, error);
    }
}
/** The hash the release file must have: the pinned one, or the one the release publishes (fetched over https). */
async function expectedChecksum(tool, plan, options) {
    if (options.checksum)
        return { sha256: options.checksum, source: 'tool-checksum' };
    // A mirror (or a release) without the checksum file can still be verified: by a pinned hash.
    const text = (await download(tool, 'the checksum file', plan.checksumUrl, options, { totalMs: options.answerMs ?? 30_000, maxBytes: MAX_CHECKSUM_FILE }, ["or pin the release file's SHA-256 with `tool-checksum` (then no checksum file is fetched)"])).toString('utf8');
    const sha256 = (0,src_tool/* checksumFor */.xs)(text, plan.asset, tool.definition.checksum.kind);
    if (!sha256) {
        throw new errors/* ActionError */.lZ(`The checksum file ${(0,secrets/* safeUrl */.Pl)(plan.checksumUrl)} lists no SHA-256 for ${plan.asset}`, {
            check: ['the release publishes checksums for this platform', 'or pin the hash yourself with `tool-checksum`'],
        });
    }
    return { sha256, source: 'published checksum' };
}
/** The release file kept in a cached tool folder, if there is one (not yet verified). */
function cachedRelease(dir, asset, where, log) {
    const file = (0,external_node_path_.join)(dir, RELEASE_DIR, asset);
    if ((0,external_node_fs_.existsSync)(file))
        return (0,external_node_fs_.readFileSync)(file);
    log(`${where} (${dir}) holds no release file to verify it by: not used`);
    return undefined;
}
/** Whether a cached release file has the expected hash; a mismatch is worth a warning (someone changed that cache). */
function verified(bytes, expected, where, dir) {
    const actual = (0,src_tool/* sha256Hex */.fg)(bytes);
    if (actual === expected)
        return true;
    runner/* warning */.$e(`${where} (${dir}) does not match the expected SHA-256 (${expected}; it has ${actual}): not used, the release is downloaded instead. Something changed that cache: check what else writes to it.`);
    return false;
}
async function installTool(tool, options) {
    const platform = (0,src_tool/* releasePlatform */.Ld)();
    const executableName = `${tool.definition.binary}${platform.platform === 'windows' ? '.exe' : ''}`;
    const plan = (0,src_tool/* downloadPlan */.mb)(tool, options.baseUrl, platform);
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
    const cached = findInToolCache(tool.name, tool.semver, platform.arch);
    if (cached) {
        const copy = cachedRelease(cached, plan.asset, `${label} in the tool cache`, options.log);
        if (copy && verified(copy, (await proof()).sha256, `${label} in the tool cache`, cached)) {
            release = copy;
            source = 'tool-cache';
            options.log(`${label}: found in the tool cache (${cached}); its release file matches the ${expected.source}`);
        }
    }
    const key = cacheKey(tool, platform, options.checksum);
    const cacheService = cacheServiceFromEnv();
    if (!cacheService)
        runner/* debug */.Yz('The Actions cache service is not available here (ACTIONS_RUNTIME_TOKEN with ACTIONS_CACHE_URL, or ACTIONS_RESULTS_URL for the v2 service, unset); only the tool cache is used');
    const transfer = { signal: options.signal, totalMs: CACHE_TRANSFER_MS, answerMs: options.answerMs, fetch: options.fetch };
    if (!release && cacheService) {
        try {
            const copy = await cacheService.restore(key, transfer);
            if (copy)
                options.log(`Cache restored successfully (key ${key}, ${copy.length} bytes, ${cacheService.protocol} cache service)`);
            const where = `${label} restored from the Actions cache`;
            if (copy && verified(copy, (await proof()).sha256, where, `key ${key}`)) {
                release = copy;
                source = 'actions-cache';
                options.log(`${label}: restored from the Actions cache (key ${key}); its release file matches the ${expected.source}`);
            }
        }
        catch (error) {
            if (error instanceof errors/* ActionError */.lZ)
                throw error;
            if (options.signal?.aborted)
                throw error;
            runner/* warning */.$e(`Could not restore ${tool.name} from the Actions cache (${cacheProblem(error)}); downloading it instead`);
        }
    }
    if (!release) {
        options.log(`${label}: downloading ${(0,secrets/* safeUrl */.Pl)(plan.url)}`);
        const downloaded = await download(tool, 'the release file', plan.url, options, { totalMs: DOWNLOAD_TOTAL_MS });
        const { sha256, source: from } = await proof();
        const actual = (0,src_tool/* sha256Hex */.fg)(downloaded);
        if (actual !== sha256) {
            throw new errors/* ActionError */.lZ(`Checksum mismatch for ${plan.asset} (${label}): nothing was installed or run`, {
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
    options.log(`${label}: SHA-256 ${proven.sha256} verified (${proven.source}${proven.source === 'published checksum' ? ` from ${(0,secrets/* safeUrl */.Pl)(plan.checksumUrl)}` : ''})`);
    // The verified bytes, and only they, become the executable: in a folder of this run.
    let dir;
    let executable;
    try {
        const work = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), `${tool.name}-`));
        const archive = (0,external_node_path_.join)(work, plan.asset);
        (0,external_node_fs_.writeFileSync)(archive, release);
        dir = (0,external_node_path_.join)(work, 'bin');
        (0,external_node_fs_.mkdirSync)(dir);
        if (tool.definition.archive === 'tar.gz' || tool.definition.archive === 'zip')
            await extractArchive(tool.definition.archive, archive, dir);
        else
            (0,external_node_fs_.writeFileSync)((0,external_node_path_.join)(dir, executableName), release);
        executable = (0,external_node_path_.join)(dir, executableName);
    }
    catch (error) {
        throw new errors/* ActionError */.lZ(`Could not install ${label} from its verified release file ${plan.asset}`, {
            why: (0,errors/* errorMessage */.gJ)(error),
            check: ['RUNNER_TEMP is a folder the runner can write, with space left', 'tar (or unzip) is installed on the runner'],
            cause: error,
        });
    }
    if (!(0,external_node_fs_.existsSync)(executable)) {
        throw new errors/* ActionError */.lZ(`The ${tool.name} release file ${plan.asset} holds no "${executableName}"`, {
            check: ["`tool-base-url` serves the tool's own release files"],
        });
    }
    (0,external_node_fs_.chmodSync)(executable, 0o755);
    if (source === 'download')
        await keep({ tool, platform, plan, release, dir, key, cacheService, transfer, options });
    return { dir, executable, source, sha256: proven.sha256 };
}
/** Why a cache exchange failed, in the user's words. */
function cacheProblem(error) {
    return error instanceof network/* NetworkError */.Dr ? error.reason : error instanceof CacheServiceError ? error.message : (0,errors/* errorMessage */.gJ)(error);
}
/** Puts the verified release (and what it extracts to) in the tool cache, and the release file in the Actions cache. */
async function keep(args) {
    const { tool, platform, plan, release, dir, key, cacheService, transfer, options } = args;
    if (process.env.RUNNER_TOOL_CACHE) {
        try {
            const staged = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), `${tool.name}-cache-`));
            (0,external_node_fs_.cpSync)(dir, staged, { recursive: true });
            (0,external_node_fs_.mkdirSync)((0,external_node_path_.join)(staged, RELEASE_DIR));
            (0,external_node_fs_.writeFileSync)((0,external_node_path_.join)(staged, RELEASE_DIR, plan.asset), release);
            keepInToolCache(staged, tool.name, tool.semver, platform.arch);
            (0,external_node_fs_.rmSync)(staged, { recursive: true, force: true });
        }
        catch (error) {
            runner/* warning */.$e(`Could not keep ${tool.name} in the tool cache (${(0,errors/* errorMessage */.gJ)(error)}); the next run downloads it again`);
        }
    }
    if (!cacheService)
        return;
    try {
        const outcome = await cacheService.save(key, release, transfer);
        if (outcome === 'saved')
            options.log(`${tool.name} ${tool.version}: saved to the Actions cache (key ${key})`);
        else
            options.log(`${tool.name} ${tool.version}: the Actions cache already holds key ${key} (another job saved it); not saved again`);
    }
    catch (error) {
        if (options.signal?.aborted)
            return;
        runner/* warning */.$e(`Could not save ${tool.name} to the Actions cache (${cacheProblem(error)}); the next run downloads it again`);
    }
}


/***/ })

};
