# What the command-line test scripts share: a scratch folder to work in (removed at the end),
# `check NAME CONDITION…` to count a pass or report a failure, `run ARGS…` to run ablauf with
# no input, keeping its status, stdout and stderr, and `finish` to print the tally and exit.
# Source it after setting `ablauf` (the binary).
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1  # run keeps its instances in ./ablauf.db
failures=0
passes=0

check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}

run() {  # run ARGS...: sets $status; stdout in $scratch/out, stderr in $scratch/err
  "$ablauf" "$@" >"$scratch/out" 2>"$scratch/err" </dev/null
  status=$?
}

finish() {
  echo "$passes passed, $failures failed"
  test "$failures" -eq 0
  exit
}
