//! The query plans of list pages, for the check that every list filter is
//! served by an index (`tests/api/plans.rs`). Inside [`capture`], each page
//! query [`page`](super::page) runs is also explained, with the same
//! arguments, and its plan kept; outside it, nothing happens but one
//! task-local lookup.

use super::StoreError;
use super::sql::SqlBuilder;
use sqlx::{AnyPool, Executor};
use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static PLANS: RefCell<Vec<Plan>>;
}

/// A page query and how the database means to run it: SQLite's `EXPLAIN
/// QUERY PLAN` details, one a line, or Postgres's `EXPLAIN` text (planned
/// with sequential scans disabled, so that a usable index is used).
#[derive(Debug, Clone)]
pub struct Plan {
    pub sql: String,
    pub lines: Vec<String>,
}

/// Runs `f`, keeping the plan of each page query it runs.
pub async fn capture<F: Future>(f: F) -> (F::Output, Vec<Plan>) {
    PLANS
        .scope(RefCell::new(Vec::new()), async {
            let out = f.await;
            (out, PLANS.with(RefCell::take))
        })
        .await
}

/// Within [`capture`]: explains `b` and keeps its plan.
pub(super) async fn note(pool: &AnyPool, b: &SqlBuilder) -> Result<(), StoreError> {
    if PLANS.try_with(|_| ()).is_err() {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    let lines = if conn.backend_name() == "SQLite" {
        let rows: Vec<(i64, i64, i64, String)> = b
            .prefixed("EXPLAIN QUERY PLAN ")
            .build_query_as()
            .fetch_all(&mut *conn)
            .await?;
        rows.into_iter().map(|r| r.3).collect()
    } else {
        (&mut *conn).execute("SET enable_seqscan = off").await?;
        let rows: Result<Vec<(String,)>, _> = b
            .prefixed("EXPLAIN ")
            .build_query_as()
            .fetch_all(&mut *conn)
            .await;
        (&mut *conn).execute("RESET enable_seqscan").await?;
        rows?.into_iter().map(|r| r.0).collect()
    };
    PLANS.with(|p| {
        p.borrow_mut().push(Plan {
            sql: b.sql().to_string(),
            lines,
        })
    });
    Ok(())
}
