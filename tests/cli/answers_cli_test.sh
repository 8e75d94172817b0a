#!/usr/bin/env bash
# Answers files against their definitions: every name and value is checked before a run starts
# and each problem is located in the file; a step's form is recorded whole or not at all; a
# store failing mid-run is told apart from a refused answer.
# Usage: answers_cli_test.sh ABLAUF_BINARY SOURCE_DIR
set -u
ablauf=$1
source_dir=$2
source "$(dirname "${BASH_SOURCE[0]}")/support.sh"

sql() {  # sql DATABASE STATEMENTS: edits a store as a person with the sqlite3 tool would
  python3 -c "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()" "$@"
}

utility="$source_dir/workflows/utility_billing.json"
delinquent="$source_dir/workflows/delinquent_accounts.json"
# The utility customer, for runs that start without answers and resume with them.
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['input']))" \
  "$source_dir/workflows/answers/utility_billing.json" >"$scratch/input.json"

# Unknown steps, items, tasks, outcomes and events: errors located in the file, nothing run.
cat >"$scratch/names.json" <<'JSON'
{
  "answers": {
    "account_setpu": { "identity_verified": true },
    "account_setup": { "identity_verifed": true },
    "send_invoice": {}
  },
  "tasks": { "escalate_overdue": ["done"], "escalate_overdue_payment": ["payment_recieved"] },
  "events": [ { "after": "P1D", "name": "payment_recieved" }, { "name": "payment_received" } ]
}
JSON
run run "$utility" --store "$scratch/names.db" --answers "$scratch/names.json" --clock simulated
check "an answers file naming what the workflow lacks is a usage error" test "$status" -eq 2
check "a misspelt step is located, with a suggestion" grep -qF \
  "names.json:3:5: error: the workflow has no step 'account_setpu'; did you mean 'account_setup'? (at /answers/account_setpu)" "$scratch/err"
check "a misspelt item is located, with a suggestion" grep -qF \
  "names.json:4:24: error: step 'account_setup' has no item 'identity_verifed'; did you mean 'identity_verified'? (at /answers/account_setup/identity_verifed)" "$scratch/err"
check "answers to a step that is no checklist are refused" grep -qF \
  "error: step 'send_invoice' is a send_email step, not a fill_checklist step" "$scratch/err"
check "a misspelt task step is located" grep -qF \
  "names.json:7:14: error: the workflow has no step 'escalate_overdue'; its create_task steps are create_payment_plan, escalate_overdue_payment (at /tasks/escalate_overdue)" "$scratch/err"
check "an outcome the task does not declare is located" grep -qF \
  "error: 'payment_recieved' is not an outcome of task 'escalate_overdue_payment'; did you mean 'payment_received'? (at /tasks/escalate_overdue_payment/0)" "$scratch/err"
check "an event no step waits for is located" grep -qF \
  "names.json:8:33: error: no wait step of the workflow waits for the event 'payment_recieved'; did you mean 'payment_received'? (at /events/0/name)" "$scratch/err"
check "every problem is reported" test "$(grep -c ': error: ' "$scratch/err")" -eq 6
check "nothing ran" test ! -s "$scratch/out"
run instances --store "$scratch/names.db"
check "no instance was started" test "$(wc -l <"$scratch/out")" -le 1

echo '{"answerz": {}}' >"$scratch/field.json"
run run "$utility" --store :memory: --answers "$scratch/field.json"
check "a misspelt field of the file is located, with a suggestion" grep -qxF \
  "$scratch/field.json:1:2: error: unknown field 'answerz'; did you mean 'answers'? (at /answerz)" "$scratch/err"

# A required checkbox must be ticked: false is refused before the run, naming the item.
python3 - "$source_dir/workflows/answers/utility_billing.json" "$scratch/unticked.json" <<'PY'
import json, sys
answers = json.load(open(sys.argv[1]))
answers["answers"]["account_setup"]["identity_verified"] = False
json.dump(answers, open(sys.argv[2], "w"), indent=2, ensure_ascii=False)
PY
run run "$utility" --store :memory: --answers "$scratch/unticked.json" --clock simulated
check "a required checkbox answered false is a usage error" test "$status" -eq 2
check "it names the item by label and id, located" grep -qF \
  "unticked.json:34:28: error: Identität des Kunden geprüft: is required and must be ticked (true), not false (item 'identity_verified') (at /answers/account_setup/identity_verified)" "$scratch/err"
