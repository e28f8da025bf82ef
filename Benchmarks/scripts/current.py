#!/usr/bin/env python3
"""The "Current figures" of docs/BENCHMARKS.md and the chart docs/benchmarks.png, from one checked-in
data file (Benchmarks/results/current.json), so both can be made again without the raw results.

    current.py [--data Benchmarks/results/current.json] --table           # the section's table, Markdown
    current.py [--data ...] --chart docs/benchmarks.png                   # the chart of the same figures
    current.py [--data ...] --check docs/BENCHMARKS.md [--summary docs/benchmarks.json]

--check fails (exit 1) unless the document holds the table exactly as --table prints it, every
Tandem cell equals the "after" column of the before/after table in the document (medians and each
repetition), and every cell taken from the run that docs/benchmarks.json summarizes equals that
summary's median as report.py formats it.

Cells are kept as the strings the documents print, so nothing gains or loses precision here.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO_NAMES = {"a": "(a)", "a200": "(a, 200 ops/s)", "asat": "(a, saturation)", "asat2": "(a, saturation, 2 cores)",
                  "b": "(b)", "c": "(c)", "d": "(d)", "e": "(e)", "churn": "(churn)"}
MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def number(cell, unit):
    """A cell string such as "79,521", "6.82 ms", "1.20 s", "44.0 KiB" as a number in unit ("ms", "s", "KiB", "")."""
    match = re.fullmatch(r"([\d,.]+)(?: (ms|s|KiB))?", cell)
    if match is None:
        raise ValueError(f"not a figure: {cell!r}")
    value = float(match.group(1).replace(",", ""))
    if (match.group(2) or "") == unit:
        return value
    if (match.group(2), unit) == ("s", "ms"):
        return value * 1000
    if (match.group(2), unit) == ("ms", "s"):
        return value / 1000
    raise ValueError(f"{cell!r} is not in {unit or 'plain numbers'}")


def table(data):
    marks = {run: MARKS[i] for i, run in enumerate(data["runs"])}
    head = ["scenario", "metric"] + [report.NAMES[s] for s in data["systems"]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in data["rows"]:
        cells = []
        for system in data["systems"]:
            cell = row["cells"].get(system)
            cells.append("–" if cell is None else f"{cell['value']} {marks[cell['run']]}")
        lines.append("| " + " | ".join([SCENARIO_NAMES[row["scenario"]], row["label"]] + cells) + " |")
    lines.append("")
    lines += [f"{marks[run]} `Benchmarks/results/{run}`: {about}.  " for run, about in data["runs"].items()]
    lines[-1] = lines[-1].rstrip()
    return "\n".join(lines) + "\n"


def chart(data, path):
    bars = {}
    for scenario, metric, _title, unit in report.PANELS:
        row = next((r for r in data["rows"] if r["scenario"] == scenario and r["metric"] == metric), None)
        if row is None:
            continue
        bars[scenario] = [(system, number(cell["value"], unit), [number(v, unit) for v in cell.get("reps", [])],
                           cell["run"] not in data["session"])
                          for system in data["systems"] if (cell := row["cells"].get(system)) is not None]
    report.draw_chart(bars, data["chartSubtitle"], path, faded_label=data["fadedLabel"])


def from_summary(template, summary, stamp, about, subtitle):
    """current.json's content for one full run: report.CURRENT_ROWS, every cell from summary (report.py's medians);
    template (the previous current.json) gives the texts that do not depend on the run."""
    rows = []
    for scenario, metric, label in report.CURRENT_ROWS:
        row = {"scenario": scenario, "metric": metric, "label": label}
        cells = {}
        for system in report.SYSTEMS:
            entry = summary.get(row["scenario"], {}).get(system, {})
            if row["metric"] in entry:
                cells[system] = {"value": report.fmt(row["metric"], entry[row["metric"]]), "run": stamp,
                                 "reps": [report.fmt(row["metric"], v) for v in entry.get(row["metric"] + "__reps", [])]}
        rows.append({"scenario": row["scenario"], "label": row["label"], "metric": row["metric"], "cells": cells})
    return {"about": template["about"], "measured": f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}", "runs": {stamp: about},
            "session": [stamp], "chartSubtitle": subtitle, "fadedLabel": template["fadedLabel"],
            "systems": report.SYSTEMS, "rows": rows}


def before_after_rows(doc):
    """(scenario, metric) -> (after median, [after, each run]) from the before/after table in doc."""
    rows = {}
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0] in SCENARIO_NAMES and cells[4].endswith("x"):
            rows[(cells[0], cells[1])] = (cells[3], [v.strip() for v in cells[7].split(", ")])
    return rows


def check(data, doc_path, summary_path):
    doc = open(doc_path).read()
    problems = []
    if table(data) not in doc:
        problems.append(f"{doc_path} does not hold the current table as `current.py --table` prints it")
    after = before_after_rows(doc)
    summary = json.load(open(summary_path))
    summarized_run = os.path.basename(summary["rawResults"])
    for row in data["rows"]:
        where = f"{row['scenario']} / {row['label']}"
        tandem = row["cells"].get("tandem")
        if tandem and "ab" in row:
            found = after.get((row["scenario"], row["ab"]))
            if found is None:
                problems.append(f"{where}: no row '{row['ab']}' in the before/after table")
            elif found[0] != tandem["value"] or ("reps" in tandem and found[1] != tandem["reps"]):
                problems.append(f"{where}: Tandem {tandem['value']} {tandem.get('reps', '')} but the before/after table "
                                f"says {found[0]} {found[1]}")
        for system, cell in row["cells"].items():
            if cell["run"] != summarized_run:
                continue
            median = summary["results"].get(row["scenario"], {}).get(system, {}).get(row["metric"])
            expected = report.fmt(row["metric"], median)
            if expected != cell["value"]:
                problems.append(f"{where}: {system} {cell['value']} but {summary_path} gives {expected}")
    for problem in problems:
        print("current.py --check:", problem, file=sys.stderr)
    return not problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "Benchmarks/results/current.json"))
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--chart")
    ap.add_argument("--check")
    ap.add_argument("--summary", default=os.path.join(ROOT, "docs/benchmarks.json"))
    args = ap.parse_args()
    data = json.load(open(args.data))
    if args.table:
        sys.stdout.write(table(data))
    if args.chart:
        chart(data, args.chart)
        print(f"wrote {args.chart}", file=sys.stderr)
    if args.check:
        if not check(data, args.check, args.summary):
            sys.exit(1)
        print(f"current.py --check: {args.check} agrees with {args.data} and {args.summary}", file=sys.stderr)


if __name__ == "__main__":
    main()
