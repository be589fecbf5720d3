//! Background work: housekeeping (expired idempotency keys) and the state
//! transitions of provisioning resources (load balancers `provisioning` ->
//! `active`, endpoint services `pending` -> `available`, `deleting` ->
//! gone) once `LINKPLANE_PROVISION_DELAY_MS` has passed. Later: the
//! notification outbox.

use crate::store::{Store, consumer, idempotency, now_ms, producer};
use std::time::Duration;

/// How long a deleted endpoint stays visible (as `deleted`) to both sides.
pub const DELETED_ENDPOINT_RETENTION: Duration = Duration::from_secs(3600);

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
            let cutoff = now_ms() - DELETED_ENDPOINT_RETENTION.as_millis() as i64;
            match consumer::purge_deleted(store.pool(), cutoff).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "deleted endpoints forgotten"),
                Err(e) => tracing::warn!(error = %e, "endpoint housekeeping failed"),
            }
        }
    })
}

/// How often the provisioning workflow looks for due transitions: a quarter
/// of the delay, between 10 ms and 1 s.
pub fn provisioning_interval(delay: Duration) -> Duration {
    (delay / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
}

/// Moves resources whose provisioning delay has passed, every `every`,
/// until the task is aborted. Each transition is one idempotent statement,
/// so several replicas may run this at once and each row moves once.
pub fn spawn_provisioning(store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = now_ms();
            if let Err(e) = producer::advance(store.pool(), now).await {
                tracing::warn!(error = %e, "provisioning workflow failed");
            }
            if let Err(e) = consumer::advance(store.pool(), now).await {
                tracing::warn!(error = %e, "endpoint workflow failed");
            }
        }
    })
}

/// The background tasks a server runs: hourly housekeeping, and the
/// provisioning workflow when resources have a provisioning delay (with no
/// delay they are created in their final state and nothing needs moving).
pub fn spawn_all(store: &Store, provision_delay: Duration) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = vec![spawn_housekeeping(store.clone(), Duration::from_secs(3600))];
    if !provision_delay.is_zero() {
        tasks.push(spawn_provisioning(
            store.clone(),
            provisioning_interval(provision_delay),
        ));
    }
    tasks
}
