//! Background work: housekeeping (expired idempotency keys) and the state
//! transitions of provisioning resources (load balancers `provisioning` ->
//! `active`, endpoint services `pending` -> `available`, `deleting` ->
//! gone) once `LINKPLANE_PROVISION_DELAY_MS` has passed, and the delivery
//! of connection notifications from their outbox.

mod webhook_client;

pub use webhook_client::webhook_client;

use crate::store::{Store, consumer, idempotency, now_ms, outbox, producer};
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
            match idempotency::purge_before(store.writes(), cutoff).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "expired idempotency keys removed"),
                Err(e) => tracing::warn!(error = %e, "idempotency housekeeping failed"),
            }
            let cutoff = now_ms() - DELETED_ENDPOINT_RETENTION.as_millis() as i64;
            match consumer::purge_deleted(store.writes(), cutoff).await {
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
            if let Err(e) = producer::advance(store.writes(), now).await {
                tracing::warn!(error = %e, "provisioning workflow failed");
            }
            if let Err(e) = consumer::advance(store.writes(), now).await {
                tracing::warn!(error = %e, "endpoint workflow failed");
            }
        }
    })
}

/// How long a claimed delivery is reserved for the replica sending it.
const DELIVERY_LEASE_MS: i64 = 30_000;

/// The wait before retry number `attempts + 1`: 200 ms doubling, at most a
/// minute.
pub fn backoff(attempts: i64) -> Duration {
    let factor = 1u64 << attempts.clamp(0, 20);
    Duration::from_millis((200 * factor).min(60_000))
}

/// Delivers queued connection notifications with `http` (see
/// [`webhook_client`]), at least once: a delivery is removed only when its
/// webhook answers 2xx; otherwise (an error status, no connection, a TLS
/// handshake refused) it is retried with [`backoff`], across restarts (the
/// outbox is in the database).
pub fn spawn_delivery(
    store: Store,
    http: reqwest::Client,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&store, &http).await {
                tracing::warn!(error = %e, "notification delivery failed");
            }
        }
    })
}

async fn deliver_due(
    store: &Store,
    http: &reqwest::Client,
) -> Result<(), crate::store::StoreError> {
    let now = now_ms();
    if !outbox::has_due(store, now).await? {
        return Ok(());
    }
    for d in outbox::claim(store, now, DELIVERY_LEASE_MS, 20).await? {
        let (Some(url), Some(secret)) = (&d.webhook_url, &d.signing_secret) else {
            // The notification's topic was deleted: like a message published
            // to a deleted SNS topic, the event goes nowhere, and is not retried.
            let status = "dropped: the notification's topic does not exist";
            outbox::finish(store, &d, true, status, 0, now_ms()).await?;
            continue;
        };
        let signature = crate::service::notification::signature(secret, d.body.as_bytes());
        let sent = http
            .post(url)
            .header("content-type", "application/json")
            .header("x-linkplane-signature", signature)
            .header("x-linkplane-delivery", &d.delivery_id)
            .body(d.body.clone())
            .send()
            .await;
        let (ok, status) = match sent {
            Ok(r) => (r.status().is_success(), r.status().as_u16().to_string()),
            Err(e) => (
                false,
                format!("error: {}", webhook_client::failure_reason(&e)),
            ),
        };
        let done = now_ms();
        let retry_at = done + backoff(d.attempts).as_millis() as i64;
        outbox::finish(store, &d, ok, &status, retry_at, done).await?;
        if !ok {
            tracing::info!(delivery = %d.delivery_id, %status, attempts = d.attempts + 1, "webhook delivery failed; will retry");
        }
    }
    Ok(())
}

/// The background tasks a server runs: hourly housekeeping, webhook
/// delivery with `webhooks` (see [`webhook_client`]), and the provisioning
/// workflow when resources have a provisioning delay (with no delay they
/// are created in their final state and nothing needs moving).
pub fn spawn_all(
    store: &Store,
    provision_delay: Duration,
    webhooks: reqwest::Client,
) -> Vec<tokio::task::JoinHandle<()>> {
    let mut tasks = vec![
        spawn_housekeeping(store.clone(), Duration::from_secs(3600)),
        spawn_delivery(store.clone(), webhooks, Duration::from_millis(100)),
    ];
    if !provision_delay.is_zero() {
        tasks.push(spawn_provisioning(
            store.clone(),
            provisioning_interval(provision_delay),
        ));
    }
    tasks
}
