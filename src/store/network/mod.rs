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
use super::filter::ListFilter;
use super::page::{self, Keyed, Page, PageSpec};
use super::sql::SqlBuilder;
use sqlx::AnyPool;

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
