#!/usr/bin/env bash
# Reach DynamoDB in eu-west-2 from a VPC in eu-west-1 over inter-Region VPC
# peering: through an interface endpoint in the eu-west-2 VPC it works;
# through a gateway endpoint it cannot, since gateway endpoints are never
# usable across a peering connection.
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> docs/walkthroughs/cross-region-dynamodb.sh
#
# Needs curl and jq. Prints a few lines without ids (the same on every run;
# docs/walkthroughs/expected/cross-region-dynamodb.txt) and fails with a
# message when an answer is not the expected one. VERBOSE=1 also prints
# every resolve answer in full on stderr. See docs/walkthrough-cross-region-dynamodb.md.
set -euo pipefail
source "$(dirname "$0")/common.bash"

# 1. An account and a key for its root.
ACCOUNT=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" \
  -d '{"name": "cross-region"}' | jq -r .account_id)
KEY=$(curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
  -d "{\"principal_arn\": \"arn:aws:iam::$ACCOUNT:root\"}" | jq -r .secret)

# 2. Two VPCs with CIDRs that do not overlap: the application in eu-west-1,
#    the shared endpoints in eu-west-2. Each subnet uses its VPC's main
#    route table.
first_zones() { get "/v1/regions/$1/availability-zones" | jq -r ".items[0:$2][] | .zone_name"; }
subnet() { post /v1/subnets "{\"vpc_id\": \"$1\", \"cidr_block\": \"$2\", \"availability_zone\": \"$3\"}" | jq -r .subnet_id; }
APP_VPC=$(post /v1/vpcs '{"cidr_block": "10.30.0.0/16", "region": "eu-west-1"}' | jq -r .vpc_id)
APP_SUB=$(subnet "$APP_VPC" 10.30.1.0/24 "$(first_zones eu-west-1 1)")
APP=$(post /v1/network-interfaces "{\"subnet_id\": \"$APP_SUB\"}" | jq -r .network_interface_id)
EP_VPC=$(post /v1/vpcs '{"cidr_block": "10.31.0.0/16", "region": "eu-west-2", "enable_dns_hostnames": true}' | jq -r .vpc_id)
Z2=$(first_zones eu-west-2 2)
EP_SUB_A=$(subnet "$EP_VPC" 10.31.1.0/24 "$(sed -n 1p <<<"$Z2")")
EP_SUB_B=$(subnet "$EP_VPC" 10.31.2.0/24 "$(sed -n 2p <<<"$Z2")")
APP_RT=$(get "/v1/vpcs/$APP_VPC" | jq -r .main_route_table_id)
EP_RT=$(get "/v1/vpcs/$EP_VPC" | jq -r .main_route_table_id)

# 3. A DynamoDB interface endpoint in eu-west-2, its group admitting HTTPS
#    from the eu-west-1 VPC.
EP_SG=$(post /v1/security-groups "{\"vpc_id\": \"$EP_VPC\", \"group_name\": \"dynamodb-endpoint\", \"description\": \"HTTPS from eu-west-1\",
  \"ingress\": [{\"protocol\": \"tcp\", \"from_port\": 443, \"to_port\": 443, \"cidr\": \"10.30.0.0/16\"}]}" | jq -r .group_id)
EP_ID=$(post /v1/vpc-endpoints "{\"vpc_endpoint_type\": \"interface\", \"vpc_id\": \"$EP_VPC\",
  \"service_name\": \"com.amazonaws.eu-west-2.dynamodb\", \"subnet_ids\": [\"$EP_SUB_A\", \"$EP_SUB_B\"],
  \"security_group_ids\": [\"$EP_SG\"]}" | jq -r .vpc_endpoint_id)
until_is "/v1/vpc-endpoints/$EP_ID" .state available
EP=$(get "/v1/vpc-endpoints/$EP_ID")
echo "interface endpoint: $(jq -c '{service_name, region, state, private_dns_enabled, interfaces: (.network_interface_ids | length)}' <<<"$EP")"
REGIONAL=$(jq -r '.dns_entries[0].dns_name' <<<"$EP")

# 4. The endpoint's regional name is a public name: the eu-west-1 VPC's
#    resolver answers it too, with the endpoint's private addresses...
DNS=$(get "/v1/vpcs/$APP_VPC/dns?name=$REGIONAL" | jq -c '{answered_by, answers: (.answers | sort)}')
echo "dns from eu-west-1: $DNS"
expect "$(jq -r .answered_by <<<"$DNS")" endpoint_regional "the regional name from eu-west-1"

