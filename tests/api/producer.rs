//! The producer side over HTTP: load balancers, target groups, endpoint
//! services, allowed principals, private DNS verification, the public DNS
//! model, provisioning states, tenancy, and replicas racing.

use crate::on_both_databases;
use crate::support::{Actor, Db, Resp, TestServer, s};
use linkplane::config::Settings;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(
    load_balancers_and_target_groups,
    deregistering_targets_refuses_what_registering_refuses,
    endpoint_service_lifecycle,
    endpoint_service_bad_input,
    allowed_principals_collapse_and_filter,
    private_dns_names_are_verified_in_public_dns,
    provisioning_states_follow_the_delay,
    replicas_racing_on_principals_lose_nothing,
    another_account_sees_no_producer_resource,
    discovery_shows_services_to_allowed_principals,
);

/// `/v1/<collection>/<url-encoded arn>`.
fn arn_path(collection: &str, arn: &str) -> String {
    format!("/v1/{collection}/{}", linkplane::api::encode_segment(arn))
}

/// A VPC with one subnet in each of the first `n` zones of the account.
async fn network(
    s_: &TestServer,
    who: &Actor,
    n: usize,
) -> (String, Vec<String>, Vec<(String, String)>) {
    let zones = s_.zones(&who.token, "us-east-1").await;
    let zone_ids: Vec<String> = zones.iter().take(n).map(|(_, id)| id.clone()).collect();
    let (vpc, subnets) = s_.vpc_with_subnets(who, 0, json!({}), &zone_ids).await;
    (s(&vpc["vpc_id"]), subnets, zones)
}

async fn nlb(s_: &TestServer, who: &Actor, name: &str, subnets: &[String]) -> Value {
    s_.load_balancer(who, name, "network", subnets).await
}

async fn service(s_: &TestServer, who: &Actor, body: Value) -> Resp {
    s_.post("/v1/endpoint-services", &who.token, body).await
}

async fn start_with(db: Db, settings: Settings) -> (TestServer, crate::support::FreshDb) {
    let fresh = crate::support::FreshDb::new(db).await;
    let s_ = TestServer::on_url(db, &fresh.url, settings).await;
    (s_, fresh)
}

