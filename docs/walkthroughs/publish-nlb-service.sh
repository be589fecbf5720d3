#!/usr/bin/env bash
# Publish a service behind a Network Load Balancer with PrivateLink and use
# it from another account: the provider (account P) builds the load
# balancer, its targets and an endpoint service that needs acceptance and
# allows account C; the consumer (account C) discovers the service, creates
# an interface endpoint and follows its traffic with POST /v1/resolve
# through acceptance, the targets' security group, target health and
# cross-zone load balancing; last, the service gets a verified private DNS
# name.
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> docs/walkthroughs/publish-nlb-service.sh
#
# Needs curl and jq. Prints a few lines without ids (the same on every run;
# docs/walkthroughs/expected/publish-nlb-service.txt) and fails with a
# message when an answer is not the expected one. VERBOSE=1 also prints
# every resolve answer in full on stderr. See docs/walkthrough-publish-nlb-service.md.
set -euo pipefail
source "$(dirname "$0")/common.bash"

# The zone (id) of the target the last answer reached, and of its source.
target_zone() { jq -r '.hops[] | select(.component == "target") | .zone_id' <<<"$ANSWER"; }
source_zone() { jq -r '.hops[0].zone_id' <<<"$ANSWER"; }

# 1. Two accounts, a key for each root.
account() {
  local id
  id=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" -d "{\"name\": \"$1\"}" | jq -r .account_id)
  curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
    -d "{\"principal_arn\": \"arn:aws:iam::$id:root\"}" | jq -r '"\(.principal_arn | split(":")[4]) \(.secret)"'
}
read -r P_ACCOUNT P_KEY <<<"$(account provider)"
read -r C_ACCOUNT C_KEY <<<"$(account consumer)"

# --- The provider ------------------------------------------------------------
KEY=$P_KEY

# 2. A VPC with a subnet in each of two zones, a security group for the
#    application (no inbound rules yet) and an application interface in
#    each subnet (they stand for instances).
P_VPC=$(post /v1/vpcs '{"cidr_block": "10.10.0.0/16", "region": "us-east-1"}' | jq -r .vpc_id)
ZONES=$(get /v1/regions/us-east-1/availability-zones | jq -r '.items[0:2][] | .zone_name')
ZA=$(sed -n 1p <<<"$ZONES"); ZB=$(sed -n 2p <<<"$ZONES")
subnet() { post /v1/subnets "{\"vpc_id\": \"$1\", \"cidr_block\": \"$2\", \"$3\": \"$4\"}" | jq -r .subnet_id; }
P_SUB_A=$(subnet "$P_VPC" 10.10.1.0/24 availability_zone "$ZA")
P_SUB_B=$(subnet "$P_VPC" 10.10.2.0/24 availability_zone "$ZB")
APP_SG=$(post /v1/security-groups "{\"vpc_id\": \"$P_VPC\", \"group_name\": \"orders-app\", \"description\": \"orders application\"}" | jq -r .group_id)
APP_A=$(post /v1/network-interfaces "{\"subnet_id\": \"$P_SUB_A\", \"security_group_ids\": [\"$APP_SG\"]}" | jq -r .network_interface_id)
APP_B=$(post /v1/network-interfaces "{\"subnet_id\": \"$P_SUB_B\", \"security_group_ids\": [\"$APP_SG\"]}" | jq -r .network_interface_id)

# 3. An internal Network Load Balancer in both subnets: a node (with an
#    address) in each zone, cross-zone load balancing off by default.
LB_ARN=$(post /v1/load-balancers "{\"name\": \"orders\", \"type\": \"network\", \"subnet_ids\": [\"$P_SUB_A\", \"$P_SUB_B\"]}" | jq -r .load_balancer_arn)
until_is "/v1/load-balancers/$(uri "$LB_ARN")" .state active
echo "load balancer: $(get "/v1/load-balancers/$(uri "$LB_ARN")" | jq -c '{type, scheme, state, cross_zone_enabled,
  nodes: [.availability_zones[].private_ip] | sort}')"

