//! Connections between VPCs: peering connections (visible to both accounts)
//! and transit gateways with their attachments and routes.

use super::network::ListFilter;
use super::page::{self, Keyed, Page, PageSpec};
use super::sql::SqlBuilder;
use super::tags;
use super::{StoreError, Stored, Tx};
use linkplane_core::lifecycle::{PeeringState, TransitGatewayAttachmentState, TransitGatewayState};
use sqlx::{Any, AnyPool, Executor};

// ---- peering ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PeeringRow {
    pub vpc_peering_connection_id: String,
    pub requester_account_id: String,
    pub requester_vpc_id: String,
    pub requester_region: String,
    pub requester_cidr_block: String,
    pub accepter_account_id: String,
    pub accepter_vpc_id: String,
    pub accepter_region: String,
    pub accepter_cidr_block: String,
    #[sqlx(try_from = "Stored<PeeringState>")]
    pub status: PeeringState,
    pub status_message: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Keyed for PeeringRow {
    fn key(&self) -> (i64, String) {
        (self.created_at, self.vpc_peering_connection_id.clone())
    }
}

const PCX_COLS: &str = "vpc_peering_connection_id, requester_account_id, requester_vpc_id, \
    requester_region, requester_cidr_block, accepter_account_id, accepter_vpc_id, accepter_region, \
    accepter_cidr_block, status, status_message, created_at, updated_at, version";

pub async fn insert_peering(tx: &mut Tx, r: &PeeringRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO vpc_peering_connections (vpc_peering_connection_id, requester_account_id, \
         requester_vpc_id, requester_region, requester_cidr_block, accepter_account_id, \
         accepter_vpc_id, accepter_region, accepter_cidr_block, status, status_message, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&r.vpc_peering_connection_id)
    .bind(&r.requester_account_id)
    .bind(&r.requester_vpc_id)
    .bind(&r.requester_region)
    .bind(&r.requester_cidr_block)
    .bind(&r.accepter_account_id)
    .bind(&r.accepter_vpc_id)
    .bind(&r.accepter_region)
    .bind(&r.accepter_cidr_block)
    .bind(r.status.as_str())
    .bind(&r.status_message)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A peering connection visible to `account_id` (as requester or accepter).
pub async fn get_peering<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<PeeringRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(PCX_COLS)
        .push(" FROM vpc_peering_connections WHERE vpc_peering_connection_id = ")
        .push_bind(id)
        .push(" AND (requester_account_id = ")
        .push_bind(account_id)
        .push(" OR accepter_account_id = ")
        .push_bind(account_id)
        .push(")");
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

/// Peering connections the account is a side of. `vpc_id` matches either side.
pub async fn list_peerings(
    pool: &AnyPool,
    account_id: &str,
    vpc_id: Option<&str>,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<PeeringRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(PCX_COLS)
        .push(" FROM vpc_peering_connections WHERE (requester_account_id = ")
        .push_bind(account_id)
        .push(" OR accepter_account_id = ")
        .push_bind(account_id)
        .push(")");
    if let Some(v) = vpc_id {
        b.push(" AND (requester_vpc_id = ")
            .push_bind(v)
            .push(" OR accepter_vpc_id = ")
            .push_bind(v)
            .push(")");
    }
    for (col, v) in &filter.eq {
        b.push(" AND ").push(col).push(" = ").push_bind(v.clone());
    }
    tags::push_filters(&mut b, "vpc_peering_connection_id", &filter.tags);
    page::push_keyset(&mut b, "created_at", "vpc_peering_connection_id", spec);
    let rows: Vec<PeeringRow> = b.build_query_as().fetch_all(pool).await?;
    Ok(page::finish(rows, spec))
}

/// A live (pending or active) peering between the two VPCs, either way round.
pub async fn live_peering_between(
    tx: &mut Tx,
    a: &str,
    b: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT vpc_peering_connection_id FROM vpc_peering_connections \
         WHERE status IN ($3, $4) \
         AND ((requester_vpc_id = $1 AND accepter_vpc_id = $2) \
           OR (requester_vpc_id = $2 AND accepter_vpc_id = $1))",
    )
    .bind(a)
    .bind(b)
    .bind(PeeringState::LIVE[0].as_str())
    .bind(PeeringState::LIVE[1].as_str())
    .fetch_optional(&mut **tx)
    .await?)
}

/// Moves a peering to `status` if it is still at `version`.
pub async fn set_peering_status(
    tx: &mut Tx,
    id: &str,
    status: PeeringState,
    message: &str,
    version: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "UPDATE vpc_peering_connections SET status = $1, status_message = $2, updated_at = $3, \
         version = version + 1 WHERE vpc_peering_connection_id = $4 AND version = $5",
    )
    .bind(status.as_str())
    .bind(message)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Marks every live peering of a VPC deleted (the VPC is going away).
