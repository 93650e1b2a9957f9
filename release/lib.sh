# Shared by the reusable workflows' release scripts (build-output.sh, environment-check.sh); sourced, not run.
# Set FAIL_TITLE before calling fail.

# fail <message>: one ::error:: annotation and exit 1. The message may quote input values: % CR LF are
# escaped as the runner expects in a command's data, so a value can neither end the ::error:: line
# nor start a workflow command of its own.
fail() {
  local message="$1" cr=$'\r' lf=$'\n'
  message="${message//\%/%25}"
  message="${message//$cr/%0D}"
  message="${message//$lf/%0A}"
  echo "::error title=${FAIL_TITLE:-release}::${message}"
  exit 1
}

# out <name> <value>: an output through the file-command delimiter form with a random delimiter
# (`name<<DELIM`, value, DELIM), never `name=value`: a value holding a newline cannot add another
# output line (`mode=…`).
out() {
  local name="$1" value="$2" delimiter
  delimiter="ghadelimiter_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  [[ ${#delimiter} -eq 45 ]] || fail "Could not read 16 random bytes from /dev/urandom for the output delimiter."
  [[ "$value" != *"$delimiter"* ]] || fail "The value of output ${name} contains its delimiter ${delimiter}; refusing to write it."
  printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}
