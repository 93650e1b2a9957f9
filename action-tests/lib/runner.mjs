// Runs an action bundle the way the GitHub Actions runner does, and parses back what it wrote.
// Plain ESM JavaScript so jest tests, scripts/demo and bench can all use it; types in runner.d.mts.
//
// What the runner does and this mirrors (actions/runner, src/Runner.Worker):
//  - INPUT_<NAME> for every input declared in action.yml (name uppercased, spaces -> '_', hyphens kept),
//    from `with:` or else the evaluated `default` (else '').
//  - file commands: GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE (`name=value` and `name<<DELIM` heredocs),
//    GITHUB_PATH, GITHUB_STEP_SUMMARY.
//  - workflow commands on stdout/stderr: `::cmd k=v,k=v::data` with %25/%0D/%0A (+ %3A/%2C in properties).
//  - the process starts from the runner's environment, not the developer's.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** The repository root (action-tests/lib/ -> ../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
export const DEFAULT_REPOSITORY = 'example-org/sample-service';
export const DEFAULT_TOKEN = 'ghs_FakeRunnerToken0123456789abcdefABCDEF';
/** GitHub's limit for one step's summary (bigger ones fail the upload). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

const COMMANDS = new Set([
  'add-mask',
  'add-path',
  'echo',
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup',
  'save-state',
  'set-env',
  'set-output',
  'add-matcher',
  'remove-matcher',
  'stop-commands',
]);

// ---------------------------------------------------------------------------------------------
// action.yml

/**
 * The Node.js the bundles run on: DEPLOY_KIT_ACTION_NODE, which `npm test` (scripts/test.mjs) sets to
 * the runner's node 24 (.ci/install-tools node24), else the node running the tests.
 */
export function actionNode() {
  return process.env.DEPLOY_KIT_ACTION_NODE || process.execPath;
}

/** Path of `<root>/<name>/action.yml` (or action.yaml), or undefined when there is none. */
export function actionYmlPath(name, root = REPO_ROOT) {
  for (const file of ['action.yml', 'action.yaml']) {
    const p = join(root, name, file);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Parsed `<root>/<name>/action.yml`; throws when it is missing or not a mapping. */
export function loadActionYml(name, root = REPO_ROOT) {
  const file = actionYmlPath(name, root);
  if (!file) throw new Error(`No action.yml for action "${name}" in ${join(root, name)}`);
  const doc = parseYaml(readFileSync(file, 'utf8'));
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file} is not a YAML mapping`);
  if (!doc.runs || typeof doc.runs !== 'object') throw new Error(`${file} has no "runs" section`);
  return doc;
}

/** INPUT_ variable name the runner uses for an input. */
export function inputEnvName(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function scalarToString(value) {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * Evaluates the small subset of expressions that appear in action.yml defaults:
 * `${{ github.<key> }}`, `${{ github.event.<path> }}`, string literals and `a || b`.
 * Anything else throws, so a test never silently runs with a wrong default.
 */
export function evaluateDefault(text, githubContext, where = 'default') {
  if (typeof text !== 'string' || !text.includes('${{')) return scalarToString(text);
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (whole, expr) => {
    const alternatives = expr.split('||').map((s) => s.trim());
    let value;
    for (const alt of alternatives) {
      value = evaluateOperand(alt, githubContext, whole, where);
      if (value !== undefined && value !== null && value !== '' && value !== false && value !== 0) break;
    }
    return scalarToString(value);
  });
}

function evaluateOperand(operand, github, whole, where) {
  let m;
  if ((m = /^'((?:[^']|'')*)'$/.exec(operand))) return m[1].replace(/''/g, "'");
  if ((m = /^github\.([A-Za-z_][\w-]*(?:\.[\w-]+)*)$/.exec(operand))) {
    const parts = m[1].split('.');
    if (parts[0] === 'event') {
      let v = github.event;
      for (const p of parts.slice(1)) v = v && typeof v === 'object' ? v[p] : undefined;
      return v;
    }
    if (parts.length === 1 && Object.prototype.hasOwnProperty.call(github, parts[0])) return github[parts[0]];
  }
  throw new Error(
    `Cannot evaluate ${whole} in ${where}: the test runner supports only github.<${Object.keys(github)
      .filter((k) => k !== 'event')
      .join('|')}>, ` + `github.event.<path>, 'literals' and ||. Pass the input explicitly in options.inputs.`,
  );
}

// ---------------------------------------------------------------------------------------------
// file commands and workflow commands

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file exactly like the runner: `name=value` lines and
 * `name<<DELIM` heredocs. Returns entries in order (later ones win when turned into an object).
 * Throws with the runner's wording on malformed content.
 */
export function parseFileCommand(text) {
  const entries = [];
  let index = 0;
  const readLine = () => {
    if (index >= text.length) return null;
    const nl = text.indexOf('\n', index);
    let line, newline;
    if (nl < 0) {
      line = text.slice(index);
      newline = null;
      index = text.length;
    } else {
      line = text.slice(index, nl);
      newline = '\n';
      index = nl + 1;
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
        newline = '\r\n';
      }
    }
    return { line, newline };
  };
  let cur = readLine();
  while (cur !== null) {
    const line = cur.line;
    if (line !== '') {
      const eq = line.indexOf('=');
      const hd = line.indexOf('<<');
      if (eq >= 0 && (hd < 0 || eq < hd)) {
        const key = line.slice(0, eq);
        if (key === '') throw new Error(`Invalid format '${line}'. Name must not be empty`);
        entries.push([key, line.slice(eq + 1)]);
      } else if (hd >= 0) {
        const key = line.slice(0, hd);
        const delimiter = line.slice(hd + 2);
        if (key === '' || delimiter === '') {
          throw new Error(`Invalid format '${line}'. Name must not be empty and delimiter must not be empty`);
        }
        const start = index;
        let end = index;
        let next = readLine();
        while (next === null || next.line !== delimiter) {
          if (next === null) throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`);
          if (next.newline === null) throw new Error('Invalid value. EOF marker missing new line.');
          end = index - next.newline.length;
          next = readLine();
        }
        entries.push([key, end > start ? text.slice(start, end) : '']);
      } else {
        throw new Error(`Invalid format '${line}'`);
      }
    }
    cur = readLine();
  }
  return entries;
}

