#!/usr/bin/env bash
# The ablauf command line as people and editors use it: exit statuses, compiler-style
# diagnostics on stderr, --help everywhere, unknown flags refused.
# Usage: cli_test.sh ABLAUF_BINARY SOURCE_DIR
set -u
ablauf=$1
source_dir=$2
source "$(dirname "${BASH_SOURCE[0]}")/support.sh"

run validate "$source_dir"/workflows/*.json
check "every seed workflow validates" test "$status" -eq 0
check "validate reports each file on stdout" grep -q "invoicing_and_payments.json: ok: workflow" "$scratch/out"
check "validate quotes the title in the definition's language" grep -q "utility_billing.json: ok: .*: Abrechnung und Kundenservice" "$scratch/out"
run validate --strict "$source_dir"/workflows/*.json
check "every seed workflow declares its input and passes --strict" test "$status" -eq 0
printf '{"id": "w", "version": 1, "kind": "workflow", "title": "W",\n "steps": [{"id": "done", "type": "end"}]}\n' >"$scratch/undeclared.json"
run validate "$scratch/undeclared.json"
check "a definition without declared input validates" test "$status" -eq 0
run validate --strict "$scratch/undeclared.json"
check "but not with --strict" test "$status" -eq 1
check "which says what to declare" grep -qF "undeclared.json:1:1: error: the definition declares no \"input\", which strict checking requires" "$scratch/err"
run validate --lang en "$source_dir"/workflows/utility_billing.json
check "validate --lang en quotes it in English" grep -q "22 steps: Utility billing and customer service$" "$scratch/out"

cat >"$scratch/broken.json" <<'JSON'
{
  "id": "broken",
  "version": 1,
  "kind": "workflow",
  "title": "Kaputt",
  "steps": [
    { "id": "mail", "type": "send_emial", "to": "a@b.c" },
    { "id": "wait", "type": "wait", "duration": "P1D2H", "nxt": "end" },
    { "id": "end", "type": "end" }
  ]
}
JSON
run validate "$scratch/broken.json"
check "a broken definition exits 1" test "$status" -eq 1
check "unknown type is located" grep -qF "broken.json:7:29: error: unknown step type 'send_emial'; did you mean 'send_email'? (at /steps/0/type)" "$scratch/err"
check "bad duration points inside the string" grep -qF "broken.json:8:54: error: 'P1D2H' is not a duration" "$scratch/err"
check "misspelt field gets a suggestion" grep -qF "broken.json:8:58: error: unknown field 'nxt' in a wait step; did you mean 'next'? (at /steps/1/nxt)" "$scratch/err"
check "every error is reported" test "$(grep -c ': error: ' "$scratch/err")" -eq 3
check "nothing on stdout for a broken file" test ! -s "$scratch/out"
run validate --format json "$scratch/broken.json" "$source_dir/workflows/utility_billing.json"
check "validate --format json exits as text does" test "$status" -eq 1
check "it prints every finding of every file as one document" python3 -c "
import json, sys
files = {f['file'].split('/')[-1]: f for f in json.load(open(sys.argv[1]))['files']}
broken, good = files['broken.json'], files['utility_billing.json']
assert not broken['valid'] and broken['errors'] == 3 and len(broken['findings']) == 3, broken
assert good['valid'] and good['findings'] == [], good
found = [f for f in broken['findings'] if f['code'] == 'unknown_step_type'][0]
assert (found['line'], found['column'], found['pointer']) == (7, 29, '/steps/0/type'), found
" "$scratch/out"
check "and nothing on stderr" test ! -s "$scratch/err"
run validate --format sarif "$scratch/broken.json"
check "validate --format sarif writes a SARIF 2.1.0 log" python3 -c "
import json, sys
log = json.load(open(sys.argv[1]))
assert log['version'] == '2.1.0', log
run = log['runs'][0]
assert run['tool']['driver']['name'] == 'ablauf' and run['columnKind'] == 'unicodeCodePoints'
assert {r['id'] for r in run['tool']['driver']['rules']} == {r['ruleId'] for r in run['results']}
result = [r for r in run['results'] if r['ruleId'] == 'unknown_step_type'][0]
where = result['locations'][0]['physicalLocation']
assert result['level'] == 'error' and where['artifactLocation']['uri'].endswith('broken.json')
assert (where['region']['startLine'], where['region']['startColumn']) == (7, 29), where
assert result['properties']['pointer'] == '/steps/0/type'
" "$scratch/out"
run schema --input "$source_dir/workflows/utility_billing.json"
check "schema --input prints the input a definition declares" python3 -c "
import json, sys
printed = json.load(open(sys.argv[1]))
assert printed == json.load(open(sys.argv[2]))['input'], printed
" "$scratch/out" "$source_dir/workflows/utility_billing.json"
run schema --input "$scratch/undeclared.json"
check "and says so for a definition that declares none" grep -qF "undeclared.json: error: the definition declares no \"input\"" "$scratch/err"
run validate --format xml "$scratch/broken.json"
check "an unknown format is a usage error" test "$status" -eq 2

run validate --werror "$source_dir/tests/data/golden/approval.json"
check "a valid file passes --werror when it has no warnings" test "$status" -eq 0

run validate "$scratch/missing.json"
check "a missing file is a usage error" test "$status" -eq 2

run validate --no-such-flag "$source_dir/workflows/utility_billing.json"
check "unknown flags are errors" test "$status" -eq 2
run graph --lang fr "$source_dir/workflows/utility_billing.json"
check "graph in a language the definition lacks still draws it" test "$status" -eq 0
check "and says what it fell back to" grep -qF "warning: 'utility_billing' has no texts in 'fr'; shown in 'de' instead" "$scratch/err"
run graph --lang en "$source_dir/workflows/utility_billing.json"
check "a language it has draws without a word" test ! -s "$scratch/err"
run graph --help
check "help names the formats, not CLI11's numbers for them" grep -qF -- "-f,--format FORMAT:{dot,mermaid,svg}" "$scratch/out"
run graph -f 0 "$source_dir/workflows/utility_billing.json"
check "a format given as a number is refused" test "$status" -eq 2
run export -f PDF -o "$scratch/upper.pdf" "$source_dir/workflows/delinquent_accounts.json"
check "a format in capitals is taken" test "$status" -eq 0
run valdiate "$source_dir/workflows/utility_billing.json"
check "a misspelt command is a usage error" test "$status" -eq 2
check "which names it, with a suggestion" grep -qF "ablauf: unknown command 'valdiate'; did you mean 'validate'?" "$scratch/err"
run validate --lnag de "$source_dir/workflows/utility_billing.json"
check "a misspelt option is named as an option" grep -qF "ablauf: unknown option '--lnag' of 'ablauf validate'; did you mean '--lang'?" "$scratch/err"
run instances shwo x --store "$scratch/none.db"
check "and a misspelt command of a command" grep -qF "ablauf: unknown command 'shwo' of 'ablauf instances'; did you mean 'show'?" "$scratch/err"
run instances --store "$scratch/none.db" --status waiting
check "values of options are not taken for commands" test "$(grep -c 'unknown command' "$scratch/err")" -eq 0

run validate --max-steps 3 "$source_dir/workflows/utility_billing.json"
check "limits are flags" grep -qF "(max_steps)" "$scratch/err"
run validate --max-timer-horizon P6D "$source_dir/workflows/utility_billing.json"
check "the timer horizon is a flag" grep -qF "error: the duration P7D lasts longer than the limit of P6D (max_timer_horizon) (at /steps/6/due)" "$scratch/err"
run validate --max-timer-horizon P1Y "$source_dir/workflows/utility_billing.json"
check "a horizon in years is refused" test "$status" -eq 2
run run --store :memory: --clock simulated --max-activations 3 "$source_dir/workflows/utility_billing.json" \
  --answers "$source_dir/workflows/answers/utility_billing.json"
check "an engine limit given as a flag stops the instance" test "$status" -eq 1
check "the engine limit is named" grep -qF "(max_activations)" "$scratch/out"

for command in "" validate graph export eval run instances "instances show" "instances resume" kpi schedules; do
  run $command --help
  check "--help for '${command:-ablauf}'" test "$status" -eq 0
  check "--help for '${command:-ablauf}' prints usage" grep -qi "usage" "$scratch/out"
done

run validate --require-lang en --require-lang de "$source_dir"/workflows/*.json
check "every seed definition is translated into English and German" test "$status" -eq 0 -a ! -s "$scratch/err"
run validate --require-lang fr --werror "$source_dir/workflows/delinquent_accounts.json"
check "a missing translation is a warning, an error with --werror" test "$status" -eq 1
check "the missing translation is located" grep -q "^.*delinquent_accounts.json:[0-9]*:[0-9]*: warning: .* has no translation into 'fr' (at /title)" "$scratch/err"

run graph "$source_dir/workflows/invoicing_and_payments.json"
check "graph prints DOT" grep -q "^digraph" "$scratch/out"
run graph --format mermaid --lang en "$source_dir/workflows/invoicing_and_payments.json"
check "graph prints Mermaid in English" grep -q "Check customer data" "$scratch/out"
run graph --format png "$source_dir/workflows/invoicing_and_payments.json"
check "an unknown format is refused" test "$status" -eq 2
run graph "$scratch/broken.json"
check "graph of a broken definition exits 1" test "$status" -eq 1

run export --lang en -o "$scratch/form.md" "$source_dir/workflows/delinquent_accounts.json"
check "export writes the golden form" cmp -s "$scratch/form.md" \
  "$source_dir/tests/data/golden/print/delinquent_accounts.en.md"
run export "$source_dir/workflows/utility_billing.json"
check "export prints a workflow's checklists in its default language" \
  grep -q "^## Kundenkonto einrichten" "$scratch/out"
run export --format html --lang en "$source_dir/workflows/delinquent_accounts.json"
check "export writes an HTML page" grep -q '^<html lang="en">' "$scratch/out"
run export --format pdf -o "$scratch/form.pdf" "$source_dir/workflows/delinquent_accounts.json"
check "export writes a PDF" grep -q "^%PDF-" "$scratch/form.pdf"
"$ablauf" run "$source_dir/workflows/delinquent_accounts.json" --store "$scratch/print.db" \
  --answers "$source_dir/workflows/answers/delinquent_accounts.json" --clock simulated >/dev/null
instance=$("$ablauf" instances --store "$scratch/print.db" | awk 'NR == 2 { print $1 }')
run export --instance "$instance" --store "$scratch/print.db" --lang en
check "export --instance prints the answers with who gave them" \
  grep -q '^- \[x\] \*\*Legitimacy of the dunning notice checked\*\* \\\* — _thomas.becker' "$scratch/out"
check "export --instance prints the signature's hash" grep -q "SHA-256 of the answers signed \`[0-9a-f]\{64\}\`" "$scratch/out"
run export --instance i-none --store "$scratch/print.db"
check "export of an unknown instance exits 2" test "$status" -eq 2
# An instance whose definition the store does not keep: the same status from both commands.
cp "$scratch/print.db" "$scratch/unkept.db"
python3 -c "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute('DELETE FROM definitions'); db.commit()" "$scratch/unkept.db"
run export --instance "$instance" --store "$scratch/unkept.db"
check "export of an instance without its kept definition exits 2" test "$status" -eq 2
check "and says the store keeps none" grep -qF "error: the store keeps no definition of delinquent_accounts version" "$scratch/err"
run graph --instance "$instance" --store "$scratch/unkept.db"
check "graph of an instance without its kept definition exits 2, as export does" test "$status" -eq 2
# A reader leaves the store as it found it: no write-ahead log beside it.
run instances --store "$scratch/unkept.db"
check "listing reads the store" grep -q "delinquent_accounts" "$scratch/out"
check "a read-only open leaves no -wal or -shm file" test ! -e "$scratch/unkept.db-wal" -a ! -e "$scratch/unkept.db-shm"
run export
check "export without a file or an instance exits 2" test "$status" -eq 2
run export --format docx "$source_dir/workflows/delinquent_accounts.json"
check "export refuses an unknown format" test "$status" -eq 2
run export "$scratch/broken.json"
check "export of a broken definition exits 1" test "$status" -eq 1

cat >"$scratch/data.json" <<'JSON'
{"input": {"invoice": {"total": 1500}, "customer": {"country": "DE", "name": "Müller"}},
 "steps": {"verify": {"answers": {"a": 1, "b": 2, "c": 3}}}}
JSON
run eval "input.invoice.total > 1000 && input.customer.country == 'DE'" --data "$scratch/data.json"
check "eval prints a condition's value" test "$status" -eq 0 -a "$(cat "$scratch/out")" = "true"
run eval "size(steps.verify.answers) * 1.5" --data "$scratch/data.json"
check "eval prints numbers as people write them" test "$(cat "$scratch/out")" = "4.5"
run eval "date_add('2026-01-31', 'P1M')"
check "eval works without data" test "$(cat "$scratch/out")" = '"2026-02-28"'
run eval "input.customer.name > 3" --data "$scratch/data.json"
check "an evaluation error exits 1" test "$status" -eq 1
check "an evaluation error names its column and type" grep -qF "expression:1:21: error: cannot order a string and a number" "$scratch/err"
check "the error shows a caret under the column" grep -qxF "                      ^" "$scratch/err"
run eval "inptu.total" --data "$scratch/data.json"
check "a syntax error exits 1" test "$status" -eq 1
check "a syntax error suggests the name" grep -qF "did you mean 'input'?" "$scratch/err"
run eval --jsonlogic '{"if": [{"<": [{"var": "input.invoice.total"}, 1000]}, "small", "large"]}' --data "$scratch/data.json"
check "eval --jsonlogic prints the rule's value" test "$(cat "$scratch/out")" = '"large"'
run eval --jsonlogic '{"and": [true, {"lenght": 1}]}'
check "a bad rule names the pointer" grep -qF "rule at /and/1/lenght: error: unknown operation 'lenght'" "$scratch/err"
run eval --jsonlogic '{"and": ['
check "a rule that is not JSON exits 1" test "$status" -eq 1
run eval "input.x" --data "$scratch/missing.json"
check "a missing data file is a usage error" test "$status" -eq 2
# eval --definition --step: the expression typed where the step's transitions are read.
utility="$source_dir/workflows/utility_billing.json"
run eval "input.invoice.total" --definition "$utility" --step debt_check
check "eval --step prints a declared field's type" test "$status" -eq 0 -a "$(cat "$scratch/out")" = "type: a number"
run eval "steps.escalate_overdue_payment.outcome" --definition "$utility" --step route_escalation
check "eval --step prints a task outcome's options" grep -qxF \
  "type: a string, one of 'payment_received', 'new_payment_terms', 'collection_agency', 'terminate_service'" "$scratch/out"
run eval "input.invoice.totl > 5" --definition "$utility" --step debt_check
check "a field the input does not declare is a warning in the step's scope" test "$status" -eq 0
check "and is located with a suggestion" grep -qF \
  "expression:1:1: warning: input.invoice declares no field 'totl', so it is read as any value; did you mean 'total'?" "$scratch/err"
run eval "input.invoice.total > '5'" --definition "$utility" --step debt_check
check "a comparison across types exits 1 in the step's scope" test "$status" -eq 1
check "and names both types at the operator" grep -qF \
  "expression:1:21: error: cannot order input.invoice.total (a number) and '5' (a string)" "$scratch/err"
run eval "steps.escalate_overdue_payment.outcome == 'paid'" --definition "$utility" --step route_escalation
check "a value a task's outcome never takes is an error" grep -qF \
  "error: steps.escalate_overdue_payment.outcome is never 'paid'" "$scratch/err"
run eval "upper(steps.escalate_overdue_payment.outcome)" --definition "$utility" --step debt_check
check "a path into a step that has not run is a warning, the type still printed" \
  test "$status" -eq 0 -a "$(cat "$scratch/out")" = "type: a string"
check "the warning says the step may not have completed" grep -qF \
  "warning: steps.escalate_overdue_payment may not have completed when step 'debt_check' leads on" "$scratch/err"
run eval "steps.escalate_overdue_paymnt.outcome" --definition "$utility" --step debt_check
check "an unknown step in the step's scope is an error" test "$status" -eq 1
check "with a suggestion" grep -qF \
  "expression:1:1: error: there is no step 'escalate_overdue_paymnt'; did you mean 'escalate_overdue_payment'?" "$scratch/err"
run eval "input.invoice.total" --definition "$utility" --step debt_chek
check "an unknown --step is a usage error" test "$status" -eq 2
check "with a suggestion" grep -qF "has no step 'debt_chek'; did you mean 'debt_check'?" "$scratch/err"
run eval "input.invoice.total" --step debt_check
check "--step needs --definition" test "$status" -eq 2

for workflow in "$source_dir"/workflows/*.json; do
  name=$(basename "$workflow" .json)
  run run "$workflow" --answers "$source_dir/workflows/answers/$name.json" --clock simulated \
    --outbox "$scratch/outbox-$name" </dev/null
  check "$name runs to its end with its answers file" test "$status" -eq 0
  check "$name says it completed" grep -q "completed$" "$scratch/out"
done
check "the invoicing run mailed the customer" grep -q "^Subject: Ihre Rechnung" "$scratch"/outbox-invoicing_and_payments/*.eml
check "the utility run reminded three times" test "$(ls "$scratch/outbox-utility_billing" | wc -l)" -eq 4
check "the utility run escalated four weeks after the due date" grep -q "day 4[0-2] .*task .*eskalieren" "$scratch/out"
# The seeds' inputs on their own, as a host would give them.
for name in invoicing_and_payments utility_billing; do
  python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['input']))" \
    "$source_dir/workflows/answers/$name.json" >"$scratch/$name-input.json"
done
run run "$source_dir/workflows/invoicing_and_payments.json" --outbox "$scratch/outbox" \
  --input "$scratch/invoicing_and_payments-input.json" </dev/null
check "without answers and a terminal, run stops at the first human step" test "$status" -eq 3
check "it says where it waits and how to go on" grep -q "waits for step 'check_customer_data'.*" "$scratch/out"
run run "$source_dir/workflows/utility_billing.json" --json --clock simulated --outbox "$scratch/outbox-json" \
  --answers "$source_dir/workflows/answers/utility_billing.json" </dev/null
check "--json prints the final instance" python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['status']=='completed' and d['history'][0]['type']=='instance_started'" "$scratch/out"
echo '{"answers": {"account_setup": {"identity_verified": "ja"}}}' >"$scratch/bad-answers.json"
run run "$source_dir/workflows/utility_billing.json" --answers "$scratch/bad-answers.json" \
  --outbox "$scratch/outbox-bad" </dev/null
check "an answer its item refuses is a usage error, found before the run" test "$status" -eq 2
check "a refused scripted answer says why and where" grep -qF "bad-answers.json:1:53: error: Identität des Kunden geprüft: expected true or false, not a string (at /answers/account_setup/identity_verified)" "$scratch/err"
echo '{"business_key": 17}' >"$scratch/key-answers.json"
run run "$source_dir/workflows/utility_billing.json" --answers "$scratch/key-answers.json" </dev/null
check "a business key that is not a string is a usage error" test "$status" -eq 2
check "it says what the key must be" grep -q "'business_key' must be a non-empty string" "$scratch/err"
echo '{"answerz": {}}' >"$scratch/typo-answers.json"
run run "$source_dir/workflows/utility_billing.json" --answers "$scratch/typo-answers.json" </dev/null
check "an unknown field in an answers file is a usage error" test "$status" -eq 2

cat >"$scratch/titled.json" <<'JSON'
{"id": "titled", "version": 1, "kind": "workflow", "title": "T", "default_language": "de",
 "steps": [{"id": "wait", "type": "wait", "event": "paid",
            "title": "Zahlung von {{input.name}} abwarten", "next": "done"},
           {"id": "done", "type": "end"}]}
JSON
echo '{"name": "Erika"}' >"$scratch/titled-input.json"
run run "$scratch/titled.json" --store "$scratch/titled.db" --input "$scratch/titled-input.json" </dev/null
check "run shows a title written as a template filled in" grep -q "waits    wait — Zahlung von Erika abwarten for event$" "$scratch/out"
titled_id=$(sed -n "s/^instance \(i-[0-9a-f-]*\) waits.*/\1/p" "$scratch/out")
run instances show "$titled_id" --store "$scratch/titled.db"
check "and so does its timeline" grep -q "„Zahlung von Erika abwarten“ wartet auf das Ereignis „paid“" "$scratch/out"
run run "$scratch/titled.json" --store :memory: --input "$scratch/titled-input.json" </dev/null
check "a run on a store in memory does not offer to resume it" grep -qF "Its store was in memory and is gone with this run" "$scratch/out"
check "nor names instances resume" test "$(grep -c 'instances resume' "$scratch/out")" -eq 0

