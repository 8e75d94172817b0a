#!/usr/bin/env python3
"""The API keeps to its OpenAPI document (docs/openapi.json).

Runs `ablauf serve` on a scratch store, calls every documented operation, the right way and the
wrong ways, and checks each answer against the document: its status is one the operation lists,
its content type one that status lists, and its body valid against that schema. Then every
operation must have been called, and the server must serve the document itself.

Usage: serve_openapi_test.py ABLAUF_BINARY PROJECT_DIR
"""
import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

import jsonschema

ablauf, project = sys.argv[1], sys.argv[2]
document = json.load(open(os.path.join(project, "docs", "openapi.json"), encoding="utf-8"))
failures = []

DUNNING = {
    "id": "dunning", "version": 1, "kind": "workflow", "title": "Dunning",
    "input": {"type": "object", "properties": {"invoice": {"type": "string"}},
              "required": ["invoice"]},
    "steps": [
        {"id": "check", "type": "fill_checklist", "title": "Check",
         "sections": [{"id": "s", "title": "S", "items": [
             {"id": "ok", "kind": "checkbox", "label": "OK"},
             {"id": "letter", "kind": "file", "label": "Letter", "required": False,
              "media_types": ["application/pdf"]},
             {"id": "risk", "kind": "choice", "label": "Risk", "required": False,
              "options": [{"value": "low"}, {"value": "high", "flag": True}],
              "on_flag": {"title": "Call the customer", "assignee": "collections",
                          "verify_by": "billing_team"}},
             {"id": "signed", "kind": "signature", "label": "Signed"}]}], "next": "review"},
        {"id": "review", "type": "create_task", "title": "Review {{input.invoice}}",
         "assignee": "collections", "due": "P2D", "outcomes": ["approve", "reject"],
         "next": "payment"},
        {"id": "payment", "type": "wait", "event": "payment_received",
         "correlation": "input.invoice", "next": "done"},
        {"id": "done", "type": "end"}]}


BANK_SECRET = "5e0b6d1f2a9c4e7b8d3f6a1c0e9b2d4f-bank"


def signed(path, body, secret=BANK_SECRET, at=None):
    """The Ablauf-Signature header of the webhook source bank for that request."""
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.{path}.{body}".encode(), hashlib.sha256).hexdigest()
    return {"Ablauf-Signature": f"source=bank,t={at},v1={mac}"}


def inline(schema):
    """The schema with every $ref to #/components/schemas replaced by what it names."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            return inline(document["components"]["schemas"][name])
        return {key: inline(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [inline(value) for value in schema]
    return schema


def operation_of(method, path):
    """The documented path template and operation for a request, or (None, None)."""
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    return None, None


called = set()
calls = 0


class Api:
    def __init__(self, port, token):
        self.port = port
        self.token = token
        self.last_headers = {}

    def call(self, method, target, body=None, expect=None, headers=None, token=True):
        """Sends the request, checks the answer against the document, returns (status, body).

        Sent with the admin's token, or `token` if it is a string, or none if it is None."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        payload = body if isinstance(body, (str, bytes, type(None))) else json.dumps(body)
        sent = dict(headers or {})
        bearer = self.token if token is True else token
        if bearer:
            sent["Authorization"] = "Bearer " + bearer
        if payload and "Content-Type" not in sent:
            sent["Content-Type"] = "application/json"
        connection.request(method, target, payload, sent)
        global calls
        calls += 1
        response = connection.getresponse()
        raw_bytes = response.read()
        textual = re.match(r"(text/|application/(json|problem\+json))",
                           response.getheader("Content-Type", ""))
        raw = raw_bytes.decode("utf-8") if textual else raw_bytes.decode("latin-1")
        status = response.status
        self.last_headers = dict(response.getheaders())
        content_type = response.getheader("Content-Type")
        where = f"{method} {target} → {status}"
        path = urllib.parse.urlsplit(target).path
        template, operation = operation_of(method, path)
        if operation is None:
            failures.append(f"{where}: no documented operation")
            return status, raw
        called.add((template, method.lower()))
        if expect is not None and status != expect:
            failures.append(f"{where}: expected {expect}: {raw[:300]}")
        documented = operation["responses"].get(str(status))
        if documented is None:
            failures.append(f"{where}: status not documented for {template}: {raw[:300]}")
            return status, raw
        for header in ("Location", "Idempotent-Replayed", "Set-Cookie"):
            if response.getheader(header) is not None and header not in documented.get("headers", {}):
                failures.append(f"{where}: header {header} not documented")
        content = documented.get("content", {})
        if status == 204 and not content:
            if raw or content_type:
                failures.append(f"{where}: a 204 with content ({content_type}) {raw[:100]}")
            return status, raw
        if content_type not in content:
            failures.append(f"{where}: content type {content_type} not documented "
                            f"({', '.join(content)})")
            return status, raw
        if content_type.startswith("application/") and "json" in content_type:
            value = json.loads(raw)
            schema = inline(content[content_type]["schema"])
            try:
                jsonschema.Draft202012Validator(schema).validate(value)
            except jsonschema.ValidationError as error:
                failures.append(f"{where}: body does not fit the schema: {error.message} "
                                f"at {list(error.absolute_path)}")
            return status, value
        return status, raw


