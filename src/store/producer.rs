//! The producer side's tables: load balancers and their zones, target
//! groups and targets, endpoint services with their load balancers,
//! regions and allowed principals, and the public DNS model.

use super::network::{ListFilter, list_page};
use super::page::{self, Keyed, Page, PageSpec};
use super::sql::SqlBuilder;
use super::{Flag, StoreError, Stored, StoredOption, Tx};
use linkplane_core::lifecycle::{
    EndpointServiceState, Lifecycle, LoadBalancerState, PrivateDnsState, ServiceRegionState,
};
use sqlx::{Any, AnyPool, Executor};

use super::page::keyed;

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
pub async fn lb_subnets<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    arns: &[&str],
) -> Result<Vec<LbSubnetRow>, StoreError> {
    if arns.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT load_balancer_arn, subnet_id, zone_id, network_interface_id \
         FROM load_balancer_subnets WHERE load_balancer_arn IN (",
    );
    b.push_list(arns);
    b.push(") ORDER BY load_balancer_arn, zone_id");
    Ok(b.build_query_as().fetch_all(exec).await?)
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
    sqlx::query("UPDATE target_groups SET load_balancer_arn = NULL WHERE load_balancer_arn = $1")
        .bind(arn)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM load_balancers WHERE load_balancer_arn = $1")
        .bind(arn)
        .execute(&mut **tx)
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
    sqlx::query("DELETE FROM target_groups WHERE target_group_arn = $1")
        .bind(arn)
        .execute(&mut **tx)
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

pub async fn targets_of<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    tgs: &[&str],
) -> Result<Vec<TargetRow>, StoreError> {
    if tgs.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT target_group_arn, target_id, port, ip, zone_id, healthy, created_at FROM targets \
         WHERE target_group_arn IN (",
    );
    b.push_list(tgs);
    b.push(") ORDER BY target_group_arn, created_at, target_id, port");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

// ---- endpoint services ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRow {
    pub service_id: String,
    pub account_id: String,
    pub region: String,
    pub service_type: String,
    #[sqlx(try_from = "Flag")]
    pub acceptance_required: bool,
    pub private_dns_name: Option<String>,
    #[sqlx(try_from = "StoredOption<PrivateDnsState>")]
    pub pdns_state: Option<PrivateDnsState>,
    pub pdns_name: Option<String>,
    pub pdns_value: Option<String>,
    pub ip_address_types: String,
    pub payer_responsibility: Option<String>,
    #[sqlx(try_from = "Stored<EndpointServiceState>")]
    pub service_state: EndpointServiceState,
    pub ready_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(ServiceRow, service_id);

const SERVICE_COLS: &str = "service_id, account_id, region, service_type, acceptance_required, \
    private_dns_name, pdns_state, pdns_name, pdns_value, ip_address_types, payer_responsibility, \
    service_state, ready_at, created_at, updated_at, version";

pub async fn insert_service(tx: &mut Tx, r: &ServiceRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO endpoint_services (service_id, account_id, region, service_type, \
         acceptance_required, private_dns_name, pdns_state, pdns_name, pdns_value, \
         ip_address_types, payer_responsibility, service_state, ready_at, created_at, updated_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&r.service_id)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.service_type)
    .bind(r.acceptance_required)
    .bind(&r.private_dns_name)
    .bind(r.pdns_state.map(PrivateDnsState::as_str))
    .bind(&r.pdns_name)
    .bind(&r.pdns_value)
    .bind(&r.ip_address_types)
    .bind(&r.payer_responsibility)
    .bind(r.service_state.as_str())
    .bind(r.ready_at)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes every mutable field if the row is still at `r.version`; bumps it.
pub async fn update_service(tx: &mut Tx, r: &ServiceRow, now: i64) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "UPDATE endpoint_services SET service_type = $1, acceptance_required = $2, \
         private_dns_name = $3, pdns_state = $4, pdns_name = $5, pdns_value = $6, \
         ip_address_types = $7, payer_responsibility = $8, service_state = $9, ready_at = $10, \
         updated_at = $11, version = version + 1 WHERE service_id = $12 AND version = $13",
    )
    .bind(&r.service_type)
    .bind(r.acceptance_required)
    .bind(&r.private_dns_name)
    .bind(r.pdns_state.map(PrivateDnsState::as_str))
    .bind(&r.pdns_name)
    .bind(&r.pdns_value)
    .bind(&r.ip_address_types)
    .bind(&r.payer_responsibility)
    .bind(r.service_state.as_str())
    .bind(r.ready_at)
    .bind(now)
    .bind(&r.service_id)
    .bind(r.version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn get_service<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: Option<&str>,
    service_id: &str,
) -> Result<Option<ServiceRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(SERVICE_COLS)
        .push(" FROM endpoint_services WHERE service_id = ")
        .push_bind(service_id);
    if let Some(a) = account_id {
        b.push(" AND account_id = ").push_bind(a);
    }
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_services(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<ServiceRow>, StoreError> {
    list_page(
        pool,
        "SELECT service_id, account_id, region, service_type, acceptance_required, \
         private_dns_name, pdns_state, pdns_name, pdns_value, ip_address_types, \
         payer_responsibility, service_state, ready_at, created_at, updated_at, version \
         FROM endpoint_services WHERE account_id = ",
        account_id,
        "service_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_service(tx: &mut Tx, service_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM endpoint_services WHERE service_id = $1")
        .bind(service_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Load balancers of the given services, in the order they were added.
pub async fn service_load_balancers<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    service_ids: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT service_id, load_balancer_arn FROM endpoint_service_load_balancers WHERE service_id IN (",
    );
    b.push_list(service_ids);
    b.push(") ORDER BY service_id, position, load_balancer_arn");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

/// Load balancers of the given services with each one's zone ids, in one
/// query: (service id, load balancer ARN, zone id).
pub async fn service_lb_zones<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    service_ids: &[&str],
) -> Result<Vec<(String, String, String)>, StoreError> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT l.service_id, l.load_balancer_arn, z.zone_id FROM endpoint_service_load_balancers l \
         JOIN load_balancer_subnets z ON z.load_balancer_arn = l.load_balancer_arn \
         WHERE l.service_id IN (",
    );
    b.push_list(service_ids);
    b.push(") ORDER BY l.service_id, l.position, l.load_balancer_arn, z.zone_id");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

pub async fn add_service_load_balancer(
    tx: &mut Tx,
    service_id: &str,
    arn: &str,
    position: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO endpoint_service_load_balancers (service_id, load_balancer_arn, position) \
         VALUES ($1, $2, $3)",
    )
    .bind(service_id)
    .bind(arn)
    .bind(position)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn remove_service_load_balancer(
    tx: &mut Tx,
    service_id: &str,
    arn: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM endpoint_service_load_balancers WHERE service_id = $1 AND load_balancer_arn = $2",
    )
    .bind(service_id)
    .bind(arn)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Supported regions of the given services: (service id, region, state).
pub async fn service_regions<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    service_ids: &[&str],
) -> Result<Vec<(String, String, ServiceRegionState)>, StoreError> {
    if service_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT service_id, region, state FROM endpoint_service_regions WHERE service_id IN (",
    );
    b.push_list(service_ids);
    b.push(") ORDER BY service_id, region");
    let rows: Vec<(String, String, Stored<ServiceRegionState>)> =
        b.build_query_as().fetch_all(exec).await?;
    Ok(rows.into_iter().map(|(s, r, st)| (s, r, st.0)).collect())
}

pub async fn set_service_region(
    tx: &mut Tx,
    service_id: &str,
    region: &str,
    state: Option<ServiceRegionState>,
) -> Result<(), StoreError> {
    match state {
        Some(s) => {
            sqlx::query(
                "INSERT INTO endpoint_service_regions (service_id, region, state) VALUES ($1, $2, $3) \
                 ON CONFLICT (service_id, region) DO NOTHING",
            )
            .bind(service_id)
            .bind(region)
            .bind(s.as_str())
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query(
                "DELETE FROM endpoint_service_regions WHERE service_id = $1 AND region = $2",
            )
            .bind(service_id)
            .bind(region)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

// ---- allowed principals ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PermissionRow {
    pub service_permission_id: String,
    pub service_id: String,
    pub principal: String,
    pub principal_type: String,
    pub created_at: i64,
}
keyed!(PermissionRow, service_permission_id);

/// Adds a principal unless present; answers the stored entry either way.
/// One statement (an upsert that touches nothing but returns the row), so a
/// concurrent remove between "insert" and "read back" cannot make it miss.
pub async fn add_permission(tx: &mut Tx, r: &PermissionRow) -> Result<PermissionRow, StoreError> {
    Ok(sqlx::query_as(
        "INSERT INTO endpoint_service_permissions (service_permission_id, service_id, principal, \
         principal_type, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (service_id, principal) DO UPDATE SET principal = excluded.principal \
         RETURNING service_permission_id, service_id, principal, principal_type, created_at",
    )
    .bind(&r.service_permission_id)
    .bind(&r.service_id)
    .bind(&r.principal)
    .bind(&r.principal_type)
    .bind(r.created_at)
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn remove_permission(
    tx: &mut Tx,
    service_id: &str,
    principal: &str,
) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "DELETE FROM endpoint_service_permissions WHERE service_id = $1 AND principal = $2",
    )
    .bind(service_id)
    .bind(principal)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// A page of a service's principals, scoped to the owner's account in the
/// same query (an empty page may mean the service is not the owner's; the
/// caller checks then).
pub async fn list_permissions(
    pool: &AnyPool,
    backend: super::Backend,
    account_id: &str,
    service_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<PermissionRow>, StoreError> {
    // The page comes back as one row holding a JSON array: on SQLite every
    // row of a result crosses from the driver's worker thread on its own,
    // which costs more than the row itself; one aggregated row does not.
    let mut b = SqlBuilder::new(match backend {
        super::Backend::Sqlite => {
            "SELECT COALESCE(json_group_array(json_array(service_permission_id, service_id, \
             principal, principal_type, created_at)), '[]') FROM ("
        }
        super::Backend::Postgres => {
            "SELECT COALESCE(json_agg(json_build_array(service_permission_id, service_id, \
             principal, principal_type, created_at)), '[]')::text FROM ("
        }
    });
    b.push(
        "SELECT p.service_permission_id, p.service_id, p.principal, p.principal_type, p.created_at \
         FROM endpoint_service_permissions p JOIN endpoint_services s ON s.service_id = p.service_id \
         WHERE p.service_id = ",
    );
    b.push_bind(service_id)
        .push(" AND s.account_id = ")
        .push_bind(account_id);
    for (col, v) in &filter.eq {
        b.push(" AND p.").push(col).push(" = ").push_bind(v.clone());
    }
    page::push_keyset(&mut b, "p.created_at", "p.service_permission_id", spec);
    b.push(") t");
    let (json,): (String,) = b.build_query_as().fetch_one(pool).await?;
    let raw: Vec<(String, String, String, String, i64)> = serde_json::from_str(&json)
        .map_err(|e| StoreError::Other(format!("permission page: {e}")))?;
    let mut rows: Vec<PermissionRow> = raw
        .into_iter()
        .map(|(id, sid, principal, kind, created_at)| PermissionRow {
            service_permission_id: id,
            service_id: sid,
            principal,
            principal_type: kind,
            created_at,
        })
        .collect();
    // Aggregates need not keep the subquery's order.
    rows.sort_by(|a, b| {
        (a.created_at, &a.service_permission_id).cmp(&(b.created_at, &b.service_permission_id))
    });
    Ok(page::finish(rows, spec))
}

/// Whether a service allows any of `principals`.
pub async fn principal_allowed(
    tx: &mut Tx,
    service_id: &str,
    principals: [&str; 3],
) -> Result<bool, StoreError> {
    let mut b =
        SqlBuilder::new("SELECT COUNT(*) FROM endpoint_service_permissions WHERE service_id = ");
    b.push_bind(service_id).push(" AND principal IN (");
    b.push_list(&principals);
    b.push(")");
    let (n,): (i64,) = b.build_query_as().fetch_one(&mut **tx).await?;
    Ok(n > 0)
}

/// Available services of `region` that allow any of `principals` (`*`,
/// the caller's account root, the caller's ARN), by service id, after
/// `after_id`, at most `limit`. Driven from the principal index, so the cost
/// follows the services the caller may use, not all services.
pub async fn visible_services(
    pool: &AnyPool,
    region: &str,
    principals: [&str; 3],
    service_id: Option<&str>,
    service_type: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<ServiceRow>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT s.service_id, s.account_id, s.region, s.service_type, s.acceptance_required, \
         s.private_dns_name, s.pdns_state, s.pdns_name, s.pdns_value, s.ip_address_types, \
         s.payer_responsibility, s.service_state, s.ready_at, s.created_at, s.updated_at, s.version \
         FROM endpoint_services s WHERE s.region = ",
    );
    b.push_bind(region)
        .push(" AND s.service_state = ")
        .push_bind(EndpointServiceState::Available.as_str())
        .push(
            " AND s.service_id IN \
               (SELECT p.service_id FROM endpoint_service_permissions p WHERE p.principal IN (",
        );
    b.push_list(&principals);
    b.push("))");
    if let Some(id) = service_id {
        b.push(" AND s.service_id = ").push_bind(id);
    }
    if let Some(t) = service_type {
        b.push(" AND s.service_type = ").push_bind(t);
    }
    if let Some(a) = after_id {
        b.push(" AND s.service_id > ").push_bind(a);
    }
    b.push(" ORDER BY s.service_id LIMIT ").push_bind(limit);
    Ok(b.build_query_as().fetch_all(pool).await?)
}

// ---- the background workflow ----

/// Moves rows whose time has come: load balancers `provisioning` ->
/// `active`, services `pending` -> `available`, and removes services
/// `deleting` whose time is up. Each statement is idempotent, so replicas
/// running it concurrently apply each transition once.
pub async fn advance(pool: &AnyPool, now: i64) -> Result<u64, StoreError> {
    let mut n = 0;
    for &from in LoadBalancerState::ALL {
        let Some(to) = from.settles_to() else {
            continue;
        };
        n += sqlx::query(
            "UPDATE load_balancers SET state = $2, version = version + 1, updated_at = $1 \
             WHERE state = $3 AND ready_at <= $1",
        )
        .bind(now)
        .bind(to.as_str())
        .bind(from.as_str())
        .execute(pool)
        .await?
        .rows_affected();
    }
    for &from in EndpointServiceState::ALL {
        let Some(to) = from.settles_to() else {
            continue;
        };
        n += sqlx::query(
            "UPDATE endpoint_services SET service_state = $2, version = version + 1, \
             updated_at = $1 WHERE service_state = $3 AND ready_at <= $1",
        )
        .bind(now)
        .bind(to.as_str())
        .bind(from.as_str())
        .execute(pool)
        .await?
        .rows_affected();
    }
    let deleting = EndpointServiceState::Deleting.as_str();
    n += sqlx::query(
        "DELETE FROM tags WHERE resource_id IN (SELECT service_id FROM endpoint_services \
         WHERE service_state = $2 AND ready_at <= $1)",
    )
    .bind(now)
    .bind(deleting)
    .execute(pool)
    .await?
    .rows_affected();
    n += sqlx::query("DELETE FROM endpoint_services WHERE service_state = $2 AND ready_at <= $1")
        .bind(now)
        .bind(deleting)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(n)
}

// ---- public DNS ----

/// A public zone: one account's, of one name (several accounts may hold
/// zones of a name; `linkplane_core::public_dns` decides which answers).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ZoneRow {
    pub account_id: String,
    pub zone_name: String,
    pub created_at: i64,
}
keyed!(ZoneRow, zone_name);

/// A record of one zone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecordRow {
    pub account_id: String,
    pub zone_name: String,
    pub record_name: String,
    pub record_type: String,
    pub value: String,
    pub created_at: i64,
}

/// Records page on `(created_at, record_name|record_type)`.
const RECORD_KEY: &str = "record_name || '|' || record_type";

impl Keyed for RecordRow {
    fn key(&self) -> (i64, String) {
        (
            self.created_at,
            format!("{}|{}", self.record_name, self.record_type),
        )
    }
}

/// Inserts a zone; `Conflict` when the account already has one of the name.
pub async fn insert_zone(tx: &mut Tx, r: &ZoneRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO public_dns_zones (account_id, zone_name, created_at) VALUES ($1, $2, $3)",
    )
    .bind(&r.account_id)
    .bind(&r.zone_name)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Zones of any account whose name is among `names`.
pub async fn zones_named<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    names: &[&str],
) -> Result<Vec<ZoneRow>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT account_id, zone_name, created_at FROM public_dns_zones WHERE zone_name IN (",
    );
    b.push_list(names);
    b.push(") ORDER BY zone_name, created_at, account_id");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

/// NS records, in any zone, named among `names`.
pub async fn delegations_at<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    names: &[&str],
) -> Result<Vec<RecordRow>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut b = SqlBuilder::new(
        "SELECT account_id, zone_name, record_name, record_type, value, created_at \
         FROM public_dns_records WHERE record_type = 'NS' AND record_name IN (",
    );
    b.push_list(names);
    b.push(")");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

