//! Route resolution over HTTP: the producer/consumer story resolved end to
//! end across two accounts, gateway endpoints, the VPC resolver, input
//! errors, tenancy, and snapshot freshness across replicas.

use crate::on_both_databases;
use crate::support::{Actor, Db, TestServer, s};
use linkplane::api::encode_segment as enc;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    privatelink_story_resolves_end_to_end,
    gateway_endpoint_and_vpc_resolver,
    resolve_rejects_bad_input_and_other_accounts,
    replicas_resolve_over_each_others_writes,
    cost_of_endpoints_beside_nat,
    a_replaced_private_dns_name_stops_answering,
);

fn codes(r: &Value) -> Vec<String> {
    r["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| s(&e["code"]))
        .collect()
}

fn components(r: &Value) -> Vec<(String, String)> {
    r["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (s(&h["component"]), s(&h["id"])))
        .collect()
}

async fn resolve(s_: &TestServer, who: &Actor, body: Value) -> Value {
    let r = s_.post("/v1/resolve", &who.token, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// A VPC (DNS hostnames on) with one subnet per given zone id.
async fn vpc_in_zones(
    s_: &TestServer,
    who: &Actor,
    second_octet: u8,
    zone_ids: &[String],
) -> (String, Vec<String>) {
    let dns = json!({"enable_dns_hostnames": true});
    let (vpc, subnets) = s_.vpc_with_subnets(who, second_octet, dns, zone_ids).await;
    (s(&vpc["vpc_id"]), subnets)
}

async fn interface(s_: &TestServer, who: &Actor, subnet: &str) -> (String, String) {
    let e = s_
        .create(
            "/v1/network-interfaces",
            &who.token,
            json!({"subnet_id": subnet}),
        )
        .await;
    (s(&e["network_interface_id"]), s(&e["private_ip"]))
}

/// The producer publishes an NLB-backed service; the consumer (another
/// account, other zone names) connects; resolution follows every state:
/// pending acceptance, accepted, a target's security group, health, and
/// cross-zone load balancing on and off.
async fn privatelink_story_resolves_end_to_end(db: Db) {
    let s_ = TestServer::start(db).await;
    let [p, c] = s_.accounts(["producer", "consumer"]).await;
    let zone_ids: Vec<String> = s_
        .zones(&p.token, "us-east-1")
        .await
        .into_iter()
        .take(2)
        .map(|(_, id)| id)
        .collect();
    let (pvpc, psubnets) = vpc_in_zones(&s_, &p, 0, &zone_ids).await;
    let lb = s_
        .create(
            "/v1/load-balancers",
            &p.token,
            json!({"name": "api", "subnet_ids": psubnets}),
        )
        .await;
    let lb_arn = s(&lb["load_balancer_arn"]);
    let tg = s_
        .create(
            "/v1/target-groups",
            &p.token,
            json!({"name": "api", "protocol": "tcp", "port": 443, "vpc_id": pvpc, "load_balancer_arn": lb_arn}),
        )
        .await;
    let tg_arn = s(&tg["target_group_arn"]);
    let tg_path = format!("/v1/target-groups/{}", enc(&tg_arn));
    let (_, t1) = interface(&s_, &p, &psubnets[0]).await;
    let (_, t2) = interface(&s_, &p, &psubnets[1]).await;
    let r = s_
        .post(
            &format!("{tg_path}/targets"),
            &p.token,
            json!({"targets": [{"id": t1}, {"id": t2}]}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    for t in [&t1, &t2] {
        let r = s_
            .put(
                &format!("{tg_path}/targets/{t}/health"),
                &p.token,
                json!({"healthy": true}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let svc = s_
        .create(
            "/v1/endpoint-services",
            &p.token,
            json!({"network_load_balancer_arns": [lb_arn], "acceptance_required": true}),
        )
        .await;
    let sid = s(&svc["service_id"]);
    s_.post(
        &format!("/v1/endpoint-services/{sid}/allowed-principals"),
        &p.token,
        json!({"principals": [format!("arn:aws:iam::{}:root", c.account_id)]}),
    )
    .await;

    let (cvpc, csubnets) = vpc_in_zones(&s_, &c, 1, &zone_ids).await;
    let (client, _) = interface(&s_, &c, &csubnets[0]).await;
    let e = s_
        .create(
            "/v1/vpc-endpoints",
            &c.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": cvpc, "service_name": svc["service_name"], "subnet_ids": csubnets}),
        )
        .await;
    let eid = s(&e["vpc_endpoint_id"]);
    let regional = s(&e["dns_entries"][0]["dns_name"]);
    let ask = json!({"source": {"network_interface_id": client}, "destination": {"host": regional}, "port": 443});

    // Pending acceptance: the name resolves, the endpoint is not available.
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(r["reachable"], false);
    assert_eq!(r["dns"]["answered_by"], "endpoint_regional");
    assert_eq!(r["dns"]["answers"].as_array().unwrap().len(), 2);
    assert!(
        codes(&r).contains(&"ENDPOINT_NOT_AVAILABLE".to_string()),
        "{r}"
    );

    s_.post(
        &format!("/v1/endpoint-services/{sid}/connections/accept"),
        &p.token,
        json!({"vpc_endpoint_ids": [eid]}),
    )
    .await;
    // Accepted; the target's default group does not admit the NLB's
    // addresses yet (no client IP preservation for IP targets).
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(codes(&r), vec!["SECURITY_GROUP_INGRESS_DENIED"], "{r}");
    // The block is in the producer's network: the consumer learns the code
    // and the account, named past the service, not the producer's group.
    let why = &r["explanations"][0];
    assert_eq!(why["component_id"], sid.as_str(), "{r}");
    assert!(s(&why["message"]).contains(&p.account_id), "{r}");
    let pvpc_body = s_.get(&format!("/v1/vpcs/{pvpc}"), &p.token).await.body;
    let psg = s(&pvpc_body["default_security_group_id"]);
    let rr = s_
        .post(
            &format!("/v1/security-groups/{psg}/rules"),
            &p.token,
            json!({"direction": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/16"}),
        )
        .await;
    assert!(rr.status.is_success(), "{}", rr.body);
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(r["reachable"], true, "{r}");
    let path = components(&r);
    assert_eq!(path[0], ("network_interface".to_string(), client.clone()));
    assert!(path.contains(&("vpc_endpoint".to_string(), eid.clone())));
    assert!(path.contains(&("vpc_endpoint_service".to_string(), sid.clone())));
    // The producer's load balancer and target: their kind and zone, never
    // their ids or addresses.
    assert!(path.contains(&("load_balancer".to_string(), "hidden".to_string())));
    assert!(!r.to_string().contains(&lb_arn), "{r}");
    assert!(!r.to_string().contains(&psg), "{r}");
    let target = r["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["component"] == "target")
        .unwrap()
        .clone();
    // Cross-zone off: the target in the client's zone (by zone id).
    assert_eq!(target["id"], "hidden");
    assert_eq!(target["address"], Value::Null);
    assert_eq!(target["owner_account_id"], p.account_id.as_str());
    assert_eq!(target["zone_id"], zone_ids[0].as_str());
    // The zone's name is the caller's.
    let c_names = s_.zones(&c.token, "us-east-1").await;
    let want = c_names
        .iter()
        .find(|(_, id)| id == &zone_ids[0])
        .unwrap()
        .0
        .clone();
    assert_eq!(target["zone_name"], want.as_str());

    // The zone-1 target goes unhealthy: nothing else in that zone.
    s_.put(
        &format!("{tg_path}/targets/{t1}/health"),
        &p.token,
        json!({"healthy": false}),
    )
    .await;
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(codes(&r), vec!["NO_HEALTHY_TARGET_IN_ZONE"], "{r}");
    // Cross-zone on: the other zone's target takes it.
    let lr = s_
        .patch(
            &format!("/v1/load-balancers/{}", enc(&lb_arn)),
            &p.token,
            json!({"cross_zone_enabled": true}),
        )
        .await;
    assert!(lr.status.is_success(), "{}", lr.body);
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(r["reachable"], true, "{r}");
    let target = r["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["component"] == "target")
        .unwrap()
        .clone();
    assert_eq!(target["zone_id"], zone_ids[1].as_str());
    // With listeners, the load balancer forwards only their ports: one on
    // 8443 leaves 443 unheard (no listener in the consumer's view names
    // the producer's load balancer); one on 443 takes it again.
    let listeners = format!("/v1/load-balancers/{}/listeners", enc(&lb_arn));
    let listen = |port: u16| json!({"protocol": "tcp", "port": port, "target_group_arn": tg_arn});
    let lr = s_.post(&listeners, &p.token, listen(8443)).await;
    assert_eq!(lr.status, StatusCode::CREATED, "{}", lr.body);
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(codes(&r), vec!["NO_LISTENER_ON_PORT"], "{r}");
    assert!(!r.to_string().contains(&lb_arn), "{r}");
    let mut on_8443 = ask.clone();
    on_8443["port"] = json!(8443);
    let r = resolve(&s_, &c, on_8443).await;
    assert!(
        !codes(&r).contains(&"NO_LISTENER_ON_PORT".to_string()),
        "{r}"
    );
    let lr = s_.post(&listeners, &p.token, listen(443)).await;
    assert_eq!(lr.status, StatusCode::CREATED, "{}", lr.body);
    let r = resolve(&s_, &c, ask.clone()).await;
    assert_eq!(r["reachable"], true, "{r}");
    // UDP through an interface endpoint.
    let mut udp = ask.clone();
    udp["protocol"] = json!("udp");
    let r = resolve(&s_, &c, udp).await;
    assert!(
        codes(&r).contains(&"PROTOCOL_NOT_SUPPORTED".to_string()),
        "{r}"
    );
}

/// A private subnet reaches S3 through a gateway endpoint; the VPC resolver
/// answers names; an unknown name is `DNS_NAME_NOT_FOUND`; policies apply.
async fn gateway_endpoint_and_vpc_resolver(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones: Vec<String> = s_
        .zones(&a.token, "us-east-1")
        .await
        .into_iter()
        .take(1)
        .map(|(_, z)| z)
        .collect();
    let (vpc, subnets) = vpc_in_zones(&s_, &a, 0, &zones).await;
    let vpc_body = s_.get(&format!("/v1/vpcs/{vpc}"), &a.token).await.body;
    let rtb = s(&vpc_body["main_route_table_id"]);
    let (eni, _) = interface(&s_, &a, &subnets[0]).await;
    let bucket = json!({"source": {"network_interface_id": eni}, "destination": {"host": "my-bucket.s3.us-east-1.amazonaws.com"}, "port": 443});
    // No route yet.
    let r = resolve(&s_, &a, bucket.clone()).await;
    assert_eq!(codes(&r), vec!["NO_ROUTE_TO_DESTINATION"], "{r}");
    assert_eq!(r["dns"]["answered_by"], "public");
    let policy = r#"{"Statement":[{"Sid":"Reads","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}"#;
    let gw = s_
        .create(
            "/v1/vpc-endpoints",
            &a.token,
            json!({"vpc_id": vpc, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [rtb], "policy_document": policy}),
        )
        .await;
    let gw_id = s(&gw["vpc_endpoint_id"]);
    let r = resolve(&s_, &a, bucket.clone()).await;
    assert_eq!(r["reachable"], true, "{r}");
    let rt = r["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["component"] == "route_table")
        .unwrap()
        .clone();
    assert!(s(&rt["route"]["destination"]).starts_with("pl-"), "{rt}");
    assert_eq!(rt["route"]["target"], gw_id.as_str());
    assert!(components(&r).contains(&(
        "aws_service".to_string(),
        "com.amazonaws.us-east-1.s3".to_string()
    )));
    // The endpoint policy, for a request.
    let mut get = bucket.clone();
    get["request"] = json!({"principal_arn": format!("arn:aws:iam::{}:role/app", a.account_id), "action": "s3:GetObject", "resource": "arn:aws:s3:::my-bucket/k"});
    let r = resolve(&s_, &a, get.clone()).await;
    assert_eq!(r["reachable"], true, "{r}");
    let ep_hop = r["hops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["component"] == "vpc_endpoint")
        .unwrap()
        .clone();
    assert_eq!(ep_hop["rule"], "Reads");
    get["request"]["action"] = json!("s3:PutObject");
    let r = resolve(&s_, &a, get).await;
    assert_eq!(codes(&r), vec!["ENDPOINT_POLICY_DENIED"], "{r}");
    // UDP through a gateway endpoint.
    let mut udp = bucket.clone();
    udp["protocol"] = json!("udp");
    let r = resolve(&s_, &a, udp).await;
    assert_eq!(codes(&r), vec!["PROTOCOL_NOT_SUPPORTED"], "{r}");
    // Unknown names.
    let r = resolve(&s_, &a, json!({"source": {"network_interface_id": eni}, "destination": {"host": "nothing.example.com"}, "port": 443})).await;
    assert_eq!(codes(&r), vec!["DNS_NAME_NOT_FOUND"]);
    assert_eq!(r["dns"]["answered_by"], "none");
    // The VPC resolver directly.
    let d = s_
        .get(
            &format!("/v1/vpcs/{vpc}/dns?name=sqs.us-east-1.amazonaws.com"),
            &a.token,
        )
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert_eq!(d.body["answered_by"], "public");
    assert_eq!(d.body["component_id"], "com.amazonaws.us-east-1.sqs");
    let d = s_
        .get(
            &format!("/v1/vpcs/{vpc}/dns?name=nothing.example.com"),
            &a.token,
        )
        .await;
    assert_eq!(d.body["answered_by"], "none");
    assert_eq!(d.body["answers"], json!([]));
    // An SQS interface endpoint with private DNS takes over the name.
    let ep = s_
        .create(
            "/v1/vpc-endpoints",
            &a.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": subnets, "private_dns_enabled": true}),
        )
        .await;
    let d = s_
        .get(
            &format!("/v1/vpcs/{vpc}/dns?name=SQS.us-east-1.amazonaws.com."),
            &a.token,
        )
        .await;
    assert_eq!(d.body["answered_by"], "private_dns", "{}", d.body);
    assert_eq!(d.body["component_id"], ep["vpc_endpoint_id"]);
    assert_eq!(d.body["answers"][0], ep_ip(&s_, &a, &ep).await.as_str());
    s_.get(&format!("/v1/vpcs/{vpc}/dns"), &a.token)
        .await
        .assert_problem(400, "MissingParameter");
    s_.get(&format!("/v1/vpcs/{vpc}/dns?name=bad..name"), &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
}

async fn ep_ip(s_: &TestServer, who: &Actor, ep: &Value) -> String {
    let eni = s(&ep["network_interface_ids"][0]);
    s(&s_
        .get(&format!("/v1/network-interfaces/{eni}"), &who.token)
        .await
        .body["private_ip"])
}

/// 400 for malformed queries, 404 for sources of another account, 403 for
/// the admin; an IPv6 destination is an answer, not an error.
async fn resolve_rejects_bad_input_and_other_accounts(db: Db) {
    let s_ = TestServer::start(db).await;
    let [a, b] = s_.accounts(["a", "b"]).await;
    let zones: Vec<String> = s_
        .zones(&a.token, "us-east-1")
        .await
        .into_iter()
        .take(1)
        .map(|(_, z)| z)
        .collect();
    let (_, subnets) = vpc_in_zones(&s_, &a, 0, &zones).await;
    let (eni, _) = interface(&s_, &a, &subnets[0]).await;
    let post = |body: Value| s_.post("/v1/resolve", &a.token, body);
    let src = json!({"network_interface_id": eni});
    post(json!({"source": src, "destination": {"ip": "10.0.0.999"}, "port": 443}))
        .await
        .assert_problem(400, "InvalidParameterValue");
    post(json!({"source": src, "destination": {"ip": "10.0.0.9", "host": "x.com"}, "port": 443}))
        .await
        .assert_problem(400, "InvalidParameterCombination");
    post(json!({"source": {}, "destination": {"ip": "10.0.0.9"}, "port": 443}))
        .await
        .assert_problem(400, "InvalidParameterCombination");
    post(json!({"source": {"subnet_id": subnets[0], "ip": "10.9.9.9"}, "destination": {"ip": "10.0.0.9"}, "port": 443})).await.assert_problem(400, "InvalidParameterValue");
    post(json!({"source": src, "destination": {"host": "bad host!"}, "port": 443}))
        .await
        .assert_problem(400, "InvalidParameterValue");
    let r = post(
        json!({"source": src, "destination": {"ip": "10.0.0.9"}, "port": 443, "protocol": "sctp"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = post(json!({"source": src, "destination": {"ip": "10.0.0.9"}, "port": 70000})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = post(json!({"source": src, "destination": {"ip": "10.0.0.9"}})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = post(json!({"source": src, "destination": {"ip": "10.0.0.9"}, "port": 1, "extra": 1}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    // IPv6: an explained answer.
    let r = resolve(
        &s_,
        &a,
        json!({"source": src, "destination": {"ip": "2001:db8::1"}, "port": 443}),
    )
    .await;
    assert_eq!(codes(&r), vec!["IPV6_NOT_SUPPORTED"]);
    // Unknown and foreign sources.
    post(json!({"source": {"network_interface_id": "eni-0000000000000000f"}, "destination": {"ip": "10.0.0.9"}, "port": 1}))
        .await
        .assert_problem(404, "InvalidNetworkInterfaceID.NotFound");
    s_.post(
        "/v1/resolve",
        &b.token,
        json!({"source": src, "destination": {"ip": "10.0.0.9"}, "port": 1}),
    )
    .await
    .assert_problem(404, "InvalidNetworkInterfaceID.NotFound");
    s_.post("/v1/resolve", &b.token, json!({"source": {"subnet_id": subnets[0], "ip": "10.0.0.9"}, "destination": {"ip": "10.0.0.9"}, "port": 1}))
        .await
        .assert_problem(404, "InvalidSubnetID.NotFound");
    let r = s_
        .post(
            "/v1/resolve",
            crate::support::ADMIN,
            json!({"source": src, "destination": {"ip": "10.0.0.9"}, "port": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A source given as an address with no interface: no groups apply.
    let r = resolve(&s_, &a, json!({"source": {"subnet_id": subnets[0], "ip": "10.0.0.200"}, "destination": {"ip": "10.0.0.201"}, "port": 22})).await;
    assert_eq!(r["hops"][0]["component"], "subnet");
    assert_eq!(codes(&r), vec!["UNKNOWN_DESTINATION"]);
}

/// Two replicas on one database: a write through one is visible to a
/// resolve through the other at once (the snapshot follows the network
/// version), and `network_version` moves only with writes.
async fn replicas_resolve_over_each_others_writes(db: Db) {
    let (s1, s2) = TestServer::start_pair(db).await;
    let a = s1.account("a").await;
    let zones: Vec<String> = s1
        .zones(&a.token, "us-east-1")
        .await
        .into_iter()
        .take(1)
        .map(|(_, z)| z)
        .collect();
    let (vpc, subnets) = vpc_in_zones(&s1, &a, 0, &zones).await;
    let (src, _) = interface(&s1, &a, &subnets[0]).await;
    let g = s1
        .create(
            "/v1/security-groups",
            &a.token,
            json!({"vpc_id": vpc, "group_name": "db", "description": "db"}),
        )
        .await;
    let gid = s(&g["group_id"]);
    let dst = s1
        .create(
            "/v1/network-interfaces",
            &a.token,
            json!({"subnet_id": subnets[0], "security_group_ids": [gid]}),
        )
        .await;
    let ask = json!({"source": {"network_interface_id": src}, "destination": {"ip": dst["private_ip"]}, "port": 5432});
    let r = resolve(&s2, &a, ask.clone()).await;
    assert_eq!(codes(&r), vec!["SECURITY_GROUP_INGRESS_DENIED"]);
    let v1 = r["network_version"].as_i64().unwrap();
    let again = resolve(&s2, &a, ask.clone()).await;
    assert_eq!(
        again["network_version"].as_i64().unwrap(),
        v1,
        "reads do not move the version"
    );
    s1.post(
        &format!("/v1/security-groups/{gid}/rules"),
        &a.token,
        json!({"direction": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr": "10.0.0.0/16"}),
    )
    .await;
    let r = resolve(&s2, &a, ask).await;
    assert_eq!(r["reachable"], true, "{r}");
    assert!(r["network_version"].as_i64().unwrap() > v1);
    s2.stop().await;
}

/// Cost: an interface endpoint in two zones beside a NAT gateway, and the
/// estimate endpoint's validation.
async fn cost_of_endpoints_beside_nat(db: Db) {
    let s_ = TestServer::start(db).await;
    let a = s_.account("a").await;
    let zones: Vec<String> = s_
        .zones(&a.token, "us-east-1")
        .await
        .into_iter()
        .take(2)
        .map(|(_, z)| z)
        .collect();
    let (vpc, subnets) = vpc_in_zones(&s_, &a, 0, &zones).await;
    let ep = s_
        .create(
            "/v1/vpc-endpoints",
            &a.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": vpc, "service_name": "com.amazonaws.us-east-1.sqs", "subnet_ids": subnets}),
        )
        .await;
    let id = s(&ep["vpc_endpoint_id"]);
    let c = s_
        .get(
            &format!("/v1/vpc-endpoints/{id}/cost?gb_per_month=1000"),
            &a.token,
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    // 2 zones x 730 h x $0.01 + 1000 GB x $0.01 = 14.60 + 10.00.
    assert_eq!(c.body["monthly_usd"], 24.6, "{}", c.body);
    // One NAT gateway: 730 h x $0.045 + 1000 GB x $0.045 = 32.85 + 45.00.
    assert_eq!(
        c.body["nat_gateway_alternative"]["monthly_usd"], 77.85,
        "{}",
        c.body
    );
    assert!(c.body["prices_as_of"].as_str().unwrap().starts_with("20"));
    let e = s_
        .post(
            "/v1/cost/estimate",
            &a.token,
            json!({"region": "us-east-1", "items": [{"kind": "gateway_endpoint", "gb_per_month": 5000}, {"kind": "interface_endpoint", "zones": 3}]}),
        )
        .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert_eq!(e.body["monthly_usd"], 21.9, "{}", e.body);
    s_.post("/v1/cost/estimate", &a.token, json!({"items": []}))
        .await
        .assert_problem(400, "InvalidParameterValue");
    s_.post(
        "/v1/cost/estimate",
        &a.token,
        json!({"items": [{"kind": "interface_endpoint", "gb_per_month": -1}]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let r = s_
        .post(
            "/v1/cost/estimate",
            &a.token,
            json!({"items": [{"kind": "teleporter"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    s_.get("/v1/vpc-endpoints/vpce-00000000000000000/cost", &a.token)
        .await
        .assert_problem(404, "InvalidVpcEndpointId.NotFound");
}

/// A customer service's private DNS name serves its endpoints while it is
/// verified: when the provider replaces it, the old name stops answering in
/// the consumer's VPC and leaves the endpoint's DNS entries, and the new one
/// answers once verified. The resolver and DescribeVpcEndpoints agree.
async fn a_replaced_private_dns_name_stops_answering(db: Db) {
    let s_ = TestServer::start(db).await;
    let [p, c] = s_.accounts(["producer", "consumer"]).await;
    let zone = s_.zones(&p.token, "us-east-1").await[0].1.clone();
    let zones = [zone];
    let (_, psubnets) = vpc_in_zones(&s_, &p, 0, &zones).await;
    let lb = s_
        .create(
            "/v1/load-balancers",
            &p.token,
            json!({"name": "api", "subnet_ids": psubnets}),
        )
        .await;
    s_.create_zone(&p, "example.com").await;
    // Publishes the TXT record a service's private DNS name asks for and
    // verifies it.
    let prove = |svc: Value| {
        let (s_, token) = (&s_, p.token.clone());
        async move {
            let cfg = &svc["private_dns_name_configuration"];
            let id = s(&svc["service_id"]);
            let name = format!("{}.{}", s(&cfg["name"]), s(&svc["private_dns_name"]));
            let r = s_
                .put(
                    "/v1/public-dns/records",
                    &token,
                    json!({"name": name, "type": "TXT", "value": cfg["value"]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let r = s_
                .post(
                    &format!("/v1/endpoint-services/{id}/private-dns/verify"),
                    &token,
                    json!({}),
                )
                .await;
            assert_eq!(
                r.body["private_dns_name_configuration"]["state"], "verified",
                "{}",
                r.body
            );
        }
    };
    let svc = s_
        .create(
            "/v1/endpoint-services",
            &p.token,
            json!({"network_load_balancer_arns": [lb["load_balancer_arn"]],
                   "acceptance_required": false, "private_dns_name": "api.example.com"}),
        )
        .await;
    prove(svc.clone()).await;
    let sid = s(&svc["service_id"]);
    s_.allow_everyone(&p.token, &sid).await;
    let (cvpc, csubnets) = vpc_in_zones(&s_, &c, 1, &zones).await;
    let e = s_
        .create(
            "/v1/vpc-endpoints",
            &c.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": cvpc, "service_name": svc["service_name"],
                   "subnet_ids": csubnets, "private_dns_enabled": true}),
        )
        .await;
    let ep_path = format!("/v1/vpc-endpoints/{}", s(&e["vpc_endpoint_id"]));
    let answered_by = |name: &'static str| {
        let (s_, token, cvpc) = (&s_, c.token.clone(), cvpc.clone());
        async move {
            let r = s_
                .get(&format!("/v1/vpcs/{cvpc}/dns?name={name}"), &token)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            s(&r.body["answered_by"])
        }
    };
    let entries = |body: &Value| -> Vec<String> {
        body["dns_entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| s(&d["dns_name"]))
            .collect()
    };
    assert_eq!(answered_by("api.example.com").await, "private_dns");
    assert!(entries(&e).contains(&"api.example.com".to_string()));

    // The provider replaces the name: pending verification, it serves
    // nothing yet, and the old one is gone.
    let r = s_
        .patch(
            &format!("/v1/endpoint-services/{sid}"),
            &p.token,
            json!({"private_dns_name": "api2.example.com"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(answered_by("api.example.com").await, "none");
    assert_eq!(answered_by("api2.example.com").await, "none");
    let now = s_.get(&ep_path, &c.token).await.body;
    let names = entries(&now);
    assert!(!names.iter().any(|n| n.starts_with("api")), "{names:?}");
    // Verified, the new name answers.
    prove(r.body.clone()).await;
    assert_eq!(answered_by("api2.example.com").await, "private_dns");
    let now = s_.get(&ep_path, &c.token).await.body;
    assert!(entries(&now).contains(&"api2.example.com".to_string()));
}
