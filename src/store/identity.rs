//! Accounts, principals, API keys and server settings.

use super::page::{self, Page, PageSpec, keyed};
use super::sql::{self, SqlBuilder};
use super::tags::{self, TagFilter};
use super::{StoreError, Tx};
use sqlx::AnyPool;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub account_id: String,
    pub name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(AccountRow, account_id);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PrincipalRow {
    pub arn: String,
    pub account_id: String,
    pub principal_type: String,
    pub name: String,
    pub created_at: i64,
}
keyed!(PrincipalRow, arn);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub key_id: String,
    pub principal_arn: String,
    pub account_id: String,
    pub secret_sha256: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}
keyed!(ApiKeyRow, key_id);

const ACCOUNT_COLS: &str = "account_id, name, created_at, updated_at, version";
const KEY_COLS: &str = "key_id, principal_arn, account_id, secret_sha256, created_at, revoked_at";

// ---- settings ----

pub async fn get_setting(pool: &AnyPool, name: &str) -> Result<Option<String>, StoreError> {
    let value: Option<(String,)> =
        sql::fetch_optional(pool, "SELECT value FROM settings WHERE name = $1", (name,)).await?;
    Ok(value.map(|(v,)| v))
}

/// Stores `value` unless the setting exists; answers the value now stored
/// (so that replicas starting together agree on one).
pub async fn put_setting_if_absent(
    pool: &AnyPool,
    name: &str,
    value: &str,
) -> Result<String, StoreError> {
    sql::exec(
        pool,
        "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        (name, value),
    )
    .await?;
    get_setting(pool, name).await?.ok_or(StoreError::NotFound)
}

pub async fn put_setting(pool: &AnyPool, name: &str, value: &str) -> Result<(), StoreError> {
    sql::exec(
        pool,
        "INSERT INTO settings (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )
    .await?;
    Ok(())
}

// ---- accounts ----

pub async fn insert_account(tx: &mut Tx, row: &AccountRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO accounts (account_id, name, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5)",
        (
            &row.account_id,
            &row.name,
            row.created_at,
            row.updated_at,
            row.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_account<'e, E>(exec: E, account_id: &str) -> Result<Option<AccountRow>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sql::fetch_optional(
        exec,
        "SELECT account_id, name, created_at, updated_at, version FROM accounts WHERE account_id = $1",
        (account_id,),
    )
    .await
}

#[derive(Debug, Default, Clone)]
pub struct AccountFilter {
    /// Only this account (what a non-admin caller may see).
    pub account_id: Option<String>,
    pub name: Option<String>,
    pub tags: Vec<TagFilter>,
}

pub async fn list_accounts(
    pool: &AnyPool,
    filter: &AccountFilter,
    spec: &PageSpec,
) -> Result<Page<AccountRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(ACCOUNT_COLS).push(" FROM accounts WHERE 1 = 1");
    if let Some(id) = &filter.account_id {
        b.push(" AND account_id = ").push_bind(id);
    }
    if let Some(n) = &filter.name {
        b.push(" AND name = ").push_bind(n);
    }
    tags::push_filters(&mut b, "accounts.account_id", &filter.tags, None);
    page::fetch(pool, b, "account_id", spec).await
}

/// Renames an account if its version is still `expected_version`; false
/// when another writer got there first.
pub async fn update_account(
    tx: &mut Tx,
    account_id: &str,
    name: &str,
    expected_version: i64,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE accounts SET name = $1, updated_at = $2, version = version + 1 \
         WHERE account_id = $3 AND version = $4",
        (name, now_ms, account_id, expected_version),
    )
    .await?;
    Ok(n == 1)
}

/// Bumps the version of an account whose tags changed.
pub async fn touch_account(
    tx: &mut Tx,
    account_id: &str,
    expected_version: i64,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE accounts SET updated_at = $1, version = version + 1 \
         WHERE account_id = $2 AND version = $3",
        (now_ms, account_id, expected_version),
    )
    .await?;
    Ok(n == 1)
}

