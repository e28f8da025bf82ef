#!/usr/bin/env bash
# Fuzzes the REST API against its own OpenAPI document with schemathesis: one bounded run per
# demo role (admin, supervisor, agent, customer), each against its own `tandem serve --demo` on a
# free port with a temporary SQLite store, so that what one role's run changes (users, teams,
# tickets) never reaches another's.
#   scripts/api-fuzz.sh [--no-setup] [ROLE...]          e.g. scripts/api-fuzz.sh agent
# TANDEM_BIN=path/to/tandem skips the build. TANDEM_FUZZ_MAX_EXAMPLES (default 12) and
# TANDEM_FUZZ_MAX_TIME (seconds per role, default 40) bound the run; TANDEM_FUZZ_SEED (default
# 20261207) makes it repeatable. Reports (JUnit) land in .artifacts/api-fuzz/.
#
# Excluded operations, and why:
#   logout       revokes the session the run signs its requests with (the rest would be 401).
#   GET /ws      the WebSocket endpoint; its upgrade is tested over real sockets (TandemLiveTests).
# Checks left out, and why:
#   positive_data_acceptance  a schema cannot say "an id that exists" or "4 distinct characters",
#                             so schema-valid requests are rightly refused with 404/422.
#   unsupported_method        expects 405; Tandem answers 404 for a method a path does not
#                             support (docs/API.md, "Base URL and conventions").
# Accepted failures: none. Should one ever be accepted, record it in scripts/api-fuzz-baseline.json
# (schemathesis --baseline) with the reason in docs/API.md.
set -euo pipefail
TANDEM_LOG_TAG="api-fuzz"
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TANDEM_ROOT"

DEMO_PASSWORD="tandem-demo-2026"
declare -A DEMO_LOGIN=(
  [admin]="admin@tandem.example"
  [supervisor]="ada@tandem.example"
  [agent]="grace@tandem.example"
  [customer]="customer1@example.com"
)
ARTIFACTS="${TANDEM_FUZZ_ARTIFACTS:-$TANDEM_ROOT/.artifacts/api-fuzz}"

# Starts a demo server for ROLE in DIR; prints its port. The pid goes to DIR/pid.
start_server() {
  local dir="$1" port
  port="$(free_port)"
  "$TANDEM_BIN" serve --demo --port "$port" --host 127.0.0.1 --store "sqlite:$dir/tandem.sqlite" \
    --set auth.bcryptCost=4 --set "web.root=$dir/no-web" >"$dir/server.log" 2>&1 &
  echo $! >"$dir/pid"
  local i
  for ((i = 0; i < 600; i++)); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then printf '%s\n' "$port"; return 0; fi
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || { warn "server exited; see $dir/server.log"; return 1; }
    sleep 0.1
  done
  warn "server not ready after 60 s; see $dir/server.log"
  return 1
}

stop_server() {
  local dir="$1" pid
  pid="$(cat "$dir/pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# Signs in as ROLE on PORT; prints the access token.
token_for() {
  local role="$1" port="$2"
  curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\": \"${DEMO_LOGIN[$role]}\", \"password\": \"$DEMO_PASSWORD\"}" \
    | "$TANDEM_VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])'
}

# Runs schemathesis for ROLE; returns its exit status.
fuzz_role() {
  local role="$1" dir port token status=0 started
  local -a baseline=()
  [[ ! -s scripts/api-fuzz-baseline.json ]] || baseline=(--baseline scripts/api-fuzz-baseline.json)
  started="$(now_ms)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/tandem-fuzz-$role.XXXXXX")"
  port="$(start_server "$dir")" || return 1
  token="$(token_for "$role" "$port")" || { stop_server "$dir"; return 1; }
  log "$role: schemathesis against http://127.0.0.1:$port"
  "$TANDEM_VENV/bin/schemathesis" --no-color run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance,unsupported_method \
    --exclude-operation-id logout --exclude-operation-id webSocket \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "${TANDEM_FUZZ_MAX_EXAMPLES:-12}" --max-time "${TANDEM_FUZZ_MAX_TIME:-40}" \
    --seed "${TANDEM_FUZZ_SEED:-20261207}" --generation-database none \
    --request-timeout 10 --workers 1 \
    "${baseline[@]}" \
    --report junit --report-junit-path "$ARTIFACTS/$role.xml" \
    >"$ARTIFACTS/$role.log" 2>&1 || status=$?
  stop_server "$dir"
  tail -n 15 "$ARTIFACTS/$role.log" | sed "s/^/[api-fuzz] $role: /" >&2
  log "$role: schemathesis exited $status in $(( ($(now_ms) - started) / 1000 )) s (log: ${ARTIFACTS#"$TANDEM_ROOT"/}/$role.log)"
  [[ "$status" -eq 0 ]] || cp "$dir/server.log" "$ARTIFACTS/$role-server.log"
  rm -rf -- "$dir"
  return "$status"
}

main() {
  local start role failed=() passed=()
  local -a roles swift_args=()
  start="$(now_ms)"
  if [[ "${1:-}" == "--no-setup" ]]; then shift; else scripts/setup.sh test; fi
  roles=("$@")
  [[ ${#roles[@]} -gt 0 ]] || roles=(admin supervisor agent customer)
  for role in "${roles[@]}"; do [[ -n "${DEMO_LOGIN[$role]:-}" ]] || die "unknown role $role (admin, supervisor, agent, customer)"; done

  if [[ -z "${TANDEM_BIN:-}" ]]; then
    [[ -n "${TANDEM_SWIFT_SCRATCH:-}" ]] && swift_args=(--scratch-path "$TANDEM_SWIFT_SCRATCH")
    log "swift build --product tandem"
    swift build "${swift_args[@]}" --product tandem
    TANDEM_BIN="$(swift build "${swift_args[@]}" --show-bin-path)/tandem"
  fi
  rm -rf -- "$ARTIFACTS"
  mkdir -p "$ARTIFACTS"

  for role in "${roles[@]}"; do
    if fuzz_role "$role"; then passed+=("$role"); else failed+=("$role"); fi
  done
  if [[ ${#failed[@]} -eq 0 ]]; then
    log "PASSED: API fuzzing, ${#passed[@]} roles (${passed[*]}), no failures ($(( ($(now_ms) - start) / 1000 )) s)"
    return 0
  fi
  log "FAILED: API fuzzing: ${failed[*]} failed, ${#passed[@]} passed ($(( ($(now_ms) - start) / 1000 )) s); logs in ${ARTIFACTS#"$TANDEM_ROOT"/}"
  return 1
}

main "$@"
