//! Load balancers and their zones, target groups and targets.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{self, Reader, fetch_owned, rows_in};
use crate::store::{Flag, StoreError, Stored, Tx};
use linkplane_core::lifecycle::LoadBalancerState;
use sqlx::{Any, AnyPool, Executor};

// ---- load balancers ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoadBalancerRow {
    pub load_balancer_arn: String,
    pub account_id: String,
    pub region: String,
    pub lb_type: String,
    pub name: String,
    pub vpc_id: String,
    #[sqlx(try_from = "Flag")]
    pub cross_zone_enabled: bool,
    pub ip_address_type: String,
    #[sqlx(try_from = "Stored<LoadBalancerState>")]
    pub state: LoadBalancerState,
    pub ready_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(LoadBalancerRow, load_balancer_arn);

const LB_COLS: &str = "load_balancer_arn, account_id, region, lb_type, name, vpc_id, \
    cross_zone_enabled, ip_address_type, state, ready_at, created_at, updated_at, version";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LbSubnetRow {
    pub load_balancer_arn: String,
    pub subnet_id: String,
    pub zone_id: String,
    pub network_interface_id: String,
}

pub async fn insert_load_balancer(
    tx: &mut Tx,
    r: &LoadBalancerRow,
    subnets: &[LbSubnetRow],
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO load_balancers (load_balancer_arn, account_id, region, lb_type, name, vpc_id, \
         cross_zone_enabled, ip_address_type, state, ready_at, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        (
            &r.load_balancer_arn,
            &r.account_id,
            &r.region,
            &r.lb_type,
            &r.name,
            &r.vpc_id,
            r.cross_zone_enabled,
            &r.ip_address_type,
            r.state.as_str(),
            r.ready_at,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    for s in subnets {
        sql::exec(
            &mut **tx,
            "INSERT INTO load_balancer_subnets (load_balancer_arn, subnet_id, zone_id, \
             network_interface_id) VALUES ($1, $2, $3, $4)",
            (
                &s.load_balancer_arn,
                &s.subnet_id,
                &s.zone_id,
                &s.network_interface_id,
            ),
        )
        .await?;
    }
    Ok(())
}

pub async fn get_load_balancer<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    arn: &str,
) -> Result<Option<LoadBalancerRow>, StoreError> {
    fetch_owned(
        exec,
        LB_COLS,
        " FROM load_balancers WHERE load_balancer_arn = ",
        arn,
        account_id,
    )
    .await
}

pub async fn list_load_balancers(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<LoadBalancerRow>, StoreError> {
    list_page(
        pool,
        LB_COLS,
        "load_balancers",
        ("account_id", account_id),
        "load_balancer_arn",
        filter,
        spec,
    )
    .await
}

/// The zones (subnet, zone id, node interface) of the given load balancers.
pub async fn lb_subnets<'a>(
    exec: impl Into<Reader<'a>>,
    arns: &[&str],
) -> Result<Vec<LbSubnetRow>, StoreError> {
    rows_in(
        exec,
        "SELECT load_balancer_arn, subnet_id, zone_id, network_interface_id \
         FROM load_balancer_subnets WHERE ",
        "load_balancer_arn",
        arns,
        " ORDER BY load_balancer_arn, zone_id",
    )
    .await
}

pub async fn update_load_balancer(
    tx: &mut Tx,
    arn: &str,
    cross_zone_enabled: bool,
    version: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE load_balancers SET cross_zone_enabled = $1, updated_at = $2, version = version + 1 \
         WHERE load_balancer_arn = $3 AND version = $4",
        (cross_zone_enabled, now, arn, version),
    )
    .await?;
    Ok(n == 1)
}

pub async fn delete_load_balancer(tx: &mut Tx, arn: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE target_groups SET load_balancer_arn = NULL WHERE load_balancer_arn = $1",
        (arn,),
    )
    .await?;
    sql::exec(
        &mut **tx,
        "DELETE FROM load_balancers WHERE load_balancer_arn = $1",
        (arn,),
    )
    .await?;
    Ok(())
}

