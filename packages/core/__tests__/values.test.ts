import { describe, expect, test } from '@jest/globals';
import { causes, httpStatus, valueAt } from '../src/values.js';

describe('valueAt', () => {
  const payload = { pull_request: { number: 7, base: { ref: 'main' } }, list: [{ id: 'a' }], nothing: null };
  test.each([
    [['pull_request', 'number'], 7],
    [['pull_request', 'base', 'ref'], 'main'],
    [['list', '0', 'id'], 'a'],
    [['pull_request', 'number', 'deeper'], undefined],
    [['nothing', 'x'], undefined],
    [['missing', 'x'], undefined],
    [[], payload],
  ])('%j', (path, expected) => {
    expect(valueAt(payload, ...path)).toEqual(expected);
  });
});

describe('causes', () => {
  test('an error and its causes, outermost first', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: socket });
    const wrapped = new Error('request failed', { cause: fetchFailed });
    expect(causes(wrapped)).toEqual([wrapped, fetchFailed, socket]);
  });

  test('an AggregateError without a cause continues with its first error (every address refused)', () => {
    const v6 = Object.assign(new Error('connect ECONNREFUSED ::1:1'), { code: 'ECONNREFUSED' });
    const v4 = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const all = new AggregateError([v6, v4], '');
    expect(causes(new TypeError('fetch failed', { cause: all }))).toEqual([expect.any(TypeError), all, v6]);
  });

  test('at most five deep, even for a cycle', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(causes(a)).toHaveLength(5);
  });

  test('a thrown value that is not an object, and nothing', () => {
    expect(causes('boom')).toEqual(['boom']);
    expect(causes(undefined)).toEqual([]);
    expect(causes(null)).toEqual([]);
  });
});

describe('httpStatus', () => {
  test.each<[string, unknown, number | undefined]>([
    ["Octokit's RequestError", Object.assign(new Error('Not Found'), { status: 404 }), 404],
    ['a plain answer-like object', { status: 304 }, 304],
    ['a status that is not a number', { status: '404' }, undefined],
    ['no status', new Error('socket hang up'), undefined],
    ['null', null, undefined],
    ['a string', 'boom', undefined],
  ])('%s', (_, error, expected) => {
    expect(httpStatus(error)).toBe(expected);
  });
});
