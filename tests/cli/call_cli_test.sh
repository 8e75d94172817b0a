#!/usr/bin/env bash
# Runs of a workflow that calls another: the callee given beside it (as a file or a folder),
# its checklist answered and its timers let pass on the simulated clock, and its absence said
# before anything runs.
# Usage: call_cli_test.sh ABLAUF_BINARY
set -u
ablauf=$1
source "$(dirname "${BASH_SOURCE[0]}")/support.sh"

mkdir -p "$scratch/defs"
# The caller waits for a review that takes a day and a signed checklist.
cat >"$scratch/order.json" <<'JSON'
{"id": "order", "version": 1, "kind": "workflow", "title": "Order",
 "input": {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]},
 "steps": [
   {"id": "review", "type": "call", "workflow": "review", "input": {"amount": {"=": "input.amount"}},
    "next": [{"when": "steps.review.output.vars.decision == 'approve'", "to": "ship"},
             {"to": "stop"}]},
   {"id": "ship", "type": "end"},
   {"id": "stop", "type": "end", "status": "failed"}]}
JSON
cat >"$scratch/defs/review.json" <<'JSON'
{"id": "review", "version": 1, "kind": "workflow", "title": "Review",
 "input": {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]},
 "steps": [
   {"id": "cool_off", "type": "wait", "duration": "PT1H", "next": "check"},
   {"id": "check", "type": "fill_checklist", "title": "Check",
    "sections": [{"id": "main", "title": "Main", "items": [
      {"id": "decision", "kind": "choice", "label": "Decision", "required": true,
       "options": [{"value": "approve", "label": "Approve"}, {"value": "reject", "label": "Reject"}]}]}],
    "assign": {"decision": "steps.check.answers.decision"}, "next": "done"},
   {"id": "done", "type": "end"}]}
JSON
cat >"$scratch/answers.json" <<'JSON'
{"input": {"amount": 120}, "answers": {"check": {"decision": "approve"}}}
JSON

# Without its callee, the run says so before it starts anything.
run run "$scratch/order.json" --answers "$scratch/answers.json" --store "$scratch/none.db" \
  --clock simulated
check "a missing callee is a usage error" test "$status" -eq 2
check "the missing callee is named, with how to give it" grep -qF \
  "order.json: error: 'order' calls the workflow 'review', which none of the definitions given is; give its file too" \
  "$scratch/err"
check "nothing ran" test ! -s "$scratch/out"

# The callee as a second file: its timer passes on the simulated clock, its form is answered
# from the same file, and the caller completes.
run run "$scratch/order.json" "$scratch/defs/review.json" --answers "$scratch/answers.json" \
  --store "$scratch/files.db" --clock simulated
check "a run with its callee given completes" test "$status" -eq 0
check "the caller completed" grep -qF "completed" "$scratch/out"
check "the caller took the callee's result" grep -qF "done     review" "$scratch/out"
check "the callee's steps show, marked with its workflow" grep -qF \
  "[day 0 +1h] review › done     check — Check  (step 2)" "$scratch/out"
run instances --store "$scratch/files.db" --workflow review
check "the callee ran to its end" grep -q "completed" "$scratch/out"

# The callee from a folder; the answers file names a step of the callee with a typo.
printf '{"input": {"amount": 5}, "answers": {"chek": {"decision": "approve"}}}' >"$scratch/typo.json"
run run "$scratch/order.json" --definitions "$scratch/defs" --answers "$scratch/typo.json" \
  --store "$scratch/typo.db" --clock simulated
check "a misspelt callee step is refused" test "$status" -eq 2
check "the callee's steps are suggested" grep -qF \
  "error: no workflow of the run has a step 'chek'; did you mean 'check'?" "$scratch/err"

# Without answers, the run stops at the callee's form and names it; resume carries it on.
echo '{"amount": 7}' >"$scratch/input.json"
run run "$scratch/order.json" --definitions "$scratch/defs" --input "$scratch/input.json" \
  --store "$scratch/folder.db" --clock simulated
check "a callee's open form leaves the run waiting" test "$status" -eq 3
# The form comes after the callee's hour-long wait: the simulated clock let it pass.
check "the waiting form is the callee's, named with its instance" grep -qE \
  "waits for step 'check', item 'decision' of sub-workflow 'review' \(instance [^)]+\)" \
  "$scratch/out"
id=$(sed -n "s/^instance \([^ ]*\) waits.*/\1/p" "$scratch/out")
echo '{"answers": {"check": {"decision": "reject"}}}' >"$scratch/no.json"
run instances resume "$id" --store "$scratch/folder.db" --answers "$scratch/no.json"
check "resume answers the callee's form, and the caller ends as the answer says" \
  test "$status" -eq 1
check "the caller took the callee's answer" grep -qF "instance $id failed" "$scratch/out"

# A folder and a file giving one version of a workflow with two texts are refused.
sed 's/"Review"/"Review again"/' "$scratch/defs/review.json" >"$scratch/review_changed.json"
run run "$scratch/order.json" "$scratch/review_changed.json" --definitions "$scratch/defs" \
  --store :memory:
check "two texts of one version are refused" test "$status" -eq 1
check "both files are named" grep -qF \
  "review.json: error: version 1 of 'review' is also in $scratch/review_changed.json, with another text" \
  "$scratch/err"

# A version the store keeps with another text is refused when resume is given it.
run instances resume "$id" --store "$scratch/folder.db" --definitions "$scratch/review_changed.json"
check "resume refuses a changed kept version" test "$status" -eq 1
check "the store's text is named" grep -qF \
  "error: version 1 of 'review' is in the store with another text" "$scratch/err"

finish
