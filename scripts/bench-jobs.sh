#!/usr/bin/env bash
# Issue 14's job-engine bar, measured: 10,000 delayed jobs due at the same instant all start
# within 2 s on one node (SQLite, one runner). Prints one BENCH line per handler duration.
#   scripts/bench-jobs.sh            # release build (the figure to report)
#   scripts/bench-jobs.sh --debug    # the debug build the tests use
# TANDEM_BENCH_JOBS_COUNT=N changes the number of jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=release
[[ "${1:-}" == "--debug" ]] && configuration=debug
TANDEM_BENCH_JOBS=1 swift test -c "$configuration" --filter JobBurstBenchmark 2>&1 | grep -E "BENCH|✔|✘|error" || true
