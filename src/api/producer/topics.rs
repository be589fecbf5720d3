//! Notification topics (`service::topic`): the stand-in for SNS topics that
//! connection notifications name by ARN.
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, NotAdmin};
use crate::api::{created, list};
use crate::service::topic::{
    self as tp, CreateTopicRequest, ListTopics, NotificationTopic, NotificationTopicWithSecret,
};
use axum::Json;
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListTopicsQuery => ListTopics {
        /// Only this region.
        #[param(value_type = Option<crate::schema::RegionCode>)]
        pub region: Option<String>,
    }
}

/// Create a notification topic: linkplane's stand-in for an SNS topic. EC2's connection notifications take an SNS topic ARN (`ConnectionNotificationArn`); linkplane delivers signed webhooks, so a topic is a name with the webhook URL its deliveries go to, and its ARN `arn:aws:sns:<region>:<account>:<name>` is what a notification names (`connection_notification_arn` on REST, `ConnectionNotificationArn` on EC2), shown back exactly. Deliveries to a topic go to its webhook URL and are signed with its `signing_secret` (answered here once), both read when each delivery is sent.
#[utoipa::path(
    post, path = "/v1/notification-topics", tag = "producer",
    request_body = CreateTopicRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The topic with its signing secret (shown once)", body = NotificationTopicWithSecret, headers(("Location" = String, description = "/v1/notification-topics/{topic_arn} (URL-encoded)"))),
        (status = 200, description = "An idempotent replay (no secret)", body = NotificationTopicWithSecret),
        (status = 400, description = "`InvalidParameterValue`: a name that is not 1 to 256 letters, digits, `-`, `_`; a webhook URL that is not http(s) or whose host is not allowed; an unknown region", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 409, description = "`TopicAlreadyExists` (the account has a topic of that name in the region), `IdempotentParameterMismatch`, `IdempotentResourceDeleted`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_topic(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTopicRequest>,
) -> ApiResult<Response> {
    let out =
        tp::create_topic(cx.ctx(), &cx.state.settings.webhook_allowed_hosts, req, key).await?;
    Ok(created(out, |t| {
        format!(
            "/v1/notification-topics/{}",
            crate::api::encode_segment(&t.topic.topic_arn)
        )
    }))
}

/// List the caller's notification topics.
#[utoipa::path(
    get, path = "/v1/notification-topics", tag = "producer",
    params(ListTopicsQuery),
    responses(
        (status = 200, description = "A page of topics", body = Page<NotificationTopic>),
        BadListQuery,
        NotAdmin,
    ),
)]
pub(super) async fn list_topics(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListTopicsQuery>,
) -> ApiResult<Response> {
    let (items, next) = tp::list_topics(cx.ctx(), q.into_list()).await?;
    Ok(list(items, next))
}

/// Get a notification topic by its ARN (URL-encoded in the path).
#[utoipa::path(
    get, path = "/v1/notification-topics/{topic_arn}", tag = "producer",
    params(("topic_arn" = String, Path, description = "The topic's ARN (`arn:aws:sns:<region>:<account>:<name>`), URL-encoded")),
    responses(
        (status = 200, description = "The topic", body = NotificationTopic),
        NotAdmin,
        (status = 404, description = "`NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_topic(
    cx: Cx,
    ApiPath(topic_arn): ApiPath<String>,
) -> ApiResult<Json<NotificationTopic>> {
    Ok(Json(tp::get_topic(cx.ctx(), &topic_arn).await?))
}

/// Delete a notification topic. Notifications naming it stay; what they would deliver is dropped (as SNS drops messages published to a deleted topic) until a topic of the same ARN is created again.
#[utoipa::path(
    delete, path = "/v1/notification-topics/{topic_arn}", tag = "producer",
    params(("topic_arn" = String, Path, description = "The topic's ARN, URL-encoded")),
    responses(
        (status = 204, description = "Deleted"),
        NotAdmin,
        (status = 404, description = "`NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_topic(
    cx: Cx,
    ApiPath(topic_arn): ApiPath<String>,
) -> ApiResult<StatusCode> {
    tp::delete_topic(cx.ctx(), &topic_arn).await?;
    Ok(StatusCode::NO_CONTENT)
}
