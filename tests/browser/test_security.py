"""What the pages refuse, proven against a real `ablauf serve` in headless Chromium.

- Roles: customer service's task (workflows/invoicing_and_payments.json: a customer-data check
  answered "corrections needed" makes `correct_customer_data` for `customer_service`) is in
  customer service's inbox and not in the accounts-receivable clerk's; the clerk's task page
  offers neither completing nor taking it, and a forged POST with the clerk's own good session
  cookie and CSRF token is refused 403 and changes nothing.
- CSRF: a form POST with customer service's session cookie and no `csrf_token`, a wrong one, or
  another session's is refused 403 and completes nothing; so is the page's own form after a
  script changed its hidden token. The form as the page gives it completes the task.
- XSS: a definition whose titles and labels hold markup, a business key that does, and an
  answer that tries to break out of its attribute show as text on the checklist, instance,
  instances, inbox, start and definition pages, as does markup in an address on the error
  pages: no script of theirs runs, no element of theirs is made, and every page carries a
  Content-Security-Policy that lets run only the server's own script and forbids framing.
- Sign-in: a wrong password shows why and opens no session; the session cookie is HttpOnly and
  SameSite=Strict; a `next` that leads to another host (`//evil.example/x`) lands on /inbox
  instead, before and after signing in, and so does the language link's.
"""
import json
import os
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from harness import Browser, Server, User, api, seed_start, setting

WORKFLOW = "invoicing_and_payments"
CLERK = User("clerk", "Forderung-2026!", ("accounts_receivable",), "Clara Klein", "de")
SERVICE = User("service", "Kundendienst-2026!", ("customer_service",), "Sven Sommer", "de")
ADMIN = User("chef", "Verwaltung-2026!", ("admin",), "Ada Adler", "de")
WAIT = 10  # seconds a page may take to load

# Markup in a definition's texts and in an answer. Each would set window.__xss if it ran.
IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
BREAKOUT = '"><svg onload="window.__xss=3">'
KEY = 'XSS-<b onmouseover="window.__xss=4">1</b>'  # a business key, shown on most pages
XSS_DEFINITION = {
    "id": "xss_probe",
    "version": 1,
    "kind": "workflow",
    "title": f"Probe {IMG} {SCRIPT}",
    "steps": [
        {"id": "probe", "type": "fill_checklist",
         "title": f"Prüfen {IMG} {SCRIPT}",
         "items": [
             {"id": "looked", "label": f"Gesehen {IMG} {SCRIPT}", "required": False},
             {"id": "remark", "kind": "text", "label": f"Bemerkung {SCRIPT}"},
             # Required and left empty: the step keeps waiting, so the inbox lists it.
             {"id": "later", "kind": "text", "label": f"Später {IMG}"},
         ],
         "next": "done"},
        {"id": "done", "type": "end"},
    ],
}
# What the payloads would make if they were taken as markup: an element with an event handler
# attribute, an inline script, the image of IMG.
INJECTED = ("[...document.querySelectorAll('*')]"
            ".filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
            " + [...document.scripts].filter(s => !s.src).length"
            " + document.querySelectorAll('img[src=\"x\"]').length")



class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follows no redirect: a 303 and where it leads are what the tests look at."""

    def redirect_request(self, *args, **kwargs):
        return None


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def texts(lang):
    """The pages' texts in `lang`, as the server has them (src/http/web/text/<lang>.json)."""
    path = os.path.join(setting("ABLAUF_SOURCE_DIR"), "src", "http", "web", "text", f"{lang}.json")
    with open(path, encoding="utf-8") as source:
        return json.load(source)


def seed_answers(step):
    """The seed's answers to the checklist `step` (workflows/answers/<workflow>.json)."""
    path = os.path.join(setting("ABLAUF_SOURCE_DIR"), "workflows", "answers", f"{WORKFLOW}.json")
    with open(path, encoding="utf-8") as answers:
        return json.load(answers)["answers"][step]


def task_path(instance, task):
    """The task's page; a task id holds slashes, which its path segment percent-encodes."""
    return (f"/instances/{urllib.parse.quote(instance, safe='')}"
            f"/tasks/{urllib.parse.quote(task, safe='')}")