def add_user(users, name, role, password):
    """Adds a user with `ablauf users add` and returns the token `ablauf users token` makes."""
    subprocess.run([ablauf, "users", "add", name, "--file", users, "--role", role,
                    "--password-stdin"], input=password + "\n", text=True, check=True,
                   stdout=subprocess.DEVNULL)
    made = subprocess.run([ablauf, "users", "token", name, "--file", users], text=True,
                          check=True, capture_output=True)
    return made.stdout.strip()


def main():
    scratch = tempfile.mkdtemp()
    definition = os.path.join(scratch, "dunning.json")
    json.dump(DUNNING, open(definition, "w"))
    users = os.path.join(scratch, "users.json")
    tokens = {"root": add_user(users, "root", "admin", "root-geheim"),
              "anna": add_user(users, "anna", "billing_team", "anna-geheim")}
    webhooks = os.path.join(scratch, "webhooks.json")
    json.dump({"webhooks": [{"source": "bank", "secret": BANK_SECRET,
                             "signals": ["payment_received"]}]}, open(webhooks, "w"))
    server = subprocess.Popen(
        [ablauf, "serve", "--listen", "127.0.0.1:0", "--store", os.path.join(scratch, "a.db"),
         "--outbox", os.path.join(scratch, "outbox"), "--definitions", definition,
         "--access-log", os.path.join(scratch, "access.log"), "--users", users,
         "--webhooks", webhooks],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r":(\d+)$", line.strip())
        if not match:
            print("serve did not start:", line, server.stderr.read())
            return 1
        api = Api(int(match.group(1)), tokens["root"])
        tokens_of_api.update(tokens)
        exercise(api)
        exercise_users(api, tokens)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if server.returncode != 0:
        failures.append(f"serve exited {server.returncode} on SIGTERM")
    logged = [json.loads(line) for line in open(os.path.join(scratch, "access.log"))]
    if len(logged) != calls:
        failures.append(f"{calls} calls, but {len(logged)} lines in the access log")
    if any(not entry["request_id"] for entry in logged):
        failures.append("an access log line without a request id")
    for template, operations in document["paths"].items():
        for method in operations:
            if (template, method) not in called:
                failures.append(f"{method.upper()} {template}: documented, never called")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(called)} operations called, {len(failures)} failures")
    return 1 if failures else 0


tokens_of_api = {}


