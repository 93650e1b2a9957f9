import { describe, expect, test } from '@jest/globals';
import { readGitHubReleaseWhen } from '../src/github-release.js';

describe('readGitHubReleaseWhen', () => {
  test.each([
    [undefined, 'off'],
    ['', 'off'],
    ['off', 'off'],
    ['production', 'production'],
    ['all', 'all'],
  ])('%s → %s', (value, when) => {
    expect(readGitHubReleaseWhen({ GITHUB_RELEASE: value })).toBe(when);
  });
  test.each(['true', 'Production', 'rc'])('%s is refused, naming the input and the values', (value) => {
    expect(() => readGitHubReleaseWhen({ GITHUB_RELEASE: value })).toThrow(
      new RegExp(`Input "github-release": is not a known value; expected one of \`off\`.*Got: ${value}`),
    );
  });
});
