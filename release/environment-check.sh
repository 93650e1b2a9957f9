#!/usr/bin/env bash
# deploy-kit: the plan job's last step in .github/workflows/release.yml and promote.yml (see
# release/README.md, "The jobs"). From env (never ${{ }} in the script):
#   EXPECTED     the workflow's `environment` input: the environment the caller deploys to
#   TAG          parse-version's `tag`
#   ENVIRONMENT  parse-version's `environment` (from the `environments` rules)
#   WORKFLOW     release.yml or promote.yml, for the messages
#
# A caller passes its own secrets (role, kubeconfig, token) and is started by its own trigger; the
# release job runs in the environment the tag resolves to. If the two disagree (a tag filter that lets
# `v1.2.3-beta.1-rc.2` into staging.yml, which parse-version resolves to development), one
# environment's credentials would deploy under another's protection rules. So the plan refuses
# unless the tag resolves to exactly the environment the caller declared; GitHub environment names
# are case-insensitive, and so is the comparison. Nothing else has run yet: no build, no credentials.
set -euo pipefail

FAIL_TITLE='environment'
# shellcheck source=release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }

workflow="${WORKFLOW:-release.yml}"
expected="${EXPECTED:-}"
tag="${TAG:-}"
environment="${ENVIRONMENT:-}"

if [[ -z "$tag" || -z "$environment" ]]; then
  if [[ "$workflow" == promote.yml ]]; then
    fail "promote makes releases from tags only; this ref has tag '${tag}' and environment '${environment}'."
  fi
  fail "${workflow} releases tags only; this ref has tag '${tag}' and environment '${environment}'."
fi
if [[ -z "$expected" ]]; then
  fail "Input \"environment\": is empty; expected the GitHub environment this caller deploys to (the one whose secrets and role it passes), e.g. environment: staging. Tag ${tag} resolves to ${environment}."
fi
if [[ "$(lower "$expected")" != "$(lower "$environment")" ]]; then
  fail "Tag ${tag} deploys to ${environment} (parse-version with the \"environments\" rules), but this caller declared environment: ${expected}. Refusing to run: ${expected}'s credentials would deploy to ${environment}, bypassing that environment's protection rules. Check the caller's on.push.tags (they must start only tags that resolve to ${expected}), or release the tag with the workflow that deploys to ${environment}."
fi
echo "Tag ${tag} deploys to ${environment}, the environment this caller declared."
