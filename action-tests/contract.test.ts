// Contract of every action at the repository root: runtime and bundle layout, inputs/outputs in
// action.yml == actions/<name>/src/io.ts, descriptions, kebab-case names. New actions are picked up
// by discovery; the checks themselves are tested against fake actions so they can be seen to fail.
import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  RUNTIME,
  descriptionViolations,
  inputViolations,
  ioShapeViolations,
  loadIo,
  namingViolations,
  outputViolations,
  runtimeViolations,
  type IoModule,
} from './contract.js';
import { REPO_ROOT, discoverActions, listActions, listCompositeActions, readActionYml, type ActionYml } from './harness.js';

const nodeActions = listActions();
const compositeActions = listCompositeActions();

describe('discovery', () => {
  test('finds exactly the root folders that hold an action.yml, and every one of them parses', () => {
    const folders = readdirSync(REPO_ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
      .filter((d) => existsSync(join(REPO_ROOT, d.name, 'action.yml')) || existsSync(join(REPO_ROOT, d.name, 'action.yaml')))
      .map((d) => d.name)
      .sort();
    const found = discoverActions();
    expect(found.map((a) => a.name)).toEqual(folders);
    expect(sorted([...nodeActions, ...compositeActions])).toEqual(
      found
        .filter((a) => a.kind === 'node' || a.kind === 'composite')
        .map((a) => a.name)
        .sort(),
    );
  });

  test('every root action is a JavaScript or composite action (no docker or unknown runtimes)', () => {
    expect(
      discoverActions()
        .filter((a) => a.kind !== 'node' && a.kind !== 'composite')
        .map((a) => `${a.name}: ${a.using}`),
    ).toEqual([]);
  });

  test(`all JavaScript actions declare the same runs.using, and it is ${RUNTIME}`, () => {
    const usings = new Set(nodeActions.map((n) => readActionYml(n).runs.using));
    expect([...usings].filter((u) => u !== RUNTIME)).toEqual([]);
    expect(usings.size).toBeLessThanOrEqual(1);
  });

  test('composite actions only use local actions that exist at the root', () => {
    const problems: string[] = [];
    for (const name of compositeActions) {
      for (const step of readActionYml(name).runs.steps ?? []) {
        const uses = step.uses;
        if (typeof uses !== 'string' || !uses.startsWith('./')) continue;
        const target = uses.replace(/^\.\//, '').replace(/\/$/, '');
        if (!existsSync(join(REPO_ROOT, target, 'action.yml'))) problems.push(`${name}: uses ${uses}, which has no action.yml`);
      }
    }
    expect(problems).toEqual([]);
  });
});

if (nodeActions.length > 0) {
  describe.each(nodeActions)('%s', (name) => {
    const yml = readActionYml(name);

    test('(a) runs: node24, main is ../dist/<name>/index.js, bundle exists with {"type":"module"} beside it', () => {
      expect(runtimeViolations(name, yml)).toEqual([]);
    });

    test('(b) inputs in action.yml match actions/<name>/src/io.ts (names, defaults, required)', async () => {
      const io = await loadIo(name);
      expect(inputViolations(yml, io)).toEqual([]);
    });

    test('(b) the action, every input and every output have a non-empty description', () => {
      expect(descriptionViolations(yml)).toEqual([]);
    });

    test('(c) outputs in action.yml are io.ts outputs plus json', async () => {
      const io = await loadIo(name);
      expect(outputViolations(yml, io)).toEqual([]);
    });

    test('(d) input and output names are kebab-case', () => {
      expect(namingViolations(yml)).toEqual([]);
    });
  });
}

describe('the contract checks catch drift (fake actions)', () => {
  const goodYml: ActionYml = {
    name: 'Parse version',
    description: 'Parses a tag.',
    inputs: {
      ref: { description: 'Ref to parse.', default: '${{ github.ref }}' },
      'tag-prefix': { description: 'Prefix.', default: 'v' },
      strict: { description: 'Fail on non-semver.', default: false },
      token: { description: 'Token.', default: '${{ github.token }}' },
      services: { description: 'Services.', required: true },
    },
    outputs: { version: { description: 'The version.' }, json: { description: 'All outputs.' } },
    runs: { using: 'node24', main: '../dist/fake/index.js' },
  };
  const goodIo: IoModule = {
    inputs: {
      ref: { kind: 'string', default: '${{ github.ref }}' },
      'tag-prefix': { kind: 'string', default: 'v' },
      strict: { kind: 'boolean', default: 'false' },
      token: { kind: 'string', default: '${{ github.token }}', secret: true },
      services: { kind: 'list', required: true },
    },
    outputs: ['version'],
  };

  function fakeRoot(opts: { yml?: string; pkg?: string | null; bundle?: boolean; post?: boolean } = {}): string {
    const root = mkdtempSync(join(tmpdir(), 'deploy-kit-contract-'));
    const put = (rel: string, text: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    put('fake/action.yml', opts.yml ?? 'name: f\ndescription: f\nruns:\n  using: node24\n  main: ../dist/fake/index.js\n');
    if (opts.bundle !== false) put('dist/fake/index.js', 'export {};\n');
    if (opts.pkg !== null) put('dist/fake/package.json', opts.pkg ?? '{"type":"module"}\n');
    if (opts.post) {
      put('dist/fake-post/index.js', 'export {};\n');
    }
    return root;
  }

  test('a consistent action has no violations', () => {
    expect(inputViolations(goodYml, goodIo)).toEqual([]);
    expect(outputViolations(goodYml, goodIo)).toEqual([]);
    expect(descriptionViolations(goodYml)).toEqual([]);
    expect(namingViolations(goodYml)).toEqual([]);
    expect(ioShapeViolations(goodIo)).toEqual([]);
    const root = fakeRoot();
    try {
      expect(runtimeViolations('fake', readActionYml('fake', root), root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('(a) wrong runtime, wrong main path, missing bundle, missing or CJS package.json, missing post bundle', () => {
    const cases: Array<[Parameters<typeof fakeRoot>[0], string[]]> = [
      [{ yml: 'name: f\nruns:\n  using: node20\n  main: ../dist/fake/index.js\n' }, ['runs.using is "node20", expected "node24"']],
      [
        { yml: 'name: f\nruns:\n  using: node24\n  main: dist/index.js\n' },
        [
          'runs.main is "dist/index.js", expected "../dist/fake/index.js"',
          'runs.main (dist/index.js) is outside dist/',
          'runs.main points at fake/dist/index.js, which does not exist (run npm run build)',
        ],
      ],
      [{ bundle: false }, ['runs.main points at dist/fake/index.js, which does not exist (run npm run build)']],
      [{ pkg: null }, ['dist/fake/package.json is missing (the ESM bundle needs {"type":"module"} beside it)']],
      [{ pkg: '{"type":"commonjs"}' }, ['dist/fake/package.json must say {"type":"module"}, found type "commonjs"']],
      [
        { yml: 'name: f\nruns:\n  using: node24\n  main: ../dist/fake/index.js\n  post: ../dist/fake-post/index.js\n', post: true },
        ['dist/fake-post/package.json is missing (the ESM bundle needs {"type":"module"} beside it)'],
      ],
      [
        { yml: 'name: f\nruns:\n  using: node24\n  main: ../dist/fake/index.js\n  post: ../dist/nope/index.js\n' },
        ['runs.post points at dist/nope/index.js, which does not exist (run npm run build)'],
      ],
    ];
    for (const [opts, expected] of cases) {
      const root = fakeRoot(opts);
      try {
        expect(runtimeViolations('fake', readActionYml('fake', root), root)).toEqual(expected);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  });

  test('(b) input drift: names, defaults, required, required-with-default, literal secret default', () => {
    const yml: ActionYml = {
      ...goodYml,
      inputs: {
        ref: { description: 'x', default: 'refs/heads/main' },
        'tag-prefix': { description: 'x' },
        strict: { description: 'x', default: false, required: true },
        token: { description: 'x', default: 'ghp_literal' },
        extra: { description: 'x' },
      },
    };
    expect(inputViolations(yml, goodIo)).toEqual([
      'read by io.ts but not declared in action.yml: services',
      'declared in action.yml but not in io.ts: extra',
      'input "ref": action.yml default "refs/heads/main" != io.ts default "${{ github.ref }}"',
      'input "tag-prefix": action.yml default (none) != io.ts default "v"',
      'input "strict": required is true in action.yml but false in io.ts',
      'input "strict": required inputs must not have a default',
      'input "token": action.yml default "ghp_literal" != io.ts default "${{ github.token }}"',
      'input "token": a secret input must not have a literal default',
    ]);
  });

  test('(b) missing descriptions and malformed io.ts exports are reported', () => {
    expect(descriptionViolations({ runs: { using: 'node24' }, inputs: { a: { description: ' ' }, b: null }, outputs: { c: {} } })).toEqual([
      'action.yml has no name',
      'action.yml has no description',
      'input "a" has no description',
      'input "b" has no description',
      'output "c" has no description',
    ]);
    expect(
      ioShapeViolations({
        inputs: { a: { kind: '' }, b: { kind: 'x', default: 1 as unknown as string } },
        outputs: 'x' as unknown as string[],
      }),
    ).toEqual([
      'inputs["a"].kind must be a non-empty string',
      'inputs["b"].default must be a string',
      '`outputs` must be an exported array of output names',
    ]);
  });

  test('(c) output drift and a listed json are reported', () => {
    const yml: ActionYml = { ...goodYml, outputs: { version: { description: 'v' }, stale: { description: 's' } } };
    expect(outputViolations(yml, { ...goodIo, outputs: ['version', 'json', 'tag', 'tag'] })).toEqual([
      'io.ts outputs must not list "json" (every action writes it implicitly)',
      'io.ts outputs lists duplicates: tag',
      'written by the action but not declared in action.yml: json, tag',
      'declared in action.yml but not in io.ts outputs: stale',
    ]);
  });

  test('(d) non-kebab-case names are reported', () => {
    expect(
      namingViolations({
        runs: { using: 'node24' },
        inputs: { tag_prefix: {}, tagPrefix: {}, 'dry run': {}, '-x': {}, 'ok-2': {} },
        outputs: { Version: {}, 'image-tags': {} },
      }),
    ).toEqual([
      'input "tag_prefix" is not kebab-case',
      'input "tagPrefix" is not kebab-case',
      'input "dry run" is not kebab-case',
      'input "-x" is not kebab-case',
      'output "Version" is not kebab-case',
    ]);
  });

  test('loadIo explains a missing io.ts', async () => {
    const root = fakeRoot();
    try {
      await expect(loadIo('fake', root)).rejects.toThrow('actions/fake/src/io.ts does not exist');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

function sorted(xs: string[]): string[] {
  return [...xs].sort();
}
