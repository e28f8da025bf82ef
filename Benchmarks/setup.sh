#!/usr/bin/env bash
# Installs what the benchmarks need, idempotently (a run where all is present only checks):
#   - Debian packages for the peers (y-websocket, Node ws + express, nginx + nchan) and tools
#     (linux-perf / valgrind for profiling, util-linux for taskset);
#   - matplotlib into the project venv (/work/main/.venv or $TANDEM_VENV) for the chart.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
VENV="${TANDEM_VENV:-$ROOT/.venv}"
log() { printf '[bench-setup] %s\n' "$*" >&2; }

APT=(
  nodejs                                  # runs the Node peers (any node >= 18 on PATH also works)
  node-y-websocket node-yjs node-lib0     # y-websocket-server and Yjs (update generation)
  node-ws node-express                    # the Node ws + express broadcast peer
  nginx-light libnginx-mod-nchan          # nginx + nchan
  util-linux procps                       # taskset, ps
  valgrind linux-perf                     # profiling
)

missing=()
for pkg in "${APT[@]}"; do
  # nodejs: a node already on PATH (e.g. NodeSource) is fine.
  if [[ "$pkg" == nodejs ]] && command -v node >/dev/null 2>&1; then continue; fi
  if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  log "apt: installing ${missing[*]}"
  SUDO=(); [[ "$(id -u)" -eq 0 ]] || SUDO=(sudo)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
else
  log "apt: ${#APT[@]} packages present"
fi
# The Debian nginx package starts a system nginx on port 80; the benchmarks use their own instance.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  systemctl stop nginx 2>/dev/null || true
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  log "venv: creating $VENV"
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import matplotlib' >/dev/null 2>&1; then
  log "pip: installing matplotlib into $VENV"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
else
  log "pip: matplotlib present"
fi
