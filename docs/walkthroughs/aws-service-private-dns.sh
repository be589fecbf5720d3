#!/usr/bin/env bash
# An interface endpoint to Amazon SQS with private DNS: inside the VPC the
# service's own name, sqs.us-east-1.amazonaws.com, answers the endpoint's
# interface addresses, so unchanged clients reach SQS without internet
# access. With private DNS off the same name answers the public address.
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> docs/walkthroughs/aws-service-private-dns.sh
#
# Needs curl and jq. Prints a few lines without ids (the same on every run;
# docs/walkthroughs/expected/aws-service-private-dns.txt) and fails with a
# message when an answer is not the expected one. VERBOSE=1 also prints
# every resolve answer in full on stderr. See docs/walkthrough-aws-service-private-dns.md.
set -euo pipefail
source "$(dirname "$0")/common.bash"

# 1. An account and a key for its root.
ACCOUNT=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" \
  -d '{"name": "sqs-private-dns"}' | jq -r .account_id)
KEY=$(curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
  -d "{\"principal_arn\": \"arn:aws:iam::$ACCOUNT:root\"}" | jq -r .secret)

# 2. A VPC with DNS support (on by default) and DNS hostnames (off by
#    default): private DNS needs both. Two private subnets in two zones,
#    no internet gateway, and an instance in the first subnet.
VPC=$(post /v1/vpcs '{"cidr_block": "10.0.0.0/16", "region": "us-east-1", "enable_dns_hostnames": true}')
VPC_ID=$(jq -r .vpc_id <<<"$VPC")
echo "vpc: $(jq -c '{cidr_block, enable_dns_support, enable_dns_hostnames}' <<<"$VPC")"
ZONES=$(get /v1/regions/us-east-1/availability-zones | jq -r '.items[0:2][] | .zone_name')
ZA=$(sed -n 1p <<<"$ZONES"); ZB=$(sed -n 2p <<<"$ZONES")
subnet() { post /v1/subnets "{\"vpc_id\": \"$VPC_ID\", \"cidr_block\": \"$1\", \"availability_zone\": \"$2\"}" | jq -r .subnet_id; }
SUB_A=$(subnet 10.0.1.0/24 "$ZA"); SUB_B=$(subnet 10.0.2.0/24 "$ZB")
APP=$(post /v1/network-interfaces "{\"subnet_id\": \"$SUB_A\"}" | jq -r .network_interface_id)

# 3. Before the endpoint: the resolver answers SQS's public address, and a
#    private subnet has no route to it.
DNS=$(get "/v1/vpcs/$VPC_ID/dns?name=sqs.us-east-1.amazonaws.com" | jq -c '{answered_by, answers}')
echo "dns before: $DNS"
expect "$(jq -r .answered_by <<<"$DNS")" public "before the endpoint"
resolve "$APP" sqs.us-east-1.amazonaws.com 443
echo "resolve before: $(summary)"
expect "$(codes)" '["NO_ROUTE_TO_DESTINATION"]' "before the endpoint"

# 4. A security group for the endpoint's interfaces (HTTPS from the VPC)
#    and the interface endpoint, one interface per subnet, private DNS on.
EP_SG=$(post /v1/security-groups "{\"vpc_id\": \"$VPC_ID\", \"group_name\": \"sqs-endpoint\", \"description\": \"HTTPS from the VPC\",
  \"ingress\": [{\"protocol\": \"tcp\", \"from_port\": 443, \"to_port\": 443, \"cidr\": \"10.0.0.0/16\"}]}" | jq -r .group_id)
EP_ID=$(post /v1/vpc-endpoints "{\"vpc_endpoint_type\": \"interface\", \"vpc_id\": \"$VPC_ID\",
  \"service_name\": \"com.amazonaws.us-east-1.sqs\", \"subnet_ids\": [\"$SUB_A\", \"$SUB_B\"],
  \"security_group_ids\": [\"$EP_SG\"], \"private_dns_enabled\": true}" | jq -r .vpc_endpoint_id)
until_is "/v1/vpc-endpoints/$EP_ID" .state available
EP=$(get "/v1/vpc-endpoints/$EP_ID")
echo "endpoint: $(jq -c '{vpc_endpoint_type, service_name, state, private_dns_enabled,
  interfaces: (.network_interface_ids | length), dns_entries: (.dns_entries | length), private_name: .dns_entries[-1].dns_name}' <<<"$EP")"
