//! VPCs and subnets (`service::network::vpc`).

use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{
    BadListQuery, ForAccounts, IdempotencyConflict, PreconditionFailed, VpcNotFound,
};
use crate::api::{created_versioned, list, with_etag};
use crate::service::network::vpc::{
    self, CreateSubnetRequest, CreateVpcRequest, ListSubnets, ListVpcs, Subnet, UpdateVpcRequest,
    Vpc,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListVpcsQuery => ListVpcs with tags {
        /// Only this region.
        pub region: Option<String>,
        /// Only VPCs with this CIDR block.
        pub cidr_block: Option<String>,
    }
}

/// Create a VPC with its main route table (holding the `local` route) and its `default` security group.
#[utoipa::path(
    post, path = "/v1/vpcs", tag = "network",
    request_body = CreateVpcRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new VPC", body = Vpc,
            headers(("Location" = String, description = "/v1/vpcs/{vpc_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = Vpc),
        (status = 400, description = "Invalid input: `InvalidParameterValue`, `InvalidVpc.Range` (not /16 to /28), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        IdempotencyConflict,
    ),
)]
pub(super) async fn create_vpc(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateVpcRequest>,
) -> ApiResult<Response> {
    let out = vpc::create_vpc(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| format!("/v1/vpcs/{}", v.vpc_id)))
}

/// List the caller's VPCs.
#[utoipa::path(
    get, path = "/v1/vpcs", tag = "network",
    params(ListVpcsQuery),
    responses(
        (status = 200, description = "A page of VPCs", body = Page<Vpc>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_vpcs(cx: Cx, ApiQuery(q): ApiQuery<ListVpcsQuery>) -> ApiResult<Response> {
    let (items, next) = vpc::list_vpcs(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a VPC.
#[utoipa::path(
    get, path = "/v1/vpcs/{vpc_id}", tag = "network",
    params(("vpc_id" = crate::schema::VpcId, Path)),
    responses(
        (status = 200, description = "The VPC", body = Vpc, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidVpcID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_vpc(cx: Cx, ApiPath(vpc_id): ApiPath<String>) -> ApiResult<Response> {
    let v = vpc::get_vpc(cx.ctx(), &vpc_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a VPC with its main route table and default security group; its peering connections become `deleted`.
#[utoipa::path(
    delete, path = "/v1/vpcs/{vpc_id}", tag = "network",
    params(("vpc_id" = crate::schema::VpcId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        VpcNotFound,
        (status = 409, description = "`DependencyViolation`: subnets, security groups, route tables, an internet gateway or transit gateway attachments remain", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_vpc(cx: Cx, ApiPath(vpc_id): ApiPath<String>) -> ApiResult<StatusCode> {
    vpc::delete_vpc(cx.ctx(), &vpc_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

list_query! {
    pub struct ListSubnetsQuery => ListSubnets with tags {
        /// Only subnets of this VPC.
        pub vpc_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
        /// Only this zone (by id).
        pub availability_zone_id: Option<String>,
        /// Only this CIDR block.
        pub cidr_block: Option<String>,
    }
}

/// Create a subnet in a VPC and a zone of its region.
#[utoipa::path(
    post, path = "/v1/subnets", tag = "network",
    request_body = CreateSubnetRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new subnet", body = Subnet,
            headers(("Location" = String, description = "/v1/subnets/{subnet_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = Subnet),
        (status = 400, description = "Invalid input: `InvalidSubnet.Range` (outside the VPC, not /16 to /28), `InvalidParameterValue` (bad CIDR, unknown zone or one of another region), `InvalidParameterCombination`, `InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`InvalidSubnet.Conflict` (overlaps another subnet), `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_subnet(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateSubnetRequest>,
) -> ApiResult<Response> {
    let out = vpc::create_subnet(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/subnets/{}", v.subnet_id)
    }))
}

/// List the caller's subnets.
#[utoipa::path(
    get, path = "/v1/subnets", tag = "network",
    params(ListSubnetsQuery),
    responses(
        (status = 200, description = "A page of subnets", body = Page<Subnet>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_subnets(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListSubnetsQuery>,
) -> ApiResult<Response> {
    let (items, next) = vpc::list_subnets(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a subnet with its count of free addresses.
#[utoipa::path(
    get, path = "/v1/subnets/{subnet_id}", tag = "network",
    params(("subnet_id" = crate::schema::SubnetId, Path)),
    responses(
        (status = 200, description = "The subnet", body = Subnet, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidSubnetID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_subnet(cx: Cx, ApiPath(subnet_id): ApiPath<String>) -> ApiResult<Response> {
    let v = vpc::get_subnet(cx.ctx(), &subnet_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a subnet (and its route table association).
#[utoipa::path(
    delete, path = "/v1/subnets/{subnet_id}", tag = "network",
    params(("subnet_id" = crate::schema::SubnetId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        (status = 404, description = "`InvalidSubnetID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: network interfaces (workloads, NAT gateways, endpoints) or transit gateway attachments use it", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_subnet(
    cx: Cx,
    ApiPath(subnet_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    vpc::delete_subnet(cx.ctx(), &subnet_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change a VPC's DNS attributes (`ModifyVpcAttribute`) or tags; `If-Match` makes it conditional.
#[utoipa::path(
    patch, path = "/v1/vpcs/{vpc_id}", tag = "network",
    request_body = UpdateVpcRequest,
    params(
        ("vpc_id" = crate::schema::VpcId, Path),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The updated VPC", body = Vpc, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameterValue`: DNS hostnames without DNS support", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        VpcNotFound,
        PreconditionFailed,
    ),
)]
pub(super) async fn update_vpc(
    cx: Cx,
    ApiPath(vpc_id): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateVpcRequest>,
) -> ApiResult<Response> {
    let v = vpc::update_vpc(cx.ctx(), &vpc_id, req, &precondition).await?;
    Ok(with_etag(v.etag(), &v.value))
}
