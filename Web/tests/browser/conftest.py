"""Browser tests: a real Tandem server (demo data, temporary SQLite store, free port) and Debian's Chromium.

scripts/browser-test.sh sets TANDEM_BIN, TANDEM_WEB_ROOT and TANDEM_ARTIFACTS; the server can be
restarted on the same port and store (see `TandemServer.restart`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

PASSWORD = "tandem-demo-2026"
# The server's `replies.undoMilliseconds`: how long a public reply by staff stays pending.
UNDO_MILLISECONDS = 3000
ARTIFACTS = Path(os.environ.get("TANDEM_ARTIFACTS", ".artifacts/browser"))
CHROMIUM = os.environ.get("TANDEM_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TandemServer:
    """One `tandem serve --demo` process; stop/start keep the port and the store.

    `http.allowedOrigins` is left unset, as `make run` leaves it: the page's own origin on this
    random port must be accepted by default. `settings` adds `--set key=value` flags.
    """

    def __init__(self, binary: str, web_root: str, settings: list[str] | None = None) -> None:
        self.binary = binary
        self.web_root = web_root
        self.settings = settings or []
        self.dir = Path(tempfile.mkdtemp(prefix="tandem-browser-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = open(self.dir / "server.log", "ab")

    def start(self, wait: bool = True) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary, "serve", "--demo", "--port", str(self.port), "--host", "127.0.0.1",
                "--store", f"sqlite:{self.dir}/tandem.sqlite",
                "--set", f"web.root={self.web_root}",
                "--set", f"attachments.directory={self.dir}/attachments",
                "--set", "auth.secureCookies=false",
                "--set", "auth.bcryptCost=10",
                *[arg for setting in self.settings for arg in ("--set", setting)],
                # Public replies wait out a short undo window (every test sees it; test_draft_mode undoes one).
                "--set", f"replies.undoMilliseconds={UNDO_MILLISECONDS}",
            ],
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"tandem exited with {self.proc.returncode}; see {self.dir}/server.log")
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError("tandem did not become ready")

    def stop(self, wait: bool = True) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if wait:
                self.wait_stopped()

    def wait_stopped(self, timeout: float = 20) -> None:
        if not self.proc:
            return
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_text(self) -> str:
        self.log.flush()
        return (self.dir / "server.log").read_text(errors="replace")

    def close(self) -> None:
        self.stop()
        self.log.close()
        if os.environ.get("TANDEM_KEEP_SERVICE_DATA") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)


class Rest:
    """Token-mode REST client for arranging and checking state behind the browser's back."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base + "/api/v1"
        session = self.call("POST", "/auth/login", {"email": email, "password": PASSWORD}, auth=False)
        self.token = session["accessToken"]
        self.user = session["user"]

    def call(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth:
            req.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return json.loads(raw) if raw else {}


class MailSink:
    """A real SMTP server (scripts/smtp-sink.py, aiosmtpd) that keeps every message the server sends."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tandem-mail-"))
        self.port = free_port()
        root = Path(__file__).resolve().parents[3]
        self.proc = subprocess.Popen(
            [sys.executable, str(root / "scripts" / "smtp-sink.py"), "--port", str(self.port), "--dir", str(self.dir)],
            stdout=open(self.dir / "sink.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"smtp-sink exited; see {self.dir}/sink.log")
                time.sleep(0.1)
        raise RuntimeError("smtp-sink did not start")

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self, to: str) -> list[dict]:
        found = []
        for path in sorted((self.dir / "messages").glob("*.json")):
            message = json.loads(path.read_text())
            if any(r.lower() == to.lower() for r in message["rcptTos"]):
                found.append(message)
        return found

    def wait_for(self, to: str, count: int = 1, timeout: float = 30) -> list[dict]:
        wait_until(lambda: len(self.messages(to)) >= count, timeout=timeout, what=f"{count} message(s) to {to}")
        return self.messages(to)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def mail_sink():
    sink = MailSink()
    yield sink
    sink.close()


@pytest.fixture(scope="session")
def server(mail_sink):
    binary = os.environ.get("TANDEM_BIN", ".build/debug/tandem")
    web_root = os.environ.get("TANDEM_WEB_ROOT", str(Path("Web/dist").resolve()))
    s = TandemServer(binary, web_root)
    # Mail (sign-up links) goes to the sink; links point at this server.
    s.settings += [f"mail.smtpURL={mail_sink.url}", "mail.tls=none", "mail.pollMilliseconds=100", f"mail.publicURL={s.base}"]
    s.start()
    yield s
    s.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


# Runs in every page before its own scripts: records Content-Security-Policy violations.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch_page(page: Page) -> Page:
    """Collects uncaught errors (page.errors), console errors (page.console_errors) and CSP
    violations, which `csp_violations(page)` reads."""
    page.errors = []  # type: ignore[attr-defined]
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    page.on(  # type: ignore[attr-defined]
        "console", lambda m: page.console_errors.append(f"{m.text} [{m.location.get('url', '')}]") if m.type == "error" else None
    )
    return page


def csp_violations(page: Page) -> list[str]:
    """CSP violations the page reported, in the DOM event and in the console."""
    try:
        seen = page.evaluate("window.__cspViolations || []")
    except Exception:  # noqa: BLE001 - a closed page reports none
        seen = []
    console = [m for m in getattr(page, "console_errors", []) if "Content Security Policy" in m]
    return list(seen) + console


def new_context(browser: Browser, base: str, width: int = 1280, height: int = 860, color_scheme: str = "light") -> BrowserContext:
    ctx = browser.new_context(
        viewport={"width": width, "height": height}, reduced_motion="reduce", color_scheme=color_scheme, base_url=base
    )
    ctx.add_init_script(RECORD_CSP_VIOLATIONS)
    return ctx


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/login" not in u)


@pytest.fixture
def new_page(browser: Browser, server: TandemServer, request):
    """Opens a signed-in page in a fresh context: new_page("grace@tandem.example", path="/queue").
    Every page runs under the server's Content-Security-Policy; a violation fails the test."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def make(email: str, path: str = "/", width: int = 1280, height: int = 860, color_scheme: str = "light") -> Page:
        ctx = new_context(browser, server.base, width, height, color_scheme)
        contexts.append(ctx)
        page = watch_page(ctx.new_page())
        pages.append(page)
        sign_in(page, email)
        if path != "/":
            page.goto(path)
        return page

    yield make
    violations = [v for page in pages for v in csp_violations(page)]
    for i, ctx in enumerate(contexts):
        for j, page in enumerate(ctx.pages):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"), animations="disabled")
            except Exception:  # noqa: BLE001 - a closed page has nothing to show
                pass
        ctx.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def rest(server: TandemServer, email: str) -> Rest:
    return Rest(server.base, email)


def wait_until(fn, timeout: float = 10, what: str = "condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last value {last!r})")
