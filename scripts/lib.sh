# shellcheck shell=bash
# Shared helpers for Tandem's scripts. Source it, do not run it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The sourcing script sets `set -euo pipefail` itself.

if [[ -n "${TANDEM_LIB_LOADED:-}" ]]; then return 0; fi
TANDEM_LIB_LOADED=1

TANDEM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TANDEM_VENV="${TANDEM_VENV:-$TANDEM_ROOT/.venv}"
TANDEM_LOG_TAG="${TANDEM_LOG_TAG:-tandem}"

# Swift lives in /opt/swift on our machines; make sure it is found even from a bare PATH.
if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  PATH="$PATH:/opt/swift/usr/bin"
fi

# ---------------------------------------------------------------------------
# Logging: everything goes to stderr so stdout stays clean for values.
# ---------------------------------------------------------------------------
log()  { printf '[%s] %s\n' "$TANDEM_LOG_TAG" "$*" >&2; }
warn() { printf '[%s] warning: %s\n' "$TANDEM_LOG_TAG" "$*" >&2; }
die()  { printf '[%s] error: %s\n' "$TANDEM_LOG_TAG" "$*" >&2; exit 1; }

# Run a command as root (directly when root, else through sudo).
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $* (run as root or install sudo)"
  fi
}

# Milliseconds since the epoch, for timings.
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------

