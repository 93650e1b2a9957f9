// release/action.yml re-declares the inputs of the actions it runs, checked here against the actions'
// own declarations (their action.yml, and io.ts for the allowed values) rather than generated from
// them: the composite's descriptions are one line each and say which action an input goes to, where a
// generated file would carry every action's full, several-sentence descriptions, 73 times over. What
// the check holds the hand-written text to, for every composite input an action step forwards (the
// value of its INPUT_<NAME> is `inputs.<input>`, alone, as the first operand of `||`, or after `&&`):
//
// 1. the same default as every action input it goes to;
// 2. the same name, or one of the documented renames (an action prefix that keeps two actions' inputs
//    apart in one composite: `migrate-timeout` is migrate-job's `timeout`, `dispatch-timeout`
//    gitops-dispatch's);
// 3. a description that starts with where it goes: the actions in step order (`image-tags/push-artifacts:`),
//    the action's input name in backticks when renamed (`migrate-job \`timeout\`:`), and the backends it
//    applies to when the action's own description is scoped (`migrate-job (kubernetes/render):`);
// 4. for an input with a fixed set of values (an enum in io.ts), every value, in backticks.
//
// Inputs no action step reads are the composite's own (the gate's, the migration image's, the skips).
import { describe, expect, test } from '@jest/globals';

import { bundleOfStep, expressionsIn } from './composite.js';
import { loadIo, type IoModule } from './contract.js';
import { inputEnvName, readActionYml, type ActionYml } from './harness.js';

/** Composite input → the action input it stands for, where the composite adds an action prefix. */
const RENAMED: Record<string, string> = {
  'migrate-timeout': 'timeout',
  'migrate-env': 'env',
  'kube-context': 'context',
  'dispatch-ref': 'ref',
  'dispatch-inputs': 'inputs',
  'dispatch-timeout': 'timeout',
  'deployment-token': 'token',
  'ecs-service': 'service',
  'ecs-task-definition': 'task-definition',
  'ecs-task-definition-file': 'task-definition-file',
  'ecs-containers': 'containers',
  'ecs-timeout': 'timeout',
  'ecs-rollback-on-failure': 'rollback-on-failure',
  's3-source': 'files', // issue 19: the binaries uploaded to S3 are the ones github-release attaches
};

/** Inputs of the composite itself: read by its helper steps (the gate, the migration image) or its `if:`s. */
const OWN = [
  'skip-images',
  'skip-push',
  'skip-migrate',
  'skip-dispatch',
  'promote',
  'promote-from',
  'require-staging',
  'staging-environment',
  'checkout-path',
  'mode',
  'migrate-image',
  'migrate-service',
  'record-deployment',
  'rollback',
  'rollback-to',
  'delivery',
  'github-release', // issue 19: which tags get a GitHub Release (the gate checks the value, the step's if: applies it)
];

interface Forward {
  action: string;
  input: string;
  target: NonNullable<ActionYml['inputs']>[string];
}

const release = readActionYml('release');

/** The composite inputs whose value an expression passes on (not those it only tests, as in `a == 'ecs' && inputs.b`). */
export function forwardedInputs(expression: string): string[] {
  return expression
    .split('||')
    .map((operand) => operand.split('&&').at(-1)!.trim())
    .flatMap((operand) => /^inputs\.([a-z0-9-]+)$/.exec(operand)?.[1] ?? []);
}

/** Every composite input → the action inputs it is passed to, in step order. */
function forwards(): Map<string, Forward[]> {
  const out = new Map<string, Forward[]>();
  for (const step of release.runs.steps ?? []) {
    const action = bundleOfStep(step.run);
    if (!action) continue;
    const target = readActionYml(action);
    for (const [env, value] of Object.entries((step.env ?? {}) as Record<string, unknown>)) {
      const input = Object.keys(target.inputs ?? {}).find((n) => inputEnvName(n) === env);
      if (!input) continue;
      for (const expression of expressionsIn(String(value))) {
        for (const name of forwardedInputs(expression))
          out.set(name, [...(out.get(name) ?? []), { action, input, target: target.inputs![input] }]);
      }
    }
  }
  return out;
}

const FORWARDS = forwards();
const ios = new Map<string, IoModule>();
const BACKEND_SCOPE = /^((?:kubernetes|ecs|render|command)(?:\/(?:kubernetes|ecs|render|command))*): /;

