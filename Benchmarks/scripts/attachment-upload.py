#!/usr/bin/env python3
"""Attachment upload throughput on loopback (issue 15's bar: >= 200 MB/s, <= 64 MiB server RSS growth over 1 GiB).

Starts `tandem serve --demo` (SQLite, local attachment storage in a temporary directory), signs an agent in, and
uploads `--total` MiB as files of `--file` MiB (distinct bytes each, so nothing is deduplicated) over `--clients`
keep-alive connections, each file sent with its Content-Length as a browser sends a File. Reports MB/s (10^6 bytes
per second of wall time, all clients together) and the server's RSS before, at peak (VmHWM) and after.

    Benchmarks/scripts/attachment-upload.py --bin .build/release/tandem [--total 1024] [--file 25] [--clients 1]
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data) if data else {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/tandem")
    parser.add_argument("--total", type=int, default=1024, help="MiB uploaded in all")
    parser.add_argument("--file", type=int, default=25, help="MiB per file")
    parser.add_argument("--clients", type=int, default=1)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tandem-upload-bench-")
    port = free_port()
    log = open(os.path.join(work, "server.log"), "ab")
    server = subprocess.Popen(
        [args.bin, "serve", "--demo", "--port", str(port), "--host", "127.0.0.1", "--store", f"sqlite:{work}/t.sqlite",
         "--set", f"attachments.directory={work}/files", "--set", f"attachments.maxBytes={args.file << 20}",
         "--set", f"attachments.ticketQuotaBytes={(args.total + args.file) << 21}", "--set", "log.level=warning"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                call(port, "GET", "/healthz")
                break
            except (OSError, SystemExit):
                time.sleep(0.1)
        token = call(port, "POST", "/api/v1/auth/login", {"email": "grace@tandem.example", "password": "tandem-demo-2026"})["accessToken"]
        ticket = call(port, "POST", "/api/v1/tickets", {"subject": "Upload benchmark", "description": "x"}, token)["id"]
        base = random.Random(15).randbytes(args.file << 20)
        files = (args.total + args.file - 1) // args.file
        before, _ = rss(server.pid)
        sent = [0]
        lock = threading.Lock()
        failures = []

        def client(indices):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            for i in indices:
                body = i.to_bytes(8, "big") + base[8:]
                conn.request("POST", f"/api/v1/tickets/{ticket}/attachments?name=f{i}.bin", body=body,
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})
                response = conn.getresponse()
                data = response.read()
                if response.status != 201:
                    failures.append(f"{response.status} {data[:200]!r}")
                    return
                with lock:
                    sent[0] += len(body)
            conn.close()

        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(range(c, files, args.clients),)) for c in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        after, peak = rss(server.pid)
        if failures:
            raise SystemExit(f"uploads failed: {failures[:3]}")
        print(json.dumps({
            "uploadedMiB": round(sent[0] / (1 << 20)), "files": files, "fileMiB": args.file, "clients": args.clients,
            "seconds": round(elapsed, 2), "MBps": round(sent[0] / elapsed / 1e6, 1),
            "rssBeforeMiB": round(before / 1024, 1), "rssAfterMiB": round(after / 1024, 1),
            "rssPeakMiB": round(peak / 1024, 1), "rssGrowthMiB": round((peak - before) / 1024, 1),
        }))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
