//! Connection notifications of endpoint services (`service::notification`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, IdempotencyKey};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{IdempotencyConflict, NotAdmin, ServiceNotFound};
use crate::api::{created, list};
use crate::service::notification::{
    self as nf, ConnectionNotification, ConnectionNotificationWithSecret,
    CreateNotificationRequest, UpdateNotificationRequest,
};
use axum::Json;
use axum::http::StatusCode;
use axum::response::Response;

/// Subscribe a webhook to a service's connection events (`connect`, `accept`, `reject`, `delete`): a `webhook_url` of its own, or a notification topic's `connection_notification_arn` (the SNS topic ARN EC2's `ConnectionNotificationArn` names; see `POST /v1/notification-topics`). Deliveries are POSTs of a JSON body signed with `X-Linkplane-Signature: sha256=<hex HMAC-SHA256>` under the `signing_secret` answered here once (for a topic, the topic's secret, and to the topic's URL, both read when each delivery is sent); they are retried with backoff until the webhook answers 2xx.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/notifications", tag = "producer",
    request_body = CreateNotificationRequest,
    params(("service_id" = crate::schema::ServiceId, Path), IdempotencyKey),
    responses(
        (status = 201, description = "The notification, with its signing secret (shown once) when it has a webhook URL of its own", body = ConnectionNotificationWithSecret),
        (status = 200, description = "An idempotent replay (no secret)", body = ConnectionNotificationWithSecret),
        (status = 400, description = "`InvalidParameterValue` (not an http:// URL, an unknown event, an ARN that is no topic of the caller in the service's region), `MissingParameter`, `InvalidParameterCombination` (both a URL and a topic)", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        ServiceNotFound,
        IdempotencyConflict,
    ),
)]
pub(super) async fn create_notification(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateNotificationRequest>,
) -> ApiResult<Response> {
    let n = nf::create_notification(
        cx.ctx(),
        &cx.state.settings.webhook_allowed_hosts,
        nf::NotificationOf::Service(&service_id),
        req,
        key,
    )
    .await?;
    Ok(created(n, |n| {
        format!(
            "/v1/endpoint-services/{service_id}/notifications/{}",
            n.notification.connection_notification_id
        )
    }))
}

/// List a service's connection notifications with their delivery status.
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}/notifications", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "Every notification of the service (one page)", body = Page<ConnectionNotification>),
        NotAdmin,
        ServiceNotFound,
    ),
)]
pub(super) async fn list_notifications(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<Response> {
    let items = nf::list_notifications(cx.ctx(), &service_id).await?;
    Ok(list(items, None))
}

/// Remove a connection notification (its undelivered events go with it).
#[utoipa::path(
    delete, path = "/v1/endpoint-services/{service_id}/notifications/{connection_notification_id}", tag = "producer",
    params(
        ("service_id" = crate::schema::ServiceId, Path),
        ("connection_notification_id" = crate::schema::ConnectionNotificationId, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
        NotAdmin,
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`, `InvalidConnectionNotification`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_notification(
    cx: Cx,
    ApiPath((service_id, connection_notification_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    nf::delete_notification(cx.ctx(), Some(&service_id), &connection_notification_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change a connection notification's events, or send its deliveries to a notification topic (EC2's `ModifyVpcEndpointConnectionNotification`).
#[utoipa::path(
    patch, path = "/v1/endpoint-services/{service_id}/notifications/{connection_notification_id}", tag = "producer",
    request_body = UpdateNotificationRequest,
    params(
        ("service_id" = crate::schema::ServiceId, Path),
        ("connection_notification_id" = crate::schema::ConnectionNotificationId, Path),
    ),
    responses(
        (status = 200, description = "The notification", body = ConnectionNotification),
        (status = 400, description = "`InvalidParameterValue` (an unknown event, an ARN that is no topic of the caller in the service's region), `MissingParameter` (no events)", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`, `InvalidConnectionNotification`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn update_notification(
    cx: Cx,
    ApiPath((service_id, connection_notification_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<UpdateNotificationRequest>,
) -> ApiResult<Json<ConnectionNotification>> {
    let n = nf::update_notification(
        cx.ctx(),
        Some(&service_id),
        &connection_notification_id,
        req,
    )
    .await?;
    Ok(Json(n))
}
