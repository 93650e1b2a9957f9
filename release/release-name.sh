#!/usr/bin/env bash
# deploy-kit: the plan job's `v` step in .github/workflows/release.yml, between parse-version and the
# environment check (release/environment-check.sh): what this run releases, and from which commit.
# From env (never ${{ }} in the script):
#   INPUT_REF      the workflow's `ref` input ('' = the triggering ref)
#   REF_TYPE       parse-version's `ref-type`: tag, branch or pr
#   TAG, VERSION, ENVIRONMENT, IS_PRODUCTION   parse-version's outputs of the same names
#   GITHUB_REF, GITHUB_SHA                     the runner's: the triggering ref and commit
#
# Outputs (file-command delimiter form):
#   tag           the release's name: the tag, or for a branch build parse-version's `<branch>-<sha7>`
#                 (the image tag, S3 folder, migration Job and GitOps version)
#   environment   the environment it resolves to, checked next against the caller's
#   ref           what the release job hands the release composite: the tag, or the branch's full ref
#   checkout-ref  what the build and release jobs check out: the tag (`ref` input or GITHUB_REF, as
#                 before branch builds existed), or for a branch build GITHUB_SHA, the pushed commit,
#                 so the build is of the commit the name says even when the branch moves meanwhile
#
# Refused here: a pull request (its code would be built and deployed with the environment's
# credentials), a branch with no `branch-environments` rule, a branch that resolves to production (a
# production release is a vX.Y.Z tag that promotes a tested rc; see the release gate), and a `ref`
# input naming a branch (a branch build is only ever of the pushed commit).
set -euo pipefail

FAIL_TITLE='release'
# shellcheck source=release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

input_ref="${INPUT_REF:-}"
ref_type="${REF_TYPE:-}"
environment="${ENVIRONMENT:-}"

case "$ref_type" in
  tag)
    out tag "${TAG:-}"
    out environment "$environment"
    out ref "${TAG:-}"
    out checkout-ref "${input_ref:-${GITHUB_REF:-}}"
    ;;
  branch)
    branch="${GITHUB_REF#refs/heads/}"
    if [[ -n "$input_ref" && "$input_ref" != "${GITHUB_REF:-}" ]]; then
      fail "Input \"ref\": is ${input_ref}, a branch; a branch build releases only the commit that was pushed (the run's own ref, ${GITHUB_REF:-none}). Leave ref empty, or name a tag."
    fi
    if [[ -z "$environment" ]]; then
      fail "Branch ${branch} deploys nowhere: release.yml releases tags, and pushes to the branches named in branch-environments (e.g. branch-environments: main=staging), and ${branch} matches none of them. Add a rule for it, or check the caller's on.push.branches."
    fi
    if [[ "${IS_PRODUCTION:-false}" == true ]]; then
      fail "Branch ${branch} resolves to ${environment}, the production environment (the environment of the \"release\" rule). Refusing: production is released only from a vX.Y.Z tag, which promotes the release candidate staging tested. Map the branch to a non-production environment."
    fi
    out tag "${VERSION:-}"
    out environment "$environment"
    out ref "${GITHUB_REF:-}"
    out checkout-ref "${GITHUB_SHA:?GITHUB_SHA is not set}"
    echo "Branch build ${VERSION:-} of ${branch} at ${GITHUB_SHA} for ${environment}."
    ;;
  pr)
    fail "release.yml does not deploy pull requests: their code would be built and released with the environment's credentials. Release a tag, or a branch after the merge (branch-environments)."
    ;;
  *)
    # No ref type: parse-version did not resolve the ref. The environment check says why.
    out tag "${TAG:-}"
    out environment "$environment"
    out ref "${TAG:-}"
    out checkout-ref "${input_ref:-${GITHUB_REF:-}}"
    ;;
esac
