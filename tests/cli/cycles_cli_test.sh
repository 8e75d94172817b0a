#!/usr/bin/env bash
# `ablauf run --cycles N`: a definition's schedule starts its instances on the simulated clock,
# each with the run's input and the occurrence's laid over it, and the run drives them side by
# side in time: a reminder of the first month goes out before the second month's invoice.
# Usage: cycles_cli_test.sh ABLAUF_BINARY
set -u
ablauf=$1
source "$(dirname "${BASH_SOURCE[0]}")/support.sh"

cat >"$scratch/monthly.json" <<'JSON'
{"id": "monthly_invoice", "version": 1, "kind": "workflow", "title": "Monatsrechnung",
 "default_language": "de", "time_zone": "Europe/Berlin",
 "schedules": [{"id": "billing_run", "rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0",
                "input": {"period": "{{occurrence.date}}"}}],
 "input": {"type": "object", "required": ["customer", "period"],
           "properties": {"customer": {"type": "string"}, "period": {"type": "string"}}},
 "steps": [
   {"id": "send_invoice", "type": "send_email", "to": "kunde@example.de",
    "subject": "Rechnung {{input.period}} für {{input.customer}}", "body": "Guten Tag", "next": "wait"},
   {"id": "wait", "type": "wait", "event": "paid", "timeout": "P14D",
    "on_timeout": "remind", "next": "done"},
   {"id": "remind", "type": "send_email", "to": "kunde@example.de",
    "subject": "Erinnerung {{input.period}}", "body": "Bitte zahlen Sie.", "next": "done"},
   {"id": "done", "type": "end"}]}
JSON
echo '{"input": {"customer": "Sabine Hoffmann"}}' >"$scratch/answers.json"
echo '{"input": {"customer": "Sabine Hoffmann"},
       "events": [{"after": "P3D", "name": "paid"}]}' >"$scratch/paid.json"

# The subjects and dates of the mails in FOLDER, oldest first, one "DATE SUBJECT" a line.
mails() {
  /usr/bin/python3 - "$1" <<'PY'
import email, email.policy, email.utils, pathlib, sys, zoneinfo
berlin = zoneinfo.ZoneInfo("Europe/Berlin")
lines = []
for path in pathlib.Path(sys.argv[1]).glob("*.eml"):
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    when = email.utils.parsedate_to_datetime(mail["Date"]).astimezone(berlin)
    lines.append((when, f"{when:%d %H:%M} {mail['Subject']}"))
print("\n".join(line for _, line in sorted(lines)))
PY
}

run run "$scratch/monthly.json" --answers "$scratch/answers.json" --clock simulated --cycles 2 \
  --store "$scratch/a.db" --outbox "$scratch/outbox"
check "two unpaid cycles run to the end" test "$status" -eq 0
check "each cycle's lines are marked" grep -q "cycle 2 › done     remind" "$scratch/out"
mails "$scratch/outbox" >"$scratch/mails"
check "an invoice on the 1st at 06:00 Berlin time, a reminder 14 days later, in time order" \
  /usr/bin/python3 - "$scratch/mails" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 4, lines
kinds = [line.split(" ")[2] for line in lines]
assert kinds == ["Rechnung", "Erinnerung", "Rechnung", "Erinnerung"], lines
assert [line[:8] for line in lines] == ["01 06:00", "15 06:00", "01 06:00", "15 06:00"], lines
periods = [re.search(r"\d{4}-\d{2}-\d{2}", line).group() for line in lines]
assert periods[0] == periods[1] and periods[2] == periods[3] and periods[0] < periods[2], lines
assert "Sabine Hoffmann" in lines[0], lines
PY
check "each instance has its occurrence's business key" \
  test "$("$ablauf" instances --store "$scratch/a.db" --json | grep -o 'billing_run@' | wc -l)" -eq 2

run run "$scratch/monthly.json" --answers "$scratch/answers.json" --clock simulated --cycles 1 \
  --store "$scratch/a.db" --outbox "$scratch/outbox"
check "a second run carries on with the next month" test "$status" -eq 0
check "and starts no cycle twice" \
  test "$("$ablauf" instances --store "$scratch/a.db" --json | grep -o 'billing_run@' | wc -l)" -eq 3

run run "$scratch/monthly.json" --answers "$scratch/paid.json" --clock simulated --cycles 2 \
  --store "$scratch/b.db" --outbox "$scratch/paid"
check "each cycle takes the script's payment on its own third day" test "$status" -eq 0
check "so no reminder goes out" test "$(mails "$scratch/paid" | grep -c Rechnung)" -eq 2
check "not one" test "$(mails "$scratch/paid" | grep -c Erinnerung)" -eq 0

# A cycle left waiting (for a task outcome the script did not give) is carried on by the next
# run, which starts the next month besides; no mail goes out twice.
python3 - "$scratch/monthly.json" "$scratch/approved.json" <<'PY'
import json, sys
definition = json.load(open(sys.argv[1]))
definition["id"] = "approved_invoice"
definition["steps"][0]["next"] = "approve"
definition["steps"].insert(1, {"id": "approve", "type": "create_task", "assignee": "billing",
                               "outcomes": ["ok"], "next": "wait"})
json.dump(definition, open(sys.argv[2], "w"))
PY
echo '{"input": {"customer": "Sabine Hoffmann"}, "tasks": {"approve": ["ok"]}}' >"$scratch/ok.json"
run run "$scratch/approved.json" --answers "$scratch/answers.json" --clock simulated --cycles 1 \
  --store "$scratch/c.db" --outbox "$scratch/approved"
check "a cycle waiting for a task leaves the run waiting" test "$status" -eq 3
run run "$scratch/approved.json" --answers "$scratch/ok.json" --clock simulated --cycles 1 \
  --store "$scratch/c.db" --outbox "$scratch/approved"
check "the next run carries it on and starts the next month" test "$status" -eq 0
check "both cycles completed" \
  test "$("$ablauf" instances --store "$scratch/c.db" --json | grep -o '"completed"' | wc -l)" -eq 2
check "each month's invoice went out once" test "$(mails "$scratch/approved" | grep -c Rechnung)" -eq 2

run run "$scratch/monthly.json" --answers "$scratch/answers.json" --cycles 2 --store :memory:
check "--cycles needs the simulated clock" test "$status" -eq 2
check "and says so" grep -q "add --clock simulated" "$scratch/err"
echo '{"id": "plain", "version": 1, "kind": "workflow", "title": "x",
       "steps": [{"id": "done", "type": "end"}]}' >"$scratch/plain.json"
run run "$scratch/plain.json" --clock simulated --cycles 2 --store :memory:
check "a definition without schedules has no cycles" test "$status" -eq 2
check "which the error names" grep -q "which has none" "$scratch/err"
run run "$scratch/monthly.json" --answers "$scratch/answers.json" --clock simulated --cycles 0 \
  --store :memory:
check "zero cycles is refused" test "$status" -eq 2
run run "$scratch/monthly.json" --answers "$scratch/answers.json" --clock simulated --cycles 121 \
  --store :memory:
check "so are more than 120" test "$status" -eq 2
run run "$scratch/monthly.json" --answers "$scratch/answers.json" --clock simulated --cycles 2 \
  --key K-1 --store :memory:
check "a business key does not go with cycles" test "$status" -eq 2
finish
