//! Notification topics: linkplane's stand-in for SNS topics, so that a
//! connection notification can name an SNS topic ARN
//! (`ConnectionNotificationArn`) as EC2 takes it. A topic is an account's,
//! in one region, with a name (SNS's rule) and the webhook URL its
//! deliveries go to; its ARN is `arn:aws:sns:<region>:<account>:<name>`.
//! Deliveries of a notification naming a topic are POSTed to the topic's
//! webhook URL and signed with the topic's secret, both read when the
//! delivery is sent: deleting a topic drops what its notifications would
//! still deliver, and a topic made again under the same name (the same
//! ARN) receives again, as with SNS.

use crate::create_once;
use crate::error::{Error, Result};
use crate::pagination;
use crate::service::network::Ctx;
use crate::service::notification::check_url;
use crate::service::{Created, Idempotency};
use crate::store::topics::{self as db, TopicRow};
use crate::store::{StoreError, now_ms};
use crate::transaction;
use crate::util::{random_hex, timestamp};
use linkplane_core::topic::{check_topic_name, topic_arn};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A notification topic (the stand-in for an SNS topic), without its secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationTopic {
    /// `arn:aws:sns:<region>:<account>:<name>`: what a connection
    /// notification names as `connection_notification_arn`
    /// (`ConnectionNotificationArn` on EC2).
    #[schema(example = "arn:aws:sns:us-east-1:111122223333:endpoint-events")]
    pub topic_arn: String,
    #[schema(example = "endpoint-events")]
    pub name: String,
    #[schema(example = "us-east-1")]
    pub region: String,
    /// Where deliveries of the notifications naming this topic are POSTed.
    #[schema(example = "https://hooks.example.com/linkplane")]
    pub webhook_url: String,
    pub creation_timestamp: String,
}

/// A new topic with its signing secret, shown by the request that made it only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationTopicWithSecret {
    #[serde(flatten)]
    pub topic: NotificationTopic,
    /// The HMAC-SHA256 key of `X-Linkplane-Signature` on every delivery to
    /// this topic; absent from an idempotent replay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

/// `POST /v1/notification-topics`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTopicRequest {
    /// 1 to 256 letters, digits, `-` and `_` (SNS's rule); unique in the
    /// account and region.
    #[schema(
        example = "endpoint-events",
        min_length = 1,
        max_length = 256,
        pattern = "^[A-Za-z0-9_-]{1,256}$"
    )]
    pub name: String,
    /// The webhook URL deliveries go to, under the rules of a
    /// notification's `webhook_url` (http or https, a host among
    /// `LINKPLANE_WEBHOOK_ALLOWED_HOSTS` when that is set).
    #[schema(
        example = "https://hooks.example.com/linkplane",
        max_length = 2048,
        pattern = "^https?://[^/?#@\\u0000-\\u0020\\u007f-\\u009f\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+([/?#][^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*)?$"
    )]
    pub webhook_url: String,
    /// Default `LINKPLANE_DEFAULT_REGION`.
    #[schema(value_type = Option<crate::schema::RegionCode>)]
    pub region: Option<String>,
}

/// The list of an account's topics.
#[derive(Debug, Clone, Default)]
pub struct ListTopics {
    pub region: Option<String>,
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

pub fn topic_not_found(arn: &str) -> Error {
    Error::not_found("NotFound", format!("Topic does not exist: '{arn}'"))
}

fn topic_of(r: TopicRow) -> NotificationTopic {
    NotificationTopic {
        topic_arn: r.topic_arn,
        name: r.name,
        region: r.region,
        webhook_url: r.webhook_url,
        creation_timestamp: timestamp(r.created_at),
    }
}

/// Makes a topic; the secret is answered by this request only.
pub async fn create_topic(
    ctx: Ctx<'_>,
    allowed_hosts: &[String],
    req: CreateTopicRequest,
    idempotency_key: Option<String>,
) -> Result<Created<NotificationTopicWithSecret>> {
    let idem = Idempotency::new(ctx.caller, idempotency_key, "CreateNotificationTopic", &req);
    let account = ctx.account()?;
    check_topic_name(&req.name)?;
    check_url(&req.webhook_url, allowed_hosts)?;
    let region = ctx.region(req.region.as_deref())?;
    let arn = topic_arn(&region, account, &req.name);
    let secret = format!("lpwh_{}", random_hex(24));
    let (req, arn_ref, secret_ref, region_ref) = (&req, &arn, &secret, &region);
    let created = create_once!(ctx.store, idem.as_ref(), |tx| {
        let row = TopicRow {
            topic_arn: arn_ref.clone(),
            account_id: account.to_string(),
            region: region_ref.clone(),
            name: req.name.clone(),
            webhook_url: req.webhook_url.clone(),
            signing_secret: secret_ref.clone(),
            created_at: now_ms(),
        };
        match db::insert_topic(tx, &row).await {
            Err(StoreError::Conflict(_)) => Err(Error::conflict(
                "TopicAlreadyExists",
                format!(
                    "the topic '{}' already exists in {region_ref}: {arn_ref}",
                    req.name
                ),
            )),
            other => Ok(other?),
        }?;
        Ok(arn_ref.clone())
    })?;
    let secret = matches!(created, Created::New(_)).then_some(secret);
    created
        .load(|arn| async move {
            let topic = get_topic(ctx, &arn).await?;
            Ok(NotificationTopicWithSecret {
                topic,
                signing_secret: secret,
            })
        })
        .await
}

pub async fn get_topic(ctx: Ctx<'_>, arn: &str) -> Result<NotificationTopic> {
    let account = ctx.account()?;
    db::get_topic(ctx.store.pool(), account, arn)
        .await?
        .map(topic_of)
        .ok_or_else(|| topic_not_found(arn))
}

/// One page of the caller's topics, oldest first.
pub async fn list_topics(
    ctx: Ctx<'_>,
    q: ListTopics,
) -> Result<(Vec<NotificationTopic>, Option<String>)> {
    let account = ctx.account()?;
    if let Some(r) = &q.region {
        crate::service::network::check_region(r)?;
    }
    let region = q.region.as_deref();
    pagination::list(
        "notification-topics",
        q.max_results,
        q.next_token.as_deref(),
        |spec| async move { db::list_topics(ctx.store.pool(), account, region, &spec).await },
        pagination::each(topic_of),
    )
    .await
}

/// Deletes a topic. Notifications naming it stay (as EC2's do when their
/// SNS topic goes); what they would deliver is dropped until a topic of
/// that ARN exists again.
pub async fn delete_topic(ctx: Ctx<'_>, arn: &str) -> Result<()> {
    let account = ctx.account()?;
    transaction!(ctx.store, |tx| {
        db::get_topic(&mut **tx, account, arn)
            .await?
            .ok_or_else(|| topic_not_found(arn))?;
        db::delete_topic(tx, arn).await?;
        Ok(())
    })
}
