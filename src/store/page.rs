//! Keyset ("seek") pagination: lists are ordered by `(created_at, id)` and a
//! page continues strictly after the last row of the previous one, so rows
//! inserted while a client pages never shift, duplicate or hide others.

use super::StoreError;
use super::sql::SqlBuilder;
use sqlx::AnyPool;
use sqlx::any::AnyRow;

/// Where a page starts and how long it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSpec {
    pub limit: u32,
    /// `(created_at, id)` of the last row already seen.
    pub after: Option<(i64, String)>,
}

/// One page of rows and, when more remain, the key to continue after.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<(i64, String)>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

/// Implements [`Keyed`] for a row type with `created_at` and the given id field.
macro_rules! keyed {
    ($row:ty, $id:ident) => {
        impl $crate::store::page::Keyed for $row {
            fn key(&self) -> (i64, String) {
                (self.created_at, self.$id.clone())
            }
        }
    };
}
pub(crate) use keyed;

/// Something a page can be cut after.
pub trait Keyed {
    fn key(&self) -> (i64, String);
}

/// Appends the keyset condition, order and limit (one more row than asked,
/// to learn whether another page exists). `created_col` and `id_col` are
/// static column names of the query.
pub fn push_keyset(
    b: &mut SqlBuilder,
    created_col: &'static str,
    id_col: &'static str,
    spec: &PageSpec,
) {
    if let Some((t, id)) = &spec.after {
        // A row-value comparison, which both SQLite and Postgres turn into
        // an index range seek: the last page costs what the first does.
        // (The equivalent `a > x OR (a = x AND b > y)` makes SQLite scan
        // from the start of the range.)
        b.push(" AND (")
            .push(created_col)
            .push(", ")
            .push(id_col)
            .push(") > (")
            .push_bind(*t)
            .push(", ")
            .push_bind(id.clone())
            .push(")");
    }
    b.push(" ORDER BY ")
        .push(created_col)
        .push(", ")
        .push(id_col);
    b.push(" LIMIT ").push_bind(i64::from(spec.limit) + 1);
}

/// Runs `b` (a list query up to the end of its conditions) as one page in
/// `(created_at, id_col)` order: [`push_keyset`], then [`finish`].
pub async fn fetch<T>(
    pool: &AnyPool,
    mut b: SqlBuilder,
    id_col: &'static str,
    spec: &PageSpec,
) -> Result<Page<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Keyed + Send + Unpin,
{
    push_keyset(&mut b, "created_at", id_col, spec);
    super::plan::note(pool, &b).await?;
    let rows: Vec<T> = b.build_query_as().fetch_all(pool).await?;
    Ok(finish(rows, spec))
}

/// [`fetch`] for a page that comes back as one row holding a JSON array: on
/// SQLite every result row crosses from the driver's worker thread on its
/// own, which costs more than the row; one aggregated row does not (see
/// docs/benchmarks.md). `b` is `SELECT <JSON aggregate> FROM (<list query>`
/// up to the end of the list query's conditions; the keyset goes on
/// `(created_col, id_col)` of the list query. `what` names the page in a
/// message when the JSON does not decode.
pub async fn fetch_json<R>(
    pool: &AnyPool,
    mut b: SqlBuilder,
    (created_col, id_col): (&'static str, &'static str),
    spec: &PageSpec,
    what: &str,
) -> Result<Vec<R>, StoreError>
where
    R: serde::de::DeserializeOwned,
{
    push_keyset(&mut b, created_col, id_col, spec);
    b.push(") t");
    super::plan::note(pool, &b).await?;
    let (json,): (String,) = b.build_query_as().fetch_one(pool).await?;
    serde_json::from_str(&json).map_err(|e| StoreError::Other(format!("{what}: {e}")))
}

/// [`finish`] for rows that arrive in any order (an aggregate need not keep
/// its subquery's): sorts them by key first.
pub fn finish_unordered<T: Keyed>(mut rows: Vec<T>, spec: &PageSpec) -> Page<T> {
    rows.sort_by_cached_key(Keyed::key);
    finish(rows, spec)
}

/// Cuts the extra row off and computes the continuation key.
pub fn finish<T: Keyed>(mut rows: Vec<T>, spec: &PageSpec) -> Page<T> {
    let limit = spec.limit as usize;
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(Keyed::key);
        Page { items: rows, next }
    } else {
        Page {
            items: rows,
            next: None,
        }
    }
}
