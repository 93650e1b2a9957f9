import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';

const setFailed = jest.fn<typeof Runner.setFailed>();
const debug = jest.fn<typeof Runner.debug>();
const warning = jest.fn<typeof Runner.warning>();
jest.unstable_mockModule('../src/runner.js', () => ({ setFailed, debug, warning }));

const { ISSUES_URL, failureMessage, run, runPost } = await import('../src/run.js');
const { ActionError, InputError } = await import('../src/errors.js');

beforeEach(() => {
  setFailed.mockReset();
  debug.mockReset();
  warning.mockReset();
});

describe('run', () => {
  test('a successful main reports nothing', async () => {
    const main = jest.fn(async () => {});
    await run(main);
    expect(main).toHaveBeenCalledTimes(1);
    expect(setFailed).not.toHaveBeenCalled();
    expect(debug).not.toHaveBeenCalled();
  });

  test('an ActionError fails with what, why and what to check, and no stack', async () => {
    await run(async () => {
      throw new ActionError('Cannot push ms_api:1.2.3 to ECR', {
        why: 'the repository does not exist',
        check: 'set create-repositories: true',
      });
    });
    expect(setFailed).toHaveBeenCalledTimes(1);
    const message = setFailed.mock.calls[0][0] as string;
    expect(message).toBe('Cannot push ms_api:1.2.3 to ECR\nWhy: the repository does not exist\nCheck: set create-repositories: true');
    expect(message).not.toMatch(/\n\s+at /);
    expect(debug).not.toHaveBeenCalled();
  });

  test('an InputError fails with the input message alone', async () => {
    await run(async () => {
      throw new InputError('timeout', 'not a duration', 'a duration', 'soon');
    });
    expect(setFailed).toHaveBeenCalledWith('Input "timeout": not a duration; expected a duration. Got: soon');
    expect(debug).not.toHaveBeenCalled();
  });

  test('an ActionError with a cause logs the cause under debug', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:443');
    await run(async () => {
      throw new ActionError('Cannot reach the registry', { cause });
    });
    expect(setFailed).toHaveBeenCalledWith('Cannot reach the registry');
    expect(debug).toHaveBeenCalledTimes(1);
    const detail = debug.mock.calls[0][0];
    expect(detail).toContain('ActionError: Cannot reach the registry');
    expect(detail).toContain('\nCaused by: Error: connect ECONNREFUSED 127.0.0.1:443\n    at ');
  });

  test('a non-Error cause is described as text', async () => {
    await run(async () => {
      throw new ActionError('Failed', { cause: { code: 'E42' } });
    });
    expect(debug.mock.calls[0][0]).toMatch(/\nCaused by: \{"code":"E42"\}$/);
  });

  test('an unexpected TypeError is reported as unexpected, with the stack under debug', async () => {
    let stack = '';
    await run(async () => {
      const error = new TypeError("Cannot read properties of undefined (reading 'tag')");
      stack = error.stack!;
      throw error;
    });
    expect(setFailed).toHaveBeenCalledTimes(1);
    const message = setFailed.mock.calls[0][0] as string;
    expect(message.split('\n')).toEqual([
      "Unexpected error: Cannot read properties of undefined (reading 'tag')",
      'Why: this is not a failure deploy-kit anticipated, so it may be a bug.',
      `Check: re-run the job with debug logging (ACTIONS_STEP_DEBUG=true) for details, and report it at ${ISSUES_URL} if it persists.`,
    ]);
    expect(message).not.toContain('    at ');
    expect(debug).toHaveBeenCalledWith(stack);
  });

  test('a thrown string is reported as unexpected too', async () => {
    await run(async () => {
      throw 'boom';
    });
    expect((setFailed.mock.calls[0][0] as string).startsWith('Unexpected error: boom\nWhy: ')).toBe(true);
    expect(debug).toHaveBeenCalledWith('boom');
  });

  test('failureMessage of an ActionError is its describe()', () => {
    const error = new ActionError('A', { why: 'B', check: ['C', 'D'] });
    expect(failureMessage(error)).toBe('A\nWhy: B\nCheck:\n  - C\n  - D');
  });
});

describe('runPost', () => {
  test('a cleanup failure is a warning and never fails the job', async () => {
    const error = new Error('job not found');
    await runPost(async () => {
      throw error;
    });
    expect(warning).toHaveBeenCalledWith('Cleanup failed: job not found');
    expect(setFailed).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(error.stack!);
  });

  test('an ActionError in cleanup is a warning with its message', async () => {
    await runPost(async () => {
      throw new ActionError('Cannot delete the migration Job');
    });
    expect(warning).toHaveBeenCalledWith('Cleanup failed: Cannot delete the migration Job');
    expect(setFailed).not.toHaveBeenCalled();
  });

  test('a successful cleanup warns about nothing', async () => {
    await runPost(async () => {});
    expect(warning).not.toHaveBeenCalled();
    expect(setFailed).not.toHaveBeenCalled();
  });
});