/** What is wrong with composite input `name` against the action inputs it goes to. */
function problemsOf(name: string, spec: NonNullable<ActionYml['inputs']>[string] | undefined, to: readonly Forward[]): string[] {
  const problems: string[] = [];
  const ours = String(spec?.default ?? '');
  const description = String(spec?.description ?? '');
  for (const f of to) {
    const theirs = String(f.target?.default ?? '');
    if (ours !== theirs) problems.push(`${name}: default ${JSON.stringify(ours)}, ${f.action}'s ${f.input} ${JSON.stringify(theirs)}`);
    if (f.input !== name && RENAMED[name] !== f.input)
      problems.push(`${name}: passed to ${f.action}'s ${f.input}, and is not one of the documented renames`);
  }
  const actions = [...new Set(to.map((f) => f.action))];
  const renamed = RENAMED[name];
  const scopes = [...new Set(to.map((f) => BACKEND_SCOPE.exec(String(f.target?.description ?? ''))?.[1]).filter((s) => s !== undefined))];
  const prefix = `${actions.join('/')}${renamed ? ` \`${renamed}\`` : ''}${scopes.length ? ` (${scopes.join(', ')})` : ''}:`;
  if (!description.startsWith(`${prefix} `))
    problems.push(`${name}: the description should start with "${prefix}", it is "${description.slice(0, prefix.length + 20)}…"`);
  for (const f of to) {
    const values = (ios.get(f.action)?.inputs[f.input] as { values?: readonly string[] } | undefined)?.values ?? [];
    const missing = values.filter((v) => !description.includes(`\`${v}\``));
    if (missing.length)
      problems.push(
        `${name}: ${f.action}'s ${f.input} takes ${values.map((v) => `\`${v}\``).join(', ')}; the description does not name ${missing.join(', ')}`,
      );
  }
  return problems;
}

describe('release/action.yml inputs agree with the actions they are passed to', () => {
  test('the forwarding is read from the steps: alone, after ||, after && (a condition is not a forward)', () => {
    expect(forwardedInputs('inputs.kind')).toEqual(['kind']);
    expect(forwardedInputs('inputs.s3-path || steps.version.outputs.tag || steps.version.outputs.version')).toEqual(['s3-path']);
    expect(forwardedInputs("inputs.backend == 'ecs' && inputs.region || ''")).toEqual(['region']);
    expect(forwardedInputs('steps.version.outputs.tag')).toEqual([]);
    expect(FORWARDS.get('registry')?.map((f) => `${f.action}.${f.input}`)).toEqual(['image-tags.registry', 'push-artifacts.registry']);
    expect(FORWARDS.get('dispatch-timeout')?.map((f) => `${f.action}.${f.input}`)).toEqual(['gitops-dispatch.timeout']);
  });

  test("every input is forwarded to an action, or is one of the composite's own", () => {
    const inputs = Object.keys(release.inputs ?? {});
    expect(inputs.filter((n) => !FORWARDS.has(n) && !OWN.includes(n))).toEqual([]);
    expect(OWN.filter((n) => FORWARDS.has(n) || !inputs.includes(n))).toEqual([]);
    expect(Object.keys(RENAMED).filter((n) => !FORWARDS.has(n))).toEqual([]);
  });

  test("each forwarded input: the target's default, its name (or a documented rename), a description naming where it goes, every allowed value", async () => {
    for (const action of new Set([...FORWARDS.values()].flat().map((f) => f.action))) ios.set(action, await loadIo(action));
    const problems = [...FORWARDS].flatMap(([name, to]) => problemsOf(name, release.inputs?.[name], to));
    expect(problems).toEqual([]);
  });

  test('the check catches drift (a fake composite input)', async () => {
    ios.set('migrate-job', await loadIo('migrate-job'));
    const cleanup: Forward = { action: 'migrate-job', input: 'cleanup', target: readActionYml('migrate-job').inputs!.cleanup };
    const timeout: Forward = { action: 'migrate-job', input: 'timeout', target: readActionYml('migrate-job').inputs!.timeout };
    expect(problemsOf('cleanup', { description: 'migrate-job (kubernetes): `never` or `always`.', default: 'always' }, [cleanup])).toEqual([
      'cleanup: default "always", migrate-job\'s cleanup "never"',
      "cleanup: migrate-job's cleanup takes `never`, `on-success`, `always`; the description does not name on-success",
    ]);
    expect(problemsOf('cleanup', { description: 'migrate-job: `never`, `on-success` or `always`.', default: 'never' }, [cleanup])).toEqual([
      'cleanup: the description should start with "migrate-job (kubernetes):", it is "migrate-job: `never`, `on-success` or `always…"',
    ]);
    expect(problemsOf('job-timeout', { description: 'migrate-job `timeout`: how long.', default: '10m' }, [timeout])).toEqual([
      "job-timeout: passed to migrate-job's timeout, and is not one of the documented renames",
      'job-timeout: the description should start with "migrate-job:", it is "migrate-job `timeout`: how long.…"',
    ]);
  });
});
