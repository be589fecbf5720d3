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
}

/// Runs `SELECT <cols> FROM <table> WHERE <scope>` with the filters and
/// a keyset page. `scope` is a static condition whose `$1` the caller binds
/// first (typically `account_id = $1`).
pub(super) async fn list_page<T>(
    pool: &AnyPool,
    select: &'static str,
    scope_value: &str,
    id_col: &'static str,
    filter: &ListFilter,
    spec: &PageSpec,
) -> Result<Page<T>, StoreError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Keyed + Send + Unpin,
{
    let mut b = SqlBuilder::new(select);
    b.push_bind(scope_value);
    for (col, v) in &filter.eq {
        b.push(" AND ").push(col).push(" = ").push_bind(v.clone());
    }
    tags::push_filters(&mut b, id_col, &filter.tags);
    page::push_keyset(&mut b, "created_at", id_col, spec);
    let rows: Vec<T> = b.build_query_as().fetch_all(pool).await?;
    Ok(page::finish(rows, spec))
}
