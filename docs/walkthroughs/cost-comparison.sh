#!/usr/bin/env bash
# What endpoints cost a month, beside a NAT gateway carrying the same
# traffic: the SQS interface endpoint of aws-service-private-dns.sh, the
# interface endpoint to a partner's NLB service of publish-nlb-service.sh
# (both in two zones) and a free S3 gateway endpoint, priced one by one
# (GET /v1/vpc-endpoints/{id}/cost) and together (POST /v1/cost/estimate).
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> docs/walkthroughs/cost-comparison.sh
#
# Needs curl and jq. Prints a few lines without ids (the same on every run
# while the price table stays; docs/walkthroughs/expected/cost-comparison.txt)
# and fails with a message when an answer is not the expected one. See
# docs/walkthrough-cost-comparison.md.
set -euo pipefail
source "$(dirname "$0")/common.bash"

account() {
  local id
  id=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" -d "{\"name\": \"$1\"}" | jq -r .account_id)
  curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
    -d "{\"principal_arn\": \"arn:aws:iam::$id:root\"}" | jq -r '"\(.principal_arn | split(":")[4]) \(.secret)"'
}
subnet() { post /v1/subnets "{\"vpc_id\": \"$1\", \"cidr_block\": \"$2\", \"$3\": \"$4\"}" | jq -r .subnet_id; }

# 1. The partner's service (account P): an NLB in two zones, published
#    without acceptance and allowed to account C.
read -r _ P_KEY <<<"$(account partner)"
read -r C_ACCOUNT C_KEY <<<"$(account costs)"
KEY=$P_KEY
P_VPC=$(post /v1/vpcs '{"cidr_block": "10.10.0.0/16", "region": "us-east-1"}' | jq -r .vpc_id)
P_ZONES=$(get /v1/regions/us-east-1/availability-zones | jq -r '.items[0:2][] | .zone_name')
P_SUB_A=$(subnet "$P_VPC" 10.10.1.0/24 availability_zone "$(sed -n 1p <<<"$P_ZONES")")
P_SUB_B=$(subnet "$P_VPC" 10.10.2.0/24 availability_zone "$(sed -n 2p <<<"$P_ZONES")")
LB_ARN=$(post /v1/load-balancers "{\"name\": \"partner\", \"subnet_ids\": [\"$P_SUB_A\", \"$P_SUB_B\"]}" | jq -r .load_balancer_arn)
until_is "/v1/load-balancers/$(uri "$LB_ARN")" .state active
SVC_ID=$(post /v1/endpoint-services "{\"network_load_balancer_arns\": [\"$LB_ARN\"], \"acceptance_required\": false}" | jq -r .service_id)
until_is "/v1/endpoint-services/$SVC_ID" .service_state available
SVC=$(get "/v1/endpoint-services/$SVC_ID")
post "/v1/endpoint-services/$SVC_ID/allowed-principals" "{\"principals\": [\"arn:aws:iam::$C_ACCOUNT:root\"]}" >/dev/null

# 2. Account C: a VPC with a subnet in each of the service's zones, and the
#    three endpoints.
KEY=$C_KEY
VPC_ID=$(post /v1/vpcs '{"cidr_block": "10.0.0.0/16", "region": "us-east-1", "enable_dns_hostnames": true}' | jq -r .vpc_id)
SUB_A=$(subnet "$VPC_ID" 10.0.1.0/24 availability_zone_id "$(jq -r '.availability_zone_ids[0]' <<<"$SVC")")
SUB_B=$(subnet "$VPC_ID" 10.0.2.0/24 availability_zone_id "$(jq -r '.availability_zone_ids[1]' <<<"$SVC")")
RT=$(get "/v1/vpcs/$VPC_ID" | jq -r .main_route_table_id)
endpoint() { post /v1/vpc-endpoints "$1" | jq -r .vpc_endpoint_id; }
SQS=$(endpoint "{\"vpc_endpoint_type\": \"interface\", \"vpc_id\": \"$VPC_ID\", \"service_name\": \"com.amazonaws.us-east-1.sqs\",
  \"subnet_ids\": [\"$SUB_A\", \"$SUB_B\"], \"private_dns_enabled\": true}")
