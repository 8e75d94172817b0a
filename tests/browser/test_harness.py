"""The harness itself, against the routes `ablauf serve` has without pages.

Proves each piece the page tests build on: users written by the CLI sign in over the API, a
token and a session cookie set up state, the browser reaches the server at the asked viewport
and language, screenshots land in the build folder, axe-core runs and reports, and the server
restarts over its store.
"""
import os
import unittest

from harness import Browser, Server, User, api, seed_start

# The roles are those the seed workflows assign tasks and checklists to.
CLERK = User("clerk", "Rechnung-2026!", ("billing_team",), "Clara Klein", "de")
COLLECTOR = User("collector", "Mahnung-2026!", ("collections_management",), "Tom Berg", "en")


class HarnessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server([CLERK, COLLECTOR])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.browser = Browser(cls.server, "desktop", lang="de")
        cls.addClassCleanup(cls.browser.close)

    def sign_in(self, user):
        """Signs `user` in over the API: the headers of their session's changes."""
        answer = api(self.server, "POST", "/api/v1/session",
                     json={"name": user.name, "password": user.password})
        self.assertEqual(answer.status, 201, answer.body)
        self.assertIn("ablauf_session=", answer.headers["set-cookie"])
        cookie = answer.headers["set-cookie"].split(";")[0]
        return {"Cookie": cookie, "X-CSRF-Token": answer.body["csrf_token"]}

    def test_a_session_and_a_token_set_up_state(self):
        session = self.sign_in(CLERK)
        who = api(self.server, "GET", "/api/v1/session", headers={"Cookie": session["Cookie"]})
        self.assertEqual(who.status, 200, who.body)
        self.assertEqual(who.body["user"]["name"], "clerk")
        start = seed_start("invoicing_and_payments", "R-HARNESS-1")
        without_csrf = api(self.server, "POST", "/api/v1/instances", json=start,
                           headers={"Cookie": session["Cookie"]})
        self.assertEqual(without_csrf.status, 403, without_csrf.body)
        started = api(self.server, "POST", "/api/v1/instances", json=start, headers=session)
        self.assertEqual(started.status, 201, started.body)
        read = api(self.server, "GET", f"/api/v1/instances/{started.body['id']}",
                   token=self.server.tokens["collector"])
        self.assertEqual(read.status, 200, read.body)
        self.assertEqual(read.body["business_key"], "R-HARNESS-1")

    def test_the_browser_opens_the_open_routes(self):
        driver = self.browser.open("/api/v1/openapi.json")
        self.assertIn("openapi", driver.page_source)
        path = self.browser.screenshot("harness-openapi")
        with open(path, "rb") as png:
            self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n")
        driver = self.browser.open("/healthz")
        self.assertIn('"status":"ok"', driver.page_source.replace(" ", ""))

    def test_the_viewport_and_language_are_the_asked_ones(self):
        self.browser.open("/healthz")
        self.assertEqual(self.browser.driver.execute_script(
            "return [innerWidth, innerHeight, navigator.languages]"), [1280, 900, ["de"]])
        with Browser(self.server, "phone", lang="en") as phone:
            phone.open("/healthz")
            # A phone's screen, on which a page without <meta name="viewport"> is laid out
            # 980 CSS pixels wide, as phones do: the pages must declare their viewport.
            self.assertEqual(phone.driver.execute_script(
                "return [screen.width, screen.height, innerWidth, navigator.languages]"),
                [390, 844, 980, ["en"]])
            self.assertGreater(os.path.getsize(phone.screenshot("harness-phone")), 0)

    def test_axe_reports_what_a_page_lacks(self):
        # Chromium shows JSON in a page without a language or a title: two serious violations.
        self.browser.open("/healthz")
        with self.assertRaises(AssertionError) as failure:
            self.browser.axe("healthz")
        self.assertIn("html-has-lang (serious)", str(failure.exception))
        self.assertIn("document-title (serious)", str(failure.exception))

    def test_zz_a_restart_keeps_the_store(self):
        # Named to run last: the sessions of the other tests end with the restart.
        token = self.server.tokens["clerk"]
        start = seed_start("invoicing_and_payments", "R-HARNESS-2")
        started = api(self.server, "POST", "/api/v1/instances", token=token, json=start)
        self.assertEqual(started.status, 201, started.body)
        port = self.server.port
        self.server.restart()
        self.assertEqual(self.server.port, port)
        read = api(self.server, "GET", f"/api/v1/instances/{started.body['id']}", token=token)
        self.assertEqual(read.status, 200, read.body)
        self.assertIn('"status":"ready"', self.browser.open("/readyz").page_source)
