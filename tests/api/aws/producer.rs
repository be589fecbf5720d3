//! The producer's side of the AWS front: ELBv2 load balancers and target
//! groups, EC2 endpoint services, their principals and connections, in
//! AWS's XML, over the same records REST shows.

use super::{Signed, tag};
use crate::on_both_databases;
use crate::support::{Db, TestServer, s};
use reqwest::StatusCode;

const ELB: (&str, &str) = ("Version", "2015-12-01");

/// Every text of `<name>` in the document, in order.
fn tags<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find(&open) {
        let from = &rest[i + open.len()..];
        let Some(j) = from.find(&close) else { break };
        out.push(&from[..j]);
        rest = &from[j + close.len()..];
    }
    out
}

fn code(out: &(StatusCode, String)) -> (StatusCode, Option<&str>) {
    (out.0, tag(&out.1, "Code"))
}

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
                ("Subnets.member.1", "subnet-0000000000000000f"),
            ],
        )
        .await;
    assert_eq!(bad_subnet.0, StatusCode::BAD_REQUEST, "{}", bad_subnet.1);

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

on_both_databases!(
    elbv2_load_balancers_round_trip,
    elbv2_target_groups_and_targets,
);
