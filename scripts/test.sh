#!/usr/bin/env bash
# Command (b): install, build and run the test suite.
#   scripts/test.sh [SWIFT_TEST_ARGS...]    e.g. scripts/test.sh --filter TandemCoreTests
#   scripts/test.sh --fast                  the fast tier (make test-fast): see run_fast
# Starts the services in TEST_SERVICES on free loopback ports (their URLs are
# exported as TANDEM_TEST_*_URL), stops them on exit, then fuzzes the REST API against its
# OpenAPI document (scripts/api-fuzz.sh) and runs the web client's unit and browser tests
# (scripts/browser-test.sh); exits non-zero if any part failed.
set -euo pipefail
TANDEM_LOG_TAG="test"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TANDEM_ROOT"

# Services the tests need: each NAME here is started by start_NAME in lib.sh
# (available: redis, nx27017, smtp). Their packages go in scripts/setup.sh's test lists.
TEST_SERVICES=(nx27017 redis smtp)

export TANDEM_TEST_BCRYPT_COST="${TANDEM_TEST_BCRYPT_COST:-4}"
# Tests that stop and restart "the database" run an nx-27017 process of their own.
export TANDEM_TEST_NX27017="${TANDEM_TEST_NX27017:-$TANDEM_VENV/bin/nx-27017}"
# Redis tests that kill and restart Redis run a redis-server process of their own.
export TANDEM_TEST_REDIS_SERVER="${TANDEM_TEST_REDIS_SERVER:-$(command -v redis-server || true)}"

# Prints the failing tests (Swift Testing's ✘ lines, XCTest's failures, crashes) of a swift test log.
failure_summary() {
  log "what failed in swift test (full log: $1):"
  grep -E '✘|error: |Test Case .* failed|Fatal error|unexpected signal|Exited with' "$1" \
    | grep -vE '^warning:' | tail -n 40 >&2 || true
}

# Open files and concurrency. Swift Testing runs every suite at once by default: early in
# the run the test process then holds about 1,100 descriptors and 500 threads, and under a
# soft limit of 1,024 open files (a common default) sockets, SQLite files and event loops
# fail with EMFILE. At most 4 tests at a time keep it near 130 descriptors, spare the two
# cores the pile-up (timing-sensitive tests flaked in it), and take no longer: the
# serialized cluster suite (about 400 s) is the run's critical path either way.
# SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=N overrides the width.
limit_concurrency() {
  local hard
  export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-4}"
  if ! ulimit -n 65536 2>/dev/null; then
    hard="$(ulimit -Hn)"
    [[ "$hard" != unlimited ]] || hard=65536
    ulimit -Sn "$hard" 2>/dev/null || true
  fi
  log "at most $SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH tests at a time; open files limit $(ulimit -Sn)"
}

# The fast tier: the pure core, the schedule logic (with its Python oracle) and the job engine's core, the actors on their own and the
# SQLite store (its conformance suites, the job store's also in memory, backup and retention; MongoDB is left out even when its URL is set). No setup, no
# service, no web client; after a build it takes under a minute (README.md).
FAST_FILTER='TandemCoreTests\.|TandemScheduleTests\.|TandemJobsTests\.|TandemActorsTests\.|TandemStoreTests\.(SQLiteStoreTests|StoreBackupTests|StoreRetentionTests|SharedStoreLogicTests|JobStoreTests)|TandemArchitectureTests\.'

run_fast() {
  local start
  start="$(now_ms)"
  exec </dev/null
  limit_concurrency
  mkdir -p .artifacts
  # One `swift test` builds what changed and runs the tier: a separate `swift build` would plan
  # the whole package a second time (about 20 s here).
  log "fast tier: swift test --filter '$FAST_FILTER'"
  if env -u TANDEM_TEST_MONGO_URL swift test --filter "$FAST_FILTER" 2>&1 | tee .artifacts/swift-test-fast.log; then
    log "PASSED: fast tier ($(( ($(now_ms) - start) / 1000 )) s)"
  else
    failure_summary .artifacts/swift-test-fast.log
    log "FAILED: fast tier ($(( ($(now_ms) - start) / 1000 )) s)"
    return 1
  fi
}

