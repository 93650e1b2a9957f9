export const id = 352;
export const ids = [352];
export const modules = {

/***/ 7352:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gitContext: () => (/* binding */ gitContext),
/* harmony export */   nodeGit: () => (/* binding */ nodeGit),
/* harmony export */   refFromDecorations: () => (/* binding */ refFromDecorations)
/* harmony export */ });
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3235);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7638);
/**
 * `context: git` (docker/metadata-action's Git context): the ref, the commit SHA and the commit
 * date come from the git checkout in the workspace instead of the workflow's GITHUB_REF/GITHUB_SHA
 * (useful when a step checks out another ref than the one that triggered the run). The event name
 * and payload still come from the workflow, as upstream.
 */

/**
 * git through @actions/exec (loaded on first use: only `context: git` needs it), silent (its output
 * is data, not log lines) and with the step's environment minus the action's inputs and the runner's
 * tokens (SECURITY.md rule 9; git needs HOME and any GIT_* the job set). A git that is not on PATH
 * rejects with code ENOENT, a failing one with its stderr.
 */
function nodeGit(cwd) {
    return async (args) => {
        const { getExecOutput } = await __webpack_require__.e(/* import() */ 260).then(__webpack_require__.bind(__webpack_require__, 1260));
        let result;
        try {
            result = await getExecOutput('git', args, { cwd, env: (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_0__/* .inheritedEnvironment */ .aJ)(), silent: true, ignoreReturnCode: true });
        }
        catch (error) {
            // @actions/io's which() words a missing program this way.
            if (/^Unable to locate executable file/.test(error.message))
                throw Object.assign(new Error('git was not found on PATH'), { code: 'ENOENT', cause: error });
            throw error;
        }
        if (result.exitCode !== 0)
            throw Object.assign(new Error(`git exited with code ${result.exitCode}`), { stderr: result.stderr.trim() });
        return result.stdout.trim();
    };
}
/**
 * The ref of a detached HEAD from `git show -s --pretty=%D` (the decorations: `HEAD, tag: v1.2.3,
 * origin/main`, `grafted, HEAD, pull/15/merge`, `HEAD, origin/feature/x, feature/x`): a tag wins,
 * then a pull-request ref, then a local branch, then a remote-tracking branch (`<remote>/` removed).
 * undefined when the commit carries no ref (a checkout by SHA).
 */
function refFromDecorations(decorations, remotes = ['origin']) {
    const items = decorations
        .split(',')
        .map((d) => d.trim())
        .filter((d) => d !== '' && d !== 'HEAD' && d !== 'grafted' && !d.startsWith('HEAD ->'));
    const remoteOf = (d) => remotes.find((r) => d.startsWith(`${r}/`));
    const tag = items.find((d) => d.startsWith('tag: '));
    if (tag)
        return `refs/tags/${tag.slice('tag: '.length).trim()}`;
    for (const d of items) {
        const remote = remoteOf(d);
        const name = remote ? d.slice(remote.length + 1) : d;
        if (/^pull\/\d+\/(?:head|merge)$/.test(name))
            return `refs/${name}`;
    }
    const local = items.find((d) => !remoteOf(d));
    if (local)
        return `refs/heads/${local}`;
    for (const d of items) {
        const name = d.slice(remoteOf(d).length + 1);
        if (name !== 'HEAD')
            return `refs/heads/${name}`;
    }
    return undefined;
}
function gitFailure(args, error) {
    const stderr = error.stderr;
    const code = error.code;
    const why = code === 'ENOENT' ? 'git is not installed or not on PATH' : stderr || error.message;
    return new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`context: git could not read the checkout (git ${args.join(' ')} failed)`, {
        why,
        check: [
            'Check out the repository before this step (actions/checkout), with fetch-depth: 0 or fetch-tags: true when the tag matters',
            'or use context: workflow (the default) to take the ref and SHA from the workflow run',
        ],
        cause: error,
    });
}
async function git(run, args) {
    try {
        return await run(args);
    }
    catch (error) {
        throw gitFailure(args, error);
    }
}
/** The event context from the git checkout; eventName and payload from the workflow. */
async function gitContext(run, eventName, payload) {
    const sha = await git(run, ['rev-parse', 'HEAD']);
    const branch = await git(run, ['branch', '--show-current']);
    let ref;
    if (branch !== '') {
        ref = await git(run, ['symbolic-ref', 'HEAD']);
    }
    else {
        const decorations = await git(run, ['show', '-s', '--pretty=%D', 'HEAD']);
        const remotes = (await git(run, ['remote'])).split(/\s+/).filter((r) => r !== '');
        const found = refFromDecorations(decorations, remotes.length > 0 ? remotes : ['origin']);
        if (found === undefined) {
            throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`context: git found no branch, tag or pull-request ref on the checked-out commit ${sha.slice(0, 7)} (detached HEAD, decorations "${decorations}")`, {
                check: [
                    'Check out a branch or a tag rather than a bare SHA (actions/checkout with ref: <branch or tag>)',
                    'or use context: workflow (the default)',
                ],
            });
        }
        ref = found;
    }
    const date = await git(run, ['show', '-s', '--format=%cI', 'HEAD']);
    const commitDate = new Date(date);
    return { eventName, ref, sha, payload, commitDate: Number.isNaN(commitDate.getTime()) ? undefined : commitDate };
}


/***/ })

};
