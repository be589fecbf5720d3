//! Shared API plumbing: keyset pagination, idempotency, ETag/If-Match, tags.

use crate::on_both_databases;
use crate::support::{ADMIN, Db, TestServer, string};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashSet;

on_both_databases!(
    pagination_is_stable_under_concurrent_inserts,
    idempotency_key_replays_or_conflicts,
    a_replay_after_delete_is_a_conflict_in_every_family,
    concurrent_requests_with_one_key_create_once,
    etag_and_if_match,
    tags_are_stored_and_filter_lists,
);

async fn page_ids(s: &TestServer, query: &str) -> (Vec<String>, Option<String>) {
    let r = s.get(&format!("/v1/accounts?{query}"), ADMIN).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ids = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect();
    (ids, r.body["next_token"].as_str().map(str::to_string))
}

/// Paging while others insert: every account that existed at the start is
/// seen exactly once, none twice.
async fn pagination_is_stable_under_concurrent_inserts(db: Db) {
    let s = TestServer::start(db).await;
    let mut before = HashSet::new();
    for i in 0..23 {
        before.insert(s.account(&format!("acct-{i}")).await.account_id);
    }
    let mut seen = Vec::new();
    let (ids, mut token) = page_ids(&s, "max_results=5").await;
    assert_eq!(ids.len(), 5);
    seen.extend(ids);
    let mut inserted = 0;
    while let Some(t) = token {
        // Someone creates accounts between our pages.
        s.account(&format!("late-{inserted}")).await;
        inserted += 1;
        let (ids, next) = page_ids(&s, &format!("max_results=5&next_token={t}")).await;
        seen.extend(ids);
        token = next;
        assert!(inserted < 50, "pagination does not terminate");
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "an account appeared twice");
    for id in &before {
        assert!(unique.contains(id), "account {id} was skipped");
    }
    // A token from one list is refused by another.
    let (_, t) = page_ids(&s, "max_results=1").await;
    let a = s.account("x").await;
    let r = s
        .get(
            &format!(
                "/v1/accounts/{}/principals?next_token={}",
                a.account_id,
                t.unwrap()
            ),
            &a.token,
        )
        .await;
    r.assert_problem(400, "InvalidNextToken");
    s.stop().await;
}

async fn create_with_key(
    s: &TestServer,
    key: &str,
    body: serde_json::Value,
) -> crate::support::Resp {
    let r = s
        .http
        .post(s.url("/v1/accounts"))
        .bearer_auth(ADMIN)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    crate::support::Resp::from(r).await
}

async fn idempotency_key_replays_or_conflicts(db: Db) {
    let s = TestServer::start(db).await;
    let first = create_with_key(&s, "k-1", json!({"name": "once", "tags": {"a": "b"}})).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let again = create_with_key(&s, "k-1", json!({"tags": {"a": "b"}, "name": "once"})).await;
    assert_eq!(
        again.status,
        StatusCode::OK,
        "a replay answers 200: {}",
        again.text
    );
    assert_eq!(again.body["account_id"], first.body["account_id"]);
    assert_eq!(again.header("location"), first.header("location"));
    let other = create_with_key(&s, "k-1", json!({"name": "different"})).await;
    other.assert_problem(409, "IdempotentParameterMismatch");
    let (ids, _) = page_ids(&s, "name=once").await;
    assert_eq!(ids.len(), 1);
    // Keys are per caller scope: an account's root using the same key string
    // for its own create is independent of the admin's.
    let a = s.account("a").await;
    let p = s
        .http
        .post(s.url(&format!("/v1/accounts/{}/principals", a.account_id)))
        .bearer_auth(&a.token)
        .header("idempotency-key", "k-1")
        .json(&json!({"type": "user", "name": "u"}))
        .send()
        .await
        .unwrap();
    assert_eq!(p.status(), StatusCode::CREATED);
    // Once housekeeping forgets expired keys, the key may be used afresh.
    let future = linkplane::store::now_ms() + 1;
    let removed = linkplane::store::idempotency::purge_before(s.store.pool(), future)
        .await
        .unwrap();
    assert!(removed >= 2);
    let fresh = create_with_key(&s, "k-1", json!({"name": "different"})).await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text);
    assert_ne!(fresh.body["account_id"], first.body["account_id"]);
    s.stop().await;
}

