//! The consumer side over HTTP: gateway endpoints and their routes,
//! interface endpoints to AWS services with DNS names and private DNS, the
//! connection workflow between a producer and consumers, and concurrent
//! accept/reject.

use crate::on_both_databases;
use crate::support::{Actor, Db, Resp, TestServer, s};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    gateway_endpoints_add_read_only_routes,
    interface_endpoints_to_aws_services,
    connections_between_producer_and_consumer,
    concurrent_accepts_and_rejects_stay_consistent,
    endpoints_change_with_patch,
    gateway_load_balancer_endpoints_are_route_targets,
    notifications_reach_a_failing_webhook,
    cross_region_endpoints_and_quotas,
    endpoints_pass_through_pending_with_a_delay,
    unknown_stored_states_are_errors,
);

/// A VPC (DNS hostnames on) with a subnet in each of the first `n` zones.
async fn network(s_: &TestServer, who: &Actor, cidr16: u8, n: usize) -> (Value, Vec<String>) {
    let zone_ids = s_.zone_ids(who, n).await;
    let dns = json!({"enable_dns_hostnames": true});
    s_.vpc_with_subnets(who, cidr16, dns, &zone_ids).await
}

async fn endpoint(s_: &TestServer, who: &Actor, body: Value) -> Resp {
    s_.post("/v1/vpc-endpoints", &who.token, body).await
}

