#!/usr/bin/env bash
# deploy-kit release: the release gate (a step of release/action.yml; see release/README.md).
#
# Decides how push-artifacts publishes the images, from env (never from ${{ }} in the script):
#   PROMOTE        auto | always | never
#   PROMOTE_FROM   explicit tag or digest to promote from (optional)
#   MODE           push-artifacts mode when not promoting (push | docker)
#   SKIP_PUSH      true: nothing is pushed, so nothing is gated
#   CHECKOUT_PATH  the git checkout whose tags are listed (default GITHUB_WORKSPACE)
#   TAG_PREFIX, TAG, CHANNEL, MAJOR, MINOR, PATCH   parse-version's outputs
#
# A plain release tag (channel `release`, vX.Y.Z) with `auto` (or `always`) promotes the newest
# vX.Y.Z-rc.N by digest, so production runs exactly what staging tested; with no such rc tag the
# release is refused. Writes `mode` and `promote-from` to GITHUB_OUTPUT (delimiter form).
set -euo pipefail

FAIL_TITLE='release gate'
# shellcheck source=release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

promote="${PROMOTE:-auto}"
from="${PROMOTE_FROM:-}"
mode="${MODE:-push}"
[[ -n "$mode" ]] || mode=push

case "$promote" in
  auto | always | never) ;;
  *) fail "Input \"promote\": is not a known value; expected one of \`auto\`, \`always\`, \`never\`. Got: ${promote}" ;;
esac
case "$mode" in
  push | docker) ;;
  *) fail "Input \"mode\": is not a known value; expected one of \`push\`, \`docker\` (promotion is decided by \`promote\`). Got: ${mode}" ;;
esac
# promote-from names an image in each target repository: a tag (Docker's tag grammar) or a digest.
# One line by construction, so it also cannot smuggle a line into any file it is written to.
if [[ -n "$from" && ! "$from" =~ ^(sha256:[0-9a-f]{64}|[A-Za-z0-9_][A-Za-z0-9._-]{0,127})$ ]]; then
  fail "Input \"promote-from\": is not an image tag or digest; expected the tested tag (\`v1.2.3-rc.2\`, Docker's tag grammar [A-Za-z0-9_][A-Za-z0-9._-]{0,127}) or a digest (\`sha256:\` and 64 lowercase hex digits). Got: ${from}"
fi

# newest_rc <base tag>: the vX.Y.Z-rc.N tag with the highest N in the checkout, or nothing.
newest_rc() {
  local base="$1" dir="$2" tag best="" best_n=-1 n
  while IFS= read -r tag; do
    [[ "$tag" == "$base"-rc.* ]] || continue
    n="${tag#"$base"-rc.}"
    [[ "$n" =~ ^(0|[1-9][0-9]*)$ ]] || continue
    if ((n > best_n)); then
      best_n=$n
      best=$tag
    fi
  done < <(git -C "$dir" tag --list -- "${base}-rc.*")
  printf '%s' "$best"
}

result_mode="$mode"
result_from=""
reason="promote: ${promote}"

if [[ "${SKIP_PUSH:-false}" == true ]]; then
  reason="skip-push: nothing is pushed or promoted"
elif [[ "$promote" == never ]]; then
  reason="promote: never (pushes a rebuild, no gate)"
elif [[ -n "$from" ]]; then
  result_mode=promote
  result_from="$from"
  reason="promote-from given"
elif [[ "$CHANNEL" == release ]]; then
  base="${TAG_PREFIX}${MAJOR}.${MINOR}.${PATCH}"
  dir="${CHECKOUT_PATH:-${GITHUB_WORKSPACE:-.}}"
  if ! git -C "$dir" rev-parse --git-dir >/dev/null 2>&1; then
    fail "Production release ${TAG} is blocked: it must promote a tested release candidate ${base}-rc.N, but ${dir} is not a git checkout, so its tags cannot be listed. Run actions/checkout with fetch-depth: 0 (or fetch-tags: true) before this action, or give promote-from; promote: never skips this gate."
  fi
  rc="$(newest_rc "$base" "$dir")"
  if [[ -z "$rc" ]]; then
    fail "Production release ${TAG} is blocked: no release candidate ${base}-rc.N was found (git tag --list '${base}-rc.*' is empty in ${dir}). Release ${base}-rc.1 to staging first, so production runs the image staging tested. Check that the checkout fetched tags (actions/checkout with fetch-depth: 0), or give promote-from; promote: never skips this gate."
  fi
  result_mode=promote
  result_from="$rc"
  reason="newest release candidate of ${base}"
elif [[ "$promote" == always ]]; then
  fail "promote: always, but ${TAG:-this ref} (channel ${CHANNEL:-none}) is not a release tag and no promote-from was given; say which tag or digest to promote from."
fi

out mode "$result_mode"
out promote-from "$result_from"
if [[ "$result_mode" == promote ]]; then
  echo "Release gate: promoting ${result_from} by digest (${reason}); no rebuild is pushed."
else
  echo "Release gate: mode ${result_mode} (${reason})."
fi
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    echo "### release gate"
    echo
    echo "| tag | channel | promote | push-artifacts mode | from |"
    echo "|---|---|---|---|---|"
    echo "| ${TAG:-} | ${CHANNEL:-} | ${promote} | ${result_mode} | ${result_from} |"
  } >>"$GITHUB_STEP_SUMMARY"
fi