PARTNER=$(endpoint "{\"vpc_endpoint_type\": \"interface\", \"vpc_id\": \"$VPC_ID\", \"service_name\": \"$(jq -r .service_name <<<"$SVC")\",
  \"subnet_ids\": [\"$SUB_A\", \"$SUB_B\"]}")
S3=$(endpoint "{\"vpc_endpoint_type\": \"gateway\", \"vpc_id\": \"$VPC_ID\", \"service_name\": \"com.amazonaws.us-east-1.s3\",
  \"route_table_ids\": [\"$RT\"]}")
for ep in "$SQS" "$PARTNER" "$S3"; do until_is "/v1/vpc-endpoints/$ep" .state available; done

# 3. Each endpoint's month at 100 GB, beside one NAT gateway carrying the
#    same 100 GB. An interface endpoint is billed per zone-hour plus per GB;
#    a gateway endpoint is free.
cost() { get "/v1/vpc-endpoints/$1/cost?gb_per_month=$2"; }
for name in SQS PARTNER S3; do
  C=$(cost "${!name}" 100)
  echo "$name at 100 GB: $(jq -c '{monthly_usd, nat_gateway_instead: .nat_gateway_alternative.monthly_usd}' <<<"$C")"
done
C=$(cost "$SQS" 100)
echo "SQS lines: $(jq -c '[.lines[] | "\(.item): \(.quantity) \(.unit) x $\(.unit_price_usd) = $\(.monthly_usd)"]' <<<"$C")"
echo "NAT lines: $(jq -c '[.nat_gateway_alternative.lines[] | "\(.item): \(.quantity) \(.unit) x $\(.unit_price_usd) = $\(.monthly_usd)"]' <<<"$C")"
expect "$(jq -c '[.monthly_usd, .nat_gateway_alternative.monthly_usd]' <<<"$C")" '[15.6,37.35]' "the SQS endpoint at 100 GB"
expect "$(jq -c .monthly_usd <<<"$(cost "$S3" 100)")" 0 "the gateway endpoint"
echo "prices as of: $(jq -r .prices_as_of <<<"$C")"

# 4. The whole design (two interface endpoints in two zones, the gateway
#    endpoint) at several traffic levels, split evenly between the three,
#    against one NAT gateway and against one per zone.
estimate() {
  post /v1/cost/estimate "$(jq -cn --argjson gb "$1" --argjson nat "$2" '{region: "us-east-1", nat_gateways: $nat, items: [
    {kind: "interface_endpoint", count: 2, zones: 2, gb_per_month: ($gb * 2 / 3)},
    {kind: "gateway_endpoint", gb_per_month: ($gb / 3)}]}')"
}
for gb in 0 300 3000 30000; do
  E1=$(estimate "$gb" 1); E2=$(estimate "$gb" 2)
  echo "$gb GB a month: $(jq -cn --argjson a "$E1" --argjson b "$E2" '{endpoints: $a.monthly_usd,
    one_nat_gateway: $a.nat_gateway_alternative.monthly_usd, nat_gateway_per_zone: $b.nat_gateway_alternative.monthly_usd}')"
done
expect "$(jq -c '[.monthly_usd, .nat_gateway_alternative.monthly_usd]' <<<"$(estimate 0 1)")" '[29.2,32.85]' "the design without traffic"

# 5. The same endpoints in three zones each, and ten of them: the zone-hours
#    add up, and at low traffic one NAT gateway is cheaper.
for n in 2 10; do
  E=$(post /v1/cost/estimate "{\"region\": \"us-east-1\", \"items\": [{\"kind\": \"interface_endpoint\", \"count\": $n, \"zones\": 3, \"gb_per_month\": 300}]}")
  echo "$n interface endpoints in 3 zones at 300 GB: $(jq -c '{endpoints: .monthly_usd, one_nat_gateway: .nat_gateway_alternative.monthly_usd}' <<<"$E")"
done
