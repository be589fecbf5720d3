//! Tags of any resource: `{"Key": "Value"}` maps, stored one row per key.

use super::sql::{self, SqlBuilder, rows_in};
use super::{StoreError, Tx};
use sqlx::AnyPool;
use std::collections::{BTreeMap, HashMap};

pub type Tags = BTreeMap<String, String>;

/// A `tag=Key=Value` (or `tag=Key`, any value) list filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub key: String,
    pub value: Option<String>,
}

/// Replaces all tags of a resource.
pub async fn replace(
    tx: &mut Tx,
    account_id: &str,
    resource_id: &str,
    tags: &Tags,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "DELETE FROM tags WHERE resource_id = $1",
        (resource_id,),
    )
    .await?;
    for (k, v) in tags {
        sql::exec(
            &mut **tx,
            "INSERT INTO tags (resource_id, account_id, tag_key, tag_value) VALUES ($1, $2, $3, $4)",
            (resource_id, account_id, k, v),
        )
        .await?;
    }
    Ok(())
}

/// Tags of the given resources, by resource id (absent ids have no tags).
pub async fn for_resources(
    pool: &AnyPool,
    resource_ids: &[&str],
) -> Result<HashMap<String, Tags>, StoreError> {
    let rows: Vec<(String, String, String)> = rows_in(
        pool,
        "SELECT resource_id, tag_key, tag_value FROM tags WHERE ",
        "resource_id",
        resource_ids,
        "",
    )
    .await?;
    let mut out: HashMap<String, Tags> = HashMap::new();
    for (id, k, v) in rows {
        out.entry(id).or_default().insert(k, v);
    }
    Ok(out)
}

/// Narrows a list query to resources carrying every filter's tag.
pub fn push_filters(b: &mut SqlBuilder, id_col: &'static str, filters: &[TagFilter]) {
    for f in filters {
        b.push(" AND EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = ")
            .push(id_col)
            .push(" AND t.tag_key = ")
            .push_bind(f.key.clone());
        if let Some(v) = &f.value {
            b.push(" AND t.tag_value = ").push_bind(v.clone());
        }
        b.push(")");
    }
}
