#!/usr/bin/env bash
# A private subnet reaches Amazon S3 through a gateway endpoint: the
# endpoint adds a prefix-list route to the subnet's route table, and
# POST /v1/resolve shows the packet take it. An endpoint policy then
# limits which requests may pass.
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> docs/walkthroughs/s3-gateway-endpoint.sh
#
# Needs curl and jq. Prints a few lines without ids (the same on every run;
# docs/walkthroughs/expected/s3-gateway-endpoint.txt) and fails with a
# message when an answer is not the expected one. VERBOSE=1 also prints
# every resolve answer in full on stderr. See docs/walkthrough-s3-gateway-endpoint.md.
set -euo pipefail
source "$(dirname "$0")/common.bash"

# 1. An account and a key for its root.
ACCOUNT=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" \
  -d '{"name": "s3-gateway"}' | jq -r .account_id)
KEY=$(curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
  -d "{\"principal_arn\": \"arn:aws:iam::$ACCOUNT:root\"}" | jq -r .secret)

# 2. A VPC with one private subnet: its own route table (only the local
#    route), no internet gateway, no NAT gateway. An instance in it.
VPC_ID=$(post /v1/vpcs '{"cidr_block": "10.0.0.0/16", "region": "us-east-1"}' | jq -r .vpc_id)
ZONE=$(get /v1/regions/us-east-1/availability-zones | jq -r '.items[0].zone_name')
SUBNET=$(post /v1/subnets "{\"vpc_id\": \"$VPC_ID\", \"cidr_block\": \"10.0.1.0/24\", \"availability_zone\": \"$ZONE\"}" | jq -r .subnet_id)
RT=$(post /v1/route-tables "{\"vpc_id\": \"$VPC_ID\"}" | jq -r .route_table_id)
post "/v1/route-tables/$RT/associations" "{\"subnet_id\": \"$SUBNET\"}" >/dev/null
APP=$(post /v1/network-interfaces "{\"subnet_id\": \"$SUBNET\"}" | jq -r .network_interface_id)

# 3. S3's AWS-managed prefix list in us-east-1, and what the VPC's resolver
#    answers for a bucket name: a public address inside the list.
PL=$(get "/v1/prefix-lists?region=us-east-1" | jq -c '.items[] | select(.prefix_list_name == "com.amazonaws.us-east-1.s3") | {prefix_list_id, prefix_list_name, cidrs}')
echo "prefix list: $PL"
PL_ID=$(jq -r .prefix_list_id <<<"$PL")
DNS=$(get "/v1/vpcs/$VPC_ID/dns?name=my-bucket.s3.us-east-1.amazonaws.com" | jq -c '{answered_by, answers, record}')
echo "dns: $DNS"
expect "$(jq -r .answered_by <<<"$DNS")" public "the bucket name"

# 4. Without an endpoint the subnet has no way to S3.
resolve "$APP" my-bucket.s3.us-east-1.amazonaws.com 443
echo "before the endpoint: $(summary)"
expect "$(codes)" '["NO_ROUTE_TO_DESTINATION"]' "before the endpoint"

# 5. The gateway endpoint, associated with the subnet's route table: it adds
#    a route from the prefix list to the endpoint (origin vpc_endpoint).
EP_ID=$(post /v1/vpc-endpoints "{\"vpc_endpoint_type\": \"gateway\", \"vpc_id\": \"$VPC_ID\",
  \"service_name\": \"com.amazonaws.us-east-1.s3\", \"route_table_ids\": [\"$RT\"]}" | jq -r .vpc_endpoint_id)
until_is "/v1/vpc-endpoints/$EP_ID" .state available
EP=$(get "/v1/vpc-endpoints/$EP_ID")
echo "endpoint: $(jq -c '{vpc_endpoint_type, service_name, state}' <<<"$EP")"
ROUTES=$(get "/v1/route-tables/$RT" | jq -c --arg ep "$EP_ID" '[.routes[] |
  "\(.destination_cidr_block // .destination_prefix_list_id) -> \(if .gateway_id == $ep then "the endpoint" else .gateway_id end) (\(.origin), \(.state))"]')
echo "routes: $ROUTES"

# 6. Now the same question takes the prefix-list route to the endpoint.
resolve "$APP" my-bucket.s3.us-east-1.amazonaws.com 443
echo "with the endpoint: $(summary)"
ROUTE=$(jq -c '.hops[] | select(.component == "route_table") | .route' <<<"$ANSWER")
echo "route taken: $(jq -c --arg ep "$EP_ID" '{destination, target: (if .target == $ep then "the endpoint" else .target end), matched_cidr}' <<<"$ROUTE")"
expect "$(jq -r .reachable <<<"$ANSWER")" true "with the endpoint"
expect "$(jq -r .destination <<<"$ROUTE")" "$PL_ID" "the route's destination"
expect "$(jq -r .target <<<"$ROUTE")" "$EP_ID" "the route's target"

# 7. An endpoint policy: any S3 action on my-bucket's objects, but never a
#    delete. Requests (`request`) are checked against it on the way.
POLICY='{"Version": "2012-10-17", "Statement": [
  {"Sid": "MyBucketOnly", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::my-bucket/*"},
  {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": "*"}]}'
patch "/v1/vpc-endpoints/$EP_ID" "$(jq -cn --arg p "$POLICY" '{policy_document: $p}')" >/dev/null
until_is "/v1/vpc-endpoints/$EP_ID" .state available
request() { jq -cn --arg p "arn:aws:iam::$ACCOUNT:role/app" --arg a "$1" --arg r "$2" '{principal_arn: $p, action: $a, resource: $r}'; }
# policy_case ACTION BUCKET EXPECTED_CODES
policy_case() {
  resolve "$APP" "$2.s3.us-east-1.amazonaws.com" 443 "$(request "$1" "arn:aws:s3:::$2/report.csv")"
  local line
  line=$(jq -c '{reachable, codes: [.explanations[].code],
    allowed_by: (.hops[] | select(.component == "vpc_endpoint") | .rule),
    denied_by: (.explanations[0].message // null | if . then capture("(?<why>explicit deny in [^ ]+|no statement of its policy allows it)").why else null end)}' <<<"$ANSWER")
  echo "$1 on $2: $line"
  expect "$(codes)" "$3" "$1 on $2"
}
policy_case s3:GetObject my-bucket '[]'
policy_case s3:GetObject other-bucket '["ENDPOINT_POLICY_DENIED"]'
policy_case s3:DeleteObject my-bucket '["ENDPOINT_POLICY_DENIED"]'
jq -r '.explanations[0].message' <<<"$ANSWER" | grep -q 'explicit deny in NoDeletes' ||
  { echo "expected the delete to be denied by the NoDeletes statement" >&2; exit 1; }
