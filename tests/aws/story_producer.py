"""The producer's story with boto3 (run by scripts/ci-aws-sdk.sh after
story.py): an NLB and an endpoint service with acceptance required made
with boto3, a second account allowed; that account's interface endpoint
made over REST shows up as pendingAcceptance, is accepted with boto3, and
REST shows it available. Connection notifications: a notification topic
(the stand-in for an SNS topic) made over REST, named by its ARN in
create-vpc-endpoint-connection-notification, described, modified, deleted.
"""

from urllib.parse import quote

from story import REGION, account, check, client, error_of, rest


def main():
    producer, pkey = account("story-producer")
    consumer, ckey = account("story-consumer")
    ec2 = client("ec2", pkey)
    elb = client("elbv2", pkey)

    # The producer's network: a VPC with boto3, a subnet over REST.
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]
    _, zones = rest("GET", f"/v1/regions/{REGION}/availability-zones", pkey["secret"])
    zone_id = zones["items"][0]["zone_id"]
    status, sub = rest("POST", "/v1/subnets", pkey["secret"],
                       {"vpc_id": vpc["VpcId"], "cidr_block": "10.20.1.0/24", "availability_zone_id": zone_id})
    assert status == 201, (status, sub)

    # ELBv2: the NLB, its attributes, a target group with a target.
    lb = elb.create_load_balancer(Name="svc", Type="network", Scheme="internal",
                                  Subnets=[sub["subnet_id"]],
                                  Tags=[{"Key": "team", "Value": "edge"}])["LoadBalancers"][0]
    check("create-load-balancer answers a network load balancer in the subnet's VPC",
          lb["Type"] == "network" and lb["VpcId"] == vpc["VpcId"]
          and lb["AvailabilityZones"][0]["SubnetId"] == sub["subnet_id"])
    lb_arn = lb["LoadBalancerArn"]
    check("a second load balancer of the name is DuplicateLoadBalancerName",
          error_of(elb.create_load_balancer, Name="svc", Type="network",
                   Subnets=[sub["subnet_id"]])[0]
          == "DuplicateLoadBalancerName")
    elb.modify_load_balancer_attributes(
        LoadBalancerArn=lb_arn,
        Attributes=[{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    attrs = elb.describe_load_balancer_attributes(LoadBalancerArn=lb_arn)["Attributes"]
    check("cross-zone load balancing is on", attrs == [{"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    tg = elb.create_target_group(Name="svc", Protocol="TCP", Port=443, VpcId=vpc["VpcId"],
                                 TargetType="ip")["TargetGroups"][0]
    elb.register_targets(TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": "10.20.1.10"}])
    health = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
    check("describe-target-health shows the registered target",
          [(h["Target"]["Id"], h["Target"]["Port"], h["TargetHealth"]["State"]) for h in health]
          == [("10.20.1.10", 443, "healthy")])

    # The endpoint service, acceptance required; the consumer allowed.
    svc = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb_arn], AcceptanceRequired=True, ClientToken="story-producer-1",
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "team", "Value": "edge"}]}],
    )["ServiceConfiguration"]
    sid = svc["ServiceId"]
    check("create-vpc-endpoint-service-configuration answers an Available Interface service",
          svc["ServiceState"] == "Available" and svc["ServiceType"] == [{"ServiceType": "Interface"}]
          and svc["AcceptanceRequired"] is True and svc["NetworkLoadBalancerArns"] == [lb_arn])
    again = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb_arn], AcceptanceRequired=True, ClientToken="story-producer-1",
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "team", "Value": "edge"}]}],
    )["ServiceConfiguration"]
    check("the same ClientToken answers the same service", again["ServiceId"] == sid)
    listed = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"]
    check("describe-vpc-endpoint-service-configurations shows it with its tags",
          [s["ServiceId"] for s in listed] == [sid] and listed[0]["Tags"] == [{"Key": "team", "Value": "edge"}])
    check("deleting the load balancer behind it is ResourceInUse",
          error_of(elb.delete_load_balancer, LoadBalancerArn=lb_arn)[0] == "ResourceInUse")
    added = ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=sid, AddAllowedPrincipals=[consumer["root_principal_arn"]])
    check("modify-vpc-endpoint-service-permissions adds the consumer's account",
          added["ReturnValue"] is True
          and [(p["Principal"], p["PrincipalType"]) for p in added["AddedPrincipals"]]
          == [(consumer["root_principal_arn"], "Account")])
    perms = ec2.describe_vpc_endpoint_service_permissions(ServiceId=sid)["AllowedPrincipals"]
    check("describe-vpc-endpoint-service-permissions lists it",
          [p["Principal"] for p in perms] == [consumer["root_principal_arn"]])

    # Connection notifications: a topic over REST, its ARN with boto3.
    status, topic = rest("POST", "/v1/notification-topics", pkey["secret"],
                         {"name": "story-events", "webhook_url": "http://127.0.0.1:9/story", "region": REGION})
    assert status == 201, (status, topic)
    topic_arn = topic["topic_arn"]
    check("the topic's ARN is an SNS topic ARN of the producer",
          topic_arn == f"arn:aws:sns:{REGION}:{producer['account_id']}:story-events")
    made = ec2.create_vpc_endpoint_connection_notification(
        ServiceId=sid, ConnectionNotificationArn=topic_arn, ConnectionEvents=["Connect", "Accept"],
        ClientToken="story-notification-1")
    nfn = made["ConnectionNotification"]
    check("create-vpc-endpoint-connection-notification shows the topic ARN back, Topic, Enabled",
          nfn["ConnectionNotificationArn"] == topic_arn and nfn["ConnectionNotificationType"] == "Topic"
          and nfn["ConnectionNotificationState"] == "Enabled" and nfn["ServiceId"] == sid
          and nfn["ConnectionEvents"] == ["Accept", "Connect"] and made["ClientToken"] == "story-notification-1")
    nid = nfn["ConnectionNotificationId"]
    again = ec2.create_vpc_endpoint_connection_notification(
        ServiceId=sid, ConnectionNotificationArn=topic_arn, ConnectionEvents=["Connect", "Accept"],
        ClientToken="story-notification-1")["ConnectionNotification"]
    check("the same ClientToken answers the same notification", again["ConnectionNotificationId"] == nid)
    check("a topic ARN nobody made is InvalidParameterValue",
          error_of(ec2.create_vpc_endpoint_connection_notification, ServiceId=sid,
                   ConnectionNotificationArn=f"arn:aws:sns:{REGION}:{producer['account_id']}:nope",
                   ConnectionEvents=["Connect"])[0] == "InvalidParameterValue")
    ec2.modify_vpc_endpoint_connection_notification(ConnectionNotificationId=nid, ConnectionEvents=["Reject"])
    found = ec2.describe_vpc_endpoint_connection_notifications(
        Filters=[{"Name": "service-id", "Values": [sid]}])["ConnectionNotificationSet"]
    check("describe-vpc-endpoint-connection-notifications shows it, modified",
          [(n["ConnectionNotificationId"], n["ConnectionNotificationArn"], n["ConnectionEvents"]) for n in found]
          == [(nid, topic_arn, ["Reject"])])
    status, listed = rest("GET", f"/v1/endpoint-services/{sid}/notifications", pkey["secret"])
    check("REST shows the same notification with its topic",
          status == 200 and [(n["connection_notification_id"], n["connection_notification_arn"])
                             for n in listed["items"]] == [(nid, topic_arn)])
    out = ec2.delete_vpc_endpoint_connection_notifications(
        ConnectionNotificationIds=[nid, "vpce-nfn-00000000000000000"])
    check("delete-vpc-endpoint-connection-notifications: an unknown id is unsuccessful",
          [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]]
          == [("vpce-nfn-00000000000000000", "InvalidConnectionNotification")])
    check("it is gone",
          ec2.describe_vpc_endpoint_connection_notifications()["ConnectionNotificationSet"] == [])
    status, _ = rest("DELETE", f"/v1/notification-topics/{quote(topic_arn, safe='')}", pkey["secret"])
    check("the topic is deleted over REST", status == 204)

    # The consumer's interface endpoint, over REST.
    status, cvpc = rest("POST", "/v1/vpcs", ckey["secret"], {"cidr_block": "10.30.0.0/16"})
    assert status == 201, (status, cvpc)
    status, csub = rest("POST", "/v1/subnets", ckey["secret"],
                        {"vpc_id": cvpc["vpc_id"], "cidr_block": "10.30.1.0/24", "availability_zone_id": zone_id})
    assert status == 201, (status, csub)
    status, ep = rest("POST", "/v1/vpc-endpoints", ckey["secret"],
                      {"vpc_endpoint_type": "interface", "vpc_id": cvpc["vpc_id"],
                       "service_name": svc["ServiceName"], "subnet_ids": [csub["subnet_id"]]})
    assert status == 201, (status, ep)
    eid = ep["vpc_endpoint_id"]

    conns = ec2.describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [sid]}])["VpcEndpointConnections"]
    check("the producer sees the connection pendingAcceptance",
          [(c["VpcEndpointId"], c["VpcEndpointState"], c["VpcEndpointOwner"]) for c in conns]
          == [(eid, "pendingAcceptance", consumer["account_id"])])
    out = ec2.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid, "vpce-00000000000000000"])
    check("accept-vpc-endpoint-connections: an id that is no connection is unsuccessful",
          [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]]
          == [("vpce-00000000000000000", "InvalidVpcEndpointId.NotFound")])
    status, seen = rest("GET", f"/v1/vpc-endpoints/{eid}", ckey["secret"])
    check("REST shows the consumer's endpoint accepted", status == 200 and seen["state"] == "available")
    conns = ec2.describe_vpc_endpoint_connections(
        Filters=[{"Name": "vpc-endpoint-state", "Values": ["available"]}])["VpcEndpointConnections"]
    check("describe-vpc-endpoint-connections by state shows it available",
          [c["VpcEndpointId"] for c in conns] == [eid])

    # Deleting a service with a live connection: an unsuccessful item.
    out = ec2.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])
    check("delete-vpc-endpoint-service-configurations refuses a service with connections, as an item",
          [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]]
          == [(sid, "ExistingVpcEndpointConnections")])
    check("an unknown service is InvalidVpcEndpointServiceId.NotFound",
          error_of(ec2.describe_vpc_endpoint_service_permissions, ServiceId="vpce-svc-00000000000000000")
          == ("InvalidVpcEndpointServiceId.NotFound", 400))


if __name__ == "__main__":
    main()
