#!/usr/bin/env bash
# Builds the libFuzzer targets (the fuzz preset: clang 16, ASan, UBSan) and runs each for a
# while, starting from the corpora kept in tests/fuzz/corpus (what longer runs found) and
# seeded from the project's definitions, answers files and a few expressions, templates,
# stored events and HTTP requests. New inputs grow in build/fuzz/corpus across runs; a crash
# leaves its input in build/fuzz/artifacts and fails the script.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET] [--keep]    (default 60)
#
# --keep merges what the run found into tests/fuzz/corpus (libFuzzer's -merge=1 keeps only the
# inputs that add coverage), to be committed so that CI starts where the long run stopped.
set -euo pipefail
seconds=${1:-60}
keep=${2:-}
case "$keep" in "" | --keep) ;; *) echo "usage: run.sh [SECONDS_PER_TARGET] [--keep]" >&2; exit 2 ;; esac
case "$seconds" in '' | *[!0-9]* | 0) echo "run.sh: SECONDS_PER_TARGET must be a whole number above 0" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bash .ci/install-deps.sh clang-16 libclang-rt-16-dev
cmake --preset fuzz > /dev/null
cmake --build --preset fuzz > build/fuzz.log 2>&1 || { tail -40 build/fuzz.log; exit 1; }