main() {
  local start status svc
  elapsed() { echo "$(( ($(now_ms) - start) / 1000 ))"; }
  # The tests read nothing from standard input. CI may start them with it closed; then
  # the first socket a test opens would become descriptor 0, which some C libraries
  # treat as "no socket" (hiredis 0.14 never closes it). Give them /dev/null instead.
  exec </dev/null
  limit_concurrency
  start="$(now_ms)"
  scripts/setup.sh test
  Web/build.sh

  services_install_trap
  for svc in "${TEST_SERVICES[@]}"; do "start_$svc"; done

  log "swift build --build-tests ($(elapsed) s in)"
  if ! swift build --build-tests; then
    log "FAILED: build did not compile ($(elapsed) s)"
    return 1
  fi

  log "swift test $* ($(elapsed) s in)"
  status=0
  mkdir -p .artifacts
  swift test "$@" 2>&1 | tee .artifacts/swift-test.log || status=$?
  services_stop_all

  # The API fuzzer, then the web client's unit and browser tests (each starts its own servers).
  # A filtered run (`make test ARGS='--filter X'`) is a Swift subset: it skips them.
  fuzz=0
  browser=0
  format=0
  ops=0
  local ran="swift test"
  if [[ $# -eq 0 ]]; then
    # The checked-in .swift-format: `make format` rewrites, this only reads.
    log "swift format lint ($(elapsed) s in)"
    scripts/format.sh --check || format=$?
    ran+=", format check"
    log "Prometheus alert rules ($(elapsed) s in)"
    scripts/alert-rules.sh || ops=$?
    ran+=", alert rules"
    # Backup under write load, store destroyed, restore, every ticket checked (docs/OPERATIONS.md); ~15 s.
    log "disaster-recovery drill ($(elapsed) s in)"
    "$TANDEM_VENV/bin/python" scripts/dr-drill --seconds 4 || ops=$?
    ran+=", DR drill"
  fi
  if [[ $# -eq 0 && "${TANDEM_SKIP_API_FUZZ:-0}" != 1 ]]; then
    log "API fuzzing ($(elapsed) s in)"
    scripts/api-fuzz.sh --no-setup || fuzz=$?
    ran+=", API fuzzing"
  else
    log "API fuzzing skipped (filtered run or TANDEM_SKIP_API_FUZZ=1)"
  fi
  if [[ $# -eq 0 && "${TANDEM_SKIP_BROWSER_TESTS:-0}" != 1 ]]; then
    scripts/browser-test.sh --no-setup || browser=$?
    ran+=", web client tests"
  else
    log "web client tests skipped (filtered run or TANDEM_SKIP_BROWSER_TESTS=1)"
  fi

  if [[ "$status" -eq 0 && "$fuzz" -eq 0 && "$browser" -eq 0 && "$format" -eq 0 && "$ops" -eq 0 ]]; then
    log "PASSED: $ran ($(elapsed) s)"
  else
    # CI shows only the end of the output: repeat what failed there.
    [[ "$status" -eq 0 ]] || failure_summary .artifacts/swift-test.log
    [[ "$fuzz" -eq 0 ]] || log "API fuzzing failed: see .artifacts/api-fuzz/"
    [[ "$format" -eq 0 ]] || log "swift format: files differ from .swift-format's style (run make format)"
    [[ "$ops" -eq 0 ]] || log "operations checks failed: the alert rules (scripts/alert-rules.sh) or the DR drill (scripts/dr-drill)"
    log "FAILED: swift test exited $status, API fuzzing exited $fuzz, web client tests exited $browser, format check exited $format, operations checks exited $ops ($(elapsed) s)"
    [[ "$status" -ne 0 ]] || status="$fuzz"
    [[ "$status" -ne 0 ]] || status="$browser"
    [[ "$status" -ne 0 ]] || status="$format"
    [[ "$status" -ne 0 ]] || status="$ops"
  fi
  return "$status"
}

if [[ "${1:-}" == --fast ]]; then
  run_fast
else
  main "$@"
fi
