//! Transit gateways with their attachments and static routes.

use super::ListFilter;
use crate::store::page::{self, Keyed, Page, PageSpec};
use crate::store::sql::{SqlBuilder, run_by_id};
use crate::store::tags::{self};
use crate::store::{StoreError, Stored, Tx};
use linkplane_core::lifecycle::{TransitGatewayAttachmentState, TransitGatewayState};
use sqlx::{Any, AnyPool, Executor};

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
    run_by_id(
        tx,
        "DELETE FROM transit_gateways WHERE transit_gateway_id = $1",
        id,
    )
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
    run_by_id(
        tx,
        "DELETE FROM transit_gateway_attachments WHERE transit_gateway_attachment_id = $1",
        id,
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TgwRouteRow {
    pub transit_gateway_id: String,
    pub destination_cidr_block: String,
    pub transit_gateway_attachment_id: Option<String>,
    #[sqlx(try_from = "crate::store::Flag")]
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
