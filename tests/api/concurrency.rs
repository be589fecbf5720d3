//! Concurrent writers that touch the same rows in different orders, on one
//! replica and on two: the database may abort one of them to break a
//! deadlock, and the server runs that transaction again, so every request
//! succeeds and the outcome is the same as one after the other.

use crate::on_both_databases;
use crate::support::{Db, TestServer, string};
use reqwest::Method;
use serde_json::json;

on_both_databases!(concurrent_allowed_principal_edits_never_fail);

/// Two clients (on two replicas when there are two) add and remove the
/// same principals in opposite orders, many times at once. Before the
/// server sorted its writes and retried aborted transactions, Postgres
/// answered about one in ten of these with 503 (`deadlock detected`).
async fn concurrent_allowed_principal_edits_never_fail(db: Db) {
    let (s, replica) = TestServer::start_pair(db).await;
    let a = s.account("a").await;
    let service_id = string(&s.endpoint_service(&a, json!({})).await["service_id"]);
    let path = format!("/v1/endpoint-services/{service_id}/allowed-principals");
    let principals: Vec<String> = (0..6)
        .map(|i| format!("arn:aws:iam::{:012}:root", 200_000_000_000u64 + i))
        .collect();
    let forward = json!({"principals": principals});
    let mut reversed = principals.clone();
    reversed.reverse();
    let backward = json!({"principals": reversed});

    let rounds = 25;
    let mut failures: Vec<String> = Vec::new();
    for round in 0..rounds {
        let method = if round % 2 == 0 {
            Method::POST
        } else {
            Method::DELETE
        };
        let (m, p, t) = (&method, path.as_str(), a.token.as_str());
        let (r1, r2, r3, r4) = tokio::join!(
            s.call(m.clone(), p, Some(t), Some(forward.clone())),
            replica.call(m.clone(), p, Some(t), Some(backward.clone())),
            s.call(m.clone(), p, Some(t), Some(backward.clone())),
            replica.call(m.clone(), p, Some(t), Some(forward.clone())),
        );
        for r in [r1, r2, r3, r4] {
            if !r.status.is_success() {
                failures.push(format!("round {round}: {} {}", r.status, r.text));
            }
        }
        let listed = s.get(&path, &a.token).await.body;
        let mut got: Vec<String> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["principal"].as_str().unwrap().to_string())
            .collect();
        got.sort();
        let want: Vec<String> = if method == Method::POST {
            principals.clone()
        } else {
            Vec::new()
        };
        assert_eq!(got, want, "round {round}: {listed}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} concurrent edits failed: {failures:#?}",
        failures.len(),
        rounds * 4
    );
    replica.stop().await;
    s.stop().await;
}
