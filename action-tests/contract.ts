// The interface contract between `<name>/action.yml` (what users see), `actions/<name>/src/io.ts`
// (what the code reads and writes) and `dist/<name>/` (what the runner executes). Each check returns
// human-readable violations, so contract.test.ts can assert `[]` and show exactly what drifted, and
// the checks themselves can be tested against deliberately broken fake actions.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { REPO_ROOT, actionYmlPath, type ActionYml } from './lib/runner.mjs';

export interface InputSpec {
  kind: string;
  default?: string;
  required?: boolean;
  secret?: boolean;
  [key: string]: unknown;
}

export interface IoModule {
  inputs: Record<string, InputSpec>;
  outputs: readonly string[];
}

export const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const RUNTIME = 'node24';

/** Path of `actions/<name>/src/io.ts`. */
export function ioPath(name: string, root: string = REPO_ROOT): string {
  return join(root, 'actions', name, 'src', 'io.ts');
}

/** Imports `actions/<name>/src/io.ts` (ts-jest transforms it) and checks it has the expected shape. */
export async function loadIo(name: string, root: string = REPO_ROOT): Promise<IoModule> {
  const file = ioPath(name, root);
  if (!existsSync(file)) throw new Error(`${relative(root, file)} does not exist; every action exports its inputs/outputs there`);
  const mod = (await import(file)) as Partial<IoModule>;
  const problems = ioShapeViolations(mod);
  if (problems.length) throw new Error(`${relative(root, file)}: ${problems.join('; ')}`);
  return mod as IoModule;
}

export function ioShapeViolations(mod: Partial<IoModule>): string[] {
  const out: string[] = [];
  if (!mod.inputs || typeof mod.inputs !== 'object' || Array.isArray(mod.inputs)) out.push('`inputs` must be an exported object');
  else {
    for (const [name, spec] of Object.entries(mod.inputs)) {
      if (!spec || typeof spec !== 'object') out.push(`inputs["${name}"] must be an object`);
      else {
        if (typeof spec.kind !== 'string' || spec.kind === '') out.push(`inputs["${name}"].kind must be a non-empty string`);
        if (spec.default !== undefined && typeof spec.default !== 'string') out.push(`inputs["${name}"].default must be a string`);
        if (spec.required !== undefined && typeof spec.required !== 'boolean') out.push(`inputs["${name}"].required must be a boolean`);
        if (spec.secret !== undefined && typeof spec.secret !== 'boolean') out.push(`inputs["${name}"].secret must be a boolean`);
      }
    }
  }
  if (!Array.isArray(mod.outputs) || mod.outputs.some((o) => typeof o !== 'string')) {
    out.push('`outputs` must be an exported array of output names');
  }
  return out;
}

/** What the runner makes of a YAML default: scalars become strings, null/absent means none. */
function ymlDefault(def: Record<string, unknown> | null | undefined): string | undefined {
  if (!def || !('default' in def) || def.default === undefined || def.default === null) return undefined;
  const v = def.default;
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function sorted(xs: Iterable<string>): string[] {
  return [...xs].sort();
}

function esmPackageJsonViolation(bundle: string, root: string): string | undefined {
  const pkg = join(dirname(bundle), 'package.json');
  const rel = relative(root, pkg);
  if (!existsSync(pkg)) return `${rel} is missing (the ESM bundle needs {"type":"module"} beside it)`;
  try {
    const json = JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown };
    if (json.type !== 'module') return `${rel} must say {"type":"module"}, found type ${JSON.stringify(json.type)}`;
  } catch (e) {
    return `${rel} is not valid JSON: ${(e as Error).message}`;
  }
  return undefined;
}

/** runs.using is node24; runs.main is ../dist/<name>/index.js and exists with an ESM package.json; pre/post likewise exist. */
export function runtimeViolations(name: string, yml: ActionYml, root: string = REPO_ROOT): string[] {
  const out: string[] = [];
  const file = actionYmlPath(name, root);
  if (!file) return [`${name}/action.yml is missing`];
  if (basename(file) !== 'action.yml') out.push(`${relative(root, file)} should be named action.yml`);
  const runs = yml.runs;
  if (runs.using !== RUNTIME) out.push(`runs.using is ${JSON.stringify(runs.using)}, expected "${RUNTIME}"`);
  const expectedMain = `../dist/${name}/index.js`;
  if (runs.main !== expectedMain) out.push(`runs.main is ${JSON.stringify(runs.main)}, expected "${expectedMain}"`);
  const distRoot = join(root, 'dist') + sep;
  for (const entry of ['main', 'pre', 'post'] as const) {
    const rel = runs[entry];
    if (rel === undefined && entry !== 'main') continue;
    if (typeof rel !== 'string' || rel === '') {
      out.push(entry === 'main' && rel === undefined ? 'runs.main is missing' : `runs.${entry} must be a non-empty path`);
      continue;
    }
    const bundle = resolve(dirname(file), rel);
    if (!bundle.startsWith(distRoot)) out.push(`runs.${entry} (${rel}) is outside dist/`);
    if (!existsSync(bundle) || !statSync(bundle).isFile()) {
      out.push(`runs.${entry} points at ${relative(root, bundle)}, which does not exist (run npm run build)`);
      continue;
    }
    const pkgProblem = esmPackageJsonViolation(bundle, root);
    if (pkgProblem) out.push(pkgProblem);
  }
  if (runs['post-if'] !== undefined && runs.post === undefined) out.push('runs.post-if without runs.post');
  return out;
}

