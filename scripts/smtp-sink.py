#!/usr/bin/env python3
# Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0
"""A real SMTP server for tests (aiosmtpd) that keeps every message it accepts.

    smtp-sink.py --port PORT --dir DIR [--user USER --password PASSWORD]

Listens on 127.0.0.1:PORT. It offers STARTTLS with a self-signed certificate made at start
(DIR/cert.pem, which clients use as their CA file) and AUTH PLAIN/LOGIN with USER/PASSWORD
(also without TLS, so tests can exercise both). Each accepted message is written to
DIR/messages/<sequence>.json, atomically (a temporary file, then a rename), as
{"mailFrom", "rcptTos", "tls", "authenticated", "data"} where data is the message as received.
Recipients whose local part starts with "reject-" are refused with 550 (a permanent failure);
"defer-" with 451 (a temporary one), so tests can drive both kinds of delivery failure.
"""
import argparse
import asyncio
import email
import email.policy
import itertools
import json
import os
import ssl
import subprocess
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.messages = os.path.join(directory, "messages")
        os.makedirs(self.messages, exist_ok=True)
        self.sequence = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 Mailbox refused by the test sink"
        if local.startswith("defer-"):
            return "451 4.3.0 Try again later (test sink)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        number = next(self.sequence)
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": login_of(session),
            "data": envelope.original_content.decode("utf-8", "surrogateescape"),
            "parsed": parse(envelope.original_content),
        }
        final = os.path.join(self.messages, f"{number:06d}.json")
        temporary = final + ".tmp"
        with open(temporary, "w", encoding="utf-8", errors="surrogateescape") as out:
            json.dump(record, out)
        os.replace(temporary, final)
        return "250 Message accepted for delivery"


def parse(data):
    """What Python's own e-mail parser (an independent reader) makes of the message: decoded
    headers and the text of each part, so tests check the wire format, not Tandem's reading of it."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    headers = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(str(value))
    parts = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.setdefault(part.get_content_type(), part.get_content())
    return {
        "headers": headers,
        "contentType": message.get_content_type(),
        "text": parts.get("text/plain"),
        "html": parts.get("text/html"),
        "defects": [type(d).__name__ for d in message.defects],
    }


def login_of(session):
    """The user name a session authenticated as, or None."""
    if not session.authenticated:
        return None
    data = session.auth_data
    return data.login.decode() if isinstance(data, LoginPassword) else str(data)


def make_certificate(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--user", default="tandem")
    parser.add_argument("--password", default="sink-password")
    args = parser.parse_args()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    controller = Controller(
        Sink(args.dir), hostname="127.0.0.1", port=args.port,
        tls_context=make_certificate(args.dir), require_starttls=False,
        authenticator=authenticate, auth_required=False, auth_require_tls=False,
        data_size_limit=10 * 1024 * 1024)
    controller.start()
    print(f"smtp sink on 127.0.0.1:{args.port}, messages in {args.dir}/messages", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
