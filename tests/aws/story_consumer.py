"""The consumer's side of the AWS front with boto3 only: a VPC, subnets in
two zones, a security group allowing 443 from the VPC, a route table; then
a gateway endpoint to S3 on the route table and an interface endpoint to
SQS, described, modified and deleted. REST sees the same endpoints.

Run by scripts/ci-aws-sdk.sh after tests/aws/story.py (its helpers).
"""

import sys
import time

from story import account, check, client, error_of, rest

S3 = "com.amazonaws.us-east-1.s3"
SQS = "com.amazonaws.us-east-1.sqs"


def wait_available(ec2, ids):
    for _ in range(100):
        eps = ec2.describe_vpc_endpoints(VpcEndpointIds=ids)["VpcEndpoints"]
        if all(e["State"] == "available" for e in eps):
            return eps
        time.sleep(0.1)
    raise AssertionError(f"endpoints {ids} did not become available: {[e['State'] for e in eps]}")


def main():
    acct, key = account("story-consumer")
    ec2 = client("ec2", key)

    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = []
    for i, zone in enumerate(zones):
        s = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.50.{i}.0/24", AvailabilityZone=zone,
            TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"app-{i}"}]}],
        )["Subnet"]
        subnets.append(s["SubnetId"])
    check("create-subnet in two zones",
          len(subnets) == 2 and s["State"] == "available" and s["AvailabilityZone"] == zones[1])
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    check("describe-subnets by vpc-id", sorted(x["SubnetId"] for x in found) == sorted(subnets))
    found = ec2.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [zones[0]]}])["Subnets"]
    check("describe-subnets by availability-zone", [x["SubnetId"] for x in found] == [subnets[0]])
    check("an unknown subnet is InvalidSubnetID.NotFound",
          error_of(ec2.describe_subnets, SubnetIds=["subnet-0123456789abcdef0"]) == ("InvalidSubnetID.NotFound", 400))

    sg = ec2.create_security_group(GroupName="endpoints", Description="443 from the VPC", VpcId=vpc)["GroupId"]
    got = ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                        "IpRanges": [{"CidrIp": "10.50.0.0/16"}]}],
    )
    check("authorize-security-group-ingress answers the new rule",
          got["Return"] and [(r["IpProtocol"], r["FromPort"], r["CidrIpv4"]) for r in got["SecurityGroupRules"]]
          == [("tcp", 443, "10.50.0.0/16")])
    group = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    check("describe-security-groups shows 443 from the VPC",
          [(p["IpProtocol"], p["FromPort"], p["ToPort"], [r["CidrIp"] for r in p["IpRanges"]])
           for p in group["IpPermissions"]] == [("tcp", 443, 443, ["10.50.0.0/16"])]
          and group["IpPermissionsEgress"][0]["IpProtocol"] == "-1")
    # boto3's UserIdGroupPairs: a self-reference, then revoked.
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
                        "UserIdGroupPairs": [{"GroupId": sg}]}],
    )
    group = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    check("UserIdGroupPairs reach the group's rules",
          any(p.get("UserIdGroupPairs") == [{"GroupId": sg}] for p in group["IpPermissions"]))
    ec2.revoke_security_group_ingress(
        GroupId=sg,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
                        "UserIdGroupPairs": [{"GroupId": sg}]}],
    )
    group = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    check("revoke-security-group-ingress removes it", len(group["IpPermissions"]) == 1)

    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    assoc = ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnets[0])["AssociationId"]
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    check("the route table has the local route and the association",
          table["Routes"][0]["GatewayId"] == "local"
          and [a["SubnetId"] for a in table["Associations"]] == [subnets[0]])

    # Discovery.
    details = ec2.describe_vpc_endpoint_services(ServiceNames=[S3])["ServiceDetails"]
    check("describe-vpc-endpoint-services finds S3 as a gateway service",
          any(d["ServiceName"] == S3 and d["ServiceType"] == [{"ServiceType": "Gateway"}] for d in details))
    names = ec2.describe_vpc_endpoint_services()["ServiceNames"]
    check("the region's services include SQS", SQS in names)

    # A gateway endpoint on the route table, an interface endpoint for SQS.
    gw = ec2.create_vpc_endpoint(VpcEndpointType="Gateway", VpcId=vpc, ServiceName=S3,
                                 RouteTableIds=[rtb])["VpcEndpoint"]
    check("create-vpc-endpoint Gateway", gw["VpcEndpointType"] == "Gateway" and gw["RouteTableIds"] == [rtb])
    made = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface", VpcId=vpc, ServiceName=SQS, SubnetIds=subnets,
        SecurityGroupIds=[sg], ClientToken="story-sqs",
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "sqs"}]}],
    )
    again = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface", VpcId=vpc, ServiceName=SQS, SubnetIds=subnets,
        SecurityGroupIds=[sg], ClientToken="story-sqs",
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "sqs"}]}],
    )
    iface = made["VpcEndpoint"]
    check("ClientToken makes create-vpc-endpoint idempotent",
          again["VpcEndpoint"]["VpcEndpointId"] == iface["VpcEndpointId"] and made["ClientToken"] == "story-sqs")
    gw_id, if_id = gw["VpcEndpointId"], iface["VpcEndpointId"]
    eps = {e["VpcEndpointId"]: e for e in wait_available(ec2, [gw_id, if_id])}
    e = eps[if_id]
    check("the interface endpoint is available with DNS entries and an interface per subnet",
          e["State"] == "available" and len(e["DnsEntries"]) == 3
          and e["DnsEntries"][0]["DnsName"].endswith(".sqs.us-east-1.vpce.amazonaws.com")
          and len(e["NetworkInterfaceIds"]) == 2 and sorted(e["SubnetIds"]) == sorted(subnets)
          and e["Groups"] == [{"GroupId": sg, "GroupName": "endpoints"}]
          and e["Tags"] == [{"Key": "Name", "Value": "sqs"}])
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    check("the gateway endpoint's prefix-list route is in the table",
          any(r.get("GatewayId") == gw_id and r.get("DestinationPrefixListId", "").startswith("pl-")
              for r in table["Routes"]))
    only = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-type", "Values": ["Interface"]}])
    check("describe-vpc-endpoints by vpc-endpoint-type", [x["VpcEndpointId"] for x in only["VpcEndpoints"]] == [if_id])
    pages = list(ec2.get_paginator("describe_vpc_endpoints").paginate(PaginationConfig={"PageSize": 1}))
    check("the paginator walks the endpoints", sorted(x["VpcEndpointId"] for p in pages for x in p["VpcEndpoints"])
          == sorted([gw_id, if_id]))

    # REST sees the same endpoints.
    status, page = rest("GET", f"/v1/vpc-endpoints?vpc_id={vpc}", key["secret"])
    check("REST lists the same endpoints",
          status == 200 and sorted(x["vpc_endpoint_id"] for x in page["items"]) == sorted([gw_id, if_id])
          and next(x for x in page["items"] if x["vpc_endpoint_id"] == if_id)["dns_entries"][0]["dns_name"]
          == e["DnsEntries"][0]["DnsName"])

    # Modify: drop a subnet; its interface goes.
    check("modify-vpc-endpoint", ec2.modify_vpc_endpoint(VpcEndpointId=if_id, RemoveSubnetIds=[subnets[1]])["Return"])
    e = ec2.describe_vpc_endpoints(VpcEndpointIds=[if_id])["VpcEndpoints"][0]
    check("one subnet and one interface remain", e["SubnetIds"] == [subnets[0]] and len(e["NetworkInterfaceIds"]) == 1)
    status, r = rest("GET", f"/v1/vpc-endpoints/{if_id}", key["secret"])
    check("REST sees the change", status == 200 and r["subnet_ids"] == [subnets[0]])

    # Errors.
    check("an unknown endpoint is InvalidVpcEndpointId.NotFound",
          error_of(ec2.describe_vpc_endpoints, VpcEndpointIds=["vpce-0123456789abcdef0"])
          == ("InvalidVpcEndpointId.NotFound", 400))
    check("an unknown service is InvalidServiceName",
          error_of(ec2.create_vpc_endpoint, VpcEndpointType="Interface", VpcId=vpc,
                   ServiceName="com.amazonaws.us-east-1.nope", SubnetIds=[subnets[0]])[0] == "InvalidServiceName")
    check("a subnet in use cannot go",
          error_of(ec2.delete_subnet, SubnetId=subnets[0]) == ("DependencyViolation", 400))

    # Delete both, with an unknown id: an unsuccessful item for it only.
    out = ec2.delete_vpc_endpoints(VpcEndpointIds=[gw_id, "vpce-0123456789abcdef0", if_id])
    check("delete-vpc-endpoints answers the unknown id as unsuccessful",
          [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]]
          == [("vpce-0123456789abcdef0", "InvalidVpcEndpointId.NotFound")])
    status, page = rest("GET", f"/v1/vpc-endpoints?vpc_id={vpc}", key["secret"])
    check("REST sees them deleting or gone",
          status == 200 and all(x["state"] in ("deleting", "deleted") for x in page["items"]))
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    check("the gateway endpoint's route went", all(r.get("GatewayId") != gw_id for r in table["Routes"]))

    # Tear the network down.
    ec2.disassociate_route_table(AssociationId=assoc)
    ec2.delete_route_table(RouteTableId=rtb)
    ec2.delete_security_group(GroupId=sg)
    for s in subnets:
        ec2.delete_subnet(SubnetId=s)
    check("the network is gone",
          ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"] == []
          and error_of(ec2.describe_security_groups, GroupIds=[sg]) == ("InvalidGroup.NotFound", 400))
    print("story_consumer: ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