# 4. A TCP target group on port 8443 forwarding from the load balancer, the
#    two application interfaces as targets, both marked healthy.
TG_ARN=$(post /v1/target-groups "{\"name\": \"orders\", \"protocol\": \"tcp\", \"port\": 8443,
  \"vpc_id\": \"$P_VPC\", \"load_balancer_arn\": \"$LB_ARN\"}" | jq -r .target_group_arn)
post "/v1/target-groups/$(uri "$TG_ARN")/targets" "{\"targets\": [{\"id\": \"$APP_A\"}, {\"id\": \"$APP_B\"}]}" >/dev/null
for t in "$APP_A" "$APP_B"; do put "/v1/target-groups/$(uri "$TG_ARN")/targets/$t/health" '{"healthy": true}' >/dev/null; done
echo "targets: $(get "/v1/target-groups/$(uri "$TG_ARN")" | jq -c '[.targets[] | {private_ip, port, health_state}] | sort_by(.private_ip)')"

# 5. The endpoint service: connections wait for acceptance. Account C may
#    connect.
SVC_ID=$(post /v1/endpoint-services "{\"network_load_balancer_arns\": [\"$LB_ARN\"], \"acceptance_required\": true}" | jq -r .service_id)
until_is "/v1/endpoint-services/$SVC_ID" .service_state available
SVC=$(get "/v1/endpoint-services/$SVC_ID"); SVC_NAME=$(jq -r .service_name <<<"$SVC")
echo "service: $(jq -c '{service_type, service_state, acceptance_required, zones: (.availability_zone_ids | length)}' <<<"$SVC")"
echo "allowed: $(post "/v1/endpoint-services/$SVC_ID/allowed-principals" "{\"principals\": [\"arn:aws:iam::$C_ACCOUNT:root\"]}" |
  jq -c '[.added[].principal_type]')"
P_ZONE_IDS=$(jq -c '.availability_zone_ids | sort' <<<"$SVC")

# --- The consumer ------------------------------------------------------------
KEY=$C_KEY

# 6. Discovery. Zone *names* differ between accounts; zone ids do not, so
#    the consumer places its subnets by the service's zone ids.
FOUND=$(get "/v1/services?service_name=$SVC_NAME" | jq -c '.items[0]')
echo "discovered: $(jq -c --arg p "$P_ACCOUNT" '{service_type, owner: (if .owner == $p then "account P" else .owner end),
  acceptance_required, zone_ids: (.availability_zone_ids | length)}' <<<"$FOUND")"
expect "$(jq -c '.availability_zone_ids | sort' <<<"$FOUND")" "$P_ZONE_IDS" "the zone ids C sees"
ZID_1=$(jq -r '.availability_zone_ids[0]' <<<"$FOUND"); ZID_2=$(jq -r '.availability_zone_ids[1]' <<<"$FOUND")

# 7. The consumer VPC: a subnet in each of the service's zones (by id), a
#    client interface in the first, a group for the endpoint admitting 8443
#    from the VPC, and the interface endpoint.
C_VPC=$(post /v1/vpcs '{"cidr_block": "10.20.0.0/16", "region": "us-east-1", "enable_dns_hostnames": true}' | jq -r .vpc_id)
C_SUB_1=$(subnet "$C_VPC" 10.20.1.0/24 availability_zone_id "$ZID_1")
C_SUB_2=$(subnet "$C_VPC" 10.20.2.0/24 availability_zone_id "$ZID_2")
CLIENT=$(post /v1/network-interfaces "{\"subnet_id\": \"$C_SUB_1\"}" | jq -r .network_interface_id)
EP_SG=$(post /v1/security-groups "{\"vpc_id\": \"$C_VPC\", \"group_name\": \"orders-endpoint\", \"description\": \"8443 from the VPC\",
  \"ingress\": [{\"protocol\": \"tcp\", \"from_port\": 8443, \"to_port\": 8443, \"cidr\": \"10.20.0.0/16\"}]}" | jq -r .group_id)