# The store: what run leaves behind, listed, shown and resumed by `instances`.
run instances --store "$scratch/none.db"
check "listing a store that is not there is a usage error" test "$status" -eq 2
run run "$source_dir/workflows/invoicing_and_payments.json" --store "$scratch/i.db" \
  --input "$scratch/invoicing_and_payments-input.json" --outbox "$scratch/outbox-i" </dev/null
check "run keeps a waiting instance in the store" test "$status" -eq 3
id=$(sed -n "s/^instance \(i-[0-9a-f-]*\) waits.*/\1/p" "$scratch/out")
check "run says how to resume it" grep -q "ablauf instances resume $id --answers FILE" "$scratch/out"
run instances --store "$scratch/i.db" --status waiting
check "instances lists it" grep -q "^$id  *invoicing_and_payments v[0-9]*  *waiting .*check_customer_data (checklist)" "$scratch/out"
"$ablauf" run "$source_dir/workflows/open_invoice_customer_service.json" --store "$scratch/long.db" \
  --answers "$source_dir/workflows/answers/open_invoice_customer_service.json" --clock simulated \
  >/dev/null 2>&1 </dev/null
run instances --store "$scratch/long.db"
check "a long workflow id does not run into the status" grep -q "open_invoice_customer_service v[0-9]*  completed  " "$scratch/out"
check "and the header lines up with it" test "$(head -1 "$scratch/out" | grep -o '^ID *WORKFLOW *' | wc -c)" -eq "$(sed -n 2p "$scratch/out" | grep -o '^i-[^ ]* *open_invoice_customer_service v[0-9]* *' | wc -c)"
run instances --store "$scratch/i.db" --status completed
check "instances filters by status" test "$(wc -l <"$scratch/out")" -eq 1
run instances resume "$id" --store "$scratch/i.db" --answers "$source_dir/workflows/answers/invoicing_and_payments.json" \
  --clock simulated --outbox "$scratch/outbox-i" </dev/null
