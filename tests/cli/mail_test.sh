#!/usr/bin/env bash
# The mail of `ablauf run` and `instances resume`, when things go wrong: a full disk under the
# store and the outbox, an outbox that is not a folder, a run killed while it waits. Each mail
# must be written exactly once, whole, under its own file name, and a run that cannot record
# what it did must stop with a clear error instead of going round.
# Usage: mail_test.sh ABLAUF_BINARY SOURCE_DIR
set -u
ablauf=$1
source_dir=$2
source "$(dirname "${BASH_SOURCE[0]}")/support.sh"
workflow="$source_dir/workflows/utility_billing.json"
answers="$source_dir/workflows/answers/utility_billing.json"

# Every .eml in FOLDER is whole (it ends its headers and has a Message-ID), and no two share a
# Message-ID; prints how many there are.
distinct_mails() {
  /usr/bin/python3 - "$1" <<'PY'
import email, email.policy, pathlib, sys
ids = []
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")):
    text = path.read_bytes()
    assert b"\r\n\r\n" in text, f"{path} is cut off"
    mail = email.message_from_bytes(text, policy=email.policy.default)
    assert mail["Message-ID"], f"{path} has no Message-ID"
    ids.append(mail["Message-ID"])
assert len(ids) == len(set(ids)), f"a Message-ID twice: {ids}"
assert not list(pathlib.Path(sys.argv[1]).glob(".*.tmp")), "a temporary file was left"
print(len(ids))
PY
}

# The utility run sends four mails: the invoice and three reminders.
run run "$workflow" --store "$scratch/ok.db" --clock simulated --answers "$answers" \
  --outbox "$scratch/outbox-ok" </dev/null
check "a plain run succeeds" test "$status" -eq 0
check "and writes four whole, distinct mails" test "$(distinct_mails "$scratch/outbox-ok")" = 4
check "each named after its idempotency key" \
  test "$(ls "$scratch/outbox-ok" | grep -c '^VA-2026-118204\|%2F.*\.eml$')" -eq 4
check "the subject is encoded as RFC 2047 asks, and reads right decoded" /usr/bin/python3 -c "
import email, email.policy, pathlib, sys
subjects = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)['Subject']
            for p in pathlib.Path(sys.argv[1]).glob('*.eml')]
assert any('Rechnung' in s for s in subjects), subjects
for p in pathlib.Path(sys.argv[1]).glob('*.eml'):
    for line in p.read_bytes().split(b'\r\n\r\n')[0].split(b'\r\n'):
        assert len(line) <= 998 and all(b < 128 for b in line), line" "$scratch/outbox-ok"

check "each has a From and the Date its step ran, days apart on the simulated clock" /usr/bin/python3 -c "
import email, email.policy, pathlib, sys
mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
         for p in pathlib.Path(sys.argv[1]).glob('*.eml')]
assert all(m['From'] == 'ablauf <ablauf@localhost>' for m in mails), [m['From'] for m in mails]
dates = sorted(m['Date'].datetime for m in mails)
assert all(d.utcoffset().total_seconds() == 0 for d in dates), dates
assert (dates[-1] - dates[0]).days >= 28, dates" "$scratch/outbox-ok"
check "the invoice mail carries the invoice as a PDF, the very file the store keeps" \
  /usr/bin/python3 -c "
import email, email.policy, hashlib, pathlib, subprocess, sys
outbox, files = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
mails = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
         for p in sorted(outbox.glob('*.eml'))]
attached = [(m, part) for m in mails for part in m.iter_attachments()]
assert len(attached) == 1, [(m['Subject'], p.get_filename()) for m, p in attached]
mail, part = attached[0]
assert mail.get_content_type() == 'multipart/mixed', mail.get_content_type()
assert 'rechnung' in mail['Subject'].lower() and 'als PDF im Anhang' in mail.get_body().get_content()
assert part.get_filename() == 'Rechnung-VA-2026-118204.pdf', part.get_filename()
assert part.get_content_type() == 'application/pdf' and part['Content-Transfer-Encoding'] == 'base64'
pdf = part.get_content()
assert pdf.startswith(b'%PDF-'), pdf[:10]
digest = hashlib.sha256(pdf).hexdigest()
assert (files / digest[:2] / digest[2:]).read_bytes() == pdf, 'not the file the store keeps'
text = subprocess.run(['pdftotext', '-enc', 'UTF-8', '-', '-'], input=pdf, capture_output=True,
                      check=True).stdout.decode()
for words in ('Monatsrechnung Nr. VA-2026-118204', 'Sabine Hoffmann', 'Kundennummer: K-20931',
              'Nettobetrag: 207,39 €', 'Umsatzsteuer 19 %: 39,41 €', 'Rechnungsbetrag: 246,80 €',
              'SEPA-Lastschrift'):
    assert words in text, (words, text)" "$scratch/outbox-ok" "$scratch/ok.db.files"
run run "$workflow" --store "$scratch/from.db" --clock simulated --answers "$answers" \
  --outbox "$scratch/outbox-from" --mail-from "Stadtwerke Musterstadt <abrechnung@stadtwerke.example>" </dev/null
