#!/usr/bin/env bash
# The crash test on the command line's path: `ablauf run` of utility_billing instances with the
# file outbox, killed with SIGKILL at random moments, some runs on a disk that fills up (a file
# size limit just above the store's size), each run again by its business key until every
# instance completed. Then each mail must be in the outbox folder exactly once, whole (the invoice
# with its PDF, the very file the store keeps), and marked sent in the store; each record written
# once; the store sound.
# Usage: cli_kill_test.sh ABLAUF_BINARY SOURCE_DIR [KILLS] [INSTANCES]
# CI runs the default (30 kills over 6 instances); the soak is
#   bash tests/crash/cli_kill_test.sh build/release/src/cli/ablauf . 1000 100
set -u
ablauf=$1
source_dir=$2
kills=${3:-30}
instances=${4:-6}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch" || exit 1
workflow="$source_dir/workflows/utility_billing.json"
store="$scratch/kill.db"
outbox="$scratch/outbox"

# One answers file per instance: its own customer, invoice and business key.
/usr/bin/python3 - "$source_dir/workflows/answers/utility_billing.json" "$instances" <<'PY'
import json, sys
base = json.load(open(sys.argv[1]))
for i in range(int(sys.argv[2])):
    a = json.loads(json.dumps(base))
    a["business_key"] = f"VA-KILL-{i}"
    a["input"]["customer"]["id"] = f"K-KILL-{i}"
    a["input"]["invoice"]["number"] = f"VA-KILL-{i}"
    json.dump(a, open(f"answers-{i}.json", "w"))
PY

killed=0 faulted=0 runs=0
done_count() {
  "$ablauf" instances --store "$store" --json 2>/dev/null | /usr/bin/python3 -c "
import json, sys
print(sum(1 for i in json.load(sys.stdin) if i['status'] == 'completed'))" 2>/dev/null || echo 0
}
completed() {  # completed INDEX: whether instance INDEX has completed
  "$ablauf" instances --store "$store" --json 2>/dev/null | /usr/bin/python3 -c "
import json, sys
sys.exit(0 if any(i.get('business_key') == 'VA-KILL-$1' and i['status'] == 'completed'
                  for i in json.load(sys.stdin)) else 1)" 2>/dev/null
}

# Kill runs at random moments until the kills are used up; then let each finish.
while [ "$killed" -lt "$kills" ]; do
  i=$((RANDOM % instances))
  runs=$((runs + 1))
  if [ $((runs % 5)) -eq 0 ] && [ -e "$store" ]; then
    # A disk with a few KiB left: the run stops (status 4) or is killed, never goes round.
    limit=$(( $(du -k "$store" | cut -f1) + 4 + RANDOM % 24 ))
    (trap '' XFSZ; ulimit -f "$limit"; timeout 30 "$ablauf" run "$workflow" --store "$store" \
      --clock simulated --answers "answers-$i.json" --outbox "$outbox" </dev/null >/dev/null 2>&1)
    status=$?
    if [ "$status" -eq 124 ]; then echo "FAIL: a run on a full disk did not end"; exit 1; fi
    faulted=$((faulted + 1))
    continue
  fi
  "$ablauf" run "$workflow" --store "$store" --clock simulated --answers "answers-$i.json" \
    --outbox "$outbox" </dev/null >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 10))"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  wait "$pid" 2>/dev/null
done
for i in $(seq 0 $((instances - 1))); do
  for attempt in 1 2 3; do
    completed "$i" && break
    "$ablauf" run "$workflow" --store "$store" --clock simulated --answers "answers-$i.json" \
      --outbox "$outbox" </dev/null >"$scratch/out" 2>"$scratch/err" || true
  done
done
"$ablauf" instances resume --store "$store" --outbox "$outbox" </dev/null >/dev/null 2>&1

/usr/bin/python3 - "$store" "$outbox" "$instances" "$killed" "$faulted" <<'PY'
import email, email.policy, hashlib, pathlib, sqlite3, sys
store, outbox, instances, killed, faulted = sys.argv[1], pathlib.Path(sys.argv[2]), *map(int, sys.argv[3:])
db = sqlite3.connect(store)
problems = []
if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
    problems.append("the store is not sound")
statuses = db.execute("SELECT status, count(*) FROM instances GROUP BY status").fetchall()
if dict(statuses).get("completed") != instances:
    problems.append(f"instances not all completed: {statuses}")
rows = db.execute("SELECT mail, message_id FROM outbox").fetchall()
unsent = [r for r in rows if r[1] is None]
if len(rows) != 4 * instances:
    problems.append(f"{len(rows)} mails queued, not {4 * instances}")
if unsent:
    problems.append(f"{len(unsent)} mails never delivered")
files = sorted(outbox.glob("*.eml"))
ids = []
attached = 0
for path in files:
    text = path.read_bytes()
    if b"\r\n\r\n" not in text:
        problems.append(f"{path.name} is cut off")
        continue
    mail = email.message_from_bytes(text, policy=email.policy.default)
    ids.append(mail["Message-ID"])
    # The invoice mail carries its PDF whole: the file the store kept under its hash.
    for part in mail.iter_attachments():
        pdf = part.get_content()
        kept = pathlib.Path(store + ".files") / (digest := hashlib.sha256(pdf).hexdigest())[:2] / digest[2:]
        if not pdf.startswith(b"%PDF-") or not kept.is_file() or kept.read_bytes() != pdf:
            problems.append(f"{path.name}: its attachment {part.get_filename()} is not the file kept")
        attached += 1
if attached != instances:
    problems.append(f"{attached} invoices attached, not {instances}")
lost = 4 * instances - len(set(ids))
duplicated = len(ids) - len(set(ids))
if lost or duplicated:
    problems.append(f"{lost} mails lost, {duplicated} duplicated")
for collection in ("customers", "invoices", "payment_history"):
    n = db.execute("SELECT count(*) FROM records WHERE collection = ?", (collection,)).fetchone()[0]
    if n != instances:
        problems.append(f"{n} records in {collection}, not {instances}")
print(f"{instances} instances, {killed} killed, {faulted} on a full disk: "
      f"{len(files)} mails, lost {lost}, duplicated {duplicated}")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