run run "$utility" --store :memory: --lang en --answers "$scratch/unticked.json" --clock simulated
check "--lang picks the label quoted" grep -qF \
  "Customer's identity verified: is required and must be ticked (true), not false" "$scratch/err"

# Waiting at the checklist, a wrong answers file is refused and a corrected one completes it.
run run "$utility" --store "$scratch/resume.db" --outbox "$scratch/outbox" --input "$scratch/input.json"
check "without answers the run waits" test "$status" -eq 3
id=$(sed -n "s/^instance \(i-[0-9a-f-]*\) waits.*/\1/p" "$scratch/out")
run instances resume "$id" --store "$scratch/resume.db" --answers "$scratch/unticked.json" --clock simulated
check "resuming with false for a required checkbox is a usage error" test "$status" -eq 2
check "and names the item" grep -qF "(item 'identity_verified')" "$scratch/err"
run instances resume "$id" --store "$scratch/resume.db" --outbox "$scratch/outbox" \
  --answers "$source_dir/workflows/answers/utility_billing.json" --clock simulated
check "resuming with the corrected file completes the instance" test "$status" -eq 0

# An instance that recorded false for a required checkbox before such answers were refused
# asks for the item again instead of skipping it as answered.
run run "$utility" --store "$scratch/old.db" --outbox "$scratch/outbox" --input "$scratch/input.json"
old=$(sed -n "s/^instance \(i-[0-9a-f-]*\) waits.*/\1/p" "$scratch/out")
python3 - "$scratch/old.db" "$old" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
instance = sys.argv[2]
(last,) = db.execute("SELECT last_sequence FROM instances WHERE id = ?", (instance,)).fetchone()
(previous,) = db.execute("SELECT event FROM events WHERE instance = ? AND sequence = ?",
                         (instance, last)).fetchone()
event = json.loads(previous)
event.update({"seq": last + 1, "type": "answer_recorded", "step": "account_setup",
              "actor": "cli", "data": {"item": "identity_verified", "value": False}})
# Chained to the event before, as ablauf chains them (docs/operations.md): an older ablauf's
# event, given its hash by the migration that added hashes.
import hashlib
(chain,) = db.execute("SELECT hash FROM events WHERE instance = ? AND sequence = ?",
                      (instance, last)).fetchone()
canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
digest = hashlib.sha256((chain + "\n" + canonical).encode()).hexdigest()
db.execute("INSERT INTO events (instance, sequence, event, hash) VALUES (?, ?, ?, ?)",
           (instance, last + 1, json.dumps(event), digest))
db.execute("UPDATE instances SET last_sequence = ? WHERE id = ?", (last + 1, instance))
db.execute("DELETE FROM snapshots WHERE instance = ?", (instance,))
db.commit()
PY
run instances show "$old" --store "$scratch/old.db" --json
check "the old answer false is in the instance" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['data']['steps']['account_setup']['answers']['identity_verified'] is False, d['data']" "$scratch/out"
run instances resume "$old" --store "$scratch/old.db" --outbox "$scratch/outbox"
check "without answers it waits for that item by name" grep -qF \
  "waits for step 'account_setup', item 'identity_verified'" "$scratch/out"
run instances resume "$old" --store "$scratch/old.db" --outbox "$scratch/outbox" \
  --answers "$source_dir/workflows/answers/utility_billing.json" --clock simulated
check "a corrected answers file ticks it and completes the instance" test "$status" -eq 0

# A signature is a name: a number, boolean or object is refused before the run, located.
for value in 17 true '{"name": "Thomas Becker"}' '""'; do
  python3 - "$source_dir/workflows/answers/delinquent_accounts.json" "$scratch/signed.json" "$value" <<'PY'
import json, sys
answers = json.load(open(sys.argv[1]))
answers["answers"]["sign_off"]["signature"] = json.loads(sys.argv[3])
json.dump(answers, open(sys.argv[2], "w"), indent=2, ensure_ascii=False)
PY
  run run "$delinquent" --store "$scratch/signed.db" --answers "$scratch/signed.json" --clock simulated
  check "a signature given as $value is a usage error" test "$status" -eq 2
  check "a signature given as $value is located" grep -qE \
    "signed.json:[0-9]+:[0-9]+: error: 'signature' is a signature: give the name of the person who signs, not .* \(at /answers/sign_off/signature\)" "$scratch/err"
