import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';
import type { InputSpec } from '../src/inputs.js';

const getInput = jest.fn<typeof Runner.getInput>();
const setSecret = jest.fn<typeof Runner.setSecret>();
jest.unstable_mockModule('../src/runner.js', () => ({ getInput, setSecret, info: jest.fn(), debug: jest.fn() }));

const { camelCase, dryRunInput, input, readInputs, readRawInput } = await import('../src/inputs.js');
const { InputError } = await import('../src/errors.js');

beforeEach(() => {
  getInput.mockReset();
  setSecret.mockReset();
});

/** A raw reader over a plain object, as a test or the composite action would pass. */
const from =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? '';

describe("input.tag: a release tag, by default this run's", () => {
  const onTag = { GITHUB_REF: 'refs/tags/v1.2.3-rc.1' };
  const onBranch = { GITHUB_REF: 'refs/heads/main' };

  test.each([
    ['given', 'v2.0.0', onTag, 'v2.0.0'],
    ['empty on a tag push: the pushed tag', '', onTag, 'v1.2.3-rc.1'],
    ['empty on a branch: no tag', '', onBranch, ''],
    ['given on a branch', 'orders/v1.0.0', onBranch, 'orders/v1.0.0'],
  ])('%s', (_, raw, env, expected) => {
    expect(input.tag({ env }).parse(raw, 'tag')).toBe(expected);
  });

  test('required: empty and no tag push is an error naming GITHUB_REF', () => {
    expect(() => input.tag({ required: true, env: onBranch }).parse('', 'tag')).toThrow(
      'Input "tag": is empty and this run was not started by a tag (GITHUB_REF is refs/heads/main); expected a release tag such as `v1.2.3-rc.1`',
    );
    expect(() => input.tag({ required: true, env: {} }).parse('', 'tag')).toThrow('(GITHUB_REF is empty)');
    expect(input.tag({ required: true, env: onTag }).parse('', 'tag')).toBe('v1.2.3-rc.1');
  });

  test.each(['v1 2', 'v1..2', '-v1', 'v1:2', 'v1~1', 'v1\\x'])('%j is not a tag name', (raw) => {
    expect(() => input.tag({ env: onBranch }).parse(raw, 'tag')).toThrow('Input "tag": is not a git tag name');
  });

  test('through readInputs: empty is not "required but not given" when the run has a tag', async () => {
    const saved = process.env.GITHUB_REF;
    process.env.GITHUB_REF = 'refs/tags/v3.0.0';
    try {
      expect(await readInputs({ tag: input.tag({ required: true }) }, from({}))).toEqual({ tag: 'v3.0.0' });
    } finally {
      if (saved === undefined) delete process.env.GITHUB_REF;
      else process.env.GITHUB_REF = saved;
    }
  });
});

describe('input kinds', () => {
  test.each<[string, InputSpec<unknown>, string, unknown]>([
    ['string', input.string(), 'abc', 'abc'],
    ['boolean', input.boolean(), 'TRUE', true],
    ['boolean, empty', input.boolean(), '', false],
    ['integer', input.integer({ min: 1 }), '3', 3],
    ['integer, empty', input.integer(), '', undefined],
    ['list', input.list(), 'a, b', ['a', 'b']],
    ['list, lines only', input.list({ separators: 'lines' }), 'a b\nc', ['a b', 'c']],
    ['map', input.map(), 'a=1', { a: '1' }],
    ['structured', input.structured(), '{"a": [1]}', { a: [1] }],
    ['duration', input.duration(), '5m', 300_000],
    ['duration, empty', input.duration(), '', undefined],
    ['enum', input.enum(['none', 'started', 'completed']), 'Started', 'started'],
  ])('%s', (_, spec, raw, expected) => {
    expect(spec.parse(raw, 'x')).toEqual(expected);
  });

  test('a string pattern rejects a value of the wrong form with the expected text', () => {
    const spec = input.string({ pattern: /^[a-z]{2}-[a-z]+-\d$/, expected: 'an AWS region such as `eu-west-1`' });
    expect(spec.parse('eu-west-1', 'region')).toBe('eu-west-1');
    expect(spec.parse('', 'region')).toBe('');
    expect(() => spec.parse('Europe', 'region')).toThrow(
      new InputError('region', 'has the wrong form', 'an AWS region such as `eu-west-1`', 'Europe'),
    );
    expect(() => spec.parse('Europe', 'region')).toThrow(
      'Input "region": has the wrong form; expected an AWS region such as `eu-west-1`. Got: Europe',
    );
  });

  test('a secret string that has the wrong form is not echoed', () => {
    const spec = input.string({ secret: true, pattern: /^ghp_/, expected: 'a GitHub token' });
    expect(() => spec.parse('hunter2-secret', 'token')).toThrow('Input "token": has the wrong form; expected a GitHub token. Got: ***');
  });

  test('an empty enum is rejected, listing the allowed values', () => {
    expect(() => input.enum(['push', 'promote']).parse('', 'mode')).toThrow(
      'Input "mode": is empty; expected one of `push`, `promote`. Got: (empty)',
    );
  });

  test('dry-run defaults to false', async () => {
    expect(await readInputs({ 'dry-run': dryRunInput }, from({}))).toEqual({ dryRun: false });
    expect(await readInputs({ 'dry-run': dryRunInput }, from({ 'dry-run': 'true' }))).toEqual({ dryRun: true });
  });
});