/// `DELETE .../targets` takes the `TargetsRequest` that `POST` takes, so the
/// same schema: it refuses what registering refuses (it answered 200 for an
/// empty list, an id that is no target, port 0 and an unknown zone, all of
/// which the schema rules out), and still answers 200 for a well-formed
/// target that is not registered.
async fn deregistering_targets_refuses_what_registering_refuses(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (vpc_id, subnets, _) = network(&s_, &a, 1).await;
    let lb = nlb(&s_, &a, "api", &subnets).await;
    let tg = s_
        .create(
            "/v1/target-groups",
            &a.token,
            json!({"name": "api", "protocol": "tcp", "port": 443, "vpc_id": vpc_id, "load_balancer_arn": lb["load_balancer_arn"]}),
        )
        .await;
    let targets = format!(
        "{}/targets",
        arn_path("target-groups", &s(&tg["target_group_arn"]))
    );
    for (body, code) in [
        (json!({"targets": []}), "MissingParameter"),
        (
            json!({"targets": [{"id": "not-an-ip"}]}),
            "InvalidParameterValue",
        ),
        (
            json!({"targets": [{"id": "eni-1"}]}),
            "InvalidParameterValue",
        ),
        (
            json!({"targets": [{"id": "10.0.0.20", "port": 0}]}),
            "InvalidParameterValue",
        ),
        (
            json!({"targets": [{"id": "192.168.1.1", "availability_zone": "us-east-1z"}]}),
            "InvalidParameterValue",
        ),
    ] {
        for method in [Method::POST, Method::DELETE] {
            s_.call(method.clone(), &targets, Some(&a.token), Some(body.clone()))
                .await
                .assert_problem(400, code);
        }
    }
    let d = s_
        .delete_with(
            &targets,
            &a.token,
            json!({"targets": [{"id": "10.0.0.99", "port": 8443}]}),
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
}

/// Load balancers get ELB ARNs, a node with an address in each zone;
/// target groups take targets whose zone is their subnet's.
async fn load_balancers_and_target_groups(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (vpc_id, subnets, zones) = network(&s_, &a, 3).await;
    let lb = nlb(&s_, &a, "api", &subnets[..2]).await;
    let arn = s(&lb["load_balancer_arn"]);
    let prefix = format!(
        "arn:aws:elasticloadbalancing:us-east-1:{}:loadbalancer/net/api/",
        a.account_id
    );
    assert!(arn.starts_with(&prefix), "{arn}");
    let id = &arn[prefix.len()..];
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert_eq!(lb["type"], "network");
    assert_eq!(lb["scheme"], "internal");
    assert_eq!(lb["state"], "active");
    assert_eq!(lb["cross_zone_enabled"], false);
    assert_eq!(lb["vpc_id"], vpc_id.as_str());
    let az = lb["availability_zones"].as_array().unwrap();
    assert_eq!(az.len(), 2);
    let node_ips: Vec<String> = az.iter().map(|z| s(&z["private_ip"])).collect();
    assert!(
        node_ips.contains(&"10.0.0.4".to_string()) && node_ips.contains(&"10.0.1.4".to_string()),
        "{node_ips:?}"
    );
    // The node interfaces are requester-managed and hold the subnets.
    let eni = s(&az[0]["network_interface_id"]);
    s_.delete(&format!("/v1/network-interfaces/{eni}"), &a.token)
        .await
        .assert_problem(409, "InvalidNetworkInterface.InUse");
    s_.delete(&format!("/v1/subnets/{}", subnets[0]), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Read and change it by its URL-encoded ARN.
    let path = arn_path("load-balancers", &arn);
    assert_eq!(
        s_.get(&path, &a.token).await.body["load_balancer_arn"],
        arn.as_str()
    );
    let p = s_
        .patch(&path, &a.token, json!({"cross_zone_enabled": true}))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.body["cross_zone_enabled"], true);
    // Bad input.
    let two_in_one_zone = s_
        .create(
            "/v1/subnets",
            &a.token,
            json!({"vpc_id": vpc_id, "cidr_block": "10.0.9.0/24", "availability_zone_id": zones[0].1}),
        )
        .await;
    for (body, status, code) in [
        (
            json!({"name": "x", "subnet_ids": [subnets[0], s(&two_in_one_zone["subnet_id"])]}),
            400,
            "DuplicateSubnetsInSameZone",
        ),
        (
            json!({"name": "bad_name", "subnet_ids": [subnets[0]]}),
            400,
            "ValidationError",
        ),
        (
            json!({"name": "-x", "subnet_ids": [subnets[0]]}),
            400,
            "ValidationError",
        ),
        (
            json!({"name": "x", "subnet_ids": []}),
            400,
            "MissingParameter",
        ),
        (
            json!({"name": "x", "subnet_ids": ["subnet-00000000000000000"]}),
            400,
            "InvalidSubnetID.NotFound",
        ),
        (
            json!({"name": "x", "subnet_ids": [subnets[0]], "scheme": "internet-facing"}),
            400,
            "InvalidParameterValue",
        ),
        (
            json!({"name": "x", "subnet_ids": [subnets[0]], "type": "application"}),
            400,
            "InvalidParameterValue",
        ),
        (
            json!({"name": "api", "subnet_ids": [subnets[2]]}),
            409,
            "DuplicateLoadBalancerName",
        ),
    ] {
        s_.post("/v1/load-balancers", &a.token, body)
            .await
            .assert_problem(status, code);
    }
    // Target groups: protocol fits the load balancer kind.
    s_.post("/v1/target-groups", &a.token, json!({"name": "g", "protocol": "geneve", "port": 6081, "vpc_id": vpc_id, "load_balancer_arn": arn}))
        .await
        .assert_problem(400, "ValidationError");
    s_.post(
        "/v1/target-groups",
        &a.token,
        json!({"name": "g", "protocol": "http", "port": 80, "vpc_id": vpc_id}),
    )
    .await
    .assert_problem(400, "ValidationError");
    let tg = s_
        .create("/v1/target-groups", &a.token, json!({"name": "api", "protocol": "tcp", "port": 443, "vpc_id": vpc_id, "load_balancer_arn": arn}))
        .await;
    let tg_arn = s(&tg["target_group_arn"]);
    assert!(tg_arn.contains(":targetgroup/api/"), "{tg_arn}");
    let workload = s_
        .create(
            "/v1/network-interfaces",
            &a.token,
            json!({"subnet_id": subnets[1]}),
        )
        .await;
    let targets = format!("{}/targets", arn_path("target-groups", &tg_arn));
    let r = s_
        .post(&targets, &a.token, json!({"targets": [{"id": "10.0.0.20"}, {"id": s(&workload["network_interface_id"]), "port": 8443}]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let t = r.body["targets"].as_array().unwrap().clone();
    assert_eq!(t[0]["availability_zone_id"], zones[0].1.as_str());
    assert_eq!(t[0]["port"], 443);
    assert_eq!(t[0]["health_state"], "healthy");
    assert_eq!(t[1]["availability_zone_id"], zones[1].1.as_str());
    assert_eq!(t[1]["private_ip"], workload["private_ip"]);
    for (body, code) in [
        (
            json!({"targets": [{"id": "192.168.1.1"}]}),
            "InvalidParameterValue",
        ),
        (
            json!({"targets": [{"id": "10.0.200.1"}]}),
            "InvalidParameterValue",
        ),
        (
            json!({"targets": [{"id": "not-an-ip"}]}),
            "InvalidParameterValue",
        ),
        (json!({"targets": []}), "MissingParameter"),
    ] {
        s_.post(&targets, &a.token, body)
            .await
            .assert_problem(400, code);
    }
    let outside = s_
        .post(
            &targets,
            &a.token,
            json!({"targets": [{"id": "192.168.1.1", "availability_zone": "all"}]}),
        )
        .await;
    assert_eq!(outside.status, StatusCode::OK, "{}", outside.body);
    // Health is modelled.
    let h = s_
        .put(
            &format!("{targets}/10.0.0.20/health"),
            &a.token,
            json!({"healthy": false}),
        )
        .await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.body);
    assert_eq!(h.body["targets"][0]["health_state"], "unhealthy");
    s_.put(
        &format!("{targets}/10.0.0.99/health"),
        &a.token,
        json!({"healthy": false}),
    )
    .await
    .assert_problem(404, "InvalidTarget");
    let d = s_
        .delete_with(
            &targets,
            &a.token,
            json!({"targets": [{"id": "10.0.0.20"}]}),
        )
        .await;
    assert_eq!(d.body["targets"].as_array().unwrap().len(), 2);
    // A load balancer in use by a service is not deleted; otherwise its
    // nodes go and its subnet is free again.
    let svc = service(&s_, &a, json!({"network_load_balancer_arns": [arn]})).await;
    assert_eq!(svc.status, StatusCode::CREATED, "{}", svc.body);
    s_.delete(&path, &a.token)
        .await
        .assert_problem(409, "ResourceInUse");
    let lb2 = nlb(&s_, &a, "spare", &subnets[2..3]).await;
    let p2 = arn_path("load-balancers", &s(&lb2["load_balancer_arn"]));
    assert_eq!(
        s_.delete(&p2, &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    s_.get(&p2, &a.token)
        .await
        .assert_problem(404, "LoadBalancerNotFound");
    assert_eq!(
        s_.delete(&format!("/v1/subnets/{}", subnets[2]), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.stop().await;
}

/// A service's names, zones and defaults; PATCH of load balancers,
/// acceptance, IP types, regions and payer; delete.
async fn endpoint_service_lifecycle(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (_, subnets, zones) = network(&s_, &a, 3).await;
    let lb1 = s(&nlb(&s_, &a, "one", &subnets[..1]).await["load_balancer_arn"]);
    let lb2 = s(&nlb(&s_, &a, "two", &subnets[1..3]).await["load_balancer_arn"]);
    let r = service(
        &s_,
        &a,
        json!({"network_load_balancer_arns": [lb1], "tags": {"team": "api"}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.body;
    let id = s(&v["service_id"]);
    assert!(id.starts_with("vpce-svc-") && id.len() == 26, "{id}");
    assert_eq!(
        r.headers.get("location").unwrap(),
        &format!("/v1/endpoint-services/{id}")
    );
    assert_eq!(
        v["service_name"],
        format!("com.amazonaws.vpce.us-east-1.{id}")
    );
    assert_eq!(
        v["base_endpoint_dns_names"],
        json!([format!("{id}.us-east-1.vpce.amazonaws.com")])
    );
    assert_eq!(v["service_type"], "interface");
    assert_eq!(v["service_state"], "available");
    assert_eq!(v["acceptance_required"], true);
    assert_eq!(v["supported_ip_address_types"], json!(["ipv4"]));
    assert_eq!(
        v["supported_regions"],
        json!([{"region": "us-east-1", "service_state": "available"}])
    );
    assert_eq!(v["availability_zone_ids"], json!([zones[0].1]));
    assert_eq!(v["availability_zones"], json!([zones[0].0]));
    assert_eq!(v["network_load_balancer_arns"], json!([lb1]));
    assert_eq!(v["gateway_load_balancer_arns"], json!([]));
    assert_eq!(v["private_dns_name_configuration"], Value::Null);
    assert_eq!(v["payer_responsibility"], Value::Null);
    assert_eq!(v["tags"]["team"], "api");
    // A load balancer serves one service.
    service(&s_, &a, json!({"network_load_balancer_arns": [lb1]}))
        .await
        .assert_problem(409, "ResourceInUse");
    let path = format!("/v1/endpoint-services/{id}");
    // Add a load balancer: zones are recomputed.
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"add_network_load_balancer_arns": [lb2], "acceptance_required": false}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let mut ids: Vec<String> = zones.iter().take(3).map(|z| z.1.clone()).collect();
    ids.sort();
    assert_eq!(p.body["availability_zone_ids"], json!(ids));
    assert_eq!(p.body["acceptance_required"], false);
    assert_eq!(p.body["network_load_balancer_arns"], json!([lb1, lb2]));
    // Remove one; the last cannot go.
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"remove_network_load_balancer_arns": [lb1]}),
        )
        .await;
    assert_eq!(p.body["availability_zone_ids"].as_array().unwrap().len(), 2);
    s_.patch(
        &path,
        &a.token,
        json!({"remove_network_load_balancer_arns": [lb2]}),
    )
    .await
    .assert_problem(400, "InvalidParameter");
    s_.patch(
        &path,
        &a.token,
        json!({"add_gateway_load_balancer_arns": [lb1.replace("/net/", "/gwy/")]}),
    )
    .await
    .assert_problem(400, "InvalidParameter");
    // IPv6 needs dualstack load balancers.
    s_.patch(
        &path,
        &a.token,
        json!({"add_supported_ip_address_types": ["ipv6"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.patch(
        &path,
        &a.token,
        json!({"remove_supported_ip_address_types": ["ipv4"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    // Regions: add one; the host region stays.
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"add_supported_regions": ["eu-west-1"]}),
        )
        .await;
    assert_eq!(p.body["supported_regions"].as_array().unwrap().len(), 2);
    s_.patch(
        &path,
        &a.token,
        json!({"remove_supported_regions": ["us-east-1"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.patch(
        &path,
        &a.token,
        json!({"add_supported_regions": ["mars-1"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    // Payer: service_owner only, no way back.
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"payer_responsibility": "service_owner"}),
        )
        .await;
    assert_eq!(p.body["payer_responsibility"], "service_owner");
    s_.patch(
        &path,
        &a.token,
        json!({"payer_responsibility": "vpc_endpoint_owner"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    // ETag / If-Match.
    let etag = s_
        .get(&path, &a.token)
        .await
        .header("etag")
        .unwrap()
        .to_string();
    s_.patch(&path, &a.token, json!({"acceptance_required": true}))
        .await;
    let stale = s_
        .patch_if_match(
            &path,
            &a.token,
            &etag,
            json!({"acceptance_required": false}),
        )
        .await;
    stale.assert_problem(412, "PreconditionFailed");
    // List, filter, delete; the load balancers stay.
    let l = s_
        .get(
            "/v1/endpoint-services?service_type=interface&tag=team=api",
            &a.token,
        )
        .await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        s_.delete(&path, &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    s_.get(&path, &a.token)
        .await
        .assert_problem(404, "InvalidVpcEndpointServiceId.NotFound");
    assert_eq!(
        s_.get(&arn_path("load-balancers", &lb2), &a.token)
            .await
            .status,
        StatusCode::OK
    );
    // A freed load balancer may serve a new service.
    let again = service(&s_, &a, json!({"network_load_balancer_arns": [lb2]})).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    s_.stop().await;
}

/// Both kinds, neither, malformed or unknown ARNs, bad IP types, bad
/// private DNS names: 400 with AWS-style codes.
async fn endpoint_service_bad_input(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (vpc_id, subnets, _) = network(&s_, &a, 1).await;
    let lb = s(&nlb(&s_, &a, "one", &subnets).await["load_balancer_arn"]);
    let gw = s_
        .create(
            "/v1/load-balancers",
            &a.token,
            json!({"name": "gw", "type": "gateway", "subnet_ids": subnets}),
        )
        .await;
    let gw = s(&gw["load_balancer_arn"]);
    assert!(gw.contains(":loadbalancer/gwy/gw/"), "{gw}");
    let unknown = lb.replace("/one/", "/nope/");
    for (body, code) in [
        (
            json!({"network_load_balancer_arns": [lb], "gateway_load_balancer_arns": [gw]}),
            "InvalidParameter",
        ),
        (json!({}), "InvalidParameter"),
        (
            json!({"network_load_balancer_arns": []}),
            "InvalidParameter",
        ),
        (
            json!({"network_load_balancer_arns": ["arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"]}),
            "InvalidNetworkLoadBalancerArn.Malformed",
        ),
        (
            json!({"network_load_balancer_arns": [gw]}),
            "InvalidNetworkLoadBalancerArn.Malformed",
        ),
        (
            json!({"network_load_balancer_arns": [unknown]}),
            "InvalidNetworkLoadBalancerArn.NotFound",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "supported_ip_address_types": ["ipv5"]}),
            "InvalidParameterValue",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "supported_ip_address_types": []}),
            "InvalidParameterValue",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "private_dns_name": "API.example.com"}),
            "InvalidParameterValue",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "private_dns_name": format!("{}.example.com", "a".repeat(64))}),
            "InvalidParameterValue",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "private_dns_name": format!("{}.com", "abcdefghi.".repeat(26))}),
            "InvalidParameterValue",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "private_dns_name": "nodot"}),
            "InvalidParameterValue",
        ),
        (
            json!({"gateway_load_balancer_arns": [gw], "private_dns_name": "gw.example.com"}),
            "InvalidParameter",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "supported_regions": ["nowhere-1"]}),
            "InvalidParameterValue",
        ),
        (
            json!({"network_load_balancer_arns": [lb], "bogus": true}),
            "InvalidParameterValue",
        ),
    ] {
        let r = service(&s_, &a, body.clone()).await;
        r.assert_problem(400, code);
    }
    // A gateway load balancer service.
    let g = service(&s_, &a, json!({"gateway_load_balancer_arns": [gw]})).await;
    assert_eq!(g.status, StatusCode::CREATED, "{}", g.body);
    assert_eq!(g.body["service_type"], "gateway_load_balancer");
    assert_eq!(g.body["gateway_load_balancer_arns"], json!([gw]));
    s_.post(
        &format!(
            "/v1/endpoint-services/{}/private-dns/verify",
            s(&g.body["service_id"])
        ),
        &a.token,
        json!({}),
    )
    .await
    .assert_problem(400, "InvalidParameter");
    let _ = vpc_id;
    s_.stop().await;
}

/// `*`, account roots, users and roles, each with a permission id; adding
/// one again changes nothing; paths and non-ARNs are refused.
async fn allowed_principals_collapse_and_filter(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (_, subnets, _) = network(&s_, &a, 1).await;
    let lb = s(&nlb(&s_, &a, "one", &subnets).await["load_balancer_arn"]);
    let id = s(
        &service(&s_, &a, json!({"network_load_balancer_arns": [lb]}))
            .await
            .body["service_id"],
    );
    let path = format!("/v1/endpoint-services/{id}/allowed-principals");
    let given = json!({"principals": ["*", "arn:aws:iam::444455556666:root", "arn:aws:iam::444455556666:user/alice",
                                      "arn:aws:iam::444455556666:role/app", "arn:aws:iam::444455556666:root"]});
    let r = s_.post(&path, &a.token, given.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let added = r.body["added"].as_array().unwrap().clone();
    let types: Vec<String> = added.iter().map(|p| s(&p["principal_type"])).collect();
    assert_eq!(types, ["all", "account", "user", "role"]);
    for p in &added {
        let pid = s(&p["service_permission_id"]);
        assert!(
            pid.starts_with("vpce-svc-perm-") && pid.len() == 31,
            "{pid}"
        );
        assert_eq!(p["service_id"], id.as_str());
    }
    // Adding again answers the same entries, no duplicates.
    let again = s_.post(&path, &a.token, given).await;
    assert_eq!(again.body["added"], json!(added));
    let all = s_.get(&path, &a.token).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 4);
    let roles = s_
        .get(&format!("{path}?principal_type=role"), &a.token)
        .await;
    assert_eq!(
        roles.body["items"][0]["principal"],
        "arn:aws:iam::444455556666:role/app"
    );
    s_.get(&format!("{path}?principal_type=group"), &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    let page = s_.get(&format!("{path}?max_results=3"), &a.token).await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 3);
    let rest = s_
        .get(
            &format!(
                "{path}?max_results=3&next_token={}",
                s(&page.body["next_token"])
            ),
            &a.token,
        )
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
    for bad in [
        "arn:aws:iam::444455556666:user/team/alice",
        "444455556666",
        "arn:aws:iam::4444:root",
        "arn:aws:sts::444455556666:assumed-role/app/session",
        "",
    ] {
        s_.post(&path, &a.token, json!({"principals": [bad]}))
            .await
            .assert_problem(400, "InvalidPrincipal");
    }
    s_.post(&path, &a.token, json!({"principals": []}))
        .await
        .assert_problem(400, "MissingParameter");
    // Remove (unknown ones are ignored).
    let r = s_
        .delete_with(
            &path,
            &a.token,
            json!({"principals": ["*", "arn:aws:iam::999999999999:root"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        s_.get(&path, &a.token).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    s_.stop().await;
}

/// Setting a private DNS name asks for a TXT record; verify looks it up in
/// the public DNS model: exact match verified, anything else failed; a
/// verified parent domain covers subdomains.
async fn private_dns_names_are_verified_in_public_dns(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["a", "b"]).await;
    let (_, subnets, _) = network(&s_, &a, 2).await;
    let lb1 = s(&nlb(&s_, &a, "one", &subnets[..1]).await["load_balancer_arn"]);
    let lb2 = s(&nlb(&s_, &a, "two", &subnets[1..]).await["load_balancer_arn"]);
    // Zones: one account each.
    let z = s_
        .post(
            "/v1/public-dns/zones",
            &a.token,
            json!({"name": "example.com"}),
        )
        .await;
    assert_eq!(z.status, StatusCode::CREATED, "{}", z.body);
    s_.post(
        "/v1/public-dns/zones",
        &b.token,
        json!({"name": "example.com"}),
    )
    .await
    .assert_problem(409, "HostedZoneAlreadyExists");
    s_.post(
        "/v1/public-dns/zones",
        &b.token,
        json!({"name": "vpce.amazonaws.com"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.put(
        "/v1/public-dns/records",
        &b.token,
        json!({"name": "x.example.com", "type": "TXT", "value": "v"}),
    )
    .await
    .assert_problem(400, "NoSuchHostedZone");
    // A service with a private DNS name.
    let svc = service(
        &s_,
        &a,
        json!({"network_load_balancer_arns": [lb1], "private_dns_name": "api.example.com"}),
    )
    .await;
    assert_eq!(svc.status, StatusCode::CREATED, "{}", svc.body);
    let cfg = svc.body["private_dns_name_configuration"].clone();
    assert_eq!(cfg["state"], "pending_verification");
    assert_eq!(cfg["type"], "TXT");
    let (label, value) = (s(&cfg["name"]), s(&cfg["value"]));
    assert!(label.starts_with('_') && label.len() == 21, "{label}");
    assert!(value.starts_with("vpce:") && value.len() == 25, "{value}");
    let id = s(&svc.body["service_id"]);
    let verify = format!("/v1/endpoint-services/{id}/private-dns/verify");
    // Nothing published: failed.
    let r = s_.post(&verify, &a.token, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["private_dns_name_configuration"]["state"], "failed");
    // The value with other letter case: still failed.
    let put = |value: String, name: String| {
        let token = a.token.clone();
        let s_ = &s_;
        async move {
            let r = s_
                .put(
                    "/v1/public-dns/records",
                    &token,
                    json!({"name": name, "type": "TXT", "value": value}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    put(value.to_lowercase(), format!("{label}.api.example.com")).await;
    assert_eq!(
        s_.post(&verify, &a.token, json!({})).await.body["private_dns_name_configuration"]["state"],
        "failed"
    );
    // The exact value: verified.
    put(value.clone(), format!("{label}.api.example.com")).await;
    assert_eq!(
        s_.post(&verify, &a.token, json!({})).await.body["private_dns_name_configuration"]["state"],
        "verified"
    );
    let recs = s_
        .get("/v1/public-dns/records?zone_name=example.com", &a.token)
        .await;
    assert_eq!(recs.body["items"][0]["value"], value.as_str());
    // A parent domain's record covers a subdomain name.
    let svc2 = service(
        &s_,
        &a,
        json!({"network_load_balancer_arns": [lb2], "private_dns_name": "*.svc.example.com"}),
    )
    .await;
    let cfg2 = svc2.body["private_dns_name_configuration"].clone();
    put(
        s(&cfg2["value"]),
        format!("{}.example.com", s(&cfg2["name"])),
    )
    .await;
    let id2 = s(&svc2.body["service_id"]);
    let v2 = s_
        .post(
            &format!("/v1/endpoint-services/{id2}/private-dns/verify"),
            &a.token,
            json!({}),
        )
        .await;
    assert_eq!(
        v2.body["private_dns_name_configuration"]["state"],
        "verified"
    );
    // A new name starts over; removing it clears the configuration.
    let p = s_
        .patch(
            &format!("/v1/endpoint-services/{id}"),
            &a.token,
            json!({"private_dns_name": "api2.example.com"}),
        )
        .await;
    assert_eq!(
        p.body["private_dns_name_configuration"]["state"],
        "pending_verification"
    );
    assert_ne!(
        p.body["private_dns_name_configuration"]["name"],
        label.as_str()
    );
    let p = s_
        .patch(
            &format!("/v1/endpoint-services/{id}"),
            &a.token,
            json!({"remove_private_dns_name": true}),
        )
        .await;
    assert_eq!(p.body["private_dns_name"], Value::Null);
    assert_eq!(p.body["private_dns_name_configuration"], Value::Null);
    s_.post(&verify, &a.token, json!({}))
        .await
        .assert_problem(400, "InvalidParameterValue");
    // Records: bad ones, deletion.
    s_.put(
        "/v1/public-dns/records",
        &a.token,
        json!({"name": "www.example.com", "type": "A", "value": "1.2.3"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.put(
        "/v1/public-dns/records",
        &a.token,
        json!({"name": "www.example.com", "type": "MX", "value": "x"}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let del = s_
        .delete(
            &format!("/v1/public-dns/records?name={label}.api.example.com&type=TXT"),
            &a.token,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.text);
    s_.stop().await;
}

/// With a provisioning delay, load balancers are `provisioning` and
/// services `pending` until the workflow moves them; a deleted service is
/// `deleting`, then gone.
async fn provisioning_states_follow_the_delay(db: Db) {
    let settings = Settings {
        provision_delay: Duration::from_millis(300),
        ..Settings::default()
    };
    let (s_, _fresh) = start_with(db, settings).await;
    let a = s_.account("a").await;
    let (_, subnets, _) = network(&s_, &a, 1).await;
    let lb = nlb(&s_, &a, "one", &subnets).await;
    assert_eq!(lb["state"], "provisioning");
    let arn = s(&lb["load_balancer_arn"]);
    let svc = service(&s_, &a, json!({"network_load_balancer_arns": [arn]})).await;
    assert_eq!(svc.body["service_state"], "pending");
    let path = format!("/v1/endpoint-services/{}", s(&svc.body["service_id"]));
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let lb_now = s_
            .get(&arn_path("load-balancers", &arn), &a.token)
            .await
            .body;
        let svc_now = s_.get(&path, &a.token).await.body;
        if lb_now["state"] == "active" && svc_now["service_state"] == "available" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {lb_now} / {svc_now}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        s_.delete(&path, &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s_.get(&path, &a.token).await.body["service_state"],
        "deleting"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s_.get(&path, &a.token).await.status != StatusCode::NOT_FOUND {
        assert!(
            std::time::Instant::now() < deadline,
            "service never went away"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s_.stop().await;
}

/// Two replicas on one database add and remove the same principals at
/// once: every principal ends up listed at most once, and what was added
/// last (after the race) is there exactly once.
async fn replicas_racing_on_principals_lose_nothing(db: Db) {
    let (s1, s2) = TestServer::start_pair(db).await;
    let a = s1.account("a").await;
    let (_, subnets, _) = network(&s1, &a, 1).await;
    let lb = s(&nlb(&s1, &a, "one", &subnets).await["load_balancer_arn"]);
    let id = s(
        &service(&s1, &a, json!({"network_load_balancer_arns": [lb]}))
            .await
            .body["service_id"],
    );
    let path = format!("/v1/endpoint-services/{id}/allowed-principals");
    let principals: Vec<String> = (0..8)
        .map(|i| format!("arn:aws:iam::44445555{i:04}:root"))
        .collect();
    let mut tasks = Vec::new();
    for round in 0..6 {
        for (k, srv) in [&s1, &s2].into_iter().enumerate() {
            let body = json!({"principals": principals});
            let (url, token) = (srv.url(&path), a.token.clone());
            let http = srv.http.clone();
            let remove = (round + k) % 3 == 2;
            tasks.push(tokio::spawn(async move {
                let req = if remove {
                    http.delete(&url)
                } else {
                    http.post(&url)
                };
                let r = req.bearer_auth(token).json(&body).send().await.unwrap();
                let status = r.status();
                assert!(
                    status.is_success() || status == StatusCode::SERVICE_UNAVAILABLE,
                    "{status}: {}",
                    r.text().await.unwrap_or_default()
                );
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    // After the race, one more add from each replica.
    for srv in [&s1, &s2] {
        let r = srv
            .post(&path, &a.token, json!({"principals": principals}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let list = s1.get(&format!("{path}?max_results=100"), &a.token).await;
    let mut seen: Vec<String> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| s(&p["principal"]))
        .collect();
    seen.sort();
    let mut want = principals.clone();
    want.sort();
    assert_eq!(seen, want, "each principal exactly once");
    s2.stop().await;
    s1.stop().await;
}

/// Another account gets 404 for load balancers, target groups, services and
/// their principals, and cannot use another account's load balancer.
async fn another_account_sees_no_producer_resource(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["a", "b"]).await;
    let (vpc_id, subnets, _) = network(&s_, &a, 1).await;
    let lb = s(&nlb(&s_, &a, "one", &subnets).await["load_balancer_arn"]);
    let tg = s(&s_
        .create(
            "/v1/target-groups",
            &a.token,
            json!({"name": "t", "protocol": "tcp", "port": 80, "vpc_id": vpc_id}),
        )
        .await["target_group_arn"]);
    let id = s(
        &service(&s_, &a, json!({"network_load_balancer_arns": [lb]}))
            .await
            .body["service_id"],
    );
    s_.get(&arn_path("load-balancers", &lb), &b.token)
        .await
        .assert_problem(404, "LoadBalancerNotFound");
    s_.delete(&arn_path("load-balancers", &lb), &b.token)
        .await
        .assert_problem(404, "LoadBalancerNotFound");
    s_.get(&arn_path("target-groups", &tg), &b.token)
        .await
        .assert_problem(404, "TargetGroupNotFound");
    for path in [
        format!("/v1/endpoint-services/{id}"),
        format!("/v1/endpoint-services/{id}/allowed-principals"),
    ] {
        s_.get(&path, &b.token)
            .await
            .assert_problem(404, "InvalidVpcEndpointServiceId.NotFound");
    }
    s_.patch(
        &format!("/v1/endpoint-services/{id}"),
        &b.token,
        json!({"acceptance_required": false}),
    )
    .await
    .assert_problem(404, "InvalidVpcEndpointServiceId.NotFound");
    s_.post(
        &format!("/v1/endpoint-services/{id}/allowed-principals"),
        &b.token,
        json!({"principals": ["*"]}),
    )
    .await
    .assert_problem(404, "InvalidVpcEndpointServiceId.NotFound");
    s_.delete(&format!("/v1/endpoint-services/{id}"), &b.token)
        .await
        .assert_problem(404, "InvalidVpcEndpointServiceId.NotFound");
    assert_eq!(
        s_.get("/v1/endpoint-services", &b.token).await.body["items"],
        json!([])
    );
    assert_eq!(
        s_.get("/v1/load-balancers", &b.token).await.body["items"],
        json!([])
    );
    // B cannot build a service on A's load balancer (it reads as absent).
    service(&s_, &b, json!({"network_load_balancer_arns": [lb]}))
        .await
        .assert_problem(400, "InvalidNetworkLoadBalancerArn.NotFound");
    s_.stop().await;
}

/// `GET /v1/services` lists an endpoint service to `*`, to every principal
/// of an allowed account, and to an allowed user or role, with zones in the
/// consumer's names; to nobody else, not even its owner.
async fn discovery_shows_services_to_allowed_principals(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b, c] = s_.accounts(["producer", "consumer", "other"]).await;
    let b_user = s_.principal(&b, "user", "alice").await;
    let c_role = s_.principal(&c, "role", "app").await;
    let (_, subnets, zones) = network(&s_, &a, 2).await;
    let lb = s(&nlb(&s_, &a, "one", &subnets).await["load_balancer_arn"]);
    let svc = service(
        &s_,
        &a,
        json!({"network_load_balancer_arns": [lb], "private_dns_name": "api.example.com"}),
    )
    .await;
    let id = s(&svc.body["service_id"]);
    let name = s(&svc.body["service_name"]);
    let find = |who: &Actor| {
        let path = "/v1/services?service_type=interface&max_results=1000".to_string();
        let token = who.token.clone();
        let s_ = &s_;
        let id = id.clone();
        async move {
            let r = s_.get(&path, &token).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["service_id"] == id.as_str())
                .cloned()
        }
    };
    for who in [&a, &b, &b_user, &c, &c_role] {
        assert!(find(who).await.is_none(), "visible before any permission");
    }
    let perms = format!("/v1/endpoint-services/{id}/allowed-principals");
    s_.post(
        &perms,
        &a.token,
        json!({"principals": [format!("arn:aws:iam::{}:root", b.account_id), c_role.arn]}),
    )
    .await;
    let seen = find(&b).await.expect("consumer root sees it");
    assert_eq!(seen["owner"], a.account_id.as_str());
    assert_eq!(seen["service_name"], name.as_str());
    assert_eq!(seen["service_type"], "interface");
    assert_eq!(seen["acceptance_required"], true);
    assert_eq!(seen["private_dns_name"], "api.example.com");
    assert_eq!(
        seen["private_dns_name_verification_state"],
        "pending_verification"
    );
    assert_eq!(
        seen["base_endpoint_dns_names"],
        json!([format!("{id}.us-east-1.vpce.amazonaws.com")])
    );
    // The producer's zones, by id, named as the consumer names them.
    let mut want_ids: Vec<String> = zones.iter().take(2).map(|z| z.1.clone()).collect();
    want_ids.sort();
    let mut got_ids: Vec<String> = seen["availability_zone_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    got_ids.sort();
    assert_eq!(got_ids, want_ids);
    let b_zones = s_.zones(&b.token, "us-east-1").await;
    for (zname, zid) in seen["availability_zones"]
        .as_array()
        .unwrap()
        .iter()
        .zip(seen["availability_zone_ids"].as_array().unwrap())
    {
        assert!(
            b_zones.contains(&(s(zname), s(zid))),
            "{zname} is not {zid} for the consumer"
        );
    }
    assert!(
        find(&b_user).await.is_some(),
        "an account root entry covers its users"
    );
    assert!(find(&c_role).await.is_some(), "an exact role entry");
    // A role at an IAM path: AWS refuses the path in an allowed principal,
    // and the path-less ARN allows the role at whatever path it is.
    let r = s_
        .post(
            &format!("/v1/accounts/{}/principals", c.account_id),
            &c.token,
            json!({"type": "role", "name": "deployer", "path": "/ops/ci/"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let deployer_arn = s(&r.body["arn"]);
    assert_eq!(
        deployer_arn,
        format!("arn:aws:iam::{}:role/ops/ci/deployer", c.account_id)
    );
    let deployer = crate::support::Actor {
        account_id: c.account_id.clone(),
        token: s_.key_for(&c.token, &deployer_arn).await,
        arn: deployer_arn.clone(),
    };
    assert!(find(&deployer).await.is_none());
    let r = s_
        .post(&perms, &a.token, json!({"principals": [deployer_arn]}))
        .await;
    r.assert_problem(400, "InvalidPrincipal");
    assert!(
        r.detail()
            .contains(&format!("arn:aws:iam::{}:role/deployer", c.account_id)),
        "{}",
        r.text
    );
    let r = s_
        .post(
            &perms,
            &a.token,
            json!({"principals": [format!("arn:aws:iam::{}:role/deployer", c.account_id)]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        find(&deployer).await.is_some(),
        "the path-less role ARN allows the role at its path"
    );
    assert!(
        find(&c).await.is_none(),
        "the role's account root is not the role"
    );
    assert!(
        find(&a).await.is_none(),
        "the owner is not allowed until it allows itself"
    );
    // Filters and pages: AWS services first, then endpoint services.
    let by_name = s_
        .get(&format!("/v1/services?service_name={name}"), &b.token)
        .await;
    assert_eq!(by_name.body["items"].as_array().unwrap().len(), 1);
    let gw = s_.get("/v1/services?service_type=gateway", &b.token).await;
    assert!(
        gw.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["owner"] == "amazon")
    );
    let all = s_.get("/v1/services?max_results=1000", &b.token).await.body["items"]
        .as_array()
        .unwrap()
        .len();
    let mut paged = 0;
    let mut token: Option<String> = None;
    let mut last_was_ours = false;
    loop {
        let mut path = "/v1/services?max_results=7".to_string();
        if let Some(t) = &token {
            path.push_str(&format!("&next_token={t}"));
        }
        let page = s_.get(&path, &b.token).await.body;
        for x in page["items"].as_array().unwrap() {
            paged += 1;
            last_was_ours = x["service_id"] == id.as_str();
        }
        match page["next_token"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(paged, all);
    assert!(last_was_ours, "endpoint services come after AWS services");
    // `*` opens it to everyone.
    s_.post(&perms, &a.token, json!({"principals": ["*"]}))
        .await;
    assert!(find(&a).await.is_some() && find(&c).await.is_some());
    s_.stop().await;
}
