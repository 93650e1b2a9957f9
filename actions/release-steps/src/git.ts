/**
 * The checkout's tags through git, run with @actions/exec (silent: git's output is data, not log
 * lines) and an explicit environment: the basics and git's own GIT_* variables, never the step's
 * inputs or the runner's tokens (SECURITY.md rule 9).
 */
import { ActionError, childEnvironment } from '@deploy-kit/core';

import type { CheckoutTags } from './gate.js';

async function git(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const { getExecOutput } = await import('@actions/exec');
  const env = childEnvironment({ pass: Object.keys(process.env).filter((name) => name.startsWith('GIT_')) });
  try {
    return await getExecOutput('git', args, { env, silent: true, ignoreReturnCode: true });
  } catch (error) {
    throw new ActionError(`The release gate could not run git ${args.join(' ')}`, {
      why: /^Unable to locate executable file/.test((error as Error).message)
        ? 'git is not installed or not on PATH'
        : (error as Error).message,
      check: 'The job runs on a runner with git (every GitHub-hosted runner has it), after actions/checkout',
      cause: error,
    });
  }
}

export const gitCheckoutTags: CheckoutTags = {
  async isCheckout(dir) {
    return (await git(['-C', dir, 'rev-parse', '--git-dir'])).exitCode === 0;
  },
  async list(dir, pattern) {
    const result = await git(['-C', dir, 'tag', '--list', '--', pattern]);
    if (result.exitCode !== 0) {
      throw new ActionError(`The release gate could not list the tags of ${dir} (git tag --list exited with code ${result.exitCode})`, {
        why: result.stderr.trim() || undefined,
      });
    }
    return result.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  },
};
