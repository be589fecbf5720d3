//! The AWS front's connectivity between VPCs over HTTP: VPC peering across
//! two accounts and two regions, and transit gateways with attachments and
//! routes (one route table per gateway), reaching the same records as REST.

use super::{Signed, ec2, fails, ok, tag, tags};
use crate::on_both_databases;
use crate::support::{Db, TestServer};
use reqwest::StatusCode;

async fn vpc(srv: &TestServer, who: &Signed, cidr: &str) -> String {
    let xml = ok(srv, who, "CreateVpc", &[("CidrBlock", cidr)]).await;
    tag(&xml, "vpcId").unwrap().to_string()
}

async fn peer(srv: &TestServer, who: &Signed, params: &[(&str, &str)]) -> String {
    let xml = ok(srv, who, "CreateVpcPeeringConnection", params).await;
    tag(&xml, "vpcPeeringConnectionId").unwrap().to_string()
}

/// The `<code>` of the connection's status (the first `code` of the document).
fn status(xml: &str) -> Option<&str> {
    let at = xml.find("<status>")?;
    tag(&xml[at..], "code")
}

async fn peering_across_accounts_and_regions(db: Db) {
    let srv = TestServer::start(db).await;
    let [a, b] = srv.accounts(["a", "b"]).await;
    let (ea, eb) = (Signed::new(&a, "ec2"), Signed::new(&b, "ec2"));
    let a_vpc = vpc(&srv, &ea, "10.0.0.0/16").await;
    let b_vpc = vpc(&srv, &eb, "10.1.0.0/16").await;
    let b_vpc2 = vpc(&srv, &eb, "10.2.0.0/16").await;

    // DryRun: the call would succeed, nothing is created.
    let dry = [
        ("VpcId", a_vpc.as_str()),
        ("PeerVpcId", &b_vpc),
        ("PeerOwnerId", &b.account_id),
        ("DryRun", "true"),
    ];
    let (st, xml) = ec2(&srv, &ea, "CreateVpcPeeringConnection", &dry).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::PRECONDITION_FAILED, Some("DryRunOperation")),
        "{xml}"
    );
    let xml = ok(&srv, &eb, "DescribeVpcPeeringConnections", &[]).await;
    assert!(!xml.contains("<vpcPeeringConnectionId>"), "{xml}");

    // Requested by A, tagged, pending B's acceptance.
    let xml = ok(
        &srv,
        &ea,
        "CreateVpcPeeringConnection",
        &[
            ("VpcId", &a_vpc),
            ("PeerVpcId", &b_vpc),
            ("PeerOwnerId", &b.account_id),
            ("TagSpecification.1.ResourceType", "vpc-peering-connection"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "a-to-b"),
        ],
    )
    .await;
    assert!(xml.contains(
        "<CreateVpcPeeringConnectionResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
    ));
    let pcx = tag(&xml, "vpcPeeringConnectionId").unwrap().to_string();
    assert!(pcx.starts_with("pcx-"), "{pcx}");
    assert_eq!(status(&xml), Some("pending-acceptance"), "{xml}");
    assert!(
        xml.contains(&format!(
            "<message>Pending Acceptance by {}</message>",
            b.account_id
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<requesterVpcInfo><cidrBlock>10.0.0.0/16</cidrBlock><cidrBlockSet><item><cidrBlock>10.0.0.0/16</cidrBlock></item></cidrBlockSet><ownerId>{}</ownerId>",
            a.account_id
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<vpcId>{b_vpc}</vpcId><region>us-east-1</region></accepterVpcInfo>"
        )),
        "{xml}"
    );
    assert!(
        xml.contains("<tagSet><item><key>Name</key><value>a-to-b</value></item></tagSet>"),
        "{xml}"
    );
    fails(
        &srv,
        &ea,
        "CreateVpcPeeringConnection",
        &[
            ("VpcId", &a_vpc),
            ("PeerVpcId", &b_vpc),
            ("PeerOwnerId", &b.account_id),
        ],
        "VpcPeeringConnectionAlreadyExists",
    )
    .await;
    fails(
        &srv,
        &ea,
        "CreateVpcPeeringConnection",
        &[("VpcId", &a_vpc), ("PeerVpcId", &b_vpc)],
        "InvalidVpcID.NotFound",
    )
    .await;
    fails(
        &srv,
        &ea,
        "CreateVpcPeeringConnection",
        &[("VpcId", &a_vpc)],
        "MissingParameter",
    )
    .await;

    // Only the accepter accepts: the domain's rule, in AWS's code.
    let xml = fails(
        &srv,
        &ea,
        "AcceptVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx)],
        "OperationNotPermitted",
    )
    .await;
    assert!(xml.contains(&b.account_id), "{xml}");
    let xml = ok(
        &srv,
        &eb,
        "DescribeVpcPeeringConnections",
        &[
            ("Filter.1.Name", "status-code"),
            ("Filter.1.Value.1", "pending-acceptance"),
            ("Filter.2.Name", "requester-vpc-info.owner-id"),
            ("Filter.2.Value.1", &a.account_id),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "vpcPeeringConnectionId"), vec![pcx.as_str()]);
    let (st, xml) = ec2(
        &srv,
        &eb,
        "AcceptVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx), ("DryRun", "true")],
    )
    .await;
    assert_eq!(st, StatusCode::PRECONDITION_FAILED, "{xml}");
    let xml = ok(
        &srv,
        &eb,
        "AcceptVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx)],
    )
    .await;
    assert_eq!(status(&xml), Some("active"), "{xml}");
    assert!(xml.contains("<message>Active</message>"), "{xml}");
    fails(
        &srv,
        &eb,
        "AcceptVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx)],
        "InvalidStateTransition",
    )
    .await;
    // REST sees the same record.
    let rest = srv
        .get(&format!("/v1/vpc-peering-connections/{pcx}"), &a.token)
        .await;
    assert_eq!(rest.status, StatusCode::OK, "{}", rest.text);
    assert_eq!(rest.body["status"]["code"], "active");
    assert_eq!(rest.body["tags"]["Name"], "a-to-b");

    // A second request, rejected by B.
    let pcx2 = peer(
        &srv,
        &ea,
        &[
            ("VpcId", &a_vpc),
            ("PeerVpcId", &b_vpc2),
            ("PeerOwnerId", &b.account_id),
        ],
    )
    .await;
    let xml = ok(
        &srv,
        &eb,
        "RejectVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx2)],
    )
    .await;
    assert!(xml.contains("<return>true</return>"), "{xml}");
    let xml = ok(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[("VpcPeeringConnectionId.1", &pcx2)],
    )
    .await;
    assert_eq!(status(&xml), Some("rejected"), "{xml}");
    fails(
        &srv,
        &ea,
        "RejectVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx2)],
        "OperationNotPermitted",
    )
    .await;

    // Filters: the documented ones, tags, and a bad name.
    let xml = ok(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[
            ("Filter.1.Name", "accepter-vpc-info.vpc-id"),
            ("Filter.1.Value.1", &b_vpc2),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "vpcPeeringConnectionId"), vec![pcx2.as_str()]);
    let xml = ok(
        &srv,
        &eb,
        "DescribeVpcPeeringConnections",
        &[
            ("Filter.1.Name", "status-code"),
            ("Filter.1.Value.1", "active"),
            ("Filter.1.Value.2", "rejected"),
            ("Filter.2.Name", "accepter-vpc-info.cidr-block"),
            ("Filter.2.Value.1", "10.1.0.0/16"),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "vpcPeeringConnectionId"), vec![pcx.as_str()]);
    let xml = ok(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[
            ("Filter.1.Name", "tag:Name"),
            ("Filter.1.Value.1", "a-to-b"),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "vpcPeeringConnectionId"), vec![pcx.as_str()]);
    let xml = ok(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[
            ("Filter.1.Name", "expiration-time"),
            ("Filter.1.Value.1", "x"),
        ],
    )
    .await;
    assert!(!xml.contains("<vpcPeeringConnectionId>"), "{xml}");
    fails(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[("Filter.1.Name", "bogus"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[("VpcPeeringConnectionId.1", "pcx-0123456789abcdef0")],
        "InvalidVpcPeeringConnectionID.NotFound",
    )
    .await;

    // Paging over the domain's keyset pages: 2 + 5 connections, 5 a page.
    let mut all = vec![pcx.clone(), pcx2.clone()];
    for i in 0..5 {
        let v = vpc(&srv, &ea, &format!("10.{}.0.0/16", 10 + i)).await;
        all.push(
            peer(
                &srv,
                &ea,
                &[
                    ("VpcId", &v),
                    ("PeerVpcId", &b_vpc),
                    ("PeerOwnerId", &b.account_id),
                ],
            )
            .await,
        );
    }
    let xml = ok(
        &srv,
        &eb,
        "DescribeVpcPeeringConnections",
        &[("MaxResults", "5")],
    )
    .await;
    let mut seen: Vec<String> = tags(&xml, "vpcPeeringConnectionId")
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(seen.len(), 5, "{xml}");
    let token = tag(&xml, "nextToken").expect("a second page").to_string();
    let xml = ok(
        &srv,
        &eb,
        "DescribeVpcPeeringConnections",
        &[("MaxResults", "5"), ("NextToken", &token)],
    )
    .await;
    assert!(tag(&xml, "nextToken").is_none(), "{xml}");
    seen.extend(
        tags(&xml, "vpcPeeringConnectionId")
            .into_iter()
            .map(String::from),
    );
    seen.sort();
    all.sort();
    assert_eq!(seen, all);
    fails(
        &srv,
        &eb,
        "DescribeVpcPeeringConnections",
        &[("MaxResults", "4")],
        "InvalidParameterValue",
    )
    .await;

    // Regions: another region sees none of these; a cross-region request is
    // seen from each side's own region and accepted in the accepter's.
    let (ea_eu, eb_eu) = (
        Signed::in_region(&a, "ec2", "eu-west-1"),
        Signed::in_region(&b, "ec2", "eu-west-1"),
    );
    let xml = ok(&srv, &ea_eu, "DescribeVpcPeeringConnections", &[]).await;
    assert!(!xml.contains("<vpcPeeringConnectionId>"), "{xml}");
    fails(
        &srv,
        &ea_eu,
        "DescribeVpcPeeringConnections",
        &[("VpcPeeringConnectionId.1", &pcx)],
        "InvalidVpcPeeringConnectionID.NotFound",
    )
    .await;
    fails(
        &srv,
        &ea_eu,
        "DeleteVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx)],
        "InvalidVpcPeeringConnectionID.NotFound",
    )
    .await;
    let b_eu = vpc(&srv, &eb_eu, "10.30.0.0/16").await;
    let cross = peer(
        &srv,
        &ea,
        &[
            ("VpcId", &a_vpc),
            ("PeerVpcId", &b_eu),
            ("PeerOwnerId", &b.account_id),
            ("PeerRegion", "eu-west-1"),
        ],
    )
    .await;
    fails(
        &srv,
        &eb,
        "AcceptVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &cross)],
        "InvalidVpcPeeringConnectionID.NotFound",
    )
    .await;
    let xml = ok(&srv, &eb_eu, "DescribeVpcPeeringConnections", &[]).await;
    assert_eq!(tags(&xml, "vpcPeeringConnectionId"), vec![cross.as_str()]);
    assert!(
        xml.contains(&format!(
            "<vpcId>{b_eu}</vpcId><region>eu-west-1</region></accepterVpcInfo>"
        )),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &eb_eu,
        "AcceptVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &cross)],
    )
    .await;
    assert_eq!(status(&xml), Some("active"), "{xml}");
    let xml = ok(&srv, &ea_eu, "DescribeVpcPeeringConnections", &[]).await;
    assert!(!xml.contains(&cross), "{xml}");

    // Delete: either side of an active connection; it reads as deleted.
    let xml = ok(
        &srv,
        &eb,
        "DeleteVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx)],
    )
    .await;
    assert!(xml.contains("<return>true</return>"), "{xml}");
    let xml = ok(
        &srv,
        &ea,
        "DescribeVpcPeeringConnections",
        &[("VpcPeeringConnectionId.1", &pcx)],
    )
    .await;
    assert_eq!(status(&xml), Some("deleted"), "{xml}");
    fails(
        &srv,
        &ea,
        "DeleteVpcPeeringConnection",
        &[("VpcPeeringConnectionId", &pcx)],
        "InvalidStateTransition",
    )
    .await;
    let rest = srv
        .get(&format!("/v1/vpc-peering-connections/{pcx}"), &b.token)
        .await;
    assert_eq!(rest.body["status"]["code"], "deleted");
}

on_both_databases!(peering_across_accounts_and_regions);

async fn subnet(srv: &TestServer, who: &Signed, vpc: &str, cidr: &str, zone: &str) -> String {
    let xml = ok(
        srv,
        who,
        "CreateSubnet",
        &[
            ("VpcId", vpc),
            ("CidrBlock", cidr),
            ("AvailabilityZone", zone),
        ],
    )
    .await;
    tag(&xml, "subnetId").unwrap().to_string()
}

async fn transit_gateways_with_attachments_and_routes(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let zones = srv.zones(&a.token, "us-east-1").await;
    let v1 = vpc(&srv, &e, "10.0.0.0/16").await;
    let s1a = subnet(&srv, &e, &v1, "10.0.1.0/24", &zones[0].0).await;
    let s1b = subnet(&srv, &e, &v1, "10.0.2.0/24", &zones[1].0).await;
    let v2 = vpc(&srv, &e, "10.1.0.0/16").await;
    let s2 = subnet(&srv, &e, &v2, "10.1.1.0/24", &zones[0].0).await;

    let (st, xml) = ec2(&srv, &e, "CreateTransitGateway", &[("DryRun", "true")]).await;
    assert_eq!(st, StatusCode::PRECONDITION_FAILED, "{xml}");
    fails(
        &srv,
        &e,
        "CreateTransitGateway",
        &[("Options.MulticastSupport", "enable")],
        "InvalidParameterValue",
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "CreateTransitGateway",
        &[
            ("Description", "hub"),
            ("Options.DnsSupport", "enable"),
            ("TagSpecification.1.ResourceType", "transit-gateway"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "hub"),
        ],
    )
    .await;
    let tgw = tag(&xml, "transitGatewayId").unwrap().to_string();
    let rtb = format!("tgw-rtb-{}", tgw.strip_prefix("tgw-").unwrap());
    assert_eq!(tag(&xml, "state"), Some("available"), "{xml}");
    assert_eq!(tag(&xml, "description"), Some("hub"));
    assert_eq!(
        tag(&xml, "associationDefaultRouteTableId"),
        Some(rtb.as_str())
    );
    assert_eq!(
        tag(&xml, "propagationDefaultRouteTableId"),
        Some(rtb.as_str())
    );
    assert_eq!(
        tag(&xml, "transitGatewayArn"),
        Some(
            format!(
                "arn:aws:ec2:us-east-1:{}:transit-gateway/{tgw}",
                a.account_id
            )
            .as_str()
        )
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeTransitGateways",
        &[("Filter.1.Name", "tag:Name"), ("Filter.1.Value.1", "hub")],
    )
    .await;
    assert_eq!(tags(&xml, "transitGatewayId"), vec![tgw.as_str()]);
    let xml = ok(
        &srv,
        &e,
        "DescribeTransitGateways",
        &[
            (
                "Filter.1.Name",
                "options.propagation-default-route-table-id",
            ),
            ("Filter.1.Value.1", &rtb),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "transitGatewayId"), vec![tgw.as_str()]);
    fails(
        &srv,
        &e,
        "DescribeTransitGateways",
        &[("Filter.1.Name", "bogus"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;

    // Attachments: one subnet per zone.
    let xml = ok(
        &srv,
        &e,
        "CreateTransitGatewayVpcAttachment",
        &[
            ("TransitGatewayId", &tgw),
            ("VpcId", &v1),
            ("SubnetIds.1", &s1a),
            ("SubnetIds.2", &s1b),
        ],
    )
    .await;
    let att1 = tag(&xml, "transitGatewayAttachmentId").unwrap().to_string();
    assert!(att1.starts_with("tgw-attach-"), "{xml}");
    assert_eq!(tag(&xml, "state"), Some("available"));
    let mut subnets = [s1a.as_str(), s1b.as_str()];
    subnets.sort();
    assert!(
        xml.contains(&format!(
            "<subnetIds><item>{}</item><item>{}</item></subnetIds>",
            subnets[0], subnets[1]
        )),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "CreateTransitGatewayVpcAttachment",
        &[
            ("TransitGatewayId", &tgw),
            ("VpcId", &v2),
            ("SubnetIds.1", &s2),
        ],
    )
    .await;
    let att2 = tag(&xml, "transitGatewayAttachmentId").unwrap().to_string();
    fails(
        &srv,
        &e,
        "CreateTransitGatewayVpcAttachment",
        &[
            ("TransitGatewayId", &tgw),
            ("VpcId", &v2),
            ("SubnetIds.1", &s2),
        ],
        "DuplicateTransitGatewayAttachment",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateTransitGatewayVpcAttachment",
        &[("TransitGatewayId", &tgw), ("VpcId", &v2)],
        "MissingParameter",
    )
    .await;
    let xml = ok(&srv, &e, "DescribeTransitGatewayVpcAttachments", &[]).await;
    assert_eq!(
        tags(&xml, "transitGatewayAttachmentId"),
        vec![att1.as_str(), att2.as_str()]
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeTransitGatewayVpcAttachments",
        &[("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", &v2)],
    )
    .await;
    assert_eq!(
        tags(&xml, "transitGatewayAttachmentId"),
        vec![att2.as_str()]
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeTransitGatewayVpcAttachments",
        &[("TransitGatewayAttachmentIds.1", &att1)],
    )
    .await;
    assert_eq!(tag(&xml, "vpcId"), Some(v1.as_str()));
    fails(
        &srv,
        &e,
        "DescribeTransitGatewayVpcAttachments",
        &[(
            "TransitGatewayAttachmentIds.1",
            "tgw-attach-0123456789abcdef0",
        )],
        "InvalidTransitGatewayAttachmentID.NotFound",
    )
    .await;

    // The gateway's one route table, and routes on it.
    let xml = ok(&srv, &e, "DescribeTransitGatewayRouteTables", &[]).await;
    assert_eq!(tags(&xml, "transitGatewayRouteTableId"), vec![rtb.as_str()]);
    assert!(
        xml.contains("<defaultAssociationRouteTable>true</defaultAssociationRouteTable>"),
        "{xml}"
    );
    fails(
        &srv,
        &e,
        "DescribeTransitGatewayRouteTables",
        &[("TransitGatewayRouteTableIds.1", "tgw-rtb-0123456789abcdef0")],
        "InvalidRouteTableID.NotFound",
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "CreateTransitGatewayRoute",
        &[
            ("TransitGatewayRouteTableId", &rtb),
            ("DestinationCidrBlock", "192.168.0.0/16"),
            ("TransitGatewayAttachmentId", &att1),
        ],
    )
    .await;
    assert!(
        xml.contains(&format!(
            "<route><destinationCidrBlock>192.168.0.0/16</destinationCidrBlock><transitGatewayAttachments><item><resourceId>{v1}</resourceId><transitGatewayAttachmentId>{att1}</transitGatewayAttachmentId><resourceType>vpc</resourceType></item></transitGatewayAttachments><type>static</type><state>active</state></route>"
        )),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "CreateTransitGatewayRoute",
        &[
            ("TransitGatewayRouteTableId", &rtb),
            ("DestinationCidrBlock", "172.16.0.0/12"),
            ("Blackhole", "true"),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "state"), Some("blackhole"), "{xml}");
    fails(
        &srv,
        &e,
        "CreateTransitGatewayRoute",
        &[
            ("TransitGatewayRouteTableId", &rtb),
            ("DestinationCidrBlock", "192.168.0.0/16"),
            ("TransitGatewayAttachmentId", &att2),
        ],
        "RouteAlreadyExists",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateTransitGatewayRoute",
        &[
            ("TransitGatewayRouteTableId", &rtb),
            ("DestinationCidrBlock", "192.169.0.0/16"),
            ("TransitGatewayAttachmentId", &att2),
            ("Blackhole", "true"),
        ],
        "InvalidParameterCombination",
    )
    .await;
    for i in 1..=3 {
        ok(
            &srv,
            &e,
            "CreateTransitGatewayRoute",
            &[
                ("TransitGatewayRouteTableId", &rtb),
                ("DestinationCidrBlock", &format!("10.{}.0.0/16", 100 + i)),
                ("TransitGatewayAttachmentId", &att2),
            ],
        )
        .await;
    }
    let search = |filters: Vec<(&'static str, String)>| {
        let srv = &srv;
        let e = &e;
        let rtb = rtb.clone();
        async move {
            let mut p: Vec<(&str, String)> = vec![("TransitGatewayRouteTableId", rtb)];
            p.extend(filters);
            let p: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ok(srv, e, "SearchTransitGatewayRoutes", &p).await
        }
    };
    let xml = search(vec![
        ("Filter.1.Name", "type".into()),
        ("Filter.1.Value.1", "propagated".into()),
    ])
    .await;
    assert_eq!(
        tags(&xml, "destinationCidrBlock"),
        vec!["10.0.0.0/16", "10.1.0.0/16"]
    );
    let xml = search(vec![
        ("Filter.1.Name", "route-search.longest-prefix-match".into()),
        ("Filter.1.Value.1", "192.168.4.5".into()),
    ])
    .await;
    assert_eq!(tags(&xml, "destinationCidrBlock"), vec!["192.168.0.0/16"]);
    let xml = search(vec![
        ("Filter.1.Name", "state".into()),
        ("Filter.1.Value.1", "blackhole".into()),
    ])
    .await;
    assert_eq!(tags(&xml, "destinationCidrBlock"), vec!["172.16.0.0/12"]);
    let xml = search(vec![
        (
            "Filter.1.Name",
            "attachment.transit-gateway-attachment-id".into(),
        ),
        ("Filter.1.Value.1", att2.clone()),
        ("Filter.2.Name", "route-search.subnet-of-match".into()),
        ("Filter.2.Value.1", "10.0.0.0/8".into()),
        ("MaxResults", "5".into()),
    ])
    .await;
    assert_eq!(
        tags(&xml, "destinationCidrBlock"),
        vec![
            "10.1.0.0/16",
            "10.101.0.0/16",
            "10.102.0.0/16",
            "10.103.0.0/16"
        ]
    );
    assert_eq!(tag(&xml, "additionalRoutesAvailable"), Some("false"));
    // Seven routes, five a page.
    let all = [
        ("Filter.1.Name", "type".to_string()),
        ("Filter.1.Value.1", "static".to_string()),
        ("Filter.1.Value.2", "propagated".to_string()),
        ("MaxResults", "5".to_string()),
    ];
    let xml = search(all.to_vec()).await;
    let mut seen: Vec<String> = tags(&xml, "destinationCidrBlock")
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(seen.len(), 5, "{xml}");
    assert_eq!(tag(&xml, "additionalRoutesAvailable"), Some("true"));
    let mut next = all.to_vec();
    next.push(("NextToken", tag(&xml, "nextToken").unwrap().to_string()));
    let xml = search(next).await;
    assert_eq!(tag(&xml, "additionalRoutesAvailable"), Some("false"));
    seen.extend(
        tags(&xml, "destinationCidrBlock")
            .into_iter()
            .map(String::from),
    );
    assert_eq!(seen.len(), 7, "{seen:?}");
    fails(
        &srv,
        &e,
        "SearchTransitGatewayRoutes",
        &[("TransitGatewayRouteTableId", &rtb)],
        "MissingParameter",
    )
    .await;

    // REST sees the same gateway, attachments and routes.
    let rest = srv
        .get(&format!("/v1/transit-gateways/{tgw}"), &a.token)
        .await;
    assert_eq!(rest.status, StatusCode::OK, "{}", rest.text);
    assert_eq!(rest.body["attachments"].as_array().map(Vec::len), Some(2));
    assert!(rest.text.contains("192.168.0.0/16"), "{}", rest.text);
    assert_eq!(rest.body["tags"]["Name"], "hub");

    let xml = ok(
        &srv,
        &e,
        "DeleteTransitGatewayRoute",
        &[
            ("TransitGatewayRouteTableId", &rtb),
            ("DestinationCidrBlock", "172.16.0.0/12"),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "state"), Some("deleted"), "{xml}");
    for cidr in ["172.16.0.0/12", "10.0.0.0/16"] {
        fails(
            &srv,
            &e,
            "DeleteTransitGatewayRoute",
            &[
                ("TransitGatewayRouteTableId", &rtb),
                ("DestinationCidrBlock", cidr),
            ],
            "InvalidRoute.NotFound",
        )
        .await;
    }
    fails(
        &srv,
        &e,
        "DeleteTransitGateway",
        &[("TransitGatewayId", &tgw)],
        "IncorrectState",
    )
    .await;

    // Regions: the gateway, its route table and attachments are us-east-1's.
    let eu = Signed::in_region(&a, "ec2", "eu-west-1");
    let xml = ok(&srv, &eu, "DescribeTransitGateways", &[]).await;
    assert!(!xml.contains("<transitGatewayId>"), "{xml}");
    let xml = ok(&srv, &eu, "DescribeTransitGatewayVpcAttachments", &[]).await;
    assert!(!xml.contains("<transitGatewayAttachmentId>"), "{xml}");
    fails(
        &srv,
        &eu,
        "DescribeTransitGateways",
        &[("TransitGatewayIds.1", &tgw)],
        "InvalidTransitGatewayID.NotFound",
    )
    .await;
    fails(
        &srv,
        &eu,
        "SearchTransitGatewayRoutes",
        &[
            ("TransitGatewayRouteTableId", &rtb),
            ("Filter.1.Name", "type"),
            ("Filter.1.Value.1", "static"),
        ],
        "InvalidRouteTableID.NotFound",
    )
    .await;
    fails(
        &srv,
        &eu,
        "DeleteTransitGatewayVpcAttachment",
        &[("TransitGatewayAttachmentId", &att1)],
        "InvalidTransitGatewayAttachmentID.NotFound",
    )
    .await;

    // Paging over the gateways' keyset pages.
    let mut all_tgws = vec![tgw.clone()];
    for _ in 0..5 {
        let xml = ok(&srv, &e, "CreateTransitGateway", &[]).await;
        all_tgws.push(tag(&xml, "transitGatewayId").unwrap().to_string());
    }
    let xml = ok(&srv, &e, "DescribeTransitGateways", &[("MaxResults", "5")]).await;
    let mut seen: Vec<String> = tags(&xml, "transitGatewayId")
        .into_iter()
        .map(String::from)
        .collect();
    let token = tag(&xml, "nextToken").expect("a second page").to_string();
    let xml = ok(
        &srv,
        &e,
        "DescribeTransitGateways",
        &[("MaxResults", "5"), ("NextToken", &token)],
    )
    .await;
    seen.extend(tags(&xml, "transitGatewayId").into_iter().map(String::from));
    assert_eq!(seen, all_tgws);
    let xml = ok(
        &srv,
        &e,
        "DescribeTransitGatewayRouteTables",
        &[("MaxResults", "5")],
    )
    .await;
    assert_eq!(tags(&xml, "transitGatewayRouteTableId").len(), 5);
    assert!(tag(&xml, "nextToken").is_some(), "{xml}");

    // Deleting an attachment leaves its static routes as blackholes.
    let xml = ok(
        &srv,
        &e,
        "DeleteTransitGatewayVpcAttachment",
        &[("TransitGatewayAttachmentId", &att1)],
    )
    .await;
    assert_eq!(tag(&xml, "state"), Some("deleted"), "{xml}");
    let xml = search(vec![
        ("Filter.1.Name", "route-search.exact-match".into()),
        ("Filter.1.Value.1", "192.168.0.0/16".into()),
    ])
    .await;
    assert_eq!(tag(&xml, "state"), Some("blackhole"), "{xml}");
    ok(
        &srv,
        &e,
        "DeleteTransitGatewayVpcAttachment",
        &[("TransitGatewayAttachmentId", &att2)],
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "DeleteTransitGateway",
        &[("TransitGatewayId", &tgw)],
    )
    .await;
    assert_eq!(tag(&xml, "state"), Some("deleted"), "{xml}");
    fails(
        &srv,
        &e,
        "DescribeTransitGateways",
        &[("TransitGatewayIds.1", &tgw)],
        "InvalidTransitGatewayID.NotFound",
    )
    .await;
    srv.get(&format!("/v1/transit-gateways/{tgw}"), &a.token)
        .await
        .assert_problem(404, "InvalidTransitGatewayID.NotFound");
}

on_both_databases!(transit_gateways_with_attachments_and_routes);
