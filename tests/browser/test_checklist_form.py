"""A clerk fills the delinquent-accounts checklist in German, in a real browser.

The checklist's eight sections are eight pages. On the first, an amount below its range is
refused next to its item, with everything typed kept; the clerk corrects it. On the fourth the
definition's rules show items live as the clerk chooses instalments. The last is signed, after
the page has shown what the signature covers; the instance then completes, and the filled PDF
holds the answers and the signer.
"""
import os
import subprocess
import time
import unittest
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from harness import Browser, Server, User, page_left, setting

# The instalment agreement the seed's answers file attaches too.
AGREEMENT = os.path.join(setting("ABLAUF_SOURCE_DIR"), "workflows", "answers", "belege",
                         "ratenvereinbarung.pdf")

CLERK = User("klara", "Forderung-2026!", ("billing_team",), "Klara Kühn")


def visible_items(driver):
    return [box for box in driver.find_elements(By.CSS_SELECTOR, "#checklist .item[data-item]")
            if box.is_displayed()]


def fill_visible(driver, numbers=None):
    """Answers every item shown that has a control: ticks boxes, picks a choice (`numbers` by
    item id, else the first), types a number (`numbers` by item id, else 3) or a date; signs
    nothing. A choice may show further
    items live: they are answered too, once the page's script has shown them."""
    answered = set()
    while True:
        boxes = [box for box in visible_items(driver) if box.get_attribute("data-item") not in answered]
        if not boxes:
            return
        for box in boxes:
            answered.add(box.get_attribute("data-item"))
            answer_item(driver, box, numbers or {})
        time.sleep(1)  # the script asks the server which items the answers show


def answer_item(driver, box, numbers):
    """Answers the item in `box`, if it has a control."""
    item = box.get_attribute("data-item")
    controls = box.find_elements(By.CSS_SELECTOR, "input:not([type=hidden])")
    if not controls:
        return  # read-only
    first = controls[0]
    kind = first.get_attribute("type")
    name = first.get_attribute("name") or ""
    if name.startswith("sign."):
        return
    if kind == "checkbox":
        for control in controls:
            if not control.is_selected():
                control.click()
    elif kind == "radio":
        if item in numbers:  # the option asked for, by its value
            next(c for c in controls if c.get_attribute("value") == numbers[item]).click()
        elif not any(control.is_selected() for control in controls):
            first.click()
    elif kind == "date":
        driver.execute_script("arguments[0].value = '2027-01-15'", first)
    elif kind == "file":
        # A real file from the disk, as a clerk attaches the signed instalment agreement.
        first.send_keys(AGREEMENT)
    elif first.get_attribute("inputmode") == "decimal":
        first.clear()
        first.send_keys(numbers.get(item, "3"))
    else:
        first.clear()
        first.send_keys("Rücksprache gehalten")