/** Decodes workflow-command data (%25 %0D %0A). */
export function unescapeData(s) {
  return s.replace(/%(25|0D|0A)/g, (_, c) => ({ 25: '%', '0D': '\r', '0A': '\n' })[c]);
}

/** Decodes workflow-command property values (%25 %0D %0A %3A %2C). */
export function unescapeProperty(s) {
  return s.replace(/%(25|0D|0A|3A|2C)/g, (_, c) => ({ 25: '%', '0D': '\r', '0A': '\n', '3A': ':', '2C': ',' })[c]);
}

/** Parses one line as a `::command props::data` workflow command (the runner's TryParseV2), else undefined. */
export function parseWorkflowCommand(rawLine) {
  const message = rawLine.replace(/^\s+/, '');
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  const properties = {};
  if (space > 0) {
    for (const prop of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      if (!prop) continue;
      const eq = prop.indexOf('=');
      if (eq > 0 && eq < prop.length - 1) properties[prop.slice(0, eq)] = unescapeProperty(prop.slice(eq + 1));
    }
  }
  return { command, properties, data: unescapeData(message.slice(end + 2)) };
}

function formatAnnotation(data, p) {
  const loc = [p.file, p.line ?? p.startLine, p.col ?? p.startColumn].filter((x) => x !== undefined && x !== '');
  const title = p.title ? `${p.title}: ` : '';
  return loc.length ? `${title}${loc.join(':')}: ${data}` : `${title}${data}`;
}

/**
 * Processes stdout/stderr text the way the runner does: collects annotations, masks, groups,
 * deprecated commands; returns also the log as the runner writes it (command lines rendered as
 * `##[error]...`, `::add-mask::` hidden, debug lines only when debugging).
 */
