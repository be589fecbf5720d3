//! Network: VPCs, subnets, network interfaces, route tables, security
//! groups, internet and NAT gateways, VPC peering, transit gateways.

use super::problem::{ApiResult, Problem};
use super::{created, created_versioned, ctx, list, with_etag};
use crate::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, IfMatch};
use crate::pagination::tag_filters;
use crate::service::Created;
use crate::service::caller::Caller;
use crate::service::network::gateway::{
    self, CreateInternetGatewayRequest, GatewayAttachmentRequest, InternetGateway,
    ListInternetGateways,
};
use crate::service::network::interface::{
    self, CreateNatGatewayRequest, CreateNetworkInterfaceRequest, ListNatGateways,
    ListNetworkInterfaces, NatGateway, NetworkInterface,
};
use crate::service::network::peering::{
    self, CreateVpcPeeringConnectionRequest, ListPeerings, Transition, VpcPeeringConnection,
};
use crate::service::network::routing::{
    self, AssociateRouteTableRequest, CreateRouteRequest, CreateRouteTableRequest, ListRouteTables,
    RouteTable, RouteTableAssociation,
};
use crate::service::network::security::{
    self, AddRuleRequest, CreateSecurityGroupRequest, ListSecurityGroups, SecurityGroup,
};
use crate::service::network::transit::{
    self, CreateAttachmentRequest, CreateTgwRouteRequest, CreateTransitGatewayRequest,
    ListTransitGateways, TransitGateway,
};
use crate::service::network::vpc::{
    self, CreateSubnetRequest, CreateVpcRequest, ListSubnets, ListVpcs, Subnet, UpdateVpcRequest,
    Vpc,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Query parameter `destination` of route deletes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DestinationQuery {
    /// The route's destination: a CIDR block or a prefix list id.
    #[param(value_type = crate::schema::RouteDestination)]
    pub destination: String,
}

/// Query parameter `destination` of transit gateway route deletes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TgwDestinationQuery {
    /// The route's destination CIDR block.
    #[param(value_type = crate::schema::Ipv4Cidr)]
    pub destination: String,
}

