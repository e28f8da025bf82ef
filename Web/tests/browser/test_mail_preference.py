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
