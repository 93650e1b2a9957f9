/**
 * The dry-run switch: every side effect goes through `Changes.apply`, which either runs it or
 * records and prints what would have happened. The record feeds the step summary either way.
 */
import * as core from './runner.js';

export interface Change {
  description: string;
  applied: boolean;
}

export class Changes {
  readonly list: Change[] = [];

  constructor(
    readonly dryRun: boolean,
    private readonly log: (message: string) => void = (message) => core.info(message),
  ) {}

  async apply<T>(description: string, effect: () => Promise<T>): Promise<T | undefined> {
    if (this.dryRun) {
      this.list.push({ description, applied: false });
      this.log(`[dry-run] would ${description}`);
      return undefined;
    }
    const result = await effect();
    this.list.push({ description, applied: true });
    return result;
  }
}
