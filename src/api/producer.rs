//! Producer side: load balancers, target groups, endpoint services with
//! their allowed principals and private DNS verification, and the public
//! DNS model.

use super::problem::{ApiResult, Problem};
use super::{created, created_versioned, ctx, list, with_etag};
use crate::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch};
use crate::pagination::tag_filters;
use crate::service::caller::Caller;
use crate::service::notification::{
    self as nf, ConnectionNotification, ConnectionNotificationWithSecret, CreateNotificationRequest,
};
use crate::service::producer::dns::{
    self, CreateZoneRequest, PublicRecord, PublicZone, PutRecordRequest,
};
use crate::service::producer::endpoint_service::{
    self as es, AddedPrincipals, AllowedPrincipal, CreateEndpointServiceRequest, EndpointService,
    ListEndpointServices, ListPrincipals, PrincipalsRequest, UpdateEndpointServiceRequest,
};
use crate::service::producer::loadbalancer::{
    self as lb, CreateLoadBalancerRequest, CreateTargetGroupRequest, ListLoadBalancers,
    ListTargetGroups, LoadBalancer, LoadBalancerType, TargetGroup, TargetHealthRequest,
    TargetsRequest, UpdateLoadBalancerRequest,
};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A page of load balancers.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoadBalancerList {
    pub items: Vec<LoadBalancer>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListLoadBalancersQuery {
    /// Only this VPC.
    pub vpc_id: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// `network` or `gateway`.
    pub r#type: Option<LoadBalancerType>,
    /// `Key=Value` (or `Key` for any value); repeat for several.
    #[serde(default)]
    #[param(value_type = Vec<crate::schema::TagFilter>)]
    pub tag: Vec<String>,
    /// 1..1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// Create an internal network or gateway load balancer in subnets of one VPC (one per zone); each zone gets a node with an address of its subnet.
#[utoipa::path(
    post, path = "/v1/load-balancers", tag = "producer",
    request_body = CreateLoadBalancerRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new load balancer", body = LoadBalancer,
            headers(("Location" = String, description = "/v1/load-balancers/{load_balancer_arn} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = LoadBalancer),
        (status = 400, description = "Invalid input: `ValidationError` (bad name), `InvalidParameterValue`, `MissingParameter`, `InvalidSubnetID.NotFound`, `DuplicateSubnetsInSameZone`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DuplicateLoadBalancerName`, `InsufficientFreeAddressesInSubnet`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_load_balancer(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateLoadBalancerRequest>,
) -> ApiResult<Response> {
    let out = lb::create_load_balancer(
        ctx(&state, &caller),
        state.settings.provision_delay,
        req,
        key,
    )
    .await?;
    Ok(created_versioned(out, |v| {
        format!(
            "/v1/load-balancers/{}",
            super::encode_segment(&v.load_balancer_arn)
        )
    }))
}

/// List the caller's load balancers.
#[utoipa::path(
    get, path = "/v1/load-balancers", tag = "producer",
    params(ListLoadBalancersQuery),
    responses(
        (status = 200, description = "A page of load balancers", body = LoadBalancerList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_load_balancers(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListLoadBalancersQuery>,
) -> ApiResult<Response> {
    let query = ListLoadBalancers {
        vpc_id: q.vpc_id,
        region: q.region,
        r#type: q.r#type,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = lb::list_load_balancers(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a load balancer by its ARN (URL-encoded in the path).
#[utoipa::path(
    get, path = "/v1/load-balancers/{load_balancer_arn}", tag = "producer",
    params(("load_balancer_arn" = crate::schema::LoadBalancerArn, Path)),
    responses(
        (status = 200, description = "The load balancer", body = LoadBalancer, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`LoadBalancerNotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_load_balancer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(load_balancer_arn): ApiPath<String>,
) -> ApiResult<Response> {
    let v = lb::get_load_balancer(ctx(&state, &caller), &load_balancer_arn).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a load balancer and its nodes; its target groups stay, detached.
#[utoipa::path(
    delete, path = "/v1/load-balancers/{load_balancer_arn}", tag = "producer",
    params(("load_balancer_arn" = crate::schema::LoadBalancerArn, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`LoadBalancerNotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ResourceInUse`: an endpoint service uses it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_load_balancer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(load_balancer_arn): ApiPath<String>,
) -> ApiResult<StatusCode> {
    lb::delete_load_balancer(ctx(&state, &caller), &load_balancer_arn).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of target groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetGroupList {
    pub items: Vec<TargetGroup>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListTargetGroupsQuery {
    /// Only this VPC.
    pub vpc_id: Option<String>,
    /// Only groups of this load balancer.
    pub load_balancer_arn: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// 1..1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// Create a target group: `tcp`, `udp`, `tcp_udp` or `tls` for a network load balancer, `geneve` (port 6081) for a gateway load balancer.
#[utoipa::path(
    post, path = "/v1/target-groups", tag = "producer",
    request_body = CreateTargetGroupRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new target group", body = TargetGroup,
            headers(("Location" = String, description = "/v1/target-groups/{target_group_arn} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TargetGroup),
        (status = 400, description = "Invalid input: `ValidationError` (name, protocol or port for the load balancer kind), `InvalidVpcID.NotFound`, `LoadBalancerNotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DuplicateTargetGroupName`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_target_group(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTargetGroupRequest>,
) -> ApiResult<Response> {
    let out = lb::create_target_group(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!(
            "/v1/target-groups/{}",
            super::encode_segment(&v.target_group_arn)
        )
    }))
}

/// List the caller's target groups with their targets.
#[utoipa::path(
    get, path = "/v1/target-groups", tag = "producer",
    params(ListTargetGroupsQuery),
    responses(
        (status = 200, description = "A page of target groups", body = TargetGroupList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_target_groups(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListTargetGroupsQuery>,
) -> ApiResult<Response> {
    let query = ListTargetGroups {
        vpc_id: q.vpc_id,
        load_balancer_arn: q.load_balancer_arn,
        region: q.region,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = lb::list_target_groups(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a target group with its targets and their health.
#[utoipa::path(
    get, path = "/v1/target-groups/{target_group_arn}", tag = "producer",
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path)),
    responses(
        (status = 200, description = "The target group", body = TargetGroup, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`TargetGroupNotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_target_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(target_group_arn): ApiPath<String>,
) -> ApiResult<Response> {
    let v = lb::get_target_group(ctx(&state, &caller), &target_group_arn).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a target group.
#[utoipa::path(
    delete, path = "/v1/target-groups/{target_group_arn}", tag = "producer",
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`TargetGroupNotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_target_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(target_group_arn): ApiPath<String>,
) -> ApiResult<StatusCode> {
    lb::delete_target_group(ctx(&state, &caller), &target_group_arn).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of endpoint services.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointServiceList {
    pub items: Vec<EndpointService>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListEndpointServicesQuery {
    /// `pending`, `available` or `deleting`.
    pub service_state: Option<String>,
    /// `interface` or `gateway_load_balancer`.
    pub service_type: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// `Key=Value` (or `Key` for any value); repeat for several.
    #[serde(default)]
    #[param(value_type = Vec<crate::schema::TagFilter>)]
    pub tag: Vec<String>,
    /// 1..1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// Create an endpoint service (`CreateVpcEndpointServiceConfiguration`) from network or gateway load balancers; its zones are theirs.
#[utoipa::path(
    post, path = "/v1/endpoint-services", tag = "producer",
    request_body = CreateEndpointServiceRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new endpoint service", body = EndpointService,
            headers(("Location" = String, description = "/v1/endpoint-services/{service_id} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = EndpointService),
        (status = 400, description = "Invalid input: `InvalidParameter` (no or both load balancer kinds; private DNS on a GWLB service), `InvalidNetworkLoadBalancerArn.Malformed`, `InvalidGatewayLoadBalancerArn.Malformed`, `InvalidNetworkLoadBalancerArn.NotFound`, `InvalidParameterValue` (private DNS name, IP address types, regions)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ResourceInUse` (a load balancer already serves a service), `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_endpoint_service(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateEndpointServiceRequest>,
) -> ApiResult<Response> {
    let out = es::create_service(
        ctx(&state, &caller),
        state.settings.provision_delay,
        req,
        key,
    )
    .await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/endpoint-services/{}", v.service_id)
    }))
}

/// List the caller's own endpoint services (`DescribeVpcEndpointServiceConfigurations`).
#[utoipa::path(
    get, path = "/v1/endpoint-services", tag = "producer",
    params(ListEndpointServicesQuery),
    responses(
        (status = 200, description = "A page of endpoint services", body = EndpointServiceList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_endpoint_services(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListEndpointServicesQuery>,
) -> ApiResult<Response> {
    let query = ListEndpointServices {
        service_state: q.service_state,
        service_type: q.service_type,
        region: q.region,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = es::list_services(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get one of the caller's endpoint services.
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "The endpoint service", body = EndpointService, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_endpoint_service(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = es::get_service(ctx(&state, &caller), &service_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete an endpoint service: `deleting`, then gone. Its load balancers stay.
#[utoipa::path(
    delete, path = "/v1/endpoint-services/{service_id}", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ExistingVpcEndpointConnections` (endpoints are connected or waiting for acceptance: reject them first), `IncorrectState`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_endpoint_service(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    es::delete_service(
        ctx(&state, &caller),
        state.settings.provision_delay,
        &service_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_load_balancer, list_load_balancers))
        .routes(routes!(create_target_group, list_target_groups))
        .routes(routes!(create_endpoint_service, list_endpoint_services))
        .routes(routes!(
            get_load_balancer,
            update_load_balancer,
            delete_load_balancer
        ))
        .routes(routes!(get_target_group, delete_target_group))
        .routes(routes!(register_targets, deregister_targets))
        .routes(routes!(set_target_health))
        .routes(routes!(
            get_endpoint_service,
            update_endpoint_service,
            delete_endpoint_service
        ))
        .routes(routes!(
            list_allowed_principals,
            add_allowed_principals,
            remove_allowed_principals
        ))
        .routes(routes!(verify_private_dns))
        .routes(routes!(create_notification, list_notifications))
        .routes(routes!(delete_notification))
        .routes(routes!(create_public_zone, list_public_zones))
        .routes(routes!(get_public_zone, delete_public_zone))
        .routes(routes!(
            put_public_record,
            list_public_records,
            delete_public_record
        ))
}

/// Turn cross-zone load balancing on or off, or retag; `If-Match` makes it conditional.
#[utoipa::path(
    patch, path = "/v1/load-balancers/{load_balancer_arn}", tag = "producer",
    request_body = UpdateLoadBalancerRequest,
    params(
        ("load_balancer_arn" = crate::schema::LoadBalancerArn, Path, description = "The ARN, URL-encoded"),
        ("If-Match" = Option<String>, Header, pattern = "^[\\t -~]*$", description = "An ETag from an earlier read; 412 if it changed since"),
    ),
    responses(
        (status = 200, description = "The load balancer", body = LoadBalancer, headers(("ETag" = String))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`LoadBalancerNotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`PreconditionFailed`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn update_load_balancer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(load_balancer_arn): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateLoadBalancerRequest>,
) -> ApiResult<Response> {
    let v = lb::update_load_balancer(ctx(&state, &caller), &load_balancer_arn, req, &precondition)
        .await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Register targets: IP addresses of the group's VPC (their zone is their subnet's) or network interfaces. Registering one again changes nothing.
#[utoipa::path(
    post, path = "/v1/target-groups/{target_group_arn}/targets", tag = "producer",
    request_body = TargetsRequest,
    params(("target_group_arn" = crate::schema::TargetGroupArn, Path, description = "The ARN, URL-encoded")),
    responses(
        (status = 200, description = "The group with its targets", body = TargetGroup, headers(("ETag" = String))),
        (status = 400, description = "`MissingParameter`, `InvalidParameterValue` (not an address, outside the VPC without a zone, another VPC), `InvalidNetworkInterfaceID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`TargetGroupNotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn register_targets(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(target_group_arn): ApiPath<String>,
    ApiJson(req): ApiJson<TargetsRequest>,
) -> ApiResult<Response> {
    let v = lb::register_targets(ctx(&state, &caller), &target_group_arn, req).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`TargetGroupNotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn deregister_targets(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(target_group_arn): ApiPath<String>,
    ApiJson(req): ApiJson<TargetsRequest>,
) -> ApiResult<Response> {
    let v = lb::deregister_targets(ctx(&state, &caller), &target_group_arn, req).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`TargetGroupNotFound`, `InvalidTarget` (not registered)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn set_target_health(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((target_group_arn, target_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<TargetHealthRequest>,
) -> ApiResult<Response> {
    let v = lb::set_target_health(ctx(&state, &caller), &target_group_arn, &target_id, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Change an endpoint service (`ModifyVpcEndpointServiceConfiguration`, `ModifyVpcEndpointServicePayerResponsibility`): load balancers, acceptance, private DNS name, IP address types, regions, payer.
#[utoipa::path(
    patch, path = "/v1/endpoint-services/{service_id}", tag = "producer",
    request_body = UpdateEndpointServiceRequest,
    params(
        ("service_id" = crate::schema::ServiceId, Path),
        ("If-Match" = Option<String>, Header, pattern = "^[\\t -~]*$", description = "An ETag from an earlier read; 412 if it changed since"),
    ),
    responses(
        (status = 200, description = "The service", body = EndpointService, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameter` (the other load balancer kind, removing the last one or one not in the service, private DNS on GWLB), `InvalidParameterCombination`, `InvalidParameterValue` (DNS name, IP types, removing the service's own region, payer other than `service_owner`), `InvalidNetworkLoadBalancerArn.Malformed`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ResourceInUse` (a load balancer serves another service), `IncorrectState` (being deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`PreconditionFailed`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn update_endpoint_service(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateEndpointServiceRequest>,
) -> ApiResult<Response> {
    let v = es::update_service(ctx(&state, &caller), &service_id, req, &precondition).await?;
    Ok(with_etag(v.etag(), &v.value))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListPrincipalsQuery {
    /// `all`, `account`, `user` or `role`.
    #[param(pattern = "^(all|account|user|role)$")]
    pub principal_type: Option<String>,
    /// Only this principal.
    pub principal: Option<String>,
    #[param(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// A page of allowed principals.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowedPrincipalList {
    pub items: Vec<AllowedPrincipal>,
    pub next_token: Option<String>,
}

/// List who may discover and connect to a service (`DescribeVpcEndpointServicePermissions`).
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}/allowed-principals", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path), ListPrincipalsQuery),
    responses(
        (status = 200, description = "A page of principals", body = AllowedPrincipalList),
        (status = 400, description = "Invalid filter or token", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_allowed_principals(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListPrincipalsQuery>,
) -> ApiResult<Response> {
    let query = ListPrincipals {
        principal_type: q.principal_type,
        principal: q.principal,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = es::list_principals(ctx(&state, &caller), &service_id, query).await?;
    Ok(list(items, next))
}

/// Allow principals (`ModifyVpcEndpointServicePermissions` `AddAllowedPrincipals`): `*`, an account's root, a user or a role. Answers the entries in force; one already allowed is not duplicated.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/allowed-principals", tag = "producer",
    request_body = PrincipalsRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "The entries for the given principals", body = AddedPrincipals),
        (status = 400, description = "`InvalidPrincipal` (not `*` or an IAM root/user/role ARN, or an ARN with a path), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn add_allowed_principals(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<PrincipalsRequest>,
) -> ApiResult<Response> {
    let v = es::add_principals(ctx(&state, &caller), &service_id, req).await?;
    Ok(Json(v).into_response())
}

/// Remove principals (`RemoveAllowedPrincipals`); ones not allowed are ignored. Existing connections stay; new ones from them are refused.
#[utoipa::path(
    delete, path = "/v1/endpoint-services/{service_id}/allowed-principals", tag = "producer",
    request_body = PrincipalsRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`InvalidPrincipal`, `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn remove_allowed_principals(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<PrincipalsRequest>,
) -> ApiResult<StatusCode> {
    es::remove_principals(ctx(&state, &caller), &service_id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check the private DNS name's TXT record in the public DNS model (`StartVpcEndpointServicePrivateDnsVerification`): a TXT record at `<name>.<domain>` (or at a parent domain) whose value matches exactly, case included, makes it `verified`, anything else `failed`. Only the zone that answers for that record's name counts (see the public-dns tag: the first zone over the name, then down NS delegations), whoever owns it; a record in a zone that does not answer, such as another account's zone inside the domain that nobody delegated to, verifies nothing.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/private-dns/verify", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "The service with its verification state", body = EndpointService, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameter` (a GWLB service), `InvalidParameterValue` (no private DNS name)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn verify_private_dns(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = es::verify_private_dns(ctx(&state, &caller), &service_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Create a public DNS zone of the caller's. The model works as DNS and Route 53 do: several accounts may hold zones of one name, a record belongs to the zone it was written in (no other account can move, overwrite or delete it), and one zone answers for a name. At the top, the first zone of a name that no zone encloses answers (another account's zone of exactly that name is then refused with 409, as a registered domain has one holder). Below it, a zone answers only where the answering zone above delegates to it with an NS record of its name whose value is one of its `name_servers`; until then it is created with `authoritative: false` and its records answer nothing. Private DNS names of endpoint services verify only against the answering zone.
#[utoipa::path(
    post, path = "/v1/public-dns/zones", tag = "public-dns",
    request_body = CreateZoneRequest,
    responses(
        (status = 201, description = "The zone, with its name servers and whether it answers now", body = PublicZone, headers(("Location" = String))),
        (status = 400, description = "`InvalidParameterValue`: not a lowercase domain, a wildcard, or under amazonaws.com", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`HostedZoneAlreadyExists`: this account has a zone of that name, or another account holds the name at the top (no zone encloses it)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_public_zone(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CreateZoneRequest>,
) -> ApiResult<Response> {
    let z = dns::create_zone(ctx(&state, &caller), req).await?;
    Ok(created(
        false,
        format!("/v1/public-dns/zones/{}", z.zone_name),
        None,
        &z,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// 1..1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

/// A page of public zones.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicZoneList {
    pub items: Vec<PublicZone>,
    pub next_token: Option<String>,
}

/// List the caller's public zones (never another account's, even of the same name).
#[utoipa::path(
    get, path = "/v1/public-dns/zones", tag = "public-dns",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of zones", body = PublicZoneList),
        (status = 400, description = "Invalid `max_results` or `next_token`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_public_zones(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Response> {
    let (items, next) =
        dns::list_zones(ctx(&state, &caller), q.max_results, q.next_token.as_deref()).await?;
    Ok(list(items, next))
}

/// One of the caller's public zones: its name servers and whether it answers for its name.
#[utoipa::path(
    get, path = "/v1/public-dns/zones/{zone_name}", tag = "public-dns",
    params(("zone_name" = crate::schema::PublicZoneName, Path)),
    responses(
        (status = 200, description = "The zone", body = PublicZone),
        (status = 400, description = "Invalid path", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`NoSuchHostedZone`: no zone of that name in this account (another account's zone of the name answers the same)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_public_zone(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(zone_name): ApiPath<String>,
) -> ApiResult<Response> {
    let z = dns::get_zone(ctx(&state, &caller), &zone_name).await?;
    Ok(Json(z).into_response())
}

/// Delete one of the caller's public zones with its records.
#[utoipa::path(
    delete, path = "/v1/public-dns/zones/{zone_name}", tag = "public-dns",
    params(("zone_name" = crate::schema::PublicZoneName, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid path", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`NoSuchHostedZone`: no zone of that name in this account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_public_zone(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(zone_name): ApiPath<String>,
) -> ApiResult<StatusCode> {
    dns::delete_zone(ctx(&state, &caller), &zone_name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Create or replace the record (name, type) in one of the caller's zones: `zone_name`, or else the caller's most specific zone that holds the name. Another account's zones and records are never touched. An NS record delegates its name (strictly below the zone's apex) to the zone whose name servers include its value.
#[utoipa::path(
    put, path = "/v1/public-dns/records", tag = "public-dns",
    request_body = PutRecordRequest,
    responses(
        (status = 200, description = "The record, with the zone it belongs to", body = PublicRecord),
        (status = 400, description = "`NoSuchHostedZone` (no zone of the caller holds the name), `InvalidParameterValue`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`NoSuchHostedZone`: the `zone_name` given is not a zone of this account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn put_public_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PutRecordRequest>,
) -> ApiResult<Response> {
    let r = dns::put_record(ctx(&state, &caller), req).await?;
    Ok(Json(r).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordsQuery {
    /// The zone (of the caller's) to list.
    #[param(value_type = crate::schema::PublicZoneName)]
    pub zone_name: String,
    /// 1..1000, default 100.
    #[param(minimum = 1, maximum = 1000)]
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub max_results: Option<u32>,
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordKeyQuery {
    #[param(value_type = crate::schema::DnsRecordName)]
    pub name: String,
    /// `TXT`, `A` or `NS`.
    #[param(value_type = crate::schema::DnsRecordType)]
    pub r#type: String,
    /// The caller's zone to delete from; by default the caller's most specific zone that holds the name.
    #[param(value_type = Option<crate::schema::PublicZoneName>)]
    pub zone_name: Option<String>,
}

/// A page of one zone's records.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicRecordList {
    pub items: Vec<PublicRecord>,
    pub next_token: Option<String>,
}

/// List the records of one of the caller's zones.
#[utoipa::path(
    get, path = "/v1/public-dns/records", tag = "public-dns",
    params(RecordsQuery),
    responses(
        (status = 200, description = "A page of the zone's records", body = PublicRecordList),
        (status = 400, description = "Invalid query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`NoSuchHostedZone`: no zone of that name in this account", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_public_records(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RecordsQuery>,
) -> ApiResult<Response> {
    let (items, next) = dns::list_records(
        ctx(&state, &caller),
        &q.zone_name,
        q.max_results,
        q.next_token.as_deref(),
    )
    .await?;
    Ok(list(items, next))
}

/// Delete a record from one of the caller's zones.
#[utoipa::path(
    delete, path = "/v1/public-dns/records", tag = "public-dns",
    params(RecordKeyQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`NoSuchHostedZone` (no zone of the caller holds the name), `InvalidParameterValue`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`NoSuchRecord` (the caller's zone has no such record; another account's record of the name is not the caller's), `NoSuchHostedZone` (the `zone_name` given)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_public_record(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RecordKeyQuery>,
) -> ApiResult<StatusCode> {
    dns::delete_record(
        ctx(&state, &caller),
        &q.name,
        &q.r#type,
        q.zone_name.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Subscribe a webhook to a service's connection events (`connect`, `accept`, `reject`, `delete`). Deliveries are POSTs of a JSON body signed with `X-Linkplane-Signature: sha256=<hex HMAC-SHA256>` under the `signing_secret` answered here once; they are retried with backoff until the webhook answers 2xx.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/notifications", tag = "producer",
    request_body = CreateNotificationRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 201, description = "The notification with its signing secret (shown once)", body = ConnectionNotificationWithSecret),
        (status = 400, description = "`InvalidParameterValue` (not an http:// URL, an unknown event), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_notification(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<CreateNotificationRequest>,
) -> ApiResult<Response> {
    let n = nf::create_notification(
        ctx(&state, &caller),
        &state.settings.webhook_allowed_hosts,
        &service_id,
        req,
    )
    .await?;
    let loc = format!(
        "/v1/endpoint-services/{service_id}/notifications/{}",
        n.notification.connection_notification_id
    );
    Ok(created(false, loc, None, &n))
}

/// A service's notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionNotificationList {
    pub items: Vec<ConnectionNotification>,
    pub next_token: Option<String>,
}

/// List a service's connection notifications with their delivery status.
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}/notifications", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "Every notification of the service (one page)", body = ConnectionNotificationList),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_notifications(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<Response> {
    let items = nf::list_notifications(ctx(&state, &caller), &service_id).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound`, `InvalidConnectionNotification`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_notification(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((service_id, connection_notification_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    nf::delete_notification(
        ctx(&state, &caller),
        &service_id,
        &connection_notification_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
