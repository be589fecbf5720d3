//! Connection notifications of endpoint services (`service::notification`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{NotAdmin, ServiceNotFound};
use crate::api::{created, list};
use crate::service::Created;
use crate::service::notification::{
    self as nf, ConnectionNotification, ConnectionNotificationWithSecret, CreateNotificationRequest,
};
use axum::http::StatusCode;
use axum::response::Response;

/// Subscribe a webhook to a service's connection events (`connect`, `accept`, `reject`, `delete`). Deliveries are POSTs of a JSON body signed with `X-Linkplane-Signature: sha256=<hex HMAC-SHA256>` under the `signing_secret` answered here once; they are retried with backoff until the webhook answers 2xx.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/notifications", tag = "producer",
    request_body = CreateNotificationRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 201, description = "The notification with its signing secret (shown once)", body = ConnectionNotificationWithSecret),
        (status = 400, description = "`InvalidParameterValue` (not an http:// URL, an unknown event), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        ServiceNotFound,
    ),
)]
pub(super) async fn create_notification(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<CreateNotificationRequest>,
) -> ApiResult<Response> {
    let n = nf::create_notification(
        cx.ctx(),
        &cx.state.settings.webhook_allowed_hosts,
        &service_id,
        req,
    )
    .await?;
    Ok(created(Created::New(n), |n| {
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
    nf::delete_notification(cx.ctx(), &service_id, &connection_notification_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