# 5. ...but nothing routes there yet.
resolve "$APP" "$REGIONAL" 443
echo "before peering: $(summary)"
expect "$(codes)" '["NO_ROUTE_TO_DESTINATION"]' "before peering"

# 6. Inter-Region peering, accepted (by the same account here; any account
#    may own the other side), and a route each way: the eu-west-2 route
#    carries the replies.
PCX=$(post /v1/vpc-peering-connections "{\"requester_vpc_id\": \"$APP_VPC\", \"accepter_vpc_id\": \"$EP_VPC\", \"peer_region\": \"eu-west-2\"}")
PCX_ID=$(jq -r .vpc_peering_connection_id <<<"$PCX")
echo "peering: $(jq -c '{requester: .requester_vpc_info.region, accepter: .accepter_vpc_info.region, status: .status.code}' <<<"$PCX")"
post "/v1/vpc-peering-connections/$PCX_ID/accept" '{}' >/dev/null
until_is "/v1/vpc-peering-connections/$PCX_ID" .status.code active
echo "peering: $(get "/v1/vpc-peering-connections/$PCX_ID" | jq -c '{status: .status.code}')"
post "/v1/route-tables/$APP_RT/routes" "{\"destination_cidr_block\": \"10.31.0.0/16\", \"vpc_peering_connection_id\": \"$PCX_ID\"}" >/dev/null
post "/v1/route-tables/$EP_RT/routes" "{\"destination_cidr_block\": \"10.30.0.0/16\", \"vpc_peering_connection_id\": \"$PCX_ID\"}" >/dev/null
for rt in "$APP_RT" "$EP_RT"; do
  echo "routes ($(get "/v1/route-tables/$rt" | jq -r .region)): $(get "/v1/route-tables/$rt" | jq -c --arg p "$PCX_ID" '[.routes[] |
    "\(.destination_cidr_block) -> \(if .vpc_peering_connection_id == $p then "the peering" else .gateway_id end)"]')"
done

# 7. The eu-west-1 instance reaches DynamoDB through the peering and the
#    eu-west-2 interface endpoint.
resolve "$APP" "$REGIONAL" 443
echo "interface endpoint over peering: $(summary)"
expect "$(jq -r .reachable <<<"$ANSWER")" true "the interface endpoint over peering"
expect "$(jq -r '.hops[-1].id' <<<"$ANSWER")" com.amazonaws.eu-west-2.dynamodb "the service reached"

# 8. Now a DynamoDB gateway endpoint in the eu-west-2 VPC, and in eu-west-1
#    a default route over the peering, hoping to use it with DynamoDB's
#    public name.
GW_ID=$(post /v1/vpc-endpoints "{\"vpc_endpoint_type\": \"gateway\", \"vpc_id\": \"$EP_VPC\",
  \"service_name\": \"com.amazonaws.eu-west-2.dynamodb\", \"route_table_ids\": [\"$EP_RT\"]}" | jq -r .vpc_endpoint_id)
until_is "/v1/vpc-endpoints/$GW_ID" .state available
post "/v1/route-tables/$APP_RT/routes" "{\"destination_cidr_block\": \"0.0.0.0/0\", \"vpc_peering_connection_id\": \"$PCX_ID\"}" >/dev/null

# 9. From eu-west-2 itself the gateway endpoint works...
EP_VPC_APP=$(post /v1/network-interfaces "{\"subnet_id\": \"$EP_SUB_A\"}" | jq -r .network_interface_id)
resolve "$EP_VPC_APP" dynamodb.eu-west-2.amazonaws.com 443
echo "gateway endpoint from eu-west-2: $(summary)"
expect "$(jq -r .reachable <<<"$ANSWER")" true "the gateway endpoint in its own VPC"

# 10. ...but not from the peered VPC: gateway endpoints are not transitive.
resolve "$APP" dynamodb.eu-west-2.amazonaws.com 443
echo "gateway endpoint over peering: $(summary)"
expect "$(codes)" '["GATEWAY_ENDPOINT_NOT_TRANSITIVE"]' "the gateway endpoint over peering"
expect "$(jq -r '.explanations[0].component_id' <<<"$ANSWER")" "$GW_ID" "the endpoint named"
