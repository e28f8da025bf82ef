"""The customer's open page follows the agent's work live: status changes and public replies, no reload."""

import re

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


def confirmation_link(message: dict) -> str:
    match = re.search(r"(https?://\S+/signup/confirm#token=[A-Za-z0-9_.-]+)", message["parsed"]["text"])
    assert match, f"no confirmation link in: {message['parsed']['text']}"
    return match.group(1)


def check_your_email_text(page) -> str:
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    return page.get_by_test_id("check-email").inner_text()


def test_customer_signs_up_by_email_link_and_opens_a_ticket(new_page, browser, server, mail_sink):
    ctx = browser.new_context(base_url=server.base, reduced_motion="reduce")
    page = ctx.new_page()
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Enter your name.").is_visible()
    page.get_by_label("Your name").fill("Zoë Test")
    page.get_by_label("E-mail").fill("zoe@example.com")
    page.get_by_role("button", name="Create account").click()
    fresh = check_your_email_text(page)
    assert "zoe@example.com" in fresh

    # A registered address sees the very same screen (only its mailbox learns the difference).
    other = ctx.new_page()
    other.goto("/signup")
    other.get_by_label("Your name").fill("Zoë Test")
    other.get_by_label("E-mail").fill("customer1@example.com")
    other.get_by_role("button", name="Create account").click()
    assert check_your_email_text(other).replace("customer1@example.com", "X") == fresh.replace("zoe@example.com", "X")
    wait_until(
        lambda: any("already has one" in (m["parsed"]["text"] or "") for m in mail_sink.messages("customer1@example.com")),
        timeout=30, what="the 'you already have an account' mail")
    other.close()

    # The link in the mail: choose a password (checked as you type), and you are in.
    link = confirmation_link(mail_sink.wait_for("zoe@example.com")[0])
    page.goto(link)
    page.get_by_role("heading", name="Choose your password").wait_for()
    assert page.get_by_text("zoe@example.com").is_visible()
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Use at least 12 characters.").is_visible()
    page.get_by_label("Password").fill("a sturdy passphrase 42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/portal")
    assert "token=" not in page.url

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

    # The link works once: opened again (another browser), it says so and offers to sign in.
    again = browser.new_context(base_url=server.base, reduced_motion="reduce")
    reused = again.new_page()
    reused.goto(link)
    reused.get_by_role("heading", name="This link cannot be used").wait_for()
    assert reused.get_by_role("alert").inner_text() == "This link was already used: your account exists. Sign in instead."
    assert reused.get_by_role("link", name="Sign in").is_visible()
    # A forged one is refused as such.
    reused.goto("/signup")
    reused.goto("/signup/confirm#token=forged.token")
    reused.get_by_role("alert").filter(has_text="not valid").wait_for()
    again.close()
