//! Network and gateway load balancers (`service::producer::loadbalancer`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, LoadBalancerNotFound, PreconditionFailed};
use crate::api::{created_versioned, list, with_etag};
use crate::service::producer::loadbalancer::{
    self as lb, CreateLoadBalancerRequest, ListLoadBalancers, LoadBalancer, LoadBalancerType,
    UpdateLoadBalancerRequest,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListLoadBalancersQuery => ListLoadBalancers with tags {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
        /// `network` or `gateway`.
        pub r#type: Option<LoadBalancerType>,
    }
}

/// Create an internal network or gateway load balancer in subnets of one VPC (one per zone); each zone gets a node with an address of its subnet.
#[utoipa::path(
    post, path = "/v1/load-balancers", tag = "producer",
    request_body = CreateLoadBalancerRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new load balancer", body = LoadBalancer,
            headers(("Location" = String, description = "/v1/load-balancers/{load_balancer_arn} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = LoadBalancer),
        (status = 400, description = "Invalid input: `ValidationError` (bad name), `InvalidParameterValue`, `MissingParameter`, `InvalidSubnetID.NotFound`, `DuplicateSubnetsInSameZone`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`DuplicateLoadBalancerName`, `InsufficientFreeAddressesInSubnet`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_load_balancer(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateLoadBalancerRequest>,
) -> ApiResult<Response> {
    let out =
        lb::create_load_balancer(cx.ctx(), cx.state.settings.provision_delay, req, key).await?;
    Ok(created_versioned(out, |v| {
        format!(
            "/v1/load-balancers/{}",
            crate::api::encode_segment(&v.load_balancer_arn)
        )
    }))
}

/// List the caller's load balancers.
#[utoipa::path(
    get, path = "/v1/load-balancers", tag = "producer",
    params(ListLoadBalancersQuery),
    responses(
        (status = 200, description = "A page of load balancers", body = Page<LoadBalancer>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_load_balancers(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListLoadBalancersQuery>,
) -> ApiResult<Response> {
    let (items, next) = lb::list_load_balancers(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a load balancer by its ARN (URL-encoded in the path).
#[utoipa::path(
    get, path = "/v1/load-balancers/{load_balancer_arn}", tag = "producer",
    params(("load_balancer_arn" = crate::schema::LoadBalancerArn, Path)),
    responses(
        (status = 200, description = "The load balancer", body = LoadBalancer, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`LoadBalancerNotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_load_balancer(
    cx: Cx,
    ApiPath(load_balancer_arn): ApiPath<String>,
) -> ApiResult<Response> {
    let v = lb::get_load_balancer(cx.ctx(), &load_balancer_arn).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a load balancer and its nodes; its target groups stay, detached.
#[utoipa::path(
    delete, path = "/v1/load-balancers/{load_balancer_arn}", tag = "producer",
    params(("load_balancer_arn" = crate::schema::LoadBalancerArn, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        ForAccounts,
        LoadBalancerNotFound,
        (status = 409, description = "`ResourceInUse`: an endpoint service uses it", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_load_balancer(
    cx: Cx,
    ApiPath(load_balancer_arn): ApiPath<String>,
) -> ApiResult<StatusCode> {
    lb::delete_load_balancer(cx.ctx(), &load_balancer_arn).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turn cross-zone load balancing on or off, or retag; `If-Match` makes it conditional.
#[utoipa::path(
    patch, path = "/v1/load-balancers/{load_balancer_arn}", tag = "producer",
    request_body = UpdateLoadBalancerRequest,
    params(
        ("load_balancer_arn" = crate::schema::LoadBalancerArn, Path, description = "The ARN, URL-encoded"),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The load balancer", body = LoadBalancer, headers(("ETag" = String))),
        (status = 400, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        LoadBalancerNotFound,
        PreconditionFailed,
    ),
)]
pub(super) async fn update_load_balancer(
    cx: Cx,
    ApiPath(load_balancer_arn): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateLoadBalancerRequest>,
) -> ApiResult<Response> {
    let v = lb::update_load_balancer(cx.ctx(), &load_balancer_arn, req, &precondition).await?;
    Ok(with_etag(v.etag(), &v.value))
}
