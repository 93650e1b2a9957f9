/**
 * Errors for the image-tags engine. Every bad input is an `InputError` from core (one message
 * format across the suite); `TagInputError` adds the 1-based line of a multi-line input so the
 * message points at the offending entry:
 *
 *   Input "tags": line 2: unknown type "semvr"; expected one of schedule, semver, .... Got: type=semvr,...
 */
import { InputError } from '@deploy-kit/core';

export class TagInputError extends InputError {
  /** 1-based line in the input; undefined for single-value inputs. */
  readonly line?: number;
  /** What was wrong, without the line prefix. */
  readonly problem: string;
  readonly expected: string;
  readonly got?: string;

  constructor(input: string, line: number | undefined, problem: string, expected: string, got?: string) {
    super(input, line === undefined ? problem : `line ${line}: ${problem}`, expected, got);
    this.name = 'TagInputError';
    this.line = line;
    this.problem = problem;
    this.expected = expected;
    this.got = got;
  }
}

/** Where a value came from, so errors deep in evaluation can still name the input and the line. */
export interface Origin {
  input: string;
  line?: number;
  /** The whole entry as the user wrote it (echoed after `Got:`). */
  text: string;
}

export function inputError(origin: Origin, problem: string, expected: string): TagInputError {
  return new TagInputError(origin.input, origin.line, problem, expected, origin.text);
}