def exercise(api):
    api.call("GET", "/healthz", expect=200)
    for _ in range(100):
        if api.call("GET", "/readyz")[0] == 200:
            break
        time.sleep(0.05)
    status, metrics = api.call("GET", "/metrics", expect=200)
    if "ablauf_http_requests_total" not in metrics:
        failures.append("/metrics does not count requests")
    status, served = api.call("GET", "/api/v1/openapi.json", expect=200)
    if served != document:
        failures.append("the served OpenAPI document is not docs/openapi.json")

    api.call("GET", "/api/v1/definitions", expect=200)
    notice = {"id": "notice", "version": 1, "kind": "workflow", "title": "Notice",
              "steps": [{"id": "done", "type": "end"}]}
    api.call("POST", "/api/v1/definitions?file=notice.json", json.dumps(notice), expect=201)
    api.call("POST", "/api/v1/definitions", json.dumps(notice), expect=200)
    api.call("POST", "/api/v1/definitions", json.dumps(dict(notice, title="Changed")), expect=409)
    _, refused = api.call("POST", "/api/v1/definitions",
                          json.dumps(dict(notice, version=2, steps=[{"id": "x", "type": "nope"}])),
                          expect=422)
    if not refused.get("findings") or "line" not in refused["findings"][0]:
        failures.append("a refused definition's findings are not located")
    _, checked = api.call("POST", "/api/v1/definitions/check?file=notice.json",
                          json.dumps(dict(notice, version=3)), expect=200)
    if checked.get("deployed") is not False:
        failures.append("a checked version not deployed is said to be deployed")
    api.call("POST", "/api/v1/definitions/check",
             json.dumps(dict(notice, steps=[{"id": "x", "type": "nope"}])), expect=422)
    api.call("GET", "/api/v1/definitions/dunning", expect=200)
    api.call("GET", "/api/v1/definitions/dunning?version=x", expect=400)
    api.call("GET", "/api/v1/definitions/nope", expect=404)
    api.call("GET", "/api/v1/definitions/dunning/graph?format=mermaid", expect=200)
    api.call("GET", "/api/v1/definitions/dunning/graph?format=png", expect=400)
    api.call("GET", "/api/v1/definitions/nope/graph", expect=404)

    start = {"workflow": "dunning", "business_key": "R-1", "input": {"invoice": "R-1"}}
    _, first = api.call("POST", "/api/v1/instances", start, expect=201)
    api.call("POST", "/api/v1/instances", start, expect=200)
    api.call("POST", "/api/v1/instances", "{", expect=400)
    api.call("POST", "/api/v1/instances", {"workflow": "nope"}, expect=404)
    api.call("POST", "/api/v1/instances", {"workflow": "dunning", "input": {}}, expect=422)
    keyed = {"workflow": "dunning", "input": {"invoice": "R-2"}}
    _, second = api.call("POST", "/api/v1/instances", keyed, expect=201,
                         headers={"Idempotency-Key": "start-r2"})
    _, replayed = api.call("POST", "/api/v1/instances", keyed, expect=201,
                           headers={"Idempotency-Key": "start-r2"})
    if replayed["id"] != second["id"]:
        failures.append("a start repeated with its Idempotency-Key started another instance")
    api.call("POST", "/api/v1/instances", start, expect=422, headers={"Idempotency-Key": "start-r2"})
    api.call("POST", "/api/v1/instances", keyed, expect=400, headers={"Idempotency-Key": "k" * 256})
    one, two = first["id"], second["id"]

    api.call("GET", "/api/v1/instances?limit=1", expect=200)
    api.call("GET", "/api/v1/instances?status=waiting&workflow=dunning&business_key=R-1"
                    "&started_from=2000-01-01T00:00:00Z", expect=200)
    api.call("GET", "/api/v1/instances?limit=0", expect=400)
    api.call("GET", f"/api/v1/instances/{one}", expect=200)
    api.call("GET", "/api/v1/instances/i-nope", expect=404)
    api.call("GET", f"/api/v1/instances/{one}/history", expect=200)
    api.call("GET", "/api/v1/instances/i-nope/history", expect=404)
    api.call("GET", f"/api/v1/instances/{one}/timeline?lang=en", expect=200)
    api.call("GET", "/api/v1/instances/i-nope/timeline", expect=404)
    api.call("GET", f"/api/v1/instances/{one}/graph", expect=200)
    _, svg = api.call("GET", f"/api/v1/instances/{one}/graph?format=svg", expect=200)
    if "<svg" not in svg:
        failures.append("the graph as SVG is no SVG")
    api.call("GET", f"/api/v1/instances/{one}/graph?format=png", expect=400)
    api.call("GET", "/api/v1/instances/i-nope/graph", expect=404)
    _, page = api.call("GET", f"/api/v1/instances/{one}/form?lang=en", expect=200)
    if "<html" not in page:
        failures.append("the filled form is not an HTML page")
    _, pdf = api.call("GET", f"/api/v1/instances/{one}/form?format=pdf", expect=200)
    api.call("GET", f"/api/v1/instances/{one}/form?format=markdown", expect=200)
    api.call("GET", f"/api/v1/instances/{one}/form?format=odt", expect=400)
    api.call("GET", "/api/v1/instances/i-nope/form", expect=404)

    form = f"/api/v1/instances/{one}/steps/check/form"
    _, model = api.call("GET", form + "?lang=en", expect=200)
    if model.get("submit") != form:
        failures.append("the form model of a waiting step does not link where to submit it")
    api.call("GET", f"/api/v1/instances/{one}/steps/review/form", expect=404)
    _, preview = api.call("POST", form + "/preview", {"answers": {"ok": "yes"}}, expect=200)
    if [error["item"] for error in preview.get("errors", [])] != ["ok"]:
        failures.append("a preview does not list the answer the step refuses")
    api.call("POST", form + "/preview", "[", expect=400)
    api.call("POST", form + "/preview", {"answers": 1}, expect=422)
    api.call("POST", f"/api/v1/instances/i-nope/steps/check/form/preview", {"answers": {}},
             expect=404)
    api.call("POST", form, {"answers": {"ok": "yes", "extra": 1}}, expect=422)
    api.call("POST", form, "[", expect=400)
    api.call("POST", f"/api/v1/instances/i-nope/steps/check/form", {"answers": {"ok": True}},
             expect=404)
    api.call("POST", form, {"answers": {"ok": True},
                            "signatures": [{"item": "signed", "signer": "erika"}]}, expect=403)
    # A file for the letter: uploaded, answered with, read back.
    letter = f"/api/v1/instances/{one}/steps/check/items/letter/files"
    pdf_bytes = b"%PDF-1.4\n% Mahnung\n%%EOF\n"
    _, kept = api.call("POST", letter + "?name=mahnung.pdf", pdf_bytes,
                       headers={"Content-Type": "application/pdf"}, expect=201)
    api.call("POST", letter + "?name=mahnung.pdf", b"GIF89a", headers={"Content-Type": "image/gif"},
             expect=422)
    api.call("POST", letter, pdf_bytes, headers={"Content-Type": "application/pdf"}, expect=400)
    api.call("POST", f"/api/v1/instances/i-nope/steps/check/items/letter/files?name=a.pdf",
             pdf_bytes, headers={"Content-Type": "application/pdf"}, expect=404)
    api.call("POST", letter + "?name=a.pdf", pdf_bytes, headers={"Content-Type": "application/pdf"},
             token=None, expect=401)
    files = f"/api/v1/instances/{one}/files/{kept['sha256']}"
    api.call("GET", files, expect=404)  # kept, but no answer refers to it yet
    api.call("POST", form, {"answers": {"ok": True, "letter": [kept]},
                            "signatures": [{"item": "signed"}]}, expect=200)
    _, read = api.call("GET", files, expect=200)
    if read.encode("latin-1") != pdf_bytes:
        failures.append("the file read back is not the one uploaded")
    api.call("GET", f"/api/v1/instances/{one}/files/{'0' * 64}", expect=404)
    api.call("GET", f"/api/v1/instances/i-nope/files/{'0' * 64}", expect=404)
    api.call("GET", files, token=None, expect=401)
    api.call("POST", form, {"answers": {"ok": True}}, expect=422)

    _, inbox = api.call("GET", "/api/v1/tasks?assignee=collections&limit=1", expect=200)
    api.call("GET", "/api/v1/tasks?limit=x", expect=400)
    complete = inbox["tasks"][0]["complete"]
    claim = inbox["tasks"][0]["claim"]
    api.call("POST", claim, expect=200)
    api.call("POST", claim.replace("/tasks/", "/tasks/nope"), expect=404)
    api.call("DELETE", claim, expect=200)
    api.call("DELETE", claim, expect=422)
    api.call("POST", claim, expect=403, token=tokens_of_api["anna"])
    api.call("POST", complete, {"outcome": "maybe"}, expect=422)
    api.call("POST", complete, "{", expect=400)
    api.call("POST", f"/api/v1/instances/{one}/tasks/nope/complete", {}, expect=404)
    api.call("POST", complete, {"outcome": "approve"}, expect=200)

    api.call("POST", "/api/v1/signals/payment_received", {"correlation": "R-1"}, expect=200)
    api.call("POST", "/api/v1/signals/payment_received", {"correlation": "R-1"}, expect=404)
    api.call("POST", "/api/v1/signals/payment_received", {}, expect=422)
    api.call("POST", "/api/v1/signals/payment_received", "x", expect=400)

    # A flagged answer raises a corrective action: done by one, verified by another role.
    api.call("POST", f"/api/v1/instances/{two}/steps/check/form",
             {"answers": {"ok": True, "risk": "high"}, "signatures": [{"item": "signed"}]},
             expect=200)
    _, raised = api.call("GET", "/api/v1/tasks?assignee=collections", expect=200)
    action = next((task for task in raised["tasks"] if task.get("item") == "risk"), None)
    if action is None or action.get("status") != "open" or "verify" not in action:
        failures.append(f"the flagged answer's corrective action is not in the inbox: {raised}")
    else:
        api.call("POST", action["verify"], expect=422)  # not done yet
        api.call("POST", action["complete"], {}, expect=200)
        api.call("POST", action["verify"], expect=422)  # not by the one who did it
        _, awaiting = api.call("GET", "/api/v1/tasks", expect=200,
                               token=tokens_of_api["anna"])
        if [task["item"] for task in awaiting["tasks"] if task.get("status") == "done"] != ["risk"]:
            failures.append(f"the action done is not in its verifier's inbox: {awaiting}")
        api.call("POST", action["verify"], expect=200, token=tokens_of_api["anna"])
        api.call("POST", action["verify"], expect=422, token=tokens_of_api["anna"])
        api.call("POST", action["verify"].replace("/tasks/", "/tasks/nope"), expect=404)
        api.call("POST", action["verify"], expect=401, token=None)

    _, figures = api.call("GET", "/api/v1/kpi?workflow=dunning&since=2000-01-01", expect=200)
    if figures["instances"]["started"] != 2:
        failures.append(f"the key figures count {figures['instances']['started']} instances, not 2")
    if (figures.get("actions") or {}).get("verified") != 1:
        failures.append(f"the key figures do not count the verified action: {figures.get('actions')}")
    api.call("GET", "/api/v1/kpi?workflow=nope", expect=404)
    api.call("GET", "/api/v1/kpi?since=soon", expect=400)
    _, schedules = api.call("GET", "/api/v1/schedules?next=2", expect=200)
    if not isinstance(schedules, list):
        failures.append(f"the schedules are not a list: {schedules}")
    api.call("GET", "/api/v1/schedules?next=0", expect=400)
    api.call("GET", "/api/v1/schedules", expect=401, token=None)
    api.call("POST", f"/api/v1/instances/{two}/cancel", {"reason": "paid in cash"}, expect=200)
    api.call("POST", f"/api/v1/instances/{two}/cancel", expect=422)
    api.call("POST", f"/api/v1/instances/{two}/cancel", "{", expect=400)
    api.call("POST", "/api/v1/instances/i-nope/cancel", expect=404)


