"""The customer's open page follows the agent's work live: status changes and public replies, no reload."""

from conftest import rest, wait_until


def test_customer_sees_status_change_without_reload(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Printer on fire", "description": "It smells of toner."})

    portal = new_page("customer1@example.com", f"/portal/tickets/{ticket['id']}")
    status = portal.get_by_test_id("ticket-status")
    wait_until(lambda: status.get_attribute("data-status") == "new", what="status new")
    portal.evaluate("window.__noReload = true")

    agent = new_page("grace@tandem.example", f"/tickets/{ticket['id']}")
    agent.get_by_test_id("status-select").select_option("pending")
    wait_until(lambda: status.get_attribute("data-status") == "pending", timeout=5, what="customer sees pending")

    # The agent types a public reply: the customer sees "writing", then the reply itself.
    agent.get_by_test_id("reply-draft").click()
    agent.keyboard.type("We have sent a fire extinguisher.")
    wait_until(lambda: "writing a reply" in portal.get_by_test_id("agent-typing").inner_text(), what="typing indicator")
    agent.get_by_test_id("send-reply").click()
    wait_until(lambda: "fire extinguisher" in portal.get_by_test_id("comments").inner_text(), what="reply pushed")

    # The customer answers; a pending ticket reopens, and the agent sees both live.
    portal.get_by_test_id("customer-reply").fill("Thank you, it is out now!")
    portal.get_by_role("button", name="Send").click()
    wait_until(lambda: "it is out now" in agent.get_by_test_id("comments").inner_text(), what="customer reply at agent")
    wait_until(lambda: status.get_attribute("data-status") == "open", what="reopened")
    assert portal.evaluate("window.__noReload") is True, "the page was reloaded"
    assert not portal.errors and not agent.errors


def test_customer_signs_up_and_opens_a_ticket_with_validation(new_page, browser, server):
    ctx = browser.new_context(base_url=server.base, reduced_motion="reduce")
    page = ctx.new_page()
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Enter your name.").is_visible()
    page.get_by_label("Your name").fill("Zoë Test")
    page.get_by_label("E-mail").fill("zoe@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Use at least 12 characters.").is_visible()
    page.get_by_label("Password").fill("a sturdy passphrase 42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/portal")
    page.goto("/portal/new")
    page.get_by_role("button", name="Open ticket").click()
    assert page.get_by_text("Give your ticket a short subject.").is_visible()
    assert page.get_by_text("Describe the problem").is_visible()
    page.get_by_label("Subject").fill("Cannot export invoices")
    page.get_by_label("What is happening?").fill("The export button does nothing.")
    page.get_by_role("button", name="Open ticket").click()
    page.wait_for_url("**/portal/tickets/*")
    assert page.get_by_test_id("ticket-status").get_attribute("data-status") == "new"
    page.get_by_role("link", name="← Your tickets").click()
    wait_until(lambda: "Cannot export invoices" in page.get_by_test_id("my-tickets").inner_text(), what="listed")
    ctx.close()
