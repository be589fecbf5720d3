//! Idempotency records: a create stores `(scope, key) -> resource` in the
//! same transaction as the resource itself, so a retry finds either both or
//! neither.

use super::sql;
use super::{StoreError, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdempotencyRecord {
    pub operation: String,
    pub request_sha256: String,
    pub resource_id: String,
}

pub async fn find(
    tx: &mut Tx,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRecord>, StoreError> {
    sql::fetch_optional(
        &mut **tx,
        "SELECT operation, request_sha256, resource_id FROM idempotency_keys \
         WHERE scope = $1 AND idempotency_key = $2",
        (scope, key),
    )
    .await
}

pub async fn insert(
    tx: &mut Tx,
    scope: &str,
    key: &str,
    record: &IdempotencyRecord,
    now_ms: i64,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO idempotency_keys \
         (scope, idempotency_key, operation, request_sha256, resource_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        (
            scope,
            key,
            &record.operation,
            &record.request_sha256,
            &record.resource_id,
            now_ms,
        ),
    )
    .await?;
    Ok(())
}

/// Forgets records older than `cutoff_ms` (keys are honoured for 24 hours).
pub async fn purge_before(pool: &sqlx::AnyPool, cutoff_ms: i64) -> Result<u64, StoreError> {
    let n = sql::exec(
        pool,
        "DELETE FROM idempotency_keys WHERE created_at < $1",
        (cutoff_ms,),
    )
    .await?;
    Ok(n)
}
