# shellcheck shell=bash
# Shared by scripts/ci-python-sdk.sh, scripts/ci-docs-browser.sh,
# scripts/ci-fuzz.sh and the benchmark scripts (sourced, not run): a pinned Python venv (target/sdk-venv
# from scripts/sdk-requirements.txt unless the caller sets VENV and
# REQUIREMENTS first), and a throwaway linkplane server (debug binary, a fresh
# SQLite file or the database URL given, random admin secret, random free port
# on 127.0.0.1) that the caller's EXIT trap stops.

VENV="${VENV:-target/sdk-venv}"
REQUIREMENTS="${REQUIREMENTS:-scripts/sdk-requirements.txt}"

# Runs a command as root: directly when we are root, else through `sudo -n`.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# Installs Debian packages when missing (non-interactive).
apt_install() {
  echo "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# target/sdk-venv with exactly the pinned requirements; rebuilt when the
# requirements file changes (a stamp in the venv holds its hash).
ensure_venv() {
  local want have=""
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  [ -f "$VENV/.requirements.sha256" ] && have=$(cat "$VENV/.requirements.sha256")
  if [ "$want" = "$have" ] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
    return 0
  fi
  echo "creating $VENV from $REQUIREMENTS"
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
  # Every dependency is pinned in the file: --no-deps, then pip check.
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$REQUIREMENTS"
  "$VENV/bin/pip" check --disable-pip-version-check >/dev/null
  echo "$want" >"$VENV/.requirements.sha256"
}

# Builds the debug binary (may wait on another build's cargo lock).
build_server() {
  echo "building target/debug/linkplane"
  cargo build --locked --bin linkplane --quiet
}

# start_server [DATABASE_URL]: starts target/debug/linkplane (or $LP_BIN, as
# the benchmark scripts set it to the release binary) on a free port
# of 127.0.0.1 with the database given (default: a fresh SQLite file in
# LP_TMP; a Postgres URL must name an empty database or schema of its own)
# and waits until /readyz answers. Sets LP_URL, LP_PORT, LP_ADMIN_TOKEN,
# LP_PID, LP_TMP. The server inherits the caller's environment, so other
# LINKPLANE_* settings can be exported first.
LP_PID=""
LP_TMP=""
start_server() {
  LP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/linkplane-ci.XXXXXX")
  LP_ADMIN_TOKEN="lpadmin_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  local database_url="${1:-sqlite://$LP_TMP/lp.db?mode=rwc}"
  local attempt
  for attempt in 1 2 3; do
    LP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    LP_URL="http://127.0.0.1:$LP_PORT"
    LINKPLANE_DATABASE_URL="$database_url" \
      LINKPLANE_LISTEN="127.0.0.1:$LP_PORT" \
      LINKPLANE_ADMIN_TOKEN="$LP_ADMIN_TOKEN" \
      RUST_LOG="${RUST_LOG:-warn}" \
      "${LP_BIN:-target/debug/linkplane}" serve >"$LP_TMP/server.log" 2>&1 &
    LP_PID=$!
    local _
    for _ in $(seq 1 300); do
      if curl -fsS --max-time 2 "$LP_URL/readyz" >/dev/null 2>&1; then
        echo "linkplane serving on $LP_URL (pid $LP_PID, database ${database_url%%\?*})"
        return 0
      fi
      kill -0 "$LP_PID" 2>/dev/null || break
      sleep 0.1
    done
    # Died (another process took the port between our probe and its bind)
    # or never became ready: show why, stop it, try another port.
    echo "linkplane did not become ready on port $LP_PORT (attempt $attempt); its log:" >&2
    tail -n 20 "$LP_TMP/server.log" >&2 || true
    stop_server_process
    rm -f "$LP_TMP"/lp.db*
  done
  echo "could not start linkplane" >&2
  return 1
}

# bench_root_key: on the server start_server started, makes account
# 111122223333 and a key for its root; prints the key as the API answers it
# (JSON: secret, aws_access_key_id, aws_secret_access_key).
bench_root_key() {
  curl -sf -X POST "$LP_URL/v1/accounts" -H "Authorization: Bearer $LP_ADMIN_TOKEN" \
    -d '{"name":"bench","account_id":"111122223333"}' >/dev/null
  curl -sf -X POST "$LP_URL/v1/api-keys" -H "Authorization: Bearer $LP_ADMIN_TOKEN" \
    -d '{"principal_arn":"arn:aws:iam::111122223333:root"}'
}

# For the profile scripts (their EXIT trap calls stop_server): starts
# $LP_BIN, or a fresh release build when LP_BIN is unset, on a fresh
# SQLite file, and sets BENCH_KEY to the secret of bench_root_key's key;
# bench_post PATH BODY then posts with it.
start_release_bench_server() {
  if [ -z "${LP_BIN:-}" ]; then
    cargo build --release --locked --quiet
    LP_BIN=target/release/linkplane
  fi
  LP_BIN="$LP_BIN" start_server >/dev/null
  BENCH_KEY=$(bench_root_key | jq -r .secret)
}

bench_post() {
  curl -sf -X POST "$LP_URL$1" -H "Authorization: Bearer $BENCH_KEY" -d "$2"
}

stop_server_process() {
  if [ -n "$LP_PID" ] && kill -0 "$LP_PID" 2>/dev/null; then
    kill "$LP_PID" 2>/dev/null || true
    # Graceful shutdown first; then make sure.
    local _
    for _ in $(seq 1 50); do kill -0 "$LP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$LP_PID" 2>/dev/null || true
    wait "$LP_PID" 2>/dev/null || true
  fi
  LP_PID=""
}

# For the EXIT trap: stops the server and removes its database; after a
# failure (a non-zero first argument) shows the end of the server's log.
stop_server() {
  local rc="${1:-0}"
  stop_server_process
  if [ -n "$LP_TMP" ] && [ -d "$LP_TMP" ]; then
    if [ "$rc" -ne 0 ] && [ -s "$LP_TMP/server.log" ]; then
      echo "--- last lines of the server's log" >&2
      tail -n 30 "$LP_TMP/server.log" >&2 || true
    fi
    rm -rf "$LP_TMP"
  fi
  LP_TMP=""
}
