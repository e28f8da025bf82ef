"""The shared reply draft's mode is the same for both agents, a public send of a colleague's internal text asks
first, and a public reply can be undone during its window without the customer ever seeing it."""

import time

from conftest import UNDO_MILLISECONDS, rest, wait_until

GRACE = "grace@tandem.example"
ADA = "ada@tandem.example"
CUSTOMER = "customer1@example.com"
SECRET = "INTERNAL ONLY: refund him quietly"


def test_internal_mode_is_shared_and_a_public_send_of_it_asks_first(new_page, server):
    customer = rest(server, CUSTOMER)
    ticket = customer.call("POST", "/tickets", {"subject": "Draft mode check", "description": "Where is my refund?"})
    path = f"/tickets/{ticket['id']}"
    grace = new_page(GRACE, path)
    ada = new_page(ADA, path)
    wait_until(lambda: "Ada" in grace.get_by_test_id("presence").inner_text(), what="Ada on the ticket at Grace")

    # Grace switches the shared draft to internal and writes a note for colleagues.
    grace.get_by_test_id("visibility-internal").click()
    grace.get_by_test_id("reply-draft").click()
    grace.keyboard.type(SECRET)

    # Ada sees the same mode, and who set it, without doing anything.
    wait_until(lambda: ada.get_by_test_id("visibility-internal").get_attribute("aria-checked") == "true", what="internal mode at Ada")
    wait_until(lambda: "Internal note — set by Grace Hopper" in ada.get_by_test_id("draft-mode-by").inner_text(), what="who set it")
    wait_until(lambda: ada.get_by_test_id("reply-draft").input_value() == SECRET, what="the note at Ada")
    assert ada.get_by_test_id("send-reply").inner_text() == "Add internal note"

    # Ada switches back to public; Grace sees that too.
    ada.get_by_test_id("visibility-public").click()
    wait_until(lambda: "Public reply — set by you" in ada.get_by_test_id("draft-mode-by").inner_text(), what="Ada's switch at Ada")
    wait_until(lambda: "Public reply — set by Ada Lovelace" in grace.get_by_test_id("draft-mode-by").inner_text(), what="Ada's switch at Grace")

    # Sending Grace's internal text to the customer asks Ada first; cancelling sends nothing.
    ada.get_by_test_id("send-reply").click()
    dialog = ada.get_by_test_id("confirm-internal-send")
    dialog.wait_for()
    assert "Grace Hopper" in dialog.inner_text()
    ada.get_by_test_id("cancel-send").click()
    wait_until(lambda: ada.get_by_test_id("confirm-internal-send").count() == 0, what="the question gone")
    staff_view = rest(server, ADA).call("GET", path)
    assert staff_view["comments"] == [] and staff_view["pendingReplies"] == [], staff_view
    assert staff_view["replyDraft"] == SECRET

    # Confirmed: the reply waits in its undo window; staff see it pending, the customer sees nothing.
    ada.get_by_test_id("send-reply").click()
    ada.get_by_test_id("confirm-send").click()
    wait_until(lambda: ada.get_by_test_id("reply-draft").input_value() == "", what="draft sent")
    wait_until(lambda: SECRET in grace.get_by_test_id("pending-reply").inner_text(), what="pending at Grace")
    assert customer.call("GET", f"/tickets/{ticket['id']}")["comments"] == []

    # Grace takes it back inside the window: the text returns to the draft for both, and the customer never gets it.
    grace.get_by_test_id("undo-reply").click()
    wait_until(lambda: grace.get_by_test_id("pending-reply").count() == 0 and ada.get_by_test_id("pending-reply").count() == 0, what="pending gone")
    wait_until(lambda: ada.get_by_test_id("reply-draft").input_value() == SECRET, what="text back in the draft at Ada")
    wait_until(lambda: grace.get_by_test_id("reply-draft").input_value() == SECRET, what="text back in the draft at Grace")
    time.sleep(UNDO_MILLISECONDS / 1000 + 1.5)  # past the window the reply would have had: still nothing
    view = customer.call("GET", f"/tickets/{ticket['id']}")
    assert view["comments"] == [] and "draftMode" not in view and "pendingReplies" not in view, view
    assert not grace.errors and not ada.errors


def test_a_public_reply_shows_as_pending_then_reaches_the_customer(new_page, server):
    customer = rest(server, CUSTOMER)
    ticket = customer.call("POST", "/tickets", {"subject": "Undo window check", "description": "Printer jammed."})
    grace = new_page(GRACE, f"/tickets/{ticket['id']}")
    portal = new_page(CUSTOMER, f"/portal/tickets/{ticket['id']}")
    grace.get_by_test_id("reply-draft").click()
    grace.keyboard.type("We are sending a technician.")
    grace.get_by_test_id("send-reply").click()
    pending = grace.get_by_test_id("pending-reply")
    pending.wait_for()
    assert "sending to the customer in" in pending.inner_text() or "sending…" in pending.inner_text()
    assert grace.get_by_test_id("undo-reply").is_visible()
    # Published after the window: it leaves the pending list and reaches the customer's open page.
    wait_until(lambda: "technician" in portal.get_by_test_id("comments").inner_text(), timeout=UNDO_MILLISECONDS / 1000 + 10, what="reply at the customer")
    wait_until(lambda: grace.get_by_test_id("pending-reply").count() == 0, what="no longer pending")
    assert "technician" in grace.get_by_test_id("comments").inner_text()
    assert not grace.errors and not portal.errors
