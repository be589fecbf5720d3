//! Endpoint services, their allowed principals and private DNS verification
//! (`service::producer::endpoint_service`).

use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, PreconditionFailed, ServiceNotFound};
use crate::api::{created_versioned, list, with_etag};
use crate::service::producer::endpoint_service::{
    self as es, CreateEndpointServiceRequest, EndpointService, ListEndpointServices,
    UpdateEndpointServiceRequest,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListEndpointServicesQuery => ListEndpointServices with tags {
        /// `pending`, `available` or `deleting`.
        pub service_state: Option<String>,
        /// `interface` or `gateway_load_balancer`.
        pub service_type: Option<String>,
        /// Only this region.
        pub region: Option<String>,
    }
}

/// Create an endpoint service (`CreateVpcEndpointServiceConfiguration`) from network or gateway load balancers; its zones are theirs.
#[utoipa::path(
    post, path = "/v1/endpoint-services", tag = "producer",
    request_body = CreateEndpointServiceRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new endpoint service", body = EndpointService,
            headers(("Location" = String, description = "/v1/endpoint-services/{service_id} (URL-encoded)"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = EndpointService),
        (status = 400, description = "Invalid input: `InvalidParameter` (no or both load balancer kinds; private DNS on a GWLB service), `InvalidNetworkLoadBalancerArn.Malformed`, `InvalidGatewayLoadBalancerArn.Malformed`, `InvalidNetworkLoadBalancerArn.NotFound`, `InvalidParameterValue` (private DNS name, IP address types, regions)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`ResourceInUse` (a load balancer already serves a service), `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_endpoint_service(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateEndpointServiceRequest>,
) -> ApiResult<Response> {
    let out = es::create_service(cx.ctx(), cx.state.settings.provision_delay, req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/endpoint-services/{}", v.service_id)
    }))
}

/// List the caller's own endpoint services (`DescribeVpcEndpointServiceConfigurations`).
#[utoipa::path(
    get, path = "/v1/endpoint-services", tag = "producer",
    params(ListEndpointServicesQuery),
    responses(
        (status = 200, description = "A page of endpoint services", body = Page<EndpointService>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_endpoint_services(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListEndpointServicesQuery>,
) -> ApiResult<Response> {
    let (items, next) = es::list_services(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get one of the caller's endpoint services.
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "The endpoint service", body = EndpointService, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidVpcEndpointServiceId.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_endpoint_service(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = es::get_service(cx.ctx(), &service_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete an endpoint service: `deleting`, then gone. Its load balancers stay.
#[utoipa::path(
    delete, path = "/v1/endpoint-services/{service_id}", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 204, description = "Deleted (or deletion started)"),
        ForAccounts,
        ServiceNotFound,
        (status = 409, description = "`ExistingVpcEndpointConnections` (endpoints are connected or waiting for acceptance: reject them first), `IncorrectState`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_endpoint_service(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    es::delete_service(cx.ctx(), cx.state.settings.provision_delay, &service_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change an endpoint service (`ModifyVpcEndpointServiceConfiguration`, `ModifyVpcEndpointServicePayerResponsibility`): load balancers, acceptance, private DNS name, IP address types, regions, payer.
#[utoipa::path(
    patch, path = "/v1/endpoint-services/{service_id}", tag = "producer",
    request_body = UpdateEndpointServiceRequest,
    params(
        ("service_id" = crate::schema::ServiceId, Path),
        IfMatch,
    ),
    responses(
        (status = 200, description = "The service", body = EndpointService, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameter` (the other load balancer kind, removing the last one or one not in the service, private DNS on GWLB), `InvalidParameterCombination`, `InvalidParameterValue` (DNS name, IP types, removing the service's own region, payer other than `service_owner`), `InvalidNetworkLoadBalancerArn.Malformed`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        ServiceNotFound,
        (status = 409, description = "`ResourceInUse` (a load balancer serves another service), `IncorrectState` (being deleted)", body = Problem, content_type = "application/problem+json"),
        PreconditionFailed,
    ),
)]
pub(super) async fn update_endpoint_service(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateEndpointServiceRequest>,
) -> ApiResult<Response> {
    let v = es::update_service(cx.ctx(), &service_id, req, &precondition).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Check the private DNS name's TXT record in the public DNS model (`StartVpcEndpointServicePrivateDnsVerification`): a TXT record at `<name>.<domain>` (or at a parent domain) whose value matches exactly, case included, makes it `verified`, anything else `failed`. Only the zone that answers for that record's name counts (see the public-dns tag: the first zone over the name, then down NS delegations), whoever owns it; a record in a zone that does not answer, such as another account's zone inside the domain that nobody delegated to, verifies nothing.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/private-dns/verify", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "The service with its verification state", body = EndpointService, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameter` (a GWLB service), `InvalidParameterValue` (no private DNS name)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        ServiceNotFound,
    ),
)]
pub(super) async fn verify_private_dns(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = es::verify_private_dns(cx.ctx(), &service_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}
