"""The supervisor dashboard changes within a second when a ticket is created elsewhere."""

import time

from conftest import rest, wait_until


def test_dashboard_counter_follows_a_new_ticket(new_page, server):
    page = new_page("ada@tandem.example", "/dashboard")
    card = page.get_by_test_id("dash-billing")
    new_count = card.get_by_test_id("stat-new")
    total = card.get_by_test_id("stat-total")
    wait_until(lambda: new_count.is_visible(), what="the Billing card")
    before_new, before_total = int(new_count.inner_text()), int(total.inner_text())

    admin = rest(server, "admin@tandem.example")
    billing = next(t for t in admin.call("GET", "/teams?limit=200")["items"] if t["name"] == "Billing")
    started = time.time()
    admin.call("POST", "/tickets", {"subject": "VAT wrong on invoice 42", "description": "Since March.", "team": billing["id"], "priority": "urgent"})
    wait_until(lambda: int(new_count.inner_text()) == before_new + 1, timeout=3, what="new count +1")
    elapsed = time.time() - started
    assert int(total.inner_text()) == before_total + 1
    assert elapsed < 1.5, f"the dashboard took {elapsed:.2f} s"

    # Drill down: the "New" bar opens the queue filtered to Billing's new tickets.
    card.get_by_role("link", name="New:").click()
    page.wait_for_url(lambda u: "/queue?" in u and "status=new" in u)
    wait_until(lambda: "VAT wrong on invoice 42" in page.get_by_test_id("queue").inner_text(), what="ticket in the drill-down")
    assert not page.errors
