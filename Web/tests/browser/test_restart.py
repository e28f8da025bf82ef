"""The server restarts while an agent types: the banner shows, and afterwards every keystroke is on screen and on the server."""

import time

from conftest import rest, wait_until


def test_server_restart_while_typing_loses_nothing(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Restart drill", "description": "…"})
    page = new_page("grace@tandem.example", f"/tickets/{ticket['id']}")
    notes = page.get_by_test_id("internal-notes")
    banner = page.get_by_test_id("connection-banner")
    notes.click()

    typed = ""

    def type_(text: str) -> None:
        nonlocal typed
        for ch in text:
            page.keyboard.type(ch)
            typed += ch
            time.sleep(0.01)

    type_("Before the restart: checked logs. ")
    server.stop(wait=False)  # SIGTERM: the server drains and closes sockets with 1001
    type_("During shutdown 🔧 ")
    server.wait_stopped()
    wait_until(lambda: banner.get_attribute("data-state") in ("reconnecting", "offline"), what="banner")
    assert banner.is_visible() and "Reconnecting" in banner.inner_text() or "offline" in banner.inner_text()
    page.screenshot(path=str(__import__("conftest").ARTIFACTS / "restart-banner.png"), animations="disabled")
    type_("While the server is down. ")
    assert "unsaved" in banner.inner_text()
    server.start(wait=False)
    type_("While it starts. ")
    server.wait_ready()
    type_("After the restart.")

    wait_until(lambda: banner.get_attribute("data-state") == "open", timeout=20, what="reconnected")
    wait_until(lambda: page.get_by_test_id("saved").is_visible(), timeout=20, what="all changes saved")
    assert notes.input_value() == typed
    server_text = rest(server, "grace@tandem.example").call("GET", f"/tickets/{ticket['id']}")["internalNotes"]
    assert server_text == typed

    # A reload of the page shows the same text (nothing was only local).
    page.reload()
    wait_until(lambda: page.get_by_test_id("internal-notes").input_value() == typed, what="text after reload")
    assert not page.errors
