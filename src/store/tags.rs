//! Tags of any resource: `{"Key": "Value"}` maps, stored one row per key.

use super::filter::AnyOf;
use super::sql::{self, SqlBuilder, rows_in};
use super::{StoreError, Tx};
use sqlx::AnyPool;
use std::collections::{BTreeMap, HashMap};

pub type Tags = BTreeMap<String, String>;

/// A tag list filter: a resource stays when it has a tag with one of
/// `keys` (never empty) whose value is one of `values`. REST's
/// `tag=Key=Value` is one key and one value, `tag=Key` one key and any
/// value; EC2's `tag:Key` with values `Value.M` one key and those values,
/// `tag-key` with values `Value.M` any of those keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub keys: Vec<String>,
    pub values: AnyOf<String>,
}

impl TagFilter {
    /// Whether a resource with these tags stays.
    pub fn matches(&self, tags: &Tags) -> bool {
        self.keys
            .iter()
            .any(|k| tags.get(k).is_some_and(|v| self.values.admits(v)))
    }
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
            .push(" AND ")
            .push_in("t.tag_key", &f.keys);
        if !f.values.is_any() {
            b.push(" AND ").push_in("t.tag_value", f.values.values());
        }
        b.push(")");
    }
}
