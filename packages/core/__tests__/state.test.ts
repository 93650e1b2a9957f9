import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';

// A tiny stand-in for the runner's state store: saveState in main, getState in post.
const store = new Map<string, string>();
const saveState = jest.fn<typeof Runner.saveState>((name, value) => {
  store.set(name, String(value));
});
const getState = jest.fn<typeof Runner.getState>((name) => store.get(name) ?? '');
jest.unstable_mockModule('../src/runner.js', () => ({ saveState, getState }));

const { stateKey } = await import('../src/state.js');

beforeEach(() => {
  store.clear();
  saveState.mockClear();
  getState.mockClear();
});

describe('stateKey', () => {
  test.each<[string, unknown]>([
    ['an object', { jobName: 'orders-migrate-v1', namespace: 'prod', created: true }],
    ['a list', ['a', 'b']],
    ['a string', 'orders-migrate-v1'],
    ['a number', 0],
    ['false', false],
    ['null', null],
  ])('round-trips %s through saveState/getState as JSON', (_, value) => {
    const key = stateKey<unknown>('migrate-job');
    key.save(value);
    expect(saveState).toHaveBeenCalledWith('migrate-job', JSON.stringify(value));
    expect(stateKey<unknown>('migrate-job').load()).toEqual(value);
    expect(getState).toHaveBeenCalledWith('migrate-job');
  });

  test('keys do not see each other', () => {
    stateKey<string>('a').save('one');
    expect(stateKey<string>('b').load()).toBeUndefined();
    expect(stateKey<string>('a').name).toBe('a');
  });

  test('nothing saved loads as undefined', () => {
    expect(stateKey<{ id: string }>('never-saved').load()).toBeUndefined();
  });

  test('a value that is not JSON loads as undefined', () => {
    store.set('corrupt', '{not json');
    expect(stateKey<unknown>('corrupt').load()).toBeUndefined();
  });
});
