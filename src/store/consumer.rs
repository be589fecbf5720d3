//! VPC endpoints: the consumer's resource, and for customer services the
//! producer's connection.

use super::filter::{ListFilter, Scope, list_page};
use super::page::{self, Page, PageSpec, keyed};
use super::sql::{self, Reader, SqlBuilder, rows_in};
use super::{Flag, StoreError, Stored, Tx, stored_json};
use linkplane_core::catalog::EndpointType;
use linkplane_core::lifecycle::VpcEndpointState;
use sqlx::{Any, AnyPool, Executor};

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct EndpointRow {
    pub vpc_endpoint_id: String,
    pub account_id: String,
    pub region: String,
    pub vpc_id: String,
    #[sqlx(try_from = "Stored<EndpointType>")]
    #[serde(deserialize_with = "stored_json")]
    pub vpc_endpoint_type: EndpointType,
    pub service_name: String,
    pub service_id: Option<String>,
    pub service_owner: String,
    pub service_region: String,
    #[sqlx(try_from = "Stored<VpcEndpointState>")]
    #[serde(deserialize_with = "stored_json")]
    pub state: VpcEndpointState,
    pub ready_at: i64,
    pub policy_document: Option<String>,
    #[sqlx(try_from = "Flag")]
    #[serde(deserialize_with = "json_flag")]
    pub private_dns_enabled: bool,
    pub ip_address_type: String,
    pub dns_record_ip_type: String,
    pub dns_token: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(EndpointRow, vpc_endpoint_id);

macro_rules! endpoint_cols {
    () => {
        "vpc_endpoint_id, account_id, region, vpc_id, vpc_endpoint_type, service_name, \
         service_id, service_owner, service_region, state, ready_at, policy_document, \
         private_dns_enabled, ip_address_type, dns_record_ip_type, dns_token, created_at, \
         updated_at, version"
    };
}
const COLS: &str = endpoint_cols!();
const SELECT: &str = concat!("SELECT ", endpoint_cols!(), " FROM vpc_endpoints WHERE ");

pub async fn insert_endpoint(tx: &mut Tx, r: &EndpointRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO vpc_endpoints (vpc_endpoint_id, account_id, region, vpc_id, vpc_endpoint_type, \
         service_name, service_id, service_owner, service_region, state, ready_at, policy_document, \
         private_dns_enabled, ip_address_type, dns_record_ip_type, dns_token, created_at, \
         updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         $15, $16, $17, $18, $19)",
        (
            &r.vpc_endpoint_id,
            &r.account_id,
            &r.region,
            &r.vpc_id,
            r.vpc_endpoint_type.as_str(),
            &r.service_name,
            &r.service_id,
            &r.service_owner,
            &r.service_region,
            r.state.as_str(),
            r.ready_at,
            &r.policy_document,
            r.private_dns_enabled,
            &r.ip_address_type,
            &r.dns_record_ip_type,
            &r.dns_token,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

/// An endpoint, within `scope`.
pub async fn get_endpoint<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    scope: Scope<'_>,
    id: &str,
) -> Result<Option<EndpointRow>, StoreError> {
    let mut b = SqlBuilder::new(SELECT);
    b.push("vpc_endpoint_id = ").push_bind(id);
    scope.push(&mut b);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_endpoints(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<EndpointRow>, StoreError> {
    list_page(
        pool,
        COLS,
        "vpc_endpoints",
        ("account_id", account_id),
        "vpc_endpoint_id",
        filter,
        spec,
    )
    .await
}

/// A JSON flag: `true`/`false` (Postgres) or `1`/`0` (SQLite).
fn json_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Ok(b),
        serde_json::Value::Number(n) => Ok(n.as_i64() != Some(0)),
        other => Err(serde::de::Error::custom(format!("not a flag: {other}"))),
    }
}

use serde::Deserialize;

/// The endpoint columns as a JSON object, per backend (see `list_connections`).
const SQLITE_ENDPOINT_JSON: &str = "SELECT COALESCE(json_group_array(json_object(\
    'vpc_endpoint_id', vpc_endpoint_id, 'account_id', account_id, 'region', region, \
    'vpc_id', vpc_id, 'vpc_endpoint_type', vpc_endpoint_type, 'service_name', service_name, \
    'service_id', service_id, 'service_owner', service_owner, 'service_region', service_region, \
    'state', state, 'ready_at', ready_at, 'policy_document', policy_document, \
    'private_dns_enabled', private_dns_enabled, 'ip_address_type', ip_address_type, \
    'dns_record_ip_type', dns_record_ip_type, 'dns_token', dns_token, 'created_at', created_at, \
    'updated_at', updated_at, 'version', version)), '[]') FROM (";
const POSTGRES_ENDPOINT_JSON: &str = "SELECT COALESCE(json_agg(json_build_object(\
    'vpc_endpoint_id', vpc_endpoint_id, 'account_id', account_id, 'region', region, \
    'vpc_id', vpc_id, 'vpc_endpoint_type', vpc_endpoint_type, 'service_name', service_name, \
    'service_id', service_id, 'service_owner', service_owner, 'service_region', service_region, \
    'state', state, 'ready_at', ready_at, 'policy_document', policy_document, \
    'private_dns_enabled', private_dns_enabled, 'ip_address_type', ip_address_type, \
    'dns_record_ip_type', dns_record_ip_type, 'dns_token', dns_token, 'created_at', created_at, \
    'updated_at', updated_at, 'version', version)), '[]')::text FROM (";

/// A service's connections (its endpoints), optionally in one state, when
/// `owner` owns the service (an empty page otherwise). The page comes back
/// as one row holding a JSON array (see [`page::fetch_json`]).
pub async fn list_connections(
    pool: &AnyPool,
    owner: &str,
    service_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<EndpointRow>, StoreError> {
    let backend = super::Backend::of(pool);
    let mut b = SqlBuilder::new(match backend {
        super::Backend::Sqlite => SQLITE_ENDPOINT_JSON,
        super::Backend::Postgres => POSTGRES_ENDPOINT_JSON,
    });
    b.push(SELECT);
    b.push("service_id = ").push_bind(service_id);
    b.push(" AND EXISTS (SELECT 1 FROM endpoint_services s WHERE s.service_id = ")
        .push_bind(service_id)
        .push(" AND s.account_id = ")
        .push_bind(owner)
        .push(")");
    filter.push_eq(&mut b, "", backend);
    let key = ("created_at", "vpc_endpoint_id");
    let rows: Vec<EndpointRow> = page::fetch_json(pool, b, key, spec, "connection page").await?;
    Ok(page::finish_unordered(rows, spec))
}

/// Moves an endpoint to `state` if it is still at `version`.
pub async fn set_state(
    tx: &mut Tx,
    id: &str,
    state: VpcEndpointState,
    ready_at: i64,
    version: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE vpc_endpoints SET state = $1, ready_at = $2, updated_at = $3, version = version + 1 \
         WHERE vpc_endpoint_id = $4 AND version = $5",
        (state.as_str(), ready_at, now, id, version),
    )
    .await?;
    Ok(n == 1)
}

/// Sends an available endpoint back to `pending` until `ready_at`.
pub async fn set_pending(tx: &mut Tx, id: &str, ready_at: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE vpc_endpoints SET state = $3, ready_at = $1 \
         WHERE vpc_endpoint_id = $2 AND state = $4",
        (
            ready_at,
            id,
            VpcEndpointState::Pending.as_str(),
            VpcEndpointState::Available.as_str(),
        ),
    )
    .await?;
    Ok(())
}

pub async fn set_policy(
    tx: &mut Tx,
    id: &str,
    policy: Option<&str>,
    private_dns_enabled: bool,
    now: i64,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE vpc_endpoints SET policy_document = $1, private_dns_enabled = $2, updated_at = $3, \
         version = version + 1 WHERE vpc_endpoint_id = $4",
        (policy, private_dns_enabled, now, id),
    )
    .await?;
    Ok(())
}

