//! Health, readiness, metrics, request ids, the docs page.

use crate::on_both_databases;
use crate::support::{ADMIN, Db, TestServer};
use reqwest::StatusCode;

on_both_databases!(health_readiness_and_metrics);

async fn health_readiness_and_metrics(db: Db) {
    let s = TestServer::start(db).await;
    let h = s.http.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(h.status(), StatusCode::OK);
    let r = s.http.get(s.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    for _ in 0..3 {
        s.get("/v1/whoami", ADMIN).await;
    }
    s.get("/v1/whoami", "bad").await;
    let m = s.http.get(s.url("/metrics")).send().await.unwrap();
    assert!(
        m.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = m.text().await.unwrap();
    assert!(
        text.contains(
            r#"linkplane_http_requests_total{method="GET",route="/v1/whoami",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(text.contains(
        r#"linkplane_http_requests_total{method="GET",route="/v1/whoami",status="401"} 1"#
    ));
    assert!(text.contains(
        r#"linkplane_http_request_duration_seconds_count{method="GET",route="/v1/whoami"} 4"#
    ));
    assert!(text.contains("linkplane_db_pool_connections{"));
    assert!(text.contains("linkplane_db_pool_max_connections{"));
    // Once the schema is behind the binary, readiness fails.
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(s.store.pool())
        .await
        .unwrap();
    let r = s.http.get(s.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    s.stop().await;
}

/// GETs `path` with this request id; asserts the response echoes it.
async fn echoed(s: &TestServer, path: &str, id: &str) -> reqwest::Response {
    let r = s
        .http
        .get(s.url(path))
        .header("x-request-id", id)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], id);
    r
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let s = TestServer::start(Db::Sqlite).await;
    echoed(&s, "/healthz", "my-trace-42").await;
    let r = echoed(&s, "/v1/whoami", "abc").await;
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["request_id"], "abc");
    let a = s.http.get(s.url("/healthz")).send().await.unwrap();
    let b = s.http.get(s.url("/healthz")).send().await.unwrap();
    let (a, b) = (
        a.headers()["x-request-id"].clone(),
        b.headers()["x-request-id"].clone(),
    );
    assert_eq!(a.len(), 36, "a UUID");
    assert_ne!(a, b);
    s.stop().await;
}

#[tokio::test]
async fn docs_and_openapi_are_served_from_the_binary() {
    let s = TestServer::start(Db::Sqlite).await;
    let spec = s.http.get(s.url("/openapi.json")).send().await.unwrap();
    assert_eq!(spec.status(), StatusCode::OK);
    let spec: serde_json::Value = spec.json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(spec["paths"]["/v1/whoami"]["get"].is_object());
    let docs = s.http.get(s.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("cdn."),
        "the docs page must not load from a CDN"
    );
    let js = s
        .http
        .get(s.url("/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.bytes().await.unwrap().len() > 100_000);
    s.stop().await;
}

/// An in-memory SQLite database is refused with a message that says why:
/// each connection would open one of its own, so the writer's would not be
/// the one the readers (and the migrations) see.
#[tokio::test]
async fn an_in_memory_sqlite_database_is_refused() {
    for url in ["sqlite::memory:", "sqlite://lp.db?mode=memory"] {
        let e = linkplane::store::Store::connect(url, 2)
            .await
            .expect_err("in-memory SQLite");
        assert!(e.to_string().contains("in-memory SQLite"), "{url}: {e}");
    }
}
