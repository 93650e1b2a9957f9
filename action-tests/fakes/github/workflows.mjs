// The deployment guide's GitOps workflows (section 8), as their repositories would hold them, for the
// fake's repositories: `Update Project List Version` in example-org/gitops-{development,staging,production}
// with inputs newVersion, projectNames, updatesRoutes; production's `Update API Gateway Routes` in
// example-org/terraform-apps-production. Variants show the distinct id in the run name (what the
// README recommends), in a step name, or not at all (the guide's workflow as it is).

const INPUTS = `
      newVersion:
        description: Git tag version
        required: true
      projectNames:
        description: Space-separated MS names
        required: true
      updatesRoutes:
        description: Update API Gateway routes
        type: boolean
        default: false`;

const JOB = `
jobs:
  update:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Bump \${{ inputs.projectNames }} to \${{ inputs.newVersion }}
        run: ./scripts/bump.sh "\${{ inputs.newVersion }}" \${{ inputs.projectNames }}
      - name: Commit
        run: git commit -am "deploy \${{ inputs.newVersion }}" && git push
`;

/** With `distinct_id` shown in the run name: found while still queued, one request per look. */
export const UPDATE_PROJECT_LIST = `name: Update Project List Version
run-name: Update \${{ inputs.projectNames }} to \${{ inputs.newVersion }} [\${{ inputs.distinct_id || 'manual' }}]
on:
  workflow_dispatch:
    inputs:${INPUTS}
      distinct_id:
        description: Set by deploy-kit/gitops-dispatch to find its run
        required: false
${JOB}`;

/** With `distinct_id` only in a step name (return-dispatch's older convention). */
export const UPDATE_PROJECT_LIST_STEP_ID = `name: Update Project List Version
on:
  workflow_dispatch:
    inputs:${INPUTS}
      distinct_id:
        required: false
jobs:
  update:
    runs-on: ubuntu-latest
    steps:
      - name: echo distinct ID \${{ inputs.distinct_id }}
        run: echo \${{ inputs.distinct_id }}
      - name: Bump
        run: ./scripts/bump.sh
`;

/** The guide's workflow as it is: no distinct id input. */
export const UPDATE_PROJECT_LIST_PLAIN = `name: Update Project List Version
on:
  workflow_dispatch:
    inputs:${INPUTS}
${JOB}`;

export const UPDATE_API_GATEWAY_ROUTES = `name: Update API Gateway Routes
run-name: Update API Gateway Routes [\${{ inputs.distinct_id || 'manual' }}]
on:
  workflow_dispatch:
    inputs:
      distinct_id:
        required: false
jobs:
  apply:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: terraform apply
        run: terraform apply -auto-approve
`;

export const CI_WORKFLOW = `name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
`;

/** The seed's GitOps repositories, each with its update workflow (and a CI workflow beside it). */
export function seedRepos(variant = UPDATE_PROJECT_LIST) {
  const gitops = { files: { '.github/workflows/update.yml': variant, '.github/workflows/ci.yml': CI_WORKFLOW } };
  return {
    'example-org/gitops-development': gitops,
    'example-org/gitops-staging': gitops,
    'example-org/gitops-production': gitops,
    'example-org/terraform-apps-production': { files: { '.github/workflows/routes.yml': UPDATE_API_GATEWAY_ROUTES } },
  };
}
