//! Bad input answers a 4xx problem+json naming the field, never a 500.

use crate::on_both_databases;
use crate::support::{ADMIN, Db, TestServer};
use reqwest::Method;
use serde_json::json;

on_both_databases!(
    bad_json_bodies_are_400_naming_the_field,
    oversized_bodies_are_413,
    bad_query_parameters_are_400
);

async fn bad_json_bodies_are_400_naming_the_field(db: Db) {
    let s = TestServer::start(db).await;
    let cases: &[(&str, &str, &str)] = &[
        ("", "MissingParameter", "empty"),
        ("{", "InvalidParameterValue", "not valid JSON"),
        ("{\"name\": }", "InvalidParameterValue", "not valid JSON"),
        ("[]", "InvalidParameterValue", ""),
        ("{}", "MissingParameter", "'name'"),
        (
            r#"{"name": "x", "bogus": 1}"#,
            "InvalidParameterValue",
            "unknown field 'bogus'",
        ),
        (r#"{"name": 7}"#, "InvalidParameterValue", "name"),
        (
            r#"{"name": "x", "tags": {"k": 1}}"#,
            "InvalidParameterValue",
            "tags.k",
        ),
        (
            r#"{"name": "x", "tags": ["a"]}"#,
            "InvalidParameterValue",
            "tags",
        ),
        (
            r#"{"name": "x", "account_id": "12345"}"#,
            "InvalidAccountID.Malformed",
            "account_id",
        ),
        (
            r#"{"name": "x", "account_id": 111122223333}"#,
            "InvalidParameterValue",
            "account_id",
        ),
        (r#"{"name": ""}"#, "InvalidParameterValue", "name"),
        (
            r#"{"name": "x", "tags": {"aws:reserved": "v"}}"#,
            "InvalidParameterValue",
            "aws:",
        ),
    ];
    for (body, code, needle) in cases {
        let r = s.post_raw("/v1/accounts", ADMIN, body.to_string()).await;
        r.assert_problem(400, code);
        let detail = r.detail();
        assert!(
            detail.contains(needle),
            "{body}: detail '{detail}' should mention '{needle}'"
        );
    }
    let a = s.account("a").await;
    let cases: &[(&str, serde_json::Value, &str)] = &[
        ("/v1/api-keys", json!({}), "MissingParameter"),
        (
            "/v1/api-keys",
            json!({"principal_arn": "arn:aws:iam::1:root"}),
            "InvalidParameterValue",
        ),
        (
            "/v1/api-keys",
            json!({"principal_arn": "arn:aws:s3:::bucket"}),
            "InvalidParameterValue",
        ),
        (
            "/v1/api-keys",
            json!({"principal_arn": 12}),
            "InvalidParameterValue",
        ),
    ];
    for (path, body, code) in cases {
        s.post(path, &a.token, body.clone())
            .await
            .assert_problem(400, code);
    }
    // Idempotency-Key that is not visible ASCII.
    let r = s
        .http
        .post(s.url("/v1/accounts"))
        .bearer_auth(ADMIN)
        .header("idempotency-key", "")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    crate::support::Resp::from(r)
        .await
        .assert_problem(400, "InvalidParameterValue");
    s.stop().await;
}

async fn oversized_bodies_are_413(db: Db) {
    let s = TestServer::start(db).await;
    let big = format!(r#"{{"name": "{}"}}"#, "x".repeat(1 << 20));
    let r = s.post_raw("/v1/accounts", ADMIN, big).await;
    r.assert_problem(413, "RequestEntityTooLarge");
    // Just under the limit parses (and then fails validation on length).
    let under = format!(r#"{{"name": "{}"}}"#, "x".repeat((1 << 20) - 20));
    s.post_raw("/v1/accounts", ADMIN, under)
        .await
        .assert_problem(400, "InvalidParameterValue");
    s.stop().await;
}

async fn bad_query_parameters_are_400(db: Db) {
    let s = TestServer::start(db).await;
    for (q, code) in [
        ("max_results=0", "InvalidParameterValue"),
        ("max_results=1001", "InvalidParameterValue"),
        ("max_results=ten", "InvalidParameterValue"),
        ("max_results=-1", "InvalidParameterValue"),
        ("next_token=garbage", "InvalidNextToken"),
        ("nonsense=1", "InvalidParameterValue"),
        ("tag==v", "InvalidParameterValue"),
        // An empty number is not absent (it was, serde_html_form's reading,
        // while the schema says integer).
        ("max_results=", "InvalidParameterValue"),
    ] {
        let r = s.get(&format!("/v1/accounts?{q}"), ADMIN).await;
        r.assert_problem(400, code);
    }
    // Likewise an empty boolean and an empty decimal.
    let a = s.account("a").await;
    s.get("/v1/route-tables?main=", &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    let vpc = s
        .create("/v1/vpcs", &a.token, json!({"cidr_block": "10.0.0.0/16"}))
        .await;
    let gateway = s
        .create(
            "/v1/vpc-endpoints",
            &a.token,
            json!({"vpc_id": vpc["vpc_id"], "service_name": "com.amazonaws.us-east-1.s3"}),
        )
        .await;
    let cost = format!(
        "/v1/vpc-endpoints/{}/cost",
        gateway["vpc_endpoint_id"].as_str().unwrap_or_default()
    );
    s.get(&format!("{cost}?gb_per_month="), &a.token)
        .await
        .assert_problem(400, "InvalidParameterValue");
    let priced = s.get(&format!("{cost}?gb_per_month=10"), &a.token).await;
    assert_eq!(priced.status, reqwest::StatusCode::OK, "{}", priced.text);
    for (path, status, code) in [
        (
            "/v1/prefix-lists?prefix_list_id=pl-XYZ",
            400,
            "InvalidPrefixListId.Malformed",
        ),
        (
            "/v1/prefix-lists?region=mars-1",
            400,
            "InvalidParameterValue",
        ),
        (
            "/v1/regions/mars-1/availability-zones",
            404,
            "InvalidRegion.NotFound",
        ),
        // Unknown paths and methods are problems too.
        ("/v1/nothing-here", 404, "NotFound"),
    ] {
        s.get(path, ADMIN).await.assert_problem(status, code);
    }
    s.call(Method::PUT, "/v1/whoami", Some(ADMIN), None)
        .await
        .assert_problem(405, "UnsupportedOperation");
    s.stop().await;
}