# Print a loopback port that is free right now (the kernel picks it).
free_port() {
  python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# True when something accepts TCP connections on HOST:PORT.
port_open() {
  local host="$1" port="$2"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# wait_for_port HOST PORT [TIMEOUT_SECONDS=15] [PID]
# Waits until HOST:PORT accepts connections. Fails at the timeout, or at once
# when PID is given and that process has exited.
wait_for_port() {
  local host="$1" port="$2" timeout="${3:-15}" pid="${4:-}"
  local tries=$((timeout * 10)) i
  for ((i = 0; i < tries; i++)); do
    if port_open "$host" "$port"; then return 0; fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------------------
# Service registry: start background services on free loopback ports with
# throw-away data dirs, and always stop them when the script exits.
#
#   services_install_trap                 # once, before the first start
#   service_start NAME CMD [ARGS...]      # {port} and {dir} in ARGS are replaced
#   service_port NAME; service_dir NAME   # print where it runs
#
# Each service runs in its own session (setsid), in the foreground (it must
# not daemonize), with its output in DIR/NAME.log. On exit, INT or TERM every
# service gets SIGTERM, then SIGKILL after TANDEM_SERVICE_STOP_TIMEOUT seconds,
# and its data dir is removed (kept when TANDEM_KEEP_SERVICE_DATA=1).
# ---------------------------------------------------------------------------
declare -ga TANDEM_SERVICES=()      # names, in start order
declare -gA TANDEM_SERVICE_PID=()
declare -gA TANDEM_SERVICE_PORT=()
declare -gA TANDEM_SERVICE_DIR=()
TANDEM_SERVICES_STOPPED=0

services_install_trap() {
  trap services_stop_all EXIT
  trap 'exit 130' INT   # exit runs the EXIT trap
  trap 'exit 143' TERM
}

service_start() {
  local name="$1"; shift
  [[ $# -gt 0 ]] || die "service_start $name: no command"
  [[ -z "${TANDEM_SERVICE_PID[$name]:-}" ]] || die "service $name already started"
  command -v "$1" >/dev/null 2>&1 || die "service $name: '$1' not found (is it in scripts/setup.sh's test lists?)"

  local dir port pid attempt arg
  local -a cmd
  dir="$(mktemp -d "${TMPDIR:-/tmp}/tandem-$name.XXXXXX")"
  TANDEM_SERVICE_DIR[$name]="$dir"
  TANDEM_SERVICES+=("$name")

  # A free port can be taken between free_port and the bind: retry a few times.
  for attempt in 1 2 3; do
    port="$(free_port)"
    cmd=()
    for arg in "$@"; do
      arg="${arg//\{port\}/$port}"
      cmd+=("${arg//\{dir\}/$dir}")
    done
    setsid "${cmd[@]}" >"$dir/$name.log" 2>&1 </dev/null &
    pid=$!
    TANDEM_SERVICE_PID[$name]="$pid"
    TANDEM_SERVICE_PORT[$name]="$port"
    if wait_for_port 127.0.0.1 "$port" "${TANDEM_SERVICE_START_TIMEOUT:-20}" "$pid"; then
      log "service $name up on 127.0.0.1:$port (pid $pid, data $dir)"
      return 0
    fi
    _service_kill "$name"
    warn "service $name did not open port $port (attempt $attempt); log tail:"
    tail -n 15 "$dir/$name.log" >&2 || true
  done
  die "service $name failed to start: ${cmd[*]}"
}

# Print the loopback port / data dir of a started service.
service_port() { printf '%s\n' "${TANDEM_SERVICE_PORT[$1]:?service $1 not started}"; }
service_dir()  { printf '%s\n' "${TANDEM_SERVICE_DIR[$1]:?service $1 not started}"; }

# Stop one service's process group: TERM, wait, then KILL.
_service_kill() {
  local name="$1" pid i
  pid="${TANDEM_SERVICE_PID[$name]:-}"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < ${TANDEM_SERVICE_STOP_TIMEOUT:-5} * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      warn "service $name (pid $pid) ignored SIGTERM; killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  TANDEM_SERVICE_PID[$name]=""
}

# Stop every registered service (newest first) and remove their data dirs.
# Safe to call more than once.
services_stop_all() {
  local status=$? i name dir
  [[ "$TANDEM_SERVICES_STOPPED" -eq 0 ]] || return "$status"
  TANDEM_SERVICES_STOPPED=1
  for ((i = ${#TANDEM_SERVICES[@]} - 1; i >= 0; i--)); do
    name="${TANDEM_SERVICES[$i]}"
    _service_kill "$name"
    dir="${TANDEM_SERVICE_DIR[$name]:-}"
    if [[ -n "$dir" && -d "$dir" ]]; then
      if [[ "${TANDEM_KEEP_SERVICE_DATA:-0}" == 1 ]]; then
        log "service $name stopped; data kept in $dir"
      else
        rm -rf -- "$dir"
      fi
    fi
  done
  [[ ${#TANDEM_SERVICES[@]} -eq 0 ]] || log "stopped services: ${TANDEM_SERVICES[*]}"
  return "$status"
}

# ---------------------------------------------------------------------------
# Service recipes. Each starts one service via service_start and exports its
# URL for the tests. test.sh calls start_<name> for each name in its
# TEST_SERVICES list; the packages come from scripts/setup.sh's test lists.
# ---------------------------------------------------------------------------

# Redis (apt: redis-server). Exports TANDEM_TEST_REDIS_URL.
start_redis() {
  service_start redis redis-server --bind 127.0.0.1 --port '{port}' --dir '{dir}' \
    --save '' --appendonly no --daemonize no --logfile ''
  TANDEM_TEST_REDIS_URL="redis://127.0.0.1:$(service_port redis)"
  export TANDEM_TEST_REDIS_URL
}

# MongoDB wire-protocol server nx-27017 (pip, in the venv). Exports TANDEM_TEST_MONGO_URL.
start_nx27017() {
  local bin="$TANDEM_VENV/bin/nx-27017"
  [[ -x "$bin" ]] || die "nx-27017 not found in $TANDEM_VENV (add it to scripts/requirements-test.txt)"
  # --data-dir: one SQLite file per database, so the tests' databases are isolated
  # (with --db FILE every database name shares the same collections).
  service_start nx27017 "$bin" --host 127.0.0.1 -p '{port}' --data-dir '{dir}/data' \
    --log-file '{dir}/nx.log' --pid-file '{dir}/nx.pid'
  TANDEM_TEST_MONGO_URL="mongodb://127.0.0.1:$(service_port nx27017)"
  export TANDEM_TEST_MONGO_URL
}

# A real SMTP server (aiosmtpd, pip, in the venv) that keeps every message it accepts
# (scripts/smtp-sink.py: STARTTLS with a self-signed certificate, AUTH tandem/sink-password).
# Exports TANDEM_TEST_SMTP_URL, TANDEM_TEST_SMTP_DIR (messages/<n>.json) and
# TANDEM_TEST_SMTP_CA (the certificate, as a CA file for STARTTLS).
start_smtp() {
  "$TANDEM_VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null \
    || die "aiosmtpd not found in $TANDEM_VENV (add it to scripts/requirements-test.txt)"
  service_start smtp "$TANDEM_VENV/bin/python" "$TANDEM_ROOT/scripts/smtp-sink.py" --port '{port}' --dir '{dir}'
  TANDEM_TEST_SMTP_URL="smtp://127.0.0.1:$(service_port smtp)"
  TANDEM_TEST_SMTP_DIR="$(service_dir smtp)"
  TANDEM_TEST_SMTP_CA="$TANDEM_TEST_SMTP_DIR/cert.pem"
  export TANDEM_TEST_SMTP_URL TANDEM_TEST_SMTP_DIR TANDEM_TEST_SMTP_CA
}
