//! The AWS front's consumer and network side over HTTP: subnets, security
//! groups, route tables and tags, then VPC endpoints, as boto3 sends them,
//! reaching the same records as REST.

use super::{Signed, ec2, fails, ok, tag, tags};
use crate::on_both_databases;
use crate::support::{Db, TestServer, s};
use reqwest::StatusCode;
use serde_json::json;

async fn subnets_groups_and_route_tables_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let zones = srv.zones(&a.token, "us-east-1").await;
    let xml = ok(&srv, &e, "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc = tag(&xml, "vpcId").unwrap().to_string();

    // Subnets: by zone name and by zone id, tagged; REST sees them.
    let xml = ok(
        &srv,
        &e,
        "CreateSubnet",
        &[
            ("VpcId", &vpc),
            ("CidrBlock", "10.0.1.0/24"),
            ("AvailabilityZone", &zones[0].0),
            ("TagSpecification.1.ResourceType", "subnet"),
            ("TagSpecification.1.Tag.1.Key", "tier"),
            ("TagSpecification.1.Tag.1.Value", "web"),
        ],
    )
    .await;
    assert!(
        xml.contains("<CreateSubnetResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">")
    );
    let sub1 = tag(&xml, "subnetId").unwrap().to_string();
    assert_eq!(tag(&xml, "state"), Some("available"));
    assert_eq!(tag(&xml, "availabilityZone"), Some(zones[0].0.as_str()));
    assert_eq!(tag(&xml, "availabilityZoneId"), Some(zones[0].1.as_str()));
    assert_eq!(tag(&xml, "availableIpAddressCount"), Some("251"));
    let xml = ok(
        &srv,
        &e,
        "CreateSubnet",
        &[
            ("VpcId", &vpc),
            ("CidrBlock", "10.0.2.0/24"),
            ("AvailabilityZoneId", &zones[1].1),
        ],
    )
    .await;
    let sub2 = tag(&xml, "subnetId").unwrap().to_string();
    let rest = srv.get(&format!("/v1/subnets/{sub1}"), &a.token).await;
    assert_eq!(rest.body["tags"], json!({"tier": "web"}));
    // Overlap is the domain's rule, in AWS's code.
    fails(
        &srv,
        &e,
        "CreateSubnet",
        &[("VpcId", &vpc), ("CidrBlock", "10.0.1.0/25")],
        "InvalidSubnet.Conflict",
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "DescribeSubnets",
        &[("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", &vpc)],
    )
    .await;
    assert_eq!(tags(&xml, "subnetId"), vec![sub1.as_str(), sub2.as_str()]);
    let xml = ok(
        &srv,
        &e,
        "DescribeSubnets",
        &[
            ("Filter.1.Name", "availability-zone"),
            ("Filter.1.Value.1", &zones[1].0),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "subnetId"), vec![sub2.as_str()]);
    let xml = ok(
        &srv,
        &e,
        "DescribeSubnets",
        &[("Filter.1.Name", "tag:tier"), ("Filter.1.Value.1", "web")],
    )
    .await;
    assert_eq!(tags(&xml, "subnetId"), vec![sub1.as_str()]);
    let xml = ok(&srv, &e, "DescribeSubnets", &[("SubnetId.1", &sub2)]).await;
    assert_eq!(tags(&xml, "subnetId"), vec![sub2.as_str()]);
    fails(
        &srv,
        &e,
        "DescribeSubnets",
        &[("SubnetId.1", "subnet-0123456789abcdef0")],
        "InvalidSubnetID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "DescribeSubnets",
        &[("Filter.1.Name", "bogus"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateSubnet",
        &[("VpcId", &vpc)],
        "MissingParameter",
    )
    .await;

    // A security group allowing 443 from the VPC.
    let xml = ok(
        &srv,
        &e,
        "CreateSecurityGroup",
        &[
            ("GroupName", "web"),
            ("GroupDescription", "web servers"),
            ("VpcId", &vpc),
        ],
    )
    .await;
    let sg = tag(&xml, "groupId").unwrap().to_string();
    assert!(sg.starts_with("sg-"));
    let xml = ok(
        &srv,
        &e,
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "443"),
            ("IpPermissions.1.ToPort", "443"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"),
            ("IpPermissions.1.Groups.1.GroupId", &sg),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    assert_eq!(tags(&xml, "securityGroupRuleId").len(), 2, "{xml}");
    assert_eq!(tag(&xml, "isEgress"), Some("false"));
    let rest = srv
        .get(&format!("/v1/security-groups/{sg}"), &a.token)
        .await;
    assert_eq!(rest.body["ingress"].as_array().map(Vec::len), Some(2));
    let xml = ok(&srv, &e, "DescribeSecurityGroups", &[("GroupId.1", &sg)]).await;
    assert!(
        xml.contains("<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort>"),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<groups><item><groupId>{sg}</groupId></item></groups>"
        )),
        "{xml}"
    );
    assert!(
        xml.contains("<ipRanges><item><cidrIp>10.0.0.0/16</cidrIp></item></ipRanges>"),
        "{xml}"
    );
    // The default allow-all egress, as AWS writes it.
    assert!(
        xml.contains("<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups></groups><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp>"),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeSecurityGroups",
        &[
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", &vpc),
            ("Filter.2.Name", "group-name"),
            ("Filter.2.Value.1", "default"),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "groupName"), vec!["default"], "{xml}");
    // Revoke one peer; revoking it again is InvalidPermission.NotFound.
    let revoke = [
        ("GroupId", sg.as_str()),
        ("IpPermissions.1.IpProtocol", "6"),
        ("IpPermissions.1.FromPort", "443"),
        ("IpPermissions.1.ToPort", "443"),
        ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"),
    ];
    let xml = ok(&srv, &e, "RevokeSecurityGroupIngress", &revoke).await;
    assert_eq!(tags(&xml, "securityGroupRuleId").len(), 1, "{xml}");
    assert_eq!(tag(&xml, "cidrIpv4"), Some("10.0.0.0/16"));
    fails(
        &srv,
        &e,
        "RevokeSecurityGroupIngress",
        &revoke,
        "InvalidPermission.NotFound",
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "RevokeSecurityGroupEgress",
        &[
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", "-1"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "0.0.0.0/0"),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "securityGroupRuleId").len(), 1, "{xml}");
    let xml = ok(
        &srv,
        &e,
        "AuthorizeSecurityGroupEgress",
        &[
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "443"),
            ("IpPermissions.1.ToPort", "443"),
            (
                "IpPermissions.1.PrefixListIds.1.PrefixListId",
                "pl-63a5400a",
            ),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "isEgress"), Some("true"), "{xml}");
    assert_eq!(tag(&xml, "prefixListId"), Some("pl-63a5400a"));
    fails(
        &srv,
        &e,
        "AuthorizeSecurityGroupIngress",
        &[("GroupId", &sg), ("IpPermissions.1.IpProtocol", "tcp")],
        "MissingParameter",
    )
    .await;
    // IpPermissions apply all or nothing: the new rules of a call that
    // also names one twice are not added either.
    fails(
        &srv,
        &e,
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", "udp"),
            ("IpPermissions.1.FromPort", "53"),
            ("IpPermissions.1.ToPort", "53"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"),
            ("IpPermissions.1.IpRanges.2.CidrIp", "10.1.0.0/16"),
            ("IpPermissions.2.IpProtocol", "udp"),
            ("IpPermissions.2.FromPort", "53"),
            ("IpPermissions.2.ToPort", "53"),
            ("IpPermissions.2.IpRanges.1.CidrIp", "10.1.0.0/16"),
        ],
        "InvalidPermission.Duplicate",
    )
    .await;
    let rest = srv
        .get(&format!("/v1/security-groups/{sg}"), &a.token)
        .await;
    assert!(
        !rest.body["ingress"].to_string().contains("udp"),
        "{}",
        rest.body
    );
    // Rules take no tags here: refused, not dropped.
    fails(
        &srv,
        &e,
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", &sg),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "22"),
            ("IpPermissions.1.ToPort", "22"),
            ("IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/16"),
            ("TagSpecification.1.ResourceType", "security-group-rule"),
            ("TagSpecification.1.Tag.1.Key", "k"),
        ],
        "InvalidParameterValue",
    )
    .await;
    // A group another group's rule names cannot go.
    let xml = ok(
        &srv,
        &e,
        "CreateSecurityGroup",
        &[
            ("GroupName", "db"),
            ("GroupDescription", "db"),
            ("VpcId", &vpc),
        ],
    )
    .await;
    let db_sg = tag(&xml, "groupId").unwrap().to_string();
    ok(
        &srv,
        &e,
        "AuthorizeSecurityGroupIngress",
        &[
            ("GroupId", &db_sg),
            ("IpPermissions.1.IpProtocol", "tcp"),
            ("IpPermissions.1.FromPort", "5432"),
            ("IpPermissions.1.ToPort", "5432"),
            ("IpPermissions.1.Groups.1.GroupId", &sg),
        ],
    )
    .await;
    let (st, xml) = ec2(&srv, &e, "DeleteSecurityGroup", &[("GroupId", &sg)]).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("DependencyViolation")),
        "{xml}"
    );
    let xml = ok(&srv, &e, "DeleteSecurityGroup", &[("GroupId", &db_sg)]).await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    fails(
        &srv,
        &e,
        "DescribeSecurityGroups",
        &[("GroupId.1", &db_sg)],
        "InvalidGroup.NotFound",
    )
    .await;

    // A route table, associated with the first subnet.
    let xml = ok(&srv, &e, "CreateRouteTable", &[("VpcId", &vpc)]).await;
    let rtb = tag(&xml, "routeTableId").unwrap().to_string();
    assert!(
        xml.contains("<routeSet><item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item></routeSet>"),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "AssociateRouteTable",
        &[("RouteTableId", &rtb), ("SubnetId", &sub1)],
    )
    .await;
    let assoc = tag(&xml, "associationId").unwrap().to_string();
    assert_eq!(tag(&xml, "state"), Some("associated"));
    let xml = ok(
        &srv,
        &e,
        "DescribeRouteTables",
        &[
            ("Filter.1.Name", "association.subnet-id"),
            ("Filter.1.Value.1", &sub1),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "routeTableId")[0], rtb);
    assert!(
        xml.contains(&format!("<associationSet><item><main>false</main><routeTableAssociationId>{assoc}</routeTableAssociationId><routeTableId>{rtb}</routeTableId><subnetId>{sub1}</subnetId><associationState><state>associated</state></associationState></item></associationSet>")),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeRouteTables",
        &[
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", &vpc),
            ("Filter.2.Name", "association.main"),
            ("Filter.2.Value.1", "true"),
        ],
    )
    .await;
    assert!(xml.contains("<main>true</main>"), "{xml}");
    assert!(!xml.contains(&rtb), "{xml}");
    // Deleting an associated table is DependencyViolation.
    let (st, xml) = ec2(&srv, &e, "DeleteRouteTable", &[("RouteTableId", &rtb)]).await;
    assert_eq!(
        (st, tag(&xml, "Code")),
        (StatusCode::BAD_REQUEST, Some("DependencyViolation")),
        "{xml}"
    );
    ok(
        &srv,
        &e,
        "DisassociateRouteTable",
        &[("AssociationId", &assoc)],
    )
    .await;
    fails(
        &srv,
        &e,
        "DisassociateRouteTable",
        &[("AssociationId", &assoc)],
        "InvalidAssociationID.NotFound",
    )
    .await;
    ok(&srv, &e, "DeleteRouteTable", &[("RouteTableId", &rtb)]).await;
    fails(
        &srv,
        &e,
        "DescribeRouteTables",
        &[("RouteTableId.1", &rtb)],
        "InvalidRouteTableID.NotFound",
    )
    .await;
    let xml = ok(&srv, &e, "DeleteSubnet", &[("SubnetId", &sub2)]).await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    assert_eq!(
        srv.get(&format!("/v1/subnets/{sub2}"), &a.token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    fails(
        &srv,
        &e,
        "DeleteSubnet",
        &[("SubnetId", &sub2)],
        "InvalidSubnetID.NotFound",
    )
    .await;
}

async fn tags_are_the_domains_own(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let xml = ok(&srv, &e, "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc = tag(&xml, "vpcId").unwrap().to_string();
    let xml = ok(
        &srv,
        &e,
        "CreateSubnet",
        &[
            ("VpcId", &vpc),
            ("CidrBlock", "10.0.1.0/24"),
            ("TagSpecification.1.ResourceType", "subnet"),
            ("TagSpecification.1.Tag.1.Key", "tier"),
            ("TagSpecification.1.Tag.1.Value", "web"),
        ],
    )
    .await;
    let sub = tag(&xml, "subnetId").unwrap().to_string();
    let xml = ok(
        &srv,
        &e,
        "CreateTags",
        &[
            ("ResourceId.1", &vpc),
            ("Tag.1.Key", "Name"),
            ("Tag.1.Value", "main"),
            ("Tag.2.Key", "env"),
            ("Tag.2.Value", "prod"),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    let rest = srv.get(&format!("/v1/vpcs/{vpc}"), &a.token).await;
    assert_eq!(rest.body["tags"], json!({"Name": "main", "env": "prod"}));
    let xml = ok(
        &srv,
        &e,
        "DescribeTags",
        &[("Filter.1.Name", "resource-id"), ("Filter.1.Value.1", &vpc)],
    )
    .await;
    assert!(
        xml.contains(&format!("<tagSet><item><resourceId>{vpc}</resourceId><resourceType>vpc</resourceType><key>Name</key><value>main</value></item><item><resourceId>{vpc}</resourceId><resourceType>vpc</resourceType><key>env</key><value>prod</value></item></tagSet>")),
        "{xml}"
    );
    // Every family: the subnet's create-time tag too; paged.
    let xml = ok(&srv, &e, "DescribeTags", &[("MaxResults", "5")]).await;
    let mut keys = tags(&xml, "key");
    keys.sort();
    assert_eq!(keys, vec!["Name", "env", "tier"], "{xml}");
    assert!(tag(&xml, "nextToken").is_none());
    assert!(
        xml.contains(&format!(
            "<resourceId>{sub}</resourceId><resourceType>subnet</resourceType><key>tier</key>"
        )),
        "{xml}"
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeTags",
        &[("Filter.1.Name", "key"), ("Filter.1.Value.1", "tier")],
    )
    .await;
    assert_eq!(tags(&xml, "resourceId"), vec![sub.as_str()], "{xml}");
    // A value that does not match keeps the tag; no value removes it.
    ok(
        &srv,
        &e,
        "DeleteTags",
        &[
            ("ResourceId.1", &vpc),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "dev"),
        ],
    )
    .await;
    ok(
        &srv,
        &e,
        "DeleteTags",
        &[("ResourceId.1", &vpc), ("Tag.1.Key", "Name")],
    )
    .await;
    let rest = srv.get(&format!("/v1/vpcs/{vpc}"), &a.token).await;
    assert_eq!(rest.body["tags"], json!({"env": "prod"}));
    fails(
        &srv,
        &e,
        "CreateTags",
        &[
            ("ResourceId.1", "vpc-0123456789abcdef0"),
            ("Tag.1.Key", "k"),
        ],
        "InvalidVpcID.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateTags",
        &[("ResourceId.1", &sub), ("Tag.1.Key", "k")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateTags",
        &[("ResourceId.1", "i-0123"), ("Tag.1.Key", "k")],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateTags",
        &[("ResourceId.1", &vpc)],
        "MissingParameter",
    )
    .await;
    // Pages of DescribeTags: 7 tags in pages of 5, then 2, none twice.
    let mut many: Vec<(String, String)> = Vec::new();
    for i in 1..=6 {
        many.push((format!("Tag.{i}.Key"), format!("k{i}")));
    }
    let mut params: Vec<(&str, &str)> = vec![("ResourceId.1", vpc.as_str())];
    params.extend(many.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    ok(&srv, &e, "CreateTags", &params).await;
    let by_vpc = [
        ("Filter.1.Name", "resource-id"),
        ("Filter.1.Value.1", vpc.as_str()),
        ("MaxResults", "5"),
    ];
    let page1 = ok(&srv, &e, "DescribeTags", &by_vpc).await;
    let token = tag(&page1, "nextToken").expect("nextToken").to_string();
    let mut with_token = by_vpc.to_vec();
    with_token.push(("NextToken", &token));
    let page2 = ok(&srv, &e, "DescribeTags", &with_token).await;
    assert!(tag(&page2, "nextToken").is_none(), "{page2}");
    let mut keys = tags(&page1, "key");
    keys.extend(tags(&page2, "key"));
    assert_eq!(
        keys,
        vec!["env", "k1", "k2", "k3", "k4", "k5", "k6"],
        "{page1} {page2}"
    );
    fails(
        &srv,
        &e,
        "DescribeTags",
        &[("NextToken", "zz")],
        "InvalidParameterValue",
    )
    .await;
}

async fn vpc_endpoints_over_the_aws_front(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let b = srv.account("b").await;
    let e = Signed::new(&a, "ec2");
    let zones = srv.zones(&a.token, "us-east-1").await;
    let xml = ok(&srv, &e, "CreateVpc", &[("CidrBlock", "10.9.0.0/16")]).await;
    let vpc = tag(&xml, "vpcId").unwrap().to_string();
    let mut subnets = Vec::new();
    for (i, (name, _)) in zones.iter().take(2).enumerate() {
        let cidr = format!("10.9.{i}.0/24");
        let xml = ok(
            &srv,
            &e,
            "CreateSubnet",
            &[
                ("VpcId", &vpc),
                ("CidrBlock", &cidr),
                ("AvailabilityZone", name),
            ],
        )
        .await;
        subnets.push(tag(&xml, "subnetId").unwrap().to_string());
    }
    let xml = ok(
        &srv,
        &e,
        "CreateSecurityGroup",
        &[
            ("GroupName", "ep"),
            ("GroupDescription", "endpoints"),
            ("VpcId", &vpc),
        ],
    )
    .await;
    let sg = tag(&xml, "groupId").unwrap().to_string();
    let xml = ok(&srv, &e, "CreateRouteTable", &[("VpcId", &vpc)]).await;
    let rtb = tag(&xml, "routeTableId").unwrap().to_string();

    // Discovery: S3 as a gateway service (and an interface one).
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpointServices",
        &[("ServiceName.1", "com.amazonaws.us-east-1.s3")],
    )
    .await;
    assert!(
        xml.contains("<serviceNameSet><item>com.amazonaws.us-east-1.s3</item></serviceNameSet>"),
        "{xml}"
    );
    assert!(
        xml.contains("<serviceType><item><serviceType>Gateway</serviceType></item></serviceType>"),
        "{xml}"
    );
    assert_eq!(tag(&xml, "owner"), Some("amazon"));
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpointServices",
        &[
            ("Filter.1.Name", "service-type"),
            ("Filter.1.Value.1", "Gateway"),
        ],
    )
    .await;
    let mut gateways = tags(&xml, "serviceName");
    gateways.sort();
    assert_eq!(
        gateways,
        vec![
            "com.amazonaws.us-east-1.dynamodb",
            "com.amazonaws.us-east-1.s3"
        ],
        "{xml}"
    );
    fails(
        &srv,
        &e,
        "DescribeVpcEndpointServices",
        &[("ServiceName.1", "com.amazonaws.us-east-1.nope")],
        "InvalidServiceName",
    )
    .await;

    // A gateway endpoint on the route table: its prefix-list route.
    let xml = ok(
        &srv,
        &e,
        "CreateVpcEndpoint",
        &[
            ("VpcEndpointType", "Gateway"),
            ("VpcId", &vpc),
            ("ServiceName", "com.amazonaws.us-east-1.s3"),
            ("RouteTableId.1", &rtb),
            ("TagSpecification.1.ResourceType", "vpc-endpoint"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "s3"),
        ],
    )
    .await;
    let gw = tag(&xml, "vpcEndpointId").unwrap().to_string();
    assert_eq!(tag(&xml, "vpcEndpointType"), Some("Gateway"));
    assert_eq!(tag(&xml, "state"), Some("available"));
    assert!(
        xml.contains(&format!(
            "<routeTableIdSet><item>{rtb}</item></routeTableIdSet>"
        )),
        "{xml}"
    );
    let xml = ok(&srv, &e, "DescribeRouteTables", &[("RouteTableId.1", &rtb)]).await;
    assert!(
        xml.contains(&format!(
            "<gatewayId>{gw}</gatewayId><state>active</state><origin>CreateRoute</origin>"
        )),
        "{xml}"
    );
    assert!(
        tag(&xml, "destinationPrefixListId").is_some_and(|p| p.starts_with("pl-")),
        "{xml}"
    );

    // An interface endpoint for SQS in both subnets, with ClientToken.
    let create_sqs = [
        ("VpcEndpointType", "Interface"),
        ("VpcId", vpc.as_str()),
        ("ServiceName", "com.amazonaws.us-east-1.sqs"),
        ("SubnetId.1", subnets[0].as_str()),
        ("SubnetId.2", subnets[1].as_str()),
        ("SecurityGroupId.1", sg.as_str()),
        ("PrivateDnsEnabled", "false"),
        ("ClientToken", "sqs-once"),
    ];
    let xml = ok(&srv, &e, "CreateVpcEndpoint", &create_sqs).await;
    let sqs = tag(&xml, "vpcEndpointId").unwrap().to_string();
    assert_eq!(tag(&xml, "clientToken"), Some("sqs-once"));
    let again = ok(&srv, &e, "CreateVpcEndpoint", &create_sqs).await;
    assert_eq!(
        tag(&again, "vpcEndpointId"),
        Some(sqs.as_str()),
        "ClientToken is idempotent"
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpoints",
        &[("VpcEndpointId.1", &sqs)],
    )
    .await;
    assert_eq!(tags(&xml, "vpcEndpointId"), vec![sqs.as_str()]);
    assert_eq!(tag(&xml, "vpcEndpointType"), Some("Interface"));
    assert_eq!(tag(&xml, "state"), Some("available"));
    assert!(
        xml.contains(&format!(
            "<groupSet><item><groupId>{sg}</groupId><groupName>ep</groupName></item></groupSet>"
        )),
        "{xml}"
    );
    let enis = tag(&xml, "networkInterfaceIdSet").unwrap();
    assert_eq!(enis.matches("<item>eni-").count(), 2, "{xml}");
    let dns = tags(&xml, "dnsName");
    assert_eq!(dns.len(), 3, "regional and two zonal names: {xml}");
    assert!(
        dns[0].starts_with(&format!("{sqs}-"))
            && dns[0].ends_with(".sqs.us-east-1.vpce.amazonaws.com"),
        "{xml}"
    );
    assert!(tag(&xml, "hostedZoneId").is_some());
    let rest = srv.get(&format!("/v1/vpc-endpoints/{sqs}"), &a.token).await;
    assert_eq!(rest.body["dns_entries"][0]["dns_name"], dns[0]);
    assert_eq!(
        rest.body["network_interface_ids"].as_array().map(Vec::len),
        Some(2)
    );
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpoints",
        &[
            ("Filter.1.Name", "vpc-endpoint-type"),
            ("Filter.1.Value.1", "Gateway"),
            ("Filter.2.Name", "vpc-endpoint-state"),
            ("Filter.2.Value.1", "available"),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "vpcEndpointId"), vec![gw.as_str()], "{xml}");

    // Modify: one subnet fewer.
    let xml = ok(
        &srv,
        &e,
        "ModifyVpcEndpoint",
        &[("VpcEndpointId", &sqs), ("RemoveSubnetId.1", &subnets[1])],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    let rest = srv.get(&format!("/v1/vpc-endpoints/{sqs}"), &a.token).await;
    assert_eq!(rest.body["subnet_ids"], json!([subnets[0]]));

    // A customer's service that requires acceptance: pendingAcceptance.
    let svc = srv
        .endpoint_service(&b, json!({"acceptance_required": true}))
        .await;
    srv.allow_everyone(&b.token, &s(&svc["service_id"])).await;
    let name = s(&svc["service_name"]);
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpointServices",
        &[("ServiceName.1", &name)],
    )
    .await;
    assert_eq!(tag(&xml, "owner"), Some(b.account_id.as_str()), "{xml}");
    assert_eq!(tag(&xml, "acceptanceRequired"), Some("true"));
    assert_eq!(tag(&xml, "serviceId"), svc["service_id"].as_str());
    // A subnet of ours in a zone the service offers (zone ids are the
    // same in every account).
    let offered = tag(tag(&xml, "availabilityZoneIdSet").unwrap(), "item")
        .unwrap()
        .to_string();
    let mine = match zones.iter().take(2).position(|(_, id)| *id == offered) {
        Some(i) => subnets[i].clone(),
        None => {
            let xml = ok(
                &srv,
                &e,
                "CreateSubnet",
                &[
                    ("VpcId", &vpc),
                    ("CidrBlock", "10.9.5.0/24"),
                    ("AvailabilityZoneId", &offered),
                ],
            )
            .await;
            tag(&xml, "subnetId").unwrap().to_string()
        }
    };
    let xml = ok(
        &srv,
        &e,
        "CreateVpcEndpoint",
        &[
            ("VpcEndpointType", "Interface"),
            ("VpcId", &vpc),
            ("ServiceName", &name),
            ("SubnetId.1", &mine),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "state"), Some("pendingAcceptance"), "{xml}");

    // Errors.
    fails(
        &srv,
        &e,
        "DescribeVpcEndpoints",
        &[("VpcEndpointId.1", "vpce-0123456789abcdef0")],
        "InvalidVpcEndpointId.NotFound",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateVpcEndpoint",
        &[("VpcId", &vpc)],
        "MissingParameter",
    )
    .await;
    fails(
        &srv,
        &e,
        "CreateVpcEndpoint",
        &[
            ("VpcEndpointType", "Tunnel"),
            ("VpcId", &vpc),
            ("ServiceName", "com.amazonaws.us-east-1.s3"),
        ],
        "InvalidParameterValue",
    )
    .await;
    fails(
        &srv,
        &e,
        "DescribeVpcEndpoints",
        &[("Filter.1.Name", "bogus"), ("Filter.1.Value.1", "x")],
        "InvalidParameterValue",
    )
    .await;

    // Tags on an endpoint, through its update; found by tag filter.
    ok(
        &srv,
        &e,
        "CreateTags",
        &[
            ("ResourceId.1", &sqs),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "q"),
        ],
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpoints",
        &[("Filter.1.Name", "tag:team"), ("Filter.1.Value.1", "q")],
    )
    .await;
    assert_eq!(tags(&xml, "vpcEndpointId"), vec![sqs.as_str()], "{xml}");
    let rest = srv.get(&format!("/v1/vpc-endpoints/{sqs}"), &a.token).await;
    assert_eq!(rest.body["tags"], json!({"team": "q"}));

    // Delete in a batch: the unknown id is an unsuccessful item, the rest go.
    let xml = ok(
        &srv,
        &e,
        "DeleteVpcEndpoints",
        &[
            ("VpcEndpointId.1", &gw),
            ("VpcEndpointId.2", "vpce-0123456789abcdef0"),
            ("VpcEndpointId.3", &sqs),
        ],
    )
    .await;
    assert!(
        xml.contains("<unsuccessful><item><error><code>InvalidVpcEndpointId.NotFound</code><message>The Vpc Endpoint Id &apos;vpce-0123456789abcdef0&apos; does not exist</message></error><resourceId>vpce-0123456789abcdef0</resourceId></item></unsuccessful>"),
        "{xml}"
    );
    for id in [&gw, &sqs] {
        let rest = srv.get(&format!("/v1/vpc-endpoints/{id}"), &a.token).await;
        assert!(
            rest.status == StatusCode::NOT_FOUND
                || ["deleting", "deleted"].contains(&rest.body["state"].as_str().unwrap_or("")),
            "{id}: {}",
            rest.body
        );
    }
    let xml = ok(&srv, &e, "DescribeRouteTables", &[("RouteTableId.1", &rtb)]).await;
    assert!(
        !xml.contains(&gw),
        "the gateway endpoint's route went: {xml}"
    );
    let xml = ok(&srv, &e, "DeleteVpcEndpoints", &[("VpcEndpointId.1", &gw)]).await;
    assert!(
        xml.contains("<unsuccessful></unsuccessful>"),
        "deleting again is no error: {xml}"
    );
}

on_both_databases!(
    subnets_groups_and_route_tables_over_the_aws_front,
    tags_are_the_domains_own,
    vpc_endpoints_over_the_aws_front,
);