def fetch(driver, url):
    """The Content-Type and body of `url`, fetched with the browser's session."""
    session = driver.get_cookie("ablauf_session")["value"]
    request = urllib.request.Request(url, headers={"Cookie": f"ablauf_session={session}"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as answer:
        return answer.headers["Content-Type"], answer.read()


def save(driver):
    """Submits the form and waits until the page it leads to has replaced this one, so that
    what is read next is read from the answer, never from the page being left."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "save").click()
    WebDriverWait(driver, 10).until(page_left(page), "the form was not sent")


def start_from_page(browser, business_key=""):
    """Starts a delinquent-accounts checklist from its start page; the new instance's path."""
    driver = browser.open("/start/delinquent_accounts")
    driver.find_element(By.ID, "business-key").send_keys(business_key)
    driver.find_element(By.ID, "start").click()
    WebDriverWait(driver, 10).until(lambda d: "/instances/i-" in d.current_url)
    return "/" + driver.current_url.split("/", 3)[3]


def next_checklist(browser, instance_path):
    """From the instance page, the checklist step it waits for now."""
    driver = browser.open(instance_path)
    links = driver.find_elements(By.CSS_SELECTOR, "#open-work a")
    return links[0].get_attribute("href") if links else None


class ChecklistFormTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server([CLERK])
        cls.addClassCleanup(cls.server.close)
        cls.server.start()

    def test_a_clerk_fills_refused_corrects_and_signs(self):
        browser = Browser(self.server, "desktop", lang="de")
        self.addCleanup(browser.close)
        driver = browser.driver
        browser.sign_in(CLERK.name, CLERK.password)
        self.assertIn("Posteingang", driver.find_element(By.TAG_NAME, "h1").text)

        # Start one from its page: the checklist declares it takes no input.
        instance_path = start_from_page(browser, "KD-4711")

        # The inbox lists the checklist for the clerk.
        browser.open("/inbox")
        cards = driver.find_elements(By.CSS_SELECTOR, "#inbox .card")
        self.assertTrue(any("KD-4711" in card.text for card in cards), "checklist not in inbox")
        browser.screenshot("inbox_desktop_de")

        # First page: a negative amount is refused live, and again on saving.
        driver.get(next_checklist(browser, instance_path))
        self.assertIn("Erstprüfung durchführen", driver.find_element(By.TAG_NAME, "h1").text)
        fill_visible(driver, {"overdue_amount": "-250", "days_overdue": "45"})
        refusal = driver.find_element(By.ID, "item-overdue_amount-refusal")
        WebDriverWait(driver, 10).until(lambda d: refusal.text.strip() != "",
                                        "no live refusal next to the amount")
        save(driver)
        refusal = driver.find_element(By.ID, "item-overdue_amount-refusal")
        self.assertIn("0", refusal.text, "the refusal names the range")
        self.assertEqual("true",
                         driver.find_element(By.ID, "item-overdue_amount").get_attribute("aria-invalid"))
        self.assertEqual("-250", driver.find_element(By.ID, "item-overdue_amount").get_attribute("value"),
                         "what the clerk typed is kept")
        self.assertEqual("45", driver.find_element(By.ID, "item-days_overdue").get_attribute("value"))
        self.assertTrue(driver.find_element(By.ID, "item-dunning_legitimate").is_selected())
        self.assertIn("Rückständiger Betrag", driver.find_element(By.ID, "form-problem").text)
        browser.screenshot("checklist_refused_desktop_de")
        browser.axe("checklist form with a refusal")

        amount = driver.find_element(By.ID, "item-overdue_amount")
        amount.clear()
        amount.send_keys("1250,50")  # German decimal comma
        save(driver)
        WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith(instance_path))

        # The pages after it, one per section, until the signature.
        seen_live_rule = False
        for _ in range(10):
            target = next_checklist(browser, instance_path)
            if target is None:
                break
            driver.get(target)
            if driver.find_elements(By.ID, "item-arrangement_type-0"):
                count_box = driver.find_element(By.ID, "item-instalment_count-box")
                self.assertFalse(count_box.is_displayed(), "instalments hidden before the choice")
                options = driver.find_elements(By.CSS_SELECTOR, "input[name='answer.arrangement_type']")
                instalments = next(o for o in options if o.get_attribute("value") == "instalments")
                instalments.click()
                WebDriverWait(driver, 10).until(lambda d: count_box.is_displayed(),
                                                "the rule did not show the instalments live")
                seen_live_rule = True
            signatures = driver.find_elements(By.CSS_SELECTOR, "input[name^='sign.']")
            # No escalation: its "yes" raises an action for collections management, which the
            # case would wait for.
            fill_visible(driver, {"instalment_count": "6", "escalation_required": "no"})
            if signatures:
                # What the signature covers follows the answers as typed, before saving.
                signed_list = driver.find_element(By.CSS_SELECTOR, ".sign-off dl.signs")
                WebDriverWait(driver, 10).until(
                    lambda d: "Fallbearbeitung vollständig dokumentiert" in signed_list.text,
                    "the sign-off does not show the answers it covers")
                covered = driver.find_element(By.CSS_SELECTOR, ".sign-off details").text
                self.assertIn("Was Sie unterschreiben", covered)
                self.assertIn("Rücksprache gehalten", covered)
                self.assertIn("Klara Kühn", driver.find_element(By.CSS_SELECTOR, ".sign-off").text)
                browser.screenshot("checklist_sign_off_desktop_de")
                signatures[0].click()
            save(driver)
            WebDriverWait(driver, 10).until(
                lambda d: d.current_url != target or d.find_elements(By.ID, "form-problem"))
            problems = driver.find_elements(By.ID, "form-problem")
            self.assertFalse(problems, problems[0].text if problems else "")
            self.assertNotIn("saved=1", driver.current_url,
                             "a page filled whole still waits: " + driver.current_url)
        self.assertTrue(seen_live_rule, "no page had the instalment rule")

        browser.open(instance_path)
        self.assertEqual("abgeschlossen", driver.find_element(By.ID, "instance-status").text)
        timeline = driver.find_element(By.ID, "timeline").text
        self.assertIn("Unterschrieben", timeline)
        graph = driver.find_element(By.ID, "graph")
        WebDriverWait(driver, 10).until(
            lambda d: d.execute_script("return arguments[0].complete", graph))
        if not driver.execute_script("return arguments[0].naturalWidth", graph):
            svg = fetch(driver, graph.get_attribute("src"))[1]
            self.fail("the path over the graph did not load: " + svg[:2000].decode(errors="replace"))
        browser.screenshot("instance_desktop_de")
        browser.axe("instance page")

        # The filled form as PDF, fetched with the clerk's session, holds the answers.
        media_type, pdf = fetch(driver, driver.find_element(By.ID, "form-pdf").get_attribute("href"))
        self.assertEqual("application/pdf", media_type)
        path = os.path.join(setting("ABLAUF_BUILD_DIR"), "screenshots", "delinquent_accounts.pdf")
        with open(path, "wb") as out:
            out.write(pdf)
        text = subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                              capture_output=True, text=True).stdout
        self.assertIn("Rückständiger Betrag", text)
        self.assertRegex(text, r"1[.,]?250[.,]5")
        self.assertIn("klara", text)
        # The agreement chosen in the browser was uploaded and answered, with its hash.
        self.assertIn("ratenvereinbarung.pdf", text)
        self.assertRegex(text, r"SHA-256\s+[0-9a-f]{64}")

    def test_the_same_form_at_phone_size_in_english(self):
        browser = Browser(self.server, "phone", lang="en")
        self.addCleanup(browser.close)
        driver = browser.driver
        browser.sign_in(CLERK.name, CLERK.password)
        self.assertIn("Inbox", driver.find_element(By.TAG_NAME, "h1").text)
        instance_path = start_from_page(browser)
        driver.get(next_checklist(browser, instance_path))
        self.assertIn("Carry out the initial review", driver.find_element(By.TAG_NAME, "h1").text)
        # Nothing is wider than the phone: no sideways scrolling.
        width = driver.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, 390)
        browser.screenshot("checklist_phone_en")
        browser.axe("checklist form at phone size")
        browser.open("/inbox")
        browser.screenshot("inbox_phone_en")
        self.assertLessEqual(driver.execute_script("return document.documentElement.scrollWidth"), 390)
        browser.open(instance_path)
        browser.screenshot("instance_phone_en")


if __name__ == "__main__":
    unittest.main()
