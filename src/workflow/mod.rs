//! Background work. Today: housekeeping (expired idempotency keys). Later:
//! state transitions of pending resources and the notification outbox.

use crate::store::{Store, idempotency, now_ms};
use std::time::Duration;

/// How long an `Idempotency-Key` is honoured.
pub const IDEMPOTENCY_TTL: Duration = Duration::from_secs(24 * 3600);

/// Deletes idempotency records older than [`IDEMPOTENCY_TTL`], now and then
/// every `every`, until the returned task is aborted. Several replicas may
/// run it at once: the delete is idempotent.
pub fn spawn_housekeeping(store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let cutoff = now_ms() - IDEMPOTENCY_TTL.as_millis() as i64;
            match idempotency::purge_before(store.pool(), cutoff).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired idempotency keys removed"),
                Err(e) => tracing::warn!(error = %e, "idempotency housekeeping failed"),
            }
        }
    })
}
