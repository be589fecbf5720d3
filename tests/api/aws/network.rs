//! The AWS front's network actions over HTTP: internet gateways, NAT
//! gateways, network interfaces, prefix lists and VPC attributes, as boto3
//! sends them, reaching the same records as REST.

use super::{Signed, fails, fails_with, ok, tag, tags};
use crate::on_both_databases;
use crate::support::{Actor, Db, TestServer, s};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The ids of `<name>` in a Describe answer.
fn ids(xml: &str, name: &str) -> Vec<String> {
    tags(xml, name).into_iter().map(str::to_string).collect()
}

/// A VPC of `who` over REST in `region` with one subnet; answers both ids.
async fn vpc_and_subnet(
    srv: &TestServer,
    who: &Actor,
    region: &str,
    octet: u8,
) -> (String, String) {
    let vpc = srv
        .create(
            "/v1/vpcs",
            &who.token,
            json!({"cidr_block": format!("10.{octet}.0.0/16"), "region": region}),
        )
        .await;
    let vpc_id = s(&vpc["vpc_id"]);
    let zones = srv.zones(&who.token, region).await;
    let sub = srv
        .subnet(who, &vpc_id, &format!("10.{octet}.0.0/24"), &zones[0].1)
        .await;
    (vpc_id, s(&sub["subnet_id"]))
}

