import { beforeEach, describe, expect, jest, test } from '@jest/globals';

// The runner's state store: main saves, the post step of the same job reads STATE_<name>.
const store = new Map<string, string>();
jest.unstable_mockModule('../../../packages/core/src/runner.js', () => ({
  saveState: (name: string, value: string) => store.set(name, value),
  getState: (name: string) => store.get(name) ?? '',
}));

const { dockerConfigState, dockerConfigStates, stepDockerConfigState } = await import('../src/state.js');

beforeEach(() => store.clear());

describe("push-artifacts' main → post state", () => {
  test('what main saves, post reads under the same key', () => {
    dockerConfigState.save('/runner/temp/deploy-kit-docker-0123456789ab');
    stepDockerConfigState.save('/runner/temp/deploy-kit-docker-ba9876543210');
    expect(dockerConfigStates.map((state) => state.load())).toEqual([
      '/runner/temp/deploy-kit-docker-0123456789ab',
      '/runner/temp/deploy-kit-docker-ba9876543210',
    ]);
  });

  test('the key names are the runner-visible contract (STATE_docker-config, STATE_step-docker-config)', () => {
    expect(dockerConfigStates.map((state) => state.name)).toEqual(['docker-config', 'step-docker-config']);
  });

  test('nothing saved: post finds nothing to remove', () => {
    expect(dockerConfigStates.map((state) => state.load())).toEqual([undefined, undefined]);
  });
});
