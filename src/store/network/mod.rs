//! The network model's tables: VPCs, subnets and their free address ranges,
//! network interfaces, route tables and routes, security groups and rules,
//! internet and NAT gateways, peering connections, transit gateways.
//!
//! Every query of an account's resource is scoped by `account_id`; a row of
//! another account reads as absent. Lists are keyset-paginated on
//! `(created_at, id)`.
//!
//! One file per family, as in `service::network`; every row type and query
//! is re-exported here, so `store::network::get_vpc` names them all.

pub mod gateway;
pub mod interface;
pub mod peering;
pub mod routing;
pub mod security;
pub mod transit;
pub mod vpc;

pub use gateway::*;
pub use interface::*;
pub use peering::*;
pub use routing::*;
pub use security::*;
pub use transit::*;
pub use vpc::*;

use super::StoreError;
use super::page::{self, Keyed, Page, PageSpec};
use super::sql::{SqlBuilder, Value};
use super::tags::{self, TagFilter};
use sqlx::AnyPool;

/// Filters shared by every list: the owner, and optional equality filters on
/// columns, and tags.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub eq: Vec<(&'static str, Value)>,
    pub tags: Vec<TagFilter>,
}

impl ListFilter {
    pub fn eq(mut self, col: &'static str, v: Option<impl Into<Value>>) -> Self {
        if let Some(v) = v {
            self.eq.push((col, v.into()));
        }
        self
    }

    /// Appends ` AND <prefix><col> = $n` for each equality filter.
    pub(crate) fn push_eq(&self, b: &mut SqlBuilder, prefix: &'static str) {
        for (col, v) in &self.eq {
            b.push(" AND ")
                .push(prefix)
                .push(col)
                .push(" = ")
                .push_bind(v.clone());
        }
    }

    /// Appends the equality filters and the tag filters on `id_col`.
    pub(crate) fn push_all(&self, b: &mut SqlBuilder, id_col: &'static str) {
        self.push_eq(b, "");
        tags::push_filters(b, id_col, &self.tags);
    }
}

/// Runs `SELECT <cols><from_where><scope_value>` with the filters and a
/// keyset page on `(created_at, id_col)`. `from_where` ends with a
/// condition's `column = `, like ` FROM vpcs WHERE account_id = ` (as in
/// [`fetch_owned`](crate::store::sql::fetch_owned)).
pub(super) async fn list_page<T>(
    pool: &AnyPool,
    cols: &'static str,
    from_where: &'static str,
    scope_value: &str,
    id_col: &'static str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Keyed + Send + Unpin,
{
    let mut b = SqlBuilder::new("SELECT ");
    b.push(cols).push(from_where).push_bind(scope_value);
    filter.push_all(&mut b, id_col);
    page::fetch(pool, b, id_col, spec).await
}
