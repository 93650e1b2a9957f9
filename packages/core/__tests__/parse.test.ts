import { describe, expect, test } from '@jest/globals';
import { InputError } from '../src/errors.js';
import {
  formatDuration,
  formatSeconds,
  formatElapsed,
  loadYamlParser,
  needsYamlParser,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseInteger,
  parseJsonOrText,
  parseList,
  splitList,
  parseMap,
  parseStructured,
} from '../src/parse.js';

// The YAML parser is loaded on demand (readInputs does it when an input needs it).
await loadYamlParser();

/** Runs `fn`, expects an InputError and returns it so a test can look at every field. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

describe('parseBoolean', () => {
  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
    ['  true\n', true],
  ])('%j → %j', (raw, expected) => {
    expect(parseBoolean('strict', raw)).toBe(expected);
  });

  test.each(['yes', 'no', '1', '0', 'on', 'off', 'tRuE', 'y', ''])('rejects %j', (raw) => {
    const error = inputError(() => parseBoolean('strict', raw));
    expect(error.input).toBe('strict');
    expect(error.message).toBe(`Input "strict": not a boolean; expected \`true\` or \`false\`. Got: ${raw === '' ? '(empty)' : raw}`);
  });
});

describe('parseInteger', () => {
  test.each([
    ['0', {}, 0],
    ['42', {}, 42],
    [' 7 ', {}, 7],
    ['-3', {}, -3],
    ['1', { min: 1, max: 10 }, 1],
    ['10', { min: 1, max: 10 }, 10],
    ['5', { min: 5 }, 5],
    ['5', { max: 5 }, 5],
  ])('%j with %j → %j', (raw, bounds, expected) => {
    expect(parseInteger('replicas', raw, bounds)).toBe(expected);
  });

  test.each([
    ['abc', {}, 'not a whole number; expected a whole number. Got: abc'],
    ['1.5', {}, 'not a whole number; expected a whole number. Got: 1.5'],
    ['1e3', {}, 'not a whole number; expected a whole number. Got: 1e3'],
    ['+1', {}, 'not a whole number; expected a whole number. Got: +1'],
    ['', {}, 'not a whole number; expected a whole number. Got: (empty)'],
    ['0x10', { min: 1, max: 10 }, 'not a whole number; expected a whole number from 1 to 10. Got: 0x10'],
    ['0', { min: 1, max: 10 }, 'out of range; expected a whole number from 1 to 10. Got: 0'],
    ['11', { min: 1, max: 10 }, 'out of range; expected a whole number from 1 to 10. Got: 11'],
    ['-1', { min: 0 }, 'out of range; expected a whole number of at least 0. Got: -1'],
    ['101', { max: 100 }, 'out of range; expected a whole number of at most 100. Got: 101'],
    ['99999999999999999999', {}, 'out of range; expected a whole number. Got: 99999999999999999999'],
  ])('rejects %j with %j', (raw, bounds, tail) => {
    expect(inputError(() => parseInteger('replicas', raw, bounds)).message).toBe(`Input "replicas": ${tail}`);
  });
});

describe('parseList', () => {
  test.each<[string, string, string[]]>([
    ['empty', '', []],
    ['blank lines only', '\n  \n', []],
    ['one per line', 'api\nworker\ncron', ['api', 'worker', 'cron']],
    ['CRLF lines', 'api\r\nworker\r\n', ['api', 'worker']],
    ['commas', 'api,worker, cron', ['api', 'worker', 'cron']],
    ['spaces', 'api worker  cron', ['api', 'worker', 'cron']],
    ['mixed separators and blanks', 'api, worker\n\n cron  jobs ,\n', ['api', 'worker', 'cron', 'jobs']],
    ['comment lines dropped', '# services\napi\n  # not this one\nworker', ['api', 'worker']],
    ['empty items dropped', 'a,,b, ,c', ['a', 'b', 'c']],
    ['JSON array', '["api", "worker"]', ['api', 'worker']],
    ['JSON array with numbers', '[1, "b"]', ['1', 'b']],
    ['JSON array, items trimmed, empties dropped', '[" api ", "", "worker"]', ['api', 'worker']],
    ['empty JSON array', '[]', []],
    ['multiline JSON array', '[\n  "api",\n  "worker"\n]', ['api', 'worker']],
  ])('%s', (_, raw, expected) => {
    expect(parseList('services', raw)).toEqual(expected);
  });

  test.each<[string, 'lines' | 'lines-and-commas' | 'any', string[]]>([
    ['a b\nc,d', 'lines', ['a b', 'c,d']],
    ['a b, c\nd', 'lines-and-commas', ['a b', 'c', 'd']],
    ['a b, c\nd', 'any', ['a', 'b', 'c', 'd']],
  ])('%j split by %s', (raw, separators, expected) => {
    expect(parseList('command', raw, separators)).toEqual(expected);
  });

  test('an invalid JSON array names the input and the accepted forms', () => {
    const error = inputError(() => parseList('services', '["api", '));
    expect(error.message).toMatch(
      /^Input "services": not a valid JSON array \(.+\); expected a JSON array of strings, or one item per line\. Got: \["api", $/,
    );
  });

  test.each(['[{"a": 1}]', '[["a"]]', '[null]', '[true]'])('rejects JSON array %s holding non-strings', (raw) => {
    expect(inputError(() => parseList('services', raw)).message).toBe(
      `Input "services": the JSON array holds something other than strings; expected a JSON array of strings, or one item per line. Got: ${raw}`,
    );
  });
});

describe('parseJsonOrText: the one reader of inputs that take JSON or text', () => {
  const form = {
    expected: 'names, or a JSON array',
    jsonStarts: '[{' as const,
    fromJson: (value: unknown) => {
      if (!Array.isArray(value)) throw new Error('is a JSON object, not an array');
      return value.map(String);
    },
    fromText: (text: string) => {
      if (text.includes('!')) throw new Error('has a "!"');
      return splitList(text);
    },
  };

  test.each([
    ['', []],
    ['  \n ', []],
    ['a b,c', ['a', 'b', 'c']],
    [' ["x", 1] ', ['x', '1']],
  ])('%j → %j', (raw, expected) => {
    expect(parseJsonOrText('names', raw, form)).toEqual(expected);
  });

  test.each([
    ['{"a": 1}', 'Input "names": is a JSON object, not an array; expected names, or a JSON array. Got: {"a": 1}'],
    ['a!', 'Input "names": has a "!"; expected names, or a JSON array. Got: a!'],
  ])('a plain Error from the form becomes the InputError for the input: %j', (raw, message) => {
    expect(inputError(() => parseJsonOrText('names', raw, form)).message).toBe(message);
  });

  test("JSON that does not parse: the default problem, or the form's own", () => {
    expect(inputError(() => parseJsonOrText('names', '[1,', form)).message).toMatch(
      /^Input "names": not valid JSON \(.+\); expected names, or a JSON array\. Got: \[1,$/,
    );
    expect(inputError(() => parseJsonOrText('names', '[1,', { ...form, badJson: (reason) => `is broken (${reason})` })).message).toMatch(
      /^Input "names": is broken \(/,
    );
  });

  test('badJson returning undefined reads the value as text after all', () => {
    expect(parseJsonOrText('names', '[::1]:5000/a', { ...form, badJson: () => undefined, fromText: (text) => [text] })).toEqual([
      '[::1]:5000/a',
    ]);
  });

  test('an InputError from the form is passed on as it is', () => {
    const own = new InputError('other', 'own problem', 'x', 'y');
    expect(() =>
      parseJsonOrText('names', 'a', {
        ...form,
        fromText: () => {
          throw own;
        },
      }),
    ).toThrow(own);
  });

  test('only the declared first characters make a value JSON', () => {
    expect(parseJsonOrText('names', '{a}', { ...form, jsonStarts: '[' })).toEqual(['{a}']);
  });
});

describe('splitList', () => {
  test.each([
    ['lines', 'a b\n# comment\n c,d ', ['a b', 'c,d']],
    ['lines-and-commas', 'a b, c\n\nd', ['a b', 'c', 'd']],
    ['any', 'a b, c\r\nd', ['a', 'b', 'c', 'd']],
  ] as const)('%s', (separators, text, expected) => {
    expect(splitList(text, separators)).toEqual(expected);
  });
});

describe('parseMap', () => {
  test.each<[string, string, Record<string, string>]>([
    ['empty', '', {}],
    [
      'key=value lines',
      'alpha=development\nrc=staging\nrelease=production',
      { alpha: 'development', rc: 'staging', release: 'production' },
    ],
    ['spaces around = and blank lines', '  a = 1 \n\n b=  2', { a: '1', b: '2' }],
    ['comment lines', '# channel=environment\nrc=staging', { rc: 'staging' }],
    ['value containing =', 'DATABASE_URL=postgres://h/db?sslmode=require', { DATABASE_URL: 'postgres://h/db?sslmode=require' }],
    ['empty value', 'a=', { a: '' }],
    ['double-quoted value', 'a="x y"', { a: 'x y' }],
    ['single-quoted value', "a='x=y'", { a: 'x=y' }],
    ['a lone quote is kept', 'a="', { a: '"' }],
    ['value with a colon', 'msg=hello: world', { msg: 'hello: world' }],
    ['dotted keys', 'org.opencontainers.image.title=api', { 'org.opencontainers.image.title': 'api' }],
    ['JSON object', '{"alpha": "development", "replicas": 3, "on": true}', { alpha: 'development', replicas: '3', on: 'true' }],
    ['JSON null value', '{"a": null}', { a: '' }],
    ['flow YAML', '{a: 1, b: two}', { a: '1', b: 'two' }],
    ['YAML mapping', 'alpha: development\nrc: staging', { alpha: 'development', rc: 'staging' }],
    ['YAML with comment and empty value', '# envs\na: 1\nb:', { a: '1', b: '' }],
    ['YAML quoted value', 'a: "x: y"', { a: 'x: y' }],
    ['YAML value containing =', 'DATABASE_URL: postgres://h/db?sslmode=require', { DATABASE_URL: 'postgres://h/db?sslmode=require' }],
    ['YAML values containing =', 'A: x=1\nB: "y=2"', { A: 'x=1', B: 'y=2' }],
    ['YAML, some values containing =', 'A: 1\nB: x=y', { A: '1', B: 'x=y' }],
  ])('%s', (_, raw, expected) => {
    expect(parseMap('env', raw)).toEqual(expected);
  });

  test('a key given twice as key=value is rejected, naming the key and the line', () => {
    expect(inputError(() => parseMap('env', 'a=1\nb=2\n a = 3')).message).toBe(
      'Input "env": key "a" is given twice; expected one `key=value` per line, a JSON object or a YAML mapping, each key once. Got: a = 3',
    );
  });

  test('a key given twice in YAML is rejected', () => {
    expect(inputError(() => parseMap('env', 'a: 1\na: 2')).message).toMatch(
      /^Input "env": not valid JSON or YAML \(Map keys must be unique[^)]*\); expected one `key=value` per line, a JSON object or a YAML mapping\. Got: a: 1\na: 2$/,
    );
  });

  test.each([
    ['a=1\nb: 2\nc=3', 'b: 2'],
    // Valid YAML (one multi-line string), but clearly meant as key=value.
    ['a=1\nb 2', 'b 2'],
    ['# envs\na=1\n  just words  ', 'just words'],
  ])('mixed lines in %j name the first line that is not key=value', (raw, line) => {
    expect(inputError(() => parseMap('env', raw)).message).toBe(
      `Input "env": line "${line}" is not key=value; expected one \`key=value\` per line, a JSON object or a YAML mapping. Got: ${line}`,
    );
  });

  test.each([
    ['{"a": {"b": 1}}', 'map'],
    ['a:\n  b: 1', 'map'],
    ['{"a": [1, 2]}', 'list'],
    ['a: [1, 2]', 'list'],
  ])('rejects the nested value in %j', (raw, kind) => {
    expect(inputError(() => parseMap('env', raw)).message).toBe(
      `Input "env": the value of "a" is a ${kind}, not a single value; expected one \`key=value\` per line, a JSON object or a YAML mapping with single values. Got: ${raw}`,
    );
  });

  test.each(['["a", "b"]', 'just-a-word', '42'])('rejects %j, which is not a map', (raw) => {
    expect(inputError(() => parseMap('env', raw)).message).toBe(
      `Input "env": not a map; expected one \`key=value\` per line, a JSON object or a YAML mapping. Got: ${raw}`,
    );
  });

  test('rejects text that is neither key=value nor JSON nor YAML', () => {
    expect(inputError(() => parseMap('env', '{"a": 1')).message).toMatch(
      /^Input "env": not valid JSON or YAML \(.+\); expected one `key=value` per line/,
    );
  });
});

describe('needsYamlParser', () => {
  test.each([
    ['', false],
    ['  ', false],
    ['a=1\nb=2', false],
    ['# comment\na=1', false],
    ['{"a": 1}', false],
    ['["a"]', false],
    ['{a: 1}', true],
    ['a: 1', true],
    ['a: x=y', true],
    ['a=1\nb: 2', true],
    ['plain', true],
  ])('%j → %s', (raw, expected) => {
    expect(needsYamlParser(raw)).toBe(expected);
  });
});

describe('parseStructured', () => {
  test.each<[string, unknown]>([
    ['', undefined],
    ['{"a": [1, {"b": null}]}', { a: [1, { b: null }] }],
    ['[1, "two"]', [1, 'two']],
    ['{a: 1}', { a: 1 }],
    ['a:\n  - 1\n  - 2', { a: [1, 2] }],
    ['hello', 'hello'],
  ])('%j', (raw, expected) => {
    expect(parseStructured('inputs', raw)).toEqual(expected);
  });

  test('an invalid document names the input, the YAML reason and the expected form', () => {
    expect(inputError(() => parseStructured('inputs', 'a: [1, 2', 'a JSON object')).message).toMatch(
      /^Input "inputs": not valid JSON or YAML \([^\n]+\); expected a JSON object\. Got: a: \[1, 2$/,
    );
  });
});

describe('parseDuration', () => {
  test.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h30m15s', 5_415_000],
    ['500ms', 500],
    ['1m500ms', 60_500],
    ['1d', 86_400_000],
    ['10', 10_000],
    ['0', 0],
    ['1.5', 1500],
    ['1.5m', 90_000],
    [' 5M ', 300_000],
    ['2H', 7_200_000],
  ])('%j → %d ms', (raw, ms) => {
    expect(parseDuration('timeout', raw)).toBe(ms);
  });

  test.each(['', 'soon', '5 m', '-5s', '5x', 'm5', '1h30', '1.s', 'h', '5mins', '1,5s'])('rejects %j', (raw) => {
    expect(inputError(() => parseDuration('timeout', raw)).message).toBe(
      `Input "timeout": not a duration; expected a duration such as \`90s\`, \`5m\`, \`1h30m\` or a number of seconds. Got: ${raw === '' ? '(empty)' : raw}`,
    );
  });

  test.each([
    ['500ms', { minMs: 1000 }, 'a duration of at least 1s'],
    ['2h', { maxMs: 3_600_000 }, 'a duration of at most 1h'],
    ['10s', { minMs: 30_000, maxMs: 5_400_000 }, 'a duration of at least 30s and at most 1h30m'],
  ])('rejects %j out of %j', (raw, bounds, expected) => {
    expect(inputError(() => parseDuration('timeout', raw, bounds)).message).toBe(
      `Input "timeout": out of range; expected ${expected}. Got: ${raw}`,
    );
  });

  test('accepts values on the bounds', () => {
    expect(parseDuration('timeout', '1s', { minMs: 1000, maxMs: 1000 })).toBe(1000);
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0ms'],
    [250, '250ms'],
    [1000, '1s'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [5_415_000, '1h30m15s'],
    [120_000, '2m'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatSeconds', () => {
  test.each([
    [0, '0.0 s'],
    [240, '0.2 s'],
    [1234, '1.2 s'],
    [30_000, '30.0 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});

describe('formatElapsed', () => {
  test.each([
    [0, '0 ms'],
    [249.6, '250 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [1234, '1.2 s'],
    [9949, '9.9 s'],
    [10_000, '10 s'],
    [15_000, '15 s'],
    [125_400, '125 s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('parseEnum', () => {
  const modes = ['push', 'promote', 'docker'] as const;

  test.each([
    ['push', 'push'],
    ['PROMOTE', 'promote'],
    [' Docker ', 'docker'],
  ])('%j → %j (case-insensitive, trimmed)', (raw, expected) => {
    expect(parseEnum('mode', raw, modes)).toBe(expected);
  });

  test('an exact match wins over a case-insensitive one', () => {
    expect(parseEnum('wait', 'None', ['none', 'None'])).toBe('None');
  });

  test.each(['pull', '', 'push promote'])('rejects %j, listing the allowed values', (raw) => {
    expect(inputError(() => parseEnum('mode', raw, modes)).message).toBe(
      `Input "mode": not one of the allowed values; expected one of \`push\`, \`promote\`, \`docker\`. Got: ${raw === '' ? '(empty)' : raw}`,
    );
  });
});
