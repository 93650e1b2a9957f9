/**
 * Errors a user can act on. `run()` prints these as one clear message (what failed, why, what to
 * check) with no stack trace; anything else is treated as a bug and also gets debug detail.
 */

export interface ActionErrorDetails {
  /** Why it failed, in the user's terms. */
  why?: string;
  /** What to check or do next; one hint per entry. */
  check?: string | string[];
  cause?: unknown;
}

export class ActionError extends Error {
  readonly why?: string;
  readonly check: string[];

  constructor(message: string, details: ActionErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ActionError';
    this.why = details.why;
    this.check = details.check === undefined ? [] : Array.isArray(details.check) ? details.check : [details.check];
  }

  /** The full text for `core.setFailed`: message, then why, then what to check. */
  describe(): string {
    const parts = [this.message];
    if (this.why) parts.push(`Why: ${this.why}`);
    if (this.check.length === 1) parts.push(`Check: ${this.check[0]}`);
    else if (this.check.length > 1) parts.push(`Check:\n${this.check.map((c) => `  - ${c}`).join('\n')}`);
    return parts.join('\n');
  }
}

/** Longest excerpt of a bad value quoted back in an error message. */
const MAX_ECHO = 200;

/**
 * A bad input value, in the suite's one format:
 * `Input "<name>": <what was wrong>; expected <form>. Got: <value>`.
 * Secret inputs are never echoed (`Got: ***`).
 */
export class InputError extends ActionError {
  readonly input: string;

  constructor(
    input: string,
    problem: string,
    expected: string,
    got?: string,
    options: { secret?: boolean; check?: string | string[] } = {},
  ) {
    super(InputError.format(input, problem, expected, got, options.secret ?? false), { check: options.check });
    this.name = 'InputError';
    this.input = input;
  }

  static format(input: string, problem: string, expected: string, got: string | undefined, secret: boolean): string {
    let text = `Input "${input}": ${problem}; expected ${expected}.`;
    if (got !== undefined) {
      const shown = secret ? '***' : got.length > MAX_ECHO ? `${got.slice(0, MAX_ECHO)}…` : got;
      text += ` Got: ${shown === '' ? '(empty)' : shown}`;
    }
    return text;
  }
}

/** A readable one-line message from any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
