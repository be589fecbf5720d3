#!/usr/bin/env bash
# The AWS front's cost beside the REST front's, side by side in one run:
# for each pair of the same operation (REST with a bearer key, AWS Query
# with SigV4 and XML), wrk at 64 keep-alive connections for DURATION
# seconds against one release server on a fresh SQLite file, and the
# server's own CPU time (utime + stime from /proc/<pid>/stat) over the run
# divided by the requests served: server CPU microseconds per request.
# The SigV4 request is signed once by botocore (scripts/bench/sign.py) and
# replayed; the server verifies it in full on every request.
#
#   scripts/loadbench-aws.sh [duration_seconds]        (default 15)
#
# LINKPLANE_BIN=path uses that binary instead of building the release one.
#
# Uses wrk and jq (Debian packages, installed when missing) and botocore
# from the pinned venv of scripts/ci-aws-sdk.sh. Talks only to 127.0.0.1
# and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
VENV=target/aws-venv
REQUIREMENTS=scripts/aws-requirements.txt
source scripts/ci-lib.sh
command -v wrk >/dev/null && command -v jq >/dev/null || apt_install wrk jq
ensure_venv
BIN="${LINKPLANE_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --locked --quiet
  BIN=./target/release/linkplane
fi

trap 'stop_server $?' EXIT
LINKPLANE_AWS_SECRETS_KEY="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" LP_BIN="$BIN" \
  start_server >/dev/null
server=$LP_PID base=$LP_URL work=$LP_TMP

made=$(bench_root_key)
key=$(jq -r .secret <<<"$made")
access_key_id=$(jq -r .aws_access_key_id <<<"$made")
secret_access_key=$(jq -r .aws_secret_access_key <<<"$made")
# Ten VPCs to list.
for i in $(seq 0 9); do
  curl -sf -X POST "$base/v1/vpcs" -H "Authorization: Bearer $key" -d "{\"cidr_block\":\"10.$i.0.0/16\"}" >/dev/null
done

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }

# run NAME [wrk args...]: wrk against the server; prints one table row.
run() {
  local name=$1; shift
  local before after out requests
  before=$(cpu_ticks)
  out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$@")
  after=$(cpu_ticks)
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then echo "$name: wrk saw non-2xx answers:" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99 us
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  us=$(awk -v d="$((after - before))" -v t="$ticks" -v n="$requests" 'BEGIN {printf "%.1f", d * 1e6 / t / n}')
  printf '| %-58s | %9s | %8s | %8s | %7s |\n' "$name" "$rps" "$p50" "$p99" "$us"
  echo "$us" >"$work/last"
}

signed() { # SERVICE BODY -> a wrk script path
  local f="$work/$RANDOM.lua"
  "$VENV/bin/python" scripts/bench/sign.py "$base" "$1" "$access_key_id" "$secret_access_key" "$2" >"$f"
  echo "$f"
}

echo "linkplane $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t2 -c64 -d${DURATION}s, SQLite, RUST_LOG=warn"
echo
printf '| %-58s | %9s | %8s | %8s | %7s |\n' "Request" "Req/s" "p50" "p99" "CPU µs"
echo "|------------------------------------------------------------|----------:|---------:|---------:|--------:|"
ratios=()
pair() { # REST_NAME REST_PATH AWS_NAME SERVICE BODY
  run "REST $1" -H "Authorization: Bearer $key" "$base$2"
  local rest; rest=$(cat "$work/last")
  run "AWS $3" -s "$(signed "$4" "$5")" "$base/"
  local aws; aws=$(cat "$work/last")
  ratios+=("$3: $(awk -v a="$aws" -v r="$rest" 'BEGIN {printf "%.2f", a / r}')x")
}
pair "GET /v1/whoami" /v1/whoami \
  "STS GetCallerIdentity" sts "Action=GetCallerIdentity&Version=2011-06-15"
pair "GET /v1/regions/us-east-1/availability-zones" /v1/regions/us-east-1/availability-zones \
  "EC2 DescribeAvailabilityZones" ec2 "Action=DescribeAvailabilityZones&Version=2016-11-15"
pair "GET /v1/vpcs (10 VPCs)" /v1/vpcs \
  "EC2 DescribeVpcs (10 VPCs)" ec2 "Action=DescribeVpcs&Version=2016-11-15"
echo
echo "AWS / REST server CPU per request: ${ratios[*]}"
