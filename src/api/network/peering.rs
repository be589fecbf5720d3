//! VPC peering connections (`service::network::peering`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, PeeringNotFound, Unauthenticated};
use crate::api::{created_versioned, list, with_etag};
use crate::service::network::peering::{
    self, CreateVpcPeeringConnectionRequest, ListPeerings, Transition, VpcPeeringConnection,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListVpcPeeringConnectionsQuery => ListPeerings with tags {
        /// Only connections with this VPC on either side.
        pub vpc_id: Option<String>,
        /// `pending_acceptance`, `active`, `rejected` or `deleted`.
        pub status: Option<String>,
    }
}

/// Request a peering between one of the caller's VPCs and a VPC of any account and region; the accepter's account accepts or rejects it.
#[utoipa::path(
    post, path = "/v1/vpc-peering-connections", tag = "network",
    request_body = CreateVpcPeeringConnectionRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new VPC peering connection", body = VpcPeeringConnection,
            headers(("Location" = String, description = "/v1/vpc-peering-connections/{vpc_peering_connection_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = VpcPeeringConnection),
        (status = 400, description = "Invalid input: `InvalidVpcID.NotFound` (either VPC), `InvalidParameterValue` (overlapping CIDRs, a VPC peered with itself), `InvalidAccountID.Malformed`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`VpcPeeringConnectionAlreadyExists`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_vpc_peering_connection(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateVpcPeeringConnectionRequest>,
) -> ApiResult<Response> {
    let out = peering::create_peering(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!(
            "/v1/vpc-peering-connections/{}",
            v.vpc_peering_connection_id
        )
    }))
}

/// List peering connections the caller's account is a side of.
#[utoipa::path(
    get, path = "/v1/vpc-peering-connections", tag = "network",
    params(ListVpcPeeringConnectionsQuery),
    responses(
        (status = 200, description = "A page of VPC peering connections", body = Page<VpcPeeringConnection>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_vpc_peering_connections(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListVpcPeeringConnectionsQuery>,
) -> ApiResult<Response> {
    let (items, next) = peering::list_peerings(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a peering connection (either side's account may).
#[utoipa::path(
    get, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 200, description = "The VPC peering connection", body = VpcPeeringConnection, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidVpcPeeringConnectionID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_vpc_peering_connection(
    cx: Cx,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = peering::get_peering(cx.ctx(), &vpc_peering_connection_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a peering connection: the requester while it is pending, either side while it is active. It stays visible as `deleted`.
#[utoipa::path(
    delete, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        PeeringNotFound,
        (status = 409, description = "`InvalidStateTransition`: not pending or active, or pending the caller's own acceptance (reject it instead)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_vpc_peering_connection(
    cx: Cx,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    peering::transition(cx.ctx(), &vpc_peering_connection_id, Transition::Delete).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept a pending peering connection (the accepter VPC's account only): it becomes `active`.
#[utoipa::path(
    post, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}/accept", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 200, description = "The connection, now active", body = VpcPeeringConnection, headers(("ETag" = String))),
        (status = 400, description = "`InvalidVpcID.NotFound`: the accepter VPC is gone", body = Problem, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "The requester (only the accepter may accept), or the admin", body = Problem, content_type = "application/problem+json"),
        PeeringNotFound,
        (status = 409, description = "`InvalidStateTransition`: not pending acceptance", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn accept_vpc_peering_connection(
    cx: Cx,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = peering::transition(cx.ctx(), &vpc_peering_connection_id, Transition::Accept).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Reject a pending peering connection (the accepter VPC's account only).
#[utoipa::path(
    post, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}/reject", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 200, description = "The connection, now rejected", body = VpcPeeringConnection, headers(("ETag" = String))),
        Unauthenticated,
        (status = 403, description = "The requester (only the accepter may reject), or the admin", body = Problem, content_type = "application/problem+json"),
        PeeringNotFound,
        (status = 409, description = "`InvalidStateTransition`: not pending acceptance", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn reject_vpc_peering_connection(
    cx: Cx,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = peering::transition(cx.ctx(), &vpc_peering_connection_id, Transition::Reject).await?;
    Ok(with_etag(v.etag(), &v.value))
}
