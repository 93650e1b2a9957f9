/**
 * The release composite's `github-release` input (release/README.md): which release tags get a GitHub
 * Release from the github-release step. The step's own `if:` applies the choice; the gate step checks
 * the value here first, so a misspelt one fails before anything is pushed instead of quietly meaning
 * "no release".
 */
import { InputError } from '@deploy-kit/core';

export const GITHUB_RELEASE_WHEN = ['off', 'production', 'all'] as const;
export type GitHubReleaseWhen = (typeof GITHUB_RELEASE_WHEN)[number];

/** GITHUB_RELEASE from the step's env (unset or empty: `off`). */
export function readGitHubReleaseWhen(env: Record<string, string | undefined>): GitHubReleaseWhen {
  const value = env.GITHUB_RELEASE || 'off';
  if (!(GITHUB_RELEASE_WHEN as readonly string[]).includes(value))
    throw new InputError(
      'github-release',
      'is not a known value',
      'one of `off` (no GitHub Release), `production` (the release tags, `vX.Y.Z`), `all` (also the alpha, beta and rc tags, as prereleases)',
      value,
    );
  return value as GitHubReleaseWhen;
}
