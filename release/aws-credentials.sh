#!/usr/bin/env bash
# deploy-kit: the release job's `aws` step in .github/workflows/release.yml and promote.yml: which one
# source of AWS credentials the job uses, decided before any is used. From env (never ${{ }} here):
#   ROLE                    the `aws-role-arn` input: an IAM role assumed by OIDC
#   FROM_RUNNER             the `aws-credentials-from-runner` input (`true`/`false`)
#   HAS_ACCESS_KEY_ID       `true` when the AWS_ACCESS_KEY_ID secret is set (the value never reaches here)
#   HAS_SECRET_ACCESS_KEY   the same for AWS_SECRET_ACCESS_KEY
#
# Output `source`: `role`, `keys` or `runner`. Exactly one must be asked for: none would push with
# whatever the runner happens to hold, two would leave it to configure-aws-credentials' precedence
# which account the release reaches. The step runs in the release job, in the GitHub environment,
# because an environment secret replaces the caller's secret of the same name only there.
set -euo pipefail

FAIL_TITLE='AWS credentials'
# shellcheck source=release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

role="${ROLE:-}"
from_runner="${FROM_RUNNER:-false}"
key_id="${HAS_ACCESS_KEY_ID:-false}"
secret_key="${HAS_SECRET_ACCESS_KEY:-false}"

if [[ "$key_id" != "$secret_key" ]]; then
  if [[ "$key_id" == true ]]; then missing=AWS_SECRET_ACCESS_KEY; else missing=AWS_ACCESS_KEY_ID; fi
  fail "Static AWS keys are incomplete: the ${missing} secret is empty or not passed. Pass both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (secrets: in the calling job), or neither."
fi
chosen=()
[[ -n "$role" ]] && chosen+=("aws-role-arn (${role})")
[[ "$key_id" == true ]] && chosen+=("the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY secrets")
[[ "$from_runner" == true ]] && chosen+=("aws-credentials-from-runner")

if [[ ${#chosen[@]} -eq 0 ]]; then
  fail "No AWS credentials: give exactly one of aws-role-arn (an IAM role assumed by OIDC; the calling job grants id-token: write), the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY secrets (static keys), or aws-credentials-from-runner: true (a self-hosted runner's own role). Check the secrets' names in the calling job's secrets: block, and for environment secrets that they are set on this environment."
fi
if [[ ${#chosen[@]} -gt 1 ]]; then
  joined="$(printf '%s, ' "${chosen[@]}")"
  fail "More than one source of AWS credentials: ${joined%, }. Give exactly one: which account and role the release uses must not depend on which one wins."
fi
if [[ -n "$role" ]]; then
  out source role
  echo "AWS credentials: the role ${role}, by OIDC."
elif [[ "$key_id" == true ]]; then
  out source keys
  echo "AWS credentials: the static keys of the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY secrets."
else
  out source runner
  echo "AWS credentials: the runner's own."
fi
