//! Route tables, their routes and subnet associations, and the live
//! targets that decide a route's state.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{self, SqlBuilder, fetch_owned, rows_in};
use crate::store::{StoreError, Tx};
use linkplane_core::lifecycle::{NatGatewayState, PeeringState, VpcEndpointState};
use sqlx::{Any, AnyPool, Executor};

// ---- route tables ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RouteTableRow {
    pub route_table_id: String,
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    #[sqlx(try_from = "crate::store::Flag")]
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
    sql::exec(
        &mut **tx,
        "INSERT INTO route_tables (route_table_id, account_id, vpc_id, region, is_main, \
         main_association_id, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        (
            &r.route_table_id,
            &r.account_id,
            &r.vpc_id,
            &r.region,
            r.is_main,
            &r.main_association_id,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_route_table<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<RouteTableRow>, StoreError> {
    fetch_owned(
        exec,
        RTB_COLS,
        " FROM route_tables WHERE route_table_id = ",
        id,
        account_id,
    )
    .await
}

pub async fn list_route_tables(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<RouteTableRow>, StoreError> {
    list_page(
        pool,
        RTB_COLS,
        "route_tables",
        ("account_id", account_id),
        "route_table_id",
        filter,
        spec,
    )
    .await
}

/// Bumps a route table's version (its routes or associations changed).
pub async fn touch_route_table(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE route_tables SET version = version + 1, updated_at = $1 WHERE route_table_id = $2",
        (now, id),
    )
    .await?;
    Ok(())
}

/// Gateway endpoints with a route in the table.
pub async fn endpoints_routing_in(tx: &mut Tx, table_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT vpc_endpoint_id FROM vpc_endpoint_route_tables WHERE route_table_id = $1 \
         ORDER BY vpc_endpoint_id LIMIT 5",
        (table_id,),
    )
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
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT subnet_id FROM route_table_associations WHERE route_table_id = $1 \
         ORDER BY subnet_id LIMIT 5",
        (table_id,),
    )
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn delete_route_table(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM route_tables WHERE route_table_id = $1",
        (id,),
    )
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
    sql::exec(
        &mut **tx,
        "INSERT INTO routes (route_table_id, destination, destination_kind, target_kind, \
         target_id, origin, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            &r.route_table_id,
            &r.destination,
            &r.destination_kind,
            &r.target_kind,
            &r.target_id,
            &r.origin,
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_route(
    tx: &mut Tx,
    route_table_id: &str,
    destination: &str,
) -> Result<Option<RouteRow>, StoreError> {
    sql::fetch_optional(
        &mut **tx,
        "SELECT route_table_id, destination, destination_kind, target_kind, target_id, origin, \
         created_at FROM routes WHERE route_table_id = $1 AND destination = $2",
        (route_table_id, destination),
    )
    .await
}

pub async fn delete_route(
    tx: &mut Tx,
    route_table_id: &str,
    destination: &str,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM routes WHERE route_table_id = $1 AND destination = $2",
        (route_table_id, destination),
    )
    .await?;
    Ok(())
}

/// Routes of the given tables, in creation order per table.
pub async fn routes_of(pool: &AnyPool, table_ids: &[&str]) -> Result<Vec<RouteRow>, StoreError> {
    rows_in(
        pool,
        "SELECT route_table_id, destination, destination_kind, target_kind, target_id, \
         origin, created_at FROM routes WHERE ",
        "route_table_id",
        table_ids,
        " ORDER BY route_table_id, created_at, destination",
    )
    .await
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
    rows_in(
        pool,
        "SELECT association_id, route_table_id, subnet_id, account_id, created_at \
         FROM route_table_associations WHERE ",
        "route_table_id",
        table_ids,
        " ORDER BY route_table_id, created_at, association_id",
    )
    .await
}

pub async fn association_of_subnet(
    tx: &mut Tx,
    subnet_id: &str,
) -> Result<Option<AssociationRow>, StoreError> {
    sql::fetch_optional(
        &mut **tx,
        "SELECT association_id, route_table_id, subnet_id, account_id, created_at \
         FROM route_table_associations WHERE subnet_id = $1",
        (subnet_id,),
    )
    .await
}

pub async fn get_association<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    association_id: &str,
) -> Result<Option<AssociationRow>, StoreError> {
    sql::fetch_optional(
        exec,
        "SELECT association_id, route_table_id, subnet_id, account_id, created_at \
         FROM route_table_associations WHERE association_id = $1",
        (association_id,),
    )
    .await
}

pub async fn insert_association(tx: &mut Tx, r: &AssociationRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO route_table_associations (association_id, route_table_id, subnet_id, \
         account_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        (
            &r.association_id,
            &r.route_table_id,
            &r.subnet_id,
            &r.account_id,
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

pub async fn delete_association(tx: &mut Tx, association_id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM route_table_associations WHERE association_id = $1",
        (association_id,),
    )
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
    let firsts = |rows: Vec<(String,)>| rows.into_iter().map(|(id,)| id).collect();
    let igw_vpc: Vec<(String, String)> = rows_in(
        pool,
        "SELECT internet_gateway_id, vpc_id FROM internet_gateways WHERE vpc_id IS NOT NULL AND ",
        "internet_gateway_id",
        &ids("gateway"),
        "",
    )
    .await?;
    let nat = rows_in(
        pool,
        SqlBuilder::where_eq(
            "SELECT nat_gateway_id FROM nat_gateways WHERE state = ",
            NatGatewayState::Available.as_str(),
        ),
        "nat_gateway_id",
        &ids("nat_gateway"),
        "",
    )
    .await?;
    let pcx_active = rows_in(
        pool,
        SqlBuilder::where_eq(
            "SELECT vpc_peering_connection_id FROM vpc_peering_connections WHERE status = ",
            PeeringState::Active.as_str(),
        ),
        "vpc_peering_connection_id",
        &ids("vpc_peering_connection"),
        "",
    )
    .await?;
    let tgw_vpc: Vec<(String, String)> = rows_in(
        pool,
        "SELECT transit_gateway_id, vpc_id FROM transit_gateway_attachments WHERE ",
        "transit_gateway_id",
        &ids("transit_gateway"),
        "",
    )
    .await?;
    let eni = rows_in(
        pool,
        "SELECT network_interface_id FROM network_interfaces WHERE ",
        "network_interface_id",
        &ids("network_interface"),
        "",
    )
    .await?;
    let vpce = rows_in(
        pool,
        SqlBuilder::where_eq(
            "SELECT vpc_endpoint_id FROM vpc_endpoints WHERE state = ",
            VpcEndpointState::Available.as_str(),
        ),
        "vpc_endpoint_id",
        &ids("vpc_endpoint"),
        "",
    )
    .await?;
    Ok(LiveTargets {
        igw_vpc: igw_vpc.into_iter().collect(),
        nat: firsts(nat),
        pcx_active: firsts(pcx_active),
        tgw_vpc: tgw_vpc.into_iter().collect(),
        eni: firsts(eni),
        vpce: firsts(vpce),
    })
}

/// Routes (table ids) that target `target_id`, made by users.
pub async fn routes_to(tx: &mut Tx, target_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT route_table_id FROM routes WHERE target_id = $1 AND origin = 'create_route' \
         ORDER BY route_table_id LIMIT 5",
        (target_id,),
    )
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
