#!/usr/bin/env bash
# HTTP load benchmark: GET /v1/whoami and GET /v1/regions/{region}/availability-zones
# at 64 concurrent keep-alive connections, on a fresh SQLite file, against the
# release build. Uses wrk (Debian package `wrk`; installed when missing).
#
#   scripts/loadbench.sh [duration_seconds]   (default 15)
#
# Prints wrk's report (requests/s and the latency distribution, p99 included)
# for each endpoint. Talks only to 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
CONNECTIONS=64
THREADS=2

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --locked --quiet

work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
admin="bench-admin-$RANDOM$RANDOM"
RUST_LOG=warn LINKPLANE_ADMIN_TOKEN="$admin" LINKPLANE_LISTEN="127.0.0.1:$port" \
  LINKPLANE_DATABASE_URL="sqlite://$work/bench.db?mode=rwc" \
  ./target/release/linkplane serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done

curl -sf -X POST "$base/v1/accounts" -H "Authorization: Bearer $admin" \
  -d '{"name":"bench","account_id":"111122223333"}' >/dev/null
key=$(curl -sf -X POST "$base/v1/api-keys" -H "Authorization: Bearer $admin" \
  -d '{"principal_arn":"arn:aws:iam::111122223333:root"}' | sed -E 's/.*"secret":"([^"]+)".*/\1/')

echo "linkplane $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, SQLite, RUST_LOG=warn"
for path in /v1/whoami /v1/regions/us-east-1/availability-zones; do
  echo
  echo "== GET $path"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -H "Authorization: Bearer $key" "$base$path"
done
echo
curl -sf "$base/metrics" | grep -E '^linkplane_http_requests_total.*(whoami|availability-zones)' || true
