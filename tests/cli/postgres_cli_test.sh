#!/usr/bin/env bash
# The command line on a shared PostgreSQL store: a seed workflow runs end to end with
# --store postgresql://…, and `instances` finds it there from another process.
# Usage: postgres_cli_test.sh ABLAUF_BINARY SOURCE_DIR SERVER_DIRECTORY (see tests/postgres)
set -u
ablauf=$1
source_dir=$2
server=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
database="cli_$$"
psql -q -h "$server" -p 54329 -U postgres -d postgres -c "CREATE DATABASE $database" || exit 1
url="postgresql:///$database?host=$server&port=54329&user=postgres"

"$ablauf" run "$source_dir/workflows/utility_billing.json" --clock simulated --store "$url" \
  --answers "$source_dir/workflows/answers/utility_billing.json" > run.out 2>&1
status=$?
if [ "$status" -ne 0 ] || ! grep -q "completed" run.out; then
  echo "FAIL: the utility workflow did not complete on PostgreSQL (exit $status)"
  tail -20 run.out
  exit 1
fi
"$ablauf" instances --store "$url" > instances.out 2>&1
if ! grep -q "utility_billing v1 *completed" instances.out; then
  echo "FAIL: instances does not list the completed instance"
  cat instances.out
  exit 1
fi
"$ablauf" instances verify --store "$url" > verify.out 2>&1
if ! grep -q "  intact  [0-9]* events, head [0-9a-f]\{64\}$" verify.out; then
  echo "FAIL: instances verify does not find the history's chain intact"
  cat verify.out
  exit 1
fi
echo "ok: a seed workflow ran on PostgreSQL, is listed from another process, and its history verifies"
