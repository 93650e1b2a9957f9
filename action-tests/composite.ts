// A small composite-action runner for the action-tests: runs `runs.steps` of a root composite action
// (release/action.yml) the way the runner does for the parts that exist here: `${{ }}` expressions in
// `env:`/`if:`/`outputs.*.value` over the `inputs`, `steps`, `github` and `env` contexts, `shell: bash`
// steps (`bash --noprofile --norc -eo pipefail`), GITHUB_OUTPUT/GITHUB_STEP_SUMMARY per step, the
// implicit `success()` of `if:`, and the action's declared input defaults. `uses:` steps are refused
// (the release composite has none, on purpose: see release/action.yml).
//
// The expression language covers what the composite uses: property access (`steps.x.outputs.y`,
// hyphens allowed), 'strings', true/false/null, numbers, `!`, `==`, `!=`, `&&`, `||` (GitHub's value
// semantics: `a || b` is the first truthy operand), parentheses and success()/failure()/always()/
// cancelled(). Anything else throws, so an expression this runner does not understand fails the test.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_REPOSITORY,
  DEFAULT_SHA,
  DEFAULT_TOKEN,
  REPO_ROOT,
  findLeaks,
  parseFileCommand,
  processCommands,
  readActionYml,
} from './harness.js';

type Value = string | number | boolean | null | Record<string, unknown> | undefined;
type Context = Record<string, unknown>;

// --- expressions -----------------------------------------------------------------------------------
type Token = { kind: 'str' | 'num' | 'ident' | 'op' | 'paren' | 'comma'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= expr.length) throw new Error(`unterminated string in expression: ${expr}`);
        if (expr[i] === "'") {
          if (expr[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += expr[i++];
      }
      tokens.push({ kind: 'str', text: s });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(expr.slice(i))!;
      tokens.push({ kind: 'num', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(expr.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else if (['==', '!=', '&&', '||'].includes(expr.slice(i, i + 2))) {
      tokens.push({ kind: 'op', text: expr.slice(i, i + 2) });
      i += 2;
    } else if (c === '!') {
      tokens.push({ kind: 'op', text: '!' });
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', text: c });
      i++;
    } else {
      throw new Error(`unsupported character ${JSON.stringify(c)} in expression: ${expr}`);
    }
  }
  return tokens;
}

const truthy = (v: Value): boolean => !(v === '' || v === null || v === undefined || v === false || v === 0);
const loose = (v: Value): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export interface ExpressionState {
  context: Context;
  /** The job status so far, for success()/failure(). */
  failed: boolean;
}

/** Evaluates one expression (without `${{ }}`). */
export function evaluate(expr: string, state: ExpressionState): Value {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (text: string) => {
    const t = next();
    if (!t || t.text !== text) throw new Error(`expected "${text}" in expression: ${expr}`);
  };
  const functions: Record<string, () => Value> = {
    success: () => !state.failed,
    failure: () => state.failed,
    always: () => true,
    cancelled: () => false,
  };
  function primary(): Value {
    const t = next();
    if (!t) throw new Error(`unexpected end of expression: ${expr}`);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'paren' && t.text === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t.kind === 'op' && t.text === '!') return !truthy(primary());
    if (t.kind === 'ident') {
      if (t.text === 'true') return true;
      if (t.text === 'false') return false;
      if (t.text === 'null') return null;
      if (peek()?.text === '(') {
        const fn = functions[t.text];
        if (!fn) throw new Error(`unsupported function ${t.text}() in expression: ${expr}`);
        expect('(');
        expect(')');
        return fn();
      }
      const [root, ...path] = t.text.split('.');
      if (!(root! in state.context)) throw new Error(`unknown context "${root}" in expression: ${expr}`);
      let v: unknown = state.context[root!];
      for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      return (v ?? null) as Value;
    }
    throw new Error(`unexpected "${t.text}" in expression: ${expr}`);
  }
  function equality(): Value {
    let left = primary();
    while (peek()?.text === '==' || peek()?.text === '!=') {
      const op = next()!.text;
      const right = primary();
      // GitHub compares strings case-insensitively; mixed types are coerced (enough for strings here).
      const eq = loose(left).toLowerCase() === loose(right).toLowerCase();
      left = op === '==' ? eq : !eq;
    }
    return left;
  }
  function and(): Value {
    let left = equality();
    while (peek()?.text === '&&') {
      next();
      const right = equality();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or(): Value {
    let left = and();
    while (peek()?.text === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  const value = or();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]!.text}" in expression: ${expr}`);
  return value;
}

/** Replaces every `${{ expr }}` in `text`. */
export function interpolate(text: string, state: ExpressionState): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => loose(evaluate(expr.trim(), state)));
}

/** Every `${{ }}` expression in a string (their inner text). */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!.trim());
}

