#!/usr/bin/env bash
# The PrivateLink connection workflow with the AWS CLI alone: the provider
# builds a VPC, two subnets and an internal Network Load Balancer, publishes
# an endpoint service that needs acceptance and has a private DNS name,
# proves the name, and allows the consumer's account; the consumer finds
# the service, creates an interface endpoint (pendingAcceptance); the
# provider sees the request and accepts it; it becomes available. A second
# endpoint is rejected. Only the accounts, their keys and the provider's
# public DNS zone (linkplane's model of public DNS, no AWS API) are made
# over REST.
#
#   LP=http://127.0.0.1:8080 ADMIN=<admin secret> AWS_CLI=aws \
#     docs/walkthroughs/aws-cli/publish-endpoint-service.sh
#
# The server needs LINKPLANE_AWS_SECRETS_KEY (keys get SigV4 secrets). Needs
# curl, jq and the AWS CLI (scripts/ci-aws-sdk.sh runs it with the pinned
# one and compares what it prints, lines without ids, with
# expected/publish-endpoint-service.txt). See docs/walkthrough-aws-cli.md.
set -euo pipefail
LP=${LP:-http://127.0.0.1:8080}
: "${ADMIN:?set ADMIN to the admin secret}"
AWS_CLI=${AWS_CLI:-aws}
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

# 1. Two accounts over REST, an API key for each root: the answer's
#    aws_access_key_id and aws_secret_access_key are the AWS credentials.
account() {
  local id
  id=$(curl -sf -X POST "$LP/v1/accounts" -H "Authorization: Bearer $ADMIN" -d "{\"name\": \"$1\"}" | jq -r .account_id)
  curl -sf -X POST "$LP/v1/api-keys" -H "Authorization: Bearer $ADMIN" \
    -d "{\"principal_arn\": \"arn:aws:iam::$id:root\"}" | jq -r '"\(.account_id) \(.aws_access_key_id) \(.aws_secret_access_key) \(.secret)"'
}
read -r P_ACCOUNT P_KEY_ID P_SECRET P_BEARER <<<"$(account provider)"
read -r C_ACCOUNT C_KEY_ID C_SECRET _ <<<"$(account consumer)"
# as provider|consumer ARGS...: the AWS CLI with that account's keys.
as() {
  local who=$1; shift
  if [ "$who" = provider ]; then
    AWS_ACCESS_KEY_ID=$P_KEY_ID AWS_SECRET_ACCESS_KEY=$P_SECRET "$AWS_CLI" --endpoint-url "$LP" "$@"
  else
    AWS_ACCESS_KEY_ID=$C_KEY_ID AWS_SECRET_ACCESS_KEY=$C_SECRET "$AWS_CLI" --endpoint-url "$LP" "$@"
  fi
}
expect() { [ "$1" = "$2" ] || { echo "expected $2, got $1${3:+ ($3)}" >&2; exit 1; }; }

echo "provider is the caller: $([ "$(as provider sts get-caller-identity --query Account --output text)" = "$P_ACCOUNT" ] && echo yes)"

# 2. The provider's network: a VPC and a subnet in each of two zones.
P_VPC=$(as provider ec2 create-vpc --cidr-block 10.10.0.0/16 --query Vpc.VpcId --output text)
read -r ZA ZB <<<"$(as provider ec2 describe-availability-zones --query 'AvailabilityZones[0:2].ZoneName' --output text)"
P_SUB_A=$(as provider ec2 create-subnet --vpc-id "$P_VPC" --cidr-block 10.10.1.0/24 --availability-zone "$ZA" --query Subnet.SubnetId --output text)
P_SUB_B=$(as provider ec2 create-subnet --vpc-id "$P_VPC" --cidr-block 10.10.2.0/24 --availability-zone "$ZB" --query Subnet.SubnetId --output text)

# 3. An internal Network Load Balancer in both subnets.
LB_ARN=$(as provider elbv2 create-load-balancer --name orders --type network --scheme internal \
  --subnets "$P_SUB_A" "$P_SUB_B" --query 'LoadBalancers[0].LoadBalancerArn' --output text)
echo "load balancer: $(as provider elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" \
  --query 'LoadBalancers[0].{Type: Type, Scheme: Scheme, State: State.Code, Zones: length(AvailabilityZones)}' --output json | jq -c .)"

# 4. The endpoint service: acceptance required, a private DNS name in a
#    domain the provider owns (its public zone, made over REST).
DOMAIN="p$P_ACCOUNT.example.com"
curl -sf -X POST "$LP/v1/public-dns/zones" -H "Authorization: Bearer $P_BEARER" -d "{\"name\": \"$DOMAIN\"}" >/dev/null
SVC=$(as provider ec2 create-vpc-endpoint-service-configuration --network-load-balancer-arns "$LB_ARN" \
  --acceptance-required --private-dns-name "orders.$DOMAIN" --output json)
