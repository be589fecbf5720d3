//! Keyset ("seek") pagination: lists are ordered by `(created_at, id)` and a
//! page continues strictly after the last row of the previous one, so rows
//! inserted while a client pages never shift, duplicate or hide others.

use super::sql::SqlBuilder;

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
