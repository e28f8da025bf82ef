"""The app under its Content-Security-Policy, the default WebSocket origins on a random port, and what
the client shows when the server refuses its origin (docs/WEB.md, docs/API.md)."""

import os

import pytest

from conftest import ARTIFACTS, TandemServer, csp_violations, new_context, rest, sign_in, wait_until, watch_page

# Records whether the empty-queue message was ever rendered (it must not be before the queue loaded).
WATCH_EMPTY_QUEUE = """
window.__sawEmptyQueue = false;
new MutationObserver(() => {
  if (document.querySelector("[data-testid=queue-empty]")) window.__sawEmptyQueue = true;
}).observe(document, { subtree: true, childList: true });
"""


def server_with(*settings: str):
    """A server of this module's own, started with `settings` (`key=value`)."""
    binary = os.environ.get("TANDEM_BIN", ".build/debug/tandem")
    web_root = os.environ.get("TANDEM_WEB_ROOT", "Web/dist")
    s = TandemServer(binary, web_root, settings=list(settings))
    s.start()
    yield s
    s.close()


@pytest.fixture(scope="module")
def refusing_server():
    """A server whose http.allowedOrigins names another site: it refuses this page's WebSocket."""
    yield from server_with("http.allowedOrigins=https://desk.example.test")


def test_app_runs_under_its_csp_with_a_live_update(browser, server):
    """Sign in, load the queue over the WebSocket, receive a live update: no CSP violation and no
    console error at all, with the policy on the page itself."""
    ctx = new_context(browser, server.base)
    ctx.add_init_script(WATCH_EMPTY_QUEUE)
    page = watch_page(ctx.new_page())
    try:
        response = page.goto("/login")
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
        assert response.headers.get("x-content-type-options") == "nosniff"
        assert response.headers.get("x-frame-options") == "DENY"
        assert response.headers.get("referrer-policy")
        sign_in(page, "grace@tandem.example")
        page.goto("/queue")
        rows = page.get_by_test_id("queue-row")
        wait_until(lambda: rows.count() > 0, timeout=20, what="queue rows")
        subject = "CSP live update 🔒"
        rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": subject, "description": "Arrives live."})
        wait_until(lambda: page.get_by_test_id("queue").get_by_text(subject).count() == 1, timeout=20, what="the new ticket, live")
        assert page.get_by_test_id("connection-banner").get_attribute("data-state") == "open"
        assert not page.evaluate("window.__sawEmptyQueue"), "'Nothing waiting here' showed before the queue had loaded"
        assert csp_violations(page) == []
        # Script errors, refused loads, a failed WebSocket: none. (Chromium also logs every HTTP
        # error answer as "Failed to load resource": those are the API's answers, such as the
        # login page's /auth/me before sign-in, not faults of the page.)
        errors = [m for m in page.console_errors if not m.startswith("Failed to load resource: the server responded")]  # type: ignore[attr-defined]
        assert errors == [], errors
        assert page.errors == [], page.errors  # type: ignore[attr-defined]
    finally:
        ctx.close()


def test_loopback_alias_is_an_allowed_origin_by_default(browser, server):
    """The server listens on 127.0.0.1 with http.allowedOrigins unset: a page opened as localhost
    on the same (random) port connects too."""
    ctx = new_context(browser, f"http://localhost:{server.port}")
    page = watch_page(ctx.new_page())
    try:
        sign_in(page, "ada@tandem.example")
        page.goto("/queue")
        page.locator("[data-testid=connection-banner][data-state=open]").wait_for(state="attached", timeout=20_000)
        wait_until(lambda: page.get_by_test_id("queue-row").count() > 0, timeout=20, what="queue rows over localhost")
        assert csp_violations(page) == []
    finally:
        ctx.close()


def test_refused_origin_shows_the_reason_not_an_empty_queue(browser, refusing_server):
    """The server refuses the page's origin: the banner says so and names the setting, the queue
    says it could not load (never "Nothing waiting here"), and the server logs the refusal."""
    ctx = new_context(browser, refusing_server.base)
    ctx.add_init_script(WATCH_EMPTY_QUEUE)
    page = watch_page(ctx.new_page())
    try:
        sign_in(page, "grace@tandem.example")
        page.goto("/queue")
        banner = page.locator("[data-testid=connection-banner][data-state=refused]")
        banner.wait_for(timeout=20_000)
        assert "http.allowedOrigins" in banner.inner_text()
        assert refusing_server.base in banner.inner_text()
        error = page.get_by_test_id("queue-error")
        error.wait_for(timeout=10_000)
        assert "http.allowedOrigins" in error.inner_text()
        # It stays refused across retries (no flip back to "Reconnecting…"), and never claims an empty queue.
        page.get_by_role("button", name="Retry now").click()
        page.wait_for_timeout(1500)
        assert page.get_by_test_id("connection-banner").get_attribute("data-state") == "refused"
        assert not page.evaluate("window.__sawEmptyQueue"), "'Nothing waiting here' showed for a queue that never loaded"
        assert page.get_by_test_id("queue-empty").count() == 0
        page.screenshot(path=str(ARTIFACTS / "refused-origin.png"), animations="disabled")
        wait_until(
            lambda: f"refused a WebSocket from origin {refusing_server.base}" in refusing_server.log_text(),
            what="the refusal in the server log")
        assert csp_violations(page) == []
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def capped_server():
    """A server that allows each person two live connections (live.maxConnectionsPerUser=2)."""
    yield from server_with("live.maxConnectionsPerUser=2")


def test_a_third_tab_over_the_connection_cap_says_why_and_recovers(browser, capped_server):
    """Two tabs hold the person's two connections: the third says that too many tabs are open (not a
    bare "Reconnecting…"), never claims an empty queue, and goes live by itself once a tab closes."""
    ctx = new_context(browser, capped_server.base)
    ctx.add_init_script(WATCH_EMPTY_QUEUE)
    try:
        first = watch_page(ctx.new_page())
        sign_in(first, "grace@tandem.example")
        first.goto("/queue")
        second = watch_page(ctx.new_page())
        second.goto("/queue")
        for page in (first, second):
            wait_until(lambda page=page: page.get_by_test_id("connection-banner").get_attribute("data-state") == "open",
                       what="the first two tabs live")
        third = watch_page(ctx.new_page())
        third.goto("/queue")
        banner = third.locator("[data-testid=connection-banner][data-state=refused]")
        banner.wait_for(timeout=20_000)
        assert "Too many Tandem tabs or windows" in banner.inner_text()
        assert not third.evaluate("window.__sawEmptyQueue"), "'Nothing waiting here' showed for a queue that never loaded"
        third.screenshot(path=str(ARTIFACTS / "too-many-tabs.png"), animations="disabled")
        first.close()
        wait_until(lambda: third.get_by_test_id("connection-banner").get_attribute("data-state") == "open",
                   timeout=30, what="the third tab live once the first closed")
        assert csp_violations(third) == []
    finally:
        ctx.close()
