//! What reaches the server's edge and is refused there, identically on both
//! databases: bodies that are not exactly one JSON object, control
//! characters anywhere in a request, and requests hyper or the body reader
//! answer before a handler runs. Every refusal is problem+json, and nothing
//! is stored.

use crate::on_both_databases;
use crate::support::{Db, TestServer};
use linkplane::config::Settings;
use reqwest::Method;
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

on_both_databases!(
    a_body_is_exactly_one_json_object,
    control_characters_are_refused_everywhere,
    transport_refusals_are_problems,
    a_stalled_body_is_408
);

/// Problem+json from a raw HTTP/1.1 exchange: (status, content type, body).
fn raw_exchange(base: &str, request: &[u8]) -> (u16, String, serde_json::Value) {
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // The server may answer (and close) before it has read all of a huge
    // request: a failed write is fine, the answer is what counts.
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let status: u16 = head[9..12].parse().expect("status");
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    let body = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    (status, content_type, body)
}

async fn a_body_is_exactly_one_json_object(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    for (body, needle) in [
        (
            r#"{"cidr_block": "10.9.0.0/16"} xyz"#,
            "follow the JSON object",
        ),
        (
            r#"{"cidr_block": "10.9.0.0/16"} {}"#,
            "follow the JSON object",
        ),
        (
            r#"["10.9.0.0/16", null, null, null, null]"#,
            "found an array",
        ),
        (r#""10.9.0.0/16""#, "expected"),
        (
            r#"{"cidr_block": "10.9.0.0/16", "tags": [["k", "v"]]}"#,
            "tags",
        ),
    ] {
        let r = s.post_raw("/v1/vpcs", &a.token, body.to_string()).await;
        r.assert_problem(400, "InvalidParameterValue");
        let detail = r.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(needle), "{body}: {detail}");
    }
    let vpcs = s.get("/v1/vpcs", &a.token).await;
    assert_eq!(vpcs.body["items"], json!([]), "a refused body made a VPC");

    let vpc = s
        .create("/v1/vpcs", &a.token, json!({"cidr_block": "10.0.0.0/16"}))
        .await;
    let id = vpc["vpc_id"].as_str().unwrap();
    let before = s.get(&format!("/v1/vpcs/{id}"), &a.token).await.body;
    // No body at all: a body is required.
    s.call(
        Method::PATCH,
        &format!("/v1/vpcs/{id}"),
        Some(&a.token),
        None,
    )
    .await
    .assert_problem(400, "MissingParameter");
    for body in ["[false, null, null]", r#"{"enable_dns_hostnames": true} 1"#] {
        let req = s
            .http
            .patch(s.url(&format!("/v1/vpcs/{id}")))
            .bearer_auth(&a.token)
            .body(body.to_string());
        let r = crate::support::Resp::from(req.send().await.unwrap()).await;
        r.assert_problem(400, "InvalidParameterValue");
    }
    // A nested struct given as an array, deeper down.
    let r = s
        .post(
            "/v1/resolve",
            &a.token,
            json!({"source": ["eni-0123456789abcdef0"], "destination": {"ip": "10.0.0.1"}, "port": 443}),
        )
        .await;
    r.assert_problem(400, "InvalidParameterValue");
    assert!(r.detail().starts_with("source:"), "{}", r.body);
    assert_eq!(
        s.get(&format!("/v1/vpcs/{id}"), &a.token).await.body,
        before
    );
    s.stop().await;
}

