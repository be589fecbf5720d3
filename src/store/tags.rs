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
    add(tx, account_id, resource_id, tags).await
}

/// Tags a resource that has none yet (one just created): one insert of
/// all its tags.
pub async fn add(
    tx: &mut Tx,
    account_id: &str,
    resource_id: &str,
    tags: &Tags,
) -> Result<(), StoreError> {
    sql::insert_all(
        &mut **tx,
        "INSERT INTO tags (resource_id, account_id, tag_key, tag_value) VALUES ",
        tags.iter()
            .map(|(k, v)| [resource_id.into(), account_id.into(), k.into(), v.into()]),
    )
    .await?;
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

/// A tag filter that fewer resources than this match drives its list (see
/// [`list_page`](super::filter::list_page)): sorting that many found rows
/// costs less than walking the scope for them.
pub const DRIVING_BELOW: i64 = 1000;

/// The first of `filters` that fewer than [`DRIVING_BELOW`] of `account`'s
/// resources match: one bounded seek of the tag index each.
pub async fn driving(
    pool: &AnyPool,
    account: &str,
    filters: &[TagFilter],
) -> Result<Option<usize>, StoreError> {
    for (i, f) in filters.iter().enumerate() {
        let mut b = SqlBuilder::new("SELECT COUNT(*) FROM (");
        push_matching(&mut b, account, f);
        b.push(" LIMIT ").push_bind(DRIVING_BELOW).push(") m");
        let (n,): (i64,) = b.build_query_as().fetch_one(pool).await?;
        if n < DRIVING_BELOW {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `SELECT DISTINCT t.resource_id FROM tags t WHERE ...`: `account`'s
/// resources that carry `f`'s tag, from the tag index alone.
pub fn push_matching(b: &mut SqlBuilder, account: &str, f: &TagFilter) {
    b.push("SELECT DISTINCT t.resource_id FROM tags t WHERE t.account_id = ")
        .push_bind(account);
    push_tag(b, f);
}

fn push_tag(b: &mut SqlBuilder, f: &TagFilter) {
    b.push(" AND ").push_in("t.tag_key", &f.keys);
    if !f.values.is_any() {
        b.push(" AND ").push_in("t.tag_value", f.values.values());
    }
}

/// Narrows a list query to resources carrying every filter's tag but the
/// `driving` one (which the query is already joined to): a test of each
/// row's own tags by their key, so a page costs the rows it walks to fill
/// up, however many resources carry the tag.
pub fn push_filters(
    b: &mut SqlBuilder,
    id_col: &'static str,
    filters: &[TagFilter],
    driving: Option<usize>,
) {
    for (i, f) in filters.iter().enumerate() {
        if Some(i) == driving {
            continue;
        }
        b.push(" AND EXISTS (SELECT 1 FROM tags t WHERE t.resource_id = ")
            .push(id_col);
        push_tag(b, f);
        b.push(")");
    }
}