done
run instances --store "$scratch/signed.db"
check "no instance was signed as the file's actor" test "$(wc -l <"$scratch/out")" -le 1

# A form the engine refuses while running (here a limit) leaves nothing of it recorded, its
# signature included, and says it was refused.
run run "$delinquent" --store "$scratch/limit.db" --max-output-bytes 60 \
  --answers "$source_dir/workflows/answers/delinquent_accounts.json" --clock simulated
check "a form refused while running exits 1" test "$status" -eq 1
check "it says the answers were refused" grep -qF "error: the answers to step 'initial_review' were refused: " "$scratch/err"
check "and names the limit" grep -qF "(max_output_bytes)" "$scratch/err"

# A store that fails while recording a form is not blamed on the answers.
run run "$utility" --store "$scratch/dying.db" --outbox "$scratch/outbox" --input "$scratch/input.json"
dying=$(sed -n "s/^instance \(i-[0-9a-f-]*\) waits.*/\1/p" "$scratch/out")
sql "$scratch/dying.db" "CREATE TRIGGER disk_on_fire BEFORE INSERT ON events
  WHEN instr(NEW.event, 'answer_recorded') > 0 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;"
run instances resume "$dying" --store "$scratch/dying.db" --outbox "$scratch/outbox" \
  --answers "$source_dir/workflows/answers/utility_billing.json" --clock simulated
check "a store failing mid-run stops the run, exit 4" test "$status" -eq 4
check "it says the store failed" grep -qF \
  "error: the store failed while recording the answers to step 'account_setup' (store_error): " "$scratch/err"
check "with the store's reason" grep -qF "disk on fire" "$scratch/err"
check "and does not blame the answers" test "$(grep -c "refused" "$scratch/err")" -eq 0
sql "$scratch/dying.db" "DROP TRIGGER disk_on_fire"
run instances show "$dying" --store "$scratch/dying.db" --json
check "nothing of the form was recorded" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert 'account_setup' not in d['data']['steps'], d['data']['steps']" "$scratch/out"

# At a terminal, a person fills a step's form item by item: each prompt says what it accepts,
# a refused value is asked again, and nothing is recorded until the whole form is given.
# `script` gives ablauf a terminal (a pseudo-terminal) whose input is what is piped to it.
cat >"$scratch/form.json" <<'JSON'
{"id": "form", "version": 1, "kind": "workflow", "title": "Form",
 "input": {"type": "object", "additionalProperties": false},
 "steps": [
  {"id": "ask", "type": "fill_checklist", "items": [
    {"id": "disputed", "kind": "choice", "label": "Disputed",
     "options": [{"value": "yes", "label": "Ja"}, {"value": "no", "label": "Nein"}]},
    {"id": "amount", "kind": "number", "label": "Amount", "min": 0, "max": 100,
     "visible_if": "steps.ask.answers.disputed == 'yes'"},
    {"id": "note", "kind": "text", "label": "Note", "required": false}],
   "next": "done"},
  {"id": "done", "type": "end"}]}
JSON
at_terminal() {  # at_terminal INPUT ARGS...: runs ablauf at a terminal that types INPUT
  local input=$1; shift
  printf '%s' "$input" | script -qefc "$(printf '%q ' "$ablauf" "$@")" /dev/null \
    >"$scratch/out" 2>&1
  status=$?
}
at_terminal $'yes\n500\n' run "$scratch/form.json" --store "$scratch/form.db"
check "input that ends mid-form fails the run" test "$status" -ne 0
check "a choice's prompt says what it takes" grep -qF "Disputed [one of yes (Ja), no (Nein)]:" "$scratch/out"
check "a revealed item's prompt says its range" grep -qF "Amount [a number, at least 0, at most 100]:" "$scratch/out"
check "a value out of range is refused at once" grep -qF "Amount: 500 is above the maximum of 100" "$scratch/out"
check "the end of input names the item" grep -qF \
  "the input ended at item 'amount' of step 'ask'; nothing of the step's form was recorded" "$scratch/out"
