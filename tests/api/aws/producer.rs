//! The producer's side of the AWS front: ELBv2 load balancers and target
//! groups, EC2 endpoint services, their principals and connections, in
//! AWS's XML, over the same records REST shows.

use super::{Signed, code, tag, tags};
use crate::on_both_databases;
use crate::support::{Db, TestServer, s};
use reqwest::StatusCode;

const ELB: (&str, &str) = ("Version", "2015-12-01");

/// CreateLoadBalancer (network, gateway), its attributes, DeleteLoadBalancer
/// over ELBv2, seen by REST; AWS's errors for what the domain refuses.
async fn elbv2_load_balancers_round_trip(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let zone_ids = srv.zone_ids(&a, 2).await;
    let (vpc, subnets) = srv
        .vpc_with_subnets(&a, 0, serde_json::json!({}), &zone_ids)
        .await;
    let elb = Signed::new(&a, "elasticloadbalancing");
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "api"),
                ("Type", "network"),
                ("Scheme", "internal"),
                ("Subnets.member.1", &subnets[0]),
                ("Subnets.member.2", &subnets[1]),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "edge"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let xml = &out.1;
    assert!(
        xml.contains("<CreateLoadBalancerResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><CreateLoadBalancerResult><LoadBalancers><member>"),
        "{xml}"
    );
    let arn = tag(xml, "LoadBalancerArn").expect("arn").to_string();
    assert!(arn.contains(":loadbalancer/net/api/"), "{arn}");
    assert_eq!(tag(xml, "Type"), Some("network"));
    assert_eq!(tag(xml, "Scheme"), Some("internal"));
    assert_eq!(tag(xml, "VpcId"), vpc["vpc_id"].as_str());
    assert_eq!(tags(xml, "SubnetId").len(), 2, "{xml}");
    // REST sees the same load balancer, with its tags.
    let listed = srv.items("/v1/load-balancers", &a.token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(s(&listed[0]["load_balancer_arn"]), arn);
    assert_eq!(listed[0]["tags"]["team"], "edge");

    // A gateway load balancer by SubnetMappings.
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "gw"),
                ("Type", "gateway"),
                ("SubnetMappings.member.1.SubnetId", &subnets[0]),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tag(&out.1, "Type"), Some("gateway"));
    let gw = tag(&out.1, "LoadBalancerArn").unwrap().to_string();
    assert!(gw.contains(":loadbalancer/gwy/gw/"), "{gw}");

    // What the domain refuses, in AWS's codes.
    let dup = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "api"),
                ("Type", "network"),
                ("Subnets.member.1", &subnets[0]),
            ],
        )
        .await;
    assert_eq!(
        code(&dup),
        (StatusCode::BAD_REQUEST, Some("DuplicateLoadBalancerName")),
        "{}",
        dup.1
    );
    assert!(dup.1.contains("<Type>Sender</Type>"));
    let alb = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "web"),
                ("Type", "application"),
                ("Subnets.member.1", &subnets[0]),
            ],
        )
        .await;
    assert_eq!(
        code(&alb),
        (StatusCode::BAD_REQUEST, Some("ValidationError"))
    );
    // No Type: AWS would make an application load balancer, which
    // linkplane has not; it asks instead of making a network one.
    let untyped = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "web"),
                ("Subnets.member.1", &subnets[0]),
            ],
        )
        .await;
    assert_eq!(
        code(&untyped),
        (StatusCode::BAD_REQUEST, Some("ValidationError")),
        "{}",
        untyped.1
    );
    assert!(untyped.1.contains("Type is required"), "{}", untyped.1);
    let none = elb
        .post(
            &srv,
            &[("Action", "CreateLoadBalancer"), ELB, ("Name", "x")],
        )
        .await;
    assert_eq!(
        code(&none),
        (StatusCode::BAD_REQUEST, Some("ValidationError"))
    );
    let bad_subnet = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "x"),
                ("Type", "network"),
                ("Subnets.member.1", "subnet-0000000000000000f"),
            ],
        )
        .await;
    assert_eq!(
        code(&bad_subnet),
        (StatusCode::BAD_REQUEST, Some("SubnetNotFound")),
        "{}",
        bad_subnet.1
    );
    let public = elb
        .post(
            &srv,
            &[
                ("Action", "CreateLoadBalancer"),
                ELB,
                ("Name", "x"),
                ("Type", "network"),
                ("Scheme", "internet-facing"),
                ("Subnets.member.1", &subnets[0]),
            ],
        )
        .await;
    assert_eq!(
        code(&public),
        (StatusCode::BAD_REQUEST, Some("ValidationError")),
        "{}",
        public.1
    );

    // Attributes: cross-zone, off by default.
    let describe = [
        ("Action", "DescribeLoadBalancerAttributes"),
        ELB,
        ("LoadBalancerArn", arn.as_str()),
    ];
    let out = elb.post(&srv, &describe).await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert!(
        out.1.contains("<Attributes><member><Key>load_balancing.cross_zone.enabled</Key><Value>false</Value></member></Attributes>"),
        "{}",
        out.1
    );
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "ModifyLoadBalancerAttributes"),
                ELB,
                ("LoadBalancerArn", &arn),
                (
                    "Attributes.member.1.Key",
                    "load_balancing.cross_zone.enabled",
                ),
                ("Attributes.member.1.Value", "true"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert!(out.1.contains("<Value>true</Value>"), "{}", out.1);
    let out = elb.post(&srv, &describe).await;
    assert!(out.1.contains("<Value>true</Value>"), "{}", out.1);
    let listed = srv.items("/v1/load-balancers", &a.token).await;
    let rest = listed
        .iter()
        .find(|l| s(&l["load_balancer_arn"]) == arn)
        .unwrap();
    assert_eq!(rest["cross_zone_enabled"], true);
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "ModifyLoadBalancerAttributes"),
                ELB,
                ("LoadBalancerArn", &arn),
                ("Attributes.member.1.Key", "deletion_protection.enabled"),
                ("Attributes.member.1.Value", "true"),
            ],
        )
        .await;
    assert_eq!(
        code(&out),
        (StatusCode::BAD_REQUEST, Some("InvalidConfigurationRequest"))
    );

    // Delete; again succeeds (as AWS); then it is not found.
    for _ in 0..2 {
        let out = elb
            .post(
                &srv,
                &[
                    ("Action", "DeleteLoadBalancer"),
                    ELB,
                    ("LoadBalancerArn", &arn),
                ],
            )
            .await;
        assert_eq!(out.0, StatusCode::OK, "{}", out.1);
        assert!(
            out.1
                .contains("<DeleteLoadBalancerResult></DeleteLoadBalancerResult>"),
            "{}",
            out.1
        );
    }
    assert_eq!(
        code(&elb.post(&srv, &describe).await),
        (StatusCode::BAD_REQUEST, Some("LoadBalancerNotFound"))
    );
    let listed = srv.items("/v1/load-balancers", &a.token).await;
    assert_eq!(listed.len(), 1, "the gateway load balancer stays");
}