check "instances resume drives it on with answers" test "$status" -eq 0
check "instances resume says it completed" grep -q "completed$" "$scratch/out"
run instances show "$id" --store "$scratch/i.db"
check "instances show prints the timeline in the definition's language" grep -q "erika.mueller *Beantwortet: „Name des Kunden geprüft“: ja" "$scratch/out"
check "instances show prints the status" grep -q "^$id: invoicing_and_payments version [0-9]*, completed" "$scratch/out"
run instances show "$id" --store "$scratch/i.db" --lang en
check "instances show --lang en speaks English" grep -q "erika.mueller *Answered “" "$scratch/out"
run instances show "$id" --store "$scratch/i.db" --json
check "instances show --json prints the instance and its timeline" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['status'] == 'completed'
assert len(d['timeline']) == len(d['history'])
assert d['timeline'][-1]['text'] == 'Vorgang abgeschlossen', d['timeline'][-1]" "$scratch/out"
run instances show "$id" --store "$scratch/i.db" --html -o "$scratch/timeline.html"
check "instances show --html writes one page" grep -q "<td class=\"actor\">erika.mueller</td>" "$scratch/timeline.html"
run instances show "$id" --store "$scratch/i.db" --html --json
check "--html and --json together are a usage error" test "$status" -eq 2
run graph --instance "$id" --store "$scratch/i.db"
check "graph --instance draws the path from the kept definition" grep -q 'fillcolor="#d9ead3"' "$scratch/out"
if command -v dot >/dev/null; then
  run graph "$source_dir/workflows/invoicing_and_payments.json" --instance "$id" --store "$scratch/i.db" --format svg -o "$scratch/path.svg"
  check "graph --format svg renders through Graphviz" grep -q "<svg" "$scratch/path.svg"
