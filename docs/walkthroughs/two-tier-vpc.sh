#!/usr/bin/env bash
# A two-tier VPC with curl: public subnets behind an internet gateway,
# private subnets behind a NAT gateway, security groups for each tier.
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> docs/walkthroughs/two-tier-vpc.sh
#
# Needs curl and jq. Every step prints what it made; see
# docs/walkthrough-two-tier-vpc.md for the same steps with their output.
set -euo pipefail
LP=${LP:-http://127.0.0.1:8080}
: "${ADMIN:?set ADMIN to the admin secret the server printed (or LINKPLANE_ADMIN_TOKEN)}"

post() { curl -sf -X POST "$LP$1" -H "Authorization: Bearer $KEY" -d "$2"; }
get() { curl -sf "$LP$1" -H "Authorization: Bearer $KEY"; }

# 1. An account and a key for its root.
ACCOUNT=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" \
  -d '{"name": "two-tier"}' | jq -r .account_id)
KEY=$(curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
  -d "{\"principal_arn\": \"arn:aws:iam::$ACCOUNT:root\"}" | jq -r .secret)
echo "account $ACCOUNT"

# 2. The VPC: its main route table and default security group come with it.
VPC=$(post /v1/vpcs '{"cidr_block": "10.0.0.0/16", "region": "us-east-1",
  "enable_dns_hostnames": true, "tags": {"Name": "two-tier"}}')
VPC_ID=$(jq -r .vpc_id <<<"$VPC")
echo "$VPC" | jq -c '{vpc_id, cidr_block, main_route_table_id, default_security_group_id}'

# 3. Two zones of this account (zone names map to zone ids per account).
ZONES=$(get /v1/regions/us-east-1/availability-zones | jq -r '.items[0:2][] | .zone_name')
ZA=$(sed -n 1p <<<"$ZONES"); ZB=$(sed -n 2p <<<"$ZONES")

# 4. A public and a private subnet in each zone.
subnet() { post /v1/subnets "{\"vpc_id\": \"$VPC_ID\", \"cidr_block\": \"$1\", \"availability_zone\": \"$2\"}" | jq -r .subnet_id; }
PUB_A=$(subnet 10.0.0.0/24 "$ZA"); PUB_B=$(subnet 10.0.1.0/24 "$ZB")
PRIV_A=$(subnet 10.0.10.0/24 "$ZA"); PRIV_B=$(subnet 10.0.11.0/24 "$ZB")
get "/v1/subnets?vpc_id=$VPC_ID" | jq -c '.items[] | {subnet_id, cidr_block, availability_zone, availability_zone_id, available_ip_address_count}'

# 5. An internet gateway, attached.
IGW=$(post /v1/internet-gateways '{"region": "us-east-1"}' | jq -r .internet_gateway_id)
post "/v1/internet-gateways/$IGW/attach" "{\"vpc_id\": \"$VPC_ID\"}" | jq -c '{internet_gateway_id, vpc_id, state}'

# 6. The public route table: the default route to the gateway, both public subnets.
PUB_RT=$(post /v1/route-tables "{\"vpc_id\": \"$VPC_ID\"}" | jq -r .route_table_id)
post "/v1/route-tables/$PUB_RT/routes" "{\"destination_cidr_block\": \"0.0.0.0/0\", \"gateway_id\": \"$IGW\"}" >/dev/null
for s in "$PUB_A" "$PUB_B"; do post "/v1/route-tables/$PUB_RT/associations" "{\"subnet_id\": \"$s\"}" >/dev/null; done

# 7. A NAT gateway in the first public subnet (it takes an address there).
NAT=$(post /v1/nat-gateways "{\"subnet_id\": \"$PUB_A\"}")
NAT_ID=$(jq -r .nat_gateway_id <<<"$NAT")
echo "$NAT" | jq -c '{nat_gateway_id, subnet_id, private_ip, state}'

# 8. The private route table: the default route to the NAT gateway.
PRIV_RT=$(post /v1/route-tables "{\"vpc_id\": \"$VPC_ID\"}" | jq -r .route_table_id)
post "/v1/route-tables/$PRIV_RT/routes" "{\"destination_cidr_block\": \"0.0.0.0/0\", \"nat_gateway_id\": \"$NAT_ID\"}" >/dev/null
for s in "$PRIV_A" "$PRIV_B"; do post "/v1/route-tables/$PRIV_RT/associations" "{\"subnet_id\": \"$s\"}" >/dev/null; done
get "/v1/route-tables?vpc_id=$VPC_ID" | jq -c '.items[] | {route_table_id, main,
  routes: [.routes[] | "\(.destination_cidr_block) -> \(.gateway_id // .nat_gateway_id) (\(.state))"],
  subnets: [.associations[] | .subnet_id // "main"]}'

# 9. Security groups: web takes HTTPS from anywhere, app takes 8080 from web.
WEB_SG=$(post /v1/security-groups "{\"vpc_id\": \"$VPC_ID\", \"group_name\": \"web\", \"description\": \"web tier\",
  \"ingress\": [{\"protocol\": \"tcp\", \"from_port\": 443, \"to_port\": 443, \"cidr\": \"0.0.0.0/0\"}]}" | jq -r .group_id)
APP_SG=$(post /v1/security-groups "{\"vpc_id\": \"$VPC_ID\", \"group_name\": \"app\", \"description\": \"app tier\",
  \"ingress\": [{\"protocol\": \"tcp\", \"from_port\": 8080, \"to_port\": 8080, \"group_id\": \"$WEB_SG\"}]}" | jq -r .group_id)
get "/v1/security-groups/$APP_SG" | jq -c '{group_name, ingress: [.ingress[] | {protocol, from_port, to_port, group_id}], egress: [.egress[] | {protocol, cidr}]}'

# 10. Workloads: a web interface in a public subnet, an app interface in a private one.
post /v1/network-interfaces "{\"subnet_id\": \"$PUB_A\", \"security_group_ids\": [\"$WEB_SG\"]}" | jq -c '{network_interface_id, private_ip, security_group_ids}'
post /v1/network-interfaces "{\"subnet_id\": \"$PRIV_A\", \"private_ip\": \"10.0.10.50\", \"security_group_ids\": [\"$APP_SG\"]}" | jq -c '{network_interface_id, private_ip, security_group_ids}'

# 11. Delete the NAT gateway: the private default route becomes a blackhole.
curl -sf -X DELETE "$LP/v1/nat-gateways/$NAT_ID" -H "Authorization: Bearer $KEY"
get "/v1/route-tables/$PRIV_RT" | jq -c '[.routes[] | {destination_cidr_block, nat_gateway_id, state}]'

# 12. The VPC cannot go while things depend on it.
curl -s -X DELETE "$LP/v1/vpcs/$VPC_ID" -H "Authorization: Bearer $KEY" | jq -c '{status, code}'
