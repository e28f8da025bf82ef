"""Work typed while the connection is down survives going offline, and even a reload of the tab."""

from conftest import rest, wait_until


def test_offline_edits_survive_a_reload_and_are_sent_once(new_page, server):
    ticket = rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": "Offline drill", "description": "x"})
    tid = ticket["id"]
    page = new_page("grace@tandem.example", f"/tickets/{tid}")
    banner = page.get_by_test_id("connection-banner")
    notes = page.get_by_test_id("internal-notes")
    wait_until(lambda: banner.get_attribute("data-state") == "open", what="connected")
    wait_until(notes.is_visible, what="ticket loaded")

    # The browser goes offline: the banner says so, typing goes on.
    page.context.set_offline(True)
    wait_until(lambda: banner.get_attribute("data-state") in ("offline", "reconnecting"), what="offline banner")
    notes.click()
    page.keyboard.type("Typed offline ✈️. ")
    assert "kept" in banner.inner_text()

    # Back online, but new WebSockets are refused: the edits stay unsent, in sessionStorage.
    blocked = {"on": True}
    page.context.route_web_socket("**/ws", lambda ws: ws.close() if blocked["on"] else ws.connect_to_server())
    page.context.set_offline(False)
    page.keyboard.type("Still not sent.")
    wait_until(lambda: page.evaluate("Object.keys(sessionStorage).some((k) => k.startsWith('tandem.unsaved.'))"), what="persisted")

    # Reload the tab: the unsent text is restored from sessionStorage and shown.
    page.reload()
    expected = "Typed offline ✈️. Still not sent."
    wait_until(lambda: page.get_by_test_id("internal-notes").input_value() == expected, what="restored text")
    assert rest(server, "grace@tandem.example").call("GET", f"/tickets/{tid}")["internalNotes"] == ""

    # The connection comes back: everything is sent exactly once.
    blocked["on"] = False
    retry = page.get_by_role("button", name="Retry now")
    try:
        retry.click(timeout=2000)  # skip the backoff wait (it may already have reconnected by itself)
    except Exception:  # noqa: BLE001
        pass
    wait_until(lambda: page.get_by_test_id("saved").is_visible(), timeout=20, what="saved")
    wait_until(lambda: rest(server, "grace@tandem.example").call("GET", f"/tickets/{tid}")["internalNotes"] == expected, what="server text")
    assert page.get_by_test_id("internal-notes").input_value() == expected
    assert not page.evaluate("Object.keys(sessionStorage).some((k) => k.startsWith('tandem.unsaved.'))")


def test_mention_autocomplete_notifies_the_colleague(new_page, server):
    ticket = rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": "Mention drill", "description": "x"})
    tid = ticket["id"]
    ada = new_page("ada@tandem.example", "/queue")
    bell = ada.get_by_test_id("bell")
    wait_until(lambda: "unread" in (bell.get_attribute("aria-label") or ""), what="bell")
    before = int(bell.get_attribute("aria-label").split(",")[1].split()[0])

    grace = new_page("grace@tandem.example", f"/tickets/{tid}")
    grace.get_by_test_id("visibility-internal").click()
    grace.get_by_test_id("reply-draft").click()
    grace.keyboard.type("Can you check this, @Ad")
    option = grace.get_by_role("listbox", name="Mention a colleague").get_by_role("option", name="Ada Lovelace")
    wait_until(lambda: option.is_visible(), what="mention suggestion")
    grace.keyboard.press("Enter")
    wait_until(lambda: grace.get_by_test_id("reply-draft").input_value() == "Can you check this, @Ada Lovelace ", what="mention inserted")
    grace.get_by_test_id("send-reply").click()
    wait_until(lambda: "@Ada Lovelace" in grace.get_by_test_id("comments").inner_text(), what="internal note posted")
    wait_until(lambda: int(bell.get_attribute("aria-label").split(",")[1].split()[0]) == before + 1, what="Ada's unread count +1")
