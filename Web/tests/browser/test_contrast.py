"""Sufficient contrast (WCAG 2.1 AA, 1.4.3) of every visible text on the three surfaces, light and dark.

contrast.js measures each text against the background it is drawn on; this test visits the
pages people use, with live data on them, and fails listing every text below its minimum.
"""

from pathlib import Path

import pytest

from conftest import rest, wait_until

CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()


def audit(page, name: str) -> list[str]:
    result = page.evaluate(CONTRAST_JS)
    assert result["checked"] > 5, f"{name}: no text found to check"
    return [f"{name}: {f['ratio']}:1 < {f['need']}:1 at {f['where']} ({f['color']} on {f['background']}): {f['text']!r}" for f in result["failures"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_on_every_surface(new_page, browser, server, scheme):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Contrast check 🎨", "description": "Exports fail since Monday."})
    tid = ticket["id"]
    grace = rest(server, "grace@tandem.example")
    grace.call("POST", f"/tickets/{tid}/comments", {"body": "We are looking into it.", "visibility": "public"})
    grace.call("POST", f"/tickets/{tid}/comments", {"body": "Likely the queue worker again.", "visibility": "internal"})
    grace.call("PATCH", f"/tickets/{tid}", {"status": "open", "priority": "high", "addTags": ["export"]})
    problems: list[str] = []

    signin = browser.new_context(base_url=server.base, color_scheme=scheme, reduced_motion="reduce")
    login = signin.new_page()
    login.goto("/login")
    login.get_by_role("button", name="Sign in").wait_for()
    problems += audit(login, "sign-in")
    signin.close()

    ada = new_page("ada@tandem.example", f"/tickets/{tid}", color_scheme=scheme)
    new_page("grace@tandem.example", f"/tickets/{tid}", color_scheme=scheme)  # a second viewer: presence
    wait_until(lambda: "queue worker" in ada.get_by_test_id("comments").inner_text(), what="comments")
    wait_until(lambda: ada.get_by_test_id("presence").inner_text().strip() != "", what="presence")
    problems += audit(ada, "ticket")

    ada.goto("/queue")
    wait_until(lambda: ada.get_by_test_id("queue-row").count() > 3, what="queue rows")
    problems += audit(ada, "queue")

    ada.goto("/dashboard")
    wait_until(lambda: ada.get_by_test_id("dash-billing").is_visible(), what="dashboard")
    problems += audit(ada, "dashboard")

    portal = new_page("customer1@example.com", f"/portal/tickets/{tid}", color_scheme=scheme)
    wait_until(lambda: "looking into it" in portal.get_by_test_id("comments").inner_text(), what="public reply")
    problems += audit(portal, "portal ticket")
    portal.goto("/portal")
    wait_until(lambda: "Contrast check" in portal.get_by_test_id("my-tickets").inner_text(), what="own tickets")
    problems += audit(portal, "portal list")
    portal.goto("/portal/new")
    portal.get_by_role("button", name="Open ticket").click()
    wait_until(lambda: portal.get_by_text("Give your ticket a short subject.").is_visible(), what="validation messages")
    problems += audit(portal, "new ticket form")

    assert not problems, f"{len(problems)} texts below WCAG AA contrast ({scheme}):\n" + "\n".join(problems)
