//! Internet gateways.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{self, fetch_owned};
use crate::store::{StoreError, Tx};
use sqlx::{Any, AnyPool, Executor};

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

const IGW_COLS: &str =
    "internet_gateway_id, account_id, region, vpc_id, created_at, updated_at, version";

pub async fn insert_internet_gateway(
    tx: &mut Tx,
    r: &InternetGatewayRow,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO internet_gateways (internet_gateway_id, account_id, region, vpc_id, \
         created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            &r.internet_gateway_id,
            &r.account_id,
            &r.region,
            &r.vpc_id,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_internet_gateway<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<InternetGatewayRow>, StoreError> {
    fetch_owned(
        exec,
        IGW_COLS,
        " FROM internet_gateways WHERE internet_gateway_id = ",
        id,
        account_id,
    )
    .await
}

pub async fn internet_gateway_of_vpc(
    tx: &mut Tx,
    vpc_id: &str,
) -> Result<Option<String>, StoreError> {
    let id: Option<(String,)> = sql::fetch_optional(
        &mut **tx,
        "SELECT internet_gateway_id FROM internet_gateways WHERE vpc_id = $1",
        (vpc_id,),
    )
    .await?;
    Ok(id.map(|(id,)| id))
}

/// Up to five public NAT gateways of a VPC (they need its internet
/// gateway), read inside the caller's transaction.
pub async fn public_nat_gateways_in(tx: &mut Tx, vpc_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT nat_gateway_id FROM nat_gateways WHERE vpc_id = $1 \
         AND connectivity_type = 'public' ORDER BY nat_gateway_id LIMIT 5",
        (vpc_id,),
    )
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
        IGW_COLS,
        "internet_gateways",
        ("account_id", account_id),
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
    sql::exec(
        &mut **tx,
        "UPDATE internet_gateways SET vpc_id = $1, updated_at = $2, version = version + 1 \
         WHERE internet_gateway_id = $3",
        (vpc_id, now, id),
    )
    .await?;
    Ok(())
}

pub async fn delete_internet_gateway(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM internet_gateways WHERE internet_gateway_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}
