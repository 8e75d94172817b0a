"""What the browser tests share: a real `ablauf serve`, a headless Chromium, and the JSON API.

The tests drive the pages the way people do, in the browser the CI machine has, against the
binary the build made, so that what they see is what a clerk sees. tests/browser/run.sh sets
the environment they read:

- ABLAUF_BIN: the `ablauf` binary under test;
- ABLAUF_BUILD_DIR: where screenshots go (screenshots/) and where run.sh installed axe-core
  (browser/node_modules);
- ABLAUF_SOURCE_DIR: the repository, whose workflows/ the server deploys.
"""
import ctypes
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from json import dumps, load, loads

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMEDRIVER = "/usr/bin/chromedriver"
GRAVE = ("serious", "critical")  # the impacts of axe-core's violations that fail a test
START_TIMEOUT = 30  # seconds for serve to say where it listens and to be ready
STOP_TIMEOUT = 30  # seconds for serve to finish its requests after SIGTERM
# Requests to the server never go through a proxy that http_proxy names.
LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def setting(name):
    """The environment variable `name`, which run.sh sets; a test run without it says so."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set: run the browser tests with "
                           "bash tests/browser/run.sh ABLAUF_BINARY BUILD_DIR")
    return value


@dataclass(frozen=True)
class User:
    """A person in the users file; `language` empty lets the browser's Accept-Language decide."""
    name: str
    password: str
    roles: tuple = ()
    display_name: str = ""
    language: str = ""


