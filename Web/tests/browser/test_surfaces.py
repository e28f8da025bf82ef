"""Screenshots of the three surfaces (wide and 375 px), keyboard navigation and small-screen layout."""

import os
import shutil
import time
from pathlib import Path

from conftest import ARTIFACTS, rest, wait_until

DOCS = Path(os.environ.get("TANDEM_DOCS_SCREENSHOTS", "docs/screenshots"))


def shot(page, name: str) -> None:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", full_page=False)
    if os.environ.get("TANDEM_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / f"{name}.png")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_agent_workspace(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Sync stops after the 2.4 update 🔄", "description": "Since updating to 2.4 the desktop app stops syncing after a few minutes.\n\nRestarting helps for a while."})
    tid = ticket["id"]
    ada = new_page("ada@tandem.example", f"/tickets/{tid}")
    grace = new_page("grace@tandem.example", f"/tickets/{tid}")
    ada.get_by_test_id("reply-draft").click()
    ada.keyboard.type("Hi! Thanks for the details. Could you send us the log from ")
    grace.get_by_test_id("internal-notes").click()
    grace.keyboard.type("Looks like the token refresh bug fixed in 2.4.1.")
    grace.get_by_test_id("reply-draft").click()
    grace.keyboard.press("Control+End")
    wait_until(lambda: grace.locator("[data-testid=remote-caret]").count() > 0, what="remote caret")
    wait_until(lambda: ada.locator("[data-testid=remote-caret]").count() > 0, what="remote caret at Ada")
    shot(ada, "agent-workspace")
    ada.set_viewport_size({"width": 375, "height": 812})
    wait_until(lambda: no_horizontal_scroll(ada), what="no horizontal scroll at 375 px")
    shot(ada, "agent-workspace-375")


def test_queue_keyboard_navigation(new_page, server):
    page = new_page("grace@tandem.example", "/queue")
    rows = page.get_by_test_id("queue-row")
    wait_until(lambda: rows.count() > 3, what="queue rows")
    # The list merges one snapshot per queue (teams, triage) as they arrive, each re-sorting it:
    # wait until it has stopped changing, or the focused row may move under the keys.
    order = "[...document.querySelectorAll('[data-testid=queue-row]')].map((row) => row.dataset.id)"
    seen = {"ids": None, "since": time.time()}

    def settled() -> bool:
        ids = page.evaluate(order)
        if ids != seen["ids"]:
            seen.update(ids=ids, since=time.time())
        return time.time() - seen["since"] >= 1.0

    wait_until(settled, what="queue settled")
    ids = seen["ids"]
    rows.first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    index = page.evaluate("[...document.querySelectorAll('[data-testid=queue-row]')].indexOf(document.activeElement)")
    focused = page.evaluate("document.activeElement.dataset.id")
    assert (index, focused) == (2, ids[2])
    number = page.evaluate("document.activeElement.dataset.number")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tickets/{number}")  # links name tickets by number (issue 17)
    wait_until(lambda: page.get_by_test_id("ticket").is_visible(), what="ticket open")
    # Every form control in the ticket view has an accessible name.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea, button')]
             .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent.trim() || el.title))
             .map((el) => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_dashboard_and_portal_screenshots(new_page, server):
    dash = new_page("ada@tandem.example", "/dashboard")
    wait_until(lambda: dash.get_by_test_id("dash-billing").is_visible(), what="dashboard")
    shot(dash, "supervisor-dashboard")
    dash.set_viewport_size({"width": 375, "height": 812})
    wait_until(lambda: no_horizontal_scroll(dash), what="no horizontal scroll at 375 px")
    shot(dash, "supervisor-dashboard-375")

    customer = rest(server, "customer1@example.com")
    t = customer.call("POST", "/tickets", {"subject": "Invoice shows the wrong VAT", "description": "Our March invoice has 19 % VAT instead of 7 %."})
    rest(server, "grace@tandem.example").call("POST", f"/tickets/{t['id']}/comments", {"body": "Thanks, Amélie! We are correcting the invoice now and will send the new one today.", "visibility": "public"})
    portal = new_page("customer1@example.com", f"/portal/tickets/{t['id']}")
    wait_until(lambda: "correcting" in portal.get_by_test_id("comments").inner_text(), what="reply visible")
    shot(portal, "customer-portal")
    portal.set_viewport_size({"width": 375, "height": 812})
    wait_until(lambda: no_horizontal_scroll(portal), what="no horizontal scroll at 375 px")
    shot(portal, "customer-portal-375")