else
  echo "SKIP: graph --format svg needs Graphviz's dot, which is not installed"
fi
run graph "$source_dir/workflows/utility_billing.json" --instance "$id" --store "$scratch/i.db"
check "graph --instance refuses another workflow's file" grep -q "runs 'invoicing_and_payments', not 'utility_billing'" "$scratch/err"
check "another workflow's file for the instance is a usage error" test "$status" -eq 2
status=0; PATH=/nonexistent "$ablauf" graph "$source_dir/workflows/invoicing_and_payments.json" --format svg >"$scratch/out" 2>"$scratch/err" || status=$?
check "graph --format svg without Graphviz says how to get it" grep -q "apt-get install graphviz" "$scratch/err"
check "and is a usage error" test "$status" -eq 2
run graph
check "graph needs a file or an instance" test "$status" -eq 2
run instances show i-nope --store "$scratch/i.db"
check "showing an unknown instance is a usage error" test "$status" -eq 2
run instances resume --store "$scratch/i.db" --answers "$source_dir/workflows/answers/utility_billing.json"
check "answers without the instance they are for are a usage error" grep -q "needs the ID" "$scratch/err"
run instances resume --store "$scratch/i.db"
check "instances resume without an id resumes every unfinished one" grep -q "resumed 0 unfinished" "$scratch/out"

