"""The session ends while an agent has unsent edits: a sign-in dialog appears over the page, and after
signing in again every edit is sent, once, with nothing lost on screen or on the server."""

from conftest import PASSWORD, rest, wait_until


def test_session_ended_mid_work_asks_for_the_password_and_keeps_unsent_edits(new_page, server):
    tid = rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": "Session drill", "description": "x"})["id"]
    page = new_page("linus@tandem.example", f"/tickets/{tid}")
    banner = page.get_by_test_id("connection-banner")
    notes = page.get_by_test_id("internal-notes")
    wait_until(lambda: banner.get_attribute("data-state") == "open", what="connected")
    notes.click()
    page.keyboard.type("Saved before. ")
    wait_until(lambda: page.get_by_test_id("saved").is_visible(), what="first edits saved")

    # The network drops; meanwhile an admin disables Linus (which revokes every session of his) and
    # enables him again. The page keeps the edits typed offline.
    page.context.set_offline(True)
    wait_until(lambda: banner.get_attribute("data-state") in ("offline", "reconnecting"), what="offline banner")
    page.keyboard.type("Typed while the session ends. ")
    admin = rest(server, "admin@tandem.example")
    linus = next(u for u in admin.call("GET", "/users?limit=100")["items"] if u["email"] == "linus@tandem.example")
    admin.call("PATCH", f"/users/{linus['id']}", {"disabled": True})
    admin.call("PATCH", f"/users/{linus['id']}", {"disabled": False})

    # Back online: the cookie no longer signs in, so the page asks for the password over the work.
    page.context.set_offline(False)
    dialog = page.get_by_role("dialog", name="Your session ended")
    wait_until(dialog.is_visible, timeout=20, what="sign-in dialog")
    expected = "Saved before. Typed while the session ends. "
    assert notes.input_value() == expected
    assert admin.call("GET", f"/tickets/{tid}")["internalNotes"] == "Saved before. "
    page.screenshot(path=str(__import__("conftest").ARTIFACTS / "session-ended-dialog.png"), animations="disabled")

    # A wrong password is refused in the dialog; the right one continues where the agent left off.
    dialog.get_by_label("Password").fill("not-the-password")
    dialog.get_by_role("button", name="Sign in and continue").click()
    wait_until(lambda: dialog.get_by_role("alert").is_visible(), what="wrong password refused")
    assert dialog.is_visible()
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and continue").click()
    wait_until(lambda: not dialog.is_visible(), what="dialog closed")
    wait_until(lambda: page.get_by_test_id("saved").is_visible(), timeout=20, what="unsent edits saved")
    wait_until(lambda: admin.call("GET", f"/tickets/{tid}")["internalNotes"] == expected, what="server text")
    assert notes.input_value() == expected
    assert not page.errors
