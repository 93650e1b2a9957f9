import { describe, expect, test } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { onCancel } from '../src/cancel.js';

describe('onCancel', () => {
  test('the first signal aborts with its name as the reason and says what happens; a later one says the cancellation goes on', () => {
    const source = new EventEmitter();
    const lines: string[] = [];
    const cancel = onCancel('stopping and cancelling the remote run(s)', { source, log: (line) => lines.push(line) });
    expect(cancel.signal.aborted).toBe(false);
    source.emit('SIGINT', 'SIGINT');
    expect(cancel.signal.aborted).toBe(true);
    expect(cancel.signal.reason).toBe('SIGINT');
    source.emit('SIGTERM', 'SIGTERM');
    expect(cancel.signal.reason).toBe('SIGINT');
    expect(lines).toEqual([
      'Received SIGINT: stopping and cancelling the remote run(s)',
      'Received SIGTERM again: still finishing the cancellation',
    ]);
  });

  test('SIGTERM alone cancels too', () => {
    const source = new EventEmitter();
    const cancel = onCancel('the workflow run is being cancelled', { source, log: () => undefined });
    source.emit('SIGTERM', 'SIGTERM');
    expect(cancel.signal.reason).toBe('SIGTERM');
  });

  test('dispose stops listening', () => {
    const source = new EventEmitter();
    const cancel = onCancel('x', { source, log: () => undefined });
    expect(source.listenerCount('SIGINT')).toBe(1);
    expect(source.listenerCount('SIGTERM')).toBe(1);
    cancel.dispose();
    expect(source.listenerCount('SIGINT')).toBe(0);
    expect(source.listenerCount('SIGTERM')).toBe(0);
    source.emit('SIGINT', 'SIGINT');
    expect(cancel.signal.aborted).toBe(false);
  });

  test('by default it listens on the process', () => {
    const before = process.listenerCount('SIGTERM');
    const cancel = onCancel('x', { log: () => undefined });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    cancel.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