# The histories' hash chains: intact as run left them; an event edited with sqlite3 is named.
run instances verify --store "$scratch/i.db"
check "instances verify passes the store run wrote" test "$status" -eq 0
check "instances verify says each history is intact" grep -q "^$id  intact  [0-9]* events, head [0-9a-f]\{64\}$" "$scratch/out"
run instances verify "$id" --store "$scratch/i.db" --json
check "instances verify --json gives the head" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 1 and d[0]['intact'] and len(d[0]['head']) == 64, d" "$scratch/out"
run instances verify i-nope --store "$scratch/i.db"
check "verifying an unknown instance is a usage error" test "$status" -eq 2
if command -v sqlite3 >/dev/null; then
  sqlite3 "$scratch/i.db" ".backup '$scratch/edited.db'"
  edited=$(sqlite3 "$scratch/edited.db" "SELECT min(sequence) FROM events WHERE instance = '$id' AND event LIKE '%erika.mueller%'")
  sqlite3 "$scratch/edited.db" "UPDATE events SET event = replace(event, 'erika.mueller', 'mallory') WHERE instance = '$id' AND sequence = $edited"
  run instances verify --store "$scratch/edited.db"
  check "instances verify fails on an edited event" test "$status" -eq 1
  check "and names the instance and the event" grep -qF "$id  BROKEN  instance '$id', event $edited: stored hash " "$scratch/out"
  check "and says so on stderr" grep -q "1 of [0-9]* instance histories do not verify" "$scratch/err"
  run instances verify "$id" --store "$scratch/edited.db" --json
  check "instances verify --json gives the break" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert not d[0]['intact'] and d[0]['break']['sequence'] == int(sys.argv[2]), d
assert d[0]['break']['expected'] != d[0]['break']['found'], d" "$scratch/out" "$edited"
else
  echo "SKIP: editing a store needs the sqlite3 tool (.ci/install-deps.sh installs it)"
fi
sed 's/Kundenrechnungen und Zahlungsprozesse/Geändert/' "$source_dir/workflows/invoicing_and_payments.json" >"$scratch/changed.json"
run run "$scratch/changed.json" --store "$scratch/i.db" --input "$scratch/invoicing_and_payments-input.json" </dev/null
check "a changed definition under a kept version is refused" grep -q "in the store with another text" "$scratch/err"
run run "$source_dir/workflows/utility_billing.json" --store "$scratch/i.db" --clock simulated \
  --answers "$source_dir/workflows/answers/utility_billing.json" --outbox "$scratch/outbox-k1" </dev/null
