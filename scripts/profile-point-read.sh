#!/usr/bin/env bash
# Where a point read's time goes: `GET /v1/vpc-endpoints/{id}` of an S3
# gateway endpoint, from wrk at 64 keep-alive connections for DURATION
# seconds against one release server on a fresh SQLite file, sampled by
# perf (Debian's linux-perf) at 999 Hz with call graphs. Prints the
# server's CPU per request (utime + stime from /proc/<pid>/stat over the
# run, divided by the requests wrk counted), then perf's report of the
# hottest symbols (self time) and of the hottest shared objects.
#
#   scripts/profile-point-read.sh [duration_seconds]   (default 15)
#   LP_BIN=/path/to/linkplane scripts/profile-point-read.sh   (that binary)
#
# Talks only to 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
source scripts/ci-lib.sh
command -v wrk >/dev/null && command -v jq >/dev/null || apt_install wrk jq
command -v perf >/dev/null || apt_install linux-perf
trap 'stop_server $?' EXIT
start_release_bench_server
server=$LP_PID base=$LP_URL key=$BENCH_KEY
vpc=$(bench_post /v1/vpcs '{"cidr_block":"10.0.0.0/16"}')
vpc_id=$(jq -r .vpc_id <<<"$vpc"); rtb=$(jq -r .main_route_table_id <<<"$vpc")
ep=$(bench_post /v1/vpc-endpoints "{\"vpc_id\":\"$vpc_id\",\"service_name\":\"com.amazonaws.us-east-1.s3\",\"route_table_ids\":[\"$rtb\"],\"tags\":{\"Name\":\"s3\"}}" | jq -r .vpc_endpoint_id)
url="$base/v1/vpc-endpoints/$ep"
curl -sf "$url" -H "Authorization: Bearer $key" >/dev/null

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
before=$(cpu_ticks)
perf record -F 999 -g -p "$server" -o "$LP_TMP/perf.data" -- sleep "$DURATION" >/dev/null 2>&1 &
perf_pid=$!
out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $key" "$url")
after=$(cpu_ticks)
wait "$perf_pid" || true
if grep -q "Non-2xx" <<<"$out"; then echo "wrk saw non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
requests=$(awk '/requests in/ {print $1}' <<<"$out")
echo "$("$LP_BIN" --version 2>/dev/null || echo "$LP_BIN") ($LP_BIN), $(nproc) cores, wrk -t2 -c64 -d${DURATION}s, SQLite, RUST_LOG=warn"
echo "GET /v1/vpc-endpoints/{id}: $(awk '/Requests\/sec/ {print $2}' <<<"$out") requests/s," \
  "p50 $(awk '$1 == "50%" {print $2}' <<<"$out"), p99 $(awk '$1 == "99%" {print $2}' <<<"$out")," \
  "server CPU $(awk -v d="$((after - before))" -v t="$ticks" -v n="$requests" 'BEGIN {printf "%.1f", d * 1e6 / t / n}') µs per request"
echo
# perf pads its columns to the terminal's width: trim them.
report() {
  perf report -i "$LP_TMP/perf.data" --no-children --sort "$1" --stdio 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | sed -E 's/[ -]+$//' | cut -c1-160 | head -"$2" || true
}
echo "== hottest symbols (self time, % of the server's samples; [k] kernel, [.] user)"
report symbol 30
echo
echo "== by shared object"
report dso 10
