#!/usr/bin/env bash
# `ablauf serve` under load, killed and restarted: 64 clients work instances of the load workflow
# through the API (start, checklist, task) while the server is killed with SIGKILL and started
# again on the same port; every client sends what failed again under its Idempotency-Key. Then
# every instance must have been started, answered and completed exactly once.
#
#   serve_load_test.sh ABLAUF LOAD_DRIVER PROJECT_DIR [INSTANCES] [KILLS]
#
# ctest runs it small (1,280 instances, 2 kills); docs/performance.md gives the figures of larger
# runs and the command for them.
set -u
ablauf=$1
driver=$2
project=$3
instances=${4:-1280}
kills=${5:-2}
source "$(dirname "${BASH_SOURCE[0]}")/../cli/support.sh"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo clerk-password | "$ablauf" users add clerk --file users.json --role clerks --password-stdin >/dev/null
token=$("$ablauf" users token clerk --file users.json)

start_server() {
  "$ablauf" serve --listen "127.0.0.1:$port" --users users.json --store load.db --access-log "" \
    --definitions "$project/tests/load/load.json" --poll-interval 100 >>serve.out 2>>serve.err &
  server=$!
  for _ in $(seq 300); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null &&
      return 0
    sleep 0.05
  done
  return 1
}

check "serve starts" start_server
"$driver" --port "$port" --token "$token" --clients 64 --instances "$instances" \
  --deadline-seconds 300 >load.out 2>load.err &
load=$!
# Each kill comes when the store has its share of the requests (kill k of K at k/(K+1) of them),
# read behind the server's back, so that every kill lands under load however fast the machine.
killed_under_load=0
for kill in $(seq "$kills"); do
  due=$((3 * instances * kill / (kills + 1)))
  while kill -0 "$load" 2>/dev/null; do
    done_so_far=$(sqlite3 load.db "SELECT count(*) FROM requests" 2>/dev/null || echo 0)
    [ "${done_so_far:-0}" -ge "$due" ] && break
    sleep 0.01
  done
  kill -0 "$load" 2>/dev/null && killed_under_load=$((killed_under_load + 1))
  kill -KILL "$server"
  wait "$server" 2>/dev/null
  check "serve starts again after SIGKILL $kill" start_server
done
check "every kill came while the clients worked" test "$killed_under_load" -eq "$kills"
wait "$load"
status=$?
cat load.out
check "every instance started, answered and completed exactly once, none lost" test "$status" -eq 0
check "the clients had to send again what the kills cut off" \
  grep -qE 'requests/s, [1-9][0-9]* sent again' load.out
[ "$status" -eq 0 ] || head -30 load.err
kill -TERM "$server"
wait "$server"
check "serve stops cleanly at the end" test $? -eq 0
"$ablauf" instances verify --store load.db >verify.out 2>&1
check "every history's chain is intact" test "$(grep -c ' intact ' verify.out)" -eq "$instances"
finish