// ---- principals ----

pub async fn insert_principal(tx: &mut Tx, row: &PrincipalRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO principals (arn, account_id, principal_type, name, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
        (
            &row.arn,
            &row.account_id,
            &row.principal_type,
            &row.name,
            row.created_at,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_principal<'e, E>(exec: E, arn: &str) -> Result<Option<PrincipalRow>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sql::fetch_optional(
        exec,
        "SELECT arn, account_id, principal_type, name, created_at FROM principals WHERE arn = $1",
        (arn,),
    )
    .await
}

pub async fn list_principals(
    pool: &AnyPool,
    account_id: &str,
    principal_type: Option<&str>,
    spec: &PageSpec,
) -> Result<Page<PrincipalRow>, StoreError> {
    let mut b = SqlBuilder::new(
        "SELECT arn, account_id, principal_type, name, created_at FROM principals WHERE account_id = ",
    );
    b.push_bind(account_id);
    if let Some(t) = principal_type {
        b.push(" AND principal_type = ").push_bind(t);
    }
    page::fetch(pool, b, "arn", spec).await
}

// ---- API keys ----

pub async fn insert_api_key(tx: &mut Tx, row: &ApiKeyRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO api_keys (key_id, principal_arn, account_id, secret_sha256, created_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, NULL)",
        (&row.key_id, &row.principal_arn, &row.account_id, &row.secret_sha256, row.created_at),
    )
    .await?;
    Ok(())
}

/// The key row an incoming bearer names: one primary-key read, no write.
pub async fn get_api_key<'e, E>(exec: E, key_id: &str) -> Result<Option<ApiKeyRow>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sql::fetch_optional(
        exec,
        "SELECT key_id, principal_arn, account_id, secret_sha256, created_at, revoked_at \
         FROM api_keys WHERE key_id = $1",
        (key_id,),
    )
    .await
}

#[derive(Debug, Default, Clone)]
pub struct ApiKeyFilter {
    pub account_id: Option<String>,
    pub principal_arn: Option<String>,
}

/// Active (unrevoked) keys.
pub async fn list_api_keys(
    pool: &AnyPool,
    filter: &ApiKeyFilter,
    spec: &PageSpec,
) -> Result<Page<ApiKeyRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(KEY_COLS)
        .push(" FROM api_keys WHERE revoked_at IS NULL");
    if let Some(a) = &filter.account_id {
        b.push(" AND account_id = ").push_bind(a);
    }
    if let Some(p) = &filter.principal_arn {
        b.push(" AND principal_arn = ").push_bind(p);
    }
    page::fetch(pool, b, "key_id", spec).await
}

/// Marks a key revoked; false when it was already revoked or never existed.
pub async fn revoke_api_key(tx: &mut Tx, key_id: &str, now_ms: i64) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL",
        (now_ms, key_id),
    )
    .await?;
    Ok(n == 1)
}

// ---- SigV4 secrets of API keys ----

/// A key row with its sealed SigV4 secret (None for keys made before the
/// column, or while no sealing key was configured).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeySigV4Row {
    pub key_id: String,
    pub principal_arn: String,
    pub account_id: String,
    pub revoked_at: Option<i64>,
    pub sigv4_secret_sealed: Option<String>,
}

/// Stores a key's sealed SigV4 secret, in the transaction that creates it.
pub async fn set_sigv4_secret(tx: &mut Tx, key_id: &str, sealed: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_keys SET sigv4_secret_sealed = $1 WHERE key_id = $2")
        .bind(sealed)
        .bind(key_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The key a signed request names: one primary-key read, no write.
pub async fn get_api_key_sigv4<'e, E>(
    exec: E,
    key_id: &str,
) -> Result<Option<ApiKeySigV4Row>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_as(
        "SELECT key_id, principal_arn, account_id, revoked_at, sigv4_secret_sealed \
         FROM api_keys WHERE key_id = $1",
    )
    .bind(key_id)
    .fetch_optional(exec)
    .await?)
}