EP_IPS=$(for eni in $(jq -r '.network_interface_ids[]' <<<"$EP"); do get "/v1/network-interfaces/$eni" | jq .private_ip; done | jq -sc sort)
echo "endpoint interfaces: $EP_IPS"

# 5. Now the VPC's resolver answers the service's name with the endpoint's
#    interface addresses (a private hosted zone shadows the public name)...
DNS=$(get "/v1/vpcs/$VPC_ID/dns?name=sqs.us-east-1.amazonaws.com" | jq -c '{answered_by, answers: (.answers | sort)}')
echo "dns with private DNS: $DNS"
expect "$(jq -r .answered_by <<<"$DNS")" private_dns "with private DNS"
expect "$(jq -c .answers <<<"$DNS")" "$EP_IPS" "the private DNS answers"

# 6. ...and the instance reaches SQS through the endpoint's interface in its
#    own zone, whose group admits HTTPS from the VPC.
resolve "$APP" sqs.us-east-1.amazonaws.com 443
echo "resolve with private DNS: $(summary)"
REACHED=$(jq -c '{service: .hops[-1].id,
  endpoint_interface_in_own_zone: ([.hops[] | select(.component == "network_interface") | .zone_id] | .[0] == .[1])}' <<<"$ANSWER")
echo "reached: $REACHED"
expect "$(jq -r .reachable <<<"$ANSWER")" true "with private DNS"
expect "$REACHED" '{"service":"com.amazonaws.us-east-1.sqs","endpoint_interface_in_own_zone":true}' "the last hop"

# 7. Port 80 is not in the endpoint group's rules.
resolve "$APP" sqs.us-east-1.amazonaws.com 80
echo "resolve port 80: $(summary)"
expect "$(codes)" '["SECURITY_GROUP_INGRESS_DENIED"]' "port 80"

# 8. Private DNS off: the name answers publicly again (no route), while the
#    endpoint's own regional name still answers its interfaces.
patch "/v1/vpc-endpoints/$EP_ID" '{"private_dns_enabled": false}' >/dev/null
until_is "/v1/vpc-endpoints/$EP_ID" .state available
DNS=$(get "/v1/vpcs/$VPC_ID/dns?name=sqs.us-east-1.amazonaws.com" | jq -c '{answered_by, answers}')
echo "dns without private DNS: $DNS"
expect "$(jq -r .answered_by <<<"$DNS")" public "without private DNS"
resolve "$APP" sqs.us-east-1.amazonaws.com 443
echo "resolve without private DNS: $(summary)"
expect "$(codes)" '["NO_ROUTE_TO_DESTINATION"]' "without private DNS"
REGIONAL=$(jq -r '.dns_entries[0].dns_name' <<<"$EP")
resolve "$APP" "$REGIONAL" 443
echo "resolve the regional name: $(summary)"
expect "$(jq -r .dns.answered_by <<<"$ANSWER")" endpoint_regional "the regional name"
expect "$(jq -r .reachable <<<"$ANSWER")" true "the regional name"

# 9. Private DNS in a VPC without DNS hostnames is refused.
VPC2=$(post /v1/vpcs '{"cidr_block": "10.1.0.0/16", "region": "us-east-1"}' | jq -r .vpc_id)
SUB2=$(post /v1/subnets "{\"vpc_id\": \"$VPC2\", \"cidr_block\": \"10.1.1.0/24\", \"availability_zone\": \"$ZA\"}" | jq -r .subnet_id)
REFUSED=$(curl -s -X POST "$LP/v1/vpc-endpoints" -H "Authorization: Bearer $KEY" -d "{\"vpc_endpoint_type\": \"interface\", \"vpc_id\": \"$VPC2\",
  \"service_name\": \"com.amazonaws.us-east-1.sqs\", \"subnet_ids\": [\"$SUB2\"], \"private_dns_enabled\": true}" | jq -c '{status, code}')
echo "private DNS without DNS hostnames: $REFUSED"
expect "$REFUSED" '{"status":400,"code":"InvalidParameter"}' "private DNS without DNS hostnames"
