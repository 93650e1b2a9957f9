import { describe, expect, test } from '@jest/globals';
import { ActionError, InputError, errorMessage } from '../src/errors.js';

describe('ActionError', () => {
  test('describe() is the message alone when there is no why or check', () => {
    const error = new ActionError('Push failed');
    expect(error.describe()).toBe('Push failed');
    expect(error.check).toEqual([]);
    expect(error.name).toBe('ActionError');
    expect(error).toBeInstanceOf(Error);
  });

  test('describe() adds Why: and a single Check: on their own lines', () => {
    const error = new ActionError('Cannot log in to ECR', { why: 'the token expired', check: 'the role session duration' });
    expect(error.describe()).toBe('Cannot log in to ECR\nWhy: the token expired\nCheck: the role session duration');
  });

  test('several checks become a bulleted list', () => {
    const error = new ActionError('Migration failed', { check: ['the secret exists', 'the image can be pulled'] });
    expect(error.describe()).toBe('Migration failed\nCheck:\n  - the secret exists\n  - the image can be pulled');
  });

  test('the cause is kept only when given', () => {
    const cause = new Error('socket hang up');
    expect(new ActionError('x', { cause }).cause).toBe(cause);
    expect('cause' in new ActionError('x')).toBe(false);
  });
});

describe('InputError', () => {
  test('has the suite format and remembers the input', () => {
    const error = new InputError('timeout', 'not a duration', 'a duration such as `90s`', '5 minutes');
    expect(error.message).toBe('Input "timeout": not a duration; expected a duration such as `90s`. Got: 5 minutes');
    expect(error.input).toBe('timeout');
    expect(error.name).toBe('InputError');
    expect(error).toBeInstanceOf(ActionError);
    expect(error.describe()).toBe(error.message);
  });

  test('a secret value is never echoed', () => {
    const error = new InputError('token', 'has the wrong form', 'a GitHub token', 'ghp_supersecretvalue', { secret: true });
    expect(error.message).toBe('Input "token": has the wrong form; expected a GitHub token. Got: ***');
    expect(error.message).not.toContain('ghp_supersecretvalue');
    expect(error.describe()).not.toContain('ghp_supersecretvalue');
  });

  test('an empty value is shown as (empty), and no value means no Got:', () => {
    expect(new InputError('ref', 'is empty', 'a git ref', '').message).toBe('Input "ref": is empty; expected a git ref. Got: (empty)');
    expect(new InputError('ref', 'is empty', 'a git ref').message).toBe('Input "ref": is empty; expected a git ref.');
  });

  test('a long value is cut at 200 characters', () => {
    const message = new InputError('images', 'bad', 'a list', 'x'.repeat(500)).message;
    expect(message).toBe(`Input "images": bad; expected a list. Got: ${'x'.repeat(200)}…`);
  });

  test('a value of exactly 200 characters is shown whole', () => {
    expect(new InputError('images', 'bad', 'a list', 'y'.repeat(200)).message.endsWith(`Got: ${'y'.repeat(200)}`)).toBe(true);
  });

  test('checks are passed through to describe()', () => {
    const error = new InputError('region', 'is empty', 'an AWS region', '', { check: 'AWS_REGION' });
    expect(error.describe()).toBe('Input "region": is empty; expected an AWS region. Got: (empty)\nCheck: AWS_REGION');
  });
});

describe('errorMessage', () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;

  test.each<[string, unknown, string]>([
    ['an Error', new TypeError('x is not a function'), 'x is not a function'],
    ['an Error without message', new RangeError(), 'RangeError'],
    ['a string', 'plain text', 'plain text'],
    ['an object', { code: 'E1' }, '{"code":"E1"}'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
    ['a circular object', circular, '[object Object]'],
    ['a bigint', 10n, '10'],
  ])('%s', (_, value, expected) => {
    expect(errorMessage(value)).toBe(expected);
  });
});