describe('camelCase', () => {
  test.each([
    ['dry-run', 'dryRun'],
    ['tag-prefix', 'tagPrefix'],
    ['s3-bucket', 's3Bucket'],
    ['env-from-secret', 'envFromSecret'],
    ['region', 'region'],
  ])('%s → %s', (name, expected) => {
    expect(camelCase(name)).toBe(expected);
  });
});

describe('readInputs', () => {
  const specs = {
    'tag-prefix': input.string({ default: 'v' }),
    strict: input.boolean({ default: 'true' }),
    timeout: input.duration({ default: '10m' }),
    services: input.list(),
    wait: input.enum(['none', 'started', 'completed'], { default: 'started' }),
  };

  test('applies the declared defaults to empty inputs and returns camelCase keys', async () => {
    const values = await readInputs(specs, from({ 'tag-prefix': '', strict: '  ' }));
    expect(values).toEqual({ tagPrefix: 'v', strict: true, timeout: 600_000, services: [], wait: 'started' });
    // The keys are typed in camelCase too.
    const prefix: string = values.tagPrefix;
    expect(prefix).toBe('v');
  });

  test('given values win over defaults and are trimmed', async () => {
    expect(
      await readInputs(specs, from({ 'tag-prefix': ' orders/v ', strict: 'false', timeout: '90s', services: 'api worker', wait: 'NONE' })),
    ).toEqual({
      tagPrefix: 'orders/v',
      strict: false,
      timeout: 90_000,
      services: ['api', 'worker'],
      wait: 'none',
    });
  });

  test('map and structured inputs in YAML are parsed (the YAML parser is loaded when needed)', async () => {
    const yamlSpecs = { env: input.map(), inputs: input.structured(), labels: input.map() };
    expect(
      await readInputs(
        yamlSpecs,
        from({ env: 'DATABASE_URL: postgres://h/db?sslmode=require\nLOG_LEVEL: debug', inputs: 'a:\n  - 1', labels: 'team=orders' }),
      ),
    ).toEqual({
      env: { DATABASE_URL: 'postgres://h/db?sslmode=require', LOG_LEVEL: 'debug' },
      inputs: { a: [1] },
      labels: { team: 'orders' },
    });
  });

  test('a YAML default is parsed too', async () => {
    expect(await readInputs({ environments: input.map({ default: 'alpha: development\nrc: staging' }) }, from({}))).toEqual({
      environments: { alpha: 'development', rc: 'staging' },
    });
  });

  test('a required input that is missing fails, naming the input and its form', async () => {
    const required = { replicas: input.integer({ required: true }), region: input.string({ default: 'eu-west-1' }) };
    await expect(readInputs(required, from({}))).rejects.toThrow(
      new InputError('replicas', 'is required but was not given', 'a whole number', ''),
    );
    await expect(readInputs(required, from({}))).rejects.toThrow(
      'Input "replicas": is required but was not given; expected a whole number. Got: (empty)',
    );
  });

  test.each<[string, InputSpec<unknown>, string]>([
    ['enum', input.enum(['none', 'completed'], { required: true }), 'one of `none`, `completed`'],
    ['boolean', input.boolean({ required: true }), '`true` or `false`'],
    ['integer', input.integer({ required: true }), 'a whole number'],
    ['list', input.list({ required: true }), 'a list (one item per line, or separated by commas)'],
    ['map', input.map({ required: true }), 'one `key=value` per line, a JSON object or a YAML mapping'],
    ['structured', input.structured({ required: true }), 'JSON or YAML'],
    ['duration', input.duration({ required: true }), 'a duration such as `90s`, `5m` or `1h`'],
    ['string', input.string({ required: true }), 'a value'],
  ])('a missing required %s input says which form is expected', async (_, spec, expected) => {
    await expect(readInputs({ wait: spec }, from({ wait: '   ' }))).rejects.toThrow(
      `Input "wait": is required but was not given; expected ${expected}. Got: (empty)`,
    );
  });

  test('a required input with a default is satisfied by the default', async () => {
    expect(await readInputs({ region: input.string({ required: true, default: 'eu-west-1' }) }, from({}))).toEqual({ region: 'eu-west-1' });
  });

  test('a bad value fails with the suite error', async () => {
    await expect(readInputs(specs, from({ wait: 'forever' }))).rejects.toThrow(
      'Input "wait": not one of the allowed values; expected one of `none`, `started`, `completed`. Got: forever',
    );
  });

  test('secrets are registered before any input is parsed, so a later failure cannot leak them', async () => {
    const secretSpecs = {
      token: input.string({ secret: true }),
      timeout: input.duration(),
    };
    const events: string[] = [];
    setSecret.mockImplementation((value) => {
      events.push(`setSecret ${value}`);
    });
    const read = (name: string) => {
      events.push(`read ${name}`);
      return { token: '  ghs_abcdefSECRET  ', timeout: 'later' }[name] ?? '';
    };
    await expect(readInputs(secretSpecs, read)).rejects.toThrow(
      'Input "timeout": not a duration; expected a duration such as `90s`, `5m`, `1h30m` or a number of seconds. Got: later',
    );
    expect(events).toEqual(['read token', 'setSecret ghs_abcdefSECRET', 'read timeout']);
  });

  test('a secret declared after the failing input is registered too', async () => {
    const secretSpecs = { replicas: input.integer(), 'private-key': input.string({ secret: true }) };
    await expect(readInputs(secretSpecs, from({ replicas: 'many', 'private-key': 'pk-line-1\npk-line-2' }))).rejects.toThrow('Got: many');
    expect(setSecret).toHaveBeenCalledWith('pk-line-1\npk-line-2');
  });

  test('an empty secret registers nothing', async () => {
    await readInputs({ token: input.string({ secret: true }) }, from({}));
    expect(setSecret).not.toHaveBeenCalled();
  });

  test('a missing required secret does not echo anything', async () => {
    await expect(readInputs({ token: input.string({ secret: true, required: true }) }, from({}))).rejects.toThrow(
      'Input "token": is required but was not given; expected a value. Got: ***',
    );
  });

  test('a secret with the wrong form is registered and not echoed', async () => {
    const secretSpecs = { token: input.string({ secret: true, pattern: /^ghp_/, expected: 'a GitHub token' }) };
    const failure = readInputs(secretSpecs, from({ token: 'wrong-token-value' }));
    await expect(failure).rejects.toThrow('Input "token": has the wrong form; expected a GitHub token. Got: ***');
    await expect(failure).rejects.not.toThrow('wrong-token-value');
    expect(setSecret).toHaveBeenCalledWith('wrong-token-value');
  });

  test('reads through the runner by default, with trimming', async () => {
    getInput.mockImplementation((name) => ({ 'tag-prefix': 'release-', services: 'api\nweb' })[name] ?? '');
    expect(await readInputs(specs)).toEqual({
      tagPrefix: 'release-',
      strict: true,
      timeout: 600_000,
      services: ['api', 'web'],
      wait: 'started',
    });
    expect(getInput).toHaveBeenCalledWith('tag-prefix', { trimWhitespace: true });
    expect(getInput).toHaveBeenCalledTimes(Object.keys(specs).length);
  });

  test('readRawInput asks the runner for the input by name, trimmed', () => {
    getInput.mockImplementation((name, options) => (name === 'tag-prefix' && options?.trimWhitespace === true ? 'v' : 'wrong'));
    expect(readRawInput('tag-prefix')).toBe('v');
  });
});
