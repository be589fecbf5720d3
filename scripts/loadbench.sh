#!/usr/bin/env bash
# HTTP load benchmark: GET /v1/whoami, GET /v1/regions/{region}/availability-zones
# and POST /v1/resolve (an S3 name through a gateway endpoint with a policy,
# the full trace) at 64 concurrent keep-alive connections, on a fresh SQLite
# file, against the release build. Uses wrk and jq (Debian packages; installed
# when missing).
#
#   scripts/loadbench.sh [duration_seconds] [all|resolve]   (default 15 all)
#
# Prints wrk's report (requests/s and the latency distribution, p99 included)
# for each endpoint. Talks only to 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
WHICH="${2:-all}"
CONNECTIONS=64
THREADS=2

source scripts/ci-lib.sh
command -v wrk >/dev/null && command -v jq >/dev/null || apt_install wrk jq
cargo build --release --locked --quiet
trap 'stop_server $?' EXIT
LP_BIN=target/release/linkplane start_server >/dev/null
base=$LP_URL work=$LP_TMP

key=$(bench_root_key | jq -r .secret)

echo "linkplane $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, SQLite, RUST_LOG=warn"
paths=(/v1/whoami /v1/regions/us-east-1/availability-zones)
[ "$WHICH" = resolve ] && paths=()
for path in "${paths[@]}"; do
  echo
  echo "== GET $path"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -H "Authorization: Bearer $key" "$base$path"
done

# A network to resolve over: a VPC, a private subnet, an instance interface,
# and an S3 gateway endpoint with a policy on the subnet's route table.
post() { curl -sf -X POST "$base$1" -H "Authorization: Bearer $key" -d "$2"; }
vpc=$(post /v1/vpcs '{"cidr_block":"10.0.0.0/16","enable_dns_hostnames":true}')
vpc_id=$(jq -r .vpc_id <<<"$vpc"); rtb=$(jq -r .main_route_table_id <<<"$vpc")
subnet=$(post /v1/subnets "{\"vpc_id\":\"$vpc_id\",\"cidr_block\":\"10.0.1.0/24\",\"availability_zone_id\":\"use1-az1\"}" | jq -r .subnet_id)
eni=$(post /v1/network-interfaces "{\"subnet_id\":\"$subnet\"}" | jq -r .network_interface_id)
policy='{\"Statement\":[{\"Sid\":\"Reads\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}]}'
post /v1/vpc-endpoints "{\"vpc_id\":\"$vpc_id\",\"service_name\":\"com.amazonaws.us-east-1.s3\",\"route_table_ids\":[\"$rtb\"],\"policy_document\":\"$policy\"}" >/dev/null
body="{\"source\":{\"network_interface_id\":\"$eni\"},\"destination\":{\"host\":\"my-bucket.s3.us-east-1.amazonaws.com\"},\"port\":443,\"request\":{\"principal_arn\":\"arn:aws:iam::111122223333:role/app\",\"action\":\"s3:GetObject\",\"resource\":\"arn:aws:s3:::my-bucket/k\"}}"
echo
echo "== POST /v1/resolve: $(post /v1/resolve "$body" | jq -c '{reachable, path: [.hops[].component]}')"
cat >"$work/resolve.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/resolve.lua" \
  -H "Authorization: Bearer $key" "$base/v1/resolve"
echo
curl -sf "$base/metrics" | grep -E '^linkplane_http_requests_total.*(whoami|availability-zones|resolve)' || true
