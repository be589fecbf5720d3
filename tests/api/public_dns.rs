//! The public DNS model between accounts: records belong to the zone they
//! were written in, a zone inside another account's zone answers only when
//! that zone delegates to it (NS), and private DNS names verify only
//! against the answering zone.

use crate::on_both_databases;
use crate::support::{Actor, Db, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    another_account_cannot_take_over_a_name,
    delegation_decides_which_zone_answers,
    records_of_a_zone_page,
    upgrade_keeps_zones_and_records,
    a_parent_zone_made_later_takes_nothing,
    two_accounts_racing_for_one_name_get_one_zone
);

async fn put(s: &TestServer, who: &Actor, body: Value) -> crate::support::Resp {
    s.put("/v1/public-dns/records", &who.token, body).await
}

async fn records(s: &TestServer, who: &Actor, zone: &str) -> Value {
    let r = s
        .get(
            &format!("/v1/public-dns/records?zone_name={zone}"),
            &who.token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].clone()
}

async fn zone(s: &TestServer, who: &Actor, zone: &str) -> Value {
    let r = s
        .get(&format!("/v1/public-dns/zones/{zone}"), &who.token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// Publishes the TXT record `svc`'s private DNS name asks for, as `who`
/// (in `who`'s zone), and answers the state the service's owner `who`
/// gets from verification.
async fn verify(s: &TestServer, who: &Actor, svc: &Value) -> String {
    verify_published_by(s, who, who, svc).await
}

async fn verify_published_by(
    s: &TestServer,
    publisher: &Actor,
    owner: &Actor,
    svc: &Value,
) -> String {
    let cfg = &svc["private_dns_name_configuration"];
    let name = format!(
        "{}.{}",
        cfg["name"].as_str().unwrap(),
        svc["private_dns_name"].as_str().unwrap()
    );
    let r = put(
        s,
        publisher,
        json!({"name": name, "type": "TXT", "value": cfg["value"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = svc["service_id"].as_str().unwrap();
    let r = s
        .post(
            &format!("/v1/endpoint-services/{id}/private-dns/verify"),
            &owner.token,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["private_dns_name_configuration"]["state"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The attack found: B made a zone inside A's, wrote a record of A's name
/// (which moved A's record into B's zone), deleted it, and verified a name
/// of A's domain for its own service. None of that works any more.
async fn another_account_cannot_take_over_a_name(db: Db) {
    let s = TestServer::start(db).await;
    let [a, b] = s.accounts(["a", "b"]).await;
    let z = s.create_zone(&a, "example.com").await;
    assert_eq!(z["authoritative"], true);
    assert_eq!(z["owner_id"], a.account_id.as_str());
    assert_eq!(z["name_servers"].as_array().unwrap().len(), 4);
    let r = put(
        &s,
        &a,
        json!({"name": "txt.example.com", "type": "TXT", "value": "a-owns-this"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["zone_name"], "example.com");
    let a_records = records(&s, &a, "example.com").await;
    let a_zone = zone(&s, &a, "example.com").await;

    // B may hold a zone inside A's; it does not answer.
    let bz = s.create_zone(&b, "txt.example.com").await;
    assert_eq!(bz["authoritative"], false, "{bz}");
    // B's write lands in B's zone; A's record stays where it was.
    let r = put(
        &s,
        &b,
        json!({"name": "txt.example.com", "type": "TXT", "value": "b-was-here"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["zone_name"], "txt.example.com");
    // B cannot write into, list, read or delete A's zone.
    put(
        &s,
        &b,
        json!({"name": "txt.example.com", "type": "TXT", "value": "x", "zone_name": "example.com"}),
    )
    .await
    .assert_problem(404, "NoSuchHostedZone");
    for (method, path) in [
        (Method::GET, "/v1/public-dns/records?zone_name=example.com"),
        (Method::GET, "/v1/public-dns/zones/example.com"),
        (Method::DELETE, "/v1/public-dns/zones/example.com"),
        (
            Method::DELETE,
            "/v1/public-dns/records?name=txt.example.com&type=TXT&zone_name=example.com",
        ),
    ] {
        s.call(method, path, Some(&b.token), None)
            .await
            .assert_problem(404, "NoSuchHostedZone");
    }
    // B deleting "its" record deletes only its own; a second time, nothing.
    let record = "/v1/public-dns/records?name=txt.example.com&type=TXT";
    let r = s.delete(record, &b.token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    s.delete(record, &b.token)
        .await
        .assert_problem(404, "NoSuchRecord");
    // B cannot hold A's name at the top.
    s.post(
        "/v1/public-dns/zones",
        &b.token,
        json!({"name": "example.com"}),
    )
    .await
    .assert_problem(409, "HostedZoneAlreadyExists");
    // B's own endpoint service cannot get a name of A's domain verified
    // from B's zone, nor from one named exactly like the private DNS name.
    s.create_zone(&b, "www.example.com").await;
    let svc = s
        .endpoint_service(&b, json!({"private_dns_name": "www.example.com"}))
        .await;
    assert_eq!(verify(&s, &b, &svc).await, "failed");
    // A's zone and records are exactly as they were.
    assert_eq!(records(&s, &a, "example.com").await, a_records);
    assert_eq!(zone(&s, &a, "example.com").await, a_zone);
    assert_eq!(
        s.get("/v1/public-dns/zones", &a.token).await.body["items"],
        json!([a_zone])
    );
    s.stop().await;
}

/// An NS record of the answering zone hands a name to the zone whose name
/// servers it names, for any account's zone including the same account's.
async fn delegation_decides_which_zone_answers(db: Db) {
    let s = TestServer::start(db).await;
    let [a, b] = s.accounts(["a", "b"]).await;
    s.create_zone(&a, "example.com").await;
    let bz = s.create_zone(&b, "team.example.com").await;
    assert_eq!(bz["authoritative"], false);
    let svc = s
        .endpoint_service(&b, json!({"private_dns_name": "api.team.example.com"}))
        .await;
    assert_eq!(verify(&s, &b, &svc).await, "failed");
    // A delegates team.example.com to B's zone (written as Route 53 shows
    // name servers: with the final dot; DNS names ignore case).
    let ns = bz["name_servers"][1].as_str().unwrap();
    let r = put(
        &s,
        &a,
        json!({"name": "team.example.com", "type": "NS", "value": format!("{}.", ns.to_uppercase())}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["value"], ns);
    assert_eq!(r.body["zone_name"], "example.com");
    assert_eq!(
        zone(&s, &b, "team.example.com").await["authoritative"],
        true
    );
    assert_eq!(verify(&s, &b, &svc).await, "verified");
    // An NS record of the apex is refused; one to servers no zone has takes
    // the name out of the model.
    put(
        &s,
        &a,
        json!({"name": "example.com", "type": "NS", "value": ns}),
    )
    .await
    .assert_problem(400, "InvalidParameterValue");
    let r = put(
        &s,
        &a,
        json!({"name": "team.example.com", "type": "NS", "value": "ns1.elsewhere.net"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        zone(&s, &b, "team.example.com").await["authoritative"],
        false
    );
    assert_eq!(verify(&s, &b, &svc).await, "failed");
    // Without the NS record, A answers again: B's records count for nothing,
    // A's for everything.
    let r = s
        .delete(
            "/v1/public-dns/records?name=team.example.com&type=NS",
            &a.token,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(verify(&s, &b, &svc).await, "failed");
    assert_eq!(verify_published_by(&s, &a, &b, &svc).await, "verified");
    // A zone inside the same account's zone also needs the NS record.
    let sub = s.create_zone(&a, "sub.example.com").await;
    assert_eq!(sub["authoritative"], false);
    let r = put(
        &s,
        &a,
        json!({"name": "sub.example.com", "type": "NS", "value": sub["name_servers"][0],
               "zone_name": "example.com"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(zone(&s, &a, "sub.example.com").await["authoritative"], true);
    s.stop().await;
}

/// Records list in pages like every other list.
async fn records_of_a_zone_page(db: Db) {
    let s = TestServer::start(db).await;
    let a = s.account("a").await;
    s.create_zone(&a, "example.com").await;
    for i in 0..5 {
        let r = put(
            &s,
            &a,
            json!({"name": format!("r{i}.example.com"), "type": "A", "value": format!("192.0.2.{i}")}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let q = match &token {
            Some(t) => format!("&next_token={t}"),
            None => String::new(),
        };
        let r = s
            .get(
                &format!("/v1/public-dns/records?zone_name=example.com&max_results=2{q}"),
                &a.token,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let items = r.body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_string()),
        );
        match r.body["next_token"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        (0..5)
            .map(|i| format!("r{i}.example.com"))
            .collect::<Vec<_>>()
    );
    s.stop().await;
}

/// A database written before zones were (owner, name) keeps its zones and
/// records, each under the account that owned the zone, after migrating.
async fn upgrade_keeps_zones_and_records(db: Db) {
    let (fresh, store) = crate::support::FreshDb::at_version(db, 6).await;
    sqlx::query(
        "INSERT INTO public_dns_zones (zone_name, account_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind("example.com")
    .bind("111122223333")
    .bind(1_700_000_000_000i64)
    .execute(store.pool())
    .await
    .expect("zone");
    sqlx::query(
        "INSERT INTO public_dns_records (zone_name, record_name, record_type, value, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind("example.com")
    .bind("_x.example.com")
    .bind("TXT")
    .bind("vpce:abc")
    .bind(1_700_000_000_001i64)
    .execute(store.pool())
    .await
    .expect("record");
    store.close().await;
    let s = TestServer::on_url(db, &fresh.url, linkplane::config::Settings::default()).await;
    let r = s
        .post(
            "/v1/accounts",
            crate::support::ADMIN,
            json!({"name": "a", "account_id": "111122223333"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = s
        .key_for(crate::support::ADMIN, "arn:aws:iam::111122223333:root")
        .await;
    let a = Actor {
        account_id: "111122223333".into(),
        arn: "arn:aws:iam::111122223333:root".into(),
        token,
    };
    let z = zone(&s, &a, "example.com").await;
    assert_eq!(z["authoritative"], true);
    assert_eq!(
        records(&s, &a, "example.com").await,
        json!([{"zone_name": "example.com", "name": "_x.example.com", "type": "TXT", "value": "vpce:abc"}])
    );
    s.stop().await;
}

/// B held api.example.com before A made example.com: A's zone answers for
/// the names around it, never for B's, and A cannot verify B's name.
async fn a_parent_zone_made_later_takes_nothing(db: Db) {
    let s = TestServer::start(db).await;
    let [a, b] = s.accounts(["a", "b"]).await;
    let bz = s.create_zone(&b, "api.example.com").await;
    assert_eq!(bz["authoritative"], true);
    let az = s.create_zone(&a, "example.com").await;
    assert_eq!(az["authoritative"], true);
    assert_eq!(zone(&s, &b, "api.example.com").await["authoritative"], true);
    // A's service asks for a name of B's: A's records verify nothing.
    let svc = s
        .endpoint_service(&a, json!({"private_dns_name": "api.example.com"}))
        .await;
    assert_eq!(verify(&s, &a, &svc).await, "failed");
    // B publishing A's token would (B holds the name): the TXT lookup reads
    // the zone that answers, whoever owns it.
    assert_eq!(verify_published_by(&s, &b, &a, &svc).await, "verified");
    // Nobody else may make a zone of exactly B's name now.
    s.post(
        "/v1/public-dns/zones",
        &a.token,
        json!({"name": "api.example.com"}),
    )
    .await
    .assert_problem(409, "HostedZoneAlreadyExists");
    s.stop().await;
}

/// Two accounts asking for the same new name at once: exactly one holds it
/// (on Postgres the check runs serializable and the loser runs again).
async fn two_accounts_racing_for_one_name_get_one_zone(db: Db) {
    let (s, replica) = TestServer::start_pair(db).await;
    let [a, b] = s.accounts(["a", "b"]).await;
    for i in 0..12 {
        let body = json!({"name": format!("race{i}.example.org")});
        let (ra, rb) = tokio::join!(
            s.post("/v1/public-dns/zones", &a.token, body.clone()),
            replica.post("/v1/public-dns/zones", &b.token, body.clone()),
        );
        let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "round {i}: {} / {}", ra.text, rb.text);
        for r in [&ra, &rb] {
            if r.status == StatusCode::CONFLICT {
                r.assert_problem(409, "HostedZoneAlreadyExists");
            }
        }
    }
    replica.stop().await;
    s.stop().await;
}
