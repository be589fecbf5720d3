//! VPCs, their subnets and the subnets' free address ranges.

use crate::store::filter::list_page;
use crate::store::filter::{ListFilter, Scope};
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{self, SqlBuilder, fetch_owned};
use crate::store::{StoreError, Tx};
use linkplane_core::lifecycle::VpcEndpointState;
use linkplane_core::net::{FreeRange, RangeEdit};
use sqlx::{Any, AnyPool, Executor};

// ---- VPCs ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VpcRow {
    pub vpc_id: String,
    pub account_id: String,
    pub region: String,
    pub cidr_block: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub enable_dns_support: bool,
    #[sqlx(try_from = "crate::store::Flag")]
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
    sql::exec(
        &mut **tx,
        "INSERT INTO vpcs (vpc_id, account_id, region, cidr_block, enable_dns_support, \
         enable_dns_hostnames, main_route_table_id, default_security_group_id, created_at, \
         updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        (
            &r.vpc_id,
            &r.account_id,
            &r.region,
            &r.cidr_block,
            r.enable_dns_support,
            r.enable_dns_hostnames,
            &r.main_route_table_id,
            &r.default_security_group_id,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

/// A VPC by id, within `scope` (the caller's account, or any: a peering
/// accepter's VPC may be another account's).
pub async fn get_vpc<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    scope: Scope<'_>,
    vpc_id: &str,
) -> Result<Option<VpcRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(VPC_COLS)
        .push(" FROM vpcs WHERE vpc_id = ")
        .push_bind(vpc_id);
    scope.push(&mut b);
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
        VPC_COLS,
        "vpcs",
        ("account_id", account_id),
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
    let n = sql::exec(
        &mut **tx,
        "UPDATE vpcs SET enable_dns_support = $1, enable_dns_hostnames = $2, updated_at = $3, \
         version = version + 1 WHERE vpc_id = $4 AND version = $5",
        (support, hostnames, now, vpc_id, version),
    )
    .await?;
    Ok(n == 1)
}

/// Takes the VPC's row lock (Postgres) so that checks over its subnets
/// and the write that follows cannot interleave with another writer's.
pub async fn lock_vpc(tx: &mut Tx, vpc_id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE vpcs SET version = version WHERE vpc_id = $1",
        (vpc_id,),
    )
    .await?;
    Ok(())
}

pub async fn delete_vpc(tx: &mut Tx, vpc_id: &str) -> Result<(), StoreError> {
    sql::exec(&mut **tx, "DELETE FROM vpcs WHERE vpc_id = $1", (vpc_id,)).await?;
    Ok(())
}

/// Up to `limit` ids of what keeps a VPC from being deleted: subnets,
/// security groups other than the default, route tables other than the
/// main one, an attached internet gateway, transit gateway attachments.
pub async fn vpc_dependents(tx: &mut Tx, vpc_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT subnet_id FROM subnets WHERE vpc_id = $1 \
         UNION ALL SELECT group_id FROM security_groups WHERE vpc_id = $1 AND is_default = $2 \
         UNION ALL SELECT route_table_id FROM route_tables WHERE vpc_id = $1 AND is_main = $2 \
         UNION ALL SELECT internet_gateway_id FROM internet_gateways WHERE vpc_id = $1 \
         UNION ALL SELECT transit_gateway_attachment_id FROM transit_gateway_attachments WHERE vpc_id = $1 \
         UNION ALL SELECT vpc_endpoint_id FROM vpc_endpoints WHERE vpc_id = $1 AND state <> $3",
        (vpc_id, false, VpcEndpointState::Deleted.as_str()),
    )
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
    sql::exec(
        &mut **tx,
        "INSERT INTO subnets (subnet_id, account_id, vpc_id, region, zone_id, cidr_block, \
         cidr_start, cidr_end, available_ip_address_count, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        (
            &r.subnet_id,
            &r.account_id,
            &r.vpc_id,
            &r.region,
            &r.zone_id,
            &r.cidr_block,
            r.cidr_start,
            r.cidr_end,
            r.available_ip_address_count,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_subnet<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    subnet_id: &str,
) -> Result<Option<SubnetRow>, StoreError> {
    fetch_owned(
        exec,
        SUBNET_COLS,
        " FROM subnets WHERE subnet_id = ",
        subnet_id,
        account_id,
    )
    .await
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
    let mut out: Vec<(String, String)> = sql::fetch_all(
        &mut **tx,
        "SELECT subnet_id, cidr_block FROM subnets WHERE vpc_id = $1 AND cidr_start <= $2 \
         ORDER BY cidr_start DESC LIMIT 1",
        (vpc_id, start),
    )
    .await?;
    out.extend(
        sql::fetch_all::<(String, String), _>(
            &mut **tx,
            "SELECT subnet_id, cidr_block FROM subnets WHERE vpc_id = $1 AND cidr_start > $2 \
             ORDER BY cidr_start LIMIT 1",
            (vpc_id, start),
        )
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
        SUBNET_COLS,
        "subnets",
        ("account_id", account_id),
        "subnet_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_subnet(tx: &mut Tx, subnet_id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM route_table_associations WHERE subnet_id = $1",
        (subnet_id,),
    )
    .await?;
    sql::exec(
        &mut **tx,
        "DELETE FROM subnets WHERE subnet_id = $1",
        (subnet_id,),
    )
    .await?;
    Ok(())
}