export function processCommands(text, { debug = false, collect } = {}) {
  const c = collect ?? {
    errors: [],
    warnings: [],
    notices: [],
    debug: [],
    masked: [],
    problems: [],
    outputs: {},
    state: {},
    groups: [],
  };
  // The runner reads lines with .NET's ReadLine: LF, CR and CRLF all end a line.
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const log = [];
  let stopToken;
  let openGroups = 0;
  for (const raw of lines) {
    if (stopToken !== undefined) {
      if (raw.trim() === `::${stopToken}::`) stopToken = undefined;
      else log.push(raw);
      continue;
    }
    const cmd = parseWorkflowCommand(raw);
    if (!cmd || !COMMANDS.has(cmd.command)) {
      // The v1 form `##[command]data` is still parsed anywhere in a line: nothing we print may hold one.
      const v1 = /##\[([a-z-]+)[\s\]]/.exec(raw);
      if (v1 && COMMANDS.has(v1[1])) c.problems.push(`a v1 workflow command (##[${v1[1]}]) in the log: ${raw}`);
      log.push(raw);
      continue;
    }
    const { command, properties, data } = cmd;
    switch (command) {
      case 'add-mask':
        if (data.trim() === '') c.warnings.push("Can't add secret mask for empty string in ##[add-mask] command.");
        else c.masked.push(data);
        break;
      case 'error':
      case 'warning':
      case 'notice': {
        const list = command === 'error' ? c.errors : command === 'warning' ? c.warnings : c.notices;
        list.push(data);
        if (Object.keys(properties).length) (c.annotations ??= []).push({ level: command, message: data, properties });
        log.push(`##[${command}]${formatAnnotation(data, properties)}`);
        break;
      }
      case 'debug':
        c.debug.push(data);
        if (debug) log.push(`##[debug]${data}`);
        break;
      case 'group':
        openGroups++;
        c.groups.push(data);
        log.push(`##[group]${data}`);
        break;
      case 'endgroup':
        if (openGroups > 0) openGroups--;
        log.push('##[endgroup]');
        break;
      case 'set-output':
        c.problems.push(`deprecated ::set-output command used (name=${properties.name ?? '?'}); write to $GITHUB_OUTPUT instead`);
        if (properties.name) c.outputs[properties.name] = data;
        break;
      case 'save-state':
        c.problems.push(`deprecated ::save-state command used (name=${properties.name ?? '?'}); write to $GITHUB_STATE instead`);
        if (properties.name) c.state[properties.name] = data;
        break;
      case 'set-env':
      case 'add-path':
        c.problems.push(`The \`${command}\` command is disabled; use the $GITHUB_${command === 'set-env' ? 'ENV' : 'PATH'} file`);
        c.errors.push(`Unable to process command '${raw.trim()}' successfully.`);
        log.push(`##[error]Unable to process command '${raw.trim()}' successfully.`);
        break;
      case 'stop-commands':
        stopToken = data;
        break;
      default: // echo, add-matcher, remove-matcher: accepted, not shown
        break;
    }
  }
  return { ...c, log: log.join('\n') };
}

// ---------------------------------------------------------------------------------------------
// secret leak detection

/** A secret shown safely: first two characters and the length. */
export function redact(secret) {
  return `${secret.slice(0, 2)}***(${secret.length} chars)`;
}