EP=$(post /v1/vpc-endpoints "{\"vpc_endpoint_type\": \"interface\", \"vpc_id\": \"$C_VPC\", \"service_name\": \"$SVC_NAME\",
  \"subnet_ids\": [\"$C_SUB_1\", \"$C_SUB_2\"], \"security_group_ids\": [\"$EP_SG\"]}")
EP_ID=$(jq -r .vpc_endpoint_id <<<"$EP"); REGIONAL=$(jq -r '.dns_entries[0].dns_name' <<<"$EP")
echo "endpoint: $(jq -c '{vpc_endpoint_type, state, interfaces: (.network_interface_ids | length)}' <<<"$EP")"
expect "$(jq -r .state <<<"$EP")" pending_acceptance "a new endpoint"

# 8. Before acceptance: the endpoint is not available (and the provider's
#    targets would refuse the traffic anyway: the walk reports every block).
resolve "$CLIENT" "$REGIONAL" 8443
echo "before acceptance: $(summary)"
expect "$(codes)" '["ENDPOINT_NOT_AVAILABLE","SECURITY_GROUP_INGRESS_DENIED"]' "before acceptance"

# --- The provider accepts ----------------------------------------------------
KEY=$P_KEY
echo "connections: $(get "/v1/endpoint-services/$SVC_ID/connections" | jq -c --arg c "$C_ACCOUNT" '[.items[] |
  {vpc_endpoint_state, owner: (if .vpc_endpoint_owner == $c then "account C" else .vpc_endpoint_owner end)}]')"
echo "accept: $(post "/v1/endpoint-services/$SVC_ID/connections/accept" "{\"vpc_endpoint_ids\": [\"$EP_ID\"]}" | jq -c .)"
KEY=$C_KEY
until_is "/v1/vpc-endpoints/$EP_ID" .state available

# 9. Accepted, but the targets' group has no rule for the load balancer:
#    the targets see the NLB node's address as the source. The consumer
#    sees the code and the provider's account, named past the service, but
#    none of the provider's resources (their hops read "hidden").
resolve "$CLIENT" "$REGIONAL" 8443
echo "after acceptance: $(summary)"
expect "$(codes)" '["SECURITY_GROUP_INGRESS_DENIED"]' "after acceptance"
expect "$(jq -r '.explanations[0].component_id' <<<"$ANSWER")" "$SVC_ID" "where the block is named"
expect "$(jq -r '[.hops[] | select(.component == "load_balancer" or .component == "target") | .id] | unique | join(",")' <<<"$ANSWER")" "hidden" "the provider's hops"

# 10. The provider admits 8443 from its VPC's CIDR (where the NLB nodes
#     live): reachable, through the target in the client's zone.
KEY=$P_KEY
post "/v1/security-groups/$APP_SG/rules" '{"direction": "ingress", "protocol": "tcp", "from_port": 8443, "to_port": 8443, "cidr": "10.10.0.0/16"}' >/dev/null
KEY=$C_KEY
resolve "$CLIENT" "$REGIONAL" 8443
echo "with the ingress rule: $(summary)"
expect "$(jq -r .reachable <<<"$ANSWER")" true "with the ingress rule"
echo "target in the client's zone: $([ "$(target_zone)" = "$(source_zone)" ] && echo yes || echo no)"
expect "$(target_zone)" "$(source_zone)" "the target's zone"
NEAR_ZONE=$(target_zone)

