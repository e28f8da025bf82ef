"""The supervisor dashboard's numbers are the store's: each status, "new or open", unassigned and the load per
agent, with one bar per agent (no ghost "Agent" bars while names load)."""

from collections import Counter

from conftest import rest, wait_until

UNRESOLVED = {"new", "open", "pending", "on-hold"}


def all_tickets(client, query: str) -> list[dict]:
    items, cursor = [], None
    while True:
        page = client.call("GET", f"/tickets?limit=200&{query}" + (f"&after={cursor}" if cursor else ""))
        items += page["items"]
        cursor = page.get("nextCursor")
        if not cursor:
            return items


def test_dashboard_numbers_match_the_store(new_page, server):
    admin = rest(server, "admin@tandem.example")
    billing = next(t for t in admin.call("GET", "/teams?limit=200")["items"] if t["name"] == "Billing")
    # Move some tickets into statuses the big number must not count.
    sample = [t for t in all_tickets(admin, f"team={billing['id']}&status=new,open")][:3]
    for ticket, status in zip(sample, ["pending", "on-hold", "solved"]):
        admin.call("PATCH", f"/tickets/{ticket['id']}", {"status": status})

    page = new_page("ada@tandem.example", "/dashboard")
    card = page.get_by_test_id("dash-billing")
    wait_until(lambda: card.get_by_test_id("stat-total").is_visible(), what="the Billing card")

    tickets = [t for t in all_tickets(admin, f"team={billing['id']}") if t["status"] != "closed"]
    by_status = Counter(t["status"] for t in tickets)
    assert by_status["pending"] and by_status["on-hold"] and by_status["solved"], by_status
    expected = {
        "stat-total": by_status["new"] + by_status["open"],
        "stat-unassigned": sum(1 for t in tickets if t["status"] in UNRESOLVED and not t.get("assignee")),
        **{f"stat-{s}": by_status[s] for s in ["new", "open", "pending", "on-hold", "solved"]},
    }
    shown = lambda: {k: int(card.get_by_test_id(k).inner_text()) for k in expected}  # noqa: E731
    wait_until(lambda: shown() == expected, what=f"the dashboard's numbers to be {expected}")
    assert expected["stat-total"] != sum(by_status.values()), "the test needs tickets outside new/open"

    # Load per agent: one bar per assignee, named, with the store's count of their unresolved tickets.
    load = Counter(t["assignee"] for t in tickets if t["status"] in UNRESOLVED and t.get("assignee"))
    bars = card.locator("figure", has_text="Load per agent").locator("li[data-bar]")

    def bar_values():
        return {b.get_attribute("data-bar"): int(b.get_by_test_id(f"load-{b.get_attribute('data-bar')}").inner_text())
                for b in bars.all()}

    wait_until(lambda: bar_values() == dict(load), what=f"one load bar per agent: {dict(load)}")
    names = wait_until(lambda: (lambda n: n if "…" not in n else None)([b.inner_text().split("\n")[0] for b in bars.all()]),
                       what="agent names")
    assert "Agent" not in names and len(names) == len(load)
    assert not page.errors
