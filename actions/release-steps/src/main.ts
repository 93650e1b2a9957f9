/** release-steps: the helper steps of release/action.yml (steps.ts), with the runner's real services. */
import { InputError, run, runner as core, writeSummary } from '@deploy-kit/core';
import { resolveAwsRegion } from '@deploy-kit/core/aws';

import { gitCheckoutTags } from './git.js';
import { ecrImageStore, octokitDeploymentRecords } from './records.js';
import type { EvidenceServices } from './staging.js';
import { runStep } from './steps.js';

/**
 * The Deployments API of this repository (TOKEN: the composite's `github-token`, needing
 * `deployments: read`; REPOSITORY, default GITHUB_REPOSITORY) and ECR (REGION, default AWS_REGION),
 * each created on first use, so a tag-only gate needs neither.
 */
function evidenceServices(env: Record<string, string | undefined>): EvidenceServices {
  return {
    async records() {
      const token = env.TOKEN ?? '';
      if (token === '' || token.includes('${{')) {
        throw new InputError(
          'github-token',
          'is empty, and require-staging: deployment reads the staging deployments',
          'a token with `deployments: read` on this repository, e.g. `${{ github.token }}` with `permissions: deployments: read`; or require-staging: tag',
          '',
          { secret: true },
        );
      }
      const repository = env.REPOSITORY || env.GITHUB_REPOSITORY || '';
      const [owner = '', repo = ''] = repository.split('/');
      if (!owner || !repo)
        throw new InputError(
          'repository',
          'is empty and GITHUB_REPOSITORY is not set',
          '`owner/name` of the application repository',
          repository,
        );
      const { createGitHubClient } = await import('@deploy-kit/core/github');
      return octokitDeploymentRecords(await createGitHubClient({ token }), { owner, repo });
    },
    async images() {
      const region = resolveAwsRegion(env.REGION, env);
      const { createEcrApi } = await import('@deploy-kit/core/ecr');
      return ecrImageStore(await createEcrApi(region, { env }));
    },
  };
}

void run(() =>
  runStep(process.argv.slice(2), {
    env: process.env,
    tags: gitCheckoutTags,
    records: evidenceServices(process.env),
    setOutput: core.setOutput,
    info: core.info,
    summary: writeSummary,
  }),
);
