import { describe, expect, test } from '@jest/globals';
import { buildDispatchInputs, checkInputCount, stringifyInputValue } from '../src/dispatch-inputs.js';

describe('buildDispatchInputs', () => {
  test("the guide's three inputs from the convenience inputs", () => {
    expect(buildDispatchInputs({ tag: 'v1.2.3', projects: ['ms_core', 'ms_payments'], updateRoutes: true }, {})).toEqual({
      values: { newVersion: 'v1.2.3', projectNames: 'ms_core ms_payments', updatesRoutes: 'true' },
      sources: { newVersion: 'tag', projectNames: 'projects', updatesRoutes: 'update-routes' },
    });
  });

  test('empty convenience inputs are left out; `inputs` adds more', () => {
    expect(buildDispatchInputs({ tag: '', projects: [], updateRoutes: undefined }, { dryRun: 'false' }).values).toEqual({
      dryRun: 'false',
    });
  });

  test('update-routes false is sent as "false"', () => {
    expect(buildDispatchInputs({ tag: '', projects: [], updateRoutes: false }, {}).values).toEqual({ updatesRoutes: 'false' });
  });

  test('the same key from both with the same value is fine', () => {
    expect(buildDispatchInputs({ tag: 'v1', projects: [] }, { newVersion: 'v1' }).values).toEqual({ newVersion: 'v1' });
  });

  test('the same key from both with different values is an error naming both', () => {
    expect(() => buildDispatchInputs({ tag: 'v1', projects: [] }, { newVersion: 'v2' })).toThrow(
      'Input "tag": sets the workflow input "newVersion" to "v1", but `inputs` sets it to "v2"',
    );
  });

  test('more than 25 inputs', () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`in${i}`, 'x']));
    expect(() => buildDispatchInputs({ tag: 'v1', projects: [] }, many)).toThrow(
      'Input "inputs": gives 26 workflow inputs, but the workflow_dispatch API accepts at most 25',
    );
    expect(() => buildDispatchInputs({ tag: '', projects: [] }, many)).not.toThrow();
  });

  test('a key that is no input name', () => {
    expect(() => buildDispatchInputs({ tag: '', projects: [] }, { 'a b': 'x' })).toThrow('"a b" is not a valid workflow input name');
  });
});

describe('stringifyInputValue', () => {
  test.each<[unknown, string]>([
    ['x', 'x'],
    [3, '3'],
    [true, 'true'],
    [null, ''],
  ])('%j', (value, expected) => {
    expect(stringifyInputValue(value, 'k', 'extra-dispatches')).toBe(expected);
  });
  test('nested values are refused', () => {
    expect(() => stringifyInputValue({ a: 1 }, 'k', 'extra-dispatches')).toThrow('Input "extra-dispatches": the value of "k" is a map');
    expect(() => stringifyInputValue([1], 'k', 'extra-dispatches')).toThrow('is a list');
  });
});

test('checkInputCount names the limit and its reason', () => {
  expect(() => checkInputCount({ a: '1', b: '2' }, 'inputs', 1, 'GitHub Enterprise Server 3.17 accepts')).toThrow(
    'gives 2 workflow inputs, but GitHub Enterprise Server 3.17 accepts at most 1',
  );
});