function secretVariants(secret) {
  const variants = new Set([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  if (json !== secret) variants.add(json);
  return [...variants];
}

/**
 * Every place a secret appears in what the process emitted: stdout (except `::add-mask::` lines),
 * stderr, outputs, env, state, path and the summary. Also finds JSON-escaped forms (e.g. in a `json` output).
 */
export function findLeaks(result, secrets) {
  const unique = [...new Set((secrets ?? []).filter((s) => typeof s === 'string' && s.trim() !== ''))];
  const leaks = [];
  if (!unique.length) return leaks;
  const stdoutNoMask = (result.stdout ?? '')
    .split('\n')
    .filter((l) => !/^\s*::add-mask::/.test(l))
    .join('\n');
  const places = [
    ['stdout', stdoutNoMask],
    [
      'stderr',
      (result.stderr ?? '')
        .split('\n')
        .filter((l) => !/^\s*::add-mask::/.test(l))
        .join('\n'),
    ],
    ['summary', result.summary ?? ''],
  ];
  for (const [kind, obj] of [
    ['outputs', result.outputs],
    ['env', result.env],
    ['state', result.state],
  ]) {
    for (const [k, v] of Object.entries(obj ?? {})) places.push([`${kind}.${k}`, `${k}\n${v}`]);
  }
  (result.path ?? []).forEach((p, i) => places.push([`path[${i}]`, p]));
  for (const secret of unique) {
    for (const [where, text] of places) {
      if (secretVariants(secret).some((v) => text.includes(v))) leaks.push({ where, secret, redacted: redact(secret) });
    }
  }
  return leaks;
}

export class SecretLeakError extends Error {
  constructor(leaks, result) {
    super(`Secret leak: ${leaks.map((l) => `${l.where} contains secret ${l.redacted}`).join('; ')}`);
    this.name = 'SecretLeakError';
    this.leaks = leaks;
    this.result = result;
  }
}

// ---------------------------------------------------------------------------------------------
// the run

function refInfo(ref) {
  let m;
  if ((m = /^refs\/tags\/(.+)$/.exec(ref))) return { name: m[1], type: 'tag' };
  if ((m = /^refs\/heads\/(.+)$/.exec(ref))) return { name: m[1], type: 'branch' };
  if ((m = /^refs\/pull\/(.+)$/.exec(ref))) return { name: m[1], type: 'branch' };
  return { name: ref, type: '' };
}

function defaultEvent(eventName, ctx) {
  const [owner, name] = ctx.repository.split('/');
  const repository = {
    name,
    full_name: ctx.repository,
    owner: { login: owner, type: 'Organization' },
    default_branch: 'main',
    html_url: `https://github.com/${ctx.repository}`,
  };
  const sender = { login: ctx.actor, type: 'User' };
  if (eventName === 'push') {
    return { ref: ctx.ref, before: '0'.repeat(40), after: ctx.sha, created: true, deleted: false, forced: false, repository, sender };
  }
  return { repository, sender };
}

function toInputString(name, value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  throw new Error(`options.inputs["${name}"] must be a string, boolean or number, got ${value === null ? 'null' : typeof value}`);
}

function readIfExists(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Runs `<root>/<name>/action.yml`'s main (or post) entry in a child node process with the runner's
 * environment, then parses the outputs back. Rejects on test mistakes (unknown input, missing
 * action.yml, unsupported default expression) and on secret leaks; a failing action resolves with
 * its exit code.
 */
export async function runAction(name, options = {}) {
  const root = options.root ?? REPO_ROOT;
  const ymlFile = actionYmlPath(name, root);
  if (!ymlFile) throw new Error(`No action.yml for action "${name}" in ${join(root, name)}`);
  const action = loadActionYml(name, root);
  const actionDir = dirname(ymlFile);
  const entry = options.entry ?? 'main';
  const runs = action.runs;
  if (typeof runs.using !== 'string' || !runs.using.startsWith('node')) {
    throw new Error(`${ymlFile}: runs.using is "${runs.using}", runAction only runs node actions`);
  }
  const rel = runs[entry];
  if (typeof rel !== 'string' || rel === '') throw new Error(`${ymlFile}: runs.${entry} is not declared`);
  const bundle = resolve(actionDir, rel);
  if (!existsSync(bundle)) throw new Error(`${ymlFile}: runs.${entry} points at ${bundle}, which does not exist (build it first)`);

  const eventName = options.eventName ?? 'push';
  const ref = options.ref ?? (eventName === 'pull_request' ? 'refs/pull/1/merge' : 'refs/heads/main');
  const sha = options.sha ?? DEFAULT_SHA;
  const repository = options.repository ?? DEFAULT_REPOSITORY;
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) throw new Error(`options.repository must be "owner/name", got "${repository}"`);
  const token = options.token ?? DEFAULT_TOKEN;
  const actor = 'octo-deployer';
  const { name: refName, type: refType } = refInfo(ref);
  const userEnv = options.env ?? {};
  const serverUrl = userEnv.GITHUB_SERVER_URL ?? 'https://github.com';
  const apiUrl = userEnv.GITHUB_API_URL ?? 'https://api.github.com';
  const graphqlUrl = userEnv.GITHUB_GRAPHQL_URL ?? 'https://api.github.com/graphql';

  const temp = mkdtempSync(join(tmpdir(), `deploy-kit-${name.replace(/[^\w-]/g, '_')}-`));
  const workspace = options.cwd ? resolve(options.cwd) : join(temp, 'workspace');
  const files = {
    output: join(temp, 'file_commands', 'output.txt'),
    env: join(temp, 'file_commands', 'env.txt'),
    path: join(temp, 'file_commands', 'path.txt'),
    state: join(temp, 'file_commands', 'state.txt'),
    summary: join(temp, 'file_commands', 'step_summary.md'),
    event: join(temp, 'workflow', 'event.json'),
  };
  const runnerTemp = join(temp, 'runner_temp');
  const toolCache = join(temp, 'tool_cache');
  for (const d of [dirname(files.output), dirname(files.event), runnerTemp, toolCache, workspace]) mkdirSync(d, { recursive: true });
  for (const f of [files.output, files.env, files.path, files.state, files.summary]) writeFileSync(f, '');

  try {
    const ctx = {
      token,
      ref,
      ref_name: refName,
      ref_type: refType,
      sha,
      repository,
      repository_owner: repository.split('/')[0],
      event_name: eventName,
      actor,
      triggering_actor: actor,
      workflow: 'deploy',
      job: 'release',
      run_id: '4242424242',
      run_number: '17',
      run_attempt: '1',
      server_url: serverUrl,
      api_url: apiUrl,
      graphql_url: graphqlUrl,
      workspace,
      action_path: actionDir,
      head_ref: '',
      base_ref: '',
    };
    const event = options.event ?? defaultEvent(eventName, ctx);
    ctx.event = event;
    if (eventName.startsWith('pull_request')) {
      ctx.head_ref = event?.pull_request?.head?.ref ?? '';
      ctx.base_ref = event?.pull_request?.base?.ref ?? '';
    }
    writeFileSync(files.event, JSON.stringify(event, null, 2));

    // inputs
    const declared = action.inputs && typeof action.inputs === 'object' ? action.inputs : {};
    const given = options.inputs ?? {};
    const unknown = Object.keys(given).filter((k) => !Object.prototype.hasOwnProperty.call(declared, k));
    if (unknown.length) {
      throw new Error(
        `Unexpected input(s) ${unknown.map((u) => `'${u}'`).join(', ')} for action "${name}"; ` +
          `valid inputs are [${Object.keys(declared)
            .map((d) => `'${d}'`)
            .join(', ')}]`,
      );
    }
    const inputEnv = {};
    const inputs = {};
    for (const [inputName, def] of Object.entries(declared)) {
      const value = Object.prototype.hasOwnProperty.call(given, inputName)
        ? toInputString(inputName, given[inputName])
        : evaluateDefault(def?.default, ctx, `${ymlFile} inputs.${inputName}.default`);
      inputs[inputName] = value;
      inputEnv[inputEnvName(inputName)] = value;
    }

    const env = {};
    for (const k of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[k] !== undefined) env[k] = process.env[k];
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION: `__deploy-kit_${name}`,
      GITHUB_ACTION_PATH: actionDir,
      GITHUB_ACTION_REPOSITORY: 'example-org/deploy-kit',
      GITHUB_ACTION_REF: 'v1',
      GITHUB_ACTOR: actor,
      GITHUB_ACTOR_ID: '1001',
      GITHUB_TRIGGERING_ACTOR: actor,
      GITHUB_API_URL: apiUrl,
      GITHUB_GRAPHQL_URL: graphqlUrl,
      GITHUB_SERVER_URL: serverUrl,
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_REF: ref,
      GITHUB_REF_NAME: refName,
      GITHUB_REF_TYPE: refType,
      GITHUB_REF_PROTECTED: 'false',
      GITHUB_HEAD_REF: ctx.head_ref,
      GITHUB_BASE_REF: ctx.base_ref,
      GITHUB_SHA: sha,
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_OWNER: ctx.repository_owner,
      GITHUB_REPOSITORY_ID: '700000001',
      GITHUB_REPOSITORY_OWNER_ID: '800000001',
      GITHUB_RUN_ID: ctx.run_id,
      GITHUB_RUN_NUMBER: ctx.run_number,
      GITHUB_RUN_ATTEMPT: ctx.run_attempt,
      GITHUB_RETENTION_DAYS: '90',
      GITHUB_WORKFLOW: ctx.workflow,
      GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/deploy.yml@${ref}`,
      GITHUB_WORKFLOW_SHA: sha,
      GITHUB_JOB: ctx.job,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: files.output,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'GitHub Actions 2',
      RUNNER_ENVIRONMENT: 'github-hosted',
      RUNNER_TEMP: runnerTemp,
      RUNNER_TOOL_CACHE: toolCache,
      RUNNER_WORKSPACE: dirname(workspace),
    });
    if (options.debug) {
      env.RUNNER_DEBUG = '1';
      env.ACTIONS_STEP_DEBUG = 'true';
    }
    for (const [k, v] of Object.entries(options.state ?? {})) env[`STATE_${k}`] = v;
    Object.assign(env, inputEnv);
    for (const [k, v] of Object.entries(userEnv)) {
      if (v === undefined) delete env[k];
      else env[k] = String(v);
    }
    delete env.NODE_OPTIONS;
    if (userEnv.NODE_OPTIONS !== undefined) env.NODE_OPTIONS = String(userEnv.NODE_OPTIONS);

    const timeoutMs = options.timeoutMs ?? 30000;
    const started = Date.now();
    const proc = await new Promise((resolvePromise, reject) => {
      const child = spawn(options.node ?? actionNode(), [bundle], {
        cwd: workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // own process group, so a timeout kills grandchildren too
      });
      options.onSpawn?.(child);
      const out = [];
      const err = [];
      child.stdout.on('data', (b) => out.push(b));
      child.stderr.on('data', (b) => err.push(b));
      let timedOut = false;
      let killTimer;
      const killGroup = (sig) => {
        try {
          process.kill(-child.pid, sig);
        } catch {
          try {
            child.kill(sig);
          } catch {
            /* already gone */
          }
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        killTimer = setTimeout(() => killGroup('SIGKILL'), 2000);
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        reject(new Error(`Could not start ${options.node ?? actionNode()} ${bundle}: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        if (timedOut) killGroup('SIGKILL');
        resolvePromise({
          exitCode: code,
          signal,
          timedOut,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        });
      });
    });
    const durationMs = Date.now() - started;

    const collect = { errors: [], warnings: [], notices: [], debug: [], masked: [], problems: [], outputs: {}, state: {}, groups: [] };
    const { log } = processCommands(proc.stdout, { debug: !!options.debug, collect });
    processCommands(proc.stderr, { debug: !!options.debug, collect });
    if (proc.timedOut) collect.problems.push(`timed out after ${timeoutMs} ms and was killed`);

    const readKv = (file, label) => {
      const obj = {};
      try {
        for (const [k, v] of parseFileCommand(readIfExists(file))) obj[k] = v;
      } catch (e) {
        collect.problems.push(`${label}: ${e.message}`);
      }
      return obj;
    };
    const outputs = { ...collect.outputs, ...readKv(files.output, 'GITHUB_OUTPUT') };
    const envOut = readKv(files.env, 'GITHUB_ENV');
    if (Object.keys(envOut).some((k) => k.toUpperCase() === 'NODE_OPTIONS')) {
      collect.problems.push("Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
    }
    const state = { ...collect.state, ...readKv(files.state, 'GITHUB_STATE') };
    const path = readIfExists(files.path)
      .split(/\r?\n/)
      .filter((l) => l !== '');
    const summary = readIfExists(files.summary);
    if (Buffer.byteLength(summary) > SUMMARY_LIMIT_BYTES) {
      collect.problems.push(`step summary is ${Buffer.byteLength(summary)} bytes; GitHub's limit is ${SUMMARY_LIMIT_BYTES}`);
    }
    let json;
    if (Object.prototype.hasOwnProperty.call(outputs, 'json')) {
      try {
        json = JSON.parse(outputs.json);
      } catch (e) {
        collect.problems.push(`output "json" is not valid JSON: ${e.message}`);
      }
    }

    const allMasks = [...new Set([...(options.secrets ?? []), token, ...collect.masked].filter((s) => s && s.trim() !== ''))];
    const maskLog = (text) => allMasks.reduce((t, s) => t.split(s).join('***'), text);

    const result = {
      exitCode: proc.exitCode,
      signal: proc.signal,
      timedOut: proc.timedOut,
      outputs,
      summary,
      env: envOut,
      state,
      path,
      stdout: proc.stdout,
      stderr: proc.stderr,
      log: maskLog(log),
      errors: collect.errors,
      warnings: collect.warnings,
      notices: collect.notices,
      debug: collect.debug,
      masked: collect.masked,
      groups: collect.groups,
      annotations: collect.annotations ?? [],
      problems: collect.problems,
      durationMs,
      json,
      inputs,
      tempDir: temp,
    };
    const leaks = findLeaks(result, [...(options.secrets ?? []), token, ...collect.masked]);
    if (leaks.length) throw new SecretLeakError(leaks, result);
    return result;
  } finally {
    if (!options.keepTemp) rmSync(temp, { recursive: true, force: true });
  }
}

/** Describes a result for failure messages: exit, problems, errors, stderr and the log tail. */
export function describeResult(result, maxChars = 4000) {
  const tail = (s) => (s.length > maxChars ? `…${s.slice(-maxChars)}` : s);
  return [
    `exit code: ${result.exitCode}${result.signal ? ` (signal ${result.signal})` : ''}${result.timedOut ? ' TIMED OUT' : ''}`,
    result.problems.length ? `problems:\n  ${result.problems.join('\n  ')}` : '',
    result.errors.length ? `::error:: annotations:\n  ${result.errors.join('\n  ')}` : '',
    result.stderr.trim() ? `stderr:\n${tail(result.stderr)}` : '',
    `log:\n${tail(result.log)}`,
  ]
    .filter(Boolean)
    .join('\n');
}
