"""Carets and typing: shown while someone is really there, gone soon after they stop (PROTOCOL.md §6.4)."""

import time

from conftest import rest, wait_until

GRACE = "grace@tandem.example"
ADA = "ada@tandem.example"
ADA_CARET = "[data-testid=remote-caret][data-name='Ada Lovelace']"


def test_a_focused_caret_outlives_the_server_decay_and_leaves_on_blur(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Caret check", "description": "Where is everyone?"})
    path = f"/tickets/{ticket['id']}"
    grace = new_page(GRACE, path)
    ada = new_page(ADA, path)
    wait_until(lambda: "Ada" in grace.get_by_test_id("presence").inner_text(), what="Ada's presence at Grace")

    a_draft = ada.get_by_test_id("reply-draft")
    a_draft.click()
    ada.keyboard.type("Looking")
    wait_until(lambda: grace.locator(ADA_CARET).count() > 0, what="Ada's caret at Grace")
    wait_until(lambda: "typing" in grace.get_by_test_id("presence").inner_text(), what="Ada typing at Grace")

    # Ada stops typing but keeps the field focused, past the server's 4 s decay of unrenewed carets:
    # her client renews the caret, and "typing" gives way to viewing.
    time.sleep(9)
    assert grace.locator(ADA_CARET).count() > 0, "a focused caret must stay visible"
    wait_until(lambda: "typing" not in grace.get_by_test_id("presence").inner_text(), what="typing to end")

    # Leaving the field takes the caret away at once.
    ada.get_by_test_id("presence").click()
    wait_until(lambda: grace.locator(ADA_CARET).count() == 0, what="Ada's caret to go")
    assert not grace.errors and not ada.errors
