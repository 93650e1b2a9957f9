export const id = 552;
export const ids = [552];
export const modules = {

/***/ 6552:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   discoverServices: () => (/* binding */ discoverServices),
/* harmony export */   expandGlob: () => (/* binding */ expandGlob),
/* harmony export */   nodeReaddir: () => (/* binding */ nodeReaddir)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9731);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2568);
/* harmony import */ var _naming_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1968);
/**
 * `services-from`: discovers service names from a glob over directories (`cmd/ms/*`) or files
 * (`bin_arm64/ms/*`). The service name is the last path element with the kind's prefix (`ms_`)
 * removed once. Supports `*`, `?`, `[abc]`, `**` and a trailing `/` (directories only); entries
 * starting with `.` only match a pattern segment that starts with `.`.
 */





const nodeReaddir = (dir) => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir, { withFileTypes: true });
async function list(readdir, dir) {
    try {
        return await readdir(dir);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT' || code === 'ENOTDIR')
            return [];
        throw error;
    }
}
async function walk(readdir, base, rel, segments, dirsOnly, out) {
    if (segments.length === 0)
        return;
    const [seg, ...rest] = segments;
    const dir = node_path__WEBPACK_IMPORTED_MODULE_1__.join(base, rel);
    if (seg === '**') {
        // zero directories
        await walk(readdir, base, rel, rest, dirsOnly, out);
        for (const e of await list(readdir, dir)) {
            if (e.isDirectory() && !e.name.startsWith('.'))
                await walk(readdir, base, node_path__WEBPACK_IMPORTED_MODULE_1__.posix.join(rel, e.name), segments, dirsOnly, out);
        }
        return;
    }
    if (seg === '.' || seg === '') {
        await walk(readdir, base, rel, rest, dirsOnly, out);
        return;
    }
    if (!/[*?[]/.test(seg)) {
        // literal segment: check it exists through the parent listing
        const e = (await list(readdir, dir)).find((x) => x.name === seg);
        if (!e)
            return;
        const next = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.join(rel, seg);
        if (rest.length === 0) {
            if (!dirsOnly || e.isDirectory())
                out.push({ rel: next, isDir: e.isDirectory() });
        }
        else if (e.isDirectory())
            await walk(readdir, base, next, rest, dirsOnly, out);
        return;
    }
    const re = (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_4__/* .globToRegExp */ .t)(seg, { braces: false });
    const entries = (await list(readdir, dir)).filter((e) => re.test(e.name) && (!e.name.startsWith('.') || seg.startsWith('.')));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
        const next = node_path__WEBPACK_IMPORTED_MODULE_1__.posix.join(rel, e.name);
        if (rest.length === 0) {
            if (!dirsOnly || e.isDirectory())
                out.push({ rel: next, isDir: e.isDirectory() });
        }
        else if (e.isDirectory())
            await walk(readdir, base, next, rest, dirsOnly, out);
    }
}
/** Expands one glob; returns matched paths (relative to cwd for relative patterns), sorted. */
async function expandGlob(pattern, cwd, readdir = nodeReaddir) {
    const p = pattern.trim().replace(/\\/g, '/');
    const dirsOnly = p.endsWith('/');
    const absolute = p.startsWith('/');
    const base = absolute ? '/' : cwd;
    const segments = p.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));
    const out = [];
    await walk(readdir, base, '', segments, dirsOnly, out);
    const seen = new Set();
    return out.map((o) => (absolute ? `/${o.rel}` : o.rel)).filter((r) => (seen.has(r) ? false : (seen.add(r), true)));
}
/**
 * Discovers services from the `services-from` patterns. Every pattern must match something; names
 * are de-duplicated (first wins) in pattern order, each pattern's matches sorted by path.
 */
async function discoverServices(patterns, options) {
    const inputName = options.inputName ?? 'services-from';
    const found = [];
    const names = new Set();
    for (const pattern of patterns.map((p) => p.trim()).filter((p) => p !== '')) {
        const matches = await expandGlob(pattern, options.cwd, options.readdir ?? nodeReaddir);
        if (matches.length === 0) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .TagInputError */ .n(inputName, undefined, `pattern "${pattern}" matched nothing under ${options.cwd}`, 'a glob over service directories (cmd/ms/*) or binaries (bin_arm64/ms/*) that exist when the step runs', pattern);
        }
        for (const m of matches) {
            const name = (0,_naming_js__WEBPACK_IMPORTED_MODULE_3__/* .normalizeServiceName */ .me)(node_path__WEBPACK_IMPORTED_MODULE_1__.posix.basename(m), options.stripPrefix);
            if (names.has(name))
                continue;
            names.add(name);
            found.push({ name, path: m, pattern });
        }
    }
    return found;
}


/***/ })

};
