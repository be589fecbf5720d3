//! Endpoint services with their load balancers, regions and allowed
//! principals.

use crate::store::filter::list_page;
use crate::store::filter::{ListFilter, Scope};
use crate::store::page::{self, Page, PageSpec, keyed};
use crate::store::sql::{self, Reader, SqlBuilder, rows_in};
use crate::store::{Flag, StoreError, Stored, StoredOption, Tx};
use linkplane_core::lifecycle::{EndpointServiceState, PrivateDnsState, ServiceRegionState};
use sqlx::{Any, AnyPool, Executor};

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
    sql::exec(
        &mut **tx,
        "INSERT INTO endpoint_services (service_id, account_id, region, service_type, \
         acceptance_required, private_dns_name, pdns_state, pdns_name, pdns_value, \
         ip_address_types, payer_responsibility, service_state, ready_at, created_at, updated_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        (
            &r.service_id,
            &r.account_id,
            &r.region,
            &r.service_type,
            r.acceptance_required,
            &r.private_dns_name,
            r.pdns_state.map(PrivateDnsState::as_str),
            &r.pdns_name,
            &r.pdns_value,
            &r.ip_address_types,
            &r.payer_responsibility,
            r.service_state.as_str(),
            r.ready_at,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

/// Writes every mutable field if the row is still at `r.version`; bumps it.
pub async fn update_service(tx: &mut Tx, r: &ServiceRow, now: i64) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE endpoint_services SET service_type = $1, acceptance_required = $2, \
         private_dns_name = $3, pdns_state = $4, pdns_name = $5, pdns_value = $6, \
         ip_address_types = $7, payer_responsibility = $8, service_state = $9, ready_at = $10, \
         updated_at = $11, version = version + 1 WHERE service_id = $12 AND version = $13",
        (
            &r.service_type,
            r.acceptance_required,
            &r.private_dns_name,
            r.pdns_state.map(PrivateDnsState::as_str),
            &r.pdns_name,
            &r.pdns_value,
            &r.ip_address_types,
            &r.payer_responsibility,
            r.service_state.as_str(),
            r.ready_at,
            now,
            &r.service_id,
            r.version,
        ),
    )
    .await?;
    Ok(n == 1)
}

pub async fn get_service<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    scope: Scope<'_>,
    service_id: &str,
) -> Result<Option<ServiceRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(SERVICE_COLS)
        .push(" FROM endpoint_services WHERE service_id = ")
        .push_bind(service_id);
    scope.push(&mut b);
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
        SERVICE_COLS,
        "endpoint_services",
        ("account_id", account_id),
        "service_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_service(tx: &mut Tx, service_id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM endpoint_services WHERE service_id = $1",
        (service_id,),
    )
    .await?;
    Ok(())
}

/// Load balancers of the given services, in the order they were added.
pub async fn service_load_balancers<'a>(
    exec: impl Into<Reader<'a>>,
    service_ids: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    rows_in(
        exec,
        "SELECT service_id, load_balancer_arn FROM endpoint_service_load_balancers WHERE ",
        "service_id",
        service_ids,
        " ORDER BY service_id, position, load_balancer_arn",
    )
    .await
}

/// Load balancers of the given services with each one's zone ids, in one
/// query: (service id, load balancer ARN, zone id).
pub async fn service_lb_zones<'a>(
    exec: impl Into<Reader<'a>>,
    service_ids: &[&str],
) -> Result<Vec<(String, String, String)>, StoreError> {
    rows_in(
        exec,
        "SELECT l.service_id, l.load_balancer_arn, z.zone_id FROM endpoint_service_load_balancers l \
         JOIN load_balancer_subnets z ON z.load_balancer_arn = l.load_balancer_arn WHERE ",
        "l.service_id",
        service_ids,
        " ORDER BY l.service_id, l.position, l.load_balancer_arn, z.zone_id",
    )
    .await
}

pub async fn add_service_load_balancer(
    tx: &mut Tx,
    service_id: &str,
    arn: &str,
    position: i64,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO endpoint_service_load_balancers (service_id, load_balancer_arn, position) \
         VALUES ($1, $2, $3)",
        (service_id, arn, position),
    )
    .await?;
    Ok(())
}