# 11. That target fails its health checks (the provider finds it by its
#     zone: the consumer never sees the target's id). Cross-zone load
#     balancing is off, so the node in the client's zone has nowhere to send.
KEY=$P_KEY
NEAR=$(get "/v1/target-groups/$(uri "$TG_ARN")" | jq -r --arg z "$NEAR_ZONE" '.targets[] | select(.availability_zone_id == $z) | .id')
put "/v1/target-groups/$(uri "$TG_ARN")/targets/$NEAR/health" '{"healthy": false}' >/dev/null
echo "targets: $(get "/v1/target-groups/$(uri "$TG_ARN")" | jq -c '[.targets[].health_state] | sort')"
KEY=$C_KEY
resolve "$CLIENT" "$REGIONAL" 8443
echo "target unhealthy: $(summary)"
expect "$(codes)" '["NO_HEALTHY_TARGET_IN_ZONE"]' "with the target unhealthy"

# 12. Cross-zone load balancing on: the node sends to the other zone's target.
KEY=$P_KEY
echo "load balancer: $(patch "/v1/load-balancers/$(uri "$LB_ARN")" '{"cross_zone_enabled": true}' | jq -c '{cross_zone_enabled}')"
until_is "/v1/load-balancers/$(uri "$LB_ARN")" .state active
KEY=$C_KEY
resolve "$CLIENT" "$REGIONAL" 8443
echo "cross-zone: $(summary)"
expect "$(jq -r .reachable <<<"$ANSWER")" true "with cross-zone load balancing"
echo "target in the client's zone: $([ "$(target_zone)" = "$(source_zone)" ] && echo yes || echo no)"
[ "$(target_zone)" != "$(source_zone)" ] || { echo "expected a target in the other zone" >&2; exit 1; }

# 13. A private DNS name for the service. The provider owns a public domain
#     (one per run here: the account id is in it) and proves it with a TXT
#     record that the service's configuration names.
KEY=$P_KEY
DOMAIN="p$P_ACCOUNT.example.com"
post /v1/public-dns/zones "{\"name\": \"$DOMAIN\"}" >/dev/null
CFG=$(patch "/v1/endpoint-services/$SVC_ID" "{\"private_dns_name\": \"orders.$DOMAIN\"}" | jq -c .private_dns_name_configuration)
until_is "/v1/endpoint-services/$SVC_ID" .service_state available
echo "private DNS name: $(jq -c '{state, type}' <<<"$CFG")"
echo "verify without the record: $(post "/v1/endpoint-services/$SVC_ID/private-dns/verify" '{}' | jq -c '{state: .private_dns_name_configuration.state}')"
put /v1/public-dns/records "$(jq -cn --argjson c "$CFG" --arg d "$DOMAIN" '{name: "\($c.name).\($d)", type: "TXT", value: $c.value}')" >/dev/null
VERIFIED=$(post "/v1/endpoint-services/$SVC_ID/private-dns/verify" '{}' | jq -c '{state: .private_dns_name_configuration.state}')
echo "verify with the record: $VERIFIED"
expect "$VERIFIED" '{"state":"verified"}' "verification"

# 14. The consumer turns private DNS on: in its VPC the name is an alias of
#     the endpoint's regional name, and answers the endpoint's interfaces.
KEY=$C_KEY
echo "discovered: $(get "/v1/services?service_name=$SVC_NAME" | jq -c '.items[0] | {private_dns_name_verification_state}')"
patch "/v1/vpc-endpoints/$EP_ID" '{"private_dns_enabled": true}' >/dev/null
until_is "/v1/vpc-endpoints/$EP_ID" .state available
DNS=$(get "/v1/vpcs/$C_VPC/dns?name=orders.$DOMAIN")
echo "dns: $(jq -c --arg r "$REGIONAL" '{answered_by, cname: (if .cname == $r then "the endpoint regional name" else .cname end), answers: (.answers | sort)}' <<<"$DNS")"
expect "$(jq -r .cname <<<"$DNS")" "$REGIONAL" "the private name's alias"
resolve "$CLIENT" "orders.$DOMAIN" 8443
echo "private name: $(summary)"
expect "$(jq -r .reachable <<<"$ANSWER")" true "the private name"
