//! Transit gateways, attachments and routes (`service::network::transit`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{
    BadListQuery, ForAccounts, IdempotencyConflict, TransitGatewayNotFound,
};
use crate::api::{created_versioned, list, with_etag};
use crate::service::network::transit::{
    self, CreateAttachmentRequest, CreateTgwRouteRequest, CreateTransitGatewayRequest,
    ListTransitGateways, TransitGateway,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

/// Query parameter `destination` of transit gateway route deletes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TgwDestinationQuery {
    /// The route's destination CIDR block.
    #[param(value_type = crate::schema::Ipv4Cidr)]
    pub destination: String,
}

list_query! {
    pub struct ListTransitGatewaysQuery => ListTransitGateways with tags {
        /// Only this region.
        pub region: Option<String>,
    }
}

/// Create a transit gateway.
#[utoipa::path(
    post, path = "/v1/transit-gateways", tag = "network",
    request_body = CreateTransitGatewayRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new transit gateway", body = TransitGateway,
            headers(("Location" = String, description = "/v1/transit-gateways/{transit_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TransitGateway),
        (status = 400, description = "Invalid input: `InvalidParameterValue`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        IdempotencyConflict,
    ),
)]
pub(super) async fn create_transit_gateway(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTransitGatewayRequest>,
) -> ApiResult<Response> {
    let out = transit::create_transit_gateway(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/transit-gateways/{}", v.transit_gateway_id)
    }))
}

/// List the caller's transit gateways with their attachments and routes.
#[utoipa::path(
    get, path = "/v1/transit-gateways", tag = "network",
    params(ListTransitGatewaysQuery),
    responses(
        (status = 200, description = "A page of transit gateways", body = Page<TransitGateway>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_transit_gateways(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListTransitGatewaysQuery>,
) -> ApiResult<Response> {
    let (items, next) = transit::list_transit_gateways(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a transit gateway with its attachments and routes.
#[utoipa::path(
    get, path = "/v1/transit-gateways/{transit_gateway_id}", tag = "network",
    params(("transit_gateway_id" = crate::schema::TransitGatewayId, Path)),
    responses(
        (status = 200, description = "The transit gateway", body = TransitGateway, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidTransitGatewayID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_transit_gateway(
    cx: Cx,
    ApiPath(transit_gateway_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = transit::get_transit_gateway(cx.ctx(), &transit_gateway_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a transit gateway without attachments.
#[utoipa::path(
    delete, path = "/v1/transit-gateways/{transit_gateway_id}", tag = "network",
    params(("transit_gateway_id" = crate::schema::TransitGatewayId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        TransitGatewayNotFound,
        (status = 409, description = "`IncorrectState`: attachments remain (named in the message, as EC2 does)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_transit_gateway(
    cx: Cx,
    ApiPath(transit_gateway_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    transit::delete_transit_gateway(cx.ctx(), &transit_gateway_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attach a VPC to a transit gateway through one subnet per zone; its CIDR propagates into the gateway's routes.
#[utoipa::path(
    post, path = "/v1/transit-gateways/{transit_gateway_id}/attachments", tag = "network",
    request_body = CreateAttachmentRequest,
    params(
        ("transit_gateway_id" = crate::schema::TransitGatewayId, Path),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The gateway with the new attachment", body = TransitGateway,
            headers(("Location" = String, description = "/v1/transit-gateways/{transit_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TransitGateway),
        (status = 400, description = "`MissingParameter`, `InvalidVpcID.NotFound`, `InvalidSubnetID.NotFound`, `DuplicateSubnetsInSameZone`, `InvalidParameterValue` (another region, a subnet of another VPC)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        TransitGatewayNotFound,
        (status = 409, description = "`DuplicateTransitGatewayAttachment`, `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_transit_gateway_attachment(
    cx: Cx,
    ApiPath(transit_gateway_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateAttachmentRequest>,
) -> ApiResult<Response> {
    let out = transit::create_attachment(cx.ctx(), &transit_gateway_id, req, key).await?;
    Ok(created_versioned(out, |t| {
        format!("/v1/transit-gateways/{}", t.transit_gateway_id)
    }))
}

/// Remove an attachment; static routes to it become blackholes.
#[utoipa::path(
    delete, path = "/v1/transit-gateways/{transit_gateway_id}/attachments/{transit_gateway_attachment_id}", tag = "network",
    params(
        ("transit_gateway_id" = crate::schema::TransitGatewayId, Path),
        ("transit_gateway_attachment_id" = crate::schema::TransitGatewayAttachmentId, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
        ForAccounts,
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`, `InvalidTransitGatewayAttachmentID.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_transit_gateway_attachment(
    cx: Cx,
    ApiPath((transit_gateway_id, attachment_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    transit::delete_attachment(cx.ctx(), &transit_gateway_id, &attachment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a static route to an attachment, or a blackhole route. Answers the gateway.
#[utoipa::path(
    post, path = "/v1/transit-gateways/{transit_gateway_id}/routes", tag = "network",
    request_body = CreateTgwRouteRequest,
    params(
        ("transit_gateway_id" = crate::schema::TransitGatewayId, Path),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The gateway with the new route", body = TransitGateway,
            headers(("Location" = String, description = "/v1/transit-gateways/{transit_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TransitGateway),
        (status = 400, description = "`InvalidParameterValue` (bad CIDR), `MissingParameter`, `InvalidParameterCombination`, `InvalidTransitGatewayAttachmentID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        TransitGatewayNotFound,
        (status = 409, description = "`RouteAlreadyExists`, `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_transit_gateway_route(
    cx: Cx,
    ApiPath(transit_gateway_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTgwRouteRequest>,
) -> ApiResult<Response> {
    let out = transit::create_route(cx.ctx(), &transit_gateway_id, req, key).await?;
    Ok(created_versioned(out, |t| {
        format!("/v1/transit-gateways/{}", t.transit_gateway_id)
    }))
}

/// Remove a static route of a transit gateway.
#[utoipa::path(
    delete, path = "/v1/transit-gateways/{transit_gateway_id}/routes", tag = "network",
    params(("transit_gateway_id" = crate::schema::TransitGatewayId, Path), TgwDestinationQuery),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`InvalidParameterValue`: a bad destination", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`, `InvalidRoute.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_transit_gateway_route(
    cx: Cx,
    ApiPath(transit_gateway_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<TgwDestinationQuery>,
) -> ApiResult<StatusCode> {
    transit::delete_route(cx.ctx(), &transit_gateway_id, &q.destination).await?;
    Ok(StatusCode::NO_CONTENT)
}
