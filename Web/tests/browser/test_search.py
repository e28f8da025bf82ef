"""Search everywhere: `/` or Ctrl+K, results as you type (debounced), by number, words, customer and tag, chosen with
the keyboard; customers find only their own tickets."""

import urllib.parse

from conftest import rest, wait_until


def hits(page):
    return page.get_by_test_id("search-hit")


def open_search(page, how: str):
    page.get_by_test_id("search-open").wait_for()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press(how)
    box = page.get_by_role("combobox", name="Search tickets")
    wait_until(lambda: box.is_visible(), what=f"the search box after {how}")
    wait_until(lambda: page.evaluate("document.activeElement.id") == "search-input", what="focus in the search box")
    return box


def test_staff_search_by_number_words_customer_and_tag(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Platypus invoice mismatch", "description": "Totals differ."})
    number = ticket["number"]
    admin = rest(server, "admin@tandem.example")
    admin.call("PATCH", f"/tickets/{ticket['id']}", {"addTags": ["wombat"]})
    name = customer.user["name"]

    page = new_page("grace@tandem.example", "/queue")
    searched = []
    page.on("request", lambda r: searched.append(r.url) if "/api/v1/tickets?" in r.url else None)

    # `/` opens it; words as you type, debounced: one request after a pause, not one per key.
    box = open_search(page, "/")
    box.press_sequentially("platypus inv", delay=25)
    wait_until(lambda: hits(page).count() >= 1, what="a hit for the words")
    assert hits(page).first.get_attribute("data-number") == str(number)
    text_searches = [u for u in searched if "q=" in u]
    assert 1 <= len(text_searches) <= 2, text_searches
    # Enter opens the active hit by its number.
    box.press("Enter")
    page.wait_for_url(lambda u: u.endswith(f"/tickets/{number}"))
    wait_until(lambda: page.get_by_test_id("ticket-number").inner_text() == f"#{number}", what="the ticket opened")

    # Ctrl+K, by number: that ticket first.
    box = open_search(page, "Control+k")
    box.fill(f"#{number}")
    wait_until(lambda: hits(page).count() >= 1 and hits(page).first.get_attribute("data-number") == str(number), what="the number first")
    assert "number" in hits(page).first.inner_text()
    box.press("Escape")
    wait_until(lambda: page.get_by_test_id("search").count() == 0, what="the search to close")

    # By customer name and by tag; ↓ moves the choice.
    box = open_search(page, "/")
    box.fill(name)
    wait_until(lambda: any(h.get_attribute("data-number") == str(number) for h in hits(page).all()), what=f"{name}'s ticket")
    assert any(f"customer {name}" in h.inner_text() for h in hits(page).all())
    box.fill("tag:wombat")
    wait_until(lambda: [h.get_attribute("data-number") for h in hits(page).all()] == [str(number)], what="the tagged ticket")
    box.fill("wombat")
    wait_until(lambda: str(number) in [h.get_attribute("data-number") for h in hits(page).all()], what="a tag typed plainly")
    box.fill("invoice")
    wait_until(lambda: hits(page).count() >= 2, what="several invoice tickets")
    assert hits(page).nth(0).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    assert hits(page).nth(1).get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == hits(page).nth(1).get_attribute("id")
    chosen = hits(page).nth(1).get_attribute("data-number")
    box.press("Enter")
    page.wait_for_url(lambda u: u.endswith(f"/tickets/{chosen}"))
    assert not page.errors


def test_customers_search_only_their_own_tickets(new_page, server):
    mine = rest(server, "customer1@example.com").call("POST", "/tickets", {"subject": "Echidna router resets", "description": "x"})
    theirs = rest(server, "customer2@example.com").call("POST", "/tickets", {"subject": "Echidna billing secret", "description": "x"})
    # The server enforces it, whatever the client asks.
    own = rest(server, "customer1@example.com")
    found = own.call("GET", "/tickets?q=" + urllib.parse.quote("echidna"))["items"]
    assert [t["id"] for t in found] == [mine["id"]]
    assert own.call("GET", "/tickets?q=" + urllib.parse.quote(f"#{theirs['number']}"))["items"] == []

    page = new_page("customer1@example.com", "/portal")
    box = open_search(page, "/")
    box.fill("echidna")
    wait_until(lambda: [h.get_attribute("data-number") for h in hits(page).all()] == [str(mine["number"])], what="only my ticket")
    box.fill(f"#{theirs['number']}")
    wait_until(lambda: page.get_by_test_id("search-empty").is_visible(), what="nothing for another's number")
    box.fill(f"#{mine['number']}")
    wait_until(lambda: hits(page).count() == 1, what="my ticket by number")
    box.press("Enter")
    page.wait_for_url(lambda u: u.endswith(f"/portal/tickets/{mine['number']}"))
    assert "Echidna billing secret" not in page.content()