pub async fn delete_peerings_of_vpc(tx: &mut Tx, vpc_id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE vpc_peering_connections SET status = $3, \
         status_message = 'Deleted with its VPC', updated_at = $1, version = version + 1 \
         WHERE status IN ($4, $5) \
         AND (requester_vpc_id = $2 OR accepter_vpc_id = $2)",
    )
    .bind(now)
    .bind(vpc_id)
    .bind(PeeringState::Deleted.as_str())
    .bind(PeeringState::LIVE[0].as_str())
    .bind(PeeringState::LIVE[1].as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---- transit gateways ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TransitGatewayRow {
    pub transit_gateway_id: String,
    pub account_id: String,
    pub region: String,
    pub description: String,
    #[sqlx(try_from = "Stored<TransitGatewayState>")]
    pub state: TransitGatewayState,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

impl Keyed for TransitGatewayRow {
    fn key(&self) -> (i64, String) {
        (self.created_at, self.transit_gateway_id.clone())
    }
}

pub async fn insert_transit_gateway(tx: &mut Tx, r: &TransitGatewayRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO transit_gateways (transit_gateway_id, account_id, region, description, state, \
         created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&r.transit_gateway_id)
    .bind(&r.account_id)
    .bind(&r.region)
    .bind(&r.description)
    .bind(r.state.as_str())
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.version)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn get_transit_gateway<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<TransitGatewayRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT transit_gateway_id, account_id, region, description, state, created_at, \
         updated_at, version FROM transit_gateways WHERE transit_gateway_id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(exec)
    .await?)
}

pub async fn list_transit_gateways(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<TransitGatewayRow>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT transit_gateway_id, account_id, region, description, state, created_at, \
         updated_at, version FROM transit_gateways WHERE account_id = ",
    );
    b.push_bind(account_id);
    for (col, v) in &filter.eq {
        b.push(" AND ").push(col).push(" = ").push_bind(v.clone());
    }
    tags::push_filters(&mut b, "transit_gateway_id", &filter.tags);
    page::push_keyset(&mut b, "created_at", "transit_gateway_id", spec);
    let rows: Vec<TransitGatewayRow> = b.build_query_as().fetch_all(pool).await?;
    Ok(page::finish(rows, spec))
}

pub async fn delete_transit_gateway(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM transit_gateways WHERE transit_gateway_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub transit_gateway_attachment_id: String,
    pub transit_gateway_id: String,
    pub account_id: String,
    pub vpc_id: String,
    #[sqlx(try_from = "Stored<TransitGatewayAttachmentState>")]
    pub state: TransitGatewayAttachmentState,
    pub created_at: i64,
}

pub async fn insert_attachment(
    tx: &mut Tx,
    r: &AttachmentRow,
    subnets: &[(String, String)],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO transit_gateway_attachments (transit_gateway_attachment_id, \
         transit_gateway_id, account_id, vpc_id, state, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&r.transit_gateway_attachment_id)
    .bind(&r.transit_gateway_id)
    .bind(&r.account_id)
    .bind(&r.vpc_id)
    .bind(r.state.as_str())
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    for (subnet_id, zone_id) in subnets {
        sqlx::query(
            "INSERT INTO transit_gateway_attachment_subnets (transit_gateway_attachment_id, \
             subnet_id, zone_id) VALUES ($1, $2, $3)",
        )
        .bind(&r.transit_gateway_attachment_id)
        .bind(subnet_id)
        .bind(zone_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Attachments of a gateway, oldest first, each with its subnet ids.
pub async fn attachments_of(
    conn: &mut sqlx::AnyConnection,
    tgw_id: &str,
) -> Result<Vec<(AttachmentRow, Vec<String>)>, StoreError> {
    let rows: Vec<AttachmentRow> = sqlx::query_as(
        "SELECT transit_gateway_attachment_id, transit_gateway_id, account_id, vpc_id, state, \
         created_at FROM transit_gateway_attachments WHERE transit_gateway_id = $1 \
         ORDER BY created_at, transit_gateway_attachment_id",
    )
    .bind(tgw_id)
    .fetch_all(&mut *conn)
    .await?;
    let subnets: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.transit_gateway_attachment_id, s.subnet_id FROM transit_gateway_attachment_subnets s \
         JOIN transit_gateway_attachments a ON a.transit_gateway_attachment_id = s.transit_gateway_attachment_id \
         WHERE a.transit_gateway_id = $1 ORDER BY s.subnet_id",
    )
    .bind(tgw_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let ids = subnets
                .iter()
                .filter(|(att, _)| *att == a.transit_gateway_attachment_id)
                .map(|(_, s)| s.clone())
                .collect();
            (a, ids)
        })
        .collect())
}

pub async fn delete_attachment(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM transit_gateway_attachments WHERE transit_gateway_attachment_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TgwRouteRow {
    pub transit_gateway_id: String,
    pub destination_cidr_block: String,
    pub transit_gateway_attachment_id: Option<String>,
    #[sqlx(try_from = "super::Flag")]
    pub blackhole: bool,
    pub created_at: i64,
}

pub async fn insert_tgw_route(tx: &mut Tx, r: &TgwRouteRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO transit_gateway_routes (transit_gateway_id, destination_cidr_block, \
         transit_gateway_attachment_id, blackhole, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&r.transit_gateway_id)
    .bind(&r.destination_cidr_block)
    .bind(&r.transit_gateway_attachment_id)
    .bind(r.blackhole)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn tgw_routes<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    tgw_id: &str,
) -> Result<Vec<TgwRouteRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT transit_gateway_id, destination_cidr_block, transit_gateway_attachment_id, \
         blackhole, created_at FROM transit_gateway_routes WHERE transit_gateway_id = $1 \
         ORDER BY created_at, destination_cidr_block",
    )
    .bind(tgw_id)
    .fetch_all(exec)
    .await?)
}

pub async fn delete_tgw_route(
    tx: &mut Tx,
    tgw_id: &str,
    destination: &str,
) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "DELETE FROM transit_gateway_routes WHERE transit_gateway_id = $1 AND destination_cidr_block = $2",
    )
    .bind(tgw_id)
    .bind(destination)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn touch_transit_gateway(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE transit_gateways SET version = version + 1, updated_at = $1 WHERE transit_gateway_id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
