#!/usr/bin/env python3
"""Prepares a running Tandem server for tandem-load and writes the setup JSON.

Signs in the demo staff (watchers share these logins: several sessions per user are fine),
creates dedicated editor agents when there are fewer staff than editors (each editor gets its own
user, like 20 people typing), and creates fresh triage tickets (no team: every agent may read and
edit them), so each run starts from an empty reply draft at a known version.

Usage: tandem_setup.py --port P --tickets N --editors E --out FILE
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request

PASSWORD = "tandem-demo-2026"


def call(base, method, path, body=None, token=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def login(base, email, password=PASSWORD):
    return call(base, "POST", "/api/v1/auth/login", {"email": email, "password": password})["accessToken"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tickets", type=int, default=1)
    ap.add_argument("--editors", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    base = f"http://127.0.0.1:{args.port}"

    deadline = time.time() + 60
    while True:
        try:
            call(base, "GET", "/healthz", timeout=2)
            break
        except Exception:
            if time.time() > deadline:
                sys.exit("tandem did not become healthy within 60 s")
            time.sleep(0.1)

    admin = login(base, "admin@tandem.example")
    staff = []
    after = None
    for _ in range(50):  # bounded paging
        query = "/api/v1/users?limit=100" + (f"&after={after}" if after else "")
        page = call(base, "GET", query, token=admin)
        for user in page.get("items", []):
            if user["role"] in ("agent", "supervisor", "admin") and not user.get("disabled"):
                staff.append(user["email"])
        after = page.get("next") or page.get("nextCursor")
        if not after:
            break
    watcher_tokens = [login(base, email) for email in staff]

    editor_emails = []
    for k in range(args.editors):
        email = f"bench-editor-{k}@tandem.example"
        try:
            call(base, "POST", "/api/v1/users",
                 {"email": email, "name": f"Bench Editor {k}", "password": PASSWORD, "role": "agent"}, token=admin)
        except urllib.error.HTTPError as error:
            if error.code != 409:
                raise
        editor_emails.append(email)
    editor_tokens = [login(base, email) for email in editor_emails]

    tickets = []
    for n in range(args.tickets):
        ticket = call(base, "POST", "/api/v1/tickets",
                      {"subject": f"Benchmark ticket {n}", "description": "Load test ticket."}, token=admin)
        tickets.append(ticket["id"])

    with open(args.out, "w") as f:
        json.dump({"tickets": tickets, "watcherTokens": watcher_tokens, "editorTokens": editor_tokens}, f)
    print(f"tandem setup: {len(tickets)} tickets, {len(watcher_tokens)} watcher logins, "
          f"{len(editor_tokens)} editor logins", file=sys.stderr)


if __name__ == "__main__":
    main()