class Server:
    """A real `ablauf serve` on a free loopback port, over a store in a scratch folder.

    The users are written with the real CLI (`ablauf users add`, `ablauf users token`) before
    the server starts, since it reads the users file only at start; each gets one API token.
    The scratch folder, with serve's stdout and stderr (serve.out, serve.err) for a failure's
    diagnosis, is removed by close(). `extra_args` are further flags of serve (`--lang en`).
    Use it as a context manager, or start() and close().
    """

    def __init__(self, users=(), extra_args=()):
        self.binary = setting("ABLAUF_BIN")
        self.folder = tempfile.mkdtemp(prefix="ablauf-browser-")
        self.users_file = os.path.join(self.folder, "users.json")
        self.extra_args = list(extra_args)
        self.tokens = {}
        self.port = 0
        self.process = None
        for user in users:
            self.add_user(user)

    def add_user(self, user):
        """Adds `user` to the users file and makes their token; a running server needs restart()."""
        command = [self.binary, "users", "add", user.name, "--file", self.users_file,
                   "--password-stdin"]
        for role in user.roles:
            command += ["--role", role]
        if user.display_name:
            command += ["--display-name", user.display_name]
        if user.language:
            command += ["--language", user.language]
        self._cli(command, user.password + "\n")
        self.tokens[user.name] = self._cli(
            [self.binary, "users", "token", user.name, "--file", self.users_file,
             "--note", "browser tests"]).strip()

    @property
    def url(self):
        """Where the server answers, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        """Starts serve and returns once it listens and /readyz answers 200.

        A restart listens on the port the first start picked, so that a browser's URLs stay good.
        """
        command = [self.binary, "serve", "--listen", f"127.0.0.1:{self.port}",
                   "--store", os.path.join(self.folder, "ablauf.db"),
                   "--definitions", os.path.join(setting("ABLAUF_SOURCE_DIR"), "workflows"),
                   "--outbox", os.path.join(self.folder, "outbox")]
        if os.path.exists(self.users_file):
            command += ["--users", self.users_file]
        command += self.extra_args
        out_path = os.path.join(self.folder, "serve.out")
        already = os.path.getsize(out_path) if os.path.exists(out_path) else 0
        with open(out_path, "ab") as out, \
                open(os.path.join(self.folder, "serve.err"), "ab") as err:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                            stderr=err, preexec_fn=_terminated_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        self.port = self._wait_for_port(out_path, already, deadline)
        while self._status("/readyz") != 200:
            self._check_alive(deadline, "to be ready")
            time.sleep(0.05)
        return self

    def stop(self):
        """Sends SIGTERM and waits: serve must finish its requests and exit 0."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RuntimeError(f"serve did not stop within {STOP_TIMEOUT} s of SIGTERM"
                               f"{self._stderr_tail()}")
        if status != 0:
            raise RuntimeError(f"serve exited {status} on SIGTERM{self._stderr_tail()}")

    def restart(self):
        """Stops and starts again over the same store: what a store keeps must survive it."""
        self.stop()
        return self.start()

    def close(self):
        """Stops the server, if it runs, and removes the scratch folder."""
        try:
            self.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exception):
        self.close()

    def _cli(self, command, stdin=None):
        """Runs an `ablauf` subcommand and returns its stdout; a failure shows its stderr."""
        done = subprocess.run(command, input=stdin, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:4])} exited {done.returncode}: "
                               f"{done.stderr.strip()}")
        return done.stdout

    def _wait_for_port(self, out_path, offset, deadline):
        """The port of the start line (`… on http://127.0.0.1:PORT`) serve writes to stdout."""
        start_line = re.compile(rb" on http://127\.0\.0\.1:(\d+)$", re.MULTILINE)
        while True:
            with open(out_path, "rb") as out:
                out.seek(offset)
                found = start_line.search(out.read())
            if found:
                return int(found.group(1))
            self._check_alive(deadline, "to say where it listens")
            time.sleep(0.05)

    def _status(self, path):
        """The status of GET `path`, or None while nothing answers."""
        try:
            with LOOPBACK.open(self.url + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def _check_alive(self, deadline, waiting_for):
        """Raises, with serve's stderr, if serve exited or the deadline passed."""
        status = self.process.poll()
        if status is not None:
            self.process = None
            raise RuntimeError(f"serve exited {status} before it was ready{self._stderr_tail()}")
        if time.monotonic() > deadline:
            process, self.process = self.process, None
            process.kill()
            process.wait()
            raise RuntimeError(f"serve took longer than {START_TIMEOUT} s {waiting_for}"
                               f"{self._stderr_tail()}")

    def _stderr_tail(self):
        """The end of serve's stderr, to append to an error."""
        with open(os.path.join(self.folder, "serve.err"), encoding="utf-8",
                  errors="replace") as err:
            tail = err.read()[-2000:].strip()
        return f":\n{tail}" if tail else ""


def _terminated_with_parent():
    """Asks Linux, in a child before exec, for SIGTERM when the test process dies.

    A test process killed outright (SIGKILL, a broken pipe) runs no cleanup; without this its
    server would go on listening, and chromedriver with its Chromium.
    """
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def page_left(page):
    """A wait condition: the page whose <html> element is `page` was replaced by another.

    Selenium's staleness_of asks the old element whether it is enabled and expects a stale
    reference once the page went; Chromium at times answers "Node with given id does not belong
    to the document" instead, which means the same: the old page is gone."""
    def left(_driver):
        try:
            page.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True
    return left


def seed_start(workflow, business_key):
    """The body of POST /api/v1/instances for a seed workflow, with its answers file's input.

    The seed's answers (workflows/answers/<workflow>.json) carry an input that fits its declared
    input; `business_key` tells the instances of a test apart.
    """
    path = os.path.join(setting("ABLAUF_SOURCE_DIR"), "workflows", "answers", f"{workflow}.json")
    with open(path, encoding="utf-8") as answers:
        seed_input = load(answers)["input"]
    return {"workflow": workflow, "business_key": business_key, "input": seed_input}


@dataclass(frozen=True)
class Response:
    """An answer of the JSON API: `body` is parsed JSON where the content type is JSON."""
    status: int
    headers: dict
    body: object


def api(server, method, path, token=None, json=None, headers=None):
    """Calls the JSON API, to set up state or read it back; 4xx and 5xx are answers, not errors.

    `token` is a bearer token (server.tokens[name]); `headers` adds others, such as a session's
    Cookie and X-CSRF-Token.
    """
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    payload = None
    if json is not None:
        payload = dumps(json).encode()
        sent["Content-Type"] = "application/json"
    request = urllib.request.Request(server.url + path, payload, sent, method=method)
    try:
        with LOOPBACK.open(request, timeout=30) as response:
            return _response(response)
    except urllib.error.HTTPError as error:
        with error:
            return _response(error)


def _response(answer):
    """The Response of a urllib answer (an HTTPError is one too)."""
    raw = answer.read()
    headers = {name.lower(): value for name, value in answer.headers.items()}
    body = raw.decode("utf-8", "replace")
    if "json" in headers.get("content-type", "") and raw:
        body = loads(body)
    return Response(answer.status, headers, body)


class Browser:
    """A headless Chromium on `server`, at a phone's or a desktop's viewport, in one language.

    The viewport is set through the DevTools protocol rather than the window size, which in
    headless Chromium includes a browser frame: the page sees exactly SCREENS[screen] CSS
    pixels, and on `phone` a mobile viewport that honours <meta name="viewport">. `lang` is
    both Chromium's UI language and its Accept-Language. Its profile lives in a scratch folder
    that close() removes.
    """

    SCREENS = {
        "desktop": {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        "phone": {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    }

    def __init__(self, server, screen="desktop", lang="de"):
        self.server = server
        self.screen = screen
        self.lang = lang
        self.build_dir = setting("ABLAUF_BUILD_DIR")
        self.profile = tempfile.mkdtemp(prefix="ablauf-chromium-")
        metrics = self.SCREENS[screen]
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         f"--lang={lang}", f"--user-data-dir={self.profile}"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": lang})
        try:
            service = Service(CHROMEDRIVER, popen_kw={"preexec_fn": _terminated_with_parent})
            self.driver = webdriver.Chrome(service=service, options=options)
        except Exception:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)

    def open(self, path):
        """Loads `path` of the server and returns the driver, for finding elements."""
        self.driver.get(self.server.url + path)
        return self.driver

    def sign_in(self, name, password):
        """Signs in through the /sign-in form and waits for the redirect to /inbox."""
        self.open("/sign-in")
        self.driver.find_element(By.ID, "name").send_keys(name)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.ID, "sign-in").click()
        WebDriverWait(self.driver, 10).until(
            lambda driver: driver.current_url.split("?")[0] == self.server.url + "/inbox",
            f"signing in as {name} did not lead to /inbox")

    def screenshot(self, name):
        """Saves the viewport as <build dir>/screenshots/<name>.png and returns the path."""
        folder = os.path.join(self.build_dir, "screenshots")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{name}.png")
        if not self.driver.save_screenshot(path):
            raise RuntimeError(f"Chromium could not save the screenshot {path}")
        return path

    def axe(self, context_name):
        """Runs axe-core over the page: serious or critical violations fail, with where they are.

        Returns the minor and moderate violations, which a test may report but need not fail on.
        """
        script = os.path.join(self.build_dir, "browser", "node_modules", "axe-core",
                              "axe.min.js")
        with open(script, encoding="utf-8") as source:
            self.driver.execute_script(source.read())
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run({resultTypes: ['violations']})"
            ".then(result => done({violations: result.violations}),"
            "      error => done({error: String(error)}));")
        if "error" in result:
            raise RuntimeError(f"axe-core failed on {context_name}: {result['error']}")
        grave = [v for v in result["violations"] if v["impact"] in GRAVE]
        if grave:
            lines = [f"axe-core: {len(grave)} serious or critical violation(s) on "
                     f"{context_name} ({self.driver.current_url}):"]
            for violation in grave:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
                more = len(violation["nodes"]) - len(targets)
                lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}; "
                             f"at {', '.join(targets)}" + (f" and {more} more" if more else ""))
            raise AssertionError("\n".join(lines))
        return [v for v in result["violations"] if v["impact"] not in GRAVE]

    def close(self):
        """Quits Chromium and chromedriver and removes the profile."""
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()
