//! Transit gateways with their attachments and static routes.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{self, Page, PageSpec, keyed};
use crate::store::sql::SqlBuilder;
use crate::store::sql::{self, fetch_owned};
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
keyed!(TransitGatewayRow, transit_gateway_id);

const TGW_COLS: &str =
    "transit_gateway_id, account_id, region, description, state, created_at, updated_at, version";

pub async fn insert_transit_gateway(tx: &mut Tx, r: &TransitGatewayRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO transit_gateways (transit_gateway_id, account_id, region, description, state, \
         created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        (
            &r.transit_gateway_id,
            &r.account_id,
            &r.region,
            &r.description,
            r.state.as_str(),
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_transit_gateway<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<TransitGatewayRow>, StoreError> {
    fetch_owned(
        exec,
        TGW_COLS,
        " FROM transit_gateways WHERE transit_gateway_id = ",
        id,
        account_id,
    )
    .await
}

pub async fn list_transit_gateways(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<TransitGatewayRow>, StoreError> {
    list_page(
        pool,
        TGW_COLS,
        "transit_gateways",
        ("account_id", account_id),
        "transit_gateway_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_transit_gateway(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM transit_gateways WHERE transit_gateway_id = $1",
        (id,),
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
keyed!(AttachmentRow, transit_gateway_attachment_id);

const ATTACHMENT_COLS: &str =
    "transit_gateway_attachment_id, transit_gateway_id, account_id, vpc_id, state, created_at";

/// One attachment of the account's, by id, with its subnet ids.
pub async fn get_attachment(
    conn: &mut sqlx::AnyConnection,
    account_id: &str,
    id: &str,
) -> Result<Option<(AttachmentRow, Vec<String>)>, StoreError> {
    let row: Option<AttachmentRow> = fetch_owned(
        &mut *conn,
        ATTACHMENT_COLS,
        " FROM transit_gateway_attachments WHERE transit_gateway_attachment_id = ",
        id,
        account_id,
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    let subnets = subnets_of(conn, id).await?;
    Ok(Some((row, subnets)))
}

/// The subnet ids of an attachment.
pub async fn subnets_of(
    conn: &mut sqlx::AnyConnection,
    attachment_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut *conn,
        "SELECT subnet_id FROM transit_gateway_attachment_subnets \
         WHERE transit_gateway_attachment_id = $1 ORDER BY subnet_id",
        (attachment_id,),
    )
    .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// The account's attachments across its gateways (those of gateways in
/// `region` when given), with `filter`'s equalities (`transit_gateway_id`,
/// `vpc_id`).
pub async fn list_attachments(
    pool: &AnyPool,
    account_id: &str,
    region: Option<&str>,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<AttachmentRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(ATTACHMENT_COLS)
        .push(" FROM transit_gateway_attachments WHERE account_id = ")
        .push_bind(account_id);
    if let Some(r) = region {
        b.push(
            " AND transit_gateway_id IN (SELECT transit_gateway_id FROM transit_gateways WHERE region = ",
        )
        .push_bind(r)
        .push(")");
    }
    filter.push_eq(&mut b, "", crate::store::Backend::of(pool));
    page::fetch(pool, b, "transit_gateway_attachment_id", spec).await
}

pub async fn insert_attachment(
    tx: &mut Tx,
    r: &AttachmentRow,
    subnets: &[(String, String)],
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO transit_gateway_attachments (transit_gateway_attachment_id, \
         transit_gateway_id, account_id, vpc_id, state, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        (
            &r.transit_gateway_attachment_id,
            &r.transit_gateway_id,
            &r.account_id,
            &r.vpc_id,
            r.state.as_str(),
            r.created_at,
        ),
    )
    .await?;
    for (subnet_id, zone_id) in subnets {
        sql::exec(
            &mut **tx,
            "INSERT INTO transit_gateway_attachment_subnets (transit_gateway_attachment_id, \
             subnet_id, zone_id) VALUES ($1, $2, $3)",
            (&r.transit_gateway_attachment_id, subnet_id, zone_id),
        )
        .await?;
    }
    Ok(())
}

/// Attachments of a gateway, oldest first, each with its subnet ids.
pub async fn attachments_of(
    conn: &mut sqlx::AnyConnection,
    tgw_id: &str,
) -> Result<Vec<(AttachmentRow, Vec<String>)>, StoreError> {
    let rows: Vec<AttachmentRow> = sql::fetch_all(
        &mut *conn,
        "SELECT transit_gateway_attachment_id, transit_gateway_id, account_id, vpc_id, state, \
         created_at FROM transit_gateway_attachments WHERE transit_gateway_id = $1 \
         ORDER BY created_at, transit_gateway_attachment_id",
        (tgw_id,),
    )
    .await?;
    let subnets: Vec<(String, String)> = sql::fetch_all(
        &mut *conn,
        "SELECT s.transit_gateway_attachment_id, s.subnet_id FROM transit_gateway_attachment_subnets s \
         JOIN transit_gateway_attachments a ON a.transit_gateway_attachment_id = s.transit_gateway_attachment_id \
         WHERE a.transit_gateway_id = $1 ORDER BY s.subnet_id",
        (tgw_id,),
    )
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
    sql::exec(
        &mut **tx,
        "DELETE FROM transit_gateway_attachments WHERE transit_gateway_attachment_id = $1",
        (id,),
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
    sql::exec(
        &mut **tx,
        "INSERT INTO transit_gateway_routes (transit_gateway_id, destination_cidr_block, \
         transit_gateway_attachment_id, blackhole, created_at) VALUES ($1, $2, $3, $4, $5)",
        (
            &r.transit_gateway_id,
            &r.destination_cidr_block,
            &r.transit_gateway_attachment_id,
            r.blackhole,
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

pub async fn tgw_routes<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    tgw_id: &str,
) -> Result<Vec<TgwRouteRow>, StoreError> {
    sql::fetch_all(
        exec,
        "SELECT transit_gateway_id, destination_cidr_block, transit_gateway_attachment_id, \
         blackhole, created_at FROM transit_gateway_routes WHERE transit_gateway_id = $1 \
         ORDER BY created_at, destination_cidr_block",
        (tgw_id,),
    )
    .await
}

pub async fn delete_tgw_route(
    tx: &mut Tx,
    tgw_id: &str,
    destination: &str,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM transit_gateway_routes WHERE transit_gateway_id = $1 AND destination_cidr_block = $2",
        (tgw_id, destination),
    )
    .await?;
    Ok(n == 1)
}

pub async fn touch_transit_gateway(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE transit_gateways SET version = version + 1, updated_at = $1 WHERE transit_gateway_id = $2",
        (now, id),
    )
    .await?;
    Ok(())
}
