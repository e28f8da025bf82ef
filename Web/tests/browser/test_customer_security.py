"""A customer cannot reach internal notes: not through the UI, not by crafting WebSocket messages from the page."""

import json

from conftest import rest, wait_until

SECRET = "INTERNAL-ONLY: refund approved up to 50 EUR"

PROBE = """
async ([ticketId, otherId]) => {
  const ws = new WebSocket(`ws://${location.host}/ws`, ["tandem.v1"]);
  const frames = [];
  const next = (pred, ms = 3000) => new Promise((resolve) => {
    const t0 = Date.now();
    const tick = () => {
      const f = frames.find(pred);
      if (f || Date.now() - t0 > ms) return resolve(f ?? null);
      setTimeout(tick, 20);
    };
    tick();
  });
  ws.onmessage = (e) => frames.push(JSON.parse(e.data));
  await new Promise((r) => (ws.onopen = r));
  await next((f) => f.type === "hello");
  const send = (m) => ws.send(JSON.stringify(m));
  const topic = `ticket:${ticketId}`;
  send({ type: "subscribe", topic, ref: "s1" });
  const snap = await next((f) => f.ref === "s1");
  const v = snap.v;
  send({ type: "op", topic, client: "probe", seq: 1, v, op: { kind: "text", field: "internalNotes", op: ["x"] }, ref: "o1" });
  send({ type: "op", topic, client: "probe", seq: 2, v, comment: { body: "sneaky", visibility: "internal" }, ref: "o2" });
  send({ type: "op", topic, client: "probe", seq: 3, v, comment: { visibility: "public", fromDraft: true }, ref: "o3" });
  send({ type: "presence", topic, state: "typing", field: "internalNotes", selection: { anchor: 0, head: 0 }, ref: "p1" });
  send({ type: "subscribe", topic: "team:triage", ref: "s2" });
  send({ type: "subscribe", topic: `ticket:${otherId}`, ref: "s3" });
  send({ type: "subscribe", topic, v: 0, ref: "s4" });
  for (const ref of ["o1", "o2", "o3", "p1", "s2", "s3", "s4"]) await next((f) => f.ref === ref);
  await new Promise((r) => setTimeout(r, 300));
  ws.close();
  return frames;
}
"""


def test_customer_cannot_reach_internal_notes(new_page, server):
    customer = rest(server, "customer1@example.com")
    ticket = customer.call("POST", "/tickets", {"subject": "Refund please", "description": "Charged twice."})
    other = rest(server, "customer2@example.com").call("POST", "/tickets", {"subject": "Not yours", "description": "x"})
    tid = ticket["id"]

    # An agent writes internal notes (live) and an internal comment.
    agent = new_page("grace@tandem.example", f"/tickets/{tid}")
    agent.get_by_test_id("internal-notes").click()
    agent.keyboard.type(SECRET)
    wait_until(lambda: agent.get_by_test_id("saved").is_visible(), what="notes saved")
    rest(server, "grace@tandem.example").call("POST", f"/tickets/{tid}/comments", {"body": SECRET + " (comment)", "visibility": "internal"})
    agent.get_by_test_id("reply-draft").click()
    agent.keyboard.type("Draft: " + SECRET)

    # Through the UI: the portal page shows nothing internal; the staff URL leads to the portal view.
    page = new_page("customer1@example.com", f"/tickets/{tid}")
    page.wait_for_url(f"**/portal/tickets/{tid}")
    wait_until(lambda: page.get_by_test_id("portal-ticket").is_visible(), what="portal ticket")
    assert SECRET not in page.content()
    assert page.get_by_test_id("internal-notes").count() == 0
    page.goto("/dashboard")
    page.wait_for_url("**/portal")
    page.goto("/queue")
    page.wait_for_url("**/portal")

    # From the page's own JavaScript: a hand-written WebSocket client with the customer's cookie.
    page.goto(f"/portal/tickets/{tid}")
    frames = page.evaluate(PROBE, [tid, other["id"]])
    raw = json.dumps(frames, ensure_ascii=False)
    assert "INTERNAL-ONLY" not in raw, "internal text reached the customer"
    by_ref = {f.get("ref"): f for f in frames if f.get("ref")}
    snap = by_ref["s1"]
    assert snap["type"] == "snapshot"
    for key in ("internalNotes", "replyDraft", "team", "assignee", "tags"):
        assert key not in snap["ticket"], key
    assert all(c["visibility"] == "public" for c in snap["ticket"]["comments"])
    assert snap["presence"] == []
    for ref in ("o1", "o2", "o3", "p1"):
        assert by_ref[ref]["type"] == "error" and by_ref[ref]["code"] == "forbidden", by_ref[ref]
    assert by_ref["s2"]["code"] == "forbidden"
    assert by_ref["s3"]["code"] == "not_found"
    catch_up = by_ref["s4"]
    assert catch_up["type"] == "ops"
    assert all(op["change"]["kind"] in ("set", "text", "comment") for op in catch_up["ops"])
    assert all(op["change"].get("field") not in ("internalNotes", "replyDraft") for op in catch_up["ops"])

    # Nothing the probe tried got through.
    t = rest(server, "grace@tandem.example").call("GET", f"/tickets/{tid}")
    assert t["internalNotes"] == SECRET
    assert all(c["body"] != "sneaky" for c in t["comments"])