check "--mail-from names the sender" grep -q "^From: Stadtwerke Musterstadt <abrechnung@stadtwerke.example>" "$scratch"/outbox-from/*.eml
run run "$workflow" --store "$scratch/from2.db" --clock simulated --answers "$answers" \
  --outbox "$scratch/outbox-from2" --mail-from $'a@b.c\r\nBcc: x@y.z' </dev/null
check "a sender with a line break is refused before anything runs" test "$status" -ne 0
check "naming mail_from" grep -q "mail_from holds a control character" "$scratch/err"

# Issue 27, defect 5: killed while it waits, then resumed in a new process. The second process
# used to count its mails from 1 again and write the first reminder over the invoice.
run run "$workflow" --store "$scratch/wait.db" --answers "$answers" --outbox "$scratch/outbox-w" </dev/null
check "on the real clock the run waits for its first reminder" test "$status" -eq 3
id=$("$ablauf" instances --store "$scratch/wait.db" --json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
run instances resume "$id" --store "$scratch/wait.db" --answers "$answers" --clock simulated \
  --outbox "$scratch/outbox-w" </dev/null
check "resuming it finishes it" test "$status" -eq 0
check "and no mail was written over another" test "$(distinct_mails "$scratch/outbox-w")" = 4

# Issue 27, defect 3: the mail cannot be handed over (the outbox is a file). The run used to
# complete with status 0, and nothing ever delivered the mail.
touch "$scratch/not-a-folder"
run run "$workflow" --store "$scratch/q.db" --clock simulated --answers "$answers" \
  --outbox "$scratch/not-a-folder" </dev/null
check "a run whose mail cannot be handed over stops with status 4" test "$status" -eq 4
check "and says why, and how to go on" grep -q "cannot create $scratch/not-a-folder: Not a directory" "$scratch/err"
check "naming instances resume" grep -q "instances resume" "$scratch/err"
run run "$workflow" --store "$scratch/q.db" --clock simulated --answers "$answers" \
  --outbox "$scratch/outbox-q" </dev/null
check "running it again with an outbox delivers what was queued" test "$status" -eq 0
run instances resume --store "$scratch/q.db" --clock simulated --outbox "$scratch/outbox-q" </dev/null
check "until all four mails are out, each once" test "$(distinct_mails "$scratch/outbox-q")" = 4
run instances resume --store "$scratch/q.db" --outbox "$scratch/outbox-q2" </dev/null
check "and a later resume sends none again" test ! -e "$scratch/outbox-q2"

# Issue 27, defect 4: the outbox's disk is full (a file size limit of 1 KiB makes every longer
# write fail with EFBIG). The mail files used to be left empty and marked sent.
cat >"$scratch/long.json" <<'JSON'
{"id": "long", "version": 1, "kind": "workflow", "title": "Lang",
 "steps": [{"id": "mail", "type": "send_email", "to": "erika@example.de", "subject": "Lang",
            "body": "{{input.text}}", "next": "done"},
           {"id": "done", "type": "end"}]}
JSON
/usr/bin/python3 -c "import json; print(json.dumps({'text': 'Zeile\n' * 400}))" >"$scratch/long-input.json"
(trap '' XFSZ; ulimit -f 1; "$ablauf" run "$scratch/long.json" --store :memory: \
  --input "$scratch/long-input.json" --outbox "$scratch/outbox-full" </dev/null \
  >"$scratch/out" 2>"$scratch/err")
status=$?
check "a mail the outbox's disk cannot hold stops the run with status 4" test "$status" -eq 4
check "naming the cause" grep -q "File too large" "$scratch/err"
check "and leaves no empty or cut-off mail" test -z "$(ls -A "$scratch/outbox-full" 2>/dev/null)"

# Issue 27, defect 1: a full disk under the store. The run used to go round without end,
# writing one reminder about 21,000 times. At each of several sizes the disk fills at another
# write: every run must stop (within the timeout) with status 4 or finish, and once space is
# back, resuming must finish with each of the four mails written exactly once.
for limit in 24 40 56 72 96 128 192; do
  rm -rf "$scratch/full-$limit.db"* "$scratch/outbox-$limit"
  (trap '' XFSZ; ulimit -f "$limit"; timeout 60 "$ablauf" run "$workflow" \
    --store "$scratch/full-$limit.db" --clock simulated --answers "$answers" \
    --outbox "$scratch/outbox-$limit" </dev/null >"$scratch/out" 2>"$scratch/err")
  status=$?
  # 4: stopped mid-run; 2: the store could not even be opened; 0: the disk held.
  check "with $limit KiB the run stops by itself (status $status)" \
    test "$status" -eq 4 -o "$status" -eq 2 -o "$status" -eq 0
  check "with $limit KiB it prints a handful of errors, not thousands" test "$(wc -l <"$scratch/err")" -lt 20
  if [ -e "$scratch/full-$limit.db" ]; then
    check "with $limit KiB the store stays sound" /usr/bin/python3 -c "
import sqlite3, sys
assert sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0] == 'ok'" "$scratch/full-$limit.db"
    run run "$workflow" --store "$scratch/full-$limit.db" --clock simulated --answers "$answers" \
      --outbox "$scratch/outbox-$limit" </dev/null
    check "with $limit KiB, run again with space, it finishes" test "$status" -eq 0
    check "with $limit KiB each mail was written exactly once" test "$(distinct_mails "$scratch/outbox-$limit")" = 4
  fi
done

finish
