#!/usr/bin/env bash
# `ablauf serve` as a process: refused flags, a seed process driven over HTTP with its mail in
# the outbox, a timer fired by the server alone, SIGTERM that stops it cleanly, and a restart
# that finds everything in the store.
# Usage: serve_cli_test.sh ABLAUF_BINARY PROJECT_DIR
set -u
ablauf=$1
project=$2
source "$(dirname "${BASH_SOURCE[0]}")/support.sh"

# http METHOD PATH [BODY [IDEMPOTENCY_KEY]]: sets $code, $replayed (the Idempotent-Replayed
# header) and the body in $scratch/body.
http() {
  local answer
  answer=$(python3 - "$port" "$@" <<'PY'
import http.client, sys
port, method, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
body = sys.argv[4] if len(sys.argv) > 4 else None
headers = {"Content-Type": "application/json"} if body else {}
if len(sys.argv) > 5:
    headers["Idempotency-Key"] = sys.argv[5]
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
connection.request(method, path, body, headers)
response = connection.getresponse()
open("body", "wb").write(response.read())
print(response.status, response.getheader("Idempotent-Replayed") or "-")
PY
)
  code=${answer% *}
  replayed=${answer#* }
}
# json EXPR: EXPR evaluated over the last body as `b`, printed.
json() { python3 -c "import json; b = json.load(open('body')); print($1)"; }

# start_server ARGS…: runs serve in the background on a free port; sets $server and $port once
# it says where it listens (within 20 s).
start_server() {
  "$ablauf" serve --listen 127.0.0.1:0 --poll-interval 50 "$@" >serve.out 2>serve.err &
  server=$!
  port=
  for _ in $(seq 200); do
    port=$(sed -n 's|.* on http://127.0.0.1:\([0-9]*\)$|\1|p' serve.out)
    [ -n "$port" ] && return 0
    kill -0 "$server" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# stop_server: SIGTERM, then its exit status in $stopped.
stop_server() {
  kill -TERM "$server"
  wait "$server"
  stopped=$?
}

run serve --listen localhost
check "--listen without a port is refused" test "$status" -eq 2
check "naming ADDRESS:PORT" grep -q "ADDRESS:PORT" "$scratch/err"
run serve --listen 127.0.0.1:70000
check "a port past 65535 is refused" test "$status" -eq 2
run serve --threads 0
check "zero threads are refused" test "$status" -eq 2
check "naming the option" grep -q "threads" "$scratch/err"
run serve --poll-interval 5
check "a poll interval under 10 ms is refused" test "$status" -eq 2
run serve --idempotency-hours 0
check "keeping idempotency keys no hour is refused" test "$status" -eq 2
run serve --access-log /nonexistent/folder/access.log
check "an access log that cannot be written is refused" test "$status" -eq 2
run serve --listen 0.0.0.0:0
check "every address without users is refused" test "$status" -eq 2
check "saying why and what to give" grep -q "without --users would let anyone" "$scratch/err"

# The users file, written by `ablauf users`: hashes only, readable by its owner alone.
echo "anna-geheim" | "$ablauf" users add anna --file users.json --role billing_team \
  --display-name "Anna Berger" --password-stdin >/dev/null
check "users add writes the file" test -f users.json
check "readable by its owner only" test "$(stat -c %a users.json)" = 600
check "the password only as its hash" grep -q '"password":"\$argon2id\$' users.json
check "not in clear text" test "$(grep -c anna-geheim users.json)" -eq 0
token=$("$ablauf" users token anna --file users.json --note "test")
check "users token prints the token once" grep -qE '^ablauf_[0-9a-f]{16}_[0-9a-f]{64}$' <<<"$token"
check "keeping its hash" test "$(grep -c "${token:7:16}" users.json)" -eq 1
run users add anna --file users.json
check "a user added twice is refused" test "$status" -eq 2
run users add billing_team --file users.json
check "a user named like a role is refused, located" grep -q "users.json:3:.*name of a role" "$scratch/err"
check "leaving the file as it was" test "$(grep -c billing_team users.json)" -eq 1
run users token nobody --file users.json
check "a token for no user is refused" test "$status" -eq 2
echo '{"users": [{"name": "x", "password": "klartext"}]}' >plain.json
run serve --users plain.json
check "serve refuses a users file with a password in clear text" test "$status" -eq 1
check "naming its place" grep -q "plain.json:1:.*never the secret itself" "$scratch/err"

cat >pause.json <<'JSON'
{"id": "pause", "version": 1, "kind": "workflow", "title": "Pause",
 "steps": [{"id": "wait", "type": "wait", "duration": "PT1S", "next": "done"},
           {"id": "done", "type": "end"}]}
JSON
mkdir defs
cp "$project/workflows/invoicing_and_payments.json" pause.json defs/

check "serve starts with the seed definitions" start_server --definitions defs
http GET /readyz
check "it is ready once recovery has run" test "$code" = 200
check "the access log has a JSON line for it" grep -q '"method":"GET","path":"/readyz","status":200' serve.out

# The seed's customer and invoice, started by its business key.
input=$(python3 -c "import json; a = json.load(open('$project/workflows/answers/invoicing_and_payments.json')); print(json.dumps({'workflow': 'invoicing_and_payments', 'business_key': a['business_key'], 'input': a['input']}))")
http POST /api/v1/instances "$input"
check "an instance starts: 201" test "$code" = 201
invoice=$(json "b['id']")
http POST /api/v1/instances "$input"
check "the same business key again: 200" test "$code" = 200
check "with the same instance" test "$(json "b['id']")" = "$invoice"

answers=$(python3 -c "import json; a = json.load(open('$project/workflows/answers/invoicing_and_payments.json')); print(json.dumps({'answers': a['answers']['check_customer_data']}))")
http POST "/api/v1/instances/$invoice/steps/check_customer_data/form" "$answers"
check "the checked customer data are recorded" test "$code" = 200
lines=$(python3 -c "import json; a = json.load(open('$project/workflows/answers/invoicing_and_payments.json')); print(json.dumps({'answers': a['answers']['invoice_lines']}))")
http POST "/api/v1/instances/$invoice/steps/invoice_lines/form" "$lines"
check "the invoice's lines are recorded" test "$code" = 200
check "the invoice mail is in the outbox" test "$(ls outbox/*.eml 2>/dev/null | wc -l)" -eq 1
http GET "/api/v1/tasks?assignee=accounts_receivable"
check "the follow-up task is in the inbox" test "$(json "len(b['tasks'])")" = 1

http POST /api/v1/instances '{"workflow": "pause"}'
pause=$(json "b['id']")
for _ in $(seq 100); do
  http GET "/api/v1/instances/$pause"
  [ "$(json "b['status']")" = completed ] && break
  sleep 0.1
done
check "the server fires a due timer by itself" test "$(json "b['status']")" = completed

# A definition deployed over the API is kept in the store.
http POST "/api/v1/definitions?file=notice.json" '{"id": "notice", "version": 1, "kind": "workflow", "title": "Notice", "steps": [{"id": "done", "type": "end"}]}'
check "a definition is deployed over the API" test "$code" = 201

# A second server cannot take the port of the first.
run serve --listen "127.0.0.1:$port" --store other.db
check "a port in use: exit 2" test "$status" -eq 2
check "saying it cannot listen" grep -q "cannot listen" "$scratch/err"

stop_server
check "SIGTERM stops it: exit 0" test "$stopped" -eq 0
check "saying so" grep -q "^stopped$" serve.out

# Restarted without --definitions: the store keeps them, and the instances.
check "serve starts again on the same store" start_server
http GET "/api/v1/instances/$invoice"
check "the instance is still there" test "$code" = 200
check "still waiting for its task" test "$(json "b['status']")" = waiting
http GET /api/v1/definitions
check "its definitions too, also the one deployed over the API" \
  test "$(json "len(b['definitions'])")" = 3

# The follow-up task completed under a key; then the server is killed before the client hears.
http GET "/api/v1/tasks?assignee=accounts_receivable"
complete=$(json "b['tasks'][0]['complete']")
http POST "$complete" '{"outcome": "unpaid"}' key-unpaid-1
check "the task is completed" test "$code" = 200
http GET "/api/v1/instances/$invoice/history"
events=$(json "len(b['events'])")
kill -KILL "$server"
wait "$server" 2>/dev/null
check "serve starts again after SIGKILL" start_server
http POST "$complete" '{"outcome": "unpaid"}' key-unpaid-1
check "the client's retry after the kill is answered 200" test "$code" = 200
check "as a replay" test "$replayed" = true
http GET "/api/v1/instances/$invoice/history"
check "and completes nothing twice" test "$(json "len(b['events'])")" = "$events"
http POST "$complete" '{"outcome": "paid"}' key-unpaid-1
check "the key with another body is refused" test "$code" = 422

stop_server
check "stopped again" test "$stopped" -eq 0
check "no mail was sent twice" test "$(ls outbox/*.eml | wc -l)" -eq 1

finish