SVC_ID=$(jq -r .ServiceConfiguration.ServiceId <<<"$SVC")
SVC_NAME=$(jq -r .ServiceConfiguration.ServiceName <<<"$SVC")
echo "service: $(jq -c '.ServiceConfiguration | {ServiceType: [.ServiceType[].ServiceType], ServiceState, AcceptanceRequired, PrivateDnsNameState: .PrivateDnsNameConfiguration.State}' <<<"$SVC")"
expect "$SVC_NAME" "com.amazonaws.vpce.us-east-1.$SVC_ID" "service name"

# 5. Prove the name: the TXT record the configuration names, in the zone;
#    then start the verification.
read -r TXT_NAME TXT_VALUE <<<"$(jq -r '.ServiceConfiguration.PrivateDnsNameConfiguration | "\(.Name) \(.Value)"' <<<"$SVC")"
curl -sf -X PUT "$LP/v1/public-dns/records" -H "Authorization: Bearer $P_BEARER" \
  -d "$(jq -cn --arg n "$TXT_NAME.$DOMAIN" --arg v "$TXT_VALUE" '{name: $n, type: "TXT", value: $v}')" >/dev/null
as provider ec2 start-vpc-endpoint-service-private-dns-verification --service-id "$SVC_ID" --output json | jq -c '{ReturnValue}' | sed 's/^/verification started: /'
echo "private DNS name: $(as provider ec2 describe-vpc-endpoint-service-configurations --service-ids "$SVC_ID" \
  --query 'ServiceConfigurations[0].PrivateDnsNameConfiguration.State' --output text)"

# 6. Allow the consumer's account.
as provider ec2 modify-vpc-endpoint-service-permissions --service-id "$SVC_ID" \
  --add-allowed-principals "arn:aws:iam::$C_ACCOUNT:root" --output json | jq -c '{ReturnValue}' | sed 's/^/allowed: /'
echo "permissions: $(as provider ec2 describe-vpc-endpoint-service-permissions --service-id "$SVC_ID" \
  --query 'AllowedPrincipals[].PrincipalType' --output json | jq -c .)"

# 7. The consumer finds the service (zones in its own names), and creates
#    an interface endpoint in a subnet of a zone the service is in.
FOUND=$(as consumer ec2 describe-vpc-endpoint-services --service-names "$SVC_NAME" --output json)
echo "discovered: $(jq -c '.ServiceDetails[0] | {ServiceType: [.ServiceType[].ServiceType], AcceptanceRequired, Zones: (.AvailabilityZones | length), PrivateDnsNameVerificationState}' <<<"$FOUND")"
C_ZONE=$(jq -r '.ServiceDetails[0].AvailabilityZones[0]' <<<"$FOUND")
C_VPC=$(as consumer ec2 create-vpc --cidr-block 10.20.0.0/16 --query Vpc.VpcId --output text)
C_SUB=$(as consumer ec2 create-subnet --vpc-id "$C_VPC" --cidr-block 10.20.1.0/24 --availability-zone "$C_ZONE" --query Subnet.SubnetId --output text)
EP=$(as consumer ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "$C_VPC" \
  --service-name "$SVC_NAME" --subnet-ids "$C_SUB" --query VpcEndpoint.VpcEndpointId --output text)
echo "endpoint: $(as consumer ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP" --query 'VpcEndpoints[0].{Type: VpcEndpointType, State: State}' --output json | jq -c .)"

# 8. The provider sees the request and accepts it; it becomes available.
echo "provider sees: $(as provider ec2 describe-vpc-endpoint-connections --filters "Name=service-id,Values=$SVC_ID" \
  --query 'VpcEndpointConnections[].{State: VpcEndpointState, Owner: (VpcEndpointOwner == `'"\"$C_ACCOUNT\""'`)}' --output json | jq -c .)"
as provider ec2 accept-vpc-endpoint-connections --service-id "$SVC_ID" --vpc-endpoint-ids "$EP" --output json | jq -c '{Unsuccessful}' | sed 's/^/accept: /'
STATE=
for _ in $(seq 100); do
  STATE=$(as consumer ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP" --query 'VpcEndpoints[0].State' --output text)
  [ "$STATE" = available ] && break
  sleep 0.2
done
echo "endpoint after acceptance: $STATE"
expect "$STATE" available "the accepted endpoint"

# 9. A second endpoint, rejected.
EP2=$(as consumer ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id "$C_VPC" \
  --service-name "$SVC_NAME" --subnet-ids "$C_SUB" --query VpcEndpoint.VpcEndpointId --output text)
as provider ec2 reject-vpc-endpoint-connections --service-id "$SVC_ID" --vpc-endpoint-ids "$EP2" --output json | jq -c '{Unsuccessful}' | sed 's/^/reject: /'
echo "second endpoint: $(as consumer ec2 describe-vpc-endpoints --vpc-endpoint-ids "$EP2" --query 'VpcEndpoints[0].State' --output text)"

# 10. Errors are AWS's: an endpoint that does not exist.
if out=$(as consumer ec2 describe-vpc-endpoints --vpc-endpoint-ids vpce-0123456789abcdef0 2>&1); then
  echo "expected an error, got: $out" >&2; exit 1
fi
echo "unknown endpoint: $(grep -o 'InvalidVpcEndpointId.NotFound' <<<"$out" | head -n1)"
