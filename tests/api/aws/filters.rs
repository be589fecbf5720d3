//! EC2's `Filter.N.Value.M`: a filter keeps what matches any of its
//! values, every filter must hold, and the store narrows the page (so a
//! page of `MaxResults` is full while more match).

use super::{Signed, fails, ok, tag, tags};
use crate::on_both_databases;
use crate::support::{Db, TestServer};
use serde_json::json;

/// A VPC created over the AWS front with a `Name` tag; answers its id.
async fn named_vpc(srv: &TestServer, e: &Signed, cidr: &str, name: &str) -> String {
    let xml = ok(
        srv,
        e,
        "CreateVpc",
        &[
            ("CidrBlock", cidr),
            ("TagSpecification.1.ResourceType", "vpc"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", name),
        ],
    )
    .await;
    tag(&xml, "vpcId").expect("vpcId").to_string()
}

async fn filters_take_several_values(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let e = Signed::new(&a, "ec2");
    let one = named_vpc(&srv, &e, "10.0.0.0/16", "one").await;
    let two = named_vpc(&srv, &e, "10.1.0.0/16", "two").await;
    let three = named_vpc(&srv, &e, "10.2.0.0/16", "three").await;
    let vpcs = |params: Vec<(&'static str, &'static str)>| {
        let (srv, e) = (&srv, &e);
        async move {
            let xml = ok(srv, e, "DescribeVpcs", &params).await;
            tags(&xml, "vpcId")
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        }
    };
    // tag:<key> keeps that key with any of the values.
    assert_eq!(
        vpcs(vec![
            ("Filter.1.Name", "tag:Name"),
            ("Filter.1.Value.1", "one"),
            ("Filter.1.Value.2", "three"),
        ])
        .await,
        vec![one.clone(), three.clone()]
    );
    // tag-key keeps any of the keys.
    assert_eq!(
        vpcs(vec![
            ("Filter.1.Name", "tag-key"),
            ("Filter.1.Value.1", "Name"),
            ("Filter.1.Value.2", "Owner"),
        ])
        .await,
        vec![one.clone(), two.clone(), three.clone()]
    );
    // Every filter must hold: cidr in {10.0, 10.1} and Name in {two, three}.
    assert_eq!(
        vpcs(vec![
            ("Filter.1.Name", "cidr"),
            ("Filter.1.Value.1", "10.0.0.0/16"),
            ("Filter.1.Value.2", "10.1.0.0/16"),
            ("Filter.2.Name", "tag:Name"),
            ("Filter.2.Value.1", "two"),
            ("Filter.2.Value.2", "three"),
        ])
        .await,
        vec![two.clone()]
    );
    // A filter with no value is refused, not read as all or nothing.
    for name in ["vpc-id", "tag-key", "cidr"] {
        let params = [("Filter.1.Name", name)];
        fails(&srv, &e, "DescribeVpcs", &params, "InvalidParameterValue").await;
    }
    // Named VPCs and filters together: the filters narrow the named.
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcs",
        &[
            ("VpcId.1", &one),
            ("VpcId.2", &two),
            ("Filter.1.Name", "tag:Name"),
            ("Filter.1.Value.1", "two"),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "vpcId"), vec![two.as_str()]);

    // Subnets: one in the second zone, then six in the first. A page of
    // five of the first zone's is full, the store having narrowed it.
    let zones = srv.zones(&a.token, "us-east-1").await;
    let subnet = |vpc: String, cidr: String, zone: String| {
        let (srv, e) = (&srv, &e);
        async move {
            let params = [
                ("VpcId", vpc.as_str()),
                ("CidrBlock", cidr.as_str()),
                ("AvailabilityZone", zone.as_str()),
            ];
            let xml = ok(srv, e, "CreateSubnet", &params).await;
            tag(&xml, "subnetId").expect("subnetId").to_string()
        }
    };
    let other_zone = subnet(one.clone(), "10.0.100.0/24".into(), zones[1].0.clone()).await;
    let mut first_zone = Vec::new();
    for i in 0..6 {
        first_zone.push(subnet(one.clone(), format!("10.0.{i}.0/24"), zones[0].0.clone()).await);
    }
    let in_two = subnet(two.clone(), "10.1.0.0/24".into(), zones[0].0.clone()).await;
    let params = [
        ("Filter.1.Name", "availability-zone"),
        ("Filter.1.Value.1", zones[0].0.as_str()),
        ("Filter.2.Name", "vpc-id"),
        ("Filter.2.Value.1", one.as_str()),
        ("MaxResults", "5"),
    ];
    let xml = ok(&srv, &e, "DescribeSubnets", &params).await;
    assert_eq!(tags(&xml, "subnetId"), first_zone[..5].to_vec());
    let token = tag(&xml, "nextToken").expect("a second page").to_string();
    let mut next = params.to_vec();
    next.push(("NextToken", &token));
    let xml = ok(&srv, &e, "DescribeSubnets", &next).await;
    assert_eq!(tags(&xml, "subnetId"), vec![first_zone[5].as_str()]);
    // vpc-id with two values: the subnets of both VPCs.
    let xml = ok(
        &srv,
        &e,
        "DescribeSubnets",
        &[
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", &two),
            ("Filter.1.Value.2", &one),
        ],
    )
    .await;
    assert_eq!(tags(&xml, "subnetId").len(), 8);
    assert!(xml.contains(&other_zone) && xml.contains(&in_two));
    // A zone name the caller does not have matches nothing.
    let xml = ok(
        &srv,
        &e,
        "DescribeSubnets",
        &[
            ("Filter.1.Name", "availability-zone"),
            ("Filter.1.Value.1", "us-east-1z"),
        ],
    )
    .await;
    assert!(tags(&xml, "subnetId").is_empty(), "{xml}");

    // association.main takes true, false or both.
    let main_of = |v: Vec<&'static str>| {
        let (srv, e, vpc) = (&srv, &e, one.clone());
        async move {
            let mut params = vec![
                ("Filter.1.Name", "vpc-id"),
                ("Filter.1.Value.1", vpc.as_str()),
            ];
            params.push(("Filter.2.Name", "association.main"));
            let names = ["Filter.2.Value.1", "Filter.2.Value.2"];
            params.extend(names.iter().copied().zip(v));
            let xml = ok(srv, e, "DescribeRouteTables", &params).await;
            // Each table's id, and again in its associations.
            let mut ids = tags(&xml, "routeTableId");
            ids.dedup();
            ids.len()
        }
    };
    ok(&srv, &e, "CreateRouteTable", &[("VpcId", &one)]).await;
    assert_eq!(main_of(vec!["true"]).await, 1);
    assert_eq!(main_of(vec!["false"]).await, 1);
    assert_eq!(main_of(vec!["true", "false"]).await, 2);
    fails(
        &srv,
        &e,
        "DescribeRouteTables",
        &[
            ("Filter.1.Name", "association.main"),
            ("Filter.1.Value.1", "maybe"),
        ],
        "InvalidParameterValue",
    )
    .await;

    // Discovery: service-type with two values keeps both kinds, the
    // caller's own interface service among the Interface ones.
    let own = srv.endpoint_service(&a, json!({})).await;
    let own_name = own["service_name"].as_str().unwrap().to_string();
    srv.allow_everyone(&a.token, own["service_id"].as_str().unwrap())
        .await;
    let kinds = |v: Vec<&'static str>| {
        let (srv, e, own_name) = (&srv, &e, own_name.clone());
        async move {
            let mut params = vec![("MaxResults", "1000"), ("Filter.1.Name", "service-type")];
            let names = ["Filter.1.Value.1", "Filter.1.Value.2"];
            params.extend(names.iter().copied().zip(v));
            let xml = ok(srv, e, "DescribeVpcEndpointServices", &params).await;
            let mut kinds = ["Gateway", "GatewayLoadBalancer", "Interface"]
                .into_iter()
                .filter(|k| xml.contains(&format!("<serviceType>{k}</serviceType>")))
                .collect::<Vec<_>>();
            if xml.contains(&format!("<item>{own_name}</item>")) {
                kinds.push("own");
            }
            kinds
        }
    };
    assert_eq!(kinds(vec!["Gateway"]).await, vec!["Gateway"]);
    assert_eq!(
        kinds(vec!["Gateway", "Interface"]).await,
        vec!["Gateway", "Interface", "own"]
    );
    assert_eq!(
        kinds(vec!["GatewayLoadBalancer", "Interface"]).await,
        vec!["Interface", "own"]
    );
}

on_both_databases!(filters_take_several_values);
