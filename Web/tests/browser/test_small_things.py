"""The small things seen in use (issue 17, point 12), each as the person meets it."""

import time

from conftest import PASSWORD, new_context, rest, sign_in, wait_until, watch_page


def test_empty_sign_in_form_says_what_is_missing_without_asking_the_server(browser, server):
    ctx = new_context(browser, server.base)
    try:
        page = watch_page(ctx.new_page())
        logins = []
        page.on("request", lambda r: logins.append(r.url) if "/auth/login" in r.url else None)
        page.goto("/login")
        page.get_by_role("button", name="Sign in").click()
        alert = page.get_by_role("alert")
        wait_until(lambda: alert.is_visible(), what="the sign-in error")
        assert alert.inner_text() == "Enter your e-mail address and your password."
        assert page.evaluate("document.activeElement.id") == "email"
        page.get_by_label("E-mail").fill("grace@tandem.example")
        page.get_by_role("button", name="Sign in").click()
        wait_until(lambda: alert.inner_text() == "Enter your password.", what="the password is missing")
        assert page.evaluate("document.activeElement.id") == "password"
        assert logins == [], "an incomplete form is not sent"
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda u: "/login" not in u)
    finally:
        ctx.close()


def test_first_load_has_no_401_in_the_console(browser, server):
    ctx = new_context(browser, server.base)
    try:
        page = watch_page(ctx.new_page())
        refused = []
        page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
        page.goto("/")
        wait_until(lambda: page.get_by_role("button", name="Sign in").is_visible(), what="the sign-in page")
        time.sleep(0.5)
        assert refused == [], refused
        assert not [e for e in page.console_errors if "401" in e], page.console_errors
        # Signed in, a reload still asks for the session (and gets it).
        sign_in(page, "grace@tandem.example")
        page.reload()
        wait_until(lambda: page.get_by_test_id("me").is_visible(), what="signed in after a reload")
        assert refused == [] and not [e for e in page.console_errors if "401" in e], page.console_errors
    finally:
        ctx.close()


def test_team_select_shows_triage_whole(new_page, server):
    ticket = rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": "Select width", "description": "x"})
    page = new_page("grace@tandem.example", f"/tickets/{ticket['number']}")
    team = page.get_by_test_id("controls").get_by_label("Team")
    wait_until(lambda: team.is_visible(), what="the team select")
    assert team.evaluate("e => e.selectedOptions[0].text") == "Triage (no team)"
    room = team.evaluate(
        """e => {
          const s = getComputedStyle(e);
          const ctx = document.createElement("canvas").getContext("2d");
          ctx.font = s.font;
          const text = ctx.measureText(e.selectedOptions[0].text).width;
          return e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - text;
        }"""
    )
    # Chromium draws the native arrow inside the content box: the text needs that much more room.
    assert room >= 24, f"'Triage (no team)' has {room:.0f} px beside it, less than the select's arrow"


def test_dashboard_title_and_subtitle_do_not_overlap_at_375_px(new_page, server):
    page = new_page("ada@tandem.example", "/dashboard", width=375)
    title, subtitle = page.get_by_test_id("dashboard-title"), page.get_by_test_id("dashboard-subtitle")
    wait_until(lambda: title.is_visible() and subtitle.is_visible(), what="the dashboard heading")
    a, b = title.bounding_box(), subtitle.bounding_box()
    overlap = not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
    assert not overlap, (a, b)
    assert b["x"] + b["width"] <= 375 and a["x"] + a["width"] <= 375


def test_a_missing_ticket_is_explained(new_page, server):
    page = new_page("grace@tandem.example", "/tickets/tkt_01NOSUCHTICKET0000000000000")
    missing = page.get_by_test_id("ticket-missing")
    wait_until(lambda: missing.is_visible(), what="the missing-ticket message")
    text = missing.inner_text()
    assert "No such ticket." not in text
    assert "no such ticket, or you do not have access" in text
    missing.get_by_role("link", name="Back to the queue").click()
    page.wait_for_url(lambda u: u.endswith("/queue"))


def test_skeletons_while_loading(new_page, server):
    ticket = rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": "Slow network", "description": "x"})
    held = []  # requests held back until the test has seen the skeleton

    page = new_page("customer1@example.com", "/portal/new")
    page.route("**/api/v1/tickets?limit=100*", lambda route: held.append(route))
    page.get_by_role("link", name="My tickets").click()
    wait_until(lambda: page.get_by_test_id("tickets-loading").is_visible(), what="the list's skeleton")
    assert "Loading…" not in page.inner_text("main")
    wait_until(lambda: held, what="the held list request")
    held.pop().continue_()
    wait_until(lambda: "Slow network" in page.get_by_test_id("my-tickets").inner_text(), what="the list")
    assert page.get_by_test_id("tickets-loading").count() == 0

    page.route(f"**/api/v1/tickets/{ticket['number']}", lambda route: held.append(route))
    page.goto(f"/portal/tickets/{ticket['number']}")
    wait_until(lambda: page.get_by_test_id("ticket-skeleton").is_visible(), what="the ticket's skeleton")
    assert "Loading…" not in page.inner_text("body")
    wait_until(lambda: held, what="the held ticket request")
    held.pop().continue_()
    wait_until(lambda: page.get_by_test_id("ticket-number").is_visible(), what="the ticket")
