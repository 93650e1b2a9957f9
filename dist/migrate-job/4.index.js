export const id = 4;
export const ids = [4];
export const modules = {

/***/ 1004:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   backend: () => (/* binding */ backend),
/* harmony export */   commandBackend: () => (/* binding */ commandBackend)
/* harmony export */ });
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6230);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8643);
/* harmony import */ var _argv_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2481);
/* harmony import */ var _logsink_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(382);
/**
 * `backend: command`: a migration tool on the runner (seed 003's "migrations in the CI pipeline"):
 * `tool:` installed and verified first (install.ts), then the command run with an explicit environment,
 * its output streamed and kept, `timeout` and a cancelled run passed on as SIGINT (command.ts).
 */



async function commandBackend({ plan, values, files, signal, step }) {
    const cwd = files.cwd;
    const logFile = files.log;
    const argv = [...plan.command, ...plan.args];
    if (plan.dryRun) {
        const what = [
            plan.tool
                ? `install ${plan.tool.name} ${plan.tool.version}${values.toolBaseUrl ? ` from ${values.toolBaseUrl}` : ''} (checksum verified)`
                : '',
            `run \`${(0,_argv_js__WEBPACK_IMPORTED_MODULE_1__/* .formatArgv */ .gL)(argv)}\` in ${cwd} (timeout ${(0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .formatDuration */ .a3)(plan.timeoutMs)})`,
        ].filter(Boolean);
        for (const line of what)
            _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq(`[dry-run] would ${line}`);
        return { status: 'planned', detail: what.join(', then '), logFile };
    }
    const path = [];
    if (plan.tool) {
        const { installTool } = await __webpack_require__.e(/* import() */ 344).then(__webpack_require__.bind(__webpack_require__, 3344));
        const installed = await installTool(plan.tool, {
            baseUrl: values.toolBaseUrl || undefined,
            checksum: plan.toolChecksum,
            log: (line) => _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq(line),
            signal: AbortSignal.any([step.signal, signal]),
        });
        path.push(installed.dir);
    }
    if (signal.aborted)
        return { status: 'cancelled', detail: 'the workflow run was cancelled before the migration command started; nothing ran', logFile };
    const { runCommand } = await __webpack_require__.e(/* import() */ 158).then(__webpack_require__.bind(__webpack_require__, 4158));
    const sink = (0,_logsink_js__WEBPACK_IMPORTED_MODULE_0__/* .openLog */ .N)(logFile);
    // What is left of the step's timeout (the install counts against it), at least a second.
    return runCommand({
        argv,
        cwd,
        env: plan.env,
        pass: plan.envFromRunner,
        path,
        timeoutMs: Math.max(1_000, step.at - Date.now()),
        timeoutText: (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_2__/* .formatDuration */ .a3)(plan.timeoutMs),
        sink,
        log: (line) => _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq(line),
        signal,
    });
}
const backend = { name: 'command', pinsImage: false, run: commandBackend };


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