/// Live connections of a service (`available` or `pending_acceptance`,
/// plus `pending`, which is on its way to `available`): what blocks deleting
/// the service or changing its load balancers.
pub async fn live_connections(tx: &mut Tx, service_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT vpc_endpoint_id FROM vpc_endpoints WHERE service_id = $1 \
         AND state IN ($2, $3, $4) ORDER BY vpc_endpoint_id LIMIT 5",
        (
            service_id,
            VpcEndpointState::LIVE[0].as_str(),
            VpcEndpointState::LIVE[1].as_str(),
            VpcEndpointState::LIVE[2].as_str(),
        ),
    )
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Interface and GWLB endpoints of a VPC that are not gone (for the quota).
pub async fn count_in_vpc(tx: &mut Tx, vpc_id: &str) -> Result<i64, StoreError> {
    let (n,) = sql::fetch_one(
        &mut **tx,
        "SELECT COUNT(*) FROM vpc_endpoints WHERE vpc_id = $1 AND vpc_endpoint_type <> 'gateway' \
         AND state <> $2",
        (vpc_id, VpcEndpointState::Deleted.as_str()),
    )
    .await?;
    Ok(n)
}

/// Gateway endpoints of an account in a region that are not gone.
pub async fn count_gateway_in_region(
    tx: &mut Tx,
    account_id: &str,
    region: &str,
) -> Result<i64, StoreError> {
    let (n,) = sql::fetch_one(
        &mut **tx,
        "SELECT COUNT(*) FROM vpc_endpoints WHERE account_id = $1 AND region = $2 \
         AND vpc_endpoint_type = 'gateway' AND state <> $3",
        (account_id, region, VpcEndpointState::Deleted.as_str()),
    )
    .await?;
    Ok(n)
}

