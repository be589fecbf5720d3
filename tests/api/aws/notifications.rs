//! Connection notifications on the AWS front: EC2's
//! Create/Describe/Modify/DeleteVpcEndpointConnectionNotification(s) name
//! an SNS topic ARN; here that is a notification topic made over REST
//! (`POST /v1/notification-topics`) with the webhook URL deliveries go to.

use super::{Signed, ec2, enc, fails_with, ok, tag, tags};
use crate::on_both_databases;
use crate::support::{Actor, Db, Deliveries, TestServer, hook_sink, s};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

on_both_databases!(
    notification_topics_over_rest,
    connection_notifications_over_ec2,
    ec2_notifications_deliver_to_their_topic,
    an_endpoints_notification_hears_its_endpoint_alone,
);

fn pairs<'a>(p: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    p.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A webhook sink on 127.0.0.1: its URL, what it received, its task.
async fn sink() -> (String, Deliveries, tokio::task::JoinHandle<()>) {
    let (app, seen) = hook_sink(0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, seen, task)
}

async fn topic(srv: &TestServer, who: &Actor, name: &str, url: &str, region: &str) -> Value {
    srv.create(
        "/v1/notification-topics",
        &who.token,
        json!({"name": name, "webhook_url": url, "region": region}),
    )
    .await
}

fn topic_path(arn: &str) -> String {
    format!("/v1/notification-topics/{}", enc(arn))
}

/// A topic: made, listed in keyset pages, got and deleted by ARN; SNS's
/// name rule, one name per account and region, the webhook URL rule.
async fn notification_topics_over_rest(db: Db) {
    let srv = TestServer::start(db).await;
    let [a, b] = srv.accounts(["a", "b"]).await;
    let t = topic(
        &srv,
        &a,
        "endpoint-events",
        "http://127.0.0.1:9/h",
        "us-east-1",
    )
    .await;
    let arn = format!("arn:aws:sns:us-east-1:{}:endpoint-events", a.account_id);
    assert_eq!(t["topic_arn"], arn.as_str());
    assert_eq!(t["name"], "endpoint-events");
    assert_eq!(t["region"], "us-east-1");
    assert_eq!(t["webhook_url"], "http://127.0.0.1:9/h");
    assert!(s(&t["signing_secret"]).starts_with("lpwh_"));
    // The same name in the region is taken; in another region it is not.
    srv.post(
        "/v1/notification-topics",
        &a.token,
        json!({"name": "endpoint-events", "webhook_url": "http://127.0.0.1:9/x"}),
    )
    .await
    .assert_problem(409, "TopicAlreadyExists");
    let eu = topic(
        &srv,
        &a,
        "endpoint-events",
        "http://127.0.0.1:9/h",
        "eu-west-1",
    )
    .await;
    assert_eq!(
        eu["topic_arn"],
        format!("arn:aws:sns:eu-west-1:{}:endpoint-events", a.account_id).as_str()
    );
    for body in [
        json!({"name": "a.b", "webhook_url": "http://127.0.0.1:9/h"}),
        json!({"name": "", "webhook_url": "http://127.0.0.1:9/h"}),
        json!({"name": "x".repeat(257), "webhook_url": "http://127.0.0.1:9/h"}),
        json!({"name": "ok", "webhook_url": "ftp://127.0.0.1/h"}),
        json!({"name": "ok", "webhook_url": "http://127.0.0.1:9/h", "region": "mars-1"}),
    ] {
        srv.post("/v1/notification-topics", &a.token, body.clone())
            .await
            .assert_problem(400, "InvalidParameterValue");
    }
    // Idempotency-Key: the same key and body answer the same topic, 200, no secret.
    let body = json!({"name": "keyed", "webhook_url": "http://127.0.0.1:9/k"});
    let first = srv
        .call_with_header(
            "/v1/notification-topics",
            &a.token,
            "idempotency-key",
            "topic-key-1",
            body.clone(),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = srv
        .call_with_header(
            "/v1/notification-topics",
            &a.token,
            "idempotency-key",
            "topic-key-1",
            body,
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["topic_arn"], first.body["topic_arn"]);
    assert!(again.body["signing_secret"].is_null());

    // Keyset pages.
    let page = srv
        .get("/v1/notification-topics?max_results=2", &a.token)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    assert!(page.body["items"][0]["signing_secret"].is_null());
    let next = s(&page.body["next_token"]);
    let rest = srv
        .get(
            &format!("/v1/notification-topics?max_results=2&next_token={next}"),
            &a.token,
        )
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);
    assert!(rest.body["next_token"].is_null());
    let eu_only = srv
        .items("/v1/notification-topics?region=eu-west-1", &a.token)
        .await;
    assert_eq!(eu_only.len(), 1);
    assert_eq!(eu_only[0]["topic_arn"], eu["topic_arn"]);

    // By ARN; another account's answers 404 like a missing one.
    let got = srv.get(&topic_path(&arn), &a.token).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    assert_eq!(got.body["topic_arn"], arn.as_str());
    srv.get(&topic_path(&arn), &b.token)
        .await
        .assert_problem(404, "NotFound");
    srv.delete(&topic_path(&arn), &b.token)
        .await
        .assert_problem(404, "NotFound");
    assert!(
        srv.items("/v1/notification-topics", &b.token)
            .await
            .is_empty()
    );
    let gone = srv.delete(&topic_path(&arn), &a.token).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    srv.get(&topic_path(&arn), &a.token)
        .await
        .assert_problem(404, "NotFound");
    assert_eq!(
        srv.items("/v1/notification-topics", &a.token).await.len(),
        2
    );
    srv.stop().await;
}