/// Target groups over ELBv2: create, describe, register, health,
/// deregister, delete; REST sees the targets.
async fn elbv2_target_groups_and_targets(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let zone_ids = srv.zone_ids(&a, 2).await;
    let (vpc, _) = srv
        .vpc_with_subnets(&a, 0, serde_json::json!({}), &zone_ids)
        .await;
    let vpc_id = s(&vpc["vpc_id"]);
    let elb = Signed::new(&a, "elasticloadbalancing");
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "CreateTargetGroup"),
                ELB,
                ("Name", "web"),
                ("Protocol", "TCP"),
                ("Port", "443"),
                ("VpcId", &vpc_id),
                ("TargetType", "ip"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let xml = &out.1;
    assert!(
        xml.contains("<CreateTargetGroupResult><TargetGroups><member>"),
        "{xml}"
    );
    let arn = tag(xml, "TargetGroupArn").unwrap().to_string();
    assert!(arn.contains(":targetgroup/web/"), "{arn}");
    assert_eq!(tag(xml, "Protocol"), Some("TCP"));
    assert_eq!(tag(xml, "Port"), Some("443"));
    assert_eq!(tag(xml, "VpcId"), Some(vpc_id.as_str()));
    assert_eq!(tag(xml, "TargetType"), Some("ip"));

    let dup = elb
        .post(
            &srv,
            &[
                ("Action", "CreateTargetGroup"),
                ELB,
                ("Name", "web"),
                ("Protocol", "TCP"),
                ("Port", "443"),
                ("VpcId", &vpc_id),
            ],
        )
        .await;
    assert_eq!(
        code(&dup),
        (StatusCode::BAD_REQUEST, Some("DuplicateTargetGroupName"))
    );
    let inst = elb
        .post(
            &srv,
            &[
                ("Action", "CreateTargetGroup"),
                ELB,
                ("Name", "i"),
                ("Protocol", "TCP"),
                ("Port", "80"),
                ("VpcId", &vpc_id),
                ("TargetType", "instance"),
            ],
        )
        .await;
    assert_eq!(
        code(&inst),
        (StatusCode::BAD_REQUEST, Some("ValidationError"))
    );

    for params in [
        vec![("Action", "DescribeTargetGroups"), ELB],
        vec![
            ("Action", "DescribeTargetGroups"),
            ELB,
            ("Names.member.1", "web"),
        ],
        vec![
            ("Action", "DescribeTargetGroups"),
            ELB,
            ("TargetGroupArns.member.1", arn.as_str()),
        ],
    ] {
        let out = elb.post(&srv, &params).await;
        assert_eq!(out.0, StatusCode::OK, "{}", out.1);
        assert_eq!(tags(&out.1, "TargetGroupArn"), vec![arn.as_str()]);
    }
    let missing = elb
        .post(
            &srv,
            &[
                ("Action", "DescribeTargetGroups"),
                ELB,
                ("Names.member.1", "nope"),
            ],
        )
        .await;
    assert_eq!(
        code(&missing),
        (StatusCode::BAD_REQUEST, Some("TargetGroupNotFound"))
    );

    // Targets: an address of the VPC's first subnet, on two ports.
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "RegisterTargets"),
                ELB,
                ("TargetGroupArn", &arn),
                ("Targets.member.1.Id", "10.0.0.10"),
                ("Targets.member.2.Id", "10.0.0.10"),
                ("Targets.member.2.Port", "8443"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "DescribeTargetHealth"),
                ELB,
                ("TargetGroupArn", &arn),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tags(&out.1, "Id"), vec!["10.0.0.10", "10.0.0.10"]);
    assert_eq!(tags(&out.1, "Port"), vec!["443", "8443"]);
    assert_eq!(tags(&out.1, "State"), vec!["healthy", "healthy"]);
    // One asked for that is not registered: unused, Target.NotRegistered.
    let out = elb
        .post(
            &srv,
            &[
                ("Action", "DescribeTargetHealth"),
                ELB,
                ("TargetGroupArn", &arn),
                ("Targets.member.1.Id", "10.0.0.11"),
            ],
        )
        .await;
    assert_eq!(tag(&out.1, "State"), Some("unused"), "{}", out.1);
    assert_eq!(tag(&out.1, "Reason"), Some("Target.NotRegistered"));
    let bad = elb
        .post(
            &srv,
            &[
                ("Action", "RegisterTargets"),
                ELB,
                ("TargetGroupArn", &arn),
                ("Targets.member.1.Id", "192.168.9.9"),
            ],
        )
        .await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);

    let out = elb
        .post(
            &srv,
            &[
                ("Action", "DeregisterTargets"),
                ELB,
                ("TargetGroupArn", &arn),
                ("Targets.member.1.Id", "10.0.0.10"),
                ("Targets.member.1.Port", "8443"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let rest = srv.items("/v1/target-groups", &a.token).await;
    let targets = rest[0]["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0]["port"], 443);

    let delete = [
        ("Action", "DeleteTargetGroup"),
        ELB,
        ("TargetGroupArn", arn.as_str()),
    ];
    let out = elb.post(&srv, &delete).await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert!(srv.items("/v1/target-groups", &a.token).await.is_empty());
    assert_eq!(
        code(&elb.post(&srv, &delete).await),
        (StatusCode::BAD_REQUEST, Some("TargetGroupNotFound"))
    );
}

const EC2: (&str, &str) = ("Version", super::EC2);

/// An endpoint service over EC2 with acceptance required; a second
/// account's principal allowed; that account's interface endpoint (made
/// over REST) seen, accepted and rejected over EC2, with `unsuccessful`
/// items for what cannot be done.
async fn ec2_endpoint_services_principals_and_connections(db: Db) {
    let srv = TestServer::start(db).await;
    let [a, b] = srv.accounts(["a", "b"]).await;
    let zone_ids = srv.zone_ids(&a, 2).await;
    let (_, subnets) = srv
        .vpc_with_subnets(&a, 0, serde_json::json!({}), &zone_ids)
        .await;
    let lb = srv.load_balancer(&a, "api", "network", &subnets).await;
    let lb_arn = s(&lb["load_balancer_arn"]);
    let ec2 = Signed::new(&a, "ec2");
    let create = [
        ("Action", "CreateVpcEndpointServiceConfiguration"),
        EC2,
        ("NetworkLoadBalancerArn.1", lb_arn.as_str()),
        ("AcceptanceRequired", "true"),
        ("ClientToken", "tok-1"),
        ("TagSpecification.1.ResourceType", "vpc-endpoint-service"),
        ("TagSpecification.1.Tag.1.Key", "team"),
        ("TagSpecification.1.Tag.1.Value", "edge"),
    ];
    let out = ec2.post(&srv, &create).await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let xml = &out.1;
    assert!(
        xml.contains("<CreateVpcEndpointServiceConfigurationResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"),
        "{xml}"
    );
    let sid = tag(xml, "serviceId").expect("serviceId").to_string();
    assert!(sid.starts_with("vpce-svc-"), "{sid}");
    assert!(
        xml.contains(
            "<serviceType><item><serviceType>Interface</serviceType></item></serviceType>"
        ),
        "{xml}"
    );
    assert_eq!(tag(xml, "serviceState"), Some("Available"));
    assert_eq!(tag(xml, "acceptanceRequired"), Some("true"));
    assert_eq!(
        tag(xml, "networkLoadBalancerArnSet"),
        Some(format!("<item>{lb_arn}</item>").as_str())
    );
    assert_eq!(tag(xml, "clientToken"), Some("tok-1"));
    assert!(
        xml.contains("<tagSet><item><key>team</key><value>edge</value></item></tagSet>"),
        "{xml}"
    );
    let service_name = tag(xml, "serviceName").unwrap().to_string();
    // The same ClientToken answers the same service; REST sees one.
    let again = ec2.post(&srv, &create).await;
    assert_eq!(
        tag(&again.1, "serviceId"),
        Some(sid.as_str()),
        "{}",
        again.1
    );
    assert_eq!(srv.items("/v1/endpoint-services", &a.token).await.len(), 1);
    // Errors: a load balancer that does not exist; a wrong tag resource type.
    let bad = ec2
        .post(
            &srv,
            &[
                ("Action", "CreateVpcEndpointServiceConfiguration"),
                EC2,
                (
                    "NetworkLoadBalancerArn.1",
                    "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/net/x/0123456789abcdef",
                ),
            ],
        )
        .await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);
    assert!(tag(&bad.1, "Code").is_some());

    for params in [
        vec![("Action", "DescribeVpcEndpointServiceConfigurations"), EC2],
        vec![
            ("Action", "DescribeVpcEndpointServiceConfigurations"),
            EC2,
            ("ServiceId.1", sid.as_str()),
        ],
        vec![
            ("Action", "DescribeVpcEndpointServiceConfigurations"),
            EC2,
            ("Filter.1.Name", "service-state"),
            ("Filter.1.Value.1", "Available"),
            ("Filter.2.Name", "tag:team"),
            ("Filter.2.Value.1", "edge"),
        ],
    ] {
        let out = ec2.post(&srv, &params).await;
        assert_eq!(out.0, StatusCode::OK, "{}", out.1);
        assert!(
            out.1.contains("<serviceConfigurationSet><item>"),
            "{}",
            out.1
        );
        assert_eq!(tags(&out.1, "serviceId"), vec![sid.as_str()]);
    }
    let none = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointServiceConfigurations"),
                EC2,
                ("Filter.1.Name", "service-state"),
                ("Filter.1.Value.1", "Deleting"),
            ],
        )
        .await;
    assert!(tags(&none.1, "serviceId").is_empty(), "{}", none.1);
    let missing = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointServiceConfigurations"),
                EC2,
                ("ServiceId.1", "vpce-svc-00000000000000000"),
            ],
        )
        .await;
    assert_eq!(
        code(&missing),
        (
            StatusCode::BAD_REQUEST,
            Some("InvalidVpcEndpointServiceId.NotFound")
        ),
        "{}",
        missing.1
    );

    // Principals: b's account allowed.
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "ModifyVpcEndpointServicePermissions"),
                EC2,
                ("ServiceId", &sid),
                ("AddAllowedPrincipals.1", &b.arn),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tag(&out.1, "principalType"), Some("Account"), "{}", out.1);
    assert_eq!(tag(&out.1, "principal"), Some(b.arn.as_str()));
    assert_eq!(tag(&out.1, "return"), Some("true"));
    let perm_id = tag(&out.1, "servicePermissionId").unwrap().to_string();
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointServicePermissions"),
                EC2,
                ("ServiceId", &sid),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tags(&out.1, "principal"), vec![b.arn.as_str()]);
    assert_eq!(tag(&out.1, "servicePermissionId"), Some(perm_id.as_str()));
    let bad = ec2
        .post(
            &srv,
            &[
                ("Action", "ModifyVpcEndpointServicePermissions"),
                EC2,
                ("ServiceId", &sid),
                ("AddAllowedPrincipals.1", "not-an-arn"),
            ],
        )
        .await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);

    // b's interface endpoints, over REST.
    // Zone ids are the same in every account: one of the service's zones.
    let (b_vpc, b_subnets) = srv
        .vpc_with_subnets(&b, 1, serde_json::json!({}), &zone_ids[..1])
        .await;
    let mut endpoints = Vec::new();
    for _ in 0..2 {
        let e = srv
            .create(
                "/v1/vpc-endpoints",
                &b.token,
                serde_json::json!({"vpc_endpoint_type": "interface", "vpc_id": b_vpc["vpc_id"],
                    "service_name": service_name, "subnet_ids": [b_subnets[0]]}),
            )
            .await;
        endpoints.push(s(&e["vpc_endpoint_id"]));
    }
    let (e1, e2) = (&endpoints[0], &endpoints[1]);
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointConnections"),
                EC2,
                ("Filter.1.Name", "service-id"),
                ("Filter.1.Value.1", &sid),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert!(
        out.1.contains("<vpcEndpointConnectionSet><item>"),
        "{}",
        out.1
    );
    let mut ids = tags(&out.1, "vpcEndpointId");
    ids.sort();
    let mut want = vec![e1.as_str(), e2.as_str()];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(
        tags(&out.1, "vpcEndpointState"),
        vec!["pendingAcceptance", "pendingAcceptance"]
    );
    assert_eq!(tag(&out.1, "vpcEndpointOwner"), Some(b.account_id.as_str()));
    // Across every service, narrowed by state and id; paged by offset.
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointConnections"),
                EC2,
                ("Filter.1.Name", "vpc-endpoint-state"),
                ("Filter.1.Value.1", "pendingAcceptance"),
                ("Filter.2.Name", "vpc-endpoint-id"),
                ("Filter.2.Value.1", e1),
            ],
        )
        .await;
    assert_eq!(
        tags(&out.1, "vpcEndpointId"),
        vec![e1.as_str()],
        "{}",
        out.1
    );
    let bad = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointConnections"),
                EC2,
                ("Filter.1.Name", "nope"),
                ("Filter.1.Value.1", "x"),
            ],
        )
        .await;
    assert_eq!(
        code(&bad),
        (StatusCode::BAD_REQUEST, Some("InvalidParameterValue"))
    );

    // Accept e1 (and an id that is no connection: unsuccessful); reject e2.
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "AcceptVpcEndpointConnections"),
                EC2,
                ("ServiceId", &sid),
                ("VpcEndpointId.1", e1),
                ("VpcEndpointId.2", "vpce-00000000000000000"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(
        tags(&out.1, "resourceId"),
        vec!["vpce-00000000000000000"],
        "{}",
        out.1
    );
    assert!(
        out.1.contains(
            "<unsuccessful><item><error><code>InvalidVpcEndpointId.NotFound</code><message>"
        ),
        "{}",
        out.1
    );
    let r = srv.get(&format!("/v1/vpc-endpoints/{e1}"), &b.token).await;
    assert_eq!(r.body["state"], "available", "{}", r.text);
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "RejectVpcEndpointConnections"),
                EC2,
                ("ServiceId", &sid),
                ("VpcEndpointId.1", e2),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert!(out.1.contains("<unsuccessful></unsuccessful>"), "{}", out.1);
    let r = srv.get(&format!("/v1/vpc-endpoints/{e2}"), &b.token).await;
    assert_eq!(r.body["state"], "rejected", "{}", r.text);
    // Accepting e2 now: it is decided, an unsuccessful item.
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "AcceptVpcEndpointConnections"),
                EC2,
                ("ServiceId", &sid),
                ("VpcEndpointId.1", e2),
            ],
        )
        .await;
    assert_eq!(tags(&out.1, "resourceId"), vec![e2.as_str()], "{}", out.1);
    let unknown = ec2
        .post(
            &srv,
            &[
                ("Action", "AcceptVpcEndpointConnections"),
                EC2,
                ("ServiceId", "vpce-svc-00000000000000000"),
                ("VpcEndpointId.1", e1),
            ],
        )
        .await;
    assert_eq!(
        code(&unknown),
        (
            StatusCode::BAD_REQUEST,
            Some("InvalidVpcEndpointServiceId.NotFound")
        )
    );
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "DescribeVpcEndpointConnections"),
                EC2,
                ("Filter.1.Name", "service-id"),
                ("Filter.1.Value.1", &sid),
                ("Filter.2.Name", "vpc-endpoint-state"),
                ("Filter.2.Value.1", "available"),
            ],
        )
        .await;
    assert_eq!(
        tags(&out.1, "vpcEndpointId"),
        vec![e1.as_str()],
        "{}",
        out.1
    );

    // Modify: acceptance off; REST sees it.
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "ModifyVpcEndpointServiceConfiguration"),
                EC2,
                ("ServiceId", &sid),
                ("AcceptanceRequired", "false"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tag(&out.1, "return"), Some("true"));
    let r = srv
        .get(&format!("/v1/endpoint-services/{sid}"), &a.token)
        .await;
    assert_eq!(r.body["acceptance_required"], false, "{}", r.text);

    // Delete, a batch: the service with a live connection and an unknown
    // id are unsuccessful; a service without connections goes.
    let (_, subnets2) = srv
        .vpc_with_subnets(&a, 2, serde_json::json!({}), &zone_ids[..1])
        .await;
    let lb2 = srv.load_balancer(&a, "api2", "network", &subnets2).await;
    let made = srv
        .create(
            "/v1/endpoint-services",
            &a.token,
            serde_json::json!({"network_load_balancer_arns": [lb2["load_balancer_arn"]]}),
        )
        .await;
    let sid2 = s(&made["service_id"]);
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "DeleteVpcEndpointServiceConfigurations"),
                EC2,
                ("ServiceId.1", &sid),
                ("ServiceId.2", "vpce-svc-00000000000000000"),
                ("ServiceId.3", &sid2),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(
        tags(&out.1, "resourceId"),
        vec![sid.as_str(), "vpce-svc-00000000000000000"],
        "{}",
        out.1
    );
    assert_eq!(
        tags(&out.1, "code"),
        vec![
            "ExistingVpcEndpointConnections",
            "InvalidVpcEndpointServiceId.NotFound"
        ]
    );
    let left: Vec<String> = srv
        .items("/v1/endpoint-services", &a.token)
        .await
        .iter()
        .map(|v| s(&v["service_id"]))
        .collect();
    assert_eq!(left, vec![sid.clone()]);
}