async fn internet_gateways_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let xml = ok(
        &srv,
        &e,
        "CreateInternetGateway",
        &[
            ("TagSpecification.1.ResourceType", "internet-gateway"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "edge"),
        ],
    )
    .await;
    let igw = tag(&xml, "internetGatewayId").expect("id").to_string();
    assert!(igw.starts_with("igw-"), "{xml}");
    assert!(
        xml.contains("<internetGateway><attachmentSet></attachmentSet><internetGatewayId>"),
        "a detached gateway has no attachment: {xml}"
    );
    assert_eq!(tag(&xml, "ownerId"), Some(a.account_id.as_str()));
    assert!(xml.contains("<tagSet><item><key>Name</key><value>edge</value></item></tagSet>"));
    // REST sees it, tags and all.
    let rest = srv
        .get(&format!("/v1/internet-gateways/{igw}"), &a.token)
        .await;
    assert_eq!(rest.status, StatusCode::OK);
    assert_eq!(rest.body["tags"], json!({"Name": "edge"}));
    assert_eq!(rest.body["state"], "detached");
    // Another resource type's tags are refused; DryRun makes nothing.
    fails(
        &srv,
        &e,
        "CreateInternetGateway",
        &[
            ("TagSpecification.1.ResourceType", "vpc"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
        ],
        "InvalidParameterValue",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "CreateInternetGateway",
        &[("DryRun", "true")],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    assert_eq!(srv.items("/v1/internet-gateways", &a.token).await.len(), 1);

    // Attach to a VPC the AWS front made; REST sees the attachment.
    let xml = ok(&srv, &e, "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc = tag(&xml, "vpcId").unwrap().to_string();
    let attach = [("InternetGatewayId", igw.as_str()), ("VpcId", vpc.as_str())];
    fails_with(
        &srv,
        &e,
        "AttachInternetGateway",
        &[attach[0], attach[1], ("DryRun", "true")],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    let xml = ok(&srv, &e, "AttachInternetGateway", &attach).await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    let rest = srv
        .get(&format!("/v1/internet-gateways/{igw}"), &a.token)
        .await;
    assert_eq!(
        (rest.body["state"].as_str(), rest.body["vpc_id"].as_str()),
        (Some("attached"), Some(vpc.as_str()))
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("InternetGatewayId.1", &igw)],
    )
    .await;
    assert!(
        xml.contains(&format!(
            "<internetGatewaySet><item><attachmentSet><item><state>available</state><vpcId>{vpc}</vpcId></item></attachmentSet><internetGatewayId>{igw}</internetGatewayId>"
        )),
        "an attached gateway's attachment is available, as on AWS: {xml}"
    );
    // The domain's rules, in AWS's codes.
    fails(
        &srv,
        &e,
        "AttachInternetGateway",
        &attach,
        "Resource.AlreadyAssociated",
    )
    .await;
    let xml = ok(&srv, &e, "CreateInternetGateway", &[]).await;
    let second = tag(&xml, "internetGatewayId").unwrap().to_string();
    fails(
        &srv,
        &e,
        "AttachInternetGateway",
        &[("InternetGatewayId", &second), ("VpcId", &vpc)],
        "Resource.AlreadyAssociated",
    )
    .await;
    fails(
        &srv,
        &e,
        "DeleteInternetGateway",
        &[("InternetGatewayId", &igw)],
        "DependencyViolation",
    )
    .await;
    fails(
        &srv,
        &e,
        "DetachInternetGateway",
        &[("InternetGatewayId", &second), ("VpcId", &vpc)],
        "Gateway.NotAttached",
    )
    .await;
    fails(
        &srv,
        &e,
        "AttachInternetGateway",
        &[("InternetGatewayId", &igw)],
        "MissingParameter",
    )
    .await;
    fails(
        &srv,
        &e,
        "AttachInternetGateway",
        &[
            ("InternetGatewayId", "igw-0123456789abcdef0"),
            ("VpcId", &vpc),
        ],
        "InvalidInternetGatewayID.NotFound",
    )
    .await;

    // Filters.
    let (s_, e_) = (&srv, &e);
    let describe = |f: &'static str, v: String| async move {
        let xml = ok(
            s_,
            e_,
            "DescribeInternetGateways",
            &[("Filter.1.Name", f), ("Filter.1.Value.1", &v)],
        )
        .await;
        ids(&xml, "internetGatewayId")
    };
    assert_eq!(
        describe("attachment.vpc-id", vpc.clone()).await,
        vec![igw.clone()]
    );
    assert_eq!(
        describe("attachment.state", "available".into()).await,
        vec![igw.clone()]
    );
    assert_eq!(describe("tag:Name", "edge".into()).await, vec![igw.clone()]);
    assert_eq!(describe("tag-key", "Name".into()).await, vec![igw.clone()]);
    assert!(describe("tag:Name", "other".into()).await.is_empty());
    assert_eq!(
        describe("internet-gateway-id", second.clone()).await,
        vec![second.clone()]
    );
    assert_eq!(describe("owner-id", a.account_id.clone()).await.len(), 2);
    assert!(describe("owner-id", "111122223333".into()).await.is_empty());
    fails(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("Filter.1.Name", "nope"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("InternetGatewayId.1", "igw-0123456789abcdef0")],
        "InvalidInternetGatewayID.NotFound",
    )
    .await;

    // Pages of at least 5 on the domain's keyset pages.
    for _ in 0..4 {
        srv.create("/v1/internet-gateways", &a.token, json!({}))
            .await;
    }
    let xml = ok(&srv, &e, "DescribeInternetGateways", &[("MaxResults", "5")]).await;
    let first = ids(&xml, "internetGatewayId");
    assert_eq!(first.len(), 5);
    let token = tag(&xml, "nextToken").expect("nextToken").to_string();
    let xml = ok(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("MaxResults", "5"), ("NextToken", &token)],
    )
    .await;
    let rest_of = ids(&xml, "internetGatewayId");
    assert_eq!(rest_of.len(), 1);
    assert!(tag(&xml, "nextToken").is_none());
    assert!(!first.contains(&rest_of[0]));
    fails(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("MaxResults", "4")],
        "InvalidParameterValue",
    )
    .await;

    // Region isolation: a gateway of eu-west-1 is not found from us-east-1,
    // on reads and writes.
    let far = srv
        .create(
            "/v1/internet-gateways",
            &a.token,
            json!({"region": "eu-west-1"}),
        )
        .await;
    let far = s(&far["internet_gateway_id"]);
    fails(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("InternetGatewayId.1", &far)],
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "DeleteInternetGateway",
        &[("InternetGatewayId", &far)],
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "AttachInternetGateway",
        &[("InternetGatewayId", &far), ("VpcId", &vpc)],
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "DescribeInternetGateways",
        &[("MaxResults", "1000")],
    )
    .await;
    assert!(!ids(&xml, "internetGatewayId").contains(&far));
    assert_eq!(
        describe("internet-gateway-id", far.clone()).await,
        Vec::<String>::new()
    );
    // ... nor a VPC of eu-west-1.
    let (far_vpc, _) = vpc_and_subnet(&srv, &a, "eu-west-1", 9).await;
    fails(
        &srv,
        &e,
        "AttachInternetGateway",
        &[("InternetGatewayId", &second), ("VpcId", &far_vpc)],
        "InvalidVpcID.NotFound",
    )
    .await;

    // Detach and delete over the AWS front: REST sees it gone.
    ok(&srv, &e, "DetachInternetGateway", &attach).await;
    let xml = ok(
        &srv,
        &e,
        "DeleteInternetGateway",
        &[("InternetGatewayId", &igw)],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    assert_eq!(
        srv.get(&format!("/v1/internet-gateways/{igw}"), &a.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Another account's gateway is not found either.
    let b = srv.account("b").await;
    fails(
        &srv,
        &Signed::new(&b, "ec2"),
        "DeleteInternetGateway",
        &[("InternetGatewayId", &second)],
        "InvalidInternetGatewayID.NotFound",
    )
    .await;
}

async fn nat_gateways_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let (vpc, subnet) = vpc_and_subnet(&srv, &a, "us-east-1", 0).await;
    // A public NAT gateway needs an internet gateway on the VPC.
    fails(
        &srv,
        &e,
        "CreateNatGateway",
        &[("SubnetId", &subnet)],
        "Gateway.NotAttached",
    )
    .await;
    let igw = srv
        .create("/v1/internet-gateways", &a.token, json!({}))
        .await;
    let igw = s(&igw["internet_gateway_id"]);
    ok(
        &srv,
        &e,
        "AttachInternetGateway",
        &[("InternetGatewayId", &igw), ("VpcId", &vpc)],
    )
    .await;
    let create = [
        ("SubnetId", subnet.as_str()),
        ("AllocationId", "eipalloc-0123456789abcdef0"),
        ("ClientToken", "nat-token-1"),
        ("TagSpecification.1.ResourceType", "natgateway"),
        ("TagSpecification.1.Tag.1.Key", "Name"),
        ("TagSpecification.1.Tag.1.Value", "egress"),
    ];
    fails_with(
        &srv,
        &e,
        "CreateNatGateway",
        &[create[0], ("DryRun", "true")],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    assert!(srv.items("/v1/nat-gateways", &a.token).await.is_empty());
    let xml = ok(&srv, &e, "CreateNatGateway", &create).await;
    let nat = tag(&xml, "natGatewayId").expect("id").to_string();
    assert_eq!(tag(&xml, "clientToken"), Some("nat-token-1"));
    assert_eq!(tag(&xml, "state"), Some("available"));
    assert_eq!(tag(&xml, "connectivityType"), Some("public"));
    assert_eq!(tag(&xml, "vpcId"), Some(vpc.as_str()));
    assert!(
        xml.contains("<natGatewayAddressSet><item><networkInterfaceId>eni-"),
        "{xml}"
    );
    assert_eq!(tag(&xml, "privateIp"), Some("10.0.0.4"));
    // The same ClientToken answers the same gateway; another request with it
    // is IdempotentParameterMismatch.
    let again = ok(&srv, &e, "CreateNatGateway", &create).await;
    assert_eq!(tag(&again, "natGatewayId"), Some(nat.as_str()));
    fails(
        &srv,
        &e,
        "CreateNatGateway",
        &[("SubnetId", &subnet), ("ClientToken", "nat-token-1")],
        "IdempotentParameterMismatch",
    )
    .await;
    // ... the same records as REST's Idempotency-Key: REST's identical
    // request with that key replays the gateway the AWS front made.
    let r = srv
        .call_with_header(
            "/v1/nat-gateways",
            &a.token,
            "Idempotency-Key",
            "nat-token-1",
            json!({"subnet_id": subnet, "tags": {"Name": "egress"}}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    assert_eq!(r.body["nat_gateway_id"], nat.as_str());
    assert_eq!(srv.items("/v1/nat-gateways", &a.token).await.len(), 1);
    let rest = srv.get(&format!("/v1/nat-gateways/{nat}"), &a.token).await;
    assert_eq!(rest.body["tags"], json!({"Name": "egress"}));
    // A private one, made over REST, seen over the AWS front.
    let private = srv
        .create(
            "/v1/nat-gateways",
            &a.token,
            json!({"subnet_id": subnet, "connectivity_type": "private"}),
        )
        .await;
    let private = s(&private["nat_gateway_id"]);
    let (s_, e_) = (&srv, &e);
    let describe = |f: &'static str, v: String| async move {
        let xml = ok(
            s_,
            e_,
            "DescribeNatGateways",
            &[("Filter.1.Name", f), ("Filter.1.Value.1", &v)],
        )
        .await;
        ids(&xml, "natGatewayId")
    };
    let both = vec![nat.clone(), private.clone()];
    assert_eq!(describe("vpc-id", vpc.clone()).await, both);
    assert_eq!(describe("subnet-id", subnet.clone()).await, both);
    assert_eq!(describe("state", "available".into()).await, both);
    assert!(describe("state", "deleted".into()).await.is_empty());
    assert_eq!(
        describe("tag:Name", "egress".into()).await,
        vec![nat.clone()]
    );
    assert_eq!(describe("tag-key", "Name".into()).await, vec![nat.clone()]);
    assert_eq!(
        describe("nat-gateway-id", private.clone()).await,
        vec![private.clone()]
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeNatGateways",
        &[("NatGatewayId.1", &private)],
    )
    .await;
    assert_eq!(tag(&xml, "connectivityType"), Some("private"));
    fails(
        &srv,
        &e,
        "DescribeNatGateways",
        &[("Filter.1.Name", "nope"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateNatGateway",
        &[("SubnetId", &subnet), ("ConnectivityType", "sideways")],
        "InvalidParameterValue",
    )
    .await;
    fails(&srv, &e, "CreateNatGateway", &[], "MissingParameter").await;
    // The NAT gateway needs the internet gateway: detach is refused.
    fails(
        &srv,
        &e,
        "DetachInternetGateway",
        &[("InternetGatewayId", &igw), ("VpcId", &vpc)],
        "DependencyViolation",
    )
    .await;
    // Paging.
    for _ in 0..4 {
        srv.create(
            "/v1/nat-gateways",
            &a.token,
            json!({"subnet_id": subnet, "connectivity_type": "private"}),
        )
        .await;
    }
    let xml = ok(&srv, &e, "DescribeNatGateways", &[("MaxResults", "5")]).await;
    assert_eq!(ids(&xml, "natGatewayId").len(), 5);
    let token = tag(&xml, "nextToken").expect("nextToken").to_string();
    let xml = ok(
        &srv,
        &e,
        "DescribeNatGateways",
        &[("MaxResults", "5"), ("NextToken", &token)],
    )
    .await;
    assert_eq!(ids(&xml, "natGatewayId").len(), 1);
    // Region isolation.
    let (_, far_subnet) = vpc_and_subnet(&srv, &a, "eu-west-1", 9).await;
    let far = srv
        .create(
            "/v1/nat-gateways",
            &a.token,
            json!({"subnet_id": far_subnet, "connectivity_type": "private"}),
        )
        .await;
    let far = s(&far["nat_gateway_id"]);
    fails(
        &srv,
        &e,
        "DescribeNatGateways",
        &[("NatGatewayId.1", &far)],
        "InvalidNatGatewayID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "DeleteNatGateway",
        &[("NatGatewayId", &far)],
        "InvalidNatGatewayID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateNatGateway",
        &[("SubnetId", &far_subnet)],
        "InvalidSubnetID.NotFound",
    )
    .await;
    assert!(describe("nat-gateway-id", far.clone()).await.is_empty());
    // Delete over the AWS front answers the id; REST sees it gone.
    let xml = ok(&srv, &e, "DeleteNatGateway", &[("NatGatewayId", &nat)]).await;
    assert_eq!(tag(&xml, "natGatewayId"), Some(nat.as_str()));
    assert_eq!(
        srv.get(&format!("/v1/nat-gateways/{nat}"), &a.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    fails(
        &srv,
        &e,
        "DeleteNatGateway",
        &[("NatGatewayId", &nat)],
        "InvalidNatGatewayID.NotFound",
    )
    .await;
}

async fn network_interfaces_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let zone_ids = srv.zone_ids(&a, 2).await;
    let (vpc, subnets) = srv
        .vpc_with_subnets(&a, 0, json!({"enable_dns_hostnames": true}), &zone_ids)
        .await;
    let vpc_id = s(&vpc["vpc_id"]);
    let default_sg = s(&vpc["default_security_group_id"]);
    let create = [
        ("SubnetId", subnets[0].as_str()),
        ("PrivateIpAddress", "10.0.0.20"),
        ("Description", "app server"),
        ("SecurityGroupId.1", default_sg.as_str()),
        ("ClientToken", "eni-token"),
        ("TagSpecification.1.ResourceType", "network-interface"),
        ("TagSpecification.1.Tag.1.Key", "role"),
        ("TagSpecification.1.Tag.1.Value", "app"),
    ];
    let xml = ok(&srv, &e, "CreateNetworkInterface", &create).await;
    let eni = tag(&xml, "networkInterfaceId").expect("id").to_string();
    assert_eq!(tag(&xml, "privateIpAddress"), Some("10.0.0.20"));
    assert_eq!(tag(&xml, "interfaceType"), Some("interface"));
    assert_eq!(tag(&xml, "requesterManaged"), Some("false"));
    assert_eq!(tag(&xml, "clientToken"), Some("eni-token"));
    assert!(
        xml.contains(&format!(
            "<groupSet><item><groupId>{default_sg}</groupId><groupName>default</groupName></item></groupSet>"
        )),
        "{xml}"
    );
    assert!(xml.contains("<privateIpAddressesSet><item><privateIpAddress>10.0.0.20</privateIpAddress><primary>true</primary></item></privateIpAddressesSet>"), "{xml}");
    let again = ok(&srv, &e, "CreateNetworkInterface", &create).await;
    assert_eq!(tag(&again, "networkInterfaceId"), Some(eni.as_str()));
    // REST sees it.
    let rest = srv
        .get(&format!("/v1/network-interfaces/{eni}"), &a.token)
        .await;
    assert_eq!(rest.body["tags"], json!({"role": "app"}));
    assert_eq!(rest.body["description"], "app server");
    // The domain's rules: an address in use, a group of another VPC.
    fails(
        &srv,
        &e,
        "CreateNetworkInterface",
        &[("SubnetId", &subnets[0]), ("PrivateIpAddress", "10.0.0.20")],
        "InvalidIPAddress.InUse",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateNetworkInterface",
        &[
            ("SubnetId", &subnets[0]),
            ("SecurityGroupId.1", "sg-0123456789abcdef0"),
        ],
        "InvalidGroup.NotFound",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "CreateNetworkInterface",
        &[("SubnetId", &subnets[0]), ("DryRun", "true")],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    // Interfaces linkplane manages: an interface endpoint's, a NAT gateway's.
    let ep = srv
        .create(
            "/v1/vpc-endpoints",
            &a.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id,
                   "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[1]]}),
        )
        .await;
    let ep_id = s(&ep["vpc_endpoint_id"]);
    let nat = srv
        .create(
            "/v1/nat-gateways",
            &a.token,
            json!({"subnet_id": subnets[0], "connectivity_type": "private"}),
        )
        .await;
    let nat_eni = s(&nat["network_interface_id"]);
    let (s_, e_) = (&srv, &e);
    let describe = |f: &'static str, v: String| async move {
        let xml = ok(
            s_,
            e_,
            "DescribeNetworkInterfaces",
            &[("Filter.1.Name", f), ("Filter.1.Value.1", &v)],
        )
        .await;
        ids(&xml, "networkInterfaceId")
    };
    let endpoint_enis = describe("interface-type", "vpc_endpoint".into()).await;
    assert_eq!(endpoint_enis.len(), 1);
    let xml = ok(
        &srv,
        &e,
        "DescribeNetworkInterfaces",
        &[("NetworkInterfaceId.1", &endpoint_enis[0])],
    )
    .await;
    assert_eq!(tag(&xml, "requesterManaged"), Some("true"));
    assert_eq!(tag(&xml, "subnetId"), Some(subnets[1].as_str()));
    assert!(
        tag(&xml, "description").is_some_and(|d| d.contains(&ep_id)),
        "{xml}"
    );
    assert_eq!(
        describe("interface-type", "nat_gateway".into()).await,
        vec![nat_eni.clone()]
    );
    let mut managed = describe("requester-managed", "true".into()).await;
    managed.sort();
    let mut want = vec![endpoint_enis[0].clone(), nat_eni.clone()];
    want.sort();
    assert_eq!(managed, want);
    // Managed interfaces are in use by their resource; a workload's is
    // available (attached to no instance).
    let mut in_use = describe("status", "in-use".into()).await;
    in_use.sort();
    assert_eq!(in_use, want);
    assert_eq!(
        describe("status", "available".into()).await,
        vec![eni.clone()]
    );
    // The same filters on REST, where the domain narrows by them too.
    let token = a.token.as_str();
    let rest_ids = |q: &'static str| async move {
        let mut v: Vec<String> = s_
            .items(&format!("/v1/network-interfaces?{q}"), token)
            .await
            .iter()
            .map(|i| s(&i["network_interface_id"]))
            .collect();
        v.sort();
        v
    };
    assert_eq!(rest_ids("requester_managed=true").await, want);
    assert_eq!(rest_ids("private_ip=10.0.0.20").await, vec![eni.clone()]);
    // Several values of a filter: any may match.
    let xml = ok(
        &srv,
        &e,
        "DescribeNetworkInterfaces",
        &[
            ("Filter.1.Name", "requester-managed"),
            ("Filter.1.Value.1", "true"),
            ("Filter.1.Value.2", "false"),
            ("Filter.2.Name", "private-ip-address"),
            ("Filter.2.Value.1", "10.0.0.20"),
            ("Filter.2.Value.2", "10.0.0.21"),
        ],
    )
    .await;
    assert_eq!(ids(&xml, "networkInterfaceId"), vec![eni.clone()]);
    assert_eq!(
        describe("requester-managed", "false".into()).await,
        vec![eni.clone()]
    );
    assert_eq!(
        describe("private-ip-address", "10.0.0.20".into()).await,
        vec![eni.clone()]
    );
    assert_eq!(
        describe("addresses.private-ip-address", "10.0.0.20".into()).await,
        vec![eni.clone()]
    );
    assert_eq!(
        describe("description", "app server".into()).await,
        vec![eni.clone()]
    );
    assert_eq!(describe("tag:role", "app".into()).await, vec![eni.clone()]);
    assert_eq!(describe("tag-key", "role".into()).await, vec![eni.clone()]);
    assert_eq!(
        describe("network-interface-id", eni.clone()).await,
        vec![eni.clone()]
    );
    assert!(
        describe("group-id", default_sg.clone())
            .await
            .contains(&eni)
    );
    assert_eq!(describe("vpc-id", vpc_id.clone()).await.len(), 3);
    assert_eq!(
        describe("subnet-id", subnets[1].clone()).await,
        endpoint_enis
    );
    assert_eq!(
        describe("availability-zone-id", zone_ids[1].clone()).await,
        endpoint_enis
    );
    fails(
        &srv,
        &e,
        "DescribeNetworkInterfaces",
        &[("Filter.1.Name", "nope"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;
    // A managed interface goes with its resource.
    fails(
        &srv,
        &e,
        "DeleteNetworkInterface",
        &[("NetworkInterfaceId", &nat_eni)],
        "InvalidNetworkInterface.InUse",
    )
    .await;
    // Paging.
    for i in 0..3 {
        srv.post(
            "/v1/network-interfaces",
            &a.token,
            json!({"subnet_id": subnets[0], "description": format!("box {i}")}),
        )
        .await;
    }
    let xml = ok(
        &srv,
        &e,
        "DescribeNetworkInterfaces",
        &[("MaxResults", "5")],
    )
    .await;
    let first = ids(&xml, "networkInterfaceId");
    assert_eq!(first.len(), 5);
    let token = tag(&xml, "nextToken").expect("nextToken").to_string();
    let xml = ok(
        &srv,
        &e,
        "DescribeNetworkInterfaces",
        &[("MaxResults", "5"), ("NextToken", &token)],
    )
    .await;
    assert_eq!(ids(&xml, "networkInterfaceId").len(), 1);
    // Region isolation.
    let (_, far_subnet) = vpc_and_subnet(&srv, &a, "eu-west-1", 9).await;
    let far: Value = srv
        .create(
            "/v1/network-interfaces",
            &a.token,
            json!({"subnet_id": far_subnet}),
        )
        .await;
    let far = s(&far["network_interface_id"]);
    fails(
        &srv,
        &e,
        "DescribeNetworkInterfaces",
        &[("NetworkInterfaceId.1", &far)],
        "InvalidNetworkInterfaceID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "DeleteNetworkInterface",
        &[("NetworkInterfaceId", &far)],
        "InvalidNetworkInterfaceID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateNetworkInterface",
        &[("SubnetId", &far_subnet)],
        "InvalidSubnetID.NotFound",
    )
    .await;
    assert!(
        describe("network-interface-id", far.clone())
            .await
            .is_empty()
    );
    // Delete over the AWS front; REST sees it gone.
    let xml = ok(
        &srv,
        &e,
        "DeleteNetworkInterface",
        &[("NetworkInterfaceId", &eni)],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    assert_eq!(
        srv.get(&format!("/v1/network-interfaces/{eni}"), &a.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

async fn prefix_lists_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let rest = srv
        .items("/v1/prefix-lists?region=us-east-1", &a.token)
        .await;
    assert!(rest.len() >= 2);
    let mut want: Vec<(String, String, Vec<String>)> = rest
        .iter()
        .map(|p| {
            let cidrs = p["cidrs"].as_array().unwrap().iter().map(s).collect();
            (s(&p["prefix_list_id"]), s(&p["prefix_list_name"]), cidrs)
        })
        .collect();
    want.sort();
    // DescribePrefixLists gives what REST gives, in id order.
    let xml = ok(&srv, &e, "DescribePrefixLists", &[]).await;
    let got: Vec<String> = ids(&xml, "prefixListId");
    assert_eq!(got, want.iter().map(|w| w.0.clone()).collect::<Vec<_>>());
    let (id, name, cidrs) = &want[0];
    let xml = ok(&srv, &e, "DescribePrefixLists", &[("PrefixListId.1", id)]).await;
    let cidr_items: String = cidrs.iter().map(|c| format!("<item>{c}</item>")).collect();
    assert!(
        xml.contains(&format!(
            "<prefixListSet><item><cidrSet>{cidr_items}</cidrSet><prefixListId>{id}</prefixListId><prefixListName>{name}</prefixListName></item></prefixListSet>"
        )),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "DescribePrefixLists",
        &[
            ("Filter.1.Name", "prefix-list-name"),
            ("Filter.1.Value.1", name),
        ],
    )
    .await;
    assert_eq!(ids(&xml, "prefixListId"), vec![id.clone()]);
    fails(
        &srv,
        &e,
        "DescribePrefixLists",
        &[("PrefixListId.1", "pl-00000000")],
        "InvalidPrefixListID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "DescribePrefixLists",
        &[("PrefixListId.1", "pl-XYZ")],
        "InvalidPrefixListId.Malformed",
    )
    .await;
    // Another region's list is not found here.
    let far = srv
        .items("/v1/prefix-lists?region=eu-west-1", &a.token)
        .await;
    let far_id = s(&far[0]["prefix_list_id"]);
    fails(
        &srv,
        &e,
        "DescribePrefixLists",
        &[("PrefixListId.1", &far_id)],
        "InvalidPrefixListID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "GetManagedPrefixListEntries",
        &[("PrefixListId", &far_id)],
        "InvalidPrefixListID.NotFound",
    )
    .await;
    // Pages.
    let xml = ok(&srv, &e, "DescribePrefixLists", &[("MaxResults", "1")]).await;
    assert_eq!(ids(&xml, "prefixListId"), vec![want[0].0.clone()]);
    let token = tag(&xml, "nextToken").expect("nextToken").to_string();
    let xml = ok(
        &srv,
        &e,
        "DescribePrefixLists",
        &[("MaxResults", "1"), ("NextToken", &token)],
    )
    .await;
    assert_eq!(ids(&xml, "prefixListId"), vec![want[1].0.clone()]);
    fails(
        &srv,
        &e,
        "DescribePrefixLists",
        &[("NextToken", "garbage")],
        "InvalidNextToken",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "DescribePrefixLists",
        &[("DryRun", "true")],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;

    // The same lists as AWS-managed prefix lists.
    let xml = ok(
        &srv,
        &e,
        "DescribeManagedPrefixLists",
        &[("PrefixListId.1", id)],
    )
    .await;
    assert!(
        xml.contains(&format!(
            "<prefixListSet><item><prefixListId>{id}</prefixListId><addressFamily>IPv4</addressFamily><state>create-complete</state><prefixListArn>arn:aws:ec2:us-east-1:aws:prefix-list/{id}</prefixListArn><prefixListName>{name}</prefixListName><version>1</version><tagSet></tagSet><ownerId>AWS</ownerId></item></prefixListSet>"
        )),
        "{xml}"
    );
    let (s_, e_) = (&srv, &e);
    let managed = |f: &'static str, v: String| async move {
        let xml = ok(
            s_,
            e_,
            "DescribeManagedPrefixLists",
            &[("Filter.1.Name", f), ("Filter.1.Value.1", &v)],
        )
        .await;
        ids(&xml, "prefixListId")
    };
    assert_eq!(managed("owner-id", "AWS".into()).await.len(), want.len());
    assert!(managed("owner-id", a.account_id.clone()).await.is_empty());
    assert_eq!(
        managed("prefix-list-id", id.clone()).await,
        vec![id.clone()]
    );
    assert_eq!(
        managed("prefix-list-name", name.clone()).await,
        vec![id.clone()]
    );
    fails(
        &srv,
        &e,
        "DescribeManagedPrefixLists",
        &[("MaxResults", "101")],
        "InvalidParameterValue",
    )
    .await;

    // Its entries, paged one by one, are REST's CIDRs in order.
    let mut got = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut params = vec![("PrefixListId", id.as_str()), ("MaxResults", "1")];
        if let Some(t) = &token {
            params.push(("NextToken", t));
        }
        let xml = ok(&srv, &e, "GetManagedPrefixListEntries", &params).await;
        let page = ids(&xml, "cidr");
        assert_eq!(page.len(), 1, "{xml}");
        got.extend(page);
        match tag(&xml, "nextToken") {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(&got, cidrs);
    let xml = ok(
        &srv,
        &e,
        "GetManagedPrefixListEntries",
        &[("PrefixListId", id), ("TargetVersion", "1")],
    )
    .await;
    assert!(
        xml.contains(&format!("<entrySet><item><cidr>{}</cidr></item>", cidrs[0])),
        "{xml}"
    );
    fails(
        &srv,
        &e,
        "GetManagedPrefixListEntries",
        &[("PrefixListId", id), ("TargetVersion", "2")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "GetManagedPrefixListEntries",
        &[],
        "MissingParameter",
    )
    .await;
    fails(
        &srv,
        &e,
        "GetManagedPrefixListEntries",
        &[("PrefixListId", id), ("NextToken", "garbage")],
        "InvalidNextToken",
    )
    .await;
}

async fn vpc_attributes_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let xml = ok(&srv, &e, "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc = tag(&xml, "vpcId").unwrap().to_string();
    let (s_, e_) = (&srv, &e);
    let attribute = |name: &'static str| {
        let vpc = vpc.clone();
        async move {
            let xml = ok(
                s_,
                e_,
                "DescribeVpcAttribute",
                &[("VpcId", &vpc), ("Attribute", name)],
            )
            .await;
            assert_eq!(tag(&xml, "vpcId"), Some(vpc.as_str()));
            let inner = tag(&xml, name)
                .unwrap_or_else(|| panic!("{name}: {xml}"))
                .to_string();
            tag(&inner, "value").expect("value").to_string()
        }
    };
    assert_eq!(attribute("enableDnsSupport").await, "true");
    assert_eq!(attribute("enableDnsHostnames").await, "false");
    assert_eq!(attribute("enableNetworkAddressUsageMetrics").await, "false");
    // One attribute per call, over the domain's update: REST sees it.
    let xml = ok(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[("VpcId", &vpc), ("EnableDnsHostnames.Value", "true")],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    assert_eq!(attribute("enableDnsHostnames").await, "true");
    let rest = srv.get(&format!("/v1/vpcs/{vpc}"), &a.token).await;
    assert_eq!(rest.body["enable_dns_hostnames"], true);
    // ... and the AWS front what REST changed.
    srv.patch(
        &format!("/v1/vpcs/{vpc}"),
        &a.token,
        json!({"enable_dns_hostnames": false, "enable_dns_support": false}),
    )
    .await;
    assert_eq!(attribute("enableDnsSupport").await, "false");
    // DNS hostnames need DNS support: the domain's rule.
    fails(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[("VpcId", &vpc), ("EnableDnsHostnames.Value", "true")],
        "InvalidParameterValue",
    )
    .await;
    assert_eq!(attribute("enableDnsHostnames").await, "false");
    fails_with(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[
            ("VpcId", &vpc),
            ("EnableDnsSupport.Value", "true"),
            ("DryRun", "true"),
        ],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    assert_eq!(attribute("enableDnsSupport").await, "false");
    ok(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[("VpcId", &vpc), ("EnableDnsSupport.Value", "true")],
    )
    .await;
    assert_eq!(attribute("enableDnsSupport").await, "true");
    fails(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[
            ("VpcId", &vpc),
            ("EnableDnsSupport.Value", "true"),
            ("EnableDnsHostnames.Value", "true"),
        ],
        "InvalidParameterCombination",
    )
    .await;
    fails(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[("VpcId", &vpc)],
        "MissingParameter",
    )
    .await;
    fails(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[("VpcId", &vpc), ("EnableDnsSupport.Value", "maybe")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "DescribeVpcAttribute",
        &[("VpcId", &vpc), ("Attribute", "bogus")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "DescribeVpcAttribute",
        &[("VpcId", &vpc)],
        "MissingParameter",
    )
    .await;
    // A VPC of another region is not found, on reads and writes.
    let (far, _) = vpc_and_subnet(&srv, &a, "eu-west-1", 9).await;
    fails(
        &srv,
        &e,
        "DescribeVpcAttribute",
        &[("VpcId", &far), ("Attribute", "enableDnsSupport")],
        "InvalidVpcID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "ModifyVpcAttribute",
        &[("VpcId", &far), ("EnableDnsSupport.Value", "false")],
        "InvalidVpcID.NotFound",
    )
    .await;
    let rest = srv.get(&format!("/v1/vpcs/{far}"), &a.token).await;
    assert_eq!(rest.body["enable_dns_support"], true);
}

on_both_databases!(
    internet_gateways_over_the_aws_front,
    nat_gateways_over_the_aws_front,
    network_interfaces_over_the_aws_front,
    prefix_lists_over_the_aws_front,
    vpc_attributes_over_the_aws_front,
);
