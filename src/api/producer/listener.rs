//! Listeners of load balancers (`service::producer::listener`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, ListenerNotFound, LoadBalancerNotFound};
use crate::api::{created, list};
use crate::service::producer::listener::{self as ls, CreateListenerRequest, Listener};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

list_query! {
    pub struct ListListenersQuery {}
}

/// Create a listener: a port and protocol of the load balancer (none on a gateway load balancer) forwarding to a target group of its VPC, which it attaches to the load balancer.
#[utoipa::path(
    post, path = "/v1/load-balancers/{load_balancer_arn}/listeners", tag = "producer",
    request_body = CreateListenerRequest,
    params(("load_balancer_arn" = crate::schema::LoadBalancerArn, Path, description = "The ARN, URL-encoded"), IdempotencyKey),
    responses(
        (status = 201, description = "The new listener", body = Listener,
            headers(("Location" = String, description = "/v1/listeners/{listener_arn} (URL-encoded)"))),
        (status = 200, description = "An idempotent replay", body = Listener),
        (status = 400, description = "`ValidationError` (protocol or port for the load balancer kind, a group of another VPC or protocol), `UnsupportedProtocol` (TLS), `TargetGroupNotFound`, `TargetGroupAssociationLimit` (the group forwards from another load balancer), `TooManyListeners` (a gateway load balancer's second)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        LoadBalancerNotFound,
        (status = 409, description = "`DuplicateListener` (the port is taken), `IdempotentParameterMismatch`, `IdempotentResourceDeleted`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_listener(
    cx: Cx,
    ApiPath(load_balancer_arn): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateListenerRequest>,
) -> ApiResult<Response> {
    let l = ls::create_listener(cx.ctx(), &load_balancer_arn, req, key).await?;
    Ok(created(l, |l| {
        format!(
            "/v1/listeners/{}",
            crate::api::encode_segment(&l.listener_arn)
        )
    }))
}

/// List a load balancer's listeners.
#[utoipa::path(
    get, path = "/v1/load-balancers/{load_balancer_arn}/listeners", tag = "producer",
    params(("load_balancer_arn" = crate::schema::LoadBalancerArn, Path, description = "The ARN, URL-encoded"), ListListenersQuery),
    responses(
        (status = 200, description = "A page of listeners", body = Page<Listener>),
        BadListQuery,
        ForAccounts,
        LoadBalancerNotFound,
    ),
)]
pub(super) async fn list_listeners(
    cx: Cx,
    ApiPath(load_balancer_arn): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListListenersQuery>,
) -> ApiResult<Response> {
    let (items, next) = ls::list_listeners(
        cx.ctx(),
        &load_balancer_arn,
        q.max_results,
        q.next_token.as_deref(),
    )
    .await?;
    Ok(list(items, next))
}

/// Get a listener.
#[utoipa::path(
    get, path = "/v1/listeners/{listener_arn}", tag = "producer",
    params(("listener_arn" = crate::schema::ListenerArn, Path, description = "The ARN, URL-encoded")),
    responses(
        (status = 200, description = "The listener", body = Listener),
        ForAccounts,
        ListenerNotFound,
    ),
)]
pub(super) async fn get_listener(
    cx: Cx,
    ApiPath(listener_arn): ApiPath<String>,
) -> ApiResult<Response> {
    let l = ls::get_listener(cx.ctx(), &listener_arn).await?;
    Ok(axum::Json(l).into_response())
}

/// Delete a listener; its target group leaves the load balancer when no other listener forwards to it.
#[utoipa::path(
    delete, path = "/v1/listeners/{listener_arn}", tag = "producer",
    params(("listener_arn" = crate::schema::ListenerArn, Path, description = "The ARN, URL-encoded")),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        ListenerNotFound,
    ),
)]
pub(super) async fn delete_listener(
    cx: Cx,
    ApiPath(listener_arn): ApiPath<String>,
) -> ApiResult<StatusCode> {
    ls::delete_listener(cx.ctx(), &listener_arn).await?;
    Ok(StatusCode::NO_CONTENT)
}
