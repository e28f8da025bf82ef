"""Ticket numbers people can say: in the queue, the ticket header and URLs (old id URLs keep working), REST and search."""

import urllib.parse

from conftest import rest, wait_until


def test_ticket_numbers_in_queue_header_urls_and_search(new_page, server):
    customer = rest(server, "customer1@example.com")
    created = customer.call("POST", "/tickets", {"subject": "Scanner shows error E42", "description": "Since Monday."})
    number, tid = created["number"], created["id"]
    assert number > 200, "the demo's tickets are numbered first, in creation order"
    other = rest(server, "customer2@example.com").call("POST", "/tickets", {"subject": "Someone else's", "description": "x"})
    assert other["number"] == number + 1

    # REST: the number in the path, and search by number (with and without #).
    admin = rest(server, "admin@tandem.example")
    assert admin.call("GET", f"/tickets/{number}")["id"] == tid
    for q in (str(number), f"#{number}"):
        found = admin.call("GET", "/tickets?q=" + urllib.parse.quote(q))["items"]
        assert tid in [t["id"] for t in found], q
        assert all("number" in t for t in found)
    # A customer's search by another customer's number finds nothing.
    assert customer.call("GET", "/tickets?q=" + urllib.parse.quote(f"#{other['number']}"))["items"] == []

    # The queue shows the number and links by it; the ticket opens at /tickets/<number>.
    page = new_page("grace@tandem.example", "/queue")
    row = page.locator(f'[data-testid="queue-row"][data-id="{tid}"]')
    wait_until(lambda: row.count() == 1, what="the new ticket in the queue")
    assert row.get_by_test_id("queue-number").inner_text() == f"#{number}"
    assert row.get_attribute("href") == f"/tickets/{number}"
    row.click()
    page.wait_for_url(lambda u: u.endswith(f"/tickets/{number}"))
    wait_until(lambda: page.get_by_test_id("ticket-number").is_visible(), what="the ticket header")
    assert page.get_by_test_id("ticket-number").inner_text() == f"#{number}"
    assert page.locator("#subject-input").input_value() == "Scanner shows error E42"

    # A shared link by number, and an old link by id, both open the ticket after a reload.
    for path in (f"/tickets/{number}", f"/tickets/{tid}"):
        page.goto(path)
        wait_until(lambda: page.get_by_test_id("ticket-number").is_visible(), what=f"{path} opens")
        assert page.get_by_test_id("ticket-number").inner_text() == f"#{number}"

    # A number nobody has: a sentence and a way back, not a bare "No such ticket.".
    page.goto("/tickets/987654")
    missing = page.get_by_test_id("ticket-missing")
    wait_until(lambda: missing.is_visible(), what="the missing-ticket message")
    assert "#987654" in missing.inner_text()
    assert missing.get_by_role("link", name="Back to the queue").is_visible()

    # The customer: their own ticket by number; the staff URL leads to the portal; another's is missing.
    portal = new_page("customer1@example.com", f"/tickets/{number}")
    page_number = portal.get_by_test_id("ticket-number")
    wait_until(lambda: page_number.is_visible(), what="the customer's ticket by number")
    assert portal.url.endswith(f"/portal/tickets/{number}")
    assert page_number.inner_text() == f"#{number}"
    portal.goto("/portal")
    wait_until(lambda: f"#{number}" in portal.get_by_test_id("my-tickets").inner_text(), what="the number in the portal list")
    portal.goto(f"/portal/tickets/{other['number']}")
    wait_until(lambda: portal.get_by_test_id("ticket-missing").is_visible(), what="another customer's ticket refused")
    assert "Someone else's" not in portal.content()
    assert not page.errors and not portal.errors
