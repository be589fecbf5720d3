//! Connection notifications and their delivery outbox.

use super::filter::{AnyOf, ListFilter};
use super::page::{self, Page, PageSpec};
use super::sql::{self, SqlBuilder};
use super::{Backend, Store, StoreError, Tx};
use sqlx::{Any, AnyPool, Executor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub connection_notification_id: String,
    pub account_id: String,
    /// The service of a service's notification (`None` for an endpoint's).
    pub service_id: Option<String>,
    /// Empty when the notification names a topic.
    pub webhook_url: String,
    pub events: String,
    pub signing_secret: String,
    pub last_delivery_status: Option<String>,
    pub last_delivery_at: Option<i64>,
    pub created_at: i64,
    /// The topic's ARN, when deliveries go to a topic.
    pub connection_notification_arn: Option<String>,
    pub region: String,
    /// The endpoint whose events alone it reports (its owner's
    /// notification); `None` for a service's, of all its endpoints.
    pub vpc_endpoint_id: Option<String>,
}
page::keyed!(NotificationRow, connection_notification_id);

const COLS: &str = "connection_notification_id, account_id, service_id, webhook_url, events, \
    signing_secret, last_delivery_status, last_delivery_at, created_at, \
    connection_notification_arn, region, vpc_endpoint_id";

pub async fn insert_notification(tx: &mut Tx, r: &NotificationRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO connection_notifications (connection_notification_id, account_id, service_id, \
         webhook_url, events, signing_secret, last_delivery_status, last_delivery_at, created_at, \
         connection_notification_arn, region, vpc_endpoint_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        (
            &r.connection_notification_id,
            &r.account_id,
            &r.service_id,
            &r.webhook_url,
            &r.events,
            &r.signing_secret,
            &r.last_delivery_status,
            r.last_delivery_at,
            r.created_at,
            &r.connection_notification_arn,
            &r.region,
            &r.vpc_endpoint_id,
        ),
    )
    .await?;
    Ok(())
}

/// The notifications of a service (its producer's), oldest first.
pub async fn notifications_of<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    service_id: &str,
) -> Result<Vec<NotificationRow>, StoreError> {
    let mut b = super::sql::SqlBuilder::new("SELECT ");
    b.push(COLS)
        .push(" FROM connection_notifications WHERE service_id = ")
        .push_bind(service_id)
        .push(" ORDER BY created_at, connection_notification_id");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

/// The notifications an event of endpoint `vpc_endpoint_id` of service
/// `service_id` reaches: the service's and the endpoint's own, oldest first.
pub async fn notifications_reached<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    service_id: &str,
    vpc_endpoint_id: &str,
) -> Result<Vec<NotificationRow>, StoreError> {
    let mut b = super::sql::SqlBuilder::new("SELECT ");
    b.push(COLS)
        .push(" FROM connection_notifications WHERE service_id = ")
        .push_bind(service_id)
        .push(" OR vpc_endpoint_id = ")
        .push_bind(vpc_endpoint_id)
        .push(" ORDER BY created_at, connection_notification_id");
    Ok(b.build_query_as().fetch_all(exec).await?)
}

/// One notification of an account.
pub async fn get_notification<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    id: &str,
) -> Result<Option<NotificationRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLS)
        .push(" FROM connection_notifications WHERE account_id = ")
        .push_bind(account_id)
        .push(" AND connection_notification_id = ")
        .push_bind(id);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

/// What a list of an account's notifications narrows by.
#[derive(Debug, Clone, Default)]
pub struct NotificationFilter {
    pub service_id: AnyOf<String>,
    pub vpc_endpoint_id: AnyOf<String>,
    pub connection_notification_arn: AnyOf<String>,
    pub region: Option<String>,
}

/// One keyset page of an account's notifications.
pub async fn list_notifications(
    pool: &AnyPool,
    account_id: &str,
    filter: &NotificationFilter,
    spec: &PageSpec,
) -> Result<Page<NotificationRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLS)
        .push(" FROM connection_notifications WHERE account_id = ")
        .push_bind(account_id);
    ListFilter::default()
        .eq("service_id", filter.service_id.clone())
        .eq("vpc_endpoint_id", filter.vpc_endpoint_id.clone())
        .eq(
            "connection_notification_arn",
            filter.connection_notification_arn.clone(),
        )
        .eq("region", filter.region.clone())
        .push_eq(&mut b, "", super::Backend::of(pool));
    page::fetch(pool, b, "connection_notification_id", spec).await
}

/// Deliveries not yet acknowledged, per notification of a service.
pub async fn pending_counts<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    service_id: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    sql::fetch_all(
        exec,
        "SELECT o.connection_notification_id, COUNT(*) FROM notification_outbox o \
         JOIN connection_notifications n ON n.connection_notification_id = o.connection_notification_id \
         WHERE n.service_id = $1 GROUP BY o.connection_notification_id",
        (service_id,),
    )
    .await
}

