//! Network interfaces and NAT gateways (`service::network::interface`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts};
use crate::api::{created_versioned, list, with_etag};
use crate::service::network::interface::{
    self, CreateNatGatewayRequest, CreateNetworkInterfaceRequest, ListNatGateways,
    ListNetworkInterfaces, NatGateway, NetworkInterface,
};
use axum::http::StatusCode;
use axum::response::Response;

list_query! {
    pub struct ListNetworkInterfacesQuery => ListNetworkInterfaces with tags {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only this subnet.
        pub subnet_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
        /// `interface`, `nat_gateway`, `vpc_endpoint`, ...
        pub interface_type: Option<String>,
        /// Only interfaces managed for a resource (true: NAT gateways', load
        /// balancers', endpoints') or workloads' (false).
        #[serde(default, deserialize_with = "crate::api::extract::query_value")]
        pub requester_managed: Option<bool>,
        /// Only interfaces in this zone (a zone id; one that names no zone
        /// matches nothing, as on `GET /v1/subnets`).
        pub availability_zone_id: Option<String>,
        /// Only the interface with this private address.
        #[param(value_type = Option<crate::schema::Ipv4Address>)]
        pub private_ip: Option<String>,
    }
}

/// Create a network interface (it stands for a workload) with a private address from its subnet.
#[utoipa::path(
    post, path = "/v1/network-interfaces", tag = "network",
    request_body = CreateNetworkInterfaceRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new network interface", body = NetworkInterface,
            headers(("Location" = String, description = "/v1/network-interfaces/{network_interface_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = NetworkInterface),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (bad, reserved or outside address), `InvalidSubnetID.NotFound`, `InvalidGroup.NotFound`, `InvalidParameter` (group of another VPC), `SecurityGroupsPerInterfaceLimitExceeded`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`InvalidIPAddress.InUse`, `InsufficientFreeAddressesInSubnet`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_network_interface(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateNetworkInterfaceRequest>,
) -> ApiResult<Response> {
    let out = interface::create_network_interface(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/network-interfaces/{}", v.network_interface_id)
    }))
}

/// List the caller's network interfaces.
#[utoipa::path(
    get, path = "/v1/network-interfaces", tag = "network",
    params(ListNetworkInterfacesQuery),
    responses(
        (status = 200, description = "A page of network interfaces", body = Page<NetworkInterface>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_network_interfaces(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListNetworkInterfacesQuery>,
) -> ApiResult<Response> {
    let (items, next) = interface::list_network_interfaces(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a network interface.
#[utoipa::path(
    get, path = "/v1/network-interfaces/{network_interface_id}", tag = "network",
    params(("network_interface_id" = crate::schema::NetworkInterfaceId, Path)),
    responses(
        (status = 200, description = "The network interface", body = NetworkInterface, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidNetworkInterfaceID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_network_interface(
    cx: Cx,
    ApiPath(network_interface_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = interface::get_network_interface(cx.ctx(), &network_interface_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a workload's network interface; its address returns to the subnet and routes to it become blackholes.
#[utoipa::path(
    delete, path = "/v1/network-interfaces/{network_interface_id}", tag = "network",
    params(("network_interface_id" = crate::schema::NetworkInterfaceId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        (status = 404, description = "`InvalidNetworkInterfaceID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidNetworkInterface.InUse`: the interface is managed for a NAT gateway or an endpoint", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_network_interface(
    cx: Cx,
    ApiPath(network_interface_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    interface::delete_network_interface(cx.ctx(), &network_interface_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

list_query! {
    pub struct ListNatGatewaysQuery => ListNatGateways with tags {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only this subnet.
        pub subnet_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
    }
}

/// Create a NAT gateway in a subnet; it takes an address of the subnet on a requester-managed interface.
#[utoipa::path(
    post, path = "/v1/nat-gateways", tag = "network",
    request_body = CreateNatGatewayRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new NAT gateway", body = NatGateway,
            headers(("Location" = String, description = "/v1/nat-gateways/{nat_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = NatGateway),
        (status = 400, description = "Invalid input: `InvalidSubnetID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        (status = 409, description = "`Gateway.NotAttached` (a public NAT gateway in a VPC without internet gateway), `InsufficientFreeAddressesInSubnet`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_nat_gateway(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateNatGatewayRequest>,
) -> ApiResult<Response> {
    let out = interface::create_nat_gateway(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/nat-gateways/{}", v.nat_gateway_id)
    }))
}

/// List the caller's NAT gateways.
#[utoipa::path(
    get, path = "/v1/nat-gateways", tag = "network",
    params(ListNatGatewaysQuery),
    responses(
        (status = 200, description = "A page of NAT gateways", body = Page<NatGateway>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_nat_gateways(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListNatGatewaysQuery>,
) -> ApiResult<Response> {
    let (items, next) = interface::list_nat_gateways(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a NAT gateway.
#[utoipa::path(
    get, path = "/v1/nat-gateways/{nat_gateway_id}", tag = "network",
    params(("nat_gateway_id" = crate::schema::NatGatewayId, Path)),
    responses(
        (status = 200, description = "The NAT gateway", body = NatGateway, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidNatGatewayID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_nat_gateway(
    cx: Cx,
    ApiPath(nat_gateway_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = interface::get_nat_gateway(cx.ctx(), &nat_gateway_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a NAT gateway with its interface; routes to it become blackholes.
#[utoipa::path(
    delete, path = "/v1/nat-gateways/{nat_gateway_id}", tag = "network",
    params(("nat_gateway_id" = crate::schema::NatGatewayId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        (status = 404, description = "`InvalidNatGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_nat_gateway(
    cx: Cx,
    ApiPath(nat_gateway_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    interface::delete_nat_gateway(cx.ctx(), &nat_gateway_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