bin=build/fuzz/tests/fuzz
corpus=build/fuzz/corpus
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"
seed() {  # seed TARGET NAME CONTENT
  mkdir -p "$corpus/$1"
  printf '%s' "$3" > "$corpus/$1/seed-$2"
}
for file in workflows/*.json tests/data/good/*.json tests/data/invalid/*.json \
    tests/data/unsound/*.json; do
  for target in fuzz_definition fuzz_run; do
    mkdir -p "$corpus/$target"
    cp "$file" "$corpus/$target/seed-$(basename "$(dirname "$file")")-$(basename "$file")"
  done
done
# The seed workflows declare their input: fuzz_run starts them with their answers file's input,
# which it reads from the definition's metadata, so that they run past their start.
for file in workflows/*.json; do
  python3 - "$file" "workflows/answers/$(basename "$file")" \
      > "$corpus/fuzz_run/seed-with-input-$(basename "$file")" <<'PYTHON'
import json, sys
definition = json.load(open(sys.argv[1]))
answers = json.load(open(sys.argv[2]))
if "input" in answers:
    definition.setdefault("metadata", {})["input"] = answers["input"]
print(json.dumps(definition, ensure_ascii=False))
PYTHON
done
for file in tests/data/step_types/*.json; do
  mkdir -p "$corpus/fuzz_manifest"
  cp "$file" "$corpus/fuzz_manifest/seed-$(basename "$file")"
done
for file in workflows/answers/*.json; do
  mkdir -p "$corpus/fuzz_answers"
  cp "$file" "$corpus/fuzz_answers/seed-$(basename "$file")"
done
# Expressions: a first byte 0 for text, 1 for a JsonLogic rule.
seed fuzz_expression text1 $'\x00input.invoice.total > 1000 && input.customer.country == \'DE\''
seed fuzz_expression text2 $'\x00sum(map(input.invoice.lines, it.qty * it.price))'
seed fuzz_expression text3 $'\x00date_add(input.invoice.issue_date, \'P14D\') < now()'
seed fuzz_expression text4 $'\x00size(steps.check.answers) == 2 ? "ok" : matches(input.customer.name, "^E")'
seed fuzz_expression logic1 $'\x01{"and": [{">": [{"var": "input.invoice.total"}, 1000]}, {"in": ["DE", ["DE", "AT"]]}]}'
seed fuzz_expression logic2 $'\x01{"reduce": [{"var": "input.invoice.lines"}, {"+": [{"var": "current.qty"}, {"var": "accumulator"}]}, 0]}'
seed fuzz_template mail 'Hallo {{input.name}}, {{#input.items}}{{n}} {{/input.items}}{{^input.empty}}leer{{/input.empty}}'
seed fuzz_template partials '{{> items}}{{>*partial}}{{=<% %>=}}<%input.nested.a.b%>{{{input.name}}}'
seed fuzz_template inherit '{{<items}}{{$block}}x{{/block}}{{/items}}{{! note }}{{& input.name}}'
seed fuzz_stored event '{"seq": 3, "type": "step_completed", "time": "2026-11-23T09:00:00Z", "actor": "system", "step": "a", "token": 1, "next": ["b", "c"], "data": {"output": {"x": 1}}}'
seed fuzz_stored earlier '{"seq": 2, "type": "timer_set", "time": "2026-11-23T09:00:00Z", "actor": "system", "step": "a", "data": {"token": 1, "timer": "t", "due": "2026-11-24T09:00:00Z", "purpose": "wait"}}'
seed fuzz_stored started '{"seq": 1, "type": "instance_started", "time": "2026-11-23T09:00:00Z", "actor": "erika", "data": {"workflow": "w", "version": 1, "start": "a", "input": {}}}'
seed fuzz_stored history '[{"seq": 1, "type": "instance_started", "time": "2026-11-23T09:00:00Z", "actor": "erika", "data": {"workflow": "w", "version": 1, "start": "a", "input": {}}}, {"seq": 2, "type": "step_started", "time": "2026-11-23T09:00:00Z", "actor": "system", "step": "a", "token": 1, "attempt": 1, "data": {}}, {"seq": 3, "type": "step_completed", "time": "2026-11-23T09:00:00Z", "actor": "system", "step": "a", "token": 1, "next": ["b", "c"], "data": {"output": {"x": 1}}}]'

# HTTP requests: "METHOD TARGET", a newline, the body; $ID is an instance waiting at a checklist.
seed fuzz_http list $'GET /api/v1/instances?status=waiting&limit=2&cursor=$ID&started_from=2026-01-01T00:00:00Z\n'
seed fuzz_http start $'POST /api/v1/instances\n{"workflow": "dunning", "business_key": "R-2", "input": {"invoice": "R-2"}, "version": 1}'
seed fuzz_http form $'POST /api/v1/instances/$ID/steps/check/form\n{"answers": {"ok": true, "amount": 5, "when": "2026-12-01"}, "signatures": [{"item": "signed", "signer": "erika"}]}'
seed fuzz_http page_form $'POST /instances/$ID/steps/check\ncsrf_token=$CSRF&idempotency_key=k1&answer.ok=false&answer.ok=true&answer.amount=12%2C5&answer.when=2026-12-01&sign.signed=yes'
seed fuzz_http page_preview $'POST /instances/$ID/steps/check/preview\ncsrf_token=$CSRF&answer.amount=-1'
seed fuzz_http page_start $'POST /start/dunning\ncsrf_token=$CSRF&input%2Finvoice=R-7&business_key=R-7'
seed fuzz_http page_inbox $'GET /inbox?workflow=dunning&kind=task&overdue=1&page=2\n'
seed fuzz_http page_instance $'GET /instances/$ID\n'
seed fuzz_http tasks $'GET /api/v1/tasks?assignee=collections&limit=1&cursor=$ID%20x\n'
seed fuzz_http complete $'POST /api/v1/instances/$ID/tasks/$ID%2Freview%2F7/complete\n{"outcome": "approve"}'
seed fuzz_http signal $'POST /api/v1/signals/paid\n{"correlation": "R-1", "payload": {"amount": 1}}'
seed fuzz_http graph $'GET /api/v1/definitions/dunning/graph?format=mermaid&lang=de&version=1\n'
seed fuzz_http cancel $'POST /api/v1/instances/$ID/cancel\n{"reason": "paid in cash"}'
seed fuzz_http timeline $'GET /api/v1/instances/$ID/timeline?lang=en\n'

# Credentials: Authorization, Cookie, X-CSRF-Token, Ablauf-Signature, method, path, then the body.
seed fuzz_credentials token $'Bearer $TOKEN\n\n\n\nGET\n/api/v1/instances\n'
seed fuzz_credentials session $'\nablauf_session=$SESSION; theme=dark\n$CSRF\n\nPOST\n/api/v1/instances\n{}'
seed fuzz_credentials webhook $'\n\n\nsource=bank,t=1733500000,v1=3f0c5a9e0b7d1c2e4f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e\nPOST\n/api/v1/signals/paid\n{"correlation": "R-1"}'
seed fuzz_users users '{"users": [{"name": "anna", "display_name": "Anna", "roles": ["billing_team"], "language": "de", "password": "$argon2id$v=19$m=65536,t=2,p=1$Bzabxe121+Pfy3G4/8nzTg$huvlwHnddLJj3SetJVyaAjwRK8D3ZLz73Gu8PBphtyg", "tokens": [{"id": "ac3d8414af06cd7c", "hash": "$argon2id$v=19$m=65536,t=2,p=1$DnJmi3EZ1Z1HelPQmgLhFA$TEHM2Jk22A+BvPBdtVbswOnA7NvyfS5QV8bF0RBrbMc", "note": "x"}]}]}'
seed fuzz_users webhooks '{"webhooks": [{"source": "bank", "secret": "0123456789abcdef0123456789abcdef", "signals": ["paid"]}]}'

# Forms: the Content-Type, then the body.
seed fuzz_forms fields $'application/x-www-form-urlencoded\ncsrf_token=ab&answer.x=1%2C5&answer.m=&answer.m=a&next=%2F%2Fevil'
seed fuzz_forms multipart $'multipart/form-data; boundary=----b1\n------b1\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nab\r\n------b1\r\nContent-Disposition: form-data; name="definition"; filename="d.json"\r\nContent-Type: application/json\r\n\r\n{"id": "x"}\r\n------b1--\r\n'

targets=(fuzz_definition fuzz_run fuzz_expression fuzz_template fuzz_stored fuzz_answers
  fuzz_manifest fuzz_http fuzz_credentials fuzz_users fuzz_forms)
kept=tests/fuzz/corpus
status=0
for target in "${targets[@]}"; do
  echo "== $target, ${seconds}s" >&2
  mkdir -p "$corpus/$target" "$kept/$target"
  # New inputs go to the first folder; the kept corpus is only read.
  if ! "$bin/$target" "$corpus/$target" "$kept/$target" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
      > "build/fuzz/$target.log" 2>&1; then
    status=1
    grep -E "ERROR|SUMMARY|artifact" "build/fuzz/$target.log" >&2 || tail -20 "build/fuzz/$target.log" >&2
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|cov: " \
    "build/fuzz/$target.log" | tail -4 >&2
done
if [ "$keep" = --keep ] && [ $status -eq 0 ]; then
  for target in "${targets[@]}"; do
    "$bin/$target" -merge=1 "$kept/$target" "$corpus/$target" > "build/fuzz/$target-merge.log" 2>&1
    echo "kept for $target: $(find "$kept/$target" -type f | wc -l) inputs" >&2
  done
fi
exit $status
