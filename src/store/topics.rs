//! Notification topics (linkplane's stand-in for SNS topics): a name, the
//! webhook URL deliveries go to and the secret that signs them.

use super::page::{self, Page, PageSpec};
use super::sql::{self, SqlBuilder};
use super::{StoreError, Tx};
use sqlx::{Any, AnyPool, Executor};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicRow {
    pub topic_arn: String,
    pub account_id: String,
    pub region: String,
    pub name: String,
    pub webhook_url: String,
    pub signing_secret: String,
    pub created_at: i64,
}
page::keyed!(TopicRow, topic_arn);

const COLS: &str = "topic_arn, account_id, region, name, webhook_url, signing_secret, created_at";

/// Inserts a topic; `StoreError::Conflict` when the account has one of
/// that name in the region.
pub async fn insert_topic(tx: &mut Tx, r: &TopicRow) -> Result<(), StoreError> {
    sql::exec(
        &mut **tx,
        "INSERT INTO notification_topics (topic_arn, account_id, region, name, webhook_url, \
         signing_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            &r.topic_arn,
            &r.account_id,
            &r.region,
            &r.name,
            &r.webhook_url,
            &r.signing_secret,
            r.created_at,
        ),
    )
    .await?;
    Ok(())
}

/// A topic of an account by its ARN.
pub async fn get_topic<'e, E: Executor<'e, Database = Any>>(
    exec: E,
    account_id: &str,
    topic_arn: &str,
) -> Result<Option<TopicRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLS)
        .push(" FROM notification_topics WHERE account_id = ")
        .push_bind(account_id)
        .push(" AND topic_arn = ")
        .push_bind(topic_arn);
    Ok(b.build_query_as().fetch_optional(exec).await?)
}

/// One keyset page of an account's topics, of one region if given.
pub async fn list_topics(
    pool: &AnyPool,
    account_id: &str,
    region: Option<&str>,
    spec: &PageSpec,
) -> Result<Page<TopicRow>, StoreError> {
    let mut b = SqlBuilder::new("SELECT ");
    b.push(COLS)
        .push(" FROM notification_topics WHERE account_id = ")
        .push_bind(account_id);
    if let Some(r) = region {
        b.push(" AND region = ").push_bind(r);
    }
    page::fetch(pool, b, "topic_arn", spec).await
}

pub async fn delete_topic(tx: &mut Tx, topic_arn: &str) -> Result<bool, StoreError> {
    let n = sql::exec(
        &mut **tx,
        "DELETE FROM notification_topics WHERE topic_arn = $1",
        (topic_arn,),
    )
    .await?;
    Ok(n == 1)
}

/// The topics among `arns` that exist (of any account: the ARN names the
/// account, and a notification only ever names its own account's).
pub async fn topics_in(pool: &AnyPool, arns: &[&str]) -> Result<Vec<TopicRow>, StoreError> {
    let mut head = SqlBuilder::new("SELECT ");
    head.push(COLS).push(" FROM notification_topics WHERE ");
    sql::rows_in(pool, head, "topic_arn", arns, "").await
}