/// Gateway endpoints (the default type) put a read-only prefix-list route in
/// each route table given; one per service per table; gone with the endpoint.
async fn gateway_endpoints_add_read_only_routes(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (vpc, _) = network(&s_, &a, 0, 0).await;
    let vpc_id = s(&vpc["vpc_id"]);
    let rt1 = s(&vpc["main_route_table_id"]);
    let rt2 = s(&s_
        .create("/v1/route-tables", &a.token, json!({"vpc_id": vpc_id}))
        .await["route_table_id"]);
    let pl = s_
        .get("/v1/prefix-lists?region=us-east-1", &a.token)
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["prefix_list_name"] == "com.amazonaws.us-east-1.s3")
        .unwrap()["prefix_list_id"]
        .clone();
    let r = endpoint(&s_, &a, json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [rt1]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let e = r.body;
    let id = s(&e["vpc_endpoint_id"]);
    assert!(id.starts_with("vpce-") && id.len() == 22, "{id}");
    assert_eq!(e["vpc_endpoint_type"], "gateway");
    assert_eq!(e["state"], "available");
    assert_eq!(e["route_table_ids"], json!([rt1]));
    assert_eq!(e["dns_entries"], json!([]));
    assert_eq!(e["subnet_ids"], json!([]));
    let policy: Value = serde_json::from_str(e["policy_document"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Effect"], "Allow");
    let table = s_
        .get(&format!("/v1/route-tables/{rt1}"), &a.token)
        .await
        .body;
    let route = table["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["destination_prefix_list_id"] == pl)
        .unwrap()
        .clone();
    assert_eq!(route["gateway_id"], id.as_str());
    assert_eq!(route["origin"], "vpc_endpoint");
    assert_eq!(route["state"], "active");
    // Read-only through the route API.
    s_.delete(
        &format!("/v1/route-tables/{rt1}/routes?destination={}", s(&pl)),
        &a.token,
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.post(
        &format!("/v1/route-tables/{rt1}/routes"),
        &a.token,
        json!({"destination_prefix_list_id": pl, "gateway_id": id}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    // One S3 route per table; another table is fine.
    endpoint(&s_, &a, json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [rt1]}))
        .await
        .assert_problem(409, "RouteAlreadyExists");
    let second = endpoint(&s_, &a, json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [rt2]})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    s_.delete(&format!("/v1/route-tables/{rt2}"), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Bad input.
    for (body, code) in [
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "route_table_ids": [rt1]}),
            "InvalidVpcEndpointType",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.nope"}),
            "InvalidServiceName",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.eu-west-1.s3"}),
            "InvalidServiceName",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.dynamodb", "route_table_ids": ["rtb-00000000000000000"]}),
            "InvalidRouteTableID.NotFound",
        ),
        (
            json!({"vpc_id": "vpc-00000000000000000", "service_name": "com.amazonaws.us-east-1.s3"}),
            "InvalidVpcID.NotFound",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.dynamodb", "policy_document": "{not json"}),
            "InvalidPolicyDocument",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.dynamodb", "policy_document": "{\"Version\":\"2012-10-17\"}"}),
            "InvalidPolicyDocument",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.dynamodb", "subnet_ids": ["subnet-1"]}),
            "InvalidParameter",
        ),
        (
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.dynamodb", "vpc_endpoint_type": "resource"}),
            "InvalidParameterValue",
        ),
    ] {
        endpoint(&s_, &a, body).await.assert_problem(400, code);
    }
    // Deleting the endpoint takes its route away.
    let path = format!("/v1/vpc-endpoints/{id}");
    assert_eq!(
        s_.delete(&path, &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s_.get(&path, &a.token).await.body["state"], "deleted");
    let table = s_
        .get(&format!("/v1/route-tables/{rt1}"), &a.token)
        .await
        .body;
    assert!(
        !table["routes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["destination_prefix_list_id"] == pl)
    );
    let l = s_
        .get(
            &format!("/v1/vpc-endpoints?vpc_id={vpc_id}&state=available"),
            &a.token,
        )
        .await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 1);
    s_.stop().await;
}

/// Interface endpoints: an interface with an address per subnet, DNS names
/// regional then zonal then private, private DNS once per name per VPC.
async fn interface_endpoints_to_aws_services(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (vpc, subnets) = network(&s_, &a, 0, 2).await;
    let vpc_id = s(&vpc["vpc_id"]);
    let r = endpoint(
        &s_,
        &a,
        json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs",
               "subnet_configurations": [{"subnet_id": subnets[0], "ipv4": "10.0.0.50"}, {"subnet_id": subnets[1]}],
               "private_dns_enabled": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let e = r.body;
    let id = s(&e["vpc_endpoint_id"]);
    assert_eq!(e["state"], "available");
    assert_eq!(
        e["security_group_ids"],
        json!([vpc["default_security_group_id"]])
    );
    assert_eq!(e["network_interface_ids"].as_array().unwrap().len(), 2);
    let dns: Vec<String> = e["dns_entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| s(&d["dns_name"]))
        .collect();
    assert_eq!(dns.len(), 4, "{dns:?}");
    let token = dns[0]
        .strip_prefix(&format!("{id}-"))
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .to_string();
    assert!(
        token.len() == 8
            && token
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{token}"
    );
    assert_eq!(
        dns[0],
        format!("{id}-{token}.sqs.us-east-1.vpce.amazonaws.com")
    );
    assert!(
        dns[1].starts_with(&format!("{id}-{token}-us-east-1"))
            && dns[1].ends_with(".sqs.us-east-1.vpce.amazonaws.com")
    );
    assert_eq!(dns[3], "sqs.us-east-1.amazonaws.com");
    assert_eq!(e["dns_entries"][0]["hosted_zone_id"], "Z7HUB22UULQXV");
    // The interfaces: requester-managed, one with the address asked for.
    let enis = s_
        .get(
            &format!("/v1/network-interfaces?vpc_id={vpc_id}&interface_type=vpc_endpoint"),
            &a.token,
        )
        .await
        .body;
    let ips: Vec<String> = enis["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| s(&x["private_ip"]))
        .collect();
    assert!(
        ips.contains(&"10.0.0.50".to_string()) && ips.contains(&"10.0.1.4".to_string()),
        "{ips:?}"
    );
    assert!(
        enis["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["requester_managed"] == true && x["attached_resource_id"] == id.as_str())
    );
    s_.delete(&format!("/v1/subnets/{}", subnets[0]), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Private DNS: once per name per VPC.
    endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0]], "private_dns_enabled": true}))
        .await
        .assert_problem(409, "InvalidParameter");
    let without = endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0]]})).await;
    assert_eq!(without.status, StatusCode::CREATED, "{}", without.body);
    assert_eq!(without.body["dns_entries"].as_array().unwrap().len(), 2);
    // Private DNS needs the VPC's DNS attributes.
    let (plain, plain_subnets) = network(&s_, &a, 1, 1).await;
    s_.patch(
        &format!("/v1/vpcs/{}", s(&plain["vpc_id"])),
        &a.token,
        json!({"enable_dns_hostnames": false}),
    )
    .await;
    endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": plain["vpc_id"], "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": plain_subnets, "private_dns_enabled": true}))
        .await
        .assert_problem(400, "InvalidParameter");
    // S3 interface names are wildcards.
    let s3 = endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.s3", "subnet_ids": [subnets[1]]})).await;
    assert!(
        s(&s3.body["dns_entries"][0]["dns_name"]).starts_with("*.vpce-"),
        "{}",
        s3.body
    );
    // Bad input.
    let other_zone_same = s_
        .create("/v1/subnets", &a.token, json!({"vpc_id": vpc_id, "cidr_block": "10.0.9.0/24", "availability_zone_id": s_.zones(&a.token, "us-east-1").await[0].1}))
        .await;
    for (body, status, code) in [
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0], s(&other_zone_same["subnet_id"])]}),
            400,
            "DuplicateSubnetsInSameZone",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs"}),
            400,
            "MissingParameter",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": plain_subnets}),
            400,
            "InvalidParameterValue",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0]], "security_group_ids": ["sg-00000000000000000"]}),
            400,
            "InvalidGroup.NotFound",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_configurations": [{"subnet_id": subnets[0], "ipv4": "10.0.0.50"}]}),
            409,
            "InvalidIPAddress.InUse",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0]], "policy_document": format!("{{\"Statement\":{{}},\"x\":\"{}\"}}", "y".repeat(20_480))}),
            400,
            "InvalidPolicyDocument",
        ),
        (
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0]], "ip_address_type": "ipv5"}),
            400,
            "InvalidParameterValue",
        ),
    ] {
        endpoint(&s_, &a, body).await.assert_problem(status, code);
    }
    // Deleting frees the interfaces and the private name.
    assert_eq!(
        s_.delete(&format!("/v1/vpc-endpoints/{id}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let gone = s_
        .get(&format!("/v1/vpc-endpoints/{id}"), &a.token)
        .await
        .body;
    assert_eq!(gone["state"], "deleted");
    assert_eq!(gone["network_interface_ids"], json!([]));
    let again = endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": [subnets[0]], "private_dns_enabled": true})).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    // Another account sees none of it.
    let b = s_.account("b").await;
    let path = format!("/v1/vpc-endpoints/{id}");
    for method in [Method::GET, Method::DELETE] {
        s_.call(method, &path, Some(&b.token), None)
            .await
            .assert_problem(404, "InvalidVpcEndpointId.NotFound");
    }
    s_.stop().await;
}

/// A producer with a service requiring acceptance, a consumer allowed to
/// use it, a third account that is not: the whole story.
async fn connections_between_producer_and_consumer(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b, c] = s_.accounts(["producer", "consumer", "stranger"]).await;
    let (_, a_subnets) = network(&s_, &a, 0, 2).await;
    let lb = s_
        .create(
            "/v1/load-balancers",
            &a.token,
            json!({"name": "api", "subnet_ids": a_subnets}),
        )
        .await;
    let lb_arn = s(&lb["load_balancer_arn"]);
    let svc = s_
        .create(
            "/v1/endpoint-services",
            &a.token,
            json!({"network_load_balancer_arns": [lb_arn]}),
        )
        .await;
    let sid = s(&svc["service_id"]);
    let name = s(&svc["service_name"]);
    s_.post(
        &format!("/v1/endpoint-services/{sid}/allowed-principals"),
        &a.token,
        json!({"principals": [format!("arn:aws:iam::{}:root", b.account_id)]}),
    )
    .await;
    // The consumer's subnets in the producer's zones, by zone id.
    let svc_zone_ids: Vec<String> = svc["availability_zone_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    let b_zones = s_.zones(&b.token, "us-east-1").await;
    let bvpc = s_
        .create("/v1/vpcs", &b.token, json!({"cidr_block": "10.1.0.0/16"}))
        .await;
    let mut b_subnets = Vec::new();
    for (i, zid) in svc_zone_ids.iter().enumerate() {
        let sub = s_
            .create("/v1/subnets", &b.token, json!({"vpc_id": bvpc["vpc_id"], "cidr_block": format!("10.1.{i}.0/24"), "availability_zone_id": zid}))
            .await;
        b_subnets.push(s(&sub["subnet_id"]));
    }
    let outside_zone = b_zones
        .iter()
        .find(|(_, z)| !svc_zone_ids.contains(z))
        .unwrap()
        .1
        .clone();
    let stray = s_
        .create("/v1/subnets", &b.token, json!({"vpc_id": bvpc["vpc_id"], "cidr_block": "10.1.9.0/24", "availability_zone_id": outside_zone}))
        .await;
    let body = |subnets: Vec<String>| json!({"vpc_endpoint_type": "interface", "vpc_id": bvpc["vpc_id"], "service_name": name, "subnet_ids": subnets});
    endpoint(&s_, &b, body(vec![s(&stray["subnet_id"])]))
        .await
        .assert_problem(400, "InvalidParameter");
    // The stranger gets exactly what a missing service gets.
    let (cvpc, c_subnets) = network(&s_, &c, 2, 1).await;
    let c_try = endpoint(&s_, &c, json!({"vpc_endpoint_type": "interface", "vpc_id": cvpc["vpc_id"], "service_name": name, "subnet_ids": c_subnets})).await;
    c_try.assert_problem(400, "InvalidServiceName");
    let missing = endpoint(&s_, &c, json!({"vpc_endpoint_type": "interface", "vpc_id": cvpc["vpc_id"], "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-00000000000000000", "subnet_ids": c_subnets})).await;
    assert_eq!(
        c_try.detail().replace(&name, "X"),
        missing.detail().replace(
            "com.amazonaws.vpce.us-east-1.vpce-svc-00000000000000000",
            "X"
        )
    );
    // The consumer's request waits for acceptance.
    let e = endpoint(&s_, &b, body(b_subnets.clone())).await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
    assert_eq!(e.body["state"], "pending_acceptance");
    let eid = s(&e.body["vpc_endpoint_id"]);
    let dns0 = s(&e.body["dns_entries"][0]["dns_name"]);
    assert!(
        dns0.ends_with(&format!(".{sid}.us-east-1.vpce.amazonaws.com")),
        "{dns0}"
    );
    // The producer sees it, with the consumer's account.
    let conns = format!("/v1/endpoint-services/{sid}/connections");
    let list = s_
        .get(
            &format!("{conns}?vpc_endpoint_state=pending_acceptance"),
            &a.token,
        )
        .await
        .body;
    assert_eq!(list["items"][0]["vpc_endpoint_id"], eid.as_str());
    assert_eq!(
        list["items"][0]["vpc_endpoint_owner"],
        b.account_id.as_str()
    );
    assert_eq!(
        list["items"][0]["network_load_balancer_arns"],
        json!([lb_arn])
    );
    s_.get(&conns, &b.token)
        .await
        .assert_problem(404, "InvalidVpcEndpointServiceId.NotFound");
    // While connected, the service and its load balancers stay.
    s_.delete(&format!("/v1/endpoint-services/{sid}"), &a.token)
        .await
        .assert_problem(409, "ExistingVpcEndpointConnections");
    s_.patch(
        &format!("/v1/endpoint-services/{sid}"),
        &a.token,
        json!({"remove_network_load_balancer_arns": [lb_arn]}),
    )
    .await
    .assert_problem(409, "ExistingVpcEndpointConnections");
    // Accept: a bogus id is an unsuccessful item, not an error.
    let r = s_
        .post(
            &format!("{conns}/accept"),
            &a.token,
            json!({"vpc_endpoint_ids": [eid, "vpce-00000000000000000"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["unsuccessful"].as_array().unwrap().len(), 1);
    assert_eq!(
        r.body["unsuccessful"][0]["resource_id"],
        "vpce-00000000000000000"
    );
    assert_eq!(
        s_.get(&format!("/v1/vpc-endpoints/{eid}"), &b.token)
            .await
            .body["state"],
        "available"
    );
    let again = s_
        .post(
            &format!("{conns}/accept"),
            &a.token,
            json!({"vpc_endpoint_ids": [eid]}),
        )
        .await;
    assert_eq!(again.body["unsuccessful"][0]["code"], "IncorrectState");
    // Removing the consumer from the principals keeps the connection.
    s_.delete_with(
        &format!("/v1/endpoint-services/{sid}/allowed-principals"),
        &a.token,
        json!({"principals": [format!("arn:aws:iam::{}:root", b.account_id)]}),
    )
    .await;
    assert_eq!(
        s_.get(&format!("/v1/vpc-endpoints/{eid}"), &b.token)
            .await
            .body["state"],
        "available"
    );
    endpoint(&s_, &b, body(vec![b_subnets[0].clone()]))
        .await
        .assert_problem(400, "InvalidServiceName");
    // Reject cuts a live connection off, for good.
    let r = s_
        .post(
            &format!("{conns}/reject"),
            &a.token,
            json!({"vpc_endpoint_ids": [eid]}),
        )
        .await;
    assert_eq!(r.body["unsuccessful"], json!([]));
    assert_eq!(
        s_.get(&format!("/v1/vpc-endpoints/{eid}"), &b.token)
            .await
            .body["state"],
        "rejected"
    );
    let r = s_
        .post(
            &format!("{conns}/accept"),
            &a.token,
            json!({"vpc_endpoint_ids": [eid]}),
        )
        .await;
    assert_eq!(r.body["unsuccessful"][0]["code"], "IncorrectState");
    // The consumer deletes; the producer sees `deleted`; the service may go.
    assert_eq!(
        s_.delete(&format!("/v1/vpc-endpoints/{eid}"), &b.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let list = s_.get(&conns, &a.token).await.body;
    assert_eq!(list["items"][0]["vpc_endpoint_state"], "deleted");
    assert_eq!(
        s_.delete(&format!("/v1/endpoint-services/{sid}"), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.stop().await;
}

/// 16 concurrent accept and reject batches over the same connections, on
/// two replicas: no 5xx, and every connection ends `available` or
/// `rejected`, the same for both sides.
async fn concurrent_accepts_and_rejects_stay_consistent(db: Db) {
    let (s1, s2) = TestServer::start_pair(db).await;
    let [a, b] = s1.accounts(["producer", "consumer"]).await;
    let (_, a_subnets) = network(&s1, &a, 0, 1).await;
    let svc = s1.service_in(&a, &a_subnets, json!({})).await;
    let sid = s(&svc["service_id"]);
    s1.allow_everyone(&a.token, &sid).await;
    let zone = s(&svc["availability_zone_ids"][0]);
    let mut ids = Vec::new();
    for i in 0..5 {
        let vpc = s1
            .create(
                "/v1/vpcs",
                &b.token,
                json!({"cidr_block": format!("10.{}.0.0/16", 10 + i)}),
            )
            .await;
        let sub = s1.create("/v1/subnets", &b.token, json!({"vpc_id": vpc["vpc_id"], "cidr_block": format!("10.{}.0.0/24", 10 + i), "availability_zone_id": zone})).await;
        let e = endpoint(&s1, &b, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"], "subnet_ids": [sub["subnet_id"]]})).await;
        assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
        ids.push(s(&e.body["vpc_endpoint_id"]));
    }
    let mut tasks = Vec::new();
    for k in 0..16 {
        let srv = if k % 2 == 0 { &s1 } else { &s2 };
        let verb = if k % 3 == 0 { "reject" } else { "accept" };
        let url = srv.url(&format!("/v1/endpoint-services/{sid}/connections/{verb}"));
        let (http, token) = (srv.http.clone(), a.token.clone());
        let mut batch = ids.clone();
        batch.rotate_left(k % ids.len());
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(&url)
                .bearer_auth(token)
                .json(&json!({"vpc_endpoint_ids": batch}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let body = r.text().await.unwrap_or_default();
            assert!(status.is_success(), "{status}: {body}");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let conns = s1
        .get(
            &format!("/v1/endpoint-services/{sid}/connections"),
            &a.token,
        )
        .await
        .body;
    for c in conns["items"].as_array().unwrap() {
        let state = s(&c["vpc_endpoint_state"]);
        assert!(state == "available" || state == "rejected", "{state}");
        let mine = s2
            .get(
                &format!("/v1/vpc-endpoints/{}", s(&c["vpc_endpoint_id"])),
                &b.token,
            )
            .await
            .body;
        assert_eq!(mine["state"], state.as_str());
    }
    s2.stop().await;
    s1.stop().await;
}

/// PATCH: subnets add and remove interfaces and zonal names; route tables
/// move routes; groups follow onto the interfaces; policy and reset;
/// private DNS on and off with the create-time checks.
async fn endpoints_change_with_patch(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let (vpc, subnets) = network(&s_, &a, 0, 3).await;
    let vpc_id = s(&vpc["vpc_id"]);
    let e = endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.kms", "subnet_ids": [subnets[0]]})).await;
    let id = s(&e.body["vpc_endpoint_id"]);
    let path = format!("/v1/vpc-endpoints/{id}");
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"add_subnet_ids": [subnets[1], subnets[2]]}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.body["subnet_ids"].as_array().unwrap().len(), 3);
    assert_eq!(p.body["network_interface_ids"].as_array().unwrap().len(), 3);
    assert_eq!(p.body["dns_entries"].as_array().unwrap().len(), 4);
    let p = s_
        .patch(&path, &a.token, json!({"remove_subnet_ids": [subnets[0]]}))
        .await;
    assert_eq!(p.body["subnet_ids"].as_array().unwrap().len(), 2);
    assert_eq!(
        s_.delete(&format!("/v1/subnets/{}", subnets[0]), &a.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.patch(
        &path,
        &a.token,
        json!({"remove_subnet_ids": [subnets[1], subnets[2]]}),
    )
    .await
    .assert_problem(400, "InvalidParameter");
    // Groups follow onto the interfaces.
    let sg = s_
        .create(
            "/v1/security-groups",
            &a.token,
            json!({"vpc_id": vpc_id, "group_name": "ep", "description": "endpoint"}),
        )
        .await;
    let sg_id = s(&sg["group_id"]);
    let p = s_.patch(&path, &a.token, json!({"add_security_group_ids": [sg_id], "remove_security_group_ids": [vpc["default_security_group_id"]]})).await;
    assert_eq!(p.body["security_group_ids"], json!([sg_id]));
    let eni = s(&p.body["network_interface_ids"][0]);
    assert_eq!(
        s_.get(&format!("/v1/network-interfaces/{eni}"), &a.token)
            .await
            .body["security_group_ids"],
        json!([sg_id])
    );
    s_.delete(&format!("/v1/security-groups/{sg_id}"), &a.token)
        .await
        .assert_problem(409, "DependencyViolation");
    // Policy, reset; private DNS on and off.
    let doc = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#;
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"policy_document": doc, "private_dns_enabled": true}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.body["policy_document"], doc);
    assert_eq!(p.body["private_dns_enabled"], true);
    assert_eq!(
        p.body["dns_entries"].as_array().unwrap().last().unwrap()["dns_name"],
        "kms.us-east-1.amazonaws.com"
    );
    let p = s_
        .patch(
            &path,
            &a.token,
            json!({"reset_policy": true, "private_dns_enabled": false}),
        )
        .await;
    let policy: Value = serde_json::from_str(p.body["policy_document"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Effect"], "Allow");
    assert_eq!(p.body["dns_entries"].as_array().unwrap().len(), 3);
    s_.patch(&path, &a.token, json!({"policy_document": "[]"}))
        .await
        .assert_problem(400, "InvalidPolicyDocument");
    s_.patch(
        &path,
        &a.token,
        json!({"add_route_table_ids": [vpc["main_route_table_id"]]}),
    )
    .await
    .assert_problem(400, "InvalidParameter");
    // Gateway endpoints move their routes between tables.
    let rt2 = s(&s_
        .create("/v1/route-tables", &a.token, json!({"vpc_id": vpc_id}))
        .await["route_table_id"]);
    let g = endpoint(&s_, &a, json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.dynamodb", "route_table_ids": [vpc["main_route_table_id"]]})).await;
    let gpath = format!("/v1/vpc-endpoints/{}", s(&g.body["vpc_endpoint_id"]));
    let p = s_.patch(&gpath, &a.token, json!({"add_route_table_ids": [rt2], "remove_route_table_ids": [vpc["main_route_table_id"]]})).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.body["route_table_ids"], json!([rt2]));
    let has_route = |t: Value| {
        t["routes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["origin"] == "vpc_endpoint")
    };
    assert!(has_route(
        s_.get(&format!("/v1/route-tables/{rt2}"), &a.token)
            .await
            .body
    ));
    assert!(!has_route(
        s_.get(
            &format!("/v1/route-tables/{}", s(&vpc["main_route_table_id"])),
            &a.token
        )
        .await
        .body
    ));
    s_.patch(&gpath, &a.token, json!({"add_subnet_ids": [subnets[1]]}))
        .await
        .assert_problem(400, "InvalidParameter");
    s_.stop().await;
}

/// A GWLB endpoint: one subnet, an interface in it, a route target
/// (`vpc_endpoint_id`), and not deleted while routes point at it.
async fn gateway_load_balancer_endpoints_are_route_targets(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["appliances", "consumer"]).await;
    let (_, a_subnets) = network(&s_, &a, 0, 1).await;
    let gw = s_
        .create(
            "/v1/load-balancers",
            &a.token,
            json!({"name": "fw", "type": "gateway", "subnet_ids": a_subnets}),
        )
        .await;
    let svc = s_
        .create("/v1/endpoint-services", &a.token, json!({"gateway_load_balancer_arns": [gw["load_balancer_arn"]], "acceptance_required": false}))
        .await;
    s_.allow_everyone(&a.token, &s(&svc["service_id"])).await;
    let zone = s(&svc["availability_zone_ids"][0]);
    let vpc = s_
        .create("/v1/vpcs", &b.token, json!({"cidr_block": "10.5.0.0/16"}))
        .await;
    let sub1 = s_.create("/v1/subnets", &b.token, json!({"vpc_id": vpc["vpc_id"], "cidr_block": "10.5.1.0/24", "availability_zone_id": zone})).await;
    let sub2 = s_.create("/v1/subnets", &b.token, json!({"vpc_id": vpc["vpc_id"], "cidr_block": "10.5.2.0/24", "availability_zone_id": zone})).await;
    let body = |subnets: Value| json!({"vpc_endpoint_type": "gateway_load_balancer", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"], "subnet_ids": subnets});
    endpoint(&s_, &b, body(json!([sub1["subnet_id"], sub2["subnet_id"]])))
        .await
        .assert_problem(400, "InvalidParameter");
    endpoint(&s_, &b, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"], "subnet_ids": [sub1["subnet_id"]]}))
        .await
        .assert_problem(400, "InvalidVpcEndpointType");
    let e = endpoint(&s_, &b, body(json!([sub1["subnet_id"]]))).await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
    assert_eq!(e.body["state"], "available");
    assert_eq!(e.body["dns_entries"], json!([]));
    assert_eq!(e.body["policy_document"], Value::Null);
    let id = s(&e.body["vpc_endpoint_id"]);
    let rtb = s(&vpc["main_route_table_id"]);
    let routes = format!("/v1/route-tables/{rtb}/routes");
    let r = s_
        .post(
            &routes,
            &b.token,
            json!({"destination_cidr_block": "0.0.0.0/0", "vpc_endpoint_id": id}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let route = r.body["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["destination_cidr_block"] == "0.0.0.0/0")
        .unwrap()
        .clone();
    assert_eq!(route["vpc_endpoint_id"], id.as_str());
    assert_eq!(route["state"], "active");
    let pl = s_
        .get("/v1/prefix-lists?region=us-east-1", &b.token)
        .await
        .body["items"][0]["prefix_list_id"]
        .clone();
    s_.post(
        &routes,
        &b.token,
        json!({"destination_prefix_list_id": pl, "vpc_endpoint_id": id}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    s_.delete(&format!("/v1/vpc-endpoints/{id}"), &b.token)
        .await
        .assert_problem(409, "DependencyViolation");
    assert_eq!(
        s_.delete(&format!("{routes}?destination=0.0.0.0/0"), &b.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s_.delete(&format!("/v1/vpc-endpoints/{id}"), &b.token)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s_.stop().await;
}

/// A webhook on 127.0.0.1 that fails its first two deliveries still gets
/// every event (connect, accept, delete), each signed with the secret.
async fn notifications_reach_a_failing_webhook(db: Db) {
    // The first two deliveries fail.
    let (sink, seen) = crate::support::hook_sink(2);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, sink).await;
    });

    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["producer", "consumer"]).await;
    let (_, a_subnets) = network(&s_, &a, 0, 1).await;
    let svc = s_.service_in(&a, &a_subnets, json!({})).await;
    let sid = s(&svc["service_id"]);
    s_.allow_everyone(&a.token, &sid).await;
    let nfs = format!("/v1/endpoint-services/{sid}/notifications");
    for (body, code) in [
        (
            json!({"webhook_url": "ftp://x/y", "events": ["connect"]}),
            "InvalidParameterValue",
        ),
        (
            json!({"webhook_url": hook, "events": ["explode"]}),
            "InvalidParameterValue",
        ),
        (
            json!({"webhook_url": hook, "events": []}),
            "MissingParameter",
        ),
    ] {
        s_.post(&nfs, &a.token, body)
            .await
            .assert_problem(400, code);
    }
    let n = s_
        .create(
            &nfs,
            &a.token,
            json!({"webhook_url": hook, "events": ["delete", "connect", "accept"]}),
        )
        .await;
    let secret = s(&n["signing_secret"]);
    assert!(s(&n["connection_notification_id"]).starts_with("vpce-nfn-"));
    assert_eq!(n["events"], json!(["accept", "connect", "delete"]));
    assert!(s_.get(&nfs, &a.token).await.body["items"][0]["signing_secret"].is_null());
    // Connect, accept, delete.
    let zone = s(&svc["availability_zone_ids"][0]);
    let vpc = s_
        .create("/v1/vpcs", &b.token, json!({"cidr_block": "10.7.0.0/16"}))
        .await;
    let sub = s_.create("/v1/subnets", &b.token, json!({"vpc_id": vpc["vpc_id"], "cidr_block": "10.7.0.0/24", "availability_zone_id": zone})).await;
    let e = endpoint(&s_, &b, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"], "subnet_ids": [sub["subnet_id"]]})).await;
    let eid = s(&e.body["vpc_endpoint_id"]);
    s_.post(
        &format!("/v1/endpoint-services/{sid}/connections/accept"),
        &a.token,
        json!({"vpc_endpoint_ids": [eid]}),
    )
    .await;
    s_.delete(&format!("/v1/vpc-endpoints/{eid}"), &b.token)
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let got = seen.lock().unwrap().len();
        if got >= 3 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {got} deliveries arrived"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let delivered = seen.lock().unwrap().clone();
    let mut events: Vec<String> = Vec::new();
    for (sig, body) in &delivered {
        assert_eq!(
            sig,
            &linkplane::service::notification::signature(&secret, body.as_bytes())
        );
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["vpc_endpoint_id"], eid.as_str());
        assert_eq!(v["vpc_endpoint_owner"], b.account_id.as_str());
        events.push(s(&v["event"]));
    }
    events.sort();
    assert_eq!(events, ["accept", "connect", "delete"]);
    // The webhook has answered the last delivery; the deliverer records
    // that just after.
    loop {
        let status = s_.get(&nfs, &a.token).await.body["items"][0].clone();
        if status["pending_deliveries"] == 0 && status["last_delivery_status"] == "200" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still pending: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    s_.stop().await;
    server.abort();
}

/// A service in us-east-1 that supports eu-west-1 takes endpoints from
/// eu-west-1 VPCs (names carry the service's region; the producer sees the
/// consumer's region); one that does not refuses them. Quotas: 50 interface
/// endpoints per VPC, 20 gateway endpoints per region.
async fn cross_region_endpoints_and_quotas(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["producer", "consumer"]).await;
    let (_, a_subnets) = network(&s_, &a, 0, 1).await;
    let svc = s_
        .service_in(&a, &a_subnets, json!({"acceptance_required": false}))
        .await;
    let sid = s(&svc["service_id"]);
    s_.allow_everyone(&a.token, &sid).await;
    let eu_zone = s_.zones(&b.token, "eu-west-1").await[0].1.clone();
    let vpc = s_
        .create(
            "/v1/vpcs",
            &b.token,
            json!({"cidr_block": "10.9.0.0/16", "region": "eu-west-1"}),
        )
        .await;
    let sub = s_.create("/v1/subnets", &b.token, json!({"vpc_id": vpc["vpc_id"], "cidr_block": "10.9.0.0/24", "availability_zone_id": eu_zone})).await;
    let body = json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"],
                      "service_region": "us-east-1", "subnet_ids": [sub["subnet_id"]]});
    endpoint(&s_, &b, body.clone())
        .await
        .assert_problem(400, "InvalidParameter");
    s_.patch(
        &format!("/v1/endpoint-services/{sid}"),
        &a.token,
        json!({"add_supported_regions": ["eu-west-1"]}),
    )
    .await;
    let e = endpoint(&s_, &b, body).await;
    assert_eq!(e.status, StatusCode::CREATED, "{}", e.body);
    assert_eq!(e.body["service_region"], "us-east-1");
    assert_eq!(e.body["region"], "eu-west-1");
    assert!(
        s(&e.body["dns_entries"][0]["dns_name"])
            .ends_with(&format!("{sid}.us-east-1.vpce.amazonaws.com"))
    );
    let conns = s_
        .get(
            &format!("/v1/endpoint-services/{sid}/connections"),
            &a.token,
        )
        .await
        .body;
    assert_eq!(conns["items"][0]["vpc_endpoint_region"], "eu-west-1");
    // Without service_region, the name is looked up in the VPC's region.
    endpoint(&s_, &b, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": svc["service_name"], "subnet_ids": [sub["subnet_id"]]}))
        .await
        .assert_problem(400, "InvalidServiceName");
    // Quotas.
    let (qvpc, qsub) = network(&s_, &b, 20, 1).await;
    for _ in 0..50 {
        let r = endpoint(&s_, &b, json!({"vpc_endpoint_type": "interface", "vpc_id": qvpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.logs", "subnet_ids": qsub})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    endpoint(&s_, &b, json!({"vpc_endpoint_type": "interface", "vpc_id": qvpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.logs", "subnet_ids": qsub}))
        .await
        .assert_problem(400, "VpcEndpointLimitExceeded");
    for _ in 0..20 {
        let r = endpoint(
            &s_,
            &b,
            json!({"vpc_id": qvpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.dynamodb"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    endpoint(
        &s_,
        &b,
        json!({"vpc_id": qvpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.s3"}),
    )
    .await
    .assert_problem(400, "VpcEndpointLimitExceeded");
    s_.stop().await;
}

/// With a provisioning delay an interface endpoint is `pending`, then
/// `available`; a change sends it back to `pending` until it is done; a
/// delete is `deleting`, then `deleted`.
async fn endpoints_pass_through_pending_with_a_delay(db: Db) {
    let settings = linkplane::config::Settings {
        provision_delay: std::time::Duration::from_millis(300),
        ..linkplane::config::Settings::default()
    };
    let fresh = crate::support::FreshDb::new(db).await;
    let s_ = TestServer::on_url(db, &fresh.url, settings).await;
    let a = s_.account("a").await;
    let (vpc, subnets) = network(&s_, &a, 0, 2).await;
    let e = endpoint(&s_, &a, json!({"vpc_endpoint_type": "interface", "vpc_id": vpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.ssm", "subnet_ids": [subnets[0]]})).await;
    assert_eq!(e.body["state"], "pending");
    let path = format!("/v1/vpc-endpoints/{}", s(&e.body["vpc_endpoint_id"]));
    let wait_for = |want: &'static str| {
        let (s_, path, token) = (&s_, path.clone(), a.token.clone());
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                let state = s(&s_.get(&path, &token).await.body["state"]);
                if state == want {
                    return;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "still {state}, want {want}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    };
    wait_for("available").await;
    let p = s_
        .patch(&path, &a.token, json!({"add_subnet_ids": [subnets[1]]}))
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.body["state"], "pending");
    wait_for("available").await;
    assert_eq!(
        s_.delete(&path, &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s_.get(&path, &a.token).await.body["state"], "deleting");
    wait_for("deleted").await;
    s_.stop().await;
}

/// A state the core does not know, found in the database, is an internal
/// error naming the table and column, on every read path (rows, rows as
/// JSON, the resolver's snapshot), never read as some default state.
async fn unknown_stored_states_are_errors(db: Db) {
    use linkplane::store::StoreError;
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let svc = s_.endpoint_service(&a, json!({})).await;
    let sid = s(&svc["service_id"]);
    let (vpc, _) = network(&s_, &a, 1, 0).await;
    let r = endpoint(
        &s_,
        &a,
        json!({"vpc_id": vpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.s3"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = s(&r.body["vpc_endpoint_id"]);
    let pool = s_.store.pool();
    // Make it a connection of the service too, so the JSON page reads it.
    sqlx::query("UPDATE vpc_endpoints SET state = $1, service_id = $2 WHERE vpc_endpoint_id = $3")
        .bind("expired")
        .bind(&sid)
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    let named = |e: StoreError| {
        let m = e.to_string();
        assert!(
            m.contains("vpc_endpoints.state") && m.contains("'expired'"),
            "{m}"
        );
    };
    named(
        linkplane::store::consumer::get_endpoint(
            pool,
            linkplane::store::filter::Scope::AnyAccount,
            &id,
        )
        .await
        .unwrap_err(),
    );
    let spec = linkplane::store::page::PageSpec {
        limit: 10,
        after: None,
    };
    named(
        linkplane::store::consumer::list_connections(
            pool,
            &a.account_id,
            &sid,
            &Default::default(),
            &spec,
        )
        .await
        .unwrap_err(),
    );
    named(
        linkplane::store::snapshot::load(&s_.store)
            .await
            .unwrap_err(),
    );
    s_.get(&format!("/v1/vpc-endpoints/{id}"), &a.token)
        .await
        .assert_problem(500, "InternalError");
    s_.get("/v1/vpc-endpoints", &a.token)
        .await
        .assert_problem(500, "InternalError");
    s_.get(
        &format!("/v1/endpoint-services/{sid}/connections"),
        &a.token,
    )
    .await
    .assert_problem(500, "InternalError");
    // The known spelling reads again.
    sqlx::query("UPDATE vpc_endpoints SET state = $1 WHERE vpc_endpoint_id = $2")
        .bind("available")
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    let e = s_.get(&format!("/v1/vpc-endpoints/{id}"), &a.token).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert_eq!(e.body["state"], "available");
    // Other lifecycles name their own column.
    sqlx::query("UPDATE endpoint_services SET service_state = $1 WHERE service_id = $2")
        .bind("Available")
        .bind(&sid)
        .execute(pool)
        .await
        .unwrap();
    let m = linkplane::store::producer::get_service(
        pool,
        linkplane::store::filter::Scope::AnyAccount,
        &sid,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(m.contains("endpoint_services.service_state"), "{m}");
    s_.get(&format!("/v1/endpoint-services/{sid}"), &a.token)
        .await
        .assert_problem(500, "InternalError");
    s_.stop().await;
}