pub async fn insert_subnet(
    tx: &mut Tx,
    id: &str,
    subnet_id: &str,
    zone_id: &str,
    eni: &str,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO vpc_endpoint_subnets (vpc_endpoint_id, subnet_id, zone_id, network_interface_id) \
         VALUES ($1, $2, $3, $4)",
        (id, subnet_id, zone_id, eni),
    )
    .await?;
    Ok(())
}

/// (endpoint, subnet, zone id, interface) of the given endpoints.
pub async fn subnets_of<'a>(
    exec: impl Into<Reader<'a>>,
    ids: &[&str],
) -> Result<Vec<(String, String, String, String)>, StoreError> {
    rows_in(
        exec,
        "SELECT vpc_endpoint_id, subnet_id, zone_id, network_interface_id FROM vpc_endpoint_subnets \
         WHERE ",
        "vpc_endpoint_id",
        ids,
        " ORDER BY vpc_endpoint_id, zone_id",
    )
    .await
}

/// [`subnets_of`] as one aggregated row (for pages of many endpoints).
pub async fn subnets_of_many(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<Vec<(String, String, String, String)>, StoreError> {
    let head = match super::Backend::of(pool) {
        super::Backend::Sqlite => {
            "SELECT COALESCE(json_group_array(json_array(vpc_endpoint_id, subnet_id, zone_id, \
             network_interface_id)), '[]') FROM vpc_endpoint_subnets WHERE "
        }
        super::Backend::Postgres => {
            "SELECT COALESCE(json_agg(json_build_array(vpc_endpoint_id, subnet_id, zone_id, \
             network_interface_id)), '[]')::text FROM vpc_endpoint_subnets WHERE "
        }
    };
    // One aggregated row per chunk of ids.
    let arrays: Vec<(String,)> = rows_in(pool, head, "vpc_endpoint_id", ids, "").await?;
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for (json,) in arrays {
        let chunk: Vec<(String, String, String, String)> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Other(format!("endpoint subnets: {e}")))?;
        rows.extend(chunk);
    }
    rows.sort_by(|a, b| (&a.0, &a.2).cmp(&(&b.0, &b.2)));
    Ok(rows)
}

/// What endpoints keep in side tables, one row each: `(kind, endpoint id,
/// a, b, c)` where kind `t` is a tag (key, value), `s` a subnet (subnet,
/// zone, network interface), `r` a route table (id) and `g` a security
/// group (id, position). One query and one aggregated row per chunk of
/// ids, where four queries were, their rows crossing from SQLite's worker
/// thread one by one (see `page::fetch_json`).
pub type PartRow = (String, String, String, String, String);

