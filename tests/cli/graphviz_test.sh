#!/usr/bin/env bash
# Every workflow's DOT renders with Graphviz, in both languages, without a single warning.
# Usage: graphviz_test.sh ABLAUF_BINARY DOT WORKFLOWS_DIR
set -u
ablauf=$1
dot=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
passes=0
for file in "$3"/*.json; do
  for lang in de en; do
    "$ablauf" graph --lang "$lang" "$file" >"$scratch/graph.dot" || { failures=$((failures + 1)); continue; }
    stderr=$("$dot" -Tsvg "$scratch/graph.dot" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
      echo "FAIL: $file ($lang): dot exited $status: $stderr"
      failures=$((failures + 1))
    else
      passes=$((passes + 1))
    fi
  done
done
echo "$passes passed, $failures failed"
test "$failures" -eq 0 && test "$passes" -gt 0
