//! Security groups and their rules.

use crate::store::filter::ListFilter;
use crate::store::filter::list_page;
use crate::store::page::{Page, PageSpec, keyed};
use crate::store::sql::{self, fetch_owned, rows_in};
use crate::store::{StoreError, Tx};
use sqlx::{Any, AnyPool, Executor};

// ---- security groups ----

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecurityGroupRow {
    pub group_id: String,
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    pub group_name: String,
    pub description: String,
    #[sqlx(try_from = "crate::store::Flag")]
    pub is_default: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}
keyed!(SecurityGroupRow, group_id);

const SG_COLS: &str = "group_id, account_id, vpc_id, region, group_name, description, is_default, \
    created_at, updated_at, version";

pub async fn insert_security_group(tx: &mut Tx, r: &SecurityGroupRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO security_groups (group_id, account_id, vpc_id, region, group_name, \
         description, is_default, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        (
            &r.group_id,
            &r.account_id,
            &r.vpc_id,
            &r.region,
            &r.group_name,
            &r.description,
            r.is_default,
            r.created_at,
            r.updated_at,
            r.version,
        ),
    )
    .await?;
    Ok(())
}

pub async fn get_security_group<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<SecurityGroupRow>, StoreError> {
    fetch_owned(
        exec,
        SG_COLS,
        " FROM security_groups WHERE group_id = ",
        id,
        account_id,
    )
    .await
}

pub async fn list_security_groups(
    pool: &AnyPool,
    account_id: &str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<SecurityGroupRow>, StoreError> {
    list_page(
        pool,
        SG_COLS,
        "security_groups",
        ("account_id", account_id),
        "group_id",
        filter,
        spec,
    )
    .await
}

pub async fn delete_security_group(tx: &mut Tx, id: &str) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM security_groups WHERE group_id = $1",
        (id,),
    )
    .await?;
    Ok(())
}

pub async fn touch_security_group(tx: &mut Tx, id: &str, now: i64) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE security_groups SET version = version + 1, updated_at = $1 WHERE group_id = $2",
        (now, id),
    )
    .await?;
    Ok(())
}

/// What keeps a security group from being deleted: interfaces using it and
/// rules of other groups referencing it.
pub async fn security_group_dependents(
    tx: &mut Tx,
    group_id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sql::fetch_all(
        &mut **tx,
        "SELECT network_interface_id FROM network_interface_groups WHERE group_id = $1 \
         UNION ALL SELECT group_id FROM security_group_rules WHERE ref_group_id = $1 AND group_id <> $1",
        (group_id,),
    )
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).take(5).collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub rule_id: String,
    pub group_id: String,
    pub account_id: String,
    pub direction: String,
    pub protocol: String,
    pub from_port: i64,
    pub to_port: i64,
    pub cidr: Option<String>,
    pub prefix_list_id: Option<String>,
    pub ref_group_id: Option<String>,
    pub description: Option<String>,
    pub rule_key: String,
    pub created_at: i64,
}

pub async fn insert_rule(tx: &mut Tx, r: &RuleRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO security_group_rules (rule_id, group_id, account_id, direction, protocol, \
         from_port, to_port, cidr, prefix_list_id, ref_group_id, description, rule_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        (
            &r.rule_id,
            &r.group_id,
            &r.account_id,
            &r.direction,
            &r.protocol,
            r.from_port,
            r.to_port,
            &r.cidr,
            &r.prefix_list_id,
            &r.ref_group_id,
            &r.description,
            &r.rule_key,
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

pub async fn rules_of(pool: &AnyPool, group_ids: &[&str]) -> Result<Vec<RuleRow>, StoreError> {
    rows_in(
        pool,
        "SELECT rule_id, group_id, account_id, direction, protocol, from_port, to_port, cidr, \
         prefix_list_id, ref_group_id, description, rule_key, created_at \
         FROM security_group_rules WHERE ",
        "group_id",
        group_ids,
        " ORDER BY group_id, created_at, rule_id",
    )
    .await
}

/// Deletes a rule of the group; false when it has no such rule.
pub async fn delete_rule(tx: &mut Tx, group_id: &str, rule_id: &str) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM security_group_rules WHERE group_id = $1 AND rule_id = $2",
        (group_id, rule_id),
    )
    .await?;
    Ok(n == 1)
}