/// Create (with its ClientToken, DryRun, AWS's errors), Describe (by id,
/// filters, pages), Modify (events, topic) and Delete (`unsuccessful` for
/// the unknown), on the records REST shows.
async fn connection_notifications_over_ec2(db: Db) {
    let srv = TestServer::start(db).await;
    let [a, b] = srv.accounts(["producer", "other"]).await;
    let svc = srv.endpoint_service(&a, json!({})).await;
    let sid = s(&svc["service_id"]);
    let e = Signed::new(&a, "ec2");
    let t1 = s(&topic(&srv, &a, "events", "http://127.0.0.1:9/1", "us-east-1").await["topic_arn"]);
    let t2 = s(&topic(&srv, &a, "audit", "http://127.0.0.1:9/2", "us-east-1").await["topic_arn"]);
    let t_eu =
        s(&topic(&srv, &a, "events", "http://127.0.0.1:9/3", "eu-west-1").await["topic_arn"]);
    let t_b = s(&topic(&srv, &b, "events", "http://127.0.0.1:9/4", "us-east-1").await["topic_arn"]);
    let create = |extra: &[(&'static str, &'static str)]| {
        let mut p: Vec<(&str, String)> = vec![
            ("ServiceId", sid.clone()),
            ("ConnectionNotificationArn", t1.clone()),
            ("ConnectionEvents.1", "Connect".to_string()),
            ("ConnectionEvents.2", "Accept".to_string()),
        ];
        p.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        p
    };
    // DryRun: the call would succeed.
    let p = create(&[("DryRun", "true")]);
    fails_with(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &pairs(&p),
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    assert!(
        srv.items(
            &format!("/v1/endpoint-services/{sid}/notifications"),
            &a.token
        )
        .await
        .is_empty()
    );

    // What is refused: no topic of the caller in the service's region, a
    // malformed ARN, an unknown event, no events, an endpoint's notification.
    for arn in [
        t_eu.as_str(),
        t_b.as_str(),
        "arn:aws:sns:us-east-1:111122223333:nope",
        "not-an-arn",
    ] {
        let xml = fails_with(
            &srv,
            &e,
            "CreateVpcEndpointConnectionNotification",
            &[
                ("ServiceId", &sid),
                ("ConnectionNotificationArn", arn),
                ("ConnectionEvents.1", "Connect"),
            ],
            StatusCode::BAD_REQUEST,
            "InvalidParameterValue",
        )
        .await;
        assert!(xml.contains(arn), "{xml}");
    }
    fails_with(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &[
            ("ServiceId", &sid),
            ("ConnectionNotificationArn", &t1),
            ("ConnectionEvents.1", "connect"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidParameterValue",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &[("ServiceId", &sid), ("ConnectionNotificationArn", &t1)],
        StatusCode::BAD_REQUEST,
        "MissingParameter",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &[
            ("ConnectionNotificationArn", &t1),
            ("ConnectionEvents.1", "Connect"),
        ],
        StatusCode::BAD_REQUEST,
        "MissingParameter",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &[
            ("VpcEndpointId", "vpce-0123456789abcdef0"),
            ("ConnectionNotificationArn", &t1),
            ("ConnectionEvents.1", "Connect"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidVpcEndpointId.NotFound",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &[
            ("ServiceId", "vpce-svc-0123456789abcdef0"),
            ("ConnectionNotificationArn", &t1),
            ("ConnectionEvents.1", "Connect"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidVpcEndpointServiceId.NotFound",
    )
    .await;

    // Create, with a ClientToken: the shape, the ARN shown back.
    let p = create(&[("ClientToken", "nfn-token-1")]);
    let xml = ok(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &pairs(&p),
    )
    .await;
    assert!(
        xml.contains("<CreateVpcEndpointConnectionNotificationResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"),
        "{xml}"
    );
    assert!(
        xml.contains("<connectionNotification><connectionNotificationId>"),
        "{xml}"
    );
    let id = tag(&xml, "connectionNotificationId").unwrap().to_string();
    assert!(id.starts_with("vpce-nfn-"), "{id}");
    assert_eq!(tag(&xml, "serviceId"), Some(sid.as_str()));
    assert_eq!(tag(&xml, "connectionNotificationType"), Some("Topic"));
    assert_eq!(tag(&xml, "connectionNotificationArn"), Some(t1.as_str()));
    assert_eq!(tag(&xml, "connectionNotificationState"), Some("Enabled"));
    assert_eq!(tag(&xml, "serviceRegion"), Some("us-east-1"));
    assert!(
        xml.contains(
            "<connectionEvents><item>Accept</item><item>Connect</item></connectionEvents>"
        ),
        "{xml}"
    );
    assert_eq!(tag(&xml, "clientToken"), Some("nfn-token-1"));
    // The same token again: the same notification, nothing new.
    let again = ok(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &pairs(&p),
    )
    .await;
    assert_eq!(tag(&again, "connectionNotificationId"), Some(id.as_str()));
    // The same token for another request: AWS's mismatch.
    let mut other = create(&[("ClientToken", "nfn-token-1")]);
    other.remove(3);
    let (st, xml) = ec2(
        &srv,
        &e,
        "CreateVpcEndpointConnectionNotification",
        &pairs(&other),
    )
    .await;
    assert_eq!(
        tag(&xml, "Code"),
        Some("IdempotentParameterMismatch"),
        "{st} {xml}"
    );
    // REST sees it, with the topic's ARN and URL.
    let nfs = format!("/v1/endpoint-services/{sid}/notifications");
    let listed = srv.items(&nfs, &a.token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["connection_notification_id"], id.as_str());
    assert_eq!(listed[0]["connection_notification_arn"], t1.as_str());
    assert_eq!(listed[0]["webhook_url"], "http://127.0.0.1:9/1");
    assert_eq!(listed[0]["events"], json!(["accept", "connect"]));
    assert_eq!(listed[0]["service_region"], "us-east-1");

    // Two more: one over REST with a webhook of its own, one over REST with a topic.
    let own = srv
        .create(
            &nfs,
            &a.token,
            json!({"webhook_url": "http://127.0.0.1:9/own", "events": ["reject"]}),
        )
        .await;
    assert!(own.get("connection_notification_arn").is_none(), "{own}");
    assert!(s(&own["signing_secret"]).starts_with("lpwh_"));
    let via_topic = srv
        .create(
            &nfs,
            &a.token,
            json!({"connection_notification_arn": t2, "events": ["delete"]}),
        )
        .await;
    assert!(via_topic["signing_secret"].is_null(), "{via_topic}");
    let (own_id, t2_id) = (
        s(&own["connection_notification_id"]),
        s(&via_topic["connection_notification_id"]),
    );
    srv.post(
        &nfs,
        &a.token,
        json!({"connection_notification_arn": t2, "webhook_url": "http://127.0.0.1:9/x", "events": ["delete"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterCombination");
    srv.post(
        &nfs,
        &a.token,
        json!({"connection_notification_arn": t_b, "events": ["delete"]}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");

    // Describe: by id, by filters, in pages.
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpointConnectionNotifications",
        &[("ConnectionNotificationId", &id)],
    )
    .await;
    assert!(
        xml.contains("<connectionNotificationSet><item><connectionNotificationId>"),
        "{xml}"
    );
    assert_eq!(tags(&xml, "connectionNotificationId"), vec![id.as_str()]);
    let all = ok(&srv, &e, "DescribeVpcEndpointConnectionNotifications", &[]).await;
    assert_eq!(
        tags(&all, "connectionNotificationId"),
        vec![id.as_str(), own_id.as_str(), t2_id.as_str()]
    );
    for (name, value, want) in [
        (
            "connection-notification-arn",
            t2.as_str(),
            vec![t2_id.as_str()],
        ),
        (
            "connection-notification-id",
            own_id.as_str(),
            vec![own_id.as_str()],
        ),
        (
            "service-id",
            sid.as_str(),
            vec![id.as_str(), own_id.as_str(), t2_id.as_str()],
        ),
        ("service-id", "vpce-svc-0123456789abcdef0", vec![]),
        (
            "connection-notification-type",
            "Topic",
            vec![id.as_str(), own_id.as_str(), t2_id.as_str()],
        ),
        ("connection-notification-state", "Disabled", vec![]),
        ("vpc-endpoint-id", "vpce-0123456789abcdef0", vec![]),
    ] {
        let xml = ok(
            &srv,
            &e,
            "DescribeVpcEndpointConnectionNotifications",
            &[("Filter.1.Name", name), ("Filter.1.Value.1", value)],
        )
        .await;
        assert_eq!(
            tags(&xml, "connectionNotificationId"),
            want,
            "{name}={value}: {xml}"
        );
    }
    fails_with(
        &srv,
        &e,
        "DescribeVpcEndpointConnectionNotifications",
        &[("Filter.1.Name", "colour"), ("Filter.1.Value.1", "red")],
        StatusCode::BAD_REQUEST,
        "InvalidParameterValue",
    )
    .await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut p = vec![("MaxResults", "2")];
        if let Some(t) = &token {
            p.push(("NextToken", t));
        }
        let xml = ok(&srv, &e, "DescribeVpcEndpointConnectionNotifications", &p).await;
        let page = tags(&xml, "connectionNotificationId");
        assert!(page.len() <= 2, "{xml}");
        seen.extend(page.iter().map(|s| s.to_string()));
        match tag(&xml, "nextToken") {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, vec![id.clone(), own_id.clone(), t2_id.clone()]);
    // Another account sees none of them.
    let eb = Signed::new(&b, "ec2");
    let xml = ok(&srv, &eb, "DescribeVpcEndpointConnectionNotifications", &[]).await;
    assert!(tags(&xml, "connectionNotificationId").is_empty(), "{xml}");
    fails_with(
        &srv,
        &eb,
        "DescribeVpcEndpointConnectionNotifications",
        &[("ConnectionNotificationId", &id)],
        StatusCode::BAD_REQUEST,
        "InvalidConnectionNotification",
    )
    .await;

    // Modify: the events, then the topic; REST and Describe agree.
    let xml = ok(
        &srv,
        &e,
        "ModifyVpcEndpointConnectionNotification",
        &[
            ("ConnectionNotificationId", &id),
            ("ConnectionEvents.1", "Delete"),
            ("ConnectionEvents.2", "Reject"),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    let xml = ok(
        &srv,
        &e,
        "ModifyVpcEndpointConnectionNotification",
        &[
            ("ConnectionNotificationId", &id),
            ("ConnectionNotificationArn", &t2),
        ],
    )
    .await;
    assert_eq!(tag(&xml, "return"), Some("true"));
    let xml = ok(
        &srv,
        &e,
        "DescribeVpcEndpointConnectionNotifications",
        &[("ConnectionNotificationId", &id)],
    )
    .await;
    assert_eq!(tag(&xml, "connectionNotificationArn"), Some(t2.as_str()));
    assert!(
        xml.contains("<connectionEvents><item>Delete</item><item>Reject</item></connectionEvents>"),
        "{xml}"
    );
    fails_with(
        &srv,
        &e,
        "ModifyVpcEndpointConnectionNotification",
        &[
            ("ConnectionNotificationId", &id),
            ("ConnectionNotificationArn", &t_eu),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidParameterValue",
    )
    .await;
    fails_with(
        &srv,
        &e,
        "ModifyVpcEndpointConnectionNotification",
        &[
            ("ConnectionNotificationId", "vpce-nfn-0123456789abcdef0"),
            ("ConnectionEvents.1", "Delete"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidConnectionNotification",
    )
    .await;
    // REST's PATCH reaches the same function.
    let patched = srv
        .patch(
            &format!("{nfs}/{own_id}"),
            &a.token,
            json!({"events": ["connect"], "connection_notification_arn": t1}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.body["events"], json!(["connect"]));
    assert_eq!(patched.body["connection_notification_arn"], t1.as_str());
    assert_eq!(patched.body["webhook_url"], "http://127.0.0.1:9/1");
    srv.patch(&format!("{nfs}/{own_id}"), &a.token, json!({"events": []}))
        .await
        .assert_problem(400, "MissingParameter");

    // A notification of another region's service is not found here.
    let eu_zones: Vec<String> = srv
        .zones(&a.token, "eu-west-1")
        .await
        .into_iter()
        .take(1)
        .map(|(_, z)| z)
        .collect();
    let (_, eu_subnets) = srv
        .vpc_with_subnets(&a, 20, json!({"region": "eu-west-1"}), &eu_zones)
        .await;
    let eu_svc = srv.service_in(&a, &eu_subnets, json!({})).await;
    let eu_n = srv
        .create(
            &format!(
                "/v1/endpoint-services/{}/notifications",
                s(&eu_svc["service_id"])
            ),
            &a.token,
            json!({"connection_notification_arn": t_eu, "events": ["connect"]}),
        )
        .await;
    let eu_id = s(&eu_n["connection_notification_id"]);
    assert_eq!(eu_n["service_region"], "eu-west-1");
    fails_with(
        &srv,
        &e,
        "DescribeVpcEndpointConnectionNotifications",
        &[("ConnectionNotificationId", &eu_id)],
        StatusCode::BAD_REQUEST,
        "InvalidConnectionNotification",
    )
    .await;
    let all = ok(&srv, &e, "DescribeVpcEndpointConnectionNotifications", &[]).await;
    assert!(!all.contains(&eu_id), "{all}");
    fails_with(
        &srv,
        &e,
        "ModifyVpcEndpointConnectionNotification",
        &[
            ("ConnectionNotificationId", &eu_id),
            ("ConnectionEvents.1", "Delete"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidConnectionNotification",
    )
    .await;

    // Delete: the unknown, the other region's and B's come back unsuccessful.
    fails_with(
        &srv,
        &e,
        "DeleteVpcEndpointConnectionNotifications",
        &[("ConnectionNotificationId.1", &id), ("DryRun", "true")],
        StatusCode::PRECONDITION_FAILED,
        "DryRunOperation",
    )
    .await;
    let xml = ok(
        &srv,
        &e,
        "DeleteVpcEndpointConnectionNotifications",
        &[
            ("ConnectionNotificationId.1", &id),
            ("ConnectionNotificationId.2", "vpce-nfn-0123456789abcdef0"),
            ("ConnectionNotificationId.3", &eu_id),
        ],
    )
    .await;
    assert!(
        xml.contains("<unsuccessful><item><error><code>InvalidConnectionNotification</code>"),
        "{xml}"
    );
    assert_eq!(
        tags(&xml, "resourceId"),
        vec!["vpce-nfn-0123456789abcdef0", eu_id.as_str()]
    );
    let left: Vec<String> = srv
        .items(&nfs, &a.token)
        .await
        .iter()
        .map(|n| s(&n["connection_notification_id"]))
        .collect();
    assert_eq!(left, vec![own_id.clone(), t2_id.clone()]);
    let xml = ok(
        &srv,
        &eb,
        "DeleteVpcEndpointConnectionNotifications",
        &[("ConnectionNotificationId.1", &own_id)],
    )
    .await;
    assert_eq!(tags(&xml, "resourceId"), vec![own_id.as_str()]);
    fails_with(
        &srv,
        &e,
        "DeleteVpcEndpointConnectionNotifications",
        &[],
        StatusCode::BAD_REQUEST,
        "MissingParameter",
    )
    .await;
    srv.stop().await;
}

/// Waits until `seen` holds `n` deliveries; answers them.
async fn wait_for(seen: &Deliveries, n: usize) -> Vec<(String, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got = seen.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {n} deliveries arrived",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A producer's endpoint service (everyone allowed) in one zone and a
/// consumer's VPC with a subnet in that zone.
struct Linked {
    srv: TestServer,
    a: Actor,
    b: Actor,
    svc: Value,
    sid: String,
    vpc: Value,
    b_subnets: Vec<String>,
}

impl Linked {
    async fn new(db: Db) -> Linked {
        let srv = TestServer::start(db).await;
        let [a, b] = srv.accounts(["producer", "consumer"]).await;
        let zone = srv.zone_ids(&a, 1).await;
        let (_, subnets) = srv.vpc_with_subnets(&a, 0, json!({}), &zone).await;
        let svc = srv.service_in(&a, &subnets, json!({})).await;
        let sid = s(&svc["service_id"]);
        srv.allow_everyone(&a.token, &sid).await;
        let zone_b = s(&svc["availability_zone_ids"][0]);
        let (vpc, b_subnets) = srv.vpc_with_subnets(&b, 7, json!({}), &[zone_b]).await;
        Linked {
            srv,
            a,
            b,
            svc,
            sid,
            vpc,
            b_subnets,
        }
    }

    /// The consumer's interface endpoint `n` to the service (REST); its id.
    async fn endpoint(&self, n: u8) -> String {
        let body = json!({"vpc_endpoint_type": "interface", "vpc_id": self.vpc["vpc_id"],
            "service_name": self.svc["service_name"], "subnet_ids": [self.b_subnets[0]],
            "private_dns_enabled": false, "client_token": format!("ep-{n}")});
        s(&self
            .srv
            .create("/v1/vpc-endpoints", &self.b.token, body)
            .await["vpc_endpoint_id"])
    }
}

/// CreateVpcEndpointConnectionNotification of `scope` (`ServiceId` or
/// `VpcEndpointId` and its id) to a topic; answers the XML.
async fn notify(
    srv: &TestServer,
    who: &Signed,
    scope: (&str, &str),
    arn: &str,
    events: &[&str],
) -> String {
    let names = ["ConnectionEvents.1", "ConnectionEvents.2"];
    let mut params = vec![scope, ("ConnectionNotificationArn", arn)];
    params.extend(names.iter().copied().zip(events.iter().copied()));
    ok(srv, who, "CreateVpcEndpointConnectionNotification", &params).await
}

/// A notification made over EC2 with a topic delivers an endpoint's connect
/// and accept to the topic's webhook URL, signed with the topic's secret;
/// once the topic is deleted, its events are dropped, not retried.
async fn ec2_notifications_deliver_to_their_topic(db: Db) {
    let (hook, seen, task) = sink().await;
    let l = Linked::new(db).await;
    let (srv, a, sid) = (&l.srv, &l.a, &l.sid);
    let t = topic(srv, a, "endpoint-events", &hook, "us-east-1").await;
    let (arn, secret) = (s(&t["topic_arn"]), s(&t["signing_secret"]));
    let e = Signed::new(a, "ec2");
    let xml = notify(srv, &e, ("ServiceId", sid), &arn, &["Connect", "Accept"]).await;
    let id = tag(&xml, "connectionNotificationId").unwrap().to_string();

    // The consumer connects; the producer accepts.
    let eid = l.endpoint(1).await;
    srv.post_ok(
        &format!("/v1/endpoint-services/{sid}/connections/accept"),
        &a.token,
        json!({"vpc_endpoint_ids": [eid]}),
    )
    .await;
    let got = wait_for(&seen, 2).await;
    let mut events = Vec::new();
    for (sig, body) in &got {
        assert_eq!(
            sig,
            &linkplane::service::notification::signature(&secret, body.as_bytes()),
            "signed with the topic's secret"
        );
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["connection_notification_id"], id.as_str());
        assert_eq!(v["connection_notification_arn"], arn.as_str());
        assert_eq!(v["vpc_endpoint_id"], eid.as_str());
        events.push(s(&v["event"]));
    }
    events.sort();
    assert_eq!(events, ["accept", "connect"]);
    let nfs = format!("/v1/endpoint-services/{sid}/notifications");
    // The webhook has answered; the deliverer records that just after.
    let deadline = Instant::now() + Duration::from_secs(20);
    while srv.items(&nfs, &a.token).await[0]["last_delivery_status"] != "200" {
        assert!(Instant::now() < deadline, "no 200 recorded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The topic goes: the next connect is dropped, not retried, and the
    // notification stays with its ARN (as with a deleted SNS topic).
    assert_eq!(
        srv.delete(&topic_path(&arn), &a.token).await.status,
        StatusCode::NO_CONTENT
    );
    l.endpoint(2).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let n = srv.items(&nfs, &a.token).await[0].clone();
        if n["pending_deliveries"] == 0 && s(&n["last_delivery_status"]).starts_with("dropped:") {
            assert_eq!(n["connection_notification_arn"], arn.as_str());
            assert_eq!(n["webhook_url"], "");
            break;
        }
        assert!(Instant::now() < deadline, "not dropped: {n}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(seen.lock().unwrap().len(), 2);
    l.srv.stop().await;
    task.abort();
}

/// `VpcEndpointId`: the endpoint owner's notification, told of that
/// endpoint's events and no other's; the producer neither sees it nor is
/// told through it.
async fn an_endpoints_notification_hears_its_endpoint_alone(db: Db) {
    let (hook, seen, task) = sink().await;
    let l = Linked::new(db).await;
    let (srv, a, b, sid, vpc) = (&l.srv, &l.a, &l.b, &l.sid, &l.vpc);
    // The producer's own notification of its service, to the same sink.
    let pt = topic(srv, a, "service-events", &hook, "us-east-1").await;
    let ea = Signed::new(a, "ec2");
    let xml = notify(
        srv,
        &ea,
        ("ServiceId", sid),
        &s(&pt["topic_arn"]),
        &["Accept"],
    )
    .await;
    let producers = tag(&xml, "connectionNotificationId").unwrap().to_string();
    let mine = l.endpoint(1).await;
    let other = l.endpoint(2).await;
    let t = topic(srv, b, "my-endpoint", &hook, "us-east-1").await;
    let (arn, secret) = (s(&t["topic_arn"]), s(&t["signing_secret"]));
    let eb = Signed::new(b, "ec2");
    let xml = notify(
        srv,
        &eb,
        ("VpcEndpointId", &mine),
        &arn,
        &["Accept", "Reject"],
    )
    .await;
    let id = tag(&xml, "connectionNotificationId").unwrap().to_string();
    assert_eq!(tag(&xml, "vpcEndpointId"), Some(mine.as_str()));
    assert_eq!(tag(&xml, "serviceId"), None, "{xml}");
    assert_eq!(tag(&xml, "serviceRegion"), Some("us-east-1"));

    // The producer's notifications do not hold the consumer's, the producer
    // cannot reach it by id, nor make one for the consumer's endpoint.
    let nfs = format!("/v1/endpoint-services/{sid}/notifications");
    let listed = srv.items(&nfs, &a.token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["connection_notification_id"], producers.as_str());
    let xml = ok(srv, &ea, "DescribeVpcEndpointConnectionNotifications", &[]).await;
    assert_eq!(
        tags(&xml, "connectionNotificationId"),
        vec![producers.as_str()]
    );
    srv.delete(&format!("{nfs}/{id}"), &a.token)
        .await
        .assert_problem(404, "InvalidConnectionNotification");
    fails_with(
        srv,
        &ea,
        "CreateVpcEndpointConnectionNotification",
        &[
            ("VpcEndpointId", &mine),
            ("ConnectionNotificationArn", &arn),
            ("ConnectionEvents.1", "Accept"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidVpcEndpointId.NotFound",
    )
    .await;
    // The consumer finds it by endpoint; it is no service's notification.
    for (filter, value, want) in [
        ("vpc-endpoint-id", mine.as_str(), vec![id.as_str()]),
        ("vpc-endpoint-id", other.as_str(), vec![]),
        ("service-id", sid.as_str(), vec![]),
    ] {
        let xml = ok(
            srv,
            &eb,
            "DescribeVpcEndpointConnectionNotifications",
            &[("Filter.1.Name", filter), ("Filter.1.Value.1", value)],
        )
        .await;
        assert_eq!(tags(&xml, "connectionNotificationId"), want, "{filter}");
    }

    // The producer accepts the other endpoint, then this one: the
    // producer's notification hears both, the consumer's this one's alone.
    for e in [&other, &mine] {
        srv.post_ok(
            &format!("/v1/endpoint-services/{sid}/connections/accept"),
            &a.token,
            json!({"vpc_endpoint_ids": [e]}),
        )
        .await;
    }
    let got = wait_for(&seen, 3).await;
    let mut heard: Vec<(String, String)> = Vec::new();
    for (sig, body) in &got {
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["event"], "accept");
        let nid = s(&v["connection_notification_id"]);
        if nid == id {
            assert_eq!(
                sig,
                &linkplane::service::notification::signature(&secret, body.as_bytes())
            );
        }
        heard.push((nid, s(&v["vpc_endpoint_id"])));
    }
    heard.sort();
    let mut want = vec![
        (producers.clone(), other.clone()),
        (producers.clone(), mine.clone()),
        (id.clone(), mine.clone()),
    ];
    want.sort();
    assert_eq!(heard, want);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        seen.lock().unwrap().len(),
        3,
        "the other endpoint's accept is not the consumer's"
    );

    // An endpoint of an AWS service has no connection events.
    let gw = srv
        .create(
            "/v1/vpc-endpoints",
            &b.token,
            json!({"vpc_endpoint_type": "gateway", "vpc_id": vpc["vpc_id"],
                   "service_name": "com.amazonaws.us-east-1.s3"}),
        )
        .await;
    let xml = fails_with(
        srv,
        &eb,
        "CreateVpcEndpointConnectionNotification",
        &[
            ("VpcEndpointId", &s(&gw["vpc_endpoint_id"])),
            ("ConnectionNotificationArn", &arn),
            ("ConnectionEvents.1", "Accept"),
        ],
        StatusCode::BAD_REQUEST,
        "InvalidParameterValue",
    )
    .await;
    assert!(xml.contains("com.amazonaws.us-east-1.s3"), "{xml}");
    l.srv.stop().await;
    task.abort();
}
