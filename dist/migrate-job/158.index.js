export const id = 158;
export const ids = [158];
export const modules = {

/***/ 4158:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runCommand: () => (/* binding */ runCommand)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6230);
/* harmony import */ var _argv_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2481);
/* harmony import */ var _childenv_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5802);
/**
 * `backend: command`: runs a migration tool (golang-migrate, atlas, a script) on the runner, seed 003's
 * "migrations in the CI pipeline". The same semantics as the cluster backends: output streamed into
 * the step log and kept in `log-file`, the tool's exit code is the step's verdict, and `timeout`
 * is enforced (SIGINT first, which golang-migrate and atlas treat as "stop after the current
 * migration and release the lock"; SIGTERM and SIGKILL only if it does not stop).
 *
 * A cancelled workflow run (SIGINT/SIGTERM to us, see main.ts) is passed on the same way: SIGINT to the
 * tool at once, SIGTERM 5 s later (the runner kills this process 10 s after its SIGINT).
 *
 * Why child_process and not @actions/exec (3.0.0): exec gives no handle on the child (no ChildProcess, pid,
 * AbortSignal or kill option in ExecOptions/listeners), so neither the timeout nor a cancelled run could
 * send the tool SIGINT, and a hung migration would hang the job until the runner's own 6-hour limit.
 */





async function runCommand(options) {
    const [file, ...rest] = options.argv;
    // An explicit environment (childenv.ts): never the action's inputs (the kubeconfig, tokens) or the runner's tokens.
    const env = (0,_childenv_js__WEBPACK_IMPORTED_MODULE_2__/* .commandEnvironment */ .J$)({ set: options.env, pass: options.pass, path: options.path }, options.parentEnv ?? process.env);
    const grace = options.killGraceMs ?? 15_000;
    const timeoutText = options.timeoutText ?? (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(options.timeoutMs);
    options.log(`[command] ${(0,_argv_js__WEBPACK_IMPORTED_MODULE_4__/* .formatArgv */ .gL)(options.argv)}`);
    return new Promise((resolve) => {
        let timedOut = false;
        let cancelled = false;
        const timers = [];
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(file, rest, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const onCancel = () => {
            if (timedOut || child.exitCode !== null || child.signalCode !== null)
                return;
            cancelled = true;
            options.log('The workflow run was cancelled: sending SIGINT to the migration command so it can stop after the current step and release its lock');
            child.kill('SIGINT');
            timers.push(setTimeout(() => child.kill('SIGTERM'), 5_000));
        };
        if (options.signal?.aborted)
            onCancel();
        else
            options.signal?.addEventListener('abort', onCancel, { once: true });
        child.stdout.on('data', (chunk) => options.sink.write(chunk));
        child.stderr.on('data', (chunk) => options.sink.write(chunk));
        const finish = (result) => {
            options.signal?.removeEventListener('abort', onCancel);
            for (const timer of timers)
                clearTimeout(timer);
            options.sink.end();
            resolve({ ...result, logFile: options.sink.file, tail: options.sink.lastLines() });
        };
        timers.push(setTimeout(() => {
            timedOut = true;
            options.log(`The migration command ran longer than the timeout (${timeoutText}); sending SIGINT so it can stop after the current step`);
            child.kill('SIGINT');
            timers.push(setTimeout(() => {
                options.log(`Still running ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .formatDuration */ .a3)(grace)} after SIGINT; sending SIGTERM`);
                child.kill('SIGTERM');
                timers.push(setTimeout(() => child.kill('SIGKILL'), grace));
            }, grace));
        }, options.timeoutMs));
        child.on('error', (error) => {
            const notFound = error.code === 'ENOENT';
            finish({
                status: 'failed',
                detail: notFound
                    ? `the command "${file}" was not found (working directory ${options.cwd})`
                    : `the command "${file}" could not be started: ${error.message}`,
                check: notFound
                    ? [
                        'install the tool in an earlier step, or let this action install it with `tool: golang-migrate@v4.x.y` (or `atlas@v…`)',
                        'check `command` and `working-directory`',
                    ]
                    : ['check that the command is executable'],
            });
        });
        child.on('close', (code, signal) => {
            const exitCode = code ?? (signal ? 128 + (node_os__WEBPACK_IMPORTED_MODULE_1__.constants.signals[signal] ?? 0) : undefined);
            if (timedOut) {
                finish({
                    status: 'timed-out',
                    exitCode,
                    detail: `the migration command did not finish within ${timeoutText} and was stopped${signal ? ` (${signal})` : ''}`,
                    check: [
                        "a migration holding a lock, or waiting for one, can hang: check the database for long-running transactions and the tool's lock table",
                        'raise `timeout` if the migration is legitimately slow',
                    ],
                });
            }
            else if (exitCode === 0) {
                finish({
                    status: 'succeeded',
                    exitCode,
                    detail: `the migration command exited with code 0${cancelled ? ' (after the cancellation: it finished)' : ''}`,
                });
            }
            else if (cancelled) {
                finish({
                    status: 'cancelled',
                    exitCode,
                    detail: `the workflow run was cancelled; the migration command stopped with ${signal ? signal : `exit code ${exitCode}`}`,
                    check: ['the tool\'s state in the database (golang-migrate: a "dirty" version needs `migrate force`) before the next run'],
                });
            }
            else {
                finish({
                    status: 'failed',
                    exitCode,
                    detail: `the migration command exited with code ${exitCode}${signal ? ` (killed by ${signal})` : ''}`,
                    check: ['the last lines of its output are below and in the log file'],
                });
            }
        });
    });
}


/***/ })

};