/** action.yml inputs equal io.ts `inputs`: names, defaults, required; plus the style rules on them. */
export function inputViolations(yml: ActionYml, io: IoModule): string[] {
  const out: string[] = [];
  const declared = yml.inputs ?? {};
  const ymlNames = Object.keys(declared);
  const ioNames = Object.keys(io.inputs);
  const missingInYml = ioNames.filter((n) => !ymlNames.includes(n));
  const missingInIo = ymlNames.filter((n) => !ioNames.includes(n));
  if (missingInYml.length) out.push(`read by io.ts but not declared in action.yml: ${sorted(missingInYml).join(', ')}`);
  if (missingInIo.length) out.push(`declared in action.yml but not in io.ts: ${sorted(missingInIo).join(', ')}`);
  for (const name of ymlNames.filter((n) => ioNames.includes(n))) {
    const def = declared[name];
    const spec = io.inputs[name]!;
    const ymlDef = ymlDefault(def);
    if (ymlDef !== spec.default) {
      out.push(
        `input "${name}": action.yml default ${ymlDef === undefined ? '(none)' : JSON.stringify(ymlDef)} ` +
          `!= io.ts default ${spec.default === undefined ? '(none)' : JSON.stringify(spec.default)}`,
      );
    }
    const ymlRequired = def?.required === true;
    if (def?.required !== undefined && typeof def.required !== 'boolean') {
      out.push(`input "${name}": required must be true or false, got ${JSON.stringify(def.required)}`);
    }
    if (ymlRequired !== (spec.required === true)) {
      out.push(`input "${name}": required is ${ymlRequired} in action.yml but ${spec.required === true} in io.ts`);
    }
    if (ymlRequired && ymlDef !== undefined) out.push(`input "${name}": required inputs must not have a default`);
    if (spec.secret === true && ymlDef !== undefined && ymlDef !== '' && !/^\$\{\{[^}]*\}\}$/.test(ymlDef.trim())) {
      out.push(`input "${name}": a secret input must not have a literal default`);
    }
  }
  return out;
}

/** action.yml outputs equal io.ts `outputs` plus `json`. */
export function outputViolations(yml: ActionYml, io: IoModule): string[] {
  const out: string[] = [];
  const ymlNames = Object.keys(yml.outputs ?? {});
  if (io.outputs.includes('json')) out.push('io.ts outputs must not list "json" (every action writes it implicitly)');
  const dupes = io.outputs.filter((o, i) => io.outputs.indexOf(o) !== i);
  if (dupes.length) out.push(`io.ts outputs lists duplicates: ${dupes.join(', ')}`);
  const expected = new Set([...io.outputs, 'json']);
  const missingInYml = [...expected].filter((n) => !ymlNames.includes(n));
  const missingInIo = ymlNames.filter((n) => !expected.has(n));
  if (missingInYml.length) out.push(`written by the action but not declared in action.yml: ${sorted(missingInYml).join(', ')}`);
  if (missingInIo.length) out.push(`declared in action.yml but not in io.ts outputs: ${sorted(missingInIo).join(', ')}`);
  return out;
}

/** Every input and output has a non-empty description; the action has a name and description. */
export function descriptionViolations(yml: ActionYml): string[] {
  const out: string[] = [];
  const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';
  if (blank(yml.name)) out.push('action.yml has no name');
  if (blank(yml.description)) out.push('action.yml has no description');
  for (const [name, def] of Object.entries(yml.inputs ?? {})) if (blank(def?.description)) out.push(`input "${name}" has no description`);
  for (const [name, def] of Object.entries(yml.outputs ?? {})) if (blank(def?.description)) out.push(`output "${name}" has no description`);
  return out;
}

/** Input and output names are kebab-case. */
export function namingViolations(yml: ActionYml): string[] {
  const out: string[] = [];
  for (const name of Object.keys(yml.inputs ?? {})) if (!KEBAB_CASE.test(name)) out.push(`input "${name}" is not kebab-case`);
  for (const name of Object.keys(yml.outputs ?? {})) if (!KEBAB_CASE.test(name)) out.push(`output "${name}" is not kebab-case`);
  return out;
}
