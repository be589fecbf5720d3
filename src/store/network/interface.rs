//! Network interfaces (with their security groups) and NAT gateways.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{self, fetch_owned, rows_in};
use crate::store::{StoreError, Stored, Tx};
use linkplane_core::lifecycle::NatGatewayState;
use sqlx::{Any, AnyPool, Executor};

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
    #[sqlx(try_from = "crate::store::Flag")]
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
    sql::exec(
        &mut **tx,
        "INSERT INTO network_interfaces (network_interface_id, account_id, region, vpc_id, \
         subnet_id, zone_id, private_ip, interface_type, requester_managed, attached_resource_id, \
         description, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        (
            &r.network_interface_id,
            &r.account_id,
            &r.region,
            &r.vpc_id,
            &r.subnet_id,
            &r.zone_id,
            r.private_ip,
            &r.interface_type,
            r.requester_managed,
            &r.attached_resource_id,
            &r.description,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    sql::insert_all(
        &mut **tx,
        "INSERT INTO network_interface_groups (network_interface_id, group_id, position) VALUES ",
        group_ids.iter().enumerate().map(|(i, g)| {
            [
                (&r.network_interface_id).into(),
                g.into(),
                (i as i64).into(),
            ]
        }),
    )
    .await?;
    Ok(())
}

pub async fn get_interface<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<InterfaceRow>, StoreError> {
    fetch_owned(
        exec,
        ENI_COLS,
        " FROM network_interfaces WHERE network_interface_id = ",
        id,
        account_id,
    )
    .await
}

pub async fn list_interfaces(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<InterfaceRow>, StoreError> {
    list_page(
        pool,
        ENI_COLS,
        "network_interfaces",
        ("account_id", account_id),
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
    let rows: Vec<(String, String)> = rows_in(
        pool,
        "SELECT network_interface_id, group_id FROM network_interface_groups WHERE ",
        "network_interface_id",
        ids,
        " ORDER BY network_interface_id, position",
    )
    .await?;
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (eni, g) in rows {
        out.entry(eni).or_default().push(g);
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
            sql::exec(
                &mut **tx,
                "INSERT INTO network_interface_groups (network_interface_id, group_id, position) \
                 VALUES ($1, $2, $3) ON CONFLICT (network_interface_id, group_id) DO NOTHING",
                (eni, group_id, position),
            )
            .await?;
        }
        None => {
            sql::exec(
                &mut **tx,
                "DELETE FROM network_interface_groups WHERE network_interface_id = $1 AND group_id = $2",
                (eni, group_id),
            )
            .await?;
        }
    }
    Ok(())
}

pub async fn delete_interface(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM network_interfaces WHERE network_interface_id = $1",
        (id,),
    )
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

const NAT_COLS: &str = "nat_gateway_id, account_id, region, vpc_id, subnet_id, \
    network_interface_id, connectivity_type, state, created_at, updated_at, version";

pub async fn insert_nat_gateway(tx: &mut Tx, r: &NatGatewayRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO nat_gateways (nat_gateway_id, account_id, region, vpc_id, subnet_id, \
         network_interface_id, connectivity_type, state, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        (
            &r.nat_gateway_id,
            &r.account_id,
            &r.region,
            &r.vpc_id,
            &r.subnet_id,
            &r.network_interface_id,
            &r.connectivity_type,
            r.state.as_str(),
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_nat_gateway<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<NatGatewayRow>, StoreError> {
    fetch_owned(
        exec,
        NAT_COLS,
        " FROM nat_gateways WHERE nat_gateway_id = ",
        id,
        account_id,
    )
    .await
}

pub async fn list_nat_gateways(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<NatGatewayRow>, StoreError> {
    list_page(
        pool,
        NAT_COLS,
        "nat_gateways",
        ("account_id", account_id),
        "nat_gateway_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_nat_gateway(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM nat_gateways WHERE nat_gateway_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

/// Private IPs of the given interfaces.
pub async fn interface_ips(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = rows_in(
        pool,
        "SELECT network_interface_id, private_ip FROM network_interfaces WHERE ",
        "network_interface_id",
        ids,
        "",
    )
    .await?;
    Ok(rows.into_iter().collect())
}
