"""The utility-billing seed (workflows/utility_billing.json) in the browser, as its people run it.

Customer service opens the account, service operations activates the utilities, billing sets
the terms: each fills their own checklist from their inbox, and sees nobody else's. Then the
clock runs through the reminders, and collections completes the escalation task from its inbox.
The instance page tells the story as its timeline and draws the path.

The same story over the JSON API, with a manual clock, is tests/http_seed_test.cpp. `serve` runs
on the real clock and has no fake one, so the reminders' six weeks pass the way an operator
would make them pass: with the server stopped (one process at a time opens a SQLite store), the
real CLI carries the instance on, `ablauf instances resume ID --clock simulated`, which fires
the due timers by jumping time from the instance's own last time until it waits for a person
again, and exits 3 there; then the server starts again over the same store. Sessions live in
the server's memory, so everyone signs in again after the restart.
"""
import json
import os
import subprocess
import sys
import unittest
from urllib.parse import urlsplit

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from harness import Browser, Server, User, api, page_left, seed_start, setting

WORKFLOW = "utility_billing"
# The people of the process, each with the role its definition names for their step.
CLARA = User("clara", "Kundenkonto-2026!", ("customer_service",), "Clara Klein", "de")
OTTO = User("otto", "Zaehler-2026!", ("service_operations",), "Otto Brandt", "de")
BERTA = User("berta", "Rechnung-2026!", ("billing_team",), "Berta Lang", "de")
CORA = User("cora", "Inkasso-2026!", ("collections_management",), "Cora Vogel", "de")
PEOPLE = (CLARA, OTTO, BERTA, CORA)
WAIT = 10  # seconds a page may take to load, or the page's script to answer


def seed_answers():
    """The seed's answers file: the input and the answers a scripted run gives."""
    path = os.path.join(setting("ABLAUF_SOURCE_DIR"), "workflows", "answers", f"{WORKFLOW}.json")
    with open(path, encoding="utf-8") as answers:
        return json.load(answers)