/// Appends the query of the parts of endpoints `ids` as one aggregated
/// JSON text (a list of [`PartRow`]), the ids bound once for all four tables.
fn push_parts(b: &mut SqlBuilder, backend: super::Backend, ids: &[&str]) {
    b.push(match backend {
        super::Backend::Sqlite => {
            "SELECT COALESCE(json_group_array(json_array(k, e, a, b, c)), '[]') FROM ("
        }
        super::Backend::Postgres => {
            "SELECT COALESCE(json_agg(json_build_array(k, e, a, b, c)), '[]')::text FROM ("
        }
    });
    let ids = b.bind_list(ids);
    b.push(
        "SELECT 't' AS k, resource_id AS e, tag_key AS a, tag_value AS b, '' AS c \
         FROM tags WHERE ",
    )
    .push_in_bound("resource_id", &ids);
    b.push(
        " UNION ALL SELECT 's', vpc_endpoint_id, subnet_id, zone_id, network_interface_id \
         FROM vpc_endpoint_subnets WHERE ",
    )
    .push_in_bound("vpc_endpoint_id", &ids);
    b.push(
        " UNION ALL SELECT 'r', vpc_endpoint_id, route_table_id, '', '' \
         FROM vpc_endpoint_route_tables WHERE ",
    )
    .push_in_bound("vpc_endpoint_id", &ids);
    b.push(
        " UNION ALL SELECT 'g', vpc_endpoint_id, group_id, CAST(position AS TEXT), '' \
         FROM vpc_endpoint_groups WHERE ",
    )
    .push_in_bound("vpc_endpoint_id", &ids);
    b.push(") p");
}

fn parse_parts(json: &str) -> Result<Vec<PartRow>, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Other(format!("endpoint parts: {e}")))
}

pub async fn parts_of(pool: &AnyPool, ids: &[&str]) -> Result<Vec<PartRow>, StoreError> {
    let backend = super::Backend::of(pool);
    let mut rows = Vec::new();
    for chunk in ids.chunks(sql::IN_CHUNK / 4) {
        let mut b = SqlBuilder::default();
        push_parts(&mut b, backend, chunk);
        let (json,): (String,) = b.build_query_as().fetch_one(pool).await?;
        rows.extend(parse_parts(&json)?);
    }
    Ok(rows)
}

#[derive(sqlx::FromRow)]
struct EndpointWithParts {
    #[sqlx(flatten)]
    row: EndpointRow,
    parts: String,
}

/// An endpoint within `scope` and its parts, in one query (a point read's
/// one round trip to the database after the key's).
pub async fn get_endpoint_with_parts(
    pool: &AnyPool,
    scope: Scope<'_>,
    id: &str,
) -> Result<Option<(EndpointRow, Vec<PartRow>)>, StoreError> {
    let mut b = SqlBuilder::new(concat!("SELECT ", endpoint_cols!(), ", ("));
    push_parts(&mut b, super::Backend::of(pool), &[id]);
    b.push(") AS parts FROM vpc_endpoints WHERE vpc_endpoint_id = ")
        .push_bind(id);
    scope.push(&mut b);
    let found: Option<EndpointWithParts> = b.build_query_as().fetch_optional(pool).await?;
    found
        .map(|f| Ok((f.row, parse_parts(&f.parts)?)))
        .transpose()
}

pub async fn delete_subnet(tx: &mut Tx, id: &str, subnet_id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_endpoint_subnets WHERE vpc_endpoint_id = $1 AND subnet_id = $2",
        (id, subnet_id),
    )
    .await?;
    Ok(())
}

/// Takes one route table away from a gateway endpoint, with its route.
pub async fn delete_route_table(
    tx: &mut Tx,
    id: &str,
    route_table_id: &str,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM routes WHERE route_table_id = $1 AND target_id = $2 AND origin = 'vpc_endpoint'",
        (route_table_id, id),
    )
    .await?;
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_endpoint_route_tables WHERE vpc_endpoint_id = $1 AND route_table_id = $2",
        (id, route_table_id),
    )
    .await?;
    Ok(())
}

pub async fn delete_group(tx: &mut Tx, id: &str, group_id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_endpoint_groups WHERE vpc_endpoint_id = $1 AND group_id = $2",
        (id, group_id),
    )
    .await?;
    Ok(())
}

