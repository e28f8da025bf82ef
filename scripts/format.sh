#!/usr/bin/env bash
# Formats the Swift sources with the toolchain's `swift format` and the checked-in .swift-format.
#   scripts/format.sh           rewrite every Swift file of the package in place (make format)
#   scripts/format.sh --check   only report files that differ; non-zero if any (make test, CI)
set -euo pipefail
TANDEM_LOG_TAG="format"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TANDEM_ROOT"

paths=(Package.swift Sources Tests)
if [[ "${1:-}" == --check ]]; then
  if swift format lint --strict --recursive --parallel "${paths[@]}"; then
    log "every Swift file follows .swift-format"
  else
    log "some Swift files differ from .swift-format: run make format"
    exit 1
  fi
else
  swift format format --in-place --recursive --parallel "${paths[@]}"
  log "formatted ${paths[*]}"
fi