async fn control_characters_are_refused_everywhere(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    let vpc = s
        .create("/v1/vpcs", &a.token, json!({"cidr_block": "10.0.0.0/16"}))
        .await;
    let vpc_id = vpc["vpc_id"].as_str().unwrap().to_string();
    let bodies = [
        (
            "/v1/vpcs",
            json!({"cidr_block": "10.1.0.0/16", "tags": {"a\u{0}b": "v"}}),
            "a key of tags",
        ),
        (
            "/v1/vpcs",
            json!({"cidr_block": "10.1.0.0/16", "tags": {"k": "v\u{0}"}}),
            "tags.k",
        ),
        (
            "/v1/security-groups",
            json!({"vpc_id": vpc_id, "group_name": "web\u{0}", "description": "d"}),
            "group_name",
        ),
        (
            "/v1/security-groups",
            json!({"vpc_id": vpc_id, "group_name": "web", "description": "tier\u{1b}[31m"}),
            "description",
        ),
        (
            "/v1/security-groups",
            json!({"vpc_id": vpc_id, "group_name": "web", "description": "d\u{7f}"}),
            "description",
        ),
        (
            "/v1/subnets",
            json!({"vpc_id": format!("{vpc_id}\u{0}"), "cidr_block": "10.0.1.0/24"}),
            "vpc_id",
        ),
    ];
    for (path, body, field) in bodies {
        let r = s.post(path, &a.token, body.clone()).await;
        r.assert_problem(400, "InvalidParameterValue");
        let detail = r.detail();
        assert!(
            detail.starts_with(field) && detail.contains("control character U+00"),
            "{body}: {detail}"
        );
    }
    for (path, field) in [
        ("/v1/vpcs/vpc-%00".to_string(), "vpc_id"),
        (format!("/v1/vpcs/{vpc_id}%0A"), "vpc_id"),
        ("/v1/vpcs?tag=a%00b".to_string(), "tag"),
        ("/v1/subnets?vpc_id=vpc-%00".to_string(), "vpc_id"),
        ("/v1/vpc-endpoints?vpc_id=vpc-%01".to_string(), "vpc_id"),
    ] {
        let r = s.get(&path, &a.token).await;
        r.assert_problem(400, "InvalidParameterValue");
        let detail = r.detail();
        assert!(detail.starts_with(field), "{path}: {detail}");
    }
    // A forged next_token whose keyset id holds U+0000.
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&json!(["vpcs", 0, "vpc-\u{0}"])).unwrap());
    s.get(&format!("/v1/vpcs?next_token={forged}"), &a.token)
        .await
        .assert_problem(400, "InvalidNextToken");
    // A policy document may hold tabs and newlines, as IAM allows.
    let policy = "{\n\t\"Version\": \"2012-10-17\",\n\t\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]\r\n}";
    let r = s
        .post(
            "/v1/vpc-endpoints",
            &a.token,
            json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.s3",
                   "vpc_endpoint_type": "gateway", "policy_document": policy}),
        )
        .await;
    assert_eq!(r.status.as_u16(), 201, "{}", r.body);
    assert_eq!(r.body["policy_document"], policy);
    // Only the VPC and the endpoint exist; no group, subnet or second VPC.
    let vpcs = s.get("/v1/vpcs", &a.token).await.body;
    assert_eq!(vpcs["items"].as_array().unwrap().len(), 1);
    let groups = s.get("/v1/security-groups", &a.token).await.body;
    assert_eq!(groups["items"].as_array().unwrap().len(), 1, "{groups}");
    let subnets = s.get("/v1/subnets", &a.token).await.body;
    assert_eq!(subnets["items"], json!([]));
    s.stop().await;
}

async fn transport_refusals_are_problems(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    // A path parameter that is not UTF-8 once decoded.
    let r = s.get("/v1/vpcs/%FF%FE", &a.token).await;
    r.assert_problem(400, "InvalidParameterValue");
    // hyper's own refusals: a URI over 64 KiB, over 100 headers, no HTTP.
    let long = format!(
        "GET /v1/vpcs?x={} HTTP/1.1\r\nHost: t\r\n\r\n",
        "a".repeat(70_000)
    );
    let mut many = String::from("GET /v1/vpcs HTTP/1.1\r\nHost: t\r\n");
    for i in 0..120 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str("\r\n");
    for (request, status, code) in [
        (long.as_bytes(), 414, "RequestURITooLong"),
        (many.as_bytes(), 431, "RequestHeaderFieldsTooLarge"),
        (&b"NOT HTTP AT ALL\r\n\r\n"[..], 400, "MalformedRequest"),
    ] {
        let (got, content_type, body) = raw_exchange(&s.base, request);
        assert_eq!(got, status, "{body}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status);
        assert!(body["request_id"].as_str().is_some_and(|r| !r.is_empty()));
    }
    s.stop().await;
}

async fn a_stalled_body_is_408(db: Db) {
    let settings = Settings {
        body_timeout: Duration::from_millis(500),
        ..Settings::default()
    };
    let s = TestServer::start_with(db, settings).await;
    let a = s.account("a").await;
    let started = Instant::now();
    let request = format!(
        "POST /v1/vpcs HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {}\r\n\
         Content-Length: 100\r\n\r\n{{\"cidr_block\"",
        a.token
    );
    let (status, content_type, body) = raw_exchange(&s.base, request.as_bytes());
    assert_eq!(status, 408, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["code"], "RequestTimeout");
    assert!(started.elapsed() < Duration::from_secs(10));
    // Without credentials the answer is 401 at once: the server does not
    // wait for, or hold, the body of a request it will refuse.
    let started = Instant::now();
    let (status, _, body) = raw_exchange(
        &s.base,
        b"POST /v1/vpcs HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n{\"cidr",
    );
    assert_eq!(status, 401, "{body}");
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    // The half-sent VPC was never made.
    let vpcs = s.get("/v1/vpcs", &a.token).await;
    assert_eq!(vpcs.body["items"], json!([]));
    s.stop().await;
}
