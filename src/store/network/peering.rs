//! Peering connections: visible to both accounts, the requester's and
//! the accepter's.

use crate::store::filter::ListFilter;
use crate::store::page::{self, Page, PageSpec, keyed};
use crate::store::sql::{self, SqlBuilder};
use crate::store::{StoreError, Stored, Tx};
use linkplane_core::lifecycle::PeeringState;
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
keyed!(PeeringRow, vpc_peering_connection_id);

const PCX_COLS: &str = "vpc_peering_connection_id, requester_account_id, requester_vpc_id, \
    requester_region, requester_cidr_block, accepter_account_id, accepter_vpc_id, accepter_region, \
    accepter_cidr_block, status, status_message, created_at, updated_at, version";

pub async fn insert_peering(tx: &mut Tx, r: &PeeringRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO vpc_peering_connections (vpc_peering_connection_id, requester_account_id, \
         requester_vpc_id, requester_region, requester_cidr_block, accepter_account_id, \
         accepter_vpc_id, accepter_region, accepter_cidr_block, status, status_message, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        (
            &r.vpc_peering_connection_id,
            &r.requester_account_id,
            &r.requester_vpc_id,
            &r.requester_region,
            &r.requester_cidr_block,
            &r.accepter_account_id,
            &r.accepter_vpc_id,
            &r.accepter_region,
            &r.accepter_cidr_block,
            r.status.as_str(),
            &r.status_message,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
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

/// Peering connections the account is a side of. `vpc_id` matches either
/// side; `region`, when given, keeps those where the account's own side
/// (requester or accepter) is in that region.
pub async fn list_peerings(
    pool: &AnyPool,
    account_id: &str,
    region: Option<&str>,
    vpc_id: Option<&str>,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<PeeringRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(PCX_COLS)
        .push(" FROM vpc_peering_connections WHERE ");
    match region {
        None => {
            b.push("(requester_account_id = ")
                .push_bind(account_id)
                .push(" OR accepter_account_id = ")
                .push_bind(account_id)
                .push(")");
        }
        Some(r) => {
            b.push("((requester_account_id = ")
                .push_bind(account_id)
                .push(" AND requester_region = ")
                .push_bind(r)
                .push(") OR (accepter_account_id = ")
                .push_bind(account_id)
                .push(" AND accepter_region = ")
                .push_bind(r)
                .push("))");
        }
    }
    if let Some(v) = vpc_id {
        b.push(" AND (requester_vpc_id = ")
            .push_bind(v)
            .push(" OR accepter_vpc_id = ")
            .push_bind(v)
            .push(")");
    }
    filter.push_all(
        &mut b,
        "vpc_peering_connection_id",
        crate::store::Backend::of(pool),
    );
    page::fetch(pool, b, "vpc_peering_connection_id", spec).await
}

/// A live (pending or active) peering between the two VPCs, either way round.
pub async fn live_peering_between(
    tx: &mut Tx,
    a: &str,
    b: &str,
) -> Result<Option<String>, StoreError> {
    let id: Option<(String,)> = sql::fetch_optional(
        &mut **tx,
        "SELECT vpc_peering_connection_id FROM vpc_peering_connections \
         WHERE status IN ($3, $4) \
         AND ((requester_vpc_id = $1 AND accepter_vpc_id = $2) \
           OR (requester_vpc_id = $2 AND accepter_vpc_id = $1))",
        (
            a,
            b,
            PeeringState::LIVE[0].as_str(),
            PeeringState::LIVE[1].as_str(),
        ),
    )
    .await?;
    Ok(id.map(|(id,)| id))
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
    let n = sql::exec(
        &mut **tx,
        "UPDATE vpc_peering_connections SET status = $1, status_message = $2, updated_at = $3, \
         version = version + 1 WHERE vpc_peering_connection_id = $4 AND version = $5",
        (status.as_str(), message, now, id, version),
    )
    .await?;
    Ok(n == 1)
}

/// Marks every live peering of a VPC deleted (the VPC is going away).
pub async fn delete_peerings_of_vpc(tx: &mut Tx, vpc_id: &str, now: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE vpc_peering_connections SET status = $3, \
         status_message = 'Deleted with its VPC', updated_at = $1, version = version + 1 \
         WHERE status IN ($4, $5) \
         AND (requester_vpc_id = $2 OR accepter_vpc_id = $2)",
        (
            now,
            vpc_id,
            PeeringState::Deleted.as_str(),
            PeeringState::LIVE[0].as_str(),
            PeeringState::LIVE[1].as_str(),
        ),
    )
    .await?;
    Ok(())
}
