#!/usr/bin/env bash
# Benchmarks/scripts/churn-heap.sh — the churn scenario against one Tandem server, with the server's heap
# looked at from inside: is memory that does not come back a leak or the allocator keeping free pages?
#
#   Benchmarks/scripts/churn-heap.sh [--heaptrack] [--cycles N] [--connections N] [--settle SECONDS]
#                                    [--env "NAME=VALUE ..."] [OUTDIR]
#
# Runs `tandem serve --demo` (core 0) and `tandem-load --mode churn` (core 1) like Benchmarks/run, then,
# with the server still up and every connection closed, asks glibc for its own account (`malloc_stats()`
# through gdb: per arena, bytes obtained from the system vs bytes in use) and writes it to OUTDIR/malloc_stats.txt.
# --heaptrack runs the server under heaptrack (Debian `heaptrack`): OUTDIR/heaptrack.*.zst plus
# OUTDIR/heaptrack-peaks.txt (top allocators at peak) and OUTDIR/heaptrack-massif.txt (heap in use over time).
# --env sets variables for the server only (allocator candidates: GLIBC_TUNABLES=..., LD_PRELOAD=...).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PY="${TANDEM_VENV:-$ROOT/.venv}/bin/python"
TANDEM="${TANDEM_BIN:-$ROOT/.build-release/release/tandem}"
LOAD="$HERE/.build/release/tandem-load"
HEAPTRACK=0; CYCLES=10; CONNECTIONS=5000; SETTLE=2; ENVIRONMENT=""; OUT=""
while (($#)); do
  case "$1" in
    --heaptrack) HEAPTRACK=1 ;;
    --cycles) CYCLES="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --settle) SETTLE="$2"; shift ;;
    --env) ENVIRONMENT="$2"; shift ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) OUT="$1" ;;
  esac
  shift
done
OUT="${OUT:-$HERE/results/churn-heap-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
log() { printf '[churn-heap %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
[[ -x "$TANDEM" && -x "$LOAD" ]] || { echo "build first: $TANDEM, $LOAD (Benchmarks/run builds both)" >&2; exit 1; }

PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
SDIR="$OUT/server"; mkdir -p "$SDIR"
WRAP=(); [[ "$HEAPTRACK" == 1 ]] && WRAP=(heaptrack -o "$OUT/heaptrack")
# shellcheck disable=SC2206
VARS=($ENVIRONMENT)
(cd "$SDIR" && exec env "${VARS[@]}" taskset -c 0 "${WRAP[@]}" "$TANDEM" serve --port "$PORT" --store "sqlite:$SDIR/t.sqlite" \
  --demo --set auth.bcryptCost=4 --set live.opsPerSecond=100000 --set live.opsBurst=100000 \
  --set auth.accessTokenSeconds=3600 >"$SDIR/server.log" 2>&1) &
WRAPPER=$!
server_pid() { pgrep -f -n -- "$TANDEM serve --port $PORT" || true; }
cleanup() { local p; p="$(server_pid)"; [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null; wait "$WRAPPER" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 600); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
PID="$(server_pid)"
log "server $PID on port $PORT${ENVIRONMENT:+ with $ENVIRONMENT}$([[ "$HEAPTRACK" == 1 ]] && echo ' under heaptrack')"
timeout 180 "$PY" "$HERE/scripts/tandem_setup.py" --port "$PORT" --tickets 100 --editors 1 --out "$SDIR/setup.json"
taskset -c 1 "$LOAD" --system tandem --port "$PORT" --mode churn --rooms 100 --connections "$CONNECTIONS" \
  --cycles "$CYCLES" --settle "$SETTLE" --connect-concurrency "$CONNECTIONS" \
  --source-addresses 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8 \
  --server-pid "$PID" --setup "$SDIR/setup.json" --time-limit 1200 --label churn --out "$OUT/churn.json"
# glibc's own account of the heap, with nothing open: system bytes (RSS it holds) vs in-use bytes.
# (Under jemalloc there is no glibc heap to report; the RSS figures in churn.json still hold.)
if ! grep -q jemalloc <<<"$ENVIRONMENT"; then
  gdb -p "$PID" -batch -ex 'call (void) malloc_stats()' >/dev/null 2>&1 || true
  sleep 0.5
  sed -n '/^Arena 0:/,$p' "$SDIR/server.log" >"$OUT/malloc_stats.txt" || true
  tail -4 "$OUT/malloc_stats.txt" >&2 || true
fi
grep VmRSS "/proc/$PID/status" >&2
cleanup; trap - EXIT
if [[ "$HEAPTRACK" == 1 ]]; then
  data="$(ls -t "$OUT"/heaptrack*.zst "$OUT"/heaptrack*.gz 2>/dev/null | head -1)"
  heaptrack_print -f "$data" --print-peaks 1 --print-allocators 0 --print-temporary 0 --print-leaks 1 \
    --peak-limit 15 --sub-peak-limit 3 >"$OUT/heaptrack-peaks.txt" 2>&1 || true
  heaptrack_print -f "$data" -M "$OUT/heaptrack-massif.txt" >/dev/null 2>&1 || true
  grep -E '^(peak heap memory|peak RSS|total memory leaked|calls to allocation)' "$OUT/heaptrack-peaks.txt" >&2 || true
fi
log "results in $OUT"
