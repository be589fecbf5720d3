//! Target groups and their targets (`service::producer::target_group`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, TargetGroupNotFound};
use crate::api::{created_versioned, list, with_etag};
use crate::service::producer::target_group::{
    self as tg, CreateTargetGroupRequest, ListTargetGroups, TargetGroup, TargetHealthRequest,
    TargetsRequest,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListTargetGroupsQuery => ListTargetGroups {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only groups of this load balancer.
        pub load_balancer_arn: Option<String>,
        /// Only this region.
        pub region: Option<String>,
    }
}

/// Create a target group: `tcp`, `udp`, `tcp_udp` or `tls` for a network load balancer, `geneve` (port 6081) for a gateway load balancer.
#[utoipa::path(
    post, path = "/v1/target-groups", tag = "producer",
    request_body = CreateTargetGroupRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new target group", body = TargetGroup,
            headers(("Location" = String, description = "/v1/target-groups/{target_group_arn} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TargetGroup),
        (status = 400, description = "Invalid input: `ValidationError` (name, protocol or port for the load balancer kind), `InvalidVpcID.NotFound`, `LoadBalancerNotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`DuplicateTargetGroupName`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_target_group(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTargetGroupRequest>,
) -> ApiResult<Response> {
    let out = tg::create_target_group(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!(
            "/v1/target-groups/{}",
            crate::api::encode_segment(&v.target_group_arn)
        )
    }))
}

/// List the caller's target groups with their targets.
#[utoipa::path(
    get, path = "/v1/target-groups", tag = "producer",
    params(ListTargetGroupsQuery),
    responses(
        (status = 200, description = "A page of target groups", body = Page<TargetGroup>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_target_groups(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListTargetGroupsQuery>,
) -> ApiResult<Response> {
    let (items, next) = tg::list_target_groups(cx.ctx(), q.into_list()).await?;
    Ok(list(items, next))
}

/// Get a target group with its targets and their health.
#[utoipa::path(
    get, path = "/v1/target-groups/{target_group_arn}", tag = "producer",
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path)),
    responses(
        (status = 200, description = "The target group", body = TargetGroup, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`TargetGroupNotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_target_group(
    cx: Cx,
    ApiPath(target_group_arn): ApiPath<String>,
) -> ApiResult<Response> {
    let v = tg::get_target_group(cx.ctx(), &target_group_arn).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a target group.
#[utoipa::path(
    delete, path = "/v1/target-groups/{target_group_arn}", tag = "producer",
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        ForAccounts,
        TargetGroupNotFound,
    ),
)]
pub(super) async fn delete_target_group(
    cx: Cx,
    ApiPath(target_group_arn): ApiPath<String>,
) -> ApiResult<StatusCode> {
    tg::delete_target_group(cx.ctx(), &target_group_arn).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Register targets: IP addresses of the group's VPC (their zone is their subnet's) or network interfaces. Registering one again changes nothing.
#[utoipa::path(
    post, path = "/v1/target-groups/{target_group_arn}/targets", tag = "producer",
    request_body = TargetsRequest,
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path, description = "The ARN, URL-encoded")),
    responses(
        (status = 200, description = "The group with its targets", body = TargetGroup, headers(("ETag" = String))),
        (status = 400, description = "`MissingParameter`, `InvalidParameterValue` (not an address, outside the VPC without a zone, another VPC), `InvalidNetworkInterfaceID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        TargetGroupNotFound,
    ),
)]
pub(super) async fn register_targets(
    cx: Cx,
    ApiPath(target_group_arn): ApiPath<String>,
    ApiJson(req): ApiJson<TargetsRequest>,
) -> ApiResult<Response> {
    let v = tg::register_targets(cx.ctx(), &target_group_arn, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Deregister targets (every port of a target when `port` is absent).
#[utoipa::path(
    delete, path = "/v1/target-groups/{target_group_arn}/targets", tag = "producer",
    request_body = TargetsRequest,
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path, description = "The ARN, URL-encoded")),
    responses(
        (status = 200, description = "The group with its remaining targets", body = TargetGroup, headers(("ETag" = String))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        TargetGroupNotFound,
    ),
)]
pub(super) async fn deregister_targets(
    cx: Cx,
    ApiPath(target_group_arn): ApiPath<String>,
    ApiJson(req): ApiJson<TargetsRequest>,
) -> ApiResult<Response> {
    let v = tg::deregister_targets(cx.ctx(), &target_group_arn, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Model a health check result: mark a target healthy or unhealthy.
#[utoipa::path(
    put, path = "/v1/target-groups/{target_group_arn}/targets/{target_id}/health", tag = "producer",
    request_body = TargetHealthRequest,
    params(
        ("target_group_arn" = crate::schema::TargetGroupArn, Path, description = "The ARN, URL-encoded"),
        ("target_id" = crate::schema::TargetId, Path, description = "The target's IP address or interface id"),
    ),
    responses(
        (status = 200, description = "The group", body = TargetGroup, headers(("ETag" = String))),
        (status = 400, description = "A malformed body (`MissingParameter`, `InvalidParameterValue`)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 404, description = "`TargetGroupNotFound`, `InvalidTarget` (not registered)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn set_target_health(
    cx: Cx,
    ApiPath((target_group_arn, target_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<TargetHealthRequest>,
) -> ApiResult<Response> {
    let v = tg::set_target_health(cx.ctx(), &target_group_arn, &target_id, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}
