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
if ! grep -q "utility_billing v[0-9]* *completed" instances.out; then
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
# serve on the shared store: it is one of its workers, and prints the URL without the password.
"$ablauf" serve --listen 127.0.0.1:0 --poll-interval 50 --access-log "" \
  --store "postgresql://postgres:not-to-be-shown@/$database?host=$server&port=54329" \
  --definitions "$source_dir/workflows/invoicing_and_payments.json" > serve.out 2> serve.err &
serve=$!
port=
for _ in $(seq 200); do
  port=$(sed -n 's|.* on http://127.0.0.1:\([0-9]*\)$|\1|p' serve.out)
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ] || grep -q "not-to-be-shown" serve.out; then
  echo "FAIL: serve did not start on PostgreSQL, or printed the password"
  cat serve.out serve.err
  kill "$serve"
  exit 1
fi
input=$(python3 -c "import json; a = json.load(open('$source_dir/workflows/answers/invoicing_and_payments.json')); print(json.dumps({'workflow': 'invoicing_and_payments', 'business_key': 'PG-1', 'input': a['input']}))")
# Stored first, then advanced under a claim, by this request or by serve's worker if it took it
# first: the answer may say running; the instance soon waits for its checklist.
started=$(python3 - "$port" "$input" <<'PY'
import http.client, json, sys, time
def call(method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
    connection.request(method, path, body, {"Content-Type": "application/json"} if body else {})
    response = connection.getresponse()
    return response.status, json.loads(response.read())
status, body = call("POST", "/api/v1/instances", sys.argv[2])
for _ in range(100):
    if body.get("status") != "running":
        break
    time.sleep(0.05)
    _, body = call("GET", "/api/v1/instances/" + body["id"])
print(status, body.get("status"))
PY
)
kill -TERM "$serve"
wait "$serve"
stopped=$?
if [ "$started" != "201 waiting" ] || [ "$stopped" -ne 0 ]; then
  echo "FAIL: serve on PostgreSQL answered '$started' to a start, exited $stopped on SIGTERM"
  cat serve.out serve.err
  exit 1
fi
echo "ok: a seed workflow ran on PostgreSQL, is listed from another process, its history verifies, and serve runs on it"
