/**
 * Typed state between an action's main and post steps (actions/checkout's state-helper idea):
 * one key object per value, JSON-encoded, so main and post cannot disagree on names or shapes.
 */
import * as core from './runner.js';

export interface StateKey<T> {
  readonly name: string;
  save(value: T): void;
  load(): T | undefined;
}

export function stateKey<T>(name: string): StateKey<T> {
  return {
    name,
    save(value: T) {
      core.saveState(name, JSON.stringify(value));
    },
    load() {
      const raw = core.getState(name);
      if (raw === '') return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined;
      }
    },
  };
}
