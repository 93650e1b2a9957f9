import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Core from '@actions/core';
import type { InputSpec } from '../src/inputs.js';

const getInput = jest.fn<typeof Core.getInput>();
const setSecret = jest.fn<typeof Core.setSecret>();
jest.unstable_mockModule('@actions/core', () => ({ getInput, setSecret, info: jest.fn(), debug: jest.fn() }));

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
    expect(() => spec.parse('Europe', 'region')).toThrow('Input "region": has the wrong form; expected an AWS region such as `eu-west-1`. Got: Europe');
  });

  test('a secret string that has the wrong form is not echoed', () => {
    const spec = input.string({ secret: true, pattern: /^ghp_/, expected: 'a GitHub token' });
    expect(() => spec.parse('hunter2-secret', 'token')).toThrow('Input "token": has the wrong form; expected a GitHub token. Got: ***');
  });

  test('an empty enum is rejected, listing the allowed values', () => {
    expect(() => input.enum(['push', 'promote']).parse('', 'mode')).toThrow('Input "mode": is empty; expected one of `push`, `promote`. Got: (empty)');
  });

  test('dry-run defaults to false', () => {
    expect(readInputs({ 'dry-run': dryRunInput }, from({}))).toEqual({ dryRun: false });
    expect(readInputs({ 'dry-run': dryRunInput }, from({ 'dry-run': 'true' }))).toEqual({ dryRun: true });
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

  test('applies the declared defaults to empty inputs and returns camelCase keys', () => {
    const values = readInputs(specs, from({ 'tag-prefix': '', strict: '  ' }));
    expect(values).toEqual({ tagPrefix: 'v', strict: true, timeout: 600_000, services: [], wait: 'started' });
    // The keys are typed in camelCase too.
    const prefix: string = values.tagPrefix;
    expect(prefix).toBe('v');
  });

  test('given values win over defaults and are trimmed', () => {
    expect(readInputs(specs, from({ 'tag-prefix': ' orders/v ', strict: 'false', timeout: '90s', services: 'api worker', wait: 'NONE' }))).toEqual({
      tagPrefix: 'orders/v',
      strict: false,
      timeout: 90_000,
      services: ['api', 'worker'],
      wait: 'none',
    });
  });

  test('a required input that is missing fails, naming the input and its form', () => {
    const required = { replicas: input.integer({ required: true }), region: input.string({ default: 'eu-west-1' }) };
    expect(() => readInputs(required, from({}))).toThrow('Input "replicas": is required but was not given; expected a whole number. Got: (empty)');
  });

  test.each<[string, Parameters<typeof readInputs>[0], string]>([
    ['enum', { wait: input.enum(['none', 'completed'], { required: true }) }, 'one of `none`, `completed`'],
    ['boolean', { wait: input.boolean({ required: true }) }, '`true` or `false`'],
    ['list', { wait: input.list({ required: true }) }, 'a list (one item per line, or separated by commas)'],
    ['map', { wait: input.map({ required: true }) }, 'one `key=value` per line, a JSON object or a YAML mapping'],
    ['structured', { wait: input.structured({ required: true }) }, 'JSON or YAML'],
    ['duration', { wait: input.duration({ required: true }) }, 'a duration such as `90s`, `5m` or `1h`'],
    ['string', { wait: input.string({ required: true }) }, 'a value'],
  ])('a missing required %s input says which form is expected', (_, required, expected) => {
    expect(() => readInputs(required, from({}))).toThrow(`Input "wait": is required but was not given; expected ${expected}. Got: (empty)`);
  });

  test('a required input with a default is satisfied by the default', () => {
    expect(readInputs({ region: input.string({ required: true, default: 'eu-west-1' }) }, from({}))).toEqual({ region: 'eu-west-1' });
  });

  test('a bad value fails with the suite error', () => {
    expect(() => readInputs(specs, from({ wait: 'forever' }))).toThrow(
      'Input "wait": not one of the allowed values; expected one of `none`, `started`, `completed`. Got: forever',
    );
  });

  test('secrets are registered before any input is parsed, so a later failure cannot leak them', () => {
    const secretSpecs = {
      token: input.string({ secret: true }),
      timeout: input.duration(),
    };
    const reads: string[] = [];
    const read = (name: string) => {
      reads.push(name);
      return { token: '  ghs_abcdefSECRET  ', timeout: 'later' }[name] ?? '';
    };
    let thrown: unknown;
    try {
      readInputs(secretSpecs, read);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).message).toBe(
      'Input "timeout": not a duration; expected a duration such as `90s`, `5m`, `1h30m` or a number of seconds. Got: later',
    );
    expect(setSecret).toHaveBeenCalledWith('ghs_abcdefSECRET');
    expect(reads).toEqual(['token', 'timeout']);
  });

  test('every line of a multi-line secret input is registered', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAinputs\n-----END RSA PRIVATE KEY-----';
    readInputs({ 'private-key': input.string({ secret: true }) }, from({ 'private-key': key }));
    expect(setSecret).toHaveBeenCalledWith(key);
    expect(setSecret).toHaveBeenCalledWith('MIIEpAIBAAKCAQEAinputs');
  });

  test('an empty secret registers nothing', () => {
    readInputs({ token: input.string({ secret: true }) }, from({}));
    expect(setSecret).not.toHaveBeenCalled();
  });

  test('a missing required secret does not echo anything', () => {
    expect(() => readInputs({ token: input.string({ secret: true, required: true }) }, from({}))).toThrow(
      'Input "token": is required but was not given; expected a value. Got: ***',
    );
  });

  test('a secret with the wrong form is registered and not echoed', () => {
    const secretSpecs = { token: input.string({ secret: true, pattern: /^ghp_/, expected: 'a GitHub token' }) };
    expect(() => readInputs(secretSpecs, from({ token: 'wrong-token-value' }))).toThrow(
      'Input "token": has the wrong form; expected a GitHub token. Got: ***',
    );
    expect(setSecret).toHaveBeenCalledWith('wrong-token-value');
  });

  test('reads through core.getInput by default, with trimming', () => {
    getInput.mockImplementation((name) => ({ 'tag-prefix': 'release-', services: 'api\nweb' })[name] ?? '');
    expect(readInputs(specs)).toEqual({ tagPrefix: 'release-', strict: true, timeout: 600_000, services: ['api', 'web'], wait: 'started' });
    expect(getInput).toHaveBeenCalledWith('tag-prefix', { trimWhitespace: true });
    expect(getInput).toHaveBeenCalledTimes(Object.keys(specs).length);
  });

  test('readRawInput passes the name to core.getInput', () => {
    getInput.mockReturnValue('value');
    expect(readRawInput('tag-prefix')).toBe('value');
    expect(getInput).toHaveBeenCalledWith('tag-prefix', { trimWhitespace: true });
  });
});