/// Private DNS verification and payer responsibility over EC2; a gateway
/// load balancer service.
async fn ec2_private_dns_verification_and_payer(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let zone_ids = srv.zone_ids(&a, 1).await;
    let (_, subnets) = srv
        .vpc_with_subnets(&a, 0, serde_json::json!({}), &zone_ids)
        .await;
    let lb = srv.load_balancer(&a, "api", "network", &subnets).await;
    let gw = srv.load_balancer(&a, "gw", "gateway", &subnets).await;
    let ec2 = Signed::new(&a, "ec2");
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "CreateVpcEndpointServiceConfiguration"),
                EC2,
                (
                    "NetworkLoadBalancerArn.1",
                    lb["load_balancer_arn"].as_str().unwrap(),
                ),
                ("PrivateDnsName", "api.example.com"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let sid = tag(&out.1, "serviceId").unwrap().to_string();
    assert_eq!(tag(&out.1, "privateDnsName"), Some("api.example.com"));
    let cfg = tag(&out.1, "privateDnsNameConfiguration")
        .unwrap()
        .to_string();
    assert_eq!(tag(&cfg, "state"), Some("pendingVerification"), "{cfg}");
    assert_eq!(tag(&cfg, "type"), Some("TXT"));
    let (label, value) = (tag(&cfg, "name").unwrap(), tag(&cfg, "value").unwrap());
    let start = [
        ("Action", "StartVpcEndpointServicePrivateDnsVerification"),
        EC2,
        ("ServiceId", sid.as_str()),
    ];
    let describe = [
        ("Action", "DescribeVpcEndpointServiceConfigurations"),
        EC2,
        ("ServiceId.1", sid.as_str()),
    ];
    let state = |xml: &str| {
        let cfg = tag(xml, "privateDnsNameConfiguration").unwrap().to_string();
        tag(&cfg, "state").unwrap().to_string()
    };
    // Nothing published: failed.
    let out = ec2.post(&srv, &start).await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tag(&out.1, "return"), Some("true"));
    assert_eq!(state(&ec2.post(&srv, &describe).await.1), "failed");
    // The record published in public DNS: verified.
    srv.create_zone(&a, "example.com").await;
    let r = srv
        .put(
            "/v1/public-dns/records",
            &a.token,
            serde_json::json!({"name": format!("{label}.api.example.com"), "type": "TXT", "value": value}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    ec2.post(&srv, &start).await;
    assert_eq!(state(&ec2.post(&srv, &describe).await.1), "verified");

    // Payer responsibility: ServiceOwner, the one value.
    let payer = |v: &'static str| {
        [
            ("Action", "ModifyVpcEndpointServicePayerResponsibility"),
            EC2,
            ("ServiceId", sid.as_str()),
            ("PayerResponsibility", v),
        ]
    };
    assert_eq!(
        code(&ec2.post(&srv, &payer("Consumer")).await),
        (StatusCode::BAD_REQUEST, Some("InvalidParameterValue"))
    );
    let out = ec2.post(&srv, &payer("ServiceOwner")).await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(
        tag(&ec2.post(&srv, &describe).await.1, "payerResponsibility"),
        Some("ServiceOwner")
    );

    // A gateway load balancer service: its type; no private DNS.
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "CreateVpcEndpointServiceConfiguration"),
                EC2,
                (
                    "GatewayLoadBalancerArn.1",
                    gw["load_balancer_arn"].as_str().unwrap(),
                ),
                ("AcceptanceRequired", "false"),
            ],
        )
        .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert!(
        out.1.contains(
            "<serviceType><item><serviceType>GatewayLoadBalancer</serviceType></item></serviceType>"
        ),
        "{}",
        out.1
    );
    assert_eq!(
        tag(&out.1, "gatewayLoadBalancerArnSet"),
        Some(format!("<item>{}</item>", s(&gw["load_balancer_arn"])).as_str())
    );
    let gsid = tag(&out.1, "serviceId").unwrap().to_string();
    let out = ec2
        .post(
            &srv,
            &[
                ("Action", "StartVpcEndpointServicePrivateDnsVerification"),
                EC2,
                ("ServiceId", &gsid),
            ],
        )
        .await;
    assert_eq!(
        code(&out),
        (StatusCode::BAD_REQUEST, Some("InvalidParameter"))
    );
}

on_both_databases!(
    ec2_private_dns_verification_and_payer,
    elbv2_load_balancers_round_trip,
    elbv2_target_groups_and_targets,
    ec2_endpoint_services_principals_and_connections,
);
