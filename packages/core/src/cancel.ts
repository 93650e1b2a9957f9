/**
 * A cancelled workflow run, as an AbortSignal. The runner cancels a step with SIGINT, then SIGTERM
 * 7.5 s later, then kills it 2.5 s after that; an action that waits (a remote run, a migration) stops
 * waiting on the first signal and says what happens to the work it started.
 */
import * as core from './runner.js';

export interface Cancellation {
  /** Aborted on the first SIGINT or SIGTERM; its reason is the signal's name. */
  readonly signal: AbortSignal;
  /** Stops listening: the waiting is over, and a later signal gets Node's default handling again. */
  dispose(): void;
}

type SignalSource = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/**
 * Listens for the runner's SIGINT and SIGTERM. The first logs `Received <signal>: <whatHappens>` and
 * aborts the signal; a later one logs `Received <signal> again: still finishing the cancellation`
 * (the runner sends both, and the action is then busy cleaning up).
 */
export function onCancel(whatHappens: string, options: { log?: (line: string) => void; source?: SignalSource } = {}): Cancellation {
  const log = options.log ?? ((line: string) => core.info(line));
  const source = options.source ?? process;
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`Received ${name} again: still finishing the cancellation`);
      return;
    }
    log(`Received ${name}: ${whatHappens}`);
    controller.abort(name);
  };
  source.on('SIGINT', onSignal);
  source.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      source.off('SIGINT', onSignal);
      source.off('SIGTERM', onSignal);
    },
  };
}
