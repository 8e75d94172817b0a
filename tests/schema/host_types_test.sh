#!/usr/bin/env bash
# `ablauf schema`: without manifests it prints docs/schema/definition.schema.json; with
# --step-types, the schema checks a host's steps as the loader does. Every definition in
# tests/data/step_types/workflows must pass both; every one in tests/data/step_types/invalid
# must fail both.
# Usage: host_types_test.sh ABLAUF SOURCE_DIR PYTHON SCRATCH_DIR
set -u
ablauf=$1
source_dir=$2
python=$3
scratch=$4
host="$source_dir/tests/data/step_types"
rm -rf "$scratch"
mkdir -p "$scratch"
failed=0
passed=0
check() {  # DESCRIPTION COMMAND...
  local description=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $description" >&2
    failed=$((failed + 1))
  fi
}

"$ablauf" schema -o "$scratch/builtin.json"
check "schema without manifests is the documented one" "$python" -c '
import json, sys
sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' \
  "$scratch/builtin.json" "$source_dir/docs/schema/definition.schema.json"

"$ablauf" schema --step-types "$host/credit.json" -o "$scratch/host.json"
check "the schema with the host's types takes its good definitions and refuses the bad ones" \
  "$python" "$source_dir/tests/schema/check_schema.py" --schema "$scratch/host.json" \
  --valid "$host/workflows" --invalid "$host/invalid"
for definition in "$host"/workflows/*.json; do
  check "the loader takes $(basename "$definition")" \
    "$ablauf" validate --quiet --step-types "$host/credit.json" "$definition"
done
for definition in "$host"/invalid/*.json; do
  "$ablauf" validate --quiet --step-types "$host/credit.json" "$definition" 2>/dev/null
  status=$?
  check "the loader refuses $(basename "$definition") too" test "$status" -eq 1
done

"$ablauf" schema --step-types "$host/broken.json" -o "$scratch/broken.json" 2>"$scratch/err"
status=$?
check "a broken manifest exits 1" test "$status" -eq 1
check "and names its problems" grep -q "broken.json:.*: error: " "$scratch/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
