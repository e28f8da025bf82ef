#!/usr/bin/env python3
"""Before/after table of two Tandem builds measured in one `Benchmarks/run` session.

    TANDEM_BASE_BIN=/tmp/base/tandem Benchmarks/run --systems tandem-base,tandem --no-report ...
    Benchmarks/scripts/compare.py Benchmarks/results/<stamp> [--markdown]

Medians over the repetitions of each scenario; the ratio is after ÷ before, and the last
column says whether that is better (for throughput higher is better, for latency, memory and
time lower is better). Every repetition's value is listed so the spread is visible.
"""
import glob
import json
import os
import statistics
import sys

# scenario, label, how to read it from a result, unit, higher is better
METRICS = [
    ("a", "deliveries per server CPU-second", lambda d: d.get("deliveriesPerServerCPUSecond"), "", True),
    ("a", "p99 delivery latency", lambda d: d.get("latency", {}).get("p99_us"), "us", False),
    ("a", "server CPU µs / delivery", lambda d: d.get("serverCPUMicrosPerDelivery"), "", False),
    ("a200", "deliveries per server CPU-second", lambda d: d.get("deliveriesPerServerCPUSecond"), "", True),
    ("a200", "p99 delivery latency", lambda d: d.get("latency", {}).get("p99_us"), "us", False),
    ("asat", "delivered msgs/s at 300 ops/s offered", lambda d: d.get("deliveredPerSecond"), "", True),
    ("asat", "deliveries per server CPU-second", lambda d: d.get("deliveriesPerServerCPUSecond"), "", True),
    ("asat2", "delivered msgs/s, server on two cores", lambda d: d.get("deliveredPerSecond"), "", True),
    ("b", "server CPU µs / delivery", lambda d: d.get("serverCPUMicrosPerDelivery"), "", False),
    ("b", "p99 delivery latency", lambda d: d.get("latency", {}).get("p99_us"), "us", False),
    ("b", "p50 delivery latency", lambda d: d.get("latency", {}).get("p50_us"), "us", False),
    ("b", "deliveries per server CPU-second", lambda d: d.get("deliveriesPerServerCPUSecond"), "", True),
    ("c", "RSS per idle connection", lambda d: d.get("bytesPerConnection"), "B", False),
    ("c", "marginal RSS per idle connection", lambda d: d.get("marginalBytesPerConnection"), "B", False),
    ("c", "idle server CPU (cores)", lambda d: d.get("idleServerCPUPerSecond"), "", False),
    ("c", "idle server CPU-seconds over the hold", lambda d: d.get("idleServerCPUSeconds"), "", False),
    ("d", "durable acked ops/s", lambda d: d.get("acksPerSecond"), "", True),
    ("d", "ack p99", lambda d: d.get("ackLatency", {}).get("p99_us"), "us", False),
    ("d", "acks per server CPU-second", lambda d: d.get("acksPerServerCPUSecond"), "", True),
    ("e", "time to all snapshots", lambda d: d.get("stormSeconds"), "s", False),
    ("e", "server CPU-seconds", lambda d: d.get("serverCPUSeconds"), "", False),
    ("e", "SYNs dropped (listen overflows)", lambda d: d.get("listenOverflows"), "", False),
    ("churn", "RSS after cycle 1", lambda d: d.get("rssAfterFirstCycleBytes"), "MiB", False),
    ("churn", "RSS after the last cycle", lambda d: d.get("rssAfterLastCycleBytes"), "MiB", False),
    ("churn", "RSS last ÷ first cycle", lambda d: d.get("rssLastOverFirst"), "", False),
]


def fmt(value, unit):
    if value is None:
        return "—"
    if unit == "us":
        return f"{value / 1000:.2f} ms"
    if unit == "B":
        return f"{value / 1024:.1f} KiB"
    if unit == "MiB":
        return f"{value / 2**20:.0f} MiB"
    if unit == "s":
        return f"{value:.2f} s"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def load(folder, scenario, system):
    values = []
    for path in sorted(glob.glob(os.path.join(folder, f"{scenario}_{system}_*.json"))):
        with open(path) as file:
            values.append(json.load(file))
    return values


def main():
    folder = sys.argv[1]
    markdown = "--markdown" in sys.argv
    rows = []
    for scenario, label, read, unit, higher in METRICS:
        before = [v for v in (read(d) for d in load(folder, scenario, "tandem-base")) if v is not None]
        after = [v for v in (read(d) for d in load(folder, scenario, "tandem")) if v is not None]
        if not before or not after:
            continue
        b, a = statistics.median(before), statistics.median(after)
        ratio = a / b if b else float("inf") if a else 1.0
        better = (ratio > 1) == higher if ratio != 1 else None
        rows.append((scenario, label, fmt(b, unit), fmt(a, unit), ratio, better,
                     ", ".join(fmt(v, unit) for v in before), ", ".join(fmt(v, unit) for v in after)))
    if markdown:
        print("| scenario | metric | before (median) | after (median) | after ÷ before | | before, each run | after, each run |")
        print("|---|---|---|---|---|---|---|---|")
        for s, label, b, a, ratio, better, bs, as_ in rows:
            mark = "better" if better else ("worse" if better is False else "same")
            print(f"| {s} | {label} | {b} | {a} | {ratio:.2f}x | {mark} | {bs} | {as_} |")
    else:
        for s, label, b, a, ratio, better, bs, as_ in rows:
            print(f"{s:5} {label:40} {b:>12} -> {a:>12}  {ratio:6.2f}x  [{bs}] -> [{as_}]")


if __name__ == "__main__":
    main()
