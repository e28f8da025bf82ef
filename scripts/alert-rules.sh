#!/usr/bin/env bash
# Checks Config/prometheus/tandem-alerts.yml and runs its unit tests (tandem-alerts.test.yml) with promtool
# (Debian `prometheus`, installed by scripts/setup.sh test). Part of `make test`; under a second.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../Config/prometheus"
command -v promtool >/dev/null || { echo "[alert-rules] promtool is missing: run scripts/setup.sh test" >&2; exit 1; }
promtool check rules tandem-alerts.yml
promtool test rules tandem-alerts.test.yml