form_instance=$(sed -n "s/.*instances resume \(i-[0-9a-f-]*\).*/\1/p" "$scratch/out" | head -1)
check "and says how to go on" test -n "$form_instance"
run instances show "$form_instance" --store "$scratch/form.db" --json
check "nothing of the form was recorded, not even the revealing answer" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert 'answers' not in d['data']['steps'].get('ask', {}), d['data']['steps']" "$scratch/out"
at_terminal $'yes\n50\n\n' instances resume "$form_instance" --store "$scratch/form.db"
check "the corrected form completes the instance" test "$status" -eq 0
run instances show "$form_instance" --store "$scratch/form.db" --json
check "with the corrected answers, recorded once" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['status'] == 'completed', d['status']
assert d['data']['steps']['ask']['answers'] == {'disputed': 'yes', 'amount': 50}, d['data']" "$scratch/out"

# A store whose schema version no ablauf writes is refused, naming the file and the version.
run run "$utility" --store "$scratch/corrupt.db" --outbox "$scratch/outbox" --input "$scratch/input.json"
sql "$scratch/corrupt.db" "UPDATE ablauf_schema SET version = -2"
run run "$utility" --store "$scratch/corrupt.db" --outbox "$scratch/outbox" --input "$scratch/input.json"
check "a negative schema version is a usage error" test "$status" -eq 2
check "it names the file and the version" grep -qF \
  "error: '$scratch/corrupt.db' is corrupt: its ablauf_schema table holds the version -2, which no ablauf writes (schema versions count from 1)" "$scratch/err"
run instances --store "$scratch/corrupt.db"
check "listing it says the same" grep -qF "is corrupt" "$scratch/err"

# Files attached by path: kept beside the store, verified, shown in the filled forms, swept
# when orphaned.
meter="$source_dir/tests/data/good/meter_reading.json"
mkdir -p "$scratch/belege"
python3 - "$scratch/belege" <<'PY'
import struct, sys
# An 8x8 grey baseline JPEG (tests/sample_files.hpp) and the start of a PDF.
jpeg = b'\xff\xd8\xff\xdb\x00\x43\x00' + b'\x01' * 64 + b'\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00'
for table in (b'\x00', b'\x10'):
    jpeg += b'\xff\xc4\x00\x14' + table + b'\x01' + b'\x00' * 15 + b'\x00'
jpeg += b'\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x3f\xff\xd9'
open(sys.argv[1] + '/zähler.jpg', 'wb').write(jpeg)
open(sys.argv[1] + '/brief.pdf', 'wb').write(b'%PDF-1.4\n% Brief\n%%EOF\n')
open(sys.argv[1] + '/notiz.txt', 'wb').write(b'kein Bild')
PY
cat >"$scratch/belege/answers.json" <<'JSON'
{
  "answers": {
    "reading": {
      "read_at": "2026-11-23T10:15:00+01:00", "value": 18342.7, "seal_intact": true,
      "meter_photo": ["zähler.jpg"], "letter": "brief.pdf", "signed": "Erika Muster"
    }
  }
}
JSON
run run "$meter" --store "$scratch/files.db" --answers "$scratch/belege/answers.json" --clock simulated
check "a run attaches files named relative to the answers file" test "$status" -eq 0
check "the files are kept beside the store" test "$(find "$scratch/files.db.files" -type f | wc -l)" -eq 2
meter_instance=$(sqlite3 "$scratch/files.db" "SELECT id FROM instances")
run instances show "$meter_instance" --store "$scratch/files.db" --json
check "the answer names the file by hash, name, type and size" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
photo = d['data']['steps']['reading']['answers']['meter_photo'][0]
assert photo['name'] == 'zähler.jpg' and photo['media_type'] == 'image/jpeg' and photo['size'] == 141, photo
assert len(photo['sha256']) == 64 and 'taken_at' in photo, photo" "$scratch/out"
run instances verify --store "$scratch/files.db"
check "the instance and its files verify" test "$status" -eq 0
run export --store "$scratch/files.db" --instance "$meter_instance" -f html -o "$scratch/meter.html"
check "the filled HTML form shows the photo" grep -qF 'data:image/jpeg;base64,/9j/' "$scratch/meter.html"
run export --store "$scratch/files.db" --instance "$meter_instance" -f pdf -o "$scratch/meter.pdf"
check "the filled PDF names the files" sh -c "pdftotext '$scratch/meter.pdf' - | grep -qF 'zähler.jpg (image/jpeg, 141 B)'"
check "and embeds the photo" grep -qaF '/Subtype /Image' "$scratch/meter.pdf"