pub async fn remove_service_load_balancer(
    tx: &mut Tx,
    service_id: &str,
    arn: &str,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM endpoint_service_load_balancers WHERE service_id = $1 AND load_balancer_arn = $2",
        (service_id, arn),
    )
    .await?;
    Ok(())
}

/// Supported regions of the given services: (service id, region, state).
pub async fn service_regions<'a>(
    exec: impl Into<Reader<'a>>,
    service_ids: &[&str],
) -> Result<Vec<(String, String, ServiceRegionState)>, StoreError> {
    let rows: Vec<(String, String, Stored<ServiceRegionState>)> = rows_in(
        exec,
        "SELECT service_id, region, state FROM endpoint_service_regions WHERE ",
        "service_id",
        service_ids,
        " ORDER BY service_id, region",
    )
    .await?;
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
            sql::exec(
                &mut **tx,
                "INSERT INTO endpoint_service_regions (service_id, region, state) VALUES ($1, $2, $3) \
                 ON CONFLICT (service_id, region) DO NOTHING",
                (service_id, region, s.as_str()),
            )
            .await?;
        }
        None => {
            sql::exec(
                &mut **tx,
                "DELETE FROM endpoint_service_regions WHERE service_id = $1 AND region = $2",
                (service_id, region),
            )
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
    sql::fetch_one(
        &mut **tx,
        "INSERT INTO endpoint_service_permissions (service_permission_id, service_id, principal, \
         principal_type, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (service_id, principal) DO UPDATE SET principal = excluded.principal \
         RETURNING service_permission_id, service_id, principal, principal_type, created_at",
        (
            &r.service_permission_id,
            &r.service_id,
            &r.principal,
            &r.principal_type,
            r.created_at,
        ),
    )
    .await
}

pub async fn remove_permission(
    tx: &mut Tx,
    service_id: &str,
    principal: &str,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM endpoint_service_permissions WHERE service_id = $1 AND principal = $2",
        (service_id, principal),
    )
    .await?;
    Ok(n == 1)
}

/// A page of a service's principals, scoped to the owner's account in the
/// same query (an empty page may mean the service is not the owner's; the
/// caller checks then).
pub async fn list_permissions(
    pool: &AnyPool,
    account_id: &str,
    service_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<PermissionRow>, StoreError> {
    let backend = crate::store::Backend::of(pool);
    // One aggregated row (see `page::fetch_json`).
    let mut b = SqlBuilder::new(match backend {
        crate::store::Backend::Sqlite => {
            "SELECT COALESCE(json_group_array(json_array(service_permission_id, service_id, \
             principal, principal_type, created_at)), '[]') FROM ("
        }
        crate::store::Backend::Postgres => {
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
    filter.push_eq(&mut b, "p.", backend);
    let key = ("p.created_at", "p.service_permission_id");
    let raw: Vec<(String, String, String, String, i64)> =
        page::fetch_json(pool, b, key, spec, "permission page").await?;
    let rows: Vec<PermissionRow> = raw
        .into_iter()
        .map(|(id, sid, principal, kind, created_at)| PermissionRow {
            service_permission_id: id,
            service_id: sid,
            principal,
            principal_type: kind,
            created_at,
        })
        .collect();
    Ok(page::finish_unordered(rows, spec))
}

/// Whether a service allows any of `principals`.
pub async fn principal_allowed(
    tx: &mut Tx,
    service_id: &str,
    principals: [&str; 3],
) -> Result<bool, StoreError> {
    let mut b =
        SqlBuilder::new("SELECT COUNT(*) FROM endpoint_service_permissions WHERE service_id = ");
    b.push_bind(service_id).push(" AND ");
    b.push_in("principal", &principals);
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
    service_types: &[&str],
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
               (SELECT p.service_id FROM endpoint_service_permissions p WHERE ",
        );
    b.push_in("p.principal", &principals);
    b.push(")");
    if let Some(id) = service_id {
        b.push(" AND s.service_id = ").push_bind(id);
    }
    if !service_types.is_empty() {
        b.push(" AND ").push_in("s.service_type", service_types);
    }
    if let Some(a) = after_id {
        b.push(" AND s.service_id > ").push_bind(a);
    }
    b.push(" ORDER BY s.service_id LIMIT ").push_bind(limit);
    Ok(b.build_query_as().fetch_all(pool).await?)
}
