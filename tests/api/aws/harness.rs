//! The harness mode (`LINKPLANE_AWS_OPEN_ACCOUNT`): dummy credentials act as
//! one account's root, known keys stay strict, and `POST /moto-api/reset`
//! deletes that account's resources and nothing else.

use super::{EC2, STS, Signed, code, ok, tag, tags};
use crate::on_both_databases;
use crate::support::{ADMIN, Actor, Db, TestServer, s};
use linkplane::config::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};

const OPEN: &str = "123456789012";

async fn open_server(db: Db) -> TestServer {
    let settings = Settings {
        aws_open_account: Some(OPEN.to_string()),
        ..Default::default()
    };
    TestServer::start_with(db, settings).await
}

/// Dummy keys (boto3's `testing`/`testing`, any other) are the open
/// account's root, made on first use; known keys are verified as always;
/// without the mode, the same dummy keys are refused and the reset path
/// does not exist.
async fn unknown_keys_act_as_the_open_accounts_root(db: Db) {
    let srv = open_server(db).await;
    let sts = Signed::with_keys("sts", "testing", "testing");
    let (st, xml) = sts
        .post(&srv, &[("Action", "GetCallerIdentity"), ("Version", STS)])
        .await;
    assert_eq!(st, StatusCode::OK, "{xml}");
    assert_eq!(tag(&xml, "Account"), Some(OPEN));
    assert_eq!(tag(&xml, "Arn"), Some("arn:aws:iam::123456789012:root"));
    let account = srv.get(&format!("/v1/accounts/{OPEN}"), ADMIN).await;
    assert_eq!(account.status, StatusCode::OK, "{}", account.text);
    assert_eq!(account.body["name"], "open-account");
    // Any other unknown key is the same account.
    let one = Signed::with_keys("ec2", "AKIAIOSFODNN7EXAMPLE", "x");
    let other = Signed::with_keys("ec2", "testing", "different secret");
    let vpc = ok(&srv, &one, "CreateVpc", &[("CidrBlock", "10.9.0.0/16")]).await;
    let vpc_id = tag(&vpc, "vpcId").expect("vpcId").to_string();
    assert_eq!(tag(&vpc, "ownerId"), Some(OPEN));
    let seen = ok(&srv, &other, "DescribeVpcs", &[("VpcId.1", &vpc_id)]).await;
    assert_eq!(tags(&seen, "vpcId"), vec![vpc_id.as_str()]);
    // A known key with the wrong secret, and a revoked one, fail as always.
    let known = srv.account("known").await;
    let (key_id, secret) = super::creds(&known);
    let wrong = Signed::with_keys("ec2", &key_id, "not its secret");
    let out = wrong
        .post(&srv, &[("Action", "DescribeVpcs"), ("Version", EC2)])
        .await;
    assert_eq!(
        code(&out),
        (StatusCode::FORBIDDEN, Some("SignatureDoesNotMatch"))
    );
    let right = Signed::with_keys("ec2", &key_id, &secret);
    ok(&srv, &right, "DescribeVpcs", &[]).await;
    let revoked = srv.delete(&format!("/v1/api-keys/{key_id}"), ADMIN).await;
    assert!(revoked.status.is_success(), "{}", revoked.text);
    let out = right
        .post(&srv, &[("Action", "DescribeVpcs"), ("Version", EC2)])
        .await;
    assert_eq!(code(&out), (StatusCode::UNAUTHORIZED, Some("AuthFailure")));
    // Without the mode.
    let plain = TestServer::start(db).await;
    let out = other
        .post(&plain, &[("Action", "DescribeVpcs"), ("Version", EC2)])
        .await;
    assert_eq!(code(&out), (StatusCode::UNAUTHORIZED, Some("AuthFailure")));
    plain
        .post("/moto-api/reset", ADMIN, json!({}))
        .await
        .assert_problem(404, "NotFound");
}

/// Every table with an `account_id` column, as the database describes it.
async fn account_tables(srv: &TestServer) -> Vec<String> {
    let q = match srv.db {
        Db::Sqlite => {
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND p.name = 'account_id' ORDER BY m.name"
        }
        Db::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.columns \
             WHERE column_name = 'account_id' AND table_schema = current_schema() ORDER BY 1"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(q)
        .fetch_all(srv.store.pool())
        .await
        .expect("tables");
    rows.into_iter().map(|(t,)| t).collect()
}

async fn rows_of(srv: &TestServer, table: &str, account: &str) -> i64 {
    // The table names come from the schema itself.
    let q = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE account_id = $1");
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(q))
        .bind(account)
        .fetch_one(srv.store.pool())
        .await
        .expect("count");
    n
}

