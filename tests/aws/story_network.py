"""The network a PrivateLink user builds around endpoints, with boto3 only
(run by scripts/ci-aws-sdk.sh after tests/aws/story.py, whose helpers it
imports): an internet gateway created, attached, detached and deleted; a
NAT gateway with a ClientToken; a network interface; the AWS-managed
prefix lists and their entries; the VPC's DNS attributes. REST sees the
same records.
"""

from story import REGION, account, check, client, error_of, rest


def main():
    acct, key = account("story-network")
    ec2 = client("ec2", key)
    token = key["secret"]

    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.0.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]

    # VPC attributes: one per call, the domain's rule that hostnames need support.
    attr = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")
    check("describe-vpc-attribute: DNS hostnames off by default",
          attr["VpcId"] == vpc and attr["EnableDnsHostnames"] == {"Value": False})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    _, rest_vpc = rest("GET", f"/v1/vpcs/{vpc}", token)
    check("modify-vpc-attribute reaches REST's VPC", rest_vpc["enable_dns_hostnames"] is True)
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    check("DNS hostnames need DNS support",
          error_of(ec2.modify_vpc_attribute, VpcId=vpc, EnableDnsHostnames={"Value": True})
          == ("InvalidParameterValue", 400))
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    check("describe-vpc-attribute: DNS support back on",
          ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is True)

    # Internet gateway: create, attach, detach, delete.
    igw = ec2.create_internet_gateway(
        TagSpecifications=[{"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "edge"}]}],
    )["InternetGateway"]
    check("create-internet-gateway answers a detached, tagged gateway",
          igw["Attachments"] == [] and igw["Tags"] == [{"Key": "Name", "Value": "edge"}]
          and igw["OwnerId"] == acct["account_id"])
    igw_id = igw["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
    got = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]
    check("describe-internet-gateways by attachment.vpc-id shows it available on the VPC",
          [(g["InternetGatewayId"], g["Attachments"]) for g in got]
          == [(igw_id, [{"State": "available", "VpcId": vpc}])])
    _, rest_igw = rest("GET", f"/v1/internet-gateways/{igw_id}", token)
    check("REST shows the attachment", rest_igw["state"] == "attached" and rest_igw["vpc_id"] == vpc)
    check("a second attach is Resource.AlreadyAssociated",
          error_of(ec2.attach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc)
          == ("Resource.AlreadyAssociated", 400))
    check("deleting an attached gateway is DependencyViolation",
          error_of(ec2.delete_internet_gateway, InternetGatewayId=igw_id) == ("DependencyViolation", 400))
    check("DryRun answers DryRunOperation",
          error_of(ec2.create_internet_gateway, DryRun=True) == ("DryRunOperation", 412))

    # NAT gateway with a ClientToken: a retry answers the same gateway.
    nat = ec2.create_nat_gateway(
        SubnetId=subnet, ClientToken="story-nat-1",
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "egress"}]}],
    )
    again = ec2.create_nat_gateway(
        SubnetId=subnet, ClientToken="story-nat-1",
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "egress"}]}],
    )
    nat_id = nat["NatGateway"]["NatGatewayId"]
    check("create-nat-gateway with a ClientToken is idempotent",
          again["NatGateway"]["NatGatewayId"] == nat_id and nat["ClientToken"] == "story-nat-1")
    address = nat["NatGateway"]["NatGatewayAddresses"][0]
    check("the NAT gateway is available with a private address",
          nat["NatGateway"]["State"] == "available" and address["PrivateIp"].startswith("10.60.0."))
    found = ec2.describe_nat_gateways(Filters=[{"Name": "tag:Name", "Values": ["egress"]}])["NatGateways"]
    check("describe-nat-gateways by tag:Name", [n["NatGatewayId"] for n in found] == [nat_id])
    check("the public NAT gateway holds the internet gateway",
          error_of(ec2.detach_internet_gateway, InternetGatewayId=igw_id, VpcId=vpc)
          == ("DependencyViolation", 400))

    # Network interfaces: a workload's, and the NAT gateway's (managed).
    eni = ec2.create_network_interface(
        SubnetId=subnet, Description="app", PrivateIpAddress="10.60.0.100",
        TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "role", "Value": "app"}]}],
    )["NetworkInterface"]
    check("create-network-interface at the address asked for",
          eni["PrivateIpAddress"] == "10.60.0.100" and eni["InterfaceType"] == "interface"
          and eni["Groups"][0]["GroupName"] == "default")
    managed = ec2.describe_network_interfaces(
        Filters=[{"Name": "requester-managed", "Values": ["true"]}])["NetworkInterfaces"]
    check("describe-network-interfaces shows the NAT gateway's interface, managed",
          [(n["NetworkInterfaceId"], n["InterfaceType"]) for n in managed]
          == [(address["NetworkInterfaceId"], "nat_gateway")])
    check("a managed interface is not deleted directly",
          error_of(ec2.delete_network_interface, NetworkInterfaceId=address["NetworkInterfaceId"])[0]
          == "InvalidNetworkInterface.InUse")
    for i in range(5):
        ec2.create_network_interface(SubnetId=subnet, Description=f"box {i}")
    pages = list(ec2.get_paginator("describe_network_interfaces").paginate(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}], PaginationConfig={"PageSize": 5}))
    check("the paginator walks interfaces in pages of 5",
          [len(p["NetworkInterfaces"]) for p in pages] == [5, 2])
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    status, _ = rest("GET", f"/v1/network-interfaces/{eni['NetworkInterfaceId']}", token)
    check("delete-network-interface: REST sees it gone", status == 404)
    check("an unknown interface is InvalidNetworkInterfaceID.NotFound",
          error_of(ec2.describe_network_interfaces, NetworkInterfaceIds=["eni-0123456789abcdef0"])
          == ("InvalidNetworkInterfaceID.NotFound", 400))

    # Tear down: the NAT gateway, then the internet gateway.
    check("delete-nat-gateway answers its id",
          ec2.delete_nat_gateway(NatGatewayId=nat_id)["NatGatewayId"] == nat_id)
    ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
    ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    check("a deleted internet gateway is InvalidInternetGatewayID.NotFound",
          error_of(ec2.describe_internet_gateways, InternetGatewayIds=[igw_id])
          == ("InvalidInternetGatewayID.NotFound", 400))

    # Prefix lists: REST's, as DescribePrefixLists and as AWS-managed lists.
    _, page = rest("GET", f"/v1/prefix-lists?region={REGION}", token)
    want = {p["prefix_list_id"]: p for p in page["items"]}
    lists = ec2.describe_prefix_lists()["PrefixLists"]
    check("describe-prefix-lists gives REST's lists and CIDRs",
          {p["PrefixListId"]: (p["PrefixListName"], p["Cidrs"]) for p in lists}
          == {i: (p["prefix_list_name"], p["cidrs"]) for i, p in want.items()})
    s3 = next(p for p in want.values() if p["prefix_list_name"].endswith(".s3"))
    ml = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [s3["prefix_list_name"]]}])["PrefixLists"]
    check("describe-managed-prefix-lists: AWS's own, complete, IPv4",
          [(m["PrefixListId"], m["OwnerId"], m["State"], m["AddressFamily"], m["PrefixListArn"]) for m in ml]
          == [(s3["prefix_list_id"], "AWS", "create-complete", "IPv4",
               f"arn:aws:ec2:{REGION}:aws:prefix-list/{s3['prefix_list_id']}")])
    entries = [e["Cidr"] for p in ec2.get_paginator("get_managed_prefix_list_entries").paginate(
        PrefixListId=s3["prefix_list_id"], PaginationConfig={"PageSize": 1}) for e in p["Entries"]]
    check("get-managed-prefix-list-entries pages through the list's CIDRs", entries == s3["cidrs"])
    check("an unknown prefix list is InvalidPrefixListID.NotFound",
          error_of(ec2.get_managed_prefix_list_entries, PrefixListId="pl-00000000")
          == ("InvalidPrefixListID.NotFound", 400))


if __name__ == "__main__":
    main()
