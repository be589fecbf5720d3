#!/usr/bin/env bash
# CI: run every walkthrough in docs/walkthroughs/*.sh against a live server
# and compare what each prints with docs/walkthroughs/expected/<name>.txt.
#
#   bash scripts/ci-walkthroughs.sh
#
# Builds the debug binary (after `cargo test` it is already there), starts
# `linkplane serve` on 127.0.0.1 with a port the OS picks, a fresh SQLite
# file in a temporary directory and a random admin secret, waits for
# /readyz, runs the scripts one at a time (each under `timeout`), stops the
# server and prints a summary. Exits non-zero when any script fails or
# prints something other than its expected output. Walkthroughs whose
# output has ids (STATUS_ONLY) are checked by exit status alone; every other
# one needs an expected file. Installs curl and jq with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRIPT_TIMEOUT=${SCRIPT_TIMEOUT:-120}   # seconds per walkthrough
STATUS_ONLY=" two-tier-vpc "            # names whose output is not compared

# Only ever talk to the local server, never through a proxy.
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1

missing=()
for tool in curl jq timeout; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  pkgs=("${missing[@]/timeout/coreutils}")
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

echo "== cargo build --bin linkplane"
cargo build --locked --bin linkplane --quiet
BIN=target/debug/linkplane

DIR=$(mktemp -d "${TMPDIR:-/tmp}/linkplane-walkthroughs.XXXXXX")
SERVER_PID=
stop() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM

ADMIN="lpadmin_ci_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
LINKPLANE_DATABASE_URL="sqlite://$DIR/lp.db?mode=rwc" LINKPLANE_ADMIN_TOKEN="$ADMIN" \
  LINKPLANE_LISTEN=127.0.0.1:0 LINKPLANE_LOG_FORMAT=json LINKPLANE_PROVISION_DELAY_MS=0 \
  LINKPLANE_DEFAULT_REGION=us-east-1 RUST_LOG=warn,linkplane=info,linkplane::app=warn \
  "$BIN" serve >"$DIR/server.log" 2>&1 &
SERVER_PID=$!

# The log holds the start line, warnings and errors (a 500 logs "internal error").
server_log() { echo "-- server log (last 40 lines)"; tail -n 40 "$DIR/server.log" || true; }
# The OS picks the port (127.0.0.1:0); the server logs the address it bound.
LP=
for _ in $(seq 300); do
  addr=$(grep -o '"addr":"127\.0\.0\.1:[0-9]*"' "$DIR/server.log" | head -n1 | cut -d'"' -f4 || true)
  if [ -n "$addr" ]; then LP="http://$addr"; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$LP" ] || { echo "the server did not start" >&2; server_log; exit 1; }
ready=
for _ in $(seq 300); do
  if curl -sf "$LP/readyz" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ready" ] || { echo "the server at $LP did not become ready" >&2; server_log; exit 1; }
echo "== server ready at $LP"

passed=() failed=()
start_all=$SECONDS
for script in docs/walkthroughs/*.sh; do
  name=$(basename "$script" .sh)
  expected="docs/walkthroughs/expected/$name.txt"
  out="$DIR/$name.out" err="$DIR/$name.err"
  start=$SECONDS
  status=0
  LP="$LP" ADMIN="$ADMIN" timeout --kill-after=5 "$SCRIPT_TIMEOUT" bash "$script" >"$out" 2>"$err" || status=$?
  took=$((SECONDS - start))
  problem=
  if [ "$status" -eq 124 ]; then
    problem="timed out after ${SCRIPT_TIMEOUT}s"
  elif [ "$status" -ne 0 ]; then
    problem="exit status $status"
  elif [[ "$STATUS_ONLY" == *" $name "* ]]; then
    :
  elif [ ! -f "$expected" ]; then
    problem="no expected output ($expected)"
  elif ! diff -u --label "$expected" --label "$name (this run)" "$expected" "$out" >"$DIR/$name.diff"; then
    problem="output differs from $expected"
  fi
  if [ -z "$problem" ]; then
    echo "ok    $name (${took}s)"
    passed+=("$name")
  else
    echo "FAIL  $name (${took}s): $problem"
    [ ! -s "$DIR/$name.diff" ] || cat "$DIR/$name.diff"
    if [ -s "$err" ]; then echo "-- stderr of $name"; tail -n 20 "$err"; fi
    failed+=("$name")
  fi
done
for expected in docs/walkthroughs/expected/*.txt; do
  [ -e "$expected" ] || continue
  name=$(basename "$expected" .txt)
  if [ ! -f "docs/walkthroughs/$name.sh" ]; then
    echo "FAIL  $expected has no docs/walkthroughs/$name.sh"
    failed+=("$name")
  fi
done

echo "== walkthroughs: ${#passed[@]} passed, ${#failed[@]} failed ($((SECONDS - start_all))s)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  server_log
  exit 1
fi
