#!/usr/bin/env bash
# Build the web client into Web/dist/ (index.html, app.js, app.css):
# type-check with tsc, bundle with esbuild, CSS with Tailwind v4 + tailwindcss-motion.
# Skips all work when inputs and tools are unchanged since the last build.
#   Web/build.sh           build if needed
#   Web/build.sh --force   rebuild
#   Web/build.sh --clean   remove Web/dist
# Needs `scripts/setup.sh run` (or test) first.
set -euo pipefail
TANDEM_LOG_TAG="web"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

WEB="$TANDEM_ROOT/Web"
DIST="$WEB/dist"
CACHE="$DIST/.cache"          # build stamp and tsc's incremental state
NODE_MODULES=/usr/share/nodejs  # Debian's node-* packages
TAILWIND="$TANDEM_VENV/bin/tailwindcss"  # the entry point that loads plugins
OUTPUTS=(index.html app.js app.css)

# A hash of everything the output depends on: sources, configs, this script, tool versions.
input_hash() {
  {
    (cd "$WEB" && find src index.html tsconfig.json build.sh -type f -print0 | sort -z | xargs -0 sha256sum)
    dpkg-query -W -f='${Package} ${Version}\n' esbuild node-typescript node-react node-react-dom \
      node-redux node-csstype node-prop-types node-babel7-runtime 2>/dev/null || true
    cat "$TANDEM_ROOT/scripts/requirements.txt"
  } | sha256sum | cut -d' ' -f1
}

check_tools() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=(node)
  command -v tsc >/dev/null 2>&1 || missing+=("tsc (node-typescript)")
  command -v esbuild >/dev/null 2>&1 || missing+=(esbuild)
  [[ -d "$NODE_MODULES/react" ]] || missing+=(node-react)
  [[ -x "$TAILWIND" ]] || missing+=("$TAILWIND")
  [[ ${#missing[@]} -eq 0 ]] || die "missing ${missing[*]}: run scripts/setup.sh run first"
}

# The page runs under the server's Content-Security-Policy (docs/WEB.md): no inline script,
# style or event handler in index.html, or the browser blocks it.
check_csp() {
  local page="$WEB/index.html"
  if grep -Eio '<script[^>]*>' "$page" | grep -viq 'src='; then die "index.html has an inline <script>: the CSP blocks it"; fi
  if grep -Eiq '<style|[[:space:]]style=|[[:space:]]on[a-z]+=|javascript:' "$page"; then
    die "index.html has an inline style, event handler or javascript: URL: the CSP blocks it"
  fi
}

build() {
  local tmp start
  start="$(now_ms)"
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$DIST/.build.XXXXXX")"
  # shellcheck disable=SC2064  # expand $tmp now
  trap "rm -rf -- '$tmp'" EXIT

  # Type-check (noEmit; incremental state is kept in dist/.cache).
  (cd "$WEB" && tsc -p tsconfig.json --incremental --tsBuildInfoFile "$CACHE/tsconfig.tsbuildinfo") \
    || die "type-check failed"

  NODE_PATH="$NODE_MODULES" esbuild "$WEB/src/main.tsx" --bundle --minify --format=iife \
    --target=es2020 --jsx=automatic '--define:process.env.NODE_ENV="production"' \
    --log-level=warning --outfile="$tmp/app.js" || die "bundle failed"

  (cd "$WEB" && "$TAILWIND" -i src/styles.css -o "$tmp/app.css" --minify 2>"$tmp/tailwind.log") \
    || { cat "$tmp/tailwind.log" >&2; die "CSS build failed"; }

  cp "$WEB/index.html" "$tmp/index.html"

  # Move into place file by file (rename is atomic on one filesystem).
  local f
  for f in "${OUTPUTS[@]}"; do mv -f "$tmp/$f" "$DIST/$f"; done
  log "built Web/dist ($(wc -c <"$DIST/app.js") B js, $(wc -c <"$DIST/app.css") B css) in $(( $(now_ms) - start )) ms"
}

main() {
  local force=0 f want
  case "${1:-}" in
    "") ;;
    --force) force=1 ;;
    --clean) rm -rf -- "$DIST"; log "removed Web/dist"; return 0 ;;
    *) echo "usage: Web/build.sh [--force|--clean]" >&2; exit 2 ;;
  esac
  check_tools
  check_csp
  want="$(input_hash)"
  if [[ "$force" -eq 0 && -f "$CACHE/stamp" && "$(cat "$CACHE/stamp")" == "$want" ]]; then
    local complete=1
    for f in "${OUTPUTS[@]}"; do [[ -s "$DIST/$f" ]] || complete=0; done
    if [[ "$complete" -eq 1 ]]; then
      log "Web/dist up to date"
      return 0
    fi
  fi
  rm -f "$CACHE/stamp"
  build
  printf '%s\n' "$want" >"$CACHE/stamp"
}

main "$@"