run run "$source_dir/workflows/utility_billing.json" --store "$scratch/i.db" --clock simulated \
  --answers "$source_dir/workflows/answers/utility_billing.json" --outbox "$scratch/outbox-k2" </dev/null
check "a second run with the same business key carries on with the first instance" \
  grep -q "has the business key 'VA-2026-118204' already (completed)" "$scratch/out"
check "and sends no mail again" test ! -e "$scratch/outbox-k2"
run run "$source_dir/workflows/utility_billing.json" --store "$scratch/i.db" --clock simulated --key other \
  --answers "$source_dir/workflows/answers/utility_billing.json" --outbox "$scratch/outbox-k3" </dev/null
check "another key with the same customer cannot save the customer twice" \
  grep -q "a record 'K-20931' already exists in 'customers'" "$scratch/out"
run run "$source_dir/workflows/utility_billing.json" --store :memory: --clock simulated \
  --answers "$source_dir/workflows/answers/utility_billing.json" --outbox "$scratch/outbox-m" </dev/null
check "--store :memory: keeps nothing" test "$status" -eq 0 -a ! -e "$scratch/:memory:"

run kpi --store "$scratch/i.db" --workflow utility_billing
check "kpi counts the utility runs" grep -q "^Instances: started 2, completed 1, failed 1" "$scratch/out"
check "kpi reads days to pay from the invoice" grep -qE "days to pay  *4[0-2]\.[0-9] days" "$scratch/out"
check "kpi counts the reminders before payment" grep -q "reminders before payment  3.0 on average" "$scratch/out"
run kpi --store "$scratch/i.db" --workflow utility_biling
check "kpi of a workflow the store does not keep is a usage error" test "$status" -eq 2
check "which suggests the one meant" grep -qF "error: the store keeps no workflow 'utility_biling'; did you mean 'utility_billing'?" "$scratch/err"
run kpi --store "$scratch/i.db" --json
check "kpi --json counts every workflow" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['instances']['completed'] == 2, d['instances']
assert d['receivables']['invoices'] == 2, d['receivables']
assert d['receivables']['paid'] == 2" "$scratch/out"
run kpi --store "$scratch/i.db" --since yesterday
check "kpi --since needs a date" grep -q "error: --since: " "$scratch/err"
check "and it is a usage error" test "$status" -eq 2

# Schedules: their next occurrences on the zone's wall clock, from files or a store.
cat >"$scratch/scheduled.json" <<'JSON'
{"id": "billing", "version": 1, "kind": "workflow", "title": "Abrechnung",
 "time_zone": "Europe/Berlin",
 "schedules": [{"id": "monthly", "rule": "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=6;BYMINUTE=0"},
               {"id": "fridays", "cron": "30 16 * * FRI", "overlap": "skip"}],
 "steps": [{"id": "done", "type": "end"}]}
JSON
run schedules "$scratch/scheduled.json" --at 2027-03-20T00:00:00Z -n 2
check "schedules lists each with its next occurrences" test "$status" -eq 0
check "a monthly one at 06:00 in winter and in summer" grep -qF "next: 2027-04-01T06:00:00 Europe/Berlin (2027-04-01T04:00:00Z)" "$scratch/out"
check "a cron one" grep -qF "billing/fridays (version 1): cron 30 16 * * FRI, catch up one, overlap skip" "$scratch/out"
run schedules "$scratch/scheduled.json" --at 2027-03-20T00:00:00Z -n 1 --json
check "schedules --json gives the next occurrences in UTC" python3 -c "
import json, sys
found = json.load(open(sys.argv[1]))
assert [s['next'] for s in found] == [['2027-04-01T04:00:00Z'], ['2027-03-26T15:30:00Z']], found
" "$scratch/out"
run schedules "$scratch/scheduled.json" --at tomorrow
check "schedules --at needs a time" test "$status" -eq 2
sed 's/BYHOUR=6/BYHOUR=26/' "$scratch/scheduled.json" >"$scratch/bad-schedule.json"
run schedules "$scratch/bad-schedule.json"
check "a rule libical cannot read is located" grep -qF "bad-schedule.json:3:42: error: 'FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=26;BYMINUTE=0': not a recurrence rule of RFC 5545" "$scratch/err"

# A run killed mid-way carries on: by running it again (its business key finds the instance)
# or with instances resume.
"$ablauf" run "$source_dir/workflows/utility_billing.json" --store "$scratch/k.db" --clock simulated \
  --answers "$source_dir/workflows/answers/utility_billing.json" --outbox "$scratch/outbox-kill" \
  </dev/null >/dev/null 2>&1 &
sleep 0.05
kill -9 $! 2>/dev/null
wait $! 2>/dev/null
run run "$source_dir/workflows/utility_billing.json" --store "$scratch/k.db" --clock simulated \
  --answers "$source_dir/workflows/answers/utility_billing.json" --outbox "$scratch/outbox-kill" </dev/null