/// The account's zone of this name.
pub async fn get_zone<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    zone_name: &str,
) -> Result<Option<ZoneRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT account_id, zone_name, created_at FROM public_dns_zones \
         WHERE account_id = $1 AND zone_name = $2",
    )
    .bind(account_id)
    .bind(zone_name)
    .fetch_optional(exec)
    .await?)
}

pub async fn list_zones(
    pool: &AnyPool,
    account_id: &str,
    spec: &PageSpec,
) -> Result<Page<ZoneRow>, StoreError> {
    list_page(
        pool,
        "SELECT account_id, zone_name, created_at FROM public_dns_zones WHERE account_id = ",
        account_id,
        "zone_name",
        &ListFilter::default(),
        spec,
    )
    .await
}

/// Deletes the account's zone and its records; false when there was none.
pub async fn delete_zone(
    tx: &mut Tx,
    account_id: &str,
    zone_name: &str,
) -> Result<bool, StoreError> {
    let n = sqlx::query("DELETE FROM public_dns_zones WHERE account_id = $1 AND zone_name = $2")
        .bind(account_id)
        .bind(zone_name)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Creates or replaces the record set (name, type) of one zone.
pub async fn put_record(tx: &mut Tx, r: &RecordRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO public_dns_records (account_id, zone_name, record_name, record_type, value, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (account_id, zone_name, record_name, record_type) \
         DO UPDATE SET value = excluded.value",
    )
    .bind(&r.account_id)
    .bind(&r.zone_name)
    .bind(&r.record_name)
    .bind(&r.record_type)
    .bind(&r.value)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The record (name, type) of one zone.
pub async fn get_record<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    zone_name: &str,
    name: &str,
    record_type: &str,
) -> Result<Option<RecordRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT account_id, zone_name, record_name, record_type, value, created_at \
         FROM public_dns_records \
         WHERE account_id = $1 AND zone_name = $2 AND record_name = $3 AND record_type = $4",
    )
    .bind(account_id)
    .bind(zone_name)
    .bind(name)
    .bind(record_type)
    .fetch_optional(exec)
    .await?)
}

/// A page of one zone's records.
pub async fn list_records(
    pool: &AnyPool,
    account_id: &str,
    zone_name: &str,
    spec: &PageSpec,
) -> Result<Page<RecordRow>, StoreError> {
    list_page(
        pool,
        "SELECT account_id, zone_name, record_name, record_type, value, created_at \
         FROM public_dns_records WHERE account_id = ",
        account_id,
        RECORD_KEY,
        &ListFilter::default().eq("zone_name", Some(zone_name)),
        spec,
    )
    .await
}

/// Deletes the record (name, type) of one zone; false when there was none.
pub async fn delete_record(
    tx: &mut Tx,
    account_id: &str,
    zone_name: &str,
    name: &str,
    record_type: &str,
) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "DELETE FROM public_dns_records \
         WHERE account_id = $1 AND zone_name = $2 AND record_name = $3 AND record_type = $4",
    )
    .bind(account_id)
    .bind(zone_name)
    .bind(name)
    .bind(record_type)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}
