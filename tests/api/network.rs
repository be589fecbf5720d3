//! The network model over HTTP: VPCs, subnets and addresses, route tables
//! and route states, security groups, gateways, peering, transit gateways,
//! dependency checks and tenancy.

use crate::on_both_databases;
use crate::support::{ADMIN, Actor, Db, TestServer, s};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    vpc_comes_with_main_route_table_and_default_group,
    bad_cidrs_and_zones_are_400,
    subnet_addresses_are_allocated_lowest_first,
    routes_validate_targets_and_turn_blackhole,
    route_table_associations_move_and_protect,
    security_groups_rules_and_dependencies,
    peering_across_accounts_and_regions,
    transit_gateway_attachments_and_routes,
    deletes_refuse_while_something_depends,
    another_account_sees_nothing,
    lists_filter_and_page,
);

async fn vpc(s_: &TestServer, who: &Actor, cidr: &str, region: &str) -> Value {
    s_.create(
        "/v1/vpcs",
        &who.token,
        json!({"cidr_block": cidr, "region": region}),
    )
    .await
}

async fn eni(
    s_: &TestServer,
    who: &Actor,
    subnet_id: &str,
    ip: Option<&str>,
) -> crate::support::Resp {
    let mut body = json!({"subnet_id": subnet_id});
    if let Some(ip) = ip {
        body["private_ip"] = json!(ip);
    }
    s_.post("/v1/network-interfaces", &who.token, body).await
}

/// A subnet's count of free addresses.
async fn count(s_: &TestServer, who: &Actor, subnet_id: &str) -> Value {
    s_.get(&format!("/v1/subnets/{subnet_id}"), &who.token)
        .await
        .body["available_ip_address_count"]
        .clone()
}

/// The route of a table with this destination.
async fn route(s_: &TestServer, who: &Actor, rtb: &str, dest: &str) -> Option<Value> {
    let t = s_.get(&format!("/v1/route-tables/{rtb}"), &who.token).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.body);
    t.body["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["destination_cidr_block"] == dest || r["destination_prefix_list_id"] == dest)
        .cloned()
}