/// What keeps a subnet from being deleted: network interfaces (workloads,
/// NAT gateways, endpoints) and transit gateway attachments.
pub async fn subnet_dependents(tx: &mut Tx, subnet_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT network_interface_id FROM network_interfaces WHERE subnet_id = $1 \
         UNION ALL SELECT transit_gateway_attachment_id FROM transit_gateway_attachment_subnets \
         WHERE subnet_id = $1",
        (subnet_id,),
    )
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
    let r: Option<(i64, i64)> = sql::fetch_optional(
        &mut **tx,
        "SELECT range_start, range_end FROM ip_free_ranges WHERE subnet_id = $1 \
         ORDER BY range_start LIMIT 1",
        (subnet_id,),
    )
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
    let r: Option<(i64, i64)> =
        sql::fetch_optional(&mut **tx, sql, (subnet_id, i64::from(ip))).await?;
    Ok(r.map(free_range))
}

/// The free range with the smallest start `> ip`.
pub async fn free_range_after(
    tx: &mut Tx,
    subnet_id: &str,
    ip: u32,
) -> Result<Option<FreeRange>, StoreError> {
    let r: Option<(i64, i64)> = sql::fetch_optional(
        &mut **tx,
        "SELECT range_start, range_end FROM ip_free_ranges WHERE subnet_id = $1 \
         AND range_start > $2 ORDER BY range_start LIMIT 1",
        (subnet_id, i64::from(ip)),
    )
    .await?;
    Ok(r.map(free_range))
}

/// Applies the core's edits to the stored ranges and moves the subnet's
/// available count by `delta`. A removal followed by an insert (a range
/// shrunk or split) is one update of the removed row.
pub async fn apply_range_edits(
    tx: &mut Tx,
    subnet_id: &str,
    edits: &[RangeEdit],
    delta: i64,
) -> Result<(), StoreError> {
    let mut i = 0;
    while i < edits.len() {
        match (edits[i], edits.get(i + 1)) {
            (RangeEdit::Remove { start }, Some(RangeEdit::Insert(r))) => {
                let moved = sql::exec(
                    &mut **tx,
                    "UPDATE ip_free_ranges SET range_start = $1, range_end = $2 \
                     WHERE subnet_id = $3 AND range_start = $4",
                    (
                        i64::from(r.start),
                        i64::from(r.end),
                        subnet_id,
                        i64::from(start),
                    ),
                )
                .await?;
                if moved != 1 {
                    return Err(StoreError::Other(format!(
                        "free range at {start} of {subnet_id} is not stored"
                    )));
                }
                i += 2;
            }
            (RangeEdit::Remove { start }, _) => {
                sql::exec(
                    &mut **tx,
                    "DELETE FROM ip_free_ranges WHERE subnet_id = $1 AND range_start = $2",
                    (subnet_id, i64::from(start)),
                )
                .await?;
                i += 1;
            }
            (RangeEdit::Insert(r), _) => {
                sql::exec(
                    &mut **tx,
                    "INSERT INTO ip_free_ranges (subnet_id, range_start, range_end) VALUES ($1, $2, $3)",
                    (subnet_id, i64::from(r.start), i64::from(r.end)),
                )
                .await?;
                i += 1;
            }
        }
    }
    if delta != 0 {
        move_available(tx, subnet_id, delta).await?;
    }
    Ok(())
}

async fn move_available(tx: &mut Tx, subnet_id: &str, delta: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE subnets SET available_ip_address_count = available_ip_address_count + $1 \
         WHERE subnet_id = $2",
        (delta, subnet_id),
    )
    .await?;
    Ok(())
}

/// Takes the subnet's row lock before reading its free ranges, so that two
/// concurrent allocations in one subnet (Postgres, several replicas) queue
/// instead of taking the same address (SQLite already has one writer), and
/// moves its available count by `delta` in the same write.
pub async fn lock_subnet(tx: &mut Tx, subnet_id: &str, delta: i64) -> Result<(), StoreError> {
    move_available(tx, subnet_id, delta).await
}