/// A create replayed (same key, same body) after its resource was deleted
/// answered the resource's 404, which POST on a collection does not
/// document; it is 409 `IdempotentResourceDeleted` in every family (the
/// create did succeed; another needs another key). A replay before the
/// delete still answers the resource with 200.
async fn a_replay_after_delete_is_a_conflict_in_every_family(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    let with_key = |path: &'static str, key: &'static str, body: serde_json::Value| {
        let (s, token) = (&s, a.token.clone());
        async move {
            s.call_with_header(path, &token, "idempotency-key", key, body)
                .await
        }
    };
    let vpc = with_key("/v1/vpcs", "vpc", json!({"cidr_block": "10.7.0.0/16"})).await;
    assert_eq!(vpc.status, StatusCode::CREATED, "{}", vpc.text);
    let vpc_id = vpc.body["vpc_id"].as_str().unwrap().to_string();
    let subnet_body = json!({"vpc_id": vpc_id, "cidr_block": "10.7.1.0/24"});
    let subnet = with_key("/v1/subnets", "subnet", subnet_body.clone()).await;
    assert_eq!(subnet.status, StatusCode::CREATED, "{}", subnet.text);
    let subnet_id = subnet.body["subnet_id"].as_str().unwrap().to_string();
    let igw = with_key("/v1/internet-gateways", "igw", json!({})).await;
    assert_eq!(igw.status, StatusCode::CREATED, "{}", igw.text);
    let igw_id = string(&igw.body["internet_gateway_id"]);
    let again = with_key("/v1/internet-gateways", "igw", json!({})).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["internet_gateway_id"], igw_id.as_str());
    for path in [
        format!("/v1/internet-gateways/{igw_id}"),
        format!("/v1/subnets/{subnet_id}"),
        format!("/v1/vpcs/{vpc_id}"),
    ] {
        let d = s.delete(&path, &a.token).await;
        assert_eq!(
            d.status,
            StatusCode::NO_CONTENT,
            "DELETE {path}: {}",
            d.text
        );
    }
    for (path, key, body) in [
        ("/v1/internet-gateways", "igw", json!({})),
        ("/v1/subnets", "subnet", subnet_body),
        ("/v1/vpcs", "vpc", json!({"cidr_block": "10.7.0.0/16"})),
    ] {
        with_key(path, key, body)
            .await
            .assert_problem(409, "IdempotentResourceDeleted");
    }
    s.stop().await;
}

/// Ten concurrent retries with one key: one account, nine replays.
async fn concurrent_requests_with_one_key_create_once(db: Db) {
    let s = TestServer::start(db).await;
    let body = json!({"name": "racy"});
    let futures: Vec<_> = (0..10)
        .map(|_| create_with_key(&s, "race", body.clone()))
        .collect();
    let results = futures_join(futures).await;
    let mut created = 0;
    let mut ids = HashSet::new();
    for r in &results {
        match r.status {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}: {}", r.text),
        }
        ids.insert(r.body["account_id"].as_str().unwrap().to_string());
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    let (listed, _) = page_ids(&s, "name=racy").await;
    assert_eq!(listed.len(), 1);
    s.stop().await;
}

async fn futures_join<F: std::future::Future>(fs: Vec<F>) -> Vec<F::Output>
where
    F::Output: Send,
{
    let mut out = Vec::new();
    let mut pinned: Vec<_> = fs.into_iter().map(Box::pin).collect();
    // Poll them concurrently on this task.
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    for d in done {
        out.extend(d);
    }
    out
}

async fn etag_and_if_match(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    let path = format!("/v1/accounts/{}", a.account_id);
    let got = s.get(&path, &a.token).await;
    let etag = got.header("etag").unwrap().to_string();
    let patch = |tag: &'static str, etag: String| {
        let s = &s;
        let path = path.clone();
        async move {
            s.patch_if_match(&path, ADMIN, &etag, json!({"name": tag}))
                .await
        }
    };
    let ok = patch("first", etag.clone()).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let new_etag = ok.header("etag").unwrap().to_string();
    assert_ne!(new_etag, etag);
    // The old ETag no longer matches: the second writer learns it lost.
    patch("second", etag)
        .await
        .assert_problem(412, "PreconditionFailed");
    assert_eq!(s.get(&path, &a.token).await.body["name"], "first");
    assert_eq!(patch("third", "*".to_string()).await.status, StatusCode::OK);
    // Without If-Match the update is unconditional.
    let r = s.patch(&path, ADMIN, json!({"name": "fourth"})).await;
    assert_eq!(r.status, StatusCode::OK);
    s.stop().await;
}

async fn tags_are_stored_and_filter_lists(db: Db) {
    let s = TestServer::start(db).await;
    for (name, env) in [("p1", "prod"), ("p2", "prod"), ("d1", "dev")] {
        let r = s
            .post(
                "/v1/accounts",
                ADMIN,
                json!({"name": name, "tags": {"env": env, "team": "net"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        assert_eq!(r.body["tags"]["env"], env);
    }
    s.post("/v1/accounts", ADMIN, json!({"name": "untagged"}))
        .await;
    let names = |r: &crate::support::Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect()
    };
    let prod = s.get("/v1/accounts?tag=env=prod", ADMIN).await;
    assert_eq!(names(&prod), vec!["p1", "p2"]);
    let both = s.get("/v1/accounts?tag=env=prod&tag=team=net", ADMIN).await;
    assert_eq!(names(&both), vec!["p1", "p2"]);
    let none = s
        .get("/v1/accounts?tag=env=prod&tag=team=other", ADMIN)
        .await;
    assert!(names(&none).is_empty());
    let any_env = s.get("/v1/accounts?tag=env", ADMIN).await;
    assert_eq!(names(&any_env).len(), 3);
    // PATCH replaces tags.
    let id = string(&prod.body["items"][0]["account_id"]);
    let r = s
        .patch(
            &format!("/v1/accounts/{id}"),
            ADMIN,
            json!({"tags": {"env": "dev"}}),
        )
        .await;
    assert_eq!(r.body["tags"], json!({"env": "dev"}));
    assert_eq!(
        names(&s.get("/v1/accounts?tag=env=prod", ADMIN).await),
        vec!["p2"]
    );
    s.stop().await;
}
