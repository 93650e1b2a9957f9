import { errorMessage, readGitHubContext, readInputs, runPost, runner as core } from '@deploy-kit/core';
import { createGitHubClient, githubApiUrl } from '@deploy-kit/core/github';
import { octokitDeploymentsApi } from './api.js';
import { requireToken, runUrl } from './config.js';
import { inputs } from './io.js';
import { closeUnfinished } from './post-flow.js';
import { openDeploymentState } from './state.js';

/**
 * When the job ends with this step's deployment still open (the step died after creating it, or a
 * `step: start` was never followed by a `finish`), marks it `error`, so no deployment stays
 * `in_progress` for ever. A later `finish` that already closed it is left alone. A cleanup failure
 * is a warning, never a failed job.
 */
async function post(): Promise<void> {
  const open = openDeploymentState.load();
  if (!open || open.finished) return;
  const values = await readInputs({ token: inputs.token, 'error-if-unfinished': inputs['error-if-unfinished'] });
  if (!values.errorIfUnfinished) {
    core.info(`Deployment ${open.id} is left open (error-if-unfinished: false); a later \`step: finish\` records its outcome.`);
    return;
  }
  const context = readGitHubContext();
  try {
    const api = octokitDeploymentsApi(await createGitHubClient({ token: requireToken(values.token), apiUrl: githubApiUrl() }));
    core.info(await closeUnfinished(api, open, runUrl(context)));
  } catch (error) {
    core.warning(`Could not mark deployment ${open.id} of ${open.owner}/${open.repo} as error: ${errorMessage(error)}`);
  }
}

void runPost(post);
