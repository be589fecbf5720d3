//! Listeners on both fronts: ELBv2 CreateListener/DescribeListeners/
//! DeleteListener and REST's `/v1/load-balancers/{arn}/listeners` over one
//! domain; a listener attaches its target group to the load balancer.

use super::{Signed, code, enc, tag, tags};
use crate::on_both_databases;
use crate::support::{Db, TestServer, s};
use reqwest::StatusCode;
use serde_json::json;

async fn listeners_forward_to_target_groups_on_both_fronts(db: Db) {
    let srv = TestServer::start(db).await;
    let a = srv.account("a").await;
    let zones = srv.zone_ids(&a, 1).await;
    let (vpc, subnets) = srv.vpc_with_subnets(&a, 0, json!({}), &zones).await;
    let vpc_id = s(&vpc["vpc_id"]);
    let lb = srv.load_balancer(&a, "api", "network", &subnets).await;
    let lb_arn = s(&lb["load_balancer_arn"]);
    let tg = |name: &str, protocol: &str| {
        srv.create(
            "/v1/target-groups",
            &a.token,
            json!({"name": name, "protocol": protocol, "port": 443, "vpc_id": vpc_id}),
        )
    };
    let web = s(&tg("web", "tcp").await["target_group_arn"]);
    let dns = s(&tg("dns", "udp").await["target_group_arn"]);
    let elb = Signed::new(&a, "elasticloadbalancing");
    let call = |params: Vec<(&'static str, String)>| {
        let (srv, elb) = (&srv, &elb);
        async move {
            let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            elb.post(srv, &p).await
        }
    };
    let create = |port: &str, protocol: &str, group: &str| {
        vec![
            ("Action", "CreateListener".to_string()),
            version(),
            ("LoadBalancerArn", lb_arn.clone()),
            ("Protocol", protocol.to_string()),
            ("Port", port.to_string()),
            ("DefaultActions.member.1.Type", "forward".to_string()),
            ("DefaultActions.member.1.TargetGroupArn", group.to_string()),
        ]
    };
    // Over ELBv2: a TCP listener on 443 forwarding to the TCP group.
    let out = call(create("443", "TCP", &web)).await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let xml = &out.1;
    assert!(
        xml.contains("<CreateListenerResult><Listeners><member><ListenerArn>"),
        "{xml}"
    );
    let listener = tag(xml, "ListenerArn").unwrap().to_string();
    assert!(listener.contains(":listener/net/api/"), "{listener}");
    assert_eq!(tag(xml, "Port"), Some("443"));
    assert_eq!(tag(xml, "Protocol"), Some("TCP"));
    assert!(
        xml.contains("<DefaultActions><member><Type>forward</Type>"),
        "{xml}"
    );
    // The group now forwards from the load balancer, on both fronts.
    let g = srv
        .get(&format!("/v1/target-groups/{}", enc(&web)), &a.token)
        .await;
    assert_eq!(g.body["load_balancer_arn"], lb_arn.as_str());
    let described = call(vec![
        ("Action", "DescribeTargetGroups".into()),
        version(),
        ("TargetGroupArns.member.1", web.clone()),
    ])
    .await;
    assert!(
        described
            .1
            .contains(&format!("<LoadBalancerArns><member>{lb_arn}</member>")),
        "{}",
        described.1
    );
    // AWS's refusals: the port taken, a UDP listener to a TCP group, TLS,
    // an unknown group.
    // The same listener again is the one there (AWS's CreateListener is
    // idempotent); another on the port is a duplicate.
    let again = call(create("443", "TCP", &web)).await;
    assert_eq!(again.0, StatusCode::OK, "{}", again.1);
    assert_eq!(tag(&again.1, "ListenerArn"), Some(listener.as_str()));
    let tcp_udp = s(&tg("both", "tcp_udp").await["target_group_arn"]);
    let out = call(create("443", "TCP", &tcp_udp)).await;
    assert_eq!(
        code(&out),
        (StatusCode::BAD_REQUEST, Some("DuplicateListener")),
        "{}",
        out.1
    );
    // A malformed listener ARN is a ValidationError, an unknown one not found.
    let out = call(vec![
        ("Action", "DeleteListener".into()),
        version(),
        (
            "ListenerArn",
            "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/net/x".into(),
        ),
    ])
    .await;
    assert_eq!(code(&out).1, Some("ValidationError"), "{}", out.1);
    let out = call(create("80", "UDP", &web)).await;
    assert_eq!(
        code(&out),
        (StatusCode::BAD_REQUEST, Some("ValidationError")),
        "{}",
        out.1
    );
    let out = call(create("8443", "TLS", &web)).await;
    assert_eq!(
        code(&out),
        (StatusCode::BAD_REQUEST, Some("UnsupportedProtocol")),
        "{}",
        out.1
    );
    let missing = web.replace(":targetgroup/web/", ":targetgroup/nope/");
    let out = call(create("81", "TCP", &missing)).await;
    assert_eq!(code(&out).1, Some("TargetGroupNotFound"), "{}", out.1);
    // Over REST: a UDP listener on 53 to the UDP group; both listed on both.
    let path = format!("/v1/load-balancers/{}/listeners", enc(&lb_arn));
    let r = srv
        .post(
            &path,
            &a.token,
            json!({"protocol": "udp", "port": 53, "target_group_arn": dns}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rest_listener = s(&r.body["listener_arn"]);
    let listed = srv.items(&path, &a.token).await;
    assert_eq!(
        listed
            .iter()
            .map(|l| (s(&l["listener_arn"]), l["port"].clone()))
            .collect::<Vec<_>>(),
        vec![
            (listener.clone(), json!(443)),
            (rest_listener.clone(), json!(53))
        ]
    );
    let out = call(vec![
        ("Action", "DescribeListeners".into()),
        version(),
        ("LoadBalancerArn", lb_arn.clone()),
        ("PageSize", "1".into()),
    ])
    .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    assert_eq!(tags(&out.1, "ListenerArn"), vec![listener.as_str()]);
    let marker = tag(&out.1, "NextMarker")
        .expect("a second page")
        .to_string();
    let out = call(vec![
        ("Action", "DescribeListeners".into()),
        version(),
        ("LoadBalancerArn", lb_arn.clone()),
        ("PageSize", "1".into()),
        ("Marker", marker),
    ])
    .await;
    assert_eq!(tags(&out.1, "ListenerArn"), vec![rest_listener.as_str()]);
    assert_eq!(tag(&out.1, "Protocol"), Some("UDP"));
    // A group a listener forwards to cannot be deleted.
    let out = call(vec![
        ("Action", "DeleteTargetGroup".into()),
        version(),
        ("TargetGroupArn", web.clone()),
    ])
    .await;
    assert_eq!(code(&out).1, Some("ResourceInUse"), "{}", out.1);
    // Deleting the listener detaches the group; then it can go.
    let out = call(vec![
        ("Action", "DeleteListener".into()),
        version(),
        ("ListenerArn", listener.clone()),
    ])
    .await;
    assert_eq!(out.0, StatusCode::OK, "{}", out.1);
    let g = srv
        .get(&format!("/v1/target-groups/{}", enc(&web)), &a.token)
        .await;
    assert!(g.body["load_balancer_arn"].is_null(), "{}", g.text);
    srv.get(&format!("/v1/listeners/{}", enc(&listener)), &a.token)
        .await
        .assert_problem(404, "ListenerNotFound");
    let out = call(vec![
        ("Action", "DescribeListeners".into()),
        version(),
        ("ListenerArns.member.1", listener.clone()),
    ])
    .await;
    assert_eq!(code(&out).1, Some("ListenerNotFound"), "{}", out.1);
    let gone = srv
        .delete(&format!("/v1/target-groups/{}", enc(&web)), &a.token)
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    // A gateway load balancer has one listener, without protocol or port.
    let gwlb = srv.load_balancer(&a, "fw", "gateway", &subnets).await;
    let gw_path = format!(
        "/v1/load-balancers/{}/listeners",
        enc(&s(&gwlb["load_balancer_arn"]))
    );
    let geneve = srv
        .create(
            "/v1/target-groups",
            &a.token,
            json!({"name": "fw", "protocol": "geneve", "port": 6081, "vpc_id": vpc_id}),
        )
        .await;
    let one = json!({"target_group_arn": geneve["target_group_arn"]});
    let r = srv.post(&gw_path, &a.token, one.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(
        r.body["port"].is_null() && r.body["protocol"].is_null(),
        "{}",
        r.text
    );
    let again = srv.post(&gw_path, &a.token, one).await;
    assert_eq!(
        again.body["listener_arn"], r.body["listener_arn"],
        "{}",
        again.text
    );
    let geneve2 = srv
        .create(
            "/v1/target-groups",
            &a.token,
            json!({"name": "fw2", "protocol": "geneve", "port": 6081, "vpc_id": vpc_id}),
        )
        .await;
    srv.post(
        &gw_path,
        &a.token,
        json!({"target_group_arn": geneve2["target_group_arn"]}),
    )
    .await
    .assert_problem(400, "TooManyListeners");
    srv.post(
        &gw_path,
        &a.token,
        json!({"protocol": "tcp", "port": 80, "target_group_arn": geneve2["target_group_arn"]}),
    )
    .await
    .assert_problem(400, "ValidationError");
    // The REST listener goes with its load balancer.
    let del = srv
        .delete(&format!("/v1/load-balancers/{}", enc(&lb_arn)), &a.token)
        .await;
    assert!(del.status.is_success(), "{}", del.text);
    srv.get(&format!("/v1/listeners/{}", enc(&rest_listener)), &a.token)
        .await
        .assert_problem(404, "ListenerNotFound");
}

/// ELBv2's `Version` parameter.
fn version() -> (&'static str, String) {
    ("Version", "2015-12-01".to_string())
}

on_both_databases!(listeners_forward_to_target_groups_on_both_fronts,);
