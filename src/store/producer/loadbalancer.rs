//! Load balancers and their zones, target groups and targets.

use crate::store::network::{ListFilter, list_page};
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{Reader, SqlBuilder, rows_in, run_by_id};
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

const LB_SELECT: &str = "SELECT load_balancer_arn, account_id, region, lb_type, name, vpc_id, \
    cross_zone_enabled, ip_address_type, state, ready_at, created_at, updated_at, version \
    FROM load_balancers WHERE ";

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
    sqlx::query(
        "INSERT INTO load_balancers (load_balancer_arn, account_id, region, lb_type, name, vpc_id, \
         cross_zone_enabled, ip_address_type, state, ready_at, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&r.load_balancer_arn)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.lb_type)
    .bind(&r.name)
    .bind(&r.vpc_id)
    .bind(r.cross_zone_enabled)
    .bind(&r.ip_address_type)
    .bind(r.state.as_str())
    .bind(r.ready_at)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    for s in subnets {
        sqlx::query(
            "INSERT INTO load_balancer_subnets (load_balancer_arn, subnet_id, zone_id, \
             network_interface_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(&s.load_balancer_arn)
        .bind(&s.subnet_id)
        .bind(&s.zone_id)
        .bind(&s.network_interface_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn get_load_balancer<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    arn: &str,
) -> Result<Option<LoadBalancerRow>, StoreError> {
    let mut b = SqlBuilder::new(LB_SELECT);
    b.push("load_balancer_arn = ")
        .push_bind(arn)
        .push(" AND account_id = ")
        .push_bind(account_id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_load_balancers(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<LoadBalancerRow>, StoreError> {
    list_page(
        pool,
        "SELECT load_balancer_arn, account_id, region, lb_type, name, vpc_id, cross_zone_enabled, \
         ip_address_type, state, ready_at, created_at, updated_at, version FROM load_balancers \
         WHERE account_id = ",
        account_id,
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
    let n = sqlx::query(
        "UPDATE load_balancers SET cross_zone_enabled = $1, updated_at = $2, version = version + 1 \
         WHERE load_balancer_arn = $3 AND version = $4",
    )
    .bind(cross_zone_enabled)
    .bind(now)
    .bind(arn)
    .bind(version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn delete_load_balancer(tx: &mut Tx, arn: &str) -> Result<(), StoreError> {
    run_by_id(
        tx,
        "UPDATE target_groups SET load_balancer_arn = NULL WHERE load_balancer_arn = $1",
        arn,
    )
    .await?;
    run_by_id(
        tx,
        "DELETE FROM load_balancers WHERE load_balancer_arn = $1",
        arn,
    )
    .await?;
    Ok(())
}

/// The endpoint service a load balancer serves, if any.
pub async fn service_of_load_balancer(
    tx: &mut Tx,
    arn: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT service_id FROM endpoint_service_load_balancers WHERE load_balancer_arn = $1",
    )
    .bind(arn)
    .fetch_optional(&mut **tx)
    .await?)
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

pub async fn insert_target_group(tx: &mut Tx, r: &TargetGroupRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO target_groups (target_group_arn, account_id, region, name, protocol, port, \
         vpc_id, load_balancer_arn, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&r.target_group_arn)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.name)
    .bind(&r.protocol)
    .bind(r.port)
    .bind(&r.vpc_id)
    .bind(&r.load_balancer_arn)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_target_group<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    arn: &str,
) -> Result<Option<TargetGroupRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT target_group_arn, account_id, region, name, protocol, port, vpc_id, \
         load_balancer_arn, created_at, updated_at, version FROM target_groups \
         WHERE target_group_arn = $1 AND account_id = $2",
    )
    .bind(arn)
    .bind(account_id)
    .fetch_optional(exec)
    .await?)
}

pub async fn list_target_groups(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<TargetGroupRow>, StoreError> {
    list_page(
        pool,
        "SELECT target_group_arn, account_id, region, name, protocol, port, vpc_id, \
         load_balancer_arn, created_at, updated_at, version FROM target_groups WHERE account_id = ",
        account_id,
        "target_group_arn",
        filter,
        spec,
    )
    .await
}

pub async fn touch_target_group(tx: &mut Tx, arn: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE target_groups SET version = version + 1, updated_at = $1 WHERE target_group_arn = $2",
    )
    .bind(now)
    .bind(arn)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete_target_group(tx: &mut Tx, arn: &str) -> Result<(), StoreError> {
    run_by_id(
        tx,
        "DELETE FROM target_groups WHERE target_group_arn = $1",
        arn,
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
    sqlx::query(
        "INSERT INTO targets (target_group_arn, target_id, port, ip, zone_id, healthy, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (target_group_arn, target_id, port) DO NOTHING",
    )
    .bind(&r.target_group_arn)
    .bind(&r.target_id)
    .bind(r.port)
    .bind(r.ip)
    .bind(&r.zone_id)
    .bind(r.healthy)
    .bind(r.created_at)
    .execute(&mut **tx)
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
    let q = match port {
        Some(p) => sqlx::query(
            "DELETE FROM targets WHERE target_group_arn = $1 AND target_id = $2 AND port = $3",
        )
        .bind(tg)
        .bind(target_id)
        .bind(p),
        None => sqlx::query("DELETE FROM targets WHERE target_group_arn = $1 AND target_id = $2")
            .bind(tg)
            .bind(target_id),
    };
    Ok(q.execute(&mut **tx).await?.rows_affected())
}

pub async fn set_target_health(
    tx: &mut Tx,
    tg: &str,
    target_id: &str,
    healthy: bool,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE targets SET healthy = $1 WHERE target_group_arn = $2 AND target_id = $3",
    )
    .bind(healthy)
    .bind(tg)
    .bind(target_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
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
