import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';

const setOutput = jest.fn<typeof Runner.setOutput>();
const setOutputs = jest.fn<typeof Runner.setOutputs>();
const appendSummary = jest.fn<typeof Runner.appendSummary>();
jest.unstable_mockModule('../src/runner.js', () => ({ setOutput, setOutputs, appendSummary }));

const { escapeMarkdownCell, formatOutput, markdownTable, renderSummary, writeOutputs, writeSummary } = await import('../src/outputs.js');
type OutputValue = import('../src/outputs.js').OutputValue;

beforeEach(() => {
  setOutput.mockReset();
  setOutputs.mockReset();
  appendSummary.mockReset();
});

describe('formatOutput', () => {
  test.each<[string, OutputValue, string]>([
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['a string', 'v1.2.3', 'v1.2.3'],
    ['an empty string', '', ''],
    ['a number', 3, '3'],
    ['zero', 0, '0'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['a list of strings', ['a:1', 'a:sha-abc'], 'a:1\na:sha-abc'],
    ['an empty list', [], ''],
    ['a list of numbers', [1, 2], '[1,2]'],
    ['a list of objects', [{ service: 'api' }], '[{"service":"api"}]'],
    ['an object', { 'v1.2.3': 'sha256:abc' }, '{"v1.2.3":"sha256:abc"}'],
  ])('%s', (_, value, expected) => {
    expect(formatOutput(value)).toBe(expected);
  });
});

describe('writeOutputs', () => {
  test('writes each declared output in order, then json with native types', () => {
    const written: [string, string][] = [];
    writeOutputs(
      ['version', 'major', 'is-prerelease', 'tags', 'prerelease'],
      { version: '1.2.3-rc.1', major: 1, 'is-prerelease': true, tags: ['a', 'b'], prerelease: undefined },
      { write: (name, value) => written.push([name, value]) },
    );
    expect(written).toEqual([
      ['version', '1.2.3-rc.1'],
      ['major', '1'],
      ['is-prerelease', 'true'],
      ['tags', 'a\nb'],
      ['prerelease', ''],
      ['json', '{"version":"1.2.3-rc.1","major":1,"is-prerelease":true,"tags":["a","b"],"prerelease":null}'],
    ]);
    expect(setOutput).not.toHaveBeenCalled();
  });

  test('a json value given explicitly replaces the default one', () => {
    const written = new Map<string, string>();
    writeOutputs(['tag'], { tag: 'v1' }, { json: { tag: 'v1', extra: [1] }, write: (name, value) => written.set(name, value) });
    expect(JSON.parse(written.get('json')!)).toEqual({ tag: 'v1', extra: [1] });
  });

  test('rejects outputs that are not declared, before writing anything', () => {
    const writer = jest.fn();
    const values = { tag: 'v1', secret: 'x', other: 1 } as unknown as { tag: string };
    expect(() => writeOutputs(['tag'], values, { write: writer })).toThrow('Outputs not declared: secret, other');
    expect(writer).not.toHaveBeenCalled();
  });

  test('writes every output and json through one core.setOutputs by default (one append)', () => {
    writeOutputs(['pin', 'tags'], { pin: 'sha-abc1234', tags: ['a', 'b'] });
    expect(setOutput).not.toHaveBeenCalled();
    expect(setOutputs.mock.calls).toEqual([
      [
        [
          ['pin', 'sha-abc1234'],
          ['tags', 'a\nb'],
          ['json', '{"pin":"sha-abc1234","tags":["a","b"]}'],
        ],
      ],
    ]);
  });
});

describe('markdown', () => {
  test.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['line 1\nline 2', 'line 1<br>line 2'],
    ['crlf\r\nline', 'crlf<br>line'],
    ['back\\slash', 'back\\\\slash'],
    ['\\|', '\\\\\\|'],
  ])('escapeMarkdownCell(%j) → %j', (value, expected) => {
    expect(escapeMarkdownCell(value)).toBe(expected);
  });

  test('markdownTable has a header, a separator and escaped rows', () => {
    expect(
      markdownTable(
        ['Output', 'Value'],
        [
          ['tags', 'a:1\na:2'],
          ['regex', 'a|b'],
        ],
      ),
    ).toBe(['| Output | Value |', '| --- | --- |', '| tags | a:1<br>a:2 |', '| regex | a\\|b |'].join('\n'));
  });

  test('renderSummary puts the title, the table and non-empty sections apart', () => {
    expect(
      renderSummary({
        title: 'Pushed',
        table: { header: ['Tag', 'Digest'], rows: [['v1', 'sha256:1']] },
        sections: ['Done.', '  ', 'Bye.'],
      }),
    ).toBe('### Pushed\n\n| Tag | Digest |\n| --- | --- |\n| v1 | sha256:1 |\n\nDone.\n\nBye.\n');
  });

  test('renderSummary leaves out a table without rows', () => {
    expect(renderSummary({ title: 'Nothing to do', table: { header: ['A'], rows: [] } })).toBe('### Nothing to do\n');
  });
});

describe('writeSummary', () => {
  test('appends the rendered summary through the runner', () => {
    writeSummary({ title: 'Deployed', table: { header: ['Service', 'Tag'], rows: [['api', 'v1']] }, sections: ['ok'] });
    expect(appendSummary.mock.calls).toEqual([['### Deployed\n\n| Service | Tag |\n| --- | --- |\n| api | v1 |\n\nok\n']]);
  });
});
