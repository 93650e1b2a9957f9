import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';

const info = jest.fn<typeof Runner.info>();
jest.unstable_mockModule('../src/runner.js', () => ({ info }));

const { Changes } = await import('../src/dryrun.js');

beforeEach(() => {
  info.mockReset();
});

describe('Changes.apply', () => {
  test('runs the effect, returns its result and records it as applied', async () => {
    const log = jest.fn<(message: string) => void>();
    const changes = new Changes(false, log);
    const effect = jest.fn(async () => 'sha256:abc');
    await expect(changes.apply('push ms_api:1.2.3', effect)).resolves.toBe('sha256:abc');
    expect(effect).toHaveBeenCalledTimes(1);
    expect(changes.list).toEqual([{ description: 'push ms_api:1.2.3', applied: true }]);
    expect(log).not.toHaveBeenCalled();
  });

  test('in dry-run mode records and prints the change without running it', async () => {
    const log = jest.fn<(message: string) => void>();
    const changes = new Changes(true, log);
    const effect = jest.fn(async () => 'sha256:abc');
    await expect(changes.apply('create ECR repository ms_api', effect)).resolves.toBeUndefined();
    await changes.apply('push ms_api:1.2.3', effect);
    expect(effect).not.toHaveBeenCalled();
    expect(changes.list).toEqual([
      { description: 'create ECR repository ms_api', applied: false },
      { description: 'push ms_api:1.2.3', applied: false },
    ]);
    expect(log.mock.calls).toEqual([['[dry-run] would create ECR repository ms_api'], ['[dry-run] would push ms_api:1.2.3']]);
  });

  test('a failing effect is not recorded as applied and its error propagates', async () => {
    const changes = new Changes(false);
    const error = new Error('denied');
    await expect(
      changes.apply('delete job', async () => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(changes.list).toEqual([]);
  });

  test('dry-run prints through core.info by default', async () => {
    const changes = new Changes(true);
    await changes.apply('dispatch deploy.yml', async () => undefined);
    expect(info).toHaveBeenCalledWith('[dry-run] would dispatch deploy.yml');
    expect(changes.dryRun).toBe(true);
  });
});