/// The reset deletes every resource row of the open account, in every
/// table that holds one, and leaves the account, its keys and every other
/// account's resources; another account's connection to its service is
/// rejected, a peering with it gone from both sides; client tokens do not
/// replay a deleted resource; the account works again at once.
async fn the_reset_deletes_the_open_accounts_resources_only(db: Db) {
    let srv = open_server(db).await;
    let dummy = Signed::with_keys("ec2", "testing", "testing");
    ok(&srv, &dummy, "DescribeVpcs", &[]).await;
    let root = format!("arn:aws:iam::{OPEN}:root");
    let open = Actor {
        account_id: OPEN.to_string(),
        token: srv.key_for(ADMIN, &root).await,
        arn: root,
    };
    let other = srv.account("other").await;
    // The open account's producer side, with a notification and tags.
    let service = srv
        .endpoint_service(&open, json!({"acceptance_required": true}))
        .await;
    let service_id = s(&service["service_id"]);
    srv.allow_everyone(&open.token, &service_id).await;
    // A target group the service's load balancer forwards to.
    let lb_arn = s(&service["network_load_balancer_arns"][0]);
    let lb = srv
        .get(
            &format!("/v1/load-balancers/{}", super::enc(&lb_arn)),
            &open.token,
        )
        .await;
    let group = srv
        .create(
            "/v1/target-groups",
            &open.token,
            json!({"name": "web", "protocol": "tcp", "port": 443, "vpc_id": lb.body["vpc_id"]}),
        )
        .await;
    srv.create(
        &format!("/v1/load-balancers/{}/listeners", super::enc(&lb_arn)),
        &open.token,
        json!({"protocol": "tcp", "port": 443, "target_group_arn": group["target_group_arn"]}),
    )
    .await;
    srv.create(
        &format!("/v1/endpoint-services/{service_id}/notifications"),
        &open.token,
        json!({"webhook_url": "http://127.0.0.1:9/h", "events": ["connect"]}),
    )
    .await;
    // A notification topic (the stand-in for an SNS topic).
    srv.create(
        "/v1/notification-topics",
        &open.token,
        json!({"name": "connections", "webhook_url": "http://127.0.0.1:9/t"}),
    )
    .await;
    // Its own network: a tagged VPC, a group with a rule, an attached
    // internet gateway, a route table with a route, a gateway endpoint, a
    // transit gateway with an attachment, a public DNS zone.
    let zones = srv.zone_ids(&open, 1).await;
    let (vpc, subnets) = srv
        .vpc_with_subnets(&open, 5, json!({"tags": {"team": "blue"}}), &zones)
        .await;
    let vpc_id = s(&vpc["vpc_id"]);
    srv.create(
        "/v1/security-groups",
        &open.token,
        json!({"vpc_id": vpc_id, "group_name": "web", "description": "web",
               "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8"}]}),
    )
    .await;
    let igw = s(&srv
        .create("/v1/internet-gateways", &open.token, json!({}))
        .await["internet_gateway_id"]);
    let att = srv
        .post(
            &format!("/v1/internet-gateways/{igw}/attach"),
            &open.token,
            json!({"vpc_id": vpc_id}),
        )
        .await;
    assert_eq!(att.status, StatusCode::OK, "{}", att.text);
    let rtb = s(&srv
        .create("/v1/route-tables", &open.token, json!({"vpc_id": vpc_id}))
        .await["route_table_id"]);
    srv.create(
        &format!("/v1/route-tables/{rtb}/routes"),
        &open.token,
        json!({"destination_cidr_block": "0.0.0.0/0", "gateway_id": igw}),
    )
    .await;
    srv.create(
        "/v1/vpc-endpoints",
        &open.token,
        json!({"vpc_id": vpc_id, "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": [rtb]}),
    )
    .await;
    let tgw = s(&srv
        .create("/v1/transit-gateways", &open.token, json!({}))
        .await["transit_gateway_id"]);
    srv.create(
        &format!("/v1/transit-gateways/{tgw}/attachments"),
        &open.token,
        json!({"vpc_id": vpc_id, "subnet_ids": [subnets[0]]}),
    )
    .await;
    srv.create_zone(&open, "example.com").await;
    // An idempotent create, to replay after the reset.
    let keyed = || {
        srv.call_with_header(
            "/v1/vpcs",
            &open.token,
            "Idempotency-Key",
            "same-key",
            json!({"cidr_block": "10.6.0.0/16"}),
        )
    };
    let first = keyed().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    // Another account: its VPC, an endpoint to the open account's service,
    // a peering with the open account's VPC.
    // (Zone ids name the same zones in every account.)
    let (other_vpc, other_subnets) = srv
        .vpc_with_subnets(&other, 7, json!({"enable_dns_hostnames": true}), &zones)
        .await;
    let other_vpc_id = s(&other_vpc["vpc_id"]);
    let endpoint = srv
        .create(
            "/v1/vpc-endpoints",
            &other.token,
            json!({"vpc_endpoint_type": "interface", "vpc_id": other_vpc_id,
                   "service_name": service["service_name"], "subnet_ids": [other_subnets[0]]}),
        )
        .await;
    let endpoint_id = s(&endpoint["vpc_endpoint_id"]);
    assert_eq!(endpoint["state"], "pending_acceptance");
    // ... and a service of its own the open account's endpoint connects
    // to, with a notification of deletes.
    let other_service = srv.service_in(&other, &other_subnets, json!({})).await;
    let other_service_id = s(&other_service["service_id"]);
    srv.allow_everyone(&other.token, &other_service_id).await;
    let heard = srv
        .create(
            &format!("/v1/endpoint-services/{other_service_id}/notifications"),
            &other.token,
            json!({"webhook_url": "http://127.0.0.1:9/h", "events": ["delete"]}),
        )
        .await;
    let heard = s(&heard["connection_notification_id"]);
    srv.create(
        "/v1/vpc-endpoints",
        &open.token,
        json!({"vpc_endpoint_type": "interface", "vpc_id": vpc_id,
               "service_name": other_service["service_name"], "subnet_ids": [subnets[0]]}),
    )
    .await;
    let peering = srv
        .create(
            "/v1/vpc-peering-connections",
            &other.token,
            json!({"requester_vpc_id": other_vpc_id, "accepter_vpc_id": vpc_id, "peer_owner_id": OPEN}),
        )
        .await;
    let peering_id = s(&peering["vpc_peering_connection_id"]);

    let tables = account_tables(&srv).await;
    for t in [
        "vpcs",
        "subnets",
        "endpoint_services",
        "tags",
        "transit_gateways",
    ] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
    let before: i64 = {
        let mut n = 0;
        for t in &tables {
            n += rows_of(&srv, t, OPEN).await;
        }
        n
    };
    let others_before: Vec<i64> = {
        let mut v = Vec::new();
        for t in &tables {
            v.push(rows_of(&srv, t, &other.account_id).await);
        }
        v
    };

    let r = srv.post("/moto-api/reset", "", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!({"status": "ok"}));

    // Nothing of the open account is left but the account and its keys.
    let kept = ["accounts", "principals", "api_keys"];
    let mut after = 0;
    for t in &tables {
        let n = rows_of(&srv, t, OPEN).await;
        match t.as_str() {
            t if kept.contains(&t) => assert!(n >= 1, "{t}: the account keeps its rows"),
            _ => {
                assert_eq!(n, 0, "{t} still holds the open account's rows");
                after += n;
            }
        }
    }
    assert!(before > 20, "the scenario made rows: {before}");
    assert_eq!(after, 0);
    if srv.db == Db::Sqlite {
        let broken: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(srv.store.pool())
            .await
            .expect("fk check");
        assert!(broken.is_empty(), "{broken:?}");
    }
    // The other account: its rows are as they were, but its connection to
    // the deleted service is rejected and the peering is gone.
    for (t, n) in tables.iter().zip(&others_before) {
        if t != "vpc_peering_connections" {
            assert_eq!(rows_of(&srv, t, &other.account_id).await, *n, "{t}");
        }
    }
    // The other account's producer heard of the open account's endpoint
    // going, as of a delete.
    let (deletes,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM notification_outbox \
         WHERE connection_notification_id = $1 AND body LIKE '%\"delete\"%'",
    )
    .bind(&heard)
    .fetch_one(srv.store.pool())
    .await
    .expect("outbox");
    assert_eq!(deletes, 1, "one delete event queued for the other producer");
    let e = srv
        .get(&format!("/v1/vpc-endpoints/{endpoint_id}"), &other.token)
        .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    assert_eq!(e.body["state"], "rejected");
    srv.get(
        &format!("/v1/vpc-peering-connections/{peering_id}"),
        &other.token,
    )
    .await
    .assert_problem(404, "InvalidVpcPeeringConnectionID.NotFound");
    assert_eq!(
        srv.get(&format!("/v1/vpcs/{other_vpc_id}"), &other.token)
            .await
            .status,
        StatusCode::OK
    );
    // The account works at once, over REST with its key and over the AWS
    // front; an idempotency key used before the reset makes a new VPC.
    let vpcs = ok(&srv, &dummy, "DescribeVpcs", &[]).await;
    assert!(tags(&vpcs, "vpcId").is_empty(), "{vpcs}");
    let again = keyed().await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_ne!(again.body["vpc_id"], first.body["vpc_id"]);
    let listed = srv.items("/v1/vpcs", &open.token).await;
    assert_eq!(
        listed
            .iter()
            .map(|v| v["vpc_id"].clone())
            .collect::<Vec<Value>>(),
        vec![again.body["vpc_id"].clone()]
    );
}

on_both_databases!(
    unknown_keys_act_as_the_open_accounts_root,
    the_reset_deletes_the_open_accounts_resources_only,
);