# A photo swapped in the folder breaks the instance's verification.
photo_file=$(find "$scratch/files.db.files" -type f -size 141c)
cp "$scratch/belege/brief.pdf" "$photo_file"
run instances verify --store "$scratch/files.db"
check "a swapped photo fails verification" test "$status" -eq 1
check "naming the file and what happened" grep -qF "file 'zähler.jpg'" "$scratch/out"
check "it was changed after it was kept" grep -qF "was changed after it was kept" "$scratch/out"

# A file not of the item's types is refused before the run, naming the item.
sed 's/"brief.pdf"/"notiz.txt"/; s/"zähler.jpg"/"fehlt.jpg"/' "$scratch/belege/answers.json" >"$scratch/belege/wrong.json"
run run "$meter" --store "$scratch/wrong.db" --answers "$scratch/belege/wrong.json"
check "a missing file is refused before the run" grep -qF "there is no file $scratch/belege/fehlt.jpg" "$scratch/err"

# An orphan (a file no answer refers to) is swept once old enough; answered files never are.
mkdir -p "$scratch/files.db.files/00"
orphan="$scratch/files.db.files/00/$(printf '0%.0s' $(seq 62))"
echo "left by a killed upload" >"$orphan"
run files sweep --store "$scratch/files.db"
check "a fresh orphan is left for later" test -f "$orphan"
touch -d '2 days ago' "$orphan"
run files sweep --store "$scratch/files.db"
check "an old orphan is swept" test ! -f "$orphan"
check "the sweep says what it did" grep -qF "removed 1 orphaned file (24 B); kept 2 answered with" "$scratch/out"
check "answered files stay" test "$(find "$scratch/files.db.files" -type f | wc -l)" -eq 2

# An escalated delinquent account waits for its corrective action; the answers file names who
# does it, and a misspelt item or one person both doing and verifying is refused, located.
python3 - "$source_dir/workflows/answers/delinquent_accounts.json" "$scratch" <<'PY'
import json, os, sys
answers = json.load(open(sys.argv[1]))
for step in answers["answers"].values():  # files attach relative to the file: none here
    step.pop("case_documents", None)
answers["answers"]["escalation"] = {"escalation_required": "yes", "supervisor_informed": True,
                                    "collection_handover_prepared": True, "parties_informed": True}
json.dump(answers, open(os.path.join(sys.argv[2], "escalated.json"), "w"), ensure_ascii=False)
answers["actions"] = {"escalation": {"escalation_required": {"done_by": "petra.schulz"}}}
json.dump(answers, open(os.path.join(sys.argv[2], "closed.json"), "w"), ensure_ascii=False)
answers["actions"] = {"escalation": {"escalation_requird": {"done_by": "petra.schulz"}},
                      "sign_off": {"signature": {"done_by": "a", "verified_by": "b"}}}
json.dump(answers, open(os.path.join(sys.argv[2], "misnamed.json"), "w"), indent=2, ensure_ascii=False)
PY
run run "$delinquent" --store "$scratch/escalated.db" --answers "$scratch/escalated.json" --clock simulated
check "an escalated case waits for its corrective action" test "$status" -eq 3
check "and says which" grep -qF 'waits for the corrective action "Eskalierten Mahnfall prüfen und das weitere Vorgehen freigeben" (item '"'"'escalation_required'"'"' of step '"'"'escalation'"'"')' "$scratch/out"
escalated=$(sed -n "s/^instance \(i-[0-9a-f-]*\) waits.*/\1/p" "$scratch/out")
run instances resume "$escalated" --store "$scratch/escalated.db" --answers "$scratch/closed.json" --clock simulated
check "the action named in the answers file is done and the case completes" test "$status" -eq 0
check "by the person named" grep -qF "corrective action done by petra.schulz: Eskalierten Mahnfall" "$scratch/out"
run run "$delinquent" --store :memory: --answers "$scratch/misnamed.json"
check "actions for items that raise none are a usage error" test "$status" -eq 2
check "a misspelt item is located, with a suggestion" grep -qE \
  "misnamed.json:[0-9]+:[0-9]+: error: step 'escalation' has no item or rule 'escalation_requird' that raises corrective actions; did you mean 'escalation_required'\? \(at /actions/escalation/escalation_requird\)" "$scratch/err"
check "an item that raises none is named" grep -qF \
  "error: step 'sign_off' has no item or rule 'signature' that raises corrective actions; none of its items does (at /actions/sign_off/signature)" "$scratch/err"

finish
