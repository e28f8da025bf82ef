#!/usr/bin/env bash
# Web client tests: the TypeScript unit tests (OT, client engine) with node, then the browser tests:
# pytest + Playwright driving Debian's chromium against a real `tandem serve --demo` on a free port
# with a temporary SQLite store (the pytest fixture starts, restarts and stops it).
#   scripts/browser-test.sh [--no-setup] [PYTEST_ARGS...]    e.g. -k restart
# Screenshots land in .artifacts/browser/ (TANDEM_ARTIFACTS); TANDEM_UPDATE_SCREENSHOTS=1 also
# refreshes docs/screenshots/. TANDEM_SWIFT_SCRATCH picks the SwiftPM scratch path (default .build);
# TANDEM_BIN=path/to/tandem skips the build and tests that binary.
set -euo pipefail
TANDEM_LOG_TAG="browser-test"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TANDEM_ROOT"

main() {
  local start status=0 bin
  local -a swift_args=()
  start="$(now_ms)"
  if [[ "${1:-}" == "--no-setup" ]]; then shift; else scripts/setup.sh test; fi
  Web/build.sh

  log "web unit tests (node)"
  Web/tests/run-unit.sh || { log "FAILED: web unit tests"; return 1; }

  if [[ -n "${TANDEM_BIN:-}" ]]; then
    bin="$TANDEM_BIN"   # a server binary built elsewhere
  else
    [[ -n "${TANDEM_SWIFT_SCRATCH:-}" ]] && swift_args=(--scratch-path "$TANDEM_SWIFT_SCRATCH")
    log "swift build --product tandem"
    swift build "${swift_args[@]}" --product tandem
    bin="$(swift build "${swift_args[@]}" --show-bin-path)/tandem"
  fi

  export TANDEM_BIN="$bin"
  export TANDEM_WEB_ROOT="$TANDEM_ROOT/Web/dist"
  export TANDEM_ARTIFACTS="${TANDEM_ARTIFACTS:-$TANDEM_ROOT/.artifacts/browser}"
  export TANDEM_DOCS_SCREENSHOTS="$TANDEM_ROOT/docs/screenshots"
  rm -rf -- "$TANDEM_ARTIFACTS"
  mkdir -p "$TANDEM_ARTIFACTS"

  log "pytest Web/tests/browser $*"
  "$TANDEM_VENV/bin/python" -m pytest -q -p no:cacheprovider --rootdir Web/tests/browser Web/tests/browser "$@" || status=$?
  if [[ "$status" -eq 0 ]]; then
    log "PASSED: browser tests ($(( ($(now_ms) - start) / 1000 )) s); screenshots in ${TANDEM_ARTIFACTS#"$TANDEM_ROOT"/}"
  else
    log "FAILED: browser tests exited $status; screenshots and page states in ${TANDEM_ARTIFACTS#"$TANDEM_ROOT"/}"
  fi
  return "$status"
}

main "$@"
