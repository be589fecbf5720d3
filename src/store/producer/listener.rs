//! Listeners of load balancers.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql;
use crate::store::{StoreError, Tx};
use sqlx::{Any, AnyPool, Executor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListenerRow {
    pub listener_arn: String,
    pub load_balancer_arn: String,
    pub account_id: String,
    /// `tcp`, `udp`, `tcp_udp`; NULL on a gateway load balancer.
    pub protocol: Option<String>,
    pub port: Option<i64>,
    pub target_group_arn: String,
    pub created_at: i64,
}
keyed!(ListenerRow, listener_arn);

const COLS: &str =
    "listener_arn, load_balancer_arn, account_id, protocol, port, target_group_arn, created_at";

/// Inserts a listener; a port the load balancer already listens on is
/// `StoreError::Conflict`.
pub async fn insert_listener(tx: &mut Tx, r: &ListenerRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO listeners (listener_arn, load_balancer_arn, account_id, protocol, port, \
         target_group_arn, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            r.listener_arn.as_str(),
            r.load_balancer_arn.as_str(),
            r.account_id.as_str(),
            r.protocol.as_deref(),
            r.port,
            r.target_group_arn.as_str(),
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_listener<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    arn: &str,
) -> Result<Option<ListenerRow>, StoreError> {
    sql::fetch_owned(
        exec,
        COLS,
        " FROM listeners WHERE listener_arn = ",
        arn,
        account_id,
    )
    .await
}

/// A load balancer's listeners, a keyset page.
pub async fn list_listeners(
    pool: &AnyPool,
    load_balancer_arn: &str,
    spec: &PageSpec,
) -> Result<Page<ListenerRow>, StoreError> {
    list_page(
        pool,
        COLS,
        "listeners",
        ("load_balancer_arn", load_balancer_arn),
        "listener_arn",
        &ListFilter::default(),
        spec,
    )
    .await
}

/// How many listeners of `load_balancer_arn` there are, and how many of
/// them forward to `target_group_arn`.
pub async fn listener_counts(
    tx: &mut Tx,
    load_balancer_arn: &str,
    target_group_arn: &str,
) -> Result<(i64, i64), StoreError> {
    sql::fetch_one(
        &mut **tx,
        "SELECT CAST(COUNT(*) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN target_group_arn = $2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM listeners WHERE load_balancer_arn = $1",
        (load_balancer_arn, target_group_arn),
    )
    .await
}

/// Whether any listener forwards to the group.
pub async fn group_has_listeners(tx: &mut Tx, target_group_arn: &str) -> Result<bool, StoreError> {
    let (n,): (i64,) = sql::fetch_one(
        &mut **tx,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM listeners WHERE target_group_arn = $1",
        (target_group_arn,),
    )
    .await?;
    Ok(n > 0)
}

pub async fn delete_listener(tx: &mut Tx, arn: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM listeners WHERE listener_arn = $1",
        (arn,),
    )
    .await?;
    Ok(())
}

/// Attaches (or with `None` detaches) a target group to a load balancer
/// if the group is still at `version`; bumps it. Answers whether it was,
/// so that two transactions deciding on one group cannot both win.
pub async fn set_group_load_balancer(
    tx: &mut Tx,
    target_group_arn: &str,
    load_balancer_arn: Option<&str>,
    version: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE target_groups SET load_balancer_arn = $1, version = version + 1, updated_at = $2 \
         WHERE target_group_arn = $3 AND version = $4",
        (load_balancer_arn, now, target_group_arn, version),
    )
    .await?;
    Ok(n == 1)
}

/// The listener of a load balancer on `port` (None: a gateway load
/// balancer's one listener).
pub async fn listener_on(
    tx: &mut Tx,
    load_balancer_arn: &str,
    port: Option<i64>,
) -> Result<Option<ListenerRow>, StoreError> {
    match port {
        Some(port) => sql::fetch_optional(
            &mut **tx,
            "SELECT listener_arn, load_balancer_arn, account_id, protocol, port, target_group_arn, \
                 created_at FROM listeners WHERE load_balancer_arn = $1 AND port = $2",
            (load_balancer_arn, port),
        )
        .await,
        None => sql::fetch_optional(
            &mut **tx,
            "SELECT listener_arn, load_balancer_arn, account_id, protocol, port, target_group_arn, \
                 created_at FROM listeners WHERE load_balancer_arn = $1 AND port IS NULL",
            (load_balancer_arn,),
        )
        .await,
    }
}
