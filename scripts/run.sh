#!/usr/bin/env bash
# Command (a): install, build and run Tandem with demo data.
#   scripts/run.sh [ARGS...]        ARGS go to `tandem serve --demo`
#   scripts/run.sh --build-only     install and build, do not run
# The server reads TANDEM_* environment variables (e.g. TANDEM_PORT) itself.
set -euo pipefail
TANDEM_LOG_TAG="run"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TANDEM_ROOT"

build_only=0
if [[ "${1:-}" == "--build-only" ]]; then build_only=1; shift; fi

scripts/setup.sh run
Web/build.sh
log "swift build -c release --product tandem"
swift build -c release --product tandem

if [[ "$build_only" -eq 1 ]]; then
  log "built .build/release/tandem"
  exit 0
fi
log "starting: .build/release/tandem serve --demo $*"
exec .build/release/tandem serve --demo "$@"