def send(server, method, path, cookie, fields=None):
    """A page request as another site's form or a script would send it: `fields` form-encoded,
    with the session `cookie`, redirects not followed. Returns (status, headers, body)."""
    body = urllib.parse.urlencode(fields).encode() if fields is not None else None
    headers = {"Cookie": f"ablauf_session={cookie}"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(server.url + path, body, headers, method=method)
    try:
        with DIRECT.open(request, timeout=30) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, \
                answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, \
                error.read().decode("utf-8", "replace")


def navigation_status(driver):
    """The HTTP status of the page the browser shows (Navigation Timing's responseStatus)."""
    return driver.execute_script(
        "const entry = performance.getEntriesByType('navigation')[0];"
        "return entry ? entry.responseStatus : null;")


def card_targets(driver):
    """The decoded paths the inbox's cards link to."""
    return [urllib.parse.unquote(urllib.parse.urlsplit(link.get_attribute("href")).path)
            for link in driver.find_elements(By.CSS_SELECTOR, "#inbox .card a.card-title")]


class SecurityTest(unittest.TestCase):
    """One server with the three people, and one Chromium in which they take turns."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server([CLERK, SERVICE, ADMIN])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.browser = Browser(cls.server, "desktop", lang="de")
        cls.addClassCleanup(cls.browser.close)
        cls.driver = cls.browser.driver
        cls.de = texts("de")

    # --- helpers ---------------------------------------------------------------------------

    def switch_to(self, user):
        """Forgets the browser's session and signs `user` in through the sign-in page."""
        self.browser.open("/sign-in")
        self.driver.delete_all_cookies()
        self.browser.sign_in(user.name, user.password)

    def session(self):
        """The browser's session cookie and the CSRF token the page it shows carries."""
        cookie = self.driver.get_cookie("ablauf_session")
        self.assertIsNotNone(cookie, "the browser has no session")
        token = self.driver.find_element(By.CSS_SELECTOR, "input[name=csrf_token]")
        return cookie["value"], token.get_attribute("value")

    def start_correction(self, business_key):
        """An instance waiting at customer service's task `correct_customer_data`.

        Started by the admin over the API; the clerk answers the customer-data check with
        "corrections needed" over the API, as their checklist allows. Returns (instance, task).
        """
        started = api(self.server, "POST", "/api/v1/instances", token=self.server.tokens["chef"],
                      json=seed_start(WORKFLOW, business_key))
        self.assertEqual(started.status, 201, started.body)
        instance = started.body["id"]
        answers = dict(seed_answers("check_customer_data"),
                       data_check_result="corrections_needed",
                       discrepancies="Postleitzahl falsch")
        filled = api(self.server, "POST",
                     f"/api/v1/instances/{instance}/steps/check_customer_data/form",
                     token=self.server.tokens["clerk"], json={"answers": answers},
                     headers={"Idempotency-Key": str(uuid.uuid4())})
        self.assertEqual(filled.status, 200, filled.body)
        open_tasks = [task for task in filled.body["tasks"]
                      if task["step"] == "correct_customer_data" and not task["completed"]]
        self.assertEqual(len(open_tasks), 1, filled.body["tasks"])
        self.assertEqual(open_tasks[0]["assignee"], "customer_service")
        return instance, open_tasks[0]["id"]

    def task_state(self, instance, task):
        """The task as the API shows it now, read by the admin."""
        read = api(self.server, "GET", f"/api/v1/instances/{instance}",
                   token=self.server.tokens["chef"])
        self.assertEqual(read.status, 200, read.body)
        return next(entry for entry in read.body["tasks"] if entry["id"] == task)

    def assert_open(self, instance, task, why):
        """The task is neither completed nor taken, as the API reads it."""
        state = self.task_state(instance, task)
        self.assertFalse(state["completed"], f"{why}: the task was completed: {state}")
        self.assertEqual("", state.get("claimed_by", ""), f"{why}: the task was taken: {state}")

    def wait_for_load(self, path_end):
        """Waits until the browser shows a page whose path ends with `path_end`."""
        WebDriverWait(self.driver, WAIT).until(
            lambda d: urllib.parse.urlsplit(d.current_url).path.endswith(path_end)
            and d.execute_script("return document.readyState") == "complete",
            f"the browser did not reach …{path_end}; at {self.driver.current_url}")

    def assertNoScriptRan(self, where):
        """No payload ran (window.__xss unset) and none became an element or an attribute."""
        self.assertIsNone(self.driver.execute_script("return window.__xss"),
                          f"a payload ran on {where}")
        self.assertEqual(0, self.driver.execute_script("return " + INJECTED),
                         f"a payload became markup on {where}")

    # --- the tests -------------------------------------------------------------------------

    def test_a_a_clerk_can_neither_see_nor_complete_customer_services_task(self):
        instance, task = self.start_correction("R-SEC-ROLE")
        page = task_path(instance, task)

        self.switch_to(CLERK)
        self.browser.open("/inbox")
        self.assertEqual(self.de["inbox"], self.driver.find_element(By.TAG_NAME, "h1").text)
        self.assertFalse(any(target.endswith("/tasks/" + task)
                             for target in card_targets(self.driver)),
                         "the clerk's inbox lists customer service's task")

        # The page shows the task, read-only: nothing to complete, nothing to take.
        self.browser.open(page)
        self.assertEqual(200, navigation_status(self.driver))
        self.assertEqual("Kundendaten korrigieren",
                         self.driver.find_element(By.TAG_NAME, "h1").text)
        self.assertFalse(self.driver.find_elements(By.ID, "complete-form"))
        self.assertFalse(self.driver.find_elements(By.ID, "claim"))
        self.assertFalse(self.driver.find_elements(By.ID, "release"))
        self.assertEqual(self.de["task_not_yours"],
                         self.driver.find_element(By.CSS_SELECTOR, "main .notice").text)

        # Forged: the clerk's own session and CSRF token pass the gate; the role check refuses.
        cookie, token = self.session()
        for action, fields in (("complete", {"note": "erledigt"}), ("claim", {})):
            status, headers, body = send(
                self.server, "POST", f"{page}/{action}", cookie,
                dict(fields, csrf_token=token, idempotency_key=str(uuid.uuid4())))
            self.assertEqual(403, status, f"{action}: {body[:500]}")
            # The task page with the refusal, not the gate's problem document: the token was good.
            self.assertIn("text/html", headers.get("content-type", ""), f"{action}: {body[:500]}")
            self.assertIn('id="task-problem"', body, action)
            self.assert_open(instance, task, f"the clerk's forged {action}")

        # Customer service's inbox lists it, and their page offers to complete it.
        self.switch_to(SERVICE)
        self.browser.open("/inbox")
        self.assertTrue(any(target.endswith("/tasks/" + task)
                            for target in card_targets(self.driver)),
                        f"customer service's inbox lacks the task: {card_targets(self.driver)}")
        self.browser.open(page)
        self.assertTrue(self.driver.find_elements(By.ID, "complete-form"))

    def test_b_a_change_without_the_session_csrf_token_is_refused(self):
        instance, task = self.start_correction("R-SEC-CSRF")
        page = task_path(instance, task)
        complete = f"{page}/complete"

        self.switch_to(SERVICE)
        self.browser.open(page)
        self.assertTrue(self.driver.find_elements(By.ID, "complete-form"),
                        "customer service cannot complete their own task")
        cookie, token = self.session()
        other = api(self.server, "POST", "/api/v1/session",
                    json={"name": CLERK.name, "password": CLERK.password})
        self.assertEqual(201, other.status, other.body)
        forged_tokens = {
            "no csrf_token": None,
            "an empty csrf_token": "",
            "a wrong csrf_token": "0" * len(token),
            "another session's csrf_token": other.body["csrf_token"],
        }
        for why, forged in forged_tokens.items():
            fields = {"note": "gefälscht", "idempotency_key": str(uuid.uuid4())}
            if forged is not None:
                fields["csrf_token"] = forged
            status, _, body = send(self.server, "POST", complete, cookie, fields)
            self.assertEqual(403, status, f"{why}: {body[:500]}")
            self.assert_open(instance, task, why)

        # In the browser: the page's own form, its hidden token changed by a script.
        self.browser.open(page)
        self.driver.execute_script(
            "document.querySelector('#complete-form input[name=csrf_token]').value = 'forged'")
        self.driver.find_element(By.ID, "note").send_keys("per Skript")
        self.driver.find_element(By.ID, "complete").click()
        self.wait_for_load("/complete")
        self.assertEqual(403, navigation_status(self.driver),
                         self.driver.find_element(By.TAG_NAME, "body").text[:500])
        self.assert_open(instance, task, "the form with a changed token")

        # The form as the page gives it completes the task, and leads to the instance.
        self.browser.open(page)
        self.driver.find_element(By.ID, "note").send_keys("Postleitzahl korrigiert")
        self.driver.find_element(By.ID, "complete").click()
        self.wait_for_load(f"/instances/{instance}")
        state = self.task_state(instance, task)
        self.assertTrue(state["completed"], state)
        self.assertEqual("service", state["completed_by"])

    def test_c_markup_in_definitions_and_answers_shows_as_text(self):
        deployed = api(self.server, "POST", "/api/v1/definitions?file=xss_probe.json",
                       token=self.server.tokens["chef"], json=XSS_DEFINITION)
        self.assertEqual(201, deployed.status, deployed.body)
        started = api(self.server, "POST", "/api/v1/instances", token=self.server.tokens["chef"],
                      json={"workflow": "xss_probe", "business_key": KEY})
        self.assertEqual(201, started.status, started.body)
        instance = started.body["id"]
        checklist = f"/instances/{instance}/steps/probe"

        self.switch_to(CLERK)
        self.browser.open(checklist)
        self.assertNoScriptRan("the checklist page")
        self.assertIn(IMG, self.driver.find_element(By.TAG_NAME, "h1").text)
        self.assertIn(SCRIPT, self.driver.find_element(By.TAG_NAME, "h1").text)
        self.assertIn(f"Gesehen {IMG} {SCRIPT}",
                      self.driver.find_element(By.CSS_SELECTOR, "label[for=item-looked]").text)
        remark = self.driver.find_element(By.ID, "item-remark")
        remark.send_keys(BREAKOUT)
        self.driver.find_element(By.ID, "save").click()
        WebDriverWait(self.driver, WAIT).until(
            lambda d: "saved=1" in d.current_url or d.find_elements(By.ID, "form-problem"),
            "saving the remark led nowhere")
        self.assertIn("saved=1", self.driver.current_url, self.driver.find_element(
            By.TAG_NAME, "main").text[:500])
        self.assertEqual(BREAKOUT, self.driver.find_element(By.ID, "item-remark")
                         .get_attribute("value"), "the recorded answer, in its field")
        self.assertNoScriptRan("the checklist page with the answer")

        answered = api(self.server, "GET", f"/api/v1/instances/{instance}",
                       token=self.server.tokens["chef"])
        self.assertEqual(BREAKOUT, answered.body["data"]["steps"]["probe"]["answers"]["remark"],
                         "the answer is recorded as typed")

        # The instance page's timeline tells the answer, as text.
        self.browser.open(f"/instances/{instance}")
        self.assertNoScriptRan("the instance page")
        self.assertIn(BREAKOUT, self.driver.find_element(By.ID, "timeline").text)
        self.assertIn(KEY, self.driver.find_element(By.CSS_SELECTOR, "main .facts").text)

        # The inbox lists the checklist by its step's title.
        self.browser.open("/inbox")
        self.assertNoScriptRan("the inbox")
        titles = [card.text for card in
                  self.driver.find_elements(By.CSS_SELECTOR, "#inbox .card a.card-title")]
        self.assertIn(f"Prüfen {IMG} {SCRIPT}", titles)
        self.assertIn(KEY, self.driver.find_element(By.ID, "inbox").text)
        self.browser.open("/instances?workflow=xss_probe")
        self.assertNoScriptRan("the instances page")
        self.assertIn(KEY, self.driver.find_element(By.ID, "instances").text)

        # The definitions, the definition and the start list show the workflow's title.
        for path, where in (("/definitions", "#definitions"), ("/definitions/xss_probe", "h1"),
                            ("/start", "#workflows")):
            self.browser.open(path)
            self.assertNoScriptRan(path)
            self.assertIn(f"Probe {IMG} {SCRIPT}",
                          self.driver.find_element(By.CSS_SELECTOR, where).text, path)

        # Markup in the address: an error page names what it did not find, as text.
        for path in (f"/instances/{urllib.parse.quote(IMG, safe='')}",
                     f"/definitions/{urllib.parse.quote(IMG, safe='')}",
                     f"/start/{urllib.parse.quote(IMG, safe='')}"):
            self.browser.open(path)
            self.assertEqual(404, navigation_status(self.driver), path)
            self.assertNoScriptRan(path)
            self.assertIn(IMG, self.driver.find_element(By.TAG_NAME, "main").text, path)
        # … and in the sign-in page's `next`, which it keeps in a hidden field.
        status, _, body = send(self.server, "GET",
                               "/sign-in?next=" + urllib.parse.quote("/x" + BREAKOUT, safe=""), "")
        self.assertEqual(200, status)
        self.assertNotIn(BREAKOUT, body, "the sign-in page wrote `next` unescaped")

        # Every page says which scripts may run: the server's own, none inline.
        cookie = self.driver.get_cookie("ablauf_session")["value"]
        for path in ("/inbox", checklist, f"/instances/{instance}", "/instances", "/start",
                     "/start/xss_probe", "/definitions", "/definitions/xss_probe", "/kpi",
                     task_path(instance, f"{instance}/none/1")):
            status, headers, body = send(self.server, "GET", path, cookie)
            self.assertIn(status, (200, 404), f"{path}: {body[:300]}")
            policy = headers.get("content-security-policy", "")
            directives = {part.split()[0]: part.split()[1:]
                          for part in policy.split(";") if part.strip()}
            self.assertEqual(["'self'"], directives.get("script-src"),
                             f"{path} ({status}): Content-Security-Policy {policy!r}")
            self.assertEqual(["'none'"], directives.get("frame-ancestors"), f"{path}: {policy!r}")
        status, headers, _ = send(self.server, "GET", "/sign-in", "")
        self.assertEqual(200, status)
        self.assertIn("script-src 'self'", headers.get("content-security-policy", ""))

    def test_d_sign_in_refuses_a_wrong_password_and_stays_on_the_server(self):
        self.browser.open("/sign-in")
        self.driver.delete_all_cookies()
        self.browser.open("/sign-in")
        self.driver.find_element(By.ID, "name").send_keys(CLERK.name)
        self.driver.find_element(By.ID, "password").send_keys("not-" + CLERK.password)
        self.driver.find_element(By.ID, "sign-in").click()
        error = WebDriverWait(self.driver, WAIT).until(
            lambda d: d.find_elements(By.ID, "sign-in-error"), "no #sign-in-error")[0]
        self.assertTrue(error.is_displayed())
        self.assertEqual(self.de["sign_in_wrong"], error.text)
        self.assertEqual(401, navigation_status(self.driver))
        self.assertIsNone(self.driver.get_cookie("ablauf_session"),
                          "a wrong password got a session")
        self.assertEqual(CLERK.name, self.driver.find_element(By.ID, "name").get_attribute("value"))
        self.assertEqual("", self.driver.find_element(By.ID, "password").get_attribute("value"))
        self.browser.open("/inbox")
        self.assertEqual("/sign-in", urllib.parse.urlsplit(self.driver.current_url).path,
                         "the inbox opened without a session")

        # The session's cookie is out of scripts' reach and not sent along from other sites.
        status, headers, body = send(self.server, "POST", "/sign-in", "",
                                     {"name": CLERK.name, "password": CLERK.password,
                                      "next": "/inbox"})
        self.assertEqual(303, status, body[:300])
        attributes = [part.strip().lower() for part in headers.get("set-cookie", "").split(";")]
        self.assertTrue(attributes[0].startswith("ablauf_session="), attributes)
        self.assertIn("httponly", attributes)
        self.assertIn("samesite=strict", attributes)

        # A `next` that leads to another host lands on the inbox, signing in or signed in.
        inbox = self.server.url + "/inbox"
        self.browser.open("/sign-in?next=" + urllib.parse.quote("//evil.example/x", safe=""))
        self.driver.find_element(By.ID, "name").send_keys(CLERK.name)
        self.driver.find_element(By.ID, "password").send_keys(CLERK.password)
        self.driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(self.driver, WAIT).until(lambda d: d.current_url != self.server.url
                                               + "/sign-in" and "sign-in" not in d.current_url,
                                               "signing in led nowhere")
        self.assertEqual(inbox, self.driver.current_url)
        for target in ("//evil.example/x", "/\\evil.example/x", "https://evil.example/x"):
            self.browser.open("/sign-in?next=" + urllib.parse.quote(target, safe=""))
            self.assertEqual(inbox, self.driver.current_url, f"signed in, next={target}")
        # A path on the server is where it leads: the inbox above is not the only answer.
        self.browser.open("/sign-in?next=" + urllib.parse.quote("/instances?status=waiting"))
        self.assertEqual(self.server.url + "/instances?status=waiting", self.driver.current_url)
        # The language link takes a `next` too.
        self.browser.open("/language/en?next=" + urllib.parse.quote("//evil.example/x", safe=""))
        self.assertEqual(inbox, self.driver.current_url, "the language link left the server")


if __name__ == "__main__":
    unittest.main()
