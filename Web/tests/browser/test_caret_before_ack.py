"""A typist's caret shows at the others' while their edits are still unacknowledged (PROTOCOL.md §6.2).

Ada's acks are held back by routing her WebSocket through the test, so every edit she types stays
unacknowledged: her caret must still reach Grace, after the text she typed, and everything is saved once
the acks are let through."""

import json

from conftest import new_context, rest, sign_in, wait_until, watch_page

ADA_CARET = "[data-testid=remote-caret][data-name='Ada Lovelace']"


def test_remote_caret_shows_before_the_typists_edit_is_acknowledged(browser, new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Caret ahead of acks", "description": "x"})
    path = f"/tickets/{ticket['id']}"
    grace = new_page("grace@tandem.example", path)

    held: list[str] = []
    sockets = []

    def route(ws):
        upstream = ws.connect_to_server()
        sockets.append(ws)

        def from_server(message):
            text = message if isinstance(message, str) else message.decode()
            try:
                kind = json.loads(text).get("type")
            except ValueError:
                kind = None
            if kind == "ack":
                held.append(text)
            else:
                ws.send(message)

        upstream.on_message(from_server)
        ws.on_message(lambda message: upstream.send(message))

    ctx = new_context(browser, server.base)
    try:
        ada = watch_page(ctx.new_page())
        ada.route_web_socket("**/ws", route)
        sign_in(ada, "ada@tandem.example")
        ada.goto(path)
        draft = ada.get_by_test_id("reply-draft")
        wait_until(lambda: draft.is_enabled(), what="Ada's draft")
        wait_until(lambda: "Ada" in grace.get_by_test_id("presence").inner_text(), what="Ada's presence at Grace")
        draft.click()
        ada.keyboard.type("Looking into it", delay=40)

        # Nothing acknowledged: only Ada's first edit is on the server (one operation in flight), the rest
        # waits in her tab. Grace still sees Ada's caret, after the text that reached her.
        assert held, "the acks were held back"
        assert ada.get_by_test_id("saving").is_visible()
        grace_draft = grace.get_by_test_id("reply-draft")
        wait_until(lambda: grace_draft.input_value() == "L", what="Ada's first edit at Grace")
        wait_until(lambda: grace.locator(ADA_CARET).count() > 0, timeout=5, what="Ada's caret at Grace before any ack")
        wait_until(lambda: grace.locator(ADA_CARET).first.get_attribute("data-offset") == "1", what="the caret after the 'L'")

        # The acks go through: everything is saved, once.
        def release():
            while held:
                sockets[-1].send(held.pop(0))
            return ada.get_by_test_id("saved").is_visible()

        wait_until(release, what="Ada's edits saved")
        wait_until(lambda: grace_draft.input_value() == "Looking into it", what="all of Ada's text at Grace")
        assert rest(server, "admin@tandem.example").call("GET", f"/tickets/{ticket['id']}")["replyDraft"] == "Looking into it"
        assert not ada.errors and not grace.errors
    finally:
        ctx.close()