class Pages:
    """What a person does on the pages, for the test cases below: each has its own server, with
    the four people, and its own Chromium at a desktop's viewport, in German."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(PEOPLE)
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        cls.browser = Browser(cls.server, "desktop", lang="de")
        cls.addClassCleanup(cls.browser.close)
        cls.driver = cls.browser.driver
        cls.script = seed_answers()

    def start_instance(self):
        """Starts the seed's instance over the API, as customer service, with the seed's input."""
        started = api(self.server, "POST", "/api/v1/instances",
                      token=self.server.tokens[CLARA.name],
                      json=seed_start(WORKFLOW, self.script["business_key"]))
        self.assertEqual(started.status, 201, started.body)
        self.id = started.body["id"]
        self.base = f"/instances/{self.id}"

    def path(self):
        """The browser's current path and query, without the server's address."""
        parts = urlsplit(self.driver.current_url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def wait_for_path(self, expected, why):
        try:
            WebDriverWait(self.driver, WAIT).until(lambda d: self.path() == expected)
            return
        except TimeoutException:
            pass
        self.fail(f"{why}: expected {expected}, at {self.path()}{self.problems()}")

    def problems(self):
        """What the page says went wrong (its problems and refusals), for a failure's message."""
        said = [element.text for element in self.driver.find_elements(
            By.CSS_SELECTOR, ".problem, p.refusal") if element.text]
        return "; the page says: " + " | ".join(said) if said else ""

    def submit(self, button_id):
        """Clicks the button and waits for the page the form leads to (any, even the same)."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.ID, button_id).click()
        WebDriverWait(self.driver, WAIT).until(page_left(page), f"#{button_id} led to no new page")

    def sign_in_as(self, user):
        """Signs out whoever is signed in (the header's button), then signs `user` in."""
        self.browser.open("/inbox")
        sign_out = self.driver.find_elements(By.CSS_SELECTOR, "form[action='/sign-out'] button")
        if sign_out:
            page = self.driver.find_element(By.TAG_NAME, "html")
            sign_out[0].click()
            WebDriverWait(self.driver, WAIT).until(page_left(page), "signing out led to no new page")
            self.assertEqual(urlsplit(self.driver.current_url).path, "/sign-in",
                             "signing out did not lead to /sign-in")
        self.browser.sign_in(user.name, user.password)
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "header .user").text,
                         user.display_name)

    def inbox(self):
        """Opens /inbox: its count line and its cards as (title, link path, card text)."""
        self.browser.open("/inbox")
        count = self.driver.find_element(By.CSS_SELECTOR, "p.count").text
        cards = []
        for card in self.driver.find_elements(By.CSS_SELECTOR, "ul#inbox li.card"):
            link = card.find_element(By.CSS_SELECTOR, "a.card-title")
            cards.append((link.text, urlsplit(link.get_attribute("href")).path, card.text))
        return count, cards

    def assert_inbox_empty(self, user, why):
        count, cards = self.inbox()
        self.assertEqual(cards, [], f"{user.name}'s inbox {why}")
        self.assertTrue(count.startswith("0 "), f"{user.name}'s inbox count {why}: {count!r}")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "p.empty").text,
                         "Für Sie liegt nichts an.")

    def open_only_card(self, user, title, href):
        """Asserts that `user`'s inbox holds exactly the card `title` leading to `href`, and
        follows it."""
        count, cards = self.inbox()
        self.assertEqual([(t, h) for t, h, _ in cards], [(title, href)],
                         f"{user.name}'s inbox shows other work than theirs")
        self.assertTrue(count.startswith("1 "), f"{user.name}'s inbox count: {count!r}")
        self.driver.find_element(By.CSS_SELECTOR, "ul#inbox a.card-title").click()
        self.wait_for_path(href, f"{user.name} following the card {title}")
        return cards[0][2]

    def item(self, item_id):
        return self.driver.find_element(By.ID, f"item-{item_id}")

    def check(self, element_id):
        box = self.driver.find_element(By.ID, element_id)
        if not box.is_selected():
            box.click()
        self.assertTrue(box.is_selected(), f"#{element_id} did not get checked")

    def type_into(self, item_id, text):
        field = self.item(item_id)
        field.clear()
        field.send_keys(text)

    def pick_date(self, item_id, iso_date):
        """Sets a date field as its picker does: the value, then `input` and `change`. Typing into
        it depends on the order Chromium's own locale gives the field's parts (headless here it
        is month/day/year even with --lang=de), which is the browser's, not the page's."""
        field = self.driver.find_element(By.CSS_SELECTOR, f"input[type=date]#item-{item_id}")
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "for (const type of ['input', 'change'])"
            "  arguments[0].dispatchEvent(new Event(type, {bubbles: true}));", field, iso_date)
        self.assertEqual(field.get_attribute("value"), iso_date,
                         f"the date field {item_id} did not take {iso_date}")

    def refusal(self, item_id):
        return self.driver.find_element(By.ID, f"item-{item_id}-refusal").text

    def assert_read_only(self, item_ids, why):
        """The items show, but without a field to change them."""
        for item_id in item_ids:
            self.driver.find_element(By.ID, f"item-{item_id}-box")
            fields = self.driver.find_elements(
                By.CSS_SELECTOR, f"#item-{item_id}-box input:not([type=hidden])")
            self.assertEqual(fields, [], f"{item_id} can be changed {why}")

    def instance_page(self):
        """On the instance page: its status text, its open work and its timeline's entries as
        (actor, sentence)."""
        status = self.driver.find_element(By.ID, "instance-status").text
        open_work = [(a.text, urlsplit(a.get_attribute("href")).path) for a in
                     self.driver.find_elements(By.CSS_SELECTOR, "ul#open-work a")]
        entries = [(li.find_element(By.CSS_SELECTOR, ".actor").text,
                    li.find_element(By.CSS_SELECTOR, ".text").text)
                   for li in self.driver.find_elements(By.CSS_SELECTOR, "ol#timeline > li")]
        return status, open_work, entries

    def instance(self):
        """The instance as the API tells it."""
        answer = api(self.server, "GET", f"/api/v1/instances/{self.id}",
                     token=self.server.tokens[CLARA.name])
        self.assertEqual(answer.status, 200, answer.body)
        return answer.body

    def axe(self, what):
        """axe-core over the page: serious or critical violations fail; the others are told."""
        for violation in self.browser.axe(what):
            print(f"\naxe-core on {what}: {violation['id']} ({violation['impact']}): "
                  f"{violation['help']}", file=sys.stderr)

    def shot(self, step):
        self.assertGreater(os.path.getsize(
            self.browser.screenshot(f"utility_billing_{step}_desktop_de")), 0)


