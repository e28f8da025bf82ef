"""Attachments in the browser: an agent drops, pastes and chooses files; a customer attaches a screenshot to a reply
and sees it inline; a customer never sees a file that is staff only (the reply draft's)."""

import base64
import urllib.error
import urllib.request
from pathlib import Path

from conftest import rest, wait_until

PNG = Path("Tests/Vectors/attachments/small.png").resolve()

# Drops a file on an element, or pastes one into it, as a browser does: a DataTransfer holding a File.
DROP_OR_PASTE = """
async ([selector, kind, name, type, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  const target = document.querySelector(selector);
  if (kind === "drop") {
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  } else {
    target.focus();
    target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }
}
"""


def names(page, testid="attachment-list"):
    return page.get_by_test_id(testid).locator("[data-testid=attachment]").evaluate_all("els => els.map(e => e.dataset.name)")


def test_agent_files_stay_staff_only_and_a_customer_screenshot_shows_inline(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Screen goes black", "description": "See screenshot."})
    tid = ticket["id"]
    png = base64.b64encode(PNG.read_bytes()).decode()

    # The agent attaches three files to the reply draft: dropped, pasted into the draft, chosen.
    agent = new_page("grace@tandem.example", f"/tickets/{tid}")
    wait_until(lambda: agent.get_by_test_id("attachment-list").is_visible(), what="agent file list")
    agent.evaluate(DROP_OR_PASTE, ["[data-testid=attachment-drop]", "drop", "dropped-log.txt", "text/plain", base64.b64encode(b"kernel: oops\n").decode()])
    agent.evaluate(DROP_OR_PASTE, ["[data-testid=reply-draft]", "paste", "image.png", "image/png", png])
    agent.get_by_test_id("attach-input").set_input_files(str(PNG))
    wait_until(lambda: len(names(agent)) == 3, timeout=20, what="three files in the agent's list")
    listed = names(agent)
    assert "dropped-log.txt" in listed and "small.png" in listed
    assert any(n.startswith("screenshot-") and n.endswith(".png") for n in listed), listed
    assert agent.get_by_test_id("attachment-list").get_by_text("Draft").count() == 3
    assert agent.get_by_test_id("upload-error").count() == 0

    # The customer sees none of them, and cannot fetch one even by its URL.
    files = rest(server, "grace@tandem.example").call("GET", f"/tickets/{tid}/attachments")["items"]
    assert len(files) == 3 and all(f["visibility"] == "internal" for f in files)
    page = new_page("customer1@example.com", f"/portal/tickets/{tid}")
    wait_until(lambda: page.get_by_test_id("attachment-list").is_visible(), what="customer file list")
    assert page.get_by_test_id("attachment-list").get_by_text("No files yet.").is_visible()
    assert "dropped-log.txt" not in page.content()
    status = page.evaluate("url => fetch(url, {credentials: 'same-origin'}).then(r => r.status)", files[0]["url"])
    assert status == 404
    req = urllib.request.Request(server.base + files[0]["url"], headers={"Authorization": f"Bearer {customer.token}"})
    try:
        urllib.request.urlopen(req, timeout=10)
        raise AssertionError("the customer downloaded a staff-only file")
    except urllib.error.HTTPError as e:
        assert e.code == 404

    # The customer pastes a screenshot into a reply and sends it: it shows inline, for them and the agent.
    page.get_by_test_id("customer-reply").fill("Here is what I see.")
    page.evaluate(DROP_OR_PASTE, ["[data-testid=customer-reply]", "paste", "capture.png", "image/png", png])
    wait_until(lambda: page.get_by_test_id("chosen-file").count() == 1, what="pasted file chosen")
    page.get_by_role("button", name="Send").click()
    wait_until(lambda: page.get_by_test_id("comment-attachments").locator("img").count() == 1, timeout=20, what="inline image for the customer")
    size = page.get_by_test_id("comment-attachments").locator("img").evaluate("img => img.complete && img.naturalWidth")
    assert size and size > 0, "the thumbnail did not load"
    assert names(page) == ["capture.png"]
    # The reply's op arrives before its file is uploaded; the `attachment` frame brings the file to the agent's open
    # page without a reload (PROTOCOL.md §3.3).
    wait_until(lambda: agent.get_by_test_id("comment-attachments").locator("img").count() == 1, timeout=20, what="inline image for the agent")
    assert "capture.png" in names(agent)
