//! Internet gateways.

use super::{ListFilter, list_page};
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::run_by_id;
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
    run_by_id(
        tx,
        "DELETE FROM internet_gateways WHERE internet_gateway_id = $1",
        id,
    )
    .await?;
    Ok(())
}
