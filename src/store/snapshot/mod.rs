//! Reads the whole network, as the route resolver's [`Network`], in one
//! read transaction, together with the network version it is the network
//! of (migration 0006 bumps the version in every writing transaction).
//!
//! One loader per family (`network`, `producer`, `consumer`), each reading
//! its tables into named row types. A row the resolver's model cannot hold
//! (a CIDR block that does not parse, an unknown kind or protocol, an
//! address out of range, a child whose parent is not in the snapshot) is an
//! error naming the table, column and row, never skipped.

mod consumer;
mod network;
mod producer;

use super::{Backend, Store, StoreError, sql};
use linkplane_core::net::Ipv4Cidr;
use linkplane_core::resolve::catalog_prefix_lists;
use linkplane_core::resolve::model::Network;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::fmt::Display;

const VERSION_SQL: &str = "SELECT CAST(SUM(version) AS BIGINT) FROM network_version";

/// The current network version (one small read).
pub async fn version(store: &Store) -> Result<i64, StoreError> {
    let (v,): (Option<i64>,) = sql::fetch_one(store.pool(), VERSION_SQL, ()).await?;
    Ok(v.unwrap_or(0))
}

/// Loads every resource the resolver reads and the version they are at.
pub async fn load(store: &Store) -> Result<(i64, Network), StoreError> {
    let mut tx = store.pool().begin().await?;
    if store.backend() == Backend::Postgres {
        sql::exec(
            &mut *tx,
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            (),
        )
        .await?;
    }
    let (version,): (Option<i64>,) = sql::fetch_one(&mut *tx, VERSION_SQL, ()).await?;
    let mut net = Network {
        prefix_lists: catalog_prefix_lists(),
        ..Network::default()
    };
    network::load(&mut tx, &mut net).await?;
    let verified_names = producer::load(&mut tx, &mut net).await?;
    consumer::load(&mut tx, &mut net, &verified_names).await?;
    tx.commit().await?;
    Ok((version.unwrap_or(0), net))
}

/// A stored value the snapshot cannot read: `column` is `table.column`,
/// `id` the row's.
fn bad(column: &str, id: &str, why: impl Display) -> StoreError {
    StoreError::Other(format!("network snapshot: {column} of {id}: {why}"))
}

fn cidr(column: &str, id: &str, text: &str) -> Result<Ipv4Cidr, StoreError> {
    Ipv4Cidr::parse(text).map_err(|e| bad(column, id, format!("'{text}': {}", e.message)))
}

/// An IPv4 address stored as an integer.
fn ip(column: &str, id: &str, v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| bad(column, id, format!("{v} is not an IPv4 address")))
}

fn port(column: &str, id: &str, v: i64) -> Result<u16, StoreError> {
    u16::try_from(v).map_err(|_| bad(column, id, format!("{v} is not a port")))
}

/// Where each parent row went in its `Network` list, by id, so that child
/// rows join it in one pass.
#[derive(Default)]
struct Positions(HashMap<String, usize>);

impl Positions {
    fn insert(&mut self, id: &str, pos: usize) {
        self.0.insert(id.to_string(), pos);
    }

    /// The position of `parent`, which the row `id` of `column` names.
    fn of(&self, column: &str, id: &str, parent: &str) -> Result<usize, StoreError> {
        self.0
            .get(parent)
            .copied()
            .ok_or_else(|| bad(column, id, format!("'{parent}' is not in the snapshot")))
    }
}

/// Values grouped by key, in row order (a child table read `ORDER BY` key).
fn grouped<K: std::hash::Hash + Eq, V>(
    rows: impl IntoIterator<Item = (K, V)>,
) -> HashMap<K, Vec<V>> {
    let mut out: HashMap<K, Vec<V>> = HashMap::new();
    for (k, v) in rows {
        out.entry(k).or_default().push(v);
    }
    out
}

/// A child table's `(parent id, child)` pairs, read by `sql` (`SELECT
/// parent, child FROM ... ORDER BY parent, ...`), as each parent's
/// children in row order.
async fn children(
    conn: &mut Conn,
    sql: &'static str,
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let rows: Vec<(String, String)> = sql::fetch_all(conn, sql, ()).await?;
    Ok(grouped(rows))
}

type Conn = AnyConnection;

#[cfg(test)]
mod tests;
