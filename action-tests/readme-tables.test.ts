// Every action's README documents its interface exactly: the `## Inputs` table names each input of its
// action.yml once and nothing else, a literal default in action.yml appears in the table's default
// column, and the `## Outputs` table names each output once. A README that drifts from its action.yml
// is a wrong answer to the first question a user asks.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './harness.js';

const ACTIONS = [
  'parse-version',
  'image-tags',
  'push-artifacts',
  'migrate-job',
  'gitops-dispatch',
  'ecs-deploy',
  'record-deployment',
  'github-release',
  'release',
];

interface Row {
  /** The names a row documents: each backticked name in its first cell (`major` / `minor` / `patch`). */
  names: string[];
  cells: string[];
}

/** The first Markdown table under `## <heading>`: its header cells and rows. */
export function tableUnder(markdown: string, heading: string): { header: string[]; rows: Row[] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`no "## ${heading}" heading`);
  const table: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^## /.test(line)) break;
    if (line.startsWith('|')) table.push(line);
    else if (table.length > 0) break;
  }
  if (table.length < 3) throw new Error(`no table under "## ${heading}"`);
  const split = (line: string) =>
    line
      .replace(/\\\|/g, '\u0000')
      .split('|')
      .slice(1, -1)
      .map((c) => c.replace(/\u0000/g, '|').trim());
  const header = split(table[0]!);
  const rows = table.slice(2).map((line) => {
    const cells = split(line);
    const ticked = [...cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    return { names: ticked.length ? ticked : [cells[0]!], cells };
  });
  return { header, rows };
}

// One statement of what the actions need, the same in every README (users read one README, not all).
const REQUIREMENTS =
  '**Requirements:** the `node24` runtime: GitHub-hosted runners, or self-hosted and GitHub Enterprise Server runners v2.327.1 or newer; GitHub Enterprise Server 3.17 or newer ([differences](../gitops-dispatch/README.md#the-target-workflow)); no Docker engine.';

test.each(ACTIONS)('%s/README.md states the requirements as every README does', (action) => {
  expect(readFileSync(join(REPO_ROOT, action, 'README.md'), 'utf8')).toContain(`\n${REQUIREMENTS}\n`);
});

describe.each(ACTIONS)('%s/README.md matches %s/action.yml', (action) => {
  const readme = readFileSync(join(REPO_ROOT, action, 'README.md'), 'utf8');
  const spec = parse(readFileSync(join(REPO_ROOT, action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
    outputs?: Record<string, unknown>;
  };
  const inputs = Object.keys(spec.inputs ?? {});
  const outputs = Object.keys(spec.outputs ?? {});

  test('the Inputs table names every input once, and nothing else', () => {
    const { rows } = tableUnder(readme, 'Inputs');
    const names = rows.flatMap((r) => r.names);
    expect({
      missing: inputs.filter((n) => !names.includes(n)),
      extra: names.filter((n) => !inputs.includes(n)),
      twice: names.filter((n, i) => names.indexOf(n) !== i),
    }).toEqual({
      missing: [],
      extra: [],
      twice: [],
    });
  });

  test('a literal default in action.yml is the one the Inputs table gives', () => {
    const { header, rows } = tableUnder(readme, 'Inputs');
    const column = header.findIndex((h) => h.toLowerCase() === 'default');
    expect(column).toBeGreaterThan(0);
    const wrong: string[] = [];
    for (const [name, item] of Object.entries(spec.inputs ?? {})) {
      const value = item.default === undefined ? '' : String(item.default).trim();
      // Expressions (`${{ github.token }}`) are described in words; empty defaults may describe a computed one.
      if (value === '' || value.includes('${{')) continue;
      const cell = rows.find((r) => r.names.includes(name))?.cells[column] ?? '';
      // Each line of a multi-line default (the environments map) appears in the cell.
      const parts = value
        .split('\n')
        .map((p) => p.trim())
        .filter(Boolean);
      if (!parts.every((part) => cell.includes(`\`${part}\``) || cell === part))
        wrong.push(`${name}: action.yml says ${JSON.stringify(value)}, the README ${JSON.stringify(cell)}`);
    }
    expect(wrong).toEqual([]);
  });

  test('the Outputs table names every output once, and nothing else', () => {
    const { rows } = tableUnder(readme, 'Outputs');
    const names = rows.flatMap((r) => r.names);
    expect({
      missing: outputs.filter((n) => !names.includes(n)),
      extra: names.filter((n) => !outputs.includes(n)),
      twice: names.filter((n, i) => names.indexOf(n) !== i),
    }).toEqual({
      missing: [],
      extra: [],
      twice: [],
    });
  });
});

// release/README.md lists exactly the composite inputs release.yml does not pass, derived from the
// reusable workflow's own `with:` of the composite step, so neither can change without the other.
describe('release/README.md: the composite inputs release.yml does not take', () => {
  const readme = readFileSync(join(REPO_ROOT, 'release', 'README.md'), 'utf8');
  const composite = Object.keys(
    (parse(readFileSync(join(REPO_ROOT, 'release', 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
  );
  const workflow = parse(readFileSync(join(REPO_ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as {
    jobs: Record<string, { steps?: { id?: string; with?: Record<string, string> }[] }>;
  };
  const step = Object.values(workflow.jobs)
    .flatMap((job) => job.steps ?? [])
    .find((s) => s.id === 'release');
  const passed = Object.keys(step?.with ?? {});

  test('the table names each input the composite step does not get, once, and no other', () => {
    const start = readme.indexOf('#### Composite inputs `release.yml` does not take');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start).split('\n### ')[0]!;
    const listed = section
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    const notPassed = composite.filter((name) => !passed.includes(name));
    expect({
      unlisted: notPassed.filter((n) => !listed.includes(n)),
      listedButPassed: listed.filter((n) => !notPassed.includes(n)),
    }).toEqual({ unlisted: [], listedButPassed: [] });
    // The count in the prose is the real one.
    expect(section).toContain(`passes ${passed.length} of the composite's ${composite.length} inputs through`);
  });
});