/// A page of VPCs.
#[derive(Debug, Serialize, ToSchema)]
pub struct VpcList {
    pub items: Vec<Vpc>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListVpcsQuery {
    /// Only this region.
    pub region: Option<String>,
    /// Only VPCs with this CIDR block.
    pub cidr_block: Option<String>,
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

/// Create a VPC with its main route table (holding the `local` route) and its `default` security group.
#[utoipa::path(
    post, path = "/v1/vpcs", tag = "network",
    request_body = CreateVpcRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new VPC", body = Vpc,
            headers(("Location" = String, description = "/v1/vpcs/{vpc_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = Vpc),
        (status = 400, description = "Invalid input: `InvalidParameterValue`, `InvalidVpc.Range` (not /16 to /28), `MissingParameter`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_vpc(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateVpcRequest>,
) -> ApiResult<Response> {
    let out = vpc::create_vpc(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| format!("/v1/vpcs/{}", v.vpc_id)))
}

/// List the caller's VPCs.
#[utoipa::path(
    get, path = "/v1/vpcs", tag = "network",
    params(ListVpcsQuery),
    responses(
        (status = 200, description = "A page of VPCs", body = VpcList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_vpcs(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListVpcsQuery>,
) -> ApiResult<Response> {
    let query = ListVpcs {
        region: q.region,
        cidr_block: q.cidr_block,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = vpc::list_vpcs(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a VPC.
#[utoipa::path(
    get, path = "/v1/vpcs/{vpc_id}", tag = "network",
    params(("vpc_id" = crate::schema::VpcId, Path)),
    responses(
        (status = 200, description = "The VPC", body = Vpc, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_vpc(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = vpc::get_vpc(ctx(&state, &caller), &vpc_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a VPC with its main route table and default security group; its peering connections become `deleted`.
#[utoipa::path(
    delete, path = "/v1/vpcs/{vpc_id}", tag = "network",
    params(("vpc_id" = crate::schema::VpcId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: subnets, security groups, route tables, an internet gateway or transit gateway attachments remain", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_vpc(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    vpc::delete_vpc(ctx(&state, &caller), &vpc_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of subnets.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubnetList {
    pub items: Vec<Subnet>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListSubnetsQuery {
    /// Only subnets of this VPC.
    pub vpc_id: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// Only this zone (by id).
    pub availability_zone_id: Option<String>,
    /// Only this CIDR block.
    pub cidr_block: Option<String>,
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

/// Create a subnet in a VPC and a zone of its region.
#[utoipa::path(
    post, path = "/v1/subnets", tag = "network",
    request_body = CreateSubnetRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new subnet", body = Subnet,
            headers(("Location" = String, description = "/v1/subnets/{subnet_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = Subnet),
        (status = 400, description = "Invalid input: `InvalidSubnet.Range` (outside the VPC, not /16 to /28), `InvalidParameterValue` (bad CIDR, unknown zone or one of another region), `InvalidParameterCombination`, `InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidSubnet.Conflict` (overlaps another subnet), `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_subnet(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateSubnetRequest>,
) -> ApiResult<Response> {
    let out = vpc::create_subnet(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/subnets/{}", v.subnet_id)
    }))
}

/// List the caller's subnets.
#[utoipa::path(
    get, path = "/v1/subnets", tag = "network",
    params(ListSubnetsQuery),
    responses(
        (status = 200, description = "A page of subnets", body = SubnetList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_subnets(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListSubnetsQuery>,
) -> ApiResult<Response> {
    let query = ListSubnets {
        vpc_id: q.vpc_id,
        region: q.region,
        availability_zone_id: q.availability_zone_id,
        cidr_block: q.cidr_block,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = vpc::list_subnets(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a subnet with its count of free addresses.
#[utoipa::path(
    get, path = "/v1/subnets/{subnet_id}", tag = "network",
    params(("subnet_id" = crate::schema::SubnetId, Path)),
    responses(
        (status = 200, description = "The subnet", body = Subnet, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidSubnetID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_subnet(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(subnet_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = vpc::get_subnet(ctx(&state, &caller), &subnet_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a subnet (and its route table association).
#[utoipa::path(
    delete, path = "/v1/subnets/{subnet_id}", tag = "network",
    params(("subnet_id" = crate::schema::SubnetId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidSubnetID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: network interfaces (workloads, NAT gateways, endpoints) or transit gateway attachments use it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_subnet(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(subnet_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    vpc::delete_subnet(ctx(&state, &caller), &subnet_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of network interfaces.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkInterfaceList {
    pub items: Vec<NetworkInterface>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListNetworkInterfacesQuery {
    /// Only this VPC.
    pub vpc_id: Option<String>,
    /// Only this subnet.
    pub subnet_id: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// `interface`, `nat_gateway`, `vpc_endpoint`, ...
    pub interface_type: Option<String>,
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

/// Create a network interface (it stands for a workload) with a private address from its subnet.
#[utoipa::path(
    post, path = "/v1/network-interfaces", tag = "network",
    request_body = CreateNetworkInterfaceRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new network interface", body = NetworkInterface,
            headers(("Location" = String, description = "/v1/network-interfaces/{network_interface_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = NetworkInterface),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (bad, reserved or outside address), `InvalidSubnetID.NotFound`, `InvalidGroup.NotFound`, `InvalidParameter` (group of another VPC), `SecurityGroupsPerInterfaceLimitExceeded`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidIPAddress.InUse`, `InsufficientFreeAddressesInSubnet`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_network_interface(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateNetworkInterfaceRequest>,
) -> ApiResult<Response> {
    let out = interface::create_network_interface(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/network-interfaces/{}", v.network_interface_id)
    }))
}

/// List the caller's network interfaces.
#[utoipa::path(
    get, path = "/v1/network-interfaces", tag = "network",
    params(ListNetworkInterfacesQuery),
    responses(
        (status = 200, description = "A page of network interfaces", body = NetworkInterfaceList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_network_interfaces(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListNetworkInterfacesQuery>,
) -> ApiResult<Response> {
    let query = ListNetworkInterfaces {
        vpc_id: q.vpc_id,
        subnet_id: q.subnet_id,
        region: q.region,
        interface_type: q.interface_type,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = interface::list_network_interfaces(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a network interface.
#[utoipa::path(
    get, path = "/v1/network-interfaces/{network_interface_id}", tag = "network",
    params(("network_interface_id" = crate::schema::NetworkInterfaceId, Path)),
    responses(
        (status = 200, description = "The network interface", body = NetworkInterface, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidNetworkInterfaceID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_network_interface(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(network_interface_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = interface::get_network_interface(ctx(&state, &caller), &network_interface_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a workload's network interface; its address returns to the subnet and routes to it become blackholes.
#[utoipa::path(
    delete, path = "/v1/network-interfaces/{network_interface_id}", tag = "network",
    params(("network_interface_id" = crate::schema::NetworkInterfaceId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidNetworkInterfaceID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidNetworkInterface.InUse`: the interface is managed for a NAT gateway or an endpoint", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_network_interface(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(network_interface_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    interface::delete_network_interface(ctx(&state, &caller), &network_interface_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of route tables.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteTableList {
    pub items: Vec<RouteTable>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListRouteTablesQuery {
    /// Only this VPC.
    pub vpc_id: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// Only main (true) or other (false) tables.
    #[serde(default, deserialize_with = "crate::extract::query_value")]
    pub main: Option<bool>,
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

/// Create a route table in a VPC, holding only the `local` route.
#[utoipa::path(
    post, path = "/v1/route-tables", tag = "network",
    request_body = CreateRouteTableRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new route table", body = RouteTable,
            headers(("Location" = String, description = "/v1/route-tables/{route_table_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = RouteTable),
        (status = 400, description = "Invalid input: `InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_route_table(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateRouteTableRequest>,
) -> ApiResult<Response> {
    let out = routing::create_route_table(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/route-tables/{}", v.route_table_id)
    }))
}

/// List the caller's route tables with their routes and associations.
#[utoipa::path(
    get, path = "/v1/route-tables", tag = "network",
    params(ListRouteTablesQuery),
    responses(
        (status = 200, description = "A page of route tables", body = RouteTableList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_route_tables(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListRouteTablesQuery>,
) -> ApiResult<Response> {
    let query = ListRouteTables {
        vpc_id: q.vpc_id,
        region: q.region,
        main: q.main,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = routing::list_route_tables(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a route table; each route shows `state` (`active` or `blackhole`) and `origin`.
#[utoipa::path(
    get, path = "/v1/route-tables/{route_table_id}", tag = "network",
    params(("route_table_id" = crate::schema::RouteTableId, Path)),
    responses(
        (status = 200, description = "The route table", body = RouteTable, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidRouteTableID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_route_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(route_table_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = routing::get_route_table(ctx(&state, &caller), &route_table_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a route table that is not the main one and has no subnet associated.
#[utoipa::path(
    delete, path = "/v1/route-tables/{route_table_id}", tag = "network",
    params(("route_table_id" = crate::schema::RouteTableId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidRouteTableID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: it is the main table, or subnets are associated with it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_route_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(route_table_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    routing::delete_route_table(ctx(&state, &caller), &route_table_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of security groups.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecurityGroupList {
    pub items: Vec<SecurityGroup>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListSecurityGroupsQuery {
    /// Only this VPC.
    pub vpc_id: Option<String>,
    /// Only this region.
    pub region: Option<String>,
    /// Only this name.
    pub group_name: Option<String>,
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

/// Create a security group in a VPC; without `egress` it allows all traffic out.
#[utoipa::path(
    post, path = "/v1/security-groups", tag = "network",
    request_body = CreateSecurityGroupRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new security group", body = SecurityGroup,
            headers(("Location" = String, description = "/v1/security-groups/{group_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = SecurityGroup),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (reserved or bad name, bad rule), `MissingParameter`, `InvalidParameterCombination`, `InvalidVpcID.NotFound`, `InvalidGroup.NotFound`, `InvalidPrefixListID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidGroup.Duplicate`, `InvalidPermission.Duplicate`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_security_group(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateSecurityGroupRequest>,
) -> ApiResult<Response> {
    let out = security::create_security_group(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/security-groups/{}", v.group_id)
    }))
}

/// List the caller's security groups with their rules.
#[utoipa::path(
    get, path = "/v1/security-groups", tag = "network",
    params(ListSecurityGroupsQuery),
    responses(
        (status = 200, description = "A page of security groups", body = SecurityGroupList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_security_groups(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListSecurityGroupsQuery>,
) -> ApiResult<Response> {
    let query = ListSecurityGroups {
        vpc_id: q.vpc_id,
        region: q.region,
        group_name: q.group_name,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = security::list_security_groups(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a security group with its ingress and egress rules.
#[utoipa::path(
    get, path = "/v1/security-groups/{group_id}", tag = "network",
    params(("group_id" = crate::schema::SecurityGroupId, Path)),
    responses(
        (status = 200, description = "The security group", body = SecurityGroup, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidGroup.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_security_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(group_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = security::get_security_group(ctx(&state, &caller), &group_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a security group. The VPC's default group cannot be deleted (400 `CannotDelete`).
#[utoipa::path(
    delete, path = "/v1/security-groups/{group_id}", tag = "network",
    params(("group_id" = crate::schema::SecurityGroupId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`CannotDelete`: the VPC's default group", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidGroup.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: interfaces use it or other groups' rules reference it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_security_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(group_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    security::delete_security_group(ctx(&state, &caller), &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of internet gateways.
#[derive(Debug, Serialize, ToSchema)]
pub struct InternetGatewayList {
    pub items: Vec<InternetGateway>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListInternetGatewaysQuery {
    /// Only the gateway attached to this VPC.
    pub vpc_id: Option<String>,
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

/// Create an internet gateway, detached.
#[utoipa::path(
    post, path = "/v1/internet-gateways", tag = "network",
    request_body = CreateInternetGatewayRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new internet gateway", body = InternetGateway,
            headers(("Location" = String, description = "/v1/internet-gateways/{internet_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = InternetGateway),
        (status = 400, description = "Invalid input: `InvalidParameterValue` (unknown region)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_internet_gateway(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateInternetGatewayRequest>,
) -> ApiResult<Response> {
    let out = gateway::create_internet_gateway(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/internet-gateways/{}", v.internet_gateway_id)
    }))
}

/// List the caller's internet gateways.
#[utoipa::path(
    get, path = "/v1/internet-gateways", tag = "network",
    params(ListInternetGatewaysQuery),
    responses(
        (status = 200, description = "A page of internet gateways", body = InternetGatewayList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_internet_gateways(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListInternetGatewaysQuery>,
) -> ApiResult<Response> {
    let query = ListInternetGateways {
        vpc_id: q.vpc_id,
        region: q.region,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = gateway::list_internet_gateways(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get an internet gateway.
#[utoipa::path(
    get, path = "/v1/internet-gateways/{internet_gateway_id}", tag = "network",
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 200, description = "The internet gateway", body = InternetGateway, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidInternetGatewayID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_internet_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(internet_gateway_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = gateway::get_internet_gateway(ctx(&state, &caller), &internet_gateway_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a detached internet gateway.
#[utoipa::path(
    delete, path = "/v1/internet-gateways/{internet_gateway_id}", tag = "network",
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidInternetGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: the gateway is attached", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_internet_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(internet_gateway_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    gateway::delete_internet_gateway(ctx(&state, &caller), &internet_gateway_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of NAT gateways.
#[derive(Debug, Serialize, ToSchema)]
pub struct NatGatewayList {
    pub items: Vec<NatGateway>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListNatGatewaysQuery {
    /// Only this VPC.
    pub vpc_id: Option<String>,
    /// Only this subnet.
    pub subnet_id: Option<String>,
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

/// Create a NAT gateway in a subnet; it takes an address of the subnet on a requester-managed interface.
#[utoipa::path(
    post, path = "/v1/nat-gateways", tag = "network",
    request_body = CreateNatGatewayRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new NAT gateway", body = NatGateway,
            headers(("Location" = String, description = "/v1/nat-gateways/{nat_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = NatGateway),
        (status = 400, description = "Invalid input: `InvalidSubnetID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`Gateway.NotAttached` (a public NAT gateway in a VPC without internet gateway), `InsufficientFreeAddressesInSubnet`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_nat_gateway(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateNatGatewayRequest>,
) -> ApiResult<Response> {
    let out = interface::create_nat_gateway(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/nat-gateways/{}", v.nat_gateway_id)
    }))
}

/// List the caller's NAT gateways.
#[utoipa::path(
    get, path = "/v1/nat-gateways", tag = "network",
    params(ListNatGatewaysQuery),
    responses(
        (status = 200, description = "A page of NAT gateways", body = NatGatewayList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_nat_gateways(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListNatGatewaysQuery>,
) -> ApiResult<Response> {
    let query = ListNatGateways {
        vpc_id: q.vpc_id,
        subnet_id: q.subnet_id,
        region: q.region,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = interface::list_nat_gateways(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a NAT gateway.
#[utoipa::path(
    get, path = "/v1/nat-gateways/{nat_gateway_id}", tag = "network",
    params(("nat_gateway_id" = crate::schema::NatGatewayId, Path)),
    responses(
        (status = 200, description = "The NAT gateway", body = NatGateway, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidNatGatewayID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_nat_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(nat_gateway_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = interface::get_nat_gateway(ctx(&state, &caller), &nat_gateway_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a NAT gateway with its interface; routes to it become blackholes.
#[utoipa::path(
    delete, path = "/v1/nat-gateways/{nat_gateway_id}", tag = "network",
    params(("nat_gateway_id" = crate::schema::NatGatewayId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidNatGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_nat_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(nat_gateway_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    interface::delete_nat_gateway(ctx(&state, &caller), &nat_gateway_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A page of VPC peering connections.
#[derive(Debug, Serialize, ToSchema)]
pub struct VpcPeeringConnectionList {
    pub items: Vec<VpcPeeringConnection>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListVpcPeeringConnectionsQuery {
    /// Only connections with this VPC on either side.
    pub vpc_id: Option<String>,
    /// `pending_acceptance`, `active`, `rejected` or `deleted`.
    pub status: Option<String>,
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

/// Request a peering between one of the caller's VPCs and a VPC of any account and region; the accepter's account accepts or rejects it.
#[utoipa::path(
    post, path = "/v1/vpc-peering-connections", tag = "network",
    request_body = CreateVpcPeeringConnectionRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new VPC peering connection", body = VpcPeeringConnection,
            headers(("Location" = String, description = "/v1/vpc-peering-connections/{vpc_peering_connection_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = VpcPeeringConnection),
        (status = 400, description = "Invalid input: `InvalidVpcID.NotFound` (either VPC), `InvalidParameterValue` (overlapping CIDRs, a VPC peered with itself), `InvalidAccountID.Malformed`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`VpcPeeringConnectionAlreadyExists`, `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_vpc_peering_connection(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateVpcPeeringConnectionRequest>,
) -> ApiResult<Response> {
    let out = peering::create_peering(ctx(&state, &caller), req, key).await?;
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
        (status = 200, description = "A page of VPC peering connections", body = VpcPeeringConnectionList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_vpc_peering_connections(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListVpcPeeringConnectionsQuery>,
) -> ApiResult<Response> {
    let query = ListPeerings {
        vpc_id: q.vpc_id,
        status: q.status,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = peering::list_peerings(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a peering connection (either side's account may).
#[utoipa::path(
    get, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 200, description = "The VPC peering connection", body = VpcPeeringConnection, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcPeeringConnectionID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_vpc_peering_connection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = peering::get_peering(ctx(&state, &caller), &vpc_peering_connection_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// A page of transit gateways.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitGatewayList {
    pub items: Vec<TransitGateway>,
    /// Pass as `next_token` for the next page; absent on the last page.
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListTransitGatewaysQuery {
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

/// Create a transit gateway.
#[utoipa::path(
    post, path = "/v1/transit-gateways", tag = "network",
    request_body = CreateTransitGatewayRequest,
    params(("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe: the same key and body answer the same resource; 1 to 255 visible ASCII characters")),
    responses(
        (status = 201, description = "The new transit gateway", body = TransitGateway,
            headers(("Location" = String, description = "/v1/transit-gateways/{transit_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TransitGateway),
        (status = 400, description = "Invalid input: `InvalidParameterValue`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 1 MiB", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_transit_gateway(
    State(state): State<AppState>,
    caller: Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTransitGatewayRequest>,
) -> ApiResult<Response> {
    let out = transit::create_transit_gateway(ctx(&state, &caller), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/transit-gateways/{}", v.transit_gateway_id)
    }))
}

/// List the caller's transit gateways with their attachments and routes.
#[utoipa::path(
    get, path = "/v1/transit-gateways", tag = "network",
    params(ListTransitGatewaysQuery),
    responses(
        (status = 200, description = "A page of transit gateways", body = TransitGatewayList),
        (status = 400, description = "Invalid filter, `max_results` or `next_token` (`InvalidNextToken`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn list_transit_gateways(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ListTransitGatewaysQuery>,
) -> ApiResult<Response> {
    let query = ListTransitGateways {
        region: q.region,
        tags: tag_filters(&q.tag)?,
        max_results: q.max_results,
        next_token: q.next_token,
    };
    let (items, next) = transit::list_transit_gateways(ctx(&state, &caller), query).await?;
    Ok(list(items, next))
}

/// Get a transit gateway with its attachments and routes.
#[utoipa::path(
    get, path = "/v1/transit-gateways/{transit_gateway_id}", tag = "network",
    params(("transit_gateway_id" = crate::schema::TransitGatewayId, Path)),
    responses(
        (status = 200, description = "The transit gateway", body = TransitGateway, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidTransitGatewayID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn get_transit_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(transit_gateway_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = transit::get_transit_gateway(ctx(&state, &caller), &transit_gateway_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a transit gateway without attachments.
#[utoipa::path(
    delete, path = "/v1/transit-gateways/{transit_gateway_id}", tag = "network",
    params(("transit_gateway_id" = crate::schema::TransitGatewayId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DependencyViolation`: attachments remain", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_transit_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(transit_gateway_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    transit::delete_transit_gateway(ctx(&state, &caller), &transit_gateway_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_vpc, list_vpcs))
        .routes(routes!(create_subnet, list_subnets))
        .routes(routes!(create_network_interface, list_network_interfaces))
        .routes(routes!(create_route_table, list_route_tables))
        .routes(routes!(create_security_group, list_security_groups))
        .routes(routes!(create_internet_gateway, list_internet_gateways))
        .routes(routes!(create_nat_gateway, list_nat_gateways))
        .routes(routes!(
            create_vpc_peering_connection,
            list_vpc_peering_connections
        ))
        .routes(routes!(create_transit_gateway, list_transit_gateways))
        .routes(routes!(get_vpc, delete_vpc, update_vpc))
        .routes(routes!(get_subnet, delete_subnet))
        .routes(routes!(get_network_interface, delete_network_interface))
        .routes(routes!(get_route_table, delete_route_table))
        .routes(routes!(get_security_group, delete_security_group))
        .routes(routes!(get_internet_gateway, delete_internet_gateway))
        .routes(routes!(get_nat_gateway, delete_nat_gateway))
        .routes(routes!(
            get_vpc_peering_connection,
            delete_vpc_peering_connection
        ))
        .routes(routes!(get_transit_gateway, delete_transit_gateway))
        .routes(routes!(accept_vpc_peering_connection))
        .routes(routes!(reject_vpc_peering_connection))
        .routes(routes!(attach_internet_gateway))
        .routes(routes!(detach_internet_gateway))
        .routes(routes!(create_route, delete_route))
        .routes(routes!(associate_route_table))
        .routes(routes!(disassociate_route_table))
        .routes(routes!(add_security_group_rule))
        .routes(routes!(delete_security_group_rule))
        .routes(routes!(create_transit_gateway_attachment))
        .routes(routes!(delete_transit_gateway_attachment))
        .routes(routes!(
            create_transit_gateway_route,
            delete_transit_gateway_route
        ))
}

/// Change a VPC's DNS attributes (`ModifyVpcAttribute`) or tags; `If-Match` makes it conditional.
#[utoipa::path(
    patch, path = "/v1/vpcs/{vpc_id}", tag = "network",
    request_body = UpdateVpcRequest,
    params(
        ("vpc_id" = crate::schema::VpcId, Path),
        ("If-Match" = Option<String>, Header, pattern = "^[\\t -~]*$", description = "An ETag from an earlier read; 412 if the VPC changed since"),
    ),
    responses(
        (status = 200, description = "The updated VPC", body = Vpc, headers(("ETag" = String))),
        (status = 400, description = "`InvalidParameterValue`: DNS hostnames without DNS support", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`PreconditionFailed`: If-Match did not match", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn update_vpc(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_id): ApiPath<String>,
    IfMatch(precondition): IfMatch,
    ApiJson(req): ApiJson<UpdateVpcRequest>,
) -> ApiResult<Response> {
    let v = vpc::update_vpc(ctx(&state, &caller), &vpc_id, req, &precondition).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a peering connection: the requester while it is pending, either side while it is active. It stays visible as `deleted`.
#[utoipa::path(
    delete, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcPeeringConnectionID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidStateTransition`: not pending or active, or pending the caller's own acceptance (reject it instead)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_vpc_peering_connection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    peering::transition(
        ctx(&state, &caller),
        &vpc_peering_connection_id,
        Transition::Delete,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept a pending peering connection (the accepter VPC's account only): it becomes `active`.
#[utoipa::path(
    post, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}/accept", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 200, description = "The connection, now active", body = VpcPeeringConnection, headers(("ETag" = String))),
        (status = 400, description = "`InvalidVpcID.NotFound`: the accepter VPC is gone", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The requester (only the accepter may accept), or the admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcPeeringConnectionID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidStateTransition`: not pending acceptance", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn accept_vpc_peering_connection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = peering::transition(
        ctx(&state, &caller),
        &vpc_peering_connection_id,
        Transition::Accept,
    )
    .await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Reject a pending peering connection (the accepter VPC's account only).
#[utoipa::path(
    post, path = "/v1/vpc-peering-connections/{vpc_peering_connection_id}/reject", tag = "network",
    params(("vpc_peering_connection_id" = crate::schema::VpcPeeringConnectionId, Path)),
    responses(
        (status = 200, description = "The connection, now rejected", body = VpcPeeringConnection, headers(("ETag" = String))),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The requester (only the accepter may reject), or the admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidVpcPeeringConnectionID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidStateTransition`: not pending acceptance", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn reject_vpc_peering_connection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(vpc_peering_connection_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = peering::transition(
        ctx(&state, &caller),
        &vpc_peering_connection_id,
        Transition::Reject,
    )
    .await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Attach an internet gateway to a VPC of its region (one gateway per VPC, one VPC per gateway).
#[utoipa::path(
    post, path = "/v1/internet-gateways/{internet_gateway_id}/attach", tag = "network",
    request_body = GatewayAttachmentRequest,
    params(("internet_gateway_id" = crate::schema::InternetGatewayId, Path)),
    responses(
        (status = 200, description = "The gateway, attached", body = InternetGateway, headers(("ETag" = String))),
        (status = 400, description = "`InvalidVpcID.NotFound`, `InvalidParameterValue` (another region)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidInternetGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`Resource.AlreadyAssociated`: the gateway is attached, or the VPC has one", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn attach_internet_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(internet_gateway_id): ApiPath<String>,
    ApiJson(req): ApiJson<GatewayAttachmentRequest>,
) -> ApiResult<Response> {
    let v = gateway::attach(ctx(&state, &caller), &internet_gateway_id, req).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidInternetGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`Gateway.NotAttached` (not attached to that VPC), `DependencyViolation` (public NAT gateways use it)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn detach_internet_gateway(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(internet_gateway_id): ApiPath<String>,
    ApiJson(req): ApiJson<GatewayAttachmentRequest>,
) -> ApiResult<Response> {
    let v = gateway::detach(ctx(&state, &caller), &internet_gateway_id, req).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Add a route (`CreateRoute`): a CIDR or prefix-list destination to one target of the table's VPC. Answers the table.
#[utoipa::path(
    post, path = "/v1/route-tables/{route_table_id}/routes", tag = "network",
    request_body = CreateRouteRequest,
    params(
        ("route_table_id" = crate::schema::RouteTableId, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe; 1 to 255 visible ASCII characters"),
    ),
    responses(
        (status = 201, description = "The table with the new route", body = RouteTable,
            headers(("Location" = String, description = "/v1/route-tables/{route_table_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = RouteTable),
        (status = 400, description = "`MissingParameter`, `InvalidParameterCombination`, `InvalidParameterValue` (bad CIDR; a target in another VPC, a detached gateway, a peering that is not active; a destination inside the VPC's CIDR to anything but an interface, NAT gateway or GWLB endpoint), `InvalidPrefixListId.Malformed`, `InvalidPrefixListID.NotFound`, `InvalidGatewayID.NotFound`, `InvalidNatGatewayID.NotFound`, `InvalidVpcPeeringConnectionID.NotFound`, `InvalidTransitGatewayID.NotFound`, `InvalidNetworkInterfaceID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidRouteTableID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`RouteAlreadyExists` (including the local route's destination), `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_route(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(route_table_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateRouteRequest>,
) -> ApiResult<Response> {
    let out = routing::create_route(ctx(&state, &caller), &route_table_id, req, key).await?;
    Ok(created_versioned(out, |t| {
        format!("/v1/route-tables/{}", t.route_table_id)
    }))
}

/// Remove a route by its destination. The local route and routes of gateway endpoints cannot be removed here.
#[utoipa::path(
    delete, path = "/v1/route-tables/{route_table_id}/routes", tag = "network",
    params(("route_table_id" = crate::schema::RouteTableId, Path), DestinationQuery),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`InvalidParameterValue`: the local route or an endpoint's route; a bad destination", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidRouteTableID.NotFound`, `InvalidRoute.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_route(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(route_table_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DestinationQuery>,
) -> ApiResult<StatusCode> {
    routing::delete_route(ctx(&state, &caller), &route_table_id, &q.destination).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Associate a subnet with the table; an association it has with another table moves here.
#[utoipa::path(
    post, path = "/v1/route-tables/{route_table_id}/associations", tag = "network",
    request_body = AssociateRouteTableRequest,
    params(
        ("route_table_id" = crate::schema::RouteTableId, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe; 1 to 255 visible ASCII characters"),
    ),
    responses(
        (status = 201, description = "The association", body = RouteTableAssociation,
            headers(("Location" = String, description = "/v1/route-tables/{route_table_id}"))),
        (status = 200, description = "An idempotent replay", body = RouteTableAssociation),
        (status = 400, description = "`InvalidSubnetID.NotFound`, `InvalidParameterValue` (a subnet of another VPC)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidRouteTableID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`Resource.AlreadyAssociated` (already with this table), `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn associate_route_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(route_table_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<AssociateRouteTableRequest>,
) -> ApiResult<Response> {
    let out = routing::associate(ctx(&state, &caller), &route_table_id, req, key).await?;
    let replayed = matches!(out, Created::Replayed(_));
    let a = out.into_inner();
    Ok(created(
        replayed,
        format!("/v1/route-tables/{}", a.route_table_id),
        None,
        &a,
    ))
}

/// Remove a subnet's explicit association; the subnet falls back to the main table.
#[utoipa::path(
    delete, path = "/v1/route-tables/{route_table_id}/associations/{association_id}", tag = "network",
    params(
        ("route_table_id" = crate::schema::RouteTableId, Path),
        ("association_id" = crate::schema::RouteTableAssociationId, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`InvalidParameterValue`: the main association", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidRouteTableID.NotFound`, `InvalidAssociationID.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn disassociate_route_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((route_table_id, association_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    routing::disassociate(ctx(&state, &caller), &route_table_id, &association_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an ingress or egress rule to a security group. Answers the group.
#[utoipa::path(
    post, path = "/v1/security-groups/{group_id}/rules", tag = "network",
    request_body = AddRuleRequest,
    params(
        ("group_id" = crate::schema::SecurityGroupId, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe; 1 to 255 visible ASCII characters"),
    ),
    responses(
        (status = 201, description = "The group with the new rule", body = SecurityGroup,
            headers(("Location" = String, description = "/v1/security-groups/{group_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = SecurityGroup),
        (status = 400, description = "`InvalidParameterValue` (protocol, ports, CIDR, a group of another VPC), `MissingParameter`, `InvalidParameterCombination`, `InvalidGroup.NotFound`, `InvalidPrefixListID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidGroup.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`InvalidPermission.Duplicate`, `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn add_security_group_rule(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(group_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<AddRuleRequest>,
) -> ApiResult<Response> {
    let out = security::add_rule(ctx(&state, &caller), &group_id, req, key).await?;
    Ok(created_versioned(out, |g| {
        format!("/v1/security-groups/{}", g.group_id)
    }))
}

/// Remove a rule from a security group.
#[utoipa::path(
    delete, path = "/v1/security-groups/{group_id}/rules/{security_group_rule_id}", tag = "network",
    params(
        ("group_id" = crate::schema::SecurityGroupId, Path),
        ("security_group_rule_id" = crate::schema::SecurityGroupRuleId, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidGroup.NotFound`, `InvalidSecurityGroupRuleId.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_security_group_rule(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((group_id, rule_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    security::delete_rule(ctx(&state, &caller), &group_id, &rule_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Attach a VPC to a transit gateway through one subnet per zone; its CIDR propagates into the gateway's routes.
#[utoipa::path(
    post, path = "/v1/transit-gateways/{transit_gateway_id}/attachments", tag = "network",
    request_body = CreateAttachmentRequest,
    params(
        ("transit_gateway_id" = crate::schema::TransitGatewayId, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe; 1 to 255 visible ASCII characters"),
    ),
    responses(
        (status = 201, description = "The gateway with the new attachment", body = TransitGateway,
            headers(("Location" = String, description = "/v1/transit-gateways/{transit_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TransitGateway),
        (status = 400, description = "`MissingParameter`, `InvalidVpcID.NotFound`, `InvalidSubnetID.NotFound`, `DuplicateSubnetsInSameZone`, `InvalidParameterValue` (another region, a subnet of another VPC)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`DuplicateTransitGatewayAttachment`, `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_transit_gateway_attachment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(transit_gateway_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateAttachmentRequest>,
) -> ApiResult<Response> {
    let out =
        transit::create_attachment(ctx(&state, &caller), &transit_gateway_id, req, key).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`, `InvalidTransitGatewayAttachmentID.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_transit_gateway_attachment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((transit_gateway_id, attachment_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    transit::delete_attachment(ctx(&state, &caller), &transit_gateway_id, &attachment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a static route to an attachment, or a blackhole route. Answers the gateway.
#[utoipa::path(
    post, path = "/v1/transit-gateways/{transit_gateway_id}/routes", tag = "network",
    request_body = CreateTgwRouteRequest,
    params(
        ("transit_gateway_id" = crate::schema::TransitGatewayId, Path),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$", description = "Makes retries safe; 1 to 255 visible ASCII characters"),
    ),
    responses(
        (status = 201, description = "The gateway with the new route", body = TransitGateway,
            headers(("Location" = String, description = "/v1/transit-gateways/{transit_gateway_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = TransitGateway),
        (status = 400, description = "`InvalidParameterValue` (bad CIDR), `MissingParameter`, `InvalidParameterCombination`, `InvalidTransitGatewayAttachmentID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`RouteAlreadyExists`, `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn create_transit_gateway_route(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(transit_gateway_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateTgwRouteRequest>,
) -> ApiResult<Response> {
    let out = transit::create_route(ctx(&state, &caller), &transit_gateway_id, req, key).await?;
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
        (status = 401, description = "No valid credentials", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin (network resources belong to an account)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`InvalidTransitGatewayID.NotFound`, `InvalidRoute.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
async fn delete_transit_gateway_route(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(transit_gateway_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<TgwDestinationQuery>,
) -> ApiResult<StatusCode> {
    transit::delete_route(ctx(&state, &caller), &transit_gateway_id, &q.destination).await?;
    Ok(StatusCode::NO_CONTENT)
}