pub async fn delete_subnets(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_endpoint_subnets WHERE vpc_endpoint_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

pub async fn insert_route_table(
    tx: &mut Tx,
    id: &str,
    route_table_id: &str,
    service_name: &str,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO vpc_endpoint_route_tables (vpc_endpoint_id, route_table_id, service_name) \
         VALUES ($1, $2, $3)",
        (id, route_table_id, service_name),
    )
    .await?;
    Ok(())
}

/// (endpoint, route table) of the given endpoints.
pub async fn route_tables_of<'a>(
    exec: impl Into<Reader<'a>>,
    ids: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    rows_in(
        exec,
        "SELECT vpc_endpoint_id, route_table_id FROM vpc_endpoint_route_tables WHERE ",
        "vpc_endpoint_id",
        ids,
        " ORDER BY vpc_endpoint_id, route_table_id",
    )
    .await
}

pub async fn delete_route_tables(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM routes WHERE target_id = $1 AND origin = 'vpc_endpoint'",
        (id,),
    )
    .await?;
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_endpoint_route_tables WHERE vpc_endpoint_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

/// Adds `groups` to endpoint `id`, at positions from `first` on.
pub async fn insert_groups(
    tx: &mut Tx,
    id: &str,
    first: i64,
    groups: &[String],
) -> Result<(), StoreError> {
    sql::insert_all(
        &mut **tx,
        "INSERT INTO vpc_endpoint_groups (vpc_endpoint_id, group_id, position) VALUES ",
        (first..)
            .zip(groups)
            .map(|(position, g)| [id.into(), g.into(), position.into()]),
    )
    .await?;
    Ok(())
}

/// (endpoint, group) of the given endpoints, in order.
pub async fn groups_of<'a>(
    exec: impl Into<Reader<'a>>,
    ids: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    rows_in(
        exec,
        "SELECT vpc_endpoint_id, group_id FROM vpc_endpoint_groups WHERE ",
        "vpc_endpoint_id",
        ids,
        " ORDER BY vpc_endpoint_id, position",
    )
    .await
}

pub async fn delete_groups(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_endpoint_groups WHERE vpc_endpoint_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

/// Claims a private DNS name in a VPC; false when another endpoint has it.
pub async fn claim_private_dns(
    tx: &mut Tx,
    vpc_id: &str,
    name: &str,
    id: &str,
) -> Result<Option<String>, StoreError> {
    let holder: Option<(String,)> = sql::fetch_optional(
        &mut **tx,
        "SELECT vpc_endpoint_id FROM vpc_private_dns_names WHERE vpc_id = $1 AND dns_name = $2",
        (vpc_id, name),
    )
    .await?;
    if let Some((h,)) = holder {
        return Ok(Some(h));
    }
    sql::exec(
        &mut **tx,
        "INSERT INTO vpc_private_dns_names (vpc_id, dns_name, vpc_endpoint_id) VALUES ($1, $2, $3)",
        (vpc_id, name, id),
    )
    .await?;
    Ok(None)
}

pub async fn release_private_dns(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM vpc_private_dns_names WHERE vpc_endpoint_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

/// Moves endpoints whose time has come into the state their transitional
/// state settles into (`pending` -> `available`, `deleting` -> `deleted`;
/// see `VpcEndpointState`). Idempotent statements, safe on replicas.
pub async fn advance(pool: &AnyPool, now: i64) -> Result<u64, StoreError> {
    super::settle(
        pool,
        now,
        "UPDATE vpc_endpoints SET state = $2, version = version + 1, updated_at = $1 \
         WHERE state = $3 AND ready_at <= $1",
        VpcEndpointState::ALL,
    )
    .await
}

/// Forgets endpoints deleted before `cutoff` (they drop out of both sides'
/// lists after a retention period).
pub async fn purge_deleted(pool: &AnyPool, cutoff: i64) -> Result<u64, StoreError> {
    sql::exec(
        pool,
        "DELETE FROM vpc_endpoints WHERE state = $2 AND updated_at < $1",
        (cutoff, VpcEndpointState::Deleted.as_str()),
    )
    .await
}