class UtilityBillingTest(Pages, unittest.TestCase):
    def test_the_seed_runs_as_its_people_run_it_in_the_browser(self):
        self.start_instance()
        self.customer_service_opens_the_account()
        self.service_operations_activates_the_utilities()
        self.billing_sets_the_terms()
        self.the_clock_runs_through_the_reminders()
        self.collections_completes_the_escalation()

    def customer_service_opens_the_account(self):
        form = f"{self.base}/steps/account_setup"
        self.sign_in_as(CLARA)
        card = self.open_only_card(CLARA, "Kundenkonto einrichten", form)
        self.assertIn(self.script["business_key"], card)
        self.browser.open("/inbox")
        self.shot("inbox_clara")
        self.axe("the inbox")

        # The ticks and the choice first, the meter's number and the date still to come: a save
        # that leaves the sheet waiting comes back to it, with what was saved.
        self.browser.open(form)
        ticked = ("item-identity_verified", "item-customer_type-0",  # Privatkunde
                  "item-service_address_captured", "item-contract_documents_received")
        for box in ticked:
            self.check(box)
        self.shot("account_setup_clara")
        self.axe("the checklist account_setup")
        self.submit("save")
        self.wait_for_path(form + "?saved=1", "a partial save of account_setup")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "p.notice").text,
                         "Gespeichert.")
        for box in ticked:
            self.assertTrue(self.driver.find_element(By.ID, box).is_selected(),
                            f"{box} is no longer checked after the partial save")
        answers = self.instance()["data"]["steps"]["account_setup"]["answers"]
        self.assertEqual(answers, {"identity_verified": True, "customer_type": "private",
                                   "service_address_captured": True,
                                   "contract_documents_received": True})

        # The rest completes it, and the instance moves on to service operations.
        wanted = self.script["answers"]["account_setup"]
        self.type_into("meter_number", wanted["meter_number"])
        self.pick_date("contract_start_date", wanted["contract_start_date"])
        self.submit("save")
        self.wait_for_path(self.base, "completing account_setup")
        status, open_work, entries = self.instance_page()
        self.assertEqual(status, "wartet")
        self.assertEqual(open_work, [("Ausfüllen: Versorgungsleistungen einrichten",
                                      f"{self.base}/steps/utility_setup")])
        self.assertIn(("clara", f"Beantwortet: „Zählernummer“: {wanted['meter_number']}"),
                      entries)
        self.assertIn(("system", "Erledigt: „Kundenkonto einrichten“; weiter mit "
                                 "„Kundendaten speichern“"), entries)
        self.shot("account_setup_done_clara")
        self.assertEqual(self.instance()["data"]["steps"]["account_setup"]["answers"], wanted)

        # The next checklist is not Clara's: not in her inbox, and read-only if she opens it.
        self.assert_inbox_empty(CLARA, "after her checklist")
        self.browser.open(f"{self.base}/steps/utility_setup")
        self.assert_read_only(["utilities", "activation_date", "initial_meter_reading",
                               "smart_meter_connected", "services_activated"],
                              "by customer service")

    def service_operations_activates_the_utilities(self):
        form = f"{self.base}/steps/utility_setup"
        self.sign_in_as(OTTO)
        self.open_only_card(OTTO, "Versorgungsleistungen einrichten", form)
        self.check("item-utilities-0")  # Strom
        self.check("item-utilities-1")  # Gas
        self.pick_date("activation_date", "2026-12-01")
        self.type_into("initial_meter_reading", "-5")
        self.check("item-smart_meter_connected")
        self.check("item-services_activated")

        # A reading below the item's minimum is refused next to it, nothing is recorded, and
        # what he typed stays.
        self.submit("save")
        self.assertEqual(self.path(), form)
        self.assertTrue(self.driver.find_element(By.ID, "form-problem").is_displayed())
        self.assertNotEqual(self.refusal("initial_meter_reading"), "",
                            "the refused meter reading shows no refusal")
        self.assertEqual(self.item("initial_meter_reading").get_attribute("aria-invalid"),
                         "true")
        self.assertEqual(self.item("initial_meter_reading").get_attribute("value"), "-5")
        for kept in ("item-utilities-0", "item-utilities-1", "item-services_activated"):
            self.assertTrue(self.driver.find_element(By.ID, kept).is_selected(),
                            f"{kept} lost what was typed when the form was refused")
        self.assertEqual(self.item("activation_date").get_attribute("value"), "2026-12-01")
        self.shot("utility_setup_refused_otto")
        self.assertEqual(self.instance()["data"]["steps"].get("utility_setup", {})
                         .get("answers", {}), {}, "a refused form recorded answers")

        # The reading with a German decimal comma is taken as the number it is.
        self.type_into("initial_meter_reading", "18342,7")
        self.submit("save")
        self.wait_for_path(self.base, "completing utility_setup")
        status, open_work, entries = self.instance_page()
        self.assertEqual(status, "wartet")
        self.assertEqual(open_work, [("Ausfüllen: Rechnungspräferenzen konfigurieren",
                                      f"{self.base}/steps/billing_preferences")])
        self.assertIn(("otto", "Beantwortet: „Zu aktivierende Versorgungsleistungen“: Strom, Gas"),
                      entries)
        answers = self.instance()["data"]["steps"]["utility_setup"]["answers"]
        self.assertEqual(answers["initial_meter_reading"], 18342.7)
        self.assertEqual(answers["utilities"], ["electricity", "gas"])
        self.shot("utility_setup_done_otto")
        self.assert_inbox_empty(OTTO, "after his checklist")

    def billing_sets_the_terms(self):
        form = f"{self.base}/steps/billing_preferences"
        self.sign_in_as(BERTA)
        self.open_only_card(BERTA, "Rechnungspräferenzen konfigurieren", form)
        wanted = self.script["answers"]["billing_preferences"]
        iban_box = self.driver.find_element(By.ID, "item-iban-box")
        self.assertFalse(iban_box.is_displayed(), "the IBAN shows before SEPA was chosen")
        self.check("item-billing_frequency-0")  # Monatlich
        self.check("item-payment_method-0")  # SEPA-Lastschrift: the IBAN is asked for
        WebDriverWait(self.driver, WAIT).until(lambda d: iban_box.is_displayed(),
                                               "choosing SEPA did not show the IBAN")
        # Typed with spaces, the IBAN is refused as she types.
        self.type_into("iban", "DE02 1203 0000 0000 2020 51")
        WebDriverWait(self.driver, WAIT).until(lambda d: self.refusal("iban") != "",
                                               "the IBAN with spaces shows no refusal")
        self.shot("billing_preferences_iban_refused_berta")
        self.type_into("iban", wanted["iban"])
        WebDriverWait(self.driver, WAIT).until(lambda d: self.refusal("iban") == "",
                                               "the good IBAN still shows a refusal")
        self.type_into("payment_terms_days", str(wanted["payment_terms_days"]))
        self.check("item-tax_rate-0")  # Regelsteuersatz
        self.shot("billing_preferences_berta")
        self.axe("the checklist billing_preferences")
        self.submit("save")
        self.wait_for_path(self.base, "completing billing_preferences")

        # The invoice went out; the instance waits for the payment, for no person.
        status, open_work, entries = self.instance_page()
        self.assertEqual(status, "wartet")
        self.assertEqual(open_work, [])
        sentences = [text for _, text in entries]
        self.assertIn("Erledigt: „Rechnung an den Kunden senden“; weiter mit "
                      "„Auf Zahlungseingang warten“", sentences)
        self.assertIn("„Auf Zahlungseingang warten“ wartet auf das Ereignis „payment_received“",
                      sentences)
        # The optional box she left unticked is answered "no".
        self.assertEqual(self.instance()["data"]["steps"]["billing_preferences"]["answers"],
                         {**wanted, "accounting_integration": False})
        self.shot("waiting_for_payment_berta")
        self.assert_inbox_empty(BERTA, "after her checklist")
        self.sign_in_as(CORA)
        self.assert_inbox_empty(CORA, "before any reminder")

    def the_clock_runs_through_the_reminders(self):
        self.server.stop()
        resumed = subprocess.run(
            [self.server.binary, "instances", "resume", self.id,
             "--store", os.path.join(self.server.folder, "ablauf.db"),
             "--outbox", os.path.join(self.server.folder, "outbox"), "--clock", "simulated"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        # Exit 3: it waits for a person again, the escalation task.
        self.assertEqual(resumed.returncode, 3, resumed.stdout + resumed.stderr)
        self.assertEqual(resumed.stdout.count("done     send_payment_reminder"), 3,
                         resumed.stdout)
        self.assertIn("waits    escalate_overdue_payment", resumed.stdout)
        mails = sorted(os.listdir(os.path.join(self.server.folder, "outbox")))
        self.assertEqual(len(mails), 4, mails)  # the invoice and three reminders
        self.server.start()

    def collections_completes_the_escalation(self):
        # The task is for collections: billing does not see it, nor may it act on it.
        self.sign_in_as(BERTA)
        self.assert_inbox_empty(BERTA, "after the reminders")
        self.browser.open(self.base)
        status, open_work, entries = self.instance_page()
        self.assertEqual(status, "wartet")
        self.assertEqual(len(open_work), 1, open_work)
        self.assertEqual(open_work[0][0], "Aufgabe: Überfällige Zahlung eskalieren")
        task = open_work[0][1]
        self.assertTrue(task.startswith(f"{self.base}/tasks/"), task)
        self.assertEqual(sum(text.startswith("Erledigt: „Zahlungserinnerung senden“")
                             for _, text in entries), 3, entries)
        self.driver.find_element(By.CSS_SELECTOR, "ul#open-work a").click()
        self.wait_for_path(task, "following the open task")
        self.assertEqual(self.driver.find_element(By.CSS_SELECTOR, "p.notice").text,
                         "Diese Aufgabe ist für jemand anderen: Sie können sie ansehen, "
                         "aber nicht bearbeiten.")
        for absent in ("claim", "complete-form", "complete"):
            self.assertEqual(self.driver.find_elements(By.ID, absent), [],
                             f"#{absent} is offered to billing")

        self.sign_in_as(CORA)
        card = self.open_only_card(CORA, "Überfällige Zahlung eskalieren", task)
        self.assertIn("Fällig", card)
        self.assertIn("collections_management", card)
        self.shot("escalation_task_cora")
        self.axe("the task page")
        self.submit("claim")
        self.wait_for_path(task, "claiming the task")
        self.assertEqual(self.driver.find_elements(By.ID, "claim"), [])
        self.driver.find_element(By.ID, "release")
        outcomes = [radio.get_attribute("value") for radio in
                    self.driver.find_elements(By.CSS_SELECTOR, "input[name=outcome]")]
        self.assertEqual(outcomes, ["payment_received", "new_payment_terms",
                                    "collection_agency", "terminate_service"])
        self.driver.find_element(By.ID, "outcome-0").click()
        self.driver.find_element(By.ID, "note").send_keys("Zahlung am Telefon bestätigt")
        self.shot("escalation_completing_cora")
        self.submit("complete")
        self.wait_for_path(self.base, "completing the escalation task")

        # The instance ran to its end; the page tells how and draws the path.
        status, open_work, entries = self.instance_page()
        self.assertEqual(status, "abgeschlossen")
        self.assertEqual(open_work, [])
        self.assertIn(("cora", "Aufgabe erledigt: „Überfällige Zahlung eskalieren“: "
                               "payment_received"), entries)
        self.assertEqual(entries[-1], ("system", "Vorgang abgeschlossen"))
        self.assertLessEqual({"clara", "otto", "berta", "cora"}, {a for a, _ in entries})
        sentences = "\n".join(text for _, text in entries)
        for title in ("Kundenkonto einrichten", "Kundendaten speichern",
                      "Versorgungsleistungen einrichten", "Rechnungspräferenzen konfigurieren",
                      "Rechnung an den Kunden senden", "Zahlungserinnerung senden",
                      "Überfällige Zahlung eskalieren", "Zahlungsverlauf abspeichern",
                      "Rechnung abschließen"):
            self.assertIn(f"„{title}“", sentences)
        graph = self.driver.find_element(By.ID, "graph")
        WebDriverWait(self.driver, WAIT).until(
            lambda d: d.execute_script("return arguments[0].complete", graph),
            "the path's SVG did not load")
        self.assertGreater(self.driver.execute_script("return arguments[0].naturalWidth", graph),
                           0, f"the path's SVG did not load: {graph.get_attribute('src')}")
        for link, media_type in (("form-pdf", "application/pdf"), ("form-html", "text/html")):
            href = self.driver.find_element(By.ID, link).get_attribute("href")
            fetched = self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "fetch(arguments[0], {credentials: 'same-origin'})"
                ".then(r => done([r.status, r.headers.get('content-type')]),"
                "      e => done([0, String(e)]));", href)
            self.assertEqual(fetched[0], 200, f"#{link} {href}: {fetched}")
            self.assertTrue(fetched[1].startswith(media_type), f"#{link} {href}: {fetched}")
        self.shot("completed_cora")
        self.axe("the instance page")
        self.driver.execute_script(
            "document.getElementById('timeline').scrollIntoView({block: 'start'})")
        self.shot("timeline_cora")
        data = self.instance()["data"]
        self.assertEqual(data["steps"]["escalate_overdue_payment"]["output"]["data"],
                         {"note": "Zahlung am Telefon bestätigt"})
        self.assert_inbox_empty(CORA, "after the escalation")


class PartialSaveTest(Pages, unittest.TestCase):
    """A checklist is filled in more than one sitting: a box not ticked yet is not an answer,
    neither refused as she types nor when she saves what she has."""

    def test_a_sheet_saved_with_a_required_box_unticked_stays_waiting(self):
        self.start_instance()
        form = f"{self.base}/steps/account_setup"
        self.sign_in_as(CLARA)
        self.browser.open(form)
        # Two of the three required boxes and the customer type; the documents are not in yet.
        for box in ("item-identity_verified", "item-customer_type-1",  # Geschäftskunde
                    "item-service_address_captured"):
            self.check(box)
        # A meter number longer than its 40 characters: once its refusal shows, the page's
        # script has had the server's answer for the form as it stands.
        self.type_into("meter_number", "1ESY" * 11)
        WebDriverWait(self.driver, WAIT).until(lambda d: self.refusal("meter_number") != "",
                                               "the too long meter number shows no refusal")
        with self.subTest("as she types"):
            self.assertEqual(self.refusal("contract_documents_received"), "",
                             "a required box not ticked yet is refused as she types")
        self.item("meter_number").clear()
        WebDriverWait(self.driver, WAIT).until(lambda d: self.refusal("meter_number") == "",
                                               "the emptied meter number is still refused")
        self.submit("save")
        self.shot("account_setup_partial_clara")
        with self.subTest("saving"):
            self.wait_for_path(form + "?saved=1", "saving account_setup with the documents' "
                                                  "box not ticked yet")
            self.assertEqual(self.refusal("contract_documents_received"), "")
            self.assertFalse(self.item("contract_documents_received").is_selected())
            answers = self.instance()["data"]["steps"]["account_setup"]["answers"]
            self.assertEqual(answers, {"identity_verified": True, "customer_type": "business",
                                       "service_address_captured": True})


if __name__ == "__main__":
    unittest.main()
