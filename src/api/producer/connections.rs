//! The connection requests of an endpoint service, accepted or rejected by
//! its owner (`service::producer::connections`).

use crate::api::Page;
use crate::api::auth::Cx;
use crate::api::extract::{ApiJson, ApiPath, ApiQuery, list_query};
use crate::api::list;
use crate::api::problem::{ApiResult, Problem};
use crate::api::responses::{BadListQuery, NotAdmin, ServiceNotFound};
use crate::service::producer::connections::{
    self, BatchResult, ConnectionsRequest, ListConnections, VpcEndpointConnection,
};
use axum::Json;
use axum::response::{IntoResponse, Response};

list_query! {
    pub struct ListConnectionsQuery => ListConnections {
        /// `pending_acceptance`, `pending`, `available`, `rejected`, `deleting`, `deleted`.
        pub vpc_endpoint_state: Option<String>,
        /// Only endpoints of this account.
        pub vpc_endpoint_owner: Option<String>,
    }
}

/// The connection requests of one of the caller's endpoint services (`DescribeVpcEndpointConnections`): its endpoints, in any account, with their state.
#[utoipa::path(
    get, path = "/v1/endpoint-services/{service_id}/connections", tag = "producer",
    params(("service_id" = crate::schema::ServiceId, Path), ListConnectionsQuery),
    responses(
        (status = 200, description = "A page of connections", body = Page<VpcEndpointConnection>),
        BadListQuery,
        NotAdmin,
        ServiceNotFound,
    ),
)]
pub(super) async fn list_connections(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListConnectionsQuery>,
) -> ApiResult<Response> {
    let (items, next) = connections::list_connections(cx.ctx(), &service_id, q.into_list()).await?;
    Ok(list(items, next))
}

/// Accept connection requests (`AcceptVpcEndpointConnections`): `pending_acceptance` -> `pending` -> `available`. Ids that cannot be accepted (not a connection of this service, already decided) come back in `unsuccessful`.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/connections/accept", tag = "producer",
    request_body = ConnectionsRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "What could not be accepted", body = BatchResult),
        (status = 400, description = "`MissingParameter`", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        ServiceNotFound,
    ),
)]
pub(super) async fn accept_connections(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<ConnectionsRequest>,
) -> ApiResult<Response> {
    decide(&cx, &service_id, req, true).await
}

/// Reject connections (`RejectVpcEndpointConnections`): `pending_acceptance`, `pending` or `available` -> `rejected`, for good. Ids that cannot be rejected come back in `unsuccessful`.
#[utoipa::path(
    post, path = "/v1/endpoint-services/{service_id}/connections/reject", tag = "producer",
    request_body = ConnectionsRequest,
    params(("service_id" = crate::schema::ServiceId, Path)),
    responses(
        (status = 200, description = "What could not be rejected", body = BatchResult),
        (status = 400, description = "`MissingParameter`", body = Problem, content_type = "application/problem+json"),
        NotAdmin,
        ServiceNotFound,
    ),
)]
pub(super) async fn reject_connections(
    cx: Cx,
    ApiPath(service_id): ApiPath<String>,
    ApiJson(req): ApiJson<ConnectionsRequest>,
) -> ApiResult<Response> {
    decide(&cx, &service_id, req, false).await
}

/// Accepts (`accept`) or rejects the connections `req` names.
async fn decide(
    cx: &Cx,
    service_id: &str,
    req: ConnectionsRequest,
    accept: bool,
) -> ApiResult<Response> {
    let delay = cx.state.settings.provision_delay;
    let r = connections::decide(cx.ctx(), delay, service_id, req, accept).await?;
    Ok(Json(r).into_response())
}
