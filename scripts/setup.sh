#!/usr/bin/env bash
# Install what Tandem needs for one purpose, idempotently:
#   scripts/setup.sh run    # build and run the server and the web client
#   scripts/setup.sh test   # the above plus what the tests need
# A run where everything is present only checks (no apt, no pip, no network).
set -euo pipefail
TANDEM_LOG_TAG="setup"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---------------------------------------------------------------------------
# Package lists: add a package to the one list for its purpose.
# ---------------------------------------------------------------------------
# apt, needed by both run and test (build deps, web toolchain).
APT_COMMON=(
  ca-certificates curl
  libsqlite3-dev                          # GRDB
  libmongoc-dev                           # CMongoc: the MongoDB store (needed to build)
  libhiredis-dev                          # CHiredis: the cluster's Redis client (needed to build)
  libcurl4-openssl-dev                    # CCurl: outbound mail over SMTP (needed to build)
  libgmime-3.0-dev                        # CGMime: composing MIME messages (needed to build)
  libmagic-dev libvips-dev                # CMagic, CVips: attachment type sniffing and thumbnails (needed to build)
  esbuild node-typescript                 # web bundle and type-check
  node-react node-react-dom node-redux    # web client runtime deps
  node-babel7-runtime                     # undeclared dep of node-redux
  node-csstype node-prop-types            # React's type deps
)
# apt, only to run the server (e.g. nginx).
APT_RUN=()
# apt, only for tests (e.g. redis-server, chromium).
APT_TEST=(
  redis-server                            # Redis tests (scripts/lib.sh start_redis, and their own servers)
  nginx                                   # the cluster tests' TLS front (scripts/cluster, Config/nginx.conf)
  openssl                                 # scripts/cluster makes a self-signed certificate
  chromium                                # browser tests (Playwright drives it via executable_path)
  prometheus                              # promtool: the alert rules' checks and unit tests (scripts/alert-rules.sh)
  fonts-dejavu-core fonts-noto-color-emoji # fonts for stable screenshots (text and emoji)
)

# pip into .venv: scripts/requirements.txt is used for both purposes;
# scripts/requirements-run.txt / requirements-test.txt are added when present.
REQ_COMMON="$TANDEM_ROOT/scripts/requirements.txt"

usage() { echo "usage: scripts/setup.sh run|test" >&2; exit 2; }

# Print the apt packages (from the arguments) that are not installed.
apt_missing() {
  local pkg
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
      printf '%s\n' "$pkg"
    fi
  done
}

ensure_apt() {
  local -a wanted=("$@") missing=()
  # The venv needs python3 with ensurepip (Debian's python3 needs python3-venv).
  if ! command -v python3 >/dev/null 2>&1; then
    wanted+=(python3 python3-venv)
  elif ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    wanted+=(python3-venv)
  fi
  mapfile -t missing < <(apt_missing "${wanted[@]}")
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "apt: ${#wanted[@]} packages present"
    return 0
  fi
  log "apt: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
  mapfile -t missing < <(apt_missing "${missing[@]}")
  [[ ${#missing[@]} -eq 0 ]] || die "apt: still missing after install: ${missing[*]}"
  CHANGED=1
}

ensure_venv() {
  local purpose="$1" stamp want have="" f
  local -a reqs=("$REQ_COMMON")
  [[ -f "$TANDEM_ROOT/scripts/requirements-$purpose.txt" ]] && reqs+=("$TANDEM_ROOT/scripts/requirements-$purpose.txt")

  # Recreate a venv whose interpreter is gone (e.g. python3 was upgraded).
  if [[ -d "$TANDEM_VENV" ]] && ! "$TANDEM_VENV/bin/python" -c '' >/dev/null 2>&1; then
    warn "venv at $TANDEM_VENV is broken; recreating"
    rm -rf -- "$TANDEM_VENV"
  fi
  if [[ ! -d "$TANDEM_VENV" ]]; then
    log "venv: creating $TANDEM_VENV"
    python3 -m venv "$TANDEM_VENV"
    CHANGED=1
  fi

  # One stamp per set of requirement files (run and test share one while they
  # use the same files), holding a hash of them and of the interpreter version.
  local names="${reqs[*]##*/}"
  stamp="$TANDEM_VENV/.tandem-${names// /+}.stamp"
  want="$({ "$TANDEM_VENV/bin/python" -VV; for f in "${reqs[@]}"; do cat "$f"; done; } | sha256sum | cut -d' ' -f1)"
  [[ -f "$stamp" ]] && have="$(cat "$stamp")"
  if [[ "$want" == "$have" ]]; then
    log "pip: $names current"
    return 0
  fi
  local -a args=()
  for f in "${reqs[@]}"; do args+=(-r "$f"); done
  log "pip: installing $names"
  "$TANDEM_VENV/bin/python" -m pip install -q --disable-pip-version-check "${args[@]}"
  printf '%s\n' "$want" >"$stamp"
  CHANGED=1
}

main() {
  [[ $# -eq 1 ]] || usage
  local purpose="$1" start
  local -a apt_pkgs=("${APT_COMMON[@]}")
  case "$purpose" in
    run)  apt_pkgs+=("${APT_RUN[@]}") ;;
    test) apt_pkgs+=("${APT_TEST[@]}") ;;
    *)    usage ;;
  esac
  start="$(now_ms)"
  CHANGED=0
  ensure_apt "${apt_pkgs[@]}"
  ensure_venv "$purpose"
  if [[ "$CHANGED" -eq 0 ]]; then
    log "$purpose: everything present, nothing to do ($(( $(now_ms) - start )) ms)"
  else
    log "$purpose: setup done in $(( ($(now_ms) - start) / 1000 )) s"
  fi
}

main "$@"
