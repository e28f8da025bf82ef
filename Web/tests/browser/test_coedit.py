"""Two agents in two browser contexts co-edit the shared reply draft, interleaved keystroke by keystroke."""

from conftest import rest, wait_until

GRACE = "grace@tandem.example"
ADA = "ada@tandem.example"


def test_two_agents_typing_interleaved_converge(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Co-editing check", "description": "Please help 🙏"})
    path = f"/tickets/{ticket['id']}"

    grace = new_page(GRACE, path)
    ada = new_page(ADA, path)
    g_draft = grace.get_by_test_id("reply-draft")
    a_draft = ada.get_by_test_id("reply-draft")

    # Both see each other on the ticket.
    wait_until(lambda: "Ada" in grace.get_by_test_id("presence").inner_text(), what="Ada's presence at Grace")
    wait_until(lambda: "Grace" in ada.get_by_test_id("presence").inner_text(), what="Grace's presence at Ada")

    g_draft.click()
    grace.keyboard.type("Thanks for writing in. ")
    wait_until(lambda: a_draft.input_value() == "Thanks for writing in. ", what="the first words at Ada")

    # Grace types at the start, Ada at the end, one key each in turn (emoji included).
    g_draft.click()
    grace.keyboard.press("Control+Home")
    a_draft.click()
    ada.keyboard.press("Control+End")
    g_text = "Hello 👋 from Grace! "
    a_text = "Ada signs off — 陈伟 café ✅"
    for i in range(max(len(g_text), len(a_text))):
        if i < len(g_text):
            grace.keyboard.type(g_text[i])
        if i < len(a_text):
            ada.keyboard.type(a_text[i])

    expected = g_text + "Thanks for writing in. " + a_text
    wait_until(lambda: g_draft.input_value() == expected, what=f"Grace's draft to read {expected!r}")
    wait_until(lambda: a_draft.input_value() == expected, what=f"Ada's draft to read {expected!r}")
    wait_until(lambda: grace.get_by_test_id("saved").is_visible() and ada.get_by_test_id("saved").is_visible(), what="all saved")

    # The server holds the same text.
    assert rest(server, ADA).call("GET", f"/tickets/{ticket['id']}")["replyDraft"] == expected

    # Now both type at the same spot at once: the result still holds every character of both.
    g_draft.click()
    grace.keyboard.press("Control+End")
    ada.keyboard.press("Control+End")
    for i in range(8):
        grace.keyboard.type("g")
        ada.keyboard.type("a")
    wait_until(lambda: g_draft.input_value() == a_draft.input_value() and g_draft.input_value().count("g") >= 8, what="convergence")
    final = g_draft.input_value()
    tail = final[len(expected):]
    assert sorted(tail) == sorted("g" * 8 + "a" * 8), tail
    wait_until(lambda: rest(server, GRACE).call("GET", f"/tickets/{ticket['id']}")["replyDraft"] == final, what="server draft")

    # A remote caret labelled with the other person's name is drawn.
    wait_until(lambda: grace.locator("[data-testid=remote-caret][data-name='Ada Lovelace']").count() > 0, what="Ada's caret at Grace")

    # Sending the shared draft posts it as a public reply and clears the draft for both.
    grace.get_by_test_id("send-reply").click()
    wait_until(lambda: a_draft.input_value() == "" and g_draft.input_value() == "", what="draft cleared")
    wait_until(lambda: final in ada.get_by_test_id("comments").inner_text(), what="reply in the thread")
    assert not grace.errors and not ada.errors
