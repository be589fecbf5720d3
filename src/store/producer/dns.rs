//! The public DNS model: zones and their records.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Keyed, Page, PageSpec, keyed};
use crate::store::sql::{self, Reader, rows_in};
use crate::store::{StoreError, Tx};
use sqlx::{Any, AnyPool, Executor};

// ---- public DNS ----

/// A public zone: one account's, of one name (several accounts may hold
/// zones of a name; `linkplane_core::public_dns` decides which answers).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ZoneRow {
    pub account_id: String,
    pub zone_name: String,
    pub created_at: i64,
}
keyed!(ZoneRow, zone_name);

/// A record of one zone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecordRow {
    pub account_id: String,
    pub zone_name: String,
    pub record_name: String,
    pub record_type: String,
    pub value: String,
    pub created_at: i64,
}

/// Records page on `(created_at, record_name|record_type)`.
const RECORD_KEY: &str = "record_name || '|' || record_type";

impl Keyed for RecordRow {
    fn key(&self) -> (i64, String) {
        (
            self.created_at,
            format!("{}|{}", self.record_name, self.record_type),
        )
    }
}

/// Inserts a zone; `Conflict` when the account already has one of the name.
pub async fn insert_zone(tx: &mut Tx, r: &ZoneRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO public_dns_zones (account_id, zone_name, created_at) VALUES ($1, $2, $3)",
        (&r.account_id, &r.zone_name, r.created_at),
    )
    .await?;
    Ok(())
}

/// Zones of any account whose name is among `names`.
pub async fn zones_named<'a>(
    exec: impl Into<Reader<'a>>,
    names: &[&str],
) -> Result<Vec<ZoneRow>, StoreError> {
    rows_in(
        exec,
        "SELECT account_id, zone_name, created_at FROM public_dns_zones WHERE ",
        "zone_name",
        names,
        " ORDER BY zone_name, created_at, account_id",
    )
    .await
}

/// NS records, in any zone, named among `names`.
pub async fn delegations_at<'a>(
    exec: impl Into<Reader<'a>>,
    names: &[&str],
) -> Result<Vec<RecordRow>, StoreError> {
    rows_in(
        exec,
        "SELECT account_id, zone_name, record_name, record_type, value, created_at \
         FROM public_dns_records WHERE record_type = 'NS' AND ",
        "record_name",
        names,
        "",
    )
    .await
}

/// The account's zone of this name.
pub async fn get_zone<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    zone_name: &str,
) -> Result<Option<ZoneRow>, StoreError> {
    sql::fetch_optional(
        exec,
        "SELECT account_id, zone_name, created_at FROM public_dns_zones \
         WHERE account_id = $1 AND zone_name = $2",
        (account_id, zone_name),
    )
    .await
}

pub async fn list_zones(
    pool: &AnyPool,
    account_id: &str,
    spec: &PageSpec,
) -> Result<Page<ZoneRow>, StoreError> {
    list_page(
        pool,
        "account_id, zone_name, created_at",
        "public_dns_zones",
        ("account_id", account_id),
        "zone_name",
        &ListFilter::default(),
        spec,
    )
    .await
}

/// Deletes the account's zone and its records; false when there was none.
pub async fn delete_zone(
    tx: &mut Tx,
    account_id: &str,
    zone_name: &str,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM public_dns_zones WHERE account_id = $1 AND zone_name = $2",
        (account_id, zone_name),
    )
    .await?;
    Ok(n == 1)
}

/// Creates or replaces the record set (name, type) of one zone.
pub async fn put_record(tx: &mut Tx, r: &RecordRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO public_dns_records (account_id, zone_name, record_name, record_type, value, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (account_id, zone_name, record_name, record_type) \
         DO UPDATE SET value = excluded.value",
        (
            &r.account_id,
            &r.zone_name,
            &r.record_name,
            &r.record_type,
            &r.value,
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

/// The record (name, type) of one zone.
pub async fn get_record<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    zone_name: &str,
    name: &str,
    record_type: &str,
) -> Result<Option<RecordRow>, StoreError> {
    sql::fetch_optional(
        exec,
        "SELECT account_id, zone_name, record_name, record_type, value, created_at \
         FROM public_dns_records \
         WHERE account_id = $1 AND zone_name = $2 AND record_name = $3 AND record_type = $4",
        (account_id, zone_name, name, record_type),
    )
    .await
}

/// A page of one zone's records.
pub async fn list_records(
    pool: &AnyPool,
    account_id: &str,
    zone_name: &str,
    spec: &PageSpec,
) -> Result<Page<RecordRow>, StoreError> {
    list_page(
        pool,
        "account_id, zone_name, record_name, record_type, value, created_at",
        "public_dns_records",
        ("account_id", account_id),
        RECORD_KEY,
        &ListFilter::default().eq("zone_name", Some(zone_name)),
        spec,
    )
    .await
}

/// Deletes the record (name, type) of one zone; false when there was none.
pub async fn delete_record(
    tx: &mut Tx,
    account_id: &str,
    zone_name: &str,
    name: &str,
    record_type: &str,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM public_dns_records \
         WHERE account_id = $1 AND zone_name = $2 AND record_name = $3 AND record_type = $4",
        (account_id, zone_name, name, record_type),
    )
    .await?;
    Ok(n == 1)
}
