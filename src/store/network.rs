//! The network model's tables: VPCs, subnets and their free address ranges,
//! network interfaces, route tables and routes, security groups and rules,
//! internet and NAT gateways, peering connections, transit gateways.
//!
//! Every query of an account's resource is scoped by `account_id`; a row of
//! another account reads as absent. Lists are keyset-paginated on
//! `(created_at, id)`.

use super::page::{self, Keyed, Page, PageSpec};
use super::sql::{SqlBuilder, Value};
use super::tags::{self, TagFilter};
use super::{StoreError, Stored, Tx};
use linkplane_core::lifecycle::{NatGatewayState, PeeringState, VpcEndpointState};
use linkplane_core::net::{FreeRange, RangeEdit};
use sqlx::{Any, AnyPool, Executor};

use super::page::keyed;

/// Filters shared by every list: the owner, and optional equality filters on
/// columns, and tags.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub eq: Vec<(&'static str, Value)>,
    pub tags: Vec<TagFilter>,
}

impl ListFilter {
    pub fn eq(mut self, col: &'static str, v: Option<impl Into<Value>>) -> Self {
        if let Some(v) = v {
            self.eq.push((col, v.into()));
        }
        self
    }
}

/// Runs `SELECT <cols> FROM <table> WHERE <scope>` with the filters and
/// a keyset page. `scope` is a static condition whose `$1` the caller binds
/// first (typically `account_id = $1`).
pub(super) async fn list_page<T>(
    pool: &AnyPool,
    select: &'static str,
    scope_value: &str,
    id_col: &'static str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Keyed + Send + Unpin,
{
    let mut b = SqlBuilder::new(select);
    b.push_bind(scope_value);
    for (col, v) in &filter.eq {
        b.push(" AND ").push(col).push(" = ").push_bind(v.clone());
    }
    tags::push_filters(&mut b, id_col, &filter.tags);
    page::push_keyset(&mut b, "created_at", id_col, spec);
    let rows: Vec<T> = b.build_query_as().fetch_all(pool).await?;
    Ok(page::finish(rows, spec))
}

// ---- VPCs ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VpcRow {
    pub vpc_id: String,
    pub account_id: String,
    pub region: String,
    pub cidr_block: String,
    #[sqlx(try_from = "super::Flag")]
    pub enable_dns_support: bool,
    #[sqlx(try_from = "super::Flag")]
    pub enable_dns_hostnames: bool,
    pub main_route_table_id: String,
    pub default_security_group_id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(VpcRow, vpc_id);

const VPC_COLS: &str = "vpc_id, account_id, region, cidr_block, enable_dns_support, \
    enable_dns_hostnames, main_route_table_id, default_security_group_id, created_at, updated_at, version";

pub async fn insert_vpc(tx: &mut Tx, r: &VpcRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO vpcs (vpc_id, account_id, region, cidr_block, enable_dns_support, \
         enable_dns_hostnames, main_route_table_id, default_security_group_id, created_at, \
         updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&r.vpc_id)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.cidr_block)
    .bind(r.enable_dns_support)
    .bind(r.enable_dns_hostnames)
    .bind(&r.main_route_table_id)
    .bind(&r.default_security_group_id)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A VPC by id. `account_id` None reads any account's (for peering, whose
/// accepter may be elsewhere).
pub async fn get_vpc<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: Option<&str>,
    vpc_id: &str,
) -> Result<Option<VpcRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(VPC_COLS)
        .push(" FROM vpcs WHERE vpc_id = ")
        .push_bind(vpc_id);
    if let Some(a) = account_id {
        b.push(" AND account_id = ").push_bind(a);
    }
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_vpcs(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<VpcRow>, StoreError> {
    list_page(
        pool,
        "SELECT vpc_id, account_id, region, cidr_block, enable_dns_support, enable_dns_hostnames, \
         main_route_table_id, default_security_group_id, created_at, updated_at, version \
         FROM vpcs WHERE account_id = ",
        account_id,
        "vpc_id",
        filter,
        spec,
    )
    .await
}

/// Writes the DNS attributes if the row is still at `version`.
pub async fn update_vpc_dns(
    tx: &mut Tx,
    vpc_id: &str,
    support: bool,
    hostnames: bool,
    version: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "UPDATE vpcs SET enable_dns_support = $1, enable_dns_hostnames = $2, updated_at = $3, \
         version = version + 1 WHERE vpc_id = $4 AND version = $5",
    )
    .bind(support)
    .bind(hostnames)
    .bind(now)
    .bind(vpc_id)
    .bind(version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Takes the VPC's row lock (Postgres) so that checks over its subnets
/// and the write that follows cannot interleave with another writer's.
pub async fn lock_vpc(tx: &mut Tx, vpc_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE vpcs SET version = version WHERE vpc_id = $1")
        .bind(vpc_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn delete_vpc(tx: &mut Tx, vpc_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM vpcs WHERE vpc_id = $1")
        .bind(vpc_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Up to `limit` ids of what keeps a VPC from being deleted: subnets,
/// security groups other than the default, route tables other than the
/// main one, an attached internet gateway, transit gateway attachments.
pub async fn vpc_dependents(tx: &mut Tx, vpc_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT subnet_id FROM subnets WHERE vpc_id = $1 \
         UNION ALL SELECT group_id FROM security_groups WHERE vpc_id = $1 AND is_default = $2 \
         UNION ALL SELECT route_table_id FROM route_tables WHERE vpc_id = $1 AND is_main = $2 \
         UNION ALL SELECT internet_gateway_id FROM internet_gateways WHERE vpc_id = $1 \
         UNION ALL SELECT transit_gateway_attachment_id FROM transit_gateway_attachments WHERE vpc_id = $1 \
         UNION ALL SELECT vpc_endpoint_id FROM vpc_endpoints WHERE vpc_id = $1 AND state <> $3",
    )
    .bind(vpc_id)
    .bind(false)
    .bind(VpcEndpointState::Deleted.as_str())
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).take(5).collect())
}

// ---- subnets and their free address ranges ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubnetRow {
    pub subnet_id: String,
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    pub zone_id: String,
    pub cidr_block: String,
    pub cidr_start: i64,
    pub cidr_end: i64,
    pub available_ip_address_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(SubnetRow, subnet_id);

const SUBNET_COLS: &str = "subnet_id, account_id, vpc_id, region, zone_id, cidr_block, cidr_start, \
    cidr_end, available_ip_address_count, created_at, updated_at, version";

pub async fn insert_subnet(tx: &mut Tx, r: &SubnetRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO subnets (subnet_id, account_id, vpc_id, region, zone_id, cidr_block, \
         cidr_start, cidr_end, available_ip_address_count, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&r.subnet_id)
    .bind(&r.account_id)
    .bind(&r.vpc_id)
    .bind(&r.region)
    .bind(&r.zone_id)
    .bind(&r.cidr_block)
    .bind(r.cidr_start)
    .bind(r.cidr_end)
    .bind(r.available_ip_address_count)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_subnet<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    subnet_id: &str,
) -> Result<Option<SubnetRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(SUBNET_COLS)
        .push(" FROM subnets WHERE subnet_id = ")
        .push_bind(subnet_id)
        .push(" AND account_id = ")
        .push_bind(account_id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

/// The subnets of a VPC that could overlap `[start, end]`: the one starting
/// last at or before `start` and the first starting after it. A VPC's
/// subnets are disjoint, so these two are the only candidates: two index
/// seeks, however many subnets the VPC has.
pub async fn subnet_neighbours(
    tx: &mut Tx,
    vpc_id: &str,
    start: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out: Vec<(String, String)> = sqlx::query_as(
        "SELECT subnet_id, cidr_block FROM subnets WHERE vpc_id = $1 AND cidr_start <= $2 \
         ORDER BY cidr_start DESC LIMIT 1",
    )
    .bind(vpc_id)
    .bind(start)
    .fetch_all(&mut **tx)
    .await?;
    out.extend(
        sqlx::query_as::<_, (String, String)>(
            "SELECT subnet_id, cidr_block FROM subnets WHERE vpc_id = $1 AND cidr_start > $2 \
             ORDER BY cidr_start LIMIT 1",
        )
        .bind(vpc_id)
        .bind(start)
        .fetch_all(&mut **tx)
        .await?,
    );
    Ok(out)
}

/// The subnet of a VPC whose block holds `ip`, if any.
pub async fn subnet_containing(
    tx: &mut Tx,
    vpc_id: &str,
    ip: i64,
) -> Result<Option<SubnetRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(SUBNET_COLS)
        .push(" FROM subnets WHERE vpc_id = ")
        .push_bind(vpc_id)
        .push(" AND cidr_start <= ")
        .push_bind(ip)
        .push(" ORDER BY cidr_start DESC LIMIT 1");
    let row: Option<SubnetRow> = b.build_query_as().fetch_optional(&mut **tx).await?;
    Ok(row.filter(|s| s.cidr_end >= ip))
}

pub async fn list_subnets(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<SubnetRow>, StoreError> {
    list_page(
        pool,
        "SELECT subnet_id, account_id, vpc_id, region, zone_id, cidr_block, cidr_start, cidr_end, \
         available_ip_address_count, created_at, updated_at, version FROM subnets WHERE account_id = ",
        account_id,
        "subnet_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_subnet(tx: &mut Tx, subnet_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM route_table_associations WHERE subnet_id = $1")
        .bind(subnet_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM subnets WHERE subnet_id = $1")
        .bind(subnet_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What keeps a subnet from being deleted: network interfaces (workloads,
/// NAT gateways, endpoints) and transit gateway attachments.
pub async fn subnet_dependents(tx: &mut Tx, subnet_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT network_interface_id FROM network_interfaces WHERE subnet_id = $1 \
         UNION ALL SELECT transit_gateway_attachment_id FROM transit_gateway_attachment_subnets \
         WHERE subnet_id = $1",
    )
    .bind(subnet_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).take(5).collect())
}

fn free_range((start, end): (i64, i64)) -> FreeRange {
    FreeRange {
        start: start as u32,
        end: end as u32,
    }
}

/// The free range with the lowest start.
pub async fn lowest_free_range(
    tx: &mut Tx,
    subnet_id: &str,
) -> Result<Option<FreeRange>, StoreError> {
    let r: Option<(i64, i64)> = sqlx::query_as(
        "SELECT range_start, range_end FROM ip_free_ranges WHERE subnet_id = $1 \
         ORDER BY range_start LIMIT 1",
    )
    .bind(subnet_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(r.map(free_range))
}

/// The free range with the greatest start `<= ip` (`inclusive`) or `< ip`.
pub async fn free_range_before(
    tx: &mut Tx,
    subnet_id: &str,
    ip: u32,
    inclusive: bool,
) -> Result<Option<FreeRange>, StoreError> {
    let sql = if inclusive {
        "SELECT range_start, range_end FROM ip_free_ranges WHERE subnet_id = $1 \
         AND range_start <= $2 ORDER BY range_start DESC LIMIT 1"
    } else {
        "SELECT range_start, range_end FROM ip_free_ranges WHERE subnet_id = $1 \
         AND range_start < $2 ORDER BY range_start DESC LIMIT 1"
    };
    let r: Option<(i64, i64)> = sqlx::query_as(sql)
        .bind(subnet_id)
        .bind(i64::from(ip))
        .fetch_optional(&mut **tx)
        .await?;
    Ok(r.map(free_range))
}

/// The free range with the smallest start `> ip`.
pub async fn free_range_after(
    tx: &mut Tx,
    subnet_id: &str,
    ip: u32,
) -> Result<Option<FreeRange>, StoreError> {
    let r: Option<(i64, i64)> = sqlx::query_as(
        "SELECT range_start, range_end FROM ip_free_ranges WHERE subnet_id = $1 \
         AND range_start > $2 ORDER BY range_start LIMIT 1",
    )
    .bind(subnet_id)
    .bind(i64::from(ip))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(r.map(free_range))
}

/// Applies the core's edits to the stored ranges and moves the subnet's
/// available count by `delta`.
pub async fn apply_range_edits(
    tx: &mut Tx,
    subnet_id: &str,
    edits: &[RangeEdit],
    delta: i64,
) -> Result<(), StoreError> {
    for e in edits {
        match e {
            RangeEdit::Remove { start } => {
                sqlx::query("DELETE FROM ip_free_ranges WHERE subnet_id = $1 AND range_start = $2")
                    .bind(subnet_id)
                    .bind(i64::from(*start))
                    .execute(&mut **tx)
                    .await?;
            }
            RangeEdit::Insert(r) => {
                sqlx::query(
                    "INSERT INTO ip_free_ranges (subnet_id, range_start, range_end) VALUES ($1, $2, $3)",
                )
                .bind(subnet_id)
                .bind(i64::from(r.start))
                .bind(i64::from(r.end))
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    if delta != 0 {
        sqlx::query(
            "UPDATE subnets SET available_ip_address_count = available_ip_address_count + $1 \
             WHERE subnet_id = $2",
        )
        .bind(delta)
        .bind(subnet_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Takes the subnet's row lock before reading its free ranges, so that two
/// concurrent allocations in one subnet (Postgres, several replicas) queue
/// instead of taking the same address. SQLite already has one writer.
pub async fn lock_subnet(tx: &mut Tx, subnet_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE subnets SET version = version WHERE subnet_id = $1")
        .bind(subnet_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- network interfaces ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InterfaceRow {
    pub network_interface_id: String,
    pub account_id: String,
    pub region: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub zone_id: String,
    pub private_ip: i64,
    pub interface_type: String,
    #[sqlx(try_from = "super::Flag")]
    pub requester_managed: bool,
    pub attached_resource_id: Option<String>,
    pub description: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(InterfaceRow, network_interface_id);

const ENI_COLS: &str = "network_interface_id, account_id, region, vpc_id, subnet_id, zone_id, \
    private_ip, interface_type, requester_managed, attached_resource_id, description, created_at, \
    updated_at, version";

pub async fn insert_interface(
    tx: &mut Tx,
    r: &InterfaceRow,
    group_ids: &[String],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO network_interfaces (network_interface_id, account_id, region, vpc_id, \
         subnet_id, zone_id, private_ip, interface_type, requester_managed, attached_resource_id, \
         description, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&r.network_interface_id)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.vpc_id)
    .bind(&r.subnet_id)
    .bind(&r.zone_id)
    .bind(r.private_ip)
    .bind(&r.interface_type)
    .bind(r.requester_managed)
    .bind(&r.attached_resource_id)
    .bind(&r.description)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    for (i, g) in group_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO network_interface_groups (network_interface_id, group_id, position) \
             VALUES ($1, $2, $3)",
        )
        .bind(&r.network_interface_id)
        .bind(g)
        .bind(i as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn get_interface<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<InterfaceRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(ENI_COLS)
        .push(" FROM network_interfaces WHERE network_interface_id = ")
        .push_bind(id)
        .push(" AND account_id = ")
        .push_bind(account_id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_interfaces(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<InterfaceRow>, StoreError> {
    list_page(
        pool,
        "SELECT network_interface_id, account_id, region, vpc_id, subnet_id, zone_id, private_ip, \
         interface_type, requester_managed, attached_resource_id, description, created_at, \
         updated_at, version FROM network_interfaces WHERE account_id = ",
        account_id,
        "network_interface_id",
        filter,
        spec,
    )
    .await
}

/// Security groups of the given interfaces, in their order.
pub async fn groups_of_interfaces(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, Vec<String>>, StoreError> {
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    for chunk in ids.chunks(500) {
        let mut b = SqlBuilder::new(
            "SELECT network_interface_id, group_id FROM network_interface_groups \
             WHERE network_interface_id IN (",
        );
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.push_bind(*id);
        }
        b.push(") ORDER BY network_interface_id, position");
        let rows: Vec<(String, String)> = b.build_query_as().fetch_all(pool).await?;
        for (eni, g) in rows {
            out.entry(eni).or_default().push(g);
        }
    }
    Ok(out)
}

/// Puts a security group on an interface (at the end) or takes it off.
pub async fn set_interface_group(
    tx: &mut Tx,
    eni: &str,
    group_id: &str,
    on: Option<i64>,
) -> Result<(), StoreError> {
    match on {
        Some(position) => {
            sqlx::query(
                "INSERT INTO network_interface_groups (network_interface_id, group_id, position) \
                 VALUES ($1, $2, $3) ON CONFLICT (network_interface_id, group_id) DO NOTHING",
            )
            .bind(eni)
            .bind(group_id)
            .bind(position)
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query(
                "DELETE FROM network_interface_groups WHERE network_interface_id = $1 AND group_id = $2",
            )
            .bind(eni)
            .bind(group_id)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

pub async fn delete_interface(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM network_interfaces WHERE network_interface_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- route tables ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RouteTableRow {
    pub route_table_id: String,
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    #[sqlx(try_from = "super::Flag")]
    pub is_main: bool,
    pub main_association_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(RouteTableRow, route_table_id);

const RTB_COLS: &str = "route_table_id, account_id, vpc_id, region, is_main, main_association_id, \
    created_at, updated_at, version";

pub async fn insert_route_table(tx: &mut Tx, r: &RouteTableRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO route_tables (route_table_id, account_id, vpc_id, region, is_main, \
         main_association_id, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&r.route_table_id)
    .bind(&r.account_id)
    .bind(&r.vpc_id)
    .bind(&r.region)
    .bind(r.is_main)
    .bind(&r.main_association_id)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_route_table<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<RouteTableRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(RTB_COLS)
        .push(" FROM route_tables WHERE route_table_id = ")
        .push_bind(id)
        .push(" AND account_id = ")
        .push_bind(account_id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_route_tables(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<RouteTableRow>, StoreError> {
    list_page(
        pool,
        "SELECT route_table_id, account_id, vpc_id, region, is_main, main_association_id, \
         created_at, updated_at, version FROM route_tables WHERE account_id = ",
        account_id,
        "route_table_id",
        filter,
        spec,
    )
    .await
}

/// Bumps a route table's version (its routes or associations changed).
pub async fn touch_route_table(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE route_tables SET version = version + 1, updated_at = $1 WHERE route_table_id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Gateway endpoints with a route in the table.
pub async fn endpoints_routing_in(tx: &mut Tx, table_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT vpc_endpoint_id FROM vpc_endpoint_route_tables WHERE route_table_id = $1 \
         ORDER BY vpc_endpoint_id LIMIT 5",
    )
    .bind(table_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Subnets explicitly associated with the table, read inside the caller's
/// transaction (a read through the pool while holding SQLite's write lock
/// waits for a second connection, which writers queued on that lock hold).
pub async fn subnets_associated_with(
    tx: &mut Tx,
    table_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT subnet_id FROM route_table_associations WHERE route_table_id = $1 \
         ORDER BY subnet_id LIMIT 5",
    )
    .bind(table_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn delete_route_table(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM route_tables WHERE route_table_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RouteRow {
    pub route_table_id: String,
    pub destination: String,
    pub destination_kind: String,
    pub target_kind: String,
    pub target_id: String,
    pub origin: String,
    pub created_at: i64,
}

pub async fn insert_route(tx: &mut Tx, r: &RouteRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO routes (route_table_id, destination, destination_kind, target_kind, \
         target_id, origin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.route_table_id)
    .bind(&r.destination)
    .bind(&r.destination_kind)
    .bind(&r.target_kind)
    .bind(&r.target_id)
    .bind(&r.origin)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_route(
    tx: &mut Tx,
    route_table_id: &str,
    destination: &str,
) -> Result<Option<RouteRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT route_table_id, destination, destination_kind, target_kind, target_id, origin, \
         created_at FROM routes WHERE route_table_id = $1 AND destination = $2",
    )
    .bind(route_table_id)
    .bind(destination)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn delete_route(
    tx: &mut Tx,
    route_table_id: &str,
    destination: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM routes WHERE route_table_id = $1 AND destination = $2")
        .bind(route_table_id)
        .bind(destination)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Routes of the given tables, in creation order per table.
pub async fn routes_of(pool: &AnyPool, table_ids: &[&str]) -> Result<Vec<RouteRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in table_ids.chunks(500) {
        let mut b = SqlBuilder::new(
            "SELECT route_table_id, destination, destination_kind, target_kind, target_id, \
             origin, created_at FROM routes WHERE route_table_id IN (",
        );
        b.push_list(chunk);
        b.push(") ORDER BY route_table_id, created_at, destination");
        out.extend(b.build_query_as::<RouteRow>().fetch_all(pool).await?);
    }
    Ok(out)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssociationRow {
    pub association_id: String,
    pub route_table_id: String,
    pub subnet_id: String,
    pub account_id: String,
    pub created_at: i64,
}

pub async fn associations_of(
    pool: &AnyPool,
    table_ids: &[&str],
) -> Result<Vec<AssociationRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in table_ids.chunks(500) {
        let mut b = SqlBuilder::new(
            "SELECT association_id, route_table_id, subnet_id, account_id, created_at \
             FROM route_table_associations WHERE route_table_id IN (",
        );
        b.push_list(chunk);
        b.push(") ORDER BY route_table_id, created_at, association_id");
        out.extend(b.build_query_as::<AssociationRow>().fetch_all(pool).await?);
    }
    Ok(out)
}

pub async fn association_of_subnet(
    tx: &mut Tx,
    subnet_id: &str,
) -> Result<Option<AssociationRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT association_id, route_table_id, subnet_id, account_id, created_at \
         FROM route_table_associations WHERE subnet_id = $1",
    )
    .bind(subnet_id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn get_association<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    association_id: &str,
) -> Result<Option<AssociationRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT association_id, route_table_id, subnet_id, account_id, created_at \
         FROM route_table_associations WHERE association_id = $1",
    )
    .bind(association_id)
    .fetch_optional(exec)
    .await?)
}

pub async fn insert_association(tx: &mut Tx, r: &AssociationRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO route_table_associations (association_id, route_table_id, subnet_id, \
         account_id, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&r.association_id)
    .bind(&r.route_table_id)
    .bind(&r.subnet_id)
    .bind(&r.account_id)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete_association(tx: &mut Tx, association_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM route_table_associations WHERE association_id = $1")
        .bind(association_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Targets that currently make a route usable, for computing route states:
/// internet gateways with the VPC they are attached to, available NAT
/// gateways, active peering connections, transit gateway attachments
/// (gateway, VPC), existing network interfaces.
#[derive(Debug, Default)]
pub struct LiveTargets {
    pub igw_vpc: std::collections::HashMap<String, String>,
    pub nat: std::collections::HashSet<String>,
    pub pcx_active: std::collections::HashSet<String>,
    pub tgw_vpc: std::collections::HashSet<(String, String)>,
    pub eni: std::collections::HashSet<String>,
    /// Gateway load balancer endpoints that are `available`.
    pub vpce: std::collections::HashSet<String>,
}

/// Looks the targets of `routes` up in one query per kind.
pub async fn live_targets(pool: &AnyPool, routes: &[RouteRow]) -> Result<LiveTargets, StoreError> {
    let mut live = LiveTargets::default();
    let ids = |kind: &str| -> Vec<&str> {
        let mut v: Vec<&str> = routes
            .iter()
            .filter(|r| r.target_kind == kind)
            .map(|r| r.target_id.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let igws = ids("gateway");
    if !igws.is_empty() {
        let mut b = SqlBuilder::new(
            "SELECT internet_gateway_id, vpc_id FROM internet_gateways \
             WHERE vpc_id IS NOT NULL AND internet_gateway_id IN (",
        );
        b.push_list(&igws);
        b.push(")");
        let rows: Vec<(String, String)> = b.build_query_as().fetch_all(pool).await?;
        live.igw_vpc = rows.into_iter().collect();
    }
    let nats = ids("nat_gateway");
    if !nats.is_empty() {
        let mut b = SqlBuilder::new("SELECT nat_gateway_id FROM nat_gateways WHERE state = ");
        b.push_bind(NatGatewayState::Available.as_str())
            .push(" AND nat_gateway_id IN (")
            .push_list(&nats);
        b.push(")");
        let rows: Vec<(String,)> = b.build_query_as().fetch_all(pool).await?;
        live.nat = rows.into_iter().map(|(id,)| id).collect();
    }
    let pcxs = ids("vpc_peering_connection");
    if !pcxs.is_empty() {
        let mut b = SqlBuilder::new(
            "SELECT vpc_peering_connection_id FROM vpc_peering_connections WHERE status = ",
        );
        b.push_bind(PeeringState::Active.as_str())
            .push(" AND vpc_peering_connection_id IN (")
            .push_list(&pcxs);
        b.push(")");
        let rows: Vec<(String,)> = b.build_query_as().fetch_all(pool).await?;
        live.pcx_active = rows.into_iter().map(|(id,)| id).collect();
    }
    let tgws = ids("transit_gateway");
    if !tgws.is_empty() {
        let mut b = SqlBuilder::new(
            "SELECT transit_gateway_id, vpc_id FROM transit_gateway_attachments \
             WHERE transit_gateway_id IN (",
        );
        b.push_list(&tgws);
        b.push(")");
        let rows: Vec<(String, String)> = b.build_query_as().fetch_all(pool).await?;
        live.tgw_vpc = rows.into_iter().collect();
    }
    let enis = ids("network_interface");
    if !enis.is_empty() {
        let mut b = SqlBuilder::new(
            "SELECT network_interface_id FROM network_interfaces WHERE network_interface_id IN (",
        );
        b.push_list(&enis);
        b.push(")");
        let rows: Vec<(String,)> = b.build_query_as().fetch_all(pool).await?;
        live.eni = rows.into_iter().map(|(id,)| id).collect();
    }
    let vpces = ids("vpc_endpoint");
    if !vpces.is_empty() {
        let mut b = SqlBuilder::new("SELECT vpc_endpoint_id FROM vpc_endpoints WHERE state = ");
        b.push_bind(VpcEndpointState::Available.as_str())
            .push(" AND vpc_endpoint_id IN (")
            .push_list(&vpces);
        b.push(")");
        let rows: Vec<(String,)> = b.build_query_as().fetch_all(pool).await?;
        live.vpce = rows.into_iter().map(|(id,)| id).collect();
    }
    Ok(live)
}

/// Routes (table ids) that target `target_id`, made by users.
pub async fn routes_to(tx: &mut Tx, target_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT route_table_id FROM routes WHERE target_id = $1 AND origin = 'create_route' \
         ORDER BY route_table_id LIMIT 5",
    )
    .bind(target_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

// ---- security groups ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecurityGroupRow {
    pub group_id: String,
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    pub group_name: String,
    pub description: String,
    #[sqlx(try_from = "super::Flag")]
    pub is_default: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(SecurityGroupRow, group_id);

const SG_COLS: &str = "group_id, account_id, vpc_id, region, group_name, description, is_default, \
    created_at, updated_at, version";

pub async fn insert_security_group(tx: &mut Tx, r: &SecurityGroupRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO security_groups (group_id, account_id, vpc_id, region, group_name, \
         description, is_default, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&r.group_id)
    .bind(&r.account_id)
    .bind(&r.vpc_id)
    .bind(&r.region)
    .bind(&r.group_name)
    .bind(&r.description)
    .bind(r.is_default)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_security_group<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<SecurityGroupRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(SG_COLS)
        .push(" FROM security_groups WHERE group_id = ")
        .push_bind(id)
        .push(" AND account_id = ")
        .push_bind(account_id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

pub async fn list_security_groups(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<SecurityGroupRow>, StoreError> {
    list_page(
        pool,
        "SELECT group_id, account_id, vpc_id, region, group_name, description, is_default, \
         created_at, updated_at, version FROM security_groups WHERE account_id = ",
        account_id,
        "group_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_security_group(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM security_groups WHERE group_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn touch_security_group(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE security_groups SET version = version + 1, updated_at = $1 WHERE group_id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What keeps a security group from being deleted: interfaces using it and
/// rules of other groups referencing it.
pub async fn security_group_dependents(
    tx: &mut Tx,
    group_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT network_interface_id FROM network_interface_groups WHERE group_id = $1 \
         UNION ALL SELECT group_id FROM security_group_rules WHERE ref_group_id = $1 AND group_id <> $1",
    )
    .bind(group_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).take(5).collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub rule_id: String,
    pub group_id: String,
    pub account_id: String,
    pub direction: String,
    pub protocol: String,
    pub from_port: i64,
    pub to_port: i64,
    pub cidr: Option<String>,
    pub prefix_list_id: Option<String>,
    pub ref_group_id: Option<String>,
    pub description: Option<String>,
    pub rule_key: String,
    pub created_at: i64,
}

pub async fn insert_rule(tx: &mut Tx, r: &RuleRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO security_group_rules (rule_id, group_id, account_id, direction, protocol, \
         from_port, to_port, cidr, prefix_list_id, ref_group_id, description, rule_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&r.rule_id)
    .bind(&r.group_id)
    .bind(&r.account_id)
    .bind(&r.direction)
    .bind(&r.protocol)
    .bind(r.from_port)
    .bind(r.to_port)
    .bind(&r.cidr)
    .bind(&r.prefix_list_id)
    .bind(&r.ref_group_id)
    .bind(&r.description)
    .bind(&r.rule_key)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn rules_of(pool: &AnyPool, group_ids: &[&str]) -> Result<Vec<RuleRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in group_ids.chunks(500) {
        let mut b = SqlBuilder::new(
            "SELECT rule_id, group_id, account_id, direction, protocol, from_port, to_port, cidr, \
             prefix_list_id, ref_group_id, description, rule_key, created_at \
             FROM security_group_rules WHERE group_id IN (",
        );
        b.push_list(chunk);
        b.push(") ORDER BY group_id, created_at, rule_id");
        out.extend(b.build_query_as::<RuleRow>().fetch_all(pool).await?);
    }
    Ok(out)
}

/// Deletes a rule of the group; false when it has no such rule.
pub async fn delete_rule(tx: &mut Tx, group_id: &str, rule_id: &str) -> Result<bool, StoreError> {
    let n = sqlx::query("DELETE FROM security_group_rules WHERE group_id = $1 AND rule_id = $2")
        .bind(group_id)
        .bind(rule_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

// ---- internet gateways ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InternetGatewayRow {
    pub internet_gateway_id: String,
    pub account_id: String,
    pub region: String,
    pub vpc_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(InternetGatewayRow, internet_gateway_id);

pub async fn insert_internet_gateway(
    tx: &mut Tx,
    r: &InternetGatewayRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO internet_gateways (internet_gateway_id, account_id, region, vpc_id, \
         created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.internet_gateway_id)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.vpc_id)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_internet_gateway<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<InternetGatewayRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT internet_gateway_id, account_id, region, vpc_id, created_at, updated_at, version \
         FROM internet_gateways WHERE internet_gateway_id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(exec)
    .await?)
}

pub async fn internet_gateway_of_vpc(
    tx: &mut Tx,
    vpc_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT internet_gateway_id FROM internet_gateways WHERE vpc_id = $1")
            .bind(vpc_id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Up to five public NAT gateways of a VPC (they need its internet
/// gateway), read inside the caller's transaction.
pub async fn public_nat_gateways_in(tx: &mut Tx, vpc_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT nat_gateway_id FROM nat_gateways WHERE vpc_id = $1 \
         AND connectivity_type = 'public' ORDER BY nat_gateway_id LIMIT 5",
    )
    .bind(vpc_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn list_internet_gateways(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<InternetGatewayRow>, StoreError> {
    list_page(
        pool,
        "SELECT internet_gateway_id, account_id, region, vpc_id, created_at, updated_at, version \
         FROM internet_gateways WHERE account_id = ",
        account_id,
        "internet_gateway_id",
        filter,
        spec,
    )
    .await
}

pub async fn set_internet_gateway_vpc(
    tx: &mut Tx,
    id: &str,
    vpc_id: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE internet_gateways SET vpc_id = $1, updated_at = $2, version = version + 1 \
         WHERE internet_gateway_id = $3",
    )
    .bind(vpc_id)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete_internet_gateway(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM internet_gateways WHERE internet_gateway_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

// ---- NAT gateways ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NatGatewayRow {
    pub nat_gateway_id: String,
    pub account_id: String,
    pub region: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub network_interface_id: String,
    pub connectivity_type: String,
    #[sqlx(try_from = "Stored<NatGatewayState>")]
    pub state: NatGatewayState,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(NatGatewayRow, nat_gateway_id);

pub async fn insert_nat_gateway(tx: &mut Tx, r: &NatGatewayRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO nat_gateways (nat_gateway_id, account_id, region, vpc_id, subnet_id, \
         network_interface_id, connectivity_type, state, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&r.nat_gateway_id)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.vpc_id)
    .bind(&r.subnet_id)
    .bind(&r.network_interface_id)
    .bind(&r.connectivity_type)
    .bind(r.state.as_str())
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_nat_gateway<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<NatGatewayRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT nat_gateway_id, account_id, region, vpc_id, subnet_id, network_interface_id, \
         connectivity_type, state, created_at, updated_at, version \
         FROM nat_gateways WHERE nat_gateway_id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(exec)
    .await?)
}

pub async fn list_nat_gateways(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<NatGatewayRow>, StoreError> {
    list_page(
        pool,
        "SELECT nat_gateway_id, account_id, region, vpc_id, subnet_id, network_interface_id, \
         connectivity_type, state, created_at, updated_at, version FROM nat_gateways WHERE account_id = ",
        account_id,
        "nat_gateway_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_nat_gateway(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM nat_gateways WHERE nat_gateway_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Private IPs of the given interfaces.
pub async fn interface_ips(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let mut b = SqlBuilder::new(
            "SELECT network_interface_id, private_ip FROM network_interfaces WHERE network_interface_id IN (",
        );
        b.push_list(chunk);
        b.push(")");
        let rows: Vec<(String, i64)> = b.build_query_as().fetch_all(pool).await?;
        out.extend(rows);
    }
    Ok(out)
}
