//! Route tables, their routes and associations (`service::network::routing`).
use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, list_query};
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, ForAccounts, IdempotencyConflict, RouteTableNotFound};
use crate::api::{created, created_versioned, list, with_etag};
use crate::service::network::routing::{
    self, AssociateRouteTableRequest, CreateRouteRequest, CreateRouteTableRequest, ListRouteTables,
    RouteTable, RouteTableAssociation,
};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

/// Query parameter `destination` of route deletes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DestinationQuery {
    /// The route's destination: a CIDR block or a prefix list id.
    #[param(value_type = crate::schema::RouteDestination)]
    pub destination: String,
}

list_query! {
    pub struct ListRouteTablesQuery => ListRouteTables with tags {
        /// Only this VPC.
        pub vpc_id: Option<String>,
        /// Only this region.
        pub region: Option<String>,
        /// Only main (true) or other (false) tables.
        #[serde(default, deserialize_with = "crate::api::extract::query_value")]
        pub main: Option<bool>,
    }
}

/// Create a route table in a VPC, holding only the `local` route.
#[utoipa::path(
    post, path = "/v1/route-tables", tag = "network",
    request_body = CreateRouteTableRequest,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new route table", body = RouteTable,
            headers(("Location" = String, description = "/v1/route-tables/{route_table_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = RouteTable),
        (status = 400, description = "Invalid input: `InvalidVpcID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        IdempotencyConflict,
    ),
)]
pub(super) async fn create_route_table(
    cx: Cx,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateRouteTableRequest>,
) -> ApiResult<Response> {
    let out = routing::create_route_table(cx.ctx(), req, key).await?;
    Ok(created_versioned(out, |v| {
        format!("/v1/route-tables/{}", v.route_table_id)
    }))
}

/// List the caller's route tables with their routes and associations.
#[utoipa::path(
    get, path = "/v1/route-tables", tag = "network",
    params(ListRouteTablesQuery),
    responses(
        (status = 200, description = "A page of route tables", body = Page<RouteTable>),
        BadListQuery,
        ForAccounts,
    ),
)]
pub(super) async fn list_route_tables(
    cx: Cx,
    ApiQuery(q): ApiQuery<ListRouteTablesQuery>,
) -> ApiResult<Response> {
    let (items, next) = routing::list_route_tables(cx.ctx(), q.into_list()?).await?;
    Ok(list(items, next))
}

/// Get a route table; each route shows `state` (`active` or `blackhole`) and `origin`.
#[utoipa::path(
    get, path = "/v1/route-tables/{route_table_id}", tag = "network",
    params(("route_table_id" = crate::schema::RouteTableId, Path)),
    responses(
        (status = 200, description = "The route table", body = RouteTable, headers(("ETag" = String))),
        ForAccounts,
        (status = 404, description = "`InvalidRouteTableID.NotFound` (also for another account's)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn get_route_table(
    cx: Cx,
    ApiPath(route_table_id): ApiPath<String>,
) -> ApiResult<Response> {
    let v = routing::get_route_table(cx.ctx(), &route_table_id).await?;
    Ok(with_etag(v.etag(), &v.value))
}

/// Delete a route table that is not the main one and has no subnet associated.
#[utoipa::path(
    delete, path = "/v1/route-tables/{route_table_id}", tag = "network",
    params(("route_table_id" = crate::schema::RouteTableId, Path)),
    responses(
        (status = 204, description = "Deleted"),
        ForAccounts,
        RouteTableNotFound,
        (status = 409, description = "`DependencyViolation`: it is the main table, or subnets are associated with it", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_route_table(
    cx: Cx,
    ApiPath(route_table_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    routing::delete_route_table(cx.ctx(), &route_table_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a route (`CreateRoute`): a CIDR or prefix-list destination to one target of the table's VPC. Answers the table.
#[utoipa::path(
    post, path = "/v1/route-tables/{route_table_id}/routes", tag = "network",
    request_body = CreateRouteRequest,
    params(
        ("route_table_id" = crate::schema::RouteTableId, Path),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The table with the new route", body = RouteTable,
            headers(("Location" = String, description = "/v1/route-tables/{route_table_id}"), ("ETag" = String))),
        (status = 200, description = "An idempotent replay", body = RouteTable),
        (status = 400, description = "`MissingParameter`, `InvalidParameterCombination`, `InvalidParameterValue` (bad CIDR; a target in another VPC, a detached gateway, a peering that is not active; a destination inside the VPC's CIDR to anything but an interface, NAT gateway or GWLB endpoint), `InvalidPrefixListId.Malformed`, `InvalidPrefixListID.NotFound`, `InvalidGatewayID.NotFound`, `InvalidNatGatewayID.NotFound`, `InvalidVpcPeeringConnectionID.NotFound`, `InvalidTransitGatewayID.NotFound`, `InvalidNetworkInterfaceID.NotFound`", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        RouteTableNotFound,
        (status = 409, description = "`RouteAlreadyExists` (including the local route's destination), `IdempotentParameterMismatch`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn create_route(
    cx: Cx,
    ApiPath(route_table_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<CreateRouteRequest>,
) -> ApiResult<Response> {
    let out = routing::create_route(cx.ctx(), &route_table_id, req, key).await?;
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
        ForAccounts,
        (status = 404, description = "`InvalidRouteTableID.NotFound`, `InvalidRoute.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn delete_route(
    cx: Cx,
    ApiPath(route_table_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<DestinationQuery>,
) -> ApiResult<StatusCode> {
    routing::delete_route(cx.ctx(), &route_table_id, &q.destination).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Associate a subnet with the table; an association it has with another table moves here.
#[utoipa::path(
    post, path = "/v1/route-tables/{route_table_id}/associations", tag = "network",
    request_body = AssociateRouteTableRequest,
    params(
        ("route_table_id" = crate::schema::RouteTableId, Path),
        IdempotencyKey,
    ),
    responses(
        (status = 201, description = "The association", body = RouteTableAssociation,
            headers(("Location" = String, description = "/v1/route-tables/{route_table_id}"))),
        (status = 200, description = "An idempotent replay", body = RouteTableAssociation),
        (status = 400, description = "`InvalidSubnetID.NotFound`, `InvalidParameterValue` (a subnet of another VPC)", body = Problem, content_type = "application/problem+json"),
        ForAccounts,
        RouteTableNotFound,
        (status = 409, description = "`Resource.AlreadyAssociated` (already with this table), `IdempotentParameterMismatch`, `IdempotentResourceDeleted` (a replay after the resource was deleted)", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn associate_route_table(
    cx: Cx,
    ApiPath(route_table_id): ApiPath<String>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(req): ApiJson<AssociateRouteTableRequest>,
) -> ApiResult<Response> {
    let out = routing::associate(cx.ctx(), &route_table_id, req, key).await?;
    Ok(created(out, |a| {
        format!("/v1/route-tables/{}", a.route_table_id)
    }))
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
        ForAccounts,
        (status = 404, description = "`InvalidRouteTableID.NotFound`, `InvalidAssociationID.NotFound`", body = Problem, content_type = "application/problem+json"),
    ),
)]
pub(super) async fn disassociate_route_table(
    cx: Cx,
    ApiPath((route_table_id, association_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    routing::disassociate(cx.ctx(), &route_table_id, &association_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
