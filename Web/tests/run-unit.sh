#!/usr/bin/env bash
# Web client unit tests: bundle each Web/tests/unit/*.test.ts with esbuild and run it with node.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(mktemp -d "${TMPDIR:-/tmp}/tandem-web-unit.XXXXXX")"
trap 'rm -rf -- "$out"' EXIT
status=0
for t in tests/unit/*.test.ts; do
  name="$(basename "$t" .ts)"
  NODE_PATH=/usr/share/nodejs esbuild "$t" --bundle --platform=node --format=cjs --target=es2020 \
    --log-level=warning --outfile="$out/$name.js"
  node "$out/$name.js" || status=1
done
exit "$status"
