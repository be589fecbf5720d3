//! A stored row the snapshot cannot read is an error naming its table,
//! column and row.

use super::load;
use crate::store::Store;

async fn store_with(rows: &[&str]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("db.sqlite").display()
    );
    let store = Store::connect(&url, 1).await.expect("connect");
    store.migrate().await.expect("migrate");
    sqlx::raw_sql(sqlx::AssertSqlSafe(rows.join(";\n")))
        .execute(store.pool())
        .await
        .expect("seed");
    (dir, store)
}

const ACCOUNT: &str = "INSERT INTO accounts (account_id, name, created_at, updated_at) \
     VALUES ('111122223333', 'a', 1, 1)";

fn vpc(cidr: &str) -> String {
    format!(
        "INSERT INTO vpcs (vpc_id, account_id, region, cidr_block, enable_dns_support, \
         enable_dns_hostnames, main_route_table_id, default_security_group_id, created_at, \
         updated_at) VALUES ('vpc-1', '111122223333', 'us-east-1', '{cidr}', 1, 1, 'rtb-1', \
         'sg-1', 1, 1)"
    )
}

async fn error_of(rows: &[&str]) -> String {
    let (_dir, store) = store_with(rows).await;
    let err = load(&store)
        .await
        .expect_err("the snapshot refuses the row");
    store.close().await;
    err.to_string()
}

#[tokio::test]
async fn reads_a_good_network() {
    let good = vpc("10.0.0.0/16");
    let (_dir, store) = store_with(&[ACCOUNT, &good]).await;
    let (_, net) = load(&store).await.expect("load");
    assert_eq!(net.vpcs.len(), 1);
    assert_eq!(net.vpcs[0].cidr.to_string(), "10.0.0.0/16");
    store.close().await;
}

#[tokio::test]
async fn a_bad_cidr_names_the_table_column_and_row() {
    let bad = vpc("10.0.0.0/33");
    let err = error_of(&[ACCOUNT, &bad]).await;
    assert!(err.contains("vpcs.cidr_block of vpc-1"), "{err}");
}

#[tokio::test]
async fn an_unknown_route_target_names_the_route() {
    let good = vpc("10.0.0.0/16");
    let table = "INSERT INTO route_tables (route_table_id, account_id, vpc_id, region, is_main, \
         created_at, updated_at) VALUES ('rtb-1', '111122223333', 'vpc-1', 'us-east-1', 1, 1, 1)";
    let route = "INSERT INTO routes (route_table_id, destination, destination_kind, target_kind, \
         target_id, origin, created_at) VALUES ('rtb-1', '0.0.0.0/0', 'cidr', 'teleporter', \
         'x-1', 'create_route', 1)";
    let err = error_of(&[ACCOUNT, &good, table, route]).await;
    assert!(
        err.contains("routes.target_kind of rtb-1 0.0.0.0/0") && err.contains("teleporter"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unknown_state_names_the_column() {
    let good = vpc("10.0.0.0/16");
    let tgw = "INSERT INTO transit_gateways (transit_gateway_id, account_id, region, description, state, \
         created_at, updated_at) VALUES ('tgw-1', '111122223333', 'us-east-1', '', 'levitating', 1, 1)";
    let err = error_of(&[ACCOUNT, &good, tgw]).await;
    assert!(err.contains("transit_gateways.state"), "{err}");
}
