"""Connectivity between VPCs over the AWS front with boto3 only: a VPC
peering requested by one account and accepted by another (a second one
rejected), then a transit gateway with a VPC attachment and routes on its
one route table, searched. REST sees the same records.

Run by scripts/ci-aws-sdk.sh after tests/aws/story.py (its helpers).
"""

import sys

from story import account, check, client, error_of, rest


def peering():
    acct_a, key_a = account("story-connect-a")
    acct_b, key_b = account("story-connect-b")
    a, b = client("ec2", key_a), client("ec2", key_b)
    va = a.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    vb = b.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    vb2 = b.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]

    pcx = a.create_vpc_peering_connection(
        VpcId=va, PeerVpcId=vb, PeerOwnerId=acct_b["account_id"],
        TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Name", "Value": "a-b"}]}],
    )["VpcPeeringConnection"]
    check("create-vpc-peering-connection is pending-acceptance",
          pcx["Status"]["Code"] == "pending-acceptance"
          and pcx["AccepterVpcInfo"]["OwnerId"] == acct_b["account_id"]
          and pcx["RequesterVpcInfo"]["CidrBlock"] == "10.60.0.0/16")
    pid = pcx["VpcPeeringConnectionId"]
    check("the requester cannot accept its own request (OperationNotPermitted)",
          error_of(a.accept_vpc_peering_connection, VpcPeeringConnectionId=pid)[0] == "OperationNotPermitted")
    seen = b.describe_vpc_peering_connections(
        Filters=[{"Name": "status-code", "Values": ["pending-acceptance"]}])["VpcPeeringConnections"]
    check("the accepter sees it pending", [p["VpcPeeringConnectionId"] for p in seen] == [pid])
    got = b.accept_vpc_peering_connection(VpcPeeringConnectionId=pid)["VpcPeeringConnection"]
    check("accept-vpc-peering-connection makes it active", got["Status"]["Code"] == "active")
    status, body = rest("GET", f"/v1/vpc-peering-connections/{pid}", key_a["secret"])
    check("REST sees it active", status == 200 and body["status"]["code"] == "active")

    p2 = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=vb2, PeerOwnerId=acct_b["account_id"])
    p2 = p2["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    check("reject-vpc-peering-connection", b.reject_vpc_peering_connection(VpcPeeringConnectionId=p2)["Return"])
    got = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[p2])["VpcPeeringConnections"][0]
    check("the second reads rejected", got["Status"]["Code"] == "rejected")
    check("an unknown peering is InvalidVpcPeeringConnectionID.NotFound",
          error_of(a.describe_vpc_peering_connections, VpcPeeringConnectionIds=["pcx-0123456789abcdef0"])
          == ("InvalidVpcPeeringConnectionID.NotFound", 400))

    # A paginator over the keyset pages: 2 + 4 connections, 5 a page.
    ids = {pid, p2}
    for i in range(4):
        v = a.create_vpc(CidrBlock=f"10.{70 + i}.0.0/16")["Vpc"]["VpcId"]
        ids.add(a.create_vpc_peering_connection(VpcId=v, PeerVpcId=vb, PeerOwnerId=acct_b["account_id"])
                ["VpcPeeringConnection"]["VpcPeeringConnectionId"])
    pages = list(b.get_paginator("describe_vpc_peering_connections").paginate(PaginationConfig={"PageSize": 5}))
    listed = [p["VpcPeeringConnectionId"] for page in pages for p in page["VpcPeeringConnections"]]
    check("the describe-vpc-peering-connections paginator reads two pages",
          len(pages) == 2 and set(listed) == ids and len(listed) == len(ids))
    check("delete-vpc-peering-connection", a.delete_vpc_peering_connection(VpcPeeringConnectionId=pid)["Return"])
    got = b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pid])["VpcPeeringConnections"][0]
    check("it reads deleted", got["Status"]["Code"] == "deleted")


def transit():
    acct, key = account("story-connect-tgw")
    ec2 = client("ec2", key)
    vpc = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.80.1.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
    tgw = ec2.create_transit_gateway(
        Description="hub",
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub"}]}],
    )["TransitGateway"]
    tid, rtb = tgw["TransitGatewayId"], tgw["Options"]["AssociationDefaultRouteTableId"]
    check("create-transit-gateway: available, with its one route table",
          tgw["State"] == "available" and rtb == "tgw-rtb-" + tid[len("tgw-"):]
          and tgw["Options"]["PropagationDefaultRouteTableId"] == rtb)
    att = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tid, VpcId=vpc, SubnetIds=[subnet])["TransitGatewayVpcAttachment"]
    check("create-transit-gateway-vpc-attachment", att["State"] == "available" and att["SubnetIds"] == [subnet])
    aid = att["TransitGatewayAttachmentId"]
    tables = ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]
    check("describe-transit-gateway-route-tables", [t["TransitGatewayRouteTableId"] for t in tables] == [rtb])
    route = ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16", TransitGatewayAttachmentId=aid,
    )["Route"]
    check("create-transit-gateway-route",
          route["Type"] == "static" and route["State"] == "active"
          and route["TransitGatewayAttachments"][0]["ResourceId"] == vpc)
    check("a second route to the same CIDR is RouteAlreadyExists",
          error_of(ec2.create_transit_gateway_route, TransitGatewayRouteTableId=rtb,
                   DestinationCidrBlock="192.168.0.0/16", Blackhole=True)[0] == "RouteAlreadyExists")
    found = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb, Filters=[{"Name": "type", "Values": ["static", "propagated"]}])
    check("search-transit-gateway-routes: the static route and the VPC's propagated one",
          sorted((r["DestinationCidrBlock"], r["Type"]) for r in found["Routes"])
          == [("10.80.0.0/16", "propagated"), ("192.168.0.0/16", "static")]
          and found["AdditionalRoutesAvailable"] is False)
    status, body = rest("GET", f"/v1/transit-gateways/{tid}", key["secret"])
    check("REST sees the gateway's attachment and route",
          status == 200 and body["attachments"][0]["transit_gateway_attachment_id"] == aid
          and any(r["destination_cidr_block"] == "192.168.0.0/16" for r in body["routes"]))
    check("a gateway with attachments is not deleted (IncorrectState)",
          error_of(ec2.delete_transit_gateway, TransitGatewayId=tid)[0] == "IncorrectState")
    ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb, DestinationCidrBlock="192.168.0.0/16")
    gone = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=aid)["TransitGatewayVpcAttachment"]
    check("delete-transit-gateway-vpc-attachment", gone["State"] == "deleted")
    check("delete-transit-gateway", ec2.delete_transit_gateway(TransitGatewayId=tid)["TransitGateway"]["State"]
          == "deleted")
    check("the gateway is gone (InvalidTransitGatewayID.NotFound)",
          error_of(ec2.describe_transit_gateways, TransitGatewayIds=[tid])
          == ("InvalidTransitGatewayID.NotFound", 400))


def main():
    peering()
    transit()
    print("story_connect: ok")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