/// Deliveries not yet acknowledged, per notification among `ids`.
pub async fn pending_counts_of(
    pool: &AnyPool,
    ids: &[&str],
) -> Result<Vec<(String, i64)>, StoreError> {
    sql::rows_in(
        pool,
        SqlBuilder::new(
            "SELECT connection_notification_id, COUNT(*) FROM notification_outbox WHERE ",
        ),
        "connection_notification_id",
        ids,
        " GROUP BY connection_notification_id",
    )
    .await
}

/// Replaces what a notification asks for and where it delivers.
pub async fn update_notification(tx: &mut Tx, r: &NotificationRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "UPDATE connection_notifications SET events = $1, webhook_url = $2, \
         connection_notification_arn = $3 WHERE connection_notification_id = $4",
        (
            &r.events,
            &r.webhook_url,
            &r.connection_notification_arn,
            &r.connection_notification_id,
        ),
    )
    .await?;
    Ok(())
}

pub async fn delete_notification(tx: &mut Tx, id: &str) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM connection_notifications WHERE connection_notification_id = $1",
        (id,),
    )
    .await?;
    Ok(n == 1)
}

/// Queues one delivery for a notification, in the caller's transaction.
pub async fn enqueue(
    tx: &mut Tx,
    delivery_id: &str,
    notification_id: &str,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO notification_outbox (delivery_id, connection_notification_id, body, attempts, \
         next_attempt_at, claimed_until, last_error, created_at) VALUES ($1, $2, $3, 0, $4, 0, NULL, $4)",
        (delivery_id, notification_id, body, now),
    )
    .await?;
    Ok(())
}

/// Whether any delivery is due (a read, so idle polling takes no write lock).
pub async fn has_due(store: &Store, now: i64) -> Result<bool, StoreError> {
    let row: Option<(String,)> = sql::fetch_optional(
        store.pool(),
        "SELECT delivery_id FROM notification_outbox WHERE next_attempt_at <= $1 \
         AND claimed_until <= $1 LIMIT 1",
        (now,),
    )
    .await?;
    Ok(row.is_some())
}

/// A claimed delivery, with where and how to send it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Delivery {
    pub delivery_id: String,
    pub connection_notification_id: String,
    pub body: String,
    pub attempts: i64,
    /// None when the notification's topic no longer exists.
    pub webhook_url: Option<String>,
    pub signing_secret: Option<String>,
}

/// Claims up to `limit` due deliveries for `lease_ms`: on Postgres with
/// `FOR UPDATE SKIP LOCKED`, so replicas claim disjoint rows; on SQLite the
/// write transaction is exclusive anyway.
pub async fn claim(
    store: &Store,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let mut tx = store.begin().await?;
    let pick = match store.backend() {
        Backend::Postgres => {
            "SELECT delivery_id FROM notification_outbox WHERE next_attempt_at <= $1 \
             AND claimed_until <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED"
        }
        Backend::Sqlite => {
            "SELECT delivery_id FROM notification_outbox WHERE next_attempt_at <= $1 \
             AND claimed_until <= $1 ORDER BY next_attempt_at LIMIT $2"
        }
    };
    let ids: Vec<(String,)> = sql::fetch_all(&mut *tx, pick, (now, limit)).await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        sql::exec(
            &mut *tx,
            "UPDATE notification_outbox SET claimed_until = $1 WHERE delivery_id = $2",
            (now + lease_ms, &id),
        )
        .await?;
        let d: Option<Delivery> = sql::fetch_optional(
            &mut *tx,
            "SELECT o.delivery_id, o.connection_notification_id, o.body, o.attempts, \
             CASE WHEN n.connection_notification_arn IS NULL THEN n.webhook_url ELSE t.webhook_url END AS webhook_url, \
             CASE WHEN n.connection_notification_arn IS NULL THEN n.signing_secret ELSE t.signing_secret END AS signing_secret \
             FROM notification_outbox o JOIN connection_notifications n \
             ON n.connection_notification_id = o.connection_notification_id \
             LEFT JOIN notification_topics t ON t.topic_arn = n.connection_notification_arn \
             WHERE o.delivery_id = $1",
            (&id,),
        )
        .await?;
        out.extend(d);
    }
    tx.commit().await?;
    Ok(out)
}

/// Records a delivery's outcome: acknowledged rows go, failed ones wait
/// until `retry_at`.
pub async fn finish(
    store: &Store,
    d: &Delivery,
    ok: bool,
    status: &str,
    retry_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    if ok {
        sql::exec(
            &mut *tx,
            "DELETE FROM notification_outbox WHERE delivery_id = $1",
            (&d.delivery_id,),
        )
        .await?;
    } else {
        sql::exec(
            &mut *tx,
            "UPDATE notification_outbox SET attempts = attempts + 1, next_attempt_at = $1, \
             claimed_until = 0, last_error = $2 WHERE delivery_id = $3",
            (retry_at, status, &d.delivery_id),
        )
        .await?;
    }
    sql::exec(
        &mut *tx,
        "UPDATE connection_notifications SET last_delivery_status = $1, last_delivery_at = $2 \
         WHERE connection_notification_id = $3",
        (status, now, &d.connection_notification_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