/// Creating a VPC creates its main route table with the local route and
/// its default security group (ingress from itself, egress to anywhere).
async fn vpc_comes_with_main_route_table_and_default_group(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let r = s_
        .post(
            "/v1/vpcs",
            &a.token,
            json!({"cidr_block": "10.0.0.0/16", "tags": {"Name": "main"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.body;
    let vpc_id = s(&v["vpc_id"]);
    assert!(vpc_id.starts_with("vpc-") && vpc_id.len() == 21, "{vpc_id}");
    assert_eq!(
        r.headers.get("location").unwrap(),
        &format!("/v1/vpcs/{vpc_id}")
    );
    assert_eq!(v["region"], "us-east-1");
    assert_eq!(v["owner_id"], a.account_id.as_str());
    assert_eq!(v["enable_dns_support"], true);
    assert_eq!(v["enable_dns_hostnames"], false);
    assert_eq!(v["state"], "available");
    assert_eq!(v["tags"]["Name"], "main");

    let rtb = s_
        .get(
            &format!("/v1/route-tables/{}", s(&v["main_route_table_id"])),
            &a.token,
        )
        .await
        .body;
    assert_eq!(rtb["main"], true);
    assert_eq!(rtb["vpc_id"], vpc_id.as_str());
    assert_eq!(
        rtb["routes"],
        json!([{"destination_cidr_block": "10.0.0.0/16", "destination_prefix_list_id": null,
                "gateway_id": "local", "nat_gateway_id": null, "vpc_peering_connection_id": null,
                "transit_gateway_id": null, "network_interface_id": null, "vpc_endpoint_id": null,
                "state": "active", "origin": "create_route_table"}])
    );
    assert_eq!(rtb["associations"][0]["main"], true);

    let sg = s_
        .get(
            &format!("/v1/security-groups/{}", s(&v["default_security_group_id"])),
            &a.token,
        )
        .await
        .body;
    assert_eq!(sg["group_name"], "default");
    assert_eq!(sg["ingress"][0]["protocol"], "all");
    assert_eq!(sg["ingress"][0]["group_id"], sg["group_id"]);
    assert_eq!(sg["egress"][0]["cidr"], "0.0.0.0/0");

    // DNS attributes: PATCH, with ETag / If-Match.
    let got = s_.get(&format!("/v1/vpcs/{vpc_id}"), &a.token).await;
    let etag = got.header("etag").unwrap().to_string();
    let p = s_
        .patch(
            &format!("/v1/vpcs/{vpc_id}"),
            &a.token,
            json!({"enable_dns_hostnames": true}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.body["enable_dns_hostnames"], true);
    let stale = s_
        .patch(
            &format!("/v1/vpcs/{vpc_id}"),
            &a.token,
            json!({"enable_dns_support": true}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::OK);
    let stale_body = json!({"enable_dns_support": false});
    s_.patch_if_match(&format!("/v1/vpcs/{vpc_id}"), &a.token, &etag, stale_body)
        .await
        .assert_problem(412, "PreconditionFailed");
    // Hostnames need DNS support.
    let v2 = s_
        .post(
            "/v1/vpcs",
            &a.token,
            json!({"cidr_block": "10.1.0.0/16", "enable_dns_support": false, "enable_dns_hostnames": true}),
        )
        .await;
    v2.assert_problem(400, "InvalidParameterValue");
    // The admin owns no networks.
    s_.post("/v1/vpcs", ADMIN, json!({"cidr_block": "10.0.0.0/16"}))
        .await
        .assert_problem(403, "UnauthorizedOperation");
    s_.stop().await;
}

/// Invalid CIDR text, host CIDRs, wrong prefix lengths, unknown zones:
/// 400 with the AWS code, never 500.
async fn bad_cidrs_and_zones_are_400(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    for (cidr, code) in [
        ("10.0.0.1/16", "InvalidParameterValue"),
        ("10.0.0/16", "InvalidParameterValue"),
        ("256.0.0.0/16", "InvalidParameterValue"),
        ("10.0.0.0", "InvalidParameterValue"),
        ("10.0.0.0/33", "InvalidParameterValue"),
        ("10.0.0.0/8", "InvalidVpc.Range"),
        ("10.0.0.0/29", "InvalidVpc.Range"),
    ] {
        let r = s_
            .post("/v1/vpcs", &a.token, json!({"cidr_block": cidr}))
            .await;
        r.assert_problem(400, code);
        assert!(r.detail().contains(cidr.split('/').next().unwrap()));
    }
    s_.post(
        "/v1/vpcs",
        &a.token,
        json!({"cidr_block": "10.0.0.0/16", "region": "mars-1"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let vpc_id = s(&v["vpc_id"]);
    let zones = s_.zones(&a.token, "us-east-1").await;
    let west = s_.zones(&a.token, "us-west-2").await;
    for (body, status, code) in [
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.1.0.0/24"}),
            400,
            "InvalidSubnet.Range",
        ),
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.0/29"}),
            400,
            "InvalidSubnet.Range",
        ),
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.5/24"}),
            400,
            "InvalidParameterValue",
        ),
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.0/24", "availability_zone": "us-east-1z"}),
            400,
            "InvalidParameterValue",
        ),
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.0/24", "availability_zone_id": west[0].1}),
            400,
            "InvalidParameterValue",
        ),
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.0/24", "availability_zone": zones[0].0, "availability_zone_id": zones[1].1}),
            400,
            "InvalidParameterCombination",
        ),
        (
            json!({"vpc_id": "vpc-00000000000000000", "cidr_block": "10.0.0.0/24"}),
            400,
            "InvalidVpcID.NotFound",
        ),
        (
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.0/24", "bogus": 1}),
            400,
            "InvalidParameterValue",
        ),
        (json!({"vpc_id": vpc_id}), 400, "MissingParameter"),
    ] {
        s_.post("/v1/subnets", &a.token, body)
            .await
            .assert_problem(status, code);
    }
    // By zone name the caller's mapping applies.
    let sub = s_
        .create(
            "/v1/subnets",
            &a.token,
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.0/24", "availability_zone": zones[1].0}),
        )
        .await;
    assert_eq!(sub["availability_zone"], zones[1].0.as_str());
    assert_eq!(sub["availability_zone_id"], zones[1].1.as_str());
    s_.post(
        "/v1/subnets",
        &a.token,
        json!({"vpc_id": vpc_id, "cidr_block": "10.0.0.128/25"}),
    )
    .await
    .assert_problem(409, "InvalidSubnet.Conflict");
    // A block that would contain a later subnet conflicts too.
    s_.subnet(&a, &vpc_id, "10.0.20.0/24", &zones[0].1).await;
    let r = s_
        .post(
            "/v1/subnets",
            &a.token,
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.16.0/20"}),
        )
        .await;
    r.assert_problem(409, "InvalidSubnet.Conflict");
    assert!(s(&r.body["detail"]).contains("10.0.16.0/20"));
    s_.subnet(&a, &vpc_id, "10.0.16.0/22", &zones[0].1).await;
    s_.stop().await;
}

/// Addresses: the lowest free one, or the one asked for when it is free,
/// inside and not reserved; the count of free addresses follows.
async fn subnet_addresses_are_allocated_lowest_first(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let sub = s_
        .subnet(&a, &s(&v["vpc_id"]), "10.0.1.0/24", &zones[0].1)
        .await;
    let sid = s(&sub["subnet_id"]);
    assert_eq!(sub["available_ip_address_count"], 251);
    let first = eni(&s_, &a, &sid, None).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["private_ip"], "10.0.1.4");
    assert_eq!(
        first.body["security_group_ids"],
        json!([s(&v["default_security_group_id"])])
    );
    assert_eq!(first.body["availability_zone_id"], zones[0].1.as_str());
    let asked = eni(&s_, &a, &sid, Some("10.0.1.10")).await;
    assert_eq!(asked.body["private_ip"], "10.0.1.10");
    assert_eq!(
        eni(&s_, &a, &sid, None).await.body["private_ip"],
        "10.0.1.5"
    );
    eni(&s_, &a, &sid, Some("10.0.1.10"))
        .await
        .assert_problem(409, "InvalidIPAddress.InUse");
    eni(&s_, &a, &sid, Some("10.0.1.1"))
        .await
        .assert_problem(400, "InvalidParameterValue");
    eni(&s_, &a, &sid, Some("10.0.1.255"))
        .await
        .assert_problem(400, "InvalidParameterValue");
    eni(&s_, &a, &sid, Some("10.0.2.4"))
        .await
        .assert_problem(400, "InvalidParameterValue");
    eni(&s_, &a, &sid, Some("10.0.1.x"))
        .await
        .assert_problem(400, "InvalidParameterValue");
    assert_eq!(count(&s_, &a, &sid).await, 248);
    // Freeing the first address makes it the lowest free again.
    let first_id = s(&first.body["network_interface_id"]);
    assert_eq!(
        s_.delete(&format!("/v1/network-interfaces/{first_id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(count(&s_, &a, &sid).await, 249);
    assert_eq!(
        eni(&s_, &a, &sid, None).await.body["private_ip"],
        "10.0.1.4"
    );
    // A /28 holds 11 usable addresses; the twelfth does not fit.
    let small = s_
        .subnet(&a, &s(&v["vpc_id"]), "10.0.2.0/28", &zones[0].1)
        .await;
    let small_id = s(&small["subnet_id"]);
    assert_eq!(small["available_ip_address_count"], 11);
    for i in 0..11 {
        let r = eni(&s_, &a, &small_id, None).await;
        assert_eq!(r.body["private_ip"], format!("10.0.2.{}", 4 + i));
    }
    eni(&s_, &a, &small_id, None)
        .await
        .assert_problem(409, "InsufficientFreeAddressesInSubnet");
    // The refused allocation counted nothing: its transaction rolled back.
    assert_eq!(count(&s_, &a, &small_id).await, 0);
    s_.stop().await;
}

/// Routes check their target against the table's VPC; a route whose target
/// goes away or stops being usable shows `blackhole`, and comes back when
/// the target does.
async fn routes_validate_targets_and_turn_blackhole(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let vpc_id = s(&v["vpc_id"]);
    let rtb = s(&v["main_route_table_id"]);
    let routes = format!("/v1/route-tables/{rtb}/routes");
    let igw = s(&s_
        .create("/v1/internet-gateways", &a.token, json!({}))
        .await["internet_gateway_id"]);
    // Detached gateway, unknown gateway, missing target, two targets.
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": igw}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-00000000000000000"}),
    )
    .await
    .assert_problem(400, "InvalidGatewayID.NotFound");
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "0.0.0.0/0"}),
    )
    .await
    .assert_problem(400, "MissingParameter");
    s_.post(&routes, &a.token, json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": igw, "nat_gateway_id": "nat-1"}))
        .await
        .assert_problem(400, "InvalidParameterCombination");
    // Attach, route, duplicate.
    let att = s_
        .post(
            &format!("/v1/internet-gateways/{igw}/attach"),
            &a.token,
            json!({"vpc_id": vpc_id}),
        )
        .await;
    assert_eq!(att.status, StatusCode::OK, "{}", att.body);
    assert_eq!(att.body["state"], "attached");
    let r = s_
        .post(
            &routes,
            &a.token,
            json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": igw}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        route(&s_, &a, &rtb, "0.0.0.0/0").await.unwrap()["state"],
        "active"
    );
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": igw}),
    )
    .await
    .assert_problem(409, "RouteAlreadyExists");
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "10.0.0.0/16", "gateway_id": igw}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "10.0.5.0/24", "gateway_id": igw}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    // The local route stays.
    s_.delete(&format!("{routes}?destination=10.0.0.0/16"), &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    s_.delete(&format!("{routes}?destination=192.168.0.0/16"), &a.token)
        .await
        .assert_problem(404, "InvalidRoute.NotFound");
    // NAT gateway in a public subnet; a prefix-list route to it.
    let public = s_.subnet(&a, &vpc_id, "10.0.0.0/24", &zones[0].1).await;
    let nat = s_
        .create(
            "/v1/nat-gateways",
            &a.token,
            json!({"subnet_id": s(&public["subnet_id"])}),
        )
        .await;
    assert_eq!(nat["private_ip"], "10.0.0.4");
    assert_eq!(nat["state"], "available");
    let nat_id = s(&nat["nat_gateway_id"]);
    let pl = s_
        .get("/v1/prefix-lists?region=us-east-1", &a.token)
        .await
        .body["items"][0]["prefix_list_id"]
        .clone();
    let r = s_
        .post(
            &routes,
            &a.token,
            json!({"destination_prefix_list_id": pl, "nat_gateway_id": nat_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    s_.post(
        &routes,
        &a.token,
        json!({"destination_prefix_list_id": "pl-00000000", "nat_gateway_id": nat_id}),
    )
    .await
    .assert_problem(400, "InvalidPrefixListID.NotFound");
    s_.post(
        &routes,
        &a.token,
        json!({"destination_prefix_list_id": "pl-xyz", "nat_gateway_id": nat_id}),
    )
    .await
    .assert_problem(400, "InvalidPrefixListId.Malformed");
    // An interface route more specific than the VPC (middlebox) is allowed.
    let box_ = eni(&s_, &a, &s(&public["subnet_id"]), None).await.body;
    let box_id = s(&box_["network_interface_id"]);
    let r = s_
        .post(
            &routes,
            &a.token,
            json!({"destination_cidr_block": "10.0.9.0/24", "network_interface_id": box_id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // A detached gateway's route is a blackhole, and revives on re-attach.
    s_.post(
        &format!("/v1/internet-gateways/{igw}/detach"),
        &a.token,
        json!({"vpc_id": vpc_id}),
    )
    .await
    .assert_problem(409, "DependencyViolation");
    assert_eq!(
        s_.delete(&format!("/v1/nat-gateways/{nat_id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let pl_text = s(&pl);
    assert_eq!(
        route(&s_, &a, &rtb, &pl_text).await.unwrap()["state"],
        "blackhole"
    );
    let d = s_
        .post(
            &format!("/v1/internet-gateways/{igw}/detach"),
            &a.token,
            json!({"vpc_id": vpc_id}),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert_eq!(
        route(&s_, &a, &rtb, "0.0.0.0/0").await.unwrap()["state"],
        "blackhole"
    );
    s_.post(
        &format!("/v1/internet-gateways/{igw}/attach"),
        &a.token,
        json!({"vpc_id": vpc_id}),
    )
    .await;
    assert_eq!(
        route(&s_, &a, &rtb, "0.0.0.0/0").await.unwrap()["state"],
        "active"
    );
    assert_eq!(
        s_.delete(&format!("/v1/network-interfaces/{box_id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = route(&s_, &a, &rtb, "10.0.9.0/24").await.unwrap();
    assert_eq!(r["state"], "blackhole");
    assert_eq!(r["network_interface_id"], box_id.as_str());
    // Removing a user route.
    assert_eq!(
        s_.delete(&format!("{routes}?destination=10.0.9.0/24"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(route(&s_, &a, &rtb, "10.0.9.0/24").await.is_none());
    s_.stop().await;
}

/// A subnet uses one route table: associating it elsewhere moves it; a
/// table in use cannot be deleted; the main table never can.
async fn route_table_associations_move_and_protect(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let vpc_id = s(&v["vpc_id"]);
    let sub = s(&s_.subnet(&a, &vpc_id, "10.0.1.0/24", &zones[0].1).await["subnet_id"]);
    let t1 = s_
        .create("/v1/route-tables", &a.token, json!({"vpc_id": vpc_id}))
        .await;
    let t2 = s_
        .create("/v1/route-tables", &a.token, json!({"vpc_id": vpc_id}))
        .await;
    assert_eq!(t1["main"], false);
    assert_eq!(t1["routes"][0]["gateway_id"], "local");
    let (t1, t2) = (s(&t1["route_table_id"]), s(&t2["route_table_id"]));
    let assoc = s_
        .create(
            &format!("/v1/route-tables/{t1}/associations"),
            &a.token,
            json!({"subnet_id": sub}),
        )
        .await;
    assert!(s(&assoc["association_id"]).starts_with("rtbassoc-"));
    s_.post(
        &format!("/v1/route-tables/{t1}/associations"),
        &a.token,
        json!({"subnet_id": sub}),
    )
    .await
    .assert_problem(409, "Resource.AlreadyAssociated");
    s_.delete(&format!("/v1/route-tables/{t1}"), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Move to t2.
    let moved = s_
        .create(
            &format!("/v1/route-tables/{t2}/associations"),
            &a.token,
            json!({"subnet_id": sub}),
        )
        .await;
    let t1_now = s_
        .get(&format!("/v1/route-tables/{t1}"), &a.token)
        .await
        .body;
    assert_eq!(t1_now["associations"], json!([]));
    let t2_now = s_
        .get(&format!("/v1/route-tables/{t2}"), &a.token)
        .await
        .body;
    assert_eq!(t2_now["associations"][0]["subnet_id"], sub.as_str());
    assert_eq!(
        s_.delete(&format!("/v1/route-tables/{t1}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Main: its association cannot be removed, the table cannot be deleted.
    let main = s(&v["main_route_table_id"]);
    let main_assoc = s_
        .get(&format!("/v1/route-tables/{main}"), &a.token)
        .await
        .body["associations"][0]["association_id"]
        .clone();
    s_.delete(
        &format!("/v1/route-tables/{main}/associations/{}", s(&main_assoc)),
        &a.token,
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.delete(&format!("/v1/route-tables/{main}"), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Disassociate, then the table goes.
    let path = format!(
        "/v1/route-tables/{t2}/associations/{}",
        s(&moved["association_id"])
    );
    assert_eq!(
        s_.delete(&path, &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    s_.delete(&path, &a.token)
        .await
        .assert_problem(404, "InvalidAssociationID.NotFound");
    assert_eq!(
        s_.delete(&format!("/v1/route-tables/{t2}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // A subnet of another VPC cannot be associated.
    let other = vpc(&s_, &a, "10.9.0.0/16", "us-east-1").await;
    let t3 = s(&s_
        .create(
            "/v1/route-tables",
            &a.token,
            json!({"vpc_id": s(&other["vpc_id"])}),
        )
        .await["route_table_id"]);
    s_.post(
        &format!("/v1/route-tables/{t3}/associations"),
        &a.token,
        json!({"subnet_id": sub}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.stop().await;
}

/// Rules with CIDR, prefix-list and group peers; duplicates refused; the
/// default group is never deleted; a group in use is not deleted.
async fn security_groups_rules_and_dependencies(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let vpc_id = s(&v["vpc_id"]);
    let pl = s_
        .get("/v1/prefix-lists?region=us-east-1", &a.token)
        .await
        .body["items"][0]["prefix_list_id"]
        .clone();
    let web = s_
        .create(
            "/v1/security-groups",
            &a.token,
            json!({"vpc_id": vpc_id, "group_name": "web", "description": "web tier",
                   "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/16"}],
                   "egress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "prefix_list_id": pl}]}),
        )
        .await;
    let web_id = s(&web["group_id"]);
    assert_eq!(web["ingress"].as_array().unwrap().len(), 1);
    assert_eq!(
        web["egress"],
        json!([{
        "security_group_rule_id": web["egress"][0]["security_group_rule_id"], "direction": "egress",
        "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": null, "prefix_list_id": pl,
        "group_id": null, "description": null}])
    );
    // Without egress: allow all out.
    let app = s_
        .create(
            "/v1/security-groups",
            &a.token,
            json!({"vpc_id": vpc_id, "group_name": "app", "description": "app"}),
        )
        .await;
    assert_eq!(app["egress"][0]["protocol"], "all");
    let app_id = s(&app["group_id"]);
    let rules = format!("/v1/security-groups/{app_id}/rules");
    let r = s_.post(&rules, &a.token, json!({"direction": "ingress", "protocol": "tcp", "from_port": 8080, "to_port": 8080, "group_id": web_id})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    s_.post(&rules, &a.token, json!({"direction": "ingress", "protocol": "6", "from_port": 8080, "to_port": 8080, "group_id": web_id}))
        .await
        .assert_problem(409, "InvalidPermission.Duplicate");
    for (body, code) in [
        (
            json!({"direction": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 70, "cidr": "10.0.0.0/8"}),
            "InvalidParameterValue",
        ),
        (
            json!({"direction": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 70000, "cidr": "10.0.0.0/8"}),
            "InvalidParameterValue",
        ),
        (
            json!({"direction": "ingress", "protocol": "tcp", "cidr": "10.0.0.0/8"}),
            "MissingParameter",
        ),
        (
            json!({"direction": "ingress", "protocol": "gre", "cidr": "10.0.0.0/8"}),
            "InvalidParameterValue",
        ),
        (
            json!({"direction": "ingress", "protocol": "all"}),
            "MissingParameter",
        ),
        (
            json!({"direction": "ingress", "protocol": "all", "cidr": "10.0.0.1/8"}),
            "InvalidParameterValue",
        ),
        (
            json!({"direction": "ingress", "protocol": "all", "cidr": "10.0.0.0/8", "group_id": web_id}),
            "InvalidParameterCombination",
        ),
        (
            json!({"direction": "ingress", "protocol": "all", "prefix_list_id": "pl-00000000"}),
            "InvalidPrefixListID.NotFound",
        ),
        (
            json!({"direction": "ingress", "protocol": "all", "group_id": "sg-00000000000000000"}),
            "InvalidGroup.NotFound",
        ),
        (
            json!({"direction": "sideways", "protocol": "all", "cidr": "10.0.0.0/8"}),
            "InvalidParameterValue",
        ),
    ] {
        s_.post(&rules, &a.token, body)
            .await
            .assert_problem(400, code);
    }
    s_.post(
        "/v1/security-groups",
        &a.token,
        json!({"vpc_id": vpc_id, "group_name": "web", "description": "again"}),
    )
    .await
    .assert_problem(409, "InvalidGroup.Duplicate");
    s_.post(
        "/v1/security-groups",
        &a.token,
        json!({"vpc_id": vpc_id, "group_name": "default", "description": "x"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.delete(
        &format!("/v1/security-groups/{}", s(&v["default_security_group_id"])),
        &a.token,
    )
    .await
    .assert_problem(400, "CannotDelete");
    // web is referenced by app's rule; app is used by an interface.
    let del = s_
        .delete(&format!("/v1/security-groups/{web_id}"), &a.token)
        .await;
    del.assert_problem(409, "DependencyViolation");
    assert!(del.detail().contains(&app_id));
    let sub = s(&s_.subnet(&a, &vpc_id, "10.0.1.0/24", &zones[0].1).await["subnet_id"]);
    let e = s_
        .create(
            "/v1/network-interfaces",
            &a.token,
            json!({"subnet_id": sub, "security_group_ids": [app_id, app_id]}),
        )
        .await;
    assert_eq!(e["security_group_ids"], json!([app_id]));
    let del = s_
        .delete(&format!("/v1/security-groups/{app_id}"), &a.token)
        .await;
    del.assert_problem(409, "DependencyViolation");
    assert!(del.detail().contains(&s(&e["network_interface_id"])));
    // Remove the referencing rule: web can go.
    let app_now = s_
        .get(&format!("/v1/security-groups/{app_id}"), &a.token)
        .await
        .body;
    let rule_id = app_now["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group_id"] == web_id.as_str())
        .unwrap()["security_group_rule_id"]
        .clone();
    assert_eq!(
        s_.delete(&format!("{rules}/{}", s(&rule_id)), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.delete(&format!("{rules}/{}", s(&rule_id)), &a.token)
        .await
        .assert_problem(404, "InvalidSecurityGroupRuleId.NotFound");
    assert_eq!(
        s_.delete(&format!("/v1/security-groups/{web_id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // A group of another VPC cannot go on an interface.
    let other = vpc(&s_, &a, "10.9.0.0/16", "us-east-1").await;
    s_.post(
        "/v1/network-interfaces",
        &a.token,
        json!({"subnet_id": sub, "security_group_ids": [s(&other["default_security_group_id"])]}),
    )
    .await
    .assert_problem(400, "InvalidParameter");
    s_.stop().await;
}

/// Peering: requested by A to B's VPC in another region; only B accepts;
/// a third account sees nothing; overlapping VPCs are refused; routes to
/// the peering turn blackhole when it is deleted.
async fn peering_across_accounts_and_regions(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b, c] = s_.accounts(["a", "b", "c"]).await;
    let va = vpc(&s_, &a, "10.0.0.0/16", "eu-west-1").await;
    let vb = vpc(&s_, &b, "10.1.0.0/16", "eu-west-2").await;
    let vb_overlap = vpc(&s_, &b, "10.0.128.0/17", "eu-west-1").await;
    let req = json!({"requester_vpc_id": va["vpc_id"], "accepter_vpc_id": vb["vpc_id"],
                     "peer_owner_id": b.account_id, "peer_region": "eu-west-2"});
    let pcx = s_
        .create("/v1/vpc-peering-connections", &a.token, req.clone())
        .await;
    let id = s(&pcx["vpc_peering_connection_id"]);
    assert!(id.starts_with("pcx-"));
    assert_eq!(pcx["status"]["code"], "pending_acceptance");
    assert_eq!(pcx["accepter_vpc_info"]["owner_id"], b.account_id.as_str());
    assert_eq!(pcx["accepter_vpc_info"]["region"], "eu-west-2");
    assert_eq!(pcx["requester_vpc_info"]["cidr_block"], "10.0.0.0/16");
    s_.post("/v1/vpc-peering-connections", &a.token, req)
        .await
        .assert_problem(409, "VpcPeeringConnectionAlreadyExists");
    s_.post("/v1/vpc-peering-connections", &a.token, json!({"requester_vpc_id": va["vpc_id"], "accepter_vpc_id": vb_overlap["vpc_id"], "peer_owner_id": b.account_id}))
        .await
        .assert_problem(400, "InvalidParameterValue");
    s_.post("/v1/vpc-peering-connections", &a.token, json!({"requester_vpc_id": va["vpc_id"], "accepter_vpc_id": vb["vpc_id"], "peer_owner_id": b.account_id}))
        .await
        .assert_problem(400, "InvalidVpcID.NotFound");
    // B sees it; C does not; A may not accept; a route before acceptance is refused.
    let path = format!("/v1/vpc-peering-connections/{id}");
    assert_eq!(s_.get(&path, &b.token).await.status, StatusCode::OK);
    assert_eq!(
        s_.get("/v1/vpc-peering-connections", &b.token).await.body["items"][0]["vpc_peering_connection_id"],
        id.as_str()
    );
    s_.get(&path, &c.token)
        .await
        .assert_problem(404, "InvalidVpcPeeringConnectionID.NotFound");
    s_.post(&format!("{path}/accept"), &c.token, json!({}))
        .await
        .assert_problem(404, "InvalidVpcPeeringConnectionID.NotFound");
    s_.post(&format!("{path}/accept"), &a.token, json!({}))
        .await
        .assert_problem(403, "OperationNotPermitted");
    let rtb = s(&va["main_route_table_id"]);
    let routes = format!("/v1/route-tables/{rtb}/routes");
    s_.post(
        &routes,
        &a.token,
        json!({"destination_cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": id}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let acc = s_
        .post_ok(&format!("{path}/accept"), &b.token, json!({}))
        .await;
    assert_eq!(acc["status"]["code"], "active");
    s_.post(&format!("{path}/accept"), &b.token, json!({}))
        .await
        .assert_problem(409, "InvalidStateTransition");
    let r = s_
        .post(
            &routes,
            &a.token,
            json!({"destination_cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        route(&s_, &a, &rtb, "10.1.0.0/16").await.unwrap()["state"],
        "active"
    );
    // B deletes it: it stays visible as deleted; A's route is a blackhole.
    assert_eq!(
        s_.delete(&path, &b.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s_.get(&path, &a.token).await.body["status"]["code"],
        "deleted"
    );
    assert_eq!(
        route(&s_, &a, &rtb, "10.1.0.0/16").await.unwrap()["state"],
        "blackhole"
    );
    s_.delete(&path, &a.token)
        .await
        .assert_problem(409, "InvalidStateTransition");
    // A rejected request cannot be accepted later.
    let again = s_.create("/v1/vpc-peering-connections", &a.token, json!({"requester_vpc_id": va["vpc_id"], "accepter_vpc_id": vb["vpc_id"], "peer_owner_id": b.account_id, "peer_region": "eu-west-2"})).await;
    let p2 = format!(
        "/v1/vpc-peering-connections/{}",
        s(&again["vpc_peering_connection_id"])
    );
    assert_eq!(
        s_.post(&format!("{p2}/reject"), &b.token, json!({}))
            .await
            .body["status"]["code"],
        "rejected"
    );
    s_.post(&format!("{p2}/accept"), &b.token, json!({}))
        .await
        .assert_problem(409, "InvalidStateTransition");
    s_.stop().await;
}

/// Transit gateways: attachments take one subnet per zone; attached VPCs'
/// CIDRs propagate; static and blackhole routes; a deleted attachment
/// turns its static routes and VPC routes to the gateway into blackholes.
async fn transit_gateway_attachments_and_routes(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v1 = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let v2 = vpc(&s_, &a, "10.1.0.0/16", "us-east-1").await;
    let s1a = s(&s_
        .subnet(&a, &s(&v1["vpc_id"]), "10.0.1.0/24", &zones[0].1)
        .await["subnet_id"]);
    let s1b = s(&s_
        .subnet(&a, &s(&v1["vpc_id"]), "10.0.2.0/24", &zones[0].1)
        .await["subnet_id"]);
    let s2 = s(&s_
        .subnet(&a, &s(&v2["vpc_id"]), "10.1.1.0/24", &zones[1].1)
        .await["subnet_id"]);
    let tgw = s(&s_
        .create(
            "/v1/transit-gateways",
            &a.token,
            json!({"description": "core"}),
        )
        .await["transit_gateway_id"]);
    let atts = format!("/v1/transit-gateways/{tgw}/attachments");
    s_.post(
        &atts,
        &a.token,
        json!({"vpc_id": v1["vpc_id"], "subnet_ids": [s1a, s1b]}),
    )
    .await
    .assert_problem(400, "DuplicateSubnetsInSameZone");
    s_.post(
        &atts,
        &a.token,
        json!({"vpc_id": v1["vpc_id"], "subnet_ids": [s2]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let t = s_
        .create(
            &atts,
            &a.token,
            json!({"vpc_id": v1["vpc_id"], "subnet_ids": [s1a]}),
        )
        .await;
    let att1 = s(&t["attachments"][0]["transit_gateway_attachment_id"]);
    assert!(att1.starts_with("tgw-attach-"));
    s_.post(
        &atts,
        &a.token,
        json!({"vpc_id": v1["vpc_id"], "subnet_ids": [s1b]}),
    )
    .await
    .assert_problem(409, "DuplicateTransitGatewayAttachment");
    let t = s_
        .create(
            &atts,
            &a.token,
            json!({"vpc_id": v2["vpc_id"], "subnet_ids": [s2]}),
        )
        .await;
    let att2 = s(&t["attachments"][1]["transit_gateway_attachment_id"]);
    let propagated: Vec<(String, String)> = t["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (s(&r["destination_cidr_block"]), s(&r["type"])))
        .collect();
    assert_eq!(
        propagated,
        vec![
            ("10.0.0.0/16".into(), "propagated".into()),
            ("10.1.0.0/16".into(), "propagated".into())
        ]
    );
    // Static and blackhole routes.
    let troutes = format!("/v1/transit-gateways/{tgw}/routes");
    s_.create(
        &troutes,
        &a.token,
        json!({"destination_cidr_block": "192.168.0.0/16", "transit_gateway_attachment_id": att2}),
    )
    .await;
    let t = s_
        .create(
            &troutes,
            &a.token,
            json!({"destination_cidr_block": "172.16.0.0/12", "blackhole": true}),
        )
        .await;
    let bh = t["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["destination_cidr_block"] == "172.16.0.0/12")
        .unwrap()
        .clone();
    assert_eq!(bh["state"], "blackhole");
    s_.post(
        &troutes,
        &a.token,
        json!({"destination_cidr_block": "172.16.0.0/12", "blackhole": true}),
    )
    .await
    .assert_problem(409, "RouteAlreadyExists");
    s_.post(
        &troutes,
        &a.token,
        json!({"destination_cidr_block": "10.5.0.0/16"}),
    )
    .await
    .assert_problem(400, "MissingParameter");
    s_.post(&troutes, &a.token, json!({"destination_cidr_block": "10.5.0.0/16", "transit_gateway_attachment_id": "tgw-attach-00000000000000000"}))
        .await
        .assert_problem(400, "InvalidTransitGatewayAttachmentID.NotFound");
    // A VPC route to the gateway.
    let rtb = s(&v1["main_route_table_id"]);
    let r = s_
        .post(
            &format!("/v1/route-tables/{rtb}/routes"),
            &a.token,
            json!({"destination_cidr_block": "10.1.0.0/16", "transit_gateway_id": tgw}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Deleting a subnet with an attachment, or the gateway, is refused.
    s_.delete(&format!("/v1/subnets/{s2}"), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    let r = s_
        .delete(&format!("/v1/transit-gateways/{tgw}"), &a.token)
        .await;
    r.assert_problem(409, "IncorrectState");
    assert!(
        s(&r.body["detail"]).contains("has non-deleted Transit Gateway Attachments"),
        "{}",
        r.body
    );
    // Detach v2: its static route is a blackhole, its propagation is gone.
    assert_eq!(
        s_.delete(&format!("{atts}/{att2}"), &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    let t = s_
        .get(&format!("/v1/transit-gateways/{tgw}"), &a.token)
        .await
        .body;
    let st = t["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["destination_cidr_block"] == "192.168.0.0/16")
        .unwrap()
        .clone();
    assert_eq!(st["state"], "blackhole");
    assert!(
        !t["routes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["destination_cidr_block"] == "10.1.0.0/16")
    );
    // Detach v1: the VPC's route to the gateway is a blackhole.
    assert_eq!(
        s_.delete(&format!("{atts}/{att1}"), &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        route(&s_, &a, &rtb, "10.1.0.0/16").await.unwrap()["state"],
        "blackhole"
    );
    assert_eq!(
        s_.delete(&format!("{troutes}?destination=172.16.0.0/12"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s_.delete(&format!("/v1/transit-gateways/{tgw}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.stop().await;
}

/// 409 `DependencyViolation` naming what holds a VPC, a subnet, a gateway;
/// once those go, the VPC goes with its main table and default group.
async fn deletes_refuse_while_something_depends(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let vpc_id = s(&v["vpc_id"]);
    let sub = s(&s_.subnet(&a, &vpc_id, "10.0.1.0/24", &zones[0].1).await["subnet_id"]);
    let e = s(&eni(&s_, &a, &sub, None).await.body["network_interface_id"]);
    let igw = s(&s_
        .create("/v1/internet-gateways", &a.token, json!({}))
        .await["internet_gateway_id"]);
    s_.post(
        &format!("/v1/internet-gateways/{igw}/attach"),
        &a.token,
        json!({"vpc_id": vpc_id}),
    )
    .await;
    let r = s_.delete(&format!("/v1/vpcs/{vpc_id}"), &a.token).await;
    r.assert_problem(409, "DependencyViolation");
    let detail = s(&r.body["detail"]);
    assert!(detail.contains(&sub) && detail.contains(&igw), "{detail}");
    let r = s_.delete(&format!("/v1/subnets/{sub}"), &a.token).await;
    r.assert_problem(409, "DependencyViolation");
    assert!(s(&r.body["detail"]).contains(&e));
    s_.delete(&format!("/v1/internet-gateways/{igw}"), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Take it apart.
    for path in [
        format!("/v1/network-interfaces/{e}"),
        format!("/v1/subnets/{sub}"),
    ] {
        assert_eq!(
            s_.delete(&path, &a.token).await.status,
            StatusCode::NO_CONTENT,
            "{path}"
        );
    }
    s_.post(
        &format!("/v1/internet-gateways/{igw}/detach"),
        &a.token,
        json!({"vpc_id": vpc_id}),
    )
    .await;
    assert_eq!(
        s_.delete(&format!("/v1/internet-gateways/{igw}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s_.delete(&format!("/v1/vpcs/{vpc_id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.get(&format!("/v1/vpcs/{vpc_id}"), &a.token)
        .await
        .assert_problem(404, "InvalidVpcID.NotFound");
    s_.get(
        &format!("/v1/route-tables/{}", s(&v["main_route_table_id"])),
        &a.token,
    )
    .await
    .assert_problem(404, "InvalidRouteTableID.NotFound");
    s_.get(
        &format!("/v1/security-groups/{}", s(&v["default_security_group_id"])),
        &a.token,
    )
    .await
    .assert_problem(404, "InvalidGroup.NotFound");
    s_.stop().await;
}

/// Another account gets 404 for every network resource, and cannot build
/// in or route to what is not its own.
async fn another_account_sees_nothing(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["a", "b"]).await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let vpc_id = s(&v["vpc_id"]);
    let sub = s(&s_.subnet(&a, &vpc_id, "10.0.1.0/24", &zones[0].1).await["subnet_id"]);
    let e = s(&eni(&s_, &a, &sub, None).await.body["network_interface_id"]);
    let igw = s(&s_
        .create("/v1/internet-gateways", &a.token, json!({}))
        .await["internet_gateway_id"]);
    let tgw =
        s(&s_.create("/v1/transit-gateways", &a.token, json!({})).await["transit_gateway_id"]);
    for (path, code) in [
        (format!("/v1/vpcs/{vpc_id}"), "InvalidVpcID.NotFound"),
        (format!("/v1/subnets/{sub}"), "InvalidSubnetID.NotFound"),
        (
            format!("/v1/network-interfaces/{e}"),
            "InvalidNetworkInterfaceID.NotFound",
        ),
        (
            format!("/v1/route-tables/{}", s(&v["main_route_table_id"])),
            "InvalidRouteTableID.NotFound",
        ),
        (
            format!("/v1/security-groups/{}", s(&v["default_security_group_id"])),
            "InvalidGroup.NotFound",
        ),
        (
            format!("/v1/internet-gateways/{igw}"),
            "InvalidInternetGatewayID.NotFound",
        ),
        (
            format!("/v1/transit-gateways/{tgw}"),
            "InvalidTransitGatewayID.NotFound",
        ),
    ] {
        s_.get(&path, &b.token).await.assert_problem(404, code);
        s_.delete(&path, &b.token).await.assert_problem(404, code);
    }
    assert_eq!(s_.get("/v1/vpcs", &b.token).await.body["items"], json!([]));
    assert_eq!(
        s_.get("/v1/network-interfaces", &b.token).await.body["items"],
        json!([])
    );
    s_.post(
        "/v1/subnets",
        &b.token,
        json!({"vpc_id": vpc_id, "cidr_block": "10.0.2.0/24"}),
    )
    .await
    .assert_problem(400, "InvalidVpcID.NotFound");
    s_.post(
        "/v1/network-interfaces",
        &b.token,
        json!({"subnet_id": sub}),
    )
    .await
    .assert_problem(400, "InvalidSubnetID.NotFound");
    let vb = vpc(&s_, &b, "10.0.0.0/16", "us-east-1").await;
    s_.post(
        &format!("/v1/internet-gateways/{igw}/attach"),
        &b.token,
        json!({"vpc_id": vb["vpc_id"]}),
    )
    .await
    .assert_problem(404, "InvalidInternetGatewayID.NotFound");
    let rtb_b = s(&vb["main_route_table_id"]);
    s_.post(
        &format!("/v1/route-tables/{rtb_b}/routes"),
        &b.token,
        json!({"destination_cidr_block": "10.0.5.0/24", "network_interface_id": e}),
    )
    .await
    .assert_problem(400, "InvalidNetworkInterfaceID.NotFound");
    // A user of account A works on A's network.
    let alice = s_.principal(&a, "user", "alice").await;
    assert_eq!(
        s_.get(&format!("/v1/vpcs/{vpc_id}"), &alice.token)
            .await
            .status,
        StatusCode::OK
    );
    s_.stop().await;
}

/// Lists filter by field and tag and page by keyset, in creation order.
async fn lists_filter_and_page(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones = s_.zones(&a.token, "us-east-1").await;
    let v1 = vpc(&s_, &a, "10.0.0.0/16", "us-east-1").await;
    let v2 = vpc(&s_, &a, "10.1.0.0/16", "eu-west-1").await;
    let mut made = Vec::new();
    for i in 0..7 {
        let body = json!({"vpc_id": v1["vpc_id"], "cidr_block": format!("10.0.{i}.0/24"),
                          "availability_zone_id": zones[i % 2].1, "tags": {"tier": if i % 2 == 0 { "web" } else { "db" }}});
        made.push(s(
            &s_.create("/v1/subnets", &a.token, body).await["subnet_id"],
        ));
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut path = format!("/v1/subnets?vpc_id={}&max_results=3", s(&v1["vpc_id"]));
        if let Some(t) = &token {
            path.push_str(&format!("&next_token={t}"));
        }
        let page = s_.get(&path, &a.token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        seen.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| s(&x["subnet_id"])),
        );
        match page.body["next_token"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, made);
    let web = s_.get("/v1/subnets?tag=tier=web", &a.token).await.body;
    assert_eq!(web["items"].as_array().unwrap().len(), 4);
    let z = s_
        .get(
            &format!("/v1/subnets?availability_zone_id={}", zones[1].1),
            &a.token,
        )
        .await
        .body;
    assert_eq!(z["items"].as_array().unwrap().len(), 3);
    let eu = s_.get("/v1/vpcs?region=eu-west-1", &a.token).await.body;
    assert_eq!(eu["items"].as_array().unwrap().len(), 1);
    assert_eq!(eu["items"][0]["vpc_id"], v2["vpc_id"]);
    let groups = s_
        .get(
            &format!("/v1/security-groups?vpc_id={}", s(&v2["vpc_id"])),
            &a.token,
        )
        .await
        .body;
    assert_eq!(groups["items"][0]["group_name"], "default");
    let mains = s_.get("/v1/route-tables?main=true", &a.token).await.body;
    assert_eq!(mains["items"].as_array().unwrap().len(), 2);
    s_.get("/v1/subnets?next_token=bogus", &a.token)
        .await
        .assert_problem(400, "InvalidNextToken");
    s_.get("/v1/subnets?colour=red", &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    // Idempotency-Key on a create: the same VPC again, with 200.
    let first = s_
        .call_with_header(
            "/v1/vpcs",
            &a.token,
            "idempotency-key",
            "k1",
            json!({"cidr_block": "10.7.0.0/16"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = s_
        .call_with_header(
            "/v1/vpcs",
            &a.token,
            "idempotency-key",
            "k1",
            json!({"cidr_block": "10.7.0.0/16"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["vpc_id"], first.body["vpc_id"]);
    s_.call_with_header(
        "/v1/vpcs",
        &a.token,
        "idempotency-key",
        "k1",
        json!({"cidr_block": "10.8.0.0/16"}),
    )
    .await
    .assert_problem(409, "IdempotentParameterMismatch");
    s_.stop().await;
}
