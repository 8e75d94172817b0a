#!/usr/bin/env bash
# Two copies of examples/worker.cpp share forty orders in one database: together they finish
# every order, each reserved once.
# Usage: two_workers_test.sh WORKER_BINARY SERVER_DIRECTORY
set -u
worker=$1
server=$2
database="workers_$$"
psql -q -h "$server" -p 54329 -U postgres -d postgres -c "CREATE DATABASE $database" || exit 1
url="postgresql:///$database?host=$server&port=54329&user=postgres"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$worker" "$url" --name a --start 40 --until-done > "$out/a" 2>&1 &
a=$!
"$worker" "$url" --name b --until-done > "$out/b" 2>&1 &
b=$!
wait $a; status_a=$?
wait $b; status_b=$?
cat "$out/a" "$out/b"
[ "$status_a" -eq 0 ] && [ "$status_b" -eq 0 ] || { echo "FAIL: a worker failed"; exit 1; }
reserved=$(sed -n 's/.*reserved \([0-9]*\) orders.*/\1/p' "$out/a" "$out/b" | awk '{ s += $1 } END { print s }')
[ "$reserved" = 40 ] || { echo "FAIL: $reserved reservations, not 40"; exit 1; }
open=$(psql -qtA -h "$server" -p 54329 -U postgres -d "$database" \
  -c "SELECT count(*) FROM ablauf_instances WHERE status <> 'completed'")
[ "$open" = 0 ] || { echo "FAIL: $open orders did not complete"; exit 1; }
echo "ok: two workers finished 40 orders, each reserved once"