def exercise_users(api, tokens):
    api.call("GET", "/api/v1/instances", expect=401, token=None)
    api.call("GET", "/api/v1/instances", expect=401, token="ablauf_0000000000000000_00")
    api.call("POST", "/api/v1/instances/i-nope/cancel", expect=403, token=tokens["anna"])
    _, me = api.call("GET", "/api/v1/session", expect=200, token=tokens["anna"])
    if me["user"] != {"name": "anna", "roles": ["billing_team"]}:
        failures.append(f"GET /api/v1/session names {me['user']}, not anna")
    api.call("GET", "/api/v1/session", expect=401, token=None)
    api.call("POST", "/api/v1/session", "{", expect=400, token=None)
    api.call("POST", "/api/v1/session", {"name": "anna"}, expect=422, token=None)
    api.call("POST", "/api/v1/session", {"name": "anna", "password": "falsch"}, expect=401,
             token=None)
    _, session = api.call("POST", "/api/v1/session", {"name": "anna", "password": "anna-geheim"},
                          expect=201, token=None)
    cookie = api.last_headers.get("Set-Cookie", "").split(";")[0]
    if not cookie.startswith("ablauf_session="):
        failures.append(f"signing in set no session cookie: {api.last_headers}")
    api.call("GET", "/api/v1/session", expect=200, token=None, headers={"Cookie": cookie})
    api.call("DELETE", "/api/v1/session", expect=403, token=None, headers={"Cookie": cookie})
    api.call("DELETE", "/api/v1/session", expect=204, token=None,
             headers={"Cookie": cookie, "X-CSRF-Token": session["csrf_token"]})
    api.call("GET", "/api/v1/session", expect=401, token=None, headers={"Cookie": cookie})

    path = "/api/v1/signals/payment_received"
    body = json.dumps({"correlation": "R-9"})
    api.call("POST", path, body, expect=404, token=None, headers=signed(path, body))
    api.call("POST", path, body, expect=401, token=None, headers=signed(path, body, "x" * 40))
    api.call("POST", path, body, expect=401, token=None,
             headers=signed(path, body, at=int(time.time()) - 3600))
    api.call("POST", path, body, expect=400, token=None, headers={"Ablauf-Signature": "v1=0"})
    other = "/api/v1/signals/cancelled"
    api.call("POST", other, body, expect=403, token=None, headers=signed(other, body))
    api.call("POST", path, body, expect=401, token=None)
    api.call("POST", path, body, expect=403, token=tokens["anna"])


if __name__ == "__main__":
    sys.exit(main())
