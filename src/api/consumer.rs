//! Consumer side: VPC endpoints; and the producer's view of them,
//! connections, with batch accept and reject.

use super::problem::{ApiResult, Problem};
use super::{created_versioned, list, with_etag};
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch, list_query};
use crate::api::responses::{
    BadListQuery, ForAccounts, NotAdmin, PreconditionFailed, VpcEndpointNotFound,
};
use crate::service::consumer::{
    self as cs, CreateVpcEndpointRequest, ListVpcEndpoints, UpdateVpcEndpointRequest, VpcEndpoint,
    VpcEndpointType,
};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

list_query! {
    pub struct ListVpcEndpointsQuery => ListVpcEndpoints with tags {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only endpoints to this service.
        pub service_name: Option<String>,
        /// `pending_acceptance`, `pending`, `available`, `deleting`, `deleted`, `rejected`.
        pub state: Option<String>,
        /// `interface`, `gateway` or `gateway_load_balancer`.
        pub vpc_endpoint_type: Option<VpcEndpointType>,
    }
}

/// Create a VPC endpoint (`CreateVpcEndpoint`): `gateway` (the default, S3 and DynamoDB: a read-only prefix-list route in each route table), `interface` (an interface per subnet, DNS names), or `gateway_load_balancer` (one subnet). Endpoints to services that require acceptance start `pending_acceptance`.
#[utoipa::path(
    post, path = "/v1/vpc-endpoints", tag = "consumer",
    request_body = CreateVpcEndpointRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new VPC endpoint", body = VpcEndpoint,
            headers(("Location" = String, description = "/v1/vpc-endpoints/{vpc_endpoint_id} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = VpcEndpoint),
        (status = 400, description = "Invalid input: `InvalidServiceName` (unknown, or not allowed: the same answer), `InvalidVpcEndpointType`, `InvalidParameter` (a subnet in a zone the service lacks, private DNS without VPC DNS attributes or a verified name, wrong fields for the type), `DuplicateSubnetsInSameZone`, `InvalidVpcID.NotFound`, `InvalidSubnetID.NotFound`, `InvalidRouteTableID.NotFound`, `InvalidGroup.NotFound`, `InvalidPolicyDocument`, `VpcEndpointLimitExceeded`, `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`RouteAlreadyExists` (the route table already routes the service), `InvalidParameter` (another endpoint has the private DNS name in the VPC), `InvalidIPAddress.InUse`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the endpoint was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn create_vpc_endpoint(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateVpcEndpointRequest>,
) -> ApiResult<Response> {
    let out = cs::create_endpoint(cx.ctx(), cx.state.settings.provision_delay, req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/vpc-endpoints/{}", v.vpc_endpoint_id)
    }))
}

/// List the caller's VPC endpoints.
#[utoipa::path(
    get, path = "/v1/vpc-endpoints", tag = "consumer",
    params(ListVpcEndpointsQuery),
    responses(
        (status = 200, description = "A page of VPC endpoints", body = Page<VpcEndpoint>),
        BadListQuery,
        ForAccounts,
    ),
)]
async fn list_vpc_endpoints(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListVpcEndpointsQuery>,
) -> ApiResult<Response> {
    let (items, next) = cs::list_endpoints(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a VPC endpoint.
#[utoipa::path(
    get, path = "/v1/vpc-endpoints/{vpc_endpoint_id}", tag = "consumer",
    params(("vpc_endpoint_id" = crate::schema::VpcEndpointId, Path)),
    responses(
        (status = 200, description = "The VPC endpoint", body = VpcEndpoint, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidVpcEndpointId.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
async fn get_vpc_endpoint(
    cx: Cx,
    ApiPath(vpc_endpoint_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = cs::get_endpoint(cx.ctx(), &vpc_endpoint_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a VPC endpoint: `deleting`, then `deleted` (visible to both sides for an hour). Its interfaces, routes and private DNS names go at once.
#[utoipa::path(
    delete, path = "/v1/vpc-endpoints/{vpc_endpoint_id}", tag = "consumer",
    params(("vpc_endpoint_id" = crate::schema::VpcEndpointId, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        ForAccounts,
        VpcEndpointNotFound,
    ),
)]
async fn delete_vpc_endpoint(
    cx: Cx,
    ApiPath(vpc_endpoint_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    cs::delete_endpoint(
        cx.ctx(),
        cx.state.settings.provision_delay,
        &vpc_endpoint_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_vpc_endpoint, list_vpc_endpoints))
        .routes(routes!(
            get_vpc_endpoint,
            update_vpc_endpoint,
            delete_vpc_endpoint
        ))
}

/// Change an endpoint (`ModifyVpcEndpoint`): subnets (an interface per subnet), route tables (their routes move), security groups, policy, private DNS. `If-Match` makes it conditional.
#[utoipa::path(
    patch, path = "/v1/vpc-endpoints/{vpc_endpoint_id}", tag = "consumer",
    request_body = UpdateVpcEndpointRequest,
    params(
        ("vpc_endpoint_id" = crate::schema::VpcEndpointId, Path),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The endpoint", body = VpcEndpoint, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameter` (a change that does not apply to the type, removing the last subnet or group, a subnet or route table that is not the endpoint's, a zone the service lacks, private DNS without VPC DNS attributes or a verified name), `InvalidParameterCombination`, `InvalidPolicyDocument`, `DuplicateSubnetsInSameZone`, `InvalidSubnetID.NotFound`, `InvalidRouteTableID.NotFound`, `InvalidGroup.NotFound`", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        VpcEndpointNotFound,
        (status = 409, description = "`IncorrectState` (deleting, deleted, rejected), `RouteAlreadyExists`, `InvalidParameter` (a conflicting private DNS name in the VPC)", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
    ),
)]
async fn update_vpc_endpoint(
    cx: Cx,
    ApiPath(vpc_endpoint_id): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateVpcEndpointRequest>,
) -> ApiResult<Response> {
    let v = cs::update_endpoint(
        cx.ctx(),
        cx.state.settings.provision_delay,
        &vpc_endpoint_id,
        req,
        &precondition,
    )
    .await?;
    Ok(with_etag(v.etag(), &v.value))
}
