"""Every page of `ablauf serve`, at a desktop's and a phone's size, in German and in English.

The store holds what makes each page show what it is for (workflows/invoicing_and_payments.json,
started over the JSON API): an instance whose invoice was paid, now at the payment analysis;
one at the follow-up task, with its outcomes; one at the customer-data checklist. Each of the
four tours opens the eleven pages (sign-in, inbox, task, checklist, instances, instance, start
list, start form, key figures, definitions, definition) and proves of each: it answers 200 in
the language asked, shows its content and its images, shows no template unfilled (titles and
descriptions are templates over the instance's data), fits a phone's 390 CSS pixels without
sideways scrolling, and has no serious or critical axe-core violation (each page checked at
both sizes, once in each language). Screenshots are `<page>_<desktop|phone>_<de|en>.png`.

Beyond the tour: the key figures draw the payment chart for the invoice paid and filter by
workflow; the definition page checks an uploaded file, locating a finding `file:line:column`
as `ablauf validate` does, and deploys nothing; the header's language link switches the
language and keeps it, on the page it was clicked on; signing in leads back to the page asked
for.
"""
import datetime
import json
import os
import tempfile
import unittest
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import Browser, Server, User, api, seed_start, setting

WORKFLOW = "invoicing_and_payments"
# The people of the seed's steps in one; no language of their own, so the browser's decides.
TINA = User("tina", "Rundgang-2026!",
            ("accounts_receivable", "customer_service", "finance_controlling"), "Tina Thal")
# The bank's payment feed, which reports the payment the follow-up waits for.
BANK = User("bank_feed", "Zahlungsfeed-2026!", ("integration",), "Bankanbindung")
WAIT = 10  # seconds a page may take to load
PHONE_WIDTH = 390
# Which tours run axe-core: every page is checked at both sizes, and in both languages.
AXE_TOURS = {("desktop", "de"), ("phone", "en")}


def source_path(*parts):
    return os.path.join(setting("ABLAUF_SOURCE_DIR"), *parts)


def texts(lang):
    """The pages' texts in `lang`, as the server has them (src/http/web/text/<lang>.json)."""
    with open(source_path("src", "http", "web", "text", f"{lang}.json"), encoding="utf-8") as f:
        return json.load(f)


def seed():
    """The seed definition, as parsed JSON, and its text."""
    with open(source_path("workflows", f"{WORKFLOW}.json"), encoding="utf-8") as f:
        text = f.read()
    return json.loads(text), text


def seed_answers(step):
    """The seed's answers to the checklist `step` (workflows/answers/<workflow>.json)."""
    with open(source_path("workflows", "answers", f"{WORKFLOW}.json"), encoding="utf-8") as f:
        return json.load(f)["answers"][step]


def quoted(segment):
    """A path segment percent-encoded, slashes too (a task id holds them)."""
    return urllib.parse.quote(segment, safe="")


def navigation_status(driver):
    """The HTTP status of the page the browser shows (Navigation Timing's responseStatus)."""
    return driver.execute_script(
        "const entry = performance.getEntriesByType('navigation')[0];"
        "return entry ? entry.responseStatus : null;")


def wait_for_images(driver):
    """Waits until every image of the page has loaded or failed; returns those that failed."""
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return [...document.images].every(i => i.complete)"),
        "the page's images did not load")
    return driver.execute_script(
        "return [...document.images].filter(i => !i.naturalWidth).map(i => i.src)")