check "running a killed run again finishes it" test "$status" -eq 0
killed_id=$("$ablauf" instances --store "$scratch/k.db" --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
run instances resume "$killed_id" --store "$scratch/k.db" --clock simulated </dev/null
check "instances resume finds it completed" grep -q "completed" "$scratch/out"
run instances show "$killed_id" --store "$scratch/k.db" --json
check "its four mails were each sent once" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
mails = [e for e in d['history'] if e['type'] == 'step_completed' and 'subject' in e['data'].get('output', {})]
assert len(mails) == 4, len(mails)" "$scratch/out"

# Limit flags: a whole number from 1 to the flag's ceiling, or a usage error naming the flag.
# Negative numbers used to wrap round into "no limit"; --max-depth -1 let 100,000-deep JSON
# crash the parser.
python3 -c "print('[' * 100000 + ']' * 100000)" >"$scratch/deep.json"
refuses_limit() {  # refuses_limit FLAG VALUE COMMAND...
  local flag=$1 value=$2; shift 2
  run "$@" "$flag" "$value"
  check "$* $flag $value exits 2" test "$status" -eq 2
  check "$* $flag $value names the flag" grep -qF -- "$flag" "$scratch/err"
}
for value in -1 0 10001 0x10 1e3 99999999999999999999999; do
  refuses_limit --max-depth "$value" validate "$scratch/deep.json"
done
refuses_limit --max-bytes -5 validate "$scratch/deep.json"
refuses_limit --max-string-length 1073741825 validate "$scratch/deep.json"
refuses_limit --max-expression-depth 1001 validate "$scratch/deep.json"
refuses_limit --max-template-nesting -3 graph "$scratch/deep.json"
refuses_limit --max-steps -1 export "$scratch/deep.json"
refuses_limit --max-errors 0 validate "$scratch/deep.json"
refuses_limit --max-errors -1 validate "$scratch/deep.json"
refuses_limit --max-activations -1 run --store :memory: "$source_dir/workflows/utility_billing.json"
refuses_limit --max-data-bytes 0 run --store :memory: "$source_dir/workflows/utility_billing.json"
refuses_limit --max-history-events -1 instances resume --store "$scratch/none.db"
refuses_limit --max-operations -1 eval "1 + 1"
refuses_limit --max-evaluation-operations 0 run --store :memory: "$source_dir/workflows/utility_billing.json"
refuses_limit --max-timer-horizon PT0S validate "$scratch/deep.json"
check "the message says what a limit takes" \
  grep -qF -- "--max-depth: must be a whole number from 1 to 10000, not '-1'" <("$ablauf" validate "$scratch/deep.json" --max-depth -1 2>&1)
run validate --max-depth 10000 "$scratch/deep.json"
check "100,000-deep JSON at the highest --max-depth is refused, not a crash" test "$status" -eq 1
check "it names the depth limit" grep -qF "nesting is deeper than the limit of 10000 levels (max_depth)" "$scratch/err"
run eval --max-operations 1 "1"
check "eval --max-operations 1 is a limit" test "$status" -eq 0
run eval --max-steps 1 "1"
check "eval takes --max-steps, the budget's name in 0.1" test "$status" -eq 0
run run --store :memory: --max-evaluation-steps 100 "$source_dir/workflows/utility_billing.json" \
  --input "$scratch/utility_billing-input.json" </dev/null
check "run takes --max-evaluation-steps, the limit's name in 0.1" test "$status" -ne 2

# Very many problems: the earliest --max-errors are shown, the rest counted.
python3 -c "
fields = ','.join('\"x%d\": 1' % i for i in range(100000))
print('{\"id\": \"many\", \"version\": 1, \"kind\": \"workflow\", \"title\": \"M\", \"steps\": [{\"id\": \"a\", \"type\": \"end\",\n' + fields + '}]}')
" >"$scratch/many.json"
run validate "$scratch/many.json"
check "a definition with 100,000 problems exits 1" test "$status" -eq 1
check "it shows the first 1,000" test "$(grep -c ': error: unknown field' "$scratch/err")" -eq 1000
check "it counts the rest" grep -qxF "and 99000 more errors not shown (max_errors)" "$scratch/err"
check "the first shown is the first in the file" grep -qF "many.json:2:1: error: unknown field 'x0'" "$scratch/err"
run validate --max-errors 5 "$scratch/many.json"
check "--max-errors 5 shows five" test "$(grep -c ': error: ' "$scratch/err")" -eq 5
check "--max-errors 5 counts the rest" grep -qxF "and 99995 more errors not shown (max_errors)" "$scratch/err"

# Keys written twice: refused in definitions and in every JSON file read, naming both places.
cat >"$scratch/twice.json" <<'JSON'
{"id": "twice", "version": 1, "kind": "workflow", "title": "T",
 "steps": [{"id": "mail", "type": "send_email", "subject": "s", "body": "b",
            "to": "a@example.de",
            "to": "evil@example.com"}]}
JSON
run validate "$scratch/twice.json"
check "a definition with a key twice exits 1" test "$status" -eq 1
check "the repeat is located and names the first" grep -qF "twice.json:4:13: error: the key 'to' is given twice in one object (first at 3:13); give each key once (at /steps/0/to)" "$scratch/err"
echo '{"answers": {}, "answers": {}}' >"$scratch/twice-answers.json"
run run "$source_dir/workflows/utility_billing.json" --store :memory: --answers "$scratch/twice-answers.json" </dev/null
check "an answers file with a key twice is a usage error" test "$status" -eq 2
check "it names the key and both places" grep -qF "twice-answers.json:1:17: error: the key 'answers' is given twice in one object (first at 1:2)" "$scratch/err"
echo '{"input": {"a": 1, "a": 2}}' >"$scratch/twice-data.json"
run eval "input.a" --data "$scratch/twice-data.json"
check "eval data with a key twice is refused" grep -qF "the key 'a' is given twice" "$scratch/err"
run run "$source_dir/workflows/invoicing_and_payments.json" --store :memory: --input "$scratch/twice-data.json" </dev/null
check "an input file with a key twice is refused" grep -qF "the key 'a' is given twice" "$scratch/err"
cat >"$scratch/bad-input.json" <<'JSON'
{
  "customer": {"id": "K-1", "name": "Erika",
               "email": "erika"},
  "invoice": {"currency": "EUR"}
}
JSON
run run "$source_dir/workflows/invoicing_and_payments.json" --store "$scratch/bad-input.db" \
  --input "$scratch/bad-input.json" </dev/null
check "input that does not fit the declared input is a usage error" test "$status" -eq 2
check "it names the value at fault where it stands" grep -qF "bad-input.json:3:25: error: expected an email address, not 'erika' (at /customer/email)" "$scratch/err"
check "and a missing member at its object" grep -qF "bad-input.json:4:14: error: 'number' is required and missing (at /invoice/number)" "$scratch/err"
run instances --store "$scratch/bad-input.db"
check "and nothing is started" test "$(grep -c '^i-' "$scratch/out")" -eq 0
run run "$source_dir/workflows/invoicing_and_payments.json" --store :memory: </dev/null
check "no input for a workflow that declares one is a usage error" test "$status" -eq 2
check "it says what is missing and how to give it" grep -qF "give the input with --input FILE" "$scratch/err"
python3 -c "import json,sys; a=json.load(open(sys.argv[1])); a['input']['invoice']['due_date']='07.12.2026'; json.dump(a,open(sys.argv[2],'w'),indent=2)" \
  "$source_dir/workflows/answers/invoicing_and_payments.json" "$scratch/bad-input-answers.json"
run run "$source_dir/workflows/invoicing_and_payments.json" --store :memory: --answers "$scratch/bad-input-answers.json" </dev/null
check "an answers file's input is checked too" test "$status" -eq 2
check "located in the answers file" grep -qE "bad-input-answers.json:[0-9]+:[0-9]+: error: expected a date like 2026-11-23, not '07.12.2026' \(at /input/invoice/due_date\)" "$scratch/err"

# eval prints JSON, and JSON is UTF-8: an expression that is not is refused where it breaks.
run eval "$(printf "'a\\xffb'")"
check "an expression with invalid UTF-8 exits 1" test "$status" -eq 1
check "it says where the UTF-8 breaks" grep -qF "expression:1:3: error: the expression is not valid UTF-8: byte 0xFF" "$scratch/err"
check "nothing invalid reaches stdout" test ! -s "$scratch/out"
run eval "'Grüße ' + 'ok'"
check "valid UTF-8 is printed as it is" test "$(cat "$scratch/out")" = '"Grüße ok"'

# Issue 27: recursion through call steps, and the limits that bound calls and mail.
for pair in "ping pong" "pong ping"; do
  set -- $pair
  cat >"$scratch/$1.json" <<JSON
{"id": "$1", "version": 1, "kind": "workflow", "title": "$1",
 "steps": [{"id": "c", "type": "call", "workflow": "$2", "next": "done"},
           {"id": "done", "type": "end"}]}
JSON
done
run validate "$scratch/ping.json"
check "one half of a cycle of calls validates on its own" test "$status" -eq 0
run validate "$scratch/ping.json" "$scratch/pong.json"
check "validated together, a cycle of calls is an error" test "$status" -eq 1
check "naming the cycle" grep -q "ping.json: error: the calls of 'ping' lead back to it (ping → pong → ping)" "$scratch/err"
sed 's/"workflow": "pong"/"workflow": "ping"/' "$scratch/ping.json" >"$scratch/self.json"
run validate "$scratch/self.json"
check "a workflow calling itself is refused where it says so" grep -q "self.json:2:.*calls its own workflow 'ping'.*(at /steps/0/workflow)" "$scratch/err"
run run "$source_dir/workflows/utility_billing.json" --max-call-depth -1 </dev/null
check "--max-call-depth -1 is refused" test "$status" -eq 2
run run "$source_dir/workflows/utility_billing.json" --max-recipients 0 </dev/null
check "--max-recipients 0 is refused" test "$status" -eq 2

# A host's own step types, from a manifest (docs/adapters.md).
host="$source_dir/tests/data/step_types"
run validate "$host/workflows/credit_check.json"
check "without its manifest a host type is unknown" grep -qF "unknown step type 'check_credit'" "$scratch/err"
run validate --step-types "$host/credit.json" "$host/workflows/credit_check.json"
check "with --step-types the host's definition validates" test "$status" -eq 0
run eval "steps.check.visits" --definition "$host/workflows/credit_check.json" --step await \
  --step-types "$host/credit.json"
check "eval --step types an expression of a definition with host types" \
  test "$status" -eq 0 -a "$(cat "$scratch/out")" = "type: a number"
run eval "steps.check.visits" --definition "$host/workflows/credit_check.json" --step await
check "without the manifest the definition does not load, and eval says so" \
  grep -qF "unknown step type 'check_credit'" "$scratch/err"
run graph --step-types "$host/credit.json" "$host/workflows/credit_check.json"
check "graph draws a host type as its manifest's shape" grep -q 'await.*shape=ellipse' "$scratch/out"
run validate --step-types "$host/broken.json" "$host/workflows/credit_check.json"
check "a broken manifest exits 1" test "$status" -eq 1
check "its problems are located in the manifest" grep -qF "broken.json:3:74: error: 'strng' is not one of the parameter types; did you mean 'string'?" "$scratch/err"
check "every problem of the manifest is reported" test "$(grep -c 'broken.json:.*: error: ' "$scratch/err")" -eq 12
run run --store :memory: --step-types "$host/credit.json" "$host/workflows/credit_check.json" </dev/null
check "run refuses a host type it has no adapter for" test "$status" -eq 1
check "naming the step and its place" grep -qF "credit_check.json:7:29: error: step 'check' has type 'check_credit', which has no adapter" "$scratch/err"
run run --store "$scratch/host.db" --step-types "$host/credit.json" "$host/workflows/credit_check.json" </dev/null
check "a refused definition is not kept in the store" test "$status" -eq 1
run instances resume --store "$scratch/host.db"
check "so resuming the store's instances still works" test "$status" -eq 0

finish