/// The endpoint service a load balancer serves, if any.
pub async fn service_of_load_balancer(
    tx: &mut Tx,
    arn: &str,
) -> Result<Option<String>, StoreError> {
    let id: Option<(String,)> = sql::fetch_optional(
        &mut **tx,
        "SELECT service_id FROM endpoint_service_load_balancers WHERE load_balancer_arn = $1",
        (arn,),
    )
    .await?;
    Ok(id.map(|(id,)| id))
}

// ---- target groups ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TargetGroupRow {
    pub target_group_arn: String,
    pub account_id: String,
    pub region: String,
    pub name: String,
    pub protocol: String,
    pub port: i64,
    pub vpc_id: String,
    pub load_balancer_arn: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(TargetGroupRow, target_group_arn);

const TG_COLS: &str = "target_group_arn, account_id, region, name, protocol, port, vpc_id, \
    load_balancer_arn, created_at, updated_at, version";

pub async fn insert_target_group(tx: &mut Tx, r: &TargetGroupRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO target_groups (target_group_arn, account_id, region, name, protocol, port, \
         vpc_id, load_balancer_arn, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        (
            &r.target_group_arn,
            &r.account_id,
            &r.region,
            &r.name,
            &r.protocol,
            r.port,
            &r.vpc_id,
            &r.load_balancer_arn,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_target_group<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    arn: &str,
) -> Result<Option<TargetGroupRow>, StoreError> {
    fetch_owned(
        exec,
        TG_COLS,
        " FROM target_groups WHERE target_group_arn = ",
        arn,
        account_id,
    )
    .await
}

pub async fn list_target_groups(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<TargetGroupRow>, StoreError> {
    list_page(
        pool,
        TG_COLS,
        "target_groups",
        ("account_id", account_id),
        "target_group_arn",
        filter,
        spec,
    )
    .await
}

pub async fn touch_target_group(tx: &mut Tx, arn: &str, now: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE target_groups SET version = version + 1, updated_at = $1 WHERE target_group_arn = $2",
        (now, arn),
    )
    .await?;
    Ok(())
}

pub async fn delete_target_group(tx: &mut Tx, arn: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM target_groups WHERE target_group_arn = $1",
        (arn,),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TargetRow {
    pub target_group_arn: String,
    pub target_id: String,
    pub port: i64,
    pub ip: i64,
    pub zone_id: String,
    #[sqlx(try_from = "Flag")]
    pub healthy: bool,
    pub created_at: i64,
}

/// Registers a target; registering it again is a no-op (as on ELB).
pub async fn upsert_target(tx: &mut Tx, r: &TargetRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO targets (target_group_arn, target_id, port, ip, zone_id, healthy, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (target_group_arn, target_id, port) DO NOTHING",
        (&r.target_group_arn, &r.target_id, r.port, r.ip, &r.zone_id, r.healthy, r.created_at),
    )
    .await?;
    Ok(())
}

/// Deregisters a target (on every port when `port` is None).
pub async fn delete_target(
    tx: &mut Tx,
    tg: &str,
    target_id: &str,
    port: Option<i64>,
) -> Result<u64, StoreError> {
    match port {
        Some(p) => {
            sql::exec(
                &mut **tx,
                "DELETE FROM targets WHERE target_group_arn = $1 AND target_id = $2 AND port = $3",
                (tg, target_id, p),
            )
            .await
        }
        None => {
            sql::exec(
                &mut **tx,
                "DELETE FROM targets WHERE target_group_arn = $1 AND target_id = $2",
                (tg, target_id),
            )
            .await
        }
    }
}

pub async fn set_target_health(
    tx: &mut Tx,
    tg: &str,
    target_id: &str,
    healthy: bool,
) -> Result<u64, StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE targets SET healthy = $1 WHERE target_group_arn = $2 AND target_id = $3",
        (healthy, tg, target_id),
    )
    .await
}

pub async fn targets_of<'a>(
    exec: impl Into<Reader<'a>>,
    tgs: &[&str],
) -> Result<Vec<TargetRow>, StoreError> {
    rows_in(
        exec,
        "SELECT target_group_arn, target_id, port, ip, zone_id, healthy, created_at FROM targets \
         WHERE ",
        "target_group_arn",
        tgs,
        " ORDER BY target_group_arn, created_at, target_id, port",
    )
    .await
}