class PagesTourTest(unittest.TestCase):
    """One server with the store the pages need; each test its own Chromium."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server([TINA, BANK])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.definition, cls.definition_text = seed()
        token = cls.server.tokens[TINA.name]

        def call(method, path, body=None):
            answer = api(cls.server, method, path, token=token, json=body)
            if answer.status not in (200, 201):
                raise AssertionError(f"{method} {path}: {answer.status} {answer.body}")
            return answer.body

        def started(business_key):
            """The seed's input, its invoice numbered by `business_key`: each has a record."""
            start = seed_start(WORKFLOW, business_key)
            start["input"]["invoice"]["number"] = business_key
            return call("POST", "/api/v1/instances", start)["id"]

        def checked(instance):
            """The customer data checked and correct, the invoice's lines entered: the invoice
            is made, the follow-up set."""
            call("POST", f"/api/v1/instances/{instance}/steps/check_customer_data/form",
                 {"answers": seed_answers("check_customer_data")})
            body = call("POST", f"/api/v1/instances/{instance}/steps/invoice_lines/form",
                        {"answers": seed_answers("invoice_lines")})
            return next(task["id"] for task in body["tasks"]
                        if task["step"] == "create_follow_up_task" and not task["completed"])

        # Paid: the invoice is settled now, and the instance waits at the payment analysis.
        cls.paid = started("R-TOUR-PAID")
        follow_up = checked(cls.paid)
        call("POST", f"/api/v1/instances/{cls.paid}/tasks/{quoted(follow_up)}/complete",
             {"outcome": "paid"})
        paid = api(cls.server, "POST", "/api/v1/signals/payment_received",
                   token=cls.server.tokens[BANK.name],
                   json={"instance": cls.paid, "payload": {"amount": 2915.5}})
        if paid.status != 200:
            raise AssertionError(f"payment_received: {paid.status} {paid.body}")
        # At the follow-up task, which offers its outcomes.
        cls.at_task = started("R-TOUR-TASK")
        cls.task = checked(cls.at_task)
        # At the customer-data checklist.
        cls.at_checklist = started("R-TOUR-CHECK")

    def pages(self, lang):
        """The tour: page name → (path, a selector its content shows in, its h1 or None)."""
        t = texts(lang)
        title = self.definition["title"][lang]
        check_step = next(step for step in self.definition["steps"]
                          if step["id"] == "check_customer_data")
        return {
            "sign_in": ("/sign-in", "#sign-in", t["sign_in"]),
            "inbox": ("/inbox", "#inbox", t["inbox"]),
            "task": (f"/instances/{self.at_task}/tasks/{quoted(self.task)}",
                     "#complete-form input[name=outcome]", None),
            "checklist": (f"/instances/{self.at_checklist}/steps/check_customer_data",
                          "#checklist #item-name_checked", check_step["title"][lang]),
            "instances": ("/instances", "#instances", t["instances"]),
            "instance": (f"/instances/{self.paid}", "#timeline li", None),
            "start": ("/start", "#workflows", t["start"]),
            "start_form": (f"/start/{WORKFLOW}", "#start-form", f"{title} {WORKFLOW}"),
            "kpi": ("/kpi", "dl.figures", t["kpi"]),
            "definitions": ("/definitions", "#definitions", t["definitions"]),
            "definition": (f"/definitions/{WORKFLOW}", "#check-form", f"{title} {WORKFLOW}"),
        }

    def browser(self, screen, lang):
        """A Chromium at `screen` in `lang`, closed when the test ends."""
        browser = Browser(self.server, screen, lang=lang)
        self.addCleanup(browser.close)
        return browser

    def visit(self, browser, name, path, content, heading):
        """Opens one page and proves what every page owes, at the browser's size and language."""
        driver = browser.driver
        browser.open(path)
        broken_images = wait_for_images(driver)
        browser.screenshot(f"{name}_{browser.screen}_{browser.lang}")
        self.assertEqual(200, navigation_status(driver), driver.find_element(
            By.TAG_NAME, "body").text[:500])
        self.assertEqual(browser.lang, driver.find_element(By.TAG_NAME, "html")
                         .get_attribute("lang"))
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, content),
                        f"{name}: nothing matches {content}")
        h1 = driver.find_element(By.TAG_NAME, "h1").text
        if heading:
            self.assertEqual(heading, h1)
        else:
            self.assertTrue(h1.strip(), f"{name}: an empty h1")
        self.assertEqual([], broken_images, f"{name}: images that did not load")
        with self.subTest(check="templates filled in"):
            # Titles and descriptions are templates over the instance's data (docs/format.md).
            main = driver.find_element(By.TAG_NAME, "main").text
            self.assertNotIn("{{", main, f"{name} shows a template unfilled")
        # Each a subtest of its own: a page too wide is still checked by axe-core.
        if browser.screen == "phone":
            with self.subTest(check="no sideways scrolling"):
                width = driver.execute_script("return document.documentElement.scrollWidth")
                self.assertLessEqual(width, PHONE_WIDTH, f"{name} scrolls sideways on a phone")
        if (browser.screen, browser.lang) in AXE_TOURS:
            with self.subTest(check="axe-core"):
                browser.axe(f"{name} ({browser.screen}, {browser.lang})")

    def tour(self, screen, lang):
        """Every page, signed out first (sign-in) and then signed in, each a subtest."""
        browser = self.browser(screen, lang)
        pages = self.pages(lang)
        for name, (path, content, heading) in pages.items():
            if name == "inbox":
                browser.sign_in(TINA.name, TINA.password)
            with self.subTest(page=name, screen=screen, lang=lang):
                self.visit(browser, name, path, content, heading)

    def test_desktop_de(self):
        self.tour("desktop", "de")

    def test_desktop_en(self):
        self.tour("desktop", "en")

    def test_phone_de(self):
        self.tour("phone", "de")

    def test_phone_en(self):
        self.tour("phone", "en")

    def test_key_figures_draw_the_payments_and_filter(self):
        browser = self.browser("desktop", "en")
        driver = browser.driver
        browser.sign_in(TINA.name, TINA.password)
        browser.open("/kpi")
        chart = driver.find_element(By.CSS_SELECTOR, "#payment-chart svg.chart")
        self.assertTrue(chart.is_displayed())
        self.assertEqual(texts("en")["chart_title"], chart.find_element(
            By.CSS_SELECTOR, "title#chart-title").get_attribute("textContent"))
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, "#payment-chart svg rect.bar"))
        month = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m")
        rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#trend tbody tr")]
        self.assertEqual(1, len(rows), rows)
        self.assertTrue(rows[0].startswith(f"{month} 1 2,915.50"), rows)

        # Filtered by the workflow, through the form: the choice stays chosen.
        Select(driver.find_element(By.ID, "kpi-workflow")).select_by_value(WORKFLOW)
        driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        WebDriverWait(driver, WAIT).until(lambda d: "workflow=" in d.current_url)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
        self.assertEqual([WORKFLOW], query["workflow"])
        self.assertEqual(WORKFLOW, Select(driver.find_element(By.ID, "kpi-workflow"))
                         .first_selected_option.get_attribute("value"))
        figures = driver.find_elements(By.CSS_SELECTOR, "dl.figures")
        self.assertGreaterEqual(len(figures), 3, "instances, tasks and receivables")
        started = self.figure(driver, texts("en")["started_count"])
        self.assertEqual("3", started)
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, "#payment-chart svg.chart"))

        # A period after everything counts nothing; a workflow not deployed is said beside the
        # filters, which stay.
        browser.open(f"/kpi?workflow={WORKFLOW}&since=2099-01-01")
        self.assertEqual(200, navigation_status(driver))
        self.assertEqual("0", self.figure(driver, texts("en")["started_count"]))
        browser.open("/kpi?workflow=no_such_workflow")
        self.assertEqual(404, navigation_status(driver))
        self.assertTrue(driver.find_element(By.CSS_SELECTOR, "main .problem[role=alert]")
                        .text.strip())
        self.assertTrue(driver.find_elements(By.ID, "kpi-workflow"))

    def figure(self, driver, label):
        """The value the key-figures page shows for `label`, in its first list that has it."""
        for entry in driver.find_elements(By.CSS_SELECTOR, "dl.figures > div"):
            if entry.find_element(By.TAG_NAME, "dt").text == label:
                return entry.find_element(By.TAG_NAME, "dd").text
        self.fail(f"no figure {label!r}")

    def test_a_definition_is_checked_before_it_is_deployed(self):
        browser = self.browser("desktop", "de")
        browser.sign_in(TINA.name, TINA.password)
        scratch = tempfile.TemporaryDirectory(prefix="ablauf-definition-")
        self.addCleanup(scratch.cleanup)
        folder = scratch.name

        # A misspelled field: the finding names the file, line and column of the field.
        lines = self.definition_text.splitlines(keepends=True)
        line = next(i for i, text in enumerate(lines) if '"assignee"' in text)
        lines[line] = lines[line].replace('"assignee"', '"asignee"', 1)
        broken = os.path.join(folder, "broken_invoicing.json")
        with open(broken, "w", encoding="utf-8") as out:
            out.write("".join(lines))
        column = lines[line].index('"asignee"') + 1
        place = f"broken_invoicing.json:{line + 1}:{column}"
        findings = self.check(browser, broken)
        errors = findings.find_elements(By.CSS_SELECTOR, "li.finding-error")
        self.assertEqual(1, len(errors), findings.text)
        self.assertEqual(place, errors[0].find_element(By.TAG_NAME, "code").text)
        self.assertIn("asignee", errors[0].text)
        browser.screenshot("definition_check_errors_desktop_de")

        # A new version without errors says so; the deployed one is still the only one.
        deployed_version = self.definition["version"]
        newer = deployed_version + 1
        valid = os.path.join(folder, f"invoicing_v{newer}.json")
        with open(valid, "w", encoding="utf-8") as out:
            json.dump(dict(self.definition, version=newer), out, ensure_ascii=False, indent=2)
        findings = self.check(browser, valid)
        self.assertFalse(findings.find_elements(By.CSS_SELECTOR, "li.finding-error"),
                         findings.text)
        notice = findings.find_element(By.CSS_SELECTOR, ".notice").text
        self.assertIn(f"invoicing_v{newer}.json: {texts('de')['definition_valid']} (v{newer})",
                      notice)
        self.assertNotIn(texts("de")["version_deployed"], notice)
        deployed = api(self.server, "GET", "/api/v1/definitions",
                       token=self.server.tokens[TINA.name])
        self.assertEqual([deployed_version], [entry["version"] for entry in deployed.body["definitions"]
                               if entry["id"] == WORKFLOW], "checking deployed a version")
        browser.axe("definition page with a check's result")

        # The deployed version's own text: no errors, and deployed already.
        same = os.path.join(folder, "invoicing_and_payments.json")
        with open(same, "w", encoding="utf-8") as out:
            out.write(self.definition_text)
        notice = self.check(browser, same).find_element(By.CSS_SELECTOR, ".notice").text
        self.assertIn(texts("de")["version_deployed"], notice)

    def check(self, browser, path):
        """Uploads the file at `path` in the definition page's check form: the findings shown."""
        driver = browser.driver
        browser.open(f"/definitions/{WORKFLOW}")
        driver.find_element(By.ID, "definition-file").send_keys(path)
        driver.find_element(By.ID, "check").click()
        return WebDriverWait(driver, WAIT).until(
            lambda d: d.find_elements(By.ID, "findings"), f"no #findings for {path}")[0]

    def test_the_language_link_switches_and_keeps_the_language(self):
        browser = self.browser("phone", "de")
        driver = browser.driver
        browser.sign_in(TINA.name, TINA.password)
        de, en = texts("de"), texts("en")
        self.assertEqual(de["inbox"], driver.find_element(By.TAG_NAME, "h1").text)

        link = driver.find_element(By.CSS_SELECTOR, "header a[hreflang=en]")
        self.assertEqual(en["language_name"], link.text)
        link.click()
        WebDriverWait(driver, WAIT).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
            "the page did not switch to English")
        self.assertEqual(self.server.url + "/inbox", driver.current_url, "back where it was")
        self.assertEqual(en["inbox"], driver.find_element(By.TAG_NAME, "h1").text)
        self.assertEqual("en", driver.get_cookie("ablauf_lang")["value"])
        # Kept on the next page, though the browser asks for German.
        browser.open(f"/instances/{self.at_checklist}/steps/check_customer_data")
        self.assertEqual("Check customer data", driver.find_element(By.TAG_NAME, "h1").text)
        self.assertFalse(driver.find_elements(By.CSS_SELECTOR, "header a[hreflang=en]"))

        driver.find_element(By.CSS_SELECTOR, "header a[hreflang=de]").click()
        WebDriverWait(driver, WAIT).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de",
            "the page did not switch back to German")
        self.assertEqual("Kundendaten überprüfen", driver.find_element(By.TAG_NAME, "h1").text)
        browser.open("/kpi")
        self.assertEqual(de["kpi"], driver.find_element(By.TAG_NAME, "h1").text)

        with self.subTest(check="the page's query kept"):
            # A filtered list stays filtered: the link leads back to the page as it was.
            browser.open("/instances?status=waiting")
            driver.find_element(By.CSS_SELECTOR, "header a[hreflang=en]").click()
            WebDriverWait(driver, WAIT).until(
                lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
            self.assertEqual(self.server.url + "/instances?status=waiting", driver.current_url)

    def test_signing_in_leads_back_to_the_page_asked_for(self):
        browser = self.browser("desktop", "en")
        driver = browser.driver
        asked = f"/instances?workflow={WORKFLOW}&status=waiting"
        browser.open(asked)
        self.assertEqual("/sign-in", urllib.parse.urlsplit(driver.current_url).path)
        driver.find_element(By.ID, "name").send_keys(TINA.name)
        driver.find_element(By.ID, "password").send_keys(TINA.password)
        driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(driver, WAIT).until(
            lambda d: urllib.parse.urlsplit(d.current_url).path == "/instances",
            f"signing in did not lead back to /instances; at {driver.current_url}")
        # The filters come back whole; their order is the server's to choose.
        landed = urllib.parse.urlsplit(driver.current_url)
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlsplit(asked).query),
                         urllib.parse.parse_qs(landed.query), "the query was lost")


if __name__ == "__main__":
    unittest.main()
