#!/usr/bin/env bash
# What a page of 100 endpoints costs: `GET /v1/vpc-endpoints?max_results=100`
# from wrk at 8 keep-alive connections for DURATION seconds against one
# release server on a fresh SQLite file holding 100 interface endpoints
# (to com.amazonaws.us-east-1.ec2, in 2 VPCs of one subnet each, each
# with the VPC's default group and a Name tag). Prints the server's CPU
# per request (utime + stime from /proc/<pid>/stat over the run, divided
# by the requests wrk counted). With PERF=1 it also samples the server
# with perf at 999 Hz and prints the hottest symbols (self time).
#
#   scripts/profile-page.sh [duration_seconds]      (default 10)
#   LP_BIN=/path/to/linkplane scripts/profile-page.sh   (that binary)
#
# Talks only to 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
source scripts/ci-lib.sh
command -v wrk >/dev/null && command -v jq >/dev/null || apt_install wrk jq
if [ -n "${PERF:-}" ]; then command -v perf >/dev/null || apt_install linux-perf; fi
trap 'stop_server $?' EXIT
start_release_bench_server
server=$LP_PID base=$LP_URL key=$BENCH_KEY
zone=$(curl -sf "$base/v1/regions/us-east-1/availability-zones" -H "Authorization: Bearer $key" | jq -r '.items[0].zone_id')
for v in 0 1; do
  vpc_id=$(bench_post /v1/vpcs "{\"cidr_block\":\"10.$v.0.0/16\"}" | jq -r .vpc_id)
  sub=$(bench_post /v1/subnets "{\"vpc_id\":\"$vpc_id\",\"cidr_block\":\"10.$v.0.0/20\",\"availability_zone_id\":\"$zone\"}" | jq -r .subnet_id)
  for i in $(seq 1 50); do
    bench_post /v1/vpc-endpoints "{\"vpc_endpoint_type\":\"interface\",\"vpc_id\":\"$vpc_id\",\"service_name\":\"com.amazonaws.us-east-1.ec2\",\"subnet_ids\":[\"$sub\"],\"tags\":{\"Name\":\"e$i\"}}" >/dev/null
  done
done
url="$base/v1/vpc-endpoints?max_results=100"
count=$(curl -sf "$url" -H "Authorization: Bearer $key" | jq '.items | length')
[ "$count" = 100 ] || { echo "the page holds $count endpoints, not 100" >&2; exit 1; }

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
before=$(cpu_ticks)
perf_pid=""
if [ -n "${PERF:-}" ]; then
  perf record -F 999 -g -p "$server" -o "$LP_TMP/perf.data" -- sleep "$DURATION" >/dev/null 2>&1 &
  perf_pid=$!
fi
out=$(wrk -t2 -c8 -d"${DURATION}s" --latency -H "Authorization: Bearer $key" "$url")
after=$(cpu_ticks)
if [ -n "$perf_pid" ]; then wait "$perf_pid" || true; fi
if grep -q "Non-2xx" <<<"$out"; then echo "wrk saw non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
requests=$(awk '/requests in/ {print $1}' <<<"$out")
echo "page of 100: $(awk '/Requests\/sec/ {print $2}' <<<"$out") requests/s," \
  "p50 $(awk '$1 == "50%" {print $2}' <<<"$out"), p99 $(awk '$1 == "99%" {print $2}' <<<"$out")," \
  "server CPU $(awk -v d="$((after - before))" -v t="$ticks" -v n="$requests" 'BEGIN {printf "%.1f", d * 1e6 / t / n}') µs per request"
if [ -n "$perf_pid" ]; then
  echo
  perf report -i "$LP_TMP/perf.data" --no-children --sort sym --stdio 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | sed -E 's/[ -]+$//' | cut -c1-160 | head -25 || true
fi
