//! Internet gateways and their attachments (`service::network::gateway`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{
    BadListQuery, ForAccounts, IdempotencyConflict, InternetGatewayNotFound,
};
use crate::api::{created_versioned, list, with_etag};
use crate::service::network::gateway::{
    self, CreateInternetGatewayRequest, GatewayAttachmentRequest, InternetGateway,
    ListInternetGateways,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListInternetGatewaysQuery => ListInternetGateways with tags {
        /// Only the gateway attached to this VPC.
        pub vpc_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
    }
}

/// Create an internet gateway, detached.
#[utoipa::path(
    post, path = "/v1/internet-gateways", tag = "network",
    request_body = CreateInternetGatewayRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new internet gateway", body = InternetGateway,
            headers(("Location" = String, description = "/v1/internet-gateways/{internet_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = InternetGateway),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (unknown region)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        IdempotencyConflict,
    ),
)]
pub(super) async fn create_internet_gateway(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateInternetGatewayRequest>,
) -> ApiResult<Response> {
    let out = gateway::create_internet_gateway(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/internet-gateways/{}", v.internet_gateway_id)
    }))
}

/// List the caller's internet gateways.
#[utoipa::path(
    get, path = "/v1/internet-gateways", tag = "network",
    params(ListInternetGatewaysQuery),
    responses(
        (status = 200, description = "A page of internet gateways", body = Page<InternetGateway>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_internet_gateways(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListInternetGatewaysQuery>,
) -> ApiResult<Response> {
    let (items, next) = gateway::list_internet_gateways(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get an internet gateway.
#[utoipa::path(
    get, path = "/v1/internet-gateways/{internet_gateway_id}", tag = "network",
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 200, description = "The internet gateway", body = InternetGateway, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidInternetGatewayID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_internet_gateway(
    cx: Cx,
    ApiPath(internet_gateway_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = gateway::get_internet_gateway(cx.ctx(), &internet_gateway_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a detached internet gateway.
#[utoipa::path(
    delete, path = "/v1/internet-gateways/{internet_gateway_id}", tag = "network",
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        InternetGatewayNotFound,
        (status = 409, description = "`DependencyViolation`: the gateway is attached", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_internet_gateway(
    cx: Cx,
    ApiPath(internet_gateway_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    gateway::delete_internet_gateway(cx.ctx(), &internet_gateway_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attach an internet gateway to a VPC of its region (one gateway per VPC, one VPC per gateway).
#[utoipa::path(
    post, path = "/v1/internet-gateways/{internet_gateway_id}/attach", tag = "network",
    request_body = GatewayAttachmentRequest,
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 200, description = "The gateway, attached", body = InternetGateway, headers(("ETag" = String))),
        (status = 400, description = "`InvalidVpcID.NotFound`, `InvalidParameterValue` (another region)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        InternetGatewayNotFound,
        (status = 409, description = "`Resource.AlreadyAssociated`: the gateway is attached, or the VPC has one", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn attach_internet_gateway(
    cx: Cx,
    ApiPath(internet_gateway_id): ApiPath<String>,
    ApiJson(req): ApiJson<GatewayAttachmentRequest>,
) -> ApiResult<Response> {
    let v = gateway::attach(cx.ctx(), &internet_gateway_id, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Detach an internet gateway from its VPC; routes to it become blackholes.
#[utoipa::path(
    post, path = "/v1/internet-gateways/{internet_gateway_id}/detach", tag = "network",
    request_body = GatewayAttachmentRequest,
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 200, description = "The gateway, detached", body = InternetGateway, headers(("ETag" = String))),
        (status = 400, description = "A malformed body, `MissingParameter`, `InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        InternetGatewayNotFound,
        (status = 409, description = "`Gateway.NotAttached` (not attached to that VPC), `DependencyViolation` (public NAT gateways use it)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn detach_internet_gateway(
    cx: Cx,
    ApiPath(internet_gateway_id): ApiPath<String>,
    ApiJson(req): ApiJson<GatewayAttachmentRequest>,
) -> ApiResult<Response> {
    let v = gateway::detach(cx.ctx(), &internet_gateway_id, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}