/** Context references (`inputs.x`, `steps.a.outputs.b`) in an expression. */
export function referencesIn(expr: string): string[] {
  return tokenize(expr)
    .filter((t) => t.kind === 'ident' && t.text.includes('.'))
    .map((t) => t.text);
}

// --- running ---------------------------------------------------------------------------------------
export interface CompositeStepResult {
  id: string;
  name: string;
  /** `skipped` when `if:` was false. */
  outcome: 'success' | 'failure' | 'skipped';
  exitCode: number | null;
  outputs: Record<string, string>;
  env: Record<string, string>;
  stdout: string;
  stderr: string;
  errors: string[];
}

export interface CompositeResult {
  /** The composite's `outputs`, evaluated at the end. */
  outputs: Record<string, string>;
  steps: CompositeStepResult[];
  step(id: string): CompositeStepResult;
  failed: boolean;
  summary: string;
  errors: string[];
  log: string;
}

export interface RunCompositeOptions {
  inputs?: Record<string, string | boolean>;
  env?: Record<string, string>;
  ref?: string;
  sha?: string;
  repository?: string;
  /** GITHUB_WORKSPACE and the steps' cwd (default: a fresh directory). */
  workspace?: string;
  secrets?: string[];
  stepTimeoutMs?: number;
}

export async function runComposite(name: string, options: RunCompositeOptions = {}): Promise<CompositeResult> {
  const action = readActionYml(name);
  if (action.runs.using !== 'composite') throw new Error(`${name}: runs.using is ${action.runs.using}, not composite`);
  const temp = mkdtempSync(join(tmpdir(), `deploy-kit-composite-${name}-`));
  try {
    const workspace = options.workspace ?? join(temp, 'workspace');
    const runnerTemp = join(temp, 'runner_temp');
    for (const d of [workspace, runnerTemp, join(temp, 'files')]) mkdirSync(d, { recursive: true });
    const ref = options.ref ?? 'refs/heads/main';
    const sha = options.sha ?? DEFAULT_SHA;
    const repository = options.repository ?? DEFAULT_REPOSITORY;
    const refName = ref.replace(/^refs\/(tags|heads)\//, '');
    const refType = ref.startsWith('refs/tags/') ? 'tag' : 'branch';
    const eventPath = join(temp, 'files', 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({
        ref,
        after: sha,
        repository: {
          full_name: repository,
          name: repository.split('/')[1],
          owner: { login: repository.split('/')[0] },
          default_branch: 'main',
        },
      }),
    );
    const actionPath = join(REPO_ROOT, name);
    const github = {
      token: DEFAULT_TOKEN,
      ref,
      ref_name: refName,
      ref_type: refType,
      sha,
      repository,
      repository_owner: repository.split('/')[0],
      event_name: 'push',
      workspace,
      action_path: actionPath,
      server_url: 'https://github.com',
      api_url: 'https://api.github.com',
    };

    const declared = action.inputs ?? {};
    const unknown = Object.keys(options.inputs ?? {}).filter((k) => !(k in declared));
    if (unknown.length) throw new Error(`${name}: unknown input(s) ${unknown.join(', ')}`);
    const inputs: Record<string, string> = {};
    const state: ExpressionState = {
      context: { github, inputs, steps: {}, env: {}, runner: { temp: runnerTemp, os: 'Linux' } },
      failed: false,
    };
    for (const [key, spec] of Object.entries(declared)) {
      const given = options.inputs?.[key];
      inputs[key] = given !== undefined ? String(given) : interpolate(String(spec?.default ?? ''), state);
    }

    const baseEnv: Record<string, string> = {};
    for (const k of ['PATH', 'HOME', 'LANG', 'TZ']) if (process.env[k] !== undefined) baseEnv[k] = process.env[k]!;
    Object.assign(
      baseEnv,
      {
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_ACTION_REPOSITORY: 'example-org/deploy-kit',
        GITHUB_ACTION_REF: 'v1',
        GITHUB_ACTOR: 'octo-deployer',
        GITHUB_API_URL: github.api_url,
        GITHUB_SERVER_URL: github.server_url,
        GITHUB_GRAPHQL_URL: `${github.api_url}/graphql`,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REF: ref,
        GITHUB_REF_NAME: refName,
        GITHUB_REF_TYPE: refType,
        GITHUB_SHA: sha,
        GITHUB_REPOSITORY: repository,
        GITHUB_REPOSITORY_OWNER: repository.split('/')[0],
        GITHUB_RUN_ID: '4242424242',
        GITHUB_RUN_NUMBER: '17',
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_WORKFLOW: 'release',
        GITHUB_JOB: 'release',
        GITHUB_WORKSPACE: workspace,
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
        RUNNER_TEMP: runnerTemp,
        RUNNER_TOOL_CACHE: join(temp, 'tool_cache'),
        RUNNER_ENVIRONMENT: 'github-hosted',
      },
      options.env ?? {},
    );
    state.context.env = { ...(options.env ?? {}) };

    const results: CompositeStepResult[] = [];
    const steps = state.context.steps as Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>;
    let summary = '';
    let log = '';
    for (const [index, step] of (action.runs.steps ?? []).entries()) {
      const id = typeof step.id === 'string' ? step.id : `__step${index}`;
      const label = String(step.name ?? id);
      if (step.uses !== undefined) throw new Error(`${name}: step ${label} uses ${String(step.uses)}; this runner only runs shell steps`);
      if (step.shell !== 'bash')
        throw new Error(
          `${name}: step ${label} has shell ${String(step.shell)}; only bash is supported (composite run steps need an explicit shell)`,
        );
      const condition = typeof step.if === 'string' ? step.if.replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim() : '';
      const hasStatus = /\b(success|failure|always|cancelled)\(\)/.test(condition);
      const run = hasStatus
        ? truthy(evaluate(condition, state))
        : !state.failed && (condition === '' || truthy(evaluate(condition, state)));
      if (!run) {
        const r: CompositeStepResult = {
          id,
          name: label,
          outcome: 'skipped',
          exitCode: null,
          outputs: {},
          env: {},
          stdout: '',
          stderr: '',
          errors: [],
        };
        results.push(r);
        steps[id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        continue;
      }
      const stepEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries((step.env ?? {}) as Record<string, unknown>)) stepEnv[k] = interpolate(String(v ?? ''), state);
      const outputFile = join(temp, 'files', `output-${index}.txt`);
      const summaryFile = join(temp, 'files', `summary-${index}.md`);
      const script = join(temp, 'files', `step-${index}.sh`);
      writeFileSync(outputFile, '');
      writeFileSync(summaryFile, '');
      writeFileSync(script, String(step.run ?? ''));
      const env = {
        ...baseEnv,
        ...stepEnv,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_STATE: join(temp, 'files', `state-${index}.txt`),
        GITHUB_ENV: join(temp, 'files', `env-${index}.txt`),
        GITHUB_PATH: join(temp, 'files', `path-${index}.txt`),
      };
      const proc = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
          cwd: workspace,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.stepTimeoutMs ?? 45_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      });
      const commands = processCommands(proc.stdout);
      const outputs = Object.fromEntries(parseFileCommand(readFileSync(outputFile, 'utf8')));
      const ok = proc.code === 0;
      if (!ok) state.failed = true;
      steps[id] = { outputs, outcome: ok ? 'success' : 'failure', conclusion: ok ? 'success' : 'failure' };
      summary += readFileSync(summaryFile, 'utf8');
      log += `##[group]${label}\n${commands.log}${proc.stderr}\n##[endgroup]\n`;
      results.push({
        id,
        name: label,
        outcome: ok ? 'success' : 'failure',
        exitCode: proc.code,
        outputs,
        env: stepEnv,
        stdout: proc.stdout,
        stderr: proc.stderr,
        errors: commands.errors,
      });
    }

    const outputs: Record<string, string> = {};
    for (const [key, spec] of Object.entries(action.outputs ?? {})) outputs[key] = interpolate(String(spec?.value ?? ''), state);
    const result: CompositeResult = {
      outputs,
      steps: results,
      step: (id) => {
        const found = results.find((r) => r.id === id);
        if (!found) throw new Error(`no step ${id}`);
        return found;
      },
      failed: state.failed,
      summary,
      errors: results.flatMap((r) => r.errors),
      log,
    };
    const leaks = findLeaks(
      { stdout: results.map((r) => r.stdout).join('\n'), stderr: results.map((r) => r.stderr).join('\n'), summary, outputs },
      options.secrets ?? [],
    );
    if (leaks.length) throw new Error(`secret leak(s): ${leaks.map((l) => l.where).join(', ')}`);
    return result;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Which root action a composite step runs: `node "$GITHUB_ACTION_PATH/../dist/<name>/index.js"`. */
export function bundleOfStep(run: unknown): string | undefined {
  const m = /^node "\$GITHUB_ACTION_PATH\/\.\.\/dist\/([a-z0-9-]+)\/index\.js"$/.exec(String(run ?? '').trim());
  return m?.[1];
}
