"""A signed-in user chooses how notifications reach them by e-mail, from the header."""

from conftest import rest, wait_until


def test_customer_turns_notification_email_off_and_back(new_page, server):
    page = new_page("customer1@example.com", "/portal")
    page.get_by_role("button", name="E-mail").click()
    choice = page.get_by_label("Notification e-mail")
    wait_until(lambda: choice.input_value() == "immediately", what="the preference loaded")
    choice.select_option("off")
    wait_until(lambda: page.get_by_text("Saved.").is_visible(), what="saved")
    customer = rest(server, "customer1@example.com")
    assert customer.call("GET", "/mail/preference") == {"notifications": "off"}

    # It is the server's: a fresh page shows it, and it can be changed back.
    again = new_page("customer1@example.com", "/portal")
    again.get_by_role("button", name="E-mail").click()
    choice = again.get_by_label("Notification e-mail")
    wait_until(lambda: choice.input_value() == "off", what="the saved preference shown")
    choice.select_option("immediately")
    wait_until(lambda: again.get_by_text("Saved.").is_visible(), what="saved again")
    assert customer.call("GET", "/mail/preference") == {"notifications": "immediately"}
    assert not page.errors and not again.errors


def test_admin_changes_an_email_template_and_the_next_mail_uses_it(new_page, server, mail_sink):
    admin = new_page("admin@tandem.example", "/queue")
    admin.get_by_role("link", name="Templates").click()
    admin.get_by_role("heading", name="E-mail templates").wait_for()
    form = admin.get_by_test_id("template-ticket.received")
    assert "(built-in)" in form.inner_text()
    form.get_by_label("Subject").fill("Thanks! We have it: {{subject}}")
    form.get_by_role("button", name="Save").click()
    wait_until(lambda: "(changed)" in form.inner_text(), what="saved as changed")

    customer = rest(server, "customer2@example.com")
    customer.call("POST", "/tickets", {"subject": "Template check", "description": "Hello."})
    wait_until(
        lambda: any(m["parsed"]["headers"].get("subject") == ["Thanks! We have it: Template check"]
                    for m in mail_sink.messages("customer2@example.com")),
        timeout=30, what="the ticket-received mail with the new subject")

    form.get_by_role("button", name="Use the built-in text").click()
    wait_until(lambda: "(built-in)" in form.inner_text(), what="back to built-in")
    assert form.get_by_label("Subject").input_value() == "[{{product}}] {{subject}}"
    assert not admin.errors
