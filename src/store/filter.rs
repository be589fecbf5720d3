//! What a list is narrowed by: equality on columns, each to any of several
//! values (EC2's `Filter.N.Value.M`, a REST query parameter's one value),
//! and tags.

use super::page::{self, Keyed, Page, PageSpec};
use super::sql::{SqlBuilder, Value};
use super::tags::{self, TagFilter};
use super::{Backend, StoreError};
use sqlx::AnyPool;

/// Whose rows a read may see: one account's, or any account's (a peering
/// accepter's VPC, a consumer's view of a producer's service, the harness).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Account(&'a str),
    AnyAccount,
}

impl Scope<'_> {
    /// Appends ` AND account_id = ?` when the scope is one account.
    pub fn push(self, b: &mut SqlBuilder) {
        if let Scope::Account(a) = self {
            b.push(" AND account_id = ").push_bind(a);
        }
    }
}

/// The values a list narrows one field to: an item stays when its field is
/// one of them. No values at all narrows nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnyOf<T>(Vec<T>);

impl<T> Default for AnyOf<T> {
    fn default() -> Self {
        AnyOf(Vec::new())
    }
}

impl<T> From<Option<T>> for AnyOf<T> {
    fn from(v: Option<T>) -> Self {
        AnyOf(v.into_iter().collect())
    }
}

impl<T> From<Vec<T>> for AnyOf<T> {
    fn from(v: Vec<T>) -> Self {
        AnyOf(v)
    }
}

impl<T> AnyOf<T> {
    pub fn values(&self) -> &[T] {
        &self.0
    }

    /// Whether this narrows nothing.
    pub fn is_any(&self) -> bool {
        self.0.is_empty()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> AnyOf<U> {
        AnyOf(self.0.into_iter().map(f).collect())
    }

    /// Whether an item whose field is `v` stays.
    pub fn admits<Q>(&self, v: &Q) -> bool
    where
        T: PartialEq<Q>,
        Q: ?Sized,
    {
        self.0.is_empty() || self.0.iter().any(|x| x == v)
    }
}

/// Filters shared by every list: equality filters on columns (each to any
/// of its values) and tags.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub eq: Vec<(&'static str, Vec<Value>)>,
    pub tags: Vec<TagFilter>,
}

impl ListFilter {
    /// Narrows `col` to any of `v`'s values (`None` or no values: not at all).
    pub fn eq<V: Into<Value>>(mut self, col: &'static str, v: impl Into<AnyOf<V>>) -> Self {
        let AnyOf(values) = v.into();
        if !values.is_empty() {
            self.eq
                .push((col, values.into_iter().map(Into::into).collect()));
        }
        self
    }

    /// Appends ` AND <prefix><col> IN (...)` for each equality filter.
    ///
    /// The list seeks by the first (services name their filters most
    /// selective first: a subnet before its VPC, a VPC before a state).
    /// SQLite's planner has no statistics to choose between the filters'
    /// indexes by, so there the others are written `+column`, which it
    /// tests on the rows the first's index yields instead of seeking;
    /// Postgres chooses by its statistics.
    pub(crate) fn push_eq(&self, b: &mut SqlBuilder, prefix: &'static str, backend: Backend) {
        for (i, (col, values)) in self.eq.iter().enumerate() {
            b.push(" AND ");
            if i > 0 && backend == Backend::Sqlite {
                b.push("+");
            }
            b.push(prefix).push_in(col, values);
        }
    }

    /// Appends the equality filters and the tag filters on `id_col`.
    pub(crate) fn push_all(&self, b: &mut SqlBuilder, id_col: &'static str, backend: Backend) {
        self.push_eq(b, "", backend);
        tags::push_filters(b, id_col, &self.tags, None);
    }
}

/// One keyset page of `table`'s rows of one scope (`scope_col =
/// scope_value`: an account's, or a load balancer's listeners), in
/// `(created_at, id_col)` order, narrowed by `filter`.
///
/// The equality filters of the lists `tests/api/plans.rs` names have
/// indexes on `(scope, column, created_at, id)` (migration 0014), so such
/// a page is a range of one ([`ListFilter::push_eq`]). A tag filter that
/// few resources match ([`tags::driving`]) drives the query instead: the
/// tag index yields the matching resources, each is read by its key, and
/// the few found are sorted. A tag filter that many match leaves the query
/// to walk the scope in page order, testing each row's tags by key, and a
/// page then fills after a few rows per match.
pub async fn list_page<T>(
    pool: &AnyPool,
    cols: &'static str,
    table: &'static str,
    (scope_col, scope_value): (&'static str, &str),
    id_col: &'static str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Keyed + Send + Unpin,
{
    // Tags belong to an account: a list with tag filters is scoped by one.
    debug_assert!(filter.tags.is_empty() || scope_col == "account_id");
    let account = (scope_col == "account_id").then_some(scope_value);
    let driving = match account {
        Some(a) => tags::driving(pool, a, &filter.tags).await?,
        None => None,
    };
    let mut b = SqlBuilder::new("SELECT ");
    b.push(cols);
    match (driving, account) {
        (Some(i), Some(a)) => {
            b.push(" FROM (");
            tags::push_matching(&mut b, a, &filter.tags[i]);
            b.push(") d CROSS JOIN ")
                .push(table)
                .push(" WHERE ")
                .push(id_col)
                .push(" = d.resource_id AND ");
        }
        _ => {
            b.push(" FROM ").push(table).push(" WHERE ");
        }
    }
    b.push(scope_col).push(" = ").push_bind(scope_value);
    filter.push_eq(&mut b, "", Backend::of(pool));
    tags::push_filters(&mut b, id_col, &filter.tags, driving);
    page::fetch(pool, b, id_col, spec).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_values_admit_everything_and_some_admit_only_themselves() {
        let any: AnyOf<String> = None.into();
        assert!(any.is_any() && any.admits("vpc-1"));
        let two = AnyOf::from(vec!["vpc-1".to_string(), "vpc-2".to_string()]);
        assert!(two.admits("vpc-1") && two.admits("vpc-2"));
        assert!(!two.admits("vpc-3"));
    }

    #[test]
    fn one_value_is_an_equality_and_several_an_in_list() {
        let f = ListFilter::default()
            .eq("vpc_id", Some("vpc-1"))
            .eq("state", AnyOf::from(vec!["available", "pending"]))
            .eq("zone_id", None::<String>);
        let mut b = SqlBuilder::new("SELECT 1 FROM t WHERE a = 1");
        f.push_eq(&mut b, "t.", Backend::Postgres);
        assert_eq!(
            b.sql(),
            "SELECT 1 FROM t WHERE a = 1 AND t.vpc_id = $1 AND t.state IN ($2, $3)"
        );
        // SQLite seeks by the first filter alone.
        let mut b = SqlBuilder::new("SELECT 1 FROM t WHERE a = 1");
        f.push_eq(&mut b, "t.", Backend::Sqlite);
        assert_eq!(
            b.sql(),
            "SELECT 1 FROM t WHERE a = 1 AND t.vpc_id = $1 AND +t.state IN ($2, $3)"
        );
    }
}
