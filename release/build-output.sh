#!/usr/bin/env bash
# deploy-kit: the handover of the build's output from the build job to the deploy job of
# .github/workflows/release.yml (see release/README.md, "The jobs").
#
#   build-output.sh pack   <archive>            in the build job, after the build: archives the build
#                                               outputs and writes `sha256` (of the archive) to GITHUB_OUTPUT
#   build-output.sh unpack <archive> <sha256>   in the deploy job, before anything uses them: refuses an
#                                               archive whose sha256 is not the recorded one, or that holds
#                                               anything but regular files and directories under the build
#                                               outputs, then extracts it into the workspace
#
# The build outputs, from env (the workflow's inputs; never ${{ }} in the script):
#   BUILD_OUTPUTS   paths relative to the workspace, whitespace-separated; empty: derived from
#   SOURCE          push-artifacts `source`: its directory part before the first `{` (build/oci/{service} → build/oci)
#   CLI_SOURCE      the second image set's `source` (`cli-source`), the same way
#   S3_SOURCE       push-artifacts `s3-source`: each path as it is
#
# The build job runs the caller's code without deploy credentials; the deploy job has them. So the
# deploy job treats the archive as data: checked against the digest the build job recorded, no links
# (which could point at the runner's files), nothing outside the declared paths (such as .deploy-kit/,
# deploy-kit's own code, which runs with the credentials), no absolute or `..` names.
set -euo pipefail

FAIL_TITLE='build output'
# shellcheck source=release/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1" | cut -d' ' -f1
  else
    shasum -a 256 -- "$1" | cut -d' ' -f1
  fi
}

# The declared build outputs into PATHS, normalised (no `./`, no trailing `/`), each checked. Runs in
# the main shell (not in a $(…) subshell), so that fail ends the script.
PATHS=()
declared_paths() {
  local -a words=()
  local word path
  if [[ -n "${BUILD_OUTPUTS:-}" ]]; then
    read -r -d '' -a words <<<"$BUILD_OUTPUTS" || true
  else
    local source
    for source in "${SOURCE:-}" "${CLI_SOURCE:-}"; do
      [[ -n "$source" ]] || continue
      path="${source%%\{*}"
      [[ "$path" == "$source" ]] || path="${path%/*}"
      [[ -n "$path" ]] || fail "Cannot tell which directory holds the build's images: source \"${source}\" starts with a placeholder. Set build-outputs to the paths the build writes."
      words+=("$path")
    done
    if [[ -n "${S3_SOURCE:-}" ]]; then
      local -a s3=()
      read -r -d '' -a s3 <<<"$S3_SOURCE" || true
      words+=("${s3[@]}")
    fi
  fi
  [[ ${#words[@]} -gt 0 ]] || fail "No build outputs: build-outputs is empty and neither source nor s3-source names a path. Set build-outputs to the paths the build writes (e.g. build bin_arm64), or leave build-command empty."
  for word in "${words[@]}"; do
    path="$word"
    while [[ "$path" == ./* ]]; do path="${path#./}"; done
    while [[ "$path" == */ ]]; do path="${path%/}"; done
    case "$path" in
      '' | . ) fail "Build output \"${word}\" is the whole workspace; name the directories the build writes (e.g. build bin_arm64)." ;;
      /*) fail "Build output \"${word}\" is an absolute path; build outputs are relative to the workspace." ;;
    esac
    case "/${path}/" in
      */../* | */./*) fail "Build output \"${word}\" has a \`.\` or \`..\` component; name a path inside the workspace." ;;
      /.deploy-kit/* | /.git/*) fail "Build output \"${word}\" is inside ${path%%/*}/, which the deploy job checks out itself; the build cannot hand it over." ;;
    esac
    # Once each: `source` and `cli-source` often share their directory (build/oci).
    [[ " ${PATHS[*]} " == *" ${path} "* ]] || PATHS+=("$path")
  done
}

pack() {
  local archive="$1" path odd
  declared_paths
  for path in "${PATHS[@]}"; do
    [[ -e "$path" || -L "$path" ]] || fail "The build produced no ${path} (a declared build output: build-outputs, or source/s3-source). Check build-command."
    odd="$(find "./${path}" ! -type f ! -type d -print -quit)"
    [[ -z "$odd" ]] || fail "Build output ${odd} is not a regular file or directory (a link or device); the handover carries regular files and directories only."
  done
  tar -cf "$archive" -- "${PATHS[@]}"
  local digest
  digest="$(sha256_of "$archive")"
  out sha256 "$digest"
  echo "Build output: ${PATHS[*]} → $(basename "$archive") sha256:${digest} ($(wc -c <"$archive" | tr -d ' ') bytes)"
}

unpack() {
  local archive="$1" expected="$2" actual path name line
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "The build job recorded no sha256 for its output (got \"${expected}\"); refusing to use an unverified archive."
  [[ -f "$archive" ]] || fail "The build output archive ${archive} was not downloaded."
  actual="$(sha256_of "$archive")"
  [[ "$actual" == "$expected" ]] || fail "The build output archive's sha256 is ${actual}, but the build job recorded ${expected}: it changed after the build, so it is not used."
  declared_paths
  # Types first (tar -tv: the first character of the mode), then the names.
  while IFS= read -r line; do
    case "${line:0:1}" in
      - | d) ;;
      *) fail "The build output archive holds ${line}: not a regular file or directory (links could point at the runner's files); refusing it." ;;
    esac
  done < <(tar -tvf "$archive")
  while IFS= read -r name; do
    local inside=false
    case "/${name}/" in
      //* | */../*) fail "The build output archive holds \"${name}\", an absolute name or one with \`..\`; refusing it." ;;
    esac
    name="${name#./}"
    name="${name%/}"
    for path in "${PATHS[@]}"; do
      if [[ "$name" == "$path" || "$name" == "$path"/* ]]; then inside=true; fi
    done
    [[ "$inside" == true ]] || fail "The build output archive holds \"${name}\", which is outside the declared build outputs (${PATHS[*]}); refusing it."
  done < <(tar -tf "$archive")
  tar -xf "$archive" --no-same-owner
  echo "Build output: sha256:${actual} verified; extracted ${PATHS[*]}"
}

case "${1:-}" in
  pack) [[ $# -eq 2 ]] || fail "usage: build-output.sh pack <archive>"; pack "$2" ;;
  unpack) [[ $# -eq 3 ]] || fail "usage: build-output.sh unpack <archive> <sha256>"; unpack "$2" "$3" ;;
  *) fail "usage: build-output.sh pack <archive> | unpack <archive> <sha256>" ;;
esac
